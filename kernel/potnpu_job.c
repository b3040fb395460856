// SPDX-License-Identifier: GPL-2.0-only
/*
 * potnpu DRM accel driver: the job object and the SUBMIT and JOB_STATUS
 * ioctls.
 *
 * DRM_IOCTL_POTNPU_SUBMIT checks the arguments, looks up the BOs (all in
 * the file's address space, each object once), copies the command stream
 * into kernel-owned DMA memory, validates the copy against the BOs and
 * maps it read-only at a VA of its own, adds the in-syncobj dependencies
 * and pushes the job to the file's scheduler entity; the out-syncobj gets
 * the job's finished fence. The device executes exactly the bytes that
 * were validated, whatever userspace does to its BO afterwards; the
 * device MMU, which confines every access to the file's own address
 * space, stays as a second line of defence.
 *
 * Everything a job needs is allocated here, its hardware fence included,
 * so that the scheduler's run_job allocates nothing. A job is reference
 * counted (the ioctl's reference and the scheduler's) and freed in one
 * place, potnpu_job_release(), whatever path it took.
 *
 * What one file can pin is bounded: at most POTNPU_MAX_JOBS_PER_FILE jobs
 * submitted and not yet freed (POTNPU_MAX_JOBS_PER_DEVICE for all files),
 * more is -EAGAIN; fdinfo shows the counts.
 */

#include <linux/dma-fence-chain.h>
#include <linux/dma-mapping.h>
#include <linux/iosys-map.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_print.h>
#include <drm/drm_syncobj.h>

#include "potnpu_drv.h"
#include "potnpu_gem.h"
#include "potnpu_job.h"
#include "potnpu_recovery.h"
#include "potnpu_sched.h"
#include "potnpu_submit.h"
#include "potnpu_trace.h"
#include "potnpu_validate.h"
#include "potnpu_vm.h"

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

/* The one place a job is freed, on every path. */
static void potnpu_job_release(struct kref *ref)
{
	struct potnpu_job *job = container_of(ref, struct potnpu_job,
					      refcount);
	struct potnpu_file_jobs *fj = &job->pfile->jobs;
	u32 i;

	if (job->base.s_fence)
		drm_sched_job_cleanup(&job->base);
	potnpu_job_stream_free(job);
	for (i = 0; job->bos && i < job->bo_count; i++)
		if (job->bos[i])
			drm_gem_object_put(job->bos[i]);
	kvfree(job->bos);
	potnpu_vm_put(job->vm);
	if (job->hw_fence)
		dma_fence_put(job->hw_fence);
	/* Never initialised: run_job did not get to it. */
	kfree(job->fence);
	atomic64_sub(job->stream_alloc, &fj->stream_bytes);
	atomic_dec(&fj->queued);
	atomic_dec(&job->ndev->sched.queued);
	potnpu_file_put(job->pfile);
	kfree(job);
}

/**
 * potnpu_job_put() - drop a reference to a job
 * @job: the job
 */
void potnpu_job_put(struct potnpu_job *job)
{
	kref_put(&job->refcount, potnpu_job_release);
}

/**
 * potnpu_job_record() - store a job's outcome for JOB_STATUS
 * @job: the job
 * @st: its status; a job that faulted bans its file
 */
