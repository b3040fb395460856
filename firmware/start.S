/* SPDX-License-Identifier: MIT */
/*
 * Entry point and trap vector of the potnpu control-core firmware (RV32I,
 * machine mode).
 *
 * The host copies the image payload to IMEM at load_addr and starts the core
 * at entry (== _start) with every register and CSR at its reset value.
 * _start loads gp, installs the trap vector (mtvec, direct mode), sets sp to
 * the top of DMEM, zeroes .bss (also in DMEM) and calls main(). There is no
 * .data to copy: the linker script refuses initialised writable data, so
 * IMEM holds only code and read-only data and DMEM starts out all zero.
 *
 * main() is not expected to return; if it does, its return value is
 * stored in potnpu_fw_exit_code and the core parks in potnpu_fw_halt.
 *
 * The trap vector takes a fresh stack (it never returns, so the stack of
 * the code that trapped does not matter and may be the cause) and calls
 * fw_trap(mcause, mepc, mtval), which logs, reports FW_STATUS FAILED with
 * FW_ERR_INTERNAL and halts. A second exception inside it is fatal for the
 * device model (a trap in a handler that has not returned halts the core).
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
	la	t0, potnpu_fw_trap_entry
	csrw	mtvec, t0
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

	/* mtvec direct mode: the vector is 4-byte aligned. */
	.balign	4
	.globl	potnpu_fw_trap_entry
	.type	potnpu_fw_trap_entry, @function
potnpu_fw_trap_entry:
	.option	push
	.option	norelax
	la	gp, __global_pointer$
	.option	pop
	la	sp, __stack_top
	csrr	a0, mcause
	csrr	a1, mepc
	csrr	a2, mtval
	call	fw_trap
1:	wfi
	j	1b
	.size	potnpu_fw_trap_entry, . - potnpu_fw_trap_entry

	.section .bss.potnpu_fw_exit_code, "aw", @nobits
	.balign	4
	.globl	potnpu_fw_exit_code
	.type	potnpu_fw_exit_code, @object
potnpu_fw_exit_code:
	.word	0
	.size	potnpu_fw_exit_code, 4
