// SPDX-License-Identifier: MIT
/*
 * libpotnpu layers: describing a layer, checking it against the device's
 * limits, packing its weight rows, tables and channel records, decoding a
 * layer command and its counters record (potnpu_layer.h).
 */
#include <errno.h>
#include <math.h>
#include <string.h>

#include "libpotnpu_priv.h"
#include "potnpu_job.h"
#include "potnpu_layer.h"

_Static_assert(POTNPU_LAYER_CONV2D == POTNPU_OP_CONV2D &&
	       POTNPU_LAYER_REQUANT == POTNPU_OP_REQUANT, "layer opcodes");
_Static_assert(POTNPU_LAYER_COUNT_PAD == POTNPU_LAYER_F_COUNT_PAD, "flags");
_Static_assert(POTNPU_CHAN_RECORD_SIZE == sizeof(struct potnpu_chan_param),
	       "channel record size");
_Static_assert(POTNPU_COUNTERS_SIZE == sizeof(struct potnpu_layer_counters),
	       "counters record size");

void lib_layer_desc(const struct potnpu_layer *l,
		    const struct potnpu_layer_addrs *a,
		    struct potnpu_layer_desc *d)
{
	static const struct potnpu_layer_addrs none;

	if (!a)
		a = &none;
	memset(d, 0, sizeof(*d));
	d->op = l->op;
	d->in_va = a->in;
	d->in2_va = a->in2;
	d->out_va = a->out;
	d->weights_va = a->weights;
	d->table_va = a->table;
	d->chan_va = a->chan;
	d->counters_va = a->counters;
	d->in_h = l->in_h;
	d->in_w = l->in_w;
	d->in_c = l->in_c;
	d->in_cstride = l->in_cstride;
	d->out_h = l->out_h;
	d->out_w = l->out_w;
	d->out_c = l->out_c;
	d->out_cstride = l->out_cstride;
	d->kh = l->kh;
	d->kw = l->kw;
	d->sh = l->sh;
	d->sw = l->sw;
	d->dh = l->dh;
	d->dw = l->dw;
	d->wbits = l->wbits;
	d->flags = l->flags;
	d->pad_t = l->pad_t;
	d->pad_l = l->pad_l;
	d->pad_b = l->pad_b;
	d->pad_r = l->pad_r;
	d->groups = l->groups;
	d->in2_cstride = l->in2_cstride;
	d->in_zp = l->in_zp;
	d->in2_zp = l->in2_zp;
	d->out_zp = l->out_zp;
	d->lo = l->lo;
	d->hi = l->hi;
	d->shift = l->shift;
	d->m_a = l->m_a;
	d->m_b = l->m_b;
}

bool lib_layer_has_chan(uint32_t op)
{
	return op == POTNPU_OP_CONV2D || op == POTNPU_OP_AVGPOOL ||
	       op == POTNPU_OP_REQUANT;
}

int lib_layer_plan(const struct potnpu_layer *l, struct potnpu_layer_plan *p)
{
	struct potnpu_layer_addrs a = { .chan = lib_layer_has_chan(l->op) };
	struct potnpu_layer_desc d;

	lib_layer_desc(l, &a, &d);
	return potnpu_layer_plan(&d, p);
}

EXPORT uint32_t potnpu_layer_out_dim(uint32_t in, uint32_t k, uint32_t s,
				     uint32_t d, uint32_t pad)
{
	uint64_t span = (uint64_t)d * (k ? k - 1 : 0) + 1, total = (uint64_t)in + pad;

	if (!s || !k || span > total)
		return 0;
	return (uint32_t)((total - span) / s + 1);
}

EXPORT uint32_t potnpu_layer_taps(const struct potnpu_layer *l)
{
	if (l->op == POTNPU_OP_CONV2D)
		return l->kh * l->kw * (l->groups ? l->in_c / l->groups : 0);
	if (l->op == POTNPU_OP_MAXPOOL || l->op == POTNPU_OP_AVGPOOL)
		return l->kh * l->kw;
	return 1;
}

EXPORT size_t potnpu_layer_row_bytes(const struct potnpu_layer *l)
{
	if (l->op != POTNPU_OP_CONV2D)
		return 0;
	return POTNPU_LAYER_ROW_BYTES((size_t)potnpu_layer_taps(l), l->wbits);
}

/* Bytes a tensor of h x w pixels of c channels at pixel stride cs spans. */
static size_t tensor_span(uint32_t h, uint32_t w, uint32_t c, uint32_t cs)
{
	return (size_t)((uint64_t)h * w - 1) * cs + c;
}

