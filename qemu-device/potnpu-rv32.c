/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * potnpu: the RV32I + Zicsr machine-mode hart that the control core runs.
 *
 * Copyright (c) 2026 The potnpu authors
 *
 * Decode, execute, CSRs and traps of one hart (potnpu-rv32.h), with
 * memory and interrupt lines behind callbacks, so that it can be read and
 * tested as a CPU on its own. The rules are docs/device-spec.md, "The
 * control core": every encoding outside RV32I, Zicsr, MRET and WFI is
 * illegal; a trap with mtvec 0 or an exception inside a handler is fatal.
 */

#include "qemu/osdep.h"
#include "qemu/bitops.h"
#include "qemu/bswap.h"
#include "potnpu-rv32.h"
#include "trace.h"

/* Exception and interrupt causes (RISC-V privileged spec). */
#define CAUSE_FETCH_MISALIGNED  0
#define CAUSE_FETCH_ACCESS      1
#define CAUSE_ILLEGAL           2
#define CAUSE_BREAKPOINT        3
#define CAUSE_LOAD_MISALIGNED   4
#define CAUSE_LOAD_ACCESS       5
#define CAUSE_STORE_MISALIGNED  6
#define CAUSE_STORE_ACCESS      7
#define CAUSE_ECALL_M           11
#define CAUSE_INTERRUPT         0x80000000u
#define IRQ_MTI                 7
#define IRQ_MEI                 11

#define MSTATUS_MIE             (1u << 3)
#define MSTATUS_MPIE            (1u << 7)
#define MSTATUS_MPP             (3u << 11)      /* always machine mode */
#define MIE_MASK                (RV32_MIP_MTIP | RV32_MIP_MEIP)
#define MISA_RV32I              ((1u << 30) | (1u << ('I' - 'A')))

#define CSR_MSTATUS             0x300
#define CSR_MISA                0x301
#define CSR_MIE                 0x304
#define CSR_MTVEC               0x305
#define CSR_MSCRATCH            0x340
#define CSR_MEPC                0x341
#define CSR_MCAUSE              0x342
#define CSR_MTVAL               0x343
#define CSR_MIP                 0x344
#define CSR_CYCLE               0xc00
#define CSR_INSTRET             0xc02
#define CSR_CYCLEH              0xc80
#define CSR_INSTRETH            0xc82
#define CSR_MVENDORID           0xf11
#define CSR_MARCHID             0xf12
#define CSR_MIMPID              0xf13
#define CSR_MHARTID             0xf14


uint32_t rv32_pending(Rv32Hart *h)
{
    return h->ops->mip(h->opaque) & h->mie;
}

/* CSRs. Returns false for an illegal access. */

static bool csr_read(Rv32Hart *h, uint32_t csr, uint32_t *val)
{
    switch (csr) {
    case CSR_MSTATUS:
        *val = h->mstatus | MSTATUS_MPP;
        break;
    case CSR_MISA:
        *val = MISA_RV32I;
        break;
    case CSR_MIE:
        *val = h->mie;
        break;
    case CSR_MTVEC:
        *val = h->mtvec;
        break;
    case CSR_MSCRATCH:
        *val = h->mscratch;
        break;
    case CSR_MEPC:
        *val = h->mepc;
        break;
    case CSR_MCAUSE:
        *val = h->mcause;
        break;
    case CSR_MTVAL:
        *val = h->mtval;
        break;
    case CSR_MIP:
        *val = h->ops->mip(h->opaque);
        break;
    case CSR_CYCLE:
    case CSR_INSTRET:
        *val = h->instret;
        break;
    case CSR_CYCLEH:
    case CSR_INSTRETH:
        *val = h->instret >> 32;
        break;
    case CSR_MVENDORID:         /* not a commercial implementation */
    case CSR_MARCHID:
    case CSR_MIMPID:
    case CSR_MHARTID:
        *val = 0;
        break;
    default:
        return false;
    }
    return true;
}

