/* SPDX-License-Identifier: MIT */
/*
 * The on-disk layout of a potnpu model file (model.bin), written by the
 * compiler and read by libpotnpu on the host; the device never sees it, so
 * this header is userspace's. docs/model-format.md says what every field
 * means and which rules a reader enforces; this header fixes the bytes.
 *
 * All fields little endian, offsets in bytes from the start of the file
 * (sections) or of the WEIGHTS section (weight blocks). The structures
 * document the layout: the library reads and writes the bytes at their
 * offsetof() positions, never the structures themselves.
 */
#ifndef POTNPU_MODEL_FORMAT_H
#define POTNPU_MODEL_FORMAT_H

#include <stdint.h>

#define POTNPU_MF_MAGIC		"POTNPUMD"	/* 8 bytes, no NUL */
#define POTNPU_MF_MAJOR		1
#define POTNPU_MF_MINOR		0
#define POTNPU_MF_ALIGN		8		/* sections, weight blocks */
#define POTNPU_MF_MAX_SIZE	(1u << 30)	/* a file is at most 1 GiB */
#define POTNPU_MF_MAX_SECTIONS	64
#define POTNPU_MF_MAX_TENSORS	65536
#define POTNPU_MF_MAX_NODES	65536
#define POTNPU_MF_NONE		0xffffffffu	/* no tensor (in2 of a non-ADD) */

/**
 * struct potnpu_mf_header - the first 64 bytes
 * @magic: POTNPU_MF_MAGIC
 * @major: format major; readers refuse any other
 * @minor: format minor; readers accept any (a minor only adds section kinds)
 * @header_size: 64
 * @file_size: bytes of the whole file
 * @crc32: CRC-32 (IEEE, as firmware images) of the whole file with this
 *	field read as zero
 * @section_count: entries of the section table, 1..POTNPU_MF_MAX_SECTIONS
 * @section_table: offset of the table (8-byte aligned)
 * @flags: zero
 * @reserved: zero
 */
struct potnpu_mf_header {
	char magic[8];
	uint16_t major;
	uint16_t minor;
	uint32_t header_size;
	uint64_t file_size;
	uint32_t crc32;
	uint32_t section_count;
	uint64_t section_table;
	uint32_t flags;
	uint32_t reserved[5];
};

/* Section kinds; each at most once. MODEL..INPUT are required. */
enum potnpu_mf_section_kind {
	POTNPU_MF_SEC_MODEL = 1,	/* struct potnpu_mf_model */
	POTNPU_MF_SEC_STRINGS = 2,	/* NUL-terminated UTF-8, byte 0 is NUL */
	POTNPU_MF_SEC_TENSORS = 3,	/* tensor_count struct potnpu_mf_tensor */
	POTNPU_MF_SEC_NODES = 4,	/* node_count struct potnpu_mf_node */
	POTNPU_MF_SEC_INPUT = 5,	/* struct potnpu_mf_input + 2 * C floats */
	POTNPU_MF_SEC_LABELS = 6,	/* label_count string references (u32) */
	POTNPU_MF_SEC_WEIGHTS = 7,	/* weight blocks the nodes point into */
	POTNPU_MF_SEC_KINDS = 8		/* 1..7 are defined */
};

/**
 * struct potnpu_mf_section - one entry of the section table (24 bytes)
 * @kind: enum potnpu_mf_section_kind (unknown kinds are skipped)
 * @flags: zero
 * @offset: from the start of the file, POTNPU_MF_ALIGN aligned
 * @size: bytes; sections, the header and the table do not overlap
 */
struct potnpu_mf_section {
	uint32_t kind;
	uint32_t flags;
	uint64_t offset;
	uint64_t size;
};

/**
 * struct potnpu_mf_model - the MODEL section (32 bytes)
 * @name: string reference (offset in STRINGS; 0 is "")
 * @producer: the compiler's version string
 * @tensor_count: 1..POTNPU_MF_MAX_TENSORS
 * @node_count: 1..POTNPU_MF_MAX_NODES
 * @label_count: 0, or the output tensor's channels
 * @input: tensor index of the model input
 * @output: tensor index of the model output
 * @reserved: zero
 */
struct potnpu_mf_model {
	uint32_t name;
	uint32_t producer;
	uint32_t tensor_count;
	uint32_t node_count;
	uint32_t label_count;
	uint32_t input;
	uint32_t output;
	uint32_t reserved;
};

