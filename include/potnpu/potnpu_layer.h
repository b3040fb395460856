/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * potnpu layer commands: the numerics' machine-readable twin of
 * docs/numerics.md, shared by the QEMU device (the shift-add engine), the
 * firmware (which tiles layers through the engine's SRAM), the kernel
 * validator and userspace (libpotnpu, the CPU reference, the compiler).
 *
 *  - the layer command of the command stream (opcodes 0x10-0x14);
 *  - weights: b-bit codes and the per-layer decode table of signed
 *    power-of-two terms;
 *  - the per-output-channel requantization record;
 *  - the per-layer counters record the firmware writes;
 *  - the SRAM tiling plan every component computes the same way.
 *
 * What the numbers mean (rounding, wrap, clamp, pooling, worked examples)
 * is docs/numerics.md; this header only fixes the encoding. All little
 * endian.
 */
#ifndef POTNPU_LAYER_H
#define POTNPU_LAYER_H

#include <linux/types.h>

/* Layer opcodes (POTNPU_OP_LAYER_FIRST..POTNPU_OP_LAYER_LAST of potnpu_job.h). */
#define POTNPU_OP_CONV2D		0x10	/* conv2d, grouped, depthwise, fully connected */
#define POTNPU_OP_MAXPOOL		0x11
#define POTNPU_OP_AVGPOOL		0x12	/* also global average pooling */
#define POTNPU_OP_ADD			0x13	/* elementwise, each input rescaled */
#define POTNPU_OP_REQUANT		0x14	/* standalone requantize and clamp */
#define POTNPU_OP_LAYER_COUNT		5	/* 0x10..0x14 are defined */

/* Every layer command has this length, header included. */
#define POTNPU_LAYER_WORDS		32

/* &potnpu_layer_desc.flags */
#define POTNPU_LAYER_F_COUNT_PAD	(1u << 0)	/* AVGPOOL: padding counts in the divisor */
#define POTNPU_LAYER_FLAGS		POTNPU_LAYER_F_COUNT_PAD

/*
 * A layer command: POTNPU_LAYER_WORDS words, the header (opcode, flags 0,
 * length) in word 0. 64-bit addresses are two words, low first. Fields
 * narrower than a word are packed from bit 0 up; zero points and clamp
 * bounds are two's complement bytes.
 *
 *  word   bits 31:24   bits 23:16   bits 15:8    bits 7:0
 *  1-2    in_va: input (ADD: input a)
 *  3-4    in2_va: ADD's input b, else 0
 *  5-6    out_va: output
 *  7-8    weights_va: CONV2D's weight rows, else 0
 *  9-10   table_va: CONV2D's decode table, else 0
 *  11-12  chan_va: CONV2D, AVGPOOL, REQUANT: channel records, else 0
 *  13-14  counters_va: where the layer's counters go, 0 for nowhere
 *  15     in_w                      in_h
 *  16     in_cstride                in_c
 *  17     out_w                     out_h
 *  18     out_cstride               out_c
 *  19     sw           sh           kw           kh
 *  20     flags        wbits        dw           dh
 *  21     pad_r        pad_b        pad_l        pad_t
 *  22     in2_cstride               groups
 *  23     lo           out_zp       in2_zp       in_zp
 *  24     0            0            shift        hi
 *  25     m_b                       m_a
 *  26-31  0
 *
 * Tensors are int8, NHWC: channel c of pixel (y, x) of a tensor at va
 * with pixel stride cstride is the byte at va + (y * w + x) * cstride + c.
 * A channel slice of a wider tensor (concatenation) is its va plus the
 * channel offset, with the wider tensor's cstride.
 */
#define POTNPU_LAYER_W_IN_VA		1
#define POTNPU_LAYER_W_IN2_VA		3
#define POTNPU_LAYER_W_OUT_VA		5
#define POTNPU_LAYER_W_WEIGHTS_VA	7
#define POTNPU_LAYER_W_TABLE_VA		9
#define POTNPU_LAYER_W_CHAN_VA		11
#define POTNPU_LAYER_W_COUNTERS_VA	13
#define POTNPU_LAYER_W_RESERVED		26

/**
 * struct potnpu_layer_desc - a layer command, decoded (CPU byte order)
 * @op: POTNPU_OP_* of the header
 * @in_va: input tensor (ADD: a)
 * @in2_va: ADD's input b
 * @out_va: output tensor
 * @weights_va: CONV2D: out_c weight rows of POTNPU_LAYER_ROW_BYTES()
 * @table_va: CONV2D: 1 << wbits decode words
 * @chan_va: CONV2D, AVGPOOL, REQUANT: out_c struct potnpu_chan_param
 * @counters_va: struct potnpu_layer_counters, 8-byte aligned, or 0
 * @in_h: input height
 * @in_w: input width
 * @in_c: input channels
 * @in_cstride: input pixel stride, >= @in_c
 * @out_h: output height
 * @out_w: output width
 * @out_c: output channels
 * @out_cstride: output pixel stride, >= @out_c
 * @kh: kernel height (1 for ADD and REQUANT)
 * @kw: kernel width
 * @sh: vertical stride
 * @sw: horizontal stride
 * @dh: vertical dilation
 * @dw: horizontal dilation
 * @wbits: CONV2D: code width b, 2..8; else 0
 * @flags: POTNPU_LAYER_F_*
 * @pad_t: padding rows above
 * @pad_l: padding columns left
 * @pad_b: padding rows below
 * @pad_r: padding columns right
 * @groups: CONV2D: groups (depthwise: in_c); else 1
 * @in2_cstride: ADD: pixel stride of b; else 0
 * @in_zp: input zero point
 * @in2_zp: ADD: b's zero point
 * @out_zp: output zero point
 * @lo: clamp low bound
 * @hi: clamp high bound
 * @shift: ADD: shift of the common rescale
 * @m_a: ADD: a's mantissa
 * @m_b: ADD: b's mantissa
 */
struct potnpu_layer_desc {
	__u32 op;
	__u64 in_va, in2_va, out_va, weights_va, table_va, chan_va;
	__u64 counters_va;
	__u32 in_h, in_w, in_c, in_cstride;
	__u32 out_h, out_w, out_c, out_cstride;
	__u32 kh, kw, sh, sw, dh, dw;
	__u32 wbits, flags;
	__u32 pad_t, pad_l, pad_b, pad_r;
	__u32 groups, in2_cstride;
	__s32 in_zp, in2_zp, out_zp, lo, hi;
	__u32 shift, m_a, m_b;
};

static inline __u64 potnpu_layer_va(const __u32 *w, unsigned int i)
{
	return (__u64)w[i + 1] << 32 | w[i];
}

static inline __s32 potnpu_layer_s8(__u32 word, unsigned int byte)
{
	return (__s32)(__s8)(word >> (8 * byte));
}

/**
 * potnpu_layer_decode() - the fields of a layer command
 * @w: its POTNPU_LAYER_WORDS words, in CPU byte order, header first
 * @d: filled in
 *
 * Return: 1 if the reserved bits are zero, else 0 (@d is filled anyway).
 */
static inline int potnpu_layer_decode(const __u32 *w,
				      struct potnpu_layer_desc *d)
{
	unsigned int i;
	int ok = !(w[24] >> 16);

	d->op = w[0] & 0xff;
	d->in_va = potnpu_layer_va(w, POTNPU_LAYER_W_IN_VA);
	d->in2_va = potnpu_layer_va(w, POTNPU_LAYER_W_IN2_VA);
	d->out_va = potnpu_layer_va(w, POTNPU_LAYER_W_OUT_VA);
	d->weights_va = potnpu_layer_va(w, POTNPU_LAYER_W_WEIGHTS_VA);
	d->table_va = potnpu_layer_va(w, POTNPU_LAYER_W_TABLE_VA);
	d->chan_va = potnpu_layer_va(w, POTNPU_LAYER_W_CHAN_VA);
	d->counters_va = potnpu_layer_va(w, POTNPU_LAYER_W_COUNTERS_VA);
	d->in_h = w[15] & 0xffff;
	d->in_w = w[15] >> 16;
	d->in_c = w[16] & 0xffff;
	d->in_cstride = w[16] >> 16;
	d->out_h = w[17] & 0xffff;
	d->out_w = w[17] >> 16;
	d->out_c = w[18] & 0xffff;
	d->out_cstride = w[18] >> 16;
	d->kh = w[19] & 0xff;
	d->kw = (w[19] >> 8) & 0xff;
	d->sh = (w[19] >> 16) & 0xff;
	d->sw = w[19] >> 24;
	d->dh = w[20] & 0xff;
	d->dw = (w[20] >> 8) & 0xff;
	d->wbits = (w[20] >> 16) & 0xff;
	d->flags = w[20] >> 24;
	d->pad_t = w[21] & 0xff;
	d->pad_l = (w[21] >> 8) & 0xff;
	d->pad_b = (w[21] >> 16) & 0xff;
	d->pad_r = w[21] >> 24;
	d->groups = w[22] & 0xffff;
	d->in2_cstride = w[22] >> 16;
	d->in_zp = potnpu_layer_s8(w[23], 0);
	d->in2_zp = potnpu_layer_s8(w[23], 1);
	d->out_zp = potnpu_layer_s8(w[23], 2);
	d->lo = potnpu_layer_s8(w[23], 3);
	d->hi = potnpu_layer_s8(w[24], 0);
	d->shift = (w[24] >> 8) & 0xff;
	d->m_a = w[25] & 0xffff;
	d->m_b = w[25] >> 16;
	for (i = POTNPU_LAYER_W_RESERVED; i < POTNPU_LAYER_WORDS; i++)
		ok &= !w[i];
	return ok;
}

/**
 * potnpu_layer_encode() - the words of a layer command
 * @d: the fields (values out of their field's range are cut to it)
 * @w: POTNPU_LAYER_WORDS words, CPU byte order, header first
 */
static inline void potnpu_layer_encode(const struct potnpu_layer_desc *d,
				       __u32 *w)
{
	const __u64 va[7] = {
		d->in_va, d->in2_va, d->out_va, d->weights_va, d->table_va,
		d->chan_va, d->counters_va,
	};
	unsigned int i;

	w[0] = (d->op & 0xff) | (__u32)POTNPU_LAYER_WORDS << 16;
	for (i = 0; i < 7; i++) {
		w[1 + 2 * i] = (__u32)va[i];
		w[2 + 2 * i] = (__u32)(va[i] >> 32);
	}
	w[15] = (d->in_h & 0xffff) | d->in_w << 16;
	w[16] = (d->in_c & 0xffff) | d->in_cstride << 16;
	w[17] = (d->out_h & 0xffff) | d->out_w << 16;
	w[18] = (d->out_c & 0xffff) | d->out_cstride << 16;
	w[19] = (d->kh & 0xff) | (d->kw & 0xff) << 8 | (d->sh & 0xff) << 16 |
		d->sw << 24;
	w[20] = (d->dh & 0xff) | (d->dw & 0xff) << 8 |
		(d->wbits & 0xff) << 16 | d->flags << 24;
	w[21] = (d->pad_t & 0xff) | (d->pad_l & 0xff) << 8 |
		(d->pad_b & 0xff) << 16 | d->pad_r << 24;
	w[22] = (d->groups & 0xffff) | d->in2_cstride << 16;
	w[23] = ((__u32)d->in_zp & 0xff) | ((__u32)d->in2_zp & 0xff) << 8 |
		((__u32)d->out_zp & 0xff) << 16 | (__u32)d->lo << 24;
	w[24] = ((__u32)d->hi & 0xff) | (d->shift & 0xff) << 8;
	w[25] = (d->m_a & 0xffff) | d->m_b << 16;
	for (i = POTNPU_LAYER_W_RESERVED; i < POTNPU_LAYER_WORDS; i++)
		w[i] = 0;
}

/* Limits of one layer command. */
#define POTNPU_LAYER_MAX_DIM		4096	/* in_h, in_w, out_h, out_w */
#define POTNPU_LAYER_MAX_CHANNELS	8192	/* in_c, out_c, strides */
#define POTNPU_LAYER_MAX_KERNEL		16	/* kh, kw */
#define POTNPU_LAYER_MAX_STRIDE		16
#define POTNPU_LAYER_MAX_DILATION	16
#define POTNPU_MIN_WBITS		2
#define POTNPU_MAX_WBITS		8
#define POTNPU_MAX_SHIFT		62

/*
 * Weights. Codes of b bits, output channel rows in OHWI order: row o holds
 * the codes of (kh, kw, ci) with ci fastest, ci over the in_c / groups
 * input channels of o's group. Code k of a row starts at bit k * b of the
 * row, least significant bit first (bit j of the row is bit j % 8 of byte
 * j / 8). Every row starts on a byte boundary.
 */
#define POTNPU_LAYER_ROW_BYTES(taps, wbits)	(((taps) * (wbits) + 7) / 8)

/*
 * Decode table: one 32-bit word per code, terms in bytes 0..3 (byte i =
 * bits 8i+7..8i). A term byte is 0 (no term) or POTNPU_TERM_PRESENT with
 * the exponent e in bits 3:0 and POTNPU_TERM_NEG for a subtracted term;
 * bits 5:4 are zero. Terms fill the bytes from byte 0: after a 0 byte only
 * 0 bytes follow. Code c's weight is the sum of its terms, +-2^e each; a
 * word of 0 is the weight 0 (the engine skips it).
 */
#define POTNPU_MAX_TERMS		4
#define POTNPU_TERM_PRESENT		0x40u
#define POTNPU_TERM_NEG			0x80u
#define POTNPU_TERM_EXP_MASK		0x0fu
#define POTNPU_TERM_RESERVED		0x30u
#define POTNPU_TERM(neg, e)		(POTNPU_TERM_PRESENT | \
					 ((neg) ? POTNPU_TERM_NEG : 0) | \
					 ((e) & POTNPU_TERM_EXP_MASK))
