// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests of the pure parts of job submission: argument checks, the
 * descriptor, ring arithmetic with wrapping counters, completion records.
 */

#include <kunit/test.h>
#include <linux/limits.h>

#include "../potnpu_submit.h"

static struct drm_potnpu_submit good_args(void)
{
	return (struct drm_potnpu_submit){
		.cmd_handle = 1,
		.cmd_offset = 0,
		.cmd_size = 16,
		.bo_count = 2,
		.bo_handles = 0x1000,
	};
}

static void submit_args_valid(struct kunit *test)
{
	struct drm_potnpu_submit a = good_args();

	KUNIT_EXPECT_EQ(test, potnpu_submit_check(&a), 0);
	a.cmd_size = 4;
	KUNIT_EXPECT_EQ(test, potnpu_submit_check(&a), 0);
	a.cmd_size = POTNPU_CMD_MAX_SIZE;
	a.cmd_offset = 0x1004;
	a.bo_count = DRM_POTNPU_MAX_JOB_BOS;
	a.in_syncobj_count = DRM_POTNPU_MAX_IN_SYNCOBJS;
	a.out_syncobj = 3;
	a.out_point = 7;
	KUNIT_EXPECT_EQ(test, potnpu_submit_check(&a), 0);
	/* job_id is an output: whatever comes in is ignored. */
	a.job_id = U64_MAX;
	KUNIT_EXPECT_EQ(test, potnpu_submit_check(&a), 0);
}

static void submit_args_invalid(struct kunit *test)
{
	struct drm_potnpu_submit a;
	unsigned int bit;

	for (bit = 0; bit < 32; bit++) {
		a = good_args();
		a.flags = BIT(bit);
		KUNIT_EXPECT_EQ(test, potnpu_submit_check(&a), -EINVAL);
		a = good_args();
		a.pad = BIT(bit);
		KUNIT_EXPECT_EQ(test, potnpu_submit_check(&a), -EINVAL);
	}
	a = good_args();
	a.cmd_size = 0;
	KUNIT_EXPECT_EQ(test, potnpu_submit_check(&a), -EINVAL);
	a.cmd_size = 6;
	KUNIT_EXPECT_EQ(test, potnpu_submit_check(&a), -EINVAL);
	a.cmd_size = POTNPU_CMD_MAX_SIZE + 4;
	KUNIT_EXPECT_EQ(test, potnpu_submit_check(&a), -EINVAL);
	a.cmd_size = U32_MAX & ~3u;
	KUNIT_EXPECT_EQ(test, potnpu_submit_check(&a), -EINVAL);
	a = good_args();
	a.cmd_offset = 2;
	KUNIT_EXPECT_EQ(test, potnpu_submit_check(&a), -EINVAL);
	a = good_args();
	a.bo_count = 0;
	KUNIT_EXPECT_EQ(test, potnpu_submit_check(&a), -EINVAL);
	a.bo_count = DRM_POTNPU_MAX_JOB_BOS + 1;
	KUNIT_EXPECT_EQ(test, potnpu_submit_check(&a), -EINVAL);
	a = good_args();
	a.in_syncobj_count = DRM_POTNPU_MAX_IN_SYNCOBJS + 1;
	KUNIT_EXPECT_EQ(test, potnpu_submit_check(&a), -EINVAL);
	a = good_args();
	a.out_point = 1;
	KUNIT_EXPECT_EQ(test, potnpu_submit_check(&a), -EINVAL);
}

