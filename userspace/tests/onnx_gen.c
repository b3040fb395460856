// SPDX-License-Identifier: MIT
/*
 * onnx_gen.c: the ONNX model builder of onnx_gen.h. Every protobuf-c
 * struct and string lives in the builder's arena until og_free(); the
 * node, initializer and shape lists grow as needed.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "onnx.pb-c.h"
#include "onnx_gen.h"

struct shape {
	const char *name;
	int rank;
	int64_t d[4];
};

struct og {
	Onnx__ModelProto m;
	Onnx__OperatorSetIdProto opset, *opsets[1];
	Onnx__GraphProto g;
	Onnx__ValueInfoProto *ios[2];
	void **arena;
	size_t narena, caparena;
	Onnx__NodeProto **nodes;
	size_t capn;
	Onnx__TensorProto **inits;
	size_t capi;
	struct shape *t;
	size_t nt, capt;
	uint64_t rng;
	int failed;
};

/* Grow *@p (elements of @size) to hold @need. */
static int grow(void *p, size_t *cap, size_t need, size_t size)
{
	void **pp = p, *n;
	size_t c = *cap ? *cap : 16;

	if (need <= *cap)
		return 0;
	while (c < need)
		c *= 2;
	n = realloc(*pp, c * size);
	if (!n)
		return -1;
	*pp = n;
	*cap = c;
	return 0;
}

static void *alloc(struct og *b, size_t size)
{
	void *p;

	if (grow(&b->arena, &b->caparena, b->narena + 1, sizeof(void *)))
		goto fail;
	p = calloc(1, size ? size : 1);
	if (!p)
		goto fail;
	b->arena[b->narena++] = p;
	return p;
fail:
	b->failed = 1;
	return NULL;
}

static char *str(struct og *b, const char *a, const char *suffix)
{
	size_t n = strlen(a) + strlen(suffix) + 1;
	char *s = alloc(b, n);

	if (s)
		snprintf(s, n, "%s%s", a, suffix);
	return s;
}

static double uniform01(struct og *b)
{
	b->rng ^= b->rng << 13;
	b->rng ^= b->rng >> 7;
	b->rng ^= b->rng << 17;
	return ((b->rng >> 11) + 0.5) / 9007199254740992.0;
}

static double gauss(struct og *b)
{
	return sqrt(-2 * log(uniform01(b))) * cos(2 * M_PI * uniform01(b));
}

static const struct shape *find(const struct og *b, const char *t)
{
	size_t i;

	for (i = b->nt; i-- > 0;)
		if (!strcmp(b->t[i].name, t))
			return &b->t[i];
	return NULL;
}

int og_shape(const struct og *b, const char *t, int64_t *dims)
{
	const struct shape *s = t ? find(b, t) : NULL;

	if (!s)
		return -1;
	memcpy(dims, s->d, sizeof(s->d));
	return s->rank;
}

static void set_shape(struct og *b, const char *name, int rank,
		      int64_t d0, int64_t d1, int64_t d2, int64_t d3)
{
	if (grow(&b->t, &b->capt, b->nt + 1, sizeof(*b->t))) {
		b->failed = 1;
		return;
	}
	b->t[b->nt++] = (struct shape){ .name = name, .rank = rank,
		.d = { d0, d1, d2, d3 } };
}

