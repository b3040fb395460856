// SPDX-License-Identifier: MIT
/*
 * The simulated device behind fw_io_read()/fw_io_write() in the host build.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_io.h"
#include "fw_io.h"

struct fake fake;

void fake_free(void)
{
	free(fake.va);
	free(fake.bus);
	fake.va = NULL;
	fake.bus = NULL;
}

void fake_reset(void)
{
	uint8_t *va = fake.va, *bus = fake.bus;

	memset(&fake, 0, sizeof(fake));
	fake.va = va ? va : malloc(FAKE_VA_SIZE);
	fake.bus = bus ? bus : malloc(FAKE_BUS_SIZE);
	if (!fake.va || !fake.bus) {
		fprintf(stderr, "fake: out of memory\n");
		exit(2);
	}
	memset(fake.va, 0, FAKE_VA_SIZE);
	memset(fake.bus, 0, FAKE_BUS_SIZE);
	fake.slot_enabled = 0xffff;
	fake.regs[POTNPU_IO_TIMECMP_LO / 4] = 0xffffffffu;
	fake.regs[POTNPU_IO_TIMECMP_HI / 4] = 0xffffffffu;
	fake.instret = 1000;
}

uint8_t *fake_bus_ptr(uint64_t addr, uint32_t len)
{
	if (addr < FAKE_BUS_BASE || addr - FAKE_BUS_BASE > FAKE_BUS_SIZE ||
	    len > FAKE_BUS_SIZE - (addr - FAKE_BUS_BASE))
		return NULL;
	return fake.bus + (addr - FAKE_BUS_BASE);
}

void fake_h2f(uint32_t msg, uint32_t arg)
{
	fake.regs[POTNPU_IO_H2F_MSG / 4] = msg;
	fake.regs[POTNPU_IO_H2F_ARG / 4] = arg;
	fake.regs[POTNPU_IO_EVENTS / 4] |= POTNPU_EVENT_H2F;
}

/* The host writes CQ_HEAD: records up to @head consumed. */
void fake_cq_head(uint32_t head)
{
	fake.regs[POTNPU_IO_CQ_HEAD / 4] = head;
	fake.regs[POTNPU_IO_EVENTS / 4] |= POTNPU_EVENT_CQ_HEAD;
}

/* The firmware sleeps (WFI): the host may act. Never forever. */
void fw_wait(void)
{
	fake.waits++;
	if (fake.on_wait)
		fake.on_wait();
	if (fake.waits > 100000) {
		fprintf(stderr, "fake: the firmware waits forever\n");
		abort();
	}
}

/* Byte @a of DMEM, or NULL past its end. */
static uint8_t *dmem_byte(uint64_t a)
{
	if (a >= POTNPU_CORE_DMEM_SIZE)
		return NULL;
	if (fake.area && a >= fake.area_off && a - fake.area_off < fake.area_len)
		return fake.area + (a - fake.area_off);
	return &fake.dmem[a];
}

/* One byte access in @space; returns POTNPU_DMA_OK or the error. */
static uint32_t access(uint32_t space, uint32_t ctx, uint64_t a, int write,
		       uint8_t *val)
{
	uint8_t *p = NULL;

	switch (space) {
	case POTNPU_DMA_SPACE_DMEM:
		p = dmem_byte(a);
		if (!p)
			return POTNPU_DMA_ERANGE;
		break;
	case POTNPU_DMA_SPACE_BUS:
		if (a >= fake.bus_bad_lo && a < fake.bus_bad_hi)
			return POTNPU_DMA_EBUS;
		p = fake_bus_ptr(a, 1);
		if (!p)
			return POTNPU_DMA_EBUS;
		break;
	case POTNPU_DMA_SPACE_SRAM:
		if (fake.no_sae)
			return POTNPU_DMA_EINVAL;
		if (a >= POTNPU_SRAM_SIZE)
			return POTNPU_DMA_ERANGE;
		p = &fake.sram[a];
		break;
	case POTNPU_DMA_SPACE_VA: {
		uint32_t pg;

		if (!(fake.slot_enabled & (1u << ctx)) || a >= FAKE_VA_SIZE)
			return POTNPU_DMA_EMMU;
		pg = fake.page[a >> POTNPU_PAGE_SHIFT];
		if (pg & FAKE_PAGE_ABSENT)
			return POTNPU_DMA_EMMU;
		if (pg & FAKE_PAGE_BUSERR)
			return POTNPU_DMA_EBUS;
		if (write && (pg & FAKE_PAGE_RO))
			return POTNPU_DMA_EMMU;
		p = &fake.va[a];
		break;
	}
	default:
		return POTNPU_DMA_EINVAL;
	}
	if (write)
		*p = *val;
	else
		*val = *p;
	return POTNPU_DMA_OK;
}

