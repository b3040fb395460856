// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: the kernel driver's command-stream validator
 * (kernel/potnpu_validate.c, kernel/potnpu_validate_layer.c), compiled
 * unchanged against the shim headers of kshim/.
 *
 * Input: byte 0 holds the number of BOs (bits 2:0), boundary mode (bit 6,
 * BOs placed around the stream's own ranges, below) and whether the device
 * runs layers (bit 7); then per BO its VA (8 bytes LE), size (8 bytes LE)
 * and a flags byte (bit 0: writable); the rest is the command stream,
 * copied to a buffer of exactly its size so that any read past the end is
 * an AddressSanitizer report.
 *
 * POTNPU_FUZZ_VERBOSE=1 in the environment prints each input's result.
 *
 * Besides crashes and undefined behaviour, the harness checks what the
 * validator promises, walking the stream again with its own code:
 *  - the result and the fault record agree, the error code is known;
 *  - a rejected stream fails at a command boundary: the stream before the
 *    failing command is valid on its own, and the failing command alone
 *    fails with the same error;
 *  - an accepted stream names only known commands of the right length and
 *    no layer command when the device has none; every range FENCE,
 *    TIMESTAMP, COPY, FILL and a layer command touch (inputs, weights,
 *    table, channel records, output, counters) lies inside one BO that
 *    does not wrap 2^64, every written range inside a writable one;
 *  - the firmware's own check (firmware/layer_check.c, linked in) accepts
 *    every layer command the kernel accepts: a job the kernel passes must
 *    not fail on the device for a rule the kernel did not apply; and
 *    conversely a layer the kernel refuses by a layer rule (reserved,
 *    shape, parameter, SRAM) is refused by the firmware too.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/errno.h>
#include <linux/types.h>

#include <potnpu/potnpu_job.h>
#include <potnpu/potnpu_layer.h>

#include "potnpu_validate.h"

/* The firmware's own layer check (firmware/layer_check.c, MIT). */
#include "fw.h"

#define MAX_BOS		7
#define BO_BYTES	17

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * Boundary mode (see LLVMFuzzerTestOneInput): the walk below runs once
 * before validation only to collect the ranges the stream names; broken
 * rules then just stop it.
 */
static int collecting, collect_bad;
static struct {
	uint64_t va;
	unsigned __int128 len;
} ranges[MAX_BOS];
static unsigned int nr_ranges;

static void fail(const char *what, size_t off)
{
	if (collecting) {
		collect_bad = 1;
		return;
	}
	fprintf(stderr, "fuzz_cmd_validate: invariant broken: %s (offset %zu)\n",
		what, off);
	abort();
}

static uint64_t get64(const uint8_t *p)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* Is [va, va + len) inside one BO (writable if @write)? 128-bit sums. */
static int inside(uint64_t va, unsigned __int128 len, int write,
		  const struct potnpu_bo_range *bos, unsigned int nr)
{
	unsigned __int128 end = (unsigned __int128)va + len;
	unsigned int i;

	if (collecting) {
		if (nr_ranges < MAX_BOS) {
			ranges[nr_ranges].va = va;
			ranges[nr_ranges].len = len;
			nr_ranges++;
		}
		return 1;
	}
	for (i = 0; i < nr; i++) {
		unsigned __int128 bo_end = (unsigned __int128)bos[i].va +
					   bos[i].size;

		if (bo_end > (unsigned __int128)UINT64_MAX + 1)
			continue;
		if (va >= bos[i].va && end <= bo_end &&
		    (!write || bos[i].writable))
			return 1;
	}
	return 0;
}

/* The ranges of an accepted layer command, recomputed from its fields. */
static void check_layer(const uint32_t *w, size_t off,
			const struct potnpu_bo_range *bos, unsigned int nr)
{
	struct potnpu_layer_desc d;
	unsigned __int128 in_px, out_px, taps, row;

	struct potnpu_layer_desc fd;
	struct potnpu_layer_plan fp;

	if (!potnpu_layer_decode(w, &d))
		fail("layer with reserved bits accepted", off);
	/* The firmware must run what the kernel lets through. */
	if (!collecting && fw_layer_check(w, &fd, &fp) != FW_LAYER_OK)
		fail("layer the kernel accepts is refused by the firmware", off);
	if (!d.in_h || !d.in_w || !d.in_c || !d.out_h || !d.out_w || !d.out_c)
		fail("layer with an empty dimension accepted", off);
	if (d.in_cstride < d.in_c || d.out_cstride < d.out_c)
		fail("layer with a pixel stride below its channels accepted", off);
	in_px = (unsigned __int128)d.in_h * d.in_w;
	out_px = (unsigned __int128)d.out_h * d.out_w;
	if (!inside(d.in_va, in_px * d.in_cstride, 0, bos, nr))
		fail("layer input outside the BOs", off);
	if (d.op == POTNPU_OP_ADD &&
	    !inside(d.in2_va, in_px * d.in2_cstride, 0, bos, nr))
		fail("ADD's second input outside the BOs", off);
	if (!inside(d.out_va, (out_px - 1) * d.out_cstride + d.out_c, 1, bos,
		    nr))
		fail("layer output outside the writable BOs", off);
	if (d.op == POTNPU_OP_CONV2D) {
		if (!d.groups || d.in_c % d.groups || d.wbits < 2 || d.wbits > 8) {
			fail("CONV2D with bad groups or code width accepted", off);
			return;
		}
		taps = (unsigned __int128)d.kh * d.kw * (d.in_c / d.groups);
		row = (taps * d.wbits + 7) / 8;
		if (!inside(d.weights_va, row * d.out_c, 0, bos, nr))
			fail("CONV2D weights outside the BOs", off);
		if (!inside(d.table_va, (unsigned __int128)4 << d.wbits, 0,
			    bos, nr))
			fail("CONV2D decode table outside the BOs", off);
	}
	if ((d.op == POTNPU_OP_CONV2D || d.op == POTNPU_OP_AVGPOOL ||
	     d.op == POTNPU_OP_REQUANT) &&
	    !inside(d.chan_va, (unsigned __int128)d.out_c * 8, 0, bos, nr))
		fail("layer channel records outside the BOs", off);
	if (d.counters_va &&
	    !inside(d.counters_va, sizeof(struct potnpu_layer_counters), 1,
		    bos, nr))
		fail("layer counters outside the writable BOs", off);
}

/*
 * A layer command the kernel refuses for one of the layer rules (not for
 * a range, an alignment or the header) is refused by the firmware too:
 * the two rule sets are one (docs/firmware.md, "Layer commands"). The
 * firmware takes in_va and out_va 0 (the MMU decides), the kernel does
 * not: such commands are skipped.
 */
static void check_layer_refused(const uint32_t *c, enum potnpu_cmd_error err,
				size_t off)
{
	struct potnpu_layer_desc d;
	struct potnpu_layer_plan p;
	uint32_t op = c[0] & 0xff;

	if (op < POTNPU_OP_LAYER_FIRST || op > POTNPU_OP_LAYER_LAST ||
	    (err != POTNPU_CMD_ERESERVED && err != POTNPU_CMD_ESHAPE &&
	     err != POTNPU_CMD_EPARAM && err != POTNPU_CMD_ESRAM &&
	     err != POTNPU_CMD_EOPCODE))
		return;
	if (err == POTNPU_CMD_EOPCODE) {
		/* Unknown layer opcode: the firmware has no length for it. */
		if (potnpu_cmd_words(op))
			fail("known layer opcode refused as unknown", off);
		return;
	}
	potnpu_layer_decode(c, &d);
	if (!d.in_va || !d.out_va)
		return;
	if (fw_layer_check(c, &d, &p) == FW_LAYER_OK)
		fail("layer the kernel refuses by a layer rule runs on the firmware",
		     off);
}

/* Walk an accepted stream with our own decoding. */
static void check_accepted(const uint32_t *w, size_t nwords, bool layers,
			   const struct potnpu_bo_range *bos, unsigned int nr)
{
	size_t pos = 0;

	while (pos < nwords) {
		uint32_t hdr = w[pos], op = hdr & 0xff, words = hdr >> 16;
		size_t off = pos * 4;
		const uint32_t *c = &w[pos];

		if ((hdr >> 8) & 0xff)
			fail("command with flags accepted", off);
		if (words == 0 || words > nwords - pos ||
		    words != potnpu_cmd_words(op)) {
			fail("command of wrong length or past the end accepted",
			     off);
			return;
		}
		switch (op) {
		case POTNPU_OP_NOP:
			if (words != 1)
				fail("NOP of wrong length accepted", off);
			break;
		case POTNPU_OP_FENCE:
			if (words != 4 || (c[1] & 3) ||
			    !inside(get64((const uint8_t *)&c[1]), 4, 1, bos, nr))
				fail("FENCE outside the writable BOs", off);
			break;
		case POTNPU_OP_TIMESTAMP:
			if (words != 3 || (c[1] & 7) ||
			    !inside(get64((const uint8_t *)&c[1]), 8, 1, bos, nr))
				fail("TIMESTAMP outside the writable BOs", off);
			break;
		case POTNPU_OP_COPY:
			if (words != 6 || !c[5] ||
			    !inside(get64((const uint8_t *)&c[1]), c[5], 0, bos, nr) ||
			    !inside(get64((const uint8_t *)&c[3]), c[5], 1, bos, nr))
				fail("COPY outside the BOs", off);
			break;
		case POTNPU_OP_FILL:
			if (words != 5 || !c[3] ||
			    !inside(get64((const uint8_t *)&c[1]), c[3], 1, bos, nr))
				fail("FILL outside the writable BOs", off);
			break;
		case POTNPU_OP_CONV2D:
		case POTNPU_OP_MAXPOOL:
		case POTNPU_OP_AVGPOOL:
		case POTNPU_OP_ADD:
		case POTNPU_OP_REQUANT:
			if (!layers)
				fail("layer command accepted without layers", off);
			check_layer(c, off, bos, nr);
			break;
		default:
			fail("unknown opcode accepted", off);
			return;
		}
		if (collect_bad)
			return;
		pos += words;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct potnpu_bo_range bos[MAX_BOS];
	struct potnpu_cmd_fault fault, f2;
	unsigned int nr, i;
	const char *msg;
	uint32_t *cmds;
	size_t len;
	bool layers, boundary;
	int ret;

	if (size < 1)
		return 0;
	nr = data[0] & 7;
	boundary = data[0] & 0x40;
	layers = data[0] >> 7;
	if (size < 1 + (size_t)nr * BO_BYTES)
		return 0;
	for (i = 0; i < nr; i++) {
		const uint8_t *b = data + 1 + i * BO_BYTES;

		bos[i].va = get64(b);
		bos[i].size = get64(b + 8);
		bos[i].writable = b[16] & 1;
	}
	data += 1 + nr * BO_BYTES;
	len = size - 1 - nr * BO_BYTES;
	/* Exactly @len bytes (at least one, for a valid pointer). */
	cmds = malloc(len ? len : 1);
	if (!cmds)
		return 0;
	memcpy(cmds, data, len);

	/*
	 * Boundary mode (bit 6 of byte 0): BO i is placed around the i-th
	 * range the stream names, its start moved down by the signed low
	 * byte of the given VA and its end by that of the given size, so
	 * ranges that end a few bytes past a BO (or start before it) are
	 * common, not one in 2^64.
	 */
	if (boundary) {
		collecting = 1;
		collect_bad = 0;
		nr_ranges = 0;
		check_accepted(cmds, len / 4, true, bos, nr);
		collecting = 0;
		for (i = 0; i < nr && i < nr_ranges; i++) {
			int8_t lo = (int8_t)(uint8_t)bos[i].va;
			int8_t hi = (int8_t)(uint8_t)bos[i].size;

			bos[i].va = ranges[i].va - (uint64_t)(int64_t)lo;
			bos[i].size = (uint64_t)ranges[i].len + (uint64_t)(int64_t)lo +
				      (uint64_t)(int64_t)hi;
		}
	}

	memset(&fault, 0xa5, sizeof(fault));
	ret = potnpu_validate_cmds(cmds, len, bos, nr, layers, &fault);
	if (getenv("POTNPU_FUZZ_VERBOSE"))
		fprintf(stderr, "fuzz_cmd_validate: %u BOs, %zu bytes: %s at %u\n",
			nr, len, potnpu_cmd_strerror(fault.error), fault.offset);
	if ((unsigned int)fault.error >= POTNPU_CMD_NR_ERRORS)
		fail("unknown error code", fault.offset);
	msg = potnpu_cmd_strerror(fault.error);
	if (!msg || !strcmp(msg, "unknown error"))
		fail("error code without a description", fault.offset);
	if ((ret == 0) != (fault.error == POTNPU_CMD_OK))
		fail("return value and fault record disagree", fault.offset);
	if (ret && ret != -EINVAL)
		fail("return value neither 0 nor -EINVAL", fault.offset);

	if (!ret) {
		if (fault.offset)
			fail("accepted stream with a fault offset", fault.offset);
		check_accepted(cmds, len / 4, layers, bos, nr);
	} else if (fault.error == POTNPU_CMD_ESTREAM_SIZE) {
		if (len && len <= POTNPU_CMD_MAX_SIZE && !(len % 4))
			fail("good stream size refused", 0);
		if (fault.offset)
			fail("stream size error with an offset", fault.offset);
	} else {
		if (fault.offset % 4 || fault.offset >= len)
			fail("fault offset not a word inside the stream",
			     fault.offset);
		/* Everything before the failing command is valid... */
		if (fault.offset &&
		    potnpu_validate_cmds(cmds, fault.offset, bos, nr, layers, &f2))
			fail("stream before the failing command is not valid",
			     fault.offset);
		/* ...and the failing command fails alone, the same way. */
		potnpu_validate_cmds(cmds + fault.offset / 4, len - fault.offset,
				     bos, nr, layers, &f2);
		if (f2.error != fault.error || f2.offset)
			fail("failing command fails differently alone",
			     fault.offset);
		check_layer_refused(cmds + fault.offset / 4, fault.error,
				    fault.offset);
	}
	free(cmds);
	return 0;
}
