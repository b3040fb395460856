/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Host unit test of the shift-add engine (potnpu-sae-engine.c), TAP.
 *
 * Copyright (c) 2026 The potnpu authors
 *
 * Each case is a tiny tile whose expected bytes and counters are worked
 * out by hand from docs/numerics.md (the worked examples, accumulator
 * wrap, rounding ties, pooling, groups, dilation, padding) or a refused
 * tile that must leave SRAM untouched. This is not a reference executor:
 * libpotnpu's is, and the two are compared elsewhere.
 *
 *   sae-engine-test [--bench]
 */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "potnpu/potnpu_core.h"
#include "potnpu/potnpu_layer.h"
#include "../potnpu-sae-engine.h"

#define IN      POTNPU_SRAM_IN
#define OUT     POTNPU_SRAM_OUT
#define TABLE   POTNPU_SRAM_W
#define CHAN    (POTNPU_SRAM_W + POTNPU_SRAM_TABLE_SIZE)
#define WEIGHTS (CHAN + 0x1000)

static uint8_t sram[POTNPU_SRAM_SIZE];
static unsigned n_test, n_fail;

static void ok(bool cond, const char *fmt, const char *name)
{
    n_test++;
    if (!cond) {
        n_fail++;
    }
    printf("%sok %u - %s", cond ? "" : "not ", n_test, name);
    if (!cond && fmt) {
        printf(" # %s", fmt);
    }
    printf("\n");
}

#define CHECK(cond, name) ok((cond), #cond, (name))

static void st32(uint32_t off, uint32_t v)
{
    sram[off] = v;
    sram[off + 1] = v >> 8;
    sram[off + 2] = v >> 16;
    sram[off + 3] = v >> 24;
}

static void set_chan(uint32_t j, int32_t bias, uint32_t m, uint32_t shift)
{
    st32(CHAN + 8 * j, (uint32_t)bias);
    sram[CHAN + 8 * j + 4] = m;
    sram[CHAN + 8 * j + 5] = m >> 8;
    sram[CHAN + 8 * j + 6] = shift;
    sram[CHAN + 8 * j + 7] = 0;
}

/* A PoT table for 4-bit codes: code c (c = 1..7) is +2^(c-1), 8+c is -. */
static void pot_table4(void)
{
    uint32_t c;

    for (c = 0; c < 16; c++) {
        uint32_t m = c & 7;

        st32(TABLE + 4 * c, m ? POTNPU_TERM(c & 8, m - 1) : 0);
    }
}

/* A 1 x 1 x 1 CONV2D identity tile's fields; callers change what they test. */
static struct potnpu_sae_tile base_tile(uint32_t op)
{
    struct potnpu_sae_tile t = {
        .op = op, .in = IN, .out = OUT, .weights = WEIGHTS, .table = TABLE,
        .chan = CHAN, .in_h = 1, .in_w = 1, .in_c = 1, .in_cstride = 1,
        .rows_in = 1, .out_rows = 1, .out_w = 1, .out_c = 1, .ocb = 1,
        .kh = 1, .kw = 1, .sh = 1, .sw = 1, .dh = 1, .dw = 1, .groups = 1,
        .wbits = op == POTNPU_OP_CONV2D ? 4 : 0, .lo = -128, .hi = 127,
    };

    return t;
}

static struct potnpu_sae_result run(const struct potnpu_sae_tile *t)
{
    struct potnpu_sae_result r;

    potnpu_sae_run(t, sram, sizeof(sram), &r);
    return r;
}

static int8_t out_at(uint32_t i)
{
    return (int8_t)sram[OUT + i];
}

/* numerics.md, "Worked CONV2D example". */
static void test_conv_worked(void)
{
    struct potnpu_sae_tile t = base_tile(POTNPU_OP_CONV2D);
    struct potnpu_sae_result r;

    memset(sram, 0, sizeof(sram));
    t.in_c = t.in_cstride = 2;
    t.in_zp = -2;
    t.out_zp = 3;
    sram[IN] = 10;
    sram[IN + 1] = (uint8_t)-3;
    sram[WEIGHTS] = 5 | 1 << 4;            /* codes (5, 1) */
    st32(TABLE + 4 * 5, 0x0000c442);
    st32(TABLE + 4 * 1, 0x00000040);
    set_chan(0, 100, 32768, 15);
    r = run(&t);
    CHECK(r.status == POTNPU_SAE_OK, "conv worked example: status OK");
    CHECK(out_at(0) == -42, "conv worked example: y = -42");
    CHECK(r.terms == 3 && r.taps == 2 && r.zero_skips == 0,
          "conv worked example: terms 3, taps 2, zero skips 0");
    CHECK(r.cycles == 1 + 4 + 16, "conv worked example: cycles 21");
}

