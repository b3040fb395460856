// SPDX-License-Identifier: MIT
/*
 * Generators for the DRM core syncobj ioctls the accel node serves
 * (CREATE, DESTROY, WAIT, TIMELINE_WAIT, SIGNAL, TIMELINE_SIGNAL, RESET,
 * TRANSFER, QUERY, HANDLE_TO_FD, FD_TO_HANDLE, EVENTFD) with the array
 * bound potnpu_drv.c adds, and the fd-level ones: VERSION, GET_CAP, the
 * ioctls the driver refuses on an accel node and numbers nobody serves.
 */
#include <errno.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "fuzz.h"

/* Waits never block for long: the watchdog is about the kernel's bound. */
#define FZ_WAIT_NS	50000000ll

static void fz_sync_track(struct fz_file *f, uint32_t handle,
			  enum fz_sync_state state)
{
	/* Syncobj handles are reused lowest first too. */
	if (f->closed_sync == handle)
		f->closed_sync = 0;
	if (f->nr_syncs == FZ_MAX_SYNCOBJS)
		return;
	f->syncs[f->nr_syncs++] = (struct fz_sync){
		.handle = handle, .state = state,
	};
}

void fz_do_syncobj_create(struct fz_proc *p, struct fz_file *f)
{
	struct drm_syncobj_create c = {
		.flags = fz_chance(&p->rng, 30) ? DRM_SYNCOBJ_CREATE_SIGNALED : 0,
	};
	struct fz_expect e = FZ_OK("valid");

	if (f->nr_syncs == FZ_MAX_SYNCOBJS)
		fz_do_syncobj_destroy(p, f);
	if (fz_chance(&p->rng, 10)) {
		c.flags |= 2u << fz_below(&p->rng, 31);
		e = FZ_FAIL("unknown flag", EINVAL);
	}
	if (fz_ioctl(p, OP_SYNCOBJ_CREATE, f->fd, DRM_IOCTL_SYNCOBJ_CREATE, &c,
		     e) || e.kind != EXP_OK)
		return;
	if (!c.handle)
		fz_fail(p, "SYNCOBJ_CREATE returned handle 0");
	fz_sync_track(f, c.handle,
		      c.flags ? SYNC_PLAIN : SYNC_EMPTY);
}

void fz_do_syncobj_destroy(struct fz_proc *p, struct fz_file *f)
{
	struct fz_sync *s = fz_pick_sync(p, f);
	struct drm_syncobj_destroy d = { .handle = s ? s->handle : 0 };
	struct fz_expect e = s ? FZ_OK("tracked") : FZ_FAIL("handle 0", EINVAL);

	if (s && fz_chance(&p->rng, 15)) {
		d.pad = 1u << fz_below(&p->rng, 32);
		e = FZ_FAIL("pad set", EINVAL);
	} else if (fz_chance(&p->rng, 15) && f->closed_sync) {
		d.handle = f->closed_sync;
		e = FZ_FAIL("destroyed handle", EINVAL);
		s = NULL;
	}
	if (fz_ioctl(p, OP_SYNCOBJ_DESTROY, f->fd, DRM_IOCTL_SYNCOBJ_DESTROY,
		     &d, e) || !s || e.kind != EXP_OK)
		return;
	f->closed_sync = s->handle;
	fz_forget_sync(f, s);
}

/* Up to @max tracked handles (and their points) into @h; their number. */
static uint32_t fz_sync_array(struct fz_proc *p, struct fz_file *f,
			      uint32_t *h, uint64_t *pt, uint32_t max,
			      bool *known)
{
	uint32_t n = 1 + fz_below(&p->rng, max), i;

	*known = true;
	for (i = 0; i < n; i++) {
		struct fz_sync *s = fz_pick_sync(p, f);

		if (!s)
			return i;
		h[i] = s->handle;
		if (pt)
			pt[i] = s->state == SYNC_CHAIN ?
				fz_below(&p->rng, s->last_point + 2) : 0;
		if (s->state == SYNC_UNKNOWN)
			*known = false;
	}
	return n;
}

