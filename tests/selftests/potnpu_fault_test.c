// SPDX-License-Identifier: GPL-2.0
/*
 * potnpu fault selftests: each test reproduces a fault found by trying the
 * driver as a hostile or careless process would, and names it. A fence
 * kept past its file, its device and its module; a closing file whose
 * jobs hurt another file's; a file pinning unbounded memory; the device
 * writing memory after its jobs' fences signalled on removal; and the
 * small disagreements between the uapi's contract and the driver. And
 * the injected faults, repeated: a hung job and a job faulting in the
 * device MMU, POTNPU_FAULT_REPEATS times each (default 100), each
 * recovered or confined while another file's checked jobs stay right.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <linux/sync_file.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "potnpu_job.h"
#include "potnpu_job_util.h"
#include "potnpu_test_util.h"

#define DRIVER_DIR	"/sys/bus/pci/drivers/potnpu"

FIXTURE(fault) {
	int fd;
	int index;
	struct bo cmd, a;
	uint32_t sync;
};

FIXTURE_SETUP(fault)
{
	self->fd = potnpu_open_node(0, &self->index);
	ASSERT_GE(self->fd, 0);
	ASSERT_EQ(0, bo_new(self->fd, 4096, 0, &self->cmd));
	ASSERT_EQ(0, bo_new(self->fd, 4096, 0, &self->a));
	self->sync = syncobj_new(self->fd);
	ASSERT_NE(0, self->sync);
}

static void fault_close(FIXTURE_DATA(fault) *self)
{
	if (self->fd < 0)
		return;
	munmap(self->cmd.map, self->cmd.size);
	munmap(self->a.map, self->a.size);
	close(self->fd);
	self->fd = -1;
}

FIXTURE_TEARDOWN(fault)
{
	fault_close(self);
}

/* The PCI address of accel node @index into @addr: 0 or -1. */
static int pci_addr_of(int index, char *addr, size_t size)
{
	char link[128], target[128];
	const char *name;
	ssize_t n;

	snprintf(link, sizeof(link), "/sys/class/accel/accel%d/device", index);
	n = readlink(link, target, sizeof(target) - 1);
	if (n <= 0)
		return -1;
	target[n] = 0;
	name = strrchr(target, '/');
	snprintf(addr, size, "%s", name ? name + 1 : target);
	return 0;
}

static int driver_write(const char *file, const char *addr)
{
	char path[128];

	snprintf(path, sizeof(path), DRIVER_DIR "/%s", file);
	return potnpu_write_file(path, addr, strlen(addr));
}

/* A FENCE job writing @value to @bo, fence in @sync: its id, 0 on error. */
static uint64_t fence_job(int fd, const struct bo *cmd, const struct bo *bo,
			  uint32_t value, uint32_t sync)
{
	struct stream s = { (uint32_t *)cmd->map, 0 };
	struct submit sub;

	cmd_fence(&s, bo->va, value);
	submit_init(&sub, cmd, s.n * 4);
	submit_bo(&sub, bo);
	sub.args.out_syncobj = sync;
	return submit(fd, &sub) ? 0 : sub.args.job_id;
}

/* The syncobj's fence as a sync_file: its fd, or -1. */
static int export_sync_file(int fd, uint32_t sync)
{
	struct drm_syncobj_handle h = {
		.handle = sync,
		.flags = DRM_SYNCOBJ_HANDLE_TO_FD_FLAGS_EXPORT_SYNC_FILE,
		.fd = -1,
	};

	return ioctl(fd, DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD, &h) ? -1 : h.fd;
}

/* SYNC_IOC_FILE_INFO of a one-fence sync_file into @fi: 0 or errno. */
static int sync_file_fence_info(int sfd, struct sync_fence_info *fi)
{
	struct sync_file_info info = { .num_fences = 1 };

	memset(fi, 0, sizeof(*fi));
	info.sync_fence_info = (uintptr_t)fi;
	return ioctl(sfd, SYNC_IOC_FILE_INFO, &info) ? errno : 0;
}

/* rmmod potnpu, retried for up to 2 s (fences are freed from a work). */
static int rmmod_retry(void)
{
	int i;

	for (i = 0; i < 40; i++) {
		if (!potnpu_system("rmmod potnpu 2>/dev/null"))
			return 0;
		usleep(50000);
	}
	return -1;
}

