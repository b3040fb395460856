// SPDX-License-Identifier: MIT
/*
 * The CPU reference executor and the layer API on vectors: the worked
 * examples of docs/numerics.md, accumulator wrap, grouped, depthwise,
 * dilated, padded and strided windows, concatenation, and the tiling plan
 * with its counters on layers that tile. Expected values are worked out
 * by hand (in the comments), not by running the code under test twice.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "libpotnpu.h"

/* A layer of @op on an h x w x c input with a kh x kw kernel, no padding. */
static struct potnpu_layer layer(uint32_t op, uint32_t h, uint32_t w,
				 uint32_t c, uint32_t kh, uint32_t kw)
{
	struct potnpu_layer l = {
		.op = op, .in_h = h, .in_w = w, .in_c = c, .in_cstride = c,
		.out_c = c, .kh = kh, .kw = kw, .sh = 1, .sw = 1, .dh = 1,
		.dw = 1, .groups = 1, .lo = -128, .hi = 127,
	};

	return l;
}

/* Output shape from the kernel, stride, dilation and padding. */
static void shape(struct potnpu_layer *l)
{
	l->out_h = potnpu_layer_out_dim(l->in_h, l->kh, l->sh, l->dh, l->pad_t + l->pad_b);
	l->out_w = potnpu_layer_out_dim(l->in_w, l->kw, l->sw, l->dw, l->pad_l + l->pad_r);
	if (!l->out_cstride)
		l->out_cstride = l->out_c;
}

/* A CONV2D's buffers: uniform8 codes (the int8 values themselves). */
struct conv {
	struct potnpu_layer l;
	struct potnpu_scheme s;
	int8_t in[4096], out[4096];
	uint8_t codes[8192], rows[8192];
	struct potnpu_chan chan[64];
	struct potnpu_layer_counts c;
};

static void conv_run(struct conv *k)
{
	struct potnpu_ref_buffers b = {
		.in = k->in, .out = k->out, .weights = k->rows,
		.table = k->s.table, .chan = k->chan,
	};

	if (!k->s.wbits)
		assert_int_equal(potnpu_scheme_build(POTNPU_SCHEME_UNIFORM8, 0, NULL, 0, &k->s), 0);
	k->l.wbits = k->s.wbits;
	shape(&k->l);
	assert_int_equal(potnpu_layer_pack_weights(&k->l, k->codes, k->rows,
						   sizeof(k->rows)), 0);
	assert_int_equal(potnpu_reference_run(&k->l, &b, &k->c), 0);
}

/* Identity requantization (M = 1, s = 0) for @n channels. */
static void unit_chan(struct potnpu_chan *c, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		c[i] = (struct potnpu_chan){ .m = 1 };
}

static void test_conv_example(void **state)
{
	struct conv *k = calloc(1, sizeof(*k));

	(void)state;
	k->l = layer(POTNPU_LAYER_CONV2D, 1, 1, 2, 1, 1);
	k->l.out_c = 1;
	k->l.in_zp = -2;
	k->l.out_zp = 3;
	k->in[0] = 10;
	k->in[1] = -3;
	k->s.wbits = 4;
	k->s.table[5] = 0x0000c442;	/* -12 */
	k->s.table[1] = 0x00000040;	/* +1 */
	k->codes[0] = 5;
	k->codes[1] = 1;
	k->chan[0] = (struct potnpu_chan){ .bias = 100, .m = 32768, .shift = 15 };
	conv_run(k);
	assert_int_equal(k->out[0], -42);
	assert_int_equal(k->c.terms, 3);
	assert_int_equal(k->c.taps, 2);
	assert_int_equal(k->c.zero_skips, 0);
	assert_int_equal(k->c.bitserial, 8);
	assert_int_equal(k->c.macs, 2);
	/*
	 * One tile: work 3 terms, 1 output: 1 + 4 + 16 = 21 cycles; DMA in
	 * 2 (the input row) + 64 (table) + 8 (record) + 1 (weight row) = 75,
	 * out 1: ceil(76 / 32) = 3 < 21; + 64 per tile.
	 */
	assert_int_equal(k->c.dma_in, 75);
	assert_int_equal(k->c.dma_out, 1);
	assert_int_equal(k->c.cycles, 85);
	free(k);
}

