// SPDX-License-Identifier: GPL-2.0-only
/*
 * potnpu DRM accel driver: BAR0 mapping, identity check and reset.
 *
 * MMIO happens only between potnpu_hw_map() in probe and potnpu_hw_fini()
 * in remove (or in the unwinding of a failed probe). Paths reachable from
 * userspace (job submission through the scheduler, BO mapping, debugfs)
 * touch the registers only inside drm_dev_enter(), so never after remove
 * began; the query ioctl reports values cached at probe and boot.
 */

#include <linux/iopoll.h>
#include <linux/pci.h>

#include "potnpu_hw.h"

/* How long the device may take to report READY after a reset. */
#define POTNPU_RESET_POLL_US		10
#define POTNPU_RESET_TIMEOUT_MS		100

/* Written to SCRATCH and read back at probe, with its complement. */
#define POTNPU_SCRATCH_PATTERN		0xa5c3f00fu

int potnpu_hw_map(struct potnpu_device *ndev)
{
	struct pci_dev *pdev = potnpu_pdev(ndev);
	void __iomem *regs;

	if (!(pci_resource_flags(pdev, POTNPU_BAR_REGS) & IORESOURCE_MEM) ||
	    pci_resource_len(pdev, POTNPU_BAR_REGS) < POTNPU_BAR_REGS_SIZE) {
		dev_err(&pdev->dev,
			"BAR%d is not a memory BAR of at least %#x bytes\n",
			POTNPU_BAR_REGS, POTNPU_BAR_REGS_SIZE);
		return -ENODEV;
	}

	regs = pcim_iomap_region(pdev, POTNPU_BAR_REGS, DRIVER_NAME);
	if (IS_ERR(regs)) {
		dev_err(&pdev->dev, "cannot map BAR%d: %ld\n", POTNPU_BAR_REGS,
			PTR_ERR(regs));
		return PTR_ERR(regs);
	}
	ndev->regs = regs;
	return 0;
}

/* Refuse anything that is not a potnpu speaking a host interface we know. */
static int potnpu_hw_check_identity(struct potnpu_device *ndev)
{
	struct device *dev = potnpu_dev(ndev);
	u32 id, version;

	id = potnpu_rd(ndev, POTNPU_REG_ID);
	if (id != POTNPU_ID_MAGIC) {
		dev_err(dev,
			"unknown device: ID register reads %#010x, expected %#010x\n",
			id, POTNPU_ID_MAGIC);
		return -ENODEV;
	}

	version = potnpu_rd(ndev, POTNPU_REG_VERSION);
	if (POTNPU_VERSION_MAJOR(version) !=
	    POTNPU_VERSION_MAJOR(POTNPU_HW_VERSION)) {
		dev_err(dev,
			"unsupported host interface version %u.%u: this driver supports %u.x\n",
			POTNPU_VERSION_MAJOR(version),
			POTNPU_VERSION_MINOR(version),
			POTNPU_VERSION_MAJOR(POTNPU_HW_VERSION));
		return -ENODEV;
	}

	ndev->hw_version = version;
	ndev->hw_caps = potnpu_rd(ndev, POTNPU_REG_CAPS);
	return 0;
}

/* Mask every interrupt source and acknowledge whatever is pending. */
static void potnpu_hw_irq_quiesce(struct potnpu_device *ndev)
{
	potnpu_wr(ndev, POTNPU_REG_IRQ_MASK, 0);
	potnpu_wr(ndev, POTNPU_REG_IRQ_STATUS, POTNPU_IRQ_ALL);
}

/**
 * potnpu_hw_reset() - reset the device and wait until it reports READY
 * @ndev: the device
 *
 * Return: 0, or -ETIMEDOUT if READY did not come up in time.
 */
int potnpu_hw_reset(struct potnpu_device *ndev)
{
	u32 status;
	int ret;

	potnpu_wr(ndev, POTNPU_REG_RESET, POTNPU_RESET_MAGIC);
	ret = readl_poll_timeout(ndev->regs + POTNPU_REG_STATUS, status,
				 status != POTNPU_REG_DEAD &&
				 (status & POTNPU_STATUS_READY),
				 POTNPU_RESET_POLL_US,
				 POTNPU_RESET_TIMEOUT_MS * 1000);
	if (ret)
		dev_err(potnpu_dev(ndev),
			"device not ready %u ms after reset (STATUS %#010x)\n",
			POTNPU_RESET_TIMEOUT_MS, status);
	return ret;
}

/* The register path must return what was written, bit for bit. */
static int potnpu_hw_check_scratch(struct potnpu_device *ndev)
{
	static const u32 patterns[] = {
		POTNPU_SCRATCH_PATTERN, ~POTNPU_SCRATCH_PATTERN, 0,
	};
	unsigned int i;
	u32 val;

	for (i = 0; i < ARRAY_SIZE(patterns); i++) {
		potnpu_wr(ndev, POTNPU_REG_SCRATCH, patterns[i]);
		val = potnpu_rd(ndev, POTNPU_REG_SCRATCH);
		if (val != patterns[i]) {
			dev_err(potnpu_dev(ndev),
				"SCRATCH register reads %#010x after writing %#010x\n",
				val, patterns[i]);
			return -EIO;
		}
	}
	return 0;
}

/**
 * potnpu_hw_init() - bring the device to a known state at probe
 * @ndev: the device, with BAR0 mapped
 *
 * Checks the identity before writing anything, then resets the device,
 * checks the register path and leaves every interrupt source masked.
 *
 * Return: 0 or a negative errno. A device whose identity is not
 * recognised is left alone; any later failure leaves it quiesced and reset.
 */
int potnpu_hw_init(struct potnpu_device *ndev)
{
	int ret;

	ret = potnpu_hw_check_identity(ndev);
	if (ret)
		return ret;

	ret = potnpu_hw_reset(ndev);
	if (!ret) {
		potnpu_hw_irq_quiesce(ndev);
		ret = potnpu_hw_check_scratch(ndev);
	}
	if (ret)
		potnpu_hw_fini(ndev);
	return ret;
}

/**
 * potnpu_hw_quiesce() - no interrupt, no DMA: mask and reset the device
 * @ndev: the device
 *
 * Does not wait for the reset to complete (shutdown, remove).
 */
void potnpu_hw_quiesce(struct potnpu_device *ndev)
{
	if (!ndev->regs)
		return;
	potnpu_hw_irq_quiesce(ndev);
	potnpu_wr(ndev, POTNPU_REG_RESET, POTNPU_RESET_MAGIC);
}

/**
 * potnpu_hw_fini() - quiesce and reset the device at remove
 * @ndev: the device
 *
 * Last MMIO access of the driver. Registers are not touched after this.
 */
void potnpu_hw_fini(struct potnpu_device *ndev)
{
	potnpu_hw_quiesce(ndev);
	ndev->regs = NULL;
}
