/* SPDX-License-Identifier: MIT */
/*
 * Linker script of the potnpu control-core firmware.
 *
 * This file is run through the C preprocessor with -imacros
 * include/potnpu/potnpu_fw_image.h, so the instruction memory's base and
 * size come from the shared header (the Makefile strips the C 'u' suffixes
 * the linker does not understand).
 *
 * Provisional memory map (docs/firmware-image.md): everything lives in the
 * control core's 64 KiB instruction memory, which is also used for data
 * until the control core's memory map is defined.
 *
 *   IMEM_BASE                 .text   (_start first), .rodata, .data
 *   __fw_image_end            end of the loaded payload (4-byte aligned)
 *   __bss_start..__bss_end    .bss, zeroed by _start
 *   ...                       free
 *   __stack_bottom            FW_STACK_SIZE bytes of stack
 *   __stack_top               IMEM_BASE + IMEM_SIZE, initial sp
 */

OUTPUT_ARCH(riscv)
ENTRY(_start)

FW_STACK_SIZE = 0x1000;

MEMORY
{
	IMEM (rwx) : ORIGIN = POTNPU_CORE_IMEM_BASE, LENGTH = POTNPU_CORE_IMEM_SIZE
}

/* Code and read-only data, then writable data: two segments, so no
 * segment is writable and executable at once. */
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
	} > IMEM :text

	.data : ALIGN(4) {
		*(.data .data.*)
		/* gp points 2 KiB into the small data so both halves are reachable. */
		__global_pointer$ = . + 0x800;
		*(.sdata .sdata.*)
		. = ALIGN(4);
		__fw_image_end = .;
	} > IMEM :data

	.bss (NOLOAD) : ALIGN(4) {
		__bss_start = .;
		*(.sbss .sbss.* .bss .bss.* COMMON)
		. = ALIGN(4);
		__bss_end = .;
	} > IMEM :data

	__stack_top = ORIGIN(IMEM) + LENGTH(IMEM);
	__stack_bottom = __stack_top - FW_STACK_SIZE;

	/DISCARD/ : {
		*(.comment) *(.note .note.*) *(.eh_frame .eh_frame_hdr)
	}
}

ASSERT(__fw_image_start == ORIGIN(IMEM), "the image must start at the base of IMEM")
ASSERT(_start == __fw_image_start, "_start must be the first instruction of the image")
ASSERT(__bss_end <= __stack_bottom, "firmware data overlaps the stack reserved at the top of IMEM")
ASSERT(__stack_top % 16 == 0, "the initial stack pointer must be 16-byte aligned")