/* REQUANT with one input byte 0, zero point 0: acc = bias. */
static int8_t requant1(int32_t bias, uint32_t m, uint32_t s, int32_t out_zp)
{
    struct potnpu_sae_tile t = base_tile(POTNPU_OP_REQUANT);

    memset(sram, 0, sizeof(sram));
    t.out_zp = out_zp;
    set_chan(0, bias, m, s);
    sram[OUT] = 0x55;
    return run(&t).status == POTNPU_SAE_OK ? out_at(0) : 0x55;
}

static void test_requant(void)
{
    struct potnpu_sae_tile t = base_tile(POTNPU_OP_REQUANT);
    struct potnpu_sae_result r;

    CHECK(requant1(-1234, 23170, 16, -5) == -128,
          "requant worked example: acc -1234 clamps to -128");
    CHECK(requant1(1234, 23170, 16, -5) == 127,
          "requant worked example: acc 1234 clamps to 127");
    CHECK(requant1(-1234, 23170, 19, 0) == -55,
          "requant: -28591780 / 2^19 = -54.53 rounds to -55");
    CHECK(requant1(3, 1, 1, 0) == 2, "requant tie: acc 3, M 1, s 1 -> 2");
    CHECK(requant1(-3, 1, 1, 0) == -1, "requant tie: acc -3, M 1, s 1 -> -1");
    CHECK(requant1(-5, 1, 0, 0) == -5, "requant: shift 0 is exact");
    CHECK(requant1(100, 65535, 16, 0) == 100,
          "requant: M 65535 (NAF 2^16 - 2^0), s 16: 100 -> 100");
    CHECK(requant1(7, 0, 3, 9) == 9, "requant: M 0 gives out_zp");
    CHECK(requant1(INT32_MIN, 65535, 62, 0) == 0,
          "requant: the largest |p| with s 62 rounds to 0");

    /* x - in_zp + bias, clamp bounds. */
    memset(sram, 0, sizeof(sram));
    t.in_w = t.out_w = 2;
    t.in_cstride = 3;
    t.in_zp = 10;
    t.lo = -3;
    t.hi = 4;
    sram[IN] = 20;
    sram[IN + 3] = (uint8_t)-20;
    set_chan(0, -5, 1, 0);
    r = run(&t);
    CHECK(r.status == POTNPU_SAE_OK && out_at(0) == 4 && out_at(1) == -3,
          "requant: (x - in_zp) + bias, then clamp to lo..hi");
    CHECK(r.taps == 2 && r.terms == 0 && r.cycles == 1 + 4 + 16,
          "requant: one tap per element, cycles 21");

    /*
     * REQUANT ignores m_a and m_b, whatever they hold. Found by the QEMU
     * fuzzer (docs/reliability.md): 32-bit values once overran the
     * 9-digit NAF arrays on the stack (the -san build catches it).
     */
    t = base_tile(POTNPU_OP_REQUANT);
    memset(sram, 0, sizeof(sram));
    t.m_a = t.m_b = 0x55555555u;       /* 16 NAF digits */
    t.shift = 0xffffffffu;
    set_chan(0, 7, 1, 0);
    r = run(&t);
    CHECK(r.status == POTNPU_SAE_OK && out_at(0) == 7,
          "requant: m_a, m_b (0x55555555) and shift are ignored");
}

/*
 * The accumulator wraps modulo 2^32: 300 taps of (127 - -128) << 15 on a
 * bias of 100 make 2506752100, which wraps to -1788215196; with M = 1,
 * s = 31 that rounds to -1 (a saturating or 64-bit accumulator gives 1).
 */
static void test_wrap(void)
{
    struct potnpu_sae_tile t = base_tile(POTNPU_OP_CONV2D);
    struct potnpu_sae_result r;
    uint32_t i;

    memset(sram, 0, sizeof(sram));
    t.in_c = t.in_cstride = 300;
    t.in_zp = -128;
    for (i = 0; i < 300; i++) {
        sram[IN + i] = 127;
    }
    memset(sram + WEIGHTS, 0x11, 150);     /* code 1 everywhere */
    st32(TABLE + 4, POTNPU_TERM(0, 15));
    set_chan(0, 100, 1, 31);
    r = run(&t);
    CHECK(r.status == POTNPU_SAE_OK && out_at(0) == -1,
          "accumulator wraps past 2^31 (2506752100 -> -1788215196 -> -1)");
    CHECK(r.terms == 300 && r.taps == 300, "wrap: 300 terms, 300 taps");
}

