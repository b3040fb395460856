// SPDX-License-Identifier: MIT
/*
 * potnpu-onnx-top1: the float baseline of a classifier. Runs an ONNX
 * model on the compiler's float32 executor (userspace/compiler, the one
 * potnpu-compile calibrates with) over IDX images and reports top-1
 * against IDX labels, so a compiled model's accuracy on the device
 * (potnpu-bench --labels) can be set against the float model's on the
 * same images. Host only: it links the ONNX front end, not libpotnpu.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "bench_idx.h"
#include "cg.h"
#include "pc.h"

struct top1_options {
	const char *onnx, *input, *labels;
	unsigned long count;	/* 0: every image */
	int json;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: potnpu-onnx-top1 model.onnx --input IMAGES --labels LABELS\n"
		"                        [--count N] [--json]\n"
		"Top-1 accuracy of an ONNX classifier on the float executor over\n"
		"uint8 IDX images (.gz too), pixel / 255 as potnpu-compile feeds it.\n"
		"  --input FILE   IDX images, e.g. t10k-images-idx3-ubyte.gz\n"
		"  --labels FILE  IDX labels of the images\n"
		"  --count N      the first N images (default: all)\n"
		"  --json         one JSON object on stdout\n"
		"Exit status: 0 ok, 1 the model cannot be read or run, 64 usage,\n"
		"65 malformed IDX file or one that does not fit the model, 66 IDX\n"
		"file missing.\n");
}

static int parse(int argc, char **argv, struct top1_options *o)
{
	static const struct option opts[] = {
		{ "input", required_argument, NULL, 'i' },
		{ "labels", required_argument, NULL, 'l' },
		{ "count", required_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	char *end;
	int c;

	while ((c = getopt_long(argc, argv, "jh", opts, NULL)) != -1) {
		switch (c) {
		case 'i': o->input = optarg; break;
		case 'l': o->labels = optarg; break;
		case 'j': o->json = 1; break;
		case 'h': usage(stdout); exit(0);
		case 'c':
			errno = 0;
			o->count = strtoul(optarg, &end, 10);
			if (errno || *end || !*optarg || optarg[0] == '-' ||
			    !o->count || o->count > 100000000ul) {
				fprintf(stderr, "potnpu-onnx-top1: invalid --count '%s': expected a positive number\n",
					optarg);
				return EX_USAGE;
			}
			break;
		default: usage(stderr); return EX_USAGE;
		}
	}
	if (optind + 1 != argc || !o->input || !o->labels) {
		usage(stderr);
		return EX_USAGE;
	}
	o->onnx = argv[optind];
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

/* The IDX files, checked against the model's input and each other. */
static int load_data(const struct top1_options *o, const struct cg_tensor *in,
		     struct bench_idx *x, struct bench_idx *y, size_t *n)
{
	size_t want = (size_t)(in->dims[1] * in->dims[2] * in->dims[3]);
	char why[400];
	int ret = bench_idx_load(o->input, x, why, sizeof(why));

	if (!ret)
		ret = bench_idx_load(o->labels, y, why, sizeof(why));
	if (!ret && x->item_bytes != want) {
		snprintf(why, sizeof(why), "%s: items of %zu bytes, the model's input '%s' takes %zu",
			 o->input, x->item_bytes, in->name, want);
		ret = EX_DATAERR;
	}
	*n = o->count && o->count < x->count ? o->count : x->count;
	if (!ret && (y->item_bytes != 1 || y->count < *n)) {
		snprintf(why, sizeof(why), "%s: %u labels of %zu bytes, expected %zu of 1 byte",
			 o->labels, y->count, y->item_bytes, *n);
		ret = EX_DATAERR;
	}
	if (ret)
		fprintf(stderr, "potnpu-onnx-top1: %s\n", why);
	return ret;
}

/* Top-1 over the first @n images into @correct; 1 on an executor error. */
static int run(struct cg_graph *g, const struct bench_idx *x,
	       const struct bench_idx *y, size_t n, size_t *correct)
{
	const struct cg_tensor *in = &g->t[g->inputs[0]];
	const struct cg_tensor *out = &g->t[g->outputs[0]];
	size_t i, numel = x->item_bytes;
	struct cg_error e;
	float *buf = malloc(numel * sizeof(*buf));
	int ret = buf ? 0 : 1;

	if (!buf)
		fprintf(stderr, "potnpu-onnx-top1: out of memory\n");
	*correct = 0;
	for (i = 0; !ret && i < n; i++) {
		pc_image_to_float(in, x->data + i * numel, buf);
		ret = cg_bind_input(g, in->name, buf, numel, &e) || cg_exec(g, &e);
		if (ret)
			fprintf(stderr, "potnpu-onnx-top1: image %zu: %s\n", i, e.msg);
		else if (argmax(out->data, (size_t)cg_numel(out)) == y->data[i])
			(*correct)++;
	}
	free(buf);
	return ret;
}

static void report(const struct top1_options *o, size_t n, size_t correct)
{
	double acc = n ? (double)correct / (double)n : 0;

	if (o->json)
		printf("{\"tool\": \"potnpu-onnx-top1\", \"model\": \"%s\", \"backend\": \"float\", \"inferences\": %zu, \"correct\": %zu, \"accuracy\": %.6f}\n",
		       o->onnx, n, correct, acc);
	else
		printf("%s: top-1 %.2f %% (%zu of %zu images, float executor)\n",
		       o->onnx, 100 * acc, correct, n);
}

int main(int argc, char **argv)
{
	struct top1_options o = { 0 };
	struct bench_idx x = { 0 }, y = { 0 };
	struct cg_graph g;
	struct cg_error e;
	size_t n = 0, correct = 0;
	int ret = parse(argc, argv, &o);

	if (ret)
		return ret;
	if (cg_read_onnx_file(o.onnx, &g, &e) || cg_infer_shapes(&g, &e)) {
		fprintf(stderr, "potnpu-onnx-top1: %s\n", e.msg);
		return 1;
	}
	if (g.n_inputs != 1 || g.n_outputs != 1 || g.t[g.inputs[0]].rank != 4) {
		fprintf(stderr, "potnpu-onnx-top1: %s: expected one NCHW input and one output\n",
			o.onnx);
		cg_graph_free(&g);
		return 1;
	}
	ret = load_data(&o, &g.t[g.inputs[0]], &x, &y, &n);
	if (!ret)
		ret = run(&g, &x, &y, n, &correct);
	if (!ret)
		report(&o, n, correct);
	bench_idx_free(&x);
	bench_idx_free(&y);
	cg_graph_free(&g);
	return ret;
}
