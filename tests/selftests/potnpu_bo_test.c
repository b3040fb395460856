// SPDX-License-Identifier: GPL-2.0
/*
 * potnpu address space and buffer object selftests, run inside the guest
 * with the potnpu module loaded: every open file gets one of the device's
 * MMU context slots and its own address space; buffer objects are created,
 * mapped by the CPU, placed in the device address space, and every bad
 * argument is refused cleanly.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "potnpu_job.h"
#include "potnpu_regs.h"
#include "potnpu_test_util.h"

static int open_index(int index)
{
	char path[64];

	snprintf(path, sizeof(path), "/dev/accel/accel%d", index);
	return open(path, O_RDWR | O_CLOEXEC);
}

#define MiB (1ull << 20)

static int bo_create(int fd, uint64_t size, uint32_t flags,
		     struct drm_potnpu_bo_create *out)
{
	struct drm_potnpu_bo_create c = { .size = size, .flags = flags };

	if (ioctl(fd, DRM_IOCTL_POTNPU_BO_CREATE, &c))
		return errno;
	if (out)
		*out = c;
	return 0;
}

static int bo_info(int fd, uint32_t handle, struct drm_potnpu_bo_info *out)
{
	struct drm_potnpu_bo_info i = { .handle = handle };

	if (ioctl(fd, DRM_IOCTL_POTNPU_BO_INFO, &i))
		return errno;
	if (out)
		*out = i;
	return 0;
}

static int gem_close(int fd, uint32_t handle)
{
	struct drm_gem_close c = { .handle = handle };

	return ioctl(fd, DRM_IOCTL_GEM_CLOSE, &c) ? errno : 0;
}

static void *bo_mmap(int fd, uint32_t handle, size_t size)
{
	struct drm_potnpu_bo_info i = {};

	if (bo_info(fd, handle, &i))
		return MAP_FAILED;
	return mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		    i.mmap_offset);
}

static bool all_bytes(const uint8_t *p, size_t n, uint8_t v)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != v)
			return false;
	return true;
}

/* Path of the device's debugfs directory, from its accel node index. */
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

FIXTURE(bo) {
	int fd;
	int index;
};

FIXTURE_SETUP(bo)
{
	self->fd = potnpu_open_node(0, &self->index);
	ASSERT_GE(self->fd, 0) TH_LOG("no potnpu accel node: is the module loaded?");
}

FIXTURE_TEARDOWN(bo)
{
	close(self->fd);
}

TEST_F(bo, create_mmap_write_read_close)
{
	const size_t size = 64 * 1024;
	struct drm_potnpu_bo_create c = {};
	struct drm_potnpu_bo_info i = {};
	uint8_t *p;
	size_t k;

	ASSERT_EQ(0, bo_create(self->fd, size, 0, &c));
	EXPECT_NE(0, c.handle);
	EXPECT_EQ(size, c.size);
	ASSERT_EQ(0, bo_info(self->fd, c.handle, &i));
	EXPECT_EQ(size, i.size);
	EXPECT_EQ(c.va, i.va);
	EXPECT_EQ(0, i.flags);
	EXPECT_EQ(0, i.pad1);
	EXPECT_NE(0, i.mmap_offset);
	EXPECT_EQ(0, i.mmap_offset % 4096);

	p = bo_mmap(self->fd, c.handle, size);
	ASSERT_NE(MAP_FAILED, p);
	/* New buffers are zeroed. */
	EXPECT_TRUE(all_bytes(p, size, 0));
	for (k = 0; k < size; k++)
		p[k] = (uint8_t)(k * 7 + 3);
	ASSERT_EQ(0, munmap(p, size));

	/* A second mapping sees the same pages. */
	p = bo_mmap(self->fd, c.handle, size);
	ASSERT_NE(MAP_FAILED, p);
	for (k = 0; k < size; k++)
		if (p[k] != (uint8_t)(k * 7 + 3))
			break;
	EXPECT_EQ(size, k);
	ASSERT_EQ(0, munmap(p, size));

	EXPECT_EQ(0, gem_close(self->fd, c.handle));
	EXPECT_EQ(ENOENT, bo_info(self->fd, c.handle, NULL));
}

