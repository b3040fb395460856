// SPDX-License-Identifier: GPL-2.0-only
/*
 * potnpu DRM accel driver: job submission, the pure parts.
 *
 * The submit ioctl (DRM_IOCTL_POTNPU_SUBMIT, designed in the uapi header)
 * is built on these functions; they touch neither the device nor user
 * memory, so KUnit checks every rule:
 *  - potnpu_submit_check(): the fixed-size arguments;
 *  - potnpu_submit_cmd_range(): the stream inside its BO;
 *  - potnpu_submit_check_handles(), potnpu_submit_check_unique(): the BO
 *    list, by handle and by object;
 *  - potnpu_job_desc_fill(): the descriptor the firmware reads;
 *  - potnpu_jq_has_room(), potnpu_cq_pending(): the free-running counters
 *    of the job and completion rings, with the firmware's CQ_TAIL treated
 *    as untrusted input;
 *  - potnpu_job_done_decode(): a completion record into the uapi status.
 */

#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/overflow.h>
#include <linux/string.h>

#include "potnpu_submit.h"

static_assert(sizeof(struct drm_potnpu_submit) == 64);
static_assert(offsetof(struct drm_potnpu_submit, job_id) == 48);
static_assert(sizeof(struct drm_potnpu_job_status) == 32);

/**
 * potnpu_submit_check() - check the fixed-size submit arguments
 * @args: as passed by userspace
 *
 * Return: 0, or -EINVAL for non-zero @flags or @pad, a stream size that is
 * not a multiple of 4 in 4..POTNPU_CMD_MAX_SIZE, an unaligned offset, a BO
 * count outside 1..DRM_POTNPU_MAX_JOB_BOS, too many in-syncobjs, or a
 * timeline point without an out-syncobj.
 */
int potnpu_submit_check(const struct drm_potnpu_submit *args)
{
	if (args->flags || args->pad)
		return -EINVAL;
	if (!args->cmd_size || args->cmd_size > POTNPU_CMD_MAX_SIZE ||
	    !IS_ALIGNED(args->cmd_size, 4) || !IS_ALIGNED(args->cmd_offset, 4))
		return -EINVAL;
	if (!args->bo_count || args->bo_count > DRM_POTNPU_MAX_JOB_BOS)
		return -EINVAL;
	if (args->in_syncobj_count > DRM_POTNPU_MAX_IN_SYNCOBJS)
		return -EINVAL;
	if (args->out_point && !args->out_syncobj)
		return -EINVAL;
	return 0;
}

/**
 * potnpu_submit_cmd_range() - the stream must lie inside its BO
 * @offset: byte offset in the BO
 * @size: stream size
 * @bo_size: the BO's size
 *
 * Return: 0 or -EINVAL.
 */
int potnpu_submit_cmd_range(u32 offset, u32 size, u64 bo_size)
{
	u64 end;

	if (check_add_overflow((u64)offset, (u64)size, &end) || end > bo_size)
		return -EINVAL;
	return 0;
}

/**
 * potnpu_submit_check_handles() - the BO list: no handle 0, no duplicates
 * @handles: the handles
 * @count: their number, at most DRM_POTNPU_MAX_JOB_BOS
 *
 * Return: 0 or -EINVAL.
 */
int potnpu_submit_check_handles(const u32 *handles, u32 count)
{
	u32 i, j;

	if (count > DRM_POTNPU_MAX_JOB_BOS)
		return -EINVAL;
	for (i = 0; i < count; i++) {
		if (!handles[i])
			return -EINVAL;
		for (j = 0; j < i; j++)
			if (handles[j] == handles[i])
				return -EINVAL;
	}
	return 0;
}

/**
 * potnpu_submit_check_unique() - no object twice in the job's BO list
 * @objs: the objects the handles resolved to
 * @count: their number, at most DRM_POTNPU_MAX_JOB_BOS
 *
 * Two different handles can name one object (a flink name opened again,
 * a PRIME import of an own BO); the uapi's "no duplicates" is about
 * objects.
 *
 * Return: 0 or -EINVAL.
 */
int potnpu_submit_check_unique(const void *const *objs, u32 count)
{
	u32 i, j;

	if (count > DRM_POTNPU_MAX_JOB_BOS)
		return -EINVAL;
	for (i = 1; i < count; i++)
		for (j = 0; j < i; j++)
			if (objs[i] == objs[j])
				return -EINVAL;
	return 0;
}

