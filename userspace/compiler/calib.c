// SPDX-License-Identifier: MIT
/*
 * calib.c: calibration. The float executor runs over the calibration
 * images; every device tensor's min and max are recorded. For the
 * percentile and mse methods a second run fills each tensor's histogram
 * over that range, and the range becomes the method's clip
 * (calib_hist.c); amin and amax keep the observed one.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pc.h"

/* An HxW (x C, NHWC) uint8 image into the NCHW float input, pixel / 255. */
void pc_image_to_float(const struct cg_tensor *in, const uint8_t *img,
		       float *out)
{
	int64_t c = in->dims[1], hw = in->dims[2] * in->dims[3], i, k;

	for (i = 0; i < hw; i++)
		for (k = 0; k < c; k++)
			out[k * hw + i] = img[i * c + k] / 255.0f;
}

static void observe(struct pc_tq *q, const struct cg_tensor *t)
{
	int64_t i, n = cg_numel(t);

	for (i = 0; i < n; i++) {
		float v = t->data[i];

		if (!q->seen || v < q->min)
			q->min = v;
		if (!q->seen || v > q->max)
			q->max = v;
		q->seen = 1;
	}
}

int pc_calib_parse(const char *s, struct pc_options *o, struct cg_error *e)
{
	char *end;

	o->percentile = PC_DEFAULT_PERCENTILE;
	if (!strcmp(s, "minmax")) {
		o->calib_method = PC_CALIB_MINMAX;
		return 0;
	}
	if (!strcmp(s, "mse")) {
		o->calib_method = PC_CALIB_MSE;
		return 0;
	}
	if (!strncmp(s, "percentile", 10) && (!s[10] || s[10] == '=')) {
		o->calib_method = PC_CALIB_PERCENTILE;
		if (!s[10])
			return 0;
		errno = 0;
		o->percentile = strtod(s + 11, &end);
		if (!errno && end != s + 11 && !*end && o->percentile > 50 &&
		    o->percentile <= 100)
			return 0;
		return cg_fail(e, "--calibrate %s: the percentile must be a number in (50, 100]",
			       s);
	}
	return cg_fail(e, "--calibrate '%s' not supported (supported: minmax, percentile[=P], mse)",
		       s);
}

/* Every image through the float executor; pass 0 records each layer
 * output's min and max, pass 1 fills its histogram. */
static int run_all(struct cg_graph *g, struct pc_prog *p, const uint8_t *img,
		   size_t count, size_t item_bytes, int pass, struct cg_error *e)
{
	struct cg_tensor *in = &g->t[p->input];
	int64_t n = cg_numel(in);
	float *x = malloc((size_t)n * sizeof(float));
	size_t i, j;

	if (!x)
		return cg_fail(e, "out of memory");
	for (i = 0; i < count; i++) {
		pc_image_to_float(in, img + i * item_bytes, x);
		if (cg_bind_input(g, in->name, x, n, e) || cg_exec(g, e)) {
			free(x);
			return -1;
		}
		for (j = 0; j < p->n; j++) {
			const struct pc_layer *l = &p->l[j];
			struct pc_tq *q = &p->tq[l->out];

			if (!pass)
				observe(q, &g->t[l->out]);
			else if (q->hist)
				pc_hist_add(q->hist, g->t[l->out].data,
					    (size_t)cg_numel(&g->t[l->out]));
		}
	}
	free(x);
	return 0;
}

/* Histograms for the layer outputs, over their observed ranges. */
static int hist_alloc(struct pc_prog *p, struct cg_error *e)
{
	size_t j;

	for (j = 0; j < p->n; j++) {
		struct pc_tq *q = &p->tq[p->l[j].out];

		if (q->hist || p->l[j].op == PC_SOFTMAX ||
		    p->l[j].op == POTNPU_LAYER_MAXPOOL)
			continue;	/* fixed or inherited quantization */
		q->hist = malloc(sizeof(*q->hist));
		if (!q->hist)
			return cg_fail(e, "out of memory");
		pc_hist_init(q->hist, q->min, q->max);
	}
	return 0;
}

static void clip_ranges(struct pc_prog *p, const struct pc_options *o)
{
	size_t j;

	for (j = 0; j < p->n; j++) {
		struct pc_tq *q = &p->tq[p->l[j].out];
		double lo, hi;

		if (!q->hist)
			continue;
		pc_hist_range(q->hist, o->calib_method, o->percentile ?
			      o->percentile : PC_DEFAULT_PERCENTILE, &lo, &hi);
		q->min = (float)lo;
		q->max = (float)hi;
	}
}

int pc_calibrate(struct cg_graph *g, struct pc_prog *p, const uint8_t *img,
		 size_t count, size_t item_bytes, const struct pc_options *o,
		 struct cg_error *e)
{
	struct cg_tensor *in = &g->t[p->input];
	size_t j;

	if ((int64_t)item_bytes != cg_numel(in))
		return cg_fail(e, "calibration images have %zu bytes, the input '%s' %lld elements",
			       item_bytes, in->name, (long long)cg_numel(in));
	if (run_all(g, p, img, count, item_bytes, 0, e))
		return -1;
	for (j = 0; j < p->n; j++) {
		struct pc_tq *q = &p->tq[p->l[j].out];

		q->amin = q->min;
		q->amax = q->max;
	}
	if (o->calib_method == PC_CALIB_MINMAX)
		return 0;
	if (hist_alloc(p, e) ||
	    run_all(g, p, img, count, item_bytes, 1, e))
		return -1;
	clip_ranges(p, o);
	return 0;
}