void potnpu_job_record(struct potnpu_job *job,
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

/**
 * potnpu_job_trace_done() - the job_done tracepoint
 * @job: the job
 * @st: its status
 */
void potnpu_job_trace_done(struct potnpu_job *job,
			   const struct drm_potnpu_job_status *st)
{
	trace_potnpu_job_done(potnpu_dev(job->ndev), job->slot, job->id,
			      st->status, st->err_offset,
			      ktime_get_ns() - job->run_ns);
}

/* A new job of @pfile, counted against the limits, or an ERR_PTR. */
static struct potnpu_job *potnpu_job_alloc(struct potnpu_device *ndev,
					   struct potnpu_file *pfile,
					   u32 bo_count)
{
	struct potnpu_file_jobs *fj = &pfile->jobs;
	struct potnpu_job *job;

	if (atomic_inc_return(&fj->queued) > POTNPU_MAX_JOBS_PER_FILE) {
		atomic_dec(&fj->queued);
		return ERR_PTR(-EAGAIN);
	}
	if (atomic_inc_return(&ndev->sched.queued) >
	    POTNPU_MAX_JOBS_PER_DEVICE) {
		atomic_dec(&ndev->sched.queued);
		atomic_dec(&fj->queued);
		return ERR_PTR(-EAGAIN);
	}
	job = kzalloc(sizeof(*job), GFP_KERNEL);
	if (job) {
		job->fence = kzalloc(sizeof(*job->fence), GFP_KERNEL);
		job->bos = kvcalloc(bo_count, sizeof(*job->bos), GFP_KERNEL);
	}
	if (!job || !job->fence || !job->bos) {
		if (job) {
			kfree(job->fence);
			kvfree(job->bos);
		}
		kfree(job);
		atomic_dec(&ndev->sched.queued);
		atomic_dec(&fj->queued);
		return ERR_PTR(-ENOMEM);
	}
	kref_init(&job->refcount);
	job->ndev = ndev;
	potnpu_file_get(pfile);
	job->pfile = pfile;
	job->vm = potnpu_vm_get(pfile->vm);
	job->slot = READ_ONCE(pfile->vm->slot);
	job->bo_count = bo_count;
	INIT_LIST_HEAD(&job->node);
	return job;
}

/*
 * Look up the job's BOs and fill @ranges for the validator. Two handles
 * of one object (a flink name opened again) are -EINVAL like two equal
 * handles.
 */
static int potnpu_job_lookup_bos(struct drm_file *file, struct potnpu_job *job,
				 const u32 *handles,
				 struct potnpu_bo_range *ranges)
{
	struct potnpu_file *pfile = file->driver_priv;
	struct potnpu_bo *bo;
	u32 i;

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
	return potnpu_submit_check_unique((const void *const *)job->bos,
					  job->bo_count);
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

	if (!IS_ENABLED(CONFIG_DRM_ACCEL_POTNPU_FAULT_INJECT))
		return;
	if (job->cmd_size < 3 * sizeof(u32) ||
	    !READ_ONCE(ndev->sched.inject_cmd_va))
		return;
	va = xchg(&ndev->sched.inject_cmd_va, 0);
	if (!va)
		return;
	w[1] = cpu_to_le32(lower_32_bits(va));
	w[2] = cpu_to_le32(upper_32_bits(va));
}

/* Copy @args' stream out of @obj into the job's DMA memory. */
static int potnpu_job_copy_stream(struct potnpu_job *job,
				  struct drm_gem_object *obj,
				  const struct drm_potnpu_submit *args)
{
	struct iosys_map map;
	int ret;

	job->stream_alloc = ALIGN(args->cmd_size, POTNPU_PAGE_SIZE);
	job->stream = dma_alloc_coherent(potnpu_dev(job->ndev),
					 job->stream_alloc, &job->stream_dma,
					 GFP_KERNEL);
	if (!job->stream) {
		job->stream_alloc = 0;
		return -ENOMEM;
	}
	atomic64_add(job->stream_alloc, &job->pfile->jobs.stream_bytes);
	ret = drm_gem_vmap_unlocked(obj, &map);
	if (ret)
		return ret;
	iosys_map_memcpy_from(job->stream, &map, args->cmd_offset,
			      args->cmd_size);
	drm_gem_vunmap_unlocked(obj, &map);
	job->cmd_size = args->cmd_size;
	return 0;
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
	struct potnpu_file *pfile = file->driver_priv;
	struct potnpu_cmd_fault fault;
	struct drm_gem_object *obj;
	int ret;

	obj = drm_gem_object_lookup(file, args->cmd_handle);
	if (!obj)
		return -ENOENT;
	ret = to_potnpu_bo(obj)->vm == pfile->vm ? 0 : -ENOENT;
	if (!ret)
		ret = potnpu_submit_cmd_range(args->cmd_offset, args->cmd_size,
					      obj->size);
	if (!ret)
		ret = potnpu_job_copy_stream(job, obj, args);
	drm_gem_object_put(obj);
	if (ret)
		return ret;

	ret = potnpu_validate_cmds(job->stream, args->cmd_size, ranges,
				   job->bo_count,
				   to_potnpu(drm)->capabilities &
				   DRM_POTNPU_CAP_MODEL_EXEC, &fault);
	if (ret) {
		drm_dbg(drm, "submit: command at offset %u rejected: %s\n",
			fault.offset, potnpu_cmd_strerror(fault.error));
		return ret;
	}
	potnpu_job_inject(to_potnpu(drm), job);
	ret = potnpu_vm_map_dma(job->vm, &job->stream_node, job->stream_alloc,
				job->stream_dma, false);
	if (ret)
		return ret;
	job->cmd_va = job->stream_node.start;
	return 0;
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
		/* -ENOENT: no such handle; -EINVAL: no fence to wait for. */
		ret = drm_sched_job_add_syncobj_dependency(&job->base, file,
							   handles[i], 0);
		if (ret)
			return ret;
	}
	return 0;
}

