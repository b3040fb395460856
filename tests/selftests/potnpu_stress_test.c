// SPDX-License-Identifier: GPL-2.0
/*
 * potnpu job stress selftests, run inside the guest with the potnpu module
 * loaded and the firmware running on every device. Every result is
 * checked byte by byte against a model kept on the CPU, including the
 * bytes around each destination:
 *  - COPY and FILL over many sizes (1 byte to ~1 MiB) at random offsets,
 *    page aligned and across page boundaries, one command per job and
 *    many commands in one stream;
 *  - ordering through syncobjs: a job reading what an earlier one wrote,
 *    a chain of dependent jobs, dependencies across files and devices;
 *  - a job of one file that faults in the device MMU: that file is
 *    banned, another file's jobs before, around and after it all complete
 *    correctly, and a new file works;
 *  - eight processes submitting and checking jobs at once, 1000 each by
 *    default (POTNPU_STRESS_JOBS=<n> sets the count);
 *  - both devices running jobs at the same time.
 * Random offsets and sizes come from a seed printed at the start of each
 * test; POTNPU_STRESS_SEED=<n> replays one.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "potnpu_job.h"
#include "potnpu_job_util.h"
#include "potnpu_test_util.h"

/* Generous bound for any wait: turns a hang into a failure, nothing else. */
#define WAIT_NS		60000000000ll
#define STRESS_TIMEOUT	300

/* Wait for every one of @n binary syncobjs: 0 or errno. */
static int syncobj_wait_all(int fd, const uint32_t *handles, uint32_t n)
{
	struct drm_syncobj_wait w = {
		.handles = (uintptr_t)handles,
		.timeout_nsec = now_ns() + WAIT_NS,
		.count_handles = n,
		.flags = DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT |
			 DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL,
	};

	return ioctl(fd, DRM_IOCTL_SYNCOBJ_WAIT, &w) ? errno : 0;
}

static int stress_wait(int fd, uint32_t handle)
{
	return syncobj_wait_all(fd, &handle, 1);
}

/* Move a syncobj of @from into @to (same or another device): 0 if failed. */
static uint32_t syncobj_share(int from, uint32_t handle, int to)
{
	struct drm_syncobj_handle h = { .handle = handle };
	struct drm_syncobj_handle i = {};

	if (ioctl(from, DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD, &h))
		return 0;
	i.fd = h.fd;
	if (ioctl(to, DRM_IOCTL_SYNCOBJ_FD_TO_HANDLE, &i))
		i.handle = 0;
	close(h.fd);
	return i.handle;
}

/* Start a stream at byte @offset of the command BO @cmd. */
static struct stream stream_at(const struct bo *cmd, uint32_t offset)
{
	struct stream s = { (uint32_t *)(cmd->map + offset), 0 };

	return s;
}

#define MAX_BOS	8
#define MAX_IN	4

struct job {
	struct drm_potnpu_submit args;
	uint32_t handles[MAX_BOS];
	uint32_t in[MAX_IN];
};

/* A job running the stream @s written at @offset of @cmd. */
static void job_init(struct job *j, const struct bo *cmd, uint32_t offset,
		     const struct stream *s)
{
	memset(j, 0, sizeof(*j));
	j->args.cmd_handle = cmd->handle;
	j->args.cmd_offset = offset;
	j->args.cmd_size = s->n * 4;
	j->args.bo_handles = (uintptr_t)j->handles;
	j->args.in_syncobjs = (uintptr_t)j->in;
}

static void job_bo(struct job *j, const struct bo *bo)
{
	j->handles[j->args.bo_count++] = bo->handle;
}

static void job_in(struct job *j, uint32_t syncobj)
{
	j->in[j->args.in_syncobj_count++] = syncobj;
}

static int job_submit(int fd, struct job *j)
{
	return ioctl(fd, DRM_IOCTL_POTNPU_SUBMIT, &j->args) ? errno : 0;
}

struct rng {
	uint64_t s;
};

static uint64_t rnd(struct rng *r)
{
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return r->s * 0x2545f4914f6cdd1dull;
}

/* Uniform enough in [0, n) for test offsets; n > 0. */
static uint64_t rnd_below(struct rng *r, uint64_t n)
{
	return rnd(r) % n;
}

static void rnd_bytes(struct rng *r, uint8_t *p, size_t n)
{
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		uint64_t v = rnd(r);

		memcpy(p + i, &v, 8);
	}
	for (; i < n; i++)
		p[i] = (uint8_t)rnd(r);
}

static uint64_t test_seed(const char *name)
{
	const char *env = getenv("POTNPU_STRESS_SEED");
	uint64_t seed = env ? strtoull(env, NULL, 0) :
			(uint64_t)now_ns() ^ ((uint64_t)getpid() << 32);

	if (!seed)
		seed = 1;
	ksft_print_msg("%s: seed %" PRIu64 " (POTNPU_STRESS_SEED=%" PRIu64
		       " replays it)\n", name, seed, seed);
	return seed;
}

/* The bytes FILL writes: byte i of the range is byte i % 4 of @pattern. */
static void model_fill(uint8_t *p, size_t n, uint32_t pattern)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(pattern >> 8 * (i % 4));
}

/*
 * Compare @n bytes of the device buffer with the model; on a mismatch log
 * the first differing offset (relative to @base) and return false.
 */
static bool same(struct __test_metadata *_metadata, const char *what,
		 const uint8_t *got, const uint8_t *want, size_t n, size_t base)
{
	size_t i, bad = 0, first = 0;

	if (!memcmp(got, want, n))
		return true;
	for (i = 0; i < n; i++)
		if (got[i] != want[i] && !bad++)
			first = i;
	TH_LOG("%s: %zu bytes differ, first at offset %zu: 0x%02x, expected 0x%02x",
	       what, bad, base + first, got[first], want[first]);
	return false;
}

