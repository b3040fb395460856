/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * potnpu: the shift-add NPU's PCI function: BAR0 registers, BAR4 window,
 * interrupts, reset and migration.
 *
 * Copyright (c) 2026 The potnpu authors
 *
 * Host interface 1.3: identity, a scratch register, software reset, an
 * interrupt status/mask pair with one MSI-X vector per source, the PING
 * doorbell, and the execution path: the control core (potnpu-core.c, its
 * RV32I hart potnpu-rv32.c) with its memories behind BAR4, the firmware
 * mailbox, the device MMU (potnpu-mmu.c), the DMA engine (potnpu-dma.c),
 * the shift-add engine and its SRAM (potnpu-sae.c) and the job queue
 * registers. The register map comes from the shared headers
 * potnpu/potnpu_regs.h and potnpu/potnpu_core.h and is specified in
 * docs/device-spec.md of the potnpu repository.
 *
 * Every BAR0 access is checked. Anything other than a naturally aligned
 * 32-bit access to a defined register, in a direction that register
 * supports, is a guest error: it is logged (-d guest_errors), traced and
 * counted in GUEST_ERRORS; a rejected read returns 0 and a rejected write
 * has no effect.
 */

#include "qemu/osdep.h"
#include "qemu/log.h"
#include "qemu/module.h"
#include "hw/pci/msix.h"
#include "hw/pci/pci_device.h"
#include "hw/qdev-properties.h"
#include "hw/resettable.h"
#include "qapi/error.h"
#include "migration/vmstate.h"
#include "potnpu/potnpu_regs.h"
#include "potnpu.h"
#include "trace.h"

/* What version 1.3 of the device implements. */
#define POTNPU_CAPS             (POTNPU_CAP_PING | POTNPU_CAP_CORE | \
                                 POTNPU_CAP_MMU | POTNPU_CAP_JOBQ | \
                                 POTNPU_CAP_SAE)

/* Which MSI-X vector each IRQ_STATUS bit raises. */
static const struct {
    uint32_t bit;
    unsigned vector;
} potnpu_irq_sources[] = {
    { POTNPU_IRQ_PING, POTNPU_MSIX_VEC_PING },
    { POTNPU_IRQ_JOB, POTNPU_MSIX_VEC_JOB },
    { POTNPU_IRQ_ERROR, POTNPU_MSIX_VEC_ERROR },
    { POTNPU_IRQ_FW, POTNPU_MSIX_VEC_FW },
};

static void potnpu_bar_error(PotnpuState *s, unsigned bar, bool is_write,
                             hwaddr addr, unsigned size, const char *why)
{
    PCIDevice *pdev = PCI_DEVICE(s);

    if (s->guest_errors < UINT32_MAX) {
        s->guest_errors++;
    }
    trace_potnpu_guest_error(bar, is_write ? "write" : "read", addr, size,
                             why, s->guest_errors);
    qemu_log_mask(LOG_GUEST_ERROR,
                  "potnpu %02x.%x: %u-byte %s at BAR%u+0x%04" HWADDR_PRIx
                  " rejected: %s\n",
                  PCI_SLOT(pdev->devfn), PCI_FUNC(pdev->devfn), size,
                  is_write ? "write" : "read", bar, addr, why);
}

static void potnpu_guest_error(PotnpuState *s, bool is_write, hwaddr addr,
                               unsigned size, const char *why)
{
    potnpu_bar_error(s, POTNPU_BAR_REGS, is_write, addr, size, why);
}

/*
 * Interrupt model: for each source, the line (IRQ_STATUS & IRQ_MASK) is
 * level triggered inside the device. A rising line sends the source's
 * MSI-X message (or latches it in the PBA while the vector is masked or
 * MSI-X is disabled); a falling line withdraws a message still pending in
 * the PBA, so software never sees an interrupt whose cause it has already
 * handled. @old_lines is IRQ_STATUS & IRQ_MASK before the change.
 */