TEST_F(bo, private_mappings_refused)
{
	struct drm_potnpu_bo_create c = {};
	struct drm_potnpu_bo_info i = {};
	void *p;

	ASSERT_EQ(0, bo_create(self->fd, 4096, 0, &c));
	ASSERT_EQ(0, bo_info(self->fd, c.handle, &i));
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, self->fd,
		 i.mmap_offset);
	EXPECT_EQ(MAP_FAILED, p);
	if (p != MAP_FAILED)
		munmap(p, 4096);
	/* Beyond the object's size. */
	p = mmap(NULL, 8192, PROT_READ, MAP_SHARED, self->fd, i.mmap_offset);
	EXPECT_EQ(MAP_FAILED, p);
	if (p != MAP_FAILED)
		munmap(p, 8192);
	EXPECT_EQ(0, gem_close(self->fd, c.handle));
}

/* Out of line: large locals next to the harness's setjmp. */
static __attribute__((noinline)) void
many_sizes_unique_page_aligned_vas_body(struct __test_metadata *_metadata,
                                        FIXTURE_DATA(bo) *self)
{
	static const uint64_t sizes[] = {
		1, 2, 4095, 4096, 4097, 8192, 12345, 65536, 1 * MiB + 1,
		3 * MiB, 16 * MiB,
	};
	enum { N = sizeof(sizes) / sizeof(sizes[0]) };
	struct drm_potnpu_bo_create c[N] = {};
	struct drm_potnpu_bo_info info = {};
	unsigned int a, b;
	uint8_t *p;

	for (a = 0; a < N; a++) {
		ASSERT_EQ(0, bo_create(self->fd, sizes[a], 0, &c[a]))
			TH_LOG("size %llu", (unsigned long long)sizes[a]);
		EXPECT_EQ((sizes[a] + 4095) & ~4095ull, c[a].size);
		EXPECT_EQ(0, c[a].va % 4096);
		EXPECT_GE(c[a].va, 4096);
		EXPECT_LE(c[a].va + c[a].size, POTNPU_VA_SIZE);
		ASSERT_EQ(0, bo_info(self->fd, c[a].handle, &info));
		EXPECT_EQ(c[a].size, info.size);
		EXPECT_EQ(c[a].va, info.va);
		/* The whole rounded size is usable from the CPU. */
		p = bo_mmap(self->fd, c[a].handle, c[a].size);
		ASSERT_NE(MAP_FAILED, p);
		p[0] = 1;
		p[c[a].size - 1] = 2;
		EXPECT_TRUE(all_bytes(p + 1, c[a].size - 2, 0));
		munmap(p, c[a].size);
	}
	for (a = 0; a < N; a++) {
		for (b = a + 1; b < N; b++) {
			EXPECT_NE(c[a].handle, c[b].handle);
			EXPECT_TRUE(c[a].va + c[a].size <= c[b].va ||
				    c[b].va + c[b].size <= c[a].va)
				TH_LOG("BOs %u and %u overlap", a, b);
		}
	}
	for (a = 0; a < N; a++)
		EXPECT_EQ(0, gem_close(self->fd, c[a].handle));
}

TEST_F(bo, many_sizes_unique_page_aligned_vas)
{
	many_sizes_unique_page_aligned_vas_body(_metadata, self);
}

TEST_F(bo, read_only_flag_reported)
{
	struct drm_potnpu_bo_create c = {};
	struct drm_potnpu_bo_info i = {};
	uint8_t *p;

	ASSERT_EQ(0, bo_create(self->fd, 4096, DRM_POTNPU_BO_READ_ONLY, &c));
	ASSERT_EQ(0, bo_info(self->fd, c.handle, &i));
	EXPECT_EQ(DRM_POTNPU_BO_READ_ONLY, i.flags);
	/* Read-only for the device, not for the CPU. */
	p = bo_mmap(self->fd, c.handle, 4096);
	ASSERT_NE(MAP_FAILED, p);
	p[10] = 42;
	EXPECT_EQ(42, p[10]);
	munmap(p, 4096);
	EXPECT_EQ(0, gem_close(self->fd, c.handle));
}

