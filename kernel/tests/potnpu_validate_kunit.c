// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests of the command stream validator, potnpu_validate_cmds().
 */

#include <kunit/test.h>
#include <linux/limits.h>
#include <linux/slab.h>

#include <potnpu/potnpu_job.h>

#include "../potnpu_validate.h"

/*
 * The job's BOs: a writable one, a read-only one right after it (adjacent
 * in the VA space), and a writable one further up.
 */
#define BO_W_VA		0x10000ull
#define BO_W_SIZE	0x2000ull
#define BO_RO_VA	(BO_W_VA + BO_W_SIZE)
#define BO_RO_SIZE	0x1000ull
#define BO_HI_VA	0x100000ull
#define BO_HI_SIZE	0x3000ull

static const struct potnpu_bo_range bos[] = {
	{ .va = BO_W_VA, .size = BO_W_SIZE, .writable = true },
	{ .va = BO_RO_VA, .size = BO_RO_SIZE, .writable = false },
	{ .va = BO_HI_VA, .size = BO_HI_SIZE, .writable = true },
};

#define MAX_WORDS	64

struct stream {
	__le32 w[MAX_WORDS];
	unsigned int n;
};

static void put(struct stream *s, u32 word)
{
	if (s->n < MAX_WORDS)
		s->w[s->n++] = cpu_to_le32(word);
}

static void put64(struct stream *s, u64 v)
{
	put(s, lower_32_bits(v));
	put(s, upper_32_bits(v));
}

static void cmd_nop(struct stream *s)
{
	put(s, POTNPU_CMD_HDR(POTNPU_OP_NOP, POTNPU_NOP_WORDS));
}

static void cmd_fence(struct stream *s, u64 va, u32 value)
{
	put(s, POTNPU_CMD_HDR(POTNPU_OP_FENCE, POTNPU_FENCE_WORDS));
	put64(s, va);
	put(s, value);
}

static void cmd_timestamp(struct stream *s, u64 va)
{
	put(s, POTNPU_CMD_HDR(POTNPU_OP_TIMESTAMP, POTNPU_TIMESTAMP_WORDS));
	put64(s, va);
}

static void cmd_copy(struct stream *s, u64 src, u64 dst, u32 size)
{
	put(s, POTNPU_CMD_HDR(POTNPU_OP_COPY, POTNPU_COPY_WORDS));
	put64(s, src);
	put64(s, dst);
	put(s, size);
}

static void cmd_fill(struct stream *s, u64 dst, u32 size, u32 pattern)
{
	put(s, POTNPU_CMD_HDR(POTNPU_OP_FILL, POTNPU_FILL_WORDS));
	put64(s, dst);
	put(s, size);
	put(s, pattern);
}

static int run(const struct stream *s, struct potnpu_cmd_fault *f)
{
	*f = (struct potnpu_cmd_fault){ .error = POTNPU_CMD_NR_ERRORS,
					.offset = 0xdead };
	return potnpu_validate_cmds(s->w, s->n * 4, bos, ARRAY_SIZE(bos), false,
				    f);
}

static void expect_ok(struct kunit *test, const struct stream *s)
{
	struct potnpu_cmd_fault f;

	KUNIT_EXPECT_EQ_MSG(test, run(s, &f), 0, "error %s at %u",
			    potnpu_cmd_strerror(f.error), f.offset);
	KUNIT_EXPECT_EQ(test, f.error, POTNPU_CMD_OK);
	KUNIT_EXPECT_EQ(test, f.offset, 0);
}

static void expect_err(struct kunit *test, const struct stream *s,
		       enum potnpu_cmd_error error, u32 offset)
{
	struct potnpu_cmd_fault f;

	KUNIT_EXPECT_EQ(test, run(s, &f), -EINVAL);
	KUNIT_EXPECT_EQ_MSG(test, f.error, error, "got \"%s\", expected \"%s\"",
			    potnpu_cmd_strerror(f.error),
			    potnpu_cmd_strerror(error));
	KUNIT_EXPECT_EQ(test, f.offset, offset);
}

