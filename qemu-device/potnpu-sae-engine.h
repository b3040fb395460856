/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * potnpu: the shift-add engine's arithmetic, one tile over an SRAM image.
 *
 * Copyright (c) 2026 The potnpu authors
 *
 * Pure C with no QEMU dependency, so a host program can test it as is.
 * What a tile computes is docs/numerics.md; the tile descriptor is
 * struct potnpu_sae_tile of potnpu/potnpu_core.h.
 */

#ifndef HW_POTNPU_SAE_ENGINE_H
#define HW_POTNPU_SAE_ENGINE_H

#include <stdint.h>
#include "potnpu/potnpu_core.h"

/*
 * What one start did: the counters of docs/numerics.md (taps visited,
 * terms executed, zero weights skipped, modeled cycles), a POTNPU_SAE_*
 * status and its detail (the offending code for POTNPU_SAE_ETABLE, else
 * 0). After a failed start every counter is 0.
 */
struct potnpu_sae_result {
    uint64_t taps, terms, zero_skips;
    uint32_t cycles, status, error_info;
};

/*
 * Compute one tile over @sram (@sram_size bytes). The whole tile is
 * checked first; on an error nothing in @sram is written.
 */
void potnpu_sae_run(const struct potnpu_sae_tile *tile, uint8_t *sram,
                    uint32_t sram_size, struct potnpu_sae_result *res);

#endif /* HW_POTNPU_SAE_ENGINE_H */