/**
 * struct potnpu_out_sync - where the job's fence goes
 * @syncobj: the out-syncobj (reference), NULL for none
 * @chain: the timeline point's chain node when @point is not 0
 * @point: the timeline point
 */
struct potnpu_out_sync {
	struct drm_syncobj *syncobj;
	struct dma_fence_chain *chain;
	u64 point;
};

/*
 * A point is only added to a timeline: a syncobj without a fence or whose
 * fence is a timeline point below @point. A binary syncobj (a plain fence)
 * is not turned into a chain.
 */
static int potnpu_out_sync_check_point(struct drm_syncobj *syncobj,
				       u64 point)
{
	struct dma_fence *fence = drm_syncobj_fence_get(syncobj);
	int ret = 0;

	if (fence && (!dma_fence_is_chain(fence) || fence->seqno >= point))
		ret = -EINVAL;
	dma_fence_put(fence);
	return ret;
}

static int potnpu_out_sync_get(struct drm_file *file,
			       const struct drm_potnpu_submit *args,
			       struct potnpu_out_sync *out)
{
	int ret;

	if (!args->out_syncobj)
		return 0;
	out->syncobj = drm_syncobj_find(file, args->out_syncobj);
	if (!out->syncobj)
		return -ENOENT;
	out->point = args->out_point;
	if (!out->point)
		return 0;
	ret = potnpu_out_sync_check_point(out->syncobj, out->point);
	if (ret)
		return ret;
	out->chain = dma_fence_chain_alloc();
	return out->chain ? 0 : -ENOMEM;
}

static void potnpu_out_sync_signal(struct potnpu_out_sync *out,
				   struct dma_fence *fence)
{
	if (!out->syncobj)
		return;
	if (out->chain) {
		drm_syncobj_add_point(out->syncobj, out->chain, fence,
				      out->point);
		out->chain = NULL;
	} else {
		drm_syncobj_replace_fence(out->syncobj, fence);
	}
}

static void potnpu_out_sync_put(struct potnpu_out_sync *out)
{
	dma_fence_chain_free(out->chain);
	if (out->syncobj)
		drm_syncobj_put(out->syncobj);
}

/* Give the armed job its id and record, then hand it to the scheduler. */
static struct dma_fence *potnpu_job_push(struct potnpu_file *pfile,
					 struct potnpu_job *job)
{
	struct potnpu_file_jobs *fj = &pfile->jobs;
	struct dma_fence *fence;

	guard(mutex)(&fj->submit_lock);
	drm_sched_job_arm(&job->base);
	fence = dma_fence_get(&job->base.s_fence->finished);
	scoped_guard(spinlock_irq, &fj->lock) {
		job->id = ++fj->next_id;
		fj->records[job->id % POTNPU_JOB_RECORDS] =
			(struct drm_potnpu_job_status){
				.job_id = job->id,
				.state = DRM_POTNPU_JOB_PENDING,
			};
	}
	dma_fence_put(fj->last_fence);
	fj->last_fence = dma_fence_get(fence);
	atomic64_inc(&job->ndev->sched.stats.submitted);
	trace_potnpu_job_submit(potnpu_dev(job->ndev), job->slot, job->id,
				job->cmd_size, job->bo_count);
	/* The scheduler's reference, dropped by its free_job. */
	kref_get(&job->refcount);
	drm_sched_entity_push_job(&job->base);
	return fence;
}

