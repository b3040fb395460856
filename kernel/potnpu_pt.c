// SPDX-License-Identifier: GPL-2.0-only
/*
 * potnpu DRM accel driver: device MMU page tables.
 *
 * The format is fixed by potnpu_job.h: a 4 KiB L1 table of 512 64-bit
 * entries, each covering 2 MiB and pointing at a 4 KiB L2 table whose
 * 512 entries map 4 KiB pages of the 30-bit device VA space. This file
 * only writes and reads tables in memory; it does not know about the
 * device, DMA or locking (the caller serialises), so KUnit can run it on
 * plain memory. The L1 table exists from potnpu_pt_init() on, an L2
 * table is allocated the first time a page in its 2 MiB is mapped and
 * kept until potnpu_pt_fini() (at most 512 of them, 2 MiB per address
 * space).
 *
 * Entries are written in an order that keeps a concurrent walk by the
 * device consistent: an L2 table is filled before the L1 entry pointing at
 * it becomes valid. Unmapping clears L2 entries only; the caller must
 * invalidate the device's TLB before the pages are reused.
 */

#include <linux/bug.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/overflow.h>
#include <linux/string.h>

#include <potnpu/potnpu_regs.h>

#include "potnpu_pt.h"

/*
 * Bits a valid entry may have set; anything else makes it a BAD_PTE for the
 * device. An entry without VALID is not present whatever its other bits.
 */
#define POTNPU_PTE_L1_BITS	(POTNPU_PTE_ADDR_MASK | POTNPU_PTE_VALID)
#define POTNPU_PTE_L2_BITS	(POTNPU_PTE_L1_BITS | POTNPU_PTE_WRITE)

/**
 * potnpu_pt_walk() - translate a VA the way the device MMU does
 * @l1: root table
 * @va: device VA
 * @write: the access is a write
 * @table: looks up an L2 table by the bus address in an L1 entry
 * @ctx: argument of @table
 * @addr: on success, the bus address @va translates to
 *
 * Return: 0, or the POTNPU_MMU_REASON_* the device would report.
 */
int potnpu_pt_walk(const __le64 *l1, u64 va, bool write,
		   potnpu_pt_table_fn table, void *ctx, u64 *addr)
{
	const __le64 *l2;
	u64 pte;

	if (va >= POTNPU_VA_SIZE)
		return POTNPU_MMU_REASON_RANGE;

	/* VALID first: an invalid entry is not present, whatever else is set. */
	pte = le64_to_cpu(l1[potnpu_pt_l1_index(va)]);
	if (!(pte & POTNPU_PTE_VALID))
		return POTNPU_MMU_REASON_NOT_PRESENT;
	if (pte & ~POTNPU_PTE_L1_BITS)
		return POTNPU_MMU_REASON_BAD_PTE;
	l2 = table(ctx, potnpu_pte_addr(pte));
	if (!l2)
		return POTNPU_MMU_REASON_BUS;

	pte = le64_to_cpu(l2[potnpu_pt_l2_index(va)]);
	if (!(pte & POTNPU_PTE_VALID))
		return POTNPU_MMU_REASON_NOT_PRESENT;
	if (pte & ~POTNPU_PTE_L2_BITS)
		return POTNPU_MMU_REASON_BAD_PTE;
	if (write && !(pte & POTNPU_PTE_WRITE))
		return POTNPU_MMU_REASON_READ_ONLY;

	*addr = potnpu_pte_addr(pte) | (va & (POTNPU_PAGE_SIZE - 1));
	return 0;
}

/**
 * potnpu_pt_init() - allocate the root table of an empty address space
 * @pt: the page table
 * @ops: table allocator
 * @ctx: argument of @ops
 *
 * Return: 0 or -ENOMEM.
 */
int potnpu_pt_init(struct potnpu_pt *pt, const struct potnpu_pt_ops *ops,
		   void *ctx)
{
	memset(pt, 0, sizeof(*pt));
	pt->ops = ops;
	pt->ctx = ctx;
	pt->l1 = ops->alloc(ctx, &pt->l1_dma);
	if (!pt->l1)
		return -ENOMEM;
	return 0;
}

/**
 * potnpu_pt_fini() - free every table
 * @pt: the page table; the device must no longer use it
 */