/* REQUANT of x = 0 with bias @acc: the requantization stage alone. */
static int8_t requant_of(int32_t acc, uint16_t m, uint8_t s, int32_t out_zp)
{
	struct potnpu_layer l = layer(POTNPU_LAYER_REQUANT, 1, 1, 1, 1, 1);
	struct potnpu_chan c = { .bias = acc, .m = m, .shift = s };
	int8_t in = 0, out = 0x55;
	struct potnpu_ref_buffers b = { .in = &in, .out = &out, .chan = &c };

	l.out_zp = out_zp;
	shape(&l);
	assert_int_equal(potnpu_reference_run(&l, &b, NULL), 0);
	return out;
}

static void test_requant_example(void **state)
{
	(void)state;
	/* -1234 * 23170 = -28591780; (p + 32768) >> 16 = -436; -441 -> -128 */
	assert_int_equal(requant_of(-1234, 23170, 16, -5), -128);
	assert_int_equal(requant_of(1234, 23170, 16, -5), 127);
	/* unclamped: -123 * 23170 / 2^16 = -43.49 -> -43 */
	assert_int_equal(requant_of(-123, 23170, 16, 0), -43);
	/* ties toward +infinity */
	assert_int_equal(requant_of(3, 1, 1, 0), 2);
	assert_int_equal(requant_of(-3, 1, 1, 0), -1);
	assert_int_equal(requant_of(-5, 1, 0, 0), -5);
}

static void test_requant_from_real(void **state)
{
	uint16_t m;
	uint8_t s;

	(void)state;
	assert_int_equal(potnpu_requant_from_real(1.0, &m, &s), 0);
	assert_int_equal(m, 32768);
	assert_int_equal(s, 15);
	assert_int_equal(potnpu_requant_from_real(0.7071, &m, &s), 0);
	assert_int_equal(s, 16);
	assert_int_equal(m, 46341);	/* 46340.5... rounded */
	assert_int_equal(potnpu_requant_from_real(1.0 - 1.0 / (1 << 20), &m, &s), 0);
	assert_int_equal(m, 32768);	/* rounded up to 2^16: renormalised */
	assert_int_equal(s, 15);
	assert_int_equal(potnpu_requant_from_real(65535.0, &m, &s), 0);
	assert_int_equal(m, 65535);
	assert_int_equal(s, 0);
	assert_int_equal(potnpu_requant_from_real(1e-30, &m, &s), 0);
	assert_int_equal(s, 62);
	assert_int_equal(m, 0);
	assert_int_equal(potnpu_requant_from_real(70000.0, &m, &s), -ERANGE);
	assert_int_equal(potnpu_requant_from_real(-1.0, &m, &s), -EINVAL);
	assert_int_equal(potnpu_requant_from_real(0.0, &m, &s), -EINVAL);
}

/* AVGPOOL over a 1 x 2 input with a 1 x 2 window: q of (a, b). */
static int8_t avg_of(int8_t a, int8_t b)
{
	struct potnpu_layer l = layer(POTNPU_LAYER_AVGPOOL, 1, 2, 1, 1, 2);
	struct potnpu_chan c = { .m = 1 };
	int8_t in[2] = { a, b }, out = 0;
	struct potnpu_ref_buffers rb = { .in = in, .out = &out, .chan = &c };

	shape(&l);
	assert_int_equal(potnpu_reference_run(&l, &rb, NULL), 0);
	return out;
}

