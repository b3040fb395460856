// SPDX-License-Identifier: MIT
/*
 * potnpu-fwimage: pack, check and inspect potnpu firmware images.
 *
 *   potnpu-fwimage pack --version X.Y.Z --abi X.Y.Z --load ADDR --entry ADDR in.bin out.img
 *   potnpu-fwimage check file.img...
 *   potnpu-fwimage info [--json] file.img
 *   potnpu-fwimage abi
 *
 * Validation is potnpu_fw_validate(), the same code the kernel driver
 * runs. Exit codes are in usage() and docs/firmware-image.md.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

#include "fwimage.h"
#include "tool_json.h"

#define PROG "potnpu-fwimage"
#define EXIT_INVALID 1

#ifndef POTNPU_TOOLS_VERSION
#define POTNPU_TOOLS_VERSION "unknown"
#endif

static void usage(FILE *f)
{
	fprintf(f,
		"usage: " PROG " pack --version X.Y.Z --abi X.Y.Z --load ADDR --entry ADDR IN.bin OUT.img\n"
		"       " PROG " check FILE.img...\n"
		"       " PROG " info [--json] FILE.img\n"
		"       " PROG " abi\n"
		"       " PROG " --help | --version\n"
		"\n"
		"pack    wrap a raw RV32I payload (objcopy -O binary) into a firmware\n"
		"        image: 64-byte header with CRC-32s, payload zero-padded to a\n"
		"        multiple of 4. --version is the firmware release, --abi the\n"
		"        host/firmware interface version it speaks; ADDR is decimal or\n"
		"        0x-hex. The image is validated before it is written.\n"
		"check   validate images exactly as the kernel driver does\n"
		"info    print every header field, then whether the image is valid\n"
		"abi     print this tree's host/firmware ABI version (POTNPU_FW_ABI_VERSION)\n"
		"\n"
		"Exit status: 0 ok, 1 invalid image (check, info), 64 usage error,\n"
		"65 payload cannot make a valid image (pack), 66 cannot read input,\n"
		"71 out of memory, 73 cannot write output.\n");
}

/* The specifics behind a validation error, for messages. */
static void explain(enum potnpu_fw_error e, const uint8_t *img, uint64_t size,
		    char *buf, size_t len)
{
	const uint8_t *payload = img + POTNPU_FW_HEADER_SIZE;
	uint32_t psize, load, entry, abi;
	char a[24], b[24];
	unsigned int i;

	buf[0] = '\0';
	if (e == POTNPU_FW_OK || e == POTNPU_FW_ETRUNC) {
		if (e == POTNPU_FW_ETRUNC)
			snprintf(buf, len, " (file is %llu bytes)",
				 (unsigned long long)size);
		return;
	}
	psize = fwimg_get32(img, FWIMG_OFF(payload_size));
	load = fwimg_get32(img, FWIMG_OFF(load_addr));
	entry = fwimg_get32(img, FWIMG_OFF(entry));
	abi = fwimg_get32(img, FWIMG_OFF(abi_version));
	switch (e) {
	case POTNPU_FW_EMAGIC:
		snprintf(buf, len, " (magic 0x%08x, expected 0x%08x)",
			 fwimg_get32(img, FWIMG_OFF(magic)), POTNPU_FW_MAGIC);
		break;
	case POTNPU_FW_EFORMAT:
		snprintf(buf, len, " (format %u.%u, this tool reads format %u.x)",
			 fwimg_get16(img, FWIMG_OFF(format_major)),
			 fwimg_get16(img, FWIMG_OFF(format_minor)),
			 POTNPU_FW_FORMAT_MAJOR);
		break;
	case POTNPU_FW_EHDRSIZE:
		snprintf(buf, len, " (header_size %u, expected %u)",
			 fwimg_get32(img, FWIMG_OFF(header_size)),
			 POTNPU_FW_HEADER_SIZE);
		break;
	case POTNPU_FW_EHDRCRC:
		snprintf(buf, len, " (stored 0x%08x, computed 0x%08x)",
			 fwimg_get32(img, FWIMG_OFF(header_crc32)),
			 potnpu_fw_header_crc(img));
		break;
	case POTNPU_FW_ERESERVED:
		if (fwimg_get32(img, FWIMG_OFF(flags))) {
			snprintf(buf, len, " (flags 0x%08x)",
				 fwimg_get32(img, FWIMG_OFF(flags)));
			break;
		}
		for (i = 0; i < 5; i++) {
			uint32_t v = fwimg_get32(img, FWIMG_OFF(reserved) + 4 * i);

			if (v) {
				snprintf(buf, len, " (reserved[%u] = 0x%08x)", i, v);
				break;
			}
		}
		break;
	case POTNPU_FW_ESIZE:
		snprintf(buf, len,
			 " (payload_size %u, file %llu bytes; need 1-%u bytes, a multiple of 4, and a file of exactly %u + payload_size bytes)",
			 psize, (unsigned long long)size, POTNPU_FW_MAX_PAYLOAD,
			 POTNPU_FW_HEADER_SIZE);
		break;
	case POTNPU_FW_ELOAD:
		snprintf(buf, len,
			 " (load_addr 0x%08x + %u bytes; control core memory is 0x%08x-0x%08x, load_addr 4-byte aligned)",
			 load, psize, POTNPU_CORE_IMEM_BASE,
			 POTNPU_CORE_IMEM_BASE + POTNPU_CORE_IMEM_SIZE);
		break;
	case POTNPU_FW_EENTRY:
		snprintf(buf, len,
			 " (entry 0x%08x; payload at 0x%08x-0x%08llx, entry 4-byte aligned)",
			 entry, load, (unsigned long long)load + psize);
		break;
	case POTNPU_FW_EPAYLOADCRC:
		snprintf(buf, len, " (stored 0x%08x, computed 0x%08x)",
			 fwimg_get32(img, FWIMG_OFF(payload_crc32)),
			 potnpu_fw_crc32(0, payload, psize));
		break;
	case POTNPU_FW_EABI:
		snprintf(buf, len, " (image speaks ABI %s, this tree %s)",
			 fwimg_format_version(abi, a, sizeof(a)),
			 fwimg_format_version(POTNPU_FW_ABI_VERSION, b,
					      sizeof(b)));
		break;
	default:
		break;
	}
}