/* Move @len bytes; returns the status, *fault = the failing address. */
static uint32_t dma_row(uint32_t op, uint32_t ss, uint32_t ds, uint32_t ctx,
			uint64_t src, uint64_t dst, uint32_t len,
			uint32_t pattern, uint64_t *fault)
{
	uint32_t st, i;

	for (i = 0; i < len; i++) {
		uint8_t b;

		if (op == POTNPU_DMA_OP_FILL) {
			b = (uint8_t)(pattern >> ((i & 3) << 3));
		} else {
			st = access(ss, ctx, src + i, 0, &b);
			if (st) {
				*fault = src + i;
				return st;
			}
		}
		st = access(ds, ctx, dst + i, 1, &b);
		if (st) {
			*fault = dst + i;
			return st;
		}
	}
	return POTNPU_DMA_OK;
}

static void dma_start(void)
{
	uint32_t *r = fake.regs;
	uint64_t src = r[POTNPU_IO_DMA_SRC_LO / 4] |
		       (uint64_t)r[POTNPU_IO_DMA_SRC_HI / 4] << 32;
	uint64_t dst = r[POTNPU_IO_DMA_DST_LO / 4] |
		       (uint64_t)r[POTNPU_IO_DMA_DST_HI / 4] << 32;
	uint32_t len = r[POTNPU_IO_DMA_LEN / 4];
	uint32_t ctx = r[POTNPU_IO_DMA_CTX / 4];
	uint32_t mode = r[POTNPU_IO_DMA_MODE / 4];
	uint32_t pattern = r[POTNPU_IO_DMA_PATTERN / 4];
	uint32_t rows = r[POTNPU_IO_DMA_ROWS / 4];
	uint32_t sstr = r[POTNPU_IO_DMA_SRC_STRIDE / 4];
	uint32_t dstr = r[POTNPU_IO_DMA_DST_STRIDE / 4];
	uint32_t op = mode & 0xf, ss = (mode >> 4) & 0xf, ds = (mode >> 8) & 0xf;
	uint32_t st = POTNPU_DMA_OK, i;
	uint64_t fault = 0;
	struct fake_dma *log = NULL;

	fake.dma_count++;
	if (fake.dma_count <= FAKE_MAX_DMAS) {
		log = &fake.dmas[fake.dma_count - 1];
		*log = (struct fake_dma){ mode, src, dst, len, rows, sstr, dstr,
					  ctx, 0 };
	}
	fake.heartbeat_at_dma[fake.dma_count & 15] = r[POTNPU_IO_HEARTBEAT / 4];
	if (ss == POTNPU_DMA_SPACE_VA || ds == POTNPU_DMA_SPACE_VA)
		fake.last_va_ctx = ctx;
	if (!rows)
		rows = 1;
	if (fake.fail_dma_n && fake.dma_count == fake.fail_dma_n) {
		st = fake.fail_dma_status;
		fault = fake.fail_dma_addr;
		goto out;
	}
	if ((op != POTNPU_DMA_OP_COPY && op != POTNPU_DMA_OP_FILL) ||
	    (mode >> 12) || ss > POTNPU_DMA_SPACE_SRAM ||
	    ds > POTNPU_DMA_SPACE_SRAM || !len || len > POTNPU_DMA_MAX_LEN ||
	    (uint64_t)rows * len > POTNPU_DMA_MAX_LEN ||
	    ctx >= POTNPU_MMU_SLOTS) {
		st = POTNPU_DMA_EINVAL;
		goto out;
	}
	for (i = 0; i < rows && !st; i++)
		st = dma_row(op, ss, ds, ctx, src + (uint64_t)i * sstr,
			     dst + (uint64_t)i * dstr, len, pattern, &fault);
out:
	if (log)
		log->status = st;
	r[POTNPU_IO_DMA_STATUS / 4] = st;
	r[POTNPU_IO_DMA_FAULT_ADDR / 4] = (uint32_t)fault;
	r[POTNPU_IO_DMA_FAULT_ADDR_HI / 4] = (uint32_t)(fault >> 32);
	if (fake.h2f_after_dma && fake.dma_count == fake.h2f_after_dma)
		fake_h2f(fake.h2f_msg, fake.h2f_arg);
}

