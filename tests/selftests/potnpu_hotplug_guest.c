// SPDX-License-Identifier: GPL-2.0
/*
 * potnpu hot-unplug test, guest side; tests/hotplug/run-hotplug.py is the
 * host side, which removes and adds back the device (QMP device_del and
 * device_add) when this program asks for it on stdout (the results port):
 *
 *   potnpu-hotplug: unplug	jobs run, files are open: remove the device
 *   potnpu-hotplug: plug	the device is gone: add it back
 *
 * The guest has one potnpu on pcie.0 (the "other" device, never removed)
 * and one behind a pcie-root-port (the "victim"). For each cycle, while a
 * process keeps jobs queued on the victim, this one holds another file
 * with mapped BOs, its debugfs "stats" open and a chain of long jobs, and
 * a job on the other device waits for that chain: the guest kernel
 * removes the device (pciehp or ACPI hotplug, then the driver's remove).
 * The busy process's calls fail with ENODEV (never hang, never crash:
 * every wait is bounded), its fences signal, its mappings stay readable,
 * its file closes; the idle file's ioctls and new mmaps fail, its old
 * mappings hold the last bytes, the held debugfs file reads EIO; the
 * other device's dependent job runs; no node, driver binding or debugfs
 * directory of the device is left. Every second cycle, recoveries are
 * forced on the victim in a loop while it goes. The device added back
 * probes and runs jobs that are checked byte by byte. All the while a
 * checker process runs jobs on the other device and checks each of them.
 * At the end the module unloads (nothing leaked a reference) and loads
 * again, and the kernel log holds no warning.
 *
 * Not a kselftest: this name does not match potnpu_*_test, so
 * tests/guest/run-tests.sh does not run it. Output is TAP.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "potnpu_job.h"
#include "potnpu_job_util.h"
#include "potnpu_test_util.h"

#define CYCLES_DEFAULT	2
#define GONE_TIMEOUT_S	90
#define BACK_TIMEOUT_S	90
#define CHILD_TIMEOUT_S	60
#define QUEUE		4

static int tap_n;
static int tap_failed;

static void tap(bool ok, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void tap(bool ok, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", ok ? "" : "not ", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!ok)
		tap_failed++;
}

static double now_s(void)
{
	return now_ns() / 1e9;
}

/* PCI address of accel node @index into @addr, and its bus: bus or -1. */
static int node_addr(int index, char *addr, size_t size)
{
	char link[64], target[256];
	unsigned int dom, bus, dev, fn;
	const char *name;
	ssize_t n;

	snprintf(link, sizeof(link), "/sys/class/accel/accel%d/device", index);
	n = readlink(link, target, sizeof(target) - 1);
	if (n <= 0)
		return -1;
	target[n] = 0;
	name = strrchr(target, '/');
	name = name ? name + 1 : target;
	if (strlen(name) >= size ||
	    sscanf(name, "%x:%x:%x.%x", &dom, &bus, &dev, &fn) != 4)
		return -1;
	memcpy(addr, name, strlen(name) + 1);
	return (int)bus;
}

/*
 * The first potnpu node on bus 0 (@on_root) or on another bus (behind a
 * root port): its index, its PCI address in @addr; -1 if none.
 */
static int find_node(bool on_root, char *addr, size_t size)
{
	int i = 0, fd, index, bus;

	while ((fd = potnpu_open_node(i, &index)) >= 0) {
		close(fd);
		bus = node_addr(index, addr, size);
		if (bus >= 0 && (bus == 0) == on_root)
			return index;
		i = index + 1;
	}
	return -1;
}

static int open_index(int index)
{
	char path[64];

	snprintf(path, sizeof(path), "/dev/accel/accel%d", index);
	return open(path, O_RDWR | O_CLOEXEC);
}

static bool jobs_ready(int fd)
{
	struct drm_potnpu_device_info info;

	return !potnpu_query_info(fd, &info) &&
	       (info.capabilities & DRM_POTNPU_CAP_JOBS);
}

static bool path_exists(const char *fmt, const char *arg)
{
	char path[256];
	struct stat st;

	snprintf(path, sizeof(path), fmt, arg);
	return stat(path, &st) == 0;
}

