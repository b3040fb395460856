// SPDX-License-Identifier: GPL-2.0-only
/*
 * potnpu DRM accel driver: DRM_IOCTL_POTNPU_QUERY.
 *
 * The size negotiation is a pure function, potnpu_query_plan(), tested by
 * KUnit; the ioctl only fills in the answer and moves bytes as planned.
 * Answers are built from values cached at probe time: the ioctl never
 * touches the device.
 */

#include <linux/build_bug.h>
#include <linux/kernel.h>
#include <linux/nospec.h>
#include <linux/pci.h>
#include <linux/uaccess.h>

#include <drm/drm_drv.h>
#include <drm/drm_file.h>

#include "potnpu_drv.h"
#include "potnpu_query.h"

/*
 * The uapi promises natural alignment and no implicit padding, so that
 * 32-bit and 64-bit userspace see the same layout.
 */
static_assert(sizeof(struct drm_potnpu_query) == 24);
static_assert(offsetof(struct drm_potnpu_query, data) == 8);
static_assert(offsetof(struct drm_potnpu_device_info, capabilities) ==
	      offsetofend(struct drm_potnpu_device_info, pad2));
static_assert(offsetof(struct drm_potnpu_device_info, capabilities) % 8 == 0);
static_assert(offsetof(struct drm_potnpu_device_info, pci_bus_id) ==
	      offsetofend(struct drm_potnpu_device_info, capabilities));
/* Version 1 of each answer is the uapi's size: fields are only appended. */
static_assert(offsetofend(struct drm_potnpu_device_info, pad1) ==
	      DRM_POTNPU_DEVICE_INFO_SIZE_V1);
static_assert(offsetofend(struct drm_potnpu_fw_info, pad) ==
	      DRM_POTNPU_FW_INFO_SIZE_V1);
static_assert(sizeof(struct drm_potnpu_job_status) == 32);
static_assert(offsetof(struct drm_potnpu_job_status, fault_addr) % 8 == 0);
static_assert(DRM_POTNPU_FW_STATUS_READY == POTNPU_FW_STATUS_READY);
static_assert(DRM_POTNPU_FW_STATUS_FAILED == POTNPU_FW_STATUS_FAILED);

/**
 * struct potnpu_query_desc - sizes of one query's answer
 * @min_size: size of the first version of the answer
 * @cur_size: size of the answer this kernel writes
 */
struct potnpu_query_desc {
	u32 min_size;
	u32 cur_size;
};

static const struct potnpu_query_desc potnpu_queries[] = {
	[DRM_POTNPU_QUERY_DEVICE_INFO] = {
		.min_size = DRM_POTNPU_DEVICE_INFO_SIZE_V1,
		.cur_size = sizeof(struct drm_potnpu_device_info),
	},
	[DRM_POTNPU_QUERY_FW_INFO] = {
		.min_size = DRM_POTNPU_FW_INFO_SIZE_V1,
		.cur_size = sizeof(struct drm_potnpu_fw_info),
	},
};

/**
 * potnpu_query_plan_sizes() - size negotiation for an answer of known sizes
 * @q: the query as passed by userspace
 * @min_size: size of the first version of the answer
 * @cur_size: size of the answer this kernel writes, >= @min_size
 * @plan: filled in on success
 *
 * Rules (see &struct drm_potnpu_query):
 *  - non-zero @q->flags or @q->pad: -EINVAL;
 *  - @q->size == 0: nothing is written, the size is @cur_size;
 *  - @q->size < @min_size or > %DRM_POTNPU_QUERY_MAX_SIZE: -EINVAL (a
 *    huge size would have the kernel zero that much of the caller's
 *    memory);
 *  - @q->size <= @cur_size: the first @q->size bytes of the answer (an
 *    older userspace knows only that much of it);
 *  - @q->size > @cur_size: the whole answer, the rest of the buffer zeroed,
 *    the size is @cur_size.
 *
 * Return: 0 or -EINVAL.
 */
int potnpu_query_plan_sizes(const struct drm_potnpu_query *q, u32 min_size,
			    u32 cur_size, struct potnpu_query_plan *plan)
{
	if (q->flags || q->pad)
		return -EINVAL;
	if (WARN_ON_ONCE(!min_size || min_size > cur_size))
		return -EINVAL;

	if (!q->size) {
		*plan = (struct potnpu_query_plan){ .size = cur_size };
		return 0;
	}
	if (q->size < min_size || q->size > DRM_POTNPU_QUERY_MAX_SIZE)
		return -EINVAL;

	plan->copy = min(q->size, cur_size);
	plan->clear = q->size - plan->copy;
	plan->size = plan->copy;
	return 0;
}

