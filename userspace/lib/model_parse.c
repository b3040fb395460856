// SPDX-License-Identifier: MIT
/*
 * libpotnpu model files, the records: the MODEL, STRINGS, TENSORS, INPUT,
 * LABELS and NODES sections decoded into the model, each count, string
 * reference, index and range checked where it is read.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model_priv.h"

#define MOD(f)	offsetof(struct potnpu_mf_model, f)
#define TEN(f)	offsetof(struct potnpu_mf_tensor, f)
#define NODE(f)	offsetof(struct potnpu_mf_node, f)
#define INP(f)	offsetof(struct potnpu_mf_input, f)
#define NODE_SIZE	sizeof(struct potnpu_mf_node)
#define TENSOR_SIZE	sizeof(struct potnpu_mf_tensor)

static const uint8_t *sec_at(const struct mf_ctx *c, uint32_t kind, uint64_t off)
{
	return c->b + c->sec[kind].off + off;
}

static unsigned long long sec_byte(const struct mf_ctx *c, uint32_t kind,
				   uint64_t off)
{
	return (unsigned long long)(c->sec[kind].off + off);
}

/* A string reference at byte @off of section @kind, into *@s. */
static int string_ref(const struct mf_ctx *c, uint32_t kind, uint64_t off,
		      const char *what, const char **s)
{
	uint32_t ref = mf_u32(sec_at(c, kind, off));

	if (ref >= c->sec[POTNPU_MF_SEC_STRINGS].size)
		return lib_mf_err("%s section (byte %llu): %s: string reference %u is outside STRINGS (%llu bytes)",
			      lib_mf_section_name(kind), sec_byte(c, kind, off), what, ref,
			      (unsigned long long)c->sec[POTNPU_MF_SEC_STRINGS].size);
	*s = (const char *)sec_at(c, POTNPU_MF_SEC_STRINGS, ref);
	return 0;
}

static int check_strings(const struct mf_ctx *c)
{
	uint64_t n = c->sec[POTNPU_MF_SEC_STRINGS].size;

	if (!n || *sec_at(c, POTNPU_MF_SEC_STRINGS, 0) ||
	    *sec_at(c, POTNPU_MF_SEC_STRINGS, n - 1))
		return lib_mf_err("STRINGS section (byte %llu): must start and end with a NUL byte",
			      sec_byte(c, POTNPU_MF_SEC_STRINGS, 0));
	return 0;
}

/* Section @kind holds exactly @count records of @size bytes. */
static int check_count(const struct mf_ctx *c, uint32_t kind, uint64_t count,
		       uint64_t size, const char *what)
{
	if (c->sec[kind].size != count * size)
		return lib_mf_err("%s section (byte %llu): %llu bytes, but %s %llu needs %llu",
			      lib_mf_section_name(kind), sec_byte(c, kind, 0),
			      (unsigned long long)c->sec[kind].size, what,
			      (unsigned long long)count,
			      (unsigned long long)(count * size));
	return 0;
}

static int check_limit(const struct mf_ctx *c, uint64_t off, uint32_t v,
		       uint32_t lo, uint32_t hi, const char *what)
{
	if (v < lo || v > hi)
		return lib_mf_err("MODEL section (byte %llu): %s %u is not %u..%u",
			      sec_byte(c, POTNPU_MF_SEC_MODEL, off), what, v, lo, hi);
	return 0;
}

