/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * potnpu: the control core, the device around its RV32I hart.
 *
 * Copyright (c) 2026 The potnpu authors
 *
 * The hart itself (decode, CSRs, traps) is potnpu-rv32.c. This file gives
 * it its memory map (IMEM, DMEM, the CORE_IO registers) and its interrupt
 * lines (TIMECMP, EVENTS), and runs it: never in an MMIO handler, but from
 * a QEMUTimer on the virtual clock that fires every slice-us microseconds
 * and executes at most slice-insns instruction slots, with the watchdog,
 * the slot debt of the DMA engine and the shift-add engine and WFI idle
 * time accounted here. Time, for
 * the firmware, is the retired-instruction count.
 */

#include "qemu/osdep.h"
#include "qemu/log.h"
#include "qemu/main-loop.h"
#include "hw/qdev-core.h"
#include "potnpu.h"
#include "trace.h"

static uint32_t core_mip(void *opaque)
{
    PotnpuState *s = opaque;
    uint32_t mip = 0;

    if (s->hart.instret >= s->timecmp) {
        mip |= RV32_MIP_MTIP;
    }
    if (s->events) {
        mip |= RV32_MIP_MEIP;
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
    s->hart.wfi = false;
    if (watchdog) {
        s->core_watchdog = true;
    } else {
        s->core_trapped = true;
    }
    s->fault_cause = cause;
    s->fault_pc = s->hart.pc;
    s->fault_val = tval;
    timer_del(s->core_timer);
    trace_potnpu_core_fatal(watchdog ? "watchdog" : "trap", cause,
                            s->hart.pc, tval);
    potnpu_raise_irq(s, POTNPU_IRQ_ERROR);
}

/* CORE_IO registers, the core's side. 32-bit aligned accesses only. */

static bool core_io_read_sae(PotnpuState *s, uint32_t off, uint32_t *val)
{
    switch (off) {
    case POTNPU_IO_SAE_DESC:
        *val = s->sae_desc;
        break;
    case POTNPU_IO_SAE_STATUS:
        *val = s->sae_status;
        break;
    case POTNPU_IO_SAE_ERROR_INFO:
        *val = s->sae_error_info;
        break;
    case POTNPU_IO_SAE_TAPS_LO:
        *val = s->sae_taps;
        break;
    case POTNPU_IO_SAE_TAPS_HI:
        *val = s->sae_taps >> 32;
        break;
    case POTNPU_IO_SAE_TERMS_LO:
        *val = s->sae_terms;
        break;
    case POTNPU_IO_SAE_TERMS_HI:
        *val = s->sae_terms >> 32;
        break;
    case POTNPU_IO_SAE_ZERO_LO:
        *val = s->sae_zero;
        break;
    case POTNPU_IO_SAE_ZERO_HI:
        *val = s->sae_zero >> 32;
        break;
    case POTNPU_IO_SAE_CYCLES:
        *val = s->sae_cycles;
        break;
    default:
        return false;
    }
    return true;
}

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
    case POTNPU_IO_H2F_ARG:
        *val = s->h2f_arg;
        break;
    case POTNPU_IO_INSTRET_LO:
        *val = s->hart.instret;
        break;
    case POTNPU_IO_INSTRET_HI:
        *val = s->hart.instret >> 32;
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
    case POTNPU_IO_SAE_START:
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
    case POTNPU_IO_CQ_HEAD:
        *val = s->cq_head;
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
    case POTNPU_IO_DMA_FAULT_ADDR_HI:
        *val = s->dma_fault_addr_hi;
        break;
    case POTNPU_IO_DMA_ROWS:
        *val = s->dma_rows;
        break;
    case POTNPU_IO_DMA_SRC_STRIDE:
        *val = s->dma_src_stride;
        break;
    case POTNPU_IO_DMA_DST_STRIDE:
        *val = s->dma_dst_stride;
        break;
    default:
        return core_io_read_sae(s, off, val);
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
    case POTNPU_IO_DMA_ROWS:
        s->dma_rows = val;
        break;
    case POTNPU_IO_DMA_SRC_STRIDE:
        s->dma_src_stride = val;
        break;
    case POTNPU_IO_DMA_DST_STRIDE:
        s->dma_dst_stride = val;
        break;
    case POTNPU_IO_SAE_DESC:
        s->sae_desc = val;
        break;
    case POTNPU_IO_SAE_START:
        potnpu_sae_start(s);
        break;
    default:
        /* Read-only or undefined: a store access fault. */
        return false;
    }
    return true;
}

/* The hart's memory map. Alignment is checked by the hart. */

static bool core_fetch(void *opaque, uint32_t pc, uint32_t *insn)
{
    PotnpuState *s = opaque;

    if (pc >= POTNPU_CORE_IMEM_BASE + POTNPU_CORE_IMEM_SIZE) {
        return false;
    }
    *insn = ldl_le_p(s->imem + pc - POTNPU_CORE_IMEM_BASE);
    return true;
}

