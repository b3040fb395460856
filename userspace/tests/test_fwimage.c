// SPDX-License-Identifier: MIT
/*
 * Firmware image format: CRC-32, packing, the shared validator against
 * every kind of corruption, and the image tool's argument parsers.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "fwimage.h"

#define ABI POTNPU_FW_ABI_VERSION

static const struct fwimg_pack_params default_params = {
	.fw_version = POTNPU_FW_VER(1, 2, 3),
	.abi_version = ABI,
	.load_addr = 0x100,
	.entry = 0x104,
};

static void fill_payload(uint8_t *p, size_t len, uint32_t seed)
{
	size_t i;

	for (i = 0; i < len; i++) {
		seed = seed * 1103515245u + 12345u;
		p[i] = (uint8_t)(seed >> 16);
	}
}

/* A valid image with a @len-byte payload; caller frees. */
static uint8_t *make_image(size_t len, const struct fwimg_pack_params *p,
			   size_t *img_len)
{
	enum potnpu_fw_error verr;
	uint8_t *payload = malloc(len), *img;

	assert_non_null(payload);
	fill_payload(payload, len, (uint32_t)len);
	assert_int_equal(fwimg_pack(payload, len, p, &img, img_len, &verr), 0);
	assert_int_equal(verr, POTNPU_FW_OK);
	free(payload);
	return img;
}

static enum potnpu_fw_error validate(const uint8_t *img, size_t len)
{
	return potnpu_fw_validate(img, len, NULL);
}

/* ---- CRC-32 ----------------------------------------------------------- */

static void test_crc32_known_vectors(void **state)
{
	static const uint8_t zeros[32];
	static const char *fox = "The quick brown fox jumps over the lazy dog";

	(void)state;
	assert_int_equal(potnpu_fw_crc32(0, (const uint8_t *)"123456789", 9),
			 0xcbf43926u);
	assert_int_equal(potnpu_fw_crc32(0, (const uint8_t *)"", 0), 0);
	assert_int_equal(potnpu_fw_crc32(0, (const uint8_t *)"a", 1),
			 0xe8b7be43u);
	assert_int_equal(potnpu_fw_crc32(0, (const uint8_t *)"abc", 3),
			 0x352441c2u);
	assert_int_equal(potnpu_fw_crc32(0, (const uint8_t *)fox,
					 (uint32_t)strlen(fox)), 0x414fa339u);
	assert_int_equal(potnpu_fw_crc32(0, zeros, sizeof(zeros)),
			 0x190a55adu);
}

static void test_crc32_incremental(void **state)
{
	uint8_t buf[257];
	uint32_t whole, split;
	size_t i;

	(void)state;
	fill_payload(buf, sizeof(buf), 7);
	whole = potnpu_fw_crc32(0, buf, sizeof(buf));
	for (i = 0; i <= sizeof(buf); i++) {
		split = potnpu_fw_crc32(0, buf, (uint32_t)i);
		split = potnpu_fw_crc32(split, buf + i, (uint32_t)(sizeof(buf) - i));
		assert_int_equal(split, whole);
	}
}

/* ---- packing ---------------------------------------------------------- */

