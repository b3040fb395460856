// SPDX-License-Identifier: MIT
/*
 * Boot handshake (docs/firmware.md):
 *  1. FW_STATUS = BOOTING;
 *  2. the log ring is published (LOG_BASE, LOG_SIZE, LOG_HEAD);
 *  3. FW_VERSION, FW_ABI and FW_CAPS are written (FW_CAP_LAYERS when a
 *     probe DMA into the shift-add engine's SRAM succeeds, layer_dma.c);
 *  4. HOST_ABI's major must equal ours, else FW_ERR_ABI;
 *  5. the job queue view must be sane, else FW_ERR_QUEUE: JQ_SIZE a power
 *     of two in [POTNPU_JQ_MIN_SIZE, POTNPU_JQ_MAX_SIZE], JQ_BASE and
 *     CQ_BASE non-zero, 64-byte aligned, the rings not wrapping the 64-bit
 *     bus address space, and JQ_HEAD == CQ_TAIL (the firmware moves both
 *     together; CQ_TAIL == JQ_HEAD + 1, a stop between the two writes, is
 *     completed by advancing JQ_HEAD);
 *  6. FW_STATUS = READY.
 * A failure writes FW_ERROR first, then FW_STATUS = FAILED (the status
 * write raises IRQ_FW, so the host finds the error in place).
 */
#include <stdint.h>

#include "fw.h"
#include "fw_io.h"
#include "potnpu_fw_image.h"

struct fw_state fw;
struct fw_dmem fw_dmem;

uint64_t fw_instret(void)
{
	uint32_t hi, lo, hi2;
	int tries;

	/* Read HI, LO, HI until HI is stable (LO did not carry in between). */
	hi = fw_io_read(POTNPU_IO_INSTRET_HI);
	for (tries = 0; tries < 4; tries++) {
		lo = fw_io_read(POTNPU_IO_INSTRET_LO);
		hi2 = fw_io_read(POTNPU_IO_INSTRET_HI);
		if (hi2 == hi)
			break;
		hi = hi2;
	}
	return (uint64_t)hi << 32 | lo;
}

/* Show progress: restart the watchdog and advance the heartbeat. */
void fw_progress(void)
{
	fw_io_write(POTNPU_IO_WDOG_KICK, 1);
	fw.heartbeat++;
	fw_io_write(POTNPU_IO_HEARTBEAT, fw.heartbeat);
}

void fw_fail(uint32_t err)
{
	fw.failed = 1;
	fw.error = err;
	fw_log("fatal: firmware failed, FW_ERROR %u", err);
	fw_io_write(POTNPU_IO_FW_ERROR, err);
	fw_io_write(POTNPU_IO_FW_STATUS, POTNPU_FW_STATUS_FAILED);
}

static int bad_ring_base(uint64_t base, uint64_t bytes)
{
	return !base || (base & 63) || base + bytes < base;
}

