// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests of the layer command validator, potnpu_check_layer(),
 * through potnpu_validate_cmds(): one valid command of each op, then each
 * rule broken on its own, and hostile sizes that must neither overflow
 * nor pass.
 */

#include <kunit/test.h>
#include <linux/limits.h>

#include <potnpu/potnpu_job.h>
#include <potnpu/potnpu_layer.h>

#include "../potnpu_validate.h"

/* One big writable BO for everything, a read-only one after it. */
#define BO_VA		0x100000ull
#define BO_SIZE		0x400000ull
#define RO_VA		(BO_VA + BO_SIZE)
#define RO_SIZE		0x10000ull

#define IN_VA		BO_VA
#define IN2_VA		(BO_VA + 0x100000)
#define OUT_VA		(BO_VA + 0x200000)
#define W_VA		(BO_VA + 0x300000)
#define TABLE_VA	(BO_VA + 0x380000)
#define CHAN_VA		(BO_VA + 0x390000)
#define COUNTERS_VA	(BO_VA + 0x3a0000)

static const struct potnpu_bo_range bos[] = {
	{ .va = BO_VA, .size = BO_SIZE, .writable = true },
	{ .va = RO_VA, .size = RO_SIZE, .writable = false },
};

/* Square kernel and stride. */
static void set_window(struct potnpu_layer_desc *d, u32 k, u32 stride)
{
	d->kh = k;
	d->kw = k;
	d->sh = stride;
	d->sw = stride;
}

static void set_pad(struct potnpu_layer_desc *d, u32 pad)
{
	d->pad_t = pad;
	d->pad_l = pad;
	d->pad_b = pad;
	d->pad_r = pad;
}

/* Square input and output sizes. */
static void set_hw(struct potnpu_layer_desc *d, u32 in, u32 out)
{
	d->in_h = in;
	d->in_w = in;
	d->out_h = out;
	d->out_w = out;
}

/* Channels, each with a dense pixel stride. */
static void set_channels(struct potnpu_layer_desc *d, u32 in, u32 out)
{
	d->in_c = in;
	d->in_cstride = in;
	d->out_c = out;
	d->out_cstride = out;
}

/* A 3x3 conv, 16x16x8 -> 16x16x16, padding 1, 4-bit codes. */
static struct potnpu_layer_desc conv(void)
{
	return (struct potnpu_layer_desc){
		.op = POTNPU_OP_CONV2D, .in_va = IN_VA, .out_va = OUT_VA,
		.weights_va = W_VA, .table_va = TABLE_VA, .chan_va = CHAN_VA,
		.counters_va = COUNTERS_VA,
		.in_h = 16, .in_w = 16, .in_c = 8, .in_cstride = 8,
		.out_h = 16, .out_w = 16, .out_c = 16, .out_cstride = 16,
		.kh = 3, .kw = 3, .sh = 1, .sw = 1, .dh = 1, .dw = 1,
		.wbits = 4, .pad_t = 1, .pad_l = 1, .pad_b = 1, .pad_r = 1,
		.groups = 1, .in_zp = -3, .out_zp = 5, .lo = -128, .hi = 127,
	};
}

static struct potnpu_layer_desc pool(u32 op)
{
	struct potnpu_layer_desc d = conv();

	d.op = op;
	d.weights_va = 0;
	d.table_va = 0;
	d.chan_va = op == POTNPU_OP_AVGPOOL ? CHAN_VA : 0;
	d.wbits = 0;
	d.out_c = 8;
	d.out_cstride = 8;
	set_window(&d, 2, 2);
	set_pad(&d, 0);
	set_hw(&d, 16, 8);
	return d;
}

static struct potnpu_layer_desc eltwise(u32 op)
{
	struct potnpu_layer_desc d = pool(POTNPU_OP_MAXPOOL);

	d.op = op;
	set_window(&d, 1, 1);
	set_hw(&d, 16, 16);
	if (op == POTNPU_OP_ADD) {
		d.in2_va = IN2_VA;
		d.in2_cstride = 8;
		d.in2_zp = 7;
		d.m_a = 0x4000;
		d.m_b = 0x6000;
		d.shift = 15;
	} else {
		d.chan_va = CHAN_VA;
	}
	return d;
}

