// SPDX-License-Identifier: MIT
/*
 * cg_window.c: the sliding window of Conv, MaxPool and AveragePool:
 * kernel, strides, dilations, explicit or automatic padding, output size.
 */
#include <string.h>

#include "cg.h"

static int64_t ceil_div(int64_t a, int64_t b)
{
	return (a + b - 1) / b;
}

static void auto_pads(struct cg_window *w, const int64_t *in_hw, int lower)
{
	int i;

	for (i = 0; i < 2; i++) {
		int64_t span = (w->k[i] - 1) * w->d[i] + 1;
		int64_t total;

		w->out[i] = ceil_div(in_hw[i], w->s[i]);
		total = (w->out[i] - 1) * w->s[i] + span - in_hw[i];
		if (total < 0)
			total = 0;
		w->pad_begin[i] = lower ? total - total / 2 : total / 2;
		w->pad_end[i] = total - w->pad_begin[i];
	}
}

static void explicit_out(struct cg_window *w, const int64_t *in_hw)
{
	int i;

	for (i = 0; i < 2; i++) {
		int64_t span = (w->k[i] - 1) * w->d[i] + 1;
		int64_t room = in_hw[i] + w->pad_begin[i] + w->pad_end[i] - span;

		w->out[i] = room < 0 ? 0 :
			(w->ceil_mode ? ceil_div(room, w->s[i]) : room / w->s[i]) + 1;
		/* ceil_mode: a window may not start in the end padding */
		if (w->ceil_mode && w->out[i] > 1 &&
		    (w->out[i] - 1) * w->s[i] >= in_hw[i] + w->pad_begin[i])
			w->out[i]--;
	}
}

static int check_positive(const struct cg_node *n, const char *what,
			  const int64_t *v, int64_t min, struct cg_error *e)
{
	if (v[0] < min || v[1] < min || v[0] > CG_MAX_DIM || v[1] > CG_MAX_DIM)
		return cg_fail(e, "node '%s' (%s): attribute '%s' value [%lld, %lld] out of range",
			       cg_node_label(n), n->op_type, what,
			       (long long)v[0], (long long)v[1]);
	return 0;
}

static int read_attrs(const struct cg_node *n, struct cg_window *w,
		      struct cg_error *e)
{
	int64_t pads[4];

	if (cg_attr_ints(n, "strides", 2, w->s, 1, e) ||
	    cg_attr_ints(n, "dilations", 2, w->d, 1, e) ||
	    cg_attr_ints(n, "pads", 4, pads, 0, e))
		return -1;
	memcpy(w->pad_begin, pads, sizeof(w->pad_begin));
	memcpy(w->pad_end, pads + 2, sizeof(w->pad_end));
	w->ceil_mode = (int)cg_attr_int(n, "ceil_mode", 0);
	w->count_include_pad = (int)cg_attr_int(n, "count_include_pad", 0);
	if (check_positive(n, "kernel_shape", w->k, 1, e) ||
	    check_positive(n, "strides", w->s, 1, e) ||
	    check_positive(n, "dilations", w->d, 1, e) ||
	    check_positive(n, "pads", w->pad_begin, 0, e))
		return -1;
	return check_positive(n, "pads", w->pad_end, 0, e);
}

int cg_window_params(struct cg_graph *g, const struct cg_node *n,
		     const int64_t *in_hw, const int64_t *kernel,
		     struct cg_window *w, struct cg_error *e)
{
	const char *pad = cg_attr_str(n, "auto_pad", "NOTSET");

	(void)g;
	memset(w, 0, sizeof(*w));
	w->k[0] = kernel[0];
	w->k[1] = kernel[1];
	if (read_attrs(n, w, e))
		return -1;
	if (!strcmp(pad, "SAME_UPPER") || !strcmp(pad, "SAME_LOWER")) {
		auto_pads(w, in_hw, !strcmp(pad, "SAME_LOWER"));
	} else {
		if (!strcmp(pad, "VALID"))
			memset(w->pad_begin, 0, sizeof(w->pad_begin));
		if (!strcmp(pad, "VALID"))
			memset(w->pad_end, 0, sizeof(w->pad_end));
		explicit_out(w, in_hw);
	}
	if (w->out[0] < 1 || w->out[1] < 1)
		return cg_fail(e, "node '%s' (%s): the window does not fit the %lldx%lld input",
			       cg_node_label(n), n->op_type, (long long)in_hw[0],
			       (long long)in_hw[1]);
	return 0;
}
