/* SPDX-License-Identifier: MIT */
/*
 * potnpu-bench internals, split from main() so the host tests can drive
 * the argument parser and the report printers directly.
 */
#ifndef POTNPU_TOOLS_BENCH_H
#define POTNPU_TOOLS_BENCH_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "libpotnpu.h"

struct json_object;

#define BENCH_DEFAULT_ITERATIONS	100u
#define BENCH_MAX_ITERATIONS		1000000000u

/* bench_parse_args() result meaning "go on and run". */
#define BENCH_CONTINUE			(-1)

/* --dma: most iterations (latencies are kept to compute percentiles). */
#define BENCH_DMA_MAX_ITERATIONS	1000000u
/* --dma: jobs in flight at most in the pipelined burst. */
#define BENCH_DMA_MAX_IN_FLIGHT		64u
/* --dma: COPY sizes measured; each runs min(N, 256 MiB / size) copies. */
#define BENCH_DMA_COPY_SIZES		4
#define BENCH_DMA_COPY_BYTES		(256u << 20)
/* --dma: how long one job may take before the benchmark gives up (ns). */
#define BENCH_DMA_WAIT_NS		10000000000ull

/* --layers: timed runs per layer by default, and at most. */
#define BENCH_LAYERS_DEFAULT_ITERATIONS	10u
#define BENCH_LAYERS_MAX_ITERATIONS	100000u
/* --layers: entries of the suite (layer_suite.h). */
#define BENCH_MAX_LAYERS		16

struct bench_options {
	unsigned int device;		/* --device, index as in potnpu-info */
	unsigned int iterations;	/* --iterations, >= 1 */
	bool json;			/* --json */
	bool dma;			/* --dma: job and DMA benchmark */
	bool layers;			/* --layers: the layer suite */
	const char *model;		/* model.bin, or NULL */
	bool cpu;			/* --cpu: the CPU reference executor */
	unsigned int devices;		/* --devices: from --device on, >= 1 */
	const char *input;		/* --input: IDX images, or NULL (random) */
	const char *labels;		/* --labels: IDX labels, or NULL */
	unsigned int count;		/* --count: inferences, 0 = default */
	bool verify;			/* --verify: every byte vs the reference */
	const char *onnx;		/* --onnx: the float model, or NULL */
	unsigned int onnx_count;	/* --onnx-count: its images, 0 = all */
};

/* Model mode: inferences without --count and --input (random inputs). */
#define BENCH_MODEL_DEFAULT_COUNT	100u
/* Model mode: most --devices, and each graph's inferences in flight. */
#define BENCH_MODEL_MAX_DEVICES		8u
#define BENCH_MODEL_SLOTS		4u
/* Model mode: nodes the per-layer table keeps. */
#define BENCH_MODEL_MAX_NODES		64u

/* One node of the model mode's table: counters per inference (mean). */
struct bench_node {
	char name[32];
	char op[12];			/* "conv2d", ..., "softmax" */
	char scheme[16];		/* CONV2D: "apot4", ...; else "-" */
	uint64_t macs, terms, dma, cycles;
};

/* Results of the model mode. */
struct bench_model_results {
	char name[64];			/* the model's name */
	const char *backend;		/* "device" or "cpu" */
	unsigned int devices;
	unsigned int count;		/* inferences */
	bool random_inputs;
	unsigned int correct;		/* with labels: top-1 hits */
	bool verified;			/* --verify passed */
	unsigned int nnodes;		/* rows at @node */
	struct bench_node node[BENCH_MODEL_MAX_NODES];
	struct bench_node total;
	/* --onnx: the float model over the first @float_count images, paired
	 * with the device's top-1 on them; timed apart (@float_ns), never
	 * in the latency or throughput */
	bool have_float;
	const char *onnx;
	unsigned int float_count;
	unsigned int float_correct, device_correct;	/* on those images */
	unsigned int float_only, device_only;		/* discordant pairs */
	double float_diff, float_diff_se;	/* device - float, 0..1 */
	uint64_t float_ns;
};