static bool csr_write(Rv32Hart *h, uint32_t csr, uint32_t val)
{
    switch (csr) {
    case CSR_MSTATUS:
        h->mstatus = val & (MSTATUS_MIE | MSTATUS_MPIE);
        break;
    case CSR_MISA:
    case CSR_MIP:
        break;                  /* WARL: nothing writable */
    case CSR_MIE:
        h->mie = val & MIE_MASK;
        break;
    case CSR_MTVEC:
        h->mtvec = val & ~3u;   /* direct mode only */
        break;
    case CSR_MSCRATCH:
        h->mscratch = val;
        break;
    case CSR_MEPC:
        h->mepc = val & ~3u;
        break;
    case CSR_MCAUSE:
        h->mcause = val;
        break;
    case CSR_MTVAL:
        h->mtval = val;
        break;
    default:
        return false;           /* unknown, or read only (cycle, mhartid) */
    }
    return true;
}

static bool exec_csr(Rv32Hart *h, uint32_t insn, Rv32Trap *trap)
{
    uint32_t csr = insn >> 20;
    uint32_t rd = (insn >> 7) & 31;
    uint32_t rs1 = (insn >> 15) & 31;
    uint32_t funct3 = (insn >> 12) & 7;
    uint32_t src = (funct3 & 4) ? rs1 : h->x[rs1];
    bool writes = (funct3 & 3) == 1 || rs1 != 0;
    uint32_t old, nv;

    if (!csr_read(h, csr, &old)) {
        goto illegal;
    }
    switch (funct3 & 3) {
    case 1:
        nv = src;
        break;
    case 2:
        nv = old | src;
        break;
    default:
        nv = old & ~src;
        break;
    }
    if (writes && ((csr >> 10) == 3 || !csr_write(h, csr, nv))) {
        goto illegal;
    }
    if (rd) {
        h->x[rd] = old;
    }
    return true;

illegal:
    trap->cause = CAUSE_ILLEGAL;
    trap->tval = insn;
    return false;
}

static uint32_t alu(uint32_t funct3, bool alt, uint32_t a, uint32_t b)
{
    switch (funct3) {
    case 0:
        return alt ? a - b : a + b;
    case 1:
        return a << (b & 31);
    case 2:
        return (int32_t)a < (int32_t)b;
    case 3:
        return a < b;
    case 4:
        return a ^ b;
    case 5:
        return alt ? (uint32_t)((int32_t)a >> (b & 31)) : a >> (b & 31);
    case 6:
        return a | b;
    default:
        return a & b;
    }
}

/*
 * Execute one instruction at h->pc. Returns true when it retired; false
 * when it raised the exception in @trap (nothing architectural changed).
 */