EXPORT void potnpu_layer_sizes(const struct potnpu_layer *l,
			       struct potnpu_layer_sizes *sz)
{
	memset(sz, 0, sizeof(*sz));
	sz->in = tensor_span(l->in_h, l->in_w, l->in_c, l->in_cstride);
	sz->out = tensor_span(l->out_h, l->out_w, l->out_c, l->out_cstride);
	if (l->op == POTNPU_OP_ADD)
		sz->in2 = tensor_span(l->in_h, l->in_w, l->in_c, l->in2_cstride);
	if (l->op == POTNPU_OP_CONV2D) {
		sz->weights = potnpu_layer_row_bytes(l) * l->out_c;
		sz->table = (size_t)4 << l->wbits;
	}
	if (lib_layer_has_chan(l->op))
		sz->chan = (size_t)POTNPU_CHAN_RECORD_SIZE * l->out_c;
}

static int range(long long v, long long lo, long long hi, const char *name)
{
	if (v < lo || v > hi)
		return lib_set_error(-EINVAL,
				     "layer: %s = %lld is out of range (%lld to %lld)",
				     name, v, lo, hi);
	return 0;
}

#define RANGE(v, lo, hi, name) do {					\
	int err_ = range((long long)(v), (long long)(lo), (long long)(hi), name); \
	if (err_)							\
		return err_;						\
} while (0)

struct field_range {
	long long v, lo, hi;
	const char *name;
};

static int check_ranges(const struct potnpu_layer *l)
{
	const struct field_range f[] = {
		{ l->in_h, 1, POTNPU_LAYER_MAX_DIM, "in_h" },
		{ l->in_w, 1, POTNPU_LAYER_MAX_DIM, "in_w" },
		{ l->out_h, 1, POTNPU_LAYER_MAX_DIM, "out_h" },
		{ l->out_w, 1, POTNPU_LAYER_MAX_DIM, "out_w" },
		{ l->in_c, 1, POTNPU_LAYER_MAX_CHANNELS, "in_c" },
		{ l->out_c, 1, POTNPU_LAYER_MAX_CHANNELS, "out_c" },
		{ l->in_cstride, l->in_c, POTNPU_LAYER_MAX_CHANNELS, "in_cstride" },
		{ l->out_cstride, l->out_c, POTNPU_LAYER_MAX_CHANNELS, "out_cstride" },
		{ l->kh, 1, POTNPU_LAYER_MAX_KERNEL, "kh" },
		{ l->kw, 1, POTNPU_LAYER_MAX_KERNEL, "kw" },
		{ l->sh, 1, POTNPU_LAYER_MAX_STRIDE, "sh" },
		{ l->sw, 1, POTNPU_LAYER_MAX_STRIDE, "sw" },
		{ l->dh, 1, POTNPU_LAYER_MAX_DILATION, "dh" },
		{ l->dw, 1, POTNPU_LAYER_MAX_DILATION, "dw" },
		{ l->pad_t, 0, 255, "pad_t" },
		{ l->pad_l, 0, 255, "pad_l" },
		{ l->pad_b, 0, 255, "pad_b" },
		{ l->pad_r, 0, 255, "pad_r" },
		{ l->in_zp, -128, 127, "in_zp" },
		{ l->in2_zp, -128, 127, "in2_zp" },
		{ l->out_zp, -128, 127, "out_zp" },
		{ l->hi, -128, 127, "hi" },
		{ l->lo, -128, l->hi, "lo" },
		{ l->shift, 0, POTNPU_MAX_SHIFT, "shift" },
		{ l->m_a, 0, 65535, "m_a" },
		{ l->m_b, 0, 65535, "m_b" },
	};
	size_t i;
	int err;

	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		err = range(f[i].v, f[i].lo, f[i].hi, f[i].name);
		if (err)
			return err;
	}
	return 0;
}

