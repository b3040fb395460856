// SPDX-License-Identifier: MIT
/*
 * test_onnx_errors.c: the ONNX front end rejects malformed or unsupported
 * models with a message naming the problem (node, op, attribute, tensor):
 * truncated and random bytes, unknown ops, unknown attributes and values,
 * missing initializers, dynamic, huge and inconsistent shapes. Models are
 * built with the protobuf-c code generated from onnx.proto and packed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cg.h"
#include "onnx.pb-c.h"

/* A one-node model: inputs x (and more), output y, built step by step. */
struct model {
	Onnx__ModelProto m;
	Onnx__OperatorSetIdProto opset, *opsets[1];
	Onnx__GraphProto g;
	Onnx__NodeProto node, *nodes[1];
	char *node_in[3], *node_out[1];
	Onnx__AttributeProto attr, *attrs[1];
	Onnx__ValueInfoProto in, out, *ins[1], *outs[1];
	Onnx__TypeProto in_type, out_type;
	Onnx__TypeProto__Tensor in_tt, out_tt;
	Onnx__TensorShapeProto in_shape;
	Onnx__TensorShapeProto__Dimension dims[4], *dimp[4];
	Onnx__TensorProto init, *inits[1];
	float init_data[4];
	int64_t init_dims[1];
};

static void value_info(Onnx__ValueInfoProto *v, Onnx__TypeProto *t,
		       Onnx__TypeProto__Tensor *tt, char *name)
{
	onnx__value_info_proto__init(v);
	onnx__type_proto__init(t);
	onnx__type_proto__tensor__init(tt);
	v->name = name;
	v->type = t;
	t->value_case = ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE;
	t->tensor_type = tt;
	tt->has_elem_type = 1;
	tt->elem_type = ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT;
}

/* x: [1, 4] float -> op -> y. */
static void model_init(struct model *md, const char *op)
{
	int i;

	memset(md, 0, sizeof(*md));
	onnx__model_proto__init(&md->m);
	onnx__operator_set_id_proto__init(&md->opset);
	onnx__graph_proto__init(&md->g);
	onnx__node_proto__init(&md->node);
	md->opset.has_version = 1;
	md->opset.version = 13;
	md->opsets[0] = &md->opset;
	md->m.n_opset_import = 1;
	md->m.opset_import = md->opsets;
	md->m.has_ir_version = 1;
	md->m.ir_version = 8;
	md->m.graph = &md->g;
	md->node.op_type = (char *)op;
	md->node.name = (char *)"n0";
	md->node_in[0] = (char *)"x";
	md->node_out[0] = (char *)"y";
	md->node.n_input = 1;
	md->node.input = md->node_in;
	md->node.n_output = 1;
	md->node.output = md->node_out;
	md->nodes[0] = &md->node;
	md->g.n_node = 1;
	md->g.node = md->nodes;
	value_info(&md->in, &md->in_type, &md->in_tt, (char *)"x");
	value_info(&md->out, &md->out_type, &md->out_tt, (char *)"y");
	onnx__tensor_shape_proto__init(&md->in_shape);
	for (i = 0; i < 4; i++) {
		onnx__tensor_shape_proto__dimension__init(&md->dims[i]);
		md->dims[i].value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE;
		md->dims[i].dim_value = 1;
		md->dimp[i] = &md->dims[i];
	}
	md->dims[1].dim_value = 4;
	md->in_shape.n_dim = 2;
	md->in_shape.dim = md->dimp;
	md->in_tt.shape = &md->in_shape;
	md->ins[0] = &md->in;
	md->outs[0] = &md->out;
	md->g.n_input = 1;
	md->g.input = md->ins;
	md->g.n_output = 1;
	md->g.output = md->outs;
}

/* Second input "w": a [4] float initializer unless skipped. */
static void model_add_w(struct model *md, int with_initializer)
{
	md->node_in[1] = (char *)"w";
	md->node.n_input = 2;
	if (!with_initializer)
		return;
	onnx__tensor_proto__init(&md->init);
	md->init.name = (char *)"w";
	md->init.has_data_type = 1;
	md->init.data_type = ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT;
	md->init_dims[0] = 4;
	md->init.n_dims = 1;
	md->init.dims = md->init_dims;
	md->init.n_float_data = 4;
	md->init.float_data = md->init_data;
	md->inits[0] = &md->init;
	md->g.n_initializer = 1;
	md->g.initializer = md->inits;
}