static bool exec_one(Rv32Hart *h, Rv32Trap *trap)
{
    uint32_t pc = h->pc, next = pc + 4, insn, rd, rs1, rs2, funct3, funct7;
    uint32_t a, b, addr, val, target;
    int32_t imm;
    unsigned size;

    if (pc & 3) {
        trap->cause = CAUSE_FETCH_MISALIGNED;
        trap->tval = pc;
        return false;
    }
    if (!h->ops->fetch(h->opaque, pc, &insn)) {
        trap->cause = CAUSE_FETCH_ACCESS;
        trap->tval = pc;
        return false;
    }
    rd = (insn >> 7) & 31;
    rs1 = (insn >> 15) & 31;
    rs2 = (insn >> 20) & 31;
    funct3 = (insn >> 12) & 7;
    funct7 = insn >> 25;
    a = h->x[rs1];
    b = h->x[rs2];
    val = 0;

    switch (insn & 0x7f) {
    case 0x37:                                      /* LUI */
        val = insn & 0xfffff000u;
        break;
    case 0x17:                                      /* AUIPC */
        val = pc + (insn & 0xfffff000u);
        break;
    case 0x6f:                                      /* JAL */
        imm = ((insn >> 31) & 1) << 20 | ((insn >> 12) & 0xff) << 12 |
              ((insn >> 20) & 1) << 11 | ((insn >> 21) & 0x3ff) << 1;
        imm = sextract32(imm, 0, 21);
        target = pc + imm;
        if (target & 3) {
            trap->cause = CAUSE_FETCH_MISALIGNED;
            trap->tval = target;
            return false;
        }
        val = next;
        next = target;
        break;
    case 0x67:                                      /* JALR */
        if (funct3 != 0) {
            goto illegal;
        }
        target = (a + sextract32(insn, 20, 12)) & ~1u;
        if (target & 3) {
            trap->cause = CAUSE_FETCH_MISALIGNED;
            trap->tval = target;
            return false;
        }
        val = next;
        next = target;
        break;
    case 0x63: {                                    /* branches */
        bool taken;

        imm = ((insn >> 31) & 1) << 12 | ((insn >> 7) & 1) << 11 |
              ((insn >> 25) & 0x3f) << 5 | ((insn >> 8) & 0xf) << 1;
        imm = sextract32(imm, 0, 13);
        switch (funct3) {
        case 0:
            taken = a == b;
            break;
        case 1:
            taken = a != b;
            break;
        case 4:
            taken = (int32_t)a < (int32_t)b;
            break;
        case 5:
            taken = (int32_t)a >= (int32_t)b;
            break;
        case 6:
            taken = a < b;
            break;
        case 7:
            taken = a >= b;
            break;
        default:
            goto illegal;
        }
        if (taken) {
            target = pc + imm;
            if (target & 3) {
                trap->cause = CAUSE_FETCH_MISALIGNED;
                trap->tval = target;
                return false;
            }
            next = target;
        }
        rd = 0;
        break;
    }
    case 0x03:                                      /* loads */
        if (funct3 == 3 || funct3 > 5) {
            goto illegal;
        }
        size = 1 << (funct3 & 3);
        addr = a + sextract32(insn, 20, 12);
        if (addr & (size - 1)) {
            trap->cause = CAUSE_LOAD_MISALIGNED;
            trap->tval = addr;
            return false;
        }
        if (!h->ops->load(h->opaque, addr, size, &val)) {
            trap->cause = CAUSE_LOAD_ACCESS;
            trap->tval = addr;
            return false;
        }
        if (funct3 == 0) {
            val = (int8_t)val;
        } else if (funct3 == 1) {
            val = (int16_t)val;
        }
        break;
    case 0x23:                                      /* stores */
        if (funct3 > 2) {
            goto illegal;
        }
        size = 1 << funct3;
        imm = ((insn >> 25) << 5) | ((insn >> 7) & 31);
        addr = a + sextract32(imm, 0, 12);
        if (addr & (size - 1)) {
            trap->cause = CAUSE_STORE_MISALIGNED;
            trap->tval = addr;
            return false;
        }
        if (!h->ops->store(h->opaque, addr, size, b)) {
            trap->cause = CAUSE_STORE_ACCESS;
            trap->tval = addr;
            return false;
        }
        rd = 0;
        break;
    case 0x13:                                      /* ALU immediate */
        imm = sextract32(insn, 20, 12);
        if (funct3 == 1 && funct7 != 0) {
            goto illegal;
        }
        if (funct3 == 5 && funct7 != 0 && funct7 != 0x20) {
            goto illegal;
        }
        val = alu(funct3, funct3 == 5 && funct7 == 0x20, a, imm);
        break;
    case 0x33:                                      /* ALU register */
        if (funct7 != 0 &&
            !(funct7 == 0x20 && (funct3 == 0 || funct3 == 5))) {
            goto illegal;                           /* M extension, ... */
        }
        val = alu(funct3, funct7 == 0x20, a, b);
        break;
    case 0x0f:                                      /* FENCE: no-op */
        if (funct3 != 0) {
            goto illegal;                           /* no Zifencei */
        }
        rd = 0;
        break;
    case 0x73:                                      /* SYSTEM */
        if (funct3 == 0) {
            switch (insn) {
            case 0x00000073:                        /* ECALL */
                trap->cause = CAUSE_ECALL_M;
                trap->tval = 0;
                return false;
            case 0x00100073:                        /* EBREAK */
                trap->cause = CAUSE_BREAKPOINT;
                trap->tval = pc;
                return false;
            case 0x30200073:                        /* MRET */
                /* MIE = MPIE, MPIE = 1, whatever MIE was. */
                h->mstatus = (h->mstatus & MSTATUS_MPIE ? MSTATUS_MIE : 0) |
                             MSTATUS_MPIE;
                h->in_trap = false;
                next = h->mepc;
                break;
            case 0x10500073:                        /* WFI */
                if (!rv32_pending(h)) {
                    h->wfi = true;
                }
                break;
            default:
                goto illegal;
            }
            rd = 0;
            break;
        }
        if (funct3 == 4) {
            goto illegal;
        }
        if (!exec_csr(h, insn, trap)) {
            return false;
        }
        rd = 0;
        break;
    default:
        goto illegal;
    }

    if (rd) {
        h->x[rd] = val;
    }
    h->pc = next;
    return true;

illegal:
    trap->cause = CAUSE_ILLEGAL;
    trap->tval = insn;
    return false;
}