static bool core_load(void *opaque, uint32_t addr, unsigned size,
                      uint32_t *val)
{
    PotnpuState *s = opaque;
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

static bool core_store(void *opaque, uint32_t addr, unsigned size,
                       uint32_t val)
{
    PotnpuState *s = opaque;
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

static const Rv32Ops core_hart_ops = {
    .fetch = core_fetch,
    .load = core_load,
    .store = core_store,
    .mip = core_mip,
};

/*
 * Does time pass for a core waiting in WFI? With mie.MTIE set it does,
 * whatever TIMECMP holds, and the timer can end the wait.
 */
static bool core_timer_armed(PotnpuState *s)
{
    return s->hart.mie & RV32_MIP_MTIP;
}

/*
 * Run up to @budget instruction slots. Stops early when the core halts,
 * or parks in WFI with nothing that could wake it.
 */
static void core_run(PotnpuState *s, uint32_t budget)
{
    Rv32Hart *h = &s->hart;
    uint32_t done = 0;
    Rv32Trap fatal;

    while (s->core_running && done < budget) {
        if (s->slot_debt) {
            /* Time the last DMA transfers took. */
            uint32_t pay = MIN(s->slot_debt, budget - done);

            s->slot_debt -= pay;
            done += pay;
            continue;
        }
        if (h->wfi) {
            uint32_t pending = rv32_pending(h);

            if (pending) {
                h->wfi = false;
                trace_potnpu_core_wake(pending);
            } else if (core_timer_armed(s)) {
                /* Idle slots count as time, not as watchdog progress. */
                uint64_t idle = MIN(budget - done, s->timecmp - h->instret);

                h->instret += idle;
                done += idle;
                continue;
            } else {
                return;         /* parked until a host event */
            }
        }
        done++;
        switch (rv32_step(h, &fatal)) {
        case RV32_RETIRED:
            s->wdog_count++;
            if (s->wdog_limit && s->wdog_count >= s->wdog_limit) {
                core_fatal(s, true, 0, s->wdog_count);
                return;
            }
            break;
        case RV32_TRAPPED:
            break;
        case RV32_FATAL:
            core_fatal(s, false, fatal.cause, fatal.tval);
            return;
        }
    }
}

static bool core_parked(PotnpuState *s)
{
    return s->hart.wfi && !rv32_pending(&s->hart) && !core_timer_armed(s);
}

/*
 * One slice, run as the callback of a bottom half guarded by the device's
 * memory re-entrancy guard: DMA the core starts must not reach this
 * device's own registers or window (a reset in the middle of an
 * instruction), and the guard makes the memory core refuse such an access
 * (MEMTX_ACCESS_ERROR, DMA_EBUS).
 */
static void core_slice(void *opaque)
{
    PotnpuState *s = opaque;

    core_run(s, s->slice_insns);
    trace_potnpu_core_slice(s->hart.pc, s->hart.instret, s->core_running,
                            s->hart.wfi);
}

/*
 * The slice timer. The slice runs here, at the timer's virtual time, not
 * whenever the main loop next polls: what the core does must be a function
 * of virtual time (qtest's clock_step runs many slices in one step, and
 * -icount replays them at the same guest instruction). So the guarded
 * bottom half is called directly, which runs it under the guard exactly
 * as the main loop would, instead of scheduled.
 */
static void core_tick(void *opaque)
{
    PotnpuState *s = opaque;

    if (!s->core_running) {
        return;
    }
    aio_bh_call(s->core_bh);
    if (s->core_running && !core_parked(s)) {
        core_arm_timer(s);
    }
}

void potnpu_core_event(PotnpuState *s, uint32_t event)
{
    s->events |= event;
    if (s->core_running && s->hart.wfi && !timer_pending(s->core_timer)) {
        core_arm_timer(s);
    }
}

/* The hart's reset state, used when the core is started. */
static void core_hart_reset(PotnpuState *s)
{
    rv32_reset(&s->hart, s->core_entry);
    s->timecmp = UINT64_MAX;
    s->wdog_count = 0;
    s->slot_debt = 0;
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
    s->hart.wfi = false;
    timer_del(s->core_timer);
    trace_potnpu_core_halt(s->hart.pc, s->hart.instret);
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
    if (s->core_running && s->hart.wfi) {
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
    s->hart.pc = 0;
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
    s->h2f_arg = 0;
    s->jq_base_lo = 0;
    s->jq_base_hi = 0;
    s->jq_size = 0;
    s->jq_tail = 0;
    s->jq_head = 0;
    s->cq_base_lo = 0;
    s->cq_base_hi = 0;
    s->cq_tail = 0;
    s->cq_head = 0;
}

bool potnpu_core_state_valid(PotnpuState *s)
{
    return rv32_state_valid(&s->hart) && !(s->hart.wfi && !s->core_running);
}

void potnpu_core_post_load(PotnpuState *s)
{
    s->hart.x[0] = 0;
    if (s->core_running && !core_parked(s)) {
        core_arm_timer(s);
    }
}

void potnpu_core_realize(PotnpuState *s)
{
    rv32_init(&s->hart, &core_hart_ops, s);
    s->core_timer = timer_new_ns(QEMU_CLOCK_VIRTUAL, core_tick, s);
    s->core_bh = qemu_bh_new_guarded(core_slice, s,
                                     &DEVICE(s)->mem_reentrancy_guard);
}

void potnpu_core_unrealize(PotnpuState *s)
{
    timer_free(s->core_timer);
    s->core_timer = NULL;
    qemu_bh_delete(s->core_bh);
    s->core_bh = NULL;
}
