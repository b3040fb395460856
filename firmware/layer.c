// SPDX-License-Identifier: MIT
/*
 * Layer commands (opcodes POTNPU_OP_CONV2D..POTNPU_OP_REQUANT): check and
 * plan the command (layer_check.c), then run it as tiles through the
 * shift-add engine, the dataflow of docs/numerics.md:
 *
 *   for each block of ocb output channels (oc0 = 0, ocb, ...):
 *     load the decode table, the block's channel records and weight rows
 *     for each band of `rows` output rows (oh0 = 0, rows, ...):
 *       load the band's input rows that lie inside the input
 *       one engine start on the tile; its counters
 *       store the output band (2D DMA, pixel stride out_cstride)
 *
 * and write the counters record at the end. Between tiles: heartbeat and
 * the abort check. The arithmetic per tile is a few additions and
 * multiplications (libgcc's __mulsi3/__muldi3): the tile's work is the
 * engine's.
 */
#include <stdint.h>

#include "fw.h"
#include "fw_io.h"

/* SRAM offsets of a block's channel records (weights follow them). */
#define SRAM_CHAN	(POTNPU_SRAM_W + POTNPU_SRAM_TABLE_SIZE)

struct layer {
	struct potnpu_layer_desc d;
	struct potnpu_layer_plan p;
	uint32_t a_row, b_row;		/* bytes of one row of a (and ADD's b) */
	uint32_t in_span;		/* input rows a full band needs */
	uint32_t oc0, ocb;		/* the block */
	uint32_t block_bytes;		/* block loads not yet charged to a tile */
	uint32_t tiles;			/* tiles started so far */
	int32_t y0;			/* first input row of the band (padded) */
	uint64_t out_va;		/* the band's first output pixel, at oc0 */
};

