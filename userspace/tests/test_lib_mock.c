// SPDX-License-Identifier: MIT
/*
 * libpotnpu, and potnpu-bench's device path, against the fake potnpu
 * driver of fake_drm.c (linked with ld --wrap over libdrm): enumeration
 * with mixed nodes, driver name and version checks, the query size
 * negotiation, and how the library copes with a misbehaving driver.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <sysexits.h>

#include "bench.h"
#include "fake_drm.h"
#include "libpotnpu.h"
#include "potnpu_fw_image.h"

#define MIN POTNPU_DEVICE_INFO_MIN_SIZE

/* ---- fixture ---------------------------------------------------------- */

static char dir[64];
static size_t page;

static void add_node(const char *accel, const char *target, const char *name,
		     int major, int minor, enum fake_mode mode, uint32_t size)
{
	char path[128];

	fake_drm_add(target, name, major, minor, mode, size, 0);
	snprintf(path, sizeof(path), "%s/%s", dir, accel);
	assert_int_equal(symlink(target, path), 0);
}

static void add_potnpu(const char *accel, const char *target)
{
	add_node(accel, target, "potnpu", DRM_POTNPU_UAPI_MAJOR,
		 DRM_POTNPU_UAPI_MINOR, FAKE_OK, sizeof(fake_info));
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/potnpu-test-mock-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	setenv(POTNPU_ACCEL_DIR_ENV, dir, 1);
	fake_drm_reset();
	page = (size_t)sysconf(_SC_PAGESIZE);
	return 0;
}

static int teardown(void **state)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char path[384];

	(void)state;
	while (d && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		unlink(path);
	}
	if (d)
		closedir(d);
	rmdir(dir);
	unsetenv(POTNPU_ACCEL_DIR_ENV);
	return 0;
}

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	int n = 0;

	while (d && (de = readdir(d)))
		if (de->d_name[0] != '.')
			n++;
	if (d)
		closedir(d);
	return n;
}

static void assert_contains(const char *s, const char *sub)
{
	if (!strstr(s, sub))
		fail_msg("\"%s\" does not contain \"%s\"", s, sub);
}

static const char *node_path(const char *accel)
{
	static char path[128];

	snprintf(path, sizeof(path), "%s/%s", dir, accel);
	return path;
}

/* ---- enumeration ------------------------------------------------------ */

static void test_enum_mixed_nodes(void **state)
{
	struct potnpu_device_list *list;
	struct potnpu_device *dev;
	char want[160];
	int fds = count_fds();

	(void)state;
	add_potnpu("accel10", "/dev/urandom");
	add_potnpu("accel2", "/dev/zero");
	add_node("accel1", "/dev/full", "ivpu", 1, 0, FAKE_OK, MIN);
	/* not DRM at all */
	assert_int_equal(symlink("/dev/null", node_path("accel3")), 0);

	assert_int_equal(potnpu_list_devices(&list), 0);
	assert_int_equal(potnpu_list_count(list), 2);
	/* Numeric order, not directory or string order. */
	assert_string_equal(potnpu_list_path(list, 0), node_path("accel2"));
	assert_string_equal(potnpu_list_path(list, 1), node_path("accel10"));
	assert_null(potnpu_list_path(list, 2));
	potnpu_list_free(list);

	assert_int_equal(potnpu_open_index(1, &dev), 0);
	assert_string_equal(potnpu_path(dev), node_path("accel10"));
	assert_true(potnpu_fd(dev) >= 0);
	potnpu_close(dev);

	assert_int_equal(potnpu_open_index(2, &dev), -ENODEV);
	assert_null(dev);
	snprintf(want, sizeof(want),
		 "no potnpu device with index 2: 2 found in %s (valid indices 0-1)",
		 dir);
	assert_string_equal(potnpu_last_error(), want);
	assert_int_equal(count_fds(), fds);
}

static void test_enum_only_other_drivers(void **state)
{
	struct potnpu_device_list *list;

	(void)state;
	add_node("accel0", "/dev/full", "ivpu", 1, 0, FAKE_OK, MIN);
	assert_int_equal(symlink("/dev/null", node_path("accel1")), 0);
	assert_int_equal(potnpu_list_devices(&list), -ENODEV);
	assert_null(list);
	assert_contains(potnpu_last_error(), "(is the potnpu module loaded?)");
	assert_contains(potnpu_last_error(),
			"skipped 2 nodes: accel0 (driven by \"ivpu\", not potnpu), accel1 (not a DRM device)");
}

static void test_enum_lists_incompatible_potnpu(void **state)
{
	struct potnpu_device_list *list;
	struct potnpu_device *dev;

	(void)state;
	/* Listed (it is a potnpu device), but opening says why it is unusable. */
	add_node("accel0", "/dev/zero", "potnpu", DRM_POTNPU_UAPI_MAJOR + 1, 0,
		 FAKE_OK, MIN);
	assert_int_equal(potnpu_list_devices(&list), 0);
	assert_int_equal(potnpu_list_count(list), 1);
	potnpu_list_free(list);
	assert_int_equal(potnpu_open_index(0, &dev), -EPROTO);
	assert_contains(potnpu_last_error(), "potnpu driver too new");
}

