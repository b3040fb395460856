// SPDX-License-Identifier: GPL-2.0
/*
 * potnpu job selftests, run inside the guest with the potnpu module loaded
 * and the firmware running: jobs fill, copy, fence and timestamp buffer
 * objects, chain through syncobjs (binary and timeline), report their
 * status; bad streams and arguments are refused at submit; a stream
 * changed after validation has no effect, one rewritten in the kernel's
 * copy (debugfs hook) is stopped by the device MMU and bans the file;
 * tracepoints, progress-aware timeouts, hangs and debugfs stats.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "potnpu_job.h"
#include "potnpu_regs.h"
#include "potnpu_job_util.h"
#include "potnpu_test_util.h"

FIXTURE(job) {
	int fd;
	struct bo cmd, a, b, ro;
	uint32_t sync;
};

/* The fixture's BOs and syncobj on a new open of the first node. */
static void job_fixture_open(struct __test_metadata *_metadata,
			     FIXTURE_DATA(job) *self)
{
	self->fd = potnpu_open_node(0, NULL);
	ASSERT_GE(self->fd, 0);
	ASSERT_EQ(0, bo_new(self->fd, 4096, DRM_POTNPU_BO_READ_ONLY,
			    &self->cmd));
	ASSERT_EQ(0, bo_new(self->fd, 64 * 1024, 0, &self->a));
	ASSERT_EQ(0, bo_new(self->fd, 64 * 1024, 0, &self->b));
	ASSERT_EQ(0, bo_new(self->fd, 4096, DRM_POTNPU_BO_READ_ONLY,
			    &self->ro));
	self->sync = syncobj_new(self->fd);
	ASSERT_NE(0, self->sync);
}

/* Unmap and close everything, so that the module can be unloaded. */
static void job_fixture_close(FIXTURE_DATA(job) *self)
{
	bo_unmap(&self->cmd);
	bo_unmap(&self->a);
	bo_unmap(&self->b);
	bo_unmap(&self->ro);
	if (self->fd >= 0)
		close(self->fd);
	self->fd = -1;
}

/*
 * Reload the module with @params (see potnpu_reload_module()) and open
 * the fixture again: the old fd, BOs and syncobj are gone, and so are the
 * device's counters. The caller unmaps its own BOs first.
 */
static void reload_with(struct __test_metadata *_metadata,
			FIXTURE_DATA(job) *self, const char *params)
{
	job_fixture_close(self);
	ASSERT_EQ(0, potnpu_reload_module(params));
	job_fixture_open(_metadata, self);
}

FIXTURE_SETUP(job)
{
	struct drm_potnpu_fw_info fw = {};
	struct drm_potnpu_query q = {
		.param = DRM_POTNPU_QUERY_FW_INFO,
		.size = sizeof(fw),
		.data = (uintptr_t)&fw,
	};

	self->fd = potnpu_open_node(0, NULL);
	ASSERT_GE(self->fd, 0);
	ASSERT_EQ(0, potnpu_query(self->fd, &q));
	if (fw.status != DRM_POTNPU_FW_STATUS_READY)
		SKIP(return, "firmware not running");
	close(self->fd);
	job_fixture_open(_metadata, self);
}

FIXTURE_TEARDOWN(job)
{
	job_fixture_close(self);
	/* A test that failed after lowering the timeout: back to default. */
	if (potnpu_module_param("job_timeout_ms") != 5000)
		potnpu_reload_module("");
}

TEST_F(job, fill_and_fence)
{
	struct stream s = { (uint32_t *)self->cmd.map, 0 };
	struct drm_potnpu_job_status st;
	struct submit sub;
	uint32_t k;

	cmd_fill(&s, self->a.va + 3, 1000, 0x44332211);
	cmd_fence(&s, self->a.va + 4096, 0xcafef00d);
	submit_init(&sub, &self->cmd, s.n * 4);
	submit_bo(&sub, &self->a);
	sub.args.out_syncobj = self->sync;
	ASSERT_EQ(0, submit(self->fd, &sub));
	EXPECT_EQ(1, sub.args.job_id);
	ASSERT_EQ(0, syncobj_wait(self->fd, self->sync, 0));

	ASSERT_EQ(0, job_status(self->fd, sub.args.job_id, &st));
	EXPECT_EQ(DRM_POTNPU_JOB_DONE, st.state);
	EXPECT_EQ(DRM_POTNPU_JOB_OK, st.status);
	EXPECT_EQ(0, self->a.map[2]);
	for (k = 0; k < 1000; k++)
		if (self->a.map[3 + k] != 0x11 + 0x11 * (k % 4))
			break;
	EXPECT_EQ(1000, k);
	EXPECT_EQ(0, self->a.map[1003]);
	EXPECT_EQ(0xcafef00d, *(uint32_t *)(self->a.map + 4096));
}

TEST_F(job, copy_and_timestamp)
{
	struct stream s = { (uint32_t *)self->cmd.map, 0 };
	struct drm_potnpu_job_status st;
	struct submit sub;
	uint32_t k;

	for (k = 0; k < 8192; k++)
		self->a.map[k] = (uint8_t)(k * 13 + 1);
	memcpy(self->ro.map, "read-only source", 16);
	cmd_copy(&s, self->a.va, self->b.va + 1, 8192);
	cmd_copy(&s, self->ro.va, self->b.va + 10000, 16);
	cmd_timestamp(&s, self->b.va + 16384);
	submit_init(&sub, &self->cmd, s.n * 4);
	submit_bo(&sub, &self->a);
	submit_bo(&sub, &self->b);
	submit_bo(&sub, &self->ro);
	sub.args.out_syncobj = self->sync;
	ASSERT_EQ(0, submit(self->fd, &sub));
	ASSERT_EQ(0, syncobj_wait(self->fd, self->sync, 0));
	ASSERT_EQ(0, job_status(self->fd, sub.args.job_id, &st));
	EXPECT_EQ(DRM_POTNPU_JOB_OK, st.status);
	EXPECT_EQ(0, memcmp(self->a.map, self->b.map + 1, 8192));
	EXPECT_EQ(0, memcmp(self->b.map + 10000, "read-only source", 16));
	EXPECT_NE(0, *(uint64_t *)(self->b.map + 16384));
}