static void potnpu_update_irq(PotnpuState *s, uint32_t old_lines)
{
    PCIDevice *pdev = PCI_DEVICE(s);
    uint32_t lines = s->irq_status & s->irq_mask;
    uint32_t rising = lines & ~old_lines;
    uint32_t falling = old_lines & ~lines;
    size_t i;

    trace_potnpu_irq_update(s->irq_status, s->irq_mask, rising, falling);

    if (!msix_present(pdev)) {
        return;
    }
    for (i = 0; i < ARRAY_SIZE(potnpu_irq_sources); i++) {
        unsigned vector = potnpu_irq_sources[i].vector;

        if (rising & potnpu_irq_sources[i].bit) {
            trace_potnpu_msix_notify(vector);
            msix_notify(pdev, vector);
        } else if (falling & potnpu_irq_sources[i].bit) {
            trace_potnpu_msix_clear_pending(vector);
            msix_clr_pending(pdev, vector);
        }
    }
}

/*
 * Put every BAR0 register back to its reset value and drop any MSI-X
 * message still pending in the PBA. The MSI-X table and the MSI-X enable
 * and function mask bits belong to PCI configuration and are left alone:
 * a RESET register write must not undo the guest's interrupt setup. A PCI
 * bus reset clears those separately (msix_reset() in the PCI core).
 */
static void potnpu_reset_regs(PotnpuState *s, const char *cause)
{
    PCIDevice *pdev = PCI_DEVICE(s);
    unsigned vector;

    trace_potnpu_reset(cause);

    s->scratch = 0;
    s->irq_status = 0;
    s->irq_mask = 0;
    s->ping_data = 0;
    s->ping_count = 0;
    s->guest_errors = 0;
    potnpu_core_reset(s);
    potnpu_mmu_reset(s);
    potnpu_dma_reset(s);
    potnpu_sae_reset(s);

    if (msix_present(pdev)) {
        for (vector = 0; vector < POTNPU_MSIX_NUM_VECTORS; vector++) {
            msix_clr_pending(pdev, vector);
        }
    }
}

/* An event of the sources in @bits: set their status bits. */
void potnpu_raise_irq(PotnpuState *s, uint32_t bits)
{
    uint32_t old_lines = s->irq_status & s->irq_mask;

    s->irq_status |= bits & POTNPU_IRQ_ALL;
    potnpu_update_irq(s, old_lines);
}

static void potnpu_ping(PotnpuState *s, uint32_t val)
{
    s->ping_data = val;
    s->ping_count++;
    trace_potnpu_ping(s->ping_data, s->ping_count);
    potnpu_raise_irq(s, POTNPU_IRQ_PING);
}

static bool potnpu_access_ok(PotnpuState *s, bool is_write, hwaddr addr,
                             unsigned size)
{
    if (size != 4) {
        potnpu_guest_error(s, is_write, addr, size,
                           "registers only take 32-bit accesses");
        return false;
    }
    if (addr & 3) {
        potnpu_guest_error(s, is_write, addr, size, "misaligned access");
        return false;
    }
    return true;
}

/*
 * Read a register of the 0x100-0x4ff blocks. Returns NULL and the value,
 * or why the read is rejected.
 */
