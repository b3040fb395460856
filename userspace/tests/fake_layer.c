// SPDX-License-Identifier: MIT
/*
 * The fake driver's layer commands: a submitted layer is executed by
 * libpotnpu's CPU reference itself. That tests the plumbing of the tools
 * and the library (buffers, packing, command encoding, the counters
 * record, comparisons), never the numerics: the fake and the reference
 * agree by construction. POTNPU_FAKE_LAYER_CORRUPT="out:K" or
 * "cycles:K" spoils the output's first byte or the cycles counter of the
 * K-th layer (from 0) this process runs, so that tests can check that a
 * difference is reported.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_drm.h"
#include "libpotnpu.h"

static unsigned int layers_run;

/* The operands of one layer, in host memory. */
struct fake_layer {
	struct potnpu_layer l;
	struct potnpu_layer_addrs a;
	struct potnpu_layer_sizes sz;
	int8_t *in, *in2, *out;
	uint8_t *weights, *table_bytes, *chan_bytes;
	uint32_t table[POTNPU_SCHEME_MAX_CODES];
	struct potnpu_chan *chan;
};

static void fl_free(struct fake_layer *f)
{
	free(f->in);
	free(f->in2);
	free(f->out);
	free(f->weights);
	free(f->table_bytes);
	free(f->chan_bytes);
	free(f->chan);
}

/* Read (or, dry, check) @size bytes at @va into a new buffer at *@p. */
static int fetch(fake_xfer_fn xfer, void *ctx, bool dry, uint64_t va,
		 size_t size, void *p)
{
	void **dst = p;

	if (!size)
		return 0;
	*dst = dry ? NULL : calloc(1, size);
	if (!dry && !*dst)
		return -1;
	return xfer(ctx, va, *dst, size, false);
}

static uint32_t le32_at(const uint8_t *p)
{
	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static void unpack(struct fake_layer *f)
{
	size_t i, n = f->sz.chan / POTNPU_CHAN_RECORD_SIZE;

	for (i = 0; i < f->sz.table / 4; i++)
		f->table[i] = le32_at(f->table_bytes + 4 * i);
	for (i = 0; i < n; i++) {
		const uint8_t *r = f->chan_bytes + POTNPU_CHAN_RECORD_SIZE * i;

		f->chan[i].bias = (int32_t)le32_at(r);
		f->chan[i].m = (uint16_t)(r[4] | r[5] << 8);
		f->chan[i].shift = r[6];
	}
}

static void corrupt(struct fake_layer *f, struct potnpu_layer_counts *c)
{
	const char *env = getenv("POTNPU_FAKE_LAYER_CORRUPT");
	unsigned int k;
	char what[8];

	if (!env || sscanf(env, "%7[a-z]:%u", what, &k) != 2 ||
	    k != layers_run)
		return;
	if (!strcmp(what, "out"))
		f->out[0] ^= 0x01;
	else if (!strcmp(what, "cycles"))
		c->cycles++;
}

static void pack_counters(const struct potnpu_layer_counts *c, uint8_t *rec)
{
	const uint64_t v[8] = { c->macs, c->taps, c->terms, c->zero_skips,
				c->bitserial, c->dma_in, c->dma_out, c->cycles };
	unsigned int i, j;

	for (i = 0; i < 8; i++)
		for (j = 0; j < 8; j++)
			rec[8 * i + j] = (uint8_t)(v[i] >> (8 * j));
}

/* Fetch the operands; the output too, so that other channels stay. */
static int fetch_all(struct fake_layer *f, fake_xfer_fn xfer, void *ctx,
		     bool dry)
{
	if (fetch(xfer, ctx, dry, f->a.in, f->sz.in, &f->in) ||
	    fetch(xfer, ctx, dry, f->a.in2, f->sz.in2, &f->in2) ||
	    fetch(xfer, ctx, dry, f->a.out, f->sz.out, &f->out) ||
	    fetch(xfer, ctx, dry, f->a.weights, f->sz.weights, &f->weights) ||
	    fetch(xfer, ctx, dry, f->a.table, f->sz.table, &f->table_bytes) ||
	    fetch(xfer, ctx, dry, f->a.chan, f->sz.chan, &f->chan_bytes))
		return -1;
	/* the output and counters are written: check they may be */
	if (dry)
		return xfer(ctx, f->a.out, NULL, f->sz.out, true) ||
		       (f->a.counters &&
			xfer(ctx, f->a.counters, NULL, POTNPU_COUNTERS_SIZE, true));
	f->chan = calloc(f->l.out_c, sizeof(*f->chan));
	return f->chan ? 0 : -1;
}

static int run(struct fake_layer *f, fake_xfer_fn xfer, void *ctx)
{
	struct potnpu_ref_buffers b = {
		.in = f->in, .in2 = f->in2, .out = f->out,
		.weights = f->weights, .table = f->table, .chan = f->chan,
	};
	struct potnpu_layer_counts c;
	uint8_t rec[POTNPU_COUNTERS_SIZE];

	unpack(f);
	if (potnpu_reference_run(&f->l, &b, &c))
		return 1;
	corrupt(f, &c);
	layers_run++;
	pack_counters(&c, rec);
	if (xfer(ctx, f->a.out, f->out, f->sz.out, true) ||
	    (f->a.counters &&
	     xfer(ctx, f->a.counters, rec, POTNPU_COUNTERS_SIZE, true)))
		return -1;
	return 0;
}

int fake_layer_exec(const uint32_t *cmd, fake_xfer_fn xfer, void *ctx,
		    bool dry)
{
	struct fake_layer f;
	int rc;

	memset(&f, 0, sizeof(f));
	if (potnpu_layer_decode_cmd(cmd, &f.l, &f.a) ||
	    potnpu_layer_validate(&f.l) || f.a.counters % 8)
		return 1;
	potnpu_layer_sizes(&f.l, &f.sz);
	rc = fetch_all(&f, xfer, ctx, dry);
	if (!rc && !dry)
		rc = run(&f, xfer, ctx);
	fl_free(&f);
	return rc;
}
