/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QTest testcase for the potnpu shift-add neural processor device.
 *
 * Copyright (c) 2026 The potnpu authors
 *
 * Checks the BAR0 host interface against docs/device-spec.md: PCI
 * identity, register reset values and access rules, the RESET register,
 * the PING doorbell and its MSI-X interrupt, the guest-error policy for
 * bad sizes, alignments and offsets, system reset, migration, and a
 * seeded random storm of accesses checked against a reference model of
 * the register file; then the control core, its DMA engine (1D and 2D,
 * DMEM, BUS, VA and SRAM), the MMU, and the shift-add engine's tiles,
 * statuses, reset and time budget.
 */

#include "qemu/osdep.h"
#include "libqtest.h"
#include "qemu/bswap.h"
#include "libqos/libqos-pc.h"
#include "libqos/pci.h"
#include "hw/pci/pci_regs.h"
#include "potnpu/potnpu_regs.h"
#include "potnpu/potnpu_core.h"
#include "potnpu/potnpu_job.h"
#include "potnpu/potnpu_fw_image.h"
#include "potnpu/potnpu_layer.h"

#define POTNPU_SLOT             4
#define POTNPU_SLOT2            5

/* Debian's +ds QEMU source builds no BIOS images: use the installed ones. */
#define DEFAULT_FIRMWARE_DIRS   "/usr/share/seabios:/usr/share/qemu"

#define MSI_DATA(vector)        (0x9e700000u | (vector))

#define STORM_SEED              0x9e70c0deu
#define STORM_OPS               20000

#define EXPECT_CAPS             (POTNPU_CAP_PING | POTNPU_CAP_CORE | \
                                 POTNPU_CAP_MMU | POTNPU_CAP_JOBQ | \
                                 POTNPU_CAP_SAE)
#define CORE_MEM_WORDS          (POTNPU_BAR_CORE_MEM_SIZE / 4)

typedef struct PotnpuTest {
    QOSState *qs;
    QTestState *qts;
    QPCIDevice *dev;
    QPCIBar bar;
    uint64_t bar_size;
    QPCIBar bar4;
    uint64_t bar4_size;
    uint64_t msi_addr[POTNPU_MSIX_NUM_VECTORS];
} PotnpuTest;

/* The register file as the specification describes it. */
typedef struct PotnpuModel {
    uint32_t scratch;
    uint32_t irq_status;
    uint32_t irq_mask;
    uint32_t ping_data;
    uint32_t ping_count;
    uint32_t guest_errors;
    /* Host interface 1.1; the core never executes during the storm. */
    uint32_t core_ctrl;
    uint32_t core_entry;
    uint32_t core_pc;
    uint32_t wdog_limit;
    uint32_t host_abi;
    uint32_t h2f_msg;
    uint32_t h2f_arg;
    uint32_t mmu_ctx_sel;
    uint64_t mmu_pt[POTNPU_MMU_SLOTS];
    uint32_t jq_base_lo, jq_base_hi, jq_size, jq_tail, cq_base_lo, cq_base_hi;
    uint32_t cq_head;
    uint32_t mem[CORE_MEM_WORDS];
} PotnpuModel;

static const uint32_t ro_regs[] = {
    POTNPU_REG_ID, POTNPU_REG_VERSION, POTNPU_REG_CAPS, POTNPU_REG_STATUS,
    POTNPU_REG_PING_DATA, POTNPU_REG_PING_COUNT, POTNPU_REG_GUEST_ERRORS,
    POTNPU_REG_CORE_STATUS, POTNPU_REG_CORE_PC, POTNPU_REG_CORE_FAULT_CAUSE,
    POTNPU_REG_CORE_FAULT_PC, POTNPU_REG_CORE_FAULT_VAL,
    POTNPU_REG_CORE_INSTRET_LO, POTNPU_REG_CORE_INSTRET_HI,
    POTNPU_REG_FW_STATUS, POTNPU_REG_FW_VERSION, POTNPU_REG_FW_ABI,
    POTNPU_REG_FW_CAPS, POTNPU_REG_FW_ERROR, POTNPU_REG_FW_HEARTBEAT,
    POTNPU_REG_FW_LOG_BASE, POTNPU_REG_FW_LOG_SIZE, POTNPU_REG_FW_LOG_HEAD,
    POTNPU_REG_MMU_FAULT_ADDR, POTNPU_REG_MMU_FAULT_COUNT,
    POTNPU_REG_MMU_FAULT_ADDR_HI, POTNPU_REG_JQ_HEAD, POTNPU_REG_CQ_TAIL,
};

static const uint32_t wo_regs[] = {
    POTNPU_REG_RESET, POTNPU_REG_PING, POTNPU_REG_H2F_DOORBELL,
    POTNPU_REG_MMU_INVALIDATE,
};

static const uint32_t all_regs[] = {
    POTNPU_REG_ID, POTNPU_REG_VERSION, POTNPU_REG_CAPS, POTNPU_REG_SCRATCH,
    POTNPU_REG_STATUS, POTNPU_REG_RESET, POTNPU_REG_IRQ_STATUS,
    POTNPU_REG_IRQ_MASK, POTNPU_REG_PING, POTNPU_REG_PING_DATA,
    POTNPU_REG_PING_COUNT, POTNPU_REG_GUEST_ERRORS,
    POTNPU_REG_CORE_CTRL, POTNPU_REG_CORE_STATUS, POTNPU_REG_CORE_ENTRY,
    POTNPU_REG_CORE_PC, POTNPU_REG_CORE_FAULT_CAUSE, POTNPU_REG_CORE_FAULT_PC,
    POTNPU_REG_CORE_FAULT_VAL, POTNPU_REG_CORE_INSTRET_LO,
    POTNPU_REG_CORE_INSTRET_HI, POTNPU_REG_CORE_WDOG_LIMIT,
    POTNPU_REG_FW_STATUS, POTNPU_REG_FW_VERSION, POTNPU_REG_FW_ABI,
    POTNPU_REG_FW_CAPS, POTNPU_REG_FW_ERROR, POTNPU_REG_FW_HEARTBEAT,
    POTNPU_REG_FW_LOG_BASE, POTNPU_REG_FW_LOG_SIZE, POTNPU_REG_FW_LOG_HEAD,
    POTNPU_REG_HOST_ABI, POTNPU_REG_H2F_MSG, POTNPU_REG_H2F_DOORBELL,
    POTNPU_REG_H2F_ARG, POTNPU_REG_MMU_CTX_SEL, POTNPU_REG_MMU_PT_LO,
    POTNPU_REG_MMU_PT_HI, POTNPU_REG_MMU_INVALIDATE,
    POTNPU_REG_MMU_FAULT_STATUS, POTNPU_REG_MMU_FAULT_ADDR,
    POTNPU_REG_MMU_FAULT_COUNT, POTNPU_REG_MMU_FAULT_ADDR_HI,
    POTNPU_REG_JQ_BASE_LO, POTNPU_REG_JQ_BASE_HI, POTNPU_REG_JQ_SIZE,
    POTNPU_REG_JQ_TAIL, POTNPU_REG_JQ_HEAD, POTNPU_REG_CQ_BASE_LO,
    POTNPU_REG_CQ_BASE_HI, POTNPU_REG_CQ_TAIL, POTNPU_REG_CQ_HEAD,
};

static bool is_wo_reg(uint32_t off)
{
    size_t i;

    for (i = 0; i < ARRAY_SIZE(wo_regs); i++) {
        if (wo_regs[i] == off) {
            return true;
        }
    }
    return false;
}

/*
 * assert_eq(): like g_assert_cmphex(got, ==, want), and checkpatch-clean
 * wherever this file is checked from (QEMU's checkpatch only allows the
 * g_assert_cmp*() family under tests/).
 */
