// SPDX-License-Identifier: MIT
/*
 * libpotnpu graphs: placing a loaded model once (its weights in a
 * read-only buffer, its tensors in one activations buffer per slot) and
 * building each slot's command stream once; or, for the CPU reference,
 * the same tensors in host memory.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "graph_priv.h"

#define ALIGN		64u
#define CMD_BYTES	128u	/* one layer command: 32 words */

static size_t place(size_t *at, size_t size)
{
	size_t off = *at;

	*at += (size + ALIGN - 1) / ALIGN * ALIGN;
	return off;
}

size_t lib_graph_tensor_bytes(const struct potnpu_model_tensor *t)
{
	return (size_t)t->h * t->w * t->cstride;
}

static bool is_layer(const struct potnpu_model_node *n)
{
	return n->kind == POTNPU_NODE_LAYER;
}

/* Offsets of every tensor, weight operand, counters record and command. */
static void lay_out(struct potnpu_graph *g)
{
	const struct potnpu_model_desc *d = g->d;
	size_t act = 0, w = 0;
	uint32_t i, layers = 0;

	for (i = 0; i < d->ntensors; i++)
		g->toff[i] = place(&act, lib_graph_tensor_bytes(&d->tensors[i]));
	for (i = 0; i < d->nnodes; i++) {
		struct potnpu_layer_sizes sz;

		if (!is_layer(&d->nodes[i]))
			continue;
		potnpu_layer_sizes(&d->nodes[i].layer, &sz);
		g->np[i].weights = place(&w, sz.weights);
		g->np[i].table = place(&w, sz.table);
		g->np[i].chan = place(&w, sz.chan);
		g->np[i].cmd_offset = layers * CMD_BYTES;
		g->np[i].counters = layers * POTNPU_COUNTERS_SIZE;
		layers++;
	}
	g->info.activation_bytes = act ? act : ALIGN;
	g->info.weights_bytes = w ? w : ALIGN;
	g->info.cmd_bytes = layers ? layers * CMD_BYTES : 4;
}

/* The dense input and output sizes, and which tensor is the output. */
static int shapes(struct potnpu_graph *g)
{
	const struct potnpu_model_desc *d = g->d;
	const struct potnpu_model_node *last = &d->nodes[d->nnodes - 1];
	const struct potnpu_model_tensor *in = &d->tensors[d->input], *out;

	g->softmax = last->kind == POTNPU_NODE_SOFTMAX;
	g->out_tensor = g->softmax ? last->in : d->output;
	if (g->out_tensor == d->input)
		return lib_set_error(-EINVAL, "graph: model '%s' has no layer node",
				     d->name);
	out = &d->tensors[g->out_tensor];
	g->info.in_bytes = (size_t)in->h * in->w * in->c;
	g->info.out_bytes = (size_t)out->h * out->w * out->c;
	g->info.out_values = g->info.out_bytes;
	g->info.nnodes = d->nnodes;
	if (g->info.cmd_bytes > POTNPU_CMDBUF_MAX_SIZE)
		return lib_set_error(-ENOSPC, "graph: model '%s' has %zu layer nodes, a command stream holds %u",
				     d->name, g->info.cmd_bytes / CMD_BYTES,
				     POTNPU_CMDBUF_MAX_SIZE / CMD_BYTES);
	return 0;
}

/* The weight operands of every layer node into the weights mapping @p. */
static void fill_weights(const struct potnpu_graph *g, uint8_t *p)
{
	uint32_t i;

	for (i = 0; i < g->d->nnodes; i++) {
		const struct potnpu_model_node *n = &g->d->nodes[i];
		struct potnpu_layer_sizes sz;

		if (!is_layer(n))
			continue;
		potnpu_layer_sizes(&n->layer, &sz);
		if (sz.weights)
			memcpy(p + g->np[i].weights, n->weights, sz.weights);
		if (sz.table)
			potnpu_layer_pack_table(n->table, sz.table / 4,
						p + g->np[i].table);
		if (sz.chan)
			potnpu_layer_pack_chan(n->chan, n->layer.out_c,
					       p + g->np[i].chan);
	}
}

static uint64_t va(const struct potnpu_bo *bo, size_t off, size_t size)
{
	return size ? potnpu_bo_va(bo) + off : 0;
}

/* Device addresses of node @i's operands in slot @s. */
static void addrs(const struct potnpu_graph *g, const struct graph_slot *s,
		  uint32_t i, struct potnpu_layer_addrs *a)
{
	const struct potnpu_model_node *n = &g->d->nodes[i];
	const struct graph_node_place *np = &g->np[i];
	struct potnpu_layer_sizes sz;

	potnpu_layer_sizes(&n->layer, &sz);
	a->in = va(s->act, g->toff[n->in] + n->in_coff, sz.in);
	a->in2 = va(s->act, sz.in2 ? g->toff[n->in2] + n->in2_coff : 0, sz.in2);
	a->out = va(s->act, g->toff[n->out] + n->out_coff, sz.out);
	a->weights = va(g->weights, np->weights, sz.weights);
	a->table = va(g->weights, np->table, sz.table);
	a->chan = va(g->weights, np->chan, sz.chan);
	a->counters = va(s->counters, np->counters, POTNPU_COUNTERS_SIZE);
}

