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
#include "potnpu_job.h"
#include "potnpu_regs.h"

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
	/* uapi X.1: opens, but predates buffer objects (0.2). */
	add_node("accel0", "/dev/zero", "potnpu", DRM_POTNPU_UAPI_MAJOR, 1,
		 FAKE_NO_BO, MIN);
	assert_int_equal(potnpu_open(node_path("accel0"), &dev), 0);
	assert_int_equal(potnpu_bo_create(dev, 4096, 0, &bo), -EOPNOTSUPP);
	assert_null(bo);
	snprintf(want, sizeof(want),
		 "%s: the potnpu driver implements uapi %d.1, buffer objects needs uapi %d.2 or later (update the potnpu kernel module)",
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

	/* Layer commands yes, but no model: 64 and a pointer. */
	bench_report_init(&r, &o);
	assert_int_equal(bench_run(&o, &r), EX_USAGE);
	assert_contains(r.message, "give a model file (model.bin)");
	assert_contains(r.message, "potnpu-bench --layers");

	/* A model that is not there: 66, from the model loader. */
	o.model = "/nonexistent/model.bin";
	bench_report_init(&r, &o);
	assert_int_equal(bench_run(&o, &r), EX_NOINPUT);
	assert_contains(r.message, "/nonexistent/model.bin");
}

