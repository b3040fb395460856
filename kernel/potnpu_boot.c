// SPDX-License-Identifier: GPL-2.0-only
/*
 * potnpu DRM accel driver: firmware upload and boot of the control core.
 *
 * With CAPS.CORE the device has an RV32I control core that runs the
 * firmware. At probe, and again for every recovery, the driver:
 *
 *  1. halts the core (CORE_CTRL = 0; a recovery resets the whole device
 *     first, which halts it and clears its memories, the MMU and the
 *     queues);
 *  2. copies the validated payload into IMEM through the BAR4 window at
 *     the image's load address and reads every word back;
 *  3. writes HOST_ABI (the driver's POTNPU_FW_ABI_VERSION), the root of
 *     every MMU slot in use, the (emptied) job queue and completion rings
 *     of potnpu_sched.c, and CORE_ENTRY;
 *  4. sets CORE_CTRL.RUN and waits, bounded by POTNPU_BOOT_TIMEOUT_MS,
 *     for the firmware's interrupt (IRQ_FW when FW_STATUS changes,
 *     IRQ_ERROR when the core halts) until it reports READY or FAILED or
 *     the core halted. Without working interrupts it polls FW_STATUS.
 *
 * A firmware that fails to boot is reported with dev_err(), naming the
 * file, the reason (FW_ERROR or the core's fault registers), both
 * versions and the last lines of its log; the core is halted and the
 * probe goes on, so the state can be inspected in debugfs and the query,
 * and a recovery can be forced.
 */

#include <linux/bitops.h>
#include <linux/delay.h>
#include <linux/dma-mapping.h>
#include <linux/ktime.h>
#include <linux/overflow.h>
#include <linux/pci.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/unaligned.h>

#include <drm/drm_drv.h>
#include <drm/drm_managed.h>
#include <drm/potnpu_accel.h>

#include <potnpu/potnpu_core.h>
#include <potnpu/potnpu_job.h>

#include "potnpu_boot.h"
#include "potnpu_drv.h"
#include "potnpu_hw.h"
#include "potnpu_sched.h"

/* Boot takes well under a millisecond of emulated time; TCG is slow. */
#define POTNPU_BOOT_POLL_US		100
#define POTNPU_BOOT_TIMEOUT_MS		2000

/* Log lines printed with a boot failure. */
#define POTNPU_BOOT_LOG_TAIL		512

const char *potnpu_fw_status_name(u32 status)
{
	switch (status) {
	case POTNPU_FW_STATUS_OFF:
		return "off";
	case POTNPU_FW_STATUS_BOOTING:
		return "booting";
	case POTNPU_FW_STATUS_READY:
		return "ready";
	case POTNPU_FW_STATUS_FAILED:
		return "failed";
	}
	return "unknown";
}

const char *potnpu_fw_error_name(u32 error)
{
	switch (error) {
	case POTNPU_FW_ERR_NONE:
		return "no error";
	case POTNPU_FW_ERR_ABI:
		return "the firmware does not support the driver's ABI";
	case POTNPU_FW_ERR_QUEUE:
		return "the firmware rejected the job queue registers";
	case POTNPU_FW_ERR_INTERNAL:
		return "internal firmware error (trap)";
	}
	return "unknown error";
}

/**
 * potnpu_fw_log_window() - where the readable part of the log ring is
 * @base: FW_LOG_BASE, DMEM offset of the ring
 * @size: FW_LOG_SIZE
 * @head: FW_LOG_HEAD, bytes ever written
 * @start: out: ring offset (0..@size-1) of the oldest byte still there
 * @len: out: bytes to read from there, wrapping at @size
 *
 * The firmware is not trusted to publish sane values: the ring must be a
 * power of two of at least 4 bytes, 4-byte aligned and inside DMEM.
 *
 * Return: 0 (@len is 0 when no log was published), -EINVAL for a ring
 * that cannot be read.
 */
int potnpu_fw_log_window(u32 base, u32 size, u32 head, u32 *start, u32 *len)
{
	u32 end;

	*start = 0;
	*len = 0;
	if (!size && !base && !head)
		return 0;
	if (size < 4 || !is_power_of_2(size) || !IS_ALIGNED(base, 4) ||
	    check_add_overflow(base, size, &end) ||
	    end > POTNPU_CORE_DMEM_SIZE)
		return -EINVAL;
	*len = min(head, size);
	*start = (head - *len) & (size - 1);
	return 0;
}

