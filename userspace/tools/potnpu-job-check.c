// SPDX-License-Identifier: MIT
/*
 * potnpu-job-check: exercise libpotnpu's jobs on a real device (meant for
 * a guest with the potnpu driver loaded): a job that fills, copies,
 * writes a fence and a timestamp, a job chained to it through its
 * syncobj, two jobs on timeline points, and a stream the driver must
 * refuse; every result is checked in memory. See docs/userspace.md.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "common.h"

#define PROG "potnpu-job-check"
#define WAIT_NS 10000000000ull	/* 10 s, twice the driver's job timeout */
#define SPAN 8192u		/* bytes filled and copied */
#define FENCES (2 * SPAN + 64)	/* fences and timestamp, past the copy */

static void usage(FILE *f)
{
	fprintf(f,
		"usage: " PROG " [--device N]\n"
		"\n"
		"Run a few jobs on potnpu device N (default 0): fill, copy, fence\n"
		"and timestamp, a chain, timeline points and a stream the driver\n"
		"must refuse, checking every result.\n"
		"\n"
		"Exit status: 0 ok, 1 a check failed, 64 usage error, 69 no (such)\n"
		"device or no jobs (capability JOBS missing), 76 driver/library\n"
		"mismatch, 77 permission denied, 71 other system error.\n");
}

/* Fails the run with @err's library message. */
static int lib_fail(int err)
{
	fprintf(stderr, PROG ": %s\n", potnpu_last_error());
	return tool_exit_code(err);
}

struct ctx {
	struct potnpu_device *dev;
	struct potnpu_bo *cmd, *src, *dst, *ro;
	uint8_t *s, *d;
	struct potnpu_cmdbuf *cb;
	unsigned int jobs;
};

/*
 * Submit @c->cb (at @off of the command buffer) with @wait / timeline,
 * wait for it unless @jobp is given, and require status OK.
 */
static int run(struct ctx *c, uint32_t off, const uint32_t *wait,
	       uint32_t timeline, uint64_t point, struct potnpu_job **jobp,
	       const char *what)
{
	struct potnpu_bo *bos[3] = { c->src, c->dst, c->ro };
	struct potnpu_submit_desc desc = {
		.cmd_bo = c->cmd, .cmd_offset = off,
		.cmd_size = (uint32_t)potnpu_cmdbuf_size(c->cb),
		.bos = bos, .bo_count = 3,
		.wait_syncobjs = wait, .wait_count = wait ? 1 : 0,
		.out_timeline = timeline, .out_point = point,
	};
	struct potnpu_job_status st;
	struct potnpu_job *job;
	int err;

	err = potnpu_cmdbuf_copy_to_bo(c->cb, c->cmd, off);
	if (!err)
		err = potnpu_submit(c->dev, &desc, &job);
	if (err)
		return lib_fail(err);
	c->jobs++;
	if (jobp) {
		*jobp = job;
		return 0;
	}
	err = potnpu_job_wait(job, WAIT_NS);
	if (!err)
		err = potnpu_job_status(job, &st);
	potnpu_job_free(job);
	if (err)
		return lib_fail(err);
	if (!st.done || st.code) {
		fprintf(stderr, PROG ": %s: %s\n", what, st.message);
		return 1;
	}
	return 0;
}

/* Wait for @job (status OK), then free it. */
static int finish(struct potnpu_job *job, const char *what)
{
	struct potnpu_job_status st;
	int err;

	err = potnpu_job_wait(job, WAIT_NS);
	if (!err)
		err = potnpu_job_status(job, &st);
	potnpu_job_free(job);
	if (err)
		return lib_fail(err);
	if (!st.done || st.code) {
		fprintf(stderr, PROG ": %s: %s\n", what, st.message);
		return 1;
	}
	return 0;
}

static int expect(int ok, const char *what)
{
	if (!ok)
		fprintf(stderr, PROG ": %s\n", what);
	return ok ? 0 : 1;
}