/**
 * potnpu_query_plan() - size negotiation for a query
 * @q: the query as passed by userspace
 * @plan: filled in on success
 *
 * Return: 0, or -EINVAL for an unknown @q->param and for anything
 * potnpu_query_plan_sizes() rejects.
 */
int potnpu_query_plan(const struct drm_potnpu_query *q,
		      struct potnpu_query_plan *plan)
{
	const struct potnpu_query_desc *desc;
	u32 param = q->param;

	if (q->flags || q->pad)
		return -EINVAL;
	if (param >= ARRAY_SIZE(potnpu_queries))
		return -EINVAL;
	param = array_index_nospec(param, ARRAY_SIZE(potnpu_queries));
	desc = &potnpu_queries[param];
	if (!desc->cur_size)
		return -EINVAL;

	return potnpu_query_plan_sizes(q, desc->min_size, desc->cur_size, plan);
}

static void potnpu_query_device_info(struct potnpu_device *ndev,
				     struct drm_potnpu_device_info *info)
{
	struct pci_dev *pdev = potnpu_pdev(ndev);

	memset(info, 0, sizeof(*info));
	info->pci_vendor = pdev->vendor;
	info->pci_device = pdev->device;
	info->pci_revision = pdev->revision;
	info->hw_version = ndev->hw_version;
	info->hw_caps = ndev->hw_caps;
	info->fw_version = ndev->fw.info.fw_version;
	info->fw_abi_version = ndev->fw.info.abi_version;
	info->uapi_version = DRM_POTNPU_UAPI_MAJOR << 16 | DRM_POTNPU_UAPI_MINOR;
	info->capabilities = ndev->capabilities;
	info->pci_bus_id = (pci_domain_nr(pdev->bus) & 0xffff) << 16 |
			   pdev->bus->number << 8 | pdev->devfn;
}

/* The state recorded by the last boot, not the live registers. */
static void potnpu_query_fw_info(struct potnpu_device *ndev,
				 struct drm_potnpu_fw_info *info)
{
	struct potnpu_boot *boot = &ndev->boot;

	memset(info, 0, sizeof(*info));
	mutex_lock(&boot->lock);
	info->status = boot->fw_status;
	info->error = boot->fw_error;
	info->version = boot->fw_version;
	info->abi_version = boot->fw_abi;
	info->caps = boot->fw_caps;
	info->boots = boot->boots;
	info->recoveries = boot->recoveries;
	mutex_unlock(&boot->lock);
}

int potnpu_query_ioctl(struct drm_device *drm, void *data,
		       struct drm_file *file)
{
	struct potnpu_device *ndev = to_potnpu(drm);
	struct drm_potnpu_query *q = data;
	struct potnpu_query_plan plan;
	union {
		struct drm_potnpu_device_info device_info;
		struct drm_potnpu_fw_info fw_info;
	} answer;
	u8 __user *buf = u64_to_user_ptr(q->data);
	int ret, idx;

	if (!drm_dev_enter(drm, &idx))
		return -ENODEV;

	ret = potnpu_query_plan(q, &plan);
	if (ret)
		goto out;

	switch (q->param) {
	case DRM_POTNPU_QUERY_DEVICE_INFO:
		potnpu_query_device_info(ndev, &answer.device_info);
		break;
	case DRM_POTNPU_QUERY_FW_INFO:
		potnpu_query_fw_info(ndev, &answer.fw_info);
		break;
	default:
		ret = -EINVAL;
		goto out;
	}
	if (WARN_ON_ONCE(plan.copy > sizeof(answer))) {
		ret = -EINVAL;
		goto out;
	}

	if (plan.copy && copy_to_user(buf, &answer, plan.copy)) {
		ret = -EFAULT;
		goto out;
	}
	if (plan.clear && clear_user(buf + plan.copy, plan.clear)) {
		ret = -EFAULT;
		goto out;
	}
	q->size = plan.size;
out:
	drm_dev_exit(idx);
	return ret;
}
