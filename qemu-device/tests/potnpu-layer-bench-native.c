/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The layer benchmark's native baseline: potnpu-bench --layers' suite
 * (userspace/tools/layer_suite.c) run on the host by
 *  (a) the shift-add engine itself (potnpu-sae-engine.c): the firmware's
 *      tile loop (firmware/layer.c) replayed with potnpu_layer_plan(), the
 *      same SRAM layout, memcpy for the DMA and potnpu_sae_run() per tile;
 *  (b) libpotnpu's CPU reference executor;
 * (a) checked against (b) in every output byte and counter, then both
 * timed. A benchmark, not a test; --smoke is the small check
 * scripts/test-qtest.sh counts.
 *
 * Copyright (c) 2026 The potnpu authors
 *
 *   potnpu-layer-bench-native [--iterations N] [--json] [--tiny]
 *   potnpu-layer-bench-native --smoke
 */

#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "potnpu_layer.h"
#include "bench.h"
#include "layer_suite.h"
#include "../potnpu-sae-engine.h"

#define SRAM_CHAN (POTNPU_SRAM_W + POTNPU_SRAM_TABLE_SIZE)

struct options {
    unsigned int iterations;
    bool json, tiny, smoke;
};

/* One layer being replayed: the command, its plan, SRAM, the counters. */
struct replay {
    const struct layer_case *c;
    struct potnpu_layer_desc d;
    struct potnpu_layer_plan p;
    struct potnpu_sae_tile t;
    uint8_t *sram;
    uint8_t table[POTNPU_SRAM_TABLE_SIZE];
    uint8_t *chan;
    int8_t *out;
    struct potnpu_layer_counts ctr;
    uint32_t block_bytes, tiles;
    uint64_t sae_ns;
};

/* Timings of one layer, ns: the replay, its engine starts, the reference. */
struct timing {
    struct bench_latency replay, sae, ref;
    uint32_t tiles;
};

static uint32_t min32(uint32_t a, uint32_t b)
{
    return a < b ? a : b;
}

/* The command's fields, as the firmware decodes them (addresses 0/1). */
static void desc_of(const struct potnpu_layer *l, struct potnpu_layer_desc *d)
{
    memset(d, 0, sizeof(*d));
    d->op = l->op;
    d->chan_va = l->op == POTNPU_LAYER_CONV2D ||
                 l->op == POTNPU_LAYER_AVGPOOL ||
                 l->op == POTNPU_LAYER_REQUANT;
    d->in_h = l->in_h, d->in_w = l->in_w, d->in_c = l->in_c;
    d->in_cstride = l->in_cstride;
    d->out_h = l->out_h, d->out_w = l->out_w, d->out_c = l->out_c;
    d->out_cstride = l->out_cstride;
    d->kh = l->kh, d->kw = l->kw, d->sh = l->sh, d->sw = l->sw;
    d->dh = l->dh, d->dw = l->dw;
    d->wbits = l->wbits, d->flags = l->flags;
    d->pad_t = l->pad_t, d->pad_l = l->pad_l;
    d->pad_b = l->pad_b, d->pad_r = l->pad_r;
    d->groups = l->groups, d->in2_cstride = l->in2_cstride;
    d->in_zp = l->in_zp, d->in2_zp = l->in2_zp, d->out_zp = l->out_zp;
    d->lo = l->lo, d->hi = l->hi;
    d->shift = l->shift, d->m_a = l->m_a, d->m_b = l->m_b;
}

/* firmware/layer.c's tile_init(). */
static void tile_init(struct replay *r)
{
    const struct potnpu_layer_desc *d = &r->d;
    struct potnpu_sae_tile *t = &r->t;

    memset(t, 0, sizeof(*t));
    t->op = d->op, t->flags = d->flags;
    t->in = POTNPU_SRAM_IN, t->out = POTNPU_SRAM_OUT;
    t->table = d->op == POTNPU_OP_CONV2D ? POTNPU_SRAM_W : 0;
    t->chan = d->chan_va ? SRAM_CHAN : 0;
    t->in_h = d->in_h, t->in_w = d->in_w, t->in_c = d->in_c;
    t->in_cstride = d->in_cstride, t->in2_cstride = d->in2_cstride;
    t->out_w = d->out_w, t->out_c = d->out_c;
    t->kh = d->kh, t->kw = d->kw, t->sh = d->sh, t->sw = d->sw;
    t->dh = d->dh, t->dw = d->dw;
    t->pad_t = d->pad_t, t->pad_l = d->pad_l;
    t->pad_b = d->pad_b, t->pad_r = d->pad_r;
    t->groups = d->groups, t->wbits = d->wbits;
    t->in_zp = d->in_zp, t->in2_zp = d->in2_zp, t->out_zp = d->out_zp;
    t->lo = d->lo, t->hi = d->hi;
    t->shift = d->shift, t->m_a = d->m_a, t->m_b = d->m_b;
}