static void validate_each_command(struct kunit *test)
{
	struct stream s = {};

	cmd_nop(&s);
	expect_ok(test, &s);
	s.n = 0;
	cmd_fence(&s, BO_W_VA, 0x12345678);
	expect_ok(test, &s);
	s.n = 0;
	cmd_timestamp(&s, BO_HI_VA + 8);
	expect_ok(test, &s);
	s.n = 0;
	cmd_copy(&s, BO_RO_VA, BO_W_VA + 1, 7);
	expect_ok(test, &s);
	s.n = 0;
	cmd_fill(&s, BO_HI_VA + 3, 5, 0xa5a5a5a5);
	expect_ok(test, &s);
}

static void validate_mixed_stream(struct kunit *test)
{
	struct stream s = {};

	cmd_nop(&s);
	cmd_fence(&s, BO_W_VA + 4, 1);
	cmd_timestamp(&s, BO_W_VA + 8);
	cmd_copy(&s, BO_W_VA, BO_HI_VA, BO_W_SIZE);
	cmd_fill(&s, BO_HI_VA, BO_HI_SIZE, 0);
	cmd_nop(&s);
	expect_ok(test, &s);
}

static void validate_bo_boundaries(struct kunit *test)
{
	struct stream s = {};

	/* First and last byte of a BO. */
	cmd_fill(&s, BO_W_VA, 1, 0);
	expect_ok(test, &s);
	s.n = 0;
	cmd_fill(&s, BO_W_VA + BO_W_SIZE - 1, 1, 0);
	expect_ok(test, &s);
	s.n = 0;
	cmd_fill(&s, BO_HI_VA, BO_HI_SIZE, 0);
	expect_ok(test, &s);
	/* Last aligned word / double word. */
	s.n = 0;
	cmd_fence(&s, BO_HI_VA + BO_HI_SIZE - 4, 0);
	expect_ok(test, &s);
	s.n = 0;
	cmd_timestamp(&s, BO_HI_VA + BO_HI_SIZE - 8);
	expect_ok(test, &s);

	/* One byte before the start, one past the end. */
	s.n = 0;
	cmd_fill(&s, BO_W_VA - 1, 1, 0);
	expect_err(test, &s, POTNPU_CMD_ERANGE, 0);
	s.n = 0;
	cmd_fill(&s, BO_HI_VA + BO_HI_SIZE, 1, 0);
	expect_err(test, &s, POTNPU_CMD_ERANGE, 0);
	s.n = 0;
	cmd_fill(&s, BO_HI_VA, BO_HI_SIZE + 1, 0);
	expect_err(test, &s, POTNPU_CMD_ERANGE, 0);
	s.n = 0;
	cmd_fence(&s, BO_HI_VA + BO_HI_SIZE, 0);
	expect_err(test, &s, POTNPU_CMD_ERANGE, 0);
	s.n = 0;
	cmd_timestamp(&s, BO_HI_VA + BO_HI_SIZE);
	expect_err(test, &s, POTNPU_CMD_ERANGE, 0);
	s.n = 0;
	cmd_copy(&s, BO_HI_VA + BO_HI_SIZE - 1, BO_W_VA, 2);
	expect_err(test, &s, POTNPU_CMD_ERANGE, 0);
	/* Nowhere near a BO; VA 0. */
	s.n = 0;
	cmd_fence(&s, 0, 0);
	expect_err(test, &s, POTNPU_CMD_ERANGE, 0);
}

static void validate_spanning_bos(struct kunit *test)
{
	struct stream s = {};

	/* BO_W and BO_RO are adjacent: a range across both is in neither. */
	cmd_copy(&s, BO_W_VA + BO_W_SIZE - 2, BO_HI_VA, 4);
	expect_err(test, &s, POTNPU_CMD_ERANGE, 0);
	s.n = 0;
	cmd_copy(&s, BO_W_VA, BO_HI_VA, BO_W_SIZE + BO_RO_SIZE);
	expect_err(test, &s, POTNPU_CMD_ERANGE, 0);
	/* FENCE and TIMESTAMP straddling is prevented by alignment; FILL: */
	s.n = 0;
	cmd_fill(&s, BO_W_VA + BO_W_SIZE - 1, 2, 0);
	expect_err(test, &s, POTNPU_CMD_ERANGE, 0);
}

