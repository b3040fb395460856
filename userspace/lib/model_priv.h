/* SPDX-License-Identifier: MIT */
/*
 * What libpotnpu's model files share (model*.c): the read model's layout,
 * the parser's context and its stages. Private, like libpotnpu_priv.h.
 */
#ifndef POTNPU_MODEL_PRIV_H
#define POTNPU_MODEL_PRIV_H

#include <stddef.h>
#include <stdint.h>

#include "libpotnpu_priv.h"
#include "potnpu_layer.h"
#include "potnpu_model_format.h"

struct potnpu_model {
	uint8_t *buf;			/* the file (strings and rows point here) */
	size_t size;
	struct potnpu_model_desc d;
	struct potnpu_model_tensor *tensors;
	struct potnpu_model_node *nodes;
	const char **labels;
	float *pre;			/* the means, then the deviations */
	void **blocks;			/* per node: its decoded table, records, scales */
};

/* Where a section is, once the section table was read. */
struct mf_section {
	uint64_t off, size;
	int present;
};

/* A byte range for the overlap check, with what to call it. */
struct mf_range {
	uint64_t off, size;
	char what[48];
};

struct mf_ctx {
	const uint8_t *b;
	size_t size;
	struct mf_section sec[POTNPU_MF_SEC_KINDS];
	struct potnpu_model *m;
};

/* Set potnpu_last_error() to "model: ..." and return -EBADMSG. */
__attribute__((format(printf, 1, 2)))
int lib_mf_err(const char *fmt, ...);

static inline uint32_t mf_u32(const uint8_t *p)
{
	return (uint32_t)lib_get_le(p, 4);
}

static inline uint64_t mf_u64(const uint8_t *p)
{
	return lib_get_le(p, 8);
}

float lib_mf_f32(const uint8_t *p);
uint32_t lib_mf_f32_bits(float f);

/* The name of a section kind ("NODES"), "unknown" otherwise. */
const char *lib_mf_section_name(uint32_t kind);

/* Sort @n ranges and fail on two that share a byte (named by @where). */
int lib_mf_check_overlap(struct mf_range *r, size_t n, const char *where);

/* model_file.c: header, checksum, section table into @c->sec. */
int lib_mf_parse_container(struct mf_ctx *c);
/* The CRC of @size bytes at @b with the checksum field read as zero. */
uint32_t lib_mf_crc(const uint8_t *b, size_t size);

/* model_parse.c: every record into @c->m (strings, tensors, nodes...). */
int lib_mf_parse_records(struct mf_ctx *c);

/* model_check.c: each node against its tensors, weights, and the order. */
int lib_mf_check_nodes(struct mf_ctx *c);
int lib_mf_check_graph(const struct potnpu_model *m);

#endif /* POTNPU_MODEL_PRIV_H */