/* ---- open: driver checks ---------------------------------------------- */

static void test_open_other_driver(void **state)
{
	struct potnpu_device *dev;

	(void)state;
	add_node("accel0", "/dev/full", "ivpu", 1, 0, FAKE_OK, MIN);
	assert_int_equal(potnpu_open(node_path("accel0"), &dev), -ENXIO);
	assert_null(dev);
	assert_contains(potnpu_last_error(), node_path("accel0"));
	assert_contains(potnpu_last_error(), "driven by \"ivpu\", not potnpu");
}

static void test_open_older_minor_ok(void **state)
{
	struct potnpu_device *dev;
	int fds = count_fds();

	(void)state;
	/* A driver older than the header: opened, queried; the calls it
	 * lacks refuse one by one (test_bo_old_driver). */
	add_node("accel0", "/dev/zero", "potnpu", DRM_POTNPU_UAPI_MAJOR, 0,
		 FAKE_OK, MIN);
	assert_int_equal(potnpu_open(node_path("accel0"), &dev), 0);
	assert_int_equal(potnpu_driver(dev)->minor, 0);
	assert_int_equal(potnpu_require_cap(dev, DRM_POTNPU_CAP_IRQ), 0);
	potnpu_close(dev);
	assert_int_equal(count_fds(), fds);
}

static void test_open_driver_too_new(void **state)
{
	struct potnpu_device *dev;

	(void)state;
	add_node("accel0", "/dev/zero", "potnpu", DRM_POTNPU_UAPI_MAJOR + 1, 0,
		 FAKE_OK, MIN);
	assert_int_equal(potnpu_open(node_path("accel0"), &dev), -EPROTO);
	assert_contains(potnpu_last_error(), "potnpu driver too new");
	assert_contains(potnpu_last_error(), "update libpotnpu");
}

static void test_open_newer_minor_ok(void **state)
{
	const struct potnpu_driver_info *drv;
	struct potnpu_device *dev;

	(void)state;
	add_node("accel0", "/dev/zero", "potnpu", DRM_POTNPU_UAPI_MAJOR,
		 DRM_POTNPU_UAPI_MINOR + 5, FAKE_OK, MIN);
	assert_int_equal(potnpu_open(node_path("accel0"), &dev), 0);
	drv = potnpu_driver(dev);
	assert_string_equal(drv->name, "potnpu");
	assert_int_equal(drv->major, DRM_POTNPU_UAPI_MAJOR);
	assert_int_equal(drv->minor, DRM_POTNPU_UAPI_MINOR + 5);
	assert_int_equal(drv->patch, 3);
	assert_string_equal(drv->date, "20261123");
	assert_string_equal(drv->desc, "fake potnpu driver");
	potnpu_close(dev);
}

static void test_open_query_missing(void **state)
{
	struct potnpu_device *dev;
	int fds = count_fds();

	(void)state;
	add_node("accel0", "/dev/zero", "potnpu", DRM_POTNPU_UAPI_MAJOR,
		 DRM_POTNPU_UAPI_MINOR, FAKE_NO_QUERY, MIN);
	assert_int_equal(potnpu_open(node_path("accel0"), &dev), -EPROTO);
	assert_null(dev);
	assert_contains(potnpu_last_error(), "rejected the device-info query");
	assert_int_equal(count_fds(), fds);
}

static void test_open_short_answer(void **state)
{
	struct potnpu_device *dev;
	char want[96];

	(void)state;
	add_node("accel0", "/dev/zero", "potnpu", DRM_POTNPU_UAPI_MAJOR,
		 DRM_POTNPU_UAPI_MINOR, FAKE_SHORT_SIZE, MIN);
	assert_int_equal(potnpu_open(node_path("accel0"), &dev), -EBADMSG);
	assert_null(dev);
	snprintf(want, sizeof(want),
		 "16-byte device-info answer, less than the %u-byte first version",
		 MIN);
	assert_contains(potnpu_last_error(), want);
}

/* ---- queries ---------------------------------------------------------- */

