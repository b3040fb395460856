// SPDX-License-Identifier: GPL-2.0
/*
 * potnpu firmware boot selftests, run inside the guest with the potnpu
 * module loaded on a device with a control core: the firmware booted, the
 * query reports what it said, its log is readable through debugfs, and a
 * forced recovery boots it again.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "potnpu_fw_image.h"
#include "potnpu_fw_validate.h"
#include "potnpu_regs.h"
#include "potnpu_test_util.h"

#define FW_READY	DRM_POTNPU_FW_STATUS_READY

static int query_fw(int fd, struct drm_potnpu_fw_info *fw)
{
	struct drm_potnpu_query q = {
		.param = DRM_POTNPU_QUERY_FW_INFO,
		.size = sizeof(*fw),
		.data = (uintptr_t)fw,
	};

	memset(fw, 0xa5, sizeof(*fw));
	return potnpu_query(fd, &q);
}

static int debugfs_path(int index, const char *file, char *buf, size_t len)
{
	char link[128], target[128];
	const char *name;
	ssize_t n;

	snprintf(link, sizeof(link), "/sys/class/accel/accel%d/device", index);
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0)
		return -1;
	target[n] = 0;
	name = strrchr(target, '/');
	name = name ? name + 1 : target;
	snprintf(buf, len, "/sys/kernel/debug/accel/%s/%s", name, file);
	return 0;
}

/* Read a debugfs file of device @index as a NUL-terminated string. */
static char *read_debugfs(int index, const char *file)
{
	char path[512];
	uint8_t *data, *s;
	size_t size;

	if (debugfs_path(index, file, path, sizeof(path)))
		return NULL;
	data = potnpu_read_file(path, 1 << 20, &size);
	if (!data)
		return NULL;
	s = realloc(data, size + 1);
	if (!s) {
		free(data);
		return NULL;
	}
	s[size] = 0;
	return (char *)s;
}

/* The value of "key: value" in a debugfs status file, or -1. */
static long long status_field(const char *text, const char *key)
{
	char pat[64];
	const char *p;

	snprintf(pat, sizeof(pat), "\n%s: ", key);
	p = strstr(text, pat);
	if (!p && !strncmp(text, pat + 1, strlen(pat) - 1))
		p = text - 1;
	if (!p)
		return -1;
	return strtoll(p + strlen(pat), NULL, 0);
}

static bool status_says(const char *text, const char *line)
{
	return strstr(text, line) != NULL;
}

FIXTURE(fw) {
	int fd;
	int index;
	struct drm_potnpu_device_info info;
	struct drm_potnpu_fw_info fw;
};

FIXTURE_SETUP(fw)
{
	self->fd = potnpu_open_node(0, &self->index);
	ASSERT_GE(self->fd, 0) TH_LOG("no potnpu accel node: is the module loaded?");
	ASSERT_EQ(0, potnpu_query_info(self->fd, &self->info));
	ASSERT_EQ(0, query_fw(self->fd, &self->fw));
	if (!(self->info.hw_caps & POTNPU_CAP_CORE))
		SKIP(return, "device without a control core");
}

FIXTURE_TEARDOWN(fw)
{
	close(self->fd);
}

TEST_F(fw, firmware_running_and_reported)
{
	size_t size;
	uint8_t *img = potnpu_read_file(POTNPU_FW_PATH, 1 << 20, &size);

	ASSERT_NE(NULL, img);
	EXPECT_EQ(FW_READY, self->fw.status);
	EXPECT_EQ(0, self->fw.error);
	/* The running firmware says what its image header says. */
	EXPECT_EQ(potnpu_le32(img + offsetof(struct potnpu_fw_header,
					     fw_version)),
		  self->fw.version);
	EXPECT_EQ(potnpu_le32(img + offsetof(struct potnpu_fw_header,
					     abi_version)),
		  self->fw.abi_version);
	EXPECT_EQ(POTNPU_FW_VER_MAJOR(POTNPU_FW_ABI_VERSION),
		  POTNPU_FW_VER_MAJOR(self->fw.abi_version));
	EXPECT_TRUE(self->fw.caps & POTNPU_FW_CAP_DMA);
	EXPECT_GE(self->fw.boots, 1);
	EXPECT_EQ(0, self->fw.pad);
	free(img);
}

TEST_F(fw, fw_info_size_negotiation)
{
	struct drm_potnpu_fw_info fw;
	struct drm_potnpu_query q = { .param = DRM_POTNPU_QUERY_FW_INFO };
	uint8_t big[64];
	size_t k;

	ASSERT_EQ(0, potnpu_query(self->fd, &q));
	EXPECT_EQ(sizeof(fw), q.size);
	q.size = sizeof(fw) - 1;
	q.data = (uintptr_t)&fw;
	EXPECT_EQ(EINVAL, potnpu_query(self->fd, &q));
	memset(big, 0xa5, sizeof(big));
	q.size = sizeof(big);
	q.data = (uintptr_t)big;
	ASSERT_EQ(0, potnpu_query(self->fd, &q));
	EXPECT_EQ(sizeof(fw), q.size);
	for (k = sizeof(fw); k < sizeof(big); k++)
		ASSERT_EQ(0, big[k]);
	q.size = sizeof(fw);
	q.pad = 1;
	EXPECT_EQ(EINVAL, potnpu_query(self->fd, &q));
}

