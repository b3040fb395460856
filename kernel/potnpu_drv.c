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

#include <linux/dma-mapping.h>
#include <linux/kref.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/pci.h>
#include <linux/slab.h>

#include <drm/drm_accel.h>
#include <drm/drm_drv.h>
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

static unsigned int job_timeout_ms = 5000;
module_param(job_timeout_ms, uint, 0444);
MODULE_PARM_DESC(job_timeout_ms,
		 "job timeout in ms, 10..600000, re-armed while the firmware makes progress (default 5000)");

/**
 * potnpu_job_timeout_ms() - the job timeout the scheduler uses
 *
 * Return: the job_timeout_ms module parameter, clamped to 10..600000.
 */
unsigned int potnpu_job_timeout_ms(void)
{
	return clamp(READ_ONCE(job_timeout_ms), 10u, 600000u);
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

static const struct file_operations potnpu_fops = {
	.owner = THIS_MODULE,
	DRM_ACCEL_FOPS,
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
