// SPDX-License-Identifier: MIT
/*
 * libpotnpu graphs: what goes in and comes out of a slot (the dense
 * input into its strided tensor; the output, the host-side Softmax and
 * the counters out), comparing two graphs' tensors, and the model's
 * input preprocessing.
 */
#include <errno.h>
#include <math.h>
#include <string.h>

#include "graph_priv.h"
#include "model_priv.h"

/* Copy @t's dense h*w*c bytes to (@to_strided) or from its slot bytes. */
static void copy_tensor(const struct potnpu_model_tensor *t, uint8_t *slot,
			uint8_t *dense, bool to_strided)
{
	size_t p, np = (size_t)t->h * t->w;

	for (p = 0; p < np; p++) {
		if (to_strided)
			memcpy(slot + p * t->cstride, dense + p * t->c, t->c);
		else
			memcpy(dense + p * t->c, slot + p * t->cstride, t->c);
	}
}

void lib_graph_write_input(const struct potnpu_graph *g,
			   const struct graph_slot *s, const int8_t *in)
{
	copy_tensor(&g->d->tensors[g->d->input], s->a + g->toff[g->d->input],
		    (uint8_t *)(uintptr_t)in, true);
}

/* Softmax over the channels of each pixel, or the dequantized values. */
static void real_values(const struct potnpu_graph *g, const int8_t *q,
			float *real)
{
	const struct potnpu_model_tensor *t = &g->d->tensors[g->out_tensor];
	size_t p, c, np = (size_t)t->h * t->w;

	for (p = 0; p < np; p++) {
		const int8_t *qp = q + p * t->c;
		float *rp = real + p * t->c, max = -INFINITY, sum = 0;

		for (c = 0; c < t->c; c++) {
			rp[c] = t->scale * (float)(qp[c] - t->zero_point);
			max = rp[c] > max ? rp[c] : max;
		}
		if (!g->softmax)
			continue;
		for (c = 0; c < t->c; c++) {
			rp[c] = expf(rp[c] - max);
			sum += rp[c];
		}
		for (c = 0; c < t->c; c++)
			rp[c] /= sum;
	}
}

void lib_graph_read_output(const struct potnpu_graph *g,
			   const struct graph_slot *s,
			   struct potnpu_graph_result *r)
{
	const struct potnpu_model_tensor *t = &g->d->tensors[g->out_tensor];
	uint8_t *slot = s->a + g->toff[g->out_tensor];
	uint32_t i;

	if (r->out)
		copy_tensor(t, slot, (uint8_t *)r->out, false);
	if (r->out && r->real)
		real_values(g, r->out, r->real);
	for (i = 0; r->counts && i < g->d->nnodes; i++) {
		memset(&r->counts[i], 0, sizeof(r->counts[i]));
		if (g->d->nodes[i].kind == POTNPU_NODE_LAYER)
			potnpu_layer_read_counters(s->c + g->np[i].counters,
						   &r->counts[i]);
	}
}

/* round(x) half away from zero, clamped to int8. */
static int8_t quantize(float x, int32_t zp)
{
	float q = roundf(x) + (float)zp;

	return (int8_t)(q < -128 ? -128 : q > 127 ? 127 : q);
}

EXPORT int potnpu_model_preprocess(const struct potnpu_model *m,
				   const uint8_t *raw, int8_t *q)
{
	const struct potnpu_model_desc *d = potnpu_model_get(m);
	const struct potnpu_model_tensor *t;
	size_t i, n;

	if (!d || !raw || !q)
		return lib_set_error(-EINVAL, "potnpu_model_preprocess: NULL argument");
	t = &d->tensors[d->input];
	n = (size_t)t->h * t->w * t->c;
	if (d->pre.kind != POTNPU_INPUT_IMAGE_U8) {
		memcpy(q, raw, n);
		return 0;
	}
	for (i = 0; i < n; i++) {
		size_t c = i % t->c;
		float real = ((float)raw[i] / 255.0f - d->pre.mean[c]) / d->pre.std[c];

		q[i] = quantize(real / t->scale, t->zero_point);
	}
	return 0;
}
