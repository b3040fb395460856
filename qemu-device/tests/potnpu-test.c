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
 * the register file.
 */

#include "qemu/osdep.h"
#include "libqtest.h"
#include "libqos/libqos-pc.h"
#include "libqos/pci.h"
#include "hw/pci/pci_regs.h"
#include "potnpu/potnpu_regs.h"

#define POTNPU_SLOT             4
#define POTNPU_SLOT2            5

/* Debian's +ds QEMU source builds no BIOS images: use the installed ones. */
#define DEFAULT_FIRMWARE_DIRS   "/usr/share/seabios:/usr/share/qemu"

#define MSI_DATA(vector)        (0x9e700000u | (vector))

#define STORM_SEED              0x9e70c0deu
#define STORM_OPS               20000

typedef struct PotnpuTest {
    QOSState *qs;
    QTestState *qts;
    QPCIDevice *dev;
    QPCIBar bar;
    uint64_t bar_size;
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
} PotnpuModel;

static const uint32_t ro_regs[] = {
    POTNPU_REG_ID, POTNPU_REG_VERSION, POTNPU_REG_CAPS, POTNPU_REG_STATUS,
    POTNPU_REG_PING_DATA, POTNPU_REG_PING_COUNT, POTNPU_REG_GUEST_ERRORS,
};

static const uint32_t wo_regs[] = {
    POTNPU_REG_RESET, POTNPU_REG_PING,
};

static const uint32_t all_regs[] = {
    POTNPU_REG_ID, POTNPU_REG_VERSION, POTNPU_REG_CAPS, POTNPU_REG_SCRATCH,
    POTNPU_REG_STATUS, POTNPU_REG_RESET, POTNPU_REG_IRQ_STATUS,
    POTNPU_REG_IRQ_MASK, POTNPU_REG_PING, POTNPU_REG_PING_DATA,
    POTNPU_REG_PING_COUNT, POTNPU_REG_GUEST_ERRORS,
};

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

