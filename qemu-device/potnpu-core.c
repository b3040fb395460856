/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * potnpu: the RV32I control core.
 *
 * Copyright (c) 2026 The potnpu authors
 *
 * A small interpreter for the RV32I base ISA with Zicsr, machine mode
 * only, as described in potnpu/potnpu_core.h and docs/device-spec.md.
 * The core never runs in an MMIO handler: a QEMUTimer on the virtual clock
 * fires every slice-us microseconds and executes at most slice-insns
 * instructions. Time, for the firmware, is the retired-instruction count.
 */

#include "qemu/osdep.h"
#include "qemu/log.h"
#include "hw/qdev-core.h"
#include "potnpu.h"
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
#define MIP_MTIP                (1u << IRQ_MTI)
#define MIP_MEIP                (1u << IRQ_MEI)
#define MIE_MASK                (MIP_MTIP | MIP_MEIP)
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

/* Raised by an instruction: a synchronous exception to take. */
typedef struct PotnpuTrap {
    uint32_t cause;
    uint32_t tval;
} PotnpuTrap;

static uint32_t core_mip(PotnpuState *s)
{
    uint32_t mip = 0;

    if (s->instret >= s->timecmp) {
        mip |= MIP_MTIP;
    }
    if (s->events) {
        mip |= MIP_MEIP;
    }
    return mip;
}

static void core_arm_timer(PotnpuState *s)
{
    timer_mod(s->core_timer, qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL) +
              (int64_t)s->slice_us * SCALE_US);
}

/*
 * Halt the core for good: a fatal trap or the watchdog. The host sees
 * CORE_STATUS.TRAPPED or WATCHDOG and IRQ_ERROR.
 */
static void core_fatal(PotnpuState *s, bool watchdog, uint32_t cause,
                       uint32_t tval)
{
    s->core_running = false;
    s->core_wfi = false;
    if (watchdog) {
        s->core_watchdog = true;
    } else {
        s->core_trapped = true;
    }
    s->fault_cause = cause;
    s->fault_pc = s->pc;
    s->fault_val = tval;
    timer_del(s->core_timer);
    trace_potnpu_core_fatal(watchdog ? "watchdog" : "trap", cause, s->pc,
                            tval);
    potnpu_raise_irq(s, POTNPU_IRQ_ERROR);
}

/*
 * Take a trap. Fatal when mtvec is 0, or for an exception taken while a
 * handler runs (a trap was taken and no mret executed since).
 */
static void core_trap(PotnpuState *s, uint32_t cause, uint32_t tval)
{
    bool interrupt = cause & CAUSE_INTERRUPT;

    trace_potnpu_core_trap(cause, s->pc, tval);
    if (s->mtvec == 0 || (!interrupt && s->in_trap)) {
        core_fatal(s, false, cause, tval);
        return;
    }
    s->mepc = s->pc;
    s->mcause = cause;
    s->mtval = tval;
    if (s->mstatus & MSTATUS_MIE) {
        s->mstatus |= MSTATUS_MPIE;
    } else {
        s->mstatus &= ~MSTATUS_MPIE;
    }
    s->mstatus &= ~MSTATUS_MIE;
    s->in_trap = true;
    s->pc = s->mtvec;
}

/* CORE_IO registers, the core's side. 32-bit aligned accesses only. */

