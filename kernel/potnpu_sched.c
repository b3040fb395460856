// SPDX-License-Identifier: GPL-2.0-only
/*
 * potnpu DRM accel driver: the drm_sched backend, which feeds the
 * device's job ring and completes the job fences.
 *
 * One drm_sched scheduler per device feeds the device's single job ring;
 * every open file has its own entity (potnpu_job.c). run_job() writes a
 * descriptor to the ring and rings the JQ_TAIL doorbell; it allocates
 * nothing and takes no sleeping lock (the fence was allocated at submit).
 * The job interrupt calls potnpu_sched_complete(), which consumes
 * completion records (CQ_TAIL is checked: the firmware is not trusted),
 * records each job's status, signals its fence and tells the firmware
 * through CQ_HEAD that the records were consumed. Timeouts, aborts and
 * recoveries are in potnpu_recovery.c.
 *
 * The ring belongs to this file: its memory, its counters (tail,
 * consumed) and the list of jobs in it, all under &potnpu_sched.lock,
 * which is also the lock of the job fences.
 */

#include <linux/dma-fence.h>
#include <linux/dma-mapping.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include <drm/drm_drv.h>
#include <drm/drm_managed.h>
#include <drm/drm_print.h>

#include "potnpu_drv.h"
#include "potnpu_hw.h"
#include "potnpu_irq.h"
#include "potnpu_job.h"
#include "potnpu_recovery.h"
#include "potnpu_sched.h"
#include "potnpu_submit.h"
#include "potnpu_trace.h"
#include "potnpu_vm.h"

static_assert(sizeof(struct potnpu_job_desc) == 64);
static_assert(sizeof(struct potnpu_job_done) == 32);
/* The ring size: a power of two the device accepts. */
static_assert((POTNPU_JQ_ENTRIES & (POTNPU_JQ_ENTRIES - 1)) == 0);
static_assert(POTNPU_JQ_MIN_SIZE <= POTNPU_JQ_ENTRIES);
static_assert(POTNPU_JQ_MAX_SIZE >= POTNPU_JQ_ENTRIES);

static struct potnpu_fence *to_potnpu_fence(struct dma_fence *fence)
{
	return container_of(fence, struct potnpu_fence, base);
}

static const char *potnpu_fence_driver_name(struct dma_fence *fence)
{
	return DRIVER_NAME;
}

static const char *potnpu_fence_timeline_name(struct dma_fence *fence)
{
	return "potnpu-jq";
}

/*
 * The last reference can go in any context (an RCU callback of the
 * scheduler's fence, an interrupt): the device reference, whose release
 * may sleep, is dropped from a work item.
 */
static void potnpu_fence_free_work(struct work_struct *work)
{
	struct potnpu_fence *fence = container_of(work, struct potnpu_fence,
						  free_work);

	drm_dev_put(&fence->ndev->drm);
	dma_fence_free(&fence->base);
	/* Last: the module may go once no fence of ours is left. */
	module_put(THIS_MODULE);
}

static void potnpu_fence_release(struct dma_fence *f)
{
	struct potnpu_fence *fence = to_potnpu_fence(f);

	INIT_WORK(&fence->free_work, potnpu_fence_free_work);
	schedule_work(&fence->free_work);
}

static const struct dma_fence_ops potnpu_fence_ops = {
	.get_driver_name = potnpu_fence_driver_name,
	.get_timeline_name = potnpu_fence_timeline_name,
	.release = potnpu_fence_release,
};

/*
 * Initialise the job's preallocated fence: from here on it holds the
 * device and the module. Called with sched.lock held.
 */
static struct dma_fence *potnpu_job_fence_init(struct potnpu_job *job)
{
	struct potnpu_sched *s = &job->ndev->sched;
	struct potnpu_fence *fence = job->fence;

	lockdep_assert_held(&s->lock);
	job->fence = NULL;
	fence->ndev = job->ndev;
	drm_dev_get(&job->ndev->drm);
	__module_get(THIS_MODULE);
	dma_fence_init(&fence->base, &potnpu_fence_ops, &s->lock,
		       s->fence_context, ++s->fence_seqno);
	job->hw_fence = dma_fence_get(&fence->base);
	return &fence->base;
}

/**
 * potnpu_sched_job_in_ring() - is the job in the ring?
 * @ndev: the device
 * @job: the job
 *
 * Return: true while the job's descriptor is in the ring, not completed.
 */
bool potnpu_sched_job_in_ring(struct potnpu_device *ndev,
			      struct potnpu_job *job)
{
	unsigned long flags;
	bool ret;

	spin_lock_irqsave(&ndev->sched.lock, flags);
	ret = !list_empty(&job->node);
	spin_unlock_irqrestore(&ndev->sched.lock, flags);
	return ret;
}

/**
 * potnpu_sched_cancel_locked() - complete every job in the ring
 * @ndev: the device, whose core is stopped (reset) or gone: no DMA of a
 *	cancelled job can still be in flight
 * @bad: the job that timed out (completed as a timeout), or NULL
 */
