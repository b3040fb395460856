/* SPDX-License-Identifier: MIT */
/*
 * Seeded random layer cases for potnpu-layer-check: a valid layer of
 * every op and weight scheme on ordinary and edge shapes, with its
 * operands in host memory, reproducible from (seed, index).
 */
#ifndef POTNPU_TOOLS_LAYER_CASES_H
#define POTNPU_TOOLS_LAYER_CASES_H

#include <stddef.h>
#include <stdint.h>

#include "libpotnpu.h"

/* The kinds a case cycles through: CONV2D with each scheme, then the rest. */
#define LAYER_CASE_SCHEMES	13
#define LAYER_CASE_KINDS	(LAYER_CASE_SCHEMES + 4)
/* The shape families (1x1, odd sizes, pad >= kernel, ...). */
#define LAYER_CASE_EDGES	10

/**
 * struct layer_case - one layer and its operands
 * @l: the layer
 * @s: CONV2D: the weight scheme
 * @in: input (ADD: a), potnpu_layer_sizes().in bytes
 * @in2: ADD: b
 * @out_init: what the output buffer holds before the layer runs
 * @rows: CONV2D: packed weight rows
 * @chan: channel records, for the ops that have them
 * @sz: the operands' sizes
 * @what: "conv2d apot4 7x9x17->4x5x20 k3x3 s2x2 d1x1 p1,0,1,2 g1 (odd)"
 */
struct layer_case {
	struct potnpu_layer l;
	struct potnpu_scheme s;
	int8_t *in, *in2, *out_init;
	uint8_t *rows;
	struct potnpu_chan *chan;
	struct potnpu_layer_sizes sz;
	char what[160];
};

/* The cases' random numbers (splitmix64), shared with layer_suite.c. */
struct layer_rng {
	uint64_t s;
};

uint64_t layer_rng_next(struct layer_rng *r);

/* Case @index of @seed. Return: 0, or -ENOMEM. */
int layer_case_make(struct layer_case *c, uint64_t seed, unsigned int index);
void layer_case_free(struct layer_case *c);

/* c->sz from c->l and the operand buffers for it. Return: 0 or -ENOMEM
 * (free what was allocated with layer_case_free()). */
int layer_case_alloc(struct layer_case *c);

/* c->what: the op, scheme and shape of c->l, then "(@tag)". */
void layer_case_describe(struct layer_case *c, const char *tag);

/* The counters of struct potnpu_layer_counts, in order (from macs). */
#define LAYER_COUNTERS	8
extern const char *const layer_counter_names[LAYER_COUNTERS];

/* The CPU reference's output (from c->out_init) and counters for @c. */
int layer_case_reference(const struct layer_case *c, int8_t *out,
			 struct potnpu_layer_counts *rc);

/*
 * The first difference between a run's output and counters (@dev, @dc)
 * and the reference's (@ref, @rc). Return: 0 if none, else 1 with @why
 * naming it ("output byte 5 (y 0, x 1, c 2): device 3, reference 4").
 */
int layer_case_compare(const struct layer_case *c, const int8_t *dev,
		       const int8_t *ref, const struct potnpu_layer_counts *dc,
		       const struct potnpu_layer_counts *rc, char *why,
		       size_t len);

#endif /* POTNPU_TOOLS_LAYER_CASES_H */