static void test_query_device_info(void **state)
{
	struct drm_potnpu_device_info info;
	struct potnpu_device *dev;

	(void)state;
	add_potnpu("accel0", "/dev/zero");
	assert_int_equal(potnpu_open(node_path("accel0"), &dev), 0);
	/* Negotiation step one at open: size 0 asks for the size. */
	assert_int_equal(fake_nqueries, 1);
	assert_int_equal(fake_query_sizes[0], 0);

	memset(&info, 0xff, sizeof(info));
	assert_int_equal(potnpu_query_device_info(dev, &info, sizeof(info)), 0);
	assert_int_equal(fake_query_sizes[1], sizeof(info));
	assert_memory_equal(&info, &fake_info, sizeof(info));
	assert_int_equal(potnpu_require_cap(dev, DRM_POTNPU_CAP_IRQ), 0);
	assert_int_equal(potnpu_require_cap(dev, DRM_POTNPU_CAP_IRQ |
						 DRM_POTNPU_CAP_FIRMWARE), 0);
	potnpu_close(dev);
}

static void test_query_newer_driver(void **state)
{
	struct drm_potnpu_device_info info;
	struct potnpu_device *dev;
	uint8_t buf[MIN + 32];
	uint32_t written;
	size_t i;

	(void)state;
	/* A newer driver with an answer 8 bytes longer than ours. */
	add_node("accel0", "/dev/zero", "potnpu", DRM_POTNPU_UAPI_MAJOR,
		 DRM_POTNPU_UAPI_MINOR + 1, FAKE_OK, MIN + 8);
	assert_int_equal(potnpu_open(node_path("accel0"), &dev), 0);

	/* Our smaller struct gets exactly its own size. */
	assert_int_equal(potnpu_query_device_info(dev, &info, sizeof(info)), 0);
	assert_memory_equal(&info, &fake_info, sizeof(info));

	/* A bigger buffer: the driver's MIN + 8 bytes, then zeroes. */
	assert_int_equal(potnpu_query(dev, DRM_POTNPU_QUERY_DEVICE_INFO, NULL, 0,
				      &written), 0);
	assert_int_equal(written, MIN + 8);
	memset(buf, 0x5a, sizeof(buf));
	assert_int_equal(potnpu_query(dev, DRM_POTNPU_QUERY_DEVICE_INFO, buf,
				      sizeof(buf), &written), 0);
	assert_int_equal(written, MIN + 8);
	for (i = sizeof(fake_info); i < MIN + 8; i++)
		assert_int_equal(buf[i], 0xa5);
	for (i = MIN + 8; i < sizeof(buf); i++)
		assert_int_equal(buf[i], 0);
	potnpu_close(dev);
}

static void test_query_larger_caller_struct(void **state)
{
	struct potnpu_device *dev;
	uint8_t buf[MIN + 32];
	size_t i;

	(void)state;
	/* Newer userspace (a bigger struct) on an older driver that does
	 * not even zero the tail: the library must. */
	add_node("accel0", "/dev/zero", "potnpu", DRM_POTNPU_UAPI_MAJOR,
		 DRM_POTNPU_UAPI_MINOR, FAKE_NO_ZERO_TAIL, MIN);
	assert_int_equal(potnpu_open(node_path("accel0"), &dev), 0);
	memset(buf, 0xee, sizeof(buf));
	assert_int_equal(potnpu_query_device_info(dev,
				(struct drm_potnpu_device_info *)buf,
				sizeof(buf)), 0);
	assert_memory_equal(buf, &fake_info, MIN);
	for (i = MIN; i < sizeof(buf); i++)
		assert_int_equal(buf[i], 0);
	potnpu_close(dev);
}

static void test_query_overrun(void **state)
{
	struct drm_potnpu_device_info info;
	struct potnpu_device *dev;
	char want[96];

	(void)state;
	add_node("accel0", "/dev/zero", "potnpu", DRM_POTNPU_UAPI_MAJOR,
		 DRM_POTNPU_UAPI_MINOR, FAKE_OVERRUN, MIN);
	assert_int_equal(potnpu_open(node_path("accel0"), &dev), 0);
	assert_int_equal(potnpu_query_device_info(dev, &info, sizeof(info)),
			 -EBADMSG);
	snprintf(want, sizeof(want),
		 "claims to have written %u bytes into a %u-byte buffer",
		 MIN + 8, MIN);
	assert_contains(potnpu_last_error(), want);
	potnpu_close(dev);
}

static void test_query_bad_arguments(void **state)
{
	struct drm_potnpu_device_info info;
	struct potnpu_device *dev;
	uint8_t buf[MIN + 16];
	size_t before;

	(void)state;
	add_potnpu("accel0", "/dev/zero");
	assert_int_equal(potnpu_open(node_path("accel0"), &dev), 0);
	before = fake_nqueries;
	assert_int_equal(potnpu_query_device_info(dev, &info, MIN - 1), -EINVAL);
	assert_contains(potnpu_last_error(), "cannot hold the");
	assert_int_equal(potnpu_query_device_info(dev, NULL, sizeof(info)),
			 -EINVAL);
	assert_int_equal(potnpu_query(dev, 0, NULL, 8, NULL), -EINVAL);
	assert_int_equal(fake_nqueries, before);	/* refused before the ioctl */

	/* The driver's own refusals come back with their errno. */
	assert_int_equal(potnpu_query(dev, 77, buf, sizeof(buf), NULL), -EINVAL);
	assert_contains(potnpu_last_error(), "DRM_IOCTL_POTNPU_QUERY(param 77");
	assert_int_equal(potnpu_query(dev, 0, buf, 16, NULL), -EINVAL);
	potnpu_close(dev);
}