TEST_F(job, chained_jobs_through_syncobjs)
{
	struct stream s;
	struct submit sub;
	uint32_t tl = syncobj_new(self->fd), i;
	uint32_t *slots = (uint32_t *)self->cmd.map;

	ASSERT_NE(0, tl);
	/* Job i copies word i-1 of A to word i and adds a fence. */
	*(uint32_t *)self->a.map = 0x5a5a0000;
	for (i = 1; i <= 8; i++) {
		s.w = slots + (i - 1) * 16;
		s.n = 0;
		cmd_copy(&s, self->a.va + (i - 1) * 4, self->a.va + i * 4, 4);
		cmd_fence(&s, self->b.va + i * 4, i);
		submit_init(&sub, &self->cmd, s.n * 4);
		sub.args.cmd_offset = (i - 1) * 64;
		submit_bo(&sub, &self->a);
		submit_bo(&sub, &self->b);
		if (i > 1) {
			sub.in[0] = self->sync;
			sub.args.in_syncobj_count = 1;
		}
		sub.args.out_syncobj = i == 8 ? tl : self->sync;
		sub.args.out_point = i == 8 ? 5 : 0;
		ASSERT_EQ(0, submit(self->fd, &sub)) TH_LOG("job %u", i);
		EXPECT_EQ(i, sub.args.job_id);
	}
	ASSERT_EQ(0, syncobj_wait(self->fd, tl, 5));
	for (i = 1; i <= 8; i++) {
		EXPECT_EQ(0x5a5a0000, ((uint32_t *)self->a.map)[i]);
		EXPECT_EQ(i, ((uint32_t *)self->b.map)[i]);
	}
}

/*
 * 200 jobs through the 64-entry ring, more than a file may have queued
 * (128): a submit over the limit is EAGAIN and succeeds once jobs finish.
 */
TEST_F(job, many_jobs_fill_the_ring)
{
	struct stream s = { (uint32_t *)self->cmd.map, 0 };
	struct drm_potnpu_job_status st;
	struct submit sub;
	int err, again = 0;
	uint32_t i;

	cmd_fence(&s, self->a.va, 1);
	for (i = 0; i < 200; i++) {
		submit_init(&sub, &self->cmd, s.n * 4);
		submit_bo(&sub, &self->a);
		sub.args.out_syncobj = self->sync;
		while ((err = submit(self->fd, &sub)) == EAGAIN && again < 100000) {
			again++;
			usleep(1000);
		}
		ASSERT_EQ(0, err);
	}
	TH_LOG("%d submits were told to try again", again);
	ASSERT_EQ(0, syncobj_wait(self->fd, self->sync, 0));
	ASSERT_EQ(0, job_status(self->fd, 200, &st));
	EXPECT_EQ(DRM_POTNPU_JOB_OK, st.status);
	ASSERT_EQ(0, job_status(self->fd, 100, &st));
	EXPECT_EQ(DRM_POTNPU_JOB_DONE, st.state);
	/* Only the last 256 are kept: an early id is not forgotten yet. */
	EXPECT_EQ(0, job_status(self->fd, 1, &st));
	EXPECT_EQ(ENOENT, job_status(self->fd, 201, &st));
	EXPECT_EQ(ENOENT, job_status(self->fd, 0, &st));
}

TEST_F(job, bad_streams_rejected)
{
	struct stream s = { (uint32_t *)self->cmd.map, 0 };
	struct submit sub;

	/* Past the end of the only BO listed. */
	cmd_fill(&s, self->a.va + self->a.size - 4, 8, 0);
	submit_init(&sub, &self->cmd, s.n * 4);
	submit_bo(&sub, &self->a);
	EXPECT_EQ(EINVAL, submit(self->fd, &sub));
	/* Into a BO not listed. */
	s.n = 0;
	cmd_fill(&s, self->b.va, 4, 0);
	submit_init(&sub, &self->cmd, s.n * 4);
	submit_bo(&sub, &self->a);
	EXPECT_EQ(EINVAL, submit(self->fd, &sub));
	/* A read-only destination. */
	s.n = 0;
	cmd_fence(&s, self->ro.va, 0);
	submit_init(&sub, &self->cmd, s.n * 4);
	submit_bo(&sub, &self->ro);
	EXPECT_EQ(EINVAL, submit(self->fd, &sub));
	/* Unknown and layer opcodes, bad length, flags. */
	s.n = 0;
	put(&s, POTNPU_CMD_HDR(0x05, 1));
	submit_init(&sub, &self->cmd, 4);
	submit_bo(&sub, &self->a);
	EXPECT_EQ(EINVAL, submit(self->fd, &sub));
	s.n = 0;
	put(&s, POTNPU_CMD_HDR(0x10, 1));
	EXPECT_EQ(EINVAL, submit(self->fd, &sub));
	s.n = 0;
	put(&s, POTNPU_CMD_HDR(POTNPU_OP_NOP, 2));
	put(&s, 0);
	submit_init(&sub, &self->cmd, 8);
	submit_bo(&sub, &self->a);
	EXPECT_EQ(EINVAL, submit(self->fd, &sub));
	s.n = 0;
	put(&s, POTNPU_CMD_HDR(POTNPU_OP_NOP, 1) | 0x100);
	submit_init(&sub, &self->cmd, 4);
	submit_bo(&sub, &self->a);
	EXPECT_EQ(EINVAL, submit(self->fd, &sub));
	/* Truncated: a FENCE cut short by cmd_size. */
	s.n = 0;
	cmd_fence(&s, self->a.va, 0);
	submit_init(&sub, &self->cmd, 8);
	submit_bo(&sub, &self->a);
	EXPECT_EQ(EINVAL, submit(self->fd, &sub));
	/* Nothing ran: the file is not banned and a good job works. */
	s.n = 0;
	put(&s, POTNPU_CMD_HDR(POTNPU_OP_NOP, 1));
	submit_init(&sub, &self->cmd, 4);
	submit_bo(&sub, &self->a);
	sub.args.out_syncobj = self->sync;
	EXPECT_EQ(0, submit(self->fd, &sub));
	EXPECT_EQ(1, sub.args.job_id);
	EXPECT_EQ(0, syncobj_wait(self->fd, self->sync, 0));
}

