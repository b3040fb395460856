// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests of the device MMU page tables (potnpu_pt.c) and of the
 * per-file address space (potnpu_vm.c) without a device: tables live in
 * plain memory with made-up bus addresses, and every check translates
 * through the tables the way the device MMU walks them.
 */

#include <kunit/test.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>

#include <potnpu/potnpu_regs.h>

#include "../potnpu_pt.h"
#include "../potnpu_vm.h"

#define MAX_TABLES	(POTNPU_PT_ENTRIES + 1)
/* Fake bus addresses of tables: high, to exercise all 52 address bits. */
#define TABLE_BASE	0x000f000000000000ull

struct fake_tables {
	void *cpu[MAX_TABLES];
	unsigned int allocated;
	unsigned int freed;
	int fail_after;		/* allocations that succeed, -1 = all */
};

static void *fake_alloc(void *ctx, dma_addr_t *dma)
{
	struct fake_tables *t = ctx;
	unsigned int i = t->allocated;

	if (t->fail_after >= 0 && i >= t->fail_after)
		return NULL;
	if (i >= MAX_TABLES)
		return NULL;
	t->cpu[i] = kzalloc(POTNPU_PAGE_SIZE, GFP_KERNEL);
	if (!t->cpu[i])
		return NULL;
	t->allocated++;
	*dma = TABLE_BASE + (u64)i * POTNPU_PAGE_SIZE;
	return t->cpu[i];
}

static void fake_free(void *ctx, void *cpu, dma_addr_t dma)
{
	struct fake_tables *t = ctx;
	unsigned int i = (dma - TABLE_BASE) / POTNPU_PAGE_SIZE;

	if (i < MAX_TABLES && t->cpu[i] == cpu) {
		kfree(cpu);
		t->cpu[i] = NULL;
		t->freed++;
	}
}

static const struct potnpu_pt_ops fake_ops = {
	.alloc = fake_alloc,
	.free = fake_free,
};

static const __le64 *fake_table(void *ctx, u64 addr)
{
	struct fake_tables *t = ctx;
	u64 i;

	if (addr < TABLE_BASE || (addr - TABLE_BASE) % POTNPU_PAGE_SIZE)
		return NULL;
	i = (addr - TABLE_BASE) / POTNPU_PAGE_SIZE;
	return i < MAX_TABLES ? t->cpu[i] : NULL;
}

struct pt_ctx {
	struct fake_tables tables;
	struct potnpu_pt pt;
};

static struct pt_ctx *pt_setup(struct kunit *test)
{
	struct pt_ctx *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, c);
	c->tables.fail_after = -1;
	KUNIT_ASSERT_EQ(test, potnpu_pt_init(&c->pt, &fake_ops, &c->tables), 0);
	KUNIT_ASSERT_EQ(test, c->pt.l1_dma, TABLE_BASE);
	return c;
}

static void pt_teardown(struct kunit *test, struct pt_ctx *c)
{
	potnpu_pt_fini(&c->pt);
	KUNIT_EXPECT_EQ(test, c->tables.freed, c->tables.allocated);
}

static int walk(struct pt_ctx *c, u64 va, bool write, u64 *addr)
{
	return potnpu_pt_walk(c->pt.l1, va, write, fake_table, &c->tables,
			      addr);
}

static void expect_translates(struct kunit *test, struct pt_ctx *c, u64 va,
			      u64 expected, bool writable)
{
	u64 addr = 0;

	KUNIT_EXPECT_EQ_MSG(test, walk(c, va, false, &addr), 0, "va %#llx", va);
	KUNIT_EXPECT_EQ_MSG(test, addr, expected, "va %#llx", va);
	KUNIT_EXPECT_EQ_MSG(test, walk(c, va, true, &addr),
			    writable ? 0 : POTNPU_MMU_REASON_READ_ONLY,
			    "va %#llx", va);
}

