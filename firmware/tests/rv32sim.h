/* SPDX-License-Identifier: MIT */
/*
 * A small RV32I + Zicsr machine-mode simulator, just enough to run the
 * real firmware image on the host against the fake device (fake_io.c):
 * IMEM, DMEM and CORE_IO as potnpu_core.h maps them, the trap model
 * (mtvec direct, mepc, mcause, mtval; a trap with mtvec 0 or inside a
 * handler that has not returned is fatal), WFI, the machine timer
 * (INSTRET >= TIMECMP) and external interrupt (IO_EVENTS != 0). Time is
 * the retired-instruction count; a WFI with the timer enabled skips ahead
 * to TIMECMP, as the device model does.
 */
#ifndef POTNPU_FW_RV32SIM_H
#define POTNPU_FW_RV32SIM_H

#include <stdint.h>

#include "potnpu_core.h"

enum sim_state {
	SIM_RUNNING,
	SIM_PARKED,	/* in WFI with nothing enabled that could wake it */
	SIM_FATAL,	/* trap with mtvec 0, or a trap inside a trap */
};

struct sim {
	uint32_t x[32];
	uint32_t pc;
	uint64_t instret;	/* also the time */
	uint64_t slots;		/* instructions + idle slots skipped in WFI */
	uint64_t insns;		/* instructions executed */
	uint32_t mstatus, mie, mtvec, mepc, mcause, mtval, mscratch;
	int in_trap;
	int wfi;
	enum sim_state state;
	uint32_t fatal_cause, fatal_pc;
	uint32_t traps;
	uint8_t imem[POTNPU_CORE_IMEM_SIZE];
	uint8_t dmem[POTNPU_CORE_DMEM_SIZE];
};

void sim_reset(struct sim *s, uint32_t entry);
/* Run up to @budget slots; returns the state when it stopped. */
enum sim_state sim_run(struct sim *s, uint64_t budget);

#endif /* POTNPU_FW_RV32SIM_H */
