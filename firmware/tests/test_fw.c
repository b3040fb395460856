// SPDX-License-Identifier: MIT
/*
 * Host unit tests of the potnpu firmware: boot.c, job.c and log.c run
 * against the simulated device of fake_io.c. The built image itself (start.S,
 * main.c, the linker script) runs on the QEMU device model's core in
 * qemu-smoke.py. TAP on stdout ("ok N - name" at column 0, diagnostics as
 * "# ..."); the exit status is non-zero if any test fails.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_io.h"
#include "fw.h"
#include "fw_io.h"
#include "potnpu_fw_image.h"
#include "tap.h"

/* What main.c defines in the target build. */
const uint32_t potnpu_fw_version =
	POTNPU_FW_VER(POTNPU_FW_VERSION_MAJOR, POTNPU_FW_VERSION_MINOR,
		      POTNPU_FW_VERSION_PATCH);
const uint32_t potnpu_fw_abi_version = POTNPU_FW_ABI_VERSION;

/* ---- the simulated system ----------------------------------------------- */

#define JQ_BASE		FAKE_BUS_BASE
#define CQ_BASE		(FAKE_BUS_BASE + 0x40000)
#define STREAM_VA	0x10000u	/* command streams */
#define DATA_VA		0x100000u	/* buffers the commands touch */

/* The port's third function: fw_dmem sits at FAKE_DMEM_AREA in DMEM. */
uint32_t fw_dmem_off(const void *p)
{
	const uint8_t *b = (const uint8_t *)&fw_dmem;
	const uint8_t *q = p;

	if (q < b || q >= b + sizeof(fw_dmem)) {
		fprintf(stderr, "fw_dmem_off of a pointer outside fw_dmem\n");
		abort();
	}
	return FAKE_DMEM_AREA + (uint32_t)(q - b);
}

static void reset_all(void)
{
	fake_reset();
	fake.area = (uint8_t *)&fw_dmem;
	fake.area_off = FAKE_DMEM_AREA;
	fake.area_len = sizeof(fw_dmem);
	memset(&fw, 0, sizeof(fw));
	memset(&fw_dmem, 0, sizeof(fw_dmem));
}

static void set_queue(uint32_t size, uint64_t jq, uint64_t cq, uint32_t head)
{
	fake.regs[POTNPU_IO_JQ_SIZE / 4] = size;
	fake.regs[POTNPU_IO_JQ_BASE_LO / 4] = (uint32_t)jq;
	fake.regs[POTNPU_IO_JQ_BASE_HI / 4] = (uint32_t)(jq >> 32);
	fake.regs[POTNPU_IO_CQ_BASE_LO / 4] = (uint32_t)cq;
	fake.regs[POTNPU_IO_CQ_BASE_HI / 4] = (uint32_t)(cq >> 32);
	fake.regs[POTNPU_IO_JQ_HEAD / 4] = head;
	fake.regs[POTNPU_IO_CQ_TAIL / 4] = head;
	fake.regs[POTNPU_IO_JQ_TAIL / 4] = head;
}

/* Boot a device with a ring of @size entries whose counters start at @head. */
static void boot_at(uint32_t size, uint32_t head)
{
	reset_all();
	fake.regs[POTNPU_IO_HOST_ABI / 4] = POTNPU_FW_ABI_VERSION;
	set_queue(size, JQ_BASE, CQ_BASE, head);
	CHECK_EQ(fw_boot(), POTNPU_FW_ERR_NONE);
	CHECK_EQ(fake.regs[POTNPU_IO_FW_STATUS / 4], POTNPU_FW_STATUS_READY);
}

static void boot(void)
{
	boot_at(8, 0);
}

static uint32_t reg(uint32_t r)
{
	return fake.regs[r / 4];
}

static uint32_t va_get32(uint64_t va)
{
	uint32_t v;

	memcpy(&v, &fake.va[va], 4);
	return v;
}

static uint64_t va_get64(uint64_t va)
{
	uint64_t v;

	memcpy(&v, &fake.va[va], 8);
	return v;
}

/* A command stream under construction. */
struct stream {
	uint32_t w[POTNPU_CMD_MAX_SIZE / 4 + 16];	/* room to overrun */
	uint32_t n;
};

static struct stream S;

static void s_reset(void)
{
	S.n = 0;
}

static uint32_t s_off(void)
{
	return S.n << 2;
}

static void s_words(uint32_t count, ...)
{
	va_list ap;

	va_start(ap, count);
	while (count--)
		S.w[S.n++] = va_arg(ap, uint32_t);
	va_end(ap);
}

static void s_nop(void)
{
	s_words(1, POTNPU_CMD_HDR(POTNPU_OP_NOP, POTNPU_NOP_WORDS));
}

static void s_fence(uint64_t va, uint32_t value)
{
	s_words(4, POTNPU_CMD_HDR(POTNPU_OP_FENCE, POTNPU_FENCE_WORDS),
		(uint32_t)va, (uint32_t)(va >> 32), value);
}

static void s_timestamp(uint64_t va)
{
	s_words(3, POTNPU_CMD_HDR(POTNPU_OP_TIMESTAMP, POTNPU_TIMESTAMP_WORDS),
		(uint32_t)va, (uint32_t)(va >> 32));
}

static void s_copy(uint64_t src, uint64_t dst, uint32_t size)
{
	s_words(6, POTNPU_CMD_HDR(POTNPU_OP_COPY, POTNPU_COPY_WORDS),
		(uint32_t)src, (uint32_t)(src >> 32), (uint32_t)dst,
		(uint32_t)(dst >> 32), size);
}

static void s_fill(uint64_t dst, uint32_t size, uint32_t pattern)
{
	s_words(5, POTNPU_CMD_HDR(POTNPU_OP_FILL, POTNPU_FILL_WORDS),
		(uint32_t)dst, (uint32_t)(dst >> 32), size, pattern);
}

/* Put the stream at @va in device memory. */
static void s_place(uint64_t va)
{
	memcpy(&fake.va[va], S.w, (size_t)S.n << 2);
}

static struct potnpu_job_desc make_desc(uint32_t seqno, uint64_t va,
					uint32_t size, uint16_t slot)
{
	struct potnpu_job_desc d;

	memset(&d, 0, sizeof(d));
	d.seqno = seqno;
	d.slot = slot;
	d.cmd_va = va;
	d.cmd_size = size;
	return d;
}

/* Put @d in the ring at JQ_TAIL and ring the doorbell. */
static void submit_desc(const struct potnpu_job_desc *d)
{
	uint32_t tail = reg(POTNPU_IO_JQ_TAIL);
	uint8_t *p = fake_bus_ptr(JQ_BASE + ((uint64_t)(tail & (reg(POTNPU_IO_JQ_SIZE) - 1)) << 6), 64);

	memcpy(p, d, 64);
	fake.regs[POTNPU_IO_JQ_TAIL / 4] = tail + 1;
	fake.regs[POTNPU_IO_EVENTS / 4] |= POTNPU_EVENT_JQ_DOORBELL;
}

/* Place the current stream at STREAM_VA and submit it as job @seqno. */
static void submit(uint32_t seqno)
{
	struct potnpu_job_desc d = make_desc(seqno, STREAM_VA, s_off(), 0);

	s_place(STREAM_VA);
	submit_desc(&d);
}

/* Run the idle loop until the queue is empty (bounded). */
static void run(void)
{
	int i;

	for (i = 0; i < 100 && fw_poll(); i++)
		;
	CHECK(i < 100);
}

/* Completion record number @i (free-running counter value). */
static struct potnpu_job_done cq(uint32_t i)
{
	struct potnpu_job_done d;

	memcpy(&d, fake_bus_ptr(CQ_BASE + ((uint64_t)(i & (reg(POTNPU_IO_JQ_SIZE) - 1)) << 5), 32), 32);
	return d;
}

static void check_done(uint32_t i, uint32_t seqno, uint32_t status,
		       uint32_t err_offset, uint32_t err_info,
		       uint64_t fault_addr)
{
	struct potnpu_job_done d = cq(i);

	CHECK_EQ(d.seqno, seqno);
	CHECK_EQ(d.status, status);
	CHECK_EQ(d.err_offset, err_offset);
	CHECK_EQ(d.err_info, err_info);
	CHECK_EQ(d.fault_addr_lo, (uint32_t)fault_addr);
	CHECK_EQ(d.fault_addr_hi, (uint32_t)(fault_addr >> 32));
	CHECK(d.end_lo - d.start_lo < 0x80000000u);
	CHECK(d.end_lo != d.start_lo);
}