static bool potnpu_core_halted(u32 core_status)
{
	return !(core_status & POTNPU_CORE_STATUS_RUNNING) ||
	       (core_status & (POTNPU_CORE_STATUS_TRAPPED |
			       POTNPU_CORE_STATUS_WATCHDOG));
}

/* Copy the payload into IMEM and check it arrived, word by word. */
static int potnpu_boot_upload(struct potnpu_device *ndev)
{
	const struct potnpu_fw_info *info = &ndev->fw.info;
	void __iomem *dst;
	u32 end, i, word, back;

	if (check_add_overflow(info->load_addr, info->payload_size, &end) ||
	    end > POTNPU_CORE_IMEM_SIZE || !IS_ALIGNED(info->load_addr, 4) ||
	    !IS_ALIGNED(info->payload_size, 4))
		return -EINVAL;

	dst = ndev->boot.core_mem + POTNPU_CORE_IMEM_BASE + info->load_addr;
	for (i = 0; i < info->payload_size; i += 4) {
		word = get_unaligned_le32(ndev->fw.payload + i);
		writel(word, dst + i);
	}
	for (i = 0; i < info->payload_size; i += 4) {
		word = get_unaligned_le32(ndev->fw.payload + i);
		back = readl(dst + i);
		if (back != word) {
			dev_err(potnpu_dev(ndev),
				"firmware %s: IMEM reads %#010x at %#x after writing %#010x\n",
				POTNPU_FW_NAME, back, info->load_addr + i, word);
			return -EIO;
		}
	}
	return 0;
}

static void potnpu_boot_program(struct potnpu_device *ndev)
{
	unsigned int slot;

	potnpu_wr(ndev, POTNPU_REG_HOST_ABI, POTNPU_FW_ABI_VERSION);
	potnpu_wr(ndev, POTNPU_REG_CORE_ENTRY, ndev->fw.info.entry);
	if (!(ndev->hw_caps & POTNPU_CAP_MMU))
		goto jobq;

	mutex_lock(&ndev->mmu.lock);
	for (slot = 0; slot < POTNPU_MMU_SLOTS; slot++) {
		potnpu_wr(ndev, POTNPU_REG_MMU_CTX_SEL, slot);
		potnpu_wr(ndev, POTNPU_REG_MMU_PT_LO,
			  lower_32_bits(ndev->mmu.roots[slot]));
		potnpu_wr(ndev, POTNPU_REG_MMU_PT_HI,
			  upper_32_bits(ndev->mmu.roots[slot]));
	}
	potnpu_wr(ndev, POTNPU_REG_MMU_INVALIDATE, POTNPU_MMU_INVALIDATE_ALL);
	mutex_unlock(&ndev->mmu.lock);

jobq:
	potnpu_sched_program_rings(ndev);
}

/* Print the end of the firmware's log, line by line, with an error. */
static void potnpu_boot_log_tail(struct potnpu_device *ndev)
{
	u32 base, size, head, start, len, i, n;
	char *buf, *line, *next;

	base = potnpu_rd(ndev, POTNPU_REG_FW_LOG_BASE);
	size = potnpu_rd(ndev, POTNPU_REG_FW_LOG_SIZE);
	head = potnpu_rd(ndev, POTNPU_REG_FW_LOG_HEAD);
	if (potnpu_fw_log_window(base, size, head, &start, &len) || !len)
		return;
	n = min_t(u32, len, POTNPU_BOOT_LOG_TAIL);
	start = (start + len - n) & (size - 1);

	buf = kmalloc(n + 1, GFP_KERNEL);
	if (!buf)
		return;
	for (i = 0; i < n; i++) {
		u32 off = (start + i) & (size - 1);
		u32 word = readl(ndev->boot.core_mem + POTNPU_CORE_DMEM_BASE +
				 base + (off & ~3u));

		buf[i] = word >> (8 * (off & 3));
		if (buf[i] != '\n' && (buf[i] < 0x20 || buf[i] > 0x7e))
			buf[i] = '?';
	}
	buf[n] = 0;
	/* The first line may be cut: skip it unless it is the only one. */
	line = strchr(buf, '\n');
	line = line && line[1] && n < len ? line + 1 : buf;
	for (; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		dev_err(potnpu_dev(ndev), "firmware log: %s\n", line);
	}
	kfree(buf);
}

