// SPDX-License-Identifier: GPL-2.0
/* Helpers shared by the potnpu job selftests. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "potnpu_job.h"
#include "potnpu_job_util.h"
#include "potnpu_test_util.h"

int bo_new(int fd, uint64_t size, uint32_t flags, struct bo *bo)
{
	struct drm_potnpu_bo_create c = { .size = size, .flags = flags };
	struct drm_potnpu_bo_info i = {};

	if (ioctl(fd, DRM_IOCTL_POTNPU_BO_CREATE, &c))
		return errno;
	i.handle = c.handle;
	if (ioctl(fd, DRM_IOCTL_POTNPU_BO_INFO, &i))
		return errno;
	bo->handle = c.handle;
	bo->va = c.va;
	bo->size = c.size;
	bo->map = mmap(NULL, c.size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		       i.mmap_offset);
	return bo->map == MAP_FAILED ? errno : 0;
}

void bo_unmap(struct bo *bo)
{
	if (bo->map && bo->map != MAP_FAILED)
		munmap(bo->map, bo->size);
	bo->map = NULL;
}

long potnpu_module_param(const char *name)
{
	char path[256];
	uint8_t *buf;
	size_t n;
	long v;

	snprintf(path, sizeof(path), "/sys/module/potnpu/parameters/%s", name);
	buf = potnpu_read_file(path, 64, &n);
	if (!buf)
		return -1;
	buf[n < 64 ? n : 63] = 0;
	v = strtol((char *)buf, NULL, 10);
	free(buf);
	return v;
}

/* Every "name=value" of @params as the module reports it. */
static int params_applied(const char *params)
{
	char copy[256], *tok, *save, *eq;

	snprintf(copy, sizeof(copy), "%s", params);
	for (tok = strtok_r(copy, " ", &save); tok;
	     tok = strtok_r(NULL, " ", &save)) {
		eq = strchr(tok, '=');
		if (!eq)
			return -1;
		*eq = 0;
		if (potnpu_module_param(tok) != strtol(eq + 1, NULL, 10))
			return -1;
	}
	return 0;
}

int potnpu_reload_module(const char *params)
{
	const char *want = getenv("POTNPU_EXPECT_DEVICES");
	int devices = want ? atoi(want) : 1;
	int i;

	/* A file's last release can still be on its way: retry a little. */
	for (i = 0; potnpu_system("rmmod potnpu 2>/dev/null"); i++) {
		if (i == 50)
			return -1;
		usleep(100000);
	}
	if (potnpu_system("modprobe potnpu %s", params))
		return -1;
	for (i = 0; potnpu_count_nodes() != devices; i++) {
		if (i == 100)
			return -1;
		usleep(50000);
	}
	if (params_applied(params))
		return -1;
	return 0;
}

uint32_t syncobj_new(int fd)
{
	struct drm_syncobj_create c = {};

	if (ioctl(fd, DRM_IOCTL_SYNCOBJ_CREATE, &c))
		return 0;
	return c.handle;
}

int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}


void put(struct stream *s, uint32_t v)
{
	s->w[s->n++] = v;
}

void put64(struct stream *s, uint64_t v)
{
	put(s, (uint32_t)v);
	put(s, (uint32_t)(v >> 32));
}

void cmd_fill(struct stream *s, uint64_t dst, uint32_t size,
		     uint32_t pattern)
{
	put(s, POTNPU_CMD_HDR(POTNPU_OP_FILL, POTNPU_FILL_WORDS));
	put64(s, dst);
	put(s, size);
	put(s, pattern);
}

void cmd_fence(struct stream *s, uint64_t va, uint32_t value)
{
	put(s, POTNPU_CMD_HDR(POTNPU_OP_FENCE, POTNPU_FENCE_WORDS));
	put64(s, va);
	put(s, value);
}

void cmd_copy(struct stream *s, uint64_t src, uint64_t dst,
		     uint32_t size)
{
	put(s, POTNPU_CMD_HDR(POTNPU_OP_COPY, POTNPU_COPY_WORDS));
	put64(s, src);
	put64(s, dst);
	put(s, size);
}

void cmd_timestamp(struct stream *s, uint64_t va)
{
	put(s, POTNPU_CMD_HDR(POTNPU_OP_TIMESTAMP, POTNPU_TIMESTAMP_WORDS));
	put64(s, va);
}

int job_status(int fd, uint64_t id, struct drm_potnpu_job_status *st)
{
	memset(st, 0, sizeof(*st));
	st->job_id = id;
	return ioctl(fd, DRM_IOCTL_POTNPU_JOB_STATUS, st) ? errno : 0;
}

