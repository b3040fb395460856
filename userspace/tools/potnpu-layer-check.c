// SPDX-License-Identifier: MIT
/*
 * potnpu-layer-check: run seeded random layers on a device through
 * libpotnpu and compare every output byte and every counter with the CPU
 * reference (potnpu_reference_run()). See docs/userspace.md.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "common.h"
#include "layer_cases.h"

#define PROG "potnpu-layer-check"
#define WAIT_NS 30000000000ull	/* 30 s: a tiled layer is slow on QEMU */
#define ALIGN 64u

static void usage(FILE *f)
{
	fprintf(f,
		"usage: " PROG " [--device N] [--seed S] [--cases N]\n"
		"\n"
		"Run N (default %u) seeded random layer commands on potnpu device N\n"
		"(default 0), one job each, and compare every output byte and every\n"
		"counter with libpotnpu's CPU reference. Case i is op/scheme i %% %u\n"
		"and shape family i / %u %% %u, so %u cases cover every op and weight\n"
		"scheme on every shape family. Prints one line per differing case\n"
		"and then \"N cases, N bit-exact\".\n"
		"\n"
		"Exit status: 0 all bit-exact, 1 a difference or a failed case,\n"
		"64 usage error, 69 no (such) device or no layer commands\n"
		"(capability MODEL_EXEC missing), 76 driver/library mismatch,\n"
		"77 permission denied, 71 other system error.\n",
		LAYER_CASE_KINDS * LAYER_CASE_EDGES, LAYER_CASE_KINDS,
		LAYER_CASE_KINDS, LAYER_CASE_EDGES,
		LAYER_CASE_KINDS * LAYER_CASE_EDGES);
}

/* Where each operand lives in the case's data buffer. */
struct layout {
	size_t in, in2, out, weights, table, chan, counters, size;
};

static size_t place(size_t *at, size_t size)
{
	size_t off = *at;

	*at += (size + ALIGN - 1) / ALIGN * ALIGN;
	return size ? off : 0;
}

static void lay_out(const struct layer_case *c, struct layout *lo)
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

