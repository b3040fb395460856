// SPDX-License-Identifier: MIT
/*
 * potnpu-bench's model mode: a model file's graph on one or several
 * devices (or the CPU reference), run over IDX images or random inputs,
 * with accuracy, latency, throughput, per-node counters and, with
 * --verify, every byte of every inference compared with the reference;
 * with --onnx the float model (float_top1.c) over the same images after
 * the timed run, its top-1 paired image by image with the device's.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "bench.h"
#include "bench_idx.h"
#include "common.h"
#include "float_top1.h"

#define RANDOM_SEED	1u

struct model_run {
	const struct bench_options *o;
	struct bench_report *r;
	struct potnpu_model *m;
	const struct potnpu_model_desc *d;
	struct potnpu_graph *g[BENCH_MODEL_MAX_DEVICES];
	unsigned int ng;
	struct potnpu_graph *ref;		/* --verify */
	const struct potnpu_graph_info *info;
	size_t n, chunk;
	int8_t *in, *out;
	uint8_t *labels;
	struct potnpu_layer_counts *counts, *sum;
	struct potnpu_graph_result *res;
	uint64_t *lat, wall;
	/* --onnx */
	struct float_top1 ft;
	uint8_t *raw;		/* the images as read, for the float model */
	uint8_t *right;		/* per inference: the device's top-1 hit */
};

static int lib_fail(struct model_run *mr, int err, const char *what)
{
	bench_report_fail(mr->r, "error", err == -EIO ? 1 : tool_exit_code(err),
			  "%s: %s", what, potnpu_last_error());
	return mr->r->exit_code;
}

static int load(struct model_run *mr)
{
	int err = potnpu_model_load(mr->o->model, &mr->m);

	if (err == -EBADMSG || err == -EPROTO) {
		bench_report_fail(mr->r, "error", EX_DATAERR, "%s", potnpu_last_error());
		return EX_DATAERR;
	}
	if (err == -ENOENT || err == -EACCES) {
		bench_report_fail(mr->r, "error", EX_NOINPUT, "%s", potnpu_last_error());
		return EX_NOINPUT;
	}
	if (err)
		return lib_fail(mr, err, "loading the model");
	mr->d = potnpu_model_get(mr->m);
	snprintf(mr->r->model_results.name, sizeof(mr->r->model_results.name),
		 "%s", mr->d->name);
	return 0;
}

static int graphs(struct model_run *mr, struct potnpu_device *const *devs,
		  unsigned int ndev)
{
	struct potnpu_graph_options go = { .slots = BENCH_MODEL_SLOTS };
	unsigned int i;
	int err = 0;

	mr->ng = ndev ? ndev : 1;
	for (i = 0; i < mr->ng && !err; i++) {
		go.dev = ndev ? devs[i] : NULL;
		err = potnpu_graph_create(mr->m, &go, &mr->g[i]);
	}
	if (!err && mr->o->verify) {
		go = (struct potnpu_graph_options){ .slots = 1 };
		err = potnpu_graph_create(mr->m, &go, &mr->ref);
	}
	if (err)
		return lib_fail(mr, err, "placing the model");
	mr->info = potnpu_graph_info(mr->g[0]);
	return 0;
}

/* The raw inputs: IDX images, or seeded random bytes. */
static int raw_inputs(struct model_run *mr, struct bench_idx *x)
{
	const struct bench_options *o = mr->o;
	char why[400];
	size_t i;
	int ret;

	if (!o->input) {
		mr->n = o->count ? o->count : BENCH_MODEL_DEFAULT_COUNT;
		x->count = (uint32_t)mr->n;
		x->item_bytes = mr->info->in_bytes;
		x->data = malloc(mr->n * x->item_bytes);
		if (!x->data)
			return lib_fail(mr, -ENOMEM, "random inputs");
		srand(RANDOM_SEED);
		for (i = 0; i < mr->n * x->item_bytes; i++)
			x->data[i] = (uint8_t)(rand() & 0xff);
		mr->r->model_results.random_inputs = true;
		return 0;
	}
	ret = bench_idx_load(o->input, x, why, sizeof(why));
	if (!ret && x->item_bytes != mr->info->in_bytes) {
		snprintf(why, sizeof(why), "%s: items of %zu bytes, the model's input takes %zu",
			 o->input, x->item_bytes, mr->info->in_bytes);
		ret = EX_DATAERR;
	}
	if (ret) {
		bench_idx_free(x);
		bench_report_fail(mr->r, "error", ret, "%s", why);
		return ret;
	}
	mr->n = o->count && o->count < x->count ? o->count : x->count;
	return 0;
}

