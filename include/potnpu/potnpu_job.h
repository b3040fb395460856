/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * potnpu jobs: the formats host software, firmware and device share.
 *  - the job descriptor the host puts in the submission ring;
 *  - the completion record the firmware writes to the completion ring;
 *  - the command stream a job executes;
 *  - the device MMU's page table format.
 * All little endian. Used by the kernel driver (which builds descriptors
 * and page tables and validates command streams), the firmware (which
 * executes them), the QEMU device (which walks page tables) and the host
 * tests. The prose: docs/device-spec.md ("Job queue", "Command stream
 * framing", page tables) and docs/firmware.md (command semantics).
 */
#ifndef POTNPU_JOB_H
#define POTNPU_JOB_H

#include <linux/types.h>

#include "potnpu_layer.h"

/**
 * struct potnpu_job_desc - one entry of the submission ring (64 bytes)
 * @seqno: host's job number, echoed in the completion record
 * @slot: MMU context slot whose address space the job uses
 * @flags: must be zero
 * @cmd_va: device VA of the command stream, 4-byte aligned
 * @cmd_size: command stream size in bytes, a multiple of 4,
 *	1..POTNPU_CMD_MAX_SIZE
 * @reserved: must be zero
 */
struct potnpu_job_desc {
	__le32 seqno;
	__le16 slot;
	__le16 flags;
	__le64 cmd_va;
	__le32 cmd_size;
	__le32 reserved[11];
};

/**
 * struct potnpu_job_done - one entry of the completion ring (32 bytes)
 * @seqno: the job's descriptor seqno
 * @status: POTNPU_JOB_* result
 * @err_offset: byte offset in the command stream of the command that
 *	failed (0 on success)
 * @err_info: detail: the MMU fault status for POTNPU_JOB_EMMU, the opcode
 *	for POTNPU_JOB_EILLEGAL, 0 otherwise
 * @fault_addr_lo: low 32 bits of the device VA (or, for POTNPU_JOB_EBUS,
 *	the bus address) that faulted, 0 otherwise
 * @fault_addr_hi: its high 32 bits
 * @start_lo: low 32 bits of the core's INSTRET when the job started
 * @end_lo: low 32 bits of INSTRET when it finished
 */
struct potnpu_job_done {
	__le32 seqno;
	__le32 status;
	__le32 err_offset;
	__le32 err_info;
	__le32 fault_addr_lo;
	__le32 fault_addr_hi;
	__le32 start_lo;
	__le32 end_lo;
};

#define POTNPU_JOB_OK			0
#define POTNPU_JOB_EILLEGAL		1	/* unknown opcode or bad length */
#define POTNPU_JOB_EINVAL		2	/* bad operand (size, alignment) */
#define POTNPU_JOB_EMMU			3	/* MMU fault */
#define POTNPU_JOB_EBUS			4	/* host memory error */
#define POTNPU_JOB_EDESC		5	/* malformed descriptor */
#define POTNPU_JOB_ABORTED		6	/* host sent POTNPU_H2F_ABORT_JOB */

/*
 * Command stream: a sequence of commands, each a header word followed by
 * operand words. Header: opcode in bits 7:0, flags in 15:8 (must be zero
 * unless the command defines them), total length in words, header
 * included, in bits 31:16. A command whose length differs from its
 * opcode's, or that runs past the stream's end, is POTNPU_JOB_EILLEGAL.
 * 64-bit operands are two words, low first. Opcodes 0x10-0x7f are layer
 * commands (potnpu_layer.h).
 */
#define POTNPU_CMD_MAX_SIZE		0x10000	/* bytes per command stream */

#define POTNPU_CMD_HDR(op, words)	((__u32)(op) | (__u32)(words) << 16)
#define POTNPU_CMD_OP(hdr)		((hdr) & 0xff)
#define POTNPU_CMD_FLAGS(hdr)		(((hdr) >> 8) & 0xff)
#define POTNPU_CMD_WORDS(hdr)		((hdr) >> 16)

/* NOP: header only. */
#define POTNPU_OP_NOP			0x00
#define POTNPU_NOP_WORDS		1
/* FENCE: write a 32-bit value to a 4-byte aligned VA. [va_lo, va_hi, value] */
#define POTNPU_OP_FENCE			0x01
#define POTNPU_FENCE_WORDS		4
/* TIMESTAMP: write INSTRET (64 bits) to an 8-byte aligned VA. [va_lo, va_hi] */
#define POTNPU_OP_TIMESTAMP		0x02
#define POTNPU_TIMESTAMP_WORDS		3
/* COPY: [src_lo, src_hi, dst_lo, dst_hi, size]; any alignment, size >= 1. */
#define POTNPU_OP_COPY			0x03
#define POTNPU_COPY_WORDS		6
/*
 * FILL: [dst_lo, dst_hi, size, pattern]; byte i of the destination gets
 * byte (i % 4) of the little-endian pattern; any alignment, size >= 1.
 */
#define POTNPU_OP_FILL			0x04
#define POTNPU_FILL_WORDS		5

#define POTNPU_OP_LAYER_FIRST		0x10
#define POTNPU_OP_LAYER_LAST		0x7f

/**
 * potnpu_cmd_words() - the length of a command, by opcode
 * @op: opcode, POTNPU_CMD_OP() of the header
 *
 * The one table of command lengths: the kernel validator, the firmware and
 * the host tests' fake driver all ask it.
 *
 * Return: the command's total length in words, header included, or 0 for
 * an opcode the device does not implement.
 */
static inline unsigned int potnpu_cmd_words(unsigned int op)
{
	switch (op) {
	case POTNPU_OP_NOP:
		return POTNPU_NOP_WORDS;
	case POTNPU_OP_FENCE:
		return POTNPU_FENCE_WORDS;
	case POTNPU_OP_TIMESTAMP:
		return POTNPU_TIMESTAMP_WORDS;
	case POTNPU_OP_COPY:
		return POTNPU_COPY_WORDS;
	case POTNPU_OP_FILL:
		return POTNPU_FILL_WORDS;
	case POTNPU_OP_CONV2D:
	case POTNPU_OP_MAXPOOL:
	case POTNPU_OP_AVGPOOL:
	case POTNPU_OP_ADD:
	case POTNPU_OP_REQUANT:
		return POTNPU_LAYER_WORDS;
	default:
		return 0;
	}
}

/*
 * Device MMU page tables: two levels of 4 KiB tables of 512 64-bit
 * entries, translating a POTNPU_VA_BITS device VA:
 *   L1 index = VA[29:21], L2 index = VA[20:12], offset = VA[11:0].
 * An entry: bit 0 VALID, bit 1 WRITE (L2 only; must be 0 in L1), bits
 * 51:12 the bus address of the next table or the page, all other bits
 * must be zero (POTNPU_MMU_REASON_BAD_PTE otherwise).
 */
#define POTNPU_VA_BITS			30
#define POTNPU_VA_SIZE			(1ull << POTNPU_VA_BITS)
#define POTNPU_PAGE_SHIFT		12
#define POTNPU_PAGE_SIZE		(1u << POTNPU_PAGE_SHIFT)
#define POTNPU_PT_ENTRIES		512
#define POTNPU_PT_L1_SHIFT		21
#define POTNPU_PT_L2_SHIFT		12
#define POTNPU_PT_INDEX(va, shift)	(((va) >> (shift)) & (POTNPU_PT_ENTRIES - 1))
#define POTNPU_PTE_VALID		(1ull << 0)
#define POTNPU_PTE_WRITE		(1ull << 1)
#define POTNPU_PTE_ADDR_MASK		0x000ffffffffff000ull

#endif /* POTNPU_JOB_H */
