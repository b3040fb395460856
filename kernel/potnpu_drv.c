// SPDX-License-Identifier: GPL-2.0-only
/*
 * potnpu DRM accel driver: module, PCI probe and remove, DRM driver.
 *
 * Probe: allocate the DRM device, enable the PCI function, map BAR0, check
 * the device's identity, reset it, load and validate the firmware image,
 * set up MSI-X and run the interrupt self-test, boot the firmware, start
 * the scheduler, then register the accel node. Remove: unplug the DRM
 * device (open files stay valid, their ioctls fail with -ENODEV), reset
 * the device so that its core does no more DMA, free the interrupts, and
 * only then cancel the jobs in the ring (their fences signal, their
 * memory may be freed); managed resources (mapping, vectors, PCI enable,
 * memory) go after that. Shutdown quiesces the device the same way
 * without tearing the driver down.
 */

#include <linux/compat.h>
#include <linux/dma-mapping.h>
#include <linux/fs.h>
#include <linux/ioctl.h>
#include <linux/kref.h>
#include <linux/minmax.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/stddef.h>
#include <linux/uaccess.h>

#include <drm/drm_accel.h>
#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_ioctl.h>
#include <drm/drm_managed.h>
#include <drm/drm_print.h>
#include <drm/potnpu_accel.h>

#include "potnpu_boot.h"
#include "potnpu_debugfs.h"
#include "potnpu_drv.h"
#include "potnpu_fw.h"
#include "potnpu_gem.h"
#include "potnpu_hw.h"
#include "potnpu_irq.h"
#include "potnpu_job.h"
#include "potnpu_query.h"
#include "potnpu_sched.h"
#include "potnpu_vm.h"

#define POTNPU_JOB_TIMEOUT_MS_MAX	600000

static unsigned int potnpu_job_timeout = 5000;

static int potnpu_job_timeout_param_set(const char *val,
					const struct kernel_param *kp)
{
	return param_set_uint_minmax(val, kp, 1, POTNPU_JOB_TIMEOUT_MS_MAX);
}

static const struct kernel_param_ops potnpu_job_timeout_param_ops = {
	.set = potnpu_job_timeout_param_set,
	.get = param_get_uint,
};

module_param_cb(job_timeout_ms, &potnpu_job_timeout_param_ops,
		&potnpu_job_timeout, 0444);
MODULE_PARM_DESC(job_timeout_ms,
		 "Job timeout in ms, 1..600000 (default 5000), taken when a device's job scheduler is created");

/**
 * potnpu_job_timeout_ms() - the job timeout for a new scheduler
 *
 * The module parameter job_timeout_ms, range checked when it is set (at
 * load time only: it is read-only in sysfs).
 *
 * Return: the timeout in milliseconds, 1..600000.
 */
unsigned int potnpu_job_timeout_ms(void)
{
	return READ_ONCE(potnpu_job_timeout);
}

static const struct drm_ioctl_desc potnpu_drm_ioctls[] = {
	DRM_IOCTL_DEF_DRV(POTNPU_QUERY, potnpu_query_ioctl, 0),
	DRM_IOCTL_DEF_DRV(POTNPU_BO_CREATE, potnpu_bo_create_ioctl, 0),
	DRM_IOCTL_DEF_DRV(POTNPU_BO_INFO, potnpu_bo_info_ioctl, 0),
	DRM_IOCTL_DEF_DRV(POTNPU_SUBMIT, potnpu_submit_ioctl, 0),
	DRM_IOCTL_DEF_DRV(POTNPU_JOB_STATUS, potnpu_job_status_ioctl, 0),
};

