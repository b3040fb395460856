// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests of the potnpu firmware image validator, potnpu_fw_validate()
 * from include/potnpu/potnpu_fw_validate.h: a well-formed image built here
 * is accepted and decoded, and every rule broken on its own is reported
 * with its own error code.
 *
 * Images are built with the kernel's crc32_le(), an implementation
 * independent of the validator's.
 */

#include <kunit/test.h>
#include <linux/crc32.h>
#include <linux/string.h>
#include <linux/swab.h>
#include <linux/unaligned.h>

#include <potnpu/potnpu_fw_validate.h>

#define HDR		POTNPU_FW_HEADER_SIZE
#define IMEM_END	(POTNPU_CORE_IMEM_BASE + POTNPU_CORE_IMEM_SIZE)

/* The reference image: 64 payload bytes loaded at 0x100, entry 0x110. */
#define REF_PAYLOAD	64u
#define REF_LOAD	0x100u
#define REF_ENTRY	0x110u
#define REF_FW_VERSION	POTNPU_FW_VER(1, 2, 3)

struct fw_image {
	u8 *data;
	size_t size;		/* bytes handed to the validator */
	size_t alloc;		/* bytes allocated, >= size */
};

static u32 ieee_crc32(const u8 *p, size_t len)
{
	return ~crc32_le(~0u, p, len);
}

static void image_set32(struct fw_image *img, unsigned int off, u32 val)
{
	put_unaligned_le32(val, img->data + off);
}

static u32 image_get32(const struct fw_image *img, unsigned int off)
{
	return get_unaligned_le32(img->data + off);
}

/* Recompute both checksums after an edit, so only the edit is wrong. */
static void image_seal(struct fw_image *img)
{
	u32 payload = image_get32(img, POTNPU_FW_OFF_PAYLOAD_SIZE);

	if (HDR + (size_t)payload <= img->alloc)
		image_set32(img, POTNPU_FW_OFF_PAYLOAD_CRC,
			    ieee_crc32(img->data + HDR, payload));
	image_set32(img, POTNPU_FW_OFF_HEADER_CRC, 0);
	image_set32(img, POTNPU_FW_OFF_HEADER_CRC, ieee_crc32(img->data, HDR));
}

/* Header checksum only: for edits of the payload checksum field itself. */
static void image_seal_header(struct fw_image *img)
{
	image_set32(img, POTNPU_FW_OFF_HEADER_CRC, 0);
	image_set32(img, POTNPU_FW_OFF_HEADER_CRC, ieee_crc32(img->data, HDR));
}

/*
 * A valid image of @payload bytes at @load, entry @entry; @extra more bytes
 * are allocated (zeroed) after it for tests that lengthen the file.
 */
static struct fw_image *image_build(struct kunit *test, u32 payload, u32 load,
				    u32 entry, size_t extra)
{
	struct fw_image *img;
	u32 i;

	img = kunit_kzalloc(test, sizeof(*img), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, img);
	img->size = HDR + (size_t)payload;
	img->alloc = img->size + extra;
	img->data = kunit_kzalloc(test, img->alloc, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, img->data);

	image_set32(img, POTNPU_FW_OFF_MAGIC, POTNPU_FW_MAGIC);
	put_unaligned_le16(POTNPU_FW_FORMAT_MAJOR,
			   img->data + POTNPU_FW_OFF_FORMAT_MAJOR);
	put_unaligned_le16(POTNPU_FW_FORMAT_MINOR,
			   img->data + POTNPU_FW_OFF_FORMAT_MAJOR + 2);
	image_set32(img, POTNPU_FW_OFF_HEADER_SIZE, HDR);
	image_set32(img, POTNPU_FW_OFF_FW_VERSION, REF_FW_VERSION);
	image_set32(img, POTNPU_FW_OFF_ABI_VERSION, POTNPU_FW_ABI_VERSION);
	image_set32(img, POTNPU_FW_OFF_LOAD_ADDR, load);
	image_set32(img, POTNPU_FW_OFF_ENTRY, entry);
	image_set32(img, POTNPU_FW_OFF_PAYLOAD_SIZE, payload);
	for (i = 0; i < payload; i++)
		img->data[HDR + i] = (u8)(i * 37 + 11);
	image_seal(img);
	return img;
}

