// SPDX-License-Identifier: MIT
/*
 * potnpu-bench: argument parsing, model checks and the report, shared by
 * the tool and its host tests.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <string.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

#include "bench.h"
#include "common.h"

static void print_dma_text(const struct bench_dma_results *d, FILE *f);
static struct json_object *json_dma(const struct bench_dma_results *d);

static void usage(FILE *f)
{
	fprintf(f,
		"usage: potnpu-bench [options] [model.bin]\n"
		"       potnpu-bench --dma [options]\n"
		"       potnpu-bench --layers [options]\n"
		"\n"
		"Run a compiled model (potnpu-compile's model.bin) on a potnpu\n"
		"device, one job per inference, and report top-1 accuracy (with\n"
		"--labels), latency, throughput and per-node counters (MACs,\n"
		"shift-add terms, DMA bytes, modeled cycles). With --dma, measure jobs instead: the\n"
		"submit-to-signal latency of empty jobs, a pipelined burst, and\n"
		"COPY throughput for 4 KiB to 16 MiB (every byte verified). With\n"
		"--layers, run a fixed suite of layers (a 3x3 convolution in every\n"
		"weight scheme, depthwise, fully connected, pools, add, requant),\n"
		"check each against the CPU reference and time it.\n"
		"\n"
		"  -d, --device N       device index as listed by potnpu-info (default 0)\n"
		"  -n, --iterations N   timed runs, 1-%u (default %u; --dma: at\n"
		"                       most %u; --layers: per layer, default %u,\n"
		"                       at most %u)\n"
		"      --cpu            run the model on the CPU reference executor\n"
		"      --devices N      spread the inferences over devices --device\n"
		"                       to --device + N - 1 (1-%u, default 1)\n"
		"      --input FILE     IDX images (uint8, .gz too), e.g. Fashion-MNIST's\n"
		"                       t10k-images-idx3-ubyte.gz (default: random)\n"
		"      --labels FILE    IDX labels of the images: top-1 accuracy\n"
		"      --count N        inferences (default: every image, or %u random)\n"
		"      --verify         compare every byte of every inference with the\n"
		"                       CPU reference (exit 1 on a difference)\n"
		"      --onnx FILE      the float model (the ONNX file the model was\n"
		"                       compiled from): its top-1 on the compiler's\n"
		"                       float executor over the same images, beside\n"
		"                       the device's, with the paired difference and\n"
		"                       its standard error (needs --labels; timed\n"
		"                       apart, not in latency or throughput)\n"
		"      --onnx-count N   the float run on the first N images only (it is\n"
		"                       slow where the CPU is emulated); the device's\n"
		"                       top-1 is paired on the same N\n"
		"      --dma            job and DMA benchmark (needs capability JOBS)\n"
		"      --layers         layer benchmark (needs capability MODEL_EXEC)\n"
		"  -j, --json           machine-readable report on stdout\n"
		"  -h, --help           this help\n"
		"  -V, --version        print the version\n"
		"\n"
		"Exit status: 0 ok, 1 a job failed, copied wrong data (--dma) or\n"
		"differed from the CPU reference (--layers, --verify),\n"
		"64 usage error, 65 bad model, ONNX or IDX file (or an ONNX input\n"
		"that does not take the images), 66 model, ONNX or IDX file\n"
		"missing or unreadable, 69 no device or the device cannot run\n"
		"models (capability MODEL_EXEC missing)\n"
		"or jobs (JOBS missing, --dma),\n"
		"70 not implemented, 71 system error, 76 driver/library version\n"
		"mismatch, 77 permission denied.\n",
		BENCH_MAX_ITERATIONS, BENCH_DEFAULT_ITERATIONS,
		BENCH_DMA_MAX_ITERATIONS, BENCH_LAYERS_DEFAULT_ITERATIONS,
		BENCH_LAYERS_MAX_ITERATIONS, BENCH_MODEL_MAX_DEVICES,
		BENCH_MODEL_DEFAULT_COUNT);
}

/* --cpu needs a model (a device is probed without); --labels --input. */
static int check_model_mode(const struct bench_options *o, FILE *err)
{
	if (!o->model && (o->cpu || o->verify || o->input || o->count)) {
		fprintf(err, "potnpu-bench: give a model file (model.bin) (see --help)\n");
		return EX_USAGE;
	}
	if (o->labels && !o->input) {
		fprintf(err, "potnpu-bench: --labels needs --input, the images they label\n");
		return EX_USAGE;
	}
	if (o->onnx_count && !o->onnx) {
		fprintf(err, "potnpu-bench: --onnx-count needs --onnx\n");
		return EX_USAGE;
	}
	if (o->onnx && !o->labels) {
		fprintf(err, "potnpu-bench: --onnx needs --input and --labels: the float model's top-1 on them\n");
		return EX_USAGE;
	}
	if (o->cpu && o->devices > 1) {
		fprintf(err, "potnpu-bench: give --cpu or --devices, not both\n");
		return EX_USAGE;
	}
	return BENCH_CONTINUE;
}

