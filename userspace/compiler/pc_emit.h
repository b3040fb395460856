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