TEST_F(job, bad_arguments_rejected)
{
	struct stream s = { (uint32_t *)self->cmd.map, 0 };
	struct drm_potnpu_job_status st = { .job_id = 1 };
	struct submit sub;

	put(&s, POTNPU_CMD_HDR(POTNPU_OP_NOP, 1));
#define EXPECT_SUBMIT(err, field, value) do { \
		submit_init(&sub, &self->cmd, 4); \
		submit_bo(&sub, &self->a); \
		sub.args.field = value; \
		EXPECT_EQ(err, submit(self->fd, &sub)) TH_LOG(#field); \
	} while (0)
	EXPECT_SUBMIT(EINVAL, flags, 1);
	EXPECT_SUBMIT(EINVAL, pad, 1);
	EXPECT_SUBMIT(EINVAL, cmd_size, 0);
	EXPECT_SUBMIT(EINVAL, cmd_size, 6);
	EXPECT_SUBMIT(EINVAL, cmd_size, 65540);
	EXPECT_SUBMIT(EINVAL, cmd_offset, 2);
	EXPECT_SUBMIT(EINVAL, cmd_offset, 4096);
	EXPECT_SUBMIT(EINVAL, bo_count, 0);
	EXPECT_SUBMIT(EINVAL, bo_count, DRM_POTNPU_MAX_JOB_BOS + 1);
	EXPECT_SUBMIT(EINVAL, in_syncobj_count, DRM_POTNPU_MAX_IN_SYNCOBJS + 1);
	EXPECT_SUBMIT(EINVAL, out_point, 3);
	EXPECT_SUBMIT(ENOENT, cmd_handle, 999);
	EXPECT_SUBMIT(ENOENT, out_syncobj, 999);
	EXPECT_SUBMIT(EFAULT, bo_handles, 0);
	/* In-syncobj handle 0 (submit_init cleared the array): no such. */
	EXPECT_SUBMIT(ENOENT, in_syncobj_count, 1);
	submit_init(&sub, &self->cmd, 4);
	submit_bo(&sub, &self->a);
	submit_bo(&sub, &self->a);
	EXPECT_EQ(EINVAL, submit(self->fd, &sub));	/* duplicate */
	submit_init(&sub, &self->cmd, 4);
	sub.handles[0] = 4242;
	sub.args.bo_count = 1;
	EXPECT_EQ(ENOENT, submit(self->fd, &sub));
#undef EXPECT_SUBMIT
	/* No job was accepted: id 1 is unknown. */
	EXPECT_EQ(ENOENT, job_status(self->fd, 1, &st));
}

TEST_F(job, other_files_bo_refused)
{
	struct stream s = { (uint32_t *)self->cmd.map, 0 };
	struct drm_gem_flink flink = { .handle = self->a.handle };
	struct drm_gem_open op = {};
	struct submit sub;
	int fd2 = potnpu_open_node(0, NULL);
	struct bo cmd2;

	ASSERT_GE(fd2, 0);
	ASSERT_EQ(0, ioctl(self->fd, DRM_IOCTL_GEM_FLINK, &flink));
	op.name = flink.name;
	ASSERT_EQ(0, ioctl(fd2, DRM_IOCTL_GEM_OPEN, &op));
	ASSERT_EQ(0, bo_new(fd2, 4096, 0, &cmd2));
	s.w = (uint32_t *)cmd2.map;
	cmd_fence(&s, self->a.va, 1);
	submit_init(&sub, &cmd2, s.n * 4);
	sub.handles[0] = op.handle;
	sub.args.bo_count = 1;
	EXPECT_EQ(ENOENT, submit(fd2, &sub));
	close(fd2);
}

/*
 * Change the stream after it was validated, while an earlier long job
 * keeps the ring busy: the device MMU stops the write to an unmapped VA,
 * the job reports the fault and the file is banned.
 */
#define TRACEFS "/sys/kernel/tracing"

/* tracefs with the potnpu events, mounted if needed; 0 when usable. */
static int tracefs_ready(void)
{
	if (access(TRACEFS "/events", F_OK))
		mount("tracefs", TRACEFS, "tracefs", 0, NULL);
	return access(TRACEFS "/events/potnpu/enable", W_OK);
}