static const char *potnpu_exec_read(PotnpuState *s, hwaddr addr,
                                    uint32_t *val)
{
    switch (addr) {
    case POTNPU_REG_CORE_CTRL:
        *val = s->core_ctrl;
        break;
    case POTNPU_REG_CORE_STATUS:
        *val = potnpu_core_status(s);
        break;
    case POTNPU_REG_CORE_ENTRY:
        *val = s->core_entry;
        break;
    case POTNPU_REG_CORE_PC:
        *val = s->hart.pc;
        break;
    case POTNPU_REG_CORE_FAULT_CAUSE:
        *val = s->fault_cause;
        break;
    case POTNPU_REG_CORE_FAULT_PC:
        *val = s->fault_pc;
        break;
    case POTNPU_REG_CORE_FAULT_VAL:
        *val = s->fault_val;
        break;
    case POTNPU_REG_CORE_INSTRET_LO:
        *val = s->hart.instret;
        break;
    case POTNPU_REG_CORE_INSTRET_HI:
        *val = s->hart.instret >> 32;
        break;
    case POTNPU_REG_CORE_WDOG_LIMIT:
        *val = s->wdog_limit;
        break;
    case POTNPU_REG_FW_STATUS:
        *val = s->fw_status;
        break;
    case POTNPU_REG_FW_VERSION:
        *val = s->fw_version;
        break;
    case POTNPU_REG_FW_ABI:
        *val = s->fw_abi;
        break;
    case POTNPU_REG_FW_CAPS:
        *val = s->fw_caps;
        break;
    case POTNPU_REG_FW_ERROR:
        *val = s->fw_error;
        break;
    case POTNPU_REG_FW_HEARTBEAT:
        *val = s->fw_heartbeat;
        break;
    case POTNPU_REG_FW_LOG_BASE:
        *val = s->fw_log_base;
        break;
    case POTNPU_REG_FW_LOG_SIZE:
        *val = s->fw_log_size;
        break;
    case POTNPU_REG_FW_LOG_HEAD:
        *val = s->fw_log_head;
        break;
    case POTNPU_REG_HOST_ABI:
        *val = s->host_abi;
        break;
    case POTNPU_REG_H2F_MSG:
        *val = s->h2f_msg;
        break;
    case POTNPU_REG_H2F_ARG:
        *val = s->h2f_arg;
        break;
    case POTNPU_REG_MMU_CTX_SEL:
        *val = s->mmu_ctx_sel;
        break;
    case POTNPU_REG_MMU_PT_LO:
        *val = s->mmu_pt[s->mmu_ctx_sel];
        break;
    case POTNPU_REG_MMU_PT_HI:
        *val = s->mmu_pt[s->mmu_ctx_sel] >> 32;
        break;
    case POTNPU_REG_MMU_FAULT_STATUS:
        *val = s->mmu_fault_status;
        break;
    case POTNPU_REG_MMU_FAULT_ADDR:
        *val = s->mmu_fault_addr;
        break;
    case POTNPU_REG_MMU_FAULT_COUNT:
        *val = s->mmu_fault_count;
        break;
    case POTNPU_REG_MMU_FAULT_ADDR_HI:
        *val = s->mmu_fault_addr_hi;
        break;
    case POTNPU_REG_JQ_BASE_LO:
        *val = s->jq_base_lo;
        break;
    case POTNPU_REG_JQ_BASE_HI:
        *val = s->jq_base_hi;
        break;
    case POTNPU_REG_JQ_SIZE:
        *val = s->jq_size;
        break;
    case POTNPU_REG_JQ_TAIL:
        *val = s->jq_tail;
        break;
    case POTNPU_REG_JQ_HEAD:
        *val = s->jq_head;
        break;
    case POTNPU_REG_CQ_BASE_LO:
        *val = s->cq_base_lo;
        break;
    case POTNPU_REG_CQ_BASE_HI:
        *val = s->cq_base_hi;
        break;
    case POTNPU_REG_CQ_TAIL:
        *val = s->cq_tail;
        break;
    case POTNPU_REG_CQ_HEAD:
        *val = s->cq_head;
        break;
    case POTNPU_REG_H2F_DOORBELL:
    case POTNPU_REG_MMU_INVALIDATE:
        return "read of a write-only register";
    default:
        return "no register at this offset";
    }
    return NULL;
}