static void pt_pte_format(struct kunit *test)
{
	u64 pte;

	pte = potnpu_pte_encode(0x123456789000ull, false);
	KUNIT_EXPECT_EQ(test, pte, 0x123456789000ull | POTNPU_PTE_VALID);
	pte = potnpu_pte_encode(0x000ffffffffff000ull, true);
	KUNIT_EXPECT_EQ(test, pte, 0x000ffffffffff003ull);
	KUNIT_EXPECT_EQ(test, potnpu_pte_addr(pte), 0x000ffffffffff000ull);
	/* Bits outside 51:12 never leak into an entry. */
	pte = potnpu_pte_encode(0xfff0000000001fffull, false);
	KUNIT_EXPECT_EQ(test, pte, 0x1001ull);

	KUNIT_EXPECT_EQ(test, potnpu_pt_l1_index(0), 0);
	KUNIT_EXPECT_EQ(test, potnpu_pt_l2_index(0), 0);
	KUNIT_EXPECT_EQ(test, potnpu_pt_l1_index(0x1fffff), 0);
	KUNIT_EXPECT_EQ(test, potnpu_pt_l2_index(0x1fffff), 511);
	KUNIT_EXPECT_EQ(test, potnpu_pt_l1_index(0x200000), 1);
	KUNIT_EXPECT_EQ(test, potnpu_pt_l2_index(0x201000), 1);
	KUNIT_EXPECT_EQ(test, potnpu_pt_l1_index(POTNPU_VA_SIZE - 1), 511);
	KUNIT_EXPECT_EQ(test, potnpu_pt_l2_index(POTNPU_VA_SIZE - 1), 511);
}

static void pt_map_translate(struct kunit *test)
{
	struct pt_ctx *c = pt_setup(test);
	u64 addr;

	KUNIT_ASSERT_EQ(test, potnpu_pt_map(&c->pt, 0x5000, 0xabc000, 0x2000,
					    true), 0);
	KUNIT_ASSERT_EQ(test, potnpu_pt_map(&c->pt, 0x9000, 0x7000000000ull,
					    0x1000, false), 0);
	expect_translates(test, c, 0x5000, 0xabc000, true);
	expect_translates(test, c, 0x5fff, 0xabcfff, true);
	expect_translates(test, c, 0x6123, 0xabd123, true);
	expect_translates(test, c, 0x9008, 0x7000000008ull, false);
	KUNIT_EXPECT_EQ(test, walk(c, 0x4fff, false, &addr),
			POTNPU_MMU_REASON_NOT_PRESENT);
	KUNIT_EXPECT_EQ(test, walk(c, 0x7000, false, &addr),
			POTNPU_MMU_REASON_NOT_PRESENT);
	KUNIT_EXPECT_EQ(test, walk(c, 0x400000, false, &addr),
			POTNPU_MMU_REASON_NOT_PRESENT);
	KUNIT_EXPECT_EQ(test, walk(c, POTNPU_VA_SIZE, false, &addr),
			POTNPU_MMU_REASON_RANGE);
	/* One L2 table; the L1 entry is valid, never writable. */
	KUNIT_EXPECT_EQ(test, potnpu_pt_l2_count(&c->pt), 1);
	KUNIT_EXPECT_EQ(test, le64_to_cpu(c->pt.l1[0]),
			TABLE_BASE + POTNPU_PAGE_SIZE + POTNPU_PTE_VALID);
	pt_teardown(test, c);
}

static void pt_map_across_tables(struct kunit *test)
{
	struct pt_ctx *c = pt_setup(test);
	u64 va = 0x200000 - 0x2000, i;

	/* Four pages over the first 2 MiB boundary, then the top page. */
	KUNIT_ASSERT_EQ(test, potnpu_pt_map(&c->pt, va, 0x100000, 0x4000,
					    true), 0);
	KUNIT_EXPECT_EQ(test, potnpu_pt_l2_count(&c->pt), 2);
	for (i = 0; i < 4; i++)
		expect_translates(test, c, va + i * 0x1000 + 4,
				  0x100000 + i * 0x1000 + 4, true);
	KUNIT_ASSERT_EQ(test, potnpu_pt_map(&c->pt, POTNPU_VA_SIZE - 0x1000,
					    0x000ffffffffff000ull, 0x1000,
					    false), 0);
	expect_translates(test, c, POTNPU_VA_SIZE - 1, 0x000fffffffffffffull,
			  false);
	KUNIT_EXPECT_EQ(test, potnpu_pt_l2_count(&c->pt), 3);
	pt_teardown(test, c);
}