/* A fill of @n bytes with @pattern, as the device writes it. */
static bool filled(const uint8_t *p, size_t n, uint32_t pattern)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != (uint8_t)(pattern >> 8 * (i % 4)))
			return false;
	return true;
}

/* Read every byte of a mapping: a removed device must not make it fault. */
static unsigned int touch(const struct bo *bo)
{
	const volatile uint8_t *p = bo->map;
	unsigned int sum = 0;
	uint64_t i;

	for (i = 0; i < bo->size; i += 512)
		sum += p[i];
	return sum;
}

/* A long job (two fills of @big) on syncobj @sync: 0 or errno; its id. */
static int submit_long(int fd, struct bo *cmd, uint32_t off, struct bo *big,
		       uint32_t sync, uint64_t *id)
{
	struct stream s = { (uint32_t *)(cmd->map + off), 0 };
	struct submit sub;
	int k, err;

	for (k = 0; k < 2; k++)
		cmd_fill(&s, big->va, big->size, 0x01010101u * (k + 1));
	submit_init(&sub, cmd, s.n * 4);
	sub.args.cmd_offset = off;
	submit_bo(&sub, big);
	sub.args.out_syncobj = sync;
	err = submit(fd, &sub);
	*id = sub.args.job_id;
	return err;
}

/* The fence of syncobj @sync as a sync_file: its fd, or -errno. */
static int fence_fd(int fd, uint32_t sync)
{
	struct drm_syncobj_handle h = {
		.handle = sync,
		.flags = DRM_SYNCOBJ_HANDLE_TO_FD_FLAGS_EXPORT_SYNC_FILE,
		.fd = -1,
	};

	return ioctl(fd, DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD, &h) ? -errno : h.fd;
}

/* A sync_file's fence not signalled yet. */
static bool fence_pending(int sfd)
{
	struct pollfd p = { .fd = sfd, .events = POLLIN };

	return poll(&p, 1, 0) == 0;
}

/* Wait for a sync_file to signal, 20 s at most; closes it. 0 or -1. */
static int fence_wait(int sfd)
{
	struct pollfd p = { .fd = sfd, .events = POLLIN };
	int n = poll(&p, 1, 20000);

	close(sfd);
	return n == 1 ? 0 : -1;
}

/*
 * Wait for the @n jobs of a round through sync_files taken at submit
 * (@sfd; -ENODEV where the export found the device gone), which need no
 * ioctl of the device: 0 when all completed OK; ENODEV when the device
 * went away (an export or a status refused); ECANCELED when a recovery
 * cancelled some of them; -1 when a fence did not signal in time or a job
 * failed otherwise.
 */
static int busy_round_wait(int fd, const int *sfd, const uint64_t *id, int n)
{
	struct drm_potnpu_job_status st;
	int k, err, gone = 0, bad = 0, cancelled = 0;

	for (k = 0; k < n; k++) {
		if (sfd[k] == -ENODEV) {
			gone = 1;
			continue;
		}
		if (sfd[k] < 0 || fence_wait(sfd[k])) {
			fprintf(stderr, "# busy: fence of job %d not signalled\n", k);
			bad = 1;
			continue;
		}
		err = job_status(fd, id[k], &st);
		if (err == ENODEV) {
			gone = 1;
		} else if (!err && st.status == DRM_POTNPU_JOB_CANCELLED) {
			cancelled = 1;
		} else if (err || st.status != DRM_POTNPU_JOB_OK) {
			fprintf(stderr, "# busy: job %d: %s, status %u\n", k,
				strerror(err), st.status);
			bad = 1;
		}
	}
	return bad ? -1 : gone ? ENODEV : cancelled ? ECANCELED : 0;
}

/*
 * The victim's busy process: QUEUE long jobs at a time, checked, until a
 * call fails. Writes one byte to @ready after the first round. Rounds a
 * recovery cancelled jobs of are not checked. The first failure must be
 * ENODEV (a submit, a fence export or a job status); then the file's
 * other calls fail the same way, its mappings read, unmap and close. Exit
 * status: 0, or the step that went wrong.
 */