/* Write a register of the 0x100-0x4ff blocks; NULL or why it is refused. */
static const char *potnpu_exec_write(PotnpuState *s, hwaddr addr,
                                     uint32_t val)
{
    uint64_t *pt = &s->mmu_pt[s->mmu_ctx_sel];

    switch (addr) {
    case POTNPU_REG_CORE_CTRL:
        potnpu_core_set_ctrl(s, val);
        break;
    case POTNPU_REG_CORE_ENTRY:
        if ((val & 3) || val - POTNPU_CORE_IMEM_BASE >= POTNPU_CORE_IMEM_SIZE) {
            return "CORE_ENTRY outside IMEM or misaligned";
        }
        s->core_entry = val;
        break;
    case POTNPU_REG_CORE_WDOG_LIMIT:
        s->wdog_limit = val;
        break;
    case POTNPU_REG_HOST_ABI:
        s->host_abi = val;
        break;
    case POTNPU_REG_H2F_MSG:
        s->h2f_msg = val;
        break;
    case POTNPU_REG_H2F_ARG:
        s->h2f_arg = val;
        break;
    case POTNPU_REG_H2F_DOORBELL:
        potnpu_core_event(s, POTNPU_EVENT_H2F);
        break;
    case POTNPU_REG_MMU_CTX_SEL:
        if (val >= POTNPU_MMU_SLOTS) {
            return "MMU_CTX_SEL beyond the last slot";
        }
        s->mmu_ctx_sel = val;
        break;
    case POTNPU_REG_MMU_PT_LO:
        *pt = (*pt & 0xffffffff00000000ull) | (val & ~0xfffu);
        break;
    case POTNPU_REG_MMU_PT_HI:
        *pt = (*pt & 0xffffffffull) | ((uint64_t)val << 32);
        break;
    case POTNPU_REG_MMU_INVALIDATE:
        if (val >= POTNPU_MMU_SLOTS && val != POTNPU_MMU_INVALIDATE_ALL) {
            return "MMU_INVALIDATE of no slot";
        }
        potnpu_mmu_invalidate(s, val);
        break;
    case POTNPU_REG_MMU_FAULT_STATUS:
        if (val & POTNPU_MMU_FAULT_VALID) {
            s->mmu_fault_status = 0;
        }
        break;
    case POTNPU_REG_JQ_BASE_LO:
        s->jq_base_lo = val;
        break;
    case POTNPU_REG_JQ_BASE_HI:
        s->jq_base_hi = val;
        break;
    case POTNPU_REG_JQ_SIZE:
        s->jq_size = val;
        break;
    case POTNPU_REG_JQ_TAIL:
        s->jq_tail = val;
        potnpu_core_event(s, POTNPU_EVENT_JQ_DOORBELL);
        break;
    case POTNPU_REG_CQ_BASE_LO:
        s->cq_base_lo = val;
        break;
    case POTNPU_REG_CQ_BASE_HI:
        s->cq_base_hi = val;
        break;
    case POTNPU_REG_CQ_HEAD:
        s->cq_head = val;
        potnpu_core_event(s, POTNPU_EVENT_CQ_HEAD);
        break;
    case POTNPU_REG_CORE_STATUS:
    case POTNPU_REG_CORE_PC:
    case POTNPU_REG_CORE_FAULT_CAUSE:
    case POTNPU_REG_CORE_FAULT_PC:
    case POTNPU_REG_CORE_FAULT_VAL:
    case POTNPU_REG_CORE_INSTRET_LO:
    case POTNPU_REG_CORE_INSTRET_HI:
    case POTNPU_REG_FW_STATUS:
    case POTNPU_REG_FW_VERSION:
    case POTNPU_REG_FW_ABI:
    case POTNPU_REG_FW_CAPS:
    case POTNPU_REG_FW_ERROR:
    case POTNPU_REG_FW_HEARTBEAT:
    case POTNPU_REG_FW_LOG_BASE:
    case POTNPU_REG_FW_LOG_SIZE:
    case POTNPU_REG_FW_LOG_HEAD:
    case POTNPU_REG_MMU_FAULT_ADDR:
    case POTNPU_REG_MMU_FAULT_COUNT:
    case POTNPU_REG_MMU_FAULT_ADDR_HI:
    case POTNPU_REG_JQ_HEAD:
    case POTNPU_REG_CQ_TAIL:
        return "write to a read-only register";
    default:
        return "no register at this offset";
    }
    return NULL;
}

static uint64_t potnpu_mmio_read(void *opaque, hwaddr addr, unsigned size)
{
    PotnpuState *s = opaque;
    const char *why;
    uint32_t val;

    if (!potnpu_access_ok(s, false, addr, size)) {
        return 0;
    }

    switch (addr) {
    case POTNPU_REG_ID:
        val = POTNPU_ID_MAGIC;
        break;
    case POTNPU_REG_VERSION:
        val = POTNPU_HW_VERSION;
        break;
    case POTNPU_REG_CAPS:
        val = POTNPU_CAPS;
        break;
    case POTNPU_REG_SCRATCH:
        val = s->scratch;
        break;
    case POTNPU_REG_STATUS:
        val = POTNPU_STATUS_READY;
        break;
    case POTNPU_REG_IRQ_STATUS:
        val = s->irq_status;
        break;
    case POTNPU_REG_IRQ_MASK:
        val = s->irq_mask;
        break;
    case POTNPU_REG_PING_DATA:
        val = s->ping_data;
        break;
    case POTNPU_REG_PING_COUNT:
        val = s->ping_count;
        break;
    case POTNPU_REG_GUEST_ERRORS:
        val = s->guest_errors;
        break;
    case POTNPU_REG_RESET:
    case POTNPU_REG_PING:
        potnpu_guest_error(s, false, addr, size,
                           "read of a write-only register");
        return 0;
    default:
        why = potnpu_exec_read(s, addr, &val);
        if (why) {
            potnpu_guest_error(s, false, addr, size, why);
            return 0;
        }
        break;
    }

    trace_potnpu_mmio_read(addr, size, val);
    return val;
}