static void test_query_wrong_uapi_in_answer(void **state)
{
	struct drm_potnpu_device_info info;
	struct potnpu_device *dev;

	(void)state;
	add_potnpu("accel0", "/dev/zero");
	fake_info.uapi_version = (DRM_POTNPU_UAPI_MAJOR + 1u) << 16;
	assert_int_equal(potnpu_open(node_path("accel0"), &dev), 0);
	assert_int_equal(potnpu_query_device_info(dev, &info, sizeof(info)),
			 -EPROTO);
	assert_contains(potnpu_last_error(), "reports uapi");
	potnpu_close(dev);
}

static void test_require_cap_missing(void **state)
{
	struct potnpu_device *dev;

	(void)state;
	add_potnpu("accel0", "/dev/zero");
	assert_int_equal(potnpu_open_index(0, &dev), 0);
	assert_int_equal(potnpu_require_cap(dev, DRM_POTNPU_CAP_MODEL_EXEC),
			 -EOPNOTSUPP);
	assert_contains(potnpu_last_error(), node_path("accel0"));
	assert_contains(potnpu_last_error(),
			"does not support MODEL_EXEC (capability missing; it has: IRQ,FIRMWARE)");
	potnpu_close(dev);
}

/* ---- buffer objects --------------------------------------------------- */

/* Open accel0 (a current potnpu node) and note the fds for leak checks. */
static struct potnpu_device *open_dev(void)
{
	struct potnpu_device *dev;

	add_potnpu("accel0", "/dev/zero");
	assert_int_equal(potnpu_open(node_path("accel0"), &dev), 0);
	return dev;
}

/* Nothing of the fake driver's is left: no BO, no mapping. */
static void assert_no_leaks(int fds)
{
	assert_int_equal(fake_drm_live_bos(), 0);
	assert_int_equal(fake_drm_live_maps(), 0);
	assert_int_equal(count_fds(), fds);
}

static void test_bo_lifecycle(void **state)
{
	struct potnpu_device *dev;
	struct potnpu_bo *bo;
	uint8_t *p, *q, back[64];
	int fds = count_fds();
	size_t i;

	(void)state;
	dev = open_dev();
	assert_int_equal(potnpu_bo_create(dev, 100, 0, &bo), 0);
	assert_non_null(bo);
	assert_int_equal(fake_bo_creates, 1);
	assert_int_equal(fake_drm_live_bos(), 1);
	/* Rounded up to a page, page-aligned non-zero address. */
	assert_int_equal(potnpu_bo_size(bo), page);
	assert_true(potnpu_bo_va(bo) != 0);
	assert_int_equal(potnpu_bo_va(bo) % page, 0);
	assert_true(potnpu_bo_handle(bo) != 0);
	assert_int_equal(potnpu_bo_flags(bo), 0);
	assert_int_equal(fake_drm_bo_flags(potnpu_bo_handle(bo)), 0);
	/* Not mapped until asked. */
	assert_int_equal(fake_bo_infos, 0);
	assert_int_equal(fake_mmaps, 0);

	assert_int_equal(potnpu_bo_map(bo, (void **)&p), 0);
	assert_non_null(p);
	assert_int_equal(fake_bo_infos, 1);
	assert_int_equal(fake_mmaps, 1);
	for (i = 0; i < page; i++)
		assert_int_equal(p[i], 0);	/* zeroed */
	/* The mapping is the buffer: the device side sees CPU writes. */
	for (i = 0; i < page; i++)
		p[i] = (uint8_t)(i * 7 + 1);
	assert_int_equal(fake_drm_bo_read(potnpu_bo_handle(bo), page - 64,
					  back, sizeof(back)), 0);
	assert_memory_equal(back, p + page - 64, sizeof(back));

	/* Cached: same address, no second BO_INFO or mmap. */
	assert_int_equal(potnpu_bo_map(bo, (void **)&q), 0);
	assert_ptr_equal(p, q);
	assert_int_equal(fake_bo_infos, 1);
	assert_int_equal(fake_mmaps, 1);

	potnpu_bo_free(bo);
	assert_int_equal(fake_gem_closes, 1);
	assert_int_equal(fake_munmaps, 1);
	potnpu_close(dev);
	assert_no_leaks(fds);
}

static void test_bo_free_unmapped(void **state)
{
	struct potnpu_device *dev;
	struct potnpu_bo *bo;
	int fds = count_fds();

	(void)state;
	dev = open_dev();
	assert_int_equal(potnpu_bo_create(dev, 1, 0, &bo), 0);
	potnpu_bo_free(bo);
	assert_int_equal(fake_gem_closes, 1);
	assert_int_equal(fake_munmaps, 0);
	potnpu_bo_free(NULL);
	potnpu_close(dev);
	assert_no_leaks(fds);
}

