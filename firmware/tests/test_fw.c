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

/* ---- layer commands ------------------------------------------------------ */

/* Device VAs of a layer's tensors (the fake's 4 MiB VA space). */
#define L_IN_VA		0x100000u
#define L_IN2_VA	0x180000u
#define L_OUT_VA	0x200000u
#define L_W_VA		0x300000u
#define L_TABLE_VA	0x340000u
#define L_CHAN_VA	0x348000u
#define L_CTR_VA	0x350000u
#define L_FENCE_VA	0x3f0000u	/* FENCEs next to layers */
#define L_OUT_FILL	0xee		/* output bytes the layer must not touch */

#define MODE_LOAD	POTNPU_DMA_MODE(POTNPU_DMA_OP_COPY, POTNPU_DMA_SPACE_VA, \
					POTNPU_DMA_SPACE_SRAM)
#define MODE_STORE	POTNPU_DMA_MODE(POTNPU_DMA_OP_COPY, POTNPU_DMA_SPACE_SRAM, \
					POTNPU_DMA_SPACE_VA)
#define SRAM_CHAN	(POTNPU_SRAM_W + POTNPU_SRAM_TABLE_SIZE)

static void s_layer(const struct potnpu_layer_desc *d)
{
	uint32_t w[POTNPU_LAYER_WORDS], i;

	potnpu_layer_encode(d, w);
	for (i = 0; i < POTNPU_LAYER_WORDS; i++)
		S.w[S.n++] = w[i];
}

/* A layer's fields with everything unused at its neutral value. */
static struct potnpu_layer_desc layer(uint32_t op, uint32_t h, uint32_t w,
				      uint32_t c, uint32_t k, uint32_t s,
				      uint32_t pad, uint32_t out_c)
{
	struct potnpu_layer_desc d;

	memset(&d, 0, sizeof(d));
	d.op = op;
	d.in_va = L_IN_VA;
	d.out_va = L_OUT_VA;
	d.counters_va = L_CTR_VA;
	d.in_h = h;
	d.in_w = w;
	d.in_c = c;
	d.in_cstride = c;
	d.kh = d.kw = k;
	d.sh = d.sw = s;
	d.dh = d.dw = 1;
	d.pad_t = d.pad_l = d.pad_b = d.pad_r = pad;
	d.out_h = (h + 2 * pad - k) / s + 1;
	d.out_w = (w + 2 * pad - k) / s + 1;
	d.out_c = out_c;
	d.out_cstride = out_c;
	d.groups = 1;
	d.lo = -128;
	d.hi = 127;
	if (op == POTNPU_OP_CONV2D) {
		d.weights_va = L_W_VA;
		d.table_va = L_TABLE_VA;
		d.wbits = 8;
	}
	if (op == POTNPU_OP_CONV2D || op == POTNPU_OP_AVGPOOL ||
	    op == POTNPU_OP_REQUANT)
		d.chan_va = L_CHAN_VA;
	if (op == POTNPU_OP_ADD) {
		d.in2_va = L_IN2_VA;
		d.in2_cstride = c;
		d.m_a = 3;
		d.m_b = 5;
		d.shift = 2;
	}
	return d;
}

/* Random bytes in the layer's inputs, L_OUT_FILL in its output. */
static void layer_memory(void)
{
	uint32_t i, x = 0x9e3779b9u;

	for (i = L_IN_VA; i < L_OUT_VA; i++) {
		x = x * 1664525u + 1013904223u;
		fake.va[i] = (uint8_t)(x >> 24);
	}
	memset(&fake.va[L_OUT_VA], L_OUT_FILL, L_W_VA - L_OUT_VA);
	for (i = L_W_VA; i < L_CTR_VA; i++) {
		x = x * 1664525u + 1013904223u;
		fake.va[i] = (uint8_t)(x >> 24);
	}
	memset(&fake.va[L_CTR_VA], 0, 64);
}

/* The SRAM at each engine start must hold what the layer's tile needs. */
static const struct potnpu_layer_desc *sae_layer;
static uint32_t sae_bad;

static void check_sram(const struct potnpu_sae_tile *t)
{
	const struct potnpu_layer_desc *d = sae_layer;
	struct potnpu_layer_plan p;
	uint32_t a_row = d->in_w * d->in_cstride, b_row = d->in_w * d->in2_cstride;

	CHECK_EQ(potnpu_layer_plan(d, &p), 0);
	sae_bad += !!memcmp(&fake.sram[t->in],
			    &fake.va[d->in_va + t->row_lo * a_row],
			    t->rows_in * a_row);
	if (d->op == POTNPU_OP_ADD)
		sae_bad += !!memcmp(&fake.sram[t->in2],
				    &fake.va[d->in2_va + t->row_lo * b_row],
				    t->rows_in * b_row);
	if (d->op == POTNPU_OP_CONV2D) {
		sae_bad += !!memcmp(&fake.sram[t->table], &fake.va[d->table_va],
				    4u << d->wbits);
		sae_bad += !!memcmp(&fake.sram[t->weights],
				    &fake.va[d->weights_va + t->oc0 * p.row_bytes],
				    t->ocb * p.row_bytes);
	}
	if (d->chan_va)
		sae_bad += !!memcmp(&fake.sram[t->chan],
				    &fake.va[d->chan_va + t->oc0 * 8], t->ocb * 8);
}

