/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * potnpu: the control core's DMA engine.
 *
 * Copyright (c) 2026 The potnpu authors
 *
 * COPY and FILL between three address spaces: the core's DMEM, host bus
 * addresses and device virtual addresses of an MMU context. A transfer is
 * synchronous: it runs to its end or its first error inside the core's
 * store to DMA_START. It moves at most POTNPU_DMA_MAX_LEN bytes, in chunks
 * of at most one page through a bounce buffer, so the loop is bounded by
 * the length. Host memory is accessed with pci_dma_read()/pci_dma_write()
 * (memory attributes unspecified, like any bus master) and every
 * MemTxResult is checked.
 */

#include "qemu/osdep.h"
#include "hw/pci/pci_device.h"
#include "potnpu.h"
#include "potnpu/potnpu_job.h"
#include "trace.h"

#define DMA_CHUNK   POTNPU_PAGE_SIZE

void potnpu_dma_reset(PotnpuState *s)
{
    s->dma_src = 0;
    s->dma_dst = 0;
    s->dma_len = 0;
    s->dma_ctx = 0;
    s->dma_mode = 0;
    s->dma_pattern = 0;
    s->dma_status = POTNPU_DMA_OK;
    s->dma_fault_addr = 0;
    s->dma_fault_addr_hi = 0;
}

/* DMA_FAULT_ADDR and DMA_FAULT_ADDR_HI: the address that failed. */
static void set_fault(PotnpuState *s, uint64_t addr)
{
    s->dma_fault_addr = addr;
    s->dma_fault_addr_hi = addr >> 32;
}

/*
 * Is [addr, addr + len) inside the space? An empty range always is; a BUS
 * range may end exactly at 2^64. VA ranges are checked per page.
 */
static bool range_ok(unsigned space, uint64_t addr, uint64_t len)
{
    if (!len) {
        return true;
    }
    switch (space) {
    case POTNPU_DMA_SPACE_DMEM:
        return addr < POTNPU_CORE_DMEM_SIZE &&
               len <= POTNPU_CORE_DMEM_SIZE - addr;
    case POTNPU_DMA_SPACE_BUS:
        return len - 1 <= UINT64_MAX - addr;
    default:
        return true;
    }
}

/* Does [bus, bus + len) touch one of this device's own BARs? */
static bool hits_own_bar(PCIDevice *pdev, uint64_t bus, uint32_t len)
{
    static const int bars[] = {
        POTNPU_BAR_REGS, POTNPU_BAR_MSIX, POTNPU_BAR_CORE_MEM,
    };
    unsigned i;

    for (i = 0; i < ARRAY_SIZE(bars); i++) {
        pcibus_t base = pci_get_bar_addr(pdev, bars[i]);
        pcibus_t size = pdev->io_regions[bars[i]].size;

        if (base != PCI_BAR_UNMAPPED && bus <= base + size - 1 &&
            base <= bus + len - 1) {
            return true;
        }
    }
    return false;
}

/*
 * Would a write of [bus, bus + len) be accepted as a whole? Checked
 * before any byte of a chunk is written, so a failing chunk (no memory
 * behind part of it, bus mastering off, this device's own BARs) writes
 * nothing. The memory re-entrancy guard still refuses what an IOMMU maps
 * onto the own BARs.
 */
static bool bus_write_ok(PotnpuState *s, uint64_t bus, uint32_t len)
{
    PCIDevice *pdev = PCI_DEVICE(s);

    return !hits_own_bar(pdev, bus, len) &&
           address_space_access_valid(pci_get_address_space(pdev), bus, len,
                                      true, MEMTXATTRS_UNSPECIFIED);
}

/*
 * Move @len bytes between @buf and @addr of @space. @len never crosses a
 * page boundary when @space is VA. Returns a POTNPU_DMA_* status.
 */
static uint32_t dma_access(PotnpuState *s, unsigned space, uint64_t addr,
                           uint8_t *buf, uint32_t len, bool is_write)
{
    uint64_t bus = addr;
    MemTxResult r;

    switch (space) {
    case POTNPU_DMA_SPACE_DMEM:
        if (is_write) {
            memcpy(s->dmem + addr, buf, len);
        } else {
            memcpy(buf, s->dmem + addr, len);
        }
        return POTNPU_DMA_OK;
    case POTNPU_DMA_SPACE_VA:
        if (!potnpu_mmu_translate(s, s->dma_ctx, addr, is_write, &bus)) {
            return POTNPU_DMA_EMMU;
        }
        break;
    default:
        break;
    }
    if (is_write) {
        r = bus_write_ok(s, bus, len) ?
            pci_dma_write(PCI_DEVICE(s), bus, buf, len) : MEMTX_ACCESS_ERROR;
    } else {
        r = pci_dma_read(PCI_DEVICE(s), bus, buf, len);
    }
    if (r != MEMTX_OK) {
        if (space == POTNPU_DMA_SPACE_VA) {
            /* The page behind a valid translation is not accessible. */
            potnpu_mmu_fault(s, s->dma_ctx, addr, is_write,
                             POTNPU_MMU_REASON_BUS);
        }
        return POTNPU_DMA_EBUS;
    }
    return POTNPU_DMA_OK;
}