static void submit_cmd_range(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, potnpu_submit_cmd_range(0, 4096, 4096), 0);
	KUNIT_EXPECT_EQ(test, potnpu_submit_cmd_range(4092, 4, 4096), 0);
	KUNIT_EXPECT_EQ(test, potnpu_submit_cmd_range(4092, 8, 4096), -EINVAL);
	KUNIT_EXPECT_EQ(test, potnpu_submit_cmd_range(4096, 4, 4096), -EINVAL);
	KUNIT_EXPECT_EQ(test, potnpu_submit_cmd_range(U32_MAX - 3, 8,
						      U64_MAX), 0);
	/* The end is computed in 64 bits: no 32-bit wrap. */
	KUNIT_EXPECT_EQ(test, potnpu_submit_cmd_range(U32_MAX - 3, 8,
						      (u64)U32_MAX + 5), 0);
	KUNIT_EXPECT_EQ(test, potnpu_submit_cmd_range(U32_MAX - 3, 8,
						      (u64)U32_MAX + 4),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, potnpu_submit_cmd_range(0, 4, 0), -EINVAL);
}

static void submit_handles(struct kunit *test)
{
	u32 h[DRM_POTNPU_MAX_JOB_BOS + 1];
	u32 i;

	for (i = 0; i < ARRAY_SIZE(h); i++)
		h[i] = i + 1;
	KUNIT_EXPECT_EQ(test, potnpu_submit_check_handles(h, 0), 0);
	KUNIT_EXPECT_EQ(test, potnpu_submit_check_handles(h, 1), 0);
	KUNIT_EXPECT_EQ(test,
			potnpu_submit_check_handles(h, DRM_POTNPU_MAX_JOB_BOS),
			0);
	KUNIT_EXPECT_EQ(test,
			potnpu_submit_check_handles(h, ARRAY_SIZE(h)),
			-EINVAL);
	/* A duplicate anywhere, and handle 0. */
	h[40] = h[3];
	KUNIT_EXPECT_EQ(test, potnpu_submit_check_handles(h, 41), -EINVAL);
	KUNIT_EXPECT_EQ(test, potnpu_submit_check_handles(h, 40), 0);
	h[40] = 41;
	h[7] = 0;
	KUNIT_EXPECT_EQ(test, potnpu_submit_check_handles(h, 8), -EINVAL);
	KUNIT_EXPECT_EQ(test, potnpu_submit_check_handles(h, 7), 0);
}

/*
 * The bug: two handles of one BO (a flink name opened again) passed the
 * handle check. The object check finds them wherever they are.
 */
static void submit_unique_objects(struct kunit *test)
{
	static int objs[DRM_POTNPU_MAX_JOB_BOS + 1];
	const void *p[DRM_POTNPU_MAX_JOB_BOS + 1];
	u32 i;

	for (i = 0; i < ARRAY_SIZE(p); i++)
		p[i] = &objs[i];
	KUNIT_EXPECT_EQ(test, potnpu_submit_check_unique(p, 0), 0);
	KUNIT_EXPECT_EQ(test, potnpu_submit_check_unique(p, 1), 0);
	KUNIT_EXPECT_EQ(test,
			potnpu_submit_check_unique(p, DRM_POTNPU_MAX_JOB_BOS),
			0);
	KUNIT_EXPECT_EQ(test, potnpu_submit_check_unique(p, ARRAY_SIZE(p)),
			-EINVAL);
	p[DRM_POTNPU_MAX_JOB_BOS - 1] = p[0];
	KUNIT_EXPECT_EQ(test,
			potnpu_submit_check_unique(p, DRM_POTNPU_MAX_JOB_BOS),
			-EINVAL);
	p[1] = p[0];
	KUNIT_EXPECT_EQ(test, potnpu_submit_check_unique(p, 2), -EINVAL);
}

