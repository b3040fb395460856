// SPDX-License-Identifier: MIT
/*
 * libpotnpu's CPU reference executor: what a layer computes, after
 * docs/numerics.md, in plain loops over whole tensors in host memory.
 * Written apart from the device's shift-add engine and sharing no code
 * with it: weights are decoded to integers and multiplied, the
 * requantization constant is a multiplication too, so that agreement with
 * the engine is evidence that both follow the page.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "libpotnpu_priv.h"
#include "potnpu_layer.h"

struct tap;

/* One layer's run: its description, buffers and what is counted. */
struct ref {
	const struct potnpu_layer *l;
	const struct potnpu_ref_buffers *b;
	struct potnpu_layer_counts *c;
	uint64_t *work;			/* [oy * out_c + o]: terms or taps */
	int32_t value[POTNPU_SCHEME_MAX_CODES];	/* CONV2D: code -> weight */
	unsigned int nterms[POTNPU_SCHEME_MAX_CODES];
	struct tap *taps;		/* one window's taps inside the input */
};

static int8_t in_at(const struct ref *r, const int8_t *t, uint32_t cs,
		    uint32_t y, uint32_t x, uint32_t ch)
{
	return t[((size_t)y * r->l->in_w + x) * cs + ch];
}

static int8_t *out_at(const struct ref *r, uint32_t y, uint32_t x, uint32_t o)
{
	return &r->b->out[((size_t)y * r->l->out_w + x) * r->l->out_cstride + o];
}

static int8_t clamp8(int64_t v, int32_t lo, int32_t hi)
{
	return (int8_t)(v < lo ? lo : v > hi ? hi : v);
}

/* round(p / 2^s), ties toward +infinity (arithmetic shift). */
static int64_t round_shift(int64_t p, uint32_t s)
{
	return s ? (p + ((int64_t)1 << (s - 1))) >> s : p;
}

/* The requantization stage: acc * M / 2^s rounded, + out_zp, clamped. */
static int8_t requant(const struct ref *r, int32_t acc,
		      const struct potnpu_chan *ch)
{
	int64_t p = (int64_t)acc * ch->m;

	return clamp8(round_shift(p, ch->shift) + r->l->out_zp, r->l->lo,
		      r->l->hi);
}

/* Input position of kernel row/column @k for output @o, or -1 outside. */
static int64_t in_pos(uint32_t o, uint32_t k, uint32_t s, uint32_t d,
		      uint32_t pad, uint32_t size)
{
	int64_t p = (int64_t)o * s - pad + (int64_t)k * d;

	return p >= 0 && p < size ? p : -1;
}

/* A kernel position whose input pixel lies inside the input. */
struct tap {
	uint32_t k;		/* ky * kw + kx */
	uint32_t y, x;		/* the input pixel */
};

/* The taps of the window of output (@oy, @ox) inside the input. */
static uint32_t window(const struct potnpu_layer *l, uint32_t oy, uint32_t ox,
		       struct tap *t)
{
	uint32_t ky, kx, n = 0;

	for (ky = 0; ky < l->kh; ky++) {
		int64_t iy = in_pos(oy, ky, l->sh, l->dh, l->pad_t, l->in_h);

		for (kx = 0; iy >= 0 && kx < l->kw; kx++) {
			int64_t ix = in_pos(ox, kx, l->sw, l->dw, l->pad_l, l->in_w);

			if (ix >= 0)
				t[n++] = (struct tap){ ky * l->kw + kx,
						       (uint32_t)iy, (uint32_t)ix };
		}
	}
	return n;
}

/* One tap of output channel @o: the weight of code @k times x - in_zp. */
static uint32_t conv_tap(struct ref *r, const uint8_t *row, uint32_t k,
			 int8_t x, uint32_t oy, uint32_t o)
{
	uint32_t code = potnpu_layer_unpack_code(row, k, r->l->wbits);

	r->c->taps++;
	r->c->terms += r->nterms[code];
	r->c->zero_skips += !r->b->table[code];
	r->work[(size_t)oy * r->l->out_c + o] += r->nterms[code];
	return (uint32_t)((int64_t)r->value[code] * (x - r->l->in_zp));
}

/* acc = bias + sum of w * (x - in_zp) over the taps inside the input. */
static int32_t conv_output(struct ref *r, uint32_t oy, uint32_t ox, uint32_t o)
{
	const struct potnpu_layer *l = r->l;
	uint32_t cin = l->in_c / l->groups, g = o / (l->out_c / l->groups);
	const uint8_t *row = r->b->weights + potnpu_layer_row_bytes(l) * o;
	uint32_t acc = (uint32_t)r->b->chan[o].bias;	/* wraps mod 2^32 */
	uint32_t i, n = window(l, oy, ox, r->taps), ci;

	for (i = 0; i < n; i++)
		for (ci = 0; ci < cin; ci++)
			acc += conv_tap(r, row, r->taps[i].k * cin + ci,
					in_at(r, r->b->in, l->in_cstride,
					      r->taps[i].y, r->taps[i].x,
					      g * cin + ci), oy, o);
	return (int32_t)acc;
}

/*
 * The pools' window at output (@oy, @ox), channel @ch: the maximum of x
 * (-128 if none) or the sum of x - in_zp; *@n the taps inside the input.
 */
