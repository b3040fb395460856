/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the potnpu job selftests: buffer objects, syncobjs,
 * command streams written straight into a BO, job status.
 */
#ifndef POTNPU_JOB_UTIL_H
#define POTNPU_JOB_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "potnpu_accel.h"

/* A buffer object, mapped for the CPU. */
struct bo {
	uint32_t handle;
	uint64_t va;
	uint64_t size;
	uint8_t *map;
};

/* Create and map a BO: 0 or errno. */
int bo_new(int fd, uint64_t size, uint32_t flags, struct bo *bo);
/* A new binary syncobj, 0 if none could be made. */
uint32_t syncobj_new(int fd);
int64_t now_ns(void);
/* DRM_IOCTL_POTNPU_JOB_STATUS for job @id: 0 or errno. */
int job_status(int fd, uint64_t id, struct drm_potnpu_job_status *st);

/* Unmap a BO's CPU mapping (mappings pin the module); idempotent. */
void bo_unmap(struct bo *bo);

/*
 * Reload the driver: rmmod potnpu, modprobe potnpu @params (module
 * parameters, e.g. "job_timeout_ms=20"; "" for the defaults), wait until
 * POTNPU_EXPECT_DEVICES accel nodes are back and check that
 * /sys/module/potnpu/parameters shows each parameter. Every fd and BO
 * mapping of the old nodes must be gone (they pin the module). 0 or -1.
 */
int potnpu_reload_module(const char *params);
/* Value of module parameter @name of the loaded potnpu, -1 if none. */
long potnpu_module_param(const char *name);

/* Path of debugfs file @file of the first potnpu device: 0 or -1. */
int debugfs_path(const char *file, char *path, size_t size);
/* Write @value to debugfs file @file of the first potnpu device: 0 or -1. */
int debugfs_write(const char *file, const char *value);

/* A command stream being written into a BO. */
struct stream {
	uint32_t *w;
	uint32_t n;
};

void put(struct stream *s, uint32_t v);
void put64(struct stream *s, uint64_t v);
void cmd_fill(struct stream *s, uint64_t dst, uint32_t size, uint32_t pattern);
void cmd_fence(struct stream *s, uint64_t va, uint32_t value);
void cmd_copy(struct stream *s, uint64_t src, uint64_t dst, uint32_t size);
void cmd_timestamp(struct stream *s, uint64_t va);

/* Wait for a binary syncobj (or a timeline point), 20 s at most: 0 or errno. */
int syncobj_wait(int fd, uint32_t handle, uint64_t point);

/* A submit being built: the arguments and the arrays they point to. */
struct submit {
	struct drm_potnpu_submit args;
	uint32_t handles[8];
	uint32_t in[4];
};

void submit_init(struct submit *sub, const struct bo *cmd, uint32_t size);
void submit_bo(struct submit *sub, const struct bo *bo);
/* DRM_IOCTL_POTNPU_SUBMIT: 0 or errno. */
int submit(int fd, struct submit *sub);
/* The number after "KEY SEP" in the file at @path, -1 if missing. */
long long key_value(const char *path, const char *key, const char *sep);
/* A "key: value" line of the first device's debugfs stats, -1 if missing. */
long long stat_get(const char *key);
/* The firmware's recoveries (~0 when it is not ready), and its boots. */
uint32_t fw_recoveries(int fd);
uint32_t fw_boots(int fd);

/*
 * Checked jobs: each FILLs a range of a 64 KiB destination BO and COPYs it
 * to another range; after it, the whole destination is compared with a
 * model kept on the CPU, byte for byte.
 */
struct checked {
	struct bo cmd, dst;
	uint8_t *model;
	uint32_t sync;
	int lock;	/* >= 0: held shared (flock) around each submit */
};

/* BOs, syncobj and model on @fd: 0 or errno. */
int checked_init(int fd, struct checked *c);
void checked_fini(struct checked *c);
/*
 * One checked job, ranges and pattern from @seed: 0; EBADMSG for wrong
 * bytes or a job that ended in another status; ECANCELED for a job
 * cancelled or timed out by a recovery (the model is left as it was,
 * the same seed can run again); or the errno of the failing ioctl.
 */
int checked_job(int fd, struct checked *c, unsigned int seed);

/* A process running checked jobs on one node, in the background. */
struct checker {
	int pid;
	int pipe;	/* its ready byte, then its counts */
};

/*
 * Start one on accel node @index; back once its first job is set up.
 * With @retry, a job cancelled or timed out by a recovery runs again (at
 * most 100 times in a row); without, that is a failure. With @lock (a
 * path, or NULL), each submit holds a shared flock of that file, so that
 * a test holding it exclusively knows the next job submitted is its own
 * (the debugfs injections act on the device's next job). 0 or -1.
 */
int checker_start(struct checker *ck, int index, bool retry,
		  const char *lock);
/*
 * Stop it and wait (60 s at most): 0 when every job was right and there
 * was at least one, else the step that failed (-1: killed or stuck). The
 * counts go to @jobs and @retried (each may be NULL).
 */
int checker_stop(struct checker *ck, unsigned int *jobs,
		 unsigned int *retried);

#endif /* POTNPU_JOB_UTIL_H */
