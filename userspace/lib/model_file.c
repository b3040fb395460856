// SPDX-License-Identifier: MIT
/*
 * libpotnpu model files, the container: the header, the checksum and the
 * section table (placement, alignment, overlap), and the helpers every
 * stage of the parser shares.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model_priv.h"
#include "potnpu_fw_validate.h"

#define HDR(f)	offsetof(struct potnpu_mf_header, f)
#define SEC(f)	offsetof(struct potnpu_mf_section, f)
#define HEADER_SIZE	sizeof(struct potnpu_mf_header)

_Static_assert(POTNPU_MODEL_FORMAT_MAJOR == POTNPU_MF_MAJOR &&
	       POTNPU_MODEL_FORMAT_MINOR == POTNPU_MF_MINOR, "format version");
#define ENTRY_SIZE	sizeof(struct potnpu_mf_section)

int lib_mf_err(const char *fmt, ...)
{
	char msg[448];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return lib_set_error(-EBADMSG, "model: %s", msg);
}

float lib_mf_f32(const uint8_t *p)
{
	uint32_t v = mf_u32(p);
	float f;

	memcpy(&f, &v, sizeof(f));
	return f;
}

uint32_t lib_mf_f32_bits(float f)
{
	uint32_t v;

	memcpy(&v, &f, sizeof(v));
	return v;
}

const char *lib_mf_section_name(uint32_t kind)
{
	static const char *const names[POTNPU_MF_SEC_KINDS] = {
		[POTNPU_MF_SEC_MODEL] = "MODEL",
		[POTNPU_MF_SEC_STRINGS] = "STRINGS",
		[POTNPU_MF_SEC_TENSORS] = "TENSORS",
		[POTNPU_MF_SEC_NODES] = "NODES",
		[POTNPU_MF_SEC_INPUT] = "INPUT",
		[POTNPU_MF_SEC_LABELS] = "LABELS",
		[POTNPU_MF_SEC_WEIGHTS] = "WEIGHTS",
	};

	return kind < POTNPU_MF_SEC_KINDS && names[kind] ? names[kind] : "unknown";
}

static int range_cmp(const void *a, const void *b)
{
	const struct mf_range *x = a, *y = b;

	return x->off < y->off ? -1 : x->off > y->off;
}

int lib_mf_check_overlap(struct mf_range *r, size_t n, const char *where)
{
	uint64_t end = 0;
	size_t i, last = 0;

	qsort(r, n, sizeof(*r), range_cmp);
	for (i = 0; i < n; i++) {
		if (!r[i].size)
			continue;
		if (r[i].off < end)
			return lib_mf_err("%s: %s (bytes %llu..%llu) overlaps %s (from byte %llu)",
				      where, r[last].what,
				      (unsigned long long)r[last].off,
				      (unsigned long long)(end - 1), r[i].what,
				      (unsigned long long)r[i].off);
		end = r[i].off + r[i].size;
		last = i;
	}
	return 0;
}

uint32_t lib_mf_crc(const uint8_t *b, size_t size)
{
	static const uint8_t zero[4];
	uint32_t crc;

	crc = potnpu_fw_crc32(0, b, HDR(crc32));
	crc = potnpu_fw_crc32(crc, zero, sizeof(zero));
	return potnpu_fw_crc32(crc, b + HDR(crc32) + 4,
			       (uint32_t)(size - HDR(crc32) - 4));
}

EXPORT int potnpu_model_seal(void *buf, size_t size)
{
	if (!buf || size < HEADER_SIZE || size > POTNPU_MF_MAX_SIZE)
		return lib_set_error(-EINVAL, "potnpu_model_seal: %zu bytes cannot be a model file",
				     size);
	lib_put_le((uint8_t *)buf + HDR(crc32), lib_mf_crc(buf, size), 4);
	return 0;
}

static int check_header(const struct mf_ctx *c)
{
	const uint8_t *b = c->b;
	uint64_t fsize;
	unsigned int i;

	if (c->size < HEADER_SIZE)
		return lib_mf_err("truncated: %zu bytes, the header alone is %zu",
			      c->size, HEADER_SIZE);
	if (memcmp(b, POTNPU_MF_MAGIC, 8))
		return lib_mf_err("header (byte 0): bad magic, not a potnpu model file");
	if (lib_get_le(b + HDR(major), 2) != POTNPU_MF_MAJOR)
		return lib_set_error(-EPROTO,
				     "model: header (byte %zu): format version %u.%u, this library reads %u.x",
				     HDR(major), (unsigned int)lib_get_le(b + HDR(major), 2),
				     (unsigned int)lib_get_le(b + HDR(minor), 2),
				     POTNPU_MF_MAJOR);
	if (mf_u32(b + HDR(header_size)) != HEADER_SIZE)
		return lib_mf_err("header (byte %zu): header_size %u, expected %zu",
			      HDR(header_size), mf_u32(b + HDR(header_size)), HEADER_SIZE);
	fsize = mf_u64(b + HDR(file_size));
	if (fsize != c->size)
		return lib_mf_err("truncated or extended: header (byte %zu) says file_size %llu, the file has %zu bytes",
			      HDR(file_size), (unsigned long long)fsize, c->size);
	if (c->size > POTNPU_MF_MAX_SIZE)
		return lib_mf_err("file of %zu bytes is above the limit of %u",
			      c->size, POTNPU_MF_MAX_SIZE);
	if (mf_u32(b + HDR(crc32)) != lib_mf_crc(b, c->size))
		return lib_mf_err("checksum mismatch: header (byte %zu) says 0x%08x, the file's CRC-32 is 0x%08x",
			      HDR(crc32), mf_u32(b + HDR(crc32)), lib_mf_crc(b, c->size));
	for (i = HDR(flags); i < HEADER_SIZE; i += 4)
		if (mf_u32(b + i))
			return lib_mf_err("header (byte %u): flags and reserved fields must be zero", i);
	return 0;
}

/* One entry: placement, alignment, kind; known kinds into @c->sec. */
static int read_entry(struct mf_ctx *c, uint32_t i, uint64_t at,
		      struct mf_range *r)
{
	const uint8_t *e = c->b + at;
	uint32_t kind = mf_u32(e + SEC(kind));
	uint64_t off = mf_u64(e + SEC(offset)), size = mf_u64(e + SEC(size));

