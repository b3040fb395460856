// SPDX-License-Identifier: MIT
/*
 * SUBMIT and JOB_STATUS. A submit is built valid (a valid stream, the BOs
 * it touches, in-syncobjs that hold a fence, an out-syncobj or timeline
 * point the ABI accepts) and then left alone, given one broken field or
 * stream rule (must fail, with the errno the ABI names), or given a
 * mutated stream (no claim). Accepted jobs are watched: ids must count up
 * by one per file, and a job the validator let through must not end in a
 * status only a stream outside its BOs or a malformed one can cause.
 */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "fuzz.h"

/* How long fz_check_jobs(all) waits for a file's jobs, in ms. */
#define FZ_JOB_WAIT_MS	60000

struct fz_submit {
	struct drm_potnpu_submit a;
	uint32_t handles[DRM_POTNPU_MAX_JOB_BOS + 2];
	uint32_t in[DRM_POTNPU_MAX_IN_SYNCOBJS + 2];
	struct fz_sync *out;
	bool mutated;
	bool layers;
};

/* The stream into the command BO, at a random 4-aligned offset. */
static void fz_submit_stream(struct fz_proc *p, struct fz_file *f,
			     struct fz_submit *sub, const struct fz_stream *s)
{
	uint32_t size = s->n * 4;
	uint32_t room = (uint32_t)f->cmd.size - size;
	uint32_t off = fz_below(&p->rng, room / 4 + 1) * 4;

	memcpy((uint8_t *)f->cmd_map + off, s->w, size);
	sub->a.cmd_handle = f->cmd.handle;
	sub->a.cmd_offset = off;
	sub->a.cmd_size = size;
}

/* In-syncobjs with a fence, an out-syncobj the ABI takes. */
static void fz_submit_syncs(struct fz_proc *p, struct fz_file *f,
			    struct fz_submit *sub)
{
	unsigned int i, n = fz_chance(&p->rng, 60) ? 0 : 1 + fz_below(&p->rng, 3);
	struct fz_sync *s;

	for (i = 0; i < n; i++) {
		s = fz_pick_sync(p, f);
		if (s && (s->state == SYNC_PLAIN || s->state == SYNC_CHAIN))
			sub->in[sub->a.in_syncobj_count++] = s->handle;
	}
	s = fz_chance(&p->rng, 70) ? fz_pick_sync(p, f) : NULL;
	if (!s || s->state == SYNC_UNKNOWN)
		return;
	sub->out = s;
	sub->a.out_syncobj = s->handle;
	if ((s->state == SYNC_EMPTY || s->state == SYNC_CHAIN) &&
	    fz_chance(&p->rng, 50))
		sub->a.out_point = s->last_point + 1 + fz_below(&p->rng, 4);
}

/* Break one submit argument: what the kernel must answer. */
static struct fz_expect fz_submit_break(struct fz_proc *p, struct fz_file *f,
					struct fz_submit *sub)
{
	struct drm_potnpu_submit *a = &sub->a;
	unsigned int i;

