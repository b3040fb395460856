// SPDX-License-Identifier: MIT
/*
 * The built firmware image, run: potnpu-fw.bin is loaded into the RV32I
 * simulator (rv32sim.c) on top of the fake device (fake_io.c) and driven
 * like the host would: boot handshake, idle timer, jobs, abort, failures
 * and the trap path. This covers what the unit tests of test_fw.c cannot:
 * start.S, main.c, the linker script and the RV32I code GCC emitted.
 *
 * Run by test_fw when given the image: test_fw [IMAGE [SYMBOL=0xADDR]...]
 * (the addresses of fw_boot and fw_run_job are used to plant illegal
 * instructions for the trap tests).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_io.h"
#include "potnpu_fw_image.h"
#include "rv32sim.h"
#include "tap.h"
#include "test_image.h"

static struct sim S;
static struct potnpu_fw_header hdr;
static uint8_t *payload;
static uint32_t sym_fw_boot, sym_fw_run_job;

#define JQ_BASE		FAKE_BUS_BASE
#define CQ_BASE		(FAKE_BUS_BASE + 0x40000)
#define STREAM_VA	0x10000u
#define DATA_VA		0x100000u
#define BOOT_BUDGET	200000u
#define JOB_BUDGET	2000000u

static uint32_t reg(uint32_t r)
{
	return fake.regs[r / 4];
}

static void load_image(const char *path)
{
	FILE *f = fopen(path, "rb");

	if (!f || fread(&hdr, sizeof(hdr), 1, f) != 1 ||
	    hdr.magic != POTNPU_FW_MAGIC ||
	    hdr.payload_size > POTNPU_CORE_IMEM_SIZE ||
	    hdr.load_addr > POTNPU_CORE_IMEM_SIZE - hdr.payload_size) {
		printf("Bail out! cannot load firmware image %s\n", path);
		exit(1);
	}
	payload = malloc(hdr.payload_size);
	if (!payload || fread(payload, hdr.payload_size, 1, f) != 1) {
		printf("Bail out! short firmware image %s\n", path);
		exit(1);
	}
	fclose(f);
}

/* A fresh device with the image loaded, HOST_ABI and a ring of 8 set up. */
static void power_on(uint32_t host_abi, uint32_t jq_size)
{
	fake_reset();
	sim_reset(&S, hdr.entry);
	memset(S.imem, 0, sizeof(S.imem));
	memcpy(S.imem + hdr.load_addr, payload, hdr.payload_size);
	fake.regs[POTNPU_IO_HOST_ABI / 4] = host_abi;
	fake.regs[POTNPU_IO_JQ_SIZE / 4] = jq_size;
	fake.regs[POTNPU_IO_JQ_BASE_LO / 4] = (uint32_t)JQ_BASE;
	fake.regs[POTNPU_IO_JQ_BASE_HI / 4] = (uint32_t)(JQ_BASE >> 32);
	fake.regs[POTNPU_IO_CQ_BASE_LO / 4] = (uint32_t)CQ_BASE;
	fake.regs[POTNPU_IO_CQ_BASE_HI / 4] = (uint32_t)(CQ_BASE >> 32);
}

static void boot_ok(void)
{
	power_on(POTNPU_FW_ABI_VERSION, 8);
	CHECK_EQ(sim_run(&S, BOOT_BUDGET), SIM_RUNNING);
	CHECK_EQ(reg(POTNPU_IO_FW_STATUS), POTNPU_FW_STATUS_READY);
}

static const char *log_text(void)
{
	static char buf[0x10001];
	uint32_t base = reg(POTNPU_IO_LOG_BASE), size = reg(POTNPU_IO_LOG_SIZE);
	uint32_t head = reg(POTNPU_IO_LOG_HEAD), n, i;

	if (!size || size > 0x10000 || base > POTNPU_CORE_DMEM_SIZE - size)
		return "";
	n = head < size ? head : size;
	for (i = 0; i < n; i++)
		buf[i] = (char)S.dmem[base + ((head - n + i) & (size - 1))];
	buf[n] = 0;
	return buf;
}

static void put_words(uint64_t va, const uint32_t *w, uint32_t n)
{
	memcpy(&fake.va[va], w, (size_t)n << 2);
}