static void job_desc(struct kunit *test)
{
	struct potnpu_job_desc d;
	const u8 *b = (const u8 *)&d;
	unsigned int i;

	memset(&d, 0xa5, sizeof(d));
	potnpu_job_desc_fill(&d, 0x11223344, 15, 0x0000000123456788ull, 0x100);
	/* Byte for byte, little endian, as the firmware reads it. */
	KUNIT_EXPECT_EQ(test, b[0], 0x44);
	KUNIT_EXPECT_EQ(test, b[3], 0x11);
	KUNIT_EXPECT_EQ(test, b[4], 15);
	KUNIT_EXPECT_EQ(test, b[5], 0);
	KUNIT_EXPECT_EQ(test, b[6] | b[7], 0);	/* flags */
	KUNIT_EXPECT_EQ(test, b[8], 0x88);
	KUNIT_EXPECT_EQ(test, b[12], 0x01);
	KUNIT_EXPECT_EQ(test, b[15], 0x00);
	KUNIT_EXPECT_EQ(test, b[16], 0x00);
	KUNIT_EXPECT_EQ(test, b[17], 0x01);
	for (i = 20; i < sizeof(d); i++)
		KUNIT_EXPECT_EQ_MSG(test, b[i], 0, "reserved byte %u", i);
	KUNIT_EXPECT_EQ(test, sizeof(d), 64);
}

static void ring_room(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, potnpu_jq_has_room(0, 0, 64));
	KUNIT_EXPECT_TRUE(test, potnpu_jq_has_room(63, 0, 64));
	KUNIT_EXPECT_FALSE(test, potnpu_jq_has_room(64, 0, 64));
	KUNIT_EXPECT_TRUE(test, potnpu_jq_has_room(64, 1, 64));
	/* Across the 32-bit wrap. */
	KUNIT_EXPECT_TRUE(test, potnpu_jq_has_room(30, U32_MAX - 30, 64));
	KUNIT_EXPECT_FALSE(test, potnpu_jq_has_room(33, U32_MAX - 30, 64));
	KUNIT_EXPECT_EQ(test, potnpu_ring_index(65, 64), 1u);
	KUNIT_EXPECT_EQ(test, potnpu_ring_index(U32_MAX, 64), 63u);
	KUNIT_EXPECT_EQ(test, potnpu_ring_index(U32_MAX + 1u, 64), 0u);
}

static void cq_pending(struct kunit *test)
{
	u32 n;

	KUNIT_EXPECT_EQ(test, potnpu_cq_pending(0, 0, 0, &n), 0);
	KUNIT_EXPECT_EQ(test, n, 0u);
	KUNIT_EXPECT_EQ(test, potnpu_cq_pending(3, 1, 5, &n), 0);
	KUNIT_EXPECT_EQ(test, n, 2u);
	KUNIT_EXPECT_EQ(test, potnpu_cq_pending(5, 1, 5, &n), 0);
	KUNIT_EXPECT_EQ(test, n, 4u);
	/* More completions than jobs, or a CQ_TAIL that went backwards. */
	KUNIT_EXPECT_EQ(test, potnpu_cq_pending(6, 1, 5, &n), -EIO);
	KUNIT_EXPECT_EQ(test, n, 0u);
	KUNIT_EXPECT_EQ(test, potnpu_cq_pending(0, 1, 5, &n), -EIO);
	KUNIT_EXPECT_EQ(test, potnpu_cq_pending(0xffffffffu, 0, 5, &n), -EIO);
	/* Across the wrap. */
	KUNIT_EXPECT_EQ(test, potnpu_cq_pending(2, U32_MAX - 1, 2, &n), 0);
	KUNIT_EXPECT_EQ(test, n, 4u);
	KUNIT_EXPECT_EQ(test, potnpu_cq_pending(3, U32_MAX - 1, 2, &n), -EIO);
}

