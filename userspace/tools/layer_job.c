// SPDX-License-Identifier: MIT
/*
 * A layer case as a device job (see layer_job.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "layer_job.h"

#define WAIT_NS 30000000000ull	/* 30 s: a tiled layer is slow on QEMU */
#define ALIGN 64u
#define CMD_BYTES 4096u

static size_t place(size_t *at, size_t size)
{
	size_t off = *at;

	*at += (size + ALIGN - 1) / ALIGN * ALIGN;
	return size ? off : 0;
}

static void lay_out(const struct layer_case *c, struct layer_job_layout *lo)
{
	size_t at = 0;

	lo->counters = place(&at, POTNPU_COUNTERS_SIZE);
	lo->in = place(&at, c->sz.in);
	lo->in2 = place(&at, c->sz.in2);
	lo->out = place(&at, c->sz.out);
	lo->weights = place(&at, c->sz.weights);
	lo->table = place(&at, c->sz.table);
	lo->chan = place(&at, c->sz.chan);
	lo->size = at;
}

static uint64_t va_of(uint64_t base, size_t off, size_t size)
{
	return size ? base + off : 0;
}

/* Fill the data buffer as the layer expects it. */
static void fill(const struct layer_case *c, const struct layer_job_layout *lo,
		 uint8_t *p)
{
	memset(p + lo->counters, 0xff, POTNPU_COUNTERS_SIZE);
	memcpy(p + lo->in, c->in, c->sz.in);
	memcpy(p + lo->in2, c->in2, c->sz.in2);
	memcpy(p + lo->out, c->out_init, c->sz.out);
	memcpy(p + lo->weights, c->rows, c->sz.weights);
	if (c->sz.table)
		potnpu_layer_pack_table(c->s.table, c->sz.table / 4, p + lo->table);
	if (c->sz.chan)
		potnpu_layer_pack_chan(c->chan, c->l.out_c, p + lo->chan);
}

/* The layer command, in the command buffer. */
static int build_stream(const struct layer_case *c, struct layer_job *j)
{
	uint64_t b = potnpu_bo_va(j->data);
	const struct layer_job_layout *lo = &j->lo;
	struct potnpu_layer_addrs a = {
		.in = va_of(b, lo->in, c->sz.in), .in2 = va_of(b, lo->in2, c->sz.in2),
		.out = va_of(b, lo->out, c->sz.out),
		.weights = va_of(b, lo->weights, c->sz.weights),
		.table = va_of(b, lo->table, c->sz.table),
		.chan = va_of(b, lo->chan, c->sz.chan), .counters = b + lo->counters,
	};
	struct potnpu_cmdbuf *cb = NULL;
	int err;

	err = potnpu_cmdbuf_create_in_bo(j->cmd, 0, CMD_BYTES, &cb);
	if (!err)
		err = potnpu_cmdbuf_layer(cb, &c->l, &a);
	j->cmd_size = (uint32_t)potnpu_cmdbuf_size(cb);
	potnpu_cmdbuf_free(cb);
	return err;
}

int layer_job_setup(struct potnpu_device *dev, const struct layer_case *c,
		    struct layer_job *j, char *why, size_t len)
{
	int err;

	memset(j, 0, sizeof(*j));
	j->dev = dev;
	lay_out(c, &j->lo);
	err = potnpu_bo_create(dev, j->lo.size, 0, &j->data);
	if (!err)
		err = potnpu_bo_create(dev, CMD_BYTES, POTNPU_BO_READ_ONLY, &j->cmd);
	if (!err)
		err = potnpu_bo_map(j->data, (void **)&j->p);
	if (!err) {
		fill(c, &j->lo, j->p);
		err = build_stream(c, j);
	}
	if (err)
		snprintf(why, len, "%s", potnpu_last_error());
	return err;
}

int layer_job_run(const struct layer_job *j, char *why, size_t len)
{
	struct potnpu_bo *data = j->data;
	struct potnpu_submit_desc desc = {
		.cmd_bo = j->cmd, .cmd_size = j->cmd_size, .bos = &data,
		.bo_count = 1,
	};
	struct potnpu_job_status st = { 0 };
	struct potnpu_job *job = NULL;
	int err;

	err = potnpu_submit(j->dev, &desc, &job);
	if (!err)
		err = potnpu_job_wait(job, WAIT_NS);
	if (!err)
		err = potnpu_job_status(job, &st);
	potnpu_job_free(job);
	if (err)
		snprintf(why, len, "%s", potnpu_last_error());
	else if (!st.done || st.code)
		snprintf(why, len, "job failed: %s", st.message);
	return err ? err : (!st.done || st.code) ? -EIO : 0;
}

const int8_t *layer_job_out(const struct layer_job *j)
{
	return (const int8_t *)j->p + j->lo.out;
}

void layer_job_counters(const struct layer_job *j, struct potnpu_layer_counts *c)
{
	potnpu_layer_read_counters(j->p + j->lo.counters, c);
}

void layer_job_free(struct layer_job *j)
{
	potnpu_bo_free(j->cmd);
	potnpu_bo_free(j->data);
	memset(j, 0, sizeof(*j));
}