/*
 * The bug: a finished job's fence exported as a sync_file, the accel file
 * closed and the device unbound: SYNC_IOC_FILE_INFO read the freed device
 * (the scheduler's name), and closing the sync_file after rmmod called
 * the fence ops of the unloaded module. The fence now holds the device
 * and the module: the info is read safely, rmmod is refused while the
 * sync_file exists and succeeds once it is closed.
 */
TEST_F(fault, kept_fence_outlives_file_device_and_module)
{
	struct sync_fence_info fi;
	char addr[128];
	int sfd;

	ASSERT_NE(0, fence_job(self->fd, &self->cmd, &self->a, 7, self->sync));
	ASSERT_EQ(0, syncobj_wait(self->fd, self->sync, 0));
	sfd = export_sync_file(self->fd, self->sync);
	ASSERT_GE(sfd, 0);
	ASSERT_EQ(0, pci_addr_of(self->index, addr, sizeof(addr)));
	fault_close(self);

	ASSERT_EQ(0, driver_write("unbind", addr));
	EXPECT_EQ(0, sync_file_fence_info(sfd, &fi));
	EXPECT_STREQ("potnpu", fi.obj_name);
	EXPECT_EQ(1, fi.status);
	ASSERT_EQ(0, driver_write("bind", addr));

	/* The module must not go while one of its fences exists. */
	EXPECT_NE(0, potnpu_system("rmmod potnpu 2>/dev/null"));
	EXPECT_EQ(0, sync_file_fence_info(sfd, &fi));
	close(sfd);
	EXPECT_EQ(0, rmmod_retry());
	ASSERT_EQ(0, potnpu_system("modprobe potnpu"));
}

/* A job of @fills FILLs over @dst in @cmd (64 KiB): submit args in @sub. */
static void long_job(const struct bo *cmd, const struct bo *dst,
		     uint32_t fills, struct submit *sub)
{
	struct stream s = { (uint32_t *)cmd->map, 0 };
	uint32_t i;

	for (i = 0; i < fills; i++)
		cmd_fill(&s, dst->va, dst->size, i + 1);
	submit_init(sub, cmd, s.n * 4);
	submit_bo(sub, dst);
}

/*
 * The bug: file A has a long job running and file B's small job is
 * queued behind it; closing A waited 10 s, then reset the device, and
 * B's job was cancelled. Now closing A aborts A's job alone: B's job
 * completes, no recovery, and the close is quick.
 */
TEST_F(fault, closing_a_file_aborts_only_its_own_jobs)
{
	struct drm_potnpu_job_status st;
	struct bo big, cmd, bcmd, ba;
	uint32_t before, bsync;
	long long aborts, t;
	struct submit sub;
	uint64_t id;
	int fd_b;

	if (stat_get("aborts") < 0)
		SKIP(return, "no debugfs stats");
	/* A (the fixture's file): a long job. */
	ASSERT_EQ(0, bo_new(self->fd, 32 << 20, 0, &big));
	ASSERT_EQ(0, bo_new(self->fd, 65536, DRM_POTNPU_BO_READ_ONLY, &cmd));
	long_job(&cmd, &big, 64, &sub);
	ASSERT_EQ(0, submit(self->fd, &sub));
	munmap(big.map, big.size);
	munmap(cmd.map, cmd.size);

	/* B: a small job, in the ring behind A's; then A closes. */
	fd_b = potnpu_open_node(self->index, NULL);
	ASSERT_GE(fd_b, 0);
	ASSERT_EQ(0, bo_new(fd_b, 4096, 0, &bcmd));
	ASSERT_EQ(0, bo_new(fd_b, 4096, 0, &ba));
	bsync = syncobj_new(fd_b);
	ASSERT_NE(0, bsync);
	before = fw_recoveries(fd_b);
	aborts = stat_get("aborts");
	id = fence_job(fd_b, &bcmd, &ba, 0xb0b, bsync);
	ASSERT_NE(0, id);
	t = now_ns();
	fault_close(self);
	self->fd = fd_b;
	self->cmd = bcmd;
	self->a = ba;
	self->sync = bsync;

	/* B waits only for the abort of A's job, not for a reset. */
	ASSERT_EQ(0, syncobj_wait(fd_b, self->sync, 0));
	t = now_ns() - t;
	ASSERT_EQ(0, job_status(fd_b, id, &st));
	EXPECT_EQ(DRM_POTNPU_JOB_OK, st.status);
	EXPECT_EQ(0xb0b, *(uint32_t *)self->a.map);
	EXPECT_EQ(before, fw_recoveries(fd_b));
	TH_LOG("B's job done %lld ms after A closed, aborts %lld -> %lld",
	       t / 1000000, aborts, stat_get("aborts"));
	/* A's job (seconds of work) was aborted, not left to finish. */
	EXPECT_LT(aborts, stat_get("aborts"));
}