/* The modes exclude each other and bound --iterations. */
static int check_modes(struct bench_options *o, bool iterations_given,
		       FILE *err)
{
	const char *mode = o->dma ? "--dma" : "--layers";
	unsigned int max = o->dma ? BENCH_DMA_MAX_ITERATIONS :
				    BENCH_LAYERS_MAX_ITERATIONS;

	if (o->dma && o->layers) {
		fprintf(err, "potnpu-bench: give --dma or --layers, not both (see --help)\n");
		return EX_USAGE;
	}
	if ((o->dma || o->layers) && o->model) {
		fprintf(err,
			"potnpu-bench: %s takes no model ('%s') (see --help)\n",
			mode, o->model);
		return EX_USAGE;
	}
	if (!o->dma && !o->layers)
		return check_model_mode(o, err);
	if (o->cpu || o->devices > 1 || o->input || o->labels || o->count ||
	    o->verify || o->onnx || o->onnx_count) {
		fprintf(err, "potnpu-bench: --cpu, --devices, --input, --labels, --count, --verify and --onnx are for the model mode, not %s (see --help)\n",
			mode);
		return EX_USAGE;
	}
	if (o->layers && !iterations_given)
		o->iterations = BENCH_LAYERS_DEFAULT_ITERATIONS;
	if ((o->dma || o->layers) && o->iterations > max) {
		fprintf(err,
			"potnpu-bench: invalid --iterations '%u' with %s: expected a number from 1 to %u\n",
			o->iterations, mode, max);
		return EX_USAGE;
	}
	return BENCH_CONTINUE;
}

/* An option of the model mode into @o: 0, or -1 after a message. */
static int model_option(int c, const char *arg, struct bench_options *o,
			FILE *err)
{
	unsigned long v;

	switch (c) {
	case 'C':
		o->cpu = true;
		return 0;
	case 'v':
		o->verify = true;
		return 0;
	case 'I':
		o->input = arg;
		return 0;
	case 'B':
		o->labels = arg;
		return 0;
	case 'O':
		o->onnx = arg;
		return 0;
	case 'K':
		if (tool_parse_uint(arg, 1, BENCH_MAX_ITERATIONS, &v)) {
			fprintf(err, "potnpu-bench: invalid --onnx-count '%s': expected a number from 1 to %u\n",
				arg, BENCH_MAX_ITERATIONS);
			return -1;
		}
		o->onnx_count = (unsigned int)v;
		return 0;
	case 'N':
		if (tool_parse_uint(arg, 1, BENCH_MODEL_MAX_DEVICES, &v)) {
			fprintf(err, "potnpu-bench: invalid --devices '%s': expected a number from 1 to %u\n",
				arg, BENCH_MODEL_MAX_DEVICES);
			return -1;
		}
		o->devices = (unsigned int)v;
		return 0;
	default:
		if (tool_parse_uint(arg, 1, BENCH_MAX_ITERATIONS, &v)) {
			fprintf(err, "potnpu-bench: invalid --count '%s': expected a number from 1 to %u\n",
				arg, BENCH_MAX_ITERATIONS);
			return -1;
		}
		o->count = (unsigned int)v;
		return 0;
	}
}