static Onnx__ValueInfoProto *vinfo(struct og *b, const char *name,
				   const int64_t *dims, size_t nd)
{
	Onnx__ValueInfoProto *v = alloc(b, sizeof(*v));
	Onnx__TypeProto *t = alloc(b, sizeof(*t));
	Onnx__TypeProto__Tensor *tt = alloc(b, sizeof(*tt));
	Onnx__TensorShapeProto *sh = alloc(b, sizeof(*sh));
	Onnx__TensorShapeProto__Dimension **dp = alloc(b, nd * sizeof(*dp));
	size_t i;

	if (!v || !t || !tt || !sh || !dp)
		return NULL;
	onnx__value_info_proto__init(v);
	onnx__type_proto__init(t);
	onnx__type_proto__tensor__init(tt);
	onnx__tensor_shape_proto__init(sh);
	v->name = (char *)name;
	v->type = t;
	t->value_case = ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE;
	t->tensor_type = tt;
	tt->has_elem_type = 1;
	tt->elem_type = ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT;
	for (i = 0; i < nd; i++) {
		dp[i] = alloc(b, sizeof(**dp));
		if (!dp[i])
			return NULL;
		onnx__tensor_shape_proto__dimension__init(dp[i]);
		dp[i]->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE;
		dp[i]->dim_value = dims[i];
	}
	if (nd) {
		sh->n_dim = nd;
		sh->dim = dp;
		tt->shape = sh;
	}
	return v;
}

struct og *og_new(int64_t c, int64_t h, int64_t w, uint64_t seed)
{
	struct og *b = calloc(1, sizeof(*b));
	int64_t dims[4] = { 1, c, h, w };

	if (!b)
		return NULL;
	b->rng = seed * 2654435761u + 88172645463325252ull;
	onnx__model_proto__init(&b->m);
	onnx__operator_set_id_proto__init(&b->opset);
	onnx__graph_proto__init(&b->g);
	b->opset.has_version = 1;
	b->opset.version = 13;
	b->opsets[0] = &b->opset;
	b->m.n_opset_import = 1;
	b->m.opset_import = b->opsets;
	b->m.has_ir_version = 1;
	b->m.ir_version = 8;
	b->m.producer_name = "potnpu onnx_gen";
	b->m.graph = &b->g;
	b->g.name = "onnx_gen";
	b->ios[0] = vinfo(b, "input", dims, 4);
	set_shape(b, "input", 4, 1, c, h, w);
	if (b->failed) {
		og_free(b);
		return NULL;
	}
	return b;
}

const char *og_input(const struct og *b)
{
	(void)b;
	return "input";
}

void og_free(struct og *b)
{
	size_t i;

	if (!b)
		return;
	for (i = 0; i < b->narena; i++)
		free(b->arena[i]);
	free(b->arena);
	free(b->nodes);
	free(b->inits);
	free(b->t);
	free(b);
}

uint8_t *og_pack(struct og *b, const char *out, size_t *len)
{
	uint8_t *buf;

	b->ios[1] = vinfo(b, out, NULL, 0);
	if (b->failed || !find(b, out))
		return NULL;
	b->g.n_input = 1;
	b->g.input = &b->ios[0];
	b->g.n_output = 1;
	b->g.output = &b->ios[1];
	b->g.node = b->nodes;
	b->g.initializer = b->inits;
	*len = onnx__model_proto__get_packed_size(&b->m);
	buf = malloc(*len);
	if (buf)
		onnx__model_proto__pack(&b->m, buf);
	return buf;
}

int og_write(struct og *b, const char *out, const char *path)
{
	size_t len;
	uint8_t *buf = og_pack(b, out, &len);
	FILE *f;
	int r = -1;

	if (!buf)
		return -1;
	f = fopen(path, "wb");
	if (f) {
		r = fwrite(buf, 1, len, f) == len ? 0 : -1;
		r |= fclose(f) ? -1 : 0;
	}
	free(buf);
	return r;
}

/* ---- nodes, attributes, initializers ------------------------------------ */

static Onnx__NodeProto *node(struct og *b, const char *op, const char *name,
			     const char *const *in, size_t nin,
			     const char **out)
{
	Onnx__NodeProto *n = alloc(b, sizeof(*n));
	char **io = alloc(b, (nin + 1) * sizeof(char *));
	size_t i;

	if (!n || !io || grow(&b->nodes, &b->capn, b->g.n_node + 1, sizeof(n))) {
		b->failed = 1;
		return NULL;
	}
	onnx__node_proto__init(n);
	n->op_type = (char *)op;
	n->name = str(b, name, "");
	for (i = 0; i < nin; i++)
		io[i] = (char *)in[i];
	io[nin] = str(b, name, "_y");
	n->n_input = nin;
	n->input = io;
	n->n_output = 1;
	n->output = &io[nin];
	b->nodes[b->g.n_node++] = n;
	*out = io[nin];
	return n;
}