void potnpu_pt_fini(struct potnpu_pt *pt)
{
	unsigned int i;

	if (!pt->l1)
		return;
	for (i = 0; i < POTNPU_PT_ENTRIES; i++) {
		if (pt->l2[i])
			pt->ops->free(pt->ctx, pt->l2[i], pt->l2_dma[i]);
		pt->l2[i] = NULL;
	}
	pt->ops->free(pt->ctx, pt->l1, pt->l1_dma);
	pt->l1 = NULL;
}

/**
 * potnpu_pt_l2_count() - number of L2 tables allocated
 * @pt: the page table
 *
 * Return: the count.
 */
unsigned int potnpu_pt_l2_count(const struct potnpu_pt *pt)
{
	unsigned int i, n = 0;

	for (i = 0; i < POTNPU_PT_ENTRIES; i++)
		n += !!pt->l2[i];
	return n;
}

static bool potnpu_pt_range_ok(u64 va, u64 size)
{
	u64 end;

	return size && IS_ALIGNED(va, POTNPU_PAGE_SIZE) &&
	       IS_ALIGNED(size, POTNPU_PAGE_SIZE) &&
	       !check_add_overflow(va, size, &end) && end <= POTNPU_VA_SIZE;
}

static __le64 *potnpu_pt_get_l2(struct potnpu_pt *pt, unsigned int i1)
{
	if (!pt->l2[i1]) {
		pt->l2[i1] = pt->ops->alloc(pt->ctx, &pt->l2_dma[i1]);
		if (!pt->l2[i1])
			return NULL;
		/* The table is zeroed: it is complete before it is linked. */
		wmb();
		pt->l1[i1] = cpu_to_le64(potnpu_pte_encode(pt->l2_dma[i1],
							   false));
	}
	return pt->l2[i1];
}

/**
 * potnpu_pt_map() - map a bus-contiguous range at a VA
 * @pt: the page table
 * @va: device VA, POTNPU_PAGE_SIZE aligned
 * @addr: bus address, POTNPU_PAGE_SIZE aligned, below 2^52
 * @size: bytes, a non-zero multiple of POTNPU_PAGE_SIZE, with
 *	@va + @size <= POTNPU_VA_SIZE
 * @write: the device may write the pages
 *
 * Return: 0; -EINVAL for a bad argument, -EEXIST if a page is already
 * mapped (a bug in the caller's VA bookkeeping), -ENOMEM when an L2 table
 * cannot be allocated. On failure nothing of the range stays mapped.
 */
int potnpu_pt_map(struct potnpu_pt *pt, u64 va, u64 addr, u64 size,
		  bool write)
{
	u64 off, end;
	__le64 *l2;
	unsigned int i2;
	int ret;

	if (!potnpu_pt_range_ok(va, size) ||
	    !IS_ALIGNED(addr, POTNPU_PAGE_SIZE) ||
	    check_add_overflow(addr, size - 1, &end) ||
	    (end & ~POTNPU_PTE_ADDR_MASK & ~(u64)(POTNPU_PAGE_SIZE - 1)))
		return -EINVAL;

	for (off = 0; off < size; off += POTNPU_PAGE_SIZE) {
		l2 = potnpu_pt_get_l2(pt, potnpu_pt_l1_index(va + off));
		if (!l2) {
			ret = -ENOMEM;
			goto undo;
		}
		i2 = potnpu_pt_l2_index(va + off);
		if (le64_to_cpu(l2[i2]) & POTNPU_PTE_VALID) {
			ret = -EEXIST;
			goto undo;
		}
		l2[i2] = cpu_to_le64(potnpu_pte_encode(addr + off, write));
	}
	return 0;

undo:
	if (off)
		potnpu_pt_unmap(pt, va, off);
	return ret;
}

/**
 * potnpu_pt_unmap() - clear the entries of a range
 * @pt: the page table
 * @va: device VA, POTNPU_PAGE_SIZE aligned
 * @size: bytes, a multiple of POTNPU_PAGE_SIZE
 *
 * Entries never mapped are left alone; L2 tables stay allocated. The
 * device may still hold translations: invalidate its TLB afterwards.
 */
void potnpu_pt_unmap(struct potnpu_pt *pt, u64 va, u64 size)
{
	__le64 *l2;
	u64 off;

	if (WARN_ON_ONCE(!potnpu_pt_range_ok(va, size)))
		return;

	for (off = 0; off < size; off += POTNPU_PAGE_SIZE) {
		l2 = pt->l2[potnpu_pt_l1_index(va + off)];
		if (l2)
			l2[potnpu_pt_l2_index(va + off)] = 0;
	}
	/* Cleared before the caller's TLB invalidation reaches the device. */
	wmb();
}
