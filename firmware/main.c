// SPDX-License-Identifier: MIT
/*
 * potnpu control-core firmware: the target-only part. main() boots
 * (boot.c) and runs the idle loop: serve the job queue (job.c), then wait
 * with WFI for an event or the idle timer. fw_trap() is called by the trap
 * vector in start.S.
 *
 * Interrupts never trap: mstatus.MIE stays 0 and mie only selects what
 * wakes WFI (machine external = IO_EVENTS non-zero, machine timer =
 * INSTRET >= TIMECMP). So every trap is an exception, i.e. a firmware bug
 * or a corrupted image: it is logged and reported as FW_ERR_INTERNAL.
 */
#include <stdint.h>

#include "fw.h"
#include "fw_io.h"
#include "potnpu_fw_image.h"

#if !defined(POTNPU_FW_VERSION_MAJOR) || !defined(POTNPU_FW_VERSION_MINOR) || \
	!defined(POTNPU_FW_VERSION_PATCH)
#error "build with firmware/Makefile: it sets the version from firmware/VERSION"
#endif

/*
 * Versions compiled into the firmware: the boot handshake writes them to
 * FW_VERSION and FW_ABI; the image header carries the same numbers (the
 * Makefile takes both from firmware/VERSION and POTNPU_FW_ABI_VERSION, and
 * userspace/tests/test_firmware.c checks they match).
 */
#define FW_IDENT __attribute__((used, section(".rodata.potnpu_fw_ident")))

FW_IDENT const uint32_t potnpu_fw_version =
	POTNPU_FW_VER(POTNPU_FW_VERSION_MAJOR, POTNPU_FW_VERSION_MINOR,
		      POTNPU_FW_VERSION_PATCH);

FW_IDENT const uint32_t potnpu_fw_abi_version = POTNPU_FW_ABI_VERSION;

#define MIE_MTIE	(1u << 7)
#define MIE_MEIE	(1u << 11)

static inline void csr_write_mie(uint32_t v)
{
	__asm__ volatile("csrw mie, %0" : : "r"(v) : "memory");
}

static inline void wfi(void)
{
	__asm__ volatile("wfi" : : : "memory");
}

/* Wake up FW_IDLE_PERIOD instructions from now. */
static void arm_timer(void)
{
	uint64_t t = fw_instret() + FW_IDLE_PERIOD;

	/* LO to all ones first, so no intermediate value is in the past. */
	fw_io_write(POTNPU_IO_TIMECMP_LO, 0xffffffffu);
	fw_io_write(POTNPU_IO_TIMECMP_HI, (uint32_t)(t >> 32));
	fw_io_write(POTNPU_IO_TIMECMP_LO, (uint32_t)t);
}

/* Stop for good: nothing can wake the core, the host must restart it. */
__attribute__((noreturn)) void fw_halt(void);
void fw_halt(void)
{
	csr_write_mie(0);
	for (;;)
		wfi();
}

void fw_trap(uint32_t mcause, uint32_t mepc, uint32_t mtval);
void fw_trap(uint32_t mcause, uint32_t mepc, uint32_t mtval)
{
	if (!fw.log_ready)
		fw_log_init();
	fw_log("trap: mcause %x mepc %x mtval %x", mcause, mepc, mtval);
	fw_fail(POTNPU_FW_ERR_INTERNAL);
	fw_halt();
}

/*
 * Sleep until an event or the idle timer. MEIP is level-triggered on
 * IO_EVENTS and MTIP on INSTRET >= TIMECMP, so an event that arrived since
 * the caller last read them makes WFI return at once: no wake-up is lost.
 */
void fw_wait(void)
{
	arm_timer();
	csr_write_mie(MIE_MEIE | MIE_MTIE);
	wfi();
	csr_write_mie(0);
}

int main(void);
int main(void)
{
	if (fw_boot() != POTNPU_FW_ERR_NONE)
		fw_halt();
	for (;;) {
		if (fw_poll())
			continue;
		if (fw.failed)
			fw_halt();
		fw_wait();
	}
}
