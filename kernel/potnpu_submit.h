/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * potnpu DRM accel driver: job submission, the pure parts: argument
 * checks, descriptors, ring arithmetic, completion records.
 */
#ifndef __POTNPU_SUBMIT_H__
#define __POTNPU_SUBMIT_H__

#include <linux/types.h>

#include <drm/potnpu_accel.h>
#include <potnpu/potnpu_job.h>

int potnpu_submit_check(const struct drm_potnpu_submit *args);
int potnpu_submit_cmd_range(u32 offset, u32 size, u64 bo_size);
int potnpu_submit_check_handles(const u32 *handles, u32 count);
int potnpu_submit_check_unique(const void *const *objs, u32 count);
void potnpu_job_desc_fill(struct potnpu_job_desc *desc, u32 seqno, u16 slot,
			  u64 cmd_va, u32 cmd_size);
bool potnpu_jq_has_room(u32 tail, u32 consumed, u32 size);
int potnpu_cq_pending(u32 cq_tail, u32 consumed, u32 submitted, u32 *n);
u32 potnpu_job_status_from_device(u32 code);
void potnpu_job_done_decode(const struct potnpu_job_done *rec,
			    struct drm_potnpu_job_status *st);

/* Entry @counter of a ring of @size (a power of two) entries. */
static inline u32 potnpu_ring_index(u32 counter, u32 size)
{
	return counter & (size - 1);
}

#endif /* __POTNPU_SUBMIT_H__ */
