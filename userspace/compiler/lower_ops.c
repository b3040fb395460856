// SPDX-License-Identifier: MIT
/*
 * lower_ops.c: Conv (groups, depthwise), Gemm/MatMul (CONV2D over the
 * whole input: a Flatten of C x H x W before it reorders the weight
 * columns to the device's NHWC) and the pools, as device layers.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pc.h"

static int set_window(struct cg_graph *g, const struct cg_node *n,
		      struct pc_layer *l, const int64_t *kernel,
		      struct cg_error *e)
{
	const struct cg_tensor *x = cg_in(g, n, 0);
	struct cg_window w;

	if (x->rank != 4)
		return cg_fail(e, "node '%s' (%s): input must be rank 4 (NCHW)",
			       cg_node_label(n), n->op_type);
	if (cg_window_params(g, n, x->dims + 2, kernel, &w, e))
		return -1;
	l->kh = (uint32_t)w.k[0];
	l->kw = (uint32_t)w.k[1];
	l->sh = (uint32_t)w.s[0];
	l->sw = (uint32_t)w.s[1];
	l->dh = (uint32_t)(w.d[0] ? w.d[0] : 1);
	l->dw = (uint32_t)(w.d[1] ? w.d[1] : 1);
	l->pt = (uint32_t)w.pad_begin[0];
	l->pl = (uint32_t)w.pad_begin[1];
	l->pb = (uint32_t)w.pad_end[0];
	l->pr = (uint32_t)w.pad_end[1];
	l->flags = w.count_include_pad ? POTNPU_LAYER_COUNT_PAD : 0;
	l->ic = (uint32_t)x->dims[1];
	if (potnpu_layer_out_dim((uint32_t)x->dims[2], l->kh, l->sh, l->dh,
				 l->pt + l->pb) != w.out[0] ||
	    potnpu_layer_out_dim((uint32_t)x->dims[3], l->kw, l->sw, l->dw,
				 l->pl + l->pr) != w.out[1])
		return cg_fail(e, "node '%s' (%s): ceil_mode output size not supported",
			       cg_node_label(n), n->op_type);
	return 0;
}

static int alloc_wb(struct pc_layer *l, size_t taps, struct cg_error *e)
{
	l->w = calloc((size_t)l->oc * taps, sizeof(float));
	l->b = calloc(l->oc, sizeof(float));
	return l->w && l->b ? 0 : cg_fail(e, "out of memory");
}

int pc_lower_conv(struct cg_graph *g, const struct cg_node *n,
		  struct pc_prog *p, struct cg_error *e)
{
	const struct cg_tensor *w = cg_in(g, n, 1), *b = cg_in(g, n, 2);
	struct pc_layer *l = pc_layer_new(p, n, POTNPU_LAYER_CONV2D, e);
	uint32_t o, ci, y, x, ig;

	if (!l)
		return -1;
	if (!w->data || (b && !b->data))
		return cg_fail(e, "node '%s' (Conv): weights and bias must be initializers",
			       cg_node_label(n));
	if (set_window(g, n, l, w->dims + 2, e))
		return -1;
	l->oc = (uint32_t)w->dims[0];
	l->groups = (uint32_t)cg_attr_int(n, "group", 1);
	ig = (uint32_t)w->dims[1];
	if (alloc_wb(l, (size_t)l->kh * l->kw * ig, e))
		return -1;
	for (o = 0; o < l->oc; o++) {
		for (ci = 0; ci < ig; ci++)
			for (y = 0; y < l->kh; y++)
				for (x = 0; x < l->kw; x++)
					l->w[(((size_t)o * l->kh + y) * l->kw + x) * ig + ci] =
						w->data[(((size_t)o * ig + ci) * l->kh + y) * l->kw + x];
		l->b[o] = b ? b->data[o] : 0;
	}
	return 0;
}

/* The C x H x W the Gemm's input was flattened from (1 x 1 x K if 2-D). */
static void gemm_input(struct cg_graph *g, const struct pc_layer *l,
		       int64_t k, uint32_t chw[3])
{
	const struct cg_tensor *t = &g->t[l->in];

	chw[0] = (uint32_t)k;
	chw[1] = chw[2] = 1;
	if (t->rank == 4 && t->dims[1] * t->dims[2] * t->dims[3] == k) {
		chw[0] = (uint32_t)t->dims[1];
		chw[1] = (uint32_t)t->dims[2];
		chw[2] = (uint32_t)t->dims[3];
	}
}

int pc_lower_gemm(struct cg_graph *g, const struct cg_node *n,
		  struct pc_prog *p, struct cg_error *e)
{
	const struct cg_tensor *a = cg_in(g, n, 0), *w = cg_in(g, n, 1);
	const struct cg_tensor *c = n->n_in > 2 ? cg_in(g, n, 2) : NULL;
	int gemm = n->op == CG_OP_GEMM;
	int tb = gemm && cg_attr_int(n, "transB", 0);
	float alpha = gemm ? cg_attr_float(n, "alpha", 1) : 1;
	float beta = gemm ? cg_attr_float(n, "beta", 1) : 1;
	struct pc_layer *l;
	int64_t k, nout, j, o;
	uint32_t chw[3];

	if (!w->data || (c && !c->data) || a->dims[0] != 1 ||
	    (gemm && cg_attr_int(n, "transA", 0)))
		return cg_fail(e, "node '%s' (%s): needs a 1 x K input and constant weights and bias",
			       cg_node_label(n), n->op_type);
	l = pc_layer_new(p, n, POTNPU_LAYER_CONV2D, e);
	if (!l)
		return -1;
	k = tb ? w->dims[1] : w->dims[0];
	nout = tb ? w->dims[0] : w->dims[1];
	gemm_input(g, l, k, chw);
	l->oc = (uint32_t)nout;
	l->ic = chw[0];
	l->kh = chw[1];
	l->kw = chw[2];
	if (alloc_wb(l, (size_t)k, e))
		return -1;
	for (o = 0; o < nout; o++) {
		for (j = 0; j < k; j++) {
			int64_t ci = j / ((int64_t)chw[1] * chw[2]);
			int64_t yx = j % ((int64_t)chw[1] * chw[2]);

			l->w[o * k + yx * chw[0] + ci] = alpha *
				w->data[tb ? o * k + j : j * nout + o];
		}
		l->b[o] = c ? beta * c->data[cg_numel(c) == nout ? o : 0] : 0;
	}
	return 0;
}

int pc_lower_pool(struct cg_graph *g, const struct cg_node *n,
		  struct pc_prog *p, struct cg_error *e)
{
	const struct cg_tensor *x = cg_in(g, n, 0);
	uint32_t op = n->op == CG_OP_MAXPOOL ? POTNPU_LAYER_MAXPOOL :
		POTNPU_LAYER_AVGPOOL;
	struct pc_layer *l = pc_layer_new(p, n, op, e);
	int64_t kernel[2];

	if (!l)
		return -1;
	if (n->op == CG_OP_GLOBALAVGPOOL) {
		if (x->rank != 4)
			return cg_fail(e, "node '%s' (GlobalAveragePool): input must be rank 4 (NCHW)",
				       cg_node_label(n));
		l->kh = (uint32_t)x->dims[2];
		l->kw = (uint32_t)x->dims[3];
		l->ic = (uint32_t)x->dims[1];
	} else {
		if (cg_attr_ints(n, "kernel_shape", 2, kernel, 0, e) ||
		    set_window(g, n, l, kernel, e))
			return -1;
	}
	l->oc = l->ic;
	return 0;
}
