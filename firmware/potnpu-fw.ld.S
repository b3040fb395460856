/* SPDX-License-Identifier: MIT */
/*
 * Linker script of the potnpu control-core firmware.
 *
 * This file is run through the C preprocessor with -imacros
 * include/potnpu/potnpu_fw_image.h (which includes potnpu_core.h), so the
 * memory map comes from the shared headers (the Makefile strips the C 'u'
 * suffixes the linker does not understand).
 *
 * Memory map (docs/firmware.md, docs/firmware-image.md):
 *
 *   IMEM (fetch, load; stores fault): the image payload
 *     IMEM_BASE                 .text (_start first), .rodata
 *     __fw_image_end            end of the payload (4-byte aligned)
 *   DMEM (load, store; fetch faults): zero at boot
 *     DMEM_BASE                 .bss (__bss_start..__bss_end), zeroed by _start
 *     ...                       free
 *     __stack_bottom            FW_STACK_SIZE bytes of stack
 *     __stack_top               DMEM_BASE + DMEM_SIZE, initial sp
 *
 * There is no .data: IMEM is not writable and copying initialised data to
 * DMEM at boot would buy nothing the firmware needs. Initialised writable
 * data fails the link (see the ASSERT below): make it const or
 * zero-initialised.
 */

OUTPUT_ARCH(riscv)
ENTRY(_start)

FW_STACK_SIZE = 0x2000;

MEMORY
{
	IMEM (rx) : ORIGIN = POTNPU_CORE_IMEM_BASE, LENGTH = POTNPU_CORE_IMEM_SIZE
	DMEM (rw) : ORIGIN = POTNPU_CORE_DMEM_BASE, LENGTH = POTNPU_CORE_DMEM_SIZE
}

PHDRS
{
	text PT_LOAD FLAGS(5);	/* R X */
	data PT_LOAD FLAGS(6);	/* R W */
}

SECTIONS
{
	.text : {
		__fw_image_start = .;
		KEEP(*(.text.start))
		*(.text .text.*)
		. = ALIGN(4);
	} > IMEM :text

	.rodata : ALIGN(4) {
		KEEP(*(.rodata.potnpu_fw_ident))
		*(.rodata .rodata.* .srodata .srodata.*)
		. = ALIGN(4);
		__fw_image_end = .;
	} > IMEM :text

	.bss (NOLOAD) : ALIGN(64) {
		__bss_start = .;
		/* Initialised writable data would land here: refused below. */
		__data_start = .;
		*(.data .data.* .sdata .sdata.*)
		__data_end = .;
		/* gp points 2 KiB into DMEM so small data is reachable from it. */
		__global_pointer$ = . + 0x800;
		*(.sbss .sbss.* .bss .bss.* COMMON)
		. = ALIGN(4);
		__bss_end = .;
	} > DMEM :data

	__stack_top = ORIGIN(DMEM) + LENGTH(DMEM);
	__stack_bottom = __stack_top - FW_STACK_SIZE;

	/DISCARD/ : {
		*(.comment) *(.note .note.*) *(.eh_frame .eh_frame_hdr)
	}
}

ASSERT(__fw_image_start == ORIGIN(IMEM), "the image must start at the base of IMEM")
ASSERT(_start == __fw_image_start, "_start must be the first instruction of the image")
ASSERT(__data_end == __data_start, "initialised writable data (.data) is not supported: make it const or zero-initialised")
ASSERT(__bss_start == ORIGIN(DMEM), ".bss must start at the base of DMEM")
ASSERT(__bss_end <= __stack_bottom, "firmware data overlaps the stack at the top of DMEM")
ASSERT(__stack_top % 16 == 0, "the initial stack pointer must be 16-byte aligned")
