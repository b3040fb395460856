// SPDX-License-Identifier: MIT
/*
 * Generators for the query and buffer object ioctls (QUERY, BO_CREATE,
 * BO_INFO), GEM_CLOSE, GEM_FLINK/OPEN, PRIME and the CPU mappings. Each
 * call is valid, nearly valid (one field off) or garbage; the expectation
 * passed to the wrapper says what the ABI (uapi/drm/potnpu_accel.h)
 * promises for it.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"

/* ---- QUERY ---- */

/* Size 0 only asks for the size; a larger buffer gets zeroes after it. */
static void fz_query_check_answer(struct fz_proc *p, struct fz_file *f,
				  const struct drm_potnpu_query *q,
				  uint32_t asked)
{
	uint32_t i;

	const struct drm_potnpu_device_info *info = (const void *)p->scratch;
	uint32_t want = q->param == DRM_POTNPU_QUERY_DEVICE_INFO ?
		sizeof(struct drm_potnpu_device_info) :
		sizeof(struct drm_potnpu_fw_info);

	if (q->size != want)
		fz_fail(p, "QUERY param %u answered %u bytes, not %u",
			q->param, q->size, want);
	for (i = want; i < asked; i++)
		if (p->scratch[i]) {
			fz_fail(p, "QUERY: byte %u of a %u-byte buffer not zeroed",
				i, asked);
			break;
		}
	if (q->param != DRM_POTNPU_QUERY_DEVICE_INFO || !asked)
		return;
	if (info->uapi_version != (DRM_POTNPU_UAPI_MAJOR << 16 |
				   DRM_POTNPU_UAPI_MINOR) ||
	    info->pad0[0] | info->pad0[1] | info->pad0[2] | info->pad1 |
	    info->pad2)
		fz_fail(p, "QUERY device info: uapi %#x or padding not zero",
			info->uapi_version);
	if (info->capabilities != f->caps)
		fz_fail(p, "QUERY device info: capabilities changed %#llx -> %#llx",
			(unsigned long long)f->caps,
			(unsigned long long)info->capabilities);
}

void fz_do_query(struct fz_proc *p, struct fz_file *f)
{
	struct drm_potnpu_query q = {
		.param = fz_below(&p->rng, 2),
		.size = fz_chance(&p->rng, 20) ? 0 : 48,
		.data = (uintptr_t)p->scratch,
	};
	struct fz_expect e = FZ_OK("valid");
	uint32_t asked;
	int err;

	if (q.param == DRM_POTNPU_QUERY_FW_INFO && q.size)
		q.size = 32;
	if (fz_chance(&p->rng, 15))	/* larger than the answer: allowed */
		q.size = 48 + fz_below(&p->rng, DRM_POTNPU_QUERY_MAX_SIZE - 47);
	switch (fz_below(&p->rng, 12)) {
	case 0:
		q.flags = 1u << fz_below(&p->rng, 32);
		e = FZ_FAIL("flags set", EINVAL);
		break;
	case 1:
		q.pad = fz_garbage32(&p->rng) | 1;
		e = FZ_FAIL("pad set", EINVAL);
		break;
	case 2:
		q.param = 2 + fz_garbage32(&p->rng) % 0xfffffffe;
		e = FZ_FAIL("unknown param", EINVAL);
		break;
	case 3:
		q.size = 1 + fz_below(&p->rng, q.param ? 31 : 47);
		e = FZ_FAIL("size below version 1", EINVAL);
		break;
	case 4:
		q.size = DRM_POTNPU_QUERY_MAX_SIZE + 1 +
			 fz_below(&p->rng, 1u << 20);
		e = FZ_FAIL("size above the maximum", EINVAL);
		break;
	case 5:
		if (!q.size)
			q.size = q.param ? 32 : 48;
		q.data = fz_bad_ptr(p);
		e = FZ_FAIL("data unmapped", EFAULT);
		break;
	case 6:
		if (!q.size)
			q.size = q.param ? 32 : 48;
		q.data = (uintptr_t)fz_tail(p, q.size - 1 - fz_below(&p->rng, 8));
		e = FZ_FAIL("data one short", EFAULT);
		break;
	case 7:
		/* The struct itself on the unmapped page. */
		fz_ioctl(p, OP_QUERY, f->fd, DRM_IOCTL_POTNPU_QUERY,
			 fz_unmapped(p), FZ_FAIL("arg unmapped", EFAULT));
		return;
	case 8:
		q.param = fz_garbage32(&p->rng);
		q.size = fz_garbage32(&p->rng);
		q.flags = fz_chance(&p->rng, 50) ? 0 : fz_garbage32(&p->rng);
		q.data = fz_chance(&p->rng, 50) ? (uintptr_t)p->scratch :
			 fz_garbage64(&p->rng);
		if (q.size > sizeof(p->scratch))
			q.data = fz_bad_ptr(p);
		e = FZ_ANY("garbage");
		break;
	default:
		break;
	}
	memset(p->scratch, 0xa5, DRM_POTNPU_QUERY_MAX_SIZE);
	asked = q.size;
	err = fz_ioctl(p, OP_QUERY, f->fd, DRM_IOCTL_POTNPU_QUERY, &q, e);
	if (!err && e.kind == EXP_OK)
		fz_query_check_answer(p, f, &q, asked);
}