static int inputs(struct model_run *mr)
{
	struct bench_idx x;
	size_t i, ib;
	int ret = raw_inputs(mr, &x);

	if (ret)
		return ret;
	ib = mr->info->in_bytes;
	mr->in = malloc(mr->n * ib);
	if (!mr->in)
		ret = lib_fail(mr, -ENOMEM, "inputs");
	for (i = 0; !ret && i < mr->n; i++)
		potnpu_model_preprocess(mr->m, x.data + i * ib, mr->in + i * ib);
	if (!ret && mr->o->onnx) {
		mr->raw = x.data;	/* the float model's inputs */
		x.data = NULL;
	}
	bench_idx_free(&x);
	return ret;
}

static int labels(struct model_run *mr)
{
	struct bench_idx x;
	char why[400];
	size_t i;
	int ret;

	if (!mr->o->labels)
		return 0;
	ret = bench_idx_load(mr->o->labels, &x, why, sizeof(why));
	if (!ret && (x.item_bytes != 1 || x.count < mr->n)) {
		snprintf(why, sizeof(why), "%s: %u labels of %zu bytes, expected %zu of 1 byte",
			 mr->o->labels, x.count, x.item_bytes, mr->n);
		ret = EX_DATAERR;
	}
	for (i = 0; !ret && i < mr->n; i++)
		if (x.data[i] >= mr->info->out_values) {
			snprintf(why, sizeof(why), "%s: label %zu is %u, the model has %zu outputs",
				 mr->o->labels, i, x.data[i], mr->info->out_values);
			ret = EX_DATAERR;
		}
	if (ret) {
		bench_report_fail(mr->r, "error", ret, "%s", why);
		bench_idx_free(&x);
		return ret;
	}
	mr->labels = x.data;
	return 0;
}

static int buffers(struct model_run *mr)
{
	size_t k, nn = mr->info->nnodes;

	mr->chunk = (size_t)mr->ng * BENCH_MODEL_SLOTS;
	mr->out = calloc(mr->chunk, mr->info->out_bytes);
	mr->counts = calloc(mr->chunk * nn, sizeof(*mr->counts));
	mr->sum = calloc(nn, sizeof(*mr->sum));
	mr->res = calloc(mr->chunk, sizeof(*mr->res));
	mr->lat = calloc(mr->n, sizeof(*mr->lat));
	if (mr->o->onnx)
		mr->right = calloc(mr->n, 1);
	if (!mr->out || !mr->counts || !mr->sum || !mr->res || !mr->lat ||
	    (mr->o->onnx && !mr->right))
		return lib_fail(mr, -ENOMEM, "results");
	for (k = 0; k < mr->chunk; k++) {
		mr->res[k].out = mr->out + k * mr->info->out_bytes;
		mr->res[k].counts = mr->counts + k * nn;
	}
	return 0;
}

static const char *node_name(const struct potnpu_model_desc *d, uint32_t i)
{
	return d->nodes[i].name && *d->nodes[i].name ? d->nodes[i].name : "unnamed";
}

/* --verify: inference @k (slot @j of the chunk) against the reference. */
static int verify(struct model_run *mr, size_t k, size_t j)
{
	struct potnpu_graph_result rr = { 0 };
	struct potnpu_graph_diff df;
	int err = potnpu_graph_run(mr->ref, mr->in + k * mr->info->in_bytes, &rr);

	if (err)
		return lib_fail(mr, err, "the CPU reference");
	err = potnpu_graph_diff(mr->g[j % mr->ng], (unsigned int)(j / mr->ng),
				mr->ref, 0, &df);
	if (err <= 0)
		return err ? lib_fail(mr, err, "comparing") : 0;
	bench_report_fail(mr->r, "error", 1,
			  "inference %zu: node %u (%s) differs from the CPU reference: output byte %zu (y %u, x %u, c %u) of tensor %u: device %d, reference %d",
			  k, df.node, node_name(mr->d, df.node), df.byte, df.y,
			  df.x, df.c, df.tensor, df.a, df.b);
	return 1;
}

