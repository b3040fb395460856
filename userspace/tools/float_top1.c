// SPDX-License-Identifier: MIT
/*
 * The float baseline of a classifier (float_top1.h): potnpu-onnx-top1's
 * and potnpu-bench --onnx's one copy of the ONNX model on the float
 * executor, the image-to-float mapping and the paired difference.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "cg.h"
#include "float_top1.h"
#include "pc.h"

static const struct cg_tensor *input(const struct float_top1 *f)
{
	return &f->g->t[f->g->inputs[0]];
}

static int check_graph(struct float_top1 *f, const char *path,
		       size_t item_bytes, char *why, size_t len)
{
	const struct cg_tensor *in;
	char shape[96];
	size_t want;

	if (f->g->n_inputs != 1 || f->g->n_outputs != 1 ||
	    f->g->t[f->g->inputs[0]].rank != 4) {
		snprintf(why, len, "%s: expected one NCHW input and one output", path);
		return EX_DATAERR;
	}
	in = input(f);
	want = (size_t)(in->dims[1] * in->dims[2] * in->dims[3]);
	if (in->dims[0] != 1 || want != item_bytes) {
		snprintf(why, len, "%s: the input '%s' %s takes %zu values, the images have %zu bytes",
			 path, in->name, cg_shape_str(shape, sizeof(shape), in->rank, in->dims),
			 want, item_bytes);
		return EX_DATAERR;
	}
	return 0;
}

/* The normalization per channel: @mean and @std, or 0 and 1. */
static int norm(struct float_top1 *f, const float *mean, const float *std)
{
	size_t c, nc = (size_t)input(f)->dims[1];

	f->mean = malloc(nc * sizeof(*f->mean));
	f->std = malloc(nc * sizeof(*f->std));
	f->buf = malloc(f->item_bytes * sizeof(*f->buf));
	if (!f->mean || !f->std || !f->buf)
		return 1;
	for (c = 0; c < nc; c++) {
		f->mean[c] = mean ? mean[c] : 0.0f;
		f->std[c] = std ? std[c] : 1.0f;
	}
	return 0;
}

int float_top1_open(struct float_top1 *f, const char *path, size_t item_bytes,
		    const float *mean, const float *std, char *why, size_t len)
{
	struct cg_error e;
	FILE *fp = fopen(path, "rb");
	int ret;

	memset(f, 0, sizeof(*f));
	if (!fp) {
		snprintf(why, len, "%s: %s", path, strerror(errno));
		return EX_NOINPUT;
	}
	fclose(fp);
	f->g = calloc(1, sizeof(*f->g));
	if (!f->g) {
		snprintf(why, len, "out of memory");
		return 1;
	}
	f->item_bytes = item_bytes;
	if (cg_read_onnx_file(path, f->g, &e) || cg_infer_shapes(f->g, &e)) {
		snprintf(why, len, "%s", e.msg);
		return EX_DATAERR;
	}
	ret = check_graph(f, path, item_bytes, why, len);
	if (!ret && norm(f, mean, std)) {
		snprintf(why, len, "out of memory");
		ret = 1;
	}
	return ret;
}

void float_top1_describe(const struct float_top1 *f, char *buf, size_t len)
{
	const struct cg_tensor *in = input(f);
	char shape[96];

	snprintf(buf, len, "%s %s", in->name,
		 cg_shape_str(shape, sizeof(shape), in->rank, in->dims));
}

int float_top1_image(struct float_top1 *f, const uint8_t *img, size_t *best,
		     char *why, size_t len)
{
	const struct cg_tensor *in = input(f);
	const struct cg_tensor *out = &f->g->t[f->g->outputs[0]];
	size_t hw = (size_t)(in->dims[2] * in->dims[3]), i, c, n;
	struct cg_error e;

	/* pixel / 255 as potnpu-compile calibrates, then the recorded
	 * normalization (potnpu_model_input) */
	pc_image_to_float(in, img, f->buf);
	for (i = 0; i < f->item_bytes; i++) {
		c = i / hw;
		f->buf[i] = (f->buf[i] - f->mean[c]) / f->std[c];
	}
	if (cg_bind_input(f->g, in->name, f->buf, (int64_t)f->item_bytes, &e) ||
	    cg_exec(f->g, &e)) {
		snprintf(why, len, "the float executor: %s", e.msg);
		return 1;
	}
	n = (size_t)cg_numel(out);
	*best = 0;
	for (i = 1; i < n; i++)	/* the first of equals, as potnpu-bench */
		*best = out->data[i] > out->data[*best] ? i : *best;
	return 0;
}

void float_top1_close(struct float_top1 *f)
{
	if (f->g)
		cg_graph_free(f->g);
	free(f->g);
	free(f->buf);
	free(f->mean);
	free(f->std);
	memset(f, 0, sizeof(*f));
}

void top1_pair_add(struct top1_pair *p, int a_right, int b_right)
{
	p->n++;
	p->a_right += a_right != 0;
	p->b_right += b_right != 0;
	p->a_only += a_right && !b_right;
	p->b_only += b_right && !a_right;
}

void top1_pair_diff(const struct top1_pair *p, double *diff, double *se)
{
	double a = (double)p->a_only, b = (double)p->b_only, n = (double)p->n;

	*diff = p->n ? (b - a) / n : 0;
	*se = p->n ? sqrt(a + b - (b - a) * (b - a) / n) / n : 0;
}
