// SPDX-License-Identifier: MIT
/*
 * potnpu-bench --layers: the layer suite (layer_suite.h) on a device,
 * every layer checked against the CPU reference before it is timed.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "bench.h"
#include "common.h"
#include "layer_job.h"
#include "layer_suite.h"

_Static_assert(BENCH_MAX_LAYERS == LAYER_SUITE_COUNT, "one result per layer");

/* A failure of layer @b: its name in the message, exit status 1. */
static int layer_fail(struct bench_report *r, const struct bench_layer *b,
		      const char *what, const char *why)
{
	bench_report_fail(r, "error", 1, "layer %s (%s): %s: %s", b->name,
			  b->what, what, why);
	return 1;
}

/* One job's output and counters against the reference's. */
static int verify(const struct layer_case *c, const struct layer_job *j,
		  const int8_t *ref, const struct potnpu_layer_counts *rc,
		  struct bench_layer *b, struct bench_report *r)
{
	char why[512];

	layer_job_counters(j, &b->counts);
	if (layer_case_compare(c, layer_job_out(j), ref, &b->counts, rc, why,
			       sizeof(why)))
		return layer_fail(r, b, "differs from the CPU reference", why);
	return 0;
}

/* @n timed jobs, one at a time, submit to signal. */
static int time_runs(const struct layer_job *j, unsigned int n,
		     struct bench_layer *b, struct bench_report *r)
{
	uint64_t *lat = calloc(n, sizeof(*lat)), t0;
	unsigned int i;
	char why[512];
	int ret = 0;

	if (!lat) {
		bench_report_fail(r, "error", EX_OSERR, "out of memory");
		return EX_OSERR;
	}
	for (i = 0; i < n && !ret; i++) {
		t0 = bench_now_ns();
		if (layer_job_run(j, why, sizeof(why)))
			ret = layer_fail(r, b, "timed run", why);
		lat[i] = bench_now_ns() - t0;
	}
	if (!ret) {
		bench_latency_of(lat, n, &b->wall);
		b->runs = n;
		b->mmac_per_s = b->wall.p50 ?
			(double)b->counts.macs * 1e3 / (double)b->wall.p50 : 0;
	}
	free(lat);
	return ret;
}

static void describe(const struct layer_case *c, const char *name,
		     struct bench_layer *b)
{
	memset(b, 0, sizeof(*b));
	snprintf(b->name, sizeof(b->name), "%s", name);
	snprintf(b->what, sizeof(b->what), "%s", c->what);
	if (c->l.op == POTNPU_LAYER_CONV2D)
		potnpu_scheme_name(&c->s, b->scheme, sizeof(b->scheme));
	b->wbits = c->l.wbits;
	b->weight_bytes = layer_suite_weight_bytes(c);
}

/* Layer @c: one checked run, @n timed ones, checked again. */
static int run_layer(struct potnpu_device *dev, const struct layer_case *c,
		     unsigned int n, struct bench_layer *b,
		     struct bench_report *r)
{
	struct potnpu_layer_counts rc;
	int8_t *ref = malloc(c->sz.out);
	struct layer_job j;
	char why[512];
	int ret;

	if (!ref || layer_case_reference(c, ref, &rc)) {
		free(ref);
		return layer_fail(r, b, "CPU reference", potnpu_last_error());
	}
	ret = layer_job_setup(dev, c, &j, why, sizeof(why));
	if (ret)
		ret = layer_fail(r, b, "setup", why);
	else if (layer_job_run(&j, why, sizeof(why)))
		ret = layer_fail(r, b, "first run", why);
	if (!ret)
		ret = verify(c, &j, ref, &rc, b, r);
	if (!ret)
		ret = time_runs(&j, n, b, r);
	if (!ret)
		ret = verify(c, &j, ref, &rc, b, r);
	layer_job_free(&j);
	free(ref);
	return ret;
}

int bench_run_layers(struct potnpu_device *dev, const struct bench_options *o,
		     struct bench_report *r)
{
	struct bench_layers_results *res = &r->layers_results;
	struct layer_case c;
	const char *name;
	unsigned int i;
	int ret = 0, err;

	memset(res, 0, sizeof(*res));
	for (i = 0; i < LAYER_SUITE_COUNT && !ret; i++) {
		err = layer_suite_make(&c, i, false, &name);
		if (err) {
			bench_report_fail(r, "error", tool_exit_code(err),
					  "layer %u of the suite: %s", i,
					  potnpu_last_error());
			ret = r->exit_code;
		} else {
			describe(&c, name, &res->layer[i]);
			ret = run_layer(dev, &c, o->iterations, &res->layer[i], r);
			res->count = i + 1;
		}
		layer_case_free(&c);
	}
	r->have_layers = !ret;
	return ret;
}

