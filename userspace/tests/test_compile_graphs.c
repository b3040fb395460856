// SPDX-License-Identifier: MIT
/*
 * test_compile_graphs.c: potnpu-compile on generated ONNX graphs
 * (onnx_gen.h): every supported op alone and in small graphs, and the
 * ResNet-18-shaped model (channels 64..512 divided by 4, 1x3x32x32), each
 * compiled (uniform8, and a PoT-family scheme), loaded and run on the CPU
 * reference against the float executor on random images: the output's
 * SQNR must clear a bound (a sanity check of the whole lowering; that the
 * device equals the reference byte for byte is the guest's model-test.sh).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "libpotnpu.h"
#include "onnx_gen_ops.h"
#include "pc.h"

#define NIMG 16
#define NRUN 4

static char onnx[64], idx[64], bin[64];

static uint8_t *write_images(size_t n, size_t c, size_t hw)
{
	size_t bytes = n * c * hw * hw, i, at = 0;
	uint8_t *px = malloc(bytes), head[20] = { 0, 0, 8, 4 };
	uint32_t d[4] = { (uint32_t)n, (uint32_t)hw, (uint32_t)hw, (uint32_t)c };
	uint64_t s = 12345;
	FILE *f = fopen(idx, "wb");

	assert_non_null(px);
	assert_non_null(f);
	for (i = 0; i < 4; i++) {
		head[4 + 4 * i] = (uint8_t)(d[i] >> 24);
		head[5 + 4 * i] = (uint8_t)(d[i] >> 16);
		head[6 + 4 * i] = (uint8_t)(d[i] >> 8);
		head[7 + 4 * i] = (uint8_t)d[i];
	}
	for (i = 0; i < bytes; i++) {
		s ^= s << 13;
		s ^= s >> 7;
		s ^= s << 17;
		px[i] = (uint8_t)(s >> 56);
	}
	at += fwrite(head, 1, 20, f);
	at += fwrite(px, 1, bytes, f);
	assert_int_equal(at, 20 + bytes);
	assert_int_equal(fclose(f), 0);
	return px;
}

/* SQNR of the model's dequantized output against the float executor. */
static double output_sqnr(const uint8_t *px, size_t item)
{
	struct potnpu_graph_options go = { 0 };
	const struct potnpu_graph_info *info;
	struct potnpu_model *m;
	struct potnpu_graph *pg;
	struct cg_graph g;
	struct cg_error e;
	float *x = malloc(item * sizeof(float)), *real;
	int8_t *q = malloc(item), *out;
	double sig = 0, noise = 0;
	size_t i, k;

	assert_non_null(x);
	assert_non_null(q);
	assert_int_equal(potnpu_model_load(bin, &m), 0);
	assert_int_equal(potnpu_graph_create(m, &go, &pg), 0);
	info = potnpu_graph_info(pg);
	out = malloc(info->out_values);
	real = malloc(info->out_values * sizeof(float));
	assert_non_null(out);
	assert_non_null(real);
	assert_int_equal(cg_read_onnx_file(onnx, &g, &e), 0);
	assert_int_equal(cg_infer_shapes(&g, &e), 0);
	for (i = 0; i < NRUN; i++) {
		struct potnpu_graph_result r = { .out = out, .real = real };
		const struct cg_tensor *y = &g.t[g.outputs[0]];
		size_t c = (size_t)y->dims[1], hw = (size_t)(cg_numel(y) / (int64_t)c);

		pc_image_to_float(&g.t[g.inputs[0]], px + i * item, x);
		assert_int_equal(cg_bind_input(&g, "input", x, (int64_t)item, &e), 0);
		assert_int_equal(cg_exec(&g, &e), 0);
		for (k = 0; k < item; k++)
			q[k] = (int8_t)(px[i * item + k] - 128);
		assert_int_equal(potnpu_graph_run(pg, q, &r), 0);
		assert_int_equal(info->out_values, (size_t)cg_numel(y));
		for (k = 0; k < info->out_values; k++) {
			/* device NHWC, float NCHW */
			double want = y->data[(k % c) * hw + k / c];

			sig += want * want;
			noise += (real[k] - want) * (real[k] - want);
		}
	}
	cg_graph_free(&g);
	potnpu_graph_free(pg);
	potnpu_model_free(m);
	free(x);
	free(q);
	free(out);
	free(real);
	return noise > 0 ? 10 * log10(sig / noise) : 99;
}

static double compile_and_check(const char *scheme, const uint8_t *px,
				size_t item, unsigned int calib)
{
	struct pc_options o = { .onnx = onnx, .out = bin, .calib = idx,
		.calib_count = calib, .quiet = 1, .scheme = scheme };
	struct cg_error e;

	if (pc_compile(&o, &e))
		fail_msg("%s: %s", onnx, e.msg);
	return output_sqnr(px, item);
}

static void names(void)
{
	snprintf(onnx, sizeof(onnx), "/tmp/potnpu-cg-%d.onnx", (int)getpid());
	snprintf(idx, sizeof(idx), "/tmp/potnpu-cg-%d.idx", (int)getpid());
	snprintf(bin, sizeof(bin), "/tmp/potnpu-cg-%d.bin", (int)getpid());
}

static void cleanup(void)
{
	unlink(onnx);
	unlink(idx);
	unlink(bin);
}

static void test_op_graphs(void **state)
{
	size_t item = OG_OPS_C * OG_OPS_HW * OG_OPS_HW, i;
	uint8_t *px;

	(void)state;
	names();
	px = write_images(NIMG, OG_OPS_C, OG_OPS_HW);
	for (i = 0; i < og_ngraphs; i++) {
		struct og *b = og_new(OG_OPS_C, OG_OPS_HW, OG_OPS_HW, i + 1);
		const char *out = og_graphs[i].build(b);
		double u8, a4;

		assert_non_null(out);
		assert_int_equal(og_write(b, out, onnx), 0);
		og_free(b);
		u8 = compile_and_check("uniform8", px, item, NIMG);
		a4 = compile_and_check("apot4", px, item, NIMG);
		print_message("# %-15s %-62s SQNR uniform8 %5.1f dB, apot4 %5.1f dB\n",
			      og_graphs[i].name, og_graphs[i].what, u8, a4);
		/* int8 activations, 8-bit weights: measured 30 dB or more */
		assert_true(u8 >= 25);
		assert_true(a4 >= 10);
	}
	free(px);
	cleanup();
}

static void test_resnet18(void **state)
{
	size_t item = 3 * 32 * 32;
	struct og *b;
	const char *out;
	uint8_t *px;
	double u8, a5, t0;
	struct timespec ts;

	(void)state;
	names();
	px = write_images(NIMG, 3, 32);
	b = og_new(3, 32, 32, 18);
	out = og_resnet18(b, 4, 10);
	assert_non_null(out);
	assert_int_equal(og_write(b, out, onnx), 0);
	og_free(b);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	t0 = ts.tv_sec + ts.tv_nsec * 1e-9;
	u8 = compile_and_check("uniform8", px, item, 8);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	a5 = compile_and_check("apot5", px, item, 8);
	print_message("# ResNet-18 shape (channels 16..128, 1x3x32x32): output SQNR uniform8 %.1f dB, apot5 %.1f dB; uniform8 compile %.2f s\n",
		      u8, a5, ts.tv_sec + ts.tv_nsec * 1e-9 - t0);
	assert_true(u8 >= 15);
	assert_true(a5 >= 8);
	free(px);
	cleanup();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_op_graphs),
		cmocka_unit_test(test_resnet18),
	};

	return cmocka_run_group_tests_name("compile_graphs", tests, NULL, NULL);
}
