// SPDX-License-Identifier: MIT
/*
 * libpotnpu against the real libdrm, through the shared library: error
 * strings, enumeration of fake accel directories (empty, missing, not a
 * directory, holding nodes that are not potnpu devices), open errors and
 * the formatting helpers. No device is needed.
 */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "libpotnpu.h"
#include "potnpu_fw_image.h"

struct fixture {
	char dir[64];
};

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	int n = 0;

	if (!d)
		return -1;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

static int setup_dir(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/potnpu-test-lib-XXXXXX");
	if (!mkdtemp(f->dir)) {
		free(f);
		return -1;
	}
	setenv(POTNPU_ACCEL_DIR_ENV, f->dir, 1);
	*state = f;
	return 0;
}

static void rm_tree(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char path[512];
	struct stat st;

	if (!d)
		return;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (!lstat(path, &st) && S_ISDIR(st.st_mode)) {
			rm_tree(path);
			continue;
		}
		unlink(path);
	}
	closedir(d);
	rmdir(dir);
}

static int teardown_dir(void **state)
{
	struct fixture *f = *state;

	rm_tree(f->dir);
	unsetenv(POTNPU_ACCEL_DIR_ENV);
	free(f);
	return 0;
}

static void touch(const char *dir, const char *name)
{
	char path[512];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fclose(fp);
}

static void link_to(const char *dir, const char *name, const char *target)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_int_equal(symlink(target, path), 0);
}

static void assert_contains(const char *s, const char *sub)
{
	if (!strstr(s, sub))
		fail_msg("\"%s\" does not contain \"%s\"", s, sub);
}

/* ---- errors ----------------------------------------------------------- */

static const int lib_errors[] = {
	ENODEV, ENOENT, ENOTDIR, EACCES, ENOTTY, ENXIO, EPROTO, EBADMSG,
	EOPNOTSUPP, ENOSPC, EINVAL, ENOMEM, EIO, ETIME,
};

static void test_strerror_every_code(void **state)
{
	size_t i, j, n = sizeof(lib_errors) / sizeof(lib_errors[0]);

	(void)state;
	for (i = 0; i < n; i++) {
		const char *m = potnpu_strerror(-lib_errors[i]);

		assert_non_null(m);
		assert_true(strlen(m) > 8);
		/* Same text for the positive value. */
		assert_string_equal(m, potnpu_strerror(lib_errors[i]));
		for (j = 0; j < i; j++)
			assert_string_not_equal(m, potnpu_strerror(-lib_errors[j]));
	}
	assert_contains(potnpu_strerror(-ENODEV), "no potnpu device");
	assert_contains(potnpu_strerror(-EPROTO), "version");
	assert_string_equal(potnpu_strerror(0), "success");
	/* Unknown and system codes still give text. */
	assert_non_null(potnpu_strerror(-99999));
	assert_true(strlen(potnpu_strerror(-EIO)) > 0);
	assert_non_null(potnpu_last_error());
}

static void test_version(void **state)
{
	char want[32];

	(void)state;
	snprintf(want, sizeof(want), "%d.%d.%d", LIBPOTNPU_VERSION_MAJOR,
		 LIBPOTNPU_VERSION_MINOR, LIBPOTNPU_VERSION_PATCH);
	assert_string_equal(potnpu_version(), want);
}

static void test_accel_dir_env(void **state)
{
	(void)state;
	unsetenv(POTNPU_ACCEL_DIR_ENV);
	assert_string_equal(potnpu_accel_dir(), "/dev/accel");
	setenv(POTNPU_ACCEL_DIR_ENV, "", 1);
	assert_string_equal(potnpu_accel_dir(), "/dev/accel");
	setenv(POTNPU_ACCEL_DIR_ENV, "/somewhere/else", 1);
	assert_string_equal(potnpu_accel_dir(), "/somewhere/else");
	unsetenv(POTNPU_ACCEL_DIR_ENV);
}

/* ---- enumeration ------------------------------------------------------ */

static void test_enum_empty_dir(void **state)
{
	struct fixture *f = *state;
	struct potnpu_device_list *list = (void *)1;
	struct potnpu_device *dev = (void *)1;
	char want[160];

	assert_int_equal(potnpu_list_devices(&list), -ENODEV);
	assert_null(list);
	snprintf(want, sizeof(want),
		 "no potnpu device found in %s (is the potnpu module loaded?)",
		 f->dir);
	assert_string_equal(potnpu_last_error(), want);

	assert_int_equal(potnpu_open_index(0, &dev), -ENODEV);
	assert_null(dev);
	assert_string_equal(potnpu_last_error(), want);
}