TEST_F(bo, invalid_flags_and_pad)
{
	struct drm_potnpu_bo_create c = {};
	struct drm_potnpu_bo_info i = {};
	unsigned int bit;

	for (bit = 1; bit < 32; bit++)
		EXPECT_EQ(EINVAL, bo_create(self->fd, 4096, 1u << bit, NULL))
			TH_LOG("flag bit %u", bit);
	ASSERT_EQ(0, bo_create(self->fd, 4096, 0, &c));
	i.handle = c.handle;
	i.pad = 1;
	EXPECT_EQ(-1, ioctl(self->fd, DRM_IOCTL_POTNPU_BO_INFO, &i));
	EXPECT_EQ(EINVAL, errno);
	i.pad = 0x80000000u;
	EXPECT_EQ(-1, ioctl(self->fd, DRM_IOCTL_POTNPU_BO_INFO, &i));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, gem_close(self->fd, c.handle));
}

TEST_F(bo, bad_sizes_rejected)
{
	static const uint64_t sizes[] = {
		0, DRM_POTNPU_BO_MAX_SIZE + 1, DRM_POTNPU_BO_MAX_SIZE + 4096,
		POTNPU_VA_SIZE, 1ull << 40, UINT64_MAX - 4095, UINT64_MAX - 1,
		UINT64_MAX,
	};
	unsigned int k;

	for (k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++)
		EXPECT_EQ(EINVAL, bo_create(self->fd, sizes[k], 0, NULL))
			TH_LOG("size %#llx", (unsigned long long)sizes[k]);
}

TEST_F(bo, max_size_accepted)
{
	struct drm_potnpu_bo_create c = {};

	ASSERT_EQ(0, bo_create(self->fd, DRM_POTNPU_BO_MAX_SIZE, 0, &c));
	EXPECT_EQ(DRM_POTNPU_BO_MAX_SIZE, c.size);
	EXPECT_LE(c.va + c.size, POTNPU_VA_SIZE);
	EXPECT_EQ(0, gem_close(self->fd, c.handle));
}

TEST_F(bo, close_twice_and_bad_handles)
{
	struct drm_potnpu_bo_create c = {};

	ASSERT_EQ(0, bo_create(self->fd, 4096, 0, &c));
	EXPECT_EQ(0, gem_close(self->fd, c.handle));
	EXPECT_EQ(EINVAL, gem_close(self->fd, c.handle));
	EXPECT_EQ(ENOENT, bo_info(self->fd, c.handle, NULL));
	EXPECT_EQ(ENOENT, bo_info(self->fd, 0, NULL));
	EXPECT_EQ(ENOENT, bo_info(self->fd, 0xffffffffu, NULL));
	EXPECT_EQ(EINVAL, gem_close(self->fd, 0xffffffffu));
}

TEST_F(bo, mapping_outlives_handle_and_file)
{
	const size_t size = 3 * 4096;
	struct drm_potnpu_bo_create c = {};
	uint8_t *p;
	int fd2;

	fd2 = potnpu_open_node(self->index, NULL);
	ASSERT_GE(fd2, 0);
	ASSERT_EQ(0, bo_create(fd2, size, 0, &c));
	p = bo_mmap(fd2, c.handle, size);
	ASSERT_NE(MAP_FAILED, p);
	/* The mapping keeps the object (and the file) alive. */
	EXPECT_EQ(0, gem_close(fd2, c.handle));
	close(fd2);
	memset(p, 0x5a, size);
	EXPECT_TRUE(all_bytes(p, size, 0x5a));
	EXPECT_EQ(0, munmap(p, size));
}

