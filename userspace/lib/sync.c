// SPDX-License-Identifier: MIT
/*
 * libpotnpu synchronisation: waiting for a job's syncobj, and the syncobjs
 * that callers create to order jobs.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "libpotnpu_priv.h"

/* The CLOCK_MONOTONIC deadline, in ns, @timeout_ns from now. */
static int64_t deadline_ns(uint64_t timeout_ns)
{
	struct timespec now;
	int64_t abs;

	if (timeout_ns == UINT64_MAX)
		return INT64_MAX;
	clock_gettime(CLOCK_MONOTONIC, &now);
	abs = (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
	return timeout_ns > (uint64_t)(INT64_MAX - abs) ? INT64_MAX :
	       abs + (int64_t)timeout_ns;
}

EXPORT int potnpu_job_wait(struct potnpu_job *job, uint64_t timeout_ns)
{
	int64_t abs;
	int ret;

	if (!job)
		return lib_set_error(-EINVAL, "potnpu_job_wait: job is NULL");
	abs = deadline_ns(timeout_ns);
	errno = 0;
	if (job->point)
		ret = drmSyncobjTimelineWait(job->dev->fd, &job->syncobj,
					     &job->point, 1, abs,
					     DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT,
					     NULL);
	else
		ret = drmSyncobjWait(job->dev->fd, &job->syncobj, 1, abs, 0,
				     NULL);
	if (!ret)
		return 0;
	ret = ret < -1 ? -ret : lib_errno_or(EIO);
	if (ret == ETIME || ret == ETIMEDOUT)
		return lib_set_error(-ETIME,
				     "%s: job %llu did not finish within %llu ns",
				     job->dev->path, (unsigned long long)job->id,
				     (unsigned long long)timeout_ns);
	return lib_set_error(-ret, "%s: waiting for job %llu failed: %s",
			     job->dev->path, (unsigned long long)job->id,
			     strerror(ret));
}

EXPORT int potnpu_syncobj_create(struct potnpu_device *dev,
				 uint32_t *handlep)
{
	int err;

	if (!dev || !handlep)
		return lib_set_error(-EINVAL, "potnpu_syncobj_create: NULL argument");
	*handlep = 0;
	errno = 0;
	if (drmSyncobjCreate(dev->fd, 0, handlep)) {
		err = lib_errno_or(ENOMEM);
		*handlep = 0;
		return lib_set_error(-err, "%s: cannot create a syncobj: %s",
				     dev->path, strerror(err));
	}
	return 0;
}

EXPORT void potnpu_syncobj_destroy(struct potnpu_device *dev, uint32_t handle)
{
	if (dev && handle)
		drmSyncobjDestroy(dev->fd, handle);
}