static uint32_t dma_run(PotnpuState *s, unsigned op, unsigned src_space,
                        unsigned dst_space)
{
    uint8_t buf[DMA_CHUNK];
    uint32_t done = 0, chunk, st, i;
    uint64_t src, dst;

    if (op == POTNPU_DMA_OP_COPY &&
        !range_ok(src_space, s->dma_src, s->dma_len)) {
        set_fault(s, s->dma_src);
        return POTNPU_DMA_ERANGE;
    }
    if (!range_ok(dst_space, s->dma_dst, s->dma_len)) {
        set_fault(s, s->dma_dst);
        return POTNPU_DMA_ERANGE;
    }

    /* At most 2 * MAX_LEN / PAGE_SIZE + 1 iterations. */
    while (done < s->dma_len) {
        src = s->dma_src + done;
        dst = s->dma_dst + done;
        chunk = MIN(s->dma_len - done, DMA_CHUNK);
        if (dst_space == POTNPU_DMA_SPACE_VA) {
            chunk = MIN(chunk,
                        POTNPU_PAGE_SIZE - (dst & (POTNPU_PAGE_SIZE - 1)));
        }
        if (op == POTNPU_DMA_OP_COPY) {
            if (src_space == POTNPU_DMA_SPACE_VA) {
                chunk = MIN(chunk,
                            POTNPU_PAGE_SIZE - (src & (POTNPU_PAGE_SIZE - 1)));
            }
            st = dma_access(s, src_space, src, buf, chunk, false);
            if (st != POTNPU_DMA_OK) {
                set_fault(s, src);
                return st;
            }
        } else {
            for (i = 0; i < chunk; i++) {
                buf[i] = s->dma_pattern >> (8 * ((done + i) & 3));
            }
        }
        st = dma_access(s, dst_space, dst, buf, chunk, true);
        if (st != POTNPU_DMA_OK) {
            set_fault(s, dst);
            return st;
        }
        done += chunk;
    }
    return POTNPU_DMA_OK;
}

/*
 * The slots a transfer costs: one per POTNPU_DMA_BYTES_PER_SLOT bytes of
 * LEN, and never less than POTNPU_DMA_MIN_SLOTS, also when it is empty,
 * fails or is refused.
 */
static uint32_t dma_cost(PotnpuState *s)
{
    uint32_t len = MIN(s->dma_len, POTNPU_DMA_MAX_LEN);

    return MAX(DIV_ROUND_UP(len, POTNPU_DMA_BYTES_PER_SLOT),
               POTNPU_DMA_MIN_SLOTS);
}

/* A store to DMA_START: validate, then run the whole transfer. */
void potnpu_dma_start(PotnpuState *s)
{
    unsigned op = s->dma_mode & 0xf;
    unsigned src_space = (s->dma_mode >> 4) & 0xf;
    unsigned dst_space = (s->dma_mode >> 8) & 0xf;
    bool uses_va;

    set_fault(s, 0);
    uses_va = dst_space == POTNPU_DMA_SPACE_VA ||
              (op == POTNPU_DMA_OP_COPY && src_space == POTNPU_DMA_SPACE_VA);
    if ((s->dma_mode & ~0xfffu) || op > POTNPU_DMA_OP_FILL ||
        dst_space > POTNPU_DMA_SPACE_VA ||
        (op == POTNPU_DMA_OP_COPY && src_space > POTNPU_DMA_SPACE_VA) ||
        s->dma_len > POTNPU_DMA_MAX_LEN ||
        (uses_va && s->dma_ctx >= POTNPU_MMU_SLOTS)) {
        s->dma_status = POTNPU_DMA_EINVAL;
    } else {
        s->dma_status = dma_run(s, op, src_space, dst_space);
    }
    /* Charged whole, bounded: at most MAX_LEN / BYTES_PER_SLOT. */
    s->slot_debt += dma_cost(s);
    trace_potnpu_dma(s->dma_mode, s->dma_src, s->dma_dst, s->dma_len,
                     s->dma_ctx, s->dma_status,
                     (uint64_t)s->dma_fault_addr_hi << 32 | s->dma_fault_addr);
}
