// SPDX-License-Identifier: MIT
/*
 * The host tests' small models (see test_models.h).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "test_models.h"

static const char *const fashion[10] = {
	"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal",
	"Shirt", "Sneaker", "Bag", "Ankle boot",
};

static void tensor(struct store *s, uint32_t i, uint32_t h, uint32_t w,
		   uint32_t c, uint32_t cstride, float scale, int32_t zp,
		   uint32_t role)
{
	s->t[i] = (struct potnpu_model_tensor){ .n = 1, .h = h, .w = w, .c = c,
		.cstride = cstride, .scale = scale, .zero_point = zp, .role = role };
}

/* A layer reading tensor @in whole and writing @oc channels of @out. */
static struct potnpu_model_node *node(struct store *s, uint32_t i, uint32_t op,
				      uint32_t in, uint32_t out, uint32_t oc,
				      uint32_t k, uint32_t stride, uint32_t pad)
{
	struct potnpu_model_node *n = &s->n[i];
	const struct potnpu_model_tensor *a = &s->t[in], *b = &s->t[out];
	struct potnpu_layer *l = &n->layer;

	*n = (struct potnpu_model_node){ .kind = POTNPU_NODE_LAYER, .in = in,
		.in2 = POTNPU_MODEL_NO_TENSOR, .out = out, .sqnr = NAN };
	*l = (struct potnpu_layer){ .op = op, .in_h = a->h, .in_w = a->w,
		.in_c = a->c, .in_cstride = a->cstride, .out_h = b->h,
		.out_w = b->w, .out_c = oc, .out_cstride = b->cstride, .kh = k,
		.kw = k, .sh = stride, .sw = stride, .dh = 1, .dw = 1,
		.pad_t = pad, .pad_l = pad, .pad_b = pad, .pad_r = pad,
		.groups = 1, .in_zp = a->zero_point, .out_zp = b->zero_point,
		.lo = -128, .hi = 127 };
	return n;
}

static void records(struct store *s, uint32_t i)
{
	uint32_t o;

	for (o = 0; o < s->n[i].layer.out_c; o++)
		s->chan[i][o] = (struct potnpu_chan){ .bias = (int32_t)(o * 37) - 50,
			.m = (uint16_t)(20000 + 111 * o), .shift = (uint8_t)(16 + o % 3) };
	s->n[i].chan = s->chan[i];
}

/* CONV2D weights: codes of a pattern, packed; the scheme's table. */
static void weights(struct store *s, uint32_t i, uint32_t groups,
		    enum potnpu_scheme_kind kind, unsigned int param)
{
	struct potnpu_model_node *n = &s->n[i];
	struct potnpu_scheme sch;
	uint8_t codes[2048];
	uint32_t k, o, taps;
	char name[32];

	assert_int_equal(potnpu_scheme_build(kind, param, NULL, 0, &sch), 0);
	n->layer.groups = groups;
	n->layer.wbits = sch.wbits;
	taps = potnpu_layer_taps(&n->layer);
	for (o = 0; o < n->layer.out_c; o++) {
		for (k = 0; k < taps; k++)
			codes[o * taps + k] = (uint8_t)((o * 7 + k * 3 + i) % (1u << sch.wbits));
		s->wscale[i][o] = 0.01f * (float)(o + 1);
	}
	assert_int_equal(potnpu_layer_pack_weights(&n->layer, codes, s->rows[i],
						   sizeof(s->rows[i])), 0);
	memcpy(s->table[i], sch.table, sizeof(s->table[i]));
	n->scheme = kind;
	n->scheme_param = param;
	n->weights = s->rows[i];
	n->table = s->table[i];
	n->wscale = s->wscale[i];
	n->scheme_name = strdup(potnpu_scheme_name(&sch, name, sizeof(name)));
	n->sqnr = 30.5f + (float)i;
	records(s, i);
}

static void finish(struct store *s, const char *name, uint32_t nt, uint32_t nn,
		   uint32_t out)
{
	s->d.name = name;
	s->d.producer = "potnpu-compile 0.2.0 (test)";
	s->d.ntensors = nt;
	s->d.tensors = s->t;
	s->d.nnodes = nn;
	s->d.nodes = s->n;
	s->d.input = 0;
	s->d.output = out;
}

