// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests of the size negotiation of DRM_IOCTL_POTNPU_QUERY, the pure
 * functions potnpu_query_plan_sizes() and potnpu_query_plan().
 */

#include <kunit/test.h>
#include <linux/limits.h>

#include "../potnpu_query.h"

/* An answer that grew once: 48 bytes in its first version, 64 now. */
#define MIN_SIZE	48u
#define CUR_SIZE	64u

#define INFO_SIZE	((u32)sizeof(struct drm_potnpu_device_info))

/* A plan the functions must not touch when they fail. */
static const struct potnpu_query_plan poison = {
	.copy = 0xdead0001u, .clear = 0xdead0002u, .size = 0xdead0003u,
};

static struct drm_potnpu_query query(u32 param, u32 size)
{
	return (struct drm_potnpu_query){
		.param = param,
		.size = size,
		.data = 0x1000,
	};
}

static void expect_plan(struct kunit *test, u32 size, u32 copy, u32 clear,
			u32 out_size)
{
	struct drm_potnpu_query q = query(0, size);
	struct potnpu_query_plan plan = poison;

	KUNIT_ASSERT_EQ_MSG(test, potnpu_query_plan_sizes(&q, MIN_SIZE,
							  CUR_SIZE, &plan),
			    0, "size %u", size);
	KUNIT_EXPECT_EQ_MSG(test, plan.copy, copy, "size %u", size);
	KUNIT_EXPECT_EQ_MSG(test, plan.clear, clear, "size %u", size);
	KUNIT_EXPECT_EQ_MSG(test, plan.size, out_size, "size %u", size);
	/* Never more bytes touched than the buffer has. */
	KUNIT_EXPECT_LE_MSG(test, (u64)plan.copy + plan.clear, (u64)size,
			    "size %u", size);
}

static void expect_einval(struct kunit *test, const struct drm_potnpu_query *q,
			  u32 min_size, u32 cur_size)
{
	struct potnpu_query_plan plan = poison;

	KUNIT_EXPECT_EQ_MSG(test, potnpu_query_plan_sizes(q, min_size, cur_size,
							  &plan),
			    -EINVAL, "param %u size %u flags %#x pad %#x",
			    q->param, q->size, q->flags, q->pad);
	KUNIT_EXPECT_MEMEQ(test, &plan, &poison, sizeof(plan));
}

static void query_size_zero(struct kunit *test)
{
	/* Size 0 asks for the size; nothing is written. */
	expect_plan(test, 0, 0, 0, CUR_SIZE);
}

static void query_too_small(struct kunit *test)
{
	static const u32 sizes[] = { 1, 4, 8, MIN_SIZE - 8, MIN_SIZE - 1 };
	struct drm_potnpu_query q;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		q = query(0, sizes[i]);
		expect_einval(test, &q, MIN_SIZE, CUR_SIZE);
	}
}

static void query_exact(struct kunit *test)
{
	expect_plan(test, CUR_SIZE, CUR_SIZE, 0, CUR_SIZE);
}

static void query_older_userspace(struct kunit *test)
{
	/* A buffer of an older version of the answer gets that much of it. */
	expect_plan(test, MIN_SIZE, MIN_SIZE, 0, MIN_SIZE);
	expect_plan(test, MIN_SIZE + 8, MIN_SIZE + 8, 0, MIN_SIZE + 8);
	expect_plan(test, CUR_SIZE - 1, CUR_SIZE - 1, 0, CUR_SIZE - 1);
}

static void query_larger(struct kunit *test)
{
	/* The whole answer, the rest zeroed, the kernel's size returned. */
	expect_plan(test, CUR_SIZE + 1, CUR_SIZE, 1, CUR_SIZE);
	expect_plan(test, CUR_SIZE + 8, CUR_SIZE, 8, CUR_SIZE);
	expect_plan(test, DRM_POTNPU_QUERY_MAX_SIZE, CUR_SIZE,
		    DRM_POTNPU_QUERY_MAX_SIZE - CUR_SIZE, CUR_SIZE);
}

