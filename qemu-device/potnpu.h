/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * potnpu: the device model's state and the functions its files share.
 *
 * The register layout lives in the shared headers potnpu/potnpu_regs.h
 * (host view) and potnpu/potnpu_core.h (control core view);
 * docs/device-spec.md in the potnpu repository is the specification.
 *
 * Files:
 *   potnpu.c       PCI function, BAR0 registers, BAR4 window, interrupts,
 *                  reset, migration
 *   potnpu-core.c  the control core: memory map, CORE_IO registers,
 *                  time slices, watchdog
 *   potnpu-rv32.c  the RV32I hart it runs (potnpu-rv32.h)
 *   potnpu-mmu.c   device MMU: page walk, TLB, fault reporting
 *   potnpu-dma.c   the control core's DMA engine
 *   potnpu-sae.c   the shift-add engine's registers and SRAM
 *   potnpu-sae-engine.c  its arithmetic, pure C (potnpu-sae-engine.h)
 */

#ifndef HW_POTNPU_H
#define HW_POTNPU_H

#include "hw/pci/pci_device.h"
#include "qemu/timer.h"
#include "qom/object.h"
#include "potnpu/potnpu_regs.h"
#include "potnpu/potnpu_core.h"
#include "potnpu/potnpu_layer.h"
#include "potnpu-rv32.h"

#define TYPE_POTNPU "potnpu"
OBJECT_DECLARE_SIMPLE_TYPE(PotnpuState, POTNPU)

/* Translations the MMU caches; a small fully associative TLB. */
#define POTNPU_TLB_ENTRIES      8

/* Defaults and limits of the execution budget properties. */
#define POTNPU_SLICE_US_DEFAULT         100
#define POTNPU_SLICE_US_MAX             1000000
#define POTNPU_SLICE_INSNS_DEFAULT      2000
#define POTNPU_SLICE_INSNS_MAX          10000000

/*
 * A DMA transfer also costs the core time slots, one per this many bytes
 * moved and at least POTNPU_DMA_MIN_SLOTS (one chunk's worth), so that
 * the host work of one slice stays bounded by the budget (plus at most one
 * transfer) however often the firmware starts DMA, and however small the
 * transfers are: each costs the host a memory map lookup at least, and a
 * write to a register (a PCI command register through ECAM) may make QEMU
 * rebuild its memory map.
 */
#define POTNPU_DMA_BYTES_PER_SLOT       64
#define POTNPU_DMA_MIN_SLOTS            64
/*
 * Each row of a 2D transfer is a separate access (a memory map lookup for
 * host memory), so a transfer also costs at least this many slots per row.
 */
#define POTNPU_DMA_ROW_SLOTS            4
#define POTNPU_DMA_MAX_SLOTS            (POTNPU_DMA_MAX_LEN * \
                                         POTNPU_DMA_ROW_SLOTS)

/*
 * An engine start costs the core slots too: POTNPU_SAE_MIN_SLOTS (reading
 * and checking the tile, also when it is refused) plus one per this many
 * modeled cycles (16 terms each; at least one cycle per 16 taps visited,
 * zero weights included). That keeps the host's time per slot near an
 * instruction's. The largest start models 2^20 + 2^16 + 16 cycles (4
 * terms for each of 2^22 taps, 2^18 outputs).
 */
#define POTNPU_SAE_CYCLES_PER_SLOT      4
#define POTNPU_SAE_MIN_SLOTS            64
#define POTNPU_SAE_MAX_CYCLES           ((1u << 20) + (1u << 16) + 16)
#define POTNPU_SAE_MAX_SLOTS            (POTNPU_SAE_MIN_SLOTS + \
                                         POTNPU_SAE_MAX_CYCLES / \
                                         POTNPU_SAE_CYCLES_PER_SLOT)

typedef struct PotnpuTlbEntry {
    bool valid;
    bool writable;
    uint32_t slot;
    uint64_t vpage;             /* VA >> POTNPU_PAGE_SHIFT */
    uint64_t page;              /* bus address of the page */
} PotnpuTlbEntry;

struct PotnpuState {
    /*< private >*/
    PCIDevice parent_obj;
    /*< public >*/

    MemoryRegion regs;
    MemoryRegion core_mem;
    QEMUTimer *core_timer;
    QEMUBH *core_bh;            /* one slice, under the re-entrancy guard */

    /* Properties: the core's execution budget. */
    uint32_t slice_us;
    uint32_t slice_insns;