TEST_F(fw, every_device_booted)
{
	struct drm_potnpu_fw_info info;
	int i = 0, fd, n = 0;

	while ((fd = potnpu_open_node(i, &i)) >= 0) {
		ASSERT_EQ(0, query_fw(fd, &info));
		EXPECT_EQ(FW_READY, info.status) TH_LOG("accel%d", i);
		close(fd);
		i++;
		n++;
	}
	EXPECT_GE(n, 1);
}

TEST_F(fw, debugfs_status_and_heartbeat)
{
	char *a, *b;
	long long hb_a, hb_b;
	int tries;

	a = read_debugfs(self->index, "fw_status");
	if (!a)
		SKIP(return, "no debugfs");
	EXPECT_TRUE(status_says(a, "\nstatus: ready\n")) TH_LOG("%s", a);
	EXPECT_TRUE(status_says(a, "\nfw_status_reg: ready\n")) TH_LOG("%s", a);
	EXPECT_GE(status_field(a, "boots"), 1);
	EXPECT_EQ(0, status_field(a, "last_result"));
	/* The heartbeat moves while the firmware idles. */
	hb_a = status_field(a, "heartbeat");
	hb_b = hb_a;
	for (tries = 0; tries < 50 && hb_b == hb_a; tries++) {
		usleep(100 * 1000);
		b = read_debugfs(self->index, "fw_status");
		ASSERT_NE(NULL, b);
		hb_b = status_field(b, "heartbeat");
		free(b);
	}
	EXPECT_NE(hb_a, hb_b) TH_LOG("heartbeat stuck at %lld", hb_a);
	free(a);
}

TEST_F(fw, log_has_boot_lines)
{
	char *log = read_debugfs(self->index, "fw_log");
	char *p;

	if (!log)
		SKIP(return, "no debugfs");
	EXPECT_NE(NULL, strstr(log, "potnpu firmware ")) TH_LOG("log: %s", log);
	EXPECT_NE(NULL, strstr(log, "boot: ready")) TH_LOG("log: %s", log);
	EXPECT_EQ(NULL, strstr(log, "fatal:"));
	/* Lines are "[IIIIIIII] message", printable. */
	EXPECT_EQ('[', log[0]);
	for (p = log; *p; p++)
		if (*p != '\n' && (*p < 0x20 || *p > 0x7e))
			break;
	EXPECT_EQ(0, *p);
	free(log);
}

TEST_F(fw, forced_recovery_boots_again)
{
	struct drm_potnpu_bo_create c = { .size = 4096 };
	char path[512], *before, *after, *log;
	struct drm_potnpu_fw_info fw;
	long long rec;

	before = read_debugfs(self->index, "fw_status");
	if (!before)
		SKIP(return, "no debugfs");
	rec = status_field(before, "recoveries");
	ASSERT_EQ(0, debugfs_path(self->index, "force_recovery", path,
				  sizeof(path)));
	potnpu_klog_clear();
	ASSERT_EQ(0, potnpu_write_file(path, "1", 1));

	after = read_debugfs(self->index, "fw_status");
	ASSERT_NE(NULL, after);
	EXPECT_EQ(rec + 1, status_field(after, "recoveries"));
	EXPECT_TRUE(status_says(after, "\nstatus: ready\n")) TH_LOG("%s", after);
	EXPECT_TRUE(potnpu_klog_contains("recovery"));
	EXPECT_TRUE(potnpu_klog_contains("running: version"));
	/* A fresh firmware: its log starts over. */
	log = read_debugfs(self->index, "fw_log");
	ASSERT_NE(NULL, log);
	EXPECT_NE(NULL, strstr(log, "boot: ready"));
	free(log);

	/* The query agrees; files and buffer objects keep working. */
	ASSERT_EQ(0, query_fw(self->fd, &fw));
	EXPECT_EQ(FW_READY, fw.status);
	EXPECT_EQ(self->fw.recoveries + 1, fw.recoveries);
	EXPECT_EQ(self->fw.boots + 1, fw.boots);
	EXPECT_EQ(0, ioctl(self->fd, DRM_IOCTL_POTNPU_BO_CREATE, &c));
	free(before);
	free(after);
}

/*
 * The real image with every payload word replaced by @insn, checksums
 * fixed: valid for the loader, fatal for the core.
 */
