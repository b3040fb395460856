// SPDX-License-Identifier: MIT
/*
 * The graph API against the fake driver, which executes layer commands
 * with the CPU reference: the plumbing (placement, one job per
 * inference, counters per node, the reference backend, batches over
 * slots and graphs, the comparison naming the node and byte, the input
 * preprocessing and the host Softmax), not the numerics.
 */
#include <errno.h>
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

#include "fake_drm.h"
#include "libpotnpu.h"
#include "test_models.h"

#define BATCH	5

static char dir[64];

static int setup(void **state)
{
	char path[128];

	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/potnpu-test-graph-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	setenv(POTNPU_ACCEL_DIR_ENV, dir, 1);
	fake_drm_reset();
	fake_drm_add("/dev/zero", "potnpu", DRM_POTNPU_UAPI_MAJOR,
		     DRM_POTNPU_UAPI_MINOR, FAKE_OK, sizeof(fake_info), 0xf);
	snprintf(path, sizeof(path), "%s/accel0", dir);
	return symlink("/dev/zero", path);
}

static int teardown(void **state)
{
	char path[128];

	(void)state;
	snprintf(path, sizeof(path), "%s/accel0", dir);
	unlink(path);
	rmdir(dir);
	unsetenv(POTNPU_ACCEL_DIR_ENV);
	unsetenv("POTNPU_FAKE_LAYER_CORRUPT");
	return 0;
}

/* Both backends of one model, the inputs, and room for the results. */
struct pair {
	struct store s;
	struct potnpu_model *m;
	struct potnpu_device *dev;
	struct potnpu_graph *dg, *rg;
	const struct potnpu_graph_info *info;
	int8_t *in, *dout, *rout;
	float *real;
	struct potnpu_layer_counts *dc, *rc;
	struct potnpu_graph_result dr[BATCH], rr[BATCH];
};

static void results(struct pair *p)
{
	size_t k, ob = p->info->out_bytes, nn = p->info->nnodes;

	p->dout = calloc(BATCH, ob);
	p->rout = calloc(BATCH, ob);
	p->real = calloc(BATCH * p->info->out_values, sizeof(float));
	p->dc = calloc(BATCH * nn, sizeof(*p->dc));
	p->rc = calloc(BATCH * nn, sizeof(*p->rc));
	p->in = malloc(BATCH * p->info->in_bytes);
	assert_non_null(p->in);
	for (k = 0; k < BATCH * p->info->in_bytes; k++)
		p->in[k] = (int8_t)(rand() & 0xff);
	for (k = 0; k < BATCH; k++) {
		p->dr[k] = (struct potnpu_graph_result){ .out = p->dout + k * ob,
			.real = p->real + k * p->info->out_values,
			.counts = p->dc + k * nn };
		p->rr[k] = (struct potnpu_graph_result){ .out = p->rout + k * ob,
			.counts = p->rc + k * nn };
	}
}

static void pair_open(struct pair *p, void (*build)(struct store *),
		      unsigned int slots)
{
	struct potnpu_graph_options dopt = { .slots = slots }, ropt = { .slots = slots };
	void *buf;
	size_t size;

	memset(p, 0, sizeof(*p));
	build(&p->s);
	assert_int_equal(potnpu_model_write(&p->s.d, &buf, &size), 0);
	assert_int_equal(potnpu_model_load_buffer(buf, size, &p->m), 0);
	free(buf);
	assert_int_equal(potnpu_open_index(0, &p->dev), 0);
	dopt.dev = p->dev;
	assert_int_equal(potnpu_graph_create(p->m, &dopt, &p->dg), 0);
	assert_int_equal(potnpu_graph_create(p->m, &ropt, &p->rg), 0);
	p->info = potnpu_graph_info(p->dg);
	results(p);
}

static void pair_close(struct pair *p)
{
	potnpu_graph_free(p->dg);
	potnpu_graph_free(p->rg);
	potnpu_close(p->dev);
	potnpu_model_free(p->m);
	store_free(&p->s);
	free(p->in);
	free(p->dout);
	free(p->rout);
	free(p->real);
	free(p->dc);
	free(p->rc);
	assert_int_equal(fake_drm_live_bos(), 0);
	assert_int_equal(fake_drm_live_syncobjs(), 0);
}

/* One job per inference; the same bytes and counters as the reference. */
static void same_as_reference(void (*build)(struct store *), unsigned int slots)
{
	struct potnpu_graph_diff d;
	struct pair p;
	unsigned int before;
	size_t k;

	pair_open(&p, build, slots);
	before = fake_submits;
	assert_int_equal(potnpu_graph_run_batch(p.dg, p.in, BATCH, p.dr), 0);
	assert_int_equal(fake_submits - before, BATCH);
	assert_int_equal(potnpu_graph_run_batch(p.rg, p.in, BATCH, p.rr), 0);
	assert_memory_equal(p.dout, p.rout, BATCH * p.info->out_bytes);
	assert_memory_equal(p.dc, p.rc, BATCH * p.info->nnodes * sizeof(*p.dc));
	for (k = 0; k < slots && k < BATCH; k++)
		assert_int_equal(potnpu_graph_diff(p.dg, (unsigned int)k, p.rg,
						   (unsigned int)k, &d), 0);
	for (k = 0; k < BATCH; k++) {
		assert_int_equal(p.dr[k].failed_node, POTNPU_GRAPH_NO_NODE);
		assert_true(p.dr[k].status.done);
	}
	assert_true(p.dc[0].macs > 0 && p.dc[0].terms > 0);
	pair_close(&p);
}

