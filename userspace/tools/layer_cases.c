// SPDX-License-Identifier: MIT
/*
 * potnpu-layer-check's cases: seeded random layers, valid for the device,
 * over every op, weight scheme and shape family (see layer_cases.h).
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layer_cases.h"

uint64_t layer_rng_next(struct layer_rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Uniform in lo..hi. */
static uint32_t uni(struct layer_rng *r, uint32_t lo, uint32_t hi)
{
	return lo + (uint32_t)(layer_rng_next(r) % ((uint64_t)hi - lo + 1));
}

static int32_t sbyte(struct layer_rng *r)
{
	return (int32_t)uni(r, 0, 255) - 128;
}

static const char *const edge_names[LAYER_CASE_EDGES] = {
	"random", "1x1", "odd", "pad>=kernel", "stride>kernel", "dilation",
	"depthwise", "channels%16", "tiled", "wrap",
};

static const uint32_t op_of_kind[] = {
	POTNPU_LAYER_MAXPOOL, POTNPU_LAYER_AVGPOOL, POTNPU_LAYER_ADD,
	POTNPU_LAYER_REQUANT,
};

/* Fitted levels: 0 and up to 15 sums of 1..4 terms of exponent <= @maxe. */
static int fitted_scheme(struct layer_rng *r, unsigned int maxe, struct potnpu_scheme *s)
{
	int32_t lv[16] = { 0 };
	size_t n = 1, i, k, want = uni(r, 2, 16);

	while (n < want) {
		int32_t v = 0;

		for (k = uni(r, 1, 4); k; k--)
			v += (uni(r, 0, 1) ? -1 : 1) * (1 << uni(r, 0, maxe));
		for (i = 0; i < n && lv[i] != v; i++)
			;
		if (i == n)
			lv[n++] = v;
	}
	return potnpu_scheme_build(POTNPU_SCHEME_FITTED, 0, lv, n, s);
}

static int make_scheme(struct layer_rng *r, unsigned int k, bool wrap,
		       struct potnpu_scheme *s)
{
	static const struct { enum potnpu_scheme_kind kind; unsigned int p; } t[] = {
		{ POTNPU_SCHEME_UNIFORM8, 0 }, { POTNPU_SCHEME_UNIFORM4, 0 },
		{ POTNPU_SCHEME_POT, 5 }, { POTNPU_SCHEME_APOT, 3 },
		{ POTNPU_SCHEME_APOT, 4 }, { POTNPU_SCHEME_APOT, 5 },
		{ POTNPU_SCHEME_APOT, 6 }, { POTNPU_SCHEME_NHOT, 1 },
		{ POTNPU_SCHEME_NHOT, 2 }, { POTNPU_SCHEME_NHOT, 3 },
		{ POTNPU_SCHEME_POT, 3 }, { POTNPU_SCHEME_POT, 2 },
		{ POTNPU_SCHEME_FITTED, 0 },
	};

	_Static_assert(sizeof(t) / sizeof(t[0]) == LAYER_CASE_SCHEMES, "schemes");
	if (t[k].kind == POTNPU_SCHEME_FITTED)
		return fitted_scheme(r, wrap ? 15 : 7, s);
	return potnpu_scheme_build(t[k].kind, t[k].p, NULL, 0, s);
}

/* Kernel, stride, dilation and padding of one dimension for @edge. */
static void window(struct layer_rng *r, unsigned int edge, uint32_t in, uint32_t *k,
		   uint32_t *st, uint32_t *d, uint32_t *pb, uint32_t *pa)
{
	*k = uni(r, 1, in < 3 ? in : 3);
	*st = uni(r, 1, 2);
	*d = 1;
	*pb = uni(r, 0, *k - 1);
	*pa = uni(r, 0, *k - 1);
	if (edge == 1 || edge == 9) {
		*k = 1;
		*st = 1;
		*pb = *pa = 0;
	} else if (edge == 3) {
		*pb = *k + uni(r, 0, 2);
		*pa = *k + uni(r, 0, 1);
	} else if (edge == 4) {
		*st = *k + uni(r, 1, 3);
	} else if (edge == 5 && in >= 5) {	/* the span d * (k - 1) + 1 fits */
		*k = uni(r, 2, 3);
		*d = uni(r, 2, (in - 1) / (*k - 1) < 4 ? (in - 1) / (*k - 1) : 4);
		*pb = uni(r, 0, 1);
		*pa = uni(r, 0, 1);
	}
}