/* The debugfs path of @file for the first potnpu device. */
int debugfs_path(const char *file, char *path, size_t size)
{
	char link[128], target[128];
	const char *name;
	ssize_t n;
	int index;
	int fd = potnpu_open_node(0, &index);

	if (fd < 0)
		return -1;
	close(fd);
	snprintf(link, sizeof(link), "/sys/class/accel/accel%d/device", index);
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0)
		return -1;
	target[n] = 0;
	name = strrchr(target, '/');
	name = name ? name + 1 : target;
	snprintf(path, size, "/sys/kernel/debug/accel/%s/%s", name, file);
	return 0;
}

int debugfs_write(const char *file, const char *value)
{
	char path[512];

	if (debugfs_path(file, path, sizeof(path)))
		return -1;
	return potnpu_write_file(path, value, strlen(value));
}

/* Wait for a binary syncobj (or a timeline point): 0 or errno. */
int syncobj_wait(int fd, uint32_t handle, uint64_t point)
{
	if (point) {
		struct drm_syncobj_timeline_wait w = {
			.handles = (uintptr_t)&handle,
			.points = (uintptr_t)&point,
			.timeout_nsec = now_ns() + 20000000000ll,
			.count_handles = 1,
			.flags = DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT,
		};

		return ioctl(fd, DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT, &w) ? errno : 0;
	} else {
		struct drm_syncobj_wait w = {
			.handles = (uintptr_t)&handle,
			.timeout_nsec = now_ns() + 20000000000ll,
			.count_handles = 1,
			.flags = DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT,
		};

		return ioctl(fd, DRM_IOCTL_SYNCOBJ_WAIT, &w) ? errno : 0;
	}
}



void submit_init(struct submit *sub, const struct bo *cmd,
			uint32_t size)
{
	memset(sub, 0, sizeof(*sub));
	sub->args.cmd_handle = cmd->handle;
	sub->args.cmd_size = size;
	sub->args.bo_handles = (uintptr_t)sub->handles;
	sub->args.in_syncobjs = (uintptr_t)sub->in;
}

void submit_bo(struct submit *sub, const struct bo *bo)
{
	sub->handles[sub->args.bo_count++] = bo->handle;
}

int submit(int fd, struct submit *sub)
{
	return ioctl(fd, DRM_IOCTL_POTNPU_SUBMIT, &sub->args) ? errno : 0;
}

long long key_value(const char *path, const char *key, const char *sep)
{
	char needle[64], *p;
	long long v = -1;
	uint8_t *buf;
	size_t n;

	buf = potnpu_read_file(path, 8192, &n);
	if (!buf)
		return -1;
	buf[n < 8192 ? n : 8191] = 0;
	snprintf(needle, sizeof(needle), "%s%s", key, sep);
	p = strstr((char *)buf, needle);
	if (p)
		v = strtoll(p + strlen(needle), NULL, 10);
	free(buf);
	return v;
}

/* A "key: value" line of debugfs stats, -1 if missing. */
long long stat_get(const char *key)
{
	char path[512];

	if (debugfs_path("stats", path, sizeof(path)))
		return -1;
	return key_value(path, key, ": ");
}

uint32_t fw_recoveries(int fd)
{
	struct drm_potnpu_fw_info fw = {};
	struct drm_potnpu_query q = {
		.param = DRM_POTNPU_QUERY_FW_INFO,
		.size = sizeof(fw),
		.data = (uintptr_t)&fw,
	};

	if (potnpu_query(fd, &q) || fw.status != DRM_POTNPU_FW_STATUS_READY)
		return ~0u;
	return fw.recoveries;
}

uint32_t fw_boots(int fd)
{
	struct drm_potnpu_fw_info fw = {};
	struct drm_potnpu_query q = {
		.param = DRM_POTNPU_QUERY_FW_INFO,
		.size = sizeof(fw),
		.data = (uintptr_t)&fw,
	};

	if (potnpu_query(fd, &q))
		return ~0u;
	return fw.boots;
}

int checked_init(int fd, struct checked *c)
{
	int err;

	memset(c, 0, sizeof(*c));
	c->lock = -1;
	err = bo_new(fd, 4096, DRM_POTNPU_BO_READ_ONLY, &c->cmd);
	if (!err)
		err = bo_new(fd, 64 * 1024, 0, &c->dst);
	if (err)
		return err;
	c->sync = syncobj_new(fd);
	c->model = calloc(1, c->dst.size);
	if (!c->model || !c->sync)
		return ENOMEM;
	memset(c->dst.map, 0, c->dst.size);
	return 0;
}

void checked_fini(struct checked *c)
{
	bo_unmap(&c->cmd);
	bo_unmap(&c->dst);
	free(c->model);
	c->model = NULL;
	if (c->lock >= 0)
		close(c->lock);
	c->lock = -1;
}

static int checked_status(const struct drm_potnpu_job_status *st)
{
	if (st->state != DRM_POTNPU_JOB_DONE)
		return EBADMSG;
	switch (st->status) {
	case DRM_POTNPU_JOB_OK:
		return 0;
	case DRM_POTNPU_JOB_CANCELLED:
	case DRM_POTNPU_JOB_TIMEOUT:
		return ECANCELED;
	default:
		return EBADMSG;
	}
}

