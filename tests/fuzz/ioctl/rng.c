// SPDX-License-Identifier: MIT
/*
 * The fuzzer's own PRNG: a run is reproducible from its seed whatever libc
 * does. splitmix64 derives the seeds (one per process), xorshift64* draws.
 */
#include "fuzz.h"

uint64_t fz_splitmix(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

void fz_rng_seed(struct fz_rng *r, uint64_t seed)
{
	uint64_t x = seed;

	r->s = fz_splitmix(&x);
	if (!r->s)
		r->s = 1;	/* xorshift's one fixed point */
}

uint64_t fz_rand(struct fz_rng *r)
{
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return r->s * 0x2545f4914f6cdd1dull;
}

uint32_t fz_below(struct fz_rng *r, uint32_t n)
{
	return (uint32_t)((fz_rand(r) >> 32) * n >> 32);
}

bool fz_chance(struct fz_rng *r, unsigned int pct)
{
	return fz_below(r, 100) < pct;
}

/* Boundary values first: that is where off-by-ones live. */
uint64_t fz_garbage64(struct fz_rng *r)
{
	static const uint64_t edge[] = {
		0, 1, 2, 3, 4, 7, 8, 0xff, 0x100, 0xfff, 0x1000, 0x1001,
		0xffff, 0x10000, 0x10001, 0x7fffffff, 0x80000000, 0xffffffff,
		0x100000000ull, 0x40000000, 0x3fffffff, 0x10000000, 0x10000001,
		0x7fffffffffffffffull, 0x8000000000000000ull, ~0ull, ~0ull - 1,
		0xfffffffffffff000ull,
	};

	switch (fz_below(r, 4)) {
	case 0:
		return edge[fz_below(r, sizeof(edge) / sizeof(edge[0]))];
	case 1:
		return fz_below(r, 64);
	case 2:
		return fz_rand(r) & 0xffffffff;
	default:
		return fz_rand(r);
	}
}

uint32_t fz_garbage32(struct fz_rng *r)
{
	return (uint32_t)fz_garbage64(r);
}