/* Open the @k-th potnpu device (0-based); -1 when there is no such. */
static int open_device(int k)
{
	int i = 0, fd, index;

	for (;;) {
		fd = potnpu_open_node(i, &index);
		if (fd < 0 || k-- == 0)
			return fd;
		close(fd);
		i = index + 1;
	}
}

static bool jobs_ready(int fd)
{
	struct drm_potnpu_device_info info;

	return !potnpu_query_info(fd, &info) &&
	       (info.capabilities & DRM_POTNPU_CAP_JOBS);
}

static int expected_devices(void)
{
	const char *env = getenv("POTNPU_EXPECT_DEVICES");

	return env ? atoi(env) : 1;
}

FIXTURE(stress) {
	int fd;
	int64_t start;
	struct rng rng;
};

FIXTURE_SETUP(stress)
{
	self->start = now_ns();
	self->fd = open_device(0);
	ASSERT_GE(self->fd, 0);
	if (!jobs_ready(self->fd))
		SKIP(return, "the device cannot run jobs");
	self->rng.s = test_seed(_metadata->name);
}

FIXTURE_TEARDOWN(stress)
{
	if (self->fd >= 0)
		close(self->fd);
	ksft_print_msg("%s: %.1f s\n", _metadata->name,
		       (now_ns() - self->start) / 1e9);
}

/* Submit a one-job stream and wait for it: its status, or ~0 on error. */
static uint32_t run_job(struct __test_metadata *_metadata, int fd,
			struct job *j, uint32_t sync)
{
	struct drm_potnpu_job_status st;
	int err;

	j->args.out_syncobj = sync;
	err = job_submit(fd, j);
	if (err) {
		TH_LOG("submit: %s", strerror(err));
		return ~0u;
	}
	err = stress_wait(fd, sync);
	if (!err)
		err = job_status(fd, j->args.job_id, &st);
	if (err) {
		TH_LOG("wait/status of job %llu: %s",
		       (unsigned long long)j->args.job_id, strerror(err));
		return ~0u;
	}
	if (st.state != DRM_POTNPU_JOB_DONE) {
		TH_LOG("job %llu signalled but not done",
		       (unsigned long long)j->args.job_id);
		return ~0u;
	}
	return st.status;
}

static const uint32_t sizes[] = {
	1, 2, 3, 4, 5, 7, 8, 63, 64, 65, 4095, 4096, 4097, 65537,
	(1u << 20) + 3,
};

/*
 * Offsets for a range of @len bytes in a buffer of @size: random, page
 * aligned, or ending/starting so that the range crosses a page boundary
 * by a random amount.
 */
static uint64_t pick_offset(struct rng *r, int kind, uint64_t len,
			    uint64_t size)
{
	uint64_t pages = (size - len) / POTNPU_PAGE_SIZE, off, before;

	switch (kind) {
	case 0:
		return rnd_below(r, size - len + 1);
	case 1:
		return rnd_below(r, pages + 1) * POTNPU_PAGE_SIZE;
	default:
		/* A boundary at least one page in, @before bytes ahead of it. */
		before = len > 1 ? 1 + rnd_below(r, len - 1 < POTNPU_PAGE_SIZE ?
						  len - 1 : POTNPU_PAGE_SIZE) : 1;
		off = (1 + rnd_below(r, pages)) * POTNPU_PAGE_SIZE - before;
		return off;
	}
}

static const char *const kinds[] = { "random", "page aligned", "page crossing" };

TEST_F_TIMEOUT(stress, copy_fill_sizes_and_offsets, STRESS_TIMEOUT)
{
	/* Room for the largest size plus a few pages on each side. */
	const uint64_t bo_size = (1u << 20) + 6 * POTNPU_PAGE_SIZE;
	struct bo cmd, src, dst;
	uint8_t *model, *src_model;
	uint32_t sync = syncobj_new(self->fd), slot = 0;
	unsigned int si, kind, op;
	int fd = self->fd;

	ASSERT_NE(0, sync);
	ASSERT_EQ(0, bo_new(fd, 64 * 1024, DRM_POTNPU_BO_READ_ONLY, &cmd));
	ASSERT_EQ(0, bo_new(fd, bo_size, DRM_POTNPU_BO_READ_ONLY, &src));
	ASSERT_EQ(0, bo_new(fd, bo_size, 0, &dst));
	model = malloc(bo_size);
	src_model = malloc(bo_size);
	ASSERT_TRUE(model && src_model);
	/* Random bytes everywhere: the canaries are whatever the model says. */
	rnd_bytes(&self->rng, model, bo_size);
	memcpy(dst.map, model, bo_size);
	rnd_bytes(&self->rng, src_model, bo_size);
	memcpy(src.map, src_model, bo_size);

	for (si = 0; si < sizeof(sizes) / sizeof(sizes[0]); si++) {
		for (kind = 0; kind < 3; kind++) {
			for (op = 0; op < 2; op++) {
				uint32_t len = sizes[si], pattern = 0;
				uint64_t soff, doff, lo, hi;
				struct stream s = stream_at(&cmd, slot);
				struct job j;
				char what[128];

				if (kind == 2 && len == 1)
					continue;	/* one byte crosses nothing */
				soff = pick_offset(&self->rng, kind, len, bo_size);
				doff = pick_offset(&self->rng, kind, len, bo_size);
				if (op == 0) {
					/* New source bytes so a stale copy shows. */
					rnd_bytes(&self->rng, src_model + soff, len);
					memcpy(src.map + soff, src_model + soff, len);
					cmd_copy(&s, src.va + soff, dst.va + doff, len);
				} else {
					pattern = (uint32_t)rnd(&self->rng);
					cmd_fill(&s, dst.va + doff, len, pattern);
				}
				snprintf(what, sizeof(what),
					 "%s %u bytes, %s, src +%" PRIu64 " dst +%" PRIu64
					 " pattern 0x%08x",
					 op ? "FILL" : "COPY", len, kinds[kind], soff,
					 doff, pattern);
				job_init(&j, &cmd, slot, &s);
				if (op == 0)
					job_bo(&j, &src);
				job_bo(&j, &dst);
				ASSERT_EQ(DRM_POTNPU_JOB_OK, run_job(_metadata, fd, &j, sync))
					TH_LOG("%s", what);
				slot = (slot + 64) % cmd.size;

				if (op == 0)
					memcpy(model + doff, src_model + soff, len);
				else
					model_fill(model + doff, len, pattern);
				/* The range and 4 KiB of canaries either side. */
				lo = doff > 4096 ? doff - 4096 : 0;
				hi = doff + len + 4096 < bo_size ? doff + len + 4096 :
								   bo_size;
				ASSERT_TRUE(same(_metadata, what, dst.map + lo,
						 model + lo, hi - lo, lo));
				if (op == 0)
					ASSERT_TRUE(same(_metadata, "source", src.map + soff,
							 src_model + soff, len, soff));
			}
		}
	}
	/* Nothing was written anywhere else in the whole buffers. */
	EXPECT_TRUE(same(_metadata, "whole destination", dst.map, model,
			 bo_size, 0));
	EXPECT_TRUE(same(_metadata, "whole source", src.map, src_model,
			 bo_size, 0));
	free(model);
	free(src_model);
}

