// SPDX-License-Identifier: MIT
/*
 * libpotnpu queries: the driver's query ioctl and the device-info answer,
 * negotiated in size between library and driver.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "libpotnpu_priv.h"

EXPORT int potnpu_query(struct potnpu_device *dev, uint32_t param, void *data,
			uint32_t size, uint32_t *written)
{
	struct drm_potnpu_query q;
	int err;

	if (!dev)
		return lib_set_error(-EINVAL, "potnpu_query: dev is NULL");
	if (!data && size)
		return lib_set_error(-EINVAL, "potnpu_query: %u-byte buffer is NULL",
				     size);
	memset(&q, 0, sizeof(q));
	q.param = param;
	q.size = data ? size : 0;
	q.data = (uintptr_t)data;
	if (drmIoctl(dev->fd, DRM_IOCTL_POTNPU_QUERY, &q)) {
		err = lib_errno_or(EIO);
		return lib_set_error(-err,
				     "%s: DRM_IOCTL_POTNPU_QUERY(param %u, %u bytes) failed: %s",
				     dev->path, param, q.size, strerror(err));
	}
	if (q.size && size && q.size > size)
		return lib_set_error(-EBADMSG,
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
		return lib_set_error(-EINVAL,
				     "potnpu_query_device_info: NULL argument");
	if (size < POTNPU_DEVICE_INFO_MIN_SIZE || size > UINT32_MAX)
		return lib_set_error(-EINVAL,
				     "potnpu_query_device_info: a %zu-byte buffer cannot hold the %u-byte device info",
				     size, POTNPU_DEVICE_INFO_MIN_SIZE);
	memset(info, 0, size);
	err = potnpu_query(dev, DRM_POTNPU_QUERY_DEVICE_INFO, info,
			   (uint32_t)size, &written);
	if (err)
		return err;
	if (written < POTNPU_DEVICE_INFO_MIN_SIZE) {
		memset(info, 0, size);
		return lib_set_error(-EBADMSG,
				     "%s: the potnpu driver answered %u bytes of device info, less than the %u-byte first version",
				     dev->path, written, POTNPU_DEVICE_INFO_MIN_SIZE);
	}
	/* Whatever the driver did not write is zero, as documented. */
	if (written < size)
		memset((char *)info + written, 0, size - written);
	major = info->uapi_version >> 16;
	if (major != DRM_POTNPU_UAPI_MAJOR)
		return lib_set_error(-EPROTO,
				     "%s: the potnpu driver reports uapi %u.%u, libpotnpu %s speaks uapi %d.x",
				     dev->path, major, info->uapi_version & 0xffff,
				     LIB_VERSION_STRING, DRM_POTNPU_UAPI_MAJOR);
	return 0;
}