	switch (fz_below(&p->rng, 20)) {
	case 0:
		a->flags = 1u << fz_below(&p->rng, 32);
		return FZ_FAIL("flags set", EINVAL);
	case 1:
		a->pad = 1u << fz_below(&p->rng, 32);
		return FZ_FAIL("pad set", EINVAL);
	case 2:
		a->cmd_size = fz_chance(&p->rng, 30) ? 0 :
			      a->cmd_size + 1 + fz_below(&p->rng, 3);
		return FZ_FAIL("stream size not a multiple of 4", EINVAL);
	case 3:
		a->cmd_size = 0x10004 + 4 * fz_below(&p->rng, 1000);
		return FZ_FAIL("stream above 64 KiB", EINVAL);
	case 4:
		a->cmd_offset += 1 + fz_below(&p->rng, 3);
		return FZ_FAIL("stream offset misaligned", EINVAL);
	case 5:
		a->cmd_offset = (uint32_t)f->cmd.size - a->cmd_size + 4;
		return FZ_FAIL("stream one word past the BO", EINVAL);
	case 6:
		a->bo_count = fz_chance(&p->rng, 50) ? 0 :
			      DRM_POTNPU_MAX_JOB_BOS + 1;
		return FZ_FAIL("BO count out of range", EINVAL);
	case 7:
		a->in_syncobj_count = DRM_POTNPU_MAX_IN_SYNCOBJS + 1;
		return FZ_FAIL("too many in-syncobjs", EINVAL);
	case 8:
		a->out_syncobj = 0;
		a->out_point = 1 + fz_below(&p->rng, 100);
		return FZ_FAIL("timeline point without a syncobj", EINVAL);
	case 9:
		a->bo_handles = fz_bad_ptr(p);
		return FZ_FAIL("BO handles unmapped", EFAULT);
	case 10:
		a->bo_handles = (uintptr_t)fz_tail(p, 4 * a->bo_count - 1);
		return FZ_FAIL("BO handle array one short", EFAULT);
	case 11:
		sub->handles[fz_below(&p->rng, a->bo_count)] = 0;
		return FZ_FAIL("BO handle 0", EINVAL);
	case 12:
		sub->handles[a->bo_count] = sub->handles[fz_below(&p->rng,
							 a->bo_count)];
		a->bo_count++;
		return FZ_FAIL("BO listed twice", EINVAL);
	case 13:
		if (!f->closed_bo)
			break;
		sub->handles[fz_below(&p->rng, a->bo_count)] = f->closed_bo;
		return FZ_FAIL("closed BO in the list", ENOENT, EINVAL);
	case 14:
		for (i = 0; i < f->nr_bos; i++)
			if (f->bos[i].foreign)
				break;
		if (i == f->nr_bos)
			break;
		if (fz_chance(&p->rng, 50)) {
			sub->handles[a->bo_count++] = f->bos[i].handle;
			return FZ_FAIL("GEM_OPEN handle in the list", ENOENT,
				       EINVAL);
		}
		a->cmd_handle = f->bos[i].handle;
		return FZ_FAIL("GEM_OPEN handle as command BO", ENOENT,
			       EINVAL);
	case 15:
		a->cmd_handle = f->closed_bo ? f->closed_bo : 0;
		return FZ_FAIL("closed command BO", ENOENT);
	case 16:
		if (!f->closed_sync)
			break;
		if (fz_chance(&p->rng, 50)) {
			sub->in[a->in_syncobj_count++] = f->closed_sync;
			return FZ_FAIL("destroyed in-syncobj", ENOENT);
		}
		a->out_syncobj = f->closed_sync;
		a->out_point = 0;
		return FZ_FAIL("destroyed out-syncobj", ENOENT);
	case 17:
		for (i = 0; i < f->nr_syncs; i++)
			if (f->syncs[i].state == SYNC_EMPTY)
				break;
		if (i == f->nr_syncs)
			break;
		sub->in[a->in_syncobj_count++] = f->syncs[i].handle;
		return FZ_FAIL("in-syncobj without a fence", EINVAL);
	case 18:
		if (!sub->out || sub->out->state == SYNC_EMPTY ||
		    sub->out->state == SYNC_UNKNOWN)
			break;
		a->out_point = sub->out->state == SYNC_CHAIN ?
			       sub->out->last_point - fz_below(&p->rng, 2) : 1;
		if (!a->out_point)
			break;
		return FZ_FAIL(sub->out->state == SYNC_CHAIN ?
			       "timeline point that does not grow" :
			       "timeline point on a plain fence", EINVAL);
	default:
		if (a->in_syncobj_count) {
			a->in_syncobjs = fz_bad_ptr(p);
			return FZ_FAIL("in-syncobjs unmapped", EFAULT);
		}
		break;
	}
	return FZ_ANY("mutation did not apply");
}

static struct fz_expect fz_submit_build(struct fz_proc *p, struct fz_file *f,
					struct fz_submit *sub)
{
	bool layers = f->caps & DRM_POTNPU_CAP_MODEL_EXEC;
	struct fz_stream s;
	unsigned int i, mode = fz_below(&p->rng, 10);

	memset(sub, 0, sizeof(*sub));
	if (!fz_stream_build(p, f, &s, layers))
		return FZ_ANY("no BO");
	for (i = 0; i < s.n; i++)
		if ((s.w[i] & 0xff) >= 0x10 && (s.w[i] & 0xff) <= 0x14 &&
		    (s.w[i] >> 16) == 32)
			sub->layers = true;
	if (mode == 0)
		fz_stream_break(p, f, &s);
	else if (mode == 1)
		fz_stream_mutate(p, &s);
	fz_submit_stream(p, f, sub, &s);
	for (i = 0; i < s.nr_bos; i++)
		sub->handles[i] = f->bos[s.bo_idx[i]].handle;
	sub->a.bo_count = s.nr_bos;
	sub->a.bo_handles = (uintptr_t)sub->handles;
	sub->a.in_syncobjs = (uintptr_t)sub->in;
	fz_submit_syncs(p, f, sub);
	if (mode == 0)
		return FZ_FAIL("stream breaks a validator rule", EINVAL);
	if (mode == 1) {
		sub->mutated = true;
		return FZ_ANY("mutated stream");
	}
	if (mode < 5)
		return fz_submit_break(p, f, sub);
	return FZ_OK("valid");
}