static bool core_io_read(PotnpuState *s, uint32_t off, uint32_t *val)
{
    switch (off) {
    case POTNPU_IO_FW_STATUS:
        *val = s->fw_status;
        break;
    case POTNPU_IO_FW_VERSION:
        *val = s->fw_version;
        break;
    case POTNPU_IO_FW_ABI:
        *val = s->fw_abi;
        break;
    case POTNPU_IO_FW_CAPS:
        *val = s->fw_caps;
        break;
    case POTNPU_IO_FW_ERROR:
        *val = s->fw_error;
        break;
    case POTNPU_IO_HEARTBEAT:
        *val = s->fw_heartbeat;
        break;
    case POTNPU_IO_LOG_BASE:
        *val = s->fw_log_base;
        break;
    case POTNPU_IO_LOG_SIZE:
        *val = s->fw_log_size;
        break;
    case POTNPU_IO_LOG_HEAD:
        *val = s->fw_log_head;
        break;
    case POTNPU_IO_HOST_ABI:
        *val = s->host_abi;
        break;
    case POTNPU_IO_H2F_MSG:
        *val = s->h2f_msg;
        break;
    case POTNPU_IO_INSTRET_LO:
        *val = s->instret;
        break;
    case POTNPU_IO_INSTRET_HI:
        *val = s->instret >> 32;
        break;
    case POTNPU_IO_TIMECMP_LO:
        *val = s->timecmp;
        break;
    case POTNPU_IO_TIMECMP_HI:
        *val = s->timecmp >> 32;
        break;
    case POTNPU_IO_WDOG_KICK:
    case POTNPU_IO_HOST_IRQ:
    case POTNPU_IO_DMA_START:
        *val = 0;
        break;
    case POTNPU_IO_EVENTS:
        *val = s->events;
        break;
    case POTNPU_IO_JQ_BASE_LO:
        *val = s->jq_base_lo;
        break;
    case POTNPU_IO_JQ_BASE_HI:
        *val = s->jq_base_hi;
        break;
    case POTNPU_IO_JQ_SIZE:
        *val = s->jq_size;
        break;
    case POTNPU_IO_JQ_TAIL:
        *val = s->jq_tail;
        break;
    case POTNPU_IO_JQ_HEAD:
        *val = s->jq_head;
        break;
    case POTNPU_IO_CQ_BASE_LO:
        *val = s->cq_base_lo;
        break;
    case POTNPU_IO_CQ_BASE_HI:
        *val = s->cq_base_hi;
        break;
    case POTNPU_IO_CQ_TAIL:
        *val = s->cq_tail;
        break;
    case POTNPU_IO_DMA_SRC_LO:
        *val = s->dma_src;
        break;
    case POTNPU_IO_DMA_SRC_HI:
        *val = s->dma_src >> 32;
        break;
    case POTNPU_IO_DMA_DST_LO:
        *val = s->dma_dst;
        break;
    case POTNPU_IO_DMA_DST_HI:
        *val = s->dma_dst >> 32;
        break;
    case POTNPU_IO_DMA_LEN:
        *val = s->dma_len;
        break;
    case POTNPU_IO_DMA_CTX:
        *val = s->dma_ctx;
        break;
    case POTNPU_IO_DMA_MODE:
        *val = s->dma_mode;
        break;
    case POTNPU_IO_DMA_PATTERN:
        *val = s->dma_pattern;
        break;
    case POTNPU_IO_DMA_STATUS:
        *val = s->dma_status;
        break;
    case POTNPU_IO_DMA_FAULT_ADDR:
        *val = s->dma_fault_addr;
        break;
    default:
        return false;
    }
    return true;
}

static uint64_t set_lo(uint64_t v, uint32_t lo)
{
    return (v & 0xffffffff00000000ull) | lo;
}

static uint64_t set_hi(uint64_t v, uint32_t hi)
{
    return (v & 0xffffffffull) | ((uint64_t)hi << 32);
}

