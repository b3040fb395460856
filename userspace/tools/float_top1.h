/* SPDX-License-Identifier: MIT */
/*
 * The float baseline of a classifier, shared by potnpu-onnx-top1 and
 * potnpu-bench --onnx: an ONNX model on the compiler's float32 executor
 * (userspace/compiler), fed uint8 images as the compiled model maps them,
 * and the pairing of two classifiers' top-1 over the same images.
 */
#ifndef POTNPU_TOOLS_FLOAT_TOP1_H
#define POTNPU_TOOLS_FLOAT_TOP1_H

#include <stddef.h>
#include <stdint.h>

struct cg_graph;

/*
 * struct float_top1 - an ONNX classifier on the float executor
 * @g: the graph (one NCHW input, one output)
 * @buf: the float input of one image
 * @item_bytes: bytes of one uint8 image (h * w * c)
 * @mean, @std: per channel, real = (pixel / 255 - mean) / std
 */
struct float_top1 {
	struct cg_graph *g;
	float *buf;
	size_t item_bytes;
	float *mean, *std;
};

/*
 * float_top1_open() - read and check @path, an ONNX classifier whose
 * input takes @item_bytes uint8 values (h * w * c). @mean and @std (NULL:
 * 0 and 1, pixel / 255 as potnpu-compile calibrates) give the
 * normalization per channel, as a compiled model records it.
 * Return: 0; 66 (EX_NOINPUT) the file cannot be opened; 65 (EX_DATAERR)
 * not an ONNX model the executor runs, or its input is not @item_bytes;
 * 1 out of memory. The message is in @why.
 */
int float_top1_open(struct float_top1 *f, const char *path, size_t item_bytes,
		    const float *mean, const float *std, char *why, size_t len);

/* The input's name and dims, "input [1, 1, 28, 28]", into @buf. */
void float_top1_describe(const struct float_top1 *f, char *buf, size_t len);

/*
 * float_top1_image() - the top-1 class of uint8 image @img (NHWC, as the
 * IDX files hold it) into @best, the first of equal scores.
 * Return: 0, or 1 with the executor's message in @why.
 */
int float_top1_image(struct float_top1 *f, const uint8_t *img, size_t *best,
		     char *why, size_t len);

void float_top1_close(struct float_top1 *f);

/*
 * struct top1_pair - classifiers a and b paired per image: images seen,
 * each one's hits, and the discordant pairs (only a right, only b right).
 */
struct top1_pair {
	size_t n, a_right, b_right, a_only, b_only;
};

void top1_pair_add(struct top1_pair *p, int a_right, int b_right);

/*
 * top1_pair_diff() - b's accuracy minus a's, (b_only - a_only) / n, and
 * its standard error from the discordant pairs,
 * sqrt(a_only + b_only - (b_only - a_only)^2 / n) / n: the difference of
 * two accuracies on the same images is known far better than either.
 */
void top1_pair_diff(const struct top1_pair *p, double *diff, double *se);

#endif /* POTNPU_TOOLS_FLOAT_TOP1_H */