/* The shared nearly-valid mutations of an array ioctl's handle array. */
static struct fz_expect fz_array_mutate(struct fz_proc *p, struct fz_file *f,
					uint32_t **h, uint32_t *count,
					struct fz_expect e, bool wait)
{
	switch (fz_below(&p->rng, 10)) {
	case 0:
		*count = 0;
		/* The waits return at once on nothing, the others refuse. */
		return wait ? FZ_OK("no handles to wait for") :
		       FZ_FAIL("no handles", EINVAL);
	case 1:
		*count = FZ_MAX_SYNCOBJ_HANDLES + 1 +
			 fz_garbage32(&p->rng) % 0x7fffffff;
		return FZ_FAIL("more handles than potnpu allows", EINVAL);
	case 2:
		*h = (uint32_t *)(uintptr_t)fz_bad_ptr(p);
		return FZ_FAIL("handles unmapped", EFAULT, EINVAL);
	case 3:
		*h = fz_tail(p, 4 * *count - 2);
		return FZ_FAIL("handle array short", EFAULT);
	case 4:
		if (!f->closed_sync)
			return e;
		(*h)[fz_below(&p->rng, *count)] = f->closed_sync;
		return FZ_FAIL("destroyed handle", ENOENT, EINVAL);
	default:
		return e;
	}
}

void fz_do_syncobj_wait(struct fz_proc *p, struct fz_file *f)
{
	uint32_t *h = (uint32_t *)p->scratch;
	uint64_t *pt = (uint64_t *)(p->scratch + 1024);
	struct fz_expect e = FZ_ANY("tracked handles");
	bool timeline = fz_chance(&p->rng, 50), known;
	uint32_t count = fz_sync_array(p, f, h, timeline ? pt : NULL, 8, &known);
	uint32_t flags = fz_below(&p->rng, 8);
	int64_t timeout = fz_chance(&p->rng, 30) ? 0 :
		fz_now_ns() + fz_below(&p->rng, FZ_WAIT_NS);

	if (!count)
		return;
	if (!timeline)
		flags &= ~DRM_SYNCOBJ_WAIT_FLAGS_WAIT_AVAILABLE;
	e = fz_array_mutate(p, f, &h, &count, e, true);
	if (fz_chance(&p->rng, 8)) {
		/* Bit 3 is WAIT_DEADLINE. */
		flags |= 16u << fz_below(&p->rng, 28);
		e = FZ_FAIL("unknown flag", EINVAL);
	}
	if (timeline) {
		struct drm_syncobj_timeline_wait w = {
			.handles = (uintptr_t)h, .points = (uintptr_t)pt,
			.timeout_nsec = timeout, .count_handles = count,
			.flags = flags,
		};

		if (e.kind == EXP_ANY && fz_chance(&p->rng, 10)) {
			/* Not NULL: that means "no points". */
			w.points = (uintptr_t)fz_unmapped(p);
			e = FZ_FAIL("points unmapped", EFAULT);
		}
		fz_ioctl(p, OP_SYNCOBJ_TIMELINE_WAIT, f->fd,
			 DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT, &w, e);
	} else {
		struct drm_syncobj_wait w = {
			.handles = (uintptr_t)h, .timeout_nsec = timeout,
			.count_handles = count, .flags = flags,
		};

		fz_ioctl(p, OP_SYNCOBJ_WAIT, f->fd, DRM_IOCTL_SYNCOBJ_WAIT, &w,
			 e);
	}
}

