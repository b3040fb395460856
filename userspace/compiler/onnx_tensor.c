// SPDX-License-Identifier: MIT
/*
 * onnx_tensor.c: ONNX TensorProto (initializers, test data) to a float
 * tensor of the compiler graph, and whole-file reading.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cg.h"
#include "onnx_internal.h"

int cg_read_file(const char *path, uint8_t **buf, size_t *len,
		 struct cg_error *e)
{
	FILE *f = fopen(path, "rb");
	long size;

	if (!f)
		return cg_fail(e, "%s: %s", path, strerror(errno));
	if (fseek(f, 0, SEEK_END) || (size = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET)) {
		fclose(f);
		return cg_fail(e, "%s: cannot determine the size", path);
	}
	if (size > CG_MAX_FILE) {
		fclose(f);
		return cg_fail(e, "%s: %ld bytes, more than the %lld supported",
			       path, size, (long long)CG_MAX_FILE);
	}
	*buf = malloc(size ? (size_t)size : 1);
	if (!*buf || fread(*buf, 1, (size_t)size, f) != (size_t)size) {
		fclose(f);
		free(*buf);
		*buf = NULL;
		return cg_fail(e, "%s: read failed", path);
	}
	fclose(f);
	*len = (size_t)size;
	return 0;
}

static size_t elem_size(int32_t type)
{
	switch (type) {
	case ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT:
	case ONNX__TENSOR_PROTO__DATA_TYPE__INT32:
		return 4;
	case ONNX__TENSOR_PROTO__DATA_TYPE__INT64:
	case ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE:
		return 8;
	case ONNX__TENSOR_PROTO__DATA_TYPE__BOOL:
		return 1;
	default:
		return 0;
	}
}

/* Element i of raw little-endian data of the given type, as float. */
static float raw_elem(const uint8_t *p, int32_t type, size_t i)
{
	float f;
	int32_t i32;
	int64_t i64;
	double d;

	switch (type) {
	case ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT:
		memcpy(&f, p + 4 * i, 4);
		return f;
	case ONNX__TENSOR_PROTO__DATA_TYPE__INT32:
		memcpy(&i32, p + 4 * i, 4);
		return (float)i32;
	case ONNX__TENSOR_PROTO__DATA_TYPE__INT64:
		memcpy(&i64, p + 8 * i, 8);
		return (float)i64;
	case ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE:
		memcpy(&d, p + 8 * i, 8);
		return (float)d;
	default:
		return p[i] ? 1.0f : 0.0f;
	}
}

/* Element i of the typed repeated field; *have is its element count. */
static float typed_elem(const Onnx__TensorProto *tp, size_t i)
{
	switch (tp->data_type) {
	case ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT:
		return tp->float_data[i];
	case ONNX__TENSOR_PROTO__DATA_TYPE__INT64:
		return (float)tp->int64_data[i];
	case ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE:
		return (float)tp->double_data[i];
	default: /* INT32 and BOOL use int32_data */
		return (float)tp->int32_data[i];
	}
}

static size_t typed_count(const Onnx__TensorProto *tp)
{
	switch (tp->data_type) {
	case ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT:
		return tp->n_float_data;
	case ONNX__TENSOR_PROTO__DATA_TYPE__INT64:
		return tp->n_int64_data;
	case ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE:
		return tp->n_double_data;
	default:
		return tp->n_int32_data;
	}
}

static int tensor_shape(const Onnx__TensorProto *tp, struct cg_tensor *t,
			struct cg_error *e)
{
	int64_t dims[CG_MAX_RANK];
	size_t i;

	if (tp->n_dims > CG_MAX_RANK)
		return cg_fail(e, "tensor '%s': rank %zu not supported (at most %d)",
			       t->name, tp->n_dims, CG_MAX_RANK);
	for (i = 0; i < tp->n_dims; i++)
		dims[i] = tp->dims[i];
	return cg_shape_set(t, (int)tp->n_dims, dims, e);
}

int cg_tensor_from_proto(const Onnx__TensorProto *tp, struct cg_tensor *t,
			 struct cg_error *e)
{
	size_t n, i, es = elem_size(tp->data_type);

	if (!es)
		return cg_fail(e, "tensor '%s': element type %d not supported (supported: float32; int64, int32, bool, double converted to float)",
			       t->name, tp->data_type);
	if (tp->has_data_location &&
	    tp->data_location == ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL)
		return cg_fail(e, "tensor '%s': external data not supported", t->name);
	if (tensor_shape(tp, t, e))
		return -1;
	n = (size_t)cg_numel(t);
	if (tp->has_raw_data ? tp->raw_data.len != n * es : typed_count(tp) != n)
		return cg_fail(e, "tensor '%s': data holds %zu elements, its shape %zu",
			       t->name, tp->has_raw_data ? tp->raw_data.len / es :
			       typed_count(tp), n);
	t->data = malloc(n * sizeof(float));
	if (!t->data)
		return cg_fail(e, "tensor '%s': out of memory", t->name);
	for (i = 0; i < n; i++)
		t->data[i] = tp->has_raw_data ?
			raw_elem(tp->raw_data.data, tp->data_type, i) :
			typed_elem(tp, i);
	return 0;
}

int cg_tensor_load_pb(const char *path, struct cg_tensor *t,
		      struct cg_error *e)
{
	Onnx__TensorProto *tp;
	uint8_t *buf;
	size_t len;
	int rc;

	memset(t, 0, sizeof(*t));
	if (cg_read_file(path, &buf, &len, e))
		return -1;
	tp = onnx__tensor_proto__unpack(NULL, len, buf);
	free(buf);
	if (!tp)
		return cg_fail(e, "%s: not a valid ONNX TensorProto (truncated or corrupt protobuf)",
			       path);
	t->name = strdup(tp->name ? tp->name : "");
	rc = t->name ? cg_tensor_from_proto(tp, t, e) :
		cg_fail(e, "%s: out of memory", path);
	onnx__tensor_proto__free_unpacked(tp, NULL);
	if (rc)
		cg_tensor_release(t);
	return rc;
}
