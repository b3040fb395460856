/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the potnpu job selftests: buffer objects, syncobjs,
 * command streams written straight into a BO, job status.
 */
#ifndef POTNPU_JOB_UTIL_H
#define POTNPU_JOB_UTIL_H

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

#endif /* POTNPU_JOB_UTIL_H */