#define assert_eq(got, want) \
    check_eq((got), (want), #got, #want, __LINE__)

static void check_eq(uint64_t got, uint64_t want, const char *got_expr,
                     const char *want_expr, int line)
{
    if (got != want) {
        g_error("%s:%d: %s is 0x%" PRIx64 ", expected %s = 0x%" PRIx64,
                __FILE__, line, got_expr, got, want_expr, want);
    }
}

static char *firmware_args(void)
{
    const char *dirs = g_getenv("POTNPU_QTEST_FIRMWARE_DIRS");
    g_auto(GStrv) dir = g_strsplit(dirs ? dirs : DEFAULT_FIRMWARE_DIRS,
                                   ":", -1);
    GString *args = g_string_new("");
    int i;

    for (i = 0; dir[i]; i++) {
        if (dir[i][0] && g_file_test(dir[i], G_FILE_TEST_IS_DIR)) {
            g_string_append_printf(args, " -L %s", dir[i]);
        }
    }
    return g_string_free(args, false);
}

static void save_fn(QPCIDevice *dev, int devfn, void *data)
{
    QPCIDevice **pdev = data;

    if (devfn == QPCI_DEVFN(POTNPU_SLOT, 0)) {
        g_assert(*pdev == NULL);
        *pdev = dev;
    } else {
        g_free(dev);
    }
}

static QPCIDevice *find_device(QPCIBus *bus)
{
    QPCIDevice *dev = NULL;

    qpci_device_foreach(bus, POTNPU_PCI_VENDOR_ID, POTNPU_PCI_DEVICE_ID,
                        save_fn, &dev);
    g_assert(dev);
    return dev;
}

static void map_device(PotnpuTest *t)
{
    qpci_device_enable(t->dev);
    t->bar = qpci_iomap(t->dev, POTNPU_BAR_REGS, &t->bar_size);
    t->bar4 = qpci_iomap(t->dev, POTNPU_BAR_CORE_MEM, &t->bar4_size);
}

static void start_vm(PotnpuTest *t, const char *extra)
{
    g_autofree char *fw = firmware_args();

    memset(t, 0, sizeof(*t));
    t->qs = qtest_pc_boot("-machine q35 -nodefaults%s"
                          " -device potnpu,addr=%02x.0 %s",
                          fw, POTNPU_SLOT, extra ? extra : "");
    t->qts = t->qs->qts;
    t->dev = find_device(t->qs->pcibus);
    map_device(t);
}

static void stop_vm(PotnpuTest *t)
{
    if (t->dev->msix_enabled) {
        qpci_msix_disable(t->dev);
    }
    qpci_iounmap(t->dev, t->bar);
    qpci_iounmap(t->dev, t->bar4);
    g_free(t->dev);
    qtest_shutdown(t->qs);
}

static uint32_t rd(PotnpuTest *t, uint32_t off)
{
    return qpci_io_readl(t->dev, t->bar, off);
}

static void wr(PotnpuTest *t, uint32_t off, uint32_t val)
{
    qpci_io_writel(t->dev, t->bar, off, val);
}

/* BAR4: the core's memories. */
static uint32_t mem_rd(PotnpuTest *t, uint32_t off)
{
    return qpci_io_readl(t->dev, t->bar4, off);
}

static void mem_wr(PotnpuTest *t, uint32_t off, uint32_t val)
{
    qpci_io_writel(t->dev, t->bar4, off, val);
}

/* Raw access of 1, 2, 4 or 8 bytes at any BAR0 (or BAR4) offset. */
static uint64_t raw_read_bar(PotnpuTest *t, QPCIBar bar, uint32_t off,
                             unsigned size)
{
    uint64_t addr = bar.addr + off;

    switch (size) {
    case 1:
        return qtest_readb(t->qts, addr);
    case 2:
        return qtest_readw(t->qts, addr);
    case 4:
        return qtest_readl(t->qts, addr);
    case 8:
        return qtest_readq(t->qts, addr);
    }
    g_assert_not_reached();
}

static void raw_write_bar(PotnpuTest *t, QPCIBar bar, uint32_t off,
                          unsigned size, uint64_t val)
{
    uint64_t addr = bar.addr + off;

    switch (size) {
    case 1:
        qtest_writeb(t->qts, addr, val);
        return;
    case 2:
        qtest_writew(t->qts, addr, val);
        return;
    case 4:
        qtest_writel(t->qts, addr, val);
        return;
    case 8:
        qtest_writeq(t->qts, addr, val);
        return;
    }
    g_assert_not_reached();
}

static uint64_t raw_read(PotnpuTest *t, uint32_t off, unsigned size)
{
    return raw_read_bar(t, t->bar, off, size);
}

static void raw_write(PotnpuTest *t, uint32_t off, unsigned size,
                      uint64_t val)
{
    raw_write_bar(t, t->bar, off, size, val);
}

static void check_reset_values(PotnpuTest *t)
{
    unsigned i;

    assert_eq(rd(t, POTNPU_REG_ID), POTNPU_ID_MAGIC);
    assert_eq(rd(t, POTNPU_REG_VERSION), POTNPU_HW_VERSION);
    assert_eq(rd(t, POTNPU_REG_CAPS), EXPECT_CAPS);
    assert_eq(rd(t, POTNPU_REG_SCRATCH), 0);
    assert_eq(rd(t, POTNPU_REG_STATUS), POTNPU_STATUS_READY);
    assert_eq(rd(t, POTNPU_REG_IRQ_STATUS), 0);
    assert_eq(rd(t, POTNPU_REG_IRQ_MASK), 0);
    assert_eq(rd(t, POTNPU_REG_PING_DATA), 0);
    assert_eq(rd(t, POTNPU_REG_PING_COUNT), 0);
    /* Every readable register of the 1.1 and 1.2 blocks. */
    for (i = 0; i < ARRAY_SIZE(all_regs); i++) {
        uint32_t off = all_regs[i];

        if (off < POTNPU_REG_CORE_CTRL || is_wo_reg(off)) {
            continue;
        }
        assert_eq(rd(t, off), off == POTNPU_REG_CORE_WDOG_LIMIT ?
                  POTNPU_CORE_WDOG_DEFAULT : 0);
    }
    assert_eq(mem_rd(t, 0), 0);
    assert_eq(mem_rd(t, POTNPU_CORE_DMEM_BASE), 0);
    assert_eq(mem_rd(t, POTNPU_BAR_CORE_MEM_SIZE - 4), 0);
    assert_eq(rd(t, POTNPU_REG_GUEST_ERRORS), 0);
}

/* Give the device state that differs from every reset value. */
static void dirty_device(PotnpuTest *t)
{
    wr(t, POTNPU_REG_SCRATCH, 0xdeadbeef);
    wr(t, POTNPU_REG_IRQ_MASK, POTNPU_IRQ_PING);
    wr(t, POTNPU_REG_PING, 0x1234abcd);
    wr(t, POTNPU_REG_PING, 0x2345bcde);
    wr(t, POTNPU_REG_ID, 0);             /* guest error */
    assert_eq(rd(t, POTNPU_REG_SCRATCH), 0xdeadbeef);
    assert_eq(rd(t, POTNPU_REG_IRQ_STATUS), POTNPU_IRQ_PING);
    assert_eq(rd(t, POTNPU_REG_IRQ_MASK), POTNPU_IRQ_PING);
    assert_eq(rd(t, POTNPU_REG_PING_DATA), 0x2345bcde);
    assert_eq(rd(t, POTNPU_REG_PING_COUNT), 2);
    assert_eq(rd(t, POTNPU_REG_GUEST_ERRORS), 1);
}

/* MSI-X helpers: messages are written into guest RAM, where we look. */

static void msix_setup(PotnpuTest *t)
{
    unsigned v;

    qpci_msix_enable(t->dev);
    for (v = 0; v < POTNPU_MSIX_NUM_VECTORS; v++) {
        uint64_t off = t->dev->msix_table_off + v * PCI_MSIX_ENTRY_SIZE;

        t->msi_addr[v] = guest_alloc(&t->qs->alloc, 4);
        qtest_writel(t->qts, t->msi_addr[v], 0);
        qpci_io_writel(t->dev, t->dev->msix_table_bar,
                       off + PCI_MSIX_ENTRY_LOWER_ADDR,
                       (uint32_t)t->msi_addr[v]);
        qpci_io_writel(t->dev, t->dev->msix_table_bar,
                       off + PCI_MSIX_ENTRY_UPPER_ADDR,
                       (uint32_t)(t->msi_addr[v] >> 32));
        qpci_io_writel(t->dev, t->dev->msix_table_bar,
                       off + PCI_MSIX_ENTRY_DATA, MSI_DATA(v));
    }
}

static void msix_mask_vector(PotnpuTest *t, unsigned v, bool mask)
{
    uint64_t off = t->dev->msix_table_off + v * PCI_MSIX_ENTRY_SIZE;

    qpci_io_writel(t->dev, t->dev->msix_table_bar,
                   off + PCI_MSIX_ENTRY_VECTOR_CTRL,
                   mask ? PCI_MSIX_ENTRY_CTRL_MASKBIT : 0);
}

/* Was a message for vector @v delivered since the last call? */
static bool msi_received(PotnpuTest *t, unsigned v)
{
    uint32_t data = qtest_readl(t->qts, t->msi_addr[v]);

    if (!data) {
        return false;
    }
    assert_eq(data, MSI_DATA(v));
    qtest_writel(t->qts, t->msi_addr[v], 0);
    return true;
}

static void check_no_msi(PotnpuTest *t)
{
    unsigned v;

    for (v = 0; v < POTNPU_MSIX_NUM_VECTORS; v++) {
        g_assert(!msi_received(t, v));
    }
}

static void msix_set_enable(PotnpuTest *t, bool enable)
{
    uint8_t cap = qpci_find_capability(t->dev, PCI_CAP_ID_MSIX, 0);
    uint16_t ctrl = qpci_config_readw(t->dev, cap + PCI_MSIX_FLAGS);

    if (enable) {
        ctrl |= PCI_MSIX_FLAGS_ENABLE;
    } else {
        ctrl &= ~PCI_MSIX_FLAGS_ENABLE;
    }
    qpci_config_writew(t->dev, cap + PCI_MSIX_FLAGS, ctrl);
}

static bool msix_is_enabled(PotnpuTest *t)
{
    uint8_t cap = qpci_find_capability(t->dev, PCI_CAP_ID_MSIX, 0);

    return qpci_config_readw(t->dev, cap + PCI_MSIX_FLAGS) &
           PCI_MSIX_FLAGS_ENABLE;
}

/* Tests */

static void test_pci_config(void)
{
    PotnpuTest t;
    QPCIBar msix_bar;
    uint64_t msix_size;
    uint8_t cap;
    uint32_t table, pba;

    start_vm(&t, NULL);

    assert_eq(qpci_config_readw(t.dev, PCI_VENDOR_ID), POTNPU_PCI_VENDOR_ID);
    assert_eq(qpci_config_readw(t.dev, PCI_DEVICE_ID), POTNPU_PCI_DEVICE_ID);
    assert_eq(qpci_config_readb(t.dev, PCI_REVISION_ID), POTNPU_PCI_REVISION);
    assert_eq(qpci_config_readw(t.dev, PCI_CLASS_DEVICE), POTNPU_PCI_CLASS);
    assert_eq(qpci_config_readb(t.dev, PCI_CLASS_PROG), 0);
    assert_eq(qpci_config_readb(t.dev, PCI_HEADER_TYPE) & 0x7f,
              PCI_HEADER_TYPE_NORMAL);
    /* MSI-X only: no INTx pin. */
    assert_eq(qpci_config_readb(t.dev, PCI_INTERRUPT_PIN), 0);

    /* BAR0: 64 KiB of 32-bit, non-prefetchable memory. */
    assert_eq(t.bar_size, POTNPU_BAR_REGS_SIZE);
    g_assert(!t.bar.is_io);
    assert_eq(qpci_config_readl(t.dev, PCI_BASE_ADDRESS_0) &
              ~PCI_BASE_ADDRESS_MEM_MASK,
              PCI_BASE_ADDRESS_SPACE_MEMORY | PCI_BASE_ADDRESS_MEM_TYPE_32);

    /* BAR1, BAR3 and BAR5 are not implemented. */
    qpci_config_writel(t.dev, PCI_BASE_ADDRESS_1, 0xffffffff);
    assert_eq(qpci_config_readl(t.dev, PCI_BASE_ADDRESS_1), 0);
    qpci_config_writel(t.dev, PCI_BASE_ADDRESS_3, 0xffffffff);
    assert_eq(qpci_config_readl(t.dev, PCI_BASE_ADDRESS_3), 0);
    qpci_config_writel(t.dev, PCI_BASE_ADDRESS_5, 0xffffffff);
    assert_eq(qpci_config_readl(t.dev, PCI_BASE_ADDRESS_5), 0);

    /* BAR4: the core memory window, 128 KiB of 32-bit memory. */
    assert_eq(t.bar4_size, POTNPU_BAR_CORE_MEM_SIZE);
    g_assert(!t.bar4.is_io);
    assert_eq(qpci_config_readl(t.dev, PCI_BASE_ADDRESS_4) &
              ~PCI_BASE_ADDRESS_MEM_MASK,
              PCI_BASE_ADDRESS_SPACE_MEMORY | PCI_BASE_ADDRESS_MEM_TYPE_32);

    /* MSI-X: POTNPU_MSIX_NUM_VECTORS vectors, table and PBA in BAR2. */
    cap = qpci_find_capability(t.dev, PCI_CAP_ID_MSIX, 0);
    g_assert(cap != 0);
    assert_eq(qpci_msix_table_size(t.dev), POTNPU_MSIX_NUM_VECTORS);
    table = qpci_config_readl(t.dev, cap + PCI_MSIX_TABLE);
    pba = qpci_config_readl(t.dev, cap + PCI_MSIX_PBA);
    assert_eq(table & PCI_MSIX_FLAGS_BIRMASK, POTNPU_BAR_MSIX);
    assert_eq(pba & PCI_MSIX_FLAGS_BIRMASK, POTNPU_BAR_MSIX);
    g_assert(!msix_is_enabled(&t));
    msix_bar = qpci_iomap(t.dev, POTNPU_BAR_MSIX, &msix_size);
    g_assert(!msix_bar.is_io);
    g_assert(msix_size >= 4096);

    /* No plain MSI capability. */
    assert_eq(qpci_find_capability(t.dev, PCI_CAP_ID_MSI, 0), 0);

    qpci_iounmap(t.dev, msix_bar);
    stop_vm(&t);
}

static void test_reset_values(void)
{
    PotnpuTest t;

    start_vm(&t, NULL);
    check_reset_values(&t);
    /* Version 1.x of the host interface. */
    assert_eq(POTNPU_VERSION_MAJOR(rd(&t, POTNPU_REG_VERSION)), 1);
    /* Reading defined registers is never a guest error. */
    assert_eq(rd(&t, POTNPU_REG_GUEST_ERRORS), 0);
    stop_vm(&t);
}

static void test_scratch(void)
{
    static const uint32_t patterns[] = {
        0xffffffff, 0x00000000, 0xa5a5a5a5, 0x5a5a5a5a, 0x12345678,
    };
    PotnpuTest t;
    size_t i;

    start_vm(&t, NULL);
    for (i = 0; i < ARRAY_SIZE(patterns); i++) {
        wr(&t, POTNPU_REG_SCRATCH, patterns[i]);
        assert_eq(rd(&t, POTNPU_REG_SCRATCH), patterns[i]);
    }
    for (i = 0; i < 32; i++) {
        wr(&t, POTNPU_REG_SCRATCH, 1u << i);
        assert_eq(rd(&t, POTNPU_REG_SCRATCH), 1u << i);
    }
    /* No side effects anywhere else. */
    assert_eq(rd(&t, POTNPU_REG_ID), POTNPU_ID_MAGIC);
    assert_eq(rd(&t, POTNPU_REG_IRQ_STATUS), 0);
    assert_eq(rd(&t, POTNPU_REG_PING_COUNT), 0);
    assert_eq(rd(&t, POTNPU_REG_GUEST_ERRORS), 0);
    stop_vm(&t);
}

static void test_access_direction(void)
{
    PotnpuTest t;
    uint32_t errors = 0;
    size_t i;

    start_vm(&t, NULL);
    wr(&t, POTNPU_REG_SCRATCH, 0x600dcafe);

    /* Writes to read-only registers change nothing and are counted. */
    for (i = 0; i < ARRAY_SIZE(ro_regs); i++) {
        uint32_t before = rd(&t, ro_regs[i]);

        wr(&t, ro_regs[i], ~before);
        errors++;
        if (ro_regs[i] == POTNPU_REG_GUEST_ERRORS) {
            assert_eq(rd(&t, ro_regs[i]), errors);
        } else {
            assert_eq(rd(&t, ro_regs[i]), before);
        }
    }
    assert_eq(rd(&t, POTNPU_REG_GUEST_ERRORS), errors);

    /* Reads of write-only registers return 0, act on nothing, count. */
    for (i = 0; i < ARRAY_SIZE(wo_regs); i++) {
        assert_eq(rd(&t, wo_regs[i]), 0);
        errors++;
    }
    assert_eq(rd(&t, POTNPU_REG_GUEST_ERRORS), errors);
    assert_eq(rd(&t, POTNPU_REG_PING_COUNT), 0);
    assert_eq(rd(&t, POTNPU_REG_IRQ_STATUS), 0);
    assert_eq(rd(&t, POTNPU_REG_SCRATCH), 0x600dcafe);
    stop_vm(&t);
}

static void test_reset_register(void)
{
    static const uint32_t bad_magic[] = {
        0, 1, 0xffffffff, POTNPU_RESET_MAGIC ^ 1, POTNPU_RESET_MAGIC << 1,
        0x54455352, /* the magic byte-swapped */
    };
    PotnpuTest t;
    size_t i;

    start_vm(&t, NULL);
    dirty_device(&t);

    /* Anything but the magic is a guest error and resets nothing. */
    for (i = 0; i < ARRAY_SIZE(bad_magic); i++) {
        wr(&t, POTNPU_REG_RESET, bad_magic[i]);
    }
    assert_eq(rd(&t, POTNPU_REG_GUEST_ERRORS), 1 + ARRAY_SIZE(bad_magic));
    assert_eq(rd(&t, POTNPU_REG_SCRATCH), 0xdeadbeef);
    assert_eq(rd(&t, POTNPU_REG_IRQ_STATUS), POTNPU_IRQ_PING);
    assert_eq(rd(&t, POTNPU_REG_PING_COUNT), 2);

    /* The magic resets every register, GUEST_ERRORS included. */
    wr(&t, POTNPU_REG_RESET, POTNPU_RESET_MAGIC);
    check_reset_values(&t);

    /* And the device works normally afterwards. */
    wr(&t, POTNPU_REG_PING, 7);
    assert_eq(rd(&t, POTNPU_REG_PING_COUNT), 1);
    assert_eq(rd(&t, POTNPU_REG_PING_DATA), 7);
    assert_eq(rd(&t, POTNPU_REG_IRQ_STATUS), POTNPU_IRQ_PING);

    /* A second reset in a row is fine too. */
    wr(&t, POTNPU_REG_RESET, POTNPU_RESET_MAGIC);
    wr(&t, POTNPU_REG_RESET, POTNPU_RESET_MAGIC);
    check_reset_values(&t);
    stop_vm(&t);
}

static void test_ping(void)
{
    PotnpuTest t;
    uint32_t i;

    start_vm(&t, NULL);
    for (i = 1; i <= 100; i++) {
        wr(&t, POTNPU_REG_PING, i * 0x01010101u);
        assert_eq(rd(&t, POTNPU_REG_PING_COUNT), i);
        assert_eq(rd(&t, POTNPU_REG_PING_DATA), i * 0x01010101u);
    }
    assert_eq(rd(&t, POTNPU_REG_IRQ_STATUS), POTNPU_IRQ_PING);

    /* IRQ_STATUS is write-1-to-clear: zeros and other bits do nothing. */
    wr(&t, POTNPU_REG_IRQ_STATUS, 0);
    assert_eq(rd(&t, POTNPU_REG_IRQ_STATUS), POTNPU_IRQ_PING);
    wr(&t, POTNPU_REG_IRQ_STATUS, ~POTNPU_IRQ_PING);
    assert_eq(rd(&t, POTNPU_REG_IRQ_STATUS), POTNPU_IRQ_PING);
    wr(&t, POTNPU_REG_IRQ_STATUS, POTNPU_IRQ_PING);
    assert_eq(rd(&t, POTNPU_REG_IRQ_STATUS), 0);
    wr(&t, POTNPU_REG_PING, 0);
    assert_eq(rd(&t, POTNPU_REG_IRQ_STATUS), POTNPU_IRQ_PING);
    assert_eq(rd(&t, POTNPU_REG_PING_DATA), 0);
    wr(&t, POTNPU_REG_IRQ_STATUS, 0xffffffff);
    assert_eq(rd(&t, POTNPU_REG_IRQ_STATUS), 0);

    /* IRQ_MASK keeps only the defined source bits. */
    wr(&t, POTNPU_REG_IRQ_MASK, 0xffffffff);
    assert_eq(rd(&t, POTNPU_REG_IRQ_MASK), POTNPU_IRQ_ALL);
    wr(&t, POTNPU_REG_IRQ_MASK, 0);
    assert_eq(rd(&t, POTNPU_REG_IRQ_MASK), 0);

    /* Status is latched whatever the mask says. */
    wr(&t, POTNPU_REG_PING, 1);
    assert_eq(rd(&t, POTNPU_REG_IRQ_STATUS), POTNPU_IRQ_PING);
    assert_eq(rd(&t, POTNPU_REG_GUEST_ERRORS), 0);
    stop_vm(&t);
}

static void test_msix_delivery(void)
{
    PotnpuTest t;

    start_vm(&t, NULL);
    msix_setup(&t);
    msix_mask_vector(&t, POTNPU_MSIX_VEC_PING, false);
    wr(&t, POTNPU_REG_IRQ_MASK, POTNPU_IRQ_PING);

    wr(&t, POTNPU_REG_PING, 0xc0ffee);
    g_assert(msi_received(&t, POTNPU_MSIX_VEC_PING));
    g_assert(!qpci_msix_pending(t.dev, POTNPU_MSIX_VEC_PING));
    assert_eq(rd(&t, POTNPU_REG_IRQ_STATUS), POTNPU_IRQ_PING);

    /* The line is still high: a second ping sends no second message. */
    wr(&t, POTNPU_REG_PING, 0xc0ffef);
    check_no_msi(&t);
    assert_eq(rd(&t, POTNPU_REG_PING_COUNT), 2);

    /* Acknowledge, and the next ping interrupts again. */
    wr(&t, POTNPU_REG_IRQ_STATUS, POTNPU_IRQ_PING);
    check_no_msi(&t);
    wr(&t, POTNPU_REG_PING, 0xc0fff0);
    g_assert(msi_received(&t, POTNPU_MSIX_VEC_PING));
    check_no_msi(&t);
    stop_vm(&t);
}

static void test_msix_irq_mask(void)
{
    PotnpuTest t;

    start_vm(&t, NULL);
    msix_setup(&t);
    msix_mask_vector(&t, POTNPU_MSIX_VEC_PING, false);

    /* Masked in IRQ_MASK (the reset value): status only, no message. */
    wr(&t, POTNPU_REG_PING, 1);
    assert_eq(rd(&t, POTNPU_REG_IRQ_STATUS), POTNPU_IRQ_PING);
    check_no_msi(&t);
    g_assert(!qpci_msix_pending(t.dev, POTNPU_MSIX_VEC_PING));

    /* Enabling the source while its status is set raises the line. */
    wr(&t, POTNPU_REG_IRQ_MASK, POTNPU_IRQ_PING);
    g_assert(msi_received(&t, POTNPU_MSIX_VEC_PING));
    check_no_msi(&t);

    /* Masking and unmasking again with status still set: a new edge. */
    wr(&t, POTNPU_REG_IRQ_MASK, 0);
    wr(&t, POTNPU_REG_IRQ_MASK, POTNPU_IRQ_PING);
    g_assert(msi_received(&t, POTNPU_MSIX_VEC_PING));

    /* An event acknowledged while masked is gone for good. */
    wr(&t, POTNPU_REG_IRQ_MASK, 0);
    wr(&t, POTNPU_REG_IRQ_STATUS, POTNPU_IRQ_PING);
    wr(&t, POTNPU_REG_PING, 2);
    wr(&t, POTNPU_REG_IRQ_STATUS, POTNPU_IRQ_PING);
    wr(&t, POTNPU_REG_IRQ_MASK, POTNPU_IRQ_PING);
    check_no_msi(&t);
    assert_eq(rd(&t, POTNPU_REG_PING_COUNT), 2);
    stop_vm(&t);
}

static void test_msix_vector_masked(void)
{
    PotnpuTest t;

    start_vm(&t, NULL);
    msix_setup(&t);
    wr(&t, POTNPU_REG_IRQ_MASK, POTNPU_IRQ_PING);

    /* Vector masked in the MSI-X table: latched in the PBA. */
    g_assert(qpci_msix_masked(t.dev, POTNPU_MSIX_VEC_PING));
    wr(&t, POTNPU_REG_PING, 1);
    check_no_msi(&t);
    g_assert(qpci_msix_pending(t.dev, POTNPU_MSIX_VEC_PING));

    /* Unmasking the vector delivers the pending message. */
    msix_mask_vector(&t, POTNPU_MSIX_VEC_PING, false);
    g_assert(msi_received(&t, POTNPU_MSIX_VEC_PING));
    g_assert(!qpci_msix_pending(t.dev, POTNPU_MSIX_VEC_PING));

    /* Acknowledging the cause withdraws a pending message. */
    wr(&t, POTNPU_REG_IRQ_STATUS, POTNPU_IRQ_PING);
    msix_mask_vector(&t, POTNPU_MSIX_VEC_PING, true);
    wr(&t, POTNPU_REG_PING, 2);
    g_assert(qpci_msix_pending(t.dev, POTNPU_MSIX_VEC_PING));
    wr(&t, POTNPU_REG_IRQ_STATUS, POTNPU_IRQ_PING);
    g_assert(!qpci_msix_pending(t.dev, POTNPU_MSIX_VEC_PING));
    msix_mask_vector(&t, POTNPU_MSIX_VEC_PING, false);
    check_no_msi(&t);

    /* So does disabling the source in IRQ_MASK. */
    msix_mask_vector(&t, POTNPU_MSIX_VEC_PING, true);
    wr(&t, POTNPU_REG_PING, 3);
    g_assert(qpci_msix_pending(t.dev, POTNPU_MSIX_VEC_PING));
    wr(&t, POTNPU_REG_IRQ_MASK, 0);
    g_assert(!qpci_msix_pending(t.dev, POTNPU_MSIX_VEC_PING));
    msix_mask_vector(&t, POTNPU_MSIX_VEC_PING, false);
    check_no_msi(&t);

    /*
     * And the RESET register: it clears the PBA but leaves the guest's
     * MSI-X setup (enable bit, table) in place.
     */
    wr(&t, POTNPU_REG_IRQ_STATUS, POTNPU_IRQ_PING);
    wr(&t, POTNPU_REG_IRQ_MASK, POTNPU_IRQ_PING);
    msix_mask_vector(&t, POTNPU_MSIX_VEC_PING, true);
    wr(&t, POTNPU_REG_PING, 4);
    g_assert(qpci_msix_pending(t.dev, POTNPU_MSIX_VEC_PING));
    wr(&t, POTNPU_REG_RESET, POTNPU_RESET_MAGIC);
    g_assert(!qpci_msix_pending(t.dev, POTNPU_MSIX_VEC_PING));
    g_assert(msix_is_enabled(&t));
    msix_mask_vector(&t, POTNPU_MSIX_VEC_PING, false);
    check_no_msi(&t);
    check_reset_values(&t);
    wr(&t, POTNPU_REG_IRQ_MASK, POTNPU_IRQ_PING);
    wr(&t, POTNPU_REG_PING, 5);
    g_assert(msi_received(&t, POTNPU_MSIX_VEC_PING));
    stop_vm(&t);
}

static void test_msix_disabled(void)
{
    PotnpuTest t;

    start_vm(&t, NULL);
    msix_setup(&t);
    msix_mask_vector(&t, POTNPU_MSIX_VEC_PING, false);
    msix_set_enable(&t, false);
    wr(&t, POTNPU_REG_IRQ_MASK, POTNPU_IRQ_PING);

    /* No message while MSI-X is off... */
    wr(&t, POTNPU_REG_PING, 1);
    check_no_msi(&t);
    assert_eq(rd(&t, POTNPU_REG_IRQ_STATUS), POTNPU_IRQ_PING);

    /* ...but the event is not lost: enabling MSI-X delivers it. */
    msix_set_enable(&t, true);
    g_assert(msi_received(&t, POTNPU_MSIX_VEC_PING));
    check_no_msi(&t);
    stop_vm(&t);
}

static void test_bad_sizes(void)
{
    static const unsigned sizes[] = { 1, 2, 8 };
    PotnpuTest t;
    uint32_t errors = 0;
    size_t i, j;

    start_vm(&t, NULL);
    wr(&t, POTNPU_REG_SCRATCH, 0x11223344);
    wr(&t, POTNPU_REG_IRQ_MASK, POTNPU_IRQ_PING);

    /* 1, 2 and 8 byte reads of every register: 0, counted. */
    for (i = 0; i < ARRAY_SIZE(all_regs); i++) {
        for (j = 0; j < ARRAY_SIZE(sizes); j++) {
            assert_eq(raw_read(&t, all_regs[i], sizes[j]), 0);
            errors++;
        }
    }
    assert_eq(rd(&t, POTNPU_REG_GUEST_ERRORS), errors);

    /* Misaligned 32-bit and 16-bit reads. */
    for (i = 0; i < ARRAY_SIZE(all_regs); i++) {
        for (j = 1; j < 4; j++) {
            assert_eq(raw_read(&t, all_regs[i] + j, 4), 0);
            errors++;
        }
        assert_eq(raw_read(&t, all_regs[i] + 1, 2), 0);
        errors++;
    }
    assert_eq(rd(&t, POTNPU_REG_GUEST_ERRORS), errors);

    /* Bad-size and misaligned writes have no effect at all. */
    for (j = 0; j < ARRAY_SIZE(sizes); j++) {
        raw_write(&t, POTNPU_REG_SCRATCH, sizes[j], 0xffffffffffffffffull);
        raw_write(&t, POTNPU_REG_PING, sizes[j], 0xff);
        raw_write(&t, POTNPU_REG_IRQ_MASK, sizes[j], 0);
        raw_write(&t, POTNPU_REG_RESET, sizes[j], POTNPU_RESET_MAGIC);
        errors += 4;
    }
    for (j = 1; j < 4; j++) {
        raw_write(&t, POTNPU_REG_SCRATCH + j, 4, 0);
        raw_write(&t, POTNPU_REG_PING + j, 4, 0xff);
        raw_write(&t, POTNPU_REG_RESET + j, 4, POTNPU_RESET_MAGIC);
        raw_write(&t, POTNPU_REG_RESET - j, 4, POTNPU_RESET_MAGIC);
        errors += 4;
    }
    /* An 8-byte write carrying the magic in its low half is no reset. */
    raw_write(&t, POTNPU_REG_RESET, 8, POTNPU_RESET_MAGIC);
    raw_write(&t, POTNPU_REG_SCRATCH, 8,
              ((uint64_t)POTNPU_RESET_MAGIC << 32) | 0x55);
    errors += 2;

    assert_eq(rd(&t, POTNPU_REG_SCRATCH), 0x11223344);
    assert_eq(rd(&t, POTNPU_REG_IRQ_MASK), POTNPU_IRQ_PING);
    assert_eq(rd(&t, POTNPU_REG_PING_COUNT), 0);
    assert_eq(rd(&t, POTNPU_REG_IRQ_STATUS), 0);
    assert_eq(rd(&t, POTNPU_REG_GUEST_ERRORS), errors);

    /* The device still works. */
    wr(&t, POTNPU_REG_PING, 0x77);
    assert_eq(rd(&t, POTNPU_REG_PING_COUNT), 1);
    assert_eq(rd(&t, POTNPU_REG_PING_DATA), 0x77);
    wr(&t, POTNPU_REG_RESET, POTNPU_RESET_MAGIC);
    check_reset_values(&t);
    stop_vm(&t);
}

static void test_bad_offsets(void)
{
    static const uint32_t offsets[] = {
        0x030, 0x034, 0x03c, 0x040, 0x0fc, 0x128, 0x1fc, 0x234, 0x2fc,
        0x320, 0x3fc, 0x424, 0x4fc, 0x500, 0x800, 0xffc, 0x1000, 0x2000,
        0x8000, 0xfff0, 0xfffc,
    };
    PotnpuTest t;
    uint32_t errors = 0;
    size_t i;

    start_vm(&t, NULL);
    wr(&t, POTNPU_REG_SCRATCH, 0xcafef00d);

    for (i = 0; i < ARRAY_SIZE(offsets); i++) {
        wr(&t, offsets[i], 0xffffffff);
        wr(&t, offsets[i], POTNPU_RESET_MAGIC);
        assert_eq(rd(&t, offsets[i]), 0);
        errors += 3;
    }
    assert_eq(rd(&t, POTNPU_REG_GUEST_ERRORS), errors);

    /* A read straddling the end of BAR0: our half is rejected. */
    raw_read(&t, POTNPU_BAR_REGS_SIZE - 2, 4);
    errors++;
    assert_eq(rd(&t, POTNPU_REG_GUEST_ERRORS), errors);

    assert_eq(rd(&t, POTNPU_REG_SCRATCH), 0xcafef00d);
    assert_eq(rd(&t, POTNPU_REG_ID), POTNPU_ID_MAGIC);
    assert_eq(rd(&t, POTNPU_REG_PING_COUNT), 0);
    stop_vm(&t);
}

/* Reference model of the register file for the storm test. */

static void model_error(PotnpuModel *m)
{
    if (m->guest_errors < UINT32_MAX) {
        m->guest_errors++;
    }
}

static void model_reset(PotnpuModel *m)
{
    memset(m, 0, sizeof(*m));
    m->wdog_limit = POTNPU_CORE_WDOG_DEFAULT;
}

static uint64_t model_read(PotnpuModel *m, uint32_t off, unsigned size)
{
    if (size != 4 || (off & 3)) {
        model_error(m);
        return 0;
    }
    switch (off) {
    case POTNPU_REG_ID:
        return POTNPU_ID_MAGIC;
    case POTNPU_REG_VERSION:
        return POTNPU_HW_VERSION;
    case POTNPU_REG_CAPS:
        return EXPECT_CAPS;
    case POTNPU_REG_SCRATCH:
        return m->scratch;
    case POTNPU_REG_STATUS:
        return POTNPU_STATUS_READY;
    case POTNPU_REG_IRQ_STATUS:
        return m->irq_status;
    case POTNPU_REG_IRQ_MASK:
        return m->irq_mask;
    case POTNPU_REG_PING_DATA:
        return m->ping_data;
    case POTNPU_REG_PING_COUNT:
        return m->ping_count;
    case POTNPU_REG_GUEST_ERRORS:
        return m->guest_errors;
    case POTNPU_REG_CORE_CTRL:
        return m->core_ctrl;
    case POTNPU_REG_CORE_STATUS:
        /* Started, but no virtual time passes: it executes nothing. */
        return m->core_ctrl ? POTNPU_CORE_STATUS_RUNNING : 0;
    case POTNPU_REG_CORE_ENTRY:
        return m->core_entry;
    case POTNPU_REG_CORE_PC:
        return m->core_pc;
    case POTNPU_REG_CORE_WDOG_LIMIT:
        return m->wdog_limit;
    case POTNPU_REG_HOST_ABI:
        return m->host_abi;
    case POTNPU_REG_H2F_MSG:
        return m->h2f_msg;
    case POTNPU_REG_H2F_ARG:
        return m->h2f_arg;
    case POTNPU_REG_MMU_CTX_SEL:
        return m->mmu_ctx_sel;
    case POTNPU_REG_MMU_PT_LO:
        return (uint32_t)m->mmu_pt[m->mmu_ctx_sel];
    case POTNPU_REG_MMU_PT_HI:
        return m->mmu_pt[m->mmu_ctx_sel] >> 32;
    case POTNPU_REG_JQ_BASE_LO:
        return m->jq_base_lo;
    case POTNPU_REG_JQ_BASE_HI:
        return m->jq_base_hi;
    case POTNPU_REG_JQ_SIZE:
        return m->jq_size;
    case POTNPU_REG_JQ_TAIL:
        return m->jq_tail;
    case POTNPU_REG_CQ_BASE_LO:
        return m->cq_base_lo;
    case POTNPU_REG_CQ_BASE_HI:
        return m->cq_base_hi;
    case POTNPU_REG_CQ_HEAD:
        return m->cq_head;
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
    case POTNPU_REG_MMU_FAULT_STATUS:
    case POTNPU_REG_MMU_FAULT_ADDR:
    case POTNPU_REG_MMU_FAULT_COUNT:
    case POTNPU_REG_MMU_FAULT_ADDR_HI:
    case POTNPU_REG_JQ_HEAD:
    case POTNPU_REG_CQ_TAIL:
        return 0;
    default:
        model_error(m);
        return 0;
    }
}

/* Returns the interrupt lines the write raises. */
static uint32_t model_write(PotnpuModel *m, uint32_t off, unsigned size,
                            uint64_t val64)
{
    uint32_t old_lines = m->irq_status & m->irq_mask;
    uint32_t val = val64;
    uint64_t *pt = &m->mmu_pt[m->mmu_ctx_sel];

    if (size != 4 || (off & 3)) {
        model_error(m);
        return 0;
    }
    switch (off) {
    case POTNPU_REG_SCRATCH:
        m->scratch = val;
        break;
    case POTNPU_REG_RESET:
        if (val == POTNPU_RESET_MAGIC) {
            model_reset(m);
        } else {
            model_error(m);
        }
        break;
    case POTNPU_REG_IRQ_STATUS:
        m->irq_status &= ~val;
        break;
    case POTNPU_REG_IRQ_MASK:
        m->irq_mask = val & POTNPU_IRQ_ALL;
        break;
    case POTNPU_REG_PING:
        m->ping_data = val;
        m->ping_count++;
        m->irq_status |= POTNPU_IRQ_PING;
        break;
    case POTNPU_REG_CORE_CTRL:
        if (!m->core_ctrl && (val & POTNPU_CORE_CTRL_RUN)) {
            m->core_pc = m->core_entry;
        }
        m->core_ctrl = val & POTNPU_CORE_CTRL_RUN;
        break;
    case POTNPU_REG_CORE_ENTRY:
        if ((val & 3) || val >= POTNPU_CORE_IMEM_SIZE) {
            model_error(m);
        } else {
            m->core_entry = val;
        }
        break;
    case POTNPU_REG_CORE_WDOG_LIMIT:
        m->wdog_limit = val;
        break;
    case POTNPU_REG_HOST_ABI:
        m->host_abi = val;
        break;
    case POTNPU_REG_H2F_MSG:
        m->h2f_msg = val;
        break;
    case POTNPU_REG_H2F_ARG:
        m->h2f_arg = val;
        break;
    case POTNPU_REG_H2F_DOORBELL:
    case POTNPU_REG_MMU_FAULT_STATUS:
        break;
    case POTNPU_REG_MMU_CTX_SEL:
        if (val >= POTNPU_MMU_SLOTS) {
            model_error(m);
        } else {
            m->mmu_ctx_sel = val;
        }
        break;
    case POTNPU_REG_MMU_PT_LO:
        *pt = (*pt & 0xffffffff00000000ull) | (val & ~0xfffu);
        break;
    case POTNPU_REG_MMU_PT_HI:
        *pt = (*pt & 0xffffffffull) | ((uint64_t)val << 32);
        break;
    case POTNPU_REG_MMU_INVALIDATE:
        if (val >= POTNPU_MMU_SLOTS && val != POTNPU_MMU_INVALIDATE_ALL) {
            model_error(m);
        }
        break;
    case POTNPU_REG_JQ_BASE_LO:
        m->jq_base_lo = val;
        break;
    case POTNPU_REG_JQ_BASE_HI:
        m->jq_base_hi = val;
        break;
    case POTNPU_REG_JQ_SIZE:
        m->jq_size = val;
        break;
    case POTNPU_REG_JQ_TAIL:
        m->jq_tail = val;
        break;
    case POTNPU_REG_CQ_BASE_LO:
        m->cq_base_lo = val;
        break;
    case POTNPU_REG_CQ_BASE_HI:
        m->cq_base_hi = val;
        break;
    case POTNPU_REG_CQ_HEAD:
        m->cq_head = val;
        break;
    default:
        model_error(m);
        break;
    }
    return m->irq_status & m->irq_mask & ~old_lines;
}

/* BAR4: 32-bit aligned only; writes only while the core is halted. */
static uint64_t model_mem_read(PotnpuModel *m, uint32_t off, unsigned size)
{
    if (size != 4 || (off & 3)) {
        model_error(m);
        return 0;
    }
    return m->mem[off / 4];
}

static void model_mem_write(PotnpuModel *m, uint32_t off, unsigned size,
                            uint64_t val)
{
    if (size != 4 || (off & 3) || m->core_ctrl) {
        model_error(m);
        return;
    }
    m->mem[off / 4] = val;
}

static void check_model(PotnpuTest *t, PotnpuModel *m)
{
    size_t i;

    for (i = 0; i < ARRAY_SIZE(all_regs); i++) {
        if (!is_wo_reg(all_regs[i])) {
            assert_eq(rd(t, all_regs[i]), model_read(m, all_regs[i], 4));
        }
    }
}

static void test_storm(void)
{
    static const unsigned sizes[] = { 1, 2, 4, 4, 4, 4, 4, 8 };
    PotnpuTest t;
    PotnpuModel *m = g_new0(PotnpuModel, 1);
    GRand *rand = g_rand_new_with_seed(STORM_SEED);
    unsigned messages = 0, resets = 0, starts = 0, mem_writes = 0;
    int i;

    g_test_message("storm: seed 0x%x, %d accesses", STORM_SEED, STORM_OPS);
    model_reset(m);
    start_vm(&t, NULL);
    msix_setup(&t);
    msix_mask_vector(&t, POTNPU_MSIX_VEC_PING, false);

    for (i = 0; i < STORM_OPS; i++) {
        unsigned size = sizes[g_rand_int_range(rand, 0, ARRAY_SIZE(sizes))];
        bool bar4 = g_rand_int_range(rand, 0, 5) == 0;
        uint32_t bar_size = bar4 ? POTNPU_BAR_CORE_MEM_SIZE :
                                   POTNPU_BAR_REGS_SIZE;
        uint32_t off;
        uint64_t val;

        if (bar4) {
            /* A few words at the start of IMEM and DMEM, or anywhere. */
            switch (g_rand_int_range(rand, 0, 3)) {
            case 0:
                off = g_rand_int_range(rand, 0, 64);
                break;
            case 1:
                off = POTNPU_CORE_DMEM_BASE + g_rand_int_range(rand, 0, 64);
                break;
            default:
                off = g_rand_int_range(rand, 0, bar_size);
                break;
            }
        } else {
            switch (g_rand_int_range(rand, 0, 4)) {
            case 0:
            case 1:
                /* A defined register, mostly aligned. */
                off = all_regs[g_rand_int_range(rand, 0,
                                                ARRAY_SIZE(all_regs))];
                if (g_rand_int_range(rand, 0, 4) == 0) {
                    off += g_rand_int_range(rand, 0, 4);
                }
                break;
            case 2:
                /* Near the register blocks. */
                off = g_rand_int_range(rand, 0, 0x500);
                break;
            default:
                /* Anywhere in BAR0. */
                off = g_rand_int_range(rand, 0, bar_size);
                break;
            }
        }
        if (g_rand_boolean(rand)) {
            off &= ~3u;
        }
        if (off + size > bar_size) {
            off = bar_size - size;
        }

        val = ((uint64_t)g_rand_int(rand) << 32) | g_rand_int(rand);
        if (!bar4 && off == POTNPU_REG_RESET &&
            g_rand_int_range(rand, 0, 8) == 0) {
            val = POTNPU_RESET_MAGIC;
        }
        if (!bar4 && off == POTNPU_REG_CORE_CTRL) {
            /* Keep the core halted most of the time. */
            val = g_rand_int_range(rand, 0, 4) == 0;
        }
        if (!bar4 && off == POTNPU_REG_MMU_CTX_SEL &&
            g_rand_boolean(rand)) {
            val = g_rand_int_range(rand, 0, POTNPU_MMU_SLOTS);
        }
        if (!bar4 && off == POTNPU_REG_CORE_ENTRY && g_rand_boolean(rand)) {
            val = g_rand_int_range(rand, 0, POTNPU_CORE_IMEM_SIZE) & ~3u;
        }

        if (g_rand_int_range(rand, 0, 3) == 0) {
            uint64_t expect = bar4 ? model_mem_read(m, off, size) :
                                     model_read(m, off, size);

            assert_eq(raw_read_bar(&t, bar4 ? t.bar4 : t.bar, off, size),
                      expect);
        } else if (bar4) {
            uint32_t before = m->guest_errors;

            model_mem_write(m, off, size, val);
            raw_write_bar(&t, t.bar4, off, size, val);
            mem_writes += m->guest_errors == before;
        } else {
            uint32_t lines = model_write(m, off, size, val);

            raw_write(&t, off, size, val);
            if (off == POTNPU_REG_RESET && size == 4 &&
                (uint32_t)val == POTNPU_RESET_MAGIC) {
                resets++;
            }
            if (off == POTNPU_REG_CORE_CTRL && size == 4 && (val & 1)) {
                starts++;
            }
            assert_eq(msi_received(&t, POTNPU_MSIX_VEC_PING),
                      !!(lines & POTNPU_IRQ_PING));
            messages += !!(lines & POTNPU_IRQ_PING);
        }
    }
    g_test_message("storm: %u messages, %u resets, %u core starts, "
                   "%u BAR4 writes, %u guest errors",
                   messages, resets, starts, mem_writes, m->guest_errors);
    g_assert(messages > 0);
    g_assert(resets > 0);
    g_assert(starts > 0);
    g_assert(mem_writes > 0);

    /* QEMU is alive, the device matches the model and still works. */
    check_model(&t, m);
    for (i = 0; i < 64; i += 4) {
        assert_eq(mem_rd(&t, i), m->mem[i / 4]);
        assert_eq(mem_rd(&t, POTNPU_CORE_DMEM_BASE + i),
                  m->mem[(POTNPU_CORE_DMEM_BASE + i) / 4]);
    }
    check_no_msi(&t);
    wr(&t, POTNPU_REG_RESET, POTNPU_RESET_MAGIC);
    check_reset_values(&t);
    wr(&t, POTNPU_REG_IRQ_MASK, POTNPU_IRQ_PING);
    wr(&t, POTNPU_REG_PING, 0x5105);
    g_assert(msi_received(&t, POTNPU_MSIX_VEC_PING));
    assert_eq(rd(&t, POTNPU_REG_PING_DATA), 0x5105);

    g_rand_free(rand);
    g_free(m);
    stop_vm(&t);
}

/*
 * Control core tests. Programs are assembled by a tiny RV32I encoder,
 * loaded into IMEM through BAR4 and run by stepping the virtual clock.
 * Registers x1-x25 belong to the test program, x26-x31 to the shared trap
 * handler. Results go to DMEM, read back through BAR4.
 */

#define SLICE_NS            (100 * 1000)    /* default slice-us */
#define SLICE_INSNS         2000            /* default slice-insns */
#define RUN_NS              (2 * 1000 * 1000)

#define IO_BASE_HI          (POTNPU_CORE_IO_BASE >> 12)
#define HANDLER_ADDR        0x800
/* DMEM layout used by the handler: count, resume PC, log of traps. */
#define D_TRAP_COUNT        0x100
#define D_TRAP_RESUME       0x104
#define D_TRAP_LOG          0x200           /* 16 bytes per trap */
#define D_DATA              0x1000

#define STATUS_PARKED       (POTNPU_CORE_STATUS_RUNNING | \
                             POTNPU_CORE_STATUS_WFI)

enum {
    X0, RA, X2, X3, X4, X5, X6, X7, S0, X9, X10, X11, X12, X13, X14, X15,
    X16, X17, X18, X19, X20, X21, X22, X23, X24, X25,
    H26, H27, H28, H29, H30, H31,
};

#define CSR_MSTATUS         0x300
#define CSR_MISA            0x301
#define CSR_MIE             0x304
#define CSR_MTVEC           0x305
#define CSR_MSCRATCH        0x340
#define CSR_MEPC            0x341
#define CSR_MCAUSE          0x342
#define CSR_MTVAL           0x343
#define CSR_MIP             0x344
#define CSR_CYCLE           0xc00
#define CSR_INSTRET         0xc02
#define CSR_INSTRETH        0xc82
#define CSR_MVENDORID       0xf11
#define CSR_MARCHID         0xf12
#define CSR_MIMPID          0xf13
#define CSR_MHARTID         0xf14

static uint32_t enc_r(uint32_t f7, int rs2, int rs1, uint32_t f3, int rd,
                      uint32_t op)
{
    return f7 << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | rd << 7 | op;
}

static uint32_t enc_i(int32_t imm, int rs1, uint32_t f3, int rd, uint32_t op)
{
    return ((uint32_t)imm & 0xfff) << 20 | rs1 << 15 | f3 << 12 | rd << 7 |
           op;
}

static uint32_t enc_s(int32_t imm, int rs2, int rs1, uint32_t f3)
{
    uint32_t u = imm;

    return ((u >> 5) & 0x7f) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 |
           (u & 0x1f) << 7 | 0x23;
}

static uint32_t enc_b(int32_t imm, int rs2, int rs1, uint32_t f3)
{
    uint32_t u = imm;

    return ((u >> 12) & 1) << 31 | ((u >> 5) & 0x3f) << 25 | rs2 << 20 |
           rs1 << 15 | f3 << 12 | ((u >> 1) & 0xf) << 8 |
           ((u >> 11) & 1) << 7 | 0x63;
}

static uint32_t enc_j(int32_t imm, int rd)
{
    uint32_t u = imm;

    return ((u >> 20) & 1) << 31 | ((u >> 1) & 0x3ff) << 21 |
           ((u >> 11) & 1) << 20 | ((u >> 12) & 0xff) << 12 | rd << 7 | 0x6f;
}

#define LUI(rd, hi)         ((uint32_t)(hi) << 12 | (rd) << 7 | 0x37)
#define AUIPC(rd, hi)       ((uint32_t)(hi) << 12 | (rd) << 7 | 0x17)
#define JAL(rd, off)        enc_j(off, rd)
#define JALR(rd, rs1, imm)  enc_i(imm, rs1, 0, rd, 0x67)
#define BEQ(a, b, off)      enc_b(off, b, a, 0)
#define BNE(a, b, off)      enc_b(off, b, a, 1)
#define BLT(a, b, off)      enc_b(off, b, a, 4)
#define BGE(a, b, off)      enc_b(off, b, a, 5)
#define BLTU(a, b, off)     enc_b(off, b, a, 6)
#define BGEU(a, b, off)     enc_b(off, b, a, 7)
#define LB(rd, rs1, imm)    enc_i(imm, rs1, 0, rd, 0x03)
#define LH(rd, rs1, imm)    enc_i(imm, rs1, 1, rd, 0x03)
#define LW(rd, rs1, imm)    enc_i(imm, rs1, 2, rd, 0x03)
#define LBU(rd, rs1, imm)   enc_i(imm, rs1, 4, rd, 0x03)
#define LHU(rd, rs1, imm)   enc_i(imm, rs1, 5, rd, 0x03)
#define SB(rs2, rs1, imm)   enc_s(imm, rs2, rs1, 0)
#define SH(rs2, rs1, imm)   enc_s(imm, rs2, rs1, 1)
#define SW(rs2, rs1, imm)   enc_s(imm, rs2, rs1, 2)
#define ADDI(rd, rs1, imm)  enc_i(imm, rs1, 0, rd, 0x13)
#define SLTI(rd, rs1, imm)  enc_i(imm, rs1, 2, rd, 0x13)
#define SLTIU(rd, rs1, imm) enc_i(imm, rs1, 3, rd, 0x13)
#define XORI(rd, rs1, imm)  enc_i(imm, rs1, 4, rd, 0x13)
#define ORI(rd, rs1, imm)   enc_i(imm, rs1, 6, rd, 0x13)
#define ANDI(rd, rs1, imm)  enc_i(imm, rs1, 7, rd, 0x13)
#define SLLI(rd, rs1, sh)   enc_i(sh, rs1, 1, rd, 0x13)
#define SRLI(rd, rs1, sh)   enc_i(sh, rs1, 5, rd, 0x13)
#define SRAI(rd, rs1, sh)   enc_i(0x400 | (sh), rs1, 5, rd, 0x13)
#define ADD(rd, a, b)       enc_r(0, b, a, 0, rd, 0x33)
#define SUB(rd, a, b)       enc_r(0x20, b, a, 0, rd, 0x33)
#define SLL(rd, a, b)       enc_r(0, b, a, 1, rd, 0x33)
#define SLT(rd, a, b)       enc_r(0, b, a, 2, rd, 0x33)
#define SLTU(rd, a, b)      enc_r(0, b, a, 3, rd, 0x33)
#define XOR(rd, a, b)       enc_r(0, b, a, 4, rd, 0x33)
#define SRL(rd, a, b)       enc_r(0, b, a, 5, rd, 0x33)
#define SRA(rd, a, b)       enc_r(0x20, b, a, 5, rd, 0x33)
#define OR(rd, a, b)        enc_r(0, b, a, 6, rd, 0x33)
#define AND(rd, a, b)       enc_r(0, b, a, 7, rd, 0x33)
#define MUL(rd, a, b)       enc_r(1, b, a, 0, rd, 0x33)
#define CSRRW(rd, csr, rs1) enc_i(csr, rs1, 1, rd, 0x73)
#define CSRRS(rd, csr, rs1) enc_i(csr, rs1, 2, rd, 0x73)
#define CSRRC(rd, csr, rs1) enc_i(csr, rs1, 3, rd, 0x73)
#define CSRRWI(rd, csr, ui) enc_i(csr, ui, 5, rd, 0x73)
#define CSRRSI(rd, csr, ui) enc_i(csr, ui, 6, rd, 0x73)
#define CSRRCI(rd, csr, ui) enc_i(csr, ui, 7, rd, 0x73)
#define ECALL               0x00000073u
#define EBREAK              0x00100073u
#define MRET                0x30200073u
#define WFI                 0x10500073u
#define FENCE               0x0ff0000fu