/*
 * One stream of 300 random COPY and FILL commands whose ranges overlap:
 * the device must run them in order, each on the result of the previous.
 */
TEST_F_TIMEOUT(stress, many_commands_in_one_stream, STRESS_TIMEOUT)
{
	const uint32_t bo_size = 64 * 1024, cmds = 300;
	struct bo cmd, src, dst;
	uint8_t *model, *src_model;
	uint32_t sync = syncobj_new(self->fd), i;
	struct stream s;
	struct job j;
	int fd = self->fd;

	ASSERT_NE(0, sync);
	ASSERT_EQ(0, bo_new(fd, 16 * 1024, DRM_POTNPU_BO_READ_ONLY, &cmd));
	ASSERT_EQ(0, bo_new(fd, bo_size, 0, &src));
	ASSERT_EQ(0, bo_new(fd, bo_size, 0, &dst));
	model = malloc(bo_size);
	src_model = malloc(bo_size);
	ASSERT_TRUE(model && src_model);
	rnd_bytes(&self->rng, model, bo_size);
	memcpy(dst.map, model, bo_size);
	rnd_bytes(&self->rng, src_model, bo_size);
	memcpy(src.map, src_model, bo_size);

	s = stream_at(&cmd, 0);
	for (i = 0; i < cmds; i++) {
		uint32_t len = 1 + (uint32_t)rnd_below(&self->rng,
				  i % 10 ? 300 : 9000);
		uint32_t doff = (uint32_t)rnd_below(&self->rng, bo_size - len + 1);
		uint32_t soff = (uint32_t)rnd_below(&self->rng, bo_size - len + 1);
		uint32_t pattern = (uint32_t)rnd(&self->rng);

		switch (rnd_below(&self->rng, 3)) {
		case 0:
			cmd_copy(&s, src.va + soff, dst.va + doff, len);
			memcpy(model + doff, src_model + soff, len);
			break;
		case 1:
			cmd_fill(&s, dst.va + doff, len, pattern);
			model_fill(model + doff, len, pattern);
			break;
		default:
			/* Destination to source: later copies read it. */
			cmd_copy(&s, dst.va + doff, src.va + soff, len);
			memcpy(src_model + soff, model + doff, len);
			break;
		}
	}
	ASSERT_LE(s.n * 4, cmd.size);
	job_init(&j, &cmd, 0, &s);
	job_bo(&j, &src);
	job_bo(&j, &dst);
	ASSERT_EQ(DRM_POTNPU_JOB_OK, run_job(_metadata, fd, &j, sync));
	EXPECT_TRUE(same(_metadata, "destination", dst.map, model, bo_size, 0));
	EXPECT_TRUE(same(_metadata, "source", src.map, src_model, bo_size, 0));
	free(model);
	free(src_model);
}

/* A job long enough to still be running when the next ones are queued. */
static void stream_long(struct stream *s, const struct bo *big, uint32_t passes)
{
	uint32_t k;

	for (k = 0; k < passes; k++)
		cmd_fill(s, big->va, big->size, 0x01010101 * k);
}

/*
 * Job A fills a region (after a long stretch of other work), job B waits
 * for A's syncobj and copies that region elsewhere: B must see A's bytes.
 */
