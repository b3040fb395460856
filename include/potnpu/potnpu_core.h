/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * potnpu control core: what the firmware sees. The core is an RV32I hart
 * (no M, no C, no F extensions; machine mode only) with these memories and
 * device-internal registers. Shared by the QEMU device model, the firmware
 * and the host tests; docs/device-spec.md describes it in prose.
 *
 * Memory map (core addresses):
 *   0x00000000 - 0x0000ffff  IMEM, 64 KiB: fetch, load; stores fault
 *   0x00010000 - 0x0001ffff  DMEM, 64 KiB: load, store; fetch faults
 *   0x40000000 - 0x40000fff  CORE_IO registers below: 32-bit aligned only
 * Anything else is an access fault (mcause 1, 5 or 7).
 *
 * Traps and interrupts (RISC-V privileged spec, machine mode subset):
 * CSRs mstatus (MIE, MPIE), mie, mip, mtvec (direct mode only), mepc,
 * mcause, mtval, mscratch, mhartid (0), misa (RV32I), cycle/instret and
 * their high halves (both count retired instructions). ecall, ebreak, mret
 * and wfi are implemented; fence is a no-op. Interrupts: machine timer
 * (mip.MTIP, when INSTRET >= TIMECMP) and machine external (mip.MEIP, while
 * IO_EVENTS has a bit set). wfi waits for mip & mie != 0 even when
 * mstatus.MIE is clear. A trap while mtvec is 0 halts the core (fatal).
 *
 * Time: the core's only clock is its retired-instruction count, so the
 * firmware's behaviour does not depend on the host's speed. While the core
 * waits in wfi with mie.MTIE set, each instruction slot it idles counts as
 * one (INSTRET advances, so a wfi waiting for TIMECMP ends); the watchdog
 * counts retired instructions only. "In a trap handler" means: a trap was
 * taken and no mret executed since.
 */
#ifndef POTNPU_CORE_H
#define POTNPU_CORE_H

#define POTNPU_CORE_IMEM_BASE		0x00000000u
#define POTNPU_CORE_IMEM_SIZE		0x00010000u
#define POTNPU_CORE_DMEM_BASE		0x00010000u
#define POTNPU_CORE_DMEM_SIZE		0x00010000u
#define POTNPU_CORE_IO_BASE		0x40000000u
#define POTNPU_CORE_IO_SIZE		0x00001000u

/* Mailbox: the firmware's side of the host's 0x200 block. */
#define POTNPU_IO_FW_STATUS		0x000	/* W: -> FW_STATUS, raises IRQ_FW */
#define POTNPU_IO_FW_VERSION		0x004	/* W: -> FW_VERSION */
#define POTNPU_IO_FW_ABI		0x008	/* W: -> FW_ABI */
#define POTNPU_IO_FW_CAPS		0x00c	/* W: -> FW_CAPS */
#define POTNPU_IO_FW_ERROR		0x010	/* W: -> FW_ERROR */
#define POTNPU_IO_HEARTBEAT		0x014	/* W: -> FW_HEARTBEAT */
#define POTNPU_IO_LOG_BASE		0x018	/* W: -> FW_LOG_BASE */
#define POTNPU_IO_LOG_SIZE		0x01c	/* W: -> FW_LOG_SIZE */
#define POTNPU_IO_LOG_HEAD		0x020	/* W: -> FW_LOG_HEAD */
#define POTNPU_IO_HOST_ABI		0x024	/* R: HOST_ABI */
#define POTNPU_IO_H2F_MSG		0x028	/* R: H2F_MSG */
#define POTNPU_IO_H2F_ARG		0x02c	/* R: H2F_ARG */

/* Time, watchdog, events. */
#define POTNPU_IO_INSTRET_LO		0x040	/* R */
#define POTNPU_IO_INSTRET_HI		0x044	/* R */
#define POTNPU_IO_TIMECMP_LO		0x048	/* RW: timer interrupt at INSTRET >= */
#define POTNPU_IO_TIMECMP_HI		0x04c	/* RW: reset value all ones (never) */
#define POTNPU_IO_WDOG_KICK		0x050	/* W: any value restarts the watchdog */
#define POTNPU_IO_HOST_IRQ		0x054	/* W: set POTNPU_IRQ_* bits in IRQ_STATUS */
#define POTNPU_IO_EVENTS		0x058	/* RW1C: POTNPU_EVENT_*, drives mip.MEIP */

