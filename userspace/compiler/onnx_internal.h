/* SPDX-License-Identifier: MIT */
/* onnx_internal.h: what the ONNX reader's files share (generated types). */
#ifndef POTNPU_ONNX_INTERNAL_H
#define POTNPU_ONNX_INTERNAL_H

#include "onnx.pb-c.h"
#include "cg.h"

int cg_tensor_from_proto(const Onnx__TensorProto *tp, struct cg_tensor *t,
			 struct cg_error *e);

int cg_read_nodes(const Onnx__GraphProto *gp, struct cg_graph *g,
		  struct cg_error *e);

#endif