static int busy_worker(int index, int ready)
{
	struct drm_potnpu_device_info info;
	uint32_t sync[QUEUE];
	uint64_t id[QUEUE];
	int sfd[QUEUE];
	struct bo cmd, big, extra;
	unsigned int rounds = 0, cancelled = 0;
	int fd = open_index(index), err = 0, k, n;
	const char *how = "submit";

	if (fd < 0 || bo_new(fd, 4096, DRM_POTNPU_BO_READ_ONLY, &cmd) ||
	    bo_new(fd, 4 << 20, 0, &big))
		return 10;
	for (k = 0; k < QUEUE; k++) {
		sync[k] = syncobj_new(fd);
		if (!sync[k])
			return 10;
	}
	while (!err) {
		for (n = 0; n < QUEUE && !err; n++) {
			err = submit_long(fd, &cmd, n * 256, &big, sync[n], &id[n]);
			if (!err)
				sfd[n] = fence_fd(fd, sync[n]);
		}
		if (err)
			n--;	/* the failed submit queued nothing */
		/* Jobs already queued must signal, whatever happened. */
		k = busy_round_wait(fd, sfd, id, n);
		if (k < 0)
			return 11;
		if (!err && k == ENODEV) {
			err = k;
			how = "fence export or job status";
		}
		if (!err && k == ECANCELED) {
			cancelled++;
			continue;
		}
		if (!err && !filled(big.map, big.size, 0x02020202u)) {
			/* A round that completed whole must be right. */
			fprintf(stderr, "# busy: round %u: wrong bytes\n", rounds);
			return 13;
		}
		if (!err && rounds++ == 0 && write(ready, "r", 1) != 1)
			return 12;
	}
	if (err != ENODEV) {
		fprintf(stderr, "# busy: first error %s, not ENODEV\n",
			strerror(err));
		return 14;
	}
	if (potnpu_query_info(fd, &info) != ENODEV)
		return 15;
	if (bo_new(fd, 4096, 0, &extra) != ENODEV)
		return 16;
	touch(&cmd);
	touch(&big);
	bo_unmap(&cmd);
	bo_unmap(&big);
	if (close(fd))
		return 17;
	printf("# busy: %u rounds of %d jobs checked (%u more cut by recoveries) before the unplug, then ENODEV (%s)\n",
	       rounds, QUEUE, cancelled, how);
	fflush(stdout);
	return 0;
}

