/* SPDX-License-Identifier: MIT */
/*
 * What libpotnpu's graph files share (graph*.c): a placed model's
 * layout, its slots and the backends. Private, like libpotnpu_priv.h.
 */
#ifndef POTNPU_GRAPH_PRIV_H
#define POTNPU_GRAPH_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "libpotnpu_priv.h"

/* Where a layer node's weight operands are in the weights buffer. */
struct graph_node_place {
	size_t weights, table, chan;	/* offsets; meaningful when sized */
	uint32_t cmd_offset;		/* its command in the stream */
	uint32_t counters;		/* its counters record's offset */
};

/* One inference's memory: device buffers, or host memory (reference). */
struct graph_slot {
	struct potnpu_bo *act, *counters, *cmd;
	uint8_t *a;			/* the tensors (mapping or malloc) */
	uint8_t *c;			/* the counters records */
	struct potnpu_job *job;		/* in flight, device */
	bool busy;
	int ref_err;			/* reference: the run's outcome */
	uint32_t ref_node;		/* reference: the failing node */
	uint64_t t0, ns;
};

struct potnpu_graph {
	const struct potnpu_model_desc *d;
	struct potnpu_device *dev;	/* NULL: the CPU reference */
	struct potnpu_graph_info info;
	size_t *toff;			/* per tensor: offset in a slot */
	struct graph_node_place *np;	/* per node */
	uint32_t out_tensor;		/* the quantized output (Softmax: its input) */
	bool softmax;			/* the last node is a Softmax */
	struct potnpu_bo *weights;
	struct graph_slot slot[POTNPU_GRAPH_MAX_SLOTS];
};

/* Bytes a tensor spans in a slot: h * w * cstride. */
size_t lib_graph_tensor_bytes(const struct potnpu_model_tensor *t);

/* graph_run.c: the reference backend runs slot @s's nodes. */
void lib_graph_ref_run(struct potnpu_graph *g, struct graph_slot *s);

/* graph_io.c: the input into slot @s; outputs out of it. */
void lib_graph_write_input(const struct potnpu_graph *g,
			   const struct graph_slot *s, const int8_t *in);
void lib_graph_read_output(const struct potnpu_graph *g,
			   const struct graph_slot *s,
			   struct potnpu_graph_result *r);

#endif /* POTNPU_GRAPH_PRIV_H */
