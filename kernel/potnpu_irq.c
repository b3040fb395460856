// SPDX-License-Identifier: GPL-2.0-only
/*
 * potnpu DRM accel driver: the MSI-X interrupt handlers and the
 * probe-time interrupt self-test.
 *
 * The device has POTNPU_MSIX_NUM_VECTORS MSI-X vectors, each with its own
 * handler: ping (the self-test), job (completion records, handed to
 * potnpu_sched_complete()), error (core halted, watchdog, MMU fault) and
 * firmware (FW_STATUS changed: wakes a boot waiting for the firmware, and
 * a firmware that fails while serving jobs gets a recovery). Every handler
 * acknowledges exactly its own IRQ_STATUS bits and treats an all-ones read
 * as a device that is gone. At probe the driver writes a random cookie
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
#include "potnpu_sched.h"
#include "potnpu_trace.h"

/* Generous: under TCG emulation the interrupt takes well under 1 ms. */
#define POTNPU_IRQ_TEST_TIMEOUT_MS	1000

static irqreturn_t potnpu_irq_ping_handler(int irq, void *arg)
{
	struct potnpu_device *ndev = arg;
	u32 status;

	status = potnpu_rd(ndev, POTNPU_REG_IRQ_STATUS);
	/* All ones: the device is gone, there is nothing to acknowledge. */
	if (status == POTNPU_REG_DEAD)
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
	} while (cookie == data || cookie == POTNPU_REG_DEAD);

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
	ret = potnpu_irq_request_events(ndev);
	if (ret) {
		dev_err(dev, "cannot request the job and event irqs: %d\n", ret);
		potnpu_irq_fini(ndev);
		return;
	}
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
	potnpu_irq_free_events(ndev);
	if (ndev->irq.ping_irq) {
		free_irq(ndev->irq.ping_irq, ndev);
		ndev->irq.ping_irq = 0;
	}
	potnpu_wr(ndev, POTNPU_REG_IRQ_STATUS, POTNPU_IRQ_ALL);
}

/* Read and acknowledge the @bits of IRQ_STATUS that are pending. */
static u32 potnpu_irq_ack(struct potnpu_device *ndev, u32 bits)
{
	u32 status = potnpu_rd(ndev, POTNPU_REG_IRQ_STATUS);

	if (status == POTNPU_REG_DEAD)
		return 0;
	status &= bits;
	if (status)
		potnpu_wr(ndev, POTNPU_REG_IRQ_STATUS, status);
	return status;
}

static irqreturn_t potnpu_irq_job_handler(int irq, void *arg)
{
	struct potnpu_device *ndev = arg;

	if (!potnpu_irq_ack(ndev, POTNPU_IRQ_JOB))
		return IRQ_NONE;
	potnpu_sched_complete(ndev);
	return IRQ_HANDLED;
}

/* An MMU fault is the faulting job's business: count it, clear the latch. */
static void potnpu_irq_mmu_fault(struct potnpu_device *ndev)
{
	u32 mmu = potnpu_rd(ndev, POTNPU_REG_MMU_FAULT_STATUS);
	u64 va;

	if (mmu == POTNPU_REG_DEAD || !(mmu & POTNPU_MMU_FAULT_VALID))
		return;
	va = (u64)potnpu_rd(ndev, POTNPU_REG_MMU_FAULT_ADDR_HI) << 32 |
	     potnpu_rd(ndev, POTNPU_REG_MMU_FAULT_ADDR);
	trace_potnpu_mmu_fault(potnpu_dev(ndev), POTNPU_MMU_FAULT_SLOT(mmu),
			       va, POTNPU_MMU_FAULT_REASON(mmu),
			       mmu & POTNPU_MMU_FAULT_WRITE);
	potnpu_wr(ndev, POTNPU_REG_MMU_FAULT_STATUS, mmu);
	atomic_inc(&ndev->sched.mmu_faults);
}

/*
 * A halted core or a firmware that reports FAILED while it was serving
 * jobs gets a recovery, from a work item; a boot waiting for the firmware
 * is woken either way.
 */