/* AVGPOOL of a 2 x 2 window holding @v, M = 1, s = 0. */
static int8_t avg4(const int8_t v[4])
{
    struct potnpu_sae_tile t = base_tile(POTNPU_OP_AVGPOOL);
    uint32_t i;

    memset(sram, 0, sizeof(sram));
    t.in_h = t.in_w = 2;
    t.rows_in = 2;
    t.kh = t.kw = 2;
    for (i = 0; i < 4; i++) {
        sram[IN + i] = v[i];
    }
    set_chan(0, 0, 1, 0);
    return run(&t).status == POTNPU_SAE_OK ? out_at(0) : 0x55;
}

static void test_avgpool(void)
{
    static const int8_t p6[] = { 1, 2, 1, 2 }, m6[] = { -1, -2, -1, -2 };
    static const int8_t p5[] = { 1, 1, 1, 2 }, m5[] = { -1, -1, -1, -2 };
    static const int8_t p7[] = { 1, 2, 2, 2 };
    struct potnpu_sae_tile t = base_tile(POTNPU_OP_AVGPOOL);
    struct potnpu_sae_result r;

    CHECK(avg4(p6) == 2, "avgpool: 6 / 4 rounds to 2");
    CHECK(avg4(m6) == -2, "avgpool: -6 / 4 rounds to -2");
    CHECK(avg4(p5) == 1, "avgpool: 5 / 4 rounds to 1");
    CHECK(avg4(m5) == -1, "avgpool: -5 / 4 rounds to -1");
    CHECK(avg4(p7) == 2, "avgpool: 7 / 4 rounds to 2");

    /* 1 x 3 input, 1 x 3 window, pad 1 each side: 3 windows of 2 taps. */
    memset(sram, 0, sizeof(sram));
    t.in_w = 3;
    t.out_w = 3;
    t.kw = 3;
    t.pad_l = t.pad_r = 1;
    t.in_zp = 1;
    sram[IN] = 4;
    sram[IN + 1] = 6;
    sram[IN + 2] = 9;
    set_chan(0, 10, 1, 0);
    r = run(&t);
    /* x - zp = 3, 5, 8: (3+5)/2 = 4, 16/3 = 5.33, 13/2 = 6.5 -> 7; +10 */
    CHECK(r.status == POTNPU_SAE_OK && out_at(0) == 14 && out_at(1) == 15 &&
          out_at(2) == 17, "avgpool: padding not counted, then bias");
    CHECK(r.taps == 7, "avgpool: taps count only taps inside the input");
    t.flags = POTNPU_LAYER_F_COUNT_PAD;
    r = run(&t);
    /* 8/3 = 2.67 -> 3, 16/3 -> 5, 13/3 = 4.33 -> 4 */
    CHECK(r.status == POTNPU_SAE_OK && out_at(0) == 13 && out_at(1) == 15 &&
          out_at(2) == 14, "avgpool COUNT_PAD: divisor kh * kw");
}

static void test_maxpool(void)
{
    struct potnpu_sae_tile t = base_tile(POTNPU_OP_MAXPOOL);
    struct potnpu_sae_result r;
    static const int8_t in[2][3][2] = {
        { { -100, 5 }, { -90, 7 }, { -120, -8 } },
        { { -128, 9 }, { -101, 1 }, { -99, 3 } },
    };

    /* 2 x 3 x 2, 2 x 2 window, stride 1: out 1 x 2 x 2. */
    memset(sram, 0, sizeof(sram));
    memcpy(sram + IN, in, sizeof(in));
    t.in_h = 2;
    t.rows_in = 2;
    t.in_w = 3;
    t.in_c = t.in_cstride = 2;
    t.out_w = 2;
    t.out_c = 2;
    t.ocb = 2;
    t.kh = t.kw = 2;
    t.in_zp = 77;                           /* unused by MAXPOOL */
    t.hi = 8;
    r = run(&t);
    CHECK(r.status == POTNPU_SAE_OK && out_at(0) == -90 && out_at(1) == 8 &&
          out_at(2) == -90 && out_at(3) == 7,
          "maxpool: per channel maximum, clamped to hi");
    CHECK(r.taps == 16 && r.terms == 0 && r.cycles == 1 + 16,
          "maxpool: 16 taps, no requantization cycles");

    /* Only channel 1 (oc0 = 1, ocb = 1): pixel stride of the band 1. */
    t.oc0 = 1;
    t.ocb = 1;
    memset(sram + OUT, 0x55, 4);
    r = run(&t);
    CHECK(r.status == POTNPU_SAE_OK && out_at(0) == 8 && out_at(1) == 7 &&
          sram[OUT + 2] == 0x55, "maxpool: a channel block oc0 = 1");
}