/* Run one job made of the current stream; check it completed with @status. */
static void run_one(uint32_t status, uint32_t err_offset, uint32_t err_info,
		    uint32_t fault_addr)
{
	uint32_t n = reg(POTNPU_IO_CQ_TAIL);

	submit(0x5e00 + n);
	run();
	CHECK_EQ(reg(POTNPU_IO_CQ_TAIL), n + 1);
	CHECK_EQ(reg(POTNPU_IO_JQ_HEAD), n + 1);
	check_done(n, 0x5e00 + n, status, err_offset, err_info, fault_addr);
}

/* The whole log as a string (the last LOG_SIZE bytes at most). */
static const char *log_text(void)
{
	static char buf[FW_LOG_SIZE + 1];
	uint32_t head = reg(POTNPU_IO_LOG_HEAD), n, i;

	n = head < FW_LOG_SIZE ? head : FW_LOG_SIZE;
	for (i = 0; i < n; i++)
		buf[i] = fw_dmem.log[(head - n + i) & (FW_LOG_SIZE - 1)];
	buf[n] = 0;
	return buf;
}

static uint32_t count_substr(const char *hay, const char *needle)
{
	uint32_t n = 0;

	while ((hay = strstr(hay, needle))) {
		n++;
		hay++;
	}
	return n;
}

#define MMU_INFO(slot, write) POTNPU_MMU_FAULT_MAKE(slot, 0, write)

/* ---- boot --------------------------------------------------------------- */

static void test_boot_ready(void)
{
	boot();
	CHECK_EQ(fake.status_count, 2);
	CHECK_EQ(fake.status_log[0], POTNPU_FW_STATUS_BOOTING);
	CHECK_EQ(fake.status_log[1], POTNPU_FW_STATUS_READY);
	CHECK_EQ(reg(POTNPU_IO_FW_VERSION),
		 POTNPU_FW_VER(POTNPU_FW_VERSION_MAJOR, POTNPU_FW_VERSION_MINOR,
			       POTNPU_FW_VERSION_PATCH));
	CHECK_EQ(reg(POTNPU_IO_FW_ABI), POTNPU_FW_ABI_VERSION);
	CHECK_EQ(reg(POTNPU_IO_FW_CAPS), POTNPU_FW_CAP_DMA | POTNPU_FW_CAP_LAYERS);
	CHECK_EQ(reg(POTNPU_IO_FW_ERROR), POTNPU_FW_ERR_NONE);
	CHECK_EQ(reg(POTNPU_IO_LOG_BASE),
		 FAKE_DMEM_AREA + offsetof(struct fw_dmem, log));
	CHECK_EQ(reg(POTNPU_IO_LOG_SIZE), FW_LOG_SIZE);
	CHECK_EQ(reg(POTNPU_IO_LOG_HEAD), strlen(log_text()));
	CHECK(strstr(log_text(), "potnpu firmware ") != NULL);
	CHECK(strstr(log_text(), "boot: ready, queue of 8 at 1:23400000") != NULL);
	CHECK_EQ(fw.q_size, 8);
	CHECK_EQ(fw.jq_base, JQ_BASE);
	CHECK_EQ(fw.cq_base, CQ_BASE);
	CHECK(!fw.failed);
}

static void expect_boot_failure(uint32_t err)
{
	CHECK_EQ(fw_boot(), err);
	CHECK(fw.failed);
	CHECK_EQ(reg(POTNPU_IO_FW_STATUS), POTNPU_FW_STATUS_FAILED);
	CHECK_EQ(reg(POTNPU_IO_FW_ERROR), err);
	/* The error is in place when the status (and IRQ_FW) changes. */
	CHECK_EQ(fake.error_at_status, err);
	CHECK_EQ(fake.status_log[0], POTNPU_FW_STATUS_BOOTING);
	CHECK_EQ(fake.status_log[fake.status_count - 1], POTNPU_FW_STATUS_FAILED);
	/* The log is published even when boot fails, and says why. */
	CHECK_EQ(reg(POTNPU_IO_LOG_SIZE), FW_LOG_SIZE);
	CHECK(strstr(log_text(), "boot: ") != NULL);
	CHECK(strstr(log_text(), "fatal: firmware failed") != NULL);
	/* A failed firmware serves nothing. */
	CHECK_EQ(fw_poll(), 0);
}

static void test_boot_abi_major_mismatch(void)
{
	const uint32_t bad[] = {
		POTNPU_FW_VER(POTNPU_FW_VER_MAJOR(POTNPU_FW_ABI_VERSION) + 1, 1, 0),
		POTNPU_FW_VER(255, 0, 0),
		/* A host that never wrote HOST_ABI, and the 0.x hosts. */
		0,
		POTNPU_FW_VER(0, 1, 0),
	};
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		reset_all();
		set_queue(8, JQ_BASE, CQ_BASE, 0);
		fake.regs[POTNPU_IO_HOST_ABI / 4] = bad[i];
		expect_boot_failure(POTNPU_FW_ERR_ABI);
		CHECK(strstr(log_text(), "major not supported") != NULL);
		/* Versions are reported before the ABI check. */
		CHECK_EQ(reg(POTNPU_IO_FW_ABI), POTNPU_FW_ABI_VERSION);
	}
}

/* ABI major 1: HOST_ABI 0 (never written) cannot pass for ours. */
static void test_boot_abi_zero_refused(void)
{
	CHECK(POTNPU_FW_VER_MAJOR(POTNPU_FW_ABI_VERSION) != 0);
	reset_all();
	set_queue(8, JQ_BASE, CQ_BASE, 0);
	expect_boot_failure(POTNPU_FW_ERR_ABI);
	CHECK(strstr(log_text(), "boot: host abi 0.0.0, major not supported") != NULL);
	CHECK_EQ(reg(POTNPU_IO_FW_ERROR), POTNPU_FW_ERR_ABI);
}

static void test_boot_abi_minor_accepted(void)
{
	reset_all();
	set_queue(8, JQ_BASE, CQ_BASE, 0);
	fake.regs[POTNPU_IO_HOST_ABI / 4] = (POTNPU_FW_ABI_VERSION & 0xff000000u) |
					    0x00ff1234u;
	CHECK_EQ(fw_boot(), POTNPU_FW_ERR_NONE);
	CHECK_EQ(reg(POTNPU_IO_FW_STATUS), POTNPU_FW_STATUS_READY);
}

static void test_boot_bad_queue_size(void)
{
	const uint32_t bad[] = { 0, 1, 3, 6, 100, 4095, 8192, 0x80000000u,
				 0xffffffffu };
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		reset_all();
		fake.regs[POTNPU_IO_HOST_ABI / 4] = POTNPU_FW_ABI_VERSION;
		set_queue(bad[i], JQ_BASE, CQ_BASE, 0);
		expect_boot_failure(POTNPU_FW_ERR_QUEUE);
		CHECK(strstr(log_text(), "JQ_SIZE") != NULL);
	}
}

static void test_boot_good_queue_sizes(void)
{
	uint32_t size;

	for (size = POTNPU_JQ_MIN_SIZE; size <= POTNPU_JQ_MAX_SIZE; size <<= 1) {
		boot_at(size, 0);
		CHECK_EQ(fw.q_mask, size - 1);
	}
}

static void test_boot_bad_ring_bases(void)
{
	const struct { uint64_t jq, cq; const char *what; } bad[] = {
		{ 0, CQ_BASE, "JQ_BASE" },
		{ JQ_BASE + 0x20, CQ_BASE, "JQ_BASE" },
		{ JQ_BASE + 4, CQ_BASE, "JQ_BASE" },
		{ 0xffffffffffffffc0ull, CQ_BASE, "JQ_BASE" },	/* ring wraps */
		{ JQ_BASE, 0, "CQ_BASE" },
		{ JQ_BASE, CQ_BASE + 0x30, "CQ_BASE" },
		{ JQ_BASE, 0xffffffffffffff80ull, "CQ_BASE" },
	};
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		reset_all();
		fake.regs[POTNPU_IO_HOST_ABI / 4] = POTNPU_FW_ABI_VERSION;
		set_queue(8, bad[i].jq, bad[i].cq, 0);
		expect_boot_failure(POTNPU_FW_ERR_QUEUE);
		CHECK(strstr(log_text(), bad[i].what) != NULL);
	}
}

static void test_boot_head_tail_mismatch(void)
{
	const uint32_t cq_tail[] = { 4, 7, 0xffffffffu };
	unsigned int i;

	for (i = 0; i < sizeof(cq_tail) / sizeof(cq_tail[0]); i++) {
		reset_all();
		fake.regs[POTNPU_IO_HOST_ABI / 4] = POTNPU_FW_ABI_VERSION;
		set_queue(8, JQ_BASE, CQ_BASE, 5);
		fake.regs[POTNPU_IO_CQ_TAIL / 4] = cq_tail[i];
		expect_boot_failure(POTNPU_FW_ERR_QUEUE);
		CHECK_EQ(reg(POTNPU_IO_JQ_HEAD), 5);
	}
}