int checked_job(int fd, struct checked *c, unsigned int seed)
{
	uint32_t half = (uint32_t)c->dst.size / 2;
	uint32_t len = 1 + seed % 5000, pattern = 0x9e3779b9u * (seed + 1);
	uint32_t doff = (seed * 7919u) % (half - len);
	uint32_t coff = half + (seed * 104729u) % (half - len);
	struct drm_potnpu_job_status st;
	struct stream s = { (uint32_t *)c->cmd.map, 0 };
	struct submit sub;
	size_t i;
	int err;

	/* Fill, then copy what the fill wrote: running it twice is harmless. */
	cmd_fill(&s, c->dst.va + doff, len, pattern);
	cmd_copy(&s, c->dst.va + doff, c->dst.va + coff, len);
	submit_init(&sub, &c->cmd, s.n * 4);
	submit_bo(&sub, &c->dst);
	sub.args.out_syncobj = c->sync;
	if (c->lock >= 0 && flock(c->lock, LOCK_SH))
		return errno;
	err = submit(fd, &sub);
	if (c->lock >= 0)
		flock(c->lock, LOCK_UN);
	if (!err)
		err = syncobj_wait(fd, c->sync, 0);
	if (!err)
		err = job_status(fd, sub.args.job_id, &st);
	if (!err)
		err = checked_status(&st);
	if (err)
		return err;
	for (i = 0; i < len; i++)
		c->model[doff + i] = c->model[coff + i] =
			(uint8_t)(pattern >> 8 * (i % 4));
	return memcmp(c->dst.map, c->model, c->dst.size) ? EBADMSG : 0;
}

static volatile sig_atomic_t checker_stopping;

static void checker_on_term(int sig)
{
	(void)sig;
	checker_stopping = 1;
}

/* The checker process: its exit status is 0 or the step that failed. */
static int checker_run(int index, bool retry, const char *lock, int out)
{
	unsigned int counts[2] = { 0, 0 }, in_a_row = 0;
	struct sigaction sa = { .sa_handler = checker_on_term,
				.sa_flags = SA_RESTART };
	struct checked c;
	char path[64];
	int fd, err;

	sigaction(SIGTERM, &sa, NULL);
	/* A test that failed half way must not leave it running. */
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	snprintf(path, sizeof(path), "/dev/accel/accel%d", index);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0 || checked_init(fd, &c))
		return 2;
	/* Its own open: flock()s of one open file are shared across fork. */
	if (lock) {
		c.lock = open(lock, O_RDONLY | O_CREAT | O_CLOEXEC, 0600);
		if (c.lock < 0)
			return 2;
	}
	if (write(out, "r", 1) != 1)
		return 2;
	while (!checker_stopping) {
		err = checked_job(fd, &c, counts[0]);
		if (err == ECANCELED && retry && in_a_row++ < 100) {
			counts[1]++;
			continue;
		}
		if (err) {
			fprintf(stderr, "# checker on accel%d: job %u: %s\n",
				index, counts[0], strerror(err));
			return 3;
		}
		in_a_row = 0;
		counts[0]++;
	}
	checked_fini(&c);
	close(fd);
	if (write(out, counts, sizeof(counts)) != sizeof(counts))
		return 5;
	return counts[0] ? 0 : 4;
}

int checker_start(struct checker *ck, int index, bool retry,
		  const char *lock)
{
	int p[2];
	char c;

	if (pipe(p))
		return -1;
	ck->pid = fork();
	if (ck->pid == 0) {
		close(p[0]);
		_exit(checker_run(index, retry, lock, p[1]));
	}
	close(p[1]);
	ck->pipe = p[0];
	if (ck->pid < 0 || read(ck->pipe, &c, 1) != 1) {
		checker_stop(ck, NULL, NULL);
		return -1;
	}
	return 0;
}

int checker_stop(struct checker *ck, unsigned int *jobs,
		 unsigned int *retried)
{
	unsigned int counts[2] = { 0, 0 };
	int status, i;

	if (ck->pid <= 0)
		return -1;
	kill(ck->pid, SIGTERM);
	for (i = 0; waitpid(ck->pid, &status, WNOHANG) == 0; i++) {
		if (i == 3000) {
			kill(ck->pid, SIGKILL);
			waitpid(ck->pid, &status, 0);
			break;
		}
		usleep(20000);
	}
	ck->pid = -1;
	if (read(ck->pipe, counts, sizeof(counts)) != sizeof(counts))
		counts[0] = counts[1] = 0;
	close(ck->pipe);
	if (jobs)
		*jobs = counts[0];
	if (retried)
		*retried = counts[1];
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}