/**
 * struct potnpu_mf_tensor - one tensor (32 bytes)
 * @n: images, 1
 * @h: height
 * @w: width
 * @c: channels
 * @cstride: pixel stride in bytes, >= @c
 * @scale: float32 (IEEE 754 binary32), real = scale * (q - zero_point)
 * @zero_point: -128..127 (two's complement int32)
 * @role: 1 model input, 2 model output, 3 intermediate
 */
struct potnpu_mf_tensor {
	uint32_t n, h, w, c, cstride;
	uint32_t scale;
	int32_t zero_point;
	uint32_t role;
};

/* The fields of struct potnpu_layer (libpotnpu.h), in the node's order. */
#define POTNPU_MF_LAYER_FIELDS(X)					\
	X(op) X(in_h) X(in_w) X(in_c) X(in_cstride) X(out_h) X(out_w)	\
	X(out_c) X(out_cstride) X(kh) X(kw) X(sh) X(sw) X(dh) X(dw)	\
	X(pad_t) X(pad_l) X(pad_b) X(pad_r) X(groups) X(wbits) X(flags)	\
	X(in2_cstride) X(in_zp) X(in2_zp) X(out_zp) X(lo) X(hi)	\
	X(shift) X(m_a) X(m_b)
#define POTNPU_MF_LAYER_WORDS	31

/**
 * struct potnpu_mf_node - one node of the graph, in execution order
 *	(208 bytes)
 * @kind: 1 layer (a layer command), 2 softmax (on the host, last node only)
 * @in: input tensor (ADD: a)
 * @in2: ADD's b, else POTNPU_MF_NONE
 * @out: output tensor
 * @in_coff: first channel of @in the layer reads (a slice)
 * @in2_coff: first channel of @in2 (ADD), else 0
 * @out_coff: first channel of @out the layer writes (concatenation)
 * @scheme: CONV2D: enum potnpu_scheme_kind + 1; else 0
 * @scheme_param: b (PoT, APoT), n (n-hot), else 0
 * @name: string reference: the ONNX node's name
 * @scheme_name: string reference: e.g. "apot4"
 * @sqnr: float32, SQNR against float in dB, NaN when not measured
 * @layer: the struct potnpu_layer fields in POTNPU_MF_LAYER_FIELDS order,
 *	each a u32 (zero points and clamp bounds two's complement)
 * @reserved: zero
 * @weights: CONV2D: out_c packed rows (potnpu_layer_pack_weights())
 * @table: CONV2D: 1 << wbits decode words
 * @chan: CONV2D, AVGPOOL, REQUANT: out_c 8-byte records (bias, M, shift,
 *	zero; struct potnpu_chan_param)
 * @wscale: CONV2D: out_c float32 weight scales (for reports)
 *
 * The four block offsets are from the start of WEIGHTS, 8-byte aligned,
 * their sizes follow from the layer; blocks of an op that lacks them are 0.
 */
struct potnpu_mf_node {
	uint32_t kind;
	uint32_t in, in2, out;
	uint32_t in_coff, in2_coff, out_coff;
	uint32_t scheme, scheme_param;
	uint32_t name, scheme_name;
	uint32_t sqnr;
	uint32_t layer[POTNPU_MF_LAYER_WORDS];
	uint32_t reserved;
	uint64_t weights, table, chan, wscale;
};

/**
 * struct potnpu_mf_input - the INPUT section's head (16 bytes), followed
 *	by @channels float32 means, then @channels float32 deviations
 * @kind: 0 int8 (the input is given quantized), 1 uint8 image: channel c
 *	of pixel p is real = (p / 255 - mean[c]) / std[c], then quantized
 *	with the input tensor's scale and zero point
 * @channels: the input tensor's channels
 * @reserved: zero
 */
struct potnpu_mf_input {
	uint32_t kind;
	uint32_t channels;
	uint32_t reserved[2];
};

_Static_assert(sizeof(struct potnpu_mf_header) == 64, "header");
_Static_assert(sizeof(struct potnpu_mf_section) == 24, "section");
_Static_assert(sizeof(struct potnpu_mf_model) == 32, "model");
_Static_assert(sizeof(struct potnpu_mf_tensor) == 32, "tensor");
_Static_assert(sizeof(struct potnpu_mf_node) == 208, "node");
_Static_assert(sizeof(struct potnpu_mf_input) == 16, "input");

#endif /* POTNPU_MODEL_FORMAT_H */