static struct fw_image *image_ref(struct kunit *test)
{
	return image_build(test, REF_PAYLOAD, REF_LOAD, REF_ENTRY, 8);
}

static enum potnpu_fw_error image_check(const struct fw_image *img)
{
	return potnpu_fw_validate(img->data, img->size, NULL);
}

/* Edit one 32-bit header field, reseal, expect @want. */
static void expect_field(struct kunit *test, unsigned int off, u32 val,
			 enum potnpu_fw_error want)
{
	struct fw_image *img = image_ref(test);

	image_set32(img, off, val);
	image_seal(img);
	KUNIT_EXPECT_EQ_MSG(test, image_check(img), want,
			    "field at %u set to %#x", off, val);
}

/* Build an image with the given layout, expect @want. */
static void expect_layout(struct kunit *test, u32 payload, u32 load,
			  u32 entry, enum potnpu_fw_error want)
{
	struct fw_image *img = image_build(test, payload, load, entry, 0);

	KUNIT_EXPECT_EQ_MSG(test, image_check(img), want,
			    "payload %#x load %#x entry %#x", payload, load,
			    entry);
}

static void fw_crc32_known_answer(struct kunit *test)
{
	static const u8 check[] = "123456789";

	/* The CRC-32/ISO-HDLC check value. */
	KUNIT_EXPECT_EQ(test, potnpu_fw_crc32(0, check, 9), 0xcbf43926u);
	KUNIT_EXPECT_EQ(test, potnpu_fw_crc32(0, check, 0), 0u);
	/* Chaining equals one pass. */
	KUNIT_EXPECT_EQ(test, potnpu_fw_crc32(potnpu_fw_crc32(0, check, 4),
					      check + 4, 5), 0xcbf43926u);
}

static void fw_valid_image(struct kunit *test)
{
	struct fw_image *img = image_ref(test);
	struct potnpu_fw_info info;

	memset(&info, 0xa5, sizeof(info));
	KUNIT_ASSERT_EQ(test, potnpu_fw_validate(img->data, img->size, &info),
			POTNPU_FW_OK);
	KUNIT_EXPECT_EQ(test, info.fw_version, REF_FW_VERSION);
	KUNIT_EXPECT_EQ(test, info.abi_version, POTNPU_FW_ABI_VERSION);
	KUNIT_EXPECT_EQ(test, info.load_addr, REF_LOAD);
	KUNIT_EXPECT_EQ(test, info.entry, REF_ENTRY);
	KUNIT_EXPECT_EQ(test, info.payload_size, REF_PAYLOAD);
	KUNIT_EXPECT_EQ(test, info.payload_offset, (u32)HDR);
	/* info is optional. */
	KUNIT_EXPECT_EQ(test, image_check(img), POTNPU_FW_OK);
}

static void fw_valid_extremes(struct kunit *test)
{
	/* Smallest payload, entry at its only word. */
	expect_layout(test, 4, 0, 0, POTNPU_FW_OK);
	/* The whole instruction memory, entry at the last word. */
	expect_layout(test, POTNPU_FW_MAX_PAYLOAD, 0,
		      POTNPU_FW_MAX_PAYLOAD - 4, POTNPU_FW_OK);
	/* Ending exactly at the end of IMEM. */
	expect_layout(test, 256, IMEM_END - 256, IMEM_END - 4, POTNPU_FW_OK);
}

static void fw_truncated(struct kunit *test)
{
	static const size_t lengths[] = { 0, 1, 3, 4, 32, 44, 62, 63 };
	struct fw_image *img = image_ref(test);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(lengths); i++)
		KUNIT_EXPECT_EQ_MSG(test,
				    potnpu_fw_validate(img->data, lengths[i], NULL),
				    POTNPU_FW_ETRUNC, "%zu bytes", lengths[i]);
	/* NULL data with size 0 is never dereferenced. */
	KUNIT_EXPECT_EQ(test, potnpu_fw_validate(NULL, 0, NULL), POTNPU_FW_ETRUNC);
}

static void fw_bad_magic(struct kunit *test)
{
	expect_field(test, POTNPU_FW_OFF_MAGIC, 0, POTNPU_FW_EMAGIC);
	expect_field(test, POTNPU_FW_OFF_MAGIC, POTNPU_FW_MAGIC ^ 1,
		     POTNPU_FW_EMAGIC);
	expect_field(test, POTNPU_FW_OFF_MAGIC, POTNPU_FW_MAGIC ^ 0x80000000u,
		     POTNPU_FW_EMAGIC);
	/* Byte-swapped: the magic is little endian. */
	expect_field(test, POTNPU_FW_OFF_MAGIC, swab32(POTNPU_FW_MAGIC),
		     POTNPU_FW_EMAGIC);
}

