// SPDX-License-Identifier: MIT
/*
 * potnpu control-core firmware: skeleton.
 *
 * The core is RV32I without the M extension, like the shift-add engine it
 * drives: the build rejects any hardware multiply or divide instruction
 * (check-isa.sh). A '*' or '/' in C is still allowed; the compiler turns it
 * into a call to libgcc's shift-and-add routines.
 *
 * For now main() only idles. The job loop (mailbox, layer commands, DMA
 * and SAE sequencing) comes with the control core's memory map and MMIO,
 * which are not defined yet, so no device register is touched here.
 */
#include <stdint.h>

#include "potnpu_fw_image.h"

#if !defined(POTNPU_FW_VERSION_MAJOR) || !defined(POTNPU_FW_VERSION_MINOR) || \
	!defined(POTNPU_FW_VERSION_PATCH)
#error "build with firmware/Makefile: it sets the version from firmware/VERSION"
#endif

/*
 * Versions compiled into the firmware. They are the same numbers the image
 * header carries (the Makefile takes both from firmware/VERSION and
 * POTNPU_FW_ABI_VERSION, and a host test checks they match); the boot
 * handshake will report them to the host. The linker script keeps the
 * .rodata.potnpu_fw_ident section although nothing references it yet.
 */
#define FW_IDENT __attribute__((used, section(".rodata.potnpu_fw_ident")))

FW_IDENT const uint32_t potnpu_fw_version =
	POTNPU_FW_VER(POTNPU_FW_VERSION_MAJOR, POTNPU_FW_VERSION_MINOR,
		      POTNPU_FW_VERSION_PATCH);

FW_IDENT const uint32_t potnpu_fw_abi_version = POTNPU_FW_ABI_VERSION;

/* Incremented by the idle loop: visible progress for a debugger. */
volatile uint32_t potnpu_fw_idle_ticks;

static void fw_idle(void)
{
	potnpu_fw_idle_ticks = potnpu_fw_idle_ticks + 1;
}

int main(void);

int main(void)
{
	for (;;)
		fw_idle();
}