/* Latency statistics, in ns. */
struct bench_latency {
	uint64_t min, mean, p50, p99, max;
};

/* One COPY size of the DMA benchmark. */
struct bench_dma_copy {
	uint32_t size;			/* bytes per copy */
	bool skipped;			/* buffers could not be created */
	char skip_reason[200];
	unsigned int copies;		/* jobs, one COPY each */
	uint64_t elapsed_ns;		/* sum of their submit-to-signal times */
	double mib_per_s;
	bool verified;			/* every byte of every copy checked */
};

/* Results of --dma. */
struct bench_dma_results {
	unsigned int jobs;		/* empty jobs, one at a time */
	struct bench_latency latency;	/* their submit-to-signal times */
	double sequential_jobs_per_s;	/* jobs / wall time of that loop */
	unsigned int pipelined_jobs;	/* burst of jobs chained by syncobjs */
	unsigned int max_in_flight;
	uint64_t pipelined_ns;		/* first submit to last signal */
	double pipelined_jobs_per_s;
	unsigned int ncopies;
	struct bench_dma_copy copy[BENCH_DMA_COPY_SIZES];
};

/* One layer of --layers: what it is, what it cost, how long it took. */
struct bench_layer {
	char name[24];			/* "conv3x3", "fc", ... */
	char what[160];			/* op, scheme and shape */
	char scheme[16];		/* CONV2D: "apot4", ...; else "" */
	unsigned int wbits;		/* CONV2D: code bits; else 0 */
	uint64_t weight_bytes;		/* packed rows + decode table */
	struct potnpu_layer_counts counts;	/* the device's, verified */
	unsigned int runs;		/* timed jobs */
	struct bench_latency wall;	/* their submit-to-signal times */
	double mmac_per_s;		/* macs / p50 wall time, in millions */
};

/* Results of --layers. */
struct bench_layers_results {
	unsigned int count;
	struct bench_layer layer[BENCH_MAX_LAYERS];
};

/* Measurements of a run; filled in once model execution exists. */
struct bench_results {
	uint64_t latency_ns_min;
	uint64_t latency_ns_mean;
	uint64_t latency_ns_p50;
	uint64_t latency_ns_p99;
	uint64_t latency_ns_max;
	double throughput_ips;		/* inferences per second */
	uint64_t ops;			/* shift-add operations per inference */
	uint64_t device_cycles;		/* modeled device cycles per inference */
	bool have_accuracy;
	double accuracy;		/* top-1 on the labelled set, 0..1 */
};

struct bench_report {
	const char *status;		/* "ok", "unavailable", "error" */
	int exit_code;
	char message[640];		/* why the run did not happen */
	unsigned int iterations;
	/* device, if one was opened */
	bool have_device;
	unsigned int device_index;
	char device_path[256];
	struct potnpu_driver_info driver;
	bool have_info;
	struct drm_potnpu_device_info info;
	/* model, if one was given */
	const char *model_path;
	uint64_t model_size;
	/* measurements */
	bool have_results;
	struct bench_results results;
	bool dma;			/* --dma run: the fields below */
	bool have_dma;
	struct bench_dma_results dma_results;
	bool layers;			/* --layers run: the fields below */
	bool have_layers;
	struct bench_layers_results layers_results;
	bool have_model;		/* the model mode ran: the fields below */
	struct bench_model_results model_results;
};

/*
 * bench_parse_args() - parse the command line into @o
 *
 * Messages go to @out (--help, --version) and @err (errors).
 * Return: BENCH_CONTINUE to go on, or the exit status to end with:
 * 0 after --help/--version, 64 (EX_USAGE) on a bad command line.
 */
int bench_parse_args(int argc, char *argv[], struct bench_options *o,
		     FILE *out, FILE *err);

/*
 * bench_check_model() - the model file must be a readable, non-empty
 * regular file. Fills r->model_path/model_size.
 * Return: 0, 66 (EX_NOINPUT: missing, unreadable, not a regular file) or
 * 65 (EX_DATAERR: empty), with the message in r->message.
 */
