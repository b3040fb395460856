// SPDX-License-Identifier: MIT
/*
 * potnpu-model-info: check a model file and print what it holds: the
 * input and its preprocessing, the tensors, and the graph node by node
 * (op, tensors, output shape, scheme, code bits, weight bytes, MACs),
 * as text or JSON. See docs/userspace.md.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "common.h"

#define PROG	"potnpu-model-info"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: " PROG " [--json] MODEL.bin\n"
		"\n"
		"Check a potnpu model file as libpotnpu loads it and print its\n"
		"input, tensors and graph: every node's op, tensors, output\n"
		"shape, weight scheme, code bits, weight bytes and MACs.\n"
		"\n"
		"  -j, --json       machine-readable output\n"
		"  -h, --help       this help\n"
		"  -V, --version    print the version\n"
		"\n"
		"Exit status: 0 ok, 64 usage error, 65 malformed model file,\n"
		"66 cannot open the file, 71 other system error.\n");
}

/* "conv2d", "depthwise", "maxpool", ... for a node. */
static const char *op_name(const struct potnpu_model_node *n)
{
	const struct potnpu_layer *l = &n->layer;

	if (n->kind == POTNPU_NODE_SOFTMAX)
		return "softmax";
	switch (l->op) {
	case POTNPU_LAYER_CONV2D:
		if (l->groups > 1 && l->groups == l->in_c)
			return "depthwise";
		return l->out_h == 1 && l->out_w == 1 && l->kh == l->in_h &&
		       l->kw == l->in_w && !l->pad_t && !l->pad_l ? "fc" : "conv2d";
	case POTNPU_LAYER_MAXPOOL:
		return "maxpool";
	case POTNPU_LAYER_AVGPOOL:
		return "avgpool";
	case POTNPU_LAYER_ADD:
		return "add";
	default:
		return "requant";
	}
}

static const char *role_name(uint32_t role)
{
	return role == POTNPU_TENSOR_INPUT ? "input" :
	       role == POTNPU_TENSOR_OUTPUT ? "output" : "intermediate";
}

static const char *shape(const struct potnpu_model_tensor *t, char *buf, size_t len)
{
	snprintf(buf, len, "%ux%ux%u", t->h, t->w, t->c);
	return buf;
}

static void print_input(const struct potnpu_model_desc *d)
{
	const struct potnpu_model_tensor *t = &d->tensors[d->input];
	char s[48];
	uint32_t c;

	printf("input: tensor %u, %s, ", d->input, shape(t, s, sizeof(s)));
	if (d->pre.kind == POTNPU_INPUT_INT8) {
		printf("int8 as quantized");
	} else {
		printf("uint8 image, real = (p/255 - mean) / std:");
		for (c = 0; c < d->pre.channels; c++)
			printf(" c%u mean %g std %g", c, (double)d->pre.mean[c],
			       (double)d->pre.std[c]);
	}
	printf("; scale %g, zero point %d\n", (double)t->scale, t->zero_point);
	t = &d->tensors[d->output];
	printf("output: tensor %u, %s, %u labels%s", d->output,
	       shape(t, s, sizeof(s)), d->nlabels, d->nlabels ? ":" : "");
	for (c = 0; c < d->nlabels; c++)
		printf("%s %s", c ? "," : "", d->labels[c]);
	printf("\n");
}

static void print_tensors(const struct potnpu_model_desc *d)
{
	char s[48];
	uint32_t i;

	printf("\ntensors: %u\n  %3s  %-12s  %-12s  %6s  %-12s  %4s\n", d->ntensors,
	       "#", "role", "shape", "stride", "scale", "zp");
	for (i = 0; i < d->ntensors; i++) {
		const struct potnpu_model_tensor *t = &d->tensors[i];

		printf("  %3u  %-12s  %-12s  %6u  %-12g  %4d\n", i, role_name(t->role),
		       shape(t, s, sizeof(s)), t->cstride, (double)t->scale,
		       t->zero_point);
	}
}