/* Wait up to @timeout_s for @pid: its exit status, -1 killed or timed out. */
static int wait_child(pid_t pid, int timeout_s)
{
	double end = now_s() + timeout_s;
	int status;

	while (waitpid(pid, &status, WNOHANG) == 0) {
		if (now_s() > end) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			fprintf(stderr, "# pid %d still running after %d s\n",
				pid, timeout_s);
			return -1;
		}
		usleep(20000);
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void say(const char *what)
{
	printf("potnpu-hotplug: %s\n", what);
	fflush(stdout);
}

/*
 * The file kept open over the unplug: a checked job done, BOs mapped, the
 * device's debugfs "stats" held open, and a chain of long jobs queued
 * that is still running when the device goes.
 */
struct idle {
	int fd;
	struct checked c;
	struct bo big;
	uint64_t dst_offset;	/* mmap offset of c.dst */
	int debugfs;
	uint32_t last;		/* syncobj: the chain's last job */
};

#define CHAIN	8

static int idle_open(int index, const char *addr, struct idle *w)
{
	struct drm_potnpu_bo_info bi = {};
	char path[256];

	w->debugfs = -1;
	w->fd = open_index(index);
	if (w->fd < 0 || checked_init(w->fd, &w->c) ||
	    checked_job(w->fd, &w->c, 1) ||
	    bo_new(w->fd, 16 << 20, 0, &w->big))
		return -1;
	bi.handle = w->c.dst.handle;
	if (ioctl(w->fd, DRM_IOCTL_POTNPU_BO_INFO, &bi))
		return -1;
	w->dst_offset = bi.mmap_offset;
	snprintf(path, sizeof(path), "/sys/kernel/debug/accel/%s/stats", addr);
	w->debugfs = open(path, O_RDONLY | O_CLOEXEC);
	w->last = syncobj_new(w->fd);
	if (w->debugfs < 0 || !w->last)
		return -1;
	return 0;
}

/* The chain of long jobs, queued just before the unplug request. */
static int idle_chain(struct idle *w)
{
	uint64_t id;
	int k;

	for (k = 0; k < CHAIN; k++)
		if (submit_long(w->fd, &w->c.cmd, 1024 + k * 256, &w->big,
				w->last, &id))
			return -1;
	return 0;
}

/*
 * The idle file after the unplug: its ioctls ENODEV; the BO mapped before
 * still holds the last job's bytes, and mapping it again either works
 * (same bytes) or fails cleanly; the debugfs file held open reads
 * nothing of the freed device; everything closes.
 */
static bool idle_after(struct idle *w, char *how, size_t size)
{
	struct drm_potnpu_device_info info;
	struct bo extra;
	char buf[256];
	bool ok = true;
	int map_err;
	ssize_t n;
	void *p;

	ok &= potnpu_query_info(w->fd, &info) == ENODEV;
	ok &= bo_new(w->fd, 4096, 0, &extra) == ENODEV;
	ok &= checked_job(w->fd, &w->c, 2) == ENODEV;
	ok &= memcmp(w->c.dst.map, w->c.model, w->c.dst.size) == 0;
	touch(&w->big);
	p = mmap(NULL, w->c.dst.size, PROT_READ, MAP_SHARED, w->fd,
		 w->dst_offset);
	map_err = p == MAP_FAILED ? errno : 0;
	if (p != MAP_FAILED) {
		ok &= memcmp(p, w->c.model, w->c.dst.size) == 0;
		munmap(p, w->c.dst.size);
	}
	n = read(w->debugfs, buf, sizeof(buf));
	snprintf(how, size, "new mmap %s, debugfs read %s",
		 map_err ? strerror(map_err) : "same bytes",
		 n < 0 ? strerror(errno) : n ? "data" : "EOF");
	ok &= close(w->debugfs) == 0;
	checked_fini(&w->c);
	bo_unmap(&w->big);
	ok &= close(w->fd) == 0;
	return ok;
}

/* A job on the other device waiting for the fence of the idle chain. */
struct cross {
	int fd;
	struct checked c;
	uint32_t in;
	uint64_t id;
	int sfd;	/* the awaited fence, as a sync_file */
	bool pending;	/* it was not signalled yet at the unplug request */
};

#define CROSS_PATTERN	0xc0ffee11u

static int cross_submit(int other, struct idle *w, struct cross *x)
{
	struct drm_syncobj_handle imp = {
		.flags = DRM_SYNCOBJ_FD_TO_HANDLE_FLAGS_IMPORT_SYNC_FILE,
	};
	struct stream s;
	struct submit sub;
	int err;

	x->fd = open_index(other);
	if (x->fd < 0 || checked_init(x->fd, &x->c))
		return -1;
	x->in = syncobj_new(x->fd);
	imp.fd = fence_fd(w->fd, w->last);
	if (!x->in || imp.fd < 0)
		return -1;
	imp.handle = x->in;
	err = ioctl(x->fd, DRM_IOCTL_SYNCOBJ_FD_TO_HANDLE, &imp);
	x->sfd = imp.fd;
	if (err)
		return -1;
	s = (struct stream){ (uint32_t *)x->c.cmd.map, 0 };
	cmd_fill(&s, x->c.dst.va, 4096, CROSS_PATTERN);
	submit_init(&sub, &x->c.cmd, s.n * 4);
	submit_bo(&sub, &x->c.dst);
	sub.in[sub.args.in_syncobj_count++] = x->in;
	sub.args.out_syncobj = x->c.sync;
	if (submit(x->fd, &sub))
		return -1;
	x->id = sub.args.job_id;
	return 0;
}

/*
 * After the unplug: the dependent job's fence signals (the removed
 * device's fence did), and the job either ran, with the right bytes, or
 * was cancelled.
 */
static bool cross_after(struct cross *x, const char **how)
{
	struct drm_potnpu_job_status st;
	bool ok = !syncobj_wait(x->fd, x->c.sync, 0) &&
		  !job_status(x->fd, x->id, &st) &&
		  st.state == DRM_POTNPU_JOB_DONE;

	*how = "did not complete";
	if (ok && st.status == DRM_POTNPU_JOB_OK) {
		*how = "ran";
		ok = filled(x->c.dst.map, 4096, CROSS_PATTERN);
	} else if (ok) {
		*how = "was cancelled";
		ok = st.status == DRM_POTNPU_JOB_CANCELLED;
	}
	checked_fini(&x->c);
	close(x->fd);
	return ok;
}

/*
 * Recoveries forced on the victim in a loop (debugfs force_recovery, held
 * open) across the unplug, until a write fails. Exit status 0 when at
 * least one recovery ran and the loop then ended on a failed write (the
 * device gone), not on the timeout.
 */
static int recoverer(const char *addr)
{
	double end = now_s() + CHILD_TIMEOUT_S;
	unsigned int n = 0;
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "/sys/kernel/debug/accel/%s/force_recovery",
		 addr);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return 20;
	while (write(fd, "1", 1) == 1) {
		n++;
		if (now_s() > end)
			return 21;
		usleep(20000);
	}
	printf("# recoverer: %u forced recoveries, then %s\n", n,
	       strerror(errno));
	fflush(stdout);
	close(fd);
	return n ? 0 : 22;
}