TEST_F(bo, other_files_bo_not_accessible)
{
	struct drm_potnpu_bo_create c = {}, mine = {};
	struct drm_gem_flink flink = {};
	struct drm_gem_open open_args = {};
	struct drm_prime_handle prime = {};
	int fd2;

	fd2 = potnpu_open_node(self->index, NULL);
	ASSERT_GE(fd2, 0);
	ASSERT_EQ(0, bo_create(fd2, 8192, 0, &c));
	/* Handles are per file: the other file's handle means nothing here. */
	EXPECT_EQ(ENOENT, bo_info(self->fd, c.handle, NULL));
	EXPECT_EQ(EINVAL, gem_close(self->fd, c.handle));

	/* The same handle number names this file's own BO once it has one. */
	ASSERT_EQ(0, bo_create(self->fd, 4096, 0, &mine));
	EXPECT_EQ(mine.handle, c.handle);
	EXPECT_EQ(0, bo_info(self->fd, mine.handle, NULL));

	/* Shared by name, it is still not in this file's address space. */
	flink.handle = c.handle;
	ASSERT_EQ(0, ioctl(fd2, DRM_IOCTL_GEM_FLINK, &flink));
	open_args.name = flink.name;
	ASSERT_EQ(0, ioctl(self->fd, DRM_IOCTL_GEM_OPEN, &open_args));
	EXPECT_EQ(ENOENT, bo_info(self->fd, open_args.handle, NULL));
	EXPECT_EQ(0, gem_close(self->fd, open_args.handle));

	/* No dma-buf export: a BO lives in one address space. */
	prime.handle = c.handle;
	prime.flags = DRM_CLOEXEC;
	EXPECT_EQ(-1, ioctl(fd2, DRM_IOCTL_PRIME_HANDLE_TO_FD, &prime));
	EXPECT_EQ(0, gem_close(self->fd, mine.handle));
	close(fd2);
}

TEST_F(bo, files_have_separate_address_spaces)
{
	struct drm_potnpu_bo_create a = {}, b = {};
	int fd2;

	fd2 = potnpu_open_node(self->index, NULL);
	ASSERT_GE(fd2, 0);
	/* Same sizes in two fresh address spaces land at the same VA. */
	ASSERT_EQ(0, bo_create(fd2, 4096, 0, &a));
	close(self->fd);
	self->fd = potnpu_open_node(self->index, NULL);
	ASSERT_GE(self->fd, 0);
	ASSERT_EQ(0, bo_create(self->fd, 4096, 0, &b));
	EXPECT_EQ(a.va, b.va);
	close(fd2);
}

/* Out of line: large locals next to the harness's setjmp. */
static __attribute__((noinline)) void
va_space_exhaustion_is_clean_body(struct __test_metadata *_metadata,
                                  FIXTURE_DATA(bo) *self)
{
	struct drm_potnpu_bo_create c[8] = {};
	char path[512], old[32] = "";
	uint8_t *buf;
	size_t n;
	int fd2, k;

	ASSERT_EQ(0, debugfs_path(self->index, "va_limit", path, sizeof(path)));
	buf = potnpu_read_file(path, sizeof(old) - 1, &n);
	if (!buf)
		SKIP(return, "no %s (debugfs)", path);
	memcpy(old, buf, n);
	free(buf);
	EXPECT_EQ(POTNPU_VA_SIZE, strtoull(old, NULL, 0));

	/* Bad limits are refused. */
	EXPECT_NE(0, potnpu_write_file(path, "4096", 4));
	EXPECT_NE(0, potnpu_write_file(path, "12345", 5));
	EXPECT_NE(0, potnpu_write_file(path, "2147483648", 10));

	/* Files opened now get pages 1..7 (VA 0 is never used). */
	ASSERT_EQ(0, potnpu_write_file(path, "32768", 5));
	fd2 = potnpu_open_node(self->index, NULL);
	ASSERT_EQ(0, potnpu_write_file(path, old, strlen(old)));
	ASSERT_GE(fd2, 0);

	for (k = 0; k < 3; k++)
		ASSERT_EQ(0, bo_create(fd2, 2 * 4096, 0, &c[k]));
	EXPECT_EQ(ENOSPC, bo_create(fd2, 2 * 4096, 0, NULL));
	ASSERT_EQ(0, bo_create(fd2, 4096, 0, &c[3]));
	EXPECT_EQ(ENOSPC, bo_create(fd2, 4096, 0, NULL));
	for (k = 0; k < 4; k++) {
		EXPECT_GE(c[k].va, 4096);
		EXPECT_LE(c[k].va + c[k].size, 32768);
	}
	/* Freeing makes room again; the file keeps working. */
	EXPECT_EQ(0, gem_close(fd2, c[1].handle));
	ASSERT_EQ(0, bo_create(fd2, 2 * 4096, 0, &c[1]));
	EXPECT_EQ(0, bo_info(fd2, c[1].handle, NULL));
	close(fd2);

	/* Other files were not affected. */
	ASSERT_EQ(0, bo_create(self->fd, 64 * 4096, 0, &c[0]));
	EXPECT_EQ(0, gem_close(self->fd, c[0].handle));
}

