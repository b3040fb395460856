// SPDX-License-Identifier: GPL-2.0-only
/*
 * potnpu DRM accel driver: job scheduling and execution.
 *
 * One drm_sched scheduler per device feeds the device's single job ring;
 * every open file has its own entity. DRM_IOCTL_POTNPU_SUBMIT checks the
 * arguments, looks up the BOs (all in the file's address space), validates
 * a kernel copy of the command stream against them, adds the in-syncobj
 * dependencies and pushes the job; the out-syncobj gets the job's finished
 * fence. run_job() writes a descriptor to the ring and rings the JQ_TAIL
 * doorbell; the IRQ_JOB handler consumes completion records (CQ_TAIL is
 * checked, the firmware is not trusted), records each job's status for
 * DRM_IOCTL_POTNPU_JOB_STATUS and signals its fence. A job that ends with
 * an MMU fault bans its file. A job that exceeds the timeout while the
 * firmware's heartbeat stands still (or ten timeouts in all) is first
 * aborted through H2F_MSG (level 1, no reset); if the firmware does not
 * complete it within POTNPU_ABORT_TIMEOUT_MS, a recovery (level 2), like
 * a forced one, cancels every job in the ring, resets the device and
 * boots the firmware again; unplug cancels them too.
 *
 * The stream is copied at submit time into kernel-owned DMA memory, which
 * is validated and mapped read-only at a VA of its own in the file's
 * address space; the descriptor points there, so the device executes
 * exactly the bytes that were validated, whatever userspace does to its
 * BO afterwards. The copy is unmapped and freed with the job. The device
 * MMU, which confines every access to the file's own address space, stays
 * as a second line of defence.
 */

#include <linux/dma-fence.h>
#include <linux/dma-fence-chain.h>
#include <linux/dma-mapping.h>
#include <linux/interrupt.h>
#include <linux/seq_file.h>
#include <linux/iosys-map.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_print.h>
#include <drm/drm_syncobj.h>

#include "potnpu_boot.h"
#include "potnpu_drv.h"
#include "potnpu_gem.h"
#include "potnpu_hw.h"
#include "potnpu_sched.h"
#include "potnpu_submit.h"
#include "potnpu_trace.h"
#include "potnpu_validate.h"
#include "potnpu_vm.h"

#define POTNPU_JOB_TIMEOUT_MS		5000
/* How long a closing file waits for its jobs before a recovery. */
#define POTNPU_CLOSE_TIMEOUT_MS		10000
/*
 * A job whose firmware heartbeat moved since the last check gets its
 * timeout re-armed, at most this many times: 10 timeouts in all.
 */
#define POTNPU_TIMEOUT_MAX_EXTENSIONS	9
/*
 * Level 1 of a timeout: how long the firmware has to complete the job
 * after POTNPU_H2F_ABORT_JOB (it looks between commands) before the
 * full recovery.
 */
#define POTNPU_ABORT_TIMEOUT_MS		100

/**
 * struct potnpu_job - one submitted job
 * @base: scheduler job
 * @ndev: the device
 * @pfile: the submitting file (outlives the job: see file_fini)
 * @vm: the file's address space (reference)
 * @bos: the BOs of the job (references)
 * @bo_count: entries in @bos
 * @cmd_va: device VA of the stream (the kernel copy)
 * @cmd_size: its size
 * @stream: kernel copy of the validated stream, read by the device
 * @stream_dma: its bus address
 * @stream_alloc: its allocation size, a page multiple (0: none)
 * @stream_node: its VA range in @vm, read-only
 * @id: the job's id in its file
 * @seqno: ring position it was written at
 * @slot: MMU slot of @vm when the job was submitted (for traces)
 * @run_ns: ktime_get_ns() when the job was written to the ring
 * @heartbeat: FW_HEARTBEAT when the job was run or last timed out
 * @extensions: timeouts re-armed for progress
 * @aborting: an ABORT_JOB was sent for it (under &potnpu_sched.lock)
 * @aborted: the firmware completed it as aborted (under the same lock)
 * @hw_fence: signalled by the completion interrupt
 * @node: in &potnpu_sched.pending while in the ring
 */
struct potnpu_job {
	struct drm_sched_job base;
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
	u64 id;
	u32 seqno;
	int slot;
	u64 run_ns;
	u32 heartbeat;
	u32 extensions;
	bool aborting;
	bool aborted;
	struct dma_fence *hw_fence;
	struct list_head node;
};

static struct potnpu_job *to_potnpu_job(struct drm_sched_job *job)
{
	return container_of(job, struct potnpu_job, base);
}

static const char *potnpu_fence_driver_name(struct dma_fence *fence)
{
	return DRIVER_NAME;
}

static const char *potnpu_fence_timeline_name(struct dma_fence *fence)
{
	return "potnpu-jq";
}

static const struct dma_fence_ops potnpu_fence_ops = {
	.get_driver_name = potnpu_fence_driver_name,
	.get_timeline_name = potnpu_fence_timeline_name,
};

