// SPDX-License-Identifier: MIT
/*
 * libpotnpu: device discovery, open/close and queries over libdrm.
 * See libpotnpu.h for the API contract and docs/userspace.md for an
 * overview.
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xf86drm.h>

#include "libpotnpu.h"
#include "potnpu_fw_image.h"
#include "potnpu_job.h"
#include "potnpu_regs.h"

#define EXPORT __attribute__((visibility("default")))

#define STR_(x) #x
#define STR(x) STR_(x)
#define LIB_VERSION_STRING \
	STR(LIBPOTNPU_VERSION_MAJOR) "." STR(LIBPOTNPU_VERSION_MINOR) "." \
	STR(LIBPOTNPU_VERSION_PATCH)

_Static_assert(offsetof(struct drm_potnpu_device_info, pad1) +
	       sizeof(((struct drm_potnpu_device_info *)0)->pad1) ==
	       POTNPU_DEVICE_INFO_MIN_SIZE,
	       "POTNPU_DEVICE_INFO_MIN_SIZE is not the end of the first version");
_Static_assert(sizeof(struct drm_potnpu_device_info) <= UINT32_MAX,
	       "device info size must fit the query's __u32 size");

struct potnpu_device {
	int fd;
	char *path;
	struct potnpu_driver_info driver;
	uint32_t info_size;	/* size of the driver's device-info answer */
	bool jobs_checked;	/* the JOBS capability was found */
};

/*
 * Oldest uapi minor (of DRM_POTNPU_UAPI_MAJOR) with buffer objects
 * (DRM_IOCTL_POTNPU_BO_CREATE, DRM_IOCTL_POTNPU_BO_INFO).
 */
#define UAPI_MINOR_BO	1
/*
 * Oldest uapi minor with jobs (DRM_IOCTL_POTNPU_SUBMIT,
 * DRM_IOCTL_POTNPU_JOB_STATUS). They were added to 0.1 before its release,
 * so potnpu_submit() also requires DRM_POTNPU_CAP_JOBS.
 */
#define UAPI_MINOR_JOBS	1

_Static_assert(POTNPU_CMDBUF_MAX_SIZE == POTNPU_CMD_MAX_SIZE,
	       "command stream limit differs from potnpu_job.h");

struct potnpu_cmdbuf {
	uint32_t *words;	/* own memory or inside a BO mapping */
	size_t capacity;	/* in words */
	size_t used;		/* in words */
	bool own;
};

struct potnpu_job {
	struct potnpu_device *dev;
	uint64_t id;
	uint32_t syncobj;	/* own binary syncobj, or the caller's timeline */
	uint64_t point;		/* timeline point, 0 for the own syncobj */
};

struct potnpu_bo {
	struct potnpu_device *dev;
	uint32_t handle;
	uint32_t flags;
	size_t size;		/* as allocated (whole pages) */
	uint64_t va;
	void *map;		/* CPU mapping, NULL until potnpu_bo_map() */
};

struct potnpu_list_entry {
	unsigned int minor;
	char *path;
};

struct potnpu_device_list {
	size_t count;
	struct potnpu_list_entry *entries;
};

/* ---- errors ------------------------------------------------------------ */

static _Thread_local char last_error[512] = "no error";

__attribute__((format(printf, 2, 3)))
static int set_error(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last_error, sizeof(last_error), fmt, ap);
	va_end(ap);
	return err;
}

EXPORT const char *potnpu_last_error(void)
{
	return last_error;
}

EXPORT const char *potnpu_strerror(int err)
{
	if (err < 0)
		err = -err;
	switch (err) {
	case 0:
		return "success";
	case ENODEV:
		return "no potnpu device found";
	case ENOENT:
		return "no such device node or directory";
	case ENOTDIR:
		return "the accel directory is not a directory";
	case EACCES:
		return "permission denied opening the device node";
	case ENOTTY:
		return "not a DRM device";
	case ENXIO:
		return "the DRM device is not driven by potnpu";
	case EPROTO:
		return "potnpu driver version incompatible with this library";
	case EBADMSG:
		return "malformed answer from the potnpu driver";
	case EOPNOTSUPP:
		return "the device or its driver does not support this";
	case ENOSPC:
		return "device address space exhausted";
	case EINVAL:
		return "invalid argument";
	case ENOMEM:
		return "out of memory";
	case EIO:
		return "the device file was banned after a job fault";
	case ETIME:
		return "timed out";
	default:
		return strerror(err);
	}
}

EXPORT const char *potnpu_version(void)
{
	return LIB_VERSION_STRING;
}

EXPORT const char *potnpu_accel_dir(void)
{
	const char *dir = getenv(POTNPU_ACCEL_DIR_ENV);

	return dir && *dir ? dir : POTNPU_DEFAULT_ACCEL_DIR;
}

/* ---- opening nodes ----------------------------------------------------- */

/*
 * Open @path and check that it is a DRM node driven by potnpu. On success
 * returns 0 with *fdp and *verp set. On failure returns a negative errno
 * and writes a short reason (no path) to @why.
 */
static int node_open(const char *path, int *fdp, drmVersionPtr *verp,
		     char *why, size_t whylen)
{
	struct stat st;
	drmVersionPtr ver;
	int fd, err;

	fd = open(path, O_RDWR | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		err = errno;
		if (err == ENOENT)
			snprintf(why, whylen, "does not exist");
		else if (err == EACCES || err == EPERM)
			snprintf(why, whylen,
				 "permission denied (check the node's owner and mode)");
		else
			snprintf(why, whylen, "cannot open: %s", strerror(err));
		return err == EPERM ? -EACCES : -err;
	}
	if (fstat(fd, &st)) {
		err = errno;
		snprintf(why, whylen, "cannot stat: %s", strerror(err));
		close(fd);
		return -err;
	}
	if (!S_ISCHR(st.st_mode)) {
		snprintf(why, whylen, "not a character device");
		close(fd);
		return -ENOTTY;
	}
	ver = drmGetVersion(fd);
	if (!ver) {
		snprintf(why, whylen, "not a DRM device");
		close(fd);
		return -ENOTTY;
	}
	if (!ver->name || strcmp(ver->name, POTNPU_DRIVER_NAME)) {
		snprintf(why, whylen, "driven by \"%.32s\", not potnpu",
			 ver->name ? ver->name : "");
		drmFreeVersion(ver);
		close(fd);
		return -ENXIO;
	}
	*fdp = fd;
	*verp = ver;
	return 0;
}

static void copy_str(char *dst, size_t dstlen, const char *src)
{
	snprintf(dst, dstlen, "%s", src ? src : "");
}

/*
 * Any minor of the library's uapi major is accepted: a driver older than
 * the header the library was built with still serves the calls it has,
 * and the calls that need a newer minor refuse on their own
 * (require_minor()). A different major is a different interface.
 */
