/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * potnpu host interface: PCI identity and BAR0 register map.
 *
 * This header is the single source of truth for the register layout. It is
 * included by the QEMU device model, the kernel driver and the host tests;
 * docs/device-spec.md describes the same registers for humans. Keep the two
 * in step: a change here without the doc (or the reverse) is a bug.
 *
 * All BAR0 registers are 32 bits wide, little endian, and must be accessed
 * with naturally aligned 32-bit loads and stores. Any other access size or
 * alignment is a guest error: reads return 0, writes are ignored.
 */
#ifndef POTNPU_REGS_H
#define POTNPU_REGS_H

/* PCI identity. The vendor ID is the one QEMU uses for its emulated devices. */
#define POTNPU_PCI_VENDOR_ID		0x1234
#define POTNPU_PCI_DEVICE_ID		0x9e70
#define POTNPU_PCI_REVISION		0x01
#define POTNPU_PCI_CLASS		0x1200	/* processing accelerator */

/*
 * BARs: BAR0 holds the registers, BAR2 the MSI-X table and PBA, BAR4 (when
 * CAPS.CORE is set) a window on the control core's memories: IMEM at
 * offset 0, DMEM at POTNPU_CORE_DMEM_BASE (see potnpu_core.h). The window is
 * always readable; writes are accepted only while the core is halted.
 */
#define POTNPU_BAR_REGS			0
#define POTNPU_BAR_MSIX			2
#define POTNPU_BAR_CORE_MEM		4
#define POTNPU_BAR_REGS_SIZE		0x10000
#define POTNPU_BAR_CORE_MEM_SIZE	0x20000

/* MSI-X vectors. */
#define POTNPU_MSIX_VEC_PING		0	/* PING doorbell acknowledgment */
#define POTNPU_MSIX_VEC_JOB		1	/* job completion (IRQ_JOB) */
#define POTNPU_MSIX_VEC_ERROR		2	/* errors, faults (IRQ_ERROR) */
#define POTNPU_MSIX_VEC_FW		3	/* firmware mailbox (IRQ_FW) */
#define POTNPU_MSIX_NUM_VECTORS		4

/* Identification block (0x000 - 0x03f). */
#define POTNPU_REG_ID			0x000	/* RO: POTNPU_ID_MAGIC */
#define POTNPU_REG_VERSION		0x004	/* RO: host interface version */
#define POTNPU_REG_CAPS			0x008	/* RO: POTNPU_CAP_* */
#define POTNPU_REG_SCRATCH		0x00c	/* RW: no side effects */
#define POTNPU_REG_STATUS		0x010	/* RO: POTNPU_STATUS_* */
#define POTNPU_REG_RESET		0x014	/* WO: POTNPU_RESET_MAGIC */
#define POTNPU_REG_IRQ_STATUS		0x018	/* RW1C: POTNPU_IRQ_* pending */
#define POTNPU_REG_IRQ_MASK		0x01c	/* RW: 1 = source enabled */
#define POTNPU_REG_PING			0x020	/* WO: raise the ping irq */
#define POTNPU_REG_PING_DATA		0x024	/* RO: last value written to PING */
#define POTNPU_REG_PING_COUNT		0x028	/* RO: pings since reset */
#define POTNPU_REG_GUEST_ERRORS		0x02c	/* RO: rejected accesses since reset */

/* "PNPU" as a little-endian 32-bit word reads 0x55504e50. */
#define POTNPU_ID_MAGIC			0x55504e50

#define POTNPU_VERSION_MAJOR(v)		(((v) >> 16) & 0xffff)
#define POTNPU_VERSION_MINOR(v)		((v) & 0xffff)
#define POTNPU_VERSION_MAKE(maj, min)	(((maj) << 16) | (min))
#define POTNPU_HW_VERSION		POTNPU_VERSION_MAKE(1, 3)

/* CAPS: what this device implements. Unknown bits read as 0. */
#define POTNPU_CAP_PING			(1u << 0)
#define POTNPU_CAP_CORE			(1u << 1)	/* RV32I control core */
#define POTNPU_CAP_MMU			(1u << 2)	/* device MMU */
#define POTNPU_CAP_JOBQ			(1u << 3)	/* job queues */
#define POTNPU_CAP_SAE			(1u << 4)	/* shift-add engine */

#define POTNPU_STATUS_READY		(1u << 0)

/* Writing anything else to RESET is a guest error and is ignored. */
#define POTNPU_RESET_MAGIC		0x52534554	/* "TESR" */

/* IRQ_STATUS bit n is signalled on MSI-X vector n. */
#define POTNPU_IRQ_PING			(1u << 0)
#define POTNPU_IRQ_JOB			(1u << 1)	/* completion record written */
#define POTNPU_IRQ_ERROR		(1u << 2)	/* core halted, watchdog, MMU fault */
#define POTNPU_IRQ_FW			(1u << 3)	/* firmware status changed */
#define POTNPU_IRQ_ALL			(POTNPU_IRQ_PING | POTNPU_IRQ_JOB | \
					 POTNPU_IRQ_ERROR | POTNPU_IRQ_FW)