/* Store a job's outcome for DRM_IOCTL_POTNPU_JOB_STATUS. */
static void potnpu_job_record(struct potnpu_job *job,
			      const struct drm_potnpu_job_status *st)
{
	struct potnpu_file_jobs *fj = &job->pfile->jobs;
	struct drm_potnpu_job_status *rec;
	unsigned long flags;

	spin_lock_irqsave(&fj->lock, flags);
	rec = &fj->records[job->id % POTNPU_JOB_RECORDS];
	if (rec->job_id == job->id) {
		*rec = *st;
		rec->job_id = job->id;
	}
	if (st->status == DRM_POTNPU_JOB_MMU_FAULT)
		fj->banned = true;
	spin_unlock_irqrestore(&fj->lock, flags);
}

static void potnpu_job_trace_done(struct potnpu_job *job,
				  const struct drm_potnpu_job_status *st)
{
	trace_potnpu_job_done(potnpu_dev(job->ndev), job->slot, job->id,
			      st->status, st->err_offset,
			      ktime_get_ns() - job->run_ns);
}

/* Complete every job in the ring with @status; called with sched.lock. */
static void potnpu_sched_cancel_locked(struct potnpu_device *ndev,
				       struct potnpu_job *bad)
{
	struct potnpu_sched *s = &ndev->sched;
	struct drm_potnpu_job_status st = { .state = DRM_POTNPU_JOB_DONE };
	struct potnpu_job *job, *tmp;

	list_for_each_entry_safe(job, tmp, &s->pending, node) {
		st.status = job == bad ? DRM_POTNPU_JOB_TIMEOUT :
			    DRM_POTNPU_JOB_CANCELLED;
		atomic64_inc(job == bad ? &s->stats.timed_out :
			     &s->stats.cancelled);
		potnpu_job_record(job, &st);
		potnpu_job_trace_done(job, &st);
		list_del_init(&job->node);
		dma_fence_set_error(job->hw_fence,
				    job == bad ? -ETIMEDOUT : -ECANCELED);
		dma_fence_signal_locked(job->hw_fence);
	}
	s->tail = 0;
	s->consumed = 0;
	s->doorbell = 0;
	s->hold = false;
	wake_up_all(&s->idle);
}

/* Consume new completion records; called from the job interrupt. */
static void potnpu_sched_complete(struct potnpu_device *ndev)
{
	struct potnpu_sched *s = &ndev->sched;
	struct drm_potnpu_job_status st;
	const struct potnpu_job_done *rec;
	struct potnpu_job *job;
	unsigned long flags;
	u32 cq_tail, n;

	spin_lock_irqsave(&s->lock, flags);
	cq_tail = potnpu_rd(ndev, POTNPU_REG_CQ_TAIL);
	if (potnpu_cq_pending(cq_tail, s->consumed, s->tail, &n)) {
		dev_err_ratelimited(potnpu_dev(ndev),
				    "CQ_TAIL %u with %u jobs consumed of %u: ignored\n",
				    cq_tail, s->consumed, s->tail);
		goto out;
	}
	/* The records are in memory before CQ_TAIL says so. */
	dma_rmb();
	while (n--) {
		job = list_first_entry_or_null(&s->pending, struct potnpu_job,
					       node);
		if (!job)
			break;
		rec = &ndev->boot.cq[potnpu_ring_index(s->consumed,
						       POTNPU_JQ_ENTRIES)];
		potnpu_job_done_decode(rec, &st);
		if (le32_to_cpu(rec->seqno) != job->seqno) {
			dev_err_ratelimited(potnpu_dev(ndev),
					    "completion record for seqno %u, expected %u\n",
					    le32_to_cpu(rec->seqno), job->seqno);
			st.status = DRM_POTNPU_JOB_BAD_DESC;
		}
		/* Level 1 of a timeout: the job we aborted is a timeout. */
		if (job->aborting && st.status == DRM_POTNPU_JOB_ABORTED) {
			job->aborted = true;
			st.status = DRM_POTNPU_JOB_TIMEOUT;
		}
		potnpu_job_record(job, &st);
		potnpu_job_trace_done(job, &st);
		list_del_init(&job->node);
		s->consumed++;
		if (job->aborted) {
			atomic64_inc(&s->stats.timed_out);
			atomic64_inc(&s->stats.aborts);
			dma_fence_set_error(job->hw_fence, -ETIMEDOUT);
		} else {
			atomic64_inc(st.status == DRM_POTNPU_JOB_OK ?
				     &s->stats.completed : &s->stats.failed);
			if (st.status != DRM_POTNPU_JOB_OK)
				dma_fence_set_error(job->hw_fence, -EIO);
		}
		dma_fence_signal_locked(job->hw_fence);
	}
	wake_up_all(&s->idle);
out:
	spin_unlock_irqrestore(&s->lock, flags);
}

static irqreturn_t potnpu_job_irq(int irq, void *arg)
{
	struct potnpu_device *ndev = arg;
	u32 status;

	status = potnpu_rd(ndev, POTNPU_REG_IRQ_STATUS);
	if (status == 0xffffffffu)
		return IRQ_NONE;
	status &= POTNPU_IRQ_JOB;
	if (!status)
		return IRQ_NONE;
	potnpu_wr(ndev, POTNPU_REG_IRQ_STATUS, status);
	potnpu_sched_complete(ndev);
	return IRQ_HANDLED;
}