static void test_bo_read_only(void **state)
{
	struct potnpu_device *dev;
	struct potnpu_bo *bo;
	uint32_t *p;

	(void)state;
	dev = open_dev();
	assert_int_equal(potnpu_bo_create(dev, 3 * page, POTNPU_BO_READ_ONLY,
					  &bo), 0);
	assert_int_equal(POTNPU_BO_READ_ONLY, DRM_POTNPU_BO_READ_ONLY);
	assert_int_equal(potnpu_bo_flags(bo), POTNPU_BO_READ_ONLY);
	assert_int_equal(fake_drm_bo_flags(potnpu_bo_handle(bo)),
			 DRM_POTNPU_BO_READ_ONLY);
	assert_int_equal(potnpu_bo_size(bo), 3 * page);
	/* Read-only for the device; the CPU fills it. */
	assert_int_equal(potnpu_bo_map(bo, (void **)&p), 0);
	p[3 * page / 4 - 1] = 0xfeedf00d;
	potnpu_bo_free(bo);
	potnpu_close(dev);
	assert_int_equal(fake_drm_live_bos(), 0);
}

static void test_bo_bad_arguments(void **state)
{
	struct potnpu_device *dev;
	struct potnpu_bo *bo = (struct potnpu_bo *)&bo;
	void *p = &p;
	char want[96];

	(void)state;
	dev = open_dev();
	assert_int_equal(potnpu_bo_create(dev, 0, 0, &bo), -EINVAL);
	assert_null(bo);
	snprintf(want, sizeof(want), "buffer size 0 is invalid (1 to %llu bytes)",
		 (unsigned long long)POTNPU_BO_MAX_SIZE);
	assert_string_equal(potnpu_last_error(), want);

	assert_int_equal(potnpu_bo_create(dev, POTNPU_BO_MAX_SIZE + 1, 0, &bo),
			 -EINVAL);
	snprintf(want, sizeof(want),
		 "buffer size %llu is too large (at most %llu bytes)",
		 (unsigned long long)POTNPU_BO_MAX_SIZE + 1,
		 (unsigned long long)POTNPU_BO_MAX_SIZE);
	assert_string_equal(potnpu_last_error(), want);

	assert_int_equal(potnpu_bo_create(dev, 4096, 0x80000000u, &bo), -EINVAL);
	assert_contains(potnpu_last_error(), "unknown buffer flags 0x80000000");

	assert_int_equal(potnpu_bo_create(NULL, 4096, 0, &bo), -EINVAL);
	assert_contains(potnpu_last_error(), "dev is NULL");
	assert_null(bo);
	assert_int_equal(potnpu_bo_create(dev, 4096, 0, NULL), -EINVAL);
	assert_contains(potnpu_last_error(), "bop is NULL");
	/* All refused before reaching the driver. */
	assert_int_equal(fake_bo_creates, 0);

	assert_int_equal(potnpu_bo_map(NULL, &p), -EINVAL);
	assert_null(p);
	assert_int_equal(potnpu_bo_map(NULL, NULL), -EINVAL);
	assert_int_equal(potnpu_bo_va(NULL), 0);
	assert_int_equal(potnpu_bo_size(NULL), 0);
	assert_int_equal(potnpu_bo_handle(NULL), 0);
	assert_int_equal(potnpu_bo_flags(NULL), 0);

	/* The largest size is fine. */
	assert_int_equal(potnpu_bo_create(dev, POTNPU_BO_MAX_SIZE, 0, &bo), 0);
	assert_int_equal(potnpu_bo_size(bo), POTNPU_BO_MAX_SIZE);
	potnpu_bo_free(bo);
	potnpu_close(dev);
	assert_int_equal(fake_drm_live_bos(), 0);
}

static void test_bo_address_space_exhausted(void **state)
{
	struct potnpu_device *dev;
	struct potnpu_bo *a, *b = (struct potnpu_bo *)&b;
	char want[256];
	int fds = count_fds();

	(void)state;
	dev = open_dev();
	fake_va_limit = 4 * page;
	assert_int_equal(potnpu_bo_create(dev, 3 * page, 0, &a), 0);
	assert_int_equal(potnpu_bo_create(dev, 2 * page, 0, &b), -ENOSPC);
	assert_null(b);
	snprintf(want, sizeof(want),
		 "%s: cannot create a %zu-byte buffer: device address space exhausted (free buffers or create smaller ones)",
		 node_path("accel0"), 2 * page);
	assert_string_equal(potnpu_last_error(), want);
	assert_string_equal(potnpu_strerror(-ENOSPC),
			    "device address space exhausted");
	/* Freeing makes room again. */
	potnpu_bo_free(a);
	assert_int_equal(potnpu_bo_create(dev, 2 * page, 0, &b), 0);
	potnpu_bo_free(b);
	potnpu_close(dev);
	assert_no_leaks(fds);
}

