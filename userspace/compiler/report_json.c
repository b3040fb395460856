// SPDX-License-Identifier: MIT
/*
 * report_json.c: --json FILE, the per-layer report machine-readable
 * (schema in docs/compiler.md, "--json").
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "pc_emit.h"
#include "tool_json.h"

static const char *method_name(enum pc_calib_method m)
{
	return m == PC_CALIB_PERCENTILE ? "percentile" :
	       m == PC_CALIB_MSE ? "mse" : "minmax";
}

static void add_double(struct json_object *o, const char *k, double v)
{
	json_object_object_add(o, k, tool_json_double(v));
}

static struct json_object *pair(double a, double b)
{
	struct json_object *p = json_object_new_array();

	json_object_array_add(p, tool_json_double(a));
	json_object_array_add(p, tool_json_double(b));
	return p;
}

static struct json_object *layer(const struct emit *m, size_t i)
{
	const struct potnpu_model_node *n = &m->n[i];
	const struct pc_layer *pl = &m->p->l[i];
	const struct pc_tq *q = &m->p->tq[pl->out];
	struct json_object *o = json_object_new_object();
	int conv = pl->op == POTNPU_LAYER_CONV2D;
	uint64_t macs = potnpu_model_node_macs(n);

	tool_json_add_uint(o, "index", i);
	tool_json_add_string(o, "name", pl->name);
	tool_json_add_string(o, "onnx_op", pl->op_type);
	tool_json_add_string(o, "op", pc_op_name(n));
	tool_json_add_string(o, "output", m->g->t[pl->out].name);
	tool_json_add_string(o, "scheme", conv ? pl->sc_name : NULL);
	tool_json_add_string(o, "scheme_from", conv ? pl->sc_from : NULL);
	tool_json_add_uint(o, "bits", n->layer.wbits);
	tool_json_add_uint(o, "weight_bytes", potnpu_model_node_weight_bytes(n));
	tool_json_add_uint(o, "macs", macs);
	add_double(o, "terms_per_mac", conv ? m->wterms[i] : NAN);
	add_double(o, "terms_expected", conv ? m->wterms[i] * (double)macs : NAN);
	add_double(o, "terms_measured", m->terms[i]);
	add_double(o, "sqnr_db", n->sqnr);
	add_double(o, "out_scale", q->scale);
	json_object_object_add(o, "out_zero_point", json_object_new_int(q->zp));
	json_object_object_add(o, "observed_range", pair(q->amin, q->amax));
	json_object_object_add(o, "clip_range", pair(q->min, q->max));
	return o;
}

static struct json_object *totals(const struct emit *m)
{
	struct json_object *o = json_object_new_object();
	uint64_t bytes = 0, macs = 0, cmacs = 0;
	double texp = 0, tmeas = 0;
	size_t i;

	for (i = 0; i < m->p->n; i++) {
		uint64_t mc = potnpu_model_node_macs(&m->n[i]);

		bytes += potnpu_model_node_weight_bytes(&m->n[i]);
		macs += mc;
		tmeas += m->terms[i];
		if (m->p->l[i].op == POTNPU_LAYER_CONV2D) {
			texp += m->wterms[i] * (double)mc;
			cmacs += mc;
		}
	}
	tool_json_add_uint(o, "nodes", m->p->n);
	tool_json_add_uint(o, "weight_bytes", bytes);
	tool_json_add_uint(o, "macs", macs);
	add_double(o, "terms_per_mac", cmacs ? texp / (double)cmacs : NAN);
	add_double(o, "terms_expected", texp);
	add_double(o, "terms_measured", tmeas);
	add_double(o, "sqnr_db", m->p->n ? m->n[m->p->n - 1].sqnr : NAN);
	return o;
}

int pc_report_json(const struct emit *m, const struct pc_options *o,
		   const char *path, struct cg_error *e)
{
	struct json_object *doc = json_object_new_object(), *cal, *arr;
	FILE *f = strcmp(path, "-") ? fopen(path, "w") : stdout;
	size_t i;

	if (!f) {
		json_object_put(doc);
		return cg_fail(e, "%s: %s", path, strerror(errno));
	}
	tool_json_add_string(doc, "producer", "potnpu-compile " PC_VERSION);
	tool_json_add_string(doc, "onnx", o->onnx);
	tool_json_add_string(doc, "output", o->out);
	tool_json_add_string(doc, "scheme", o->scheme ? o->scheme : "uniform8");
	cal = json_object_new_object();
	tool_json_add_string(cal, "method", method_name(o->calib_method));
	add_double(cal, "percentile", o->calib_method == PC_CALIB_PERCENTILE ?
		   (o->percentile ? o->percentile : PC_DEFAULT_PERCENTILE) : NAN);
	tool_json_add_string(cal, "images_file", o->calib);
	tool_json_add_uint(cal, "images", m->images);
	json_object_object_add(doc, "calibration", cal);
	arr = json_object_new_array();
	for (i = 0; i < m->p->n; i++)
		json_object_array_add(arr, layer(m, i));
	json_object_object_add(doc, "layers", arr);
	json_object_object_add(doc, "totals", totals(m));
	tool_json_finish(doc, f);
	if (f != stdout && fclose(f))
		return cg_fail(e, "%s: %s", path, strerror(errno));
	return 0;
}