static void potnpu_mmio_write(void *opaque, hwaddr addr, uint64_t val64,
                              unsigned size)
{
    PotnpuState *s = opaque;
    uint32_t val = val64;
    uint32_t old_lines;
    const char *why;

    trace_potnpu_mmio_write(addr, size, val64);

    if (!potnpu_access_ok(s, true, addr, size)) {
        return;
    }

    switch (addr) {
    case POTNPU_REG_SCRATCH:
        s->scratch = val;
        break;
    case POTNPU_REG_RESET:
        if (val != POTNPU_RESET_MAGIC) {
            potnpu_guest_error(s, true, addr, size,
                               "RESET written without the reset magic");
            break;
        }
        potnpu_reset_regs(s, "RESET register");
        break;
    case POTNPU_REG_IRQ_STATUS:
        old_lines = s->irq_status & s->irq_mask;
        s->irq_status &= ~val;
        potnpu_update_irq(s, old_lines);
        break;
    case POTNPU_REG_IRQ_MASK:
        old_lines = s->irq_status & s->irq_mask;
        s->irq_mask = val & POTNPU_IRQ_ALL;
        potnpu_update_irq(s, old_lines);
        break;
    case POTNPU_REG_PING:
        potnpu_ping(s, val);
        break;
    case POTNPU_REG_ID:
    case POTNPU_REG_VERSION:
    case POTNPU_REG_CAPS:
    case POTNPU_REG_STATUS:
    case POTNPU_REG_PING_DATA:
    case POTNPU_REG_PING_COUNT:
    case POTNPU_REG_GUEST_ERRORS:
        potnpu_guest_error(s, true, addr, size,
                           "write to a read-only register");
        break;
    default:
        why = potnpu_exec_write(s, addr, val);
        if (why) {
            potnpu_guest_error(s, true, addr, size, why);
        }
        break;
    }
}

static const MemoryRegionOps potnpu_regs_ops = {
    .read = potnpu_mmio_read,
    .write = potnpu_mmio_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    /*
     * Let every size and alignment through to the handlers, which reject
     * and count bad accesses themselves; the memory core would otherwise
     * drop them silently as decode errors.
     */
    .valid = {
        .min_access_size = 1,
        .max_access_size = 8,
        .unaligned = true,
    },
    .impl = {
        .min_access_size = 1,
        .max_access_size = 8,
        .unaligned = true,
    },
};

/*
 * BAR4: the core's IMEM and DMEM. Naturally aligned 32-bit accesses only;
 * reads at any time, writes only while the core is halted.
 */
static uint8_t *potnpu_core_mem_ptr(PotnpuState *s, hwaddr addr)
{
    if (addr < POTNPU_CORE_IMEM_SIZE) {
        return s->imem + addr;
    }
    return s->dmem + (addr - POTNPU_CORE_DMEM_BASE);
}

static bool potnpu_core_mem_ok(PotnpuState *s, bool is_write, hwaddr addr,
                               unsigned size)
{
    const char *why = NULL;

    if (size != 4) {
        why = "core memory window only takes 32-bit accesses";
    } else if (addr & 3) {
        why = "misaligned access";
    } else if (addr + size > POTNPU_BAR_CORE_MEM_SIZE) {
        why = "beyond the core memory window";
    } else if (is_write && s->core_running) {
        why = "core memory written while the core runs";
    }
    if (why) {
        potnpu_bar_error(s, POTNPU_BAR_CORE_MEM, is_write, addr, size, why);
        return false;
    }
    return true;
}

static uint64_t potnpu_core_mem_read(void *opaque, hwaddr addr, unsigned size)
{
    PotnpuState *s = opaque;
    uint32_t val;

    if (!potnpu_core_mem_ok(s, false, addr, size)) {
        return 0;
    }
    val = ldl_le_p(potnpu_core_mem_ptr(s, addr));
    trace_potnpu_core_mem_read(addr, val);
    return val;
}

static void potnpu_core_mem_write(void *opaque, hwaddr addr, uint64_t val,
                                  unsigned size)
{
    PotnpuState *s = opaque;

    if (!potnpu_core_mem_ok(s, true, addr, size)) {
        return;
    }
    trace_potnpu_core_mem_write(addr, val);
    stl_le_p(potnpu_core_mem_ptr(s, addr), val);
}