TEST_F_TIMEOUT(stress, syncobj_reader_sees_writer, STRESS_TIMEOUT)
{
	const uint32_t len = 3 * POTNPU_PAGE_SIZE + 5;
	struct bo cmd, big, x, y;
	uint32_t sa = syncobj_new(self->fd), sb = syncobj_new(self->fd);
	uint32_t round, pattern;
	struct drm_potnpu_job_status st;
	uint8_t *want = malloc(len);
	int fd = self->fd;

	ASSERT_TRUE(sa && sb && want);
	ASSERT_EQ(0, bo_new(fd, 4096, DRM_POTNPU_BO_READ_ONLY, &cmd));
	ASSERT_EQ(0, bo_new(fd, 8 << 20, 0, &big));
	ASSERT_EQ(0, bo_new(fd, 64 * 1024, 0, &x));
	ASSERT_EQ(0, bo_new(fd, 64 * 1024, 0, &y));
	for (round = 0; round < 4; round++) {
		struct stream s = stream_at(&cmd, 0);
		uint32_t xoff = 1 + (uint32_t)rnd_below(&self->rng, 4096);
		uint32_t yoff = 1 + (uint32_t)rnd_below(&self->rng, 4096);
		struct job a, b;

		pattern = (uint32_t)rnd(&self->rng) | 0x01010101;
		memset(x.map, 0, x.size);
		memset(y.map, 0, y.size);
		stream_long(&s, &big, 4);
		cmd_fill(&s, x.va + xoff, len, pattern);
		job_init(&a, &cmd, 0, &s);
		job_bo(&a, &big);
		job_bo(&a, &x);
		a.args.out_syncobj = sa;
		ASSERT_EQ(0, job_submit(fd, &a));

		s = stream_at(&cmd, 2048);
		cmd_copy(&s, x.va + xoff, y.va + yoff, len);
		job_init(&b, &cmd, 2048, &s);
		job_bo(&b, &x);
		job_bo(&b, &y);
		job_in(&b, sa);
		b.args.out_syncobj = sb;
		ASSERT_EQ(0, job_submit(fd, &b));

		ASSERT_EQ(0, stress_wait(fd, sb));
		ASSERT_EQ(0, job_status(fd, a.args.job_id, &st));
		EXPECT_EQ(DRM_POTNPU_JOB_DONE, st.state);
		EXPECT_EQ(DRM_POTNPU_JOB_OK, st.status);
		ASSERT_EQ(0, job_status(fd, b.args.job_id, &st));
		EXPECT_EQ(DRM_POTNPU_JOB_OK, st.status);
		model_fill(want, len, pattern);
		EXPECT_TRUE(same(_metadata, "B's copy of A's fill", y.map + yoff,
				 want, len, yoff));
		EXPECT_EQ(0, y.map[yoff - 1]);
		EXPECT_EQ(0, y.map[yoff + len]);
	}
	free(want);
}

/*
 * A chain of 24 jobs, each with its own syncobj and waiting for the
 * previous job's: job i copies block i-1 to block i and stamps its number
 * in the block's first 4 bytes. Blocks are 4099 bytes, so most cross pages.
 * The first job is long, so every later one is queued before it ends.
 */
TEST_F_TIMEOUT(stress, syncobj_chain_builds_pattern, STRESS_TIMEOUT)
{
	enum { N = 24, BLOCK = 4099 };
	struct bo cmd, big, x;
	uint32_t syncs[N], i;
	uint64_t ids[N];
	uint8_t block0[BLOCK], want[BLOCK];
	struct drm_potnpu_job_status st;
	int fd = self->fd;

	ASSERT_EQ(0, bo_new(fd, 4096, DRM_POTNPU_BO_READ_ONLY, &cmd));
	ASSERT_EQ(0, bo_new(fd, 8 << 20, 0, &big));
	ASSERT_EQ(0, bo_new(fd, (N + 1) * BLOCK, 0, &x));
	rnd_bytes(&self->rng, block0, BLOCK);
	memcpy(x.map, block0, BLOCK);
	for (i = 0; i < N; i++) {
		syncs[i] = syncobj_new(fd);
		ASSERT_NE(0, syncs[i]);
	}
	for (i = 0; i < N; i++) {
		uint32_t off = i * 128;
		struct stream s = stream_at(&cmd, off);
		struct job j;

		if (i == 0)
			stream_long(&s, &big, 4);
		else
			cmd_copy(&s, x.va + (i - 1) * BLOCK, x.va + i * BLOCK,
				 BLOCK);
		/* A 4-byte FILL: blocks are not 4-byte aligned for a FENCE. */
		cmd_fill(&s, x.va + i * BLOCK, 4, i == 0 ? 0 : 0x1000 + i);
		ASSERT_LE(s.n * 4, 128);
		job_init(&j, &cmd, off, &s);
		if (i == 0)
			job_bo(&j, &big);
		job_bo(&j, &x);
		if (i > 0)
			job_in(&j, syncs[i - 1]);
		j.args.out_syncobj = syncs[i];
		ASSERT_EQ(0, job_submit(fd, &j)) TH_LOG("job %u", i);
		ids[i] = j.args.job_id;
	}
	/* Only the last one: the chain makes every other one done first. */
	ASSERT_EQ(0, stress_wait(fd, syncs[N - 1]));
	for (i = 0; i < N; i++) {
		ASSERT_EQ(0, job_status(fd, ids[i], &st));
		EXPECT_EQ(DRM_POTNPU_JOB_DONE, st.state) TH_LOG("job %u", i);
		EXPECT_EQ(DRM_POTNPU_JOB_OK, st.status) TH_LOG("job %u", i);
	}
	/* Word 0 of block 0 was set to 0; every block carries it on. */
	memcpy(want, block0, BLOCK);
	memset(want, 0, 4);
	for (i = 0; i < N; i++) {
		char what[32];

		if (i > 0) {
			uint32_t tag = 0x1000 + i;

			memcpy(want, &tag, 4);
		}
		snprintf(what, sizeof(what), "block %u", i);
		EXPECT_TRUE(same(_metadata, what, x.map + i * BLOCK, want, BLOCK,
				 i * BLOCK));
	}
	/* The block after the last was never written. */
	for (i = 0; i < BLOCK && !x.map[N * BLOCK + i]; i++)
		;
	EXPECT_EQ(BLOCK, i);
}

/*
 * Dependencies across files: a long job L, then file 1's job A waiting
 * for L's syncobj, then file 2's job B waiting for A's syncobj, shared
 * through a syncobj fd. When B has signalled, L and A are done and the
 * device's instruction counter read by A's last command is below the one
 * read by B's first. With two devices L runs on the second one: the
 * scheduler holds A until L's fence signals, so B, queued meanwhile,
 * would overtake A if its dependency were lost. (On one device A goes
 * to the ring as soon as L does, and the ring order alone keeps B last.)
 */
