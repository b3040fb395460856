// SPDX-License-Identifier: MIT
/*
 * libpotnpu device lists: finding the potnpu nodes of the accel directory
 * and listing them by minor number.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libpotnpu_priv.h"

struct potnpu_list_entry {
	unsigned int minor;
	char *path;
};

struct potnpu_device_list {
	size_t count;
	struct potnpu_list_entry *entries;
};

/* The nodes passed over while listing, for the no-device message. */
struct skipped_nodes {
	char text[320];
	size_t count;
};

EXPORT const char *potnpu_accel_dir(void)
{
	const char *dir = getenv(POTNPU_ACCEL_DIR_ENV);

	return dir && *dir ? dir : POTNPU_DEFAULT_ACCEL_DIR;
}

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

/* Free the entries of @list, not @list itself. */
static void list_clear(struct potnpu_device_list *list)
{
	size_t i;

	for (i = 0; i < list->count; i++)
		free(list->entries[i].path);
	free(list->entries);
	list->entries = NULL;
	list->count = 0;
}

EXPORT void potnpu_list_free(struct potnpu_device_list *list)
{
	if (!list)
		return;
	list_clear(list);
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

static int open_accel_dir(const char *dir, DIR **dp)
{
	int err;

	*dp = opendir(dir);
	if (*dp)
		return 0;
	err = errno;
	if (err == ENOENT)
		return lib_set_error(-ENODEV,
				     "no potnpu device found: %s does not exist (is the potnpu module loaded?)",
				     dir);
	if (err == ENOTDIR)
		return lib_set_error(-ENOTDIR, "%s is not a directory%s",
				     dir, getenv(POTNPU_ACCEL_DIR_ENV) ?
				     " (check " POTNPU_ACCEL_DIR_ENV ")" : "");
	if (err == EACCES)
		return lib_set_error(-EACCES, "permission denied reading %s",
				     dir);
	return lib_set_error(-err, "cannot read %s: %s", dir, strerror(err));
}

/* Add to @list those of @nodes that open as potnpu devices. */
static int keep_potnpu_nodes(const struct potnpu_device_list *nodes,
			     struct potnpu_device_list *list,
			     struct skipped_nodes *skipped, const char *dir)
{
	size_t i, cap = 0;

	for (i = 0; i < nodes->count; i++) {
		const char *path = nodes->entries[i].path;
		drmVersionPtr ver;
		char why[128];
		int fd;

		if (lib_node_open(path, &fd, &ver, why, sizeof(why))) {
			append(skipped->text, sizeof(skipped->text),
			       "%s%s (%s)", skipped->count ? ", " : "",
			       strrchr(path, '/') + 1, why);
			skipped->count++;
			continue;
		}
		drmFreeVersion(ver);
		close(fd);
		if (list_add(list, nodes->entries[i].minor, path, &cap))
			return lib_set_error(-ENOMEM,
					     "out of memory scanning %s", dir);
	}
	return 0;
}

static int no_device_error(const char *dir,
			   const struct skipped_nodes *skipped)
{
	size_t n = skipped->count;

	if (n)
		return lib_set_error(-ENODEV,
				     "no potnpu device found in %s (is the potnpu module loaded?); skipped %zu node%s: %s",
				     dir, n, n == 1 ? "" : "s", skipped->text);
	return lib_set_error(-ENODEV,
			     "no potnpu device found in %s (is the potnpu module loaded?)",
			     dir);
}

EXPORT int potnpu_list_devices(struct potnpu_device_list **listp)
{
	struct potnpu_device_list nodes = { 0 }, *list;
	struct skipped_nodes skipped = { "", 0 };
	const char *dir = potnpu_accel_dir();
	DIR *d;
	int err;

	if (!listp)
		return lib_set_error(-EINVAL, "potnpu_list_devices: listp is NULL");
	*listp = NULL;

	err = open_accel_dir(dir, &d);
	if (err)
		return err;
	err = scan_dir(d, dir, &nodes);
	closedir(d);
	list = calloc(1, sizeof(*list));
	if (err || !list)
		err = lib_set_error(-ENOMEM, "out of memory scanning %s", dir);
	else
		err = keep_potnpu_nodes(&nodes, list, &skipped, dir);
	list_clear(&nodes);
	if (!err && !list->count)
		err = no_device_error(dir, &skipped);
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
		return lib_set_error(-EINVAL, "potnpu_open_index: devp is NULL");
	*devp = NULL;
	err = potnpu_list_devices(&list);
	if (err)
		return err;
	if (index >= list->count)
		err = lib_set_error(-ENODEV,
				    "no potnpu device with index %u: %zu found in %s (valid indices 0-%zu)",
				    index, list->count, potnpu_accel_dir(),
				    list->count - 1);
	else
		err = potnpu_open(list->entries[index].path, devp);
	potnpu_list_free(list);
	return err;
}
