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

#include <linux/types.h>

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
 * SRAM   an offset in the shift-add engine's SRAM (with CAPS.SAE).
 * DMA_ROWS > 1 makes a 2D transfer: DMA_ROWS rows of LEN bytes, row r from
 * SRC + r * DMA_SRC_STRIDE to DST + r * DMA_DST_STRIDE (FILL: every row
 * gets the pattern from its first byte on); 0 and 1 are one row. The
 * whole transfer, rows * LEN, is at most POTNPU_DMA_MAX_LEN.
 * DMEM, SRAM and BUS ranges are checked before any byte moves (DMA_ERANGE); a VA
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
#define POTNPU_IO_DMA_ROWS		0x130	/* RW: rows of a 2D transfer, 0/1 = 1D */
#define POTNPU_IO_DMA_SRC_STRIDE	0x134	/* RW: bytes between source rows */
#define POTNPU_IO_DMA_DST_STRIDE	0x138	/* RW: bytes between destination rows */

#define POTNPU_DMA_SPACE_DMEM		0
#define POTNPU_DMA_SPACE_BUS		1
#define POTNPU_DMA_SPACE_VA		2
#define POTNPU_DMA_SPACE_SRAM		3	/* with CAPS.SAE */
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

/*
 * Shift-add engine (SAE), present with CAPS.SAE. The firmware writes a
 * struct potnpu_sae_tile into DMEM, its offset into SAE_DESC and starts
 * the engine with a store to SAE_START; the tile is computed before that
 * store retires. The engine reads inputs, weights, the decode table and
 * channel records from its SRAM (POTNPU_SRAM_SIZE, potnpu_layer.h) and
 * writes the output band there; the DMA engine moves data between SRAM
 * and host memory. SAE_STATUS says how the last start went; the counters
 * are those of the last start (all zero after a failed one). A tile that
 * would compute more than POTNPU_SAE_MAX_WORK (output, tap) pairs, or
 * touch SRAM outside POTNPU_SRAM_SIZE, is refused before anything is
 * written. The arithmetic is docs/numerics.md.
 */
#define POTNPU_IO_SAE_DESC		0x180	/* RW: DMEM offset of the tile, 4-aligned */
#define POTNPU_IO_SAE_START		0x184	/* W: any value: compute the tile */
#define POTNPU_IO_SAE_STATUS		0x188	/* R: POTNPU_SAE_* */
#define POTNPU_IO_SAE_ERROR_INFO	0x18c	/* R: detail: the code of a bad table word */
#define POTNPU_IO_SAE_TAPS_LO		0x190	/* R: taps visited */
#define POTNPU_IO_SAE_TAPS_HI		0x194
#define POTNPU_IO_SAE_TERMS_LO		0x198	/* R: terms executed */
#define POTNPU_IO_SAE_TERMS_HI		0x19c
#define POTNPU_IO_SAE_ZERO_LO		0x1a0	/* R: zero weights skipped */
#define POTNPU_IO_SAE_ZERO_HI		0x1a4
#define POTNPU_IO_SAE_CYCLES		0x1a8	/* R: modeled compute cycles */

#define POTNPU_SAE_OK			0
#define POTNPU_SAE_EINVAL		1	/* bad opcode, shape or parameter */
#define POTNPU_SAE_ERANGE		2	/* an SRAM or DMEM range outside its memory */
#define POTNPU_SAE_ETABLE		3	/* a decode table word breaks the rules */
#define POTNPU_SAE_EWORK		4	/* more than POTNPU_SAE_MAX_WORK */

/**
 * struct potnpu_sae_tile - one engine start: a band of output rows of a
 *	block of output channels (in DMEM, CPU byte order)
 * @op: the layer's opcode, POTNPU_OP_*
 * @flags: the layer's POTNPU_LAYER_F_*
 * @in: SRAM offset of the first loaded input row
 * @in2: ADD: SRAM offset of input b's first loaded row
 * @out: SRAM offset of the output band: rows x out_w x ocb bytes, pixel
 *	stride ocb
 * @weights: CONV2D: SRAM offset of the block's weight rows
 * @table: CONV2D: SRAM offset of the decode table
 * @chan: SRAM offset of the block's channel records (CONV2D, AVGPOOL,
 *	REQUANT)
 * @in_h: the whole input's height (rows outside 0..in_h-1 are padding)
 * @in_w: input width
 * @in_c: input channels
 * @in_cstride: input pixel stride, as in host memory
 * @in2_cstride: ADD: b's pixel stride
 * @row_lo: index of the first loaded input row
 * @rows_in: input rows loaded (0: the band reads only padding)
 * @out_row0: first output row of the band
 * @out_rows: output rows in the band
 * @out_w: output width
 * @out_c: all output channels of the layer
 * @oc0: first output channel of the block
 * @ocb: output channels in the block
 * @kh: kernel height
 * @kw: kernel width
 * @sh: vertical stride
 * @sw: horizontal stride
 * @dh: vertical dilation
 * @dw: horizontal dilation
 * @pad_t: padding rows above the input
 * @pad_l: padding columns left of it
 * @pad_b: padding rows below (the pools' divisor with COUNT_PAD)
 * @pad_r: padding columns right
 * @groups: CONV2D groups
 * @wbits: CONV2D code width
 * @in_zp: input zero point
 * @in2_zp: ADD: b's zero point
 * @out_zp: output zero point
 * @lo: clamp low
 * @hi: clamp high
 * @shift: ADD's shift
 * @m_a: ADD's mantissa of a
 * @m_b: ADD's mantissa of b
 */
struct potnpu_sae_tile {
	__u32 op, flags;
	__u32 in, in2, out, weights, table, chan;
	__u32 in_h, in_w, in_c, in_cstride, in2_cstride;
	__u32 row_lo, rows_in;
	__u32 out_row0, out_rows, out_w, out_c, oc0, ocb;
	__u32 kh, kw, sh, sw, dh, dw;
	__u32 pad_t, pad_l, pad_b, pad_r;
	__u32 groups, wbits;
	__s32 in_zp, in2_zp, out_zp, lo, hi;
	__u32 shift, m_a, m_b;
};

#endif /* POTNPU_CORE_H */
