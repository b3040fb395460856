// SPDX-License-Identifier: GPL-2.0-only
/*
 * potnpu DRM accel driver: buffer objects.
 *
 * A buffer object is a shmem GEM object whose pages are allocated, DMA
 * mapped and mapped into the creating file's device address space when it
 * is created, and stay so until it is freed: there is no eviction, a
 * BO's device VA never changes. Freeing unmaps it and invalidates the
 * device TLB of the file's MMU slot before the pages go back.
 *
 * A BO belongs to the address space of the file that created it. It
 * cannot be exported as a dma-buf; a handle another file obtains through
 * GEM flink/open gives CPU access (mmap) only: the BO ioctls of that file
 * do not accept it.
 */

#include <linux/dma-mapping.h>
#include <linux/dma-resv.h>
#include <linux/err.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/overflow.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>

#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/potnpu_accel.h>

#include "potnpu_drv.h"
#include "potnpu_gem.h"
#include "potnpu_vm.h"

static_assert(sizeof(struct drm_potnpu_bo_create) == 24);
static_assert(sizeof(struct drm_potnpu_bo_info) == 40);
static_assert(offsetof(struct drm_potnpu_bo_info, size) == 8);
static_assert(DRM_POTNPU_BO_MAX_SIZE % POTNPU_PAGE_SIZE == 0);
static_assert(DRM_POTNPU_BO_MAX_SIZE < POTNPU_VA_SIZE);
/* The device maps 4 KiB pages: CPU pages must be made of them. */
static_assert(PAGE_SIZE % POTNPU_PAGE_SIZE == 0);

static void potnpu_bo_free(struct drm_gem_object *obj)
{
	struct potnpu_bo *bo = to_potnpu_bo(obj);

	if (!list_empty(&bo->link)) {
		struct potnpu_device *ndev = to_potnpu(obj->dev);

		mutex_lock(&ndev->mmu.bo_lock);
		list_del(&bo->link);
		mutex_unlock(&ndev->mmu.bo_lock);
	}
	/* Out of the device's reach before the pages are released. */
	if (bo->vm) {
		potnpu_vm_unmap(bo->vm, &bo->node);
		potnpu_vm_put(bo->vm);
		bo->vm = NULL;
	}
	drm_gem_shmem_free(&bo->base);
}

/* Unmap a BO's pages for a device that is going away. */
static void potnpu_bo_release_dma(struct potnpu_bo *bo)
{
	struct drm_gem_shmem_object *shmem = &bo->base;
	struct drm_gem_object *obj = &shmem->base;

	dma_resv_lock(obj->resv, NULL);
	if (shmem->sgt) {
		dma_unmap_sgtable(obj->dev->dev, shmem->sgt,
				  DMA_BIDIRECTIONAL, 0);
		sg_free_table(shmem->sgt);
		kfree(shmem->sgt);
		/* drm_gem_shmem_free() still puts the pages it pinned. */
		shmem->sgt = NULL;
	}
	dma_resv_unlock(obj->resv);
}

/**
 * potnpu_gem_release_dma_all() - drop every BO's DMA mapping at remove
 * @ndev: the device, stopped: nothing accesses the pages any more
 *
 * BOs outlive an unbind while their files are open, but their DMA
 * mappings belong to the device being released. The pages stay, for the
 * CPU mappings, until the BO is freed.
 */
void potnpu_gem_release_dma_all(struct potnpu_device *ndev)
{
	struct potnpu_bo *bo;

	mutex_lock(&ndev->mmu.bo_lock);
	list_for_each_entry(bo, &ndev->mmu.bos, link)
		potnpu_bo_release_dma(bo);
	mutex_unlock(&ndev->mmu.bo_lock);
}

/* A BO lives in exactly one address space: no dma-buf export. */
static struct dma_buf *potnpu_bo_export(struct drm_gem_object *obj, int flags)
{
	return ERR_PTR(-EOPNOTSUPP);
}

static const struct drm_gem_object_funcs potnpu_gem_funcs = {
	.free = potnpu_bo_free,
	.print_info = drm_gem_shmem_object_print_info,
	.pin = drm_gem_shmem_object_pin,
	.unpin = drm_gem_shmem_object_unpin,
	.get_sg_table = drm_gem_shmem_object_get_sg_table,
	.vmap = drm_gem_shmem_object_vmap,
	.vunmap = drm_gem_shmem_object_vunmap,
	.mmap = drm_gem_shmem_object_mmap,
	.export = potnpu_bo_export,
	.vm_ops = &drm_gem_shmem_vm_ops,
};