static void test_avgpool_rounding(void **state)
{
	struct potnpu_layer l = layer(POTNPU_LAYER_AVGPOOL, 1, 2, 1, 1, 3);
	struct potnpu_chan c = { .bias = 0, .m = 1 };
	int8_t in[2] = { 2, 2 }, out[2];
	struct potnpu_ref_buffers b = { .in = in, .out = out, .chan = &c };
	struct potnpu_layer_counts cnt;

	(void)state;
	assert_int_equal(avg_of(1, 2), 2);	/* 1.5: away from zero */
	assert_int_equal(avg_of(-1, -2), -2);
	assert_int_equal(avg_of(0, 1), 1);
	assert_int_equal(avg_of(0, -1), -1);
	assert_int_equal(avg_of(4, 1), 3);	/* 2.5 */
	assert_int_equal(avg_of(3, 3), 3);
	/* windows at -1..1 and 0..2 each see 2 taps: 4 / 2; counting pad 4 / 3 */
	l.pad_l = 1;
	l.pad_r = 1;
	shape(&l);
	assert_int_equal(potnpu_reference_run(&l, &b, &cnt), 0);
	assert_int_equal(out[0], 2);
	assert_int_equal(out[1], 2);
	assert_int_equal(cnt.taps, 4);
	l.flags = POTNPU_LAYER_COUNT_PAD;
	assert_int_equal(potnpu_reference_run(&l, &b, NULL), 0);
	assert_int_equal(out[0], 1);
	assert_int_equal(out[1], 1);
	/* a window wholly in padding: q = 0, then bias */
	l = layer(POTNPU_LAYER_AVGPOOL, 1, 1, 1, 1, 2);
	l.pad_l = l.pad_r = 2;
	shape(&l);
	assert_int_equal(l.out_w, 4);
	c.bias = 7;
	in[0] = 9;
	{
		int8_t o4[4];

		b.out = o4;
		assert_int_equal(potnpu_reference_run(&l, &b, &cnt), 0);
		assert_int_equal(o4[0], 7);
		assert_int_equal(o4[1], 16);	/* 9 / 1 + 7 */
		assert_int_equal(o4[2], 16);
		assert_int_equal(o4[3], 7);
		assert_int_equal(cnt.taps, 2);
	}
}

static void test_maxpool_add(void **state)
{
	struct potnpu_layer l = layer(POTNPU_LAYER_MAXPOOL, 1, 1, 1, 1, 2);
	int8_t in[2] = { -120, 0 }, in2[2] = { -5, 0 }, out[3];
	struct potnpu_ref_buffers b = { .in = in, .out = out };
	struct potnpu_layer_counts c;

	(void)state;
	/* -128 for a window wholly in padding, then clamped to lo */
	l.pad_l = 2;
	l.lo = -100;
	shape(&l);
	assert_int_equal(l.out_w, 2);
	assert_int_equal(potnpu_reference_run(&l, &b, &c), 0);
	assert_int_equal(out[0], -100);
	assert_int_equal(out[1], -100);	/* max(-120) clamped */
	assert_int_equal(c.taps, 1);
	/* no requantization cycles: 1 tile of ceil(1/16) + 16, DMA 1 + 2 */
	assert_int_equal(c.cycles, 17 + 64);

	/* ADD: (10 - 2) * 3 + (-5 + 1) * 5 = 4; (4 + 2) >> 2 = 1 */
	l = layer(POTNPU_LAYER_ADD, 1, 1, 1, 1, 1);
	l.in2_cstride = 1;
	l.in_zp = 2;
	l.in2_zp = -1;
	l.m_a = 3;
	l.m_b = 5;
	l.shift = 2;
	l.out_zp = 10;
	shape(&l);
	in[0] = 10;
	b.in2 = in2;
	assert_int_equal(potnpu_reference_run(&l, &b, &c), 0);
	assert_int_equal(out[0], 11);
	assert_int_equal(c.taps, 1);
	assert_int_equal(c.dma_in, 2);	/* one row of a and of b */
	/* ties of ADD's rounding go toward +infinity: -6 / 4 -> -1 */
	l.m_a = 0;
	l.m_b = 2;
	l.in2_zp = -2;
	in2[0] = -5;
	l.out_zp = 0;
	assert_int_equal(potnpu_reference_run(&l, &b, NULL), 0);
	assert_int_equal(out[0], -1);
}