static int check_driver_version(const char *path, const drmVersion *ver)
{
	int major = ver->version_major, minor = ver->version_minor;

	if (major < DRM_POTNPU_UAPI_MAJOR || minor < 0)
		return set_error(-EPROTO,
				 "potnpu driver too old: %s implements uapi %d.%d, libpotnpu %s needs uapi %d.x (update the potnpu kernel module)",
				 path, major, minor, LIB_VERSION_STRING,
				 DRM_POTNPU_UAPI_MAJOR);
	if (major > DRM_POTNPU_UAPI_MAJOR)
		return set_error(-EPROTO,
				 "potnpu driver too new: %s implements uapi %d.%d, libpotnpu %s speaks uapi %d.x only (update libpotnpu)",
				 path, major, minor, LIB_VERSION_STRING,
				 DRM_POTNPU_UAPI_MAJOR);
	return 0;
}

/*
 * Fail with -EOPNOTSUPP unless the driver behind @dev implements at least
 * uapi minor @minor (the one that introduced @what).
 */
static int require_minor(const struct potnpu_device *dev, int minor,
			 const char *what)
{
	if (dev->driver.minor >= minor)
		return 0;
	return set_error(-EOPNOTSUPP,
			 "%s: the potnpu driver implements uapi %d.%d, %s needs uapi %d.%d or later (update the potnpu kernel module)",
			 dev->path, dev->driver.major, dev->driver.minor, what,
			 DRM_POTNPU_UAPI_MAJOR, minor);
}

EXPORT int potnpu_open(const char *path, struct potnpu_device **devp)
{
	struct potnpu_device *dev;
	drmVersionPtr ver;
	char why[128];
	uint32_t size;
	int fd, err;

	if (!devp)
		return set_error(-EINVAL, "potnpu_open: devp is NULL");
	*devp = NULL;
	if (!path || !*path)
		return set_error(-EINVAL, "potnpu_open: no device path given");

	err = node_open(path, &fd, &ver, why, sizeof(why));
	if (err)
		return set_error(err, "%s: %s", path, why);

	err = check_driver_version(path, ver);
	if (err) {
		drmFreeVersion(ver);
		close(fd);
		return err;
	}

	dev = calloc(1, sizeof(*dev));
	if (!dev || !(dev->path = strdup(path))) {
		free(dev);
		drmFreeVersion(ver);
		close(fd);
		return set_error(-ENOMEM, "%s: out of memory", path);
	}
	dev->fd = fd;
	dev->driver.major = ver->version_major;
	dev->driver.minor = ver->version_minor;
	dev->driver.patch = ver->version_patchlevel;
	copy_str(dev->driver.name, sizeof(dev->driver.name), ver->name);
	copy_str(dev->driver.date, sizeof(dev->driver.date), ver->date);
	copy_str(dev->driver.desc, sizeof(dev->driver.desc), ver->desc);
	drmFreeVersion(ver);

	/* Size negotiation, step one: how much does this driver answer? */
	err = potnpu_query(dev, DRM_POTNPU_QUERY_DEVICE_INFO, NULL, 0, &size);
	if (err) {
		err = set_error(-EPROTO,
				"%s: the potnpu driver (uapi %d.%d) rejected the device-info query: %s",
				path, dev->driver.major, dev->driver.minor,
				strerror(-err));
		potnpu_close(dev);
		return err;
	}
	if (size < POTNPU_DEVICE_INFO_MIN_SIZE) {
		err = set_error(-EBADMSG,
				"%s: the potnpu driver reports a %u-byte device-info answer, less than the %u-byte first version",
				path, size, POTNPU_DEVICE_INFO_MIN_SIZE);
		potnpu_close(dev);
		return err;
	}
	dev->info_size = size;
	*devp = dev;
	return 0;
}

EXPORT void potnpu_close(struct potnpu_device *dev)
{
	if (!dev)
		return;
	close(dev->fd);
	free(dev->path);
	free(dev);
}

EXPORT int potnpu_fd(const struct potnpu_device *dev)
{
	return dev ? dev->fd : -1;
}

EXPORT const char *potnpu_path(const struct potnpu_device *dev)
{
	return dev ? dev->path : NULL;
}

EXPORT const struct potnpu_driver_info *
potnpu_driver(const struct potnpu_device *dev)
{
	return dev ? &dev->driver : NULL;
}

/* ---- enumeration ------------------------------------------------------- */

/* "accelN" with N a decimal number without sign or leading zeros. */
static int parse_accel_name(const char *name, unsigned int *minor)
{
	const char *p;
	unsigned long n = 0;

	if (strncmp(name, "accel", 5))
		return -1;
	p = name + 5;
	if (!*p || (p[0] == '0' && p[1]))
		return -1;
	for (; *p; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		n = n * 10 + (unsigned long)(*p - '0');
		if (n > 1000000)
			return -1;
	}
	*minor = (unsigned int)n;
	return 0;
}

static int cmp_entry(const void *a, const void *b)
{
	const struct potnpu_list_entry *x = a, *y = b;

	return (x->minor > y->minor) - (x->minor < y->minor);
}

EXPORT void potnpu_list_free(struct potnpu_device_list *list)
{
	size_t i;

	if (!list)
		return;
	for (i = 0; i < list->count; i++)
		free(list->entries[i].path);
	free(list->entries);
	free(list);
}