static void validate_read_only(struct kunit *test)
{
	struct stream s = {};

	/* Reading a read-only BO is fine, writing it is not. */
	cmd_copy(&s, BO_RO_VA, BO_W_VA, 16);
	expect_ok(test, &s);
	s.n = 0;
	cmd_copy(&s, BO_W_VA, BO_RO_VA, 16);
	expect_err(test, &s, POTNPU_CMD_EREADONLY, 0);
	s.n = 0;
	cmd_fence(&s, BO_RO_VA, 0);
	expect_err(test, &s, POTNPU_CMD_EREADONLY, 0);
	s.n = 0;
	cmd_timestamp(&s, BO_RO_VA + 8);
	expect_err(test, &s, POTNPU_CMD_EREADONLY, 0);
	s.n = 0;
	cmd_fill(&s, BO_RO_VA + BO_RO_SIZE - 1, 1, 0);
	expect_err(test, &s, POTNPU_CMD_EREADONLY, 0);
}

static void validate_overflow(struct kunit *test)
{
	/* The highest BO there can be: it ends at U64_MAX. */
	static const struct potnpu_bo_range top = {
		.va = U64_MAX - 0xfff, .size = 0xfff, .writable = true,
	};
	/* A BO whose own end wraps around matches nothing. */
	static const struct potnpu_bo_range wraps = {
		.va = U64_MAX - 0xfff, .size = 0x2000, .writable = true,
	};
	struct potnpu_cmd_fault f;
	struct stream s = {};

	cmd_fill(&s, U64_MAX, 2, 0);
	expect_err(test, &s, POTNPU_CMD_EOVERFLOW, 0);
	s.n = 0;
	cmd_copy(&s, U64_MAX - 0xf, BO_W_VA, 0x20);
	expect_err(test, &s, POTNPU_CMD_EOVERFLOW, 0);
	s.n = 0;
	cmd_copy(&s, BO_W_VA, U64_MAX - 0xf, 0x20);
	expect_err(test, &s, POTNPU_CMD_EOVERFLOW, 0);
	s.n = 0;
	cmd_timestamp(&s, U64_MAX - 7);
	expect_err(test, &s, POTNPU_CMD_EOVERFLOW, 0);
	s.n = 0;
	cmd_fence(&s, U64_MAX - 3, 0);
	expect_err(test, &s, POTNPU_CMD_EOVERFLOW, 0);

	s.n = 0;
	cmd_fill(&s, U64_MAX - 0xfff, 0xfff, 0);
	KUNIT_EXPECT_EQ(test, potnpu_validate_cmds(s.w, s.n * 4, &top, 1, false, &f),
			0);
	KUNIT_EXPECT_EQ(test, potnpu_validate_cmds(s.w, s.n * 4, &wraps, 1, false, &f),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, f.error, POTNPU_CMD_ERANGE);
	s.n = 0;
	cmd_fill(&s, U64_MAX, 1, 0);
	KUNIT_EXPECT_EQ(test, potnpu_validate_cmds(s.w, s.n * 4, &top, 1, false, &f),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, f.error, POTNPU_CMD_EOVERFLOW);
}

static void validate_operands(struct kunit *test)
{
	unsigned int i;
	struct stream s = {};

	cmd_copy(&s, BO_W_VA, BO_HI_VA, 0);
	expect_err(test, &s, POTNPU_CMD_ESIZE, 0);
	s.n = 0;
	cmd_fill(&s, BO_HI_VA, 0, 0);
	expect_err(test, &s, POTNPU_CMD_ESIZE, 0);
	for (i = 1; i < 8; i++) {
		s.n = 0;
		cmd_timestamp(&s, BO_HI_VA + i);
		expect_err(test, &s, POTNPU_CMD_EALIGN, 0);
		if (i % 4 == 0)
			continue;
		s.n = 0;
		cmd_fence(&s, BO_HI_VA + i, 0);
		expect_err(test, &s, POTNPU_CMD_EALIGN, 0);
	}
	s.n = 0;
	cmd_timestamp(&s, BO_HI_VA + 4);
	expect_err(test, &s, POTNPU_CMD_EALIGN, 0);
	/* Unaligned COPY and FILL are fine. */
	s.n = 0;
	cmd_copy(&s, BO_W_VA + 3, BO_HI_VA + 5, 11);
	cmd_fill(&s, BO_HI_VA + 7, 3, 0);
	expect_ok(test, &s);
}

