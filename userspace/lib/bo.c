// SPDX-License-Identifier: MIT
/*
 * libpotnpu buffer objects: creating device memory, mapping it for the CPU
 * and freeing it.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "libpotnpu_priv.h"

static size_t page_size(void)
{
	long n = sysconf(_SC_PAGESIZE);

	return n > 0 ? (size_t)n : 4096;
}

/* Release a GEM handle, keeping errno as it was. */
static void gem_close(int fd, uint32_t handle)
{
	struct drm_gem_close c;
	int saved = errno;

	memset(&c, 0, sizeof(c));
	c.handle = handle;
	drmIoctl(fd, DRM_IOCTL_GEM_CLOSE, &c);
	errno = saved;
}

static int bo_create_error(struct potnpu_device *dev, size_t size,
			   uint32_t flags, int err)
{
	switch (err) {
	case ENOSPC:
		return lib_set_error(-ENOSPC,
				     "%s: cannot create a %zu-byte buffer: device address space exhausted (free buffers or create smaller ones)",
				     dev->path, size);
	case ENOMEM:
		return lib_set_error(-ENOMEM,
				     "%s: cannot create a %zu-byte buffer: out of memory",
				     dev->path, size);
	case EINVAL:
		/* Size and flags were checked: the driver does not know them,
		 * or the ioctl itself. */
		return lib_set_error(-EINVAL,
				     "%s: the potnpu driver (uapi %d.%d) refused a %zu-byte buffer with flags 0x%x; it may predate buffer objects (update the potnpu kernel module)",
				     dev->path, dev->driver.major, dev->driver.minor,
				     size, flags);
	default:
		return lib_set_error(-err,
				     "%s: cannot create a %zu-byte buffer: DRM_IOCTL_POTNPU_BO_CREATE failed: %s",
				     dev->path, size, strerror(err));
	}
}

/* The arguments of potnpu_bo_create(), and the driver's uapi minor. */
static int bo_check_args(struct potnpu_device *dev, size_t size,
			 uint32_t flags)
{
	if (!dev)
		return lib_set_error(-EINVAL, "potnpu_bo_create: dev is NULL");
	if (!size)
		return lib_set_error(-EINVAL,
				     "buffer size 0 is invalid (1 to %llu bytes)",
				     (unsigned long long)DRM_POTNPU_BO_MAX_SIZE);
	if (size > DRM_POTNPU_BO_MAX_SIZE)
		return lib_set_error(-EINVAL,
				     "buffer size %zu is too large (at most %llu bytes)",
				     size,
				     (unsigned long long)DRM_POTNPU_BO_MAX_SIZE);
	if (flags & ~(uint32_t)DRM_POTNPU_BO_FLAGS)
		return lib_set_error(-EINVAL,
				     "unknown buffer flags 0x%x (known: 0x%x)",
				     flags & ~(uint32_t)DRM_POTNPU_BO_FLAGS,
				     (uint32_t)DRM_POTNPU_BO_FLAGS);
	return lib_require_minor(dev, UAPI_MINOR_BO, "buffer objects");
}

/* Whole pages, at least @size, at a page-aligned address. */
static bool bo_answer_ok(const struct drm_potnpu_bo_create *c, size_t size)
{
	size_t page = page_size();

	return c->handle && c->va && !(c->va % page) && c->size >= size &&
	       c->size - size < page && !(c->size % page);
}

/* DRM_IOCTL_POTNPU_BO_CREATE, and a check of the driver's answer. */
static int bo_create_ioctl(struct potnpu_device *dev, size_t size,
			   uint32_t flags, struct drm_potnpu_bo_create *c)
{
	memset(c, 0, sizeof(*c));
	c->size = size;
	c->flags = flags;
	if (drmIoctl(dev->fd, DRM_IOCTL_POTNPU_BO_CREATE, c))
		return bo_create_error(dev, size, flags, lib_errno_or(EIO));
	if (bo_answer_ok(c, size))
		return 0;
	if (c->handle)
		gem_close(dev->fd, c->handle);
	return lib_set_error(-EBADMSG,
			     "%s: the potnpu driver answered a %zu-byte buffer request with handle %u, %llu bytes at device address 0x%llx",
			     dev->path, size, c->handle,
			     (unsigned long long)c->size,
			     (unsigned long long)c->va);
}

