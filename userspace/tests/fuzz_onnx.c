// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for potnpu-compile's ONNX front end: every input goes
 * through what pc_compile() does with the bytes of a .onnx file before it
 * needs calibration images: the protobuf-c unpack and graph import
 * (cg_read_onnx_buf: initializers, inputs, nodes and their attributes,
 * outputs), shape inference and the lowering passes to device layers.
 *
 * Checked on every input: a rejection at any stage comes with a
 * non-empty error message; an imported graph references only tensors
 * that exist and only supported ops; an inferred one has a static,
 * bounded shape for every tensor a node touches, data for every
 * initializer and the declared shape wherever one was declared; a
 * lowered program's layers read and write tensors of the graph.
 *
 *   make -C userspace fuzz-onnx FUZZ_TIME=20
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cg.h"
#include "pc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void rejected(const struct cg_error *e)
{
	if (!e->msg[0] || !memchr(e->msg, '\0', sizeof(e->msg)))
		abort();	/* refused without saying why */
}

static int valid_index(const struct cg_graph *g, int i)
{
	return i >= 0 && (size_t)i < g->n_t;
}

/* After the import: indices in range, ops supported and as named. */
static void check_imported(const struct cg_graph *g)
{
	size_t i;
	int j;

	if (!g->n_outputs)
		abort();
	for (i = 0; i < g->n_inputs; i++)
		if (!valid_index(g, g->inputs[i]) || g->t[g->inputs[i]].is_const)
			abort();
	for (i = 0; i < g->n_outputs; i++)
		if (!valid_index(g, g->outputs[i]))
			abort();
	for (i = 0; i < g->n_nodes; i++) {
		const struct cg_node *n = &g->nodes[i];
		enum cg_op op;

		if (n->op < 0 || n->op >= CG_OP_COUNT || !n->op_type ||
		    cg_op_lookup(n->op_type, &op) || op != n->op)
			abort();	/* an op outside the supported list */
		for (j = 0; j < n->n_in; j++)
			if (n->in[j] != -1 && !valid_index(g, n->in[j]))
				abort();
		for (j = 0; j < n->n_out; j++)	/* -1: omitted ("") */
			if (n->out[j] != -1 && !valid_index(g, n->out[j]))
				abort();
	}
	for (i = 0; i < g->n_t; i++)
		if (!g->t[i].name || (g->t[i].is_const && !g->t[i].data))
			abort();
}

static void check_shape(const struct cg_tensor *t)
{
	int64_t n = 1;
	int i;

	if (!t->has_shape || t->rank < 0 || t->rank > CG_MAX_RANK)
		abort();
	for (i = 0; i < t->rank; i++) {
		if (t->dims[i] < 0 || t->dims[i] > CG_MAX_DIM)
			abort();
		n *= t->dims[i];
		if (n > CG_MAX_ELEMS)
			abort();
	}
	if (cg_numel(t) != n || t->decl_rank > CG_MAX_RANK)
		abort();
	if (t->decl_rank < 0)
		return;
	if (t->decl_rank != t->rank)
		abort();	/* shape inference let a declared shape go */
	for (i = 0; i < t->rank; i++)
		if (t->decl_dims[i] >= 0 && t->decl_dims[i] != t->dims[i])
			abort();
}

/* After shape inference: every tensor a node touches has a shape. */
static void check_inferred(const struct cg_graph *g)
{
	size_t i;
	int j;

	for (i = 0; i < g->n_nodes; i++) {
		const struct cg_node *n = &g->nodes[i];

		for (j = 0; j < n->n_in; j++)
			if (n->in[j] >= 0)
				check_shape(&g->t[n->in[j]]);
		check_shape(&g->t[n->out[0]]);	/* the one inferred */
	}
	for (i = 0; i < g->n_outputs; i++)
		check_shape(&g->t[g->outputs[i]]);
}

static void check_lowered(const struct cg_graph *g, const struct pc_prog *p)
{
	size_t i;

	if (!p->n || !valid_index(g, p->input))
		abort();
	for (i = 0; i < p->n; i++) {
		const struct pc_layer *l = &p->l[i];

		if (!valid_index(g, l->in) || !valid_index(g, l->out) ||
		    (l->in2 != -1 && !valid_index(g, l->in2)) || !l->name)
			abort();
		if (l->op == POTNPU_LAYER_CONV2D && (!l->w || !l->b))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cg_graph g;
	struct pc_prog p = { 0 };
	struct cg_error e = { { 0 } };

	if (cg_read_onnx_buf(data, size, &g, &e)) {
		rejected(&e);
		return 0;
	}
	check_imported(&g);
	if (cg_infer_shapes(&g, &e)) {
		rejected(&e);
	} else {
		check_inferred(&g);
		if (pc_lower(&g, &p, &e))
			rejected(&e);
		else
			check_lowered(&g, &p);
	}
	pc_prog_free(&p);
	cg_graph_free(&g);
	return 0;
}