static void validate_truncated(struct kunit *test)
{
	static const unsigned int words[] = {
		POTNPU_FENCE_WORDS, POTNPU_TIMESTAMP_WORDS,
		POTNPU_COPY_WORDS, POTNPU_FILL_WORDS,
	};
	unsigned int i, cut;
	struct stream s;

	for (i = 0; i < ARRAY_SIZE(words); i++) {
		for (cut = 1; cut < words[i]; cut++) {
			s.n = 0;
			cmd_nop(&s);
			switch (i) {
			case 0:
				cmd_fence(&s, BO_W_VA, 0);
				break;
			case 1:
				cmd_timestamp(&s, BO_W_VA);
				break;
			case 2:
				cmd_copy(&s, BO_W_VA, BO_HI_VA, 1);
				break;
			default:
				cmd_fill(&s, BO_W_VA, 1, 0);
				break;
			}
			s.n -= cut;
			expect_err(test, &s, POTNPU_CMD_ETRUNCATED, 4);
		}
	}
}

static void validate_stream_size(struct kunit *test)
{
	struct potnpu_cmd_fault f;
	size_t n = POTNPU_CMD_MAX_SIZE / 4 + 1, i;
	__le32 *big;
	struct stream s = {};

	cmd_nop(&s);
	cmd_nop(&s);
	/* Zero length. */
	KUNIT_EXPECT_EQ(test, potnpu_validate_cmds(s.w, 0, bos, 3, false, &f), -EINVAL);
	KUNIT_EXPECT_EQ(test, f.error, POTNPU_CMD_ESTREAM_SIZE);
	KUNIT_EXPECT_EQ(test, f.offset, 0);
	/* Not a multiple of 4. */
	for (i = 1; i < 8; i++) {
		if (i == 4)
			continue;
		KUNIT_EXPECT_EQ(test, potnpu_validate_cmds(s.w, i, bos, 3, false, &f),
				-EINVAL);
		KUNIT_EXPECT_EQ(test, f.error, POTNPU_CMD_ESTREAM_SIZE);
	}

	/* Exactly the maximum of NOPs passes, one word more does not. */
	big = kunit_kcalloc(test, n, sizeof(*big), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, big);
	for (i = 0; i < n; i++)
		big[i] = cpu_to_le32(POTNPU_CMD_HDR(POTNPU_OP_NOP, 1));
	KUNIT_EXPECT_EQ(test, potnpu_validate_cmds(big, POTNPU_CMD_MAX_SIZE,
						   bos, 3, false, &f), 0);
	KUNIT_EXPECT_EQ(test, potnpu_validate_cmds(big, POTNPU_CMD_MAX_SIZE + 4,
						   bos, 3, false, &f), -EINVAL);
	KUNIT_EXPECT_EQ(test, f.error, POTNPU_CMD_ESTREAM_SIZE);
	/* An error in the last word is reported at its offset. */
	big[n - 2] = cpu_to_le32(0xff);
	KUNIT_EXPECT_EQ(test, potnpu_validate_cmds(big, POTNPU_CMD_MAX_SIZE,
						   bos, 3, false, &f), -EINVAL);
	KUNIT_EXPECT_EQ(test, f.error, POTNPU_CMD_EOPCODE);
	KUNIT_EXPECT_EQ(test, f.offset, POTNPU_CMD_MAX_SIZE - 4);
}

static void validate_bad_opcode(struct kunit *test)
{
	unsigned int op;
	struct stream s;

	for (op = 0; op <= 0xff; op++) {
		s = (struct stream){};
		cmd_nop(&s);
		/* A header with a plausible length; operands all zero. */
		put(&s, POTNPU_CMD_HDR(op, 1));
		if (op <= POTNPU_OP_FILL)
			continue;
		expect_err(test, &s,
			   op >= POTNPU_OP_LAYER_FIRST &&
			   op <= POTNPU_OP_LAYER_LAST ?
			   POTNPU_CMD_ELAYER : POTNPU_CMD_EOPCODE, 4);
	}
}

static void validate_bad_flags(struct kunit *test)
{
	unsigned int bit;
	struct stream s;

	for (bit = 8; bit < 16; bit++) {
		s = (struct stream){};
		cmd_fence(&s, BO_W_VA, 0);
		cmd_nop(&s);
		s.w[4] = cpu_to_le32(le32_to_cpu(s.w[4]) | BIT(bit));
		expect_err(test, &s, POTNPU_CMD_EFLAGS, 16);
		s.n = 0;
		cmd_fill(&s, BO_W_VA, 1, 0);
		s.w[0] = cpu_to_le32(le32_to_cpu(s.w[0]) | BIT(bit));
		expect_err(test, &s, POTNPU_CMD_EFLAGS, 0);
	}
}

