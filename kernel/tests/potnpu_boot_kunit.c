// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests of the pure parts of the firmware boot code: the log ring
 * window and the status and error names.
 */

#include <kunit/test.h>

#include <potnpu/potnpu_core.h>
#include <potnpu/potnpu_regs.h>

#include "../potnpu_boot.h"

static void expect_window(struct kunit *test, u32 base, u32 size, u32 head,
			  u32 start, u32 len)
{
	u32 s = 0xdead, l = 0xdead;

	KUNIT_ASSERT_EQ_MSG(test, potnpu_fw_log_window(base, size, head, &s,
						       &l), 0,
			    "base %#x size %#x head %#x", base, size, head);
	KUNIT_EXPECT_EQ_MSG(test, s, start, "head %#x", head);
	KUNIT_EXPECT_EQ_MSG(test, l, len, "head %#x", head);
}

static void expect_bad(struct kunit *test, u32 base, u32 size, u32 head)
{
	u32 s, l;

	KUNIT_EXPECT_EQ_MSG(test, potnpu_fw_log_window(base, size, head, &s,
						       &l), -EINVAL,
			    "base %#x size %#x head %#x", base, size, head);
	KUNIT_EXPECT_EQ(test, l, 0);
}

static void log_window_not_published(struct kunit *test)
{
	expect_window(test, 0, 0, 0, 0, 0);
}

static void log_window_before_wrap(struct kunit *test)
{
	expect_window(test, 0x40, 4096, 0, 0, 0);
	expect_window(test, 0x40, 4096, 1, 0, 1);
	expect_window(test, 0x40, 4096, 100, 0, 100);
	expect_window(test, 0x40, 4096, 4096, 0, 4096);
}

static void log_window_after_wrap(struct kunit *test)
{
	/* Only the last 4096 bytes are there; the oldest at head % size. */
	expect_window(test, 0x40, 4096, 4097, 1, 4096);
	expect_window(test, 0x40, 4096, 3 * 4096 + 17, 17, 4096);
	/* LOG_HEAD is a free-running u32: it wraps too. */
	expect_window(test, 0x40, 4096, 0xffffffffu, 0xfff, 4096);
	expect_window(test, 0, 4, 6, 2, 4);
}

static void log_window_bad_rings(struct kunit *test)
{
	/* Size not a power of two, too small, zero with a base. */
	expect_bad(test, 0x40, 3000, 10);
	expect_bad(test, 0x40, 2, 1);
	expect_bad(test, 0x40, 0, 0);
	expect_bad(test, 0, 0, 5);
	/* Unaligned base. */
	expect_bad(test, 0x41, 4096, 10);
	/* Outside DMEM, and wrapping around 32 bits. */
	expect_bad(test, POTNPU_CORE_DMEM_SIZE - 2048, 4096, 10);
	expect_bad(test, POTNPU_CORE_DMEM_SIZE, 4, 1);
	expect_bad(test, 0xfffff000u, 0x2000, 1);
	expect_bad(test, 0, 0x80000000u, 1);
	/* The whole of DMEM is fine. */
	expect_window(test, 0, POTNPU_CORE_DMEM_SIZE, 5, 0, 5);
}

static void status_and_error_names(struct kunit *test)
{
	KUNIT_EXPECT_STREQ(test, potnpu_fw_status_name(POTNPU_FW_STATUS_OFF),
			   "off");
	KUNIT_EXPECT_STREQ(test,
			   potnpu_fw_status_name(POTNPU_FW_STATUS_BOOTING),
			   "booting");
	KUNIT_EXPECT_STREQ(test, potnpu_fw_status_name(POTNPU_FW_STATUS_READY),
			   "ready");
	KUNIT_EXPECT_STREQ(test,
			   potnpu_fw_status_name(POTNPU_FW_STATUS_FAILED),
			   "failed");
	KUNIT_EXPECT_STREQ(test, potnpu_fw_status_name(4), "unknown");
	KUNIT_EXPECT_STREQ(test, potnpu_fw_error_name(POTNPU_FW_ERR_NONE),
			   "no error");
	KUNIT_EXPECT_NOT_NULL(test, strstr(potnpu_fw_error_name(POTNPU_FW_ERR_ABI),
					   "ABI"));
	KUNIT_EXPECT_NOT_NULL(test,
			      strstr(potnpu_fw_error_name(POTNPU_FW_ERR_QUEUE),
				     "queue"));
	KUNIT_EXPECT_NOT_NULL(test,
			      strstr(potnpu_fw_error_name(POTNPU_FW_ERR_INTERNAL),
				     "internal"));
	KUNIT_EXPECT_STREQ(test, potnpu_fw_error_name(99), "unknown error");
}

static struct kunit_case potnpu_boot_cases[] = {
	KUNIT_CASE(log_window_not_published),
	KUNIT_CASE(log_window_before_wrap),
	KUNIT_CASE(log_window_after_wrap),
	KUNIT_CASE(log_window_bad_rings),
	KUNIT_CASE(status_and_error_names),
	{}
};

static struct kunit_suite potnpu_boot_suite = {
	.name = "potnpu_boot",
	.test_cases = potnpu_boot_cases,
};

kunit_test_suite(potnpu_boot_suite);
