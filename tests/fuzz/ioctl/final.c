// SPDX-License-Identifier: MIT
/*
 * After the fuzzing: does each device still do real work? A fresh file
 * runs a few jobs whose results are known exactly (FILL, COPY, FENCE and,
 * with layers, numerics.md's worked CONV2D example), each byte checked.
 * And the kernel log since the start, read from /dev/kmsg, must hold no
 * BUG, WARNING, KASAN, UBSAN, Oops or lockdep report.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "fuzz.h"
#include "potnpu_job.h"
#include "potnpu_layer.h"

struct fz_rbo {
	uint32_t handle;
	uint64_t va, size;
	uint8_t *map;
};

static int fz_rbo_new(int fd, uint64_t size, uint32_t flags, struct fz_rbo *b)
{
	struct drm_potnpu_bo_create c = { .size = size, .flags = flags };
	struct drm_potnpu_bo_info i = { 0 };

	if (ioctl(fd, DRM_IOCTL_POTNPU_BO_CREATE, &c))
		return -1;
	i.handle = c.handle;
	if (ioctl(fd, DRM_IOCTL_POTNPU_BO_INFO, &i))
		return -1;
	b->handle = c.handle;
	b->va = c.va;
	b->size = c.size;
	b->map = mmap(NULL, c.size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		      i.mmap_offset);
	return b->map == MAP_FAILED ? -1 : 0;
}

/* Run @n words from @cmd over @data: the job's status, or -errno. */
static int fz_run(int fd, struct fz_rbo *cmd, const uint32_t *w, uint32_t n,
		  struct fz_rbo *data)
{
	struct drm_syncobj_create sc = { 0 };
	struct drm_potnpu_submit s = { 0 };
	struct drm_potnpu_job_status st = { 0 };
	struct drm_syncobj_wait wait = { 0 };
	struct timespec ts;
	uint32_t handle = data->handle;
	int ret;

	if (ioctl(fd, DRM_IOCTL_SYNCOBJ_CREATE, &sc))
		return -errno;
	memcpy(cmd->map, w, n * 4);
	s.cmd_handle = cmd->handle;
	s.cmd_size = n * 4;
	s.bo_count = 1;
	s.bo_handles = (uintptr_t)&handle;
	s.out_syncobj = sc.handle;
	if (ioctl(fd, DRM_IOCTL_POTNPU_SUBMIT, &s))
		return -errno;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	wait.handles = (uintptr_t)&sc.handle;
	wait.count_handles = 1;
	wait.timeout_nsec = (int64_t)(ts.tv_sec + 60) * 1000000000 + ts.tv_nsec;
	if (ioctl(fd, DRM_IOCTL_SYNCOBJ_WAIT, &wait))
		return -errno;
	st.job_id = s.job_id;
	ret = ioctl(fd, DRM_IOCTL_POTNPU_JOB_STATUS, &st) ? -errno :
	      (int)st.status;
	ioctl(fd, DRM_IOCTL_SYNCOBJ_DESTROY,
	      &(struct drm_syncobj_destroy){ .handle = sc.handle });
	return ret;
}

static void put3(uint32_t *w, uint32_t *n, uint32_t hdr, uint64_t va)
{
	w[(*n)++] = hdr;
	w[(*n)++] = (uint32_t)va;
	w[(*n)++] = (uint32_t)(va >> 32);
}

/* FILL 8 KiB, COPY 3 KiB of it at an odd offset, FENCE: every byte known. */
static int fz_final_basic(int fd, struct fz_rbo *cmd, struct fz_rbo *d,
			  char *msg, size_t len)
{
	uint32_t w[32], n = 0, i;
	int st;

	memset(d->map, 0x5a, d->size);
	put3(w, &n, POTNPU_CMD_HDR(POTNPU_OP_FILL, POTNPU_FILL_WORDS), d->va);
	w[n++] = 8192;
	w[n++] = 0x04030201;
	put3(w, &n, POTNPU_CMD_HDR(POTNPU_OP_COPY, POTNPU_COPY_WORDS),
	     d->va + 1);
	w[n++] = (uint32_t)(d->va + 0x3001);
	w[n++] = (uint32_t)((d->va + 0x3001) >> 32);
	w[n++] = 3072;
	put3(w, &n, POTNPU_CMD_HDR(POTNPU_OP_FENCE, POTNPU_FENCE_WORDS),
	     d->va + 0x4000);
	w[n++] = 0xc0ffee42;
	st = fz_run(fd, cmd, w, n, d);
	if (st) {
		snprintf(msg, len, "FILL/COPY/FENCE job: status %d", st);
		return -1;
	}
	for (i = 0; i < 0x5000; i++) {
		uint8_t want = 0x5a;

		if (i < 8192)
			want = (uint8_t)(i % 4 + 1);
		else if (i >= 0x3001 && i < 0x3001 + 3072)
			want = (uint8_t)((i - 0x3001 + 1) % 4 + 1);
		else if (i >= 0x4000 && i < 0x4004)
			want = (uint8_t)(0xc0ffee42u >> (8 * (i - 0x4000)));
		if (d->map[i] != want) {
			snprintf(msg, len, "byte %#x is %#x, not %#x", i,
				 d->map[i], want);
			return -1;
		}
	}
	return 0;
}