static void validate_wrong_length(struct kunit *test)
{
	static const u8 ops[] = {
		POTNPU_OP_NOP, POTNPU_OP_FENCE, POTNPU_OP_TIMESTAMP,
		POTNPU_OP_COPY, POTNPU_OP_FILL,
	};
	static const u8 words[] = {
		POTNPU_NOP_WORDS, POTNPU_FENCE_WORDS, POTNPU_TIMESTAMP_WORDS,
		POTNPU_COPY_WORDS, POTNPU_FILL_WORDS,
	};
	static const u32 lengths[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 0xffff };
	unsigned int i, j, k;
	struct stream s;

	for (i = 0; i < ARRAY_SIZE(ops); i++) {
		for (j = 0; j < ARRAY_SIZE(lengths); j++) {
			if (lengths[j] == words[i])
				continue;
			s = (struct stream){};
			cmd_nop(&s);
			put(&s, POTNPU_CMD_HDR(ops[i], lengths[j]));
			for (k = 0; k < 8; k++)
				put(&s, 0);
			expect_err(test, &s, POTNPU_CMD_ELENGTH, 4);
		}
	}
}

static void validate_no_bos(struct kunit *test)
{
	struct potnpu_cmd_fault f;
	struct stream s = {};

	cmd_nop(&s);
	KUNIT_EXPECT_EQ(test, potnpu_validate_cmds(s.w, 4, NULL, 0, false, &f), 0);
	cmd_fence(&s, BO_W_VA, 0);
	KUNIT_EXPECT_EQ(test, potnpu_validate_cmds(s.w, s.n * 4, NULL, 0, false, &f),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, f.error, POTNPU_CMD_ERANGE);
	KUNIT_EXPECT_EQ(test, f.offset, 4);
}

static void validate_error_offset(struct kunit *test)
{
	struct stream s = {};

	cmd_nop(&s);
	cmd_fence(&s, BO_W_VA, 0);
	cmd_copy(&s, BO_W_VA, BO_HI_VA, 4);
	cmd_fill(&s, BO_RO_VA, 4, 0);	/* read-only: at 4 * (1 + 4 + 6) */
	cmd_nop(&s);
	expect_err(test, &s, POTNPU_CMD_EREADONLY, 44);
}

static void validate_strerror(struct kunit *test)
{
	unsigned int i, j;

	for (i = 0; i < POTNPU_CMD_NR_ERRORS; i++) {
		KUNIT_EXPECT_NOT_NULL(test, potnpu_cmd_strerror(i));
		for (j = 0; j < i; j++)
			KUNIT_EXPECT_STRNEQ(test, potnpu_cmd_strerror(i),
					    potnpu_cmd_strerror(j));
	}
	KUNIT_EXPECT_STREQ(test, potnpu_cmd_strerror(POTNPU_CMD_NR_ERRORS),
			   "unknown error");
	KUNIT_EXPECT_STREQ(test, potnpu_cmd_strerror(-1), "unknown error");
}

static struct kunit_case potnpu_validate_cases[] = {
	KUNIT_CASE(validate_each_command),
	KUNIT_CASE(validate_mixed_stream),
	KUNIT_CASE(validate_bo_boundaries),
	KUNIT_CASE(validate_spanning_bos),
	KUNIT_CASE(validate_read_only),
	KUNIT_CASE(validate_overflow),
	KUNIT_CASE(validate_operands),
	KUNIT_CASE(validate_truncated),
	KUNIT_CASE(validate_stream_size),
	KUNIT_CASE(validate_bad_opcode),
	KUNIT_CASE(validate_bad_flags),
	KUNIT_CASE(validate_wrong_length),
	KUNIT_CASE(validate_no_bos),
	KUNIT_CASE(validate_error_offset),
	KUNIT_CASE(validate_strerror),
	{}
};

static struct kunit_suite potnpu_validate_suite = {
	.name = "potnpu_validate",
	.test_cases = potnpu_validate_cases,
};

kunit_test_suite(potnpu_validate_suite);