static void test_accumulator_wrap(void **state)
{
	static const int32_t lv[] = { 0, 61440 };	/* 2^15 + 2^15 - 2^12 */
	struct conv *k = calloc(1, sizeof(*k));
	size_t i;

	(void)state;
	k->l = layer(POTNPU_LAYER_CONV2D, 1, 1, 256, 1, 1);
	k->l.out_c = 1;
	k->l.in_zp = -128;
	assert_int_equal(potnpu_scheme_build(POTNPU_SCHEME_FITTED, 0, lv, 2, &k->s), 0);
	for (i = 0; i < 256; i++) {
		k->in[i] = 127;		/* x - in_zp = 255 */
		k->codes[i] = 1;
	}
	/*
	 * 256 * 61440 * 255 = 4010803200 = 2^32 - 284164096: the 32-bit
	 * accumulator holds -284164096; * 1 / 2^24 = -16.94 -> -17.
	 */
	k->chan[0] = (struct potnpu_chan){ .m = 1, .shift = 24 };
	conv_run(k);
	assert_int_equal(k->out[0], -17);
	assert_int_equal(k->c.terms, 3 * 256);
	/* a bias that brings it back: + 284164096 + 2^24 * 5 -> 5 */
	k->chan[0].bias = 284164096 + (5 << 24);
	conv_run(k);
	assert_int_equal(k->out[0], 5);
	free(k);
}

static void test_groups_depthwise(void **state)
{
	struct conv *k = calloc(1, sizeof(*k));

	(void)state;
	/* groups 2 over 4 inputs: out0 = 1*x0 + 2*x1, out1 = 3*x2 + 4*x3 */
	k->l = layer(POTNPU_LAYER_CONV2D, 1, 1, 4, 1, 1);
	k->l.out_c = 2;
	k->l.groups = 2;
	memcpy(k->codes, (uint8_t[]){ 1, 2, 3, 4 }, 4);
	memcpy(k->in, (int8_t[]){ 10, 20, 30, 40 }, 4);
	unit_chan(k->chan, 2);
	conv_run(k);
	assert_int_equal(k->out[0], 50);
	assert_int_equal(k->out[1], 127);	/* 250 clamped */
	assert_int_equal(k->c.taps, 4);
	assert_int_equal(k->c.macs, 4);
	/* depthwise with a multiplier: groups 2, out_c 4: out o reads x[o / 2] */
	k->l = layer(POTNPU_LAYER_CONV2D, 1, 1, 2, 1, 1);
	k->l.out_c = 4;
	k->l.groups = 2;
	memcpy(k->codes, (uint8_t[]){ 1, 0xff, 2, 0xfe }, 4);	/* 1 -1 2 -2 */
	memcpy(k->in, (int8_t[]){ 10, 20 }, 2);
	unit_chan(k->chan, 4);
	conv_run(k);
	assert_memory_equal(k->out, ((int8_t[]){ 10, -10, 40, -40 }), 4);
	free(k);
}