/* The block's table, records and weight rows into SRAM (load_block()). */
static void load_block(struct replay *r, uint32_t oc0, uint32_t ocb)
{
    const struct layer_case *c = r->c;
    uint32_t rec = ocb * POTNPU_CHAN_RECORD_SIZE, wlen = ocb * r->p.row_bytes;
    int conv = r->d.op == POTNPU_OP_CONV2D;

    r->block_bytes = 0;
    if (conv) {
        memcpy(r->sram + POTNPU_SRAM_W, r->table, c->sz.table);
        r->block_bytes = (uint32_t)c->sz.table;
    }
    if (r->d.chan_va) {
        memcpy(r->sram + SRAM_CHAN, r->chan + oc0 * POTNPU_CHAN_RECORD_SIZE,
               rec);
        r->block_bytes += rec;
    }
    if (conv) {
        memcpy(r->sram + SRAM_CHAN + rec,
               c->rows + (size_t)oc0 * r->p.row_bytes, wlen);
        r->block_bytes += wlen;
    }
    r->t.weights = conv ? SRAM_CHAN + rec : 0;
    r->t.oc0 = oc0;
    r->t.ocb = ocb;
}

/* The band's input rows inside the input (load_band()); bytes moved. */
static uint32_t load_band(struct replay *r, uint32_t oh0, uint32_t nr)
{
    const struct potnpu_layer_desc *d = &r->d;
    uint32_t a_row = d->in_w * d->in_cstride, b_row = d->in_w * d->in2_cstride;
    int32_t y0 = (int32_t)(oh0 * d->sh) - (int32_t)d->pad_t;
    int32_t y1 = y0 + (int32_t)potnpu_plan_in_rows(nr, d->sh, d->kh, d->dh);
    uint32_t lo = y0 < 0 ? 0 : (uint32_t)y0;
    uint32_t hi = y1 < 0 ? 0 : min32((uint32_t)y1, d->in_h);
    uint32_t n = hi > lo ? hi - lo : 0, alen = n * a_row;
    int add = d->op == POTNPU_OP_ADD;

    r->t.row_lo = lo;
    r->t.rows_in = n;
    r->t.in2 = add ? POTNPU_SRAM_IN + alen : 0;
    memcpy(r->sram + POTNPU_SRAM_IN, r->c->in + (size_t)lo * a_row, alen);
    if (add) {
        memcpy(r->sram + POTNPU_SRAM_IN + alen,
               r->c->in2 + (size_t)lo * b_row, n * b_row);
    }
    return alen + (add ? n * b_row : 0);
}

/* The output band back to the tensor, pixel stride out_cstride (2D). */
static void store_band(struct replay *r, uint32_t oh0, uint32_t nr)
{
    const struct potnpu_layer_desc *d = &r->d;
    uint32_t px, ocb = r->t.ocb;
    int8_t *dst = r->out + (size_t)oh0 * d->out_w * d->out_cstride + r->t.oc0;

    for (px = 0; px < nr * d->out_w; px++) {
        memcpy(dst + (size_t)px * d->out_cstride,
               r->sram + POTNPU_SRAM_OUT + px * ocb, ocb);
    }
}

/* The tile's counters and cycles (account()). */
static void account(struct replay *r, const struct potnpu_sae_result *res,
                    uint32_t in_bytes, uint32_t out_bytes)
{
    struct potnpu_layer_counts *c = &r->ctr;
    uint32_t dma = r->block_bytes + in_bytes + out_bytes;
    uint32_t move = (dma + POTNPU_DMA_BYTES_PER_CYCLE - 1) /
                    POTNPU_DMA_BYTES_PER_CYCLE;

    c->taps += res->taps;
    c->terms += res->terms;
    c->zero_skips += res->zero_skips;
    c->dma_in += r->block_bytes + in_bytes;
    c->dma_out += out_bytes;
    c->cycles += (uint64_t)(res->cycles > move ? res->cycles : move) +
                 POTNPU_TILE_CYCLES;
    r->block_bytes = 0;
}