static int check(const struct potnpu_layer_desc *d, bool layers,
		 struct potnpu_cmd_fault *f)
{
	u32 w[POTNPU_LAYER_WORDS];
	__le32 le[POTNPU_LAYER_WORDS + 1];
	unsigned int i;

	potnpu_layer_encode(d, w);
	for (i = 0; i < POTNPU_LAYER_WORDS; i++)
		le[i] = cpu_to_le32(w[i]);
	/* A NOP after it: the error offset names the layer command. */
	le[POTNPU_LAYER_WORDS] = cpu_to_le32(POTNPU_CMD_HDR(POTNPU_OP_NOP, 1));
	return potnpu_validate_cmds(le, sizeof(le), bos, ARRAY_SIZE(bos),
				    layers, f);
}

static void expect(struct kunit *test, const struct potnpu_layer_desc *d,
		   enum potnpu_cmd_error want, const char *what)
{
	struct potnpu_cmd_fault f;

	KUNIT_EXPECT_EQ_MSG(test, check(d, true, &f), want ? -EINVAL : 0,
			    "%s", what);
	KUNIT_EXPECT_EQ_MSG(test, f.error, want, "%s: %s", what,
			    potnpu_cmd_strerror(f.error));
	KUNIT_EXPECT_EQ_MSG(test, f.offset, 0u, "%s", what);
}

static void layer_valid_ops(struct kunit *test)
{
	struct potnpu_layer_desc d;

	d = conv();
	expect(test, &d, POTNPU_CMD_OK, "conv");
	d.groups = 8;
	expect(test, &d, POTNPU_CMD_OK, "depthwise, multiplier 2");
	d = pool(POTNPU_OP_MAXPOOL);
	expect(test, &d, POTNPU_CMD_OK, "maxpool");
	d = pool(POTNPU_OP_AVGPOOL);
	d.flags = POTNPU_LAYER_F_COUNT_PAD;
	expect(test, &d, POTNPU_CMD_OK, "avgpool");
	set_window(&d, 16, 1);
	set_hw(&d, 16, 1);
	expect(test, &d, POTNPU_CMD_OK, "global average pool");
	d = eltwise(POTNPU_OP_ADD);
	expect(test, &d, POTNPU_CMD_OK, "add");
	d = eltwise(POTNPU_OP_REQUANT);
	expect(test, &d, POTNPU_CMD_OK, "requant");
	/* Fully connected: a 1x1 conv on 1x1xK. */
	d = conv();
	set_hw(&d, 1, 1);
	set_window(&d, 1, 1);
	set_pad(&d, 0);
	set_channels(&d, 784, 10);
	expect(test, &d, POTNPU_CMD_OK, "fully connected");
}

/* The bug class: a device that cannot run layers must never see one. */
static void layer_needs_capability(struct kunit *test)
{
	struct potnpu_layer_desc d = conv();
	struct potnpu_cmd_fault f;

	KUNIT_EXPECT_EQ(test, check(&d, false, &f), -EINVAL);
	KUNIT_EXPECT_EQ(test, f.error, POTNPU_CMD_ELAYER);
}

static void layer_reserved(struct kunit *test)
{
	u32 w[POTNPU_LAYER_WORDS];
	__le32 le[POTNPU_LAYER_WORDS];
	struct potnpu_layer_desc d = conv();
	struct potnpu_cmd_fault f;
	unsigned int i, k;
	static const unsigned int spots[] = { 24, 26, 27, 28, 29, 30, 31 };

	for (k = 0; k < ARRAY_SIZE(spots); k++) {
		potnpu_layer_encode(&d, w);
		w[spots[k]] |= spots[k] == 24 ? 1u << 16 : 1u << 31;
		for (i = 0; i < POTNPU_LAYER_WORDS; i++)
			le[i] = cpu_to_le32(w[i]);
		KUNIT_EXPECT_EQ(test, potnpu_validate_cmds(le, sizeof(le), bos,
							   ARRAY_SIZE(bos),
							   true, &f),
				-EINVAL);
		KUNIT_EXPECT_EQ_MSG(test, f.error, POTNPU_CMD_ERESERVED,
				    "word %u", spots[k]);
	}
}