#define POTNPU_TERM_MAX_EXP		15

/**
 * struct potnpu_chan_param - requantization of one output channel (8 bytes)
 * @bias: added to the accumulator (32-bit, wrapping)
 * @m: the rescale's mantissa M, 0..65535
 * @shift: its shift s, 0..POTNPU_MAX_SHIFT: y = round(acc * M / 2^s)
 * @reserved: zero
 */
struct potnpu_chan_param {
	__le32 bias;
	__le16 m;
	__u8 shift;
	__u8 reserved;
};

/**
 * struct potnpu_layer_counters - what one layer cost (64 bytes), written by
 *	the firmware at &potnpu_layer_desc.counters_va when the layer is done
 * @macs: nominal multiply-accumulates: out_h * out_w * out_c * kh * kw *
 *	(in_c / groups) for CONV2D, 0 for the other layers
 * @taps: (output, input) pairs the engine visited: taps inside the input
 *	(padding is not visited) for CONV2D and the pools, elements for ADD
 *	and REQUANT
 * @terms: shift-add terms executed (CONV2D)
 * @zero_skips: CONV2D taps whose weight is 0 (no term, skipped)
 * @bitserial: the bit-serial baseline, @taps * b for CONV2D
 * @dma_in: bytes moved from host memory into SRAM
 * @dma_out: bytes moved from SRAM to host memory
 * @cycles: modeled device cycles (see docs/numerics.md, "Cost model")
 */
