// SPDX-License-Identifier: MIT
/*
 * libpotnpu's weight schemes as vectors: the level sets of
 * docs/numerics.md written out independently of the code that builds
 * them, the term rules of every table word, NAF term counts, rounding
 * ties and where exhaustive n-hot rounding differs from greedy.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "libpotnpu.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void build(enum potnpu_scheme_kind k, unsigned int p,
		  struct potnpu_scheme *s)
{
	assert_int_equal(potnpu_scheme_build(k, p, NULL, 0, s), 0);
}

/* Every word obeys the term rules and decodes to its code's level. */
static void check_table(const struct potnpu_scheme *s, unsigned int maxterms)
{
	uint32_t c;
	size_t i;

	for (c = 0; c < (1u << s->wbits); c++) {
		unsigned int t;
		int32_t v;

		assert_int_equal(potnpu_term_word(s->table[c], &v, &t), 0);
		assert_true(t <= maxterms);
		for (i = 0; i < s->nlevels && s->levels[i].value != v; i++)
			;
		assert_true(i < s->nlevels);
	}
	for (i = 0; i < s->nlevels; i++) {
		int32_t v;

		potnpu_term_word(s->table[s->levels[i].code], &v, NULL);
		assert_int_equal(v, s->levels[i].value);
		if (i)
			assert_true(s->levels[i - 1].value < s->levels[i].value);
	}
}

/* The levels of @s are exactly +-@mag (a sign-magnitude scheme). */
static void check_signed_levels(const struct potnpu_scheme *s,
				const int32_t *mag, size_t n)
{
	size_t i;

	assert_int_equal(s->nlevels, 2 * n - 1);
	for (i = 0; i < n; i++) {
		assert_int_equal(s->levels[n - 1 + i].value, mag[i]);
		assert_int_equal(s->levels[n - 1 - i].value, -mag[i]);
	}
}

static void test_apot_levels(void **state)
{
	static const int32_t b2[] = { 0, 1, 2, 4 };
	static const int32_t b3[] = { 0, 1, 2, 3, 4, 6, 8, 10 };
	static const int32_t b4[] = { 0, 1, 2, 3, 4, 6, 8, 9, 12, 16, 18, 24,
				      32, 33, 36, 48 };
	static const int32_t b5[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 14,
				      16, 17, 20, 21, 24, 28, 32, 34, 36, 38,
				      48, 52, 64, 65, 68, 69, 72, 76, 96, 100 };
	static const struct { const int32_t *v; size_t n; } sets[] = {
		{ b2, N(b2) }, { b3, N(b3) }, { b4, N(b4) }, { b5, N(b5) },
	};
	struct potnpu_scheme s;
	unsigned int b;
	size_t i;

	(void)state;
	for (b = 3; b <= 6; b++) {
		build(POTNPU_SCHEME_APOT, b, &s);
		assert_int_equal(s.wbits, b);
		check_signed_levels(&s, sets[b - 3].v, sets[b - 3].n);
		check_table(&s, 3);
		/* code = sign << B | index */
		for (i = 0; i < sets[b - 3].n; i++) {
			int32_t v;

			potnpu_term_word(s.table[(1u << (b - 1)) | i], &v, NULL);
			assert_int_equal(v, -sets[b - 3].v[i]);
		}
	}
	/* 33 = 32 + 1 (B = 4), 100 = 64 + 32 + 4 (B = 5), all added */
	build(POTNPU_SCHEME_APOT, 5, &s);
	assert_int_equal(s.table[13], 0x4045);
	build(POTNPU_SCHEME_APOT, 6, &s);
	assert_int_equal(s.table[31], 0x424546);
	assert_int_equal(s.table[63], 0xc2c5c6);
	assert_int_equal(potnpu_scheme_build(POTNPU_SCHEME_APOT, 7, NULL, 0, &s),
			 -EINVAL);
}

