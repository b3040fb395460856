/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * potnpu DRM accel driver: the device structure shared by all parts of the
 * driver.
 */
#ifndef __POTNPU_DRV_H__
#define __POTNPU_DRV_H__

#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/idr.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/types.h>
#include <linux/wait.h>

#include <drm/drm_device.h>

#include <potnpu/potnpu_fw_validate.h>
#include <potnpu/potnpu_job.h>
#include <potnpu/potnpu_regs.h>

#include "potnpu_job.h"
#include "potnpu_sched.h"

#define DRIVER_NAME	"potnpu"
#define DRIVER_DESC	"potnpu shift-add neural processor"

/* Firmware file, relative to the firmware search path (/lib/firmware). */
#define POTNPU_FW_NAME	"potnpu/potnpu-fw.bin"

/**
 * struct potnpu_irq - interrupt state
 * @ping_irq: Linux irq number of the ping vector, 0 when not requested
 * @ping_done: completed by the ping handler
 * @ping_count: ping interrupts handled since probe
 * @mask: interrupt sources enabled (IRQ_MASK), restored after a reset
 * @job_irq: Linux irq of the job vector, 0 when not requested
 * @err_irq: Linux irq of the error vector, 0 when not requested
 * @fw_irq: Linux irq of the firmware vector, 0 when not requested
 */
struct potnpu_irq {
	int ping_irq;
	struct completion ping_done;
	atomic_t ping_count;
	u32 mask;
	int job_irq;
	int err_irq;
	int fw_irq;
};

/**
 * struct potnpu_fw - the validated firmware image
 * @info: decoded header; all zero when no image was loaded
 * @payload: devm-managed copy of the payload (@info.payload_size bytes),
 *	NULL when no image was loaded
 */
struct potnpu_fw {
	struct potnpu_fw_info info;
	const u8 *payload;
};

/**
 * struct potnpu_mmu - device MMU context slots
 * @slots: allocator of slot numbers 0..POTNPU_MMU_SLOTS-1, one per open file
 * @lock: serialises the CTX_SEL / PT_LO / PT_HI sequence
 * @va_limit: end of the VA range of files opened from now on
 *	(POTNPU_VA_SIZE; lowered through debugfs by tests)
 * @roots: root table bus address of each slot, 0 when free; what a
 *	recovery programs again after the device reset
 * @vms: every address space of the device (&potnpu_vm.link), whose
 *	tables potnpu_vm_teardown_all() frees at remove
 * @bo_lock: protects @bos
 * @bos: every BO with pages mapped for the device (&potnpu_bo.link),
 *	whose mappings potnpu_gem_release_dma_all() drops at remove
 */
struct potnpu_mmu {
	struct ida slots;
	struct mutex lock; /* CTX_SEL, the root registers, @roots, @vms */
	u64 va_limit;
	dma_addr_t roots[POTNPU_MMU_SLOTS];
	struct list_head vms;
	struct mutex bo_lock; /* @bos */
	struct list_head bos;
};

/**
 * struct potnpu_boot - the control core and its firmware
 * @core_mem: BAR4 mapping (IMEM and DMEM), NULL without CAPS.CORE
 * @fw_wait: woken by the firmware and error interrupts during a boot
 * @lock: serialises boots, recoveries and debugfs readers
 * @fw_status: POTNPU_FW_STATUS_* after the last boot (OFF: never booted)
 * @fw_error: FW_ERROR after the last boot
 * @fw_version: FW_VERSION the running firmware reported
 * @fw_abi: FW_ABI the running firmware reported
 * @fw_caps: FW_CAPS the running firmware reported
 * @boots: boots attempted
 * @boot_failures: boots that did not reach READY
 * @recoveries: device resets for recovery
 * @last_result: 0 or the errno of the last boot
 */
struct potnpu_boot {
	void __iomem *core_mem;
	wait_queue_head_t fw_wait;
	struct mutex lock; /* boot, recovery */
	u32 fw_status;
	u32 fw_error;
	u32 fw_version;
	u32 fw_abi;
	u32 fw_caps;
	unsigned int boots;
	unsigned int boot_failures;
	unsigned int recoveries;
	int last_result;
};

struct potnpu_vm;

/**
 * struct potnpu_file - per open file state
 * @refcount: the file's reference and one per job not yet freed
 * @ndev: the device
 * @vm: the file's device address space
 * @jobs: the file's scheduler entity and job records
 */
struct potnpu_file {
	struct kref refcount;
	struct potnpu_device *ndev;
	struct potnpu_vm *vm;
	struct potnpu_file_jobs jobs;
};

void potnpu_file_get(struct potnpu_file *pfile);
void potnpu_file_put(struct potnpu_file *pfile);

/**
 * struct potnpu_device - one potnpu PCI function
 * @drm: DRM device, first so that the DRM core can free us
 * @regs: BAR0 mapping; valid from probe to remove only
 * @hw_version: VERSION register read at probe
 * @hw_caps: CAPS register read at probe
 * @capabilities: DRM_POTNPU_CAP_* established at probe, constant after
 *	the DRM device is registered
 * @irq: interrupt state
 * @fw: firmware image
 * @mmu: MMU context slots
 * @boot: control core and firmware state
 * @sched: job queue
 */
struct potnpu_device {
	struct drm_device drm;
	void __iomem *regs;
	u32 hw_version;
	u32 hw_caps;
	u64 capabilities;
	struct potnpu_irq irq;
	struct potnpu_fw fw;
	struct potnpu_mmu mmu;
	struct potnpu_boot boot;
	struct potnpu_sched sched;
};

/*
 * Upper bound on count_handles of the DRM core's syncobj array ioctls on a
 * potnpu node (WAIT, TIMELINE_WAIT, RESET, SIGNAL, TIMELINE_SIGNAL,
 * QUERY). A submit takes at most DRM_POTNPU_MAX_IN_SYNCOBJS + 1; 4096
 * keeps the largest array the core allocates for one call (its 64-byte
 * wait entries) at 256 KiB, far below what makes the page allocator warn.
 */
#define POTNPU_MAX_SYNCOBJ_HANDLES	4096

size_t potnpu_ioctl_arg_size(unsigned int cmd);
int potnpu_ioctl_check(unsigned int cmd, const void *args);
unsigned int potnpu_job_timeout_ms(void);

static inline struct potnpu_device *to_potnpu(struct drm_device *drm)
{
	return container_of(drm, struct potnpu_device, drm);
}

static inline struct pci_dev *potnpu_pdev(struct potnpu_device *ndev)
{
	return to_pci_dev(ndev->drm.dev);
}

static inline struct device *potnpu_dev(struct potnpu_device *ndev)
{
	return ndev->drm.dev;
}

#endif /* __POTNPU_DRV_H__ */