int bench_parse_args(int argc, char *argv[], struct bench_options *o,
		     FILE *out, FILE *err)
{
	static const struct option longopts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "iterations", required_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ "dma", no_argument, NULL, 'D' },
		{ "layers", no_argument, NULL, 'L' },
		{ "cpu", no_argument, NULL, 'C' },
		{ "devices", required_argument, NULL, 'N' },
		{ "input", required_argument, NULL, 'I' },
		{ "labels", required_argument, NULL, 'B' },
		{ "count", required_argument, NULL, 'c' },
		{ "verify", no_argument, NULL, 'v' },
		{ "onnx", required_argument, NULL, 'O' },
		{ "onnx-count", required_argument, NULL, 'K' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	bool iterations_given = false;
	unsigned long v;
	int c;

	memset(o, 0, sizeof(*o));
	o->iterations = BENCH_DEFAULT_ITERATIONS;
	o->devices = 1;
	optind = 0;	/* full re-initialisation: the tests parse many times */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":d:n:jhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			if (tool_parse_uint(optarg, 0, INT_MAX, &v)) {
				fprintf(err,
					"potnpu-bench: invalid --device '%s': expected a device index (0, 1, ...)\n",
					optarg);
				return EX_USAGE;
			}
			o->device = (unsigned int)v;
			break;
		case 'n':
			if (tool_parse_uint(optarg, 1, BENCH_MAX_ITERATIONS, &v)) {
				fprintf(err,
					"potnpu-bench: invalid --iterations '%s': expected a number from 1 to %u\n",
					optarg, BENCH_MAX_ITERATIONS);
				return EX_USAGE;
			}
			o->iterations = (unsigned int)v;
			iterations_given = true;
			break;
		case 'j':
			o->json = true;
			break;
		case 'D':
			o->dma = true;
			break;
		case 'L':
			o->layers = true;
			break;
		case 'C':
		case 'N':
		case 'I':
		case 'B':
		case 'c':
		case 'v':
		case 'O':
		case 'K':
			if (model_option(c, optarg, o, err))
				return EX_USAGE;
			break;
		case 'h':
			usage(out);
			return EX_OK;
		case 'V':
			fprintf(out, "potnpu-bench %s (libpotnpu %s, uapi %d.%d)\n",
				POTNPU_TOOLS_VERSION, potnpu_version(),
				DRM_POTNPU_UAPI_MAJOR, DRM_POTNPU_UAPI_MINOR);
			return EX_OK;
		case ':':
			fprintf(err,
				"potnpu-bench: option '%s' needs an argument (see --help)\n",
				argv[optind - 1]);
			return EX_USAGE;
		default:
			fprintf(err,
				"potnpu-bench: unrecognized option '%s' (see --help)\n",
				argv[optind - 1]);
			return EX_USAGE;
		}
	}
	if (optind < argc)
		o->model = argv[optind++];
	if (optind < argc) {
		fprintf(err,
			"potnpu-bench: unexpected argument '%s': give one model file (see --help)\n",
			argv[optind]);
		return EX_USAGE;
	}
	return check_modes(o, iterations_given, err);
}

void bench_report_init(struct bench_report *r, const struct bench_options *o)
{
	memset(r, 0, sizeof(*r));
	r->status = "ok";
	r->iterations = o->iterations;
	r->device_index = o->device;
	r->model_path = o->model;
	r->dma = o->dma;
	r->layers = o->layers;
}

void bench_report_fail(struct bench_report *r, const char *status,
		       int exit_code, const char *fmt, ...)
{
	va_list ap;

	r->status = status;
	r->exit_code = exit_code;
	va_start(ap, fmt);
	vsnprintf(r->message, sizeof(r->message), fmt, ap);
	va_end(ap);
}

/* Stop with 69 unless the device has @cap, for @what. */
static bool need_cap(const struct bench_options *o, struct bench_report *r,
		     uint64_t cap, const char *what)
{
	char desc[400];

	if (potnpu_has_cap(&r->info, cap))
		return true;
	bench_report_fail(r, "unavailable", EX_UNAVAILABLE,
			  "device %u (%s) does not support %s yet (capability %s missing); nothing to benchmark",
			  o->device,
			  tool_describe_device(r->device_path, &r->info, desc,
					       sizeof(desc)),
			  what, potnpu_cap_name(cap));
	return false;
}

/* The model mode on @first and the --devices after it. */
static void run_model_devices(struct potnpu_device *first,
			      const struct bench_options *o,
			      struct bench_report *r)
{
	struct potnpu_device *devs[BENCH_MODEL_MAX_DEVICES] = { first };
	unsigned int i;
	int err = 0;

	if (!o->model) {
		bench_report_fail(r, "error", EX_USAGE,
				  "device %u runs models (MODEL_EXEC): give a model file (model.bin) to benchmark, or benchmark layers with 'potnpu-bench --layers'",
				  o->device);
		return;
	}
	for (i = 1; i < o->devices && !err; i++) {
		err = potnpu_open_index(o->device + i, &devs[i]);
		if (!err)
			err = potnpu_require_cap(devs[i], DRM_POTNPU_CAP_MODEL_EXEC);
		if (err)
			bench_report_fail(r, "unavailable", tool_exit_code(err),
					  "device %u: %s", o->device + i,
					  potnpu_last_error());
	}
	if (!err)
		bench_run_model(devs, o->devices, o, r);
	for (i = 1; i < o->devices; i++)
		potnpu_close(devs[i]);
}

