// SPDX-License-Identifier: MIT
/* The TAP harness of tap.h. */
#include <stdint.h>
#include <stdio.h>

#include "tap.h"

static int tap_count, tap_failures, tap_cur_failed;

int tap_check(int ok, const char *what, const char *file, int line)
{
	if (!ok) {
		printf("# %s:%d: check failed: %s\n", file, line, what);
		tap_cur_failed = 1;
	}
	return ok;
}

int tap_check_eq(uint64_t a, uint64_t b, const char *as, const char *bs,
		 const char *file, int line)
{
	if (a != b) {
		printf("# %s:%d: %s == %s failed: 0x%llx != 0x%llx\n", file,
		       line, as, bs, (unsigned long long)a,
		       (unsigned long long)b);
		tap_cur_failed = 1;
	}
	return a == b;
}

void tap_run(void (*fn)(void), const char *name)
{
	tap_cur_failed = 0;
	fn();
	tap_count++;
	if (tap_cur_failed)
		tap_failures++;
	printf("%sok %d - %s\n", tap_cur_failed ? "not " : "", tap_count, name);
	fflush(stdout);
}

int tap_done(void)
{
	printf("1..%d\n", tap_count);
	if (tap_failures)
		printf("# %d of %d tests failed\n", tap_failures, tap_count);
	return tap_failures ? 1 : 0;
}
