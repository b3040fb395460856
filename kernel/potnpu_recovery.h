/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * potnpu DRM accel driver: job timeouts, aborts, device reset and
 * recovery.
 */
#ifndef __POTNPU_RECOVERY_H__
#define __POTNPU_RECOVERY_H__

#include <drm/gpu_scheduler.h>

struct potnpu_device;
struct potnpu_file;
struct potnpu_job;
struct work_struct;

int potnpu_sched_recover(struct potnpu_device *ndev, struct potnpu_job *bad,
			 const char *why);
void potnpu_sched_recover_work(struct work_struct *work);
enum drm_gpu_sched_stat potnpu_recovery_timedout_job(struct drm_sched_job *sj);
void potnpu_recovery_abort_file(struct potnpu_device *ndev,
				struct potnpu_file *pfile);

#endif /* __POTNPU_RECOVERY_H__ */
