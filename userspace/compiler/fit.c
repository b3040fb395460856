// SPDX-License-Identifier: MIT
/*
 * fit.c: the fitted scheme's levels, in the spirit of focused quantization
 * (levels placed where a layer's weights are, each a cheap sum of
 * powers of two). The layer's weights, already divided by their channel's
 * max-abs scale so they lie in [-top, top], are histogrammed; Lloyd's
 * iteration (assign each value to its nearest level, move each level to
 * its values' mean) runs with every level snapped to the nearest integer
 * that is a sum of at most PC_FIT_TERMS terms +-2^e, the levels kept
 * distinct and sorted, 0 always one of them (a zero weight is a skipped
 * tap). The best set seen (least squared error) is returned.
 */
#include <math.h>
#include <stdlib.h>

#include "pc.h"

#define RES 16		/* histogram bins per level unit */
#define ITERS 60

struct fit {
	int32_t cand[256];
	size_t nc;
	double *w;	/* histogram weight per bin */
	size_t nb;
	int32_t top;
};

static unsigned int terms_of(int32_t v)
{
	uint32_t w;
	unsigned int t;

	if (potnpu_naf_word(v, &w))
		return 99;
	potnpu_term_word(w, NULL, &t);
	return t;
}

static double bin_value(const struct fit *f, size_t j)
{
	return (double)j / RES - f->top;
}

/* Candidates in ascending order: cheap integers in [-top, top]. */
static void candidates(struct fit *f)
{
	int32_t v;

	f->nc = 0;
	for (v = -f->top; v <= f->top && f->nc < 256; v++)
		if (terms_of(v) <= PC_FIT_TERMS)
			f->cand[f->nc++] = v;
}

static size_t nearest_in(const struct fit *f, double t, size_t lo, size_t hi)
{
	size_t i, best = lo;

	for (i = lo + 1; i <= hi; i++)
		if (fabs(f->cand[i] - t) < fabs(f->cand[best] - t))
			best = i;
	return best;
}

/* Targets to distinct ascending candidates, 0 among them. */
static void snap(const struct fit *f, const double *t, size_t k, int32_t *lv)
{
	size_t i, at = 0, zero = 0;

	for (i = 0; i < k; i++) {
		size_t c = nearest_in(f, t[i], i ? at + 1 : 0, f->nc - (k - i));

		lv[i] = f->cand[c];
		at = c;
	}
	for (i = 1; i < k; i++)
		if (abs(lv[i]) < abs(lv[zero]))
			zero = i;
	lv[zero] = 0;
}

/* Squared error of the histogram at levels @lv; @sum, @cnt per cell. */
static double assign(const struct fit *f, const int32_t *lv, size_t k,
		     double *sum, double *cnt)
{
	double err = 0;
	size_t j, c = 0;

	for (j = 0; j < k; j++)
		sum[j] = cnt[j] = 0;
	for (j = 0; j < f->nb; j++) {
		double v = bin_value(f, j), d;

		if (!f->w[j])
			continue;
		while (c + 1 < k && fabs(lv[c + 1] - v) < fabs(lv[c] - v))
			c++;
		d = v - lv[c];
		err += f->w[j] * d * d;
		sum[c] += f->w[j] * v;
		cnt[c] += f->w[j];
	}
	return err;
}

static void init_targets(const struct fit *f, size_t k, double *t)
{
	double total = 0, run = 0;
	size_t j, i = 0;

	for (j = 0; j < f->nb; j++)
		total += f->w[j];
	for (j = 0; j < f->nb && i < k; j++) {
		run += f->w[j];
		while (i < k && run >= total * (i + 0.5) / k)
			t[i++] = bin_value(f, j);
	}
	for (; i < k; i++)
		t[i] = f->top;
}

static void lloyd(struct fit *f, size_t k, int32_t *best)
{
	double t[256], sum[256], cnt[256], err, best_err = INFINITY;
	int32_t lv[256], prev[256];
	size_t i;
	int it, same;

	init_targets(f, k, t);
	snap(f, t, k, lv);
	for (it = 0; it < ITERS; it++) {
		err = assign(f, lv, k, sum, cnt);
		if (err < best_err) {
			best_err = err;
			for (i = 0; i < k; i++)
				best[i] = lv[i];
		}
		for (i = 0; i < k; i++) {
			prev[i] = lv[i];
			t[i] = cnt[i] > 0 ? sum[i] / cnt[i] : lv[i];
		}
		snap(f, t, k, lv);
		for (same = 1, i = 0; i < k; i++)
			same &= prev[i] == lv[i];
		if (same)
			break;
	}
}

int pc_fit_levels(const float *u, size_t n, unsigned int bits, int32_t top,
		  int32_t *lv, struct cg_error *e)
{
	struct fit f = { .top = top };
	size_t k = (size_t)1 << bits, i;

	if (bits < 2 || bits > 8 || top < 1 || top > 32767)
		return cg_fail(e, "fitted: %u bits, range %d not supported", bits, top);
	candidates(&f);
	if (k > f.nc)
		return cg_fail(e, "fitted%u: %zu levels wanted, only %zu integers in [-%d, %d] have at most %d terms",
			       bits, k, f.nc, top, top, PC_FIT_TERMS);
	f.nb = (size_t)2 * top * RES + 1;
	f.w = calloc(f.nb, sizeof(double));
	if (!f.w)
		return cg_fail(e, "out of memory");
	for (i = 0; i < n; i++) {
		double b = nearbyint((u[i] + top) * RES);

		f.w[b < 0 ? 0 : b >= (double)f.nb ? f.nb - 1 : (size_t)b] += 1;
	}
	lloyd(&f, k, lv);
	free(f.w);
	return (int)k;
}
