/* SPDX-License-Identifier: MIT */
/*
 * The layer benchmark's fixed, seeded suite: one large 3 x 3 convolution
 * (28 x 28 x 64 -> 28 x 28 x 64, 29 M MACs) with Gaussian weights
 * quantized per output channel in every weight scheme, then a depthwise
 * convolution, a fully connected layer, the pools, ADD and REQUANT. Shared by potnpu-bench --layers (on a device)
 * and the host's native engine benchmark (qemu-device/tests).
 */
#ifndef POTNPU_TOOLS_LAYER_SUITE_H
#define POTNPU_TOOLS_LAYER_SUITE_H

#include <stdbool.h>

#include "layer_cases.h"

/* Entries of the suite: the large convolution in 10 schemes, 6 others. */
#define LAYER_SUITE_CONV_SCHEMES	10
#define LAYER_SUITE_COUNT		(LAYER_SUITE_CONV_SCHEMES + 6)

/*
 * layer_suite_make() - entry @index of the suite
 * @c: receives the layer and its operands (layer_case_free() it)
 * @index: 0..LAYER_SUITE_COUNT-1
 * @tiny: the same layers on small shapes (a quick smoke check)
 * @name: receives the entry's short name ("conv3x3", "fc", ...)
 * Return: 0, -EINVAL (@index out of range) or -ENOMEM.
 */
int layer_suite_make(struct layer_case *c, unsigned int index, bool tiny,
		     const char **name);

/* Weight bytes of @c: packed rows plus the decode table (CONV2D), else 0. */
size_t layer_suite_weight_bytes(const struct layer_case *c);

#endif /* POTNPU_TOOLS_LAYER_SUITE_H */
