// SPDX-License-Identifier: GPL-2.0
/*
 * potnpu query ioctl selftests, run inside the guest with the potnpu module
 * loaded: valid queries return what the device and firmware image say, and
 * every kind of malformed call is rejected without side effects.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "potnpu_regs.h"
#include "potnpu_fw_image.h"
#include "potnpu_test_util.h"

#define KNOWN_CAPS (DRM_POTNPU_CAP_IRQ | DRM_POTNPU_CAP_FIRMWARE | \
		    DRM_POTNPU_CAP_JOBS | DRM_POTNPU_CAP_MODEL_EXEC)

FIXTURE(query) {
	int fd;
};

FIXTURE_SETUP(query)
{
	self->fd = potnpu_open_node(0, NULL);
	ASSERT_GE(self->fd, 0) TH_LOG("no potnpu accel node: is the module loaded?");
}

FIXTURE_TEARDOWN(query)
{
	close(self->fd);
}

TEST_F(query, device_info_matches_device)
{
	struct drm_potnpu_device_info info;

	ASSERT_EQ(0, potnpu_query_info(self->fd, &info));
	EXPECT_EQ(POTNPU_PCI_VENDOR_ID, info.pci_vendor);
	EXPECT_EQ(POTNPU_PCI_DEVICE_ID, info.pci_device);
	EXPECT_EQ(POTNPU_PCI_REVISION, info.pci_revision);
	EXPECT_EQ(POTNPU_VERSION_MAJOR(POTNPU_HW_VERSION),
		  POTNPU_VERSION_MAJOR(info.hw_version));
	EXPECT_TRUE(info.hw_caps & POTNPU_CAP_PING);
	EXPECT_EQ((__u32)(DRM_POTNPU_UAPI_MAJOR << 16 | DRM_POTNPU_UAPI_MINOR),
		  info.uapi_version);
	EXPECT_EQ(0, info.pad0[0] | info.pad0[1] | info.pad0[2]);
	EXPECT_EQ(0, info.pad1);
	EXPECT_EQ(0, info.pad2);
}

TEST_F(query, capabilities_reflect_probe)
{
	struct drm_potnpu_device_info info;

	ASSERT_EQ(0, potnpu_query_info(self->fd, &info));
	/* The MSI-X self-test and firmware validation ran at probe. */
	EXPECT_TRUE(info.capabilities & DRM_POTNPU_CAP_IRQ);
	EXPECT_TRUE(info.capabilities & DRM_POTNPU_CAP_FIRMWARE);
	/* Jobs run exactly when the device has a control core. */
	EXPECT_EQ(!!(info.hw_caps & POTNPU_CAP_CORE),
		  !!(info.capabilities & DRM_POTNPU_CAP_JOBS));
	/* Layers run exactly when the device has the shift-add engine. */
	EXPECT_EQ(!!(info.hw_caps & POTNPU_CAP_SAE),
		  !!(info.capabilities & DRM_POTNPU_CAP_MODEL_EXEC));
	EXPECT_EQ(0, info.capabilities & ~KNOWN_CAPS);
}

TEST_F(query, firmware_version_matches_image)
{
	struct drm_potnpu_device_info info;
	size_t size;
	uint8_t *img = potnpu_read_file(POTNPU_FW_PATH, 1 << 20, &size);

	ASSERT_NE(NULL, img);
	ASSERT_GE(size, POTNPU_FW_HEADER_SIZE);
	ASSERT_EQ(0, potnpu_query_info(self->fd, &info));
	EXPECT_EQ(potnpu_le32(img + offsetof(struct potnpu_fw_header, fw_version)),
		  info.fw_version);
	EXPECT_EQ(potnpu_le32(img + offsetof(struct potnpu_fw_header, abi_version)),
		  info.fw_abi_version);
	EXPECT_NE(0, info.fw_version);
	free(img);
}

TEST_F(query, size_zero_reports_size)
{
	struct drm_potnpu_query q = { .param = DRM_POTNPU_QUERY_DEVICE_INFO };

	ASSERT_EQ(0, potnpu_query(self->fd, &q));
	EXPECT_EQ(sizeof(struct drm_potnpu_device_info), q.size);
}

TEST_F(query, larger_buffer_is_zero_filled)
{
	size_t big = sizeof(struct drm_potnpu_device_info) + 64;
	struct drm_potnpu_query q = { .param = DRM_POTNPU_QUERY_DEVICE_INFO };
	unsigned char *buf = malloc(big);
	size_t i;

	ASSERT_NE(NULL, buf);
	memset(buf, 0xa5, big);
	q.size = big;
	q.data = (uintptr_t)buf;
	ASSERT_EQ(0, potnpu_query(self->fd, &q));
	EXPECT_EQ(sizeof(struct drm_potnpu_device_info), q.size);
	for (i = sizeof(struct drm_potnpu_device_info); i < big; i++)
		ASSERT_EQ(0, buf[i]) TH_LOG("byte %zu not cleared", i);
	EXPECT_EQ(POTNPU_PCI_VENDOR_ID,
		  ((struct drm_potnpu_device_info *)buf)->pci_vendor);
	free(buf);
}

