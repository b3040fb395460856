// SPDX-License-Identifier: MIT
/*
 * libpotnpu errors: the per-thread last-error text and a short sentence
 * for each error code.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "libpotnpu_priv.h"

static _Thread_local char last_error[512] = "no error";

int lib_set_error(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last_error, sizeof(last_error), fmt, ap);
	va_end(ap);
	return err;
}

int lib_errno_or(int fallback)
{
	return errno ? errno : fallback;
}

EXPORT const char *potnpu_last_error(void)
{
	return last_error;
}

/* What the codes mean in libpotnpu (libpotnpu.h lists them). */
static const struct {
	int err;
	const char *text;
} error_texts[] = {
	{ 0, "success" },
	{ ENODEV, "no potnpu device found" },
	{ ENOENT, "no such device node or directory" },
	{ ENOTDIR, "the accel directory is not a directory" },
	{ EACCES, "permission denied opening the device node" },
	{ ENOTTY, "not a DRM device" },
	{ ENXIO, "the DRM device is not driven by potnpu" },
	{ EPROTO, "potnpu driver version incompatible with this library" },
	{ EBADMSG, "malformed answer from the potnpu driver" },
	{ EOPNOTSUPP, "the device or its driver does not support this" },
	{ ENOSPC, "device address space exhausted" },
	{ EINVAL, "invalid argument" },
	{ ENOMEM, "out of memory" },
	{ EIO, "the device file was banned after a job fault" },
	{ ETIME, "timed out" },
};

EXPORT const char *potnpu_strerror(int err)
{
	size_t i;

	if (err < 0)
		err = -err;
	for (i = 0; i < sizeof(error_texts) / sizeof(error_texts[0]); i++)
		if (error_texts[i].err == err)
			return error_texts[i].text;
	return strerror(err);
}