static int dma_is(uint32_t n, uint32_t mode, uint64_t src, uint64_t dst,
		  uint32_t len, uint32_t rows, uint32_t sstr, uint32_t dstr)
{
	const struct fake_dma *m = &fake.dmas[n - 1];

	if (m->mode == mode && m->src == src && m->dst == dst &&
	    m->len == len && (m->rows ? m->rows : 1) == rows &&
	    (rows < 2 || (m->src_stride == sstr && m->dst_stride == dstr)) &&
	    m->status == POTNPU_DMA_OK && m->ctx == fake.last_va_ctx)
		return 1;
	printf("# dma %u: mode %x src %llx dst %llx len %u rows %u strides %u %u;"
	       " expected mode %x src %llx dst %llx len %u rows %u strides %u %u\n",
	       n, m->mode, (unsigned long long)m->src, (unsigned long long)m->dst,
	       m->len, m->rows, m->src_stride, m->dst_stride, mode,
	       (unsigned long long)src, (unsigned long long)dst, len, rows, sstr,
	       dstr);
	return 0;
}

/* The tile fields copied from the command. */
static int tile_copies(const struct potnpu_sae_tile *t,
		       const struct potnpu_layer_desc *d)
{
	return t->op == d->op && t->flags == d->flags && t->in_h == d->in_h &&
	       t->in_w == d->in_w && t->in_c == d->in_c &&
	       t->in_cstride == d->in_cstride &&
	       t->in2_cstride == d->in2_cstride && t->out_w == d->out_w &&
	       t->out_c == d->out_c && t->kh == d->kh && t->kw == d->kw &&
	       t->sh == d->sh && t->sw == d->sw && t->dh == d->dh &&
	       t->dw == d->dw && t->pad_t == d->pad_t &&
	       t->pad_l == d->pad_l && t->pad_b == d->pad_b &&
	       t->pad_r == d->pad_r && t->groups == d->groups &&
	       t->wbits == d->wbits && t->in_zp == d->in_zp &&
	       t->in2_zp == d->in2_zp && t->out_zp == d->out_zp &&
	       t->lo == d->lo && t->hi == d->hi && t->shift == d->shift &&
	       t->m_a == d->m_a && t->m_b == d->m_b;
}

struct layer_run {
	uint32_t tiles, blocks, empty_bands, short_bands;
};

/*
 * Check the DMAs and engine starts of the layer @d that ran as DMAs
 * @dma0 + 1.. and starts @tile0 + 1.., the output tensor, and the
 * counters record, against the dataflow of docs/numerics.md.
 */
static struct layer_run check_layer(const struct potnpu_layer_desc *d,
				    uint32_t dma0, uint32_t tile0)
{
	struct potnpu_layer_counters e = { 0 }, got;
	struct layer_run r = { 0 };
	struct potnpu_layer_plan p;
	uint32_t n = dma0, oc0, oh0, bad = 0, y, x, c;
	uint32_t a_row = d->in_w * d->in_cstride, b_row = d->in_w * d->in2_cstride;
	int conv = d->op == POTNPU_OP_CONV2D, add = d->op == POTNPU_OP_ADD;
	uint32_t kh = conv || d->op == POTNPU_OP_MAXPOOL ||
		      d->op == POTNPU_OP_AVGPOOL ? d->kh : 1;

	CHECK_EQ(potnpu_layer_plan(d, &p), 0);
	for (oc0 = 0; oc0 < d->out_c; oc0 += p.ocb) {
		uint32_t ocb = d->out_c - oc0 < p.ocb ? d->out_c - oc0 : p.ocb;
		uint64_t block = 0;

		r.blocks++;
		if (conv) {
			bad += !dma_is(++n, MODE_LOAD, d->table_va, POTNPU_SRAM_W,
				       4u << d->wbits, 1, 0, 0);
			block += 4u << d->wbits;
		}
		if (d->chan_va) {
			bad += !dma_is(++n, MODE_LOAD, d->chan_va + oc0 * 8,
				       SRAM_CHAN, ocb * 8, 1, 0, 0);
			block += ocb * 8;
		}
		if (conv) {
			bad += !dma_is(++n, MODE_LOAD,
				       d->weights_va + oc0 * p.row_bytes,
				       SRAM_CHAN + ocb * 8, ocb * p.row_bytes, 1, 0, 0);
			block += ocb * p.row_bytes;
		}
		for (oh0 = 0; oh0 < d->out_h; oh0 += p.rows) {
			uint32_t nr = d->out_h - oh0 < p.rows ? d->out_h - oh0 : p.rows;
			int32_t y0 = (int32_t)(oh0 * d->sh) - (int32_t)d->pad_t;
			int32_t y1 = y0 + (int32_t)potnpu_plan_in_rows(nr, d->sh, kh, d->dh);
			uint32_t lo = y0 < 0 ? 0 : (uint32_t)y0;
			uint32_t hi = y1 < 0 ? 0 : ((uint32_t)y1 < d->in_h ? (uint32_t)y1 : d->in_h);
			uint32_t rows_in = hi > lo ? hi - lo : 0;
			uint64_t in_bytes = 0, out_bytes = (uint64_t)nr * d->out_w * ocb, dma;
			const struct fake_tile *ft = &fake.tiles[tile0 + r.tiles];
			const struct potnpu_sae_tile *t = &ft->t;

			r.empty_bands += !rows_in;
			r.short_bands += nr < p.rows;
			if (rows_in) {
				bad += !dma_is(++n, MODE_LOAD, d->in_va + lo * a_row,
					       POTNPU_SRAM_IN, rows_in * a_row, 1, 0, 0);
				in_bytes += rows_in * a_row;
			}
			if (rows_in && add) {
				bad += !dma_is(++n, MODE_LOAD, d->in2_va + lo * b_row,
					       POTNPU_SRAM_IN + rows_in * a_row,
					       rows_in * b_row, 1, 0, 0);
				in_bytes += rows_in * b_row;
			}
			/* The start comes after the loads, before the store. */
			bad += ft->dma_count != n;
			bad += !tile_copies(t, d);
			bad += t->in != POTNPU_SRAM_IN || t->out != POTNPU_SRAM_OUT;
			bad += t->in2 != (add ? POTNPU_SRAM_IN + rows_in * a_row : 0);
			bad += t->table != (conv ? POTNPU_SRAM_W : 0);
			bad += t->chan != (d->chan_va ? SRAM_CHAN : 0);
			bad += t->weights != (conv ? SRAM_CHAN + ocb * 8 : 0);
			bad += t->row_lo != lo || t->rows_in != rows_in;
			bad += t->out_row0 != oh0 || t->out_rows != nr;
			bad += t->oc0 != oc0 || t->ocb != ocb;
			if (r.tiles)
				bad += ft->heartbeat == fake.tiles[tile0 + r.tiles - 1].heartbeat;
			bad += !dma_is(++n, MODE_STORE, POTNPU_SRAM_OUT,
				       d->out_va + (uint64_t)oh0 * d->out_w * d->out_cstride + oc0,
				       ocb, nr * d->out_w, ocb, d->out_cstride);
			e.taps += ft->taps;
			e.terms += ft->terms;
			e.zero_skips += ft->zero;
			e.dma_in += block + in_bytes;
			e.dma_out += out_bytes;
			dma = block + in_bytes + out_bytes;
			e.cycles += (ft->cycles > (dma + 31) / 32 ? ft->cycles : (dma + 31) / 32) + 64;
			block = 0;
			r.tiles++;
			if (bad) {
				printf("# layer op %x: tile %u (oc0 %u, oh0 %u) wrong\n",
				       d->op, r.tiles - 1, oc0, oh0);
				CHECK_EQ(bad, 0);
				return r;
			}
		}
	}
	CHECK_EQ(fake.sae_starts, tile0 + r.tiles);
	if (d->counters_va)
		bad += !dma_is(++n, POTNPU_DMA_MODE(POTNPU_DMA_OP_COPY,
						    POTNPU_DMA_SPACE_DMEM,
						    POTNPU_DMA_SPACE_VA),
			       FAKE_DMEM_AREA + offsetof(struct fw_dmem, ctr),
			       d->counters_va, 64, 1, 0, 0);
	CHECK_EQ(bad, 0);
	/* Then the completion record. */
	CHECK_EQ(fake.dma_count, n + 1);
	/* Every output byte the fake engine wrote is in place, no other. */
	for (y = 0; y < d->out_h; y++)
		for (x = 0; x < d->out_w; x++)
			for (c = 0; c < d->out_cstride; c++) {
				uint8_t v = fake.va[d->out_va + (y * d->out_w + x) * d->out_cstride + c];

				bad += v != (c < d->out_c ? fake_out_byte(y, x, c) : L_OUT_FILL);
			}
	CHECK_EQ(bad, 0);
	if (conv) {
		e.macs = (uint64_t)d->out_h * d->out_w * d->out_c * p.taps;
		e.bitserial = e.taps * d->wbits;
	}
	memcpy(&got, &fake.va[d->counters_va], sizeof(got));
	if (d->counters_va) {
		CHECK_EQ(got.macs, e.macs);
		CHECK_EQ(got.taps, e.taps);
		CHECK_EQ(got.terms, e.terms);
		CHECK_EQ(got.zero_skips, e.zero_skips);
		CHECK_EQ(got.bitserial, e.bitserial);
		CHECK_EQ(got.dma_in, e.dma_in);
		CHECK_EQ(got.dma_out, e.dma_out);
		CHECK_EQ(got.cycles, e.cycles);
	}
	return r;
}