#define PROG_WORDS          1024

typedef struct Prog {
    uint32_t w[PROG_WORDS];
    unsigned n;         /* next word */
    unsigned end;       /* words to load */
} Prog;

static uint32_t emit(Prog *p, uint32_t insn)
{
    uint32_t addr = p->n * 4;

    g_assert(p->n < PROG_WORDS);
    p->w[p->n++] = insn;
    p->end = MAX(p->end, p->n);
    return addr;
}

static uint32_t here(Prog *p)
{
    return p->n * 4;
}

/* Patch a branch or jump at @at to go to the current position. */
static void patch_b(Prog *p, uint32_t at, uint32_t insn_with_zero_off)
{
    uint32_t off = here(p) - at;

    if ((insn_with_zero_off & 0x7f) == 0x6f) {
        p->w[at / 4] = insn_with_zero_off | enc_j(off, 0);
    } else {
        p->w[at / 4] = insn_with_zero_off | enc_b(off, 0, 0, 0);
    }
}

static void li(Prog *p, int rd, uint32_t val)
{
    int32_t sv = val;
    uint32_t hi;
    int32_t lo;

    if (sv >= -2048 && sv < 2048) {
        emit(p, ADDI(rd, X0, sv));
        return;
    }
    hi = (val + 0x800) >> 12;
    lo = (int32_t)(val - (hi << 12));
    emit(p, LUI(rd, hi & 0xfffff));
    if (lo) {
        emit(p, ADDI(rd, rd, lo));
    }
}

/* s0 = DMEM base, x25 = CORE_IO base; with @handler, mtvec = handler. */
static void prologue(Prog *p, bool handler)
{
    memset(p, 0, sizeof(*p));
    if (handler) {
        li(p, RA, HANDLER_ADDR);
        emit(p, CSRRW(X0, CSR_MTVEC, RA));
    }
    emit(p, LUI(S0, POTNPU_CORE_DMEM_BASE >> 12));
    emit(p, LUI(X25, IO_BASE_HI));
}

/* Wait forever: parks the core while no interrupt is enabled. */
static uint32_t park(Prog *p)
{
    uint32_t at = emit(p, WFI);

    emit(p, JAL(X0, -4));
    return at;
}

/*
 * The trap handler: logs mcause, mepc and mtval at D_TRAP_LOG, counts
 * traps at D_TRAP_COUNT. Exceptions resume at D_TRAP_RESUME if set (once),
 * else at mepc + 4. Interrupts disarm the timer, clear every event and
 * resume at mepc.
 */
static void emit_handler(Prog *p)
{
    unsigned save = p->n;
    uint32_t b_irq, b_noresume;

    p->n = HANDLER_ADDR / 4;
    emit(p, LUI(H31, POTNPU_CORE_DMEM_BASE >> 12));
    emit(p, LW(H30, H31, D_TRAP_COUNT));
    emit(p, SLLI(H29, H30, 4));
    emit(p, ADD(H29, H29, H31));
    emit(p, CSRRS(H28, CSR_MEPC, X0));
    emit(p, SW(H28, H29, D_TRAP_LOG + 4));
    emit(p, CSRRS(H28, CSR_MTVAL, X0));
    emit(p, SW(H28, H29, D_TRAP_LOG + 8));
    emit(p, CSRRS(H28, CSR_MCAUSE, X0));
    emit(p, SW(H28, H29, D_TRAP_LOG));
    emit(p, ADDI(H30, H30, 1));
    emit(p, SW(H30, H31, D_TRAP_COUNT));
    b_irq = emit(p, 0);
    emit(p, LW(H28, H31, D_TRAP_RESUME));
    b_noresume = emit(p, 0);
    emit(p, SW(X0, H31, D_TRAP_RESUME));
    emit(p, CSRRW(X0, CSR_MEPC, H28));
    emit(p, MRET);
    patch_b(p, b_noresume, BEQ(H28, X0, 0));
    emit(p, CSRRS(H28, CSR_MEPC, X0));
    emit(p, ADDI(H28, H28, 4));
    emit(p, CSRRW(X0, CSR_MEPC, H28));
    emit(p, MRET);
    patch_b(p, b_irq, BLT(H28, X0, 0));
    emit(p, LUI(H28, IO_BASE_HI));
    emit(p, ADDI(H30, X0, -1));
    emit(p, SW(H30, H28, POTNPU_IO_TIMECMP_HI));
    emit(p, SW(H30, H28, POTNPU_IO_TIMECMP_LO));
    emit(p, SW(H30, H28, POTNPU_IO_EVENTS));
    emit(p, MRET);
    p->n = save;
}

static uint32_t dmem(PotnpuTest *t, uint32_t off)
{
    return mem_rd(t, POTNPU_CORE_DMEM_BASE + off);
}

static void dmem_wr(PotnpuTest *t, uint32_t off, uint32_t val)
{
    mem_wr(t, POTNPU_CORE_DMEM_BASE + off, val);
}

static void step(PotnpuTest *t, int64_t ns)
{
    qtest_clock_step(t->qts, ns);
}

/* Halt the core and load @p into IMEM. */
static void core_load(PotnpuTest *t, Prog *p)
{
    unsigned i;

    wr(t, POTNPU_REG_CORE_CTRL, 0);
    for (i = 0; i < p->end; i++) {
        mem_wr(t, i * 4, p->w[i]);
    }
}

static void core_start(PotnpuTest *t, uint32_t entry)
{
    wr(t, POTNPU_REG_CORE_ENTRY, entry);
    wr(t, POTNPU_REG_CORE_CTRL, POTNPU_CORE_CTRL_RUN);
}

/* Load, start at 0, run until it parks. */
static void core_run(PotnpuTest *t, Prog *p)
{
    core_load(t, p);
    core_start(t, 0);
    step(t, RUN_NS);
    assert_eq(rd(t, POTNPU_REG_CORE_STATUS), STATUS_PARKED);
}

static void check_trap(PotnpuTest *t, unsigned i, uint32_t cause,
                       uint32_t epc, uint32_t tval)
{
    assert_eq(dmem(t, D_TRAP_LOG + 16 * i), cause);
    assert_eq(dmem(t, D_TRAP_LOG + 16 * i + 4), epc);
    assert_eq(dmem(t, D_TRAP_LOG + 16 * i + 8), tval);
}

static void test_core_alu(void)
{
    PotnpuTest t;
    Prog p;

    start_vm(&t, NULL);
    prologue(&p, false);
    li(&p, RA, 0x7fffffff);
    li(&p, X2, 0x80000000);
    li(&p, X3, 0xffffffff);
    li(&p, X4, 5);
    emit(&p, ADD(X5, RA, X4));
    emit(&p, SW(X5, S0, 0));
    emit(&p, SUB(X5, X2, X4));
    emit(&p, SW(X5, S0, 4));
    emit(&p, SLT(X5, X2, RA));
    emit(&p, SW(X5, S0, 8));
    emit(&p, SLTU(X5, X2, RA));
    emit(&p, SW(X5, S0, 12));
    emit(&p, SLT(X5, X3, X0));
    emit(&p, SW(X5, S0, 16));
    emit(&p, SLTU(X5, X0, X3));
    emit(&p, SW(X5, S0, 20));
    emit(&p, SLTI(X5, X3, 0));
    emit(&p, SW(X5, S0, 24));
    emit(&p, SLTIU(X5, X4, -1));
    emit(&p, SW(X5, S0, 28));
    emit(&p, SLL(X5, X3, X4));
    emit(&p, SW(X5, S0, 32));
    emit(&p, SRL(X5, X3, X4));
    emit(&p, SW(X5, S0, 36));
    emit(&p, SRA(X5, X2, X4));
    emit(&p, SW(X5, S0, 40));
    li(&p, X6, 36);                 /* shift amounts use 5 bits */
    emit(&p, SLL(X5, X4, X6));
    emit(&p, SW(X5, S0, 44));
    emit(&p, SRAI(X5, X2, 31));
    emit(&p, SW(X5, S0, 48));
    emit(&p, SRLI(X5, X2, 31));
    emit(&p, SW(X5, S0, 52));
    emit(&p, SLLI(X5, X4, 31));
    emit(&p, SW(X5, S0, 56));
    emit(&p, XOR(X5, RA, X3));
    emit(&p, SW(X5, S0, 60));
    emit(&p, OR(X5, X4, X2));
    emit(&p, SW(X5, S0, 64));
    emit(&p, AND(X5, X3, X4));
    emit(&p, SW(X5, S0, 68));
    emit(&p, XORI(X5, X4, -1));
    emit(&p, SW(X5, S0, 72));
    emit(&p, ORI(X5, X0, 0x7ff));
    emit(&p, SW(X5, S0, 76));
    emit(&p, ANDI(X5, X3, -2048));
    emit(&p, SW(X5, S0, 80));
    /* x0 is hardwired. */
    emit(&p, ADDI(X0, X0, 5));
    emit(&p, ADD(X0, RA, RA));
    emit(&p, LUI(X0, 1));
    emit(&p, LW(X0, S0, 0));
    emit(&p, SW(X0, S0, 84));
    emit(&p, ADD(X5, X0, X0));
    emit(&p, SW(X5, S0, 88));
    emit(&p, ADDI(X5, X3, -2048));
    emit(&p, SW(X5, S0, 92));
    emit(&p, SRA(X5, RA, X4));
    emit(&p, SW(X5, S0, 96));
    emit(&p, SLT(X5, RA, X2));
    emit(&p, SW(X5, S0, 100));
    emit(&p, SLTU(X5, RA, X2));
    emit(&p, SW(X5, S0, 104));
    emit(&p, FENCE);
    park(&p);
    dmem_wr(&t, 84, 0xdead);
    core_run(&t, &p);

    assert_eq(dmem(&t, 0), 0x80000004);
    assert_eq(dmem(&t, 4), 0x7ffffffb);
    assert_eq(dmem(&t, 8), 1);
    assert_eq(dmem(&t, 12), 0);
    assert_eq(dmem(&t, 16), 1);
    assert_eq(dmem(&t, 20), 1);
    assert_eq(dmem(&t, 24), 1);
    assert_eq(dmem(&t, 28), 1);
    assert_eq(dmem(&t, 32), 0xffffffe0);
    assert_eq(dmem(&t, 36), 0x07ffffff);
    assert_eq(dmem(&t, 40), 0xfc000000);
    assert_eq(dmem(&t, 44), 80);
    assert_eq(dmem(&t, 48), 0xffffffff);
    assert_eq(dmem(&t, 52), 1);
    assert_eq(dmem(&t, 56), 0x80000000);
    assert_eq(dmem(&t, 60), 0x80000000);
    assert_eq(dmem(&t, 64), 0x80000005);
    assert_eq(dmem(&t, 68), 5);
    assert_eq(dmem(&t, 72), 0xfffffffa);
    assert_eq(dmem(&t, 76), 0x7ff);
    assert_eq(dmem(&t, 80), 0xfffff800);
    assert_eq(dmem(&t, 84), 0);
    assert_eq(dmem(&t, 88), 0);
    assert_eq(dmem(&t, 92), 0xfffff7ff);
    assert_eq(dmem(&t, 96), 0x03ffffff);
    assert_eq(dmem(&t, 100), 0);
    assert_eq(dmem(&t, 104), 1);
    assert_eq(rd(&t, POTNPU_REG_GUEST_ERRORS), 0);
    assert_eq(rd(&t, POTNPU_REG_IRQ_STATUS), 0);
    stop_vm(&t);
}

static void test_core_load_store(void)
{
    PotnpuTest t;
    Prog p;

    start_vm(&t, NULL);
    prologue(&p, false);
    li(&p, RA, 0x80ff7f01);
    emit(&p, SW(RA, S0, 0x200));
    emit(&p, LB(X5, S0, 0x200));
    emit(&p, SW(X5, S0, 0));
    emit(&p, LB(X5, S0, 0x201));
    emit(&p, SW(X5, S0, 4));
    emit(&p, LB(X5, S0, 0x202));
    emit(&p, SW(X5, S0, 8));
    emit(&p, LB(X5, S0, 0x203));
    emit(&p, SW(X5, S0, 12));
    emit(&p, LBU(X5, S0, 0x203));
    emit(&p, SW(X5, S0, 16));
    emit(&p, LH(X5, S0, 0x200));
    emit(&p, SW(X5, S0, 20));
    emit(&p, LH(X5, S0, 0x202));
    emit(&p, SW(X5, S0, 24));
    emit(&p, LHU(X5, S0, 0x202));
    emit(&p, SW(X5, S0, 28));
    emit(&p, LW(X5, S0, 0x200));
    emit(&p, SW(X5, S0, 32));
    /* Narrow stores touch only their bytes. */
    li(&p, X6, 0xffffffff);
    emit(&p, SW(X6, S0, 0x210));
    emit(&p, SW(X6, S0, 0x214));
    emit(&p, SB(RA, S0, 0x211));
    emit(&p, SH(RA, S0, 0x216));
    /* Negative offsets; a load from IMEM. */
    emit(&p, ADDI(X7, S0, 0x300));
    emit(&p, LW(X5, X7, -0x100));
    emit(&p, SW(X5, S0, 36));
    emit(&p, LW(X5, X0, 4));
    emit(&p, SW(X5, S0, 40));
    emit(&p, LHU(X5, X0, 6));
    emit(&p, SW(X5, S0, 44));
    /* DMEM's last word. */
    li(&p, X7, POTNPU_CORE_DMEM_BASE + POTNPU_CORE_DMEM_SIZE - 4);
    emit(&p, SW(RA, X7, 0));
    emit(&p, LBU(X5, X7, 3));
    emit(&p, SW(X5, S0, 48));
    park(&p);
    core_run(&t, &p);

    assert_eq(dmem(&t, 0), 0x01);
    assert_eq(dmem(&t, 4), 0x7f);
    assert_eq(dmem(&t, 8), 0xffffffff);
    assert_eq(dmem(&t, 12), 0xffffff80);
    assert_eq(dmem(&t, 16), 0x80);
    assert_eq(dmem(&t, 20), 0x7f01);
    assert_eq(dmem(&t, 24), 0xffff80ff);
    assert_eq(dmem(&t, 28), 0x80ff);
    assert_eq(dmem(&t, 32), 0x80ff7f01);
    assert_eq(dmem(&t, 0x210), 0xffff01ff);
    assert_eq(dmem(&t, 0x214), 0x7f01ffff);
    assert_eq(dmem(&t, 36), 0x80ff7f01);
    assert_eq(dmem(&t, 40), p.w[1]);
    assert_eq(dmem(&t, 44), p.w[1] >> 16);
    assert_eq(dmem(&t, 48), 0x80);
    assert_eq(dmem(&t, POTNPU_CORE_DMEM_SIZE - 4), 0x80ff7f01);
    stop_vm(&t);
}

static void test_core_branch_jump(void)
{
    static const struct {
        uint32_t f3;
        int a, b;
        bool taken;
    } br[] = {
        { 0, RA, RA, true }, { 0, RA, X2, false },
        { 1, RA, X2, true }, { 1, RA, RA, false },
        { 4, RA, X2, true }, { 4, X2, RA, false }, { 4, RA, RA, false },
        { 5, X2, RA, true }, { 5, RA, RA, true }, { 5, RA, X2, false },
        { 6, X2, RA, true }, { 6, RA, X2, false }, { 6, RA, RA, false },
        { 7, RA, X2, true }, { 7, RA, RA, true }, { 7, X2, RA, false },
    };
    PotnpuTest t;
    Prog p;
    uint32_t jal_at, auipc_at, auipc2_at, loop;
    size_t i;

    start_vm(&t, NULL);
    prologue(&p, false);
    li(&p, RA, 0xffffffff);         /* -1, or the largest unsigned */
    li(&p, X2, 1);
    for (i = 0; i < ARRAY_SIZE(br); i++) {
        emit(&p, ADDI(X10, X0, 0));
        emit(&p, enc_b(8, br[i].b, br[i].a, br[i].f3));
        emit(&p, ADDI(X10, X10, 1));
        emit(&p, SW(X10, S0, 4 * i));
    }
    /* A backward loop: ten iterations. */
    li(&p, X3, 10);
    li(&p, X4, 0);
    loop = emit(&p, ADDI(X4, X4, 1));
    emit(&p, ADDI(X3, X3, -1));
    emit(&p, BNE(X3, X0, loop - here(&p)));
    emit(&p, SW(X4, S0, 0x80));
    /* JAL links the next address and skips one instruction. */
    jal_at = emit(&p, JAL(X5, 8));
    emit(&p, SW(X5, S0, 0x88));     /* skipped */
    emit(&p, SW(X5, S0, 0x84));
    /* JALR: target (rs1 + imm) & ~1, link, rd == rs1 allowed. */
    auipc_at = emit(&p, AUIPC(X6, 0));
    emit(&p, JALR(X7, X6, 13));     /* to auipc_at + 12 */
    emit(&p, SW(X6, S0, 0x8c));     /* skipped */
    emit(&p, SW(X7, S0, 0x90));
    emit(&p, AUIPC(X6, 0));
    emit(&p, JALR(X6, X6, 12));     /* rd == rs1: to +12 */
    emit(&p, SW(X0, S0, 0x94));     /* skipped */
    emit(&p, SW(X6, S0, 0x98));
    emit(&p, LUI(X9, 0xabcde));
    emit(&p, SW(X9, S0, 0x9c));
    auipc2_at = emit(&p, AUIPC(X9, 0xfffff));
    emit(&p, SW(X9, S0, 0xa0));
    park(&p);
    dmem_wr(&t, 0x88, 0x5a5a);
    dmem_wr(&t, 0x8c, 0x5a5a);
    dmem_wr(&t, 0x94, 0x5a5a);
    core_run(&t, &p);

    for (i = 0; i < ARRAY_SIZE(br); i++) {
        assert_eq(dmem(&t, 4 * i), br[i].taken ? 0 : 1);
    }
    assert_eq(dmem(&t, 0x80), 10);
    assert_eq(dmem(&t, 0x84), jal_at + 4);
    assert_eq(dmem(&t, 0x88), 0x5a5a);
    assert_eq(dmem(&t, 0x8c), 0x5a5a);
    assert_eq(dmem(&t, 0x90), auipc_at + 8);
    assert_eq(dmem(&t, 0x94), 0x5a5a);
    assert_eq(dmem(&t, 0x98), auipc_at + 24);
    assert_eq(dmem(&t, 0x9c), 0xabcde000);
    assert_eq(dmem(&t, 0xa0), auipc2_at + 0xfffff000);
    stop_vm(&t);
}

static void test_core_csr(void)
{
    PotnpuTest t;
    Prog p;

    start_vm(&t, NULL);
    prologue(&p, false);
    li(&p, RA, 0x12345678);
    emit(&p, CSRRW(X0, CSR_MSCRATCH, RA));
    li(&p, X2, 0xff);
    emit(&p, CSRRS(X3, CSR_MSCRATCH, X2));
    emit(&p, SW(X3, S0, 0));                    /* old value */
    emit(&p, CSRRC(X3, CSR_MSCRATCH, RA));
    emit(&p, SW(X3, S0, 4));                    /* 0x123456ff */
    emit(&p, CSRRS(X3, CSR_MSCRATCH, X0));
    emit(&p, SW(X3, S0, 8));                    /* 0x87 */
    emit(&p, CSRRWI(X3, CSR_MSCRATCH, 0x1f));
    emit(&p, CSRRSI(X3, CSR_MSCRATCH, 0x20 - 1));
    emit(&p, CSRRCI(X3, CSR_MSCRATCH, 3));
    emit(&p, CSRRS(X3, CSR_MSCRATCH, X0));
    emit(&p, SW(X3, S0, 12));                   /* 0x1c */
    emit(&p, CSRRS(X3, CSR_MISA, X0));
    emit(&p, SW(X3, S0, 16));
    emit(&p, CSRRW(X0, CSR_MISA, X0));          /* WARL: ignored */
    emit(&p, CSRRS(X3, CSR_MISA, X0));
    emit(&p, SW(X3, S0, 20));
    emit(&p, CSRRS(X3, CSR_MHARTID, X0));
    emit(&p, SW(X3, S0, 24));
    li(&p, X2, 0xffffffff);
    emit(&p, CSRRW(X0, CSR_MSTATUS, X2));
    emit(&p, CSRRS(X3, CSR_MSTATUS, X0));
    emit(&p, SW(X3, S0, 28));                   /* MIE, MPIE, MPP */
    emit(&p, CSRRW(X0, CSR_MSTATUS, X0));
    emit(&p, CSRRW(X0, CSR_MIE, X2));
    emit(&p, CSRRS(X3, CSR_MIE, X0));
    emit(&p, SW(X3, S0, 32));                   /* MTIE, MEIE only */
    emit(&p, CSRRW(X0, CSR_MIE, X0));
    emit(&p, CSRRW(X0, CSR_MIP, X2));           /* read only bits */
    emit(&p, CSRRS(X3, CSR_MIP, X0));
    emit(&p, SW(X3, S0, 36));
    emit(&p, CSRRW(X0, CSR_MTVEC, X2));
    emit(&p, CSRRS(X3, CSR_MTVEC, X0));
    emit(&p, SW(X3, S0, 40));                   /* direct mode only */
    emit(&p, CSRRW(X0, CSR_MTVEC, X0));
    emit(&p, CSRRW(X0, CSR_MEPC, X2));
    emit(&p, CSRRS(X3, CSR_MEPC, X0));
    emit(&p, SW(X3, S0, 44));
    /* instret counts retired instructions; cycle is the same. */
    emit(&p, CSRRS(X3, CSR_INSTRET, X0));
    emit(&p, ADDI(X0, X0, 0));
    emit(&p, ADDI(X0, X0, 0));
    emit(&p, CSRRS(X4, CSR_INSTRET, X0));
    emit(&p, SUB(X4, X4, X3));
    emit(&p, SW(X4, S0, 48));
    emit(&p, CSRRS(X3, CSR_CYCLE, X0));
    emit(&p, CSRRS(X4, CSR_INSTRET, X0));
    emit(&p, SUB(X4, X4, X3));
    emit(&p, SW(X4, S0, 52));
    emit(&p, CSRRS(X3, CSR_INSTRETH, X0));
    emit(&p, SW(X3, S0, 56));
    emit(&p, LW(X3, X25, POTNPU_IO_INSTRET_LO));
    emit(&p, CSRRS(X4, CSR_INSTRET, X0));
    emit(&p, SUB(X4, X4, X3));
    emit(&p, SW(X4, S0, 60));
    park(&p);
    core_run(&t, &p);

    assert_eq(dmem(&t, 0), 0x12345678);
    assert_eq(dmem(&t, 4), 0x123456ff);
    assert_eq(dmem(&t, 8), 0x87);
    assert_eq(dmem(&t, 12), 0x1c);
    assert_eq(dmem(&t, 16), 0x40000100);
    assert_eq(dmem(&t, 20), 0x40000100);
    assert_eq(dmem(&t, 24), 0);
    assert_eq(dmem(&t, 28), 0x1888);
    assert_eq(dmem(&t, 32), 0x880);
    assert_eq(dmem(&t, 36), 0);
    assert_eq(dmem(&t, 40), 0xfffffffc);
    assert_eq(dmem(&t, 44), 0xfffffffc);
    assert_eq(dmem(&t, 48), 3);
    assert_eq(dmem(&t, 52), 1);
    assert_eq(dmem(&t, 56), 0);
    assert_eq(dmem(&t, 60), 1);
    /* The host sees the same count. */
    g_assert(rd(&t, POTNPU_REG_CORE_INSTRET_LO) > 40);
    assert_eq(rd(&t, POTNPU_REG_CORE_INSTRET_HI), 0);
    stop_vm(&t);
}

static void test_core_illegal(void)
{
    const uint32_t bad[] = {
        MUL(X5, RA, X2),                    /* M extension */
        enc_r(1, X2, RA, 4, X5, 0x33),      /* DIV */
        0x00000000,
        0xffffffff,
        0x00000001,                         /* a compressed encoding */
        CSRRS(X5, 0x7c0, X0),               /* unknown CSR */
        CSRRW(X0, CSR_MHARTID, RA),         /* read-only CSR */
        CSRRS(X5, 0xb00, RA),               /* mcycle: not implemented */
        CSRRSI(X5, CSR_CYCLE, 1),           /* writing a counter */
        0x0000100f,                         /* FENCE.I */
        enc_b(8, X0, X0, 2),                /* branch funct3 2 */
        enc_i(0, S0, 3, X5, 0x03),          /* LD */
        enc_s(0, X5, S0, 3),                /* SD */
        enc_i(0, X0, 4, X5, 0x73),          /* SYSTEM funct3 4 */
        SLLI(X5, RA, 1) | 1u << 25,         /* bad SLLI funct7 */
        SRLI(X5, RA, 1) | 1u << 30 | 1u << 25,
        enc_r(0x40, X2, RA, 0, X5, 0x33),   /* bad ADD funct7 */
        JALR(X5, RA, 0) | 1u << 12,         /* JALR funct3 1 */
        ECALL | 1u << 7,                    /* ECALL with rd */
        0x0000000b,                         /* custom-0 */
        0x00000007,                         /* FLW */
    };
    PotnpuTest t;
    Prog p;
    uint32_t at[ARRAY_SIZE(bad)];
    size_t i;

    start_vm(&t, NULL);
    prologue(&p, true);
    li(&p, RA, 6);
    li(&p, X2, 7);
    li(&p, X5, 0x5a5a);
    for (i = 0; i < ARRAY_SIZE(bad); i++) {
        at[i] = emit(&p, bad[i]);
    }
    emit(&p, SW(X5, S0, 0));            /* rd of the bad ones unchanged */
    park(&p);
    emit_handler(&p);
    core_run(&t, &p);

    assert_eq(dmem(&t, D_TRAP_COUNT), ARRAY_SIZE(bad));
    for (i = 0; i < ARRAY_SIZE(bad); i++) {
        check_trap(&t, i, 2, at[i], bad[i]);
    }
    assert_eq(dmem(&t, 0), 0x5a5a);
    assert_eq(rd(&t, POTNPU_REG_IRQ_STATUS), 0);
    stop_vm(&t);
}

static void test_core_fatal_trap(void)
{
    PotnpuTest t;
    Prog p;
    uint32_t at;

    start_vm(&t, NULL);
    msix_setup(&t);
    msix_mask_vector(&t, POTNPU_MSIX_VEC_ERROR, false);
    wr(&t, POTNPU_REG_IRQ_MASK, POTNPU_IRQ_ERROR);

    /* mtvec is 0: the first exception is fatal. */
    prologue(&p, false);
    emit(&p, ADDI(RA, X0, 1));
    at = emit(&p, MUL(X5, RA, RA));
    park(&p);
    core_load(&t, &p);
    core_start(&t, 0);
    step(&t, RUN_NS);
    assert_eq(rd(&t, POTNPU_REG_CORE_STATUS), POTNPU_CORE_STATUS_TRAPPED);
    assert_eq(rd(&t, POTNPU_REG_CORE_CTRL), POTNPU_CORE_CTRL_RUN);
    assert_eq(rd(&t, POTNPU_REG_CORE_FAULT_CAUSE), 2);
    assert_eq(rd(&t, POTNPU_REG_CORE_FAULT_PC), at);
    assert_eq(rd(&t, POTNPU_REG_CORE_FAULT_VAL), MUL(X5, RA, RA));
    assert_eq(rd(&t, POTNPU_REG_CORE_PC), at);
    assert_eq(rd(&t, POTNPU_REG_IRQ_STATUS), POTNPU_IRQ_ERROR);
    g_assert(msi_received(&t, POTNPU_MSIX_VEC_ERROR));
    check_no_msi(&t);
    /* Halted: memory writable again, RUN 1 -> 1 does not restart. */
    mem_wr(&t, POTNPU_CORE_DMEM_BASE, 0x1234);
    assert_eq(rd(&t, POTNPU_REG_GUEST_ERRORS), 0);
    wr(&t, POTNPU_REG_CORE_CTRL, POTNPU_CORE_CTRL_RUN);
    assert_eq(rd(&t, POTNPU_REG_CORE_STATUS), POTNPU_CORE_STATUS_TRAPPED);

    /* A handler that faults itself: fatal too, at the handler. */
    wr(&t, POTNPU_REG_IRQ_STATUS, POTNPU_IRQ_ERROR);
    prologue(&p, true);
    at = emit(&p, ECALL);
    park(&p);
    p.n = HANDLER_ADDR / 4;
    emit(&p, LW(X5, X0, 2));        /* misaligned load in the handler */
    core_load(&t, &p);
    core_start(&t, 0);
    assert_eq(rd(&t, POTNPU_REG_CORE_STATUS), POTNPU_CORE_STATUS_RUNNING);
    assert_eq(rd(&t, POTNPU_REG_CORE_FAULT_CAUSE), 0);
    step(&t, RUN_NS);
    assert_eq(rd(&t, POTNPU_REG_CORE_STATUS), POTNPU_CORE_STATUS_TRAPPED);
    assert_eq(rd(&t, POTNPU_REG_CORE_FAULT_CAUSE), 4);
    assert_eq(rd(&t, POTNPU_REG_CORE_FAULT_PC), HANDLER_ADDR);
    assert_eq(rd(&t, POTNPU_REG_CORE_FAULT_VAL), 2);
    assert_eq(rd(&t, POTNPU_REG_IRQ_STATUS), POTNPU_IRQ_ERROR);
    g_assert(msi_received(&t, POTNPU_MSIX_VEC_ERROR));
    stop_vm(&t);
}