/* argmax of inference @j's output, the first of equals. */
static size_t top1(const struct model_run *mr, size_t j)
{
	const int8_t *q = mr->res[j].out;
	size_t c, best = 0;

	for (c = 1; c < mr->info->out_values; c++)
		best = q[c] > q[best] ? c : best;
	return best;
}

static void account(struct model_run *mr, size_t k, size_t j)
{
	struct potnpu_layer_counts *c = mr->res[j].counts;
	uint32_t i;

	mr->lat[k] = mr->res[j].ns;
	for (i = 0; i < mr->info->nnodes; i++) {
		mr->sum[i].macs += c[i].macs;
		mr->sum[i].terms += c[i].terms;
		mr->sum[i].dma_in += c[i].dma_in + c[i].dma_out;	/* both ways */
		mr->sum[i].cycles += c[i].cycles;
	}
	if (mr->labels && top1(mr, j) == mr->labels[k]) {
		mr->r->model_results.correct++;
		if (mr->right)
			mr->right[k] = 1;
	}
}

static int run_chunk(struct model_run *mr, size_t first, size_t cnt)
{
	uint64_t t0 = bench_now_ns();
	size_t j;
	int err, ret = 0;

	err = potnpu_graph_run_spread(mr->g, mr->ng,
				      mr->in + first * mr->info->in_bytes, cnt,
				      mr->res);
	mr->wall += bench_now_ns() - t0;
	if (err) {
		char what[64];

		snprintf(what, sizeof(what), "inferences %zu..%zu", first,
			 first + cnt - 1);
		return lib_fail(mr, err, what);
	}
	for (j = 0; j < cnt && !ret; j++) {
		account(mr, first + j, j);
		if (mr->ref)
			ret = verify(mr, first + j, j);
	}
	return ret;
}

static int run_all(struct model_run *mr)
{
	size_t k, cnt;
	int ret = 0;

	for (k = 0; k < mr->n && !ret; k += cnt) {
		cnt = mr->n - k < mr->chunk ? mr->n - k : mr->chunk;
		ret = run_chunk(mr, k, cnt);
		if (!mr->o->json)
			bench_progress(stderr, k + cnt, mr->n);
	}
	return ret;
}

/*
 * --onnx: the float model, read and checked against the images before
 * the device runs (a bad file fails fast), normalized as the compiled
 * model records its input (potnpu_model_input).
 */
static int float_open(struct model_run *mr)
{
	const struct potnpu_model_input *pre = &mr->d->pre;
	bool img = pre->kind == POTNPU_INPUT_IMAGE_U8;
	char why[600];
	int ret;

	if (!mr->o->onnx)
		return 0;
	ret = float_top1_open(&mr->ft, mr->o->onnx, mr->info->in_bytes,
			      img ? pre->mean : NULL, img ? pre->std : NULL,
			      why, sizeof(why));
	if (ret)
		bench_report_fail(mr->r, "error", ret, "--onnx %s", why);
	return ret;
}

/* --onnx: the float run over the first images, timed on its own. */
static int float_run(struct model_run *mr)
{
	struct bench_model_results *mres = &mr->r->model_results;
	struct top1_pair p = { 0 };
	size_t k, m = mr->n, best, ib = mr->info->in_bytes;
	uint64_t t0 = bench_now_ns();
	char why[600];
	int ret = 0;

	if (!mr->o->onnx)
		return 0;
	if (mr->o->onnx_count && mr->o->onnx_count < m)
		m = mr->o->onnx_count;
	for (k = 0; k < m && !ret; k++) {
		ret = float_top1_image(&mr->ft, mr->raw + k * ib, &best, why,
				       sizeof(why));
		if (ret)
			bench_report_fail(mr->r, "error", 1, "--onnx %s: image %zu: %s",
					  mr->o->onnx, k, why);
		else
			top1_pair_add(&p, best == mr->labels[k], mr->right[k]);
		if (!mr->o->json)
			bench_progress(stderr, k + 1, m);
	}
	if (ret)
		return ret;
	mres->float_ns = bench_now_ns() - t0;
	mres->have_float = true;
	mres->onnx = mr->o->onnx;
	mres->float_count = (unsigned int)m;
	mres->float_correct = (unsigned int)p.a_right;
	mres->device_correct = (unsigned int)p.b_right;
	mres->float_only = (unsigned int)p.a_only;
	mres->device_only = (unsigned int)p.b_only;
	top1_pair_diff(&p, &mres->float_diff, &mres->float_diff_se);
	return 0;
}