static void test_enum_missing_dir(void **state)
{
	struct fixture *f = *state;
	struct potnpu_device_list *list;
	struct potnpu_device *dev;
	char missing[128];

	snprintf(missing, sizeof(missing), "%s/no-such-dir", f->dir);
	setenv(POTNPU_ACCEL_DIR_ENV, missing, 1);
	assert_int_equal(potnpu_list_devices(&list), -ENODEV);
	assert_null(list);
	assert_contains(potnpu_last_error(), "no potnpu device found");
	assert_contains(potnpu_last_error(), missing);
	assert_contains(potnpu_last_error(), "does not exist");
	assert_contains(potnpu_last_error(), "is the potnpu module loaded?");
	assert_int_equal(potnpu_open_index(3, &dev), -ENODEV);
	assert_null(dev);
}

static void test_enum_dir_is_a_file(void **state)
{
	struct fixture *f = *state;
	struct potnpu_device_list *list;
	char file[128];

	touch(f->dir, "plain");
	snprintf(file, sizeof(file), "%s/plain", f->dir);
	setenv(POTNPU_ACCEL_DIR_ENV, file, 1);
	assert_int_equal(potnpu_list_devices(&list), -ENOTDIR);
	assert_null(list);
	assert_contains(potnpu_last_error(), file);
	assert_contains(potnpu_last_error(), "not a directory");
	assert_contains(potnpu_last_error(), POTNPU_ACCEL_DIR_ENV);
}

static void test_enum_ignores_other_names(void **state)
{
	struct fixture *f = *state;
	struct potnpu_device_list *list;
	char want[160];

	/* None of these is named accelN: nothing to probe, nothing skipped. */
	touch(f->dir, "card0");
	touch(f->dir, "renderD128");
	touch(f->dir, "accel");
	touch(f->dir, "accelX");
	touch(f->dir, "accel01");
	touch(f->dir, "accel-1");
	touch(f->dir, "accel1.bak");
	touch(f->dir, "xaccel1");
	link_to(f->dir, "accel99999999999", "/dev/null");
	assert_int_equal(potnpu_list_devices(&list), -ENODEV);
	snprintf(want, sizeof(want),
		 "no potnpu device found in %s (is the potnpu module loaded?)",
		 f->dir);
	assert_string_equal(potnpu_last_error(), want);
}

static void test_enum_skips_non_potnpu_nodes(void **state)
{
	struct fixture *f = *state;
	struct potnpu_device_list *list;
	char sub[128];
	int fds = count_fds();

	touch(f->dir, "accel0");			/* regular file */
	link_to(f->dir, "accel1", "/dev/null");		/* not DRM */
	link_to(f->dir, "accel2", "/nonexistent");	/* dangling */
	snprintf(sub, sizeof(sub), "%s/accel10", f->dir);
	assert_int_equal(mkdir(sub, 0755), 0);		/* directory */

	assert_int_equal(potnpu_list_devices(&list), -ENODEV);
	assert_null(list);
	assert_contains(potnpu_last_error(), "no potnpu device found in ");
	assert_contains(potnpu_last_error(), "is the potnpu module loaded?");
	/* Skipped in numeric order, each with its reason. */
	assert_contains(potnpu_last_error(),
			"skipped 4 nodes: accel0 (not a character device), accel1 (not a DRM device), accel2 (does not exist), accel10 (cannot open: ");
	assert_int_equal(count_fds(), fds);
}

/* ---- opening ---------------------------------------------------------- */

static void test_open_errors(void **state)
{
	struct fixture *f = *state;
	struct potnpu_device *dev = (void *)1;
	char path[128];
	int fds = count_fds();

	assert_int_equal(potnpu_open(NULL, &dev), -EINVAL);
	assert_null(dev);
	assert_int_equal(potnpu_open("", &dev), -EINVAL);
	assert_int_equal(potnpu_open("/dev/null", NULL), -EINVAL);
	assert_int_equal(potnpu_open_index(0, NULL), -EINVAL);

	snprintf(path, sizeof(path), "%s/accel7", f->dir);
	assert_int_equal(potnpu_open(path, &dev), -ENOENT);
	assert_null(dev);
	assert_contains(potnpu_last_error(), path);
	assert_contains(potnpu_last_error(), "does not exist");

	assert_int_equal(potnpu_open("/dev/null", &dev), -ENOTTY);
	assert_string_equal(potnpu_last_error(), "/dev/null: not a DRM device");

	touch(f->dir, "accel0");
	snprintf(path, sizeof(path), "%s/accel0", f->dir);
	assert_int_equal(potnpu_open(path, &dev), -ENOTTY);
	assert_contains(potnpu_last_error(), "not a character device");

	assert_int_equal(potnpu_open(f->dir, &dev), -EISDIR);
	assert_contains(potnpu_last_error(), f->dir);
	assert_null(dev);
	assert_int_equal(count_fds(), fds);

	/* NULL handles are harmless. */
	potnpu_close(NULL);
	assert_int_equal(potnpu_fd(NULL), -1);
	assert_null(potnpu_path(NULL));
	assert_null(potnpu_driver(NULL));
	potnpu_list_free(NULL);
	assert_int_equal(potnpu_list_count(NULL), 0);
	assert_null(potnpu_list_path(NULL, 0));
	assert_int_equal(potnpu_query(NULL, 0, NULL, 0, NULL), -EINVAL);
	assert_int_equal(potnpu_query_device_info(NULL, NULL, 0), -EINVAL);
	assert_int_equal(potnpu_list_devices(NULL), -EINVAL);
}

