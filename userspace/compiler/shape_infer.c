// SPDX-License-Identifier: MIT
/*
 * shape_infer.c: output shapes of every supported op from its input
 * shapes (and, for Reshape, the constant shape tensor), checked against
 * the shapes the model declares.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cg.h"

#define NODE_FAIL(e, n, fmt, ...) \
	cg_fail(e, "node '%s' (%s): " fmt, cg_node_label(n), (n)->op_type, \
		__VA_ARGS__)

static int need_rank(const struct cg_node *n, const struct cg_tensor *t,
		     int rank, struct cg_error *e)
{
	if (t->rank != rank)
		return NODE_FAIL(e, n, "input '%s' has rank %d, expected %d",
				 t->name, t->rank, rank);
	return 0;
}

static int set_out(struct cg_graph *g, const struct cg_node *n, int rank,
		   const int64_t *dims, struct cg_error *e)
{
	return cg_shape_set(cg_out(g, n, 0), rank, dims, e);
}

static int same_shape(struct cg_graph *g, const struct cg_node *n,
		      struct cg_error *e)
{
	const struct cg_tensor *x = cg_in(g, n, 0);

	return set_out(g, n, x->rank, x->dims, e);
}

static int infer_conv(struct cg_graph *g, const struct cg_node *n,
		      struct cg_error *e)
{
	const struct cg_tensor *x = cg_in(g, n, 0), *w = cg_in(g, n, 1);
	const struct cg_tensor *b = cg_in(g, n, 2);
	int64_t group = cg_attr_int(n, "group", 1), k[2], out[4];
	struct cg_window win;

	if (need_rank(n, x, 4, e) || need_rank(n, w, 4, e))
		return -1;
	if (cg_attr_ints(n, "kernel_shape", 2, k, 0, e))
		return -1;
	if ((k[0] && k[0] != w->dims[2]) || (k[1] && k[1] != w->dims[3]))
		return NODE_FAIL(e, n, "attribute 'kernel_shape' [%lld, %lld] does not match weights '%s'",
				 (long long)k[0], (long long)k[1], w->name);
	if (group < 1 || x->dims[1] != w->dims[1] * group || w->dims[0] % group)
		return NODE_FAIL(e, n, "input channels %lld, weight '%s' channels %lld and group %lld are inconsistent",
				 (long long)x->dims[1], w->name,
				 (long long)w->dims[1], (long long)group);
	if (b && (b->rank != 1 || b->dims[0] != w->dims[0]))
		return NODE_FAIL(e, n, "bias '%s' must have shape [%lld]", b->name,
				 (long long)w->dims[0]);
	if (cg_window_params(g, n, x->dims + 2, w->dims + 2, &win, e))
		return -1;
	out[0] = x->dims[0];
	out[1] = w->dims[0];
	out[2] = win.out[0];
	out[3] = win.out[1];
	return set_out(g, n, 4, out, e);
}

static int infer_pool(struct cg_graph *g, const struct cg_node *n,
		      struct cg_error *e)
{
	const struct cg_tensor *x = cg_in(g, n, 0);
	struct cg_window win;
	int64_t k[2], out[4];

	if (need_rank(n, x, 4, e))
		return -1;
	if (!cg_attr_find(n, "kernel_shape"))
		return NODE_FAIL(e, n, "attribute '%s' is required", "kernel_shape");
	if (cg_attr_ints(n, "kernel_shape", 2, k, 0, e) ||
	    cg_window_params(g, n, x->dims + 2, k, &win, e))
		return -1;
	memcpy(out, x->dims, 2 * sizeof(*out));
	out[2] = win.out[0];
	out[3] = win.out[1];
	return set_out(g, n, 4, out, e);
}

static int infer_global_pool(struct cg_graph *g, const struct cg_node *n,
			     struct cg_error *e)
{
	const struct cg_tensor *x = cg_in(g, n, 0);
	int64_t out[CG_MAX_RANK];
	int i;

	if (x->rank < 3)
		return NODE_FAIL(e, n, "input '%s' has rank %d, expected at least 3",
				 x->name, x->rank);
	for (i = 0; i < x->rank; i++)
		out[i] = i < 2 ? x->dims[i] : 1;
	return set_out(g, n, x->rank, out, e);
}

int cg_broadcast_shape(const struct cg_tensor *a, const struct cg_tensor *b,
		       int *rank, int64_t *dims)
{
	int r = a->rank > b->rank ? a->rank : b->rank, i;

	for (i = 0; i < r; i++) {
		int ia = i - (r - a->rank), ib = i - (r - b->rank);
		int64_t da = ia >= 0 ? a->dims[ia] : 1;
		int64_t db = ib >= 0 ? b->dims[ib] : 1;

		if (da != db && da != 1 && db != 1)
			return -1;
		dims[i] = da == 1 ? db : da;
	}
	*rank = r;
	return 0;
}

static int infer_add(struct cg_graph *g, const struct cg_node *n,
		     struct cg_error *e)
{
	const struct cg_tensor *a = cg_in(g, n, 0), *b = cg_in(g, n, 1);
	int64_t dims[CG_MAX_RANK];
	int rank;

	if (cg_broadcast_shape(a, b, &rank, dims))
		return NODE_FAIL(e, n, "inputs '%s' and '%s' have shapes that do not broadcast",
				 a->name, b->name);
	return set_out(g, n, rank, dims, e);
}

static int infer_gemm(struct cg_graph *g, const struct cg_node *n,
		      struct cg_error *e)
{
	const struct cg_tensor *a = cg_in(g, n, 0), *b = cg_in(g, n, 1);
	const struct cg_tensor *c = cg_in(g, n, 2);
	int ta = cg_attr_int(n, "transA", 0) != 0;
	int tb = cg_attr_int(n, "transB", 0) != 0;
	int64_t out[2], k;
	struct cg_tensor mn = { 0 };
	int rank;

	if (need_rank(n, a, 2, e) || need_rank(n, b, 2, e))
		return -1;
	out[0] = a->dims[ta ? 1 : 0];
	k = a->dims[ta ? 0 : 1];
	out[1] = b->dims[tb ? 0 : 1];
	if (b->dims[tb ? 1 : 0] != k)
		return NODE_FAIL(e, n, "inner dimensions of '%s' and '%s' differ (%lld and %lld)",
				 a->name, b->name, (long long)k,
				 (long long)b->dims[tb ? 1 : 0]);
	mn.rank = 2;
	memcpy(mn.dims, out, sizeof(out));
	if (c && (cg_broadcast_shape(&mn, c, &rank, mn.dims) || rank != 2 ||
		  mn.dims[0] != out[0] || mn.dims[1] != out[1]))
		return NODE_FAIL(e, n, "bias '%s' does not broadcast to [%lld, %lld]",
				 c->name, (long long)out[0], (long long)out[1]);
	return set_out(g, n, 2, out, e);
}

static int infer_matmul(struct cg_graph *g, const struct cg_node *n,
			struct cg_error *e)
{
	const struct cg_tensor *a = cg_in(g, n, 0), *b = cg_in(g, n, 1);
	int64_t out[2];

	if (a->rank != 2 || b->rank != 2)
		return NODE_FAIL(e, n, "only 2-D inputs supported ('%s' has rank %d, '%s' rank %d)",
				 a->name, a->rank, b->name, b->rank);
	if (a->dims[1] != b->dims[0])
		return NODE_FAIL(e, n, "inner dimensions of '%s' and '%s' differ (%lld and %lld)",
				 a->name, b->name, (long long)a->dims[1],
				 (long long)b->dims[0]);
	out[0] = a->dims[0];
	out[1] = b->dims[1];
	return set_out(g, n, 2, out, e);
}

static int infer_batchnorm(struct cg_graph *g, const struct cg_node *n,
			   struct cg_error *e)
{
	const struct cg_tensor *x = cg_in(g, n, 0);
	int i;

	if (x->rank < 2)
		return NODE_FAIL(e, n, "input '%s' has rank %d, expected at least 2",
				 x->name, x->rank);
	for (i = 1; i < 5; i++)
		if (cg_numel(cg_in(g, n, i)) != x->dims[1])
			return NODE_FAIL(e, n, "'%s' must hold %lld values (one per channel)",
					 cg_in(g, n, i)->name,
					 (long long)x->dims[1]);
	return same_shape(g, n, e);
}

static int norm_axis(const struct cg_node *n, int64_t axis, int rank,
		     int inclusive, struct cg_error *e)
{
	int hi = inclusive ? rank : rank - 1;

	if (axis < -rank || axis > hi)
		return NODE_FAIL(e, n, "attribute 'axis' value %lld out of range for rank %d",
				 (long long)axis, rank);
	return (int)(axis < 0 ? axis + rank : axis);
}

static int infer_flatten(struct cg_graph *g, const struct cg_node *n,
			 struct cg_error *e)
{
	const struct cg_tensor *x = cg_in(g, n, 0);
	int axis = norm_axis(n, cg_attr_int(n, "axis", 1), x->rank, 1, e), i;
	int64_t out[2] = { 1, 1 };

	if (axis < 0)
		return -1;
	for (i = 0; i < x->rank; i++)
		out[i < axis ? 0 : 1] *= x->dims[i];
	return set_out(g, n, 2, out, e);
}

static int infer_reshape(struct cg_graph *g, const struct cg_node *n,
			 struct cg_error *e)
{
	const struct cg_tensor *x = cg_in(g, n, 0), *s = cg_in(g, n, 1);
	int64_t out[CG_MAX_RANK], known = 1, rank = cg_numel(s);
	int i, minus = -1;

	if (!s->data)
		return NODE_FAIL(e, n, "shape input '%s' must be a constant initializer",
				 s->name);
	if (s->rank != 1 || rank > CG_MAX_RANK)
		return NODE_FAIL(e, n, "shape input '%s' must be 1-D with at most %d values",
				 s->name, CG_MAX_RANK);
	for (i = 0; i < rank; i++) {
		/* the int64 shape is held as float: range-check before the
		 * conversion, which is undefined out of range (fuzz_onnx) */
		if (!(s->data[i] >= -1.0f && s->data[i] <= (float)CG_MAX_ELEMS) ||
		    s->data[i] != (float)(int64_t)s->data[i])
			return NODE_FAIL(e, n, "shape input '%s' value %g at %d not supported",
					 s->name, (double)s->data[i], i);
		out[i] = (int64_t)s->data[i];
		if (out[i] == 0 && i < x->rank)
			out[i] = x->dims[i];
		if (out[i] == -1 && minus < 0) {
			minus = i;
			continue;
		}
		if (out[i] < 1)
			return NODE_FAIL(e, n, "shape input '%s' value %lld at %d not supported",
					 s->name, (long long)out[i], i);
		known *= out[i];
		if (known > CG_MAX_ELEMS)
			break;
	}
	if (minus >= 0 && known <= CG_MAX_ELEMS && cg_numel(x) % known == 0)
		out[minus] = cg_numel(x) / known;
	else if (minus >= 0)
		known = -1;
	if (minus < 0 ? known != cg_numel(x) : known < 0)
		return NODE_FAIL(e, n, "shape '%s' does not hold the %lld elements of '%s'",
				 s->name, (long long)cg_numel(x), x->name);
	return set_out(g, n, (int)rank, out, e);
}

