// SPDX-License-Identifier: MIT
/*
 * Job queue service: fetch a descriptor from the submission ring, validate
 * it, execute its command stream, write the completion record. The
 * semantics and the error mapping are in docs/firmware.md; in short:
 *
 *   descriptor unreadable (DMA error)        EBUS, seqno 0
 *   descriptor flags/reserved/size/slot/va   EDESC
 *   unknown opcode (a layer opcode without
 *   the shift-add engine), flags, wrong
 *   length, command past the end of the
 *   stream                                   EILLEGAL, err_info = opcode
 *   a layer command breaking a rule of
 *   layer_check.c, an engine error           EINVAL
 *   size 0, unaligned FENCE/TIMESTAMP VA,
 *   range wrapping 2^64                      EINVAL
 *   DMA MMU fault                            EMMU, err_info = MMU status
 *                                            (slot, write; reason 0),
 *                                            fault_addr = DMA_FAULT_ADDR
 *   DMA host memory error                    EBUS, fault_addr as above
 *   H2F ABORT_JOB of this job's seqno seen
 *   between commands or DMA transfers        ABORTED
 * err_offset is the byte offset of the command that failed (or, for
 * ABORTED, of the first command not completed). fault_addr is 64 bits,
 * DMA_FAULT_ADDR and DMA_FAULT_ADDR_HI, in fault_addr_lo/hi. A record is
 * written only when the completion ring has room (CQ_TAIL - CQ_HEAD <
 * JQ_SIZE).
 */
#include <stdint.h>

#include "fw.h"
#include "fw_io.h"

static const char *const status_names[] = {
	[POTNPU_JOB_OK] = "ok",
	[POTNPU_JOB_EILLEGAL] = "illegal command",
	[POTNPU_JOB_EINVAL] = "invalid operand",
	[POTNPU_JOB_EMMU] = "mmu fault",
	[POTNPU_JOB_EBUS] = "bus error",
	[POTNPU_JOB_EDESC] = "bad descriptor",
	[POTNPU_JOB_ABORTED] = "aborted",
};

static const char *const desc_errors[] = {
	[FW_DESC_OK] = "ok",
	[FW_DESC_FLAGS] = "non-zero flags",
	[FW_DESC_RESERVED] = "non-zero reserved word",
	[FW_DESC_SIZE] = "cmd_size not a multiple of 4 in 4..65536",
	[FW_DESC_SLOT] = "slot out of range",
	[FW_DESC_ALIGN] = "cmd_va not 4-byte aligned",
};

const char *fw_job_status_name(uint32_t status)
{
	if (status < ARRAY_SIZE(status_names))
		return status_names[status];
	return "?";
}

enum fw_desc_error fw_desc_check(const struct potnpu_job_desc *d)
{
	uint32_t i;

	if (d->flags)
		return FW_DESC_FLAGS;
	for (i = 0; i < ARRAY_SIZE(d->reserved); i++)
		if (d->reserved[i])
			return FW_DESC_RESERVED;
	if (!d->cmd_size || d->cmd_size > POTNPU_CMD_MAX_SIZE ||
	    (d->cmd_size & 3))
		return FW_DESC_SIZE;
	if (d->slot >= POTNPU_MMU_SLOTS)
		return FW_DESC_SLOT;
	if (d->cmd_va & 3)
		return FW_DESC_ALIGN;
	return FW_DESC_OK;
}

/* One DMA transfer; returns POTNPU_DMA_*, *fault = the failing address. */
uint32_t fw_dma(uint32_t mode, uint64_t src, uint64_t dst, uint32_t len,
		    uint32_t ctx, uint32_t pattern, uint64_t *fault)
{
	uint32_t st;

	fw_io_write(POTNPU_IO_DMA_SRC_LO, (uint32_t)src);
	fw_io_write(POTNPU_IO_DMA_SRC_HI, (uint32_t)(src >> 32));
	fw_io_write(POTNPU_IO_DMA_DST_LO, (uint32_t)dst);
	fw_io_write(POTNPU_IO_DMA_DST_HI, (uint32_t)(dst >> 32));
	fw_io_write(POTNPU_IO_DMA_LEN, len);
	fw_io_write(POTNPU_IO_DMA_CTX, ctx);
	fw_io_write(POTNPU_IO_DMA_MODE, mode);
	fw_io_write(POTNPU_IO_DMA_PATTERN, pattern);
	fw_io_write(POTNPU_IO_DMA_START, 1);
	st = fw_io_read(POTNPU_IO_DMA_STATUS);
	*fault = 0;
	if (st != POTNPU_DMA_OK)
		*fault = fw_io_read(POTNPU_IO_DMA_FAULT_ADDR) |
			 (uint64_t)fw_io_read(POTNPU_IO_DMA_FAULT_ADDR_HI) << 32;
	return st;
}