/*
 * Padding >= kernel: a 1 x 1 input, 1 x 1 window, padding 1 all round:
 * 3 x 3 outputs, only the centre sees the input.
 */
static void test_empty_windows(void)
{
    struct potnpu_sae_tile t = base_tile(POTNPU_OP_MAXPOOL);
    struct potnpu_sae_result r;
    uint32_t i;
    bool good = true;

    memset(sram, 0, sizeof(sram));
    sram[IN] = 42;
    t.out_rows = 3;
    t.out_w = 3;
    t.pad_t = t.pad_l = t.pad_b = t.pad_r = 1;
    r = run(&t);
    for (i = 0; i < 9; i++) {
        good &= out_at(i) == (i == 4 ? 42 : -128);
    }
    CHECK(r.status == POTNPU_SAE_OK && good && r.taps == 1,
          "maxpool: a window entirely in padding gives -128");
    t.lo = -7;
    r = run(&t);
    CHECK(r.status == POTNPU_SAE_OK && out_at(0) == -7 && out_at(4) == 42,
          "maxpool: the empty window's -128 is then clamped");

    t = base_tile(POTNPU_OP_AVGPOOL);
    t.out_rows = 3;
    t.out_w = 3;
    t.pad_t = t.pad_l = t.pad_b = t.pad_r = 1;
    t.in_zp = 2;
    t.out_zp = 5;
    set_chan(0, 0, 1, 0);
    r = run(&t);
    CHECK(r.status == POTNPU_SAE_OK && out_at(0) == 5 && out_at(8) == 5 &&
          out_at(4) == 45, "avgpool: an empty window has q = 0");
    t.flags = POTNPU_LAYER_F_COUNT_PAD;
    r = run(&t);
    CHECK(r.status == POTNPU_SAE_OK && out_at(0) == 5 && out_at(4) == 45,
          "avgpool COUNT_PAD: an empty window has q = 0");

    /* A band of rows wholly in padding needs no input row loaded. */
    t = base_tile(POTNPU_OP_CONV2D);
    t.pad_t = 2;
    t.pad_b = 0;
    t.kh = 1;
    t.in_h = 1;
    t.out_rows = 2;
    t.rows_in = 0;
    t.in_zp = 0;
    set_chan(0, 9, 1, 0);
    r = run(&t);
    CHECK(r.status == POTNPU_SAE_OK && out_at(0) == 9 && out_at(1) == 9 &&
          r.taps == 0, "conv: a band wholly in padding reads no input");
}

/* One output per channel of a 1 x 1 x 4 input, 1 x 1 kernel. */
static void test_groups(void)
{
    struct potnpu_sae_tile t = base_tile(POTNPU_OP_CONV2D);
    struct potnpu_sae_result r;
    uint32_t j;

    memset(sram, 0, sizeof(sram));
    pot_table4();
    for (j = 0; j < 4; j++) {
        set_chan(j, 0, 1, 0);
        sram[IN + j] = 1 + j;               /* 1, 2, 3, 4 */
    }
    /* groups 2, out_c 2: o0 = ch0*1 + ch1*2, o1 = ch2*(-4) + ch3*8. */
    t.in_c = t.in_cstride = 4;
    t.out_c = t.ocb = 2;
    t.groups = 2;
    sram[WEIGHTS] = 1 | 2 << 4;
    sram[WEIGHTS + 1] = 11 | 4 << 4;
    r = run(&t);
    CHECK(r.status == POTNPU_SAE_OK && out_at(0) == 1 + 4 &&
          out_at(1) == -12 + 32, "conv groups 2: each output sees its group");
    CHECK(r.taps == 4 && r.terms == 4, "conv groups 2: 4 taps");

    /* Depthwise with multiplier 2: in_c 2, out_c 4, groups 2. */
    t.in_c = t.in_cstride = 2;
    t.out_c = t.ocb = 4;
    t.groups = 2;
    memcpy(sram + WEIGHTS, (const uint8_t[]){ 1, 2, 3, 9 }, 4);
    r = run(&t);
    CHECK(r.status == POTNPU_SAE_OK && out_at(0) == 1 && out_at(1) == 2 &&
          out_at(2) == 8 && out_at(3) == -2,
          "conv depthwise x2: outputs 0, 1 from ch 0, 2, 3 from ch 1");

    /* The same tile as two channel blocks: oc0 = 2, ocb = 2. */
    t.oc0 = 2;
    t.ocb = 2;
    t.weights = WEIGHTS + 2;
    t.chan = CHAN + 16;
    r = run(&t);
    CHECK(r.status == POTNPU_SAE_OK && out_at(0) == 8 && out_at(1) == -2,
          "conv depthwise: the second channel block finds its group");
}