/* The mode's benchmark on the open, queried device. */
static void run_mode(struct potnpu_device *dev, const struct bench_options *o,
		     struct bench_report *r)
{
	if (o->dma) {
		if (need_cap(o, r, DRM_POTNPU_CAP_JOBS, "jobs"))
			bench_run_dma(dev, o, r);
		return;
	}
	if (!need_cap(o, r, DRM_POTNPU_CAP_MODEL_EXEC,
		      o->layers ? "layer commands" : "model execution"))
		return;
	if (o->layers) {
		bench_run_layers(dev, o, r);
		return;
	}
	run_model_devices(dev, o, r);
}

int bench_run(const struct bench_options *o, struct bench_report *r)
{
	struct potnpu_device *dev = NULL;
	int err;

	if (o->cpu && !o->dma && !o->layers)
		return bench_run_model(NULL, 0, o, r);
	err = potnpu_open_index(o->device, &dev);
	if (err) {
		bench_report_fail(r, "unavailable", tool_exit_code(err), "%s",
				  potnpu_last_error());
		return r->exit_code;
	}
	r->have_device = true;
	snprintf(r->device_path, sizeof(r->device_path), "%s", potnpu_path(dev));
	r->driver = *potnpu_driver(dev);

	err = potnpu_query_device_info(dev, &r->info, sizeof(r->info));
	if (err) {
		bench_report_fail(r, "error", tool_exit_code(err), "%s",
				  potnpu_last_error());
		goto out;
	}
	r->have_info = true;

	run_mode(dev, o, r);
out:
	potnpu_close(dev);
	return r->exit_code;
}

int bench_check_model(const char *path, struct bench_report *r)
{
	struct stat st;
	int fd;

	r->model_path = path;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		bench_report_fail(r, "error", EX_NOINPUT,
				  "cannot open model '%s': %s", path,
				  strerror(errno));
		return EX_NOINPUT;
	}
	if (fstat(fd, &st)) {
		bench_report_fail(r, "error", EX_NOINPUT,
				  "cannot stat model '%s': %s", path,
				  strerror(errno));
		close(fd);
		return EX_NOINPUT;
	}
	close(fd);
	if (!S_ISREG(st.st_mode)) {
		bench_report_fail(r, "error", EX_NOINPUT,
				  "model '%s' is not a regular file", path);
		return EX_NOINPUT;
	}
	r->model_size = (uint64_t)st.st_size;
	if (!st.st_size) {
		bench_report_fail(r, "error", EX_DATAERR,
				  "model '%s' is empty", path);
		return EX_DATAERR;
	}
	return 0;
}

static const char *mode_name(const struct bench_report *r)
{
	return r->dma ? "dma" : r->layers ? "layers" : "model";
}

void bench_report_print_text(const struct bench_report *r, FILE *f)
{
	const struct bench_results *res = &r->results;
	char desc[400];

	if (r->have_info)
		fprintf(f, "device:        %u (%s)\n", r->device_index,
			tool_describe_device(r->device_path, &r->info, desc,
					     sizeof(desc)));
	else if (r->have_device)
		fprintf(f, "device:        %u (%s)\n", r->device_index,
			r->device_path);
	if (r->model_path)
		fprintf(f, "model:         %s (%llu bytes)\n", r->model_path,
			(unsigned long long)r->model_size);
	fprintf(f, "mode:          %s\n", mode_name(r));
	fprintf(f, "iterations:    %u\n", r->iterations);
	fprintf(f, "status:        %s\n", r->status);
	if (r->message[0])
		fprintf(f, "message:       %s\n", r->message);
	if (r->have_dma)
		print_dma_text(&r->dma_results, f);
	if (r->have_layers)
		bench_layers_print_text(&r->layers_results, f);
	if (r->have_model)
		bench_model_print_text(&r->model_results, f);
	if (!r->have_results)
		return;
	fprintf(f, "latency (ns):  min %llu, mean %llu, p50 %llu, p99 %llu, max %llu\n",
		(unsigned long long)res->latency_ns_min,
		(unsigned long long)res->latency_ns_mean,
		(unsigned long long)res->latency_ns_p50,
		(unsigned long long)res->latency_ns_p99,
		(unsigned long long)res->latency_ns_max);
	fprintf(f, "throughput:    %.2f inferences/s\n", res->throughput_ips);
	fprintf(f, "ops:           %llu per inference\n",
		(unsigned long long)res->ops);
	fprintf(f, "device cycles: %llu per inference (modeled)\n",
		(unsigned long long)res->device_cycles);
	if (res->have_accuracy)
		fprintf(f, "accuracy:      %.2f%% top-1\n", res->accuracy * 100.0);
	if (r->have_model)
		bench_model_print_float(&r->model_results, f);
}

