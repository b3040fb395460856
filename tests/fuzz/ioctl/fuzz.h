/* SPDX-License-Identifier: MIT */
/*
 * potnpu-ioctl-fuzz: an ioctl fuzzer for the potnpu accel nodes that runs
 * inside the guest. Shared declarations: the PRNG, the per-process object
 * tracker, the call wrapper with its oracle, the statistics the children
 * keep in memory shared with the parent.
 */
#ifndef POTNPU_IOCTL_FUZZ_H
#define POTNPU_IOCTL_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <drm.h>

#include "potnpu_accel.h"

/* DRM core pieces newer than the libdrm headers the guest tools build with. */
#ifndef DRM_IOCTL_SYNCOBJ_EVENTFD
struct drm_syncobj_eventfd {
	__u32 handle;
	__u32 flags;
	__u64 point;
	__s32 fd;
	__u32 pad;
};
#define DRM_IOCTL_SYNCOBJ_EVENTFD DRM_IOWR(0xCF, struct drm_syncobj_eventfd)
#endif
#define FZ_NR_CLOSEFB		0xD0
/* What potnpu_drv.c allows per syncobj array ioctl. */
#define FZ_MAX_SYNCOBJ_HANDLES	4096

/* Everything the fuzzer counts calls of: ioctls and the memory calls. */
enum fz_op {
	OP_QUERY,
	OP_BO_CREATE,
	OP_BO_INFO,
	OP_SUBMIT,
	OP_JOB_STATUS,
	OP_GEM_CLOSE,
	OP_GEM_FLINK,
	OP_GEM_OPEN,
	OP_PRIME_HANDLE_TO_FD,
	OP_PRIME_FD_TO_HANDLE,
	OP_SYNCOBJ_CREATE,
	OP_SYNCOBJ_DESTROY,
	OP_SYNCOBJ_WAIT,
	OP_SYNCOBJ_TIMELINE_WAIT,
	OP_SYNCOBJ_SIGNAL,
	OP_SYNCOBJ_TIMELINE_SIGNAL,
	OP_SYNCOBJ_RESET,
	OP_SYNCOBJ_TRANSFER,
	OP_SYNCOBJ_QUERY,
	OP_SYNCOBJ_HANDLE_TO_FD,
	OP_SYNCOBJ_FD_TO_HANDLE,
	OP_SYNCOBJ_EVENTFD,
	OP_VERSION,
	OP_GET_CAP,
	OP_GET_UNIQUE,
	OP_REFUSED,	/* other DRM core ioctls an accel node refuses */
	OP_UNKNOWN,	/* numbers no ioctl has */
	OP_MMAP,
	OP_MUNMAP,
	OP_OPEN,
	OP_CLOSE,
	OP_EXIT,	/* a process that dies with jobs queued, reaped */
	OP_COUNT
};

extern const char *const fz_op_names[OP_COUNT];

#define FZ_MAX_ERRNO		256
#define FZ_MAX_PROCS		64
#define FZ_MAX_DEVICES		16

/* One child's numbers and heartbeat, in memory shared with the parent. */
struct fz_slot {
	pid_t pid;
	uint64_t seed;
	/* CLOCK_MONOTONIC ns when the current call started, 0 between calls. */
	volatile int64_t call_start;
	volatile int call_op;
	volatile uint64_t call_seq;
	uint64_t calls[OP_COUNT];
	uint64_t ok[OP_COUNT];
	uint64_t errnos[FZ_MAX_ERRNO];
	uint64_t failures;
	uint64_t jobs_submitted;
	uint64_t jobs_checked;
	volatile int done;
};

/* PRNG: xorshift64*, seeded through splitmix64. */
struct fz_rng {
	uint64_t s;
};

uint64_t fz_splitmix(uint64_t *x);
void fz_rng_seed(struct fz_rng *r, uint64_t seed);
uint64_t fz_rand(struct fz_rng *r);
/* Uniform in 0..n-1 (n >= 1). */
uint32_t fz_below(struct fz_rng *r, uint32_t n);
/* True with probability pct / 100. */
bool fz_chance(struct fz_rng *r, unsigned int pct);
/* Mostly small, sometimes interesting, sometimes random 64-bit values. */
uint64_t fz_garbage64(struct fz_rng *r);
uint32_t fz_garbage32(struct fz_rng *r);

/* ---- tracked objects of one process ---- */

