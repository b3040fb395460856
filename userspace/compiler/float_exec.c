// SPDX-License-Identifier: MIT
/*
 * float_exec.c: the float32 reference executor over the compiler graph:
 * binding inputs, running nodes in order, and the element-wise and data
 * movement ops (Relu, Clip, Add, Flatten, Reshape, Concat, Identity,
 * Dropout). Plain loops, as ONNX defines the ops.
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cg.h"

int cg_bind_input(struct cg_graph *g, const char *name, const float *data,
		  int64_t n, struct cg_error *e)
{
	int idx = cg_tensor_find(g, name);
	struct cg_tensor *t;

	if (idx < 0 || g->t[idx].is_const)
		return cg_fail(e, "'%s' is not a graph input", name);
	t = &g->t[idx];
	if (n != cg_numel(t))
		return cg_fail(e, "graph input '%s': %lld values given, its shape holds %lld",
			       name, (long long)n, (long long)cg_numel(t));
	free(t->data);
	t->data = malloc((size_t)n * sizeof(float) + 1);
	if (!t->data)
		return cg_fail(e, "graph input '%s': out of memory", name);
	memcpy(t->data, data, (size_t)n * sizeof(float));
	return 0;
}

static void copy_input(struct cg_graph *g, const struct cg_node *n)
{
	memcpy(cg_out(g, n, 0)->data, cg_in(g, n, 0)->data,
	       (size_t)cg_numel(cg_in(g, n, 0)) * sizeof(float));
}

static void exec_clip(struct cg_graph *g, const struct cg_node *n)
{
	const struct cg_tensor *x = cg_in(g, n, 0), *lo = cg_in(g, n, 1);
	const struct cg_tensor *hi = cg_in(g, n, 2);
	struct cg_tensor *y = cg_out(g, n, 0);
	float mn = -INFINITY, mx = INFINITY;
	int64_t i;

	if (n->opset < 11) {
		mn = cg_attr_float(n, "min", -FLT_MAX);
		mx = cg_attr_float(n, "max", FLT_MAX);
	} else {
		if (lo)
			mn = lo->data[0];
		if (hi)
			mx = hi->data[0];
	}
	for (i = 0; i < cg_numel(x); i++) {
		float v = x->data[i];

		y->data[i] = v < mn ? mn : v > mx ? mx : v;
	}
}

static void exec_relu(struct cg_graph *g, const struct cg_node *n)
{
	const struct cg_tensor *x = cg_in(g, n, 0);
	struct cg_tensor *y = cg_out(g, n, 0);
	int64_t i;

	for (i = 0; i < cg_numel(x); i++)
		y->data[i] = x->data[i] > 0 ? x->data[i] : 0;
}

/* Strides of t for an output of rank r (0 where t broadcasts). */
static void bcast_strides(const struct cg_tensor *t, const struct cg_tensor *out,
			  int64_t *st)
{
	int64_t s = 1;
	int i;

	for (i = out->rank - 1; i >= 0; i--) {
		int it = i - (out->rank - t->rank);
		int64_t d = it >= 0 ? t->dims[it] : 1;

		st[i] = d == 1 ? 0 : s;
		s *= d;
	}
}

void cg_broadcast_add(const struct cg_tensor *a, const struct cg_tensor *b,
		      struct cg_tensor *out)
{
	int64_t sa[CG_MAX_RANK], sb[CG_MAX_RANK], idx[CG_MAX_RANK] = { 0 };
	int64_t i, n = cg_numel(out), oa = 0, ob = 0;
	int d;

	bcast_strides(a, out, sa);
	bcast_strides(b, out, sb);
	for (i = 0; i < n; i++) {
		out->data[i] = a->data[oa] + b->data[ob];
		for (d = out->rank - 1; d >= 0; d--) {
			oa += sa[d];
			ob += sb[d];
			if (++idx[d] < out->dims[d])
				break;
			oa -= sa[d] * idx[d];
			ob -= sb[d] * idx[d];
			idx[d] = 0;
		}
	}
}

static void exec_concat(struct cg_graph *g, const struct cg_node *n)
{
	struct cg_tensor *y = cg_out(g, n, 0);
	int64_t axis = cg_attr_int(n, "axis", 0), outer = 1, inner = 1, o, off = 0;
	int i, d;

	if (axis < 0)
		axis += y->rank;
	for (d = 0; d < y->rank; d++) {
		if (d < axis)
			outer *= y->dims[d];
		if (d > axis)
			inner *= y->dims[d];
	}
	for (i = 0; i < n->n_in; i++) {
		const struct cg_tensor *x = cg_in(g, n, i);
		int64_t chunk = x->dims[axis] * inner;

		for (o = 0; o < outer; o++)
			memcpy(y->data + o * y->dims[axis] * inner + off,
			       x->data + o * chunk, (size_t)chunk * sizeof(float));
		off += chunk;
	}
}

static void exec_node(struct cg_graph *g, const struct cg_node *n)
{
	switch (n->op) {
	case CG_OP_CONV:
		cg_exec_conv(g, n);
		break;
	case CG_OP_MAXPOOL:
	case CG_OP_AVGPOOL:
	case CG_OP_GLOBALAVGPOOL:
		cg_exec_pool(g, n);
		break;
	case CG_OP_GEMM:
		cg_exec_gemm(g, n);
		break;
	case CG_OP_MATMUL:
		cg_exec_matmul(g, n);
		break;
	case CG_OP_SOFTMAX:
		cg_exec_softmax(g, n);
		break;
	case CG_OP_BATCHNORM:
		cg_exec_batchnorm(g, n);
		break;
	case CG_OP_RELU:
		exec_relu(g, n);
		break;
	case CG_OP_CLIP:
		exec_clip(g, n);
		break;
	case CG_OP_ADD:
		cg_broadcast_add(cg_in(g, n, 0), cg_in(g, n, 1), cg_out(g, n, 0));
		break;
	case CG_OP_CONCAT:
		exec_concat(g, n);
		break;
	default:	/* Flatten, Reshape, Identity, Dropout: same data */
		copy_input(g, n);
		break;
	}
}

static int inputs_ready(struct cg_graph *g, const struct cg_node *n,
			struct cg_error *e)
{
	int i;

	for (i = 0; i < n->n_in; i++)
		if (cg_in(g, n, i) && !cg_in(g, n, i)->data)
			return cg_fail(e, "node '%s' (%s): input '%s' has no value (unbound graph input?)",
				       cg_node_label(n), n->op_type,
				       cg_in(g, n, i)->name);
	return 0;
}

int cg_exec(struct cg_graph *g, struct cg_error *e)
{
	size_t i;

	for (i = 0; i < g->n_nodes; i++) {
		const struct cg_node *n = &g->nodes[i];
		struct cg_tensor *y = cg_out(g, n, 0);

		if (inputs_ready(g, n, e) || (!y->has_shape && cg_infer_node(g, n, e)))
			return -1;
		free(y->data);
		y->data = calloc((size_t)cg_numel(y) + 1, sizeof(float));
		if (!y->data)
			return cg_fail(e, "node '%s' (%s): out of memory for '%s'",
				       cg_node_label(n), n->op_type, y->name);
		exec_node(g, n);
	}
	return 0;
}