static void model_attr(struct model *md, const char *name,
		       Onnx__AttributeProto__AttributeType type)
{
	onnx__attribute_proto__init(&md->attr);
	md->attr.name = (char *)name;
	md->attr.has_type = 1;
	md->attr.type = type;
	md->attrs[0] = &md->attr;
	md->node.n_attribute = 1;
	md->node.attribute = md->attrs;
}

static uint8_t *pack(struct model *md, size_t *len)
{
	uint8_t *buf;

	*len = onnx__model_proto__get_packed_size(&md->m);
	buf = malloc(*len);
	assert_non_null(buf);
	onnx__model_proto__pack(&md->m, buf);
	return buf;
}

/* Read (and infer) the model; it must fail with every needle in msg. */
static void expect_error(struct model *md, const char *const *needles)
{
	struct cg_graph g;
	struct cg_error e = { { 0 } };
	size_t len;
	uint8_t *buf = pack(md, &len);
	int rc = cg_read_onnx_buf(buf, len, &g, &e);

	free(buf);
	if (rc == 0) {
		rc = cg_infer_shapes(&g, &e);
		cg_graph_free(&g);
	}
	assert_int_not_equal(rc, 0);
	print_message("# error: %s\n", e.msg);
	for (; *needles; needles++)
		if (!strstr(e.msg, *needles))
			fail_msg("'%s' not in '%s'", *needles, e.msg);
}

static void expect_ok(struct model *md)
{
	struct cg_graph g;
	struct cg_error e = { { 0 } };
	size_t len;
	uint8_t *buf = pack(md, &len);
	int rc = cg_read_onnx_buf(buf, len, &g, &e);

	free(buf);
	if (rc == 0) {
		rc = cg_infer_shapes(&g, &e);
		cg_graph_free(&g);
	}
	if (rc)
		fail_msg("unexpected error: %s", e.msg);
}

/* The well-formed model is accepted: the other tests fail for their bug. */
static void test_valid_model(void **state)
{
	struct model md;

	(void)state;
	model_init(&md, "Relu");
	expect_ok(&md);
	model_add_w(&md, 1);
	md.node.op_type = (char *)"Add";
	expect_ok(&md);
}

static void test_truncated(void **state)
{
	struct model md;
	struct cg_graph g;
	struct cg_error e;
	size_t len;
	uint8_t *buf;

	(void)state;
	model_init(&md, "Relu");
	model_add_w(&md, 1);
	md.node.op_type = (char *)"Add";
	buf = pack(&md, &len);
	/* every strict prefix cut inside a field is rejected, never a crash */
	assert_int_not_equal(cg_read_onnx_buf(buf, len - 3, &g, &e), 0);
	assert_non_null(strstr(e.msg, "truncated"));
	free(buf);
}

/* Every prefix of a valid model: rejected or read, never a crash or leak. */
static void test_every_prefix(void **state)
{
	struct model md;
	struct cg_graph g;
	struct cg_error e;
	size_t len, cut, rejected = 0;
	uint8_t *buf;

	(void)state;
	model_init(&md, "Add");
	model_add_w(&md, 1);
	buf = pack(&md, &len);
	for (cut = 0; cut < len; cut++) {
		if (cg_read_onnx_buf(buf, cut, &g, &e) == 0) {
			(void)cg_infer_shapes(&g, &e);
			cg_graph_free(&g);
		} else {
			rejected++;
		}
	}
	free(buf);
	assert_true(rejected > len / 2);
}

static void test_random_bytes(void **state)
{
	uint8_t buf[512];
	struct cg_graph g;
	struct cg_error e;
	unsigned int seed = 1;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(buf); i++) {
		seed = seed * 1103515245u + 12345u;
		buf[i] = (uint8_t)(seed >> 16);
	}
	assert_int_not_equal(cg_read_onnx_buf(buf, sizeof(buf), &g, &e), 0);
	print_message("# error: %s\n", e.msg);
	assert_non_null(strstr(e.msg, "not a valid ONNX model"));
}

static void test_unreadable_file(void **state)
{
	struct cg_graph g;
	struct cg_error e;

	(void)state;
	assert_int_not_equal(cg_read_onnx_file("/nonexistent/m.onnx", &g, &e), 0);
	assert_non_null(strstr(e.msg, "/nonexistent/m.onnx"));
}