/* "3", or "3[2..3]" for a channel slice: the tensor a node writes. */
static const char *output(const struct potnpu_model_desc *d,
			  const struct potnpu_model_node *n, char *buf, size_t len)
{
	uint32_t c = d->tensors[n->out].c;
	uint32_t oc = n->kind == POTNPU_NODE_SOFTMAX ? c : n->layer.out_c;

	if (oc == c)
		snprintf(buf, len, "%u", n->out);
	else
		snprintf(buf, len, "%u[%u..%u]", n->out, n->out_coff, n->out_coff + oc - 1);
	return buf;
}

/* "30.5", or "-" when not measured. */
static const char *sqnr(float v, char *buf, size_t len)
{
	if (isfinite(v))
		snprintf(buf, len, "%.1f", (double)v);
	else
		snprintf(buf, len, "-");
	return buf;
}

/* A float32 as JSON, with the digits a float has (null if not finite). */
static struct json_object *json_float(float v)
{
	char buf[32];

	if (!isfinite(v))
		return NULL;
	snprintf(buf, sizeof(buf), "%.9g", (double)v);
	return json_object_new_double_s((double)v, buf);
}

/* "1" or "1+3": a node's input tensors. */
static const char *inputs(const struct potnpu_model_node *n, char *buf, size_t len)
{
	if (n->in2 != POTNPU_MODEL_NO_TENSOR)
		snprintf(buf, len, "%u+%u", n->in, n->in2);
	else
		snprintf(buf, len, "%u", n->in);
	return buf;
}

static void print_nodes(const struct potnpu_model_desc *d)
{
	uint64_t macs = 0, bytes = 0;
	char in[32], out[48], s[48], q[16];
	uint32_t i;

	printf("\nnodes: %u\n  %3s  %-10s  %-20s  %-7s  %-12s  %-12s  %-9s  %4s  %10s  %12s  %6s\n",
	       d->nnodes, "#", "op", "name", "in", "out", "out shape", "scheme",
	       "bits", "weight B", "MACs", "SQNR");
	for (i = 0; i < d->nnodes; i++) {
		const struct potnpu_model_node *n = &d->nodes[i];
		uint64_t m = potnpu_model_node_macs(n), b = potnpu_model_node_weight_bytes(n);

		printf("  %3u  %-10s  %-20s  %-7s  %-12s  %-12s  %-9s  %4u  %10" PRIu64
		       "  %12" PRIu64 "  %6s\n", i, op_name(n), *n->name ? n->name : "-",
		       inputs(n, in, sizeof(in)), output(d, n, out, sizeof(out)),
		       shape(&d->tensors[n->out], s, sizeof(s)),
		       *n->scheme_name ? n->scheme_name : "-", n->layer.wbits, b, m,
		       sqnr(n->sqnr, q, sizeof(q)));
		macs += m;
		bytes += b;
	}
	printf("\ntotal: %" PRIu64 " MACs, %" PRIu64 " weight bytes\n", macs, bytes);
}

static void print_text(const struct potnpu_model_desc *d, const char *path)
{
	printf("model %s: \"%s\", produced by \"%s\"\n", path, d->name, d->producer);
	print_input(d);
	print_tensors(d);
	print_nodes(d);
}

static struct json_object *json_tensor(const struct potnpu_model_tensor *t)
{
	struct json_object *o = json_object_new_object();

	tool_json_add_string(o, "role", role_name(t->role));
	tool_json_add_uint(o, "h", t->h);
	tool_json_add_uint(o, "w", t->w);
	tool_json_add_uint(o, "c", t->c);
	tool_json_add_uint(o, "cstride", t->cstride);
	json_object_object_add(o, "scale", json_float(t->scale));
	json_object_object_add(o, "zero_point", json_object_new_int(t->zero_point));
	return o;
}

