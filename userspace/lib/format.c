// SPDX-License-Identifier: MIT
/*
 * libpotnpu formatting: firmware versions, uapi-style versions and PCI bus
 * ids as people read them.
 */
#include <stdio.h>

#include "libpotnpu_priv.h"
#include "potnpu_fw_image.h"

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
