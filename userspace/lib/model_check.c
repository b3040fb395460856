// SPDX-License-Identifier: MIT
/*
 * libpotnpu model files, the semantics: each node's layer as the device
 * would take it, its tensors' shapes, its weight blocks, scheme and table
 * words; then the graph's order (a node reads only what the input or an
 * earlier node wrote, which also excludes cycles).
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model_priv.h"

#define NODE(f)	offsetof(struct potnpu_mf_node, f)
#define NODE_SIZE	sizeof(struct potnpu_mf_node)
#define NBLOCKS		4

__attribute__((format(printf, 4, 5)))
static int node_err(const struct mf_ctx *c, uint32_t i, size_t field,
		    const char *fmt, ...)
{
	char msg[320];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return lib_mf_err("NODES section (byte %llu): node %u: %s",
		      (unsigned long long)(c->sec[POTNPU_MF_SEC_NODES].off +
					   (uint64_t)i * NODE_SIZE + field), i, msg);
}

static const uint8_t *node_rec(const struct mf_ctx *c, uint32_t i)
{
	return c->b + c->sec[POTNPU_MF_SEC_NODES].off + (uint64_t)i * NODE_SIZE;
}

/* The layer reads or writes @chans channels from @coff of tensor @t. */
struct slice {
	const char *what;
	size_t field;
	uint32_t t, coff, chans, h, w, cstride;
	int32_t zp;
};

static int check_slice(const struct mf_ctx *c, uint32_t i, const struct slice *s)
{
	const struct potnpu_model_tensor *t;

	if (s->t >= c->m->d.ntensors)
		return node_err(c, i, s->field, "%s tensor %u is out of range (%u tensors)",
				s->what, s->t, c->m->d.ntensors);
	t = &c->m->tensors[s->t];
	if (t->h != s->h || t->w != s->w || t->cstride != s->cstride)
		return node_err(c, i, s->field,
				"%s tensor %u is %u x %u at pixel stride %u, the layer says %u x %u at %u",
				s->what, s->t, t->h, t->w, t->cstride, s->h, s->w, s->cstride);
	if (s->coff > t->c || s->chans > t->c - s->coff)
		return node_err(c, i, s->field,
				"%s channels %u..%u are outside tensor %u's %u channels",
				s->what, s->coff, s->coff + s->chans - 1, s->t, t->c);
	if (t->zero_point != s->zp)
		return node_err(c, i, s->field, "%s zero point %d, tensor %u has %d",
				s->what, s->zp, s->t, t->zero_point);
	return 0;
}

static int check_layer_tensors(const struct mf_ctx *c, uint32_t i,
			       const struct potnpu_model_node *n)
{
	const struct potnpu_layer *l = &n->layer;
	const struct slice s[] = {
		{ "input", NODE(in), n->in, n->in_coff, l->in_c, l->in_h, l->in_w,
		  l->in_cstride, l->in_zp },
		{ "output", NODE(out), n->out, n->out_coff, l->out_c, l->out_h,
		  l->out_w, l->out_cstride, l->out_zp },
		{ "second input", NODE(in2), n->in2, n->in2_coff, l->in_c, l->in_h,
		  l->in_w, l->in2_cstride, l->in2_zp },
	};
	size_t k, ns = l->op == POTNPU_LAYER_ADD ? 3 : 2;
	int err;

	for (k = 0; k < ns; k++) {
		err = check_slice(c, i, &s[k]);
		if (err)
			return err;
	}
	if (l->op != POTNPU_LAYER_ADD && (n->in2 != POTNPU_MODEL_NO_TENSOR || n->in2_coff))
		return node_err(c, i, NODE(in2), "in2 %u (channel %u) on an op without a second input",
				n->in2, n->in2_coff);
	if (l->op == POTNPU_LAYER_MAXPOOL &&
	    (c->m->tensors[n->in].scale != c->m->tensors[n->out].scale ||
	     l->in_zp != l->out_zp))
		return node_err(c, i, NODE(out),
				"MAXPOOL's input and output differ in scale or zero point");
	return 0;
}