static void test_bo_injected_failures(void **state)
{
	struct potnpu_device *dev;
	struct potnpu_bo *bo;
	void *p, *q;
	int fds = count_fds();

	(void)state;
	dev = open_dev();

	fake_drm_fail(DRM_IOCTL_POTNPU_BO_CREATE, ENOMEM);
	assert_int_equal(potnpu_bo_create(dev, 8192, 0, &bo), -ENOMEM);
	assert_null(bo);
	assert_contains(potnpu_last_error(),
			"cannot create a 8192-byte buffer: out of memory");

	fake_drm_fail(DRM_IOCTL_POTNPU_BO_CREATE, EFAULT);
	assert_int_equal(potnpu_bo_create(dev, 8192, 0, &bo), -EFAULT);
	assert_contains(potnpu_last_error(),
			"DRM_IOCTL_POTNPU_BO_CREATE failed: Bad address");
	assert_int_equal(fake_drm_live_bos(), 0);

	assert_int_equal(potnpu_bo_create(dev, 8192, 0, &bo), 0);

	fake_drm_fail(DRM_IOCTL_POTNPU_BO_INFO, EFAULT);
	assert_int_equal(potnpu_bo_map(bo, &p), -EFAULT);
	assert_null(p);
	assert_contains(potnpu_last_error(), "DRM_IOCTL_POTNPU_BO_INFO failed");

	fake_drm_fail(DRM_IOCTL_POTNPU_BO_INFO, ENOENT);
	assert_int_equal(potnpu_bo_map(bo, &p), -ENOENT);

	fake_drm_fail(FAKE_MMAP, ENOMEM);
	assert_int_equal(potnpu_bo_map(bo, &p), -ENOMEM);
	assert_contains(potnpu_last_error(),
			"cannot map buffer 1 (8192 bytes) into memory: out of memory or address space");
	assert_int_equal(fake_drm_live_maps(), 0);

	/* A failure is not cached: the next try maps. */
	assert_int_equal(potnpu_bo_map(bo, &p), 0);
	assert_int_equal(potnpu_bo_map(bo, &q), 0);
	assert_ptr_equal(p, q);
	assert_int_equal(fake_drm_live_maps(), 1);

	/* A GEM_CLOSE failure does not stop the free. */
	fake_drm_fail(DRM_IOCTL_GEM_CLOSE, EIO);
	potnpu_bo_free(bo);
	assert_int_equal(fake_drm_live_maps(), 0);
	assert_int_equal(fake_drm_live_bos(), 1);	/* the driver kept it */
	potnpu_close(dev);
	fake_drm_reset();	/* what closing the file does in a kernel */
	assert_no_leaks(fds);
}

static void test_bo_old_driver(void **state)
{
	struct potnpu_device *dev;
	struct potnpu_bo *bo;
	char want[256];

	(void)state;
	/* uapi X.0: opens, but predates buffer objects (0.1). */
	add_node("accel0", "/dev/zero", "potnpu", DRM_POTNPU_UAPI_MAJOR, 0,
		 FAKE_NO_BO, MIN);
	assert_int_equal(potnpu_open(node_path("accel0"), &dev), 0);
	assert_int_equal(potnpu_bo_create(dev, 4096, 0, &bo), -EOPNOTSUPP);
	assert_null(bo);
	snprintf(want, sizeof(want),
		 "%s: the potnpu driver implements uapi %d.0, buffer objects needs uapi %d.1 or later (update the potnpu kernel module)",
		 node_path("accel0"), DRM_POTNPU_UAPI_MAJOR,
		 DRM_POTNPU_UAPI_MAJOR);
	assert_string_equal(potnpu_last_error(), want);
	assert_int_equal(fake_bo_creates, 0);
	potnpu_close(dev);
}

static void test_bo_driver_without_bo(void **state)
{
	struct potnpu_device *dev;
	struct potnpu_bo *bo;

	(void)state;
	/* A driver claiming the current minor that does not know the ioctl
	 * (0.1 grew buffer objects before its first release). */
	add_node("accel0", "/dev/zero", "potnpu", DRM_POTNPU_UAPI_MAJOR,
		 DRM_POTNPU_UAPI_MINOR, FAKE_NO_BO, MIN);
	assert_int_equal(potnpu_open(node_path("accel0"), &dev), 0);
	assert_int_equal(potnpu_bo_create(dev, 4096, POTNPU_BO_READ_ONLY, &bo),
			 -EINVAL);
	assert_null(bo);
	assert_contains(potnpu_last_error(),
			"refused a 4096-byte buffer with flags 0x1; it may predate buffer objects (update the potnpu kernel module)");
	potnpu_close(dev);
}