static void pt_map_invalid(struct kunit *test)
{
	struct pt_ctx *c = pt_setup(test);

	KUNIT_EXPECT_EQ(test, potnpu_pt_map(&c->pt, 0x1000, 0x1000, 0, true),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, potnpu_pt_map(&c->pt, 0x1800, 0x1000, 0x1000,
					    true), -EINVAL);
	KUNIT_EXPECT_EQ(test, potnpu_pt_map(&c->pt, 0x1000, 0x1800, 0x1000,
					    true), -EINVAL);
	KUNIT_EXPECT_EQ(test, potnpu_pt_map(&c->pt, 0x1000, 0x1000, 0x1800,
					    true), -EINVAL);
	/* Past the VA space, and wrapping around. */
	KUNIT_EXPECT_EQ(test, potnpu_pt_map(&c->pt, POTNPU_VA_SIZE, 0x1000,
					    0x1000, true), -EINVAL);
	KUNIT_EXPECT_EQ(test, potnpu_pt_map(&c->pt, POTNPU_VA_SIZE - 0x1000,
					    0x1000, 0x2000, true), -EINVAL);
	KUNIT_EXPECT_EQ(test, potnpu_pt_map(&c->pt, 0x1000, 0x1000,
					    ~0xfffull, true), -EINVAL);
	/* Bus addresses must fit the 52-bit field. */
	KUNIT_EXPECT_EQ(test, potnpu_pt_map(&c->pt, 0x1000,
					    0x0010000000000000ull, 0x1000,
					    true), -EINVAL);
	KUNIT_EXPECT_EQ(test, potnpu_pt_map(&c->pt, 0x1000,
					    0x000ffffffffff000ull, 0x2000,
					    true), -EINVAL);
	KUNIT_EXPECT_EQ(test, potnpu_pt_map(&c->pt, 0x1000, ~0xfffull, 0x2000,
					    true), -EINVAL);
	/* Nothing was allocated for any of them. */
	KUNIT_EXPECT_EQ(test, potnpu_pt_l2_count(&c->pt), 0);
	pt_teardown(test, c);
}

static void pt_map_twice(struct kunit *test)
{
	struct pt_ctx *c = pt_setup(test);
	u64 addr;

	KUNIT_ASSERT_EQ(test, potnpu_pt_map(&c->pt, 0x3000, 0x10000, 0x1000,
					    true), 0);
	/* Overlaps the mapped page at its end: the first two are undone. */
	KUNIT_EXPECT_EQ(test, potnpu_pt_map(&c->pt, 0x1000, 0x20000, 0x3000,
					    true), -EEXIST);
	KUNIT_EXPECT_EQ(test, walk(c, 0x1000, false, &addr),
			POTNPU_MMU_REASON_NOT_PRESENT);
	KUNIT_EXPECT_EQ(test, walk(c, 0x2000, false, &addr),
			POTNPU_MMU_REASON_NOT_PRESENT);
	expect_translates(test, c, 0x3000, 0x10000, true);
	pt_teardown(test, c);
}

static void pt_map_no_memory(struct kunit *test)
{
	struct pt_ctx *c = pt_setup(test);
	u64 addr;

	/* The L1 and one L2 table, then allocation fails. */
	c->tables.fail_after = 2;
	KUNIT_EXPECT_EQ(test, potnpu_pt_map(&c->pt, 0x1ff000, 0x40000, 0x2000,
					    true), -ENOMEM);
	KUNIT_EXPECT_EQ(test, walk(c, 0x1ff000, false, &addr),
			POTNPU_MMU_REASON_NOT_PRESENT);
	KUNIT_EXPECT_EQ(test, walk(c, 0x200000, false, &addr),
			POTNPU_MMU_REASON_NOT_PRESENT);
	pt_teardown(test, c);
}