static void submit(uint32_t seqno, uint64_t va, uint32_t size, uint16_t slot)
{
	uint32_t tail = reg(POTNPU_IO_JQ_TAIL);
	struct potnpu_job_desc d;

	memset(&d, 0, sizeof(d));
	d.seqno = seqno;
	d.slot = slot;
	d.cmd_va = va;
	d.cmd_size = size;
	memcpy(fake_bus_ptr(JQ_BASE + ((uint64_t)(tail & 7) << 6), 64), &d, 64);
	fake.regs[POTNPU_IO_JQ_TAIL / 4] = tail + 1;
	fake.regs[POTNPU_IO_EVENTS / 4] |= POTNPU_EVENT_JQ_DOORBELL;
}

static struct potnpu_job_done cq(uint32_t i)
{
	struct potnpu_job_done d;

	memcpy(&d, fake_bus_ptr(CQ_BASE + ((uint64_t)(i & 7) << 5), 32), 32);
	return d;
}

static void test_image_boots(void)
{
	boot_ok();
	CHECK_EQ(fake.status_count, 2);
	CHECK_EQ(fake.status_log[0], POTNPU_FW_STATUS_BOOTING);
	CHECK_EQ(reg(POTNPU_IO_FW_VERSION), hdr.fw_version);
	CHECK_EQ(reg(POTNPU_IO_FW_ABI), hdr.abi_version);
	CHECK_EQ(reg(POTNPU_IO_FW_CAPS), POTNPU_FW_CAP_DMA);
	CHECK_EQ(reg(POTNPU_IO_FW_ERROR), 0);
	CHECK_EQ(reg(POTNPU_IO_LOG_SIZE), 0x1000);
	CHECK(strstr(log_text(), "] boot: ready, queue of 8 at 1:23400000") != NULL);
	/* Idle in WFI, timer armed, stack in DMEM, trap vector installed. */
	CHECK(S.wfi);
	CHECK(S.mie != 0);
	CHECK(S.mtvec != 0);
	CHECK(S.x[2] > POTNPU_CORE_DMEM_BASE + POTNPU_CORE_DMEM_SIZE - 0x2000);
	CHECK(S.x[2] <= POTNPU_CORE_DMEM_BASE + POTNPU_CORE_DMEM_SIZE);
	CHECK_EQ(S.traps, 0);
	/* Boot is cheap: mostly zeroing .bss (about 20 KiB) and formatting the log. */
	CHECK(S.insns < 50000);
	printf("# boot took %llu instructions\n", (unsigned long long)S.insns);
}

static void test_image_idle_heartbeat(void)
{
	uint32_t hb, kicks;
	uint64_t t, insns;

	boot_ok();
	hb = reg(POTNPU_IO_HEARTBEAT);
	kicks = fake.wdog_kicks;
	t = S.instret;
	insns = S.insns;
	CHECK_EQ(sim_run(&S, 5500000), SIM_RUNNING);
	/* The idle timer wakes the core every 1M instruction slots. */
	CHECK(reg(POTNPU_IO_HEARTBEAT) - hb >= 5);
	CHECK(reg(POTNPU_IO_HEARTBEAT) - hb <= 7);
	CHECK(fake.wdog_kicks - kicks >= 5);
	CHECK(S.instret - t >= 5000000);
	/* ... and sleeps in between: few instructions per wake-up. */
	printf("# idle: %llu instructions in %llu slots\n",
	       (unsigned long long)(S.insns - insns), 5500000ull);
	CHECK(S.insns - insns < 5000);
	CHECK_EQ(S.traps, 0);
}