/* Value of "key:\tvalue" in /proc/self/fdinfo/@fd, -1 if missing. */
static long long fdinfo_get(int fd, const char *key)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	return key_value(path, key, ":\t");
}

/*
 * The bug: each queued job pins a 64 KiB stream copy and nothing bounded
 * how many one file could queue. With the first job held back (debugfs
 * inject_hang: in the ring, no doorbell), the file can queue exactly its
 * limit, the next submit is EAGAIN, and fdinfo accounts for them. The
 * held job's timeout then recovers the device and the rest run.
 */
TEST_F(fault, queued_jobs_per_file_are_bounded)
{
	struct stream s = { (uint32_t *)self->cmd.map, 0 };
	long long limit, n;
	struct submit sub;
	int err = 0;

	limit = fdinfo_get(self->fd, "potnpu-jobs-limit");
	ASSERT_GT(limit, 0);
	EXPECT_EQ(0, fdinfo_get(self->fd, "potnpu-jobs-queued"));
	if (debugfs_write("inject_hang", "1"))
		SKIP(return, "no debugfs inject_hang");
	cmd_fence(&s, self->a.va, 1);
	submit_init(&sub, &self->cmd, s.n * 4);
	submit_bo(&sub, &self->a);
	sub.args.out_syncobj = self->sync;
	for (n = 0; n <= limit && !err; n++)
		err = submit(self->fd, &sub);
	EXPECT_EQ(EAGAIN, err);
	EXPECT_EQ(limit + 1, n);
	EXPECT_EQ(limit, fdinfo_get(self->fd, "potnpu-jobs-queued"));
	EXPECT_GT(fdinfo_get(self->fd, "potnpu-stream-memory"), 0);
	/* The timeout recovers the held ring; every job finishes. */
	ASSERT_EQ(0, syncobj_wait(self->fd, self->sync, 0));
	for (n = 0; n < 200 && fdinfo_get(self->fd, "potnpu-jobs-queued"); n++)
		usleep(10000);
	EXPECT_EQ(0, fdinfo_get(self->fd, "potnpu-jobs-queued"));
	EXPECT_EQ(0, submit(self->fd, &sub));
	EXPECT_EQ(0, syncobj_wait(self->fd, self->sync, 0));
}

/*
 * The bug: out_point on a binary syncobj (one holding a plain fence) was
 * accepted and turned it into a chain, though the uapi says the point is
 * 0 for binary syncobjs; points must also grow along a timeline.
 */
TEST_F(fault, out_point_only_on_a_timeline)
{
	struct stream s = { (uint32_t *)self->cmd.map, 0 };
	uint32_t timeline = syncobj_new(self->fd);
	struct submit sub;

	ASSERT_NE(0, timeline);
	cmd_fence(&s, self->a.va, 1);
	submit_init(&sub, &self->cmd, s.n * 4);
	submit_bo(&sub, &self->a);
	sub.args.out_syncobj = self->sync;
	ASSERT_EQ(0, submit(self->fd, &sub));
	sub.args.out_point = 5;
	EXPECT_EQ(EINVAL, submit(self->fd, &sub));

	sub.args.out_syncobj = timeline;
	sub.args.out_point = 1;
	EXPECT_EQ(0, submit(self->fd, &sub));
	EXPECT_EQ(EINVAL, submit(self->fd, &sub));
	sub.args.out_point = 2;
	EXPECT_EQ(0, submit(self->fd, &sub));
	EXPECT_EQ(0, syncobj_wait(self->fd, timeline, 2));
	EXPECT_EQ(0, syncobj_wait(self->fd, self->sync, 0));
}

/*
 * The uapi did not list it: an in-syncobj that has no fence yet has
 * nothing to wait for and is EINVAL (an unknown handle is ENOENT).
 */