/* 1 x 5 input, 1 x 2 kernel with dilation 3: out x reads x and x + 3. */
static void test_dilation(void)
{
    struct potnpu_sae_tile t = base_tile(POTNPU_OP_CONV2D);
    struct potnpu_sae_result r;
    uint32_t i;

    memset(sram, 0, sizeof(sram));
    pot_table4();
    for (i = 0; i < 5; i++) {
        sram[IN + i] = 1u << i;             /* 1 2 4 8 16 */
    }
    set_chan(0, 0, 1, 0);
    t.in_w = 5;
    t.out_w = 2;
    t.kw = 2;
    t.dw = 3;
    sram[WEIGHTS] = 1 | 10 << 4;            /* +1, -2 */
    r = run(&t);
    CHECK(r.status == POTNPU_SAE_OK && out_at(0) == 1 - 16 &&
          out_at(1) == 2 - 32, "conv dilation 3: taps 3 apart");
    t.out_w = 3;
    CHECK(run(&t).status == POTNPU_SAE_EINVAL,
          "conv dilation: a wrong out_w is refused");

    /* Vertical: 5 x 1, kh 2, dh 2, stride 2: rows (0, 2), (2, 4). */
    t = base_tile(POTNPU_OP_CONV2D);
    t.in_h = t.rows_in = 5;
    t.out_rows = 2;
    t.kh = 2;
    t.dh = 2;
    t.sh = 2;
    r = run(&t);
    CHECK(r.status == POTNPU_SAE_OK && out_at(0) == 1 - 8 &&
          out_at(1) == 4 - 32, "conv vertical dilation 2, stride 2");
}

/* Asymmetric padding: 1 x 3 input, kernel 3, pad_l 2, pad_r 0. */
static void test_asym_pad(void)
{
    struct potnpu_sae_tile t = base_tile(POTNPU_OP_CONV2D);
    struct potnpu_sae_result r;

    memset(sram, 0, sizeof(sram));
    pot_table4();
    sram[IN] = 1;
    sram[IN + 1] = 10;
    sram[IN + 2] = 10;
    set_chan(0, 0, 1, 0);
    t.in_w = 3;
    t.out_w = 3;
    t.kw = 3;
    t.pad_l = 2;
    /* Weights 1, 2, 4 (codes 1, 2, 3): 0 | 0 | x0 */
    sram[WEIGHTS] = 1 | 2 << 4;
    sram[WEIGHTS + 1] = 3;
    r = run(&t);
    CHECK(r.status == POTNPU_SAE_OK && out_at(0) == 4 &&
          out_at(1) == 2 + 40 && out_at(2) == 1 + 20 + 40,
          "conv pad_l 2, pad_r 0: left windows lose their first taps");
    CHECK(r.taps == 6 && r.terms == 6, "conv asymmetric padding: 6 taps");

    /* Top padding with a band: rows loaded from row_lo on. */
    t = base_tile(POTNPU_OP_CONV2D);
    memset(sram + IN, 0, 8);
    sram[IN] = 3;                           /* row 1 of a 2-row input */
    t.in_h = 2;
    t.row_lo = 1;
    t.rows_in = 1;
    t.out_row0 = 1;
    t.kh = 2;
    t.pad_t = 1;
    t.pad_b = 0;
    sram[WEIGHTS] = 1 | 2 << 4;             /* rows ky 0: 1, ky 1: 2 */
    t.out_rows = 1;
    r = run(&t);
    /* Output row 1 reads input rows 0 and 1: row 0 not loaded. */
    CHECK(r.status == POTNPU_SAE_EINVAL,
          "conv: a tap on a row inside the input but not loaded: EINVAL");
    t.in_h = 1;
    t.row_lo = 0;
    t.out_row0 = 0;
    r = run(&t);
    CHECK(r.status == POTNPU_SAE_OK && out_at(0) == 6 && r.taps == 1,
          "conv pad_t 1, pad_b 0: row -1 is padding");
}

/*
 * Loaded rows: 8 x 1 input, kernel 2 with dilation 2, stride 2, pad_t 1.
 * Output rows 1, 2 read input rows 1, 3 and 3, 5; output row 0 reads
 * row -1 (padding) and 1.
 */
