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
	int out0;		/* the node's own output (before fusions) */
	/* CONV2D: the weight scheme (schedule.c), and where it came from */
	struct potnpu_scheme sc;
	int32_t wtop;		/* the level max|w_o| maps to */
	char sc_name[16];
	const char *sc_from;	/* "global", "progressive" or "layer" */
};

/* Per-tensor int8 quantization (and its calibration range). */
struct pc_tq {
	float min, max, scale;
	int zp;
	int seen;
	float amin, amax;	/* observed range before clipping */
	struct pc_hist *hist;	/* calibration histogram (not minmax) */
};

/* Calibration methods (--calibrate). */
enum pc_calib_method { PC_CALIB_MINMAX, PC_CALIB_PERCENTILE, PC_CALIB_MSE };

#define PC_HIST_BINS 2048
#define PC_DEFAULT_PERCENTILE 99.99

/* A histogram of one tensor's values over [lo, hi] (calib_hist.c). */
struct pc_hist {
	double lo, hi;
	uint64_t total;
	uint64_t count[PC_HIST_BINS];
};

/* --layer NAME=SCHEME */
struct pc_override {
	const char *name, *scheme;
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
	enum pc_calib_method calib_method;
	double percentile;	/* PC_CALIB_PERCENTILE; 0: the default */
	const struct pc_override *ovr;	/* --layer, in order */
	size_t novr;
	const char *json;	/* --json FILE, or NULL */
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

/* calib.c: run the float executor over images, record tensor ranges
 * (min/max; with a histogram pass, clipped by @o's method). */
int pc_calibrate(struct cg_graph *g, struct pc_prog *p, const uint8_t *img,
		 size_t count, size_t item_bytes, const struct pc_options *o,
		 struct cg_error *e);
int pc_calib_parse(const char *s, struct pc_options *o, struct cg_error *e);

/* calib_hist.c: histograms and the clipping range of each method. */
void pc_hist_init(struct pc_hist *h, double lo, double hi);
void pc_hist_add(struct pc_hist *h, const float *v, size_t n);
/* [*lo, *hi] for the method; lo <= 0 <= hi. */
void pc_hist_range(const struct pc_hist *h, enum pc_calib_method m,
		   double percentile, double *lo, double *hi);
/* Mean squared error of int8 quantization over [lo, hi] (as quantize.c
 * derives scale and zero point from it) of the histogrammed values. */
double pc_hist_mse(const struct pc_hist *h, double lo, double hi);
/* The scale and zero point of the int8 range [lo, hi] (quantize.c). */
void pc_range_to_q(double lo, double hi, float *scale, int *zp);
void pc_image_to_float(const struct cg_tensor *in, const uint8_t *img,
		       float *out);

/* scheme_arg.c: "uniform8", "nhot2", ... (not fitted or progressive) */
int pc_scheme_parse(const char *s, struct potnpu_scheme *sc,
		    struct cg_error *e);
/* "fitted" / "fittedN": 1, *bits = N (default 4); else 0. */
int pc_scheme_is_fitted(const char *s, unsigned int *bits);
/* "progressive[:S1,S2,...]": 1; else 0. */
int pc_scheme_is_progressive(const char *s);

/* schedule.c: each CONV2D layer's scheme: the global one, progressive,
 * then the --layer overrides; fitted levels fitted here. */
int pc_schedule(struct cg_graph *g, struct pc_prog *p,
		const struct pc_options *o, struct cg_error *e);
/* Check a --scheme value without a graph. */
int pc_scheme_check(const char *s, struct cg_error *e);

/* fit.c: 2^bits integer levels (0 among them, each at most PC_FIT_TERMS
 * terms) minimising the squared error of the values @u (max-abs scaled to
 * [-127, 127]), by Lloyd's iteration over their histogram, at the full
 * scale *@top (the level 127 maps to, searched from 127 down) that errs
 * least. Returns the number of levels written to @lv (sorted), or -1. */
#define PC_FIT_TERMS 2
int pc_fit_levels(const float *u, size_t n, unsigned int bits, int32_t *top,
		  int32_t *lv, struct cg_error *e);

/* emit.c: quantize every layer and write model.bin. */
int pc_emit(struct cg_graph *g, struct pc_prog *p, const struct pc_options *o,
	    const struct pc_images *im, struct cg_error *e);

/* compile.c: the whole path, as the tool runs it. */
int pc_compile(const struct pc_options *o, struct cg_error *e);

#endif