TEST_F(fault, in_syncobj_without_fence_is_einval)
{
	struct stream s = { (uint32_t *)self->cmd.map, 0 };
	struct submit sub;

	cmd_fence(&s, self->a.va, 1);
	submit_init(&sub, &self->cmd, s.n * 4);
	submit_bo(&sub, &self->a);
	sub.in[0] = self->sync;
	sub.args.in_syncobj_count = 1;
	EXPECT_EQ(EINVAL, submit(self->fd, &sub));
	sub.in[0] = 0x7fff;
	EXPECT_EQ(ENOENT, submit(self->fd, &sub));
}

/*
 * The bug: duplicates in a submit were found by handle value only, so
 * two handles of one BO (its flink name opened again) passed.
 */
TEST_F(fault, two_handles_of_one_bo_are_einval)
{
	struct drm_gem_flink flink = { .handle = self->a.handle };
	struct stream s = { (uint32_t *)self->cmd.map, 0 };
	struct drm_gem_open open_arg = {};
	struct drm_gem_close cl = {};
	struct submit sub;

	if (ioctl(self->fd, DRM_IOCTL_GEM_FLINK, &flink))
		SKIP(return, "GEM_FLINK refused: %s", strerror(errno));
	open_arg.name = flink.name;
	ASSERT_EQ(0, ioctl(self->fd, DRM_IOCTL_GEM_OPEN, &open_arg));
	ASSERT_NE(self->a.handle, open_arg.handle);
	cmd_fence(&s, self->a.va, 1);
	submit_init(&sub, &self->cmd, s.n * 4);
	submit_bo(&sub, &self->a);
	sub.handles[sub.args.bo_count++] = open_arg.handle;
	EXPECT_EQ(EINVAL, submit(self->fd, &sub));
	cl.handle = open_arg.handle;
	EXPECT_EQ(0, ioctl(self->fd, DRM_IOCTL_GEM_CLOSE, &cl));
	sub.args.bo_count = 1;
	EXPECT_EQ(0, submit(self->fd, &sub));
}

/*
 * The bug: QUERY with a large size zeroed up to 4 GiB of the caller's
 * memory. Sizes above DRM_POTNPU_QUERY_MAX_SIZE are EINVAL, before the
 * kernel writes anything.
 */
TEST_F(fault, query_size_is_bounded)
{
	size_t len = 2 * DRM_POTNPU_QUERY_MAX_SIZE;
	struct drm_potnpu_query q = { .param = DRM_POTNPU_QUERY_DEVICE_INFO };
	uint8_t *buf = malloc(len);
	size_t i;

	ASSERT_NE(NULL, buf);
	memset(buf, 0xa5, len);
	q.data = (uintptr_t)buf;
	q.size = DRM_POTNPU_QUERY_MAX_SIZE + 1;
	EXPECT_EQ(EINVAL, potnpu_query(self->fd, &q));
	q.size = UINT32_MAX;
	EXPECT_EQ(EINVAL, potnpu_query(self->fd, &q));
	for (i = 0; i < len; i++)
		ASSERT_EQ(0xa5, buf[i]) TH_LOG("byte %zu written", i);
	q.size = DRM_POTNPU_QUERY_MAX_SIZE;
	EXPECT_EQ(0, potnpu_query(self->fd, &q));
	free(buf);
}

/* What the watcher thread of the removal test shares with it. */
struct watch {
	int sfd;
	const uint8_t *map;
	uint8_t *snap;
	size_t size;
	int err;
};

/* Wait for the job's fence, then copy the BO at once. */
static void *watch_fence(void *arg)
{
	struct watch *w = arg;
	struct pollfd p = { .fd = w->sfd, .events = POLLIN };

	if (poll(&p, 1, 30000) != 1)
		w->err = ETIMEDOUT;
	else
		memcpy(w->snap, w->map, w->size);
	return NULL;
}

/*
 * The bug: on removal the job fences were signalled, and pages could be
 * freed, before the device was reset, so its DMA could still write into
 * freed pages. Now the device is reset first: once a running job's fence
 * has signalled, not one byte of its BO changes any more.
 */
