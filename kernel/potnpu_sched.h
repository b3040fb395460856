/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * potnpu DRM accel driver: the drm_sched backend, the device's job ring
 * and the job fences.
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

#include <potnpu/potnpu_job.h>

struct potnpu_device;
struct potnpu_job;
struct seq_file;

/* Entries of the submission and completion rings programmed at boot. */
#define POTNPU_JQ_ENTRIES	64

/**
 * struct potnpu_sched_stats - job counters of a device, for debugfs stats
 * @submitted: jobs accepted by SUBMIT
 * @completed: jobs the firmware completed with DRM_POTNPU_JOB_OK
 * @failed: jobs the firmware completed with an error status
 * @timed_out: jobs completed as DRM_POTNPU_JOB_TIMEOUT (abort or recovery)
 * @cancelled: jobs cancelled (recovery, unplug, closed file, never run)
 * @timeout_extensions: timeouts re-armed because the firmware progressed
 * @aborts: jobs the firmware completed on an ABORT_JOB message (timeouts
 *	of level 1 and jobs of closing files; no device reset)
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
 * @jq: submission ring, POTNPU_JQ_ENTRIES descriptors (device memory)
 * @jq_dma: its bus address
 * @cq: completion ring, POTNPU_JQ_ENTRIES records
 * @cq_dma: its bus address
 * @lock: protects the ring counters, @pending, @ready, @hold, @doorbell
 *	and is the lock of the job fences
 * @tail: jobs written to the ring (the host's JQ_TAIL)
 * @consumed: completion records consumed (the host's CQ_HEAD)
 * @pending: jobs in the ring, oldest first
 * @fence_context: dma-fence context of the job fences
 * @fence_seqno: seqno of the last job fence
 * @ready: the scheduler exists and the firmware is ready
 * @recover_work: recovery after the core halted or the firmware failed
 * @idle: woken whenever jobs leave the ring
 * @recover_lock: one recovery or abort at a time
 * @core_halts: core halts (trap, watchdog) seen by the error interrupt
 * @fw_failures: firmware failures (FW_STATUS FAILED) while it was ready
 * @mmu_faults: MMU faults seen by the error interrupt
 * @doorbell: the last value written to JQ_TAIL
 * @hold: doorbells suppressed until the next recovery (debugfs inject_hang)
 * @inject_hang: test hook, debugfs inject_hang: the next job run sets @hold
 * @stats: job counters for debugfs stats
 * @inject_cmd_va: test hook, debugfs inject_cmd_va: the next job's copy of
 *	its stream gets this address after validation (0: off)
 * @queued: jobs submitted and not yet freed, all files (bounded)
 */
struct potnpu_sched {
	struct drm_gpu_scheduler sched;
	struct potnpu_job_desc *jq;
	dma_addr_t jq_dma;
	struct potnpu_job_done *cq;
	dma_addr_t cq_dma;
	spinlock_t lock; /* ring, pending list, fences */
	u32 tail;
	u32 consumed;
	struct list_head pending;
	u64 fence_context;
	u64 fence_seqno;
	bool ready;
	struct work_struct recover_work;
	wait_queue_head_t idle;
	struct mutex recover_lock; /* serialises recoveries and aborts */
	atomic_t core_halts;
	atomic_t fw_failures;
	atomic_t mmu_faults;
	u32 doorbell;
	bool hold;
	atomic_t inject_hang;
	struct potnpu_sched_stats stats;
	u64 inject_cmd_va;
	atomic_t queued;
};

int potnpu_sched_early_init(struct potnpu_device *ndev);
int potnpu_sched_init(struct potnpu_device *ndev);
void potnpu_sched_program_rings(struct potnpu_device *ndev);
void potnpu_sched_show_stats(struct potnpu_device *ndev, struct seq_file *m);
void potnpu_sched_stop(struct potnpu_device *ndev);
void potnpu_sched_fini(struct potnpu_device *ndev);
void potnpu_sched_complete(struct potnpu_device *ndev);
void potnpu_sched_cancel_locked(struct potnpu_device *ndev,
				struct potnpu_job *bad);
bool potnpu_sched_job_in_ring(struct potnpu_device *ndev,
			      struct potnpu_job *job);

#endif /* __POTNPU_SCHED_H__ */
