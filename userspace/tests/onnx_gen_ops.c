// SPDX-License-Identifier: MIT
/*
 * onnx_gen_ops.c: the op graphs of onnx_gen_ops.h.
 */
#include "onnx_gen_ops.h"

static const char *conv3(struct og *b, const char *name, const char *in,
			 int64_t oc)
{
	struct og_conv c = { .oc = oc, .kh = 3, .kw = 3, .sh = 1, .sw = 1,
		.dh = 1, .dw = 1, .pt = 1, .pl = 1, .pb = 1, .pr = 1, .bias = 1 };

	return og_conv(b, name, in, &c);
}

static const char *g_conv(struct og *b)
{
	return conv3(b, "conv", og_input(b), 8);
}

static const char *g_conv_strided(struct og *b)
{
	struct og_conv c = { .oc = 6, .kh = 3, .kw = 2, .sh = 2, .sw = 1,
		.dh = 2, .dw = 1, .pt = 0, .pl = 1, .pb = 2, .pr = 0, .bias = 1 };

	return og_conv(b, "conv_s2_d2_asym", og_input(b), &c);
}

static const char *g_conv_grouped(struct og *b)
{
	struct og_conv c = { .oc = 8, .kh = 3, .kw = 3, .sh = 1, .sw = 1,
		.dh = 1, .dw = 1, .pt = 1, .pl = 1, .pb = 1, .pr = 1,
		.group = 2, .bias = 1 };

	return og_conv(b, "conv_g2", conv3(b, "conv", og_input(b), 8), &c);
}

static const char *g_conv_depthwise(struct og *b)
{
	struct og_conv c = { .oc = 8, .kh = 3, .kw = 3, .sh = 2, .sw = 2,
		.dh = 1, .dw = 1, .pt = 1, .pl = 1, .pb = 1, .pr = 1,
		.group = 8, .bias = 1 };

	return og_conv(b, "conv_dw", conv3(b, "conv", og_input(b), 8), &c);
}

static const char *g_gemm(struct og *b)
{
	return og_gemm(b, "fc", og_flatten(b, "flatten", og_input(b)), 10);
}

static const char *g_matmul(struct og *b)
{
	return og_matmul(b, "matmul", og_flatten(b, "flatten", og_input(b)), 10);
}

static const char *g_relu(struct og *b)
{
	return og_relu(b, "relu", conv3(b, "conv", og_input(b), 8));
}

static const char *g_clip(struct og *b)
{
	return og_clip(b, "clip", conv3(b, "conv", og_input(b), 8), 0, 0.5f);
}

static const char *g_maxpool(struct og *b)
{
	return og_maxpool(b, "maxpool", conv3(b, "conv", og_input(b), 8), 3, 2, 1);
}

static const char *g_avgpool(struct og *b)
{
	const char *t = conv3(b, "conv", og_input(b), 8);

	t = og_avgpool(b, "avgpool_pad", t, 3, 2, 1, 1);
	return og_avgpool(b, "avgpool", t, 2, 2, 0, 0);
}

static const char *g_gap(struct og *b)
{
	return og_gap(b, "gap", conv3(b, "conv", og_input(b), 8));
}

static const char *g_add(struct og *b)
{
	const char *a = conv3(b, "conv_a", og_input(b), 8);
	const char *c = conv3(b, "conv_b", og_input(b), 8);

	return og_relu(b, "relu", og_add(b, "add", a, c));
}

static const char *g_concat(struct og *b)
{
	const char *in[2];

	in[0] = og_relu(b, "relu_a", conv3(b, "conv_a", og_input(b), 4));
	in[1] = conv3(b, "conv_b", og_input(b), 6);
	return og_conv_k(b, "conv_1x1", og_concat(b, "concat", in, 2), 5, 1, 1);
}

static const char *g_bn(struct og *b)
{
	return og_relu(b, "relu", og_bn(b, "bn", conv3(b, "conv", og_input(b), 8)));
}

static const char *g_reshape(struct og *b)
{
	const char *t = og_maxpool(b, "pool", conv3(b, "conv", og_input(b), 4), 2, 2, 0);

	return og_gemm(b, "fc", og_reshape_flat(b, "reshape", t), 7);
}

/* Conv + BN + ReLU, MaxPool, a depthwise residual block, a Concat of two
 * branches, GlobalAveragePool, Flatten, Gemm. */
static const char *g_mixed(struct og *b)
{
	struct og_conv dw = { .oc = 8, .kh = 3, .kw = 3, .sh = 1, .sw = 1,
		.dh = 1, .dw = 1, .pt = 1, .pl = 1, .pb = 1, .pr = 1,
		.group = 8 };
	const char *t, *r, *cat[2];

	t = og_relu(b, "stem_relu", og_bn(b, "stem_bn", og_conv_k(b, "stem", og_input(b), 8, 3, 1)));
	t = og_maxpool(b, "pool", t, 2, 2, 0);
	r = og_bn(b, "dw_bn", og_conv(b, "dw", t, &dw));
	t = og_relu(b, "res_relu", og_add(b, "res_add", r, t));
	cat[0] = og_relu(b, "br_a_relu", og_conv_k(b, "br_a", t, 8, 1, 1));
	cat[1] = og_clip(b, "br_b_clip", og_conv_k(b, "br_b", t, 8, 3, 1), 0, 6);
	t = og_concat(b, "concat", cat, 2);
	t = og_avgpool(b, "avg", t, 2, 2, 0, 0);
	t = og_flatten(b, "flatten", og_gap(b, "gap", t));
	return og_gemm(b, "fc", t, 10);
}

const struct og_graph og_graphs[] = {
	{ "conv", "Conv 3x3, bias", g_conv },
	{ "conv_strided", "Conv 3x2, strides 2x1, dilations 2x1, asymmetric pads", g_conv_strided },
	{ "conv_grouped", "Conv, then Conv group 2", g_conv_grouped },
	{ "conv_depthwise", "Conv, then depthwise Conv stride 2", g_conv_depthwise },
	{ "gemm", "Flatten of the input, Gemm transB", g_gemm },
	{ "matmul", "Flatten of the input, MatMul", g_matmul },
	{ "relu", "Conv, Relu", g_relu },
	{ "clip", "Conv, Clip [0, 0.5]", g_clip },
	{ "maxpool", "Conv, MaxPool 3x3/2 pad 1", g_maxpool },
	{ "avgpool", "Conv, AveragePool 3x3/2 pad 1 count_include_pad, AveragePool 2x2/2", g_avgpool },
	{ "gap", "Conv, GlobalAveragePool", g_gap },
	{ "add", "two Convs, Add, Relu", g_add },
	{ "concat", "Conv + Relu and Conv, Concat, Conv 1x1", g_concat },
	{ "batchnorm", "Conv, BatchNormalization (folded), Relu", g_bn },
	{ "reshape", "Conv, MaxPool, Reshape [1, -1], Gemm", g_reshape },
	{ "mixed", "Conv+BN+Relu, MaxPool, depthwise residual, Concat, pools, Gemm", g_mixed },
};

const size_t og_ngraphs = sizeof(og_graphs) / sizeof(og_graphs[0]);
