/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * potnpu firmware image format: a 64-byte little-endian header followed by
 * the raw RV32I payload that is copied to the control core's memory at
 * load_addr. Shared by the kernel driver (which validates images before
 * using them), the image tool that writes them and the host tests.
 * docs/firmware-image.md is the prose version of this header.
 *
 * Validation rules (all must hold, checked in this order):
 *  - the file is at least POTNPU_FW_HEADER_SIZE bytes;
 *  - magic == POTNPU_FW_MAGIC;
 *  - format_major == POTNPU_FW_FORMAT_MAJOR (minor may be newer);
 *  - header_size == POTNPU_FW_HEADER_SIZE;
 *  - header_crc32 matches the header with header_crc32 read as zero;
 *  - flags and reserved are zero;
 *  - payload_size > 0, a multiple of 4, <= POTNPU_FW_MAX_PAYLOAD, and the
 *    file holds exactly header_size + payload_size bytes;
 *  - load_addr is 4-byte aligned and [load_addr, load_addr + payload_size)
 *    lies inside the control core's instruction memory;
 *  - entry is 4-byte aligned and inside the loaded payload;
 *  - payload_crc32 matches the payload.
 * CRC-32 is the IEEE 802.3 polynomial (reflected 0xedb88320, initial value
 * and final xor 0xffffffff), the one zlib and the kernel's crc32_le() with
 * ~0 seed and final inversion compute.
 */
#ifndef POTNPU_FW_IMAGE_H
#define POTNPU_FW_IMAGE_H

#include <linux/types.h>
#include "potnpu_core.h"

#define POTNPU_FW_MAGIC			0x57464e50	/* "PNFW" */
#define POTNPU_FW_FORMAT_MAJOR		1
#define POTNPU_FW_FORMAT_MINOR		0
#define POTNPU_FW_HEADER_SIZE		64

/* The payload goes to the control core's instruction memory. */
#define POTNPU_FW_MAX_PAYLOAD		POTNPU_CORE_IMEM_SIZE

/* fw_version and abi_version pack major.minor.patch as 8.8.16 bits. */
#define POTNPU_FW_VER(maj, min, patch) \
	(((__u32)(maj) << 24) | ((__u32)(min) << 16) | (__u32)(patch))
#define POTNPU_FW_VER_MAJOR(v)		(((v) >> 24) & 0xff)
#define POTNPU_FW_VER_MINOR(v)		(((v) >> 16) & 0xff)
#define POTNPU_FW_VER_PATCH(v)		((v) & 0xffff)

/*
 * Host<->firmware interface version this tree's driver and firmware speak.
 * The driver accepts images whose abi_version has the same major. Major 1:
 * the host writes CQ_HEAD and names the job it aborts in H2F_ARG (host
 * interface 1.2); and a host that never wrote HOST_ABI (0, major 0) is
 * refused by the firmware (FW_ERR_ABI) instead of being taken for one.
 */
#define POTNPU_FW_ABI_VERSION		POTNPU_FW_VER(1, 0, 0)

/**
 * struct potnpu_fw_header - header of a potnpu firmware image
 * @magic: POTNPU_FW_MAGIC
 * @format_major: image format major version; readers reject other majors
 * @format_minor: image format minor version; newer minors stay readable
 * @header_size: POTNPU_FW_HEADER_SIZE
 * @flags: must be zero
 * @fw_version: firmware release, POTNPU_FW_VER()
 * @abi_version: host<->firmware interface version the firmware speaks
 * @load_addr: core address the payload is copied to
 * @entry: core address execution starts at
 * @payload_size: payload bytes following the header
 * @payload_crc32: CRC-32 of the payload
 * @header_crc32: CRC-32 of these 64 bytes with this field taken as zero
 * @reserved: must be zero
 */
struct potnpu_fw_header {
	__le32 magic;
	__le16 format_major;
	__le16 format_minor;
	__le32 header_size;
	__le32 flags;
	__le32 fw_version;
	__le32 abi_version;
	__le32 load_addr;
	__le32 entry;
	__le32 payload_size;
	__le32 payload_crc32;
	__le32 header_crc32;
	__le32 reserved[5];
};

#endif /* POTNPU_FW_IMAGE_H */