/* Every file gets its own device address space and MMU slot. */
static int potnpu_open(struct drm_device *drm, struct drm_file *file)
{
	struct potnpu_device *ndev = to_potnpu(drm);
	struct potnpu_file *pfile;
	int ret, idx;

	if (!drm_dev_enter(drm, &idx))
		return -ENODEV;

	pfile = kzalloc(sizeof(*pfile), GFP_KERNEL);
	if (!pfile) {
		ret = -ENOMEM;
		goto out;
	}
	kref_init(&pfile->refcount);
	pfile->ndev = ndev;
	pfile->vm = potnpu_vm_create(ndev);
	if (IS_ERR(pfile->vm)) {
		ret = PTR_ERR(pfile->vm);
		kfree(pfile);
		goto out;
	}
	potnpu_job_file_init(ndev, pfile);
	file->driver_priv = pfile;
	ret = 0;
out:
	drm_dev_exit(idx);
	return ret;
}

static void potnpu_file_release(struct kref *ref)
{
	kfree(container_of(ref, struct potnpu_file, refcount));
}

/**
 * potnpu_file_get() - keep a file's state alive (a job of it)
 * @pfile: the file
 */
void potnpu_file_get(struct potnpu_file *pfile)
{
	kref_get(&pfile->refcount);
}

/**
 * potnpu_file_put() - drop a reference to a file's state
 * @pfile: the file
 */
void potnpu_file_put(struct potnpu_file *pfile)
{
	kref_put(&pfile->refcount, potnpu_file_release);
}

/*
 * After drm_gem_release(): the file's handles are gone. Jobs the
 * scheduler has not freed yet keep the state (not the slot) alive.
 */
static void potnpu_postclose(struct drm_device *drm, struct drm_file *file)
{
	struct potnpu_file *pfile = file->driver_priv;

	potnpu_job_file_fini(pfile->ndev, pfile);
	potnpu_vm_release_slot(pfile->vm);
	potnpu_vm_put(pfile->vm);
	pfile->vm = NULL;
	potnpu_file_put(pfile);
}

static void potnpu_show_fdinfo(struct drm_printer *p, struct drm_file *file)
{
	potnpu_job_show_fdinfo(file->driver_priv, p);
}

/*
 * The DRM core ioctls whose arguments potnpu_ioctl_check() reads: the
 * syncobj array ioctls. Their layouts have no pointer-sized or padded
 * fields, so 32-bit callers (compat) pass the same bytes.
 */
union potnpu_ioctl_args {
	struct drm_syncobj_wait wait;
	struct drm_syncobj_timeline_wait timeline_wait;
	struct drm_syncobj_array array;
	struct drm_syncobj_timeline_array timeline_array;
};

/**
 * potnpu_ioctl_arg_size() - how much of an ioctl's argument the filter reads
 * @cmd: ioctl command
 *
 * Return: the size of the DRM core's argument structure for the syncobj
 * array ioctls, whose count potnpu_ioctl_check() bounds; 0 for every
 * other command.
 */
size_t potnpu_ioctl_arg_size(unsigned int cmd)
{
	switch (_IOC_NR(cmd)) {
	case DRM_IOCTL_NR(DRM_IOCTL_SYNCOBJ_WAIT):
		return sizeof(struct drm_syncobj_wait);
	case DRM_IOCTL_NR(DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT):
		return sizeof(struct drm_syncobj_timeline_wait);
	case DRM_IOCTL_NR(DRM_IOCTL_SYNCOBJ_RESET):
	case DRM_IOCTL_NR(DRM_IOCTL_SYNCOBJ_SIGNAL):
		return sizeof(struct drm_syncobj_array);
	case DRM_IOCTL_NR(DRM_IOCTL_SYNCOBJ_TIMELINE_SIGNAL):
	case DRM_IOCTL_NR(DRM_IOCTL_SYNCOBJ_QUERY):
		return sizeof(struct drm_syncobj_timeline_array);
	default:
		return 0;
	}
}