/*
 * Control core block (0x100 - 0x1ff), present with CAPS.CORE.
 *
 * The core is halted after reset. The host loads firmware through BAR4,
 * sets CORE_ENTRY and writes CORE_CTRL.RUN; the core then starts at
 * CORE_ENTRY with all registers and CSRs at their reset values. Clearing RUN
 * halts it at once (no instruction is left half done). A fatal trap (an
 * exception while mtvec is 0, or in a trap handler that has not returned)
 * or an expired watchdog halts the core, sets the matching CORE_STATUS bit
 * and raises IRQ_ERROR.
 */
#define POTNPU_REG_CORE_CTRL		0x100	/* RW: POTNPU_CORE_CTRL_* */
#define POTNPU_REG_CORE_STATUS		0x104	/* RO: POTNPU_CORE_STATUS_* */
#define POTNPU_REG_CORE_ENTRY		0x108	/* RW: start PC, in IMEM, aligned */
#define POTNPU_REG_CORE_PC		0x10c	/* RO: current PC */
#define POTNPU_REG_CORE_FAULT_CAUSE	0x110	/* RO: mcause of the fatal trap */
#define POTNPU_REG_CORE_FAULT_PC	0x114	/* RO: PC of the fatal trap */
#define POTNPU_REG_CORE_FAULT_VAL	0x118	/* RO: mtval of the fatal trap */
#define POTNPU_REG_CORE_INSTRET_LO	0x11c	/* RO: retired instructions */
#define POTNPU_REG_CORE_INSTRET_HI	0x120	/* RO */
#define POTNPU_REG_CORE_WDOG_LIMIT	0x124	/* RW: instructions between kicks, 0 = off */

#define POTNPU_CORE_CTRL_RUN		(1u << 0)

#define POTNPU_CORE_STATUS_RUNNING	(1u << 0)	/* RUN set and not halted */
#define POTNPU_CORE_STATUS_WFI		(1u << 1)	/* waiting for an interrupt */
#define POTNPU_CORE_STATUS_TRAPPED	(1u << 2)	/* halted by a fatal trap */
#define POTNPU_CORE_STATUS_WATCHDOG	(1u << 3)	/* halted by the watchdog */

#define POTNPU_CORE_WDOG_DEFAULT	10000000u

/*
 * Mailbox block (0x200 - 0x2ff): the firmware's status as it reports it
 * through its side of the mailbox (potnpu_core.h); read only for the host
 * except HOST_ABI and H2F_DOORBELL. All FW_* registers reset to 0 with the
 * device and when the core is started.
 */
#define POTNPU_REG_FW_STATUS		0x200	/* RO: POTNPU_FW_STATUS_* */
#define POTNPU_REG_FW_VERSION		0x204	/* RO: POTNPU_FW_VER() */
#define POTNPU_REG_FW_ABI		0x208	/* RO: ABI the firmware speaks */
#define POTNPU_REG_FW_CAPS		0x20c	/* RO: POTNPU_FW_CAP_* */
#define POTNPU_REG_FW_ERROR		0x210	/* RO: POTNPU_FW_ERR_* of a failure */
#define POTNPU_REG_FW_HEARTBEAT		0x214	/* RO: advances while fw makes progress */
#define POTNPU_REG_FW_LOG_BASE		0x218	/* RO: DMEM offset of the log ring */
#define POTNPU_REG_FW_LOG_SIZE		0x21c	/* RO: log ring size, power of 2 */
#define POTNPU_REG_FW_LOG_HEAD		0x220	/* RO: bytes ever written to the log */
#define POTNPU_REG_HOST_ABI		0x224	/* RW: ABI the host speaks */
#define POTNPU_REG_H2F_MSG		0x228	/* RW: POTNPU_H2F_* message for the fw */
#define POTNPU_REG_H2F_DOORBELL		0x22c	/* WO: any value: deliver H2F_MSG */
#define POTNPU_REG_H2F_ARG		0x230	/* RW: argument of H2F_MSG */

#define POTNPU_FW_STATUS_OFF		0	/* core not started */
#define POTNPU_FW_STATUS_BOOTING	1
#define POTNPU_FW_STATUS_READY		2	/* handshake done, serving jobs */
#define POTNPU_FW_STATUS_FAILED		3	/* see FW_ERROR */

#define POTNPU_FW_ERR_NONE		0
#define POTNPU_FW_ERR_ABI		1	/* HOST_ABI major not supported */
#define POTNPU_FW_ERR_QUEUE		2	/* job queue registers invalid */
#define POTNPU_FW_ERR_INTERNAL		3

/* Firmware capabilities: the commands it executes. */
#define POTNPU_FW_CAP_DMA		(1u << 0)	/* NOP, FENCE, TIMESTAMP, COPY, FILL */
#define POTNPU_FW_CAP_LAYERS		(1u << 1)	/* layer commands (reserved) */