/* numerics.md's worked CONV2D: input (10, -3), output -42. */
static int fz_final_layer(int fd, struct fz_rbo *cmd, struct fz_rbo *d,
			  char *msg, size_t len)
{
	struct potnpu_chan_param *chan = (void *)(d->map + 0x4000);
	uint32_t *table = (uint32_t *)(d->map + 0x3000);
	struct potnpu_layer_desc l = {
		.op = POTNPU_OP_CONV2D, .in_va = d->va, .out_va = d->va + 0x1000,
		.weights_va = d->va + 0x2000, .table_va = d->va + 0x3000,
		.chan_va = d->va + 0x4000,
		.in_h = 1, .in_w = 1, .in_c = 2, .in_cstride = 2,
		.out_h = 1, .out_w = 1, .out_c = 1, .out_cstride = 1,
		.kh = 1, .kw = 1, .sh = 1, .sw = 1, .dh = 1, .dw = 1,
		.wbits = 4, .groups = 1, .in_zp = -2, .out_zp = 3,
		.lo = -128, .hi = 127,
	};
	uint32_t w[POTNPU_LAYER_WORDS];
	int st;

	memset(d->map, 0, d->size);
	d->map[0] = 10;
	d->map[1] = (uint8_t)-3;
	table[5] = POTNPU_TERM(0, 2) | POTNPU_TERM(1, 4) << 8;
	table[1] = POTNPU_TERM(0, 0);
	d->map[0x2000] = 5 | 1 << 4;
	chan->bias = 100;
	chan->m = 32768;
	chan->shift = 15;
	d->map[0x1000] = 0x77;
	potnpu_layer_encode(&l, w);
	st = fz_run(fd, cmd, w, POTNPU_LAYER_WORDS, d);
	if (st) {
		snprintf(msg, len, "CONV2D job: status %d", st);
		return -1;
	}
	if ((int8_t)d->map[0x1000] != -42 || d->map[0x1001]) {
		snprintf(msg, len, "CONV2D output %d, not -42",
			 (int8_t)d->map[0x1000]);
		return -1;
	}
	return 0;
}

int fz_final_jobs(const char *path, char *msg, size_t len)
{
	struct drm_potnpu_device_info info = { 0 };
	struct drm_potnpu_query q = {
		.param = DRM_POTNPU_QUERY_DEVICE_INFO, .size = sizeof(info),
		.data = (uintptr_t)&info,
	};
	struct fz_rbo cmd, data;
	int fd = open(path, O_RDWR | O_CLOEXEC), ret = -1, i;

	if (fd < 0) {
		snprintf(msg, len, "open: %s", strerror(errno));
		return -1;
	}
	if (ioctl(fd, DRM_IOCTL_POTNPU_QUERY, &q) ||
	    fz_rbo_new(fd, 4096, DRM_POTNPU_BO_READ_ONLY, &cmd) ||
	    fz_rbo_new(fd, 0x8000, 0, &data)) {
		snprintf(msg, len, "setup: %s", strerror(errno));
		goto out;
	}
	if (!(info.capabilities & DRM_POTNPU_CAP_JOBS)) {
		snprintf(msg, len, "device runs no jobs (capabilities %#llx)",
			 (unsigned long long)info.capabilities);
		goto out;
	}
	/* Several times: one lucky job would not say much. */
	for (i = 0; i < 4; i++) {
		if (fz_final_basic(fd, &cmd, &data, msg, len))
			goto out;
		if ((info.capabilities & DRM_POTNPU_CAP_MODEL_EXEC) &&
		    fz_final_layer(fd, &cmd, &data, msg, len))
			goto out;
	}
	snprintf(msg, len, "%s", info.capabilities & DRM_POTNPU_CAP_MODEL_EXEC ?
		 "FILL/COPY/FENCE and CONV2D x4" : "FILL/COPY/FENCE x4");
	ret = 0;
out:
	close(fd);	/* the mappings go with the process */
	return ret;
}
