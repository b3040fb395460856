// SPDX-License-Identifier: MIT
/*
 * potnpu-ioctl-fuzz: fuzz the potnpu accel nodes from inside the guest.
 *
 *   potnpu-ioctl-fuzz [--seed N] [--calls N] [--time S] [--procs N]
 *                     [--devices N] [--watchdog S] [--verbose]
 *
 * --procs processes (default 4) are forked, spread over the devices
 * (default: every /dev/accel/accel* whose driver is potnpu; --devices N
 * takes the first N), each with its own files and a seed derived from
 * --seed. Together they make --calls calls (default 5000), or run for
 * --time seconds, whichever ends first. The parent is the watchdog: a
 * call that has not returned after --watchdog seconds (default 60) is a
 * failure. Then every device must still run real jobs byte for byte, and
 * the kernel log must be clean. Output: TAP, then a summary of calls per
 * ioctl, errors per errno and the call rate. Exit status 0 only if every
 * check passed. docs/reliability.md, "ioctl fuzzer", has the details.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fuzz.h"

struct fz_opts {
	uint64_t seed;
	uint64_t calls;
	unsigned int time_s;
	int procs;
	int devices;
	unsigned int watchdog_s;
	bool verbose;
};

static int tap_n;
static int tap_failed;

static void tap(bool ok, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void tap(bool ok, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ioctl-fuzz: ", ok ? "" : "not ", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (!ok)
		tap_failed++;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: potnpu-ioctl-fuzz [--seed N] [--calls N] [--time S] [--procs N]\n"
		"                         [--devices N] [--watchdog S] [--verbose]\n");
	exit(2);
}

static uint64_t fz_num(const char *opt, const char *s, uint64_t max)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end || end == s || v > max) {
		fprintf(stderr, "potnpu-ioctl-fuzz: bad value '%s' for %s (0..%llu)\n",
			s, opt, (unsigned long long)max);
		exit(2);
	}
	return v;
}

static void fz_parse(int argc, char **argv, struct fz_opts *o)
{
	int i;

	*o = (struct fz_opts){ .seed = 1, .procs = 4, .watchdog_s = 60 };
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--verbose")) {
			o->verbose = true;
			continue;
		}
		if (i + 1 >= argc)
			usage();
		if (!strcmp(a, "--seed"))
			o->seed = fz_num(a, argv[++i], ~0ull);
		else if (!strcmp(a, "--calls"))
			o->calls = fz_num(a, argv[++i], 1ull << 40);
		else if (!strcmp(a, "--time"))
			o->time_s = fz_num(a, argv[++i], 1u << 24);
		else if (!strcmp(a, "--procs"))
			o->procs = fz_num(a, argv[++i], FZ_MAX_PROCS);
		else if (!strcmp(a, "--devices"))
			o->devices = fz_num(a, argv[++i], FZ_MAX_DEVICES);
		else if (!strcmp(a, "--watchdog"))
			o->watchdog_s = fz_num(a, argv[++i], 3600);
		else
			usage();
	}
	if (!o->procs || !o->watchdog_s)
		usage();
	if (!o->calls && !o->time_s)
		o->calls = 5000;
	if (!o->calls)
		o->calls = ~0ull >> 1;
}

/* The potnpu accel nodes, in minor order. */
static int fz_find_devices(struct fz_dev *devs, int max)
{
	int n = 0, minor;

	for (minor = 0; minor < 64 && n < max; minor++) {
		struct drm_potnpu_device_info info = { 0 };
		struct drm_potnpu_query q = {
			.param = DRM_POTNPU_QUERY_DEVICE_INFO,
			.size = sizeof(info), .data = (uintptr_t)&info,
		};
		char name[16] = { 0 };
		struct drm_version v = { .name_len = sizeof(name) - 1,
					 .name = name };
		char path[64];
		int fd;

		snprintf(path, sizeof(path), "/dev/accel/accel%d", minor);
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (!ioctl(fd, DRM_IOCTL_VERSION, &v) && !strcmp(name, "potnpu") &&
		    !ioctl(fd, DRM_IOCTL_POTNPU_QUERY, &q)) {
			snprintf(devs[n].path, sizeof(devs[n].path), "%s", path);
			devs[n++].caps = info.capabilities;
		}
		close(fd);
	}
	return n;
}

/* /dev/kmsg from now on: records after the fuzzing started. */
static int fz_kmsg_open(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd >= 0)
		lseek(fd, 0, SEEK_END);
	return fd;
}

