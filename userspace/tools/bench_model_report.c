// SPDX-License-Identifier: MIT
/*
 * potnpu-bench's model mode, reported: the per-node counters table and
 * its totals, the float model's top-1 beside the device's (--onnx), the
 * JSON of the same, and the progress bar of long runs.
 */
#include <stdio.h>
#include <unistd.h>

#include <json-c/json.h>

#include "bench.h"
#include "tool_json.h"

#define BAR_WIDTH	40

static double per_mac(const struct bench_node *b)
{
	return b->macs ? (double)b->terms / (double)b->macs : 0;
}

static void print_row(const char *idx, const struct bench_node *b, FILE *f)
{
	fprintf(f, "%-4s %-20s %-8s %-9s %12llu %12llu %7.3f %12llu %12llu\n",
		idx, b->name, b->op, b->scheme, (unsigned long long)b->macs,
		(unsigned long long)b->terms, per_mac(b),
		(unsigned long long)b->dma, (unsigned long long)b->cycles);
}

void bench_model_print_text(const struct bench_model_results *res, FILE *f)
{
	char idx[16];
	unsigned int i;

	fprintf(f, "graph:         %s on %s%s, %u inferences (%s inputs)\n",
		res->name, res->backend,
		res->devices > 1 ? " (several devices)" : "", res->count,
		res->random_inputs ? "random" : "IDX");
	if (res->devices > 1)
		fprintf(f, "devices:       %u, the batch spread round robin\n",
			res->devices);
	fprintf(f, "\n%-4s %-20s %-8s %-9s %12s %12s %7s %12s %12s\n", "node",
		"name", "op", "scheme", "MACs", "terms", "t/MAC", "DMA bytes",
		"cycles");
	for (i = 0; i < res->nnodes; i++) {
		snprintf(idx, sizeof(idx), "%u", i);
		print_row(idx, &res->node[i], f);
	}
	print_row("", &res->total, f);
	fprintf(f, "(counters per inference, mean; cycles modeled)\n");
	if (res->verified)
		fprintf(f, "verified:      every byte of every inference equals the CPU reference\n");
}

static struct json_object *json_node(const struct bench_node *b)
{
	struct json_object *o = json_object_new_object();

	tool_json_add_string(o, "name", b->name);
	tool_json_add_string(o, "op", b->op);
	tool_json_add_string(o, "scheme", b->scheme);
	tool_json_add_uint(o, "macs", b->macs);
	tool_json_add_uint(o, "terms", b->terms);
	json_object_object_add(o, "terms_per_mac", tool_json_double(per_mac(b)));
	tool_json_add_uint(o, "dma_bytes", b->dma);
	tool_json_add_uint(o, "cycles", b->cycles);
	return o;
}

static double ratio(unsigned int a, unsigned int b)
{
	return b ? (double)a / (double)b : 0;
}

void bench_model_print_float(const struct bench_model_results *res, FILE *f)
{
	char who[24];

	if (!res->have_float)
		return;
	fprintf(f, "float top-1:   %.2f%% (%s on the float executor, %s%u images, %.1f s, not in the latency or throughput)\n",
		100 * ratio(res->float_correct, res->float_count), res->onnx,
		res->float_count < res->count ? "the first " : "",
		res->float_count, (double)res->float_ns / 1e9);
	snprintf(who, sizeof(who), "%s top-1:", res->backend);
	fprintf(f, "%-14s %.2f%% on the same %u images: difference %+.2f points, standard error %.2f (paired: right where float is wrong %u, wrong where float is right %u)\n",
		who, 100 * ratio(res->device_correct, res->float_count),
		res->float_count, 100 * res->float_diff, 100 * res->float_diff_se,
		res->device_only, res->float_only);
}

/* --onnx: the float run and its pairing with the device's, or NULL. */
static struct json_object *json_float(const struct bench_model_results *res)
{
	struct json_object *o;

	if (!res->have_float)
		return NULL;
	o = json_object_new_object();
	tool_json_add_string(o, "onnx", res->onnx);
	tool_json_add_string(o, "backend", "float");
	tool_json_add_uint(o, "inferences", res->float_count);
	tool_json_add_uint(o, "correct", res->float_correct);
	json_object_object_add(o, "float_top1",
			       tool_json_double(ratio(res->float_correct, res->float_count)));
	tool_json_add_uint(o, "device_correct", res->device_correct);
	json_object_object_add(o, "device_top1",
			       tool_json_double(ratio(res->device_correct, res->float_count)));
	tool_json_add_uint(o, "float_only", res->float_only);
	tool_json_add_uint(o, "device_only", res->device_only);
	json_object_object_add(o, "difference", tool_json_double(res->float_diff));
	json_object_object_add(o, "difference_se",
			       tool_json_double(res->float_diff_se));
	tool_json_add_uint(o, "elapsed_ns", res->float_ns);
	return o;
}

struct json_object *bench_model_json(const struct bench_model_results *res)
{
	struct json_object *o = json_object_new_object();
	struct json_object *a = json_object_new_array();
	unsigned int i;

	tool_json_add_string(o, "name", res->name);
	tool_json_add_string(o, "backend", res->backend);
	tool_json_add_uint(o, "devices", res->devices);
	tool_json_add_uint(o, "inferences", res->count);
	json_object_object_add(o, "random_inputs",
			       json_object_new_boolean(res->random_inputs));
	tool_json_add_uint(o, "correct", res->correct);
	json_object_object_add(o, "verified",
			       json_object_new_boolean(res->verified));
	for (i = 0; i < res->nnodes; i++)
		json_object_array_add(a, json_node(&res->node[i]));
	json_object_object_add(o, "nodes", a);
	json_object_object_add(o, "total", json_node(&res->total));
	json_object_object_add(o, "float", json_float(res));
	return o;
}

void bench_progress(FILE *f, size_t done, size_t total)
{
	size_t fill = total ? done * BAR_WIDTH / total : BAR_WIDTH, i;

	if (!isatty(fileno(f)))
		return;
	fputs("\r[", f);
	for (i = 0; i < BAR_WIDTH; i++)
		fputc(i < fill ? '#' : ' ', f);
	fprintf(f, "] %zu/%zu", done, total);
	if (done >= total)
		fputc('\n', f);
	fflush(f);
}
