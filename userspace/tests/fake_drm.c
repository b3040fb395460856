// SPDX-License-Identifier: MIT
#define _GNU_SOURCE	/* memfd_create */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fake_drm.h"
#include "libpotnpu.h"
#include "potnpu_fw_image.h"

struct drm_potnpu_device_info fake_info;
uint32_t fake_query_sizes[64];
size_t fake_nqueries;

static struct fake_node nodes[FAKE_MAX_NODES];
static size_t nnodes;
static bool loaded;

uint64_t fake_va_limit;
enum fake_bo_mode fake_bo_mode;
unsigned int fake_bo_creates, fake_bo_infos, fake_gem_closes, fake_mmaps,
	fake_munmaps;

struct fake_bo {
	bool live;
	int fd;			/* the file (open node) it belongs to */
	uint32_t handle;
	uint32_t flags;
	uint64_t size, va, offset;
	int memfd;		/* the memory */
};

struct fake_map {
	void *addr;
	size_t len;
};

#define FAKE_MAX_BOS	256
#define FAKE_MAX_MAPS	256
#define FAKE_VA_BASE	0x100000ull

static struct fake_bo bos[FAKE_MAX_BOS];
static struct fake_map maps[FAKE_MAX_MAPS];
static uint32_t next_handle;
static uint64_t next_va;
static unsigned long fail_request;
static int fail_errno;

void *__real_mmap(void *addr, size_t len, int prot, int flags, int fd,
		  off_t off);
void *__real_mmap64(void *addr, size_t len, int prot, int flags, int fd,
		    off_t off);
int __real_munmap(void *addr, size_t len);

static void bo_release(struct fake_bo *b)
{
	if (b->live)
		close(b->memfd);
	memset(b, 0, sizeof(*b));
}

void fake_drm_reset(void)
{
	size_t i;

	for (i = 0; i < FAKE_MAX_BOS; i++)
		bo_release(&bos[i]);
	for (i = 0; i < FAKE_MAX_MAPS; i++)
		if (maps[i].addr)
			__real_munmap(maps[i].addr, maps[i].len);
	memset(maps, 0, sizeof(maps));
	next_handle = 1;
	next_va = FAKE_VA_BASE;
	fake_va_limit = 1ull << 30;
	fake_bo_mode = FAKE_BO_OK;
	fake_bo_creates = fake_bo_infos = fake_gem_closes = 0;
	fake_mmaps = fake_munmaps = 0;
	fail_request = 0;
	fail_errno = 0;
	nnodes = 0;
	fake_nqueries = 0;
	loaded = true;
	memset(&fake_info, 0, sizeof(fake_info));
	fake_info.pci_vendor = 0x1234;
	fake_info.pci_device = 0x9e70;
	fake_info.pci_revision = 1;
	fake_info.hw_version = 1u << 16;
	fake_info.hw_caps = 0x3;
	fake_info.fw_version = POTNPU_FW_VER(0, 1, 0);
	fake_info.fw_abi_version = POTNPU_FW_ABI_VERSION;
	fake_info.uapi_version = DRM_POTNPU_UAPI_MAJOR << 16 |
				 DRM_POTNPU_UAPI_MINOR;
	fake_info.capabilities = DRM_POTNPU_CAP_IRQ | DRM_POTNPU_CAP_FIRMWARE;
	fake_info.pci_bus_id = 0x18;	/* 0000:00:03.0 */
}

void fake_drm_add(const char *target, const char *name, int major, int minor,
		  enum fake_mode mode, uint32_t answer_size, uint64_t caps)
{
	struct fake_node *n;

	if (nnodes == FAKE_MAX_NODES)
		abort();
	n = &nodes[nnodes++];
	memset(n, 0, sizeof(*n));
	snprintf(n->target, sizeof(n->target), "%s", target);
	snprintf(n->name, sizeof(n->name), "%s", name);
	n->major = major;
	n->minor = minor;
	n->mode = mode;
	n->answer_size = answer_size;
	n->caps = caps;
}