EXPORT int potnpu_bo_create(struct potnpu_device *dev, size_t size,
			    uint32_t flags, struct potnpu_bo **bop)
{
	struct drm_potnpu_bo_create c;
	struct potnpu_bo *bo;
	int err;

	if (!bop)
		return lib_set_error(-EINVAL, "potnpu_bo_create: bop is NULL");
	*bop = NULL;
	err = bo_check_args(dev, size, flags);
	if (err)
		return err;
	bo = calloc(1, sizeof(*bo));
	if (!bo)
		return lib_set_error(-ENOMEM,
				     "%s: cannot create a %zu-byte buffer: out of memory",
				     dev->path, size);
	err = bo_create_ioctl(dev, size, flags, &c);
	if (err) {
		free(bo);
		return err;
	}
	bo->dev = dev;
	bo->handle = c.handle;
	bo->flags = flags;
	bo->size = (size_t)c.size;
	bo->va = c.va;
	*bop = bo;
	return 0;
}

/* Where to map @bo: DRM_IOCTL_POTNPU_BO_INFO, checked against @bo. */
static int bo_mmap_offset(const struct potnpu_bo *bo, off_t *offset)
{
	struct drm_potnpu_bo_info info;
	struct potnpu_device *dev = bo->dev;
	int err;

	memset(&info, 0, sizeof(info));
	info.handle = bo->handle;
	if (drmIoctl(dev->fd, DRM_IOCTL_POTNPU_BO_INFO, &info)) {
		err = lib_errno_or(EIO);
		return lib_set_error(-err,
				     "%s: cannot map buffer %u: DRM_IOCTL_POTNPU_BO_INFO failed: %s",
				     dev->path, bo->handle, strerror(err));
	}
	if (info.size != bo->size || info.va != bo->va ||
	    info.mmap_offset % page_size() || info.mmap_offset > INT64_MAX)
		return lib_set_error(-EBADMSG,
				     "%s: the potnpu driver describes buffer %u (%zu bytes at 0x%llx) as %llu bytes at 0x%llx, mmap offset 0x%llx",
				     dev->path, bo->handle, bo->size,
				     (unsigned long long)bo->va,
				     (unsigned long long)info.size,
				     (unsigned long long)info.va,
				     (unsigned long long)info.mmap_offset);
	*offset = (off_t)info.mmap_offset;
	return 0;
}

EXPORT int potnpu_bo_map(struct potnpu_bo *bo, void **ptrp)
{
	off_t offset = 0;
	void *p;
	int err;

	if (!ptrp)
		return lib_set_error(-EINVAL, "potnpu_bo_map: ptrp is NULL");
	*ptrp = NULL;
	if (!bo)
		return lib_set_error(-EINVAL, "potnpu_bo_map: bo is NULL");
	if (bo->map) {
		*ptrp = bo->map;
		return 0;
	}
	err = bo_mmap_offset(bo, &offset);
	if (err)
		return err;
	p = mmap(NULL, bo->size, PROT_READ | PROT_WRITE, MAP_SHARED,
		 bo->dev->fd, offset);
	if (p == MAP_FAILED) {
		err = lib_errno_or(EIO);
		return lib_set_error(-err,
				     "%s: cannot map buffer %u (%zu bytes) into memory: %s",
				     bo->dev->path, bo->handle, bo->size,
				     err == ENOMEM ?
				     "out of memory or address space" :
				     strerror(err));
	}
	bo->map = p;
	*ptrp = p;
	return 0;
}

EXPORT void potnpu_bo_free(struct potnpu_bo *bo)
{
	if (!bo)
		return;
	if (bo->map)
		munmap(bo->map, bo->size);
	gem_close(bo->dev->fd, bo->handle);
	free(bo);
}

EXPORT uint64_t potnpu_bo_va(const struct potnpu_bo *bo)
{
	return bo ? bo->va : 0;
}

EXPORT size_t potnpu_bo_size(const struct potnpu_bo *bo)
{
	return bo ? bo->size : 0;
}

EXPORT uint32_t potnpu_bo_handle(const struct potnpu_bo *bo)
{
	return bo ? bo->handle : 0;
}

EXPORT uint32_t potnpu_bo_flags(const struct potnpu_bo *bo)
{
	return bo ? bo->flags : 0;
}