/* What each op requires of the fields it does not use. */
static int check_op(const struct potnpu_layer *l)
{
	bool conv = l->op == POTNPU_OP_CONV2D, add = l->op == POTNPU_OP_ADD;
	bool elem = add || l->op == POTNPU_OP_REQUANT;

	if (l->op < POTNPU_OP_CONV2D || l->op > POTNPU_OP_REQUANT)
		return lib_set_error(-EINVAL, "layer: unknown op 0x%x", l->op);
	if (conv) {
		RANGE(l->wbits, POTNPU_MIN_WBITS, POTNPU_MAX_WBITS, "wbits");
		RANGE(l->groups, 1, l->in_c, "groups");
		if (l->in_c % l->groups || l->out_c % l->groups)
			return lib_set_error(-EINVAL,
					     "layer: groups = %u divides neither in_c = %u nor out_c = %u",
					     l->groups, l->in_c, l->out_c);
	} else {
		RANGE(l->wbits, 0, 0, "wbits");
		RANGE(l->groups, 1, 1, "groups");
		RANGE(l->out_c, l->in_c, l->in_c, "out_c");
	}
	RANGE(l->in2_cstride, add ? l->in_c : 0, add ? POTNPU_LAYER_MAX_CHANNELS : 0,
	      "in2_cstride");
	if (l->flags & ~POTNPU_LAYER_FLAGS ||
	    (l->flags && l->op != POTNPU_OP_AVGPOOL))
		return lib_set_error(-EINVAL, "layer: flags 0x%x are invalid for op 0x%x",
				     l->flags, l->op);
	if (elem && (l->kh != 1 || l->kw != 1 || l->sh != 1 || l->sw != 1 ||
		     l->dh != 1 || l->dw != 1 || l->pad_t || l->pad_l ||
		     l->pad_b || l->pad_r))
		return lib_set_error(-EINVAL,
				     "layer: ADD and REQUANT take a 1 x 1 kernel, stride and dilation 1, no padding");
	if (!add && (l->m_a || l->m_b || l->shift || l->in2_zp))
		return lib_set_error(-EINVAL, "layer: m_a, m_b, shift and in2_zp are ADD's only");
	return 0;
}

EXPORT int potnpu_layer_validate(const struct potnpu_layer *l)
{
	struct potnpu_layer_plan p;
	int err;

	if (!l)
		return lib_set_error(-EINVAL, "layer: NULL");
	err = check_ranges(l);
	if (!err)
		err = check_op(l);
	if (err)
		return err;
	if (!potnpu_layer_dim_ok(l->in_h, l->out_h, l->kh, l->sh, l->dh,
				 l->pad_t + l->pad_b) ||
	    !potnpu_layer_dim_ok(l->in_w, l->out_w, l->kw, l->sw, l->dw,
				 l->pad_l + l->pad_r))
		return lib_set_error(-EINVAL,
				     "layer: output %u x %u is not the output of input %u x %u (kernel %u x %u, stride %u x %u, dilation %u x %u, padding %u+%u x %u+%u)",
				     l->out_h, l->out_w, l->in_h, l->in_w, l->kh,
				     l->kw, l->sh, l->sw, l->dh, l->dw, l->pad_t,
				     l->pad_b, l->pad_l, l->pad_r);
	if (lib_layer_plan(l, &p))
		return lib_set_error(-EINVAL,
				     "layer: does not fit the device's SRAM (not even one output channel and one output row)");
	return 0;
}

EXPORT uint32_t potnpu_layer_unpack_code(const uint8_t *row, uint32_t k,
					 unsigned int wbits)
{
	uint32_t bit = k * wbits, v = row[bit / 8];

	if (bit % 8 + wbits > 8)	/* the code spans two bytes */
		v |= (uint32_t)row[bit / 8 + 1] << 8;
	return (v >> (bit % 8)) & ((1u << wbits) - 1);
}

EXPORT int potnpu_layer_pack_weights(const struct potnpu_layer *l,
				     const uint8_t *codes, void *rows,
				     size_t size)
{
	size_t rb, o, k, taps;
	uint8_t *r = rows;

	if (!l || !codes || !rows || l->op != POTNPU_OP_CONV2D ||
	    l->wbits < POTNPU_MIN_WBITS || l->wbits > POTNPU_MAX_WBITS)
		return lib_set_error(-EINVAL, "potnpu_layer_pack_weights: not a CONV2D layer with its codes");
	rb = potnpu_layer_row_bytes(l);
	taps = potnpu_layer_taps(l);
	if (size < rb * l->out_c)
		return lib_set_error(-EINVAL, "weight rows need %zu bytes, %zu given",
				     rb * l->out_c, size);
	memset(r, 0, rb * l->out_c);
	for (o = 0; o < l->out_c; o++, r += rb)
		for (k = 0; k < taps; k++) {
			uint32_t c = codes[o * taps + k], bit = (uint32_t)k * l->wbits;

			if (c >> l->wbits)
				return lib_set_error(-EINVAL, "code %u does not fit %u bits",
						     c, l->wbits);
			r[bit / 8] |= (uint8_t)(c << (bit % 8));
			if (bit % 8 + l->wbits > 8)
				r[bit / 8 + 1] |= (uint8_t)(c >> (8 - bit % 8));
		}
	return 0;
}