/*
 * IRQ_ERROR (core halted, watchdog, MMU fault) and IRQ_FW (firmware status
 * changed), on their own vectors. An MMU fault is the faulting job's
 * business (its completion record says so): it is only counted and its
 * latch cleared. A halted core or a firmware that reports FAILED while it
 * was serving jobs gets a recovery, from a work item.
 */
static irqreturn_t potnpu_event_irq(int irq, void *arg)
{
	struct potnpu_device *ndev = arg;
	struct potnpu_sched *s = &ndev->sched;
	u32 status, mmu, core, fw;

	status = potnpu_rd(ndev, POTNPU_REG_IRQ_STATUS);
	if (status == 0xffffffffu)
		return IRQ_NONE;
	status &= irq == s->err_irq ? POTNPU_IRQ_ERROR : POTNPU_IRQ_FW;
	if (!status)
		return IRQ_NONE;
	potnpu_wr(ndev, POTNPU_REG_IRQ_STATUS, status);

	if (status & POTNPU_IRQ_ERROR) {
		mmu = potnpu_rd(ndev, POTNPU_REG_MMU_FAULT_STATUS);
		if (mmu & POTNPU_MMU_FAULT_VALID) {
			trace_potnpu_mmu_fault(potnpu_dev(ndev),
					       POTNPU_MMU_FAULT_SLOT(mmu),
					       potnpu_rd(ndev,
							 POTNPU_REG_MMU_FAULT_ADDR),
					       POTNPU_MMU_FAULT_REASON(mmu),
					       mmu & POTNPU_MMU_FAULT_WRITE);
			potnpu_wr(ndev, POTNPU_REG_MMU_FAULT_STATUS, mmu);
			atomic_inc(&s->mmu_faults);
		}
		core = potnpu_rd(ndev, POTNPU_REG_CORE_STATUS);
		if (!(core & (POTNPU_CORE_STATUS_TRAPPED |
			      POTNPU_CORE_STATUS_WATCHDOG)))
			return IRQ_HANDLED;
		atomic_inc(&s->core_halts);
	} else {
		fw = potnpu_rd(ndev, POTNPU_REG_FW_STATUS);
		if (fw != POTNPU_FW_STATUS_FAILED)
			return IRQ_HANDLED;
		atomic_inc(&s->fw_failures);
	}
	/* Only a firmware that was serving jobs: no loop on a bad image. */
	if (READ_ONCE(ndev->boot.fw_status) == POTNPU_FW_STATUS_READY)
		schedule_work(&s->recover_work);
	return IRQ_HANDLED;
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

static int potnpu_request_vector(struct potnpu_device *ndev, int vector,
				 irq_handler_t handler, const char *name,
				 int *out)
{
	int irq, ret;

	irq = pci_irq_vector(potnpu_pdev(ndev), vector);
	if (irq < 0)
		return irq;
	ret = request_irq(irq, handler, 0, name, ndev);
	if (ret)
		return ret;
	*out = irq;
	return 0;
}

static void potnpu_free_vectors(struct potnpu_device *ndev)
{
	struct potnpu_sched *s = &ndev->sched;

	if (s->irq)
		free_irq(s->irq, ndev);
	if (s->err_irq)
		free_irq(s->err_irq, ndev);
	if (s->fw_irq)
		free_irq(s->fw_irq, ndev);
	s->irq = 0;
	s->err_irq = 0;
	s->fw_irq = 0;
}

/* A job that never reaches the ring is reported as cancelled. */
static struct dma_fence *potnpu_job_not_run(struct potnpu_job *job,
					    struct dma_fence *ret)
{
	const struct drm_potnpu_job_status st = {
		.state = DRM_POTNPU_JOB_DONE,
		.status = DRM_POTNPU_JOB_CANCELLED,
	};

	potnpu_job_record(job, &st);
	atomic64_inc(&job->ndev->sched.stats.cancelled);
	return ret;
}

static struct dma_fence *potnpu_job_run(struct drm_sched_job *sched_job)
{
	struct potnpu_job *job = to_potnpu_job(sched_job);
	struct potnpu_device *ndev = job->ndev;
	struct potnpu_sched *s = &ndev->sched;
	struct dma_fence *fence;
	unsigned long flags;
	int slot, idx;

	if (sched_job->s_fence->finished.error)
		return potnpu_job_not_run(job, NULL);

	mutex_lock(&job->vm->lock);
	slot = job->vm->slot;
	mutex_unlock(&job->vm->lock);
	if (slot < 0)
		return potnpu_job_not_run(job, ERR_PTR(-ENODEV));

	fence = kzalloc(sizeof(*fence), GFP_KERNEL);
	if (!fence)
		return potnpu_job_not_run(job, ERR_PTR(-ENOMEM));
	if (!drm_dev_enter(&ndev->drm, &idx)) {
		kfree(fence);
		return potnpu_job_not_run(job, ERR_PTR(-ENODEV));
	}

	spin_lock_irqsave(&s->lock, flags);
	if (!s->ready || !potnpu_jq_has_room(s->tail, s->consumed,
					     POTNPU_JQ_ENTRIES)) {
		spin_unlock_irqrestore(&s->lock, flags);
		drm_dev_exit(idx);
		kfree(fence);
		return potnpu_job_not_run(job, ERR_PTR(-EIO));
	}
	job->seqno = s->tail;
	dma_fence_init(fence, &potnpu_fence_ops, &s->lock, s->fence_context,
		       ++s->fence_seqno);
	job->hw_fence = dma_fence_get(fence);
	job->run_ns = ktime_get_ns();
	job->heartbeat = potnpu_rd(ndev, POTNPU_REG_FW_HEARTBEAT);
	trace_potnpu_job_run(potnpu_dev(ndev), slot, job->id, job->seqno,
			     potnpu_ring_index(s->tail, POTNPU_JQ_ENTRIES));
	potnpu_job_desc_fill(&ndev->boot.jq[potnpu_ring_index(s->tail,
							      POTNPU_JQ_ENTRIES)],
			     job->seqno, slot, job->cmd_va, job->cmd_size);
	/* The descriptor is in memory before the doorbell. */
	dma_wmb();
	s->tail++;
	list_add_tail(&job->node, &s->pending);
	/* Test hook: the ring holds the job, the firmware never hears of it. */
	if (atomic_xchg(&s->inject_hang, 0))
		s->hold = true;
	if (!s->hold) {
		potnpu_wr(ndev, POTNPU_REG_JQ_TAIL, s->tail);
		s->doorbell = s->tail;
	}
	spin_unlock_irqrestore(&s->lock, flags);
	drm_dev_exit(idx);
	return fence;
}

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
	unsigned long flags;
	bool have = s->fence_context;
	int ret;

	mutex_lock(&s->recover_lock);
	trace_potnpu_recovery(potnpu_dev(ndev), why);
	if (have)
		drm_sched_stop(&s->sched, bad ? &bad->base : NULL);
	spin_lock_irqsave(&s->lock, flags);
	s->ready = false;
	potnpu_sched_cancel_locked(ndev, bad);
	spin_unlock_irqrestore(&s->lock, flags);

	ret = potnpu_boot_recover(ndev, why);

	spin_lock_irqsave(&s->lock, flags);
	s->ready = have && !ret;
	spin_unlock_irqrestore(&s->lock, flags);
	if (have)
		drm_sched_start(&s->sched);
	mutex_unlock(&s->recover_lock);
	return ret;
}

