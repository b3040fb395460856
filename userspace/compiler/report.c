// SPDX-License-Identifier: MIT
/*
 * report.c: the per-layer table potnpu-compile prints.
 */
#include <math.h>
#include <stdio.h>

#include "pc_emit.h"

static const char *op_name(const struct potnpu_model_node *n)
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

void pc_report(const struct potnpu_model_node *n, size_t count, FILE *f)
{
	uint64_t bytes = 0, macs = 0;
	size_t i;

	fprintf(f, "%-4s %-24s %-8s %-9s %4s %8s %10s %9s\n", "#", "layer",
		"op", "scheme", "bits", "wbytes", "MACs", "SQNR(dB)");
	for (i = 0; i < count; i++) {
		uint64_t b = potnpu_model_node_weight_bytes(&n[i]);
		uint64_t m = potnpu_model_node_macs(&n[i]);
		char sq[16] = "-";

		if (!isnan(n[i].sqnr))
			snprintf(sq, sizeof(sq), "%.1f", n[i].sqnr);
		fprintf(f, "%-4zu %-24s %-8s %-9s %4u %8llu %10llu %9s\n", i,
			n[i].name ? n[i].name : "", op_name(&n[i]),
			n[i].scheme_name ? n[i].scheme_name : "-",
			n[i].layer.wbits, (unsigned long long)b,
			(unsigned long long)m, sq);
		bytes += b;
		macs += m;
	}
	fprintf(f, "total: %zu nodes, %llu weight bytes, %llu MACs\n", count,
		(unsigned long long)bytes, (unsigned long long)macs);
}
