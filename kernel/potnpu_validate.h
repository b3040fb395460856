/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * potnpu DRM accel driver: command stream validation.
 */
#ifndef __POTNPU_VALIDATE_H__
#define __POTNPU_VALIDATE_H__

#include <linux/types.h>

/**
 * struct potnpu_bo_range - one buffer object of a job, as the validator
 *	sees it
 * @va: device VA of the first byte
 * @size: size in bytes
 * @writable: the device may write it (destination of FENCE, TIMESTAMP,
 *	COPY, FILL and a layer's output and counters)
 */
struct potnpu_bo_range {
	u64 va;
	u64 size;
	bool writable;
};

/**
 * enum potnpu_cmd_error - why a command stream was rejected
 * @POTNPU_CMD_OK: valid
 * @POTNPU_CMD_ESTREAM_SIZE: stream size 0, not a multiple of 4, or larger
 *	than POTNPU_CMD_MAX_SIZE
 * @POTNPU_CMD_EOPCODE: unknown opcode
 * @POTNPU_CMD_ELAYER: layer command (0x10-0x7f) on a device that cannot run
 *	layers
 * @POTNPU_CMD_EFLAGS: non-zero flags in the header
 * @POTNPU_CMD_ELENGTH: length field differs from the opcode's length
 * @POTNPU_CMD_ETRUNCATED: the command runs past the end of the stream
 * @POTNPU_CMD_ESIZE: size operand is zero
 * @POTNPU_CMD_EALIGN: address operand misaligned for the command
 * @POTNPU_CMD_EOVERFLOW: address + size wraps around 64 bits
 * @POTNPU_CMD_ERANGE: range not entirely inside one buffer object of the job
 * @POTNPU_CMD_EREADONLY: destination range in a read-only buffer object
 * @POTNPU_CMD_ERESERVED: a reserved field of a layer command is not zero
 * @POTNPU_CMD_ESHAPE: a layer's tensor shape is out of limits or breaks
 *	the output shape rule
 * @POTNPU_CMD_EPARAM: a layer parameter is out of range, or a field the op
 *	needs is missing or one it does not take is set
 * @POTNPU_CMD_ESRAM: the layer does not fit the engine's SRAM
 * @POTNPU_CMD_NR_ERRORS: number of codes
 */
enum potnpu_cmd_error {
	POTNPU_CMD_OK = 0,
	POTNPU_CMD_ESTREAM_SIZE,
	POTNPU_CMD_EOPCODE,
	POTNPU_CMD_ELAYER,
	POTNPU_CMD_EFLAGS,
	POTNPU_CMD_ELENGTH,
	POTNPU_CMD_ETRUNCATED,
	POTNPU_CMD_ESIZE,
	POTNPU_CMD_EALIGN,
	POTNPU_CMD_EOVERFLOW,
	POTNPU_CMD_ERANGE,
	POTNPU_CMD_EREADONLY,
	POTNPU_CMD_ERESERVED,
	POTNPU_CMD_ESHAPE,
	POTNPU_CMD_EPARAM,
	POTNPU_CMD_ESRAM,
	POTNPU_CMD_NR_ERRORS,
};

/**
 * struct potnpu_cmd_fault - where and why validation failed
 * @error: the rule broken, POTNPU_CMD_OK on success
 * @offset: byte offset in the stream of the offending command (0 for
 *	stream-level errors)
 */
struct potnpu_cmd_fault {
	enum potnpu_cmd_error error;
	u32 offset;
};

int potnpu_validate_cmds(const __le32 *cmds, size_t size,
			 const struct potnpu_bo_range *bos, unsigned int nr_bos,
			 bool layers, struct potnpu_cmd_fault *fault);
enum potnpu_cmd_error potnpu_check_range(u64 va, u64 size, bool write,
					 const struct potnpu_bo_range *bos,
					 unsigned int nr_bos);
enum potnpu_cmd_error potnpu_check_layer(const __le32 *w,
					 const struct potnpu_bo_range *bos,
					 unsigned int nr_bos);
const char *potnpu_cmd_strerror(enum potnpu_cmd_error error);

#endif /* __POTNPU_VALIDATE_H__ */
