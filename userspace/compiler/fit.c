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
 * tap); it starts from the unconstrained Lloyd solution (real levels,
 * equal-mass start), since snapped steps alone stall where the cheap
 * integers are sparse. The best set seen (least squared error) is returned, over a
 * search of the full scale too.
 */
#include <math.h>
#include <stdlib.h>

#include "pc.h"

#define RES 16		/* histogram bins per level unit */
#define ITERS 100
#define REAL_ITERS 300
#define FIT_MIN_TOP 40	/* full scales tried: 127, 123, ..., >= 40 */
#define FIT_TOP_STEP 4

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

/* Squared error of the histogram at ascending levels @lv; @sum, @cnt
 * per cell (each value to its nearest level). */
static double assign_d(const struct fit *f, const double *lv, size_t k,
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

static double assign(const struct fit *f, const int32_t *lv, size_t k,
		     double *sum, double *cnt)
{
	double d[256];
	size_t i;

	for (i = 0; i < k; i++)
		d[i] = lv[i];
	return assign_d(f, d, k, sum, cnt);
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

/* Unconstrained Lloyd (real levels, the one nearest 0 held at 0). */
static void lloyd_real(const struct fit *f, size_t k, double *t)
{
	double sum[256], cnt[256];
	size_t i, z;
	int it;

	init_targets(f, k, t);
	for (it = 0; it < REAL_ITERS; it++) {
		assign_d(f, t, k, sum, cnt);
		for (i = 0; i < k; i++)
			if (cnt[i] > 0)
				t[i] = sum[i] / cnt[i];
		for (z = 0, i = 1; i < k; i++)
			if (fabs(t[i]) < fabs(t[z]))
				z = i;
		t[z] = 0;
	}
}

/* Then snapped to cheap integers and iterated there; the best kept. */
static void lloyd(struct fit *f, size_t k, const double *start, int32_t *best)
{
	double t[256], sum[256], cnt[256], err, best_err = INFINITY;
	int32_t lv[256], prev[256];
	size_t i;
	int it, same;

	for (i = 0; i < k; i++)
		t[i] = start[i] * f->top / 127.0;
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

/* Fit at full scale @top: the histogram of @u scaled by top / 127. */
static void histogram(struct fit *f, const float *u, size_t n)
{
	double scale = f->top / 127.0;
	size_t i;

	for (i = 0; i < f->nb; i++)
		f->w[i] = 0;
	for (i = 0; i < n; i++) {
		double b = nearbyint((u[i] * scale + f->top) * RES);

		f->w[b < 0 ? 0 : b >= (double)f->nb ? f->nb - 1 : (size_t)b] += 1;
	}
}

/* The unconstrained solution @start (at full scale 127) scales with it. */
static double fit_at(struct fit *f, const float *u, size_t n, size_t k,
		     const double *start, int32_t *lv)
{
	double sum[256], cnt[256], scale = f->top / 127.0;

	histogram(f, u, n);
	candidates(f);
	lloyd(f, k, start, lv);
	/* the error in the units of @u */
	return assign(f, lv, k, sum, cnt) / (scale * scale);
}

int pc_fit_levels(const float *u, size_t n, unsigned int bits, int32_t *top,
		  int32_t *lv, struct cg_error *e)
{
	struct fit f = { .top = 127 };
	size_t k = (size_t)1 << bits, i;
	double best = INFINITY, start[256];
	int32_t t, try[256];

	if (bits < 2 || bits > 6)
		return cg_fail(e, "fitted: %u bits not supported (2 to 6)", bits);
	f.nb = (size_t)2 * 127 * RES + 1;
	f.w = calloc(f.nb, sizeof(double));
	if (!f.w)
		return cg_fail(e, "out of memory");
	/*
	 * The full scale (the level max|w_o| maps to) is searched too: the
	 * cheap integers are dense near powers of two and sparse between,
	 * so which of them fall where the weights are depends on it.
	 */
	histogram(&f, u, n);
	lloyd_real(&f, k, start);
	for (t = 127; t >= FIT_MIN_TOP; t -= FIT_TOP_STEP) {
		double err;

		f.top = t;
		candidates(&f);
		if (k > f.nc)
			break;
		err = fit_at(&f, u, n, k, start, try);
		if (err < best) {
			best = err;
			*top = t;
			for (i = 0; i < k; i++)
				lv[i] = try[i];
		}
	}
	free(f.w);
	if (!isfinite(best))
		return cg_fail(e, "fitted%u: %zu levels wanted, only %zu integers in [-127, 127] have at most %d terms",
			       bits, k, f.nc, PC_FIT_TERMS);
	return (int)k;
}
