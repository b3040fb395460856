// SPDX-License-Identifier: GPL-2.0-only
/*
 * potnpu DRM accel driver: command stream validation.
 *
 * Pure functions, no device access: every command of a job's stream is
 * checked before the job reaches the device. The header must name a known
 * opcode with its exact length and no flags, the operands must make sense
 * (sizes, alignment) and every range the command reads or writes must lie
 * entirely inside one buffer object of the job, writes only in writable
 * ones. The device MMU enforces the address space again; this is the first
 * line of defence, and the one that gives userspace a precise error.
 */

#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/overflow.h>

#include <potnpu/potnpu_job.h>

#include "potnpu_validate.h"

static const char * const potnpu_cmd_errors[POTNPU_CMD_NR_ERRORS] = {
	[POTNPU_CMD_OK] = "valid",
	[POTNPU_CMD_ESTREAM_SIZE] = "stream size not a multiple of 4 in 4..POTNPU_CMD_MAX_SIZE",
	[POTNPU_CMD_EOPCODE] = "unknown opcode",
	[POTNPU_CMD_ELAYER] = "layer commands are not supported by this device",
	[POTNPU_CMD_EFLAGS] = "non-zero flags",
	[POTNPU_CMD_ELENGTH] = "wrong command length",
	[POTNPU_CMD_ETRUNCATED] = "command runs past the end of the stream",
	[POTNPU_CMD_ESIZE] = "zero size",
	[POTNPU_CMD_EALIGN] = "misaligned address",
	[POTNPU_CMD_EOVERFLOW] = "address range wraps around",
	[POTNPU_CMD_ERANGE] = "address range outside the job's buffer objects",
	[POTNPU_CMD_EREADONLY] = "write to a read-only buffer object",
	[POTNPU_CMD_ERESERVED] = "reserved field of a layer command not zero",
	[POTNPU_CMD_ESHAPE] = "layer shape out of limits or output shape wrong",
	[POTNPU_CMD_EPARAM] = "layer parameter out of range or field misused",
	[POTNPU_CMD_ESRAM] = "layer does not fit the engine's SRAM",
};

/**
 * potnpu_cmd_strerror() - describe a validation error
 * @error: the code
 *
 * Return: a static string, "unknown error" for codes out of range.
 */
const char *potnpu_cmd_strerror(enum potnpu_cmd_error error)
{
	if ((unsigned int)error >= ARRAY_SIZE(potnpu_cmd_errors))
		return "unknown error";
	return potnpu_cmd_errors[error];
}

static u64 potnpu_cmd_u64(const __le32 *w)
{
	return (u64)le32_to_cpu(w[1]) << 32 | le32_to_cpu(w[0]);
}

/**
 * potnpu_check_range() - a range the device reads or writes
 * @va: first byte
 * @size: bytes
 * @write: the device writes it
 * @bos: the job's BOs
 * @nr_bos: entries in @bos
 *
 * [va, va + size) must be inside one BO, and writable if @write. BOs of a
 * job never overlap in the VA space, so a range that spans two adjacent
 * BOs is inside neither and is rejected.
 *
 * Return: POTNPU_CMD_OK, EOVERFLOW, EREADONLY or ERANGE.
 */
enum potnpu_cmd_error potnpu_check_range(u64 va, u64 size, bool write,
					 const struct potnpu_bo_range *bos,
					 unsigned int nr_bos)
{
	unsigned int i;
	u64 end, bo_end;

	if (check_add_overflow(va, size, &end))
		return POTNPU_CMD_EOVERFLOW;

	for (i = 0; i < nr_bos; i++) {
		if (check_add_overflow(bos[i].va, bos[i].size, &bo_end))
			continue;
		if (va < bos[i].va || end > bo_end)
			continue;
		if (write && !bos[i].writable)
			return POTNPU_CMD_EREADONLY;
		return POTNPU_CMD_OK;
	}
	return POTNPU_CMD_ERANGE;
}

