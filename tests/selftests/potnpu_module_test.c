// SPDX-License-Identifier: GPL-2.0
/*
 * potnpu module lifecycle selftests, run inside the guest as root: unload
 * and reload cycles, unload refused under load (processes running checked
 * jobs) and reload once they exited, unload and unbind with the device
 * open, refusal of
 * missing or corrupt firmware with a message naming the file and the reason,
 * and the range of the job_timeout_ms module parameter.
 * Every test leaves the module loaded with the original firmware in place.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "potnpu_fw_image.h"
#include "potnpu_job_util.h"
#include "potnpu_test_util.h"

#define PCI_DRIVER_DIR	"/sys/bus/pci/drivers/potnpu"

static int expected_devices(void)
{
	const char *want = getenv("POTNPU_EXPECT_DEVICES");

	return want ? atoi(want) : 1;
}

/* PCI address (e.g. 0000:00:03.0) of accel node @index. */
static int node_pci_address(int index, char *out, size_t len)
{
	char link[PATH_MAX], target[PATH_MAX];
	ssize_t n;

	snprintf(link, sizeof(link), "/sys/class/accel/accel%d/device", index);
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0)
		return -errno;
	target[n] = '\0';
	snprintf(out, len, "%s", basename(target));
	return 0;
}

static int sysfs_write(const char *path, const char *value)
{
	return potnpu_write_file(path, value, strlen(value));
}

static void replace_firmware(struct __test_metadata *_metadata,
			     const uint8_t *data, size_t size)
{
	/* The harness's ASSERT_* macros are not safe as a bare if body. */
	if (data) {
		ASSERT_EQ(0, potnpu_write_file(POTNPU_FW_PATH, data, size));
	} else {
		ASSERT_EQ(0, unlink(POTNPU_FW_PATH));
	}
}

FIXTURE(module) {
	uint8_t *fw;
	size_t fw_size;
};

FIXTURE_SETUP(module)
{
	self->fw = potnpu_read_file(POTNPU_FW_PATH, 1 << 20, &self->fw_size);
	ASSERT_NE(NULL, self->fw);
	ASSERT_EQ(0, potnpu_system("modprobe potnpu"));
	ASSERT_EQ(expected_devices(), potnpu_count_nodes());
}

FIXTURE_TEARDOWN(module)
{
	/* Whatever happened, restore the firmware and a loaded module. */
	potnpu_write_file(POTNPU_FW_PATH, self->fw, self->fw_size);
	potnpu_system("modprobe potnpu");
	free(self->fw);
}

TEST_F(module, unload_reload_cycles)
{
	struct drm_potnpu_device_info info;
	int i, fd;

	for (i = 0; i < 5; i++) {
		ASSERT_EQ(0, potnpu_system("rmmod potnpu"));
		ASSERT_EQ(0, potnpu_count_nodes());
		ASSERT_EQ(0, potnpu_system("modprobe potnpu"));
		ASSERT_EQ(expected_devices(), potnpu_count_nodes());
		fd = potnpu_open_node(0, NULL);
		ASSERT_GE(fd, 0);
		EXPECT_EQ(0, potnpu_query_info(fd, &info));
		EXPECT_TRUE(info.capabilities & DRM_POTNPU_CAP_IRQ);
		close(fd);
	}
}

/* Accel index of the @k-th potnpu node (0-based), -1 if none. */
static int node_index(int k)
{
	int i = 0, fd, index;

	while ((fd = potnpu_open_node(i, &index)) >= 0) {
		close(fd);
		if (k-- == 0)
			return index;
		i = index + 1;
	}
	return -1;
}

/* POTNPU_RELOAD_CYCLES, default 5. */
static int reload_cycles(void)
{
	const char *env = getenv("POTNPU_RELOAD_CYCLES");
	int n = env ? atoi(env) : 5;

	return n > 0 ? n : 5;
}

/*
 * Under load: four processes run checked jobs spread over the devices;
 * rmmod is refused while they run and their jobs stay right; once they
 * exited the module unloads, loads again and runs jobs. Repeated
 * POTNPU_RELOAD_CYCLES times.
 */
