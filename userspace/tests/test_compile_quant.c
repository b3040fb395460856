// SPDX-License-Identifier: MIT
/*
 * test_compile_quant.c: potnpu-compile's quantization choices.
 * Calibration: each --calibrate method on synthetic distributions (an
 * outlier-heavy one, where percentile and mse clip below the maximum and
 * quantize with less error than minmax; a uniform one, where all agree)
 * and on the default model (top-1 per method over 1000 test images).
 * Schedules: --layer by node and by tensor name, the errors for unknown
 * and weightless layers, the progressive rule. Fitted levels: their form
 * and their error against uniform4 and APoT4 on Gaussian weights; the
 * default model compiled fitted (tables in the file). --json: parsed back.
 * The command line: exit 2 on bad usage, 1 on a bad scheme or layer, the
 * JSON on stdout with --json -.
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
#include <sys/wait.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "fmnist_test.h"
#include "compile_onnx.h"
#include "libpotnpu.h"
#include "pc.h"
#include "pc_emit.h"

#define DATA FMNIST_DATA
#define NTEST 1000
#define NSAMP 200000

static char root[512];

static uint64_t rng = 88172645463325252ull;

static double uniform01(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return ((rng >> 11) + 0.5) / 9007199254740992.0;
}

static double gauss(void)
{
	return sqrt(-2 * log(uniform01())) * cos(2 * M_PI * uniform01());
}

/* The squared error of int8-quantizing @v over [lo, hi], exactly. */
static double sample_mse(const float *v, size_t n, double lo, double hi)
{
	double err = 0;
	float s;
	int zp;
	size_t i;

	pc_range_to_q(lo, hi, &s, &zp);
	for (i = 0; i < n; i++) {
		double q = nearbyint(v[i] / s) + zp;

		q = q < -128 ? -128 : q > 127 ? 127 : q;
		err += ((q - zp) * s - v[i]) * ((q - zp) * s - v[i]);
	}
	return err / (double)n;
}

struct method_result {
	double lo, hi, mse;
};

static void run_methods(const float *v, size_t n, struct method_result *r)
{
	static const enum pc_calib_method m[3] = { PC_CALIB_MINMAX,
		PC_CALIB_PERCENTILE, PC_CALIB_MSE };
	struct pc_hist *h = malloc(sizeof(*h));
	float mn = v[0], mx = v[0];
	size_t i;

	assert_non_null(h);
	for (i = 0; i < n; i++) {
		mn = fminf(mn, v[i]);
		mx = fmaxf(mx, v[i]);
	}
	pc_hist_init(h, mn, mx);
	pc_hist_add(h, v, n);
	for (i = 0; i < 3; i++) {
		pc_hist_range(h, m[i], PC_DEFAULT_PERCENTILE, &r[i].lo, &r[i].hi);
		r[i].mse = sample_mse(v, n, r[i].lo, r[i].hi);
		print_message("#   %-10s clip [%.3f, %.3f], MSE %.3g (histogram %.3g)\n",
			      i == 0 ? "minmax" : i == 1 ? "percentile" : "mse",
			      r[i].lo, r[i].hi, r[i].mse,
			      pc_hist_mse(h, r[i].lo, r[i].hi));
	}
	free(h);
}

/*
 * A Gaussian bulk of 2 million values (about what one tensor gives over
 * the calibration images) and two outliers at 60 sigma: the minmax range
 * is stretched by values that hardly matter. With int8, clipping only
 * pays when such values are rarer than about 1 in 780 000 (the bulk's
 * error s^2 / 12 shrinks by at most (M / 255)^2 / 12).
 */
static void test_calib_outliers(void **state)
{
	size_t n = 2000000, i;
	float *v = malloc(n * sizeof(float));
	struct method_result r[3];

	(void)state;
	assert_non_null(v);
	for (i = 0; i < n; i++)
		v[i] = (float)gauss();
	v[12345] = v[1234567] = 60;
	print_message("# outlier-heavy (%zu Gaussian values, 2 at 60):\n", n);
	run_methods(v, n, r);
	assert_true(r[1].hi < 0.9 * r[0].hi);
	assert_true(r[2].hi < 0.9 * r[0].hi);
	assert_true(r[1].mse < r[0].mse);
	assert_true(r[2].mse < 0.5 * r[0].mse);
	/* mse is the least-error clip; percentile only a heuristic */
	assert_true(r[2].mse <= 1.05 * r[1].mse);
	free(v);
}