static const MemoryRegionOps potnpu_core_mem_ops = {
    .read = potnpu_core_mem_read,
    .write = potnpu_core_mem_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    /* As for BAR0: the handlers see, reject and count every bad access. */
    .valid = {
        .min_access_size = 1,
        .max_access_size = 8,
        .unaligned = true,
    },
    .impl = {
        .min_access_size = 1,
        .max_access_size = 8,
        .unaligned = true,
    },
};

static void potnpu_reset_hold(Object *obj, ResetType type)
{
    potnpu_reset_regs(POTNPU(obj), "device reset");
}

static void potnpu_realize(PCIDevice *pdev, Error **errp)
{
    PotnpuState *s = POTNPU(pdev);
    unsigned vector;

    if (s->slice_us < 1 || s->slice_us > POTNPU_SLICE_US_MAX) {
        error_setg(errp, "potnpu: slice-us must be 1..%u",
                   POTNPU_SLICE_US_MAX);
        return;
    }
    if (s->slice_insns < 1 || s->slice_insns > POTNPU_SLICE_INSNS_MAX) {
        error_setg(errp, "potnpu: slice-insns must be 1..%u",
                   POTNPU_SLICE_INSNS_MAX);
        return;
    }

    /* MSI-X only: no INTx pin. */
    pci_config_set_interrupt_pin(pdev->config, 0);

    memory_region_init_io(&s->regs, OBJECT(s), &potnpu_regs_ops, s,
                          "potnpu-regs", POTNPU_BAR_REGS_SIZE);
    pci_register_bar(pdev, POTNPU_BAR_REGS, PCI_BASE_ADDRESS_SPACE_MEMORY,
                     &s->regs);
    memory_region_init_io(&s->core_mem, OBJECT(s), &potnpu_core_mem_ops, s,
                          "potnpu-core-mem", POTNPU_BAR_CORE_MEM_SIZE);
    pci_register_bar(pdev, POTNPU_BAR_CORE_MEM, PCI_BASE_ADDRESS_SPACE_MEMORY,
                     &s->core_mem);

    if (msix_init_exclusive_bar(pdev, POTNPU_MSIX_NUM_VECTORS,
                                POTNPU_BAR_MSIX, errp)) {
        return;
    }
    for (vector = 0; vector < POTNPU_MSIX_NUM_VECTORS; vector++) {
        msix_vector_use(pdev, vector);
    }
    potnpu_core_realize(s);
}

static void potnpu_exit(PCIDevice *pdev)
{
    PotnpuState *s = POTNPU(pdev);

    potnpu_core_unrealize(s);
    msix_unuse_all_vectors(pdev);
    msix_uninit_exclusive_bar(pdev);
}

static int potnpu_post_load(void *opaque, int version_id)
{
    PotnpuState *s = opaque;

    /* Never accept state this device could not have produced. */
    if ((s->irq_status | s->irq_mask) & ~POTNPU_IRQ_ALL) {
        return -EINVAL;
    }
    if (version_id < 2) {
        return 0;
    }
    if ((s->core_ctrl & ~POTNPU_CORE_CTRL_RUN) ||
        (s->core_running && !(s->core_ctrl & POTNPU_CORE_CTRL_RUN)) ||
        (s->core_entry & 3) || s->core_entry >= POTNPU_CORE_IMEM_SIZE ||
        s->mmu_ctx_sel >= POTNPU_MMU_SLOTS ||
        s->slot_debt > MAX(POTNPU_DMA_MAX_SLOTS, POTNPU_SAE_MAX_SLOTS) ||
        s->sae_status > POTNPU_SAE_EWORK ||
        !potnpu_core_state_valid(s) ||
        (s->events & ~(POTNPU_EVENT_JQ_DOORBELL | POTNPU_EVENT_H2F |
                       POTNPU_EVENT_CQ_HEAD))) {
        return -EINVAL;
    }
    /* The TLB is not migrated: it may drop translations at any time. */
    potnpu_mmu_invalidate(s, POTNPU_MMU_INVALIDATE_ALL);
    potnpu_core_post_load(s);
    return 0;
}

