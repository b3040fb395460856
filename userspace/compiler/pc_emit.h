/* SPDX-License-Identifier: MIT */
/* pc_emit.h: what emit.c and quantize.c share. */
#ifndef POTNPU_PC_EMIT_H
#define POTNPU_PC_EMIT_H

#include "pc.h"

void pc_tq_from_range(struct pc_tq *q);
void pc_clamp(const struct pc_layer *pl, const struct pc_tq *out,
	      struct potnpu_layer *l);
int pc_requant(double rescale, struct potnpu_chan *c, const char *name,
	       struct cg_error *e);
/* Codes with pl->sc, weight scales max|w_o| / pl->wtop, biases, records. */
int pc_quantize_conv(const struct pc_layer *pl, double s_in, double s_out,
		     uint8_t *codes, float *wscale, struct potnpu_chan *chan,
		     struct cg_error *e);
/* The largest level both signs reach (the max-abs scale's target). */
int32_t pc_max_level(const struct potnpu_scheme *sc);
int pc_quantize_add(const struct pc_layer *pl, double sa, double sb,
		    double so, struct potnpu_layer *l, struct cg_error *e);

#include <stdio.h>

/* emit.c's state: the model description being built. */
struct emit {
	struct cg_graph *g;
	struct pc_prog *p;
	int *dev;	/* per cg tensor: device tensor index or -1 */
	struct potnpu_model_tensor *t;
	struct potnpu_model_node *n;
	uint32_t nt;
	void **owned;	/* buffers to free */
	size_t nowned;
	double *wterms;	/* per node: terms per weight (CONV2D) */
	double *terms;	/* per node: terms executed per inference (reference) */
	size_t images;	/* calibration images the SQNR ran over */
};

/* sqnr.c: each node's int8 output (CPU reference) against the float
 * executor's over the calibration images, into the nodes' sqnr. */
int pc_sqnr(struct emit *m, const struct pc_images *im, struct cg_error *e);

#define PC_VERSION "0.2.0"

struct pc_labels {
	char **names;
	uint32_t n;
};

/* labels.c */
int pc_labels_read(const char *path, uint32_t want, struct pc_labels *l,
		   struct cg_error *e);
void pc_labels_free(struct pc_labels *l);
/* report.c: the table; report_json.c: the same as JSON (--json). */
void pc_report(const struct emit *m, FILE *f);
const char *pc_op_name(const struct potnpu_model_node *n);
int pc_report_json(const struct emit *m, const struct pc_options *o,
		   const char *path, struct cg_error *e);

#endif
