// SPDX-License-Identifier: MIT
/*
 * calib.c: calibration. The float executor runs over the calibration
 * images; every device tensor's min and max are recorded.
 */
#include <math.h>
#include <stdlib.h>

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

int pc_calibrate(struct cg_graph *g, struct pc_prog *p, const uint8_t *img,
		 size_t count, size_t item_bytes, struct cg_error *e)
{
	struct cg_tensor *in = &g->t[p->input];
	int64_t n = cg_numel(in);
	float *x = malloc((size_t)n * sizeof(float));
	size_t i, j;

	if (!x)
		return cg_fail(e, "out of memory");
	if ((int64_t)item_bytes != n) {
		free(x);
		return cg_fail(e, "calibration images have %zu bytes, the input '%s' %lld elements",
			       item_bytes, in->name, (long long)n);
	}
	for (i = 0; i < count; i++) {
		pc_image_to_float(in, img + i * item_bytes, x);
		if (cg_bind_input(g, in->name, x, n, e) || cg_exec(g, e)) {
			free(x);
			return -1;
		}
		for (j = 0; j < p->n; j++)
			observe(&p->tq[p->l[j].out], &g->t[p->l[j].out]);
	}
	free(x);
	return 0;
}