static void test_calib_uniform(void **state)
{
	float *v = malloc(NSAMP * sizeof(float));
	struct method_result r[3];
	size_t i;

	(void)state;
	assert_non_null(v);
	for (i = 0; i < NSAMP; i++)
		v[i] = (float)(-1 + 4 * uniform01());
	print_message("# uniform [-1, 3]:\n");
	run_methods(v, NSAMP, r);
	for (i = 1; i < 3; i++) {
		assert_true(fabs(r[i].hi - r[0].hi) < 0.02 * r[0].hi);
		assert_true(fabs(r[i].lo - r[0].lo) < 0.02 * 4);
		assert_true(r[i].mse < 1.2 * r[0].mse);
	}
	free(v);
}

static void test_calib_parse(void **state)
{
	struct pc_options o = { 0 };
	struct cg_error e;

	(void)state;
	assert_int_equal(pc_calib_parse("percentile=99.9", &o, &e), 0);
	assert_int_equal(o.calib_method, PC_CALIB_PERCENTILE);
	assert_true(fabs(o.percentile - 99.9) < 1e-9);
	assert_int_equal(pc_calib_parse("percentile", &o, &e), 0);
	assert_true(fabs(o.percentile - PC_DEFAULT_PERCENTILE) < 1e-9);
	assert_int_equal(pc_calib_parse("mse", &o, &e), 0);
	assert_int_equal(o.calib_method, PC_CALIB_MSE);
	assert_int_not_equal(pc_calib_parse("percentile=40", &o, &e), 0);
	assert_int_not_equal(pc_calib_parse("percentile=x", &o, &e), 0);
	assert_int_not_equal(pc_calib_parse("kl", &o, &e), 0);
	assert_non_null(strstr(e.msg, "minmax, percentile[=P], mse"));
}

static void fashion_path(char *onnx, size_t len)
{
	snprintf(onnx, len, "%smodels/fashion-mnist-cnn.onnx", root);
}

/* The default model compiled with @o's choices; its top-1. */
static double fashion(struct pc_options *o, const char *tag)
{
	char onnx[600], out[96];
	struct cg_error e;
	double acc;

	fashion_path(onnx, sizeof(onnx));
	snprintf(out, sizeof(out), "/tmp/potnpu-cq-%d-%s.bin", (int)getpid(), tag);
	o->onnx = onnx;
	o->out = out;
	o->calib = DATA "train-images-idx3-ubyte.gz";
	o->calib_count = 64;
	o->quiet = 1;
	if (pc_compile(o, &e))
		fail_msg("%s", e.msg);
	acc = fmnist_model_top1(out, NTEST);
	unlink(out);
	return acc;
}

static void test_calib_model(void **state)
{
	static const char *const name[3] = { "minmax", "percentile", "mse" };
	double acc[3];
	int i;

	(void)state;
	if (fmnist_load())
		skip();
	for (i = 0; i < 3; i++) {
		struct pc_options o = { .scheme = "uniform4" };

		o.calib_method = (enum pc_calib_method)i;
		acc[i] = fashion(&o, name[i]);
		print_message("# default model, uniform4, --calibrate %s: top-1 %.1f %% over %d images\n",
			      name[i], acc[i], NTEST);
	}
	/* measured 88.0, 88.1, 88.3 (docs/compiler.md); a gross bug would
	 * fall far below */
	for (i = 1; i < 3; i++)
		assert_true(acc[i] >= acc[0] - 2.0);
}

/* ---- schedules ---------------------------------------------------------- */

struct small {
	char onnx[64], idx[64], bin[64];
	struct pc_options o;
};

