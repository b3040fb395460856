// SPDX-License-Identifier: MIT
/*
 * libpotnpu model files, the graph's order: the roles of the tensors, and
 * node by node which channels of which tensor exist. A node reads only
 * whole tensors the input or earlier nodes wrote, and writes channels no
 * one wrote before (concatenation writes disjoint slices), so a forward
 * reference or a cycle cannot pass.
 */
#include <errno.h>
#include <stdlib.h>

#include "model_priv.h"

/* Channels written so far, one bit each, per tensor. */
struct written {
	uint8_t **bits;
	uint32_t *count;
};

static int check_roles(const struct potnpu_model *m)
{
	uint32_t t;

	if (m->d.input == m->d.output)
		return lib_mf_err("MODEL section: the input tensor %u is also the output",
			      m->d.input);
	for (t = 0; t < m->d.ntensors; t++) {
		uint32_t want = t == m->d.input ? POTNPU_TENSOR_INPUT :
				t == m->d.output ? POTNPU_TENSOR_OUTPUT :
				POTNPU_TENSOR_INTERMEDIATE;

		if (m->tensors[t].role != want)
			return lib_mf_err("TENSORS section: tensor %u: role %u, but the MODEL section makes it %s",
				      t, m->tensors[t].role,
				      want == POTNPU_TENSOR_INPUT ? "the input (1)" :
				      want == POTNPU_TENSOR_OUTPUT ? "the output (2)" :
				      "an intermediate (3)");
	}
	return 0;
}

static int whole(const struct potnpu_model *m, const struct written *w,
		 uint32_t i, uint32_t t, const char *what)
{
	if (t != m->d.input && w->count[t] != m->tensors[t].c)
		return lib_mf_err("NODES section: node %u: %s tensor %u is not produced by the input or an earlier node (%u of %u channels written)",
			      i, what, t, w->count[t], m->tensors[t].c);
	return 0;
}

static int write_slice(const struct potnpu_model *m, struct written *w,
		       uint32_t i, uint32_t t, uint32_t coff, uint32_t chans)
{
	uint32_t ch;

	if (t == m->d.input)
		return lib_mf_err("NODES section: node %u writes the model input tensor %u", i, t);
	for (ch = coff; ch < coff + chans; ch++) {
		if (w->bits[t][ch / 8] & (1u << (ch % 8)))
			return lib_mf_err("NODES section: node %u writes channel %u of tensor %u, already written by an earlier node",
				      i, ch, t);
		w->bits[t][ch / 8] |= (uint8_t)(1u << (ch % 8));
	}
	w->count[t] += chans;
	return 0;
}

static int walk(const struct potnpu_model *m, struct written *w)
{
	uint32_t i;
	int err = 0;

	for (i = 0; i < m->d.nnodes && !err; i++) {
		const struct potnpu_model_node *n = &m->nodes[i];
		bool softmax = n->kind == POTNPU_NODE_SOFTMAX;

		err = whole(m, w, i, n->in, "input");
		if (!err && n->layer.op == POTNPU_LAYER_ADD)
			err = whole(m, w, i, n->in2, "second input");
		if (!err)
			err = write_slice(m, w, i, n->out, n->out_coff,
					  softmax ? m->tensors[n->out].c : n->layer.out_c);
	}
	if (!err && w->count[m->d.output] != m->tensors[m->d.output].c)
		err = lib_mf_err("NODES section: the output tensor %u is never fully written (%u of %u channels)",
			     m->d.output, w->count[m->d.output], m->tensors[m->d.output].c);
	return err;
}

int lib_mf_check_graph(const struct potnpu_model *m)
{
	struct written w;
	uint32_t t;
	int err = check_roles(m);

	if (err)
		return err;
	w.bits = calloc(m->d.ntensors, sizeof(*w.bits));
	w.count = calloc(m->d.ntensors, sizeof(*w.count));
	err = w.bits && w.count ? 0 : -ENOMEM;
	for (t = 0; t < m->d.ntensors && !err; t++) {
		w.bits[t] = calloc(m->tensors[t].c / 8 + 1, 1);
		err = w.bits[t] ? 0 : -ENOMEM;
	}
	if (err)
		err = lib_set_error(err, "model: out of memory for %u tensors", m->d.ntensors);
	else
		err = walk(m, &w);
	for (t = 0; w.bits && t < m->d.ntensors; t++)
		free(w.bits[t]);
	free(w.bits);
	free(w.count);
	return err;
}
