// SPDX-License-Identifier: GPL-2.0
/*
 * potnpu allocation failure selftests: every driver entry point (open,
 * each ioctl, mmap) is run with its first, second, third... fault site
 * failing, through the per-task fail-nth counter (/proc/thread-self/
 * fail-nth), until a run reaches no further site. Slab allocations
 * (failslab) and page allocations (fail_page_alloc) both count, including
 * those of the DRM core and shmem the driver calls: only this task's
 * calls fail, nothing else in the guest does. Each injected failure must
 * make the call fail cleanly with ENOMEM (or succeed, where the kernel has
 * a fallback); afterwards the device must still run jobs. Leaks and
 * memory errors on the error paths are caught by kmemleak and KASAN in
 * the debug kernel's check layer (scripts/check.sh debug).
 *
 * Needs CONFIG_FAULT_INJECTION, CONFIG_FAILSLAB and
 * CONFIG_FAULT_INJECTION_DEBUG_FS: every test skips on a kernel without
 * them (Debian's).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "potnpu_job_util.h"
#include "potnpu_test_util.h"

#define FAIL_NTH	"/proc/thread-self/fail-nth"
#define FAILSLAB	"/sys/kernel/debug/failslab"
#define FAIL_PAGE	"/sys/kernel/debug/fail_page_alloc"
/* More fault sites than any single call has: a bound, not a budget. */
#define MAX_SITES	2000

FIXTURE(failslab) {
	int fd, index, nth;
	struct bo cmd, a;
	uint32_t done_sync, out_sync, timeline;
	uint64_t point, last_job;
	/* The BO or file descriptor the current step created. */
	uint32_t handle;
	int new_fd;
	void *map;
};

/* Set one fault injection knob; 0 or -1. */
static int knob(const char *dir, const char *name, const char *value)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return potnpu_write_file(path, value, strlen(value));
}

/*
 * Let GFP_KERNEL allocations fail too (both knobs default to ignoring
 * every allocation that may sleep, i.e. nearly all of a driver's), with
 * no message per failure: thousands of them would push real reports out
 * of the kernel log. @on false restores the defaults.
 */
static int configure_injection(bool on)
{
	int rc = 0;

	rc |= knob(FAILSLAB, "ignore-gfp-wait", on ? "N" : "Y");
	rc |= knob(FAILSLAB, "verbose", on ? "0" : "2");
	if (access(FAIL_PAGE, F_OK) == 0) {
		rc |= knob(FAIL_PAGE, "ignore-gfp-wait", on ? "N" : "Y");
		rc |= knob(FAIL_PAGE, "ignore-gfp-highmem", on ? "N" : "Y");
		rc |= knob(FAIL_PAGE, "min-order", on ? "0" : "1");
		rc |= knob(FAIL_PAGE, "verbose", on ? "0" : "2");
	}
	return rc ? -1 : 0;
}

/* Fail the @n-th fault site this task reaches from now on. */
static void arm(int nth, int n)
{
	char buf[16];
	int len = snprintf(buf, sizeof(buf), "%d", n);

	/* No other system call may come between this and the call tested. */
	if (pwrite(nth, buf, len, 0) != len)
		abort();
}

/* Stop injecting; returns the sites left to count, 0 if one failed. */
static int disarm(int nth)
{
	char buf[16] = {};
	int left;

	if (pread(nth, buf, sizeof(buf) - 1, 0) <= 0)
		abort();
	left = atoi(buf);
	if (pwrite(nth, "0", 1, 0) != 1)
		abort();
	return left;
}

/* One entry point under test: set up, the call itself, clean up. */
struct step {
	const char *name;
	/* Runs before arming: 0 or errno. */
	int (*prepare)(FIXTURE_DATA(failslab) *self);
	int (*call)(FIXTURE_DATA(failslab) *self);
	/* Runs after disarming, undoes what @call did: 0 or errno. */
	int (*cleanup)(FIXTURE_DATA(failslab) *self, int err);
};