static int list_add(struct potnpu_device_list *list, unsigned int minor,
		    const char *path, size_t *cap)
{
	struct potnpu_list_entry *v;
	char *copy;

	if (list->count == *cap) {
		size_t ncap = *cap ? *cap * 2 : 8;

		v = realloc(list->entries, ncap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		list->entries = v;
		*cap = ncap;
	}
	copy = strdup(path);
	if (!copy)
		return -ENOMEM;
	list->entries[list->count].minor = minor;
	list->entries[list->count].path = copy;
	list->count++;
	return 0;
}

/* Collect the accelN names of @d, sorted by N, as a list without devices. */
static int scan_dir(DIR *d, const char *dir, struct potnpu_device_list *nodes)
{
	struct dirent *de;
	size_t cap = 0;
	char path[PATH_MAX];
	unsigned int minor;
	int err, n;

	while ((de = readdir(d))) {
		if (parse_accel_name(de->d_name, &minor))
			continue;
		n = snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (n < 0 || (size_t)n >= sizeof(path))
			continue;
		err = list_add(nodes, minor, path, &cap);
		if (err)
			return err;
	}
	if (nodes->count > 1)
		qsort(nodes->entries, nodes->count, sizeof(nodes->entries[0]),
		      cmp_entry);
	return 0;
}

static void append(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void append(char *buf, size_t len, const char *fmt, ...)
{
	size_t used = strlen(buf);
	va_list ap;

	if (used + 1 >= len)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + used, len - used, fmt, ap);
	va_end(ap);
}

EXPORT int potnpu_list_devices(struct potnpu_device_list **listp)
{
	struct potnpu_device_list nodes = { 0 }, *list;
	const char *dir = potnpu_accel_dir();
	char skipped[320] = "";
	size_t i, cap = 0, nskipped = 0;
	DIR *d;
	int err = 0;

	if (!listp)
		return set_error(-EINVAL, "potnpu_list_devices: listp is NULL");
	*listp = NULL;

	d = opendir(dir);
	if (!d) {
		err = errno;
		if (err == ENOENT)
			return set_error(-ENODEV,
					 "no potnpu device found: %s does not exist (is the potnpu module loaded?)",
					 dir);
		if (err == ENOTDIR)
			return set_error(-ENOTDIR, "%s is not a directory%s",
					 dir, getenv(POTNPU_ACCEL_DIR_ENV) ?
					 " (check " POTNPU_ACCEL_DIR_ENV ")" : "");
		if (err == EACCES)
			return set_error(-EACCES, "permission denied reading %s",
					 dir);
		return set_error(-err, "cannot read %s: %s", dir, strerror(err));
	}
	err = scan_dir(d, dir, &nodes);
	closedir(d);
	list = calloc(1, sizeof(*list));
	if (err || !list) {
		potnpu_list_free(list);
		for (i = 0; i < nodes.count; i++)
			free(nodes.entries[i].path);
		free(nodes.entries);
		return set_error(-ENOMEM, "out of memory scanning %s", dir);
	}

	for (i = 0; i < nodes.count && !err; i++) {
		const char *path = nodes.entries[i].path;
		drmVersionPtr ver;
		char why[128];
		int fd;

		if (node_open(path, &fd, &ver, why, sizeof(why))) {
			append(skipped, sizeof(skipped), "%s%s (%s)",
			       nskipped ? ", " : "", strrchr(path, '/') + 1, why);
			nskipped++;
			continue;
		}
		drmFreeVersion(ver);
		close(fd);
		if (list_add(list, nodes.entries[i].minor, path, &cap))
			err = set_error(-ENOMEM, "out of memory scanning %s", dir);
	}
	for (i = 0; i < nodes.count; i++)
		free(nodes.entries[i].path);
	free(nodes.entries);

	if (!err && !list->count) {
		if (nskipped)
			err = set_error(-ENODEV,
					"no potnpu device found in %s (is the potnpu module loaded?); skipped %zu node%s: %s",
					dir, nskipped, nskipped == 1 ? "" : "s",
					skipped);
		else
			err = set_error(-ENODEV,
					"no potnpu device found in %s (is the potnpu module loaded?)",
					dir);
	}
	if (err) {
		potnpu_list_free(list);
		return err;
	}
	*listp = list;
	return 0;
}

EXPORT size_t potnpu_list_count(const struct potnpu_device_list *list)
{
	return list ? list->count : 0;
}

EXPORT const char *potnpu_list_path(const struct potnpu_device_list *list,
				    size_t index)
{
	if (!list || index >= list->count)
		return NULL;
	return list->entries[index].path;
}

EXPORT int potnpu_open_index(unsigned int index, struct potnpu_device **devp)
{
	struct potnpu_device_list *list;
	int err;

	if (!devp)
		return set_error(-EINVAL, "potnpu_open_index: devp is NULL");
	*devp = NULL;
	err = potnpu_list_devices(&list);
	if (err)
		return err;
	if (index >= list->count)
		err = set_error(-ENODEV,
				"no potnpu device with index %u: %zu found in %s (valid indices 0-%zu)",
				index, list->count, potnpu_accel_dir(),
				list->count - 1);
	else
		err = potnpu_open(list->entries[index].path, devp);
	potnpu_list_free(list);
	return err;
}

/* ---- queries ----------------------------------------------------------- */

EXPORT int potnpu_query(struct potnpu_device *dev, uint32_t param, void *data,
			uint32_t size, uint32_t *written)
{
	struct drm_potnpu_query q;
	int err;

	if (!dev)
		return set_error(-EINVAL, "potnpu_query: dev is NULL");
	if (!data && size)
		return set_error(-EINVAL, "potnpu_query: %u-byte buffer is NULL",
				 size);
	memset(&q, 0, sizeof(q));
	q.param = param;
	q.size = data ? size : 0;
	q.data = (uintptr_t)data;
	if (drmIoctl(dev->fd, DRM_IOCTL_POTNPU_QUERY, &q)) {
		err = errno ? errno : EIO;
		return set_error(-err,
				 "%s: DRM_IOCTL_POTNPU_QUERY(param %u, %u bytes) failed: %s",
				 dev->path, param, q.size, strerror(err));
	}
	if (q.size && size && q.size > size)
		return set_error(-EBADMSG,
				 "%s: the potnpu driver claims to have written %u bytes into a %u-byte buffer",
				 dev->path, q.size, size);
	if (written)
		*written = q.size;
	return 0;
}

EXPORT int potnpu_query_device_info(struct potnpu_device *dev,
				    struct drm_potnpu_device_info *info,
				    size_t size)
{
	uint32_t written, major;
	int err;

	if (!dev || !info)
		return set_error(-EINVAL,
				 "potnpu_query_device_info: NULL argument");
	if (size < POTNPU_DEVICE_INFO_MIN_SIZE || size > UINT32_MAX)
		return set_error(-EINVAL,
				 "potnpu_query_device_info: a %zu-byte buffer cannot hold the %u-byte device info",
				 size, POTNPU_DEVICE_INFO_MIN_SIZE);
	memset(info, 0, size);
	err = potnpu_query(dev, DRM_POTNPU_QUERY_DEVICE_INFO, info,
			   (uint32_t)size, &written);
	if (err)
		return err;
	if (written < POTNPU_DEVICE_INFO_MIN_SIZE) {
		memset(info, 0, size);
		return set_error(-EBADMSG,
				 "%s: the potnpu driver answered %u bytes of device info, less than the %u-byte first version",
				 dev->path, written, POTNPU_DEVICE_INFO_MIN_SIZE);
	}
	/* Whatever the driver did not write is zero, as documented. */
	if (written < size)
		memset((char *)info + written, 0, size - written);
	major = info->uapi_version >> 16;
	if (major != DRM_POTNPU_UAPI_MAJOR)
		return set_error(-EPROTO,
				 "%s: the potnpu driver reports uapi %u.%u, libpotnpu %s speaks uapi %d.x",
				 dev->path, major, info->uapi_version & 0xffff,
				 LIB_VERSION_STRING, DRM_POTNPU_UAPI_MAJOR);
	return 0;
}

/* ---- buffer objects ---------------------------------------------------- */

static size_t page_size(void)
{
	long n = sysconf(_SC_PAGESIZE);

	return n > 0 ? (size_t)n : 4096;
}

/* Release a GEM handle, keeping errno as it was. */
static void gem_close(int fd, uint32_t handle)
{
	struct drm_gem_close c;
	int saved = errno;

	memset(&c, 0, sizeof(c));
	c.handle = handle;
	drmIoctl(fd, DRM_IOCTL_GEM_CLOSE, &c);
	errno = saved;
}

static int bo_create_error(struct potnpu_device *dev, size_t size,
			   uint32_t flags, int err)
{
	switch (err) {
	case ENOSPC:
		return set_error(-ENOSPC,
				 "%s: cannot create a %zu-byte buffer: device address space exhausted (free buffers or create smaller ones)",
				 dev->path, size);
	case ENOMEM:
		return set_error(-ENOMEM,
				 "%s: cannot create a %zu-byte buffer: out of memory",
				 dev->path, size);
	case EINVAL:
		/* Size and flags were checked: the driver does not know them,
		 * or the ioctl itself. */
		return set_error(-EINVAL,
				 "%s: the potnpu driver (uapi %d.%d) refused a %zu-byte buffer with flags 0x%x; it may predate buffer objects (update the potnpu kernel module)",
				 dev->path, dev->driver.major, dev->driver.minor,
				 size, flags);
	default:
		return set_error(-err,
				 "%s: cannot create a %zu-byte buffer: DRM_IOCTL_POTNPU_BO_CREATE failed: %s",
				 dev->path, size, strerror(err));
	}
}

EXPORT int potnpu_bo_create(struct potnpu_device *dev, size_t size,
			    uint32_t flags, struct potnpu_bo **bop)
{
	struct drm_potnpu_bo_create c;
	struct potnpu_bo *bo;
	size_t page = page_size();
	int err;

	if (!bop)
		return set_error(-EINVAL, "potnpu_bo_create: bop is NULL");
	*bop = NULL;
	if (!dev)
		return set_error(-EINVAL, "potnpu_bo_create: dev is NULL");
	if (!size)
		return set_error(-EINVAL,
				 "buffer size 0 is invalid (1 to %llu bytes)",
				 (unsigned long long)DRM_POTNPU_BO_MAX_SIZE);
	if (size > DRM_POTNPU_BO_MAX_SIZE)
		return set_error(-EINVAL,
				 "buffer size %zu is too large (at most %llu bytes)",
				 size,
				 (unsigned long long)DRM_POTNPU_BO_MAX_SIZE);
	if (flags & ~(uint32_t)DRM_POTNPU_BO_FLAGS)
		return set_error(-EINVAL,
				 "unknown buffer flags 0x%x (known: 0x%x)",
				 flags & ~(uint32_t)DRM_POTNPU_BO_FLAGS,
				 (uint32_t)DRM_POTNPU_BO_FLAGS);
	err = require_minor(dev, UAPI_MINOR_BO, "buffer objects");
	if (err)
		return err;

	bo = calloc(1, sizeof(*bo));
	if (!bo)
		return set_error(-ENOMEM,
				 "%s: cannot create a %zu-byte buffer: out of memory",
				 dev->path, size);
	memset(&c, 0, sizeof(c));
	c.size = size;
	c.flags = flags;
	if (drmIoctl(dev->fd, DRM_IOCTL_POTNPU_BO_CREATE, &c)) {
		err = errno ? errno : EIO;
		free(bo);
		return bo_create_error(dev, size, flags, err);
	}
	/* Whole pages, at least what was asked, at a page-aligned address. */
	if (!c.handle || !c.va || c.va % page || c.size < size ||
	    c.size - size >= page || c.size % page) {
		if (c.handle)
			gem_close(dev->fd, c.handle);
		free(bo);
		return set_error(-EBADMSG,
				 "%s: the potnpu driver answered a %zu-byte buffer request with handle %u, %llu bytes at device address 0x%llx",
				 dev->path, size, c.handle,
				 (unsigned long long)c.size,
				 (unsigned long long)c.va);
	}
	bo->dev = dev;
	bo->handle = c.handle;
	bo->flags = flags;
	bo->size = (size_t)c.size;
	bo->va = c.va;
	*bop = bo;
	return 0;
}

EXPORT int potnpu_bo_map(struct potnpu_bo *bo, void **ptrp)
{
	struct drm_potnpu_bo_info info;
	struct potnpu_device *dev;
	void *p;
	int err;

	if (!ptrp)
		return set_error(-EINVAL, "potnpu_bo_map: ptrp is NULL");
	*ptrp = NULL;
	if (!bo)
		return set_error(-EINVAL, "potnpu_bo_map: bo is NULL");
	if (bo->map) {
		*ptrp = bo->map;
		return 0;
	}
	dev = bo->dev;
	memset(&info, 0, sizeof(info));
	info.handle = bo->handle;
	if (drmIoctl(dev->fd, DRM_IOCTL_POTNPU_BO_INFO, &info)) {
		err = errno ? errno : EIO;
		return set_error(-err,
				 "%s: cannot map buffer %u: DRM_IOCTL_POTNPU_BO_INFO failed: %s",
				 dev->path, bo->handle, strerror(err));
	}
	if (info.size != bo->size || info.va != bo->va ||
	    info.mmap_offset % page_size() || info.mmap_offset > INT64_MAX)
		return set_error(-EBADMSG,
				 "%s: the potnpu driver describes buffer %u (%zu bytes at 0x%llx) as %llu bytes at 0x%llx, mmap offset 0x%llx",
				 dev->path, bo->handle, bo->size,
				 (unsigned long long)bo->va,
				 (unsigned long long)info.size,
				 (unsigned long long)info.va,
				 (unsigned long long)info.mmap_offset);
	p = mmap(NULL, bo->size, PROT_READ | PROT_WRITE, MAP_SHARED, dev->fd,
		 (off_t)info.mmap_offset);
	if (p == MAP_FAILED) {
		err = errno ? errno : EIO;
		return set_error(-err,
				 "%s: cannot map buffer %u (%zu bytes) into memory: %s",
				 dev->path, bo->handle, bo->size,
				 err == ENOMEM ? "out of memory or address space" :
				 strerror(err));
	}
	bo->map = p;
	*ptrp = p;
	return 0;
}

EXPORT void potnpu_bo_free(struct potnpu_bo *bo)
{
	if (!bo)
		return;
	if (bo->map)
		munmap(bo->map, bo->size);
	gem_close(bo->dev->fd, bo->handle);
	free(bo);
}

EXPORT uint64_t potnpu_bo_va(const struct potnpu_bo *bo)
{
	return bo ? bo->va : 0;
}

EXPORT size_t potnpu_bo_size(const struct potnpu_bo *bo)
{
	return bo ? bo->size : 0;
}

EXPORT uint32_t potnpu_bo_handle(const struct potnpu_bo *bo)
{
	return bo ? bo->handle : 0;
}

EXPORT uint32_t potnpu_bo_flags(const struct potnpu_bo *bo)
{
	return bo ? bo->flags : 0;
}

/* ---- command streams --------------------------------------------------- */

static int cmdbuf_check_capacity(size_t capacity, const char *fn)
{
	if (capacity < 4 || capacity > POTNPU_CMDBUF_MAX_SIZE || capacity % 4)
		return set_error(-EINVAL,
				 "%s: a command stream capacity of %zu bytes is invalid (a multiple of 4 from 4 to %u)",
				 fn, capacity, POTNPU_CMDBUF_MAX_SIZE);
	return 0;
}

EXPORT int potnpu_cmdbuf_create(size_t capacity, struct potnpu_cmdbuf **cbp)
{
	struct potnpu_cmdbuf *cb;
	int err;

	if (!cbp)
		return set_error(-EINVAL, "potnpu_cmdbuf_create: cbp is NULL");
	*cbp = NULL;
	err = cmdbuf_check_capacity(capacity, "potnpu_cmdbuf_create");
	if (err)
		return err;
	cb = calloc(1, sizeof(*cb));
	if (cb)
		cb->words = calloc(capacity / 4, 4);
	if (!cb || !cb->words) {
		free(cb);
		return set_error(-ENOMEM,
				 "cannot allocate a %zu-byte command stream: out of memory",
				 capacity);
	}
	cb->capacity = capacity / 4;
	cb->own = true;
	*cbp = cb;
	return 0;
}

EXPORT int potnpu_cmdbuf_create_in_bo(struct potnpu_bo *bo, size_t offset,
				      size_t capacity,
				      struct potnpu_cmdbuf **cbp)
{
	struct potnpu_cmdbuf *cb;
	void *map;
	int err;

	if (!cbp)
		return set_error(-EINVAL, "potnpu_cmdbuf_create_in_bo: cbp is NULL");
	*cbp = NULL;
	if (!bo)
		return set_error(-EINVAL, "potnpu_cmdbuf_create_in_bo: bo is NULL");
	err = cmdbuf_check_capacity(capacity, "potnpu_cmdbuf_create_in_bo");
	if (err)
		return err;
	if (offset % 4 || offset > bo->size || capacity > bo->size - offset)
		return set_error(-EINVAL,
				 "a %zu-byte command stream at offset %zu does not fit a %zu-byte buffer with 4-byte alignment",
				 capacity, offset, bo->size);
	err = potnpu_bo_map(bo, &map);
	if (err)
		return err;
	cb = calloc(1, sizeof(*cb));
	if (!cb)
		return set_error(-ENOMEM, "cannot create a command stream: out of memory");
	cb->words = (uint32_t *)((char *)map + offset);
	cb->capacity = capacity / 4;
	*cbp = cb;
	return 0;
}

EXPORT void potnpu_cmdbuf_free(struct potnpu_cmdbuf *cb)
{
	if (!cb)
		return;
	if (cb->own)
		free(cb->words);
	free(cb);
}

EXPORT void potnpu_cmdbuf_reset(struct potnpu_cmdbuf *cb)
{
	if (cb)
		cb->used = 0;
}

EXPORT size_t potnpu_cmdbuf_size(const struct potnpu_cmdbuf *cb)
{
	return cb ? cb->used * 4 : 0;
}

EXPORT size_t potnpu_cmdbuf_capacity(const struct potnpu_cmdbuf *cb)
{
	return cb ? cb->capacity * 4 : 0;
}

EXPORT const void *potnpu_cmdbuf_data(const struct potnpu_cmdbuf *cb)
{
	return cb ? cb->words : NULL;
}

static uint32_t le32(uint32_t v)
{
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	return __builtin_bswap32(v);
#else
	return v;
#endif
}

/* Append @n host-order words, all or nothing. */
static int cmdbuf_put(struct potnpu_cmdbuf *cb, const uint32_t *w, size_t n,
		      const char *what)
{
	size_t i;

	if (n > cb->capacity - cb->used)
		return set_error(-ENOSPC,
				 "command stream full: %s needs %zu bytes, %zu of %zu bytes are left",
				 what, n * 4, (cb->capacity - cb->used) * 4,
				 cb->capacity * 4);
	for (i = 0; i < n; i++)
		cb->words[cb->used + i] = le32(w[i]);
	cb->used += n;
	return 0;
}

static int va_range_ok(uint64_t va, uint64_t size)
{
	return va < POTNPU_VA_SIZE && size <= POTNPU_VA_SIZE - va;
}

#define CMDBUF_NULL_CHECK(cb, fn) \
	do { \
		if (!(cb)) \
			return set_error(-EINVAL, fn ": cb is NULL"); \
	} while (0)

EXPORT int potnpu_cmdbuf_nop(struct potnpu_cmdbuf *cb)
{
	uint32_t w[POTNPU_NOP_WORDS] = {
		POTNPU_CMD_HDR(POTNPU_OP_NOP, POTNPU_NOP_WORDS),
	};

	CMDBUF_NULL_CHECK(cb, "potnpu_cmdbuf_nop");
	return cmdbuf_put(cb, w, POTNPU_NOP_WORDS, "NOP");
}

EXPORT int potnpu_cmdbuf_fence(struct potnpu_cmdbuf *cb, uint64_t va,
			       uint32_t value)
{
	uint32_t w[POTNPU_FENCE_WORDS] = {
		POTNPU_CMD_HDR(POTNPU_OP_FENCE, POTNPU_FENCE_WORDS),
		(uint32_t)va, (uint32_t)(va >> 32), value,
	};

	CMDBUF_NULL_CHECK(cb, "potnpu_cmdbuf_fence");
	if (va % 4 || !va_range_ok(va, 4))
		return set_error(-EINVAL,
				 "FENCE at device address 0x%llx: needs a 4-byte aligned address below 0x%llx",
				 (unsigned long long)va,
				 (unsigned long long)POTNPU_VA_SIZE);
	return cmdbuf_put(cb, w, POTNPU_FENCE_WORDS, "FENCE");
}

EXPORT int potnpu_cmdbuf_timestamp(struct potnpu_cmdbuf *cb, uint64_t va)
{
	uint32_t w[POTNPU_TIMESTAMP_WORDS] = {
		POTNPU_CMD_HDR(POTNPU_OP_TIMESTAMP, POTNPU_TIMESTAMP_WORDS),
		(uint32_t)va, (uint32_t)(va >> 32),
	};

	CMDBUF_NULL_CHECK(cb, "potnpu_cmdbuf_timestamp");
	if (va % 8 || !va_range_ok(va, 8))
		return set_error(-EINVAL,
				 "TIMESTAMP at device address 0x%llx: needs an 8-byte aligned address below 0x%llx",
				 (unsigned long long)va,
				 (unsigned long long)POTNPU_VA_SIZE);
	return cmdbuf_put(cb, w, POTNPU_TIMESTAMP_WORDS, "TIMESTAMP");
}

EXPORT int potnpu_cmdbuf_copy(struct potnpu_cmdbuf *cb, uint64_t src,
			      uint64_t dst, uint32_t size)
{
	uint32_t w[POTNPU_COPY_WORDS] = {
		POTNPU_CMD_HDR(POTNPU_OP_COPY, POTNPU_COPY_WORDS),
		(uint32_t)src, (uint32_t)(src >> 32),
		(uint32_t)dst, (uint32_t)(dst >> 32), size,
	};

	CMDBUF_NULL_CHECK(cb, "potnpu_cmdbuf_copy");
	if (!size || !va_range_ok(src, size) || !va_range_ok(dst, size))
		return set_error(-EINVAL,
				 "COPY of %u bytes from 0x%llx to 0x%llx: the size must be at least 1 and both ranges below 0x%llx",
				 size, (unsigned long long)src,
				 (unsigned long long)dst,
				 (unsigned long long)POTNPU_VA_SIZE);
	return cmdbuf_put(cb, w, POTNPU_COPY_WORDS, "COPY");
}

EXPORT int potnpu_cmdbuf_fill(struct potnpu_cmdbuf *cb, uint64_t dst,
			      uint32_t size, uint32_t pattern)
{
	uint32_t w[POTNPU_FILL_WORDS] = {
		POTNPU_CMD_HDR(POTNPU_OP_FILL, POTNPU_FILL_WORDS),
		(uint32_t)dst, (uint32_t)(dst >> 32), size, pattern,
	};

	CMDBUF_NULL_CHECK(cb, "potnpu_cmdbuf_fill");
	if (!size || !va_range_ok(dst, size))
		return set_error(-EINVAL,
				 "FILL of %u bytes at 0x%llx: the size must be at least 1 and the range below 0x%llx",
				 size, (unsigned long long)dst,
				 (unsigned long long)POTNPU_VA_SIZE);
	return cmdbuf_put(cb, w, POTNPU_FILL_WORDS, "FILL");
}

EXPORT int potnpu_cmdbuf_raw(struct potnpu_cmdbuf *cb, const uint32_t *words,
			     size_t count)
{
	CMDBUF_NULL_CHECK(cb, "potnpu_cmdbuf_raw");
	if (!words && count)
		return set_error(-EINVAL, "potnpu_cmdbuf_raw: words is NULL");
	return cmdbuf_put(cb, words, count, "the raw command");
}

EXPORT int potnpu_cmdbuf_copy_to_bo(const struct potnpu_cmdbuf *cb,
				    struct potnpu_bo *bo, size_t offset)
{
	size_t size;
	void *map;
	int err;

	if (!cb || !bo)
		return set_error(-EINVAL, "potnpu_cmdbuf_copy_to_bo: NULL argument");
	size = cb->used * 4;
	if (!size)
		return set_error(-EINVAL, "the command stream is empty");
	if (offset % 4 || offset > bo->size || size > bo->size - offset)
		return set_error(-EINVAL,
				 "a %zu-byte command stream at offset %zu does not fit a %zu-byte buffer with 4-byte alignment",
				 size, offset, bo->size);
	err = potnpu_bo_map(bo, &map);
	if (err)
		return err;
	if ((char *)map + offset != (char *)cb->words)
		memmove((char *)map + offset, cb->words, size);
	return 0;
}

/* ---- jobs -------------------------------------------------------------- */

static int errno_or(int fallback)
{
	return errno ? errno : fallback;
}

static int jobs_supported(struct potnpu_device *dev)
{
	struct drm_potnpu_device_info info;
	char have[96];
	int err;

	if (dev->jobs_checked)
		return 0;
	err = require_minor(dev, UAPI_MINOR_JOBS, "job submission");
	if (err)
		return err;
	err = potnpu_query_device_info(dev, &info, sizeof(info));
	if (err)
		return err;
	if (!potnpu_has_cap(&info, DRM_POTNPU_CAP_JOBS))
		return set_error(-EOPNOTSUPP,
				 "%s does not support job submission (capability JOBS missing; it has: %s; update the potnpu kernel module)",
				 dev->path,
				 potnpu_format_caps(info.capabilities, have,
						    sizeof(have)));
	dev->jobs_checked = true;
	return 0;
}

static int submit_check(const struct potnpu_device *dev,
			const struct potnpu_submit_desc *d)
{
	uint32_t i;

	if (!d->cmd_bo)
		return set_error(-EINVAL, "potnpu_submit: no command buffer");
	if (d->flags)
		return set_error(-EINVAL, "potnpu_submit: unknown flags 0x%x",
				 d->flags);
	if (d->cmd_bo->dev != dev)
		return set_error(-EINVAL,
				 "potnpu_submit: the command buffer belongs to another device");
	if (d->cmd_offset % 4 || d->cmd_size % 4 || d->cmd_size < 4 ||
	    d->cmd_size > POTNPU_CMDBUF_MAX_SIZE ||
	    d->cmd_offset > d->cmd_bo->size ||
	    d->cmd_size > d->cmd_bo->size - d->cmd_offset)
		return set_error(-EINVAL,
				 "invalid command stream: %u bytes at offset %u of a %zu-byte buffer (a multiple of 4 from 4 to %u bytes, 4-byte aligned, within the buffer)",
				 d->cmd_size, d->cmd_offset, d->cmd_bo->size,
				 POTNPU_CMDBUF_MAX_SIZE);
	if (d->bo_count && !d->bos)
		return set_error(-EINVAL, "potnpu_submit: bos is NULL");
	for (i = 0; i < d->bo_count; i++) {
		if (!d->bos[i])
			return set_error(-EINVAL,
					 "potnpu_submit: buffer %u of the list is NULL", i);
		if (d->bos[i]->dev != dev)
			return set_error(-EINVAL,
					 "potnpu_submit: buffer %u of the list belongs to another device", i);
	}
	if (d->wait_count > POTNPU_MAX_WAIT_SYNCOBJS)
		return set_error(-EINVAL,
				 "a job can wait for %u syncobjs at most, not %u",
				 POTNPU_MAX_WAIT_SYNCOBJS, d->wait_count);
	if (d->wait_count && !d->wait_syncobjs)
		return set_error(-EINVAL, "potnpu_submit: wait_syncobjs is NULL");
	if (!d->out_timeline != !d->out_point)
		return set_error(-EINVAL,
				 "potnpu_submit: out_timeline %u with out_point %llu: give both (a point of at least 1) or neither",
				 d->out_timeline,
				 (unsigned long long)d->out_point);
	return 0;
}

/* The handle list: the command buffer first, then @bos without repeats. */
static int submit_handles(const struct potnpu_submit_desc *d,
			  uint32_t *handles, uint32_t *count)
{
	uint32_t i, j, n = 0;

	handles[n++] = d->cmd_bo->handle;
	for (i = 0; i < d->bo_count; i++) {
		uint32_t h = d->bos[i]->handle;

		for (j = 0; j < n && handles[j] != h; j++)
			;
		if (j < n)
			continue;
		if (n == POTNPU_MAX_JOB_BOS)
			return set_error(-EINVAL,
					 "a job can use %u buffers at most (the command buffer included)",
					 POTNPU_MAX_JOB_BOS);
		handles[n++] = h;
	}
	*count = n;
	return 0;
}

static int submit_error(struct potnpu_device *dev,
			const struct potnpu_submit_desc *d, uint32_t nbos,
			int err)
{
	switch (err) {
	case EINVAL:
		return set_error(-EINVAL,
				 "%s: the potnpu driver refused the job (%u-byte command stream at offset %u of buffer %u, %u buffer%s, %u wait syncobj%s): a command is malformed, touches memory outside the listed buffers or writes a read-only one",
				 dev->path, d->cmd_size, d->cmd_offset,
				 d->cmd_bo->handle, nbos, nbos == 1 ? "" : "s",
				 d->wait_count, d->wait_count == 1 ? "" : "s");
	case EIO:
		return set_error(-EIO,
				 "%s: cannot submit: this context was banned after a fault; open the device again",
				 dev->path);
	case ENOENT:
		return set_error(-ENOENT,
				 "%s: cannot submit: the driver does not know one of the job's buffers or syncobjs",
				 dev->path);
	case ENODEV:
		return set_error(-ENODEV,
				 "%s: cannot submit: the device cannot run jobs now (no firmware ready; see potnpu-info)",
				 dev->path);
	case ENOMEM:
		return set_error(-ENOMEM, "%s: cannot submit: out of memory",
				 dev->path);
	default:
		return set_error(-err,
				 "%s: DRM_IOCTL_POTNPU_SUBMIT failed: %s",
				 dev->path, strerror(err));
	}
}

EXPORT int potnpu_submit(struct potnpu_device *dev,
			 const struct potnpu_submit_desc *desc,
			 struct potnpu_job **jobp)
{
	uint32_t handles[POTNPU_MAX_JOB_BOS], nbos = 0;
	struct drm_potnpu_submit s;
	struct potnpu_job *job;
	int err;

	if (!jobp)
		return set_error(-EINVAL, "potnpu_submit: jobp is NULL");
	*jobp = NULL;
	if (!dev || !desc)
		return set_error(-EINVAL, "potnpu_submit: NULL argument");
	err = jobs_supported(dev);
	if (!err)
		err = submit_check(dev, desc);
	if (!err)
		err = submit_handles(desc, handles, &nbos);
	if (err)
		return err;

	job = calloc(1, sizeof(*job));
	if (!job)
		return set_error(-ENOMEM, "%s: cannot submit: out of memory",
				 dev->path);
	job->dev = dev;
	job->syncobj = desc->out_timeline;
	job->point = desc->out_point;
	errno = 0;
	if (!job->point && drmSyncobjCreate(dev->fd, 0, &job->syncobj)) {
		err = errno_or(ENOMEM);
		free(job);
		return set_error(-err, "%s: cannot create a syncobj for the job: %s",
				 dev->path, strerror(err));
	}
	memset(&s, 0, sizeof(s));
	s.cmd_handle = desc->cmd_bo->handle;
	s.cmd_offset = desc->cmd_offset;
	s.cmd_size = desc->cmd_size;
	s.bo_count = nbos;
	s.bo_handles = (uintptr_t)handles;
	s.in_syncobjs = (uintptr_t)desc->wait_syncobjs;
	s.in_syncobj_count = desc->wait_count;
	s.out_syncobj = job->syncobj;
	s.out_point = job->point;
	if (drmIoctl(dev->fd, DRM_IOCTL_POTNPU_SUBMIT, &s)) {
		err = errno_or(EIO);
		potnpu_job_free(job);
		return submit_error(dev, desc, nbos, err);
	}
	if (!s.job_id) {
		potnpu_job_free(job);
		return set_error(-EBADMSG,
				 "%s: the potnpu driver accepted a job without giving it an id",
				 dev->path);
	}
	job->id = s.job_id;
	*jobp = job;
	return 0;
}

EXPORT int potnpu_job_wait(struct potnpu_job *job, uint64_t timeout_ns)
{
	struct timespec now;
	int64_t abs;
	int ret;

	if (!job)
		return set_error(-EINVAL, "potnpu_job_wait: job is NULL");
	if (timeout_ns == UINT64_MAX) {
		abs = INT64_MAX;
	} else {
		clock_gettime(CLOCK_MONOTONIC, &now);
		abs = (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
		abs = timeout_ns > (uint64_t)(INT64_MAX - abs) ? INT64_MAX :
		      abs + (int64_t)timeout_ns;
	}
	errno = 0;
	if (job->point)
		ret = drmSyncobjTimelineWait(job->dev->fd, &job->syncobj,
					     &job->point, 1, abs,
					     DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT,
					     NULL);
	else
		ret = drmSyncobjWait(job->dev->fd, &job->syncobj, 1, abs, 0,
				     NULL);
	if (!ret)
		return 0;
	ret = ret < -1 ? -ret : errno_or(EIO);
	if (ret == ETIME || ret == ETIMEDOUT)
		return set_error(-ETIME,
				 "%s: job %llu did not finish within %llu ns",
				 job->dev->path, (unsigned long long)job->id,
				 (unsigned long long)timeout_ns);
	return set_error(-ret, "%s: waiting for job %llu failed: %s",
			 job->dev->path, (unsigned long long)job->id,
			 strerror(ret));
}

static const char *const job_status_names[] = {
	[DRM_POTNPU_JOB_OK] = "ok",
	[DRM_POTNPU_JOB_ILLEGAL] = "illegal command",
	[DRM_POTNPU_JOB_INVALID] = "bad operand",
	[DRM_POTNPU_JOB_MMU_FAULT] = "MMU fault",
	[DRM_POTNPU_JOB_BUS_ERROR] = "bus error",
	[DRM_POTNPU_JOB_BAD_DESC] = "bad descriptor",
	[DRM_POTNPU_JOB_ABORTED] = "aborted",
};

EXPORT const char *potnpu_job_status_name(uint32_t code)
{
	if (code < sizeof(job_status_names) / sizeof(job_status_names[0]))
		return job_status_names[code];
	if (code == DRM_POTNPU_JOB_TIMEOUT)
		return "timeout";
	if (code == DRM_POTNPU_JOB_CANCELLED)
		return "cancelled";
	return "unknown";
}

static const char *mmu_reason(uint32_t reason)
{
	switch (reason) {
	case POTNPU_MMU_REASON_SLOT:
		return "slot disabled";
	case POTNPU_MMU_REASON_RANGE:
		return "outside the address space";
	case POTNPU_MMU_REASON_NOT_PRESENT:
		return "not mapped";
	case POTNPU_MMU_REASON_READ_ONLY:
		return "read-only page";
	case POTNPU_MMU_REASON_BAD_PTE:
		return "bad page table entry";
	case POTNPU_MMU_REASON_BUS:
		return "page table unreadable";
	default:
		return "unknown reason";
	}
}

EXPORT const char *potnpu_format_job_status(bool done, uint32_t code,
					    uint32_t off, uint32_t info,
					    uint64_t addr, char *buf,
					    size_t len)
{
	if (!buf || !len)
		return buf;
	if (!done) {
		snprintf(buf, len, "pending");
		return buf;
	}
	switch (code) {
	case DRM_POTNPU_JOB_OK:
		snprintf(buf, len, "completed");
		break;
	case DRM_POTNPU_JOB_ILLEGAL:
		snprintf(buf, len, "illegal command 0x%02x at offset %u",
			 info & 0xff, off);
		break;
	case DRM_POTNPU_JOB_INVALID:
		snprintf(buf, len, "bad operand in the command at offset %u",
			 off);
		break;
	case DRM_POTNPU_JOB_MMU_FAULT:
		snprintf(buf, len,
			 "MMU fault at VA 0x%08" PRIx64 " (%s, slot %u, %s) at offset %u",
			 addr, info & POTNPU_MMU_FAULT_WRITE ? "write" : "read",
			 POTNPU_MMU_FAULT_SLOT(info),
			 mmu_reason(POTNPU_MMU_FAULT_REASON(info)), off);
		break;
	case DRM_POTNPU_JOB_BUS_ERROR:
		snprintf(buf, len,
			 "bus error (host memory) in the command at offset %u",
			 off);
		break;
	case DRM_POTNPU_JOB_BAD_DESC:
		snprintf(buf, len, "malformed job descriptor");
		break;
	case DRM_POTNPU_JOB_ABORTED:
		snprintf(buf, len, "aborted by the host at offset %u", off);
		break;
	case DRM_POTNPU_JOB_TIMEOUT:
		snprintf(buf, len,
			 "timeout: the job ran longer than the driver allows and was stopped by a device reset");
		break;
	case DRM_POTNPU_JOB_CANCELLED:
		snprintf(buf, len,
			 "cancelled: the device was reset before the job ran");
		break;
	case DRM_POTNPU_JOB_DEVICE_ERROR:
		snprintf(buf, len,
			 "device error: the device reported a status the driver does not know");
		break;
	default:
		snprintf(buf, len, "unknown status 0x%x at offset %u", code,
			 off);
		break;
	}
	return buf;
}

EXPORT int potnpu_job_status(struct potnpu_job *job,
			     struct potnpu_job_status *st)
{
	struct drm_potnpu_job_status js;
	int err;

	if (!job || !st)
		return set_error(-EINVAL, "potnpu_job_status: NULL argument");
	memset(st, 0, sizeof(*st));
	memset(&js, 0, sizeof(js));
	js.job_id = job->id;
	if (drmIoctl(job->dev->fd, DRM_IOCTL_POTNPU_JOB_STATUS, &js)) {
		err = errno_or(EIO);
		if (err == ENOENT)
			return set_error(-ENOENT,
					 "%s: the driver no longer knows job %llu (it keeps the last 256 of each file)",
					 job->dev->path,
					 (unsigned long long)job->id);
		return set_error(-err,
				 "%s: DRM_IOCTL_POTNPU_JOB_STATUS(job %llu) failed: %s",
				 job->dev->path, (unsigned long long)job->id,
				 strerror(err));
	}
	if (js.job_id != job->id ||
	    (js.state != DRM_POTNPU_JOB_PENDING &&
	     js.state != DRM_POTNPU_JOB_DONE))
		return set_error(-EBADMSG,
				 "%s: the potnpu driver answered the status of job %llu with job %llu, state %u",
				 job->dev->path, (unsigned long long)job->id,
				 (unsigned long long)js.job_id, js.state);
	st->done = js.state == DRM_POTNPU_JOB_DONE;
	if (st->done) {
		st->code = js.status;
		st->err_offset = js.err_offset;
		st->err_info = js.err_info;
		st->fault_addr = js.fault_addr;
	}
	potnpu_format_job_status(st->done, st->code, st->err_offset,
				 st->err_info, st->fault_addr, st->message,
				 sizeof(st->message));
	return 0;
}

EXPORT uint64_t potnpu_job_id(const struct potnpu_job *job)
{
	return job ? job->id : 0;
}

EXPORT uint32_t potnpu_job_syncobj(const struct potnpu_job *job)
{
	return job && !job->point ? job->syncobj : 0;
}

EXPORT void potnpu_job_free(struct potnpu_job *job)
{
	if (!job)
		return;
	if (!job->point)
		drmSyncobjDestroy(job->dev->fd, job->syncobj);
	free(job);
}

EXPORT int potnpu_syncobj_create(struct potnpu_device *dev,
				 uint32_t *handlep)
{
	int err;

	if (!dev || !handlep)
		return set_error(-EINVAL, "potnpu_syncobj_create: NULL argument");
	*handlep = 0;
	errno = 0;
	if (drmSyncobjCreate(dev->fd, 0, handlep)) {
		err = errno_or(ENOMEM);
		*handlep = 0;
		return set_error(-err, "%s: cannot create a syncobj: %s",
				 dev->path, strerror(err));
	}
	return 0;
}

EXPORT void potnpu_syncobj_destroy(struct potnpu_device *dev, uint32_t handle)
{
	if (dev && handle)
		drmSyncobjDestroy(dev->fd, handle);
}

/* ---- capabilities ------------------------------------------------------ */

static const struct {
	uint64_t bit;
	const char *name;
	const char *desc;
} caps[] = {
	{ DRM_POTNPU_CAP_IRQ, "IRQ",
	  "interrupt path (MSI-X) passed its self-test" },
	{ DRM_POTNPU_CAP_FIRMWARE, "FIRMWARE",
	  "a validated firmware image was found" },
	{ DRM_POTNPU_CAP_JOBS, "JOBS",
	  "jobs can run (firmware booted, job queue up)" },
	{ DRM_POTNPU_CAP_MODEL_EXEC, "MODEL_EXEC",
	  "layer commands: models can run" },
};

#define NCAPS (sizeof(caps) / sizeof(caps[0]))

EXPORT bool potnpu_has_cap(const struct drm_potnpu_device_info *info,
			   uint64_t cap)
{
	return info && cap && (info->capabilities & cap) == cap;
}

EXPORT const char *potnpu_cap_name(uint64_t cap)
{
	size_t i;

	for (i = 0; i < NCAPS; i++)
		if (caps[i].bit == cap)
			return caps[i].name;
	return NULL;
}

EXPORT const char *potnpu_cap_description(uint64_t cap)
{
	size_t i;

	for (i = 0; i < NCAPS; i++)
		if (caps[i].bit == cap)
			return caps[i].desc;
	return "unknown capability";
}

EXPORT uint64_t potnpu_known_caps(void)
{
	uint64_t mask = 0;
	size_t i;

	for (i = 0; i < NCAPS; i++)
		mask |= caps[i].bit;
	return mask;
}

EXPORT const char *potnpu_format_caps(uint64_t bits, char *buf, size_t len)
{
	size_t used = 0;
	unsigned int i;
	char name[16];
	int n;

	if (!buf || !len)
		return buf;
	buf[0] = '\0';
	if (!bits) {
		snprintf(buf, len, "none");
		return buf;
	}
	for (i = 0; i < 64; i++) {
		const char *s;

		if (!(bits & (1ull << i)))
			continue;
		s = potnpu_cap_name(1ull << i);
		if (!s) {
			snprintf(name, sizeof(name), "bit%u", i);
			s = name;
		}
		n = snprintf(buf + used, len - used, "%s%s", used ? "," : "", s);
		if (n < 0 || (size_t)n >= len - used) {
			/* Cut: end with "..." if there is room for it. */
			if (len >= 4)
				memcpy(buf + len - 4, "...", 4);
			else
				buf[len - 1] = '\0';
			return buf;
		}
		used += (size_t)n;
	}
	return buf;
}

EXPORT int potnpu_require_cap(struct potnpu_device *dev, uint64_t cap)
{
	struct drm_potnpu_device_info info;
	char have[96], want[96];
	int err;

	err = potnpu_query_device_info(dev, &info, sizeof(info));
	if (err)
		return err;
	if (potnpu_has_cap(&info, cap))
		return 0;
	return set_error(-EOPNOTSUPP,
			 "%s does not support %s (capability missing; it has: %s)",
			 dev->path, potnpu_format_caps(cap & ~info.capabilities,
						       want, sizeof(want)),
			 potnpu_format_caps(info.capabilities, have,
					    sizeof(have)));
}

/* ---- formatting -------------------------------------------------------- */

EXPORT const char *potnpu_format_fw_version(uint32_t v, char *buf, size_t len)
{
	if (!buf || !len)
		return buf;
	if (!v)
		snprintf(buf, len, "none");
	else
		snprintf(buf, len, "%u.%u.%u", POTNPU_FW_VER_MAJOR(v),
			 POTNPU_FW_VER_MINOR(v), POTNPU_FW_VER_PATCH(v));
	return buf;
}

EXPORT const char *potnpu_format_version16(uint32_t v, char *buf, size_t len)
{
	if (buf && len)
		snprintf(buf, len, "%u.%u", v >> 16, v & 0xffff);
	return buf;
}

EXPORT const char *potnpu_format_bus_id(uint32_t id, char *buf, size_t len)
{
	if (buf && len)
		snprintf(buf, len, "%04x:%02x:%02x.%x", id >> 16,
			 (id >> 8) & 0xff, (id >> 3) & 0x1f, id & 7);
	return buf;
}