static void layer_shapes(struct kunit *test)
{
	struct potnpu_layer_desc d;

	d = conv();
	d.out_h = 15;
	expect(test, &d, POTNPU_CMD_ESHAPE, "output one row short");
	d = conv();
	d.out_w = 17;
	expect(test, &d, POTNPU_CMD_ESHAPE, "output one column long");
	d = conv();
	d.in_h = 0;
	expect(test, &d, POTNPU_CMD_ESHAPE, "empty input");
	d = conv();
	d.in_w = POTNPU_LAYER_MAX_DIM + 1;
	expect(test, &d, POTNPU_CMD_ESHAPE, "input too wide");
	d = conv();
	d.in_cstride = 7;
	expect(test, &d, POTNPU_CMD_ESHAPE, "pixel stride below channels");
	d = conv();
	d.kh = 7;
	d.pad_t = 0;
	d.pad_b = 0;
	d.in_h = 4;
	d.out_h = 1;
	expect(test, &d, POTNPU_CMD_ESHAPE, "kernel larger than the input");
	d = pool(POTNPU_OP_MAXPOOL);
	d.out_c = 4;
	expect(test, &d, POTNPU_CMD_ESHAPE, "pool changing channels");
	d = eltwise(POTNPU_OP_ADD);
	d.out_w = 8;
	expect(test, &d, POTNPU_CMD_ESHAPE, "add changing shape");
	d = eltwise(POTNPU_OP_ADD);
	d.in2_cstride = 4;
	expect(test, &d, POTNPU_CMD_ESHAPE, "b's stride below channels");
}

static void layer_params(struct kunit *test)
{
	struct potnpu_layer_desc d;

	d = conv();
	d.kh = 0;
	expect(test, &d, POTNPU_CMD_EPARAM, "kernel 0");
	d = conv();
	d.sw = POTNPU_LAYER_MAX_STRIDE + 1;
	expect(test, &d, POTNPU_CMD_EPARAM, "stride too large");
	d = conv();
	d.dh = 0;
	expect(test, &d, POTNPU_CMD_EPARAM, "dilation 0");
	d = conv();
	d.wbits = 1;
	expect(test, &d, POTNPU_CMD_EPARAM, "1-bit codes");
	d.wbits = 9;
	expect(test, &d, POTNPU_CMD_EPARAM, "9-bit codes");
	d = conv();
	d.groups = 3;
	expect(test, &d, POTNPU_CMD_EPARAM, "groups not dividing");
	d.groups = 0;
	expect(test, &d, POTNPU_CMD_EPARAM, "groups 0");
	d = conv();
	d.flags = POTNPU_LAYER_F_COUNT_PAD;
	expect(test, &d, POTNPU_CMD_EPARAM, "COUNT_PAD on a conv");
	d = pool(POTNPU_OP_AVGPOOL);
	d.flags = 0x80;
	expect(test, &d, POTNPU_CMD_EPARAM, "unknown flag");
	d = conv();
	d.lo = 10;
	d.hi = 9;
	expect(test, &d, POTNPU_CMD_EPARAM, "clamp low above high");
	d = eltwise(POTNPU_OP_ADD);
	d.shift = POTNPU_MAX_SHIFT + 1;
	expect(test, &d, POTNPU_CMD_EPARAM, "shift too large");
	d = conv();
	d.m_a = 1;
	expect(test, &d, POTNPU_CMD_EPARAM, "add's mantissa on a conv");
	d = eltwise(POTNPU_OP_REQUANT);
	d.pad_l = 1;
	expect(test, &d, POTNPU_CMD_EPARAM, "padding on requant");
	d = conv();
	d.table_va = 0;
	expect(test, &d, POTNPU_CMD_EPARAM, "conv without a table");
	d = pool(POTNPU_OP_MAXPOOL);
	d.weights_va = W_VA;
	expect(test, &d, POTNPU_CMD_EPARAM, "maxpool with weights");
	d = eltwise(POTNPU_OP_ADD);
	d.in2_va = 0;
	expect(test, &d, POTNPU_CMD_EPARAM, "add without b");
	d = conv();
	d.counters_va = COUNTERS_VA + 4;
	expect(test, &d, POTNPU_CMD_EALIGN, "counters misaligned");
}