/* conv 3x3 + ReLU, max pool 2x2, fully connected (a 4x4 conv), Softmax. */
void model_chain(struct store *s)
{
	uint32_t i;

	memset(s, 0, sizeof(*s));
	tensor(s, 0, 8, 8, 1, 1, 1.0f / 255, -128, POTNPU_TENSOR_INPUT);
	tensor(s, 1, 8, 8, 4, 4, 0.05f, -5, POTNPU_TENSOR_INTERMEDIATE);
	tensor(s, 2, 4, 4, 4, 4, 0.05f, -5, POTNPU_TENSOR_INTERMEDIATE);
	tensor(s, 3, 1, 1, 10, 10, 0.1f, 3, POTNPU_TENSOR_INTERMEDIATE);
	tensor(s, 4, 1, 1, 10, 10, 1.0f / 256, -128, POTNPU_TENSOR_OUTPUT);
	node(s, 0, POTNPU_LAYER_CONV2D, 0, 1, 4, 3, 1, 1)->name = "conv1";
	s->n[0].layer.lo = -5;
	weights(s, 0, 1, POTNPU_SCHEME_APOT, 4);
	node(s, 1, POTNPU_LAYER_MAXPOOL, 1, 2, 4, 2, 2, 0)->name = "pool1";
	node(s, 2, POTNPU_LAYER_CONV2D, 2, 3, 10, 4, 1, 0)->name = "fc";
	weights(s, 2, 1, POTNPU_SCHEME_NHOT, 2);
	s->n[3] = (struct potnpu_model_node){ .kind = POTNPU_NODE_SOFTMAX, .in = 3,
		.in2 = POTNPU_MODEL_NO_TENSOR, .out = 4, .name = "softmax", .sqnr = NAN };
	for (i = 0; i < 10; i++)
		s->labels[i] = fashion[i];
	s->d.nlabels = 10;
	s->d.labels = s->labels;
	s->mean[0] = 0.2860f;
	s->std[0] = 0.3530f;
	s->d.pre = (struct potnpu_model_input){ .kind = POTNPU_INPUT_IMAGE_U8,
		.channels = 1, .mean = s->mean, .std = s->std };
	finish(s, "fashion-chain", 5, 4, 4);
}

/*
 * t1 = conv1x1(t0); t2 = t0 + t1; t3[0..1] = conv1x1(t2),
 * t3[2..3] = depthwise 3x3(t2) (a concatenation); t4 = global avgpool(t3).
 */
void model_residual(struct store *s)
{
	struct potnpu_model_node *n;

	memset(s, 0, sizeof(*s));
	tensor(s, 0, 4, 4, 2, 2, 0.02f, 0, POTNPU_TENSOR_INPUT);
	tensor(s, 1, 4, 4, 2, 2, 0.03f, 0, POTNPU_TENSOR_INTERMEDIATE);
	tensor(s, 2, 4, 4, 2, 2, 0.04f, 0, POTNPU_TENSOR_INTERMEDIATE);
	tensor(s, 3, 4, 4, 4, 4, 0.05f, 0, POTNPU_TENSOR_INTERMEDIATE);
	tensor(s, 4, 1, 1, 4, 4, 0.06f, 0, POTNPU_TENSOR_OUTPUT);
	node(s, 0, POTNPU_LAYER_CONV2D, 0, 1, 2, 1, 1, 0);
	weights(s, 0, 1, POTNPU_SCHEME_UNIFORM8, 0);
	n = node(s, 1, POTNPU_LAYER_ADD, 0, 2, 2, 1, 1, 0);
	n->in2 = 1;
	n->layer.in2_cstride = 2;
	n->layer.m_a = 16384;
	n->layer.m_b = 12000;
	n->layer.shift = 15;
	node(s, 2, POTNPU_LAYER_CONV2D, 2, 3, 2, 1, 1, 0)->name = "concat_a";
	weights(s, 2, 1, POTNPU_SCHEME_POT, 4);
	n = node(s, 3, POTNPU_LAYER_CONV2D, 2, 3, 2, 3, 1, 1);
	n->out_coff = 2;
	n->name = "concat_b_depthwise";
	weights(s, 3, 2, POTNPU_SCHEME_UNIFORM4, 0);
	node(s, 4, POTNPU_LAYER_AVGPOOL, 3, 4, 4, 4, 1, 0);
	records(s, 4);
	s->d.pre = (struct potnpu_model_input){ .kind = POTNPU_INPUT_INT8, .channels = 2 };
	finish(s, "residual-concat", 5, 5, 4);
}

void store_free(struct store *s)
{
	uint32_t i;

	for (i = 0; i < MAXN; i++)
		free((void *)s->n[i].scheme_name);
}


/* Build a model into @s and save it to a new file; its name into @path. */
void save_temp(struct store *s, void (*build)(struct store *), char *path)
{
	int fd;

	strcpy(path, "/tmp/potnpu-model-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	build(s);
	assert_int_equal(potnpu_model_save(&s->d, path), 0);
}