static void test_pack_round_trip(void **state)
{
	const struct fwimg_pack_params *p = &default_params;
	struct potnpu_fw_info info;
	uint8_t payload[1000], *img;
	size_t img_len, i;
	enum potnpu_fw_error verr;

	(void)state;
	fill_payload(payload, sizeof(payload), 42);
	assert_int_equal(fwimg_pack(payload, sizeof(payload), p, &img, &img_len,
				    &verr), 0);
	assert_int_equal(img_len, POTNPU_FW_HEADER_SIZE + sizeof(payload));
	assert_int_equal(potnpu_fw_validate(img, img_len, &info), POTNPU_FW_OK);

	/* What the validator decodes is exactly what was packed. */
	assert_int_equal(info.fw_version, p->fw_version);
	assert_int_equal(info.abi_version, p->abi_version);
	assert_int_equal(info.load_addr, p->load_addr);
	assert_int_equal(info.entry, p->entry);
	assert_int_equal(info.payload_size, sizeof(payload));
	assert_int_equal(info.payload_offset, POTNPU_FW_HEADER_SIZE);
	assert_memory_equal(img + info.payload_offset, payload, sizeof(payload));

	/* And every raw header field is what the format says. */
	assert_int_equal(fwimg_get32(img, FWIMG_OFF(magic)), POTNPU_FW_MAGIC);
	assert_memory_equal(img, "PNFW", 4);
	assert_int_equal(fwimg_get16(img, FWIMG_OFF(format_major)),
			 POTNPU_FW_FORMAT_MAJOR);
	assert_int_equal(fwimg_get16(img, FWIMG_OFF(format_minor)),
			 POTNPU_FW_FORMAT_MINOR);
	assert_int_equal(fwimg_get32(img, FWIMG_OFF(header_size)),
			 POTNPU_FW_HEADER_SIZE);
	assert_int_equal(fwimg_get32(img, FWIMG_OFF(flags)), 0);
	assert_int_equal(fwimg_get32(img, FWIMG_OFF(payload_crc32)),
			 potnpu_fw_crc32(0, payload, sizeof(payload)));
	assert_int_equal(fwimg_get32(img, FWIMG_OFF(header_crc32)),
			 potnpu_fw_header_crc(img));
	for (i = FWIMG_OFF(reserved); i < POTNPU_FW_HEADER_SIZE; i++)
		assert_int_equal(img[i], 0);
	free(img);
}

static void test_pack_pads_to_words(void **state)
{
	static const uint8_t payload[5] = { 1, 2, 3, 4, 5 };
	struct fwimg_pack_params p = default_params;
	struct potnpu_fw_info info;
	uint8_t *img;
	size_t img_len;

	(void)state;
	p.load_addr = 0;
	p.entry = 4;
	assert_int_equal(fwimg_pack(payload, sizeof(payload), &p, &img,
				    &img_len, NULL), 0);
	assert_int_equal(img_len, POTNPU_FW_HEADER_SIZE + 8);
	assert_int_equal(potnpu_fw_validate(img, img_len, &info), POTNPU_FW_OK);
	assert_int_equal(info.payload_size, 8);
	assert_memory_equal(img + POTNPU_FW_HEADER_SIZE, payload, 5);
	assert_int_equal(img[POTNPU_FW_HEADER_SIZE + 5], 0);
	assert_int_equal(img[POTNPU_FW_HEADER_SIZE + 6], 0);
	assert_int_equal(img[POTNPU_FW_HEADER_SIZE + 7], 0);
	free(img);
}

static int try_pack(size_t len, uint32_t load, uint32_t entry, uint32_t abi,
		    enum potnpu_fw_error *verr)
{
	struct fwimg_pack_params p = default_params;
	uint8_t *payload = calloc(1, len ? len : 1), *img = NULL;
	size_t img_len = 0;
	int err;

	assert_non_null(payload);
	p.load_addr = load;
	p.entry = entry;
	p.abi_version = abi;
	err = fwimg_pack(payload, len, &p, &img, &img_len, verr);
	if (err) {
		assert_null(img);
		assert_int_equal(img_len, 0);
	}
	free(img);
	free(payload);
	return err;
}

static void test_pack_rejects_bad_layouts(void **state)
{
	const uint32_t max = POTNPU_FW_MAX_PAYLOAD;
	enum potnpu_fw_error verr;

	(void)state;
	assert_int_equal(try_pack(0, 0, 0, ABI, &verr), -EINVAL);
	assert_int_equal(try_pack(max + 1, 0, 0, ABI, &verr), -EFBIG);
	assert_int_equal(try_pack(max - 1, 0, 0, ABI, &verr), 0);
	assert_int_equal(try_pack(max, 0, max - 4, ABI, &verr), 0);

	assert_int_equal(try_pack(max, 4, 4, ABI, &verr), -EDOM);
	assert_int_equal(verr, POTNPU_FW_ELOAD);
	assert_int_equal(try_pack(16, 2, 4, ABI, &verr), -EDOM);
	assert_int_equal(verr, POTNPU_FW_ELOAD);
	assert_int_equal(try_pack(16, max - 12, max - 12, ABI, &verr), -EDOM);
	assert_int_equal(verr, POTNPU_FW_ELOAD);
	assert_int_equal(try_pack(16, 0xfffffff0u, 0xfffffff0u, ABI, &verr),
			 -EDOM);
	assert_int_equal(verr, POTNPU_FW_ELOAD);

	assert_int_equal(try_pack(16, 0x100, 0x102, ABI, &verr), -EDOM);
	assert_int_equal(verr, POTNPU_FW_EENTRY);
	assert_int_equal(try_pack(16, 0x100, 0xfc, ABI, &verr), -EDOM);
	assert_int_equal(verr, POTNPU_FW_EENTRY);
	assert_int_equal(try_pack(16, 0x100, 0x110, ABI, &verr), -EDOM);
	assert_int_equal(verr, POTNPU_FW_EENTRY);
	assert_int_equal(try_pack(16, 0x100, 0x10c, ABI, &verr), 0);

	assert_int_equal(try_pack(16, 0, 0, ABI + (1u << 24), &verr), -EDOM);
	assert_int_equal(verr, POTNPU_FW_EABI);
	assert_int_equal(try_pack(16, 0, 0, ABI + (1u << 16) + 7, &verr), 0);
}