TEST_F(fault, unbind_stops_dma_before_fences_signal)
{
	struct watch w = { .size = 16 << 20 };
	struct bo big, cmd;
	struct submit sub;
	pthread_t thread;
	char addr[128];
	size_t i, zero = 0;

	ASSERT_EQ(0, bo_new(self->fd, w.size, 0, &big));
	ASSERT_EQ(0, bo_new(self->fd, 65536, DRM_POTNPU_BO_READ_ONLY, &cmd));
	w.snap = malloc(w.size);
	ASSERT_NE(NULL, w.snap);
	w.map = big.map;
	long_job(&cmd, &big, 256, &sub);
	sub.args.out_syncobj = self->sync;
	ASSERT_EQ(0, submit(self->fd, &sub));
	w.sfd = export_sync_file(self->fd, self->sync);
	ASSERT_GE(w.sfd, 0);
	ASSERT_EQ(0, pthread_create(&thread, NULL, watch_fence, &w));
	/* Let the job run a while: part of the BO is written. */
	usleep(200000);
	ASSERT_EQ(0, pci_addr_of(self->index, addr, sizeof(addr)));
	ASSERT_EQ(0, driver_write("unbind", addr));
	ASSERT_EQ(0, pthread_join(thread, NULL));
	ASSERT_EQ(0, w.err);
	usleep(200000);
	for (i = 0; i < w.size; i++)
		ASSERT_EQ(w.snap[i], big.map[i]) TH_LOG("byte %zu written after its fence signalled", i);
	for (i = 0; i < w.size; i++)
		zero += !big.map[i];
	TH_LOG("%zu of %zu bytes untouched at the unbind", zero, w.size);
	close(w.sfd);
	free(w.snap);
	munmap(big.map, big.size);
	munmap(cmd.map, cmd.size);
	fault_close(self);
	ASSERT_EQ(0, driver_write("bind", addr));
	self->fd = potnpu_open_node(0, &self->index);
	ASSERT_GE(self->fd, 0);
}

/* POTNPU_FAULT_REPEATS, default 100. */
static int fault_repeats(void)
{
	const char *env = getenv("POTNPU_FAULT_REPEATS");
	int n = env ? atoi(env) : 100;

	return n > 0 ? n : 100;
}

/* Held exclusively around an injection and its own submit: see checker. */
#define INJECT_LOCK	"/tmp/potnpu-inject.lock"