/* The table: every word by the term rules, and the scheme's own table. */
static int check_table(const struct mf_ctx *c, uint32_t i,
		       const struct potnpu_model_node *n, uint32_t scheme)
{
	unsigned int wbits = n->layer.wbits, k;
	struct potnpu_scheme s;

	for (k = 0; k < 1u << wbits; k++)
		if (potnpu_term_word(n->table[k], NULL, NULL))
			return node_err(c, i, NODE(table), "table word %u = 0x%08x breaks the term rules",
					k, n->table[k]);
	if (!scheme || scheme > POTNPU_SCHEME_FITTED + 1)
		return node_err(c, i, NODE(scheme), "scheme %u is unknown", scheme);
	if (n->scheme == POTNPU_SCHEME_FITTED)
		return 0;
	if (potnpu_scheme_build(n->scheme, n->scheme_param, NULL, 0, &s))
		return node_err(c, i, NODE(scheme_param), "scheme %u parameter %u: %s",
				scheme, n->scheme_param, potnpu_last_error());
	if (s.wbits != wbits)
		return node_err(c, i, NODE(layer), "wbits %u, the scheme's codes have %u bits",
				wbits, s.wbits);
	for (k = 0; k < 1u << wbits; k++)
		if (n->table[k] != s.table[k])
			return node_err(c, i, NODE(table), "table word %u = 0x%08x, the scheme's is 0x%08x",
					k, n->table[k], s.table[k]);
	return 0;
}

static int decode_chan(const struct mf_ctx *c, uint32_t i, const uint8_t *p,
		       struct potnpu_chan *ch, uint32_t count)
{
	uint32_t k;

	for (k = 0; k < count; k++, p += POTNPU_CHAN_RECORD_SIZE) {
		if (p[7] || p[6] > POTNPU_MAX_SHIFT)
			return node_err(c, i, NODE(chan), "channel record %u: shift %u or reserved byte %u is invalid",
					k, p[6], p[7]);
		ch[k].bias = (int32_t)mf_u32(p);
		ch[k].m = (uint16_t)lib_get_le(p + 4, 2);
		ch[k].shift = p[6];
	}
	return 0;
}

/* Decode the blocks into memory of the model's own; point @n at them. */
static int decode_blocks(struct mf_ctx *c, uint32_t i, struct potnpu_model_node *n,
			 const uint8_t *const *at, const uint64_t *size)
{
	size_t nt = size[1] / 4, nc = size[2] / POTNPU_CHAN_RECORD_SIZE, nw = size[3] / 4, k;
	uint32_t *table;
	struct potnpu_chan *ch;
	float *ws;

	c->m->blocks[i] = calloc(1, 4 * nt + sizeof(*ch) * nc + 4 * nw + 1);
	if (!c->m->blocks[i])
		return lib_set_error(-ENOMEM, "model: out of memory for node %u", i);
	table = c->m->blocks[i];
	ch = (struct potnpu_chan *)(table + nt);
	ws = (float *)(ch + nc);
	for (k = 0; k < nt; k++)
		table[k] = mf_u32(at[1] + 4 * k);
	for (k = 0; k < nw; k++)
		ws[k] = lib_mf_f32(at[3] + 4 * k);
	n->weights = size[0] ? at[0] : NULL;
	n->table = nt ? table : NULL;
	n->chan = nc ? ch : NULL;
	n->wscale = nw ? ws : NULL;
	return decode_chan(c, i, at[2], ch, (uint32_t)nc);
}

static int check_block(const struct mf_ctx *c, uint32_t i, unsigned int k,
		       uint64_t off, uint64_t size, struct mf_range *r)
{
	static const char *const names[NBLOCKS] = { "weights", "table", "chan", "wscale" };
	uint64_t wsize = c->sec[POTNPU_MF_SEC_WEIGHTS].size;

	if (!size) {
		if (off)
			return node_err(c, i, NODE(weights) + 8 * k,
					"%s offset %llu on an op without %s",
					names[k], (unsigned long long)off, names[k]);
		return 0;
	}
	if (off % POTNPU_MF_ALIGN || off > wsize || size > wsize - off)
		return node_err(c, i, NODE(weights) + 8 * k,
				"%s block at %llu (%llu bytes) is unaligned or outside WEIGHTS (%llu bytes)",
				names[k], (unsigned long long)off,
				(unsigned long long)size, (unsigned long long)wsize);
	r->off = off;
	r->size = size;
	snprintf(r->what, sizeof(r->what), "node %u's %s", i, names[k]);
	return 0;
}

/* The bytes of each block @n's op has (weights, table, chan, wscale). */
static void block_sizes(const struct potnpu_model_node *n, uint64_t *size)
{
	struct potnpu_layer_sizes sz;

	potnpu_layer_sizes(&n->layer, &sz);
	size[0] = sz.weights;
	size[1] = sz.table;
	size[2] = sz.chan;
	size[3] = n->layer.op == POTNPU_LAYER_CONV2D ? 4 * (uint64_t)n->layer.out_c : 0;
}

