// SPDX-License-Identifier: MIT
/*
 * quantize.c: per-tensor int8 activations from the calibration ranges,
 * per-output-channel weights with a scheme's levels (max-abs scale), int32
 * biases and the requantization records.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "pc.h"
#include "pc_emit.h"

void pc_tq_from_range(struct pc_tq *q)
{
	pc_range_to_q(q->min, q->max, &q->scale, &q->zp);
}

static int32_t clamp_q(double real, const struct pc_tq *q)
{
	double v = nearbyint(real / q->scale) + q->zp;

	return v < -128 ? -128 : v > 127 ? 127 : (int32_t)v;
}

void pc_clamp(const struct pc_layer *pl, const struct pc_tq *out,
	      struct potnpu_layer *l)
{
	l->lo = isfinite(pl->lo) ? clamp_q(pl->lo, out) : -128;
	l->hi = isfinite(pl->hi) ? clamp_q(pl->hi, out) : 127;
	if (l->lo > l->hi)
		l->lo = l->hi;
}

int pc_requant(double rescale, struct potnpu_chan *c, const char *name,
	       struct cg_error *e)
{
	int r = potnpu_requant_from_real(rescale, &c->m, &c->shift);

	if (r)
		return cg_fail(e, "node '%s': rescale %g cannot be requantized (%s)",
			       name, rescale, r == -ERANGE ? "too large" : "invalid");
	return 0;
}

int32_t pc_max_level(const struct potnpu_scheme *sc)
{
	int32_t hi = sc->levels[sc->nlevels - 1].value;
	int32_t lo = -sc->levels[0].value;

	return hi < lo ? hi : lo > 0 ? lo : hi;
}

/* Codes, weight scales, biases and records of a CONV2D layer. */
int pc_quantize_conv(const struct pc_layer *pl, double s_in, double s_out,
		     uint8_t *codes, float *wscale, struct potnpu_chan *chan,
		     struct cg_error *e)
{
	const struct potnpu_scheme *sc = &pl->sc;
	size_t taps = (size_t)pl->kh * pl->kw * (pl->ic / pl->groups), k;
	int32_t top = pl->wtop;
	uint32_t o;

	for (o = 0; o < pl->oc; o++) {
		const float *w = pl->w + o * taps;
		double m = 0, sw, b;

		for (k = 0; k < taps; k++)
			m = fmax(m, fabs(w[k]));
		sw = m > 0 ? m / top : 1.0;
		wscale[o] = (float)sw;
		for (k = 0; k < taps; k++)
			codes[o * taps + k] =
				(uint8_t)potnpu_scheme_quantize(sc, w[k] / sw, NULL);
		b = nearbyint(pl->b[o] / (s_in * sw));
		chan[o].bias = b > INT32_MAX ? INT32_MAX : b < INT32_MIN ?
			INT32_MIN : (int32_t)b;
		if (pc_requant(s_in * sw / s_out, &chan[o], pl->name, e))
			return -1;
	}
	return 0;
}

int pc_quantize_add(const struct pc_layer *pl, double sa, double sb,
		    double so, struct potnpu_layer *l, struct cg_error *e)
{
	double ra = sa / so, rb = sb / so;
	struct potnpu_chan c;

	if (pc_requant(fmax(ra, rb), &c, pl->name, e))
		return -1;
	l->shift = c.shift;
	l->m_a = (uint32_t)fmin(65535, nearbyint(ldexp(ra, c.shift)));
	l->m_b = (uint32_t)fmin(65535, nearbyint(ldexp(rb, c.shift)));
	return 0;
}
