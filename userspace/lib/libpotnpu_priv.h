/* SPDX-License-Identifier: MIT */
/*
 * libpotnpu's private header: the objects' layouts and the helpers that
 * the library's files share. Not installed; applications use libpotnpu.h.
 *
 * The helpers are hidden (-fvisibility=hidden, libpotnpu.map) and named
 * lib_*, outside the public potnpu_* namespace, so that they can clash
 * with nothing an application links next to libpotnpu.a.
 */
#ifndef LIBPOTNPU_PRIV_H
#define LIBPOTNPU_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <xf86drm.h>

#include "libpotnpu.h"

#define EXPORT __attribute__((visibility("default")))

#define STR_(x) #x
#define STR(x) STR_(x)
#define LIB_VERSION_STRING \
	STR(LIBPOTNPU_VERSION_MAJOR) "." STR(LIBPOTNPU_VERSION_MINOR) "." \
	STR(LIBPOTNPU_VERSION_PATCH)

/*
 * Oldest uapi minor (of DRM_POTNPU_UAPI_MAJOR) with buffer objects
 * (DRM_IOCTL_POTNPU_BO_CREATE, DRM_IOCTL_POTNPU_BO_INFO); see the version
 * table in the uapi header and docs/driver.md.
 */
#define UAPI_MINOR_BO	2
/*
 * Oldest uapi minor whose jobs this library can use: 0.3 added
 * DRM_IOCTL_POTNPU_SUBMIT and DRM_IOCTL_POTNPU_JOB_STATUS, 0.4 changed
 * the job status layout (64-bit fault address) and its codes, which this
 * library speaks. potnpu_submit() also requires DRM_POTNPU_CAP_JOBS.
 */
#define UAPI_MINOR_JOBS	4

struct potnpu_device {
	int fd;
	char *path;
	struct potnpu_driver_info driver;
	uint32_t info_size;	/* size of the driver's device-info answer */
	bool jobs_checked;	/* the JOBS capability was found */
};

struct potnpu_bo {
	struct potnpu_device *dev;
	uint32_t handle;
	uint32_t flags;
	size_t size;		/* as allocated (whole pages) */
	uint64_t va;
	void *map;		/* CPU mapping, NULL until potnpu_bo_map() */
};

struct potnpu_job {
	struct potnpu_device *dev;
	uint64_t id;
	uint32_t syncobj;	/* own binary syncobj, or the caller's timeline */
	uint64_t point;		/* timeline point, 0 for the own syncobj */
};

/* error.c */

/* Set the calling thread's potnpu_last_error() text; returns @err. */
__attribute__((format(printf, 2, 3)))
int lib_set_error(int err, const char *fmt, ...);

/* errno if it is set, else @fallback (for calls that may not set it). */
int lib_errno_or(int fallback);

/* device.c */

/*
 * Open @path and check that it is a DRM node driven by potnpu. On success
 * returns 0 with *fdp and *verp set. On failure returns a negative errno
 * and writes a short reason (no path) to @why.
 */
int lib_node_open(const char *path, int *fdp, drmVersionPtr *verp,
		  char *why, size_t whylen);

/*
 * Fail with -EOPNOTSUPP unless the driver behind @dev implements at least
 * uapi minor @minor (the one that introduced @what).
 */
int lib_require_minor(const struct potnpu_device *dev, int minor,
		      const char *what);

/* layer.c */

struct potnpu_layer_desc;
struct potnpu_layer_plan;

/* The command fields of @l with addresses @a (NULL: all 0). */
void lib_layer_desc(const struct potnpu_layer *l,
		    const struct potnpu_layer_addrs *a,
		    struct potnpu_layer_desc *d);
/* @n bytes little endian at @p: write @v, read a value. */
void lib_put_le(uint8_t *p, uint64_t v, unsigned int n);
uint64_t lib_get_le(const uint8_t *p, unsigned int n);
/* Does the op read channel records? */
bool lib_layer_has_chan(uint32_t op);
/* potnpu_layer_plan() of @l (as the device plans it): 0 or -1. */
int lib_layer_plan(const struct potnpu_layer *l, struct potnpu_layer_plan *p);

/* cost.c */

/*
 * dma_in, dma_out and cycles of @l into @c, from the plan and the cost
 * model; @work[oy * out_c + o] is the engine work (terms for CONV2D, taps
 * otherwise) of output row oy of channel o.
 */
void lib_layer_cost(const struct potnpu_layer *l, const uint64_t *work,
		    struct potnpu_layer_counts *c);

#endif /* LIBPOTNPU_PRIV_H */