static bool core_io_write(PotnpuState *s, uint32_t off, uint32_t val)
{
    switch (off) {
    case POTNPU_IO_FW_STATUS:
        s->fw_status = val;
        trace_potnpu_fw_status(val);
        potnpu_raise_irq(s, POTNPU_IRQ_FW);
        break;
    case POTNPU_IO_FW_VERSION:
        s->fw_version = val;
        break;
    case POTNPU_IO_FW_ABI:
        s->fw_abi = val;
        break;
    case POTNPU_IO_FW_CAPS:
        s->fw_caps = val;
        break;
    case POTNPU_IO_FW_ERROR:
        s->fw_error = val;
        break;
    case POTNPU_IO_HEARTBEAT:
        s->fw_heartbeat = val;
        break;
    case POTNPU_IO_LOG_BASE:
        s->fw_log_base = val;
        break;
    case POTNPU_IO_LOG_SIZE:
        s->fw_log_size = val;
        break;
    case POTNPU_IO_LOG_HEAD:
        s->fw_log_head = val;
        break;
    case POTNPU_IO_TIMECMP_LO:
        s->timecmp = set_lo(s->timecmp, val);
        break;
    case POTNPU_IO_TIMECMP_HI:
        s->timecmp = set_hi(s->timecmp, val);
        break;
    case POTNPU_IO_WDOG_KICK:
        s->wdog_count = 0;
        break;
    case POTNPU_IO_HOST_IRQ:
        trace_potnpu_core_host_irq(val);
        if (val & POTNPU_IRQ_ALL) {
            potnpu_raise_irq(s, val & POTNPU_IRQ_ALL);
        }
        break;
    case POTNPU_IO_EVENTS:
        s->events &= ~val;
        break;
    case POTNPU_IO_JQ_HEAD:
        s->jq_head = val;
        break;
    case POTNPU_IO_CQ_TAIL:
        s->cq_tail = val;
        break;
    case POTNPU_IO_DMA_SRC_LO:
        s->dma_src = set_lo(s->dma_src, val);
        break;
    case POTNPU_IO_DMA_SRC_HI:
        s->dma_src = set_hi(s->dma_src, val);
        break;
    case POTNPU_IO_DMA_DST_LO:
        s->dma_dst = set_lo(s->dma_dst, val);
        break;
    case POTNPU_IO_DMA_DST_HI:
        s->dma_dst = set_hi(s->dma_dst, val);
        break;
    case POTNPU_IO_DMA_LEN:
        s->dma_len = val;
        break;
    case POTNPU_IO_DMA_CTX:
        s->dma_ctx = val;
        break;
    case POTNPU_IO_DMA_MODE:
        s->dma_mode = val;
        break;
    case POTNPU_IO_DMA_PATTERN:
        s->dma_pattern = val;
        break;
    case POTNPU_IO_DMA_START:
        potnpu_dma_start(s);
        break;
    default:
        /* Read-only or undefined: a store access fault. */
        return false;
    }
    return true;
}

/* Memory accesses of the core. Alignment is checked by the caller. */

static bool core_load(PotnpuState *s, uint32_t addr, unsigned size,
                      uint32_t *val)
{
    const uint8_t *p;

    if (addr < POTNPU_CORE_IMEM_BASE + POTNPU_CORE_IMEM_SIZE) {
        p = s->imem + (addr - POTNPU_CORE_IMEM_BASE);
    } else if (addr >= POTNPU_CORE_DMEM_BASE &&
               addr - POTNPU_CORE_DMEM_BASE < POTNPU_CORE_DMEM_SIZE) {
        p = s->dmem + (addr - POTNPU_CORE_DMEM_BASE);
    } else if (addr >= POTNPU_CORE_IO_BASE &&
               addr - POTNPU_CORE_IO_BASE < POTNPU_CORE_IO_SIZE) {
        return size == 4 && core_io_read(s, addr - POTNPU_CORE_IO_BASE, val);
    } else {
        return false;
    }
    switch (size) {
    case 1:
        *val = ldub_p(p);
        break;
    case 2:
        *val = lduw_le_p(p);
        break;
    default:
        *val = ldl_le_p(p);
        break;
    }
    return true;
}

static bool core_store(PotnpuState *s, uint32_t addr, unsigned size,
                       uint32_t val)
{
    uint8_t *p;

    if (addr >= POTNPU_CORE_DMEM_BASE &&
        addr - POTNPU_CORE_DMEM_BASE < POTNPU_CORE_DMEM_SIZE) {
        p = s->dmem + (addr - POTNPU_CORE_DMEM_BASE);
    } else if (addr >= POTNPU_CORE_IO_BASE &&
               addr - POTNPU_CORE_IO_BASE < POTNPU_CORE_IO_SIZE) {
        return size == 4 && core_io_write(s, addr - POTNPU_CORE_IO_BASE, val);
    } else {
        return false;           /* IMEM is read only for the core */
    }
    switch (size) {
    case 1:
        stb_p(p, val);
        break;
    case 2:
        stw_le_p(p, val);
        break;
    default:
        stl_le_p(p, val);
        break;
    }
    return true;
}

