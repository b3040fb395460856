// SPDX-License-Identifier: MIT
/*
 * The stream generator of potnpu-ioctl-fuzz (stream.c) behind a plain C
 * interface, for the host self-test selftest_streams.c, which checks it
 * against the kernel's validator: the fuzzer's "valid" and "broken"
 * claims are only as good as this generator.
 */
#include <string.h>

#include "fuzz.h"
#include "selftest_gen.h"

/* A file as the fuzzer sees it: BOs of assorted sizes and flags. */
static void fz_gen_file(struct fz_proc *p, struct fz_file *f)
{
	uint64_t va = 0x10000;
	unsigned int i, n = 1 + fz_below(&p->rng, 8);

	memset(f, 0, sizeof(*f));
	for (i = 0; i < n; i++) {
		struct fz_bo *bo = &f->bos[f->nr_bos++];

		bo->handle = i + 2;
		bo->size = (1 + fz_below(&p->rng, 4)) * FZ_PAGE;
		if (fz_chance(&p->rng, 30))
			bo->size = 0x4000;	/* room for a layer */
		bo->flags = fz_chance(&p->rng, 30) ? DRM_POTNPU_BO_READ_ONLY : 0;
		bo->foreign = fz_chance(&p->rng, 10);
		/* Adjacent VAs or a gap: ranges must not leak across BOs. */
		bo->va = va;
		va += bo->size + (fz_chance(&p->rng, 50) ? 0 : FZ_PAGE);
	}
}

unsigned int fz_gen_stream(uint64_t seed, int mode, bool layers,
			   uint32_t *w, unsigned int max,
			   struct fz_gen_bo *bos, unsigned int *nr_bos)
{
	static struct fz_proc p;
	struct fz_stream s;
	struct fz_file f;
	unsigned int i;

	fz_rng_seed(&p.rng, seed);
	fz_gen_file(&p, &f);
	if (!fz_stream_build(&p, &f, &s, layers))
		return 0;
	if (mode == FZ_GEN_BROKEN)
		fz_stream_break(&p, &f, &s);
	else if (mode == FZ_GEN_MUTATED)
		fz_stream_mutate(&p, &s);
	for (i = 0; i < s.nr_bos; i++) {
		const struct fz_bo *bo = &f.bos[s.bo_idx[i]];

		bos[i] = (struct fz_gen_bo){
			.va = bo->va, .size = bo->size,
			.writable = !(bo->flags & DRM_POTNPU_BO_READ_ONLY),
		};
	}
	*nr_bos = s.nr_bos;
	if (s.n > max)
		s.n = max;
	memcpy(w, s.w, s.n * 4);
	return s.n;
}