static int read_input(const char *path, uint8_t **data, size_t *len,
		      uint64_t *size)
{
	int err = fwimg_read_file(path, data, len, size);

	if (err) {
		fprintf(stderr, PROG ": cannot read '%s': %s\n", path,
			strerror(-err));
		return err == -ENOMEM ? EX_OSERR : EX_NOINPUT;
	}
	return 0;
}

/* Write @data to @path atomically: temporary file, then rename. */
static int write_output(const char *path, const uint8_t *data, size_t len)
{
	size_t plen = strlen(path), off = 0;
	char *tmp = malloc(plen + 16);
	mode_t mask;
	ssize_t n;
	int fd;

	if (!tmp)
		return EX_OSERR;
	snprintf(tmp, plen + 16, "%s.tmp.XXXXXX", path);
	fd = mkstemp(tmp);
	if (fd < 0)
		goto fail;
	mask = umask(0);
	umask(mask);
	if (fchmod(fd, 0666 & ~mask))
		goto fail_fd;
	while (off < len) {
		n = write(fd, data + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			goto fail_fd;
		off += (size_t)n;
	}
	if (close(fd)) {
		fd = -1;
		goto fail_fd;
	}
	if (rename(tmp, path))
		goto fail_tmp;
	free(tmp);
	return 0;

fail_fd:
	if (fd >= 0)
		close(fd);
fail_tmp:
	fprintf(stderr, PROG ": cannot write '%s': %s\n", path, strerror(errno));
	unlink(tmp);
	free(tmp);
	return EX_CANTCREAT;
fail:
	fprintf(stderr, PROG ": cannot write '%s': %s\n", path, strerror(errno));
	free(tmp);
	return EX_CANTCREAT;
}

static int cmd_pack(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "version", required_argument, NULL, 'v' },
		{ "abi", required_argument, NULL, 'a' },
		{ "load", required_argument, NULL, 'l' },
		{ "entry", required_argument, NULL, 'e' },
		{ NULL, 0, NULL, 0 },
	};
	struct fwimg_pack_params p = { 0 };
	bool have_version = false, have_abi = false, have_load = false;
	bool have_entry = false;
	enum potnpu_fw_error verr;
	uint8_t *payload, *img;
	size_t len, img_len;
	uint64_t size;
	char detail[256], v[24], a[24];
	int c, ret, err;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", longopts, NULL)) != -1) {
		switch (c) {
		case 'v':
		case 'a':
			if (fwimg_parse_version(optarg, c == 'v' ? &p.fw_version :
						&p.abi_version)) {
				fprintf(stderr,
					PROG " pack: invalid --%s '%s': expected MAJOR.MINOR.PATCH (decimal, no leading zeros; MAJOR and MINOR 0-255, PATCH 0-65535)\n",
					c == 'v' ? "version" : "abi", optarg);
				return EX_USAGE;
			}
			*(c == 'v' ? &have_version : &have_abi) = true;
			break;
		case 'l':
		case 'e':
			if (fwimg_parse_u32(optarg, c == 'l' ? &p.load_addr :
					    &p.entry)) {
				fprintf(stderr,
					PROG " pack: invalid --%s '%s': expected an address, decimal or 0x-hex, at most 0xffffffff\n",
					c == 'l' ? "load" : "entry", optarg);
				return EX_USAGE;
			}
			*(c == 'l' ? &have_load : &have_entry) = true;
			break;
		case ':':
			fprintf(stderr, PROG " pack: option '%s' needs an argument\n",
				argv[optind - 1]);
			return EX_USAGE;
		default:
			fprintf(stderr, PROG " pack: unrecognized option '%s' (see --help)\n",
				argv[optind - 1]);
			return EX_USAGE;
		}
	}
	if (!have_version || !have_abi || !have_load || !have_entry) {
		fprintf(stderr, PROG " pack: missing --%s (see --help)\n",
			!have_version ? "version" : !have_abi ? "abi" :
			!have_load ? "load" : "entry");
		return EX_USAGE;
	}
	if (argc - optind != 2) {
		fprintf(stderr, PROG " pack: expected IN.bin and OUT.img, got %d argument%s (see --help)\n",
			argc - optind, argc - optind == 1 ? "" : "s");
		return EX_USAGE;
	}

	ret = read_input(argv[optind], &payload, &len, &size);
	if (ret)
		return ret;
	if (size > len) {
		fprintf(stderr, PROG " pack: '%s' is %llu bytes, larger than the %u-byte control core memory\n",
			argv[optind], (unsigned long long)size,
			POTNPU_FW_MAX_PAYLOAD);
		free(payload);
		return EX_DATAERR;
	}
	err = fwimg_pack(payload, len, &p, &img, &img_len, &verr);
	free(payload);
	switch (err) {
	case 0:
		break;
	case -EINVAL:
		fprintf(stderr, PROG " pack: '%s' is empty: nothing to pack\n",
			argv[optind]);
		return EX_DATAERR;
	case -EFBIG:
		fprintf(stderr, PROG " pack: '%s' is %zu bytes, larger than the %u-byte control core memory\n",
			argv[optind], len, POTNPU_FW_MAX_PAYLOAD);
		return EX_DATAERR;
	case -EDOM: {
		/* Re-create the rejected header to explain the reason. */
		uint8_t hdr[POTNPU_FW_HEADER_SIZE] = { 0 };
		uint32_t padded = (uint32_t)((len + 3) & ~(size_t)3);

		fwimg_put32(hdr, FWIMG_OFF(load_addr), p.load_addr);
		fwimg_put32(hdr, FWIMG_OFF(entry), p.entry);
		fwimg_put32(hdr, FWIMG_OFF(payload_size), padded);
		fwimg_put32(hdr, FWIMG_OFF(abi_version), p.abi_version);
		explain(verr, hdr, POTNPU_FW_HEADER_SIZE + padded, detail,
			sizeof(detail));
		if (verr == POTNPU_FW_EPAYLOADCRC || verr == POTNPU_FW_EHDRCRC)
			detail[0] = '\0';
		fprintf(stderr, PROG " pack: the image would be invalid: %s%s\n",
			potnpu_fw_strerror(verr), detail);
		return EX_DATAERR;
	}
	default:
		fprintf(stderr, PROG " pack: %s\n", strerror(-err));
		return EX_OSERR;
	}
	ret = write_output(argv[optind + 1], img, img_len);
	free(img);
	if (ret)
		return ret;
	printf(PROG ": wrote %s: fw %s, abi %s, %zu-byte payload at 0x%08x, entry 0x%08x\n",
		argv[optind + 1], fwimg_format_version(p.fw_version, v, sizeof(v)),
		fwimg_format_version(p.abi_version, a, sizeof(a)),
		img_len - POTNPU_FW_HEADER_SIZE, p.load_addr, p.entry);
	return EX_OK;
}

