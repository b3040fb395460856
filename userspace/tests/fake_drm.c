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
#include "potnpu_job.h"
#include "potnpu_layer.h"
#include "potnpu_regs.h"

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

bool fake_job_force, fake_job_defer, fake_job_validate;
struct fake_job_result fake_job_forced;
unsigned int fake_submits;
struct drm_potnpu_submit fake_last_submit;
uint32_t fake_last_bos[DRM_POTNPU_MAX_JOB_BOS];

struct fake_syncobj {
	bool live, signaled;
	int fd;
	uint32_t handle;
	uint64_t point;		/* highest signalled timeline point */
};

struct fake_job {
	bool used, done;
	int fd;
	uint64_t id, point;
	uint32_t syncobj;
	struct fake_job_result res;
};

struct fake_file {
	int fd;
	bool banned;
	uint64_t next_id;
};

#define FAKE_MAX_SYNCOBJS	512
#define FAKE_MAX_JOBS		256
#define FAKE_MAX_FILES		16

static struct fake_syncobj syncobjs[FAKE_MAX_SYNCOBJS];
static struct fake_job jobs[FAKE_MAX_JOBS];

/* Where job @id of file @fd is kept: the last 64 jobs of each of four
 * files at once (files opened one after another differ in fd % 4). */
static struct fake_job *job_slot(int fd, uint64_t id)
{
	return &jobs[(unsigned int)fd % 4 * (FAKE_MAX_JOBS / 4) +
		     id % (FAKE_MAX_JOBS / 4)];
}
static struct fake_file files[FAKE_MAX_FILES];
static uint32_t next_syncobj;
static uint64_t fake_instret;

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
	memset(syncobjs, 0, sizeof(syncobjs));
	memset(jobs, 0, sizeof(jobs));
	memset(files, 0, sizeof(files));
	next_syncobj = 1;
	fake_instret = 1000;
	fake_job_force = fake_job_defer = false;
	fake_job_validate = true;
	memset(&fake_job_forced, 0, sizeof(fake_job_forced));
	fake_submits = 0;
	memset(&fake_last_submit, 0, sizeof(fake_last_submit));
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

static void forget_file(int fd);