/* What the fake engine writes at output position (y, x), channel c. */
uint8_t fake_out_byte(uint32_t y, uint32_t x, uint32_t c)
{
	return (uint8_t)(y * 131 + x * 31 + c * 7 + 1);
}

static void set64(uint32_t lo_reg, uint64_t v)
{
	fake.regs[lo_reg / 4] = (uint32_t)v;
	fake.regs[lo_reg / 4 + 1] = (uint32_t)(v >> 32);
}

/*
 * An engine start: record the tile, return counters made from its size
 * (taps = outputs, terms = 2 * taps, zero skips = taps / 8) and write the
 * output band with fake_out_byte(). Only the ranges are checked.
 */
static void sae_start(void)
{
	uint32_t desc = fake.regs[POTNPU_IO_SAE_DESC / 4], st = POTNPU_SAE_OK;
	struct potnpu_sae_tile t;
	uint64_t taps = 0, outs;
	uint32_t i, p, c;

	for (i = 0; i < sizeof(t); i++) {
		uint8_t *b = dmem_byte((uint64_t)desc + i);

		if (!b || (desc & 3)) {
			fprintf(stderr, "fake: SAE_DESC 0x%x outside DMEM\n", desc);
			abort();
		}
		((uint8_t *)&t)[i] = *b;
	}
	fake.sae_starts++;
	outs = (uint64_t)t.out_rows * t.out_w * t.ocb;
	if (fake.sae_fail_n && fake.sae_starts == fake.sae_fail_n)
		st = fake.sae_fail_status;
	else if (t.out + outs > POTNPU_SRAM_SIZE ||
		 t.in + (uint64_t)t.rows_in * t.in_w * t.in_cstride >
			 POTNPU_SRAM_SIZE)
		st = POTNPU_SAE_ERANGE;
	if (fake.on_sae)
		fake.on_sae(&t);
	if (st == POTNPU_SAE_OK) {
		taps = outs;
		for (p = 0; p < t.out_rows * t.out_w; p++)
			for (c = 0; c < t.ocb; c++)
				fake.sram[t.out + p * t.ocb + c] =
					fake_out_byte(t.out_row0 + p / t.out_w,
						      p % t.out_w, t.oc0 + c);
	}
	fake.regs[POTNPU_IO_SAE_STATUS / 4] = st;
	set64(POTNPU_IO_SAE_TAPS_LO, taps);
	set64(POTNPU_IO_SAE_TERMS_LO, 2 * taps);
	set64(POTNPU_IO_SAE_ZERO_LO, taps / 8);
	fake.regs[POTNPU_IO_SAE_CYCLES / 4] = !taps ? 0 :
		fake.sae_cycles ? fake.sae_cycles : (uint32_t)(2 * taps / 16 + 16);
	if (fake.sae_starts <= FAKE_MAX_TILES) {
		struct fake_tile *r = &fake.tiles[fake.sae_starts - 1];

		r->t = t;
		r->dma_count = fake.dma_count;
		r->heartbeat = fake.regs[POTNPU_IO_HEARTBEAT / 4];
		r->status = st;
		r->taps = taps;
		r->terms = 2 * taps;
		r->zero = taps / 8;
		r->cycles = fake.regs[POTNPU_IO_SAE_CYCLES / 4];
	}
}