static uint8_t *bad_image(const uint8_t *img, size_t size, uint32_t insn)
{
	uint32_t payload = potnpu_le32(img + POTNPU_FW_OFF_PAYLOAD_SIZE);
	uint8_t *bad = malloc(size);
	uint32_t i, crc;

	if (!bad || POTNPU_FW_HEADER_SIZE + (size_t)payload > size) {
		free(bad);
		return NULL;
	}
	memcpy(bad, img, size);
	for (i = 0; i < payload; i++)
		bad[POTNPU_FW_HEADER_SIZE + i] = insn >> (8 * (i % 4));
	crc = potnpu_fw_crc32(0, bad + POTNPU_FW_HEADER_SIZE, payload);
	for (i = 0; i < 4; i++)
		bad[POTNPU_FW_OFF_PAYLOAD_CRC + i] = crc >> (8 * i);
	crc = potnpu_fw_header_crc(bad);
	for (i = 0; i < 4; i++)
		bad[POTNPU_FW_OFF_HEADER_CRC + i] = crc >> (8 * i);
	return bad;
}

FIXTURE(bootfail) {
	uint8_t *fw;
	size_t fw_size;
	bool has_core;
};

FIXTURE_SETUP(bootfail)
{
	struct drm_potnpu_device_info info;
	int fd;

	self->fw = potnpu_read_file(POTNPU_FW_PATH, 1 << 20, &self->fw_size);
	ASSERT_NE(NULL, self->fw);
	fd = potnpu_open_node(0, NULL);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, potnpu_query_info(fd, &info));
	close(fd);
	self->has_core = info.hw_caps & POTNPU_CAP_CORE;
}

FIXTURE_TEARDOWN(bootfail)
{
	/* Whatever happened, the original firmware, loaded and booted. */
	potnpu_system("rmmod potnpu 2>/dev/null");
	potnpu_write_file(POTNPU_FW_PATH, self->fw, self->fw_size);
	potnpu_system("modprobe potnpu");
	free(self->fw);
}

static void expect_boot_failure(struct __test_metadata *_metadata,
				FIXTURE_DATA(bootfail) *self, uint32_t insn,
				const char *const msgs[2])
{
	struct drm_potnpu_fw_info fw;
	uint8_t *bad;
	char *status;
	int fd, index, n;

	bad = bad_image(self->fw, self->fw_size, insn);
	ASSERT_NE(NULL, bad);
	n = potnpu_count_nodes();
	ASSERT_EQ(0, potnpu_system("rmmod potnpu"));
	ASSERT_EQ(0, potnpu_write_file(POTNPU_FW_PATH, bad, self->fw_size));
	potnpu_klog_clear();
	ASSERT_EQ(0, potnpu_system("modprobe potnpu"));

	/* The device stays bound and says what went wrong. */
	EXPECT_EQ(n, potnpu_count_nodes());
	EXPECT_TRUE(potnpu_klog_contains(msgs[0]) ||
		    potnpu_klog_contains(msgs[1]));
	EXPECT_TRUE(potnpu_klog_contains("firmware potnpu/potnpu-fw.bin"));
	fd = potnpu_open_node(0, &index);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, query_fw(fd, &fw));
	EXPECT_EQ(DRM_POTNPU_FW_STATUS_FAILED, fw.status);
	status = read_debugfs(index, "fw_status");
	if (status) {
		EXPECT_TRUE(status_says(status, "\nstatus: failed\n"));
		EXPECT_EQ(-5, status_field(status, "last_result"));
		free(status);
	}
	close(fd);
	free(bad);

	/* The good image boots again. */
	ASSERT_EQ(0, potnpu_system("rmmod potnpu"));
	ASSERT_EQ(0, potnpu_write_file(POTNPU_FW_PATH, self->fw,
				       self->fw_size));
	ASSERT_EQ(0, potnpu_system("modprobe potnpu"));
	fd = potnpu_open_node(0, NULL);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, query_fw(fd, &fw));
	EXPECT_EQ(DRM_POTNPU_FW_STATUS_READY, fw.status);
	close(fd);
}

/* All-zero words are illegal instructions: a fatal trap at the entry. */
TEST_F(bootfail, trapping_firmware_reported)
{
	static const char *const msgs[2] = {
		"halted the core during boot", "halted the core during boot",
	};

	if (!self->has_core)
		SKIP(return, "device without a control core");
	expect_boot_failure(_metadata, self, 0x00000000, msgs);
	EXPECT_TRUE(potnpu_klog_contains("mcause 0x2"));
}

/* "j ." never reports: the watchdog or the driver's timeout ends it. */
TEST_F(bootfail, silent_firmware_reported)
{
	static const char *const msgs[2] = {
		"halted the core during boot", "did not report ready within",
	};

	if (!self->has_core)
		SKIP(return, "device without a control core");
	expect_boot_failure(_metadata, self, 0x0000006f, msgs);
}

TEST_HARNESS_MAIN