/* One tile: @nr output rows from @oh0 of the current block (run_tile()). */
static int run_tile(struct replay *r, uint32_t oh0, uint32_t nr)
{
    struct potnpu_sae_result res;
    uint32_t in_bytes = load_band(r, oh0, nr);
    uint64_t t0;

    r->t.out_row0 = oh0;
    r->t.out_rows = nr;
    t0 = bench_now_ns();
    potnpu_sae_run(&r->t, r->sram, POTNPU_SRAM_SIZE, &res);
    r->sae_ns += bench_now_ns() - t0;
    r->tiles++;
    if (res.status != POTNPU_SAE_OK) {
        fprintf(stderr, "%s: tile at row %u, channel %u: engine status %u\n",
                r->c->what, oh0, r->t.oc0, res.status);
        return -1;
    }
    store_band(r, oh0, nr);
    account(r, &res, in_bytes, nr * r->d.out_w * r->t.ocb);
    return 0;
}

/* The whole layer through the engine into @out (fw_layer_run()). */
static int replay_layer(struct replay *r, int8_t *out)
{
    const struct potnpu_layer_desc *d = &r->d;
    uint32_t oc0, ocb, oh0, rows = r->p.rows;

    r->out = out;
    memcpy(out, r->c->out_init, r->c->sz.out);
    memset(&r->ctr, 0, sizeof(r->ctr));
    r->tiles = 0;
    r->sae_ns = 0;
    tile_init(r);
    for (oc0 = 0; oc0 < d->out_c; oc0 += r->p.ocb) {
        ocb = min32(r->p.ocb, d->out_c - oc0);
        load_block(r, oc0, ocb);
        for (oh0 = 0; oh0 < d->out_h; oh0 += rows) {
            if (run_tile(r, oh0, min32(rows, d->out_h - oh0))) {
                return -1;
            }
        }
    }
    if (d->op == POTNPU_OP_CONV2D) {
        r->ctr.macs = (uint64_t)d->out_h * d->out_w * d->out_c * r->p.taps;
        r->ctr.bitserial = r->ctr.taps * d->wbits;
    }
    return 0;
}

static int replay_init(struct replay *r, const struct layer_case *c,
                       uint8_t *sram)
{
    memset(r, 0, sizeof(*r));
    r->c = c;
    r->sram = sram;
    desc_of(&c->l, &r->d);
    if (potnpu_layer_plan(&r->d, &r->p)) {
        return -1;
    }
    if (c->sz.table) {
        potnpu_layer_pack_table(c->s.table, c->sz.table / 4, r->table);
    }
    r->chan = calloc(c->l.out_c, POTNPU_CHAN_RECORD_SIZE);
    if (!r->chan) {
        return -1;
    }
    potnpu_layer_pack_chan(c->chan, c->l.out_c, r->chan);
    return 0;
}

/* (a) against (b), then @n timed runs of each. */
static int bench_layer(const struct layer_case *c, uint8_t *sram,
                       unsigned int n, struct timing *tm, char *why,
                       size_t len)
{
    int8_t *eng = malloc(c->sz.out), *ref = malloc(c->sz.out);
    uint64_t *rep = calloc(n, 8), *sae = calloc(n, 8), *rt = calloc(n, 8);
    struct potnpu_layer_counts rc;
    struct replay r;
    unsigned int i;
    int err = -1;

    snprintf(why, len, "setup failed");
    if (eng && ref && rep && sae && rt && !replay_init(&r, c, sram) &&
        !replay_layer(&r, eng) && !layer_case_reference(c, ref, &rc)) {
        err = layer_case_compare(c, eng, ref, &r.ctr, &rc, why, len);
    }
    for (i = 0; !err && i < n; i++) {
        uint64_t t0 = bench_now_ns();

        err = replay_layer(&r, eng);
        rep[i] = bench_now_ns() - t0;
        sae[i] = r.sae_ns;
        t0 = bench_now_ns();
        err |= layer_case_reference(c, ref, NULL);
        rt[i] = bench_now_ns() - t0;
    }
    if (!err) {
        bench_latency_of(rep, n, &tm->replay);
        bench_latency_of(sae, n, &tm->sae);
        bench_latency_of(rt, n, &tm->ref);
        tm->tiles = r.tiles;
    }
    if (eng && ref && rep && sae && rt) {
        free(r.chan);
    }
    free(eng), free(ref), free(rep), free(sae), free(rt);
    return err;
}