/* The engine's registers and 2D DMA exist only with the engine. */
static void check_sae_reg(uint32_t reg, const char *what)
{
	if (fake.no_sae && ((reg >= POTNPU_IO_DMA_ROWS &&
			     reg <= POTNPU_IO_DMA_DST_STRIDE) ||
			    (reg >= POTNPU_IO_SAE_DESC &&
			     reg <= POTNPU_IO_SAE_CYCLES))) {
		fprintf(stderr, "fake: %s of CORE_IO 0x%x without the engine\n",
			what, reg);
		abort();
	}
}

uint32_t fw_io_read(uint32_t reg)
{
	if (reg & 3 || reg >= POTNPU_CORE_IO_SIZE) {
		fprintf(stderr, "fake: bad CORE_IO read at 0x%x\n", reg);
		abort();
	}
	check_sae_reg(reg, "read");
	switch (reg) {
	case POTNPU_IO_INSTRET_LO:
		/* Every read is an instruction later. */
		return (uint32_t)fake.instret++;
	case POTNPU_IO_INSTRET_HI:
		return (uint32_t)(fake.instret >> 32);
	case POTNPU_IO_CQ_HEAD:
		if (!fake.cq_manual)
			return fake.regs[POTNPU_IO_CQ_TAIL / 4];
		break;
	}
	return fake.regs[reg / 4];
}

void fw_io_write(uint32_t reg, uint32_t val)
{
	if (reg & 3 || reg >= POTNPU_CORE_IO_SIZE) {
		fprintf(stderr, "fake: bad CORE_IO write at 0x%x\n", reg);
		abort();
	}
	check_sae_reg(reg, "write");
	switch (reg) {
	case POTNPU_IO_EVENTS:
		fake.regs[reg / 4] &= ~val;
		return;
	case POTNPU_IO_DMA_START:
		dma_start();
		return;
	case POTNPU_IO_SAE_START:
		sae_start();
		return;
	case POTNPU_IO_WDOG_KICK:
		fake.wdog_kicks++;
		return;
	case POTNPU_IO_HOST_IRQ:
		fake.irq_writes++;
		fake.irq_bits |= val;
		return;
	case POTNPU_IO_FW_STATUS:
		if (fake.status_count < FAKE_MAX_STATUS)
			fake.status_log[fake.status_count++] = val;
		if (val == POTNPU_FW_STATUS_FAILED)
			fake.error_at_status = fake.regs[POTNPU_IO_FW_ERROR / 4];
		break;
	case POTNPU_IO_HOST_ABI:
	case POTNPU_IO_H2F_MSG:
	case POTNPU_IO_H2F_ARG:
	case POTNPU_IO_CQ_HEAD:
	case POTNPU_IO_INSTRET_LO:
	case POTNPU_IO_INSTRET_HI:
	case POTNPU_IO_JQ_BASE_LO:
	case POTNPU_IO_JQ_BASE_HI:
	case POTNPU_IO_JQ_SIZE:
	case POTNPU_IO_JQ_TAIL:
	case POTNPU_IO_CQ_BASE_LO:
	case POTNPU_IO_CQ_BASE_HI:
	case POTNPU_IO_DMA_STATUS:
	case POTNPU_IO_DMA_FAULT_ADDR:
	case POTNPU_IO_DMA_FAULT_ADDR_HI:
	case POTNPU_IO_SAE_STATUS:
	case POTNPU_IO_SAE_ERROR_INFO:
	case POTNPU_IO_SAE_TAPS_LO:
	case POTNPU_IO_SAE_TAPS_HI:
	case POTNPU_IO_SAE_TERMS_LO:
	case POTNPU_IO_SAE_TERMS_HI:
	case POTNPU_IO_SAE_ZERO_LO:
	case POTNPU_IO_SAE_ZERO_HI:
	case POTNPU_IO_SAE_CYCLES:
		fprintf(stderr, "fake: write to read-only CORE_IO 0x%x\n", reg);
		abort();
	}
	fake.regs[reg / 4] = val;
}