/* ---- validation: corruptions ----------------------------------------- */

static void test_header_bit_flips(void **state)
{
	enum potnpu_fw_error want;
	size_t len, byte;
	uint8_t *img = make_image(256, &default_params, &len);
	int bit;

	(void)state;
	for (byte = 0; byte < POTNPU_FW_HEADER_SIZE; byte++) {
		if (byte < 4)
			want = POTNPU_FW_EMAGIC;
		else if (byte < 6)
			want = POTNPU_FW_EFORMAT;
		else if (byte >= 8 && byte < 12)
			want = POTNPU_FW_EHDRSIZE;
		else
			want = POTNPU_FW_EHDRCRC;	/* incl. format_minor */
		for (bit = 0; bit < 8; bit++) {
			img[byte] ^= (uint8_t)(1u << bit);
			if (validate(img, len) != want)
				fail_msg("flipping bit %d of header byte %zu gave \"%s\", want \"%s\"",
					 bit, byte,
					 potnpu_fw_strerror(validate(img, len)),
					 potnpu_fw_strerror(want));
			img[byte] ^= (uint8_t)(1u << bit);
		}
	}
	assert_int_equal(validate(img, len), POTNPU_FW_OK);
	free(img);
}

/* Change a field, re-seal the header CRC, expect @want. */
static void expect_sealed(const uint8_t *orig, size_t len, size_t off,
			  uint32_t value, int width, enum potnpu_fw_error want)
{
	uint8_t *img = malloc(len);
	enum potnpu_fw_error got;

	assert_non_null(img);
	memcpy(img, orig, len);
	if (width == 16)
		fwimg_put16(img, off, (uint16_t)value);
	else if (width == 8)
		img[off] = (uint8_t)value;
	else
		fwimg_put32(img, off, value);
	fwimg_seal_header(img);
	got = validate(img, len);
	if (got != want)
		fail_msg("header offset %zu = 0x%x (width %d): got \"%s\", want \"%s\"",
			 off, value, width, potnpu_fw_strerror(got),
			 potnpu_fw_strerror(want));
	free(img);
}