static void test_boot_finishes_interrupted_completion(void)
{
	reset_all();
	fake.regs[POTNPU_IO_HOST_ABI / 4] = POTNPU_FW_ABI_VERSION;
	set_queue(8, JQ_BASE, CQ_BASE, 0xffffffffu);
	fake.regs[POTNPU_IO_CQ_TAIL / 4] = 0;
	fake.regs[POTNPU_IO_JQ_TAIL / 4] = 0;
	CHECK_EQ(fw_boot(), POTNPU_FW_ERR_NONE);
	CHECK_EQ(reg(POTNPU_IO_JQ_HEAD), 0);
	CHECK_EQ(fw.jq_head, 0);
	CHECK_EQ(fw.cq_tail, 0);
	CHECK(strstr(log_text(), "boot: job ffffffff was completed, advancing JQ_HEAD") != NULL);
	s_reset();
	s_nop();
	run_one(POTNPU_JOB_OK, 0, 0, 0);
}

static void test_boot_resumes_counters(void)
{
	boot_at(16, 0x12345);
	CHECK_EQ(fw.jq_head, 0x12345);
	CHECK_EQ(fw.cq_tail, 0x12345);
	CHECK_EQ(fw_poll(), 0);
	/* Only the boot probe of the engine's SRAM. */
	CHECK_EQ(fake.dma_count, 1);
}

/* ---- commands ----------------------------------------------------------- */

static void test_nop_job(void)
{
	struct potnpu_job_done d;

	boot();
	s_reset();
	s_nop();
	run_one(POTNPU_JOB_OK, 0, 0, 0);
	d = cq(0);
	CHECK_EQ(fake.irq_writes, 1);
	CHECK_EQ(fake.irq_bits, POTNPU_IRQ_JOB);
	CHECK_EQ(fw.jobs, 1);
	/* Doorbell acknowledged. */
	CHECK_EQ(reg(POTNPU_IO_EVENTS), 0);
	/* INSTRET low words, from after boot. */
	CHECK(d.start_lo >= 1000);
	CHECK(d.end_lo > d.start_lo);
	/* No log line for a job that succeeds. */
	CHECK_EQ(count_substr(log_text(), "job "), 0);
}

static void test_fence(void)
{
	boot();
	s_reset();
	s_fence(DATA_VA + 8, 0xdeadbeef);
	run_one(POTNPU_JOB_OK, 0, 0, 0);
	CHECK_EQ(va_get32(DATA_VA + 8), 0xdeadbeef);
	CHECK_EQ(va_get32(DATA_VA + 4), 0);
	CHECK_EQ(va_get32(DATA_VA + 12), 0);
}

static void test_job_slot(void)
{
	struct potnpu_job_desc d;

	boot();
	s_reset();
	s_fence(DATA_VA, 7);
	s_place(STREAM_VA);
	d = make_desc(9, STREAM_VA, s_off(), 15);
	submit_desc(&d);
	run();
	check_done(0, 9, POTNPU_JOB_OK, 0, 0, 0);
	CHECK_EQ(fake.last_va_ctx, 15);
	CHECK_EQ(va_get32(DATA_VA), 7);

	/* A disabled slot faults on the stream fetch. */
	fake.slot_enabled = ~(1u << 3);
	d = make_desc(10, STREAM_VA, s_off(), 3);
	submit_desc(&d);
	run();
	check_done(1, 10, POTNPU_JOB_EMMU, 0, MMU_INFO(3, 0), STREAM_VA);
}

static void test_timestamp(void)
{
	struct potnpu_job_done d;
	uint64_t t0, t1;

	boot();
	s_reset();
	s_timestamp(DATA_VA);
	s_timestamp(DATA_VA + 8);
	run_one(POTNPU_JOB_OK, 0, 0, 0);
	d = cq(0);
	t0 = va_get64(DATA_VA);
	t1 = va_get64(DATA_VA + 8);
	CHECK(t0 > d.start_lo);
	CHECK(t1 > t0);
	CHECK(t1 < d.end_lo);

	/* Across the 2^32 boundary the high word follows. */
	fake.instret = 0x1fffffffeull;
	s_reset();
	s_timestamp(DATA_VA + 16);
	s_timestamp(DATA_VA + 24);
	s_timestamp(DATA_VA + 32);
	run_one(POTNPU_JOB_OK, 0, 0, 0);
	t0 = va_get64(DATA_VA + 16);
	t1 = va_get64(DATA_VA + 32);
	CHECK(t0 >= 0x1fffffffeull);
	CHECK(t1 > t0);
	CHECK(t1 >= 0x200000000ull);
	CHECK(va_get64(DATA_VA + 24) > t0 && va_get64(DATA_VA + 24) < t1);
}

static void test_instret_carry(void)
{
	reset_all();
	/* LO reads 0xffffffff then the counter carries into HI. */
	fake.instret = 0x7ffffffffull;
	CHECK_EQ(fw_instret() >> 32, 8);
	fake.instret = 0x7fffffffeull;
	CHECK_EQ(fw_instret(), 0x7fffffffeull);
}

static void test_copy(void)
{
	uint32_t i;

	boot();
	for (i = 0; i < 300; i++)
		fake.va[DATA_VA + i] = (uint8_t)(i * 7 + 1);
	s_reset();
	s_copy(DATA_VA + 1, DATA_VA + 0x1003, 257);	/* unaligned, odd */
	s_copy(DATA_VA, DATA_VA + 0x2000, 1);
	run_one(POTNPU_JOB_OK, 0, 0, 0);
	CHECK(!memcmp(&fake.va[DATA_VA + 0x1003], &fake.va[DATA_VA + 1], 257));
	CHECK_EQ(fake.va[DATA_VA + 0x1002], 0);
	CHECK_EQ(fake.va[DATA_VA + 0x1003 + 257], 0);
	CHECK_EQ(fake.va[DATA_VA + 0x2000], 1);
	CHECK_EQ(fake.va[DATA_VA + 0x2001], 0);
}

static void test_copy_chunks(void)
{
	const uint32_t size = POTNPU_DMA_MAX_LEN + POTNPU_DMA_MAX_LEN / 2 + 3;
	uint32_t i, dmas;

	boot();
	for (i = 0; i < size; i++)
		fake.va[0x20000 + i] = (uint8_t)(i ^ (i >> 8));
	s_reset();
	s_copy(0x20000, 0x200001, size);
	dmas = fake.dma_count;
	run_one(POTNPU_JOB_OK, 0, 0, 0);
	CHECK(!memcmp(&fake.va[0x200001], &fake.va[0x20000], size));
	/* descriptor + stream + 2 chunks + completion */
	CHECK_EQ(fake.dma_count - dmas, 5);
}

static void test_fill(void)
{
	static const uint8_t pat[4] = { 0x11, 0x22, 0x33, 0x44 };
	uint32_t i;
	int ok = 1;

	boot();
	s_reset();
	s_fill(DATA_VA + 3, 13, 0x44332211);	/* unaligned start and size */
	s_fill(DATA_VA + 0x100, 1, 0xa5);
	run_one(POTNPU_JOB_OK, 0, 0, 0);
	CHECK_EQ(fake.va[DATA_VA + 2], 0);
	for (i = 0; i < 13; i++)
		ok &= fake.va[DATA_VA + 3 + i] == pat[i & 3];
	CHECK(ok);
	CHECK_EQ(fake.va[DATA_VA + 16], 0);
	CHECK_EQ(fake.va[DATA_VA + 0x100], 0xa5);
	CHECK_EQ(fake.va[DATA_VA + 0x101], 0);
}

static void test_fill_chunks_keep_phase(void)
{
	const uint32_t size = POTNPU_DMA_MAX_LEN + 7;
	uint32_t i, bad = 0;

	boot();
	s_reset();
	s_fill(0x200001, size, 0x04030201);
	run_one(POTNPU_JOB_OK, 0, 0, 0);
	for (i = 0; i < size; i++)
		bad += fake.va[0x200001 + i] != (uint8_t)((i & 3) + 1);
	CHECK_EQ(bad, 0);
	CHECK_EQ(fake.va[0x200001 + size], 0);
}

