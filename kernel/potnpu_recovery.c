// SPDX-License-Identifier: GPL-2.0-only
/*
 * potnpu DRM accel driver: job timeouts, aborts, device reset and
 * recovery.
 *
 * A job that exceeds the timeout while the firmware's heartbeat stands
 * still (or ten timeouts in all) is first aborted (level 1, no reset):
 * H2F_ARG names the job's seqno, H2F_MSG = ABORT_JOB, and the firmware
 * ends that job, and only that job, between two commands or two DMA
 * chunks. If it does not within POTNPU_ABORT_TIMEOUT_MS, a recovery
 * (level 2), like one forced through debugfs or one after the core
 * halted, stops the scheduler, resets the device (so no DMA is in
 * flight), cancels every job in the ring, boots the firmware again and
 * restarts the scheduler. A closing file's jobs in the ring are aborted
 * the same way, one by one, so that other files' jobs are not touched.
 *
 * Lock order (outermost first), for the whole driver:
 *   &potnpu_sched.recover_lock
 *     &potnpu_boot.lock
 *       &potnpu_mmu.lock, &potnpu_vm.lock
 *         &potnpu_sched.lock (spinlock, also the job fences' lock)
 *           &potnpu_file_jobs.lock (spinlock)
 * &potnpu_file_jobs.submit_lock is taken in the submit ioctl only, with
 * none of the above held.
 */

#include <linux/jiffies.h>
#include <linux/kref.h>
#include <linux/wait.h>

#include <drm/drm_drv.h>

#include "potnpu_boot.h"
#include "potnpu_drv.h"
#include "potnpu_hw.h"
#include "potnpu_job.h"
#include "potnpu_recovery.h"
#include "potnpu_sched.h"
#include "potnpu_trace.h"

/*
 * A job whose firmware heartbeat moved since the last check gets its
 * timeout re-armed, at most this many times: 10 timeouts in all.
 */
#define POTNPU_TIMEOUT_MAX_EXTENSIONS	9
/*
 * How long the firmware has to complete a job after ABORT_JOB (it looks
 * between commands and DMA chunks) before the full recovery.
 */
#define POTNPU_ABORT_TIMEOUT_MS		100

/**
 * potnpu_sched_recover() - cancel the jobs in the ring, reset the device,
 *	boot the firmware again
 * @ndev: the device
 * @bad: the job that timed out, or NULL
 * @why: for the log
 *
 * Return: 0 when the firmware is ready again, else a negative errno.
 */
int potnpu_sched_recover(struct potnpu_device *ndev, struct potnpu_job *bad,
			 const char *why)
{
	struct potnpu_sched *s = &ndev->sched;
	bool have = s->fence_context;
	int ret;

	guard(mutex)(&s->recover_lock);
	trace_potnpu_recovery(potnpu_dev(ndev), why);
	if (have)
		drm_sched_stop(&s->sched, bad ? &bad->base : NULL);
	scoped_guard(spinlock_irqsave, &s->lock)
		s->ready = false;
	/* Reset first: the fences signal once no DMA can be in flight. */
	ret = potnpu_boot_recover(ndev, why);
	scoped_guard(spinlock_irqsave, &s->lock) {
		potnpu_sched_cancel_locked(ndev, bad);
		s->ready = have && !ret;
	}
	if (have)
		drm_sched_start(&s->sched);
	return ret;
}

/**
 * potnpu_sched_recover_work() - recovery after the firmware stopped
 * @work: &potnpu_sched.recover_work
 */
void potnpu_sched_recover_work(struct work_struct *work)
{
	struct potnpu_sched *s = container_of(work, struct potnpu_sched,
					      recover_work);
	struct potnpu_device *ndev = container_of(s, struct potnpu_device,
						  sched);
	u32 core, fw, err;
	int idx;

	if (READ_ONCE(ndev->boot.fw_status) != POTNPU_FW_STATUS_READY)
		return;
	if (!drm_dev_enter(&ndev->drm, &idx))
		return;
	core = potnpu_rd(ndev, POTNPU_REG_CORE_STATUS);
	fw = potnpu_rd(ndev, POTNPU_REG_FW_STATUS);
	err = potnpu_rd(ndev, POTNPU_REG_FW_ERROR);
	dev_err(potnpu_dev(ndev),
		"firmware stopped: CORE_STATUS %#x (mcause %#x at pc %#x), FW_STATUS %s, FW_ERROR %u (%s)\n",
		core, potnpu_rd(ndev, POTNPU_REG_CORE_FAULT_CAUSE),
		potnpu_rd(ndev, POTNPU_REG_CORE_FAULT_PC),
		potnpu_fw_status_name(fw), err, potnpu_fw_error_name(err));
	drm_dev_exit(idx);
	potnpu_sched_recover(ndev, NULL, "the firmware stopped");
}

