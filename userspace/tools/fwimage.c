// SPDX-License-Identifier: MIT
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fwimage.h"

/* The offsets the validator uses must be those of the header struct. */
_Static_assert(sizeof(struct potnpu_fw_header) == POTNPU_FW_HEADER_SIZE,
	       "header struct size");
_Static_assert(FWIMG_OFF(magic) == POTNPU_FW_OFF_MAGIC, "magic");
_Static_assert(FWIMG_OFF(format_major) == POTNPU_FW_OFF_FORMAT_MAJOR,
	       "format_major");
_Static_assert(FWIMG_OFF(header_size) == POTNPU_FW_OFF_HEADER_SIZE,
	       "header_size");
_Static_assert(FWIMG_OFF(flags) == POTNPU_FW_OFF_FLAGS, "flags");
_Static_assert(FWIMG_OFF(fw_version) == POTNPU_FW_OFF_FW_VERSION,
	       "fw_version");
_Static_assert(FWIMG_OFF(abi_version) == POTNPU_FW_OFF_ABI_VERSION,
	       "abi_version");
_Static_assert(FWIMG_OFF(load_addr) == POTNPU_FW_OFF_LOAD_ADDR, "load_addr");
_Static_assert(FWIMG_OFF(entry) == POTNPU_FW_OFF_ENTRY, "entry");
_Static_assert(FWIMG_OFF(payload_size) == POTNPU_FW_OFF_PAYLOAD_SIZE,
	       "payload_size");
_Static_assert(FWIMG_OFF(payload_crc32) == POTNPU_FW_OFF_PAYLOAD_CRC,
	       "payload_crc32");
_Static_assert(FWIMG_OFF(header_crc32) == POTNPU_FW_OFF_HEADER_CRC,
	       "header_crc32");
_Static_assert(FWIMG_OFF(reserved) == POTNPU_FW_OFF_RESERVED, "reserved");

uint32_t fwimg_get32(const uint8_t *img, size_t off)
{
	return potnpu_fw_get_le32(img + off);
}

uint32_t fwimg_get16(const uint8_t *img, size_t off)
{
	return potnpu_fw_get_le16(img + off);
}

void fwimg_put32(uint8_t *img, size_t off, uint32_t v)
{
	img[off] = (uint8_t)v;
	img[off + 1] = (uint8_t)(v >> 8);
	img[off + 2] = (uint8_t)(v >> 16);
	img[off + 3] = (uint8_t)(v >> 24);
}

void fwimg_put16(uint8_t *img, size_t off, uint16_t v)
{
	img[off] = (uint8_t)v;
	img[off + 1] = (uint8_t)(v >> 8);
}

void fwimg_seal_header(uint8_t *img)
{
	fwimg_put32(img, FWIMG_OFF(header_crc32), potnpu_fw_header_crc(img));
}

int fwimg_pack(const void *payload, size_t len,
	       const struct fwimg_pack_params *p, uint8_t **imgp,
	       size_t *img_len, enum potnpu_fw_error *verr)
{
	enum potnpu_fw_error e;
	size_t padded, total;
	uint8_t *img;

	*imgp = NULL;
	*img_len = 0;
	if (verr)
		*verr = POTNPU_FW_OK;
	if (!len)
		return -EINVAL;
	if (len > POTNPU_FW_MAX_PAYLOAD)
		return -EFBIG;
	padded = (len + 3) & ~(size_t)3;
	if (padded > POTNPU_FW_MAX_PAYLOAD)
		return -EFBIG;
	total = POTNPU_FW_HEADER_SIZE + padded;
	img = calloc(1, total);
	if (!img)
		return -ENOMEM;
	memcpy(img + POTNPU_FW_HEADER_SIZE, payload, len);

	fwimg_put32(img, FWIMG_OFF(magic), POTNPU_FW_MAGIC);
	fwimg_put16(img, FWIMG_OFF(format_major), POTNPU_FW_FORMAT_MAJOR);
	fwimg_put16(img, FWIMG_OFF(format_minor), POTNPU_FW_FORMAT_MINOR);
	fwimg_put32(img, FWIMG_OFF(header_size), POTNPU_FW_HEADER_SIZE);
	fwimg_put32(img, FWIMG_OFF(flags), 0);
	fwimg_put32(img, FWIMG_OFF(fw_version), p->fw_version);
	fwimg_put32(img, FWIMG_OFF(abi_version), p->abi_version);
	fwimg_put32(img, FWIMG_OFF(load_addr), p->load_addr);
	fwimg_put32(img, FWIMG_OFF(entry), p->entry);
	fwimg_put32(img, FWIMG_OFF(payload_size), (uint32_t)padded);
	fwimg_put32(img, FWIMG_OFF(payload_crc32),
		    potnpu_fw_crc32(0, img + POTNPU_FW_HEADER_SIZE,
				    (uint32_t)padded));
	fwimg_seal_header(img);

	e = potnpu_fw_validate(img, total, NULL);
	if (e != POTNPU_FW_OK) {
		if (verr)
			*verr = e;
		free(img);
		return -EDOM;
	}
	*imgp = img;
	*img_len = total;
	return 0;
}

