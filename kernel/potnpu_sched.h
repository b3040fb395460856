/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * potnpu DRM accel driver: job scheduling and execution.
 */
#ifndef __POTNPU_SCHED_H__
#define __POTNPU_SCHED_H__

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include <drm/gpu_scheduler.h>
#include <drm/potnpu_accel.h>

struct drm_device;
struct drm_file;
struct potnpu_device;
struct potnpu_file;
struct potnpu_job;

/* Job status records kept per file for DRM_IOCTL_POTNPU_JOB_STATUS. */
#define POTNPU_JOB_RECORDS	256

/**
 * struct potnpu_sched_stats - job counters of a device, for debugfs stats
 * @submitted: jobs accepted by SUBMIT
 * @completed: jobs the firmware completed with DRM_POTNPU_JOB_OK
 * @failed: jobs the firmware completed with an error status
 * @timed_out: jobs completed as DRM_POTNPU_JOB_TIMEOUT (abort or recovery)
 * @cancelled: jobs cancelled (recovery, unplug, or never run)
 * @timeout_extensions: timeouts re-armed because the firmware progressed
 * @aborts: timed-out jobs the firmware completed on an ABORT_JOB message
 *	(level 1: no device reset; also counted in @timed_out)
 */
struct potnpu_sched_stats {
	atomic64_t submitted;
	atomic64_t completed;
	atomic64_t failed;
	atomic64_t timed_out;
	atomic64_t cancelled;
	atomic64_t timeout_extensions;
	atomic64_t aborts;
};

/**
 * struct potnpu_sched - the device's job queue
 * @sched: the DRM scheduler, one hardware ring
 * @lock: protects the fields below and is the lock of the job fences
 * @tail: jobs written to the ring (the host's JQ_TAIL)
 * @consumed: completion records consumed
 * @pending: jobs in the ring, oldest first
 * @fence_context: dma-fence context of the job fences
 * @fence_seqno: seqno of the last job fence
 * @ready: the scheduler exists and the firmware is ready
 * @irq: Linux irq of the job vector, 0 when not requested
 * @err_irq: Linux irq of the error vector, 0 when not requested
 * @fw_irq: Linux irq of the firmware vector, 0 when not requested
 * @recover_work: recovery after the core halted or the firmware failed
 * @idle: woken whenever jobs leave the ring
 * @recover_lock: one recovery at a time (timeout, work, debugfs, close)
 * @core_halts: core halts (trap, watchdog) seen by the error interrupt
 * @fw_failures: firmware failures (FW_STATUS FAILED) while it was ready
 * @mmu_faults: MMU faults seen by the error interrupt
 * @doorbell: the last value written to JQ_TAIL
 * @hold: doorbells suppressed until the next recovery (debugfs inject_hang)
 * @inject_hang: test hook, debugfs inject_hang: the next job run sets @hold
 * @stats: job counters for debugfs stats
 * @inject_cmd_va: test hook, debugfs inject_cmd_va: the next job's copy of
 *	its stream gets this address after validation (0: off)
 */
struct potnpu_sched {
	struct drm_gpu_scheduler sched;
	spinlock_t lock; /* ring, pending list, fences */
	u32 tail;
	u32 consumed;
	struct list_head pending;
	u64 fence_context;
	u64 fence_seqno;
	bool ready;
	int irq;
	int err_irq;
	int fw_irq;
	struct work_struct recover_work;
	wait_queue_head_t idle;
	struct mutex recover_lock; /* serialises recoveries */
	atomic_t core_halts;
	atomic_t fw_failures;
	atomic_t mmu_faults;
	u32 doorbell;
	bool hold;
	atomic_t inject_hang;
	struct potnpu_sched_stats stats;
	u64 inject_cmd_va;
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
 * @has_entity: @entity was initialised
 */
struct potnpu_file_jobs {
	struct drm_sched_entity entity;
	struct mutex submit_lock; /* arm + push, last fence */
	spinlock_t lock; /* records, ids */
	struct drm_potnpu_job_status records[POTNPU_JOB_RECORDS];
	u64 next_id;
	struct dma_fence *last_fence;
	bool banned;
	bool has_entity;
};

struct seq_file;

int potnpu_sched_init(struct potnpu_device *ndev);
void potnpu_sched_show_stats(struct potnpu_device *ndev, struct seq_file *m);
void potnpu_sched_stop(struct potnpu_device *ndev);
void potnpu_sched_fini(struct potnpu_device *ndev);
int potnpu_sched_recover(struct potnpu_device *ndev, struct potnpu_job *bad,
			 const char *why);
void potnpu_sched_recover_work(struct work_struct *work);
void potnpu_sched_file_init(struct potnpu_device *ndev,
			    struct potnpu_file *pfile);
void potnpu_sched_file_fini(struct potnpu_device *ndev,
			    struct potnpu_file *pfile);
int potnpu_submit_ioctl(struct drm_device *drm, void *data,
			struct drm_file *file);
int potnpu_job_status_ioctl(struct drm_device *drm, void *data,
			    struct drm_file *file);

#endif /* __POTNPU_SCHED_H__ */