static void test_commands_in_order(void)
{
	boot();
	s_reset();
	s_fill(DATA_VA, 16, 0x01010101);
	s_fence(DATA_VA + 4, 0x22222222);
	s_copy(DATA_VA, DATA_VA + 32, 16);
	s_nop();
	s_fence(DATA_VA, 0x33333333);
	run_one(POTNPU_JOB_OK, 0, 0, 0);
	CHECK_EQ(va_get32(DATA_VA + 32), 0x01010101);
	CHECK_EQ(va_get32(DATA_VA + 36), 0x22222222);
	CHECK_EQ(va_get32(DATA_VA), 0x33333333);
}

static void test_long_stream_window(void)
{
	uint32_t i;

	boot();
	s_reset();
	/* A FENCE straddling the 16 KiB window, then one at the very end. */
	for (i = 0; i < FW_CMD_BUF_SIZE / 4 - 2; i++)
		s_nop();
	s_fence(DATA_VA, 0xa1);
	while (S.n < POTNPU_CMD_MAX_SIZE / 4 - POTNPU_FENCE_WORDS)
		s_nop();
	s_fence(DATA_VA + 4, 0xa2);
	CHECK_EQ(s_off(), POTNPU_CMD_MAX_SIZE);
	run_one(POTNPU_JOB_OK, 0, 0, 0);
	CHECK_EQ(va_get32(DATA_VA), 0xa1);
	CHECK_EQ(va_get32(DATA_VA + 4), 0xa2);
}

static void test_progress_per_command(void)
{
	uint32_t hb, kicks;

	boot();
	s_reset();
	s_nop();
	s_nop();
	s_nop();
	s_fence(DATA_VA, 1);
	hb = fw.heartbeat;
	kicks = fake.wdog_kicks;
	run_one(POTNPU_JOB_OK, 0, 0, 0);
	/* 4 commands + 1 job + at least one idle pass. */
	CHECK(fw.heartbeat - hb >= 6);
	CHECK(fake.wdog_kicks - kicks >= 6);
	CHECK_EQ(reg(POTNPU_IO_HEARTBEAT), fw.heartbeat);
}

/* ---- malformed command streams ------------------------------------------ */

static void test_unknown_opcodes(void)
{
	const uint32_t ops[] = { 0x05, 0x0f, POTNPU_OP_LAYER_FIRST, 0x42,
				 POTNPU_OP_LAYER_LAST, 0x80, 0xff };
	unsigned int i;

	boot();
	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		s_reset();
		s_nop();
		s_fence(DATA_VA, i + 1);
		s_words(2, POTNPU_CMD_HDR(ops[i], 2), 0);
		s_fence(DATA_VA + 4, i + 1);
		run_one(POTNPU_JOB_EILLEGAL, 20, ops[i], 0);
		/* Commands before ran, none after. */
		CHECK_EQ(va_get32(DATA_VA), i + 1);
		CHECK_EQ(va_get32(DATA_VA + 4), 0);
	}
}

static void test_wrong_lengths(void)
{
	static const uint32_t words[] = {
		POTNPU_NOP_WORDS, POTNPU_FENCE_WORDS, POTNPU_TIMESTAMP_WORDS,
		POTNPU_COPY_WORDS, POTNPU_FILL_WORDS,
	};
	uint32_t op, k;

	boot();
	for (op = 0; op < 5; op++) {
		const uint32_t bad[] = { 0, words[op] - 1, words[op] + 1, 0xffff };

		for (k = 0; k < 4; k++) {
			if (bad[k] == 0 && words[op] == 1)
				continue;
			s_reset();
			s_nop();
			s_words(1, POTNPU_CMD_HDR(op, bad[k]));
			s_words(6, 0, 0, 0, 0, 0, 0);
			run_one(POTNPU_JOB_EILLEGAL, 4, op, 0);
		}
	}
}

static void test_flags_rejected(void)
{
	uint32_t op, bit;
	static const uint32_t words[] = { 1, 4, 3, 6, 5 };

	boot();
	for (op = 0; op < 5; op++) {
		for (bit = 8; bit < 16; bit += 7) {
			s_reset();
			s_words(1, POTNPU_CMD_HDR(op, words[op]) | 1u << bit);
			s_words(6, DATA_VA, 0, DATA_VA, 0, 4, 0);
			run_one(POTNPU_JOB_EILLEGAL, 0, op, 0);
		}
	}
}

static void test_truncated_commands(void)
{
	struct potnpu_job_desc d;

	boot();
	/* A FENCE whose operands are past the end of the stream. */
	s_reset();
	s_nop();
	s_fence(DATA_VA, 5);
	s_place(STREAM_VA);
	d = make_desc(1, STREAM_VA, 4 + 8, 0);
	submit_desc(&d);
	run();
	check_done(0, 1, POTNPU_JOB_EILLEGAL, 4, POTNPU_OP_FENCE, 0);
	CHECK_EQ(va_get32(DATA_VA), 0);

	/* A COPY one word short, at the end of a full-size stream. */
	s_reset();
	while (S.n < POTNPU_CMD_MAX_SIZE / 4 - 5)
		s_nop();
	s_copy(DATA_VA, DATA_VA + 64, 4);
	s_place(STREAM_VA);
	d = make_desc(2, STREAM_VA, POTNPU_CMD_MAX_SIZE, 0);
	submit_desc(&d);
	run();
	check_done(1, 2, POTNPU_JOB_EILLEGAL, POTNPU_CMD_MAX_SIZE - 20,
		   POTNPU_OP_COPY, 0);

	/* A header alone in the last word. */
	s_reset();
	s_nop();
	s_words(1, POTNPU_CMD_HDR(POTNPU_OP_TIMESTAMP, POTNPU_TIMESTAMP_WORDS));
	run_one(POTNPU_JOB_EILLEGAL, 4, POTNPU_OP_TIMESTAMP, 0);
}

static void test_invalid_operands(void)
{
	boot();
	s_reset();
	s_copy(DATA_VA, DATA_VA + 64, 0);
	run_one(POTNPU_JOB_EINVAL, 0, 0, 0);

	s_reset();
	s_nop();
	s_fill(DATA_VA, 0, 1);
	run_one(POTNPU_JOB_EINVAL, 4, 0, 0);

	s_reset();
	s_fence(DATA_VA + 2, 1);
	run_one(POTNPU_JOB_EINVAL, 0, 0, 0);
	CHECK_EQ(va_get32(DATA_VA), 0);

	s_reset();
	s_fence(DATA_VA + 0x100000001ull, 1);
	run_one(POTNPU_JOB_EINVAL, 0, 0, 0);

	s_reset();
	s_timestamp(DATA_VA + 4);		/* 4- but not 8-byte aligned */
	run_one(POTNPU_JOB_EINVAL, 0, 0, 0);
	CHECK_EQ(va_get64(DATA_VA), 0);

	s_reset();
	s_copy(0xfffffffffffffff0ull, DATA_VA, 0x20);	/* source wraps */
	run_one(POTNPU_JOB_EINVAL, 0, 0, 0);

	s_reset();
	s_copy(DATA_VA, 0xffffffffffffff00ull, 0x100);	/* destination wraps */
	run_one(POTNPU_JOB_EINVAL, 0, 0, 0);

	s_reset();
	s_fill(0xfffffffffffffffeull, 4, 0);
	run_one(POTNPU_JOB_EINVAL, 0, 0, 0);
	CHECK_EQ(count_substr(log_text(), "invalid operand"), 8);
}

/* ---- descriptors -------------------------------------------------------- */

static void test_desc_check(void)
{
	struct potnpu_job_desc d = make_desc(1, STREAM_VA, 4, 0);
	unsigned int i;

	CHECK_EQ(fw_desc_check(&d), FW_DESC_OK);
	d.flags = 0x8000;
	CHECK_EQ(fw_desc_check(&d), FW_DESC_FLAGS);
	d.flags = 0;
	for (i = 0; i < 11; i++) {
		d.reserved[i] = 1u << i;
		CHECK_EQ(fw_desc_check(&d), FW_DESC_RESERVED);
		d.reserved[i] = 0;
	}
	d.cmd_size = 0;
	CHECK_EQ(fw_desc_check(&d), FW_DESC_SIZE);
	d.cmd_size = 6;
	CHECK_EQ(fw_desc_check(&d), FW_DESC_SIZE);
	d.cmd_size = POTNPU_CMD_MAX_SIZE + 4;
	CHECK_EQ(fw_desc_check(&d), FW_DESC_SIZE);
	d.cmd_size = 0xfffffffc;
	CHECK_EQ(fw_desc_check(&d), FW_DESC_SIZE);
	d.cmd_size = POTNPU_CMD_MAX_SIZE;
	CHECK_EQ(fw_desc_check(&d), FW_DESC_OK);
	d.slot = POTNPU_MMU_SLOTS;
	CHECK_EQ(fw_desc_check(&d), FW_DESC_SLOT);
	d.slot = 0xffff;
	CHECK_EQ(fw_desc_check(&d), FW_DESC_SLOT);
	d.slot = POTNPU_MMU_SLOTS - 1;
	CHECK_EQ(fw_desc_check(&d), FW_DESC_OK);
	d.cmd_va = STREAM_VA + 2;
	CHECK_EQ(fw_desc_check(&d), FW_DESC_ALIGN);
	d.cmd_va = STREAM_VA + 1;
	CHECK_EQ(fw_desc_check(&d), FW_DESC_ALIGN);
}

