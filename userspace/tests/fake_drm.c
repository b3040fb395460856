// SPDX-License-Identifier: MIT
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fake_drm.h"
#include "libpotnpu.h"
#include "potnpu_fw_image.h"

struct drm_potnpu_device_info fake_info;
uint32_t fake_query_sizes[64];
size_t fake_nqueries;

static struct fake_node nodes[FAKE_MAX_NODES];
static size_t nnodes;
static bool loaded;

void fake_drm_reset(void)
{
	nnodes = 0;
	fake_nqueries = 0;
	loaded = true;
	memset(&fake_info, 0, sizeof(fake_info));
	fake_info.pci_vendor = 0x1234;
	fake_info.pci_device = 0x9e70;
	fake_info.pci_revision = 1;
	fake_info.hw_version = 1u << 16;
	fake_info.hw_caps = 0x3;
	fake_info.fw_version = POTNPU_FW_VER(0, 1, 0);
	fake_info.fw_abi_version = POTNPU_FW_ABI_VERSION;
	fake_info.uapi_version = DRM_POTNPU_UAPI_MAJOR << 16 |
				 DRM_POTNPU_UAPI_MINOR;
	fake_info.capabilities = DRM_POTNPU_CAP_IRQ | DRM_POTNPU_CAP_FIRMWARE;
	fake_info.pci_bus_id = 0x18;	/* 0000:00:03.0 */
}

void fake_drm_add(const char *target, const char *name, int major, int minor,
		  enum fake_mode mode, uint32_t answer_size, uint64_t caps)
{
	struct fake_node *n;

	if (nnodes == FAKE_MAX_NODES)
		abort();
	n = &nodes[nnodes++];
	memset(n, 0, sizeof(*n));
	snprintf(n->target, sizeof(n->target), "%s", target);
	snprintf(n->name, sizeof(n->name), "%s", name);
	n->major = major;
	n->minor = minor;
	n->mode = mode;
	n->answer_size = answer_size;
	n->caps = caps;
}

int fake_drm_from_env(void)
{
	const char *env = getenv("POTNPU_FAKE_DRM");
	char *copy, *entry, *save = NULL;
	int count = 0;

	fake_drm_reset();
	if (!env)
		return 0;
	copy = strdup(env);
	if (!copy)
		return -1;
	for (entry = strtok_r(copy, ";", &save); entry;
	     entry = strtok_r(NULL, ";", &save)) {
		char dev[16], name[16], target[32];
		int major, minor;
		long long caps;

		if (sscanf(entry, "%15[^:]:%15[^:]:%d.%d:%lli", dev, name,
			   &major, &minor, &caps) != 5) {
			free(copy);
			return -1;
		}
		snprintf(target, sizeof(target), "/dev/%s", dev);
		fake_drm_add(target, name, major, minor, FAKE_OK,
			     POTNPU_DEVICE_INFO_MIN_SIZE, (uint64_t)caps);
		count++;
	}
	free(copy);
	return count;
}

static const struct fake_node *node_of(int fd)
{
	char link[64], target[PATH_MAX];
	ssize_t n;
	size_t i;

	if (!loaded)
		fake_drm_from_env();
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0)
		return NULL;
	target[n] = '\0';
	for (i = 0; i < nnodes; i++)
		if (!strcmp(nodes[i].target, target))
			return &nodes[i];
	return NULL;
}

drmVersionPtr __wrap_drmGetVersion(int fd)
{
	const struct fake_node *n = node_of(fd);
	drmVersionPtr v;

	if (!n) {
		errno = ENOTTY;
		return NULL;
	}
	v = calloc(1, sizeof(*v));
	if (!v)
		return NULL;
	v->version_major = n->major;
	v->version_minor = n->minor;
	v->version_patchlevel = 3;
	v->name = strdup(n->name);
	v->name_len = (int)strlen(n->name);
	v->date = strdup("20261123");
	v->date_len = 8;
	v->desc = strdup("fake potnpu driver");
	v->desc_len = (int)strlen("fake potnpu driver");
	return v;
}

void __wrap_drmFreeVersion(drmVersionPtr v)
{
	if (!v)
		return;
	free(v->name);
	free(v->date);
	free(v->desc);
	free(v);
}

int __wrap_drmIoctl(int fd, unsigned long request, void *arg)
{
	const struct fake_node *n = node_of(fd);
	struct drm_potnpu_query *q = arg;
	struct drm_potnpu_device_info info = fake_info;
	uint8_t answer[256];
	uint32_t k, w;

	if (!n || request != DRM_IOCTL_POTNPU_QUERY ||
	    n->mode == FAKE_NO_QUERY) {
		errno = ENOTTY;
		return -1;
	}
	if (fake_nqueries < sizeof(fake_query_sizes) / sizeof(fake_query_sizes[0]))
		fake_query_sizes[fake_nqueries++] = q->size;
	if (q->flags || q->pad || q->param != DRM_POTNPU_QUERY_DEVICE_INFO) {
		errno = EINVAL;
		return -1;
	}
	k = n->answer_size;
	if (k > sizeof(answer))
		abort();
	if (n->caps)
		info.capabilities = n->caps;
	/* The driver's answer: the known fields, then 0xa5 for newer ones. */
	memset(answer, 0xa5, sizeof(answer));
	memcpy(answer, &info, sizeof(info) < k ? sizeof(info) : k);

	if (q->size == 0) {
		q->size = n->mode == FAKE_SHORT_SIZE ? 16 : k;
		return 0;
	}
	if (q->size < POTNPU_DEVICE_INFO_MIN_SIZE) {
		errno = EINVAL;
		return -1;
	}
	w = q->size < k ? q->size : k;
	memcpy((void *)(uintptr_t)q->data, answer, w);
	if (q->size > w && n->mode != FAKE_NO_ZERO_TAIL)
		memset((uint8_t *)(uintptr_t)q->data + w, 0, q->size - w);
	q->size = n->mode == FAKE_OVERRUN ? q->size + 8 :
		  n->mode == FAKE_SHORT_SIZE ? 16 : w;
	return 0;
}