/* Run @d as the only command of a job; check everything; return the shape. */
static struct layer_run run_layer(const struct potnpu_layer_desc *d)
{
	uint32_t dma0, tile0 = fake.sae_starts;

	layer_memory();
	sae_layer = d;
	sae_bad = 0;
	fake.on_sae = check_sram;
	s_reset();
	s_layer(d);
	/* DMAs of the job: descriptor, stream, then the layer's. */
	dma0 = fake.dma_count + 2;
	run_one(POTNPU_JOB_OK, 0, 0, 0);
	fake.on_sae = NULL;
	CHECK_EQ(sae_bad, 0);
	/* The 1D transfers of other commands must not inherit a 2D shape. */
	CHECK_EQ(reg(POTNPU_IO_DMA_ROWS), 0);
	return check_layer(d, dma0, tile0);
}

/* Several channel blocks, several bands, the last one short. */
static void test_layer_conv_tiles(void)
{
	struct potnpu_layer_desc d = layer(POTNPU_OP_CONV2D, 18, 16, 256, 3, 1, 1, 64);
	struct potnpu_layer_plan p;
	struct layer_run r;

	boot();
	CHECK_EQ(potnpu_layer_plan(&d, &p), 0);
	CHECK_EQ(p.ocb, 27);		/* 64 = 27 + 27 + 10 */
	CHECK_EQ(p.rows, 4);		/* 18 = 4 * 4 + 2 */
	d.in_zp = -3;
	d.out_zp = 5;
	d.lo = -100;
	d.hi = 90;
	r = run_layer(&d);
	CHECK_EQ(r.blocks, 3);
	CHECK_EQ(r.tiles, 15);
	CHECK_EQ(r.short_bands, 3);
	/* A channel slice of a wider output (concatenation), in another slot. */
	d.out_va = L_OUT_VA + 8;
	d.out_cstride = 80;
	d.counters_va = 0;
	r = run_layer(&d);
	CHECK_EQ(r.tiles, 15);
	CHECK_EQ(va_get64(L_CTR_VA), 0);
}