static void test_edesc_jobs(void)
{
	struct potnpu_job_desc d;
	uint32_t i, n = 0, dmas;

	boot();
	s_reset();
	s_fence(DATA_VA, 0x77);
	s_place(STREAM_VA);
	for (i = 0; i < 8; i++) {
		d = make_desc(100 + i, STREAM_VA, 16, 0);
		switch (i) {
		case 0: d.flags = 1; break;
		case 1: d.reserved[0] = 1; break;
		case 2: d.reserved[10] = 0x80000000u; break;
		case 3: d.cmd_size = 0; break;
		case 4: d.cmd_size = 18; break;
		case 5: d.cmd_size = POTNPU_CMD_MAX_SIZE + 4; break;
		case 6: d.slot = 16; break;
		case 7: d.cmd_va = STREAM_VA + 2; break;
		}
		dmas = fake.dma_count;
		submit_desc(&d);
		run();
		/* Only the descriptor read and the completion write. */
		CHECK_EQ(fake.dma_count - dmas, 2);
		check_done(n++, 100 + i, POTNPU_JOB_EDESC, 0, 0, 0);
	}
	CHECK_EQ(va_get32(DATA_VA), 0);
	CHECK_EQ(count_substr(log_text(), "bad descriptor"), 8);
	/* The queue still works. */
	d = make_desc(200, STREAM_VA, 16, 0);
	submit_desc(&d);
	run();
	check_done(n, 200, POTNPU_JOB_OK, 0, 0, 0);
	CHECK_EQ(va_get32(DATA_VA), 0x77);
}

/* ---- faults ------------------------------------------------------------- */

static void test_stream_fetch_fault(void)
{
	boot();
	s_reset();
	s_fence(DATA_VA, 1);
	fake.page[STREAM_VA >> POTNPU_PAGE_SHIFT] = FAKE_PAGE_ABSENT;
	run_one(POTNPU_JOB_EMMU, 0, MMU_INFO(0, 0), STREAM_VA);
	CHECK_EQ(va_get32(DATA_VA), 0);
	CHECK(strstr(log_text(), "mmu fault at offset 0") != NULL);
}

static void test_stream_fault_mid_stream(void)
{
	uint32_t i, second;

	boot();
	s_reset();
	/* Page 0 of the stream: NOPs, a FENCE; page 1 absent. */
	s_fence(DATA_VA, 0x1111);
	for (i = 0; s_off() < POTNPU_PAGE_SIZE; i++)
		s_nop();
	second = s_off();
	s_fence(DATA_VA + 4, 0x2222);
	fake.page[(STREAM_VA >> POTNPU_PAGE_SHIFT) + 1] = FAKE_PAGE_ABSENT;
	run_one(POTNPU_JOB_EMMU, second, MMU_INFO(0, 0),
		STREAM_VA + POTNPU_PAGE_SIZE);
	CHECK_EQ(va_get32(DATA_VA), 0x1111);
	CHECK_EQ(va_get32(DATA_VA + 4), 0);

	/* A command straddling the page boundary is the one that fails. */
	s_reset();
	while (s_off() < POTNPU_PAGE_SIZE - 8)
		s_nop();
	s_fence(DATA_VA + 8, 0x3333);
	fake.va[DATA_VA + 8] = 0;
	run_one(POTNPU_JOB_EMMU, POTNPU_PAGE_SIZE - 8, MMU_INFO(0, 0),
		STREAM_VA + POTNPU_PAGE_SIZE);
	CHECK_EQ(va_get32(DATA_VA + 8), 0);
}

static void test_write_faults(void)
{
	boot();
	fake.page[DATA_VA >> POTNPU_PAGE_SHIFT] = FAKE_PAGE_RO;
	s_reset();
	s_nop();
	s_fence(DATA_VA + 0x10, 1);
	run_one(POTNPU_JOB_EMMU, 4, MMU_INFO(0, 1), DATA_VA + 0x10);

	s_reset();
	s_timestamp(DATA_VA + 0x18);
	run_one(POTNPU_JOB_EMMU, 0, MMU_INFO(0, 1), DATA_VA + 0x18);

	s_reset();
	s_fill(DATA_VA - 4, 12, 0);	/* last 4 bytes of the page before OK */
	run_one(POTNPU_JOB_EMMU, 0, MMU_INFO(0, 1), DATA_VA);
}

static void test_copy_faults(void)
{
	const uint32_t big = POTNPU_DMA_MAX_LEN + 0x3000;

	boot();
	/* Read side: the source's second page is absent. */
	fake.page[(DATA_VA >> POTNPU_PAGE_SHIFT) + 1] = FAKE_PAGE_ABSENT;
	s_reset();
	s_copy(DATA_VA + 0xff0, 0x300000, 0x20);
	run_one(POTNPU_JOB_EMMU, 0, MMU_INFO(0, 0), DATA_VA + 0x1000);

	/* Write side: a read-only page in the destination's second chunk. */
	fake.page[(DATA_VA >> POTNPU_PAGE_SHIFT) + 1] = 0;
	fake.page[(0x200000 + POTNPU_DMA_MAX_LEN + 0x2000) >> POTNPU_PAGE_SHIFT] =
		FAKE_PAGE_RO;
	s_reset();
	s_nop();
	s_nop();
	s_copy(0x000000, 0x200000, big);
	run_one(POTNPU_JOB_EMMU, 8, MMU_INFO(0, 1),
		0x200000 + POTNPU_DMA_MAX_LEN + 0x2000);
}

static void test_bus_errors(void)
{
	boot();
	fake.page[DATA_VA >> POTNPU_PAGE_SHIFT] = FAKE_PAGE_BUSERR;
	s_reset();
	s_fence(DATA_VA + 0x40, 1);
	run_one(POTNPU_JOB_EBUS, 0, 0, DATA_VA + 0x40);

	s_reset();
	s_nop();
	s_copy(DATA_VA + 0x10, 0x300000, 8);
	run_one(POTNPU_JOB_EBUS, 4, 0, DATA_VA + 0x10);
	CHECK(strstr(log_text(), "bus error at offset 4") != NULL);
}

static void test_dma_engine_refusal(void)
{
	boot();
	s_reset();
	s_nop();
	s_fence(DATA_VA, 1);
	/* DMAs: descriptor, stream, then the FENCE's: refused. */
	fake.fail_dma_n = fake.dma_count + 3;
	fake.fail_dma_status = POTNPU_DMA_EINVAL;
	run_one(POTNPU_JOB_EINVAL, 4, 0, 0);
	CHECK(strstr(log_text(), "dma 1") != NULL);
}

static void test_descriptor_unreadable(void)
{
	boot();
	s_reset();
	s_fence(DATA_VA, 1);
	fake.bus_bad_lo = JQ_BASE;
	fake.bus_bad_hi = JQ_BASE + 64;
	submit(5);
	run();
	/* Retired with seqno 0 (the descriptor could not be read). */
	/* The whole 64-bit bus address, both halves. */
	check_done(0, 0, POTNPU_JOB_EBUS, 0, 0, JQ_BASE);
	CHECK_EQ(reg(POTNPU_IO_JQ_HEAD), 1);
	CHECK_EQ(va_get32(DATA_VA), 0);
	CHECK(strstr(log_text(), "descriptor at 1:23400000 unreadable") != NULL);
	/* The next slot works. */
	fake.bus_bad_hi = 0;
	submit(77);
	run();
	check_done(1, 77, POTNPU_JOB_OK, 0, 0, 0);
}

