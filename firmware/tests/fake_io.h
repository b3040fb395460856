/* SPDX-License-Identifier: MIT */
/*
 * A simulated potnpu device for the firmware's host tests: CORE_IO
 * registers, the DMA engine with its four address spaces and 2D transfers,
 * DMEM, the shift-add engine's SRAM, a device VA space with per-page
 * faults, host bus memory with the job rings, and fault/abort injection.
 * The engine is a recorder, not an arithmetic model: each start is copied
 * to fake.tiles, returns counters derived from the tile's size and writes
 * fake_out_byte() of each output position, so tests can check where the
 * firmware put things (the numerics are checked against the CPU
 * reference elsewhere). Semantics follow include/potnpu/potnpu_core.h.
 */
#ifndef POTNPU_FW_FAKE_IO_H
#define POTNPU_FW_FAKE_IO_H

#include <stdint.h>

#include "fw.h"

/* DMEM offset test_fw maps the firmware's struct fw_dmem at (as on the target). */
#define FAKE_DMEM_AREA		0x40u

/* Device VA memory, the same for every enabled slot. */
#define FAKE_VA_SIZE		0x400000u	/* 4 MiB */
#define FAKE_PAGES		(FAKE_VA_SIZE >> POTNPU_PAGE_SHIFT)
#define FAKE_PAGE_ABSENT	1u	/* any access: MMU fault */
#define FAKE_PAGE_RO		2u	/* write: MMU fault */
#define FAKE_PAGE_BUSERR	4u	/* any access: bus error */

/* Host bus memory: a window above 4 GiB so the high words matter. */
#define FAKE_BUS_BASE		0x0000000123400000ull
#define FAKE_BUS_SIZE		0x80000u

#define FAKE_MAX_STATUS		16
/* DMA transfers and engine starts recorded (the first ones). */
#define FAKE_MAX_DMAS		4096
#define FAKE_MAX_TILES		1024

/* One DMA transfer as the firmware programmed it. */
struct fake_dma {
	uint32_t mode;
	uint64_t src, dst;
	uint32_t len, rows, src_stride, dst_stride, ctx;
	uint32_t status;
};

/* One engine start: the tile descriptor, when, and what it returned. */
struct fake_tile {
	struct potnpu_sae_tile t;
	uint32_t dma_count;		/* DMAs before the start */
	uint32_t heartbeat;		/* FW_HEARTBEAT at the start */
	uint32_t status;
	uint64_t taps, terms, zero;
	uint32_t cycles;
};

struct fake {
	uint32_t regs[POTNPU_CORE_IO_SIZE / 4];
	uint64_t instret;
	/* Statistics. */
	uint32_t dma_count;
	uint32_t wdog_kicks;
	uint32_t irq_writes;
	uint32_t irq_bits;
	uint32_t status_log[FAKE_MAX_STATUS];
	uint32_t status_count;
	uint32_t error_at_status;	/* FW_ERROR when FAILED was written */
	uint32_t last_va_ctx;		/* DMA_CTX of the last VA transfer */
	/* Memories. */
	uint8_t *va;			/* FAKE_VA_SIZE bytes */
	uint8_t page[FAKE_PAGES];	/* FAKE_PAGE_* */
	uint32_t slot_enabled;		/* bit per slot */
	uint8_t *bus;			/* FAKE_BUS_SIZE bytes */
	uint64_t bus_bad_lo, bus_bad_hi;	/* bus error range */
	uint8_t dmem[POTNPU_CORE_DMEM_SIZE];	/* DMEM outside the area */
	/* A host buffer mapped into DMEM at area_off (test_fw: fw_dmem). */
	uint8_t *area;
	uint32_t area_off, area_len;
	/* Injection: make DMA number N (1-based) fail with this status. */
	uint32_t fail_dma_n;
	uint32_t fail_dma_status;
	uint32_t fail_dma_addr;
	/* Injection: after DMA number N completes, H2F message MSG arrives. */
	uint32_t h2f_after_dma;
	uint32_t h2f_msg;
	uint32_t h2f_arg;		/* its H2F_ARG */
	/* FW_HEARTBEAT when DMA number N started, N % 16. */
	uint32_t heartbeat_at_dma[16];
	/*
	 * The host's CQ_HEAD: with cq_manual 0 it follows CQ_TAIL (records
	 * are consumed at once); else regs[CQ_HEAD] is what the test wrote.
	 * fw_wait() counts waits and calls on_wait (the host's turn).
	 */
	uint32_t cq_manual;
	uint32_t waits;
	void (*on_wait)(void);
	/* The shift-add engine and its SRAM (absent with no_sae). */
	uint32_t no_sae;
	uint8_t sram[POTNPU_SRAM_SIZE];
	struct fake_dma dmas[FAKE_MAX_DMAS];	/* DMA number N at [N - 1] */
	struct fake_tile tiles[FAKE_MAX_TILES];
	uint32_t sae_starts;
	/* Injection: engine start number N (1-based) fails with this status. */
	uint32_t sae_fail_n;
	uint32_t sae_fail_status;
	/* SAE_CYCLES of every start if non-zero, else terms / 16 + 16. */
	uint32_t sae_cycles;
	/* Called at each start, before the fake writes the output band. */
	void (*on_sae)(const struct potnpu_sae_tile *t);
};

extern struct fake fake;

void fake_reset(void);
void fake_free(void);
uint8_t *fake_bus_ptr(uint64_t addr, uint32_t len);
void fake_h2f(uint32_t msg, uint32_t arg);
void fake_cq_head(uint32_t head);
uint8_t fake_out_byte(uint32_t y, uint32_t x, uint32_t c);

#endif /* POTNPU_FW_FAKE_IO_H */