static int infer_concat(struct cg_graph *g, const struct cg_node *n,
			struct cg_error *e)
{
	const struct cg_tensor *x = cg_in(g, n, 0), *y;
	int64_t out[CG_MAX_RANK];
	int axis, i, d;

	if (!cg_attr_find(n, "axis"))
		return NODE_FAIL(e, n, "attribute '%s' is required", "axis");
	axis = norm_axis(n, cg_attr_int(n, "axis", 0), x->rank, 0, e);
	if (axis < 0)
		return -1;
	memcpy(out, x->dims, sizeof(out));
	for (i = 1; i < n->n_in; i++) {
		y = cg_in(g, n, i);
		if (!y || y->rank != x->rank)
			return NODE_FAIL(e, n, "input %d has a different rank", i);
		for (d = 0; d < x->rank; d++)
			if (d != axis && y->dims[d] != x->dims[d])
				return NODE_FAIL(e, n, "input '%s' differs from '%s' in dimension %d",
						 y->name, x->name, d);
		out[axis] += y->dims[axis];
	}
	return set_out(g, n, x->rank, out, e);
}

static int infer_softmax(struct cg_graph *g, const struct cg_node *n,
			 struct cg_error *e)
{
	const struct cg_tensor *x = cg_in(g, n, 0);
	int64_t dflt = n->opset >= 13 ? -1 : 1;