/* Sizes: in_h, in_w, in_c for @edge (and out_c, CONV2D). */
static void sizes(struct layer_rng *r, unsigned int edge, unsigned int big,
		  struct potnpu_layer *l)
{
	static const uint32_t odd_c[] = { 17, 31, 33, 47 };
	static const uint32_t tiled[2][4] = {
		{ 64, 64, 36, 5 },	/* 144 KiB of input: bands */
		{ 4, 4, 512, 24 },	/* rows of 4608 codes: channel blocks */
	};

	l->in_h = uni(r, 1, 9);
	l->in_w = uni(r, 1, 9);
	l->in_c = uni(r, 1, 20);
	l->out_c = uni(r, 1, 20);
	if (edge == 1 || edge == 9)
		l->in_h = l->in_w = edge == 1 ? 1 : 2;
	if (edge == 2) {
		l->in_h = 2 * uni(r, 1, 6) + 1;
		l->in_w = 2 * uni(r, 1, 6) + 1;
	}
	if (edge == 5) {
		l->in_h = uni(r, 5, 11);
		l->in_w = uni(r, 5, 11);
	}
	if (edge == 7 || edge == 2) {
		l->in_c = odd_c[uni(r, 0, 3)];
		l->out_c = odd_c[uni(r, 0, 3)];
	}
	if (edge == 8) {
		l->in_h = tiled[big][0];
		l->in_w = tiled[big][1];
		l->in_c = tiled[big][2];
		l->out_c = tiled[big][3];
	}
}

static void shape(struct layer_rng *r, unsigned int edge, struct potnpu_layer *l)
{
	bool elem = l->op == POTNPU_LAYER_ADD || l->op == POTNPU_LAYER_REQUANT;

	l->kh = l->kw = l->sh = l->sw = l->dh = l->dw = 1;
	if (!elem) {
		window(r, edge, l->in_h, &l->kh, &l->sh, &l->dh, &l->pad_t, &l->pad_b);
		window(r, edge, l->in_w, &l->kw, &l->sw, &l->dw, &l->pad_l, &l->pad_r);
	}
	if (edge == 8 && !elem) {	/* 3 x 3, same size */
		l->kh = l->kw = 3;
		l->sh = l->sw = l->dh = l->dw = 1;
		l->pad_t = l->pad_b = l->pad_l = l->pad_r = 1;
	}
	if (l->op != POTNPU_LAYER_CONV2D)
		l->out_c = l->in_c;
	l->out_h = potnpu_layer_out_dim(l->in_h, l->kh, l->sh, l->dh, l->pad_t + l->pad_b);
	l->out_w = potnpu_layer_out_dim(l->in_w, l->kw, l->sw, l->dw, l->pad_l + l->pad_r);
	l->in_cstride = l->in_c + (edge == 8 ? 0 : uni(r, 0, 3));
	l->out_cstride = l->out_c + uni(r, 0, 2);	/* a slice: concatenation */
	if (l->op == POTNPU_LAYER_ADD)
		l->in2_cstride = l->in_c + uni(r, 0, 2);
}

/* The level of largest magnitude. */
static const struct potnpu_level *max_level(const struct potnpu_scheme *s)
{
	const struct potnpu_level *a = &s->levels[0], *b = &s->levels[s->nlevels - 1];

	return -(int64_t)a->value > b->value ? a : b;
}

static uint32_t max_abs_level(const struct potnpu_scheme *s)
{
	int64_t v = max_level(s)->value;

	return (uint32_t)(v < 0 ? -v : v);
}

/* CONV2D: groups, the scheme; the wrap edge gets enough taps to wrap. */
static int conv_setup(struct layer_rng *r, unsigned int kind, unsigned int edge,
		      struct layer_case *c)
{
	struct potnpu_layer *l = &c->l;
	int err = make_scheme(r, kind, edge == 9, &c->s);

	if (err)
		return err;
	l->wbits = c->s.wbits;
	if (edge == 6) {
		l->groups = l->in_c;
		l->out_c = l->in_c * uni(r, 1, 2);
	} else if (uni(r, 0, 3) == 0 && l->in_c % 2 == 0 && l->out_c % 2 == 0) {
		l->groups = 2;
	}
	if (edge == 9) {	/* 1.5 * 2^31 / (|w| * 255) taps */
		uint64_t t = (3ull << 30) / ((uint64_t)max_abs_level(&c->s) * 255) + 1;

		l->in_c = (uint32_t)(t > 4096 ? 4096 : t);
		l->groups = 1;
	}
	return 0;
}

