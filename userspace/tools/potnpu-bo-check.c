// SPDX-License-Identifier: MIT
/*
 * potnpu-bo-check: exercise libpotnpu's buffer objects on a real device
 * (meant for a guest with the potnpu driver loaded): create buffers of a
 * few sizes, one device read-only, check their sizes and device addresses,
 * map them, check they start zeroed, write and read back through the
 * mapping, and free them. See docs/userspace.md.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "common.h"

#define NBOS 3
#define PROG "potnpu-bo-check"

static const struct {
	size_t size;
	uint32_t flags;
} want[NBOS] = {
	{ 1, 0 },
	{ 65536 + 100, POTNPU_BO_READ_ONLY },
	{ 1u << 20, 0 },
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: " PROG " [--device N]\n"
		"\n"
		"Create, map, write, read back and free a few buffer objects on\n"
		"potnpu device N (default 0).\n"
		"\n"
		"Exit status: 0 ok, 1 a check failed, 64 usage error, 69 no (such)\n"
		"device or no buffer objects, 76 driver/library mismatch,\n"
		"77 permission denied, 71 other system error.\n");
}

/* Fails the run with @err's library message. */
static int lib_fail(int err)
{
	fprintf(stderr, PROG ": %s\n", potnpu_last_error());
	return tool_exit_code(err);
}

static int check(struct potnpu_device *dev)
{
	struct potnpu_bo *bo[NBOS] = { NULL }, *none;
	size_t page = (size_t)sysconf(_SC_PAGESIZE), i, j, size;
	uint8_t *p[NBOS], *again;
	int err = 0, rc = 1;

	for (i = 0; i < NBOS; i++) {
		err = potnpu_bo_create(dev, want[i].size, want[i].flags, &bo[i]);
		if (err) {
			rc = lib_fail(err);
			goto out;
		}
		size = potnpu_bo_size(bo[i]);
		if (size < want[i].size || size % page ||
		    !potnpu_bo_va(bo[i]) || potnpu_bo_va(bo[i]) % page) {
			fprintf(stderr,
				PROG ": buffer %zu: asked %zu bytes, got %zu at device address 0x%llx\n",
				i, want[i].size, size,
				(unsigned long long)potnpu_bo_va(bo[i]));
			goto out;
		}
		for (j = 0; j < i; j++) {
			uint64_t a = potnpu_bo_va(bo[j]);

			if (a < potnpu_bo_va(bo[i]) + size &&
			    potnpu_bo_va(bo[i]) < a + potnpu_bo_size(bo[j])) {
				fprintf(stderr,
					PROG ": buffers %zu and %zu overlap in the device address space\n",
					j, i);
				goto out;
			}
		}
		err = potnpu_bo_map(bo[i], (void **)&p[i]);
		if (err) {
			rc = lib_fail(err);
			goto out;
		}
		for (j = 0; j < size; j++) {
			if (p[i][j]) {
				fprintf(stderr,
					PROG ": buffer %zu is not zeroed (byte %zu is 0x%02x)\n",
					i, j, p[i][j]);
				goto out;
			}
		}
		for (j = 0; j < size; j++)
			p[i][j] = (uint8_t)(j * 31 + i);
	}
	for (i = 0; i < NBOS; i++) {
		err = potnpu_bo_map(bo[i], (void **)&again);
		if (err) {
			rc = lib_fail(err);
			goto out;
		}
		if (again != p[i]) {
			fprintf(stderr, PROG ": buffer %zu mapped twice\n", i);
			goto out;
		}
		for (j = 0; j < potnpu_bo_size(bo[i]); j++) {
			if (p[i][j] != (uint8_t)(j * 31 + i)) {
				fprintf(stderr,
					PROG ": buffer %zu: byte %zu reads back 0x%02x\n",
					i, j, p[i][j]);
				goto out;
			}
		}
	}
	err = potnpu_bo_create(dev, 0, 0, &none);
	if (err != -EINVAL) {
		fprintf(stderr, PROG ": a 0-byte buffer was not refused (%d)\n",
			err);
		goto out;
	}
	rc = 0;
out:
	for (i = 0; i < NBOS; i++)
		potnpu_bo_free(bo[i]);
	return rc;
}

int main(int argc, char *argv[])
{
	struct potnpu_device *dev;
	unsigned long device;
	int err, rc;

	rc = tool_parse_device_args(PROG, usage, argc, argv, &device);
	if (rc >= 0)
		return rc;
	err = potnpu_open_index((unsigned int)device, &dev);
	if (err)
		return lib_fail(err);
	rc = check(dev);
	if (!rc)
		printf(PROG ": device %lu (%s): %d buffer objects created, mapped, written, read back and freed\n",
		       device, potnpu_path(dev), NBOS);
	potnpu_close(dev);
	return rc;
}