/*
 * drm_sched_job_timedout() took the job off the pending list; a job that
 * is not reset must go back (at its head: it is the oldest), as etnaviv
 * does, or it would never be freed.
 */
static void potnpu_job_requeue(struct drm_sched_job *sj)
{
	spin_lock(&sj->sched->job_list_lock);
	list_add(&sj->list, &sj->sched->pending_list);
	spin_unlock(&sj->sched->job_list_lock);
}

/*
 * The firmware is working on @job: its descriptor was handed over (the
 * doorbell covers it), JQ_HEAD says it is the job being run, and the
 * heartbeat, bumped per command, moved since the last look. Called inside
 * drm_dev_enter().
 */
static bool potnpu_job_progressed(struct potnpu_job *job, bool *in_ring)
{
	struct potnpu_device *ndev = job->ndev;
	struct potnpu_sched *s = &ndev->sched;
	unsigned long flags;
	bool rung;
	u32 hb, head;

	hb = potnpu_rd(ndev, POTNPU_REG_FW_HEARTBEAT);
	head = potnpu_rd(ndev, POTNPU_REG_JQ_HEAD);
	spin_lock_irqsave(&s->lock, flags);
	*in_ring = !list_empty(&job->node);
	rung = (s32)(s->doorbell - job->seqno) > 0;
	spin_unlock_irqrestore(&s->lock, flags);
	if (hb == 0xffffffffu || hb == job->heartbeat)
		return false;
	job->heartbeat = hb;
	return *in_ring && rung && head == job->seqno;
}

static bool potnpu_job_in_ring(struct potnpu_sched *s,
			       struct potnpu_job *job)
{
	unsigned long flags;
	bool in_ring;

	spin_lock_irqsave(&s->lock, flags);
	in_ring = !list_empty(&job->node);
	spin_unlock_irqrestore(&s->lock, flags);
	return in_ring;
}

/*
 * Level 1 of a timeout: ask the firmware to abort @job (H2F_MSG =
 * ABORT_JOB, H2F_DOORBELL) and wait up to POTNPU_ABORT_TIMEOUT_MS for it
 * to leave the ring. Not tried with the core halted or the firmware not
 * READY. Under recover_lock, so no recovery runs meanwhile.
 *
 * Return: true if the job left the ring (aborted, or completed just
 * before the abort landed): no recovery is needed.
 */
static bool potnpu_job_abort(struct potnpu_device *ndev,
			     struct potnpu_job *job)
{
	struct potnpu_sched *s = &ndev->sched;
	u64 start = ktime_get_ns();
	bool sent = false, left, aborted;
	unsigned long flags;
	u32 core;
	int idx;