static void test_bo_newer_driver(void **state)
{
	struct potnpu_device *dev;
	struct potnpu_bo *bo;
	void *p;

	(void)state;
	add_node("accel0", "/dev/zero", "potnpu", DRM_POTNPU_UAPI_MAJOR,
		 DRM_POTNPU_UAPI_MINOR + 3, FAKE_OK, MIN + 8);
	assert_int_equal(potnpu_open(node_path("accel0"), &dev), 0);
	assert_int_equal(potnpu_bo_create(dev, 4096, 0, &bo), 0);
	assert_int_equal(potnpu_bo_map(bo, &p), 0);
	potnpu_bo_free(bo);
	potnpu_close(dev);
	assert_int_equal(fake_drm_live_bos(), 0);
	assert_int_equal(fake_drm_live_maps(), 0);
}

static void test_bo_malformed_answers(void **state)
{
	static const enum fake_bo_mode modes[] = {
		FAKE_BO_NO_HANDLE, FAKE_BO_UNALIGNED_VA, FAKE_BO_SHORT,
	};
	struct potnpu_device *dev;
	struct potnpu_bo *bo;
	void *p;
	size_t i;
	int fds = count_fds();

	(void)state;
	dev = open_dev();
	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		fake_bo_mode = modes[i];
		assert_int_equal(potnpu_bo_create(dev, 2 * page, 0, &bo),
				 -EBADMSG);
		assert_null(bo);
		assert_contains(potnpu_last_error(),
				"the potnpu driver answered a ");
		/* Whatever the driver created is released. */
		assert_int_equal(fake_drm_live_bos(), 0);
	}

	fake_bo_mode = FAKE_BO_OK;
	assert_int_equal(potnpu_bo_create(dev, 2 * page, 0, &bo), 0);
	fake_bo_mode = FAKE_BO_INFO_WRONG;
	assert_int_equal(potnpu_bo_map(bo, &p), -EBADMSG);
	assert_null(p);
	assert_contains(potnpu_last_error(), "the potnpu driver describes buffer");
	assert_int_equal(fake_drm_live_maps(), 0);
	potnpu_bo_free(bo);
	potnpu_close(dev);
	assert_no_leaks(fds);
}

static void test_bo_many(void **state)
{
	enum { N = 24 };
	struct potnpu_device *dev;
	struct potnpu_bo *bos[N];
	uint8_t *maps[N], byte;
	size_t i, j;
	int fds = count_fds();

	(void)state;
	dev = open_dev();
	for (i = 0; i < N; i++) {
		assert_int_equal(potnpu_bo_create(dev, (i % 5) * page + 1 + i,
						  i % 2 ? POTNPU_BO_READ_ONLY : 0,
						  &bos[i]), 0);
		assert_int_equal(potnpu_bo_size(bos[i]), (i % 5 + 1) * page);
		assert_int_equal(potnpu_bo_map(bos[i], (void **)&maps[i]), 0);
		memset(maps[i], (int)i + 1, potnpu_bo_size(bos[i]));
	}
	/* Distinct handles, disjoint device ranges, separate memory. */
	for (i = 0; i < N; i++) {
		uint64_t va = potnpu_bo_va(bos[i]), end = va + potnpu_bo_size(bos[i]);

		for (j = 0; j < N; j++) {
			uint64_t v2 = potnpu_bo_va(bos[j]);

			if (i == j)
				continue;
			assert_true(potnpu_bo_handle(bos[i]) !=
				    potnpu_bo_handle(bos[j]));
			assert_true(v2 + potnpu_bo_size(bos[j]) <= va || v2 >= end);
		}
		assert_int_equal(fake_drm_bo_read(potnpu_bo_handle(bos[i]),
						  potnpu_bo_size(bos[i]) - 1,
						  &byte, 1), 0);
		assert_int_equal(byte, i + 1);
	}
	assert_int_equal(fake_drm_live_bos(), N);
	assert_int_equal(fake_drm_live_maps(), N);
	/* Free in an order unlike creation. */
	for (i = 0; i < N; i++)
		potnpu_bo_free(bos[(i * 7) % N]);
	assert_int_equal(fake_gem_closes, N);
	potnpu_close(dev);
	assert_no_leaks(fds);
}

