// SPDX-License-Identifier: MIT
/*
 * RV32I + Zicsr machine-mode simulator for the firmware's image tests.
 * CORE_IO accesses go to fw_io_read()/fw_io_write() of fake_io.c, whose
 * DMA engine sees this simulator's DMEM (fake.area).
 */
#include <string.h>

#include "fake_io.h"
#include "fw_io.h"
#include "rv32sim.h"

#define MSTATUS_MIE	(1u << 3)
#define MSTATUS_MPIE	(1u << 7)
#define MIP_MTIP	(1u << 7)
#define MIP_MEIP	(1u << 11)

#define CAUSE_FETCH_FAULT	1
#define CAUSE_ILLEGAL		2
#define CAUSE_BREAKPOINT	3
#define CAUSE_LOAD_MISALIGNED	4
#define CAUSE_LOAD_FAULT	5
#define CAUSE_STORE_MISALIGNED	6
#define CAUSE_STORE_FAULT	7
#define CAUSE_ECALL_M		11
#define CAUSE_INTERRUPT		0x80000000u

void sim_reset(struct sim *s, uint32_t entry)
{
	memset(s->x, 0, sizeof(s->x));
	s->pc = entry;
	s->instret = 0;
	s->slots = 0;
	s->insns = 0;
	s->mstatus = s->mie = s->mtvec = s->mepc = 0;
	s->mcause = s->mtval = s->mscratch = 0;
	s->in_trap = 0;
	s->wfi = 0;
	s->state = SIM_RUNNING;
	s->traps = 0;
	memset(s->dmem, 0, sizeof(s->dmem));
	fake.area = s->dmem;
	fake.area_off = 0;
	fake.area_len = sizeof(s->dmem);
}

static uint64_t timecmp(void)
{
	return fake.regs[POTNPU_IO_TIMECMP_LO / 4] |
	       (uint64_t)fake.regs[POTNPU_IO_TIMECMP_HI / 4] << 32;
}

static uint32_t mip(struct sim *s)
{
	uint32_t v = 0;

	if (fake.regs[POTNPU_IO_EVENTS / 4])
		v |= MIP_MEIP;
	if (s->instret >= timecmp())
		v |= MIP_MTIP;
	return v;
}

static void trap(struct sim *s, uint32_t cause, uint32_t tval)
{
	s->traps++;
	if (!s->mtvec || (s->in_trap && !(cause & CAUSE_INTERRUPT))) {
		s->state = SIM_FATAL;
		s->fatal_cause = cause;
		s->fatal_pc = s->pc;
		return;
	}
	s->mepc = s->pc;
	s->mcause = cause;
	s->mtval = tval;
	s->mstatus = (s->mstatus & ~(MSTATUS_MIE | MSTATUS_MPIE)) |
		     ((s->mstatus & MSTATUS_MIE) ? MSTATUS_MPIE : 0);
	s->in_trap = 1;
	s->pc = s->mtvec & ~3u;
}