	mutex_lock(&s->recover_lock);
	if (drm_dev_enter(&ndev->drm, &idx)) {
		core = potnpu_rd(ndev, POTNPU_REG_CORE_STATUS);
		spin_lock_irqsave(&s->lock, flags);
		if (s->ready && !list_empty(&job->node) && core != 0xffffffffu &&
		    !(core & (POTNPU_CORE_STATUS_TRAPPED |
			      POTNPU_CORE_STATUS_WATCHDOG)) &&
		    READ_ONCE(ndev->boot.fw_status) == POTNPU_FW_STATUS_READY) {
			job->aborting = true;
			potnpu_wr(ndev, POTNPU_REG_H2F_MSG,
				  POTNPU_H2F_ABORT_JOB);
			potnpu_wr(ndev, POTNPU_REG_H2F_DOORBELL, 1);
			sent = true;
		}
		spin_unlock_irqrestore(&s->lock, flags);
		drm_dev_exit(idx);
	}
	if (sent)
		wait_event_timeout(s->idle, !potnpu_job_in_ring(s, job),
				   msecs_to_jiffies(POTNPU_ABORT_TIMEOUT_MS));
	spin_lock_irqsave(&s->lock, flags);
	left = list_empty(&job->node);
	aborted = job->aborted;
	spin_unlock_irqrestore(&s->lock, flags);
	/*
	 * Completed before the firmware took the message: withdraw it, so
	 * that it does not abort the next job.
	 */
	if (sent && left && !aborted && drm_dev_enter(&ndev->drm, &idx)) {
		potnpu_wr(ndev, POTNPU_REG_H2F_MSG, POTNPU_H2F_NONE);
		drm_dev_exit(idx);
	}
	trace_potnpu_job_abort(potnpu_dev(ndev), job->slot, job->id,
			       job->seqno, sent, aborted,
			       ktime_get_ns() - start);
	mutex_unlock(&s->recover_lock);
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

static enum drm_gpu_sched_stat potnpu_job_timedout(struct drm_sched_job *sj)
{
	struct potnpu_job *job = to_potnpu_job(sj);
	struct potnpu_device *ndev = job->ndev;
	bool progress, in_ring;
	int idx;

	if (!drm_dev_enter(&ndev->drm, &idx)) {
		/* Unplugged: no reset; the job goes back to be freed. */
		potnpu_job_requeue(sj);
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
		potnpu_job_requeue(sj);
		return DRM_GPU_SCHED_STAT_NOMINAL;
	}
	dev_err(potnpu_dev(ndev),
		"job %llu (seqno %u) timed out after %u ms, %u extensions for progress\n",
		job->id, job->seqno,
		jiffies_to_msecs(READ_ONCE(sj->sched->timeout)), job->extensions);
	drm_dev_exit(idx);
	/* Level 1: abort the job; level 2: the full recovery. */
	if (potnpu_job_abort(ndev, job)) {
		potnpu_job_requeue(sj);
		return DRM_GPU_SCHED_STAT_NOMINAL;
	}
	potnpu_sched_recover(ndev, job, "job timeout");
	return DRM_GPU_SCHED_STAT_NOMINAL;
}

/* Unmap (TLB invalidated) and free the kernel copy of the stream. */
static void potnpu_job_stream_free(struct potnpu_job *job)
{
	if (drm_mm_node_allocated(&job->stream_node))
		potnpu_vm_unmap(job->vm, &job->stream_node);
	if (job->stream)
		dma_free_coherent(potnpu_dev(job->ndev), job->stream_alloc,
				  job->stream, job->stream_dma);
	job->stream = NULL;
}

static void potnpu_job_free(struct drm_sched_job *sched_job)
{
	struct potnpu_job *job = to_potnpu_job(sched_job);
	u32 i;

	drm_sched_job_cleanup(sched_job);
	potnpu_job_stream_free(job);
	for (i = 0; i < job->bo_count; i++)
		drm_gem_object_put(job->bos[i]);
	kvfree(job->bos);
	potnpu_vm_put(job->vm);
	if (job->hw_fence)
		dma_fence_put(job->hw_fence);
	kfree(job);
}

static const struct drm_sched_backend_ops potnpu_sched_ops = {
	.run_job = potnpu_job_run,
	.timedout_job = potnpu_job_timedout,
	.free_job = potnpu_job_free,
};

/**
 * potnpu_sched_init() - the job queue, once the firmware is ready
 * @ndev: the device
 *
 * Without a ready firmware, a job ring or interrupts, jobs are refused
 * with -ENODEV and nothing is set up.
 *
 * Return: 0 or a negative errno.
 */
int potnpu_sched_init(struct potnpu_device *ndev)
{
	struct potnpu_sched *s = &ndev->sched;
	const struct drm_sched_init_args args = {
		.ops = &potnpu_sched_ops,
		.num_rqs = DRM_SCHED_PRIORITY_COUNT,
		.credit_limit = POTNPU_JQ_ENTRIES,
		.hang_limit = 0,
		.timeout = msecs_to_jiffies(POTNPU_JOB_TIMEOUT_MS),
		.name = DRIVER_NAME,
		.dev = potnpu_dev(ndev),
	};
	int ret;

	if (ndev->boot.fw_status != POTNPU_FW_STATUS_READY ||
	    !(ndev->hw_caps & POTNPU_CAP_JOBQ) ||
	    !(ndev->capabilities & DRM_POTNPU_CAP_IRQ))
		return 0;

	ret = potnpu_request_vector(ndev, POTNPU_MSIX_VEC_JOB, potnpu_job_irq,
				    DRIVER_NAME "-job", &s->irq);
	if (!ret)
		ret = potnpu_request_vector(ndev, POTNPU_MSIX_VEC_ERROR,
					    potnpu_event_irq,
					    DRIVER_NAME "-error", &s->err_irq);
	if (!ret)
		ret = potnpu_request_vector(ndev, POTNPU_MSIX_VEC_FW,
					    potnpu_event_irq, DRIVER_NAME "-fw",
					    &s->fw_irq);
	if (!ret)
		ret = drm_sched_init(&s->sched, &args);
	if (ret) {
		potnpu_free_vectors(ndev);
		return ret;
	}
	s->fence_context = dma_fence_context_alloc(1);
	ndev->irq.mask |= POTNPU_IRQ_JOB | POTNPU_IRQ_ERROR | POTNPU_IRQ_FW;
	potnpu_wr(ndev, POTNPU_REG_IRQ_MASK, ndev->irq.mask);
	s->ready = true;
	ndev->capabilities |= DRM_POTNPU_CAP_JOBS;
	return 0;
}

/**
 * potnpu_sched_show_stats() - debugfs stats
 * @ndev: the device
 * @m: the seq_file
 */
void potnpu_sched_show_stats(struct potnpu_device *ndev, struct seq_file *m)
{
	struct potnpu_sched_stats *st = &ndev->sched.stats;

	seq_printf(m, "jobs_submitted: %lld\n", atomic64_read(&st->submitted));
	seq_printf(m, "jobs_completed: %lld\n", atomic64_read(&st->completed));
	seq_printf(m, "jobs_failed: %lld\n", atomic64_read(&st->failed));
	seq_printf(m, "jobs_timed_out: %lld\n", atomic64_read(&st->timed_out));
	seq_printf(m, "jobs_cancelled: %lld\n", atomic64_read(&st->cancelled));
	seq_printf(m, "timeout_extensions: %lld\n",
		   atomic64_read(&st->timeout_extensions));
	seq_printf(m, "aborts: %lld\n", atomic64_read(&st->aborts));
	seq_printf(m, "recoveries: %u\n", READ_ONCE(ndev->boot.recoveries));
	seq_printf(m, "mmu_faults: %d\n",
		   atomic_read(&ndev->sched.mmu_faults));
}

/**
 * potnpu_sched_stop() - at remove: no interrupt, every job cancelled
 * @ndev: the device
 */
void potnpu_sched_stop(struct potnpu_device *ndev)
{
	struct potnpu_sched *s = &ndev->sched;
	unsigned long flags;

	potnpu_free_vectors(ndev);
	cancel_work_sync(&s->recover_work);
	spin_lock_irqsave(&s->lock, flags);
	s->ready = false;
	potnpu_sched_cancel_locked(ndev, NULL);
	spin_unlock_irqrestore(&s->lock, flags);
}

/**
 * potnpu_sched_fini() - free the scheduler when the DRM device goes
 * @ndev: the device; every file is closed
 */
void potnpu_sched_fini(struct potnpu_device *ndev)
{
	if (ndev->sched.fence_context)
		drm_sched_fini(&ndev->sched.sched);
}

void potnpu_sched_file_init(struct potnpu_device *ndev,
			    struct potnpu_file *pfile)
{
	struct potnpu_file_jobs *fj = &pfile->jobs;
	struct drm_gpu_scheduler *sched = &ndev->sched.sched;

