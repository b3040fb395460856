// SPDX-License-Identifier: MIT
/*
 * Command streams for SUBMIT: mostly valid ones (FILL, COPY, FENCE,
 * TIMESTAMP, NOP and, when the device runs them, small layer commands)
 * over the file's own BOs, then either one rule broken that the kernel
 * validator must catch (the submit must fail with EINVAL) or a few words
 * mutated with no claim (but a job the kernel accepted must not fault on
 * the device: the validator promised every access is inside the BOs).
 */
#include <string.h>

#include "fuzz.h"
#include "potnpu_job.h"
#include "potnpu_layer.h"

/* Bytes a generated FILL or COPY moves at most: jobs stay short. */
#define FZ_MAX_XFER	16384u

static void put(struct fz_stream *s, uint32_t v)
{
	if (s->n < sizeof(s->w) / sizeof(s->w[0]))
		s->w[s->n++] = v;
}

static void put64(struct fz_stream *s, uint64_t v)
{
	put(s, (uint32_t)v);
	put(s, (uint32_t)(v >> 32));
}

/* Add BO @i of the file to the stream's list (once); its slot. */
static unsigned int fz_stream_use(struct fz_stream *s, unsigned int i)
{
	unsigned int k;

	for (k = 0; k < s->nr_bos; k++)
		if (s->bo_idx[k] == i)
			return k;
	s->bo_idx[s->nr_bos] = i;
	return s->nr_bos++;
}

/* An own BO, writable if @write, already listed when the list is full. */
static const struct fz_bo *fz_stream_bo(struct fz_proc *p, struct fz_file *f,
					struct fz_stream *s, bool write,
					uint64_t min)
{
	unsigned int tries, i;

	for (tries = 0; tries < 16; tries++) {
		if (s->nr_bos == sizeof(s->bo_idx) / sizeof(s->bo_idx[0]))
			i = s->bo_idx[fz_below(&p->rng, s->nr_bos)];
		else
			i = fz_below(&p->rng, f->nr_bos);
		if (f->bos[i].foreign || f->bos[i].size < min ||
		    (write && (f->bos[i].flags & DRM_POTNPU_BO_READ_ONLY)))
			continue;
		fz_stream_use(s, i);
		return &f->bos[i];
	}
	return NULL;
}

/* A range of @size bytes inside @bo, aligned to @align: its VA. */
static uint64_t fz_in_bo(struct fz_proc *p, const struct fz_bo *bo,
			 uint32_t size, uint32_t align)
{
	uint64_t room = bo->size - size;

	return bo->va + (fz_below(&p->rng, (uint32_t)(room / align) + 1) * align);
}

static uint32_t fz_xfer(struct fz_proc *p, const struct fz_bo *bo)
{
	uint32_t max = bo->size < FZ_MAX_XFER ? (uint32_t)bo->size : FZ_MAX_XFER;

	return fz_chance(&p->rng, 20) ? max : 1 + fz_below(&p->rng, max);
}

static bool fz_cmd_basic(struct fz_proc *p, struct fz_file *f,
			 struct fz_stream *s)
{
	const struct fz_bo *a, *b;
	uint32_t size;

	switch (fz_below(&p->rng, 5)) {
	case 0:
		put(s, POTNPU_CMD_HDR(POTNPU_OP_NOP, POTNPU_NOP_WORDS));
		return true;
	case 1:
		a = fz_stream_bo(p, f, s, true, 4);
		if (!a)
			return false;
		put(s, POTNPU_CMD_HDR(POTNPU_OP_FENCE, POTNPU_FENCE_WORDS));
		put64(s, fz_in_bo(p, a, 4, 4));
		put(s, (uint32_t)fz_rand(&p->rng));
		return true;
	case 2:
		a = fz_stream_bo(p, f, s, true, 8);
		if (!a)
			return false;
		put(s, POTNPU_CMD_HDR(POTNPU_OP_TIMESTAMP,
				      POTNPU_TIMESTAMP_WORDS));
		put64(s, fz_in_bo(p, a, 8, 8));
		return true;
	case 3:
		a = fz_stream_bo(p, f, s, false, 1);
		b = fz_stream_bo(p, f, s, true, 1);
		if (!a || !b)
			return false;
		size = fz_xfer(p, a);
		if (size > b->size)
			size = (uint32_t)b->size;
		put(s, POTNPU_CMD_HDR(POTNPU_OP_COPY, POTNPU_COPY_WORDS));
		put64(s, fz_in_bo(p, a, size, 1));
		put64(s, fz_in_bo(p, b, size, 1));
		put(s, size);
		return true;
	default:
		a = fz_stream_bo(p, f, s, true, 1);
		if (!a)
			return false;
		size = fz_xfer(p, a);
		put(s, POTNPU_CMD_HDR(POTNPU_OP_FILL, POTNPU_FILL_WORDS));
		put64(s, fz_in_bo(p, a, size, 1));
		put(s, size);
		put(s, (uint32_t)fz_rand(&p->rng));
		return true;
	}
}