static void test_chain_same_as_reference(void **state)
{
	(void)state;
	same_as_reference(model_chain, 1);
	same_as_reference(model_chain, 3);
}

static void test_residual_same_as_reference(void **state)
{
	(void)state;
	same_as_reference(model_residual, 2);
}

/* The host Softmax: probabilities summing to 1, in the logits' order. */
static void test_softmax(void **state)
{
	struct pair p;
	float sum = 0;
	size_t c, best = 0, qbest = 0;

	(void)state;
	pair_open(&p, model_chain, 1);
	assert_int_equal(p.info->out_values, 10);
	assert_int_equal(potnpu_graph_run(p.dg, p.in, &p.dr[0]), 0);
	for (c = 0; c < 10; c++) {
		sum += p.real[c];
		best = p.real[c] > p.real[best] ? c : best;
		qbest = p.dout[c] > p.dout[qbest] ? c : qbest;
	}
	assert_true(fabsf(sum - 1.0f) < 1e-5f);
	assert_int_equal(best, qbest);
	assert_int_equal(p.dc[3].macs, 0);	/* the Softmax node */
	pair_close(&p);
}

/* A spoilt byte of node 2's output (the process's third layer): named,
 * with its position. */
static void test_diff_names_node(void **state)
{
	struct potnpu_graph_diff d;
	struct pair p;

	(void)state;
	pair_open(&p, model_chain, 1);
	setenv("POTNPU_FAKE_LAYER_CORRUPT", "out:2", 1);
	assert_int_equal(potnpu_graph_run(p.dg, p.in, &p.dr[0]), 0);
	assert_int_equal(potnpu_graph_run(p.rg, p.in, &p.rr[0]), 0);
	assert_int_equal(potnpu_graph_diff(p.dg, 0, p.rg, 0, &d), 1);
	assert_int_equal(d.node, 2);
	assert_int_equal(d.tensor, 3);
	assert_int_equal(d.byte, 0);
	assert_int_equal(d.a ^ d.b, 1);
	pair_close(&p);
}

/* A job failing at the second command: the node it names. */
static void test_failed_node(void **state)
{
	struct pair p;

	(void)state;
	pair_open(&p, model_chain, 1);
	fake_job_force = true;
	fake_job_forced = (struct fake_job_result){ .status = DRM_POTNPU_JOB_INVALID,
		.err_offset = 128 };
	assert_int_equal(potnpu_graph_run(p.dg, p.in, &p.dr[0]), -EIO);
	assert_int_equal(p.dr[0].failed_node, 1);
	assert_non_null(strstr(potnpu_last_error(), "node 1 (pool1) failed"));
	pair_close(&p);
}

/* Several graphs (devices) sharing a batch round robin. */
static void test_spread(void **state)
{
	struct potnpu_graph *gs[2];
	struct pair p;

	(void)state;
	pair_open(&p, model_residual, 2);
	gs[0] = p.dg;
	gs[1] = p.rg;
	assert_int_equal(potnpu_graph_run_spread(gs, 2, p.in, BATCH, p.dr), 0);
	assert_int_equal(potnpu_graph_run_batch(p.rg, p.in, BATCH, p.rr), 0);
	assert_memory_equal(p.dout, p.rout, BATCH * p.info->out_bytes);
	assert_int_equal(potnpu_graph_run_spread(gs, 0, p.in, 1, p.dr), -EINVAL);
	pair_close(&p);
}

/* uint8 pixels through mean, std, scale and zero point, half away. */
static void test_preprocess(void **state)
{
	struct pair p;
	uint8_t img[64];
	int8_t q[64];
	size_t i;

	(void)state;
	pair_open(&p, model_chain, 1);
	for (i = 0; i < 64; i++)
		img[i] = (uint8_t)(i * 4);
	assert_int_equal(potnpu_model_preprocess(p.m, img, q), 0);
	/* scale 1/255, zp -128: q = round((p/255 - 0.286)/0.353 * 255) - 128 */
	assert_int_equal(q[0], -128);			/* -206.6 clamps */
	assert_int_equal(q[63], 127);			/* 252: 504 clamps */
	assert_int_equal(q[25], -128 + (int)lroundf((100.0f / 255 - 0.2860f) / 0.3530f * 255));
	assert_int_equal(potnpu_model_preprocess(p.m, NULL, q), -EINVAL);
	pair_close(&p);
}

static void test_bad_arguments(void **state)
{
	struct potnpu_graph_options o = { .slots = POTNPU_GRAPH_MAX_SLOTS + 1 };
	struct potnpu_graph *g = (void *)1;
	struct pair p;

	(void)state;
	pair_open(&p, model_chain, 1);
	assert_int_equal(potnpu_graph_create(p.m, &o, &g), -EINVAL);
	assert_null(g);
	assert_int_equal(potnpu_graph_collect(p.rg, 0, &p.rr[0]), -EINVAL);
	assert_int_equal(potnpu_graph_submit(p.rg, 1, p.in), -EINVAL);
	assert_int_equal(potnpu_graph_submit(p.rg, 0, p.in), 0);
	assert_int_equal(potnpu_graph_submit(p.rg, 0, p.in), -EBUSY);
	assert_int_equal(potnpu_graph_collect(p.rg, 0, &p.rr[0]), 0);
	pair_close(&p);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		/* first: the fake counts the process's layers from 0 */
		T(test_diff_names_node),
		T(test_chain_same_as_reference),
		T(test_residual_same_as_reference),
		T(test_softmax),
		T(test_failed_node),
		T(test_spread),
		T(test_preprocess),
		T(test_bad_arguments),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
