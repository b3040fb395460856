// SPDX-License-Identifier: MIT
/*
 * test_onnx_conformance.c: ONNX's node conformance tests (Debian's
 * libonnx-testdata, data/node/) through the compiler's reader, shape
 * inference and float executor. Every test whose model uses only supported
 * ops, attributes and types is run on each of its test_data_set_* and
 * compared with the expected outputs; TAP, one line per test data set.
 * Models the front end rejects are counted and listed as unsupported, not
 * as failures. A last test checks that every supported op has a passing
 * conformance test.
 *
 * POTNPU_ONNX_TESTDATA overrides the directory; POTNPU_ONNX_VERBOSE=1
 * prints why each unsupported test is unsupported.
 */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cg.h"

#define RTOL 1e-4
#define ATOL 1e-5
#define DEFAULT_DIR "/usr/share/libonnx-testdata/data/node"

static const char *const op_names[CG_OP_COUNT] = {
	"Conv", "Gemm", "MatMul", "Relu", "Clip", "MaxPool", "AveragePool",
	"GlobalAveragePool", "Add", "BatchNormalization", "Flatten", "Reshape",
	"Concat", "Softmax", "Identity", "Dropout",
};

struct stats {
	int tap, passed, failed, unsupported, verbose;
	int op_passed[CG_OP_COUNT];
	char *unsupported_list;
	size_t list_len;
};

static void note_unsupported(struct stats *st, const char *test,
			     const char *why)
{
	size_t add = strlen(test) + 2;
	char *l = realloc(st->unsupported_list, st->list_len + add + 1);

	st->unsupported++;
	if (st->verbose)
		printf("# unsupported %s: %s\n", test, why);
	if (!l)
		return;
	st->unsupported_list = l;
	snprintf(l + st->list_len, add + 1, "%s%s", st->list_len ? " " : "", test);
	st->list_len += strlen(l + st->list_len);
}

static int is_dir(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
}

static int close_enough(float got, float want)
{
	if (isnan(want))
		return isnan(got);
	if (isinf(want))
		return got == want;
	return fabs((double)got - want) <= ATOL + RTOL * fabs((double)want);
}

/* 0 if equal; else a reason in why. */
static int compare(const struct cg_tensor *got, const struct cg_tensor *want,
		   char *why, size_t size)
{
	int64_t i, n = cg_numel(want);

	if (cg_numel(got) != n || got->rank != want->rank ||
	    memcmp(got->dims, want->dims, (size_t)got->rank * sizeof(int64_t))) {
		snprintf(why, size, "output '%s': shape differs from expected",
			 got->name);
		return -1;
	}
	for (i = 0; i < n; i++)
		if (!close_enough(got->data[i], want->data[i])) {
			snprintf(why, size, "output '%s'[%lld] = %g, expected %g",
				 got->name, (long long)i, got->data[i],
				 want->data[i]);
			return -1;
		}
	return 0;
}

static int bind_inputs(struct cg_graph *g, const char *set,
		       struct cg_error *e)
{
	char path[8192];
	struct cg_tensor t;
	size_t i;
	int rc;

	for (i = 0; i < g->n_inputs; i++) {
		struct cg_tensor *in = &g->t[g->inputs[i]];

		snprintf(path, sizeof(path), "%s/input_%zu.pb", set, i);
		if (cg_tensor_load_pb(path, &t, e))
			return -1;
		rc = cg_numel(&t) != cg_numel(in) ?
			cg_fail(e, "%s: %lld values, graph input '%s' holds %lld",
				path, (long long)cg_numel(&t), in->name,
				(long long)cg_numel(in)) :
			cg_bind_input(g, in->name, t.data, cg_numel(&t), e);
		cg_tensor_release(&t);
		if (rc)
			return -1;
	}
	return 0;
}

static int check_outputs(struct cg_graph *g, const char *set, char *why,
			 size_t size)
{
	char path[8192];
	struct cg_error e;
	struct cg_tensor t;
	size_t i;
	int rc;

	for (i = 0; i < g->n_outputs; i++) {
		snprintf(path, sizeof(path), "%s/output_%zu.pb", set, i);
		if (cg_tensor_load_pb(path, &t, &e)) {
			snprintf(why, size, "%s", e.msg);
			return -1;
		}
		rc = compare(&g->t[g->outputs[i]], &t, why, size);
		cg_tensor_release(&t);
		if (rc)
			return -1;
	}
	return 0;
}