static void test_core_misaligned(void)
{
    PotnpuTest t;
    Prog p;
    uint32_t at[7];

    start_vm(&t, NULL);
    prologue(&p, true);
    at[0] = emit(&p, LW(X5, S0, 2));
    at[1] = emit(&p, LH(X5, S0, 1));
    at[2] = emit(&p, LHU(X5, S0, 3));
    at[3] = emit(&p, SW(X5, S0, 1));
    at[4] = emit(&p, SH(X5, S0, 3));
    li(&p, X7, 0x77);
    emit(&p, AUIPC(X6, 0));
    at[5] = emit(&p, JALR(X7, X6, 2 + 8));      /* to a non-word address */
    at[6] = emit(&p, BEQ(X0, X0, 6));
    emit(&p, SW(X7, S0, 0x40));                 /* link not written */
    park(&p);
    emit_handler(&p);
    core_run(&t, &p);

    assert_eq(dmem(&t, D_TRAP_COUNT), 7);
    check_trap(&t, 0, 4, at[0], POTNPU_CORE_DMEM_BASE + 2);
    check_trap(&t, 1, 4, at[1], POTNPU_CORE_DMEM_BASE + 1);
    check_trap(&t, 2, 4, at[2], POTNPU_CORE_DMEM_BASE + 3);
    check_trap(&t, 3, 6, at[3], POTNPU_CORE_DMEM_BASE + 1);
    check_trap(&t, 4, 6, at[4], POTNPU_CORE_DMEM_BASE + 3);
    check_trap(&t, 5, 0, at[5], at[5] - 4 + 10);
    check_trap(&t, 6, 0, at[6], at[6] + 6);
    assert_eq(dmem(&t, 0x40), 0x77);
    assert_eq(dmem(&t, 0), 0);
    stop_vm(&t);
}

static void test_core_access_fault(void)
{
    PotnpuTest t;
    Prog p;
    uint32_t at[10], resume;

    start_vm(&t, NULL);
    prologue(&p, true);
    li(&p, X9, 0x20000);
    at[0] = emit(&p, LW(X5, X9, 0));                /* nothing there */
    at[1] = emit(&p, LB(X5, X25, 0));               /* IO: words only */
    at[2] = emit(&p, LW(X5, X25, 0x200));           /* IO: no register */
    at[3] = emit(&p, SW(X5, X0, 0x10));             /* IMEM read only */
    at[4] = emit(&p, SW(X5, X9, 0));
    at[5] = emit(&p, SW(X5, X25, POTNPU_IO_JQ_TAIL));  /* read only */
    at[6] = emit(&p, SH(X5, X25, POTNPU_IO_HEARTBEAT));
    li(&p, X10, 0x80000000);
    at[7] = emit(&p, LW(X5, X10, -4));              /* 0x7ffffffc */
    /* Fetch from DMEM: the handler resumes at D_TRAP_RESUME. */
    emit(&p, AUIPC(X12, 0));
    emit(&p, ADDI(X12, X12, 16));
    emit(&p, SW(X12, S0, D_TRAP_RESUME));
    at[8] = emit(&p, JALR(X0, S0, 0));
    resume = here(&p);
    li(&p, X11, 0x20000);
    emit(&p, AUIPC(X12, 0));
    emit(&p, ADDI(X12, X12, 16));
    emit(&p, SW(X12, S0, D_TRAP_RESUME));
    at[9] = emit(&p, JALR(RA, X11, 0));             /* to nowhere */
    park(&p);
    emit_handler(&p);
    core_run(&t, &p);

    assert_eq(dmem(&t, D_TRAP_COUNT), 10);
    check_trap(&t, 0, 5, at[0], 0x20000);
    check_trap(&t, 1, 5, at[1], POTNPU_CORE_IO_BASE);
    check_trap(&t, 2, 5, at[2], POTNPU_CORE_IO_BASE + 0x200);
    check_trap(&t, 3, 7, at[3], 0x10);
    check_trap(&t, 4, 7, at[4], 0x20000);
    check_trap(&t, 5, 7, at[5], POTNPU_CORE_IO_BASE + POTNPU_IO_JQ_TAIL);
    check_trap(&t, 6, 7, at[6], POTNPU_CORE_IO_BASE + POTNPU_IO_HEARTBEAT);
    check_trap(&t, 7, 5, at[7], 0x7ffffffc);
    check_trap(&t, 8, 1, POTNPU_CORE_DMEM_BASE, POTNPU_CORE_DMEM_BASE);
    check_trap(&t, 9, 1, 0x20000, 0x20000);
    assert_eq(dmem(&t, D_TRAP_RESUME), 0);
    g_assert(resume > at[8]);
    assert_eq(rd(&t, POTNPU_REG_FW_HEARTBEAT), 0);
    stop_vm(&t);
}

static void test_core_ecall_mret(void)
{
    PotnpuTest t;
    Prog p;
    uint32_t ecall_at, ebreak_at;

    start_vm(&t, NULL);
    prologue(&p, true);
    emit(&p, CSRRSI(X0, CSR_MSTATUS, 8));      /* MIE, nothing enabled */
    li(&p, X5, 0x55);
    ecall_at = emit(&p, ECALL);
    emit(&p, SW(X5, S0, 0));
    emit(&p, CSRRS(X6, CSR_MSTATUS, X0));
    emit(&p, SW(X6, S0, 4));
    ebreak_at = emit(&p, EBREAK);
    emit(&p, CSRRS(X6, CSR_MCAUSE, X0));
    emit(&p, SW(X6, S0, 8));
    emit(&p, CSRRS(X6, CSR_MEPC, X0));
    emit(&p, SW(X6, S0, 12));
    park(&p);
    emit_handler(&p);
    core_run(&t, &p);

    assert_eq(dmem(&t, D_TRAP_COUNT), 2);
    check_trap(&t, 0, 11, ecall_at, 0);
    check_trap(&t, 1, 3, ebreak_at, ebreak_at);
    assert_eq(dmem(&t, 0), 0x55);
    /* mret restored MIE from MPIE and set MPIE. */
    assert_eq(dmem(&t, 4), 0x1888);
    assert_eq(dmem(&t, 8), 3);
    assert_eq(dmem(&t, 12), ebreak_at + 4);
    stop_vm(&t);
}

/*
 * MRET sets MIE = MPIE and MPIE = 1 from every starting state: a handler
 * that enabled MIE itself must not return with MIE still set when MPIE
 * was 0. The machine information CSRs read 0 and are read only.
 */
static void test_core_mret_states(void)
{
    static const uint32_t before[] = { 0x00, 0x08, 0x80, 0x88 };
    static const uint32_t after[] = { 0x1880, 0x1880, 0x1888, 0x1888 };
    static const uint32_t info[] = { CSR_MVENDORID, CSR_MARCHID, CSR_MIMPID,
                                     CSR_MHARTID };
    PotnpuTest t;
    Prog p;
    unsigned i;

    start_vm(&t, NULL);
    prologue(&p, false);
    for (i = 0; i < ARRAY_SIZE(before); i++) {
        li(&p, X2, before[i]);
        emit(&p, CSRRW(X0, CSR_MSTATUS, X2));
        emit(&p, AUIPC(X3, 0));
        emit(&p, ADDI(X3, X3, 16));             /* the insn after MRET */
        emit(&p, CSRRW(X0, CSR_MEPC, X3));
        emit(&p, MRET);
        emit(&p, CSRRS(X4, CSR_MSTATUS, X0));
        emit(&p, SW(X4, S0, 4 * i));
    }
    emit(&p, CSRRW(X0, CSR_MSTATUS, X0));
    for (i = 0; i < ARRAY_SIZE(info); i++) {
        li(&p, X5, 0x5a5a5a5a);
        emit(&p, CSRRS(X5, info[i], X0));
        emit(&p, SW(X5, S0, 16 + 4 * i));
    }
    park(&p);
    for (i = 0; i < 8; i++) {
        dmem_wr(&t, 4 * i, 0xdeadbeef);
    }
    core_run(&t, &p);
    for (i = 0; i < ARRAY_SIZE(before); i++) {
        assert_eq(dmem(&t, 4 * i), after[i]);
    }
    for (i = 0; i < ARRAY_SIZE(info); i++) {
        assert_eq(dmem(&t, 16 + 4 * i), 0);
    }

    /* They are read only: a write is an illegal instruction. */
    for (i = 0; i < ARRAY_SIZE(info); i++) {
        prologue(&p, true);
        emit(&p, CSRRW(X0, info[i], X0));
        park(&p);
        emit_handler(&p);
        wr(&t, POTNPU_REG_CORE_CTRL, 0);
        dmem_wr(&t, D_TRAP_COUNT, 0);
        core_run(&t, &p);
        assert_eq(dmem(&t, D_TRAP_COUNT), 1);
        assert_eq(dmem(&t, D_TRAP_LOG), 2);
    }
    stop_vm(&t);
}

static void test_core_timer(void)
{
    PotnpuTest t;
    Prog p;
    uint32_t loop;

    start_vm(&t, NULL);
    prologue(&p, true);
    /* Timer interrupt 200 instructions from now. */
    emit(&p, LW(X2, X25, POTNPU_IO_INSTRET_LO));
    emit(&p, ADDI(X2, X2, 200));
    emit(&p, SW(X0, X25, POTNPU_IO_TIMECMP_HI));
    emit(&p, SW(X2, X25, POTNPU_IO_TIMECMP_LO));
    li(&p, X3, 0x80);
    emit(&p, CSRRS(X0, CSR_MIE, X3));
    emit(&p, CSRRSI(X0, CSR_MSTATUS, 8));
    loop = emit(&p, ADDI(X4, X4, 1));
    emit(&p, LW(X5, S0, D_TRAP_COUNT));
    emit(&p, BEQ(X5, X0, loop - here(&p)));
    emit(&p, SW(X4, S0, 0));
    emit(&p, LW(X6, X25, POTNPU_IO_INSTRET_LO));
    emit(&p, SUB(X6, X6, X2));
    emit(&p, SW(X6, S0, 4));
    /* WFI with interrupts globally off: the timer still wakes it. */
    emit(&p, CSRRCI(X0, CSR_MSTATUS, 8));
    emit(&p, SW(X0, X25, POTNPU_IO_TIMECMP_HI));
    emit(&p, LW(X2, X25, POTNPU_IO_INSTRET_LO));
    li(&p, X7, 50000);
    emit(&p, ADD(X2, X2, X7));
    emit(&p, SW(X2, X25, POTNPU_IO_TIMECMP_LO));
    emit(&p, WFI);
    emit(&p, LW(X6, X25, POTNPU_IO_INSTRET_LO));
    emit(&p, SUB(X6, X6, X2));
    emit(&p, SW(X6, S0, 8));
    emit(&p, CSRRS(X6, CSR_MIP, X0));
    emit(&p, SW(X6, S0, 12));
    emit(&p, CSRRW(X0, CSR_MIE, X0));
    park(&p);
    emit_handler(&p);
    core_load(&t, &p);
    core_start(&t, 0);
    step(&t, 2 * SLICE_NS);
    /* Waiting for the timer: time passes at one slot per instruction. */
    assert_eq(rd(&t, POTNPU_REG_CORE_STATUS), STATUS_PARKED);
    assert_eq(dmem(&t, 8), 0);
    step(&t, 30 * SLICE_NS);
    assert_eq(rd(&t, POTNPU_REG_CORE_STATUS), STATUS_PARKED);

    assert_eq(dmem(&t, D_TRAP_COUNT), 1);
    assert_eq(dmem(&t, D_TRAP_LOG), 0x80000007);
    assert_eq(dmem(&t, D_TRAP_LOG + 8), 0);
    /* About 200 instructions, three per iteration. */
    g_assert(dmem(&t, 0) >= 60 && dmem(&t, 0) <= 70);
    g_assert(dmem(&t, 4) < 40);
    /* Woken exactly at TIMECMP; the instructions since counted. */
    g_assert(dmem(&t, 8) <= 1);
    assert_eq(dmem(&t, 12), 0x80);
    stop_vm(&t);
}

/*
 * Time passes in WFI whenever mie.MTIE is set, also with TIMECMP at all
 * ones: INSTRET advances one per idle slot (the watchdog does not).
 */
static void test_core_wfi_time(void)
{
    PotnpuTest t;
    Prog p;
    uint32_t a, b;

    start_vm(&t, NULL);
    prologue(&p, false);
    li(&p, X3, 0x80);
    emit(&p, CSRRW(X0, CSR_MIE, X3));
    park(&p);
    wr(&t, POTNPU_REG_CORE_WDOG_LIMIT, 1000);
    core_run(&t, &p);
    a = rd(&t, POTNPU_REG_CORE_INSTRET_LO);
    g_assert(a > 10 * 2000);
    step(&t, 10 * SLICE_NS);
    b = rd(&t, POTNPU_REG_CORE_INSTRET_LO);
    assert_eq(b - a, 10 * 2000);
    assert_eq(rd(&t, POTNPU_REG_CORE_STATUS), STATUS_PARKED);
    stop_vm(&t);
}

static void test_core_external_irq(void)
{
    PotnpuTest t;
    Prog p;
    uint32_t loop, loop2;

    start_vm(&t, NULL);
    prologue(&p, true);
    li(&p, X3, 0x880);
    emit(&p, CSRRS(X0, CSR_MIE, X3));          /* MEIE and MTIE */
    emit(&p, CSRRSI(X0, CSR_MSTATUS, 8));
    /* Wait for one interrupt: the host rings H2F_DOORBELL. */
    loop = emit(&p, LW(X5, S0, D_TRAP_COUNT));
    emit(&p, BEQ(X5, X0, loop - here(&p)));
    emit(&p, LW(X6, X25, POTNPU_IO_EVENTS));   /* the handler cleared it */
    emit(&p, SW(X6, S0, 0));
    /*
     * Both pending at once: a timer in the past, and an event raised
     * while MIE is off. External goes first; its handler disarms both.
     */
    emit(&p, CSRRCI(X0, CSR_MSTATUS, 8));
    emit(&p, SW(X0, X25, POTNPU_IO_TIMECMP_HI));
    emit(&p, SW(X0, X25, POTNPU_IO_TIMECMP_LO));
    emit(&p, SW(X0, S0, 4));                   /* tell the host */
    loop2 = emit(&p, LW(X5, X25, POTNPU_IO_EVENTS));
    emit(&p, BEQ(X5, X0, loop2 - here(&p)));
    emit(&p, CSRRSI(X0, CSR_MSTATUS, 8));
    emit(&p, ADDI(X0, X0, 0));
    emit(&p, CSRRW(X0, CSR_MIE, X0));
    park(&p);
    emit_handler(&p);
    core_load(&t, &p);
    dmem_wr(&t, 4, 0xffff);
    core_start(&t, 0);
    step(&t, RUN_NS);
    assert_eq(rd(&t, POTNPU_REG_CORE_STATUS), POTNPU_CORE_STATUS_RUNNING);
    assert_eq(dmem(&t, D_TRAP_COUNT), 0);

    wr(&t, POTNPU_REG_H2F_DOORBELL, 1);
    step(&t, RUN_NS);
    assert_eq(dmem(&t, D_TRAP_COUNT), 1);
    assert_eq(dmem(&t, D_TRAP_LOG), 0x8000000b);
    assert_eq(dmem(&t, 0), 0);
    assert_eq(dmem(&t, 4), 0);
    assert_eq(rd(&t, POTNPU_REG_CORE_STATUS), POTNPU_CORE_STATUS_RUNNING);

    wr(&t, POTNPU_REG_JQ_TAIL, 1);
    step(&t, RUN_NS);
    assert_eq(rd(&t, POTNPU_REG_CORE_STATUS), STATUS_PARKED);
    assert_eq(dmem(&t, D_TRAP_COUNT), 2);
    assert_eq(dmem(&t, D_TRAP_LOG + 16), 0x8000000b);
    stop_vm(&t);
}

static void test_core_wfi_doorbell(void)
{
    PotnpuTest t;
    Prog p;
    uint32_t wfi_at;
    uint64_t instret;

    start_vm(&t, NULL);
    prologue(&p, false);
    li(&p, X3, 0x800);
    emit(&p, CSRRS(X0, CSR_MIE, X3));          /* MEIE; MIE stays 0 */
    wfi_at = emit(&p, WFI);
    emit(&p, LW(X4, X25, POTNPU_IO_EVENTS));
    emit(&p, SW(X4, S0, 0));
    emit(&p, LW(X4, X25, POTNPU_IO_JQ_TAIL));
    emit(&p, SW(X4, S0, 4));
    emit(&p, CSRRS(X4, CSR_MIP, X0));
    emit(&p, SW(X4, S0, 8));
    li(&p, X5, POTNPU_EVENT_JQ_DOORBELL);
    emit(&p, SW(X5, X25, POTNPU_IO_EVENTS));   /* RW1C */
    emit(&p, LW(X4, X25, POTNPU_IO_EVENTS));
    emit(&p, SW(X4, S0, 12));
    emit(&p, WFI);
    emit(&p, LW(X4, X25, POTNPU_IO_EVENTS));
    emit(&p, SW(X4, S0, 16));
    emit(&p, LW(X4, X25, POTNPU_IO_H2F_MSG));
    emit(&p, SW(X4, S0, 20));
    emit(&p, LW(X4, X25, POTNPU_IO_H2F_ARG));
    emit(&p, SW(X4, S0, 24));
    li(&p, X5, POTNPU_EVENT_H2F);
    emit(&p, SW(X5, X25, POTNPU_IO_EVENTS));
    emit(&p, WFI);
    emit(&p, LW(X4, X25, POTNPU_IO_EVENTS));
    emit(&p, SW(X4, S0, 28));
    emit(&p, LW(X4, X25, POTNPU_IO_CQ_HEAD));
    emit(&p, SW(X4, S0, 32));
    li(&p, X5, POTNPU_EVENT_CQ_HEAD);
    emit(&p, SW(X5, X25, POTNPU_IO_EVENTS));
    emit(&p, CSRRW(X0, CSR_MIE, X0));
    park(&p);
    core_load(&t, &p);
    core_start(&t, 0);
    step(&t, RUN_NS);

    /* Parked: no time passes, nothing runs. */
    assert_eq(rd(&t, POTNPU_REG_CORE_STATUS), STATUS_PARKED);
    assert_eq(rd(&t, POTNPU_REG_CORE_PC), wfi_at + 4);
    instret = rd(&t, POTNPU_REG_CORE_INSTRET_LO);
    step(&t, RUN_NS);
    assert_eq(rd(&t, POTNPU_REG_CORE_INSTRET_LO), instret);
    assert_eq(dmem(&t, 0), 0);

    /* The JQ doorbell wakes it. */
    wr(&t, POTNPU_REG_JQ_TAIL, 7);
    step(&t, RUN_NS);
    assert_eq(rd(&t, POTNPU_REG_CORE_STATUS), STATUS_PARKED);
    assert_eq(dmem(&t, 0), POTNPU_EVENT_JQ_DOORBELL);
    assert_eq(dmem(&t, 4), 7);
    assert_eq(dmem(&t, 8), 0x800);
    assert_eq(dmem(&t, 12), 0);
    assert_eq(dmem(&t, 16), 0);

    /* So does H2F_DOORBELL, delivering H2F_MSG and H2F_ARG. */
    wr(&t, POTNPU_REG_H2F_MSG, POTNPU_H2F_ABORT_JOB);
    wr(&t, POTNPU_REG_H2F_ARG, 0x5e9);
    assert_eq(rd(&t, POTNPU_REG_H2F_ARG), 0x5e9);
    step(&t, RUN_NS);
    assert_eq(dmem(&t, 16), 0);         /* H2F_MSG/ARG are no doorbell */
    wr(&t, POTNPU_REG_H2F_DOORBELL, 0);
    step(&t, RUN_NS);
    assert_eq(rd(&t, POTNPU_REG_CORE_STATUS), STATUS_PARKED);
    assert_eq(dmem(&t, 16), POTNPU_EVENT_H2F);
    assert_eq(dmem(&t, 20), POTNPU_H2F_ABORT_JOB);
    assert_eq(dmem(&t, 24), 0x5e9);
    assert_eq(dmem(&t, 28), 0);

    /* And a write to CQ_HEAD: the firmware waiting for ring room. */
    wr(&t, POTNPU_REG_CQ_HEAD, 0x1234);
    assert_eq(rd(&t, POTNPU_REG_CQ_HEAD), 0x1234);
    step(&t, RUN_NS);
    assert_eq(rd(&t, POTNPU_REG_CORE_STATUS), STATUS_PARKED);
    assert_eq(dmem(&t, 28), POTNPU_EVENT_CQ_HEAD);
    assert_eq(dmem(&t, 32), 0x1234);
    assert_eq(rd(&t, POTNPU_REG_GUEST_ERRORS), 0);
    /* Both are host registers: kept across core starts, reset to 0. */
    wr(&t, POTNPU_REG_CORE_CTRL, 0);
    core_start(&t, 0);
    assert_eq(rd(&t, POTNPU_REG_H2F_ARG), 0x5e9);
    assert_eq(rd(&t, POTNPU_REG_CQ_HEAD), 0x1234);
    wr(&t, POTNPU_REG_RESET, POTNPU_RESET_MAGIC);
    assert_eq(rd(&t, POTNPU_REG_H2F_ARG), 0);
    assert_eq(rd(&t, POTNPU_REG_CQ_HEAD), 0);
    stop_vm(&t);
}

static void test_core_watchdog(void)
{
    PotnpuTest t;
    Prog p;
    uint32_t loop;

    start_vm(&t, NULL);
    msix_setup(&t);
    msix_mask_vector(&t, POTNPU_MSIX_VEC_ERROR, false);
    wr(&t, POTNPU_REG_IRQ_MASK, POTNPU_IRQ_ERROR);
    wr(&t, POTNPU_REG_CORE_WDOG_LIMIT, 1000);

    /* Without kicks: halted after exactly 1000 instructions. */
    memset(&p, 0, sizeof(p));
    loop = emit(&p, ADDI(X5, X5, 1));
    emit(&p, JAL(X0, loop - here(&p)));
    core_load(&t, &p);
    core_start(&t, 0);
    step(&t, RUN_NS);
    assert_eq(rd(&t, POTNPU_REG_CORE_STATUS), POTNPU_CORE_STATUS_WATCHDOG);
    assert_eq(rd(&t, POTNPU_REG_CORE_INSTRET_LO), 1000);
    assert_eq(rd(&t, POTNPU_REG_CORE_FAULT_VAL), 1000);
    assert_eq(rd(&t, POTNPU_REG_CORE_FAULT_PC), 0);
    assert_eq(rd(&t, POTNPU_REG_IRQ_STATUS), POTNPU_IRQ_ERROR);
    g_assert(msi_received(&t, POTNPU_MSIX_VEC_ERROR));
    wr(&t, POTNPU_REG_IRQ_STATUS, POTNPU_IRQ_ERROR);

    /* With kicks: runs on, far beyond the limit. */
    prologue(&p, false);
    loop = emit(&p, ADDI(X5, X5, 1));
    emit(&p, SW(X0, X25, POTNPU_IO_WDOG_KICK));
    emit(&p, JAL(X0, loop - here(&p)));
    core_load(&t, &p);
    core_start(&t, 0);
    step(&t, RUN_NS);
    assert_eq(rd(&t, POTNPU_REG_CORE_STATUS), POTNPU_CORE_STATUS_RUNNING);
    g_assert(rd(&t, POTNPU_REG_CORE_INSTRET_LO) > 10000);
    assert_eq(rd(&t, POTNPU_REG_IRQ_STATUS), 0);
    check_no_msi(&t);

    /* Limit 0 turns it off. */
    wr(&t, POTNPU_REG_CORE_CTRL, 0);
    wr(&t, POTNPU_REG_CORE_WDOG_LIMIT, 0);
    memset(&p, 0, sizeof(p));
    emit(&p, JAL(X0, 0));
    core_load(&t, &p);
    core_start(&t, 0);
    step(&t, RUN_NS);
    assert_eq(rd(&t, POTNPU_REG_CORE_STATUS), POTNPU_CORE_STATUS_RUNNING);
    stop_vm(&t);
}

/*
 * Hostile firmware: seeded random programs, biased towards valid
 * encodings (CSR writes, CORE_IO and DMA included), run for a few slices
 * each. QEMU must survive, the core must stay within its budget, and the
 * device must work normally afterwards.
 */
#define RANDOM_SEED         0x9e70f00du
#define RANDOM_ROUNDS       80
#define RANDOM_WORDS        256

static uint32_t random_insn(GRand *r)
{
    static const uint32_t opcodes[] = {
        0x37, 0x17, 0x6f, 0x67, 0x63, 0x03, 0x23, 0x13, 0x33, 0x0f, 0x73,
    };
    uint32_t insn = g_rand_int(r);
    int rs1;

    if (g_rand_int_range(r, 0, 8) == 0) {
        return insn;                    /* anything at all */
    }
    insn = (insn & ~0x7fu) | opcodes[g_rand_int_range(r, 0,
                                                        ARRAY_SIZE(opcodes))];
    /* Often address CORE_IO (x25) or DMEM (x8), and real CSRs. */
    rs1 = g_rand_int_range(r, 0, 4);
    if (rs1 == 0) {
        insn = (insn & ~(31u << 15)) | X25 << 15;
    } else if (rs1 == 1) {
        insn = (insn & ~(31u << 15)) | S0 << 15;
    }
    if ((insn & 0x7f) == 0x73 && g_rand_boolean(r)) {
        static const uint32_t csrs[] = {
            CSR_MSTATUS, CSR_MIE, CSR_MEPC, CSR_MSCRATCH, CSR_MIP,
            CSR_INSTRET,
        };
        insn = (insn & 0xfffff) |
               csrs[g_rand_int_range(r, 0, ARRAY_SIZE(csrs))] << 20;
    }
    if ((insn & 0x7f) == 0x03 || (insn & 0x7f) == 0x23) {
        /* Small offsets, so the IO base hits registers. */
        insn &= ~(0xfe000000u | 0xf00u);
        insn &= ~0x80000000u;
    }
    return insn;
}

static void test_core_random_programs(void)
{
    PotnpuTest t;
    GRand *r = g_rand_new_with_seed(RANDOM_SEED);
    unsigned round, i, trapped = 0, watchdog = 0, running = 0;
    Prog p;

    start_vm(&t, NULL);
    msix_setup(&t);
    for (round = 0; round < RANDOM_ROUNDS; round++) {
        uint64_t instret;
        uint32_t st;

        wr(&t, POTNPU_REG_CORE_WDOG_LIMIT, g_rand_int_range(r, 0, 20000));
        prologue(&p, round % 4 != 0);
        for (i = p.n; i < RANDOM_WORDS; i++) {
            emit(&p, random_insn(r));
        }
        /* A forgiving handler: skip the trapping instruction. */
        p.n = HANDLER_ADDR / 4;
        emit(&p, CSRRS(H28, CSR_MEPC, X0));
        emit(&p, ADDI(H28, H28, 4));
        emit(&p, CSRRW(X0, CSR_MEPC, H28));
        emit(&p, MRET);
        core_load(&t, &p);
        core_start(&t, 0);
        if (g_rand_boolean(r)) {
            wr(&t, POTNPU_REG_JQ_TAIL, round);
        }
        step(&t, 5 * SLICE_NS);
        instret = rd(&t, POTNPU_REG_CORE_INSTRET_LO) |
                  (uint64_t)rd(&t, POTNPU_REG_CORE_INSTRET_HI) << 32;
        /* At most the budget of 5 slices, idle WFI slots included. */
        g_assert(instret <= 5 * SLICE_INSNS);
        st = rd(&t, POTNPU_REG_CORE_STATUS);
        trapped += !!(st & POTNPU_CORE_STATUS_TRAPPED);
        watchdog += !!(st & POTNPU_CORE_STATUS_WATCHDOG);
        running += !!(st & POTNPU_CORE_STATUS_RUNNING);
        wr(&t, POTNPU_REG_CORE_CTRL, 0);
        if (round % 8 == 7) {
            wr(&t, POTNPU_REG_RESET, POTNPU_RESET_MAGIC);
        }
    }
    g_test_message("random programs: seed 0x%x, %u rounds: %u trapped, "
                   "%u watchdog, %u still running", RANDOM_SEED,
                   RANDOM_ROUNDS, trapped, watchdog, running);
    g_rand_free(r);

    /* The device is intact: reset, and a real program runs. */
    wr(&t, POTNPU_REG_RESET, POTNPU_RESET_MAGIC);
    check_reset_values(&t);
    prologue(&p, false);
    li(&p, RA, 0x5eed);
    emit(&p, SW(RA, S0, 0));
    park(&p);
    core_run(&t, &p);
    assert_eq(dmem(&t, 0), 0x5eed);
    stop_vm(&t);
}