/* SIGNAL, RESET, TIMELINE_SIGNAL: the state they leave is known. */
void fz_do_syncobj_signal(struct fz_proc *p, struct fz_file *f)
{
	uint32_t *h = (uint32_t *)p->scratch;
	uint64_t *pt = (uint64_t *)(p->scratch + 1024);
	unsigned int kind = fz_below(&p->rng, 3), i, j;
	struct fz_expect e;
	bool known;
	uint32_t count = fz_sync_array(p, f, h, NULL, 4, &known);
	uint32_t n0;
	int err;

	if (!count)
		return;
	/* A handle twice is allowed by the core; keep the tracker simple. */
	for (i = 1; i < count; i++)
		for (j = 0; j < i; j++)
			if (h[i] == h[j])
				count = i;
	n0 = count;
	for (i = 0; i < count; i++) {
		struct fz_sync *s = NULL;

		for (j = 0; j < f->nr_syncs; j++)
			if (f->syncs[j].handle == h[i])
				s = &f->syncs[j];
		pt[i] = s && s->state == SYNC_CHAIN ? s->last_point + 1 +
			fz_below(&p->rng, 3) : 1 + fz_below(&p->rng, 4);
	}
	e = fz_array_mutate(p, f, &h, &count, FZ_OK("tracked handles"), false);
	if (kind == 2) {
		struct drm_syncobj_timeline_array a = {
			.handles = (uintptr_t)h, .points = (uintptr_t)pt,
			.count_handles = count,
		};

		if (fz_chance(&p->rng, 10)) {
			a.flags = 1u << fz_below(&p->rng, 32);
			e = FZ_FAIL("flags set", EINVAL);
		}
		err = fz_ioctl(p, OP_SYNCOBJ_TIMELINE_SIGNAL, f->fd,
			       DRM_IOCTL_SYNCOBJ_TIMELINE_SIGNAL, &a, e);
	} else {
		struct drm_syncobj_array a = {
			.handles = (uintptr_t)h, .count_handles = count,
		};

		if (fz_chance(&p->rng, 10)) {
			a.pad = 1u << fz_below(&p->rng, 32);
			e = FZ_FAIL("pad set", EINVAL);
		}
		err = fz_ioctl(p, kind ? OP_SYNCOBJ_RESET : OP_SYNCOBJ_SIGNAL,
			       f->fd, kind ? DRM_IOCTL_SYNCOBJ_RESET :
			       DRM_IOCTL_SYNCOBJ_SIGNAL, &a, e);
	}
	if (err || e.kind != EXP_OK)
		return;
	for (i = 0; i < n0; i++)
		for (j = 0; j < f->nr_syncs; j++) {
			struct fz_sync *s = &f->syncs[j];

			if (s->handle != h[i] || s->state == SYNC_UNKNOWN)
				continue;
			if (kind == 0) {
				s->state = SYNC_PLAIN;
				s->last_point = 0;
			} else if (kind == 1) {
				s->state = SYNC_EMPTY;
				s->last_point = 0;
			} else if (s->state == SYNC_PLAIN) {
				/* A point on a plain fence: leave it be. */
				s->state = SYNC_UNKNOWN;
			} else {
				/* A chain's seqno never goes down. */
				if (s->state == SYNC_EMPTY || pt[i] > s->last_point)
					s->last_point = pt[i];
				s->state = SYNC_CHAIN;
			}
		}
}

void fz_do_syncobj_transfer(struct fz_proc *p, struct fz_file *f)
{
	struct fz_sync *src = fz_pick_sync(p, f), *dst = fz_pick_sync(p, f);
	struct drm_syncobj_transfer t = {
		.src_handle = src ? src->handle : 0,
		.dst_handle = dst ? dst->handle : 0,
		.src_point = fz_chance(&p->rng, 50) ? 0 : fz_below(&p->rng, 8),
		.dst_point = fz_chance(&p->rng, 50) ? 0 : fz_below(&p->rng, 8),
	};
	struct fz_expect e = FZ_ANY("tracked");

	if (!src || !dst)
		return;
	if (fz_chance(&p->rng, 15)) {
		t.pad = 1u << fz_below(&p->rng, 32);
		e = FZ_FAIL("pad set", EINVAL);
	} else if (fz_chance(&p->rng, 10)) {
		/* The core passes these to find_fence unchecked: no claim. */
		t.flags = fz_garbage32(&p->rng);
	}
	if (!fz_ioctl(p, OP_SYNCOBJ_TRANSFER, f->fd, DRM_IOCTL_SYNCOBJ_TRANSFER,
		      &t, e))
		dst->state = SYNC_UNKNOWN;
}

