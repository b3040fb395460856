// SPDX-License-Identifier: MIT
/*
 * potnpu-bench: benchmark a compiled model on a potnpu device.
 *
 * The model mode runs a model file through libpotnpu's graph API (one
 * job per inference) on a device with DRM_POTNPU_CAP_MODEL_EXEC, on
 * several (--devices), or on the CPU reference (--cpu), over IDX images
 * or random inputs, optionally checking every byte against the reference
 * (--verify); see bench_model.c.
 * --dma benchmarks the job path instead (empty-job latency, a pipelined
 * burst, COPY throughput with verification) on a device with
 * DRM_POTNPU_CAP_JOBS; --layers a fixed layer suite, each layer checked
 * against the CPU reference and then timed, on one with MODEL_EXEC.
 * Exit codes: see usage in bench.c and docs/userspace.md.
 */
#include <stdio.h>

#include "bench.h"

int main(int argc, char *argv[])
{
	struct bench_options o;
	struct bench_report r;
	int ret;

	ret = bench_parse_args(argc, argv, &o, stdout, stderr);
	if (ret != BENCH_CONTINUE)
		return ret;
	bench_report_init(&r, &o);

	/* Cheap local checks first: a typo in the model path is not a
	 * device problem. */
	if (!o.model || !bench_check_model(o.model, &r))
		bench_run(&o, &r);

	if (r.exit_code)
		fprintf(stderr, "potnpu-bench: %s\n", r.message);
	if (o.json)
		bench_report_print_json(&r, stdout);
	else if (!r.exit_code)
		bench_report_print_text(&r, stdout);
	return r.exit_code;
}
