// SPDX-License-Identifier: MIT
/*
 * libpotnpu models: loading a model file (from a path or a buffer) through
 * the parser's stages, releasing it, and what the accessors compute.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "model_priv.h"

EXPORT void potnpu_model_free(struct potnpu_model *m)
{
	uint32_t i;

	if (!m)
		return;
	for (i = 0; m->blocks && i < m->d.nnodes; i++)
		free(m->blocks[i]);
	free(m->blocks);
	free(m->nodes);
	free(m->tensors);
	free(m->labels);
	free(m->pre);
	free(m->buf);
	free(m);
}

/* Parse the buffer @m owns. */
static int parse(struct potnpu_model *m)
{
	struct mf_ctx c = { .b = m->buf, .size = m->size, .m = m };
	int err = lib_mf_parse_container(&c);

	if (!err)
		err = lib_mf_parse_records(&c);
	if (!err)
		err = lib_mf_check_nodes(&c);
	if (!err)
		err = lib_mf_check_graph(m);
	return err;
}

/* Take @buf (malloc()ed, @size bytes) and parse it into *@mp. */
static int adopt(uint8_t *buf, size_t size, struct potnpu_model **mp)
{
	struct potnpu_model *m = calloc(1, sizeof(*m));
	int err;

	if (!m) {
		free(buf);
		return lib_set_error(-ENOMEM, "model: out of memory");
	}
	m->buf = buf;
	m->size = size;
	err = parse(m);
	if (err) {
		potnpu_model_free(m);
		return err;
	}
	*mp = m;
	return 0;
}

EXPORT int potnpu_model_load_buffer(const void *buf, size_t size,
				    struct potnpu_model **mp)
{
	uint8_t *copy;

	if (mp)
		*mp = NULL;
	if (!mp || (!buf && size))
		return lib_set_error(-EINVAL, "potnpu_model_load_buffer: NULL argument");
	copy = malloc(size ? size : 1);
	if (!copy)
		return lib_set_error(-ENOMEM, "model: out of memory for %zu bytes", size);
	if (size)
		memcpy(copy, buf, size);
	return adopt(copy, size, mp);
}

static int read_all(int fd, const char *path, uint8_t **bufp, size_t *sizep)
{
	struct stat st;
	uint8_t *buf;
	size_t got = 0;
	ssize_t r;

	if (fstat(fd, &st))
		return lib_set_error(-errno, "%s: %s", path, strerror(errno));
	if (!S_ISREG(st.st_mode) || st.st_size > POTNPU_MF_MAX_SIZE)
		return lib_set_error(-EBADMSG, "model: %s: not a regular file of at most %u bytes",
				     path, POTNPU_MF_MAX_SIZE);
	buf = malloc((size_t)st.st_size + 1);
	if (!buf)
		return lib_set_error(-ENOMEM, "model: out of memory for %s", path);
	while (got < (size_t)st.st_size) {
		r = read(fd, buf + got, (size_t)st.st_size - got);
		if (r <= 0) {
			int err = r ? -errno : -EBADMSG;

			free(buf);
			return lib_set_error(err, "%s: read failed after %zu bytes", path, got);
		}
		got += (size_t)r;
	}
	*bufp = buf;
	*sizep = got;
	return 0;
}

EXPORT int potnpu_model_load(const char *path, struct potnpu_model **mp)
{
	uint8_t *buf = NULL;
	size_t size = 0;
	int fd, err;

	if (mp)
		*mp = NULL;
	if (!path || !mp)
		return lib_set_error(-EINVAL, "potnpu_model_load: NULL argument");
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return lib_set_error(-errno, "%s: %s", path, strerror(errno));
	err = read_all(fd, path, &buf, &size);
	close(fd);
	if (err)
		return err;
	err = adopt(buf, size, mp);
	if (err) {
		char why[512];

		snprintf(why, sizeof(why), "%s", potnpu_last_error());
		lib_set_error(err, "%s: %s", path, why);
	}
	return err;
}

EXPORT const struct potnpu_model_desc *potnpu_model_get(const struct potnpu_model *m)
{
	return m ? &m->d : NULL;
}

EXPORT uint64_t potnpu_model_node_macs(const struct potnpu_model_node *n)
{
	const struct potnpu_layer *l;

	if (!n || n->kind != POTNPU_NODE_LAYER || n->layer.op != POTNPU_LAYER_CONV2D)
		return 0;
	l = &n->layer;
	return (uint64_t)l->out_h * l->out_w * l->out_c * potnpu_layer_taps(l);
}

EXPORT uint64_t potnpu_model_node_weight_bytes(const struct potnpu_model_node *n)
{
	struct potnpu_layer_sizes sz;

	if (!n || n->kind != POTNPU_NODE_LAYER)
		return 0;
	potnpu_layer_sizes(&n->layer, &sz);
	return (uint64_t)sz.weights + sz.table + sz.chan;
}
