// SPDX-License-Identifier: GPL-2.0
/*
 * potnpu selftests of the DRM core ioctls on the accel node, run inside the
 * guest as root. In Debian's 6.12, GET_MAGIC and GET_UNIQUE on an accel
 * node dereference the master such a file never has (an oops that kills
 * the caller while it holds the device's master_mutex, so the next caller
 * hangs), and the syncobj array ioctls hand a huge count_handles to
 * kmalloc_array() (a page allocator WARNING). The driver refuses them
 * before they reach the DRM core: master, legacy and modeset ioctls with
 * EOPNOTSUPP, more than 4096 syncobj handles with EINVAL.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "potnpu_job_util.h"
#include "potnpu_test_util.h"

/* The driver's bound on count_handles (POTNPU_MAX_SYNCOBJ_HANDLES). */
#define MAX_HANDLES	4096u

/*
 * Run @cmd on a fresh open of the first node in a child: its errno (0 on
 * success), -1 if the child did not exit normally (killed by an oops or
 * stuck behind a lock an oops left held, then killed by its alarm).
 */
static int child_ioctl(unsigned long cmd, void *arg)
{
	int status;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		int fd;

		alarm(20);
		fd = potnpu_open_node(0, NULL);
		if (fd < 0)
			_exit(200);
		if (ioctl(fd, cmd, arg))
			_exit(errno & 0xff);
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

FIXTURE(ioctl) {
	int fd;
	uint32_t sync;
	uint32_t *handles;
	uint64_t *points;
};

FIXTURE_SETUP(ioctl)
{
	unsigned int i;

	self->fd = potnpu_open_node(0, NULL);
	ASSERT_GE(self->fd, 0);
	self->sync = syncobj_new(self->fd);
	ASSERT_NE(0, self->sync);
	/* Enough for every count tried; a bad count must not be read. */
	self->handles = calloc(MAX_HANDLES, sizeof(*self->handles));
	self->points = calloc(MAX_HANDLES, sizeof(*self->points));
	ASSERT_NE(NULL, self->handles);
	ASSERT_NE(NULL, self->points);
	for (i = 0; i < MAX_HANDLES; i++)
		self->handles[i] = self->sync;
	potnpu_klog_clear();
}

FIXTURE_TEARDOWN(ioctl)
{
	free(self->handles);
	free(self->points);
	close(self->fd);
}

TEST_F(ioctl, get_magic_refused)
{
	struct drm_auth auth = {};

	/* Twice: a first call that oopsed would leave master_mutex held. */
	EXPECT_EQ(EOPNOTSUPP, child_ioctl(DRM_IOCTL_GET_MAGIC, &auth));
	EXPECT_EQ(EOPNOTSUPP, child_ioctl(DRM_IOCTL_GET_MAGIC, &auth));
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->fd, DRM_IOCTL_GET_MAGIC, &auth));
	EXPECT_EQ(EOPNOTSUPP, errno);
	EXPECT_EQ(0, auth.magic);
}

TEST_F(ioctl, get_unique_refused)
{
	char buf[64] = "";
	struct drm_unique u = { .unique_len = sizeof(buf), .unique = buf };
	struct drm_unique none = {};

	EXPECT_EQ(EOPNOTSUPP, child_ioctl(DRM_IOCTL_GET_UNIQUE, &none));
	EXPECT_EQ(EOPNOTSUPP, child_ioctl(DRM_IOCTL_GET_UNIQUE, &u));
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->fd, DRM_IOCTL_GET_UNIQUE, &u));
	EXPECT_EQ(EOPNOTSUPP, errno);
	EXPECT_EQ(0, buf[0]);
}

/* drm_ioctl() dispatches on the number alone: so does the refusal. */
TEST_F(ioctl, get_magic_with_other_size_refused)
{
	uint64_t arg[4] = {};

	EXPECT_EQ(EOPNOTSUPP,
		  child_ioctl(_IOC(_IOC_READ, DRM_IOCTL_BASE,
				   _IOC_NR(DRM_IOCTL_GET_MAGIC), 1), arg));
	EXPECT_EQ(EOPNOTSUPP,
		  child_ioctl(_IOC(_IOC_READ | _IOC_WRITE, DRM_IOCTL_BASE,
				   _IOC_NR(DRM_IOCTL_GET_UNIQUE), 32), arg));
}

TEST_F(ioctl, master_legacy_and_modeset_refused)
{
	static const unsigned long cmds[] = {
		DRM_IOCTL_AUTH_MAGIC, DRM_IOCTL_SET_UNIQUE,
		DRM_IOCTL_SET_MASTER, DRM_IOCTL_DROP_MASTER,
		DRM_IOCTL_SET_VERSION, DRM_IOCTL_GET_CLIENT,
		DRM_IOCTL_GET_STATS, DRM_IOCTL_BLOCK, DRM_IOCTL_FINISH,
		DRM_IOCTL_SET_CLIENT_CAP, DRM_IOCTL_WAIT_VBLANK,
		DRM_IOCTL_CRTC_GET_SEQUENCE, DRM_IOCTL_MODE_GETRESOURCES,
		DRM_IOCTL_MODE_CREATE_DUMB, DRM_IOCTL_MODE_ATOMIC,
		DRM_IOCTL_MODE_CREATE_LEASE, DRM_IOCTL_MODE_GETFB2,
	};
	uint64_t arg[16];
	size_t i;

	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		memset(arg, 0, sizeof(arg));
		errno = 0;
		EXPECT_EQ(-1, ioctl(self->fd, cmds[i], arg));
		EXPECT_EQ(EOPNOTSUPP, errno) {
			TH_LOG("ioctl nr %#lx", _IOC_NR(cmds[i]));
		}
	}
}