static const char *const fz_bad_log[] = {
	"BUG:", "WARNING:", "KASAN", "UBSAN", "Oops", "general protection",
	"lockdep", "possible circular locking", "possible recursive locking",
	"refcount_t", "blocked for more than", "kernel BUG",
};

/* The number of bad kernel log records; the first few are printed. */
static int fz_kmsg_check(int fd)
{
	char rec[8192];
	int bad = 0;
	unsigned int i;
	ssize_t n;

	if (fd < 0)
		return -1;
	for (;;) {
		n = read(fd, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)
			continue;	/* overwritten records: skip them */
		if (n <= 0)
			break;
		rec[n] = 0;
		for (i = 0; i < sizeof(fz_bad_log) / sizeof(fz_bad_log[0]); i++)
			if (strstr(rec, fz_bad_log[i])) {
				if (bad++ < 20)
					printf("# kernel: %s", strchr(rec, ';') ?
					       strchr(rec, ';') + 1 : rec);
				break;
			}
	}
	return bad;
}

struct fz_run {
	struct fz_opts o;
	struct fz_dev devs[FZ_MAX_DEVICES];
	int nr_devs;
	struct fz_slot *slots;
	int shared_fds[FZ_MAX_DEVICES];
	pid_t pids[FZ_MAX_PROCS];
	int status[FZ_MAX_PROCS];
	bool hung[FZ_MAX_PROCS];
	bool exited[FZ_MAX_PROCS];
};

static void fz_spawn(struct fz_run *r)
{
	int64_t deadline = r->o.time_s ?
		fz_now_ns() + (int64_t)r->o.time_s * 1000000000 : 0;
	uint64_t x = r->o.seed;
	int i;

	/* One file per device that every process uses concurrently. */
	for (i = 0; i < r->nr_devs; i++)
		r->shared_fds[i] = open(r->devs[i].path, O_RDWR);

	for (i = 0; i < r->o.procs; i++) {
		uint64_t share = r->o.calls / r->o.procs +
				 (i < (int)(r->o.calls % r->o.procs));
		pid_t pid;

		r->slots[i].seed = fz_splitmix(&x);
		fflush(stdout);
		pid = fork();
		if (pid == 0) {
			struct fz_proc *p = calloc(1, sizeof(*p));

			if (!p)
				_exit(2);
			p->index = i;
			p->slot = &r->slots[i];
			p->devs = r->devs;
			p->nr_devs = r->nr_devs;
			p->home = i % r->nr_devs;
			p->verbose = r->o.verbose;
			p->shared_fds = r->shared_fds;
			_exit(fz_child(p, share, deadline));
		}
		r->pids[i] = pid;
		r->slots[i].pid = pid;
		if (pid < 0)
			r->exited[i] = true;
	}
	for (i = 0; i < r->nr_devs; i++)
		if (r->shared_fds[i] >= 0)
			close(r->shared_fds[i]);
}

/* Wait for the children; kill one whose call outlives the watchdog. */
static void fz_watch(struct fz_run *r)
{
	int64_t bound = (int64_t)r->o.watchdog_s * 1000000000;
	int left = 0, i;

	for (i = 0; i < r->o.procs; i++)
		left += !r->exited[i];
	while (left) {
		int st;
		pid_t pid = waitpid(-1, &st, WNOHANG);

		for (i = 0; pid > 0 && i < r->o.procs; i++)
			if (r->pids[i] == pid) {
				r->status[i] = st;
				r->exited[i] = true;
				left--;
			}
		if (pid > 0)
			continue;
		for (i = 0; i < r->o.procs; i++) {
			int64_t start = __atomic_load_n(&r->slots[i].call_start,
							__ATOMIC_ACQUIRE);

			if (r->exited[i] || r->hung[i] || !start ||
			    fz_now_ns() - start < bound)
				continue;
			r->hung[i] = true;
			printf("# proc %d (pid %d): %s blocked for more than %u s (call %llu)\n",
			       i, r->pids[i], fz_op_names[r->slots[i].call_op],
			       r->o.watchdog_s,
			       (unsigned long long)r->slots[i].call_seq);
			kill(r->pids[i], SIGKILL);
		}
		usleep(100000);
	}
}