static void potnpu_boot_report_failure(struct potnpu_device *ndev,
				       u32 status, u32 core_status)
{
	struct device *dev = potnpu_dev(ndev);
	u32 img = ndev->fw.info.fw_version;
	u32 run = potnpu_rd(ndev, POTNPU_REG_FW_VERSION);
	u32 abi = potnpu_rd(ndev, POTNPU_REG_FW_ABI);

	if (status == POTNPU_FW_STATUS_FAILED) {
		u32 err = potnpu_rd(ndev, POTNPU_REG_FW_ERROR);

		dev_err(dev,
			"firmware %s failed to boot: %s (FW_ERROR %u); firmware %u.%u.%u speaks ABI %u.%u.%u, the driver %u.%u.%u\n",
			POTNPU_FW_NAME, potnpu_fw_error_name(err), err,
			POTNPU_FW_VER_MAJOR(run), POTNPU_FW_VER_MINOR(run),
			POTNPU_FW_VER_PATCH(run), POTNPU_FW_VER_MAJOR(abi),
			POTNPU_FW_VER_MINOR(abi), POTNPU_FW_VER_PATCH(abi),
			POTNPU_FW_VER_MAJOR(POTNPU_FW_ABI_VERSION),
			POTNPU_FW_VER_MINOR(POTNPU_FW_ABI_VERSION),
			POTNPU_FW_VER_PATCH(POTNPU_FW_ABI_VERSION));
	} else if (potnpu_core_halted(core_status)) {
		dev_err(dev,
			"firmware %s (version %u.%u.%u) halted the core during boot: CORE_STATUS %#x, mcause %#x at pc %#x, mtval %#x\n",
			POTNPU_FW_NAME, POTNPU_FW_VER_MAJOR(img),
			POTNPU_FW_VER_MINOR(img), POTNPU_FW_VER_PATCH(img),
			core_status,
			potnpu_rd(ndev, POTNPU_REG_CORE_FAULT_CAUSE),
			potnpu_rd(ndev, POTNPU_REG_CORE_FAULT_PC),
			potnpu_rd(ndev, POTNPU_REG_CORE_FAULT_VAL));
	} else {
		dev_err(dev,
			"firmware %s (version %u.%u.%u) did not report ready within %u ms: FW_STATUS %s, CORE_STATUS %#x, pc %#x\n",
			POTNPU_FW_NAME, POTNPU_FW_VER_MAJOR(img),
			POTNPU_FW_VER_MINOR(img), POTNPU_FW_VER_PATCH(img),
			POTNPU_BOOT_TIMEOUT_MS, potnpu_fw_status_name(status),
			core_status, potnpu_rd(ndev, POTNPU_REG_CORE_PC));
	}
	potnpu_boot_log_tail(ndev);
}

/* The firmware said READY or FAILED, the core halted or the device left. */
static bool potnpu_boot_settled(struct potnpu_device *ndev, u32 *status,
				u32 *core_status)
{
	*status = potnpu_rd(ndev, POTNPU_REG_FW_STATUS);
	*core_status = potnpu_rd(ndev, POTNPU_REG_CORE_STATUS);
	return *status == POTNPU_FW_STATUS_READY ||
	       *status == POTNPU_FW_STATUS_FAILED ||
	       *status == POTNPU_REG_DEAD || potnpu_core_halted(*core_status);
}

/*
 * Wait for the firmware's interrupt (or, without interrupts, poll) until
 * the boot settled or POTNPU_BOOT_TIMEOUT_MS passed.
 */
