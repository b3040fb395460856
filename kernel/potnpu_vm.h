/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * potnpu DRM accel driver: per-file device address spaces.
 */
#ifndef __POTNPU_VM_H__
#define __POTNPU_VM_H__

#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/types.h>

#include <drm/drm_mm.h>

#include "potnpu_pt.h"

struct potnpu_device;
struct sg_table;

/**
 * struct potnpu_vm - the device address space of one open file
 * @ref: the file holds one reference, every buffer object mapped in the
 *	address space one more, so the tables outlive the file while a BO
 *	(kept alive by a mapping) is still mapped
 * @ndev: the device, NULL for an address space without one (KUnit)
 * @lock: protects @mm and @pt
 * @mm: VA allocator over [@va_start, @va_end)
 * @pt: the page tables
 * @va_start: lowest VA handed out, POTNPU_PAGE_SIZE: VA 0 is never used
 * @va_end: end of the usable VA space
 * @slot: MMU context slot, -1 once released (or when there is no device)
 */
struct potnpu_vm {
	struct kref ref;
	struct potnpu_device *ndev;
	struct list_head link; /* in ndev->mmu.vms, under ndev->mmu.lock */
	struct mutex lock; /* @mm, @pt, @slot */
	struct drm_mm mm;
	struct potnpu_pt pt;
	u64 va_start;
	u64 va_end;
	int slot;
};

int potnpu_vm_init(struct potnpu_vm *vm, struct potnpu_device *ndev,
		   const struct potnpu_pt_ops *ops, void *ctx, u64 va_end);
void potnpu_vm_fini(struct potnpu_vm *vm);

struct potnpu_vm *potnpu_vm_create(struct potnpu_device *ndev);
void potnpu_vm_release_slot(struct potnpu_vm *vm);
void potnpu_vm_teardown_all(struct potnpu_device *ndev);
void potnpu_vm_put(struct potnpu_vm *vm);

static inline struct potnpu_vm *potnpu_vm_get(struct potnpu_vm *vm)
{
	kref_get(&vm->ref);
	return vm;
}

int potnpu_vm_map_sgt(struct potnpu_vm *vm, struct drm_mm_node *node,
		      u64 size, struct sg_table *sgt, bool write);
int potnpu_vm_map_dma(struct potnpu_vm *vm, struct drm_mm_node *node,
		      u64 size, dma_addr_t dma, bool write);
void potnpu_vm_unmap(struct potnpu_vm *vm, struct drm_mm_node *node);

void potnpu_mmu_init(struct potnpu_device *ndev);

#endif /* __POTNPU_VM_H__ */