void lib_put_le(uint8_t *p, uint64_t v, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

uint64_t lib_get_le(const uint8_t *p, unsigned int n)
{
	uint64_t v = 0;
	unsigned int i;

	for (i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

EXPORT void potnpu_layer_pack_table(const uint32_t *table, size_t n, void *buf)
{
	size_t i;

	for (i = 0; i < n; i++)
		lib_put_le((uint8_t *)buf + 4 * i, table[i], 4);
}

EXPORT void potnpu_layer_pack_chan(const struct potnpu_chan *c, size_t n,
				   void *buf)
{
	uint8_t *p = buf;
	size_t i;

	for (i = 0; i < n; i++, p += POTNPU_CHAN_RECORD_SIZE) {
		lib_put_le(p, (uint32_t)c[i].bias, 4);
		lib_put_le(p + 4, c[i].m, 2);
		p[6] = c[i].shift;
		p[7] = 0;
	}
}

EXPORT void potnpu_layer_read_counters(const void *record,
				       struct potnpu_layer_counts *c)
{
	const uint8_t *p = record;

	c->macs = lib_get_le(p + offsetof(struct potnpu_layer_counters, macs), 8);
	c->taps = lib_get_le(p + offsetof(struct potnpu_layer_counters, taps), 8);
	c->terms = lib_get_le(p + offsetof(struct potnpu_layer_counters, terms), 8);
	c->zero_skips = lib_get_le(p + offsetof(struct potnpu_layer_counters, zero_skips), 8);
	c->bitserial = lib_get_le(p + offsetof(struct potnpu_layer_counters, bitserial), 8);
	c->dma_in = lib_get_le(p + offsetof(struct potnpu_layer_counters, dma_in), 8);
	c->dma_out = lib_get_le(p + offsetof(struct potnpu_layer_counters, dma_out), 8);
	c->cycles = lib_get_le(p + offsetof(struct potnpu_layer_counters, cycles), 8);
}

EXPORT int potnpu_layer_decode_cmd(const uint32_t *w, struct potnpu_layer *l,
				   struct potnpu_layer_addrs *a)
{
	struct potnpu_layer_desc d;
	int ok;

	if (!w || !l || !a)
		return lib_set_error(-EINVAL, "potnpu_layer_decode_cmd: NULL argument");
	ok = potnpu_layer_decode(w, &d);
	if (!ok || POTNPU_CMD_FLAGS(w[0]) || POTNPU_CMD_WORDS(w[0]) != POTNPU_LAYER_WORDS ||
	    d.op < POTNPU_OP_CONV2D || d.op > POTNPU_OP_REQUANT)
		return lib_set_error(-EINVAL, "not a layer command (header 0x%08x)", w[0]);
	*l = (struct potnpu_layer){
		.op = d.op, .in_h = d.in_h, .in_w = d.in_w, .in_c = d.in_c,
		.in_cstride = d.in_cstride, .out_h = d.out_h, .out_w = d.out_w,
		.out_c = d.out_c, .out_cstride = d.out_cstride, .kh = d.kh,
		.kw = d.kw, .sh = d.sh, .sw = d.sw, .dh = d.dh, .dw = d.dw,
		.pad_t = d.pad_t, .pad_l = d.pad_l, .pad_b = d.pad_b,
		.pad_r = d.pad_r, .groups = d.groups, .wbits = d.wbits,
		.flags = d.flags, .in2_cstride = d.in2_cstride,
		.in_zp = d.in_zp, .in2_zp = d.in2_zp, .out_zp = d.out_zp,
		.lo = d.lo, .hi = d.hi, .shift = d.shift, .m_a = d.m_a,
		.m_b = d.m_b,
	};
	*a = (struct potnpu_layer_addrs){
		.in = d.in_va, .in2 = d.in2_va, .out = d.out_va,
		.weights = d.weights_va, .table = d.table_va,
		.chan = d.chan_va, .counters = d.counters_va,
	};
	return 0;
}

EXPORT int potnpu_requant_from_real(double rescale, uint16_t *m, uint8_t *shift)
{
	int e, s;
	double mm;

	if (!m || !shift || !(rescale > 0) || !isfinite(rescale))
		return lib_set_error(-EINVAL, "rescale %g is not a positive number", rescale);
	frexp(rescale, &e);			/* rescale = f * 2^e, f in [0.5, 1) */
	s = 16 - e;				/* M = f * 2^16 in [2^15, 2^16) */
	s = s < 0 ? 0 : s > POTNPU_MAX_SHIFT ? POTNPU_MAX_SHIFT : s;
	mm = nearbyint(ldexp(rescale, s));
	if (mm > 65535 && s > 0) {		/* rounded up to 2^16 */
		s--;
		mm = nearbyint(ldexp(rescale, s));
	}
	if (mm > 65535)
		return lib_set_error(-ERANGE, "rescale %g needs a mantissa above 65535", rescale);
	*m = (uint16_t)mm;
	*shift = (uint8_t)s;
	return 0;
}