uint32_t fw_job_fail(struct fw_job *j, uint32_t status, uint32_t off,
		     uint32_t info)
{
	j->done->err_offset = off;
	j->done->err_info = info;
	return status;
}

/* Map a failed DMA of the command at @off to the job's status. */
static void set_fault_addr(struct potnpu_job_done *done, uint64_t fault)
{
	done->fault_addr_lo = (uint32_t)fault;
	done->fault_addr_hi = (uint32_t)(fault >> 32);
}

uint32_t fw_job_fail_dma(struct fw_job *j, uint32_t off, uint32_t st,
			 uint64_t fault, int write)
{
	j->dma_status = st;
	switch (st) {
	case POTNPU_DMA_EMMU:
		set_fault_addr(j->done, fault);
		return fw_job_fail(j, POTNPU_JOB_EMMU, off,
			    POTNPU_MMU_FAULT_MAKE(j->slot, 0, write));
	case POTNPU_DMA_EBUS:
		set_fault_addr(j->done, fault);
		return fw_job_fail(j, POTNPU_JOB_EBUS, off, 0);
	default:
		/* EINVAL or ERANGE: an operand the engine refused. */
		return fw_job_fail(j, POTNPU_JOB_EINVAL, off, 0);
	}
}

/*
 * Make stream bytes [off, off + len) available in the window. A refill
 * reads as much as fits from @off on; if that faults (perhaps on a page
 * far beyond this command) it retries with just the bytes needed, so the
 * fault is charged to the command that really cannot be read.
 */
static uint32_t need(struct fw_job *j, uint32_t off, uint32_t len)
{
	uint32_t want = j->size - off, st;
	uint64_t fault;
	uint32_t mode = POTNPU_DMA_MODE(POTNPU_DMA_OP_COPY, POTNPU_DMA_SPACE_VA,
					POTNPU_DMA_SPACE_DMEM);

	if (off >= j->win_off && off - j->win_off + len <= j->win_len)
		return POTNPU_JOB_OK;
	if (want > FW_CMD_BUF_SIZE)
		want = FW_CMD_BUF_SIZE;
	j->win_len = 0;
	st = fw_dma(mode, j->va + off, fw_dmem_off(fw_dmem.cmd), want, j->slot, 0,
		 &fault);
	if (st != POTNPU_DMA_OK && want > len) {
		want = len;
		st = fw_dma(mode, j->va + off, fw_dmem_off(fw_dmem.cmd), want,
			 j->slot, 0, &fault);
	}
	if (st != POTNPU_DMA_OK)
		return fw_job_fail_dma(j, off, st, fault, 0);
	j->win_off = off;
	j->win_len = want;
	return POTNPU_JOB_OK;
}

static uint64_t va64(const uint32_t *w)
{
	return w[0] | (uint64_t)w[1] << 32;
}

/* Write @len bytes of fw_dmem.word to @va (FENCE, TIMESTAMP). */
static uint32_t store_words(struct fw_job *j, uint32_t off, uint64_t va,
			    uint32_t len)
{
	uint64_t fault;
	uint32_t st;

	st = fw_dma(POTNPU_DMA_MODE(POTNPU_DMA_OP_COPY, POTNPU_DMA_SPACE_DMEM,
				 POTNPU_DMA_SPACE_VA),
		 fw_dmem_off(fw_dmem.word), va, len, j->slot, 0, &fault);
	return st == POTNPU_DMA_OK ? POTNPU_JOB_OK : fw_job_fail_dma(j, off, st, fault, 1);
}

/*
 * Take a pending H2F message, if any. Returns 1 for an ABORT_JOB whose
 * H2F_ARG is @seqno of the running job (@running); other aborts are for a
 * job that is not running (completed, or not yet started) and, like
 * unknown messages, are logged and dropped. The event is cleared before
 * the message is read, so a message the host sends meanwhile raises it
 * again.
 */
