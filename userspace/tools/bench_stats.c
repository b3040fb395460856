// SPDX-License-Identifier: MIT
/*
 * potnpu-bench's clock and latency statistics: no device, no json-c, so
 * the host's native layer benchmark (qemu-device/tests) shares them.
 */
#include <stdlib.h>
#include <time.h>

#include "bench.h"

uint64_t bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

void bench_latency_of(uint64_t *lat, size_t n, struct bench_latency *l)
{
	uint64_t sum = 0;
	size_t i;

	qsort(lat, n, sizeof(*lat), cmp_u64);
	for (i = 0; i < n; i++)
		sum += lat[i];
	l->min = lat[0];
	l->max = lat[n - 1];
	l->mean = sum / n;
	l->p50 = bench_percentile(lat, n, 50);
	l->p99 = bench_percentile(lat, n, 99);
}

uint64_t bench_percentile(const uint64_t *sorted, size_t n, unsigned int pct)
{
	size_t rank;

	if (!n)
		return 0;
	rank = ((size_t)pct * n + 99) / 100;	/* ceil(pct/100 * n) */
	return sorted[rank ? rank - 1 : 0];
}
