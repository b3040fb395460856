// SPDX-License-Identifier: MIT
/*
 * potnpu-onnx-top1: the float baseline of a classifier. Runs an ONNX
 * model on the compiler's float32 executor (userspace/compiler, the one
 * potnpu-compile calibrates with) over IDX images and reports top-1
 * against IDX labels, so a compiled model's accuracy on the device
 * (potnpu-bench --labels) can be set against the float model's on the
 * same images. With --model, a compiled model.bin runs on libpotnpu's
 * CPU reference over the same images too, and the report pairs the two
 * per image (both right, only float right, only the model right): the
 * difference of two accuracies on the same images is known far better
 * than either accuracy, and the discordant pairs say how well. Host only.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "bench_idx.h"
#include "float_top1.h"
#include "libpotnpu.h"

struct top1_options {
	const char *onnx, *input, *labels, *model;
	unsigned long count;	/* 0: every image */
	int json;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: potnpu-onnx-top1 model.onnx --input IMAGES --labels LABELS\n"
		"                        [--count N] [--model MODEL.bin] [--json]\n"
		"Top-1 accuracy of an ONNX classifier on the float executor over\n"
		"uint8 IDX images (.gz too), pixel / 255 as potnpu-compile feeds it.\n"
		"  --input FILE   IDX images, e.g. t10k-images-idx3-ubyte.gz\n"
		"  --labels FILE  IDX labels of the images\n"
		"  --count N      the first N images (default: all)\n"
		"  --model FILE   also run this compiled model on the CPU reference and\n"
		"                 pair its top-1 with the float model's per image\n"
		"  --json         one JSON object on stdout\n"
		"Exit status: 0 ok, 1 a model cannot be run, 64 usage, 65 a\n"
		"malformed ONNX or IDX file or images that do not fit the model,\n"
		"66 an ONNX or IDX file missing or unreadable.\n");
}