static void test_unknown_op(void **state)
{
	static const char *const needles[] = { "'n0'", "'LeakyRelu'",
		"not supported", "Conv, Gemm", NULL };
	struct model md;

	(void)state;
	model_init(&md, "LeakyRelu");
	expect_error(&md, needles);
}

static void test_unknown_attribute(void **state)
{
	static const char *const needles[] = { "'n0'", "(Relu)", "'alpha'",
		"not supported", NULL };
	struct model md;

	(void)state;
	model_init(&md, "Relu");
	model_attr(&md, "alpha", ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT);
	expect_error(&md, needles);
}

static void test_bad_attribute_value(void **state)
{
	static const char *const needles[] = { "(MaxPool)", "'auto_pad'",
		"'FOO'", "SAME_UPPER", NULL };
	struct model md;

	(void)state;
	model_init(&md, "MaxPool");
	model_attr(&md, "auto_pad", ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRING);
	md.attr.has_s = 1;
	md.attr.s.data = (uint8_t *)"FOO";
	md.attr.s.len = 3;
	expect_error(&md, needles);
}

static void test_wrong_attribute_type(void **state)
{
	static const char *const needles[] = { "(Softmax)", "'axis'",
		"type int", NULL };
	struct model md;

	(void)state;
	model_init(&md, "Softmax");
	model_attr(&md, "axis", ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT);
	expect_error(&md, needles);
}

/* Reshape's shape must be known when shapes are inferred. */
static void test_reshape_shape_not_constant(void **state)
{
	static const char *const needles[] = { "(Reshape)", "'w'",
		"constant initializer", NULL };
	struct model md;
	Onnx__ValueInfoProto w, *ins[2];
	Onnx__TypeProto wt;
	Onnx__TypeProto__Tensor wtt;
	Onnx__TensorShapeProto ws;

	(void)state;
	model_init(&md, "Reshape");
	model_add_w(&md, 0);
	value_info(&w, &wt, &wtt, (char *)"w");
	wtt.elem_type = ONNX__TENSOR_PROTO__DATA_TYPE__INT64;
	onnx__tensor_shape_proto__init(&ws);
	ws.n_dim = 1;
	ws.dim = md.dimp;
	wtt.shape = &ws;
	ins[0] = &md.in;
	ins[1] = &w;
	md.g.n_input = 2;
	md.g.input = ins;
	expect_error(&md, needles);
}

static void test_missing_initializer(void **state)
{
	static const char *const needles[] = { "'n0'", "(Add)", "'w'",
		"missing initializer", NULL };
	struct model md;

	(void)state;
	model_init(&md, "Add");
	model_add_w(&md, 0);
	expect_error(&md, needles);
}

static void test_dynamic_shape(void **state)
{
	static const char *const needles[] = { "graph input 'x'", "dynamic",
		"'N'", NULL };
	struct model md;

	(void)state;
	model_init(&md, "Relu");
	md.dims[0].value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM;
	md.dims[0].dim_param = (char *)"N";
	expect_error(&md, needles);
}

static void test_huge_dimension(void **state)
{
	static const char *const needles[] = { "'x'", "dimension 1",
		"1099511627776", NULL };
	struct model md;

	(void)state;
	model_init(&md, "Relu");
	md.dims[1].dim_value = INT64_C(1) << 40;
	expect_error(&md, needles);
}

static void test_huge_tensor(void **state)
{
	static const char *const needles[] = { "'x'", "elements", NULL };
	struct model md;

	(void)state;
	model_init(&md, "Relu");
	md.dims[0].dim_value = 1 << 20;
	md.dims[1].dim_value = 1 << 20;
	expect_error(&md, needles);
}

static void test_inconsistent_shapes(void **state)
{
	static const char *const needles[] = { "'n0'", "(Add)", "'x'", "'w'",
		"broadcast", NULL };
	struct model md;

	(void)state;
	model_init(&md, "Add");
	model_add_w(&md, 1);
	md.init_dims[0] = 3;	/* [1, 4] + [3] */
	md.init.n_float_data = 3;
	expect_error(&md, needles);
}

static void test_declared_output_mismatch(void **state)
{
	static const char *const needles[] = { "tensor 'y'", "[1, 4]", "[1, 4, 1]",
		NULL };
	struct model md;
	Onnx__TensorShapeProto shape;

	(void)state;
	model_init(&md, "Relu");
	onnx__tensor_shape_proto__init(&shape);
	shape.n_dim = 3;	/* y declared rank 3, inferred [1, 4] */
	shape.dim = md.dimp;
	md.out_tt.shape = &shape;
	expect_error(&md, needles);
}