static void potnpu_boot_wait(struct potnpu_device *ndev, u32 *status,
			     u32 *core_status)
{
	ktime_t deadline = ktime_add_ms(ktime_get(), POTNPU_BOOT_TIMEOUT_MS);

	if (ndev->capabilities & DRM_POTNPU_CAP_IRQ) {
		wait_event_timeout(ndev->boot.fw_wait,
				   potnpu_boot_settled(ndev, status,
						       core_status),
				   msecs_to_jiffies(POTNPU_BOOT_TIMEOUT_MS));
		potnpu_boot_settled(ndev, status, core_status);
		return;
	}
	while (!potnpu_boot_settled(ndev, status, core_status) &&
	       !ktime_after(ktime_get(), deadline))
		usleep_range(POTNPU_BOOT_POLL_US, 2 * POTNPU_BOOT_POLL_US);
}

/* Upload, program and start the core; called with boot.lock held. */
static int potnpu_boot_run(struct potnpu_device *ndev)
{
	struct potnpu_boot *boot = &ndev->boot;
	struct device *dev = potnpu_dev(ndev);
	u32 status = 0, core_status = 0;
	ktime_t t0;
	int ret;

	lockdep_assert_held(&boot->lock);
	boot->boots++;
	WRITE_ONCE(boot->fw_status, POTNPU_FW_STATUS_OFF);

	potnpu_wr(ndev, POTNPU_REG_CORE_CTRL, 0);
	ret = potnpu_boot_upload(ndev);
	if (ret)
		goto fail;
	potnpu_boot_program(ndev);

	t0 = ktime_get();
	potnpu_wr(ndev, POTNPU_REG_IRQ_STATUS, POTNPU_IRQ_FW | POTNPU_IRQ_ERROR);
	if (ndev->capabilities & DRM_POTNPU_CAP_IRQ)
		potnpu_wr(ndev, POTNPU_REG_IRQ_MASK,
			  ndev->irq.mask | POTNPU_IRQ_FW | POTNPU_IRQ_ERROR);
	potnpu_wr(ndev, POTNPU_REG_CORE_CTRL, POTNPU_CORE_CTRL_RUN);
	potnpu_boot_wait(ndev, &status, &core_status);
	potnpu_wr(ndev, POTNPU_REG_IRQ_MASK, ndev->irq.mask);
	if (status != POTNPU_FW_STATUS_READY) {
		/* FAILED may come with the core still parking: let it. */
		potnpu_boot_report_failure(ndev, status, core_status);
		potnpu_wr(ndev, POTNPU_REG_CORE_CTRL, 0);
		ret = -EIO;
		goto fail;
	}

	boot->fw_version = potnpu_rd(ndev, POTNPU_REG_FW_VERSION);
	boot->fw_abi = potnpu_rd(ndev, POTNPU_REG_FW_ABI);
	boot->fw_caps = potnpu_rd(ndev, POTNPU_REG_FW_CAPS);
	WRITE_ONCE(boot->fw_error, POTNPU_FW_ERR_NONE);
	WRITE_ONCE(boot->fw_status, POTNPU_FW_STATUS_READY);
	potnpu_wr(ndev, POTNPU_REG_IRQ_STATUS, POTNPU_IRQ_FW);

	if (boot->fw_version != ndev->fw.info.fw_version)
		dev_warn(dev,
			 "firmware %s: image says version %#x, the running firmware %#x\n",
			 POTNPU_FW_NAME, ndev->fw.info.fw_version,
			 boot->fw_version);
	dev_info(dev,
		 "firmware %s running: version %u.%u.%u, ABI %u.%u.%u, caps %#x, ready after %lld us\n",
		 POTNPU_FW_NAME, POTNPU_FW_VER_MAJOR(boot->fw_version),
		 POTNPU_FW_VER_MINOR(boot->fw_version),
		 POTNPU_FW_VER_PATCH(boot->fw_version),
		 POTNPU_FW_VER_MAJOR(boot->fw_abi),
		 POTNPU_FW_VER_MINOR(boot->fw_abi),
		 POTNPU_FW_VER_PATCH(boot->fw_abi), boot->fw_caps,
		 ktime_us_delta(ktime_get(), t0));
	boot->last_result = 0;
	return 0;

fail:
	boot->boot_failures++;
	boot->fw_version = potnpu_rd(ndev, POTNPU_REG_FW_VERSION);
	boot->fw_abi = potnpu_rd(ndev, POTNPU_REG_FW_ABI);
	boot->fw_caps = 0;
	WRITE_ONCE(boot->fw_error, potnpu_rd(ndev, POTNPU_REG_FW_ERROR));
	WRITE_ONCE(boot->fw_status, POTNPU_FW_STATUS_FAILED);
	boot->last_result = ret;
	return ret;
}

