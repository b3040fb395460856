// SPDX-License-Identifier: MIT
/*
 * compile_onnx.c: the small models of test_compile, built node by node
 * with the protobuf-c code generated from onnx.proto and packed.
 */
#include <stdlib.h>
#include <string.h>

#include "compile_onnx.h"
#include "onnx.pb-c.h"

#define MAXN 8

struct b {
	Onnx__ModelProto m;
	Onnx__OperatorSetIdProto opset, *opsets[1];
	Onnx__GraphProto g;
	Onnx__NodeProto node[MAXN], *nodes[MAXN];
	Onnx__AttributeProto attr[MAXN][2], *attrs[MAXN][2];
	Onnx__TensorProto init[4], *inits[4];
	Onnx__ValueInfoProto in, out, *ins[1], *outs[1];
	Onnx__TypeProto in_type, out_type;
	Onnx__TypeProto__Tensor in_tt, out_tt;
	Onnx__TensorShapeProto shape;
	Onnx__TensorShapeProto__Dimension dims[4], *dimp[4];
	float data[4][64];
	int64_t idims[4][4];
	int64_t ints[MAXN][2][4];
	const char *io[MAXN][6];
};

static void vinfo(Onnx__ValueInfoProto *v, Onnx__TypeProto *t,
		  Onnx__TypeProto__Tensor *tt, const char *name)
{
	onnx__value_info_proto__init(v);
	onnx__type_proto__init(t);
	onnx__type_proto__tensor__init(tt);
	v->name = (char *)name;
	v->type = t;
	t->value_case = ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE;
	t->tensor_type = tt;
	tt->has_elem_type = 1;
	tt->elem_type = ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT;
}

static Onnx__NodeProto *node(struct b *b, const char *op, const char *name,
			     const char *const *in, size_t nin, const char *out)
{
	size_t k = b->g.n_node++, i;
	Onnx__NodeProto *n = &b->node[k];

	onnx__node_proto__init(n);
	n->op_type = (char *)op;
	n->name = (char *)name;
	for (i = 0; i < nin; i++)
		b->io[k][i] = in[i];
	b->io[k][5] = out;
	n->n_input = nin;
	n->input = (char **)b->io[k];
	n->n_output = 1;
	n->output = (char **)&b->io[k][5];
	b->nodes[k] = n;
	return n;
}

static void attr(struct b *b, const char *name, const int64_t *v, size_t nv,
		 int ints)
{
	size_t k = b->g.n_node - 1, a = b->node[k].n_attribute++;
	Onnx__AttributeProto *p = &b->attr[k][a];

	onnx__attribute_proto__init(p);
	p->name = (char *)name;
	p->has_type = 1;
	if (ints) {
		p->type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS;
		memcpy(b->ints[k][a], v, nv * sizeof(*v));
		p->n_ints = nv;
		p->ints = b->ints[k][a];
	} else {
		p->type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT;
		p->has_i = 1;
		p->i = v[0];
	}
	b->attrs[k][a] = p;
	b->node[k].attribute = b->attrs[k];
}

/* An initializer of a pseudo-random pattern. */
static void init(struct b *b, const char *name, const int64_t *dims,
		 size_t nd, unsigned int seed)
{
	size_t k = b->g.n_initializer++, i, n = 1;
	Onnx__TensorProto *t = &b->init[k];

	onnx__tensor_proto__init(t);
	t->name = (char *)name;
	t->has_data_type = 1;
	t->data_type = ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT;
	for (i = 0; i < nd; i++) {
		b->idims[k][i] = dims[i];
		n *= (size_t)dims[i];
	}
	for (i = 0; i < n; i++) {
		seed = seed * 1103515245u + 12345u;
		b->data[k][i] = (float)((seed >> 16) % 2001) / 1000.0f - 1.0f;
	}
	t->n_dims = nd;
	t->dims = b->idims[k];
	t->n_float_data = n;
	t->float_data = b->data[k];
	b->inits[k] = t;
	b->g.initializer = b->inits;
}

static void frame(struct b *b)
{
	static const int64_t shape[4] = { 1, 1, 4, 4 };
	int i;

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
	b->m.graph = &b->g;
	b->g.node = b->nodes;
	vinfo(&b->in, &b->in_type, &b->in_tt, "x");
	vinfo(&b->out, &b->out_type, &b->out_tt, "y");
	onnx__tensor_shape_proto__init(&b->shape);
	for (i = 0; i < 4; i++) {
		onnx__tensor_shape_proto__dimension__init(&b->dims[i]);
		b->dims[i].value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE;
		b->dims[i].dim_value = shape[i];
		b->dimp[i] = &b->dims[i];
	}
	b->shape.n_dim = 4;
	b->shape.dim = b->dimp;
	b->in_tt.shape = &b->shape;
	b->ins[0] = &b->in;
	b->outs[0] = &b->out;
	b->g.n_input = 1;
	b->g.input = b->ins;
	b->g.n_output = 1;
	b->g.output = b->outs;
}

static void conv_relu(struct b *b, const char *in, const char *conv,
		      const char *c, const char *relu, const char *r)
{
	static const int64_t pads[4] = { 1, 1, 1, 1 };
	const char *conv_in[3] = { in, "W", "B" }, *r_in[1] = { c };

	node(b, "Conv", conv, conv_in, 3, c);
	attr(b, "pads", pads, 4, 1);
	node(b, "Relu", relu, r_in, 1, r);
}

static void layers(struct b *b, int variant)
{
	static const int64_t wd[4] = { 2, 1, 3, 3 }, bd[1] = { 2 };
	static const int64_t gbd[1] = { 3 }, k2[2] = { 2, 2 }, one = 1;
	int64_t gd[2] = { 3, variant == SMALL_CONCAT ? 16 : 8 };
	const char *x_in[1] = { "x" }, *m_in[1] = { "r" };
	const char *f_in[1] = { "m" }, *g_in[3] = { "f", "G", "GB" };
	const char *cat_in[2] = { "r1", "r2" };

	init(b, "W", wd, 4, 1);
	init(b, "B", bd, 1, 2);
	init(b, "G", gd, 2, 3);
	init(b, "GB", gbd, 1, 4);
	if (variant == SMALL_RELU_FIRST)
		node(b, "Relu", "first_relu", x_in, 1, "x0");
	if (variant == SMALL_CONCAT) {
		conv_relu(b, "x", "conv", "c", "relu", "r1");
		conv_relu(b, "x", "conv_b", "cb", "relu_b", "r2");
		node(b, "Concat", "concat", cat_in, 2, "r");
		attr(b, "axis", &one, 1, 0);
	} else {
		conv_relu(b, variant ? "x0" : "x", "conv", "c", "relu", "r");
	}
	node(b, "MaxPool", "pool", m_in, 1, "m");
	attr(b, "kernel_shape", k2, 2, 1);
	attr(b, "strides", k2, 2, 1);
	node(b, "Flatten", "flatten", f_in, 1, "f");
	node(b, "Gemm", "fc", g_in, 3, "y");
	attr(b, "transB", &one, 1, 0);
}

uint8_t *compile_onnx_small(int variant, size_t *len)
{
	struct b *b = calloc(1, sizeof(*b));
	uint8_t *buf = NULL;

	if (!b)
		return NULL;
	frame(b);
	layers(b, variant);
	*len = onnx__model_proto__get_packed_size(&b->m);
	buf = malloc(*len);
	if (buf)
		onnx__model_proto__pack(&b->m, buf);
	free(b);
	return buf;
}
