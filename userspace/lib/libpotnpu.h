/* SPDX-License-Identifier: MIT */
/**
 * libpotnpu - userspace access to potnpu shift-add neural processors.
 *
 * The library finds potnpu devices among the DRM accel nodes
 * (/dev/accel/accelN), opens them and talks to the potnpu kernel driver
 * through the ioctls of potnpu_accel.h, over libdrm.
 *
 * Error convention: every function that can fail returns 0 (or a count, where
 * documented) on success and a negative errno value on failure. The code
 * says what kind of failure it was (potnpu_strerror() turns it into a short
 * sentence); potnpu_last_error() gives the full story of the last failure
 * in the calling thread, with paths and versions, ready to show to a user:
 *
 *	struct potnpu_device *dev;
 *	int err = potnpu_open_index(0, &dev);
 *	if (err) {
 *		fprintf(stderr, "%s\n", potnpu_last_error());
 *		// e.g. "no potnpu device found in /dev/accel
 *		//       (is the potnpu module loaded?)"
 *		return err == -ENODEV ? 69 : 1;
 *	}
 *
 * Error codes and what they mean here:
 *  -ENODEV	no potnpu device found (or no device with that index)
 *  -ENOENT	the path given does not exist
 *  -ENOTDIR	the accel directory (POTNPU_ACCEL_DIR) is not a directory
 *  -EACCES	permission denied opening a device node
 *  -ENOTTY	the node is not a DRM device
 *  -ENXIO	the node is a DRM device driven by another driver
 *  -EPROTO	the potnpu driver speaks an incompatible uapi version (too
 *		old or too new for this library)
 *  -EBADMSG	the driver returned a malformed answer
 *  -EOPNOTSUPP	the device lacks a capability the caller asked for, or
 *		its driver's uapi minor predates the call (e.g. buffer
 *		objects on a uapi 0.0 driver)
 *  -ENOSPC	the device address space has no room for a buffer
 *  -EINVAL	invalid argument (NULL pointer, buffer too small, ...)
 *  -ENOMEM	out of memory
 * Other values are errno codes passed through from the system.
 *
 * Thread safety: distinct devices may be used from distinct threads
 * freely; one device must not be used from two threads at once. The
 * last-error text is per thread.
 */
#ifndef LIBPOTNPU_H
#define LIBPOTNPU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "potnpu_accel.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LIBPOTNPU_VERSION_MAJOR	0
#define LIBPOTNPU_VERSION_MINOR	1
#define LIBPOTNPU_VERSION_PATCH	0

/** Where DRM accel nodes live unless POTNPU_ACCEL_DIR says otherwise. */
#define POTNPU_DEFAULT_ACCEL_DIR	"/dev/accel"
/** Environment variable overriding the accel directory (used by tests). */
#define POTNPU_ACCEL_DIR_ENV		"POTNPU_ACCEL_DIR"

/** DRM driver name of potnpu devices. */
#define POTNPU_DRIVER_NAME		"potnpu"

/**
 * POTNPU_DEVICE_INFO_MIN_SIZE - size of the first version of
 * &struct drm_potnpu_device_info (up to and including @pad1); every driver
 * answers at least this much.
 */
#define POTNPU_DEVICE_INFO_MIN_SIZE	48u

/**
 * potnpu_version() - version of the library
 *
 * Return: "MAJOR.MINOR.PATCH" of the libpotnpu actually loaded.
 */
const char *potnpu_version(void);

/**
 * potnpu_strerror() - short description of an error code
 * @err: a negative (or positive) errno value returned by this library
 *
 * Return: a static, never NULL, English sentence fragment describing what
 * the code means for potnpu (e.g. -ENODEV: "no potnpu device found").
 */
const char *potnpu_strerror(int err);

/**
 * potnpu_last_error() - detailed message of the last failure in this thread
 *
 * Only meaningful right after a function of this library returned a
 * negative value; successful calls do not clear it.
 *
 * Return: a thread-local string, valid until the next libpotnpu call in
 * the same thread. Never NULL.
 */