void potnpu_sched_cancel_locked(struct potnpu_device *ndev,
				struct potnpu_job *bad)
{
	struct potnpu_sched *s = &ndev->sched;
	struct drm_potnpu_job_status st = { .state = DRM_POTNPU_JOB_DONE };
	struct potnpu_job *job, *tmp;

	lockdep_assert_held(&s->lock);
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

/* One completion record for the oldest job in the ring. */
static void potnpu_sched_complete_one(struct potnpu_device *ndev,
				      struct potnpu_job *job)
{
	struct potnpu_sched *s = &ndev->sched;
	const struct potnpu_job_done *rec;
	struct drm_potnpu_job_status st;

	rec = &s->cq[potnpu_ring_index(s->consumed, POTNPU_JQ_ENTRIES)];
	potnpu_job_done_decode(rec, &st);
	if (le32_to_cpu(rec->seqno) != job->seqno) {
		dev_err_ratelimited(potnpu_dev(ndev),
				    "completion record for seqno %u, expected %u\n",
				    le32_to_cpu(rec->seqno), job->seqno);
		st.status = DRM_POTNPU_JOB_BAD_DESC;
	}
	/* An abort we asked for: a timeout, or a closing file's job. */
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

/**
 * potnpu_sched_complete() - consume new completion records
 * @ndev: the device; called from the job interrupt
 */
void potnpu_sched_complete(struct potnpu_device *ndev)
{
	struct potnpu_sched *s = &ndev->sched;
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
		potnpu_sched_complete_one(ndev, job);
	}
	/* The records are read: the firmware may overwrite them. */
	potnpu_wr(ndev, POTNPU_REG_CQ_HEAD, s->consumed);
	wake_up_all(&s->idle);
out:
	spin_unlock_irqrestore(&s->lock, flags);
}

/* Why @job cannot go to the ring now, or 0; called with sched.lock. */
static int potnpu_job_cannot_run(struct potnpu_job *job)
{
	struct potnpu_sched *s = &job->ndev->sched;

	lockdep_assert_held(&s->lock);
	if (job->base.s_fence->finished.error)
		return job->base.s_fence->finished.error;
	if (READ_ONCE(job->pfile->jobs.closing))
		return -ECANCELED;
	/* The file's slot is released only after its jobs left the ring. */
	if (READ_ONCE(job->vm->slot) < 0)
		return -ENODEV;
	if (!s->ready || !potnpu_jq_has_room(s->tail, s->consumed,
					     POTNPU_JQ_ENTRIES))
		return -EIO;
	return 0;
}

/* Write @job's descriptor and ring the doorbell; called with sched.lock. */
static void potnpu_job_to_ring(struct potnpu_device *ndev,
			       struct potnpu_job *job)
{
	struct potnpu_sched *s = &ndev->sched;

	lockdep_assert_held(&s->lock);
	job->seqno = s->tail;
	job->run_ns = ktime_get_ns();
	job->heartbeat = potnpu_rd(ndev, POTNPU_REG_FW_HEARTBEAT);
	trace_potnpu_job_run(potnpu_dev(ndev), job->slot, job->id, job->seqno,
			     potnpu_ring_index(s->tail, POTNPU_JQ_ENTRIES));
	potnpu_job_desc_fill(&s->jq[potnpu_ring_index(s->tail,
						      POTNPU_JQ_ENTRIES)],
			     job->seqno, job->slot, job->cmd_va, job->cmd_size);
	/* The descriptor is in memory before the doorbell. */
	dma_wmb();
	s->tail++;
	list_add_tail(&job->node, &s->pending);
	/* Test hook: the ring holds the job, the firmware never hears of it. */
	if (IS_ENABLED(CONFIG_DRM_ACCEL_POTNPU_FAULT_INJECT) &&
	    atomic_xchg(&s->inject_hang, 0))
		s->hold = true;
	if (!s->hold) {
		potnpu_wr(ndev, POTNPU_REG_JQ_TAIL, s->tail);
		s->doorbell = s->tail;
	}
}

/*
 * A job that cannot run gets its fence all the same, signalled with the
 * reason: the scheduler's fences then hold what they need (see struct
 * potnpu_fence), and the job is reported as cancelled.
 */
static struct dma_fence *potnpu_job_run(struct drm_sched_job *sched_job)
{
	struct potnpu_job *job = to_potnpu_job(sched_job);
	struct potnpu_device *ndev = job->ndev;
	struct potnpu_sched *s = &ndev->sched;
	const struct drm_potnpu_job_status cancelled = {
		.state = DRM_POTNPU_JOB_DONE,
		.status = DRM_POTNPU_JOB_CANCELLED,
	};
	struct dma_fence *fence;
	unsigned long flags;
	int idx, err = -ENODEV;