#define FZ_MAX_FDS		4
#define FZ_MAX_BOS		32
#define FZ_MAX_SYNCOBJS		16
#define FZ_MAX_MAPS		16
#define FZ_JOB_RECORDS		256	/* the kernel keeps this many per file */
#define FZ_MAX_WATCH		32

/* What a syncobj holds, as far as this process knows. */
enum fz_sync_state {
	SYNC_UNKNOWN,	/* shared with another handle, or after TRANSFER */
	SYNC_EMPTY,	/* no fence */
	SYNC_PLAIN,	/* a plain (binary) fence */
	SYNC_CHAIN,	/* a timeline: last_point is its highest point */
};

struct fz_bo {
	uint32_t handle;
	bool foreign;	/* opened through GEM_OPEN: CPU access only */
	uint32_t flags;
	uint64_t size;
	uint64_t va;
	uint64_t mmap_offset;
};

struct fz_sync {
	uint32_t handle;
	enum fz_sync_state state;
	uint64_t last_point;
};

struct fz_map {
	uint8_t *addr;
	size_t len;
};

/* A job whose outcome the process checks when it is done. */
struct fz_watch {
	uint64_t id;
	bool mutated;
};

struct fz_file {
	int fd;		/* -1: slot free */
	/* A read-only BO for command streams, mapped, never fuzz-closed. */
	struct fz_bo cmd;
	uint32_t *cmd_map;
	int dev;
	uint64_t caps;
	bool banned;	/* a job of this file faulted: submits are EIO */
	struct fz_bo bos[FZ_MAX_BOS];
	unsigned int nr_bos;
	struct fz_sync syncs[FZ_MAX_SYNCOBJS];
	unsigned int nr_syncs;
	uint64_t last_job;	/* highest job id this file returned */
	struct fz_watch watch[FZ_MAX_WATCH];
	unsigned int nr_watch;
	uint32_t closed_bo;	/* a handle this file closed, 0 if none */
	uint32_t closed_sync;
	/*
	 * Opened by the parent before the fork: every process uses it at
	 * once, so nothing about its handles is certain (the oracle makes no
	 * claim) but what jobs must never do.
	 */
	bool shared;
};

struct fz_dev {
	char path[64];
	uint64_t caps;
};

/* One fuzzing process. */
struct fz_proc {
	int index;
	struct fz_rng rng;
	struct fz_slot *slot;
	const struct fz_dev *devs;
	int nr_devs;
	int home;		/* device this process mostly uses */
	/* The parent's files, one per device, shared by every process. */
	const int *shared_fds;
	bool verbose;
	struct fz_file files[FZ_MAX_FDS];
	struct fz_map maps[FZ_MAX_MAPS];
	unsigned int nr_maps;
	/* A RW page followed by two PROT_NONE pages: short buffers, EFAULT. */
	uint8_t *guard;
	/* Scratch for argument arrays and answers. */
	uint8_t scratch[8192];
	unsigned int printed;
};

/* The page after the RW page of fz_proc.guard: never mapped. */
#define FZ_PAGE			4096u
static inline uint8_t *fz_unmapped(struct fz_proc *p)
{
	return p->guard + FZ_PAGE;
}

/* @n bytes that end right where the unmapped page starts. */
static inline void *fz_tail(struct fz_proc *p, size_t n)
{
	return p->guard + FZ_PAGE - n;
}

/* A pointer the kernel must refuse with EFAULT (certain). */
uint64_t fz_bad_ptr(struct fz_proc *p);

/* ---- the call wrapper and the oracle ---- */

enum fz_kind {
	EXP_ANY,	/* no claim */
	EXP_OK,		/* must succeed, short of resource errors */
	EXP_FAIL,	/* must fail, with one of err[] if any is listed */
};

struct fz_expect {
	enum fz_kind kind;
	int err[6];	/* 0-terminated */
	const char *why;
};

#define FZ_ANY(w)		((struct fz_expect){ .kind = EXP_ANY, .why = (w) })
#define FZ_OK(w)		((struct fz_expect){ .kind = EXP_OK, .why = (w) })
#define FZ_FAIL(w, ...)		((struct fz_expect){ .kind = EXP_FAIL, \
					.err = { __VA_ARGS__ }, .why = (w) })

/*
 * ioctl(@fd, @cmd, @arg) with the heartbeat the parent's watchdog reads,
 * counted under @op and checked against @e. Return: 0 or the errno.
 */
int fz_ioctl(struct fz_proc *p, enum fz_op op, int fd, unsigned long cmd,
	     void *arg, struct fz_expect e);
