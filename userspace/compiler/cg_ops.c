// SPDX-License-Identifier: MIT
/*
 * cg_ops.c: the ops the front end supports, their arity and attributes,
 * and the check that a node uses nothing else.
 */
#include <stdio.h>
#include <string.h>

#include "cg.h"

struct attr_spec {
	const char *name;
	enum cg_attr_type type;
};

struct op_spec {
	const char *name;
	int min_in, max_in, max_out;
	struct attr_spec attrs[10];
};

#define WINDOW_ATTRS { "auto_pad", CG_ATTR_STRING }, \
	{ "kernel_shape", CG_ATTR_INTS }, { "pads", CG_ATTR_INTS }, \
	{ "strides", CG_ATTR_INTS }

static const struct op_spec ops[CG_OP_COUNT] = {
	[CG_OP_CONV] = { "Conv", 2, 3, 1, { WINDOW_ATTRS,
		{ "dilations", CG_ATTR_INTS }, { "group", CG_ATTR_INT } } },
	[CG_OP_GEMM] = { "Gemm", 2, 3, 1, { { "alpha", CG_ATTR_FLOAT },
		{ "beta", CG_ATTR_FLOAT }, { "transA", CG_ATTR_INT },
		{ "transB", CG_ATTR_INT }, { "broadcast", CG_ATTR_INT } } },
	[CG_OP_MATMUL] = { "MatMul", 2, 2, 1, { { 0 } } },
	[CG_OP_RELU] = { "Relu", 1, 1, 1, { { 0 } } },
	[CG_OP_CLIP] = { "Clip", 1, 3, 1, { { "min", CG_ATTR_FLOAT },
		{ "max", CG_ATTR_FLOAT } } },
	[CG_OP_MAXPOOL] = { "MaxPool", 1, 1, 1, { WINDOW_ATTRS,
		{ "dilations", CG_ATTR_INTS }, { "ceil_mode", CG_ATTR_INT },
		{ "storage_order", CG_ATTR_INT } } },
	[CG_OP_AVGPOOL] = { "AveragePool", 1, 1, 1, { WINDOW_ATTRS,
		{ "ceil_mode", CG_ATTR_INT },
		{ "count_include_pad", CG_ATTR_INT } } },
	[CG_OP_GLOBALAVGPOOL] = { "GlobalAveragePool", 1, 1, 1, { { 0 } } },
	[CG_OP_ADD] = { "Add", 2, 2, 1, { { 0 } } },
	[CG_OP_BATCHNORM] = { "BatchNormalization", 5, 5, 1, {
		{ "epsilon", CG_ATTR_FLOAT }, { "momentum", CG_ATTR_FLOAT },
		{ "training_mode", CG_ATTR_INT }, { "spatial", CG_ATTR_INT },
		{ "is_test", CG_ATTR_INT } } },
	[CG_OP_FLATTEN] = { "Flatten", 1, 1, 1, { { "axis", CG_ATTR_INT } } },
	[CG_OP_RESHAPE] = { "Reshape", 2, 2, 1, {
		{ "allowzero", CG_ATTR_INT } } },
	[CG_OP_CONCAT] = { "Concat", 1, 1 << 16, 1, {
		{ "axis", CG_ATTR_INT } } },
	[CG_OP_SOFTMAX] = { "Softmax", 1, 1, 1, { { "axis", CG_ATTR_INT } } },
	[CG_OP_IDENTITY] = { "Identity", 1, 1, 1, { { 0 } } },
	[CG_OP_DROPOUT] = { "Dropout", 1, 3, 1, { { "ratio", CG_ATTR_FLOAT },
		{ "seed", CG_ATTR_INT }, { "is_test", CG_ATTR_INT } } },
};

int cg_op_lookup(const char *op_type, enum cg_op *op)
{
	int i;

	for (i = 0; i < CG_OP_COUNT; i++)
		if (strcmp(ops[i].name, op_type) == 0) {
			*op = (enum cg_op)i;
			return 0;
		}
	return -1;
}

const char *cg_op_supported_list(void)
{
	static char buf[512];
	size_t len = 0;
	int i;

	if (buf[0])
		return buf;
	for (i = 0; i < CG_OP_COUNT; i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s, ",
					ops[i].name);
	snprintf(buf + len, sizeof(buf) - len, "Constant");
	return buf;
}