/* The 64 x 64 x 64 3 x 3 conv: the work bound makes bands of one row. */
static void test_layer_conv_64(void)
{
	struct potnpu_layer_desc d = layer(POTNPU_OP_CONV2D, 64, 64, 64, 3, 1, 1, 64);
	struct potnpu_layer_plan p;
	struct layer_run r;
	uint32_t i, hb_bad = 0;

	boot();
	CHECK_EQ(potnpu_layer_plan(&d, &p), 0);
	CHECK_EQ(p.ocb, 64);
	CHECK_EQ(p.rows, 1);
	fake.sae_cycles = 100000;	/* compute-bound tiles */
	r = run_layer(&d);
	CHECK_EQ(r.tiles, 64);
	/* The heartbeat moves with every tile. */
	for (i = 1; i < 64; i++)
		hb_bad += fake.tiles[i].heartbeat <= fake.tiles[i - 1].heartbeat;
	CHECK_EQ(hb_bad, 0);
	CHECK_EQ(va_get64(L_CTR_VA + 56), 64 * (100000 + 64));
	/* 64 x 64 x 64 x 576 nominal MACs. */
	CHECK_EQ(va_get64(L_CTR_VA), 64ull * 64 * 64 * 576);
}

static void test_layer_depthwise(void)
{
	struct potnpu_layer_desc d = layer(POTNPU_OP_CONV2D, 32, 32, 64, 3, 2, 1, 128);
	struct potnpu_layer_plan p;

	boot();
	d.groups = 64;			/* a depthwise multiplier of 2 */
	d.wbits = 4;
	CHECK_EQ(potnpu_layer_plan(&d, &p), 0);
	CHECK_EQ(p.taps, 9);
	CHECK_EQ(p.row_bytes, 5);
	run_layer(&d);
	CHECK_EQ(va_get64(L_CTR_VA), 16ull * 16 * 128 * 9);
}

/* Padding wider than the kernel: bands wholly in padding load no rows. */
static void test_layer_pad_beyond_kernel(void)
{
	struct potnpu_layer_desc d = layer(POTNPU_OP_CONV2D, 4, 4, 8, 2, 1, 6, 8);
	struct potnpu_layer_plan p;
	struct layer_run r;

	boot();
	d.in_cstride = 8192;		/* 32 KiB rows: 4 per band */
	d.pad_l = d.pad_r = 3;
	d.out_w = 9;
	d.wbits = 2;
	CHECK_EQ(d.out_h, 15);
	CHECK_EQ(potnpu_layer_plan(&d, &p), 0);
	CHECK_EQ(p.rows, 3);
	r = run_layer(&d);
	CHECK_EQ(r.tiles, 5);
	CHECK_EQ(r.empty_bands, 2);	/* the first and the last */
}

/* Stride above the kernel (rows skipped), MAXPOOL and AVGPOOL. */
static void test_layer_stride_beyond_kernel(void)
{
	struct potnpu_layer_desc d = layer(POTNPU_OP_MAXPOOL, 20, 20, 16, 2, 3, 0, 16);
	struct potnpu_layer_plan p;
	struct layer_run r;

	boot();
	d.in_cstride = 2048;		/* 40 KiB rows: one output row per band */
	CHECK_EQ(d.out_h, 7);
	CHECK_EQ(potnpu_layer_plan(&d, &p), 0);
	CHECK_EQ(p.rows, 1);
	r = run_layer(&d);
	CHECK_EQ(r.tiles, 7);
	d.op = POTNPU_OP_AVGPOOL;
	d.chan_va = L_CHAN_VA;
	d.flags = POTNPU_LAYER_F_COUNT_PAD;
	d.pad_b = 1;
	CHECK_EQ(potnpu_layer_dim_ok(d.in_h, d.out_h, d.kh, d.sh, d.dh, 1), 1);
	r = run_layer(&d);
	CHECK_EQ(r.tiles, 7);
	CHECK_EQ(va_get64(L_CTR_VA), 0);	/* no MACs but for CONV2D */
}

static void test_layer_add(void)
{
	struct potnpu_layer_desc d = layer(POTNPU_OP_ADD, 64, 40, 16, 1, 1, 0, 16);
	struct potnpu_layer_plan p;
	struct layer_run r;

	boot();
	d.in_cstride = 24;
	d.in2_cstride = 40;		/* b: a channel slice of a wider tensor */
	d.out_cstride = 48;
	d.in2_zp = 7;
	d.in_zp = -9;
	d.in_va = L_IN_VA + 3;
	CHECK_EQ(potnpu_layer_plan(&d, &p), 0);
	CHECK_EQ(p.in_row, 40 * 64);
	CHECK_EQ(p.rows, 51);		/* 128 KiB of a and b rows */
	r = run_layer(&d);
	CHECK(r.tiles > 1);
	CHECK_EQ(r.short_bands, 1);
}

static void test_layer_requant(void)
{
	struct potnpu_layer_desc d = layer(POTNPU_OP_REQUANT, 7, 9, 100, 1, 1, 0, 100);

	boot();
	d.out_cstride = 128;
	run_layer(&d);
}

/* Layers, FENCEs and COPYs in one stream; the slot reaches every DMA. */
static void test_layer_in_stream(void)
{
	struct potnpu_layer_desc d = layer(POTNPU_OP_REQUANT, 4, 4, 8, 1, 1, 0, 8);
	struct potnpu_job_desc jd;
	uint32_t i, dmas, bad = 0;

	boot();
	layer_memory();
	s_reset();
	s_fence(L_FENCE_VA, 1);
	s_layer(&d);
	s_fence(L_FENCE_VA + 4, 2);
	d.out_va = L_OUT_VA + 0x1000;
	s_layer(&d);
	s_fence(L_FENCE_VA + 8, 3);
	s_place(STREAM_VA);
	jd = make_desc(3, STREAM_VA, s_off(), 11);
	dmas = fake.dma_count;
	submit_desc(&jd);
	run();
	check_done(0, 3, POTNPU_JOB_OK, 0, 0, 0);
	CHECK_EQ(va_get32(L_FENCE_VA + 8), 3);
	CHECK_EQ(fake.sae_starts, 2);
	for (i = dmas + 2; i < fake.dma_count - 1; i++)
		bad += fake.dmas[i].ctx != 11;
	CHECK_EQ(bad, 0);
	CHECK_EQ(fake.va[L_OUT_VA + 0x1000], fake_out_byte(0, 0, 0));
}