/**
 * potnpu_boot_init() - boot the firmware at probe
 * @ndev: the device, reset, firmware image validated, interrupts set up
 *
 * Without CAPS.CORE there is nothing to boot and nothing happens.
 *
 * Return: 0 also when the firmware failed to boot (reported, visible in
 * the query and debugfs); a negative errno when the BAR cannot be set up.
 */
int potnpu_boot_init(struct potnpu_device *ndev)
{
	struct pci_dev *pdev = potnpu_pdev(ndev);
	struct potnpu_boot *boot = &ndev->boot;
	void __iomem *mem;
	int ret;

	ret = drmm_mutex_init(&ndev->drm, &boot->lock);
	if (ret)
		return ret;
	init_waitqueue_head(&boot->fw_wait);
	if (!(ndev->hw_caps & POTNPU_CAP_CORE) ||
	    !(ndev->capabilities & DRM_POTNPU_CAP_FIRMWARE))
		return 0;

	if (!(pci_resource_flags(pdev, POTNPU_BAR_CORE_MEM) & IORESOURCE_MEM) ||
	    pci_resource_len(pdev, POTNPU_BAR_CORE_MEM) <
	    POTNPU_BAR_CORE_MEM_SIZE) {
		dev_err(&pdev->dev,
			"BAR%d is not a memory BAR of at least %#x bytes\n",
			POTNPU_BAR_CORE_MEM, POTNPU_BAR_CORE_MEM_SIZE);
		return -ENODEV;
	}
	mem = pcim_iomap_region(pdev, POTNPU_BAR_CORE_MEM, DRIVER_NAME);
	if (IS_ERR(mem)) {
		dev_err(&pdev->dev, "cannot map BAR%d: %ld\n",
			POTNPU_BAR_CORE_MEM, PTR_ERR(mem));
		return PTR_ERR(mem);
	}
	boot->core_mem = mem;

	mutex_lock(&boot->lock);
	potnpu_boot_run(ndev);
	mutex_unlock(&boot->lock);
	return 0;
}

/**
 * potnpu_boot_recover() - reset the device and boot the firmware again
 * @ndev: the device
 * @why: reason, for the log
 *
 * The whole device is reset (core halted, memories, MMU and queues
 * cleared), the interrupt mask and every slot in use restored, then the
 * firmware is booted as at probe.
 *
 * Return: 0 when the firmware is ready again, -ENODEV without a core or
 * after unplug, -ETIMEDOUT when the device did not come out of reset,
 * -EIO when the firmware failed to boot.
 */
int potnpu_boot_recover(struct potnpu_device *ndev, const char *why)
{
	struct potnpu_boot *boot = &ndev->boot;
	int ret, idx;

	if (!boot->core_mem)
		return -ENODEV;
	if (!drm_dev_enter(&ndev->drm, &idx))
		return -ENODEV;

	mutex_lock(&boot->lock);
	boot->recoveries++;
	dev_warn(potnpu_dev(ndev), "recovery %u: %s; resetting the device\n",
		 boot->recoveries, why);
	ret = potnpu_hw_reset(ndev);
	if (!ret) {
		potnpu_wr(ndev, POTNPU_REG_IRQ_STATUS, POTNPU_IRQ_ALL);
		potnpu_wr(ndev, POTNPU_REG_IRQ_MASK, ndev->irq.mask);
		ret = potnpu_boot_run(ndev);
	}
	mutex_unlock(&boot->lock);
	drm_dev_exit(idx);
	return ret;
}

/**
 * potnpu_boot_show_status() - firmware state for debugfs
 * @ndev: the device
 * @m: where to print
 */