static void small_setup(struct small *s, int variant)
{
	uint8_t head[16] = { 0, 0, 8, 3, 0, 0, 0, 16, 0, 0, 0, 4, 0, 0, 0, 4 };
	size_t len, i;
	uint8_t *buf = compile_onnx_small(variant, &len), px[256];
	FILE *f;

	snprintf(s->onnx, sizeof(s->onnx), "/tmp/potnpu-cq-%d.onnx", (int)getpid());
	snprintf(s->idx, sizeof(s->idx), "/tmp/potnpu-cq-%d.idx", (int)getpid());
	snprintf(s->bin, sizeof(s->bin), "/tmp/potnpu-cq-%d.bin", (int)getpid());
	assert_non_null(buf);
	f = fopen(s->onnx, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(buf, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	free(buf);
	for (i = 0; i < sizeof(px); i++)
		px[i] = (uint8_t)(i * 37 + i / 16 * 11);
	f = fopen(s->idx, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(head, 1, 16, f), 16);
	assert_int_equal(fwrite(px, 1, sizeof(px), f), sizeof(px));
	assert_int_equal(fclose(f), 0);
	s->o = (struct pc_options){ .onnx = s->onnx, .out = s->bin,
		.calib = s->idx, .calib_count = 16, .quiet = 1 };
}

static void small_teardown(struct small *s)
{
	unlink(s->onnx);
	unlink(s->idx);
	unlink(s->bin);
}

/* The scheme names of the model file's nodes, comma-joined. */
static void node_schemes(const char *bin, char *buf, size_t len)
{
	const struct potnpu_model_desc *d;
	struct potnpu_model *m;
	size_t at = 0;
	uint32_t i;

	assert_int_equal(potnpu_model_load(bin, &m), 0);
	d = potnpu_model_get(m);
	buf[0] = 0;
	for (i = 0; i < d->nnodes; i++)
		if (d->nodes[i].layer.op == POTNPU_LAYER_CONV2D)
			at += (size_t)snprintf(buf + at, len - at, "%s%s",
					       at ? "," : "", d->nodes[i].scheme_name);
	potnpu_model_free(m);
}

static void test_layer_overrides(void **state)
{
	struct pc_override ov[2] = { { "conv", "nhot2" }, { "y", "apot4" } };
	struct small s;
	struct cg_error e;
	char got[256];

	(void)state;
	small_setup(&s, SMALL_PLAIN);
	s.o.ovr = ov;
	s.o.novr = 2;
	if (pc_compile(&s.o, &e))
		fail_msg("%s", e.msg);
	node_schemes(s.bin, got, sizeof(got));
	assert_string_equal(got, "nhot2,apot4");
	/* the conv's own output 'c' names it too (Relu fused after it) */
	ov[0] = (struct pc_override){ "c", "pot3" };
	s.o.novr = 1;
	if (pc_compile(&s.o, &e))
		fail_msg("%s", e.msg);
	node_schemes(s.bin, got, sizeof(got));
	assert_string_equal(got, "pot3,uniform8");
	ov[0] = (struct pc_override){ "nosuch", "pot3" };
	assert_int_not_equal(pc_compile(&s.o, &e), 0);
	print_message("# %s\n", e.msg);
	assert_non_null(strstr(e.msg, "--layer nosuch: no such layer with weights (valid: conv, fc)"));
	ov[0] = (struct pc_override){ "pool", "pot3" };
	assert_int_not_equal(pc_compile(&s.o, &e), 0);
	assert_non_null(strstr(e.msg, "has no weights"));
	ov[0] = (struct pc_override){ "fc", "pot9" };
	assert_int_not_equal(pc_compile(&s.o, &e), 0);
	assert_non_null(strstr(e.msg, "scheme 'pot9' not supported"));
	small_teardown(&s);
}

static void test_progressive(void **state)
{
	struct pc_override ov[1] = { { "/conv2/Conv", "nhot3" } };
	char onnx[600], bin[96], got[256];
	struct pc_options o = { .onnx = onnx, .out = bin,
		.calib = DATA "train-images-idx3-ubyte.gz", .calib_count = 8,
		.quiet = 1, .scheme = "progressive" };
	struct cg_error e;

	(void)state;
	if (fmnist_load())
		skip();
	fashion_path(onnx, sizeof(onnx));
	snprintf(bin, sizeof(bin), "/tmp/potnpu-cq-%d-prog.bin", (int)getpid());
	/* 5 weight layers: first and last uniform8, 3 middle in 3 groups */
	if (pc_compile(&o, &e))
		fail_msg("%s", e.msg);
	node_schemes(bin, got, sizeof(got));
	assert_string_equal(got, "uniform8,apot5,apot4,apot3,uniform8");
	o.scheme = "progressive:uniform8,nhot3,nhot2";
	o.ovr = ov;
	o.novr = 1;
	if (pc_compile(&o, &e))
		fail_msg("%s", e.msg);
	node_schemes(bin, got, sizeof(got));
	/* middle 3 into 2 groups: m * 2 / 3 = 0, 0, 1; then the override */
	assert_string_equal(got, "uniform8,nhot3,nhot3,nhot2,uniform8");
	o.scheme = "progressive:uniform8";
	assert_int_not_equal(pc_compile(&o, &e), 0);
	assert_non_null(strstr(e.msg, "at least two schemes"));
	o.scheme = "progressive:uniform8,apot9";
	assert_int_not_equal(pc_compile(&o, &e), 0);
	assert_non_null(strstr(e.msg, "'apot9'"));
	unlink(bin);
}

/* ---- fitted ------------------------------------------------------------- */

/* Per-value squared error of @v (max-abs scaled to @top) at @sc's levels. */
static double scheme_mse(const float *v, size_t n, const struct potnpu_scheme *sc,
			 int32_t top)
{
	double err = 0, m = 0;
	size_t i;

	for (i = 0; i < n; i++)
		m = fmax(m, fabs(v[i]));
	for (i = 0; i < n; i++) {
		int32_t q;

		potnpu_scheme_quantize(sc, v[i] / m * top, &q);
		err += (q * m / top - v[i]) * (q * m / top - v[i]);
	}
	return err / (double)n;
}

static void test_fit_levels(void **state)
{
	size_t n = 50000, i;
	float *v = malloc(n * sizeof(float)), *u = malloc(n * sizeof(float));
	struct potnpu_scheme fit, u4, a4;
	int32_t lv[256], m = 0, top = 0;
	struct cg_error e;
	double ef, eu, ea;
	int k;

	(void)state;
	assert_non_null(v);
	assert_non_null(u);
	for (i = 0; i < n; i++) {
		v[i] = (float)gauss();
		m = (int32_t)fmax(m, fabs(v[i]) * 1000);
	}
	for (i = 0; i < n; i++)
		u[i] = (float)(v[i] / (m / 1000.0) * 127);
	k = pc_fit_levels(u, n, 4, &top, lv, &e);
	assert_int_equal(k, 16);
	for (i = 0; i < 16; i++) {
		uint32_t w;
		unsigned int t;

		assert_true(!i || lv[i] > lv[i - 1]);
		assert_int_equal(potnpu_naf_word(lv[i], &w), 0);
		potnpu_term_word(w, NULL, &t);
		assert_true(t <= PC_FIT_TERMS);
	}
	assert_int_equal(potnpu_scheme_build(POTNPU_SCHEME_FITTED, 0, lv, 16, &fit), 0);
	assert_int_equal(fit.wbits, 4);
	assert_int_equal(potnpu_scheme_build(POTNPU_SCHEME_UNIFORM4, 0, NULL, 0, &u4), 0);
	assert_int_equal(potnpu_scheme_build(POTNPU_SCHEME_APOT, 4, NULL, 0, &a4), 0);
	assert_true(top >= 40 && top <= 127);
	ef = scheme_mse(v, n, &fit, top);
	eu = scheme_mse(v, n, &u4, 7);
	ea = scheme_mse(v, n, &a4, pc_max_level(&a4));
	print_message("# Gaussian weights, 4 bits: MSE fitted %.4g, uniform4 %.4g, apot4 %.4g; full scale %d, levels",
		      ef, eu, ea, top);
	for (i = 0; i < 16; i++)
		print_message(" %d", lv[i]);
	print_message("\n");
	/* measured 0.32 and 0.53 of them (Lloyd-Max's 16 real levels: 0.0095) */
	assert_true(ef < 0.5 * eu);
	assert_true(ef < 0.7 * ea);
	free(v);
	free(u);
}

static void test_fitted_model(void **state)
{
	char onnx[600], bin[96];
	struct pc_options o = { .onnx = onnx, .out = bin, .scheme = "fitted",
		.calib = DATA "train-images-idx3-ubyte.gz", .calib_count = 64,
		.quiet = 1 };
	const struct potnpu_model_desc *d;
	struct potnpu_model *m;
	struct cg_error e;
	double acc;
	uint32_t i, c;

	(void)state;
	if (fmnist_load())
		skip();
	fashion_path(onnx, sizeof(onnx));
	snprintf(bin, sizeof(bin), "/tmp/potnpu-cq-%d-fit.bin", (int)getpid());
	if (pc_compile(&o, &e))
		fail_msg("%s", e.msg);
	assert_int_equal(potnpu_model_load(bin, &m), 0);
	d = potnpu_model_get(m);
	for (i = 0; i < d->nnodes; i++) {
		const struct potnpu_model_node *n = &d->nodes[i];
		int32_t prev = INT32_MIN, v;

		if (n->layer.op != POTNPU_LAYER_CONV2D)
			continue;
		assert_int_equal(n->scheme, POTNPU_SCHEME_FITTED);
		assert_int_equal(n->layer.wbits, 4);
		assert_string_equal(n->scheme_name, "fitted4");
		/* the table carries the layer's own ascending levels */
		for (c = 0; c < 16; c++) {
			assert_int_equal(potnpu_term_word(n->table[c], &v, NULL), 0);
			assert_true(v > prev);
			prev = v;
		}
	}
	potnpu_model_free(m);
	acc = fmnist_model_top1(bin, NTEST);
	unlink(bin);
	print_message("# default model, fitted4: top-1 %.1f %% over %d images\n",
		      acc, NTEST);
	/* measured 89.8 (apot4 84.8, uniform4 88.0) */
	assert_true(acc >= 87.0);
}

/* ---- --json ------------------------------------------------------------- */

static struct json_object *member(struct json_object *o, const char *k)
{
	struct json_object *v = NULL;

	assert_true(json_object_object_get_ex(o, k, &v));
	return v;
}

static void test_json(void **state)
{
	struct pc_override ov[1] = { { "fc", "fitted3" } };
	struct json_object *doc, *layers, *tot, *l;
	struct small s;
	struct cg_error e;
	char json[80];
	uint64_t macs = 0;
	size_t i, n;

	(void)state;
	small_setup(&s, SMALL_CONCAT);
	snprintf(json, sizeof(json), "/tmp/potnpu-cq-%d.json", (int)getpid());
	s.o.json = json;
	s.o.ovr = ov;
	s.o.novr = 1;
	s.o.calib_method = PC_CALIB_MSE;
	if (pc_compile(&s.o, &e))
		fail_msg("%s", e.msg);
	doc = json_object_from_file(json);
	assert_non_null(doc);
	assert_string_equal(json_object_get_string(member(member(doc, "calibration"), "method")), "mse");
	layers = member(doc, "layers");
	n = json_object_array_length(layers);
	assert_int_equal(n, 4);	/* conv, conv_b, pool, fc; Concat is no node */
	for (i = 0; i < n; i++) {
		l = json_object_array_get_idx(layers, i);
		macs += (uint64_t)json_object_get_int64(member(l, "macs"));
		assert_true(json_object_is_type(member(l, "sqnr_db"), json_type_double));
	}
	l = json_object_array_get_idx(layers, 0);
	assert_string_equal(json_object_get_string(member(l, "name")), "conv");
	assert_string_equal(json_object_get_string(member(l, "op")), "CONV2D");
	assert_string_equal(json_object_get_string(member(l, "scheme")), "uniform8");
	assert_string_equal(json_object_get_string(member(l, "scheme_from")), "global");
	assert_int_equal(json_object_get_int(member(l, "bits")), 8);
	assert_int_equal(json_object_get_int64(member(l, "macs")), 2 * 9 * 16);
	assert_true(json_object_get_double(member(l, "terms_per_mac")) > 0);
	l = json_object_array_get_idx(layers, n - 1);
	assert_string_equal(json_object_get_string(member(l, "scheme")), "fitted3");
	assert_string_equal(json_object_get_string(member(l, "scheme_from")), "layer");
	assert_int_equal(json_object_get_int(member(l, "bits")), 3);
	tot = member(doc, "totals");
	assert_int_equal(json_object_get_int64(member(tot, "macs")), macs);
	assert_int_equal(json_object_get_int(member(tot, "nodes")), n);
	json_object_put(doc);
	s.o.json = "/nonexistent-dir/x.json";
	assert_int_not_equal(pc_compile(&s.o, &e), 0);
	assert_non_null(strstr(e.msg, "/nonexistent-dir/x.json"));
	unlink(json);
	small_teardown(&s);
}

/* ---- the command line -------------------------------------------------- */

/* Run potnpu-compile with @args (shell words); its exit status, stdout in
 * @out. */
static int run_tool(const char *args, char *out, size_t len)
{
	const char *dir = getenv("POTNPU_BIN_DIR");
	char cmd[1024];
	size_t n;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "%s/potnpu-compile %s 2>&1", dir, args);
	p = popen(cmd, "r");
	assert_non_null(p);
	n = fread(out, 1, len - 1, p);
	out[n] = 0;
	return WEXITSTATUS(pclose(p));
}

static void test_cli(void **state)
{
	static char out[1 << 16];
	struct json_object *doc;
	struct small s;
	char args[512];

	(void)state;
	if (!getenv("POTNPU_BIN_DIR"))
		skip();
	small_setup(&s, SMALL_PLAIN);
	snprintf(args, sizeof(args), "%s -o %s --calib %s --calib-count 16 --calibrate kl",
		 s.onnx, s.bin, s.idx);
	assert_int_equal(run_tool(args, out, sizeof(out)), 2);
	assert_non_null(strstr(out, "--calibrate 'kl' not supported"));
	snprintf(args, sizeof(args), "%s -o %s --calib %s --layer conv", s.onnx, s.bin, s.idx);
	assert_int_equal(run_tool(args, out, sizeof(out)), 2);
	assert_non_null(strstr(out, "--layer conv: expected NAME=SCHEME"));
	snprintf(args, sizeof(args), "%s -o %s --calib %s --calib-count x", s.onnx, s.bin, s.idx);
	assert_int_equal(run_tool(args, out, sizeof(out)), 2);
	snprintf(args, sizeof(args), "%s -o %s --calib %s --layer nosuch=pot3", s.onnx, s.bin, s.idx);
	assert_int_equal(run_tool(args, out, sizeof(out)), 1);
	assert_non_null(strstr(out, "valid: conv, fc"));
	snprintf(args, sizeof(args), "%s -o %s --calib %s --scheme fitted9", s.onnx, s.bin, s.idx);
	assert_int_equal(run_tool(args, out, sizeof(out)), 1);
	/* the JSON on stdout, the table silenced */
	snprintf(args, sizeof(args), "%s -o %s --calib %s --calib-count 16 -q --progressive --layer fc=fitted2 --calibrate percentile=99.9 --json -",
		 s.onnx, s.bin, s.idx);
	assert_int_equal(run_tool(args, out, sizeof(out)), 0);
	doc = json_tokener_parse(out);
	assert_non_null(doc);
	assert_string_equal(json_object_get_string(member(doc, "scheme")), "progressive");
	assert_true(fabs(json_object_get_double(member(member(doc, "calibration"), "percentile")) - 99.9) < 1e-9);
	assert_string_equal(json_object_get_string(member(json_object_array_get_idx(member(doc, "layers"), 2), "scheme")), "fitted2");
	json_object_put(doc);
	small_teardown(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_calib_parse),
		cmocka_unit_test(test_calib_outliers),
		cmocka_unit_test(test_calib_uniform),
		cmocka_unit_test(test_layer_overrides),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_cli),
		cmocka_unit_test(test_fit_levels),
		cmocka_unit_test(test_progressive),
		cmocka_unit_test(test_fitted_model),
		cmocka_unit_test(test_calib_model),
	};

	fmnist_find_root(root, sizeof(root));
	return cmocka_run_group_tests_name("compile_quant", tests, NULL, NULL);
}