static void set_format(struct kunit *test, u16 major, u16 minor,
		       enum potnpu_fw_error want)
{
	struct fw_image *img = image_ref(test);

	put_unaligned_le16(major, img->data + POTNPU_FW_OFF_FORMAT_MAJOR);
	put_unaligned_le16(minor, img->data + POTNPU_FW_OFF_FORMAT_MAJOR + 2);
	image_seal(img);
	KUNIT_EXPECT_EQ_MSG(test, image_check(img), want, "format %u.%u",
			    major, minor);
}

static void fw_format_version(struct kunit *test)
{
	set_format(test, 0, 0, POTNPU_FW_EFORMAT);
	set_format(test, POTNPU_FW_FORMAT_MAJOR + 1, 0, POTNPU_FW_EFORMAT);
	set_format(test, 0xffff, POTNPU_FW_FORMAT_MINOR, POTNPU_FW_EFORMAT);
	set_format(test, POTNPU_FW_FORMAT_MAJOR | 0x100, 0, POTNPU_FW_EFORMAT);
	/* A newer minor of the same major stays readable. */
	set_format(test, POTNPU_FW_FORMAT_MAJOR, POTNPU_FW_FORMAT_MINOR + 1,
		   POTNPU_FW_OK);
	set_format(test, POTNPU_FW_FORMAT_MAJOR, 0xffff, POTNPU_FW_OK);
}

static void fw_header_size(struct kunit *test)
{
	static const u32 sizes[] = { 0, 4, HDR - 4, HDR - 1, HDR + 1, HDR + 4,
				     2 * HDR, 0xffffffffu };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++)
		expect_field(test, POTNPU_FW_OFF_HEADER_SIZE, sizes[i],
			     POTNPU_FW_EHDRSIZE);
}

/*
 * Without resealing, a flipped header bit is caught by the header CRC,
 * unless an earlier rule looks at that byte first.
 */
static void fw_header_crc(struct kunit *test)
{
	enum potnpu_fw_error want;
	struct fw_image *img;
	unsigned int off, bit;

	for (off = 0; off < HDR; off++) {
		if (off < POTNPU_FW_OFF_FORMAT_MAJOR)
			want = POTNPU_FW_EMAGIC;
		else if (off < POTNPU_FW_OFF_FORMAT_MAJOR + 2)
			want = POTNPU_FW_EFORMAT;
		else if (off >= POTNPU_FW_OFF_HEADER_SIZE &&
			 off < POTNPU_FW_OFF_HEADER_SIZE + 4)
			want = POTNPU_FW_EHDRSIZE;
		else
			want = POTNPU_FW_EHDRCRC;
		for (bit = 0; bit < 8; bit += 7) {
			img = image_ref(test);
			img->data[off] ^= 1u << bit;
			KUNIT_EXPECT_EQ_MSG(test, image_check(img), want,
					    "header byte %u bit %u", off, bit);
		}
	}
}

static void fw_flags(struct kunit *test)
{
	unsigned int bit;

	for (bit = 0; bit < 32; bit++)
		expect_field(test, POTNPU_FW_OFF_FLAGS, 1u << bit,
			     POTNPU_FW_ERESERVED);
	expect_field(test, POTNPU_FW_OFF_FLAGS, 0xffffffffu, POTNPU_FW_ERESERVED);
}

static void fw_reserved(struct kunit *test)
{
	struct fw_image *img;
	unsigned int word, byte;

	for (word = 0; word < 5; word++) {
		/* Each byte of each reserved word on its own. */
		for (byte = 0; byte < 4; byte++) {
			img = image_ref(test);
			img->data[POTNPU_FW_OFF_RESERVED + 4 * word + byte] = 0x01;
			image_seal(img);
			KUNIT_EXPECT_EQ_MSG(test, image_check(img),
					    POTNPU_FW_ERESERVED,
					    "reserved[%u] byte %u", word, byte);
		}
		expect_field(test, POTNPU_FW_OFF_RESERVED + 4 * word,
			     0x80000000u, POTNPU_FW_ERESERVED);
	}
}