/* Operands of one command whose header has been checked. */
static enum potnpu_cmd_error
potnpu_check_operands(u8 op, const __le32 *w,
		      const struct potnpu_bo_range *bos, unsigned int nr_bos)
{
	enum potnpu_cmd_error err;
	u64 src, dst;
	u32 size;

	switch (op) {
	case POTNPU_OP_NOP:
		return POTNPU_CMD_OK;
	case POTNPU_OP_FENCE:
		dst = potnpu_cmd_u64(&w[1]);
		if (!IS_ALIGNED(dst, 4))
			return POTNPU_CMD_EALIGN;
		return potnpu_check_range(dst, 4, true, bos, nr_bos);
	case POTNPU_OP_TIMESTAMP:
		dst = potnpu_cmd_u64(&w[1]);
		if (!IS_ALIGNED(dst, 8))
			return POTNPU_CMD_EALIGN;
		return potnpu_check_range(dst, 8, true, bos, nr_bos);
	case POTNPU_OP_COPY:
		src = potnpu_cmd_u64(&w[1]);
		dst = potnpu_cmd_u64(&w[3]);
		size = le32_to_cpu(w[5]);
		if (!size)
			return POTNPU_CMD_ESIZE;
		err = potnpu_check_range(src, size, false, bos, nr_bos);
		if (err)
			return err;
		return potnpu_check_range(dst, size, true, bos, nr_bos);
	case POTNPU_OP_FILL:
		dst = potnpu_cmd_u64(&w[1]);
		size = le32_to_cpu(w[3]);
		if (!size)
			return POTNPU_CMD_ESIZE;
		return potnpu_check_range(dst, size, true, bos, nr_bos);
	}
	if (op >= POTNPU_OP_LAYER_FIRST && op <= POTNPU_OP_LAYER_LAST)
		return potnpu_check_layer(w, bos, nr_bos);
	return POTNPU_CMD_EOPCODE;
}

/* Header of the command at word @pos of a stream of @nwords words. */
static enum potnpu_cmd_error potnpu_check_header(u32 hdr, size_t pos,
						 size_t nwords, bool layers)
{
	u8 op = POTNPU_CMD_OP(hdr);
	u32 words = POTNPU_CMD_WORDS(hdr);

	if (op >= POTNPU_OP_LAYER_FIRST && op <= POTNPU_OP_LAYER_LAST &&
	    !layers)
		return POTNPU_CMD_ELAYER;
	if (!potnpu_cmd_words(op))
		return POTNPU_CMD_EOPCODE;
	if (POTNPU_CMD_FLAGS(hdr))
		return POTNPU_CMD_EFLAGS;
	if (words != potnpu_cmd_words(op))
		return POTNPU_CMD_ELENGTH;
	if (words > nwords - pos)
		return POTNPU_CMD_ETRUNCATED;
	return POTNPU_CMD_OK;
}

/**
 * potnpu_validate_cmds() - check a command stream against a job's BOs
 * @cmds: the stream, little-endian words
 * @size: its size in bytes
 * @bos: the job's buffer objects (VA ranges that do not overlap)
 * @nr_bos: number of entries in @bos
 * @layers: the device runs layer commands (DRM_POTNPU_CAP_MODEL_EXEC)
 * @fault: on failure, the error and the byte offset of the command
 *
 * Rules, in the order they are checked for each command:
 *  - the stream: @size a multiple of 4, 4..POTNPU_CMD_MAX_SIZE;
 *  - the header: a layer command (0x10-0x7f) only with @layers, the
 *    opcode known, flags zero, length exactly the opcode's, the whole
 *    command inside the stream;
 *  - the operands: sizes >= 1, FENCE's address 4-byte and TIMESTAMP's
 *    8-byte aligned, address + size without 64-bit overflow, every range
 *    entirely inside one BO of @bos, destinations writable; a layer
 *    command's fields as potnpu_check_layer() says.
 *
 * Return: 0 when the whole stream is valid, -EINVAL otherwise.
 */
int potnpu_validate_cmds(const __le32 *cmds, size_t size,
			 const struct potnpu_bo_range *bos, unsigned int nr_bos,
			 bool layers, struct potnpu_cmd_fault *fault)
{
	enum potnpu_cmd_error err = POTNPU_CMD_OK;
	size_t pos = 0, nwords;
	u32 hdr;

	if (!size || size > POTNPU_CMD_MAX_SIZE || !IS_ALIGNED(size, 4)) {
		err = POTNPU_CMD_ESTREAM_SIZE;
		goto out;
	}

	nwords = size / 4;
	while (pos < nwords) {
		hdr = le32_to_cpu(cmds[pos]);
		err = potnpu_check_header(hdr, pos, nwords, layers);
		if (!err)
			err = potnpu_check_operands(POTNPU_CMD_OP(hdr),
						    &cmds[pos], bos, nr_bos);
		if (err)
			break;
		pos += POTNPU_CMD_WORDS(hdr);
	}
out:
	fault->error = err;
	fault->offset = err ? pos * 4 : 0;
	return err ? -EINVAL : 0;
}