static void test_core_budget_halt(void)
{
    PotnpuTest t;
    Prog p;
    uint32_t errors = 0, pc, instret;

    /* 500 instructions every 50 us. */
    start_vm(&t, "-global potnpu.slice-insns=500 -global potnpu.slice-us=50");
    memset(&p, 0, sizeof(p));
    emit(&p, ADDI(X5, X5, 1));
    emit(&p, JAL(X0, -4));
    core_load(&t, &p);
    core_start(&t, 0);
    assert_eq(rd(&t, POTNPU_REG_CORE_STATUS), POTNPU_CORE_STATUS_RUNNING);
    assert_eq(rd(&t, POTNPU_REG_CORE_PC), 0);
    /* Nothing runs in the MMIO handler: only virtual time runs the core. */
    assert_eq(rd(&t, POTNPU_REG_CORE_INSTRET_LO), 0);
    step(&t, 1000 * 1000);
    assert_eq(rd(&t, POTNPU_REG_CORE_INSTRET_LO), 20 * 500);
    step(&t, 1000 * 1000);
    assert_eq(rd(&t, POTNPU_REG_CORE_INSTRET_LO), 40 * 500);
    assert_eq(rd(&t, POTNPU_REG_ID), POTNPU_ID_MAGIC);

    /* BAR4 while running: reads fine, writes refused. */
    assert_eq(mem_rd(&t, 0), p.w[0]);
    mem_wr(&t, 0, 0);
    mem_wr(&t, POTNPU_CORE_DMEM_BASE, 1);
    errors += 2;
    assert_eq(rd(&t, POTNPU_REG_GUEST_ERRORS), errors);
    assert_eq(mem_rd(&t, 0), p.w[0]);
    assert_eq(mem_rd(&t, POTNPU_CORE_DMEM_BASE), 0);
    /* Bad sizes and alignment, running or not. */
    assert_eq(raw_read_bar(&t, t.bar4, 0, 1), 0);
    assert_eq(raw_read_bar(&t, t.bar4, 0, 2), 0);
    assert_eq(raw_read_bar(&t, t.bar4, 0, 8), 0);
    assert_eq(raw_read_bar(&t, t.bar4, 2, 4), 0);
    errors += 4;
    assert_eq(rd(&t, POTNPU_REG_GUEST_ERRORS), errors);
    /* CORE_ENTRY must be an aligned IMEM address. */
    wr(&t, POTNPU_REG_CORE_ENTRY, 2);
    wr(&t, POTNPU_REG_CORE_ENTRY, POTNPU_CORE_DMEM_BASE);
    errors += 2;
    assert_eq(rd(&t, POTNPU_REG_CORE_ENTRY), 0);
    assert_eq(rd(&t, POTNPU_REG_GUEST_ERRORS), errors);

    /* Halt: at once, state kept, no more progress. */
    wr(&t, POTNPU_REG_CORE_CTRL, 0);
    assert_eq(rd(&t, POTNPU_REG_CORE_STATUS), 0);
    pc = rd(&t, POTNPU_REG_CORE_PC);
    instret = rd(&t, POTNPU_REG_CORE_INSTRET_LO);
    g_assert(pc == 0 || pc == 4);
    step(&t, 1000 * 1000);
    assert_eq(rd(&t, POTNPU_REG_CORE_PC), pc);
    assert_eq(rd(&t, POTNPU_REG_CORE_INSTRET_LO), instret);
    raw_write_bar(&t, t.bar4, 0, 2, 0);
    raw_write_bar(&t, t.bar4, 1, 4, 0);
    errors += 2;
    mem_wr(&t, POTNPU_CORE_DMEM_BASE + 8, 0xabcd);
    assert_eq(mem_rd(&t, POTNPU_CORE_DMEM_BASE + 8), 0xabcd);
    assert_eq(mem_rd(&t, 0), p.w[0]);
    assert_eq(rd(&t, POTNPU_REG_GUEST_ERRORS), errors);
    assert_eq(rd(&t, POTNPU_REG_IRQ_STATUS), 0);

    /* A restart starts afresh at CORE_ENTRY. */
    core_start(&t, 4);
    assert_eq(rd(&t, POTNPU_REG_CORE_PC), 4);
    assert_eq(rd(&t, POTNPU_REG_CORE_INSTRET_LO), 0);
    step(&t, 50 * 1000);
    assert_eq(rd(&t, POTNPU_REG_CORE_INSTRET_LO), 500);
    stop_vm(&t);
}

static void test_core_mailbox(void)
{
    PotnpuTest t;
    Prog p;
    uint32_t park_at;

    start_vm(&t, NULL);
    msix_setup(&t);
    msix_mask_vector(&t, POTNPU_MSIX_VEC_FW, false);
    msix_mask_vector(&t, POTNPU_MSIX_VEC_JOB, false);
    wr(&t, POTNPU_REG_IRQ_MASK, POTNPU_IRQ_ALL);
    wr(&t, POTNPU_REG_HOST_ABI, 0x00010002);
    wr(&t, POTNPU_REG_H2F_MSG, 0x33);
    wr(&t, POTNPU_REG_JQ_BASE_LO, 0x12340040);
    wr(&t, POTNPU_REG_JQ_BASE_HI, 0x5);
    wr(&t, POTNPU_REG_JQ_SIZE, 64);
    wr(&t, POTNPU_REG_CQ_BASE_LO, 0x56780000);
    wr(&t, POTNPU_REG_CQ_BASE_HI, 0x6);

    prologue(&p, false);
    li(&p, RA, 0x00010203);
    emit(&p, SW(RA, X25, POTNPU_IO_FW_VERSION));
    li(&p, RA, 0x00010000);
    emit(&p, SW(RA, X25, POTNPU_IO_FW_ABI));
    li(&p, RA, POTNPU_FW_CAP_DMA);
    emit(&p, SW(RA, X25, POTNPU_IO_FW_CAPS));
    li(&p, RA, POTNPU_FW_ERR_INTERNAL);
    emit(&p, SW(RA, X25, POTNPU_IO_FW_ERROR));
    li(&p, RA, 77);
    emit(&p, SW(RA, X25, POTNPU_IO_HEARTBEAT));
    li(&p, RA, 0x8000);
    emit(&p, SW(RA, X25, POTNPU_IO_LOG_BASE));
    li(&p, RA, 0x1000);
    emit(&p, SW(RA, X25, POTNPU_IO_LOG_SIZE));
    li(&p, RA, 42);
    emit(&p, SW(RA, X25, POTNPU_IO_LOG_HEAD));
    emit(&p, LW(RA, X25, POTNPU_IO_HOST_ABI));
    emit(&p, SW(RA, S0, 0));
    emit(&p, LW(RA, X25, POTNPU_IO_H2F_MSG));
    emit(&p, SW(RA, S0, 4));
    emit(&p, LW(RA, X25, POTNPU_IO_JQ_BASE_LO));
    emit(&p, SW(RA, S0, 8));
    emit(&p, LW(RA, X25, POTNPU_IO_JQ_BASE_HI));
    emit(&p, SW(RA, S0, 12));
    emit(&p, LW(RA, X25, POTNPU_IO_JQ_SIZE));
    emit(&p, SW(RA, S0, 16));
    emit(&p, LW(RA, X25, POTNPU_IO_CQ_BASE_LO));
    emit(&p, SW(RA, S0, 20));
    emit(&p, LW(RA, X25, POTNPU_IO_CQ_BASE_HI));
    emit(&p, SW(RA, S0, 24));
    li(&p, RA, 3);
    emit(&p, SW(RA, X25, POTNPU_IO_JQ_HEAD));
    li(&p, RA, 2);
    emit(&p, SW(RA, X25, POTNPU_IO_CQ_TAIL));
    emit(&p, LW(RA, X25, POTNPU_IO_FW_VERSION));  /* reads back */
    emit(&p, SW(RA, S0, 28));
    li(&p, RA, POTNPU_FW_STATUS_READY);
    emit(&p, SW(RA, X25, POTNPU_IO_FW_STATUS));
    li(&p, RA, POTNPU_IRQ_JOB | 0xf0);
    emit(&p, SW(RA, X25, POTNPU_IO_HOST_IRQ));
    park_at = park(&p);
    core_load(&t, &p);
    core_start(&t, 0);
    step(&t, RUN_NS);
    assert_eq(rd(&t, POTNPU_REG_CORE_STATUS), STATUS_PARKED);

    assert_eq(rd(&t, POTNPU_REG_FW_STATUS), POTNPU_FW_STATUS_READY);
    assert_eq(rd(&t, POTNPU_REG_FW_VERSION), 0x00010203);
    assert_eq(rd(&t, POTNPU_REG_FW_ABI), 0x00010000);
    assert_eq(rd(&t, POTNPU_REG_FW_CAPS), POTNPU_FW_CAP_DMA);
    assert_eq(rd(&t, POTNPU_REG_FW_ERROR), POTNPU_FW_ERR_INTERNAL);
    assert_eq(rd(&t, POTNPU_REG_FW_HEARTBEAT), 77);
    assert_eq(rd(&t, POTNPU_REG_FW_LOG_BASE), 0x8000);
    assert_eq(rd(&t, POTNPU_REG_FW_LOG_SIZE), 0x1000);
    assert_eq(rd(&t, POTNPU_REG_FW_LOG_HEAD), 42);
    assert_eq(dmem(&t, 0), 0x00010002);
    assert_eq(dmem(&t, 4), 0x33);
    assert_eq(dmem(&t, 8), 0x12340040);
    assert_eq(dmem(&t, 12), 5);
    assert_eq(dmem(&t, 16), 64);
    assert_eq(dmem(&t, 20), 0x56780000);
    assert_eq(dmem(&t, 24), 6);
    assert_eq(dmem(&t, 28), 0x00010203);
    assert_eq(rd(&t, POTNPU_REG_JQ_HEAD), 3);
    assert_eq(rd(&t, POTNPU_REG_CQ_TAIL), 2);
    /* FW_STATUS raised IRQ_FW, HOST_IRQ raised IRQ_JOB: their vectors. */
    assert_eq(rd(&t, POTNPU_REG_IRQ_STATUS), POTNPU_IRQ_FW | POTNPU_IRQ_JOB);
    g_assert(msi_received(&t, POTNPU_MSIX_VEC_FW));
    g_assert(msi_received(&t, POTNPU_MSIX_VEC_JOB));
    check_no_msi(&t);
    assert_eq(rd(&t, POTNPU_REG_GUEST_ERRORS), 0);

    /* Starting the core again clears the firmware's side of the mailbox. */
    wr(&t, POTNPU_REG_CORE_CTRL, 0);
    assert_eq(rd(&t, POTNPU_REG_FW_STATUS), POTNPU_FW_STATUS_READY);
    core_start(&t, park_at);
    assert_eq(rd(&t, POTNPU_REG_FW_STATUS), POTNPU_FW_STATUS_OFF);
    assert_eq(rd(&t, POTNPU_REG_FW_VERSION), 0);
    assert_eq(rd(&t, POTNPU_REG_FW_LOG_HEAD), 0);
    assert_eq(rd(&t, POTNPU_REG_HOST_ABI), 0x00010002);
    assert_eq(rd(&t, POTNPU_REG_JQ_HEAD), 3);
    stop_vm(&t);
}

/*
 * The script runner: a program that executes a list of 12-byte entries
 * {op, address, value} from DMEM 0: op 1 stores value at address, op 2
 * loads address into value, op 0 ends. Used to drive CORE_IO, the DMA
 * engine in particular, from the host.
 */
#define SCRIPT_MAX          32

typedef struct Script {
    uint32_t w[SCRIPT_MAX * 3 + 1];
    unsigned n;
} Script;

static void script_program(Prog *p)
{
    uint32_t loop, b_end, b_store, j_next;

    prologue(p, false);
    loop = emit(p, LW(X5, S0, 0));
    b_end = emit(p, 0);
    emit(p, LW(X6, S0, 4));
    emit(p, LW(X7, S0, 8));
    emit(p, ADDI(X9, X0, 1));
    b_store = emit(p, 0);
    emit(p, LW(X7, X6, 0));
    emit(p, SW(X7, S0, 8));
    j_next = emit(p, 0);
    patch_b(p, b_store, BEQ(X5, X9, 0));
    emit(p, SW(X7, X6, 0));
    patch_b(p, j_next, JAL(X0, 0));
    emit(p, ADDI(S0, S0, 12));
    emit(p, JAL(X0, loop - here(p)));
    patch_b(p, b_end, BEQ(X5, X0, 0));
    park(p);
}

static void script_store(Script *sc, uint32_t addr, uint32_t val)
{
    g_assert(sc->n < SCRIPT_MAX);
    sc->w[sc->n * 3] = 1;
    sc->w[sc->n * 3 + 1] = addr;
    sc->w[sc->n * 3 + 2] = val;
    sc->n++;
}

/* Returns the DMEM offset where the loaded value will be. */
static uint32_t script_load(Script *sc, uint32_t addr)
{
    g_assert(sc->n < SCRIPT_MAX);
    sc->w[sc->n * 3] = 2;
    sc->w[sc->n * 3 + 1] = addr;
    sc->w[sc->n * 3 + 2] = 0;
    return 12 * sc->n++ + 8;
}

static void script_run(PotnpuTest *t, Script *sc)
{
    Prog p;
    unsigned i;

    script_program(&p);
    core_load(t, &p);
    sc->w[sc->n * 3] = 0;
    for (i = 0; i <= sc->n * 3; i++) {
        dmem_wr(t, 4 * i, sc->w[i]);
    }
    core_start(t, 0);
    step(t, RUN_NS);
    assert_eq(rd(t, POTNPU_REG_CORE_STATUS), STATUS_PARKED);
}

#define IO(off)             (POTNPU_CORE_IO_BASE + (off))
#define MODE(op, s, d)      POTNPU_DMA_MODE(POTNPU_DMA_OP_##op, \
                                            POTNPU_DMA_SPACE_##s, \
                                            POTNPU_DMA_SPACE_##d)

/*
 * One DMA transfer; returns DMA_STATUS, *fault gets DMA_FAULT_ADDR, and
 * dma_fault_hi DMA_FAULT_ADDR_HI.
 */
static uint32_t dma_fault_hi;

static uint32_t dma_mode(PotnpuTest *t, uint32_t mode, uint64_t src,
                         uint64_t dst, uint32_t len, uint32_t ctx,
                         uint32_t pattern, uint32_t *fault)
{
    Script sc = { .n = 0 };
    uint32_t st, fa, fh;

    script_store(&sc, IO(POTNPU_IO_DMA_SRC_LO), src);
    script_store(&sc, IO(POTNPU_IO_DMA_SRC_HI), src >> 32);
    script_store(&sc, IO(POTNPU_IO_DMA_DST_LO), dst);
    script_store(&sc, IO(POTNPU_IO_DMA_DST_HI), dst >> 32);
    script_store(&sc, IO(POTNPU_IO_DMA_LEN), len);
    script_store(&sc, IO(POTNPU_IO_DMA_CTX), ctx);
    script_store(&sc, IO(POTNPU_IO_DMA_MODE), mode);
    script_store(&sc, IO(POTNPU_IO_DMA_PATTERN), pattern);
    script_store(&sc, IO(POTNPU_IO_DMA_START), 1);
    st = script_load(&sc, IO(POTNPU_IO_DMA_STATUS));
    fa = script_load(&sc, IO(POTNPU_IO_DMA_FAULT_ADDR));
    fh = script_load(&sc, IO(POTNPU_IO_DMA_FAULT_ADDR_HI));
    script_run(t, &sc);
    if (fault) {
        *fault = dmem(t, fa);
    }
    dma_fault_hi = dmem(t, fh);
    return dmem(t, st);
}

static uint32_t dma_copy(PotnpuTest *t, uint32_t mode, uint64_t src,
                         uint64_t dst, uint32_t len, uint32_t ctx)
{
    return dma_mode(t, mode, src, dst, len, ctx, 0, NULL);
}

/* DMEM data for DMA tests, at D_DATA and beyond (the script is below). */
static void dmem_fill(PotnpuTest *t, uint32_t off, uint32_t len,
                      uint32_t seed)
{
    uint32_t i;

    for (i = 0; i < len; i += 4) {
        dmem_wr(t, off + i, seed * 0x01000193u ^ i * 0x9e3779b9u);
    }
}

static uint8_t dmem_byte(PotnpuTest *t, uint32_t off)
{
    return dmem(t, off & ~3u) >> (8 * (off & 3));
}

static void check_dmem_vs_guest(PotnpuTest *t, uint32_t off, uint64_t gpa,
                                uint32_t len)
{
    g_autofree uint8_t *buf = g_malloc(len);
    uint32_t i;

    qtest_memread(t->qts, gpa, buf, len);
    for (i = 0; i < len; i++) {
        assert_eq(buf[i], dmem_byte(t, off + i));
    }
}

static void test_dma_dmem_bus(void)
{
    PotnpuTest t;
    uint64_t buf, buf2;
    uint8_t bytes[256];
    uint32_t fault, i;
    uint16_t cmd;

    start_vm(&t, NULL);
    buf = guest_alloc(&t.qs->alloc, 0x4000);
    buf2 = guest_alloc(&t.qs->alloc, 0x4000);

    /* FILL BUS: the little-endian pattern repeated from the start. */
    qtest_memset(t.qts, buf, 0xee, 0x200);
    assert_eq(dma_mode(&t, MODE(FILL, DMEM, BUS), 0, buf + 1, 101, 0,
                       0x44332211, NULL), POTNPU_DMA_OK);
    qtest_memread(t.qts, buf, bytes, 104);
    assert_eq(bytes[0], 0xee);
    for (i = 0; i < 101; i++) {
        assert_eq(bytes[1 + i], 0x11 + 0x11 * (i % 4));
    }
    assert_eq(bytes[102], 0xee);

    /* COPY DMEM -> BUS across chunks, then BUS -> DMEM. */
    wr(&t, POTNPU_REG_CORE_CTRL, 0);
    dmem_fill(&t, D_DATA, 0x2000, 1);
    assert_eq(dma_copy(&t, MODE(COPY, DMEM, BUS), D_DATA + 3, buf2 + 5,
                       0x1000 + 13, 0), POTNPU_DMA_OK);
    wr(&t, POTNPU_REG_CORE_CTRL, 0);
    check_dmem_vs_guest(&t, D_DATA + 3, buf2 + 5, 0x1000 + 13);
    assert_eq(dma_copy(&t, MODE(COPY, BUS, DMEM), buf, D_DATA + 0x4001,
                       0x200, 0), POTNPU_DMA_OK);
    check_dmem_vs_guest(&t, D_DATA + 0x4001, buf, 0x200);

    /* FILL DMEM, DMEM -> DMEM. */
    assert_eq(dma_mode(&t, MODE(FILL, DMEM, DMEM), 0, D_DATA + 0x6002, 7, 0,
                       0xa1b2c3d4, NULL), POTNPU_DMA_OK);
    assert_eq(dmem(&t, D_DATA + 0x6000) >> 16, 0xc3d4);
    assert_eq(dmem(&t, D_DATA + 0x6004), 0xc3d4a1b2);
    assert_eq(dmem(&t, D_DATA + 0x6008) & 0xff, 0xb2);
    assert_eq(dma_copy(&t, MODE(COPY, DMEM, DMEM), D_DATA + 0x6002,
                       D_DATA + 0x7000, 7, 0), POTNPU_DMA_OK);
    assert_eq(dmem(&t, D_DATA + 0x7000), 0xa1b2c3d4);
    /* The largest transfer, BUS -> BUS, within one instruction. */
    {
        uint64_t big = guest_alloc(&t.qs->alloc, 2 * POTNPU_DMA_MAX_LEN);

        qtest_memset(t.qts, big, 0x6b, POTNPU_DMA_MAX_LEN);
        qtest_writel(t.qts, big + POTNPU_DMA_MAX_LEN - 4, 0x01020304);
        assert_eq(dma_copy(&t, MODE(COPY, BUS, BUS), big,
                           big + POTNPU_DMA_MAX_LEN, POTNPU_DMA_MAX_LEN, 0),
                  POTNPU_DMA_OK);
        assert_eq(qtest_readl(t.qts, big + POTNPU_DMA_MAX_LEN), 0x6b6b6b6b);
        assert_eq(qtest_readl(t.qts, big + 2 * POTNPU_DMA_MAX_LEN - 4),
                  0x01020304);

        /*
         * Transfers cost time: one slot per 64 bytes. A loop of 1 MiB
         * copies gets 16384 slots each, not one instruction's worth.
         */
        {
            Prog p;
            uint32_t loop;

            prologue(&p, false);
            li(&p, RA, big);
            emit(&p, SW(RA, X25, POTNPU_IO_DMA_SRC_LO));
            li(&p, RA, big + POTNPU_DMA_MAX_LEN);
            emit(&p, SW(RA, X25, POTNPU_IO_DMA_DST_LO));
            li(&p, RA, POTNPU_DMA_MAX_LEN);
            emit(&p, SW(RA, X25, POTNPU_IO_DMA_LEN));
            li(&p, RA, MODE(COPY, BUS, BUS));
            emit(&p, SW(RA, X25, POTNPU_IO_DMA_MODE));
            emit(&p, SW(X0, X25, POTNPU_IO_DMA_SRC_HI));
            emit(&p, SW(X0, X25, POTNPU_IO_DMA_DST_HI));
            loop = emit(&p, SW(X0, X25, POTNPU_IO_DMA_START));
            emit(&p, ADDI(X5, X5, 1));
            emit(&p, SW(X5, S0, 0));
            emit(&p, JAL(X0, loop - here(&p)));
            core_load(&t, &p);
            dmem_wr(&t, 0, 0);
            core_start(&t, 0);
            step(&t, 10 * SLICE_NS);
            g_assert(dmem(&t, 0) >= 1 && dmem(&t, 0) <= 2);
            step(&t, 90 * SLICE_NS);
            g_assert(dmem(&t, 0) >= 10 && dmem(&t, 0) <= 13);
            wr(&t, POTNPU_REG_CORE_CTRL, 0);
        }
    }
    /* Length 0 does nothing, successfully. */
    assert_eq(dma_copy(&t, MODE(COPY, DMEM, DMEM), 0, 0, 0, 0),
              POTNPU_DMA_OK);

    /* EINVAL: bad op, bad spaces, reserved mode bits, length, slot. */
    assert_eq(dma_copy(&t, 2, 0, D_DATA, 4, 0), POTNPU_DMA_EINVAL);
    assert_eq(dma_copy(&t, POTNPU_DMA_MODE(0, 4, 0), 0, D_DATA, 4, 0),
              POTNPU_DMA_EINVAL);
    assert_eq(dma_copy(&t, POTNPU_DMA_MODE(0, 0, 4), 0, D_DATA, 4, 0),
              POTNPU_DMA_EINVAL);
    assert_eq(dma_copy(&t, MODE(COPY, DMEM, DMEM) | 0x1000, 0, D_DATA, 4, 0),
              POTNPU_DMA_EINVAL);
    assert_eq(dma_copy(&t, MODE(COPY, BUS, DMEM), buf, 0,
                       POTNPU_DMA_MAX_LEN + 1, 0), POTNPU_DMA_EINVAL);
    assert_eq(dma_copy(&t, MODE(COPY, VA, DMEM), 0, D_DATA, 4,
                       POTNPU_MMU_SLOTS), POTNPU_DMA_EINVAL);

    /* ERANGE: DMEM ranges, bus address wrap. */
    assert_eq(dma_mode(&t, MODE(COPY, BUS, DMEM), buf, 0xfff0, 0x11, 0, 0,
                       &fault), POTNPU_DMA_ERANGE);
    assert_eq(fault, 0xfff0);
    assert_eq(dma_mode(&t, MODE(COPY, DMEM, BUS), 0x10000, buf, 1, 0, 0,
                       &fault), POTNPU_DMA_ERANGE);
    assert_eq(fault, 0x10000);
    assert_eq(dma_mode(&t, MODE(COPY, DMEM, DMEM), 0xffffffff00000000ull,
                       D_DATA, 1, 0, 0, &fault), POTNPU_DMA_ERANGE);
    assert_eq(dma_mode(&t, MODE(FILL, DMEM, BUS), 0, 0xfffffffffffffff0ull,
                       0x20, 0, 0, &fault), POTNPU_DMA_ERANGE);
    assert_eq(fault, 0xfffffff0);
    /* The maximum length is fine in range. */
    assert_eq(dma_copy(&t, MODE(COPY, DMEM, DMEM), 0, 0,
                       POTNPU_CORE_DMEM_SIZE, 0), POTNPU_DMA_OK);

    /* EBUS: nothing at the bus address; bus mastering off. */
    assert_eq(dma_mode(&t, MODE(COPY, BUS, DMEM), 0xff00000000ull, D_DATA,
                       4, 0, 0, &fault), POTNPU_DMA_EBUS);
    assert_eq(fault, 0);
    cmd = qpci_config_readw(t.dev, PCI_COMMAND);
    qpci_config_writew(t.dev, PCI_COMMAND, cmd & ~PCI_COMMAND_MASTER);
    assert_eq(dma_copy(&t, MODE(COPY, DMEM, BUS), D_DATA, buf, 4, 0),
              POTNPU_DMA_EBUS);
    qpci_config_writew(t.dev, PCI_COMMAND, cmd);
    /* The device's own BARs are not reachable by its DMA. */
    assert_eq(dma_copy(&t, MODE(COPY, DMEM, BUS), D_DATA,
                       t.bar.addr + POTNPU_REG_RESET, 4, 0),
              POTNPU_DMA_EBUS);
    assert_eq(dma_copy(&t, MODE(COPY, BUS, DMEM), t.bar4.addr, D_DATA, 4, 0),
              POTNPU_DMA_EBUS);
    assert_eq(rd(&t, POTNPU_REG_CORE_STATUS), STATUS_PARKED);
    /* No MMU involvement for DMEM and BUS. */
    assert_eq(rd(&t, POTNPU_REG_MMU_FAULT_COUNT), 0);
    assert_eq(rd(&t, POTNPU_REG_IRQ_STATUS), 0);
    assert_eq(rd(&t, POTNPU_REG_GUEST_ERRORS), 0);
    stop_vm(&t);
}

/* Guest RAM of start_vm(..., "-m 128M"): [0, RAM_END), nothing above. */
#define RAM_END             0x8000000ull

/*
 * The edges of the DMA rules: a chunk that fails is not written at all,
 * even the part of it in RAM; a BUS range may end exactly at 2^64; an
 * empty range is never out of range.
 */
static void test_dma_edges(void)
{
    PotnpuTest t;
    uint8_t bytes[16];
    uint32_t fault, i;

    start_vm(&t, "-m 128M");
    qtest_memset(t.qts, RAM_END - 0x2000, 0xee, 0x2000);
    wr(&t, POTNPU_REG_CORE_CTRL, 0);
    dmem_fill(&t, D_DATA, 0x2000, 3);

    /* One chunk, half RAM, half nothing: EBUS, no byte written. */
    assert_eq(dma_mode(&t, MODE(COPY, DMEM, BUS), D_DATA, RAM_END - 0x10,
                       0x20, 0, 0, &fault), POTNPU_DMA_EBUS);
    assert_eq(fault, (uint32_t)(RAM_END - 0x10));
    qtest_memread(t.qts, RAM_END - 0x10, bytes, 16);
    for (i = 0; i < 16; i++) {
        assert_eq(bytes[i], 0xee);
    }
    /* Two chunks: the first written, none of the second. */
    assert_eq(dma_mode(&t, MODE(FILL, DMEM, BUS), 0, RAM_END - 0x1008,
                       0x1010, 0, 0x5a5a5a5a, &fault), POTNPU_DMA_EBUS);
    assert_eq(fault, (uint32_t)(RAM_END - 8));
    assert_eq(qtest_readl(t.qts, RAM_END - 0x1008), 0x5a5a5a5a);
    assert_eq(qtest_readl(t.qts, RAM_END - 0xc), 0x5a5a5a5a);
    assert_eq(qtest_readq(t.qts, RAM_END - 8), 0xeeeeeeeeeeeeeeeeull);

    /* A BUS range ending at 2^64 is in range (nothing there: EBUS). */
    assert_eq(dma_mode(&t, MODE(FILL, DMEM, BUS), 0, 0xfffffffffffffff0ull,
                       0x10, 0, 0, &fault), POTNPU_DMA_EBUS);
    assert_eq(fault, 0xfffffff0);
    assert_eq(dma_fault_hi, 0xffffffff);
    assert_eq(dma_mode(&t, MODE(COPY, BUS, DMEM), 0xfffffffffffffff0ull,
                       D_DATA, 0x10, 0, 0, &fault), POTNPU_DMA_EBUS);
    assert_eq(dma_mode(&t, MODE(FILL, DMEM, BUS), 0, 0xfffffffffffffff0ull,
                       0x11, 0, 0, &fault), POTNPU_DMA_ERANGE);
    assert_eq(dma_mode(&t, MODE(COPY, BUS, DMEM), 0xffffffffffffffffull,
                       D_DATA, 1, 0, 0, &fault), POTNPU_DMA_EBUS);

    /* Length 0 succeeds wherever it points; the mode is still checked. */
    assert_eq(dma_copy(&t, MODE(COPY, DMEM, DMEM), 0x20000, 0xfffffff0, 0,
                       0), POTNPU_DMA_OK);
    assert_eq(dma_copy(&t, MODE(COPY, BUS, DMEM), ~0ull, 0x10001, 0, 0),
              POTNPU_DMA_OK);
    assert_eq(dma_copy(&t, POTNPU_DMA_MODE(0, 0, 4), 0x20000, 0, 0, 0),
              POTNPU_DMA_EINVAL);
    assert_eq(rd(&t, POTNPU_REG_GUEST_ERRORS), 0);
    stop_vm(&t);
}

/* Count 2-byte transfers of @mode in a loop for @slices slices. */
static uint32_t tiny_dma_loop(PotnpuTest *t, uint64_t buf, uint32_t mode,
                              uint32_t slices)
{
    Prog p;
    uint32_t loop;

    prologue(&p, false);
    li(&p, RA, buf);
    emit(&p, SW(RA, X25, POTNPU_IO_DMA_DST_LO));
    emit(&p, SW(X0, X25, POTNPU_IO_DMA_DST_HI));
    li(&p, RA, D_DATA);
    emit(&p, SW(RA, X25, POTNPU_IO_DMA_SRC_LO));
    emit(&p, SW(X0, X25, POTNPU_IO_DMA_SRC_HI));
    li(&p, RA, 2);
    emit(&p, SW(RA, X25, POTNPU_IO_DMA_LEN));
    li(&p, RA, mode);
    emit(&p, SW(RA, X25, POTNPU_IO_DMA_MODE));
    loop = emit(&p, SW(X0, X25, POTNPU_IO_DMA_START));
    emit(&p, ADDI(X5, X5, 1));
    emit(&p, SW(X5, S0, 0));
    emit(&p, JAL(X0, loop - here(&p)));
    core_load(t, &p);
    dmem_wr(t, 0, 0);
    core_start(t, 0);
    step(t, slices * SLICE_NS);
    wr(t, POTNPU_REG_CORE_CTRL, 0);
    return dmem(t, 0);
}

