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
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

#include "bench.h"
#include "common.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: potnpu-bench [options] [model.bin]\n"
		"\n"
		"Run a compiled model (potnpu-compile's model.bin) on a potnpu\n"
		"device and report latency, throughput, operation counts and\n"
		"modeled device cycles.\n"
		"\n"
		"  -d, --device N       device index as listed by potnpu-info (default 0)\n"
		"  -n, --iterations N   timed runs, 1-%u (default %u)\n"
		"  -j, --json           machine-readable report on stdout\n"
		"  -h, --help           this help\n"
		"  -V, --version        print the version\n"
		"\n"
		"Exit status: 0 ok, 64 usage error, 65 bad model file,\n"
		"66 model file missing or unreadable, 69 no device or the device\n"
		"cannot run models (capability MODEL_EXEC missing), 70 not\n"
		"implemented, 71 system error, 76 driver/library version\n"
		"mismatch, 77 permission denied.\n",
		BENCH_MAX_ITERATIONS, BENCH_DEFAULT_ITERATIONS);
}

int bench_parse_args(int argc, char *argv[], struct bench_options *o,
		     FILE *out, FILE *err)
{
	static const struct option longopts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "iterations", required_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long v;
	int c;

	memset(o, 0, sizeof(*o));
	o->iterations = BENCH_DEFAULT_ITERATIONS;
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
			break;
		case 'j':
			o->json = true;
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
	return BENCH_CONTINUE;
}

void bench_report_init(struct bench_report *r, const struct bench_options *o)
{
	memset(r, 0, sizeof(*r));
	r->status = "ok";
	r->iterations = o->iterations;
	r->device_index = o->device;
	r->model_path = o->model;
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

int bench_run(const struct bench_options *o, struct bench_report *r)
{
	struct potnpu_device *dev = NULL;
	char desc[400];
	int err;

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

	if (!potnpu_has_cap(&r->info, DRM_POTNPU_CAP_MODEL_EXEC)) {
		bench_report_fail(r, "unavailable", EX_UNAVAILABLE,
				  "device %u (%s) does not support model execution yet (capability MODEL_EXEC missing); nothing to benchmark",
				  o->device,
				  tool_describe_device(r->device_path, &r->info,
						       desc, sizeof(desc)));
		goto out;
	}
	if (!o->model) {
		bench_report_fail(r, "error", EX_USAGE,
				  "device %u can run models: give one (usage: potnpu-bench [options] model.bin)",
				  o->device);
		goto out;
	}
	/* Model execution arrives with the job and model ioctls. */
	bench_report_fail(r, "error", EX_SOFTWARE,
			  "device %u reports MODEL_EXEC but potnpu-bench %s cannot run models yet",
			  o->device, POTNPU_TOOLS_VERSION);
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
	fprintf(f, "iterations:    %u\n", r->iterations);
	fprintf(f, "status:        %s\n", r->status);
	if (r->message[0])
		fprintf(f, "message:       %s\n", r->message);
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
}

void bench_report_print_json(const struct bench_report *r, FILE *f)
{
	const struct bench_results *res = &r->results;
	struct json_writer w;

	json_init(&w, f);
	json_begin_object(&w, NULL);
	json_string(&w, "tool", "potnpu-bench");
	json_string(&w, "version", POTNPU_TOOLS_VERSION);
	json_string(&w, "status", r->status);
	json_int(&w, "exit_code", r->exit_code);
	json_string(&w, "message", r->message[0] ? r->message : NULL);
	if (r->have_device)
		tool_json_device(&w, "device", (int)r->device_index,
				 r->device_path, &r->driver,
				 r->have_info ? &r->info : NULL);
	else
		json_null(&w, "device");
	if (r->model_path) {
		json_begin_object(&w, "model");
		json_string(&w, "path", r->model_path);
		json_uint(&w, "size", r->model_size);
		json_end_object(&w);
	} else {
		json_null(&w, "model");
	}
	json_uint(&w, "iterations", r->iterations);
	if (r->have_results) {
		json_begin_object(&w, "results");
		json_begin_object(&w, "latency_ns");
		json_uint(&w, "min", res->latency_ns_min);
		json_uint(&w, "mean", res->latency_ns_mean);
		json_uint(&w, "p50", res->latency_ns_p50);
		json_uint(&w, "p99", res->latency_ns_p99);
		json_uint(&w, "max", res->latency_ns_max);
		json_end_object(&w);
		json_double(&w, "throughput_ips", res->throughput_ips);
		json_uint(&w, "ops_per_inference", res->ops);
		json_uint(&w, "device_cycles_per_inference",
			  res->device_cycles);
		if (res->have_accuracy)
			json_double(&w, "accuracy", res->accuracy);
		else
			json_null(&w, "accuracy");
		json_end_object(&w);
	} else {
		json_null(&w, "results");
	}
	json_end_object(&w);
	json_finish(&w);
}