/* Slot @s's stream: one layer command per layer node, in order. */
static int build_stream(const struct potnpu_graph *g, struct graph_slot *s)
{
	struct potnpu_cmdbuf *cb = NULL;
	struct potnpu_layer_addrs a;
	uint32_t i;
	int err;

	err = potnpu_cmdbuf_create_in_bo(s->cmd, 0, g->info.cmd_bytes, &cb);
	for (i = 0; !err && i < g->d->nnodes; i++) {
		if (!is_layer(&g->d->nodes[i]))
			continue;
		addrs(g, s, i, &a);
		err = potnpu_cmdbuf_layer(cb, &g->d->nodes[i].layer, &a);
	}
	potnpu_cmdbuf_free(cb);
	return err;
}

static int device_slot(struct potnpu_graph *g, struct graph_slot *s)
{
	size_t nc = (size_t)g->d->nnodes * POTNPU_COUNTERS_SIZE;
	int err;

	err = potnpu_bo_create(g->dev, g->info.activation_bytes, 0, &s->act);
	if (!err)
		err = potnpu_bo_create(g->dev, nc, 0, &s->counters);
	if (!err)
		err = potnpu_bo_create(g->dev, g->info.cmd_bytes,
				       POTNPU_BO_READ_ONLY, &s->cmd);
	if (!err)
		err = potnpu_bo_map(s->act, (void **)&s->a);
	if (!err)
		err = potnpu_bo_map(s->counters, (void **)&s->c);
	return err ? err : build_stream(g, s);
}

static int reference_slot(struct potnpu_graph *g, struct graph_slot *s)
{
	s->a = calloc(1, g->info.activation_bytes);
	s->c = calloc(g->d->nnodes, POTNPU_COUNTERS_SIZE);
	if (!s->a || !s->c)
		return lib_set_error(-ENOMEM, "graph: out of memory for %zu bytes of tensors",
				     g->info.activation_bytes);
	return 0;
}

/* The weights buffer (device only) and every slot. */
static int place_all(struct potnpu_graph *g)
{
	unsigned int k;
	uint8_t *w;
	int err = 0;

	if (g->dev) {
		err = potnpu_bo_create(g->dev, g->info.weights_bytes,
				       POTNPU_BO_READ_ONLY, &g->weights);
		if (!err)
			err = potnpu_bo_map(g->weights, (void **)&w);
		if (!err)
			fill_weights(g, w);
	}
	for (k = 0; !err && k < g->info.slots; k++)
		err = g->dev ? device_slot(g, &g->slot[k]) :
			       reference_slot(g, &g->slot[k]);
	return err;
}

EXPORT int potnpu_graph_create(const struct potnpu_model *m,
			       const struct potnpu_graph_options *o,
			       struct potnpu_graph **gp)
{
	struct potnpu_graph *g;
	int err;

	if (gp)
		*gp = NULL;
	if (!m || !o || !gp || o->slots > POTNPU_GRAPH_MAX_SLOTS)
		return lib_set_error(-EINVAL, "potnpu_graph_create: NULL argument or more than %u slots",
				     POTNPU_GRAPH_MAX_SLOTS);
	g = calloc(1, sizeof(*g));
	if (!g)
		return lib_set_error(-ENOMEM, "graph: out of memory");
	g->d = potnpu_model_get(m);
	g->dev = o->dev;
	g->info.slots = o->slots ? o->slots : 1;
	g->toff = calloc(g->d->ntensors, sizeof(*g->toff));
	g->np = calloc(g->d->nnodes, sizeof(*g->np));
	err = g->toff && g->np ? 0 :
	      lib_set_error(-ENOMEM, "graph: out of memory");
	if (!err) {
		lay_out(g);
		err = shapes(g);
	}
	if (!err)
		err = place_all(g);
	if (err) {
		potnpu_graph_free(g);
		return err;
	}
	*gp = g;
	return 0;
}

EXPORT void potnpu_graph_free(struct potnpu_graph *g)
{
	unsigned int k;

	if (!g)
		return;
	for (k = 0; k < g->info.slots; k++) {
		struct graph_slot *s = &g->slot[k];

		potnpu_job_free(s->job);
		if (g->dev) {
			potnpu_bo_free(s->cmd);
			potnpu_bo_free(s->counters);
			potnpu_bo_free(s->act);
		} else {
			free(s->a);
			free(s->c);
		}
	}
	potnpu_bo_free(g->weights);
	free(g->np);
	free(g->toff);
	free(g);
}

EXPORT const struct potnpu_graph_info *potnpu_graph_info(const struct potnpu_graph *g)
{
	return g ? &g->info : NULL;
}