/* CSRs. Returns false for an illegal access. */

static bool csr_read(PotnpuState *s, uint32_t csr, uint32_t *val)
{
    switch (csr) {
    case CSR_MSTATUS:
        *val = s->mstatus | MSTATUS_MPP;
        break;
    case CSR_MISA:
        *val = MISA_RV32I;
        break;
    case CSR_MIE:
        *val = s->mie;
        break;
    case CSR_MTVEC:
        *val = s->mtvec;
        break;
    case CSR_MSCRATCH:
        *val = s->mscratch;
        break;
    case CSR_MEPC:
        *val = s->mepc;
        break;
    case CSR_MCAUSE:
        *val = s->mcause;
        break;
    case CSR_MTVAL:
        *val = s->mtval;
        break;
    case CSR_MIP:
        *val = core_mip(s);
        break;
    case CSR_CYCLE:
    case CSR_INSTRET:
        *val = s->instret;
        break;
    case CSR_CYCLEH:
    case CSR_INSTRETH:
        *val = s->instret >> 32;
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

static bool csr_write(PotnpuState *s, uint32_t csr, uint32_t val)
{
    switch (csr) {
    case CSR_MSTATUS:
        s->mstatus = val & (MSTATUS_MIE | MSTATUS_MPIE);
        break;
    case CSR_MISA:
    case CSR_MIP:
        break;                  /* WARL: nothing writable */
    case CSR_MIE:
        s->mie = val & MIE_MASK;
        break;
    case CSR_MTVEC:
        s->mtvec = val & ~3u;   /* direct mode only */
        break;
    case CSR_MSCRATCH:
        s->mscratch = val;
        break;
    case CSR_MEPC:
        s->mepc = val & ~3u;
        break;
    case CSR_MCAUSE:
        s->mcause = val;
        break;
    case CSR_MTVAL:
        s->mtval = val;
        break;
    default:
        return false;           /* unknown, or read only (cycle, mhartid) */
    }
    return true;
}

static bool exec_csr(PotnpuState *s, uint32_t insn, PotnpuTrap *trap)
{
    uint32_t csr = insn >> 20;
    uint32_t rd = (insn >> 7) & 31;
    uint32_t rs1 = (insn >> 15) & 31;
    uint32_t funct3 = (insn >> 12) & 7;
    uint32_t src = (funct3 & 4) ? rs1 : s->x[rs1];
    bool writes = (funct3 & 3) == 1 || rs1 != 0;
    uint32_t old, nv;

    if (!csr_read(s, csr, &old)) {
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
    if (writes && ((csr >> 10) == 3 || !csr_write(s, csr, nv))) {
        goto illegal;
    }
    if (rd) {
        s->x[rd] = old;
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
 * Execute one instruction at s->pc. Returns true when it retired; false
 * when it raised the exception in @trap (nothing architectural changed).
 */
static bool exec_one(PotnpuState *s, PotnpuTrap *trap)
{
    uint32_t pc = s->pc, next = pc + 4, insn, rd, rs1, rs2, funct3, funct7;
    uint32_t a, b, addr, val, target;
    int32_t imm;
    unsigned size;

    if (pc & 3) {
        trap->cause = CAUSE_FETCH_MISALIGNED;
        trap->tval = pc;
        return false;
    }
    if (pc >= POTNPU_CORE_IMEM_BASE + POTNPU_CORE_IMEM_SIZE) {
        trap->cause = CAUSE_FETCH_ACCESS;
        trap->tval = pc;
        return false;
    }
    insn = ldl_le_p(s->imem + pc - POTNPU_CORE_IMEM_BASE);
    rd = (insn >> 7) & 31;
    rs1 = (insn >> 15) & 31;
    rs2 = (insn >> 20) & 31;
    funct3 = (insn >> 12) & 7;
    funct7 = insn >> 25;
    a = s->x[rs1];
    b = s->x[rs2];
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
        if (!core_load(s, addr, size, &val)) {
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
        if (!core_store(s, addr, size, b)) {
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
                s->mstatus = (s->mstatus & MSTATUS_MPIE ? MSTATUS_MIE : 0) |
                             MSTATUS_MPIE;
                s->in_trap = false;
                next = s->mepc;
                break;
            case 0x10500073:                        /* WFI */
                if (!(core_mip(s) & s->mie)) {
                    s->core_wfi = true;
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
        if (!exec_csr(s, insn, trap)) {
            return false;
        }
        rd = 0;
        break;
    default:
        goto illegal;
    }

    if (rd) {
        s->x[rd] = val;
    }
    s->pc = next;
    return true;

illegal:
    trap->cause = CAUSE_ILLEGAL;
    trap->tval = insn;
    return false;
}

/*
 * Does time pass for a core waiting in WFI? With mie.MTIE set it does,
 * whatever TIMECMP holds, and the timer can end the wait.
 */
static bool core_timer_armed(PotnpuState *s)
{
    return s->mie & MIP_MTIP;
}

/*
 * Run up to @budget instruction slots. Stops early when the core halts,
 * or parks in WFI with nothing that could wake it.
 */
static void core_run(PotnpuState *s, uint32_t budget)
{
    uint32_t done = 0;
    PotnpuTrap trap;

    while (s->core_running && done < budget) {
        uint32_t pending = core_mip(s) & s->mie;

        if (s->slot_debt) {
            /* Time the last DMA transfers took. */
            uint32_t pay = MIN(s->slot_debt, budget - done);

            s->slot_debt -= pay;
            done += pay;
            continue;
        }

        if (s->core_wfi) {
            uint64_t idle;

            if (pending) {
                s->core_wfi = false;
                trace_potnpu_core_wake(pending);
            } else if (core_timer_armed(s)) {
                /* Idle slots count as time, not as watchdog progress. */
                idle = MIN(budget - done, s->timecmp - s->instret);
                s->instret += idle;
                done += idle;
                continue;
            } else {
                return;         /* parked until a host event */
            }
        }
        done++;
        if (pending && (s->mstatus & MSTATUS_MIE)) {
            uint32_t irq = (pending & MIP_MEIP) ? IRQ_MEI : IRQ_MTI;

            core_trap(s, CAUSE_INTERRUPT | irq, 0);
            continue;
        }
        if (!exec_one(s, &trap)) {
            core_trap(s, trap.cause, trap.tval);
            continue;
        }
        s->x[0] = 0;
        s->instret++;
        s->wdog_count++;
        if (s->wdog_limit && s->wdog_count >= s->wdog_limit) {
            core_fatal(s, true, 0, s->wdog_count);
            return;
        }
    }
}

static bool core_parked(PotnpuState *s)
{
    return s->core_wfi && !(core_mip(s) & s->mie) && !core_timer_armed(s);
}

static void core_tick(void *opaque)
{
    PotnpuState *s = opaque;
    DeviceState *dev = DEVICE(s);
    bool engaged = dev->mem_reentrancy_guard.engaged_in_io;

    if (!s->core_running) {
        return;
    }
    /*
     * DMA the core starts must not reach this device's own registers or
     * window (a reset in the middle of an instruction): mark the device
     * busy, as the memory core does around its MMIO handlers, so such an
     * access is refused (MEMTX_ACCESS_ERROR, DMA_EBUS).
     */
    dev->mem_reentrancy_guard.engaged_in_io = true;
    core_run(s, s->slice_insns);
    dev->mem_reentrancy_guard.engaged_in_io = engaged;

    trace_potnpu_core_slice(s->pc, s->instret, s->core_running, s->core_wfi);
    if (s->core_running && !core_parked(s)) {
        core_arm_timer(s);
    }
}

void potnpu_core_event(PotnpuState *s, uint32_t event)
{
    s->events |= event;
    if (s->core_running && s->core_wfi && !timer_pending(s->core_timer)) {
        core_arm_timer(s);
    }
}

/* The hart's reset state, used when the core is started. */
static void core_hart_reset(PotnpuState *s)
{
    memset(s->x, 0, sizeof(s->x));
    s->pc = s->core_entry;
    s->mstatus = 0;
    s->mie = 0;
    s->mtvec = 0;
    s->mepc = 0;
    s->mcause = 0;
    s->mtval = 0;
    s->mscratch = 0;
    s->in_trap = false;
    s->instret = 0;
    s->timecmp = UINT64_MAX;
    s->wdog_count = 0;
    s->slot_debt = 0;
    s->core_wfi = false;
}

static void core_start(PotnpuState *s)
{
    core_hart_reset(s);
    s->core_trapped = false;
    s->core_watchdog = false;
    s->fault_cause = 0;
    s->fault_pc = 0;
    s->fault_val = 0;
    s->fw_status = POTNPU_FW_STATUS_OFF;
    s->fw_version = 0;
    s->fw_abi = 0;
    s->fw_caps = 0;
    s->fw_error = 0;
    s->fw_heartbeat = 0;
    s->fw_log_base = 0;
    s->fw_log_size = 0;
    s->fw_log_head = 0;
    s->core_running = true;
    trace_potnpu_core_start(s->core_entry);
    core_arm_timer(s);
}

static void core_halt(PotnpuState *s)
{
    s->core_running = false;
    s->core_wfi = false;
    timer_del(s->core_timer);
    trace_potnpu_core_halt(s->pc, s->instret);
}

void potnpu_core_set_ctrl(PotnpuState *s, uint32_t val)
{
    bool was = s->core_ctrl & POTNPU_CORE_CTRL_RUN;

    s->core_ctrl = val & POTNPU_CORE_CTRL_RUN;
    if (!was && (val & POTNPU_CORE_CTRL_RUN)) {
        core_start(s);
    } else if (was && !(val & POTNPU_CORE_CTRL_RUN)) {
        core_halt(s);
    }
}

uint32_t potnpu_core_status(PotnpuState *s)
{
    uint32_t st = 0;

    if (s->core_running) {
        st |= POTNPU_CORE_STATUS_RUNNING;
    }
    if (s->core_running && s->core_wfi) {
        st |= POTNPU_CORE_STATUS_WFI;
    }
    if (s->core_trapped) {
        st |= POTNPU_CORE_STATUS_TRAPPED;
    }
    if (s->core_watchdog) {
        st |= POTNPU_CORE_STATUS_WATCHDOG;
    }
    return st;
}

/* Full reset: core halted, memories cleared, every register at reset. */
void potnpu_core_reset(PotnpuState *s)
{
    timer_del(s->core_timer);
    s->core_ctrl = 0;
    s->core_running = false;
    s->core_trapped = false;
    s->core_watchdog = false;
    s->core_entry = POTNPU_CORE_IMEM_BASE;
    s->fault_cause = 0;
    s->fault_pc = 0;
    s->fault_val = 0;
    s->wdog_limit = POTNPU_CORE_WDOG_DEFAULT;
    core_hart_reset(s);
    s->pc = 0;
    s->events = 0;
    memset(s->imem, 0, sizeof(s->imem));
    memset(s->dmem, 0, sizeof(s->dmem));
    s->fw_status = 0;
    s->fw_version = 0;
    s->fw_abi = 0;
    s->fw_caps = 0;
    s->fw_error = 0;
    s->fw_heartbeat = 0;
    s->fw_log_base = 0;
    s->fw_log_size = 0;
    s->fw_log_head = 0;
    s->host_abi = 0;
    s->h2f_msg = 0;
    s->jq_base_lo = 0;
    s->jq_base_hi = 0;
    s->jq_size = 0;
    s->jq_tail = 0;
    s->jq_head = 0;
    s->cq_base_lo = 0;
    s->cq_base_hi = 0;
    s->cq_tail = 0;
}

void potnpu_core_post_load(PotnpuState *s)
{
    s->x[0] = 0;
    if (s->core_running && !core_parked(s)) {
        core_arm_timer(s);
    }
}

void potnpu_core_realize(PotnpuState *s)
{
    s->core_timer = timer_new_ns(QEMU_CLOCK_VIRTUAL, core_tick, s);
}

void potnpu_core_unrealize(PotnpuState *s)
{
    timer_free(s->core_timer);
    s->core_timer = NULL;
}
