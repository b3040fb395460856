// SPDX-License-Identifier: MIT
/*
 * compile.c: ONNX to model.bin: read, infer shapes, lower, choose each
 * layer's scheme, calibrate, quantize and emit.
 */
#include <stdlib.h>

#include "bench_idx.h"
#include "pc.h"

static int load_images(const struct pc_options *o, struct bench_idx *x,
		       struct pc_images *im, struct cg_error *e)
{
	char why[256];

	if (bench_idx_load(o->calib, x, why, sizeof(why)))
		return cg_fail(e, "%s", why);
	im->data = x->data;
	im->count = o->calib_count && o->calib_count < x->count ?
		o->calib_count : x->count;
	im->item_bytes = x->item_bytes;
	return 0;
}

int pc_compile(const struct pc_options *o, struct cg_error *e)
{
	struct cg_graph g;
	struct pc_prog p = { 0 };
	struct bench_idx x = { 0 };
	struct pc_images im;
	int r;

	if (pc_scheme_check(o->scheme ? o->scheme : "uniform8", e))
		return -1;
	if (cg_read_onnx_file(o->onnx, &g, e))
		return -1;
	r = cg_infer_shapes(&g, e);
	if (!r)
		r = pc_lower(&g, &p, e);
	if (!r)
		r = pc_schedule(&g, &p, o, e);
	if (!r)
		r = load_images(o, &x, &im, e);
	if (!r)
		r = pc_calibrate(&g, &p, im.data, im.count, im.item_bytes, o, e);
	if (!r)
		r = pc_emit(&g, &p, o, &im, e);
	bench_idx_free(&x);
	pc_prog_free(&p);
	cg_graph_free(&g);
	return r;
}