/*
 * Tiny transfers cannot starve the host: every transfer costs at least
 * one chunk's worth of slots (64), so a loop of 2-byte DMAs starts at most
 * slice-insns / 64 + 1 of them per slice, not one per few instructions.
 * Counted in transfers per slice, not in wall time. A refused transfer
 * costs as much.
 */
static void test_dma_tiny_budget(void)
{
    const uint32_t slices = 20, min_slots = 64, loop_insns = 4;
    const uint32_t modes[] = { MODE(COPY, DMEM, BUS), 0x1000 };
    PotnpuTest t;
    uint64_t buf;
    uint32_t i, n;

    start_vm(&t, NULL);
    buf = guest_alloc(&t.qs->alloc, 0x1000);
    for (i = 0; i < ARRAY_SIZE(modes); i++) {
        n = tiny_dma_loop(&t, buf, modes[i], slices);
        g_test_message("mode 0x%x: %u two-byte transfers in %u slices",
                       modes[i], n, slices);
        g_assert(n <= slices * (2000 / min_slots + 1));
        g_assert(n >= slices * 2000 / (min_slots + loop_insns) - 2);
    }
    stop_vm(&t);
}

/*
 * The shift-add engine and its SRAM (host interface 1.3). SRAM is only
 * reachable by DMA: data moves DMEM <-> SRAM (or BUS <-> SRAM) through
 * the script runner, results come back through BAR4 or guest memory.
 */
#define D_TILE              0x800           /* a struct potnpu_sae_tile */
#define D_STAGE             0x2000          /* bytes on their way to SRAM */
#define S_IN                POTNPU_SRAM_IN
#define S_OUT               POTNPU_SRAM_OUT
#define S_TABLE             POTNPU_SRAM_W
#define S_CHAN              (POTNPU_SRAM_W + POTNPU_SRAM_TABLE_SIZE)
#define S_WEIGHTS           (S_CHAN + 0x1000)

/* Write @len bytes at DMEM @off (4-aligned) through BAR4; core halted. */
static void dmem_write(PotnpuTest *t, uint32_t off, const void *buf,
                       uint32_t len)
{
    const uint8_t *b = buf;
    uint32_t i, j, w;

    wr(t, POTNPU_REG_CORE_CTRL, 0);
    for (i = 0; i < len; i += 4) {
        for (w = 0, j = 0; j < 4 && i + j < len; j++) {
            w |= (uint32_t)b[i + j] << (8 * j);
        }
        dmem_wr(t, off + i, w);
    }
}

static void dmem_read(PotnpuTest *t, uint32_t off, uint8_t *buf,
                      uint32_t len)
{
    uint32_t i;

    for (i = 0; i < len; i++) {
        buf[i] = dmem_byte(t, off + i);
    }
}

/* Copy @len bytes into SRAM at @off, through DMEM. */
static void sram_put(PotnpuTest *t, uint32_t off, const void *buf,
                     uint32_t len)
{
    dmem_write(t, D_STAGE, buf, len);
    assert_eq(dma_copy(t, MODE(COPY, DMEM, SRAM), D_STAGE, off, len, 0),
              POTNPU_DMA_OK);
}

static void sram_put32(PotnpuTest *t, uint32_t off, uint32_t val)
{
    uint8_t b[4] = { val, val >> 8, val >> 16, val >> 24 };

    sram_put(t, off, b, 4);
}

static void sram_get(PotnpuTest *t, uint32_t off, uint8_t *buf, uint32_t len)
{
    assert_eq(dma_copy(t, MODE(COPY, SRAM, DMEM), off, D_STAGE, len, 0),
              POTNPU_DMA_OK);
    dmem_read(t, D_STAGE, buf, len);
}

static void sram_fill(PotnpuTest *t, uint32_t off, uint32_t len,
                      uint32_t pattern)
{
    assert_eq(dma_mode(t, MODE(FILL, DMEM, SRAM), 0, off, len, 0, pattern,
                       NULL), POTNPU_DMA_OK);
}

static void set_chan_rec(PotnpuTest *t, uint32_t j, int32_t bias, uint32_t m,
                         uint32_t shift)
{
    uint8_t b[8] = { bias, bias >> 8, bias >> 16, bias >> 24, m, m >> 8,
                     shift, 0 };

    sram_put(t, S_CHAN + 8 * j, b, 8);
}

/* A 2D transfer; DMA_ROWS is set back to 0 by the same script. */
static uint32_t dma_2d_ctx(PotnpuTest *t, uint32_t mode, uint64_t src,
                           uint64_t dst, uint32_t len, uint32_t rows,
                           uint32_t sstride, uint32_t dstride,
                           uint32_t pattern, uint32_t ctx, uint32_t *fault)
{
    Script sc = { .n = 0 };
    uint32_t st, fa, rr, rs, rd;

    script_store(&sc, IO(POTNPU_IO_DMA_SRC_LO), src);
    script_store(&sc, IO(POTNPU_IO_DMA_SRC_HI), src >> 32);
    script_store(&sc, IO(POTNPU_IO_DMA_DST_LO), dst);
    script_store(&sc, IO(POTNPU_IO_DMA_DST_HI), dst >> 32);
    script_store(&sc, IO(POTNPU_IO_DMA_LEN), len);
    script_store(&sc, IO(POTNPU_IO_DMA_CTX), ctx);
    script_store(&sc, IO(POTNPU_IO_DMA_MODE), mode);
    script_store(&sc, IO(POTNPU_IO_DMA_PATTERN), pattern);
    script_store(&sc, IO(POTNPU_IO_DMA_ROWS), rows);
    script_store(&sc, IO(POTNPU_IO_DMA_SRC_STRIDE), sstride);
    script_store(&sc, IO(POTNPU_IO_DMA_DST_STRIDE), dstride);
    script_store(&sc, IO(POTNPU_IO_DMA_START), 1);
    st = script_load(&sc, IO(POTNPU_IO_DMA_STATUS));
    fa = script_load(&sc, IO(POTNPU_IO_DMA_FAULT_ADDR));
    rr = script_load(&sc, IO(POTNPU_IO_DMA_ROWS));
    rs = script_load(&sc, IO(POTNPU_IO_DMA_SRC_STRIDE));
    rd = script_load(&sc, IO(POTNPU_IO_DMA_DST_STRIDE));
    script_store(&sc, IO(POTNPU_IO_DMA_ROWS), 0);
    script_run(t, &sc);
    assert_eq(dmem(t, rr), rows);
    assert_eq(dmem(t, rs), sstride);
    assert_eq(dmem(t, rd), dstride);
    if (fault) {
        *fault = dmem(t, fa);
    }
    return dmem(t, st);
}

static uint32_t dma_2d(PotnpuTest *t, uint32_t mode, uint64_t src,
                       uint64_t dst, uint32_t len, uint32_t rows,
                       uint32_t sstride, uint32_t dstride, uint32_t pattern,
                       uint32_t *fault)
{
    return dma_2d_ctx(t, mode, src, dst, len, rows, sstride, dstride,
                      pattern, 0, fault);
}

static void test_sae_dma_sram(void)
{
    PotnpuTest t;
    uint64_t buf, buf2;
    uint8_t got[0x40], before[0x40], bytes[0x400];
    uint32_t fault, i, r;

    start_vm(&t, NULL);
    buf = guest_alloc(&t.qs->alloc, 0x4000);
    buf2 = guest_alloc(&t.qs->alloc, 0x4000);

    /* DMEM -> SRAM -> BUS, across chunks, at odd offsets. */
    wr(&t, POTNPU_REG_CORE_CTRL, 0);
    dmem_fill(&t, D_DATA, 0x2000, 5);
    assert_eq(dma_copy(&t, MODE(COPY, DMEM, SRAM), D_DATA + 1, 0x12345,
                       0x1803, 0), POTNPU_DMA_OK);
    assert_eq(dma_copy(&t, MODE(COPY, SRAM, BUS), 0x12345, buf + 3, 0x1803,
                       0), POTNPU_DMA_OK);
    wr(&t, POTNPU_REG_CORE_CTRL, 0);
    check_dmem_vs_guest(&t, D_DATA + 1, buf + 3, 0x1803);
    /* BUS -> SRAM up to its very end, SRAM -> DMEM. */
    for (i = 0; i < sizeof(bytes); i++) {
        bytes[i] = i * 7 + 1;
    }
    qtest_memwrite(t.qts, buf2, bytes, sizeof(bytes));
    assert_eq(dma_copy(&t, MODE(COPY, BUS, SRAM), buf2,
                       POTNPU_SRAM_SIZE - 0x400, 0x400, 0), POTNPU_DMA_OK);
    assert_eq(dma_copy(&t, MODE(COPY, SRAM, DMEM), POTNPU_SRAM_SIZE - 0x400,
                       D_DATA + 0x4000, 0x400, 0), POTNPU_DMA_OK);
    check_dmem_vs_guest(&t, D_DATA + 0x4000, buf2, 0x400);
    /* FILL SRAM, SRAM -> SRAM. */
    sram_fill(&t, 0x100, 6, 0xa1b2c3d4);
    assert_eq(dma_copy(&t, MODE(COPY, SRAM, SRAM), 0x100, 0x201, 6, 0),
              POTNPU_DMA_OK);
    sram_get(&t, 0x200, got, 8);
    assert_eq(got[1], 0xd4);
    assert_eq(got[4], 0xa1);
    assert_eq(got[5], 0xd4);
    assert_eq(got[6], 0xc3);

    /* ERANGE: nothing moves, the fault address is the range's start. */
    sram_get(&t, POTNPU_SRAM_SIZE - 0x10, before, 0x10);
    assert_eq(dma_mode(&t, MODE(COPY, DMEM, SRAM), D_DATA,
                       POTNPU_SRAM_SIZE - 0x10, 0x11, 0, 0, &fault),
              POTNPU_DMA_ERANGE);
    assert_eq(fault, POTNPU_SRAM_SIZE - 0x10);
    sram_get(&t, POTNPU_SRAM_SIZE - 0x10, got, 0x10);
    g_assert(!memcmp(got, before, 0x10));
    assert_eq(dma_mode(&t, MODE(COPY, SRAM, DMEM), POTNPU_SRAM_SIZE, D_DATA,
                       1, 0, 0, &fault), POTNPU_DMA_ERANGE);
    assert_eq(fault, POTNPU_SRAM_SIZE);
    assert_eq(dma_mode(&t, MODE(FILL, DMEM, SRAM), 0, 0x100000000ull, 1, 0,
                       0, &fault), POTNPU_DMA_ERANGE);
    assert_eq(dma_copy(&t, MODE(COPY, SRAM, BUS), 0, buf, 0, 0),
              POTNPU_DMA_OK);

    /* 2D DMEM -> SRAM: 3 rows of 5 bytes, strides 7 and 16. */
    sram_fill(&t, 0x1000, 0x40, 0);
    assert_eq(dma_2d(&t, MODE(COPY, DMEM, SRAM), D_DATA, 0x1000, 5, 3, 7, 16,
                     0, NULL), POTNPU_DMA_OK);
    sram_get(&t, 0x1000, got, 0x30);
    for (r = 0; r < 3; r++) {
        for (i = 0; i < 16; i++) {
            assert_eq(got[16 * r + i],
                      i < 5 ? dmem_byte(&t, D_DATA + 7 * r + i) : 0);
        }
    }
    /* 2D FILL: every row gets the pattern from its first byte. */
    assert_eq(dma_2d(&t, MODE(FILL, DMEM, SRAM), 0, 0x1100, 6, 2, 0, 8,
                     0x44332211, NULL), POTNPU_DMA_OK);
    sram_get(&t, 0x1100, got, 16);
    for (r = 0; r < 2; r++) {
        for (i = 0; i < 6; i++) {
            assert_eq(got[8 * r + i], 0x11 * (1 + i % 4));
        }
    }
    /* 2D BUS -> SRAM, 4 rows 0x100 apart in guest memory. */
    assert_eq(dma_2d(&t, MODE(COPY, BUS, SRAM), buf2, 0x1200, 8, 4, 0x100, 8,
                     0, NULL), POTNPU_DMA_OK);
    sram_get(&t, 0x1200, got, 32);
    for (i = 0; i < 32; i++) {
        assert_eq(got[i], bytes[0x100 * (i / 8) + i % 8]);
    }
    /* 2D SRAM -> BUS, the output band's write-back with a pixel stride. */
    qtest_memset(t.qts, buf, 0xee, 0x40);
    assert_eq(dma_2d(&t, MODE(COPY, SRAM, BUS), 0x1200, buf, 3, 4, 8, 5, 0,
                     NULL), POTNPU_DMA_OK);
    qtest_memread(t.qts, buf, got, 0x20);
    for (i = 0; i < 0x20; i++) {
        assert_eq(got[i], i % 5 < 3 && i < 20 ? bytes[0x100 * (i / 5) + i % 5]
                                               : 0xee);
    }

    /* The last row out of SRAM: ERANGE before the first row moves. */
    sram_get(&t, 0x10000, before, 16);
    assert_eq(dma_2d(&t, MODE(COPY, DMEM, SRAM), D_DATA, 0x10000, 16, 4, 16,
                     0x10000, 0, &fault), POTNPU_DMA_ERANGE);
    assert_eq(fault, POTNPU_SRAM_SIZE);
    sram_get(&t, 0x10000, got, 16);
    g_assert(!memcmp(got, before, 16));
    /* A source row leaving DMEM: its start is the fault address. */
    assert_eq(dma_2d(&t, MODE(COPY, DMEM, SRAM), 0xf000, 0, 0x100, 17,
                     0x100, 0x200, 0, &fault), POTNPU_DMA_ERANGE);
    assert_eq(fault, 0x10000);
    /* Rows that follow each other on both sides are one range. */
    assert_eq(dma_2d(&t, MODE(COPY, DMEM, SRAM), 0xf000, 0, 0x100, 17,
                     0x100, 0x100, 0, &fault), POTNPU_DMA_ERANGE);
    assert_eq(fault, 0xf000);
    assert_eq(dma_2d(&t, MODE(COPY, DMEM, SRAM), D_DATA, 0x3000, 0x10, 0x20,
                     0x10, 0x10, 0, NULL), POTNPU_DMA_OK);
    sram_get(&t, 0x3000, bytes, 0x200);
    for (i = 0; i < 0x200; i++) {
        assert_eq(bytes[i], dmem_byte(&t, D_DATA + i));
    }
    /* A BUS row address passing 2^64. */
    assert_eq(dma_2d(&t, MODE(COPY, BUS, SRAM), 0xfffffffffffff000ull, 0, 16,
                     2, 0x1000, 16, 0, &fault), POTNPU_DMA_ERANGE);
    /* rows * LEN beyond 1 MiB: EINVAL; exactly 1 MiB is fine. */
    assert_eq(dma_2d(&t, MODE(COPY, SRAM, SRAM), 0, 0x10000, 0x10000, 17, 0,
                     0, 0, NULL), POTNPU_DMA_EINVAL);
    assert_eq(dma_2d(&t, MODE(COPY, SRAM, SRAM), 0, 0x10000, 0x10000, 16, 0,
                     0, 0, NULL), POTNPU_DMA_OK);
    assert_eq(dma_2d(&t, MODE(COPY, SRAM, SRAM), 0, 0x10000, 0x100001,
                     0xffffffff, 0, 0, 0, NULL), POTNPU_DMA_EINVAL);
    /* LEN 0 moves nothing, whatever the rows. */
    assert_eq(dma_2d(&t, MODE(COPY, SRAM, SRAM), 0, 0x10000, 0, 0xffffffff,
                     0, 0, 0, NULL), POTNPU_DMA_OK);
    assert_eq(rd(&t, POTNPU_REG_GUEST_ERRORS), 0);
    stop_vm(&t);
}

typedef struct SaeRes {
    uint32_t status, info, cycles, desc;
    uint64_t taps, terms, zero;
} SaeRes;

/* Start the engine on the tile at DMEM @desc. */
static SaeRes sae_start(PotnpuTest *t, uint32_t desc)
{
    Script sc = { .n = 0 };
    uint32_t at[10], i;
    SaeRes r;

    script_store(&sc, IO(POTNPU_IO_SAE_DESC), desc);
    script_store(&sc, IO(POTNPU_IO_SAE_START), 1);
    for (i = 0; i < 10; i++) {
        at[i] = script_load(&sc, IO(POTNPU_IO_SAE_DESC + 4 * i +
                                    (i ? 4 : 0)));
    }
    script_run(t, &sc);
    r.desc = dmem(t, at[0]);
    r.status = dmem(t, at[1]);
    r.info = dmem(t, at[2]);
    r.taps = dmem(t, at[3]) | (uint64_t)dmem(t, at[4]) << 32;
    r.terms = dmem(t, at[5]) | (uint64_t)dmem(t, at[6]) << 32;
    r.zero = dmem(t, at[7]) | (uint64_t)dmem(t, at[8]) << 32;
    r.cycles = dmem(t, at[9]);
    assert_eq(r.desc, desc);
    return r;
}

static SaeRes sae_run_tile(PotnpuTest *t, const struct potnpu_sae_tile *tile)
{
    dmem_write(t, D_TILE, tile, sizeof(*tile));
    return sae_start(t, D_TILE);
}

static struct potnpu_sae_tile sae_tile(uint32_t op)
{
    struct potnpu_sae_tile tile = {
        .op = op, .in = S_IN, .out = S_OUT, .weights = S_WEIGHTS,
        .table = S_TABLE, .chan = S_CHAN, .in_h = 1, .in_w = 1, .in_c = 1,
        .in_cstride = 1, .rows_in = 1, .out_rows = 1, .out_w = 1,
        .out_c = 1, .ocb = 1, .kh = 1, .kw = 1, .sh = 1, .sw = 1, .dh = 1,
        .dw = 1, .groups = 1, .wbits = op == POTNPU_OP_CONV2D ? 4 : 0,
        .lo = -128, .hi = 127,
    };

    return tile;
}

/* docs/numerics.md's worked CONV2D example, set up in SRAM. */
static struct potnpu_sae_tile conv_example(PotnpuTest *t)
{
    struct potnpu_sae_tile tile = sae_tile(POTNPU_OP_CONV2D);
    const uint8_t x[2] = { 10, (uint8_t)-3 }, w = 5 | 1 << 4;

    tile.in_c = tile.in_cstride = 2;
    tile.in_zp = -2;
    tile.out_zp = 3;
    sram_put(t, S_IN, x, 2);
    sram_put(t, S_WEIGHTS, &w, 1);
    sram_fill(t, S_TABLE, 64, 0);
    sram_put32(t, S_TABLE + 4 * 5, 0x0000c442);
    sram_put32(t, S_TABLE + 4 * 1, 0x00000040);
    set_chan_rec(t, 0, 100, 32768, 15);
    return tile;
}

static void test_sae_tiles(void)
{
    static const int8_t pool_in[6] = { 3, -7, 5, 9, 1, -2 };
    struct potnpu_sae_tile tile;
    PotnpuTest t;
    uint8_t got[4];
    SaeRes r;

    start_vm(&t, NULL);

    /* CONV2D: y = -42, 3 terms, 2 taps, 21 cycles. */
    tile = conv_example(&t);
    r = sae_run_tile(&t, &tile);
    assert_eq(r.status, POTNPU_SAE_OK);
    sram_get(&t, S_OUT, got, 1);
    assert_eq((int8_t)got[0], -42);
    assert_eq(r.terms, 3);
    assert_eq(r.taps, 2);
    assert_eq(r.zero, 0);
    assert_eq(r.info, 0);
    assert_eq(r.cycles, 1 + 4 + 16);

    /* MAXPOOL 2 x 3, 2 x 2 window: max 9 (clamped to 8), 5. */
    tile = sae_tile(POTNPU_OP_MAXPOOL);
    tile.in_h = tile.rows_in = 2;
    tile.in_w = 3;
    tile.out_w = 2;
    tile.kh = tile.kw = 2;
    tile.hi = 8;
    sram_put(&t, S_IN, pool_in, sizeof(pool_in));
    r = sae_run_tile(&t, &tile);
    assert_eq(r.status, POTNPU_SAE_OK);
    sram_get(&t, S_OUT, got, 2);
    assert_eq((int8_t)got[0], 8);
    assert_eq((int8_t)got[1], 5);
    assert_eq(r.taps, 8);
    assert_eq(r.terms, 0);
    assert_eq(r.cycles, 1 + 16);

    /*
     * REQUANT, numerics.md's example: acc -1234 and 1234 (the bias, on a
     * zero input), M 23170, s 16, out_zp -5: -128 and 127.
     */
    tile = sae_tile(POTNPU_OP_REQUANT);
    tile.in_c = tile.in_cstride = tile.out_c = tile.ocb = 3;
    tile.out_zp = -5;
    sram_fill(&t, S_IN, 4, 0);
    set_chan_rec(&t, 0, -1234, 23170, 16);
    set_chan_rec(&t, 1, 1234, 23170, 16);
    set_chan_rec(&t, 2, -1234, 23170, 19);
    r = sae_run_tile(&t, &tile);
    assert_eq(r.status, POTNPU_SAE_OK);
    sram_get(&t, S_OUT, got, 3);
    assert_eq((int8_t)got[0], -128);
    assert_eq((int8_t)got[1], 127);
    assert_eq((int8_t)got[2], -55 - 5);
    assert_eq(r.taps, 3);
    /* Ties: acc 3 -> 2, acc -3 -> -1 (M 1, s 1). */
    tile.out_zp = 0;
    tile.in_c = tile.in_cstride = tile.out_c = tile.ocb = 2;
    set_chan_rec(&t, 0, 3, 1, 1);
    set_chan_rec(&t, 1, -3, 1, 1);
    r = sae_run_tile(&t, &tile);
    assert_eq(r.status, POTNPU_SAE_OK);
    sram_get(&t, S_OUT, got, 2);
    assert_eq((int8_t)got[0], 2);
    assert_eq((int8_t)got[1], -1);
    assert_eq(rd(&t, POTNPU_REG_GUEST_ERRORS), 0);
    stop_vm(&t);
}

/* A refused start: the status, no counters, the output band as it was. */
static void check_refused(PotnpuTest *t, SaeRes r, uint32_t status,
                          uint32_t info)
{
    uint8_t got[16];
    unsigned i;

    assert_eq(r.status, status);
    assert_eq(r.info, info);
    assert_eq(r.taps, 0);
    assert_eq(r.terms, 0);
    assert_eq(r.zero, 0);
    assert_eq(r.cycles, 0);
    sram_get(t, S_OUT, got, sizeof(got));
    for (i = 0; i < sizeof(got); i++) {
        assert_eq(got[i], 0x5a);
    }
}

static void test_sae_errors(void)
{
    struct potnpu_sae_tile good, tile;
    PotnpuTest t;

    start_vm(&t, NULL);
    good = conv_example(&t);
    sram_fill(&t, S_OUT, 16, 0x5a5a5a5a);

    /* Each after a good start, whose counters the failure clears. */
    tile = good;
    tile.out = S_OUT + 0x100;
    assert_eq(sae_run_tile(&t, &tile).status, POTNPU_SAE_OK);
    tile.out = S_OUT;
    tile.op = 0x15;
    check_refused(&t, sae_run_tile(&t, &tile), POTNPU_SAE_EINVAL, 0);

    /* SRAM out of range: the output band runs past the end. */
    tile = good;
    tile.out = POTNPU_SRAM_SIZE - 1;
    tile.in_w = tile.out_w = 2;
    check_refused(&t, sae_run_tile(&t, &tile), POTNPU_SAE_ERANGE, 0);
    tile = good;
    tile.weights = 0xffffffff;
    check_refused(&t, sae_run_tile(&t, &tile), POTNPU_SAE_ERANGE, 0);

    /* A bad table word: ETABLE, the code in SAE_ERROR_INFO. */
    sram_put32(&t, S_TABLE + 4 * 7, 0x00400040);
    check_refused(&t, sae_run_tile(&t, &good), POTNPU_SAE_ETABLE, 7);
    sram_put32(&t, S_TABLE + 4 * 7, 0x000000b0);
    check_refused(&t, sae_run_tile(&t, &good), POTNPU_SAE_ETABLE, 7);
    sram_put32(&t, S_TABLE + 4 * 7, 0);

    /* Too much work: 1024 outputs of 4097 taps > 2^22. */
    tile = good;
    tile.in_w = tile.out_w = 1024;
    tile.in_c = tile.in_cstride = 4097;
    check_refused(&t, sae_run_tile(&t, &tile), POTNPU_SAE_EWORK, 0);

    /* The descriptor: misaligned, or not all inside DMEM. */
    dmem_write(&t, D_TILE, &good, sizeof(good));
    check_refused(&t, sae_start(&t, D_TILE + 2), POTNPU_SAE_EINVAL, 0);
    check_refused(&t, sae_start(&t, POTNPU_CORE_DMEM_SIZE - 0x40),
                  POTNPU_SAE_ERANGE, 0);
    check_refused(&t, sae_start(&t, 0xfffffffc), POTNPU_SAE_ERANGE, 0);

    /* And the good tile still runs. */
    assert_eq(sae_run_tile(&t, &good).status, POTNPU_SAE_OK);
    assert_eq(rd(&t, POTNPU_REG_GUEST_ERRORS), 0);
    assert_eq(rd(&t, POTNPU_REG_IRQ_STATUS), 0);
    stop_vm(&t);
}

/* RESET clears SRAM, the SAE registers and the 2D DMA registers. */
static void test_sae_reset(void)
{
    g_autofree uint8_t *img = g_malloc(POTNPU_SRAM_SIZE);
    struct potnpu_sae_tile tile;
    PotnpuTest t;
    uint64_t buf;
    Script sc = { .n = 0 };
    uint32_t at[8], i;
    SaeRes r;

    start_vm(&t, NULL);
    buf = guest_alloc(&t.qs->alloc, POTNPU_SRAM_SIZE);
    sram_fill(&t, S_OUT + 0x10, POTNPU_SRAM_SIZE - S_OUT - 0x10, 0xa5a5a5a5);
    sram_fill(&t, 0x10, S_OUT - 0x10, 0xa5a5a5a5);
    tile = conv_example(&t);
    r = sae_run_tile(&t, &tile);
    assert_eq(r.status, POTNPU_SAE_OK);
    script_store(&sc, IO(POTNPU_IO_DMA_ROWS), 3);
    script_store(&sc, IO(POTNPU_IO_DMA_SRC_STRIDE), 5);
    script_store(&sc, IO(POTNPU_IO_DMA_DST_STRIDE), 7);
    script_run(&t, &sc);

    wr(&t, POTNPU_REG_RESET, POTNPU_RESET_MAGIC);
    check_reset_values(&t);

    sc.n = 0;
    at[0] = script_load(&sc, IO(POTNPU_IO_DMA_ROWS));
    at[1] = script_load(&sc, IO(POTNPU_IO_DMA_SRC_STRIDE));
    at[2] = script_load(&sc, IO(POTNPU_IO_DMA_DST_STRIDE));
    at[3] = script_load(&sc, IO(POTNPU_IO_SAE_DESC));
    at[4] = script_load(&sc, IO(POTNPU_IO_SAE_TAPS_LO));
    at[5] = script_load(&sc, IO(POTNPU_IO_SAE_TERMS_LO));
    at[6] = script_load(&sc, IO(POTNPU_IO_SAE_CYCLES));
    at[7] = script_load(&sc, IO(POTNPU_IO_SAE_STATUS));
    script_run(&t, &sc);
    for (i = 0; i < 8; i++) {
        assert_eq(dmem(&t, at[i]), 0);
    }
    /* The whole SRAM reads back as zero (through guest memory). */
    qtest_memset(t.qts, buf, 0xff, POTNPU_SRAM_SIZE);
    assert_eq(dma_copy(&t, MODE(COPY, SRAM, BUS), 0, buf, POTNPU_SRAM_SIZE,
                       0), POTNPU_DMA_OK);
    qtest_memread(t.qts, buf, img, POTNPU_SRAM_SIZE);
    for (i = 0; i < POTNPU_SRAM_SIZE; i++) {
        assert_eq(img[i], 0);
    }
    stop_vm(&t);
}

/* Count SAE starts of the tile at @desc in a loop for @slices slices. */
static uint32_t sae_loop(PotnpuTest *t, uint32_t desc, uint32_t slices)
{
    Prog p;
    uint32_t loop;

    prologue(&p, false);
    li(&p, RA, desc);
    emit(&p, SW(RA, X25, POTNPU_IO_SAE_DESC));
    loop = emit(&p, SW(X0, X25, POTNPU_IO_SAE_START));
    emit(&p, ADDI(X5, X5, 1));
    emit(&p, SW(X5, S0, 0));
    emit(&p, JAL(X0, loop - here(&p)));
    core_load(t, &p);
    dmem_wr(t, 0, 0);
    core_start(t, 0);
    step(t, slices * SLICE_NS);
    wr(t, POTNPU_REG_CORE_CTRL, 0);
    return dmem(t, 0);
}

/*
 * A firmware starting the engine in a loop cannot starve the host: a
 * refused start costs POTNPU_SAE_MIN_SLOTS (64), and a big tile one slot
 * per 4 modeled cycles (or 16 taps) more. Counted in starts per slice.
 */