int fake_drm_from_env(void)
{
	const char *env = getenv("POTNPU_FAKE_DRM");
	char *copy, *entry, *save = NULL;
	int count = 0;

	fake_drm_reset();
	if (!env)
		return 0;
	copy = strdup(env);
	if (!copy)
		return -1;
	for (entry = strtok_r(copy, ";", &save); entry;
	     entry = strtok_r(NULL, ";", &save)) {
		char dev[16], name[16], target[32];
		int major, minor;
		long long caps;

		if (sscanf(entry, "%15[^:]:%15[^:]:%d.%d:%lli", dev, name,
			   &major, &minor, &caps) != 5) {
			free(copy);
			return -1;
		}
		snprintf(target, sizeof(target), "/dev/%s", dev);
		fake_drm_add(target, name, major, minor, FAKE_OK,
			     POTNPU_DEVICE_INFO_MIN_SIZE, (uint64_t)caps);
		count++;
	}
	free(copy);
	return count;
}

static const struct fake_node *node_of(int fd)
{
	char link[64], target[PATH_MAX];
	ssize_t n;
	size_t i;

	if (!loaded)
		fake_drm_from_env();
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0)
		return NULL;
	target[n] = '\0';
	for (i = 0; i < nnodes; i++)
		if (!strcmp(nodes[i].target, target))
			return &nodes[i];
	return NULL;
}

drmVersionPtr __wrap_drmGetVersion(int fd)
{
	const struct fake_node *n = node_of(fd);
	drmVersionPtr v;

	if (!n) {
		errno = ENOTTY;
		return NULL;
	}
	v = calloc(1, sizeof(*v));
	if (!v)
		return NULL;
	v->version_major = n->major;
	v->version_minor = n->minor;
	v->version_patchlevel = 3;
	v->name = strdup(n->name);
	v->name_len = (int)strlen(n->name);
	v->date = strdup("20261123");
	v->date_len = 8;
	v->desc = strdup("fake potnpu driver");
	v->desc_len = (int)strlen("fake potnpu driver");
	return v;
}

void __wrap_drmFreeVersion(drmVersionPtr v)
{
	if (!v)
		return;
	free(v->name);
	free(v->date);
	free(v->desc);
	free(v);
}

void fake_drm_fail(unsigned long request, int err)
{
	fail_request = request;
	fail_errno = err;
}

/* Whether an injected failure is due for @request (and consume it). */
static bool fail_now(unsigned long request)
{
	if (!fail_errno || fail_request != request)
		return false;
	errno = fail_errno;
	fail_errno = 0;
	return true;
}

size_t fake_drm_live_bos(void)
{
	size_t i, n = 0;

	for (i = 0; i < FAKE_MAX_BOS; i++)
		n += bos[i].live;
	return n;
}

size_t fake_drm_live_maps(void)
{
	size_t i, n = 0;

	for (i = 0; i < FAKE_MAX_MAPS; i++)
		n += maps[i].addr != NULL;
	return n;
}

static struct fake_bo *bo_find(int fd, uint32_t handle)
{
	size_t i;

	for (i = 0; i < FAKE_MAX_BOS; i++)
		if (bos[i].live && bos[i].handle == handle &&
		    (fd < 0 || bos[i].fd == fd))
			return &bos[i];
	return NULL;
}

int fake_drm_bo_read(uint32_t handle, uint64_t off, void *buf, size_t len)
{
	struct fake_bo *b = bo_find(-1, handle);

	if (!b || off > b->size || len > b->size - off)
		return -1;
	return pread(b->memfd, buf, len, (off_t)off) == (ssize_t)len ? 0 : -1;
}

long fake_drm_bo_flags(uint32_t handle)
{
	struct fake_bo *b = bo_find(-1, handle);

	return b ? (long)b->flags : -1;
}