static void test_bench_dma(void **state)
{
	struct bench_options o = { .device = 0, .iterations = 5, .dma = true };
	struct bench_dma_results *d;
	struct bench_report r;
	unsigned int i;
	int fds = count_fds();

	(void)state;
	fake_info.capabilities |= DRM_POTNPU_CAP_JOBS;
	add_potnpu("accel0", "/dev/zero");
	bench_report_init(&r, &o);
	assert_int_equal(bench_run(&o, &r), 0);
	assert_string_equal(r.status, "ok");
	assert_true(r.have_dma);
	d = &r.dma_results;
	assert_int_equal(d->jobs, 5);
	assert_true(d->latency.min <= d->latency.p50);
	assert_true(d->latency.p50 <= d->latency.p99);
	assert_true(d->latency.p99 <= d->latency.max);
	assert_true(d->latency.min <= d->latency.mean);
	assert_true(d->latency.mean <= d->latency.max);
	assert_true(d->sequential_jobs_per_s > 0);
	assert_int_equal(d->pipelined_jobs, 5);
	assert_true(d->pipelined_jobs_per_s > 0);
	assert_int_equal(d->ncopies, 4);
	for (i = 0; i < 4; i++) {
		assert_false(d->copy[i].skipped);
		assert_true(d->copy[i].verified);
		assert_int_equal(d->copy[i].copies, 5);
	}
	assert_int_equal(d->copy[3].size, 16u << 20);
	/* A warm-up job, 5 + 5 empty jobs, 4 x 5 copies. */
	assert_int_equal(fake_submits, 31);
	assert_no_leaks(fds);
	assert_int_equal(fake_drm_live_syncobjs(), 0);

	/* More jobs than in flight at once: chained windows. */
	o.iterations = BENCH_DMA_MAX_IN_FLIGHT * 2 + 3;
	fake_submits = 0;
	bench_report_init(&r, &o);
	assert_int_equal(bench_run(&o, &r), 0);
	assert_int_equal(r.dma_results.pipelined_jobs, o.iterations);
	assert_int_equal(fake_last_submit.in_syncobj_count, 0);	/* a copy */
	assert_no_leaks(fds);
	assert_int_equal(fake_drm_live_syncobjs(), 0);

	/* Too little address space for 2 x 16 MiB: that size is skipped. */
	o.iterations = 2;
	fake_va_limit = 16u << 20;
	bench_report_init(&r, &o);
	assert_int_equal(bench_run(&o, &r), 0);
	assert_true(r.dma_results.copy[3].skipped);
	assert_contains(r.dma_results.copy[3].skip_reason,
			"device address space exhausted");
	assert_true(r.dma_results.copy[2].verified);
	fake_va_limit = 1ull << 30;

	/* A job that fails: exit 1, the status named. */
	fake_job_force = true;
	fake_job_forced = (struct fake_job_result){ DRM_POTNPU_JOB_ILLEGAL, 0,
						     0x42, 0 };
	bench_report_init(&r, &o);
	assert_int_equal(bench_run(&o, &r), 1);
	assert_string_equal(r.status, "error");
	assert_false(r.have_dma);
	assert_contains(r.message,
			"empty job: job 1 failed: illegal command 0x42 at offset 0");

	/* The driver refuses: the library's message and exit code. */
	fake_drm_fail(DRM_IOCTL_POTNPU_SUBMIT, EIO);
	bench_report_init(&r, &o);
	assert_int_equal(bench_run(&o, &r), EX_OSERR);
	assert_contains(r.message, "banned after a fault");
	assert_no_leaks(fds);
	assert_int_equal(fake_drm_live_syncobjs(), 0);
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

/* ---- command streams and jobs ------------------------------------------ */

static struct potnpu_device *open_jobs_dev(void)
{
	struct potnpu_device *dev;

	fake_info.capabilities |= DRM_POTNPU_CAP_JOBS;
	if (access(node_path("accel0"), F_OK))
		return open_dev();
	assert_int_equal(potnpu_open(node_path("accel0"), &dev), 0);
	return dev;
}

static void assert_no_job_leaks(int fds)
{
	assert_no_leaks(fds);
	assert_int_equal(fake_drm_live_syncobjs(), 0);
}

static void test_cmdbuf_encoding(void **state)
{
	struct potnpu_cmdbuf *cb;
	const uint32_t *w;
	const uint32_t want[] = {
		0x00010000,				/* NOP */
		0x00040001, 0x1000, 0, 0xdeadbeef,	/* FENCE */
		0x00030002, 0x2008, 0,			/* TIMESTAMP */
		0x00060003, 0x3001, 0, 0x4003, 0, 7,	/* COPY */
		0x00050004, 0x5002, 0, 9, 0x04030201,	/* FILL */
	};

	(void)state;
	assert_int_equal(potnpu_cmdbuf_create(4096, &cb), 0);
	assert_int_equal(potnpu_cmdbuf_capacity(cb), 4096);
	assert_int_equal(potnpu_cmdbuf_nop(cb), 0);
	assert_int_equal(potnpu_cmdbuf_fence(cb, 0x1000, 0xdeadbeef), 0);
	assert_int_equal(potnpu_cmdbuf_timestamp(cb, 0x2008), 0);
	assert_int_equal(potnpu_cmdbuf_copy(cb, 0x3001, 0x4003, 7), 0);
	assert_int_equal(potnpu_cmdbuf_fill(cb, 0x5002, 9, 0x04030201), 0);
	assert_int_equal(potnpu_cmdbuf_size(cb), sizeof(want));
	w = potnpu_cmdbuf_data(cb);
	assert_memory_equal(w, want, sizeof(want));
	/* The headers are potnpu_job.h's. */
	assert_int_equal(w[0], POTNPU_CMD_HDR(POTNPU_OP_NOP, POTNPU_NOP_WORDS));
	assert_int_equal(w[8], POTNPU_CMD_HDR(POTNPU_OP_COPY, POTNPU_COPY_WORDS));

	/* Invalid operands change nothing. */
	assert_int_equal(potnpu_cmdbuf_fence(cb, 0x1002, 1), -EINVAL);
	assert_int_equal(potnpu_cmdbuf_timestamp(cb, 0x2004), -EINVAL);
	assert_int_equal(potnpu_cmdbuf_copy(cb, 0x1000, 0x2000, 0), -EINVAL);
	assert_int_equal(potnpu_cmdbuf_fill(cb, 0x1000, 0, 0), -EINVAL);
	assert_int_equal(potnpu_cmdbuf_fill(cb, POTNPU_VA_SIZE - 4, 8, 0),
			 -EINVAL);
	assert_int_equal(potnpu_cmdbuf_copy(cb, 1ull << 32, 0x1000, 4),
			 -EINVAL);
	assert_int_equal(potnpu_cmdbuf_size(cb), sizeof(want));
	potnpu_cmdbuf_reset(cb);
	assert_int_equal(potnpu_cmdbuf_size(cb), 0);
	potnpu_cmdbuf_free(cb);
	potnpu_cmdbuf_free(NULL);
}

static void test_cmdbuf_limits(void **state)
{
	struct potnpu_cmdbuf *cb;
	uint32_t raw[2] = { 0x00020007, 0 };
	size_t i;

	(void)state;
	assert_int_equal(potnpu_cmdbuf_create(0, &cb), -EINVAL);
	assert_null(cb);
	assert_int_equal(potnpu_cmdbuf_create(6, &cb), -EINVAL);
	assert_int_equal(potnpu_cmdbuf_create(POTNPU_CMDBUF_MAX_SIZE + 4, &cb),
			 -EINVAL);
	assert_int_equal(potnpu_cmdbuf_create(POTNPU_CMDBUF_MAX_SIZE, &cb), 0);
	for (i = 0; i < POTNPU_CMDBUF_MAX_SIZE / 4; i++)
		assert_int_equal(potnpu_cmdbuf_nop(cb), 0);
	assert_int_equal(potnpu_cmdbuf_nop(cb), -ENOSPC);
	assert_contains(potnpu_last_error(), "command stream full");
	potnpu_cmdbuf_free(cb);

	/* A command that does not fit is not appended in part. */
	assert_int_equal(potnpu_cmdbuf_create(16, &cb), 0);
	assert_int_equal(potnpu_cmdbuf_nop(cb), 0);
	assert_int_equal(potnpu_cmdbuf_fence(cb, 0x1000, 1), -ENOSPC);
	assert_int_equal(potnpu_cmdbuf_size(cb), 4);
	assert_int_equal(potnpu_cmdbuf_raw(cb, raw, 2), 0);
	assert_int_equal(potnpu_cmdbuf_size(cb), 12);
	assert_int_equal(potnpu_cmdbuf_raw(cb, raw, 2), -ENOSPC);
	assert_int_equal(potnpu_cmdbuf_nop(NULL), -EINVAL);
	potnpu_cmdbuf_free(cb);
}

/* A 3-page data BO, a command BO; the caller frees them. */
struct jobenv {
	struct potnpu_device *dev;
	struct potnpu_bo *cmd, *data;
	uint8_t *p;
};

static void jobenv_init(struct jobenv *e)
{
	e->dev = open_jobs_dev();
	assert_int_equal(potnpu_bo_create(e->dev, 4096, 0, &e->cmd), 0);
	assert_int_equal(potnpu_bo_create(e->dev, 3 * page, 0, &e->data), 0);
	assert_int_equal(potnpu_bo_map(e->data, (void **)&e->p), 0);
}

static void jobenv_fini(struct jobenv *e)
{
	potnpu_bo_free(e->cmd);
	potnpu_bo_free(e->data);
	potnpu_close(e->dev);
}

/* Submit @cb (copied to the command BO) using the data BO; wait. */
static int run(struct jobenv *e, struct potnpu_cmdbuf *cb,
	       struct potnpu_job_status *st)
{
	struct potnpu_submit_desc d = { 0 };
	struct potnpu_bo *list[1] = { e->data };
	struct potnpu_job *job;
	int err;

	assert_int_equal(potnpu_cmdbuf_copy_to_bo(cb, e->cmd, 0), 0);
	d.cmd_bo = e->cmd;
	d.cmd_size = (uint32_t)potnpu_cmdbuf_size(cb);
	d.bos = list;
	d.bo_count = 1;
	err = potnpu_submit(e->dev, &d, &job);
	if (err)
		return err;
	assert_int_equal(potnpu_job_wait(job, 1000000000ull), 0);
	assert_int_equal(potnpu_job_status(job, st), 0);
	potnpu_job_free(job);
	return 0;
}

static void test_job_executes(void **state)
{
	struct potnpu_job_status st;
	struct potnpu_cmdbuf *cb;
	struct jobenv e;
	uint64_t va, ts;
	uint32_t v;
	size_t i;
	int fds = count_fds();

	(void)state;
	jobenv_init(&e);
	va = potnpu_bo_va(e.data);
	for (i = 0; i < page; i++)
		e.p[i] = (uint8_t)(i * 13 + 5);
	assert_int_equal(potnpu_cmdbuf_create(256, &cb), 0);
	assert_int_equal(potnpu_cmdbuf_nop(cb), 0);
	assert_int_equal(potnpu_cmdbuf_copy(cb, va + 1, va + page + 3,
					    (uint32_t)page - 1), 0);
	assert_int_equal(potnpu_cmdbuf_fill(cb, va + 2 * page + 9, 10,
					    0x44332211), 0);
	assert_int_equal(potnpu_cmdbuf_fence(cb, va + 2 * page + 64, 0xfeed), 0);
	assert_int_equal(potnpu_cmdbuf_timestamp(cb, va + 2 * page + 72), 0);
	assert_int_equal(run(&e, cb, &st), 0);
	assert_true(st.done);
	assert_int_equal(st.code, DRM_POTNPU_JOB_OK);
	assert_string_equal(st.message, "completed");
	/* The CPU mapping sees what the "device" did. */
	assert_memory_equal(e.p + page + 3, e.p + 1, page - 1);
	for (i = 0; i < 10; i++)
		assert_int_equal(e.p[2 * page + 9 + i], 0x11 + (i % 4) * 0x11);
	assert_int_equal(e.p[2 * page + 8], 0);
	assert_int_equal(e.p[2 * page + 19], 0);
	memcpy(&v, e.p + 2 * page + 64, 4);
	assert_int_equal(v, 0xfeed);
	memcpy(&ts, e.p + 2 * page + 72, 8);
	assert_true(ts != 0);
	/* The library listed the command BO first, then the data BO. */
	assert_int_equal(fake_last_submit.bo_count, 2);
	assert_int_equal(fake_last_bos[0], potnpu_bo_handle(e.cmd));
	assert_int_equal(fake_last_bos[1], potnpu_bo_handle(e.data));
	assert_int_equal(fake_last_submit.out_point, 0);
	potnpu_cmdbuf_free(cb);
	jobenv_fini(&e);
	assert_no_job_leaks(fds);
}

static void test_job_cmdbuf_in_bo(void **state)
{
	struct potnpu_submit_desc d = { 0 };
	struct potnpu_job_status st;
	struct potnpu_cmdbuf *cb;
	struct potnpu_job *job;
	struct jobenv e;
	uint32_t v;
	int fds = count_fds();

	(void)state;
	jobenv_init(&e);
	assert_int_equal(potnpu_cmdbuf_create_in_bo(e.cmd, 4096, 4, &cb),
			 -EINVAL);
	assert_int_equal(potnpu_cmdbuf_create_in_bo(e.cmd, 2, 64, &cb),
			 -EINVAL);
	assert_int_equal(potnpu_cmdbuf_create_in_bo(e.cmd, 256, 64, &cb), 0);
	assert_int_equal(potnpu_cmdbuf_fence(cb, potnpu_bo_va(e.data), 42), 0);
	d.cmd_bo = e.cmd;
	d.cmd_offset = 256;
	d.cmd_size = (uint32_t)potnpu_cmdbuf_size(cb);
	d.bos = &e.data;
	d.bo_count = 1;
	assert_int_equal(potnpu_submit(e.dev, &d, &job), 0);
	assert_int_equal(potnpu_job_id(job), 1);
	assert_true(potnpu_job_syncobj(job) != 0);
	assert_int_equal(potnpu_job_wait(job, 0), 0);
	assert_int_equal(potnpu_job_status(job, &st), 0);
	assert_int_equal(st.code, 0);
	memcpy(&v, e.p, 4);
	assert_int_equal(v, 42);
	potnpu_job_free(job);
	potnpu_cmdbuf_free(cb);
	jobenv_fini(&e);
	assert_no_job_leaks(fds);
}

/*
 * A layer command through the library and the fake driver (which runs it
 * with the CPU reference): numerics.md's CONV2D example lands in buffer
 * memory with its counters record; a layer whose output lies outside the
 * listed buffers, or with reserved bits set, is refused at submission.
 */
static void test_layer_job(void **state)
{
	struct potnpu_layer l = {
		.op = POTNPU_LAYER_CONV2D, .in_h = 1, .in_w = 1, .in_c = 2,
		.in_cstride = 2, .out_h = 1, .out_w = 1, .out_c = 1,
		.out_cstride = 1, .kh = 1, .kw = 1, .sh = 1, .sw = 1, .dh = 1,
		.dw = 1, .groups = 1, .wbits = 4, .in_zp = -2, .out_zp = 3,
		.lo = -128, .hi = 127,
	};
	const struct potnpu_chan chan = { .bias = 100, .m = 32768, .shift = 15 };
	uint32_t table[16] = { [1] = 0x40, [5] = 0xc442 }, words[32];
	const uint8_t codes[2] = { 5, 1 };
	struct potnpu_layer_addrs a;
	struct potnpu_layer_counts c;
	struct potnpu_job_status st;
	struct potnpu_cmdbuf *cb;
	struct jobenv e;
	uint64_t va;

	(void)state;
	jobenv_init(&e);
	va = potnpu_bo_va(e.data);
	a = (struct potnpu_layer_addrs){ .in = va, .out = va + 64,
		.weights = va + 128, .table = va + 256, .chan = va + 512,
		.counters = va + 1024 };
	e.p[0] = 10;
	e.p[1] = (uint8_t)-3;
	assert_int_equal(potnpu_layer_pack_weights(&l, codes, e.p + 128, 1), 0);
	assert_int_equal(e.p[128], 0x15);
	potnpu_layer_pack_table(table, 16, e.p + 256);
	potnpu_layer_pack_chan(&chan, 1, e.p + 512);
	assert_int_equal(potnpu_cmdbuf_create(256, &cb), 0);
	assert_int_equal(potnpu_cmdbuf_layer(cb, &l, &a), 0);
	assert_int_equal(run(&e, cb, &st), 0);
	assert_int_equal(st.code, DRM_POTNPU_JOB_OK);
	assert_int_equal((int8_t)e.p[64], -42);
	potnpu_layer_read_counters(e.p + 1024, &c);
	assert_int_equal(c.terms, 3);
	assert_int_equal(c.taps, 2);
	assert_int_equal(c.bitserial, 8);
	assert_int_equal(c.cycles, 85);

	potnpu_cmdbuf_reset(cb);
	a.out = va + 3 * page;
	assert_int_equal(potnpu_cmdbuf_layer(cb, &l, &a), 0);
	assert_int_equal(run(&e, cb, &st), -EINVAL);
	a.out = va + 64;
	potnpu_cmdbuf_reset(cb);
	assert_int_equal(potnpu_cmdbuf_layer(cb, &l, &a), 0);
	memcpy(words, potnpu_cmdbuf_data(cb), sizeof(words));
	words[24] |= 1u << 16;		/* reserved */
	potnpu_cmdbuf_reset(cb);
	assert_int_equal(potnpu_cmdbuf_raw(cb, words, 32), 0);
	assert_int_equal(run(&e, cb, &st), -EINVAL);
	potnpu_cmdbuf_free(cb);
	jobenv_fini(&e);
}

static void test_job_chain(void **state)
{
	struct potnpu_submit_desc d = { 0 };
	struct potnpu_job_status st;
	struct potnpu_job *a, *b;
	struct potnpu_cmdbuf *cb;
	struct jobenv e;
	uint32_t wait;
	int fds = count_fds();

	(void)state;
	jobenv_init(&e);
	assert_int_equal(potnpu_cmdbuf_create_in_bo(e.cmd, 0, 64, &cb), 0);
	assert_int_equal(potnpu_cmdbuf_nop(cb), 0);
	d.cmd_bo = e.cmd;
	d.cmd_size = 4;
	fake_job_defer = true;
	assert_int_equal(potnpu_submit(e.dev, &d, &a), 0);
	wait = potnpu_job_syncobj(a);
	d.wait_syncobjs = &wait;
	d.wait_count = 1;
	assert_int_equal(potnpu_submit(e.dev, &d, &b), 0);
	assert_int_equal(potnpu_job_id(b), 2);
	assert_int_equal(fake_last_submit.in_syncobj_count, 1);
	/* Pending: status says so, a wait times out. */
	assert_int_equal(potnpu_job_status(b, &st), 0);
	assert_false(st.done);
	assert_string_equal(st.message, "pending");
	assert_int_equal(potnpu_job_wait(b, 1000), -ETIME);
	assert_contains(potnpu_last_error(), "did not finish within 1000 ns");
	fake_drm_run_jobs();
	assert_int_equal(potnpu_job_wait(b, UINT64_MAX), 0);
	assert_int_equal(potnpu_job_wait(a, 0), 0);
	assert_int_equal(potnpu_job_status(b, &st), 0);
	assert_true(st.done);
	potnpu_job_free(a);
	potnpu_job_free(b);
	potnpu_cmdbuf_free(cb);
	jobenv_fini(&e);
	assert_no_job_leaks(fds);
}

static void test_job_timeline(void **state)
{
	struct potnpu_submit_desc d = { 0 };
	struct potnpu_job_status st;
	struct potnpu_job *a, *b;
	struct potnpu_cmdbuf *cb;
	struct jobenv e;
	uint32_t tl;
	int fds = count_fds();

	(void)state;
	jobenv_init(&e);
	assert_int_equal(potnpu_syncobj_create(e.dev, &tl), 0);
	assert_true(tl != 0);
	assert_int_equal(fake_drm_live_syncobjs(), 1);
	assert_int_equal(potnpu_cmdbuf_create_in_bo(e.cmd, 0, 64, &cb), 0);
	assert_int_equal(potnpu_cmdbuf_nop(cb), 0);
	d.cmd_bo = e.cmd;
	d.cmd_size = 4;
	/* Both or neither. */
	d.out_timeline = tl;
	assert_int_equal(potnpu_submit(e.dev, &d, &a), -EINVAL);
	assert_contains(potnpu_last_error(), "give both");
	d.out_timeline = 0;
	d.out_point = 1;
	assert_int_equal(potnpu_submit(e.dev, &d, &a), -EINVAL);

	fake_job_defer = true;
	d.out_timeline = tl;
	d.out_point = 1;
	assert_int_equal(potnpu_submit(e.dev, &d, &a), 0);
	assert_int_equal(fake_last_submit.out_syncobj, tl);
	assert_int_equal(fake_last_submit.out_point, 1);
	d.out_point = 2;
	assert_int_equal(potnpu_submit(e.dev, &d, &b), 0);
	assert_int_equal(fake_last_submit.out_point, 2);
	/* The jobs own no syncobj of their own. */
	assert_int_equal(potnpu_job_syncobj(a), 0);
	assert_int_equal(fake_drm_live_syncobjs(), 1);
	assert_int_equal(potnpu_job_wait(b, 0), -ETIME);
	fake_drm_run_jobs();
	assert_int_equal(fake_drm_syncobj_point(tl), 2);
	assert_int_equal(potnpu_job_wait(a, 0), 0);
	assert_int_equal(potnpu_job_wait(b, 1000), 0);
	assert_int_equal(potnpu_job_status(b, &st), 0);
	assert_true(st.done);
	fake_drm_fail(DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT, EINVAL);
	assert_int_equal(potnpu_job_wait(b, 0), -EINVAL);
	potnpu_job_free(a);
	potnpu_job_free(b);
	/* The timeline is the caller's: still there. */
	assert_int_equal(fake_drm_live_syncobjs(), 1);
	potnpu_syncobj_destroy(e.dev, tl);
	potnpu_syncobj_destroy(e.dev, 0);
	assert_int_equal(potnpu_syncobj_create(NULL, &tl), -EINVAL);
	fake_drm_fail(DRM_IOCTL_SYNCOBJ_CREATE, ENOMEM);
	assert_int_equal(potnpu_syncobj_create(e.dev, &tl), -ENOMEM);
	assert_int_equal(tl, 0);
	potnpu_cmdbuf_free(cb);
	jobenv_fini(&e);
	assert_no_job_leaks(fds);
}

static void test_job_validation(void **state)
{
	struct potnpu_job_status st;
	struct potnpu_cmdbuf *cb;
	struct potnpu_bo *ro;
	struct potnpu_submit_desc d = { 0 };
	struct potnpu_job *job;
	struct jobenv e;
	uint64_t va;
	int fds = count_fds();

	(void)state;
	jobenv_init(&e);
	va = potnpu_bo_va(e.data);
	assert_int_equal(potnpu_cmdbuf_create(64, &cb), 0);
	/* Past the end of the data buffer. */
	assert_int_equal(potnpu_cmdbuf_fill(cb, va + 3 * page - 4, 8, 0), 0);
	assert_int_equal(run(&e, cb, &st), -EINVAL);
	potnpu_cmdbuf_reset(cb);
	/* Read-only buffer as a destination, listed this time. */
	assert_int_equal(potnpu_bo_create(e.dev, 64, POTNPU_BO_READ_ONLY, &ro),
			 0);
	assert_int_equal(potnpu_cmdbuf_copy(cb, va, potnpu_bo_va(ro), 64), 0);
	assert_int_equal(potnpu_cmdbuf_copy_to_bo(cb, e.cmd, 0), 0);
	d.cmd_bo = e.cmd;
	d.cmd_size = (uint32_t)potnpu_cmdbuf_size(cb);
	d.bos = (struct potnpu_bo *[]){ e.data, ro };
	d.bo_count = 2;
	assert_int_equal(potnpu_submit(e.dev, &d, &job), -EINVAL);
	/* The other way round is fine: the device reads read-only buffers. */
	potnpu_cmdbuf_reset(cb);
	assert_int_equal(potnpu_cmdbuf_copy(cb, potnpu_bo_va(ro), va, 64), 0);
	assert_int_equal(potnpu_cmdbuf_copy_to_bo(cb, e.cmd, 0), 0);
	assert_int_equal(potnpu_submit(e.dev, &d, &job), 0);
	assert_int_equal(potnpu_job_wait(job, 0), 0);
	assert_int_equal(potnpu_job_status(job, &st), 0);
	assert_int_equal(st.code, 0);
	potnpu_job_free(job);
	/* A refused job does not ban the file. */
	assert_int_equal(fake_submits, 3);
	potnpu_bo_free(ro);
	potnpu_cmdbuf_free(cb);
	jobenv_fini(&e);
	assert_no_job_leaks(fds);
}

static void test_job_status_codes(void **state)
{
	static const struct {
		struct fake_job_result r;
		const char *name, *msg;
	} cases[] = {
		{ { DRM_POTNPU_JOB_ILLEGAL, 12, 0x07, 0 }, "illegal command",
		  "illegal command 0x07 at offset 12" },
		{ { DRM_POTNPU_JOB_INVALID, 8, 0, 0 }, "bad operand",
		  "bad operand in the command at offset 8" },
		{ { DRM_POTNPU_JOB_MMU_FAULT, 4,
		    POTNPU_MMU_FAULT_MAKE(3, POTNPU_MMU_REASON_NOT_PRESENT, 1),
		    0x00345000 }, "MMU fault",
		  "MMU fault at VA 0x00345000 (write, slot 3, not mapped) at offset 4" },
		{ { DRM_POTNPU_JOB_BUS_ERROR, 0, 0, 0 }, "bus error",
		  "bus error (host memory) in the command at offset 0" },
		{ { DRM_POTNPU_JOB_BAD_DESC, 0, 0, 0 }, "bad descriptor",
		  "malformed job descriptor" },
		{ { DRM_POTNPU_JOB_ABORTED, 16, 0, 0 }, "aborted",
		  "aborted by the host at offset 16" },
		{ { DRM_POTNPU_JOB_TIMEOUT, 0, 0, 0 }, "timeout",
		  "timeout: the job ran longer than the driver allows and was stopped by a device reset" },
		{ { DRM_POTNPU_JOB_CANCELLED, 0, 0, 0 }, "cancelled",
		  "cancelled: the device was reset before the job ran" },
		{ { 0x77, 0, 0, 0 }, "unknown", "unknown status 0x77 at offset 0" },
	};
	struct potnpu_job_status st;
	struct potnpu_cmdbuf *cb;
	struct jobenv e;
	size_t i;
	int fds = count_fds();

	(void)state;
	assert_int_equal(potnpu_cmdbuf_create(64, &cb), 0);
	assert_int_equal(potnpu_cmdbuf_nop(cb), 0);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		jobenv_init(&e);	/* a fresh file: an MMU fault bans */
		fake_job_force = true;
		fake_job_forced = cases[i].r;
		assert_int_equal(run(&e, cb, &st), 0);
		assert_true(st.done);
		assert_int_equal(st.code, cases[i].r.status);
		assert_int_equal(st.err_offset, cases[i].r.err_offset);
		assert_string_equal(potnpu_job_status_name(st.code),
				    cases[i].name);
		assert_string_equal(st.message, cases[i].msg);
		jobenv_fini(&e);
	}
	assert_string_equal(potnpu_job_status_name(0), "ok");
	potnpu_cmdbuf_free(cb);
	assert_no_job_leaks(fds);
}