static const VMStateDescription vmstate_potnpu = {
    .name = TYPE_POTNPU,
    .version_id = 4,
    .minimum_version_id = 1,
    .post_load = potnpu_post_load,
    .fields = (const VMStateField[]) {
        VMSTATE_PCI_DEVICE(parent_obj, PotnpuState),
        VMSTATE_MSIX(parent_obj, PotnpuState),
        VMSTATE_UINT32(scratch, PotnpuState),
        VMSTATE_UINT32(irq_status, PotnpuState),
        VMSTATE_UINT32(irq_mask, PotnpuState),
        VMSTATE_UINT32(ping_data, PotnpuState),
        VMSTATE_UINT32(ping_count, PotnpuState),
        VMSTATE_UINT32(guest_errors, PotnpuState),
        /* Version 2: host interface 1.1. */
        VMSTATE_UINT32_V(core_ctrl, PotnpuState, 2),
        VMSTATE_BOOL_V(core_running, PotnpuState, 2),
        VMSTATE_BOOL_V(hart.wfi, PotnpuState, 2),
        VMSTATE_BOOL_V(core_trapped, PotnpuState, 2),
        VMSTATE_BOOL_V(core_watchdog, PotnpuState, 2),
        VMSTATE_UINT32_V(core_entry, PotnpuState, 2),
        VMSTATE_UINT32_V(fault_cause, PotnpuState, 2),
        VMSTATE_UINT32_V(fault_pc, PotnpuState, 2),
        VMSTATE_UINT32_V(fault_val, PotnpuState, 2),
        VMSTATE_UINT32_V(wdog_limit, PotnpuState, 2),
        VMSTATE_UINT32_V(wdog_count, PotnpuState, 2),
        VMSTATE_UINT32_V(slot_debt, PotnpuState, 2),
        VMSTATE_UINT32_ARRAY_V(hart.x, PotnpuState, 32, 2),
        VMSTATE_UINT32_V(hart.pc, PotnpuState, 2),
        VMSTATE_UINT32_V(hart.mstatus, PotnpuState, 2),
        VMSTATE_UINT32_V(hart.mie, PotnpuState, 2),
        VMSTATE_UINT32_V(hart.mtvec, PotnpuState, 2),
        VMSTATE_UINT32_V(hart.mepc, PotnpuState, 2),
        VMSTATE_UINT32_V(hart.mcause, PotnpuState, 2),
        VMSTATE_UINT32_V(hart.mtval, PotnpuState, 2),
        VMSTATE_UINT32_V(hart.mscratch, PotnpuState, 2),
        VMSTATE_BOOL_V(hart.in_trap, PotnpuState, 2),
        VMSTATE_UINT64_V(hart.instret, PotnpuState, 2),
        VMSTATE_UINT64_V(timecmp, PotnpuState, 2),
        VMSTATE_UINT32_V(events, PotnpuState, 2),
        VMSTATE_UINT8_ARRAY_V(imem, PotnpuState, POTNPU_CORE_IMEM_SIZE, 2),
        VMSTATE_UINT8_ARRAY_V(dmem, PotnpuState, POTNPU_CORE_DMEM_SIZE, 2),
        VMSTATE_UINT32_V(fw_status, PotnpuState, 2),
        VMSTATE_UINT32_V(fw_version, PotnpuState, 2),
        VMSTATE_UINT32_V(fw_abi, PotnpuState, 2),
        VMSTATE_UINT32_V(fw_caps, PotnpuState, 2),
        VMSTATE_UINT32_V(fw_error, PotnpuState, 2),
        VMSTATE_UINT32_V(fw_heartbeat, PotnpuState, 2),
        VMSTATE_UINT32_V(fw_log_base, PotnpuState, 2),
        VMSTATE_UINT32_V(fw_log_size, PotnpuState, 2),
        VMSTATE_UINT32_V(fw_log_head, PotnpuState, 2),
        VMSTATE_UINT32_V(host_abi, PotnpuState, 2),
        VMSTATE_UINT32_V(h2f_msg, PotnpuState, 2),
        VMSTATE_UINT32_V(mmu_ctx_sel, PotnpuState, 2),
        VMSTATE_UINT64_ARRAY_V(mmu_pt, PotnpuState, POTNPU_MMU_SLOTS, 2),
        VMSTATE_UINT32_V(mmu_fault_status, PotnpuState, 2),
        VMSTATE_UINT32_V(mmu_fault_addr, PotnpuState, 2),
        VMSTATE_UINT32_V(mmu_fault_count, PotnpuState, 2),
        VMSTATE_UINT32_V(jq_base_lo, PotnpuState, 2),
        VMSTATE_UINT32_V(jq_base_hi, PotnpuState, 2),
        VMSTATE_UINT32_V(jq_size, PotnpuState, 2),
        VMSTATE_UINT32_V(jq_tail, PotnpuState, 2),
        VMSTATE_UINT32_V(jq_head, PotnpuState, 2),
        VMSTATE_UINT32_V(cq_base_lo, PotnpuState, 2),
        VMSTATE_UINT32_V(cq_base_hi, PotnpuState, 2),
        VMSTATE_UINT32_V(cq_tail, PotnpuState, 2),
        VMSTATE_UINT64_V(dma_src, PotnpuState, 2),
        VMSTATE_UINT64_V(dma_dst, PotnpuState, 2),
        VMSTATE_UINT32_V(dma_len, PotnpuState, 2),
        VMSTATE_UINT32_V(dma_ctx, PotnpuState, 2),
        VMSTATE_UINT32_V(dma_mode, PotnpuState, 2),
        VMSTATE_UINT32_V(dma_pattern, PotnpuState, 2),
        VMSTATE_UINT32_V(dma_status, PotnpuState, 2),
        VMSTATE_UINT32_V(dma_fault_addr, PotnpuState, 2),
        /* Version 3: host interface 1.2. */
        VMSTATE_UINT32_V(h2f_arg, PotnpuState, 3),
        VMSTATE_UINT32_V(mmu_fault_addr_hi, PotnpuState, 3),
        VMSTATE_UINT32_V(cq_head, PotnpuState, 3),
        VMSTATE_UINT32_V(dma_fault_addr_hi, PotnpuState, 3),
        /* Version 4: host interface 1.3. */
        VMSTATE_UINT32_V(dma_rows, PotnpuState, 4),
        VMSTATE_UINT32_V(dma_src_stride, PotnpuState, 4),
        VMSTATE_UINT32_V(dma_dst_stride, PotnpuState, 4),
        VMSTATE_UINT32_V(sae_desc, PotnpuState, 4),
        VMSTATE_UINT32_V(sae_status, PotnpuState, 4),
        VMSTATE_UINT32_V(sae_error_info, PotnpuState, 4),
        VMSTATE_UINT64_V(sae_taps, PotnpuState, 4),
        VMSTATE_UINT64_V(sae_terms, PotnpuState, 4),
        VMSTATE_UINT64_V(sae_zero, PotnpuState, 4),
        VMSTATE_UINT32_V(sae_cycles, PotnpuState, 4),
        VMSTATE_UINT8_ARRAY_V(sram, PotnpuState, POTNPU_SRAM_SIZE, 4),
        VMSTATE_END_OF_LIST()
    },
};

