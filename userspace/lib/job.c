// SPDX-License-Identifier: MIT
/*
 * libpotnpu jobs: checking and submitting a command stream with its
 * buffers and syncobjs, and the submitted job's lifetime.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "libpotnpu_priv.h"

static int jobs_supported(struct potnpu_device *dev)
{
	struct drm_potnpu_device_info info;
	char have[96];
	int err;

	if (dev->jobs_checked)
		return 0;
	err = lib_require_minor(dev, UAPI_MINOR_JOBS, "job submission");
	if (err)
		return err;
	err = potnpu_query_device_info(dev, &info, sizeof(info));
	if (err)
		return err;
	if (!potnpu_has_cap(&info, DRM_POTNPU_CAP_JOBS))
		return lib_set_error(-EOPNOTSUPP,
				     "%s does not support job submission (capability JOBS missing; it has: %s; update the potnpu kernel module)",
				     dev->path,
				     potnpu_format_caps(info.capabilities, have,
						    sizeof(have)));
	dev->jobs_checked = true;
	return 0;
}

/* The command stream of @d: flags, device, size and place in its buffer. */
static int submit_check_cmd(const struct potnpu_device *dev,
			    const struct potnpu_submit_desc *d)
{
	if (!d->cmd_bo)
		return lib_set_error(-EINVAL, "potnpu_submit: no command buffer");
	if (d->flags)
		return lib_set_error(-EINVAL, "potnpu_submit: unknown flags 0x%x",
				     d->flags);
	if (d->cmd_bo->dev != dev)
		return lib_set_error(-EINVAL,
				     "potnpu_submit: the command buffer belongs to another device");
	if (d->cmd_offset % 4 || d->cmd_size % 4 || d->cmd_size < 4 ||
	    d->cmd_size > POTNPU_CMDBUF_MAX_SIZE ||
	    d->cmd_offset > d->cmd_bo->size ||
	    d->cmd_size > d->cmd_bo->size - d->cmd_offset)
		return lib_set_error(-EINVAL,
				     "invalid command stream: %u bytes at offset %u of a %zu-byte buffer (a multiple of 4 from 4 to %u bytes, 4-byte aligned, within the buffer)",
				     d->cmd_size, d->cmd_offset, d->cmd_bo->size,
				     POTNPU_CMDBUF_MAX_SIZE);
	return 0;
}

/* The buffer list, the syncobjs to wait for and the timeline of @d. */
static int submit_check_lists(const struct potnpu_device *dev,
			      const struct potnpu_submit_desc *d)
{
	uint32_t i;

	if (d->bo_count && !d->bos)
		return lib_set_error(-EINVAL, "potnpu_submit: bos is NULL");
	for (i = 0; i < d->bo_count; i++) {
		if (!d->bos[i])
			return lib_set_error(-EINVAL,
					     "potnpu_submit: buffer %u of the list is NULL", i);
		if (d->bos[i]->dev != dev)
			return lib_set_error(-EINVAL,
					     "potnpu_submit: buffer %u of the list belongs to another device", i);
	}
	if (d->wait_count > POTNPU_MAX_WAIT_SYNCOBJS)
		return lib_set_error(-EINVAL,
				     "a job can wait for %u syncobjs at most, not %u",
				     POTNPU_MAX_WAIT_SYNCOBJS, d->wait_count);
	if (d->wait_count && !d->wait_syncobjs)
		return lib_set_error(-EINVAL, "potnpu_submit: wait_syncobjs is NULL");
	if (!d->out_timeline != !d->out_point)
		return lib_set_error(-EINVAL,
				     "potnpu_submit: out_timeline %u with out_point %llu: give both (a point of at least 1) or neither",
				     d->out_timeline,
				     (unsigned long long)d->out_point);
	return 0;
}

/* The handle list: the command buffer first, then @bos without repeats. */
static int submit_handles(const struct potnpu_submit_desc *d,
			  uint32_t *handles, uint32_t *count)
{
	uint32_t i, j, n = 0;

	handles[n++] = d->cmd_bo->handle;
	for (i = 0; i < d->bo_count; i++) {
		uint32_t h = d->bos[i]->handle;

		for (j = 0; j < n && handles[j] != h; j++)
			;
		if (j < n)
			continue;
		if (n == POTNPU_MAX_JOB_BOS)
			return lib_set_error(-EINVAL,
					     "a job can use %u buffers at most (the command buffer included)",
					     POTNPU_MAX_JOB_BOS);
		handles[n++] = h;
	}
	*count = n;
	return 0;
}

