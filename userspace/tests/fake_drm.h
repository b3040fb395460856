/* SPDX-License-Identifier: MIT */
/*
 * A fake potnpu DRM driver for host tests. Binaries linked with
 *   -Wl,--wrap=drmGetVersion -Wl,--wrap=drmFreeVersion -Wl,--wrap=drmIoctl
 * and fake_drm.o get these functions instead of libdrm's. Fake device
 * nodes are symlinks to harmless character devices (/dev/zero, /dev/full,
 * ...); the fake driver tells them apart by the target of the file
 * descriptor. Nodes not in the table are "not a DRM device".
 *
 * The fake DRM_IOCTL_POTNPU_QUERY follows the contract of potnpu_accel.h
 * (size 0 asks for the size, a buffer smaller than the first version is
 * -EINVAL, a larger one is zero-filled) and misbehaves on request.
 *
 * Buffer objects: DRM_IOCTL_POTNPU_BO_CREATE, DRM_IOCTL_POTNPU_BO_INFO and
 * DRM_IOCTL_GEM_CLOSE per open file, each BO backed by a memfd; linking
 * also with -Wl,--wrap=mmap -Wl,--wrap=mmap64 -Wl,--wrap=munmap (mmap is
 * mmap64 under _FILE_OFFSET_BITS=64 with some C libraries) makes mmap() of a fake
 * node at a BO's mmap offset map that memfd, so what the CPU writes
 * through the mapping can be read back from the "device" side
 * (fake_drm_bo_read()). The device address space of every file holds
 * fake_va_limit bytes (ENOSPC beyond); fake_drm_fail() injects an errno
 * into the next matching ioctl or mmap. Every live BO and mapping is
 * counted, for leak checks.
 *
 * Test programs fill the table with fake_drm_add(). Tool binaries linked
 * against the fake read it from $POTNPU_FAKE_DRM instead:
 *   "DEV:NAME:MAJOR.MINOR:CAPS[;...]"   e.g. "zero:potnpu:0.1:0x3"
 * DEV is a name under /dev, CAPS the capability bits (hex or decimal).
 */
#ifndef POTNPU_TESTS_FAKE_DRM_H
#define POTNPU_TESTS_FAKE_DRM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <xf86drm.h>

#include "potnpu_accel.h"

enum fake_mode {
	FAKE_OK,		/* follows the documented contract */
	FAKE_NO_QUERY,		/* the query ioctl does not exist */
	FAKE_SHORT_SIZE,	/* announces a 16-byte answer */
	FAKE_OVERRUN,		/* claims to write more than the buffer */
	FAKE_NO_ZERO_TAIL,	/* leaves the caller's tail untouched */
	FAKE_NO_BO,		/* predates buffer objects: -EINVAL for them */
};

/* How the fake answers buffer-object ioctls (fake_bo_mode). */
enum fake_bo_mode {
	FAKE_BO_OK,
	FAKE_BO_NO_HANDLE,	/* BO_CREATE succeeds with handle 0 */
	FAKE_BO_UNALIGNED_VA,	/* BO_CREATE reports an unaligned address */
	FAKE_BO_SHORT,		/* BO_CREATE reports less than asked */
	FAKE_BO_INFO_WRONG,	/* BO_INFO reports another size */
};

/* fake_drm_fail() request value meaning mmap() of a fake node. */
#define FAKE_MMAP	0ul

struct fake_node {
	char target[32];	/* character device the node links to */
	char name[16];		/* DRM driver name */
	int major, minor;
	enum fake_mode mode;
	uint32_t answer_size;	/* the fake driver's struct size */
	uint64_t caps;		/* capabilities reported by this node */
};

#define FAKE_MAX_NODES 8

/* What every node reports, apart from its own capabilities. */
extern struct drm_potnpu_device_info fake_info;
/* The @size of every query the fake driver saw, in order. */
extern uint32_t fake_query_sizes[64];
extern size_t fake_nqueries;

/* Buffer objects: bytes of address space per file (default 1 GiB). */
extern uint64_t fake_va_limit;
extern enum fake_bo_mode fake_bo_mode;
/* Calls seen, for checking what the library asked. */
extern unsigned int fake_bo_creates, fake_bo_infos, fake_gem_closes,
	fake_mmaps, fake_munmaps;

/* Empty table, default fake_info, cleared query log, no BO (all live ones
 * released), no failure pending. */
void fake_drm_reset(void);
/*
 * The next @request (a DRM_IOCTL_* value, or FAKE_MMAP) on a fake node
 * fails with @err, once.
 */