static void fw_payload_size(struct kunit *test)
{
	struct fw_image *img;

	/* Zero: a header alone. */
	img = image_build(test, 4, 0, 0, 0);
	image_set32(img, POTNPU_FW_OFF_PAYLOAD_SIZE, 0);
	image_seal(img);
	img->size = HDR;
	KUNIT_EXPECT_EQ(test, image_check(img), POTNPU_FW_ESIZE);

	/* Not a multiple of 4, file size matching. */
	expect_layout(test, 1, 0, 0, POTNPU_FW_ESIZE);
	expect_layout(test, 6, 0, 0, POTNPU_FW_ESIZE);
	expect_layout(test, REF_PAYLOAD + 3, REF_LOAD, REF_ENTRY,
		      POTNPU_FW_ESIZE);

	/* Larger than the instruction memory, file size matching. */
	expect_layout(test, POTNPU_FW_MAX_PAYLOAD + 4, 0, 0, POTNPU_FW_ESIZE);

	/* Huge, with a small file. */
	expect_field(test, POTNPU_FW_OFF_PAYLOAD_SIZE, 0xfffffffcu,
		     POTNPU_FW_ESIZE);
}

static void fw_file_size(struct kunit *test)
{
	struct fw_image *img = image_ref(test);

	KUNIT_ASSERT_EQ(test, image_check(img), POTNPU_FW_OK);
	img->size = HDR + REF_PAYLOAD - 1;
	KUNIT_EXPECT_EQ(test, image_check(img), POTNPU_FW_ESIZE);
	img->size = HDR + REF_PAYLOAD + 1;
	KUNIT_EXPECT_EQ(test, image_check(img), POTNPU_FW_ESIZE);
	img->size = HDR + REF_PAYLOAD + 4;
	KUNIT_EXPECT_EQ(test, image_check(img), POTNPU_FW_ESIZE);
	img->size = HDR;
	KUNIT_EXPECT_EQ(test, image_check(img), POTNPU_FW_ESIZE);
	/* The declared payload size against the file, both ways. */
	expect_field(test, POTNPU_FW_OFF_PAYLOAD_SIZE, REF_PAYLOAD - 4,
		     POTNPU_FW_ESIZE);
	expect_field(test, POTNPU_FW_OFF_PAYLOAD_SIZE, REF_PAYLOAD + 4,
		     POTNPU_FW_ESIZE);
}

static void fw_load_addr(struct kunit *test)
{
	unsigned int off;

	/* Unaligned. */
	for (off = 1; off < 4; off++)
		expect_layout(test, REF_PAYLOAD, REF_LOAD + off,
			      REF_LOAD + 4, POTNPU_FW_ELOAD);
	/* One word past the end of the instruction memory. */
	expect_layout(test, 256, IMEM_END - 252, IMEM_END - 252,
		      POTNPU_FW_ELOAD);
	/* Starting at the end of, or beyond, the instruction memory. */
	expect_layout(test, 4, IMEM_END, IMEM_END, POTNPU_FW_ELOAD);
	expect_layout(test, 4, 0x80000000u, 0x80000000u, POTNPU_FW_ELOAD);
	/* Near 0xffffffff, where a 32-bit end address would wrap to 0. */
	expect_layout(test, 4, 0xfffffffcu, 0xfffffffcu, POTNPU_FW_ELOAD);
	expect_layout(test, 8, 0xfffffffcu, 0xfffffffcu, POTNPU_FW_ELOAD);
	expect_layout(test, 256, 0xffffff00u, 0xffffff00u, POTNPU_FW_ELOAD);
	expect_layout(test, POTNPU_FW_MAX_PAYLOAD, 0xffff0000u, 0xffff0000u,
		      POTNPU_FW_ELOAD);
}