static int submit_error(struct potnpu_device *dev,
			const struct potnpu_submit_desc *d, uint32_t nbos,
			int err)
{
	switch (err) {
	case EINVAL:
		return lib_set_error(-EINVAL,
				     "%s: the potnpu driver refused the job (%u-byte command stream at offset %u of buffer %u, %u buffer%s, %u wait syncobj%s): a command is malformed, touches memory outside the listed buffers or writes a read-only one",
				     dev->path, d->cmd_size, d->cmd_offset,
				     d->cmd_bo->handle, nbos, nbos == 1 ? "" : "s",
				     d->wait_count, d->wait_count == 1 ? "" : "s");
	case EIO:
		return lib_set_error(-EIO,
				     "%s: cannot submit: this context was banned after a fault; open the device again",
				     dev->path);
	case ENOENT:
		return lib_set_error(-ENOENT,
				     "%s: cannot submit: the driver does not know one of the job's buffers or syncobjs",
				     dev->path);
	case ENODEV:
		return lib_set_error(-ENODEV,
				     "%s: cannot submit: the device cannot run jobs now (no firmware ready; see potnpu-info)",
				     dev->path);
	case ENOMEM:
		return lib_set_error(-ENOMEM, "%s: cannot submit: out of memory",
				     dev->path);
	default:
		return lib_set_error(-err,
				     "%s: DRM_IOCTL_POTNPU_SUBMIT failed: %s",
				     dev->path, strerror(err));
	}
}

/* A job to submit: the caller's timeline point, or a syncobj of its own. */
static int job_new(struct potnpu_device *dev,
		   const struct potnpu_submit_desc *desc,
		   struct potnpu_job **jobp)
{
	struct potnpu_job *job;
	int err;

	job = calloc(1, sizeof(*job));
	if (!job)
		return lib_set_error(-ENOMEM, "%s: cannot submit: out of memory",
				     dev->path);
	job->dev = dev;
	job->syncobj = desc->out_timeline;
	job->point = desc->out_point;
	errno = 0;
	if (!job->point && drmSyncobjCreate(dev->fd, 0, &job->syncobj)) {
		err = lib_errno_or(ENOMEM);
		free(job);
		return lib_set_error(-err, "%s: cannot create a syncobj for the job: %s",
				     dev->path, strerror(err));
	}
	*jobp = job;
	return 0;
}

/* DRM_IOCTL_POTNPU_SUBMIT for @job, which gets the driver's job id. */
static int submit_ioctl(struct potnpu_job *job,
			const struct potnpu_submit_desc *desc,
			const uint32_t *handles, uint32_t nbos)
{
	struct potnpu_device *dev = job->dev;
	struct drm_potnpu_submit s;

	memset(&s, 0, sizeof(s));
	s.cmd_handle = desc->cmd_bo->handle;
	s.cmd_offset = desc->cmd_offset;
	s.cmd_size = desc->cmd_size;
	s.bo_count = nbos;
	s.bo_handles = (uintptr_t)handles;
	s.in_syncobjs = (uintptr_t)desc->wait_syncobjs;
	s.in_syncobj_count = desc->wait_count;
	s.out_syncobj = job->syncobj;
	s.out_point = job->point;
	if (drmIoctl(dev->fd, DRM_IOCTL_POTNPU_SUBMIT, &s))
		return submit_error(dev, desc, nbos, lib_errno_or(EIO));
	if (!s.job_id)
		return lib_set_error(-EBADMSG,
				     "%s: the potnpu driver accepted a job without giving it an id",
				     dev->path);
	job->id = s.job_id;
	return 0;
}

EXPORT int potnpu_submit(struct potnpu_device *dev,
			 const struct potnpu_submit_desc *desc,
			 struct potnpu_job **jobp)
{
	uint32_t handles[POTNPU_MAX_JOB_BOS], nbos = 0;
	struct potnpu_job *job = NULL;
	int err;

	if (!jobp)
		return lib_set_error(-EINVAL, "potnpu_submit: jobp is NULL");
	*jobp = NULL;
	if (!dev || !desc)
		return lib_set_error(-EINVAL, "potnpu_submit: NULL argument");
	err = jobs_supported(dev);
	if (!err)
		err = submit_check_cmd(dev, desc);
	if (!err)
		err = submit_check_lists(dev, desc);
	if (!err)
		err = submit_handles(desc, handles, &nbos);
	if (!err)
		err = job_new(dev, desc, &job);
	if (err)
		return err;
	err = submit_ioctl(job, desc, handles, nbos);
	if (err) {
		potnpu_job_free(job);
		return err;
	}
	*jobp = job;
	return 0;
}

EXPORT uint64_t potnpu_job_id(const struct potnpu_job *job)
{
	return job ? job->id : 0;
}

EXPORT uint32_t potnpu_job_syncobj(const struct potnpu_job *job)
{
	return job && !job->point ? job->syncobj : 0;
}

EXPORT void potnpu_job_free(struct potnpu_job *job)
{
	if (!job)
		return;
	if (!job->point)
		drmSyncobjDestroy(job->dev->fd, job->syncobj);
	free(job);
}