	spin_lock_init(&fj->lock);
	mutex_init(&fj->submit_lock);
	if (ndev->sched.fence_context &&
	    !drm_sched_entity_init(&fj->entity, DRM_SCHED_PRIORITY_NORMAL,
				   &sched, 1, NULL))
		fj->has_entity = true;
}

/* No job of @pfile is in the ring. */
static bool potnpu_sched_file_idle(struct potnpu_device *ndev,
				   struct potnpu_file *pfile)
{
	struct potnpu_sched *s = &ndev->sched;
	struct potnpu_job *job;
	unsigned long flags;
	bool idle = true;

	spin_lock_irqsave(&s->lock, flags);
	list_for_each_entry(job, &s->pending, node) {
		if (job->pfile == pfile) {
			idle = false;
			break;
		}
	}
	spin_unlock_irqrestore(&s->lock, flags);
	return idle;
}

void potnpu_sched_file_fini(struct potnpu_device *ndev,
			    struct potnpu_file *pfile)
{
	struct potnpu_file_jobs *fj = &pfile->jobs;
	long left;

	if (fj->has_entity)
		drm_sched_entity_destroy(&fj->entity);
	/*
	 * The MMU slot may only go once no job of ours can run: jobs still
	 * queued were dropped above (a process exiting does not wait for
	 * them), the ones in the ring must leave it first.
	 */
	if (!wait_event_timeout(ndev->sched.idle,
				potnpu_sched_file_idle(ndev, pfile),
				msecs_to_jiffies(POTNPU_CLOSE_TIMEOUT_MS)))
		potnpu_sched_recover(ndev, NULL,
				     "jobs of a closing file did not finish");
	if (fj->last_fence) {
		left = dma_fence_wait_timeout(fj->last_fence, false,
					      msecs_to_jiffies(POTNPU_CLOSE_TIMEOUT_MS));
		if (left <= 0)
			potnpu_sched_recover(ndev, NULL,
					     "jobs of a closing file did not finish");
		dma_fence_put(fj->last_fence);
		fj->last_fence = NULL;
	}
	mutex_destroy(&fj->submit_lock);
}

/* Look up the job's BOs; fill @ranges for the validator. */
static int potnpu_job_lookup_bos(struct drm_file *file, struct potnpu_job *job,
				 const u32 *handles,
				 struct potnpu_bo_range *ranges)
{
	struct potnpu_file *pfile = file->driver_priv;
	struct potnpu_bo *bo;
	u32 i;