static int parse_model(struct mf_ctx *c)
{
	struct potnpu_model_desc *d = &c->m->d;
	const uint8_t *p = sec_at(c, POTNPU_MF_SEC_MODEL, 0);
	int err;

	if (c->sec[POTNPU_MF_SEC_MODEL].size != sizeof(struct potnpu_mf_model))
		return lib_mf_err("MODEL section (byte %llu): %llu bytes, expected %zu",
			      sec_byte(c, POTNPU_MF_SEC_MODEL, 0),
			      (unsigned long long)c->sec[POTNPU_MF_SEC_MODEL].size,
			      sizeof(struct potnpu_mf_model));
	d->ntensors = mf_u32(p + MOD(tensor_count));
	d->nnodes = mf_u32(p + MOD(node_count));
	d->nlabels = mf_u32(p + MOD(label_count));
	d->input = mf_u32(p + MOD(input));
	d->output = mf_u32(p + MOD(output));
	err = check_limit(c, MOD(tensor_count), d->ntensors, 1, POTNPU_MF_MAX_TENSORS, "tensor_count");
	if (!err)
		err = check_limit(c, MOD(node_count), d->nnodes, 1, POTNPU_MF_MAX_NODES, "node_count");
	if (!err)
		err = check_limit(c, MOD(input), d->input, 0, d->ntensors - 1, "input tensor");
	if (!err)
		err = check_limit(c, MOD(output), d->output, 0, d->ntensors - 1, "output tensor");
	if (!err)
		err = check_limit(c, MOD(reserved), mf_u32(p + MOD(reserved)), 0, 0, "reserved");
	if (!err)
		err = string_ref(c, POTNPU_MF_SEC_MODEL, MOD(name), "name", &d->name);
	if (!err)
		err = string_ref(c, POTNPU_MF_SEC_MODEL, MOD(producer), "producer", &d->producer);
	return err;
}

static int tensor_err(const struct mf_ctx *c, uint32_t i, size_t field,
		      const char *what, long long v)
{
	return lib_mf_err("TENSORS section (byte %llu): tensor %u: %s %lld is invalid",
		      sec_byte(c, POTNPU_MF_SEC_TENSORS, (uint64_t)i * TENSOR_SIZE + field),
		      i, what, v);
}

static int parse_tensor(struct mf_ctx *c, uint32_t i, struct potnpu_model_tensor *t)
{
	const uint8_t *p = sec_at(c, POTNPU_MF_SEC_TENSORS, (uint64_t)i * TENSOR_SIZE);

	t->n = mf_u32(p + TEN(n));
	t->h = mf_u32(p + TEN(h));
	t->w = mf_u32(p + TEN(w));
	t->c = mf_u32(p + TEN(c));
	t->cstride = mf_u32(p + TEN(cstride));
	t->scale = lib_mf_f32(p + TEN(scale));
	t->zero_point = (int32_t)mf_u32(p + TEN(zero_point));
	t->role = mf_u32(p + TEN(role));
	if (t->n != 1)
		return tensor_err(c, i, TEN(n), "n (images)", t->n);
	if (!t->h || t->h > POTNPU_LAYER_MAX_DIM)
		return tensor_err(c, i, TEN(h), "height", t->h);
	if (!t->w || t->w > POTNPU_LAYER_MAX_DIM)
		return tensor_err(c, i, TEN(w), "width", t->w);
	if (!t->c || t->c > POTNPU_LAYER_MAX_CHANNELS)
		return tensor_err(c, i, TEN(c), "channels", t->c);
	if (t->cstride < t->c || t->cstride > POTNPU_LAYER_MAX_CHANNELS)
		return tensor_err(c, i, TEN(cstride), "pixel stride", t->cstride);
	if (!(t->scale > 0) || !isfinite(t->scale))
		return lib_mf_err("TENSORS section (byte %llu): tensor %u: scale %g is not positive and finite",
			      sec_byte(c, POTNPU_MF_SEC_TENSORS, (uint64_t)i * TENSOR_SIZE + TEN(scale)),
			      i, (double)t->scale);
	if (t->zero_point < -128 || t->zero_point > 127)
		return tensor_err(c, i, TEN(zero_point), "zero point", t->zero_point);
	if (t->role < POTNPU_TENSOR_INPUT || t->role > POTNPU_TENSOR_INTERMEDIATE)
		return tensor_err(c, i, TEN(role), "role", t->role);
	return 0;
}