static const char *type_name(enum cg_attr_type t)
{
	static const char *const names[] = { "float", "int", "string", "ints",
		"floats" };

	return names[t];
}

static void attr_list(const struct op_spec *s, char *buf, size_t size)
{
	size_t len = 0;
	int i;

	buf[0] = 0;
	for (i = 0; i < 10 && s->attrs[i].name && len < size; i++)
		len += (size_t)snprintf(buf + len, size - len, "%s%s", i ? ", " : "",
					s->attrs[i].name);
	if (!buf[0])
		snprintf(buf, size, "none");
}

static int check_attr(const struct cg_node *n, const struct cg_attr *a,
		      struct cg_error *e)
{
	const struct op_spec *s = &ops[n->op];
	char list[256];
	int i;

	for (i = 0; i < 10 && s->attrs[i].name; i++) {
		if (strcmp(s->attrs[i].name, a->name) != 0)
			continue;
		if (s->attrs[i].type == a->type)
			return 0;
		return cg_fail(e, "node '%s' (%s): attribute '%s' must be of type %s",
			       cg_node_label(n), n->op_type, a->name,
			       type_name(s->attrs[i].type));
	}
	attr_list(s, list, sizeof(list));
	return cg_fail(e, "node '%s' (%s): attribute '%s' not supported (supported: %s)",
		       cg_node_label(n), n->op_type, a->name, list);
}

/* Attribute values the executor does not implement. */
static int check_values(const struct cg_node *n, struct cg_error *e)
{
	const char *pad = cg_attr_str(n, "auto_pad", "NOTSET");

	if (strcmp(pad, "NOTSET") && strcmp(pad, "VALID") &&
	    strcmp(pad, "SAME_UPPER") && strcmp(pad, "SAME_LOWER"))
		return cg_fail(e, "node '%s' (%s): attribute 'auto_pad' value '%s' not supported (supported: NOTSET, VALID, SAME_UPPER, SAME_LOWER)",
			       cg_node_label(n), n->op_type, pad);
	if (cg_attr_int(n, "storage_order", 0) != 0)
		return cg_fail(e, "node '%s' (%s): attribute 'storage_order' value %lld not supported (supported: 0, row major)",
			       cg_node_label(n), n->op_type,
			       (long long)cg_attr_int(n, "storage_order", 0));
	if (cg_attr_int(n, "training_mode", 0) != 0)
		return cg_fail(e, "node '%s' (%s): attribute 'training_mode' value 1 not supported (supported: 0, inference)",
			       cg_node_label(n), n->op_type);
	if (cg_attr_int(n, "spatial", 1) != 1)
		return cg_fail(e, "node '%s' (%s): attribute 'spatial' value 0 not supported (supported: 1)",
			       cg_node_label(n), n->op_type);
	if (cg_attr_int(n, "allowzero", 0) != 0)
		return cg_fail(e, "node '%s' (%s): attribute 'allowzero' value 1 not supported (supported: 0)",
			       cg_node_label(n), n->op_type);
	if (n->op == CG_OP_GEMM && cg_attr_find(n, "broadcast") &&
	    n->opset >= 7)
		return cg_fail(e, "node '%s' (%s): attribute 'broadcast' not supported after opset 6",
			       cg_node_label(n), n->op_type);
	return 0;
}

int cg_op_check(const struct cg_node *n, struct cg_error *e)
{
	const struct op_spec *s = &ops[n->op];
	size_t i;

	if (n->n_in < s->min_in || n->n_in > s->max_in)
		return cg_fail(e, "node '%s' (%s): %d inputs (supported: %d to %d)",
			       cg_node_label(n), n->op_type, n->n_in, s->min_in,
			       s->max_in);
	if (n->n_out < 1 || n->n_out > s->max_out)
		return cg_fail(e, "node '%s' (%s): %d outputs (supported: %d)",
			       cg_node_label(n), n->op_type, n->n_out,
			       s->max_out);
	for (i = 0; i < n->n_attr; i++)
		if (check_attr(n, &n->attr[i], e))
			return -1;
	return check_values(n, e);
}