/* Loads: returns 0 and *v, or the trap cause. */
static uint32_t load(struct sim *s, uint32_t a, uint32_t size, uint32_t *v)
{
	const uint8_t *p;

	if (a & (size - 1))
		return CAUSE_LOAD_MISALIGNED;
	if (a >= POTNPU_CORE_IO_BASE && a - POTNPU_CORE_IO_BASE < POTNPU_CORE_IO_SIZE) {
		if (size != 4)
			return CAUSE_LOAD_FAULT;
		fake.instret = s->instret;
		*v = fw_io_read(a - POTNPU_CORE_IO_BASE);
		return 0;
	}
	if (a < POTNPU_CORE_IMEM_BASE + POTNPU_CORE_IMEM_SIZE)
		p = &s->imem[a - POTNPU_CORE_IMEM_BASE];
	else if (a >= POTNPU_CORE_DMEM_BASE &&
		 a - POTNPU_CORE_DMEM_BASE < POTNPU_CORE_DMEM_SIZE)
		p = &s->dmem[a - POTNPU_CORE_DMEM_BASE];
	else
		return CAUSE_LOAD_FAULT;
	*v = p[0];
	if (size >= 2)
		*v |= (uint32_t)p[1] << 8;
	if (size == 4)
		*v |= (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
	return 0;
}

static uint32_t store(struct sim *s, uint32_t a, uint32_t size, uint32_t v)
{
	uint8_t *p;

	if (a & (size - 1))
		return CAUSE_STORE_MISALIGNED;
	if (a >= POTNPU_CORE_IO_BASE && a - POTNPU_CORE_IO_BASE < POTNPU_CORE_IO_SIZE) {
		if (size != 4)
			return CAUSE_STORE_FAULT;
		fake.instret = s->instret;
		fw_io_write(a - POTNPU_CORE_IO_BASE, v);
		return 0;
	}
	/* IMEM is read-only for the core. */
	if (a < POTNPU_CORE_DMEM_BASE ||
	    a - POTNPU_CORE_DMEM_BASE >= POTNPU_CORE_DMEM_SIZE)
		return CAUSE_STORE_FAULT;
	p = &s->dmem[a - POTNPU_CORE_DMEM_BASE];
	p[0] = (uint8_t)v;
	if (size >= 2)
		p[1] = (uint8_t)(v >> 8);
	if (size == 4) {
		p[2] = (uint8_t)(v >> 16);
		p[3] = (uint8_t)(v >> 24);
	}
	return 0;
}

/* CSR access: returns 0 and the old value, or CAUSE_ILLEGAL. */
static uint32_t csr(struct sim *s, uint32_t num, uint32_t *old, int write,
		    uint32_t nv)
{
	uint32_t *r = NULL, ro = 0;

	switch (num) {
	case 0x300: r = &s->mstatus; break;
	case 0x304: r = &s->mie; break;
	case 0x305: r = &s->mtvec; break;
	case 0x340: r = &s->mscratch; break;
	case 0x341: r = &s->mepc; break;
	case 0x342: r = &s->mcause; break;
	case 0x343: r = &s->mtval; break;
	case 0x344: ro = mip(s); break;
	case 0x301: ro = 0x40000100u; break;	/* misa: RV32I */
	case 0xf14: ro = 0; break;		/* mhartid */
	case 0xc00: case 0xc02: ro = (uint32_t)s->instret; break;
	case 0xc80: case 0xc82: ro = (uint32_t)(s->instret >> 32); break;
	default:
		return CAUSE_ILLEGAL;
	}
	*old = r ? *r : ro;
	if (write && r) {
		if (num == 0x305)
			nv &= ~3u;	/* direct mode only */
		*r = nv;
	}
	return 0;
}

/* Sign-extended immediates; shifts on unsigned values (no UB). */
static uint32_t sext(uint32_t v, unsigned int bits)
{
	uint32_t m = 1u << (bits - 1);

	return (v ^ m) - m;
}

static int32_t imm_i(uint32_t w)
{
	return (int32_t)sext(w >> 20, 12);
}

static int32_t imm_s(uint32_t w)
{
	return (int32_t)sext((w >> 25) << 5 | ((w >> 7) & 0x1f), 12);
}

static int32_t imm_b(uint32_t w)
{
	return (int32_t)sext((w >> 31) << 12 | ((w & 0x80) << 4) |
			     ((w >> 20) & 0x7e0) | ((w >> 7) & 0x1e), 13);
}

static int32_t imm_j(uint32_t w)
{
	return (int32_t)sext((w >> 31) << 20 | (w & 0xff000) |
			     ((w >> 9) & 0x800) | ((w >> 20) & 0x7fe), 21);
}

/* Execute one instruction; returns 0 or a trap cause (*tval set). */
static uint32_t step(struct sim *s, uint32_t *tval)
{
	uint32_t w, rd, rs1, rs2, f3, f7, a, b, v = 0, next, c;

	if (s->pc & 3 || s->pc >= POTNPU_CORE_IMEM_BASE + POTNPU_CORE_IMEM_SIZE) {
		*tval = s->pc;
		return CAUSE_FETCH_FAULT;
	}
	w = (uint32_t)s->imem[s->pc] | (uint32_t)s->imem[s->pc + 1] << 8 |
	    (uint32_t)s->imem[s->pc + 2] << 16 | (uint32_t)s->imem[s->pc + 3] << 24;
	rd = (w >> 7) & 31;
	rs1 = (w >> 15) & 31;
	rs2 = (w >> 20) & 31;
	f3 = (w >> 12) & 7;
	f7 = w >> 25;
	a = s->x[rs1];
	b = s->x[rs2];
	next = s->pc + 4;
	*tval = w;

	switch (w & 0x7f) {
	case 0x37: v = w & 0xfffff000u; break;			/* LUI */
	case 0x17: v = s->pc + (w & 0xfffff000u); break;	/* AUIPC */
	case 0x6f: v = next; next = s->pc + (uint32_t)imm_j(w); break;
	case 0x67:
		if (f3)
			return CAUSE_ILLEGAL;
		v = next;
		next = (a + (uint32_t)imm_i(w)) & ~1u;
		break;
	case 0x63: {						/* branches */
		int t;

		switch (f3) {
		case 0: t = a == b; break;
		case 1: t = a != b; break;
		case 4: t = (int32_t)a < (int32_t)b; break;
		case 5: t = (int32_t)a >= (int32_t)b; break;
		case 6: t = a < b; break;
		case 7: t = a >= b; break;
		default: return CAUSE_ILLEGAL;
		}
		if (t)
			next = s->pc + (uint32_t)imm_b(w);
		rd = 0;
		break;
	}
	case 0x03: {						/* loads */
		uint32_t addr = a + (uint32_t)imm_i(w), size;

		switch (f3) {
		case 0: case 4: size = 1; break;
		case 1: case 5: size = 2; break;
		case 2: size = 4; break;
		default: return CAUSE_ILLEGAL;
		}
		c = load(s, addr, size, &v);
		if (c) {
			*tval = addr;
			return c;
		}
		if (f3 == 0)
			v = (uint32_t)(int32_t)(int8_t)v;
		else if (f3 == 1)
			v = (uint32_t)(int32_t)(int16_t)v;
		break;
	}
	case 0x23: {						/* stores */
		uint32_t addr = a + (uint32_t)imm_s(w);

		if (f3 > 2)
			return CAUSE_ILLEGAL;
		c = store(s, addr, 1u << f3, b);
		if (c) {
			*tval = addr;
			return c;
		}
		rd = 0;
		break;
	}
	case 0x13: {						/* OP-IMM */
		uint32_t imm = (uint32_t)imm_i(w), sh = rs2;

		switch (f3) {
		case 0: v = a + imm; break;
		case 2: v = (int32_t)a < (int32_t)imm; break;
		case 3: v = a < imm; break;
		case 4: v = a ^ imm; break;
		case 6: v = a | imm; break;
		case 7: v = a & imm; break;
		case 1:
			if (f7)
				return CAUSE_ILLEGAL;
			v = a << sh;
			break;
		case 5:
			if (f7 == 0)
				v = a >> sh;
			else if (f7 == 0x20)
				v = (uint32_t)((int32_t)a >> sh);
			else
				return CAUSE_ILLEGAL;
			break;
		}
		break;
	}
	case 0x33:						/* OP, no M */
		if (f7 != 0 && !(f7 == 0x20 && (f3 == 0 || f3 == 5)))
			return CAUSE_ILLEGAL;
		switch (f3) {
		case 0: v = f7 ? a - b : a + b; break;
		case 1: v = a << (b & 31); break;
		case 2: v = (int32_t)a < (int32_t)b; break;
		case 3: v = a < b; break;
		case 4: v = a ^ b; break;
		case 5: v = f7 ? (uint32_t)((int32_t)a >> (b & 31)) : a >> (b & 31); break;
		case 6: v = a | b; break;
		case 7: v = a & b; break;
		}
		break;
	case 0x0f:						/* FENCE: no-op */
		rd = 0;
		break;
	case 0x73:						/* SYSTEM */
		if (f3 == 0) {
			rd = 0;
			switch (w) {
			case 0x00000073: *tval = 0; return CAUSE_ECALL_M;
			case 0x00100073: *tval = s->pc; return CAUSE_BREAKPOINT;
			case 0x30200073:				/* MRET */
				next = s->mepc;
				s->mstatus = (s->mstatus & ~MSTATUS_MIE) |
					     ((s->mstatus & MSTATUS_MPIE) ? MSTATUS_MIE : 0);
				s->mstatus |= MSTATUS_MPIE;
				s->in_trap = 0;
				break;
			case 0x10500073:				/* WFI */
				s->wfi = 1;
				break;
			default:
				return CAUSE_ILLEGAL;
			}
		} else if (f3 != 4) {
			uint32_t src = (f3 & 4) ? rs1 : a, old;
			int write = (f3 & 3) == 1 || rs1 != 0;

			c = csr(s, w >> 20, &old, 0, 0);
			if (c)
				return c;
			switch (f3 & 3) {
			case 1: v = src; break;
			case 2: v = old | src; break;
			case 3: v = old & ~src; break;
			}
			if (write)
				csr(s, w >> 20, &old, 1, v);
			v = old;
		} else {
			return CAUSE_ILLEGAL;
		}
		break;
	default:
		return CAUSE_ILLEGAL;
	}
	if (rd)
		s->x[rd] = v;
	s->pc = next;
	return 0;
}

enum sim_state sim_run(struct sim *s, uint64_t budget)
{
	uint64_t end = s->slots + budget;

	while (s->state == SIM_RUNNING && s->slots < end) {
		uint32_t pending = mip(s) & s->mie, tval, c;

		if (s->wfi) {
			uint64_t t = timecmp();

			if (pending) {
				s->wfi = 0;
			} else if ((s->mie & MIP_MTIP) && t != UINT64_MAX) {
				/* Idle: jump ahead to the timer (bounded by the budget). */
				uint64_t idle = t - s->instret;

				if (idle > end - s->slots)
					idle = end - s->slots;
				s->instret += idle;
				s->slots += idle;
				continue;
			} else {
				return s->state = SIM_PARKED;
			}
		}
		s->slots++;
		if (pending && (s->mstatus & MSTATUS_MIE)) {
			trap(s, CAUSE_INTERRUPT | ((pending & MIP_MEIP) ? 11 : 7), 0);
			continue;
		}
		c = step(s, &tval);
		if (c) {
			trap(s, c, tval);
			continue;
		}
		s->x[0] = 0;
		s->instret++;
		s->insns++;
	}
	return s->state;
}