/**
 * potnpu_ioctl_check() - refuse DRM core ioctls an accel node never serves
 * @cmd: ioctl command
 * @args: potnpu_ioctl_arg_size(@cmd) bytes of the argument, as drm_ioctl()
 *	would see them (zero beyond what the caller passed); unused when
 *	that size is 0
 *
 * drm_ioctl() dispatches core ioctls on the number alone, so the number is
 * what is checked, whatever the size, direction and type bits of @cmd.
 * Refused with -EOPNOTSUPP: the master and authentication ioctls
 * (GET_MAGIC and GET_UNIQUE dereference the master an accel file does not
 * have), the legacy ones and every modeset and display ioctl. Refused with
 * -EINVAL: a syncobj array ioctl with more than POTNPU_MAX_SYNCOBJ_HANDLES
 * handles. Driver ioctls and everything else pass.
 *
 * Return: 0 when the ioctl may go on to drm_ioctl(), or a negative errno.
 */
int potnpu_ioctl_check(unsigned int cmd, const void *args)
{
	const union potnpu_ioctl_args *a = args;
	unsigned int nr = _IOC_NR(cmd);
	u32 count;

	/* The modeset block, lease ioctls, MODE_GETFB2 and MODE_CLOSEFB. */
	if ((nr >= DRM_IOCTL_NR(DRM_IOCTL_MODE_GETRESOURCES) &&
	     nr <= DRM_IOCTL_NR(DRM_IOCTL_MODE_DESTROYPROPBLOB)) ||
	    (nr >= DRM_IOCTL_NR(DRM_IOCTL_MODE_CREATE_LEASE) &&
	     nr <= DRM_IOCTL_NR(DRM_IOCTL_MODE_REVOKE_LEASE)) ||
	    nr == DRM_IOCTL_NR(DRM_IOCTL_MODE_GETFB2) ||
	    nr == DRM_IOCTL_NR(DRM_IOCTL_MODE_CLOSEFB))
		return -EOPNOTSUPP;

	switch (nr) {
	/* Master and authentication: an accel file is never a master. */
	case DRM_IOCTL_NR(DRM_IOCTL_GET_UNIQUE):
	case DRM_IOCTL_NR(DRM_IOCTL_GET_MAGIC):
	case DRM_IOCTL_NR(DRM_IOCTL_SET_VERSION):
	case DRM_IOCTL_NR(DRM_IOCTL_SET_UNIQUE):
	case DRM_IOCTL_NR(DRM_IOCTL_AUTH_MAGIC):
	case DRM_IOCTL_NR(DRM_IOCTL_SET_MASTER):
	case DRM_IOCTL_NR(DRM_IOCTL_DROP_MASTER):
	/* Legacy. */
	case DRM_IOCTL_NR(DRM_IOCTL_GET_CLIENT):
	case DRM_IOCTL_NR(DRM_IOCTL_GET_STATS):
	case DRM_IOCTL_NR(DRM_IOCTL_BLOCK):
	case DRM_IOCTL_NR(DRM_IOCTL_UNBLOCK):
	case DRM_IOCTL_NR(DRM_IOCTL_ADD_DRAW):
	case DRM_IOCTL_NR(DRM_IOCTL_RM_DRAW):
	case DRM_IOCTL_NR(DRM_IOCTL_FINISH):
	case DRM_IOCTL_NR(DRM_IOCTL_UPDATE_DRAW):
	/* Display: client caps, vblank, CRTC sequences. */
	case DRM_IOCTL_NR(DRM_IOCTL_SET_CLIENT_CAP):
	case DRM_IOCTL_NR(DRM_IOCTL_WAIT_VBLANK):
	case DRM_IOCTL_NR(DRM_IOCTL_CRTC_GET_SEQUENCE):
	case DRM_IOCTL_NR(DRM_IOCTL_CRTC_QUEUE_SEQUENCE):
		return -EOPNOTSUPP;
	case DRM_IOCTL_NR(DRM_IOCTL_SYNCOBJ_WAIT):
		count = a->wait.count_handles;
		break;
	case DRM_IOCTL_NR(DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT):
		count = a->timeline_wait.count_handles;
		break;
	case DRM_IOCTL_NR(DRM_IOCTL_SYNCOBJ_RESET):
	case DRM_IOCTL_NR(DRM_IOCTL_SYNCOBJ_SIGNAL):
		count = a->array.count_handles;
		break;
	case DRM_IOCTL_NR(DRM_IOCTL_SYNCOBJ_TIMELINE_SIGNAL):
	case DRM_IOCTL_NR(DRM_IOCTL_SYNCOBJ_QUERY):
		count = a->timeline_array.count_handles;
		break;
	default:
		return 0;
	}
	return count > POTNPU_MAX_SYNCOBJ_HANDLES ? -EINVAL : 0;
}