static void pt_unmap(struct kunit *test)
{
	struct pt_ctx *c = pt_setup(test);
	u64 addr;

	KUNIT_ASSERT_EQ(test, potnpu_pt_map(&c->pt, 0x10000, 0x80000, 0x4000,
					    true), 0);
	potnpu_pt_unmap(&c->pt, 0x11000, 0x2000);
	expect_translates(test, c, 0x10000, 0x80000, true);
	KUNIT_EXPECT_EQ(test, walk(c, 0x11000, false, &addr),
			POTNPU_MMU_REASON_NOT_PRESENT);
	KUNIT_EXPECT_EQ(test, walk(c, 0x12fff, true, &addr),
			POTNPU_MMU_REASON_NOT_PRESENT);
	expect_translates(test, c, 0x13000, 0x83000, true);
	/* Unmapping pages never mapped, in a 2 MiB without table, is fine. */
	potnpu_pt_unmap(&c->pt, 0x400000, 0x1000);
	/* The page can be mapped again. */
	KUNIT_EXPECT_EQ(test, potnpu_pt_map(&c->pt, 0x11000, 0x90000, 0x1000,
					    false), 0);
	expect_translates(test, c, 0x11000, 0x90000, false);
	pt_teardown(test, c);
}

static void pt_walk_bad_entries(struct kunit *test)
{
	struct pt_ctx *c = pt_setup(test);
	__le64 *l2;
	u64 addr;

	KUNIT_ASSERT_EQ(test, potnpu_pt_map(&c->pt, 0x1000, 0x80000, 0x1000,
					    true), 0);
	l2 = c->pt.l2[0];
	/* Reserved bits in an L2 entry, WRITE in an L1 entry. */
	l2[1] |= cpu_to_le64(1ull << 52);
	KUNIT_EXPECT_EQ(test, walk(c, 0x1000, false, &addr),
			POTNPU_MMU_REASON_BAD_PTE);
	l2[1] = cpu_to_le64(potnpu_pte_encode(0x80000, true));
	c->pt.l1[0] |= cpu_to_le64(POTNPU_PTE_WRITE);
	KUNIT_EXPECT_EQ(test, walk(c, 0x1000, false, &addr),
			POTNPU_MMU_REASON_BAD_PTE);
	pt_teardown(test, c);
}

/*
 * The device checks VALID first: an entry without it is not present, even
 * with reserved bits or (in L1) WRITE set; only a valid entry is BAD_PTE.
 */
static void pt_walk_invalid_entry_with_reserved_bits(struct kunit *test)
{
	struct pt_ctx *c = pt_setup(test);
	const u64 junk = (0xfffull << 52) | (0x3ffull << 2);
	__le64 *l2;
	u64 addr;

	KUNIT_ASSERT_EQ(test, potnpu_pt_map(&c->pt, 0x1000, 0x80000, 0x1000,
					    true), 0);
	l2 = c->pt.l2[0];
	/* L2: reserved bits, WRITE and an address, but no VALID. */
	l2[2] = cpu_to_le64(junk | POTNPU_PTE_WRITE | 0x90000);
	KUNIT_EXPECT_EQ(test, walk(c, 0x2000, false, &addr),
			POTNPU_MMU_REASON_NOT_PRESENT);
	KUNIT_EXPECT_EQ(test, walk(c, 0x2000, true, &addr),
			POTNPU_MMU_REASON_NOT_PRESENT);
	/* Its valid neighbour still translates. */
	expect_translates(test, c, 0x1000, 0x80000, true);
	/* L1: reserved bits and WRITE without VALID, for another 2 MiB. */
	c->pt.l1[1] = cpu_to_le64(junk | POTNPU_PTE_WRITE);
	KUNIT_EXPECT_EQ(test, walk(c, 0x200000, false, &addr),
			POTNPU_MMU_REASON_NOT_PRESENT);
	/* The same bits with VALID are a bad entry. */
	l2[2] |= cpu_to_le64(POTNPU_PTE_VALID);
	KUNIT_EXPECT_EQ(test, walk(c, 0x2000, false, &addr),
			POTNPU_MMU_REASON_BAD_PTE);
	l2[2] = 0;
	c->pt.l1[1] = 0;
	pt_teardown(test, c);
}

/* The address space of a file, without a device. */

struct vm_ctx {
	struct fake_tables tables;
	struct potnpu_vm vm;
	struct sg_table sgt;
};

static struct vm_ctx *vm_setup(struct kunit *test, u64 va_end)
{
	struct vm_ctx *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, c);
	c->tables.fail_after = -1;
	KUNIT_ASSERT_EQ(test, potnpu_vm_init(&c->vm, NULL, &fake_ops,
					     &c->tables, va_end), 0);
	return c;
}

