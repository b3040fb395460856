// SPDX-License-Identifier: MIT
/*
 * report.c: the per-layer table potnpu-compile prints.
 */
#include <math.h>
#include <stdio.h>

#include "pc_emit.h"

const char *pc_op_name(const struct potnpu_model_node *n)
{
	if (n->kind == POTNPU_NODE_SOFTMAX)
		return "SOFTMAX";
	switch (n->layer.op) {
	case POTNPU_LAYER_CONV2D: return "CONV2D";
	case POTNPU_LAYER_MAXPOOL: return "MAXPOOL";
	case POTNPU_LAYER_AVGPOOL: return "AVGPOOL";
	case POTNPU_LAYER_ADD: return "ADD";
	default: return "REQUANT";
	}
}

void pc_report(const struct emit *m, FILE *f)
{
	const struct potnpu_model_node *n = m->n;
	uint64_t bytes = 0, macs = 0;
	double terms = 0;
	size_t i;

	fprintf(f, "%-4s %-24s %-8s %-9s %-11s %4s %8s %10s %9s %9s\n", "#",
		"layer", "op", "scheme", "from", "bits", "wbytes", "MACs",
		"terms/MAC", "SQNR(dB)");
	for (i = 0; i < m->p->n; i++) {
		uint64_t b = potnpu_model_node_weight_bytes(&n[i]);
		uint64_t mc = potnpu_model_node_macs(&n[i]);
		const struct pc_layer *pl = &m->p->l[i];
		int conv = pl->op == POTNPU_LAYER_CONV2D;
		char sq[16] = "-", tp[16] = "-";

		if (!isnan(n[i].sqnr))
			snprintf(sq, sizeof(sq), "%.1f", n[i].sqnr);
		if (conv)
			snprintf(tp, sizeof(tp), "%.2f", m->wterms[i]);
		fprintf(f, "%-4zu %-24s %-8s %-9s %-11s %4u %8llu %10llu %9s %9s\n",
			i, n[i].name ? n[i].name : "", pc_op_name(&n[i]),
			conv ? n[i].scheme_name : "-",
			conv ? pl->sc_from : "-", n[i].layer.wbits,
			(unsigned long long)b, (unsigned long long)mc, tp, sq);
		bytes += b;
		macs += mc;
		terms += m->terms[i];
	}
	fprintf(f, "total: %zu nodes, %llu weight bytes, %llu MACs, %.0f terms per inference\n",
		m->p->n, (unsigned long long)bytes, (unsigned long long)macs,
		terms);
}
