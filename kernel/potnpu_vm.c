// SPDX-License-Identifier: GPL-2.0-only
/*
 * potnpu DRM accel driver: per-file device address spaces.
 *
 * Every open file gets its own device address space: a VA allocator
 * (drm_mm over [POTNPU_PAGE_SIZE, POTNPU_VA_SIZE), so VA 0 is never
 * valid), a two-level page table in DMA-coherent memory (potnpu_pt.c) and
 * one of the device's POTNPU_MMU_SLOTS MMU context slots, whose root
 * register points at the file's L1 table. A file opened while every slot
 * is taken gets -EBUSY.
 *
 * The MMU registers are written only with CAPS.MMU, and only inside
 * drm_dev_enter(), so nothing touches the device after remove. Without
 * CAPS.MMU the tables are still built (and tested), the device just does
 * not read them.
 */

#include <linux/dma-mapping.h>
#include <linux/idr.h>
#include <linux/kernel.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>

#include <drm/drm_drv.h>
#include <drm/drm_managed.h>

#include "potnpu_drv.h"
#include "potnpu_hw.h"
#include "potnpu_vm.h"

static bool potnpu_has_mmu(struct potnpu_device *ndev)
{
	return ndev && (ndev->hw_caps & POTNPU_CAP_MMU);
}

/* Drop every cached translation of @slot. */
static void potnpu_mmu_invalidate(struct potnpu_device *ndev, int slot)
{
	int idx;

	if (!potnpu_has_mmu(ndev) || slot < 0)
		return;
	if (!drm_dev_enter(&ndev->drm, &idx))
		return;
	potnpu_wr(ndev, POTNPU_REG_MMU_INVALIDATE, slot);
	drm_dev_exit(idx);
}

/* Point @slot at the root table @root (0 disables the slot). */
static void potnpu_mmu_set_root(struct potnpu_device *ndev, int slot,
				dma_addr_t root)
{
	int idx;

	mutex_lock(&ndev->mmu.lock);
	ndev->mmu.roots[slot] = root;
	if (!potnpu_has_mmu(ndev) || !drm_dev_enter(&ndev->drm, &idx)) {
		mutex_unlock(&ndev->mmu.lock);
		return;
	}
	potnpu_wr(ndev, POTNPU_REG_MMU_CTX_SEL, slot);
	potnpu_wr(ndev, POTNPU_REG_MMU_PT_LO, lower_32_bits(root));
	potnpu_wr(ndev, POTNPU_REG_MMU_PT_HI, upper_32_bits(root));
	potnpu_wr(ndev, POTNPU_REG_MMU_INVALIDATE, slot);
	drm_dev_exit(idx);
	mutex_unlock(&ndev->mmu.lock);
}

static void potnpu_mmu_release(struct drm_device *drm, void *arg)
{
	struct potnpu_device *ndev = arg;

	ida_destroy(&ndev->mmu.slots);
}

/**
 * potnpu_mmu_init() - set up the slot allocator at probe
 * @ndev: the device
 *
 * Every slot starts disabled: the device reset cleared the roots.
 */
void potnpu_mmu_init(struct potnpu_device *ndev)
{
	ida_init(&ndev->mmu.slots);
	mutex_init(&ndev->mmu.lock);
	INIT_LIST_HEAD(&ndev->mmu.vms);
	mutex_init(&ndev->mmu.bo_lock);
	INIT_LIST_HEAD(&ndev->mmu.bos);
	ndev->mmu.va_limit = POTNPU_VA_SIZE;
	if (drmm_add_action(&ndev->drm, potnpu_mmu_release, ndev))
		ida_destroy(&ndev->mmu.slots);
}

static void *potnpu_vm_table_alloc(void *ctx, dma_addr_t *dma)
{
	struct potnpu_device *ndev = ctx;

	/* Zeroed, and at least page aligned. */
	return dma_alloc_coherent(potnpu_dev(ndev), POTNPU_PAGE_SIZE, dma,
				  GFP_KERNEL);
}

static void potnpu_vm_table_free(void *ctx, void *cpu, dma_addr_t dma)
{
	struct potnpu_device *ndev = ctx;

	dma_free_coherent(potnpu_dev(ndev), POTNPU_PAGE_SIZE, cpu, dma);
}

static const struct potnpu_pt_ops potnpu_vm_dma_ops = {
	.alloc = potnpu_vm_table_alloc,
	.free = potnpu_vm_table_free,
};

/**
 * potnpu_vm_init() - initialise an address space without a slot
 * @vm: the address space
 * @ndev: the device, or NULL (KUnit)
 * @ops: page table allocator
 * @ctx: argument of @ops
 * @va_end: end of the VA range, at most POTNPU_VA_SIZE
 *
 * Return: 0, -EINVAL for a range without a single page, -ENOMEM.
 */
