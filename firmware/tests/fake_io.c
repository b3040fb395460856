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
	uint32_t op = mode & 0xf, ss = (mode >> 4) & 0xf, ds = (mode >> 8) & 0xf;
	uint32_t st = POTNPU_DMA_OK, i;
	uint64_t fault = 0;

	fake.dma_count++;
	fake.heartbeat_at_dma[fake.dma_count & 15] = r[POTNPU_IO_HEARTBEAT / 4];
	if (ss == POTNPU_DMA_SPACE_VA || ds == POTNPU_DMA_SPACE_VA)
		fake.last_va_ctx = ctx;
	if (fake.fail_dma_n && fake.dma_count == fake.fail_dma_n) {
		st = fake.fail_dma_status;
		fault = fake.fail_dma_addr;
		goto out;
	}
	if ((op != POTNPU_DMA_OP_COPY && op != POTNPU_DMA_OP_FILL) ||
	    (mode >> 12) || ss > POTNPU_DMA_SPACE_VA ||
	    ds > POTNPU_DMA_SPACE_VA || !len || len > POTNPU_DMA_MAX_LEN ||
	    ctx >= POTNPU_MMU_SLOTS) {
		st = POTNPU_DMA_EINVAL;
		goto out;
	}
	for (i = 0; i < len; i++) {
		uint8_t b;

		if (op == POTNPU_DMA_OP_FILL) {
			b = (uint8_t)(pattern >> ((i & 3) << 3));
		} else {
			st = access(ss, ctx, src + i, 0, &b);
			if (st) {
				fault = src + i;
				break;
			}
		}
		st = access(ds, ctx, dst + i, 1, &b);
		if (st) {
			fault = dst + i;
			break;
		}
	}
out:
	r[POTNPU_IO_DMA_STATUS / 4] = st;
	r[POTNPU_IO_DMA_FAULT_ADDR / 4] = (uint32_t)fault;
	r[POTNPU_IO_DMA_FAULT_ADDR_HI / 4] = (uint32_t)(fault >> 32);
	if (fake.h2f_after_dma && fake.dma_count == fake.h2f_after_dma)
		fake_h2f(fake.h2f_msg, fake.h2f_arg);
}

uint32_t fw_io_read(uint32_t reg)
{
	if (reg & 3 || reg >= POTNPU_CORE_IO_SIZE) {
		fprintf(stderr, "fake: bad CORE_IO read at 0x%x\n", reg);
		abort();
	}
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
	switch (reg) {
	case POTNPU_IO_EVENTS:
		fake.regs[reg / 4] &= ~val;
		return;
	case POTNPU_IO_DMA_START:
		dma_start();
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
		fprintf(stderr, "fake: write to read-only CORE_IO 0x%x\n", reg);
		abort();
	}
	fake.regs[reg / 4] = val;
}
