// SPDX-License-Identifier: MIT
/*
 * libpotnpu models, the writer: a model description encoded as a model
 * file (sections in a fixed order, each 8-byte aligned), then read back by
 * the parser, so that nothing the reader would refuse is ever written.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model_priv.h"

#define HDR(f)	offsetof(struct potnpu_mf_header, f)
#define SEC(f)	offsetof(struct potnpu_mf_section, f)
#define MOD(f)	offsetof(struct potnpu_mf_model, f)
#define TEN(f)	offsetof(struct potnpu_mf_tensor, f)
#define NODE(f)	offsetof(struct potnpu_mf_node, f)
#define NSECS	7

/* A growing byte buffer; @oom once an allocation failed. */
struct wbuf {
	uint8_t *p;
	size_t len, cap;
	int oom;
};

/* @n zeroed bytes at the end, after padding to @align (a power of 2);
 * NULL on failure. *@off receives their offset. */
static uint8_t *wb_align(struct wbuf *w, size_t n, size_t align, size_t *off)
{
	size_t at = (w->len + align - 1) & ~(align - 1);

	if (w->oom || n > POTNPU_MF_MAX_SIZE || at + n > POTNPU_MF_MAX_SIZE) {
		w->oom = 1;
		return NULL;
	}
	if (at + n > w->cap) {
		size_t cap = w->cap ? w->cap : 256;
		uint8_t *p;

		while (cap < at + n)
			cap *= 2;
		p = realloc(w->p, cap);
		if (!p) {
			w->oom = 1;
			return NULL;
		}
		w->p = p;
		w->cap = cap;
	}
	memset(w->p + w->len, 0, at + n - w->len);
	w->len = at + n;
	if (off)
		*off = at;
	return w->p + at;
}

static uint8_t *wb_add(struct wbuf *w, size_t n, size_t *off)
{
	return wb_align(w, n, POTNPU_MF_ALIGN, off);
}

struct writer {
	struct wbuf sec[POTNPU_MF_SEC_KINDS];
};

/* A string into STRINGS (unaligned); its reference, 0 for "". */
static uint32_t add_string(struct writer *wr, const char *s)
{
	size_t n = s ? strlen(s) : 0, off = 0;
	uint8_t *p;

	if (!n)
		return 0;
	p = wb_align(&wr->sec[POTNPU_MF_SEC_STRINGS], n + 1, 1, &off);
	if (p)
		memcpy(p, s, n + 1);
	return (uint32_t)off;
}

static void put32(uint8_t *p, size_t off, uint32_t v)
{
	lib_put_le(p + off, v, 4);
}

static void write_model(struct writer *wr, const struct potnpu_model_desc *d)
{
	uint8_t *p = wb_add(&wr->sec[POTNPU_MF_SEC_MODEL], sizeof(struct potnpu_mf_model), NULL);
	uint32_t name = add_string(wr, d->name), producer = add_string(wr, d->producer);

	if (!p)
		return;
	put32(p, MOD(name), name);
	put32(p, MOD(producer), producer);
	put32(p, MOD(tensor_count), d->ntensors);
	put32(p, MOD(node_count), d->nnodes);
	put32(p, MOD(label_count), d->nlabels);
	put32(p, MOD(input), d->input);
	put32(p, MOD(output), d->output);
}

static void write_tensors(struct writer *wr, const struct potnpu_model_desc *d)
{
	uint32_t i;

	for (i = 0; i < d->ntensors; i++) {
		const struct potnpu_model_tensor *t = &d->tensors[i];
		uint8_t *p = wb_add(&wr->sec[POTNPU_MF_SEC_TENSORS],
				    sizeof(struct potnpu_mf_tensor), NULL);

		if (!p)
			return;
		put32(p, TEN(n), t->n);
		put32(p, TEN(h), t->h);
		put32(p, TEN(w), t->w);
		put32(p, TEN(c), t->c);
		put32(p, TEN(cstride), t->cstride);
		put32(p, TEN(scale), lib_mf_f32_bits(t->scale));
		put32(p, TEN(zero_point), (uint32_t)t->zero_point);
		put32(p, TEN(role), t->role);
	}
}

static void write_input(struct writer *wr, const struct potnpu_model_input *pre)
{
	bool img = pre->kind == POTNPU_INPUT_IMAGE_U8;
	size_t nf = img ? 2 * (size_t)pre->channels : 0, i;
	uint8_t *p = wb_add(&wr->sec[POTNPU_MF_SEC_INPUT],
			    sizeof(struct potnpu_mf_input) + 4 * nf, NULL);

	if (!p)
		return;
	put32(p, offsetof(struct potnpu_mf_input, kind), pre->kind);
	put32(p, offsetof(struct potnpu_mf_input, channels), pre->channels);
	for (i = 0; i < nf; i++)
		put32(p, sizeof(struct potnpu_mf_input) + 4 * i,
		      lib_mf_f32_bits(i < pre->channels ? pre->mean[i] : pre->std[i - pre->channels]));
}