static void test_job_fault_bans(void **state)
{
	struct potnpu_job_status st;
	struct potnpu_cmdbuf *cb;
	struct potnpu_bo *ro;
	struct jobenv e;
	char want[128];
	int fds = count_fds();

	(void)state;
	jobenv_init(&e);
	assert_int_equal(potnpu_bo_create(e.dev, 100, POTNPU_BO_READ_ONLY, &ro),
			 0);
	assert_int_equal(potnpu_cmdbuf_create(64, &cb), 0);
	assert_int_equal(potnpu_cmdbuf_nop(cb), 0);
	/* Writes a read-only buffer the job does not even list. */
	assert_int_equal(potnpu_cmdbuf_fence(cb, potnpu_bo_va(ro) + 8, 1), 0);
	/* The driver's validation refuses it... */
	assert_int_equal(run(&e, cb, &st), -EINVAL);
	assert_contains(potnpu_last_error(),
			"the potnpu driver refused the job (20-byte command stream at offset 0 of buffer 1, 2 buffers, 0 wait syncobjs): a command is malformed, touches memory outside the listed buffers or writes a read-only one");
	/* ...had it not, the device MMU would have stopped the job. */
	fake_job_validate = false;
	assert_int_equal(run(&e, cb, &st), 0);
	assert_int_equal(st.code, DRM_POTNPU_JOB_MMU_FAULT);
	assert_int_equal(st.err_offset, 4);
	snprintf(want, sizeof(want), "MMU fault at VA 0x%08llx (write, slot ",
		 (unsigned long long)potnpu_bo_va(ro) + 8);
	assert_contains(st.message, want);
	assert_contains(st.message, ", not mapped) at offset 4");
	/* The file is banned now. */
	assert_int_equal(run(&e, cb, &st), -EIO);
	assert_contains(potnpu_last_error(),
			"this context was banned after a fault; open the device again");
	potnpu_bo_free(ro);
	potnpu_cmdbuf_free(cb);
	jobenv_fini(&e);

	/* Reopened: jobs run again. */
	jobenv_init(&e);
	assert_int_equal(potnpu_cmdbuf_create(64, &cb), 0);
	assert_int_equal(potnpu_cmdbuf_nop(cb), 0);
	assert_int_equal(run(&e, cb, &st), 0);
	assert_int_equal(st.code, 0);
	potnpu_cmdbuf_free(cb);
	jobenv_fini(&e);
	assert_no_job_leaks(fds);
}

