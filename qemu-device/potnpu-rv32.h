/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * potnpu: an RV32I + Zicsr machine-mode hart, apart from the device.
 *
 * Copyright (c) 2026 The potnpu authors
 *
 * The hart owns its registers, PC, CSRs, INSTRET and trap state, and
 * nothing else: instruction fetch, loads and stores, and the interrupt
 * lines behind mip go through the callbacks of Rv32Ops into whatever
 * embeds it (the potnpu control core, potnpu-core.c). The caller paces
 * it: rv32_step() executes one instruction slot. The ISA subset and the
 * trap rules are those of docs/device-spec.md, "The control core".
 */

#ifndef HW_POTNPU_RV32_H
#define HW_POTNPU_RV32_H

/* mip/mie bits: the two interrupt lines of the hart. */
#define RV32_MIP_MTIP           (1u << 7)
#define RV32_MIP_MEIP           (1u << 11)

typedef struct Rv32Ops {
    /* The instruction word at 4-byte aligned @pc; false: access fault. */
    bool (*fetch)(void *opaque, uint32_t pc, uint32_t *insn);
    /* A naturally aligned load or store of @size bytes; false: fault. */
    bool (*load)(void *opaque, uint32_t addr, unsigned size, uint32_t *val);
    bool (*store)(void *opaque, uint32_t addr, unsigned size, uint32_t val);
    /* The interrupt lines now, RV32_MIP_* (the read-only mip CSR). */
    uint32_t (*mip)(void *opaque);
} Rv32Ops;

typedef struct Rv32Hart {
    uint32_t x[32];
    uint32_t pc;
    uint32_t mstatus;           /* MIE and MPIE only; MPP reads 3 */
    uint32_t mie;
    uint32_t mtvec;
    uint32_t mepc;
    uint32_t mcause;
    uint32_t mtval;
    uint32_t mscratch;
    bool in_trap;               /* trap taken, no mret yet */
    bool wfi;                   /* waiting after a WFI */
    uint64_t instret;           /* retired instructions: cycle, instret */

    const Rv32Ops *ops;
    void *opaque;
} Rv32Hart;

typedef enum Rv32Result {
    RV32_RETIRED,               /* an instruction retired */
    RV32_TRAPPED,               /* a trap was taken: PC = mtvec */
    RV32_FATAL,                 /* a fatal trap (mtvec 0, double fault) */
} Rv32Result;

typedef struct Rv32Trap {
    uint32_t cause;
    uint32_t tval;
} Rv32Trap;

void rv32_init(Rv32Hart *h, const Rv32Ops *ops, void *opaque);
/* Every register and CSR at its reset value, INSTRET 0, PC = @pc. */
void rv32_reset(Rv32Hart *h, uint32_t pc);
/* Interrupts pending and enabled (mip & mie): what ends a WFI. */
uint32_t rv32_pending(Rv32Hart *h);
/*
 * One instruction slot: take a pending enabled interrupt, or execute the
 * instruction at PC. For RV32_FATAL, @fatal gets mcause and mtval and the
 * CSRs are left untouched (the hart must not be stepped again).
 */
Rv32Result rv32_step(Rv32Hart *h, Rv32Trap *fatal);
/* Could the hart have produced this state? (for migration) */
bool rv32_state_valid(const Rv32Hart *h);

#endif /* HW_POTNPU_RV32_H */
