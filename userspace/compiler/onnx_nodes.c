// SPDX-License-Identifier: MIT
/*
 * onnx_nodes.c: ONNX NodeProtos to compiler graph nodes: op lookup,
 * tensor wiring by name (in topological order) and attributes; Constant
 * nodes are folded into initializers here.
 */
#include <stdlib.h>
#include <string.h>

#include "onnx_internal.h"

/* protobuf-c leaves an empty repeated field or bytes' pointer NULL, and
 * memcpy from NULL is undefined even for 0 bytes (found by fuzz_onnx). */
static void copy_n(void *dst, const void *src, size_t bytes)
{
	if (bytes)
		memcpy(dst, src, bytes);
}

static char *dup_bytes(const uint8_t *p, size_t len)
{
	char *s = malloc(len + 1);

	if (s) {
		copy_n(s, p, len);
		s[len] = 0;
	}
	return s;
}

static int attr_from_proto(const struct cg_node *n, const Onnx__AttributeProto *ap,
			   struct cg_attr *a, struct cg_error *e)
{
	a->name = strdup(ap->name ? ap->name : "");
	if (!a->name)
		return cg_fail(e, "out of memory");
	switch (ap->type) {
	case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT:
		a->type = CG_ATTR_FLOAT;
		a->f = ap->f;
		return 0;
	case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT:
		a->type = CG_ATTR_INT;
		a->i = ap->i;
		return 0;
	case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRING:
		a->type = CG_ATTR_STRING;
		a->s = dup_bytes(ap->s.data, ap->s.len);
		return a->s ? 0 : cg_fail(e, "out of memory");
	case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS:
		a->type = CG_ATTR_INTS;
		a->n = ap->n_ints;
		a->ints = malloc((a->n + 1) * sizeof(*a->ints));
		if (!a->ints)
			return cg_fail(e, "out of memory");
		copy_n(a->ints, ap->ints, a->n * sizeof(*a->ints));
		return 0;
	case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOATS:
		a->type = CG_ATTR_FLOATS;
		a->n = ap->n_floats;
		a->floats = malloc((a->n + 1) * sizeof(*a->floats));
		if (!a->floats)
			return cg_fail(e, "out of memory");
		copy_n(a->floats, ap->floats, a->n * sizeof(*a->floats));
		return 0;
	default:
		return cg_fail(e, "node '%s' (%s): attribute '%s' has type %d, not supported (supported: float, int, string, ints, floats)",
			       cg_node_label(n), n->op_type, a->name, ap->type);
	}
}

static int node_attrs(const Onnx__NodeProto *np, struct cg_node *n,
		      struct cg_error *e)
{
	size_t i;

	n->attr = calloc(np->n_attribute + 1, sizeof(*n->attr));
	if (!n->attr)
		return cg_fail(e, "out of memory");
	for (i = 0; i < np->n_attribute; i++) {
		n->n_attr++;
		if (attr_from_proto(n, np->attribute[i], &n->attr[i], e))
			return -1;
	}
	return 0;
}

static int node_inputs(const Onnx__NodeProto *np, struct cg_graph *g,
		       struct cg_node *n, struct cg_error *e)
{
	size_t i;

	n->n_in = (int)np->n_input;
	for (i = 0; i < np->n_input; i++) {
		const char *name = np->input[i];

		if (!*name) {
			n->in[i] = -1;	/* an omitted optional input */
			continue;
		}
		n->in[i] = cg_tensor_find(g, name);
		if (n->in[i] < 0)
			return cg_fail(e, "node '%s' (%s): input '%s' is no graph input, initializer or earlier node's output (missing initializer?)",
				       cg_node_label(n), n->op_type, name);
	}
	return 0;
}

static int node_outputs(const Onnx__NodeProto *np, struct cg_graph *g,
			struct cg_node *n, struct cg_error *e)
{
	size_t i;

	n->n_out = (int)np->n_output;
	for (i = 0; i < np->n_output; i++) {
		const char *name = np->output[i];

		if (!*name) {
			n->out[i] = -1;
			continue;
		}
		if (cg_tensor_find(g, name) >= 0)
			return cg_fail(e, "node '%s' (%s): output '%s' is already defined",
				       cg_node_label(n), n->op_type, name);
		n->out[i] = cg_tensor_add(g, name, e);
		if (n->out[i] < 0)
			return -1;
	}
	return 0;
}

static int node_op(const Onnx__NodeProto *np, struct cg_node *n,
		   struct cg_error *e)
{
	const char *d = np->domain;

	if ((d && *d && strcmp(d, "ai.onnx")) || cg_op_lookup(n->op_type, &n->op))
		return cg_fail(e, "node '%s': op '%s%s%s' not supported (supported: %s)",
			       cg_node_label(n), d && *d ? d : "", d && *d ? "." : "",
			       n->op_type, cg_op_supported_list());
	return 0;
}

static int read_node(const Onnx__NodeProto *np, struct cg_graph *g,
		     struct cg_node *n, struct cg_error *e)
{
	n->name = strdup(np->name ? np->name : "");
	n->op_type = strdup(np->op_type ? np->op_type : "");
	n->in = calloc(np->n_input + 1, sizeof(*n->in));
	n->out = calloc(np->n_output + 1, sizeof(*n->out));
	if (!n->name || !n->op_type || !n->in || !n->out)
		return cg_fail(e, "out of memory");
	n->opset = g->opset;
	n->n_out = (int)np->n_output;
	if (node_op(np, n, e) || node_inputs(np, g, n, e) ||
	    node_attrs(np, n, e) || cg_op_check(n, e))
		return -1;
	return node_outputs(np, g, n, e);
}

static int is_constant(const Onnx__NodeProto *np)
{
	return np->op_type && !strcmp(np->op_type, "Constant") &&
		(!np->domain || !*np->domain || !strcmp(np->domain, "ai.onnx"));
}

/* A Constant node with a 'value' tensor becomes an initializer. */
static int read_constant(const Onnx__NodeProto *np, struct cg_graph *g,
			 struct cg_error *e)
{
	const char *label = np->name && *np->name ? np->name : "(unnamed)";
	const Onnx__AttributeProto *a = np->n_attribute == 1 ?
		np->attribute[0] : NULL;
	int idx;

	if (!a || !a->name || strcmp(a->name, "value") || !a->t)
		return cg_fail(e, "node '%s' (Constant): only a single 'value' tensor attribute is supported",
			       label);
	if (np->n_output != 1 || !*np->output[0] ||
	    cg_tensor_find(g, np->output[0]) >= 0)
		return cg_fail(e, "node '%s' (Constant): needs one new output", label);
	idx = cg_tensor_add(g, np->output[0], e);
	if (idx < 0 || cg_tensor_from_proto(a->t, &g->t[idx], e))
		return -1;
	g->t[idx].is_const = 1;
	return 0;
}

int cg_read_nodes(const Onnx__GraphProto *gp, struct cg_graph *g,
		  struct cg_error *e)
{
	size_t i;

	g->nodes = calloc(gp->n_node + 1, sizeof(*g->nodes));
	if (!g->nodes)
		return cg_fail(e, "out of memory");
	for (i = 0; i < gp->n_node; i++) {
		if (is_constant(gp->node[i])) {
			if (read_constant(gp->node[i], g, e))
				return -1;
			continue;
		}
		if (read_node(gp->node[i], g, &g->nodes[g->n_nodes++], e))
			return -1;
	}
	return 0;
}
