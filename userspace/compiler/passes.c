// SPDX-License-Identifier: MIT
/*
 * passes.c: lower the ONNX graph to device layers. BatchNormalization is
 * folded into the preceding Conv/Gemm, Relu/Clip into the previous
 * layer's clamp; Flatten, Reshape, Identity and Dropout become aliases.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pc.h"

int pc_canon(const struct pc_prog *p, int t)
{
	while (t >= 0 && p->alias[t] != t)
		t = p->alias[t];
	return t;
}

struct pc_layer *pc_layer_new(struct pc_prog *p, const struct cg_node *n,
			      uint32_t op, struct cg_error *e)
{
	struct pc_layer *l;

	if (p->n == p->cap) {
		size_t cap = p->cap ? 2 * p->cap : 16;
		struct pc_layer *nl = realloc(p->l, cap * sizeof(*nl));

		if (!nl) {
			cg_fail(e, "out of memory");
			return NULL;
		}
		p->l = nl;
		p->cap = cap;
	}
	l = &p->l[p->n++];
	*l = (struct pc_layer){ .op = op, .name = cg_node_label(n),
		.op_type = n->op_type, .in = pc_canon(p, n->in[0]), .in2 = -1,
		.out = n->out[0], .out0 = n->out[0], .kh = 1, .kw = 1, .sh = 1, .sw = 1, .dh = 1,
		.dw = 1, .groups = 1, .lo = -INFINITY, .hi = INFINITY };
	return l;
}

/* The layer whose output the node's input 0 is, if it has no other use. */
static struct pc_layer *producer(struct pc_prog *p, const struct cg_node *n)
{
	int t = pc_canon(p, n->in[0]);

	size_t i;

	if (!p->n || p->l[p->n - 1].out != t || p->uses[t] != 1)
		return NULL;
	for (i = 0; i + 1 < p->n; i++)
		if (p->l[i].out == t)
			return NULL;	/* a Concat's tensor */
	return &p->l[p->n - 1];
}

static int fold_bn(struct cg_graph *g, const struct cg_node *n,
		   struct pc_prog *p, struct cg_error *e)
{
	struct pc_layer *l = producer(p, n);
	const float *sc, *bb, *mu, *var;
	float eps = cg_attr_float(n, "epsilon", 1e-5f);
	uint32_t o, k, taps;

	if (!l || l->op != POTNPU_LAYER_CONV2D || isfinite(l->lo) ||
	    isfinite(l->hi))
		return cg_fail(e, "node '%s' (BatchNormalization): must follow a Conv or Gemm whose output it alone reads",
			       cg_node_label(n));
	sc = cg_in(g, n, 1)->data;
	bb = cg_in(g, n, 2)->data;
	mu = cg_in(g, n, 3)->data;
	var = cg_in(g, n, 4)->data;
	if (!sc || !bb || !mu || !var)
		return cg_fail(e, "node '%s' (BatchNormalization): parameters must be initializers",
			       cg_node_label(n));
	taps = l->kh * l->kw * (l->ic / l->groups);
	for (o = 0; o < l->oc; o++) {
		double f = sc[o] / sqrt((double)var[o] + eps);

		for (k = 0; k < taps; k++)
			l->w[(size_t)o * taps + k] *= (float)f;
		l->b[o] = (float)((l->b[o] - mu[o]) * f + bb[o]);
	}
	l->out = n->out[0];
	return 0;
}

static int fuse_act(struct cg_graph *g, const struct cg_node *n,
		    struct pc_prog *p, struct cg_error *e)
{
	struct pc_layer *l = producer(p, n);
	float lo = 0, hi = INFINITY;

	if (!l || l->op == PC_SOFTMAX)
		return cg_fail(e, "node '%s' (%s): an activation must follow a layer whose output it alone reads",
			       cg_node_label(n), n->op_type);
	if (n->op == CG_OP_CLIP) {
		struct cg_tensor *a = n->n_in > 1 ? cg_in(g, n, 1) : NULL;
		struct cg_tensor *b = n->n_in > 2 ? cg_in(g, n, 2) : NULL;

		lo = a && a->data ? a->data[0] : cg_attr_float(n, "min", -INFINITY);
		hi = b && b->data ? b->data[0] : cg_attr_float(n, "max", INFINITY);
	}
	l->lo = fmaxf(l->lo, lo);
	l->hi = fminf(l->hi, hi);
	l->out = n->out[0];
	return 0;
}

static int add_layer(struct cg_graph *g, const struct cg_node *n,
		     struct pc_prog *p, struct cg_error *e)
{
	const struct cg_tensor *a = cg_in(g, n, 0), *b = cg_in(g, n, 1);
	struct pc_layer *l;
	int i;

	if (a->rank != b->rank || a->rank < 2)
		return cg_fail(e, "node '%s' (Add): inputs of different shapes (broadcasting) not supported",
			       cg_node_label(n));
	for (i = 0; i < a->rank; i++)
		if (a->dims[i] != b->dims[i])
			return cg_fail(e, "node '%s' (Add): inputs of different shapes (broadcasting) not supported",
				       cg_node_label(n));
	l = pc_layer_new(p, n, POTNPU_LAYER_ADD, e);
	if (!l)
		return -1;
	l->in2 = pc_canon(p, n->in[1]);
	l->ic = l->oc = (uint32_t)a->dims[1];
	return 0;
}

