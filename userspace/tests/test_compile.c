// SPDX-License-Identifier: MIT
/*
 * test_compile.c: potnpu-compile's path from ONNX to model.bin. The
 * default model compiled with uniform8 and nhot2 (64 calibration images)
 * runs on the CPU reference over the first 1000 test images, within a
 * stated bound of the float executor's top-1 accuracy; a small hand-built
 * ONNX model (Conv, Relu, MaxPool, Flatten, Gemm; once more with two
 * branches joined by a Concat) compiles to a file the
 * model reader accepts whose outputs follow the float executor's; an
 * unsupported graph is rejected naming the node and op.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "fmnist_test.h"
#include "compile_onnx.h"
#include "libpotnpu.h"
#include "pc.h"

#define DATA FMNIST_DATA
#define NTEST 1000

static char root[512];
static double float_acc = -1;

/* Top-1 of the float executor over the first NTEST test images. */
static double float_accuracy(const char *onnx)
{
	struct cg_graph g;
	struct cg_error e;
	float x[784];
	size_t i, ok = 0;

	assert_int_equal(cg_read_onnx_file(onnx, &g, &e), 0);
	assert_int_equal(cg_infer_shapes(&g, &e), 0);
	for (i = 0; i < NTEST; i++) {
		pc_image_to_float(&g.t[g.inputs[0]], fmnist_images.data + i * 784, x);
		assert_int_equal(cg_bind_input(&g, "input", x, 784, &e), 0);
		assert_int_equal(cg_exec(&g, &e), 0);
		ok += fmnist_argmax(g.t[g.outputs[0]].data, 10) == fmnist_labels.data[i];
	}
	cg_graph_free(&g);
	return 100.0 * ok / NTEST;
}

static void fashion(const char *scheme, double bound)
{
	char onnx[600], lab[600], out[64];
	struct pc_options o = { .onnx = onnx, .out = out, .scheme = scheme,
		.calib = DATA "train-images-idx3-ubyte.gz", .calib_count = 64,
		.labels = lab, .quiet = 1 };
	struct cg_error e;
	double acc;

	if (fmnist_load())
		skip();
	snprintf(onnx, sizeof(onnx), "%smodels/fashion-mnist-cnn.onnx", root);
	snprintf(lab, sizeof(lab), "%smodels/fashion-mnist-labels.txt", root);
	snprintf(out, sizeof(out), "/tmp/potnpu-compile-%d-%s.bin",
		 (int)getpid(), scheme);
	if (pc_compile(&o, &e))
		fail_msg("%s", e.msg);
	if (float_acc < 0)
		float_acc = float_accuracy(onnx);
	acc = fmnist_model_top1(out, NTEST);
	unlink(out);
	print_message("# %s: top-1 %.1f %% over %d images, float %.1f %% (bound %.1f points)\n",
		      scheme, acc, NTEST, float_acc, bound);
	assert_true(acc >= float_acc - bound);
}

/* n 4x4 uint8 images as an IDX file; returns the pixels. */
static uint8_t *write_idx(const char *path, size_t n)
{
	uint8_t head[16] = { 0, 0, 8, 3, 0, 0, 0, (uint8_t)n, 0, 0, 0, 4,
			     0, 0, 0, 4 };
	uint8_t *px = malloc(n * 16);
	FILE *f = fopen(path, "wb");
	size_t i;

	assert_non_null(px);
	assert_non_null(f);
	for (i = 0; i < n * 16; i++)
		px[i] = (uint8_t)((i * 73 + i / 16 * 29) % 256);
	assert_int_equal(fwrite(head, 1, 16, f), 16);
	assert_int_equal(fwrite(px, 1, n * 16, f), n * 16);
	assert_int_equal(fclose(f), 0);
	return px;
}

static void write_onnx(const char *path, int variant)
{
	size_t len;
	uint8_t *buf = compile_onnx_small(variant, &len);
	FILE *f = fopen(path, "wb");

	assert_non_null(buf);
	assert_non_null(f);
	assert_int_equal(fwrite(buf, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	free(buf);
}

/* The model's dequantized outputs against the float executor's. */
static void compare_small(const char *onnx, const char *bin,
			  const uint8_t *px, size_t n)
{
	struct potnpu_graph_options o = { 0 };
	struct potnpu_model *m;
	struct potnpu_graph *pg;
	struct cg_graph g;
	struct cg_error e;
	float x[16], real[3], worst = 0, range = 0;
	int8_t q[16], out[3];
	size_t i, k;

	assert_int_equal(potnpu_model_load(bin, &m), 0);
	assert_int_equal(potnpu_graph_create(m, &o, &pg), 0);
	assert_int_equal(cg_read_onnx_file(onnx, &g, &e), 0);
	assert_int_equal(cg_infer_shapes(&g, &e), 0);
	for (i = 0; i < n; i++) {
		struct potnpu_graph_result r = { .out = out, .real = real };
		const float *y;

		pc_image_to_float(&g.t[g.inputs[0]], px + i * 16, x);
		assert_int_equal(cg_bind_input(&g, "x", x, 16, &e), 0);
		assert_int_equal(cg_exec(&g, &e), 0);
		y = g.t[g.outputs[0]].data;
		assert_int_equal(potnpu_model_preprocess(m, px + i * 16, q), 0);
		assert_int_equal(potnpu_graph_run(pg, q, &r), 0);
		for (k = 0; k < 3; k++) {
			worst = fmaxf(worst, fabsf(real[k] - y[k]));
			range = fmaxf(range, fabsf(y[k]));
		}
	}
	print_message("# small model: max |int8 - float| %.4f of outputs up to %.4f\n",
		      worst, range);
	assert_true(worst <= 0.05f * range);
	cg_graph_free(&g);
	potnpu_graph_free(pg);
	potnpu_model_free(m);
}

static void test_small(void **state)
{
	char onnx[64], idx[64], bin[64];
	struct pc_options o = { .onnx = onnx, .out = bin, .calib = idx,
		.calib_count = 32, .quiet = 1 };
	struct cg_error e;
	uint8_t *px;

	(void)state;
	snprintf(onnx, sizeof(onnx), "/tmp/potnpu-small-%d.onnx", (int)getpid());
	snprintf(idx, sizeof(idx), "/tmp/potnpu-small-%d.idx", (int)getpid());
	snprintf(bin, sizeof(bin), "/tmp/potnpu-small-%d.bin", (int)getpid());
	px = write_idx(idx, 32);
	write_onnx(onnx, SMALL_PLAIN);
	if (pc_compile(&o, &e))
		fail_msg("%s", e.msg);
	compare_small(onnx, bin, px, 32);
	write_onnx(onnx, SMALL_CONCAT);
	if (pc_compile(&o, &e))
		fail_msg("%s", e.msg);
	compare_small(onnx, bin, px, 32);
	free(px);
	write_onnx(onnx, SMALL_RELU_FIRST);
	assert_int_not_equal(pc_compile(&o, &e), 0);
	print_message("# error: %s\n", e.msg);
	assert_non_null(strstr(e.msg, "'first_relu' (Relu)"));
	unlink(onnx);
	unlink(idx);
	unlink(bin);
}

static void test_uniform8(void **state)
{
	(void)state;
	fashion("uniform8", 1.5);
}

static void test_nhot2(void **state)
{
	(void)state;
	fashion("nhot2", 5.0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_small),
		cmocka_unit_test(test_uniform8),
		cmocka_unit_test(test_nhot2),
	};

	fmnist_find_root(root, sizeof(root));
	return cmocka_run_group_tests_name("compile", tests, NULL, NULL);
}
