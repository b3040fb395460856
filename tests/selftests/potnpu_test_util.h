/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the potnpu guest selftests: finding potnpu accel nodes,
 * running the query ioctl, module and firmware handling, kernel log search.
 */
#ifndef POTNPU_TEST_UTIL_H
#define POTNPU_TEST_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "potnpu_accel.h"

#define POTNPU_MAX_NODES	16
#define POTNPU_FW_PATH		"/lib/firmware/potnpu/potnpu-fw.bin"

/* Open the first potnpu accel node at or after @start, -1 if none. */
int potnpu_open_node(int start, int *index);
/* Number of /dev/accel/accelN nodes whose DRM driver is potnpu. */
int potnpu_count_nodes(void);
/* Fill @info with DRM_POTNPU_QUERY_DEVICE_INFO; returns ioctl's errno or 0. */
int potnpu_query_info(int fd, struct drm_potnpu_device_info *info);
/* Raw query: returns 0 or errno, @q is updated by the kernel. */
int potnpu_query(int fd, struct drm_potnpu_query *q);
/* Run a shell command; returns its exit status, -1 if it did not exit. */
int potnpu_system(const char *fmt, ...);
/* Clear the kernel log so a later potnpu_klog_contains() sees only new lines. */
void potnpu_klog_clear(void);
bool potnpu_klog_contains(const char *needle);
/* Read a whole file (at most @max bytes) into a malloc'd buffer. */
uint8_t *potnpu_read_file(const char *path, size_t max, size_t *size);
int potnpu_write_file(const char *path, const void *data, size_t size);
uint32_t potnpu_le32(const uint8_t *p);

#endif /* POTNPU_TEST_UTIL_H */