static int inject_lock(void)
{
	int fd = open(INJECT_LOCK, O_RDONLY | O_CREAT | O_CLOEXEC, 0600);

	if (fd >= 0 && flock(fd, LOCK_EX)) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/* Wait (5 s at most) for debugfs stat @key to reach @want: its value. */
static long long stat_wait(const char *key, long long want)
{
	long long v = stat_get(key);
	int i;

	for (i = 0; i < 500 && v < want; i++) {
		usleep(10000);
		v = stat_get(key);
	}
	return v;
}

/*
 * One injected hang and a checked job on a new file. The hang takes the
 * next job the scheduler puts in the ring, this one or one of the other
 * file's: held there without a doorbell, it times out and the device
 * recovers, cancelling what is queued behind it. So the job here ends
 * ECANCELED (timed out or cancelled), or 0 when it ran after the
 * recovery; the test counts the recoveries.
 */
static int hang_once(unsigned int seed)
{
	struct checked c;
	int fd = potnpu_open_node(0, NULL), err;

	if (fd < 0)
		return ENODEV;
	err = checked_init(fd, &c);
	if (!err && debugfs_write("inject_hang", "1"))
		err = EIO;
	if (!err)
		err = checked_job(fd, &c, seed);
	checked_fini(&c);
	close(fd);
	return err;
}

/*
 * A hung job, POTNPU_FAULT_REPEATS times, with a 200 ms job timeout: each
 * one recovers the device (exactly one recovery each), and a checked job
 * of another file runs all the while; its jobs cancelled by a recovery
 * run again, and every one that completes is right.
 */
TEST_F_TIMEOUT(fault, repeated_hangs_each_recovered, 900)
{
	int n = fault_repeats(), i, err, index;
	long long recoveries, timed_out, got;
	unsigned int jobs = 0, retried = 0;
	struct checker ck;
	int64_t t0 = now_ns();
	char path[512];

	if (debugfs_path("inject_hang", path, sizeof(path)) ||
	    access(path, F_OK))
		SKIP(return, "no debugfs inject_hang");
	fault_close(self);
	ASSERT_EQ(0, potnpu_reload_module("job_timeout_ms=200"));
	recoveries = stat_get("recoveries");
	timed_out = stat_get("jobs_timed_out");
	ASSERT_GE(recoveries, 0);
	close(potnpu_open_node(0, &index));
	ASSERT_EQ(0, checker_start(&ck, index, true, NULL));
	for (i = 0; i < n; i++) {
		err = hang_once(i);
		EXPECT_TRUE(err == ECANCELED || err == 0)
			TH_LOG("hang %d: %s", i, strerror(err));
		got = stat_wait("recoveries", recoveries + i + 1);
		EXPECT_EQ(recoveries + i + 1, got) TH_LOG("hang %d", i);
		if (got != recoveries + i + 1)
			break;
	}
	EXPECT_EQ(0, checker_stop(&ck, &jobs, &retried));
	EXPECT_EQ(timed_out + n, stat_get("jobs_timed_out"));
	ksft_print_msg("%d hangs recovered in %.1f s; the other file: %u jobs checked, %u run again after a recovery\n",
		       n, (now_ns() - t0) / 1e9, jobs, retried);
	EXPECT_GT(jobs, 0);
	ASSERT_EQ(0, potnpu_reload_module(""));
}

/*
 * One job on a new file whose kernel copy the hook points at 4 GiB,
 * beyond the address space: it ends in an MMU fault and bans its file
 * (the next submit is EIO). 0, or what differed.
 */
static int mmu_fault_once(void)
{
	struct drm_potnpu_job_status st;
	struct bo cmd, a;
	struct submit sub;
	struct stream s;
	uint32_t sync;
	int fd = potnpu_open_node(0, NULL), lock, err;

	if (fd < 0)
		return ENODEV;
	sync = syncobj_new(fd);
	err = bo_new(fd, 4096, DRM_POTNPU_BO_READ_ONLY, &cmd);
	if (!err)
		err = bo_new(fd, 4096, 0, &a);
	if (err || !sync) {
		close(fd);
		return err ? err : EIO;
	}
	s = (struct stream){ (uint32_t *)cmd.map, 0 };
	cmd_fence(&s, a.va, 7);
	submit_init(&sub, &cmd, s.n * 4);
	submit_bo(&sub, &a);
	sub.args.out_syncobj = sync;
	/* The checker submits nothing between the injection and this job. */
	lock = inject_lock();
	err = lock < 0 || debugfs_write("inject_cmd_va", "4294967296") ? EIO :
	      submit(fd, &sub);
	if (lock >= 0)
		close(lock);
	if (!err)
		err = syncobj_wait(fd, sync, 0);
	if (!err)
		err = job_status(fd, sub.args.job_id, &st);
	if (!err && (st.status != DRM_POTNPU_JOB_MMU_FAULT ||
		     *(volatile uint32_t *)a.map != 0))
		err = EBADMSG;
	if (!err && submit(fd, &sub) != EIO)
		err = EPERM;
	bo_unmap(&cmd);
	bo_unmap(&a);
	close(fd);
	return err;
}

/*
 * A job faulting in the device MMU, POTNPU_FAULT_REPEATS times, each on a
 * new file: each one faults, counted, bans only its file, needs no
 * recovery; another file's checked jobs all complete right throughout,
 * none cancelled.
 */
TEST_F_TIMEOUT(fault, repeated_mmu_faults_each_confined, 600)
{
	int n = fault_repeats(), i, err, index;
	long long faults, recoveries;
	unsigned int jobs = 0;
	struct checker ck;
	int64_t t0 = now_ns();

	if (debugfs_write("inject_cmd_va", "0"))
		SKIP(return, "no debugfs inject_cmd_va");
	faults = stat_get("mmu_faults");
	recoveries = stat_get("recoveries");
	ASSERT_GE(faults, 0);
	index = self->index;
	fault_close(self);
	ASSERT_EQ(0, checker_start(&ck, index, false, INJECT_LOCK));
	for (i = 0; i < n; i++) {
		err = mmu_fault_once();
		EXPECT_EQ(0, err) TH_LOG("fault %d: %s", i, strerror(err));
		if (err)
			break;
	}
	EXPECT_EQ(0, checker_stop(&ck, &jobs, NULL));
	EXPECT_EQ(faults + n, stat_wait("mmu_faults", faults + n));
	EXPECT_EQ(recoveries, stat_get("recoveries"));
	ksft_print_msg("%d MMU faults confined in %.1f s; the other file: %u jobs checked, none cancelled\n",
		       n, (now_ns() - t0) / 1e9, jobs);
	EXPECT_GT(jobs, 0);	/* A fresh firmware log for the tests after this one: 100 faults filled it. */
	ASSERT_EQ(0, potnpu_reload_module(""));
}

TEST_HARNESS_MAIN