static int parse_tensors(struct mf_ctx *c)
{
	struct potnpu_model *m = c->m;
	uint32_t i;
	int err;

	err = check_count(c, POTNPU_MF_SEC_TENSORS, m->d.ntensors, TENSOR_SIZE,
			  "tensor_count");
	if (err)
		return err;
	m->tensors = calloc(m->d.ntensors, sizeof(*m->tensors));
	if (!m->tensors)
		return lib_set_error(-ENOMEM, "model: out of memory for %u tensors",
				     m->d.ntensors);
	m->d.tensors = m->tensors;
	for (i = 0; i < m->d.ntensors; i++) {
		err = parse_tensor(c, i, &m->tensors[i]);
		if (err)
			return err;
	}
	return 0;
}

static int parse_pre_floats(struct mf_ctx *c, uint32_t ch)
{
	struct potnpu_model *m = c->m;
	uint32_t i;

	m->pre = calloc(2 * (size_t)ch, sizeof(float));
	if (!m->pre)
		return lib_set_error(-ENOMEM, "model: out of memory");
	for (i = 0; i < 2 * ch; i++)
		m->pre[i] = lib_mf_f32(sec_at(c, POTNPU_MF_SEC_INPUT,
					  sizeof(struct potnpu_mf_input) + 4 * (uint64_t)i));
	for (i = 0; i < ch; i++)
		if (!isfinite(m->pre[i]) || !(m->pre[ch + i] > 0) || !isfinite(m->pre[ch + i]))
			return lib_mf_err("INPUT section (byte %llu): channel %u: mean %g, std %g (std must be positive, both finite)",
				      sec_byte(c, POTNPU_MF_SEC_INPUT, sizeof(struct potnpu_mf_input)),
				      i, (double)m->pre[i], (double)m->pre[ch + i]);
	m->d.pre.mean = m->pre;
	m->d.pre.std = m->pre + ch;
	return 0;
}

static int parse_input(struct mf_ctx *c)
{
	struct potnpu_model_input *pre = &c->m->d.pre;
	const uint8_t *p = sec_at(c, POTNPU_MF_SEC_INPUT, 0);
	uint32_t in_c = c->m->tensors[c->m->d.input].c;
	int err;

	if (c->sec[POTNPU_MF_SEC_INPUT].size < sizeof(struct potnpu_mf_input))
		return lib_mf_err("INPUT section (byte %llu): %llu bytes, shorter than its head",
			      sec_byte(c, POTNPU_MF_SEC_INPUT, 0),
			      (unsigned long long)c->sec[POTNPU_MF_SEC_INPUT].size);
	pre->kind = mf_u32(p + INP(kind));
	pre->channels = mf_u32(p + INP(channels));
	if (pre->kind > POTNPU_INPUT_IMAGE_U8 || mf_u32(p + INP(reserved)) ||
	    mf_u32(p + INP(reserved) + 4))
		return lib_mf_err("INPUT section (byte %llu): kind %u is unknown or reserved bytes are set",
			      sec_byte(c, POTNPU_MF_SEC_INPUT, 0), pre->kind);
	if (pre->channels != in_c)
		return lib_mf_err("INPUT section (byte %llu): %u channels, the input tensor %u has %u",
			      sec_byte(c, POTNPU_MF_SEC_INPUT, INP(channels)),
			      pre->channels, c->m->d.input, in_c);
	err = check_count(c, POTNPU_MF_SEC_INPUT, 1,
			  sizeof(struct potnpu_mf_input) +
			  (pre->kind == POTNPU_INPUT_IMAGE_U8 ? 8 * (uint64_t)in_c : 0),
			  "input head and floats");
	if (err || pre->kind != POTNPU_INPUT_IMAGE_U8)
		return err;
	return parse_pre_floats(c, in_c);
}