static int parse(int argc, char **argv, struct top1_options *o)
{
	static const struct option opts[] = {
		{ "input", required_argument, NULL, 'i' },
		{ "labels", required_argument, NULL, 'l' },
		{ "count", required_argument, NULL, 'c' },
		{ "model", required_argument, NULL, 'm' },
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
		case 'm': o->model = optarg; break;
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

/* The IDX files, checked against each other (float_top1_open() checks
 * the images against the model). */
static int load_data(const struct top1_options *o, struct bench_idx *x,
		     struct bench_idx *y, size_t *n)
{
	char why[400];
	int ret = bench_idx_load(o->input, x, why, sizeof(why));

	if (!ret)
		ret = bench_idx_load(o->labels, y, why, sizeof(why));
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

/* The compiled model on the CPU reference, image by image. */
struct quant {
	struct potnpu_model *m;
	struct potnpu_graph *g;
	int8_t *in, *out;
	struct top1_pair pair;	/* a: float, b: the compiled model */
};

static int quant_open(struct quant *q, const char *path, size_t in_bytes)
{
	struct potnpu_graph_options go = { .slots = 1 };
	const struct potnpu_graph_info *info;

	if (potnpu_model_load(path, &q->m) || potnpu_graph_create(q->m, &go, &q->g)) {
		fprintf(stderr, "potnpu-onnx-top1: %s: %s\n", path, potnpu_last_error());
		return 1;
	}
	info = potnpu_graph_info(q->g);
	if (info->in_bytes != in_bytes) {
		fprintf(stderr, "potnpu-onnx-top1: %s: input of %zu bytes, the images have %zu\n",
			path, info->in_bytes, in_bytes);
		return EX_DATAERR;
	}
	q->in = malloc(in_bytes);
	q->out = malloc(info->out_bytes);
	if (!q->in || !q->out) {
		fprintf(stderr, "potnpu-onnx-top1: out of memory\n");
		return 1;
	}
	return 0;
}

static void quant_close(struct quant *q)
{
	potnpu_graph_free(q->g);
	potnpu_model_free(q->m);
	free(q->in);
	free(q->out);
}

/* Image @img through the compiled model: its top-1 paired with float's. */
static int quant_image(struct quant *q, const uint8_t *img, unsigned int label,
		       int float_right)
{
	struct potnpu_graph_result r = { .out = q->out };
	const struct potnpu_graph_info *info = potnpu_graph_info(q->g);
	size_t c, best = 0;
	int right;

	potnpu_model_preprocess(q->m, img, q->in);
	if (potnpu_graph_run(q->g, q->in, &r)) {
		fprintf(stderr, "potnpu-onnx-top1: the CPU reference: %s\n",
			potnpu_last_error());
		return 1;
	}
	for (c = 1; c < info->out_values; c++)	/* the first of equals, as potnpu-bench */
		best = q->out[c] > q->out[best] ? c : best;
	right = best == label;
	top1_pair_add(&q->pair, float_right, right);
	return 0;
}

/* Top-1 over the first @n images into @correct; 1 on an executor error. */
static int run(struct float_top1 *f, const struct bench_idx *x,
	       const struct bench_idx *y, size_t n, size_t *correct,
	       struct quant *q)
{
	const uint8_t *img;
	char why[600];
	size_t i, best;
	int ret = 0;

	*correct = 0;
	for (i = 0; !ret && i < n; i++) {
		img = x->data + i * x->item_bytes;
		ret = float_top1_image(f, img, &best, why, sizeof(why));
		if (ret)
			fprintf(stderr, "potnpu-onnx-top1: image %zu: %s\n", i, why);
		else {
			int right = best == y->data[i];

			*correct += (size_t)right;
			if (q->g)
				ret = quant_image(q, img, y->data[i], right);
		}
	}
	return ret;
}

static void report(const struct top1_options *o, size_t n, size_t correct,
		   const struct quant *q)
{
	double acc = n ? (double)correct / (double)n : 0, diff = 0, se = 0;

	if (q->g)
		top1_pair_diff(&q->pair, &diff, &se);
	if (o->json) {
		printf("{\"tool\": \"potnpu-onnx-top1\", \"model\": \"%s\", \"backend\": \"float\", \"inferences\": %zu, \"correct\": %zu, \"accuracy\": %.6f",
		       o->onnx, n, correct, acc);
		if (q->g)
			printf(", \"compiled\": {\"model\": \"%s\", \"correct\": %zu, \"accuracy\": %.6f, \"float_only\": %zu, \"compiled_only\": %zu, \"difference\": %.6f, \"difference_se\": %.6f}",
			       o->model, q->pair.b_right,
			       (double)q->pair.b_right / (double)n,
			       q->pair.a_only, q->pair.b_only, diff, se);
		printf("}\n");
		return;
	}
	printf("%s: top-1 %.2f %% (%zu of %zu images, float executor)\n",
	       o->onnx, 100 * acc, correct, n);
	if (q->g)
		printf("%s: top-1 %.2f %% (CPU reference); right where float is wrong %zu, wrong where float is right %zu: difference %+.2f points, standard error %.2f\n",
		       o->model, 100.0 * (double)q->pair.b_right / (double)n,
		       q->pair.b_only, q->pair.a_only, 100 * diff, 100 * se);
}

int main(int argc, char **argv)
{
	struct top1_options o = { 0 };
	struct quant q = { 0 };
	struct bench_idx x = { 0 }, y = { 0 };
	struct float_top1 f = { 0 };
	char why[600];
	size_t n = 0, correct = 0;
	int ret = parse(argc, argv, &o);

	if (ret)
		return ret;
	ret = load_data(&o, &x, &y, &n);
	if (!ret) {
		ret = float_top1_open(&f, o.onnx, x.item_bytes, NULL, NULL, why,
				      sizeof(why));
		if (ret)
			fprintf(stderr, "potnpu-onnx-top1: %s\n", why);
	}
	if (!ret && o.model)
		ret = quant_open(&q, o.model, x.item_bytes);
	if (!ret)
		ret = run(&f, &x, &y, n, &correct, &q);
	if (!ret)
		report(&o, n, correct, &q);
	quant_close(&q);
	float_top1_close(&f);
	bench_idx_free(&x);
	bench_idx_free(&y);
	return ret;
}
