// SPDX-License-Identifier: GPL-2.0-only
/*
 * potnpu DRM accel driver: validation of the layer commands.
 *
 * Pure functions, like the rest of the validator: a layer command
 * (docs/numerics.md, include/potnpu/potnpu_layer.h) is decoded and every
 * field checked against its op before the job reaches the device: the
 * fields the op needs and the ones it must leave zero, limits, the output
 * shape rule, that the layer fits the engine's SRAM (the tiling plan the
 * firmware will use), and every tensor, weight, table, channel record and
 * counters range inside one of the job's BOs, writes only in writable
 * ones. Sizes are computed in 64 bits from 16-bit fields: nothing here
 * can overflow.
 */

#include <linux/errno.h>
#include <linux/kernel.h>

#include <potnpu/potnpu_job.h>
#include <potnpu/potnpu_layer.h>

#include "potnpu_validate.h"

/* Which optional inputs an op takes; the others must be 0. */
#define NEEDS_IN2	BIT(0)
#define NEEDS_WEIGHTS	BIT(1)	/* weights, table, wbits, groups */
#define NEEDS_CHAN	BIT(2)
#define NEEDS_WINDOW	BIT(3)	/* kernel, stride, dilation, padding */

static u32 potnpu_layer_needs(u32 op)
{
	switch (op) {
	case POTNPU_OP_CONV2D:
		return NEEDS_WEIGHTS | NEEDS_CHAN | NEEDS_WINDOW;
	case POTNPU_OP_MAXPOOL:
		return NEEDS_WINDOW;
	case POTNPU_OP_AVGPOOL:
		return NEEDS_CHAN | NEEDS_WINDOW;
	case POTNPU_OP_ADD:
		return NEEDS_IN2;
	case POTNPU_OP_REQUANT:
		return NEEDS_CHAN;
	default:
		return 0;
	}
}

static bool potnpu_in_range(u32 v, u32 lo, u32 hi)
{
	return v >= lo && v <= hi;
}

/* Dimensions and pixel strides of the tensors. */
static enum potnpu_cmd_error
potnpu_layer_check_dims(const struct potnpu_layer_desc *d, u32 needs)
{
	if (!potnpu_in_range(d->in_h, 1, POTNPU_LAYER_MAX_DIM) ||
	    !potnpu_in_range(d->in_w, 1, POTNPU_LAYER_MAX_DIM) ||
	    !potnpu_in_range(d->out_h, 1, POTNPU_LAYER_MAX_DIM) ||
	    !potnpu_in_range(d->out_w, 1, POTNPU_LAYER_MAX_DIM) ||
	    !potnpu_in_range(d->in_c, 1, POTNPU_LAYER_MAX_CHANNELS) ||
	    !potnpu_in_range(d->out_c, 1, POTNPU_LAYER_MAX_CHANNELS))
		return POTNPU_CMD_ESHAPE;
	if (!potnpu_in_range(d->in_cstride, d->in_c, POTNPU_LAYER_MAX_CHANNELS) ||
	    !potnpu_in_range(d->out_cstride, d->out_c,
			     POTNPU_LAYER_MAX_CHANNELS))
		return POTNPU_CMD_ESHAPE;
	if (needs & NEEDS_IN2) {
		if (!potnpu_in_range(d->in2_cstride, d->in_c,
				     POTNPU_LAYER_MAX_CHANNELS))
			return POTNPU_CMD_ESHAPE;
	} else if (d->in2_cstride) {
		return POTNPU_CMD_EPARAM;
	}
	/* Every op but CONV2D keeps the channels. */
	if (!(needs & NEEDS_WEIGHTS) && d->out_c != d->in_c)
		return POTNPU_CMD_ESHAPE;
	return POTNPU_CMD_OK;
}

/* Kernel window and output shape, or a 1x1 identity for ADD, REQUANT. */
static enum potnpu_cmd_error
potnpu_layer_check_window(const struct potnpu_layer_desc *d, u32 needs)
{
	if (!(needs & NEEDS_WINDOW)) {
		if (d->kh != 1 || d->kw != 1 || d->sh != 1 || d->sw != 1 ||
		    d->dh != 1 || d->dw != 1 || d->pad_t || d->pad_l ||
		    d->pad_b || d->pad_r)
			return POTNPU_CMD_EPARAM;
		if (d->out_h != d->in_h || d->out_w != d->in_w)
			return POTNPU_CMD_ESHAPE;
		return POTNPU_CMD_OK;
	}
	if (!potnpu_in_range(d->kh, 1, POTNPU_LAYER_MAX_KERNEL) ||
	    !potnpu_in_range(d->kw, 1, POTNPU_LAYER_MAX_KERNEL) ||
	    !potnpu_in_range(d->sh, 1, POTNPU_LAYER_MAX_STRIDE) ||
	    !potnpu_in_range(d->sw, 1, POTNPU_LAYER_MAX_STRIDE) ||
	    !potnpu_in_range(d->dh, 1, POTNPU_LAYER_MAX_DILATION) ||
	    !potnpu_in_range(d->dw, 1, POTNPU_LAYER_MAX_DILATION))
		return POTNPU_CMD_EPARAM;
	if (!potnpu_layer_dim_ok(d->in_h, d->out_h, d->kh, d->sh, d->dh,
				 d->pad_t + d->pad_b) ||
	    !potnpu_layer_dim_ok(d->in_w, d->out_w, d->kw, d->sw, d->dw,
				 d->pad_l + d->pad_r))
		return POTNPU_CMD_ESHAPE;
	return POTNPU_CMD_OK;
}