/*
 * One unplug. With @storm, recoveries are forced on the device in a loop
 * while it goes (the remove path against the recovery path).
 */
static int unplug_cycle(int cycle, int index, const char *addr, int other,
			bool storm)
{
	pid_t storm_pid = -1;
	struct idle w;
	struct cross x;
	const char *cross_how;
	char how[128];
	int pipefd[2], rc;
	double t0;
	pid_t busy;
	char c;

	rc = idle_open(index, addr, &w);
	tap(rc == 0,
	    "cycle %d: open file on %s: checked job, BOs mapped, debugfs open",
	    cycle, addr);
	if (rc || pipe(pipefd))
		return -1;
	busy = fork();
	if (busy == 0) {
		close(pipefd[0]);
		_exit(busy_worker(index, pipefd[1]));
	}
	close(pipefd[1]);
	if (read(pipefd[0], &c, 1) != 1) {
		tap(false, "cycle %d: jobs running on %s", cycle, addr);
		return -1;
	}
	close(pipefd[0]);
	if (storm && path_exists("/sys/kernel/debug/accel/%s/force_recovery",
				 addr)) {
		storm_pid = fork();
		if (storm_pid == 0)
			_exit(recoverer(addr));
		usleep(300000);
	} else if (storm) {
		printf("ok %d - cycle %d: recoveries across the unplug # SKIP no debugfs force_recovery\n",
		       ++tap_n, cycle);
	}
	rc = idle_chain(&w);
	if (!rc)
		rc = cross_submit(other, &w, &x);
	tap(rc == 0,
	    "cycle %d: %d long jobs queued on that file, a job on the other device waits for them",
	    cycle, CHAIN);
	if (rc)
		return -1;
	x.pending = fence_pending(x.sfd);
	close(x.sfd);
	say("unplug");
	t0 = now_s();
	while (path_exists("/sys/bus/pci/devices/%s", addr) &&
	       now_s() < t0 + GONE_TIMEOUT_S)
		usleep(50000);
	tap(!path_exists("/sys/bus/pci/devices/%s", addr),
	    "cycle %d: %s removed with jobs queued and files open (%.1f s)",
	    cycle, addr, now_s() - t0);
	if (storm_pid > 0) {
		rc = wait_child(storm_pid, CHILD_TIMEOUT_S);
		tap(rc == 0,
		    "cycle %d: recoveries forced in a loop across the unplug: the last write fails cleanly (exit %d)",
		    cycle, rc);
	}
	rc = wait_child(busy, CHILD_TIMEOUT_S);
	tap(rc == 0,
	    "cycle %d: busy process: submit/status fail with ENODEV, fences signal, mappings read, file closes (exit %d)",
	    cycle, rc);
	tap(idle_after(&w, how, sizeof(how)),
	    "cycle %d: idle file: ioctls ENODEV, mapped bytes intact, %s, closes",
	    cycle, how);
	rc = cross_after(&x, &cross_how);
	tap(rc,
	    "cycle %d: the other device's dependent job %s (its fence %s at the unplug)",
	    cycle, cross_how, x.pending ? "still pending" : "already signalled");
	tap(!path_exists("/sys/kernel/debug/accel/%s", addr) &&
	    !path_exists("/sys/bus/pci/drivers/potnpu/%s", addr) &&
	    open_index(index) < 0,
	    "cycle %d: remove completed: no node, binding or debugfs left",
	    cycle);
	return 0;
}