/* ---- helpers ---------------------------------------------------------- */

static void test_cap_names(void **state)
{
	const uint64_t all = DRM_POTNPU_CAP_IRQ | DRM_POTNPU_CAP_FIRMWARE |
			     DRM_POTNPU_CAP_JOBS | DRM_POTNPU_CAP_MODEL_EXEC;

	(void)state;
	assert_string_equal(potnpu_cap_name(DRM_POTNPU_CAP_IRQ), "IRQ");
	assert_string_equal(potnpu_cap_name(DRM_POTNPU_CAP_FIRMWARE), "FIRMWARE");
	assert_string_equal(potnpu_cap_name(DRM_POTNPU_CAP_JOBS), "JOBS");
	assert_string_equal(potnpu_cap_name(DRM_POTNPU_CAP_MODEL_EXEC),
			    "MODEL_EXEC");
	assert_null(potnpu_cap_name(0));
	assert_null(potnpu_cap_name(DRM_POTNPU_CAP_IRQ | DRM_POTNPU_CAP_JOBS));
	assert_null(potnpu_cap_name(1ull << 63));
	assert_int_equal(potnpu_known_caps(), all);
	assert_string_not_equal(potnpu_cap_description(DRM_POTNPU_CAP_MODEL_EXEC),
				"unknown capability");
	assert_string_equal(potnpu_cap_description(1ull << 40),
			    "unknown capability");
}

static void test_has_cap(void **state)
{
	struct drm_potnpu_device_info info;

	(void)state;
	memset(&info, 0, sizeof(info));
	info.capabilities = DRM_POTNPU_CAP_IRQ | DRM_POTNPU_CAP_FIRMWARE;
	assert_true(potnpu_has_cap(&info, DRM_POTNPU_CAP_IRQ));
	assert_true(potnpu_has_cap(&info, DRM_POTNPU_CAP_IRQ |
					  DRM_POTNPU_CAP_FIRMWARE));
	assert_false(potnpu_has_cap(&info, DRM_POTNPU_CAP_MODEL_EXEC));
	assert_false(potnpu_has_cap(&info, DRM_POTNPU_CAP_IRQ |
					   DRM_POTNPU_CAP_MODEL_EXEC));
	assert_false(potnpu_has_cap(&info, 0));
	assert_false(potnpu_has_cap(NULL, DRM_POTNPU_CAP_IRQ));
}

static void test_format_helpers(void **state)
{
	char buf[64], small[10];

	(void)state;
	assert_string_equal(potnpu_format_caps(0, buf, sizeof(buf)), "none");
	assert_string_equal(potnpu_format_caps(DRM_POTNPU_CAP_IRQ |
					       DRM_POTNPU_CAP_FIRMWARE,
					       buf, sizeof(buf)), "IRQ,FIRMWARE");
	assert_string_equal(potnpu_format_caps(potnpu_known_caps(), buf,
					       sizeof(buf)),
			    "IRQ,FIRMWARE,JOBS,MODEL_EXEC");
	assert_string_equal(potnpu_format_caps(DRM_POTNPU_CAP_JOBS | (1ull << 63),
					       buf, sizeof(buf)), "JOBS,bit63");
	memset(small, 'x', sizeof(small));
	assert_string_equal(potnpu_format_caps(potnpu_known_caps(), small,
					       sizeof(small)), "IRQ,FI...");
	assert_string_equal(potnpu_format_fw_version(0, buf, sizeof(buf)), "none");
	assert_string_equal(potnpu_format_fw_version(POTNPU_FW_VER(1, 2, 3), buf,
						     sizeof(buf)), "1.2.3");
	assert_string_equal(potnpu_format_fw_version(0xffffffffu, buf,
						     sizeof(buf)),
			    "255.255.65535");
	assert_string_equal(potnpu_format_version16(0x00010002, buf, sizeof(buf)),
			    "1.2");
	assert_string_equal(potnpu_format_bus_id(1u << 16 | 2u << 8 | (3u << 3 | 4),
						 buf, sizeof(buf)),
			    "0001:02:03.4");
	assert_string_equal(potnpu_format_bus_id(0x18, buf, sizeof(buf)),
			    "0000:00:03.0");
}