static void test_image_jobs(void)
{
	const uint32_t stream[] = {
		POTNPU_CMD_HDR(POTNPU_OP_FILL, POTNPU_FILL_WORDS), DATA_VA + 1, 0,
			10, 0x44332211,
		POTNPU_CMD_HDR(POTNPU_OP_COPY, POTNPU_COPY_WORDS), DATA_VA, 0,
			DATA_VA + 0x800, 0, 16,
		POTNPU_CMD_HDR(POTNPU_OP_NOP, POTNPU_NOP_WORDS),
		POTNPU_CMD_HDR(POTNPU_OP_TIMESTAMP, POTNPU_TIMESTAMP_WORDS),
			DATA_VA + 0x40, 0,
		POTNPU_CMD_HDR(POTNPU_OP_FENCE, POTNPU_FENCE_WORDS), DATA_VA + 0x48,
			0, 0xfeedf00d,
	};
	const uint32_t bad[] = {
		POTNPU_CMD_HDR(POTNPU_OP_FENCE, POTNPU_FENCE_WORDS), DATA_VA + 0x50,
			0, 1,
		POTNPU_CMD_HDR(0x12, 1),
	};
	const uint8_t expect[16] = { 0, 0x11, 0x22, 0x33, 0x44, 0x11, 0x22,
				     0x33, 0x44, 0x11, 0x22, 0 };
	struct potnpu_job_done d;
	uint64_t ts;

	boot_ok();
	put_words(STREAM_VA, stream, sizeof(stream) / 4);
	submit(0x1001, STREAM_VA, sizeof(stream), 2);
	CHECK_EQ(sim_run(&S, JOB_BUDGET), SIM_RUNNING);
	d = cq(0);
	CHECK_EQ(d.seqno, 0x1001);
	CHECK_EQ(d.status, POTNPU_JOB_OK);
	CHECK_EQ(d.err_offset, 0);
	CHECK(d.end_lo > d.start_lo);
	CHECK(!memcmp(&fake.va[DATA_VA], expect, sizeof(expect)));
	CHECK(!memcmp(&fake.va[DATA_VA + 0x800], expect, 16));
	memcpy(&ts, &fake.va[DATA_VA + 0x40], 8);
	CHECK(ts > d.start_lo && ts < d.end_lo);
	CHECK_EQ(fake.va[DATA_VA + 0x48], 0x0d);
	CHECK_EQ(fake.last_va_ctx, 2);
	CHECK_EQ(reg(POTNPU_IO_JQ_HEAD), 1);
	CHECK_EQ(reg(POTNPU_IO_CQ_TAIL), 1);
	CHECK_EQ(fake.irq_bits, POTNPU_IRQ_JOB);
	CHECK(S.wfi);

	/* An illegal command after a FENCE: the FENCE ran, then EILLEGAL. */
	put_words(STREAM_VA + 0x100, bad, sizeof(bad) / 4);
	submit(0x1002, STREAM_VA + 0x100, sizeof(bad), 0);
	/* And a bad descriptor. */
	submit(0x1003, STREAM_VA + 0x102, 4, 0);
	CHECK_EQ(sim_run(&S, JOB_BUDGET), SIM_RUNNING);
	d = cq(1);
	CHECK_EQ(d.seqno, 0x1002);
	CHECK_EQ(d.status, POTNPU_JOB_EILLEGAL);
	CHECK_EQ(d.err_offset, 16);
	CHECK_EQ(d.err_info, 0x12);
	CHECK_EQ(fake.va[DATA_VA + 0x50], 1);
	d = cq(2);
	CHECK_EQ(d.seqno, 0x1003);
	CHECK_EQ(d.status, POTNPU_JOB_EDESC);
	CHECK_EQ(reg(POTNPU_IO_CQ_TAIL), 3);
	CHECK_EQ(fake.irq_writes, 3);
	CHECK(strstr(log_text(), "job 1 seqno 1002: illegal command at offset 10, info 12") != NULL);
	CHECK(strstr(log_text(), "job 2 seqno 1003: bad descriptor: cmd_va not 4-byte aligned") != NULL);
	CHECK_EQ(S.traps, 0);
}

static void test_image_mmu_fault(void)
{
	const uint32_t stream[] = {
		POTNPU_CMD_HDR(POTNPU_OP_NOP, POTNPU_NOP_WORDS),
		POTNPU_CMD_HDR(POTNPU_OP_FENCE, POTNPU_FENCE_WORDS), 0x3ff000, 0, 1,
	};
	struct potnpu_job_done d;

	boot_ok();
	fake.page[0x3ff] = FAKE_PAGE_RO;
	put_words(STREAM_VA, stream, sizeof(stream) / 4);
	submit(7, STREAM_VA, sizeof(stream), 5);
	CHECK_EQ(sim_run(&S, JOB_BUDGET), SIM_RUNNING);
	d = cq(0);
	CHECK_EQ(d.status, POTNPU_JOB_EMMU);
	CHECK_EQ(d.err_offset, 4);
	CHECK_EQ(d.err_info, POTNPU_MMU_FAULT_MAKE(5, 0, 1));
	CHECK_EQ(d.fault_addr, 0x3ff000);
}