static int fake_bo_create(int fd, struct drm_potnpu_bo_create *c)
{
	uint64_t used = 0, size, page = (uint64_t)sysconf(_SC_PAGESIZE);
	struct fake_bo *b = NULL;
	size_t i;

	fake_bo_creates++;
	if (!c->size || c->size > DRM_POTNPU_BO_MAX_SIZE ||
	    (c->flags & ~(uint32_t)DRM_POTNPU_BO_FLAGS)) {
		errno = EINVAL;
		return -1;
	}
	size = (c->size + page - 1) / page * page;
	for (i = 0; i < FAKE_MAX_BOS; i++) {
		if (bos[i].live && bos[i].fd == fd)
			used += bos[i].size;
		else if (!bos[i].live && !b)
			b = &bos[i];
	}
	if (used + size > fake_va_limit) {
		errno = ENOSPC;
		return -1;
	}
	if (!b) {
		errno = ENOMEM;
		return -1;
	}
	if (fake_bo_mode == FAKE_BO_NO_HANDLE) {
		c->handle = 0;
		c->va = next_va;
		return 0;
	}
	b->memfd = memfd_create("fake-potnpu-bo", MFD_CLOEXEC);
	if (b->memfd < 0)
		return -1;
	if (ftruncate(b->memfd, (off_t)size)) {
		close(b->memfd);
		return -1;
	}
	b->live = true;
	b->fd = fd;
	b->handle = next_handle++;
	b->flags = c->flags;
	b->size = size;
	b->va = next_va;
	/* Fake offsets: 256 MiB apart, like the DRM core's, far from 0. */
	b->offset = (uint64_t)b->handle << 28;
	next_va += size + page;	/* a guard page between BOs */
	c->handle = b->handle;
	c->size = fake_bo_mode == FAKE_BO_SHORT ? size - page : size;
	c->va = fake_bo_mode == FAKE_BO_UNALIGNED_VA ? b->va + 8 : b->va;
	return 0;
}

static int fake_bo_info(int fd, struct drm_potnpu_bo_info *in)
{
	struct fake_bo *b;

	fake_bo_infos++;
	if (in->pad) {
		errno = EINVAL;
		return -1;
	}
	b = bo_find(fd, in->handle);
	if (!b) {
		errno = ENOENT;
		return -1;
	}
	in->size = fake_bo_mode == FAKE_BO_INFO_WRONG ? b->size * 2 : b->size;
	in->va = b->va;
	in->mmap_offset = b->offset;
	in->flags = b->flags;
	in->pad1 = 0;
	return 0;
}

static int fake_gem_close(int fd, struct drm_gem_close *c)
{
	struct fake_bo *b;

	fake_gem_closes++;
	b = c->pad ? NULL : bo_find(fd, c->handle);
	if (!b) {
		errno = EINVAL;
		return -1;
	}
	bo_release(b);
	return 0;
}

static int fake_query(const struct fake_node *n, struct drm_potnpu_query *q)
{
	struct drm_potnpu_device_info info = fake_info;
	uint8_t answer[256];
	uint32_t k, w;

	if (n->mode == FAKE_NO_QUERY) {
		errno = EINVAL;
		return -1;
	}
	if (fake_nqueries < sizeof(fake_query_sizes) / sizeof(fake_query_sizes[0]))
		fake_query_sizes[fake_nqueries++] = q->size;
	if (q->flags || q->pad || q->param != DRM_POTNPU_QUERY_DEVICE_INFO) {
		errno = EINVAL;
		return -1;
	}
	k = n->answer_size;
	if (k > sizeof(answer))
		abort();
	if (n->caps)
		info.capabilities = n->caps;
	/* The driver's answer: the known fields, then 0xa5 for newer ones. */
	memset(answer, 0xa5, sizeof(answer));
	memcpy(answer, &info, sizeof(info) < k ? sizeof(info) : k);

	if (q->size == 0) {
		q->size = n->mode == FAKE_SHORT_SIZE ? 16 : k;
		return 0;
	}
	if (q->size < POTNPU_DEVICE_INFO_MIN_SIZE) {
		errno = EINVAL;
		return -1;
	}
	w = q->size < k ? q->size : k;
	memcpy((void *)(uintptr_t)q->data, answer, w);
	if (q->size > w && n->mode != FAKE_NO_ZERO_TAIL)
		memset((uint8_t *)(uintptr_t)q->data + w, 0, q->size - w);
	q->size = n->mode == FAKE_OVERRUN ? q->size + 8 :
		  n->mode == FAKE_SHORT_SIZE ? 16 : w;
	return 0;
}