	job->bos = kvcalloc(job->bo_count, sizeof(*job->bos), GFP_KERNEL);
	if (!job->bos)
		return -ENOMEM;
	for (i = 0; i < job->bo_count; i++) {
		job->bos[i] = drm_gem_object_lookup(file, handles[i]);
		if (!job->bos[i])
			return -ENOENT;
		bo = to_potnpu_bo(job->bos[i]);
		if (bo->vm != pfile->vm)
			return -ENOENT;
		ranges[i].va = bo->node.start;
		ranges[i].size = job->bos[i]->size;
		ranges[i].writable = !(bo->flags & DRM_POTNPU_BO_READ_ONLY);
	}
	return 0;
}

/*
 * Test hook (debugfs inject_cmd_va): after validation, words 1-2 of the
 * copy (the first command's first address for FENCE, TIMESTAMP, COPY and
 * FILL) become the injected VA, a stream the validator never saw, so
 * tests can show that the MMU still confines it.
 */
static void potnpu_job_inject(struct potnpu_device *ndev,
			      struct potnpu_job *job)
{
	__le32 *w = job->stream;
	u64 va;

	if (job->cmd_size < 3 * sizeof(u32) ||
	    !READ_ONCE(ndev->sched.inject_cmd_va))
		return;
	va = xchg(&ndev->sched.inject_cmd_va, 0);
	if (!va)
		return;
	w[1] = cpu_to_le32(lower_32_bits(va));
	w[2] = cpu_to_le32(upper_32_bits(va));
}

/*
 * Copy the stream into kernel-owned DMA memory, validate the copy against
 * the BOs and map it read-only in the file's address space: the device
 * runs exactly what was validated.
 */
static int potnpu_job_validate(struct drm_device *drm, struct drm_file *file,
			       struct potnpu_job *job,
			       const struct drm_potnpu_submit *args,
			       const struct potnpu_bo_range *ranges)
{
	struct potnpu_device *ndev = to_potnpu(drm);
	struct potnpu_file *pfile = file->driver_priv;
	struct potnpu_cmd_fault fault;
	struct drm_gem_object *obj;
	struct iosys_map map;
	int ret;

	obj = drm_gem_object_lookup(file, args->cmd_handle);
	if (!obj)
		return -ENOENT;
	if (to_potnpu_bo(obj)->vm != pfile->vm) {
		ret = -ENOENT;
		goto out_put;
	}
	ret = potnpu_submit_cmd_range(args->cmd_offset, args->cmd_size,
				      obj->size);
	if (ret)
		goto out_put;
	job->cmd_size = args->cmd_size;

	job->stream_alloc = ALIGN(args->cmd_size, POTNPU_PAGE_SIZE);
	job->stream = dma_alloc_coherent(potnpu_dev(ndev), job->stream_alloc,
					 &job->stream_dma, GFP_KERNEL);
	if (!job->stream) {
		ret = -ENOMEM;
		goto out_put;
	}
	ret = drm_gem_vmap_unlocked(obj, &map);
	if (ret)
		goto out_put;
	iosys_map_memcpy_from(job->stream, &map, args->cmd_offset,
			      args->cmd_size);
	drm_gem_vunmap_unlocked(obj, &map);

	ret = potnpu_validate_cmds(job->stream, args->cmd_size, ranges,
				   job->bo_count, &fault);
	if (ret) {
		drm_dbg(drm, "submit: command at offset %u rejected: %s\n",
			fault.offset, potnpu_cmd_strerror(fault.error));
		goto out_put;
	}
	potnpu_job_inject(ndev, job);
	ret = potnpu_vm_map_dma(job->vm, &job->stream_node, job->stream_alloc,
				job->stream_dma, false);
	if (ret)
		goto out_put;
	job->cmd_va = job->stream_node.start;
out_put:
	drm_gem_object_put(obj);
	return ret;
}

static int potnpu_job_add_in_syncobjs(struct drm_file *file,
				      struct potnpu_job *job,
				      const struct drm_potnpu_submit *args)
{
	u32 handles[DRM_POTNPU_MAX_IN_SYNCOBJS];
	u32 i;
	int ret;

	if (!args->in_syncobj_count)
		return 0;
	if (copy_from_user(handles, u64_to_user_ptr(args->in_syncobjs),
			   args->in_syncobj_count * sizeof(u32)))
		return -EFAULT;
	for (i = 0; i < args->in_syncobj_count; i++) {
		ret = drm_sched_job_add_syncobj_dependency(&job->base, file,
							   handles[i], 0);
		if (ret)
			return ret;
	}
	return 0;
}

int potnpu_submit_ioctl(struct drm_device *drm, void *data,
			struct drm_file *file)
{
	struct potnpu_device *ndev = to_potnpu(drm);
	struct potnpu_file *pfile = file->driver_priv;
	struct potnpu_file_jobs *fj = &pfile->jobs;
	struct drm_potnpu_submit *args = data;
	struct dma_fence_chain *chain = NULL;
	struct drm_syncobj *syncobj = NULL;
	struct potnpu_bo_range *ranges = NULL;
	struct drm_potnpu_job_status *rec;
	struct dma_fence *fence;
	struct potnpu_job *job;
	u32 *handles = NULL;
	bool job_inited = false;
	int ret, idx;