static void test_job_illegal_stream(void **state)
{
	struct potnpu_job_status st;
	struct potnpu_cmdbuf *cb;
	struct jobenv e;
	uint32_t bad[2] = { 0x00020009, 0 };	/* opcode 9 */
	int fds = count_fds();

	(void)state;
	jobenv_init(&e);
	assert_int_equal(potnpu_cmdbuf_create(64, &cb), 0);
	assert_int_equal(potnpu_cmdbuf_nop(cb), 0);
	assert_int_equal(potnpu_cmdbuf_raw(cb, bad, 2), 0);
	assert_int_equal(run(&e, cb, &st), -EINVAL);
	fake_job_validate = false;	/* as if the device saw it */
	assert_int_equal(run(&e, cb, &st), 0);
	assert_int_equal(st.code, DRM_POTNPU_JOB_ILLEGAL);
	assert_string_equal(st.message, "illegal command 0x09 at offset 4");
	potnpu_cmdbuf_free(cb);
	jobenv_fini(&e);
	assert_no_job_leaks(fds);
}

static void test_job_submit_errors(void **state)
{
	struct potnpu_submit_desc d = { 0 };
	struct potnpu_bo *list[POTNPU_MAX_JOB_BOS + 1];
	struct potnpu_job_status st;
	struct potnpu_job *job;
	struct jobenv e;
	uint32_t waits[POTNPU_MAX_WAIT_SYNCOBJS + 1] = { 0 };
	struct potnpu_cmdbuf *cb;
	size_t i;
	int fds = count_fds();

	(void)state;
	jobenv_init(&e);
	assert_int_equal(potnpu_cmdbuf_create_in_bo(e.cmd, 0, 4, &cb), 0);
	assert_int_equal(potnpu_cmdbuf_nop(cb), 0);
	potnpu_cmdbuf_free(cb);
	d.cmd_bo = e.cmd;
	d.cmd_size = 4;
	/* Checked before the ioctl. */
	assert_int_equal(potnpu_submit(e.dev, &d, NULL), -EINVAL);
	assert_int_equal(potnpu_submit(NULL, &d, &job), -EINVAL);
	assert_null(job);
	d.cmd_size = 6;
	assert_int_equal(potnpu_submit(e.dev, &d, &job), -EINVAL);
	assert_contains(potnpu_last_error(), "invalid command stream");
	d.cmd_size = 0;
	assert_int_equal(potnpu_submit(e.dev, &d, &job), -EINVAL);
	d.cmd_size = 8;
	d.cmd_offset = 4092;
	assert_int_equal(potnpu_submit(e.dev, &d, &job), -EINVAL);
	d.cmd_offset = 2;
	assert_int_equal(potnpu_submit(e.dev, &d, &job), -EINVAL);
	d.cmd_offset = 0;
	d.cmd_size = 4;
	d.flags = 1;
	assert_int_equal(potnpu_submit(e.dev, &d, &job), -EINVAL);
	d.flags = 0;
	d.wait_count = POTNPU_MAX_WAIT_SYNCOBJS + 1;
	d.wait_syncobjs = waits;
	assert_int_equal(potnpu_submit(e.dev, &d, &job), -EINVAL);
	d.wait_count = 0;
	d.bo_count = 1;
	d.bos = NULL;
	assert_int_equal(potnpu_submit(e.dev, &d, &job), -EINVAL);
	for (i = 0; i < POTNPU_MAX_JOB_BOS; i++)
		assert_int_equal(potnpu_bo_create(e.dev, 1, 0, &list[i]), 0);
	d.bos = list;
	d.bo_count = POTNPU_MAX_JOB_BOS;	/* + the command BO: 65 */
	assert_int_equal(potnpu_submit(e.dev, &d, &job), -EINVAL);
	assert_contains(potnpu_last_error(), "64 buffers at most");
	potnpu_bo_free(list[POTNPU_MAX_JOB_BOS - 1]);
	list[POTNPU_MAX_JOB_BOS - 1] = e.cmd;	/* listed twice: deduplicated */
	assert_int_equal(potnpu_submit(e.dev, &d, &job), 0);
	assert_int_equal(fake_last_submit.bo_count, POTNPU_MAX_JOB_BOS);
	potnpu_job_free(job);
	for (i = 0; i < POTNPU_MAX_JOB_BOS - 1; i++)
		potnpu_bo_free(list[i]);
	assert_int_equal(fake_submits, 1);
	d.bo_count = 0;

	/* The driver's answers. */
	fake_drm_fail(DRM_IOCTL_POTNPU_SUBMIT, EINVAL);
	assert_int_equal(potnpu_submit(e.dev, &d, &job), -EINVAL);
	assert_contains(potnpu_last_error(),
			"the potnpu driver refused the job (4-byte command stream at offset 0");
	fake_drm_fail(DRM_IOCTL_POTNPU_SUBMIT, ENODEV);
	assert_int_equal(potnpu_submit(e.dev, &d, &job), -ENODEV);
	assert_contains(potnpu_last_error(), "no firmware ready");
	fake_drm_fail(DRM_IOCTL_POTNPU_SUBMIT, EIO);
	assert_int_equal(potnpu_submit(e.dev, &d, &job), -EIO);
	assert_contains(potnpu_last_error(), "banned after a fault");
	fake_drm_fail(DRM_IOCTL_POTNPU_SUBMIT, EFAULT);
	assert_int_equal(potnpu_submit(e.dev, &d, &job), -EFAULT);
	fake_drm_fail(DRM_IOCTL_SYNCOBJ_CREATE, ENOMEM);
	assert_int_equal(potnpu_submit(e.dev, &d, &job), -ENOMEM);
	assert_contains(potnpu_last_error(), "cannot create a syncobj");
	waits[0] = 999;	/* no such syncobj */
	d.wait_syncobjs = waits;
	d.wait_count = 1;
	assert_int_equal(potnpu_submit(e.dev, &d, &job), -ENOENT);
	assert_null(job);
	assert_int_equal(fake_drm_live_syncobjs(), 0);

	/* Status and wait failures. */
	d.wait_count = 0;
	assert_int_equal(potnpu_submit(e.dev, &d, &job), 0);
	fake_drm_fail(DRM_IOCTL_POTNPU_JOB_STATUS, ENOENT);
	assert_int_equal(potnpu_job_status(job, &st), -ENOENT);
	assert_contains(potnpu_last_error(), "no longer knows job");
	fake_drm_fail(DRM_IOCTL_SYNCOBJ_WAIT, EINVAL);
	assert_int_equal(potnpu_job_wait(job, 0), -EINVAL);
	assert_int_equal(potnpu_job_wait(NULL, 0), -EINVAL);
	assert_int_equal(potnpu_job_status(NULL, &st), -EINVAL);
	potnpu_job_free(job);
	potnpu_job_free(NULL);
	jobenv_fini(&e);
	assert_no_job_leaks(fds);
}