/* Found by fuzz_onnx: a graph output naming the graph input, declared
 * with another shape, was accepted (no node infers the input's shape). */
static void test_declared_output_is_input(void **state)
{
	static const char *const needles[] = { "tensor 'x'", "[1, 4]",
		"[1, 4, 1]", NULL };
	struct model md;
	Onnx__TensorShapeProto shape;

	(void)state;
	model_init(&md, "Relu");
	onnx__tensor_shape_proto__init(&shape);
	shape.n_dim = 3;
	shape.dim = md.dimp;
	md.out.name = (char *)"x";
	md.out_tt.shape = &shape;
	expect_error(&md, needles);
}

/* Found by fuzz_onnx: an INTS attribute with no elements (protobuf-c's
 * NULL array) was copied with memcpy from NULL (UBSan in check-asan). */
static void test_empty_ints_attribute(void **state)
{
	static const char *const needles[] = { "'n0'", "(MaxPool)",
		"kernel_shape", NULL };
	struct model md;

	(void)state;
	model_init(&md, "MaxPool");
	md.in_shape.n_dim = 4;	/* x: [1, 4, 1, 1] */
	model_attr(&md, "kernel_shape",
		   ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS);
	expect_error(&md, needles);
}

/* Found by fuzz_onnx: a Reshape shape value beyond int64's range once
 * held as float was converted back to int64 (undefined behaviour). */
static void test_reshape_shape_out_of_range(void **state)
{
	static const char *const needles[] = { "(Reshape)", "'w'",
		"value 9.22337e+18 at 1 not supported", NULL };
	int64_t shape[2] = { 1, INT64_MAX };
	struct model md;

	(void)state;
	model_init(&md, "Reshape");
	model_add_w(&md, 1);
	md.init.data_type = ONNX__TENSOR_PROTO__DATA_TYPE__INT64;
	md.init_dims[0] = 2;
	md.init.n_float_data = 0;
	md.init.float_data = NULL;
	md.init.n_int64_data = 2;
	md.init.int64_data = shape;
	expect_error(&md, needles);
}

static void test_initializer_size(void **state)
{
	static const char *const needles[] = { "tensor 'w'", "3 elements",
		"its shape 4", NULL };
	struct model md;

	(void)state;
	model_init(&md, "Add");
	model_add_w(&md, 1);
	md.init.n_float_data = 3;
	expect_error(&md, needles);
}

static void test_no_opset(void **state)
{
	static const char *const needles[] = { "opset", NULL };
	struct model md;

	(void)state;
	model_init(&md, "Relu");
	md.m.n_opset_import = 0;
	expect_error(&md, needles);
}

static void test_output_not_produced(void **state)
{
	static const char *const needles[] = { "graph output 'y'",
		"produced by no node", NULL };
	struct model md;

	(void)state;
	model_init(&md, "Relu");
	md.node_out[0] = (char *)"z";
	expect_error(&md, needles);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_model),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_every_prefix),
		cmocka_unit_test(test_random_bytes),
		cmocka_unit_test(test_unreadable_file),
		cmocka_unit_test(test_unknown_op),
		cmocka_unit_test(test_unknown_attribute),
		cmocka_unit_test(test_bad_attribute_value),
		cmocka_unit_test(test_wrong_attribute_type),
		cmocka_unit_test(test_reshape_shape_not_constant),
		cmocka_unit_test(test_missing_initializer),
		cmocka_unit_test(test_dynamic_shape),
		cmocka_unit_test(test_huge_dimension),
		cmocka_unit_test(test_huge_tensor),
		cmocka_unit_test(test_inconsistent_shapes),
		cmocka_unit_test(test_declared_output_mismatch),
		cmocka_unit_test(test_declared_output_is_input),
		cmocka_unit_test(test_empty_ints_attribute),
		cmocka_unit_test(test_reshape_shape_out_of_range),
		cmocka_unit_test(test_initializer_size),
		cmocka_unit_test(test_no_opset),
		cmocka_unit_test(test_output_not_produced),
	};

	return cmocka_run_group_tests_name("onnx_errors", tests, NULL, NULL);
}
