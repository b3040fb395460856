/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * potnpu: a seeded, bounded fuzzer for the device, driven through qtest.
 *
 * Copyright (c) 2026 The potnpu authors
 *
 * Meant to run against QEMU built with ASan and UBSan (scripts/build-qemu.sh
 * --sanitize, ASAN_OPTIONS/UBSAN_OPTIONS halt_on_error=1): a sanitizer
 * report kills QEMU, and the next qtest command fails the test. Each test
 * path runs cases of one kind in one QEMU; a case is a function of
 * (seed, case index) only, so any case can be replayed alone:
 *
 *   regs      random values, sizes and offsets on BAR0 (every register,
 *             doorbells, RESET) and BAR4, with the clock stepped between
 *   program   random control-core programs: random RV32I words, biased
 *             instructions and CORE_IO stores that program the DMA engine
 *             and the shift-add engine with random tiles, over random
 *             page tables; RESET in the middle of a transfer's time or of
 *             execution
 *   firmware  the real firmware image, intact or mutated, serving random
 *             but plausible job rings, page tables and command streams
 *             (layer commands included), with RESET and aborts mid-job
 *   regress   the cases that once failed, recorded and hand-made
 *             (docs/reliability.md)
 *
 * After every case QEMU must answer (ID register) and the device state be
 * sane; every few cases and at the end, a RESET must bring the device back
 * to where the real firmware boots and a real job completes. A case that
 * does not return within POTNPU_FUZZ_CASE_TIMEOUT seconds is a hang: the
 * test aborts, which also kills QEMU.
 *
 * Environment: POTNPU_FUZZ_SEED (default FUZZ_SEED), POTNPU_FUZZ_CASES
 * (cases per path), POTNPU_FUZZ_SECONDS (stop a path after this many
 * seconds, default 12), POTNPU_FUZZ_CASE (run only this case index),
 * POTNPU_FUZZ_CASE_TIMEOUT (default 30), POTNPU_FUZZ_VERBOSE (print
 * each well-formed job's completion), POTNPU_QTEST_FW_IMAGE and
 * POTNPU_QTEST_FIRMWARE_DIRS as for potnpu-test.
 */

#include "qemu/osdep.h"
#include "libqtest.h"
#include "qemu/bswap.h"
#include "qemu/cutils.h"
#include "qemu/host-utils.h"
#include "libqos/libqos-pc.h"
#include "libqos/pci.h"
#include "hw/pci/pci_regs.h"
#include "potnpu/potnpu_regs.h"
#include "potnpu/potnpu_core.h"
#include "potnpu/potnpu_job.h"
#include "potnpu/potnpu_layer.h"
#include "potnpu/potnpu_fw_image.h"

#define POTNPU_SLOT             4
#define DEFAULT_FIRMWARE_DIRS   "/usr/share/seabios:/usr/share/qemu"

#define FUZZ_SEED               0x9e7f0001u
#define FUZZ_CASES              200
#define FUZZ_SECONDS            12
#define FUZZ_CASE_TIMEOUT       30
#define SANE_EVERY              25          /* cases between deep checks */

#define POOL_PAGES              96          /* guest pages for the cases */
#define SLICE_NS                (100 * 1000)
#define SLICE_INSNS             2000
#define MS                      (1000 * 1000)

#define IO_BASE_HI              (POTNPU_CORE_IO_BASE >> 12)
#define HANDLER_ADDR            0x800

/* Registers of the RV32I hart and of the generated programs. */
enum { X0, RA, SP, GP, TP, T0, T1, T2, S0, S1, A0, A1, A2, A3, A4, A5 };
#define XIO                     25          /* CORE_IO base */
#define XH                      28          /* the handler's scratch */

#define CSR_MSTATUS             0x300
#define CSR_MIE                 0x304
#define CSR_MTVEC               0x305
#define CSR_MEPC                0x341

typedef struct Fuzz {
    QOSState *qs;
    QTestState *qts;
    QPCIDevice *dev;
    QPCIBar bar;
    QPCIBar bar4;
    uint64_t bar_addr;
    uint64_t bar4_addr;
    uint64_t pool[POOL_PAGES];
    uint8_t *fw;                /* the firmware image file, or NULL */
    gsize fw_len;
    GRand *r;                   /* the current case's generator */
    /* What the cases reached, for the summary. */
    unsigned trapped, watchdog, booted, jobs;
    unsigned job_status[8];     /* by POTNPU_JOB_*, 7 = anything else */
    unsigned clean_jobs, clean_ok;
    unsigned dma_status[8], sae_status[8];
    bool clean[64];             /* job i of the case (seqno 1000 + i) */
} Fuzz;

/* What the abort handler reports: the case being run. */
static const char *cur_path = "";
static uint32_t cur_seed;
static int cur_case = -1;
static pid_t qemu_pid;          /* killed outright on a hang */

static const uint32_t bar0_regs[] = {
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

static const uint32_t io_regs[] = {
    POTNPU_IO_FW_STATUS, POTNPU_IO_FW_VERSION, POTNPU_IO_FW_ABI,
    POTNPU_IO_FW_CAPS, POTNPU_IO_FW_ERROR, POTNPU_IO_HEARTBEAT,
    POTNPU_IO_LOG_BASE, POTNPU_IO_LOG_SIZE, POTNPU_IO_LOG_HEAD,
    POTNPU_IO_HOST_ABI, POTNPU_IO_H2F_MSG, POTNPU_IO_H2F_ARG,
    POTNPU_IO_INSTRET_LO, POTNPU_IO_INSTRET_HI, POTNPU_IO_TIMECMP_LO,
    POTNPU_IO_TIMECMP_HI, POTNPU_IO_WDOG_KICK, POTNPU_IO_HOST_IRQ,
    POTNPU_IO_EVENTS, POTNPU_IO_JQ_BASE_LO, POTNPU_IO_JQ_BASE_HI,
    POTNPU_IO_JQ_SIZE, POTNPU_IO_JQ_TAIL, POTNPU_IO_JQ_HEAD,
    POTNPU_IO_CQ_BASE_LO, POTNPU_IO_CQ_BASE_HI, POTNPU_IO_CQ_TAIL,
    POTNPU_IO_CQ_HEAD, POTNPU_IO_DMA_SRC_LO, POTNPU_IO_DMA_SRC_HI,
    POTNPU_IO_DMA_DST_LO, POTNPU_IO_DMA_DST_HI, POTNPU_IO_DMA_LEN,
    POTNPU_IO_DMA_CTX, POTNPU_IO_DMA_MODE, POTNPU_IO_DMA_PATTERN,
    POTNPU_IO_DMA_START, POTNPU_IO_DMA_STATUS, POTNPU_IO_DMA_FAULT_ADDR,
    POTNPU_IO_DMA_FAULT_ADDR_HI, POTNPU_IO_DMA_ROWS,
    POTNPU_IO_DMA_SRC_STRIDE, POTNPU_IO_DMA_DST_STRIDE, POTNPU_IO_SAE_DESC,
    POTNPU_IO_SAE_START, POTNPU_IO_SAE_STATUS, POTNPU_IO_SAE_ERROR_INFO,
    POTNPU_IO_SAE_TAPS_LO, POTNPU_IO_SAE_CYCLES,
};

/* Fail the test, naming the case to replay. */
#define check(cond, fmt, ...) \
    do { \
        if (!(cond)) { \
            g_error("case %d (seed 0x%x): %s: " fmt, cur_case, cur_seed, \
                    #cond, ##__VA_ARGS__); \
        } \
    } while (0)

/* ---- Plumbing ---------------------------------------------------------- */

static unsigned env_uint(const char *name, unsigned dflt)
{
    const char *v = g_getenv(name);
    unsigned long n;

    if (!v || !*v) {
        return dflt;
    }
    if (qemu_strtoul(v, NULL, 0, &n) < 0 || n > UINT_MAX) {
        g_error("%s=%s: not a number", name, v);
    }
    return n;
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

static void on_abort(void *opaque)
{
    fprintf(stderr, "potnpu-fuzz: failed in %s, seed 0x%x, case %d "
            "(replay: POTNPU_FUZZ_SEED=0x%x POTNPU_FUZZ_CASE=%d)\n",
            cur_path, cur_seed, cur_case, cur_seed, cur_case);
}

static void on_alarm(int sig)
{
    static const char msg[] = "potnpu-fuzz: case timed out (hang)\n";

    if (write(2, msg, sizeof(msg) - 1) < 0) {
        /* Nothing more to say: abort anyway. */
    }
    /*
     * A QEMU whose main loop hangs never acts on libqtest's SIGTERM, and
     * the abort path would wait for it forever.
     */
    if (qemu_pid > 0) {
        kill(qemu_pid, SIGKILL);
    }
    abort();
}

static void map_device(Fuzz *f)
{
    qpci_device_enable(f->dev);
    f->bar = qpci_iomap(f->dev, POTNPU_BAR_REGS, NULL);
    f->bar4 = qpci_iomap(f->dev, POTNPU_BAR_CORE_MEM, NULL);
    f->bar_addr = f->bar.addr;
    f->bar4_addr = f->bar4.addr;
}

static void fuzz_start(Fuzz *f)
{
    g_autofree char *fw = firmware_args();
    const char *img = g_getenv("POTNPU_QTEST_FW_IMAGE");
    struct sigaction sa;
    unsigned i;

    memset(f, 0, sizeof(*f));
    f->qs = qtest_pc_boot("-machine q35 -nodefaults%s"
                          " -device potnpu,addr=%02x.0", fw, POTNPU_SLOT);
    f->qts = f->qs->qts;
    qemu_pid = qtest_pid(f->qts);
    f->dev = qpci_device_find(f->qs->pcibus, QPCI_DEVFN(POTNPU_SLOT, 0));
    g_assert(f->dev);
    map_device(f);
    for (i = 0; i < POOL_PAGES; i++) {
        f->pool[i] = guest_alloc(&f->qs->alloc, POTNPU_PAGE_SIZE);
        qtest_memset(f->qts, f->pool[i], 0, POTNPU_PAGE_SIZE);
    }
    if (img && !g_file_get_contents(img, (gchar **)&f->fw, &f->fw_len,
                                    NULL)) {
        g_error("cannot read the firmware image %s", img);
    }
    qtest_add_abrt_handler(on_abort, NULL);
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_alarm;
    sigaction(SIGALRM, &sa, NULL);
}

static void fuzz_stop(Fuzz *f)
{
    qpci_iounmap(f->dev, f->bar);
    qpci_iounmap(f->dev, f->bar4);
    g_free(f->dev);
    g_free(f->fw);
    qtest_shutdown(f->qs);
}

static uint32_t rd(Fuzz *f, uint32_t off)
{
    return qtest_readl(f->qts, f->bar_addr + off);
}

static void wr(Fuzz *f, uint32_t off, uint32_t val)
{
    qtest_writel(f->qts, f->bar_addr + off, val);
}

static uint32_t mem_rd(Fuzz *f, uint32_t off)
{
    return qtest_readl(f->qts, f->bar4_addr + off);
}

static void mem_wr(Fuzz *f, uint32_t off, uint32_t val)
{
    qtest_writel(f->qts, f->bar4_addr + off, val);
}

/* BAR4 takes naturally aligned 32-bit accesses only: word by word. */
static void mem_write(Fuzz *f, uint32_t off, const void *buf, uint32_t len)
{
    const uint8_t *b = buf;
    uint32_t i;

    for (i = 0; i < len; i += 4) {
        mem_wr(f, off + i, ldl_le_p(b + i));
    }
}

/* At least 1 ns: qtest's clock_step 0 means "to the next timer". */
static void step(Fuzz *f, int64_t ns)
{
    qtest_clock_step(f->qts, MAX(ns, 1));
}

static void device_reset(Fuzz *f)
{
    wr(f, POTNPU_REG_RESET, POTNPU_RESET_MAGIC);
}

/*
 * A machine reset (the PCI bus reset path of the device): BARs and the
 * command register are cleared; put back the same addresses, so the
 * pool and the mappings stay valid.
 */
static void system_reset(Fuzz *f)
{
    uint32_t bars[6], cmd = qpci_config_readw(f->dev, PCI_COMMAND);
    unsigned i;

    for (i = 0; i < ARRAY_SIZE(bars); i++) {
        bars[i] = qpci_config_readl(f->dev, PCI_BASE_ADDRESS_0 + 4 * i);
    }
    qtest_qmp_assert_success(f->qts, "{ 'execute': 'system_reset' }");
    qtest_qmp_eventwait(f->qts, "RESET");
    for (i = 0; i < ARRAY_SIZE(bars); i++) {
        qpci_config_writel(f->dev, PCI_BASE_ADDRESS_0 + 4 * i, bars[i]);
    }
    qpci_config_writew(f->dev, PCI_COMMAND, cmd);
}

/* Bus mastering and INTx off or on under the device's feet. */
static void toggle_command(Fuzz *f, bool master, bool intx_off)
{
    uint16_t cmd = qpci_config_readw(f->dev, PCI_COMMAND);

    cmd = (cmd & ~(PCI_COMMAND_MASTER | PCI_COMMAND_INTX_DISABLE)) |
          PCI_COMMAND_MEMORY | (master ? PCI_COMMAND_MASTER : 0) |
          (intx_off ? PCI_COMMAND_INTX_DISABLE : 0);
    qpci_config_writew(f->dev, PCI_COMMAND, cmd);
}

/* ---- Random values ----------------------------------------------------- */

static uint32_t rnd(Fuzz *f, uint32_t n)
{
    return g_rand_int_range(f->r, 0, n);
}

static bool chance(Fuzz *f, unsigned percent)
{
    return rnd(f, 100) < percent;
}

static uint64_t pool_addr(Fuzz *f)
{
    return f->pool[rnd(f, POOL_PAGES)] + (rnd(f, 4) ? 0 : rnd(f, 4096));
}

/* Values that hit edges: small, powers of two, masks, addresses, magics. */
static uint32_t rval(Fuzz *f)
{
    switch (rnd(f, 10)) {
    case 0:
    case 1:
        return rnd(f, 16);
    case 2:
        return 1u << rnd(f, 32);
    case 3:
        return (1u << rnd(f, 32)) - rnd(f, 2);
    case 4:
        return -rnd(f, 16);
    case 5:
        return pool_addr(f);
    case 6: {
        static const uint32_t magic[] = {
            POTNPU_RESET_MAGIC, POTNPU_FW_ABI_VERSION, POTNPU_CORE_CTRL_RUN,
            POTNPU_MMU_INVALIDATE_ALL, POTNPU_DMA_MAX_LEN,
            POTNPU_DMA_MAX_LEN + 1, POTNPU_CORE_DMEM_SIZE, POTNPU_SRAM_SIZE,
            POTNPU_VA_SIZE - 1, 0x80000000u,
        };
        return magic[rnd(f, ARRAY_SIZE(magic))];
    }
    default:
        return g_rand_int(f->r);
    }
}

/* ---- RV32I encodings ---------------------------------------------------- */

static uint32_t enc_i(int32_t imm, int rs1, uint32_t f3, int rd, uint32_t op)
{
    return ((uint32_t)imm & 0xfff) << 20 | rs1 << 15 | f3 << 12 | rd << 7 |
           op;
}

static uint32_t enc_s(int32_t imm, int rs2, int rs1, uint32_t f3)
{
    uint32_t u = imm;

    return (u >> 5 & 0x7f) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 |
           (u & 0x1f) << 7 | 0x23;
}

static uint32_t enc_j(int32_t imm, int rd)
{
    uint32_t u = imm;

    return (u >> 20 & 1) << 31 | (u >> 1 & 0x3ff) << 21 |
           (u >> 11 & 1) << 20 | (u >> 12 & 0xff) << 12 | rd << 7 | 0x6f;
}

#define LUI(rd, hi)         ((uint32_t)(hi) << 12 | (rd) << 7 | 0x37)
#define ADDI(rd, rs1, imm)  enc_i(imm, rs1, 0, rd, 0x13)
#define SW(rs2, rs1, imm)   enc_s(imm, rs2, rs1, 2)
#define ANDI(rd, rs1, imm)  enc_i(imm, rs1, 7, rd, 0x13)
#define SLLI(rd, rs1, sh)   enc_i(sh, rs1, 1, rd, 0x13)
#define ADD(rd, a, b)       ((b) << 20 | (a) << 15 | (rd) << 7 | 0x33)
#define LW(rd, rs1, imm)    enc_i(imm, rs1, 2, rd, 0x03)
#define CSRRW(rd, csr, rs1) enc_i(csr, rs1, 1, rd, 0x73)
#define CSRRS(rd, csr, rs1) enc_i(csr, rs1, 2, rd, 0x73)
#define MRET                0x30200073u
#define WFI                 0x10500073u

#define PROG_WORDS          1024

typedef struct Prog {
    uint32_t w[PROG_WORDS];
    unsigned n;
} Prog;

static bool emit(Prog *p, uint32_t insn)
{
    if (p->n >= HANDLER_ADDR / 4) {
        return false;
    }
    p->w[p->n++] = insn;
    return true;
}

static void li(Prog *p, int rd, uint32_t val)
{
    uint32_t hi = (val + 0x800) >> 12;
    int32_t lo = (int32_t)(val - (hi << 12));

    emit(p, LUI(rd, hi & 0xfffff));
    emit(p, ADDI(rd, rd, lo));
}

/* An instruction of a random opcode, often aimed at DMEM, IO and CSRs. */
static uint32_t random_insn(Fuzz *f)
{
    static const uint32_t opcodes[] = {
        0x37, 0x17, 0x6f, 0x67, 0x63, 0x03, 0x23, 0x13, 0x33, 0x0f, 0x73,
    };
    static const uint32_t csrs[] = {
        CSR_MSTATUS, CSR_MIE, CSR_MEPC, CSR_MTVEC, 0x340, 0x342, 0x343,
        0x344, 0xc00, 0xc02, 0xc80, 0xc82, 0xf14, 0x301,
    };
    uint32_t insn = g_rand_int(f->r);
    uint32_t op = opcodes[rnd(f, ARRAY_SIZE(opcodes))];

    insn = (insn & ~0x7fu) | op;
    if (chance(f, 50)) {
        insn = (insn & ~(31u << 15)) | (chance(f, 50) ? XIO : S0) << 15;
    }
    /* Never clobber the base registers: keep the program on target. */
    if (((insn >> 7) & 31) == XIO || ((insn >> 7) & 31) == S0) {
        insn &= ~(31u << 7);
    }
    if (op == 0x73 && chance(f, 70)) {
        insn = (insn & 0xfffff) | csrs[rnd(f, ARRAY_SIZE(csrs))] << 20;
    }
    if (op == 0x03 || op == 0x23) {
        insn &= ~(0xfe000000u | 0xf00u);    /* small offsets */
    }
    if (op == 0x6f || op == 0x63 || op == 0x67) {
        /* Short jumps, mostly: long ones leave the program. */
        insn &= chance(f, 80) ? ~0xfff00000u : ~0u;
    }
    return insn;
}

/*
 * Tallies in DMEM that the programs keep of their transfers' and tiles'
 * results: a word per status at D_DMA_TALLY and D_SAE_TALLY.
 */
#define D_DMA_TALLY         0x7c0       /* after the tiles */
#define D_SAE_TALLY         0x7e0
#define TALLY_WORDS         8

/* tally[status & 7]++, status read from CORE_IO register @reg. */
static void emit_tally(Prog *p, uint32_t reg, int32_t tally)
{
    emit(p, LW(T1, XIO, reg));
    emit(p, ANDI(T1, T1, TALLY_WORDS - 1));
    emit(p, SLLI(T1, T1, 2));
    emit(p, ADD(T1, T1, S0));
    emit(p, LW(T2, T1, tally));
    emit(p, ADDI(T2, T2, 1));
    emit(p, SW(T2, T1, tally));
}

/* sw <value>, <reg>(x25): program one CORE_IO register. */
static void io_store(Prog *p, uint32_t reg, uint32_t val)
{
    li(p, T0, val);
    emit(p, SW(T0, XIO, reg));
}

static uint32_t dma_space_addr(Fuzz *f, unsigned space)
{
    switch (space) {
    case POTNPU_DMA_SPACE_DMEM:
        /* Mostly above the tiles and tallies, so that they last. */
        return rnd(f, 8) ? 0x1000 + rnd(f, POTNPU_CORE_DMEM_SIZE - 0x1000)
                         : rval(f);
    case POTNPU_DMA_SPACE_SRAM:
        return rnd(f, 8) ? rnd(f, POTNPU_SRAM_SIZE) : rval(f);
    case POTNPU_DMA_SPACE_BUS:
        return rnd(f, 4) ? pool_addr(f) : rval(f);
    default:
        return rnd(f, 4) ? rnd(f, 4) << 21 | rnd(f, 8) << 12 | rnd(f, 4096)
                         : rval(f);
    }
}

/* A whole transfer: every register, then DMA_START. */
static void emit_dma(Fuzz *f, Prog *p)
{
    unsigned src = rnd(f, 5), dst = rnd(f, 5);
    uint32_t len = chance(f, 70) ? rnd(f, 3 * POTNPU_PAGE_SIZE) : rval(f);
    uint32_t rows = chance(f, 50) ? 0 : chance(f, 80) ? rnd(f, 64) : rval(f);

    io_store(p, POTNPU_IO_DMA_MODE,
             chance(f, 90) ? POTNPU_DMA_MODE(rnd(f, 2), src, dst) : rval(f));
    io_store(p, POTNPU_IO_DMA_SRC_LO, dma_space_addr(f, src));
    io_store(p, POTNPU_IO_DMA_SRC_HI, chance(f, 90) ? 0 : rval(f));
    io_store(p, POTNPU_IO_DMA_DST_LO, dma_space_addr(f, dst));
    io_store(p, POTNPU_IO_DMA_DST_HI, chance(f, 90) ? 0 : rval(f));
    io_store(p, POTNPU_IO_DMA_LEN, len);
    io_store(p, POTNPU_IO_DMA_CTX, chance(f, 80) ? rnd(f, 4) : rval(f));
    io_store(p, POTNPU_IO_DMA_ROWS, rows);
    io_store(p, POTNPU_IO_DMA_SRC_STRIDE, chance(f, 50) ? len : rval(f));
    io_store(p, POTNPU_IO_DMA_DST_STRIDE, chance(f, 50) ? len : rval(f));
    io_store(p, POTNPU_IO_DMA_PATTERN, g_rand_int(f->r));
    io_store(p, POTNPU_IO_DMA_START, 1);
    emit_tally(p, POTNPU_IO_DMA_STATUS, D_DMA_TALLY);
}

/*
 * A shift-add engine tile at DMEM @off: a whole small layer, consistent
 * (the engine can run it unless SRAM holds a bad table), then sometimes a
 * few fields anything at all.
 */
static void put_tile(Fuzz *f, uint32_t off)
{
    struct potnpu_sae_tile t = { 0 };
    uint32_t *w = (uint32_t *)&t;
    unsigned i;

    t.op = POTNPU_OP_CONV2D + rnd(f, 5);
    t.in_h = 1 + rnd(f, 8);
    t.in_w = 1 + rnd(f, 8);
    t.in_c = t.in_cstride = t.in2_cstride = 1 + rnd(f, 8);
    t.kh = t.kw = t.sh = t.sw = t.dh = t.dw = 1;
    if (t.op <= POTNPU_OP_AVGPOOL) {
        t.kh = 1 + rnd(f, MIN(t.in_h, 3));
        t.kw = 1 + rnd(f, MIN(t.in_w, 3));
        t.sh = 1 + rnd(f, 2);
        t.sw = 1 + rnd(f, 2);
        t.pad_t = t.pad_b = rnd(f, 2) ? 0 : t.kh / 2;
        t.pad_l = t.pad_r = rnd(f, 2) ? 0 : t.kw / 2;
    }
    t.rows_in = t.in_h;
    t.out_rows = (t.in_h + t.pad_t + t.pad_b - t.kh) / t.sh + 1;
    t.out_w = (t.in_w + t.pad_l + t.pad_r - t.kw) / t.sw + 1;
    t.out_c = t.op == POTNPU_OP_CONV2D ? 1 + rnd(f, 8) : t.in_c;
    t.ocb = t.out_c;
    t.groups = 1;
    t.wbits = 4;
    t.flags = t.op == POTNPU_OP_AVGPOOL ? rnd(f, 2) : 0;
    t.in = rnd(f, 64) * 64;
    t.in2 = 0x8000 + rnd(f, 64) * 64;
    t.out = POTNPU_SRAM_OUT + rnd(f, 64) * 64;
    t.table = POTNPU_SRAM_W;
    t.chan = POTNPU_SRAM_W + POTNPU_SRAM_TABLE_SIZE;
    t.weights = POTNPU_SRAM_W + 0x1000 + rnd(f, 64) * 64;
    t.in_zp = (int8_t)rnd(f, 256);
    t.in2_zp = (int8_t)rnd(f, 256);
    t.out_zp = (int8_t)rnd(f, 256);
    t.lo = -128 + rnd(f, 64);
    t.hi = 127 - rnd(f, 64);
    t.shift = rnd(f, 16);
    t.m_a = rnd(f, 65536);
    t.m_b = rnd(f, 65536);
    if (chance(f, 40)) {
        for (i = 1 + rnd(f, 3); i > 0; i--) {
            w[rnd(f, sizeof(t) / 4)] = rval(f);
        }
    }
    for (i = 0; i < sizeof(t) / 4; i++) {
        mem_wr(f, POTNPU_CORE_DMEM_BASE + off + 4 * i, w[i]);
    }
}

/* A PTE: mostly a pool page, sometimes reserved bits or a stray address. */
static uint64_t random_pte(Fuzz *f, bool leaf)
{
    uint64_t pte = f->pool[rnd(f, POOL_PAGES)] | POTNPU_PTE_VALID;

    if (leaf && chance(f, 60)) {
        pte |= POTNPU_PTE_WRITE;
    }
    switch (rnd(f, 12)) {
    case 0:
        return 0;
    case 1:
        return pte | 1ull << (2 + rnd(f, 10));
    case 2:
        return (uint64_t)g_rand_int(f->r) << 32 | g_rand_int(f->r);
    case 3:
        return 0xfe000000ull | POTNPU_PTE_VALID;    /* MMIO, no memory */
    case 4:
        return f->bar_addr | POTNPU_PTE_VALID | POTNPU_PTE_WRITE;
    default:
        return pte;
    }
}

/*
 * Page tables for slots 0-3 in pool pages: random roots (sometimes
 * unaligned or outside RAM), L1 entries pointing at L2 tables of random
 * PTEs. Only the first entries are filled: the VAs the cases use.
 */
static void random_tables(Fuzz *f)
{
    unsigned slot, i, j;

    for (slot = 0; slot < 4; slot++) {
        uint64_t root = f->pool[rnd(f, POOL_PAGES)];

        if (chance(f, 10)) {
            root = chance(f, 50) ? rval(f) : 0;
        }
        for (i = 0; i < 4 && !(root & 0xfff) && root; i++) {
            uint64_t l2 = f->pool[rnd(f, POOL_PAGES)];

            if (root == l2) {
                continue;
            }
            qtest_writeq(f->qts, root + 8 * i,
                         chance(f, 85) ? l2 | POTNPU_PTE_VALID
                                       : random_pte(f, false));
            for (j = 0; j < 8; j++) {
                qtest_writeq(f->qts, l2 + 8 * j, random_pte(f, true));
            }
        }
        wr(f, POTNPU_REG_MMU_CTX_SEL, chance(f, 95) ? slot : rval(f));
        wr(f, POTNPU_REG_MMU_PT_LO, root);
        wr(f, POTNPU_REG_MMU_PT_HI, root >> 32);
    }
    if (chance(f, 30)) {
        wr(f, POTNPU_REG_MMU_INVALIDATE, rval(f));
    }
}

/* ---- Deep checks ------------------------------------------------------- */

/* QEMU answers and the registers hold only what they may hold. */
static void check_alive(Fuzz *f)
{
    uint32_t st;

    check(rd(f, POTNPU_REG_ID) == POTNPU_ID_MAGIC, "device gone");
    st = rd(f, POTNPU_REG_CORE_STATUS);
    check(!(st & ~0xfu), "CORE_STATUS 0x%x", st);
    check(!(st & POTNPU_CORE_STATUS_WFI) ||
          (st & POTNPU_CORE_STATUS_RUNNING), "CORE_STATUS 0x%x", st);
    check(!(rd(f, POTNPU_REG_IRQ_STATUS) & ~POTNPU_IRQ_ALL), "IRQ_STATUS");
    check(rd(f, POTNPU_REG_STATUS) == POTNPU_STATUS_READY, "STATUS");
    check(!(rd(f, POTNPU_REG_CORE_CTRL) & ~POTNPU_CORE_CTRL_RUN),
          "CORE_CTRL");
}

/* Load the firmware image (possibly mutated) into IMEM; its entry point. */
static uint32_t load_fw(Fuzz *f, unsigned mutations)
{
    uint32_t hsize = ldl_le_p(f->fw + 8);
    uint32_t load = ldl_le_p(f->fw + 24);
    uint32_t entry = ldl_le_p(f->fw + 28);
    uint32_t size = ldl_le_p(f->fw + 32);
    g_autofree uint8_t *img = NULL;
    uint32_t i;

    g_assert(f->fw_len >= 64 && ldl_le_p(f->fw) == 0x57464e50);
    g_assert(hsize + (uint64_t)size <= f->fw_len);
    g_assert(load + (uint64_t)size <= POTNPU_CORE_IMEM_SIZE);
    img = g_malloc0(ROUND_UP(size, 4));
    memcpy(img, f->fw + hsize, size);
    for (i = 0; i < mutations; i++) {
        uint32_t at = rnd(f, DIV_ROUND_UP(size, 4)) * 4;
        uint32_t w = ldl_le_p(img + at);

        switch (rnd(f, 4)) {
        case 0:
            w ^= 1u << rnd(f, 32);
            break;
        case 1:
            w = random_insn(f);
            break;
        case 2:
            w = ldl_le_p(img + rnd(f, DIV_ROUND_UP(size, 4)) * 4);
            break;
        default:
            w = g_rand_int(f->r);
            break;
        }
        stl_le_p(img + at, w);
    }
    wr(f, POTNPU_REG_CORE_CTRL, 0);
    mem_write(f, load, img, ROUND_UP(size, 4));
    return entry;
}

/* Step until @reg reads @want, at most @max_ms virtual milliseconds. */
static bool wait_reg(Fuzz *f, uint32_t reg, uint32_t want, unsigned max_ms)
{
    unsigned i;

    for (i = 0; i < max_ms && rd(f, reg) != want; i++) {
        step(f, MS);
    }
    return rd(f, reg) == want;
}

/*
 * RESET brings the device back: reset values, then (with the image) the
 * real firmware boots and a FENCE job completes with the right value;
 * without it, a small program runs.
 */
static void check_sane(Fuzz *f)
{
    uint64_t jq = f->pool[0], cq = f->pool[1], l1 = f->pool[2];
    uint64_t l2 = f->pool[3], cmd = f->pool[4], data = f->pool[5];
    uint32_t entry;

    device_reset(f);
    check(rd(f, POTNPU_REG_CORE_STATUS) == 0, "core after RESET");
    check(rd(f, POTNPU_REG_IRQ_STATUS) == 0, "IRQ_STATUS after RESET");
    check(rd(f, POTNPU_REG_FW_STATUS) == 0, "FW_STATUS after RESET");
    check(rd(f, POTNPU_REG_JQ_HEAD) == 0, "JQ_HEAD after RESET");
    check(qtest_readl(f->qts, f->bar4_addr) == 0, "IMEM after RESET");
    if (!f->fw) {
        Prog p = { .n = 0 };
        unsigned i;

        li(&p, S0, POTNPU_CORE_DMEM_BASE);
        li(&p, T0, 0x5eed);
        emit(&p, SW(T0, S0, 0));
        emit(&p, WFI);
        emit(&p, 0xffdff06fu);                  /* j -4 */
        for (i = 0; i < p.n; i++) {
            mem_wr(f, 4 * i, p.w[i]);
        }
        wr(f, POTNPU_REG_CORE_CTRL, POTNPU_CORE_CTRL_RUN);
        step(f, MS);
        check(qtest_readl(f->qts, f->bar4_addr + POTNPU_CORE_DMEM_BASE) ==
              0x5eed, "a program after RESET");
        return;
    }

    /* VA 0x200000 -> cmd (read only), 0x201000 -> data, in slot 2. */
    qtest_memset(f->qts, l1, 0, POTNPU_PAGE_SIZE);
    qtest_memset(f->qts, l2, 0, POTNPU_PAGE_SIZE);
    qtest_writeq(f->qts, l1 + 8, l2 | POTNPU_PTE_VALID);
    qtest_writeq(f->qts, l2, cmd | POTNPU_PTE_VALID);
    qtest_writeq(f->qts, l2 + 8, data | POTNPU_PTE_VALID | POTNPU_PTE_WRITE);
    wr(f, POTNPU_REG_MMU_CTX_SEL, 2);
    wr(f, POTNPU_REG_MMU_PT_LO, l1);
    wr(f, POTNPU_REG_MMU_PT_HI, l1 >> 32);
    qtest_writel(f->qts, cmd, POTNPU_CMD_HDR(POTNPU_OP_FENCE, 4));
    qtest_writel(f->qts, cmd + 4, 0x201010);
    qtest_writel(f->qts, cmd + 8, 0);
    qtest_writel(f->qts, cmd + 12, 0x5a5e0001);
    qtest_writel(f->qts, data + 0x10, 0);
    qtest_memset(f->qts, jq, 0, 128);
    qtest_writel(f->qts, jq, 7);
    qtest_writew(f->qts, jq + 4, 2);
    qtest_writeq(f->qts, jq + 8, 0x200000);
    qtest_writel(f->qts, jq + 16, 16);
    qtest_memset(f->qts, cq, 0xff, 64);
    wr(f, POTNPU_REG_JQ_BASE_LO, jq);
    wr(f, POTNPU_REG_JQ_BASE_HI, jq >> 32);
    wr(f, POTNPU_REG_JQ_SIZE, 2);
    wr(f, POTNPU_REG_CQ_BASE_LO, cq);
    wr(f, POTNPU_REG_CQ_BASE_HI, cq >> 32);
    wr(f, POTNPU_REG_HOST_ABI, POTNPU_FW_ABI_VERSION);
    entry = load_fw(f, 0);
    wr(f, POTNPU_REG_CORE_ENTRY, entry);
    wr(f, POTNPU_REG_CORE_CTRL, POTNPU_CORE_CTRL_RUN);
    check(wait_reg(f, POTNPU_REG_FW_STATUS, POTNPU_FW_STATUS_READY, 100),
          "firmware boot after RESET: FW_STATUS %u FW_ERROR %u",
          rd(f, POTNPU_REG_FW_STATUS), rd(f, POTNPU_REG_FW_ERROR));
    wr(f, POTNPU_REG_JQ_TAIL, 1);
    check(wait_reg(f, POTNPU_REG_CQ_TAIL, 1, 100), "job after RESET");
    check(qtest_readl(f->qts, cq) == 7, "completion seqno");
    check(qtest_readl(f->qts, cq + 4) == POTNPU_JOB_OK,
          "completion status %u", qtest_readl(f->qts, cq + 4));
    check(qtest_readl(f->qts, data + 0x10) == 0x5a5e0001, "FENCE value");
    device_reset(f);
}

/* ---- Case: BAR0 and BAR4 from the host --------------------------------- */

static void raw_access(Fuzz *f, uint64_t addr, bool write)
{
    unsigned size = 1u << rnd(f, 4);
    uint64_t v = (uint64_t)rval(f) << 32 | rval(f);

    if (!write) {
        switch (size) {
        case 1:
            qtest_readb(f->qts, addr);
            break;
        case 2:
            qtest_readw(f->qts, addr);
            break;
        case 4:
            qtest_readl(f->qts, addr);
            break;
        default:
            qtest_readq(f->qts, addr);
            break;
        }
        return;
    }
    switch (size) {
    case 1:
        qtest_writeb(f->qts, addr, v);
        break;
    case 2:
        qtest_writew(f->qts, addr, v);
        break;
    case 4:
        qtest_writel(f->qts, addr, v);
        break;
    default:
        qtest_writeq(f->qts, addr, v);
        break;
    }
}

static void case_regs(Fuzz *f)
{
    unsigned n = 50 + rnd(f, 250), i;

    if (chance(f, 3)) {
        system_reset(f);
    }
    if (chance(f, 50)) {
        random_tables(f);
    }
    for (i = 0; i < n; i++) {
        uint32_t reg = bar0_regs[rnd(f, ARRAY_SIZE(bar0_regs))];

        switch (rnd(f, 20)) {
        case 0:
        case 1:
            raw_access(f, f->bar_addr + rnd(f, POTNPU_BAR_REGS_SIZE),
                       chance(f, 70));
            break;
        case 2:
        case 3:
            raw_access(f, f->bar4_addr + rnd(f, POTNPU_BAR_CORE_MEM_SIZE),
                       chance(f, 70));
            break;
        case 4:
            mem_wr(f, rnd(f, POTNPU_BAR_CORE_MEM_SIZE / 4) * 4,
                   chance(f, 50) ? random_insn(f) : rval(f));
            break;
        case 5:
        case 6:
            step(f, rnd(f, 4) ? rnd(f, 200 * 1000) : rnd(f, 3 * MS));
            break;
        case 7:
            rd(f, reg);
            break;
        case 8:
            device_reset(f);
            break;
        case 9:
            wr(f, POTNPU_REG_CORE_CTRL, rnd(f, 2) ? rval(f) : 1);
            break;
        case 10:
            wr(f, chance(f, 50) ? POTNPU_REG_JQ_TAIL : POTNPU_REG_CQ_HEAD,
               rval(f));
            break;
        case 11:
            wr(f, POTNPU_REG_H2F_DOORBELL, rval(f));
            break;
        case 12:
            toggle_command(f, chance(f, 50), chance(f, 50));
            break;
        default:
            wr(f, reg, reg == POTNPU_REG_RESET && chance(f, 50) ?
               POTNPU_RESET_MAGIC : rval(f));
            break;
        }
    }
    toggle_command(f, true, false);
}

/* ---- Case: control-core programs --------------------------------------- */

/* Program the core: a random mix of words, IO stores, DMA and tiles. */
static void build_program(Fuzz *f, Prog *p)
{
    memset(p, 0, sizeof(*p));
    li(p, T0, HANDLER_ADDR);
    emit(p, CSRRW(X0, CSR_MTVEC, T0));
    emit(p, LUI(S0, POTNPU_CORE_DMEM_BASE >> 12));
    emit(p, LUI(XIO, IO_BASE_HI));
    if (chance(f, 30)) {
        /* Interrupts on: the timer and the host's events. */
        li(p, T0, 0x880);
        emit(p, CSRRW(X0, CSR_MIE, T0));
        emit(p, CSRRW(X0, CSR_MSTATUS, chance(f, 50) ? T0 : X0));
        io_store(p, POTNPU_IO_TIMECMP_HI, 0);
        io_store(p, POTNPU_IO_TIMECMP_LO, rnd(f, 20000));
    }
    while (p->n < HANDLER_ADDR / 4 - 40) {
        switch (rnd(f, 20)) {
        case 0:
            emit(p, g_rand_int(f->r));
            break;
        case 1 ... 6:
            emit(p, random_insn(f));
            break;
        case 7 ... 11:
            io_store(p, io_regs[rnd(f, ARRAY_SIZE(io_regs))], rval(f));
            break;
        case 12 ... 14:
            emit_dma(f, p);
            break;
        case 15 ... 16:
            io_store(p, POTNPU_IO_SAE_DESC,
                     chance(f, 90) ? rnd(f, 8) * 0x100 : rval(f));
            io_store(p, POTNPU_IO_SAE_START, 1);
            emit_tally(p, POTNPU_IO_SAE_STATUS, D_SAE_TALLY);
            break;
        case 17:
            emit(p, WFI);
            break;
        default:
            emit(p, LW(T1, XIO, io_regs[rnd(f, ARRAY_SIZE(io_regs))]));
            break;
        }
    }
    /* The end: park, or loop back to the start. */
    emit(p, chance(f, 50) ? WFI : ADDI(X0, X0, 0));
    emit(p, enc_j(-4 * (int32_t)p->n, X0));
}

/*
 * A forgiving trap handler: skip the trapping instruction; for an
 * interrupt, disarm the timer and clear the events (resuming one word
 * late is harmless in a random program).
 */
static void load_program(Fuzz *f, Prog *p)
{
    uint32_t h[] = {
        CSRRS(XH, CSR_MEPC, X0),
        ADDI(XH, XH, 4),
        CSRRW(X0, CSR_MEPC, XH),
        LUI(XH + 1, IO_BASE_HI),
        ADDI(XH + 2, X0, -1),
        SW(XH + 2, XH + 1, POTNPU_IO_TIMECMP_HI),
        SW(XH + 2, XH + 1, POTNPU_IO_EVENTS),
        MRET,
    };
    unsigned i;

    for (i = 0; i < ARRAY_SIZE(h); i++) {
        h[i] = cpu_to_le32(h[i]);
    }
    for (i = 0; i < p->n; i++) {
        p->w[i] = cpu_to_le32(p->w[i]);
    }
    wr(f, POTNPU_REG_CORE_CTRL, 0);
    mem_write(f, 0, p->w, 4 * p->n);
    mem_write(f, HANDLER_ADDR, h, sizeof(h));
}

static void case_program(Fuzz *f)
{
    g_autofree uint8_t *junk = g_malloc(POTNPU_PAGE_SIZE);
    uint64_t ns = 0, instret;
    unsigned i, steps;
    uint32_t st;
    bool reset = false;
    Prog p;

    for (i = 0; i < POTNPU_PAGE_SIZE; i++) {
        junk[i] = rnd(f, 4) ? 0 : g_rand_int(f->r);
    }
    mem_write(f, POTNPU_CORE_DMEM_BASE + 0x1000, junk, POTNPU_PAGE_SIZE);
    for (i = 0; i < 8; i++) {
        put_tile(f, i * 0x100);
    }
    for (i = 0; i < 2 * TALLY_WORDS; i++) {
        mem_wr(f, POTNPU_CORE_DMEM_BASE + D_DMA_TALLY + 4 * i, 0);
    }
    random_tables(f);
    build_program(f, &p);
    load_program(f, &p);
    wr(f, POTNPU_REG_CORE_WDOG_LIMIT,
       chance(f, 70) ? 0 : rnd(f, 3) ? rnd(f, 50000) : rval(f));
    wr(f, POTNPU_REG_CORE_ENTRY, chance(f, 95) ? 0 : rval(f));
    wr(f, POTNPU_REG_CORE_CTRL, POTNPU_CORE_CTRL_RUN);
    steps = 1 + rnd(f, 8);
    for (i = 0; i < steps; i++) {
        /* Short steps land inside a transfer's or a tile's time. */
        int64_t d = rnd(f, 3) ? 1000 + rnd(f, SLICE_NS) : rnd(f, 2 * MS);

        step(f, d);
        ns += d;
        switch (rnd(f, 12)) {
        case 0:
            device_reset(f);
            reset = true;
            break;
        case 1:
            wr(f, POTNPU_REG_JQ_TAIL, rval(f));
            break;
        case 2:
            wr(f, POTNPU_REG_H2F_DOORBELL, 1);
            break;
        case 3:
            wr(f, POTNPU_REG_CORE_CTRL, 0);
            wr(f, POTNPU_REG_CORE_CTRL, 1);
            reset = true;
            break;
        case 4:
            random_tables(f);
            break;
        case 5:
            if (chance(f, 20)) {
                system_reset(f);
                reset = true;
            } else {
                toggle_command(f, chance(f, 50), false);
            }
            break;
        default:
            break;
        }
    }
    toggle_command(f, true, false);
    /* The core paces itself: at most its budget of slots retired. */
    instret = rd(f, POTNPU_REG_CORE_INSTRET_LO) |
              (uint64_t)rd(f, POTNPU_REG_CORE_INSTRET_HI) << 32;
    if (!reset) {
        check(instret <= (ns / SLICE_NS + 1) * SLICE_INSNS,
              "instret %" PRIu64 " after %" PRIu64 " ns", instret, ns);
    }
    /* A stray store or transfer may hit a tally: drop what cannot be. */
    for (i = 0; i < TALLY_WORDS; i++) {
        uint32_t d = mem_rd(f, POTNPU_CORE_DMEM_BASE + D_DMA_TALLY + 4 * i);
        uint32_t t = mem_rd(f, POTNPU_CORE_DMEM_BASE + D_SAE_TALLY + 4 * i);

        f->dma_status[i] += d < 100000 ? d : 0;
        f->sae_status[i] += t < 100000 ? t : 0;
    }
    st = rd(f, POTNPU_REG_CORE_STATUS);
    f->trapped += !!(st & POTNPU_CORE_STATUS_TRAPPED);
    f->watchdog += !!(st & POTNPU_CORE_STATUS_WATCHDOG);
    wr(f, POTNPU_REG_CORE_CTRL, 0);
}

/* ---- Case: the firmware serving random jobs ---------------------------- */

#define FW_SLOT     2
#define CMD_VA      0x200000u       /* L1 index 1, L2 entries 0-7 */

static uint64_t job_va(Fuzz *f)
{
    if (chance(f, 90)) {
        return CMD_VA + rnd(f, 8) * POTNPU_PAGE_SIZE + rnd(f, 4096);
    }
    return chance(f, 50) ? rval(f) : (uint64_t)rval(f) << 32 | rval(f);
}

/*
 * Data pages of the job address space: VA page 1 in, 2 in2, 3 weights,
 * 4 table (+0) and channel records (+0x100), 5 out, 6 counters; commands
 * go in pages 0 and 7.
 */
#define DATA_VA(page)   (CMD_VA + (page) * POTNPU_PAGE_SIZE)

/* A plausible layer: a consistent shape, its buffers in their pages. */
static void clean_layer(Fuzz *f, struct potnpu_layer_desc *d)
{
    uint32_t span_h, span_w;

    d->op = POTNPU_OP_CONV2D + rnd(f, 5);
    d->in_h = 1 + rnd(f, 8);
    d->in_w = 1 + rnd(f, 8);
    d->in_c = d->in_cstride = d->in2_cstride = 1 + rnd(f, 8);
    d->kh = d->kw = d->sh = d->sw = d->dh = d->dw = 1;
    if (d->op <= POTNPU_OP_AVGPOOL) {
        d->kh = 1 + rnd(f, MIN(d->in_h, 3));
        d->kw = 1 + rnd(f, MIN(d->in_w, 3));
        d->sh = 1 + rnd(f, 2);
        d->sw = 1 + rnd(f, 2);
        d->pad_t = d->pad_b = rnd(f, 2) ? 0 : d->kh / 2;
        d->pad_l = d->pad_r = rnd(f, 2) ? 0 : d->kw / 2;
    }
    span_h = d->in_h + d->pad_t + d->pad_b - d->kh;
    span_w = d->in_w + d->pad_l + d->pad_r - d->kw;
    d->out_h = span_h / d->sh + 1;
    d->out_w = span_w / d->sw + 1;
    d->out_c = d->op == POTNPU_OP_CONV2D ? 1 + rnd(f, 8) : d->in_c;
    d->out_cstride = d->out_c;
    d->groups = 1;
    d->wbits = 4;
    d->in_va = DATA_VA(1);
    d->in2_va = d->op == POTNPU_OP_ADD ? DATA_VA(2) : 0;
    d->weights_va = d->op == POTNPU_OP_CONV2D ? DATA_VA(3) : 0;
    d->table_va = d->op == POTNPU_OP_CONV2D ? DATA_VA(4) : 0;
    d->chan_va = d->op == POTNPU_OP_CONV2D || d->op == POTNPU_OP_AVGPOOL ||
                 d->op == POTNPU_OP_REQUANT ? DATA_VA(4) + 0x100 : 0;
    d->out_va = DATA_VA(5);
    d->counters_va = chance(f, 50) ? DATA_VA(6) : 0;
    d->in_zp = (int8_t)rnd(f, 256);
    d->in2_zp = (int8_t)rnd(f, 256);
    d->out_zp = (int8_t)rnd(f, 256);
    d->lo = -128;
    d->hi = 127;
    d->shift = rnd(f, 16);
    d->m_a = 1 + rnd(f, 65535);
    d->m_b = 1 + rnd(f, 65535);
}

/*
 * The decode table (codes 1 and 5 non-zero, as numerics.md's example) and
 * a channel record per output channel, for the layers of this job.
 */
static void put_layer_data(Fuzz *f)
{
    uint64_t page = f->pool[8 + 4];
    unsigned i;

    for (i = 0; i < 16; i++) {
        qtest_writel(f->qts, page + 4 * i,
                     i == 5 ? 0x0000c442 : i == 1 ? 0x00000040 : 0);
    }
    for (i = 0; i < 16; i++) {
        qtest_writel(f->qts, page + 0x100 + 8 * i, rnd(f, 512) - 256);
        qtest_writel(f->qts, page + 0x104 + 8 * i, 32768 | 15 << 16);
    }
}

/* A random layer command: plausible (@clean), or with random fields. */
static void layer_cmd(Fuzz *f, uint32_t *w, bool clean)
{
    struct potnpu_layer_desc d = { 0 };

    clean_layer(f, &d);
    if (!clean) {
        d.in_va = job_va(f);
        d.out_va = job_va(f);
        d.weights_va = job_va(f);
        d.in_h = 1 + rnd(f, 64);
        d.out_w = 1 + rnd(f, 64);
        d.out_c = 1 + rnd(f, 64);
        d.kh = 1 + rnd(f, 5);
        d.pad_r = rnd(f, 4);
        d.groups = 1 + rnd(f, 3);
        d.wbits = 1 + rnd(f, 8);
        d.flags = rnd(f, 2);
    }
    potnpu_layer_encode(&d, w);
    if (!clean && chance(f, 30)) {
        w[rnd(f, POTNPU_LAYER_WORDS)] = rval(f);
    }
}

/* A data VA for a plain command: in the data pages when @clean. */
static uint64_t cmd_data_va(Fuzz *f, bool clean, unsigned align,
                            uint32_t len)
{
    if (!clean) {
        return job_va(f);
    }
    return DATA_VA(1 + rnd(f, 6)) +
           ROUND_DOWN(rnd(f, POTNPU_PAGE_SIZE - len + 1), align);
}

/*
 * A command stream of random commands at pool page @page; its size in
 * bytes. @clean: every command well formed and inside the address space
 * (it can still fault on a read-only page).
 */
static uint32_t put_commands(Fuzz *f, uint64_t page, bool clean)
{
    uint32_t w[POTNPU_LAYER_WORDS], n = 0, i, k, len;
    unsigned cmds = 1 + rnd(f, 6);
    uint64_t va;

    /* At most 6 commands of at most 32 words: 768 bytes. */
    for (k = 0; k < cmds; k++) {
        len = clean ? 1 + rnd(f, 2048) :
              chance(f, 80) ? 1 + rnd(f, 2 * POTNPU_PAGE_SIZE) : rval(f);
        switch (rnd(f, clean ? 6 : 7)) {
        case 0:
            w[0] = POTNPU_CMD_HDR(POTNPU_OP_NOP, 1);
            i = 1;
            break;
        case 1:
            va = cmd_data_va(f, clean, 4, 4);
            w[0] = POTNPU_CMD_HDR(POTNPU_OP_FENCE, 4);
            w[1] = va;
            w[2] = va >> 32;
            w[3] = rval(f);
            i = 4;
            break;
        case 2:
            va = cmd_data_va(f, clean, 8, 8);
            w[0] = POTNPU_CMD_HDR(POTNPU_OP_TIMESTAMP, 3);
            w[1] = va;
            w[2] = va >> 32;
            i = 3;
            break;
        case 3:
            va = cmd_data_va(f, clean, 1, len);
            w[0] = POTNPU_CMD_HDR(POTNPU_OP_COPY, 6);
            w[1] = va;
            w[2] = va >> 32;
            va = cmd_data_va(f, clean, 1, len);
            w[3] = va;
            w[4] = va >> 32;
            w[5] = len;
            i = 6;
            break;
        case 4:
            va = cmd_data_va(f, clean, 1, len);
            w[0] = POTNPU_CMD_HDR(POTNPU_OP_FILL, 5);
            w[1] = va;
            w[2] = va >> 32;
            w[3] = len;
            w[4] = rval(f);
            i = 5;
            break;
        case 5:
            layer_cmd(f, w, clean);
            i = POTNPU_LAYER_WORDS;
            break;
        default:
            w[0] = chance(f, 50) ? rval(f) :
                   POTNPU_CMD_HDR(rnd(f, 0x80), rnd(f, 40));
            i = 1;
            break;
        }
        for (len = 0; len < i; len++) {
            qtest_writel(f->qts, page + 4 * (n + len), w[len]);
        }
        n += i;
    }
    return 4 * n;
}

/* Slot 2: VA 0x200000 + 0..7 pages -> pool pages 8..15, mostly writable. */
static void job_tables(Fuzz *f)
{
    uint64_t l1 = f->pool[6], l2 = f->pool[7];
    unsigned j;

    qtest_memset(f->qts, l1, 0, POTNPU_PAGE_SIZE);
    qtest_writeq(f->qts, l1 + 8, l2 | POTNPU_PTE_VALID);
    for (j = 0; j < 8; j++) {
        uint64_t pte = f->pool[8 + j] | POTNPU_PTE_VALID |
                       (chance(f, 95) ? POTNPU_PTE_WRITE : 0);

        qtest_writeq(f->qts, l2 + 8 * j,
                     chance(f, 90) ? pte : random_pte(f, true));
    }
    wr(f, POTNPU_REG_MMU_CTX_SEL, FW_SLOT);
    wr(f, POTNPU_REG_MMU_PT_LO, l1);
    wr(f, POTNPU_REG_MMU_PT_HI, 0);
}

static uint32_t pow2_or_not(Fuzz *f)
{
    return chance(f, 90) ? 2u << rnd(f, 6) : rval(f);
}

/* Tally the records written since *@done (a ring of @size in one page). */
static void count_completions(Fuzz *f, uint64_t cq, uint32_t size,
                              uint32_t *done)
{
    uint32_t tail = rd(f, POTNPU_REG_CQ_TAIL), st;

    if (tail - *done > 64 || !is_power_of_2(size) || size > 128) {
        *done = tail;
        return;
    }
    for (; *done != tail; (*done)++) {
        uint64_t rec = cq + 32 * (*done % size);
        uint32_t job = qtest_readl(f->qts, rec) - 1000;

        st = qtest_readl(f->qts, rec + 4);
        f->job_status[MIN(st, 7)]++;
        f->jobs++;
        if (job < ARRAY_SIZE(f->clean) && f->clean[job]) {
            f->clean_jobs++;
            f->clean_ok += st == POTNPU_JOB_OK;
            if (g_getenv("POTNPU_FUZZ_VERBOSE")) {
                g_test_message("job %u: status %u offset %u info 0x%x "
                               "fault 0x%x", job, st,
                               qtest_readl(f->qts, rec + 8),
                               qtest_readl(f->qts, rec + 12),
                               qtest_readl(f->qts, rec + 16));
            }
            f->clean[job] = false;
        }
    }
}

static void case_firmware_common(Fuzz *f, unsigned mutations)
{
    uint64_t jq = f->pool[16], cq = f->pool[17];
    uint32_t size = pow2_or_not(f), entry, njobs, i, tail = 0, done = 0;
    unsigned rounds;

    if (!f->fw) {
        return;
    }
    device_reset(f);
    memset(f->clean, 0, sizeof(f->clean));
    job_tables(f);
    if (chance(f, 20)) {
        random_tables(f);
    }
    for (i = 0; i < 8; i++) {
        if (chance(f, 50)) {
            uint32_t v = rval(f);

            qtest_memset(f->qts, f->pool[8 + i], v & 0xff, POTNPU_PAGE_SIZE);
        }
    }
    put_layer_data(f);
    wr(f, POTNPU_REG_JQ_BASE_LO, chance(f, 95) ? jq : rval(f));
    wr(f, POTNPU_REG_JQ_BASE_HI, chance(f, 95) ? 0 : rval(f));
    wr(f, POTNPU_REG_JQ_SIZE, size);
    wr(f, POTNPU_REG_CQ_BASE_LO, chance(f, 95) ? cq : rval(f));
    wr(f, POTNPU_REG_CQ_BASE_HI, chance(f, 95) ? 0 : rval(f));
    wr(f, POTNPU_REG_HOST_ABI,
       chance(f, 95) ? POTNPU_FW_ABI_VERSION : rval(f));
    wr(f, POTNPU_REG_IRQ_MASK, rval(f));
    entry = load_fw(f, mutations);
    wr(f, POTNPU_REG_CORE_WDOG_LIMIT, chance(f, 80) ? 0 : rnd(f, 1000000));
    wr(f, POTNPU_REG_CORE_ENTRY, entry);
    wr(f, POTNPU_REG_CORE_CTRL, POTNPU_CORE_CTRL_RUN);
    f->booted += wait_reg(f, POTNPU_REG_FW_STATUS, POTNPU_FW_STATUS_READY,
                          mutations ? 5 : 50);

    rounds = 1 + rnd(f, 4);
    while (rounds--) {
        njobs = 1 + rnd(f, 4);
        for (i = 0; i < njobs; i++) {
            /* The ring is one pool page: at most 64 entries of it used. */
            uint64_t d = jq + 64 * ((tail + i) % MAX(MIN(size, 64), 1));
            /* Its own 1 KiB of a command page: the jobs run later. */
            unsigned page = rnd(f, 2) ? 0 : 7;
            bool clean = chance(f, 60);
            unsigned job = tail + i;
            uint32_t bytes = put_commands(f, f->pool[8 + page] + 1024 * i,
                                          clean);
            uint64_t va = DATA_VA(page) + 1024 * i;

            qtest_memset(f->qts, d, 0, 64);
            qtest_writel(f->qts, d, 1000 + job);
            f->clean[job % ARRAY_SIZE(f->clean)] = clean;
            /* A well-formed job has a well-formed descriptor too. */
            qtest_writew(f->qts, d + 4,
                         clean || chance(f, 90) ? FW_SLOT : rval(f));
            qtest_writew(f->qts, d + 6, clean || chance(f, 90) ? 0 : rval(f));
            qtest_writeq(f->qts, d + 8,
                         clean || chance(f, 90) ? va : job_va(f));
            qtest_writel(f->qts, d + 16,
                         clean || chance(f, 90) ? bytes : rval(f));
            if (!clean && chance(f, 10)) {
                qtest_writel(f->qts, d + 20 + 4 * rnd(f, 11), rval(f));
            }
        }
        tail += njobs;
        wr(f, POTNPU_REG_JQ_TAIL, chance(f, 98) ? tail : rval(f));
        /* Let it work: sometimes long, sometimes cut short by a reset. */
        step(f, rnd(f, 3) ? rnd(f, 3 * MS) : rnd(f, SLICE_NS));
        switch (rnd(f, 10)) {
        case 0:
            device_reset(f);
            return;
        case 1:
            wr(f, POTNPU_REG_H2F_MSG, POTNPU_H2F_ABORT_JOB);
            wr(f, POTNPU_REG_H2F_ARG, 1000 + tail - 1 - rnd(f, 2));
            wr(f, POTNPU_REG_H2F_DOORBELL, 1);
            break;
        case 2:
            wr(f, POTNPU_REG_CQ_HEAD, chance(f, 80) ? tail : rval(f));
            break;
        case 3:
            wr(f, POTNPU_REG_MMU_INVALIDATE, rval(f));
            break;
        case 4:
            wr(f, POTNPU_REG_CORE_CTRL, 0);
            return;
        case 5:
            if (chance(f, 30)) {
                system_reset(f);
                return;
            }
            /* The firmware's transfers fail while bus mastering is off. */
            toggle_command(f, false, false);
            step(f, rnd(f, MS));
            toggle_command(f, true, false);
            break;
        default:
            break;
        }
        step(f, rnd(f, 2 * MS));
        count_completions(f, cq, size, &done);
        wr(f, POTNPU_REG_CQ_HEAD, done);
    }
}

static void case_firmware(Fuzz *f)
{
    case_firmware_common(f, 0);
}

static void case_firmware_mutated(Fuzz *f)
{
    case_firmware_common(f, 1 + rnd(f, 8));
}

/* ---- The runner -------------------------------------------------------- */

typedef void (*CaseFn)(Fuzz *f);

static uint32_t case_seed(uint32_t seed, unsigned i)
{
    uint32_t x = seed ^ (i * 0x9e3779b9u);

    x ^= x >> 16;
    x *= 0x7feb352du;
    x ^= x >> 15;
    x *= 0x846ca68bu;
    return x ^ (x >> 16);
}

static void run_case(Fuzz *f, CaseFn fn, uint32_t seed, unsigned i,
                     unsigned timeout)
{
    cur_seed = seed;
    cur_case = i;
    f->r = g_rand_new_with_seed(case_seed(seed, i));
    alarm(timeout);
    fn(f);
    check_alive(f);
    alarm(0);
    g_rand_free(f->r);
    f->r = NULL;
}

static void run_cases(const char *name, CaseFn fn)
{
    uint32_t seed = env_uint("POTNPU_FUZZ_SEED", FUZZ_SEED);
    unsigned cases = env_uint("POTNPU_FUZZ_CASES", FUZZ_CASES);
    unsigned seconds = env_uint("POTNPU_FUZZ_SECONDS", FUZZ_SECONDS);
    unsigned timeout = env_uint("POTNPU_FUZZ_CASE_TIMEOUT",
                                FUZZ_CASE_TIMEOUT);
    bool only = g_getenv("POTNPU_FUZZ_CASE") != NULL;
    gint64 start = g_get_monotonic_time(), us;
    unsigned i, done = 0;
    Fuzz f;

    cur_path = name;
    fuzz_start(&f);
    if (!f.fw && (fn == case_firmware || fn == case_firmware_mutated)) {
        g_test_skip("no firmware image (POTNPU_QTEST_FW_IMAGE)");
        fuzz_stop(&f);
        return;
    }
    if (only) {
        run_case(&f, fn, seed, env_uint("POTNPU_FUZZ_CASE", 0), timeout);
        done = 1;
    } else {
        for (i = 0; i < cases; i++) {
            if (g_get_monotonic_time() - start > seconds * G_USEC_PER_SEC) {
                break;
            }
            run_case(&f, fn, seed, i, timeout);
            done++;
            if (done % SANE_EVERY == 0) {
                alarm(timeout);
                check_sane(&f);
                alarm(0);
            }
        }
    }
    cur_case = -1;
    alarm(timeout);
    check_sane(&f);
    alarm(0);
    us = g_get_monotonic_time() - start;
    g_test_message("%s: seed 0x%x: %u cases in %.1f s (%.1f cases/s), "
                   "deep checks passed", name, seed, done, us / 1e6,
                   done / (us / 1e6));
    if (fn == case_program) {
        g_test_message("%s: the core ended %u cases trapped, %u by the "
                       "watchdog; DMA results seen: %u OK, %u EINVAL, "
                       "%u ERANGE, %u EMMU, %u EBUS; tiles: %u OK, "
                       "%u EINVAL, %u ERANGE, %u ETABLE, %u EWORK", name,
                       f.trapped, f.watchdog, f.dma_status[0],
                       f.dma_status[1], f.dma_status[2], f.dma_status[3],
                       f.dma_status[4], f.sae_status[0], f.sae_status[1],
                       f.sae_status[2], f.sae_status[3], f.sae_status[4]);
    } else if (f.fw && fn != case_regs) {
        g_test_message("%s: firmware READY in %u cases; %u completions: "
                       "%u OK, %u EILLEGAL, %u EINVAL, %u EMMU, %u EBUS, "
                       "%u EDESC, %u ABORTED, %u other; of them %u "
                       "well-formed jobs, %u OK", name, f.booted,
                       f.jobs, f.job_status[0], f.job_status[1],
                       f.job_status[2], f.job_status[3], f.job_status[4],
                       f.job_status[5], f.job_status[6], f.job_status[7],
                       f.clean_jobs, f.clean_ok);
    }
    fuzz_stop(&f);
}

static void test_regs(void)
{
    run_cases("regs", case_regs);
}

static void test_program(void)
{
    run_cases("program", case_program);
}

static void test_firmware(void)
{
    run_cases("firmware", case_firmware);
}

static void test_firmware_mutated(void)
{
    run_cases("firmware-mutated", case_firmware_mutated);
}

/*
 * REQUANT tile with m_a and m_b of 16 NAF digits (they are ADD's only):
 * once a stack overrun in the engine (docs/reliability.md, found as
 * program, seed 0x1111, case 46). The core starts it and stores
 * SAE_STATUS at DMEM 0x400.
 */
static void regress_requant_mantissas(Fuzz *f)
{
    struct potnpu_sae_tile t = {
        .op = POTNPU_OP_REQUANT, .in = POTNPU_SRAM_IN,
        .out = POTNPU_SRAM_OUT, .chan = POTNPU_SRAM_W,
        .in_h = 1, .in_w = 1, .in_c = 1, .in_cstride = 1, .rows_in = 1,
        .out_rows = 1, .out_w = 1, .out_c = 1, .ocb = 1, .kh = 1, .kw = 1,
        .sh = 1, .sw = 1, .dh = 1, .dw = 1, .lo = -128, .hi = 127,
        .m_a = 0x55555555u, .m_b = 0x55555555u, .shift = 0xffffffffu,
    };
    Prog p = { .n = 0 };

    device_reset(f);
    mem_write(f, POTNPU_CORE_DMEM_BASE, &t, sizeof(t));
    emit(&p, LUI(S0, POTNPU_CORE_DMEM_BASE >> 12));
    emit(&p, LUI(XIO, IO_BASE_HI));
    io_store(&p, POTNPU_IO_SAE_DESC, 0);
    io_store(&p, POTNPU_IO_SAE_START, 1);
    emit(&p, LW(T1, XIO, POTNPU_IO_SAE_STATUS));
    emit(&p, SW(T1, S0, 0x400));
    emit(&p, WFI);
    emit(&p, enc_j(-4, X0));
    mem_wr(f, POTNPU_CORE_DMEM_BASE + 0x400, 0xdead);
    mem_write(f, 0, p.w, 4 * p.n);
    wr(f, POTNPU_REG_CORE_CTRL, POTNPU_CORE_CTRL_RUN);
    step(f, MS);
    check(mem_rd(f, POTNPU_CORE_DMEM_BASE + 0x400) == POTNPU_SAE_OK,
          "REQUANT with 32-bit m_a, m_b: status 0x%x",
          mem_rd(f, POTNPU_CORE_DMEM_BASE + 0x400));
}

/* The generated cases that once failed: path, seed, case index. */
static const struct {
    CaseFn fn;
    uint32_t seed;
    unsigned index;
} regressions[] = {
    { case_program, 0x1111, 46 },       /* REQUANT mantissas */
    { case_regs, 0x8888, 184 },         /* the harness: a 0 ns step */
};

static void case_regress(Fuzz *f)
{
    regress_requant_mantissas(f);
}

static void test_regress(void)
{
    unsigned timeout = env_uint("POTNPU_FUZZ_CASE_TIMEOUT",
                                FUZZ_CASE_TIMEOUT);
    unsigned i;
    Fuzz f;

    cur_path = "regress";
    fuzz_start(&f);
    run_case(&f, case_regress, 0, 0, timeout);
    for (i = 0; i < ARRAY_SIZE(regressions); i++) {
        run_case(&f, regressions[i].fn, regressions[i].seed,
                 regressions[i].index, timeout);
    }
    cur_case = -1;
    alarm(timeout);
    check_sane(&f);
    alarm(0);
    g_test_message("regress: %zu recorded cases and the hand-made ones "
                   "passed", ARRAY_SIZE(regressions));
    fuzz_stop(&f);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    qtest_add_func("/potnpu-fuzz/regs", test_regs);
    qtest_add_func("/potnpu-fuzz/program", test_program);
    qtest_add_func("/potnpu-fuzz/firmware", test_firmware);
    qtest_add_func("/potnpu-fuzz/firmware-mutated", test_firmware_mutated);
    qtest_add_func("/potnpu-fuzz/regress", test_regress);
    return g_test_run();
}
