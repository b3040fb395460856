// SPDX-License-Identifier: MIT
/*
 * Model files: two small models (conv + ReLU, max pool, fully connected,
 * Softmax; and an ADD residual with a depthwise conv and a concatenation)
 * written, read back and compared field by field; then every truncation,
 * a bit flip at every byte, and each field corrupted in turn, each
 * refused with the message that names it.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "libpotnpu.h"
#include "potnpu_model_format.h"
#include "test_models.h"

static void *write_model(const struct store *s, size_t *size)
{
	void *buf;

	assert_int_equal(potnpu_model_write(&s->d, &buf, size), 0);
	return buf;
}

static void assert_str(const char *want, const char *got)
{
	assert_string_equal(want ? want : "", got);
}

static void same_node(const struct potnpu_model_node *a, const struct potnpu_model_node *b)
{
	struct potnpu_layer_sizes sz;

	assert_int_equal(a->kind, b->kind);
	assert_int_equal(a->in, b->in);
	assert_int_equal(a->in2, b->in2);
	assert_int_equal(a->out, b->out);
	assert_int_equal(a->in_coff, b->in_coff);
	assert_int_equal(a->in2_coff, b->in2_coff);
	assert_int_equal(a->out_coff, b->out_coff);
	assert_memory_equal(&a->layer, &b->layer, sizeof(a->layer));
	assert_str(a->name, b->name);
	assert_str(a->scheme_name, b->scheme_name);
	assert_true(isnan(a->sqnr) ? isnan(b->sqnr) : a->sqnr == b->sqnr);
	potnpu_layer_sizes(&a->layer, &sz);
	assert_int_equal(!!a->chan, !!b->chan);
	if (a->kind == POTNPU_NODE_SOFTMAX)
		return;
	if (a->layer.op == POTNPU_LAYER_CONV2D) {
		assert_int_equal(a->scheme, b->scheme);
		assert_int_equal(a->scheme_param, b->scheme_param);
		assert_memory_equal(a->weights, b->weights, sz.weights);
		assert_memory_equal(a->table, b->table, sz.table);
		assert_memory_equal(a->wscale, b->wscale, 4 * a->layer.out_c);
	} else {
		assert_null(b->weights);
		assert_null(b->table);
		assert_null(b->wscale);
	}
	for (uint32_t o = 0; a->chan && o < a->layer.out_c; o++) {
		assert_int_equal(a->chan[o].bias, b->chan[o].bias);
		assert_int_equal(a->chan[o].m, b->chan[o].m);
		assert_int_equal(a->chan[o].shift, b->chan[o].shift);
	}
}

static void same_desc(const struct potnpu_model_desc *a, const struct potnpu_model_desc *b)
{
	uint32_t i;

	assert_str(a->name, b->name);
	assert_str(a->producer, b->producer);
	assert_int_equal(a->ntensors, b->ntensors);
	assert_memory_equal(a->tensors, b->tensors, a->ntensors * sizeof(*a->tensors));
	assert_int_equal(a->nnodes, b->nnodes);
	for (i = 0; i < a->nnodes; i++)
		same_node(&a->nodes[i], &b->nodes[i]);
	assert_int_equal(a->input, b->input);
	assert_int_equal(a->output, b->output);
	assert_int_equal(a->pre.kind, b->pre.kind);
	assert_int_equal(a->pre.channels, b->pre.channels);
	if (a->pre.kind == POTNPU_INPUT_IMAGE_U8) {
		assert_memory_equal(a->pre.mean, b->pre.mean, 4 * a->pre.channels);
		assert_memory_equal(a->pre.std, b->pre.std, 4 * a->pre.channels);
	}
	assert_int_equal(a->nlabels, b->nlabels);
	for (i = 0; i < a->nlabels; i++)
		assert_string_equal(a->labels[i], b->labels[i]);
}

static void round_trip(void (*build)(struct store *))
{
	struct store s;
	struct potnpu_model *m;
	size_t size;
	void *buf;

	build(&s);
	buf = write_model(&s, &size);
	assert_int_equal(size % 8, 0);
	assert_int_equal(potnpu_model_load_buffer(buf, size, &m), 0);
	same_desc(&s.d, potnpu_model_get(m));
	potnpu_model_free(m);
	free(buf);
	store_free(&s);
}

static void test_round_trip_chain(void **state)
{
	(void)state;
	round_trip(model_chain);
}

static void test_round_trip_residual(void **state)
{
	(void)state;
	round_trip(model_residual);
}

/* Saved and loaded through a file; the seed corpus when asked for. */
static void test_save_load(void **state)
{
	const char *corpus = getenv("POTNPU_MODEL_CORPUS");
	struct potnpu_model *m;
	struct store s;
	char path[32];

	(void)state;
	save_temp(&s, model_chain, path);
	assert_int_equal(potnpu_model_load(path, &m), 0);
	same_desc(&s.d, potnpu_model_get(m));
	assert_int_equal(potnpu_model_node_macs(&s.n[0]), 8 * 8 * 4 * 9);
	assert_int_equal(potnpu_model_node_macs(&s.n[2]), 10 * 64);
	assert_int_equal(potnpu_model_node_weight_bytes(&s.n[0]), 4 * 5 + 64 + 32);
	potnpu_model_free(m);
	unlink(path);
	assert_int_equal(potnpu_model_load(path, &m), -ENOENT);
	assert_non_null(strstr(potnpu_last_error(), path));
	assert_null(m);
	if (corpus) {
		char p[512];

		snprintf(p, sizeof(p), "%s/chain.bin", corpus);
		assert_int_equal(potnpu_model_save(&s.d, p), 0);
		store_free(&s);
		model_residual(&s);
		snprintf(p, sizeof(p), "%s/residual.bin", corpus);
		assert_int_equal(potnpu_model_save(&s.d, p), 0);
	}
	store_free(&s);
}