int __wrap_drmIoctl(int fd, unsigned long request, void *arg)
{
	const struct fake_node *n = node_of(fd);

	if (!n) {
		errno = ENOTTY;
		return -1;
	}
	if (fail_now(request))
		return -1;
	switch (request) {
	case DRM_IOCTL_POTNPU_QUERY:
		return fake_query(n, arg);
	case DRM_IOCTL_POTNPU_BO_CREATE:
	case DRM_IOCTL_POTNPU_BO_INFO:
		if (n->mode == FAKE_NO_BO) {
			/* What the DRM core answers for an unknown ioctl. */
			errno = EINVAL;
			return -1;
		}
		return request == DRM_IOCTL_POTNPU_BO_CREATE ?
			fake_bo_create(fd, arg) : fake_bo_info(fd, arg);
	case DRM_IOCTL_GEM_CLOSE:
		return fake_gem_close(fd, arg);
	default:
		errno = EINVAL;
		return -1;
	}
}

/* mmap() of a fake node; @real is libc's mmap or mmap64. */
static void *fake_mmap(void *addr, size_t len, int prot, int flags, int fd,
		       off_t off,
		       void *(*real)(void *, size_t, int, int, int, off_t))
{
	const struct fake_node *n;
	struct fake_bo *b = NULL;
	size_t i, slot;
	void *p;

	n = (flags & MAP_ANONYMOUS) || fd < 0 ? NULL : node_of(fd);
	if (!n)
		return real(addr, len, prot, flags, fd, off);
	fake_mmaps++;
	if (fail_now(FAKE_MMAP))
		return MAP_FAILED;
	for (i = 0; i < FAKE_MAX_BOS; i++)
		if (bos[i].live && bos[i].fd == fd &&
		    bos[i].offset == (uint64_t)off)
			b = &bos[i];
	/* Shared mappings only, within the object, like GEM shmem. */
	if (!b || !(flags & MAP_SHARED) || !len || len > b->size) {
		errno = EINVAL;
		return MAP_FAILED;
	}
	for (slot = 0; slot < FAKE_MAX_MAPS && maps[slot].addr; slot++)
		;
	if (slot == FAKE_MAX_MAPS) {
		errno = ENOMEM;
		return MAP_FAILED;
	}
	p = real(addr, len, prot, flags, b->memfd, 0);
	if (p != MAP_FAILED) {
		maps[slot].addr = p;
		maps[slot].len = len;
	}
	return p;
}

void *__wrap_mmap(void *addr, size_t len, int prot, int flags, int fd,
		  off_t off)
{
	return fake_mmap(addr, len, prot, flags, fd, off, __real_mmap);
}

void *__wrap_mmap64(void *addr, size_t len, int prot, int flags, int fd,
		    off_t off)
{
	return fake_mmap(addr, len, prot, flags, fd, off, __real_mmap64);
}

int __wrap_munmap(void *addr, size_t len)
{
	size_t i;

	for (i = 0; i < FAKE_MAX_MAPS; i++) {
		if (maps[i].addr != addr)
			continue;
		fake_munmaps++;
		if (maps[i].len != len)
			abort();	/* the library lost track of a size */
		maps[i].addr = NULL;
		maps[i].len = 0;
	}
	return __real_munmap(addr, len);
}
