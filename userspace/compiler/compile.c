// SPDX-License-Identifier: MIT
/*
 * compile.c: ONNX to model.bin: read, infer shapes, lower, calibrate,
 * quantize and emit.
 */
#include <stdlib.h>

#include "bench_idx.h"
#include "pc.h"

static int calibrate(struct cg_graph *g, struct pc_prog *p,
		     const struct pc_options *o, struct cg_error *e)
{
	struct bench_idx x;
	char why[256];
	size_t n;
	int r;

	if (bench_idx_load(o->calib, &x, why, sizeof(why)))
		return cg_fail(e, "%s", why);
	n = o->calib_count && o->calib_count < x.count ? o->calib_count : x.count;
	r = pc_calibrate(g, p, x.data, n, x.item_bytes, e);
	bench_idx_free(&x);
	return r;
}

int pc_compile(const struct pc_options *o, struct cg_error *e)
{
	struct potnpu_scheme sc;
	struct cg_graph g;
	struct pc_prog p = { 0 };
	int r;

	if (pc_scheme_parse(o->scheme ? o->scheme : "uniform8", &sc, e))
		return -1;
	if (cg_read_onnx_file(o->onnx, &g, e))
		return -1;
	r = cg_infer_shapes(&g, e);
	if (!r)
		r = pc_lower(&g, &p, e);
	if (!r)
		r = calibrate(&g, &p, o, e);
	if (!r)
		r = pc_emit(&g, &p, &sc, o, e);
	pc_prog_free(&p);
	cg_graph_free(&g);
	return r;
}