static void fw_entry(struct kunit *test)
{
	unsigned int off;

	/* Unaligned. */
	for (off = 1; off < 4; off++)
		expect_layout(test, REF_PAYLOAD, REF_LOAD, REF_ENTRY + off,
			      POTNPU_FW_EENTRY);
	/* Before the payload. */
	expect_layout(test, REF_PAYLOAD, REF_LOAD, REF_LOAD - 4,
		      POTNPU_FW_EENTRY);
	expect_layout(test, REF_PAYLOAD, REF_LOAD, 0, POTNPU_FW_EENTRY);
	/* At, and past, the end of the payload. */
	expect_layout(test, REF_PAYLOAD, REF_LOAD, REF_LOAD + REF_PAYLOAD,
		      POTNPU_FW_EENTRY);
	expect_layout(test, REF_PAYLOAD, REF_LOAD, 0xfffffffcu,
		      POTNPU_FW_EENTRY);
	/* The first and last words are fine. */
	expect_layout(test, REF_PAYLOAD, REF_LOAD, REF_LOAD, POTNPU_FW_OK);
	expect_layout(test, REF_PAYLOAD, REF_LOAD, REF_LOAD + REF_PAYLOAD - 4,
		      POTNPU_FW_OK);
}

/*
 * A payload bit flipped after sealing: every byte lane of a word, at the
 * start, the middle and the end of the payload, low and high bits.
 */
static void fw_payload_crc(struct kunit *test)
{
	static const unsigned int words[] = { 0, REF_PAYLOAD / 8,
					      REF_PAYLOAD / 4 - 1 };
	static const unsigned int bits[] = { 0, 3, 7 };
	unsigned int w, lane, b, pos;
	struct fw_image *img;

	for (w = 0; w < ARRAY_SIZE(words); w++)
		for (lane = 0; lane < 4; lane++)
			for (b = 0; b < ARRAY_SIZE(bits); b++) {
				img = image_ref(test);
				pos = HDR + 4 * words[w] + lane;
				img->data[pos] ^= 1u << bits[b];
				KUNIT_EXPECT_EQ_MSG(test, image_check(img),
						    POTNPU_FW_EPAYLOADCRC,
						    "payload byte %u bit %u",
						    pos - HDR, bits[b]);
			}

	/* The stored checksum wrong, the header checksum right. */
	img = image_ref(test);
	image_set32(img, POTNPU_FW_OFF_PAYLOAD_CRC,
		    image_get32(img, POTNPU_FW_OFF_PAYLOAD_CRC) ^ 0x00010000u);
	image_seal_header(img);
	KUNIT_EXPECT_EQ(test, image_check(img), POTNPU_FW_EPAYLOADCRC);

	/* Two words swapped: same bytes, other order. */
	img = image_ref(test);
	swap(img->data[HDR], img->data[HDR + 4]);
	KUNIT_EXPECT_EQ(test, image_check(img), POTNPU_FW_EPAYLOADCRC);
}

static void fw_abi_version(struct kunit *test)
{
	u32 major = POTNPU_FW_VER_MAJOR(POTNPU_FW_ABI_VERSION);

	/* Other majors are refused. */
	expect_field(test, POTNPU_FW_OFF_ABI_VERSION,
		     POTNPU_FW_VER(major + 1, 0, 0), POTNPU_FW_EABI);
	expect_field(test, POTNPU_FW_OFF_ABI_VERSION,
		     POTNPU_FW_VER((major + 1) & 0xff,
				   POTNPU_FW_VER_MINOR(POTNPU_FW_ABI_VERSION),
				   POTNPU_FW_VER_PATCH(POTNPU_FW_ABI_VERSION)),
		     POTNPU_FW_EABI);
	expect_field(test, POTNPU_FW_OFF_ABI_VERSION,
		     POTNPU_FW_VER(0xff, 0, 0), POTNPU_FW_EABI);
	if (major)
		expect_field(test, POTNPU_FW_OFF_ABI_VERSION,
			     POTNPU_FW_VER(major - 1, 0xff, 0xffff),
			     POTNPU_FW_EABI);

	/* Minor and patch differences are accepted. */
	expect_field(test, POTNPU_FW_OFF_ABI_VERSION,
		     POTNPU_FW_VER(major, 0, 0), POTNPU_FW_OK);
	expect_field(test, POTNPU_FW_OFF_ABI_VERSION,
		     POTNPU_FW_ABI_VERSION + 1, POTNPU_FW_OK);
	expect_field(test, POTNPU_FW_OFF_ABI_VERSION,
		     POTNPU_FW_VER(major, 0xff, 0xffff), POTNPU_FW_OK);
	expect_field(test, POTNPU_FW_OFF_ABI_VERSION,
		     POTNPU_FW_VER(major,
				   POTNPU_FW_VER_MINOR(POTNPU_FW_ABI_VERSION) + 1,
				   0), POTNPU_FW_OK);
}