void fake_drm_fail(unsigned long request, int err);
/* Live buffer objects of every file, and live mappings of them. */
size_t fake_drm_live_bos(void);
size_t fake_drm_live_maps(void);
/* Read @len bytes at @off of live BO @handle (of any file): 0 or -1. */
int fake_drm_bo_read(uint32_t handle, uint64_t off, void *buf, size_t len);
/* Flags BO @handle was created with, or -1 if there is no such BO. */
long fake_drm_bo_flags(uint32_t handle);
void fake_drm_add(const char *target, const char *name, int major, int minor,
		  enum fake_mode mode, uint32_t answer_size, uint64_t caps);
/* Fill the table from $POTNPU_FAKE_DRM. Return: number of nodes or -1. */
int fake_drm_from_env(void);

/*
 * Jobs. DRM_IOCTL_POTNPU_SUBMIT checks the arguments like the uapi says
 * (-EINVAL, -ENOENT for unknown handles, -EIO once the file is banned),
 * then runs the stream at once with a small reference executor over the
 * listed BOs' memory (an address outside them, or a write to a read-only
 * BO, is an MMU fault that bans the file), records the status for
 * DRM_IOCTL_POTNPU_JOB_STATUS and signals the out syncobj. The syncobjs
 * are fake too (wrap drmSyncobjCreate, drmSyncobjDestroy, drmSyncobjWait):
 * a wait on an unsignalled one times out at once.
 */
struct fake_job_result {
	uint32_t status, err_offset, err_info;
	uint64_t fault_addr;
};
/* The next job's status is this one instead of the executor's (once). */
extern bool fake_job_force;
extern struct fake_job_result fake_job_forced;
/* Jobs stay pending (unsignalled) until fake_drm_run_jobs(). */
extern bool fake_job_defer;
/*
 * Validate at submission like the driver (default): a stream that would
 * fail (bad command, address outside the listed BOs or across two, write
 * to a read-only BO) is -EINVAL and never runs. Off, it runs and fails on
 * the "device" (MMU fault, illegal command status).
 */
extern bool fake_job_validate;
extern unsigned int fake_submits;
/* The last SUBMIT seen, and its BO handles. */
extern struct drm_potnpu_submit fake_last_submit;
extern uint32_t fake_last_bos[DRM_POTNPU_MAX_JOB_BOS];
/* Complete the deferred jobs. */
void fake_drm_run_jobs(void);
size_t fake_drm_live_syncobjs(void);

/*
 * Layer commands (opcodes 0x10-0x14, fake_layer.c): executed by
 * libpotnpu's CPU reference. @xfer moves bytes between host memory and
 * the job's BOs (0, or -1 after recording an MMU fault); dry, it only
 * checks the ranges. Return: 0, 1 for an invalid command, -1 for a fault.
 */
typedef int (*fake_xfer_fn)(void *ctx, uint64_t va, void *buf, uint64_t len,
			    bool write);
int fake_layer_exec(const uint32_t *cmd, fake_xfer_fn xfer, void *ctx,
		    bool dry);

drmVersionPtr __wrap_drmGetVersion(int fd);
int __wrap_drmSyncobjCreate(int fd, uint32_t flags, uint32_t *handle);
int __wrap_drmSyncobjDestroy(int fd, uint32_t handle);
int __wrap_drmSyncobjWait(int fd, uint32_t *handles, unsigned num_handles,
			  int64_t timeout_nsec, unsigned flags,
			  uint32_t *first_signaled);
int __wrap_drmSyncobjTimelineWait(int fd, uint32_t *handles, uint64_t *points,
				  unsigned num_handles, int64_t timeout_nsec,
				  unsigned flags, uint32_t *first_signaled);
/* Highest signalled timeline point of syncobj @handle (any file). */
uint64_t fake_drm_syncobj_point(uint32_t handle);
void __wrap_drmFreeVersion(drmVersionPtr v);
int __wrap_drmIoctl(int fd, unsigned long request, void *arg);
/* off_t is 64-bit here: the build uses _FILE_OFFSET_BITS=64. */
void *__wrap_mmap(void *addr, size_t len, int prot, int flags, int fd,
		  off_t off);
void *__wrap_mmap64(void *addr, size_t len, int prot, int flags, int fd,
		    off_t off);
int __wrap_munmap(void *addr, size_t len);

#endif /* POTNPU_TESTS_FAKE_DRM_H */
