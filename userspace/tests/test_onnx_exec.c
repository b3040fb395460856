// SPDX-License-Identifier: MIT
/*
 * test_onnx_exec.c: float executor cases ONNX 1.12's node conformance
 * tests do not cover: grouped and depthwise Conv with dilations, strides
 * and asymmetric pads (expected values computed independently, by
 * scattering each input element into the outputs it reaches).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cg.h"

static const float grouped2[32] = {
	-0.156250f, -0.562500f, 2.468750f, 0.531250f, 2.687500f, -0.718750f,
	-0.687500f, 2.218750f, -0.437500f, -2.343750f, -0.812500f, 0.281250f,
	-1.656250f, 0.750000f, -2.343750f, -2.500000f, 0.562500f, 0.250000f,
	2.343750f, -1.250000f, 0.687500f, 1.156250f, -0.437500f, 1.531250f,
	2.375000f, 3.062500f, 1.687500f, 3.718750f, 2.093750f, 0.718750f,
	1.750000f, 2.031250f,
};

static const float depthwise[32] = {
	0.031250f, -0.187500f, 1.312500f, 0.718750f, 1.468750f, -0.250000f,
	-0.250000f, 1.031250f, -1.187500f, -1.375000f, 0.156250f, -1.187500f,
	0.218750f, -1.468750f, -1.437500f, 0.187500f, 0.125000f, 1.687500f,
	-0.531250f, -0.031250f, -0.531250f, 1.687500f, 0.125000f, 1.437500f,
	1.562500f, 1.531250f, 3.218750f, 1.218750f, 3.156250f, 1.625000f,
	1.812500f, 2.531250f,
};

static int add_const(struct cg_graph *g, const char *name, int rank,
		     const int64_t *dims, const float *data)
{
	int idx = cg_tensor_add(g, name, NULL);
	int64_t n;

	assert_true(idx >= 0);
	assert_int_equal(cg_shape_set(&g->t[idx], rank, dims, NULL), 0);
	n = cg_numel(&g->t[idx]);
	g->t[idx].data = malloc((size_t)n * sizeof(float));
	assert_non_null(g->t[idx].data);
	memcpy(g->t[idx].data, data, (size_t)n * sizeof(float));
	g->t[idx].is_const = 1;
	return idx;
}

static void set_ints(struct cg_attr *a, const char *name, const int64_t *v,
		     size_t n)
{
	a->name = strdup(name);
	a->type = CG_ATTR_INTS;
	a->n = n;
	a->ints = malloc(n * sizeof(*v));
	assert_non_null(a->name);
	assert_non_null(a->ints);
	memcpy(a->ints, v, n * sizeof(*v));
}

/* X [1,4,5,5] * W [4,4/group,3,3] + B, strides [2,1], dilations [2,1],
 * pads [1,0,2,1] (top, left, bottom, right). */
static void run_conv(int64_t group, const float *want)
{
	static const int64_t xd[4] = { 1, 4, 5, 5 }, bd[1] = { 4 };
	static const int64_t s[2] = { 2, 1 }, d[2] = { 2, 1 };
	static const int64_t pads[4] = { 1, 0, 2, 1 };
	const int64_t wd[4] = { 4, 4 / group, 3, 3 };
	const float bias[4] = { 0.5f, -1.0f, 0.25f, 2.0f };
	float x[100], w[144];
	struct cg_graph g = { 0 };
	struct cg_node *n;
	struct cg_error e;
	int i;

	for (i = 0; i < 100; i++)
		x[i] = (float)((i * 7) % 11 - 5) / 4;
	for (i = 0; i < 144; i++)
		w[i] = (float)((i * 5) % 13 - 6) / 8;
	g.opset = 13;
	g.nodes = calloc(1, sizeof(*g.nodes));
	assert_non_null(g.nodes);
	g.n_nodes = 1;
	n = &g.nodes[0];
	n->name = strdup("conv");
	n->op_type = strdup("Conv");
	n->op = CG_OP_CONV;
	n->opset = 13;
	n->n_in = 3;
	n->n_out = 1;
	n->in = calloc(3, sizeof(int));
	n->out = calloc(1, sizeof(int));
	n->attr = calloc(4, sizeof(*n->attr));
	assert_non_null(n->attr);
	n->in[0] = add_const(&g, "x", 4, xd, x);
	n->in[1] = add_const(&g, "w", 4, wd, w);
	n->in[2] = add_const(&g, "b", 1, bd, bias);
	n->out[0] = cg_tensor_add(&g, "y", NULL);
	set_ints(&n->attr[0], "strides", s, 2);
	set_ints(&n->attr[1], "dilations", d, 2);
	set_ints(&n->attr[2], "pads", pads, 4);
	n->attr[3].name = strdup("group");
	n->attr[3].type = CG_ATTR_INT;
	n->attr[3].i = group;
	n->n_attr = 4;
	if (cg_op_check(n, &e) || cg_infer_shapes(&g, &e) || cg_exec(&g, &e))
		fail_msg("%s", e.msg);
	assert_int_equal(g.t[n->out[0]].dims[2], 2);
	assert_int_equal(g.t[n->out[0]].dims[3], 4);
	for (i = 0; i < 32; i++)
		assert_float_equal(g.t[n->out[0]].data[i], want[i], 1e-5);
	cg_graph_free(&g);
}

static void test_conv_grouped(void **state)
{
	(void)state;
	run_conv(2, grouped2);
}

static void test_conv_depthwise(void **state)
{
	(void)state;
	run_conv(4, depthwise);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_conv_grouped),
		cmocka_unit_test(test_conv_depthwise),
	};

	return cmocka_run_group_tests_name("onnx_exec", tests, NULL, NULL);
}