static void write_labels(struct writer *wr, const struct potnpu_model_desc *d)
{
	uint8_t *p;
	uint32_t i;

	if (!d->nlabels)
		return;
	p = wb_add(&wr->sec[POTNPU_MF_SEC_LABELS], 4 * (size_t)d->nlabels, NULL);
	for (i = 0; p && i < d->nlabels; i++) {
		put32(p, 4 * (size_t)i, add_string(wr, d->labels[i]));
	}
}

/* One weight block into WEIGHTS; its offset (0 for none). */
static uint64_t write_block(struct writer *wr, const void *src, size_t size,
			    unsigned int kind, size_t count)
{
	size_t off = 0, i;
	uint8_t *p;

	if (!size)
		return 0;
	p = wb_add(&wr->sec[POTNPU_MF_SEC_WEIGHTS], size, &off);
	if (!p || !src)
		return off;
	if (kind == 0)
		memcpy(p, src, size);
	else if (kind == 1)
		potnpu_layer_pack_table(src, count, p);
	else if (kind == 2)
		potnpu_layer_pack_chan(src, count, p);
	else
		for (i = 0; i < count; i++)
			put32(p, 4 * i, lib_mf_f32_bits(((const float *)src)[i]));
	return off;
}

static void write_blocks(struct writer *wr, const struct potnpu_model_node *n,
			 uint8_t *rec)
{
	const struct potnpu_layer *l = &n->layer;
	struct potnpu_layer_sizes sz;
	bool conv = l->op == POTNPU_LAYER_CONV2D;
	uint64_t off[4];
	unsigned int k;

	potnpu_layer_sizes(l, &sz);
	off[0] = write_block(wr, n->weights, sz.weights, 0, 0);
	off[1] = write_block(wr, n->table, sz.table, 1, sz.table / 4);
	off[2] = write_block(wr, n->chan, sz.chan, 2, l->out_c);
	off[3] = write_block(wr, n->wscale, conv ? 4 * (size_t)l->out_c : 0, 3, l->out_c);
	for (k = 0; k < 4; k++)
		lib_put_le(rec + NODE(weights) + 8 * k, off[k], 8);
	if (conv) {
		put32(rec, NODE(scheme), (uint32_t)n->scheme + 1);
		put32(rec, NODE(scheme_param), n->scheme_param);
	}
}

static void write_node(struct writer *wr, const struct potnpu_model_node *n)
{
	struct wbuf *w = &wr->sec[POTNPU_MF_SEC_NODES];
	uint32_t name = add_string(wr, n->name), sname = add_string(wr, n->scheme_name);
	size_t at;
	unsigned int i = 0;
	uint8_t *p;

	if (!wb_add(w, sizeof(struct potnpu_mf_node), &at))
		return;
	p = w->p + at;
	put32(p, NODE(kind), n->kind);
	put32(p, NODE(in), n->in);
	put32(p, NODE(in2), n->in2);
	put32(p, NODE(out), n->out);
	put32(p, NODE(in_coff), n->in_coff);
	put32(p, NODE(in2_coff), n->in2_coff);
	put32(p, NODE(out_coff), n->out_coff);
	put32(p, NODE(name), name);
	put32(p, NODE(scheme_name), sname);
	put32(p, NODE(sqnr), lib_mf_f32_bits(n->sqnr));
#define WRITE_FIELD(f) put32(p, NODE(layer) + 4 * i++, (uint32_t)n->layer.f);
	POTNPU_MF_LAYER_FIELDS(WRITE_FIELD)
#undef WRITE_FIELD
	if (n->kind == POTNPU_NODE_LAYER)
		write_blocks(wr, n, p);
}

/* Header, section table and the sections, into one buffer. */
static int assemble(struct writer *wr, void **bufp, size_t *sizep)
{
	static const uint32_t order[NSECS] = {
		POTNPU_MF_SEC_MODEL, POTNPU_MF_SEC_STRINGS, POTNPU_MF_SEC_TENSORS,
		POTNPU_MF_SEC_NODES, POTNPU_MF_SEC_INPUT, POTNPU_MF_SEC_LABELS,
		POTNPU_MF_SEC_WEIGHTS,
	};
	struct wbuf f = { 0 };
	size_t at, k;
	uint8_t *p = wb_add(&f, sizeof(struct potnpu_mf_header) +
			    NSECS * sizeof(struct potnpu_mf_section), NULL);

	for (k = 0; p && k < NSECS; k++) {
		struct wbuf *s = &wr->sec[order[k]];
		uint8_t *e;

		if (s->oom || !wb_add(&f, s->len, &at))
			break;
		if (s->len)
			memcpy(f.p + at, s->p, s->len);
		e = f.p + sizeof(struct potnpu_mf_header) + k * sizeof(struct potnpu_mf_section);
		put32(e, SEC(kind), order[k]);
		lib_put_le(e + SEC(offset), at, 8);
		lib_put_le(e + SEC(size), s->len, 8);
	}
	if (!p || k < NSECS) {
		free(f.p);
		return lib_set_error(-ENOMEM, "potnpu_model_write: out of memory (or above %u bytes)",
				     POTNPU_MF_MAX_SIZE);
	}
	memcpy(f.p, POTNPU_MF_MAGIC, 8);
	lib_put_le(f.p + HDR(major), POTNPU_MF_MAJOR, 2);
	lib_put_le(f.p + HDR(minor), POTNPU_MF_MINOR, 2);
	put32(f.p, HDR(header_size), sizeof(struct potnpu_mf_header));
	lib_put_le(f.p + HDR(file_size), f.len, 8);
	put32(f.p, HDR(section_count), NSECS);
	lib_put_le(f.p + HDR(section_table), sizeof(struct potnpu_mf_header), 8);
	potnpu_model_seal(f.p, f.len);
	*bufp = f.p;
	*sizep = f.len;
	return 0;
}