static void fz_child_results(struct fz_run *r)
{
	bool any_hung = false;
	int i;

	for (i = 0; i < r->o.procs; i++) {
		struct fz_slot *s = &r->slots[i];
		int st = r->status[i];
		uint64_t calls = 0;
		unsigned int k;

		for (k = 0; k < OP_COUNT; k++)
			calls += s->calls[k];
		any_hung |= r->hung[i];
		if (r->pids[i] < 0) {
			tap(false, "proc %d: fork failed", i);
			continue;
		}
		tap(WIFEXITED(st) && WEXITSTATUS(st) < 2 && !r->hung[i],
		    "proc %d (seed %llu) ended normally (%s %d)", i,
		    (unsigned long long)s->seed,
		    WIFSIGNALED(st) ? "signal" : "exit",
		    WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
		tap(!s->failures && s->done,
		    "proc %d: %llu calls, %llu jobs (%llu checked), %llu unexpected results",
		    i, (unsigned long long)calls,
		    (unsigned long long)s->jobs_submitted,
		    (unsigned long long)s->jobs_checked,
		    (unsigned long long)s->failures);
	}
	tap(!any_hung, "no call blocked longer than %u s", r->o.watchdog_s);
}

static void fz_summary(const struct fz_run *r, double secs)
{
	uint64_t calls[OP_COUNT] = { 0 }, ok[OP_COUNT] = { 0 };
	uint64_t err[FZ_MAX_ERRNO] = { 0 }, total = 0;
	int i, k;

	for (i = 0; i < r->o.procs; i++) {
		for (k = 0; k < OP_COUNT; k++) {
			calls[k] += r->slots[i].calls[k];
			ok[k] += r->slots[i].ok[k];
		}
		for (k = 0; k < FZ_MAX_ERRNO; k++)
			err[k] += r->slots[i].errnos[k];
	}
	printf("# calls per ioctl (succeeded/made):\n");
	for (k = 0; k < OP_COUNT; k++) {
		total += calls[k];
		printf("#   %-26s %8llu / %llu\n", fz_op_names[k],
		       (unsigned long long)ok[k], (unsigned long long)calls[k]);
	}
	printf("# errors per errno:\n");
	for (k = 1; k < FZ_MAX_ERRNO; k++)
		if (err[k])
			printf("#   %-14s %8llu\n", strerrorname_np(k) ?
			       strerrorname_np(k) : "?",
			       (unsigned long long)err[k]);
	printf("# %llu calls in %.1f s: %.0f calls/s (seed %llu, %d procs, %d devices)\n",
	       (unsigned long long)total, secs, secs > 0 ? total / secs : 0.0,
	       (unsigned long long)r->o.seed, r->o.procs, r->nr_devs);
}

int main(int argc, char **argv)
{
	static struct fz_run r;
	int64_t start;
	char msg[256];
	int kmsg, bad, i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	fz_parse(argc, argv, &r.o);
	r.nr_devs = fz_find_devices(r.devs, FZ_MAX_DEVICES);
	if (r.o.devices && r.o.devices < r.nr_devs)
		r.nr_devs = r.o.devices;
	printf("# potnpu-ioctl-fuzz --seed %llu --calls %llu --time %u --procs %d\n",
	       (unsigned long long)r.o.seed, (unsigned long long)r.o.calls,
	       r.o.time_s, r.o.procs);
	tap(r.nr_devs > 0 && (!r.o.devices || r.nr_devs == r.o.devices),
	    "%d potnpu devices", r.nr_devs);
	if (!r.nr_devs) {
		printf("1..%d\n", tap_n);
		return 1;
	}
	r.slots = mmap(NULL, sizeof(*r.slots) * r.o.procs,
		       PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (r.slots == MAP_FAILED) {
		perror("potnpu-ioctl-fuzz: shared memory");
		return 1;
	}
	kmsg = fz_kmsg_open();
	start = fz_now_ns();
	fz_spawn(&r);
	fz_watch(&r);
	fz_child_results(&r);
	for (i = 0; i < r.nr_devs; i++) {
		int ret = fz_final_jobs(r.devs[i].path, msg, sizeof(msg));

		tap(!ret, "%s after fuzzing: real jobs byte-exact (%s)",
		    r.devs[i].path, msg);
	}
	bad = fz_kmsg_check(kmsg);
	tap(!bad, "kernel log free of BUG/WARNING/KASAN/UBSAN/Oops/lockdep (%d records%s)",
	    bad < 0 ? 0 : bad, bad < 0 ? ": /dev/kmsg unreadable" : "");
	fz_summary(&r, (fz_now_ns() - start) / 1e9);
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}