TEST_F_TIMEOUT(stress, syncobj_across_files, STRESS_TIMEOUT)
{
	int fd1 = self->fd, fd2 = open_device(0), fdl = fd1;
	struct bo cmd1, cmdl, big, t1, cmd2, t2;
	uint32_t sl, sl1, sa, sa2, sb;
	uint64_t idl, ida, ta, tb;
	struct drm_potnpu_job_status st;
	struct stream s;
	struct job j;

	ASSERT_GE(fd2, 0);
	if (potnpu_count_nodes() >= 2) {
		fdl = open_device(1);
		ASSERT_GE(fdl, 0);
		ASSERT_TRUE(jobs_ready(fdl));
	}
	sl = syncobj_new(fdl);
	sa = syncobj_new(fd1);
	sb = syncobj_new(fd2);
	ASSERT_TRUE(sl && sa && sb);
	ASSERT_EQ(0, bo_new(fdl, 4096, DRM_POTNPU_BO_READ_ONLY, &cmdl));
	ASSERT_EQ(0, bo_new(fdl, 16 << 20, 0, &big));
	ASSERT_EQ(0, bo_new(fd1, 4096, DRM_POTNPU_BO_READ_ONLY, &cmd1));
	ASSERT_EQ(0, bo_new(fd1, 4096, 0, &t1));
	ASSERT_EQ(0, bo_new(fd2, 4096, DRM_POTNPU_BO_READ_ONLY, &cmd2));
	ASSERT_EQ(0, bo_new(fd2, 4096, 0, &t2));
	/* Shared before anything runs: B is queued right behind A. */
	sl1 = fdl == fd1 ? sl : syncobj_share(fdl, sl, fd1);
	sa2 = syncobj_share(fd1, sa, fd2);
	ASSERT_TRUE(sl1 && sa2);

	s = stream_at(&cmdl, 0);
	stream_long(&s, &big, 16);
	job_init(&j, &cmdl, 0, &s);
	job_bo(&j, &big);
	j.args.out_syncobj = sl;
	ASSERT_EQ(0, job_submit(fdl, &j));
	idl = j.args.job_id;

	s = stream_at(&cmd1, 1024);
	cmd_fence(&s, t1.va, 0xa);
	cmd_timestamp(&s, t1.va + 8);
	job_init(&j, &cmd1, 1024, &s);
	job_bo(&j, &t1);
	job_in(&j, sl1);
	j.args.out_syncobj = sa;
	ASSERT_EQ(0, job_submit(fd1, &j));
	ida = j.args.job_id;

	s = stream_at(&cmd2, 0);
	cmd_timestamp(&s, t2.va + 8);
	cmd_fence(&s, t2.va, 0xb);
	job_init(&j, &cmd2, 0, &s);
	job_bo(&j, &t2);
	job_in(&j, sa2);
	j.args.out_syncobj = sb;
	ASSERT_EQ(0, job_submit(fd2, &j));

	ASSERT_EQ(0, stress_wait(fd2, sb));
	ASSERT_EQ(0, job_status(fdl, idl, &st));
	EXPECT_EQ(DRM_POTNPU_JOB_DONE, st.state);
	EXPECT_EQ(DRM_POTNPU_JOB_OK, st.status);
	ASSERT_EQ(0, job_status(fd1, ida, &st));
	EXPECT_EQ(DRM_POTNPU_JOB_DONE, st.state);
	EXPECT_EQ(DRM_POTNPU_JOB_OK, st.status);
	ASSERT_EQ(0, job_status(fd2, j.args.job_id, &st));
	EXPECT_EQ(DRM_POTNPU_JOB_OK, st.status);
	EXPECT_EQ(0xa, *(uint32_t *)t1.map);
	EXPECT_EQ(0xb, *(uint32_t *)t2.map);
	memcpy(&ta, t1.map + 8, 8);
	memcpy(&tb, t2.map + 8, 8);
	EXPECT_NE(0, ta);
	EXPECT_LT(ta, tb) TH_LOG("A's timestamp %" PRIu64 ", B's %" PRIu64,
				 ta, tb);
	if (fdl != fd1)
		close(fdl);
	close(fd2);
}

/* Good-job traffic of one file: COPY jobs into disjoint checked regions. */
struct good_file {
	int fd;
	struct bo cmd, src, dst;
	uint8_t *model;
	uint32_t n;
	uint64_t ids[64];
	uint32_t syncs[64];
};

#define GOOD_STRIDE	17000

static int good_open(struct good_file *g, int fd, struct rng *r)
{
	int err;

	memset(g, 0, sizeof(*g));
	g->fd = fd;
	err = bo_new(fd, 8192, DRM_POTNPU_BO_READ_ONLY, &g->cmd);
	if (!err)
		err = bo_new(fd, 64 * GOOD_STRIDE, DRM_POTNPU_BO_READ_ONLY, &g->src);
	if (!err)
		err = bo_new(fd, 64 * GOOD_STRIDE, 0, &g->dst);
	if (err)
		return err;
	g->model = malloc(g->dst.size);
	if (!g->model)
		return ENOMEM;
	rnd_bytes(r, g->src.map, g->src.size);
	rnd_bytes(r, g->model, g->dst.size);
	memcpy(g->dst.map, g->model, g->dst.size);
	return 0;
}

/* Queue @count COPY jobs of 16000..16063 bytes at odd offsets. */
static int good_submit(struct good_file *g, uint32_t count)
{
	uint32_t k;
	int err;

	for (k = 0; k < count; k++) {
		uint32_t i = g->n, len = 16000 + i, off = i * 128;
		uint64_t so = (uint64_t)(63 - i) * GOOD_STRIDE + 7 + i;
		uint64_t dso = (uint64_t)i * GOOD_STRIDE + 3 + (i * 37) % 900;
		struct stream s = stream_at(&g->cmd, off);
		struct job j;

		if (i >= 64)
			return E2BIG;
		g->syncs[i] = syncobj_new(g->fd);
		if (!g->syncs[i])
			return ENOMEM;
		cmd_copy(&s, g->src.va + so, g->dst.va + dso, len);
		job_init(&j, &g->cmd, off, &s);
		job_bo(&j, &g->src);
		job_bo(&j, &g->dst);
		j.args.out_syncobj = g->syncs[i];
		err = job_submit(g->fd, &j);
		if (err)
			return err;
		g->ids[i] = j.args.job_id;
		memcpy(g->model + dso, g->src.map + so, len);
		g->n++;
	}
	return 0;
}