/* Where the blocks are: in WEIGHTS, aligned, only those the op has. */
static int check_weights(struct mf_ctx *c, uint32_t i, struct mf_range *r,
			 size_t *nr)
{
	const struct potnpu_model_node *n = &c->m->nodes[i];
	const uint8_t *p = node_rec(c, i);
	uint32_t scheme = mf_u32(p + NODE(scheme));
	uint64_t size[NBLOCKS];
	unsigned int k;
	int err;

	block_sizes(n, size);
	if (n->layer.op != POTNPU_LAYER_CONV2D && (scheme || n->scheme_param))
		return node_err(c, i, NODE(scheme), "scheme %u on an op without weights", scheme);
	for (k = 0; k < NBLOCKS; k++) {
		err = check_block(c, i, k, mf_u64(p + NODE(weights) + 8 * k), size[k], &r[*nr]);
		if (err)
			return err;
		*nr += size[k] != 0;
	}
	return 0;
}

/* The blocks' contents, once their places are known to be sound. */
static int decode_node(struct mf_ctx *c, uint32_t i)
{
	struct potnpu_model_node *n = &c->m->nodes[i];
	const uint8_t *p = node_rec(c, i), *at[NBLOCKS];
	uint64_t size[NBLOCKS];
	unsigned int k;
	int err;

	if (n->kind != POTNPU_NODE_LAYER)
		return 0;
	block_sizes(n, size);
	for (k = 0; k < NBLOCKS; k++)
		at[k] = c->b + c->sec[POTNPU_MF_SEC_WEIGHTS].off +
			mf_u64(p + NODE(weights) + 8 * k);
	err = decode_blocks(c, i, n, at, size);
	if (!err && n->layer.op == POTNPU_LAYER_CONV2D)
		err = check_table(c, i, n, mf_u32(p + NODE(scheme)));
	return err;
}

static int check_softmax(const struct mf_ctx *c, uint32_t i,
			 const struct potnpu_model_node *n)
{
	static const uint8_t zero[NODE_SIZE];
	const uint8_t *p = node_rec(c, i);
	const struct potnpu_model_tensor *a, *b;

	if (i + 1 != c->m->d.nnodes)
		return node_err(c, i, NODE(kind), "Softmax is only allowed as the last node");
	if (n->in >= c->m->d.ntensors || n->out >= c->m->d.ntensors)
		return node_err(c, i, NODE(in), "tensor %u or %u is out of range (%u tensors)",
				n->in, n->out, c->m->d.ntensors);
	if (n->in2 != POTNPU_MODEL_NO_TENSOR || n->in_coff || n->in2_coff || n->out_coff ||
	    memcmp(p + NODE(scheme), zero, NODE(name) - NODE(scheme)) ||
	    memcmp(p + NODE(layer), zero, NODE_SIZE - NODE(layer)))
		return node_err(c, i, NODE(in2), "Softmax takes one whole tensor, no layer fields or weights");
	a = &c->m->tensors[n->in];
	b = &c->m->tensors[n->out];
	if (a->h != b->h || a->w != b->w || a->c != b->c)
		return node_err(c, i, NODE(out), "Softmax output %u x %u x %u differs from its input %u x %u x %u",
				b->h, b->w, b->c, a->h, a->w, a->c);
	return 0;
}

static int check_node(struct mf_ctx *c, uint32_t i, struct mf_range *r, size_t *nr)
{
	struct potnpu_model_node *n = &c->m->nodes[i];
	char why[256];
	int err;

	if (n->kind == POTNPU_NODE_SOFTMAX)
		return check_softmax(c, i, n);
	if (n->kind != POTNPU_NODE_LAYER)
		return node_err(c, i, NODE(kind), "kind %u is unknown", n->kind);
	if (potnpu_layer_validate(&n->layer)) {
		snprintf(why, sizeof(why), "%s", potnpu_last_error());
		return node_err(c, i, NODE(layer), "the device refuses the %s", why);
	}
	err = check_layer_tensors(c, i, n);
	return err ? err : check_weights(c, i, r, nr);
}

int lib_mf_check_nodes(struct mf_ctx *c)
{
	uint32_t i, nn = c->m->d.nnodes;
	struct mf_range *r;
	size_t nr = 0;
	int err = 0;

	r = calloc((size_t)nn * NBLOCKS + 1, sizeof(*r));
	if (!r)
		return lib_set_error(-ENOMEM, "model: out of memory for %u nodes", nn);
	for (i = 0; i < nn && !err; i++)
		err = check_node(c, i, r, &nr);
	if (!err)
		err = lib_mf_check_overlap(r, nr, "WEIGHTS section");
	free(r);
	for (i = 0; i < nn && !err; i++)
		err = decode_node(c, i);
	return err;
}
