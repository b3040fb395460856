/* SPDX-License-Identifier: MIT */
/*
 * One layer case as a device job: its operands in one buffer object, its
 * command stream in another, submitted as often as asked. Shared by
 * potnpu-layer-check and potnpu-bench --layers.
 */
#ifndef POTNPU_TOOLS_LAYER_JOB_H
#define POTNPU_TOOLS_LAYER_JOB_H

#include <stddef.h>
#include <stdint.h>

#include "layer_cases.h"

/* Where each operand lives in the job's data buffer. */
struct layer_job_layout {
	size_t in, in2, out, weights, table, chan, counters, size;
};

/**
 * struct layer_job - a case ready to run
 * @dev: the device
 * @data: the operands (layout @lo), mapped at @p
 * @cmd: the command stream, @cmd_size bytes
 */
struct layer_job {
	struct potnpu_device *dev;
	struct potnpu_bo *data, *cmd;
	struct layer_job_layout lo;
	uint8_t *p;
	uint32_t cmd_size;
};

/*
 * layer_job_setup() - buffers, operands and the stream of @c on @dev
 * Return: 0, or a negative errno with @why saying what failed (release
 * with layer_job_free() either way).
 */
int layer_job_setup(struct potnpu_device *dev, const struct layer_case *c,
		    struct layer_job *j, char *why, size_t len);

/*
 * layer_job_run() - submit the job once and wait for it
 * Return: 0 once it completed OK, else a negative errno (-EIO: the job
 * failed) with @why saying why.
 */
int layer_job_run(const struct layer_job *j, char *why, size_t len);

/* The output and the counters the last run left. */
const int8_t *layer_job_out(const struct layer_job *j);
void layer_job_counters(const struct layer_job *j,
			struct potnpu_layer_counts *c);

void layer_job_free(struct layer_job *j);

#endif /* POTNPU_TOOLS_LAYER_JOB_H */