/*
 * The one workaround for Linux 6.12's scheduler (see docs/driver.md):
 * drm_sched_job_timedout() took the job off the pending list and 6.12 has
 * no return code for "not hung, keep it" (later kernels have
 * DRM_GPU_SCHED_STAT_NO_HANG). A job that is not reset must go back, at
 * its head (it is the oldest), or it would never be freed.
 */
static enum drm_gpu_sched_stat potnpu_sched_keep_job(struct drm_sched_job *sj)
{
	spin_lock(&sj->sched->job_list_lock);
	list_add(&sj->list, &sj->sched->pending_list);
	spin_unlock(&sj->sched->job_list_lock);
	return DRM_GPU_SCHED_STAT_NOMINAL;
}

/*
 * The firmware is working on @job: its descriptor was handed over (the
 * doorbell covers it), JQ_HEAD says it is the job being run, and the
 * heartbeat, bumped per command and per DMA chunk, moved since the last
 * look. Called inside drm_dev_enter().
 */
static bool potnpu_job_progressed(struct potnpu_job *job, bool *in_ring)
{
	struct potnpu_device *ndev = job->ndev;
	struct potnpu_sched *s = &ndev->sched;
	bool rung;
	u32 hb, head;

	hb = potnpu_rd(ndev, POTNPU_REG_FW_HEARTBEAT);
	head = potnpu_rd(ndev, POTNPU_REG_JQ_HEAD);
	scoped_guard(spinlock_irqsave, &s->lock) {
		*in_ring = !list_empty(&job->node);
		rung = (s32)(s->doorbell - job->seqno) > 0;
	}
	if (hb == POTNPU_REG_DEAD || hb == job->heartbeat)
		return false;
	job->heartbeat = hb;
	return *in_ring && rung && head == job->seqno;
}

/* The core runs and the firmware serves jobs; inside drm_dev_enter(). */
static bool potnpu_fw_alive(struct potnpu_device *ndev)
{
	u32 core = potnpu_rd(ndev, POTNPU_REG_CORE_STATUS);

	return core != POTNPU_REG_DEAD &&
	       !(core & (POTNPU_CORE_STATUS_TRAPPED |
			 POTNPU_CORE_STATUS_WATCHDOG)) &&
	       READ_ONCE(ndev->boot.fw_status) == POTNPU_FW_STATUS_READY;
}

/* Send ABORT_JOB for @job if it is in the ring; under recover_lock. */
static bool potnpu_job_send_abort(struct potnpu_device *ndev,
				  struct potnpu_job *job)
{
	struct potnpu_sched *s = &ndev->sched;
	unsigned long flags;
	bool sent = false;
	int idx;

	lockdep_assert_held(&s->recover_lock);
	if (!drm_dev_enter(&ndev->drm, &idx))
		return false;
	if (potnpu_fw_alive(ndev)) {
		spin_lock_irqsave(&s->lock, flags);
		if (s->ready && !list_empty(&job->node)) {
			job->aborting = true;
			/* The seqno: a late abort never hits another job. */
			potnpu_wr(ndev, POTNPU_REG_H2F_ARG, job->seqno);
			potnpu_wr(ndev, POTNPU_REG_H2F_MSG,
				  POTNPU_H2F_ABORT_JOB);
			potnpu_wr(ndev, POTNPU_REG_H2F_DOORBELL, 1);
			sent = true;
		}
		spin_unlock_irqrestore(&s->lock, flags);
	}
	drm_dev_exit(idx);
	return sent;
}

/*
 * Ask the firmware to abort @job and wait up to POTNPU_ABORT_TIMEOUT_MS
 * for it to leave the ring. Not tried with the core halted or the
 * firmware not READY.
 *
 * Return: true if the job left the ring (aborted, or completed just
 * before the abort landed): no recovery is needed.
 */
static bool potnpu_job_abort(struct potnpu_device *ndev,
			     struct potnpu_job *job)
{
	struct potnpu_sched *s = &ndev->sched;
	u64 start = ktime_get_ns();
	bool sent, left, aborted;

	scoped_guard(mutex, &s->recover_lock) {
		sent = potnpu_job_send_abort(ndev, job);
		if (sent)
			wait_event_timeout(s->idle,
					   !potnpu_sched_job_in_ring(ndev, job),
					   msecs_to_jiffies(POTNPU_ABORT_TIMEOUT_MS));
		scoped_guard(spinlock_irqsave, &s->lock) {
			left = list_empty(&job->node);
			aborted = job->aborted;
		}
		trace_potnpu_job_abort(potnpu_dev(ndev), job->slot, job->id,
				       job->seqno, sent, aborted,
				       ktime_get_ns() - start);
	}
	if (aborted)
		dev_warn(potnpu_dev(ndev),
			 "job %llu (seqno %u) aborted, no reset\n",
			 job->id, job->seqno);
	else if (sent && !left)
		dev_err(potnpu_dev(ndev),
			"job %llu (seqno %u) not aborted within %u ms\n",
			job->id, job->seqno, POTNPU_ABORT_TIMEOUT_MS);
	return left;
}