int bench_check_model(const char *path, struct bench_report *r);

/*
 * bench_run() - open the device, query it and run the mode's benchmark
 *
 * Return: the exit status; r->status, r->message and the device fields
 * say what happened. The model mode gives 69 (EX_UNAVAILABLE) on a
 * device without MODEL_EXEC: "device N (...) does not support model
 * execution yet (capability MODEL_EXEC missing); nothing to benchmark".
 * With --cpu it opens no device.
 */
int bench_run(const struct bench_options *o, struct bench_report *r);

/*
 * bench_run_model() - the model mode on @ndev open devices (none with
 * --cpu): load o->model, build a graph per device (or the reference's),
 * run the inputs, with --verify compare every byte of every inference
 * with the reference; with --onnx run the ONNX model on the float
 * executor over the (first o->onnx_count) images, apart from the timed
 * device run, and pair its top-1 with the device's. Return: the exit
 * status (0; 1 a job failed or --verify found a difference; 65/66 bad
 * or missing model, ONNX or input files, 65 also an ONNX model whose
 * input does not take the images; tool_exit_code() of a library error).
 */
int bench_run_model(struct potnpu_device *const *devs, unsigned int ndev,
		    const struct bench_options *o, struct bench_report *r);

/* The model mode's part of the text and JSON reports. */
void bench_model_print_text(const struct bench_model_results *res, FILE *f);
struct json_object *bench_model_json(const struct bench_model_results *res);
/* --onnx: the float model's top-1 beside the device's (after accuracy). */
void bench_model_print_float(const struct bench_model_results *res, FILE *f);

/* A progress bar on @f for @done of @total, if @f is a terminal. */
void bench_progress(FILE *f, size_t done, size_t total);

/*
 * bench_run_dma() - the --dma benchmark: empty-job latency, a pipelined
 * burst and COPY throughput with verification, on an open device that
 * reports DRM_POTNPU_CAP_JOBS. Return: the exit status (0; 1 when a job
 * failed or a copy was wrong; tool_exit_code() of a library error).
 */
int bench_run_dma(struct potnpu_device *dev, const struct bench_options *o,
		  struct bench_report *r);

/*
 * bench_run_layers() - the --layers benchmark: every layer of the suite
 * (layer_suite.h) run once and checked byte for byte and counter for
 * counter against the CPU reference, then timed over o->iterations jobs,
 * on an open device that reports DRM_POTNPU_CAP_MODEL_EXEC. Return: the
 * exit status (0; 1 when a job failed or differed from the reference;
 * tool_exit_code() of a library error).
 */
int bench_run_layers(struct potnpu_device *dev, const struct bench_options *o,
		     struct bench_report *r);

/* Nearest-rank percentile @pct (0..100] of @n sorted values. */
uint64_t bench_percentile(const uint64_t *sorted, size_t n, unsigned int pct);

/* CLOCK_MONOTONIC in ns. */
uint64_t bench_now_ns(void);

/* Sorts the @n >= 1 latencies at @lat and fills @l from them. */
void bench_latency_of(uint64_t *lat, size_t n, struct bench_latency *l);

/* A latency as the JSON reports give it: {min, mean, p50, p99, max}. */
struct json_object *bench_json_latency(const struct bench_latency *l);

/* The --layers part of the text and JSON reports. */
void bench_layers_print_text(const struct bench_layers_results *res, FILE *f);
struct json_object *bench_layers_json(const struct bench_layers_results *res);

void bench_report_init(struct bench_report *r, const struct bench_options *o);
/* Records a failure: status, exit code and message. */
void bench_report_fail(struct bench_report *r, const char *status,
		       int exit_code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void bench_report_print_text(const struct bench_report *r, FILE *f);
void bench_report_print_json(const struct bench_report *r, FILE *f);

#endif /* POTNPU_TOOLS_BENCH_H */
