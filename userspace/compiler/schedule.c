// SPDX-License-Identifier: MIT
/*
 * schedule.c: which weight scheme each CONV2D layer (Conv, Gemm, MatMul)
 * gets. The --scheme value applies to all of them; "progressive[:S0,S1,
 * ...,Sk]" gives the first and the last weight layer S0 and splits the
 * layers between them, in execution order, into k contiguous groups of
 * near-equal size, group j getting Sj (the default list uniform8, apot5,
 * apot4, apot3: bits decrease with depth); --layer NAME=SCHEME overrides
 * then apply in order. A fitted scheme's levels are fitted to the layer's
 * own weights (fit.c).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pc.h"
#include "pc_emit.h"

#define PROGRESSIVE_DEFAULT "uniform8,apot5,apot4,apot3"
#define MAX_STAGES 8

static int fit_layer(struct pc_layer *l, unsigned int bits, struct cg_error *e)
{
	size_t taps = (size_t)l->kh * l->kw * (l->ic / l->groups), k;
	size_t n = taps * l->oc;
	float *u = malloc(n * sizeof(float));
	int32_t lv[256], top = 127;
	uint32_t o;
	int nl;

	if (!u)
		return cg_fail(e, "out of memory");
	for (o = 0; o < l->oc; o++) {
		const float *w = l->w + (size_t)o * taps;
		double m = 0;

		for (k = 0; k < taps; k++)
			m = fmax(m, fabs(w[k]));
		for (k = 0; k < taps; k++)
			u[o * taps + k] = m > 0 ? (float)(w[k] / m * 127) : 0;
	}
	nl = pc_fit_levels(u, n, bits, &top, lv, e);
	free(u);
	if (nl < 0)
		return -1;
	if (potnpu_scheme_build(POTNPU_SCHEME_FITTED, 0, lv, (size_t)nl, &l->sc))
		return cg_fail(e, "node '%s': fitted levels rejected (%s)",
			       l->name, potnpu_last_error());
	l->wtop = top;
	snprintf(l->sc_name, sizeof(l->sc_name), "fitted%u", bits);
	return 0;
}

/* Give layer @l the scheme named @s. */
static int set_scheme(struct pc_layer *l, const char *s, const char *from,
		      struct cg_error *e)
{
	unsigned int bits;

	l->sc_from = from;
	if (pc_scheme_is_fitted(s, &bits))
		return fit_layer(l, bits, e);
	if (pc_scheme_parse(s, &l->sc, e))
		return -1;
	l->wtop = pc_max_level(&l->sc);
	potnpu_scheme_name(&l->sc, l->sc_name, sizeof(l->sc_name));
	return 0;
}

/* A single scheme's name is valid (fitted: by its form). */
static int check_one(const char *s, struct cg_error *e)
{
	struct potnpu_scheme sc;
	unsigned int bits;

	if (pc_scheme_is_fitted(s, &bits))
		return 0;
	return pc_scheme_parse(s, &sc, e);
}

/* "S0,S1,...": split into @st (at most MAX_STAGES), in @buf. */
static int split_stages(const char *list, char *buf, size_t len, char **st,
			size_t *n, struct cg_error *e)
{
	char *tok, *save = NULL;

	if (snprintf(buf, len, "%s", list) >= (int)len)
		return cg_fail(e, "progressive: schedule '%s' too long", list);
	*n = 0;
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (*n == MAX_STAGES)
			return cg_fail(e, "progressive: at most %d schemes", MAX_STAGES);
		if (check_one(tok, e))
			return -1;
		st[(*n)++] = tok;
	}
	if (*n < 2)
		return cg_fail(e, "progressive: '%s' needs at least two schemes (first/last layers, then the groups)",
			       list);
	return 0;
}

static const char *stage_list(const char *s)
{
	return s[11] == ':' ? s + 12 : PROGRESSIVE_DEFAULT;
}

int pc_scheme_check(const char *s, struct cg_error *e)
{
	char buf[256], *st[MAX_STAGES];
	size_t n;

	if (pc_scheme_is_progressive(s))
		return split_stages(stage_list(s), buf, sizeof(buf), st, &n, e);
	return check_one(s, e);
}

static int progressive(struct pc_prog *p, const char *s, struct cg_error *e)
{
	char buf[256], *st[MAX_STAGES];
	size_t n, i, k = 0, nw = 0;

	if (split_stages(stage_list(s), buf, sizeof(buf), st, &n, e))
		return -1;
	for (i = 0; i < p->n; i++)
		nw += p->l[i].op == POTNPU_LAYER_CONV2D;
	for (i = 0; i < p->n; i++) {
		size_t g;

		if (p->l[i].op != POTNPU_LAYER_CONV2D)
			continue;
		/* middle layer m of nw - 2 goes to group m * (n-1) / (nw-2) */
		g = k == 0 || k + 1 == nw ? 0 :
			1 + (k - 1) * (n - 1) / (nw - 2);
		if (set_scheme(&p->l[i], st[g], "progressive", e))
			return -1;
		k++;
	}
	return 0;
}

static int matches(const struct cg_graph *g, const struct pc_layer *l,
		   const char *name)
{
	return !strcmp(l->name, name) || !strcmp(g->t[l->out].name, name) ||
	       !strcmp(g->t[l->out0].name, name);
}

static int unknown_layer(const struct pc_prog *p, const char *name,
			 struct cg_error *e)
{
	char list[sizeof(e->msg)];
	size_t i, at = 0;

	list[0] = 0;
	for (i = 0; i < p->n && at < sizeof(list); i++)
		if (p->l[i].op == POTNPU_LAYER_CONV2D)
			at += (size_t)snprintf(list + at, sizeof(list) - at,
					       "%s%s", at ? ", " : "", p->l[i].name);
	return cg_fail(e, "--layer %s: no such layer with weights (valid: %s)",
		       name, list);
}

static int override(struct cg_graph *g, struct pc_prog *p,
		    const struct pc_override *ov, struct cg_error *e)
{
	size_t i, hit = 0;

	for (i = 0; i < p->n; i++) {
		struct pc_layer *l = &p->l[i];

		if (!matches(g, l, ov->name))
			continue;
		if (l->op != POTNPU_LAYER_CONV2D)
			return cg_fail(e, "--layer %s: node '%s' (%s) has no weights; only Conv, Gemm and MatMul take a scheme",
				       ov->name, l->name, l->op_type);
		if (pc_scheme_is_progressive(ov->scheme))
			return cg_fail(e, "--layer %s=%s: a layer takes one scheme, not a schedule",
				       ov->name, ov->scheme);
		if (set_scheme(l, ov->scheme, "layer", e))
			return -1;
		hit++;
	}
	return hit ? 0 : unknown_layer(p, ov->name, e);
}

int pc_schedule(struct cg_graph *g, struct pc_prog *p,
		const struct pc_options *o, struct cg_error *e)
{
	const char *s = o->scheme ? o->scheme : "uniform8";
	size_t i;

	if (pc_scheme_is_progressive(s)) {
		if (progressive(p, s, e))
			return -1;
	} else {
		for (i = 0; i < p->n; i++)
			if (p->l[i].op == POTNPU_LAYER_CONV2D &&
			    set_scheme(&p->l[i], s, "global", e))
				return -1;
	}
	for (i = 0; i < o->novr; i++)
		if (override(g, p, &o->ovr[i], e))
			return -1;
	return 0;
}