/* @e, or no claim at all when @fd is a file every process shares. */
struct fz_expect fz_on_fd(const struct fz_proc *p, int fd, struct fz_expect e);
/* Start and end of a non-ioctl call, for the watchdog and the counts. */
void fz_call_begin(struct fz_proc *p, enum fz_op op);
int fz_call_end(struct fz_proc *p, enum fz_op op, int err,
		struct fz_expect e);
/* An oracle failure: printed (the first few) and counted. */
void fz_fail(struct fz_proc *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void fz_log(struct fz_proc *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int64_t fz_now_ns(void);

/* ---- the generators ---- */

/* Open a file on a device: 0 or -1. */
int fz_file_open(struct fz_proc *p, struct fz_file *f, int dev);
/* Take the shared file of a device into slot @f: 0 or -1. */
int fz_file_attach(struct fz_proc *p, struct fz_file *f, int dev);
void fz_file_close(struct fz_proc *p, struct fz_file *f);
struct fz_file *fz_pick_file(struct fz_proc *p);
struct fz_bo *fz_pick_bo(struct fz_proc *p, struct fz_file *f, bool own);
struct fz_sync *fz_pick_sync(struct fz_proc *p, struct fz_file *f);
void fz_forget_bo(struct fz_file *f, struct fz_bo *bo);
void fz_forget_sync(struct fz_file *f, struct fz_sync *s);

void fz_do_query(struct fz_proc *p, struct fz_file *f);
void fz_do_bo_create(struct fz_proc *p, struct fz_file *f);
void fz_do_bo_info(struct fz_proc *p, struct fz_file *f);
void fz_do_gem_close(struct fz_proc *p, struct fz_file *f);
void fz_do_flink(struct fz_proc *p, struct fz_file *f);
void fz_do_prime(struct fz_proc *p, struct fz_file *f);
void fz_do_mmap(struct fz_proc *p, struct fz_file *f);
void fz_do_munmap(struct fz_proc *p);
void fz_do_submit(struct fz_proc *p, struct fz_file *f);
void fz_do_job_status(struct fz_proc *p, struct fz_file *f);
/* Check the watched jobs of @f that are done; @all waits for the rest. */
void fz_check_jobs(struct fz_proc *p, struct fz_file *f, bool all);

void fz_do_syncobj_create(struct fz_proc *p, struct fz_file *f);
void fz_do_syncobj_destroy(struct fz_proc *p, struct fz_file *f);
void fz_do_syncobj_wait(struct fz_proc *p, struct fz_file *f);
void fz_do_syncobj_signal(struct fz_proc *p, struct fz_file *f);
void fz_do_syncobj_transfer(struct fz_proc *p, struct fz_file *f);
void fz_do_syncobj_query(struct fz_proc *p, struct fz_file *f);
void fz_do_syncobj_fd(struct fz_proc *p, struct fz_file *f);
void fz_do_syncobj_eventfd(struct fz_proc *p, struct fz_file *f);

void fz_do_version(struct fz_proc *p, struct fz_file *f);
void fz_do_refused(struct fz_proc *p, struct fz_file *f);
void fz_do_unknown(struct fz_proc *p, struct fz_file *f);

/* ---- command streams ---- */

struct fz_stream {
	uint32_t w[512];
	uint32_t n;
	/* The BOs the commands touch (indices into the file's bos). */
	unsigned int bo_idx[8];
	unsigned int nr_bos;
};

/*
 * A valid stream over BOs of @f (writes only to writable ones); layer
 * commands when @layers. Return: false when @f has no usable BO.
 */
bool fz_stream_build(struct fz_proc *p, struct fz_file *f,
		     struct fz_stream *s, bool layers);
/* Break one rule the validator must catch: the stream must be refused. */
void fz_stream_break(struct fz_proc *p, struct fz_file *f,
		     struct fz_stream *s);
/* Flip, replace or shift a few words: no claim about the outcome. */
void fz_stream_mutate(struct fz_proc *p, struct fz_stream *s);

/* ---- the run ---- */

/* One child's whole life: returns its exit status. */
int fz_child(struct fz_proc *p, uint64_t calls, int64_t deadline_ns);

/* After the children: real jobs on device @path, byte for byte. 0 or -1. */
int fz_final_jobs(const char *path, char *msg, size_t len);

#endif /* POTNPU_IOCTL_FUZZ_H */
