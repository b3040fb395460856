# potnpu guest machine: devices built into qemu-system-x86_64.
#
# Used as --with-devices-x86_64=potnpu together with
# --without-default-devices: only what is listed here (and what it selects)
# is compiled in.

# The machine: q35 (PCIe host bridge, ICH9 LPC, APIC/IOAPIC, fw_cfg with
# DMA for -kernel/-initrd, ISA serial ports for ttyS0 and ttyS1).
CONFIG_Q35=y
CONFIG_SERIAL_ISA=y

# The shift-add neural processor.
CONFIG_POTNPU=y

# isa-debug-exit: lets a guest test end QEMU with a chosen exit status.
CONFIG_ISA_DEBUG=y

# pcie-root-port: a hot-pluggable slot, so the hot-unplug test can
# device_del/device_add a potnpu (devices on pcie.0 itself cannot be removed).
CONFIG_PCIE_PORT=y