/* One decimal component without sign or leading zeros, <= max. */
static const char *parse_component(const char *s, unsigned long max,
				   unsigned long *out)
{
	unsigned long v = 0;
	const char *p = s;

	if (*p < '0' || *p > '9')
		return NULL;
	if (p[0] == '0' && p[1] >= '0' && p[1] <= '9')
		return NULL;
	for (; *p >= '0' && *p <= '9'; p++) {
		v = v * 10 + (unsigned long)(*p - '0');
		if (v > max)
			return NULL;
	}
	*out = v;
	return p;
}

int fwimg_parse_version(const char *s, uint32_t *out)
{
	unsigned long maj, min, patch;

	if (!s)
		return -EINVAL;
	s = parse_component(s, 0xff, &maj);
	if (!s || *s++ != '.')
		return -EINVAL;
	s = parse_component(s, 0xff, &min);
	if (!s || *s++ != '.')
		return -EINVAL;
	s = parse_component(s, 0xffff, &patch);
	if (!s || *s)
		return -EINVAL;
	*out = POTNPU_FW_VER(maj, min, patch);
	return 0;
}

const char *fwimg_format_version(uint32_t v, char *buf, size_t len)
{
	snprintf(buf, len, "%u.%u.%u", POTNPU_FW_VER_MAJOR(v),
		 POTNPU_FW_VER_MINOR(v), POTNPU_FW_VER_PATCH(v));
	return buf;
}

int fwimg_parse_u32(const char *s, uint32_t *out)
{
	unsigned long long v = 0;
	unsigned int base = 10, d;
	const char *p = s;

	if (!s || !*s)
		return -EINVAL;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
		if (!*p)
			return -EINVAL;
	}
	for (; *p; p++) {
		if (*p >= '0' && *p <= '9')
			d = (unsigned int)(*p - '0');
		else if (base == 16 && *p >= 'a' && *p <= 'f')
			d = (unsigned int)(*p - 'a' + 10);
		else if (base == 16 && *p >= 'A' && *p <= 'F')
			d = (unsigned int)(*p - 'A' + 10);
		else
			return -EINVAL;
		v = v * base + d;
		if (v > 0xffffffffull)
			return -EINVAL;
	}
	*out = (uint32_t)v;
	return 0;
}

int fwimg_read_file(const char *path, uint8_t **datap, size_t *len,
		    uint64_t *file_size)
{
	const size_t max = POTNPU_FW_HEADER_SIZE + POTNPU_FW_MAX_PAYLOAD;
	uint64_t total = 0;
	uint8_t *buf, extra[4096];
	size_t used = 0;
	struct stat st;
	ssize_t n;
	int fd, err;

	*datap = NULL;
	*len = 0;
	*file_size = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	buf = malloc(max);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	/* Keep the first max bytes; only the size of the rest matters. */
	for (;;) {
		if (used == max && fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
			if ((uint64_t)st.st_size > total)
				total = (uint64_t)st.st_size;
			break;
		}
		if (used < max)
			n = read(fd, buf + used, max - used);
		else
			n = read(fd, extra, sizeof(extra));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			err = -errno;
			free(buf);
			close(fd);
			return err;
		}
		if (!n)
			break;
		if (used < max)
			used += (size_t)n;
		total += (uint64_t)n;
	}
	close(fd);
	*datap = buf;
	*len = used;
	*file_size = total;
	return 0;
}