static Onnx__AttributeProto *attr(struct og *b, Onnx__NodeProto *n,
				  const char *name)
{
	Onnx__AttributeProto *a = alloc(b, sizeof(*a));
	Onnx__AttributeProto **l;

	if (!a || !n)
		return NULL;
	l = alloc(b, (n->n_attribute + 1) * sizeof(*l));
	if (!l)
		return NULL;
	if (n->n_attribute)
		memcpy(l, n->attribute, n->n_attribute * sizeof(*l));
	onnx__attribute_proto__init(a);
	a->name = (char *)name;
	a->has_type = 1;
	l[n->n_attribute++] = a;
	n->attribute = l;
	return a;
}

static void attr_ints(struct og *b, Onnx__NodeProto *n, const char *name,
		      const int64_t *v, size_t nv)
{
	Onnx__AttributeProto *a = attr(b, n, name);
	int64_t *c = alloc(b, nv * sizeof(*c));

	if (!a || !c)
		return;
	memcpy(c, v, nv * sizeof(*c));
	a->type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS;
	a->n_ints = nv;
	a->ints = c;
}

static void attr_int(struct og *b, Onnx__NodeProto *n, const char *name,
		     int64_t v)
{
	Onnx__AttributeProto *a = attr(b, n, name);

	if (!a)
		return;
	a->type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT;
	a->has_i = 1;
	a->i = v;
}

static Onnx__TensorProto *init(struct og *b, const char *name,
			       const int64_t *dims, size_t nd, size_t *count)
{
	Onnx__TensorProto *t = alloc(b, sizeof(*t));
	int64_t *d = alloc(b, nd * sizeof(*d));
	size_t i;

	*count = 1;
	if (!t || !d || grow(&b->inits, &b->capi, b->g.n_initializer + 1,
			      sizeof(t))) {
		b->failed = 1;
		return NULL;
	}
	onnx__tensor_proto__init(t);
	t->name = (char *)name;
	t->has_data_type = 1;
	t->data_type = ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT;
	for (i = 0; i < nd; i++) {
		d[i] = dims[i];
		*count *= (size_t)dims[i];
	}
	t->n_dims = nd;
	t->dims = d;
	b->inits[b->g.n_initializer++] = t;
	return t;
}

/* An initializer of @lo + (@hi - @lo) * U, or @std * N(0, 1) if @std. */
static const char *init_rand(struct og *b, const char *name, const char *sfx,
			     const int64_t *dims, size_t nd, double std,
			     double lo, double hi)
{
	char *nm = str(b, name, sfx);
	size_t n, i;
	Onnx__TensorProto *t = init(b, nm, dims, nd, &n);
	float *v = alloc(b, n * sizeof(float));

	if (!t || !v)
		return nm;
	for (i = 0; i < n; i++)
		v[i] = (float)(std > 0 ? std * gauss(b) :
			       lo + (hi - lo) * uniform01(b));
	t->n_float_data = n;
	t->float_data = v;
	return nm;
}

static const char *init_scalar(struct og *b, const char *name, const char *sfx,
			       float value)
{
	char *nm = str(b, name, sfx);
	size_t n;
	Onnx__TensorProto *t = init(b, nm, NULL, 0, &n);
	float *v = alloc(b, sizeof(float));

	if (!t || !v)
		return nm;
	*v = value;
	t->n_float_data = 1;
	t->float_data = v;
	return nm;
}

/* ---- ops ---------------------------------------------------------------- */

static int64_t out_dim(int64_t in, int64_t k, int64_t s, int64_t d,
		       int64_t p0, int64_t p1)
{
	return (in + p0 + p1 - d * (k - 1) - 1) / s + 1;
}

