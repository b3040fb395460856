// SPDX-License-Identifier: MIT
/*
 * One fuzzing process: its files (up to FZ_MAX_FDS open accel fds, mostly
 * on its home device), the objects it tracks in each, and the loop that
 * picks the next call. Files, BOs, syncobjs and mappings are closed while
 * jobs that use them may still run.
 */
#include <errno.h>
#include <execinfo.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fuzz.h"

/* The command BO of every file: read-only for the device, 64 KiB. */
#define FZ_CMD_BO_SIZE	0x10000

static int fz_cmd_bo(struct fz_proc *p, struct fz_file *f)
{
	struct drm_potnpu_bo_create c = {
		.size = FZ_CMD_BO_SIZE, .flags = DRM_POTNPU_BO_READ_ONLY,
	};
	struct drm_potnpu_bo_info i = { 0 };
	void *map;

	if (fz_ioctl(p, OP_BO_CREATE, f->fd, DRM_IOCTL_POTNPU_BO_CREATE, &c,
		     FZ_OK("command BO")))
		return -1;
	i.handle = c.handle;
	if (fz_ioctl(p, OP_BO_INFO, f->fd, DRM_IOCTL_POTNPU_BO_INFO, &i,
		     FZ_OK("command BO")))
		return -1;
	fz_call_begin(p, OP_MMAP);
	map = mmap(NULL, c.size, PROT_READ | PROT_WRITE, MAP_SHARED, f->fd,
		   i.mmap_offset);
	if (fz_call_end(p, OP_MMAP, map == MAP_FAILED ? errno : 0,
			FZ_OK("command BO")))
		return -1;
	f->cmd = (struct fz_bo){
		.handle = c.handle, .flags = c.flags, .size = c.size,
		.va = c.va, .mmap_offset = i.mmap_offset,
	};
	f->cmd_map = map;
	return 0;
}

/* Capabilities and the command BO of a file just opened or attached. */
static int fz_file_setup(struct fz_proc *p, struct fz_file *f)
{
	struct drm_potnpu_device_info info = { 0 };
	struct drm_potnpu_query q = {
		.param = DRM_POTNPU_QUERY_DEVICE_INFO, .size = sizeof(info),
		.data = (uintptr_t)&info,
	};

	if (fz_ioctl(p, OP_QUERY, f->fd, DRM_IOCTL_POTNPU_QUERY, &q,
		     FZ_OK("device info at open")) || fz_cmd_bo(p, f))
		return -1;
	f->caps = info.capabilities;
	return 0;
}

int fz_file_attach(struct fz_proc *p, struct fz_file *f, int dev)
{
	memset(f, 0, sizeof(*f));
	f->fd = p->shared_fds[dev];
	f->dev = dev;
	f->shared = true;
	if (f->fd < 0 || fz_file_setup(p, f)) {
		f->fd = -1;
		return -1;
	}
	return 0;
}

int fz_file_open(struct fz_proc *p, struct fz_file *f, int dev)
{
	int fd, err;

	memset(f, 0, sizeof(*f));
	f->fd = -1;
	fz_call_begin(p, OP_OPEN);
	fd = open(p->devs[dev].path, O_RDWR | O_CLOEXEC);
	err = fd < 0 ? errno : 0;
	if (fz_call_end(p, OP_OPEN, err, FZ_OK(p->devs[dev].path)))
		return -1;
	f->fd = fd;
	f->dev = dev;
	if (fz_file_setup(p, f)) {
		fz_file_close(p, f);
		return -1;
	}
	return 0;
}

void fz_file_close(struct fz_proc *p, struct fz_file *f)
{
	int err;

	if (f->fd < 0)
		return;
	/* A job or two left watched: settle what is done, drop the rest. */
	fz_check_jobs(p, f, false);
	if (f->cmd_map)
		munmap(f->cmd_map, f->cmd.size);
	fz_call_begin(p, OP_CLOSE);
	err = close(f->fd) ? errno : 0;
	fz_call_end(p, OP_CLOSE, err, FZ_OK("tracked fd"));
	memset(f, 0, sizeof(*f));
	f->fd = -1;
}

struct fz_file *fz_pick_file(struct fz_proc *p)
{
	unsigned int i, start = fz_below(&p->rng, FZ_MAX_FDS);

	for (i = 0; i < FZ_MAX_FDS; i++) {
		struct fz_file *f = &p->files[(start + i) % FZ_MAX_FDS];

		if (f->fd >= 0)
			return f;
	}
	return NULL;
}

