/* SPDX-License-Identifier: MIT */
/*
 * Entry point of the potnpu control-core firmware (RV32I, no CSRs used).
 *
 * The host copies the image payload to IMEM at load_addr and starts the core
 * at entry (== _start). _start sets up gp and sp, zeroes .bss and calls
 * main(). main() is not expected to return; if it does, its return value is
 * stored in potnpu_fw_exit_code and the core parks in potnpu_fw_halt, a
 * tight loop a debugger or the device model can recognise by its address.
 * No trap vector is installed: the control core's trap model is defined
 * together with its memory map and MMIO.
 */

	.section .text.start, "ax", @progbits
	.globl	_start
	.type	_start, @function
_start:
	/* gp must be loaded without relaxation, it is what relaxation uses. */
	.option	push
	.option	norelax
	la	gp, __global_pointer$
	.option	pop
	la	sp, __stack_top

	/* Zero .bss; the linker script aligns both ends to 4 bytes. */
	la	t0, __bss_start
	la	t1, __bss_end
1:	bgeu	t0, t1, 2f
	sw	zero, 0(t0)
	addi	t0, t0, 4
	j	1b
2:
	call	main

	la	t0, potnpu_fw_exit_code
	sw	a0, 0(t0)
	.globl	potnpu_fw_halt
	.type	potnpu_fw_halt, @function
potnpu_fw_halt:
	j	potnpu_fw_halt
	.size	potnpu_fw_halt, . - potnpu_fw_halt
	.size	_start, . - _start

	.section .bss.potnpu_fw_exit_code, "aw", @nobits
	.balign	4
	.globl	potnpu_fw_exit_code
	.type	potnpu_fw_exit_code, @object
potnpu_fw_exit_code:
	.word	0
	.size	potnpu_fw_exit_code, 4
