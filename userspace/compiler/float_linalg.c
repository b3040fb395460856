// SPDX-License-Identifier: MIT
/*
 * float_linalg.c: the reference Gemm, MatMul, Softmax and (inference)
 * BatchNormalization over float32.
 */
#include <math.h>
#include <stdlib.h>

#include "cg.h"

void cg_exec_gemm(struct cg_graph *g, const struct cg_node *n)
{
	const struct cg_tensor *a = cg_in(g, n, 0), *b = cg_in(g, n, 1);
	const struct cg_tensor *c = cg_in(g, n, 2);
	struct cg_tensor *y = cg_out(g, n, 0);
	float alpha = cg_attr_float(n, "alpha", 1.0f);
	float beta = cg_attr_float(n, "beta", 1.0f);
	int ta = cg_attr_int(n, "transA", 0) != 0;
	int tb = cg_attr_int(n, "transB", 0) != 0;
	int64_t M = y->dims[0], N = y->dims[1], K = a->dims[ta ? 0 : 1];
	int64_t i, j, k;

	if (c)
		cg_broadcast_add(y, c, y);	/* y is zero: y = C broadcast */
	for (i = 0; i < M; i++)
		for (j = 0; j < N; j++) {
			double acc = 0;

			for (k = 0; k < K; k++)
				acc += (double)a->data[ta ? k * M + i : i * K + k] *
					b->data[tb ? j * K + k : k * N + j];
			y->data[i * N + j] = (float)(alpha * acc) +
				beta * y->data[i * N + j];
		}
}

void cg_exec_matmul(struct cg_graph *g, const struct cg_node *n)
{
	const struct cg_tensor *a = cg_in(g, n, 0), *b = cg_in(g, n, 1);
	struct cg_tensor *y = cg_out(g, n, 0);
	int64_t M = a->dims[0], K = a->dims[1], N = b->dims[1], i, j, k;

	for (i = 0; i < M; i++)
		for (j = 0; j < N; j++) {
			double acc = 0;

			for (k = 0; k < K; k++)
				acc += (double)a->data[i * K + k] * b->data[k * N + j];
			y->data[i * N + j] = (float)acc;
		}
}

/* Softmax over groups of len elements, stride apart, starting at base. */
static void softmax_run(const float *x, float *y, int64_t len, int64_t stride)
{
	double sum = 0;
	float mx = -INFINITY;
	int64_t i;

	for (i = 0; i < len; i++)
		mx = x[i * stride] > mx ? x[i * stride] : mx;
	for (i = 0; i < len; i++)
		sum += exp((double)x[i * stride] - mx);
	for (i = 0; i < len; i++)
		y[i * stride] = (float)(exp((double)x[i * stride] - mx) / sum);
}

void cg_exec_softmax(struct cg_graph *g, const struct cg_node *n)
{
	const struct cg_tensor *x = cg_in(g, n, 0);
	struct cg_tensor *y = cg_out(g, n, 0);
	int64_t axis = cg_attr_int(n, "axis", n->opset >= 13 ? -1 : 1);
	int64_t outer = 1, len = 1, inner = 1, o, i;
	int d;

	if (axis < 0)
		axis += x->rank;
	for (d = 0; d < x->rank; d++) {
		if (d < axis)
			outer *= x->dims[d];
		else if (d == axis || n->opset < 13)
			len *= x->dims[d];	/* opset < 13: all of [axis, rank) */
		else
			inner *= x->dims[d];
	}
	for (o = 0; o < outer; o++)
		for (i = 0; i < inner; i++)
			softmax_run(x->data + o * len * inner + i,
				    y->data + o * len * inner + i, len, inner);
}

void cg_exec_batchnorm(struct cg_graph *g, const struct cg_node *n)
{
	const struct cg_tensor *x = cg_in(g, n, 0);
	const float *scale = cg_in(g, n, 1)->data, *bias = cg_in(g, n, 2)->data;
	const float *mean = cg_in(g, n, 3)->data, *var = cg_in(g, n, 4)->data;
	struct cg_tensor *y = cg_out(g, n, 0);
	float eps = cg_attr_float(n, "epsilon", 1e-5f);
	int64_t C = x->dims[1], size = cg_numel(x) / (x->dims[0] * C), b, c, i;

	for (b = 0; b < x->dims[0]; b++)
		for (c = 0; c < C; c++) {
			float k = scale[c] / sqrtf(var[c] + eps);
			int64_t base = (b * C + c) * size;

			for (i = 0; i < size; i++)
				y->data[base + i] = (x->data[base + i] - mean[c]) * k +
					bias[c];
		}
}