static void test_pot_levels(void **state)
{
	static const int32_t b5[] = { 0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512,
				      1024, 2048, 4096, 8192, 16384 };
	struct potnpu_scheme s;

	(void)state;
	build(POTNPU_SCHEME_POT, 5, &s);
	check_signed_levels(&s, b5, N(b5));
	check_table(&s, 1);
	assert_int_equal(s.table[16], 0);	/* -0 decodes to 0 */
	assert_int_equal(s.table[3], 0x42);	/* m = 3: 2^2 */
	assert_int_equal(s.table[19], 0xc2);
	build(POTNPU_SCHEME_POT, 2, &s);
	check_signed_levels(&s, b5, 2);
	assert_int_equal(potnpu_scheme_build(POTNPU_SCHEME_POT, 6, NULL, 0, &s),
			 -EINVAL);
	/* Refused before any shift by b - 1 (UBSan in check-asan). */
	assert_int_equal(potnpu_scheme_build(POTNPU_SCHEME_POT, 33, NULL, 0, &s),
			 -EINVAL);
	assert_int_equal(potnpu_scheme_build(POTNPU_SCHEME_POT, 0xffffffffu, NULL, 0, &s),
			 -EINVAL);
}

static void test_nhot_sizes(void **state)
{
	static const size_t sizes[] = { 16, 88, 208 };
	static const unsigned int bits[] = { 4, 7, 8 };
	struct potnpu_scheme s;
	unsigned int n;
	size_t i;

	(void)state;
	for (n = 1; n <= 3; n++) {
		build(POTNPU_SCHEME_NHOT, n, &s);
		assert_int_equal(s.nlevels, sizes[n - 1]);
		assert_int_equal(s.wbits, bits[n - 1]);
		check_table(&s, n);
		for (i = 0; i < s.nlevels; i++)	/* code = ascending index */
			assert_int_equal(s.levels[i].code, i);
		assert_int_equal(s.levels[0].value, -128);
	}
	build(POTNPU_SCHEME_NHOT, 1, &s);
	assert_int_equal(s.levels[15].value, 64);
}

static void test_uniform_naf(void **state)
{
	struct potnpu_scheme s;
	unsigned int t;
	int32_t v;
	uint32_t c;

	(void)state;
	build(POTNPU_SCHEME_UNIFORM8, 0, &s);
	assert_int_equal(s.nlevels, 256);
	check_table(&s, 4);
	for (c = 0; c < 256; c++) {
		potnpu_term_word(s.table[c], &v, NULL);
		assert_int_equal(v, (int8_t)c);
	}
	potnpu_term_word(s.table[85], NULL, &t);
	assert_int_equal(t, 4);
	assert_int_equal(s.table[85], 0x46444240);
	potnpu_term_word(s.table[127], NULL, &t);
	assert_int_equal(t, 2);
	potnpu_term_word(s.table[128], &v, &t);
	assert_int_equal(t, 1);
	assert_int_equal(v, -128);
	assert_int_equal(s.table[0], 0);
	build(POTNPU_SCHEME_UNIFORM4, 0, &s);
	check_table(&s, 2);
	potnpu_term_word(s.table[8], &v, NULL);
	assert_int_equal(v, -8);
	potnpu_term_word(s.table[7], &v, &t);
	assert_int_equal(v, 7);
	assert_int_equal(t, 2);
}

static void test_fitted(void **state)
{
	static const int32_t lv[] = { 61440, -3, 0, 7, 100, -65535 + 1 };
	static const int32_t bad[] = { 1, 0x5555 };	/* 0x5555: 8 NAF digits */
	static const int32_t dup[] = { 5, 5 };
	struct potnpu_scheme s;
	unsigned int t;
	int32_t v;

	(void)state;
	assert_int_equal(potnpu_scheme_build(POTNPU_SCHEME_FITTED, 0, lv, N(lv), &s), 0);
	assert_int_equal(s.wbits, 3);
	assert_int_equal(s.nlevels, 6);
	check_table(&s, 4);
	assert_int_equal(s.levels[0].value, -65534);
	/*
	 * Their NAFs need 2^16: searched, exponents may repeat:
	 * -65534 = -2^15 - 2^15 + 2^1, 61440 = 2^15 + 2^15 - 2^12.
	 */
	potnpu_term_word(s.table[0], &v, &t);
	assert_int_equal(v, -65534);
	assert_int_equal(t, 3);
	potnpu_term_word(s.table[5], &v, &t);
	assert_int_equal(v, 61440);
	assert_int_equal(t, 3);
	potnpu_term_word(s.table[3], NULL, &t);	/* 7 = 8 - 1 */
	assert_int_equal(t, 2);
	assert_int_equal(s.table[6], 0);	/* unused codes are 0 */
	assert_int_equal(potnpu_scheme_build(POTNPU_SCHEME_FITTED, 0, bad, 2, &s),
			 -EINVAL);
	assert_int_equal(potnpu_scheme_build(POTNPU_SCHEME_FITTED, 0, dup, 2, &s),
			 -EINVAL);
	assert_int_equal(potnpu_scheme_build(POTNPU_SCHEME_FITTED, 0, lv, 0, &s),
			 -EINVAL);
}

