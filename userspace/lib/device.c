// SPDX-License-Identifier: MIT
/*
 * libpotnpu devices: opening a potnpu node, checking its driver's uapi
 * version, and the open device's accessors.
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "libpotnpu_priv.h"

_Static_assert(offsetof(struct drm_potnpu_device_info, pad1) +
	       sizeof(((struct drm_potnpu_device_info *)0)->pad1) ==
	       POTNPU_DEVICE_INFO_MIN_SIZE,
	       "POTNPU_DEVICE_INFO_MIN_SIZE is not the end of the first version");
_Static_assert(sizeof(struct drm_potnpu_device_info) <= UINT32_MAX,
	       "device info size must fit the query's __u32 size");

EXPORT const char *potnpu_version(void)
{
	return LIB_VERSION_STRING;
}

/* open(2) @path read-write; on failure a short reason goes to @why. */
static int node_open_rdwr(const char *path, int *fdp, char *why,
			  size_t whylen)
{
	int err;

	*fdp = open(path, O_RDWR | O_CLOEXEC | O_NOCTTY);
	if (*fdp >= 0)
		return 0;
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

/* Is the open @fd a DRM character device driven by potnpu? */
static int node_check(int fd, drmVersionPtr *verp, char *why, size_t whylen)
{
	struct stat st;
	drmVersionPtr ver;
	int err;

	if (fstat(fd, &st)) {
		err = errno;
		snprintf(why, whylen, "cannot stat: %s", strerror(err));
		return -err;
	}
	if (!S_ISCHR(st.st_mode)) {
		snprintf(why, whylen, "not a character device");
		return -ENOTTY;
	}
	ver = drmGetVersion(fd);
	if (!ver) {
		snprintf(why, whylen, "not a DRM device");
		return -ENOTTY;
	}
	if (!ver->name || strcmp(ver->name, POTNPU_DRIVER_NAME)) {
		snprintf(why, whylen, "driven by \"%.32s\", not potnpu",
			 ver->name ? ver->name : "");
		drmFreeVersion(ver);
		return -ENXIO;
	}
	*verp = ver;
	return 0;
}

int lib_node_open(const char *path, int *fdp, drmVersionPtr *verp,
		  char *why, size_t whylen)
{
	int fd, err;

	err = node_open_rdwr(path, &fd, why, whylen);
	if (err)
		return err;
	err = node_check(fd, verp, why, whylen);
	if (err) {
		close(fd);
		return err;
	}
	*fdp = fd;
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
 * (lib_require_minor()). A different major is a different interface.
 */
static int check_driver_version(const char *path, const drmVersion *ver)
{
	int major = ver->version_major, minor = ver->version_minor;

	if (major < DRM_POTNPU_UAPI_MAJOR || minor < 0)
		return lib_set_error(-EPROTO,
				     "potnpu driver too old: %s implements uapi %d.%d, libpotnpu %s needs uapi %d.x (update the potnpu kernel module)",
				     path, major, minor, LIB_VERSION_STRING,
				     DRM_POTNPU_UAPI_MAJOR);
	if (major > DRM_POTNPU_UAPI_MAJOR)
		return lib_set_error(-EPROTO,
				     "potnpu driver too new: %s implements uapi %d.%d, libpotnpu %s speaks uapi %d.x only (update libpotnpu)",
				     path, major, minor, LIB_VERSION_STRING,
				     DRM_POTNPU_UAPI_MAJOR);
	return 0;
}

int lib_require_minor(const struct potnpu_device *dev, int minor,
		      const char *what)
{
	if (dev->driver.minor >= minor)
		return 0;
	return lib_set_error(-EOPNOTSUPP,
			     "%s: the potnpu driver implements uapi %d.%d, %s needs uapi %d.%d or later (update the potnpu kernel module)",
			     dev->path, dev->driver.major, dev->driver.minor,
			     what, DRM_POTNPU_UAPI_MAJOR, minor);
}

/* A device for the open @fd at @path, NULL when out of memory. */
static struct potnpu_device *device_new(const char *path, int fd,
					const drmVersion *ver)
{
	struct potnpu_device *dev;

	dev = calloc(1, sizeof(*dev));
	if (!dev || !(dev->path = strdup(path))) {
		free(dev);
		return NULL;
	}
	dev->fd = fd;
	dev->driver.major = ver->version_major;
	dev->driver.minor = ver->version_minor;
	dev->driver.patch = ver->version_patchlevel;
	copy_str(dev->driver.name, sizeof(dev->driver.name), ver->name);
	copy_str(dev->driver.date, sizeof(dev->driver.date), ver->date);
	copy_str(dev->driver.desc, sizeof(dev->driver.desc), ver->desc);
	return dev;
}

/* Size negotiation, step one: how much does this driver answer? */
static int negotiate_info_size(struct potnpu_device *dev)
{
	uint32_t size;
	int err;

	err = potnpu_query(dev, DRM_POTNPU_QUERY_DEVICE_INFO, NULL, 0, &size);
	if (err)
		return lib_set_error(-EPROTO,
				     "%s: the potnpu driver (uapi %d.%d) rejected the device-info query: %s",
				     dev->path, dev->driver.major,
				     dev->driver.minor, strerror(-err));
	if (size < POTNPU_DEVICE_INFO_MIN_SIZE)
		return lib_set_error(-EBADMSG,
				     "%s: the potnpu driver reports a %u-byte device-info answer, less than the %u-byte first version",
				     dev->path, size,
				     POTNPU_DEVICE_INFO_MIN_SIZE);
	dev->info_size = size;
	return 0;
}

EXPORT int potnpu_open(const char *path, struct potnpu_device **devp)
{
	struct potnpu_device *dev = NULL;
	drmVersionPtr ver;
	char why[128];
	int fd, err;

	if (!devp)
		return lib_set_error(-EINVAL, "potnpu_open: devp is NULL");
	*devp = NULL;
	if (!path || !*path)
		return lib_set_error(-EINVAL, "potnpu_open: no device path given");

	err = lib_node_open(path, &fd, &ver, why, sizeof(why));
	if (err)
		return lib_set_error(err, "%s: %s", path, why);
	err = check_driver_version(path, ver);
	if (!err) {
		dev = device_new(path, fd, ver);
		if (!dev)
			err = lib_set_error(-ENOMEM, "%s: out of memory", path);
	}
	drmFreeVersion(ver);
	if (err) {
		close(fd);
		return err;
	}
	err = negotiate_info_size(dev);
	if (err) {
		potnpu_close(dev);
		return err;
	}
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
