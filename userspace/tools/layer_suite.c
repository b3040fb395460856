// SPDX-License-Identifier: MIT
/*
 * The layer benchmark's suite (see layer_suite.h): fixed shapes, seeded
 * operands, Gaussian weights quantized per output channel (max-abs scale).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "layer_suite.h"

#define SUITE_SEED	0x5eedb10cull

/* The large layers' side and channels, and the tiny suite's. */
struct suite_dims {
	uint32_t hw, c, fc_in, fc_out;
};

static const struct suite_dims big_dims = { 28, 64, 1024, 256 };
static const struct suite_dims tiny_dims = { 6, 8, 64, 16 };

static const struct {
	enum potnpu_scheme_kind kind;
	unsigned int param;
} conv_schemes[LAYER_SUITE_CONV_SCHEMES] = {
	{ POTNPU_SCHEME_UNIFORM8, 0 }, { POTNPU_SCHEME_UNIFORM4, 0 },
	{ POTNPU_SCHEME_POT, 5 }, { POTNPU_SCHEME_APOT, 3 },
	{ POTNPU_SCHEME_APOT, 4 }, { POTNPU_SCHEME_APOT, 5 },
	{ POTNPU_SCHEME_NHOT, 1 }, { POTNPU_SCHEME_NHOT, 2 },
	{ POTNPU_SCHEME_NHOT, 3 }, { POTNPU_SCHEME_FITTED, 0 },
};

/* The fitted scheme's levels: 15 values of at most two terms. */
static const int32_t fitted_levels[] = {
	-12, -8, -6, -4, -3, -2, -1, 0, 1, 2, 3, 4, 6, 8, 12,
};

static double uniform01(struct layer_rng *r)
{
	return ((double)(layer_rng_next(r) >> 11) + 0.5) / (double)(1ull << 53);
}

/* A standard normal sample (Box-Muller). */
static double gaussian(struct layer_rng *r)
{
	double u = uniform01(r), v = uniform01(r);

	return sqrt(-2.0 * log(u)) * cos(2.0 * M_PI * v);
}

/* The common fields: stride, dilation 1, no padding, the full clamp. */
static void base_layer(struct potnpu_layer *l, uint32_t op, uint32_t hw,
		       uint32_t c)
{
	memset(l, 0, sizeof(*l));
	l->op = op;
	l->in_h = l->in_w = l->out_h = l->out_w = hw;
	l->in_c = l->out_c = c;
	l->kh = l->kw = l->sh = l->sw = l->dh = l->dw = 1;
	l->groups = 1;
	l->lo = -128;
	l->hi = 127;
}

/* A 3 x 3 "same" convolution (depthwise: one group per channel). */
static void conv_layer(struct potnpu_layer *l, const struct suite_dims *d,
		       bool depthwise)
{
	base_layer(l, POTNPU_LAYER_CONV2D, d->hw, d->c);
	l->kh = l->kw = 3;
	l->pad_t = l->pad_l = l->pad_b = l->pad_r = 1;
	l->groups = depthwise ? d->c : 1;
}

/* Entries past the convolutions: the layer and its name. */
static const char *other_layer(struct potnpu_layer *l,
			       const struct suite_dims *d, unsigned int k)
{
	switch (k) {
	case 0:
		conv_layer(l, d, true);
		return "depthwise3x3";
	case 1:
		base_layer(l, POTNPU_LAYER_CONV2D, 1, d->fc_in);
		l->out_c = d->fc_out;
		return "fc";
	case 2:
		base_layer(l, POTNPU_LAYER_MAXPOOL, d->hw, d->c);
		l->kh = l->kw = l->sh = l->sw = 2;
		l->out_h = l->out_w = d->hw / 2;
		return "maxpool2x2";
	case 3:
		base_layer(l, POTNPU_LAYER_AVGPOOL, d->hw / 2, d->c);
		l->kh = l->kw = d->hw / 2;
		l->out_h = l->out_w = 1;
		return "avgpool-global";
	case 4:
		base_layer(l, POTNPU_LAYER_ADD, d->hw, d->c);
		l->m_a = l->m_b = 16384;
		l->shift = 15;
		return "add";
	default:
		base_layer(l, POTNPU_LAYER_REQUANT, d->hw, d->c);
		return "requant";
	}
}

/* The scheme of entry @index (CONV2D entries only). */
static int suite_scheme(unsigned int index, struct potnpu_scheme *s)
{
	unsigned int k = index < LAYER_SUITE_CONV_SCHEMES ? index : 4;

	if (conv_schemes[k].kind == POTNPU_SCHEME_FITTED)
		return potnpu_scheme_build(POTNPU_SCHEME_FITTED, 0, fitted_levels,
					   sizeof(fitted_levels) /
					   sizeof(fitted_levels[0]), s);
	return potnpu_scheme_build(conv_schemes[k].kind, conv_schemes[k].param,
				   NULL, 0, s);
}

