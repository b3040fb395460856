// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: the firmware's job descriptor check and command
 * stream parser and executor (firmware/job.c, layer*.c, boot.c, log.c in
 * their host build) on the simulated device of firmware/tests/fake_io.c.
 * The firmware trusts nothing the host writes: this feeds it one hostile
 * job per input and lets the fake device's bounds, AddressSanitizer and
 * UBSan catch what escapes.
 *
 * Input:
 *   byte 0     bit 0: the device has no shift-add engine (layers refused);
 *              bit 1: keep the descriptor as given, else the harness sets
 *              cmd_va/cmd_size to the stream and clears flags, reserved
 *              and the slot's high bits; bits 7:4: an H2F ABORT_JOB of
 *              this job arrives after DMA transfer number N (0: none)
 *   bytes 1-64 the job descriptor
 *   the rest   the command stream, placed at STREAM_VA
 * Device VA space (every slot): [0, WINDOW) mapped read-write except the
 * stream's 64 KiB at STREAM_VA (read-only, so it cannot rewrite itself)
 * and one read-only and one bus-error page at the top; everything above
 * faults.
 *
 * POTNPU_FUZZ_VERBOSE=1 in the environment prints each job's result.
 *
 * After the job the harness checks what docs/firmware.md promises: the
 * firmware is still alive, exactly one completion record was written for
 * the job, with a known status, the descriptor's seqno, an err_offset that
 * is 0 on success and otherwise a word offset inside the stream; EDESC
 * exactly when fw_desc_check() refuses the descriptor; the read-only pages
 * are untouched; and every transfer into device VA lies inside a range
 * that a command run so far names as its destination (FENCE/TIMESTAMP
 * word, COPY/FILL destination, a layer's output tensor or counters), so
 * the firmware cannot scribble outside what the job asked for.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_io.h"
#include "fw.h"
#include "fw_io.h"
#include "potnpu_fw_image.h"

#define JQ_BASE		FAKE_BUS_BASE
#define CQ_BASE		(FAKE_BUS_BASE + 0x40000)
#define Q_SIZE		8
#define WINDOW		0x40000u	/* mapped device VA */
#define STREAM_VA	0x1000u
#define RO_PAGE		(WINDOW - 2 * POTNPU_PAGE_SIZE)
#define BUSERR_PAGE	(WINDOW - POTNPU_PAGE_SIZE)
#define RO_BYTE		0x5a
/* Stream pages (read-only), then the data pages. */
#define STREAM_MAX	POTNPU_CMD_MAX_SIZE
#define DATA_VA		(STREAM_VA + STREAM_MAX)

/* What main.c defines in the target build. */
const uint32_t potnpu_fw_version =
	POTNPU_FW_VER(POTNPU_FW_VERSION_MAJOR, POTNPU_FW_VERSION_MINOR,
		      POTNPU_FW_VERSION_PATCH);
const uint32_t potnpu_fw_abi_version = POTNPU_FW_ABI_VERSION;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

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

static void fail(const char *what, uint32_t a, uint32_t b)
{
	fprintf(stderr, "fuzz_fw_job: invariant broken: %s (0x%x, 0x%x)\n",
		what, a, b);
	abort();
}

/* Destination ranges the stream's commands name: the writes allowed. */
#define MAX_DST		(POTNPU_CMD_MAX_SIZE / 12 + 2)
static struct {
	uint64_t va;
	unsigned __int128 len;
} dst[MAX_DST];
static unsigned int nr_dst;

static void allow(uint64_t va, unsigned __int128 len)
{
	if (nr_dst < MAX_DST) {
		dst[nr_dst].va = va;
		dst[nr_dst].len = len;
		nr_dst++;
	}
}

static uint64_t w64(const uint32_t *w)
{
	return w[0] | (uint64_t)w[1] << 32;
}

/*
 * Walk the stream @w of @words words as the firmware would, up to and
 * including the command at byte @last, and collect what each command may
 * write: FENCE and TIMESTAMP their word, COPY and FILL their destination,
 * a layer its output tensor and its counters record.
 */
static void collect_dsts(const uint32_t *w, uint32_t words, uint32_t last)
{
	uint32_t pos = 0;

	nr_dst = 0;
	while (pos < words && pos * 4 <= last) {
		uint32_t op = w[pos] & 0xff, len = w[pos] >> 16;
		struct potnpu_layer_desc d;

		if (!len || len > words - pos)
			return;
		switch (op) {
		case POTNPU_OP_FENCE:
			if (len >= 3)
				allow(w64(&w[pos + 1]), 4);
			break;
		case POTNPU_OP_TIMESTAMP:
			if (len >= 3)
				allow(w64(&w[pos + 1]), 8);
			break;
		case POTNPU_OP_COPY:
			if (len >= 6)
				allow(w64(&w[pos + 3]), w[pos + 5]);
			break;
		case POTNPU_OP_FILL:
			if (len >= 4)
				allow(w64(&w[pos + 1]), w[pos + 3]);
			break;
		default:
			if (len != POTNPU_LAYER_WORDS)
				break;
			potnpu_layer_decode(&w[pos], &d);
			allow(d.out_va,
			      ((unsigned __int128)d.out_h * d.out_w - 1) *
			      d.out_cstride + d.out_c);
			allow(d.counters_va, sizeof(struct potnpu_layer_counters));
		}
		pos += len;
	}
}

static int allowed(uint64_t va, uint64_t len)
{
	unsigned int i;

	for (i = 0; i < nr_dst; i++)
		if (va >= dst[i].va &&
		    (unsigned __int128)va + len <= dst[i].va + dst[i].len)
			return 1;
	return 0;
}

/* Every transfer into device VA stayed inside a range the stream named. */
static void check_writes(void)
{
	uint32_t n = fake.dma_count < FAKE_MAX_DMAS ? fake.dma_count :
						      FAKE_MAX_DMAS, i, r;

	for (i = 0; i < n; i++) {
		const struct fake_dma *m = &fake.dmas[i];
		uint32_t rows = m->rows ? m->rows : 1;

		if (((m->mode >> 8) & 0xf) != POTNPU_DMA_SPACE_VA)
			continue;
		if (m->status == POTNPU_DMA_EINVAL)
			continue;	/* refused whole: nothing written */
		for (r = 0; r < rows; r++)
			if (!allowed(m->dst + (uint64_t)r * m->dst_stride, m->len))
				fail("device VA written outside every range the stream names",
				     (uint32_t)(m->dst + (uint64_t)r * m->dst_stride),
				     i + 1);
	}
}

static uint32_t reg(uint32_t r)
{
	return fake.regs[r / 4];
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fake_reset();
	return 0;
}

/* A booted device with an empty ring of Q_SIZE and the VA window mapped. */
static void boot(int no_sae)
{
	uint32_t pg;

	/* fake_reset() clears all of VA; only the window is ever written. */
	fake_reset();
	fake.area = (uint8_t *)&fw_dmem;
	fake.area_off = FAKE_DMEM_AREA;
	fake.area_len = sizeof(fw_dmem);
	memset(&fw, 0, sizeof(fw));
	memset(&fw_dmem, 0, sizeof(fw_dmem));
	fake.no_sae = no_sae;
	for (pg = WINDOW >> POTNPU_PAGE_SHIFT; pg < FAKE_PAGES; pg++)
		fake.page[pg] = FAKE_PAGE_ABSENT;
	fake.page[RO_PAGE >> POTNPU_PAGE_SHIFT] = FAKE_PAGE_RO;
	/* The stream cannot rewrite itself: its pages are read-only. */
	for (pg = STREAM_VA >> POTNPU_PAGE_SHIFT;
	     pg < (STREAM_VA + STREAM_MAX) >> POTNPU_PAGE_SHIFT; pg++)
		fake.page[pg] = FAKE_PAGE_RO;
	fake.page[BUSERR_PAGE >> POTNPU_PAGE_SHIFT] = FAKE_PAGE_BUSERR;
	memset(&fake.va[RO_PAGE], RO_BYTE, POTNPU_PAGE_SIZE);

	fake.regs[POTNPU_IO_HOST_ABI / 4] = POTNPU_FW_ABI_VERSION;
	fake.regs[POTNPU_IO_JQ_SIZE / 4] = Q_SIZE;
	fake.regs[POTNPU_IO_JQ_BASE_LO / 4] = (uint32_t)JQ_BASE;
	fake.regs[POTNPU_IO_JQ_BASE_HI / 4] = (uint32_t)(JQ_BASE >> 32);
	fake.regs[POTNPU_IO_CQ_BASE_LO / 4] = (uint32_t)CQ_BASE;
	fake.regs[POTNPU_IO_CQ_BASE_HI / 4] = (uint32_t)(CQ_BASE >> 32);
	if (fw_boot() != POTNPU_FW_ERR_NONE)
		fail("boot failed", reg(POTNPU_IO_FW_ERROR), 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct potnpu_job_desc d;
	struct potnpu_job_done done;
	size_t len, i;
	uint8_t cfg;
	int polls;

	if (size < 1 + sizeof(d))
		return 0;
	cfg = data[0];
	memcpy(&d, data + 1, sizeof(d));
	data += 1 + sizeof(d);
	len = size - 1 - sizeof(d);
	if (len > STREAM_MAX)
		len = STREAM_MAX;
	if (!(cfg & 2)) {
		d.flags = 0;
		memset(d.reserved, 0, sizeof(d.reserved));
		d.slot &= POTNPU_MMU_SLOTS - 1;
		d.cmd_va = STREAM_VA;
		d.cmd_size = (uint32_t)len & ~3u;
		if (d.cmd_size > POTNPU_CMD_MAX_SIZE)
			d.cmd_size = POTNPU_CMD_MAX_SIZE;
	}

	boot(cfg & 1);
	memcpy(&fake.va[STREAM_VA], data, len);
	memcpy(fake_bus_ptr(JQ_BASE, sizeof(d)), &d, sizeof(d));
	if (cfg >> 4) {
		fake.h2f_after_dma = cfg >> 4;
		fake.h2f_msg = POTNPU_H2F_ABORT_JOB;
		fake.h2f_arg = d.seqno;
	}
	fake.regs[POTNPU_IO_JQ_TAIL / 4] = 1;
	fake.regs[POTNPU_IO_EVENTS / 4] |= POTNPU_EVENT_JQ_DOORBELL;
	for (polls = 0; polls < 4 && fw_poll(); polls++)
		;

	if (fw.failed)
		fail("firmware failed", fw.error, 0);
	if (reg(POTNPU_IO_CQ_TAIL) != 1 || reg(POTNPU_IO_JQ_HEAD) != 1)
		fail("not exactly one job completed", reg(POTNPU_IO_CQ_TAIL),
		     reg(POTNPU_IO_JQ_HEAD));
	memcpy(&done, fake_bus_ptr(CQ_BASE, sizeof(done)), sizeof(done));
	if (getenv("POTNPU_FUZZ_VERBOSE"))
		fprintf(stderr, "fuzz_fw_job: seqno %x: %s at %u, info %x\n",
			d.seqno, fw_job_status_name(done.status),
			done.err_offset, done.err_info);
	if (done.seqno != d.seqno)
		fail("completion for another seqno", done.seqno, d.seqno);
	if (done.status > POTNPU_JOB_ABORTED)
		fail("unknown job status", done.status, 0);
	if ((done.status == POTNPU_JOB_EDESC) !=
	    (fw_desc_check(&d) != FW_DESC_OK))
		fail("EDESC and fw_desc_check() disagree", done.status,
		     fw_desc_check(&d));
	if (done.status == POTNPU_JOB_OK || done.status == POTNPU_JOB_EDESC) {
		if (done.err_offset || done.err_info || done.fault_addr_lo ||
		    done.fault_addr_hi)
			fail("error detail without an error", done.err_offset,
			     done.err_info);
	} else if (done.err_offset & 3 || done.err_offset >= d.cmd_size) {
		fail("err_offset not a word inside the stream", done.err_offset,
		     d.cmd_size);
	}
	if (done.status == POTNPU_JOB_EILLEGAL && done.err_info > 0xff)
		fail("EILLEGAL's err_info is not an opcode", done.err_info, 0);
	if (done.status == POTNPU_JOB_ABORTED && !(cfg >> 4))
		fail("aborted without an abort", done.err_offset, 0);
	for (i = 0; i < POTNPU_PAGE_SIZE; i++)
		if (fake.va[RO_PAGE + i] != RO_BYTE)
			fail("read-only page written", (uint32_t)i, 0);
	if (memcmp(&fake.va[STREAM_VA], data, len))
		fail("the stream's read-only pages were written", 0, 0);
	/* Writes only where the commands run so far (incl. the failing one) say. */
	if (d.cmd_va == STREAM_VA && done.status != POTNPU_JOB_EDESC) {
		collect_dsts((const uint32_t *)&fake.va[STREAM_VA],
			     d.cmd_size / 4,
			     done.status == POTNPU_JOB_OK ? d.cmd_size :
							    done.err_offset);
		check_writes();
	}
	return 0;
}