/**
 * potnpu_job_desc_fill() - build a submission ring entry
 * @desc: the entry, completely overwritten
 * @seqno: the host's job number, echoed in the completion record
 * @slot: MMU slot of the job's address space
 * @cmd_va: device VA of the stream
 * @cmd_size: its size in bytes
 */
void potnpu_job_desc_fill(struct potnpu_job_desc *desc, u32 seqno, u16 slot,
			  u64 cmd_va, u32 cmd_size)
{
	memset(desc, 0, sizeof(*desc));
	desc->seqno = cpu_to_le32(seqno);
	desc->slot = cpu_to_le16(slot);
	desc->cmd_va = cpu_to_le64(cmd_va);
	desc->cmd_size = cpu_to_le32(cmd_size);
}

/**
 * potnpu_jq_has_room() - may one more job be written to the ring?
 * @tail: jobs submitted (JQ_TAIL)
 * @consumed: completion records the host has consumed
 * @size: ring entries
 *
 * The firmware has no completion-ring head, so the host keeps at most
 * @size jobs between its consumer position and JQ_TAIL: then neither a
 * descriptor nor a completion record is overwritten before it is read.
 *
 * Return: true when there is room.
 */
bool potnpu_jq_has_room(u32 tail, u32 consumed, u32 size)
{
	return tail - consumed < size;
}

/**
 * potnpu_cq_pending() - new completion records, checked
 * @cq_tail: CQ_TAIL as read from the device (untrusted)
 * @consumed: records the host has consumed
 * @submitted: jobs the host has submitted (its JQ_TAIL)
 * @n: out: number of new records, from index @consumed on
 *
 * Counters are free-running u32s: only differences matter.
 *
 * Return: 0, or -EIO when CQ_TAIL claims more completions than there are
 * jobs outstanding (a device or firmware bug: nothing may be trusted).
 */
int potnpu_cq_pending(u32 cq_tail, u32 consumed, u32 submitted, u32 *n)
{
	u32 ready = cq_tail - consumed;

	if (ready > submitted - consumed) {
		*n = 0;
		return -EIO;
	}
	*n = ready;
	return 0;
}

/**
 * potnpu_job_status_from_device() - the uapi's status for a device code
 * @code: &potnpu_job_done.status as the firmware wrote it
 *
 * Return: the DRM_POTNPU_JOB_* code; %DRM_POTNPU_JOB_DEVICE_ERROR for a
 * code the device does not define (a firmware that is not trusted).
 */
u32 potnpu_job_status_from_device(u32 code)
{
	switch (code) {
	case POTNPU_JOB_OK:
		return DRM_POTNPU_JOB_OK;
	case POTNPU_JOB_EILLEGAL:
		return DRM_POTNPU_JOB_ILLEGAL;
	case POTNPU_JOB_EINVAL:
		return DRM_POTNPU_JOB_INVALID;
	case POTNPU_JOB_EMMU:
		return DRM_POTNPU_JOB_MMU_FAULT;
	case POTNPU_JOB_EBUS:
		return DRM_POTNPU_JOB_BUS_ERROR;
	case POTNPU_JOB_EDESC:
		return DRM_POTNPU_JOB_BAD_DESC;
	case POTNPU_JOB_ABORTED:
		return DRM_POTNPU_JOB_ABORTED;
	default:
		return DRM_POTNPU_JOB_DEVICE_ERROR;
	}
}

/**
 * potnpu_job_done_decode() - a completion record as the uapi reports it
 * @rec: the record from the completion ring
 * @st: filled in: state DONE, status and error details (job_id untouched)
 */
void potnpu_job_done_decode(const struct potnpu_job_done *rec,
			    struct drm_potnpu_job_status *st)
{
	st->state = DRM_POTNPU_JOB_DONE;
	st->status = potnpu_job_status_from_device(le32_to_cpu(rec->status));
	st->err_offset = le32_to_cpu(rec->err_offset);
	st->err_info = le32_to_cpu(rec->err_info);
	st->fault_addr = (u64)le32_to_cpu(rec->fault_addr_hi) << 32 |
			 le32_to_cpu(rec->fault_addr_lo);
}