static const Property potnpu_properties[] = {
    DEFINE_PROP_UINT32("slice-us", PotnpuState, slice_us,
                       POTNPU_SLICE_US_DEFAULT),
    DEFINE_PROP_UINT32("slice-insns", PotnpuState, slice_insns,
                       POTNPU_SLICE_INSNS_DEFAULT),
};

static void potnpu_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    PCIDeviceClass *k = PCI_DEVICE_CLASS(klass);
    ResettableClass *rc = RESETTABLE_CLASS(klass);

    k->realize = potnpu_realize;
    k->exit = potnpu_exit;
    k->vendor_id = POTNPU_PCI_VENDOR_ID;
    k->device_id = POTNPU_PCI_DEVICE_ID;
    k->revision = POTNPU_PCI_REVISION;
    k->class_id = POTNPU_PCI_CLASS;

    dc->desc = "potnpu shift-add neural processor";
    dc->vmsd = &vmstate_potnpu;
    device_class_set_props(dc, potnpu_properties);
    rc->phases.hold = potnpu_reset_hold;
    set_bit(DEVICE_CATEGORY_MISC, dc->categories);
}

static const TypeInfo potnpu_types[] = {
    {
        .name          = TYPE_POTNPU,
        .parent        = TYPE_PCI_DEVICE,
        .instance_size = sizeof(PotnpuState),
        .class_init    = potnpu_class_init,
        .interfaces    = (InterfaceInfo[]) {
            { INTERFACE_CONVENTIONAL_PCI_DEVICE },
            { },
        },
    },
};

DEFINE_TYPES(potnpu_types)
