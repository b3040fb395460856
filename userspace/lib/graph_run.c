// SPDX-License-Identifier: MIT
/*
 * libpotnpu graphs: running an inference as one job per slot (or, on the
 * reference, node by node on the CPU), collecting it, and batches
 * pipelined over the slots of one or several graphs.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "graph_priv.h"

#define WAIT_NS	60000000000ull	/* 60 s: a whole model is slow on QEMU */

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void put_counters(const struct potnpu_layer_counts *c, uint8_t *rec)
{
	const uint64_t v[8] = { c->macs, c->taps, c->terms, c->zero_skips,
				c->bitserial, c->dma_in, c->dma_out, c->cycles };
	unsigned int i;

	for (i = 0; i < 8; i++)
		lib_put_le(rec + 8 * i, v[i], 8);
}

void lib_graph_ref_run(struct potnpu_graph *g, struct graph_slot *s)
{
	uint32_t i;

	s->ref_err = 0;
	for (i = 0; i < g->d->nnodes && !s->ref_err; i++) {
		const struct potnpu_model_node *n = &g->d->nodes[i];
		struct potnpu_ref_buffers b = {
			.in = (const int8_t *)s->a + g->toff[n->in] + n->in_coff,
			.in2 = n->layer.op == POTNPU_LAYER_ADD ?
			       (const int8_t *)s->a + g->toff[n->in2] + n->in2_coff : NULL,
			.out = (int8_t *)s->a + g->toff[n->out] + n->out_coff,
			.weights = n->weights, .table = n->table, .chan = n->chan,
		};
		struct potnpu_layer_counts c;

		if (n->kind != POTNPU_NODE_LAYER)
			continue;
		s->ref_err = potnpu_reference_run(&n->layer, &b, &c);
		s->ref_node = i;
		if (!s->ref_err)
			put_counters(&c, s->c + g->np[i].counters);
	}
}

static int submit_device(struct potnpu_graph *g, struct graph_slot *s)
{
	struct potnpu_bo *bos[3] = { g->weights, s->act, s->counters };
	struct potnpu_submit_desc desc = {
		.cmd_bo = s->cmd, .cmd_size = (uint32_t)g->info.cmd_bytes,
		.bos = bos, .bo_count = 3,
	};

	return potnpu_submit(g->dev, &desc, &s->job);
}

EXPORT int potnpu_graph_submit(struct potnpu_graph *g, unsigned int slot,
			       const int8_t *input)
{
	struct graph_slot *s;
	int err = 0;

	if (!g || !input || slot >= g->info.slots)
		return lib_set_error(-EINVAL, "potnpu_graph_submit: NULL argument or slot %u of %u",
				     slot, g ? g->info.slots : 0);
	s = &g->slot[slot];
	if (s->busy)
		return lib_set_error(-EBUSY, "graph: slot %u is in flight", slot);
	lib_graph_write_input(g, s, input);
	s->t0 = now_ns();
	if (g->dev)
		err = submit_device(g, s);
	else
		lib_graph_ref_run(g, s);
	s->ns = now_ns() - s->t0;
	s->busy = !err;
	return err;
}

/* The layer node whose command is at byte @off of the stream. */
static uint32_t node_at(const struct potnpu_graph *g, uint32_t off)
{
	uint32_t i, found = POTNPU_GRAPH_NO_NODE;

	for (i = 0; i < g->d->nnodes; i++)
		if (g->d->nodes[i].kind == POTNPU_NODE_LAYER &&
		    g->np[i].cmd_offset <= off)
			found = i;
	return found;
}

static const char *node_name(const struct potnpu_graph *g, uint32_t i)
{
	const char *name = i < g->d->nnodes ? g->d->nodes[i].name : NULL;

	return name && *name ? name : "unnamed";
}

static int wait_device(struct potnpu_graph *g, struct graph_slot *s,
		       struct potnpu_graph_result *r)
{
	int err = potnpu_job_wait(s->job, WAIT_NS);

	s->ns = now_ns() - s->t0;
	if (!err)
		err = potnpu_job_status(s->job, &r->status);
	potnpu_job_free(s->job);
	s->job = NULL;
	if (err || (r->status.done && r->status.code == DRM_POTNPU_JOB_OK))
		return err;
	r->failed_node = node_at(g, r->status.err_offset);
	return lib_set_error(-EIO, "graph: node %u (%s) failed: %s", r->failed_node,
			     node_name(g, r->failed_node), r->status.message);
}