static void node_row(const struct model_run *mr, uint32_t i, struct bench_node *b)
{
	static const char *const ops[] = { "conv2d", "maxpool", "avgpool", "add", "requant" };
	const struct potnpu_model_node *n = &mr->d->nodes[i];
	const char *scheme = n->scheme_name && *n->scheme_name ? n->scheme_name : "-";
	uint32_t op = n->layer.op - POTNPU_LAYER_CONV2D;

	snprintf(b->name, sizeof(b->name), "%s", node_name(mr->d, i));
	snprintf(b->op, sizeof(b->op), "%s", n->kind == POTNPU_NODE_SOFTMAX ?
		 "softmax" : op < 5 ? ops[op] : "?");
	snprintf(b->scheme, sizeof(b->scheme), "%s", scheme);
	b->macs = mr->sum[i].macs / mr->n;
	b->terms = mr->sum[i].terms / mr->n;
	b->dma = mr->sum[i].dma_in / mr->n;
	b->cycles = mr->sum[i].cycles / mr->n;
}

static void summarize(struct model_run *mr)
{
	struct bench_model_results *mres = &mr->r->model_results;
	struct bench_results *res = &mr->r->results;
	struct bench_latency l;
	uint32_t i;

	mres->count = (unsigned int)mr->n;
	mres->devices = mr->o->cpu ? 0 : mr->ng;
	mres->backend = mr->o->cpu ? "cpu" : "device";
	mres->verified = mr->o->verify;
	mres->nnodes = mr->info->nnodes < BENCH_MODEL_MAX_NODES ?
		       mr->info->nnodes : BENCH_MODEL_MAX_NODES;
	snprintf(mres->total.name, sizeof(mres->total.name), "total");
	for (i = 0; i < mr->info->nnodes; i++) {
		struct bench_node b = { 0 };

		node_row(mr, i, &b);
		if (i < mres->nnodes)
			mres->node[i] = b;
		mres->total.macs += b.macs;
		mres->total.terms += b.terms;
		mres->total.dma += b.dma;
		mres->total.cycles += b.cycles;
	}
	bench_latency_of(mr->lat, mr->n, &l);
	*res = (struct bench_results){ .latency_ns_min = l.min,
		.latency_ns_mean = l.mean, .latency_ns_p50 = l.p50,
		.latency_ns_p99 = l.p99, .latency_ns_max = l.max,
		.throughput_ips = mr->wall ? mr->n * 1e9 / (double)mr->wall : 0,
		.ops = mres->total.terms, .device_cycles = mres->total.cycles,
		.have_accuracy = mr->labels != NULL,
		.accuracy = (double)mres->correct / (double)mr->n };
	mr->r->iterations = (unsigned int)mr->n;
	mr->r->have_results = mr->r->have_model = true;
}

static void release(struct model_run *mr)
{
	unsigned int i;

	for (i = 0; i < mr->ng; i++)
		potnpu_graph_free(mr->g[i]);
	potnpu_graph_free(mr->ref);
	potnpu_model_free(mr->m);
	free(mr->in);
	free(mr->out);
	free(mr->labels);
	free(mr->counts);
	free(mr->sum);
	free(mr->res);
	free(mr->lat);
	free(mr->raw);
	free(mr->right);
	float_top1_close(&mr->ft);
}

int bench_run_model(struct potnpu_device *const *devs, unsigned int ndev,
		    const struct bench_options *o, struct bench_report *r)
{
	struct model_run mr = { .o = o, .r = r };
	int ret = load(&mr);

	if (!ret)
		ret = graphs(&mr, devs, ndev);
	if (!ret)
		ret = inputs(&mr);
	if (!ret)
		ret = labels(&mr);
	if (!ret)
		ret = float_open(&mr);
	if (!ret)
		ret = buffers(&mr);
	if (!ret)
		ret = run_all(&mr);
	if (!ret)
		summarize(&mr);
	if (!ret)
		ret = float_run(&mr);	/* after the device's numbers are taken */
	release(&mr);
	return ret;
}
