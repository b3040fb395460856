/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * potnpu DRM accel driver: DRM_IOCTL_POTNPU_QUERY.
 */
#ifndef __POTNPU_QUERY_H__
#define __POTNPU_QUERY_H__

#include <linux/stddef.h>
#include <linux/types.h>

#include <drm/potnpu_accel.h>

struct drm_device;
struct drm_file;

/**
 * struct potnpu_query_plan - what the query ioctl must do with the buffer
 * @copy: bytes of the kernel's answer to copy to the start of the buffer
 * @clear: bytes to zero right after them
 * @size: value to return in &drm_potnpu_query.size
 */
struct potnpu_query_plan {
	u32 copy;
	u32 clear;
	u32 size;
};

int potnpu_query_plan_sizes(const struct drm_potnpu_query *q, u32 min_size,
			    u32 cur_size, struct potnpu_query_plan *plan);
int potnpu_query_plan(const struct drm_potnpu_query *q,
		      struct potnpu_query_plan *plan);
int potnpu_query_ioctl(struct drm_device *drm, void *data,
		       struct drm_file *file);

#endif /* __POTNPU_QUERY_H__ */