/* Wait for every job so far; each must be OK and the buffer the model. */
static bool good_check(struct __test_metadata *_metadata, struct good_file *g)
{
	struct drm_potnpu_job_status st;
	bool ok = true;
	uint32_t i;
	int err;

	err = syncobj_wait_all(g->fd, g->syncs, g->n);
	if (err) {
		TH_LOG("waiting for %u good jobs: %s", g->n, strerror(err));
		return false;
	}
	for (i = 0; i < g->n; i++) {
		err = job_status(g->fd, g->ids[i], &st);
		if (err || st.state != DRM_POTNPU_JOB_DONE ||
		    st.status != DRM_POTNPU_JOB_OK) {
			TH_LOG("good job %u (id %llu): err %d state %u status 0x%x",
			       i, (unsigned long long)g->ids[i], err, st.state,
			       st.status);
			ok = false;
		}
	}
	return same(_metadata, "good file's destination", g->dst.map, g->model,
		    g->dst.size, 0) && ok;
}

/*
 * Make a job of @fd (on the first device) fault in the device MMU: the
 * driver's test hook (debugfs inject_cmd_va) replaces the address of the
 * job's FENCE with @va after validation. Returns the job's id, 0 when
 * the hook is missing, ~0 when the submit failed.
 */
static uint64_t submit_faulting_job(int fd, uint64_t va, struct bo *target,
				    uint32_t *sf)
{
	struct bo cmd;
	struct stream s;
	struct job f;
	char value[32];

	*sf = syncobj_new(fd);
	if (!*sf || bo_new(fd, 4096, DRM_POTNPU_BO_READ_ONLY, &cmd) ||
	    bo_new(fd, 4096, 0, target))
		return ~0ull;
	s = stream_at(&cmd, 0);
	cmd_fence(&s, target->va, 0x0bad);
	job_init(&f, &cmd, 0, &s);
	job_bo(&f, target);
	f.args.out_syncobj = *sf;
	snprintf(value, sizeof(value), "%" PRIu64, va);
	if (debugfs_write("inject_cmd_va", value))
		return 0;
	if (job_submit(fd, &f)) {
		debugfs_write("inject_cmd_va", "0");
		return ~0ull;
	}
	return f.args.job_id;
}

/*
 * Two files on one device: file 1 streams good COPY jobs, file 2 submits
 * a job whose FENCE (changed after validation) targets a VA that is
 * mapped in file 1's address space but not in file 2's. The device MMU
 * stops it: file 2 gets the fault and is banned, file 1's buffer is not
 * touched and all of its jobs, before, around and after, are exact.
 */
TEST_F_TIMEOUT(stress, fault_confined_to_its_file, STRESS_TIMEOUT)
{
	struct good_file *g = calloc(1, sizeof(*g));
	struct drm_potnpu_job_status st;
	struct bo target, cmd3, t3;
	uint32_t sf, s3;
	uint64_t fid, bad_va;
	struct stream s;
	struct job j;
	int fd2, fd3;

	ASSERT_NE(NULL, g);
	ASSERT_EQ(0, good_open(g, self->fd, &self->rng));
	fd2 = open_device(0);
	ASSERT_GE(fd2, 0);

	/* Good jobs before, then the fault, then more good jobs behind it. */
	/* In the middle of file 1's destination: never mapped in file 2. */
	bad_va = g->dst.va + g->dst.size / 2 + 4096;
	ASSERT_EQ(0, good_submit(g, 12));
	fid = submit_faulting_job(fd2, bad_va, &target, &sf);
	if (!fid)
		SKIP(return, "no debugfs inject_cmd_va");
	ASSERT_NE(~0ull, fid);
	ASSERT_EQ(0, good_submit(g, 12));
	ASSERT_EQ(0, stress_wait(fd2, sf));
	ASSERT_TRUE(good_check(_metadata, g));

	ASSERT_EQ(0, job_status(fd2, fid, &st));
	EXPECT_EQ(DRM_POTNPU_JOB_DONE, st.state);
	EXPECT_EQ(DRM_POTNPU_JOB_MMU_FAULT, st.status);
	EXPECT_EQ(0, st.err_offset);
	EXPECT_EQ(bad_va, st.fault_addr);
	EXPECT_EQ(0, *(uint32_t *)target.map);
	/* The faulting file is banned, for a perfectly good job too... */
	s = stream_at(&target, 64);
	put(&s, POTNPU_CMD_HDR(POTNPU_OP_NOP, POTNPU_NOP_WORDS));
	job_init(&j, &target, 64, &s);
	job_bo(&j, &target);
	EXPECT_EQ(EIO, job_submit(fd2, &j));

	/* ...the other one is not. */
	ASSERT_EQ(0, good_submit(g, 16));
	ASSERT_TRUE(good_check(_metadata, g));

	/* A new file on the device works, with the banned one still open. */
	fd3 = open_device(0);
	ASSERT_GE(fd3, 0);
	s3 = syncobj_new(fd3);
	ASSERT_NE(0, s3);
	ASSERT_EQ(0, bo_new(fd3, 4096, DRM_POTNPU_BO_READ_ONLY, &cmd3));
	ASSERT_EQ(0, bo_new(fd3, 8192, 0, &t3));
	s = stream_at(&cmd3, 0);
	cmd_fill(&s, t3.va + 4093, 7, 0x89abcdef);
	job_init(&j, &cmd3, 0, &s);
	job_bo(&j, &t3);
	ASSERT_EQ(DRM_POTNPU_JOB_OK, run_job(_metadata, fd3, &j, s3));
	EXPECT_EQ(0, t3.map[4092]);
	EXPECT_EQ(0xef, t3.map[4093]);
	EXPECT_EQ(0xcd, t3.map[4094]);
	EXPECT_EQ(0xab, t3.map[4095]);
	EXPECT_EQ(0x89, t3.map[4096]);
	EXPECT_EQ(0xef, t3.map[4097]);
	EXPECT_EQ(0xcd, t3.map[4098]);
	EXPECT_EQ(0xab, t3.map[4099]);
	EXPECT_EQ(0, t3.map[4100]);
	close(fd3);
	close(fd2);

	/* And after the banned file is gone, the good one still runs. */
	ASSERT_EQ(0, good_submit(g, 4));
	ASSERT_TRUE(good_check(_metadata, g));
	free(g->model);
	free(g);
}