/* ---- invalid layer commands ---------------------------------------------- */

struct bad_layer {
	const char *what;
	enum fw_layer_error err;
	struct potnpu_layer_desc d;
};

static uint32_t bad_layers(struct bad_layer *b)
{
	const struct potnpu_layer_desc conv = layer(POTNPU_OP_CONV2D, 8, 8, 16, 3, 1, 1, 32);
	const struct potnpu_layer_desc pool = layer(POTNPU_OP_MAXPOOL, 8, 8, 16, 2, 2, 0, 16);
	const struct potnpu_layer_desc add = layer(POTNPU_OP_ADD, 8, 8, 16, 1, 1, 0, 16);
	const struct potnpu_layer_desc rq = layer(POTNPU_OP_REQUANT, 8, 8, 16, 1, 1, 0, 16);
	uint32_t n = 0;

#define BAD(base, err_, stmt) do { \
		b[n].what = #stmt; b[n].err = err_; b[n].d = base; \
		{ struct potnpu_layer_desc *d = &b[n].d; stmt; } n++; \
	} while (0)
	BAD(conv, FW_LAYER_FLAGS, d->flags = 2);
	BAD(conv, FW_LAYER_FLAGS, d->flags = POTNPU_LAYER_F_COUNT_PAD);
	BAD(conv, FW_LAYER_DIM, d->in_h = 0);
	BAD(conv, FW_LAYER_DIM, d->in_w = POTNPU_LAYER_MAX_DIM + 1);
	BAD(conv, FW_LAYER_DIM, d->out_h = 0);
	BAD(conv, FW_LAYER_DIM, d->out_w = 0xffff);
	BAD(conv, FW_LAYER_CHANNELS, d->in_c = 0);
	BAD(conv, FW_LAYER_CHANNELS, d->out_c = 0);
	BAD(conv, FW_LAYER_CHANNELS, d->in_c = POTNPU_LAYER_MAX_CHANNELS + 1;
	    d->in_cstride = d->in_c);
	BAD(conv, FW_LAYER_CHANNELS, d->in_cstride = 15);
	BAD(conv, FW_LAYER_CHANNELS, d->out_cstride = 31);
	BAD(conv, FW_LAYER_CHANNELS, d->out_cstride = POTNPU_LAYER_MAX_CHANNELS + 1);
	BAD(conv, FW_LAYER_KERNEL, d->kh = 0);
	BAD(conv, FW_LAYER_KERNEL, d->kw = POTNPU_LAYER_MAX_KERNEL + 1);
	BAD(conv, FW_LAYER_KERNEL, d->sh = 0);
	BAD(conv, FW_LAYER_KERNEL, d->sw = POTNPU_LAYER_MAX_STRIDE + 1);
	BAD(conv, FW_LAYER_KERNEL, d->dh = 0);
	BAD(conv, FW_LAYER_KERNEL, d->dw = POTNPU_LAYER_MAX_DILATION + 1);
	BAD(conv, FW_LAYER_SHAPE, d->out_h = 9);
	BAD(conv, FW_LAYER_SHAPE, d->out_w = 7);
	BAD(conv, FW_LAYER_SHAPE, d->pad_b = 0);
	BAD(conv, FW_LAYER_SHAPE, d->dw = 5);
	BAD(conv, FW_LAYER_SHAPE, d->kh = 12; d->pad_t = d->pad_b = 0);
	BAD(conv, FW_LAYER_FIELD, d->weights_va = 0);
	BAD(conv, FW_LAYER_FIELD, d->table_va = 0);
	BAD(conv, FW_LAYER_FIELD, d->chan_va = 0);
	BAD(conv, FW_LAYER_FIELD, d->in2_va = L_IN2_VA);
	BAD(conv, FW_LAYER_FIELD, d->in2_cstride = 16);
	BAD(conv, FW_LAYER_FIELD, d->in2_zp = 1);
	BAD(conv, FW_LAYER_FIELD, d->shift = 1);
	BAD(conv, FW_LAYER_FIELD, d->m_a = 1);
	BAD(conv, FW_LAYER_FIELD, d->m_b = 1);
	BAD(conv, FW_LAYER_WBITS, d->wbits = 1);
	BAD(conv, FW_LAYER_WBITS, d->wbits = 9);
	BAD(conv, FW_LAYER_WBITS, d->wbits = 0);
	BAD(conv, FW_LAYER_GROUPS, d->groups = 0);
	BAD(conv, FW_LAYER_GROUPS, d->groups = 3);
	BAD(conv, FW_LAYER_GROUPS, d->groups = 16; d->out_c = 24;
	    d->out_cstride = 24);		/* divides in_c, not out_c */
	BAD(conv, FW_LAYER_GROUPS, d->groups = 32);
	BAD(conv, FW_LAYER_CLAMP, d->lo = 5; d->hi = 4);
	BAD(conv, FW_LAYER_ALIGN, d->counters_va = L_CTR_VA + 4);
	BAD(conv, FW_LAYER_ALIGN, d->counters_va = L_CTR_VA + 1);
	BAD(conv, FW_LAYER_PLAN, d->in_h = 1; d->in_w = 4096; d->in_cstride = 8192;
	    d->kh = d->kw = 1; d->pad_t = d->pad_b = d->pad_l = d->pad_r = 0;
	    d->out_h = 1; d->out_w = 4096);	/* a 32 MiB input row */
	BAD(conv, FW_LAYER_PLAN, d->in_c = 8192; d->in_cstride = 8192;
	    d->kh = d->kw = 16; d->pad_t = d->pad_l = 8;
	    d->pad_b = d->pad_r = 7);		/* 2 MiB weight rows */
	BAD(pool, FW_LAYER_FIELD, d->chan_va = L_CHAN_VA);
	BAD(pool, FW_LAYER_FIELD, d->table_va = L_TABLE_VA);
	BAD(pool, FW_LAYER_FIELD, d->weights_va = L_W_VA);
	BAD(pool, FW_LAYER_FIELD, d->wbits = 8);
	BAD(pool, FW_LAYER_FIELD, d->groups = 2);
	BAD(pool, FW_LAYER_FIELD, d->out_c = 8);
	BAD(pool, FW_LAYER_FLAGS, d->flags = POTNPU_LAYER_F_COUNT_PAD);
	BAD(add, FW_LAYER_FIELD, d->in2_va = 0);
	BAD(add, FW_LAYER_FIELD, d->in2_cstride = 15);
	BAD(add, FW_LAYER_FIELD, d->chan_va = L_CHAN_VA);
	BAD(add, FW_LAYER_FIELD, d->kh = 3; d->pad_t = d->pad_b = 1);
	BAD(add, FW_LAYER_FIELD, d->out_c = 8);
	BAD(add, FW_LAYER_SHIFT, d->shift = POTNPU_MAX_SHIFT + 1);
	BAD(rq, FW_LAYER_FIELD, d->chan_va = 0);
	BAD(rq, FW_LAYER_FIELD, d->sh = 2; d->out_h = 4);
	BAD(rq, FW_LAYER_FIELD, d->in2_va = L_IN2_VA);