/* Wait for a potnpu behind a root port that can run jobs: its index. */
static int wait_back(char *addr, size_t size)
{
	double end = now_s() + BACK_TIMEOUT_S;
	int index, fd;

	while (now_s() < end) {
		index = find_node(false, addr, size);
		if (index >= 0) {
			fd = open_index(index);
			if (fd >= 0 && jobs_ready(fd)) {
				close(fd);
				return index;
			}
			if (fd >= 0)
				close(fd);
		}
		usleep(100000);
	}
	return -1;
}

static bool jobs_check_out(int index, unsigned int n)
{
	struct checked w;
	unsigned int i;
	int fd = open_index(index);
	bool ok = fd >= 0 && !checked_init(fd, &w);

	for (i = 0; ok && i < n; i++)
		ok = !checked_job(fd, &w, i);
	if (fd >= 0) {
		checked_fini(&w);
		close(fd);
	}
	return ok;
}

#define KLOG_BAD "BUG:|WARNING:|Oops|general protection|KASAN|UBSAN|refcount_t|potnpu.*leak"

/* No kernel report in the log; else the first one, in full, as comments. */
static bool klog_clean(void)
{
	if (potnpu_system("dmesg | grep -qE '" KLOG_BAD "'") == 1)
		return true;
	potnpu_system("dmesg | grep -B4 -A40 -m1 -E '" KLOG_BAD "' | sed 's/^/# /'");
	return false;
}

int main(int argc, char **argv)
{
	int cycles = argc > 1 ? atoi(argv[1]) : CYCLES_DEFAULT;
	char addr[64], other_addr[64];
	int victim, other, cycle, rc;
	double t0 = now_s();
	struct checker other_ck;
	unsigned int other_jobs = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("TAP version 13\n");
	victim = find_node(false, addr, sizeof(addr));
	other = find_node(true, other_addr, sizeof(other_addr));
	tap(victim >= 0 && other >= 0,
	    "a potnpu behind a root port (%s) and one on pcie.0 (%s)",
	    victim >= 0 ? addr : "none", other >= 0 ? other_addr : "none");
	if (victim < 0 || other < 0 || cycles < 1)
		return 1;
	if (checker_start(&other_ck, other, false, NULL)) {
		tap(false, "jobs running on %s", other_addr);
		return 1;
	}

	for (cycle = 1; cycle <= cycles; cycle++) {
		if (unplug_cycle(cycle, victim, addr, other, cycle % 2 == 0))
			break;
		say("plug");
		victim = wait_back(addr, sizeof(addr));
		tap(victim >= 0, "cycle %d: device added back, probed, firmware ready (%s)",
		    cycle, victim >= 0 ? addr : "none");
		if (victim < 0)
			break;
		tap(jobs_check_out(victim, 20),
		    "cycle %d: 20 checked jobs on the device added back", cycle);
	}
	rc = checker_stop(&other_ck, &other_jobs, NULL);
	tap(rc == 0,
	    "other device: %u jobs, each checked, throughout (exit %d)",
	    other_jobs, rc);
	tap(potnpu_system("rmmod potnpu") == 0 &&
	    potnpu_system("modprobe potnpu") == 0 &&
	    find_node(false, addr, sizeof(addr)) >= 0 &&
	    find_node(true, other_addr, sizeof(other_addr)) >= 0,
	    "module unloads after the unplugs (no reference leaked) and loads again");
	tap(klog_clean(), "kernel log free of warnings and oopses");
	/* What the kernel said about the removals, for the log. */
	potnpu_system("dmesg | grep -iE 'potnpu|pciehp|acpiphp|hotplug' | tail -n 40 | sed 's/^/# /'");
	printf("# %d cycles, %.1f s\n", cycles, now_s() - t0);
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}