const char *potnpu_last_error(void);

/**
 * potnpu_accel_dir() - the directory scanned for accel nodes
 *
 * Return: $POTNPU_ACCEL_DIR if set and non-empty, else "/dev/accel".
 */
const char *potnpu_accel_dir(void);

/* ---- enumeration ------------------------------------------------------ */

/** struct potnpu_device_list - opaque list of potnpu device nodes */
struct potnpu_device_list;

/**
 * potnpu_list_devices() - find the potnpu devices
 * @listp: receives the list, to be released with potnpu_list_free()
 *
 * Scans potnpu_accel_dir() for nodes named accelN, opens each one, asks the
 * DRM core for its driver name and keeps those driven by "potnpu", sorted
 * by N. Index i of the list is device index i everywhere (potnpu_open_index,
 * the tools' --device option). Nodes of other drivers are skipped; potnpu
 * nodes whose driver version is incompatible are listed (opening them
 * reports the incompatibility).
 *
 * Return: 0 with at least one device; -ENODEV when none is found (the
 * directory is empty, missing, or holds no potnpu node: potnpu_last_error()
 * says which and why nodes were skipped); -ENOTDIR, -EACCES, -ENOMEM. On
 * error *listp is NULL.
 */
int potnpu_list_devices(struct potnpu_device_list **listp);

/** potnpu_list_count() - number of devices in @list (0 for NULL) */
size_t potnpu_list_count(const struct potnpu_device_list *list);

/**
 * potnpu_list_path() - device node path of entry @index
 *
 * Return: the path, owned by @list, or NULL if @index is out of range.
 */
const char *potnpu_list_path(const struct potnpu_device_list *list,
			     size_t index);

/** potnpu_list_free() - release a list (NULL is fine) */
void potnpu_list_free(struct potnpu_device_list *list);

/* ---- devices ---------------------------------------------------------- */

/** struct potnpu_device - opaque handle of an open potnpu device */
struct potnpu_device;

/**
 * struct potnpu_driver_info - the DRM driver's identity (DRM_IOCTL_VERSION)
 * @major: driver major version, the uapi major (DRM_POTNPU_UAPI_MAJOR)
 * @minor: driver minor version, the uapi minor
 * @patch: driver patch level
 * @name: driver name ("potnpu")
 * @date: driver date string
 * @desc: driver description
 */
struct potnpu_driver_info {
	int major;
	int minor;
	int patch;
	char name[32];
	char date[32];
	char desc[128];
};

/**
 * potnpu_open() - open a potnpu device node
 * @path: e.g. "/dev/accel/accel0"
 * @devp: receives the handle, to be released with potnpu_close()
 *
 * Checks that @path is a character device driven by the potnpu DRM driver
 * whose uapi this library speaks (the same major; any minor), and that
 * the driver answers the device-info query. A driver with an older minor
 * than the header this library was built with is accepted: the calls it
 * implements work, and a call that needs a newer minor fails with
 * -EOPNOTSUPP and a message naming the uapi version it needs.
 *
 * Return: 0, or -ENOENT, -EACCES, -ENOTTY (not a DRM device), -ENXIO
 * (another driver), -EPROTO (another uapi major), -EBADMSG, -EINVAL,
 * -ENOMEM or a system errno. On error *devp is NULL.
 */
int potnpu_open(const char *path, struct potnpu_device **devp);

/**
 * potnpu_open_index() - open the @index-th device of potnpu_list_devices()
 *
 * Return: as potnpu_open(); -ENODEV when there is no device with that
 * index.
 */
int potnpu_open_index(unsigned int index, struct potnpu_device **devp);

/** potnpu_close() - close a device (NULL is fine) */
void potnpu_close(struct potnpu_device *dev);

/** potnpu_fd() - the DRM file descriptor, for ioctls the library lacks */
int potnpu_fd(const struct potnpu_device *dev);

/** potnpu_path() - the node path the device was opened with */
const char *potnpu_path(const struct potnpu_device *dev);