struct potnpu_layer_counters {
	__le64 macs;
	__le64 taps;
	__le64 terms;
	__le64 zero_skips;
	__le64 bitserial;
	__le64 dma_in;
	__le64 dma_out;
	__le64 cycles;
};

/*
 * The engine's SRAM and how the firmware uses it for a layer: input rows
 * at 0, the output band at POTNPU_SRAM_OUT, decode table, channel records
 * and weight rows at POTNPU_SRAM_W (in that order).
 */
#define POTNPU_SRAM_SIZE		0x40000u	/* 256 KiB */
#define POTNPU_SRAM_IN			0x00000u
#define POTNPU_SRAM_IN_SIZE		0x20000u	/* 128 KiB */
#define POTNPU_SRAM_OUT			0x20000u
#define POTNPU_SRAM_OUT_SIZE		0x10000u	/* 64 KiB */
#define POTNPU_SRAM_W			0x30000u
#define POTNPU_SRAM_W_SIZE		0x10000u	/* 64 KiB */
#define POTNPU_SRAM_TABLE_SIZE		0x400u		/* 256 words */
/* Most (output, tap) pairs one engine start may compute. */
#define POTNPU_SAE_MAX_WORK		(1u << 22)

/* Cost model: lanes, DMA bytes per cycle, fixed cycles per tile. */
#define POTNPU_SAE_LANES		16
#define POTNPU_SAE_REQUANT_CYCLES	4	/* per POTNPU_SAE_LANES outputs */
#define POTNPU_SAE_START_CYCLES		16
#define POTNPU_DMA_BYTES_PER_CYCLE	32
#define POTNPU_TILE_CYCLES		64