/* The whole trace buffer as a string (read in a loop), NULL on error. */
static char *trace_read(void)
{
	size_t max = 4 << 20, len = 0;
	char *buf = malloc(max + 1);
	ssize_t n;
	int fd = open(TRACEFS "/trace", O_RDONLY | O_CLOEXEC);

	if (!buf || fd < 0) {
		free(buf);
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	while (len < max && (n = read(fd, buf + len, max - len)) > 0)
		len += n;
	close(fd);
	buf[len] = 0;
	return buf;
}

/* A line of @trace with @event and every one of @a, @b. */
static bool trace_has(const char *trace, const char *event, const char *a,
		      const char *b)
{
	const char *line = trace, *end;
	char tmp[512];
	size_t n;

	for (; *line; line = *end ? end + 1 : end) {
		end = strchrnul(line, '\n');
		n = end - line < (long)sizeof(tmp) - 1 ? end - line :
		    sizeof(tmp) - 1;
		memcpy(tmp, line, n);
		tmp[n] = 0;
		if (strstr(tmp, event) && strstr(tmp, a) && strstr(tmp, b))
			return true;
	}
	return false;
}

/* Enable the potnpu events on an empty buffer; 0 when tracing. */
static int trace_start(void)
{
	if (tracefs_ready() ||
	    potnpu_write_file(TRACEFS "/events/potnpu/enable", "1", 1))
		return -1;
	return potnpu_write_file(TRACEFS "/trace", "", 0);
}

/* Disable the events; the buffer as a string (to free), NULL on error. */
static char *trace_stop(void)
{
	char *trace = trace_read();

	potnpu_write_file(TRACEFS "/events/potnpu/enable", "0", 1);
	return trace;
}

/*
 * The device runs the kernel's validated copy of the stream: changing the
 * BO after the submit has no effect, even while the job is still queued
 * behind a long one.
 */
TEST_F(job, stream_changed_after_validation_has_no_effect)
{
	struct stream s = { (uint32_t *)self->cmd.map, 0 };
	struct drm_potnpu_job_status st;
	struct submit sub;
	struct bo big;
	uint32_t i, *cmd2 = (uint32_t *)(self->cmd.map + 2048);

	ASSERT_EQ(0, bo_new(self->fd, 32 << 20, 0, &big));
	for (i = 0; i < 100; i++)
		cmd_fill(&s, big.va, big.size, i);
	submit_init(&sub, &self->cmd, s.n * 4);
	submit_bo(&sub, &big);
	ASSERT_EQ(0, submit(self->fd, &sub));

	s.w = cmd2;
	s.n = 0;
	cmd_fence(&s, self->a.va, 7);
	submit_init(&sub, &self->cmd, s.n * 4);
	sub.args.cmd_offset = 2048;
	submit_bo(&sub, &self->a);
	sub.args.out_syncobj = self->sync;
	ASSERT_EQ(0, submit(self->fd, &sub));
	/* VA 0 is never mapped, and another value: neither is seen. */
	cmd2[1] = 0;
	cmd2[2] = 0;
	cmd2[3] = 8;
	ASSERT_EQ(0, syncobj_wait(self->fd, self->sync, 0));
	ASSERT_EQ(0, job_status(self->fd, sub.args.job_id, &st));
	EXPECT_EQ(DRM_POTNPU_JOB_OK, st.status);
	EXPECT_EQ(7, *(uint32_t *)self->a.map);
	/* Not banned. */
	s.w = cmd2;
	s.n = 0;
	cmd_fence(&s, self->a.va, 9);
	EXPECT_EQ(0, submit(self->fd, &sub));
	ASSERT_EQ(0, syncobj_wait(self->fd, self->sync, 0));
	EXPECT_EQ(9, *(uint32_t *)self->a.map);
}

/*
 * A stream the validator never saw (debugfs inject_cmd_va rewrites the
 * kernel copy after validation) is still confined by the MMU: the FENCE
 * at 4 GiB, beyond the 1 GiB address space, faults and bans the file.
 */
TEST_F(job, mmu_confines_stream_changed_after_validation)
{
	struct stream s = { (uint32_t *)self->cmd.map, 0 };
	struct drm_potnpu_job_status st;
	char *trace = NULL;
	struct submit sub;
	bool tracing;
	int i;

	cmd_fence(&s, self->a.va, 7);
	submit_init(&sub, &self->cmd, s.n * 4);
	submit_bo(&sub, &self->a);
	sub.args.out_syncobj = self->sync;
	if (debugfs_write("inject_cmd_va", "4294967296"))
		SKIP(return, "no debugfs");
	tracing = !trace_start();
	ASSERT_EQ(0, submit(self->fd, &sub));
	ASSERT_EQ(0, syncobj_wait(self->fd, self->sync, 0));
	ASSERT_EQ(0, job_status(self->fd, sub.args.job_id, &st));
	EXPECT_EQ(DRM_POTNPU_JOB_MMU_FAULT, st.status);
	EXPECT_EQ(0, st.err_offset);
	EXPECT_EQ(0, *(uint32_t *)self->a.map);
	EXPECT_EQ(EIO, submit(self->fd, &sub));
	if (!tracing)
		return;
	/* The fault's own interrupt may come after the completion's. */
	for (i = 0; i < 500; i++) {
		trace = trace_read();
		ASSERT_NE(NULL, trace);
		if (trace_has(trace, "potnpu_mmu_fault:", "reason=", "write=1"))
			break;
		free(trace);
		trace = NULL;
		usleep(10000);
	}
	free(trace_stop());
	EXPECT_NE(NULL, trace);
	free(trace);
}

/* submit, run and done events for a job, with its id and details. */
TEST_F(job, tracepoints_follow_a_job)
{
	struct stream s = { (uint32_t *)self->cmd.map, 0 };
	char id[64], *trace;
	struct submit sub;

	if (trace_start())
		SKIP(return, "no tracefs with potnpu events");
	cmd_fence(&s, self->a.va, 5);
	submit_init(&sub, &self->cmd, s.n * 4);
	submit_bo(&sub, &self->a);
	sub.args.out_syncobj = self->sync;
	ASSERT_EQ(0, submit(self->fd, &sub));
	ASSERT_EQ(0, syncobj_wait(self->fd, self->sync, 0));
	trace = trace_stop();
	ASSERT_NE(NULL, trace);
	snprintf(id, sizeof(id), " job=%llu ",
		 (unsigned long long)sub.args.job_id);
	EXPECT_TRUE(trace_has(trace, "potnpu_job_submit:", id,
			      "size=16 bos=1"));
	EXPECT_TRUE(trace_has(trace, "potnpu_job_run:", id, "seqno="));
	EXPECT_TRUE(trace_has(trace, "potnpu_job_done:", id, "status=0 "));
	if (_metadata->exit_code)
		TH_LOG("trace:\n%s", trace);
	free(trace);
}

/*
 * A job of 3200 FILLs over @dst, its stream in a new read-only BO @cmd,
 * ready to submit as @sub.
 */
static void build_long_job(struct __test_metadata *_metadata, int fd,
			   const struct bo *dst, uint32_t sync, struct bo *cmd,
			   struct submit *sub)
{
	struct stream s;
	uint32_t i;

	ASSERT_EQ(0, bo_new(fd, 65536, DRM_POTNPU_BO_READ_ONLY, cmd));
	s.w = (uint32_t *)cmd->map;
	s.n = 0;
	for (i = 0; i < 3200; i++)
		cmd_fill(&s, dst->va, dst->size, i);
	submit_init(sub, cmd, s.n * 4);
	submit_bo(sub, dst);
	sub->args.out_syncobj = sync;
}

/*
 * Submit a job of 3200 FILLs over @dst (stream in a new read-only BO
 * @cmd), wait for it and store in @ns how long it took; @sub can be
 * submitted again.
 */
static void time_long_job(struct __test_metadata *_metadata, int fd,
			  const struct bo *dst, uint32_t sync, struct bo *cmd,
			  struct submit *sub, long long *ns)
{
	build_long_job(_metadata, fd, dst, sync, cmd, sub);
	*ns = now_ns();
	ASSERT_EQ(0, submit(fd, sub));
	ASSERT_EQ(0, syncobj_wait(fd, sync, 0));
	*ns = now_ns() - *ns;
}

/*
 * A job of many commands that takes longer than the timeout is not reset
 * while the firmware's heartbeat moves: the module is reloaded with the
 * timeout (module parameter job_timeout_ms) at a third of the job's
 * measured duration (the hard cap is ten timeouts).
 */
TEST_F(job, progressing_job_outlives_its_timeout)
{
	struct drm_potnpu_job_status st;
	long long ext, t, ms;
	struct submit sub;
	char params[64];
	uint32_t before;
	struct bo cmd;

	if (stat_get("timeout_extensions") < 0)
		SKIP(return, "no debugfs stats");
	time_long_job(_metadata, self->fd, &self->a, self->sync, &cmd, &sub, &t);
	ms = t / 3000000;
	if (ms < 10)
		SKIP(return, "the job takes only %lld ms", t / 1000000);
	bo_unmap(&cmd);
	snprintf(params, sizeof(params), "job_timeout_ms=%lld", ms);
	reload_with(_metadata, self, params);
	build_long_job(_metadata, self->fd, &self->a, self->sync, &cmd, &sub);
	ext = stat_get("timeout_extensions");
	before = fw_recoveries(self->fd);
	t = now_ns();
	ASSERT_EQ(0, submit(self->fd, &sub));
	ASSERT_EQ(0, syncobj_wait(self->fd, self->sync, 0));
	t = now_ns() - t;
	ASSERT_EQ(0, job_status(self->fd, sub.args.job_id, &st));
	EXPECT_EQ(DRM_POTNPU_JOB_OK, st.status);
	EXPECT_EQ(before, fw_recoveries(self->fd));
	if (t / 1000000 > 2 * ms)
		EXPECT_LT(ext, stat_get("timeout_extensions"));
	TH_LOG("timeout %lld ms, job %lld ms, %lld extensions", ms,
	       t / 1000000, stat_get("timeout_extensions") - ext);
	bo_unmap(&cmd);
	reload_with(_metadata, self, "");
}

/* debugfs stats counts jobs completed, failed and MMU faults. */
TEST_F(job, stats_count_jobs)
{
	struct stream s = { (uint32_t *)self->cmd.map, 0 };
	long long sub0, ok0, fail0, mmu0;
	struct submit sub;
	int i;

	sub0 = stat_get("jobs_submitted");
	if (sub0 < 0)
		SKIP(return, "no debugfs stats");
	ok0 = stat_get("jobs_completed");
	fail0 = stat_get("jobs_failed");
	mmu0 = stat_get("mmu_faults");
	cmd_fence(&s, self->a.va, 1);
	submit_init(&sub, &self->cmd, s.n * 4);
	submit_bo(&sub, &self->a);
	sub.args.out_syncobj = self->sync;
	for (i = 0; i < 3; i++)
		ASSERT_EQ(0, submit(self->fd, &sub));
	ASSERT_EQ(0, syncobj_wait(self->fd, self->sync, 0));
	ASSERT_EQ(0, debugfs_write("inject_cmd_va", "4294967296"));
	ASSERT_EQ(0, submit(self->fd, &sub));
	ASSERT_EQ(0, syncobj_wait(self->fd, self->sync, 0));
	EXPECT_EQ(sub0 + 4, stat_get("jobs_submitted"));
	EXPECT_EQ(ok0 + 3, stat_get("jobs_completed"));
	EXPECT_EQ(fail0 + 1, stat_get("jobs_failed"));
	/* The fault's own interrupt may come after the completion's. */
	for (i = 0; i < 500 && stat_get("mmu_faults") == mmu0; i++)
		usleep(10000);
	EXPECT_EQ(mmu0 + 1, stat_get("mmu_faults"));
}

TEST_F(job, close_with_jobs_in_flight)
{
	struct stream s = { (uint32_t *)self->cmd.map, 0 };
	struct submit sub;
	uint32_t i;
	int fd2;

	cmd_fill(&s, self->a.va, self->a.size, 0x01010101);
	for (i = 0; i < 50; i++) {
		submit_init(&sub, &self->cmd, s.n * 4);
		submit_bo(&sub, &self->a);
		ASSERT_EQ(0, submit(self->fd, &sub));
	}
	close(self->fd);
	/* The slot comes back; the device keeps working for others. */
	self->fd = potnpu_open_node(0, NULL);
	ASSERT_GE(self->fd, 0);
	fd2 = self->fd;
	ASSERT_EQ(0, bo_new(fd2, 4096, 0, &self->a));
	ASSERT_EQ(0, bo_new(fd2, 4096, 0, &self->cmd));
	self->sync = syncobj_new(fd2);
	s.w = (uint32_t *)self->cmd.map;
	s.n = 0;
	cmd_fence(&s, self->a.va, 9);
	submit_init(&sub, &self->cmd, s.n * 4);
	submit_bo(&sub, &self->a);
	sub.args.out_syncobj = self->sync;
	ASSERT_EQ(0, submit(fd2, &sub));
	ASSERT_EQ(0, syncobj_wait(fd2, self->sync, 0));
	EXPECT_EQ(9, *(uint32_t *)self->a.map);
}

/*
 * A long job (100 FILLs of 32 MiB: 3.2 GiB, seconds of device time) and
 * a short one behind it in the ring; the long job's stream ends before
 * the short one's at 2048.
 */
static void submit_long_and_short(struct __test_metadata *_metadata,
				  FIXTURE_DATA(job) *self, uint64_t ids[2],
				  uint32_t sync2)
{
	struct stream s = { (uint32_t *)self->cmd.map, 0 };
	struct submit sub;
	struct bo big;
	uint32_t i;

	ASSERT_EQ(0, bo_new(self->fd, 32 << 20, 0, &big));
	/* The handle keeps the BO; a mapping would pin the module. */
	bo_unmap(&big);
	for (i = 0; i < 32; i++)
		cmd_fill(&s, big.va, big.size, i);
	submit_init(&sub, &self->cmd, s.n * 4);
	submit_bo(&sub, &big);
	sub.args.out_syncobj = self->sync;
	ASSERT_EQ(0, submit(self->fd, &sub));
	ids[0] = sub.args.job_id;
	s.w = (uint32_t *)(self->cmd.map + 2048);
	s.n = 0;
	cmd_fence(&s, self->a.va, 3);
	submit_init(&sub, &self->cmd, s.n * 4);
	sub.args.cmd_offset = 2048;
	submit_bo(&sub, &self->a);
	sub.args.out_syncobj = sync2;
	ASSERT_EQ(0, submit(self->fd, &sub));
	ids[1] = sub.args.job_id;
}

static void expect_device_works(struct __test_metadata *_metadata,
				FIXTURE_DATA(job) *self)
{
	struct stream s = { (uint32_t *)(self->cmd.map + 3072), 0 };
	struct drm_potnpu_job_status st;
	struct submit sub;

	cmd_fence(&s, self->b.va + 64, 0x600d);
	submit_init(&sub, &self->cmd, s.n * 4);
	sub.args.cmd_offset = 3072;
	submit_bo(&sub, &self->b);
	sub.args.out_syncobj = self->sync;
	ASSERT_EQ(0, submit(self->fd, &sub));
	ASSERT_EQ(0, syncobj_wait(self->fd, self->sync, 0));
	ASSERT_EQ(0, job_status(self->fd, sub.args.job_id, &st));
	EXPECT_EQ(DRM_POTNPU_JOB_OK, st.status);
	EXPECT_EQ(0x600d, *(uint32_t *)(self->b.map + 64));
}

TEST_F(job, forced_recovery_cancels_jobs_in_ring)
{
	struct drm_potnpu_job_status st;
	uint32_t sync2 = syncobj_new(self->fd), before;
	uint64_t ids[2];

	before = fw_recoveries(self->fd);
	submit_long_and_short(_metadata, self, ids, sync2);
	/* The long job is in the ring long before its seconds of work end. */
	usleep(100000);
	if (debugfs_write("force_recovery", "1"))
		SKIP(return, "no debugfs");
	ASSERT_EQ(0, syncobj_wait(self->fd, sync2, 0));
	ASSERT_EQ(0, syncobj_wait(self->fd, self->sync, 0));
	ASSERT_EQ(0, job_status(self->fd, ids[0], &st));
	EXPECT_EQ(DRM_POTNPU_JOB_DONE, st.state);
	EXPECT_EQ(DRM_POTNPU_JOB_CANCELLED, st.status);
	/* Cancelled if it was in the ring, else run after the recovery. */
	ASSERT_EQ(0, job_status(self->fd, ids[1], &st));
	EXPECT_TRUE(st.status == DRM_POTNPU_JOB_CANCELLED ||
		    st.status == DRM_POTNPU_JOB_OK);
	EXPECT_EQ(before + 1, fw_recoveries(self->fd));
	expect_device_works(_metadata, self);
}

/*
 * A hung job (debugfs inject_hang) times out and recovers the device; the
 * module is reloaded with a 200 ms timeout for it.
 */
TEST_F(job, timeout_recovers_the_device)
{
	struct drm_potnpu_job_status st;
	uint32_t sync2, before;
	uint64_t ids[2];
	long long timed_out, recoveries, aborts;
	char id[64], done[32], path[512], *trace;
	bool tracing;

	if (debugfs_path("inject_hang", path, sizeof(path)) ||
	    access(path, F_OK))
		SKIP(return, "no debugfs inject_hang");
	reload_with(_metadata, self, "job_timeout_ms=200");
	sync2 = syncobj_new(self->fd);
	before = fw_recoveries(self->fd);
	timed_out = stat_get("jobs_timed_out");
	recoveries = stat_get("recoveries");
	aborts = stat_get("aborts");
	potnpu_klog_clear();
	/*
	 * The long job hangs: its descriptor is in the ring, the doorbell
	 * is never rung. The firmware's heartbeat keeps moving (it is
	 * idle), which must not count as progress of the job.
	 */
	ASSERT_EQ(0, debugfs_write("inject_hang", "1"));
	tracing = !trace_start();
	submit_long_and_short(_metadata, self, ids, sync2);
	ASSERT_EQ(0, syncobj_wait(self->fd, sync2, 0));
	ASSERT_EQ(0, syncobj_wait(self->fd, self->sync, 0));
	trace = tracing ? trace_stop() : NULL;
	if (trace) {
		snprintf(id, sizeof(id), " job=%llu ",
			 (unsigned long long)ids[0]);
		EXPECT_TRUE(trace_has(trace, "potnpu_job_timeout:", id,
				      "progress=0"));
		/* Level 1 first: the firmware never saw the job. */
		EXPECT_TRUE(trace_has(trace, "potnpu_job_abort:", id,
				      "sent=1 aborted=0"));
		EXPECT_TRUE(trace_has(trace, "potnpu_recovery:",
				      "reason=job timeout", ""));
		snprintf(done, sizeof(done), "status=%u ",
			 DRM_POTNPU_JOB_TIMEOUT);
		EXPECT_TRUE(trace_has(trace, "potnpu_job_done:", id, done));
		free(trace);
	}
	ASSERT_EQ(0, job_status(self->fd, ids[0], &st));
	EXPECT_EQ(DRM_POTNPU_JOB_TIMEOUT, st.status);
	EXPECT_TRUE(potnpu_klog_contains("timed out"));
	ASSERT_EQ(0, job_status(self->fd, ids[1], &st));
	EXPECT_EQ(DRM_POTNPU_JOB_CANCELLED, st.status);
	EXPECT_EQ(before + 1, fw_recoveries(self->fd));
	EXPECT_EQ(timed_out + 1, stat_get("jobs_timed_out"));
	EXPECT_EQ(recoveries + 1, stat_get("recoveries"));
	EXPECT_EQ(aborts, stat_get("aborts"));
	EXPECT_TRUE(potnpu_klog_contains("not aborted within"));
	expect_device_works(_metadata, self);
	reload_with(_metadata, self, "");
}

/*
 * Escalation, level 1: a job that keeps progressing past the cap of ten
 * timeouts (the timeout is a thirtieth of its measured duration) is
 * aborted through H2F_MSG. The firmware completes it, reported as a
 * timeout and counted in stats "aborts"; the device is not reset, the
 * firmware not booted again, and the next job runs.
 */
TEST_F(job, job_beyond_progress_cap_is_aborted)
{
	long long aborts, timed_out, recoveries, t, ms;
	struct drm_potnpu_job_status st;
	uint32_t i, before, boots;
	char params[64], id[64], *trace;
	struct submit sub;
	struct bo cmd;
	bool tracing;

	if (stat_get("aborts") < 0)
		SKIP(return, "no debugfs stats");
	time_long_job(_metadata, self->fd, &self->a, self->sync, &cmd, &sub, &t);
	ms = t / 30000000;
	if (ms < 3)
		SKIP(return, "the job takes only %lld ms", t / 1000000);
	bo_unmap(&cmd);
	snprintf(params, sizeof(params), "job_timeout_ms=%lld", ms);
	reload_with(_metadata, self, params);
	build_long_job(_metadata, self->fd, &self->a, self->sync, &cmd, &sub);
	aborts = stat_get("aborts");
	timed_out = stat_get("jobs_timed_out");
	recoveries = stat_get("recoveries");
	before = fw_recoveries(self->fd);
	boots = fw_boots(self->fd);
	potnpu_klog_clear();
	tracing = !trace_start();
	ASSERT_EQ(0, submit(self->fd, &sub));
	ASSERT_EQ(0, syncobj_wait(self->fd, self->sync, 0));
	/*
	 * The fence is signalled by the completion interrupt; the timeout
	 * handler traces the abort and logs it once its wait is over.
	 */
	for (i = 0; i < 200; i++) {
		if (potnpu_klog_contains("aborted, no reset"))
			break;
		usleep(10000);
	}
	trace = tracing ? trace_stop() : NULL;

	ASSERT_EQ(0, job_status(self->fd, sub.args.job_id, &st));
	EXPECT_EQ(DRM_POTNPU_JOB_DONE, st.state);
	EXPECT_EQ(DRM_POTNPU_JOB_TIMEOUT, st.status);
	/* The first command not executed: some ran, some did not. */
	EXPECT_LT(0u, st.err_offset);
	EXPECT_GT(sub.args.cmd_size, st.err_offset);
	EXPECT_EQ(aborts + 1, stat_get("aborts"));
	EXPECT_EQ(timed_out + 1, stat_get("jobs_timed_out"));
	EXPECT_EQ(recoveries, stat_get("recoveries"));
	EXPECT_EQ(before, fw_recoveries(self->fd));
	EXPECT_EQ(boots, fw_boots(self->fd));
	EXPECT_TRUE(potnpu_klog_contains("aborted, no reset"));
	if (trace) {
		snprintf(id, sizeof(id), " job=%llu ",
			 (unsigned long long)sub.args.job_id);
		EXPECT_TRUE(trace_has(trace, "potnpu_job_abort:", id,
				      "sent=1 aborted=1"));
		EXPECT_FALSE(trace_has(trace, "potnpu_recovery:", "", ""));
		if (_metadata->exit_code)
			TH_LOG("trace:\n%s", trace);
		free(trace);
	}
	expect_device_works(_metadata, self);
	EXPECT_EQ(boots, fw_boots(self->fd));
	TH_LOG("timeout %lld ms, job %lld ms, aborted at offset %u of %u",
	       ms, t / 1000000, st.err_offset, sub.args.cmd_size);
	bo_unmap(&cmd);
	reload_with(_metadata, self, "");
}

/* A process that exits with jobs queued and running: nothing leaks. */
TEST_F(job, exit_with_jobs_queued)
{
	pid_t pid;
	int status, k;

	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		int fd = potnpu_open_node(0, NULL);
		struct stream s;
		struct submit sub;
		struct bo big, cmd;

		if (fd < 0 || bo_new(fd, 16 << 20, 0, &big) ||
		    bo_new(fd, 4096, 0, &cmd))
			_exit(1);
		s.w = (uint32_t *)cmd.map;
		s.n = 0;
		for (k = 0; k < 8; k++)
			cmd_fill(&s, big.va, big.size, k);
		for (k = 0; k < 100; k++) {
			submit_init(&sub, &cmd, s.n * 4);
			submit_bo(&sub, &big);
			if (submit(fd, &sub))
				_exit(2);
		}
		_exit(0);	/* without closing anything */
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status));
	/* Every slot can be taken again and the device works. */
	expect_device_works(_metadata, self);
}

