// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests of the driver's ioctl filter in front of drm_ioctl(), the
 * pure functions potnpu_ioctl_check() and potnpu_ioctl_arg_size(): DRM core
 * ioctls an accel node never serves are refused by number, syncobj array
 * ioctls with too many handles by their count, everything else passes.
 */

#include <kunit/test.h>
#include <linux/ioctl.h>
#include <linux/kernel.h>
#include <linux/limits.h>
#include <linux/string.h>

#include <drm/drm.h>
#include <drm/potnpu_accel.h>

#include "../potnpu_drv.h"

/* The same number with other size, direction and type bits. */
static unsigned int renumbered(unsigned int cmd)
{
	return _IOC(_IOC_READ, 'x', _IOC_NR(cmd), 3);
}

static void ioctl_master_and_legacy_refused(struct kunit *test)
{
	static const unsigned int cmds[] = {
		DRM_IOCTL_GET_UNIQUE, DRM_IOCTL_GET_MAGIC,
		DRM_IOCTL_SET_VERSION, DRM_IOCTL_SET_UNIQUE,
		DRM_IOCTL_AUTH_MAGIC, DRM_IOCTL_SET_MASTER,
		DRM_IOCTL_DROP_MASTER, DRM_IOCTL_GET_CLIENT,
		DRM_IOCTL_GET_STATS, DRM_IOCTL_BLOCK, DRM_IOCTL_UNBLOCK,
		DRM_IOCTL_ADD_DRAW, DRM_IOCTL_RM_DRAW, DRM_IOCTL_FINISH,
		DRM_IOCTL_UPDATE_DRAW, DRM_IOCTL_SET_CLIENT_CAP,
		DRM_IOCTL_WAIT_VBLANK, DRM_IOCTL_CRTC_GET_SEQUENCE,
		DRM_IOCTL_CRTC_QUEUE_SEQUENCE,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		KUNIT_EXPECT_EQ_MSG(test, potnpu_ioctl_check(cmds[i], NULL),
				    -EOPNOTSUPP, "nr %#x", _IOC_NR(cmds[i]));
		/* drm_ioctl() looks at the number only; so does the filter. */
		KUNIT_EXPECT_EQ_MSG(test,
				    potnpu_ioctl_check(renumbered(cmds[i]), NULL),
				    -EOPNOTSUPP, "nr %#x", _IOC_NR(cmds[i]));
		KUNIT_EXPECT_EQ(test, potnpu_ioctl_arg_size(cmds[i]), 0);
	}
}

static void ioctl_modeset_refused(struct kunit *test)
{
	static const unsigned int cmds[] = {
		DRM_IOCTL_MODE_CREATE_LEASE, DRM_IOCTL_MODE_LIST_LESSEES,
		DRM_IOCTL_MODE_GET_LEASE, DRM_IOCTL_MODE_REVOKE_LEASE,
		DRM_IOCTL_MODE_GETFB2, DRM_IOCTL_MODE_CLOSEFB,
	};
	unsigned int nr, i;

	for (nr = _IOC_NR(DRM_IOCTL_MODE_GETRESOURCES);
	     nr <= _IOC_NR(DRM_IOCTL_MODE_DESTROYPROPBLOB); nr++)
		KUNIT_EXPECT_EQ_MSG(test, potnpu_ioctl_check(DRM_IO(nr), NULL),
				    -EOPNOTSUPP, "nr %#x", nr);
	KUNIT_EXPECT_EQ(test,
			potnpu_ioctl_check(DRM_IOCTL_MODE_CREATE_DUMB, NULL),
			-EOPNOTSUPP);
	for (i = 0; i < ARRAY_SIZE(cmds); i++)
		KUNIT_EXPECT_EQ_MSG(test, potnpu_ioctl_check(cmds[i], NULL),
				    -EOPNOTSUPP, "nr %#x", _IOC_NR(cmds[i]));
}

/* What an accel file uses goes on to drm_ioctl() untouched. */
static void ioctl_others_pass(struct kunit *test)
{
	static const unsigned int cmds[] = {
		DRM_IOCTL_VERSION, DRM_IOCTL_GET_CAP, DRM_IOCTL_GEM_CLOSE,
		DRM_IOCTL_GEM_FLINK, DRM_IOCTL_GEM_OPEN,
		DRM_IOCTL_PRIME_HANDLE_TO_FD, DRM_IOCTL_PRIME_FD_TO_HANDLE,
		DRM_IOCTL_SYNCOBJ_CREATE, DRM_IOCTL_SYNCOBJ_DESTROY,
		DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD, DRM_IOCTL_SYNCOBJ_FD_TO_HANDLE,
		DRM_IOCTL_SYNCOBJ_TRANSFER, DRM_IOCTL_SYNCOBJ_EVENTFD,
		DRM_IOCTL_POTNPU_QUERY, DRM_IOCTL_POTNPU_BO_CREATE,
		DRM_IOCTL_POTNPU_BO_INFO, DRM_IOCTL_POTNPU_SUBMIT,
		DRM_IOCTL_POTNPU_JOB_STATUS,
		/* Unknown numbers: drm_ioctl() gives its own -EINVAL. */
		DRM_IO(0x03), DRM_IO(0x3e), DRM_IO(DRM_COMMAND_BASE + 0x3f),
		DRM_IO(0xd1), DRM_IO(0xff),
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		KUNIT_EXPECT_EQ_MSG(test, potnpu_ioctl_check(cmds[i], NULL), 0,
				    "nr %#x", _IOC_NR(cmds[i]));
		KUNIT_EXPECT_EQ(test, potnpu_ioctl_arg_size(cmds[i]), 0);
	}
}

