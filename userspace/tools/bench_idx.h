/* SPDX-License-Identifier: MIT */
/*
 * IDX files (the MNIST format: a big-endian magic 0x000008TT with TT the
 * number of dimensions, the dimensions, then uint8 items), plain or
 * gzip-compressed, for potnpu-bench's model mode.
 */
#ifndef POTNPU_TOOLS_BENCH_IDX_H
#define POTNPU_TOOLS_BENCH_IDX_H

#include <stddef.h>
#include <stdint.h>

/* Most bytes of an IDX file potnpu-bench reads (uncompressed). */
#define BENCH_IDX_MAX_BYTES	(512u << 20)

/**
 * struct bench_idx - an IDX file read
 * @count: items (the first dimension)
 * @item_bytes: bytes per item (the product of the other dimensions)
 * @data: @count * @item_bytes bytes
 */
struct bench_idx {
	uint32_t count;
	size_t item_bytes;
	uint8_t *data;
};

/*
 * bench_idx_load() - read @path (gzip or plain), uint8 items only
 * Return: 0, or 66 (EX_NOINPUT: cannot open) or 65 (EX_DATAERR:
 * malformed, not uint8, truncated, too large), with @why saying what.
 */
int bench_idx_load(const char *path, struct bench_idx *x, char *why,
		   size_t len);

void bench_idx_free(struct bench_idx *x);

#endif /* POTNPU_TOOLS_BENCH_IDX_H */
