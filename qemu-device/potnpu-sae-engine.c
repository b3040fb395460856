/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * potnpu: the shift-add engine (SAE), one tile over the SRAM image.
 *
 * Copyright (c) 2026 The potnpu authors
 *
 * docs/numerics.md is the arithmetic; this file only implements it. The
 * datapath has no multiplier: a weight code is decoded once per start
 * into its signed power-of-two terms and every tap adds
 * +-((x - zp) << e) to a wrapping 32-bit accumulator; requantization and
 * ADD's rescale multiply by a constant as the sum of +-(v << k) over the
 * constant's non-adjacent form, computed once per channel; the pools
 * divide by restoring shift-subtract. Products appear only in address
 * and shape arithmetic.
 *
 * Validate, then commit: the tile's parameters, the SRAM ranges it reads
 * and writes, the loaded input rows, the decode table and the channel
 * records are all checked before the first output byte is written, so a
 * refused tile leaves SRAM as it was. Every loop is bounded by the tile's
 * shape, itself bounded by the work limit.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "potnpu/potnpu_core.h"
#include "potnpu/potnpu_layer.h"
#include "potnpu-sae-engine.h"

/* Nonzero digits of a 16-bit constant's non-adjacent form, at most. */
#define SAE_NAF_MAX         9
/* Bits of an AVGPOOL dividend 2 * |acc| + n: |acc| <= 255 * 256. */
#define SAE_AVG_BITS        17
#define SAE_MAX_PAD         255

/* A decode table entry: its terms as shifts and negation masks. */
typedef struct SaeCode {
    uint32_t n;
    uint8_t e[POTNPU_MAX_TERMS];
    uint32_t neg[POTNPU_MAX_TERMS];     /* 0 (add) or ~0 (subtract) */
} SaeCode;

/* A constant as the sum of +-2^k[i]. */
typedef struct SaeNaf {
    uint32_t n;
    uint32_t k[SAE_NAF_MAX];
    uint64_t neg[SAE_NAF_MAX];
} SaeNaf;

/* One output channel's requantization. */
typedef struct SaeChan {
    uint32_t bias;
    uint32_t shift;
    SaeNaf m;
} SaeChan;

/* What validation derives from a tile, used by the compute loops. */
typedef struct SaeTile {
    const struct potnpu_sae_tile *t;
    uint8_t *sram;
    uint32_t taps;          /* taps per output */
    uint32_t cpg;           /* CONV2D: input channels per group */
    uint32_t opg;           /* CONV2D: output channels per group */
    uint32_t row_bytes;     /* CONV2D: one weight row */
    uint64_t in_row;        /* bytes of an input row in SRAM */
    uint64_t in2_row;
    uint64_t outputs;       /* bytes of the output band */
    uint64_t taps_seen, terms, zeros;
    SaeCode dec[1u << POTNPU_MAX_WBITS];
} SaeTile;

typedef struct SaeRange {
    uint64_t off, len;
} SaeRange;