static int parse_labels(struct mf_ctx *c)
{
	struct potnpu_model *m = c->m;
	uint32_t n = m->d.nlabels, out_c = m->tensors[m->d.output].c, i;
	int err;

	if (n && n != out_c)
		return lib_mf_err("MODEL section (byte %llu): label_count %u does not match the output tensor's %u channels",
			      sec_byte(c, POTNPU_MF_SEC_MODEL, MOD(label_count)), n, out_c);
	if (!n && !c->sec[POTNPU_MF_SEC_LABELS].present)
		return 0;
	if (!c->sec[POTNPU_MF_SEC_LABELS].present)
		return lib_mf_err("section table: label_count %u but no LABELS section", n);
	err = check_count(c, POTNPU_MF_SEC_LABELS, n, 4, "label_count");
	if (err || !n)
		return err;
	m->labels = calloc(n, sizeof(*m->labels));
	if (!m->labels)
		return lib_set_error(-ENOMEM, "model: out of memory for %u labels", n);
	m->d.labels = m->labels;
	for (i = 0; i < n && !err; i++)
		err = string_ref(c, POTNPU_MF_SEC_LABELS, 4 * (uint64_t)i, "label", &m->labels[i]);
	return err;
}

static void read_layer(const uint8_t *p, struct potnpu_layer *l)
{
	unsigned int i = 0;

#define READ_FIELD(f) l->f = (__typeof__(l->f))mf_u32(p + 4 * i++);
	POTNPU_MF_LAYER_FIELDS(READ_FIELD)
#undef READ_FIELD
}

static int parse_node(struct mf_ctx *c, uint32_t i, struct potnpu_model_node *n)
{
	uint64_t at = (uint64_t)i * NODE_SIZE;
	const uint8_t *p = sec_at(c, POTNPU_MF_SEC_NODES, at);
	uint32_t scheme = mf_u32(p + NODE(scheme));
	char what[32];
	int err;

	n->kind = mf_u32(p + NODE(kind));
	n->in = mf_u32(p + NODE(in));
	n->in2 = mf_u32(p + NODE(in2));
	n->out = mf_u32(p + NODE(out));
	n->in_coff = mf_u32(p + NODE(in_coff));
	n->in2_coff = mf_u32(p + NODE(in2_coff));
	n->out_coff = mf_u32(p + NODE(out_coff));
	n->scheme = scheme ? (enum potnpu_scheme_kind)(scheme - 1) : POTNPU_SCHEME_UNIFORM8;
	n->scheme_param = mf_u32(p + NODE(scheme_param));
	n->sqnr = lib_mf_f32(p + NODE(sqnr));
	read_layer(p + NODE(layer), &n->layer);
	snprintf(what, sizeof(what), "node %u name", i);
	err = string_ref(c, POTNPU_MF_SEC_NODES, at + NODE(name), what, &n->name);
	if (!err)
		err = string_ref(c, POTNPU_MF_SEC_NODES, at + NODE(scheme_name), what,
				 &n->scheme_name);
	if (!err && mf_u32(p + NODE(reserved)))
		err = lib_mf_err("NODES section (byte %llu): node %u: reserved field is set",
			     sec_byte(c, POTNPU_MF_SEC_NODES, at + NODE(reserved)), i);
	return err;
}

static int parse_nodes(struct mf_ctx *c)
{
	struct potnpu_model *m = c->m;
	uint32_t i;
	int err;

	err = check_count(c, POTNPU_MF_SEC_NODES, m->d.nnodes, NODE_SIZE, "node_count");
	if (err)
		return err;
	m->nodes = calloc(m->d.nnodes, sizeof(*m->nodes));
	m->blocks = calloc(m->d.nnodes, sizeof(*m->blocks));
	if (!m->nodes || !m->blocks)
		return lib_set_error(-ENOMEM, "model: out of memory for %u nodes",
				     m->d.nnodes);
	m->d.nodes = m->nodes;
	for (i = 0; i < m->d.nnodes; i++) {
		err = parse_node(c, i, &m->nodes[i]);
		if (err)
			return err;
	}
	return 0;
}

int lib_mf_parse_records(struct mf_ctx *c)
{
	int err = check_strings(c);

	if (!err)
		err = parse_model(c);
	if (!err)
		err = parse_tensors(c);
	if (!err)
		err = parse_input(c);
	if (!err)
		err = parse_labels(c);
	if (!err)
		err = parse_nodes(c);
	return err;
}