void potnpu_boot_show_status(struct potnpu_device *ndev, struct seq_file *m)
{
	struct potnpu_boot *boot = &ndev->boot;
	u32 img = ndev->fw.info.fw_version;
	int idx;

	mutex_lock(&boot->lock);
	seq_printf(m, "image_version: %u.%u.%u\n", POTNPU_FW_VER_MAJOR(img),
		   POTNPU_FW_VER_MINOR(img), POTNPU_FW_VER_PATCH(img));
	seq_printf(m, "status: %s\n", potnpu_fw_status_name(boot->fw_status));
	seq_printf(m, "error: %u (%s)\n", boot->fw_error,
		   potnpu_fw_error_name(boot->fw_error));
	seq_printf(m, "version: %u.%u.%u\n",
		   POTNPU_FW_VER_MAJOR(boot->fw_version),
		   POTNPU_FW_VER_MINOR(boot->fw_version),
		   POTNPU_FW_VER_PATCH(boot->fw_version));
	seq_printf(m, "abi: %u.%u.%u\n", POTNPU_FW_VER_MAJOR(boot->fw_abi),
		   POTNPU_FW_VER_MINOR(boot->fw_abi),
		   POTNPU_FW_VER_PATCH(boot->fw_abi));
	seq_printf(m, "caps: %#x\n", boot->fw_caps);
	seq_printf(m, "boots: %u\n", boot->boots);
	seq_printf(m, "boot_failures: %u\n", boot->boot_failures);
	seq_printf(m, "recoveries: %u\n", boot->recoveries);
	seq_printf(m, "last_result: %d\n", boot->last_result);
	seq_printf(m, "core_halts: %d\n", atomic_read(&ndev->sched.core_halts));
	seq_printf(m, "fw_failures: %d\n",
		   atomic_read(&ndev->sched.fw_failures));
	seq_printf(m, "mmu_faults: %d\n", atomic_read(&ndev->sched.mmu_faults));
	if (boot->core_mem && drm_dev_enter(&ndev->drm, &idx)) {
		seq_printf(m, "fw_status_reg: %s\n",
			   potnpu_fw_status_name(potnpu_rd(ndev,
							   POTNPU_REG_FW_STATUS)));
		seq_printf(m, "heartbeat: %u\n",
			   potnpu_rd(ndev, POTNPU_REG_FW_HEARTBEAT));
		seq_printf(m, "core_status: %#x\n",
			   potnpu_rd(ndev, POTNPU_REG_CORE_STATUS));
		seq_printf(m, "core_pc: %#x\n",
			   potnpu_rd(ndev, POTNPU_REG_CORE_PC));
		seq_printf(m, "core_instret: %llu\n",
			   (u64)potnpu_rd(ndev, POTNPU_REG_CORE_INSTRET_HI) << 32 |
			   potnpu_rd(ndev, POTNPU_REG_CORE_INSTRET_LO));
		drm_dev_exit(idx);
	}
	mutex_unlock(&boot->lock);
}

/**
 * potnpu_boot_show_log() - the firmware's log ring, oldest byte first
 * @ndev: the device
 * @m: where to print
 *
 * Return: 0, -ENODEV without a core or after unplug, -EINVAL when the
 * firmware published a ring that cannot be read, -ENOMEM.
 */
int potnpu_boot_show_log(struct potnpu_device *ndev, struct seq_file *m)
{
	u32 base, size, head, start, len, i, word = 0, off;
	void __iomem *ring;
	char *buf;
	int ret, idx;

	if (!ndev->boot.core_mem)
		return -ENODEV;
	if (!drm_dev_enter(&ndev->drm, &idx))
		return -ENODEV;

	base = potnpu_rd(ndev, POTNPU_REG_FW_LOG_BASE);
	size = potnpu_rd(ndev, POTNPU_REG_FW_LOG_SIZE);
	head = potnpu_rd(ndev, POTNPU_REG_FW_LOG_HEAD);
	ret = potnpu_fw_log_window(base, size, head, &start, &len);
	if (ret || !len)
		goto out;

	buf = kvmalloc(len, GFP_KERNEL);
	if (!buf) {
		ret = -ENOMEM;
		goto out;
	}
	ring = ndev->boot.core_mem + POTNPU_CORE_DMEM_BASE + base;
	for (i = 0; i < len; i++) {
		off = (start + i) & (size - 1);
		if (!i || !(off & 3))
			word = readl(ring + (off & ~3u));
		buf[i] = word >> (8 * (off & 3));
	}
	seq_write(m, buf, len);
	kvfree(buf);
out:
	drm_dev_exit(idx);
	return ret;
}