/* The buffer-object entry points of the shared library, without a device. */
static void test_bo_without_device(void **state)
{
	struct potnpu_bo *bo = (struct potnpu_bo *)&bo;
	void *p = &p;

	(void)state;
	assert_int_equal(potnpu_bo_create(NULL, 4096, 0, &bo), -EINVAL);
	assert_null(bo);
	assert_string_equal(potnpu_last_error(), "potnpu_bo_create: dev is NULL");
	assert_int_equal(potnpu_bo_map(NULL, &p), -EINVAL);
	assert_null(p);
	potnpu_bo_free(NULL);
	assert_int_equal(potnpu_bo_va(NULL), 0);
	assert_int_equal(potnpu_bo_size(NULL), 0);
	assert_int_equal(potnpu_bo_handle(NULL), 0);
	assert_int_equal(potnpu_bo_flags(NULL), 0);
	assert_string_equal(potnpu_strerror(-ENOSPC),
			    "device address space exhausted");
}

/* The command-stream and job entry points of the shared library. */
static void test_jobs_without_device(void **state)
{
	struct potnpu_submit_desc d = { 0 };
	struct potnpu_job *job = (struct potnpu_job *)&job;
	struct potnpu_job_status st;
	struct potnpu_cmdbuf *cb;
	const uint32_t *w;
	char buf[160];

	(void)state;
	assert_int_equal(potnpu_submit(NULL, &d, &job), -EINVAL);
	assert_null(job);
	assert_int_equal(potnpu_job_wait(NULL, 0), -EINVAL);
	assert_int_equal(potnpu_job_status(NULL, &st), -EINVAL);
	potnpu_job_free(NULL);
	assert_int_equal(potnpu_job_id(NULL), 0);
	assert_int_equal(potnpu_job_syncobj(NULL), 0);
	assert_string_equal(potnpu_job_status_name(DRM_POTNPU_JOB_CANCELLED),
			    "cancelled");
	assert_string_equal(potnpu_job_status_name(DRM_POTNPU_JOB_DEVICE_ERROR),
			    "device error");
	assert_string_equal(potnpu_job_status_name(0x7777), "unknown");
	assert_string_equal(potnpu_format_job_status(true, 3, 8, 0x00040103,
						     0x1000, buf, sizeof(buf)),
			    "MMU fault at VA 0x00001000 (write, slot 1, read-only page) at offset 8");
	/* A 64-bit fault address is printed whole. */
	assert_string_equal(potnpu_format_job_status(true, 3, 8, 0x00040103,
						     0x123456789000ull, buf,
						     sizeof(buf)),
			    "MMU fault at VA 0x123456789000 (write, slot 1, read-only page) at offset 8");
	assert_string_equal(potnpu_format_job_status(false, 0, 0, 0, 0, buf,
						     sizeof(buf)), "pending");
	assert_string_equal(potnpu_strerror(-ETIME), "timed out");
	assert_contains(potnpu_strerror(-EIO), "banned");

	/* The builder needs no device. */
	assert_int_equal(potnpu_cmdbuf_create(64, &cb), 0);
	assert_int_equal(potnpu_cmdbuf_copy(cb, 0x1000, 0x2000, 16), 0);
	w = potnpu_cmdbuf_data(cb);
	assert_int_equal(w[0], 0x00060003);
	assert_int_equal(w[5], 16);
	assert_int_equal(potnpu_cmdbuf_copy_to_bo(cb, NULL, 0), -EINVAL);
	potnpu_cmdbuf_free(cb);
	assert_int_equal(potnpu_cmdbuf_create_in_bo(NULL, 0, 64, &cb), -EINVAL);
	assert_null(cb);
	assert_int_equal(potnpu_cmdbuf_size(NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strerror_every_code),
		cmocka_unit_test(test_version),
		cmocka_unit_test(test_accel_dir_env),
		cmocka_unit_test_setup_teardown(test_enum_empty_dir, setup_dir,
						teardown_dir),
		cmocka_unit_test_setup_teardown(test_enum_missing_dir, setup_dir,
						teardown_dir),
		cmocka_unit_test_setup_teardown(test_enum_dir_is_a_file, setup_dir,
						teardown_dir),
		cmocka_unit_test_setup_teardown(test_enum_ignores_other_names,
						setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_enum_skips_non_potnpu_nodes,
						setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_open_errors, setup_dir,
						teardown_dir),
		cmocka_unit_test(test_cap_names),
		cmocka_unit_test(test_has_cap),
		cmocka_unit_test(test_format_helpers),
		cmocka_unit_test(test_bo_without_device),
		cmocka_unit_test(test_jobs_without_device),
	};

	return cmocka_run_group_tests_name("libpotnpu", tests, NULL, NULL);
}