/*
 * The bug: a size of up to 4 GiB had the kernel zero that much of the
 * caller's memory. Nothing above DRM_POTNPU_QUERY_MAX_SIZE is accepted.
 */
static void query_too_large(struct kunit *test)
{
	static const u32 sizes[] = {
		DRM_POTNPU_QUERY_MAX_SIZE + 1, 1u << 20, U32_MAX,
	};
	struct drm_potnpu_query q;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		q = query(0, sizes[i]);
		expect_einval(test, &q, MIN_SIZE, CUR_SIZE);
	}
}

static void query_flags_pad(struct kunit *test)
{
	struct drm_potnpu_query q;
	unsigned int bit;

	for (bit = 0; bit < 32; bit++) {
		q = query(0, CUR_SIZE);
		q.flags = 1u << bit;
		expect_einval(test, &q, MIN_SIZE, CUR_SIZE);

		q = query(0, CUR_SIZE);
		q.pad = 1u << bit;
		expect_einval(test, &q, MIN_SIZE, CUR_SIZE);
	}
	/* Also when only asking for the size. */
	q = query(0, 0);
	q.flags = 1;
	expect_einval(test, &q, MIN_SIZE, CUR_SIZE);
	q = query(0, 0);
	q.pad = 0x80000000u;
	expect_einval(test, &q, MIN_SIZE, CUR_SIZE);
}

static void query_unknown_param(struct kunit *test)
{
	static const u32 params[] = { 2, 3, 0x100, 0x80000000u, U32_MAX };
	struct potnpu_query_plan plan;
	struct drm_potnpu_query q;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(params); i++) {
		q = query(params[i], INFO_SIZE);
		plan = poison;
		KUNIT_EXPECT_EQ_MSG(test, potnpu_query_plan(&q, &plan), -EINVAL,
				    "param %#x", params[i]);
		KUNIT_EXPECT_MEMEQ(test, &plan, &poison, sizeof(plan));

		q.size = 0;
		KUNIT_EXPECT_EQ_MSG(test, potnpu_query_plan(&q, &plan), -EINVAL,
				    "param %#x size 0", params[i]);
	}
}

/* The real table: DRM_POTNPU_QUERY_DEVICE_INFO. */
static void query_device_info(struct kunit *test)
{
	struct potnpu_query_plan plan;
	struct drm_potnpu_query q;

	KUNIT_EXPECT_EQ(test, INFO_SIZE, 48u);
	KUNIT_EXPECT_EQ(test, (u32)DRM_POTNPU_DEVICE_INFO_SIZE_V1, INFO_SIZE);

	q = query(DRM_POTNPU_QUERY_DEVICE_INFO, 0);
	KUNIT_ASSERT_EQ(test, potnpu_query_plan(&q, &plan), 0);
	KUNIT_EXPECT_EQ(test, plan.size, INFO_SIZE);
	KUNIT_EXPECT_EQ(test, plan.copy, 0u);
	KUNIT_EXPECT_EQ(test, plan.clear, 0u);

	q = query(DRM_POTNPU_QUERY_DEVICE_INFO, INFO_SIZE);
	KUNIT_ASSERT_EQ(test, potnpu_query_plan(&q, &plan), 0);
	KUNIT_EXPECT_EQ(test, plan.copy, INFO_SIZE);
	KUNIT_EXPECT_EQ(test, plan.clear, 0u);
	KUNIT_EXPECT_EQ(test, plan.size, INFO_SIZE);

	q = query(DRM_POTNPU_QUERY_DEVICE_INFO, INFO_SIZE + 16);
	KUNIT_ASSERT_EQ(test, potnpu_query_plan(&q, &plan), 0);
	KUNIT_EXPECT_EQ(test, plan.copy, INFO_SIZE);
	KUNIT_EXPECT_EQ(test, plan.clear, 16u);
	KUNIT_EXPECT_EQ(test, plan.size, INFO_SIZE);

	q = query(DRM_POTNPU_QUERY_DEVICE_INFO, INFO_SIZE - 1);
	KUNIT_EXPECT_EQ(test, potnpu_query_plan(&q, &plan), -EINVAL);

	q = query(DRM_POTNPU_QUERY_DEVICE_INFO, INFO_SIZE);
	q.flags = 1;
	KUNIT_EXPECT_EQ(test, potnpu_query_plan(&q, &plan), -EINVAL);
	q.flags = 0;
	q.pad = 1;
	KUNIT_EXPECT_EQ(test, potnpu_query_plan(&q, &plan), -EINVAL);
}