/*
 * Copy in what potnpu_ioctl_check() reads, the way drm_ioctl() does: the
 * caller's bytes up to _IOC_SIZE(cmd) for commands with _IOC_WRITE, zero
 * beyond. Another thread can still change the count between this copy and
 * drm_ioctl()'s own; only the DRM core can close that (see
 * docs/upstream-drm-accel-ioctls.md).
 */
static int potnpu_ioctl_filter(unsigned int cmd, void __user *uarg)
{
	union potnpu_ioctl_args args = {};
	size_t size = potnpu_ioctl_arg_size(cmd);

	if (size && (_IOC_DIR(cmd) & _IOC_WRITE)) {
		size = min_t(size_t, size, _IOC_SIZE(cmd));
		if (copy_from_user(&args, uarg, size))
			return -EFAULT;
	}
	return potnpu_ioctl_check(cmd, &args);
}

static long potnpu_ioctl(struct file *filp, unsigned int cmd,
			 unsigned long arg)
{
	int ret = potnpu_ioctl_filter(cmd, (void __user *)arg);

	return ret ? ret : drm_ioctl(filp, cmd, arg);
}

#ifdef CONFIG_COMPAT
static long potnpu_compat_ioctl(struct file *filp, unsigned int cmd,
				unsigned long arg)
{
	int ret = potnpu_ioctl_filter(cmd, compat_ptr(arg));

	return ret ? ret : drm_compat_ioctl(filp, cmd, arg);
}
#else
#define potnpu_compat_ioctl NULL
#endif

/* DRM_ACCEL_FOPS with the ioctl entries filtered. */
static const struct file_operations potnpu_fops = {
	.owner = THIS_MODULE,
	.open = accel_open,
	.release = drm_release,
	.unlocked_ioctl = potnpu_ioctl,
	.compat_ioctl = potnpu_compat_ioctl,
	.poll = drm_poll,
	.read = drm_read,
	.llseek = noop_llseek,
	.mmap = drm_gem_mmap,
	.fop_flags = FOP_UNSIGNED_OFFSET,
	.show_fdinfo = drm_show_fdinfo,
};

static const struct drm_driver potnpu_drm_driver = {
	.driver_features = DRIVER_GEM | DRIVER_COMPUTE_ACCEL | DRIVER_SYNCOBJ |
			   DRIVER_SYNCOBJ_TIMELINE,
	.open = potnpu_open,
	.postclose = potnpu_postclose,
	.show_fdinfo = potnpu_show_fdinfo,
	.gem_create_object = potnpu_gem_create_object,
	.ioctls = potnpu_drm_ioctls,
	.num_ioctls = ARRAY_SIZE(potnpu_drm_ioctls),
	.fops = &potnpu_fops,
	.name = DRIVER_NAME,
	.desc = DRIVER_DESC,
	.major = DRM_POTNPU_UAPI_MAJOR,
	.minor = DRM_POTNPU_UAPI_MINOR,
};

static void potnpu_sched_release(struct drm_device *drm, void *arg)
{
	potnpu_sched_fini(arg);
}

