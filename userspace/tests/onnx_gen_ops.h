/* SPDX-License-Identifier: MIT */
/*
 * onnx_gen_ops.h: the op graphs potnpu-compile is tested on: each
 * supported op alone (after a Conv where the op needs a layer before it)
 * and a few small mixed graphs, all on a 1x3x12x12 input, plus the
 * ResNet-18-shaped model.
 */
#ifndef POTNPU_TEST_ONNX_GEN_OPS_H
#define POTNPU_TEST_ONNX_GEN_OPS_H

#include "onnx_gen.h"

#define OG_OPS_C 3
#define OG_OPS_HW 12

struct og_graph {
	const char *name;
	const char *what;
	/* Build the graph on @b; returns the output tensor's name. */
	const char *(*build)(struct og *b);
};

extern const struct og_graph og_graphs[];
extern const size_t og_ngraphs;

#endif