void fz_do_syncobj_query(struct fz_proc *p, struct fz_file *f)
{
	uint32_t *h = (uint32_t *)p->scratch;
	uint64_t *pt = (uint64_t *)(p->scratch + 1024);
	bool known;
	uint32_t count = fz_sync_array(p, f, h, NULL, 8, &known);
	struct drm_syncobj_timeline_array a = {
		.handles = (uintptr_t)h, .points = (uintptr_t)pt,
		.flags = fz_chance(&p->rng, 50) ?
			 DRM_SYNCOBJ_QUERY_FLAGS_LAST_SUBMITTED : 0,
	};
	struct fz_expect e;

	if (!count)
		return;
	e = fz_array_mutate(p, f, &h, &count, FZ_OK("tracked handles"), false);
	a.handles = (uintptr_t)h;
	a.count_handles = count;
	if (e.kind == EXP_OK && fz_chance(&p->rng, 10)) {
		a.points = (uintptr_t)fz_tail(p, 8 * count - 4);
		e = FZ_FAIL("points one short", EFAULT);
	} else if (fz_chance(&p->rng, 8)) {
		a.flags |= 2u << fz_below(&p->rng, 31);
		e = FZ_FAIL("unknown flag", EINVAL);
	}
	fz_ioctl(p, OP_SYNCOBJ_QUERY, f->fd, DRM_IOCTL_SYNCOBJ_QUERY, &a, e);
}

/* HANDLE_TO_FD then FD_TO_HANDLE, in another file or as a sync_file. */
void fz_do_syncobj_fd(struct fz_proc *p, struct fz_file *f)
{
	struct fz_sync *s = fz_pick_sync(p, f);
	struct fz_file *g = &p->files[fz_below(&p->rng, FZ_MAX_FDS)];
	bool sync_file = fz_chance(&p->rng, 30);
	struct drm_syncobj_handle h = {
		.handle = s ? s->handle : 0,
		.flags = sync_file ?
			 DRM_SYNCOBJ_HANDLE_TO_FD_FLAGS_EXPORT_SYNC_FILE : 0,
		.fd = -1,
	};
	struct fz_expect e = s && !sync_file ? FZ_OK("tracked") :
		FZ_ANY("sync_file");
	int fd;

	if (!s) {
		fz_ioctl(p, OP_SYNCOBJ_HANDLE_TO_FD, f->fd,
			 DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD, &h,
			 FZ_FAIL("handle 0"));
		return;
	}
	if (fz_chance(&p->rng, 10)) {
		h.pad = 1u << fz_below(&p->rng, 32);
		e = FZ_FAIL("pad set", EINVAL);
	} else if (fz_chance(&p->rng, 10)) {
		h.flags = 2u << fz_below(&p->rng, 31);
		e = FZ_FAIL("unknown flag", EINVAL);
	}
	if (fz_ioctl(p, OP_SYNCOBJ_HANDLE_TO_FD, f->fd,
		     DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD, &h, e))
		return;
	fd = h.fd;
	if (g->fd < 0 || g->dev != f->dev)
		g = f;
	h = (struct drm_syncobj_handle){ .fd = fd };
	e = sync_file ? FZ_FAIL("a sync_file is not a syncobj fd") :
		g->nr_syncs < FZ_MAX_SYNCOBJS ? FZ_OK("just exported") :
		FZ_ANY("tracker full");
	if (sync_file && fz_chance(&p->rng, 70)) {
		/* Import it back into a syncobj of this file. */
		h.flags = DRM_SYNCOBJ_FD_TO_HANDLE_FLAGS_IMPORT_SYNC_FILE;
		h.handle = s->handle;
		e = FZ_OK("sync_file just exported");
		if (fz_chance(&p->rng, 20)) {
			h.handle = f->closed_sync ? f->closed_sync : 0;
			e = FZ_FAIL("destroyed handle", ENOENT, EINVAL);
		}
		g = f;
	}
	if (!fz_ioctl(p, OP_SYNCOBJ_FD_TO_HANDLE, g->fd,
		      DRM_IOCTL_SYNCOBJ_FD_TO_HANDLE, &h, e)) {
		if (h.flags) {
			s->state = s->state == SYNC_UNKNOWN ? SYNC_UNKNOWN :
				   SYNC_PLAIN;
		} else {
			/* Two handles of one syncobj: no longer tracked exactly. */
			s->state = SYNC_UNKNOWN;
			if (g->nr_syncs < FZ_MAX_SYNCOBJS)
				fz_sync_track(g, h.handle, SYNC_UNKNOWN);
			else
				ioctl(g->fd, DRM_IOCTL_SYNCOBJ_DESTROY,
				      &(struct drm_syncobj_destroy){
					      .handle = h.handle });
		}
	}
	close(fd);
}