/*
 * Take a trap: false when it is fatal (mtvec 0, or an exception while a
 * handler runs: a trap was taken and no mret executed since).
 */
static bool take_trap(Rv32Hart *h, uint32_t cause, uint32_t tval)
{
    bool interrupt = cause & CAUSE_INTERRUPT;

    trace_potnpu_core_trap(cause, h->pc, tval);
    if (h->mtvec == 0 || (!interrupt && h->in_trap)) {
        return false;
    }
    h->mepc = h->pc;
    h->mcause = cause;
    h->mtval = tval;
    h->mstatus = h->mstatus & MSTATUS_MIE ? MSTATUS_MPIE : 0;
    h->in_trap = true;
    h->pc = h->mtvec;
    return true;
}

Rv32Result rv32_step(Rv32Hart *h, Rv32Trap *fatal)
{
    uint32_t pending = rv32_pending(h);
    Rv32Trap trap;

    if (pending && (h->mstatus & MSTATUS_MIE)) {
        trap.cause = CAUSE_INTERRUPT |
                     ((pending & RV32_MIP_MEIP) ? IRQ_MEI : IRQ_MTI);
        trap.tval = 0;
    } else if (exec_one(h, &trap)) {
        h->x[0] = 0;
        h->instret++;
        return RV32_RETIRED;
    }
    if (!take_trap(h, trap.cause, trap.tval)) {
        *fatal = trap;
        return RV32_FATAL;
    }
    return RV32_TRAPPED;
}

void rv32_reset(Rv32Hart *h, uint32_t pc)
{
    memset(h->x, 0, sizeof(h->x));
    h->pc = pc;
    h->mstatus = 0;
    h->mie = 0;
    h->mtvec = 0;
    h->mepc = 0;
    h->mcause = 0;
    h->mtval = 0;
    h->mscratch = 0;
    h->in_trap = false;
    h->wfi = false;
    h->instret = 0;
}

void rv32_init(Rv32Hart *h, const Rv32Ops *ops, void *opaque)
{
    h->ops = ops;
    h->opaque = opaque;
    rv32_reset(h, 0);
}

bool rv32_state_valid(const Rv32Hart *h)
{
    return !(h->mstatus & ~(MSTATUS_MIE | MSTATUS_MPIE)) &&
           !(h->mie & ~MIE_MASK) && !(h->mtvec & 3) && !(h->mepc & 3) &&
           !(h->pc & 3);
}