/* Root mean square of the weights of the scheme's codes. */
static double weight_rms(const struct potnpu_scheme *s)
{
	double sum = 0;
	uint32_t c;

	for (c = 0; c < (1u << s->wbits); c++) {
		int32_t v;

		potnpu_term_word(s->table[c], &v, NULL);
		sum += (double)v * v;
	}
	return sqrt(sum / (1u << s->wbits));
}

/*
 * The requantization that keeps typical outputs inside int8: |acc| is
 * about sqrt(taps) * rms(w) * rms(x - in_zp); a wrapping accumulator is
 * any 32-bit value, so its top bits are kept.
 */
static struct potnpu_chan chan_for(struct layer_rng *r, const struct layer_case *c,
				   bool wrap)
{
	bool conv = c->l.op == POTNPU_LAYER_CONV2D;
	double w = conv ? weight_rms(&c->s) : 1;
	double taps = conv ? potnpu_layer_taps(&c->l) : 1;
	double typical = sqrt(taps) * (w > 0 ? w : 1) *
			 sqrt(74.0 * 74.0 + (double)c->l.in_zp * c->l.in_zp);
	struct potnpu_chan ch = {
		.bias = (int32_t)((uni(r, 0, 2000) / 1000.0 - 1.0) * typical),
	};
	double rescale = wrap ? 1.0 / (1 << 24) : 32.0 / typical;

	if (wrap)
		ch.bias = (int32_t)(uint32_t)layer_rng_next(r);
	potnpu_requant_from_real(rescale * (0.5 + uni(r, 0, 1000) / 1000.0),
				 &ch.m, &ch.shift);
	return ch;
}

/* Zero points, the clamp (none, ReLU or ReLU6-like), ADD's rescale. */
static void clamp_zp(struct layer_rng *r, struct potnpu_layer *l)
{
	uint32_t act = uni(r, 0, 3);

	l->in_zp = sbyte(r);
	l->out_zp = (int32_t)uni(r, 0, 127) - 64;
	l->lo = act ? -128 : l->out_zp;
	l->hi = act == 1 ? l->out_zp + (int32_t)uni(r, 20, 63) : 127;
	if (l->op == POTNPU_LAYER_ADD) {
		l->in2_zp = sbyte(r);
		l->m_a = uni(r, 8192, 32768);
		l->m_b = uni(r, 8192, 32768);
		l->shift = 16;
	}
	if (l->op == POTNPU_LAYER_AVGPOOL && uni(r, 0, 1))
		l->flags = POTNPU_LAYER_COUNT_PAD;
}

int layer_case_alloc(struct layer_case *c)
{
	potnpu_layer_sizes(&c->l, &c->sz);
	c->in = malloc(c->sz.in);
	c->in2 = malloc(c->sz.in2 + 1);
	c->out_init = malloc(c->sz.out);
	c->rows = malloc(c->sz.weights + 1);
	c->chan = calloc(c->l.out_c, sizeof(*c->chan));
	return c->in && c->in2 && c->out_init && c->rows && c->chan ? 0 : -ENOMEM;
}

/* Random operands (the wrap edge: x - in_zp = 255, the largest weight). */
static int operands(struct layer_rng *r, unsigned int edge, struct layer_case *c)
{
	struct potnpu_layer *l = &c->l;
	size_t i, ncodes = (size_t)l->out_c * potnpu_layer_taps(l);
	uint8_t *codes = NULL;
	int err = 0;

	if (l->op == POTNPU_LAYER_CONV2D)
		codes = malloc(ncodes);
	if (layer_case_alloc(c) || (l->op == POTNPU_LAYER_CONV2D && !codes)) {
		free(codes);
		return -ENOMEM;
	}
	for (i = 0; i < c->sz.in; i++)
		c->in[i] = edge == 9 ? 127 : (int8_t)layer_rng_next(r);
	for (i = 0; i < c->sz.in2; i++)
		c->in2[i] = (int8_t)layer_rng_next(r);
	for (i = 0; i < c->sz.out; i++)
		c->out_init[i] = (int8_t)layer_rng_next(r);
	for (i = 0; i < l->out_c; i++)
		c->chan[i] = chan_for(r, c, edge == 9);
	if (edge == 9)
		l->in_zp = -128;
	for (i = 0; codes && i < ncodes; i++)
		codes[i] = (uint8_t)(edge == 9 ? max_level(&c->s)->code :
				     uni(r, 0, (1u << l->wbits) - 1));
	if (codes)
		err = potnpu_layer_pack_weights(l, codes, c->rows, c->sz.weights);
	free(codes);
	return err;
}

