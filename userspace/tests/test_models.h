/* SPDX-License-Identifier: MIT */
/*
 * Two small models for the host tests, built in memory: "fashion-chain"
 * (conv 3x3 + ReLU, max pool, fully connected, Softmax; an 8x8 uint8
 * image in, ten labels) and "residual-concat" (conv 1x1, ADD, a
 * concatenation of a conv and a depthwise conv, global average pool).
 * Shared by test_model, test_graph and test_tools.
 */
#ifndef POTNPU_TESTS_TEST_MODELS_H
#define POTNPU_TESTS_TEST_MODELS_H

#include "libpotnpu.h"

#define MAXT	8
#define MAXN	8

struct store {
	struct potnpu_model_tensor t[MAXT];
	struct potnpu_model_node n[MAXN];
	uint8_t rows[MAXN][2048];
	uint32_t table[MAXN][256];
	struct potnpu_chan chan[MAXN][16];
	float wscale[MAXN][16];
	const char *labels[16];
	float mean[4], std[4];
	struct potnpu_model_desc d;
};

void model_chain(struct store *s);
void model_residual(struct store *s);
/* Release what a builder allocated (the scheme names). */
void store_free(struct store *s);
/* Build with @build and save to a new file under /tmp; its name in @path
 * (at least 32 bytes). */
void save_temp(struct store *s, void (*build)(struct store *), char *path);

#endif /* POTNPU_TESTS_TEST_MODELS_H */
