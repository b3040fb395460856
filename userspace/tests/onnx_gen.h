/* SPDX-License-Identifier: MIT */
/*
 * onnx_gen.h: build ONNX models node by node with the protobuf-c code
 * generated from onnx.proto (no Python): the op graphs and the
 * ResNet-18-shaped model potnpu-compile's tests compile. Weights are
 * seeded pseudo-random (He-scaled), BatchNormalization parameters too.
 * Every call returns the new tensor's name (owned by the builder); the
 * builder tracks each tensor's NCHW (or 2-D) shape itself.
 */
#ifndef POTNPU_TEST_ONNX_GEN_H
#define POTNPU_TEST_ONNX_GEN_H

#include <stddef.h>
#include <stdint.h>

struct og;

/* A model with one float input "input" [1, c, h, w]; opset 13. */
struct og *og_new(int64_t c, int64_t h, int64_t w, uint64_t seed);
/* Pack the model with @out as its one output; NULL on failure. */
uint8_t *og_pack(struct og *b, const char *out, size_t *len);
int og_write(struct og *b, const char *out, const char *path);
void og_free(struct og *b);

/* The input's name ("input") and any tensor's shape (NCHW, rank). */
const char *og_input(const struct og *b);
int og_shape(const struct og *b, const char *t, int64_t *dims);

struct og_conv {
	int64_t oc, kh, kw, sh, sw, dh, dw, group;
	int64_t pt, pl, pb, pr;
	int bias;
};
const char *og_conv(struct og *b, const char *name, const char *in,
		    const struct og_conv *c);
/* Conv k x k, stride s, pad k / 2, no bias: the ResNet form. */
const char *og_conv_k(struct og *b, const char *name, const char *in,
		      int64_t oc, int64_t k, int64_t s);
const char *og_bn(struct og *b, const char *name, const char *in);
const char *og_relu(struct og *b, const char *name, const char *in);
const char *og_clip(struct og *b, const char *name, const char *in,
		    float lo, float hi);
const char *og_maxpool(struct og *b, const char *name, const char *in,
		       int64_t k, int64_t s, int64_t pad);
const char *og_avgpool(struct og *b, const char *name, const char *in,
		       int64_t k, int64_t s, int64_t pad, int count_pad);
const char *og_gap(struct og *b, const char *name, const char *in);
const char *og_add(struct og *b, const char *name, const char *a,
		   const char *c);
const char *og_concat(struct og *b, const char *name, const char *const *in,
		      size_t n);
const char *og_flatten(struct og *b, const char *name, const char *in);
/* Reshape to [1, -1] (a constant shape initializer). */
const char *og_reshape_flat(struct og *b, const char *name, const char *in);
/* Gemm with transB (weights [n, k]) and a bias, or MatMul ([k, n]). */
const char *og_gemm(struct og *b, const char *name, const char *in, int64_t n);
const char *og_matmul(struct og *b, const char *name, const char *in,
		      int64_t n);

/*
 * ResNet-18 (He et al., ImageNet form): Conv 7x7/2 + BN + ReLU, MaxPool
 * 3x3/2, 4 stages x 2 basic blocks (3x3 Conv + BN + ReLU, 3x3 Conv + BN,
 * Add with the shortcut, ReLU; the first block of stages 2..4 strided 2
 * with a 1x1/2 Conv + BN shortcut), GlobalAveragePool, Flatten, Gemm to
 * @classes. Channels 64, 128, 256, 512 divided by @width_div. Returns the
 * output's name.
 */
const char *og_resnet18(struct og *b, int64_t width_div, int64_t classes);

#endif
