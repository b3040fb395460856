/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * Validation of potnpu firmware images: the declarations. The code is
 * potnpu_fw_validate.c beside this header, written once and compiled once
 * into the kernel driver (kernel/potnpu_fw_validate.c) and once into each
 * userspace program that checks images (the image tool and its tests, the
 * guest selftests), so they can never disagree about what a good image
 * is. Pure functions: no allocation, no I/O, every read bounded by the
 * size passed in.
 *
 * The rules are listed in potnpu_fw_image.h.
 */
#ifndef POTNPU_FW_VALIDATE_H
#define POTNPU_FW_VALIDATE_H

#include <linux/types.h>
#include "potnpu_fw_image.h"

/**
 * enum potnpu_fw_error - why an image was rejected
 * @POTNPU_FW_OK: the image is valid
 * @POTNPU_FW_ETRUNC: shorter than the header
 * @POTNPU_FW_EMAGIC: bad magic
 * @POTNPU_FW_EFORMAT: unsupported format major version
 * @POTNPU_FW_EHDRSIZE: unexpected header size
 * @POTNPU_FW_EHDRCRC: header checksum mismatch
 * @POTNPU_FW_ERESERVED: non-zero flags or reserved fields
 * @POTNPU_FW_ESIZE: payload size zero, unaligned, too large or not matching
 *	the file size
 * @POTNPU_FW_ELOAD: payload does not fit the control core's memory
 * @POTNPU_FW_EENTRY: entry point unaligned or outside the payload
 * @POTNPU_FW_EPAYLOADCRC: payload checksum mismatch
 * @POTNPU_FW_EABI: firmware speaks an incompatible host interface major
 * @POTNPU_FW_NUM_ERRORS: number of codes
 */
enum potnpu_fw_error {
	POTNPU_FW_OK = 0,
	POTNPU_FW_ETRUNC,
	POTNPU_FW_EMAGIC,
	POTNPU_FW_EFORMAT,
	POTNPU_FW_EHDRSIZE,
	POTNPU_FW_EHDRCRC,
	POTNPU_FW_ERESERVED,
	POTNPU_FW_ESIZE,
	POTNPU_FW_ELOAD,
	POTNPU_FW_EENTRY,
	POTNPU_FW_EPAYLOADCRC,
	POTNPU_FW_EABI,
	POTNPU_FW_NUM_ERRORS
};

/**
 * struct potnpu_fw_info - decoded header of a valid image
 * @fw_version: firmware release
 * @abi_version: host<->firmware interface version
 * @load_addr: core address of the payload
 * @entry: core address of the first instruction
 * @payload_size: payload bytes
 * @payload_offset: offset of the payload in the image
 */
struct potnpu_fw_info {
	__u32 fw_version;
	__u32 abi_version;
	__u32 load_addr;
	__u32 entry;
	__u32 payload_size;
	__u32 payload_offset;
};

/* Field offsets, matching struct potnpu_fw_header. */
#define POTNPU_FW_OFF_MAGIC		0
#define POTNPU_FW_OFF_FORMAT_MAJOR	4
#define POTNPU_FW_OFF_HEADER_SIZE	8
#define POTNPU_FW_OFF_FLAGS		12
#define POTNPU_FW_OFF_FW_VERSION	16
#define POTNPU_FW_OFF_ABI_VERSION	20
#define POTNPU_FW_OFF_LOAD_ADDR		24
#define POTNPU_FW_OFF_ENTRY		28
#define POTNPU_FW_OFF_PAYLOAD_SIZE	32
#define POTNPU_FW_OFF_PAYLOAD_CRC	36
#define POTNPU_FW_OFF_HEADER_CRC	40
#define POTNPU_FW_OFF_RESERVED		44

/* Implemented in potnpu_fw_validate.c. */

const char *potnpu_fw_strerror(enum potnpu_fw_error err);

/*
 * CRC-32 (IEEE, see potnpu_fw_image.h) of @len bytes at @p, continuing
 * @crc (0 to start): crc32(crc32(0, a), b) is the CRC of a then b. The
 * kernel module computes it with lib/crc32, userspace bit by bit.
 */
__u32 potnpu_fw_crc32(__u32 crc, const __u8 *p, __u32 len);

__u32 potnpu_fw_get_le32(const __u8 *p);
__u32 potnpu_fw_get_le16(const __u8 *p);

/* CRC of the 64-byte header at @hdr with the header_crc32 field as zero. */
__u32 potnpu_fw_header_crc(const __u8 *hdr);

/*
 * The size and address rules (ESIZE, ELOAD, EENTRY) on decoded fields;
 * @size is the whole file's.
 */
enum potnpu_fw_error potnpu_fw_check_layout(__u32 load, __u32 entry,
					    __u32 payload, __u64 size);

enum potnpu_fw_error potnpu_fw_validate(const void *data, __u64 size,
					struct potnpu_fw_info *info);

#endif /* POTNPU_FW_VALIDATE_H */
