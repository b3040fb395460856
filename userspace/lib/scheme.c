// SPDX-License-Identifier: MIT
/*
 * libpotnpu weight schemes: each scheme as a decode table of signed
 * power-of-two terms and its sorted levels (docs/numerics.md, "The schemes
 * as tables"), and rounding a real weight to a level.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libpotnpu_priv.h"
#include "potnpu_layer.h"

_Static_assert(POTNPU_SCHEME_MAX_TERMS == POTNPU_MAX_TERMS, "terms per word");

EXPORT int potnpu_term_word(uint32_t word, int32_t *value, unsigned int *terms)
{
	int32_t v = 0;
	unsigned int i, n = 0;

	for (i = 0; i < POTNPU_MAX_TERMS; i++) {
		uint32_t t = (word >> (8 * i)) & 0xff;

		if (!t)
			continue;
		if (!(t & POTNPU_TERM_PRESENT) || (t & POTNPU_TERM_RESERVED) ||
		    n != i)
			return -EINVAL;
		v += (t & POTNPU_TERM_NEG ? -1 : 1) *
		     (int32_t)(1u << (t & POTNPU_TERM_EXP_MASK));
		n++;
	}
	if (value)
		*value = v;
	if (terms)
		*terms = n;
	return 0;
}

/* Append the term +-2^e to @word, which has @n terms. */
static uint32_t add_term(uint32_t word, unsigned int n, int neg, unsigned int e)
{
	return word | (uint32_t)POTNPU_TERM(neg, e) << (8 * n);
}

EXPORT int potnpu_naf_word(int32_t value, uint32_t *word)
{
	int64_t v = value;
	uint32_t w = 0;
	unsigned int e = 0, n = 0;

	for (; v; e++, v /= 2) {
		int d = (int)(((v % 4) + 4) % 4);	/* v mod 4, 0..3 */

		if (!(v & 1))
			continue;
		if (n == POTNPU_MAX_TERMS || e > POTNPU_TERM_MAX_EXP)
			return -EINVAL;
		w = add_term(w, n++, d == 3, e);
		v -= d == 3 ? -1 : 1;
	}
	*word = w;
	return 0;
}

/*
 * A representation of @v with at most @k terms of exponent <= @maxe, the
 * exponents not increasing; @w holds @n terms already. Exhaustive.
 */
static int search_terms(int64_t v, unsigned int k, int maxe, uint32_t w,
			unsigned int n, uint32_t *out)
{
	int e;

	if (!v) {
		*out = w;
		return 0;
	}
	if (!k || maxe < 0 || llabs(v) > (int64_t)k << maxe)
		return -1;
	for (e = maxe; e >= 0; e--) {
		int neg = v < 0;
		int64_t t = (int64_t)1 << e;

		if (!search_terms(v + (neg ? t : -t), k - 1, e,
				  add_term(w, n, neg, (unsigned int)e), n + 1, out) ||
		    !search_terms(v + (neg ? -t : t), k - 1, e,
				  add_term(w, n, !neg, (unsigned int)e), n + 1, out))
			return 0;
	}
	return -1;
}

/*
 * The minimal-term word of @v: its NAF (minimal among signed-digit forms)
 * when that fits, else the fewest terms with exponents up to 15.
 */
static int min_term_word(int32_t v, uint32_t *word)
{
	unsigned int k;

	if (!potnpu_naf_word(v, word))
		return 0;
	for (k = 1; k <= POTNPU_MAX_TERMS; k++)
		if (!search_terms(v, k, POTNPU_TERM_MAX_EXP, 0, 0, word))
			return 0;
	return -1;
}

/* Every code's weight is its table word's; levels are the distinct ones. */
static void collect_levels(struct potnpu_scheme *s)
{
	uint32_t c, ncodes = 1u << s->wbits;
	size_t i, j;

	s->nlevels = 0;
	for (c = 0; c < ncodes; c++) {
		int32_t v;

		potnpu_term_word(s->table[c], &v, NULL);
		for (i = 0; i < s->nlevels && s->levels[i].value < v; i++)
			;
		if (i < s->nlevels && s->levels[i].value == v)
			continue;	/* a later code of the same weight */
		for (j = s->nlevels++; j > i; j--)
			s->levels[j] = s->levels[j - 1];
		s->levels[i].value = v;
		s->levels[i].code = c;
	}
}