static void test_truncation(void **state)
{
	struct potnpu_model *m;
	struct store s;
	size_t size, len;
	uint8_t *buf;

	(void)state;
	model_chain(&s);
	buf = write_model(&s, &size);
	for (len = 0; len < size; len++) {
		uint8_t *cut = malloc(len ? len : 1);

		memcpy(cut, buf, len);
		assert_int_equal(potnpu_model_load_buffer(cut, len, &m), -EBADMSG);
		assert_null(m);
		assert_non_null(strstr(potnpu_last_error(), "truncated"));
		free(cut);
	}
	free(buf);
	store_free(&s);
}

/* A bit flip anywhere: refused (checksum); resealed: no crash either way. */
static void test_bit_flips(void **state)
{
	struct potnpu_model *m;
	struct store s;
	size_t size, i;
	uint8_t *buf;
	int err;

	(void)state;
	model_residual(&s);
	buf = write_model(&s, &size);
	for (i = 0; i < size; i++) {
		buf[i] ^= (uint8_t)(1u << (i % 8));
		err = potnpu_model_load_buffer(buf, size, &m);
		assert_true(err == -EBADMSG || err == -EPROTO);
		potnpu_model_seal(buf, size);
		err = potnpu_model_load_buffer(buf, size, &m);
		assert_true(err == 0 || err == -EBADMSG || err == -EPROTO);
		potnpu_model_free(m);
		buf[i] ^= (uint8_t)(1u << (i % 8));
		potnpu_model_seal(buf, size);
	}
	free(buf);
	store_free(&s);
}

/* Where things are in a written file. */
static uint64_t le(const uint8_t *p, unsigned int n)
{
	uint64_t v = 0;

	while (n--)
		v = v << 8 | p[n];
	return v;
}

