// SPDX-License-Identifier: GPL-2.0-only
/*
 * potnpu DRM accel driver: debugfs, in /sys/kernel/debug/accel/<PCI name>/.
 *
 * Always: fw_status (the firmware's state, versions, heartbeat, boot and
 * recovery counters), fw_log (the firmware's log ring, read through BAR4),
 * stats (job, timeout, recovery and MMU fault counters) and va_limit, read
 * only (end of the device VA range of files opened from now on).
 *
 * Fault injection, only with CONFIG_DRM_ACCEL_POTNPU_FAULT_INJECT:
 * va_limit becomes writable (default and maximum POTNPU_VA_SIZE; at least
 * two pages), so tests can exhaust an address space without allocating
 * 1 GiB. force_recovery: writing anything cancels the jobs in the ring,
 * resets the device and boots the firmware again. core_wdog_limit:
 * writes CORE_WDOG_LIMIT (until the next reset), so tests can make the
 * core halt. inject_cmd_va: the next job's kernel copy of its
 * stream gets this VA as its first command's address after validation,
 * so tests can show the MMU confining a stream the validator never saw.
 * inject_hang: the next job's descriptor goes into the ring but no
 * doorbell is rung until the next recovery, so the job hangs and the
 * timeout path runs.
 */

#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/seq_file.h>

#include <drm/drm_drv.h>

#include <potnpu/potnpu_job.h>

#include "potnpu_boot.h"
#include "potnpu_debugfs.h"
#include "potnpu_drv.h"
#include "potnpu_hw.h"
#include "potnpu_recovery.h"
#include "potnpu_sched.h"

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
DEFINE_DEBUGFS_ATTRIBUTE(potnpu_va_limit_ro_fops, potnpu_va_limit_get, NULL,
			 "%llu\n");

/* Test hook: a tiny watchdog limit makes the core halt while idle. */
static int potnpu_core_wdog_set(void *data, u64 val)
{
	struct potnpu_device *ndev = data;
	int idx;

	if (!ndev->boot.core_mem || val > U32_MAX)
		return -EINVAL;
	if (!drm_dev_enter(&ndev->drm, &idx))
		return -ENODEV;
	potnpu_wr(ndev, POTNPU_REG_CORE_WDOG_LIMIT, val);
	drm_dev_exit(idx);
	return 0;
}

DEFINE_DEBUGFS_ATTRIBUTE(potnpu_core_wdog_fops, NULL, potnpu_core_wdog_set,
			 "%llu\n");

/* Test hook: see potnpu_job_inject(). */
static int potnpu_inject_cmd_va_get(void *data, u64 *val)
{
	struct potnpu_device *ndev = data;

	*val = READ_ONCE(ndev->sched.inject_cmd_va);
	return 0;
}

static int potnpu_inject_cmd_va_set(void *data, u64 val)
{
	struct potnpu_device *ndev = data;

	WRITE_ONCE(ndev->sched.inject_cmd_va, val);
	return 0;
}

DEFINE_DEBUGFS_ATTRIBUTE(potnpu_inject_cmd_va_fops, potnpu_inject_cmd_va_get,
			 potnpu_inject_cmd_va_set, "%llu\n");

/* Test hook: see potnpu_job_run(). */
static int potnpu_inject_hang_set(void *data, u64 val)
{
	struct potnpu_device *ndev = data;

	atomic_set(&ndev->sched.inject_hang, !!val);
	return 0;
}

DEFINE_DEBUGFS_ATTRIBUTE(potnpu_inject_hang_fops, NULL, potnpu_inject_hang_set,
			 "%llu\n");

static int potnpu_stats_show(struct seq_file *m, void *unused)
{
	potnpu_sched_show_stats(m->private, m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(potnpu_stats);

static int potnpu_fw_status_show(struct seq_file *m, void *unused)
{
	potnpu_boot_show_status(m->private, m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(potnpu_fw_status);

static int potnpu_fw_log_show(struct seq_file *m, void *unused)
{
	return potnpu_boot_show_log(m->private, m);
}
DEFINE_SHOW_ATTRIBUTE(potnpu_fw_log);

static ssize_t potnpu_force_recovery_write(struct file *file,
					   const char __user *buf,
					   size_t count, loff_t *ppos)
{
	struct potnpu_device *ndev = file->private_data;
	int ret;

	ret = potnpu_sched_recover(ndev, NULL, "forced through debugfs");
	return ret ? ret : count;
}

static const struct file_operations potnpu_force_recovery_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = potnpu_force_recovery_write,
};

/* The test hooks: only with CONFIG_DRM_ACCEL_POTNPU_FAULT_INJECT. */
static void potnpu_debugfs_init_fault_inject(struct potnpu_device *ndev,
					     struct dentry *root)
{
	debugfs_create_file_unsafe("va_limit", 0600, root, ndev,
				   &potnpu_va_limit_fops);
	debugfs_create_file_unsafe("core_wdog_limit", 0200, root, ndev,
				   &potnpu_core_wdog_fops);
	debugfs_create_file_unsafe("inject_cmd_va", 0600, root, ndev,
				   &potnpu_inject_cmd_va_fops);
	debugfs_create_file_unsafe("inject_hang", 0200, root, ndev,
				   &potnpu_inject_hang_fops);
	debugfs_create_file("force_recovery", 0200, root, ndev,
			    &potnpu_force_recovery_fops);
}

/**
 * potnpu_debugfs_init() - create the device's debugfs files
 * @ndev: the device; its DRM debugfs directory exists
 *
 * The fault injection files only exist with
 * CONFIG_DRM_ACCEL_POTNPU_FAULT_INJECT; without it va_limit is read only.
 * The files go with the directory when the DRM device is released.
 */
void potnpu_debugfs_init(struct potnpu_device *ndev)
{
	struct dentry *root = ndev->drm.debugfs_root;

	if (!root)
		return;
	if (IS_ENABLED(CONFIG_DRM_ACCEL_POTNPU_FAULT_INJECT))
		potnpu_debugfs_init_fault_inject(ndev, root);
	else
		debugfs_create_file_unsafe("va_limit", 0400, root, ndev,
					   &potnpu_va_limit_ro_fops);
	debugfs_create_file("stats", 0400, root, ndev, &potnpu_stats_fops);
	debugfs_create_file("fw_status", 0400, root, ndev,
			    &potnpu_fw_status_fops);
	debugfs_create_file("fw_log", 0400, root, ndev, &potnpu_fw_log_fops);
}