/* Fill the data buffer at @p as the layer expects it. */
static void fill(const struct layer_case *c, const struct layout *lo,
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

/* Build, submit and wait for the case's job; 0 once it completed OK. */
static int run_job(struct potnpu_device *dev, const struct layer_case *c,
		   struct potnpu_bo *data, struct potnpu_bo *cmd,
		   const struct layout *lo, char *why, size_t len)
{
	uint64_t b = potnpu_bo_va(data);
	struct potnpu_layer_addrs a = {
		.in = va_of(b, lo->in, c->sz.in), .in2 = va_of(b, lo->in2, c->sz.in2),
		.out = va_of(b, lo->out, c->sz.out),
		.weights = va_of(b, lo->weights, c->sz.weights),
		.table = va_of(b, lo->table, c->sz.table),
		.chan = va_of(b, lo->chan, c->sz.chan), .counters = b + lo->counters,
	};
	struct potnpu_submit_desc desc = { .cmd_bo = cmd, .bos = &data, .bo_count = 1 };
	struct potnpu_job_status st = { 0 };
	struct potnpu_cmdbuf *cb = NULL;
	struct potnpu_job *job = NULL;
	int err;

	err = potnpu_cmdbuf_create_in_bo(cmd, 0, 4096, &cb);
	if (!err)
		err = potnpu_cmdbuf_layer(cb, &c->l, &a);
	desc.cmd_size = (uint32_t)potnpu_cmdbuf_size(cb);
	if (!err)
		err = potnpu_submit(dev, &desc, &job);
	if (!err)
		err = potnpu_job_wait(job, WAIT_NS);
	if (!err)
		err = potnpu_job_status(job, &st);
	potnpu_job_free(job);
	potnpu_cmdbuf_free(cb);
	if (err)
		snprintf(why, len, "%s", potnpu_last_error());
	else if (!st.done || st.code)
		snprintf(why, len, "job failed: %s", st.message);
	return err ? err : (!st.done || st.code) ? -EIO : 0;
}

/* The first difference between the device's and the reference's results. */
static int compare(const struct layer_case *c, const int8_t *dev,
		   const int8_t *ref, const struct potnpu_layer_counts *dc,
		   const struct potnpu_layer_counts *rc, char *why, size_t len)
{
	static const char *const names[] = {
		"macs", "taps", "terms", "zero_skips", "bitserial", "dma_in",
		"dma_out", "cycles",
	};
	const uint64_t *d = &dc->macs, *r = &rc->macs;
	size_t i;

	for (i = 0; i < c->sz.out; i++)
		if (dev[i] != ref[i]) {
			size_t pix = i / c->l.out_cstride;

			snprintf(why, len, "output byte %zu (y %zu, x %zu, c %zu): device %d, reference %d",
				 i, pix / c->l.out_w, pix % c->l.out_w,
				 i % c->l.out_cstride, dev[i], ref[i]);
			return 1;
		}
	for (i = 0; i < 8; i++)
		if (d[i] != r[i]) {
			snprintf(why, len, "counter %s: device %" PRIu64 ", reference %" PRIu64,
				 names[i], d[i], r[i]);
			return 1;
		}
	return 0;
}

/* The reference's output and counters for @c. */
static int reference(const struct layer_case *c, int8_t *out,
		     struct potnpu_layer_counts *rc)
{
	struct potnpu_ref_buffers b = {
		.in = c->in, .in2 = c->in2, .out = out, .weights = c->rows,
		.table = c->s.table, .chan = c->chan,
	};

	memcpy(out, c->out_init, c->sz.out);
	return potnpu_reference_run(&c->l, &b, rc);
}

/* Run @c on the device and compare; 0 bit-exact, else @why says. */
static int check_case(struct potnpu_device *dev, const struct layer_case *c,
		      char *why, size_t len)
{
	struct potnpu_bo *data = NULL, *cmd = NULL;
	struct potnpu_layer_counts dc, rc;
	int8_t *ref = malloc(c->sz.out);
	struct layout lo;
	uint8_t *p;
	int err;

	lay_out(c, &lo);
	err = ref ? reference(c, ref, &rc) : -ENOMEM;
	if (!err)
		err = potnpu_bo_create(dev, lo.size, 0, &data);
	if (!err)
		err = potnpu_bo_create(dev, 4096, POTNPU_BO_READ_ONLY, &cmd);
	if (!err)
		err = potnpu_bo_map(data, (void **)&p);
	if (err)
		snprintf(why, len, "%s", potnpu_last_error());
	if (!err) {
		fill(c, &lo, p);
		err = run_job(dev, c, data, cmd, &lo, why, len);
	}
	if (!err) {
		potnpu_layer_read_counters(p + lo.counters, &dc);
		err = compare(c, (const int8_t *)p + lo.out, ref, &dc, &rc, why, len);
	}
	potnpu_bo_free(cmd);
	potnpu_bo_free(data);
	free(ref);
	return err;
}

/* 0 if @dev runs layer commands, else the exit status. */
static int require_layers(struct potnpu_device *dev, unsigned long index)
{
	struct drm_potnpu_device_info info;
	int err = potnpu_query_device_info(dev, &info, sizeof(info));

	if (err) {
		fprintf(stderr, PROG ": %s\n", potnpu_last_error());
		return tool_exit_code(err);
	}
	if (!potnpu_has_cap(&info, DRM_POTNPU_CAP_MODEL_EXEC)) {
		fprintf(stderr,
			PROG ": device %lu (%s) cannot run layer commands yet (capability MODEL_EXEC missing); nothing to check\n",
			index, potnpu_path(dev));
		return EX_UNAVAILABLE;
	}
	return 0;
}

static int run_cases(struct potnpu_device *dev, uint64_t seed,
		     unsigned long cases)
{
	unsigned long i, exact = 0;
	struct layer_case c;
	char why[512];

	for (i = 0; i < cases; i++) {
		int err = layer_case_make(&c, seed, (unsigned int)i);

		if (err)
			snprintf(why, sizeof(why), "cannot make the case: %s",
				 potnpu_last_error());
		if (!err && !check_case(dev, &c, why, sizeof(why)))
			exact++;
		else
			printf("case %lu: %s: %s\n", i, c.what, why);
		layer_case_free(&c);
	}
	printf("%lu cases, %lu bit-exact\n", cases, exact);
	return exact == cases ? 0 : 1;
}

int main(int argc, char *argv[])
{
	unsigned long device, seed = 1, cases = LAYER_CASE_KINDS * LAYER_CASE_EDGES;
	const struct tool_uint_opt opts[] = {
		{ "seed", 's', 0, UINT64_MAX, &seed },
		{ "cases", 'n', 1, 1000000, &cases },
	};
	struct potnpu_device *dev;
	int err, rc;

	rc = tool_parse_args(PROG, usage, argc, argv, &device, opts, 2);
	if (rc >= 0)
		return rc;
	err = potnpu_open_index((unsigned int)device, &dev);
	if (err) {
		fprintf(stderr, PROG ": %s\n", potnpu_last_error());
		return tool_exit_code(err);
	}
	rc = require_layers(dev, device);
	if (!rc)
		rc = run_cases(dev, seed, cases);
	potnpu_close(dev);
	return rc;
}