static uint32_t min32(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

/* The tile fields that are the same for every tile of the layer. */
static void tile_init(const struct layer *l)
{
	const struct potnpu_layer_desc *d = &l->d;
	struct potnpu_sae_tile *t = &fw_dmem.tile;
	int conv = d->op == POTNPU_OP_CONV2D;

	t->op = d->op;
	t->flags = d->flags;
	t->in = POTNPU_SRAM_IN;
	t->out = POTNPU_SRAM_OUT;
	t->table = conv ? POTNPU_SRAM_W : 0;
	t->chan = d->chan_va ? SRAM_CHAN : 0;
	t->in_h = d->in_h;
	t->in_w = d->in_w;
	t->in_c = d->in_c;
	t->in_cstride = d->in_cstride;
	t->in2_cstride = d->in2_cstride;
	t->out_w = d->out_w;
	t->out_c = d->out_c;
	t->kh = d->kh;
	t->kw = d->kw;
	t->sh = d->sh;
	t->sw = d->sw;
	t->dh = d->dh;
	t->dw = d->dw;
	t->pad_t = d->pad_t;
	t->pad_l = d->pad_l;
	t->pad_b = d->pad_b;
	t->pad_r = d->pad_r;
	t->groups = d->groups;
	t->wbits = d->wbits;
	t->in_zp = d->in_zp;
	t->in2_zp = d->in2_zp;
	t->out_zp = d->out_zp;
	t->lo = d->lo;
	t->hi = d->hi;
	t->shift = d->shift;
	t->m_a = d->m_a;
	t->m_b = d->m_b;
}

static void layer_init(struct layer *l)
{
	const struct potnpu_layer_desc *d = &l->d;
	struct potnpu_layer_counters *c = &fw_dmem.ctr;

	l->a_row = d->in_w * d->in_cstride;
	l->b_row = d->in_w * d->in2_cstride;
	/* ADD and REQUANT have a 1 x 1 window (layer_check.c). */
	l->in_span = potnpu_plan_in_rows(l->p.rows, d->sh, d->kh, d->dh);
	l->tiles = 0;
	c->macs = d->op == POTNPU_OP_CONV2D ?
		  (uint64_t)(d->out_h * d->out_w) * d->out_c * l->p.taps : 0;
	c->taps = c->terms = c->zero_skips = c->bitserial = 0;
	c->dma_in = c->dma_out = c->cycles = 0;
	tile_init(l);
}

/* The block's decode table, channel records and weight rows. */
static uint32_t load_block(struct fw_job *j, uint32_t off, struct layer *l)
{
	const struct potnpu_layer_desc *d = &l->d;
	uint32_t rec = l->ocb << 3, wlen = l->ocb * l->p.row_bytes, st;

	l->block_bytes = 0;
	if (d->op == POTNPU_OP_CONV2D) {
		st = fw_layer_load(j, off, d->table_va, POTNPU_SRAM_W,
				   4u << d->wbits);
		if (st)
			return st;
		l->block_bytes = 4u << d->wbits;
	}
	if (d->chan_va) {
		st = fw_layer_load(j, off, d->chan_va + (l->oc0 << 3),
				   SRAM_CHAN, rec);
		if (st)
			return st;
		l->block_bytes += rec;
	}
	if (d->op == POTNPU_OP_CONV2D) {
		st = fw_layer_load(j, off, d->weights_va +
				   l->oc0 * l->p.row_bytes, SRAM_CHAN + rec, wlen);
		if (st)
			return st;
		l->block_bytes += wlen;
	}
	fw_dmem.tile.weights = d->op == POTNPU_OP_CONV2D ? SRAM_CHAN + rec : 0;
	fw_dmem.tile.oc0 = l->oc0;
	fw_dmem.tile.ocb = l->ocb;
	return POTNPU_JOB_OK;
}

/*
 * The band's input rows inside the input, [row_lo, row_lo + rows_in),
 * whole rows; ADD's b right after a. Returns the bytes moved in *bytes.
 */
static uint32_t load_band(struct fw_job *j, uint32_t off, struct layer *l,
			  uint32_t nr, uint32_t *bytes)
{
	const struct potnpu_layer_desc *d = &l->d;
	struct potnpu_sae_tile *t = &fw_dmem.tile;
	int32_t y1 = l->y0 + (int32_t)(nr == l->p.rows ? l->in_span :
			potnpu_plan_in_rows(nr, d->sh, d->kh, d->dh));
	uint32_t lo = l->y0 < 0 ? 0 : (uint32_t)l->y0;
	uint32_t hi = y1 < 0 ? 0 : min32((uint32_t)y1, d->in_h);
	uint32_t n = hi > lo ? hi - lo : 0, alen = n * l->a_row, st;

	t->row_lo = lo;
	t->rows_in = n;
	t->in2 = d->op == POTNPU_OP_ADD ? POTNPU_SRAM_IN + alen : 0;
	*bytes = 0;
	if (!n)
		return POTNPU_JOB_OK;
	st = fw_layer_load(j, off, d->in_va + lo * l->a_row, POTNPU_SRAM_IN,
			   alen);
	if (st == POTNPU_JOB_OK && d->op == POTNPU_OP_ADD)
		st = fw_layer_load(j, off, d->in2_va + lo * l->b_row,
				   POTNPU_SRAM_IN + alen, n * l->b_row);
	*bytes = alen + (d->op == POTNPU_OP_ADD ? n * l->b_row : 0);
	return st;
}

static uint64_t io64(uint32_t lo_reg)
{
	return fw_io_read(lo_reg) | (uint64_t)fw_io_read(lo_reg + 4) << 32;
}

/* The engine's counters of the last start, and the tile's cycles. */
static void account(struct layer *l, uint32_t in_bytes, uint32_t out_bytes)
{
	struct potnpu_layer_counters *c = &fw_dmem.ctr;
	uint32_t dma = l->block_bytes + in_bytes + out_bytes;
	uint32_t sae = fw_io_read(POTNPU_IO_SAE_CYCLES);
	uint32_t move = (dma + POTNPU_DMA_BYTES_PER_CYCLE - 1) >> 5;

	_Static_assert(POTNPU_DMA_BYTES_PER_CYCLE == 32, "ceil(bytes / 32)");
	c->taps += io64(POTNPU_IO_SAE_TAPS_LO);
	c->terms += io64(POTNPU_IO_SAE_TERMS_LO);
	c->zero_skips += io64(POTNPU_IO_SAE_ZERO_LO);
	c->dma_in += l->block_bytes + in_bytes;
	c->dma_out += out_bytes;
	c->cycles += (uint64_t)(sae > move ? sae : move) + POTNPU_TILE_CYCLES;
	l->block_bytes = 0;
}

/* One tile: band @nr rows from output row @oh0 of the current block. */
static uint32_t run_tile(struct fw_job *j, uint32_t off, struct layer *l,
			 uint32_t oh0, uint32_t nr)
{
	const struct potnpu_layer_desc *d = &l->d;
	uint32_t in_bytes, out_rows = nr * d->out_w, st;

	/* Between tiles: progress, and an abort of this job ends it here. */
	fw_progress();
	if (l->tiles++ && fw_job_aborted(j))
		return fw_job_fail(j, POTNPU_JOB_ABORTED, off, 0);
	if (!oh0) {
		st = load_block(j, off, l);
		if (st)
			return st;
	}
	st = load_band(j, off, l, nr, &in_bytes);
	if (st)
		return st;
	fw_dmem.tile.out_row0 = oh0;
	fw_dmem.tile.out_rows = nr;
	j->sae_status = fw_sae_start();
	if (j->sae_status != POTNPU_SAE_OK)
		return fw_job_fail(j, POTNPU_JOB_EINVAL, off, 0);
	st = fw_layer_store(j, off, l->out_va, out_rows, l->ocb,
			    d->out_cstride);
	if (st)
		return st;
	account(l, in_bytes, out_rows * l->ocb);
	return POTNPU_JOB_OK;
}

/* Every band of the block at l->oc0. */
static uint32_t run_block(struct fw_job *j, uint32_t off, struct layer *l)
{
	const struct potnpu_layer_desc *d = &l->d;
	uint32_t rows = l->p.rows, oh0, st;
	int32_t step = (int32_t)(rows * d->sh);
	uint64_t out_step = (uint64_t)(rows * d->out_w) * d->out_cstride;

	l->y0 = -(int32_t)d->pad_t;
	l->out_va = d->out_va + l->oc0;
	for (oh0 = 0; oh0 < d->out_h; oh0 += rows) {
		st = run_tile(j, off, l, oh0, min32(rows, d->out_h - oh0));
		if (st)
			return st;
		l->y0 += step;
		l->out_va += out_step;
	}
	return POTNPU_JOB_OK;
}

/* Run the layer command @w at stream offset @off. */
uint32_t fw_layer_run(struct fw_job *j, uint32_t off, const uint32_t *w)
{
	struct potnpu_layer_counters *c = &fw_dmem.ctr;
	struct layer l;
	uint32_t st;

	if (fw_layer_check(w, &l.d, &l.p) != FW_LAYER_OK)
		return fw_job_fail(j, POTNPU_JOB_EINVAL, off, 0);
	layer_init(&l);
	for (l.oc0 = 0; l.oc0 < l.d.out_c; l.oc0 += l.p.ocb) {
		l.ocb = min32(l.p.ocb, l.d.out_c - l.oc0);
		st = run_block(j, off, &l);
		if (st)
			return st;
	}
	if (l.d.op == POTNPU_OP_CONV2D)
		c->bitserial = c->taps * l.d.wbits;
	if (!l.d.counters_va)
		return POTNPU_JOB_OK;
	return fw_layer_put_counters(j, off, l.d.counters_va);
}