/* ---- BO_CREATE ---- */

static uint64_t fz_bo_size(struct fz_proc *p)
{
	switch (fz_below(&p->rng, 8)) {
	case 0:
		return 1 + fz_below(&p->rng, 16);
	case 1:
		return FZ_PAGE - 1 + fz_below(&p->rng, 3);
	case 2:
		return (1 + fz_below(&p->rng, 256)) * FZ_PAGE;	/* to 1 MiB */
	default:
		return (1 + fz_below(&p->rng, 8)) * FZ_PAGE -
		       fz_below(&p->rng, 2);
	}
}

static void fz_bo_track(struct fz_proc *p, struct fz_file *f,
			const struct drm_potnpu_bo_create *c, uint64_t asked)
{
	struct drm_potnpu_bo_info i = { .handle = c->handle };
	struct fz_bo *bo;

	if (c->size < asked || c->size % FZ_PAGE || c->size - asked >= FZ_PAGE ||
	    !c->va || c->va % FZ_PAGE || !c->handle)
		fz_fail(p, "BO_CREATE of %llu bytes: size %llu va %#llx handle %u",
			(unsigned long long)asked, (unsigned long long)c->size,
			(unsigned long long)c->va, c->handle);
	if (fz_ioctl(p, OP_BO_INFO, f->fd, DRM_IOCTL_POTNPU_BO_INFO, &i,
		     FZ_OK("new BO")))
		return;
	/* On a shared file another process may have closed it already. */
	if (!f->shared && (i.size != c->size || i.va != c->va ||
			   i.flags != c->flags || i.pad1))
		fz_fail(p, "BO_INFO of a new BO disagrees with BO_CREATE");
	if (f->nr_bos == FZ_MAX_BOS) {
		struct drm_gem_close cl = { .handle = c->handle };

		fz_ioctl(p, OP_GEM_CLOSE, f->fd, DRM_IOCTL_GEM_CLOSE, &cl,
			 FZ_OK("tracker full"));
		return;
	}
	/* GEM reuses the lowest free handle: that one is not closed now. */
	if (f->closed_bo == c->handle)
		f->closed_bo = 0;
	bo = &f->bos[f->nr_bos++];
	*bo = (struct fz_bo){
		.handle = c->handle, .flags = c->flags, .size = c->size,
		.va = c->va, .mmap_offset = i.mmap_offset,
	};
}