/*
 * One child's work: @rounds rounds of @per_round (at most 64) COPY/FILL
 * jobs with random sizes and offsets into disjoint 8 KiB regions, all of a
 * round queued, then waited for and checked: every job's status, and the
 * whole destination (what earlier rounds wrote included) and source
 * against the model, byte for byte. Returns 0 or the number of the failed
 * step.
 */
static int child_work(int dev, uint64_t seed, uint32_t rounds,
		      uint32_t per_round)
{
	const uint32_t region = 8192;
	uint32_t r, k;
	struct bo cmd, src, dst;
	uint32_t *syncs;
	uint64_t *ids;
	uint8_t *model, *src_model;
	struct rng rng = { seed };
	int fd = open_device(dev);

	if (fd < 0)
		return 1;
	syncs = calloc(per_round, sizeof(*syncs));
	ids = calloc(per_round, sizeof(*ids));
	if (!syncs || !ids)
		return 2;
	if (bo_new(fd, 4096, DRM_POTNPU_BO_READ_ONLY, &cmd) ||
	    bo_new(fd, 64 * 1024, DRM_POTNPU_BO_READ_ONLY, &src) ||
	    bo_new(fd, per_round * region, 0, &dst))
		return 3;
	if (per_round * 64 > cmd.size)
		return 4;
	model = malloc(dst.size);
	src_model = malloc(src.size);
	if (!model || !src_model)
		return 5;
	rnd_bytes(&rng, model, dst.size);
	memcpy(dst.map, model, dst.size);
	rnd_bytes(&rng, src_model, src.size);
	memcpy(src.map, src_model, src.size);
	for (k = 0; k < per_round; k++) {
		syncs[k] = syncobj_new(fd);
		if (!syncs[k])
			return 6;
	}

	for (r = 0; r < rounds; r++) {
		for (k = 0; k < per_round; k++) {
			uint32_t len = 1 + (uint32_t)rnd_below(&rng, 6000);
			uint32_t doff = k * region + 16 +
				(uint32_t)rnd_below(&rng, region - 32 - len);
			uint32_t soff = (uint32_t)rnd_below(&rng, src.size - len);
			uint32_t pattern = (uint32_t)rnd(&rng);
			struct stream s = stream_at(&cmd, k * 64);
			struct job j;

			if ((r + k) % 2) {
				cmd_fill(&s, dst.va + doff, len, pattern);
				model_fill(model + doff, len, pattern);
			} else {
				cmd_copy(&s, src.va + soff, dst.va + doff, len);
				memcpy(model + doff, src_model + soff, len);
			}
			job_init(&j, &cmd, k * 64, &s);
			if (!((r + k) % 2))
				job_bo(&j, &src);
			job_bo(&j, &dst);
			j.args.out_syncobj = syncs[k];
			if (job_submit(fd, &j))
				return 7;
			ids[k] = j.args.job_id;
		}
		if (syncobj_wait_all(fd, syncs, per_round))
			return 8;
		for (k = 0; k < per_round; k++) {
			struct drm_potnpu_job_status st;

			if (job_status(fd, ids[k], &st) ||
			    st.state != DRM_POTNPU_JOB_DONE ||
			    st.status != DRM_POTNPU_JOB_OK) {
				fprintf(stderr, "# pid %d round %u job %u status 0x%x\n",
					getpid(), r, k, st.status);
				return 9;
			}
		}
		/* Everything, canaries included, after each round. */
		for (k = 0; k < dst.size; k++)
			if (dst.map[k] != model[k]) {
				fprintf(stderr,
					"# pid %d round %u: byte %u is 0x%02x, expected 0x%02x\n",
					getpid(), r, k, dst.map[k], model[k]);
				return 10;
			}
		if (memcmp(src.map, src_model, src.size))
			return 11;
	}
	close(fd);
	return 0;
}

/* Jobs per process of eight_processes: POTNPU_STRESS_JOBS, default 1000. */
#define STRESS_JOBS_DEFAULT	1000
#define STRESS_PER_ROUND	20

static uint32_t stress_jobs(void)
{
	const char *env = getenv("POTNPU_STRESS_JOBS");
	unsigned long n = env ? strtoul(env, NULL, 0) : STRESS_JOBS_DEFAULT;

	return n ? (uint32_t)n : STRESS_JOBS_DEFAULT;
}

/*
 * Eight processes, POTNPU_STRESS_JOBS checked jobs each (rounded up to
 * whole rounds of 20), spread over the devices.
 */