const char *og_conv(struct og *b, const char *name, const char *in,
		    const struct og_conv *c)
{
	const struct shape *x = find(b, in);
	int64_t wd[4], bd[1], pads[4] = { c->pt, c->pl, c->pb, c->pr };
	int64_t k[2] = { c->kh, c->kw }, st[2] = { c->sh, c->sw };
	int64_t dl[2] = { c->dh, c->dw }, g = c->group ? c->group : 1;
	const char *ins[3], *out = NULL;
	Onnx__NodeProto *n;

	if (!x || x->rank != 4) {
		b->failed = 1;
		return NULL;
	}
	wd[0] = c->oc;
	wd[1] = x->d[1] / g;
	wd[2] = c->kh;
	wd[3] = c->kw;
	bd[0] = c->oc;
	ins[0] = in;
	ins[1] = init_rand(b, name, "_W", wd, 4,
			   sqrt(2.0 / (double)(wd[1] * c->kh * c->kw)), 0, 0);
	ins[2] = c->bias ? init_rand(b, name, "_B", bd, 1, 0, -0.1, 0.1) : NULL;
	n = node(b, "Conv", name, ins, c->bias ? 3 : 2, &out);
	attr_ints(b, n, "kernel_shape", k, 2);
	attr_ints(b, n, "strides", st, 2);
	attr_ints(b, n, "dilations", dl, 2);
	attr_ints(b, n, "pads", pads, 4);
	if (g != 1)
		attr_int(b, n, "group", g);
	set_shape(b, out, 4, 1, c->oc,
		  out_dim(x->d[2], c->kh, c->sh, c->dh, c->pt, c->pb),
		  out_dim(x->d[3], c->kw, c->sw, c->dw, c->pl, c->pr));
	return out;
}

const char *og_conv_k(struct og *b, const char *name, const char *in,
		      int64_t oc, int64_t k, int64_t s)
{
	struct og_conv c = { .oc = oc, .kh = k, .kw = k, .sh = s, .sw = s,
		.dh = 1, .dw = 1, .group = 1, .pt = k / 2, .pl = k / 2,
		.pb = k / 2, .pr = k / 2 };

	return og_conv(b, name, in, &c);
}

/* The same shape as @in for @out. */
static void same_shape(struct og *b, const char *in, const char *out)
{
	const struct shape *x = find(b, in);

	if (!x) {
		b->failed = 1;
		return;
	}
	set_shape(b, out, x->rank, x->d[0], x->d[1], x->d[2], x->d[3]);
}

static const char *bn_with(struct og *b, const char *name, const char *in,
			   double glo, double ghi)
{
	const struct shape *x = find(b, in);
	int64_t c[1];
	const char *ins[5], *out = NULL;

	if (!x) {
		b->failed = 1;
		return NULL;
	}
	c[0] = x->d[1];
	ins[0] = in;
	ins[1] = init_rand(b, name, "_scale", c, 1, 0, glo, ghi);
	ins[2] = init_rand(b, name, "_B", c, 1, 0, -0.2, 0.2);
	ins[3] = init_rand(b, name, "_mean", c, 1, 0, -0.2, 0.2);
	ins[4] = init_rand(b, name, "_var", c, 1, 0, 0.5, 1.5);
	node(b, "BatchNormalization", name, ins, 5, &out);
	same_shape(b, in, out);
	return out;
}

const char *og_bn(struct og *b, const char *name, const char *in)
{
	return bn_with(b, name, in, 0.5, 1.5);
}

static const char *unary(struct og *b, const char *op, const char *name,
			 const char *in)
{
	const char *out = NULL;

	node(b, op, name, &in, 1, &out);
	same_shape(b, in, out);
	return out;
}

const char *og_relu(struct og *b, const char *name, const char *in)
{
	return unary(b, "Relu", name, in);
}

const char *og_clip(struct og *b, const char *name, const char *in,
		    float lo, float hi)
{
	const char *ins[3] = { in, init_scalar(b, name, "_min", lo),
			       init_scalar(b, name, "_max", hi) }, *out = NULL;

	node(b, "Clip", name, ins, 3, &out);
	same_shape(b, in, out);
	return out;
}

