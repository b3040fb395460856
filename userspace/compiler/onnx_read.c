// SPDX-License-Identifier: MIT
/*
 * onnx_read.c: an ONNX ModelProto (decoded by protobuf-c code generated
 * from Debian's onnx.proto) to the compiler graph: initializers, graph
 * inputs with static shapes, nodes with their attributes, graph outputs.
 */
#include <stdlib.h>
#include <string.h>

#include "onnx_internal.h"

static int64_t default_opset(const Onnx__ModelProto *m)
{
	size_t i;

	for (i = 0; i < m->n_opset_import; i++) {
		const char *d = m->opset_import[i]->domain;

		if ((!d || !*d || !strcmp(d, "ai.onnx")) &&
		    m->opset_import[i]->has_version)
			return m->opset_import[i]->version;
	}
	return -1;
}

static int read_initializers(const Onnx__GraphProto *gp, struct cg_graph *g,
			     struct cg_error *e)
{
	size_t i;
	int idx;

	for (i = 0; i < gp->n_initializer; i++) {
		const Onnx__TensorProto *tp = gp->initializer[i];
		const char *name = tp->name ? tp->name : "";

		if (cg_tensor_find(g, name) >= 0)
			return cg_fail(e, "initializer '%s' appears twice", name);
		idx = cg_tensor_add(g, name, e);
		if (idx < 0 || cg_tensor_from_proto(tp, &g->t[idx], e))
			return -1;
		g->t[idx].is_const = 1;
	}
	if (gp->n_sparse_initializer)
		return cg_fail(e, "sparse initializers not supported");
	return 0;
}

static const Onnx__TypeProto__Tensor *tensor_type(const Onnx__ValueInfoProto *v,
						  const char *what,
						  struct cg_error *e)
{
	const char *name = v->name ? v->name : "";

	if (!v->type || v->type->value_case != ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE) {
		cg_fail(e, "%s '%s': not a tensor (sequences, maps and optionals not supported)",
			what, name);
		return NULL;
	}
	return v->type->tensor_type;
}

/* Declared shape; dynamic dimensions are -1 when allow_dynamic. */
static int declared_shape(const Onnx__ValueInfoProto *v, const char *what,
			  int allow_dynamic, struct cg_tensor *t,
			  struct cg_error *e)
{
	const Onnx__TypeProto__Tensor *tt = tensor_type(v, what, e);
	size_t i;

	if (!tt)
		return -1;
	if (!tt->shape)
		return allow_dynamic ? 0 :
			cg_fail(e, "%s '%s': no shape (static shapes required)",
				what, t->name);
	if (tt->shape->n_dim > CG_MAX_RANK)
		return cg_fail(e, "%s '%s': rank %zu not supported (at most %d)",
			       what, t->name, tt->shape->n_dim, CG_MAX_RANK);
	for (i = 0; i < tt->shape->n_dim; i++) {
		const Onnx__TensorShapeProto__Dimension *d = tt->shape->dim[i];

		if (d->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE) {
			t->decl_dims[i] = d->dim_value;
			continue;
		}
		if (!allow_dynamic)
			return cg_fail(e, "%s '%s': dimension %zu is dynamic ('%s'); static shapes required",
				       what, t->name, i,
				       d->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM ?
				       d->dim_param : "unknown");
		t->decl_dims[i] = -1;
	}
	t->decl_rank = (int)tt->shape->n_dim;
	return 0;
}

static int read_input(const Onnx__ValueInfoProto *v, struct cg_graph *g,
		      struct cg_error *e)
{
	const char *name = v->name ? v->name : "";
	const Onnx__TypeProto__Tensor *tt;
	struct cg_tensor *t;
	int idx;