#undef BAD
	return n;
}

/* Word-level breakage the encoder cannot express. */
static void test_layer_check_reasons(void)
{
	static struct bad_layer b[96];
	struct potnpu_layer_desc d, conv = layer(POTNPU_OP_CONV2D, 8, 8, 16, 3, 1, 1, 32);
	struct potnpu_layer_plan p;
	uint32_t w[POTNPU_LAYER_WORDS], i, n = bad_layers(b), bad = 0;

	potnpu_layer_encode(&conv, w);
	CHECK_EQ(fw_layer_check(w, &d, &p), FW_LAYER_OK);
	for (i = 0; i < n; i++) {
		enum fw_layer_error e;

		potnpu_layer_encode(&b[i].d, w);
		e = fw_layer_check(w, &d, &p);
		if (e != b[i].err) {
			printf("# %s: error %u, expected %u\n", b[i].what, e, b[i].err);
			bad++;
		}
	}
	CHECK_EQ(bad, 0);
	for (i = POTNPU_LAYER_W_RESERVED; i < POTNPU_LAYER_WORDS; i++) {
		potnpu_layer_encode(&conv, w);
		w[i] = 1u << (i & 31);
		CHECK_EQ(fw_layer_check(w, &d, &p), FW_LAYER_RESERVED);
	}
	potnpu_layer_encode(&conv, w);
	w[24] |= 1u << 16;
	CHECK_EQ(fw_layer_check(w, &d, &p), FW_LAYER_RESERVED);
	potnpu_layer_encode(&conv, w);
	w[0] = (w[0] & ~0xffu) | 0x15;
	CHECK_EQ(fw_layer_check(w, &d, &p), FW_LAYER_OP);
}

/* Each bad command ends its job with EINVAL at its offset, nothing started. */
static void test_layer_invalid_jobs(void)
{
	static struct bad_layer b[96];
	uint32_t i, n, starts, sram_dmas = 0, bad = 0;

	boot();
	n = bad_layers(b);
	starts = fake.sae_starts;
	for (i = 0; i < n; i++) {
		uint32_t dmas = fake.dma_count, k, seq = 0x5e00 + reg(POTNPU_IO_CQ_TAIL);
		struct potnpu_job_done c;

		s_reset();
		s_nop();
		s_fence(L_FENCE_VA, i + 1);
		s_layer(&b[i].d);
		s_fence(L_FENCE_VA + 4, i + 1);
		submit(seq);
		run();
		c = cq(reg(POTNPU_IO_CQ_TAIL) - 1);
		bad += c.seqno != seq || c.status != POTNPU_JOB_EINVAL ||
		       c.err_offset != 20 || c.err_info || c.fault_addr_lo;
		bad += va_get32(L_FENCE_VA) != i + 1 || va_get32(L_FENCE_VA + 4) != 0;
		for (k = dmas; k < fake.dma_count; k++)
			sram_dmas += (fake.dmas[k].mode >> 4 & 0xf) == POTNPU_DMA_SPACE_SRAM ||
				     (fake.dmas[k].mode >> 8 & 0xf) == POTNPU_DMA_SPACE_SRAM;
		memset(&fake.va[L_FENCE_VA], 0, 8);
	}
	CHECK_EQ(bad, 0);
	CHECK_EQ(sram_dmas, 0);
	CHECK_EQ(fake.sae_starts, starts);
	CHECK(strstr(log_text(), "invalid operand at offset 14") != NULL);

	/* A bad header is EILLEGAL as for every command: flags, length, opcode. */
	s_reset();
	s_layer(&b[0].d);
	S.w[0] = POTNPU_CMD_HDR(POTNPU_OP_CONV2D, POTNPU_LAYER_WORDS) | 1u << 8;
	run_one(POTNPU_JOB_EILLEGAL, 0, POTNPU_OP_CONV2D, 0);
	S.w[0] = POTNPU_CMD_HDR(POTNPU_OP_ADD, POTNPU_LAYER_WORDS - 1);
	run_one(POTNPU_JOB_EILLEGAL, 0, POTNPU_OP_ADD, 0);
	S.w[0] = POTNPU_CMD_HDR(POTNPU_OP_REQUANT + 1, POTNPU_LAYER_WORDS);
	run_one(POTNPU_JOB_EILLEGAL, 0, POTNPU_OP_REQUANT + 1, 0);
	/* Truncated: the stream ends inside the command. */
	S.w[0] = POTNPU_CMD_HDR(POTNPU_OP_MAXPOOL, POTNPU_LAYER_WORDS);
	S.n = POTNPU_LAYER_WORDS - 1;
	run_one(POTNPU_JOB_EILLEGAL, 0, POTNPU_OP_MAXPOOL, 0);
	CHECK_EQ(fake.sae_starts, starts);
}