#define POTNPU_EVENT_JQ_DOORBELL	(1u << 0)	/* host wrote JQ_TAIL */
#define POTNPU_EVENT_H2F		(1u << 1)	/* host rang H2F_DOORBELL */
#define POTNPU_EVENT_CQ_HEAD		(1u << 2)	/* host wrote CQ_HEAD */

/* Job queue: the firmware's view of the host's 0x400 block. */
#define POTNPU_IO_JQ_BASE_LO		0x080	/* R */
#define POTNPU_IO_JQ_BASE_HI		0x084	/* R */
#define POTNPU_IO_JQ_SIZE		0x088	/* R */
#define POTNPU_IO_JQ_TAIL		0x08c	/* R */
#define POTNPU_IO_JQ_HEAD		0x090	/* RW: -> JQ_HEAD */
#define POTNPU_IO_CQ_BASE_LO		0x094	/* R */
#define POTNPU_IO_CQ_BASE_HI		0x098	/* R */
#define POTNPU_IO_CQ_TAIL		0x09c	/* RW: -> CQ_TAIL */
#define POTNPU_IO_CQ_HEAD		0x0a0	/* R: CQ_HEAD */

/*
 * DMA engine. Program SRC, DST, LEN, CTX and MODE, then write DMA_START;
 * the transfer completes before the store to DMA_START retires, and
 * DMA_STATUS tells how it went. One transfer moves at most POTNPU_DMA_MAX_LEN
 * bytes; larger ones are split by the firmware. Address spaces:
 *   DMEM  a core DMEM offset (0..DMEM_SIZE);
 *   BUS   a host bus address, no translation (only for the job rings);
 *   VA    a device virtual address in MMU slot DMA_CTX.
 * A transfer whose range leaves its space, or an MMU fault, stops it:
 * bytes before the failing page may have been written, none after.
 * DMEM and BUS ranges are checked before any byte moves (DMA_ERANGE); a VA
 * range beyond POTNPU_VA_SIZE faults (MMU reason RANGE) at its first page
 * outside. A page behind a valid translation that cannot be accessed is
 * DMA_EBUS and also latches an MMU fault with reason BUS.
 */
#define POTNPU_IO_DMA_SRC_LO		0x100	/* RW */
#define POTNPU_IO_DMA_SRC_HI		0x104	/* RW */
#define POTNPU_IO_DMA_DST_LO		0x108	/* RW */
#define POTNPU_IO_DMA_DST_HI		0x10c	/* RW */
#define POTNPU_IO_DMA_LEN		0x110	/* RW: bytes */
#define POTNPU_IO_DMA_CTX		0x114	/* RW: MMU slot for VA spaces */
#define POTNPU_IO_DMA_MODE		0x118	/* RW: POTNPU_DMA_MODE() */
#define POTNPU_IO_DMA_PATTERN		0x11c	/* RW: FILL's 32-bit pattern */
#define POTNPU_IO_DMA_START		0x120	/* W: any value starts */
#define POTNPU_IO_DMA_STATUS		0x124	/* R: POTNPU_DMA_* result */
#define POTNPU_IO_DMA_FAULT_ADDR	0x128	/* R: address that failed, low 32 bits */
#define POTNPU_IO_DMA_FAULT_ADDR_HI	0x12c	/* R: its high 32 bits */

#define POTNPU_DMA_SPACE_DMEM		0
#define POTNPU_DMA_SPACE_BUS		1
#define POTNPU_DMA_SPACE_VA		2
#define POTNPU_DMA_OP_COPY		0
#define POTNPU_DMA_OP_FILL		1	/* DST <- PATTERN repeated, SRC unused */
/* MODE: op in bits 3:0, source space in 7:4, destination space in 11:8. */
#define POTNPU_DMA_MODE(op, src, dst)	((op) | (src) << 4 | (dst) << 8)
#define POTNPU_DMA_MAX_LEN		0x00100000u	/* 1 MiB */

#define POTNPU_DMA_OK			0
#define POTNPU_DMA_EINVAL		1	/* bad mode, length or slot */
#define POTNPU_DMA_ERANGE		2	/* DMEM range outside DMEM */
#define POTNPU_DMA_EMMU			3	/* MMU fault (see MMU_FAULT_*) */
#define POTNPU_DMA_EBUS			4	/* host memory access failed */

#endif /* POTNPU_CORE_H */