static void test_sealed_field_changes(void **state)
{
	const size_t psize = 256;
	size_t len, i;
	uint8_t *img = make_image(psize, &default_params, &len);
	const uint32_t load = default_params.load_addr;
	const uint32_t top = POTNPU_CORE_IMEM_BASE + POTNPU_CORE_IMEM_SIZE;
	unsigned int bit;

	(void)state;
	/* Format: newer minors stay readable, other majors do not. */
	expect_sealed(img, len, FWIMG_OFF(format_minor), POTNPU_FW_FORMAT_MINOR + 1,
		      16, POTNPU_FW_OK);
	expect_sealed(img, len, FWIMG_OFF(format_minor), 0xffff, 16, POTNPU_FW_OK);
	expect_sealed(img, len, FWIMG_OFF(format_major), 0, 16, POTNPU_FW_EFORMAT);
	expect_sealed(img, len, FWIMG_OFF(format_major), POTNPU_FW_FORMAT_MAJOR + 1,
		      16, POTNPU_FW_EFORMAT);
	expect_sealed(img, len, FWIMG_OFF(magic), POTNPU_FW_MAGIC ^ 1, 32,
		      POTNPU_FW_EMAGIC);

	expect_sealed(img, len, FWIMG_OFF(header_size), 63, 32, POTNPU_FW_EHDRSIZE);
	expect_sealed(img, len, FWIMG_OFF(header_size), 65, 32, POTNPU_FW_EHDRSIZE);
	expect_sealed(img, len, FWIMG_OFF(header_size), 128, 32, POTNPU_FW_EHDRSIZE);

	for (bit = 0; bit < 32; bit++)
		expect_sealed(img, len, FWIMG_OFF(flags), 1u << bit, 32,
			      POTNPU_FW_ERESERVED);
	for (i = FWIMG_OFF(reserved); i < POTNPU_FW_HEADER_SIZE; i++) {
		expect_sealed(img, len, i, 1, 8, POTNPU_FW_ERESERVED);
		expect_sealed(img, len, i, 0x80, 8, POTNPU_FW_ERESERVED);
	}

	/* Versions: any firmware release; same ABI major only. */
	expect_sealed(img, len, FWIMG_OFF(fw_version), 0, 32, POTNPU_FW_OK);
	expect_sealed(img, len, FWIMG_OFF(fw_version), 0xffffffffu, 32,
		      POTNPU_FW_OK);
	expect_sealed(img, len, FWIMG_OFF(abi_version), ABI + (1u << 16), 32,
		      POTNPU_FW_OK);
	expect_sealed(img, len, FWIMG_OFF(abi_version), ABI + 1, 32, POTNPU_FW_OK);
	expect_sealed(img, len, FWIMG_OFF(abi_version), ABI + (1u << 24), 32,
		      POTNPU_FW_EABI);
	expect_sealed(img, len, FWIMG_OFF(abi_version), ABI ^ 0xff000000u, 32,
		      POTNPU_FW_EABI);

	/* Payload size must match the file exactly. */
	expect_sealed(img, len, FWIMG_OFF(payload_size), psize + 4, 32,
		      POTNPU_FW_ESIZE);
	expect_sealed(img, len, FWIMG_OFF(payload_size), psize - 4, 32,
		      POTNPU_FW_ESIZE);
	expect_sealed(img, len, FWIMG_OFF(payload_size), psize + 1, 32,
		      POTNPU_FW_ESIZE);
	expect_sealed(img, len, FWIMG_OFF(payload_size), 0, 32, POTNPU_FW_ESIZE);
	expect_sealed(img, len, FWIMG_OFF(payload_size), 0x80000000u, 32,
		      POTNPU_FW_ESIZE);
	expect_sealed(img, len, FWIMG_OFF(payload_size), 0xffffffc0u, 32,
		      POTNPU_FW_ESIZE);

	/* Load address: aligned and inside IMEM, including wrap-around. */
	expect_sealed(img, len, FWIMG_OFF(load_addr), load + 1, 32,
		      POTNPU_FW_ELOAD);
	expect_sealed(img, len, FWIMG_OFF(load_addr), load + 2, 32,
		      POTNPU_FW_ELOAD);
	expect_sealed(img, len, FWIMG_OFF(load_addr), top - psize + 4, 32,
		      POTNPU_FW_ELOAD);
	expect_sealed(img, len, FWIMG_OFF(load_addr), top, 32, POTNPU_FW_ELOAD);
	expect_sealed(img, len, FWIMG_OFF(load_addr), 0xfffffffcu, 32,
		      POTNPU_FW_ELOAD);
	expect_sealed(img, len, FWIMG_OFF(load_addr), 0x80000000u, 32,
		      POTNPU_FW_ELOAD);

	/* Entry: aligned and inside [load, load + size). */
	expect_sealed(img, len, FWIMG_OFF(entry), load + 2, 32, POTNPU_FW_EENTRY);
	expect_sealed(img, len, FWIMG_OFF(entry), load - 4, 32, POTNPU_FW_EENTRY);
	expect_sealed(img, len, FWIMG_OFF(entry), load + psize, 32,
		      POTNPU_FW_EENTRY);
	expect_sealed(img, len, FWIMG_OFF(entry), 0xfffffffcu, 32,
		      POTNPU_FW_EENTRY);
	expect_sealed(img, len, FWIMG_OFF(entry), load, 32, POTNPU_FW_OK);
	expect_sealed(img, len, FWIMG_OFF(entry), load + psize - 4, 32,
		      POTNPU_FW_OK);

	expect_sealed(img, len, FWIMG_OFF(payload_crc32),
		      fwimg_get32(img, FWIMG_OFF(payload_crc32)) ^ 1, 32,
		      POTNPU_FW_EPAYLOADCRC);
	free(img);
}

