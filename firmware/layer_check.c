// SPDX-License-Identifier: MIT
/*
 * What a layer command must satisfy before the firmware runs it
 * (docs/firmware.md, "Layer commands"): the firmware trusts nothing the
 * kernel validated, because a hostile stream can be forced past the
 * kernel. Decoding is potnpu_layer_decode() and the tiling plan is
 * potnpu_layer_plan(), both of potnpu_layer.h, so every component agrees.
 */
#include <stdint.h>

#include "fw.h"

/* Does @g divide @n? Restoring shift-subtract division: no divider. */
static int divides(uint32_t g, uint32_t n)
{
	uint32_t rem = 0;
	int i;

	if (!g)
		return 0;
	for (i = 31; i >= 0; i--) {
		rem = rem << 1 | ((n >> i) & 1);
		if (rem >= g)
			rem -= g;
	}
	return !rem;
}

static int in_range(uint32_t v, uint32_t lo, uint32_t hi)
{
	return v >= lo && v <= hi;
}

/* Sizes, channels, strides, kernel: the limits of potnpu_layer.h. */
static enum fw_layer_error check_limits(const struct potnpu_layer_desc *d)
{
	if (!in_range(d->in_h, 1, POTNPU_LAYER_MAX_DIM) ||
	    !in_range(d->in_w, 1, POTNPU_LAYER_MAX_DIM) ||
	    !in_range(d->out_h, 1, POTNPU_LAYER_MAX_DIM) ||
	    !in_range(d->out_w, 1, POTNPU_LAYER_MAX_DIM))
		return FW_LAYER_DIM;
	if (!in_range(d->in_c, 1, POTNPU_LAYER_MAX_CHANNELS) ||
	    !in_range(d->out_c, 1, POTNPU_LAYER_MAX_CHANNELS) ||
	    !in_range(d->in_cstride, d->in_c, POTNPU_LAYER_MAX_CHANNELS) ||
	    !in_range(d->out_cstride, d->out_c, POTNPU_LAYER_MAX_CHANNELS))
		return FW_LAYER_CHANNELS;
	if (!in_range(d->kh, 1, POTNPU_LAYER_MAX_KERNEL) ||
	    !in_range(d->kw, 1, POTNPU_LAYER_MAX_KERNEL) ||
	    !in_range(d->sh, 1, POTNPU_LAYER_MAX_STRIDE) ||
	    !in_range(d->sw, 1, POTNPU_LAYER_MAX_STRIDE) ||
	    !in_range(d->dh, 1, POTNPU_LAYER_MAX_DILATION) ||
	    !in_range(d->dw, 1, POTNPU_LAYER_MAX_DILATION))
		return FW_LAYER_KERNEL;
	if (!potnpu_layer_dim_ok(d->in_h, d->out_h, d->kh, d->sh, d->dh,
				 d->pad_t + d->pad_b) ||
	    !potnpu_layer_dim_ok(d->in_w, d->out_w, d->kw, d->sw, d->dw,
				 d->pad_l + d->pad_r))
		return FW_LAYER_SHAPE;
	return FW_LAYER_OK;
}

/* ADD and REQUANT: elementwise, 1 x 1 window, no padding, same shape. */
static int elementwise_ok(const struct potnpu_layer_desc *d)
{
	return d->kh == 1 && d->kw == 1 && d->sh == 1 && d->sw == 1 &&
	       d->dh == 1 && d->dw == 1 && !d->pad_t && !d->pad_l &&
	       !d->pad_b && !d->pad_r && d->out_c == d->in_c;
}

/* ADD's own fields are zero for every other layer. */
static int no_add_fields(const struct potnpu_layer_desc *d)
{
	return !d->in2_va && !d->in2_cstride && !d->in2_zp && !d->shift &&
	       !d->m_a && !d->m_b;
}

/* The fields each op requires and forbids. */
static enum fw_layer_error check_op(const struct potnpu_layer_desc *d)
{
	int conv = d->op == POTNPU_OP_CONV2D;

	if (!conv && (d->weights_va || d->table_va || d->wbits ||
		      d->groups != 1))
		return FW_LAYER_FIELD;
	if (d->op != POTNPU_OP_ADD && !no_add_fields(d))
		return FW_LAYER_FIELD;
	switch (d->op) {
	case POTNPU_OP_CONV2D:
		if (!d->weights_va || !d->table_va || !d->chan_va)
			return FW_LAYER_FIELD;
		if (!in_range(d->wbits, POTNPU_MIN_WBITS, POTNPU_MAX_WBITS))
			return FW_LAYER_WBITS;
		if (!divides(d->groups, d->in_c) ||
		    !divides(d->groups, d->out_c))
			return FW_LAYER_GROUPS;
		return FW_LAYER_OK;
	case POTNPU_OP_MAXPOOL:
		return d->chan_va || d->out_c != d->in_c ? FW_LAYER_FIELD :
							    FW_LAYER_OK;
	case POTNPU_OP_AVGPOOL:
		return !d->chan_va || d->out_c != d->in_c ? FW_LAYER_FIELD :
							     FW_LAYER_OK;
	case POTNPU_OP_ADD:
		if (d->chan_va || !d->in2_va || !elementwise_ok(d) ||
		    !in_range(d->in2_cstride, d->in_c,
			      POTNPU_LAYER_MAX_CHANNELS))
			return FW_LAYER_FIELD;
		return d->shift > POTNPU_MAX_SHIFT ? FW_LAYER_SHIFT :
						     FW_LAYER_OK;
	case POTNPU_OP_REQUANT:
		return !d->chan_va || !elementwise_ok(d) ? FW_LAYER_FIELD :
							    FW_LAYER_OK;
	}
	return FW_LAYER_OP;
}

/*
 * Decode the layer command @w into @d and plan it into @p; returns
 * FW_LAYER_OK or the first rule it breaks.
 */
enum fw_layer_error fw_layer_check(const uint32_t *w,
				   struct potnpu_layer_desc *d,
				   struct potnpu_layer_plan *p)
{
	enum fw_layer_error e;

	if (!potnpu_layer_decode(w, d))
		return FW_LAYER_RESERVED;
	if (d->op < POTNPU_OP_CONV2D ||
	    d->op >= POTNPU_OP_CONV2D + POTNPU_OP_LAYER_COUNT)
		return FW_LAYER_OP;
	if ((d->flags & ~POTNPU_LAYER_FLAGS) ||
	    (d->flags && d->op != POTNPU_OP_AVGPOOL))
		return FW_LAYER_FLAGS;
	e = check_limits(d);
	if (e == FW_LAYER_OK)
		e = check_op(d);
	if (e != FW_LAYER_OK)
		return e;
	if (d->lo > d->hi)
		return FW_LAYER_CLAMP;
	if (d->counters_va & 7)
		return FW_LAYER_ALIGN;
	if (potnpu_layer_plan(d, p))
		return FW_LAYER_PLAN;
	return FW_LAYER_OK;
}