TEST_F(query, too_small_size_rejected)
{
	struct drm_potnpu_device_info info;
	struct drm_potnpu_query q = {
		.param = DRM_POTNPU_QUERY_DEVICE_INFO,
		.data = (uintptr_t)&info,
	};
	__u32 sizes[] = { 1, 4, sizeof(info) - 1 };
	size_t i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		memset(&info, 0xa5, sizeof(info));
		q.size = sizes[i];
		EXPECT_EQ(EINVAL, potnpu_query(self->fd, &q));
		/* Nothing may have been written on failure. */
		EXPECT_EQ(0xa5a5, info.pci_vendor);
	}
}

TEST_F(query, nonzero_flags_rejected)
{
	struct drm_potnpu_device_info info;
	struct drm_potnpu_query q = {
		.param = DRM_POTNPU_QUERY_DEVICE_INFO,
		.size = sizeof(info),
		.data = (uintptr_t)&info,
		.flags = 1,
	};

	EXPECT_EQ(EINVAL, potnpu_query(self->fd, &q));
	q.flags = 0x80000000u;
	EXPECT_EQ(EINVAL, potnpu_query(self->fd, &q));
}

TEST_F(query, nonzero_pad_rejected)
{
	struct drm_potnpu_device_info info;
	struct drm_potnpu_query q = {
		.param = DRM_POTNPU_QUERY_DEVICE_INFO,
		.size = sizeof(info),
		.data = (uintptr_t)&info,
		.pad = 1,
	};

	EXPECT_EQ(EINVAL, potnpu_query(self->fd, &q));
}

TEST_F(query, unknown_param_rejected)
{
	struct drm_potnpu_device_info info;
	struct drm_potnpu_query q = {
		.size = sizeof(info),
		.data = (uintptr_t)&info,
	};
	__u32 params[] = { 2, 3, 0x100, 0xffffffffu };
	size_t i;

	for (i = 0; i < sizeof(params) / sizeof(params[0]); i++) {
		q.param = params[i];
		EXPECT_EQ(EINVAL, potnpu_query(self->fd, &q));
	}
}

TEST_F(query, bad_pointers_fault)
{
	size_t sz = sizeof(struct drm_potnpu_device_info);
	struct drm_potnpu_query q = {
		.param = DRM_POTNPU_QUERY_DEVICE_INFO,
		.size = sz,
	};
	long page = sysconf(_SC_PAGESIZE);
	void *ro, *gap;

	q.data = 0;
	EXPECT_EQ(EFAULT, potnpu_query(self->fd, &q));
	q.data = ~0ull - 7;	/* kernel space / non-canonical */
	EXPECT_EQ(EFAULT, potnpu_query(self->fd, &q));

	ro = mmap(NULL, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, ro);
	q.data = (uintptr_t)ro;
	EXPECT_EQ(EFAULT, potnpu_query(self->fd, &q));
	munmap(ro, page);

	/* A buffer that starts mapped but runs into an unmapped page. */
	gap = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, gap);
	munmap((char *)gap + page, page);
	q.data = (uintptr_t)gap + page - sz / 2;
	EXPECT_EQ(EFAULT, potnpu_query(self->fd, &q));
	munmap(gap, page);

	/* The query still works afterwards. */
	{
		struct drm_potnpu_device_info info;

		EXPECT_EQ(0, potnpu_query_info(self->fd, &info));
	}
}

TEST_F(query, unknown_ioctls_rejected)
{
	struct drm_potnpu_query q = { 0 };
	unsigned long nrs[] = { 0x01, 0x20, 0x3f };
	size_t i;

	for (i = 0; i < sizeof(nrs) / sizeof(nrs[0]); i++) {
		errno = 0;
		EXPECT_EQ(-1, ioctl(self->fd, DRM_IOWR(DRM_COMMAND_BASE + nrs[i],
						       struct drm_potnpu_query), &q));
		EXPECT_EQ(EINVAL, errno);
	}
}

TEST(all_devices_enumerated)
{
	const char *want = getenv("POTNPU_EXPECT_DEVICES");
	__u32 ids[POTNPU_MAX_NODES];
	int n = 0, i = 0, j, fd;

	while ((fd = potnpu_open_node(i, &i)) >= 0) {
		struct drm_potnpu_device_info info;

		ASSERT_EQ(0, potnpu_query_info(fd, &info));
		close(fd);
		for (j = 0; j < n; j++)
			EXPECT_NE(ids[j], info.pci_bus_id);
		ids[n++] = info.pci_bus_id;
		i++;
	}
	ASSERT_GE(n, 1);
	if (want)
		EXPECT_EQ(atoi(want), n);
}

TEST_HARNESS_MAIN
