// SPDX-License-Identifier: MIT
/*
 * fmnist_test.c: the default model's test-set helpers shared by
 * test_compile and test_compile_quant (fmnist_test.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "fmnist_test.h"
#include "libpotnpu.h"

struct bench_idx fmnist_images, fmnist_labels;

void fmnist_find_root(char *root, size_t len)
{
	const char *f = __FILE__;
	const char *end = strstr(f, "userspace/tests/fmnist_test.c");

	snprintf(root, len, "%.*s", end ? (int)(end - f) : 0, f);
}

int fmnist_load(void)
{
	char why[256];

	if (fmnist_images.data)
		return 0;
	if (bench_idx_load(FMNIST_DATA "t10k-images-idx3-ubyte.gz",
			   &fmnist_images, why, sizeof(why)) ||
	    bench_idx_load(FMNIST_DATA "t10k-labels-idx1-ubyte.gz",
			   &fmnist_labels, why, sizeof(why)))
		return -1;
	return 0;
}

size_t fmnist_argmax(const float *v, size_t n)
{
	size_t i, best = 0;

	for (i = 1; i < n; i++)
		if (v[i] > v[best])
			best = i;
	return best;
}

double fmnist_model_top1(const char *path, size_t n)
{
	struct potnpu_graph_options o = { 0 };
	struct potnpu_model *m;
	struct potnpu_graph *g;
	int8_t q[784], out[16];
	float real[16];
	size_t i, ok = 0;

	assert_int_equal(potnpu_model_load(path, &m), 0);
	assert_int_equal(potnpu_graph_create(m, &o, &g), 0);
	assert_int_equal(potnpu_graph_info(g)->out_values, 10);
	for (i = 0; i < n; i++) {
		struct potnpu_graph_result r = { .out = out, .real = real };

		assert_int_equal(potnpu_model_preprocess(m,
				 fmnist_images.data + i * 784, q), 0);
		assert_int_equal(potnpu_graph_run(g, q, &r), 0);
		ok += fmnist_argmax(real, 10) == fmnist_labels.data[i];
	}
	potnpu_graph_free(g);
	potnpu_model_free(m);
	return 100.0 * ok / n;
}