void fz_do_bo_create(struct fz_proc *p, struct fz_file *f)
{
	struct drm_potnpu_bo_create c = {
		.size = fz_bo_size(p),
		.flags = fz_chance(&p->rng, 25) ? DRM_POTNPU_BO_READ_ONLY : 0,
		/* Ignored on input. */
		.handle = fz_chance(&p->rng, 10) ? fz_garbage32(&p->rng) : 0,
		.va = fz_chance(&p->rng, 10) ? fz_garbage64(&p->rng) : 0,
	};
	struct fz_expect e = FZ_OK("valid");
	uint64_t asked = c.size;

	switch (fz_below(&p->rng, 10)) {
	case 0:
		c.size = 0;
		e = FZ_FAIL("size 0", EINVAL);
		break;
	case 1:
		c.size = DRM_POTNPU_BO_MAX_SIZE + 1 +
			 (fz_chance(&p->rng, 50) ? 0 : fz_garbage64(&p->rng) %
			  (~0ull - DRM_POTNPU_BO_MAX_SIZE - 1));
		e = FZ_FAIL("size above the maximum", EINVAL);
		break;
	case 2:
		c.flags |= 2u << fz_below(&p->rng, 31);
		e = FZ_FAIL("unknown flag", EINVAL);
		break;
	case 3:
		fz_ioctl(p, OP_BO_CREATE, f->fd, DRM_IOCTL_POTNPU_BO_CREATE,
			 fz_unmapped(p), FZ_FAIL("arg unmapped", EFAULT));
		return;
	default:
		break;
	}
	if (fz_ioctl(p, OP_BO_CREATE, f->fd, DRM_IOCTL_POTNPU_BO_CREATE, &c,
		     e) == 0 && e.kind == EXP_OK)
		fz_bo_track(p, f, &c, asked);
}

/* ---- BO_INFO ---- */

void fz_do_bo_info(struct fz_proc *p, struct fz_file *f)
{
	struct fz_bo *bo = fz_pick_bo(p, f, false);
	struct drm_potnpu_bo_info i = { .handle = bo ? bo->handle : 1 };
	struct fz_expect e = bo && !bo->foreign ? FZ_OK("own BO") :
		bo ? FZ_FAIL("GEM_OPEN handle", ENOENT) : FZ_ANY("no BO");
	int err;

	switch (fz_below(&p->rng, 8)) {
	case 0:
		i.pad = 1u << fz_below(&p->rng, 32);
		e = FZ_FAIL("pad set", EINVAL);
		break;
	case 1:
		if (!f->closed_bo)
			break;
		i.handle = f->closed_bo;
		e = FZ_FAIL("closed handle", ENOENT);
		break;
	case 2:
		i.handle = 0;
		e = FZ_FAIL("handle 0", ENOENT);
		break;
	case 3:
		i.handle = fz_garbage32(&p->rng);
		e = FZ_ANY("garbage handle");
		break;
	default:
		break;
	}
	err = fz_ioctl(p, OP_BO_INFO, f->fd, DRM_IOCTL_POTNPU_BO_INFO, &i, e);
	if (!err && e.kind == EXP_OK && !f->shared &&
	    (i.size != bo->size || i.va != bo->va || i.flags != bo->flags ||
	     i.mmap_offset != bo->mmap_offset || i.pad1))
		fz_fail(p, "BO_INFO of handle %u changed: size %llu va %#llx",
			bo->handle, (unsigned long long)i.size,
			(unsigned long long)i.va);
}

/* ---- GEM_CLOSE ---- */

void fz_do_gem_close(struct fz_proc *p, struct fz_file *f)
{
	struct fz_bo *bo = fz_pick_bo(p, f, false);
	struct drm_gem_close c = { .handle = bo ? bo->handle : 0 };
	struct fz_expect e = bo ? FZ_OK("tracked BO") :
		FZ_FAIL("handle 0", EINVAL);

	if (bo && f->closed_bo && fz_chance(&p->rng, 20)) {
		c.handle = f->closed_bo;
		e = FZ_FAIL("closed handle", EINVAL);
		bo = NULL;
	}
	if (!fz_ioctl(p, OP_GEM_CLOSE, f->fd, DRM_IOCTL_GEM_CLOSE, &c, e) &&
	    bo) {
		f->closed_bo = bo->handle;
		fz_forget_bo(f, bo);
	}
}

/* ---- GEM_FLINK / GEM_OPEN: a BO of one file seen by another ---- */