static void test_truncated_and_extended(void **state)
{
	size_t len, cut, extra;
	uint8_t *img = make_image(128, &default_params, &len), *big;

	(void)state;
	for (cut = 0; cut < len; cut++) {
		enum potnpu_fw_error want = cut < POTNPU_FW_HEADER_SIZE ?
			POTNPU_FW_ETRUNC : POTNPU_FW_ESIZE;

		if (validate(img, cut) != want)
			fail_msg("image cut to %zu bytes: got \"%s\"", cut,
				 potnpu_fw_strerror(validate(img, cut)));
	}
	big = calloc(1, len + 8);
	assert_non_null(big);
	memcpy(big, img, len);
	for (extra = 1; extra <= 8; extra++)
		assert_int_equal(validate(big, len + extra), POTNPU_FW_ESIZE);
	assert_int_equal(validate(big, len), POTNPU_FW_OK);
	free(big);
	free(img);
}

static void test_payload_bit_flips(void **state)
{
	size_t len, i;
	uint8_t *img = make_image(64, &default_params, &len);
	int bit;

	(void)state;
	for (i = POTNPU_FW_HEADER_SIZE; i < len; i++) {
		for (bit = 0; bit < 8; bit++) {
			img[i] ^= (uint8_t)(1u << bit);
			assert_int_equal(validate(img, len), POTNPU_FW_EPAYLOADCRC);
			img[i] ^= (uint8_t)(1u << bit);
		}
	}
	assert_int_equal(validate(img, len), POTNPU_FW_OK);
	free(img);
}

static void test_largest_image(void **state)
{
	struct fwimg_pack_params p = default_params;
	size_t len;
	uint8_t *img;

	(void)state;
	p.load_addr = POTNPU_CORE_IMEM_BASE;
	p.entry = POTNPU_CORE_IMEM_BASE + POTNPU_FW_MAX_PAYLOAD - 4;
	img = make_image(POTNPU_FW_MAX_PAYLOAD, &p, &len);
	assert_int_equal(validate(img, len), POTNPU_FW_OK);
	free(img);
}

static void test_fw_strerror_every_code(void **state)
{
	int i, j;

	(void)state;
	for (i = 0; i < POTNPU_FW_NUM_ERRORS; i++) {
		const char *m = potnpu_fw_strerror((enum potnpu_fw_error)i);

		assert_non_null(m);
		assert_true(strlen(m) > 4);
		assert_string_not_equal(m, "unknown error");
		for (j = 0; j < i; j++)
			assert_string_not_equal(m, potnpu_fw_strerror((enum potnpu_fw_error)j));
	}
	assert_string_equal(potnpu_fw_strerror(POTNPU_FW_NUM_ERRORS),
			    "unknown error");
	assert_string_equal(potnpu_fw_strerror((enum potnpu_fw_error)-1),
			    "unknown error");
}

/* ---- argument parsing ------------------------------------------------- */