static void potnpu_irq_fw_stopped(struct potnpu_device *ndev)
{
	wake_up_all(&ndev->boot.fw_wait);
	/* Only a firmware that was serving jobs: no loop on a bad image. */
	if (READ_ONCE(ndev->boot.fw_status) == POTNPU_FW_STATUS_READY)
		schedule_work(&ndev->sched.recover_work);
}

static irqreturn_t potnpu_irq_error_handler(int irq, void *arg)
{
	struct potnpu_device *ndev = arg;
	u32 core;

	if (!potnpu_irq_ack(ndev, POTNPU_IRQ_ERROR))
		return IRQ_NONE;
	potnpu_irq_mmu_fault(ndev);
	core = potnpu_rd(ndev, POTNPU_REG_CORE_STATUS);
	if (core == POTNPU_REG_DEAD ||
	    !(core & (POTNPU_CORE_STATUS_TRAPPED | POTNPU_CORE_STATUS_WATCHDOG)))
		return IRQ_HANDLED;
	atomic_inc(&ndev->sched.core_halts);
	potnpu_irq_fw_stopped(ndev);
	return IRQ_HANDLED;
}

static irqreturn_t potnpu_irq_fw_handler(int irq, void *arg)
{
	struct potnpu_device *ndev = arg;

	if (!potnpu_irq_ack(ndev, POTNPU_IRQ_FW))
		return IRQ_NONE;
	if (potnpu_rd(ndev, POTNPU_REG_FW_STATUS) != POTNPU_FW_STATUS_FAILED) {
		/* READY (or BOOTING): news for a boot that waits. */
		wake_up_all(&ndev->boot.fw_wait);
		return IRQ_HANDLED;
	}
	atomic_inc(&ndev->sched.fw_failures);
	potnpu_irq_fw_stopped(ndev);
	return IRQ_HANDLED;
}

static int potnpu_irq_request(struct potnpu_device *ndev, int vector,
			      irq_handler_t handler, const char *what,
			      int *out)
{
	struct pci_dev *pdev = potnpu_pdev(ndev);
	const char *name;
	int irq, ret;

	irq = pci_irq_vector(pdev, vector);
	if (irq < 0)
		return irq;
	name = devm_kasprintf(&pdev->dev, GFP_KERNEL, "%s-%s@%s", DRIVER_NAME,
			      what, pci_name(pdev));
	if (!name)
		return -ENOMEM;
	ret = request_irq(irq, handler, 0, name, ndev);
	if (ret)
		return ret;
	*out = irq;
	return 0;
}

/**
 * potnpu_irq_request_events() - the job, error and firmware handlers
 * @ndev: the device, with DRM_POTNPU_CAP_IRQ
 *
 * Requested before the firmware boots, so that the boot waits for the
 * firmware's interrupt; the sources stay masked until someone needs them.
 *
 * Return: 0 or a negative errno (nothing is left requested).
 */
int potnpu_irq_request_events(struct potnpu_device *ndev)
{
	struct potnpu_irq *irq = &ndev->irq;
	int ret;

	ret = potnpu_irq_request(ndev, POTNPU_MSIX_VEC_JOB,
				 potnpu_irq_job_handler, "job", &irq->job_irq);
	if (!ret)
		ret = potnpu_irq_request(ndev, POTNPU_MSIX_VEC_ERROR,
					 potnpu_irq_error_handler, "error",
					 &irq->err_irq);
	if (!ret)
		ret = potnpu_irq_request(ndev, POTNPU_MSIX_VEC_FW,
					 potnpu_irq_fw_handler, "fw",
					 &irq->fw_irq);
	if (ret)
		potnpu_irq_free_events(ndev);
	return ret;
}

/**
 * potnpu_irq_free_events() - free the job, error and firmware handlers
 * @ndev: the device
 *
 * After this returns none of them runs.
 */
void potnpu_irq_free_events(struct potnpu_device *ndev)
{
	struct potnpu_irq *irq = &ndev->irq;

	if (irq->job_irq)
		free_irq(irq->job_irq, ndev);
	if (irq->err_irq)
		free_irq(irq->err_irq, ndev);
	if (irq->fw_irq)
		free_irq(irq->fw_irq, ndev);
	irq->job_irq = 0;
	irq->err_irq = 0;
	irq->fw_irq = 0;
}