static int h2f_take(int running, uint32_t seqno)
{
	uint32_t msg, arg;

	if (!(fw_io_read(POTNPU_IO_EVENTS) & POTNPU_EVENT_H2F))
		return 0;
	fw_io_write(POTNPU_IO_EVENTS, POTNPU_EVENT_H2F);
	msg = fw_io_read(POTNPU_IO_H2F_MSG);
	arg = fw_io_read(POTNPU_IO_H2F_ARG);
	if (msg == POTNPU_H2F_ABORT_JOB) {
		if (running && arg == seqno)
			return 1;
		if (running)
			fw_log("h2f: abort of seqno %x ignored, running seqno %x",
			       arg, seqno);
		else
			fw_log("h2f: abort with no job running, ignored");
	} else if (msg != POTNPU_H2F_NONE) {
		fw_log("h2f: unknown message %u ignored", msg);
	}
	return 0;
}

static void h2f_idle(void)
{
	h2f_take(0, 0);
}

/* An abort of job @j, checked between commands and DMA transfers. */
int fw_job_aborted(const struct fw_job *j)
{
	return h2f_take(1, j->seqno);
}

/*
 * Between two DMA transfers of a long COPY or FILL: progress (the
 * heartbeat moves with the bytes, so a long command is not taken for a
 * hang) and the abort check. Returns POTNPU_JOB_OK to go on.
 */
static uint32_t next_transfer(struct fw_job *j, uint32_t off, uint32_t left)
{
	fw_progress();
	if (left && fw_job_aborted(j))
		return fw_job_fail(j, POTNPU_JOB_ABORTED, off, 0);
	return POTNPU_JOB_OK;
}

static uint32_t do_copy(struct fw_job *j, uint32_t off, uint64_t src, uint64_t dst,
			uint32_t size)
{
	uint32_t mode = POTNPU_DMA_MODE(POTNPU_DMA_OP_COPY, POTNPU_DMA_SPACE_VA,
					POTNPU_DMA_SPACE_VA);
	uint32_t st;

	if (!size || src + size < src || dst + size < dst)
		return fw_job_fail(j, POTNPU_JOB_EINVAL, off, 0);
	while (size) {
		uint32_t n = size > POTNPU_DMA_MAX_LEN ? POTNPU_DMA_MAX_LEN : size;
		uint64_t fault;

		st = fw_dma(mode, src, dst, n, j->slot, 0, &fault);
		if (st != POTNPU_DMA_OK)
			/* Outside the chunk's source: the write side faulted. */
			return fw_job_fail_dma(j, off, st, fault, fault - src >= n);
		src += n;
		dst += n;
		size -= n;
		st = next_transfer(j, off, size);
		if (st != POTNPU_JOB_OK)
			return st;
	}
	return POTNPU_JOB_OK;
}

static uint32_t do_fill(struct fw_job *j, uint32_t off, uint64_t dst,
			uint32_t size, uint32_t pattern)
{
	uint32_t mode = POTNPU_DMA_MODE(POTNPU_DMA_OP_FILL, POTNPU_DMA_SPACE_VA,
					POTNPU_DMA_SPACE_VA);
	uint32_t st;

	if (!size || dst + size < dst)
		return fw_job_fail(j, POTNPU_JOB_EINVAL, off, 0);
	while (size) {
		/* Chunks are multiples of 4 bytes: the pattern stays in phase. */
		uint32_t n = size > POTNPU_DMA_MAX_LEN ? POTNPU_DMA_MAX_LEN : size;
		uint64_t fault;

		st = fw_dma(mode, 0, dst, n, j->slot, pattern, &fault);
		if (st != POTNPU_DMA_OK)
			return fw_job_fail_dma(j, off, st, fault, 1);
		dst += n;
		size -= n;
		st = next_transfer(j, off, size);
		if (st != POTNPU_JOB_OK)
			return st;
	}
	return POTNPU_JOB_OK;
}

static uint32_t exec(struct fw_job *j, uint32_t off, uint32_t op,
		     const uint32_t *w)
{
	uint64_t va, t;

	switch (op) {
	case POTNPU_OP_NOP:
		return POTNPU_JOB_OK;
	case POTNPU_OP_FENCE:
		va = va64(&w[1]);
		if (va & 3)
			return fw_job_fail(j, POTNPU_JOB_EINVAL, off, 0);
		fw_dmem.word[0] = w[3];
		return store_words(j, off, va, 4);
	case POTNPU_OP_TIMESTAMP:
		va = va64(&w[1]);
		if (va & 7)
			return fw_job_fail(j, POTNPU_JOB_EINVAL, off, 0);
		t = fw_instret();
		fw_dmem.word[0] = (uint32_t)t;
		fw_dmem.word[1] = (uint32_t)(t >> 32);
		return store_words(j, off, va, 8);
	case POTNPU_OP_COPY:
		return do_copy(j, off, va64(&w[1]), va64(&w[3]), w[5]);
	case POTNPU_OP_FILL:
		return do_fill(j, off, va64(&w[1]), w[3], w[4]);
	}
	if (op >= POTNPU_OP_LAYER_FIRST && fw_cmd_words(op))
		return fw_layer_run(j, off, w);
	return fw_job_fail(j, POTNPU_JOB_EILLEGAL, off, op);
}