/* Where a layer's operands sit in its (writable) BO. */
enum {
	L_IN = 0x000, L_IN2 = 0x400, L_OUT = 0x800, L_W = 0xc00,
	L_TABLE = 0x1000, L_CHAN = 0x1400, L_CNT = 0x1800, L_SIZE = 0x2000,
};

/* A window size that satisfies potnpu_layer_dim_ok() for @in. */
static void fz_window(struct fz_proc *p, uint32_t in, uint32_t *k, uint32_t *s,
		      uint32_t *pad0, uint32_t *pad1, uint32_t *out)
{
	*k = 1 + fz_below(&p->rng, in < 3 ? in : 3);
	*s = 1 + fz_below(&p->rng, 2);
	*pad0 = *k > 1 ? fz_below(&p->rng, 2) : 0;
	*pad1 = *k > 1 ? fz_below(&p->rng, 2) : 0;
	*out = (in + *pad0 + *pad1 - *k) / *s + 1;
}

static void fz_layer_shape(struct fz_proc *p, struct potnpu_layer_desc *d)
{
	d->in_h = 1 + fz_below(&p->rng, 8);
	d->in_w = 1 + fz_below(&p->rng, 8);
	d->in_c = 1 + fz_below(&p->rng, 8);
	d->in_cstride = d->in_c + fz_below(&p->rng, 3);
	d->out_c = d->in_c;
	d->kh = d->kw = d->sh = d->sw = d->dh = d->dw = 1;
	d->groups = 1;
	d->lo = -128 + (int32_t)fz_below(&p->rng, 64);
	d->hi = 127 - (int32_t)fz_below(&p->rng, 64);
	d->in_zp = (int8_t)fz_rand(&p->rng);
	d->out_zp = (int8_t)fz_rand(&p->rng);
}

static bool fz_cmd_layer(struct fz_proc *p, struct fz_file *f,
			 struct fz_stream *s)
{
	const struct fz_bo *bo = fz_stream_bo(p, f, s, true, L_SIZE);
	struct potnpu_layer_desc d = { 0 };
	uint32_t w[POTNPU_LAYER_WORDS];
	unsigned int i;

	if (!bo || s->n + POTNPU_LAYER_WORDS > sizeof(s->w) / sizeof(s->w[0]))
		return false;
	d.op = POTNPU_OP_CONV2D + fz_below(&p->rng, POTNPU_OP_LAYER_COUNT);
	fz_layer_shape(p, &d);
	d.in_va = bo->va + L_IN;
	d.out_va = bo->va + L_OUT;
	d.counters_va = fz_chance(&p->rng, 50) ? bo->va + L_CNT : 0;
	if (d.op == POTNPU_OP_CONV2D || d.op == POTNPU_OP_MAXPOOL ||
	    d.op == POTNPU_OP_AVGPOOL) {
		fz_window(p, d.in_h, &d.kh, &d.sh, &d.pad_t, &d.pad_b, &d.out_h);
		fz_window(p, d.in_w, &d.kw, &d.sw, &d.pad_l, &d.pad_r, &d.out_w);
	} else {
		d.out_h = d.in_h;
		d.out_w = d.in_w;
	}
	if (d.op == POTNPU_OP_CONV2D) {
		d.wbits = 2 + fz_below(&p->rng, 7);
		d.out_c = 1 + fz_below(&p->rng, 8);
		if (fz_chance(&p->rng, 30)) {
			d.groups = d.in_c;	/* depthwise */
			d.out_c = d.in_c;
		}
		d.weights_va = bo->va + L_W;
		d.table_va = bo->va + L_TABLE;
	}
	d.out_cstride = d.out_c + fz_below(&p->rng, 3);
	if (d.op != POTNPU_OP_MAXPOOL && d.op != POTNPU_OP_ADD)
		d.chan_va = bo->va + L_CHAN;
	if (d.op == POTNPU_OP_AVGPOOL && fz_chance(&p->rng, 50))
		d.flags = POTNPU_LAYER_F_COUNT_PAD;
	if (d.op == POTNPU_OP_ADD) {
		d.in2_va = bo->va + L_IN2;
		d.in2_cstride = d.in_c + fz_below(&p->rng, 3);
		d.in2_zp = (int8_t)fz_rand(&p->rng);
		d.shift = fz_below(&p->rng, POTNPU_MAX_SHIFT + 1);
		d.m_a = fz_below(&p->rng, 65536);
		d.m_b = fz_below(&p->rng, 65536);
	}
	potnpu_layer_encode(&d, w);
	for (i = 0; i < POTNPU_LAYER_WORDS; i++)
		put(s, w[i]);
	return true;
}

bool fz_stream_build(struct fz_proc *p, struct fz_file *f,
		     struct fz_stream *s, bool layers)
{
	unsigned int n = 1 + fz_below(&p->rng, 6), i;

