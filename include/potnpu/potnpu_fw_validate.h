/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * Validation of potnpu firmware images, written once and compiled both into
 * the kernel driver and into the userspace image tool, so the two can never
 * disagree about what a good image is. Pure functions: no allocation, no
 * I/O, every read bounded by the size passed in.
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

static inline const char *potnpu_fw_strerror(enum potnpu_fw_error err)
{
	static const char *const msg[POTNPU_FW_NUM_ERRORS] = {
		[POTNPU_FW_OK] = "valid",
		[POTNPU_FW_ETRUNC] = "truncated: shorter than the 64-byte header",
		[POTNPU_FW_EMAGIC] = "bad magic: not a potnpu firmware image",
		[POTNPU_FW_EFORMAT] = "unsupported image format major version",
		[POTNPU_FW_EHDRSIZE] = "unexpected header size",
		[POTNPU_FW_EHDRCRC] = "header checksum mismatch",
		[POTNPU_FW_ERESERVED] = "non-zero flags or reserved header fields",
		[POTNPU_FW_ESIZE] = "payload size invalid or not matching the file size",
		[POTNPU_FW_ELOAD] = "payload does not fit the control core memory",
		[POTNPU_FW_EENTRY] = "entry point unaligned or outside the payload",
		[POTNPU_FW_EPAYLOADCRC] = "payload checksum mismatch",
		[POTNPU_FW_EABI] = "incompatible host interface (ABI) major version",
	};

	if ((unsigned int)err >= POTNPU_FW_NUM_ERRORS)
		return "unknown error";
	return msg[err];
}

/* Bitwise CRC-32 (IEEE): small and table-free; images are at most 64 KiB. */
static inline __u32 potnpu_fw_crc32(__u32 crc, const __u8 *p, __u32 len)
{
	__u32 i;
	int bit;

	crc = ~crc;
	for (i = 0; i < len; i++) {
		crc ^= p[i];
		for (bit = 0; bit < 8; bit++)
			crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
	}
	return ~crc;
}

static inline __u32 potnpu_fw_get_le32(const __u8 *p)
{
	return (__u32)p[0] | (__u32)p[1] << 8 | (__u32)p[2] << 16 |
	       (__u32)p[3] << 24;
}

static inline __u32 potnpu_fw_get_le16(const __u8 *p)
{
	return (__u32)p[0] | (__u32)p[1] << 8;
}

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

/* CRC of the header with the header_crc32 field read as zero. */
static inline __u32 potnpu_fw_header_crc(const __u8 *hdr)
{
	static const __u8 zero[4];
	__u32 crc;

	crc = potnpu_fw_crc32(0, hdr, POTNPU_FW_OFF_HEADER_CRC);
	crc = potnpu_fw_crc32(crc, zero, sizeof(zero));
	return potnpu_fw_crc32(crc, hdr + POTNPU_FW_OFF_RESERVED,
			       POTNPU_FW_HEADER_SIZE - POTNPU_FW_OFF_RESERVED);
}

static inline enum potnpu_fw_error
potnpu_fw_check_layout(__u32 load, __u32 entry, __u32 payload, __u64 size)
{
	if (!payload || payload % 4 || payload > POTNPU_FW_MAX_PAYLOAD ||
	    size != (__u64)POTNPU_FW_HEADER_SIZE + payload)
		return POTNPU_FW_ESIZE;
	/*
	 * 64-bit sums: load + payload cannot wrap. IMEM starts at 0, so only
	 * the upper bound needs checking.
	 */
	if (load % 4 || (__u64)load + payload >
	    (__u64)POTNPU_CORE_IMEM_BASE + POTNPU_CORE_IMEM_SIZE)
		return POTNPU_FW_ELOAD;
	if (entry % 4 || entry < load || (__u64)entry >= (__u64)load + payload)
		return POTNPU_FW_EENTRY;
	return POTNPU_FW_OK;
}

/**
 * potnpu_fw_validate() - check a firmware image
 * @data: the whole image file
 * @size: its size in bytes
 * @info: filled in when the image is valid (may be NULL)
 *
 * Return: POTNPU_FW_OK or the first rule the image breaks.
 */
static inline enum potnpu_fw_error
potnpu_fw_validate(const void *data, __u64 size, struct potnpu_fw_info *info)
{
	const __u8 *p = (const __u8 *)data;
	__u32 payload, load, entry, abi, i;
	enum potnpu_fw_error err;

	if (size < POTNPU_FW_HEADER_SIZE)
		return POTNPU_FW_ETRUNC;
	if (potnpu_fw_get_le32(p + POTNPU_FW_OFF_MAGIC) != POTNPU_FW_MAGIC)
		return POTNPU_FW_EMAGIC;
	if (potnpu_fw_get_le16(p + POTNPU_FW_OFF_FORMAT_MAJOR) !=
	    POTNPU_FW_FORMAT_MAJOR)
		return POTNPU_FW_EFORMAT;
	if (potnpu_fw_get_le32(p + POTNPU_FW_OFF_HEADER_SIZE) !=
	    POTNPU_FW_HEADER_SIZE)
		return POTNPU_FW_EHDRSIZE;
	if (potnpu_fw_get_le32(p + POTNPU_FW_OFF_HEADER_CRC) !=
	    potnpu_fw_header_crc(p))
		return POTNPU_FW_EHDRCRC;
	if (potnpu_fw_get_le32(p + POTNPU_FW_OFF_FLAGS))
		return POTNPU_FW_ERESERVED;
	for (i = POTNPU_FW_OFF_RESERVED; i < POTNPU_FW_HEADER_SIZE; i++)
		if (p[i])
			return POTNPU_FW_ERESERVED;

	payload = potnpu_fw_get_le32(p + POTNPU_FW_OFF_PAYLOAD_SIZE);
	load = potnpu_fw_get_le32(p + POTNPU_FW_OFF_LOAD_ADDR);
	entry = potnpu_fw_get_le32(p + POTNPU_FW_OFF_ENTRY);
	err = potnpu_fw_check_layout(load, entry, payload, size);
	if (err)
		return err;
	if (potnpu_fw_get_le32(p + POTNPU_FW_OFF_PAYLOAD_CRC) !=
	    potnpu_fw_crc32(0, p + POTNPU_FW_HEADER_SIZE, payload))
		return POTNPU_FW_EPAYLOADCRC;
	abi = potnpu_fw_get_le32(p + POTNPU_FW_OFF_ABI_VERSION);
	if (POTNPU_FW_VER_MAJOR(abi) != POTNPU_FW_VER_MAJOR(POTNPU_FW_ABI_VERSION))
		return POTNPU_FW_EABI;

	if (info) {
		info->fw_version = potnpu_fw_get_le32(p + POTNPU_FW_OFF_FW_VERSION);
		info->abi_version = abi;
		info->load_addr = load;
		info->entry = entry;
		info->payload_size = payload;
		info->payload_offset = POTNPU_FW_HEADER_SIZE;
	}
	return POTNPU_FW_OK;
}

#endif /* POTNPU_FW_VALIDATE_H */