static int cmd_check(int argc, char *argv[])
{
	struct potnpu_fw_info info;
	enum potnpu_fw_error e;
	char detail[256], v[24], a[24];
	int i, ret, status = EX_OK;
	uint8_t *img;
	uint64_t size;
	size_t len;

	if (argc < 2) {
		fprintf(stderr, PROG " check: no image given (see --help)\n");
		return EX_USAGE;
	}
	for (i = 1; i < argc; i++) {
		if (argv[i][0] == '-' && argv[i][1]) {
			fprintf(stderr, PROG " check: unrecognized option '%s' (see --help)\n",
				argv[i]);
			return EX_USAGE;
		}
	}
	for (i = 1; i < argc; i++) {
		ret = read_input(argv[i], &img, &len, &size);
		if (ret) {
			if (status == EX_OK || status == EXIT_INVALID)
				status = ret;
			continue;
		}
		e = potnpu_fw_validate(img, size, &info);
		if (e == POTNPU_FW_OK) {
			printf("%s: valid potnpu firmware image: fw %s, abi %s, %u-byte payload at 0x%08x, entry 0x%08x\n",
			       argv[i],
			       fwimg_format_version(info.fw_version, v, sizeof(v)),
			       fwimg_format_version(info.abi_version, a, sizeof(a)),
			       info.payload_size, info.load_addr, info.entry);
		} else {
			explain(e, img, size, detail, sizeof(detail));
			fprintf(stderr, PROG ": %s: invalid: %s%s\n", argv[i],
				potnpu_fw_strerror(e), detail);
			if (status == EX_OK)
				status = EXIT_INVALID;
		}
		free(img);
	}
	return status;
}

