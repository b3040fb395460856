/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * potnpu DRM accel driver: buffer objects.
 */
#ifndef __POTNPU_GEM_H__
#define __POTNPU_GEM_H__

#include <linux/list.h>

#include <drm/drm_gem_shmem_helper.h>
#include <drm/drm_mm.h>

struct drm_device;
struct drm_file;
struct potnpu_vm;

/**
 * struct potnpu_bo - a buffer object: shmem pages mapped in one file's
 *	device address space
 * @base: the shmem GEM object
 * @vm: the address space it is mapped in (holds a reference), NULL until
 *	mapped
 * @node: its VA range in @vm
 * @flags: DRM_POTNPU_BO_* flags
 */
struct potnpu_bo {
	struct drm_gem_shmem_object base;
	struct potnpu_vm *vm;
	struct drm_mm_node node;
	struct list_head link; /* in ndev->mmu.bos, while mapped */
	u32 flags;
};

static inline struct potnpu_bo *to_potnpu_bo(struct drm_gem_object *obj)
{
	return container_of(to_drm_gem_shmem_obj(obj), struct potnpu_bo, base);
}

struct drm_gem_object *potnpu_gem_create_object(struct drm_device *drm,
						size_t size);
int potnpu_bo_size(u64 size, u32 flags, u64 *rounded);
int potnpu_bo_create_ioctl(struct drm_device *drm, void *data,
			   struct drm_file *file);
int potnpu_bo_info_ioctl(struct drm_device *drm, void *data,
			 struct drm_file *file);
struct potnpu_device;
void potnpu_gem_release_dma_all(struct potnpu_device *ndev);

#endif /* __POTNPU_GEM_H__ */