static void test_completion_unwritable(void)
{
	boot();
	s_reset();
	s_nop();
	fake.bus_bad_lo = CQ_BASE;
	fake.bus_bad_hi = CQ_BASE + 32;
	submit(1);
	run();
	CHECK(fw.failed);
	CHECK_EQ(reg(POTNPU_IO_FW_STATUS), POTNPU_FW_STATUS_FAILED);
	CHECK_EQ(reg(POTNPU_IO_FW_ERROR), POTNPU_FW_ERR_QUEUE);
	CHECK_EQ(reg(POTNPU_IO_JQ_HEAD), 0);
	CHECK_EQ(reg(POTNPU_IO_CQ_TAIL), 0);
	CHECK_EQ(fake.irq_writes, 0);
	CHECK(strstr(log_text(), "cq: completion 0 not written") != NULL);
	/* And it stays stopped. */
	submit(2);
	CHECK_EQ(fw_poll(), 0);
	CHECK_EQ(reg(POTNPU_IO_JQ_HEAD), 0);
}

/* ---- abort -------------------------------------------------------------- */

static void test_abort_between_commands(void)
{
	boot();
	s_reset();
	s_fence(DATA_VA, 1);
	s_fence(DATA_VA + 4, 2);
	s_fence(DATA_VA + 8, 3);
	/* DMAs: descriptor (1), stream (2), first FENCE (3): abort arrives. */
	fake.h2f_after_dma = fake.dma_count + 3;
	fake.h2f_msg = POTNPU_H2F_ABORT_JOB;
	fake.h2f_arg = 0x5e00;		/* run_one()'s seqno */
	run_one(POTNPU_JOB_ABORTED, 16, 0, 0);
	CHECK_EQ(va_get32(DATA_VA), 1);
	CHECK_EQ(va_get32(DATA_VA + 4), 0);
	CHECK_EQ(va_get32(DATA_VA + 8), 0);
	CHECK_EQ(reg(POTNPU_IO_EVENTS) & POTNPU_EVENT_H2F, 0);
	CHECK(strstr(log_text(), "aborted at offset 10") != NULL);

	/* The next job is not affected. */
	fake.h2f_after_dma = 0;
	s_reset();
	s_fence(DATA_VA + 12, 4);
	s_fence(DATA_VA + 16, 5);
	run_one(POTNPU_JOB_OK, 0, 0, 0);
	CHECK_EQ(va_get32(DATA_VA + 16), 5);
}

static void test_abort_during_last_command(void)
{
	boot();
	s_reset();
	s_fence(DATA_VA, 1);
	s_fence(DATA_VA + 4, 2);
	fake.h2f_after_dma = fake.dma_count + 4;	/* the second FENCE */
	fake.h2f_msg = POTNPU_H2F_ABORT_JOB;
	fake.h2f_arg = 0x5e00;
	run_one(POTNPU_JOB_OK, 0, 0, 0);
	CHECK_EQ(va_get32(DATA_VA + 4), 2);
	/* The late abort is consumed, not applied to the next job. */
	s_reset();
	s_fence(DATA_VA + 8, 3);
	s_fence(DATA_VA + 12, 4);
	run_one(POTNPU_JOB_OK, 0, 0, 0);
	CHECK_EQ(va_get32(DATA_VA + 12), 4);
	CHECK(strstr(log_text(), "abort with no job running, ignored") != NULL);
}

static void test_abort_when_idle(void)
{
	boot();
	fake_h2f(POTNPU_H2F_ABORT_JOB, 0);
	CHECK_EQ(fw_poll(), 0);
	CHECK_EQ(reg(POTNPU_IO_EVENTS), 0);
	CHECK(strstr(log_text(), "abort with no job running, ignored") != NULL);
	s_reset();
	s_fence(DATA_VA, 1);
	s_fence(DATA_VA + 4, 2);
	run_one(POTNPU_JOB_OK, 0, 0, 0);

	/* Unknown messages are logged and dropped, also mid-job. */
	fake_h2f(0x1234, 0);
	CHECK_EQ(fw_poll(), 0);
	CHECK(strstr(log_text(), "h2f: unknown message 4660 ignored") != NULL);
	s_reset();
	s_fence(DATA_VA + 8, 3);
	s_fence(DATA_VA + 12, 4);
	fake.h2f_after_dma = fake.dma_count + 3;
	fake.h2f_msg = 99;
	run_one(POTNPU_JOB_OK, 0, 0, 0);
	CHECK_EQ(count_substr(log_text(), "unknown message"), 2);
}

/* An abort naming another job (one that already completed) is ignored. */
static void test_abort_other_job(void)
{
	boot();
	s_reset();
	s_fence(DATA_VA, 1);
	s_fence(DATA_VA + 4, 2);
	s_fence(DATA_VA + 8, 3);
	fake.h2f_after_dma = fake.dma_count + 3;
	fake.h2f_msg = POTNPU_H2F_ABORT_JOB;
	fake.h2f_arg = 0x5dff;		/* the job before: late */
	run_one(POTNPU_JOB_OK, 0, 0, 0);
	CHECK_EQ(va_get32(DATA_VA + 8), 3);
	CHECK_EQ(reg(POTNPU_IO_EVENTS) & POTNPU_EVENT_H2F, 0);
	CHECK(strstr(log_text(),
		     "h2f: abort of seqno 5dff ignored, running seqno 5e00") != NULL);
}

/*
 * A long COPY or FILL advances the heartbeat with every DMA transfer, so
 * the host's progress-aware timeout sees it working, and can be aborted
 * between two transfers.
 */
static void test_progress_within_command(void)
{
	const uint32_t size = POTNPU_DMA_MAX_LEN + POTNPU_DMA_MAX_LEN / 2;
	uint32_t first;

	boot();
	s_reset();
	s_copy(DATA_VA, DATA_VA + size, size);
	/* DMAs: descriptor, stream, chunk 1, chunk 2. */
	first = fake.dma_count + 3;
	run_one(POTNPU_JOB_OK, 0, 0, 0);
	CHECK(fake.heartbeat_at_dma[(first + 1) & 15] !=
	      fake.heartbeat_at_dma[first & 15]);

	s_reset();
	s_fill(DATA_VA, size, 0x01020304);
	first = fake.dma_count + 3;
	run_one(POTNPU_JOB_OK, 0, 0, 0);
	CHECK(fake.heartbeat_at_dma[(first + 1) & 15] !=
	      fake.heartbeat_at_dma[first & 15]);

	/* Aborted after the first transfer: the second never runs. */
	memset(&fake.va[DATA_VA], 0, 2 * size);
	s_reset();
	s_nop();
	s_fill(DATA_VA, size, 0x55555555);
	fake.h2f_after_dma = fake.dma_count + 3;
	fake.h2f_msg = POTNPU_H2F_ABORT_JOB;
	fake.h2f_arg = 0x5e00 + reg(POTNPU_IO_CQ_TAIL);
	run_one(POTNPU_JOB_ABORTED, 4, 0, 0);
	CHECK_EQ(va_get32(DATA_VA), 0x55555555);
	CHECK_EQ(va_get32(DATA_VA + POTNPU_DMA_MAX_LEN), 0);
}

/* ---- completion flow control -------------------------------------------- */

static uint32_t cq_max_outstanding;

/* The host's turn while the firmware waits: it consumes 2 at the 3rd. */
static void host_consumes_late(void)
{
	uint32_t out = reg(POTNPU_IO_CQ_TAIL) - reg(POTNPU_IO_CQ_HEAD);

	if (out > cq_max_outstanding)
		cq_max_outstanding = out;
	/* The oldest record is still unread: not overwritten. */
	CHECK_EQ(cq(reg(POTNPU_IO_CQ_HEAD)).seqno, 100 + reg(POTNPU_IO_CQ_HEAD));
	if (fake.waits == 3)
		fake_cq_head(reg(POTNPU_IO_CQ_HEAD) + 2);
}

static void test_cq_flow_control(void)
{
	uint32_t i;

	boot_at(4, 0);
	fake.cq_manual = 1;
	fake.on_wait = host_consumes_late;
	cq_max_outstanding = 0;
	s_reset();
	s_nop();
	s_place(STREAM_VA);
	for (i = 0; i < 4; i++) {
		struct potnpu_job_desc d = make_desc(100 + i, STREAM_VA, 4, 0);

		submit_desc(&d);
	}
	/* Four records fill the ring of 4 without a wait. */
	CHECK_EQ(fw_poll(), 0);
	CHECK_EQ(fake.waits, 0);
	CHECK_EQ(reg(POTNPU_IO_CQ_TAIL), 4);
	/* Two more: the firmware waits for CQ_HEAD before each record. */
	for (i = 4; i < 6; i++) {
		struct potnpu_job_desc d = make_desc(100 + i, STREAM_VA, 4, 0);

		submit_desc(&d);
	}
	CHECK_EQ(fw_poll(), 0);
	CHECK_EQ(reg(POTNPU_IO_CQ_TAIL), 6);
	CHECK_EQ(cq_max_outstanding, 4);
	CHECK_EQ(fake.waits, 3);
	for (i = 2; i < 6; i++)
		check_done(i, 100 + i, POTNPU_JOB_OK, 0, 0, 0);
	CHECK_EQ(count_substr(log_text(), "cq: ring full (tail 4, head 0)"), 1);
	/* A CQ_HEAD that cannot be the host's count is taken as room. */
	fake_cq_head(reg(POTNPU_IO_CQ_TAIL) + 5);
	fake.on_wait = NULL;
	for (i = 6; i < 10; i++) {
		struct potnpu_job_desc d = make_desc(100 + i, STREAM_VA, 4, 0);

		submit_desc(&d);
	}
	CHECK_EQ(fw_poll(), 0);
	CHECK_EQ(reg(POTNPU_IO_CQ_TAIL), 10);
	CHECK_EQ(fake.waits, 3);
}