/* The "latency_ns" object of every mode. */
struct json_object *bench_json_latency(const struct bench_latency *l)
{
	struct json_object *o = json_object_new_object();

	tool_json_add_uint(o, "min", l->min);
	tool_json_add_uint(o, "mean", l->mean);
	tool_json_add_uint(o, "p50", l->p50);
	tool_json_add_uint(o, "p99", l->p99);
	tool_json_add_uint(o, "max", l->max);
	return o;
}

/* The model being benchmarked, NULL (JSON null) without one. */
static struct json_object *json_model(const struct bench_report *r)
{
	struct json_object *o;

	if (!r->model_path)
		return NULL;
	o = json_object_new_object();
	tool_json_add_string(o, "path", r->model_path);
	tool_json_add_uint(o, "size", r->model_size);
	return o;
}

/* The model results, NULL (JSON null) until there are some. */
static struct json_object *json_results(const struct bench_report *r)
{
	const struct bench_results *res = &r->results;
	const struct bench_latency latency = {
		res->latency_ns_min, res->latency_ns_mean, res->latency_ns_p50,
		res->latency_ns_p99, res->latency_ns_max,
	};
	struct json_object *o;

	if (!r->have_results)
		return NULL;
	o = json_object_new_object();
	json_object_object_add(o, "latency_ns", bench_json_latency(&latency));
	json_object_object_add(o, "throughput_ips",
			       tool_json_double(res->throughput_ips));
	tool_json_add_uint(o, "ops_per_inference", res->ops);
	tool_json_add_uint(o, "device_cycles_per_inference", res->device_cycles);
	json_object_object_add(o, "accuracy", res->have_accuracy ?
			       tool_json_double(res->accuracy) : NULL);
	/* --onnx: the float model's top-1 (details in "graph"."float") */
	json_object_object_add(o, "float_top1", r->model_results.have_float ?
			       tool_json_double((double)r->model_results.float_correct /
						r->model_results.float_count) : NULL);
	return o;
}

/* The device, NULL (JSON null) before one was opened. */
static struct json_object *json_device(const struct bench_report *r)
{
	if (!r->have_device)
		return NULL;
	return tool_json_device((int)r->device_index, r->device_path,
				&r->driver, r->have_info ? &r->info : NULL);
}

void bench_report_print_json(const struct bench_report *r, FILE *f)
{
	struct json_object *doc = json_object_new_object();

	tool_json_add_string(doc, "tool", "potnpu-bench");
	tool_json_add_string(doc, "version", POTNPU_TOOLS_VERSION);
	tool_json_add_string(doc, "mode", mode_name(r));
	tool_json_add_string(doc, "status", r->status);
	json_object_object_add(doc, "exit_code",
			       json_object_new_int64(r->exit_code));
	tool_json_add_string(doc, "message", r->message[0] ? r->message : NULL);
	json_object_object_add(doc, "device", json_device(r));
	json_object_object_add(doc, "model", json_model(r));
	tool_json_add_uint(doc, "iterations", r->iterations);
	json_object_object_add(doc, "results", json_results(r));
	json_object_object_add(doc, "dma", r->have_dma ?
			       json_dma(&r->dma_results) : NULL);
	json_object_object_add(doc, "layers", r->have_layers ?
			       bench_layers_json(&r->layers_results) : NULL);
	json_object_object_add(doc, "graph", r->have_model ?
			       bench_model_json(&r->model_results) : NULL);
	tool_json_finish(doc, f);
}

/* ---- --dma: jobs and DMA --------------------------------------------------- */

/* A library failure: the library's message, its exit code. */
static int dma_lib_fail(struct bench_report *r, int err, const char *what)
{
	bench_report_fail(r, "error", tool_exit_code(err), "%s: %s", what,
			  potnpu_last_error());
	return r->exit_code;
}