static void layer_ranges(struct kunit *test)
{
	struct potnpu_layer_desc d;

	d = conv();
	d.out_va = BO_VA + BO_SIZE - 16 * 16 * 16 + 1;
	expect(test, &d, POTNPU_CMD_ERANGE, "output one byte past the BO");
	d.out_va = BO_VA + BO_SIZE - 16 * 16 * 16;
	expect(test, &d, POTNPU_CMD_OK, "output up to the BO's end");
	/* A channel slice: the last pixel's tail is not written. */
	d = conv();
	d.out_cstride = 32;
	d.out_va = BO_VA + BO_SIZE - (16 * 16 - 1) * 32 - 16;
	expect(test, &d, POTNPU_CMD_OK, "slice ending at the BO's end");
	d = conv();
	d.out_va = RO_VA;
	expect(test, &d, POTNPU_CMD_EREADONLY, "output in a read-only BO");
	d = conv();
	d.weights_va = RO_VA;
	expect(test, &d, POTNPU_CMD_OK, "weights in a read-only BO");
	d.weights_va = RO_VA + RO_SIZE - 16 * 36 + 1;
	expect(test, &d, POTNPU_CMD_ERANGE, "weights past the BO");
	d = conv();
	d.counters_va = RO_VA;
	expect(test, &d, POTNPU_CMD_EREADONLY, "counters in a read-only BO");
	d = conv();
	d.table_va = BO_VA + BO_SIZE - 4 * 15;
	expect(test, &d, POTNPU_CMD_ERANGE, "table past the BO");
	d = conv();
	d.in_va = U64_MAX - 0xff;
	expect(test, &d, POTNPU_CMD_EOVERFLOW, "input wrapping around");
}

/* Hostile sizes: every product in 64 bits, the SRAM plan refuses. */
static void layer_hostile_sizes(struct kunit *test)
{
	struct potnpu_layer_desc d;

	d = conv();
	set_hw(&d, POTNPU_LAYER_MAX_DIM, POTNPU_LAYER_MAX_DIM);
	set_channels(&d, POTNPU_LAYER_MAX_CHANNELS, POTNPU_LAYER_MAX_CHANNELS);
	d.groups = 1;
	expect(test, &d, POTNPU_CMD_ESRAM, "largest conv");
	d = conv();
	d.in_w = 4096;
	d.out_w = 4096;
	set_channels(&d, 64, 16);
	expect(test, &d, POTNPU_CMD_ESRAM, "3 input rows above the SRAM");
	d = conv();
	set_channels(&d, POTNPU_LAYER_MAX_CHANNELS, 16);
	set_hw(&d, 1, 1);
	set_window(&d, 1, 1);
	set_pad(&d, 0);
	d.wbits = 8;
	expect(test, &d, POTNPU_CMD_OK, "8192 inputs, rows of 8 KiB");
	d = pool(POTNPU_OP_MAXPOOL);
	set_hw(&d, POTNPU_LAYER_MAX_DIM, POTNPU_LAYER_MAX_DIM / 2);
	expect(test, &d, POTNPU_CMD_ERANGE, "input far beyond the BOs");
}

static struct kunit_case potnpu_validate_layer_cases[] = {
	KUNIT_CASE(layer_valid_ops),
	KUNIT_CASE(layer_needs_capability),
	KUNIT_CASE(layer_reserved),
	KUNIT_CASE(layer_shapes),
	KUNIT_CASE(layer_params),
	KUNIT_CASE(layer_ranges),
	KUNIT_CASE(layer_hostile_sizes),
	{}
};

static struct kunit_suite potnpu_validate_layer_suite = {
	.name = "potnpu_validate_layer",
	.test_cases = potnpu_validate_layer_cases,
};

kunit_test_suite(potnpu_validate_layer_suite);