static int reference_status(struct potnpu_graph *g, struct graph_slot *s,
			    struct potnpu_graph_result *r)
{
	char why[256];

	r->status.done = true;
	if (!s->ref_err) {
		snprintf(r->status.message, sizeof(r->status.message), "completed");
		return 0;
	}
	snprintf(why, sizeof(why), "%s", potnpu_last_error());
	r->status.code = DRM_POTNPU_JOB_INVALID;
	r->failed_node = s->ref_node;
	memcpy(r->status.message, why, sizeof(r->status.message) - 1);
	r->status.message[sizeof(r->status.message) - 1] = '\0';
	return lib_set_error(-EIO, "graph: node %u (%s) failed on the reference: %s",
			     s->ref_node, node_name(g, s->ref_node), why);
}

EXPORT int potnpu_graph_collect(struct potnpu_graph *g, unsigned int slot,
				struct potnpu_graph_result *r)
{
	struct graph_slot *s;
	int err;

	if (!g || !r || slot >= g->info.slots || !g->slot[slot].busy)
		return lib_set_error(-EINVAL, "potnpu_graph_collect: NULL argument or slot %u not in flight",
				     slot);
	s = &g->slot[slot];
	memset(&r->status, 0, sizeof(r->status));
	r->failed_node = POTNPU_GRAPH_NO_NODE;
	err = g->dev ? wait_device(g, s, r) : reference_status(g, s, r);
	s->busy = false;
	r->ns = s->ns;
	if (!err)
		lib_graph_read_output(g, s, r);
	return err;
}

EXPORT int potnpu_graph_run(struct potnpu_graph *g, const int8_t *input,
			    struct potnpu_graph_result *r)
{
	int err = potnpu_graph_submit(g, 0, input);

	return err ? err : potnpu_graph_collect(g, 0, r);
}

EXPORT int potnpu_graph_run_batch(struct potnpu_graph *g, const int8_t *inputs,
				  size_t n, struct potnpu_graph_result *r)
{
	return potnpu_graph_run_spread(&g, 1, inputs, n, r);
}

/* Inference @k of a group from @first: graph @k % ng, slot (k - first) / ng. */
static void locate(struct potnpu_graph *const *graphs, size_t ng, size_t first,
		   size_t k, struct potnpu_graph **g, unsigned int *slot)
{
	*g = graphs[k % ng];
	*slot = (unsigned int)((k - first) / ng);
}

/* One group: up to every slot of every graph, submitted then collected. */
static int group(struct potnpu_graph *const *graphs, size_t ng,
		 const int8_t *inputs, size_t first, size_t count,
		 struct potnpu_graph_result *r)
{
	size_t k, submitted = 0, in_bytes = graphs[0]->info.in_bytes;
	struct potnpu_graph *g;
	unsigned int slot;
	int err = 0, cerr;

	for (k = first; k < first + count && !err; k++, submitted++) {
		locate(graphs, ng, first, k, &g, &slot);
		err = potnpu_graph_submit(g, slot, inputs + k * in_bytes);
	}
	for (k = first; k < first + submitted; k++) {
		locate(graphs, ng, first, k, &g, &slot);
		cerr = potnpu_graph_collect(g, slot, &r[k]);
		err = err ? err : cerr;
	}
	return err;
}

EXPORT int potnpu_graph_run_spread(struct potnpu_graph *const *graphs, size_t ng,
				   const int8_t *inputs, size_t n,
				   struct potnpu_graph_result *r)
{
	size_t i, per = SIZE_MAX, k;
	int err = 0;

	if (!graphs || !ng || (n && (!inputs || !r)))
		return lib_set_error(-EINVAL, "potnpu_graph_run_spread: NULL argument");
	for (i = 0; i < ng; i++) {
		if (!graphs[i] || graphs[i]->info.in_bytes != graphs[0]->info.in_bytes)
			return lib_set_error(-EINVAL, "potnpu_graph_run_spread: graph %zu is missing or of another model", i);
		if (graphs[i]->info.slots < per)
			per = graphs[i]->info.slots;
	}
	per *= ng;
	for (k = 0; k < n && !err; k += per)
		err = group(graphs, ng, inputs, k, n - k < per ? n - k : per, r);
	return err;
}
