// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * Validation of potnpu firmware images (declarations and the field
 * offsets in potnpu_fw_validate.h, the format and its rules in
 * potnpu_fw_image.h). One source for every build: the kernel module
 * compiles it through kernel/potnpu_fw_validate.c, userspace directly.
 * Only the CRC-32 differs: the kernel's lib/crc32 in the kernel, a
 * bitwise one here otherwise.
 */

#ifdef __KERNEL__
#include <linux/crc32.h>
#endif

#include "potnpu_fw_validate.h"

/**
 * potnpu_fw_strerror() - what a validation result means
 * @err: a result of potnpu_fw_validate()
 *
 * Return: a constant sentence, "unknown error" for a value out of range.
 */
const char *potnpu_fw_strerror(enum potnpu_fw_error err)
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

#ifdef __KERNEL__
/**
 * potnpu_fw_crc32() - CRC-32 (IEEE) of a buffer, continuing a previous one
 * @crc: CRC of the bytes before @p, 0 to start
 * @p: bytes
 * @len: their number
 *
 * Return: the CRC of everything so far.
 */
__u32 potnpu_fw_crc32(__u32 crc, const __u8 *p, __u32 len)
{
	return ~crc32_le(~crc, p, len);
}
#else
/* The same CRC bit by bit: small and table-free; images are <= 64 KiB. */
__u32 potnpu_fw_crc32(__u32 crc, const __u8 *p, __u32 len)
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
#endif

/**
 * potnpu_fw_get_le32() - read a little-endian 32-bit field
 * @p: its first byte
 *
 * Return: the value.
 */
__u32 potnpu_fw_get_le32(const __u8 *p)
{
	return (__u32)p[0] | (__u32)p[1] << 8 | (__u32)p[2] << 16 |
	       (__u32)p[3] << 24;
}

/**
 * potnpu_fw_get_le16() - read a little-endian 16-bit field
 * @p: its first byte
 *
 * Return: the value.
 */
__u32 potnpu_fw_get_le16(const __u8 *p)
{
	return (__u32)p[0] | (__u32)p[1] << 8;
}

/**
 * potnpu_fw_header_crc() - the header CRC an image must carry
 * @hdr: the POTNPU_FW_HEADER_SIZE bytes of the header
 *
 * Return: the CRC of the header with the header_crc32 field read as zero.
 */
__u32 potnpu_fw_header_crc(const __u8 *hdr)
{
	static const __u8 zero[4];
	__u32 crc;

	crc = potnpu_fw_crc32(0, hdr, POTNPU_FW_OFF_HEADER_CRC);
	crc = potnpu_fw_crc32(crc, zero, sizeof(zero));
	return potnpu_fw_crc32(crc, hdr + POTNPU_FW_OFF_RESERVED,
			       POTNPU_FW_HEADER_SIZE - POTNPU_FW_OFF_RESERVED);
}

/**
 * potnpu_fw_check_layout() - the size, load address and entry rules
 * @load: load_addr
 * @entry: entry
 * @payload: payload_size
 * @size: size of the whole image file
 *
 * Return: POTNPU_FW_OK, POTNPU_FW_ESIZE, POTNPU_FW_ELOAD or
 * POTNPU_FW_EENTRY, in that order.
 */
enum potnpu_fw_error potnpu_fw_check_layout(__u32 load, __u32 entry,
					    __u32 payload, __u64 size)
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
enum potnpu_fw_error potnpu_fw_validate(const void *data, __u64 size,
					struct potnpu_fw_info *info)
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