static void put(uint8_t *p, uint64_t v, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

#define HDR(f)	offsetof(struct potnpu_mf_header, f)

/* Byte offset of the section table entry of @kind. */
static size_t entry_of(const uint8_t *b, uint32_t kind)
{
	size_t at = le(b + HDR(section_table), 8), i, n = le(b + HDR(section_count), 4);

	for (i = 0; i < n; i++, at += sizeof(struct potnpu_mf_section))
		if (le(b + at, 4) == kind)
			return at;
	fail_msg("no section %u", kind);
	return 0;
}

static size_t sec_of(const uint8_t *b, uint32_t kind)
{
	return le(b + entry_of(b, kind) + offsetof(struct potnpu_mf_section, offset), 8);
}

/* RAW is ABS without resealing the checksum. */
enum where { ABS, RAW, ENTRY, SEC, NODE, TENSOR, BLOCK };

/*
 * One corruption: @width bytes at @off of @where (@kind's section table
 * entry or section, node or tensor @idx, weight block @idx's offset plus
 * @off) become @value; expect @err and @msg.
 */
struct corruption {
	const char *name;
	enum where where;
	uint32_t kind, idx;
	size_t off;
	unsigned int width;
	uint64_t value;
	int err;
	const char *msg;
};

static size_t locate(const uint8_t *b, const struct corruption *c)
{
	switch (c->where) {
	case ABS:
	case RAW:
		return c->off;
	case ENTRY:
		return entry_of(b, c->kind) + c->off;
	case SEC:
		return sec_of(b, c->kind) + c->off;
	case NODE:
		return sec_of(b, POTNPU_MF_SEC_NODES) + c->idx * sizeof(struct potnpu_mf_node) + c->off;
	case TENSOR:
		return sec_of(b, POTNPU_MF_SEC_TENSORS) + c->idx * sizeof(struct potnpu_mf_tensor) + c->off;
	case BLOCK: {
		size_t n = sec_of(b, POTNPU_MF_SEC_NODES) + c->idx * sizeof(struct potnpu_mf_node);

		return sec_of(b, POTNPU_MF_SEC_WEIGHTS) +
		       le(b + n + offsetof(struct potnpu_mf_node, weights) + 8 * c->kind, 8) + c->off;
	}
	}
	return 0;
}

/* Return: 1 if @c went as expected, else 0 (and say why). */
static int corrupt(void (*build)(struct store *), const struct corruption *c)
{
	struct potnpu_model *m;
	struct store s;
	size_t size, at;
	uint8_t *buf;
	int err, ok;

	build(&s);
	buf = write_model(&s, &size);
	at = locate(buf, c);
	assert_true(at + c->width <= size);
	put(buf + at, c->value, c->width);
	if (c->where != RAW)
		potnpu_model_seal(buf, size);
	err = potnpu_model_load_buffer(buf, size, &m);
	ok = err == c->err && (!c->msg || strstr(potnpu_last_error(), c->msg));
	if (!ok)
		print_error("# %s: got %d \"%s\", want %d \"%s\"\n", c->name, err,
			    potnpu_last_error(), c->err, c->msg);
	potnpu_model_free(m);
	free(buf);
	store_free(&s);
	return ok;
}

#define SECF(f)	offsetof(struct potnpu_mf_section, f)
#define MODF(f)	offsetof(struct potnpu_mf_model, f)
#define TENF(f)	offsetof(struct potnpu_mf_tensor, f)
#define NODEF(f) offsetof(struct potnpu_mf_node, f)
#define LAYERF(i) (NODEF(layer) + 4 * (i))
#define BAD	-EBADMSG

static const struct corruption chain_cases[] = {
	{ "magic", ABS, 0, 0, 0, 1, 'X', BAD, "bad magic" },
	{ "major", ABS, 0, 0, HDR(major), 2, 2, -EPROTO, "format version 2.0" },
	{ "minor", ABS, 0, 0, HDR(minor), 2, 9, 0, NULL },
	{ "header_size", ABS, 0, 0, HDR(header_size), 4, 72, BAD, "header_size 72" },
	{ "file_size", ABS, 0, 0, HDR(file_size), 8, 1u << 20, BAD, "says file_size 1048576" },
	{ "checksum", RAW, 0, 0, HDR(crc32), 4, 0x12345678, BAD, "checksum mismatch" },
	{ "header flags", ABS, 0, 0, HDR(flags), 4, 1, BAD, "flags and reserved" },
	{ "no sections", ABS, 0, 0, HDR(section_count), 4, 0, BAD, "section_count 0 is not" },
	{ "too many sections", ABS, 0, 0, HDR(section_count), 4, 65, BAD, "section_count 65" },
	{ "table past the end", ABS, 0, 0, HDR(section_table), 8, 1u << 20, BAD, "section table at 1048576 (7 entries of 24 bytes) is unaligned or outside the file" },
	{ "table unaligned", ABS, 0, 0, HDR(section_table), 8, 68, BAD, "is unaligned or outside" },
	{ "section flags", ENTRY, POTNPU_MF_SEC_NODES, 0, SECF(flags), 4, 1, BAD, "section 3: flags" },
	{ "section unaligned", ENTRY, POTNPU_MF_SEC_NODES, 0, SECF(offset), 8, 1001, BAD, "(NODES): offset 1001 is not 8-byte aligned" },
	{ "section beyond the file", ENTRY, POTNPU_MF_SEC_WEIGHTS, 0, SECF(offset), 8, 1u << 24, BAD, "(WEIGHTS): bytes 16777216+" },
	{ "section size huge", ENTRY, POTNPU_MF_SEC_WEIGHTS, 0, SECF(size), 8, UINT64_MAX, BAD, "outside the file" },
	{ "section over the header", ENTRY, POTNPU_MF_SEC_STRINGS, 0, SECF(offset), 8, 0, BAD, "the header (bytes 0..63) overlaps section 1 (STRINGS)" },
	{ "section over the table", ENTRY, POTNPU_MF_SEC_MODEL, 0, SECF(offset), 8, 64, BAD, "overlaps" },
	{ "sections overlap", ENTRY, POTNPU_MF_SEC_NODES, 0, SECF(size), 8, 4096, BAD, "section 3 (NODES)" },
	{ "duplicate section", ENTRY, POTNPU_MF_SEC_LABELS, 0, 0, 4, POTNPU_MF_SEC_MODEL, BAD, "a second MODEL section" },
	{ "missing section", ENTRY, POTNPU_MF_SEC_INPUT, 0, 0, 4, 99, BAD, "no INPUT section" },
	{ "model section size", ENTRY, POTNPU_MF_SEC_MODEL, 0, SECF(size), 8, 24, BAD, "MODEL section (byte" },
	{ "tensor_count", SEC, POTNPU_MF_SEC_MODEL, 0, MODF(tensor_count), 4, 6, BAD, "but tensor_count 6 needs 192" },
	{ "tensor_count huge", SEC, POTNPU_MF_SEC_MODEL, 0, MODF(tensor_count), 4, 0x40000000, BAD, "tensor_count 1073741824 is not 1..65536" },
	{ "node_count", SEC, POTNPU_MF_SEC_MODEL, 0, MODF(node_count), 4, 3, BAD, "but node_count 3 needs" },
	{ "node_count 0", SEC, POTNPU_MF_SEC_MODEL, 0, MODF(node_count), 4, 0, BAD, "node_count 0 is not" },
	{ "label_count", SEC, POTNPU_MF_SEC_MODEL, 0, MODF(label_count), 4, 9, BAD, "label_count 9 does not match the output tensor's 10 channels" },
	{ "input index", SEC, POTNPU_MF_SEC_MODEL, 0, MODF(input), 4, 5, BAD, "input tensor 5 is not 0..4" },
	{ "output index", SEC, POTNPU_MF_SEC_MODEL, 0, MODF(output), 4, 0xffffffff, BAD, "output tensor 4294967295" },
	{ "model reserved", SEC, POTNPU_MF_SEC_MODEL, 0, MODF(reserved), 4, 1, BAD, "reserved 1" },
	{ "name reference", SEC, POTNPU_MF_SEC_MODEL, 0, MODF(name), 4, 100000, BAD, "name: string reference 100000 is outside STRINGS" },
	{ "strings unterminated", ENTRY, POTNPU_MF_SEC_STRINGS, 0, SECF(size), 8, 5, BAD, "must start and end with a NUL" },
	{ "tensor images", TENSOR, 0, 2, TENF(n), 4, 2, BAD, "tensor 2: n (images) 2" },
	{ "tensor height", TENSOR, 0, 1, TENF(h), 4, 0, BAD, "tensor 1: height 0" },
	{ "tensor channels", TENSOR, 0, 1, TENF(c), 4, 9000, BAD, "tensor 1: channels 9000" },
	{ "tensor stride", TENSOR, 0, 1, TENF(cstride), 4, 3, BAD, "tensor 1: pixel stride 3" },
	{ "tensor scale NaN", TENSOR, 0, 3, TENF(scale), 4, 0x7fc00000, BAD, "tensor 3: scale nan" },
	{ "tensor zero point", TENSOR, 0, 3, TENF(zero_point), 4, 128, BAD, "tensor 3: zero point 128" },
	{ "tensor role", TENSOR, 0, 3, TENF(role), 4, 4, BAD, "tensor 3: role 4" },
	{ "role against the model", TENSOR, 0, 3, TENF(role), 4, 2, BAD, "tensor 3: role 2, but the MODEL section makes it an intermediate" },
	{ "input kind", SEC, POTNPU_MF_SEC_INPUT, 0, 0, 4, 7, BAD, "INPUT section (byte" },
	{ "input channels", SEC, POTNPU_MF_SEC_INPUT, 0, 4, 4, 3, BAD, "3 channels, the input tensor 0 has 1" },
	{ "input std", SEC, POTNPU_MF_SEC_INPUT, 0, 20, 4, 0, BAD, "channel 0: mean" },
	{ "label reference", SEC, POTNPU_MF_SEC_LABELS, 0, 8, 4, 0xfffffff0, BAD, "LABELS section" },
	{ "node kind", NODE, 0, 1, NODEF(kind), 4, 7, BAD, "node 1: kind 7 is unknown" },
	{ "softmax not last", NODE, 0, 1, NODEF(kind), 4, POTNPU_NODE_SOFTMAX, BAD, "node 1: Softmax is only allowed as the last node" },
	{ "maxpool changes the zero point", NODE, 0, 1, LAYERF(25), 4, 3, BAD, "output zero point 3, tensor 2 has -5" },
	{ "maxpool changes the scale", TENSOR, 0, 2, TENF(scale), 4, 0x3f800000, BAD, "node 1: MAXPOOL's input and output differ in scale or zero point" },
	{ "softmax with fields", NODE, 0, 3, LAYERF(0), 4, 0x10, BAD, "node 3: Softmax takes one whole tensor" },
	{ "input index of a node", NODE, 0, 1, NODEF(in), 4, 99, BAD, "node 1: input tensor 99 is out of range (5 tensors)" },
	{ "output index of a node", NODE, 0, 2, NODEF(out), 4, 5, BAD, "node 2: output tensor 5 is out of range" },
	{ "in2 on a non-ADD", NODE, 0, 1, NODEF(in2), 4, 1, BAD, "node 1: in2 1 (channel 0) on an op without a second input" },
	{ "channel slice", NODE, 0, 2, NODEF(out_coff), 4, 1, BAD, "node 2: output channels 1..10 are outside tensor 3's 10 channels" },
	{ "layer the device refuses", NODE, 0, 0, LAYERF(9), 4, 0, BAD, "node 0: the device refuses the layer: kh = 0" },
	{ "unknown op", NODE, 0, 1, LAYERF(0), 4, 0x15, BAD, "unknown op 0x15" },
	{ "stride against the tensor", NODE, 0, 0, LAYERF(8), 4, 5, BAD, "node 0: output tensor 1 is 8 x 8 at pixel stride 4, the layer says 8 x 8 at 5" },
	{ "zero point against the tensor", NODE, 0, 2, LAYERF(25), 4, 4, BAD, "output zero point 4, tensor 3 has 3" },
	{ "node name reference", NODE, 0, 0, NODEF(name), 4, 0x7fffffff, BAD, "node 0 name: string reference" },
	{ "node reserved", NODE, 0, 0, NODEF(reserved), 4, 1, BAD, "node 0: reserved field" },
	{ "scheme unknown", NODE, 0, 0, NODEF(scheme), 4, 9, BAD, "node 0: scheme 9 is unknown" },
	{ "scheme parameter", NODE, 0, 0, NODEF(scheme_param), 4, 9, BAD, "node 0: scheme 4 parameter 9" },
	{ "scheme code width", NODE, 0, 0, NODEF(scheme_param), 4, 5, BAD, "wbits 4, the scheme's codes have 5 bits" },
	{ "scheme on a pool", NODE, 0, 1, NODEF(scheme), 4, 1, BAD, "node 1: scheme 1 on an op without weights" },
	{ "table word rules", BLOCK, 1, 0, 4, 4, 0x70, BAD, "node 0: table word 1 = 0x00000070 breaks the term rules" },
	{ "table word scheme", BLOCK, 1, 0, 4, 4, 0x41, BAD, "table word 1 = 0x00000041, the scheme's is" },
	{ "channel record shift", BLOCK, 2, 2, 6, 1, 63, BAD, "node 2: channel record 0: shift 63" },
	{ "channel record reserved", BLOCK, 2, 2, 15, 1, 1, BAD, "channel record 1: shift" },
	{ "weights unaligned", NODE, 0, 0, NODEF(weights), 8, 4, BAD, "node 0: weights block at 4" },
	{ "weights outside", NODE, 0, 2, NODEF(table), 8, 1u << 20, BAD, "node 2: table block at 1048576 (512 bytes) is unaligned or outside WEIGHTS" },
	{ "weights on a pool", NODE, 0, 1, NODEF(weights), 8, 8, BAD, "node 1: weights offset 8 on an op without weights" },
	{ "weight blocks overlap", NODE, 0, 2, NODEF(table), 8, 0, BAD, "WEIGHTS section: node 0's weights" },
	{ "wscale outside", NODE, 0, 0, NODEF(wscale), 8, UINT64_MAX - 7, BAD, "wscale block" },
};

static const struct corruption residual_cases[] = {
	{ "forward reference", NODE, 0, 0, NODEF(in), 4, 2, BAD, "node 0: input tensor 2 is not produced by the input or an earlier node" },
	{ "cycle", NODE, 0, 1, NODEF(in2), 4, 2, BAD, "node 1: second input tensor 2 is not produced" },
	{ "second input index", NODE, 0, 1, NODEF(in2), 4, 77, BAD, "node 1: second input tensor 77 is out of range" },
	{ "writes the input", NODE, 0, 0, NODEF(out), 4, 0, BAD, "node 0 writes the model input tensor 0" },
	{ "slices overlap", NODE, 0, 3, NODEF(out_coff), 4, 1, BAD, "node 3 writes channel 1 of tensor 3, already written" },
	{ "slice never written", NODE, 0, 3, NODEF(out_coff), 4, 0, BAD, "node 3 writes channel 0 of tensor 3" },
	{ "image input without floats", SEC, POTNPU_MF_SEC_INPUT, 0, 0, 4, POTNPU_INPUT_IMAGE_U8, BAD, "but input head and floats 1 needs 32" },
	{ "labels without a section", SEC, POTNPU_MF_SEC_MODEL, 0, MODF(label_count), 4, 4, BAD, "but label_count 4 needs 16" },
	{ "depthwise groups", NODE, 0, 3, LAYERF(19), 4, 3, BAD, "groups = 3" },
	{ "pool records missing", NODE, 0, 4, NODEF(chan), 8, 1u << 16, BAD, "node 4: chan block" },
	{ "unknown section kind skipped", ENTRY, POTNPU_MF_SEC_LABELS, 0, 0, 4, 99, 0, NULL },
	{ "fitted: any table by the rules", NODE, 0, 3, NODEF(scheme), 4, POTNPU_SCHEME_FITTED + 1, 0, NULL },
};

static void test_corruptions(void **state)
{
	size_t i, n = 0, ok = 0;

	(void)state;
	for (i = 0; i < sizeof(chain_cases) / sizeof(chain_cases[0]); i++, n++)
		ok += corrupt(model_chain, &chain_cases[i]);
	for (i = 0; i < sizeof(residual_cases) / sizeof(residual_cases[0]); i++, n++)
		ok += corrupt(model_residual, &residual_cases[i]);
	assert_int_equal(ok, n);
}

/* The writer refuses what the reader would, with the reader's words. */
static void test_writer_refuses(void **state)
{
	struct store s;
	size_t size;
	void *buf = (void *)1;

	(void)state;
	model_residual(&s);
	s.n[0].in = 2;
	assert_int_equal(potnpu_model_write(&s.d, &buf, &size), -EINVAL);
	assert_null(buf);
	assert_non_null(strstr(potnpu_last_error(), "node 0: input tensor 2 is not produced"));
	s.n[0].in = 0;
	s.n[0].layer.kh = 0;
	assert_int_equal(potnpu_model_write(&s.d, &buf, &size), -EINVAL);
	assert_non_null(strstr(potnpu_last_error(), "node 0: layer: kh = 0"));
	s.n[0].layer.kh = 1;
	s.n[4].chan = NULL;
	assert_int_equal(potnpu_model_write(&s.d, &buf, &size), -EINVAL);
	assert_non_null(strstr(potnpu_last_error(), "node 4: its op needs channel records"));
	s.n[4].chan = s.chan[4];
	s.n[2].table = NULL;
	assert_int_equal(potnpu_model_write(&s.d, &buf, &size), -EINVAL);
	assert_non_null(strstr(potnpu_last_error(),
			       "node 2: its op needs weight rows, a decode table, channel records"));
	assert_int_equal(potnpu_model_write(NULL, &buf, &size), -EINVAL);
	assert_int_equal(potnpu_model_load_buffer(NULL, 4, NULL), -EINVAL);
	assert_int_equal(potnpu_model_seal(&size, 4), -EINVAL);
	store_free(&s);
}

/* The output and exit status of potnpu-model-info @args (stderr too). */
static int run_tool(const char *args, char *out, size_t len)
{
	const char *dir = getenv("POTNPU_BIN_DIR"), *wrap = getenv("POTNPU_TOOL_WRAPPER");
	char cmd[1024], self[512];
	size_t n = 0;
	ssize_t r;
	FILE *f;
	int st;

	if (!dir) {	/* $(O)/tests/test_model: the tools are in $(O)/bin */
		r = readlink("/proc/self/exe", self, sizeof(self) - 1);
		assert_true(r > 0);
		self[r] = 0;
		*strrchr(self, '/') = 0;
		strcat(self, "/../bin");
		dir = self;
	}
	snprintf(cmd, sizeof(cmd), "%s %s/potnpu-model-info %s 2>&1",
		 wrap ? wrap : "", dir, args);
	f = popen(cmd, "r");
	assert_non_null(f);
	while (n + 1 < len && (r = (ssize_t)fread(out + n, 1, len - 1 - n, f)) > 0)
		n += (size_t)r;
	out[n] = 0;
	st = pclose(f);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* potnpu-model-info prints what the accessors say, and refuses bad files. */
static void test_model_info(void **state)
{
	char path[32], args[128], out[16384];
	struct store s;
	size_t size;
	uint8_t *buf;
	FILE *f;

	(void)state;
	save_temp(&s, model_residual, path);
	assert_int_equal(run_tool(path, out, sizeof(out)), 0);
	assert_non_null(strstr(out, "depthwise   concat_b_depthwise    2        3[2..3]"));
	assert_non_null(strstr(out, "total: 416 MACs, 1248 weight bytes"));
	snprintf(args, sizeof(args), "--json %s", path);
	assert_int_equal(run_tool(args, out, sizeof(out)), 0);
	assert_non_null(strstr(out, "\"op\": \"add\",\n      \"name\": \"\",\n      \"inputs\": [\n        0,\n        1\n"));
	assert_non_null(strstr(out, "\"scheme\": \"pot4\",\n      \"wbits\": 4,\n      \"weight_bytes\": 82,\n      \"macs\": 64,"));
	buf = write_model(&s, &size);
	f = fopen(path, "wb");
	assert_int_equal(fwrite(buf, 1, size - 1, f), size - 1);
	fclose(f);
	assert_int_equal(run_tool(path, out, sizeof(out)), 65);
	assert_non_null(strstr(out, "truncated or extended"));
	unlink(path);
	assert_int_equal(run_tool(path, out, sizeof(out)), 66);
	assert_int_equal(run_tool("", out, sizeof(out)), 64);
	free(buf);
	store_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip_chain),
		cmocka_unit_test(test_round_trip_residual),
		cmocka_unit_test(test_save_load),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_bit_flips),
		cmocka_unit_test(test_corruptions),
		cmocka_unit_test(test_writer_refuses),
		cmocka_unit_test(test_model_info),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
