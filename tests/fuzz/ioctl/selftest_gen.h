/* SPDX-License-Identifier: MIT */
/*
 * The fuzzer's stream generator for the host self-test, in types that
 * need neither libdrm's nor the kernel shim's headers.
 */
#ifndef POTNPU_FUZZ_SELFTEST_GEN_H
#define POTNPU_FUZZ_SELFTEST_GEN_H

#include <stdbool.h>
#include <stdint.h>

enum { FZ_GEN_VALID, FZ_GEN_BROKEN, FZ_GEN_MUTATED };

struct fz_gen_bo {
	uint64_t va;
	uint64_t size;
	bool writable;
};

/*
 * The stream the fuzzer would build from @seed, valid, with one rule
 * broken or mutated (@mode), into @w (at most @max words), and the BOs it
 * lists (at most 8). Return: its length in words, 0 if none was built.
 */
unsigned int fz_gen_stream(uint64_t seed, int mode, bool layers,
			   uint32_t *w, unsigned int max,
			   struct fz_gen_bo *bos, unsigned int *nr_bos);

#endif /* POTNPU_FUZZ_SELFTEST_GEN_H */