static int gem_close(int fd, uint32_t handle)
{
	struct drm_gem_close c = { .handle = handle };

	return ioctl(fd, DRM_IOCTL_GEM_CLOSE, &c) ? errno : 0;
}

/* A fill and a fence on BO a, out-fence in @sync: 0 or errno. */
static int job_submit(FIXTURE_DATA(failslab) *self, uint32_t in,
		      uint32_t out, uint64_t point)
{
	struct stream s = { (uint32_t *)self->cmd.map, 0 };
	struct submit sub;
	int err;

	cmd_fill(&s, self->a.va, 256, 0x5a5a5a5a);
	cmd_fence(&s, self->a.va + 1024, 0xf00d);
	submit_init(&sub, &self->cmd, s.n * 4);
	submit_bo(&sub, &self->cmd);
	submit_bo(&sub, &self->a);
	if (in) {
		sub.in[0] = in;
		sub.args.in_syncobj_count = 1;
	}
	sub.args.out_syncobj = out;
	sub.args.out_point = point;
	err = submit(self->fd, &sub);
	if (!err)
		self->last_job = sub.args.job_id;
	return err;
}

/* The last submitted job completed without error: 0 or an errno. */
static int job_done_ok(FIXTURE_DATA(failslab) *self, uint32_t sync,
		       uint64_t point)
{
	struct drm_potnpu_job_status st;
	int err = syncobj_wait(self->fd, sync, point);

	if (err)
		return err;
	err = job_status(self->fd, self->last_job, &st);
	if (err)
		return err;
	if (st.state != DRM_POTNPU_JOB_DONE || st.status != DRM_POTNPU_JOB_OK)
		return EIO;
	return *(uint32_t *)(self->a.map + 1024) == 0xf00d ? 0 : EIO;
}

static int nothing(FIXTURE_DATA(failslab) *self)
{
	return 0;
}

static int nothing_after(FIXTURE_DATA(failslab) *self, int err)
{
	return 0;
}

static int call_open(FIXTURE_DATA(failslab) *self)
{
	char path[64];

	snprintf(path, sizeof(path), "/dev/accel/accel%d", self->index);
	self->new_fd = open(path, O_RDWR | O_CLOEXEC);
	return self->new_fd < 0 ? errno : 0;
}

static int after_open(FIXTURE_DATA(failslab) *self, int err)
{
	if (self->new_fd >= 0)
		close(self->new_fd);
	self->new_fd = -1;
	return 0;
}

static int call_query_device(FIXTURE_DATA(failslab) *self)
{
	struct drm_potnpu_device_info info;

	return potnpu_query_info(self->fd, &info);
}

static int call_query_fw(FIXTURE_DATA(failslab) *self)
{
	struct drm_potnpu_fw_info fw;
	struct drm_potnpu_query q = {
		.param = DRM_POTNPU_QUERY_FW_INFO,
		.size = sizeof(fw),
		.data = (uintptr_t)&fw,
	};

	return potnpu_query(self->fd, &q);
}

static int bo_create(FIXTURE_DATA(failslab) *self, uint64_t size,
		     uint32_t flags)
{
	struct drm_potnpu_bo_create c = { .size = size, .flags = flags };

	self->handle = 0;
	if (ioctl(self->fd, DRM_IOCTL_POTNPU_BO_CREATE, &c))
		return errno;
	self->handle = c.handle;
	return 0;
}

static int call_bo_create(FIXTURE_DATA(failslab) *self)
{
	return bo_create(self, 64 * 1024, 0);
}

static int call_bo_create_ro(FIXTURE_DATA(failslab) *self)
{
	return bo_create(self, 4096, DRM_POTNPU_BO_READ_ONLY);
}

static int after_bo(FIXTURE_DATA(failslab) *self, int err)
{
	int rc = 0;

	if (self->map)
		munmap(self->map, 64 * 1024);
	self->map = NULL;
	if (self->handle)
		rc = gem_close(self->fd, self->handle);
	self->handle = 0;
	return rc;
}