/* The real table: DRM_POTNPU_QUERY_FW_INFO, 32 bytes. */
static void query_fw_info(struct kunit *test)
{
	struct potnpu_query_plan plan;
	struct drm_potnpu_query q;

	KUNIT_EXPECT_EQ(test, (u32)sizeof(struct drm_potnpu_fw_info), 32u);
	KUNIT_EXPECT_EQ(test, (u32)DRM_POTNPU_FW_INFO_SIZE_V1, 32u);

	q = query(DRM_POTNPU_QUERY_FW_INFO, 0);
	KUNIT_ASSERT_EQ(test, potnpu_query_plan(&q, &plan), 0);
	KUNIT_EXPECT_EQ(test, plan.size, 32u);
	KUNIT_EXPECT_EQ(test, plan.copy, 0u);

	q = query(DRM_POTNPU_QUERY_FW_INFO, 32);
	KUNIT_ASSERT_EQ(test, potnpu_query_plan(&q, &plan), 0);
	KUNIT_EXPECT_EQ(test, plan.copy, 32u);
	KUNIT_EXPECT_EQ(test, plan.clear, 0u);

	q = query(DRM_POTNPU_QUERY_FW_INFO, 100);
	KUNIT_ASSERT_EQ(test, potnpu_query_plan(&q, &plan), 0);
	KUNIT_EXPECT_EQ(test, plan.copy, 32u);
	KUNIT_EXPECT_EQ(test, plan.clear, 68u);
	KUNIT_EXPECT_EQ(test, plan.size, 32u);

	q = query(DRM_POTNPU_QUERY_FW_INFO, 31);
	KUNIT_EXPECT_EQ(test, potnpu_query_plan(&q, &plan), -EINVAL);
	q = query(DRM_POTNPU_QUERY_FW_INFO, 32);
	q.pad = 1;
	KUNIT_EXPECT_EQ(test, potnpu_query_plan(&q, &plan), -EINVAL);
}

/* The data pointer is the ioctl's business, never the planner's. */
static void query_data_ignored(struct kunit *test)
{
	struct potnpu_query_plan a, b;
	struct drm_potnpu_query q;

	q = query(DRM_POTNPU_QUERY_DEVICE_INFO, INFO_SIZE + 4);
	KUNIT_ASSERT_EQ(test, potnpu_query_plan(&q, &a), 0);
	q.data = 0;
	KUNIT_ASSERT_EQ(test, potnpu_query_plan(&q, &b), 0);
	KUNIT_EXPECT_MEMEQ(test, &a, &b, sizeof(a));
}

static struct kunit_case potnpu_query_cases[] = {
	KUNIT_CASE(query_size_zero),
	KUNIT_CASE(query_too_small),
	KUNIT_CASE(query_exact),
	KUNIT_CASE(query_older_userspace),
	KUNIT_CASE(query_larger),
	KUNIT_CASE(query_too_large),
	KUNIT_CASE(query_flags_pad),
	KUNIT_CASE(query_unknown_param),
	KUNIT_CASE(query_fw_info),
	KUNIT_CASE(query_device_info),
	KUNIT_CASE(query_data_ignored),
	{}
};

static struct kunit_suite potnpu_query_suite = {
	.name = "potnpu_query",
	.test_cases = potnpu_query_cases,
};

kunit_test_suite(potnpu_query_suite);