/*
 * Errors a submit may meet before it gets to the rule it breaks: the
 * queue limits, a ban, a device without jobs. (The fixed-size checks come
 * before those, so this is lenient for them.)
 */
static struct fz_expect fz_submit_extra(const struct fz_file *f,
					struct fz_expect e)
{
	unsigned int i = 0;

	if (e.kind != EXP_FAIL || !e.err[0])
		return e;
	while (i < 2 && e.err[i])
		i++;
	e.err[i++] = EAGAIN;
	e.err[i++] = ENOMEM;
	if (f->banned)
		e.err[i++] = EIO;
	if (!(f->caps & DRM_POTNPU_CAP_JOBS))
		e.err[i++] = ENODEV;
	return e;
}

static void fz_submit_done(struct fz_proc *p, struct fz_file *f,
			   struct fz_submit *sub)
{
	/* Ids count up per file; other processes submit to a shared one. */
	if (!f->shared && sub->a.job_id != f->last_job + 1)
		fz_fail(p, "SUBMIT: job id %llu after %llu",
			(unsigned long long)sub->a.job_id,
			(unsigned long long)f->last_job);
	f->last_job = sub->a.job_id;
	p->slot->jobs_submitted++;
	if (sub->out && sub->a.out_syncobj == sub->out->handle &&
	    sub->out->state != SYNC_UNKNOWN) {
		sub->out->state = sub->a.out_point ? SYNC_CHAIN : SYNC_PLAIN;
		sub->out->last_point = sub->a.out_point;
	}
	if (f->nr_watch == FZ_MAX_WATCH)
		fz_check_jobs(p, f, false);
	if (f->nr_watch < FZ_MAX_WATCH)
		f->watch[f->nr_watch++] = (struct fz_watch){
			.id = sub->a.job_id,
			.mutated = sub->mutated || sub->layers,
		};
}

/* The last point of a syncobj, as SYNCOBJ_QUERY has it; -errno. */
static long long fz_sync_point(struct fz_proc *p, struct fz_file *f,
			       uint32_t handle)
{
	uint64_t point = 0;
	struct drm_syncobj_timeline_array a = {
		.handles = (uintptr_t)&handle, .points = (uintptr_t)&point,
		.count_handles = 1,
	};
	int err = fz_ioctl(p, OP_SYNCOBJ_QUERY, f->fd, DRM_IOCTL_SYNCOBJ_QUERY,
			   &a, FZ_OK("diagnostic"));

	return err ? -err : (long long)point;
}

void fz_do_submit(struct fz_proc *p, struct fz_file *f)
{
	struct fz_submit sub;
	struct fz_expect e = fz_submit_build(p, f, &sub);
	long long before = 0;
	int err;

	if (!sub.a.cmd_size)
		return;
	if (e.kind == EXP_OK && f->banned)
		e = FZ_FAIL("file banned", EIO);
	if (e.kind == EXP_OK && !(f->caps & DRM_POTNPU_CAP_JOBS))
		e = FZ_FAIL("device runs no jobs", ENODEV);
	e = fz_submit_extra(f, e);
	if (e.kind == EXP_FAIL && sub.out && sub.a.out_point && !f->shared)
		before = fz_sync_point(p, f, sub.out->handle);
	err = fz_ioctl(p, OP_SUBMIT, f->fd, DRM_IOCTL_POTNPU_SUBMIT, &sub.a, e);
	if (!err && e.kind == EXP_FAIL && sub.out && sub.a.out_point &&
	    !f->shared)
		fz_fail(p, "SUBMIT took point %llu on syncobj %u (tracked: state %d, point %llu; kernel's last point before: %lld)",
			(unsigned long long)sub.a.out_point, sub.out->handle,
			sub.out->state, (unsigned long long)sub.out->last_point,
			before);
	if (err == EIO)
		f->banned = true;
	if (err)
		return;
	if (e.kind == EXP_FAIL && sub.out)
		sub.out->state = SYNC_UNKNOWN;
	fz_submit_done(p, f, &sub);
}