/* Weights, groups, flags and the op-specific scalars. */
static enum potnpu_cmd_error
potnpu_layer_check_params(const struct potnpu_layer_desc *d, u32 needs)
{
	if (needs & NEEDS_WEIGHTS) {
		if (!potnpu_in_range(d->wbits, POTNPU_MIN_WBITS,
				     POTNPU_MAX_WBITS) || !d->groups ||
		    d->in_c % d->groups || d->out_c % d->groups)
			return POTNPU_CMD_EPARAM;
	} else if (d->wbits || d->groups != 1) {
		return POTNPU_CMD_EPARAM;
	}
	if (d->flags & ~(d->op == POTNPU_OP_AVGPOOL ? POTNPU_LAYER_FLAGS : 0))
		return POTNPU_CMD_EPARAM;
	if (d->lo > d->hi)
		return POTNPU_CMD_EPARAM;
	if (needs & NEEDS_IN2) {
		if (d->shift > POTNPU_MAX_SHIFT)
			return POTNPU_CMD_EPARAM;
	} else if (d->in2_zp || d->shift || d->m_a || d->m_b) {
		return POTNPU_CMD_EPARAM;
	}
	return POTNPU_CMD_OK;
}

/* An address the op needs is non-zero, one it does not take is zero. */
static bool potnpu_layer_va_ok(u64 va, bool needed)
{
	return needed ? va != 0 : va == 0;
}

static enum potnpu_cmd_error
potnpu_layer_check_vas(const struct potnpu_layer_desc *d, u32 needs)
{
	if (!d->in_va || !d->out_va ||
	    !potnpu_layer_va_ok(d->in2_va, needs & NEEDS_IN2) ||
	    !potnpu_layer_va_ok(d->weights_va, needs & NEEDS_WEIGHTS) ||
	    !potnpu_layer_va_ok(d->table_va, needs & NEEDS_WEIGHTS) ||
	    !potnpu_layer_va_ok(d->chan_va, needs & NEEDS_CHAN))
		return POTNPU_CMD_EPARAM;
	if (!IS_ALIGNED(d->counters_va, 8) || !IS_ALIGNED(d->table_va, 4) ||
	    !IS_ALIGNED(d->chan_va, 4))
		return POTNPU_CMD_EALIGN;
	return POTNPU_CMD_OK;
}

/* Every range the layer reads or writes, inside the job's BOs. */
static enum potnpu_cmd_error
potnpu_layer_check_ranges(const struct potnpu_layer_desc *d,
			  const struct potnpu_layer_plan *p,
			  const struct potnpu_bo_range *bos,
			  unsigned int nr_bos)
{
	u64 pixels_in = (u64)d->in_h * d->in_w;
	u64 pixels_out = (u64)d->out_h * d->out_w;
	enum potnpu_cmd_error err;

	err = potnpu_check_range(d->in_va, pixels_in * d->in_cstride, false,
				 bos, nr_bos);
	if (!err && d->in2_va)
		err = potnpu_check_range(d->in2_va,
					 pixels_in * d->in2_cstride, false,
					 bos, nr_bos);
	if (!err)
		err = potnpu_check_range(d->out_va,
					 (pixels_out - 1) * d->out_cstride +
					 d->out_c, true, bos, nr_bos);
	if (!err && d->weights_va)
		err = potnpu_check_range(d->weights_va,
					 (u64)d->out_c * p->row_bytes, false,
					 bos, nr_bos);
	if (!err && d->table_va)
		err = potnpu_check_range(d->table_va, 4ull << d->wbits, false,
					 bos, nr_bos);
	if (!err && d->chan_va)
		err = potnpu_check_range(d->chan_va, (u64)d->out_c *
					 sizeof(struct potnpu_chan_param),
					 false, bos, nr_bos);
	if (!err && d->counters_va)
		err = potnpu_check_range(d->counters_va,
					 sizeof(struct potnpu_layer_counters),
					 true, bos, nr_bos);
	return err;
}

/**
 * potnpu_check_layer() - the operands of a layer command
 * @w: the command, header first, POTNPU_LAYER_WORDS little-endian words
 * @bos: the job's buffer objects
 * @nr_bos: entries in @bos
 *
 * The header (opcode, length, flags) was checked by the caller.
 *
 * Return: POTNPU_CMD_OK or the first rule the command breaks.
 */
enum potnpu_cmd_error potnpu_check_layer(const __le32 *w,
					 const struct potnpu_bo_range *bos,
					 unsigned int nr_bos)
{
	u32 words[POTNPU_LAYER_WORDS];
	struct potnpu_layer_desc d;
	struct potnpu_layer_plan p;
	enum potnpu_cmd_error err;
	unsigned int i;
	u32 needs;

	for (i = 0; i < POTNPU_LAYER_WORDS; i++)
		words[i] = le32_to_cpu(w[i]);
	if (!potnpu_layer_decode(words, &d))
		return POTNPU_CMD_ERESERVED;
	needs = potnpu_layer_needs(d.op);
	if (!needs)
		return POTNPU_CMD_EOPCODE;
	err = potnpu_layer_check_dims(&d, needs);
	if (!err)
		err = potnpu_layer_check_window(&d, needs);
	if (!err)
		err = potnpu_layer_check_params(&d, needs);
	if (!err)
		err = potnpu_layer_check_vas(&d, needs);
	if (err)
		return err;
	if (potnpu_layer_plan(&d, &p))
		return POTNPU_CMD_ESRAM;
	return potnpu_layer_check_ranges(&d, &p, bos, nr_bos);
}