static void test_image_abort(void)
{
	const uint32_t stream[] = {
		POTNPU_CMD_HDR(POTNPU_OP_FENCE, POTNPU_FENCE_WORDS), DATA_VA, 0, 1,
		POTNPU_CMD_HDR(POTNPU_OP_FENCE, POTNPU_FENCE_WORDS), DATA_VA + 4, 0, 2,
	};
	struct potnpu_job_done d;

	boot_ok();
	put_words(STREAM_VA, stream, sizeof(stream) / 4);
	submit(9, STREAM_VA, sizeof(stream), 0);
	/* DMAs: descriptor, stream, first FENCE: then the host aborts. */
	fake.h2f_after_dma = fake.dma_count + 3;
	fake.h2f_msg = POTNPU_H2F_ABORT_JOB;
	CHECK_EQ(sim_run(&S, JOB_BUDGET), SIM_RUNNING);
	d = cq(0);
	CHECK_EQ(d.status, POTNPU_JOB_ABORTED);
	CHECK_EQ(d.err_offset, 16);
	CHECK_EQ(fake.va[DATA_VA], 1);
	CHECK_EQ(fake.va[DATA_VA + 4], 0);
}

static void expect_parked_failure(uint32_t err)
{
	CHECK_EQ(S.state, SIM_PARKED);
	CHECK_EQ(reg(POTNPU_IO_FW_STATUS), POTNPU_FW_STATUS_FAILED);
	CHECK_EQ(reg(POTNPU_IO_FW_ERROR), err);
	CHECK_EQ(fake.error_at_status, err);
	CHECK_EQ(S.mie, 0);
	CHECK(strstr(log_text(), "fatal: firmware failed") != NULL);
}

static void test_image_abi_mismatch(void)
{
	power_on(POTNPU_FW_VER(POTNPU_FW_VER_MAJOR(POTNPU_FW_ABI_VERSION) + 1, 0, 0), 8);
	sim_run(&S, BOOT_BUDGET);
	expect_parked_failure(POTNPU_FW_ERR_ABI);
	CHECK(strstr(log_text(), "major not supported") != NULL);
}

static void test_image_bad_queue(void)
{
	power_on(POTNPU_FW_ABI_VERSION, 12);
	sim_run(&S, BOOT_BUDGET);
	expect_parked_failure(POTNPU_FW_ERR_QUEUE);
	CHECK(strstr(log_text(), "JQ_SIZE 12 is not a power of 2") != NULL);
}

static void plant_illegal(uint32_t addr)
{
	memset(&S.imem[addr], 0, 4);	/* all-zero: an illegal instruction */
}

static void test_image_trap_in_job(void)
{
	char expect[64];

	if (!sym_fw_run_job) {
		printf("# fw_run_job address not given\n");
		CHECK(0);
		return;
	}
	boot_ok();
	plant_illegal(sym_fw_run_job);
	submit(1, STREAM_VA, 4, 0);
	sim_run(&S, JOB_BUDGET);
	expect_parked_failure(POTNPU_FW_ERR_INTERNAL);
	CHECK_EQ(S.traps, 1);
	CHECK_EQ(S.mcause, 2);
	CHECK_EQ(S.mepc, sym_fw_run_job);
	snprintf(expect, sizeof(expect), "trap: mcause 2 mepc %x mtval 0\n",
		 sym_fw_run_job);
	CHECK(strstr(log_text(), expect) != NULL);
	CHECK_EQ(reg(POTNPU_IO_CQ_TAIL), 0);
}

static void test_image_trap_before_log(void)
{
	if (!sym_fw_boot) {
		printf("# fw_boot address not given\n");
		CHECK(0);
		return;
	}
	power_on(POTNPU_FW_ABI_VERSION, 8);
	plant_illegal(sym_fw_boot);
	sim_run(&S, BOOT_BUDGET);
	expect_parked_failure(POTNPU_FW_ERR_INTERNAL);
	/* The trap handler published the log itself. */
	CHECK_EQ(reg(POTNPU_IO_LOG_SIZE), 0x1000);
	CHECK(strstr(log_text(), "trap: mcause 2 mepc ") != NULL);
}

void image_tests(int argc, char **argv)
{
	int i;

	load_image(argv[0]);
	for (i = 1; i < argc; i++) {
		if (!strncmp(argv[i], "fw_boot=", 8))
			sym_fw_boot = (uint32_t)strtoul(argv[i] + 8, NULL, 0);
		else if (!strncmp(argv[i], "fw_run_job=", 11))
			sym_fw_run_job = (uint32_t)strtoul(argv[i] + 11, NULL, 0);
	}
	RUN(test_image_boots);
	RUN(test_image_idle_heartbeat);
	RUN(test_image_jobs);
	RUN(test_image_mmu_fault);
	RUN(test_image_abort);
	RUN(test_image_abi_mismatch);
	RUN(test_image_bad_queue);
	RUN(test_image_trap_in_job);
	RUN(test_image_trap_before_log);
	free(payload);
}