static void test_windows(void **state)
{
	struct conv *k = calloc(1, sizeof(*k));

	(void)state;
	/* dilation 3 over 1 x 5: out0 = x0 + 10 x3, out1 = x1 + 10 x4 */
	k->l = layer(POTNPU_LAYER_CONV2D, 1, 5, 1, 1, 2);
	k->l.dw = 3;
	memcpy(k->codes, (uint8_t[]){ 1, 10 }, 2);
	memcpy(k->in, (int8_t[]){ 1, 2, 3, 4, 5 }, 5);
	unit_chan(k->chan, 1);
	conv_run(k);
	assert_int_equal(k->l.out_w, 2);
	assert_memory_equal(k->out, ((int8_t[]){ 41, 52 }), 2);
	/* asymmetric padding 1 + 0, kernel 3 over 1 x 3: 2 outputs */
	k->l = layer(POTNPU_LAYER_CONV2D, 1, 3, 1, 1, 3);
	k->l.pad_l = 1;
	memcpy(k->codes, (uint8_t[]){ 1, 2, 4 }, 3);
	conv_run(k);
	assert_int_equal(k->l.out_w, 2);
	/* out0 = 2*1 + 4*2 = 10 (the pad tap skipped), out1 = 1 + 4 + 12 */
	assert_memory_equal(k->out, ((int8_t[]){ 10, 17 }), 2);
	assert_int_equal(k->c.taps, 5);
	assert_int_equal(k->c.macs, 6);
	/* pad >= kernel: a 1 x 1 input, pad 2 each side: only the middle */
	k->l = layer(POTNPU_LAYER_CONV2D, 1, 1, 1, 1, 1);
	k->l.pad_l = k->l.pad_r = 2;
	k->l.pad_t = 1;
	k->codes[0] = 3;
	k->chan[0].bias = -1;
	k->in[0] = 5;
	conv_run(k);
	assert_int_equal(k->l.out_h, 2);
	assert_int_equal(k->l.out_w, 5);
	assert_memory_equal(k->out, ((int8_t[]){ -1, -1, -1, -1, -1,
						 -1, -1, 14, -1, -1 }), 10);
	assert_int_equal(k->c.taps, 1);
	/* stride 3 > kernel 2 over 1 x 7: x0 + x1, x3 + x4 */
	k->l = layer(POTNPU_LAYER_CONV2D, 1, 7, 1, 1, 2);
	k->l.sw = 3;
	memcpy(k->codes, (uint8_t[]){ 1, 1 }, 2);
	memcpy(k->in, (int8_t[]){ 1, 2, 4, 8, 16, 32, 64 }, 7);
	k->chan[0].bias = 0;
	conv_run(k);
	assert_int_equal(k->l.out_w, 2);
	assert_memory_equal(k->out, ((int8_t[]){ 3, 24 }), 2);
	free(k);
}

static void test_concat(void **state)
{
	struct conv *k = calloc(1, sizeof(*k));

	(void)state;
	/* two channels into a 5-channel tensor: the other 3 bytes stay */
	k->l = layer(POTNPU_LAYER_CONV2D, 1, 2, 1, 1, 1);
	k->l.out_c = 2;
	k->l.out_cstride = 5;
	memcpy(k->codes, (uint8_t[]){ 1, 2 }, 2);
	memcpy(k->in, (int8_t[]){ 3, 4 }, 2);
	unit_chan(k->chan, 2);
	memset(k->out, 0x55, 16);
	conv_run(k);
	assert_memory_equal(k->out, ((int8_t[]){ 3, 6, 0x55, 0x55, 0x55,
						 4, 8, 0x55 }), 8);
	free(k);
}

/*
 * A 3 x 3 CONV2D with padding 1 over h x w x c, @out_c outputs, every
 * 8-bit weight the code @code, identity requantization: its counters.
 */
static void run_tiled(uint32_t h, uint32_t w, uint32_t c, uint32_t out_c,
		      uint8_t code, struct potnpu_layer_counts *cnt)
{
	struct potnpu_layer l = layer(POTNPU_LAYER_CONV2D, h, w, c, 3, 3);
	size_t nin = (size_t)h * w * c, nw = (size_t)out_c * 9 * c, i;
	int8_t *in = malloc(nin), *out = malloc((size_t)h * w * out_c);
	uint8_t *codes = malloc(nw), *rows = malloc(nw);
	struct potnpu_chan *chan = calloc(out_c, sizeof(*chan));
	struct potnpu_scheme s;
	struct potnpu_ref_buffers b = { .in = in, .out = out, .weights = rows,
					.table = s.table, .chan = chan };

	assert_int_equal(potnpu_scheme_build(POTNPU_SCHEME_UNIFORM8, 0, NULL, 0, &s), 0);
	l.out_c = out_c;
	l.pad_t = l.pad_b = l.pad_l = l.pad_r = 1;
	l.wbits = 8;
	shape(&l);
	for (i = 0; i < nin; i++)
		in[i] = (int8_t)(i * 37);
	memset(codes, code, nw);
	unit_chan(chan, out_c);
	assert_int_equal(potnpu_layer_pack_weights(&l, codes, rows, nw), 0);
	assert_int_equal(potnpu_reference_run(&l, &b, cnt), 0);
	free(in);
	free(out);
	free(codes);
	free(rows);
	free(chan);
}

