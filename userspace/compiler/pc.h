/* SPDX-License-Identifier: MIT */
/*
 * pc.h: potnpu-compile's middle and back end: the graph passes that lower
 * the ONNX graph (cg.h) to device layers, calibration and quantization,
 * and the model file emitter.
 */
#ifndef POTNPU_PC_H
#define POTNPU_PC_H

#include <stddef.h>
#include <stdint.h>

#include "cg.h"
#include "libpotnpu.h"

#define PC_SOFTMAX 0	/* pc_layer.op of the host Softmax node */

/* One device layer, still in float: weights OHWI, bias, real clamp. */
struct pc_layer {
	uint32_t op;		/* POTNPU_LAYER_* or PC_SOFTMAX */
	const char *name;	/* the ONNX node's label */
	const char *op_type;
	int in, in2, out;	/* canonical cg tensor indices; in2 -1 */
	uint32_t oc, ic, kh, kw, sh, sw, dh, dw;
	uint32_t pt, pl, pb, pr, groups, flags;
	uint32_t out_coff;	/* first channel written (a Concat's slice) */
	float *w;		/* CONV2D: oc * taps, OHWI */
	float *b;		/* CONV2D: oc */
	float lo, hi;		/* fused activation bounds (real) */
};

/* Per-tensor int8 quantization (and its calibration range). */
struct pc_tq {
	float min, max, scale;
	int zp;
	int seen;
};

struct pc_prog {
	struct pc_layer *l;
	size_t n, cap;
	int *alias;	/* per cg tensor: the tensor it is a free copy of */
	int *uses;	/* per cg tensor: consumers */
	struct pc_tq *tq;	/* per cg tensor */
	int input;	/* canonical graph input */
};

struct pc_options {
	const char *onnx, *out, *scheme, *calib, *labels;
	unsigned int calib_count;
	int quiet;
};

/* Calibration images: count uint8 items of item_bytes. */
struct pc_images {
	const uint8_t *data;
	size_t count, item_bytes;
};

/* passes.c: lower g into p (BN folded, activations fused, copies free). */
int pc_lower(struct cg_graph *g, struct pc_prog *p, struct cg_error *e);
void pc_prog_free(struct pc_prog *p);
/* lower_ops.c: one node each. */
int pc_lower_conv(struct cg_graph *g, const struct cg_node *n,
		  struct pc_prog *p, struct cg_error *e);
int pc_lower_gemm(struct cg_graph *g, const struct cg_node *n,
		  struct pc_prog *p, struct cg_error *e);
int pc_lower_pool(struct cg_graph *g, const struct cg_node *n,
		  struct pc_prog *p, struct cg_error *e);
struct pc_layer *pc_layer_new(struct pc_prog *p, const struct cg_node *n,
			      uint32_t op, struct cg_error *e);
int pc_canon(const struct pc_prog *p, int t);

/* calib.c: run the float executor over images, record tensor ranges. */
int pc_calibrate(struct cg_graph *g, struct pc_prog *p, const uint8_t *img,
		 size_t count, size_t item_bytes, struct cg_error *e);
void pc_image_to_float(const struct cg_tensor *in, const uint8_t *img,
		       float *out);

/* scheme_arg.c: "uniform8", "nhot2", ... */
int pc_scheme_parse(const char *s, struct potnpu_scheme *sc,
		    struct cg_error *e);

/* emit.c: quantize every layer and write model.bin. */
int pc_emit(struct cg_graph *g, struct pc_prog *p,
	    const struct potnpu_scheme *sc, const struct pc_options *o,
	    const struct pc_images *im, struct cg_error *e);

/* compile.c: the whole path, as the tool runs it. */
int pc_compile(const struct pc_options *o, struct cg_error *e);

#endif