/**
 * potnpu_gem_create_object() - allocate a &struct potnpu_bo for the shmem
 *	helpers
 * @drm: the device
 * @size: object size
 *
 * Return: the embedded GEM object or ERR_PTR(-ENOMEM).
 */
struct drm_gem_object *potnpu_gem_create_object(struct drm_device *drm,
						size_t size)
{
	struct potnpu_bo *bo;

	bo = kzalloc(sizeof(*bo), GFP_KERNEL);
	if (!bo)
		return ERR_PTR(-ENOMEM);
	bo->base.base.funcs = &potnpu_gem_funcs;
	INIT_LIST_HEAD(&bo->link);
	return &bo->base.base;
}

/**
 * potnpu_bo_size() - check the arguments of a BO creation
 * @size: requested size in bytes
 * @flags: requested DRM_POTNPU_BO_* flags
 * @rounded: on success, @size rounded up to a multiple of PAGE_SIZE
 *
 * Return: 0 or -EINVAL (unknown flags, size 0 or above
 * DRM_POTNPU_BO_MAX_SIZE).
 */
int potnpu_bo_size(u64 size, u32 flags, u64 *rounded)
{
	u64 end;

	if (flags & ~DRM_POTNPU_BO_FLAGS)
		return -EINVAL;
	if (!size || size > DRM_POTNPU_BO_MAX_SIZE)
		return -EINVAL;
	if (check_add_overflow(size, (u64)PAGE_SIZE - 1, &end))
		return -EINVAL;
	*rounded = end & PAGE_MASK;
	return 0;
}

int potnpu_bo_create_ioctl(struct drm_device *drm, void *data,
			   struct drm_file *file)
{
	struct potnpu_device *ndev = to_potnpu(drm);
	struct potnpu_file *pfile = file->driver_priv;
	struct drm_potnpu_bo_create *args = data;
	struct drm_gem_shmem_object *shmem;
	struct potnpu_bo *bo;
	struct sg_table *sgt;
	u32 handle;
	u64 size;
	int ret, idx;

	ret = potnpu_bo_size(args->size, args->flags, &size);
	if (ret)
		return ret;
	if (!drm_dev_enter(drm, &idx))
		return -ENODEV;

	shmem = drm_gem_shmem_create(drm, size);
	if (IS_ERR(shmem)) {
		ret = PTR_ERR(shmem);
		/*
		 * shmem reports a failed inode allocation as -ENOSPC, which
		 * this ioctl returns for a full address space: out of
		 * memory is what it is (potnpu_failslab_test).
		 */
		if (ret == -ENOSPC)
			ret = -ENOMEM;
		goto out;
	}
	bo = container_of(shmem, struct potnpu_bo, base);
	bo->flags = args->flags;

	/* Allocates the (zeroed) pages and maps them for the device. */
	sgt = drm_gem_shmem_get_pages_sgt(shmem);
	if (IS_ERR(sgt)) {
		ret = PTR_ERR(sgt);
		goto out_put;
	}
	mutex_lock(&ndev->mmu.bo_lock);
	list_add(&bo->link, &ndev->mmu.bos);
	mutex_unlock(&ndev->mmu.bo_lock);
	ret = potnpu_vm_map_sgt(pfile->vm, &bo->node, size, sgt,
				!(args->flags & DRM_POTNPU_BO_READ_ONLY));
	if (ret)
		goto out_put;
	bo->vm = potnpu_vm_get(pfile->vm);

	ret = drm_gem_handle_create(file, &shmem->base, &handle);
	if (ret)
		goto out_put;

	args->size = size;
	args->handle = handle;
	args->va = bo->node.start;
out_put:
	/* The handle holds the object now; on failure this frees it. */
	drm_gem_object_put(&shmem->base);
out:
	drm_dev_exit(idx);
	return ret;
}

int potnpu_bo_info_ioctl(struct drm_device *drm, void *data,
			 struct drm_file *file)
{
	struct potnpu_file *pfile = file->driver_priv;
	struct drm_potnpu_bo_info *args = data;
	struct drm_gem_object *obj;
	struct potnpu_bo *bo;
	int ret;

	if (args->pad)
		return -EINVAL;

	obj = drm_gem_object_lookup(file, args->handle);
	if (!obj)
		return -ENOENT;
	bo = to_potnpu_bo(obj);
	if (bo->vm != pfile->vm) {
		ret = -ENOENT;
		goto out;
	}

	ret = drm_gem_create_mmap_offset(obj);
	if (ret)
		goto out;

	args->size = obj->size;
	args->va = bo->node.start;
	args->mmap_offset = drm_vma_node_offset_addr(&obj->vma_node);
	args->flags = bo->flags;
	args->pad1 = 0;
out:
	drm_gem_object_put(obj);
	return ret;
}