TEST_F_TIMEOUT(module, unload_under_load_refused_then_reload, 300)
{
	enum { NPROC = 4 };
	int ndev = expected_devices(), cycles = reload_cycles(), c, i, rc;
	struct checker ck[NPROC];
	unsigned int jobs, total = 0;
	struct timespec pause = { 0, 300000000 };

	for (c = 0; c < cycles; c++) {
		for (i = 0; i < NPROC; i++)
			ASSERT_EQ(0, checker_start(&ck[i], node_index(i % ndev),
						   false, NULL));
		nanosleep(&pause, NULL);
		EXPECT_NE(0, potnpu_system("rmmod potnpu 2>/dev/null"))
			TH_LOG("cycle %d: rmmod succeeded with files open", c);
		EXPECT_EQ(ndev, potnpu_count_nodes());
		nanosleep(&pause, NULL);
		for (i = 0; i < NPROC; i++) {
			rc = checker_stop(&ck[i], &jobs, NULL);
			EXPECT_EQ(0, rc) TH_LOG("cycle %d: process %d", c, i);
			total += jobs;
		}
		ASSERT_EQ(0, potnpu_reload_module(""))
			TH_LOG("cycle %d: unload or reload failed", c);
	}
	/* The last load runs jobs too. */
	ASSERT_EQ(0, checker_start(&ck[0], node_index(0), false, NULL));
	nanosleep(&pause, NULL);
	EXPECT_EQ(0, checker_stop(&ck[0], &jobs, NULL));
	ksft_print_msg("%d cycles, %u checked jobs under load, %u after\n",
		       cycles, total, jobs);
}

TEST_F(module, unload_refused_while_open)
{
	struct drm_potnpu_device_info info;
	int fd = potnpu_open_node(0, NULL);

	ASSERT_GE(fd, 0);
	/* An open file pins the module; the device keeps working. */
	EXPECT_NE(0, potnpu_system("rmmod potnpu 2>/dev/null"));
	EXPECT_EQ(0, potnpu_query_info(fd, &info));
	close(fd);
	EXPECT_EQ(0, potnpu_system("rmmod potnpu"));
	EXPECT_EQ(0, potnpu_system("modprobe potnpu"));
}

TEST_F(module, unbind_while_open)
{
	struct drm_potnpu_device_info info;
	struct bo bo = {};
	char addr[64];
	int fd, index, fd2;

	fd = potnpu_open_node(0, &index);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, bo_new(fd, 64 * 1024, 0, &bo));
	ASSERT_EQ(0, node_pci_address(index, addr, sizeof(addr)));
	potnpu_klog_clear();
	ASSERT_EQ(0, sysfs_write(PCI_DRIVER_DIR "/unbind", addr));
	/*
	 * The file's page tables and the BO's mapping are the device's DMA
	 * memory: released at the unbind, not at close (a kernel with
	 * CONFIG_DMA_API_DEBUG says so otherwise).
	 */
	EXPECT_FALSE(potnpu_klog_contains("pending DMA allocations"));
	/* The device is gone: the open file must fail cleanly, not crash. */
	EXPECT_EQ(ENODEV, potnpu_query_info(fd, &info));
	bo_unmap(&bo);
	EXPECT_EQ(expected_devices() - 1, potnpu_count_nodes());
	close(fd);
	ASSERT_EQ(0, sysfs_write(PCI_DRIVER_DIR "/bind", addr));
	EXPECT_EQ(expected_devices(), potnpu_count_nodes());
	fd2 = potnpu_open_node(0, NULL);
	ASSERT_GE(fd2, 0);
	EXPECT_EQ(0, potnpu_query_info(fd2, &info));
	close(fd2);
}