static int new_bo(FIXTURE_DATA(failslab) *self)
{
	return bo_create(self, 64 * 1024, 0);
}

static int bo_offset(FIXTURE_DATA(failslab) *self, uint64_t *offset)
{
	struct drm_potnpu_bo_info i = { .handle = self->handle };

	if (ioctl(self->fd, DRM_IOCTL_POTNPU_BO_INFO, &i))
		return errno;
	*offset = i.mmap_offset;
	return 0;
}

static int call_bo_info(FIXTURE_DATA(failslab) *self)
{
	uint64_t offset;

	return bo_offset(self, &offset);
}

static uint64_t map_offset;

static int new_bo_with_offset(FIXTURE_DATA(failslab) *self)
{
	return new_bo(self) ?: bo_offset(self, &map_offset);
}

/*
 * The mapping only: a page fault with a failing allocation would be a
 * user fault running out of memory, i.e. the OOM killer, not an error
 * path of the driver.
 */
static int call_mmap(FIXTURE_DATA(failslab) *self)
{
	void *p = mmap(NULL, 64 * 1024, PROT_READ | PROT_WRITE, MAP_SHARED,
		       self->fd, map_offset);

	if (p == MAP_FAILED)
		return errno;
	self->map = p;
	return 0;
}

static int call_submit(FIXTURE_DATA(failslab) *self)
{
	return job_submit(self, self->done_sync, self->out_sync, 0);
}

static int clear_bo_a(FIXTURE_DATA(failslab) *self)
{
	memset(self->a.map, 0, 2048);
	return 0;
}

/* A job submitted (maybe through a fallback) must also complete. */
static int after_submit(FIXTURE_DATA(failslab) *self, int err)
{
	return err ? 0 : job_done_ok(self, self->out_sync, 0);
}

static int call_submit_timeline(FIXTURE_DATA(failslab) *self)
{
	return job_submit(self, 0, self->timeline, ++self->point);
}

static int after_submit_timeline(FIXTURE_DATA(failslab) *self, int err)
{
	return err ? 0 : job_done_ok(self, self->timeline, self->point);
}

static int call_job_status(FIXTURE_DATA(failslab) *self)
{
	struct drm_potnpu_job_status st;

	return job_status(self->fd, self->last_job, &st);
}

/*
 * Run @step with fault site 1, 2, ... failing until a run reaches no
 * more sites; that run must succeed, every earlier one fail with ENOMEM
 * or succeed through a fallback.
 */
static void fail_each(struct __test_metadata *_metadata,
		      FIXTURE_DATA(failslab) *self, const struct step *step)
{
	int n, err, left, rc, failed = 0, recovered = 0;

	for (n = 1; n <= MAX_SITES; n++) {
		ASSERT_EQ(0, step->prepare(self));
		arm(self->nth, n);
		err = step->call(self);
		left = disarm(self->nth);
		rc = step->cleanup(self, err);
		EXPECT_EQ(0, rc) {
			TH_LOG("%s: fault site %d: undoing the call: %s",
			       step->name, n, strerror(rc));
		}
		if (left) {
			EXPECT_EQ(0, err) {
				TH_LOG("%s: failed with %s and no fault injected",
				       step->name, strerror(err));
			}
			break;
		}
		if (!err) {
			recovered++;
			continue;
		}
		failed++;
		EXPECT_EQ(ENOMEM, err) {
			TH_LOG("%s: fault site %d: %s, not ENOMEM", step->name,
			       n, strerror(err));
		}
	}
	ASSERT_LE(n, MAX_SITES) {
		TH_LOG("%s: still failing after %d fault sites", step->name,
		       MAX_SITES);
	}
	/* Some calls (job status, queries) may have no fault site at all. */
	TH_LOG("%s: %d fault sites: %d failed cleanly, %d recovered",
	       step->name, n - 1, failed, recovered);
	/* The device still runs jobs, on this file and on a new one. */
	clear_bo_a(self);
	ASSERT_EQ(0, job_submit(self, 0, self->out_sync, 0));
	ASSERT_EQ(0, job_done_ok(self, self->out_sync, 0));
}