static void print_row(const struct options *o, unsigned int i,
                      const char *name, const struct layer_case *c,
                      const struct timing *tm)
{
    char scheme[16] = "-";

    if (c->l.op == POTNPU_LAYER_CONV2D) {
        potnpu_scheme_name(&c->s, scheme, sizeof(scheme));
    }
    if (o->json) {
        printf("%s{\"name\": \"%s\", \"scheme\": \"%s\", \"what\": \"%s\", "
               "\"tiles\": %u, \"engine_ns\": {\"min\": %llu, \"p50\": %llu}, "
               "\"sae_run_ns\": {\"p50\": %llu}, "
               "\"reference_ns\": {\"min\": %llu, \"p50\": %llu}}",
               i ? ",\n    " : "    ", name, scheme, c->what, tm->tiles,
               (unsigned long long)tm->replay.min,
               (unsigned long long)tm->replay.p50,
               (unsigned long long)tm->sae.p50,
               (unsigned long long)tm->ref.min,
               (unsigned long long)tm->ref.p50);
        return;
    }
    printf("%-15s %-9s %5u %12.3f %12.3f %12.3f\n", name, scheme, tm->tiles,
           tm->replay.p50 / 1e6, tm->sae.p50 / 1e6, tm->ref.p50 / 1e6);
}

static int usage(FILE *f, int rc)
{
    fprintf(f, "usage: potnpu-layer-bench-native [--iterations N] [--json] "
               "[--tiny]\n       potnpu-layer-bench-native --smoke\n");
    return rc;
}

static int parse(int argc, char **argv, struct options *o)
{
    static const struct option longopts[] = {
        { "iterations", required_argument, NULL, 'n' },
        { "json", no_argument, NULL, 'j' },
        { "tiny", no_argument, NULL, 't' },
        { "smoke", no_argument, NULL, 's' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    char end;
    int ch;

    *o = (struct options){ .iterations = 10 };
    while ((ch = getopt_long(argc, argv, "n:jh", longopts, NULL)) != -1) {
        if (ch == 'n') {
            if (sscanf(optarg, "%u%c", &o->iterations, &end) != 1 ||
                !o->iterations || o->iterations > 100000) {
                return usage(stderr, 64);
            }
        } else if (ch == 'j' || ch == 't' || ch == 's') {
            *(ch == 'j' ? &o->json : ch == 't' ? &o->tiny : &o->smoke) = true;
        } else {
            return usage(ch == 'h' ? stdout : stderr, ch == 'h' ? 0 : 64);
        }
    }
    if (optind < argc) {
        return usage(stderr, 64);
    }
    if (o->smoke) {
        *o = (struct options){ .iterations = 1, .tiny = true, .smoke = true };
    }
    return -1;
}

static void header(const struct options *o)
{
    if (o->smoke) {
        printf("1..1\n");
    } else if (o->json) {
        printf("{\n  \"tool\": \"potnpu-layer-bench-native\",\n"
               "  \"iterations\": %u,\n  \"layers\": [\n", o->iterations);
    } else {
        printf("%-15s %-9s %5s %12s %12s %12s\n", "layer", "scheme", "tiles",
               "engine ms", "sae_run ms", "reference ms");
    }
}

int main(int argc, char **argv)
{
    static uint8_t sram[POTNPU_SRAM_SIZE];
    struct options o;
    struct layer_case c;
    struct timing tm = { 0 };
    const char *name;
    unsigned int i, bad = 0;
    char why[512];
    int rc = parse(argc, argv, &o);

    if (rc >= 0) {
        return rc;
    }
    header(&o);
    for (i = 0; i < LAYER_SUITE_COUNT; i++) {
        int err = layer_suite_make(&c, i, o.tiny, &name);

        if (err) {
            snprintf(why, sizeof(why), "cannot make the layer: %d", err);
        } else {
            err = bench_layer(&c, sram, o.iterations, &tm, why, sizeof(why));
        }
        bad += !!err;
        if (err) {
            fprintf(o.smoke ? stdout : stderr, "%s%s: %s\n",
                    o.smoke ? "# " : "potnpu-layer-bench-native: ", c.what,
                    why);
        } else if (!o.smoke) {
            print_row(&o, i, name, &c, &tm);
        }
        layer_case_free(&c);
    }
    if (o.smoke) {
        printf("%sok 1 - native engine = CPU reference on the tiny suite "
               "(%u layers, every byte and counter)\n", bad ? "not " : "",
               LAYER_SUITE_COUNT);
    } else if (o.json) {
        printf("\n  ],\n  \"mismatches\": %u\n}\n", bad);
    }
    return bad ? 1 : 0;
}