	memset(s, 0, sizeof(*s));
	if (!f->nr_bos)
		return false;
	for (i = 0; i < n; i++) {
		if (layers && fz_chance(&p->rng, 30) && fz_cmd_layer(p, f, s))
			continue;
		fz_cmd_basic(p, f, s);
	}
	/* A job touches at least one BO: the list may not be empty. */
	if (!s->nr_bos && !fz_stream_bo(p, f, s, false, 1))
		return false;
	return s->n > 0;
}

/* A BO of the file the stream does not list, or NULL. */
static const struct fz_bo *fz_unlisted(struct fz_file *f,
				       const struct fz_stream *s)
{
	unsigned int i, k;

	for (i = 0; i < f->nr_bos; i++) {
		if (f->bos[i].foreign)
			continue;
		for (k = 0; k < s->nr_bos && s->bo_idx[k] != i; k++)
			;
		if (k == s->nr_bos)
			return &f->bos[i];
	}
	return NULL;
}

/* A listed BO, read-only if @ro; NULL if there is none. */
static const struct fz_bo *fz_listed_bo(struct fz_file *f,
					const struct fz_stream *s, bool ro)
{
	unsigned int k;

	for (k = 0; k < s->nr_bos; k++) {
		const struct fz_bo *bo = &f->bos[s->bo_idx[k]];

		if (!ro || (bo->flags & DRM_POTNPU_BO_READ_ONLY))
			return bo;
	}
	return NULL;
}

void fz_stream_break(struct fz_proc *p, struct fz_file *f,
		     struct fz_stream *s)
{
	const struct fz_bo *bo = fz_listed_bo(f, s, false);
	const struct fz_bo *other;
	uint32_t op;

	switch (fz_below(&p->rng, 9)) {
	case 0:		/* FILL one byte past the end of a listed BO */
		put(s, POTNPU_CMD_HDR(POTNPU_OP_FILL, POTNPU_FILL_WORDS));
		put64(s, bo->va + bo->size - 3);
		put(s, 4);
		put(s, 0);
		return;
	case 1:		/* write to a read-only BO, else to an unlisted one */
		other = fz_listed_bo(f, s, true);
		if (!other)
			other = fz_unlisted(f, s);
		if (!other) {
			/* Nothing else: page 0, where no BO can be. */
			put(s, POTNPU_CMD_HDR(POTNPU_OP_FENCE,
					      POTNPU_FENCE_WORDS));
			put64(s, 4);
			put(s, 0);
			return;
		}
		put(s, POTNPU_CMD_HDR(POTNPU_OP_FENCE, POTNPU_FENCE_WORDS));
		put64(s, other->va);
		put(s, 0);
		return;
	case 2:		/* an opcode nobody implements */
		do {
			op = fz_below(&p->rng, 256);
		} while (potnpu_cmd_words(op));
		put(s, POTNPU_CMD_HDR(op, 1 + fz_below(&p->rng, 6)));
		return;
	case 3:		/* a length off by one */
		put(s, POTNPU_CMD_HDR(POTNPU_OP_FENCE, POTNPU_FENCE_WORDS +
				      (fz_chance(&p->rng, 50) ? 1 : -1)));
		put64(s, bo->va);
		put(s, 0);
		return;
	case 4:		/* header flags */
		put(s, POTNPU_CMD_HDR(POTNPU_OP_NOP, POTNPU_NOP_WORDS) |
		       (1u + fz_below(&p->rng, 255)) << 8);
		return;
	case 5:		/* zero size */
		put(s, POTNPU_CMD_HDR(POTNPU_OP_FILL, POTNPU_FILL_WORDS));
		put64(s, bo->va);
		put(s, 0);
		put(s, 0);
		return;
	case 6:		/* misaligned TIMESTAMP */
		put(s, POTNPU_CMD_HDR(POTNPU_OP_TIMESTAMP,
				      POTNPU_TIMESTAMP_WORDS));
		put64(s, bo->va + 4);
		return;
	case 7:		/* a COPY whose source range wraps around */
		put(s, POTNPU_CMD_HDR(POTNPU_OP_COPY, POTNPU_COPY_WORDS));
		put64(s, ~0ull - 2);
		put64(s, bo->va);
		put(s, 8);
		return;
	default:	/* truncated: the header promises more than the stream has */
		put(s, POTNPU_CMD_HDR(POTNPU_OP_FILL, POTNPU_FILL_WORDS));
		put64(s, bo->va);
		return;
	}
}

void fz_stream_mutate(struct fz_proc *p, struct fz_stream *s)
{
	unsigned int n = 1 + fz_below(&p->rng, 3), i, at;

	for (i = 0; i < n && s->n; i++) {
		at = fz_below(&p->rng, s->n);
		switch (fz_below(&p->rng, 4)) {
		case 0:
			s->w[at] ^= 1u << fz_below(&p->rng, 32);
			break;
		case 1:
			s->w[at] = fz_garbage32(&p->rng);
			break;
		case 2:
			s->w[at] += fz_chance(&p->rng, 50) ? 1 : -1;
			break;
		default:
			s->w[at] = s->w[fz_below(&p->rng, s->n)];
			break;
		}
	}
}