/*
 * The length of a command, by opcode, or 0 for an opcode the firmware does
 * not run: potnpu_cmd_words(), without the layer commands when the device
 * has no shift-add engine.
 */
uint32_t fw_cmd_words(uint32_t op)
{
	if (!fw.sae && op >= POTNPU_OP_LAYER_FIRST &&
	    op <= POTNPU_OP_LAYER_LAST)
		return 0;
	return potnpu_cmd_words(op);
}

static uint32_t run_stream(struct fw_job *j)
{
	uint32_t off = 0, st;

	j->win_off = 0;
	j->win_len = 0;
	while (off < j->size) {
		uint32_t hdr, op, words;

		/* Abort is honoured between commands: after one, before the next. */
		if (off && fw_job_aborted(j))
			return fw_job_fail(j, POTNPU_JOB_ABORTED, off, 0);
		fw_progress();
		st = need(j, off, 4);
		if (st)
			return st;
		hdr = fw_dmem.cmd[(off - j->win_off) >> 2];
		op = POTNPU_CMD_OP(hdr);
		words = fw_cmd_words(op);
		if (!words || POTNPU_CMD_FLAGS(hdr) ||
		    POTNPU_CMD_WORDS(hdr) != words ||
		    (words << 2) > j->size - off)
			return fw_job_fail(j, POTNPU_JOB_EILLEGAL, off, op);
		st = need(j, off, words << 2);
		if (st)
			return st;
		st = exec(j, off, op, &fw_dmem.cmd[(off - j->win_off) >> 2]);
		if (st)
			return st;
		off += words << 2;
	}
	return POTNPU_JOB_OK;
}

/*
 * Wait until the completion ring has room: the host has consumed a record
 * (CQ_HEAD) if JQ_SIZE are outstanding. A CQ_HEAD more than JQ_SIZE
 * behind, or ahead of, CQ_TAIL cannot be the host's count and is taken as
 * room. The events are cleared before CQ_HEAD is read, so a CQ_HEAD
 * written afterwards ends the wait at once; JQ_TAIL is read afresh by the
 * queue loop, so its doorbell may be cleared here too. H2F messages that
 * arrive meanwhile are for no running job (this one is finished).
 */
static void wait_cq_room(void)
{
	uint32_t head;
	int logged = 0;

	for (;;) {
		fw_io_write(POTNPU_IO_EVENTS,
			    POTNPU_EVENT_CQ_HEAD | POTNPU_EVENT_JQ_DOORBELL);
		head = fw_io_read(POTNPU_IO_CQ_HEAD);
		if (fw.cq_tail - head != fw.q_size)
			return;
		if (!logged)
			fw_log("cq: ring full (tail %x, head %x), waiting for CQ_HEAD",
			       fw.cq_tail, head);
		logged = 1;
		h2f_idle();
		fw_progress();
		fw_wait();
	}
}

/* Publish the completion record of the job at JQ_HEAD and retire it. */
static void complete(struct potnpu_job_done *done)
{
	uint64_t addr = fw.cq_base + ((uint64_t)(fw.cq_tail & fw.q_mask) << 5);
	uint64_t fault;
	uint32_t st;

	wait_cq_room();
	done->end_lo = fw_io_read(POTNPU_IO_INSTRET_LO);
	st = fw_dma(POTNPU_DMA_MODE(POTNPU_DMA_OP_COPY, POTNPU_DMA_SPACE_DMEM,
				 POTNPU_DMA_SPACE_BUS),
		 fw_dmem_off(done), addr, sizeof(*done), 0, 0, &fault);
	if (st != POTNPU_DMA_OK) {
		fw_log("cq: completion %x not written to %x:%08x (dma %u at %x)",
		       fw.cq_tail, (uint32_t)(addr >> 32), (uint32_t)addr, st,
		       (uint32_t)fault);
		fw_fail(POTNPU_FW_ERR_QUEUE);
		return;
	}
	fw.cq_tail++;
	fw_io_write(POTNPU_IO_CQ_TAIL, fw.cq_tail);
	fw.jq_head++;
	fw_io_write(POTNPU_IO_JQ_HEAD, fw.jq_head);
	fw_io_write(POTNPU_IO_HOST_IRQ, POTNPU_IRQ_JOB);
	fw.jobs++;
}

