/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * potnpu DRM accel driver: device MMU page tables.
 */
#ifndef __POTNPU_PT_H__
#define __POTNPU_PT_H__

#include <linux/types.h>

#include <potnpu/potnpu_job.h>

/**
 * struct potnpu_pt_ops - where page tables come from
 * @alloc: return a zeroed, POTNPU_PAGE_SIZE aligned table of
 *	POTNPU_PAGE_SIZE bytes and its bus address in @dma, or NULL
 * @free: release a table returned by @alloc
 *
 * The driver allocates DMA-coherent memory the device reads; the KUnit
 * tests allocate plain memory with made-up bus addresses.
 */
struct potnpu_pt_ops {
	void *(*alloc)(void *ctx, dma_addr_t *dma);
	void (*free)(void *ctx, void *cpu, dma_addr_t dma);
};

/**
 * struct potnpu_pt - the two-level page table of one address space
 * @ops: table allocator
 * @ctx: argument of @ops
 * @l1: the root table (CPU address)
 * @l1_dma: its bus address, what the MMU slot's root register gets
 * @l2: the L2 tables, NULL until a page in their 2 MiB is mapped
 * @l2_dma: their bus addresses
 */
struct potnpu_pt {
	const struct potnpu_pt_ops *ops;
	void *ctx;
	__le64 *l1;
	dma_addr_t l1_dma;
	__le64 *l2[POTNPU_PT_ENTRIES];
	dma_addr_t l2_dma[POTNPU_PT_ENTRIES];
};

/* A valid entry pointing at @addr (4 KiB aligned, below 2^52). */
static inline u64 potnpu_pte_encode(u64 addr, bool write)
{
	return (addr & POTNPU_PTE_ADDR_MASK) | POTNPU_PTE_VALID |
	       (write ? POTNPU_PTE_WRITE : 0);
}

static inline u64 potnpu_pte_addr(u64 pte)
{
	return pte & POTNPU_PTE_ADDR_MASK;
}

static inline unsigned int potnpu_pt_l1_index(u64 va)
{
	return POTNPU_PT_INDEX(va, POTNPU_PT_L1_SHIFT);
}

static inline unsigned int potnpu_pt_l2_index(u64 va)
{
	return POTNPU_PT_INDEX(va, POTNPU_PT_L2_SHIFT);
}

/**
 * typedef potnpu_pt_table_fn - find a table by bus address, for a walk
 * @ctx: caller's context
 * @addr: bus address from an L1 entry
 *
 * Return: the table's CPU address, or NULL if nothing is there.
 */
typedef const __le64 *(*potnpu_pt_table_fn)(void *ctx, u64 addr);

int potnpu_pt_walk(const __le64 *l1, u64 va, bool write,
		   potnpu_pt_table_fn table, void *ctx, u64 *addr);

int potnpu_pt_init(struct potnpu_pt *pt, const struct potnpu_pt_ops *ops,
		   void *ctx);
void potnpu_pt_fini(struct potnpu_pt *pt);
int potnpu_pt_map(struct potnpu_pt *pt, u64 va, u64 addr, u64 size,
		  bool write);
void potnpu_pt_unmap(struct potnpu_pt *pt, u64 va, u64 size);
unsigned int potnpu_pt_l2_count(const struct potnpu_pt *pt);

#endif /* __POTNPU_PT_H__ */