	if (mf_u32(e + SEC(flags)))
		return lib_mf_err("section table (byte %llu): section %u: flags must be zero",
			      (unsigned long long)at, i);
	if (off % POTNPU_MF_ALIGN)
		return lib_mf_err("section table (byte %llu): section %u (%s): offset %llu is not %u-byte aligned",
			      (unsigned long long)at, i, lib_mf_section_name(kind),
			      (unsigned long long)off, POTNPU_MF_ALIGN);
	if (off > c->size || size > c->size - off)
		return lib_mf_err("section table (byte %llu): section %u (%s): bytes %llu+%llu are outside the file (%zu bytes)",
			      (unsigned long long)at, i, lib_mf_section_name(kind),
			      (unsigned long long)off, (unsigned long long)size, c->size);
	r->off = off;
	r->size = size;
	snprintf(r->what, sizeof(r->what), "section %u (%s)", i, lib_mf_section_name(kind));
	if (kind >= POTNPU_MF_SEC_KINDS || !kind)
		return 0;	/* a later minor's: skipped */
	if (c->sec[kind].present)
		return lib_mf_err("section table (byte %llu): section %u: a second %s section",
			      (unsigned long long)at, i, lib_mf_section_name(kind));
	c->sec[kind] = (struct mf_section){ .off = off, .size = size, .present = 1 };
	return 0;
}

static int check_required(const struct mf_ctx *c)
{
	uint32_t k;

	for (k = POTNPU_MF_SEC_MODEL; k <= POTNPU_MF_SEC_INPUT; k++)
		if (!c->sec[k].present)
			return lib_mf_err("section table: no %s section", lib_mf_section_name(k));
	return 0;
}

static int read_table(struct mf_ctx *c, struct mf_range *r)
{
	uint32_t n = mf_u32(c->b + HDR(section_count)), i;
	uint64_t at = mf_u64(c->b + HDR(section_table));
	int err;

	if (!n || n > POTNPU_MF_MAX_SECTIONS)
		return lib_mf_err("header (byte %zu): section_count %u is not 1..%u",
			      HDR(section_count), n, POTNPU_MF_MAX_SECTIONS);
	if (at % POTNPU_MF_ALIGN || at > c->size || (uint64_t)n * ENTRY_SIZE > c->size - at)
		return lib_mf_err("header (byte %zu): section table at %llu (%u entries of %zu bytes) is unaligned or outside the file (%zu bytes)",
			      HDR(section_table), (unsigned long long)at, n,
			      ENTRY_SIZE, c->size);
	r[0] = (struct mf_range){ .off = 0, .size = HEADER_SIZE, .what = "the header" };
	r[1] = (struct mf_range){ .off = at, .size = (uint64_t)n * ENTRY_SIZE,
				  .what = "the section table" };
	for (i = 0; i < n; i++) {
		err = read_entry(c, i, at + (uint64_t)i * ENTRY_SIZE, &r[2 + i]);
		if (err)
			return err;
	}
	err = lib_mf_check_overlap(r, n + 2, "sections");
	return err ? err : check_required(c);
}

int lib_mf_parse_container(struct mf_ctx *c)
{
	struct mf_range r[POTNPU_MF_MAX_SECTIONS + 2];
	int err;

	memset(c->sec, 0, sizeof(c->sec));
	err = check_header(c);
	return err ? err : read_table(c, r);
}