    /* BAR0 host interface; everything here is guest visible and migrated. */
    uint32_t scratch;
    uint32_t irq_status;
    uint32_t irq_mask;
    uint32_t ping_data;
    uint32_t ping_count;
    uint32_t guest_errors;

    /* Control core block (0x100). */
    uint32_t core_ctrl;
    bool core_running;          /* executing or waiting in WFI */
    bool core_trapped;          /* halted by a fatal trap */
    bool core_watchdog;         /* halted by the watchdog */
    uint32_t core_entry;
    uint32_t fault_cause;
    uint32_t fault_pc;
    uint32_t fault_val;
    uint32_t wdog_limit;
    uint32_t wdog_count;        /* retired instructions since the last kick */
    uint32_t slot_debt;         /* slots owed for DMA, paid before executing */

    /* The RV32I hart (potnpu-rv32.c) and its interrupt inputs. */
    Rv32Hart hart;
    uint64_t timecmp;
    uint32_t events;

    /* Core memories, also the BAR4 window. */
    uint8_t imem[POTNPU_CORE_IMEM_SIZE];
    uint8_t dmem[POTNPU_CORE_DMEM_SIZE];

    /* Mailbox block (0x200). */
    uint32_t fw_status;
    uint32_t fw_version;
    uint32_t fw_abi;
    uint32_t fw_caps;
    uint32_t fw_error;
    uint32_t fw_heartbeat;
    uint32_t fw_log_base;
    uint32_t fw_log_size;
    uint32_t fw_log_head;
    uint32_t host_abi;
    uint32_t h2f_msg;
    uint32_t h2f_arg;

    /* MMU block (0x300). */
    uint32_t mmu_ctx_sel;
    uint64_t mmu_pt[POTNPU_MMU_SLOTS];
    uint32_t mmu_fault_status;
    uint32_t mmu_fault_addr;
    uint32_t mmu_fault_addr_hi;
    uint32_t mmu_fault_count;
    PotnpuTlbEntry tlb[POTNPU_TLB_ENTRIES];     /* not migrated */
    uint32_t tlb_next;

    /* Job queue block (0x400). */
    uint32_t jq_base_lo;
    uint32_t jq_base_hi;
    uint32_t jq_size;
    uint32_t jq_tail;
    uint32_t jq_head;
    uint32_t cq_base_lo;
    uint32_t cq_base_hi;
    uint32_t cq_tail;
    uint32_t cq_head;

    /* DMA engine (CORE_IO 0x100). */
    uint64_t dma_src;
    uint64_t dma_dst;
    uint32_t dma_len;
    uint32_t dma_ctx;
    uint32_t dma_mode;
    uint32_t dma_pattern;
    uint32_t dma_status;
    uint32_t dma_fault_addr;
    uint32_t dma_fault_addr_hi;
    uint32_t dma_rows;
    uint32_t dma_src_stride;
    uint32_t dma_dst_stride;

    /* Shift-add engine (CORE_IO 0x180) and its SRAM. */
    uint32_t sae_desc;
    uint32_t sae_status;
    uint32_t sae_error_info;
    uint64_t sae_taps;
    uint64_t sae_terms;
    uint64_t sae_zero;
    uint32_t sae_cycles;
    uint8_t sram[POTNPU_SRAM_SIZE];
};

/* potnpu.c */
void potnpu_raise_irq(PotnpuState *s, uint32_t bits);

/* potnpu-core.c */
void potnpu_core_realize(PotnpuState *s);
void potnpu_core_unrealize(PotnpuState *s);
void potnpu_core_reset(PotnpuState *s);
void potnpu_core_set_ctrl(PotnpuState *s, uint32_t val);
uint32_t potnpu_core_status(PotnpuState *s);
void potnpu_core_event(PotnpuState *s, uint32_t event);
bool potnpu_core_state_valid(PotnpuState *s);
void potnpu_core_post_load(PotnpuState *s);

/* potnpu-mmu.c */
void potnpu_mmu_reset(PotnpuState *s);
void potnpu_mmu_invalidate(PotnpuState *s, uint32_t slot);
bool potnpu_mmu_translate(PotnpuState *s, uint32_t slot, uint64_t va,
                          bool is_write, uint64_t *pa);
void potnpu_mmu_fault(PotnpuState *s, uint32_t slot, uint64_t va,
                      bool is_write, unsigned reason);

/* potnpu-dma.c */
void potnpu_dma_reset(PotnpuState *s);
void potnpu_dma_start(PotnpuState *s);

/* potnpu-sae.c */
void potnpu_sae_reset(PotnpuState *s);
void potnpu_sae_start(PotnpuState *s);

#endif /* HW_POTNPU_H */
