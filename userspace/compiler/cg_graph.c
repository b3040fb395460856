// SPDX-License-Identifier: MIT
/* cg_graph.c: the compiler graph's tensors, nodes and attribute getters. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cg.h"

void cg_tensor_release(struct cg_tensor *t)
{
	free(t->name);
	free(t->data);
	t->name = NULL;
	t->data = NULL;
}

static void node_free(struct cg_node *n)
{
	size_t i;

	for (i = 0; i < n->n_attr; i++) {
		free(n->attr[i].name);
		free(n->attr[i].s);
		free(n->attr[i].ints);
		free(n->attr[i].floats);
	}
	free(n->attr);
	free(n->name);
	free(n->op_type);
	free(n->in);
	free(n->out);
}

void cg_graph_free(struct cg_graph *g)
{
	size_t i;

	for (i = 0; i < g->n_t; i++)
		cg_tensor_release(&g->t[i]);
	for (i = 0; i < g->n_nodes; i++)
		node_free(&g->nodes[i]);
	free(g->t);
	free(g->nodes);
	free(g->inputs);
	free(g->outputs);
	memset(g, 0, sizeof(*g));
}

int cg_tensor_find(const struct cg_graph *g, const char *name)
{
	size_t i;

	for (i = 0; i < g->n_t; i++)
		if (strcmp(g->t[i].name, name) == 0)
			return (int)i;
	return -1;
}

int cg_tensor_add(struct cg_graph *g, const char *name, struct cg_error *e)
{
	struct cg_tensor *t;

	if (g->n_t == g->cap_t) {
		size_t cap = g->cap_t ? 2 * g->cap_t : 16;

		t = realloc(g->t, cap * sizeof(*t));
		if (!t)
			return cg_fail(e, "out of memory adding tensor '%s'", name);
		g->t = t;
		g->cap_t = cap;
	}
	t = &g->t[g->n_t];
	memset(t, 0, sizeof(*t));
	t->decl_rank = -1;
	t->name = strdup(name);
	if (!t->name)
		return cg_fail(e, "out of memory adding tensor '%s'", name);
	return (int)g->n_t++;
}

int64_t cg_numel(const struct cg_tensor *t)
{
	int64_t n = 1;
	int i;

	for (i = 0; i < t->rank; i++)
		n *= t->dims[i];
	return n;
}

int cg_shape_set(struct cg_tensor *t, int rank, const int64_t *dims,
		 struct cg_error *e)
{
	int64_t n = 1;
	int i;

	if (rank < 0 || rank > CG_MAX_RANK)
		return cg_fail(e, "tensor '%s': rank %d not supported (at most %d)",
			       t->name, rank, CG_MAX_RANK);
	for (i = 0; i < rank; i++) {
		if (dims[i] < 1 || dims[i] > CG_MAX_DIM)
			return cg_fail(e, "tensor '%s': dimension %d is %lld (must be 1..%lld)",
				       t->name, i, (long long)dims[i],
				       (long long)CG_MAX_DIM);
		n *= dims[i];
		if (n > CG_MAX_ELEMS)
			return cg_fail(e, "tensor '%s': more than %lld elements",
				       t->name, (long long)CG_MAX_ELEMS);
	}
	t->rank = rank;
	memcpy(t->dims, dims, (size_t)rank * sizeof(*dims));
	t->has_shape = 1;
	return 0;
}

const char *cg_shape_str(char *buf, size_t size, int rank,
			 const int64_t *dims)
{
	size_t len = (size_t)snprintf(buf, size, "[");
	int i;

	for (i = 0; i < rank && len < size; i++)
		len += (size_t)snprintf(buf + len, size - len, "%s%lld",
					i ? ", " : "", (long long)dims[i]);
	if (len < size)
		snprintf(buf + len, size - len, "]");
	return buf;
}

const char *cg_node_label(const struct cg_node *n)
{
	return n->name && *n->name ? n->name : "(unnamed)";
}

const struct cg_attr *cg_attr_find(const struct cg_node *n, const char *name)
{
	size_t i;

	for (i = 0; i < n->n_attr; i++)
		if (strcmp(n->attr[i].name, name) == 0)
			return &n->attr[i];
	return NULL;
}

int64_t cg_attr_int(const struct cg_node *n, const char *name, int64_t dflt)
{
	const struct cg_attr *a = cg_attr_find(n, name);

	return a && a->type == CG_ATTR_INT ? a->i : dflt;
}

float cg_attr_float(const struct cg_node *n, const char *name, float dflt)
{
	const struct cg_attr *a = cg_attr_find(n, name);

	return a && a->type == CG_ATTR_FLOAT ? a->f : dflt;
}

const char *cg_attr_str(const struct cg_node *n, const char *name,
			const char *dflt)
{
	const struct cg_attr *a = cg_attr_find(n, name);

	return a && a->type == CG_ATTR_STRING ? a->s : dflt;
}

int cg_attr_ints(const struct cg_node *n, const char *name, size_t want,
		 int64_t *out, int64_t dflt, struct cg_error *e)
{
	const struct cg_attr *a = cg_attr_find(n, name);
	size_t i;

	if (!a) {
		for (i = 0; i < want; i++)
			out[i] = dflt;
		return 0;
	}
	if (a->n != want)
		return cg_fail(e, "node '%s' (%s): attribute '%s' has %zu values, expected %zu",
			       cg_node_label(n), n->op_type, name, a->n, want);
	memcpy(out, a->ints, want * sizeof(*out));
	return 0;
}

struct cg_tensor *cg_in(struct cg_graph *g, const struct cg_node *n, int i)
{
	return i < n->n_in && n->in[i] >= 0 ? &g->t[n->in[i]] : NULL;
}

struct cg_tensor *cg_out(struct cg_graph *g, const struct cg_node *n, int i)
{
	return i < n->n_out && n->out[i] >= 0 ? &g->t[n->out[i]] : NULL;
}