int potnpu_vm_init(struct potnpu_vm *vm, struct potnpu_device *ndev,
		   const struct potnpu_pt_ops *ops, void *ctx, u64 va_end)
{
	int ret;

	va_end = min_t(u64, ALIGN_DOWN(va_end, POTNPU_PAGE_SIZE),
		       POTNPU_VA_SIZE);
	if (va_end <= POTNPU_PAGE_SIZE)
		return -EINVAL;

	ret = potnpu_pt_init(&vm->pt, ops, ctx);
	if (ret)
		return ret;
	kref_init(&vm->ref);
	INIT_LIST_HEAD(&vm->link);
	vm->ndev = ndev;
	vm->slot = -1;
	vm->va_start = POTNPU_PAGE_SIZE;
	vm->va_end = va_end;
	mutex_init(&vm->lock);
	drm_mm_init(&vm->mm, vm->va_start, vm->va_end - vm->va_start);
	return 0;
}

/**
 * potnpu_vm_fini() - free the tables of an address space
 * @vm: the address space, with nothing mapped and no slot
 */
void potnpu_vm_fini(struct potnpu_vm *vm)
{
	drm_mm_takedown(&vm->mm);
	potnpu_pt_fini(&vm->pt);
	mutex_destroy(&vm->lock);
}

/**
 * potnpu_vm_create() - the address space of a new file
 * @ndev: the device
 *
 * Allocates the L1 table and an MMU slot and points the slot at the table.
 *
 * Return: the address space with one reference, ERR_PTR(-EBUSY) when all
 * POTNPU_MMU_SLOTS slots are in use, ERR_PTR(-ENOMEM).
 */
struct potnpu_vm *potnpu_vm_create(struct potnpu_device *ndev)
{
	struct potnpu_vm *vm;
	int ret, slot;

	vm = kzalloc(sizeof(*vm), GFP_KERNEL);
	if (!vm)
		return ERR_PTR(-ENOMEM);

	ret = potnpu_vm_init(vm, ndev, &potnpu_vm_dma_ops, ndev,
			     READ_ONCE(ndev->mmu.va_limit));
	if (ret)
		goto err_free;

	slot = ida_alloc_max(&ndev->mmu.slots, POTNPU_MMU_SLOTS - 1,
			     GFP_KERNEL);
	if (slot < 0) {
		ret = slot == -ENOSPC ? -EBUSY : slot;
		goto err_fini;
	}
	vm->slot = slot;
	potnpu_mmu_set_root(ndev, slot, vm->pt.l1_dma);
	mutex_lock(&ndev->mmu.lock);
	list_add(&vm->link, &ndev->mmu.vms);
	mutex_unlock(&ndev->mmu.lock);
	return vm;

err_fini:
	potnpu_vm_fini(vm);
err_free:
	kfree(vm);
	return ERR_PTR(ret);
}

/**
 * potnpu_vm_release_slot() - give the MMU slot back when the file closes
 * @vm: the address space
 *
 * The slot is disabled (root 0, TLB invalidated) before another file can
 * get it. BOs still mapped (kept alive elsewhere) stay in the tables until
 * they are freed, but no device access can reach them any more.
 */
void potnpu_vm_release_slot(struct potnpu_vm *vm)
{
	int slot;

	mutex_lock(&vm->lock);
	slot = vm->slot;
	vm->slot = -1;
	mutex_unlock(&vm->lock);
	if (slot < 0)
		return;

	potnpu_mmu_set_root(vm->ndev, slot, 0);
	ida_free(&vm->ndev->mmu.slots, slot);
}

static void potnpu_vm_release(struct kref *ref)
{
	struct potnpu_vm *vm = container_of(ref, struct potnpu_vm, ref);

	if (vm->ndev) {
		potnpu_vm_release_slot(vm);
		mutex_lock(&vm->ndev->mmu.lock);
		list_del_init(&vm->link);
		mutex_unlock(&vm->ndev->mmu.lock);
	}
	potnpu_vm_fini(vm);
	kfree(vm);
}

/**
 * potnpu_vm_teardown_all() - free every address space's tables at remove
 * @ndev: the device, stopped: nothing reads the tables any more
 *
 * A file may stay open after its device is unbound, and with it its
 * address space; the tables, DMA-coherent memory of the device, must not
 * outlive the binding. Later unmaps (BOs freed at close) find no table
 * and only release the VA range; maps fail with -ENODEV.
 */