/* What an accel file needs from the core still works. */
TEST_F(ioctl, core_ioctls_still_served)
{
	struct drm_get_cap cap = { .capability = DRM_CAP_SYNCOBJ };
	struct drm_version v = {};
	struct drm_syncobj_destroy d = {};

	EXPECT_EQ(0, ioctl(self->fd, DRM_IOCTL_VERSION, &v));
	EXPECT_EQ(DRM_POTNPU_UAPI_MAJOR, v.version_major);
	EXPECT_EQ(0, ioctl(self->fd, DRM_IOCTL_GET_CAP, &cap));
	EXPECT_EQ(1, cap.value);
	d.handle = syncobj_new(self->fd);
	ASSERT_NE(0, d.handle);
	EXPECT_EQ(0, ioctl(self->fd, DRM_IOCTL_SYNCOBJ_DESTROY, &d));
}

/* Each syncobj array ioctl with @count handles: 0 or errno. */
static int syncobj_array(FIXTURE_DATA(ioctl) *self, unsigned long cmd,
			 uint32_t count)
{
	struct drm_syncobj_timeline_wait tw = {
		.handles = (uintptr_t)self->handles,
		.points = (uintptr_t)self->points,
		.timeout_nsec = now_ns() + 5000000000ll,
		.count_handles = count,
	};
	struct drm_syncobj_wait w = {
		.handles = (uintptr_t)self->handles,
		.timeout_nsec = now_ns() + 5000000000ll,
		.count_handles = count,
	};
	struct drm_syncobj_timeline_array ta = {
		.handles = (uintptr_t)self->handles,
		.points = (uintptr_t)self->points,
		.count_handles = count,
	};
	struct drm_syncobj_array a = {
		.handles = (uintptr_t)self->handles,
		.count_handles = count,
	};
	void *arg;

	switch (cmd) {
	case DRM_IOCTL_SYNCOBJ_WAIT:
		arg = &w;
		break;
	case DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT:
		arg = &tw;
		break;
	case DRM_IOCTL_SYNCOBJ_QUERY:
	case DRM_IOCTL_SYNCOBJ_TIMELINE_SIGNAL:
		arg = &ta;
		break;
	default:
		arg = &a;
		break;
	}
	return ioctl(self->fd, cmd, arg) ? errno : 0;
}

static const unsigned long syncobj_cmds[] = {
	DRM_IOCTL_SYNCOBJ_QUERY, DRM_IOCTL_SYNCOBJ_WAIT,
	DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT, DRM_IOCTL_SYNCOBJ_RESET,
	DRM_IOCTL_SYNCOBJ_SIGNAL, DRM_IOCTL_SYNCOBJ_TIMELINE_SIGNAL,
};

TEST_F(ioctl, syncobj_huge_counts_refused)
{
	static const uint32_t counts[] = {
		MAX_HANDLES + 1, 1u << 20, 1u << 30, 0xffffffffu,
	};
	size_t i, j;

	/* The harness's EXPECT_* macros are not safe as a bare loop body. */
	for (i = 0; i < sizeof(syncobj_cmds) / sizeof(syncobj_cmds[0]); i++) {
		for (j = 0; j < sizeof(counts) / sizeof(counts[0]); j++) {
			EXPECT_EQ(EINVAL,
				  syncobj_array(self, syncobj_cmds[i], counts[j])) {
				TH_LOG("ioctl nr %#lx, count %u",
				       _IOC_NR(syncobj_cmds[i]), counts[j]);
			}
		}
	}
	/* The core used to warn from the page allocator here. */
	EXPECT_FALSE(potnpu_klog_contains("WARNING"));
	EXPECT_FALSE(potnpu_klog_contains("Call Trace"));
}

/* Up to the bound, the core does the work as before. */
TEST_F(ioctl, syncobj_counts_up_to_the_bound_served)
{
	size_t i;

	/* Signal first so that the waits return at once. */
	EXPECT_EQ(0, syncobj_array(self, DRM_IOCTL_SYNCOBJ_SIGNAL, 1));
	for (i = 0; i < sizeof(syncobj_cmds) / sizeof(syncobj_cmds[0]); i++) {
		EXPECT_EQ(0, syncobj_array(self, syncobj_cmds[i], 1)) {
			TH_LOG("ioctl nr %#lx, count 1",
			       _IOC_NR(syncobj_cmds[i]));
		}
		if (syncobj_cmds[i] == DRM_IOCTL_SYNCOBJ_RESET) {
			EXPECT_EQ(0, syncobj_array(self,
						   DRM_IOCTL_SYNCOBJ_SIGNAL, 1));
		}
	}
	/* The same handle MAX_HANDLES times is a valid array. */
	EXPECT_EQ(0, syncobj_array(self, DRM_IOCTL_SYNCOBJ_QUERY, MAX_HANDLES));
	EXPECT_EQ(0, syncobj_array(self, DRM_IOCTL_SYNCOBJ_WAIT, MAX_HANDLES));
	EXPECT_EQ(0, syncobj_array(self, DRM_IOCTL_SYNCOBJ_RESET, MAX_HANDLES));
	/* Zero stays the core's answer: QUERY refuses it, WAIT does not. */
	EXPECT_EQ(EINVAL, syncobj_array(self, DRM_IOCTL_SYNCOBJ_QUERY, 0));
	EXPECT_EQ(0, syncobj_array(self, DRM_IOCTL_SYNCOBJ_WAIT, 0));
}

TEST_HARNESS_MAIN