/* POTNPU_ONNX_COVERAGE=1 prints "# covers OP SET" (docs/compiler.md). */
static void mark_ops(struct stats *st, const struct cg_graph *g,
		     const char *set)
{
	size_t i;

	for (i = 0; i < g->n_nodes; i++) {
		st->op_passed[g->nodes[i].op]++;
		if (getenv("POTNPU_ONNX_COVERAGE"))
			printf("# covers %s %s\n", op_names[g->nodes[i].op], set);
	}
}

/* 1 run, 0 unsupported (why says so), -1 failed (why says so). */
static int run_set(const char *test_dir, const char *set, struct stats *st,
		   char *why, size_t size)
{
	char path[8192];
	struct cg_graph g;
	struct cg_error e;
	int rc = 0;

	snprintf(path, sizeof(path), "%s/model.onnx", test_dir);
	if (cg_read_onnx_file(path, &g, &e)) {
		snprintf(why, size, "%s", e.msg);
		return 0;
	}
	if (bind_inputs(&g, set, &e) || cg_infer_shapes(&g, &e)) {
		snprintf(why, size, "%s", e.msg);
	} else if (cg_exec(&g, &e)) {
		snprintf(why, size, "%s", e.msg);
		rc = -1;
	} else {
		rc = check_outputs(&g, set, why, size) ? -1 : 1;
		if (rc > 0)
			mark_ops(st, &g, set);
	}
	cg_graph_free(&g);
	return rc;
}

static int set_filter(const struct dirent *d)
{
	return strncmp(d->d_name, "test_data_set_", 14) == 0;
}

static int test_filter(const struct dirent *d)
{
	return strncmp(d->d_name, "test_", 5) == 0;
}

static void run_test(const char *root, const char *name, struct stats *st)
{
	char dir[2048], set[4096], why[600];
	struct dirent **sets;
	int n, i, rc;

	snprintf(dir, sizeof(dir), "%s/%s", root, name);
	n = scandir(dir, &sets, set_filter, alphasort);
	if (n <= 0) {
		note_unsupported(st, name, "no test data set");
		return;
	}
	for (i = 0; i < n; i++) {
		snprintf(set, sizeof(set), "%s/%s", dir, sets[i]->d_name);
		why[0] = 0;
		rc = run_set(dir, set, st, why, sizeof(why));
		if (rc == 0 && i == 0) {
			note_unsupported(st, name, why);
			break;
		}
		printf("%s %d - %s/%s%s%s\n", rc > 0 ? "ok" : "not ok", ++st->tap,
		       name, sets[i]->d_name, rc > 0 ? "" : ": ", rc > 0 ? "" : why);
		if (rc > 0)
			st->passed++;
		else
			st->failed++;
	}
	for (i = 0; i < n; i++)
		free(sets[i]);
	free(sets);
}

static int check_coverage(struct stats *st)
{
	int i, ok = 1;

	for (i = 0; i < CG_OP_COUNT; i++)
		if (!st->op_passed[i]) {
			printf("# no passing conformance test for %s\n", op_names[i]);
			ok = 0;
		}
	printf("%s %d - every supported op has a passing conformance test\n",
	       ok ? "ok" : "not ok", ++st->tap);
	return ok;
}

int main(void)
{
	const char *root = getenv("POTNPU_ONNX_TESTDATA");
	struct stats st = { 0 };
	struct dirent **tests;
	int n, i, ok;

	if (!root)
		root = DEFAULT_DIR;
	st.verbose = getenv("POTNPU_ONNX_VERBOSE") != NULL;
	if (!is_dir(root)) {
		printf("1..0 # SKIP %s not found (apt-get install libonnx-testdata)\n",
		       root);
		return 0;
	}
	n = scandir(root, &tests, test_filter, alphasort);
	for (i = 0; i < n; i++) {
		run_test(root, tests[i]->d_name, &st);
		free(tests[i]);
	}
	free(n > 0 ? tests : NULL);
	ok = check_coverage(&st);
	printf("1..%d\n", st.tap);
	printf("# ONNX node conformance: %d passed, %d failed, %d unsupported\n",
	       st.passed, st.failed, st.unsupported);
	printf("# unsupported: %s\n", st.unsupported_list ? st.unsupported_list : "");
	free(st.unsupported_list);
	return st.failed || !ok ? 1 : 0;
}
