// SPDX-License-Identifier: MIT
/*
 * potnpu-bench: reading IDX files through zlib (which reads plain files
 * as they are), see bench_idx.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include <zlib.h>

#include "bench_idx.h"

#define IDX_UBYTE	0x08

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* The magic and dimensions: items and bytes per item. */
static int header(gzFile f, const char *path, struct bench_idx *x, char *why,
		  size_t len)
{
	uint8_t h[4], d[4];
	uint64_t item = 1;
	unsigned int i, dims;

	if (gzread(f, h, 4) != 4 || h[0] || h[1] || h[2] != IDX_UBYTE ||
	    h[3] < 1 || h[3] > 4) {
		snprintf(why, len, "%s: not an IDX file of uint8 items (magic 0x000008TT, 1 to 4 dimensions)", path);
		return EX_DATAERR;
	}
	dims = h[3];
	for (i = 0; i < dims; i++) {
		if (gzread(f, d, 4) != 4) {
			snprintf(why, len, "%s: truncated in its dimensions", path);
			return EX_DATAERR;
		}
		if (!i)
			x->count = be32(d);
		else
			item *= be32(d);
	}
	if (!x->count || !item || item * x->count > BENCH_IDX_MAX_BYTES) {
		snprintf(why, len, "%s: %u items of %llu bytes: empty or above %u bytes",
			 path, x->count, (unsigned long long)item, BENCH_IDX_MAX_BYTES);
		return EX_DATAERR;
	}
	x->item_bytes = (size_t)item;
	return 0;
}

static int body(gzFile f, const char *path, struct bench_idx *x, char *why,
		size_t len)
{
	size_t total = x->item_bytes * x->count;
	int got;

	x->data = malloc(total);
	if (!x->data) {
		snprintf(why, len, "%s: out of memory for %zu bytes", path, total);
		return EX_OSERR;
	}
	got = gzread(f, x->data, (unsigned int)total);
	if (got < 0 || (size_t)got != total) {
		snprintf(why, len, "%s: truncated: %u items of %zu bytes announced, %d bytes read",
			 path, x->count, x->item_bytes, got);
		return EX_DATAERR;
	}
	return 0;
}

int bench_idx_load(const char *path, struct bench_idx *x, char *why,
		   size_t len)
{
	gzFile f;
	int ret;

	memset(x, 0, sizeof(*x));
	f = gzopen(path, "rb");
	if (!f) {
		snprintf(why, len, "cannot open '%s': %s", path,
			 strerror(errno ? errno : ENOMEM));
		return EX_NOINPUT;
	}
	ret = header(f, path, x, why, len);
	if (!ret)
		ret = body(f, path, x, why, len);
	gzclose(f);
	if (ret)
		bench_idx_free(x);
	return ret;
}

void bench_idx_free(struct bench_idx *x)
{
	free(x->data);
	memset(x, 0, sizeof(*x));
}