TEST_F(module, missing_firmware_refused)
{
	ASSERT_EQ(0, potnpu_system("rmmod potnpu"));
	replace_firmware(_metadata, NULL, 0);
	potnpu_klog_clear();
	potnpu_system("modprobe potnpu");
	EXPECT_EQ(0, potnpu_count_nodes());
	EXPECT_TRUE(potnpu_klog_contains("potnpu/potnpu-fw.bin"));
	replace_firmware(_metadata, self->fw, self->fw_size);
	ASSERT_EQ(0, potnpu_system("rmmod potnpu"));
	ASSERT_EQ(0, potnpu_system("modprobe potnpu"));
	EXPECT_EQ(expected_devices(), potnpu_count_nodes());
}

TEST_F(module, corrupt_firmware_refused)
{
	uint8_t *bad = malloc(self->fw_size);

	ASSERT_NE(NULL, bad);
	memcpy(bad, self->fw, self->fw_size);
	bad[self->fw_size - 1] ^= 0x40;	/* last payload byte */
	ASSERT_EQ(0, potnpu_system("rmmod potnpu"));
	replace_firmware(_metadata, bad, self->fw_size);
	potnpu_klog_clear();
	potnpu_system("modprobe potnpu");
	EXPECT_EQ(0, potnpu_count_nodes());
	EXPECT_TRUE(potnpu_klog_contains("payload checksum mismatch"));
	replace_firmware(_metadata, self->fw, self->fw_size);
	ASSERT_EQ(0, potnpu_system("rmmod potnpu"));
	ASSERT_EQ(0, potnpu_system("modprobe potnpu"));
	EXPECT_EQ(expected_devices(), potnpu_count_nodes());
	free(bad);
}

TEST_F(module, truncated_firmware_refused)
{
	ASSERT_EQ(0, potnpu_system("rmmod potnpu"));
	replace_firmware(_metadata, self->fw, POTNPU_FW_HEADER_SIZE - 1);
	potnpu_klog_clear();
	potnpu_system("modprobe potnpu");
	EXPECT_EQ(0, potnpu_count_nodes());
	EXPECT_TRUE(potnpu_klog_contains("truncated"));
	replace_firmware(_metadata, self->fw, self->fw_size);
	ASSERT_EQ(0, potnpu_system("rmmod potnpu"));
	ASSERT_EQ(0, potnpu_system("modprobe potnpu"));
	EXPECT_EQ(expected_devices(), potnpu_count_nodes());
}

/* Module parameter job_timeout_ms: 1..600000 ms, default 5000. */
TEST_F(module, job_timeout_param_range_checked)
{
	EXPECT_EQ(5000, potnpu_module_param("job_timeout_ms"));
	ASSERT_EQ(0, potnpu_system("rmmod potnpu"));
	/* Out of range: the module does not load at all. */
	EXPECT_NE(0, potnpu_system("modprobe potnpu job_timeout_ms=0 2>/dev/null"));
	EXPECT_EQ(0, potnpu_count_nodes());
	EXPECT_NE(0, potnpu_system("modprobe potnpu job_timeout_ms=600001 2>/dev/null"));
	EXPECT_EQ(0, potnpu_count_nodes());
	EXPECT_NE(0, potnpu_system("modprobe potnpu job_timeout_ms=ten 2>/dev/null"));
	EXPECT_EQ(0, potnpu_count_nodes());
	/* Both ends of the range load, and sysfs shows the value. */
	ASSERT_EQ(0, potnpu_system("modprobe potnpu job_timeout_ms=600000"));
	EXPECT_EQ(600000, potnpu_module_param("job_timeout_ms"));
	EXPECT_EQ(expected_devices(), potnpu_count_nodes());
	ASSERT_EQ(0, potnpu_system("rmmod potnpu"));
	ASSERT_EQ(0, potnpu_system("modprobe potnpu job_timeout_ms=1"));
	EXPECT_EQ(1, potnpu_module_param("job_timeout_ms"));
	ASSERT_EQ(0, potnpu_system("rmmod potnpu"));
	/* The default comes back with a plain load. */
	ASSERT_EQ(0, potnpu_system("modprobe potnpu"));
	EXPECT_EQ(5000, potnpu_module_param("job_timeout_ms"));
	EXPECT_EQ(expected_devices(), potnpu_count_nodes());
}

TEST_HARNESS_MAIN