/* An image breaking several rules gets the first one in the list. */
static void fw_rule_order(struct kunit *test)
{
	struct fw_image *img;

	/* Bad magic and bad header CRC: magic. */
	img = image_ref(test);
	image_set32(img, POTNPU_FW_OFF_MAGIC, 0);
	KUNIT_EXPECT_EQ(test, image_check(img), POTNPU_FW_EMAGIC);

	/* Flags set and header CRC not updated: CRC. */
	img = image_ref(test);
	image_set32(img, POTNPU_FW_OFF_FLAGS, 1);
	KUNIT_EXPECT_EQ(test, image_check(img), POTNPU_FW_EHDRCRC);

	/* Flags set and payload size wrong: reserved. */
	img = image_ref(test);
	image_set32(img, POTNPU_FW_OFF_FLAGS, 1);
	image_set32(img, POTNPU_FW_OFF_PAYLOAD_SIZE, 3);
	image_seal_header(img);
	KUNIT_EXPECT_EQ(test, image_check(img), POTNPU_FW_ERESERVED);

	/* Size and load both wrong: size. */
	img = image_ref(test);
	image_set32(img, POTNPU_FW_OFF_LOAD_ADDR, 2);
	image_seal(img);
	img->size++;
	KUNIT_EXPECT_EQ(test, image_check(img), POTNPU_FW_ESIZE);

	/* Load and entry both wrong: load. */
	expect_layout(test, 8, 2, 1, POTNPU_FW_ELOAD);

	/* Entry wrong and payload corrupt: entry. */
	img = image_build(test, REF_PAYLOAD, REF_LOAD, REF_LOAD - 4, 0);
	img->data[HDR] ^= 1;
	KUNIT_EXPECT_EQ(test, image_check(img), POTNPU_FW_EENTRY);

	/* Payload corrupt and ABI wrong: payload CRC. */
	img = image_ref(test);
	image_set32(img, POTNPU_FW_OFF_ABI_VERSION, POTNPU_FW_VER(0xff, 0, 0));
	image_seal(img);
	img->data[HDR + 1] ^= 1;
	KUNIT_EXPECT_EQ(test, image_check(img), POTNPU_FW_EPAYLOADCRC);
}

static void fw_strerror_strings(struct kunit *test)
{
	const char *a, *b;
	int i, j;

	for (i = 0; i < POTNPU_FW_NUM_ERRORS; i++) {
		a = potnpu_fw_strerror(i);
		KUNIT_ASSERT_NOT_NULL(test, a);
		KUNIT_EXPECT_STRNEQ(test, a, "unknown error");
		KUNIT_EXPECT_GT(test, strlen(a), (size_t)0);
		for (j = 0; j < i; j++) {
			b = potnpu_fw_strerror(j);
			KUNIT_EXPECT_STRNEQ_MSG(test, a, b, "codes %d and %d", i, j);
		}
	}
	KUNIT_EXPECT_STREQ(test, potnpu_fw_strerror(POTNPU_FW_NUM_ERRORS),
			   "unknown error");
	KUNIT_EXPECT_STREQ(test, potnpu_fw_strerror(-1), "unknown error");
}

static struct kunit_case potnpu_fw_cases[] = {
	KUNIT_CASE(fw_crc32_known_answer),
	KUNIT_CASE(fw_valid_image),
	KUNIT_CASE(fw_valid_extremes),
	KUNIT_CASE(fw_truncated),
	KUNIT_CASE(fw_bad_magic),
	KUNIT_CASE(fw_format_version),
	KUNIT_CASE(fw_header_size),
	KUNIT_CASE(fw_header_crc),
	KUNIT_CASE(fw_flags),
	KUNIT_CASE(fw_reserved),
	KUNIT_CASE(fw_payload_size),
	KUNIT_CASE(fw_file_size),
	KUNIT_CASE(fw_load_addr),
	KUNIT_CASE(fw_entry),
	KUNIT_CASE(fw_payload_crc),
	KUNIT_CASE(fw_abi_version),
	KUNIT_CASE(fw_rule_order),
	KUNIT_CASE(fw_strerror_strings),
	{}
};

static struct kunit_suite potnpu_fw_suite = {
	.name = "potnpu_fw",
	.test_cases = potnpu_fw_cases,
};

kunit_test_suite(potnpu_fw_suite);