TEST_F(bo, va_space_exhaustion_is_clean)
{
	va_space_exhaustion_is_clean_body(_metadata, self);
}

/* Out of line: large locals next to the harness's setjmp. */
static __attribute__((noinline)) void
many_bos_in_one_file_body(struct __test_metadata *_metadata,
                          FIXTURE_DATA(bo) *self)
{
	struct drm_potnpu_bo_create c = {};
	uint32_t handles[512];
	unsigned int k;

	for (k = 0; k < 512; k++) {
		ASSERT_EQ(0, bo_create(self->fd, 4096 * (1 + k % 5), 0, &c));
		handles[k] = c.handle;
	}
	for (k = 0; k < 512; k += 2)
		EXPECT_EQ(0, gem_close(self->fd, handles[k]));
	/* The rest go with the file. */
}

TEST_F(bo, many_bos_in_one_file)
{
	many_bos_in_one_file_body(_metadata, self);
}

/* Each file takes an MMU slot: the 17th open of a device is -EBUSY. */
TEST(open_uses_one_mmu_slot_per_file)
{
	int fds[POTNPU_MMU_SLOTS], extra, index, i;

	fds[0] = potnpu_open_node(0, &index);
	ASSERT_GE(fds[0], 0);
	for (i = 1; i < POTNPU_MMU_SLOTS; i++) {
		fds[i] = open_index(index);
		ASSERT_GE(fds[i], 0) TH_LOG("open %d: %s", i, strerror(errno));
	}
	extra = open_index(index);
	EXPECT_EQ(-1, extra);
	EXPECT_EQ(EBUSY, errno);
	if (extra >= 0)
		close(extra);

	/* A closed file gives its slot back. */
	close(fds[3]);
	fds[3] = open_index(index);
	EXPECT_GE(fds[3], 0);
	extra = open_index(index);
	EXPECT_EQ(-1, extra);
	if (extra >= 0)
		close(extra);

	for (i = 0; i < POTNPU_MMU_SLOTS; i++)
		close(fds[i]);
	/* All of them back: 16 opens work again. */
	for (i = 0; i < POTNPU_MMU_SLOTS; i++) {
		fds[i] = open_index(index);
		ASSERT_GE(fds[i], 0);
	}
	for (i = 0; i < POTNPU_MMU_SLOTS; i++)
		close(fds[i]);
}

/* The slots of one device do not limit another device. */
TEST(slots_are_per_device)
{
	int fds[POTNPU_MMU_SLOTS], other, index, i;

	if (potnpu_count_nodes() < 2)
		SKIP(return, "needs two potnpu devices");
	fds[0] = potnpu_open_node(0, &index);
	ASSERT_GE(fds[0], 0);
	for (i = 1; i < POTNPU_MMU_SLOTS; i++)
		ASSERT_GE(fds[i] = open_index(index), 0);
	other = potnpu_open_node(index + 1, NULL);
	EXPECT_GE(other, 0);
	close(other);
	for (i = 0; i < POTNPU_MMU_SLOTS; i++)
		close(fds[i]);
}

TEST_HARNESS_MAIN