static const char *pool(struct og *b, const char *op, const char *name,
			const char *in, int64_t k, int64_t s, int64_t pad,
			int count_pad)
{
	const struct shape *x = find(b, in);
	int64_t ks[2] = { k, k }, st[2] = { s, s }, p[4] = { pad, pad, pad, pad };
	const char *out = NULL;
	Onnx__NodeProto *n = node(b, op, name, &in, 1, &out);

	if (!x) {
		b->failed = 1;
		return NULL;
	}
	attr_ints(b, n, "kernel_shape", ks, 2);
	attr_ints(b, n, "strides", st, 2);
	attr_ints(b, n, "pads", p, 4);
	if (count_pad)
		attr_int(b, n, "count_include_pad", 1);
	set_shape(b, out, 4, 1, x->d[1], out_dim(x->d[2], k, s, 1, pad, pad),
		  out_dim(x->d[3], k, s, 1, pad, pad));
	return out;
}

const char *og_maxpool(struct og *b, const char *name, const char *in,
		       int64_t k, int64_t s, int64_t pad)
{
	return pool(b, "MaxPool", name, in, k, s, pad, 0);
}

const char *og_avgpool(struct og *b, const char *name, const char *in,
		       int64_t k, int64_t s, int64_t pad, int count_pad)
{
	return pool(b, "AveragePool", name, in, k, s, pad, count_pad);
}

const char *og_gap(struct og *b, const char *name, const char *in)
{
	const struct shape *x = find(b, in);
	const char *out = NULL;

	node(b, "GlobalAveragePool", name, &in, 1, &out);
	if (x)
		set_shape(b, out, 4, 1, x->d[1], 1, 1);
	return out;
}

const char *og_add(struct og *b, const char *name, const char *a,
		   const char *c)
{
	const char *ins[2] = { a, c }, *out = NULL;

	node(b, "Add", name, ins, 2, &out);
	same_shape(b, a, out);
	return out;
}

const char *og_concat(struct og *b, const char *name, const char *const *in,
		      size_t n)
{
	const struct shape *x = find(b, in[0]);
	int64_t c = 0;
	const char *out = NULL;
	size_t i;
	Onnx__NodeProto *nd = node(b, "Concat", name, in, n, &out);

	attr_int(b, nd, "axis", 1);
	for (i = 0; i < n; i++) {
		const struct shape *s = find(b, in[i]);

		c += s ? s->d[1] : 0;
	}
	if (x)
		set_shape(b, out, 4, 1, c, x->d[2], x->d[3]);
	return out;
}

static int64_t flat_size(const struct shape *x)
{
	int64_t n = 1;
	int i;

	for (i = 1; i < x->rank; i++)
		n *= x->d[i];
	return n;
}

const char *og_flatten(struct og *b, const char *name, const char *in)
{
	const struct shape *x = find(b, in);
	const char *out = NULL;

	node(b, "Flatten", name, &in, 1, &out);
	if (x)
		set_shape(b, out, 2, 1, flat_size(x), 0, 0);
	return out;
}

const char *og_reshape_flat(struct og *b, const char *name, const char *in)
{
	const struct shape *x = find(b, in);
	static const int64_t shape[2] = { 1, -1 }, dims[1] = { 2 };
	char *sn = str(b, name, "_shape");
	size_t n;
	Onnx__TensorProto *t = init(b, sn, dims, 1, &n);
	int64_t *v = alloc(b, sizeof(shape));
	const char *ins[2] = { in, sn }, *out = NULL;

	if (t && v) {
		memcpy(v, shape, sizeof(shape));
		t->data_type = ONNX__TENSOR_PROTO__DATA_TYPE__INT64;
		t->n_int64_data = 2;
		t->int64_data = v;
	}
	node(b, "Reshape", name, ins, 2, &out);
	if (x)
		set_shape(b, out, 2, 1, flat_size(x), 0, 0);
	return out;
}

