// SPDX-License-Identifier: MIT
/*
 * float_conv.c: the reference Conv (groups, strides, dilations, padding),
 * MaxPool, AveragePool and GlobalAveragePool over NCHW float32.
 */
#include <math.h>

#include "cg.h"

static void window_of(struct cg_graph *g, const struct cg_node *n,
		      const int64_t *kernel, struct cg_window *w)
{
	/* Shapes were inferred with the same parameters: cannot fail now. */
	(void)cg_window_params(g, n, cg_in(g, n, 0)->dims + 2, kernel, w, NULL);
}

static float conv_point(const struct cg_tensor *x, const struct cg_tensor *wt,
			const struct cg_window *w, int64_t b, int64_t m,
			int64_t c0, int64_t oy, int64_t ox)
{
	int64_t C = wt->dims[1], H = x->dims[2], W = x->dims[3], c, ky, kx;
	double acc = 0;

	for (c = 0; c < C; c++)
		for (ky = 0; ky < w->k[0]; ky++) {
			int64_t iy = oy * w->s[0] - w->pad_begin[0] + ky * w->d[0];

			if (iy < 0 || iy >= H)
				continue;
			for (kx = 0; kx < w->k[1]; kx++) {
				int64_t ix = ox * w->s[1] - w->pad_begin[1] + kx * w->d[1];

				if (ix < 0 || ix >= W)
					continue;
				acc += (double)x->data[((b * x->dims[1] + c0 + c) * H + iy) * W + ix] *
					wt->data[((m * C + c) * w->k[0] + ky) * w->k[1] + kx];
			}
		}
	return (float)acc;
}

void cg_exec_conv(struct cg_graph *g, const struct cg_node *n)
{
	const struct cg_tensor *x = cg_in(g, n, 0), *wt = cg_in(g, n, 1);
	const struct cg_tensor *bias = cg_in(g, n, 2);
	struct cg_tensor *y = cg_out(g, n, 0);
	int64_t group = cg_attr_int(n, "group", 1), M = wt->dims[0];
	int64_t per_group = M / group, b, m, oy, ox;
	float *out = y->data;
	struct cg_window w;

	window_of(g, n, wt->dims + 2, &w);
	for (b = 0; b < x->dims[0]; b++)
		for (m = 0; m < M; m++) {
			int64_t c0 = (m / per_group) * wt->dims[1];
			float bv = bias ? bias->data[m] : 0.0f;

			for (oy = 0; oy < w.out[0]; oy++)
				for (ox = 0; ox < w.out[1]; ox++)
					*out++ = conv_point(x, wt, &w, b, m, c0, oy, ox) + bv;
		}
}

/* One pooling window over plane p (H x W) of the input. */
static float pool_point(const float *p, int64_t H, int64_t W,
			const struct cg_window *w, int is_max, int64_t oy,
			int64_t ox)
{
	float best = -INFINITY;
	double sum = 0;
	int64_t count = 0, ky, kx;

	for (ky = 0; ky < w->k[0]; ky++)
		for (kx = 0; kx < w->k[1]; kx++) {
			int64_t iy = oy * w->s[0] - w->pad_begin[0] + ky * w->d[0];
			int64_t ix = ox * w->s[1] - w->pad_begin[1] + kx * w->d[1];
			int inside = iy >= 0 && iy < H && ix >= 0 && ix < W;
			int in_padded = iy < H + w->pad_end[0] && ix < W + w->pad_end[1];

			if (inside) {
				float v = p[iy * W + ix];

				best = v > best ? v : best;
				sum += v;
				count++;
			} else if (w->count_include_pad && in_padded) {
				count++;
			}
		}
	if (is_max)
		return best;
	return count ? (float)(sum / (double)count) : 0.0f;
}

void cg_exec_pool(struct cg_graph *g, const struct cg_node *n)
{
	const struct cg_tensor *x = cg_in(g, n, 0);
	struct cg_tensor *y = cg_out(g, n, 0);
	int64_t planes = x->dims[0] * x->dims[1], H, W, pl, oy, ox, k[2];
	float *out = y->data;
	struct cg_window w = { 0 };

	if (n->op == CG_OP_GLOBALAVGPOOL) {
		int64_t size = cg_numel(x) / planes, i;

		for (pl = 0; pl < planes; pl++) {
			double sum = 0;

			for (i = 0; i < size; i++)
				sum += x->data[pl * size + i];
			out[pl] = (float)(sum / (double)size);
		}
		return;
	}
	H = x->dims[2];
	W = x->dims[3];
	(void)cg_attr_ints(n, "kernel_shape", 2, k, 1, NULL);
	window_of(g, n, k, &w);
	for (pl = 0; pl < planes; pl++)
		for (oy = 0; oy < w.out[0]; oy++)
			for (ox = 0; ox < w.out[1]; ox++)
				*out++ = pool_point(x->data + pl * H * W, H, W, &w,
						    n->op == CG_OP_MAXPOOL, oy, ox);
}