/**
 * struct potnpu_layer_plan - how a layer is tiled through SRAM
 * @taps: taps per output (kh * kw * in_c / groups for CONV2D, kh * kw for
 *	the pools, 1 for ADD and REQUANT)
 * @row_bytes: CONV2D: bytes of one output channel's weight row
 * @ocb: output channels per block: the outer loop
 * @rows: output rows per band (the last band may have fewer): the inner loop
 * @in_row: bytes of one input row in SRAM (both inputs for ADD)
 */
struct potnpu_layer_plan {
	__u32 taps;
	__u32 row_bytes;
	__u32 ocb;
	__u32 rows;
	__u32 in_row;
};

/*
 * @n / @d for @d >= 1 without a divider: restoring shift-subtract
 * division, 32 steps (the control core has no divide instruction).
 */
static inline __u32 potnpu_div_u32(__u32 n, __u32 d)
{
	__u32 q = 0, r = 0;
	int i;

	for (i = 31; i >= 0; i--) {
		r = r << 1 | ((n >> i) & 1);
		if (r >= d) {
			r -= d;
			q |= 1u << i;
		}
	}
	return q;
}

/* Input rows a band of @rows output rows needs. */
static inline __u32 potnpu_plan_in_rows(__u32 rows, __u32 sh, __u32 kh,
					__u32 dh)
{
	return (rows - 1) * sh + (kh - 1) * dh + 1;
}