static void test_sae_budget(void)
{
    const uint32_t slices = 40, big_slices = 200, loop_insns = 4;
    struct potnpu_sae_tile tile = sae_tile(POTNPU_OP_CONV2D);
    Script sc = { .n = 0 };
    PotnpuTest t;
    uint32_t n, slots, at[4];

    start_vm(&t, NULL);
    n = sae_loop(&t, D_TILE + 1, slices);
    g_test_message("%u refused starts in %u slices", n, slices);
    g_assert(n <= slices * (SLICE_INSNS / 64 + 1));
    g_assert(n >= slices * SLICE_INSNS / (64 + loop_insns) - 2);

    /*
     * 64 x 2048 input, 32 channels of zero weights: 2^22 taps, no terms,
     * so the cost is the taps': 64 + 2^18 / 4 slots.
     */
    tile.in_w = tile.out_w = 64;
    tile.in_c = tile.in_cstride = 2048;
    tile.out_c = tile.ocb = 32;
    tile.wbits = 2;
    dmem_write(&t, D_TILE, &tile, sizeof(tile));
    slots = 64 + (1u << 18) / 4;
    n = sae_loop(&t, D_TILE, big_slices);
    g_test_message("%u starts of 2^22 taps in %u slices (%u slots each)", n,
                   big_slices, slots);
    sc.n = 0;
    at[0] = script_load(&sc, IO(POTNPU_IO_SAE_STATUS));
    at[1] = script_load(&sc, IO(POTNPU_IO_SAE_TAPS_LO));
    at[2] = script_load(&sc, IO(POTNPU_IO_SAE_ZERO_LO));
    at[3] = script_load(&sc, IO(POTNPU_IO_SAE_CYCLES));
    script_run(&t, &sc);
    assert_eq(dmem(&t, at[0]), POTNPU_SAE_OK);
    assert_eq(dmem(&t, at[1]), 1u << 22);
    assert_eq(dmem(&t, at[2]), 1u << 22);
    assert_eq(dmem(&t, at[3]), 4 * 2048 / 16 + 16);
    g_assert(n <= big_slices * SLICE_INSNS / slots + 1);
    g_assert(n >= big_slices * SLICE_INSNS / (slots + loop_insns) - 1);
    stop_vm(&t);
}

/* Page tables in guest memory for MMU slot SLOT. */
#define SLOT                3
#define VA0                 0x200000ull     /* L1 index 1 */

typedef struct Tables {
    uint64_t l1, l2;
    uint64_t page[4];
} Tables;

static uint64_t alloc_page(PotnpuTest *t)
{
    uint64_t a = guest_alloc(&t->qs->alloc, POTNPU_PAGE_SIZE);

    g_assert(!(a & (POTNPU_PAGE_SIZE - 1)));
    qtest_memset(t->qts, a, 0, POTNPU_PAGE_SIZE);
    return a;
}

static void set_pte(PotnpuTest *t, uint64_t table, unsigned idx, uint64_t pte)
{
    qtest_writeq(t->qts, table + 8 * idx, pte);
}

static void set_root(PotnpuTest *t, unsigned slot, uint64_t root)
{
    wr(t, POTNPU_REG_MMU_CTX_SEL, slot);
    wr(t, POTNPU_REG_MMU_PT_LO, root);
    wr(t, POTNPU_REG_MMU_PT_HI, root >> 32);
}

/*
 * VA0 + 0x0000 -> page[1] (rw), VA0 + 0x1000 -> page[0] (rw),
 * VA0 + 0x2000 -> page[2] (read only); nothing else.
 */
static void build_tables(PotnpuTest *t, Tables *tb)
{
    unsigned i;

    tb->l1 = alloc_page(t);
    tb->l2 = alloc_page(t);
    for (i = 0; i < ARRAY_SIZE(tb->page); i++) {
        tb->page[i] = alloc_page(t);
    }
    set_pte(t, tb->l1, POTNPU_PT_INDEX(VA0, POTNPU_PT_L1_SHIFT),
            tb->l2 | POTNPU_PTE_VALID);
    set_pte(t, tb->l2, 0, tb->page[1] | POTNPU_PTE_VALID | POTNPU_PTE_WRITE);
    set_pte(t, tb->l2, 1, tb->page[0] | POTNPU_PTE_VALID | POTNPU_PTE_WRITE);
    set_pte(t, tb->l2, 2, tb->page[2] | POTNPU_PTE_VALID);
    set_root(t, SLOT, tb->l1);
}

static void test_dma_va(void)
{
    PotnpuTest t;
    Tables tb;
    uint8_t bytes[16];
    uint32_t i;

    start_vm(&t, NULL);
    build_tables(&t, &tb);
    wr(&t, POTNPU_REG_CORE_CTRL, 0);
    dmem_fill(&t, D_DATA, 0x2000, 7);

    /* DMEM -> VA across a page boundary, onto two scattered pages. */
    assert_eq(dma_copy(&t, MODE(COPY, DMEM, VA), D_DATA, VA0 + 0x800, 0x1000,
                       SLOT), POTNPU_DMA_OK);
    wr(&t, POTNPU_REG_CORE_CTRL, 0);
    check_dmem_vs_guest(&t, D_DATA, tb.page[1] + 0x800, 0x800);
    check_dmem_vs_guest(&t, D_DATA + 0x800, tb.page[0], 0x800);

    /* VA -> DMEM back, from the read-only page too. */
    qtest_memset(t.qts, tb.page[2], 0x5c, POTNPU_PAGE_SIZE);
    assert_eq(dma_copy(&t, MODE(COPY, VA, DMEM), VA0 + 0x800,
                       D_DATA + 0x4000, 0x1000, SLOT), POTNPU_DMA_OK);
    for (i = 0; i < 0x1000; i += 4) {
        assert_eq(dmem(&t, D_DATA + 0x4000 + i), dmem(&t, D_DATA + i));
    }
    assert_eq(dma_copy(&t, MODE(COPY, VA, DMEM), VA0 + 0x2ff0,
                       D_DATA + 0x6000, 16, SLOT), POTNPU_DMA_OK);
    assert_eq(dmem(&t, D_DATA + 0x6000), 0x5c5c5c5c);

    /* FILL VA, VA -> VA, BUS -> VA. */
    assert_eq(dma_mode(&t, MODE(FILL, DMEM, VA), 0, VA0 + 0xffe, 4, SLOT,
                       0x04030201, NULL), POTNPU_DMA_OK);
    qtest_memread(t.qts, tb.page[1] + 0xffe, bytes, 2);
    assert_eq(bytes[0], 1);
    assert_eq(bytes[1], 2);
    qtest_memread(t.qts, tb.page[0], bytes, 2);
    assert_eq(bytes[0], 3);
    assert_eq(bytes[1], 4);
    assert_eq(dma_copy(&t, MODE(COPY, VA, VA), VA0 + 0x2000, VA0 + 0x10,
                       8, SLOT), POTNPU_DMA_OK);
    qtest_memread(t.qts, tb.page[1] + 0x10, bytes, 8);
    for (i = 0; i < 8; i++) {
        assert_eq(bytes[i], 0x5c);
    }
    qtest_memset(t.qts, tb.page[3], 0x3d, 16);
    assert_eq(dma_copy(&t, MODE(COPY, BUS, VA), tb.page[3], VA0 + 0x1100,
                       16, SLOT), POTNPU_DMA_OK);
    qtest_memread(t.qts, tb.page[0] + 0x100, bytes, 16);
    assert_eq(bytes[15], 0x3d);
    assert_eq(rd(&t, POTNPU_REG_MMU_FAULT_COUNT), 0);
    assert_eq(rd(&t, POTNPU_REG_IRQ_STATUS), 0);
    stop_vm(&t);
}

/*
 * 2D DMA between SRAM and VA: each row is chunked per page like a 1D
 * transfer, and a row that faults stops the transfer there, the rows
 * before it written.
 */
static void test_dma_va_2d(void)
{
    PotnpuTest t;
    Tables tb;
    uint8_t src[0x40], got[0x20];
    uint32_t fault, i;

    start_vm(&t, NULL);
    build_tables(&t, &tb);
    for (i = 0; i < sizeof(src); i++) {
        src[i] = 0x80 + i;
    }
    sram_put(&t, 0x500, src, sizeof(src));
    for (i = 0; i < 4; i++) {
        qtest_memset(t.qts, tb.page[i], 0xee, POTNPU_PAGE_SIZE);
    }

    /* Two rows of 16, the first across the VA0 + 0x1000 page boundary. */
    assert_eq(dma_2d_ctx(&t, MODE(COPY, SRAM, VA), 0x500, VA0 + 0xff8, 16, 2,
                         16, 0x800, 0, SLOT, NULL), POTNPU_DMA_OK);
    qtest_memread(t.qts, tb.page[1] + 0xff8, got, 8);
    qtest_memread(t.qts, tb.page[0], got + 8, 8);
    qtest_memread(t.qts, tb.page[0] + 0x7f8, got + 16, 16);
    for (i = 0; i < 32; i++) {
        assert_eq(got[i], 0x80 + i);
    }
    /* VA -> SRAM: the same rows back, packed. */
    assert_eq(dma_2d_ctx(&t, MODE(COPY, VA, SRAM), VA0 + 0xff8, 0x600, 16, 2,
                         0x800, 16, 0, SLOT, NULL), POTNPU_DMA_OK);
    sram_get(&t, 0x600, got, 32);
    for (i = 0; i < 32; i++) {
        assert_eq(got[i], 0x80 + i);
    }
    /* The third row lands on the read-only page: EMMU, rows 0, 1 done. */
    assert_eq(dma_2d_ctx(&t, MODE(COPY, SRAM, VA), 0x520, VA0 + 0x100, 8, 3,
                         8, 0x1000, 0, SLOT, &fault), POTNPU_DMA_EMMU);
    assert_eq(fault, (uint32_t)(VA0 + 0x2100));
    qtest_memread(t.qts, tb.page[1] + 0x100, got, 8);
    qtest_memread(t.qts, tb.page[0] + 0x100, got + 8, 8);
    for (i = 0; i < 16; i++) {
        assert_eq(got[i], 0xa0 + i);
    }
    assert_eq(POTNPU_MMU_FAULT_REASON(rd(&t, POTNPU_REG_MMU_FAULT_STATUS)),
              POTNPU_MMU_REASON_READ_ONLY);
    assert_eq(qtest_readb(t.qts, tb.page[2] + 0x100), 0xee);
    stop_vm(&t);
}

/* Run a one-byte transfer at @va expecting an MMU fault of @reason. */
static void check_fault(PotnpuTest *t, uint32_t slot, uint64_t va,
                        bool write, unsigned reason, uint32_t dma_status,
                        uint32_t count)
{
    uint32_t fault;
    uint32_t mode = write ? MODE(FILL, DMEM, VA) : MODE(COPY, VA, DMEM);

    assert_eq(dma_mode(t, mode, write ? 0 : va, write ? va : D_DATA, 1, slot,
                       0, &fault), dma_status);
    assert_eq(fault, (uint32_t)va);
    assert_eq(dma_fault_hi, va >> 32);
    assert_eq(rd(t, POTNPU_REG_MMU_FAULT_STATUS),
              POTNPU_MMU_FAULT_MAKE(slot, reason, write));
    assert_eq(rd(t, POTNPU_REG_MMU_FAULT_ADDR), (uint32_t)va);
    assert_eq(rd(t, POTNPU_REG_MMU_FAULT_ADDR_HI), va >> 32);
    assert_eq(rd(t, POTNPU_REG_MMU_FAULT_COUNT), count);
    assert_eq(rd(t, POTNPU_REG_IRQ_STATUS), POTNPU_IRQ_ERROR);
    g_assert(msi_received(t, POTNPU_MSIX_VEC_ERROR));
    wr(t, POTNPU_REG_MMU_FAULT_STATUS, POTNPU_MMU_FAULT_VALID);
    wr(t, POTNPU_REG_IRQ_STATUS, POTNPU_IRQ_ERROR);
    assert_eq(rd(t, POTNPU_REG_MMU_FAULT_STATUS), 0);
}

static void test_mmu_faults(void)
{
    PotnpuTest t;
    Tables tb;
    uint64_t l2b;
    uint32_t n = 0;

    start_vm(&t, NULL);
    msix_setup(&t);
    msix_mask_vector(&t, POTNPU_MSIX_VEC_ERROR, false);
    wr(&t, POTNPU_REG_IRQ_MASK, POTNPU_IRQ_ERROR);
    build_tables(&t, &tb);
    l2b = alloc_page(&t);

    /* SLOT: a slot with no table. */
    check_fault(&t, 5, VA0, false, POTNPU_MMU_REASON_SLOT, POTNPU_DMA_EMMU,
                ++n);
    /* RANGE: at or beyond 1 GiB, also as the end of a transfer. */
    check_fault(&t, SLOT, POTNPU_VA_SIZE, true, POTNPU_MMU_REASON_RANGE,
                POTNPU_DMA_EMMU, ++n);
    check_fault(&t, SLOT, 0x100000000ull | VA0, false,
                POTNPU_MMU_REASON_RANGE, POTNPU_DMA_EMMU, ++n);
    /* NOT_PRESENT in L1 and in L2. */
    check_fault(&t, SLOT, 2 * VA0, false, POTNPU_MMU_REASON_NOT_PRESENT,
                POTNPU_DMA_EMMU, ++n);
    check_fault(&t, SLOT, VA0 + 0x3000, true, POTNPU_MMU_REASON_NOT_PRESENT,
                POTNPU_DMA_EMMU, ++n);
    /*
     * VALID is checked first: an entry without VALID is NOT_PRESENT
     * whatever else it holds; reserved bits only matter in a valid entry.
     */
    set_pte(&t, tb.l1, 5, 0xfff0000000000ffeull);
    check_fault(&t, SLOT, 5 * VA0, false, POTNPU_MMU_REASON_NOT_PRESENT,
                POTNPU_DMA_EMMU, ++n);
    set_pte(&t, tb.l2, 7, tb.page[3] | 0xfff0000000000ffeull);
    check_fault(&t, SLOT, VA0 + 0x7000, true, POTNPU_MMU_REASON_NOT_PRESENT,
                POTNPU_DMA_EMMU, ++n);
    /* READ_ONLY: a write to a page without WRITE; reading it is fine. */
    check_fault(&t, SLOT, VA0 + 0x2004, true, POTNPU_MMU_REASON_READ_ONLY,
                POTNPU_DMA_EMMU, ++n);
    /* BAD_PTE: WRITE in L1, reserved bits in L2. */
    set_pte(&t, tb.l1, 3, l2b | POTNPU_PTE_VALID | POTNPU_PTE_WRITE);
    check_fault(&t, SLOT, 3 * VA0, false, POTNPU_MMU_REASON_BAD_PTE,
                POTNPU_DMA_EMMU, ++n);
    set_pte(&t, tb.l2, 4, tb.page[3] | POTNPU_PTE_VALID | 4);
    check_fault(&t, SLOT, VA0 + 0x4000, false, POTNPU_MMU_REASON_BAD_PTE,
                POTNPU_DMA_EMMU, ++n);
    set_pte(&t, tb.l2, 5, tb.page[3] | POTNPU_PTE_VALID | 1ull << 63);
    check_fault(&t, SLOT, VA0 + 0x5000, false, POTNPU_MMU_REASON_BAD_PTE,
                POTNPU_DMA_EMMU, ++n);
    /* BUS: an L2 table, or a page, where no memory is. */
    set_pte(&t, tb.l1, 4, 0xff00000000ull | POTNPU_PTE_VALID);
    check_fault(&t, SLOT, 4 * VA0, false, POTNPU_MMU_REASON_BUS,
                POTNPU_DMA_EMMU, ++n);
    set_pte(&t, tb.l2, 6, 0xff00000000ull | POTNPU_PTE_VALID);
    check_fault(&t, SLOT, VA0 + 0x6000, false, POTNPU_MMU_REASON_BUS,
                POTNPU_DMA_EBUS, ++n);

    /* The first fault is latched, later ones only counted. */
    check_no_msi(&t);
    assert_eq(dma_copy(&t, MODE(COPY, VA, DMEM), 2 * VA0, D_DATA, 1, SLOT),
              POTNPU_DMA_EMMU);
    assert_eq(dma_copy(&t, MODE(COPY, DMEM, VA), D_DATA, VA0 + 0x2000, 1,
                       SLOT), POTNPU_DMA_EMMU);
    n += 2;
    assert_eq(rd(&t, POTNPU_REG_MMU_FAULT_STATUS),
              POTNPU_MMU_FAULT_MAKE(SLOT, POTNPU_MMU_REASON_NOT_PRESENT, 0));
    assert_eq(rd(&t, POTNPU_REG_MMU_FAULT_ADDR), 2 * VA0);
    assert_eq(rd(&t, POTNPU_REG_MMU_FAULT_COUNT), n);
    g_assert(msi_received(&t, POTNPU_MSIX_VEC_ERROR));
    check_no_msi(&t);
    /* Writing 0 clears nothing; the counter is read only. */
    wr(&t, POTNPU_REG_MMU_FAULT_STATUS, 0);
    assert_eq(rd(&t, POTNPU_REG_MMU_FAULT_STATUS),
              POTNPU_MMU_FAULT_MAKE(SLOT, POTNPU_MMU_REASON_NOT_PRESENT, 0));

    /* A transfer stops at the failing page: the first page was written. */
    wr(&t, POTNPU_REG_MMU_FAULT_STATUS, POTNPU_MMU_FAULT_VALID);
    qtest_memset(t.qts, tb.page[2], 0, 16);
    assert_eq(dma_mode(&t, MODE(FILL, DMEM, VA), 0, VA0 + 0x1ff0, 0x20,
                       SLOT, 0x77777777, NULL), POTNPU_DMA_EMMU);
    assert_eq(qtest_readl(t.qts, tb.page[0] + 0xffc), 0x77777777);
    assert_eq(qtest_readl(t.qts, tb.page[2]), 0);
    assert_eq(rd(&t, POTNPU_REG_MMU_FAULT_ADDR), VA0 + 0x2000);
    stop_vm(&t);
}

static void test_mmu_tlb(void)
{
    PotnpuTest t;
    Tables tb;
    uint32_t errors = 0;

    start_vm(&t, NULL);
    build_tables(&t, &tb);
    qtest_writel(t.qts, tb.page[1], 0x11111111);
    qtest_writel(t.qts, tb.page[3], 0x33333333);

    /* Registers: per slot roots, CTX_SEL and INVALIDATE checked. */
    assert_eq(rd(&t, POTNPU_REG_MMU_CTX_SEL), SLOT);
    assert_eq(rd(&t, POTNPU_REG_MMU_PT_LO), (uint32_t)tb.l1);
    wr(&t, POTNPU_REG_MMU_CTX_SEL, 9);
    wr(&t, POTNPU_REG_MMU_PT_LO, 0xabcdefff);
    wr(&t, POTNPU_REG_MMU_PT_HI, 0x12);
    assert_eq(rd(&t, POTNPU_REG_MMU_PT_LO), 0xabcde000);
    assert_eq(rd(&t, POTNPU_REG_MMU_PT_HI), 0x12);
    wr(&t, POTNPU_REG_MMU_CTX_SEL, POTNPU_MMU_SLOTS);
    wr(&t, POTNPU_REG_MMU_INVALIDATE, POTNPU_MMU_SLOTS);
    errors += 2;
    assert_eq(rd(&t, POTNPU_REG_MMU_CTX_SEL), 9);
    set_root(&t, 9, 0);
    wr(&t, POTNPU_REG_MMU_CTX_SEL, SLOT);
    assert_eq(rd(&t, POTNPU_REG_MMU_PT_LO), (uint32_t)tb.l1);
    assert_eq(rd(&t, POTNPU_REG_GUEST_ERRORS), errors);

    /* A translation is cached... */
    assert_eq(dma_copy(&t, MODE(COPY, VA, DMEM), VA0, D_DATA, 4, SLOT),
              POTNPU_DMA_OK);
    assert_eq(dmem(&t, D_DATA), 0x11111111);
    /* ...and used after its PTE changed, until invalidated. */
    set_pte(&t, tb.l2, 0, tb.page[3] | POTNPU_PTE_VALID);
    assert_eq(dma_copy(&t, MODE(COPY, VA, DMEM), VA0, D_DATA, 4, SLOT),
              POTNPU_DMA_OK);
    assert_eq(dmem(&t, D_DATA), 0x11111111);
    /* The stale entry still allows writes. */
    assert_eq(dma_mode(&t, MODE(FILL, DMEM, VA), 0, VA0 + 4, 4, SLOT,
                       0x12121212, NULL), POTNPU_DMA_OK);
    assert_eq(qtest_readl(t.qts, tb.page[1] + 4), 0x12121212);
    /* Invalidating another slot changes nothing. */
    wr(&t, POTNPU_REG_MMU_INVALIDATE, SLOT + 1);
    assert_eq(dma_copy(&t, MODE(COPY, VA, DMEM), VA0, D_DATA, 4, SLOT),
              POTNPU_DMA_OK);
    assert_eq(dmem(&t, D_DATA), 0x11111111);
    /* Invalidating the slot does. */
    wr(&t, POTNPU_REG_MMU_INVALIDATE, SLOT);
    assert_eq(dma_copy(&t, MODE(COPY, VA, DMEM), VA0, D_DATA, 4, SLOT),
              POTNPU_DMA_OK);
    assert_eq(dmem(&t, D_DATA), 0x33333333);
    /* Now read only. */
    assert_eq(dma_copy(&t, MODE(COPY, DMEM, VA), D_DATA, VA0, 4, SLOT),
              POTNPU_DMA_EMMU);
    wr(&t, POTNPU_REG_MMU_FAULT_STATUS, POTNPU_MMU_FAULT_VALID);

    /* A disabled root: cached translations stay until INVALIDATE_ALL. */
    set_root(&t, SLOT, 0);
    assert_eq(dma_copy(&t, MODE(COPY, VA, DMEM), VA0, D_DATA, 4, SLOT),
              POTNPU_DMA_OK);
    wr(&t, POTNPU_REG_MMU_INVALIDATE, POTNPU_MMU_INVALIDATE_ALL);
    assert_eq(dma_copy(&t, MODE(COPY, VA, DMEM), VA0, D_DATA, 4, SLOT),
              POTNPU_DMA_EMMU);
    assert_eq(rd(&t, POTNPU_REG_MMU_FAULT_STATUS),
              POTNPU_MMU_FAULT_MAKE(SLOT, POTNPU_MMU_REASON_SLOT, 0));

    /* The same tables in another slot: independent of SLOT's state. */
    wr(&t, POTNPU_REG_MMU_FAULT_STATUS, POTNPU_MMU_FAULT_VALID);
    set_root(&t, 0, tb.l1);
    assert_eq(dma_copy(&t, MODE(COPY, VA, DMEM), VA0 + 0x1000, D_DATA, 4, 0),
              POTNPU_DMA_OK);
    /* More pages than TLB entries: every one still translates right. */
    {
        unsigned i;

        for (i = 0; i < 20; i++) {
            uint64_t pg = i % 2 ? tb.page[0] : tb.page[2];

            qtest_writel(t.qts, pg + 8 * i, 0x100 + i);
            set_pte(&t, tb.l2, 16 + i, pg | POTNPU_PTE_VALID);
        }
        for (i = 0; i < 20; i++) {
            assert_eq(dma_copy(&t, MODE(COPY, VA, DMEM),
                               VA0 + (16 + i) * 0x1000ull + 8 * i,
                               D_DATA + 4 * i, 4, 0), POTNPU_DMA_OK);
            assert_eq(dmem(&t, D_DATA + 4 * i), 0x100 + i);
        }
    }
    assert_eq(rd(&t, POTNPU_REG_GUEST_ERRORS), errors);
    stop_vm(&t);
}

/*
 * End to end with the real firmware: boot it, run jobs through the rings.
 * The image comes from $POTNPU_QTEST_FW_IMAGE (scripts/test-qtest.sh sets
 * it to the firmware build's potnpu-fw.bin); without it the case skips.
 */
#define FW_JQ_SIZE          4
#define FW_SLOT             2
#define FW_CMD_VA           0x200000ull
#define FW_DATA_VA          0x201000ull

static bool load_fw_image(PotnpuTest *t, uint32_t *entry)
{
    const char *path = g_getenv("POTNPU_QTEST_FW_IMAGE");
    g_autofree gchar *img = NULL;
    gsize len;
    uint32_t hsize, load, size, i;

    if (!path || !g_file_get_contents(path, &img, &len, NULL)) {
        return false;
    }
    g_assert(len >= 64);
    assert_eq(ldl_le_p(img), 0x57464e50);               /* "PNFW" */
    hsize = ldl_le_p(img + 8);
    load = ldl_le_p(img + 24);
    *entry = ldl_le_p(img + 28);
    size = ldl_le_p(img + 32);
    g_assert(hsize + (uint64_t)size <= len);
    g_assert(load + (uint64_t)size <= POTNPU_CORE_IMEM_SIZE);
    wr(t, POTNPU_REG_CORE_CTRL, 0);
    for (i = 0; i < size; i += 4) {
        uint32_t w = 0;

        memcpy(&w, img + hsize + i, MIN(4, size - i));
        mem_wr(t, load + i, le32_to_cpu(w));
    }
    return true;
}

/* Step the clock until @reg reads @want, at most @max_ms milliseconds. */
static void wait_reg(PotnpuTest *t, uint32_t reg, uint32_t want,
                     unsigned max_ms)
{
    unsigned i;

    for (i = 0; i < max_ms && rd(t, reg) != want; i++) {
        step(t, 1000 * 1000);
    }
    assert_eq(rd(t, reg), want);
}

static void put_job(PotnpuTest *t, uint64_t jq, uint32_t idx, uint32_t seqno,
                    uint64_t cmd_va, uint32_t cmd_size)
{
    uint64_t d = jq + (idx % FW_JQ_SIZE) * 64;

    qtest_memset(t->qts, d, 0, 64);
    qtest_writel(t->qts, d, seqno);
    qtest_writew(t->qts, d + 4, FW_SLOT);
    qtest_writeq(t->qts, d + 8, cmd_va);
    qtest_writel(t->qts, d + 16, cmd_size);
}

static void test_firmware_jobs(void)
{
    PotnpuTest t;
    Tables tb;
    uint64_t jq, cq, rec, cmd;
    uint32_t entry, n;

    start_vm(&t, NULL);
    if (!load_fw_image(&t, &entry)) {
        g_test_skip("no firmware image (POTNPU_QTEST_FW_IMAGE)");
        stop_vm(&t);
        return;
    }
    msix_setup(&t);
    for (n = 0; n < POTNPU_MSIX_NUM_VECTORS; n++) {
        msix_mask_vector(&t, n, false);
    }
    wr(&t, POTNPU_REG_IRQ_MASK, POTNPU_IRQ_ALL);

    /* Address space: the command page (read only) and a data page. */
    build_tables(&t, &tb);
    set_pte(&t, tb.l2, 0, tb.page[0] | POTNPU_PTE_VALID);
    set_pte(&t, tb.l2, 1, tb.page[1] | POTNPU_PTE_VALID | POTNPU_PTE_WRITE);
    set_pte(&t, tb.l2, 2, 0);
    set_root(&t, SLOT, 0);
    set_root(&t, FW_SLOT, tb.l1);
    cmd = tb.page[0];

    jq = guest_alloc(&t.qs->alloc, FW_JQ_SIZE * 64);
    cq = guest_alloc(&t.qs->alloc, FW_JQ_SIZE * 32);
    qtest_memset(t.qts, cq, 0xff, FW_JQ_SIZE * 32);
    wr(&t, POTNPU_REG_JQ_BASE_LO, jq);
    wr(&t, POTNPU_REG_JQ_BASE_HI, jq >> 32);
    wr(&t, POTNPU_REG_JQ_SIZE, FW_JQ_SIZE);
    wr(&t, POTNPU_REG_CQ_BASE_LO, cq);
    wr(&t, POTNPU_REG_CQ_BASE_HI, cq >> 32);
    wr(&t, POTNPU_REG_HOST_ABI, POTNPU_FW_ABI_VERSION);

    /* Boot: the handshake ends in READY, announced by IRQ_FW. */
    core_start(&t, entry);
    wait_reg(&t, POTNPU_REG_FW_STATUS, POTNPU_FW_STATUS_READY, 100);
    assert_eq(rd(&t, POTNPU_REG_FW_ABI), POTNPU_FW_ABI_VERSION);
    g_assert(rd(&t, POTNPU_REG_FW_CAPS) & POTNPU_FW_CAP_DMA);
    g_assert(msi_received(&t, POTNPU_MSIX_VEC_FW));
    wr(&t, POTNPU_REG_IRQ_STATUS, POTNPU_IRQ_FW);
    step(&t, 10 * 1000 * 1000);
    assert_eq(rd(&t, POTNPU_REG_CORE_STATUS), STATUS_PARKED);

    /* Job 1: FENCE, FILL, COPY, NOP. */
    n = 0;
    qtest_writel(t.qts, cmd + 4 * n++, POTNPU_CMD_HDR(POTNPU_OP_FENCE, 4));
    qtest_writel(t.qts, cmd + 4 * n++, FW_DATA_VA);
    qtest_writel(t.qts, cmd + 4 * n++, 0);
    qtest_writel(t.qts, cmd + 4 * n++, 0xfeedface);
    qtest_writel(t.qts, cmd + 4 * n++, POTNPU_CMD_HDR(POTNPU_OP_FILL, 5));
    qtest_writel(t.qts, cmd + 4 * n++, FW_DATA_VA + 0x101);
    qtest_writel(t.qts, cmd + 4 * n++, 0);
    qtest_writel(t.qts, cmd + 4 * n++, 6);
    qtest_writel(t.qts, cmd + 4 * n++, 0x44332211);
    qtest_writel(t.qts, cmd + 4 * n++, POTNPU_CMD_HDR(POTNPU_OP_COPY, 6));
    qtest_writel(t.qts, cmd + 4 * n++, FW_DATA_VA);
    qtest_writel(t.qts, cmd + 4 * n++, 0);
    qtest_writel(t.qts, cmd + 4 * n++, FW_DATA_VA + 0x200);
    qtest_writel(t.qts, cmd + 4 * n++, 0);
    qtest_writel(t.qts, cmd + 4 * n++, 4);
    qtest_writel(t.qts, cmd + 4 * n++, POTNPU_CMD_HDR(POTNPU_OP_NOP, 1));
    put_job(&t, jq, 0, 42, FW_CMD_VA, 4 * n);
    wr(&t, POTNPU_REG_JQ_TAIL, 1);
    wait_reg(&t, POTNPU_REG_CQ_TAIL, 1, 100);
    assert_eq(rd(&t, POTNPU_REG_JQ_HEAD), 1);
    rec = cq;
    assert_eq(qtest_readl(t.qts, rec), 42);
    assert_eq(qtest_readl(t.qts, rec + 4), POTNPU_JOB_OK);
    assert_eq(qtest_readl(t.qts, tb.page[1]), 0xfeedface);
    assert_eq(qtest_readl(t.qts, tb.page[1] + 0x100), 0x33221100);
    assert_eq(qtest_readl(t.qts, tb.page[1] + 0x104), 0x00221144);
    assert_eq(qtest_readl(t.qts, tb.page[1] + 0x200), 0xfeedface);
    g_assert(msi_received(&t, POTNPU_MSIX_VEC_JOB));
    wr(&t, POTNPU_REG_IRQ_STATUS, POTNPU_IRQ_JOB);

    /* Job 2: a FENCE outside the address space: EMMU, IRQ_ERROR. */
    n = 0x100;
    qtest_writel(t.qts, cmd + n, POTNPU_CMD_HDR(POTNPU_OP_NOP, 1));
    qtest_writel(t.qts, cmd + n + 4, POTNPU_CMD_HDR(POTNPU_OP_FENCE, 4));
    qtest_writel(t.qts, cmd + n + 8, FW_DATA_VA + 0x1000);
    qtest_writel(t.qts, cmd + n + 12, 0);
    qtest_writel(t.qts, cmd + n + 16, 1);
    put_job(&t, jq, 1, 43, FW_CMD_VA + n, 20);
    /* Job 3: an unknown opcode: EILLEGAL. */
    qtest_writel(t.qts, cmd + 0x200, POTNPU_CMD_HDR(0x10, 1));
    put_job(&t, jq, 2, 44, FW_CMD_VA + 0x200, 4);
    wr(&t, POTNPU_REG_JQ_TAIL, 3);
    wait_reg(&t, POTNPU_REG_CQ_TAIL, 3, 100);
    rec = cq + 32;
    assert_eq(qtest_readl(t.qts, rec), 43);
    assert_eq(qtest_readl(t.qts, rec + 4), POTNPU_JOB_EMMU);
    assert_eq(qtest_readl(t.qts, rec + 8), 4);
    assert_eq(qtest_readl(t.qts, rec + 16), FW_DATA_VA + 0x1000);
    assert_eq(rd(&t, POTNPU_REG_MMU_FAULT_STATUS),
              POTNPU_MMU_FAULT_MAKE(FW_SLOT, POTNPU_MMU_REASON_NOT_PRESENT,
                                    1));
    assert_eq(rd(&t, POTNPU_REG_MMU_FAULT_ADDR), FW_DATA_VA + 0x1000);
    g_assert(msi_received(&t, POTNPU_MSIX_VEC_ERROR));
    rec = cq + 64;
    assert_eq(qtest_readl(t.qts, rec), 44);
    assert_eq(qtest_readl(t.qts, rec + 4), POTNPU_JOB_EILLEGAL);
    assert_eq(qtest_readl(t.qts, rec + 12), 0x10);
    g_assert(msi_received(&t, POTNPU_MSIX_VEC_JOB));

    /* The firmware is still healthy; nothing was a guest error. */
    assert_eq(rd(&t, POTNPU_REG_FW_STATUS), POTNPU_FW_STATUS_READY);
    step(&t, 10 * 1000 * 1000);
    assert_eq(rd(&t, POTNPU_REG_CORE_STATUS), STATUS_PARKED);
    assert_eq(rd(&t, POTNPU_REG_GUEST_ERRORS), 0);
    stop_vm(&t);
}