static int potnpu_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct potnpu_device *ndev;
	int ret;

	ndev = devm_drm_dev_alloc(&pdev->dev, &potnpu_drm_driver,
				  struct potnpu_device, drm);
	if (IS_ERR(ndev))
		return PTR_ERR(ndev);
	pci_set_drvdata(pdev, ndev);
	/* The interrupt handlers use these from the first interrupt on. */
	init_waitqueue_head(&ndev->boot.fw_wait);

	ret = pcim_enable_device(pdev);
	if (ret) {
		dev_err(&pdev->dev, "cannot enable the PCI device: %d\n", ret);
		return ret;
	}

	/* Page table entries hold 52-bit bus addresses. */
	ret = dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(52));
	if (ret) {
		dev_err(&pdev->dev, "no usable DMA addressing: %d\n", ret);
		return ret;
	}
	potnpu_mmu_init(ndev);

	ret = potnpu_hw_map(ndev);
	if (ret)
		return ret;

	/* Identity first: nothing is written to a device we do not know. */
	ret = potnpu_hw_init(ndev);
	if (ret)
		return ret;

	ret = potnpu_sched_early_init(ndev);
	if (ret)
		goto err_reset;

	ret = potnpu_fw_init(ndev);
	if (ret)
		goto err_reset;

	/* MSI-X messages are memory writes from the device. */
	pci_set_master(pdev);
	potnpu_irq_init(ndev);

	/* Runs the firmware on the control core, when the device has one. */
	ret = potnpu_boot_init(ndev);
	if (ret)
		goto err_irq;

	/* Jobs need a ready firmware; without, submits are -ENODEV. */
	ret = potnpu_sched_init(ndev);
	if (!ret)
		ret = drmm_add_action_or_reset(&ndev->drm, potnpu_sched_release,
					       ndev);
	if (ret)
		goto err_irq;

	ret = drm_dev_register(&ndev->drm, 0);
	if (ret) {
		dev_err(&pdev->dev, "cannot register the DRM device: %d\n", ret);
		goto err_irq;
	}

	potnpu_debugfs_init(ndev);

	dev_info(&pdev->dev,
		 "potnpu host interface %u.%u, caps %#x, capabilities %#llx, accel minor %d\n",
		 POTNPU_VERSION_MAJOR(ndev->hw_version),
		 POTNPU_VERSION_MINOR(ndev->hw_version), ndev->hw_caps,
		 ndev->capabilities, ndev->drm.accel->index);
	return 0;

err_irq:
	potnpu_hw_reset(ndev);
	potnpu_irq_fini(ndev);
	potnpu_sched_stop(ndev);
err_reset:
	potnpu_hw_fini(ndev);
	return ret;
}

static void potnpu_remove(struct pci_dev *pdev)
{
	struct potnpu_device *ndev = pci_get_drvdata(pdev);

	/* No new ioctl gets past drm_dev_enter(), running ones are waited for. */
	drm_dev_unplug(&ndev->drm);
	/* No DMA in flight before any job's fence signals. */
	potnpu_hw_reset(ndev);
	potnpu_irq_fini(ndev);
	potnpu_sched_stop(ndev);
	/* Open files keep their address spaces, not the device's memory. */
	potnpu_vm_teardown_all(ndev);
	potnpu_gem_release_dma_all(ndev);
	potnpu_hw_fini(ndev);
}

/*
 * Reboot or kexec: the device stops its DMA and interrupts; nothing else
 * is torn down (the system is going away).
 */
static void potnpu_shutdown(struct pci_dev *pdev)
{
	struct potnpu_device *ndev = pci_get_drvdata(pdev);

	scoped_guard(spinlock_irqsave, &ndev->sched.lock)
		ndev->sched.ready = false;
	potnpu_hw_quiesce(ndev);
}

static const struct pci_device_id potnpu_pci_ids[] = {
	{ PCI_DEVICE(POTNPU_PCI_VENDOR_ID, POTNPU_PCI_DEVICE_ID) },
	{ }
};
MODULE_DEVICE_TABLE(pci, potnpu_pci_ids);

static struct pci_driver potnpu_pci_driver = {
	.name = KBUILD_MODNAME,
	.id_table = potnpu_pci_ids,
	.probe = potnpu_probe,
	.remove = potnpu_remove,
	.shutdown = potnpu_shutdown,
};
module_pci_driver(potnpu_pci_driver);

MODULE_AUTHOR("The potnpu authors");
MODULE_DESCRIPTION(DRIVER_DESC);
MODULE_LICENSE("GPL");
