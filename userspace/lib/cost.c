// SPDX-License-Identifier: MIT
/*
 * libpotnpu's cost model: the bytes a layer moves and the cycles it takes,
 * from the SRAM tiling plan every component shares (potnpu_layer_plan())
 * and docs/numerics.md's dataflow ("Counters and the cost model").
 */
#include "libpotnpu_priv.h"
#include "potnpu_layer.h"

static uint64_t ceil_div(uint64_t a, uint64_t b)
{
	return (a + b - 1) / b;
}

static uint32_t min_u32(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

/* Input rows of the band starting at output row @r0 that lie in the input. */
static uint64_t loaded_rows(const struct potnpu_layer *l, uint32_t r0,
			    uint32_t rows, uint32_t kh)
{
	int64_t first = (int64_t)r0 * l->sh - l->pad_t;
	int64_t end = first + potnpu_plan_in_rows(rows, l->sh, kh, l->dh);

	if (first < 0)
		first = 0;
	if (end > l->in_h)
		end = l->in_h;
	return end > first ? (uint64_t)(end - first) : 0;
}

/* What a block of @ocb channels loads once, on its first band. */
static uint64_t block_bytes(const struct potnpu_layer *l,
			    const struct potnpu_layer_plan *p, uint32_t ocb)
{
	uint64_t n = (uint64_t)ocb * p->row_bytes;

	if (l->op == POTNPU_OP_CONV2D)
		n += (uint64_t)4 << l->wbits;
	if (lib_layer_has_chan(l->op))
		n += (uint64_t)sizeof(struct potnpu_chan_param) * ocb;
	return n;
}

/* Engine work of rows @r0.. @r0 + @rows - 1, channels @o0.. @o0 + @ocb - 1. */
static uint64_t tile_work(const struct potnpu_layer *l, const uint64_t *work,
			  uint32_t r0, uint32_t rows, uint32_t o0, uint32_t ocb)
{
	uint64_t w = 0;
	uint32_t y, o;

	for (y = r0; y < r0 + rows; y++)
		for (o = o0; o < o0 + ocb; o++)
			w += work[(size_t)y * l->out_c + o];
	return w;
}

static uint64_t tile_cycles(const struct potnpu_layer *l, uint64_t work,
			    uint64_t outputs, uint64_t dma)
{
	uint64_t sae = ceil_div(work, POTNPU_SAE_LANES) + POTNPU_SAE_START_CYCLES;
	uint64_t xfer = ceil_div(dma, POTNPU_DMA_BYTES_PER_CYCLE);

	if (l->op != POTNPU_OP_MAXPOOL)
		sae += POTNPU_SAE_REQUANT_CYCLES * ceil_div(outputs, POTNPU_SAE_LANES);
	return (sae > xfer ? sae : xfer) + POTNPU_TILE_CYCLES;
}

void lib_layer_cost(const struct potnpu_layer *l, const uint64_t *work,
		    struct potnpu_layer_counts *c)
{
	bool elem = l->op == POTNPU_OP_ADD || l->op == POTNPU_OP_REQUANT;
	uint32_t kh = elem ? 1 : l->kh, o0, r0, ocb, rows;
	struct potnpu_layer_plan p;
	uint64_t first;

	c->dma_in = c->dma_out = c->cycles = 0;
	if (lib_layer_plan(l, &p))
		return;
	for (o0 = 0; o0 < l->out_c; o0 += p.ocb) {
		ocb = min_u32(p.ocb, l->out_c - o0);
		first = block_bytes(l, &p, ocb);
		for (r0 = 0; r0 < l->out_h; r0 += p.rows) {
			uint64_t in, out;

			rows = min_u32(p.rows, l->out_h - r0);
			in = loaded_rows(l, r0, rows, kh) * p.in_row + first;
			out = (uint64_t)rows * l->out_w * ocb;
			c->dma_in += in;
			c->dma_out += out;
			c->cycles += tile_cycles(l, tile_work(l, work, r0, rows, o0, ocb),
						 out, in + out);
			first = 0;
		}
	}
}