	if (!job->fence)
		return ERR_PTR(-EINVAL);
	spin_lock_irqsave(&s->lock, flags);
	fence = potnpu_job_fence_init(job);
	if (drm_dev_enter(&ndev->drm, &idx)) {
		err = potnpu_job_cannot_run(job);
		if (!err)
			potnpu_job_to_ring(ndev, job);
		drm_dev_exit(idx);
	}
	if (err) {
		dma_fence_set_error(fence, err);
		dma_fence_signal_locked(fence);
	}
	spin_unlock_irqrestore(&s->lock, flags);
	if (err) {
		potnpu_job_record(job, &cancelled);
		atomic64_inc(&s->stats.cancelled);
	}
	return fence;
}

static void potnpu_job_free(struct drm_sched_job *sched_job)
{
	struct potnpu_job *job = to_potnpu_job(sched_job);

	drm_sched_job_cleanup(sched_job);
	potnpu_job_put(job);
}

static const struct drm_sched_backend_ops potnpu_sched_ops = {
	.run_job = potnpu_job_run,
	.timedout_job = potnpu_recovery_timedout_job,
	.free_job = potnpu_job_free,
};

/**
 * potnpu_sched_early_init() - locks, lists and the ring memory, at probe
 * @ndev: the device
 *
 * Return: 0 or a negative errno.
 */
int potnpu_sched_early_init(struct potnpu_device *ndev)
{
	struct potnpu_sched *s = &ndev->sched;
	struct device *dev = potnpu_dev(ndev);
	int ret;

	spin_lock_init(&s->lock);
	INIT_LIST_HEAD(&s->pending);
	INIT_WORK(&s->recover_work, potnpu_sched_recover_work);
	init_waitqueue_head(&s->idle);
	ret = drmm_mutex_init(&ndev->drm, &s->recover_lock);
	if (ret)
		return ret;
	if (!(ndev->hw_caps & POTNPU_CAP_JOBQ))
		return 0;
	/* Zeroed, page aligned (the rings need 64 bytes). */
	s->jq = dmam_alloc_coherent(dev, POTNPU_JQ_ENTRIES * sizeof(*s->jq),
				    &s->jq_dma, GFP_KERNEL);
	s->cq = dmam_alloc_coherent(dev, POTNPU_JQ_ENTRIES * sizeof(*s->cq),
				    &s->cq_dma, GFP_KERNEL);
	return s->jq && s->cq ? 0 : -ENOMEM;
}

/**
 * potnpu_sched_program_rings() - empty rings for a (re)booting firmware
 * @ndev: the device, core halted
 */
void potnpu_sched_program_rings(struct potnpu_device *ndev)
{
	struct potnpu_sched *s = &ndev->sched;

	if (!s->jq)
		return;
	memset(s->jq, 0, POTNPU_JQ_ENTRIES * sizeof(*s->jq));
	memset(s->cq, 0, POTNPU_JQ_ENTRIES * sizeof(*s->cq));
	potnpu_wr(ndev, POTNPU_REG_JQ_BASE_LO, lower_32_bits(s->jq_dma));
	potnpu_wr(ndev, POTNPU_REG_JQ_BASE_HI, upper_32_bits(s->jq_dma));
	potnpu_wr(ndev, POTNPU_REG_JQ_SIZE, POTNPU_JQ_ENTRIES);
	potnpu_wr(ndev, POTNPU_REG_CQ_BASE_LO, lower_32_bits(s->cq_dma));
	potnpu_wr(ndev, POTNPU_REG_CQ_BASE_HI, upper_32_bits(s->cq_dma));
	potnpu_wr(ndev, POTNPU_REG_CQ_HEAD, 0);
}

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
		.timeout = msecs_to_jiffies(potnpu_job_timeout_ms()),
		.name = DRIVER_NAME,
		.dev = potnpu_dev(ndev),
	};
	int ret;

	if (ndev->boot.fw_status != POTNPU_FW_STATUS_READY ||
	    !(ndev->hw_caps & POTNPU_CAP_JOBQ) ||
	    !(ndev->capabilities & DRM_POTNPU_CAP_IRQ))
		return 0;

	ret = drm_sched_init(&s->sched, &args);
	if (ret)
		return ret;
	s->fence_context = dma_fence_context_alloc(1);
	ndev->irq.mask |= POTNPU_IRQ_JOB | POTNPU_IRQ_ERROR | POTNPU_IRQ_FW;
	potnpu_wr(ndev, POTNPU_REG_IRQ_MASK, ndev->irq.mask);
	s->ready = true;
	ndev->capabilities |= DRM_POTNPU_CAP_JOBS;
	/* Layers need the engine and a firmware that drives it. */
	if ((ndev->hw_caps & POTNPU_CAP_SAE) &&
	    (ndev->boot.fw_caps & POTNPU_FW_CAP_LAYERS))
		ndev->capabilities |= DRM_POTNPU_CAP_MODEL_EXEC;
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
	seq_printf(m, "jobs_queued: %d\n", atomic_read(&ndev->sched.queued));
}

/**
 * potnpu_sched_stop() - at remove: every job in the ring cancelled
 * @ndev: the device, already reset (its core does no DMA any more, so
 *	signalling the fences, after which memory may be freed, is safe)
 *	and its interrupt handlers freed
 */
void potnpu_sched_stop(struct potnpu_device *ndev)
{
	struct potnpu_sched *s = &ndev->sched;

	cancel_work_sync(&s->recover_work);
	scoped_guard(spinlock_irqsave, &s->lock) {
		s->ready = false;
		potnpu_sched_cancel_locked(ndev, NULL);
	}
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
