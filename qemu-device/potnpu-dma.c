/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * potnpu: the control core's DMA engine.
 *
 * Copyright (c) 2026 The potnpu authors
 *
 * COPY and FILL between four address spaces: the core's DMEM, host bus
 * addresses, device virtual addresses of an MMU context and the shift-add
 * engine's SRAM. A transfer is synchronous: it runs to its end or its
 * first error inside the core's store to DMA_START. It moves DMA_ROWS
 * rows (2D; 0 and 1 are one row) of LEN bytes, at most POTNPU_DMA_MAX_LEN
 * bytes in all, in chunks of at most one page through a bounce buffer, so
 * the loops are bounded by the length. Host memory is accessed with
 * pci_dma_read()/pci_dma_write() (memory attributes unspecified, like any
 * bus master) and every MemTxResult is checked.
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
    s->dma_rows = 0;
    s->dma_src_stride = 0;
    s->dma_dst_stride = 0;
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
    case POTNPU_DMA_SPACE_SRAM:
        return addr < POTNPU_SRAM_SIZE && len <= POTNPU_SRAM_SIZE - addr;
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
    case POTNPU_DMA_SPACE_SRAM:
        if (is_write) {
            memcpy(s->sram + addr, buf, len);
        } else {
            memcpy(buf, s->sram + addr, len);
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

/* Rows of the transfer: DMA_ROWS, where 0 means 1. */
static uint32_t dma_rows(PotnpuState *s)
{
    return MAX(s->dma_rows, 1);
}

/*
 * The address of row @r of a range at @base with @stride, false if it
 * would pass 2^64.
 */
static bool row_addr(uint64_t base, uint32_t r, uint32_t stride,
                     uint64_t *addr)
{
    uint64_t off = (uint64_t)r * stride;

    *addr = base + off;
    return off <= UINT64_MAX - base;
}

/*
 * Rows that follow each other on both sides are one row: same bytes,
 * same checks, one access per chunk instead of one per row. FILL rows
 * restart the pattern, so only COPY is joined.
 */
static bool dma_rows_contiguous(PotnpuState *s, unsigned op)
{
    return op == POTNPU_DMA_OP_COPY && dma_rows(s) > 1 &&
           s->dma_src_stride == s->dma_len &&
           s->dma_dst_stride == s->dma_len;
}

/* Every row of @rows of @len bytes inside its space, before anything moves. */
static uint32_t dma_check_rows(PotnpuState *s, unsigned op,
                               unsigned src_space, unsigned dst_space,
                               uint32_t rows, uint32_t len)
{
    uint32_t r;
    uint64_t src, dst;

    /* At most POTNPU_DMA_MAX_LEN rows: len >= 1 here. */
    for (r = 0; r < rows; r++) {
        bool src_ok = row_addr(s->dma_src, r, s->dma_src_stride, &src);
        bool dst_ok = row_addr(s->dma_dst, r, s->dma_dst_stride, &dst);

        if (op == POTNPU_DMA_OP_COPY &&
            (!src_ok || !range_ok(src_space, src, len))) {
            set_fault(s, src);
            return POTNPU_DMA_ERANGE;
        }
        if (!dst_ok || !range_ok(dst_space, dst, len)) {
            set_fault(s, dst);
            return POTNPU_DMA_ERANGE;
        }
    }
    return POTNPU_DMA_OK;
}

/* One row of @len bytes from @src0 to @dst0. */
static uint32_t dma_row(PotnpuState *s, unsigned op, unsigned src_space,
                        unsigned dst_space, uint64_t src0, uint64_t dst0,
                        uint32_t len)
{
    uint8_t buf[DMA_CHUNK];
    uint32_t done = 0, chunk, st, i;
    uint64_t src, dst;

    /* At most 2 * len / PAGE_SIZE + 1 iterations. */
    while (done < len) {
        src = src0 + done;
        dst = dst0 + done;
        chunk = MIN(len - done, DMA_CHUNK);
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

static uint32_t dma_run(PotnpuState *s, unsigned op, unsigned src_space,
                        unsigned dst_space)
{
    uint32_t r, st, rows = dma_rows(s), len = s->dma_len;
    uint64_t src, dst;

    if (!len) {
        return POTNPU_DMA_OK;
    }
    if (dma_rows_contiguous(s, op)) {
        len *= rows;
        rows = 1;
    }
    st = dma_check_rows(s, op, src_space, dst_space, rows, len);
    /* At most POTNPU_DMA_MAX_LEN rows, each bounded by len. */
    for (r = 0; r < rows && st == POTNPU_DMA_OK; r++) {
        row_addr(s->dma_src, r, s->dma_src_stride, &src);
        row_addr(s->dma_dst, r, s->dma_dst_stride, &dst);
        st = dma_row(s, op, src_space, dst_space, src, dst, len);
    }
    return st;
}

/*
 * The slots a transfer costs: one per POTNPU_DMA_BYTES_PER_SLOT bytes of
 * all its rows, at least POTNPU_DMA_ROW_SLOTS per separate row, and never
 * less than POTNPU_DMA_MIN_SLOTS, also when it is empty, fails or is
 * refused.
 */
static uint32_t dma_cost(PotnpuState *s, unsigned op, bool refused)
{
    uint64_t rows = refused || !s->dma_len ? 1 : dma_rows(s);
    uint64_t bytes = MIN(rows * s->dma_len, POTNPU_DMA_MAX_LEN);
    uint64_t slots = DIV_ROUND_UP(bytes, POTNPU_DMA_BYTES_PER_SLOT);

    if (!refused && !dma_rows_contiguous(s, op)) {
        slots = MAX(slots, rows * POTNPU_DMA_ROW_SLOTS);
    }
    return MAX(slots, POTNPU_DMA_MIN_SLOTS);
}

/* A store to DMA_START: validate, then run the whole transfer. */
void potnpu_dma_start(PotnpuState *s)
{
    unsigned op = s->dma_mode & 0xf;
    unsigned src_space = (s->dma_mode >> 4) & 0xf;
    unsigned dst_space = (s->dma_mode >> 8) & 0xf;
    bool uses_va, refused;

    set_fault(s, 0);
    uses_va = dst_space == POTNPU_DMA_SPACE_VA ||
              (op == POTNPU_DMA_OP_COPY && src_space == POTNPU_DMA_SPACE_VA);
    refused = (s->dma_mode & ~0xfffu) || op > POTNPU_DMA_OP_FILL ||
              dst_space > POTNPU_DMA_SPACE_SRAM ||
              (op == POTNPU_DMA_OP_COPY && src_space > POTNPU_DMA_SPACE_SRAM) ||
              (uint64_t)dma_rows(s) * s->dma_len > POTNPU_DMA_MAX_LEN ||
              (uses_va && s->dma_ctx >= POTNPU_MMU_SLOTS);
    if (refused) {
        s->dma_status = POTNPU_DMA_EINVAL;
    } else {
        s->dma_status = dma_run(s, op, src_space, dst_space);
    }
    /* Charged whole, bounded: at most POTNPU_DMA_MAX_SLOTS. */
    s->slot_debt += dma_cost(s, op, refused);
    trace_potnpu_dma(s->dma_mode, s->dma_src, s->dma_dst, s->dma_len,
                     dma_rows(s), s->dma_ctx, s->dma_status,
                     (uint64_t)s->dma_fault_addr_hi << 32 | s->dma_fault_addr);
}