static void vm_teardown(struct kunit *test, struct vm_ctx *c)
{
	potnpu_vm_fini(&c->vm);
	KUNIT_EXPECT_EQ(test, c->tables.freed, c->tables.allocated);
	if (c->sgt.sgl)
		sg_free_table(&c->sgt);
}

/* A table of @n DMA segments of @pages pages each, at made-up addresses. */
static void vm_make_sgt(struct kunit *test, struct vm_ctx *c, unsigned int n,
			unsigned int pages)
{
	struct scatterlist *sg;
	unsigned int i;

	if (c->sgt.sgl)
		sg_free_table(&c->sgt);
	KUNIT_ASSERT_EQ(test, sg_alloc_table(&c->sgt, n, GFP_KERNEL), 0);
	for_each_sgtable_sg(&c->sgt, sg, i) {
		sg_dma_address(sg) = 0x40000000ull + i * 0x100000ull;
		sg_dma_len(sg) = pages * POTNPU_PAGE_SIZE;
	}
}

static int vm_walk(struct vm_ctx *c, u64 va, bool write, u64 *addr)
{
	return potnpu_pt_walk(c->vm.pt.l1, va, write, fake_table, &c->tables,
			      addr);
}

static void vm_map_sgt(struct kunit *test)
{
	struct vm_ctx *c = vm_setup(test, POTNPU_VA_SIZE);
	struct drm_mm_node a = {}, b = {};
	u64 addr, i;

	vm_make_sgt(test, c, 3, 2);
	KUNIT_ASSERT_EQ(test, potnpu_vm_map_sgt(&c->vm, &a, 6 * 0x1000,
						&c->sgt, true), 0);
	KUNIT_ASSERT_EQ(test, potnpu_vm_map_sgt(&c->vm, &b, 3 * 0x1000,
						&c->sgt, false), 0);
	/* Never VA 0, page aligned, disjoint. */
	KUNIT_EXPECT_GE(test, a.start, (u64)POTNPU_PAGE_SIZE);
	KUNIT_EXPECT_GE(test, b.start, (u64)POTNPU_PAGE_SIZE);
	KUNIT_EXPECT_TRUE(test, IS_ALIGNED(a.start, POTNPU_PAGE_SIZE));
	KUNIT_EXPECT_TRUE(test, IS_ALIGNED(b.start, POTNPU_PAGE_SIZE));
	KUNIT_EXPECT_TRUE(test, a.start + a.size <= b.start ||
			  b.start + b.size <= a.start);
	for (i = 0; i < 6; i++) {
		KUNIT_EXPECT_EQ(test, vm_walk(c, a.start + i * 0x1000 + 8, true,
					      &addr), 0);
		KUNIT_EXPECT_EQ(test, addr, 0x40000000ull +
				(i / 2) * 0x100000ull + (i % 2) * 0x1000 + 8);
	}
	/* b uses the first 3 pages of the same segments, read-only. */
	KUNIT_EXPECT_EQ(test, vm_walk(c, b.start + 0x2000, false, &addr), 0);
	KUNIT_EXPECT_EQ(test, addr, 0x40100000ull);
	KUNIT_EXPECT_EQ(test, vm_walk(c, b.start, true, &addr),
			POTNPU_MMU_REASON_READ_ONLY);
	KUNIT_EXPECT_EQ(test, vm_walk(c, b.start + 0x3000, false, &addr),
			POTNPU_MMU_REASON_NOT_PRESENT);

	potnpu_vm_unmap(&c->vm, &a);
	KUNIT_EXPECT_EQ(test, vm_walk(c, a.start, false, &addr),
			POTNPU_MMU_REASON_NOT_PRESENT);
	KUNIT_EXPECT_FALSE(test, drm_mm_node_allocated(&a));
	potnpu_vm_unmap(&c->vm, &b);
	vm_teardown(test, c);
}