/* A fresh completion record for the job at JQ_HEAD. */
static void start_record(struct potnpu_job_done *done)
{
	done->seqno = 0;
	done->status = 0;
	done->err_offset = 0;
	done->err_info = 0;
	done->fault_addr_lo = 0;
	done->fault_addr_hi = 0;
	done->start_lo = fw_io_read(POTNPU_IO_INSTRET_LO);
	done->end_lo = 0;
}

/*
 * Read the descriptor at JQ_HEAD into @d and check it; returns
 * POTNPU_JOB_OK or the job's status (EBUS, EDESC), logged.
 */
static uint32_t fetch_desc(struct potnpu_job_desc *d,
			   struct potnpu_job_done *done)
{
	uint64_t addr = fw.jq_base + ((uint64_t)(fw.jq_head & fw.q_mask) << 6);
	enum fw_desc_error de;
	uint64_t fault;
	uint32_t st;

	st = fw_dma(POTNPU_DMA_MODE(POTNPU_DMA_OP_COPY, POTNPU_DMA_SPACE_BUS,
				 POTNPU_DMA_SPACE_DMEM),
		 addr, fw_dmem_off(d), sizeof(*d), 0, 0, &fault);
	if (st != POTNPU_DMA_OK) {
		set_fault_addr(done, fault);
		fw_log("job %x: descriptor at %x:%08x unreadable (dma %u at %x)",
		       fw.jq_head, (uint32_t)(addr >> 32), (uint32_t)addr, st,
		       (uint32_t)fault);
		return POTNPU_JOB_EBUS;
	}
	done->seqno = d->seqno;
	de = fw_desc_check(d);
	if (de != FW_DESC_OK) {
		fw_log("job %x seqno %x: bad descriptor: %s", fw.jq_head,
		       d->seqno, desc_errors[de]);
		return POTNPU_JOB_EDESC;
	}
	return POTNPU_JOB_OK;
}

/* Run the job at JQ_HEAD (the caller checked JQ_TAIL != JQ_HEAD). */
void fw_run_job(void)
{
	struct potnpu_job_desc *d = &fw_dmem.desc;
	struct potnpu_job_done *done = &fw_dmem.done;
	struct fw_job j = { .done = done };

	start_record(done);
	fw_progress();
	done->status = fetch_desc(d, done);
	if (done->status == POTNPU_JOB_OK) {
		j.seqno = d->seqno;
		j.va = d->cmd_va;
		j.size = d->cmd_size;
		j.slot = d->slot;
		done->status = run_stream(&j);
		if (done->status != POTNPU_JOB_OK)
			fw_log("job %x seqno %x: %s at offset %x, info %x, addr %x, dma %u, sae %u",
			       fw.jq_head, d->seqno,
			       fw_job_status_name(done->status), done->err_offset,
			       done->err_info, done->fault_addr_lo, j.dma_status,
			       j.sae_status);
	}
	complete(done);
}

/* Run jobs while there are any, at most one ring's worth per call. */
void fw_service_queue(void)
{
	uint32_t n;

	for (n = 0; n < fw.q_size && !fw.failed; n++) {
		uint32_t tail = fw_io_read(POTNPU_IO_JQ_TAIL);

		if (tail == fw.jq_head)
			break;
		if (!n && tail - fw.jq_head > fw.q_size)
			fw_log("jq: tail %x is more than %u jobs ahead of head %x",
			       tail, fw.q_size, fw.jq_head);
		/* An abort that arrives between jobs is for a finished job. */
		h2f_idle();
		fw_run_job();
	}
}

/*
 * One pass of the idle loop: acknowledge events, handle H2F messages, run
 * pending jobs. Returns 1 if jobs are still pending (the caller must not
 * wait for an interrupt then), 0 if the queue is empty.
 */
int fw_poll(void)
{
	uint32_t ev;

	if (fw.failed)
		return 0;
	fw_progress();
	ev = fw_io_read(POTNPU_IO_EVENTS);
	/* Clear before looking at the queue: a later doorbell sets it again. */
	if (ev & ~POTNPU_EVENT_H2F)
		fw_io_write(POTNPU_IO_EVENTS, ev & ~POTNPU_EVENT_H2F);
	if (ev & POTNPU_EVENT_H2F)
		h2f_idle();
	fw_service_queue();
	return !fw.failed && fw_io_read(POTNPU_IO_JQ_TAIL) != fw.jq_head;
}