static void test_parse_version(void **state)
{
	static const char *const bad[] = {
		"", "1", "1.2", "1.2.3.4", "256.0.0", "0.256.0", "0.0.65536",
		"-1.0.0", "+1.0.0", " 1.0.0", "1.0.0 ", "01.0.0", "0.01.0",
		"0.0.01", "1..0", "1.0.", ".1.0", "a.b.c", "1.0.0x", "1,0,0",
		"99999999999999999999.0.0", "1.0.-0", "0x1.0.0", "1.0.0\n",
	};
	uint32_t v = 0x12345678;
	size_t i;
	char buf[24];

	(void)state;
	assert_int_equal(fwimg_parse_version("0.0.0", &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(fwimg_parse_version("1.2.3", &v), 0);
	assert_int_equal(v, POTNPU_FW_VER(1, 2, 3));
	assert_int_equal(fwimg_parse_version("255.255.65535", &v), 0);
	assert_int_equal(v, 0xffffffffu);
	assert_int_equal(fwimg_parse_version("10.0.100", &v), 0);
	assert_int_equal(v, POTNPU_FW_VER(10, 0, 100));
	assert_string_equal(fwimg_format_version(v, buf, sizeof(buf)), "10.0.100");

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		v = 0x12345678;
		if (fwimg_parse_version(bad[i], &v) != -EINVAL)
			fail_msg("version \"%s\" was accepted", bad[i]);
		assert_int_equal(v, 0x12345678);	/* untouched */
	}
	assert_int_equal(fwimg_parse_version(NULL, &v), -EINVAL);
}

static void test_parse_u32(void **state)
{
	static const char *const bad[] = {
		"", "0x", "-1", "4294967296", "0x100000000", "12a", " 1", "1 ",
		"+1", "0x-1", "0xg", "1e3", "0b101", "99999999999999999999999",
	};
	uint32_t v;
	size_t i;

	(void)state;
	assert_int_equal(fwimg_parse_u32("0", &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(fwimg_parse_u32("4096", &v), 0);
	assert_int_equal(v, 4096);
	assert_int_equal(fwimg_parse_u32("0x1000", &v), 0);
	assert_int_equal(v, 0x1000);
	assert_int_equal(fwimg_parse_u32("0XfFfF", &v), 0);
	assert_int_equal(v, 0xffff);
	assert_int_equal(fwimg_parse_u32("4294967295", &v), 0);
	assert_int_equal(v, 0xffffffffu);
	assert_int_equal(fwimg_parse_u32("0xffffffff", &v), 0);
	assert_int_equal(v, 0xffffffffu);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (fwimg_parse_u32(bad[i], &v) != -EINVAL)
			fail_msg("address \"%s\" was accepted", bad[i]);
}

/* ---- reading files ---------------------------------------------------- */

static char *write_temp(const uint8_t *data, size_t len)
{
	char *path = strdup("/tmp/potnpu-test-fwimage-XXXXXX");
	int fd;

	assert_non_null(path);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
	return path;
}

static void test_read_file(void **state)
{
	const size_t max = POTNPU_FW_HEADER_SIZE + POTNPU_FW_MAX_PAYLOAD;
	size_t img_len, len;
	uint8_t *img = make_image(100, &default_params, &img_len), *data, *big;
	uint64_t size;
	char *path;

	(void)state;
	path = write_temp(img, img_len);
	assert_int_equal(fwimg_read_file(path, &data, &len, &size), 0);
	assert_int_equal(len, img_len);
	assert_int_equal(size, img_len);
	assert_memory_equal(data, img, img_len);
	assert_int_equal(validate(data, size), POTNPU_FW_OK);
	free(data);
	unlink(path);
	free(path);

	/* Larger than any image: keeps max bytes, reports the real size. */
	big = calloc(1, max + 1000);
	assert_non_null(big);
	memcpy(big, img, img_len);
	path = write_temp(big, max + 1000);
	assert_int_equal(fwimg_read_file(path, &data, &len, &size), 0);
	assert_int_equal(len, max);
	assert_int_equal(size, max + 1000);
	assert_int_equal(potnpu_fw_validate(data, size, NULL), POTNPU_FW_ESIZE);
	free(data);
	unlink(path);
	free(path);
	free(big);

	assert_int_equal(fwimg_read_file("/nonexistent/potnpu.img", &data, &len,
					 &size), -ENOENT);
	assert_null(data);
	free(img);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crc32_known_vectors),
		cmocka_unit_test(test_crc32_incremental),
		cmocka_unit_test(test_pack_round_trip),
		cmocka_unit_test(test_pack_pads_to_words),
		cmocka_unit_test(test_pack_rejects_bad_layouts),
		cmocka_unit_test(test_header_bit_flips),
		cmocka_unit_test(test_sealed_field_changes),
		cmocka_unit_test(test_truncated_and_extended),
		cmocka_unit_test(test_payload_bit_flips),
		cmocka_unit_test(test_largest_image),
		cmocka_unit_test(test_fw_strerror_every_code),
		cmocka_unit_test(test_parse_version),
		cmocka_unit_test(test_parse_u32),
		cmocka_unit_test(test_read_file),
	};

	return cmocka_run_group_tests_name("firmware image", tests, NULL, NULL);
}