static void vm_map_invalid(struct kunit *test)
{
	struct vm_ctx *c = vm_setup(test, POTNPU_VA_SIZE);
	struct drm_mm_node a = {};

	vm_make_sgt(test, c, 2, 1);
	KUNIT_EXPECT_EQ(test, potnpu_vm_map_sgt(&c->vm, &a, 0, &c->sgt, true),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, potnpu_vm_map_sgt(&c->vm, &a, 0x800, &c->sgt,
						true), -EINVAL);
	/* The table covers 2 pages, not 3. */
	KUNIT_EXPECT_EQ(test, potnpu_vm_map_sgt(&c->vm, &a, 0x3000, &c->sgt,
						true), -EINVAL);
	KUNIT_EXPECT_FALSE(test, drm_mm_node_allocated(&a));
	/* An unaligned segment fails in the middle; nothing stays mapped. */
	sg_dma_address(sg_next(c->sgt.sgl)) += 0x800;
	KUNIT_EXPECT_EQ(test, potnpu_vm_map_sgt(&c->vm, &a, 0x2000, &c->sgt,
						true), -EINVAL);
	KUNIT_EXPECT_FALSE(test, drm_mm_node_allocated(&a));
	KUNIT_EXPECT_TRUE(test, drm_mm_clean(&c->vm.mm));
	vm_teardown(test, c);
}

static void vm_exhaustion(struct kunit *test)
{
	/* Pages 1..15 usable: VA 0 never is. */
	struct vm_ctx *c = vm_setup(test, 16 * POTNPU_PAGE_SIZE);
	struct drm_mm_node *n = kunit_kcalloc(test, 16, sizeof(*n), GFP_KERNEL);
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, n);
	vm_make_sgt(test, c, 1, 16);
	for (i = 0; i < 5; i++)
		KUNIT_ASSERT_EQ(test, potnpu_vm_map_sgt(&c->vm, &n[i], 0x3000,
							&c->sgt, true), 0);
	KUNIT_EXPECT_EQ(test, potnpu_vm_map_sgt(&c->vm, &n[5], 0x1000,
						&c->sgt, true), -ENOSPC);
	KUNIT_EXPECT_FALSE(test, drm_mm_node_allocated(&n[5]));
	/* A freed range is reused. */
	potnpu_vm_unmap(&c->vm, &n[2]);
	KUNIT_EXPECT_EQ(test, potnpu_vm_map_sgt(&c->vm, &n[5], 0x2000,
						&c->sgt, true), 0);
	KUNIT_EXPECT_EQ(test, potnpu_vm_map_sgt(&c->vm, &n[6], 0x2000,
						&c->sgt, true), -ENOSPC);
	KUNIT_EXPECT_EQ(test, potnpu_vm_map_sgt(&c->vm, &n[6], 0x1000,
						&c->sgt, true), 0);
	for (i = 0; i < 7; i++) {
		if (i == 2)
			continue;
		KUNIT_EXPECT_GE(test, n[i].start, (u64)POTNPU_PAGE_SIZE);
		KUNIT_EXPECT_LE(test, n[i].start + n[i].size,
				16ull * POTNPU_PAGE_SIZE);
		potnpu_vm_unmap(&c->vm, &n[i]);
	}
	vm_teardown(test, c);
}