/* ---- layer failures -------------------------------------------------------- */

/* An engine error mid-layer ends the job: no later tile, no counters. */
static void test_layer_sae_failure(void)
{
	struct potnpu_layer_desc d = layer(POTNPU_OP_CONV2D, 18, 16, 256, 3, 1, 1, 64);
	const uint32_t status[] = { POTNPU_SAE_ETABLE, POTNPU_SAE_EINVAL,
				    POTNPU_SAE_ERANGE, POTNPU_SAE_EWORK };
	uint32_t i;

	boot();
	for (i = 0; i < 4; i++) {
		uint32_t starts = fake.sae_starts, dmas;

		layer_memory();
		fake.sae_fail_n = starts + 3 + i;
		fake.sae_fail_status = status[i];
		s_reset();
		s_nop();
		s_layer(&d);
		s_fence(L_FENCE_VA, 1);
		run_one(POTNPU_JOB_EINVAL, 4, 0, 0);
		CHECK_EQ(fake.sae_starts, starts + 3 + i);
		/* Nothing after the failed start but the completion record. */
		dmas = fake.tiles[starts + 2 + i].dma_count;
		CHECK_EQ(fake.dma_count, dmas + 1);
		CHECK_EQ(va_get64(L_CTR_VA + 8), 0);
		CHECK_EQ(va_get32(L_FENCE_VA), 0);
	}
	fake.sae_fail_n = 0;
	CHECK_EQ(count_substr(log_text(), "invalid operand at offset 4"), 4);
	/* The log line names the engine's status. */
	CHECK_EQ(count_substr(log_text(), ", dma 0, sae 3\n"), 1);
	CHECK_EQ(count_substr(log_text(), ", dma 0, sae 4\n"), 1);
}

/* An abort is honoured between two tiles; one for another job is not. */
static void test_layer_abort_between_tiles(void)
{
	struct potnpu_layer_desc d = layer(POTNPU_OP_CONV2D, 18, 16, 256, 3, 1, 1, 64);
	uint32_t starts, seq;

	boot();
	layer_memory();
	s_reset();
	s_fence(L_FENCE_VA, 1);
	s_layer(&d);
	s_fence(L_FENCE_VA + 4, 2);
	/* DMAs: descriptor, stream, FENCE, table, records, weights, band 0 in,
	 * band 0 out (8): the abort arrives with tile 0's output. */
	starts = fake.sae_starts;
	fake.h2f_after_dma = fake.dma_count + 8;
	fake.h2f_msg = POTNPU_H2F_ABORT_JOB;
	seq = 0x5e00 + reg(POTNPU_IO_CQ_TAIL);
	fake.h2f_arg = seq;
	run_one(POTNPU_JOB_ABORTED, 16, 0, 0);
	CHECK_EQ(fake.sae_starts, starts + 1);
	CHECK_EQ(fake.dmas[fake.dma_count - 2].mode, MODE_STORE);
	CHECK_EQ(va_get32(L_FENCE_VA + 4), 0);
	CHECK_EQ(va_get64(L_CTR_VA + 8), 0);

	/* An abort of the job before is dropped: the layer completes. */
	starts = fake.sae_starts;
	fake.h2f_after_dma = fake.dma_count + 8;
	fake.h2f_arg = seq;
	run_one(POTNPU_JOB_OK, 0, 0, 0);
	CHECK_EQ(fake.sae_starts, starts + 15);
	CHECK_EQ(va_get32(L_FENCE_VA + 4), 2);
	fake.h2f_after_dma = 0;
}

static void test_layer_dma_faults(void)
{
	struct potnpu_layer_desc d = layer(POTNPU_OP_CONV2D, 18, 16, 256, 3, 1, 1, 64);
	uint32_t page, starts;
	uint64_t va;

	boot();
	layer_memory();
	/* The output band of tile 1 (rows 4..7, channels 0..26) read-only. */
	va = L_OUT_VA + (uint64_t)4 * 16 * 64;
	page = (uint32_t)(va >> POTNPU_PAGE_SHIFT);
	fake.page[page] = FAKE_PAGE_RO;
	starts = fake.sae_starts;
	s_reset();
	s_nop();
	s_layer(&d);
	run_one(POTNPU_JOB_EMMU, 4, MMU_INFO(0, 1), va);
	CHECK_EQ(fake.sae_starts, starts + 2);
	fake.page[page] = 0;

	/* A read fault in the second block's weight rows. */
	va = L_W_VA + (uint64_t)27 * 2304;
	fake.page[va >> POTNPU_PAGE_SHIFT] = FAKE_PAGE_ABSENT;
	s_reset();
	s_layer(&d);
	run_one(POTNPU_JOB_EMMU, 0, MMU_INFO(0, 0), va & ~0xfffull);
	fake.page[va >> POTNPU_PAGE_SHIFT] = 0;

	/* A bus error on the input, the counters record read-only. */
	fake.page[(L_IN_VA >> POTNPU_PAGE_SHIFT) + 5] = FAKE_PAGE_BUSERR;
	s_reset();
	s_layer(&d);
	run_one(POTNPU_JOB_EBUS, 0, 0, L_IN_VA + 5 * POTNPU_PAGE_SIZE);
	fake.page[(L_IN_VA >> POTNPU_PAGE_SHIFT) + 5] = 0;
	fake.page[L_CTR_VA >> POTNPU_PAGE_SHIFT] = FAKE_PAGE_RO;
	s_reset();
	s_layer(&d);
	run_one(POTNPU_JOB_EMMU, 0, MMU_INFO(0, 1), L_CTR_VA);
	fake.page[L_CTR_VA >> POTNPU_PAGE_SHIFT] = 0;

	/* The DMA engine refuses the first load. */
	s_reset();
	s_layer(&d);
	fake.fail_dma_n = fake.dma_count + 3;
	fake.fail_dma_status = POTNPU_DMA_ERANGE;
	run_one(POTNPU_JOB_EINVAL, 0, 0, 0);
	fake.fail_dma_n = 0;
}

