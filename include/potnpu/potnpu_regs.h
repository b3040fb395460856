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

/* BARs: BAR0 holds the registers, BAR2 the MSI-X table and PBA. */
#define POTNPU_BAR_REGS			0
#define POTNPU_BAR_MSIX			2
#define POTNPU_BAR_REGS_SIZE		0x10000

/* MSI-X vectors. */
#define POTNPU_MSIX_VEC_PING		0	/* PING doorbell acknowledgment */
#define POTNPU_MSIX_VEC_JOB		1	/* reserved: job completion */
#define POTNPU_MSIX_VEC_ERROR		2	/* reserved: errors, faults */
#define POTNPU_MSIX_VEC_FW		3	/* reserved: firmware mailbox */
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
#define POTNPU_HW_VERSION		POTNPU_VERSION_MAKE(1, 0)

/* CAPS: what this device implements. Unknown bits read as 0. */
#define POTNPU_CAP_PING			(1u << 0)
#define POTNPU_CAP_CORE			(1u << 1)	/* RV32I control core */
#define POTNPU_CAP_MMU			(1u << 2)	/* device MMU */
#define POTNPU_CAP_JOBQ			(1u << 3)	/* job queues */
#define POTNPU_CAP_SAE			(1u << 4)	/* shift-add engine */

#define POTNPU_STATUS_READY		(1u << 0)

/* Writing anything else to RESET is a guest error and is ignored. */
#define POTNPU_RESET_MAGIC		0x52534554	/* "TESR" */

#define POTNPU_IRQ_PING			(1u << 0)
#define POTNPU_IRQ_ALL			POTNPU_IRQ_PING

#endif /* POTNPU_REGS_H */