static struct json_object *json_node(const struct potnpu_model_node *n)
{
	struct json_object *o = json_object_new_object(), *in = json_object_new_array();

	tool_json_add_string(o, "op", op_name(n));
	tool_json_add_string(o, "name", n->name);
	json_object_array_add(in, json_object_new_int64(n->in));
	if (n->in2 != POTNPU_MODEL_NO_TENSOR)
		json_object_array_add(in, json_object_new_int64(n->in2));
	json_object_object_add(o, "inputs", in);
	tool_json_add_uint(o, "output", n->out);
	tool_json_add_uint(o, "output_channel_offset", n->out_coff);
	tool_json_add_string(o, "scheme", *n->scheme_name ? n->scheme_name : NULL);
	tool_json_add_uint(o, "wbits", n->layer.wbits);
	tool_json_add_uint(o, "weight_bytes", potnpu_model_node_weight_bytes(n));
	tool_json_add_uint(o, "macs", potnpu_model_node_macs(n));
	json_object_object_add(o, "sqnr_db", json_float(n->sqnr));
	return o;
}

static void print_json(const struct potnpu_model_desc *d, const char *path)
{
	struct json_object *doc = json_object_new_object(), *a;
	uint32_t i;

	tool_json_add_string(doc, "file", path);
	tool_json_add_string(doc, "name", d->name);
	tool_json_add_string(doc, "producer", d->producer);
	tool_json_add_uint(doc, "input", d->input);
	tool_json_add_uint(doc, "output", d->output);
	tool_json_add_string(doc, "input_kind",
			     d->pre.kind == POTNPU_INPUT_IMAGE_U8 ? "uint8_image" : "int8");
	a = json_object_new_array();
	for (i = 0; i < d->nlabels; i++)
		json_object_array_add(a, tool_json_string(d->labels[i]));
	json_object_object_add(doc, "labels", a);
	a = json_object_new_array();
	for (i = 0; i < d->ntensors; i++)
		json_object_array_add(a, json_tensor(&d->tensors[i]));
	json_object_object_add(doc, "tensors", a);
	a = json_object_new_array();
	for (i = 0; i < d->nnodes; i++)
		json_object_array_add(a, json_node(&d->nodes[i]));
	json_object_object_add(doc, "nodes", a);
	tool_json_finish(doc, stdout);
}

/* -1 to go on with *@json and *@path set, else the exit status. */
static int parse_args(int argc, char *argv[], bool *json, const char **path)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "jhV", longopts, NULL)) != -1) {
		if (c == 'j') {
			*json = true;
		} else if (c == 'h') {
			usage(stdout);
			return EX_OK;
		} else if (c == 'V') {
			printf(PROG " %s (libpotnpu %s, model format %d.%d)\n",
			       POTNPU_TOOLS_VERSION, potnpu_version(),
			       POTNPU_MODEL_FORMAT_MAJOR, POTNPU_MODEL_FORMAT_MINOR);
			return EX_OK;
		} else {
			fprintf(stderr, PROG ": unknown option '%s'\n", argv[optind - 1]);
			usage(stderr);
			return EX_USAGE;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, PROG ": expected one model file\n");
		usage(stderr);
		return EX_USAGE;
	}
	*path = argv[optind];
	return -1;
}

int main(int argc, char *argv[])
{
	struct potnpu_model *m;
	const char *path = NULL;
	bool json = false;
	int err, rc = parse_args(argc, argv, &json, &path);

	if (rc >= 0)
		return rc;
	err = potnpu_model_load(path, &m);
	if (err) {
		fprintf(stderr, PROG ": %s\n", potnpu_last_error());
		return err == -EBADMSG || err == -EPROTO ? EX_DATAERR :
		       err == -ENOENT || err == -EACCES ? EX_NOINPUT : EX_OSERR;
	}
	if (json)
		print_json(potnpu_model_get(m), path);
	else
		print_text(potnpu_model_get(m), path);
	potnpu_model_free(m);
	return EX_OK;
}