FIXTURE_SETUP(failslab)
{
	struct drm_potnpu_fw_info fw = {};
	struct drm_potnpu_query q = {
		.param = DRM_POTNPU_QUERY_FW_INFO,
		.size = sizeof(fw),
		.data = (uintptr_t)&fw,
	};

	self->nth = -1;
	self->new_fd = -1;
	self->fd = potnpu_open_node(0, &self->index);
	ASSERT_GE(self->fd, 0);
	if (access(FAIL_NTH, W_OK) || access(FAILSLAB, F_OK))
		SKIP(return, "no fault injection in this kernel (CONFIG_FAULT_INJECTION, CONFIG_FAILSLAB, CONFIG_FAULT_INJECTION_DEBUG_FS)");
	ASSERT_EQ(0, potnpu_query(self->fd, &q));
	if (fw.status != DRM_POTNPU_FW_STATUS_READY)
		SKIP(return, "firmware not running");
	ASSERT_EQ(0, bo_new(self->fd, 4096, DRM_POTNPU_BO_READ_ONLY,
			    &self->cmd));
	ASSERT_EQ(0, bo_new(self->fd, 64 * 1024, 0, &self->a));
	self->done_sync = syncobj_new(self->fd);
	self->out_sync = syncobj_new(self->fd);
	self->timeline = syncobj_new(self->fd);
	ASSERT_NE(0, self->done_sync);
	ASSERT_NE(0, self->out_sync);
	ASSERT_NE(0, self->timeline);
	/* A finished job's fence, for the submits' in-fence. */
	ASSERT_EQ(0, job_submit(self, 0, self->done_sync, 0));
	ASSERT_EQ(0, job_done_ok(self, self->done_sync, 0));
	/*
	 * Nothing of ours may need a page fault while a fault site is armed:
	 * a failed fault in copy_from_user() would be EFAULT, not the
	 * driver's error path.
	 */
	ASSERT_EQ(0, mlockall(MCL_CURRENT));
	self->nth = open(FAIL_NTH, O_RDWR | O_CLOEXEC);
	ASSERT_GE(self->nth, 0);
	ASSERT_EQ(0, configure_injection(true));
}

FIXTURE_TEARDOWN(failslab)
{
	if (self->nth >= 0) {
		configure_injection(false);
		close(self->nth);
	}
	munlockall();
	bo_unmap(&self->cmd);
	bo_unmap(&self->a);
	if (self->fd >= 0)
		close(self->fd);
}

/* A debug kernel is slow: up to a few hundred calls per test. */
#define STEP_TEST(test, prep, fn, after)				\
	TEST_F_TIMEOUT(failslab, test, 300)				\
	{								\
		static const struct step step = {			\
			#test, prep, fn, after				\
		};							\
		fail_each(_metadata, self, &step);			\
	}

STEP_TEST(open, nothing, call_open, after_open)
STEP_TEST(query_device_info, nothing, call_query_device, nothing_after)
STEP_TEST(query_fw_info, nothing, call_query_fw, nothing_after)
STEP_TEST(bo_create, nothing, call_bo_create, after_bo)
STEP_TEST(bo_create_read_only, nothing, call_bo_create_ro, after_bo)
STEP_TEST(bo_info, new_bo, call_bo_info, after_bo)
STEP_TEST(mmap, new_bo_with_offset, call_mmap, after_bo)
STEP_TEST(submit, clear_bo_a, call_submit, after_submit)
STEP_TEST(submit_timeline, clear_bo_a, call_submit_timeline,
	  after_submit_timeline)
STEP_TEST(job_status, nothing, call_job_status, nothing_after)

TEST_HARNESS_MAIN