static void test_term_rules(void **state)
{
	int32_t v;

	(void)state;
	assert_int_equal(potnpu_term_word(0x0000c442, &v, NULL), 0);
	assert_int_equal(v, -12);
	assert_int_equal(potnpu_term_word(0x00004200, NULL, NULL), -EINVAL);
	assert_int_equal(potnpu_term_word(0x00000052, NULL, NULL), -EINVAL);
	assert_int_equal(potnpu_term_word(0x00000002, NULL, NULL), -EINVAL);
	assert_int_equal(potnpu_term_word(0x4f4f4f4f, &v, NULL), 0);
	assert_int_equal(v, 4 << 15);
}

static void test_quantize_ties(void **state)
{
	struct potnpu_scheme s;
	int32_t v;

	(void)state;
	build(POTNPU_SCHEME_APOT, 4, &s);	/* 0 1 2 3 4 6 8 */
	potnpu_scheme_quantize(&s, 5.0, &v);
	assert_int_equal(v, 4);
	potnpu_scheme_quantize(&s, -5.0, &v);
	assert_int_equal(v, -4);
	potnpu_scheme_quantize(&s, 5.01, &v);
	assert_int_equal(v, 6);
	potnpu_scheme_quantize(&s, 0.5, &v);
	assert_int_equal(v, 0);
	potnpu_scheme_quantize(&s, 1e9, &v);
	assert_int_equal(v, 10);
	build(POTNPU_SCHEME_UNIFORM8, 0, &s);
	assert_int_equal(potnpu_scheme_quantize(&s, -2.5, &v), 0xfe);
	assert_int_equal(v, -2);
	potnpu_scheme_quantize(&s, -300.0, &v);
	assert_int_equal(v, -128);
}

/* Over every int8 value, the values where greedy n-hot differs. */
static void check_greedy(unsigned int n, const int32_t *diff, size_t ndiff,
			 const int32_t *exh)
{
	struct potnpu_scheme s;
	size_t i, found = 0;
	int x;

	build(POTNPU_SCHEME_NHOT, n, &s);
	for (x = -128; x <= 127; x++) {
		int32_t e, g = potnpu_nhot_greedy(x, n);

		potnpu_scheme_quantize(&s, x, &e);
		if (e == g)
			continue;
		for (i = 0; i < ndiff && diff[i] != abs(x); i++)
			;
		if (i == ndiff)
			fail_msg("n = %u: %d: exhaustive %d, greedy %d not listed", n, x, e, g);
		/* all ties, greedy away from zero */
		assert_int_equal(abs(x - e), abs(x - g));
		assert_true(abs(g) > abs(e));
		if (exh)
			assert_int_equal(abs(e), exh[i]);
		found++;
	}
	assert_int_equal(found, 2 * ndiff);
}

static void test_nhot_greedy(void **state)
{
	static const int32_t d2[] = { 13, 26, 29, 52, 58, 61, 104, 116, 122, 125 };
	static const int32_t e2[] = { 12, 24, 28, 48, 56, 60, 96, 112, 120, 124 };
	static const int32_t d3[] = { 45, 53, 77, 90, 93, 106, 109, 117 };

	(void)state;
	check_greedy(2, d2, N(d2), e2);
	check_greedy(3, d3, N(d3), NULL);
	assert_int_equal(potnpu_nhot_greedy(13, 2), 14);
	assert_int_equal(potnpu_nhot_greedy(-125, 2), -126);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_apot_levels),
		cmocka_unit_test(test_pot_levels),
		cmocka_unit_test(test_nhot_sizes),
		cmocka_unit_test(test_uniform_naf),
		cmocka_unit_test(test_fitted),
		cmocka_unit_test(test_term_rules),
		cmocka_unit_test(test_quantize_ties),
		cmocka_unit_test(test_nhot_greedy),
	};

	return cmocka_run_group_tests_name("scheme", tests, NULL, NULL);
}