/** potnpu_driver() - identity of the driver behind @dev */
const struct potnpu_driver_info *potnpu_driver(const struct potnpu_device *dev);

/**
 * potnpu_query() - raw DRM_IOCTL_POTNPU_QUERY with size negotiation
 * @dev: device
 * @param: a &enum drm_potnpu_query_param value
 * @data: buffer, or NULL with @size 0 to ask for the size of the answer
 * @size: size of @data in bytes
 * @written: receives the bytes the driver wrote (or would write, when
 *	@size is 0); may be NULL
 *
 * Return: 0, -EINVAL (bad arguments, or the driver rejected the query: an
 * unknown @param or a buffer smaller than the first version of the
 * answer), -EBADMSG (the driver claims to have written more than @size),
 * or the ioctl's errno.
 */
int potnpu_query(struct potnpu_device *dev, uint32_t param, void *data,
		 uint32_t size, uint32_t *written);

/**
 * potnpu_query_device_info() - identity, versions and capabilities
 * @dev: device
 * @info: receives the answer
 * @size: sizeof(*info) as the caller was compiled; at least
 *	POTNPU_DEVICE_INFO_MIN_SIZE
 *
 * Fields the running driver does not know (a newer struct than the
 * driver's) are zero; fields the caller does not know (an older struct
 * than the driver's) are not written.
 *
 * Return: 0, -EINVAL, -EBADMSG (short or oversized answer), -EPROTO (the
 * answer reports a uapi major other than the library's) or the ioctl's
 * errno.
 */
int potnpu_query_device_info(struct potnpu_device *dev,
			     struct drm_potnpu_device_info *info, size_t size);

/* ---- buffer objects --------------------------------------------------- */

/**
 * struct potnpu_bo - opaque handle of a buffer object
 *
 * A buffer object is zeroed memory (GEM shmem) mapped into the device
 * address space of the potnpu_device it was created on, at potnpu_bo_va().
 * It belongs to that device: free every buffer before potnpu_close(), and
 * use a buffer only from the thread using its device.
 */
struct potnpu_bo;

/** Flag of potnpu_bo_create(): the device may only read the buffer. */
#define POTNPU_BO_READ_ONLY	DRM_POTNPU_BO_READ_ONLY
/** Largest buffer, in bytes (256 MiB). */
#define POTNPU_BO_MAX_SIZE	DRM_POTNPU_BO_MAX_SIZE

/**
 * potnpu_bo_create() - allocate a buffer object (DRM_IOCTL_POTNPU_BO_CREATE)
 * @dev: device whose address space gets the buffer
 * @size: bytes, 1..POTNPU_BO_MAX_SIZE; rounded up to whole pages
 *	(potnpu_bo_size() tells the result)
 * @flags: 0 or POTNPU_BO_READ_ONLY (the device cannot write it; the CPU
 *	mapping is writable either way)
 * @bop: receives the buffer, to be released with potnpu_bo_free()
 *
 * The buffer is zeroed and already mapped for the device when this
 * returns; map it for the CPU with potnpu_bo_map().
 *
 * Return: 0, or
 *  -EINVAL	NULL argument, size 0 ("buffer size 0 is invalid ..."),
 *		size above the maximum, unknown flags; or the driver refused
 *		the request (it may predate buffer objects)
 *  -ENOSPC	"device address space exhausted": no free range that large
 *		in @dev's address space
 *  -ENOMEM	out of memory (host or kernel)
 *  -EOPNOTSUPP	the driver's uapi is older than 0.1 (no buffer objects)
 *  -EBADMSG	the driver's answer is malformed (no handle, unaligned
 *		address, wrong size)
 *  or another errno of the ioctl. On error *bop is NULL.
 */
int potnpu_bo_create(struct potnpu_device *dev, size_t size, uint32_t flags,
		     struct potnpu_bo **bop);