	if (norm_axis(n, cg_attr_int(n, "axis", dflt), x->rank, 0, e) < 0)
		return -1;
	return same_shape(g, n, e);
}

static int infer_op(struct cg_graph *g, const struct cg_node *n,
		    struct cg_error *e)
{
	switch (n->op) {
	case CG_OP_CONV:
		return infer_conv(g, n, e);
	case CG_OP_MAXPOOL:
	case CG_OP_AVGPOOL:
		return infer_pool(g, n, e);
	case CG_OP_GLOBALAVGPOOL:
		return infer_global_pool(g, n, e);
	case CG_OP_ADD:
		return infer_add(g, n, e);
	case CG_OP_GEMM:
		return infer_gemm(g, n, e);
	case CG_OP_MATMUL:
		return infer_matmul(g, n, e);
	case CG_OP_BATCHNORM:
		return infer_batchnorm(g, n, e);
	case CG_OP_FLATTEN:
		return infer_flatten(g, n, e);
	case CG_OP_RESHAPE:
		return infer_reshape(g, n, e);
	case CG_OP_CONCAT:
		return infer_concat(g, n, e);
	case CG_OP_SOFTMAX:
		return infer_softmax(g, n, e);
	default:
		return same_shape(g, n, e);
	}
}

static int check_declared(const struct cg_tensor *t, struct cg_error *e)
{
	int i, bad = t->decl_rank >= 0 && t->decl_rank != t->rank;
	char got[128], want[128];

	for (i = 0; !bad && i < t->decl_rank; i++)
		bad = t->decl_dims[i] >= 0 && t->decl_dims[i] != t->dims[i];
	if (!bad)
		return 0;
	/* dynamic declared dimensions print as -1 */
	return cg_fail(e, "tensor '%s': inferred shape %s is inconsistent with the declared %s",
		       t->name, cg_shape_str(got, sizeof(got), t->rank, t->dims),
		       cg_shape_str(want, sizeof(want), t->decl_rank, t->decl_dims));
}

