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
int pc_quantize_conv(const struct pc_layer *pl, const struct potnpu_scheme *sc,
		     double s_in, double s_out, uint8_t *codes, float *wscale,
		     struct potnpu_chan *chan, struct cg_error *e);
int pc_quantize_add(const struct pc_layer *pl, double sa, double sb,
		    double so, struct potnpu_layer *l, struct cg_error *e);

#include <stdio.h>

/* emit.c's state: the model description being built. */
struct emit {
	struct cg_graph *g;
	struct pc_prog *p;
	const struct potnpu_scheme *sc;
	int *dev;	/* per cg tensor: device tensor index or -1 */
	struct potnpu_model_tensor *t;
	struct potnpu_model_node *n;
	uint32_t nt;
	void **owned;	/* buffers to free */
	size_t nowned;
};

/* sqnr.c: each node's int8 output (CPU reference) against the float
 * executor's over the calibration images, into the nodes' sqnr. */
int pc_sqnr(struct emit *m, const struct pc_images *im, struct cg_error *e);

#define PC_VERSION "0.1.0"

struct pc_labels {
	char **names;
	uint32_t n;
};

/* labels.c */
int pc_labels_read(const char *path, uint32_t want, struct pc_labels *l,
		   struct cg_error *e);
void pc_labels_free(struct pc_labels *l);
/* report.c */
void pc_report(const struct potnpu_model_node *n, size_t count, FILE *f);

#endif