	ret = potnpu_submit_check(args);
	if (ret)
		return ret;
	/* During a recovery jobs queue up; they run once it is over. */
	if (!fj->has_entity)
		return -ENODEV;
	if (READ_ONCE(fj->banned))
		return -EIO;
	if (!drm_dev_enter(drm, &idx))
		return -ENODEV;

	job = kzalloc(sizeof(*job), GFP_KERNEL);
	handles = kvcalloc(args->bo_count, sizeof(*handles), GFP_KERNEL);
	ranges = kvcalloc(args->bo_count, sizeof(*ranges), GFP_KERNEL);
	if (!job || !handles || !ranges) {
		kfree(job);
		ret = -ENOMEM;
		goto out;
	}
	job->ndev = ndev;
	job->pfile = pfile;
	job->vm = potnpu_vm_get(pfile->vm);
	INIT_LIST_HEAD(&job->node);
	job->bo_count = args->bo_count;

	if (copy_from_user(handles, u64_to_user_ptr(args->bo_handles),
			   args->bo_count * sizeof(*handles))) {
		ret = -EFAULT;
		goto err_job;
	}
	ret = potnpu_submit_check_handles(handles, args->bo_count);
	if (ret)
		goto err_job;
	ret = potnpu_job_lookup_bos(file, job, handles, ranges);
	if (ret)
		goto err_job;
	ret = potnpu_job_validate(drm, file, job, args, ranges);
	if (ret)
		goto err_job;

	if (args->out_syncobj) {
		syncobj = drm_syncobj_find(file, args->out_syncobj);
		if (!syncobj) {
			ret = -ENOENT;
			goto err_job;
		}
		if (args->out_point) {
			chain = dma_fence_chain_alloc();
			if (!chain) {
				ret = -ENOMEM;
				goto err_job;
			}
		}
	}

	ret = drm_sched_job_init(&job->base, &fj->entity, 1, NULL,
				 file->client_id);
	if (ret)
		goto err_job;
	job_inited = true;
	ret = potnpu_job_add_in_syncobjs(file, job, args);
	if (ret)
		goto err_job;

	mutex_lock(&fj->submit_lock);
	drm_sched_job_arm(&job->base);
	fence = dma_fence_get(&job->base.s_fence->finished);

	spin_lock_irq(&fj->lock);
	job->id = ++fj->next_id;
	rec = &fj->records[job->id % POTNPU_JOB_RECORDS];
	*rec = (struct drm_potnpu_job_status){
		.job_id = job->id, .state = DRM_POTNPU_JOB_PENDING,
	};
	spin_unlock_irq(&fj->lock);
	dma_fence_put(fj->last_fence);
	fj->last_fence = dma_fence_get(fence);
	args->job_id = job->id;
	job->slot = READ_ONCE(pfile->vm->slot);
	atomic64_inc(&ndev->sched.stats.submitted);
	trace_potnpu_job_submit(potnpu_dev(ndev), job->slot, job->id,
				job->cmd_size, job->bo_count);

	drm_sched_entity_push_job(&job->base);
	mutex_unlock(&fj->submit_lock);

	if (syncobj) {
		if (chain) {
			drm_syncobj_add_point(syncobj, chain, fence,
					      args->out_point);
			chain = NULL;
		} else {
			drm_syncobj_replace_fence(syncobj, fence);
		}
	}
	dma_fence_put(fence);
	ret = 0;
	goto out;

err_job:
	if (job_inited)
		drm_sched_job_cleanup(&job->base);
	potnpu_job_stream_free(job);
	if (job->bos) {
		u32 i;

		for (i = 0; i < job->bo_count; i++)
			if (job->bos[i])
				drm_gem_object_put(job->bos[i]);
		kvfree(job->bos);
	}
	potnpu_vm_put(job->vm);
	kfree(job);
out:
	dma_fence_chain_free(chain);
	if (syncobj)
		drm_syncobj_put(syncobj);
	kvfree(ranges);
	kvfree(handles);
	drm_dev_exit(idx);
	return ret;
}

int potnpu_job_status_ioctl(struct drm_device *drm, void *data,
			    struct drm_file *file)
{
	struct potnpu_file *pfile = file->driver_priv;
	struct potnpu_file_jobs *fj = &pfile->jobs;
	struct drm_potnpu_job_status *args = data;
	struct drm_potnpu_job_status *rec;
	int ret = 0;

	spin_lock_irq(&fj->lock);
	rec = &fj->records[args->job_id % POTNPU_JOB_RECORDS];
	if (!args->job_id || rec->job_id != args->job_id)
		ret = -ENOENT;
	else
		*args = *rec;
	spin_unlock_irq(&fj->lock);
	return ret;
}
