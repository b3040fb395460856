// SPDX-License-Identifier: MIT
/*
 * The call wrapper: every call the fuzzer makes goes through here, so that
 * the parent's watchdog sees what is running since when, the counts are
 * kept, and the result is held against what the ABI promises.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>

#include "fuzz.h"

const char *const fz_op_names[OP_COUNT] = {
	[OP_QUERY] = "POTNPU_QUERY",
	[OP_BO_CREATE] = "POTNPU_BO_CREATE",
	[OP_BO_INFO] = "POTNPU_BO_INFO",
	[OP_SUBMIT] = "POTNPU_SUBMIT",
	[OP_JOB_STATUS] = "POTNPU_JOB_STATUS",
	[OP_GEM_CLOSE] = "GEM_CLOSE",
	[OP_GEM_FLINK] = "GEM_FLINK",
	[OP_GEM_OPEN] = "GEM_OPEN",
	[OP_PRIME_HANDLE_TO_FD] = "PRIME_HANDLE_TO_FD",
	[OP_PRIME_FD_TO_HANDLE] = "PRIME_FD_TO_HANDLE",
	[OP_SYNCOBJ_CREATE] = "SYNCOBJ_CREATE",
	[OP_SYNCOBJ_DESTROY] = "SYNCOBJ_DESTROY",
	[OP_SYNCOBJ_WAIT] = "SYNCOBJ_WAIT",
	[OP_SYNCOBJ_TIMELINE_WAIT] = "SYNCOBJ_TIMELINE_WAIT",
	[OP_SYNCOBJ_SIGNAL] = "SYNCOBJ_SIGNAL",
	[OP_SYNCOBJ_TIMELINE_SIGNAL] = "SYNCOBJ_TIMELINE_SIGNAL",
	[OP_SYNCOBJ_RESET] = "SYNCOBJ_RESET",
	[OP_SYNCOBJ_TRANSFER] = "SYNCOBJ_TRANSFER",
	[OP_SYNCOBJ_QUERY] = "SYNCOBJ_QUERY",
	[OP_SYNCOBJ_HANDLE_TO_FD] = "SYNCOBJ_HANDLE_TO_FD",
	[OP_SYNCOBJ_FD_TO_HANDLE] = "SYNCOBJ_FD_TO_HANDLE",
	[OP_SYNCOBJ_EVENTFD] = "SYNCOBJ_EVENTFD",
	[OP_VERSION] = "VERSION",
	[OP_GET_CAP] = "GET_CAP",
	[OP_GET_UNIQUE] = "GET_UNIQUE",
	[OP_REFUSED] = "refused core ioctls",
	[OP_UNKNOWN] = "unknown ioctl numbers",
	[OP_MMAP] = "mmap",
	[OP_MUNMAP] = "munmap",
	[OP_OPEN] = "open",
	[OP_CLOSE] = "close (fd)",
	[OP_EXIT] = "exit with jobs queued",
};

/* Failures printed per process; the rest are only counted. */
#define FZ_MAX_PRINTED	20

int64_t fz_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void fz_fail(struct fz_proc *p, const char *fmt, ...)
{
	va_list ap;

	p->slot->failures++;
	if (p->printed++ >= FZ_MAX_PRINTED)
		return;
	printf("# FAIL proc %d (seed %llu) call %llu: ", p->index,
	       (unsigned long long)p->slot->seed,
	       (unsigned long long)p->slot->call_seq);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

void fz_log(struct fz_proc *p, const char *fmt, ...)
{
	va_list ap;

	if (!p->verbose)
		return;
	printf("# [%d] ", p->index);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

void fz_call_begin(struct fz_proc *p, enum fz_op op)
{
	p->slot->call_op = op;
	p->slot->call_seq++;
	__atomic_store_n(&p->slot->call_start, fz_now_ns(), __ATOMIC_RELEASE);
}

/*
 * Resource errors a valid call may always meet; an open also EBUSY, when
 * the device's 16 MMU slots are taken (docs/driver.md).
 */
static bool fz_resource_errno(enum fz_op op, int err)
{
	return err == ENOMEM || err == ENOSPC || err == EAGAIN ||
	       err == EMFILE || err == ENFILE || err == EINTR ||
	       (op == OP_OPEN && err == EBUSY);
}

static bool fz_listed(const struct fz_expect *e, int err)
{
	unsigned int i;

	for (i = 0; i < sizeof(e->err) / sizeof(e->err[0]) && e->err[i]; i++)
		if (e->err[i] == err)
			return true;
	return false;
}

int fz_call_end(struct fz_proc *p, enum fz_op op, int err,
		struct fz_expect e)
{
	__atomic_store_n(&p->slot->call_start, 0, __ATOMIC_RELEASE);
	p->slot->calls[op]++;
	if (!err)
		p->slot->ok[op]++;
	else
		p->slot->errnos[err < FZ_MAX_ERRNO ? err : 0]++;
	fz_log(p, "%s (%s): %s", fz_op_names[op], e.why ? e.why : "-",
	       err ? strerror(err) : "ok");

	switch (e.kind) {
	case EXP_ANY:
		break;
	case EXP_OK:
		if (err && !fz_resource_errno(op, err))
			fz_fail(p, "%s (%s): valid call failed: %s",
				fz_op_names[op], e.why, strerror(err));
		break;
	case EXP_FAIL:
		if (!err)
			fz_fail(p, "%s (%s): succeeded, the ABI says it must fail",
				fz_op_names[op], e.why);
		else if (e.err[0] && !fz_listed(&e, err))
			fz_fail(p, "%s (%s): failed with %s, expected %s",
				fz_op_names[op], e.why, strerror(err),
				strerror(e.err[0]));
		break;
	}
	return err;
}

struct fz_expect fz_on_fd(const struct fz_proc *p, int fd, struct fz_expect e)
{
	int i;

	for (i = 0; p->shared_fds && i < p->nr_devs; i++)
		if (fd == p->shared_fds[i])
			e.kind = EXP_ANY;
	return e;
}

int fz_ioctl(struct fz_proc *p, enum fz_op op, int fd, unsigned long cmd,
	     void *arg, struct fz_expect e)
{
	int ret, err;

	e = fz_on_fd(p, fd, e);
	fz_call_begin(p, op);
	ret = ioctl(fd, cmd, arg);
	err = ret ? errno : 0;
	return fz_call_end(p, op, err, e);
}

/* Pointers no process can have mapped: the guard page, NULL, the kernel. */
uint64_t fz_bad_ptr(struct fz_proc *p)
{
	switch (fz_below(&p->rng, 5)) {
	case 0:
		return 0;
	case 1:
		return (uintptr_t)fz_unmapped(p) + fz_below(&p->rng, FZ_PAGE);
	case 2:
		return 0xffff888000000000ull + (fz_rand(&p->rng) & 0xfffffff8);
	case 3:
		return 0x8000000000000000ull;	/* not canonical */
	default:
		return 8;	/* the zero page */
	}
}
