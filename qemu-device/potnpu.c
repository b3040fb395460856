/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * potnpu: shift-add neural processor, QEMU PCI device model.
 *
 * Copyright (c) 2026 The potnpu authors
 *
 * Version 1 of the device implements the host interface: identity, a
 * scratch register, software reset, an interrupt status/mask pair and the
 * PING doorbell, which raises MSI-X vector POTNPU_MSIX_VEC_PING. The
 * register map comes from the shared header potnpu/potnpu_regs.h and is
 * specified in docs/device-spec.md of the potnpu repository.
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
#include "hw/resettable.h"
#include "migration/vmstate.h"
#include "potnpu/potnpu_regs.h"
#include "potnpu.h"
#include "trace.h"

/* What version 1 of the device implements. */
#define POTNPU_CAPS             POTNPU_CAP_PING

/* Which MSI-X vector each IRQ_STATUS bit raises. */
static const struct {
    uint32_t bit;
    unsigned vector;
} potnpu_irq_sources[] = {
    { POTNPU_IRQ_PING, POTNPU_MSIX_VEC_PING },
};

static void potnpu_guest_error(PotnpuState *s, bool is_write, hwaddr addr,
                               unsigned size, const char *why)
{
    PCIDevice *pdev = PCI_DEVICE(s);

    if (s->guest_errors < UINT32_MAX) {
        s->guest_errors++;
    }
    trace_potnpu_guest_error(is_write ? "write" : "read", addr, size, why,
                             s->guest_errors);
    qemu_log_mask(LOG_GUEST_ERROR,
                  "potnpu %02x.%x: %u-byte %s at BAR0+0x%04" HWADDR_PRIx
                  " rejected: %s\n",
                  PCI_SLOT(pdev->devfn), PCI_FUNC(pdev->devfn), size,
                  is_write ? "write" : "read", addr, why);
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

    if (msix_present(pdev)) {
        for (vector = 0; vector < POTNPU_MSIX_NUM_VECTORS; vector++) {
            msix_clr_pending(pdev, vector);
        }
    }
}

static void potnpu_ping(PotnpuState *s, uint32_t val)
{
    uint32_t old_lines = s->irq_status & s->irq_mask;

    s->ping_data = val;
    s->ping_count++;
    s->irq_status |= POTNPU_IRQ_PING;
    trace_potnpu_ping(s->ping_data, s->ping_count);
    potnpu_update_irq(s, old_lines);
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

static uint64_t potnpu_mmio_read(void *opaque, hwaddr addr, unsigned size)
{
    PotnpuState *s = opaque;
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
        potnpu_guest_error(s, false, addr, size, "no register at this offset");
        return 0;
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
        potnpu_guest_error(s, true, addr, size, "no register at this offset");
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

static void potnpu_reset_hold(Object *obj, ResetType type)
{
    potnpu_reset_regs(POTNPU(obj), "device reset");
}

static void potnpu_realize(PCIDevice *pdev, Error **errp)
{
    PotnpuState *s = POTNPU(pdev);
    unsigned vector;

    /* MSI-X only: no INTx pin. */
    pci_config_set_interrupt_pin(pdev->config, 0);

    memory_region_init_io(&s->regs, OBJECT(s), &potnpu_regs_ops, s,
                          "potnpu-regs", POTNPU_BAR_REGS_SIZE);
    pci_register_bar(pdev, POTNPU_BAR_REGS, PCI_BASE_ADDRESS_SPACE_MEMORY,
                     &s->regs);

    if (msix_init_exclusive_bar(pdev, POTNPU_MSIX_NUM_VECTORS,
                                POTNPU_BAR_MSIX, errp)) {
        return;
    }
    for (vector = 0; vector < POTNPU_MSIX_NUM_VECTORS; vector++) {
        msix_vector_use(pdev, vector);
    }
}

static void potnpu_exit(PCIDevice *pdev)
{
    msix_unuse_all_vectors(pdev);
    msix_uninit_exclusive_bar(pdev);
}

static int potnpu_post_load(void *opaque, int version_id)
{
    PotnpuState *s = opaque;

    /* Never accept interrupt state this device could not have produced. */
    if ((s->irq_status | s->irq_mask) & ~POTNPU_IRQ_ALL) {
        return -EINVAL;
    }
    return 0;
}

static const VMStateDescription vmstate_potnpu = {
    .name = TYPE_POTNPU,
    .version_id = 1,
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
        VMSTATE_END_OF_LIST()
    },
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