static void test_loaded_rows(void)
{
    struct potnpu_sae_tile t = base_tile(POTNPU_OP_MAXPOOL);
    struct potnpu_sae_result r;
    uint32_t i;

    memset(sram, 0, sizeof(sram));
    for (i = 0; i < 5; i++) {
        sram[IN + i] = 10 * (i + 1);        /* rows 1..5 */
    }
    t.in_h = 8;
    t.kh = 2;
    t.dh = 2;
    t.sh = 2;
    t.pad_t = 1;
    t.out_row0 = 1;
    t.out_rows = 2;
    t.row_lo = 1;
    t.rows_in = 5;
    r = run(&t);
    CHECK(r.status == POTNPU_SAE_OK && out_at(0) == 30 && out_at(1) == 50 &&
          r.taps == 4, "rows 1..5 loaded: rows 1, 3, 5 read");
    t.rows_in = 4;
    CHECK(run(&t).status == POTNPU_SAE_EINVAL, "row 5 not loaded: EINVAL");
    t.row_lo = 2;
    CHECK(run(&t).status == POTNPU_SAE_EINVAL, "row 1 not loaded: EINVAL");
    t.row_lo = 1;
    t.rows_in = 1;
    t.out_row0 = 0;
    t.out_rows = 1;
    r = run(&t);
    CHECK(r.status == POTNPU_SAE_OK && out_at(0) == 10 && r.taps == 1,
          "row -1 is padding: only row 1 loaded");
}

static void test_zero_skips(void)
{
    struct potnpu_sae_tile t = base_tile(POTNPU_OP_CONV2D);
    struct potnpu_sae_result r;

    memset(sram, 0, sizeof(sram));
    t.wbits = 2;
    t.in_c = t.in_cstride = 5;
    memset(sram + IN, 1, 5);
    /* codes 0, 3, 0, 1, 2 */
    sram[WEIGHTS] = 0 | 3 << 2 | 0 << 4 | 1 << 6;
    sram[WEIGHTS + 1] = 2;
    st32(TABLE + 4, POTNPU_TERM(0, 0));
    st32(TABLE + 8, POTNPU_TERM(0, 1) | POTNPU_TERM(1, 3) << 8 |
         POTNPU_TERM(0, 4) << 16 | (uint32_t)POTNPU_TERM(0, 0) << 24);
    st32(TABLE + 12, POTNPU_TERM(1, 2));
    set_chan(0, 0, 1, 0);
    r = run(&t);
    CHECK(r.status == POTNPU_SAE_OK && out_at(0) == -4 + 1 + 11,
          "conv 2-bit codes across bytes, a 4-term weight");
    CHECK(r.taps == 5 && r.terms == 6 && r.zero_skips == 2,
          "conv: zero weights are skipped and counted");
}

/* Code widths 8 and 3 (a 3-bit code across a byte boundary). */
static void test_code_widths(void)
{
    struct potnpu_sae_tile t = base_tile(POTNPU_OP_CONV2D);
    struct potnpu_sae_result r;
    static const uint8_t x[3] = { 3, 5, 7 };

    memset(sram, 0, sizeof(sram));
    memcpy(sram + IN, x, 3);
    st32(TABLE + 4 * 1, POTNPU_TERM(0, 0));                       /* 1 */
    st32(TABLE + 4 * 2, POTNPU_TERM(1, 1));                       /* -2 */
    st32(TABLE + 4 * 3, POTNPU_TERM(0, 2) | POTNPU_TERM(0, 0) << 8); /* 5 */
    set_chan(0, 0, 1, 0);
    t.in_c = t.in_cstride = 3;
    t.wbits = 8;
    sram[WEIGHTS] = 3;
    sram[WEIGHTS + 1] = 1;
    sram[WEIGHTS + 2] = 2;
    r = run(&t);
    CHECK(r.status == POTNPU_SAE_OK && out_at(0) == 15 + 5 - 14 &&
          r.terms == 4, "conv 8-bit codes: one byte each");
    t.wbits = 3;
    sram[WEIGHTS] = 1 | 2 << 3 | 3 << 6;
    sram[WEIGHTS + 1] = 3 >> 2;
    r = run(&t);
    CHECK(r.status == POTNPU_SAE_OK && out_at(0) == 3 - 10 + 35 &&
          r.terms == 4, "conv 3-bit codes: the third spans two bytes");
}

static void test_add(void)
{
    struct potnpu_sae_tile t = base_tile(POTNPU_OP_ADD);
    struct potnpu_sae_result r;

    memset(sram, 0, sizeof(sram));
    t.in2 = IN + 0x100;
    t.in_w = t.out_w = 2;
    t.in_cstride = 1;
    t.in2_cstride = 2;
    t.in_zp = -2;
    t.in2_zp = 3;
    t.out_zp = -1;
    t.m_a = 3;
    t.m_b = 5;
    t.shift = 1;
    sram[IN] = 8;                           /* a - zp = 10 */
    sram[IN + 1] = (uint8_t)-12;            /* -10 */
    sram[IN + 0x100] = 0;                   /* b - zp = -3 */
    sram[IN + 0x102] = 4;                   /* 1 */
    r = run(&t);
    /* (30 - 15 + 1) >> 1 = 8, -1 -> 7; (-30 + 5 + 1) >> 1 = -12 -> -13 */
    CHECK(r.status == POTNPU_SAE_OK && out_at(0) == 7 && out_at(1) == -13,
          "add: both inputs rescaled, one rounding");
    CHECK(r.taps == 2 && r.cycles == 1 + 4 + 16, "add: one tap per element");
}