/* A tracked BO, an own one (not from GEM_OPEN) if @own; NULL if none. */
struct fz_bo *fz_pick_bo(struct fz_proc *p, struct fz_file *f, bool own)
{
	unsigned int tries;

	if (!f->nr_bos)
		return NULL;
	for (tries = 0; tries < 4; tries++) {
		struct fz_bo *bo = &f->bos[fz_below(&p->rng, f->nr_bos)];

		if (!own || !bo->foreign)
			return bo;
	}
	return NULL;
}

struct fz_sync *fz_pick_sync(struct fz_proc *p, struct fz_file *f)
{
	if (!f->nr_syncs)
		return NULL;
	return &f->syncs[fz_below(&p->rng, f->nr_syncs)];
}

void fz_forget_bo(struct fz_file *f, struct fz_bo *bo)
{
	*bo = f->bos[--f->nr_bos];
}

void fz_forget_sync(struct fz_file *f, struct fz_sync *s)
{
	*s = f->syncs[--f->nr_syncs];
}

/* Mostly the home device: the other processes share it. */
static int fz_pick_dev(struct fz_proc *p)
{
	if (p->nr_devs == 1 || fz_chance(&p->rng, 70))
		return p->home;
	return (int)fz_below(&p->rng, (uint32_t)p->nr_devs);
}

/*
 * A process that opens a file, maps a BO, queues jobs and dies: by
 * _exit() with everything open, or by SIGKILL from this process at some
 * point (the one signal the fuzzer provokes). The kernel tears the file
 * down with jobs queued or running; reaping it is the call the watchdog
 * times.
 */
static void fz_do_exit(struct fz_proc *p)
{
	struct fz_file f;
	unsigned int i, n = 1 + fz_below(&p->rng, 8);
	bool kill_it = fz_chance(&p->rng, 50);
	int64_t delay_us = fz_below(&p->rng, 20000);
	int st, err;
	pid_t pid;

	fflush(stdout);
	fz_call_begin(p, OP_EXIT);
	pid = fork();
	if (pid == 0) {
		/* Its own random stream: the parent's stays as it was. */
		fz_rng_seed(&p->rng, fz_rand(&p->rng) ^ (uint64_t)getpid());
		if (fz_file_open(p, &f, fz_pick_dev(p)))
			_exit(0);
		for (i = 0; i < 3; i++)
			fz_do_bo_create(p, &f);
		fz_do_mmap(p, &f);
		for (i = 0; i < n; i++)
			fz_do_submit(p, &f);
		_exit(p->slot->failures ? 1 : 0);
	}
	if (pid < 0) {
		fz_call_end(p, OP_EXIT, errno, FZ_ANY("fork"));
		return;
	}
	if (kill_it) {
		usleep(delay_us);
		kill(pid, SIGKILL);
	}
	err = waitpid(pid, &st, 0) < 0 ? errno : 0;
	fz_call_end(p, OP_EXIT, err, FZ_OK("reap"));
	if (!err && WIFSIGNALED(st) && WTERMSIG(st) != SIGKILL)
		fz_fail(p, "a process with jobs queued died by signal %d",
			WTERMSIG(st));
}

/* Open a file in a free slot, or close one (jobs may be running). */
static void fz_do_files(struct fz_proc *p)
{
	struct fz_file *f = &p->files[fz_below(&p->rng, FZ_MAX_FDS)];

	if (f->fd < 0) {
		fz_file_open(p, f, fz_pick_dev(p));
		return;
	}
	/* Closing right behind a submit: the job is still queued or running. */
	if (fz_chance(&p->rng, 50))
		fz_do_submit(p, f);
	/* The shared file stays: its fd number must not name another one. */
	if (!f->shared)
		fz_file_close(p, f);
}

typedef void (*fz_gen)(struct fz_proc *p, struct fz_file *f);

struct fz_action {
	fz_gen gen;
	unsigned int weight;
};

static void fz_gen_munmap(struct fz_proc *p, struct fz_file *f)
{
	(void)f;
	fz_do_munmap(p);
}

static void fz_gen_jobs(struct fz_proc *p, struct fz_file *f)
{
	fz_check_jobs(p, f, false);
}