TEST_F_TIMEOUT(stress, eight_processes, STRESS_TIMEOUT)
{
	enum { NPROC = 8 };
	int ndev = potnpu_count_nodes(), i, status, failed = 0;
	uint32_t rounds = (stress_jobs() + STRESS_PER_ROUND - 1) /
			  STRESS_PER_ROUND;
	uint64_t seed = rnd(&self->rng);
	pid_t pids[NPROC];

	ASSERT_GE(ndev, 1);
	ksft_print_msg("eight_processes: %u jobs per process, %d devices\n",
		       rounds * STRESS_PER_ROUND, ndev);
	/* Nothing open in the parent: each device has its 16 slots. */
	close(self->fd);
	self->fd = -1;
	for (i = 0; i < NPROC; i++) {
		pids[i] = fork();
		ASSERT_GE(pids[i], 0);
		if (pids[i] == 0)
			_exit(child_work(i % ndev, seed + i, rounds,
					 STRESS_PER_ROUND));
	}
	for (i = 0; i < NPROC; i++) {
		ASSERT_EQ(pids[i], waitpid(pids[i], &status, 0));
		if (!WIFEXITED(status) || WEXITSTATUS(status)) {
			TH_LOG("child %d (device %d, seed %" PRIu64 ") %s %d", i,
			       i % ndev, seed + i,
			       WIFEXITED(status) ? "failed at step" : "killed by signal",
			       WIFEXITED(status) ? WEXITSTATUS(status) :
						   WTERMSIG(status));
			failed++;
		}
	}
	EXPECT_EQ(0, failed);
}

/*
 * Both devices at once: big copies and fills queued on each, interleaved;
 * one job on device 1 waits for a long job on device 0 through a shared
 * syncobj. Each device's results are exact.
 */
TEST_F_TIMEOUT(stress, both_devices_in_parallel, STRESS_TIMEOUT)
{
	enum { JOBS = 8 };
	const uint32_t chunk = 512 * 1024 + 13;
	struct dev {
		int fd;
		struct bo cmd, src, dst, big;
		uint8_t *model;
		uint32_t syncs[JOBS + 1];
		uint64_t ids[JOBS + 1];
		uint32_t bus;
	} d[2];
	struct drm_potnpu_device_info info;
	struct drm_potnpu_job_status st;
	uint32_t k, shared;
	int n;

	if (potnpu_count_nodes() < 2) {
		ASSERT_LT(expected_devices(), 2);
		SKIP(return, "one potnpu device only");
	}
	memset(d, 0, sizeof(d));
	for (n = 0; n < 2; n++) {
		struct dev *v = &d[n];
		uint64_t size = (uint64_t)JOBS * chunk + 64 * 1024;

		v->fd = open_device(n);
		ASSERT_GE(v->fd, 0);
		ASSERT_TRUE(jobs_ready(v->fd));
		ASSERT_EQ(0, potnpu_query_info(v->fd, &info));
		v->bus = info.pci_bus_id;
		ASSERT_EQ(0, bo_new(v->fd, 8192, DRM_POTNPU_BO_READ_ONLY, &v->cmd));
		ASSERT_EQ(0, bo_new(v->fd, size, DRM_POTNPU_BO_READ_ONLY, &v->src));
		ASSERT_EQ(0, bo_new(v->fd, size, 0, &v->dst));
		ASSERT_EQ(0, bo_new(v->fd, 16 << 20, 0, &v->big));
		v->model = malloc(v->dst.size);
		ASSERT_NE(NULL, v->model);
		rnd_bytes(&self->rng, v->src.map, v->src.size);
		rnd_bytes(&self->rng, v->model, v->dst.size);
		memcpy(v->dst.map, v->model, v->dst.size);
		for (k = 0; k <= JOBS; k++) {
			v->syncs[k] = syncobj_new(v->fd);
			ASSERT_NE(0, v->syncs[k]);
		}
	}
	ASSERT_NE(d[0].bus, d[1].bus);

	/* Device 0's job 0 is long; device 1's job 0 waits for it. */
	shared = syncobj_share(d[0].fd, d[0].syncs[0], d[1].fd);
	ASSERT_NE(0, shared);
	for (k = 0; k < JOBS; k++) {
		for (n = 0; n < 2; n++) {
			struct dev *v = &d[n];
			uint64_t so = (uint64_t)(JOBS - 1 - k) * chunk + 5 + k + n;
			uint64_t doff = (uint64_t)k * chunk + 11 + 3 * k + n;
			uint32_t len = chunk - 64, pattern = 0x5a000000 | k << 8 | n;
			struct stream s = stream_at(&v->cmd, k * 512);
			struct job j;

			if (n == 0 && k == 0)
				stream_long(&s, &v->big, 4);
			if ((k + n) % 3 == 2) {
				cmd_fill(&s, v->dst.va + doff, len, pattern);
				model_fill(v->model + doff, len, pattern);
			} else {
				cmd_copy(&s, v->src.va + so, v->dst.va + doff, len);
				memcpy(v->model + doff, v->src.map + so, len);
			}
			job_init(&j, &v->cmd, k * 512, &s);
			job_bo(&j, &v->src);
			job_bo(&j, &v->dst);
			if (n == 0 && k == 0)
				job_bo(&j, &v->big);
			if (n == 1 && k == 0)
				job_in(&j, shared);
			j.args.out_syncobj = v->syncs[k];
			ASSERT_EQ(0, job_submit(v->fd, &j)) TH_LOG("device %d job %u", n, k);
			v->ids[k] = j.args.job_id;
		}
	}
	/* Device 1's first job signalled: device 0's long job is done. */
	ASSERT_EQ(0, stress_wait(d[1].fd, d[1].syncs[0]));
	ASSERT_EQ(0, job_status(d[0].fd, d[0].ids[0], &st));
	EXPECT_EQ(DRM_POTNPU_JOB_DONE, st.state);
	for (n = 0; n < 2; n++) {
		struct dev *v = &d[n];
		char what[48];

		ASSERT_EQ(0, syncobj_wait_all(v->fd, v->syncs, JOBS));
		for (k = 0; k < JOBS; k++) {
			ASSERT_EQ(0, job_status(v->fd, v->ids[k], &st));
			EXPECT_EQ(DRM_POTNPU_JOB_OK, st.status)
				TH_LOG("device %d job %u", n, k);
		}
		snprintf(what, sizeof(what), "device %d destination", n);
		EXPECT_TRUE(same(_metadata, what, v->dst.map, v->model,
				 v->dst.size, 0));
		free(v->model);
		close(v->fd);
	}
}

TEST_HARNESS_MAIN