/* Wait for @job and require success; 0 or the exit status. */
static int dma_finish(struct bench_report *r, struct potnpu_job *job,
		      const char *what)
{
	struct potnpu_job_status st;
	int err;

	err = potnpu_job_wait(job, BENCH_DMA_WAIT_NS);
	if (!err)
		err = potnpu_job_status(job, &st);
	if (err)
		return dma_lib_fail(r, err, what);
	if (!st.done || st.code) {
		bench_report_fail(r, "error", 1, "%s: job %llu failed: %s",
				  what, (unsigned long long)potnpu_job_id(job),
				  st.message);
		return 1;
	}
	return 0;
}

/* One job at a time: submit, wait, measure. */
static int dma_latency(struct potnpu_device *dev, struct potnpu_bo *cmd,
		       unsigned int n, struct bench_report *r)
{
	struct bench_dma_results *d = &r->dma_results;
	struct potnpu_submit_desc desc = { .cmd_bo = cmd, .cmd_size = 4 };
	struct potnpu_job *job;
	uint64_t *lat, t0, t1, start;
	unsigned int i;
	int err, ret = 0;

	lat = calloc(n, sizeof(*lat));
	if (!lat) {
		bench_report_fail(r, "error", EX_OSERR, "out of memory");
		return EX_OSERR;
	}
	start = bench_now_ns();
	for (i = 0; i < n && !ret; i++) {
		t0 = bench_now_ns();
		err = potnpu_submit(dev, &desc, &job);
		if (err) {
			ret = dma_lib_fail(r, err, "empty job");
			break;
		}
		err = potnpu_job_wait(job, BENCH_DMA_WAIT_NS);
		t1 = bench_now_ns();
		if (err)
			ret = dma_lib_fail(r, err, "empty job");
		else
			ret = dma_finish(r, job, "empty job");
		potnpu_job_free(job);
		lat[i] = t1 - t0;
	}
	if (!ret) {
		uint64_t total = bench_now_ns() - start;

		bench_latency_of(lat, n, &d->latency);
		d->jobs = n;
		d->sequential_jobs_per_s = total ? n * 1e9 / (double)total : 0;
	}
	free(lat);
	return ret;
}

/* A burst of @n empty jobs, each waiting for the previous one's syncobj. */
static int dma_pipelined(struct potnpu_device *dev, struct potnpu_bo *cmd,
			 unsigned int n, struct bench_report *r)
{
	struct bench_dma_results *d = &r->dma_results;
	struct potnpu_submit_desc desc = { .cmd_bo = cmd, .cmd_size = 4 };
	struct potnpu_job *ring[BENCH_DMA_MAX_IN_FLIGHT] = { 0 };
	unsigned int i, head = 0, count = 0;
	uint32_t prev;
	uint64_t t0;
	int err, ret = 0;

	t0 = bench_now_ns();
	for (i = 0; i < n && !ret; i++) {
		if (count == BENCH_DMA_MAX_IN_FLIGHT) {
			ret = dma_finish(r, ring[head], "pipelined job");
			potnpu_job_free(ring[head]);
			ring[head] = NULL;
			head = (head + 1) % BENCH_DMA_MAX_IN_FLIGHT;
			count--;
			if (ret)
				break;
		}
		if (count) {
			prev = potnpu_job_syncobj(
				ring[(head + count - 1) % BENCH_DMA_MAX_IN_FLIGHT]);
			desc.wait_syncobjs = &prev;
			desc.wait_count = 1;
		} else {
			desc.wait_count = 0;
		}
		err = potnpu_submit(dev, &desc,
				    &ring[(head + count) % BENCH_DMA_MAX_IN_FLIGHT]);
		if (err) {
			ret = dma_lib_fail(r, err, "pipelined job");
			break;
		}
		count++;
	}
	/* The rest, in order (the last one signals last). */
	while (count) {
		if (!ret)
			ret = dma_finish(r, ring[head], "pipelined job");
		potnpu_job_free(ring[head]);
		head = (head + 1) % BENCH_DMA_MAX_IN_FLIGHT;
		count--;
	}
	if (!ret) {
		d->pipelined_jobs = n;
		d->max_in_flight = BENCH_DMA_MAX_IN_FLIGHT;
		d->pipelined_ns = bench_now_ns() - t0;
		d->pipelined_jobs_per_s = d->pipelined_ns ?
			n * 1e9 / (double)d->pipelined_ns : 0;
	}
	return ret;
}

static void stamp(uint8_t *p, uint32_t size, uint64_t v)
{
	uint32_t n = size < 8 ? size : 8;

	memcpy(p, &v, n);
	memcpy(p + size - n, &v, n);
}

