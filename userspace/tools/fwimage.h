/* SPDX-License-Identifier: MIT */
/*
 * Building and reading potnpu firmware images (include/potnpu/
 * potnpu_fw_image.h). Validation is the shared potnpu_fw_validate(); this
 * module only writes headers and parses the tool's arguments.
 */
#ifndef POTNPU_TOOLS_FWIMAGE_H
#define POTNPU_TOOLS_FWIMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "potnpu_fw_validate.h"

struct fwimg_pack_params {
	uint32_t fw_version;	/* POTNPU_FW_VER() packing */
	uint32_t abi_version;	/* POTNPU_FW_VER() packing */
	uint32_t load_addr;
	uint32_t entry;
};

/* Little-endian field access at a header offset. */
uint32_t fwimg_get32(const uint8_t *img, size_t off);
uint32_t fwimg_get16(const uint8_t *img, size_t off);
void fwimg_put32(uint8_t *img, size_t off, uint32_t v);
void fwimg_put16(uint8_t *img, size_t off, uint16_t v);

/* Offset of a struct potnpu_fw_header field. */
#define FWIMG_OFF(field) offsetof(struct potnpu_fw_header, field)

/* Recompute header_crc32 of the 64-byte header at @img in place. */
void fwimg_seal_header(uint8_t *img);

/*
 * fwimg_pack() - build an image from a raw payload
 *
 * The payload is zero-padded to a multiple of 4 bytes. The image is
 * validated with potnpu_fw_validate() before it is returned, so a pack
 * never produces an image the driver would reject.
 *
 * Return: 0 with *imgp (malloc'd) and *img_len set; -EINVAL for an empty
 * payload, -EFBIG for one larger than POTNPU_FW_MAX_PAYLOAD, -EDOM when
 * the result does not validate (*verr tells why), -ENOMEM.
 */
int fwimg_pack(const void *payload, size_t len,
	       const struct fwimg_pack_params *p, uint8_t **imgp,
	       size_t *img_len, enum potnpu_fw_error *verr);

/*
 * fwimg_parse_version() - "MAJOR.MINOR.PATCH" to POTNPU_FW_VER() packing
 *
 * Decimal, no sign, no spaces, no leading zeros, exactly three parts;
 * MAJOR and MINOR 0-255, PATCH 0-65535. Return: 0 or -EINVAL.
 */
int fwimg_parse_version(const char *s, uint32_t *out);

/* "MAJOR.MINOR.PATCH" of a packed version. Return: @buf. */
const char *fwimg_format_version(uint32_t v, char *buf, size_t len);

/*
 * fwimg_parse_u32() - an address: decimal or 0x-prefixed hexadecimal,
 * no sign, no trailing characters, at most 0xffffffff. Return: 0 or
 * -EINVAL.
 */
int fwimg_parse_u32(const char *s, uint32_t *out);

/*
 * fwimg_read_file() - read an image for validation
 *
 * Reads at most POTNPU_FW_HEADER_SIZE + POTNPU_FW_MAX_PAYLOAD bytes
 * (enough for any valid image) into *datap and reports the full size of
 * the file in *file_size, which is what potnpu_fw_validate() must be given:
 * the validator never reads past header + payload_size, and rejects a
 * size mismatch before reading the payload.
 * Return: 0 or a negative errno.
 */
int fwimg_read_file(const char *path, uint8_t **datap, size_t *len,
		    uint64_t *file_size);

#endif /* POTNPU_TOOLS_FWIMAGE_H */