/*
 * 64 x 64 x 40 (160 KiB, more than the 128 KiB of input SRAM), 8 outputs,
 * every weight 3 (4 - 1: 2 terms). Plan: input rows of 2560 bytes, work
 * rows * 64 * 8 * 360 <= 2^22: 22 rows a band: bands of 22, 22, 20 rows
 * loading input rows 0..22, 21..44, 43..63 (23 + 24 + 21). Taps inside
 * the input: rows valid 2 + 21 * 3 = 65, 66, 59, columns 190, times 40
 * inputs and 8 outputs.
 */
static void test_plan_bands(void **state)
{
	struct potnpu_layer_counts c;

	(void)state;
	run_tiled(64, 64, 40, 8, 3, &c);
	assert_int_equal(c.taps, 190 * 190 * 40 * 8);
	assert_int_equal(c.terms, 2 * c.taps);
	assert_int_equal(c.bitserial, 8 * c.taps);
	assert_int_equal(c.macs, 64 * 64 * 8 * 360);
	/* 68 input rows, then table 1024 + records 64 + weights 2880 once */
	assert_int_equal(c.dma_in, 68 * 2560 + 1024 + 64 + 2880);
	assert_int_equal(c.dma_out, 64 * 64 * 8);
	/*
	 * compute-bound tiles: work 65, 66, 59 * 190 * 40 * 8 * 2 terms / 16,
	 * + 4 * outputs / 16, + 16, + 64:
	 * 494000 + 2816 + 80, 501600 + 2816 + 80, 448400 + 2560 + 80.
	 */
	assert_int_equal(c.cycles, 496896 + 504496 + 451040);
}

/*
 * 4 x 4 x 512, 40 outputs, 8-bit weights all 0: rows of 4608 bytes, 4616
 * with the record: 13 channels a block (63 KiB), blocks 13, 13, 13, 1,
 * one band each. DMA-bound: a 13-block moves 4 * 2048 + 1024 + 104 +
 * 59904 in and 208 out: ceil(69432 / 32) = 2170; the last 8192 + 1024 +
 * 8 + 4608 and 16: 433.
 */
static void test_plan_blocks(void **state)
{
	struct potnpu_layer_counts c;

	(void)state;
	run_tiled(4, 4, 512, 40, 0, &c);
	assert_int_equal(c.taps, 10 * 10 * 512 * 40);
	assert_int_equal(c.zero_skips, c.taps);
	assert_int_equal(c.terms, 0);
	assert_int_equal(c.dma_in, 3 * 69224 + 13832);
	assert_int_equal(c.dma_out, 640);
	assert_int_equal(c.cycles, 3 * (2170 + 64) + 433 + 64);
}

