// SPDX-License-Identifier: GPL-2.0
/* Helpers shared by the potnpu guest selftests. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/klog.h>
#include <sys/wait.h>
#include <unistd.h>

#include "potnpu_test_util.h"

static bool is_potnpu(int fd)
{
	char name[32] = "";
	struct drm_version v = {
		.name = name,
		.name_len = sizeof(name) - 1,
	};

	if (ioctl(fd, DRM_IOCTL_VERSION, &v))
		return false;
	return strcmp(name, "potnpu") == 0;
}

int potnpu_open_node(int start, int *index)
{
	char path[64];
	int i, fd;

	for (i = start; i < POTNPU_MAX_NODES; i++) {
		snprintf(path, sizeof(path), "/dev/accel/accel%d", i);
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (is_potnpu(fd)) {
			if (index)
				*index = i;
			return fd;
		}
		close(fd);
	}
	return -1;
}

int potnpu_count_nodes(void)
{
	int n = 0, i = 0, fd;

	while ((fd = potnpu_open_node(i, &i)) >= 0) {
		close(fd);
		n++;
		i++;
	}
	return n;
}

int potnpu_query(int fd, struct drm_potnpu_query *q)
{
	return ioctl(fd, DRM_IOCTL_POTNPU_QUERY, q) ? errno : 0;
}

int potnpu_query_info(int fd, struct drm_potnpu_device_info *info)
{
	struct drm_potnpu_query q = {
		.param = DRM_POTNPU_QUERY_DEVICE_INFO,
		.size = sizeof(*info),
		.data = (uintptr_t)info,
	};

	memset(info, 0, sizeof(*info));
	return potnpu_query(fd, &q);
}

int potnpu_system(const char *fmt, ...)
{
	char cmd[512];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	st = system(cmd);
	if (st == -1 || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

void potnpu_klog_clear(void)
{
	klogctl(5 /* SYSLOG_ACTION_CLEAR */, NULL, 0);
}

bool potnpu_klog_contains(const char *needle)
{
	int len = klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0);
	bool found = false;
	char *buf;
	int n;

	if (len <= 0)
		return false;
	buf = calloc(1, (size_t)len + 1);
	if (!buf)
		return false;
	n = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, buf, len);
	if (n > 0) {
		buf[n] = '\0';
		found = strstr(buf, needle) != NULL;
	}
	free(buf);
	return found;
}

uint8_t *potnpu_read_file(const char *path, size_t max, size_t *size)
{
	uint8_t *buf = malloc(max);
	ssize_t n = -1;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (buf && fd >= 0)
		n = read(fd, buf, max);
	if (fd >= 0)
		close(fd);
	if (n < 0) {
		free(buf);
		return NULL;
	}
	*size = (size_t)n;
	return buf;
}

int potnpu_write_file(const char *path, const void *data, size_t size)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, data, size);
	close(fd);
	return n == (ssize_t)size ? 0 : -EIO;
}

uint32_t potnpu_le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}