static void test_bo_two_files(void **state)
{
	struct potnpu_device *d1, *d2;
	struct potnpu_bo *a, *b, *c;
	int fds = count_fds();

	(void)state;
	/* Each open file has its own address space. */
	d1 = open_dev();
	assert_int_equal(potnpu_open(node_path("accel0"), &d2), 0);
	fake_va_limit = 2 * page;
	assert_int_equal(potnpu_bo_create(d1, 2 * page, 0, &a), 0);
	assert_int_equal(potnpu_bo_create(d2, 2 * page, 0, &b), 0);
	assert_int_equal(potnpu_bo_create(d1, 1, 0, &c), -ENOSPC);
	assert_int_equal(potnpu_bo_create(d2, 1, 0, &c), -ENOSPC);
	assert_int_equal(fake_drm_live_bos(), 2);
	potnpu_bo_free(a);
	assert_int_equal(potnpu_bo_create(d1, 1, 0, &a), 0);
	potnpu_bo_free(a);
	potnpu_bo_free(b);
	potnpu_close(d1);
	potnpu_close(d2);
	assert_no_leaks(fds);
}

/* ---- potnpu-bench on a device ----------------------------------------- */

static void test_bench_without_model_exec(void **state)
{
	struct bench_options o = { .device = 0, .iterations = 1 };
	struct bench_report r;
	char want[400];

	(void)state;
	add_potnpu("accel0", "/dev/zero");
	bench_report_init(&r, &o);
	assert_int_equal(bench_run(&o, &r), EX_UNAVAILABLE);
	assert_int_equal(EX_UNAVAILABLE, 69);
	assert_int_equal(r.exit_code, 69);
	assert_string_equal(r.status, "unavailable");
	snprintf(want, sizeof(want),
		 "device 0 (%s, potnpu 1234:9e70 at 0000:00:03.0, firmware 0.1.0) does not support model execution yet (capability MODEL_EXEC missing); nothing to benchmark",
		 node_path("accel0"));
	assert_string_equal(r.message, want);
	assert_true(r.have_device);
	assert_true(r.have_info);
	assert_string_equal(r.device_path, node_path("accel0"));
	assert_string_equal(r.driver.name, "potnpu");
}

static void test_bench_with_model_exec(void **state)
{
	struct bench_options o = { .device = 1, .iterations = 1 };
	struct bench_report r;
	char path[128];

	(void)state;
	add_potnpu("accel0", "/dev/zero");
	fake_drm_add("/dev/full", "potnpu", DRM_POTNPU_UAPI_MAJOR,
		     DRM_POTNPU_UAPI_MINOR, FAKE_OK, MIN,
		     DRM_POTNPU_CAP_IRQ | DRM_POTNPU_CAP_MODEL_EXEC);
	snprintf(path, sizeof(path), "%s/accel1", dir);
	assert_int_equal(symlink("/dev/full", path), 0);

	bench_report_init(&r, &o);
	assert_int_equal(bench_run(&o, &r), EX_USAGE);
	assert_contains(r.message, "device 1 can run models: give one");

	o.model = "model.bin";
	bench_report_init(&r, &o);
	assert_int_equal(bench_run(&o, &r), EX_SOFTWARE);
	assert_contains(r.message, "cannot run models yet");
}

static void test_bench_device_errors(void **state)
{
	struct bench_options o = { .device = 1, .iterations = 1 };
	struct bench_report r;

	(void)state;
	add_potnpu("accel0", "/dev/zero");
	bench_report_init(&r, &o);
	assert_int_equal(bench_run(&o, &r), EX_UNAVAILABLE);
	assert_contains(r.message, "no potnpu device with index 1: 1 found in");
	assert_false(r.have_device);

	teardown(state);
	setup(state);
	add_node("accel0", "/dev/zero", "potnpu", DRM_POTNPU_UAPI_MAJOR + 1, 0,
		 FAKE_OK, MIN);
	o.device = 0;
	bench_report_init(&r, &o);
	assert_int_equal(bench_run(&o, &r), EX_PROTOCOL);
	assert_contains(r.message, "potnpu driver too new");
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_enum_mixed_nodes),
		T(test_enum_only_other_drivers),
		T(test_enum_lists_incompatible_potnpu),
		T(test_open_other_driver),
		T(test_open_older_minor_ok),
		T(test_open_driver_too_new),
		T(test_open_newer_minor_ok),
		T(test_open_query_missing),
		T(test_open_short_answer),
		T(test_query_device_info),
		T(test_query_newer_driver),
		T(test_query_larger_caller_struct),
		T(test_query_overrun),
		T(test_query_bad_arguments),
		T(test_query_wrong_uapi_in_answer),
		T(test_require_cap_missing),
		T(test_bo_lifecycle),
		T(test_bo_free_unmapped),
		T(test_bo_read_only),
		T(test_bo_bad_arguments),
		T(test_bo_address_space_exhausted),
		T(test_bo_injected_failures),
		T(test_bo_old_driver),
		T(test_bo_driver_without_bo),
		T(test_bo_newer_driver),
		T(test_bo_malformed_answers),
		T(test_bo_many),
		T(test_bo_two_files),
		T(test_bench_without_model_exec),
		T(test_bench_with_model_exec),
		T(test_bench_device_errors),
	};

	return cmocka_run_group_tests_name("libpotnpu with a fake driver", tests,
					   NULL, NULL);
}