void fz_do_syncobj_eventfd(struct fz_proc *p, struct fz_file *f)
{
	struct fz_sync *s = fz_pick_sync(p, f);
	int efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	struct drm_syncobj_eventfd ev = {
		.handle = s ? s->handle : 0,
		.point = s && s->state == SYNC_CHAIN ? s->last_point : 0,
		.fd = efd,
	};
	struct fz_expect e = s ? FZ_OK("tracked") : FZ_FAIL("handle 0");

	if (efd < 0)
		return;
	/* The syncobj is looked up first: mutate only a call that has one. */
	switch (s ? fz_below(&p->rng, 6) : 5) {
	case 0:
		ev.pad = 1;
		e = FZ_FAIL("pad set", EINVAL);
		break;
	case 1:
		/* Bit 2 is WAIT_AVAILABLE, the one flag. */
		ev.flags = 1u << fz_below(&p->rng, 32);
		if (ev.flags == DRM_SYNCOBJ_WAIT_FLAGS_WAIT_AVAILABLE)
			ev.flags = 1;
		e = FZ_FAIL("unknown flag", EINVAL);
		break;
	case 2:
		ev.fd = f->fd;
		e = FZ_FAIL("not an eventfd", EINVAL);
		break;
	default:
		break;
	}
	fz_ioctl(p, OP_SYNCOBJ_EVENTFD, f->fd, DRM_IOCTL_SYNCOBJ_EVENTFD, &ev,
		 e);
	close(efd);
}

/* ---- VERSION, GET_CAP, refused and unknown ioctls ---- */

void fz_do_version(struct fz_proc *p, struct fz_file *f)
{
	char name[16] = { 0 };
	struct drm_version v = {
		.name_len = sizeof(name) - 1, .name = name,
	};
	struct drm_get_cap cap = {
		.capability = fz_chance(&p->rng, 50) ? DRM_CAP_SYNCOBJ :
			      DRM_CAP_SYNCOBJ_TIMELINE,
	};

	if (fz_chance(&p->rng, 50)) {
		if (fz_chance(&p->rng, 20)) {
			v.name = (char *)(uintptr_t)fz_bad_ptr(p);
			if (v.name)
				fz_ioctl(p, OP_VERSION, f->fd,
					 DRM_IOCTL_VERSION, &v,
					 FZ_FAIL("name unmapped", EFAULT));
			return;
		}
		if (fz_ioctl(p, OP_VERSION, f->fd, DRM_IOCTL_VERSION, &v,
			     FZ_OK("valid")))
			return;
		if (strcmp(name, "potnpu") || v.version_major !=
		    DRM_POTNPU_UAPI_MAJOR || v.version_minor !=
		    DRM_POTNPU_UAPI_MINOR)
			fz_fail(p, "VERSION: %s %d.%d", name, v.version_major,
				v.version_minor);
		return;
	}
	if (fz_ioctl(p, OP_GET_CAP, f->fd, DRM_IOCTL_GET_CAP, &cap,
		     FZ_OK("syncobj caps")))
		return;
	if (cap.value != 1)
		fz_fail(p, "GET_CAP %llu: %llu, the driver has the feature",
			(unsigned long long)cap.capability,
			(unsigned long long)cap.value);
}

