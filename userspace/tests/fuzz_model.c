// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for the model file reader: every input is loaded as
 * it is (the checksum stops most of them), then again with its size and
 * checksum fields made right, so that mutations reach the sections, the
 * records and the graph. A model that loads must write again and load
 * again: the writer and the reader agree on everything the reader takes.
 *
 *   make -C userspace fuzz-model FUZZ_TIME=20
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "libpotnpu.h"
#include "potnpu_model_format.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What a user of the model does with it: walk it, write it again. */
static void use(const struct potnpu_model *m)
{
	const struct potnpu_model_desc *d = potnpu_model_get(m);
	struct potnpu_model *again;
	uint64_t macs = 0;
	size_t n;
	uint32_t i;
	void *buf;

	for (i = 0; i < d->nnodes; i++)
		macs += potnpu_model_node_macs(&d->nodes[i]) +
			potnpu_model_node_weight_bytes(&d->nodes[i]);
	if (potnpu_model_write(d, &buf, &n))
		abort();	/* the reader took what the writer refuses */
	if (potnpu_model_load_buffer(buf, n, &again))
		abort();
	if (potnpu_model_get(again)->nnodes != d->nnodes || macs == UINT64_MAX)
		abort();
	potnpu_model_free(again);
	free(buf);
}

static void load(const uint8_t *data, size_t size)
{
	struct potnpu_model *m;

	if (!potnpu_model_load_buffer(data, size, &m))
		use(m);
	potnpu_model_free(m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *copy;
	size_t i;

	load(data, size);
	if (size < sizeof(struct potnpu_mf_header) || size > (1u << 20))
		return 0;
	copy = malloc(size);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	for (i = 0; i < 8; i++)
		copy[offsetof(struct potnpu_mf_header, file_size) + i] =
			(uint8_t)((uint64_t)size >> (8 * i));
	potnpu_model_seal(copy, size);
	load(copy, size);
	free(copy);
	return 0;
}