drmVersionPtr __wrap_drmGetVersion(int fd)
{
	const struct fake_node *n = node_of(fd);
	drmVersionPtr v;

	if (!n) {
		errno = ENOTTY;
		return NULL;
	}
	forget_file(fd);	/* a new open file behind this descriptor */
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

/* ---- syncobjs ---------------------------------------------------------- */

static struct fake_syncobj *syncobj_find(int fd, uint32_t handle)
{
	size_t i;

	for (i = 0; i < FAKE_MAX_SYNCOBJS; i++)
		if (syncobjs[i].live && syncobjs[i].fd == fd &&
		    syncobjs[i].handle == handle)
			return &syncobjs[i];
	return NULL;
}

size_t fake_drm_live_syncobjs(void)
{
	size_t i, n = 0;

	for (i = 0; i < FAKE_MAX_SYNCOBJS; i++)
		n += syncobjs[i].live;
	return n;
}

/* libdrm's convention: -1 with errno for create/destroy, -errno for wait. */
int __wrap_drmSyncobjCreate(int fd, uint32_t flags, uint32_t *handle)
{
	size_t i;

	if (!node_of(fd)) {
		errno = ENOTTY;
		return -1;
	}
	if (fail_now(DRM_IOCTL_SYNCOBJ_CREATE))
		return -1;
	for (i = 0; i < FAKE_MAX_SYNCOBJS && syncobjs[i].live; i++)
		;
	if (i == FAKE_MAX_SYNCOBJS) {
		errno = ENOMEM;
		return -1;
	}
	syncobjs[i].live = true;
	syncobjs[i].signaled = flags & DRM_SYNCOBJ_CREATE_SIGNALED;
	syncobjs[i].fd = fd;
	syncobjs[i].handle = next_syncobj++;
	*handle = syncobjs[i].handle;
	return 0;
}

int __wrap_drmSyncobjDestroy(int fd, uint32_t handle)
{
	struct fake_syncobj *so = syncobj_find(fd, handle);

	if (!so) {
		errno = EINVAL;
		return -1;
	}
	memset(so, 0, sizeof(*so));
	return 0;
}

int __wrap_drmSyncobjWait(int fd, uint32_t *handles, unsigned num_handles,
			  int64_t timeout_nsec, unsigned flags,
			  uint32_t *first_signaled)
{
	unsigned i;

	(void)timeout_nsec;
	(void)flags;
	if (fail_now(DRM_IOCTL_SYNCOBJ_WAIT))
		return -errno;
	if (!num_handles) {
		errno = EINVAL;
		return -EINVAL;
	}
	for (i = 0; i < num_handles; i++) {
		struct fake_syncobj *so = syncobj_find(fd, handles[i]);

		if (!so) {
			errno = ENOENT;
			return -ENOENT;
		}
		/* Nothing runs behind the caller's back: no waiting. */
		if (!so->signaled) {
			errno = ETIME;
			return -ETIME;
		}
	}
	if (first_signaled)
		*first_signaled = 0;
	return 0;
}

int __wrap_drmSyncobjTimelineWait(int fd, uint32_t *handles, uint64_t *points,
				  unsigned num_handles, int64_t timeout_nsec,
				  unsigned flags, uint32_t *first_signaled)
{
	unsigned i;

	(void)timeout_nsec;
	(void)flags;
	if (fail_now(DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT))
		return -errno;
	if (!num_handles) {
		errno = EINVAL;
		return -EINVAL;
	}
	for (i = 0; i < num_handles; i++) {
		struct fake_syncobj *so = syncobj_find(fd, handles[i]);

		if (!so) {
			errno = ENOENT;
			return -ENOENT;
		}
		if (so->point < points[i]) {
			errno = ETIME;
			return -ETIME;
		}
	}
	if (first_signaled)
		*first_signaled = 0;
	return 0;
}

uint64_t fake_drm_syncobj_point(uint32_t handle)
{
	size_t i;

	for (i = 0; i < FAKE_MAX_SYNCOBJS; i++)
		if (syncobjs[i].live && syncobjs[i].handle == handle)
			return syncobjs[i].point;
	return 0;
}

/* ---- jobs: a reference executor over the listed BOs --------------------- */

struct exec {
	bool dry;		/* validation: check ranges, move nothing */
	int fd;
	uint32_t slot;
	struct fake_bo *bos[DRM_POTNPU_MAX_JOB_BOS];
	uint32_t nbos;
	struct fake_job_result *res;
};

/* Move @len bytes between @buf and device memory at @va; 0 or MMU fault. */
static int xfer(struct exec *e, uint64_t va, void *buf, uint64_t len,
		bool write)
{
	uint8_t *p = buf;

	while (len) {
		struct fake_bo *b = NULL;
		uint32_t i, reason = POTNPU_MMU_REASON_NOT_PRESENT;
		uint64_t n;
		ssize_t r;

		for (i = 0; i < e->nbos; i++)
			if (va >= e->bos[i]->va &&
			    va < e->bos[i]->va + e->bos[i]->size)
				b = e->bos[i];
		if (va >= POTNPU_VA_SIZE)
			reason = POTNPU_MMU_REASON_RANGE;
		else if (b && write && (b->flags & DRM_POTNPU_BO_READ_ONLY))
			reason = POTNPU_MMU_REASON_READ_ONLY;
		else if (b)
			reason = 0;
		if (reason) {
			e->res->status = DRM_POTNPU_JOB_MMU_FAULT;
			e->res->err_info = POTNPU_MMU_FAULT_MAKE(e->slot, reason,
								 write);
			e->res->fault_addr = va;
			return -1;
		}
		n = b->va + b->size - va < len ? b->va + b->size - va : len;
		if (e->dry && n < len) {
			/* The driver wants each range inside one BO. */
			e->res->status = DRM_POTNPU_JOB_MMU_FAULT;
			e->res->fault_addr = va + n;
			return -1;
		}
		if (e->dry)
			return 0;
		r = write ? pwrite(b->memfd, p, n, (off_t)(va - b->va)) :
			    pread(b->memfd, p, n, (off_t)(va - b->va));
		if (r != (ssize_t)n) {
			e->res->status = DRM_POTNPU_JOB_BUS_ERROR;
			return -1;
		}
		va += n;
		p += n;
		len -= n;
	}
	return 0;
}

static int xfer_cb(void *ctx, uint64_t va, void *buf, uint64_t len,
		   bool write)
{
	return xfer(ctx, va, buf, len, write);
}

static void execute(struct exec *e, const uint32_t *w, uint32_t nwords)
{
	uint32_t i = 0, k, op, n;
	uint8_t *tmp;

	while (i < nwords) {
		const uint32_t *c = w + i;
		uint64_t a;

		e->res->err_offset = i * 4;
		op = POTNPU_CMD_OP(c[0]);
		n = POTNPU_CMD_WORDS(c[0]);
		if (!potnpu_cmd_words(op) || POTNPU_CMD_FLAGS(c[0]) ||
		    n != potnpu_cmd_words(op) || n > nwords - i) {
			e->res->status = DRM_POTNPU_JOB_ILLEGAL;
			e->res->err_info = op;
			return;
		}
		a = n >= 3 ? c[1] | (uint64_t)c[2] << 32 : 0;
		switch (op) {
		case POTNPU_OP_FENCE:
			if (a % 4) {
				e->res->status = DRM_POTNPU_JOB_INVALID;
				return;
			}
			if (xfer(e, a, (void *)&c[3], 4, true))
				return;
			break;
		case POTNPU_OP_TIMESTAMP:
			if (a % 8) {
				e->res->status = DRM_POTNPU_JOB_INVALID;
				return;
			}
			fake_instret += 17;
			if (xfer(e, a, &fake_instret, 8, true))
				return;
			break;
		case POTNPU_OP_COPY:
		case POTNPU_OP_FILL:
			n = op == POTNPU_OP_COPY ? c[5] : c[3];
			if (!n) {
				e->res->status = DRM_POTNPU_JOB_INVALID;
				return;
			}
			tmp = e->dry ? NULL : malloc(n);
			if (!tmp && !e->dry) {
				e->res->status = DRM_POTNPU_JOB_BUS_ERROR;
				return;
			}
			if (op == POTNPU_OP_FILL && tmp)
				for (k = 0; k < n; k++)
					tmp[k] = (uint8_t)(c[4] >> (8 * (k % 4)));
			if ((op == POTNPU_OP_COPY && xfer(e, a, tmp, n, false)) ||
			    xfer(e, op == POTNPU_OP_COPY ?
				 (c[3] | (uint64_t)c[4] << 32) : a, tmp, n, true)) {
				free(tmp);
				return;
			}
			free(tmp);
			break;
		case POTNPU_OP_NOP:
			break;
		default:
			k = (uint32_t)fake_layer_exec(c, xfer_cb, e, e->dry);
			if (k == 1)
				e->res->status = DRM_POTNPU_JOB_INVALID;
			else if (k && !e->res->status)
				e->res->status = DRM_POTNPU_JOB_BUS_ERROR;
			if (k)
				return;
		}
		i += potnpu_cmd_words(op);
	}
	e->res->err_offset = 0;
}

static struct fake_file *file_of(int fd)
{
	size_t i;

	for (i = 0; i < FAKE_MAX_FILES; i++)
		if (files[i].fd == fd && files[i].next_id)
			return &files[i];
	for (i = 0; i < FAKE_MAX_FILES; i++)
		if (!files[i].next_id) {
			files[i].fd = fd;
			files[i].next_id = 1;
			files[i].banned = false;
			return &files[i];
		}
	abort();
}

static void forget_file(int fd)
{
	size_t i;

	for (i = 0; i < FAKE_MAX_FILES; i++)
		if (files[i].fd == fd)
			memset(&files[i], 0, sizeof(files[i]));
}

static void job_complete(struct fake_job *j)
{
	struct fake_syncobj *so = j->syncobj ?
		syncobj_find(j->fd, j->syncobj) : NULL;

	j->done = true;
	if (so && j->point)
		so->point = j->point > so->point ? j->point : so->point;
	else if (so)
		so->signaled = true;
}

void fake_drm_run_jobs(void)
{
	size_t i;

	for (i = 0; i < FAKE_MAX_JOBS; i++)
		if (jobs[i].used && !jobs[i].done)
			job_complete(&jobs[i]);
}

static int fake_submit(int fd, struct drm_potnpu_submit *s)
{
	struct fake_file *f = file_of(fd);
	const uint32_t *handles = (const uint32_t *)(uintptr_t)s->bo_handles;
	const uint32_t *in = (const uint32_t *)(uintptr_t)s->in_syncobjs;
	struct fake_job *j;
	struct fake_bo *cmd;
	struct exec e;
	uint32_t i, k, *w;

	fake_submits++;
	fake_last_submit = *s;
	if (s->flags || s->pad || s->cmd_offset % 4 || s->cmd_size % 4 ||
	    s->cmd_size < 4 || s->cmd_size > POTNPU_CMD_MAX_SIZE ||
	    !s->bo_count || s->bo_count > DRM_POTNPU_MAX_JOB_BOS ||
	    s->in_syncobj_count > DRM_POTNPU_MAX_IN_SYNCOBJS) {
		errno = EINVAL;
		return -1;
	}
	memcpy(fake_last_bos, handles, s->bo_count * sizeof(*handles));
	if (f->banned) {
		errno = EIO;
		return -1;
	}
	memset(&e, 0, sizeof(e));
	e.fd = fd;
	e.slot = (uint32_t)(f - files) + 1;
	for (i = 0; i < s->bo_count; i++) {
		for (k = 0; k < i; k++)
			if (handles[k] == handles[i]) {
				errno = EINVAL;
				return -1;
			}
		e.bos[i] = bo_find(fd, handles[i]);
		if (!e.bos[i]) {
			errno = ENOENT;
			return -1;
		}
	}
	e.nbos = s->bo_count;
	for (i = 0; i < s->in_syncobj_count; i++)
		if (!syncobj_find(fd, in[i])) {
			errno = ENOENT;
			return -1;
		}
	if (s->out_syncobj && !syncobj_find(fd, s->out_syncobj)) {
		errno = ENOENT;
		return -1;
	}
	cmd = bo_find(fd, s->cmd_handle);
	if (!cmd) {
		errno = ENOENT;
		return -1;
	}
	if (s->cmd_offset + (uint64_t)s->cmd_size > cmd->size) {
		errno = EINVAL;
		return -1;
	}
	w = malloc(s->cmd_size);
	if (!w || pread(cmd->memfd, w, s->cmd_size, s->cmd_offset) !=
		  (ssize_t)s->cmd_size) {
		free(w);
		errno = ENOMEM;
		return -1;
	}
	if (fake_job_validate) {
		/* The driver's validation: a dry run of the same executor. */
		struct fake_job_result dry = { 0 };

		e.dry = true;
		e.res = &dry;
		execute(&e, w, s->cmd_size / 4);
		e.dry = false;
		if (dry.status) {
			free(w);
			errno = EINVAL;
			return -1;
		}
	}
	s->job_id = f->next_id++;
	j = job_slot(fd, s->job_id);
	memset(j, 0, sizeof(*j));
	j->used = true;
	j->fd = fd;
	j->id = s->job_id;
	j->syncobj = s->out_syncobj;
	j->point = s->out_point;
	e.res = &j->res;
	execute(&e, w, s->cmd_size / 4);
	free(w);
	if (fake_job_force) {
		j->res = fake_job_forced;
		fake_job_force = false;
	}
	if (j->res.status == DRM_POTNPU_JOB_MMU_FAULT)
		f->banned = true;
	if (!fake_job_defer)
		job_complete(j);
	return 0;
}

static int fake_job_status(int fd, struct drm_potnpu_job_status *st)
{
	struct fake_job *j = job_slot(fd, st->job_id);

	if (!j->used || j->id != st->job_id || j->fd != fd) {
		errno = ENOENT;
		return -1;
	}
	st->state = j->done ? DRM_POTNPU_JOB_DONE : DRM_POTNPU_JOB_PENDING;
	st->status = j->done ? j->res.status : 0;
	st->err_offset = j->done ? j->res.err_offset : 0;
	st->err_info = j->done ? j->res.err_info : 0;
	st->fault_addr = j->done ? j->res.fault_addr : 0;
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
	case DRM_IOCTL_POTNPU_SUBMIT:
	case DRM_IOCTL_POTNPU_JOB_STATUS:
		if (n->mode == FAKE_NO_BO) {
			errno = EINVAL;
			return -1;
		}
		return request == DRM_IOCTL_POTNPU_SUBMIT ?
			fake_submit(fd, arg) : fake_job_status(fd, arg);
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