/* Uniform: code = the two's complement value in @bits bits, terms = NAF. */
static int build_uniform(struct potnpu_scheme *s, unsigned int bits)
{
	uint32_t c, half = 1u << (bits - 1);

	s->wbits = bits;
	for (c = 0; c < (1u << bits); c++)
		potnpu_naf_word(c < half ? (int32_t)c : (int32_t)c - (int32_t)(2 * half),
				&s->table[c]);
	return 0;
}

static int build_pot(struct potnpu_scheme *s, unsigned int b)
{
	uint32_t m, half;

	/* The largest magnitude is 2^(2^(b-1) - 2): b = 5 reaches 2^14. */
	if (b < POTNPU_MIN_WBITS || b > 5)
		return lib_set_error(-EINVAL, "PoT with %u bits is not supported (2 to 5 bits)", b);
	half = 1u << (b - 1);
	s->wbits = b;
	for (m = 1; m < half; m++) {
		s->table[m] = POTNPU_TERM(0, m - 1);
		s->table[half | m] = POTNPU_TERM(1, m - 1);
	}
	return 0;
}

/* APoT base sets by B = b - 1 (the reference code's build_power_value). */
static const uint8_t apot_bases[4][3][4] = {
	{ { 0, 4, 2, 1 } },
	{ { 0, 8, 4, 1 }, { 0, 2 } },
	{ { 0, 32, 8, 2 }, { 0, 16, 4, 1 } },
	{ { 0, 64, 16, 2 }, { 0, 32, 8, 1 }, { 0, 4 } },
};

static unsigned int apot_set_size(const uint8_t *set)
{
	return set[2] ? 4 : 2;
}

/* The APoT level of index combination @k: value and its all-added terms. */
static void apot_level(unsigned int B, unsigned int k, int32_t *v, uint32_t *w)
{
	unsigned int i, n = 0;

	*v = 0;
	*w = 0;
	for (i = 0; i < 3 && apot_bases[B - 2][i][1]; i++) {
		const uint8_t *set = apot_bases[B - 2][i];
		unsigned int size = apot_set_size(set), el = set[k % size];

		k /= size;
		if (!el)
			continue;
		*v += el;
		*w = add_term(*w, n++, 0, (unsigned int)__builtin_ctz(el));
	}
}

/* The word of the opposite weight: every term subtracted instead. */
static uint32_t negate_word(uint32_t w)
{
	unsigned int i;

	for (i = 0; i < POTNPU_MAX_TERMS; i++)
		if ((w >> (8 * i)) & 0xff)
			w ^= POTNPU_TERM_NEG << (8 * i);
	return w;
}

static int build_apot(struct potnpu_scheme *s, unsigned int b)
{
	int32_t val[32];
	uint32_t word[32], idx, j, k, nlev, B = b - 1;

	if (b < 3 || b > 6)
		return lib_set_error(-EINVAL, "APoT with %u bits is not supported (3 to 6 bits)", b);
	s->wbits = b;
	nlev = 1u << B;
	for (k = 0; k < nlev; k++)
		apot_level(B, k, &val[k], &word[k]);
	/* code = sign << B | index, index = rank of the level ascending */
	for (k = 0; k < nlev; k++) {
		for (idx = 0, j = 0; j < nlev; j++)
			idx += val[j] < val[k];
		s->table[idx] = word[k];
		s->table[nlev | idx] = negate_word(word[k]);
	}
	return 0;
}

/* Is @v a sum of at most @n terms +-2^e, e 0..7? */
static int nhot_ok(int32_t v, unsigned int n)
{
	uint32_t w;
	unsigned int t;

	if (potnpu_naf_word(v, &w))
		return 0;
	potnpu_term_word(w, NULL, &t);
	return t <= n;
}

static int build_nhot(struct potnpu_scheme *s, unsigned int n)
{
	uint32_t c = 0;
	int32_t v;

	if (n < 1 || n > 3)
		return lib_set_error(-EINVAL, "n-hot with n = %u is not supported (1 to 3)", n);
	s->wbits = n == 1 ? 4 : n == 2 ? 7 : 8;
	for (v = -128; v <= 127; v++)
		if (nhot_ok(v, n))
			potnpu_naf_word(v, &s->table[c++]);
	return 0;
}