/* A refused tile writes nothing and counts nothing. */
static void expect_refused(const struct potnpu_sae_tile *t, uint32_t status,
                           uint32_t info, const char *name)
{
    static uint8_t before[POTNPU_SRAM_SIZE];
    struct potnpu_sae_result r;

    memcpy(before, sram, sizeof(sram));
    r = run(t);
    ok(r.status == status && r.error_info == info && !r.taps && !r.terms &&
       !r.zero_skips && !r.cycles && !memcmp(before, sram, sizeof(sram)),
       "status, info, counters or SRAM", name);
}

static void test_errors(void)
{
    struct potnpu_sae_tile t;

    memset(sram, 0x3c, sizeof(sram));
    pot_table4();
    set_chan(0, 0, 1, 0);
    t = base_tile(POTNPU_OP_CONV2D);
    CHECK(run(&t).status == POTNPU_SAE_OK, "errors: the base tile is good");
    memset(sram + OUT, 0x3c, 16);

    t.op = 0x15;
    expect_refused(&t, POTNPU_SAE_EINVAL, 0, "bad opcode 0x15: EINVAL");
    t.op = 0x0f;
    expect_refused(&t, POTNPU_SAE_EINVAL, 0, "bad opcode 0x0f: EINVAL");
    t = base_tile(POTNPU_OP_CONV2D);
    t.wbits = 9;
    expect_refused(&t, POTNPU_SAE_EINVAL, 0, "wbits 9: EINVAL");
    t = base_tile(POTNPU_OP_CONV2D);
    t.in_c = t.in_cstride = 3;
    t.groups = 2;
    expect_refused(&t, POTNPU_SAE_EINVAL, 0, "groups not dividing in_c");
    t = base_tile(POTNPU_OP_CONV2D);
    t.oc0 = 1;
    expect_refused(&t, POTNPU_SAE_EINVAL, 0, "oc0 + ocb > out_c: EINVAL");
    t = base_tile(POTNPU_OP_CONV2D);
    t.lo = 5;
    t.hi = 4;
    expect_refused(&t, POTNPU_SAE_EINVAL, 0, "lo > hi: EINVAL");
    t = base_tile(POTNPU_OP_CONV2D);
    t.flags = 2;
    expect_refused(&t, POTNPU_SAE_EINVAL, 0, "unknown flag: EINVAL");
    t = base_tile(POTNPU_OP_CONV2D);
    t.out_rows = 2;
    expect_refused(&t, POTNPU_SAE_EINVAL, 0, "band beyond the input: EINVAL");
    t = base_tile(POTNPU_OP_CONV2D);
    t.out = IN;
    expect_refused(&t, POTNPU_SAE_EINVAL, 0, "output over the input: EINVAL");
    set_chan(0, 0, 1, 63);
    t = base_tile(POTNPU_OP_CONV2D);
    expect_refused(&t, POTNPU_SAE_EINVAL, 0, "channel shift 63: EINVAL");
    set_chan(0, 0, 1, 0);

    /* SRAM ranges, with integer overflow in mind. */
    t = base_tile(POTNPU_OP_CONV2D);
    t.out = POTNPU_SRAM_SIZE;
    expect_refused(&t, POTNPU_SAE_ERANGE, 0, "output at the SRAM end: ERANGE");
    t.out = UINT32_MAX;
    expect_refused(&t, POTNPU_SAE_ERANGE, 0, "output at 2^32 - 1: ERANGE");
    t = base_tile(POTNPU_OP_CONV2D);
    t.table = POTNPU_SRAM_SIZE - 63;
    expect_refused(&t, POTNPU_SAE_ERANGE, 0, "table past the end: ERANGE");
    t = base_tile(POTNPU_OP_CONV2D);
    t.in = POTNPU_SRAM_SIZE - 1;
    t.in_w = 4096;
    t.in_cstride = 8192;
    t.in_h = t.rows_in = 4096;
    t.out_w = 4096;
    expect_refused(&t, POTNPU_SAE_ERANGE, 0, "input of 2^37 bytes: ERANGE");
    t = base_tile(POTNPU_OP_CONV2D);
    t.chan = 0xfffffffc;
    expect_refused(&t, POTNPU_SAE_ERANGE, 0, "channel records at 2^32 - 4");

    /* Decode table words. */
    t = base_tile(POTNPU_OP_CONV2D);
    st32(TABLE + 4 * 6, 0x00400040);
    expect_refused(&t, POTNPU_SAE_ETABLE, 6, "term after a 0 byte: ETABLE 6");
    st32(TABLE + 4 * 6, POTNPU_TERM(0, 5));
    st32(TABLE + 4 * 13, 0x00000070);
    expect_refused(&t, POTNPU_SAE_ETABLE, 13, "reserved bits 5:4: ETABLE 13");
    st32(TABLE + 4 * 13, 0x00000085);
    expect_refused(&t, POTNPU_SAE_ETABLE, 13, "NEG without PRESENT: ETABLE 13");
    st32(TABLE + 4 * 13, POTNPU_TERM(1, 4));
    st32(TABLE + 4 * 15, 0x4f4f4f4f);
    CHECK(run(&t).status == POTNPU_SAE_OK, "four terms of 2^15 are fine");
    memset(sram + OUT, 0x3c, 16);

    /* Work: out_rows * out_w * ocb * taps <= 2^22. */
    t = base_tile(POTNPU_OP_CONV2D);
    t.in_h = t.rows_in = 1;
    t.in_w = t.out_w = 1024;
    t.in_c = t.in_cstride = 4097;
    expect_refused(&t, POTNPU_SAE_EWORK, 0, "work 1024 * 4097: EWORK");
    t = base_tile(POTNPU_OP_MAXPOOL);
    t.in_h = t.rows_in = 16;
    t.in_w = 4096;
    t.out_w = 4096 - 15;
    t.kh = t.kw = 16;
    t.in_c = t.in_cstride = t.out_c = t.ocb = 5;
    expect_refused(&t, POTNPU_SAE_EWORK, 0, "maxpool work 4081*5*256: EWORK");
}

