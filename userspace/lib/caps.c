// SPDX-License-Identifier: MIT
/*
 * libpotnpu capabilities: the names and meanings of the device-info
 * capability bits, and checks that a device has them.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "libpotnpu_priv.h"

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
	return lib_set_error(-EOPNOTSUPP,
			     "%s does not support %s (capability missing; it has: %s)",
			     dev->path, potnpu_format_caps(cap & ~info.capabilities,
						       want, sizeof(want)),
			     potnpu_format_caps(info.capabilities, have,
					    sizeof(have)));
}
