/* SPDX-License-Identifier: MIT */
/*
 * cg.h: the compiler's in-memory graph (read from ONNX), its error path,
 * shape inference and the float reference executor.
 */
#ifndef POTNPU_CG_H
#define POTNPU_CG_H

#include <stddef.h>
#include <stdint.h>

/* Bounds on what the front end accepts (a tensor must fit in memory). */
#define CG_MAX_RANK 6
#define CG_MAX_DIM (INT64_C(1) << 24)	/* one dimension */
#define CG_MAX_ELEMS (INT64_C(1) << 28)	/* elements of one tensor */
#define CG_MAX_FILE (INT64_C(1) << 31)	/* bytes of one .onnx or .pb file */

/* The one error report: a sentence naming node, op, attribute or tensor. */
struct cg_error {
	char msg[512];
};

/* Fill e (if not NULL) and return -1. */
int cg_fail(struct cg_error *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

enum cg_op {
	CG_OP_CONV, CG_OP_GEMM, CG_OP_MATMUL, CG_OP_RELU, CG_OP_CLIP,
	CG_OP_MAXPOOL, CG_OP_AVGPOOL, CG_OP_GLOBALAVGPOOL, CG_OP_ADD,
	CG_OP_BATCHNORM, CG_OP_FLATTEN, CG_OP_RESHAPE, CG_OP_CONCAT,
	CG_OP_SOFTMAX, CG_OP_IDENTITY, CG_OP_DROPOUT,
	CG_OP_COUNT
};

enum cg_attr_type { CG_ATTR_FLOAT, CG_ATTR_INT, CG_ATTR_STRING, CG_ATTR_INTS,
	CG_ATTR_FLOATS };

struct cg_attr {
	char *name;
	enum cg_attr_type type;
	float f;
	int64_t i;
	char *s;
	int64_t *ints;
	float *floats;
	size_t n;	/* elements of ints or floats */
};

/* A float32 tensor. data is NULL until the tensor has a value. */
struct cg_tensor {
	char *name;
	int rank;
	int64_t dims[CG_MAX_RANK];
	int has_shape;
	int is_const;	/* an initializer */
	float *data;
	/* Shape the model declares (graph output, value_info), checked by
	 * shape inference; decl_rank -1 if none, a dims entry -1 if dynamic. */
	int decl_rank;
	int64_t decl_dims[CG_MAX_RANK];
};

struct cg_node {
	char *name;
	char *op_type;
	enum cg_op op;
	int64_t opset;
	int n_in, n_out;
	int *in, *out;	/* tensor indices; -1 for an omitted optional input */
	size_t n_attr;
	struct cg_attr *attr;
};

struct cg_graph {
	struct cg_tensor *t;
	size_t n_t, cap_t;
	struct cg_node *nodes;
	size_t n_nodes;
	int *inputs, *outputs;	/* runtime graph inputs (no initializer) */
	size_t n_inputs, n_outputs;
	int64_t opset;		/* of the default ONNX domain */
};

/* ---- graph (cg_graph.c) ---- */
void cg_graph_free(struct cg_graph *g);
int cg_tensor_find(const struct cg_graph *g, const char *name);
int cg_tensor_add(struct cg_graph *g, const char *name, struct cg_error *e);
int64_t cg_numel(const struct cg_tensor *t);
int cg_shape_set(struct cg_tensor *t, int rank, const int64_t *dims,
		 struct cg_error *e);
/* "[1, 3, 224, 224]" into buf. */
const char *cg_shape_str(char *buf, size_t size, int rank,
			 const int64_t *dims);
const char *cg_node_label(const struct cg_node *n);
const struct cg_attr *cg_attr_find(const struct cg_node *n, const char *name);
int64_t cg_attr_int(const struct cg_node *n, const char *name, int64_t dflt);
float cg_attr_float(const struct cg_node *n, const char *name, float dflt);
const char *cg_attr_str(const struct cg_node *n, const char *name,
			const char *dflt);
/* Copy an INTS attribute of exactly want elements (or dflt if absent). */
int cg_attr_ints(const struct cg_node *n, const char *name, size_t want,
		 int64_t *out, int64_t dflt, struct cg_error *e);
/* Input i's tensor, or NULL if omitted. */
struct cg_tensor *cg_in(struct cg_graph *g, const struct cg_node *n, int i);
struct cg_tensor *cg_out(struct cg_graph *g, const struct cg_node *n, int i);

/* ---- ops (cg_ops.c) ---- */
/* Look up a supported op and check its arity and attributes. */
int cg_op_lookup(const char *op_type, enum cg_op *op);
const char *cg_op_supported_list(void);
int cg_op_check(const struct cg_node *n, struct cg_error *e);

/* ---- ONNX (onnx_read.c, onnx_tensor.c) ---- */
int cg_read_onnx_file(const char *path, struct cg_graph *g,
		      struct cg_error *e);
int cg_read_onnx_buf(const uint8_t *buf, size_t len, struct cg_graph *g,
		     struct cg_error *e);
/* Read a whole file (bounded by CG_MAX_FILE); caller frees *buf. */
int cg_read_file(const char *path, uint8_t **buf, size_t *len,
		 struct cg_error *e);
/* Load a serialized TensorProto file (float32) into t (name from file). */
int cg_tensor_load_pb(const char *path, struct cg_tensor *t,
		      struct cg_error *e);
void cg_tensor_release(struct cg_tensor *t);

/* ---- shape inference (shape_infer.c) ---- */
int cg_infer_node(struct cg_graph *g, const struct cg_node *n,
		  struct cg_error *e);
int cg_infer_shapes(struct cg_graph *g, struct cg_error *e);

/* ---- float reference executor (float_exec.c and friends) ---- */
/* Runs every node; graph inputs must have data (cg_bind_input). */
int cg_bind_input(struct cg_graph *g, const char *name, const float *data,
		  int64_t n, struct cg_error *e);
int cg_exec(struct cg_graph *g, struct cg_error *e);

/* Spatial parameters of Conv and the pools (2-D, NCHW). */
struct cg_window {
	int64_t k[2], s[2], d[2], pad_begin[2], pad_end[2];
	int64_t out[2];
	int ceil_mode, count_include_pad;
};
int cg_window_params(struct cg_graph *g, const struct cg_node *n,
		     const int64_t *in_hw, const int64_t *kernel,
		     struct cg_window *w, struct cg_error *e);

void cg_exec_conv(struct cg_graph *g, const struct cg_node *n);
void cg_exec_pool(struct cg_graph *g, const struct cg_node *n);
void cg_exec_gemm(struct cg_graph *g, const struct cg_node *n);
void cg_exec_matmul(struct cg_graph *g, const struct cg_node *n);
void cg_exec_softmax(struct cg_graph *g, const struct cg_node *n);
void cg_exec_batchnorm(struct cg_graph *g, const struct cg_node *n);
/* out = a + b with numpy broadcasting (shapes already checked). */
void cg_broadcast_add(const struct cg_tensor *a, const struct cg_tensor *b,
		      struct cg_tensor *out);
int cg_broadcast_shape(const struct cg_tensor *a, const struct cg_tensor *b,
		       int *rank, int64_t *dims);

#endif