/*
 * Output channel @o's codes: Gaussian weights divided by the channel's
 * scale (its largest |w| onto the scheme's largest level), rounded to the
 * nearest level. Returns the rms of the integer weights.
 */
static double quantize_channel(struct layer_rng *r, const struct potnpu_scheme *s,
			       double *w, uint8_t *codes, uint32_t taps)
{
	const struct potnpu_level *lv = s->levels;
	double top = fmax(-(double)lv[0].value, lv[s->nlevels - 1].value);
	double amax = 0, sum = 0;
	uint32_t k;
	int32_t v;

	for (k = 0; k < taps; k++) {
		w[k] = gaussian(r);
		amax = fmax(amax, fabs(w[k]));
	}
	for (k = 0; k < taps; k++) {
		codes[k] = (uint8_t)potnpu_scheme_quantize(s, w[k] * top / amax, &v);
		sum += (double)v * v;
	}
	return sqrt(sum / taps);
}

/* Channel @o's record: outputs of about 32 for a typical accumulator. */
static struct potnpu_chan conv_chan(double w_rms, uint32_t taps)
{
	double typical = sqrt((double)taps) * (w_rms > 0 ? w_rms : 1) * 74.0;
	struct potnpu_chan ch = { 0 };

	potnpu_requant_from_real(32.0 / typical, &ch.m, &ch.shift);
	return ch;
}

static int conv_operands(struct layer_rng *r, struct layer_case *c)
{
	uint32_t taps = potnpu_layer_taps(&c->l), o;
	uint8_t *codes = malloc((size_t)c->l.out_c * taps);
	double *w = malloc(taps * sizeof(*w));
	int err = -ENOMEM;

	for (o = 0; codes && w && o < c->l.out_c; o++)
		c->chan[o] = conv_chan(quantize_channel(r, &c->s, w,
							codes + (size_t)o * taps,
							taps), taps);
	if (codes && w)
		err = potnpu_layer_pack_weights(&c->l, codes, c->rows,
						c->sz.weights);
	free(w);
	free(codes);
	return err;
}

/* Inputs uniform int8, the output buffer zero, records by op. */
static int operands(struct layer_rng *r, struct layer_case *c)
{
	size_t i;

	for (i = 0; i < c->sz.in; i++)
		c->in[i] = (int8_t)layer_rng_next(r);
	for (i = 0; i < c->sz.in2; i++)
		c->in2[i] = (int8_t)layer_rng_next(r);
	memset(c->out_init, 0, c->sz.out);
	if (c->l.op == POTNPU_LAYER_CONV2D)
		return conv_operands(r, c);
	for (i = 0; i < c->l.out_c; i++) {
		double rescale = c->l.op == POTNPU_LAYER_AVGPOOL ? 1.0 : 0.5;

		c->chan[i].bias = (int32_t)i;
		potnpu_requant_from_real(rescale, &c->chan[i].m, &c->chan[i].shift);
	}
	return 0;
}

int layer_suite_make(struct layer_case *c, unsigned int index, bool tiny,
		     const char **name)
{
	const struct suite_dims *d = tiny ? &tiny_dims : &big_dims;
	struct layer_rng r = { SUITE_SEED ^ (uint64_t)index << 32 };
	int err;

	memset(c, 0, sizeof(*c));
	if (index >= LAYER_SUITE_COUNT)
		return -EINVAL;
	if (index < LAYER_SUITE_CONV_SCHEMES) {
		conv_layer(&c->l, d, false);
		*name = "conv3x3";
	} else {
		*name = other_layer(&c->l, d, index - LAYER_SUITE_CONV_SCHEMES);
	}
	if (c->l.op == POTNPU_LAYER_CONV2D) {
		err = suite_scheme(index, &c->s);
		if (err)
			return err;
		c->l.wbits = c->s.wbits;
	}
	c->l.in_cstride = c->l.in_c;
	c->l.out_cstride = c->l.out_c;
	c->l.in2_cstride = c->l.op == POTNPU_LAYER_ADD ? c->l.in_c : 0;
	layer_case_describe(c, *name);
	err = potnpu_layer_validate(&c->l);
	if (!err)
		err = layer_case_alloc(c);
	return err ? err : operands(&r, c);
}

size_t layer_suite_weight_bytes(const struct layer_case *c)
{
	return c->sz.weights + c->sz.table;
}