/**
 * potnpu_bo_map() - CPU mapping of a buffer
 * @bo: buffer
 * @ptrp: receives the address of potnpu_bo_size() readable and writable
 *	bytes, shared with the device
 *
 * The first call asks the driver for the buffer's mmap offset
 * (DRM_IOCTL_POTNPU_BO_INFO) and maps it; later calls return the same
 * address. The mapping lasts until potnpu_bo_free().
 *
 * Return: 0, -EINVAL (NULL argument), -EBADMSG (the driver's description
 * of the buffer disagrees with its creation), -ENOENT (the driver does not
 * know the buffer), -ENOMEM (mmap failed for lack of memory or address
 * space), or another errno of the ioctl or mmap(). On error *ptrp is NULL.
 */
int potnpu_bo_map(struct potnpu_bo *bo, void **ptrp);

/**
 * potnpu_bo_free() - unmap and release a buffer (NULL is fine)
 *
 * Removes the CPU mapping, if any, and closes the GEM handle
 * (DRM_IOCTL_GEM_CLOSE); the driver frees the memory and the device
 * address range once no job uses them.
 */
void potnpu_bo_free(struct potnpu_bo *bo);

/** potnpu_bo_va() - device virtual address of @bo (0 for NULL) */
uint64_t potnpu_bo_va(const struct potnpu_bo *bo);

/** potnpu_bo_size() - size of @bo in bytes, whole pages (0 for NULL) */
size_t potnpu_bo_size(const struct potnpu_bo *bo);

/**
 * potnpu_bo_handle() - GEM handle of @bo on potnpu_fd() (0 for NULL), for
 * ioctls that take buffer handles
 */
uint32_t potnpu_bo_handle(const struct potnpu_bo *bo);

/** potnpu_bo_flags() - the POTNPU_BO_* flags @bo was created with */
uint32_t potnpu_bo_flags(const struct potnpu_bo *bo);

/* ---- capabilities ----------------------------------------------------- */

/** potnpu_has_cap() - whether @info reports every bit of @cap */
bool potnpu_has_cap(const struct drm_potnpu_device_info *info, uint64_t cap);

/**
 * potnpu_require_cap() - fail clearly unless @dev has capability @cap
 *
 * Queries the device. Return: 0, -EOPNOTSUPP with a message naming the
 * device and the missing capability, or a query error.
 */
int potnpu_require_cap(struct potnpu_device *dev, uint64_t cap);

/**
 * potnpu_cap_name() - short name of a single DRM_POTNPU_CAP_* bit
 *
 * Return: "IRQ", "FIRMWARE", "JOBS", "MODEL_EXEC", or NULL if @cap is not
 * exactly one known bit.
 */
const char *potnpu_cap_name(uint64_t cap);

/** potnpu_cap_description() - one-line description of a capability bit */
const char *potnpu_cap_description(uint64_t cap);

/** potnpu_known_caps() - mask of the capability bits this library knows */
uint64_t potnpu_known_caps(void);

/**
 * potnpu_format_caps() - "IRQ,FIRMWARE" style list of @caps
 *
 * Unknown bits appear as "bitN"; no bit gives "none". The result is
 * truncated to fit @len (with "..." at the end when it was cut).
 *
 * Return: @buf.
 */
const char *potnpu_format_caps(uint64_t caps, char *buf, size_t len);

/* ---- version helpers -------------------------------------------------- */

/**
 * potnpu_format_fw_version() - "MAJOR.MINOR.PATCH" of a firmware or
 * firmware-ABI version (8.8.16-bit packing of POTNPU_FW_VER), or "none"
 * for 0. Return: @buf.
 */
const char *potnpu_format_fw_version(uint32_t version, char *buf, size_t len);

/**
 * potnpu_format_version16() - "MAJOR.MINOR" of a 16.16-bit packed version
 * (hw_version, uapi_version). Return: @buf.
 */
const char *potnpu_format_version16(uint32_t version, char *buf, size_t len);

/**
 * potnpu_format_bus_id() - "DDDD:BB:DD.F" PCI address of a pci_bus_id
 * (domain << 16 | bus << 8 | devfn). Return: @buf.
 */
const char *potnpu_format_bus_id(uint32_t bus_id, char *buf, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* LIBPOTNPU_H */