/* Contiguous DMA memory (a job's stream copy), read-only. */
static void vm_map_dma(struct kunit *test)
{
	/* Pages 1..7 usable. */
	struct vm_ctx *c = vm_setup(test, 8 * POTNPU_PAGE_SIZE);
	struct drm_mm_node a = {}, b = {}, d = {};
	u64 addr, i;

	KUNIT_EXPECT_EQ(test, potnpu_vm_map_dma(&c->vm, &a, 0, 0x50000000ull,
						false), -EINVAL);
	KUNIT_EXPECT_EQ(test, potnpu_vm_map_dma(&c->vm, &a, 0x1800,
						0x50000000ull, false), -EINVAL);
	/* An unaligned bus address: nothing mapped, nothing allocated. */
	KUNIT_EXPECT_EQ(test, potnpu_vm_map_dma(&c->vm, &a, 0x1000,
						0x50000800ull, false), -EINVAL);
	KUNIT_EXPECT_FALSE(test, drm_mm_node_allocated(&a));
	KUNIT_EXPECT_TRUE(test, drm_mm_clean(&c->vm.mm));

	KUNIT_ASSERT_EQ(test, potnpu_vm_map_dma(&c->vm, &a, 0x4000,
						0x50000000ull, false), 0);
	KUNIT_EXPECT_GE(test, a.start, (u64)POTNPU_PAGE_SIZE);
	for (i = 0; i < 4; i++) {
		KUNIT_EXPECT_EQ(test, vm_walk(c, a.start + i * 0x1000 + 4,
					      false, &addr), 0);
		KUNIT_EXPECT_EQ(test, addr, 0x50000000ull + i * 0x1000 + 4);
		KUNIT_EXPECT_EQ(test, vm_walk(c, a.start + i * 0x1000, true,
					      &addr),
				POTNPU_MMU_REASON_READ_ONLY);
	}
	KUNIT_ASSERT_EQ(test, potnpu_vm_map_dma(&c->vm, &b, 0x3000,
						0x60000000ull, true), 0);
	KUNIT_EXPECT_EQ(test, vm_walk(c, b.start + 0x2000, true, &addr), 0);
	KUNIT_EXPECT_EQ(test, addr, 0x60002000ull);
	/* Full: -ENOSPC, then the freed range is reused. */
	KUNIT_EXPECT_EQ(test, potnpu_vm_map_dma(&c->vm, &d, 0x1000,
						0x70000000ull, false), -ENOSPC);
	potnpu_vm_unmap(&c->vm, &a);
	KUNIT_EXPECT_EQ(test, vm_walk(c, a.start, false, &addr),
			POTNPU_MMU_REASON_NOT_PRESENT);
	KUNIT_EXPECT_EQ(test, potnpu_vm_map_dma(&c->vm, &d, 0x1000,
						0x70000000ull, false), 0);
	potnpu_vm_unmap(&c->vm, &b);
	potnpu_vm_unmap(&c->vm, &d);
	KUNIT_EXPECT_TRUE(test, drm_mm_clean(&c->vm.mm));
	vm_teardown(test, c);
}

static void vm_range_limits(struct kunit *test)
{
	struct fake_tables *t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	struct potnpu_vm *vm = kunit_kzalloc(test, sizeof(*vm), GFP_KERNEL);
	struct vm_ctx *c;

	KUNIT_ASSERT_NOT_NULL(test, t);
	KUNIT_ASSERT_NOT_NULL(test, vm);
	t->fail_after = -1;
	/* A range without one usable page is refused. */
	KUNIT_EXPECT_EQ(test, potnpu_vm_init(vm, NULL, &fake_ops, t, 0),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, potnpu_vm_init(vm, NULL, &fake_ops, t,
					     POTNPU_PAGE_SIZE), -EINVAL);
	KUNIT_EXPECT_EQ(test, t->allocated, 0);
	/* Limits are rounded down and capped at the VA size. */
	c = vm_setup(test, 0x2fff);
	KUNIT_EXPECT_EQ(test, c->vm.va_start, (u64)POTNPU_PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, c->vm.va_end, 0x2000ull);
	vm_teardown(test, c);
	c = vm_setup(test, U64_MAX);
	KUNIT_EXPECT_EQ(test, c->vm.va_end, POTNPU_VA_SIZE);
	vm_teardown(test, c);
}

static struct kunit_case potnpu_vm_cases[] = {
	KUNIT_CASE(pt_pte_format),
	KUNIT_CASE(pt_map_translate),
	KUNIT_CASE(pt_map_across_tables),
	KUNIT_CASE(pt_map_invalid),
	KUNIT_CASE(pt_map_twice),
	KUNIT_CASE(pt_map_no_memory),
	KUNIT_CASE(pt_unmap),
	KUNIT_CASE(pt_walk_bad_entries),
	KUNIT_CASE(pt_walk_invalid_entry_with_reserved_bits),
	KUNIT_CASE(vm_map_sgt),
	KUNIT_CASE(vm_map_invalid),
	KUNIT_CASE(vm_exhaustion),
	KUNIT_CASE(vm_map_dma),
	KUNIT_CASE(vm_range_limits),
	{}
};

static struct kunit_suite potnpu_vm_suite = {
	.name = "potnpu_vm",
	.test_cases = potnpu_vm_cases,
};

kunit_test_suite(potnpu_vm_suite);
