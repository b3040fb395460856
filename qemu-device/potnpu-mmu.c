/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * potnpu: the device MMU.
 *
 * Copyright (c) 2026 The potnpu authors
 *
 * Sixteen context slots, each the bus address of a two-level page table in
 * host memory (format in potnpu/potnpu_job.h). Translations are cached in
 * a small fully associative TLB, so a changed table entry or root takes
 * effect only after MMU_INVALIDATE, as the specification tells software.
 * A failed translation latches the first fault in MMU_FAULT_STATUS/ADDR(_HI),
 * counts it and raises IRQ_ERROR.
 */

#include "qemu/osdep.h"
#include "hw/pci/pci_device.h"
#include "potnpu.h"
#include "potnpu/potnpu_job.h"
#include "trace.h"

/* The PTE bits a table entry may have set; anything else is BAD_PTE. */
#define PTE_L1_OK   (POTNPU_PTE_VALID | POTNPU_PTE_ADDR_MASK)
#define PTE_L2_OK   (POTNPU_PTE_VALID | POTNPU_PTE_WRITE | POTNPU_PTE_ADDR_MASK)

void potnpu_mmu_fault(PotnpuState *s, uint32_t slot, uint64_t va,
                      bool is_write, unsigned reason)
{
    trace_potnpu_mmu_fault(slot, va, is_write, reason);
    if (!(s->mmu_fault_status & POTNPU_MMU_FAULT_VALID)) {
        s->mmu_fault_status = POTNPU_MMU_FAULT_MAKE(slot, reason, is_write);
        s->mmu_fault_addr = va;
        s->mmu_fault_addr_hi = va >> 32;
    }
    if (s->mmu_fault_count < UINT32_MAX) {
        s->mmu_fault_count++;
    }
    potnpu_raise_irq(s, POTNPU_IRQ_ERROR);
}

void potnpu_mmu_invalidate(PotnpuState *s, uint32_t slot)
{
    unsigned i;

    trace_potnpu_mmu_invalidate(slot);
    for (i = 0; i < POTNPU_TLB_ENTRIES; i++) {
        if (slot == POTNPU_MMU_INVALIDATE_ALL || s->tlb[i].slot == slot) {
            s->tlb[i].valid = false;
        }
    }
}

void potnpu_mmu_reset(PotnpuState *s)
{
    s->mmu_ctx_sel = 0;
    memset(s->mmu_pt, 0, sizeof(s->mmu_pt));
    s->mmu_fault_status = 0;
    s->mmu_fault_addr = 0;
    s->mmu_fault_addr_hi = 0;
    s->mmu_fault_count = 0;
    memset(s->tlb, 0, sizeof(s->tlb));
    s->tlb_next = 0;
}

/* Read one 64-bit table entry; false (BUS fault) when unreadable. */
static bool read_pte(PotnpuState *s, uint64_t table, uint64_t index,
                     uint64_t *pte)
{
    uint64_t le;

    if (pci_dma_read(PCI_DEVICE(s), table + index * 8, &le, sizeof(le)) !=
        MEMTX_OK) {
        return false;
    }
    *pte = le64_to_cpu(le);
    return true;
}

/*
 * Walk the tables of @slot for @va. Returns 0 and the TLB entry to use,
 * or a POTNPU_MMU_REASON_*.
 */
static unsigned mmu_walk(PotnpuState *s, uint32_t slot, uint64_t va,
                         PotnpuTlbEntry *e)
{
    uint64_t l1, l2;

    if (!read_pte(s, s->mmu_pt[slot], POTNPU_PT_INDEX(va, POTNPU_PT_L1_SHIFT),
                  &l1)) {
        return POTNPU_MMU_REASON_BUS;
    }
    if (!(l1 & POTNPU_PTE_VALID)) {
        return POTNPU_MMU_REASON_NOT_PRESENT;
    }
    if (l1 & ~PTE_L1_OK) {
        return POTNPU_MMU_REASON_BAD_PTE;
    }
    if (!read_pte(s, l1 & POTNPU_PTE_ADDR_MASK,
                  POTNPU_PT_INDEX(va, POTNPU_PT_L2_SHIFT), &l2)) {
        return POTNPU_MMU_REASON_BUS;
    }
    if (!(l2 & POTNPU_PTE_VALID)) {
        return POTNPU_MMU_REASON_NOT_PRESENT;
    }
    if (l2 & ~PTE_L2_OK) {
        return POTNPU_MMU_REASON_BAD_PTE;
    }
    e->valid = true;
    e->slot = slot;
    e->vpage = va >> POTNPU_PAGE_SHIFT;
    e->page = l2 & POTNPU_PTE_ADDR_MASK;
    e->writable = l2 & POTNPU_PTE_WRITE;
    return 0;
}

/*
 * Translate @va of context @slot for a read or a write. On success *pa is
 * the bus address of the byte at @va; on failure the fault is recorded
 * (MMU_FAULT_*, IRQ_ERROR) and false returned.
 */
bool potnpu_mmu_translate(PotnpuState *s, uint32_t slot, uint64_t va,
                          bool is_write, uint64_t *pa)
{
    uint64_t vpage = va >> POTNPU_PAGE_SHIFT;
    PotnpuTlbEntry *e = NULL, walked = {};
    unsigned reason, i;

    if (slot >= POTNPU_MMU_SLOTS) {
        potnpu_mmu_fault(s, slot, va, is_write, POTNPU_MMU_REASON_SLOT);
        return false;
    }
    if (va >= POTNPU_VA_SIZE) {
        potnpu_mmu_fault(s, slot, va, is_write, POTNPU_MMU_REASON_RANGE);
        return false;
    }
    for (i = 0; i < POTNPU_TLB_ENTRIES; i++) {
        if (s->tlb[i].valid && s->tlb[i].slot == slot &&
            s->tlb[i].vpage == vpage) {
            e = &s->tlb[i];
            break;
        }
    }
    if (!e) {
        if (!s->mmu_pt[slot]) {
            potnpu_mmu_fault(s, slot, va, is_write, POTNPU_MMU_REASON_SLOT);
            return false;
        }
        reason = mmu_walk(s, slot, va, &walked);
        trace_potnpu_mmu_walk(slot, va, reason, walked.page);
        if (reason) {
            potnpu_mmu_fault(s, slot, va, is_write, reason);
            return false;
        }
        e = &s->tlb[s->tlb_next];
        s->tlb_next = (s->tlb_next + 1) % POTNPU_TLB_ENTRIES;
        *e = walked;
    }
    if (is_write && !e->writable) {
        potnpu_mmu_fault(s, slot, va, is_write, POTNPU_MMU_REASON_READ_ONLY);
        return false;
    }
    *pa = e->page | (va & (POTNPU_PAGE_SIZE - 1));
    return true;
}