static void test_pack_and_encode(void **state)
{
	struct potnpu_layer l = layer(POTNPU_LAYER_CONV2D, 3, 3, 3, 3, 3), d;
	struct potnpu_layer_addrs a = { .in = 0x1000, .out = 0x2000,
					.weights = 0x3000, .table = 0x4000,
					.chan = 0x5000, .counters = 0x6008 }, da;
	uint8_t codes[2 * 27], rows[64];
	struct potnpu_cmdbuf *cb;
	const uint32_t *w;
	unsigned int b;
	size_t k;

	(void)state;
	l.out_c = 2;
	shape(&l);
	for (b = 2; b <= 8; b++) {
		l.wbits = b;
		for (k = 0; k < sizeof(codes); k++)
			codes[k] = (uint8_t)((k * 29 + 7) & ((1u << b) - 1));
		assert_int_equal(potnpu_layer_row_bytes(&l), (27 * b + 7) / 8);
		assert_int_equal(potnpu_layer_pack_weights(&l, codes, rows, sizeof(rows)), 0);
		for (k = 0; k < sizeof(codes); k++)
			assert_int_equal(potnpu_layer_unpack_code(rows + (k / 27) *
				potnpu_layer_row_bytes(&l), k % 27, b), codes[k]);
	}
	/* 3 bits: codes 7, 0, 5 at bits 0, 3, 6: 0x47, then bit 8 = 1 */
	l.wbits = 3;
	memcpy(codes, (uint8_t[]){ 7, 0, 5 }, 3);
	potnpu_layer_pack_weights(&l, codes, rows, sizeof(rows));
	assert_int_equal(rows[0], 0x47);
	assert_int_equal(rows[1] & 1, 1);
	codes[0] = 8;
	assert_int_equal(potnpu_layer_pack_weights(&l, codes, rows, sizeof(rows)), -EINVAL);

	assert_int_equal(potnpu_cmdbuf_create(256, &cb), 0);
	assert_int_equal(potnpu_cmdbuf_layer(cb, &l, &a), 0);
	assert_int_equal(potnpu_cmdbuf_size(cb), 128);
	w = potnpu_cmdbuf_data(cb);
	assert_int_equal(w[0], 0x10 | 32u << 16);
	assert_int_equal(potnpu_layer_decode_cmd(w, &d, &da), 0);
	assert_memory_equal(&d, &l, sizeof(l));
	assert_memory_equal(&da, &a, sizeof(a));
	/* a missing operand, an extra one, misaligned counters, bad shapes */
	a.chan = 0;
	assert_int_equal(potnpu_cmdbuf_layer(cb, &l, &a), -EINVAL);
	a.chan = 0x5000;
	a.in2 = 0x7000;
	assert_int_equal(potnpu_cmdbuf_layer(cb, &l, &a), -EINVAL);
	a.in2 = 0;
	a.counters = 0x6004;
	assert_int_equal(potnpu_cmdbuf_layer(cb, &l, &a), -EINVAL);
	a.counters = 0;
	l.out_w++;
	assert_int_equal(potnpu_cmdbuf_layer(cb, &l, &a), -EINVAL);
	l.out_w--;
	l.groups = 2;
	assert_int_equal(potnpu_cmdbuf_layer(cb, &l, &a), -EINVAL);
	assert_int_equal(potnpu_cmdbuf_size(cb), 128);
	potnpu_cmdbuf_free(cb);
}

static void test_counters_record(void **state)
{
	uint8_t rec[64];
	struct potnpu_layer_counts c;
	size_t i;

	(void)state;
	for (i = 0; i < 64; i++)
		rec[i] = (uint8_t)i;
	potnpu_layer_read_counters(rec, &c);
	assert_int_equal(c.macs, 0x0706050403020100ull);
	assert_int_equal(c.zero_skips, 0x1f1e1d1c1b1a1918ull);
	assert_int_equal(c.cycles, 0x3f3e3d3c3b3a3938ull);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_conv_example),
		cmocka_unit_test(test_requant_example),
		cmocka_unit_test(test_requant_from_real),
		cmocka_unit_test(test_avgpool_rounding),
		cmocka_unit_test(test_maxpool_add),
		cmocka_unit_test(test_accumulator_wrap),
		cmocka_unit_test(test_groups_depthwise),
		cmocka_unit_test(test_windows),
		cmocka_unit_test(test_concat),
		cmocka_unit_test(test_plan_bands),
		cmocka_unit_test(test_plan_blocks),
		cmocka_unit_test(test_pack_and_encode),
		cmocka_unit_test(test_counters_record),
	};

	return cmocka_run_group_tests_name("reference", tests, NULL, NULL);
}