/* The layer that writes tensor t, if t has no other reader. */
static struct pc_layer *writer(struct pc_prog *p, int t)
{
	size_t i;

	for (i = p->n; i-- > 0;)
		if (p->l[i].out == t)
			return p->uses[t] == 1 ? &p->l[i] : NULL;
	return NULL;
}

/* Concat along channels: each input's layer writes a channel slice. */
static int concat(struct cg_graph *g, const struct cg_node *n,
		  struct pc_prog *p, struct cg_error *e)
{
	const struct cg_tensor *y = cg_out(g, n, 0);
	int64_t axis = cg_attr_int(n, "axis", 0);
	uint32_t off = 0;
	int i;

	if (y->rank != 4 || (axis != 1 && axis != -3))
		return cg_fail(e, "node '%s' (Concat): only along the channels of NCHW tensors",
			       cg_node_label(n));
	for (i = 0; i < n->n_in; i++) {
		struct pc_layer *l = writer(p, pc_canon(p, n->in[i]));

		if (!l || l->op == POTNPU_LAYER_MAXPOOL || l->op == PC_SOFTMAX)
			return cg_fail(e, "node '%s' (Concat): input '%s' must be a layer's output (not a MaxPool's) read by the Concat alone",
				       cg_node_label(n), g->t[n->in[i]].name);
		l->out = n->out[0];
		l->out_coff = off;
		off += l->oc;
	}
	return 0;
}

static int softmax(struct cg_graph *g, const struct cg_node *n,
		   struct pc_prog *p, struct cg_error *e)
{
	if (n != &g->nodes[g->n_nodes - 1])
		return cg_fail(e, "node '%s' (Softmax): only the last node may be a Softmax (it runs on the host)",
			       cg_node_label(n));
	return pc_layer_new(p, n, PC_SOFTMAX, e) ? 0 : -1;
}

static int lower_node(struct cg_graph *g, const struct cg_node *n,
		      struct pc_prog *p, struct cg_error *e)
{
	switch (n->op) {
	case CG_OP_CONV:
		return pc_lower_conv(g, n, p, e);
	case CG_OP_GEMM:
	case CG_OP_MATMUL:
		return pc_lower_gemm(g, n, p, e);
	case CG_OP_MAXPOOL:
	case CG_OP_AVGPOOL:
	case CG_OP_GLOBALAVGPOOL:
		return pc_lower_pool(g, n, p, e);
	case CG_OP_BATCHNORM:
		return fold_bn(g, n, p, e);
	case CG_OP_RELU:
	case CG_OP_CLIP:
		return fuse_act(g, n, p, e);
	case CG_OP_ADD:
		return add_layer(g, n, p, e);
	case CG_OP_CONCAT:
		return concat(g, n, p, e);
	case CG_OP_SOFTMAX:
		return softmax(g, n, p, e);
	case CG_OP_FLATTEN:
	case CG_OP_RESHAPE:
	case CG_OP_IDENTITY:
	case CG_OP_DROPOUT:
		p->alias[n->out[0]] = pc_canon(p, n->in[0]);
		p->uses[p->alias[n->out[0]]] += p->uses[n->out[0]] - 1;
		return 0;
	default:
		return cg_fail(e, "node '%s' (%s): op not supported by potnpu-compile yet",
			       cg_node_label(n), n->op_type);
	}
}

static int alloc_prog(struct cg_graph *g, struct pc_prog *p,
		      struct cg_error *e)
{
	size_t i;
	int k;

	memset(p, 0, sizeof(*p));
	p->alias = calloc(g->n_t, sizeof(int));
	p->uses = calloc(g->n_t, sizeof(int));
	p->tq = calloc(g->n_t, sizeof(struct pc_tq));
	if (!p->alias || !p->uses || !p->tq)
		return cg_fail(e, "out of memory");
	for (i = 0; i < g->n_t; i++)
		p->alias[i] = (int)i;
	for (i = 0; i < g->n_nodes; i++)
		for (k = 0; k < g->nodes[i].n_in; k++)
			if (g->nodes[i].in[k] >= 0)
				p->uses[g->nodes[i].in[k]]++;
	return 0;
}

int pc_lower(struct cg_graph *g, struct pc_prog *p, struct cg_error *e)
{
	size_t i;

	if (alloc_prog(g, p, e))
		return -1;
	if (g->n_inputs != 1 || g->n_outputs != 1)
		return cg_fail(e, "the graph has %zu inputs and %zu outputs (potnpu-compile takes one of each)",
			       g->n_inputs, g->n_outputs);
	p->input = g->inputs[0];
	for (i = 0; i < g->n_nodes; i++)
		if (lower_node(g, &g->nodes[i], p, e))
			return -1;
	if (!p->n || p->l[p->n - 1].out != pc_canon(p, g->outputs[0]))
		return cg_fail(e, "the graph output '%s' is not the last layer's output",
			       g->t[g->outputs[0]].name);
	return 0;
}

void pc_prog_free(struct pc_prog *p)
{
	size_t i;

	for (i = 0; i < p->n; i++) {
		free(p->l[i].w);
		free(p->l[i].b);
		if (p->tq) {
			free(p->tq[p->l[i].out].hist);
			p->tq[p->l[i].out].hist = NULL;	/* Concat: shared */
		}
	}
	free(p->l);
	free(p->alias);
	free(p->uses);
	free(p->tq);
	memset(p, 0, sizeof(*p));
}