/**
 * potnpu_recovery_timedout_job() - drm_sched's timedout_job
 * @sj: the job whose timeout expired
 *
 * Return: DRM_GPU_SCHED_STAT_NOMINAL, or DRM_GPU_SCHED_STAT_ENODEV once
 * the device is gone.
 */
enum drm_gpu_sched_stat potnpu_recovery_timedout_job(struct drm_sched_job *sj)
{
	struct potnpu_job *job = to_potnpu_job(sj);
	struct potnpu_device *ndev = job->ndev;
	bool progress, in_ring;
	int idx;

	if (!drm_dev_enter(&ndev->drm, &idx)) {
		/* Unplugged: no reset; the job goes back to be freed. */
		potnpu_sched_keep_job(sj);
		return DRM_GPU_SCHED_STAT_ENODEV;
	}
	progress = potnpu_job_progressed(job, &in_ring) &&
		   job->extensions < POTNPU_TIMEOUT_MAX_EXTENSIONS;
	trace_potnpu_job_timeout(potnpu_dev(ndev), job->slot, job->id,
				 job->seqno, job->heartbeat, progress);
	if (progress || !in_ring) {
		/* Still running and progressing, or already completed. */
		if (progress) {
			job->extensions++;
			atomic64_inc(&ndev->sched.stats.timeout_extensions);
		}
		drm_dev_exit(idx);
		return potnpu_sched_keep_job(sj);
	}
	dev_err(potnpu_dev(ndev),
		"job %llu (seqno %u) timed out after %u ms, %u extensions for progress\n",
		job->id, job->seqno, potnpu_job_timeout_ms(), job->extensions);
	drm_dev_exit(idx);
	if (potnpu_job_abort(ndev, job))
		return potnpu_sched_keep_job(sj);
	potnpu_sched_recover(ndev, job, "job timeout");
	return DRM_GPU_SCHED_STAT_NOMINAL;
}

/* The oldest job of @pfile in the ring, referenced, or NULL. */
static struct potnpu_job *potnpu_file_first_job(struct potnpu_device *ndev,
						struct potnpu_file *pfile)
{
	struct potnpu_job *job, *found = NULL;
	unsigned long flags;

	spin_lock_irqsave(&ndev->sched.lock, flags);
	list_for_each_entry(job, &ndev->sched.pending, node) {
		if (job->pfile == pfile) {
			/* In the ring, so not freed yet: safe to get. */
			kref_get(&job->refcount);
			found = job;
			break;
		}
	}
	spin_unlock_irqrestore(&ndev->sched.lock, flags);
	return found;
}

/* @job is the oldest in the ring (the firmware's current one), or gone. */
static bool potnpu_job_current_or_gone(struct potnpu_device *ndev,
				       struct potnpu_job *job)
{
	struct potnpu_sched *s = &ndev->sched;
	unsigned long flags;
	bool ret;

	spin_lock_irqsave(&s->lock, flags);
	ret = list_empty(&job->node) ||
	      list_first_entry(&s->pending, struct potnpu_job, node) == job;
	spin_unlock_irqrestore(&s->lock, flags);
	return ret;
}

/**
 * potnpu_recovery_abort_file() - end a closing file's jobs in the ring
 * @ndev: the device
 * @pfile: the file; its entity is destroyed, so no job of it comes in
 *
 * Each of the file's jobs is aborted once it is the firmware's current
 * job (the jobs of other files before it complete normally, bounded by
 * the job timeout); jobs of other files after it run as if nothing
 * happened. Only when a job does not leave the ring (firmware hung) is
 * the device recovered.
 */
void potnpu_recovery_abort_file(struct potnpu_device *ndev,
				struct potnpu_file *pfile)
{
	unsigned long limit = msecs_to_jiffies(potnpu_job_timeout_ms());
	struct potnpu_job *job;
	unsigned int rounds;
	bool left = true;

	for (rounds = 0; left && rounds <= POTNPU_JQ_ENTRIES; rounds++) {
		job = potnpu_file_first_job(ndev, pfile);
		if (!job)
			return;
		wait_event_timeout(ndev->sched.idle,
				   potnpu_job_current_or_gone(ndev, job), limit);
		if (potnpu_sched_job_in_ring(ndev, job))
			left = potnpu_job_abort(ndev, job);
		potnpu_job_put(job);
	}
	potnpu_sched_recover(ndev, NULL,
			     "jobs of a closing file could not be aborted");
}
