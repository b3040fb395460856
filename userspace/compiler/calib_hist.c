// SPDX-License-Identifier: MIT
/*
 * calib_hist.c: the calibration histogram of a tensor and the clipping
 * range each --calibrate method takes from it. min/max keeps the observed
 * range; percentile drops the given share of the values at each end;
 * mse searches the clip of each end (coordinate descent, factors of the
 * observed end) whose int8 quantization (scale and zero point as
 * quantize.c derives them) has the least squared error over the
 * histogram, the values beyond the clip saturating.
 */
#include <math.h>
#include <string.h>

#include "pc.h"

/* Clip factors tried by mse: k / MSE_STEPS of the observed range. */
#define MSE_STEPS 400
#define MSE_ROUNDS 2

void pc_hist_init(struct pc_hist *h, double lo, double hi)
{
	memset(h, 0, sizeof(*h));
	h->lo = fmin(lo, 0);
	h->hi = fmax(hi, 0);
	if (!(h->hi > h->lo))
		h->hi = h->lo + 1e-12;
}

void pc_hist_add(struct pc_hist *h, const float *v, size_t n)
{
	double k = PC_HIST_BINS / (h->hi - h->lo);
	size_t i;

	for (i = 0; i < n; i++) {
		double b = floor((v[i] - h->lo) * k);
		size_t j = b < 0 ? 0 : b >= PC_HIST_BINS ? PC_HIST_BINS - 1 :
			(size_t)b;

		h->count[j]++;
	}
	h->total += n;
}

static double bin_lo(const struct pc_hist *h, size_t j)
{
	return h->lo + (h->hi - h->lo) * (double)j / PC_HIST_BINS;
}

static double bin_mid(const struct pc_hist *h, size_t j)
{
	return h->lo + (h->hi - h->lo) * (j + 0.5) / PC_HIST_BINS;
}

void pc_range_to_q(double lo, double hi, float *scale, int *zp)
{
	double s = (fmax(hi, 0) - fmin(lo, 0)) / 255.0;
	long z;

	if (!(s > 1e-12))
		s = 1e-12;
	*scale = (float)s;
	z = lround(-128.0 - fmin(lo, 0) / *scale);
	*zp = z < -128 ? -128 : z > 127 ? 127 : (int)z;
}

double pc_hist_mse(const struct pc_hist *h, double lo, double hi)
{
	double err = 0;
	float s;
	int zp;
	size_t j;

	pc_range_to_q(lo, hi, &s, &zp);
	for (j = 0; j < PC_HIST_BINS; j++) {
		double v = bin_mid(h, j), q, d;

		if (!h->count[j])
			continue;
		q = nearbyint(v / s) + zp;
		q = q < -128 ? -128 : q > 127 ? 127 : q;
		d = (q - zp) * (double)s - v;
		err += d * d * (double)h->count[j];
	}
	return h->total ? err / (double)h->total : 0;
}

/* The value below which @share of the histogram lies (bin edges). */
static double quantile(const struct pc_hist *h, double share, int upper)
{
	double want = share * (double)h->total, run = 0;
	size_t j;

	for (j = 0; j < PC_HIST_BINS; j++) {
		run += (double)h->count[j];
		if (run >= want)
			return upper ? bin_lo(h, j + 1) : bin_lo(h, j);
	}
	return h->hi;
}

/* The best clip of one end (@hi_end) by factors k / MSE_STEPS of the
 * observed end, the other end fixed. */
static void mse_end(const struct pc_hist *h, int hi_end, double *lo, double *hi)
{
	double best = INFINITY, keep = hi_end ? *hi : *lo;
	double full = hi_end ? h->hi : h->lo;
	int k;

	for (k = MSE_STEPS; k >= 1; k--) {
		double c = full * k / MSE_STEPS;
		double m = hi_end ? pc_hist_mse(h, *lo, c) : pc_hist_mse(h, c, *hi);

		if (m < best) {	/* ties keep the wider range */
			best = m;
			keep = c;
		}
	}
	if (hi_end)
		*hi = keep;
	else
		*lo = keep;
}

/* Coordinate descent over the two ends: they clip independently, so a
 * tail on one side does not shrink the other. */
static void mse_range(const struct pc_hist *h, double *lo, double *hi)
{
	int round;

	for (round = 0; round < MSE_ROUNDS; round++) {
		mse_end(h, 1, lo, hi);
		mse_end(h, 0, lo, hi);
	}
}

void pc_hist_range(const struct pc_hist *h, enum pc_calib_method m,
		   double percentile, double *lo, double *hi)
{
	*lo = h->lo;
	*hi = h->hi;
	if (!h->total || m == PC_CALIB_MINMAX)
		return;
	if (m == PC_CALIB_PERCENTILE) {
		double tail = (100.0 - percentile) / 100.0;

		*lo = fmin(quantile(h, tail, 0), 0);
		*hi = fmax(quantile(h, 1.0 - tail, 1), 0);
		return;
	}
	mse_range(h, lo, hi);
}
