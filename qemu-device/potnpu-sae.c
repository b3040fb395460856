/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * potnpu: the shift-add engine's registers, the glue around its
 * arithmetic.
 *
 * Copyright (c) 2026 The potnpu authors
 *
 * A store to SAE_START reads a struct potnpu_sae_tile from DMEM at
 * SAE_DESC (checked to lie inside DMEM), runs it over the engine's SRAM
 * (potnpu-sae-engine.c, which validates the whole tile before it writes)
 * and latches the status and counters, all before the store retires.
 * The modeled cycles are charged to the core as slots, bounded, so a
 * firmware starting the engine in a loop gets no more of the host than
 * its time-slice budget.
 */

#include "qemu/osdep.h"
#include "qemu/log.h"
#include "potnpu.h"
#include "potnpu-sae-engine.h"
#include "trace.h"

QEMU_BUILD_BUG_ON(sizeof(struct potnpu_sae_tile) % 4);

void potnpu_sae_reset(PotnpuState *s)
{
    s->sae_desc = 0;
    s->sae_status = POTNPU_SAE_OK;
    s->sae_error_info = 0;
    s->sae_taps = 0;
    s->sae_terms = 0;
    s->sae_zero = 0;
    s->sae_cycles = 0;
    memset(s->sram, 0, sizeof(s->sram));
}

/* The tile at SAE_DESC, or the POTNPU_SAE_* status that refuses it. */
static uint32_t sae_read_tile(PotnpuState *s, struct potnpu_sae_tile *tile)
{
    uint32_t w[sizeof(*tile) / 4];
    unsigned i;

    if (s->sae_desc & 3) {
        return POTNPU_SAE_EINVAL;
    }
    if (s->sae_desc >= POTNPU_CORE_DMEM_SIZE ||
        sizeof(*tile) > POTNPU_CORE_DMEM_SIZE - s->sae_desc) {
        return POTNPU_SAE_ERANGE;
    }
    for (i = 0; i < ARRAY_SIZE(w); i++) {
        w[i] = ldl_le_p(s->dmem + s->sae_desc + 4 * i);
    }
    memcpy(tile, w, sizeof(*tile));
    return POTNPU_SAE_OK;
}

/*
 * Slots a start costs: see POTNPU_SAE_CYCLES_PER_SLOT. A zero weight
 * takes no modeled cycle but costs the host a look-up, so a start counts
 * at least one cycle per POTNPU_SAE_LANES taps visited.
 */
static uint32_t sae_cost(const struct potnpu_sae_result *res)
{
    uint64_t cycles = MAX(res->cycles,
                          DIV_ROUND_UP(res->taps, POTNPU_SAE_LANES));

    cycles = MIN(cycles, POTNPU_SAE_MAX_CYCLES);
    return POTNPU_SAE_MIN_SLOTS +
           DIV_ROUND_UP(cycles, POTNPU_SAE_CYCLES_PER_SLOT);
}

/* A store to SAE_START: compute the tile, latch status and counters. */
void potnpu_sae_start(PotnpuState *s)
{
    struct potnpu_sae_tile tile = { 0 };
    struct potnpu_sae_result res = { 0 };

    res.status = sae_read_tile(s, &tile);
    if (res.status == POTNPU_SAE_OK) {
        potnpu_sae_run(&tile, s->sram, sizeof(s->sram), &res);
    }
    s->sae_status = res.status;
    s->sae_error_info = res.error_info;
    s->sae_taps = res.taps;
    s->sae_terms = res.terms;
    s->sae_zero = res.zero_skips;
    s->sae_cycles = res.cycles;
    s->slot_debt += sae_cost(&res);
    trace_potnpu_sae(s->sae_desc, tile.op, res.status, res.error_info,
                     res.taps, res.terms, res.cycles);
    if (res.status != POTNPU_SAE_OK) {
        qemu_log_mask(LOG_GUEST_ERROR,
                      "potnpu: SAE tile at DMEM 0x%04x (op 0x%x) refused: "
                      "status %u, info %u\n", s->sae_desc, tile.op,
                      res.status, res.error_info);
    }
}