/* Raw access of 1, 2, 4 or 8 bytes at any BAR0 offset. */
static uint64_t raw_read(PotnpuTest *t, uint32_t off, unsigned size)
{
    uint64_t addr = t->bar.addr + off;

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

static void raw_write(PotnpuTest *t, uint32_t off, unsigned size,
                      uint64_t val)
{
    uint64_t addr = t->bar.addr + off;

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

static void check_reset_values(PotnpuTest *t)
{
    assert_eq(rd(t, POTNPU_REG_ID), POTNPU_ID_MAGIC);
    assert_eq(rd(t, POTNPU_REG_VERSION), POTNPU_HW_VERSION);
    assert_eq(rd(t, POTNPU_REG_CAPS), POTNPU_CAP_PING);
    assert_eq(rd(t, POTNPU_REG_SCRATCH), 0);
    assert_eq(rd(t, POTNPU_REG_STATUS), POTNPU_STATUS_READY);
    assert_eq(rd(t, POTNPU_REG_IRQ_STATUS), 0);
    assert_eq(rd(t, POTNPU_REG_IRQ_MASK), 0);
    assert_eq(rd(t, POTNPU_REG_PING_DATA), 0);
    assert_eq(rd(t, POTNPU_REG_PING_COUNT), 0);
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

    /* BAR1 is not implemented. */
    qpci_config_writel(t.dev, PCI_BASE_ADDRESS_1, 0xffffffff);
    assert_eq(qpci_config_readl(t.dev, PCI_BASE_ADDRESS_1), 0);

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
        0x030, 0x034, 0x03c, 0x040, 0x0fc, 0x100, 0x104, 0x800, 0xffc,
        0x1000, 0x2000, 0x8000, 0xfff0, 0xfffc,
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
        return POTNPU_CAP_PING;
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
    default:
        model_error(m);
        return 0;
    }
}

/* Returns true when the write raises the PING interrupt line. */
static bool model_write(PotnpuModel *m, uint32_t off, unsigned size,
                        uint64_t val64)
{
    uint32_t old_lines = m->irq_status & m->irq_mask;
    uint32_t val = val64;

    if (size != 4 || (off & 3)) {
        model_error(m);
        return false;
    }
    switch (off) {
    case POTNPU_REG_SCRATCH:
        m->scratch = val;
        break;
    case POTNPU_REG_RESET:
        if (val == POTNPU_RESET_MAGIC) {
            memset(m, 0, sizeof(*m));
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
    default:
        model_error(m);
        break;
    }
    return (m->irq_status & m->irq_mask & ~old_lines) & POTNPU_IRQ_PING;
}

static void check_model(PotnpuTest *t, PotnpuModel *m)
{
    size_t i;

    for (i = 0; i < ARRAY_SIZE(all_regs); i++) {
        bool readable = all_regs[i] != POTNPU_REG_RESET &&
                        all_regs[i] != POTNPU_REG_PING;

        if (readable) {
            assert_eq(rd(t, all_regs[i]), model_read(m, all_regs[i], 4));
        }
    }
}

static void test_storm(void)
{
    static const unsigned sizes[] = { 1, 2, 4, 4, 4, 4, 4, 8 };
    PotnpuTest t;
    PotnpuModel m = { 0 };
    GRand *rand = g_rand_new_with_seed(STORM_SEED);
    unsigned messages = 0, resets = 0;
    int i;

    g_test_message("storm: seed 0x%x, %d accesses", STORM_SEED, STORM_OPS);
    start_vm(&t, NULL);
    msix_setup(&t);
    msix_mask_vector(&t, POTNPU_MSIX_VEC_PING, false);

    for (i = 0; i < STORM_OPS; i++) {
        unsigned size = sizes[g_rand_int_range(rand, 0, ARRAY_SIZE(sizes))];
        uint32_t off;
        uint64_t val;

        switch (g_rand_int_range(rand, 0, 4)) {
        case 0:
        case 1:
            /* A defined register, mostly aligned. */
            off = all_regs[g_rand_int_range(rand, 0, ARRAY_SIZE(all_regs))];
            if (g_rand_int_range(rand, 0, 4) == 0) {
                off += g_rand_int_range(rand, 0, 4);
            }
            break;
        case 2:
            /* Near the register block. */
            off = g_rand_int_range(rand, 0, 0x200);
            break;
        default:
            /* Anywhere in BAR0. */
            off = g_rand_int_range(rand, 0, POTNPU_BAR_REGS_SIZE);
            break;
        }
        if (g_rand_boolean(rand)) {
            off &= ~3u;
        }
        if (off + size > POTNPU_BAR_REGS_SIZE) {
            off = POTNPU_BAR_REGS_SIZE - size;
        }

        val = ((uint64_t)g_rand_int(rand) << 32) | g_rand_int(rand);
        if (off == POTNPU_REG_RESET && g_rand_int_range(rand, 0, 8) == 0) {
            val = POTNPU_RESET_MAGIC;
        }

        if (g_rand_int_range(rand, 0, 3) == 0) {
            uint64_t expect = model_read(&m, off, size);

            assert_eq(raw_read(&t, off, size), expect);
        } else {
            bool irq = model_write(&m, off, size, val);

            raw_write(&t, off, size, val);
            if (off == POTNPU_REG_RESET && size == 4 &&
                (uint32_t)val == POTNPU_RESET_MAGIC) {
                resets++;
            }
            assert_eq(msi_received(&t, POTNPU_MSIX_VEC_PING), irq);
            messages += irq;
        }
    }
    g_test_message("storm: %u messages, %u resets, %u guest errors",
                   messages, resets, m.guest_errors);
    g_assert(messages > 0);
    g_assert(resets > 0);

    /* QEMU is alive, the device matches the model and still works. */
    check_model(&t, &m);
    check_no_msi(&t);
    wr(&t, POTNPU_REG_RESET, POTNPU_RESET_MAGIC);
    check_reset_values(&t);
    wr(&t, POTNPU_REG_IRQ_MASK, POTNPU_IRQ_PING);
    wr(&t, POTNPU_REG_PING, 0x5105);
    g_assert(msi_received(&t, POTNPU_MSIX_VEC_PING));
    assert_eq(rd(&t, POTNPU_REG_PING_DATA), 0x5105);

    g_rand_free(rand);
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

static void test_migration(void)
{
    g_autofree char *tmpdir = g_dir_make_tmp("potnpu-test-XXXXXX", NULL);
    g_autofree char *sock = g_strdup_printf("%s/migration.sock", tmpdir);
    g_autofree char *uri = g_strdup_printf("unix:%s", sock);
    g_autofree char *incoming = g_strdup_printf("-incoming %s", uri);
    PotnpuTest src, dst;

    g_assert(tmpdir);
    start_vm(&src, NULL);
    msix_setup(&src);
    dirty_device(&src);
    /* A message waits in the PBA behind a masked vector. */
    g_assert(qpci_msix_pending(src.dev, POTNPU_MSIX_VEC_PING));

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
    qtest_add_func("/potnpu/migration", test_migration);

    return g_test_run();
}