static void job_done_decode(struct kunit *test)
{
	struct potnpu_job_done rec = {
		.seqno = cpu_to_le32(9),
		.status = cpu_to_le32(POTNPU_JOB_EMMU),
		.err_offset = cpu_to_le32(0x40),
		.err_info = cpu_to_le32(0x00030103),
		.fault_addr_lo = cpu_to_le32(0x89123000),
		.fault_addr_hi = cpu_to_le32(0x7),
		.start_lo = cpu_to_le32(1),
		.end_lo = cpu_to_le32(2),
	};
	struct drm_potnpu_job_status st;

	memset(&st, 0xa5, sizeof(st));
	st.job_id = 77;
	potnpu_job_done_decode(&rec, &st);
	KUNIT_EXPECT_EQ(test, st.job_id, 77ull);
	KUNIT_EXPECT_EQ(test, st.state, DRM_POTNPU_JOB_DONE);
	KUNIT_EXPECT_EQ(test, st.status, DRM_POTNPU_JOB_MMU_FAULT);
	KUNIT_EXPECT_EQ(test, st.err_offset, 0x40u);
	KUNIT_EXPECT_EQ(test, st.err_info, 0x00030103u);
	/* Both halves: a 64-bit address is not cut to its low word. */
	KUNIT_EXPECT_EQ(test, st.fault_addr, 0x789123000ull);
}

/*
 * Every device code has its uapi code, and a code the firmware invents is
 * a device error, never passed through as if it meant something.
 */
static void job_status_translation(struct kunit *test)
{
	static const struct {
		u32 device, uapi;
	} map[] = {
		{ POTNPU_JOB_OK, DRM_POTNPU_JOB_OK },
		{ POTNPU_JOB_EILLEGAL, DRM_POTNPU_JOB_ILLEGAL },
		{ POTNPU_JOB_EINVAL, DRM_POTNPU_JOB_INVALID },
		{ POTNPU_JOB_EMMU, DRM_POTNPU_JOB_MMU_FAULT },
		{ POTNPU_JOB_EBUS, DRM_POTNPU_JOB_BUS_ERROR },
		{ POTNPU_JOB_EDESC, DRM_POTNPU_JOB_BAD_DESC },
		{ POTNPU_JOB_ABORTED, DRM_POTNPU_JOB_ABORTED },
		{ 7, DRM_POTNPU_JOB_DEVICE_ERROR },
		{ DRM_POTNPU_JOB_TIMEOUT, DRM_POTNPU_JOB_DEVICE_ERROR },
		{ U32_MAX, DRM_POTNPU_JOB_DEVICE_ERROR },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(map); i++)
		KUNIT_EXPECT_EQ_MSG(test,
				    potnpu_job_status_from_device(map[i].device),
				    map[i].uapi, "device code %#x",
				    map[i].device);
}

static void uapi_layout(struct kunit *test)
{
	/* Natural alignment, no implicit padding, same on 32-bit. */
	KUNIT_EXPECT_EQ(test, sizeof(struct drm_potnpu_submit), 64);
	KUNIT_EXPECT_EQ(test, offsetof(struct drm_potnpu_submit, bo_handles),
			16);
	KUNIT_EXPECT_EQ(test, offsetof(struct drm_potnpu_submit, out_point),
			40);
	KUNIT_EXPECT_EQ(test, offsetof(struct drm_potnpu_submit, job_id), 48);
	KUNIT_EXPECT_EQ(test, offsetof(struct drm_potnpu_submit, pad), 60);
	KUNIT_EXPECT_EQ(test, sizeof(struct drm_potnpu_job_status), 32);
}

static struct kunit_case potnpu_submit_cases[] = {
	KUNIT_CASE(submit_args_valid),
	KUNIT_CASE(submit_args_invalid),
	KUNIT_CASE(submit_cmd_range),
	KUNIT_CASE(submit_handles),
	KUNIT_CASE(submit_unique_objects),
	KUNIT_CASE(job_desc),
	KUNIT_CASE(ring_room),
	KUNIT_CASE(cq_pending),
	KUNIT_CASE(job_done_decode),
	KUNIT_CASE(job_status_translation),
	KUNIT_CASE(uapi_layout),
	{}
};

static struct kunit_suite potnpu_submit_suite = {
	.name = "potnpu_submit",
	.test_cases = potnpu_submit_cases,
};

kunit_test_suite(potnpu_submit_suite);