/* The DRM core ioctls potnpu_ioctl_check() refuses, by number. */
static const uint8_t fz_refused_nr[] = {
	0x01, 0x02, 0x05, 0x06, 0x07, 0x0d, 0x10, 0x11, 0x12, 0x13, 0x1e,
	0x1f, 0x27, 0x28, 0x2c, 0x3a, 0x3b, 0x3c, 0x3f,
	/* Modeset (0xa0-0xbe), leases, GETFB2, CLOSEFB. */
	0xa0, 0xa1, 0xa2, 0xa7, 0xa8, 0xb0, 0xb1, 0xb2, 0xb3, 0xb4, 0xbe,
	0xc6, 0xc7, 0xc8, 0xc9, 0xce, FZ_NR_CLOSEFB,
};

void fz_do_refused(struct fz_proc *p, struct fz_file *f)
{
	uint8_t nr = fz_refused_nr[fz_below(&p->rng, sizeof(fz_refused_nr))];
	unsigned int size = fz_below(&p->rng, 128);
	unsigned long dir = fz_below(&p->rng, 4);
	void *arg = fz_chance(&p->rng, 70) ? (void *)p->scratch :
		    (void *)(uintptr_t)fz_bad_ptr(p);
	struct drm_unique u = { .unique_len = 64, .unique =
				(char *)p->scratch + 256 };

	memset(p->scratch, 0, 256);
	if (nr == 0x01 && fz_chance(&p->rng, 50)) {
		/* GET_UNIQUE as libdrm sends it: needs a master accel lacks. */
		fz_ioctl(p, OP_GET_UNIQUE, f->fd, DRM_IOCTL_GET_UNIQUE, &u,
			 FZ_FAIL("accel has no master", EOPNOTSUPP));
		return;
	}
	/* Whatever the size, direction and type bits: the number decides. */
	fz_ioctl(p, OP_REFUSED, f->fd, _IOC(dir, DRM_IOCTL_BASE, nr, size), arg,
		 FZ_FAIL("refused on accel", EOPNOTSUPP));
}

void fz_do_unknown(struct fz_proc *p, struct fz_file *f)
{
	unsigned int size = fz_below(&p->rng, 256);
	unsigned long dir = fz_below(&p->rng, 4);
	unsigned int nr, type;

	memset(p->scratch, 0, 256);
	switch (fz_below(&p->rng, 3)) {
	case 0:
		/* Driver range past potnpu's five ioctls. */
		nr = DRM_COMMAND_BASE + 5 + fz_below(&p->rng, 0x5b);
		fz_ioctl(p, OP_UNKNOWN, f->fd,
			 _IOC(dir, DRM_IOCTL_BASE, nr, size), p->scratch,
			 FZ_FAIL("no such driver ioctl", EINVAL));
		break;
	case 1:
		/* Core numbers past the table (0xd0 is the last). */
		nr = 0xd1 + fz_below(&p->rng, 0x2f);
		fz_ioctl(p, OP_UNKNOWN, f->fd,
			 _IOC(dir, DRM_IOCTL_BASE, nr, size), p->scratch,
			 FZ_FAIL("no such core ioctl", EINVAL));
		break;
	default:
		/*
		 * Another ioctl type: never DRM's (the filter may see it
		 * first). Not 'T' or 'X': the VFS serves FIONBIO, FIOCLEX,
		 * FIFREEZE... there before any driver.
		 */
		nr = fz_below(&p->rng, 256);
		type = 'A' + fz_below(&p->rng, 26);
		if (type == 'T' || type == 'X')
			type = 'Q';
		fz_ioctl(p, OP_UNKNOWN, f->fd, _IOC(dir, type, nr, size),
			 p->scratch, FZ_FAIL("not a DRM ioctl"));
		break;
	}
}
