// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host self-test of potnpu-ioctl-fuzz's stream generator against the
 * kernel's validator (kernel/potnpu_validate*.c, compiled unchanged
 * against tests/fuzz/kshim/, as fuzz_cmd_validate does): every stream the
 * fuzzer calls valid must pass, every one it calls broken must be refused
 * (in the guest it expects EINVAL for those), and mutated ones must not
 * upset the validator (run under ASan and UBSan). A wrong claim here
 * would be a false failure, or a missed one, in every guest run.
 *
 *   selftest-streams [COUNT]   (default 100000 seeds per mode)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <linux/errno.h>
#include <linux/types.h>

#include "potnpu_validate.h"
#include "selftest_gen.h"

static const char *const mode_name[] = { "valid", "broken", "mutated" };
static int tap_n;

/* One mode over @count seeds: the number of streams that broke its claim. */
static unsigned long run(int mode, unsigned long count, bool layers)
{
	struct potnpu_bo_range ranges[8];
	struct potnpu_cmd_fault fault;
	struct fz_gen_bo bos[8];
	unsigned long seed, bad = 0, built = 0;
	uint32_t w[512];
	unsigned int n, nr, i;
	int ret;

	for (seed = 1; seed <= count; seed++) {
		n = fz_gen_stream(seed * 3 + mode, mode, layers, w, 512, bos, &nr);
		if (!n)
			continue;
		built++;
		for (i = 0; i < nr; i++)
			ranges[i] = (struct potnpu_bo_range){
				.va = bos[i].va, .size = bos[i].size,
				.writable = bos[i].writable,
			};
		ret = potnpu_validate_cmds((const __le32 *)w, n * 4, ranges, nr,
					   layers, &fault);
		if ((mode == 0 && ret) || (mode == 1 && ret != -EINVAL)) {
			if (bad++ < 5)
				printf("# %s stream, seed %lu, layers %d: validator says %d (%s at offset %u)\n",
				       mode_name[mode], seed * 3 + mode, layers,
				       ret, potnpu_cmd_strerror(fault.error),
				       fault.offset);
		}
	}
	printf("%sok %d - ioctl-fuzz generator: %lu %s streams (layers %s) as claimed\n",
	       bad ? "not " : "", ++tap_n, built, mode_name[mode], layers ? "on" : "off");
	return bad;
}

int main(int argc, char **argv)
{
	unsigned long count = argc > 1 ? strtoul(argv[1], NULL, 0) : 100000;
	unsigned long bad = 0;
	int mode;

	for (mode = 0; mode < 3; mode++) {
		bad += run(mode, count, true);
		bad += run(mode, count, false);
	}
	printf("1..%d\n", tap_n);
	return bad ? 1 : 0;
}