static uint32_t check_queue(void)
{
	uint32_t size = fw_io_read(POTNPU_IO_JQ_SIZE);
	uint64_t jq = fw_io_read(POTNPU_IO_JQ_BASE_LO) |
		      (uint64_t)fw_io_read(POTNPU_IO_JQ_BASE_HI) << 32;
	uint64_t cq = fw_io_read(POTNPU_IO_CQ_BASE_LO) |
		      (uint64_t)fw_io_read(POTNPU_IO_CQ_BASE_HI) << 32;
	uint32_t head = fw_io_read(POTNPU_IO_JQ_HEAD);
	uint32_t cq_tail = fw_io_read(POTNPU_IO_CQ_TAIL);

	if (size < POTNPU_JQ_MIN_SIZE || size > POTNPU_JQ_MAX_SIZE ||
	    (size & (size - 1))) {
		fw_log("boot: JQ_SIZE %u is not a power of 2 in %u..%u", size,
		       (uint32_t)POTNPU_JQ_MIN_SIZE, (uint32_t)POTNPU_JQ_MAX_SIZE);
		return POTNPU_FW_ERR_QUEUE;
	}
	if (bad_ring_base(jq, (uint64_t)size << 6)) {
		fw_log("boot: JQ_BASE %x:%08x is zero, unaligned or wraps",
		       (uint32_t)(jq >> 32), (uint32_t)jq);
		return POTNPU_FW_ERR_QUEUE;
	}
	if (bad_ring_base(cq, (uint64_t)size << 5)) {
		fw_log("boot: CQ_BASE %x:%08x is zero, unaligned or wraps",
		       (uint32_t)(cq >> 32), (uint32_t)cq);
		return POTNPU_FW_ERR_QUEUE;
	}
	if (cq_tail - head == 1) {
		/*
		 * Stopped between publishing a completion and releasing its
		 * descriptor (complete() in job.c): finish the release.
		 */
		fw_log("boot: job %x was completed, advancing JQ_HEAD", head);
		head = cq_tail;
		fw_io_write(POTNPU_IO_JQ_HEAD, head);
	}
	if (head != cq_tail) {
		fw_log("boot: JQ_HEAD %x differs from CQ_TAIL %x", head, cq_tail);
		return POTNPU_FW_ERR_QUEUE;
	}
	fw.jq_base = jq;
	fw.cq_base = cq;
	fw.q_size = size;
	fw.q_mask = size - 1;
	fw.jq_head = head;
	fw.cq_tail = cq_tail;
	return POTNPU_FW_ERR_NONE;
}

/* Returns POTNPU_FW_ERR_NONE with FW_STATUS READY, or the error it failed. */
uint32_t fw_boot(void)
{
	uint32_t host_abi, err;

	fw_io_write(POTNPU_IO_FW_STATUS, POTNPU_FW_STATUS_BOOTING);
	fw_log_init();
	fw_io_write(POTNPU_IO_FW_VERSION, potnpu_fw_version);
	fw_io_write(POTNPU_IO_FW_ABI, potnpu_fw_abi_version);
	fw.sae = fw_sae_probe();
	fw_io_write(POTNPU_IO_FW_CAPS, POTNPU_FW_CAP_DMA |
		    (fw.sae ? POTNPU_FW_CAP_LAYERS : 0));
	fw_log("potnpu firmware %u.%u.%u, abi %u.%u.%u",
	       POTNPU_FW_VER_MAJOR(potnpu_fw_version),
	       POTNPU_FW_VER_MINOR(potnpu_fw_version),
	       POTNPU_FW_VER_PATCH(potnpu_fw_version),
	       POTNPU_FW_VER_MAJOR(potnpu_fw_abi_version),
	       POTNPU_FW_VER_MINOR(potnpu_fw_abi_version),
	       POTNPU_FW_VER_PATCH(potnpu_fw_abi_version));

	host_abi = fw_io_read(POTNPU_IO_HOST_ABI);
	if (POTNPU_FW_VER_MAJOR(host_abi) !=
	    POTNPU_FW_VER_MAJOR(potnpu_fw_abi_version)) {
		fw_log("boot: host abi %u.%u.%u, major not supported",
		       POTNPU_FW_VER_MAJOR(host_abi),
		       POTNPU_FW_VER_MINOR(host_abi),
		       POTNPU_FW_VER_PATCH(host_abi));
		fw_fail(POTNPU_FW_ERR_ABI);
		return POTNPU_FW_ERR_ABI;
	}

	err = check_queue();
	if (err) {
		fw_fail(err);
		return err;
	}
	fw_log("boot: ready, queue of %u at %x:%08x, completions at %x:%08x, head %x",
	       fw.q_size, (uint32_t)(fw.jq_base >> 32), (uint32_t)fw.jq_base,
	       (uint32_t)(fw.cq_base >> 32), (uint32_t)fw.cq_base, fw.jq_head);
	fw_io_write(POTNPU_IO_FW_STATUS, POTNPU_FW_STATUS_READY);
	return POTNPU_FW_ERR_NONE;
}