static int32_t pool_window(struct ref *r, uint32_t oy, uint32_t ox,
			   uint32_t ch, bool max, uint32_t *n)
{
	const struct potnpu_layer *l = r->l;
	int32_t acc = max ? -128 : 0, x;
	uint32_t i;

	*n = window(l, oy, ox, r->taps);
	for (i = 0; i < *n; i++) {
		x = in_at(r, r->b->in, l->in_cstride, r->taps[i].y,
			  r->taps[i].x, ch);
		acc = max ? (x > acc ? x : acc) : acc + x - l->in_zp;
	}
	r->c->taps += *n;
	r->work[(size_t)oy * l->out_c + ch] += *n;
	return acc;
}

/* acc / n rounded half away from zero; 0 for n = 0. */
static int32_t avg_round(int32_t acc, uint32_t n)
{
	int64_t a = llabs(acc), q;

	if (!n)
		return 0;
	q = (2 * a + n) / (2 * (int64_t)n);
	return (int32_t)(acc < 0 ? -q : q);
}

static int8_t pool_output(struct ref *r, uint32_t oy, uint32_t ox, uint32_t ch)
{
	const struct potnpu_layer *l = r->l;
	bool max = l->op == POTNPU_OP_MAXPOOL;
	uint32_t n, acc;
	int32_t v = pool_window(r, oy, ox, ch, max, &n);

	if (max)
		return clamp8(v, l->lo, l->hi);
	if (l->flags & POTNPU_LAYER_F_COUNT_PAD)
		n = l->kh * l->kw;
	acc = (uint32_t)avg_round(v, n) + (uint32_t)r->b->chan[ch].bias;
	return requant(r, (int32_t)acc, &r->b->chan[ch]);
}

static int8_t elem_output(struct ref *r, uint32_t y, uint32_t x, uint32_t ch)
{
	const struct potnpu_layer *l = r->l;
	int32_t a = in_at(r, r->b->in, l->in_cstride, y, x, ch) - l->in_zp;
	uint32_t acc;
	int64_t p;

	r->c->taps++;
	r->work[(size_t)y * l->out_c + ch]++;
	if (l->op == POTNPU_OP_REQUANT) {
		acc = (uint32_t)a + (uint32_t)r->b->chan[ch].bias;
		return requant(r, (int32_t)acc, &r->b->chan[ch]);
	}
	p = (int64_t)a * l->m_a +
	    (int64_t)(in_at(r, r->b->in2, l->in2_cstride, y, x, ch) - l->in2_zp) *
	    l->m_b;
	return clamp8(round_shift(p, l->shift) + l->out_zp, l->lo, l->hi);
}

static int8_t one_output(struct ref *r, uint32_t y, uint32_t x, uint32_t o)
{
	switch (r->l->op) {
	case POTNPU_OP_CONV2D:
		return requant(r, conv_output(r, y, x, o), &r->b->chan[o]);
	case POTNPU_OP_MAXPOOL:
	case POTNPU_OP_AVGPOOL:
		return pool_output(r, y, x, o);
	default:
		return elem_output(r, y, x, o);
	}
}

/* The buffers the op needs, and the decode table's weights. */
static int ref_prepare(struct ref *r)
{
	const struct potnpu_layer *l = r->l;
	const struct potnpu_ref_buffers *b = r->b;
	uint32_t code;

	if (!b || !b->in || !b->out || (l->op == POTNPU_OP_ADD && !b->in2) ||
	    (lib_layer_has_chan(l->op) && !b->chan) ||
	    (l->op == POTNPU_OP_CONV2D && (!b->weights || !b->table)))
		return lib_set_error(-EINVAL, "potnpu_reference_run: a buffer the layer needs is NULL");
	for (code = 0; l->op == POTNPU_OP_CONV2D && code < (1u << l->wbits); code++)
		if (potnpu_term_word(b->table[code], &r->value[code], &r->nterms[code]))
			return lib_set_error(-EINVAL,
					     "decode table word %u (0x%08x) breaks the term rules",
					     code, b->table[code]);
	return 0;
}

EXPORT int potnpu_reference_run(const struct potnpu_layer *l,
				const struct potnpu_ref_buffers *b,
				struct potnpu_layer_counts *c)
{
	struct potnpu_layer_counts own;
	struct ref r = { .l = l, .b = b, .c = c ? c : &own };
	uint32_t y, x, o;
	int err;

	err = potnpu_layer_validate(l);
	if (!err)
		err = ref_prepare(&r);
	if (err)
		return err;
	r.work = calloc((size_t)l->out_h * l->out_c, sizeof(*r.work));
	r.taps = calloc((size_t)l->kh * l->kw, sizeof(*r.taps));
	if (!r.work || !r.taps) {
		free(r.work);
		free(r.taps);
		return lib_set_error(-ENOMEM, "potnpu_reference_run: out of memory");
	}
	memset(r.c, 0, sizeof(*r.c));
	for (y = 0; y < l->out_h; y++)
		for (x = 0; x < l->out_w; x++)
			for (o = 0; o < l->out_c; o++)
				*out_at(&r, y, x, o) = one_output(&r, y, x, o);
	if (l->op == POTNPU_OP_CONV2D) {
		r.c->macs = (uint64_t)l->out_h * l->out_w * l->out_c *
			    potnpu_layer_taps(l);
		r.c->bitserial = r.c->taps * l->wbits;
	}
	lib_layer_cost(l, r.work, r.c);
	free(r.work);
	free(r.taps);
	return 0;
}