static void info_text(const char *path, const uint8_t *img, uint64_t size)
{
	char v[24];
	unsigned int i;

	printf("file:          %s (%llu bytes)\n", path, (unsigned long long)size);
	printf("magic:         0x%08x\n", fwimg_get32(img, FWIMG_OFF(magic)));
	printf("format:        %u.%u\n", fwimg_get16(img, FWIMG_OFF(format_major)),
	       fwimg_get16(img, FWIMG_OFF(format_minor)));
	printf("header size:   %u\n", fwimg_get32(img, FWIMG_OFF(header_size)));
	printf("flags:         0x%08x\n", fwimg_get32(img, FWIMG_OFF(flags)));
	printf("fw version:    %s (0x%08x)\n",
	       fwimg_format_version(fwimg_get32(img, FWIMG_OFF(fw_version)),
				    v, sizeof(v)),
	       fwimg_get32(img, FWIMG_OFF(fw_version)));
	printf("abi version:   %s (0x%08x)\n",
	       fwimg_format_version(fwimg_get32(img, FWIMG_OFF(abi_version)),
				    v, sizeof(v)),
	       fwimg_get32(img, FWIMG_OFF(abi_version)));
	printf("load address:  0x%08x\n", fwimg_get32(img, FWIMG_OFF(load_addr)));
	printf("entry:         0x%08x\n", fwimg_get32(img, FWIMG_OFF(entry)));
	printf("payload size:  %u\n", fwimg_get32(img, FWIMG_OFF(payload_size)));
	printf("payload crc32: 0x%08x\n",
	       fwimg_get32(img, FWIMG_OFF(payload_crc32)));
	printf("header crc32:  0x%08x\n",
	       fwimg_get32(img, FWIMG_OFF(header_crc32)));
	printf("reserved:     ");
	for (i = 0; i < 5; i++)
		printf(" 0x%08x", fwimg_get32(img, FWIMG_OFF(reserved) + 4 * i));
	printf("\n");
}

/* Member @key of @o: the 32-bit header field at @off of @img. */
static void json_field32(struct json_object *o, const char *key,
			 const uint8_t *img, size_t off)
{
	tool_json_add_uint(o, key, fwimg_get32(img, off));
}

/* Member @key of @o: the version at @off of @img as text. */
static void json_version(struct json_object *o, const char *key,
			 const uint8_t *img, size_t off)
{
	char v[24];

	fwimg_format_version(fwimg_get32(img, off), v, sizeof(v));
	tool_json_add_string(o, key, v);
}

static struct json_object *json_header(const uint8_t *img)
{
	struct json_object *o = json_object_new_object();
	struct json_object *reserved = json_object_new_array();
	unsigned int i;

