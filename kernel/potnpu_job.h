/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * potnpu DRM accel driver: the job object, its fence and the SUBMIT and
 * JOB_STATUS ioctls.
 */
#ifndef __POTNPU_JOB_H__
#define __POTNPU_JOB_H__

#include <linux/dma-fence.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/workqueue.h>

#include <drm/drm_mm.h>
#include <drm/gpu_scheduler.h>
#include <drm/potnpu_accel.h>

struct drm_device;
struct drm_file;
struct drm_gem_object;
struct drm_printer;
struct potnpu_device;
struct potnpu_file;
struct potnpu_vm;

/* Job status records kept per file for DRM_IOCTL_POTNPU_JOB_STATUS. */
#define POTNPU_JOB_RECORDS		256
/*
 * Jobs one file may have submitted and not yet freed, and all files of a
 * device together: each pins a kernel copy of its stream (up to 64 KiB)
 * and its BOs. More is -EAGAIN.
 */
#define POTNPU_MAX_JOBS_PER_FILE	128
#define POTNPU_MAX_JOBS_PER_DEVICE	1024

/**
 * struct potnpu_fence - the hardware fence of a job in the ring
 * @base: the dma-fence, signalled by the completion interrupt
 * @ndev: the device, referenced (drm_dev_get) while the fence lives
 * @free_work: drops those references once the fence is released
 *
 * A fence can outlive its file, its device and its job (a sync_file keeps
 * it): it holds a reference on the DRM device, whose drm_gpu_scheduler
 * the scheduler's own fences read their name from, and on this module,
 * whose code its ops are.
 */
struct potnpu_fence {
	struct dma_fence base;
	struct potnpu_device *ndev;
	struct work_struct free_work;
};

/**
 * struct potnpu_job - one submitted job
 * @base: scheduler job
 * @refcount: the submit ioctl's reference and the scheduler's
 * @ndev: the device
 * @pfile: the submitting file (outlives the job in the ring: see
 *	potnpu_job_file_fini())
 * @vm: the file's address space (reference)
 * @bos: the BOs of the job (references)
 * @bo_count: entries in @bos
 * @cmd_va: device VA of the stream (the kernel copy)
 * @cmd_size: its size
 * @stream: kernel copy of the validated stream, read by the device
 * @stream_dma: its bus address
 * @stream_alloc: its allocation size, a page multiple (0: none)
 * @stream_node: its VA range in @vm, read-only
 * @fence: the hardware fence, allocated at submit so that run_job
 *	allocates nothing; NULL once run_job handed it to the scheduler
 * @hw_fence: the fence run_job returned (a reference), or NULL
 * @id: the job's id in its file
 * @seqno: ring position it was written at
 * @slot: MMU slot of @vm
 * @run_ns: ktime_get_ns() when the job was written to the ring
 * @heartbeat: FW_HEARTBEAT when the job was run or last timed out
 * @extensions: timeouts re-armed for progress
 * @aborting: an ABORT_JOB was sent for it (under &potnpu_sched.lock)
 * @aborted: the firmware completed it as aborted (under the same lock)
 * @node: in &potnpu_sched.pending while in the ring
 */
struct potnpu_job {
	struct drm_sched_job base;
	struct kref refcount;
	struct potnpu_device *ndev;
	struct potnpu_file *pfile;
	struct potnpu_vm *vm;
	struct drm_gem_object **bos;
	u32 bo_count;
	u64 cmd_va;
	u32 cmd_size;
	void *stream;
	dma_addr_t stream_dma;
	size_t stream_alloc;
	struct drm_mm_node stream_node;
	struct potnpu_fence *fence;
	struct dma_fence *hw_fence;
	u64 id;
	u32 seqno;
	int slot;
	u64 run_ns;
	u32 heartbeat;
	u32 extensions;
	bool aborting;
	bool aborted;
	struct list_head node;
};

/**
 * struct potnpu_file_jobs - per file job state
 * @entity: the file's scheduler entity
 * @submit_lock: orders job arming and pushing, protects @last_fence
 * @lock: protects @records, @next_id, @banned
 * @records: status of the last POTNPU_JOB_RECORDS jobs, by id
 * @next_id: id of the next job
 * @last_fence: finished fence of the last job submitted
 * @banned: a job of this file faulted: no more submits
 * @closing: the file is being closed: its jobs are not run any more
 * @has_entity: @entity was initialised
 * @queued: jobs submitted and not yet freed
 * @stream_bytes: bytes of stream copies those jobs pin
 */
struct potnpu_file_jobs {
	struct drm_sched_entity entity;
	struct mutex submit_lock; /* arm + push, last fence */
	spinlock_t lock; /* records, ids */
	struct drm_potnpu_job_status records[POTNPU_JOB_RECORDS];
	u64 next_id;
	struct dma_fence *last_fence;
	bool banned;
	bool closing;
	bool has_entity;
	atomic_t queued;
	atomic64_t stream_bytes;
};

static inline struct potnpu_job *to_potnpu_job(struct drm_sched_job *job)
{
	return container_of(job, struct potnpu_job, base);
}

void potnpu_job_put(struct potnpu_job *job);
void potnpu_job_record(struct potnpu_job *job,
		       const struct drm_potnpu_job_status *st);
void potnpu_job_trace_done(struct potnpu_job *job,
			   const struct drm_potnpu_job_status *st);
void potnpu_job_file_init(struct potnpu_device *ndev,
			  struct potnpu_file *pfile);
void potnpu_job_file_fini(struct potnpu_device *ndev,
			  struct potnpu_file *pfile);
void potnpu_job_show_fdinfo(struct potnpu_file *pfile, struct drm_printer *p);
int potnpu_submit_ioctl(struct drm_device *drm, void *data,
			struct drm_file *file);
int potnpu_job_status_ioctl(struct drm_device *drm, void *data,
			    struct drm_file *file);

#endif /* __POTNPU_JOB_H__ */