static const char *linear(struct og *b, const char *op, const char *name,
			  const char *in, int64_t n)
{
	const struct shape *x = find(b, in);
	int64_t k = x ? x->d[1] : 1, wd[2], bd[1] = { n };
	int gemm = !strcmp(op, "Gemm");
	const char *ins[3], *out = NULL;
	Onnx__NodeProto *nd;

	if (!x || x->rank != 2) {
		b->failed = 1;
		return NULL;
	}
	wd[0] = gemm ? n : k;
	wd[1] = gemm ? k : n;
	ins[0] = in;
	ins[1] = init_rand(b, name, "_W", wd, 2, sqrt(1.0 / (double)k), 0, 0);
	ins[2] = gemm ? init_rand(b, name, "_B", bd, 1, 0, -0.1, 0.1) : NULL;
	nd = node(b, op, name, ins, gemm ? 3 : 2, &out);
	if (gemm)
		attr_int(b, nd, "transB", 1);
	set_shape(b, out, 2, 1, n, 0, 0);
	return out;
}

const char *og_gemm(struct og *b, const char *name, const char *in, int64_t n)
{
	return linear(b, "Gemm", name, in, n);
}

const char *og_matmul(struct og *b, const char *name, const char *in,
		      int64_t n)
{
	return linear(b, "MatMul", name, in, n);
}

/* ---- ResNet-18 ---------------------------------------------------------- */

/* Conv + BN (+ ReLU), names "<p>_conv", "<p>_bn", "<p>_relu". */
static const char *cbr(struct og *b, const char *p, const char *in,
		       int64_t oc, int64_t k, int64_t s, int relu, int last)
{
	char nm[64];
	const char *t;

	snprintf(nm, sizeof(nm), "%s_conv", p);
	t = og_conv_k(b, nm, in, oc, k, s);
	snprintf(nm, sizeof(nm), "%s_bn", p);
	/* the residual branch's last BN small, as trained ResNets have it,
	 * so random weights keep the activations' scale over the blocks */
	t = last ? bn_with(b, nm, t, 0.2, 0.5) : og_bn(b, nm, t);
	if (!relu)
		return t;
	snprintf(nm, sizeof(nm), "%s_relu", p);
	return og_relu(b, nm, t);
}

static const char *basic_block(struct og *b, const char *p, const char *in,
			       int64_t oc, int64_t s)
{
	int64_t d[4];
	char nm[64];
	const char *t, *sc = in;

	og_shape(b, in, d);
	snprintf(nm, sizeof(nm), "%s_a", p);
	t = cbr(b, nm, in, oc, 3, s, 1, 0);
	snprintf(nm, sizeof(nm), "%s_b", p);
	t = cbr(b, nm, t, oc, 3, 1, 0, 1);
	if (s != 1 || d[1] != oc) {
		snprintf(nm, sizeof(nm), "%s_down", p);
		sc = cbr(b, nm, in, oc, 1, s, 0, 0);
	}
	snprintf(nm, sizeof(nm), "%s_add", p);
	t = og_add(b, nm, t, sc);
	snprintf(nm, sizeof(nm), "%s_relu", p);
	return og_relu(b, nm, t);
}

const char *og_resnet18(struct og *b, int64_t width_div, int64_t classes)
{
	static const int64_t width[4] = { 64, 128, 256, 512 };
	const char *t;
	char nm[32];
	int s, k;

	t = cbr(b, "stem", og_input(b), 64 / width_div, 7, 2, 1, 0);
	t = og_maxpool(b, "stem_pool", t, 3, 2, 1);
	for (s = 0; s < 4; s++)
		for (k = 0; k < 2; k++) {
			snprintf(nm, sizeof(nm), "layer%d_%d", s + 1, k);
			t = basic_block(b, nm, t, width[s] / width_div,
					s && !k ? 2 : 1);
		}
	t = og_gap(b, "gap", t);
	t = og_flatten(b, "flatten", t);
	return og_gemm(b, "fc", t, classes);
}