/* Everything the submit ioctl checks and builds before it commits. */
static int potnpu_job_prepare(struct drm_device *drm, struct drm_file *file,
			      struct potnpu_job *job,
			      const struct drm_potnpu_submit *args)
{
	struct potnpu_bo_range *ranges;
	u32 *handles;
	int ret;

	handles = kvcalloc(args->bo_count, sizeof(*handles), GFP_KERNEL);
	ranges = kvcalloc(args->bo_count, sizeof(*ranges), GFP_KERNEL);
	ret = handles && ranges ? 0 : -ENOMEM;
	if (!ret && copy_from_user(handles, u64_to_user_ptr(args->bo_handles),
				   args->bo_count * sizeof(*handles)))
		ret = -EFAULT;
	if (!ret)
		ret = potnpu_submit_check_handles(handles, args->bo_count);
	if (!ret)
		ret = potnpu_job_lookup_bos(file, job, handles, ranges);
	if (!ret)
		ret = potnpu_job_validate(drm, file, job, args, ranges);
	kvfree(ranges);
	kvfree(handles);
	return ret;
}

int potnpu_submit_ioctl(struct drm_device *drm, void *data,
			struct drm_file *file)
{
	struct potnpu_device *ndev = to_potnpu(drm);
	struct potnpu_file *pfile = file->driver_priv;
	struct potnpu_file_jobs *fj = &pfile->jobs;
	struct drm_potnpu_submit *args = data;
	struct potnpu_out_sync out = { };
	struct dma_fence *fence;
	struct potnpu_job *job;
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

	job = potnpu_job_alloc(ndev, pfile, args->bo_count);
	if (IS_ERR(job)) {
		ret = PTR_ERR(job);
		goto out_exit;
	}
	ret = potnpu_job_prepare(drm, file, job, args);
	if (!ret)
		ret = potnpu_out_sync_get(file, args, &out);
	if (!ret)
		ret = drm_sched_job_init(&job->base, &fj->entity, 1, NULL,
					 file->client_id);
	if (!ret)
		ret = potnpu_job_add_in_syncobjs(file, job, args);
	if (ret)
		goto out_put;

	fence = potnpu_job_push(pfile, job);
	args->job_id = job->id;
	potnpu_out_sync_signal(&out, fence);
	dma_fence_put(fence);
out_put:
	potnpu_out_sync_put(&out);
	potnpu_job_put(job);
out_exit:
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

/**
 * potnpu_job_file_init() - job state of a new file
 * @ndev: the device
 * @pfile: the file
 *
 * Without a scheduler (no ready firmware at probe) the file has no entity
 * and its submits are -ENODEV.
 */
void potnpu_job_file_init(struct potnpu_device *ndev,
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

/**
 * potnpu_job_file_fini() - a closing file's jobs
 * @ndev: the device
 * @pfile: the file; its handles are gone
 *
 * Jobs still queued are not run any more (run_job completes them as
 * cancelled); the file's jobs in the ring are aborted, each one alone, so
 * that other files' jobs behind them run as if nothing happened. Only if
 * the firmware does not abort them is the device recovered. When this
 * returns no job of the file can touch its address space.
 */
void potnpu_job_file_fini(struct potnpu_device *ndev,
			  struct potnpu_file *pfile)
{
	struct potnpu_file_jobs *fj = &pfile->jobs;

	WRITE_ONCE(fj->closing, true);
	if (fj->has_entity)
		drm_sched_entity_destroy(&fj->entity);
	potnpu_recovery_abort_file(ndev, pfile);
	if (fj->last_fence) {
		/* Finished or cancelled by now: the wait is short. */
		dma_fence_wait(fj->last_fence, false);
		dma_fence_put(fj->last_fence);
		fj->last_fence = NULL;
	}
	mutex_destroy(&fj->submit_lock);
}

/**
 * potnpu_job_show_fdinfo() - the file's job accounting in fdinfo
 * @pfile: the file
 * @p: where to print
 */
void potnpu_job_show_fdinfo(struct potnpu_file *pfile, struct drm_printer *p)
{
	struct potnpu_file_jobs *fj = &pfile->jobs;

	drm_printf(p, "potnpu-jobs-queued:\t%d\n", atomic_read(&fj->queued));
	drm_printf(p, "potnpu-jobs-limit:\t%d\n", POTNPU_MAX_JOBS_PER_FILE);
	drm_printf(p, "potnpu-stream-memory:\t%lld KiB\n",
		   atomic64_read(&fj->stream_bytes) >> 10);
	drm_printf(p, "potnpu-jobs-submitted:\t%llu\n",
		   READ_ONCE(fj->next_id));
	drm_printf(p, "potnpu-banned:\t%s\n",
		   READ_ONCE(fj->banned) ? "yes" : "no");
}