/* ---- JOB_STATUS ---- */

/* Statuses a job the validator accepted may end with. */
static bool fz_status_ok(const struct fz_watch *w, uint32_t status)
{
	switch (status) {
	case DRM_POTNPU_JOB_OK:
	case DRM_POTNPU_JOB_CANCELLED:
		return true;
	case DRM_POTNPU_JOB_INVALID:	/* the engine's own operand checks */
	case DRM_POTNPU_JOB_ABORTED:
	case DRM_POTNPU_JOB_TIMEOUT:
		return w->mutated;
	default:
		return false;
	}
}

void fz_do_job_status(struct fz_proc *p, struct fz_file *f)
{
	struct drm_potnpu_job_status st = { .job_id = f->last_job };
	struct fz_expect e = f->last_job ? FZ_OK("last job") :
		FZ_FAIL("no job yet", ENOENT);
	uint64_t asked;
	int err;

	switch (fz_below(&p->rng, 6)) {
	case 0:
		st.job_id = 0;
		e = FZ_FAIL("id 0", ENOENT);
		break;
	case 1:
		st.job_id = f->last_job + 1 + (fz_garbage64(&p->rng) & 0xffffffff);
		e = FZ_FAIL("id not given yet", ENOENT);
		break;
	case 2:
		if (f->last_job > FZ_JOB_RECORDS) {
			st.job_id = f->last_job - FZ_JOB_RECORDS -
				    fz_below(&p->rng, 4);
			e = FZ_FAIL("record recycled", ENOENT);
		}
		break;
	case 3:
		if (f->last_job > 1) {
			uint64_t back = f->last_job < FZ_JOB_RECORDS ?
					f->last_job : FZ_JOB_RECORDS;

			st.job_id = f->last_job - fz_below(&p->rng, back);
		}
		break;
	case 4:
		st.job_id = fz_garbage64(&p->rng);
		st.state = fz_garbage32(&p->rng);
		e = FZ_ANY("garbage id");
		break;
	default:
		break;
	}
	asked = st.job_id;
	err = fz_ioctl(p, OP_JOB_STATUS, f->fd, DRM_IOCTL_POTNPU_JOB_STATUS,
		       &st, e);
	if (!err && (st.job_id != asked || st.state > DRM_POTNPU_JOB_DONE))
		fz_fail(p, "JOB_STATUS %llu answered id %llu state %u",
			(unsigned long long)asked,
			(unsigned long long)st.job_id, st.state);
}

/* One watched job: true when it is settled (done, or its record gone). */
static bool fz_check_job(struct fz_proc *p, struct fz_file *f,
			 const struct fz_watch *w)
{
	struct drm_potnpu_job_status st = { .job_id = w->id };
	int err = fz_ioctl(p, OP_JOB_STATUS, f->fd,
			   DRM_IOCTL_POTNPU_JOB_STATUS, &st,
			   f->last_job - w->id < FZ_JOB_RECORDS ?
			   FZ_OK("watched job") : FZ_ANY("old job"));

	if (err)
		return true;
	if (st.state != DRM_POTNPU_JOB_DONE)
		return false;
	p->slot->jobs_checked++;
	if (!fz_status_ok(w, st.status))
		fz_fail(p, "job %llu (%s stream) accepted by the validator ended with status %#x at offset %u, info %#x, address %#llx",
			(unsigned long long)w->id,
			w->mutated ? "mutated or layer" : "valid", st.status,
			st.err_offset, st.err_info,
			(unsigned long long)st.fault_addr);
	if (st.status == DRM_POTNPU_JOB_MMU_FAULT)
		f->banned = true;
	return true;
}

void fz_check_jobs(struct fz_proc *p, struct fz_file *f, bool all)
{
	int64_t until = fz_now_ns() + FZ_JOB_WAIT_MS * 1000000ll;
	unsigned int i;

	for (;;) {
		for (i = 0; i < f->nr_watch;) {
			if (fz_check_job(p, f, &f->watch[i]))
				f->watch[i] = f->watch[--f->nr_watch];
			else
				i++;
		}
		if (!all || !f->nr_watch)
			return;
		if (fz_now_ns() > until) {
			fz_fail(p, "%u jobs still pending after %d ms",
				f->nr_watch, FZ_JOB_WAIT_MS);
			f->nr_watch = 0;
			return;
		}
		nanosleep(&(struct timespec){ .tv_nsec = 10000000 }, NULL);
	}
}
