// SPDX-License-Identifier: MIT
/*
 * emit.c: the lowered, calibrated program as a model file: device tensors
 * (NHWC int8), one node per layer, the image preprocessing and labels.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pc.h"
#include "pc_emit.h"


static void *own(struct emit *m, size_t bytes)
{
	void *b = calloc(1, bytes ? bytes : 1);

	if (b)
		m->owned[m->nowned++] = b;
	return b;
}

static void add_tensor(struct emit *m, int cg, const struct pc_tq *q,
		       uint32_t role)
{
	const struct cg_tensor *t = &m->g->t[cg];
	uint32_t h = 1, w = 1, c = (uint32_t)t->dims[t->rank - 1];

	if (t->rank == 4) {
		c = (uint32_t)t->dims[1];
		h = (uint32_t)t->dims[2];
		w = (uint32_t)t->dims[3];
	}
	if (m->dev[cg] >= 0)
		return;	/* a Concat's tensor, written in slices */
	m->dev[cg] = (int)m->nt;
	m->t[m->nt++] = (struct potnpu_model_tensor){ .n = 1, .h = h, .w = w,
		.c = c, .cstride = c, .scale = q->scale, .zero_point = q->zp,
		.role = role };
}

/* Quantization of every layer's output; device tensors in order. */
static void tensors(struct emit *m)
{
	struct pc_prog *p = m->p;
	struct pc_tq *in = &p->tq[p->input];
	size_t i;

	in->scale = 1.0f / 255.0f;
	in->zp = -128;
	add_tensor(m, p->input, in, POTNPU_TENSOR_INPUT);
	for (i = 0; i < p->n; i++) {
		const struct pc_layer *l = &p->l[i];
		struct pc_tq *q = &p->tq[l->out];

		if (l->op == POTNPU_LAYER_MAXPOOL) {
			q->scale = p->tq[l->in].scale;
			q->zp = p->tq[l->in].zp;
		} else if (l->op == PC_SOFTMAX) {
			q->scale = 1.0f / 256.0f;
			q->zp = -128;
		} else {
			pc_tq_from_range(q);
		}
		add_tensor(m, l->out, q, i + 1 == p->n ? POTNPU_TENSOR_OUTPUT :
			   POTNPU_TENSOR_INTERMEDIATE);
	}
}

/* Terms per weight, averaged over the layer's codes. */
static double mean_terms(const struct potnpu_scheme *sc, const uint8_t *codes,
			 size_t n)
{
	double t = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned int k = 0;

		potnpu_term_word(sc->table[codes[i]], NULL, &k);
		t += k;
	}
	return n ? t / (double)n : 0;
}

static int conv_node(struct emit *m, const struct pc_layer *pl,
		     struct potnpu_model_node *n, struct cg_error *e)
{
	struct potnpu_layer *l = &n->layer;
	size_t taps = (size_t)pl->kh * pl->kw * (pl->ic / pl->groups);
	uint8_t *codes = malloc((size_t)pl->oc * taps);
	float *ws = own(m, pl->oc * sizeof(float));
	struct potnpu_chan *ch = own(m, pl->oc * sizeof(*ch));
	char *name = own(m, 32);
	size_t rb;
	void *rows;
	int r;

	l->wbits = pl->sc.wbits;
	rb = potnpu_layer_row_bytes(l) * pl->oc;
	rows = own(m, rb);
	if (!codes || !ws || !ch || !name || !rows) {
		free(codes);
		return cg_fail(e, "out of memory");
	}
	r = pc_quantize_conv(pl, m->p->tq[pl->in].scale,
			     m->p->tq[pl->out].scale, codes, ws, ch, e);
	if (!r)
		m->wterms[n - m->n] = mean_terms(&pl->sc, codes,
						 (size_t)pl->oc * taps);
	if (!r && potnpu_layer_pack_weights(l, codes, rows, rb))
		r = cg_fail(e, "node '%s' (%s): weights cannot be packed",
			    pl->name, pl->op_type);
	free(codes);
	n->scheme = pl->sc.kind;
	n->scheme_param = pl->sc.param;
	n->weights = rows;
	n->table = pl->sc.table;
	n->chan = ch;
	n->wscale = ws;
	snprintf(name, 32, "%s", pl->sc_name);
	n->scheme_name = name;
	return r;
}

static int avg_node(struct emit *m, const struct pc_layer *pl,
		    struct potnpu_model_node *n, struct cg_error *e)
{
	struct potnpu_chan *ch = own(m, pl->oc * sizeof(*ch));
	uint32_t o;

	if (!ch)
		return cg_fail(e, "out of memory");
	for (o = 0; o < pl->oc; o++)
		if (pc_requant((double)m->p->tq[pl->in].scale /
			       m->p->tq[pl->out].scale, &ch[o], pl->name, e))
			return -1;
	n->chan = ch;
	return 0;
}

static void base_layer(struct emit *m, const struct pc_layer *pl,
		       struct potnpu_model_node *n)
{
	const struct potnpu_model_tensor *a = &m->t[m->dev[pl->in]];
	const struct potnpu_model_tensor *b = &m->t[m->dev[pl->out]];