static struct fz_file *fz_other_file(struct fz_proc *p, struct fz_file *f)
{
	unsigned int i, start = fz_below(&p->rng, FZ_MAX_FDS);

	for (i = 0; i < FZ_MAX_FDS; i++) {
		struct fz_file *g = &p->files[(start + i) % FZ_MAX_FDS];

		if (g != f && g->fd >= 0 && g->dev == f->dev)
			return g;
	}
	return NULL;
}

void fz_do_flink(struct fz_proc *p, struct fz_file *f)
{
	struct fz_bo *bo = fz_pick_bo(p, f, true);
	struct fz_file *g = fz_other_file(p, f);
	struct drm_gem_flink fl = { .handle = bo ? bo->handle : 0 };
	struct drm_gem_open op = { 0 };
	struct fz_bo *nb;

	if (!bo || fz_chance(&p->rng, 10)) {
		fl.handle = bo && f->closed_bo ? f->closed_bo : 0;
		fz_ioctl(p, OP_GEM_FLINK, f->fd, DRM_IOCTL_GEM_FLINK, &fl,
			 FZ_FAIL("no such handle", ENOENT, EINVAL));
		return;
	}
	if (fz_ioctl(p, OP_GEM_FLINK, f->fd, DRM_IOCTL_GEM_FLINK, &fl,
		     FZ_OK("own BO")))
		return;
	op.name = fl.name;
	if (!g || g->nr_bos == FZ_MAX_BOS || fz_chance(&p->rng, 10)) {
		/* Names are global: a garbage one may be anyone's. */
		op.name = fz_garbage32(&p->rng);
		if (!fz_ioctl(p, OP_GEM_OPEN, f->fd, DRM_IOCTL_GEM_OPEN, &op,
			      FZ_ANY("garbage name"))) {
			struct drm_gem_close c = { .handle = op.handle };

			fz_ioctl(p, OP_GEM_CLOSE, f->fd, DRM_IOCTL_GEM_CLOSE, &c,
				 FZ_ANY("untracked handle"));
		}
		return;
	}
	if (fz_ioctl(p, OP_GEM_OPEN, g->fd, DRM_IOCTL_GEM_OPEN, &op,
		     FZ_OK("name just made")))
		return;
	if (f->shared || g->shared) {
		/* Which object the name is, other processes decide. */
		struct drm_gem_close c = { .handle = op.handle };

		fz_ioctl(p, OP_GEM_CLOSE, g->fd, DRM_IOCTL_GEM_CLOSE, &c,
			 FZ_ANY("shared file"));
		return;
	}
	if (op.size != bo->size)
		fz_fail(p, "GEM_OPEN: size %llu, the BO has %llu",
			(unsigned long long)op.size,
			(unsigned long long)bo->size);
	if (g->closed_bo == op.handle)
		g->closed_bo = 0;
	nb = &g->bos[g->nr_bos++];
	*nb = *bo;
	nb->handle = op.handle;
	nb->foreign = true;
}

/* ---- PRIME: potnpu BOs are never exported, nothing here is a dma-buf ---- */

void fz_do_prime(struct fz_proc *p, struct fz_file *f)
{
	struct fz_bo *bo = fz_pick_bo(p, f, false);
	struct drm_prime_handle h = {
		.handle = bo ? bo->handle : fz_garbage32(&p->rng),
		.flags = fz_chance(&p->rng, 70) ? DRM_CLOEXEC | DRM_RDWR :
			 fz_garbage32(&p->rng),
		.fd = -1,
	};

	if (fz_chance(&p->rng, 50)) {
		if (!fz_ioctl(p, OP_PRIME_HANDLE_TO_FD, f->fd,
			      DRM_IOCTL_PRIME_HANDLE_TO_FD, &h,
			      FZ_FAIL("export refused")))
			close(h.fd);
		return;
	}
	/* Our accel fd, a syncobj-less fd, garbage: none is a dma-buf. */
	switch (fz_below(&p->rng, 3)) {
	case 0:
		h.fd = f->fd;
		break;
	case 1:
		h.fd = 0;
		break;
	default:
		h.fd = (int32_t)fz_garbage32(&p->rng);
		break;
	}
	h.flags = 0;
	h.handle = 0;
	if (!fz_ioctl(p, OP_PRIME_FD_TO_HANDLE, f->fd,
		      DRM_IOCTL_PRIME_FD_TO_HANDLE, &h, FZ_FAIL("not a dma-buf"))) {
		struct drm_gem_close c = { .handle = h.handle };

		ioctl(f->fd, DRM_IOCTL_GEM_CLOSE, &c);
	}
}