/* Put layer @d at command offset @off, queue it as job @seqno, wait. */
static uint32_t run_layer_job(PotnpuTest *t, Tables *tb, uint64_t jq,
                              uint64_t cq, const struct potnpu_layer_desc *d,
                              uint32_t off, uint32_t seqno)
{
    uint32_t w[POTNPU_LAYER_WORDS], i;

    potnpu_layer_encode(d, w);
    for (i = 0; i < POTNPU_LAYER_WORDS; i++) {
        qtest_writel(t->qts, tb->page[0] + off + 4 * i, w[i]);
    }
    put_job(t, jq, seqno, 100 + seqno, FW_CMD_VA + off, sizeof(w));
    wr(t, POTNPU_REG_JQ_TAIL, seqno + 1);
    wait_reg(t, POTNPU_REG_CQ_TAIL, seqno + 1, 100);
    wr(t, POTNPU_REG_CQ_HEAD, seqno + 1);
    cq += 32 * (seqno % FW_JQ_SIZE);
    assert_eq(qtest_readl(t->qts, cq), 100 + seqno);
    return qtest_readl(t->qts, cq + 4);
}

/*
 * Layer commands the kernel would refuse, forced past it: each ends its
 * job with a clear status, the device and firmware go on, and the next
 * good layer is exact again.
 */
static void firmware_layer_hostile(PotnpuTest *t, Tables *tb, uint64_t jq,
                                   uint64_t cq,
                                   const struct potnpu_layer_desc *good)
{
    uint64_t data = tb->page[1];
    struct potnpu_layer_desc d;

    wr(t, POTNPU_REG_CQ_HEAD, 1);
    /* Shapes no SRAM plan can hold, however large the numbers. */
    d = *good;
    d.in_h = d.in_w = d.out_h = d.out_w = POTNPU_LAYER_MAX_DIM;
    d.in_c = d.in_cstride = d.out_c = d.out_cstride = 8192;
    d.kh = d.kw = 3;
    d.pad_t = d.pad_l = d.pad_b = d.pad_r = 1;
    assert_eq(run_layer_job(t, tb, jq, cq, &d, 0x100, 1), POTNPU_JOB_EINVAL);
    /* An output outside the job's address space: an MMU fault. */
    d = *good;
    d.out_va = FW_DATA_VA + 0x10000;
    assert_eq(run_layer_job(t, tb, jq, cq, &d, 0x200, 2), POTNPU_JOB_EMMU);
    wr(t, POTNPU_REG_MMU_FAULT_STATUS, rd(t, POTNPU_REG_MMU_FAULT_STATUS));
    /* A decode table word with a gap: only the engine sees it. */
    qtest_writel(t->qts, data + 0x820 + 4 * 5, 0x00004400);
    qtest_memset(t->qts, data + 0x900, 0x77, 1);
    assert_eq(run_layer_job(t, tb, jq, cq, good, 0x300, 3),
              POTNPU_JOB_EINVAL);
    assert_eq(qtest_readb(t->qts, data + 0x900), 0x77);
    /* Reserved bits set: refused before any transfer. */
    qtest_writel(t->qts, data + 0x820 + 4 * 5, 0x0000c442);
    d = *good;
    d.groups = 3;
    assert_eq(run_layer_job(t, tb, jq, cq, &d, 0x380, 4), POTNPU_JOB_EINVAL);
    /* The firmware still serves jobs, exactly. */
    assert_eq(rd(t, POTNPU_REG_FW_STATUS), POTNPU_FW_STATUS_READY);
    assert_eq(run_layer_job(t, tb, jq, cq, good, 0x400, 5), POTNPU_JOB_OK);
    assert_eq(qtest_readb(t->qts, data + 0x900), (uint8_t)-42);
}

/*
 * A layer job end to end, when the firmware has layer commands: the
 * firmware tiles numerics.md's worked CONV2D example through SRAM and the
 * engine, and writes the output byte and the layer's counters.
 */
static void test_firmware_layer(void)
{
    struct potnpu_layer_desc d = { 0 };
    uint32_t entry, w[POTNPU_LAYER_WORDS], i;
    uint64_t jq, cq, data;
    PotnpuTest t;
    Tables tb;

    start_vm(&t, NULL);
    if (!load_fw_image(&t, &entry)) {
        g_test_skip("no firmware image (POTNPU_QTEST_FW_IMAGE)");
        stop_vm(&t);
        return;
    }
    build_tables(&t, &tb);
    set_pte(&t, tb.l2, 0, tb.page[0] | POTNPU_PTE_VALID);
    set_pte(&t, tb.l2, 1, tb.page[1] | POTNPU_PTE_VALID | POTNPU_PTE_WRITE);
    set_root(&t, FW_SLOT, tb.l1);
    data = tb.page[1];
    jq = guest_alloc(&t.qs->alloc, FW_JQ_SIZE * 64);
    cq = guest_alloc(&t.qs->alloc, FW_JQ_SIZE * 32);
    wr(&t, POTNPU_REG_JQ_BASE_LO, jq);
    wr(&t, POTNPU_REG_JQ_BASE_HI, jq >> 32);
    wr(&t, POTNPU_REG_JQ_SIZE, FW_JQ_SIZE);
    wr(&t, POTNPU_REG_CQ_BASE_LO, cq);
    wr(&t, POTNPU_REG_CQ_BASE_HI, cq >> 32);
    wr(&t, POTNPU_REG_HOST_ABI, POTNPU_FW_ABI_VERSION);
    core_start(&t, entry);
    wait_reg(&t, POTNPU_REG_FW_STATUS, POTNPU_FW_STATUS_READY, 100);
    if (!(rd(&t, POTNPU_REG_FW_CAPS) & POTNPU_FW_CAP_LAYERS)) {
        g_test_skip("the firmware image has no layer commands");
        stop_vm(&t);
        return;
    }

    /* x, weight codes, table, channel record, then out and counters. */
    qtest_writeb(t.qts, data + 0x800, 10);
    qtest_writeb(t.qts, data + 0x801, (uint8_t)-3);
    qtest_writeb(t.qts, data + 0x810, 5 | 1 << 4);
    for (i = 0; i < 16; i++) {
        qtest_writel(t.qts, data + 0x820 + 4 * i,
                     i == 5 ? 0x0000c442 : i == 1 ? 0x00000040 : 0);
    }
    qtest_writel(t.qts, data + 0x880, 100);
    qtest_writel(t.qts, data + 0x884, 32768 | 15 << 16);
    qtest_memset(t.qts, data + 0x900, 0x77, 16);
    d.op = POTNPU_OP_CONV2D;
    d.in_va = FW_DATA_VA + 0x800;
    d.weights_va = FW_DATA_VA + 0x810;
    d.table_va = FW_DATA_VA + 0x820;
    d.chan_va = FW_DATA_VA + 0x880;
    d.out_va = FW_DATA_VA + 0x900;
    d.counters_va = FW_DATA_VA + 0x940;
    d.in_h = d.in_w = 1;
    d.in_c = d.in_cstride = 2;
    d.out_h = d.out_w = d.out_c = d.out_cstride = 1;
    d.kh = d.kw = d.sh = d.sw = d.dh = d.dw = 1;
    d.wbits = 4;
    d.groups = 1;
    d.in_zp = -2;
    d.out_zp = 3;
    d.lo = -128;
    d.hi = 127;
    potnpu_layer_encode(&d, w);
    for (i = 0; i < POTNPU_LAYER_WORDS; i++) {
        qtest_writel(t.qts, tb.page[0] + 4 * i, w[i]);
    }
    put_job(&t, jq, 0, 77, FW_CMD_VA, sizeof(w));
    wr(&t, POTNPU_REG_JQ_TAIL, 1);
    wait_reg(&t, POTNPU_REG_CQ_TAIL, 1, 100);
    assert_eq(qtest_readl(t.qts, cq), 77);
    assert_eq(qtest_readl(t.qts, cq + 4), POTNPU_JOB_OK);
    assert_eq(qtest_readb(t.qts, data + 0x900), (uint8_t)-42);
    assert_eq(qtest_readb(t.qts, data + 0x901), 0x77);
    /* macs, taps, terms, zero skips, bit-serial, DMA in and out, cycles */
    assert_eq(qtest_readq(t.qts, data + 0x940), 2);
    assert_eq(qtest_readq(t.qts, data + 0x948), 2);
    assert_eq(qtest_readq(t.qts, data + 0x950), 3);
    assert_eq(qtest_readq(t.qts, data + 0x958), 0);
    assert_eq(qtest_readq(t.qts, data + 0x960), 8);
    assert_eq(qtest_readq(t.qts, data + 0x968), 64 + 8 + 1 + 2);
    assert_eq(qtest_readq(t.qts, data + 0x970), 1);
    assert_eq(qtest_readq(t.qts, data + 0x978), 21 + 64);
    firmware_layer_hostile(&t, &tb, jq, cq, &d);
    stop_vm(&t);
}

static void test_core_reset_running(void)
{
    PotnpuTest t;
    Prog p;

    start_vm(&t, NULL);
    msix_setup(&t);
    memset(&p, 0, sizeof(p));
    emit(&p, ADDI(X5, X5, 1));
    emit(&p, JAL(X0, -4));
    core_load(&t, &p);
    wr(&t, POTNPU_REG_HOST_ABI, 5);
    set_root(&t, 2, 0x1000);
    wr(&t, POTNPU_REG_JQ_TAIL, 9);
    core_start(&t, 0);
    step(&t, RUN_NS);
    g_assert(rd(&t, POTNPU_REG_CORE_INSTRET_LO) > 0);

    /* RESET while it runs: halted, memories and all registers cleared. */
    wr(&t, POTNPU_REG_RESET, POTNPU_RESET_MAGIC);
    check_reset_values(&t);
    step(&t, RUN_NS);
    check_reset_values(&t);
    check_no_msi(&t);

    /* Starting again runs the zeroed IMEM: an illegal instruction. */
    core_start(&t, 0);
    step(&t, RUN_NS);
    assert_eq(rd(&t, POTNPU_REG_CORE_STATUS), POTNPU_CORE_STATUS_TRAPPED);
    assert_eq(rd(&t, POTNPU_REG_CORE_FAULT_CAUSE), 2);

    /* And a system reset while it runs. */
    core_load(&t, &p);
    core_start(&t, 0);
    step(&t, RUN_NS);
    qtest_qmp_assert_success(t.qts, "{ 'execute': 'system_reset' }");
    qtest_qmp_eventwait(t.qts, "RESET");
    qpci_msix_disable(t.dev);
    map_device(&t);
    check_reset_values(&t);
    step(&t, RUN_NS);
    check_reset_values(&t);
    stop_vm(&t);
}

static void test_system_reset(void)
{
    PotnpuTest t;

    start_vm(&t, NULL);
    msix_setup(&t);
    dirty_device(&t);

    qtest_qmp_assert_success(t.qts, "{ 'execute': 'system_reset' }");
    qtest_qmp_eventwait(t.qts, "RESET");

    /* Bus reset cleared BARs, the command register and MSI-X. */
    assert_eq(qpci_config_readl(t.dev, PCI_BASE_ADDRESS_0) &
              PCI_BASE_ADDRESS_MEM_MASK, 0);
    g_assert(!msix_is_enabled(&t));
    qpci_msix_disable(t.dev);
    map_device(&t);
    check_reset_values(&t);
    stop_vm(&t);
}

static void test_two_devices(void)
{
    g_autofree char *extra = g_strdup_printf("-device potnpu,addr=%02x.0",
                                             POTNPU_SLOT2);
    PotnpuTest t;
    QPCIDevice *dev2;
    QPCIBar bar2;

    start_vm(&t, extra);
    dev2 = qpci_device_find(t.qs->pcibus, QPCI_DEVFN(POTNPU_SLOT2, 0));
    g_assert(dev2);
    assert_eq(qpci_config_readw(dev2, PCI_DEVICE_ID), POTNPU_PCI_DEVICE_ID);
    qpci_device_enable(dev2);
    bar2 = qpci_iomap(dev2, POTNPU_BAR_REGS, NULL);

    wr(&t, POTNPU_REG_SCRATCH, 0x1111);
    qpci_io_writel(dev2, bar2, POTNPU_REG_SCRATCH, 0x2222);
    qpci_io_writel(dev2, bar2, POTNPU_REG_PING, 0x2);
    wr(&t, POTNPU_REG_ID, 0);
    assert_eq(rd(&t, POTNPU_REG_SCRATCH), 0x1111);
    assert_eq(rd(&t, POTNPU_REG_PING_COUNT), 0);
    assert_eq(rd(&t, POTNPU_REG_GUEST_ERRORS), 1);
    assert_eq(qpci_io_readl(dev2, bar2, POTNPU_REG_SCRATCH), 0x2222);
    assert_eq(qpci_io_readl(dev2, bar2, POTNPU_REG_PING_COUNT), 1);
    assert_eq(qpci_io_readl(dev2, bar2, POTNPU_REG_GUEST_ERRORS), 0);

    qpci_iounmap(dev2, bar2);
    g_free(dev2);
    stop_vm(&t);
}

/*
 * Hot-unplug as a hostile guest can do it: with the core running and its
 * slice timer armed, the guest powers the pcie-root-port's slot off, and
 * QEMU unrealizes the device on the spot. Nothing of it may run after
 * that (virtual time goes on), QEMU stays up, and a device added back
 * into the slot comes up in its reset state.
 */
#define UNPLUG_PORT_SLOT        6
#define UNPLUG_DEVFN            (1 << 8)    /* bus 1, device 0 */

static void unplug_bridge_setup(QPCIDevice *rp)
{
    qpci_config_writeb(rp, PCI_PRIMARY_BUS, 0);
    qpci_config_writeb(rp, PCI_SECONDARY_BUS, 1);
    qpci_config_writeb(rp, PCI_SUBORDINATE_BUS, 1);
    /* Memory window 0xe0000000-0xe0ffffff: where libqos puts the BARs. */
    qpci_config_writew(rp, PCI_MEMORY_BASE, 0xe000);
    qpci_config_writew(rp, PCI_MEMORY_LIMIT, 0xe0f0);
    qpci_config_writeb(rp, PCI_IO_BASE, 0xf0);
    qpci_config_writeb(rp, PCI_IO_LIMIT, 0x00);
    qpci_config_writew(rp, PCI_PREF_MEMORY_BASE, 0xfff0);
    qpci_config_writew(rp, PCI_PREF_MEMORY_LIMIT, 0x0000);
    qpci_config_writew(rp, PCI_COMMAND,
                       PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
}

/* Power the root port's slot (and its indicator) off or on. */
static void unplug_slot_power(QPCIDevice *rp, bool on)
{
    uint8_t exp = qpci_find_capability(rp, PCI_CAP_ID_EXP, 0);
    uint16_t ctl;

    g_assert(exp);
    ctl = qpci_config_readw(rp, exp + PCI_EXP_SLTCTL);
    ctl &= ~(PCI_EXP_SLTCTL_PCC | PCI_EXP_SLTCTL_PIC);
    ctl |= on ? PCI_EXP_SLTCTL_PWR_ON | PCI_EXP_SLTCTL_PWR_IND_ON :
                PCI_EXP_SLTCTL_PWR_OFF | PCI_EXP_SLTCTL_PWR_IND_OFF;
    qpci_config_writew(rp, exp + PCI_EXP_SLTCTL, ctl);
}

static void test_unplug_running(void)
{
    g_autofree char *fw = firmware_args();
    QPCIDevice *rp;
    PotnpuTest t;
    Prog p;

    memset(&t, 0, sizeof(t));
    t.qs = qtest_pc_boot("-machine q35 -nodefaults%s"
                         " -global ICH9-LPC.acpi-pci-hotplug-with-bridge-support=off"
                         " -device pcie-root-port,id=rp1,bus=pcie.0,chassis=1,addr=%02x.0"
                         " -device potnpu,id=hp1,bus=rp1",
                         fw, UNPLUG_PORT_SLOT);
    t.qts = t.qs->qts;
    rp = qpci_device_find(t.qs->pcibus, QPCI_DEVFN(UNPLUG_PORT_SLOT, 0));
    g_assert(rp);
    unplug_bridge_setup(rp);
    t.dev = qpci_device_find(t.qs->pcibus, UNPLUG_DEVFN);
    g_assert(t.dev);
    assert_eq(qpci_config_readw(t.dev, PCI_DEVICE_ID), POTNPU_PCI_DEVICE_ID);
    map_device(&t);
    msix_setup(&t);

    memset(&p, 0, sizeof(p));
    emit(&p, ADDI(X5, X5, 1));
    emit(&p, JAL(X0, -4));
    core_load(&t, &p);
    wr(&t, POTNPU_REG_HOST_ABI, 5);
    set_root(&t, 2, 0x1000);
    wr(&t, POTNPU_REG_JQ_TAIL, 9);
    core_start(&t, 0);
    step(&t, RUN_NS);
    g_assert(rd(&t, POTNPU_REG_CORE_INSTRET_LO) > 0);

    unplug_slot_power(rp, false);
    qtest_qmp_eventwait(t.qts, "DEVICE_DELETED");
    /* The freed device's timer and bottom half must never run. */
    step(&t, 50 * RUN_NS);
    assert_eq(qpci_config_readw(t.dev, PCI_VENDOR_ID), 0xffff);
    g_free(t.dev);

    /* Added back: a device in its reset state. */
    unplug_slot_power(rp, true);
    qtest_qmp_assert_success(t.qts,
        "{ 'execute': 'device_add', 'arguments': {"
        " 'driver': 'potnpu', 'id': 'hp2', 'bus': 'rp1' } }");
    t.dev = qpci_device_find(t.qs->pcibus, UNPLUG_DEVFN);
    g_assert(t.dev);
    map_device(&t);
    check_reset_values(&t);
    step(&t, RUN_NS);
    check_reset_values(&t);
    qpci_iounmap(t.dev, t.bar);
    qpci_iounmap(t.dev, t.bar4);
    g_free(t.dev);
    g_free(rp);
    qtest_shutdown(t.qs);
}

static void test_migration(void)
{
    g_autofree char *tmpdir = g_dir_make_tmp("potnpu-test-XXXXXX", NULL);
    g_autofree char *sock = g_strdup_printf("%s/migration.sock", tmpdir);
    g_autofree char *uri = g_strdup_printf("unix:%s", sock);
    g_autofree char *incoming = g_strdup_printf("-incoming %s", uri);
    PotnpuTest src, dst;
    uint32_t wfi_at, instret;
    Prog p;

    g_assert(tmpdir);
    start_vm(&src, NULL);
    msix_setup(&src);
    dirty_device(&src);
    /* A message waits in the PBA behind a masked vector. */
    g_assert(qpci_msix_pending(src.dev, POTNPU_MSIX_VEC_PING));

    /* A running core waits in WFI, with state in registers and CSRs. */
    prologue(&p, false);
    li(&p, X10, 0x600dcafe);
    li(&p, RA, 0x7654321);
    emit(&p, CSRRW(X0, CSR_MSCRATCH, RA));
    li(&p, X3, 0x800);
    emit(&p, CSRRS(X0, CSR_MIE, X3));
    wfi_at = emit(&p, WFI);
    emit(&p, SW(X10, S0, 0));
    emit(&p, CSRRS(X4, CSR_MSCRATCH, X0));
    emit(&p, SW(X4, S0, 4));
    emit(&p, LW(X4, X25, POTNPU_IO_JQ_TAIL));
    emit(&p, SW(X4, S0, 8));
    emit(&p, CSRRW(X0, CSR_MIE, X0));
    park(&p);
    wr(&src, POTNPU_REG_CORE_WDOG_LIMIT, 123456);
    wr(&src, POTNPU_REG_HOST_ABI, 0x10001);
    set_root(&src, 7, 0x12345000);
    core_run(&src, &p);
    assert_eq(rd(&src, POTNPU_REG_CORE_PC), wfi_at + 4);
    instret = rd(&src, POTNPU_REG_CORE_INSTRET_LO);

    dst = src;
    {
        g_autofree char *fw = firmware_args();

        dst.qs = qtest_pc_boot("-machine q35 -nodefaults%s"
                               " -device potnpu,addr=%02x.0 %s",
                               fw, POTNPU_SLOT, incoming);
    }
    dst.qts = dst.qs->qts;
    dst.dev = qpci_device_find(dst.qs->pcibus, QPCI_DEVFN(POTNPU_SLOT, 0));
    g_assert(dst.dev);

    migrate(src.qs, dst.qs, uri);

    /* Same BARs and MSI-X layout: the configuration came across. */
    dst.dev->msix_enabled = src.dev->msix_enabled;
    dst.dev->msix_table_bar = src.dev->msix_table_bar;
    dst.dev->msix_pba_bar = src.dev->msix_pba_bar;
    dst.dev->msix_table_off = src.dev->msix_table_off;
    dst.dev->msix_pba_off = src.dev->msix_pba_off;

    assert_eq(rd(&dst, POTNPU_REG_SCRATCH), 0xdeadbeef);
    assert_eq(rd(&dst, POTNPU_REG_IRQ_STATUS), POTNPU_IRQ_PING);
    assert_eq(rd(&dst, POTNPU_REG_IRQ_MASK), POTNPU_IRQ_PING);
    assert_eq(rd(&dst, POTNPU_REG_PING_DATA), 0x2345bcde);
    assert_eq(rd(&dst, POTNPU_REG_PING_COUNT), 2);
    assert_eq(rd(&dst, POTNPU_REG_GUEST_ERRORS), 1);
    assert_eq(rd(&dst, POTNPU_REG_CORE_STATUS), STATUS_PARKED);
    assert_eq(rd(&dst, POTNPU_REG_CORE_PC), wfi_at + 4);
    assert_eq(rd(&dst, POTNPU_REG_CORE_INSTRET_LO), instret);
    assert_eq(rd(&dst, POTNPU_REG_CORE_WDOG_LIMIT), 123456);
    assert_eq(rd(&dst, POTNPU_REG_HOST_ABI), 0x10001);
    assert_eq(rd(&dst, POTNPU_REG_MMU_CTX_SEL), 7);
    assert_eq(rd(&dst, POTNPU_REG_MMU_PT_LO), 0x12345000);
    assert_eq(mem_rd(&dst, 0), p.w[0]);
    /* The core carries on where it was. */
    wr(&dst, POTNPU_REG_JQ_TAIL, 3);
    step(&dst, RUN_NS);
    assert_eq(rd(&dst, POTNPU_REG_CORE_STATUS), STATUS_PARKED);
    assert_eq(dmem(&dst, 0), 0x600dcafe);
    assert_eq(dmem(&dst, 4), 0x7654321);
    assert_eq(dmem(&dst, 8), 3);
    g_assert(msix_is_enabled(&dst));
    g_assert(qpci_msix_pending(dst.dev, POTNPU_MSIX_VEC_PING));

    /* The pending message is delivered on the destination. */
    msix_mask_vector(&dst, POTNPU_MSIX_VEC_PING, false);
    g_assert(msi_received(&dst, POTNPU_MSIX_VEC_PING));
    wr(&dst, POTNPU_REG_IRQ_STATUS, POTNPU_IRQ_PING);
    wr(&dst, POTNPU_REG_PING, 3);
    g_assert(msi_received(&dst, POTNPU_MSIX_VEC_PING));
    assert_eq(rd(&dst, POTNPU_REG_PING_COUNT), 3);

    stop_vm(&dst);
    g_free(src.dev);
    qtest_shutdown(src.qs);
    unlink(sock);
    rmdir(tmpdir);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    qtest_add_func("/potnpu/pci-config", test_pci_config);
    qtest_add_func("/potnpu/reset-values", test_reset_values);
    qtest_add_func("/potnpu/scratch", test_scratch);
    qtest_add_func("/potnpu/access-direction", test_access_direction);
    qtest_add_func("/potnpu/reset-register", test_reset_register);
    qtest_add_func("/potnpu/ping", test_ping);
    qtest_add_func("/potnpu/msix/delivery", test_msix_delivery);
    qtest_add_func("/potnpu/msix/irq-mask", test_msix_irq_mask);
    qtest_add_func("/potnpu/msix/vector-masked", test_msix_vector_masked);
    qtest_add_func("/potnpu/msix/disabled", test_msix_disabled);
    qtest_add_func("/potnpu/guest-error/bad-sizes", test_bad_sizes);
    qtest_add_func("/potnpu/guest-error/bad-offsets", test_bad_offsets);
    qtest_add_func("/potnpu/guest-error/storm", test_storm);
    qtest_add_func("/potnpu/system-reset", test_system_reset);
    qtest_add_func("/potnpu/two-devices", test_two_devices);
    qtest_add_func("/potnpu/unplug-running", test_unplug_running);
    qtest_add_func("/potnpu/migration", test_migration);
    qtest_add_func("/potnpu/core/alu", test_core_alu);
    qtest_add_func("/potnpu/core/load-store", test_core_load_store);
    qtest_add_func("/potnpu/core/branch-jump", test_core_branch_jump);
    qtest_add_func("/potnpu/core/csr", test_core_csr);
    qtest_add_func("/potnpu/core/illegal", test_core_illegal);
    qtest_add_func("/potnpu/core/fatal-trap", test_core_fatal_trap);
    qtest_add_func("/potnpu/core/misaligned", test_core_misaligned);
    qtest_add_func("/potnpu/core/access-fault", test_core_access_fault);
    qtest_add_func("/potnpu/core/ecall-mret", test_core_ecall_mret);
    qtest_add_func("/potnpu/core/mret-states", test_core_mret_states);
    qtest_add_func("/potnpu/core/timer", test_core_timer);
    qtest_add_func("/potnpu/core/wfi-time", test_core_wfi_time);
    qtest_add_func("/potnpu/core/external-irq", test_core_external_irq);
    qtest_add_func("/potnpu/core/wfi-doorbell", test_core_wfi_doorbell);
    qtest_add_func("/potnpu/core/watchdog", test_core_watchdog);
    qtest_add_func("/potnpu/core/budget-halt", test_core_budget_halt);
    qtest_add_func("/potnpu/core/mailbox", test_core_mailbox);
    qtest_add_func("/potnpu/core/random-programs",
                   test_core_random_programs);
    qtest_add_func("/potnpu/core/reset-running", test_core_reset_running);
    qtest_add_func("/potnpu/dma/dmem-bus", test_dma_dmem_bus);
    qtest_add_func("/potnpu/dma/edges", test_dma_edges);
    qtest_add_func("/potnpu/dma/tiny-budget", test_dma_tiny_budget);
    qtest_add_func("/potnpu/dma/va", test_dma_va);
    qtest_add_func("/potnpu/sae/dma-sram", test_sae_dma_sram);
    qtest_add_func("/potnpu/sae/dma-va-2d", test_dma_va_2d);
    qtest_add_func("/potnpu/sae/tiles", test_sae_tiles);
    qtest_add_func("/potnpu/sae/errors", test_sae_errors);
    qtest_add_func("/potnpu/sae/reset", test_sae_reset);
    qtest_add_func("/potnpu/sae/budget", test_sae_budget);
    qtest_add_func("/potnpu/mmu/faults", test_mmu_faults);
    qtest_add_func("/potnpu/mmu/tlb", test_mmu_tlb);
    qtest_add_func("/potnpu/firmware/jobs", test_firmware_jobs);
    qtest_add_func("/potnpu/firmware/layer", test_firmware_layer);

    return g_test_run();
}