void potnpu_vm_teardown_all(struct potnpu_device *ndev)
{
	struct potnpu_vm *vm;

	mutex_lock(&ndev->mmu.lock);
	list_for_each_entry(vm, &ndev->mmu.vms, link) {
		mutex_lock(&vm->lock);
		potnpu_pt_fini(&vm->pt);
		mutex_unlock(&vm->lock);
	}
	mutex_unlock(&ndev->mmu.lock);
}

/**
 * potnpu_vm_put() - drop a reference
 * @vm: the address space; freed with its tables with the last reference
 */
void potnpu_vm_put(struct potnpu_vm *vm)
{
	kref_put(&vm->ref, potnpu_vm_release);
}

/**
 * potnpu_vm_map_sgt() - allocate a VA range and map a scatter-gather table
 * @vm: the address space
 * @node: zeroed, receives the VA range
 * @size: bytes to map, a non-zero multiple of POTNPU_PAGE_SIZE; the DMA
 *	segments of @sgt must cover at least that much
 * @sgt: the pages, DMA mapped for the device, segments multiples of
 *	POTNPU_PAGE_SIZE
 * @write: the device may write them
 *
 * Return: 0 with the VA in @node->start; -ENOSPC when the address space
 * has no free range that large, -EINVAL for a bad @size or @sgt, -ENOMEM.
 * On failure nothing is mapped and @node is not allocated.
 */
int potnpu_vm_map_sgt(struct potnpu_vm *vm, struct drm_mm_node *node,
		      u64 size, struct sg_table *sgt, bool write)
{
	struct scatterlist *sg;
	u64 done = 0, len;
	unsigned int i;
	int ret;

	if (!size || !IS_ALIGNED(size, POTNPU_PAGE_SIZE))
		return -EINVAL;

	mutex_lock(&vm->lock);
	/* No tables: the device was removed (potnpu_vm_teardown_all()). */
	ret = -ENODEV;
	if (!vm->pt.l1)
		goto out;
	ret = drm_mm_insert_node_in_range(&vm->mm, node, size,
					  POTNPU_PAGE_SIZE, 0, vm->va_start,
					  vm->va_end, DRM_MM_INSERT_BEST);
	if (ret)
		goto out;

	for_each_sgtable_dma_sg(sgt, sg, i) {
		if (done == size)
			break;
		len = min_t(u64, sg_dma_len(sg), size - done);
		ret = potnpu_pt_map(&vm->pt, node->start + done,
				    sg_dma_address(sg), len, write);
		if (ret)
			break;
		done += len;
	}
	if (!ret && done != size)
		ret = -EINVAL;
	if (ret) {
		if (done)
			potnpu_pt_unmap(&vm->pt, node->start, done);
		drm_mm_remove_node(node);
	}
out:
	mutex_unlock(&vm->lock);
	return ret;
}

/**
 * potnpu_vm_map_dma() - allocate a VA range and map contiguous DMA memory
 * @vm: the address space
 * @node: zeroed, receives the VA range
 * @size: bytes to map, a non-zero multiple of POTNPU_PAGE_SIZE
 * @dma: bus address of the memory, page aligned
 * @write: the device may write it
 *
 * Used for kernel-owned memory the device reads in the file's address
 * space (the validated copy of a job's command stream).
 *
 * Return: 0 with the VA in @node->start; -ENOSPC, -EINVAL, -ENOMEM. On
 * failure nothing is mapped and @node is not allocated.
 */
int potnpu_vm_map_dma(struct potnpu_vm *vm, struct drm_mm_node *node,
		      u64 size, dma_addr_t dma, bool write)
{
	int ret;

	if (!size || !IS_ALIGNED(size, POTNPU_PAGE_SIZE))
		return -EINVAL;

	mutex_lock(&vm->lock);
	ret = -ENODEV;
	if (vm->pt.l1)
		ret = drm_mm_insert_node_in_range(&vm->mm, node, size,
						  POTNPU_PAGE_SIZE, 0,
						  vm->va_start, vm->va_end,
						  DRM_MM_INSERT_BEST);
	if (!ret) {
		ret = potnpu_pt_map(&vm->pt, node->start, dma, size, write);
		if (ret)
			drm_mm_remove_node(node);
	}
	mutex_unlock(&vm->lock);
	return ret;
}

/**
 * potnpu_vm_unmap() - unmap a range mapped by potnpu_vm_map_sgt()
 * @vm: the address space
 * @node: the range; released
 *
 * Clears the entries and invalidates the slot's TLB before returning, so
 * the pages can be freed afterwards.
 */
void potnpu_vm_unmap(struct potnpu_vm *vm, struct drm_mm_node *node)
{
	mutex_lock(&vm->lock);
	potnpu_pt_unmap(&vm->pt, node->start, node->size);
	potnpu_mmu_invalidate(vm->ndev, vm->slot);
	drm_mm_remove_node(node);
	mutex_unlock(&vm->lock);
}