/* A layer node has a valid layer and the blocks its op reads. */
static int check_node(const struct potnpu_model_node *n, uint32_t i)
{
	struct potnpu_layer_sizes sz;
	char why[256];

	if (n->kind != POTNPU_NODE_LAYER)
		return 0;
	if (potnpu_layer_validate(&n->layer)) {
		snprintf(why, sizeof(why), "%s", potnpu_last_error());
		return lib_set_error(-EINVAL, "potnpu_model_write: node %u: %s", i, why);
	}
	potnpu_layer_sizes(&n->layer, &sz);
	if ((sz.weights && !n->weights) || (sz.table && !n->table) ||
	    (sz.chan && !n->chan))
		return lib_set_error(-EINVAL,
				     "potnpu_model_write: node %u: its op needs %s%s%s",
				     i, sz.weights ? "weight rows, " : "",
				     sz.table ? "a decode table, " : "", "channel records");
	return 0;
}

/* What must hold before encoding: sizes that follow from valid layers. */
static int check_desc(const struct potnpu_model_desc *d)
{
	uint32_t i;
	int err;

	if (!d->tensors || !d->nodes || d->ntensors > POTNPU_MF_MAX_TENSORS ||
	    d->nnodes > POTNPU_MF_MAX_NODES || (d->nlabels && !d->labels) ||
	    d->nlabels > POTNPU_LAYER_MAX_CHANNELS ||
	    d->pre.channels > POTNPU_LAYER_MAX_CHANNELS ||
	    (d->pre.kind == POTNPU_INPUT_IMAGE_U8 && (!d->pre.mean || !d->pre.std)))
		return lib_set_error(-EINVAL, "potnpu_model_write: missing arrays or counts above the limits");
	for (i = 0; i < d->nnodes; i++) {
		err = check_node(&d->nodes[i], i);
		if (err)
			return err;
	}
	return 0;
}

/* Read back what was written: the parser's verdict, as -EINVAL. */
static int verify(void *buf, size_t size)
{
	struct potnpu_model *m;
	char why[512];
	int err = potnpu_model_load_buffer(buf, size, &m);

	potnpu_model_free(m);
	if (!err || err == -ENOMEM)
		return err;
	snprintf(why, sizeof(why), "%s", potnpu_last_error());
	return lib_set_error(-EINVAL, "potnpu_model_write: the description is not a valid model: %s",
			     why);
}

EXPORT int potnpu_model_write(const struct potnpu_model_desc *d, void **bufp,
			      size_t *sizep)
{
	struct writer wr = { 0 };
	uint32_t i;
	int err;

	if (bufp)
		*bufp = NULL;
	if (!d || !bufp || !sizep)
		return lib_set_error(-EINVAL, "potnpu_model_write: NULL argument");
	err = check_desc(d);
	if (err)
		return err;
	wb_add(&wr.sec[POTNPU_MF_SEC_STRINGS], 1, NULL);	/* "" at 0 */
	write_model(&wr, d);
	write_tensors(&wr, d);
	for (i = 0; i < d->nnodes; i++)
		write_node(&wr, &d->nodes[i]);
	write_input(&wr, &d->pre);
	write_labels(&wr, d);
	err = assemble(&wr, bufp, sizep);
	for (i = 0; i < POTNPU_MF_SEC_KINDS; i++)
		free(wr.sec[i].p);
	if (!err)
		err = verify(*bufp, *sizep);
	if (err) {
		free(*bufp);
		*bufp = NULL;
	}
	return err;
}

EXPORT int potnpu_model_save(const struct potnpu_model_desc *d, const char *path)
{
	size_t size, done = 0;
	void *buf;
	int fd, err;

	if (!path)
		return lib_set_error(-EINVAL, "potnpu_model_save: NULL path");
	err = potnpu_model_write(d, &buf, &size);
	if (err)
		return err;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		err = lib_set_error(-errno, "%s: %s", path, strerror(errno));
	while (!err && done < size) {
		ssize_t r = write(fd, (uint8_t *)buf + done, size - done);

		if (r < 0)
			err = lib_set_error(-errno, "%s: %s", path, strerror(errno));
		done += r > 0 ? (size_t)r : 0;
	}
	if (fd >= 0 && close(fd) && !err)
		err = lib_set_error(-errno, "%s: %s", path, strerror(errno));
	free(buf);
	return err;
}