/* COPY throughput for @c->size bytes; every copy verified in full. */
static int dma_copy(struct potnpu_device *dev, struct potnpu_bo *cmd,
		    unsigned int n, struct bench_dma_copy *c,
		    struct bench_report *r)
{
	struct potnpu_bo *src = NULL, *dst = NULL, *bos[2];
	struct potnpu_submit_desc desc = { .cmd_bo = cmd };
	struct potnpu_cmdbuf *cb = NULL;
	struct potnpu_job *job;
	uint8_t *s, *t;
	uint64_t t0, t1;
	unsigned int i;
	uint32_t k;
	int err, ret = 0;

	c->copies = BENCH_DMA_COPY_BYTES / c->size;
	if (c->copies > n)
		c->copies = n;
	if (!c->copies)
		c->copies = 1;
	err = potnpu_bo_create(dev, c->size, POTNPU_BO_READ_ONLY, &src);
	if (!err)
		err = potnpu_bo_create(dev, c->size, 0, &dst);
	if (err == -ENOSPC || err == -ENOMEM) {
		/* Not enough memory for this size: say so, go on. */
		c->skipped = true;
		snprintf(c->skip_reason, sizeof(c->skip_reason), "%s",
			 potnpu_last_error());
		goto out;
	}
	if (!err)
		err = potnpu_bo_map(src, (void **)&s);
	if (!err)
		err = potnpu_bo_map(dst, (void **)&t);
	if (!err)
		err = potnpu_cmdbuf_create_in_bo(cmd, 0, 64, &cb);
	if (!err)
		err = potnpu_cmdbuf_copy(cb, potnpu_bo_va(src),
					 potnpu_bo_va(dst), c->size);
	if (err) {
		ret = dma_lib_fail(r, err, "copy");
		goto out;
	}
	for (k = 0; k < c->size; k++)
		s[k] = (uint8_t)(k * 131 + (k >> 8) + 7);
	bos[0] = src;
	bos[1] = dst;
	desc.cmd_size = (uint32_t)potnpu_cmdbuf_size(cb);
	desc.bos = bos;
	desc.bo_count = 2;
	for (i = 0; i < c->copies && !ret; i++) {
		/* Each copy carries its own stamp: a stale result fails. */
		stamp(s, c->size, 0x9e70000000000000ull + i);
		stamp(t, c->size, ~0ull);
		t0 = bench_now_ns();
		err = potnpu_submit(dev, &desc, &job);
		if (err) {
			ret = dma_lib_fail(r, err, "copy");
			break;
		}
		err = potnpu_job_wait(job, BENCH_DMA_WAIT_NS);
		t1 = bench_now_ns();
		ret = err ? dma_lib_fail(r, err, "copy") :
			    dma_finish(r, job, "copy");
		potnpu_job_free(job);
		c->elapsed_ns += t1 - t0;
		if (!ret && memcmp(s, t, c->size)) {
			for (k = 0; s[k] == t[k]; k++)
				;
			bench_report_fail(r, "error", 1,
					  "copy of %u bytes #%u: byte %u is 0x%02x, expected 0x%02x",
					  c->size, i + 1, k, t[k], s[k]);
			ret = 1;
		}
	}
	if (!ret) {
		c->verified = true;
		c->mib_per_s = c->elapsed_ns ?
			(double)c->size * c->copies / (1 << 20) /
			((double)c->elapsed_ns / 1e9) : 0;
	}
out:
	potnpu_cmdbuf_free(cb);
	potnpu_bo_free(src);
	potnpu_bo_free(dst);
	return ret;
}

int bench_run_dma(struct potnpu_device *dev, const struct bench_options *o,
		  struct bench_report *r)
{
	static const uint32_t sizes[BENCH_DMA_COPY_SIZES] = {
		4u << 10, 64u << 10, 1u << 20, 16u << 20,
	};
	struct bench_dma_results *d = &r->dma_results;
	struct potnpu_cmdbuf *cb = NULL;
	struct potnpu_bo *cmd = NULL;
	unsigned int i;
	int err, ret;

