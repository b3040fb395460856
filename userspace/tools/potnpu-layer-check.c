// SPDX-License-Identifier: MIT
/*
 * potnpu-layer-check: run seeded random layers on a device through
 * libpotnpu and compare every output byte and every counter with the CPU
 * reference (potnpu_reference_run()). See docs/userspace.md.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sysexits.h>

#include "common.h"
#include "layer_job.h"

#define PROG "potnpu-layer-check"

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

/* Run @c on the device and compare; 0 bit-exact, else @why says. */
static int check_case(struct potnpu_device *dev, const struct layer_case *c,
		      char *why, size_t len)
{
	struct potnpu_layer_counts dc, rc;
	int8_t *ref = malloc(c->sz.out);
	struct layer_job j = { 0 };
	int err;

	err = ref ? layer_case_reference(c, ref, &rc) : -ENOMEM;
	if (!err)
		err = layer_job_setup(dev, c, &j, why, len);
	if (!err)
		err = layer_job_run(&j, why, len);
	if (!err) {
		layer_job_counters(&j, &dc);
		err = layer_case_compare(c, layer_job_out(&j), ref, &dc, &rc,
					 why, len);
	}
	layer_job_free(&j);
	free(ref);
	return err;
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
	int rc;

	rc = tool_parse_args(PROG, usage, argc, argv, &device, opts, 2);
	if (rc >= 0)
		return rc;
	rc = tool_open_layers(PROG, device, &dev);
	if (rc)
		return rc;
	rc = run_cases(dev, seed, cases);
	potnpu_close(dev);
	return rc;
}
