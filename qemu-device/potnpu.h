/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * potnpu: shift-add neural processor, QEMU PCI device model.
 *
 * The register layout lives in the shared header potnpu/potnpu_regs.h;
 * docs/device-spec.md in the potnpu repository is the specification.
 */

#ifndef HW_POTNPU_H
#define HW_POTNPU_H

#include "hw/pci/pci_device.h"
#include "qom/object.h"

#define TYPE_POTNPU "potnpu"
OBJECT_DECLARE_SIMPLE_TYPE(PotnpuState, POTNPU)

struct PotnpuState {
    /*< private >*/
    PCIDevice parent_obj;
    /*< public >*/

    MemoryRegion regs;

    /* BAR0 register file; everything here is guest visible and migrated. */
    uint32_t scratch;
    uint32_t irq_status;
    uint32_t irq_mask;
    uint32_t ping_data;
    uint32_t ping_count;
    uint32_t guest_errors;
};

#endif /* HW_POTNPU_H */