/* ---- rings -------------------------------------------------------------- */

static void test_batch(void)
{
	uint32_t i;

	boot();
	for (i = 0; i < 8; i++) {
		s_reset();
		s_fence(DATA_VA + (i << 2), 0x100 + i);
		s_place(STREAM_VA + (i << 6));
		{
			struct potnpu_job_desc d = make_desc(i, STREAM_VA + (i << 6), 16, 0);

			submit_desc(&d);
		}
	}
	CHECK_EQ(fw_poll(), 0);
	for (i = 0; i < 8; i++) {
		check_done(i, i, POTNPU_JOB_OK, 0, 0, 0);
		CHECK_EQ(va_get32(DATA_VA + (i << 2)), 0x100 + i);
	}
	CHECK_EQ(fake.irq_writes, 8);
	CHECK_EQ(reg(POTNPU_IO_JQ_HEAD), 8);
	CHECK_EQ(reg(POTNPU_IO_CQ_TAIL), 8);
}

static void test_counter_wrap(void)
{
	const uint32_t start = 0xfffffffdu;
	uint32_t i, c;

	boot_at(4, start);
	s_reset();
	s_nop();
	s_place(STREAM_VA);
	for (c = 0; c < 3; c++) {
		/* Three rounds of 4 jobs: head runs through 2^32. */
		for (i = 0; i < 4; i++) {
			uint32_t seq = start + (c << 2) + i;
			struct potnpu_job_desc d = make_desc(seq, STREAM_VA, 4, 0);

			submit_desc(&d);
		}
		CHECK_EQ(fw_poll(), 0);
		for (i = 0; i < 4; i++) {
			uint32_t seq = start + (c << 2) + i;

			check_done(seq, seq, POTNPU_JOB_OK, 0, 0, 0);
		}
	}
	CHECK_EQ(reg(POTNPU_IO_JQ_HEAD), start + 12);
	CHECK_EQ(reg(POTNPU_IO_CQ_TAIL), start + 12);
	CHECK_EQ(reg(POTNPU_IO_JQ_HEAD), 9);
	/* Entry 0xfffffffd is at index 1; entry 0 (after the wrap) at 0. */
	CHECK_EQ(cq(start + 12 - 4).seqno, 5);
	CHECK_EQ(fw.jobs, 12);
}

static void test_ring_wrap_small(void)
{
	uint32_t i;

	boot_at(2, 0);
	s_reset();
	s_fence(DATA_VA, 0);
	for (i = 0; i < 9; i++) {
		S.w[3] = i + 1;		/* the FENCE value */
		run_one(POTNPU_JOB_OK, 0, 0, 0);
		CHECK_EQ(va_get32(DATA_VA), i + 1);
	}
	CHECK_EQ(reg(POTNPU_IO_CQ_TAIL), 9);
}

static void test_overfull_queue_bounded(void)
{
	boot_at(4, 0);
	s_reset();
	s_nop();
	s_place(STREAM_VA);
	{
		struct potnpu_job_desc d = make_desc(1, STREAM_VA, 4, 0);

		memcpy(fake_bus_ptr(JQ_BASE, 64), &d, 64);
		memcpy(fake_bus_ptr(JQ_BASE + 64, 64), &d, 64);
		memcpy(fake_bus_ptr(JQ_BASE + 128, 64), &d, 64);
		memcpy(fake_bus_ptr(JQ_BASE + 192, 64), &d, 64);
	}
	/* The host claims 6 jobs in a ring of 4: one ring's worth per pass. */
	fake.regs[POTNPU_IO_JQ_TAIL / 4] = 6;
	CHECK_EQ(fw_poll(), 1);
	CHECK_EQ(reg(POTNPU_IO_JQ_HEAD), 4);
	CHECK(strstr(log_text(), "jq: tail 6 is more than 4 jobs ahead of head 0") != NULL);
	CHECK_EQ(fw_poll(), 0);
	CHECK_EQ(reg(POTNPU_IO_JQ_HEAD), 6);
}

/* ---- log ---------------------------------------------------------------- */

static void test_log_format(void)
{
	const char *t;
	char expect[64];

	reset_all();
	fw_log_init();
	fake.instret = 0xabc;
	fw_log("a %u b %x c %08x d %5u e %s f %c %% g %q", 0u, 0xffffffffu,
	       0x12u, 42u, "str", 'Z');
	t = log_text();
	snprintf(expect, sizeof(expect), "[%08x] ", 0xabc);
	CHECK(!strncmp(t, expect, strlen(expect)));
	CHECK(!strcmp(t + strlen(expect),
		      "a 0 b ffffffff c 00000012 d    42 e str f Z % g %q\n"));
	fw_log("%u %u %u", 4294967295u, 1000000000u, 10u);
	CHECK(strstr(log_text(), "] 4294967295 1000000000 10\n") != NULL);
	/* Non-printable bytes become '?'. */
	fw_log("tab\there\001 nl\n.");
	CHECK(strstr(log_text(), "] tab?here? nl?.\n") != NULL);
	CHECK_EQ(reg(POTNPU_IO_LOG_HEAD), strlen(log_text()));
}

static void test_log_long_line(void)
{
	char big[400];
	const char *t;

	reset_all();
	fw_log_init();
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	fw_log("%s", big);
	t = log_text();
	CHECK_EQ(strlen(t), FW_LOG_LINE_MAX);
	CHECK_EQ(t[FW_LOG_LINE_MAX - 1], '\n');
	CHECK_EQ(t[FW_LOG_LINE_MAX - 2], 'x');
}

static void test_log_ring_wrap(void)
{
	uint32_t i, total = 0, bad = 0;
	const char *t, *p;
	char line[64];

	reset_all();
	fw_log_init();
	for (i = 0; i < 500; i++) {
		fw_log("line %u of the log ring test", i);
		total += 11 + (uint32_t)snprintf(line, sizeof(line),
						 "line %u of the log ring test\n", i);
	}
	CHECK_EQ(reg(POTNPU_IO_LOG_HEAD), total);
	CHECK(total > 2 * FW_LOG_SIZE);
	t = log_text();
	CHECK_EQ(strlen(t), FW_LOG_SIZE);
	/* The ring ends with the last complete line. */
	CHECK(strstr(t, "line 499 of the log ring test\n") != NULL);
	CHECK_EQ(t[FW_LOG_SIZE - 1], '\n');
	/* Every byte is printable text or a newline. */
	for (i = 0; i < FW_LOG_SIZE; i++)
		bad += !((t[i] >= 0x20 && t[i] <= 0x7e) || t[i] == '\n');
	CHECK_EQ(bad, 0);
	/* Every complete line in the ring is well formed. */
	p = strchr(t, '\n') + 1;
	while (*p) {
		CHECK(p[0] == '[' && p[9] == ']' && !strncmp(p + 10, " line ", 6));
		p = strchr(p, '\n') + 1;
	}
}

static void test_log_head_wraps_2_32(void)
{
	const char *t;

	reset_all();
	fw.log_head = 0xfffffff0u;
	fw_log_init();
	fw_log("across the wrap");
	/* 11 bytes prefix + 15 + newline = 27 bytes. */
	CHECK_EQ(reg(POTNPU_IO_LOG_HEAD), 0xfffffff0u + 27);
	CHECK_EQ(reg(POTNPU_IO_LOG_HEAD), 11);
	CHECK_EQ(fw_dmem.log[0xff0], '[');
	CHECK_EQ(fw_dmem.log[10], '\n');
	CHECK_EQ(fw_dmem.log[9], 'p');
	/* The host's view: the last LOG_HEAD bytes (here: 11, mid-line). */
	t = log_text();
	CHECK(!strcmp(t, "s the wrap\n"));
}

