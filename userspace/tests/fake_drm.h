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
 * Test programs fill the table with fake_drm_add(). Tool binaries linked
 * against the fake read it from $POTNPU_FAKE_DRM instead:
 *   "DEV:NAME:MAJOR.MINOR:CAPS[;...]"   e.g. "zero:potnpu:0.1:0x3"
 * DEV is a name under /dev, CAPS the capability bits (hex or decimal).
 */
#ifndef POTNPU_TESTS_FAKE_DRM_H
#define POTNPU_TESTS_FAKE_DRM_H

#include <stddef.h>
#include <stdint.h>

#include <xf86drm.h>

#include "potnpu_accel.h"

enum fake_mode {
	FAKE_OK,		/* follows the documented contract */
	FAKE_NO_QUERY,		/* the query ioctl does not exist */
	FAKE_SHORT_SIZE,	/* announces a 16-byte answer */
	FAKE_OVERRUN,		/* claims to write more than the buffer */
	FAKE_NO_ZERO_TAIL,	/* leaves the caller's tail untouched */
};

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

/* Empty table, default fake_info, cleared query log. */
void fake_drm_reset(void);
void fake_drm_add(const char *target, const char *name, int major, int minor,
		  enum fake_mode mode, uint32_t answer_size, uint64_t caps);
/* Fill the table from $POTNPU_FAKE_DRM. Return: number of nodes or -1. */
int fake_drm_from_env(void);

drmVersionPtr __wrap_drmGetVersion(int fd);
void __wrap_drmFreeVersion(drmVersionPtr v);
int __wrap_drmIoctl(int fd, unsigned long request, void *arg);

#endif /* POTNPU_TESTS_FAKE_DRM_H */
