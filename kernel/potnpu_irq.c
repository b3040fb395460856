// SPDX-License-Identifier: GPL-2.0-only
/*
 * potnpu DRM accel driver: MSI-X interrupts and the probe-time interrupt
 * self-test.
 *
 * The device has POTNPU_MSIX_NUM_VECTORS MSI-X vectors; only the ping
 * vector has a handler so far. At probe the driver writes a random cookie
 * to PING and waits for the ping interrupt: only a device whose interrupt
 * path works end to end (device -> MSI-X -> handler -> completion, and the
 * cookie back in PING_DATA) gets DRM_POTNPU_CAP_IRQ. A failing self-test is
 * reported and leaves the capability clear; it does not fail the probe, so
 * the device can still be queried and diagnosed from userspace.
 */

#include <linux/interrupt.h>
#include <linux/jiffies.h>
#include <linux/pci.h>
#include <linux/random.h>

#include <drm/potnpu_accel.h>

#include "potnpu_hw.h"
#include "potnpu_irq.h"

/* Generous: under TCG emulation the interrupt takes well under 1 ms. */
#define POTNPU_IRQ_TEST_TIMEOUT_MS	1000

static irqreturn_t potnpu_irq_ping_handler(int irq, void *arg)
{
	struct potnpu_device *ndev = arg;
	u32 status;

	status = potnpu_rd(ndev, POTNPU_REG_IRQ_STATUS);
	/* All ones: the device is gone, there is nothing to acknowledge. */
	if (status == 0xffffffffu)
		return IRQ_NONE;

	status &= POTNPU_IRQ_PING;
	if (!status)
		return IRQ_NONE;

	/* RW1C: acknowledge exactly the sources handled here. */
	potnpu_wr(ndev, POTNPU_REG_IRQ_STATUS, status);
	atomic_inc(&ndev->irq.ping_count);
	complete(&ndev->irq.ping_done);
	return IRQ_HANDLED;
}

static bool potnpu_irq_self_test(struct potnpu_device *ndev)
{
	struct device *dev = potnpu_dev(ndev);
	u32 cookie, data, count_before, count, status;
	unsigned long left;

	count_before = potnpu_rd(ndev, POTNPU_REG_PING_COUNT);
	data = potnpu_rd(ndev, POTNPU_REG_PING_DATA);
	/* A cookie the device cannot already hold, nor return when dead. */
	do {
		cookie = get_random_u32();
	} while (cookie == data || cookie == 0xffffffffu);

	reinit_completion(&ndev->irq.ping_done);
	potnpu_wr(ndev, POTNPU_REG_IRQ_MASK, POTNPU_IRQ_PING);
	potnpu_wr(ndev, POTNPU_REG_PING, cookie);

	left = wait_for_completion_timeout(&ndev->irq.ping_done,
					   msecs_to_jiffies(POTNPU_IRQ_TEST_TIMEOUT_MS));

	data = potnpu_rd(ndev, POTNPU_REG_PING_DATA);
	count = potnpu_rd(ndev, POTNPU_REG_PING_COUNT);
	if (!left) {
		status = potnpu_rd(ndev, POTNPU_REG_IRQ_STATUS);
		dev_err(dev,
			"interrupt self-test: no ping interrupt within %u ms (IRQ_STATUS %#010x, PING_COUNT %u -> %u)\n",
			POTNPU_IRQ_TEST_TIMEOUT_MS, status, count_before, count);
		return false;
	}
	if (data != cookie) {
		dev_err(dev,
			"interrupt self-test: PING_DATA reads %#010x, expected cookie %#010x\n",
			data, cookie);
		return false;
	}
	if (count != count_before + 1) {
		dev_err(dev,
			"interrupt self-test: PING_COUNT went from %u to %u, expected one ping\n",
			count_before, count);
		return false;
	}
	return true;
}

/**
 * potnpu_irq_init() - set up MSI-X and run the interrupt self-test
 * @ndev: the device, reset, with every interrupt source masked
 *
 * Sets DRM_POTNPU_CAP_IRQ when the self-test passes. Any failure is
 * reported with dev_err() and leaves the interrupt sources masked and no
 * handler installed. The vectors are released by the managed PCI device.
 */
void potnpu_irq_init(struct potnpu_device *ndev)
{
	struct pci_dev *pdev = potnpu_pdev(ndev);
	struct device *dev = &pdev->dev;
	const char *name;
	int ret, irq;

	init_completion(&ndev->irq.ping_done);
	atomic_set(&ndev->irq.ping_count, 0);

	ret = pci_alloc_irq_vectors(pdev, POTNPU_MSIX_NUM_VECTORS,
				    POTNPU_MSIX_NUM_VECTORS, PCI_IRQ_MSIX);
	if (ret < 0) {
		dev_err(dev, "cannot allocate %d MSI-X vectors: %d\n",
			POTNPU_MSIX_NUM_VECTORS, ret);
		return;
	}

	irq = pci_irq_vector(pdev, POTNPU_MSIX_VEC_PING);
	if (irq < 0) {
		dev_err(dev, "no irq for the ping vector: %d\n", irq);
		return;
	}

	name = devm_kasprintf(dev, GFP_KERNEL, "%s-ping@%s", DRIVER_NAME,
			      pci_name(pdev));
	if (!name)
		return;

	ret = request_irq(irq, potnpu_irq_ping_handler, 0, name, ndev);
	if (ret) {
		dev_err(dev, "cannot request the ping irq %d: %d\n", irq, ret);
		return;
	}
	ndev->irq.ping_irq = irq;

	if (!potnpu_irq_self_test(ndev)) {
		potnpu_irq_fini(ndev);
		return;
	}
	ndev->irq.mask = POTNPU_IRQ_PING;
	ndev->capabilities |= DRM_POTNPU_CAP_IRQ;
}

/**
 * potnpu_irq_fini() - mask the device's interrupts and free the handler
 * @ndev: the device
 *
 * After this returns no handler runs, so nothing touches the registers
 * from interrupt context.
 */
void potnpu_irq_fini(struct potnpu_device *ndev)
{
	potnpu_wr(ndev, POTNPU_REG_IRQ_MASK, 0);
	if (ndev->irq.ping_irq) {
		free_irq(ndev->irq.ping_irq, ndev);
		ndev->irq.ping_irq = 0;
	}
	potnpu_wr(ndev, POTNPU_REG_IRQ_STATUS, POTNPU_IRQ_ALL);
}
