// SPDX-License-Identifier: MIT
/*
 * libpotnpu graphs: comparing two graphs of one model (device and
 * reference) tensor by tensor, in execution order, to the first byte
 * that differs.
 */
#include <errno.h>
#include <string.h>

#include "graph_priv.h"

/* Node @i's output slice in @ga slot @sa and @gb slot @sb: 1 at a diff. */
static int node_diff(const struct potnpu_graph *ga, const struct graph_slot *sa,
		     const struct potnpu_graph *gb, const struct graph_slot *sb,
		     uint32_t i, struct potnpu_graph_diff *d)
{
	const struct potnpu_model_node *n = &ga->d->nodes[i];
	const struct potnpu_model_tensor *t = &ga->d->tensors[n->out];
	const int8_t *a = (const int8_t *)sa->a + ga->toff[n->out];
	const int8_t *b = (const int8_t *)sb->a + gb->toff[n->out];
	size_t p, np = (size_t)t->h * t->w;
	uint32_t c;

	for (p = 0; p < np; p++) {
		for (c = n->out_coff; c < n->out_coff + n->layer.out_c; c++) {
			size_t at = p * t->cstride + c;

			if (a[at] == b[at])
				continue;
			*d = (struct potnpu_graph_diff){ .node = i, .tensor = n->out,
				.byte = p * n->layer.out_c + (c - n->out_coff),
				.y = (uint32_t)(p / t->w), .x = (uint32_t)(p % t->w),
				.c = c, .a = a[at], .b = b[at] };
			return 1;
		}
	}
	return 0;
}

EXPORT int potnpu_graph_diff(const struct potnpu_graph *a, unsigned int sa,
			     const struct potnpu_graph *b, unsigned int sb,
			     struct potnpu_graph_diff *d)
{
	uint32_t i;

	if (!a || !b || !d || sa >= a->info.slots || sb >= b->info.slots ||
	    a->d->nnodes != b->d->nnodes || a->d->ntensors != b->d->ntensors)
		return lib_set_error(-EINVAL, "potnpu_graph_diff: NULL argument, bad slot or graphs of different models");
	for (i = 0; i < a->d->nnodes; i++)
		if (a->d->nodes[i].kind == POTNPU_NODE_LAYER &&
		    node_diff(a, &a->slot[sa], b, &b->slot[sb], i, d))
			return 1;
	return 0;
}