/* @num / @den, or 0 when @den is 0. */
static double ratio(uint64_t num, uint64_t den)
{
	return den ? (double)num / (double)den : 0;
}

/* "%*.*f" of @v into @buf, or "-" where the layer has no MACs. */
static const char *cell(char *buf, size_t len, bool have, int prec, double v)
{
	if (have)
		snprintf(buf, len, "%.*f", prec, v);
	else
		snprintf(buf, len, "-");
	return buf;
}

static void print_layer(const struct bench_layer *b, FILE *f)
{
	const struct potnpu_layer_counts *c = &b->counts;
	char t[4][24];
	bool conv = c->macs;

	fprintf(f, "%-15s %-9s %4u %7llu %9llu %9s %6s %9s %9llu %9llu %9.3f %9.3f %9s\n",
		b->name, b->scheme[0] ? b->scheme : "-", b->wbits,
		(unsigned long long)b->weight_bytes,
		(unsigned long long)c->macs,
		cell(t[0], sizeof(t[0]), conv, 3, ratio(c->terms, c->macs)),
		cell(t[1], sizeof(t[1]), conv, 1,
		     100.0 * ratio(c->zero_skips, c->taps)),
		cell(t[2], sizeof(t[2]), conv, 3, ratio(c->bitserial, c->macs)),
		(unsigned long long)c->cycles,
		(unsigned long long)(c->dma_in + c->dma_out),
		(double)b->wall.p50 / 1e6, (double)b->wall.min / 1e6,
		cell(t[3], sizeof(t[3]), conv, 1, b->mmac_per_s));
}

void bench_layers_print_text(const struct bench_layers_results *res, FILE *f)
{
	unsigned int i;

	fprintf(f, "%-15s %-9s %4s %7s %9s %9s %6s %9s %9s %9s %9s %9s %9s\n",
		"layer", "scheme", "bits", "wbytes", "MACs", "terms/MAC",
		"zskip%", "bser/MAC", "cycles", "DMA B", "p50 ms", "min ms",
		"MMAC/s");
	for (i = 0; i < res->count; i++)
		print_layer(&res->layer[i], f);
	fprintf(f, "every output byte and counter checked against the CPU reference\n");
}

static struct json_object *json_counts(const struct potnpu_layer_counts *c)
{
	struct json_object *o = json_object_new_object();
	const uint64_t *v = &c->macs;
	unsigned int i;

	_Static_assert(sizeof(*c) == LAYER_COUNTERS * sizeof(uint64_t),
		       "the counters in order");
	for (i = 0; i < LAYER_COUNTERS; i++)
		tool_json_add_uint(o, layer_counter_names[i], v[i]);
	return o;
}

static struct json_object *json_layer(const struct bench_layer *b)
{
	const struct potnpu_layer_counts *c = &b->counts;
	struct json_object *o = json_object_new_object();

	tool_json_add_string(o, "name", b->name);
	tool_json_add_string(o, "what", b->what);
	tool_json_add_string(o, "scheme", b->scheme[0] ? b->scheme : NULL);
	tool_json_add_uint(o, "code_bits", b->wbits);
	tool_json_add_uint(o, "weight_bytes", b->weight_bytes);
	json_object_object_add(o, "counters", json_counts(c));
	json_object_object_add(o, "terms_per_mac",
			       tool_json_double(ratio(c->terms, c->macs)));
	json_object_object_add(o, "zero_skip_pct", tool_json_double(
				       100.0 * ratio(c->zero_skips, c->taps)));
	json_object_object_add(o, "bitserial_per_mac",
			       tool_json_double(ratio(c->bitserial, c->macs)));
	json_object_object_add(o, "verified", json_object_new_boolean(1));
	tool_json_add_uint(o, "runs", b->runs);
	json_object_object_add(o, "wall_ns", bench_json_latency(&b->wall));
	json_object_object_add(o, "mmac_per_s", tool_json_double(b->mmac_per_s));
	return o;
}

struct json_object *bench_layers_json(const struct bench_layers_results *res)
{
	struct json_object *a = json_object_new_array();
	unsigned int i;

	for (i = 0; i < res->count; i++)
		json_object_array_add(a, json_layer(&res->layer[i]));
	return a;
}
