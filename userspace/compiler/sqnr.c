// SPDX-License-Identifier: MIT
/*
 * sqnr.c: per-layer SQNR. Each calibration image runs through the float
 * executor and, layer by layer, through libpotnpu's CPU reference; each
 * node's dequantized int8 output is compared with the float tensor.
 */
#include <math.h>
#include <stdlib.h>

#include "pc_emit.h"

struct acc {
	int8_t **buf;	/* per device tensor */
	double *sig, *noise;	/* per node */
};

static int setup(struct emit *m, struct acc *a, struct cg_error *e)
{
	uint32_t i;

	a->buf = calloc(m->nt, sizeof(*a->buf));
	a->sig = calloc(m->p->n, sizeof(double));
	a->noise = calloc(m->p->n, sizeof(double));
	if (!a->buf || !a->sig || !a->noise)
		return cg_fail(e, "out of memory");
	for (i = 0; i < m->nt; i++) {
		const struct potnpu_model_tensor *t = &m->t[i];

		a->buf[i] = calloc((size_t)t->h * t->w * t->cstride, 1);
		if (!a->buf[i])
			return cg_fail(e, "out of memory");
	}
	return 0;
}

static void teardown(struct emit *m, struct acc *a)
{
	uint32_t i;

	for (i = 0; a->buf && i < m->nt; i++)
		free(a->buf[i]);
	free(a->buf);
	free(a->sig);
	free(a->noise);
}

/* Add node k's squared signal and error (NHWC int8 vs NCHW float). */
static void compare(struct emit *m, struct acc *a, size_t k)
{
	const struct potnpu_model_node *n = &m->n[k];
	const struct potnpu_model_tensor *t = &m->t[n->out];
	const float *f = m->g->t[m->p->l[k].out].data;
	size_t hw = (size_t)t->h * t->w, i, c;

	for (i = 0; i < hw; i++)
		for (c = n->out_coff; c < n->out_coff + n->layer.out_c; c++) {
			double want = f[c * hw + i];
			double got = t->scale *
				(a->buf[n->out][i * t->cstride + c] - t->zero_point);

			a->sig[k] += want * want;
			a->noise[k] += (got - want) * (got - want);
		}
}

static int run_image(struct emit *m, struct acc *a, const uint8_t *img,
		     float *x, struct cg_error *e)
{
	struct cg_tensor *in = &m->g->t[m->p->input];
	size_t i, k;

	pc_image_to_float(in, img, x);
	if (cg_bind_input(m->g, in->name, x, cg_numel(in), e) || cg_exec(m->g, e))
		return -1;
	/* the input tensor: scale 1/255, zero point -128, NHWC like img */
	for (i = 0; i < (size_t)cg_numel(in); i++)
		a->buf[0][i] = (int8_t)((int)img[i] - 128);
	for (k = 0; k < m->p->n; k++) {
		const struct potnpu_model_node *n = &m->n[k];
		struct potnpu_ref_buffers b = { .in = a->buf[n->in],
			.out = a->buf[n->out] + n->out_coff, .weights = n->weights,
			.table = n->table, .chan = n->chan };
		struct potnpu_layer_counts c;

		if (n->kind != POTNPU_NODE_LAYER)
			continue;
		if (n->in2 != POTNPU_MODEL_NO_TENSOR)
			b.in2 = a->buf[n->in2];
		if (potnpu_reference_run(&n->layer, &b, &c))
			return cg_fail(e, "node '%s': the CPU reference refused the layer",
				       n->name);
		m->terms[k] += (double)c.terms;
		compare(m, a, k);
	}
	return 0;
}

int pc_sqnr(struct emit *m, const struct pc_images *im, struct cg_error *e)
{
	struct cg_tensor *in = &m->g->t[m->p->input];
	float *x = malloc((size_t)cg_numel(in) * sizeof(float));
	struct acc a = { 0 };
	size_t i;
	int r = x ? setup(m, &a, e) : cg_fail(e, "out of memory");

	for (i = 0; !r && i < im->count; i++)
		r = run_image(m, &a, im->data + i * im->item_bytes, x, e);
	for (i = 0; !r && i < m->p->n; i++) {
		if (m->n[i].kind == POTNPU_NODE_LAYER && a.noise[i] > 0)
			m->n[i].sqnr = (float)(10 * log10(a.sig[i] / a.noise[i]));
		if (im->count)
			m->terms[i] /= (double)im->count;
	}
	m->images = im->count;
	free(x);
	teardown(m, &a);
	return r;
}