static void ioctl_syncobj_arg_sizes(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, potnpu_ioctl_arg_size(DRM_IOCTL_SYNCOBJ_WAIT),
			sizeof(struct drm_syncobj_wait));
	KUNIT_EXPECT_EQ(test,
			potnpu_ioctl_arg_size(DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT),
			sizeof(struct drm_syncobj_timeline_wait));
	KUNIT_EXPECT_EQ(test, potnpu_ioctl_arg_size(DRM_IOCTL_SYNCOBJ_RESET),
			sizeof(struct drm_syncobj_array));
	KUNIT_EXPECT_EQ(test, potnpu_ioctl_arg_size(DRM_IOCTL_SYNCOBJ_SIGNAL),
			sizeof(struct drm_syncobj_array));
	KUNIT_EXPECT_EQ(test,
			potnpu_ioctl_arg_size(DRM_IOCTL_SYNCOBJ_TIMELINE_SIGNAL),
			sizeof(struct drm_syncobj_timeline_array));
	KUNIT_EXPECT_EQ(test, potnpu_ioctl_arg_size(DRM_IOCTL_SYNCOBJ_QUERY),
			sizeof(struct drm_syncobj_timeline_array));
	/* By number, like the check. */
	KUNIT_EXPECT_EQ(test,
			potnpu_ioctl_arg_size(renumbered(DRM_IOCTL_SYNCOBJ_QUERY)),
			sizeof(struct drm_syncobj_timeline_array));
}

/* Each syncobj array ioctl with @count handles, through the filter. */
static void expect_counts(struct kunit *test, u32 count, int expected)
{
	struct drm_syncobj_wait wait = { .count_handles = count };
	struct drm_syncobj_timeline_wait twait = { .count_handles = count };
	struct drm_syncobj_array array = { .count_handles = count };
	struct drm_syncobj_timeline_array tarray = { .count_handles = count };

	KUNIT_EXPECT_EQ_MSG(test, potnpu_ioctl_check(DRM_IOCTL_SYNCOBJ_WAIT,
						     &wait),
			    expected, "WAIT count %u", count);
	KUNIT_EXPECT_EQ_MSG(test,
			    potnpu_ioctl_check(DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT,
					       &twait),
			    expected, "TIMELINE_WAIT count %u", count);
	KUNIT_EXPECT_EQ_MSG(test, potnpu_ioctl_check(DRM_IOCTL_SYNCOBJ_RESET,
						     &array),
			    expected, "RESET count %u", count);
	KUNIT_EXPECT_EQ_MSG(test, potnpu_ioctl_check(DRM_IOCTL_SYNCOBJ_SIGNAL,
						     &array),
			    expected, "SIGNAL count %u", count);
	KUNIT_EXPECT_EQ_MSG(test,
			    potnpu_ioctl_check(DRM_IOCTL_SYNCOBJ_TIMELINE_SIGNAL,
					       &tarray),
			    expected, "TIMELINE_SIGNAL count %u", count);
	KUNIT_EXPECT_EQ_MSG(test, potnpu_ioctl_check(DRM_IOCTL_SYNCOBJ_QUERY,
						     &tarray),
			    expected, "QUERY count %u", count);
}

static void ioctl_syncobj_counts(struct kunit *test)
{
	/* 0 is the core's to judge (WAIT accepts it, QUERY refuses it). */
	expect_counts(test, 0, 0);
	expect_counts(test, 1, 0);
	expect_counts(test, POTNPU_MAX_SYNCOBJ_HANDLES, 0);
	expect_counts(test, POTNPU_MAX_SYNCOBJ_HANDLES + 1, -EINVAL);
	expect_counts(test, 1u << 30, -EINVAL);
	expect_counts(test, U32_MAX, -EINVAL);
}

/* Only count_handles matters: the other fields are the core's to check. */
static void ioctl_syncobj_other_fields_ignored(struct kunit *test)
{
	struct drm_syncobj_timeline_array tarray;
	struct drm_syncobj_wait wait;

	memset(&wait, 0xff, sizeof(wait));
	wait.count_handles = 2;
	KUNIT_EXPECT_EQ(test, potnpu_ioctl_check(DRM_IOCTL_SYNCOBJ_WAIT, &wait),
			0);
	memset(&tarray, 0xff, sizeof(tarray));
	tarray.count_handles = POTNPU_MAX_SYNCOBJ_HANDLES;
	KUNIT_EXPECT_EQ(test,
			potnpu_ioctl_check(DRM_IOCTL_SYNCOBJ_QUERY, &tarray), 0);
	tarray.count_handles = POTNPU_MAX_SYNCOBJ_HANDLES + 1;
	KUNIT_EXPECT_EQ(test,
			potnpu_ioctl_check(renumbered(DRM_IOCTL_SYNCOBJ_QUERY),
					   &tarray), -EINVAL);
}

static struct kunit_case potnpu_ioctl_cases[] = {
	KUNIT_CASE(ioctl_master_and_legacy_refused),
	KUNIT_CASE(ioctl_modeset_refused),
	KUNIT_CASE(ioctl_others_pass),
	KUNIT_CASE(ioctl_syncobj_arg_sizes),
	KUNIT_CASE(ioctl_syncobj_counts),
	KUNIT_CASE(ioctl_syncobj_other_fields_ignored),
	{}
};

static struct kunit_suite potnpu_ioctl_suite = {
	.name = "potnpu_ioctl",
	.test_cases = potnpu_ioctl_cases,
};

kunit_test_suite(potnpu_ioctl_suite);