/*
 * Unbind the device with jobs queued and running, close the file after
 * the device is gone, bind it again: no leak, no crash, jobs run.
 */
TEST_F(job, unbind_with_jobs_in_flight)
{
	char link[128], target[128], addr[128];
	struct stream s = { (uint32_t *)self->cmd.map, 0 };
	struct submit sub;
	const char *name;
	ssize_t n;
	int index, k;

	close(self->fd);
	self->fd = potnpu_open_node(0, &index);
	ASSERT_GE(self->fd, 0);
	ASSERT_EQ(0, bo_new(self->fd, 4096, 0, &self->cmd));
	ASSERT_EQ(0, bo_new(self->fd, 16 << 20, 0, &self->a));
	s.w = (uint32_t *)self->cmd.map;
	for (k = 0; k < 8; k++)
		cmd_fill(&s, self->a.va, self->a.size, k);
	for (k = 0; k < 20; k++) {
		submit_init(&sub, &self->cmd, s.n * 4);
		submit_bo(&sub, &self->a);
		ASSERT_EQ(0, submit(self->fd, &sub));
	}
	snprintf(link, sizeof(link), "/sys/class/accel/accel%d/device", index);
	n = readlink(link, target, sizeof(target) - 1);
	ASSERT_GT(n, 0);
	target[n] = 0;
	name = strrchr(target, '/');
	snprintf(addr, sizeof(addr), "%s", name ? name + 1 : target);
	ASSERT_EQ(0, potnpu_write_file("/sys/bus/pci/drivers/potnpu/unbind",
				       addr, strlen(addr)));
	submit_init(&sub, &self->cmd, s.n * 4);
	submit_bo(&sub, &self->a);
	EXPECT_EQ(ENODEV, submit(self->fd, &sub));
	munmap(self->a.map, self->a.size);
	munmap(self->cmd.map, self->cmd.size);
	close(self->fd);
	self->fd = -1;
	ASSERT_EQ(0, potnpu_write_file("/sys/bus/pci/drivers/potnpu/bind",
				       addr, strlen(addr)));
	/* Rebound: a fresh file runs jobs. */
	self->fd = potnpu_open_node(0, NULL);
	ASSERT_GE(self->fd, 0);
	ASSERT_EQ(0, bo_new(self->fd, 4096, 0, &self->cmd));
	ASSERT_EQ(0, bo_new(self->fd, 4096, 0, &self->b));
	self->sync = syncobj_new(self->fd);
	expect_device_works(_metadata, self);
}

/* The core halts (watchdog): the driver notices and recovers by itself. */
TEST_F(job, halted_core_recovered_automatically)
{
	uint32_t before = fw_recoveries(self->fd), now = before;
	int tries;

	potnpu_klog_clear();
	if (debugfs_write("core_wdog_limit", "5"))
		SKIP(return, "no debugfs");
	for (tries = 0; tries < 200 && (now == before || now == ~0u); tries++) {
		usleep(50 * 1000);
		now = fw_recoveries(self->fd);
	}
	EXPECT_EQ(before + 1, now);
	EXPECT_TRUE(potnpu_klog_contains("firmware stopped"));
	EXPECT_TRUE(potnpu_klog_contains("recovery"));
	/* The reset restored the default watchdog: jobs run again. */
	expect_device_works(_metadata, self);
}

TEST_HARNESS_MAIN