/* ---- mmap / munmap ---- */

static void fz_map_touch(struct fz_proc *p, uint8_t *addr, size_t len)
{
	size_t off = fz_below(&p->rng, len);

	addr[off] = (uint8_t)fz_rand(&p->rng);
	(void)*(volatile uint8_t *)(addr + len - 1);
}

/* Does @g hold a handle to the object at @mmap_offset? */
static bool fz_file_has(const struct fz_file *g, uint64_t mmap_offset)
{
	unsigned int i;

	for (i = 0; i < g->nr_bos; i++)
		if (g->bos[i].mmap_offset == mmap_offset)
			return true;
	return false;
}

void fz_do_mmap(struct fz_proc *p, struct fz_file *f)
{
	struct fz_bo *bo = fz_pick_bo(p, f, false);
	int prot = PROT_READ | PROT_WRITE, flags = MAP_SHARED;
	struct fz_expect e = FZ_OK("valid");
	size_t len;
	void *addr;
	int err;

	if (!bo)
		return;
	len = bo->size;
	switch (fz_below(&p->rng, 8)) {
	case 0:
		len += FZ_PAGE;
		e = FZ_FAIL("one page more than the BO", EINVAL);
		break;
	case 1:
		flags = MAP_PRIVATE;
		e = FZ_FAIL("private mapping", EINVAL);
		break;
	case 2: {
		struct fz_file *g = fz_other_file(p, f);

		/* A file that has no handle to the object. */
		if (!g || bo->foreign)
			break;
		if (fz_file_has(g, bo->mmap_offset))
			break;
		fz_call_begin(p, OP_MMAP);
		addr = mmap(NULL, len, prot, flags, g->fd, bo->mmap_offset);
		err = addr == MAP_FAILED ? errno : 0;
		/* A BO of a shared file may be gone: then EINVAL. */
		fz_call_end(p, OP_MMAP, err, fz_on_fd(p, f->fd, fz_on_fd(p, g->fd,
			    FZ_FAIL("offset of another file's BO", EACCES))));
		if (!err)
			munmap(addr, len);
		return;
	}
	case 3:
		len = FZ_PAGE;
		prot = PROT_READ;
		e = FZ_OK("first page read-only");
		break;
	default:
		break;
	}
	if (p->nr_maps == FZ_MAX_MAPS)
		fz_do_munmap(p);
	fz_call_begin(p, OP_MMAP);
	addr = mmap(NULL, len, prot, flags, f->fd, bo->mmap_offset);
	err = addr == MAP_FAILED ? errno : 0;
	fz_call_end(p, OP_MMAP, err, fz_on_fd(p, f->fd, e));
	if (err)
		return;
	if (prot & PROT_WRITE)
		fz_map_touch(p, addr, len);
	p->maps[p->nr_maps++] = (struct fz_map){ .addr = addr, .len = len };
}

void fz_do_munmap(struct fz_proc *p)
{
	unsigned int i;
	int err;

	if (!p->nr_maps)
		return;
	i = fz_below(&p->rng, p->nr_maps);
	/* Touch it first: the BO may be closed, the fd too; pages stay. */
	if (fz_chance(&p->rng, 50))
		(void)*(volatile uint8_t *)p->maps[i].addr;
	fz_call_begin(p, OP_MUNMAP);
	err = munmap(p->maps[i].addr, p->maps[i].len) ? errno : 0;
	fz_call_end(p, OP_MUNMAP, err, FZ_OK("tracked mapping"));
	p->maps[i] = p->maps[--p->nr_maps];
}