	*n = (struct potnpu_model_node){ .kind = POTNPU_NODE_LAYER,
		.in = (uint32_t)m->dev[pl->in], .in2 = POTNPU_MODEL_NO_TENSOR,
		.out = (uint32_t)m->dev[pl->out], .out_coff = pl->out_coff,
		.name = pl->name, .sqnr = NAN };
	n->layer = (struct potnpu_layer){ .op = pl->op, .in_h = a->h,
		.in_w = a->w, .in_c = a->c, .in_cstride = a->cstride,
		.out_h = b->h, .out_w = b->w, .out_c = pl->oc,
		.out_cstride = b->cstride, .kh = pl->kh, .kw = pl->kw,
		.sh = pl->sh, .sw = pl->sw, .dh = pl->dh, .dw = pl->dw,
		.pad_t = pl->pt, .pad_l = pl->pl, .pad_b = pl->pb,
		.pad_r = pl->pr, .groups = pl->groups, .flags = pl->flags,
		.in_zp = a->zero_point, .out_zp = b->zero_point };
	pc_clamp(pl, &m->p->tq[pl->out], &n->layer);
}

static int layer_node(struct emit *m, const struct pc_layer *pl,
		      struct potnpu_model_node *n, struct cg_error *e)
{
	const struct pc_tq *tq = m->p->tq;

	if (pl->op == PC_SOFTMAX) {
		*n = (struct potnpu_model_node){ .kind = POTNPU_NODE_SOFTMAX,
			.in = (uint32_t)m->dev[pl->in],
			.in2 = POTNPU_MODEL_NO_TENSOR,
			.out = (uint32_t)m->dev[pl->out], .name = pl->name,
			.sqnr = NAN };
		return 0;
	}
	base_layer(m, pl, n);
	switch (pl->op) {
	case POTNPU_LAYER_CONV2D:
		return conv_node(m, pl, n, e);
	case POTNPU_LAYER_AVGPOOL:
		return avg_node(m, pl, n, e);
	case POTNPU_LAYER_ADD:
		n->in2 = (uint32_t)m->dev[pl->in2];
		n->layer.in2_cstride = m->t[n->in2].cstride;
		n->layer.in2_zp = m->t[n->in2].zero_point;
		return pc_quantize_add(pl, tq[pl->in].scale, tq[pl->in2].scale,
				       tq[pl->out].scale, &n->layer, e);
	default:
		return 0;
	}
}

static int build(struct emit *m, struct cg_error *e)
{
	size_t i, nb = m->g->n_t;

	m->dev = malloc(nb * sizeof(int));
	m->t = calloc(m->p->n + 1, sizeof(*m->t));
	m->n = calloc(m->p->n, sizeof(*m->n));
	m->owned = calloc(5 * m->p->n + 1, sizeof(void *));
	m->wterms = calloc(m->p->n, sizeof(double));
	m->terms = calloc(m->p->n, sizeof(double));
	if (!m->dev || !m->t || !m->n || !m->owned || !m->wterms || !m->terms)
		return cg_fail(e, "out of memory");
	for (i = 0; i < nb; i++)
		m->dev[i] = -1;
	tensors(m);
	for (i = 0; i < m->p->n; i++)
		if (layer_node(m, &m->p->l[i], &m->n[i], e))
			return -1;
	return 0;
}

static void release(struct emit *m)
{
	size_t i;

	for (i = 0; i < m->nowned; i++)
		free(m->owned[i]);
	free(m->owned);
	free(m->wterms);
	free(m->terms);
	free(m->dev);
	free(m->t);
	free(m->n);
}

static int save(struct emit *m, const struct pc_options *o,
		struct cg_error *e)
{
	static const float zero = 0, one = 1;
	struct pc_labels lab = { 0 };
	struct potnpu_model_desc d = { .name = o->onnx,
		.producer = "potnpu-compile " PC_VERSION, .ntensors = m->nt,
		.tensors = m->t, .nnodes = (uint32_t)m->p->n, .nodes = m->n,
		.input = 0, .output = m->nt - 1 };
	const char *base = strrchr(o->onnx, '/');
	int r;

	d.name = base ? base + 1 : o->onnx;
	if (m->t[0].c == 1)
		d.pre = (struct potnpu_model_input){ .kind = POTNPU_INPUT_IMAGE_U8,
			.channels = 1, .mean = &zero, .std = &one };
	else
		d.pre = (struct potnpu_model_input){ .kind = POTNPU_INPUT_INT8,
			.channels = m->t[0].c };
	if (o->labels && pc_labels_read(o->labels, m->t[m->nt - 1].c, &lab, e))
		return -1;
	d.nlabels = lab.n;
	d.labels = (const char *const *)lab.names;
	r = potnpu_model_save(&d, o->out);
	pc_labels_free(&lab);
	if (r)
		return cg_fail(e, "%s: writing the model failed (%s)", o->out,
			       strerror(-r));
	return 0;
}

int pc_emit(struct cg_graph *g, struct pc_prog *p, const struct pc_options *o,
	    const struct pc_images *im, struct cg_error *e)
{
	struct emit m = { .g = g, .p = p };
	int r = build(&m, e);

	if (!r)
		r = pc_sqnr(&m, im, e);
	if (!r)
		r = save(&m, o, e);
	if (!r && !o->quiet)
		pc_report(&m, stdout);
	if (!r && o->json)
		r = pc_report_json(&m, o, o->json, e);
	release(&m);
	return r;
}
