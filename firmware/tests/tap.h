/* SPDX-License-Identifier: MIT */
/*
 * A minimal TAP harness for the firmware's host tests: RUN(fn) runs one
 * test and prints "ok N - fn" or "not ok N - fn" at column 0; failed
 * checks print "# file:line: ..." diagnostics. tap_done() prints the plan
 * and returns the exit status. One TAP stream per program (tap.c).
 */
#ifndef POTNPU_FW_TAP_H
#define POTNPU_FW_TAP_H

#include <stdint.h>
#include <stdio.h>

#define CHECK(cond) tap_check((cond), #cond, __FILE__, __LINE__)
#define CHECK_EQ(a, b) tap_check_eq((uint64_t)(a), (uint64_t)(b), #a, #b, \
				    __FILE__, __LINE__)
#define RUN(fn) tap_run(fn, #fn)

int tap_check(int ok, const char *what, const char *file, int line);
int tap_check_eq(uint64_t a, uint64_t b, const char *as, const char *bs,
		 const char *file, int line);
void tap_run(void (*fn)(void), const char *name);
int tap_done(void);

#endif /* POTNPU_FW_TAP_H */