	memset(d, 0, sizeof(*d));
	err = potnpu_bo_create(dev, 4096, POTNPU_BO_READ_ONLY, &cmd);
	if (!err)
		err = potnpu_cmdbuf_create_in_bo(cmd, 0, 4, &cb);
	if (!err)
		err = potnpu_cmdbuf_nop(cb);
	potnpu_cmdbuf_free(cb);
	if (err) {
		ret = dma_lib_fail(r, err, "setup");
		goto out;
	}
	/*
	 * One untimed job first: the first submission on a device asks for
	 * its capabilities, and caches are cold.
	 */
	ret = dma_latency(dev, cmd, 1, r);
	if (!ret)
		ret = dma_latency(dev, cmd, o->iterations, r);
	if (!ret)
		ret = dma_pipelined(dev, cmd, o->iterations, r);
	for (i = 0; i < BENCH_DMA_COPY_SIZES && !ret; i++) {
		d->copy[i].size = sizes[i];
		d->ncopies = i + 1;
		ret = dma_copy(dev, cmd, o->iterations, &d->copy[i], r);
	}
	if (!ret)
		r->have_dma = true;
out:
	potnpu_bo_free(cmd);
	return ret;
}

static const char *size_name(uint32_t size, char *buf, size_t len)
{
	if (size >= (1u << 20) && !(size % (1u << 20)))
		snprintf(buf, len, "%u MiB", size >> 20);
	else if (size >= 1024 && !(size % 1024))
		snprintf(buf, len, "%u KiB", size >> 10);
	else
		snprintf(buf, len, "%u B", size);
	return buf;
}

static void print_dma_text(const struct bench_dma_results *d, FILE *f)
{
	char name[32], label[48];
	unsigned int i;

	fprintf(f, "empty jobs:    %u, one at a time, submit to signal (ns): min %llu, p50 %llu, p99 %llu, max %llu, mean %llu\n",
		d->jobs, (unsigned long long)d->latency.min,
		(unsigned long long)d->latency.p50,
		(unsigned long long)d->latency.p99,
		(unsigned long long)d->latency.max,
		(unsigned long long)d->latency.mean);
	fprintf(f, "               %.1f jobs/s\n", d->sequential_jobs_per_s);
	fprintf(f, "pipelined:     %u jobs chained through syncobjs, %u in flight at most: %.1f jobs/s\n",
		d->pipelined_jobs, d->max_in_flight, d->pipelined_jobs_per_s);
	for (i = 0; i < d->ncopies; i++) {
		const struct bench_dma_copy *c = &d->copy[i];

		snprintf(label, sizeof(label), "copy %s:",
			 size_name(c->size, name, sizeof(name)));
		if (c->skipped)
			fprintf(f, "%-14s skipped (%s)\n", label, c->skip_reason);
		else
			fprintf(f, "%-14s %u copies, %.1f MiB/s, every byte verified\n",
				label, c->copies, c->mib_per_s);
	}
}

static struct json_object *json_empty_jobs(const struct bench_dma_results *d)
{
	struct json_object *o = json_object_new_object();

	tool_json_add_uint(o, "jobs", d->jobs);
	json_object_object_add(o, "latency_ns", bench_json_latency(&d->latency));
	json_object_object_add(o, "jobs_per_s",
			       tool_json_double(d->sequential_jobs_per_s));
	return o;
}

static struct json_object *json_pipelined(const struct bench_dma_results *d)
{
	struct json_object *o = json_object_new_object();

	tool_json_add_uint(o, "jobs", d->pipelined_jobs);
	json_object_object_add(o, "chained", json_object_new_boolean(1));
	tool_json_add_uint(o, "max_in_flight", d->max_in_flight);
	tool_json_add_uint(o, "elapsed_ns", d->pipelined_ns);
	json_object_object_add(o, "jobs_per_s",
			       tool_json_double(d->pipelined_jobs_per_s));
	return o;
}

static struct json_object *json_copy(const struct bench_dma_copy *c)
{
	struct json_object *o = json_object_new_object();

	tool_json_add_uint(o, "size", c->size);
	if (c->skipped) {
		tool_json_add_string(o, "skipped", c->skip_reason);
		return o;
	}
	json_object_object_add(o, "skipped", NULL);
	tool_json_add_uint(o, "copies", c->copies);
	tool_json_add_uint(o, "elapsed_ns", c->elapsed_ns);
	json_object_object_add(o, "mib_per_s", tool_json_double(c->mib_per_s));
	json_object_object_add(o, "verified",
			       json_object_new_boolean(c->verified));
	return o;
}

static struct json_object *json_dma(const struct bench_dma_results *d)
{
	struct json_object *o = json_object_new_object();
	struct json_object *copies = json_object_new_array();
	unsigned int i;

	json_object_object_add(o, "empty_jobs", json_empty_jobs(d));
	json_object_object_add(o, "pipelined", json_pipelined(d));
	for (i = 0; i < d->ncopies; i++)
		json_object_array_add(copies, json_copy(&d->copy[i]));
	json_object_object_add(o, "copy", copies);
	return o;
}