static uint32_t ld32(const uint8_t *p)
{
    return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

static int64_t min_i64(int64_t a, int64_t b)
{
    return a < b ? a : b;
}

static bool is_s8(int32_t v)
{
    return v >= -128 && v <= 127;
}

static int32_t clamp(int64_t v, int32_t lo, int32_t hi)
{
    return v < lo ? lo : v > hi ? hi : (int32_t)v;
}

/*
 * The non-adjacent form of @m: at most 17 steps and SAE_NAF_MAX digits.
 * The type is the bound: a wider value would overrun f->k and f->neg.
 */
static void naf_of(uint16_t m16, SaeNaf *f)
{
    uint32_t m = m16, k = 0;

    f->n = 0;
    while (m) {
        if (m & 1) {
            bool neg = (m & 3) == 3;

            f->k[f->n] = k;
            f->neg[f->n] = neg ? ~0ull : 0;
            f->n++;
            m = neg ? m + 1 : m - 1;
        }
        m >>= 1;
        k++;
    }
}

/* v * constant, exactly, by shift-add (wraps modulo 2^64, never here). */
static int64_t naf_apply(const SaeNaf *f, int64_t v)
{
    uint64_t p = 0, x = (uint64_t)v;
    uint32_t i;

    for (i = 0; i < f->n; i++) {
        uint64_t t = x << f->k[i];

        p += (t ^ f->neg[i]) - f->neg[i];
    }
    return (int64_t)p;
}

/* r = s ? (p + 2^(s-1)) >> s : p: to nearest, ties toward +infinity. */
static int64_t round_shift(int64_t p, uint32_t s)
{
    return s ? (p + ((int64_t)1 << (s - 1))) >> s : p;
}

static int8_t requant(const SaeChan *c, uint32_t acc,
                      const struct potnpu_sae_tile *t)
{
    int64_t r = round_shift(naf_apply(&c->m, (int32_t)acc), c->shift);

    return clamp(r + t->out_zp, t->lo, t->hi);
}

static void chan_load(const SaeTile *st, uint32_t j, SaeChan *c)
{
    const uint8_t *p = st->sram + st->t->chan + 8 * (uint64_t)j;

    c->bias = ld32(p);
    c->shift = p[6];
    naf_of(p[4] | (uint32_t)p[5] << 8, &c->m);
}

/*
 * The kernel positions k in [*lo, *hi) whose input coordinate
 * base + k * d lies inside 0..lim-1 (at most 16 steps).
 */
static void window(int64_t base, uint32_t k, uint32_t d, uint32_t lim,
                   uint32_t *lo, uint32_t *hi)
{
    uint32_t i;
    int64_t pos = base;

    *lo = k;
    *hi = 0;
    for (i = 0; i < k; i++, pos += d) {
        if (pos >= 0 && pos < lim) {
            if (*lo == k) {
                *lo = i;
            }
            *hi = i + 1;
        }
    }
    if (*lo == k) {
        *lo = *hi = 0;
    }
}

/* --- Validation ---------------------------------------------------- */

static bool range_ok(SaeRange r, uint32_t size)
{
    return r.off <= size && r.len <= size - r.off;
}

static bool overlap(SaeRange a, SaeRange b)
{
    return a.len && b.len && a.off < b.off + b.len && b.off < a.off + a.len;
}

static bool is_window_op(uint32_t op)
{
    return op == POTNPU_OP_CONV2D || op == POTNPU_OP_MAXPOOL ||
           op == POTNPU_OP_AVGPOOL;
}

static bool uses_chan(uint32_t op)
{
    return op == POTNPU_OP_CONV2D || op == POTNPU_OP_AVGPOOL ||
           op == POTNPU_OP_REQUANT;
}

/* The kernel geometry of CONV2D and the pools. */
static bool window_ok(const struct potnpu_sae_tile *t)
{
    uint64_t span_h = (uint64_t)t->dh * (t->kh - 1) + 1;
    uint64_t last = (uint64_t)t->out_row0 + t->out_rows - 1;

    if (!t->kh || t->kh > POTNPU_LAYER_MAX_KERNEL ||
        !t->kw || t->kw > POTNPU_LAYER_MAX_KERNEL ||
        !t->sh || t->sh > POTNPU_LAYER_MAX_STRIDE ||
        !t->sw || t->sw > POTNPU_LAYER_MAX_STRIDE ||
        !t->dh || t->dh > POTNPU_LAYER_MAX_DILATION ||
        !t->dw || t->dw > POTNPU_LAYER_MAX_DILATION ||
        t->pad_t > SAE_MAX_PAD || t->pad_l > SAE_MAX_PAD ||
        t->pad_b > SAE_MAX_PAD || t->pad_r > SAE_MAX_PAD) {
        return false;
    }
    /* The width is the layer's; the band's last window fits. */
    return potnpu_layer_dim_ok(t->in_w, t->out_w, t->kw, t->sw, t->dw,
                               t->pad_l + t->pad_r) &&
           last * t->sh + span_h <= (uint64_t)t->in_h + t->pad_t + t->pad_b;
}

/* Shapes and parameters: POTNPU_SAE_EINVAL unless they make sense. */
static bool params_ok(SaeTile *st)
{
    const struct potnpu_sae_tile *t = st->t;

    if (t->op < POTNPU_OP_CONV2D || t->op > POTNPU_OP_REQUANT ||
        (t->flags & ~POTNPU_LAYER_FLAGS) ||
        !t->in_h || t->in_h > POTNPU_LAYER_MAX_DIM ||
        !t->in_w || t->in_w > POTNPU_LAYER_MAX_DIM ||
        !t->in_c || t->in_c > POTNPU_LAYER_MAX_CHANNELS ||
        t->in_cstride < t->in_c ||
        t->in_cstride > POTNPU_LAYER_MAX_CHANNELS ||
        !t->out_rows || !t->out_w || t->out_w > POTNPU_LAYER_MAX_DIM ||
        (uint64_t)t->out_row0 + t->out_rows > POTNPU_LAYER_MAX_DIM ||
        !t->out_c || t->out_c > POTNPU_LAYER_MAX_CHANNELS ||
        !t->ocb || (uint64_t)t->oc0 + t->ocb > t->out_c ||
        (uint64_t)t->row_lo + t->rows_in > t->in_h ||
        !is_s8(t->in_zp) || !is_s8(t->in2_zp) || !is_s8(t->out_zp) ||
        !is_s8(t->lo) || !is_s8(t->hi) || t->lo > t->hi) {
        return false;
    }
    st->in_row = (uint64_t)t->in_w * t->in_cstride;
    st->outputs = (uint64_t)t->out_rows * t->out_w * t->ocb;
    st->taps = 1;
    if (t->op == POTNPU_OP_CONV2D) {
        if (t->wbits < POTNPU_MIN_WBITS || t->wbits > POTNPU_MAX_WBITS ||
            !t->groups || t->in_c % t->groups || t->out_c % t->groups) {
            return false;
        }
        st->cpg = t->in_c / t->groups;
        st->opg = t->out_c / t->groups;
        st->taps = t->kh * t->kw * st->cpg;
        st->row_bytes = POTNPU_LAYER_ROW_BYTES(st->taps, t->wbits);
        return window_ok(t);
    }
    /* The other ops map channel c to channel c. */
    if (t->out_c != t->in_c) {
        return false;
    }
    if (is_window_op(t->op)) {
        st->taps = t->kh * t->kw;
        return window_ok(t);
    }
    /* ADD and REQUANT: output pixel (y, x) is input pixel (y, x). */
    if (t->out_w != t->in_w ||
        (uint64_t)t->out_row0 + t->out_rows > t->in_h) {
        return false;
    }
    if (t->op == POTNPU_OP_ADD) {
        st->in2_row = (uint64_t)t->in_w * t->in2_cstride;
        return t->in2_cstride >= t->in_c &&
               t->in2_cstride <= POTNPU_LAYER_MAX_CHANNELS &&
               t->shift <= POTNPU_MAX_SHIFT && t->m_a <= 0xffff &&
               t->m_b <= 0xffff;
    }
    return true;
}

/*
 * The SRAM ranges the tile reads (@rd, *nrd of them) and the one it
 * writes.
 */
static SaeRange ranges(const SaeTile *st, SaeRange *rd, uint32_t *nrd)
{
    const struct potnpu_sae_tile *t = st->t;
    SaeRange out = { t->out, st->outputs };
    uint32_t n = 0;

    rd[n++] = (SaeRange){ t->in, st->in_row * t->rows_in };
    if (t->op == POTNPU_OP_ADD) {
        rd[n++] = (SaeRange){ t->in2, st->in2_row * t->rows_in };
    }
    if (t->op == POTNPU_OP_CONV2D) {
        rd[n++] = (SaeRange){ t->weights, (uint64_t)st->row_bytes * t->ocb };
        rd[n++] = (SaeRange){ t->table, 4ull << t->wbits };
    }
    if (uses_chan(t->op)) {
        rd[n++] = (SaeRange){ t->chan,
                              sizeof(struct potnpu_chan_param) *
                              (uint64_t)t->ocb };
    }
    *nrd = n;
    return out;
}

/*
 * Every input row inside the input that a tap reads must be loaded:
 * otherwise the firmware's plan was wrong (POTNPU_SAE_EINVAL). For each
 * kernel row ky the band reads rows a + r * sh, r = 0..out_rows-1, which
 * grow with r: the first and the last of them inside the input decide.
 */
static bool rows_loaded(const struct potnpu_sae_tile *t)
{
    bool win = is_window_op(t->op);
    uint32_t ky, kh = win ? t->kh : 1, sh = win ? t->sh : 1;
    int64_t a = (int64_t)t->out_row0 * sh - (win ? t->pad_t : 0);
    int64_t last = t->out_rows - 1, first, top;

    for (ky = 0; ky < kh; ky++, a += win ? t->dh : 1) {
        first = a >= 0 ? 0 : (-a + sh - 1) / sh;
        top = (int64_t)t->in_h - 1 - a;
        if (top < 0 || first > last || first > top / sh) {
            continue;           /* this kernel row reads only padding */
        }
        if (a + first * sh < t->row_lo ||
            a + min_i64(last, top / sh) * sh >=
            (int64_t)t->row_lo + t->rows_in) {
            return false;
        }
    }
    return true;
}

/* A table word's terms; false if it breaks a rule of the format. */
static bool decode_word(uint32_t w, SaeCode *c)
{
    uint32_t i;

    c->n = 0;
    for (i = 0; i < POTNPU_MAX_TERMS; i++) {
        uint32_t b = (w >> (8 * i)) & 0xff;

        if (!b) {
            /* After a zero byte only zero bytes follow. */
            return !(w >> (8 * i));
        }
        if (!(b & POTNPU_TERM_PRESENT) || (b & POTNPU_TERM_RESERVED)) {
            return false;
        }
        c->e[c->n] = b & POTNPU_TERM_EXP_MASK;
        c->neg[c->n] = (b & POTNPU_TERM_NEG) ? ~0u : 0;
        c->n++;
    }
    return true;
}

static uint32_t table_check(SaeTile *st, uint32_t *bad)
{
    const uint8_t *p = st->sram + st->t->table;
    uint32_t code;

    for (code = 0; code < 1u << st->t->wbits; code++) {
        if (!decode_word(ld32(p + 4 * code), &st->dec[code])) {
            *bad = code;
            return POTNPU_SAE_ETABLE;
        }
    }
    return POTNPU_SAE_OK;
}

/* Channel records: shift 0..62, reserved byte 0. */
static bool chan_check(const SaeTile *st)
{
    const uint8_t *p = st->sram + st->t->chan;
    uint32_t j;

    for (j = 0; j < st->t->ocb; j++, p += 8) {
        if (p[6] > POTNPU_MAX_SHIFT || p[7]) {
            return false;
        }
    }
    return true;
}

static uint32_t validate(SaeTile *st, uint32_t sram_size, uint32_t *info)
{
    const struct potnpu_sae_tile *t = st->t;
    SaeRange rd[4], wr;
    uint32_t i, nrd;

    if (!params_ok(st)) {
        return POTNPU_SAE_EINVAL;
    }
    if (st->outputs * st->taps > POTNPU_SAE_MAX_WORK) {
        return POTNPU_SAE_EWORK;
    }
    wr = ranges(st, rd, &nrd);
    if (!range_ok(wr, sram_size)) {
        return POTNPU_SAE_ERANGE;
    }
    for (i = 0; i < nrd; i++) {
        if (!range_ok(rd[i], sram_size)) {
            return POTNPU_SAE_ERANGE;
        }
    }
    /* The output may not overwrite what the tile reads. */
    for (i = 0; i < nrd; i++) {
        if (overlap(wr, rd[i])) {
            return POTNPU_SAE_EINVAL;
        }
    }
    if (!rows_loaded(t)) {
        return POTNPU_SAE_EINVAL;
    }
    if (t->op == POTNPU_OP_CONV2D &&
        table_check(st, info) != POTNPU_SAE_OK) {
        return POTNPU_SAE_ETABLE;
    }
    if (uses_chan(t->op) && !chan_check(st)) {
        return POTNPU_SAE_EINVAL;
    }
    return POTNPU_SAE_OK;
}

/* --- Compute ------------------------------------------------------- */

/* The code at bit @bit of a weight row of @b-bit codes. */
static uint32_t code_at(const uint8_t *row, uint32_t bit, uint32_t b)
{
    uint32_t i = bit >> 3, sh = bit & 7, v = row[i] >> sh;

    if (sh + b > 8) {
        v |= (uint32_t)row[i + 1] << (8 - sh);
    }
    return v & ((1u << b) - 1);
}

/* Add the terms of code @c for input @x: +-((x - zp) << e) each. */
static inline uint32_t add_terms(const SaeCode *c, uint32_t v, uint32_t acc)
{
    uint32_t i;

    for (i = 0; i < c->n; i++) {
        uint32_t term = v << c->e[i];

        acc += (term ^ c->neg[i]) - c->neg[i];
    }
    return acc;
}

/*
 * The taps of one input pixel: @n channels at @x, codes from bit @bit of
 * @row (@b bits each; a constant where inlined). Wraps modulo 2^32.
 */
static inline uint32_t conv_taps(SaeTile *st, const uint8_t *x,
                                 const uint8_t *row, uint32_t bit,
                                 uint32_t n, uint32_t acc, const uint32_t b)
{
    const int32_t zp = st->t->in_zp;
    uint64_t terms = 0, zeros = 0;
    uint32_t ci;

    for (ci = 0; ci < n; ci++, bit += b) {
        const SaeCode *c = &st->dec[b == 8 ? row[bit >> 3] :
                                    code_at(row, bit, b)];

        acc = add_terms(c, (uint32_t)((int8_t)x[ci] - zp), acc);
        terms += c->n;
        zeros += !c->n;
    }
    st->terms += terms;
    st->zeros += zeros;
    return acc;
}

/* conv_taps() with the code width a constant for the common widths. */
static uint32_t conv_pixel(SaeTile *st, const uint8_t *x, const uint8_t *row,
                           uint32_t bit, uint32_t n, uint32_t acc)
{
    switch (st->t->wbits) {
    case 8:
        return conv_taps(st, x, row, bit, n, acc, 8);
    case 4:
        return conv_taps(st, x, row, bit, n, acc, 4);
    default:
        return conv_taps(st, x, row, bit, n, acc, st->t->wbits);
    }
}

static const uint8_t *in_row_ptr(const SaeTile *st, uint32_t iy)
{
    return st->sram + st->t->in + (iy - st->t->row_lo) * st->in_row;
}

static void conv_channel(SaeTile *st, uint32_t j)
{
    const struct potnpu_sae_tile *t = st->t;
    uint32_t o = t->oc0 + j, cin0 = (o / st->opg) * st->cpg;
    const uint8_t *row = st->sram + t->weights + (uint64_t)j * st->row_bytes;
    uint8_t *out = st->sram + t->out + j;
    uint32_t r, x, ky, kx, ky0, ky1, kx0, kx1;
    SaeChan c;

    chan_load(st, j, &c);
    for (r = 0; r < t->out_rows; r++) {
        int64_t y0 = ((int64_t)t->out_row0 + r) * t->sh - t->pad_t;

        window(y0, t->kh, t->dh, t->in_h, &ky0, &ky1);
        for (x = 0; x < t->out_w; x++, out += t->ocb) {
            int64_t x0 = (int64_t)x * t->sw - t->pad_l;
            uint32_t acc = c.bias;

            window(x0, t->kw, t->dw, t->in_w, &kx0, &kx1);
            for (ky = ky0; ky < ky1; ky++) {
                const uint8_t *in = in_row_ptr(st, y0 + ky * t->dh) + cin0;

                for (kx = kx0; kx < kx1; kx++) {
                    uint32_t k = (ky * t->kw + kx) * st->cpg;

                    acc = conv_pixel(st, in + (x0 + kx * t->dw) * t->in_cstride,
                                     row, k * t->wbits, st->cpg, acc);
                }
            }
            st->taps_seen += (uint64_t)(ky1 - ky0) * (kx1 - kx0) * st->cpg;
            *out = requant(&c, acc, t);
        }
    }
}

/* floor(num / den), num < 2^SAE_AVG_BITS, by restoring shift-subtract. */
static uint32_t divide(uint32_t num, uint32_t den)
{
    uint32_t q = 0, rem = 0;
    int i;

    for (i = SAE_AVG_BITS - 1; i >= 0; i--) {
        rem = rem << 1 | ((num >> i) & 1);
        if (rem >= den) {
            rem -= den;
            q |= 1u << i;
        }
    }
    return q;
}

/* sign(acc) * floor((2|acc| + n) / 2n): half away from zero; 0 if n = 0. */
static int32_t avg_round(int32_t acc, uint32_t n)
{
    uint32_t mag = acc < 0 ? -(uint32_t)acc : (uint32_t)acc, q;

    if (!n) {
        return 0;
    }
    q = divide((mag << 1) + n, n << 1);
    return acc < 0 ? -(int32_t)q : (int32_t)q;
}

/* MAXPOOL and AVGPOOL of input channel @ch over one window. */
static int8_t pool_window(SaeTile *st, const SaeChan *c, uint32_t ch,
                          int64_t y0, int64_t x0, uint32_t ky0, uint32_t ky1,
                          uint32_t kx0, uint32_t kx1)
{
    const struct potnpu_sae_tile *t = st->t;
    int32_t max = -128, sum = 0;
    uint32_t ky, kx, n;

    for (ky = ky0; ky < ky1; ky++) {
        const uint8_t *in = in_row_ptr(st, y0 + ky * t->dh) + ch;

        for (kx = kx0; kx < kx1; kx++) {
            int32_t v = (int8_t)in[(x0 + kx * t->dw) * t->in_cstride];

            max = v > max ? v : max;
            sum += v - t->in_zp;
        }
    }
    n = (ky1 - ky0) * (kx1 - kx0);
    st->taps_seen += n;
    if (t->op == POTNPU_OP_MAXPOOL) {
        return clamp(max, t->lo, t->hi);
    }
    if (t->flags & POTNPU_LAYER_F_COUNT_PAD) {
        n = t->kh * t->kw;
    }
    return requant(c, (uint32_t)avg_round(sum, n) + c->bias, t);
}

static void pool_channel(SaeTile *st, uint32_t j)
{
    const struct potnpu_sae_tile *t = st->t;
    uint8_t *out = st->sram + t->out + j;
    uint32_t r, x, ky0, ky1, kx0, kx1;
    SaeChan c = { 0 };

    if (t->op == POTNPU_OP_AVGPOOL) {
        chan_load(st, j, &c);
    }
    for (r = 0; r < t->out_rows; r++) {
        int64_t y0 = ((int64_t)t->out_row0 + r) * t->sh - t->pad_t;

        window(y0, t->kh, t->dh, t->in_h, &ky0, &ky1);
        for (x = 0; x < t->out_w; x++, out += t->ocb) {
            int64_t x0 = (int64_t)x * t->sw - t->pad_l;

            window(x0, t->kw, t->dw, t->in_w, &kx0, &kx1);
            *out = pool_window(st, &c, t->oc0 + j, y0, x0, ky0, ky1,
                               kx0, kx1);
        }
    }
}

/* REQUANT of channel @j: acc = (x - in_zp) + bias, requantized. */
static void requant_channel(SaeTile *st, uint32_t j)
{
    const struct potnpu_sae_tile *t = st->t;
    uint8_t *o = st->sram + t->out + j;
    uint32_t r, x;
    SaeChan c;

    chan_load(st, j, &c);
    for (r = 0; r < t->out_rows; r++) {
        const uint8_t *a = in_row_ptr(st, t->out_row0 + r) + t->oc0 + j;

        for (x = 0; x < t->out_w; x++, o += t->ocb, a += t->in_cstride) {
            uint32_t v = (uint32_t)((int8_t)*a - t->in_zp);

            *o = requant(&c, v + c.bias, t);
        }
    }
}

/* ADD of channel @j: (a - in_zp) * m_a + (b - in2_zp) * m_b, rounded. */
static void add_channel(SaeTile *st, uint32_t j, const SaeNaf *ma,
                        const SaeNaf *mb)
{
    const struct potnpu_sae_tile *t = st->t;
    uint8_t *o = st->sram + t->out + j;
    uint32_t r, x;

    for (r = 0; r < t->out_rows; r++) {
        uint64_t iy = t->out_row0 + r - t->row_lo;
        const uint8_t *a = in_row_ptr(st, t->out_row0 + r) + t->oc0 + j;
        const uint8_t *b = st->sram + t->in2 + iy * st->in2_row + t->oc0 + j;

        for (x = 0; x < t->out_w; x++, o += t->ocb) {
            int64_t p = naf_apply(ma, (int8_t)*a - t->in_zp) +
                        naf_apply(mb, (int8_t)*b - t->in2_zp);

            *o = clamp(round_shift(p, t->shift) + t->out_zp, t->lo, t->hi);
            a += t->in_cstride;
            b += t->in2_cstride;
        }
    }
}

/* ADD and REQUANT: elementwise, one tap per element. */
static void elementwise(SaeTile *st)
{
    SaeNaf ma = { 0 }, mb = { 0 };
    uint32_t j;

    /* Only ADD has mantissas; REQUANT's m_a and m_b are not checked. */
    if (st->t->op == POTNPU_OP_ADD) {
        naf_of(st->t->m_a, &ma);
        naf_of(st->t->m_b, &mb);
    }
    for (j = 0; j < st->t->ocb; j++) {
        if (st->t->op == POTNPU_OP_ADD) {
            add_channel(st, j, &ma, &mb);
        } else {
            requant_channel(st, j);
        }
    }
    st->taps_seen = st->outputs;
}

/* sae_cycles of docs/numerics.md, "Cost model". */
static uint32_t cycles(const SaeTile *st)
{
    uint64_t work = st->t->op == POTNPU_OP_CONV2D ? st->terms : st->taps_seen;
    uint64_t cyc = (work + POTNPU_SAE_LANES - 1) / POTNPU_SAE_LANES +
                   POTNPU_SAE_START_CYCLES;

    if (st->t->op != POTNPU_OP_MAXPOOL) {
        cyc += (st->outputs + POTNPU_SAE_LANES - 1) / POTNPU_SAE_LANES *
               POTNPU_SAE_REQUANT_CYCLES;
    }
    return cyc;
}

void potnpu_sae_run(const struct potnpu_sae_tile *tile, uint8_t *sram,
                    uint32_t sram_size, struct potnpu_sae_result *res)
{
    SaeTile st;
    uint32_t j, info = 0;

    memset(res, 0, sizeof(*res));
    memset(&st, 0, offsetof(SaeTile, dec));
    st.t = tile;
    st.sram = sram;
    res->status = validate(&st, sram_size, &info);
    if (res->status != POTNPU_SAE_OK) {
        res->error_info = info;
        return;
    }
    if (tile->op == POTNPU_OP_ADD || tile->op == POTNPU_OP_REQUANT) {
        elementwise(&st);
    } else {
        for (j = 0; j < tile->ocb; j++) {
            if (tile->op == POTNPU_OP_CONV2D) {
                conv_channel(&st, j);
            } else {
                pool_channel(&st, j);
            }
        }
    }
    res->taps = st.taps_seen;
    res->terms = st.terms;
    res->zero_skips = st.zeros;
    res->cycles = cycles(&st);
}