static void test_log_line_per_job_error(void)
{
	boot();
	s_reset();
	s_words(1, POTNPU_CMD_HDR(0x33, 1));
	run_one(POTNPU_JOB_EILLEGAL, 0, 0x33, 0);
	s_reset();
	s_nop();
	run_one(POTNPU_JOB_OK, 0, 0, 0);
	s_reset();
	s_fence(DATA_VA + 1, 0);
	run_one(POTNPU_JOB_EINVAL, 0, 0, 0);
	CHECK_EQ(count_substr(log_text(), "] job "), 2);
	CHECK(strstr(log_text(), "job 0 seqno 5e00: illegal command at offset 0, info 33") != NULL);
	CHECK(strstr(log_text(), "job 2 seqno 5e02: invalid operand at offset 0") != NULL);
}

/* ---- random streams ----------------------------------------------------- */

static uint32_t rng_state = 0x2545f491u;

static uint32_t rnd(void)
{
	/* xorshift32: deterministic, so a failure is reproducible. */
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

/* A random command: mostly valid, sometimes broken in one way. */
static void s_random_command(void)
{
	static const uint32_t words[] = { 1, 4, 3, 6, 5 };
	uint32_t op = rnd() % 6, r = rnd() % 16, i, n;
	uint64_t va = DATA_VA + (rnd() & 0x3ffff);
	uint32_t size = 1 + (rnd() & 0x1fff);

	if (op == 5)
		op = rnd() & 0xff;			/* any opcode */
	n = op < 5 ? words[op] : 1 + (rnd() & 7);
	if (r == 0)
		n = rnd() & 0xffff;			/* wrong length */
	S.w[S.n++] = POTNPU_CMD_HDR(op, n) |
		     (r == 1 ? (rnd() & 0xff) << 8 : 0);	/* flags */
	switch (op) {
	case POTNPU_OP_FENCE:
		s_words(3, (uint32_t)va & ~(r == 2 ? 0u : 3u), 0, rnd());
		break;
	case POTNPU_OP_TIMESTAMP:
		s_words(2, (uint32_t)va & ~(r == 2 ? 0u : 7u), 0);
		break;
	case POTNPU_OP_COPY:
		s_words(5, (uint32_t)va, 0, DATA_VA + (rnd() & 0x3ffff), 0,
			r == 3 ? 0 : size);
		break;
	case POTNPU_OP_FILL:
		s_words(4, (uint32_t)va, 0, r == 3 ? 0 : size, rnd());
		break;
	default:
		for (i = 1; i < n && i < 8; i++)
			S.w[S.n++] = rnd();
		break;
	}
}

static void test_random_streams(void)
{
	uint32_t job, i, bad = 0, restarts = 0, seen[POTNPU_JOB_ABORTED + 1] = { 0 };

	boot_at(16, 0xfffffff0u);
	for (job = 0; job < 3000; job++) {
		uint32_t n = fw.cq_tail, cmds = 1 + rnd() % 12, size;
		struct potnpu_job_desc d;
		struct potnpu_job_done c;

		s_reset();
		for (i = 0; i < cmds; i++)
			s_random_command();
		size = s_off();
		if (rnd() % 8 == 0)
			size = (rnd() % (size + 1)) & ~3u;	/* truncated */
		if (!size)
			size = 4;
		/* Random faults: stream pages, data pages, aborts, DMA refusals. */
		memset(fake.page, 0, sizeof(fake.page));
		for (i = 0; i < 4; i++)
			if (rnd() % 4 == 0)
				fake.page[(DATA_VA >> POTNPU_PAGE_SHIFT) + (rnd() & 0x3f)] =
					(uint8_t)(1u << (rnd() % 3));
		if (rnd() % 16 == 0)
			fake.page[(STREAM_VA >> POTNPU_PAGE_SHIFT) + (rnd() & 1)] =
				FAKE_PAGE_ABSENT;
		fake.h2f_after_dma = rnd() % 8 == 0 ? fake.dma_count + 1 + rnd() % 6 : 0;
		fake.h2f_msg = POTNPU_H2F_ABORT_JOB;
		fake.h2f_arg = rnd() % 4 ? job : job + 1;	/* some late */
		fake.fail_dma_n = rnd() % 32 == 0 ? fake.dma_count + 1 + rnd() % 6 : 0;
		fake.fail_dma_status = 1 + rnd() % 4;
		fake.fail_dma_addr = rnd();
		s_place(STREAM_VA);
		d = make_desc(job, STREAM_VA, size, (uint16_t)(rnd() & 15));
		submit_desc(&d);
		fw_poll();
		if (fw.failed) {
			/* Only an injected failure of the completion write does this. */
			CHECK(fake.fail_dma_n != 0);
			CHECK_EQ(reg(POTNPU_IO_FW_ERROR), POTNPU_FW_ERR_QUEUE);
			CHECK_EQ(reg(POTNPU_IO_CQ_TAIL), n);
			restarts++;
			boot_at(16, n);
			continue;
		}
		c = cq(n);
		bad += reg(POTNPU_IO_CQ_TAIL) != n + 1 ||
		       reg(POTNPU_IO_JQ_HEAD) != n + 1;
		bad += c.status > POTNPU_JOB_ABORTED || c.fault_addr_hi != 0;
		bad += c.status == POTNPU_JOB_ABORTED &&
		       fake.h2f_arg != job;
		if (c.status <= POTNPU_JOB_ABORTED)
			seen[c.status]++;
		bad += c.err_offset >= size || (c.err_offset & 3);
		bad += c.status == POTNPU_JOB_OK && (c.err_offset || c.err_info);
		bad += c.status != POTNPU_JOB_EILLEGAL &&
		       c.status != POTNPU_JOB_EMMU && c.err_info != 0;
		bad += c.seqno != job && !(c.seqno == 0 && c.status == POTNPU_JOB_EBUS);
		if (bad) {
			printf("# job %u: status %u offset %x info %x size %x\n",
			       job, c.status, c.err_offset, c.err_info, size);
			break;
		}
	}
	CHECK_EQ(bad, 0);
	printf("# %u random jobs, %u firmware restarts; ok %u, eillegal %u, einval %u, emmu %u, ebus %u, edesc %u, aborted %u\n",
	       job, restarts, seen[0], seen[1], seen[2], seen[3], seen[4], seen[5],
	       seen[6]);
	CHECK_EQ(job, 3000);
	/* Every outcome but EDESC (the descriptors are valid) shows up. */
	for (i = 0; i <= POTNPU_JOB_ABORTED; i++)
		CHECK(i == POTNPU_JOB_EDESC || seen[i] > 10);
}

int main(void)
{
	RUN(test_boot_ready);
	RUN(test_boot_abi_major_mismatch);
	RUN(test_boot_abi_zero_refused);
	RUN(test_boot_abi_minor_accepted);
	RUN(test_boot_bad_queue_size);
	RUN(test_boot_good_queue_sizes);
	RUN(test_boot_bad_ring_bases);
	RUN(test_boot_head_tail_mismatch);
	RUN(test_boot_finishes_interrupted_completion);
	RUN(test_boot_resumes_counters);
	RUN(test_nop_job);
	RUN(test_fence);
	RUN(test_job_slot);
	RUN(test_timestamp);
	RUN(test_instret_carry);
	RUN(test_copy);
	RUN(test_copy_chunks);
	RUN(test_fill);
	RUN(test_fill_chunks_keep_phase);
	RUN(test_commands_in_order);
	RUN(test_long_stream_window);
	RUN(test_progress_per_command);
	RUN(test_unknown_opcodes);
	RUN(test_wrong_lengths);
	RUN(test_flags_rejected);
	RUN(test_truncated_commands);
	RUN(test_invalid_operands);
	RUN(test_desc_check);
	RUN(test_edesc_jobs);
	RUN(test_stream_fetch_fault);
	RUN(test_stream_fault_mid_stream);
	RUN(test_write_faults);
	RUN(test_copy_faults);
	RUN(test_bus_errors);
	RUN(test_dma_engine_refusal);
	RUN(test_descriptor_unreadable);
	RUN(test_completion_unwritable);
	RUN(test_abort_between_commands);
	RUN(test_abort_during_last_command);
	RUN(test_abort_when_idle);
	RUN(test_abort_other_job);
	RUN(test_progress_within_command);
	RUN(test_cq_flow_control);
	RUN(test_batch);
	RUN(test_counter_wrap);
	RUN(test_ring_wrap_small);
	RUN(test_overfull_queue_bounded);
	RUN(test_log_format);
	RUN(test_log_long_line);
	RUN(test_log_ring_wrap);
	RUN(test_log_head_wraps_2_32);
	RUN(test_log_line_per_job_error);
	RUN(test_random_streams);
	fake_free();
	return tap_done();
}