static void test_job_unsupported(void **state)
{
	struct potnpu_submit_desc d = { 0 };
	struct potnpu_device *dev;
	struct potnpu_job *job;
	struct potnpu_bo *bo;
	int fds = count_fds();

	(void)state;
	dev = open_dev();	/* IRQ,FIRMWARE: no JOBS */
	assert_int_equal(potnpu_bo_create(dev, 64, 0, &bo), 0);
	d.cmd_bo = bo;
	d.cmd_size = 4;
	assert_int_equal(potnpu_submit(dev, &d, &job), -EOPNOTSUPP);
	assert_contains(potnpu_last_error(),
			"does not support job submission (capability JOBS missing; it has: IRQ,FIRMWARE");
	assert_int_equal(fake_submits, 0);
	assert_int_equal(fake_drm_live_syncobjs(), 0);
	potnpu_bo_free(bo);
	potnpu_close(dev);

	/*
	 * A uapi 0.3 driver has jobs, but the job status layout of 0.3
	 * (32-bit fault address) is not the one this library speaks:
	 * refused per call, before any ioctl.
	 */
	add_node("accel1", "/dev/full", "potnpu", DRM_POTNPU_UAPI_MAJOR, 3,
		 FAKE_OK, sizeof(fake_info));
	fake_info.capabilities |= DRM_POTNPU_CAP_JOBS;
	assert_int_equal(potnpu_open(node_path("accel1"), &dev), 0);
	d.cmd_bo = NULL;	/* not looked at: the version comes first */
	assert_int_equal(potnpu_submit(dev, &d, &job), -EOPNOTSUPP);
	assert_contains(potnpu_last_error(),
			"job submission needs uapi 0.4 or later (update the potnpu kernel module)");
	assert_int_equal(fake_submits, 0);
	potnpu_close(dev);
	assert_no_job_leaks(fds);
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
		T(test_cmdbuf_encoding),
		T(test_cmdbuf_limits),
		T(test_job_executes),
		T(test_layer_job),
		T(test_job_cmdbuf_in_bo),
		T(test_job_chain),
		T(test_job_timeline),
		T(test_job_validation),
		T(test_job_status_codes),
		T(test_job_fault_bans),
		T(test_job_illegal_stream),
		T(test_job_submit_errors),
		T(test_job_unsupported),
		T(test_bench_without_model_exec),
		T(test_bench_with_model_exec),
		T(test_bench_device_errors),
		T(test_bench_dma),
	};

	return cmocka_run_group_tests_name("libpotnpu with a fake driver", tests,
					   NULL, NULL);
}