/* Without the engine: FW_CAPS says so, layers are unknown commands. */
static void test_layer_without_engine(void)
{
	struct potnpu_layer_desc d = layer(POTNPU_OP_REQUANT, 4, 4, 8, 1, 1, 0, 8);

	reset_all();
	fake.no_sae = 1;		/* SAE or 2D registers abort the test */
	fake.regs[POTNPU_IO_HOST_ABI / 4] = POTNPU_FW_ABI_VERSION;
	set_queue(8, JQ_BASE, CQ_BASE, 0);
	CHECK_EQ(fw_boot(), POTNPU_FW_ERR_NONE);
	CHECK_EQ(reg(POTNPU_IO_FW_CAPS), POTNPU_FW_CAP_DMA);
	CHECK_EQ(fake.dmas[0].status, POTNPU_DMA_EINVAL);
	s_reset();
	s_fence(L_FENCE_VA, 1);
	s_layer(&d);
	run_one(POTNPU_JOB_EILLEGAL, 16, POTNPU_OP_REQUANT, 0);
	CHECK_EQ(va_get32(L_FENCE_VA), 1);
	CHECK_EQ(fake.sae_starts, 0);
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

static uint64_t rnd_va(uint32_t align_mask)
{
	return DATA_VA + (rnd() & 0x3ffff & ~align_mask);
}

/* A small layer in the data pages, sometimes with one field broken. */
static void s_random_layer(uint32_t r)
{
	static const uint32_t ops[] = {
		POTNPU_OP_CONV2D, POTNPU_OP_MAXPOOL, POTNPU_OP_AVGPOOL,
		POTNPU_OP_ADD, POTNPU_OP_REQUANT,
	};
	uint32_t op = ops[rnd() % 5], elem = op == POTNPU_OP_ADD ||
					    op == POTNPU_OP_REQUANT;
	uint32_t k = elem ? 1 : 1 + rnd() % 3, st = elem ? 1 : 1 + rnd() % 3;
	uint32_t pad = elem ? 0 : rnd() % 2, c = 1 + rnd() % 16;
	uint32_t h = k + rnd() % 12, w = k + rnd() % 12;
	struct potnpu_layer_desc d = layer(op, h, w, c, k, st, pad,
					   op == POTNPU_OP_CONV2D ? 1 + rnd() % 16 : c);

	d.in_va = rnd_va(0);
	d.out_va = rnd_va(0);
	d.in2_va = d.in2_va ? rnd_va(0) : 0;
	d.weights_va = d.weights_va ? rnd_va(0) : 0;
	d.table_va = d.table_va ? rnd_va(0) : 0;
	d.chan_va = d.chan_va ? rnd_va(0) : 0;
	d.counters_va = rnd() % 2 ? rnd_va(7) : 0;
	if (op == POTNPU_OP_CONV2D)
		d.wbits = 2 + rnd() % 7;
	switch (r) {
	case 0: d.out_h++; break;
	case 1: d.lo = 1; d.hi = 0; break;
	case 2: d.counters_va |= 4; break;
	case 3: d.kw = 0; break;
	}
	s_layer(&d);
}

/* A random command: mostly valid, sometimes broken in one way. */
static void s_random_command(void)
{
	static const uint32_t words[] = { 1, 4, 3, 6, 5 };
	uint32_t op = rnd() % 7, r = rnd() % 16, i, n;
	uint64_t va = DATA_VA + (rnd() & 0x3ffff);
	uint32_t size = 1 + (rnd() & 0x1fff);

	if (op == 6) {
		s_random_layer(r);
		return;
	}
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
	uint32_t starts = 0;

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
		fake.sae_fail_n = rnd() % 16 == 0 ? fake.sae_starts + 1 + rnd() % 3 : 0;
		fake.sae_fail_status = 1 + rnd() % 4;
		s_place(STREAM_VA);
		d = make_desc(job, STREAM_VA, size, (uint16_t)(rnd() & 15));
		submit_desc(&d);
		i = fake.sae_starts;
		fw_poll();
		starts += fake.sae_starts - i;
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
	printf("# %u engine starts\n", starts);
	CHECK(starts > 200);
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
	RUN(test_layer_conv_tiles);
	RUN(test_layer_conv_64);
	RUN(test_layer_depthwise);
	RUN(test_layer_pad_beyond_kernel);
	RUN(test_layer_stride_beyond_kernel);
	RUN(test_layer_add);
	RUN(test_layer_requant);
	RUN(test_layer_in_stream);
	RUN(test_layer_check_reasons);
	RUN(test_layer_invalid_jobs);
	RUN(test_layer_sae_failure);
	RUN(test_layer_abort_between_tiles);
	RUN(test_layer_dma_faults);
	RUN(test_layer_without_engine);
	RUN(test_log_format);
	RUN(test_log_long_line);
	RUN(test_log_ring_wrap);
	RUN(test_log_head_wraps_2_32);
	RUN(test_log_line_per_job_error);
	RUN(test_random_streams);
	fake_free();
	return tap_done();
}
