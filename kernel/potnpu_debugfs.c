// SPDX-License-Identifier: GPL-2.0-only
/*
 * potnpu DRM accel driver: debugfs, in /sys/kernel/debug/accel/<PCI name>/.
 *
 * va_limit: end of the device VA range of files opened from now on
 * (default and maximum POTNPU_VA_SIZE; at least two pages). Lowering it
 * lets tests exhaust an address space without allocating 1 GiB.
 */

#include <linux/debugfs.h>
#include <linux/fs.h>

#include <potnpu/potnpu_job.h>

#include "potnpu_debugfs.h"
#include "potnpu_drv.h"

static int potnpu_va_limit_get(void *data, u64 *val)
{
	struct potnpu_device *ndev = data;

	*val = READ_ONCE(ndev->mmu.va_limit);
	return 0;
}

static int potnpu_va_limit_set(void *data, u64 val)
{
	struct potnpu_device *ndev = data;

	if (val < 2 * POTNPU_PAGE_SIZE || val > POTNPU_VA_SIZE ||
	    val % POTNPU_PAGE_SIZE)
		return -EINVAL;
	WRITE_ONCE(ndev->mmu.va_limit, val);
	return 0;
}

DEFINE_DEBUGFS_ATTRIBUTE(potnpu_va_limit_fops, potnpu_va_limit_get,
			 potnpu_va_limit_set, "%llu\n");

/**
 * potnpu_debugfs_init() - create the device's debugfs files
 * @ndev: the device; its DRM debugfs directory exists
 *
 * The files go with the directory when the DRM device is released.
 */
void potnpu_debugfs_init(struct potnpu_device *ndev)
{
	struct dentry *root = ndev->drm.debugfs_root;

	if (!root)
		return;
	debugfs_create_file_unsafe("va_limit", 0600, root, ndev,
				   &potnpu_va_limit_fops);
}
