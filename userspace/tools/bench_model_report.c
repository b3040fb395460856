// SPDX-License-Identifier: MIT
/*
 * potnpu-bench's model mode, reported: the per-node counters table and
 * its totals, the JSON of the same, and the progress bar of long runs.
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