static const struct fz_action fz_actions[] = {
	{ fz_do_query, 4 },
	{ fz_do_bo_create, 10 },
	{ fz_do_bo_info, 6 },
	{ fz_do_gem_close, 5 },
	{ fz_do_flink, 2 },
	{ fz_do_prime, 2 },
	{ fz_do_mmap, 4 },
	{ fz_gen_munmap, 3 },
	{ fz_do_submit, 24 },
	{ fz_do_job_status, 6 },
	{ fz_gen_jobs, 3 },
	{ fz_do_syncobj_create, 6 },
	{ fz_do_syncobj_destroy, 3 },
	{ fz_do_syncobj_wait, 5 },
	{ fz_do_syncobj_signal, 4 },
	{ fz_do_syncobj_transfer, 2 },
	{ fz_do_syncobj_query, 2 },
	{ fz_do_syncobj_fd, 2 },
	{ fz_do_syncobj_eventfd, 2 },
	{ fz_do_version, 2 },
	{ fz_do_refused, 3 },
	{ fz_do_unknown, 2 },
};

#define FZ_NR_ACTIONS	(sizeof(fz_actions) / sizeof(fz_actions[0]))

static void fz_step(struct fz_proc *p)
{
	static unsigned int total;
	struct fz_file *f;
	unsigned int i, r;

	if (!total)
		for (i = 0; i < FZ_NR_ACTIONS; i++)
			total += fz_actions[i].weight;
	f = fz_pick_file(p);
	if (!f || fz_chance(&p->rng, 1)) {
		if (f && fz_chance(&p->rng, 30))
			fz_do_exit(p);
		else
			fz_do_files(p);
		return;
	}
	r = fz_below(&p->rng, total);
	for (i = 0; r >= fz_actions[i].weight; i++)
		r -= fz_actions[i].weight;
	fz_actions[i].gen(p, f);
}

static int fz_guard_init(struct fz_proc *p)
{
	void *m = mmap(NULL, 3 * FZ_PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (m == MAP_FAILED)
		return -1;
	p->guard = m;
	return mprotect(p->guard + FZ_PAGE, 2 * FZ_PAGE, PROT_NONE);
}

static uint64_t fz_calls_made(const struct fz_slot *s)
{
	uint64_t n = 0;
	unsigned int i;

	for (i = 0; i < OP_COUNT; i++)
		n += s->calls[i];
	return n;
}

static struct fz_proc *fz_crashing;

/*
 * The fuzzer provokes no signal: one is a failure, of the kernel (a bad
 * copy to user memory) or of the fuzzer. Say where, then die by it so the
 * parent sees the signal.
 */
static void fz_on_signal(int sig, siginfo_t *si, void *uc)
{
	void *bt[32];
	char msg[160];
	int n;

	(void)uc;
	n = snprintf(msg, sizeof(msg),
		     "# proc %d: signal %d at address %p during %s (call %llu)\n",
		     fz_crashing->index, sig, si->si_addr,
		     fz_op_names[fz_crashing->slot->call_op],
		     (unsigned long long)fz_crashing->slot->call_seq);
	if (write(STDOUT_FILENO, msg, n) < 0)
		_exit(3);
	n = backtrace(bt, 32);
	backtrace_symbols_fd(bt, n, STDOUT_FILENO);
	raise(sig);
}

static void fz_signals_init(struct fz_proc *p)
{
	struct sigaction sa = {
		.sa_sigaction = fz_on_signal,
		.sa_flags = SA_SIGINFO | SA_RESETHAND,
	};

	fz_crashing = p;
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGILL, &sa, NULL);
	sigaction(SIGFPE, &sa, NULL);
	/* A write to a closed pipe end must be an error, not a death. */
	signal(SIGPIPE, SIG_IGN);
}

int fz_child(struct fz_proc *p, uint64_t calls, int64_t deadline_ns)
{
	unsigned int i;

	fz_signals_init(p);

	fz_rng_seed(&p->rng, p->slot->seed);
	for (i = 0; i < FZ_MAX_FDS; i++)
		p->files[i].fd = -1;
	if (fz_guard_init(p)) {
		perror("potnpu-ioctl-fuzz: guard pages");
		return 2;
	}
	/* Other processes may hold all MMU slots for a while. */
	for (i = 0; fz_file_open(p, &p->files[0], p->home); i++) {
		if (i == 100) {
			fz_fail(p, "cannot open %s", p->devs[p->home].path);
			return 1;
		}
		usleep(100000);
	}
	if (p->shared_fds)
		fz_file_attach(p, &p->files[FZ_MAX_FDS - 1], p->home);
	while (fz_calls_made(p->slot) < calls &&
	       (!deadline_ns || fz_now_ns() < deadline_ns))
		fz_step(p);
	for (i = 0; i < FZ_MAX_FDS; i++)
		if (p->files[i].fd >= 0) {
			fz_check_jobs(p, &p->files[i], true);
			fz_file_close(p, &p->files[i]);
		}
	while (p->nr_maps)
		fz_do_munmap(p);
	p->slot->done = 1;
	return p->slot->failures ? 1 : 0;
}