void layer_case_describe(struct layer_case *c, const char *tag)
{
	static const char *const ops[] = { "conv2d", "maxpool", "avgpool", "add", "requant" };
	const struct potnpu_layer *l = &c->l;
	char scheme[16] = "int8";

	if (l->op == POTNPU_LAYER_CONV2D)
		potnpu_scheme_name(&c->s, scheme, sizeof(scheme));
	snprintf(c->what, sizeof(c->what),
		 "%s %s %ux%ux%u->%ux%ux%u k%ux%u s%ux%u d%ux%u p%u,%u,%u,%u g%u (%s)",
		 ops[l->op - POTNPU_LAYER_CONV2D], scheme, l->in_h, l->in_w,
		 l->in_c, l->out_h, l->out_w, l->out_c, l->kh, l->kw, l->sh,
		 l->sw, l->dh, l->dw, l->pad_t, l->pad_l, l->pad_b, l->pad_r,
		 l->groups, tag);
}

int layer_case_make(struct layer_case *c, uint64_t seed, unsigned int index)
{
	struct layer_rng r = { seed * 0x2545f4914f6cdd1dull ^ index };
	unsigned int kind = index % LAYER_CASE_KINDS;
	unsigned int edge = index / LAYER_CASE_KINDS % LAYER_CASE_EDGES;
	unsigned int big = index / (LAYER_CASE_KINDS * LAYER_CASE_EDGES) % 2;
	int err = 0;

	memset(c, 0, sizeof(*c));
	c->l.op = kind < LAYER_CASE_SCHEMES ? POTNPU_LAYER_CONV2D :
		  op_of_kind[kind - LAYER_CASE_SCHEMES];
	c->l.groups = 1;
	sizes(&r, edge, big && c->l.op == POTNPU_LAYER_CONV2D, &c->l);
	clamp_zp(&r, &c->l);
	if (c->l.op == POTNPU_LAYER_CONV2D)
		err = conv_setup(&r, kind, edge, c);
	if (!err) {
		shape(&r, edge, &c->l);
		layer_case_describe(c, edge_names[edge]);
		err = potnpu_layer_validate(&c->l);
	}
	return err ? err : operands(&r, edge, c);
}

void layer_case_free(struct layer_case *c)
{
	free(c->in);
	free(c->in2);
	free(c->out_init);
	free(c->rows);
	free(c->chan);
	memset(c, 0, sizeof(*c));
}

const char *const layer_counter_names[LAYER_COUNTERS] = {
	"macs", "taps", "terms", "zero_skips", "bitserial", "dma_in",
	"dma_out", "cycles",
};

int layer_case_reference(const struct layer_case *c, int8_t *out,
			 struct potnpu_layer_counts *rc)
{
	struct potnpu_ref_buffers b = {
		.in = c->in, .in2 = c->in2, .out = out, .weights = c->rows,
		.table = c->s.table, .chan = c->chan,
	};

	memcpy(out, c->out_init, c->sz.out);
	return potnpu_reference_run(&c->l, &b, rc);
}

int layer_case_compare(const struct layer_case *c, const int8_t *dev,
		       const int8_t *ref, const struct potnpu_layer_counts *dc,
		       const struct potnpu_layer_counts *rc, char *why, size_t len)
{
	const char *const *names = layer_counter_names;
	const uint64_t *d = &dc->macs, *r = &rc->macs;
	size_t i;

	for (i = 0; i < c->sz.out; i++)
		if (dev[i] != ref[i]) {
			size_t pix = i / c->l.out_cstride;

			snprintf(why, len, "output byte %zu (y %zu, x %zu, c %zu): device %d, reference %d",
				 i, pix / c->l.out_w, pix % c->l.out_w,
				 i % c->l.out_cstride, dev[i], ref[i]);
			return 1;
		}
	for (i = 0; i < LAYER_COUNTERS; i++)
		if (d[i] != r[i]) {
			snprintf(why, len, "counter %s: device %" PRIu64 ", reference %" PRIu64,
				 names[i], d[i], r[i]);
			return 1;
		}
	return 0;
}