	if (cg_tensor_find(g, name) >= 0)
		return 0;	/* an initializer listed as input (IR < 4) */
	tt = tensor_type(v, "graph input", e);
	if (!tt)
		return -1;
	if (tt->elem_type != ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT &&
	    tt->elem_type != ONNX__TENSOR_PROTO__DATA_TYPE__INT64)
		return cg_fail(e, "graph input '%s': element type %d not supported (supported: float32; int64 for shapes)",
			       name, tt->elem_type);
	idx = cg_tensor_add(g, name, e);
	if (idx < 0)
		return -1;
	t = &g->t[idx];
	if (declared_shape(v, "graph input", 0, t, e) ||
	    cg_shape_set(t, t->decl_rank, t->decl_dims, e))
		return -1;
	g->inputs[g->n_inputs++] = idx;
	return 0;
}

static int read_inputs(const Onnx__GraphProto *gp, struct cg_graph *g,
		       struct cg_error *e)
{
	size_t i;

	g->inputs = calloc(gp->n_input + 1, sizeof(*g->inputs));
	if (!g->inputs)
		return cg_fail(e, "out of memory");
	for (i = 0; i < gp->n_input; i++)
		if (read_input(gp->input[i], g, e))
			return -1;
	return 0;
}

static int read_outputs(const Onnx__GraphProto *gp, struct cg_graph *g,
			struct cg_error *e)
{
	size_t i;
	int idx;

	if (!gp->n_output)
		return cg_fail(e, "the graph has no outputs");
	g->outputs = calloc(gp->n_output, sizeof(*g->outputs));
	if (!g->outputs)
		return cg_fail(e, "out of memory");
	for (i = 0; i < gp->n_output; i++) {
		const char *name = gp->output[i]->name ? gp->output[i]->name : "";

		idx = cg_tensor_find(g, name);
		if (idx < 0)
			return cg_fail(e, "graph output '%s' is produced by no node",
				       name);
		if (declared_shape(gp->output[i], "graph output", 1, &g->t[idx], e))
			return -1;
		g->outputs[g->n_outputs++] = idx;
	}
	return 0;
}

static int read_value_info(const Onnx__GraphProto *gp, struct cg_graph *g,
			   struct cg_error *e)
{
	size_t i;
	int idx;

	for (i = 0; i < gp->n_value_info; i++) {
		idx = cg_tensor_find(g, gp->value_info[i]->name ?
				     gp->value_info[i]->name : "");
		if (idx >= 0 && !g->t[idx].is_const &&
		    declared_shape(gp->value_info[i], "value_info", 1, &g->t[idx], e))
			return -1;
	}
	return 0;
}

static int read_graph(const Onnx__ModelProto *m, struct cg_graph *g,
		      struct cg_error *e)
{
	const Onnx__GraphProto *gp = m->graph;

	if (!gp)
		return cg_fail(e, "the model has no graph");
	g->opset = default_opset(m);
	if (g->opset < 1)
		return cg_fail(e, "the model imports no opset of the default ONNX domain");
	if (read_initializers(gp, g, e) || read_inputs(gp, g, e) ||
	    cg_read_nodes(gp, g, e) || read_outputs(gp, g, e))
		return -1;
	return read_value_info(gp, g, e);
}

int cg_read_onnx_buf(const uint8_t *buf, size_t len, struct cg_graph *g,
		     struct cg_error *e)
{
	Onnx__ModelProto *m;
	int rc;

	memset(g, 0, sizeof(*g));
	m = onnx__model_proto__unpack(NULL, len, buf);
	if (!m)
		return cg_fail(e, "not a valid ONNX model (truncated or corrupt protobuf, %zu bytes)",
			       len);
	rc = read_graph(m, g, e);
	onnx__model_proto__free_unpacked(m, NULL);
	if (rc)
		cg_graph_free(g);
	return rc;
}

int cg_read_onnx_file(const char *path, struct cg_graph *g,
		      struct cg_error *e)
{
	uint8_t *buf;
	size_t len;
	int rc;

	memset(g, 0, sizeof(*g));
	if (cg_read_file(path, &buf, &len, e))
		return -1;
	rc = cg_read_onnx_buf(buf, len, g, e);
	free(buf);
	if (rc && e) {
		struct cg_error inner = *e;

		cg_fail(e, "%s: %s", path, inner.msg);
	}
	return rc;
}