/*
 * H2F_MSG values. ABORT_JOB's H2F_ARG is the seqno of the job to abort:
 * the firmware finishes that job as POTNPU_JOB_ABORTED if it is the one
 * it is executing, and ignores the message otherwise (the job already
 * completed), so an abort that arrives late never hits an innocent job.
 */
#define POTNPU_H2F_NONE			0
#define POTNPU_H2F_ABORT_JOB		1	/* H2F_ARG = seqno of the job */

/*
 * MMU block (0x300 - 0x3ff), present with CAPS.MMU. Every access a job
 * makes goes through the page table of the job's context slot; see
 * potnpu_job.h for the table format. Select a slot with MMU_CTX_SEL, then
 * read/write its root table address in MMU_PT_LO/HI (0 = slot disabled:
 * every access faults). Changing a root or a live table entry must be
 * followed by MMU_INVALIDATE (the device caches translations).
 */
#define POTNPU_REG_MMU_CTX_SEL		0x300	/* RW: slot 0..POTNPU_MMU_SLOTS-1 */
#define POTNPU_REG_MMU_PT_LO		0x304	/* RW: root table bus address, 4 KiB aligned */
#define POTNPU_REG_MMU_PT_HI		0x308	/* RW */
#define POTNPU_REG_MMU_INVALIDATE	0x30c	/* WO: slot, or POTNPU_MMU_INVALIDATE_ALL */
#define POTNPU_REG_MMU_FAULT_STATUS	0x310	/* RW1C: POTNPU_MMU_FAULT_* of the first fault */
#define POTNPU_REG_MMU_FAULT_ADDR	0x314	/* RO: faulting device VA, low 32 bits */
#define POTNPU_REG_MMU_FAULT_COUNT	0x318	/* RO: faults since reset, saturating */
#define POTNPU_REG_MMU_FAULT_ADDR_HI	0x31c	/* RO: faulting device VA, high 32 bits */

#define POTNPU_MMU_SLOTS		16
#define POTNPU_MMU_INVALIDATE_ALL	0xffffffffu

#define POTNPU_MMU_FAULT_VALID		(1u << 0)
#define POTNPU_MMU_FAULT_WRITE		(1u << 1)
#define POTNPU_MMU_FAULT_SLOT(s)	(((s) >> 8) & 0xff)
#define POTNPU_MMU_FAULT_REASON(s)	(((s) >> 16) & 0xff)
#define POTNPU_MMU_FAULT_MAKE(slot, reason, write) \
	(POTNPU_MMU_FAULT_VALID | ((write) ? POTNPU_MMU_FAULT_WRITE : 0) | \
	 ((slot) & 0xff) << 8 | ((reason) & 0xff) << 16)
#define POTNPU_MMU_REASON_SLOT		1	/* slot disabled or out of range */
#define POTNPU_MMU_REASON_RANGE		2	/* VA beyond POTNPU_VA_SIZE */
#define POTNPU_MMU_REASON_NOT_PRESENT	3	/* invalid L1 or L2 entry */
#define POTNPU_MMU_REASON_READ_ONLY	4	/* write to a read-only page */
#define POTNPU_MMU_REASON_BAD_PTE	5	/* reserved PTE bits set */
#define POTNPU_MMU_REASON_BUS		6	/* table or page not readable */

/*
 * Job queue block (0x400 - 0x4ff), present with CAPS.JOBQ. One submission
 * ring of struct potnpu_job_desc and one completion ring of struct
 * potnpu_job_done, both in host memory, both JQ_SIZE entries. Host and
 * firmware use free-running 32-bit counters; entry i lives at index
 * i % JQ_SIZE. Program the rings while FW_STATUS is not READY (the
 * firmware reads them once, at boot). Writing JQ_TAIL is the doorbell.
 * The host writes CQ_HEAD after it consumed completion records; the
 * firmware never lets CQ_TAIL - CQ_HEAD exceed JQ_SIZE (it waits for room
 * before it writes a record), so no record is overwritten unread.
 */
#define POTNPU_REG_JQ_BASE_LO		0x400	/* RW: ring bus address, 64-byte aligned */
#define POTNPU_REG_JQ_BASE_HI		0x404	/* RW */
#define POTNPU_REG_JQ_SIZE		0x408	/* RW: entries, power of 2, 2..4096 */
#define POTNPU_REG_JQ_TAIL		0x40c	/* RW: jobs submitted (doorbell) */
#define POTNPU_REG_JQ_HEAD		0x410	/* RO: jobs taken by the firmware */
#define POTNPU_REG_CQ_BASE_LO		0x414	/* RW: completion ring, 64-byte aligned */
#define POTNPU_REG_CQ_BASE_HI		0x418	/* RW */
#define POTNPU_REG_CQ_TAIL		0x41c	/* RO: completion records written */
#define POTNPU_REG_CQ_HEAD		0x420	/* RW: completion records consumed */

#define POTNPU_JQ_MIN_SIZE		2
#define POTNPU_JQ_MAX_SIZE		4096

#endif /* POTNPU_REGS_H */