static int check(struct ctx *c)
{
	uint64_t sva = potnpu_bo_va(c->src), dva = potnpu_bo_va(c->dst);
	struct potnpu_job *a = NULL, *b = NULL;
	uint32_t v, wait, tl = 0;
	uint64_t ts;
	size_t i;
	int err, rc;

	/* 1: fill, copy, fence, timestamp in one job. */
	for (i = 0; i < SPAN; i++)
		c->s[i] = (uint8_t)(i * 7 + 3);
	potnpu_cmdbuf_reset(c->cb);
	err = potnpu_cmdbuf_fill(c->cb, dva, SPAN, 0xa1b2c3d4);
	if (!err)
		err = potnpu_cmdbuf_copy(c->cb, sva + 1, dva + SPAN + 3,
					 SPAN - 1);
	if (!err)
		err = potnpu_cmdbuf_fence(c->cb, dva + FENCES, 0x600dfeed);
	if (!err)
		err = potnpu_cmdbuf_timestamp(c->cb, dva + FENCES + 8);
	if (!err)
		err = potnpu_cmdbuf_nop(c->cb);
	if (err)
		return lib_fail(err);
	rc = run(c, 0, NULL, 0, 0, NULL, "fill/copy/fence/timestamp job");
	if (rc)
		return rc;
	for (i = 0; i < SPAN; i++)
		if (c->d[i] != (uint8_t)(0xa1b2c3d4u >> (8 * (i % 4))))
			return expect(0, "FILL wrote the wrong bytes");
	if (memcmp(c->d + SPAN + 3, c->s + 1, SPAN - 1) ||
	    c->d[SPAN + 2] || c->d[2 * SPAN + 2])
		return expect(0, "COPY wrote the wrong bytes");
	memcpy(&v, c->d + FENCES, 4);
	memcpy(&ts, c->d + FENCES + 8, 8);
	if ((rc = expect(v == 0x600dfeed, "FENCE did not write its value")) ||
	    (rc = expect(ts != 0, "TIMESTAMP wrote 0")))
		return rc;

	/* 2: a chain: b copies what a filled, after a. */
	potnpu_cmdbuf_reset(c->cb);
	err = potnpu_cmdbuf_fill(c->cb, dva + 3 * SPAN, SPAN, 0x5a5a5a5a);
	if (err)
		return lib_fail(err);
	rc = run(c, 0, NULL, 0, 0, &a, "");
	if (rc)
		return rc;
	wait = potnpu_job_syncobj(a);
	potnpu_cmdbuf_reset(c->cb);
	err = potnpu_cmdbuf_copy(c->cb, dva + 3 * SPAN, dva + 4 * SPAN, SPAN);
	if (err) {
		potnpu_job_free(a);
		return lib_fail(err);
	}
	rc = run(c, 256, &wait, 0, 0, &b, "");
	if (!rc)
		rc = finish(b, "chained job");
	if (!rc)
		rc = finish(a, "job the chain waits for");
	else
		potnpu_job_free(a);
	if (rc)
		return rc;
	for (i = 0; i < SPAN; i++)
		if (c->d[4 * SPAN + i] != 0x5a)
			return expect(0, "the chained COPY ran before the FILL it waits for");

	/* 3: timeline points 1 and 2 of one syncobj. */
	err = potnpu_syncobj_create(c->dev, &tl);
	if (err)
		return lib_fail(err);
	potnpu_cmdbuf_reset(c->cb);
	err = potnpu_cmdbuf_fence(c->cb, dva + FENCES + 16, 1);
	rc = err ? lib_fail(err) : run(c, 0, NULL, tl, 1, &a, "");
	if (!rc) {
		potnpu_cmdbuf_reset(c->cb);
		err = potnpu_cmdbuf_fence(c->cb, dva + FENCES + 20, 2);
		rc = err ? lib_fail(err) : run(c, 256, NULL, tl, 2, &b, "");
		if (!rc)
			rc = finish(b, "job on timeline point 2");
		else
			potnpu_job_free(b);
		if (!rc)
			rc = finish(a, "job on timeline point 1");
		else
			potnpu_job_free(a);
	}
	potnpu_syncobj_destroy(c->dev, tl);
	if (rc)
		return rc;
	memcpy(&v, c->d + FENCES + 20, 4);
	if ((rc = expect(v == 2, "the timeline job did not write its fence")))
		return rc;

	/* 4: a write to a read-only buffer is refused, not run. */
	potnpu_cmdbuf_reset(c->cb);
	err = potnpu_cmdbuf_fence(c->cb, potnpu_bo_va(c->ro), 1);
	if (err)
		return lib_fail(err);
	err = potnpu_cmdbuf_copy_to_bo(c->cb, c->cmd, 0);
	if (err)
		return lib_fail(err);
	{
		struct potnpu_bo *bos[1] = { c->ro };
		struct potnpu_submit_desc desc = {
			.cmd_bo = c->cmd,
			.cmd_size = (uint32_t)potnpu_cmdbuf_size(c->cb),
			.bos = bos, .bo_count = 1,
		};

		err = potnpu_submit(c->dev, &desc, &a);
		if (!err) {
			potnpu_job_free(a);
			return expect(0, "a FENCE into a read-only buffer was accepted");
		}
		if (err != -EINVAL)
			return lib_fail(err);
	}
	/* ...and the file is still usable. */
	potnpu_cmdbuf_reset(c->cb);
	err = potnpu_cmdbuf_nop(c->cb);
	if (err)
		return lib_fail(err);
	return run(c, 0, NULL, 0, 0, NULL, "job after a refused one");
}

static int setup_and_check(struct potnpu_device *dev)
{
	struct ctx c = { .dev = dev };
	int err, rc;

	err = potnpu_bo_create(dev, 4096, POTNPU_BO_READ_ONLY, &c.cmd);
	if (!err)
		err = potnpu_bo_create(dev, SPAN, 0, &c.src);
	if (!err)
		err = potnpu_bo_create(dev, 5 * SPAN, 0, &c.dst);
	if (!err)
		err = potnpu_bo_create(dev, 4096, POTNPU_BO_READ_ONLY, &c.ro);
	if (!err)
		err = potnpu_bo_map(c.src, (void **)&c.s);
	if (!err)
		err = potnpu_bo_map(c.dst, (void **)&c.d);
	if (!err)
		err = potnpu_cmdbuf_create(256, &c.cb);
	rc = err ? lib_fail(err) : check(&c);
	if (!rc)
		printf(PROG ": device (%s): %u jobs ran with the expected results; an invalid stream was refused\n",
		       potnpu_path(dev), c.jobs);
	potnpu_cmdbuf_free(c.cb);
	potnpu_bo_free(c.cmd);
	potnpu_bo_free(c.src);
	potnpu_bo_free(c.dst);
	potnpu_bo_free(c.ro);
	return rc;
}

int main(int argc, char *argv[])
{
	struct potnpu_device *dev;
	unsigned long device;
	int err, rc;

	rc = tool_parse_device_args(PROG, usage, argc, argv, &device);
	if (rc >= 0)
		return rc;
	err = potnpu_open_index((unsigned int)device, &dev);
	if (err)
		return lib_fail(err);
	rc = setup_and_check(dev);
	potnpu_close(dev);
	return rc;
}
