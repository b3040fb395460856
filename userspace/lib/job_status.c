// SPDX-License-Identifier: MIT
/*
 * libpotnpu job status: asking the driver how a job ended, and saying it
 * in words (status names, faults and where they happened).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "libpotnpu_priv.h"
#include "potnpu_regs.h"

static const char *const job_status_names[] = {
	[DRM_POTNPU_JOB_OK] = "ok",
	[DRM_POTNPU_JOB_ILLEGAL] = "illegal command",
	[DRM_POTNPU_JOB_INVALID] = "bad operand",
	[DRM_POTNPU_JOB_MMU_FAULT] = "MMU fault",
	[DRM_POTNPU_JOB_BUS_ERROR] = "bus error",
	[DRM_POTNPU_JOB_BAD_DESC] = "bad descriptor",
	[DRM_POTNPU_JOB_ABORTED] = "aborted",
};

EXPORT const char *potnpu_job_status_name(uint32_t code)
{
	if (code < sizeof(job_status_names) / sizeof(job_status_names[0]))
		return job_status_names[code];
	if (code == DRM_POTNPU_JOB_TIMEOUT)
		return "timeout";
	if (code == DRM_POTNPU_JOB_CANCELLED)
		return "cancelled";
	if (code == DRM_POTNPU_JOB_DEVICE_ERROR)
		return "device error";
	return "unknown";
}

static const char *mmu_reason(uint32_t reason)
{
	switch (reason) {
	case POTNPU_MMU_REASON_SLOT:
		return "slot disabled";
	case POTNPU_MMU_REASON_RANGE:
		return "outside the address space";
	case POTNPU_MMU_REASON_NOT_PRESENT:
		return "not mapped";
	case POTNPU_MMU_REASON_READ_ONLY:
		return "read-only page";
	case POTNPU_MMU_REASON_BAD_PTE:
		return "bad page table entry";
	case POTNPU_MMU_REASON_BUS:
		return "page table unreadable";
	default:
		return "unknown reason";
	}
}

/* The text of a final status that has no operands, NULL for the others. */
static const char *plain_status_text(uint32_t code)
{
	switch (code) {
	case DRM_POTNPU_JOB_OK:
		return "completed";
	case DRM_POTNPU_JOB_BAD_DESC:
		return "malformed job descriptor";
	case DRM_POTNPU_JOB_TIMEOUT:
		return "timeout: the job ran longer than the driver allows and was stopped by a device reset";
	case DRM_POTNPU_JOB_CANCELLED:
		return "cancelled: the device was reset before the job ran";
	case DRM_POTNPU_JOB_DEVICE_ERROR:
		return "device error: the device reported a status the driver does not know";
	default:
		return NULL;
	}
}

/* A status that names the command at @off (and the fault, if any). */
static void format_command_status(uint32_t code, uint32_t off, uint32_t info,
				  uint64_t addr, char *buf, size_t len)
{
	switch (code) {
	case DRM_POTNPU_JOB_ILLEGAL:
		snprintf(buf, len, "illegal command 0x%02x at offset %u",
			 info & 0xff, off);
		break;
	case DRM_POTNPU_JOB_INVALID:
		snprintf(buf, len, "bad operand in the command at offset %u",
			 off);
		break;
	case DRM_POTNPU_JOB_MMU_FAULT:
		snprintf(buf, len,
			 "MMU fault at VA 0x%08" PRIx64 " (%s, slot %u, %s) at offset %u",
			 addr, info & POTNPU_MMU_FAULT_WRITE ? "write" : "read",
			 POTNPU_MMU_FAULT_SLOT(info),
			 mmu_reason(POTNPU_MMU_FAULT_REASON(info)), off);
		break;
	case DRM_POTNPU_JOB_BUS_ERROR:
		snprintf(buf, len,
			 "bus error (host memory) in the command at offset %u",
			 off);
		break;
	case DRM_POTNPU_JOB_ABORTED:
		snprintf(buf, len, "aborted by the host at offset %u", off);
		break;
	default:
		snprintf(buf, len, "unknown status 0x%x at offset %u", code,
			 off);
		break;
	}
}

EXPORT const char *potnpu_format_job_status(bool done, uint32_t code,
					    uint32_t off, uint32_t info,
					    uint64_t addr, char *buf,
					    size_t len)
{
	const char *text;

	if (!buf || !len)
		return buf;
	text = done ? plain_status_text(code) : "pending";
	if (text)
		snprintf(buf, len, "%s", text);
	else
		format_command_status(code, off, info, addr, buf, len);
	return buf;
}

/* DRM_IOCTL_POTNPU_JOB_STATUS for @job, with the answer checked. */
static int job_status_ioctl(const struct potnpu_job *job,
			    struct drm_potnpu_job_status *js)
{
	int err;

	memset(js, 0, sizeof(*js));
	js->job_id = job->id;
	if (drmIoctl(job->dev->fd, DRM_IOCTL_POTNPU_JOB_STATUS, js)) {
		err = lib_errno_or(EIO);
		if (err == ENOENT)
			return lib_set_error(-ENOENT,
					     "%s: the driver no longer knows job %llu (it keeps the last 256 of each file)",
					     job->dev->path,
					     (unsigned long long)job->id);
		return lib_set_error(-err,
				     "%s: DRM_IOCTL_POTNPU_JOB_STATUS(job %llu) failed: %s",
				     job->dev->path, (unsigned long long)job->id,
				     strerror(err));
	}
	if (js->job_id != job->id ||
	    (js->state != DRM_POTNPU_JOB_PENDING &&
	     js->state != DRM_POTNPU_JOB_DONE))
		return lib_set_error(-EBADMSG,
				     "%s: the potnpu driver answered the status of job %llu with job %llu, state %u",
				     job->dev->path, (unsigned long long)job->id,
				     (unsigned long long)js->job_id, js->state);
	return 0;
}

EXPORT int potnpu_job_status(struct potnpu_job *job,
			     struct potnpu_job_status *st)
{
	struct drm_potnpu_job_status js;
	int err;

	if (!job || !st)
		return lib_set_error(-EINVAL, "potnpu_job_status: NULL argument");
	memset(st, 0, sizeof(*st));
	err = job_status_ioctl(job, &js);
	if (err)
		return err;
	st->done = js.state == DRM_POTNPU_JOB_DONE;
	if (st->done) {
		st->code = js.status;
		st->err_offset = js.err_offset;
		st->err_info = js.err_info;
		st->fault_addr = js.fault_addr;
	}
	potnpu_format_job_status(st->done, st->code, st->err_offset,
				 st->err_info, st->fault_addr, st->message,
				 sizeof(st->message));
	return 0;
}