/* Terms per second on a big tile: 3 x 3 x 64 -> 32 channels, int8. */
static void bench(void)
{
    struct potnpu_sae_tile t = base_tile(POTNPU_OP_CONV2D);
    struct potnpu_sae_result r = { 0 };
    struct timespec a, b;
    uint64_t terms = 0;
    double s;
    uint32_t i, c, reps = 20;

    srand(7);
    for (i = 0; i < POTNPU_SRAM_IN_SIZE; i++) {
        sram[IN + i] = rand();
    }
    for (c = 0; c < 256; c++) {
        /* NAF of the int8 value c. */
        int32_t v = (int8_t)c, k = 0, n = 0;
        uint32_t w = 0;

        while (v) {
            if (v & 1) {
                int32_t d = (v & 3) == 3 ? -1 : 1;

                w |= (uint32_t)POTNPU_TERM(d < 0, k) << (8 * n++);
                v -= d;
            }
            v /= 2;
            k++;
        }
        st32(TABLE + 4 * c, w);
    }
    t.wbits = 8;
    t.in_h = t.rows_in = 6;
    t.in_w = 34;
    t.in_c = t.in_cstride = 64;
    t.out_rows = 4;
    t.out_w = 32;
    t.out_c = t.ocb = 32;
    t.kh = t.kw = 3;
    t.weights = WEIGHTS;
    for (i = 0; i < 32 * 576; i++) {
        sram[WEIGHTS + i] = rand();
    }
    for (c = 0; c < 32; c++) {
        set_chan(c, 0, 23170, 20);
    }
    clock_gettime(CLOCK_MONOTONIC, &a);
    for (i = 0; i < reps; i++) {
        r = run(&t);
        terms += r.terms;
    }
    clock_gettime(CLOCK_MONOTONIC, &b);
    s = (b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9;
    printf("# bench: status %u, %llu taps, %llu terms per tile, %.1f ms per "
           "tile, %.0f Mterms/s, %.0f Mtaps/s\n", r.status,
           (unsigned long long)r.taps, (unsigned long long)r.terms,
           s * 1e3 / reps, terms / s / 1e6, r.taps * (double)reps / s / 1e6);
}

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "--bench")) {
        bench();
        return 0;
    }
    test_conv_worked();
    test_requant();
    test_wrap();
    test_avgpool();
    test_maxpool();
    test_empty_windows();
    test_groups();
    test_dilation();
    test_asym_pad();
    test_loaded_rows();
    test_zero_skips();
    test_code_widths();
    test_add();
    test_errors();
    printf("1..%u\n", n_test);
    return n_fail ? 1 : 0;
}