	json_field32(o, "magic", img, FWIMG_OFF(magic));
	tool_json_add_uint(o, "format_major",
			   fwimg_get16(img, FWIMG_OFF(format_major)));
	tool_json_add_uint(o, "format_minor",
			   fwimg_get16(img, FWIMG_OFF(format_minor)));
	json_field32(o, "header_size", img, FWIMG_OFF(header_size));
	json_field32(o, "flags", img, FWIMG_OFF(flags));
	json_version(o, "fw_version", img, FWIMG_OFF(fw_version));
	json_version(o, "abi_version", img, FWIMG_OFF(abi_version));
	json_field32(o, "load_addr", img, FWIMG_OFF(load_addr));
	json_field32(o, "entry", img, FWIMG_OFF(entry));
	json_field32(o, "payload_size", img, FWIMG_OFF(payload_size));
	json_field32(o, "payload_crc32", img, FWIMG_OFF(payload_crc32));
	json_field32(o, "header_crc32", img, FWIMG_OFF(header_crc32));
	for (i = 0; i < 5; i++) {
		uint32_t r = fwimg_get32(img, FWIMG_OFF(reserved) + 4 * i);

		json_object_array_add(reserved, json_object_new_uint64(r));
	}
	json_object_object_add(o, "reserved", reserved);
	return o;
}

static void info_json(const char *path, const uint8_t *img, uint64_t size,
		      enum potnpu_fw_error e, const char *detail)
{
	struct json_object *doc = json_object_new_object();
	struct json_object *error = NULL;
	char msg[320];

	tool_json_add_string(doc, "file", path);
	tool_json_add_uint(doc, "size", size);
	json_object_object_add(doc, "header", size >= POTNPU_FW_HEADER_SIZE ?
			       json_header(img) : NULL);
	json_object_object_add(doc, "valid",
			       json_object_new_boolean(e == POTNPU_FW_OK));
	if (e != POTNPU_FW_OK) {
		snprintf(msg, sizeof(msg), "%s%s", potnpu_fw_strerror(e),
			 detail);
		error = tool_json_string(msg);
	}
	json_object_object_add(doc, "error", error);
	tool_json_finish(doc, stdout);
}

static int cmd_info(int argc, char *argv[])
{
	bool json = false;
	const char *path = NULL;
	enum potnpu_fw_error e;
	char detail[256];
	uint64_t size;
	uint8_t *img;
	size_t len;
	int i, ret;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json") || !strcmp(argv[i], "-j")) {
			json = true;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			fprintf(stderr, PROG " info: unrecognized option '%s' (see --help)\n",
				argv[i]);
			return EX_USAGE;
		} else if (path) {
			fprintf(stderr, PROG " info: one image at a time (see --help)\n");
			return EX_USAGE;
		} else {
			path = argv[i];
		}
	}
	if (!path) {
		fprintf(stderr, PROG " info: no image given (see --help)\n");
		return EX_USAGE;
	}
	ret = read_input(path, &img, &len, &size);
	if (ret)
		return ret;
	e = potnpu_fw_validate(img, size, NULL);
	explain(e, img, size, detail, sizeof(detail));
	if (json) {
		info_json(path, img, size, e, detail);
	} else {
		if (size >= POTNPU_FW_HEADER_SIZE)
			info_text(path, img, size);
		else
			printf("file:          %s (%llu bytes)\n", path,
			       (unsigned long long)size);
		if (e == POTNPU_FW_OK)
			printf("status:        valid\n");
		else
			printf("status:        invalid: %s%s\n",
			       potnpu_fw_strerror(e), detail);
	}
	free(img);
	return e == POTNPU_FW_OK ? EX_OK : EXIT_INVALID;
}

int main(int argc, char *argv[])
{
	const char *cmd = argc > 1 ? argv[1] : NULL;
	char v[24];

	if (!cmd) {
		usage(stderr);
		return EX_USAGE;
	}
	if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
		usage(stdout);
		return EX_OK;
	}
	if (!strcmp(cmd, "--version") || !strcmp(cmd, "-V")) {
		printf(PROG " %s (image format %u.%u, fw ABI %s)\n",
		       POTNPU_TOOLS_VERSION, POTNPU_FW_FORMAT_MAJOR,
		       POTNPU_FW_FORMAT_MINOR,
		       fwimg_format_version(POTNPU_FW_ABI_VERSION, v, sizeof(v)));
		return EX_OK;
	}
	if (!strcmp(cmd, "pack"))
		return cmd_pack(argc - 1, argv + 1);
	if (!strcmp(cmd, "check"))
		return cmd_check(argc - 1, argv + 1);
	if (!strcmp(cmd, "info"))
		return cmd_info(argc - 1, argv + 1);
	if (!strcmp(cmd, "abi")) {
		if (argc != 2) {
			fprintf(stderr, PROG " abi: takes no arguments\n");
			return EX_USAGE;
		}
		printf("%s\n", fwimg_format_version(POTNPU_FW_ABI_VERSION, v,
						    sizeof(v)));
		return EX_OK;
	}
	fprintf(stderr, PROG ": unknown command '%s' (see --help)\n", cmd);
	return EX_USAGE;
}