static int cmp_i32(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;

	return (x > y) - (x < y);
}

static int build_fitted(struct potnpu_scheme *s, const int32_t *lv, size_t n)
{
	int32_t sorted[POTNPU_SCHEME_MAX_CODES];
	size_t i;

	if (!lv || !n || n > POTNPU_SCHEME_MAX_CODES)
		return lib_set_error(-EINVAL, "fitted levels: %zu given (1 to 256)", n);
	memcpy(sorted, lv, n * sizeof(*lv));
	qsort(sorted, n, sizeof(*sorted), cmp_i32);
	for (s->wbits = POTNPU_MIN_WBITS; (1u << s->wbits) < n; s->wbits++)
		;
	for (i = 0; i < n; i++) {
		if (i && sorted[i] == sorted[i - 1])
			return lib_set_error(-EINVAL, "fitted level %d is given twice", sorted[i]);
		if (min_term_word(sorted[i], &s->table[i]))
			return lib_set_error(-EINVAL,
					     "fitted level %d is not a sum of at most 4 terms +-2^e (e 0..15)",
					     sorted[i]);
	}
	return 0;
}

EXPORT int potnpu_scheme_build(enum potnpu_scheme_kind kind, unsigned int param,
			       const int32_t *fitted, size_t nfitted,
			       struct potnpu_scheme *s)
{
	int err;

	if (!s)
		return lib_set_error(-EINVAL, "potnpu_scheme_build: s is NULL");
	memset(s, 0, sizeof(*s));
	s->kind = kind;
	s->param = kind == POTNPU_SCHEME_POT || kind == POTNPU_SCHEME_APOT ||
		   kind == POTNPU_SCHEME_NHOT ? param : 0;
	switch (kind) {
	case POTNPU_SCHEME_UNIFORM8:
		err = build_uniform(s, 8);
		break;
	case POTNPU_SCHEME_UNIFORM4:
		err = build_uniform(s, 4);
		break;
	case POTNPU_SCHEME_POT:
		err = build_pot(s, param);
		break;
	case POTNPU_SCHEME_APOT:
		err = build_apot(s, param);
		break;
	case POTNPU_SCHEME_NHOT:
		err = build_nhot(s, param);
		break;
	case POTNPU_SCHEME_FITTED:
		err = build_fitted(s, fitted, nfitted);
		break;
	default:
		err = lib_set_error(-EINVAL, "unknown weight scheme %d", (int)kind);
	}
	if (!err)
		collect_levels(s);
	return err;
}

EXPORT const char *potnpu_scheme_name(const struct potnpu_scheme *s, char *buf,
				      size_t len)
{
	static const char *const names[] = {
		"uniform8", "uniform4", "pot", "apot", "nhot", "fitted",
	};
	const char *n = s && (unsigned int)s->kind < 6 ? names[s->kind] : "unknown";

	if (s && s->param)
		snprintf(buf, len, "%s%u", n, s->param);
	else
		snprintf(buf, len, "%s", n);
	return buf;
}

/* Is @a nearer to @x than @b, ties going to the smaller magnitude? */
static int nearer(double x, double a, double b)
{
	double da = fabs(x - a), db = fabs(x - b);

	return da < db || (da == db && fabs(a) < fabs(b));
}

EXPORT uint32_t potnpu_scheme_quantize(const struct potnpu_scheme *s, double x,
				       int32_t *value)
{
	size_t i, best = 0;

	for (i = 1; i < s->nlevels; i++)
		if (nearer(x, s->levels[i].value, s->levels[best].value))
			best = i;
	if (value)
		*value = s->levels[best].value;
	return s->levels[best].code;
}

EXPORT int32_t potnpu_nhot_greedy(double x, unsigned int n)
{
	int32_t acc = 0;
	unsigned int i, e;

	for (i = 0; i < n; i++) {
		double rest = x - acc;
		int32_t best = 0;

		for (e = 0; e <= 7; e++) {
			int32_t t = 1 << e;

			if (nearer(rest, t, best))
				best = t;
			if (nearer(rest, -t, best))
				best = -t;
		}
		acc += best;
	}
	return acc;
}