int cg_infer_node(struct cg_graph *g, const struct cg_node *n,
		  struct cg_error *e)
{
	int i;

	for (i = 0; i < n->n_in; i++)
		if (cg_in(g, n, i) && !cg_in(g, n, i)->has_shape)
			return NODE_FAIL(e, n, "input '%s' has no shape",
					 cg_in(g, n, i)->name);
	if (!cg_in(g, n, 0))
		return NODE_FAIL(e, n, "input %d is required", 0);
	if (n->op == CG_OP_CLIP || n->op == CG_OP_DROPOUT) {
		/* optional bound / ratio inputs: only input 0 shapes the output */
	} else {
		for (i = 1; i < n->n_in; i++)
			if (!cg_in(g, n, i) && !(n->op == CG_OP_CONV && i == 2) &&
			    !(n->op == CG_OP_GEMM && i == 2))
				return NODE_FAIL(e, n, "input %d is required", i);
	}
	if (!cg_out(g, n, 0))
		return NODE_FAIL(e, n, "output %d is required", 0);
	if (infer_op(g, n, e))
		return -1;
	return check_declared(cg_out(g, n, 0), e);
}

int cg_infer_shapes(struct cg_graph *g, struct cg_error *e)
{
	size_t i;

	for (i = 0; i < g->n_nodes; i++)
		if (cg_infer_node(g, &g->nodes[i], e))
			return -1;
	/* A graph output (or value_info) may name a graph input or an
	 * initializer, whose shape no node infers: check those too. */
	for (i = 0; i < g->n_t; i++)
		if (g->t[i].has_shape && check_declared(&g->t[i], e))
			return -1;
	return 0;
}