/* Does a band of @rows output rows fit the SRAM and the work bound? */
static inline int potnpu_plan_band_fits(const struct potnpu_layer_plan *p,
					__u32 rows, __u32 out_w, __u32 sh,
					__u32 kh, __u32 dh)
{
	__u64 in = (__u64)potnpu_plan_in_rows(rows, sh, kh, dh) * p->in_row;
	__u64 out = (__u64)rows * out_w * p->ocb;

	return in <= POTNPU_SRAM_IN_SIZE && out <= POTNPU_SRAM_OUT_SIZE &&
	       out * p->taps <= POTNPU_SAE_MAX_WORK;
}

/**
 * potnpu_layer_plan() - the tiling of a layer, the same for everyone
 * @c: the command, shapes already checked
 * @p: filled in
 *
 * Output channel blocks are the largest whose weight rows and channel
 * records fit POTNPU_SRAM_W (with the table); bands are the most output
 * rows whose input rows, output band and work fit. No division: the
 * control core has no divider, the largest value is found by bisection.
 *
 * Return: 0, or -1 when not even one output channel and one output row fit.
 */
static inline int potnpu_layer_plan(const struct potnpu_layer_desc *c,
				    struct potnpu_layer_plan *p)
{
	unsigned int op = c->op;
	__u32 kh = c->kh, kw = c->kw, groups = c->groups ? c->groups : 1;
	__u32 out_c = c->out_c, out_h = c->out_h, out_w = c->out_w;
	__u32 per_oc, lo, hi, mid, wbudget;

	p->taps = kh * kw;
	p->row_bytes = 0;
	p->in_row = (__u32)c->in_w * c->in_cstride;
	if (op == POTNPU_OP_CONV2D) {
		p->taps = kh * kw * potnpu_div_u32(c->in_c, groups);
		p->row_bytes = POTNPU_LAYER_ROW_BYTES(p->taps, c->wbits);
	} else if (op == POTNPU_OP_ADD || op == POTNPU_OP_REQUANT) {
		p->taps = 1;
		kh = 1;
		if (op == POTNPU_OP_ADD)
			p->in_row += (__u32)c->in_w * c->in2_cstride;
	}
	per_oc = p->row_bytes + (c->chan_va ? sizeof(struct potnpu_chan_param) : 0);
	wbudget = POTNPU_SRAM_W_SIZE - POTNPU_SRAM_TABLE_SIZE;
	/* Largest ocb <= out_c with ocb * per_oc <= wbudget. */
	lo = 0;
	hi = out_c;
	while (lo < hi) {
		mid = hi - ((hi - lo) >> 1);
		if ((__u64)mid * per_oc <= wbudget)
			lo = mid;
		else
			hi = mid - 1;
	}
	p->ocb = lo;
	if (!p->ocb)
		return -1;
	/* Largest band of output rows that fits. */
	lo = 0;
	hi = out_h;
	while (lo < hi) {
		mid = hi - ((hi - lo) >> 1);
		if (potnpu_plan_band_fits(p, mid, out_w, c->sh, kh, c->dh))
			lo = mid;
		else
			hi = mid - 1;
	}
	p->rows = lo;
	return p->rows ? 0 : -1;
}

/**
 * potnpu_layer_dim_ok() - is @out the output size of @in under the rule?
 * @in: input size
 * @out: claimed output size
 * @k: kernel size
 * @s: stride
 * @d: dilation
 * @pad: padding before plus after
 *
 * out = floor((in + pad - d * (k - 1) - 1) / s) + 1, at least 1, checked
 * without a divider: the last window fits and one more would not.
 *
 * Return: 1 if so, else 0.
 */
static inline int potnpu_layer_dim_ok(__u32 in, __u32 out, __u32 k, __u32 s,
				      __u32 d, __u32 pad)
{
	__u64 span = (__u64)d * (k - 1) + 1, total = (__u64)in + pad;

	if (!out || !s || span > total)
		return 0;
	return (__u64)(out - 1) * s + span <= total &&
	       (__u64)out * s + span > total;
}

#endif /* POTNPU_LAYER_H */
