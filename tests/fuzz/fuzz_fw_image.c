// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * libFuzzer target: the firmware image validator
 * (include/potnpu/potnpu_fw_validate.c, its userspace build with the
 * bitwise CRC-32), the code the kernel runs on every image it loads.
 *
 * Input: byte 0 says which checksums the harness repairs before the call
 * (bit 0: header_crc32, bit 1: payload_crc32 over what follows the header,
 * as far as payload_size says and the input holds), so mutations reach
 * the rules behind the checksums; the rest is the image, copied to a
 * buffer of exactly its size.
 *
 * The result is compared with a reference model of the rules of
 * potnpu_fw_image.h written here from the format description, with its
 * own table-driven CRC-32: any disagreement, or an accepted image whose
 * decoded info breaks a rule, aborts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "potnpu_fw_validate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint32_t crc_table[256];

static uint32_t ref_crc(const uint8_t *p, size_t len)
{
	uint32_t crc = 0xffffffffu;
	size_t i;

	if (!crc_table[1]) {
		for (i = 0; i < 256; i++) {
			uint32_t c = (uint32_t)i;
			int k;

			for (k = 0; k < 8; k++)
				c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
			crc_table[i] = c;
		}
	}
	for (i = 0; i < len; i++)
		crc = crc_table[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
	return ~crc;
}

static uint32_t le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static uint32_t ref_header_crc(const uint8_t *p)
{
	uint8_t h[64];

	memcpy(h, p, 64);
	put32(h + 40, 0);
	return ref_crc(h, 64);
}

/* The rules of potnpu_fw_image.h, in their order. */
static enum potnpu_fw_error ref_validate(const uint8_t *p, size_t size)
{
	uint32_t payload, load, entry;
	size_t i;

	if (size < 64)
		return POTNPU_FW_ETRUNC;
	if (le32(p) != 0x57464e50u)
		return POTNPU_FW_EMAGIC;
	if ((p[4] | p[5] << 8) != 1)
		return POTNPU_FW_EFORMAT;
	if (le32(p + 8) != 64)
		return POTNPU_FW_EHDRSIZE;
	if (le32(p + 40) != ref_header_crc(p))
		return POTNPU_FW_EHDRCRC;
	if (le32(p + 12))
		return POTNPU_FW_ERESERVED;
	for (i = 44; i < 64; i++)
		if (p[i])
			return POTNPU_FW_ERESERVED;
	payload = le32(p + 32);
	load = le32(p + 24);
	entry = le32(p + 28);
	if (!payload || payload & 3 || payload > 0x10000u ||
	    size - 64 != payload)
		return POTNPU_FW_ESIZE;
	if (load & 3 || (uint64_t)load + payload > 0x10000u)
		return POTNPU_FW_ELOAD;
	if (entry & 3 || entry < load || entry - load >= payload)
		return POTNPU_FW_EENTRY;
	if (le32(p + 36) != ref_crc(p + 64, payload))
		return POTNPU_FW_EPAYLOADCRC;
	if (p[23] != 1)
		return POTNPU_FW_EABI;
	return POTNPU_FW_OK;
}

static void fail(const char *what, int got, int want)
{
	fprintf(stderr, "fuzz_fw_image: %s (validator %d, reference %d)\n",
		what, got, want);
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct potnpu_fw_info info;
	enum potnpu_fw_error got, want;
	uint8_t mode, *img;
	size_t len;

	if (size < 1)
		return 0;
	mode = data[0];
	len = size - 1;
	img = malloc(len ? len : 1);
	if (!img)
		return 0;
	memcpy(img, data + 1, len);
	if (len >= 64) {
		uint32_t payload = le32(img + 32);

		if (mode & 2) {
			if (payload > len - 64)
				payload = (uint32_t)(len - 64);
			put32(img + 36, ref_crc(img + 64, payload));
		}
		if (mode & 1)
			put32(img + 40, ref_header_crc(img));
	}

	memset(&info, 0xa5, sizeof(info));
	got = potnpu_fw_validate(img, len, &info);
	want = ref_validate(img, len);
	if (got != want)
		fail("validator and reference model disagree", got, want);
	if (!potnpu_fw_strerror(got) ||
	    !strcmp(potnpu_fw_strerror(got), "unknown error"))
		fail("result without a description", got, want);
	if (got == POTNPU_FW_OK) {
		if (info.payload_offset != 64 ||
		    (uint64_t)info.payload_offset + info.payload_size != len ||
		    info.entry < info.load_addr ||
		    info.entry - info.load_addr >= info.payload_size ||
		    (uint64_t)info.load_addr + info.payload_size >
			    POTNPU_CORE_IMEM_BASE + POTNPU_CORE_IMEM_SIZE ||
		    info.abi_version != le32(img + 20) ||
		    info.fw_version != le32(img + 16))
			fail("accepted image with inconsistent info", got, want);
		/* The validator must also accept it without an info record. */
		if (potnpu_fw_validate(img, len, NULL) != POTNPU_FW_OK)
			fail("result depends on the info pointer", got, want);
	}
	free(img);
	return 0;
}
