// SPDX-License-Identifier: MIT
/*
 * The tools: potnpu-bench's argument parser, model checks and report,
 * the JSON output over json-c, exit code mapping, and the built binaries
 * run as a user would (from $POTNPU_BIN_DIR) against fake accel
 * directories.
 * $POTNPU_TOOL_WRAPPER (e.g. "valgrind --error-exitcode=99") prefixes
 * every tool run.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sysexits.h>
#include <unistd.h>

#include <cmocka.h>
#include <zlib.h>

#include "bench.h"
#include "common.h"
#include "tool_json.h"
#include "potnpu_fw_image.h"
#include "test_models.h"
#include "onnx_gen.h"

static void assert_contains(const char *s, const char *sub)
{
	if (!strstr(s, sub))
		fail_msg("\"%s\" does not contain \"%s\"", s, sub);
}

/* ---- potnpu-bench argument parsing ----------------------------------- */

struct parsed {
	int ret;
	struct bench_options o;
	char out[4096];
	char err[1024];
};

/* Parse a NULL-terminated argument list (without argv[0]). */
static void parse(struct parsed *p, ...)
{
	char *argv[16], *s;
	char *outbuf = NULL, *errbuf = NULL;
	size_t outlen = 0, errlen = 0;
	FILE *out, *err;
	va_list ap;
	int argc = 0;

	argv[argc++] = (char *)"potnpu-bench";
	va_start(ap, p);
	while ((s = va_arg(ap, char *)) && argc < 15)
		argv[argc++] = s;
	va_end(ap);
	argv[argc] = NULL;

	out = open_memstream(&outbuf, &outlen);
	err = open_memstream(&errbuf, &errlen);
	assert_non_null(out);
	assert_non_null(err);
	p->ret = bench_parse_args(argc, argv, &p->o, out, err);
	fclose(out);
	fclose(err);
	snprintf(p->out, sizeof(p->out), "%s", outbuf);
	snprintf(p->err, sizeof(p->err), "%s", errbuf);
	free(outbuf);
	free(errbuf);
}

static void test_bench_args_defaults(void **state)
{
	struct parsed p;

	(void)state;
	parse(&p, NULL);
	assert_int_equal(p.ret, BENCH_CONTINUE);
	assert_int_equal(p.o.device, 0);
	assert_int_equal(p.o.iterations, BENCH_DEFAULT_ITERATIONS);
	assert_false(p.o.json);
	assert_null(p.o.model);
	assert_string_equal(p.err, "");
}

static void test_bench_args_valid(void **state)
{
	struct parsed p;

	(void)state;
	parse(&p, "--device", "2", "--iterations", "5", "--json", "m.bin", NULL);
	assert_int_equal(p.ret, BENCH_CONTINUE);
	assert_int_equal(p.o.device, 2);
	assert_int_equal(p.o.iterations, 5);
	assert_true(p.o.json);
	assert_string_equal(p.o.model, "m.bin");

	parse(&p, "-d", "1", "-n", "3", "-j", "x.bin", NULL);
	assert_int_equal(p.ret, BENCH_CONTINUE);
	assert_int_equal(p.o.device, 1);
	assert_int_equal(p.o.iterations, 3);
	assert_true(p.o.json);
	assert_string_equal(p.o.model, "x.bin");

	parse(&p, "model.bin", "--json", "--iterations=7", "--device=4", NULL);
	assert_int_equal(p.ret, BENCH_CONTINUE);
	assert_string_equal(p.o.model, "model.bin");
	assert_int_equal(p.o.iterations, 7);
	assert_int_equal(p.o.device, 4);

	parse(&p, "--iterations", "1000000000", NULL);
	assert_int_equal(p.ret, BENCH_CONTINUE);
	assert_int_equal(p.o.iterations, 1000000000u);

	parse(&p, "--", "-odd-name.bin", NULL);
	assert_int_equal(p.ret, BENCH_CONTINUE);
	assert_string_equal(p.o.model, "-odd-name.bin");
	assert_false(p.o.dma);

	parse(&p, "--dma", "-n", "1000000", "--json", NULL);
	assert_int_equal(p.ret, BENCH_CONTINUE);
	assert_true(p.o.dma);
	assert_true(p.o.json);
	assert_null(p.o.model);
	assert_int_equal(p.o.iterations, BENCH_DMA_MAX_ITERATIONS);

	/* --dma keeps its latencies: fewer iterations. */
	parse(&p, "--iterations", "1000001", "--dma", NULL);
	assert_int_equal(p.ret, EX_USAGE);
	assert_contains(p.err,
			"invalid --iterations '1000001' with --dma: expected a number from 1 to 1000000");
}

static void test_bench_percentile(void **state)
{
	uint64_t v[200];
	size_t i;

	(void)state;
	for (i = 0; i < 200; i++)
		v[i] = i + 1;
	assert_int_equal(bench_percentile(v, 200, 50), 100);
	assert_int_equal(bench_percentile(v, 200, 99), 198);
	assert_int_equal(bench_percentile(v, 200, 100), 200);
	assert_int_equal(bench_percentile(v, 1, 50), 1);
	assert_int_equal(bench_percentile(v, 1, 99), 1);
	assert_int_equal(bench_percentile(v, 3, 50), 2);
	assert_int_equal(bench_percentile(v, 3, 99), 3);
	assert_int_equal(bench_percentile(v, 0, 50), 0);
}

static void test_bench_args_invalid(void **state)
{
	static const struct {
		const char *a, *b;
		const char *msg;
	} cases[] = {
		{ "--bogus", NULL, "unrecognized option '--bogus'" },
		{ "-x", NULL, "unrecognized option '-x'" },
		{ "--device", NULL, "option '--device' needs an argument" },
		{ "-n", NULL, "option '-n' needs an argument" },
		{ "--device", "-1", "invalid --device '-1'" },
		{ "--device", "abc", "invalid --device 'abc'" },
		{ "--device", "1x", "invalid --device '1x'" },
		{ "--device", "", "invalid --device ''" },
		{ "--device", "99999999999999999999", "invalid --device" },
		{ "--iterations", "0", "invalid --iterations '0'" },
		{ "--iterations", "1000000001", "invalid --iterations" },
		{ "--iterations", "+5", "invalid --iterations '+5'" },
		{ "--iterations", " 5", "invalid --iterations" },
		{ "a.bin", "b.bin", "unexpected argument 'b.bin'" },
		{ "--json=yes", NULL, "--json=yes" },
		{ "--dma", "m.bin", "--dma takes no model ('m.bin')" },
		{ "--dma=1", NULL, "--dma=1" },
	};
	struct parsed p;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		parse(&p, cases[i].a, cases[i].b, NULL);
		if (p.ret != EX_USAGE)
			fail_msg("'%s %s' gave %d, want %d", cases[i].a,
				 cases[i].b ? cases[i].b : "", p.ret, EX_USAGE);
		assert_contains(p.err, "potnpu-bench: ");
		assert_contains(p.err, cases[i].msg);
	}
}

static void test_bench_args_help_version(void **state)
{
	struct parsed p;

	(void)state;
	parse(&p, "--help", NULL);
	assert_int_equal(p.ret, 0);
	assert_contains(p.out, "usage: potnpu-bench [options] [model.bin]");
	assert_contains(p.out, "69");
	parse(&p, "-h", NULL);
	assert_int_equal(p.ret, 0);
	parse(&p, "--version", NULL);
	assert_int_equal(p.ret, 0);
	assert_contains(p.out, "potnpu-bench " POTNPU_TOOLS_VERSION);
	assert_string_equal(p.err, "");
}

/* ---- model checks and the report --------------------------------------- */

static void test_bench_model_checks(void **state)
{
	struct bench_options o = { .iterations = 1 };
	struct bench_report r;
	char path[] = "/tmp/potnpu-test-model-XXXXXX";
	int fd;

	(void)state;
	bench_report_init(&r, &o);
	assert_int_equal(bench_check_model("/nonexistent/model.bin", &r),
			 EX_NOINPUT);
	assert_int_equal(r.exit_code, EX_NOINPUT);
	assert_string_equal(r.message,
			    "cannot open model '/nonexistent/model.bin': No such file or directory");

	bench_report_init(&r, &o);
	assert_int_equal(bench_check_model("/tmp", &r), EX_NOINPUT);
	assert_string_equal(r.message, "model '/tmp' is not a regular file");

	fd = mkstemp(path);
	assert_true(fd >= 0);
	bench_report_init(&r, &o);
	assert_int_equal(bench_check_model(path, &r), EX_DATAERR);
	assert_contains(r.message, "is empty");
	assert_int_equal(write(fd, "PNMD", 4), 4);
	close(fd);
	bench_report_init(&r, &o);
	assert_int_equal(bench_check_model(path, &r), 0);
	assert_int_equal(r.model_size, 4);
	assert_int_equal(r.exit_code, 0);
	unlink(path);
}

static char *capture(void (*fn)(const struct bench_report *, FILE *),
		     const struct bench_report *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	fn(r, f);
	fclose(f);
	return buf;
}

static void test_bench_report(void **state)
{
	struct bench_options o = { .iterations = 10, .model = "m.bin" };
	struct bench_report r;
	char *s;

	(void)state;
	bench_report_init(&r, &o);
	bench_report_fail(&r, "unavailable", EX_UNAVAILABLE,
			  "device 0 (\"quoted\"\tpath) does not support model execution yet");
	s = capture(bench_report_print_json, &r);
	assert_contains(s, "\"tool\": \"potnpu-bench\"");
	assert_contains(s, "\"status\": \"unavailable\"");
	assert_contains(s, "\"exit_code\": 69");
	assert_contains(s, "\"message\": \"device 0 (\\\"quoted\\\"\\tpath) does not");
	assert_contains(s, "\"device\": null");
	assert_contains(s, "\"path\": \"m.bin\"");
	assert_contains(s, "\"iterations\": 10");
	assert_contains(s, "\"results\": null");
	free(s);

	/* The shape the real benchmark will fill in. */
	bench_report_init(&r, &o);
	r.have_device = true;
	snprintf(r.device_path, sizeof(r.device_path), "/dev/accel/accel0");
	snprintf(r.driver.name, sizeof(r.driver.name), "potnpu");
	r.have_info = true;
	r.info.pci_vendor = 0x1234;
	r.info.pci_device = 0x9e70;
	r.info.pci_bus_id = 0x18;
	r.info.capabilities = DRM_POTNPU_CAP_IRQ | DRM_POTNPU_CAP_MODEL_EXEC;
	r.have_results = true;
	r.results.latency_ns_min = 100;
	r.results.latency_ns_p99 = 250;
	r.results.throughput_ips = 1234.5;
	r.results.device_cycles = 4096;
	s = capture(bench_report_print_json, &r);
	assert_contains(s, "\"status\": \"ok\"");
	assert_contains(s, "\"bus_id\": \"0000:00:03.0\"");
	assert_contains(s, "\"capability_names\": [\n      \"IRQ\",\n      \"MODEL_EXEC\"\n    ]");
	assert_contains(s, "\"min\": 100");
	assert_contains(s, "\"p99\": 250");
	assert_contains(s, "\"throughput_ips\": 1234.5");
	assert_contains(s, "\"device_cycles_per_inference\": 4096");
	assert_contains(s, "\"accuracy\": null");
	free(s);
	s = capture(bench_report_print_text, &r);
	assert_contains(s, "device:        0 (/dev/accel/accel0, potnpu 1234:9e70 at 0000:00:03.0, firmware none)");
	assert_contains(s, "mode:          model\n");
	assert_contains(s, "throughput:    1234.50 inferences/s");
	free(s);
}

static void test_bench_report_dma(void **state)
{
	struct bench_options o = { .iterations = 10, .dma = true };
	struct bench_dma_results *d;
	struct bench_report r;
	char *s;

	(void)state;
	bench_report_init(&r, &o);
	s = capture(bench_report_print_json, &r);
	assert_contains(s, "\"mode\": \"dma\"");
	assert_contains(s, "\"dma\": null");
	free(s);

	r.have_dma = true;
	d = &r.dma_results;
	d->jobs = 10;
	d->latency = (struct bench_latency){ 1000, 1500, 1400, 2900, 3000 };
	d->sequential_jobs_per_s = 600.25;
	d->pipelined_jobs = 10;
	d->max_in_flight = 64;
	d->pipelined_ns = 4000;
	d->pipelined_jobs_per_s = 2500000;
	d->ncopies = 2;
	d->copy[0] = (struct bench_dma_copy){ .size = 4096, .copies = 10,
		.elapsed_ns = 20000, .mib_per_s = 1953.125, .verified = true };
	d->copy[1].size = 16u << 20;
	d->copy[1].skipped = true;
	snprintf(d->copy[1].skip_reason, sizeof(d->copy[1].skip_reason),
		 "no \"room\"");
	s = capture(bench_report_print_text, &r);
	assert_contains(s, "mode:          dma\n");
	assert_contains(s, "empty jobs:    10, one at a time, submit to signal (ns): min 1000, p50 1400, p99 2900, max 3000, mean 1500\n");
	assert_contains(s, "               600.2 jobs/s\n");
	assert_contains(s, "pipelined:     10 jobs chained through syncobjs, 64 in flight at most: 2500000.0 jobs/s\n");
	assert_contains(s, "copy 4 KiB:    10 copies, 1953.1 MiB/s, every byte verified\n");
	assert_contains(s, "copy 16 MiB:   skipped (no \"room\")\n");
	free(s);
	s = capture(bench_report_print_json, &r);
	assert_contains(s, "\"results\": null,\n  \"dma\": {\n    \"empty_jobs\": {\n      \"jobs\": 10,\n      \"latency_ns\": {\n        \"min\": 1000,\n        \"mean\": 1500,\n        \"p50\": 1400,\n        \"p99\": 2900,\n        \"max\": 3000\n      },\n      \"jobs_per_s\": 600.25\n    },");
	assert_contains(s, "\"pipelined\": {\n      \"jobs\": 10,\n      \"chained\": true,\n      \"max_in_flight\": 64,\n      \"elapsed_ns\": 4000,\n      \"jobs_per_s\": 2500000");
	assert_contains(s, "{\n        \"size\": 4096,\n        \"skipped\": null,\n        \"copies\": 10,\n        \"elapsed_ns\": 20000,\n        \"mib_per_s\": 1953.125,\n        \"verified\": true\n      }");
	assert_contains(s, "{\n        \"size\": 16777216,\n        \"skipped\": \"no \\\"room\\\"\"\n      }");
	free(s);
}

/* ---- JSON output (tool_json over json-c) ------------------------------ */

static char *json_of(struct json_object *(*fn)(void))
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	tool_json_finish(fn(), f);
	fclose(f);
	return buf;
}

static struct json_object *doc_nested(void)
{
	struct json_object *o = json_object_new_object();
	struct json_object *a = json_object_new_array();

	json_object_object_add(o, "s", tool_json_string("a\"b\\c\nd\x01\x7f"));
	json_object_object_add(o, "u",
			       json_object_new_uint64(18446744073709551615ull));
	json_object_object_add(o, "i", json_object_new_int64(-5));
	json_object_object_add(o, "t", json_object_new_boolean(true));
	json_object_object_add(o, "n", NULL);
	json_object_array_add(a, json_object_new_uint64(1));
	json_object_array_add(a, json_object_new_object());
	json_object_array_add(a, json_object_new_array());
	json_object_object_add(o, "a", a);
	json_object_object_add(o, "d", tool_json_double(0.5));
	json_object_object_add(o, "tenth", tool_json_double(0.1));
	json_object_object_add(o, "nan", tool_json_double(NAN));
	return o;
}

static struct json_object *doc_utf8(void)
{
	struct json_object *a = json_object_new_array();

	json_object_array_add(a, tool_json_string("caf\xc3\xa9 \xe2\x82\xac"));	/* valid */
	json_object_array_add(a, tool_json_string("bad\xff\xc3(\xed\xa0\x80!"));	/* invalid */
	json_object_array_add(a, tool_json_string(NULL));
	return a;
}

#define JSON_DEEP 20

static struct json_object *doc_deep(void)
{
	struct json_object *inner = json_object_new_uint64(7), *a;
	int i;

	for (i = 0; i < JSON_DEEP; i++) {
		a = json_object_new_array();
		json_object_array_add(a, inner);
		inner = a;
	}
	return inner;
}

static void test_json_output(void **state)
{
	char *s;

	(void)state;
	/* json-c prints empty containers on two lines, and DEL unescaped. */
	s = json_of(doc_nested);
	assert_string_equal(s,
		"{\n"
		"  \"s\": \"a\\\"b\\\\c\\nd\\u0001\x7f\",\n"
		"  \"u\": 18446744073709551615,\n"
		"  \"i\": -5,\n"
		"  \"t\": true,\n"
		"  \"n\": null,\n"
		"  \"a\": [\n"
		"    1,\n"
		"    {\n"
		"    },\n"
		"    [\n"
		"    ]\n"
		"  ],\n"
		"  \"d\": 0.5,\n"
		"  \"tenth\": 0.1,\n"
		"  \"nan\": null\n"
		"}\n");
	free(s);
	/* Invalid UTF-8 becomes U+FFFD (EF BF BD), one per bad byte. */
	s = json_of(doc_utf8);
	assert_string_equal(s,
		"[\n"
		"  \"caf\xc3\xa9 \xe2\x82\xac\",\n"
		"  \"bad\xef\xbf\xbd\xef\xbf\xbd(\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd!\",\n"
		"  null\n"
		"]\n");
	free(s);

	/* Deeply nested: still balanced. */
	s = json_of(doc_deep);
	{
		size_t open = 0, close = 0, n = strlen(s);
		const char *p;

		for (p = s; *p; p++) {
			open += *p == '[';
			close += *p == ']';
		}
		assert_int_equal(open, JSON_DEEP);
		assert_int_equal(close, JSON_DEEP);
		assert_int_equal(s[0], '[');
		assert_string_equal(s + n - 2, "]\n");
		assert_non_null(strstr(s, "7"));
	}
	free(s);
}

/* ---- exit codes -------------------------------------------------------- */

static void test_exit_codes(void **state)
{
	(void)state;
	assert_int_equal(tool_exit_code(0), 0);
	assert_int_equal(tool_exit_code(-ENODEV), EX_UNAVAILABLE);
	assert_int_equal(tool_exit_code(-ENOENT), EX_UNAVAILABLE);
	assert_int_equal(tool_exit_code(-ENOTDIR), EX_UNAVAILABLE);
	assert_int_equal(tool_exit_code(-ENOTTY), EX_UNAVAILABLE);
	assert_int_equal(tool_exit_code(-ENXIO), EX_UNAVAILABLE);
	assert_int_equal(tool_exit_code(-EOPNOTSUPP), EX_UNAVAILABLE);
	assert_int_equal(tool_exit_code(-EACCES), EX_NOPERM);
	assert_int_equal(tool_exit_code(-EPERM), EX_NOPERM);
	assert_int_equal(tool_exit_code(-EPROTO), EX_PROTOCOL);
	assert_int_equal(tool_exit_code(-EBADMSG), EX_PROTOCOL);
	assert_int_equal(tool_exit_code(-ENOMEM), EX_OSERR);
	assert_int_equal(tool_exit_code(-EIO), EX_OSERR);
	assert_int_equal(EX_USAGE, 64);
	assert_int_equal(EX_NOINPUT, 66);
	assert_int_equal(EX_UNAVAILABLE, 69);
}

static void test_parse_uint(void **state)
{
	unsigned long v;

	(void)state;
	assert_int_equal(tool_parse_uint("0", 0, 10, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(tool_parse_uint("10", 0, 10, &v), 0);
	assert_int_equal(v, 10);
	assert_int_equal(tool_parse_uint("11", 0, 10, &v), -1);
	assert_int_equal(tool_parse_uint("0", 1, 10, &v), -1);
	assert_int_equal(tool_parse_uint("-1", 0, 10, &v), -1);
	assert_int_equal(tool_parse_uint("", 0, 10, &v), -1);
	assert_int_equal(tool_parse_uint(NULL, 0, 10, &v), -1);
	assert_int_equal(tool_parse_uint("5 ", 0, 10, &v), -1);
	assert_int_equal(tool_parse_uint("0x5", 0, 10, &v), -1);
}

/* ---- running the tools ------------------------------------------------- */

struct run {
	int status;
	char out[16384];
	char err[4096];
};

static char tmpdir[64];

static void slurp(int fd, char *buf, size_t len)
{
	ssize_t n;
	size_t used = 0;

	lseek(fd, 0, SEEK_SET);
	while (used + 1 < len && (n = read(fd, buf + used, len - 1 - used)) > 0)
		used += (size_t)n;
	buf[used] = '\0';
	close(fd);
}

/*
 * Run tool @name from the directory in $@dir_env with the argument list
 * @ap, POTNPU_ACCEL_DIR set to @accel_dir (unset if NULL) and
 * POTNPU_FAKE_DRM to @fake (for the tools linked with the fake driver).
 */
static void vrun(struct run *r, const char *dir_env, const char *accel_dir,
		 const char *fake, const char *name, va_list ap)
{
	const char *bindir = getenv(dir_env);
	const char *wrapper = getenv("POTNPU_TOOL_WRAPPER");
	char *argv[48], *wrap = NULL, *tok, *save = NULL, *s;
	char prog[512], outp[96], errp[96];
	int outfd, errfd, status, argc = 0;
	pid_t pid;

	if (!bindir)
		fail_msg("%s is not set (run through make check)", dir_env);
	snprintf(prog, sizeof(prog), "%s/%s", bindir, name);
	if (wrapper && *wrapper) {
		wrap = strdup(wrapper);
		for (tok = strtok_r(wrap, " ", &save); tok && argc < 32;
		     tok = strtok_r(NULL, " ", &save))
			argv[argc++] = tok;
	}
	argv[argc++] = prog;
	while ((s = va_arg(ap, char *)) && argc < 47)
		argv[argc++] = s;
	argv[argc] = NULL;

	snprintf(outp, sizeof(outp), "%s/stdout-XXXXXX", tmpdir);
	snprintf(errp, sizeof(errp), "%s/stderr-XXXXXX", tmpdir);
	outfd = mkstemp(outp);
	errfd = mkstemp(errp);
	assert_true(outfd >= 0 && errfd >= 0);
	unlink(outp);
	unlink(errp);

	fflush(stdout);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(outfd, 1);
		dup2(errfd, 2);
		if (accel_dir)
			setenv(POTNPU_ACCEL_DIR_ENV, accel_dir, 1);
		else
			unsetenv(POTNPU_ACCEL_DIR_ENV);
		if (fake)
			setenv("POTNPU_FAKE_DRM", fake, 1);
		else
			unsetenv("POTNPU_FAKE_DRM");
		execvp(argv[0], argv);
		_exit(127);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	free(wrap);
	if (!WIFEXITED(status))
		fail_msg("%s did not exit normally (status 0x%x)", name, status);
	r->status = WEXITSTATUS(status);
	slurp(outfd, r->out, sizeof(r->out));
	slurp(errfd, r->err, sizeof(r->err));
}

/* A tool from $POTNPU_BIN_DIR, as built for users. */
static void run(struct run *r, const char *accel_dir, const char *name, ...)
{
	va_list ap;

	va_start(ap, name);
	vrun(r, "POTNPU_BIN_DIR", accel_dir, NULL, name, ap);
	va_end(ap);
}

/* A tool from $POTNPU_TEST_DIR, linked with the fake driver. */
static void run_fake(struct run *r, const char *accel_dir, const char *fake,
		     const char *name, ...)
{
	va_list ap;

	va_start(ap, name);
	vrun(r, "POTNPU_TEST_DIR", accel_dir, fake, name, ap);
	va_end(ap);
}

#define assert_exit(r, code) do {					\
	if ((r)->status != (code))					\
		fail_msg("exit status %d, want %d; stderr: %s", (r)->status, \
			 (code), (r)->err);				\
} while (0)

static char empty_dir[96], missing_dir[96], file_dir[96];

static int setup_run(void **state)
{
	FILE *f;

	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/potnpu-test-tools-XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	snprintf(empty_dir, sizeof(empty_dir), "%s/accel", tmpdir);
	snprintf(missing_dir, sizeof(missing_dir), "%s/none", tmpdir);
	snprintf(file_dir, sizeof(file_dir), "%s/file", tmpdir);
	if (mkdir(empty_dir, 0755))
		return -1;
	f = fopen(file_dir, "w");
	if (!f)
		return -1;
	fclose(f);
	return 0;
}

static int teardown_run(void **state)
{
	char cmd[160];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static void test_run_bench(void **state)
{
	struct run r;
	char want[256];

	(void)state;
	run(&r, empty_dir, "potnpu-bench", "--bogus", NULL);
	assert_exit(&r, EX_USAGE);
	assert_string_equal(r.err,
			    "potnpu-bench: unrecognized option '--bogus' (see --help)\n");

	run(&r, empty_dir, "potnpu-bench", "--iterations", "0", NULL);
	assert_exit(&r, EX_USAGE);

	run(&r, empty_dir, "potnpu-bench", "/nonexistent/model.bin", NULL);
	assert_exit(&r, EX_NOINPUT);
	assert_string_equal(r.err,
			    "potnpu-bench: cannot open model '/nonexistent/model.bin': No such file or directory\n");

	run(&r, empty_dir, "potnpu-bench", NULL);
	assert_exit(&r, EX_UNAVAILABLE);
	snprintf(want, sizeof(want),
		 "potnpu-bench: no potnpu device found in %s (is the potnpu module loaded?)\n",
		 empty_dir);
	assert_string_equal(r.err, want);
	assert_string_equal(r.out, "");

	run(&r, missing_dir, "potnpu-bench", "--json", NULL);
	assert_exit(&r, EX_UNAVAILABLE);
	assert_contains(r.err, "does not exist");
	assert_contains(r.out, "\"status\": \"unavailable\"");
	assert_contains(r.out, "\"exit_code\": 69");
	assert_contains(r.out, "\"device\": null");

	run(&r, empty_dir, "potnpu-bench", "--help", NULL);
	assert_exit(&r, 0);
	assert_contains(r.out, "usage: potnpu-bench");
	run(&r, empty_dir, "potnpu-bench", "--version", NULL);
	assert_exit(&r, 0);
	assert_contains(r.out, "potnpu-bench " POTNPU_TOOLS_VERSION);
}

static void test_run_info(void **state)
{
	struct run r;
	char want[256];

	(void)state;
	run(&r, empty_dir, "potnpu-info", NULL);
	assert_exit(&r, EX_UNAVAILABLE);
	snprintf(want, sizeof(want),
		 "potnpu-info: no potnpu device found in %s (is the potnpu module loaded?)\n",
		 empty_dir);
	assert_string_equal(r.err, want);

	run(&r, empty_dir, "potnpu-info", "--json", NULL);
	assert_exit(&r, EX_UNAVAILABLE);
	assert_contains(r.out, "\"tool\": \"potnpu-info\"");
	assert_contains(r.out, "\"devices\": [\n  ]");
	assert_contains(r.out, "\"error\": \"no potnpu device found in ");

	run(&r, missing_dir, "potnpu-info", NULL);
	assert_exit(&r, EX_UNAVAILABLE);
	assert_contains(r.err, "does not exist (is the potnpu module loaded?)");

	run(&r, file_dir, "potnpu-info", NULL);
	assert_exit(&r, EX_UNAVAILABLE);
	assert_contains(r.err, "is not a directory (check POTNPU_ACCEL_DIR)");

	run(&r, empty_dir, "potnpu-info", "--bogus", NULL);
	assert_exit(&r, EX_USAGE);
	run(&r, empty_dir, "potnpu-info", "--device", "x", NULL);
	assert_exit(&r, EX_USAGE);
	assert_contains(r.err, "invalid --device 'x'");
	run(&r, empty_dir, "potnpu-info", "extra", NULL);
	assert_exit(&r, EX_USAGE);
	run(&r, empty_dir, "potnpu-info", "--help", NULL);
	assert_exit(&r, 0);
	assert_contains(r.out, "usage: potnpu-info");
}

static void write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
}

static void test_run_fwimage(void **state)
{
	char in[128], img[128], bad[128], empty[128], abi[24], want[128];
	uint8_t payload[100], buf[POTNPU_FW_HEADER_SIZE + 100];
	struct run r;
	size_t i;
	FILE *f;

	(void)state;
	for (i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t)(i * 7);
	snprintf(in, sizeof(in), "%s/payload.bin", tmpdir);
	snprintf(img, sizeof(img), "%s/fw.img", tmpdir);
	snprintf(bad, sizeof(bad), "%s/bad.img", tmpdir);
	snprintf(empty, sizeof(empty), "%s/empty.bin", tmpdir);
	write_file(in, payload, sizeof(payload));
	write_file(empty, "", 0);

	run(&r, NULL, "potnpu-fwimage", "abi", NULL);
	assert_exit(&r, 0);
	snprintf(abi, sizeof(abi), "%u.%u.%u",
		 POTNPU_FW_VER_MAJOR(POTNPU_FW_ABI_VERSION),
		 POTNPU_FW_VER_MINOR(POTNPU_FW_ABI_VERSION),
		 POTNPU_FW_VER_PATCH(POTNPU_FW_ABI_VERSION));
	snprintf(want, sizeof(want), "%s\n", abi);
	assert_string_equal(r.out, want);

	run(&r, NULL, "potnpu-fwimage", "pack", "--version", "1.2.3", "--abi",
	    abi, "--load", "0x100", "--entry", "260", in, img, NULL);
	assert_exit(&r, 0);

	run(&r, NULL, "potnpu-fwimage", "check", img, NULL);
	assert_exit(&r, 0);
	assert_contains(r.out, ": valid potnpu firmware image: fw 1.2.3");

	/* info decodes exactly what was packed. */
	run(&r, NULL, "potnpu-fwimage", "info", img, NULL);
	assert_exit(&r, 0);
	assert_contains(r.out, "magic:         0x57464e50\n");
	assert_contains(r.out, "format:        1.0\n");
	assert_contains(r.out, "fw version:    1.2.3 (0x01020003)\n");
	assert_contains(r.out, "load address:  0x00000100\n");
	assert_contains(r.out, "entry:         0x00000104\n");
	assert_contains(r.out, "payload size:  100\n");
	assert_contains(r.out, "status:        valid\n");

	run(&r, NULL, "potnpu-fwimage", "info", "--json", img, NULL);
	assert_exit(&r, 0);
	assert_contains(r.out, "\"fw_version\": \"1.2.3\"");
	assert_contains(r.out, "\"load_addr\": 256,");
	assert_contains(r.out, "\"entry\": 260,");
	assert_contains(r.out, "\"payload_size\": 100,");
	assert_contains(r.out, "\"valid\": true");

	/* The payload is in the image byte for byte. */
	f = fopen(img, "rb");
	assert_non_null(f);
	assert_int_equal(fread(buf, 1, sizeof(buf), f), sizeof(buf));
	fclose(f);
	assert_memory_equal(buf + POTNPU_FW_HEADER_SIZE, payload, sizeof(payload));

	/* A flipped payload bit: invalid, with the reason. */
	buf[POTNPU_FW_HEADER_SIZE + 10] ^= 0x10;
	write_file(bad, buf, sizeof(buf));
	run(&r, NULL, "potnpu-fwimage", "check", bad, NULL);
	assert_exit(&r, 1);
	assert_contains(r.err, "invalid: payload checksum mismatch (stored 0x");
	run(&r, NULL, "potnpu-fwimage", "info", bad, NULL);
	assert_exit(&r, 1);
	assert_contains(r.out, "status:        invalid: payload checksum mismatch");
	run(&r, NULL, "potnpu-fwimage", "check", img, bad, NULL);
	assert_exit(&r, 1);

	/* A truncated file. */
	write_file(bad, buf, 10);
	run(&r, NULL, "potnpu-fwimage", "check", bad, NULL);
	assert_exit(&r, 1);
	assert_contains(r.err, "invalid: truncated: shorter than the 64-byte header (file is 10 bytes)");

	/* Usage errors, missing input, bad layouts, unwritable output. */
	run(&r, NULL, "potnpu-fwimage", NULL);
	assert_exit(&r, EX_USAGE);
	run(&r, NULL, "potnpu-fwimage", "frobnicate", NULL);
	assert_exit(&r, EX_USAGE);
	assert_contains(r.err, "unknown command 'frobnicate'");
	run(&r, NULL, "potnpu-fwimage", "pack", "--version", "1.2", "--abi", abi,
	    "--load", "0", "--entry", "0", in, img, NULL);
	assert_exit(&r, EX_USAGE);
	assert_contains(r.err, "invalid --version '1.2'");
	run(&r, NULL, "potnpu-fwimage", "pack", "--version", "1.2.3", "--abi", abi,
	    "--load", "0", in, img, NULL);
	assert_exit(&r, EX_USAGE);
	assert_contains(r.err, "missing --entry");
	run(&r, NULL, "potnpu-fwimage", "pack", "--version", "1.2.3", "--abi", abi,
	    "--load", "0", "--entry", "0x", in, img, NULL);
	assert_exit(&r, EX_USAGE);
	run(&r, NULL, "potnpu-fwimage", "pack", "--version", "1.2.3", "--abi", abi,
	    "--load", "0", "--entry", "0", in, NULL);
	assert_exit(&r, EX_USAGE);
	run(&r, NULL, "potnpu-fwimage", "pack", "--version", "1.2.3", "--abi", abi,
	    "--load", "0", "--entry", "0", "/nonexistent/in.bin", img, NULL);
	assert_exit(&r, EX_NOINPUT);
	run(&r, NULL, "potnpu-fwimage", "pack", "--version", "1.2.3", "--abi", abi,
	    "--load", "0", "--entry", "0", empty, img, NULL);
	assert_exit(&r, EX_DATAERR);
	assert_contains(r.err, "is empty");
	run(&r, NULL, "potnpu-fwimage", "pack", "--version", "1.2.3", "--abi", abi,
	    "--load", "0", "--entry", "2", in, bad, NULL);
	assert_exit(&r, EX_DATAERR);
	assert_contains(r.err, "the image would be invalid: entry point unaligned or outside the payload");
	run(&r, NULL, "potnpu-fwimage", "pack", "--version", "1.2.3", "--abi",
	    "99.0.0", "--load", "0", "--entry", "0", in, bad, NULL);
	assert_exit(&r, EX_DATAERR);
	assert_contains(r.err, "incompatible host interface (ABI) major version");
	run(&r, NULL, "potnpu-fwimage", "pack", "--version", "1.2.3", "--abi", abi,
	    "--load", "0", "--entry", "0", in, "/nonexistent/dir/out.img", NULL);
	assert_exit(&r, EX_CANTCREAT);
	run(&r, NULL, "potnpu-fwimage", "check", "/nonexistent/x.img", NULL);
	assert_exit(&r, EX_NOINPUT);
	run(&r, NULL, "potnpu-fwimage", "check", NULL);
	assert_exit(&r, EX_USAGE);
	run(&r, NULL, "potnpu-fwimage", "info", NULL);
	assert_exit(&r, EX_USAGE);

	/* The earlier good image was not clobbered by the failed packs. */
	run(&r, NULL, "potnpu-fwimage", "check", img, NULL);
	assert_exit(&r, 0);
}

/* ---- the tools on fake devices ----------------------------------------- */

static char fake_dir[96];

static void make_fake_dir(void)
{
	static const char *const links[][2] = {
		{ "accel0", "/dev/zero" },	/* potnpu */
		{ "accel1", "/dev/full" },	/* another driver */
		{ "accel2", "/dev/urandom" },	/* potnpu */
		{ "accel3", "/dev/null" },	/* not DRM */
	};
	char path[160];
	size_t i;

	snprintf(fake_dir, sizeof(fake_dir), "%s/fake", tmpdir);
	assert_int_equal(mkdir(fake_dir, 0755), 0);
	for (i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", fake_dir, links[i][0]);
		assert_int_equal(symlink(links[i][1], path), 0);
	}
}

/* Two potnpu nodes speaking the header's uapi version, and an ivpu. */
static const char *fake_drm_env(void)
{
	static char env[128];

	snprintf(env, sizeof(env),
		 "zero:potnpu:%d.%d:0x3;full:ivpu:1.0:0;urandom:potnpu:%d.%d:0x1",
		 DRM_POTNPU_UAPI_MAJOR, DRM_POTNPU_UAPI_MINOR,
		 DRM_POTNPU_UAPI_MAJOR, DRM_POTNPU_UAPI_MINOR);
	return env;
}

#define FAKE_DRM fake_drm_env()

static void test_run_info_fake(void **state)
{
	struct run r;
	char want[256];

	(void)state;
	make_fake_dir();
	run_fake(&r, fake_dir, FAKE_DRM, "potnpu-info-fake", NULL);
	assert_exit(&r, 0);
	snprintf(want, sizeof(want), "potnpu device 0: %s/accel0\n", fake_dir);
	assert_contains(r.out, want);
	snprintf(want, sizeof(want), "potnpu device 1: %s/accel2\n", fake_dir);
	assert_contains(r.out, want);
	snprintf(want, sizeof(want),
		 "  driver:        potnpu %d.%d.3 \"fake potnpu driver\" (date 20261123)\n",
		 DRM_POTNPU_UAPI_MAJOR, DRM_POTNPU_UAPI_MINOR);
	assert_contains(r.out, want);
	assert_contains(r.out, "  pci:           1234:9e70 rev 01 at 0000:00:03.0\n");
	assert_contains(r.out, "  hw version:    1.0\n");
	assert_contains(r.out, "  hw caps:       0x00000003 (PING,CORE)\n");
	assert_contains(r.out, "  firmware:      0.1.0 (fw ABI 1.0.0)\n");
	snprintf(want, sizeof(want), "  uapi version:  %d.%d\n",
		 DRM_POTNPU_UAPI_MAJOR, DRM_POTNPU_UAPI_MINOR);
	assert_contains(r.out, want);
	assert_contains(r.out, "  capabilities:  0x0000000000000003 (IRQ,FIRMWARE)\n");
	assert_contains(r.out, "  capabilities:  0x0000000000000001 (IRQ)\n");
	assert_string_equal(r.err, "");

	run_fake(&r, fake_dir, FAKE_DRM, "potnpu-info-fake", "--device", "1", NULL);
	assert_exit(&r, 0);
	assert_true(strstr(r.out, "accel0") == NULL);
	assert_contains(r.out, "potnpu device 1: ");

	run_fake(&r, fake_dir, FAKE_DRM, "potnpu-info-fake", "--device", "2", NULL);
	assert_exit(&r, EX_UNAVAILABLE);
	assert_contains(r.err, "no potnpu device with index 2: 2 found in ");

	run_fake(&r, fake_dir, FAKE_DRM, "potnpu-info-fake", "--json", NULL);
	assert_exit(&r, 0);
	assert_contains(r.out, "\"devices\": [\n    {\n      \"index\": 0,\n");
	assert_contains(r.out, "\"index\": 1,");
	assert_contains(r.out, "\"vendor\": 4660,");
	assert_contains(r.out, "\"bus_id\": \"0000:00:03.0\"");
	assert_contains(r.out, "\"cap_names\": [\n          \"PING\",\n          \"CORE\"\n        ]");
	assert_contains(r.out, "\"firmware\": {\n        \"version\": \"0.1.0\",\n        \"abi\": \"1.0.0\"\n      }");
	snprintf(want, sizeof(want), "\"uapi_version\": \"%d.%d\"",
		 DRM_POTNPU_UAPI_MAJOR, DRM_POTNPU_UAPI_MINOR);
	assert_contains(r.out, want);
	assert_contains(r.out, "\"capabilities\": 3,");
	assert_contains(r.out, "\"capability_names\": [\n        \"IRQ\",\n        \"FIRMWARE\"\n      ]");

	/* A driver older than the header is still listed (each call checks
	 * the minor it needs). */
	snprintf(want, sizeof(want), "zero:potnpu:%d.0:0x3",
		 DRM_POTNPU_UAPI_MAJOR);
	run_fake(&r, fake_dir, want, "potnpu-info-fake", NULL);
	assert_exit(&r, 0);
	assert_contains(r.out, "potnpu device 0: ");
	assert_string_equal(r.err, "");

	/* A potnpu driver this library cannot talk to. */
	snprintf(want, sizeof(want), "zero:potnpu:%d.0:0x3",
		 DRM_POTNPU_UAPI_MAJOR + 1);
	run_fake(&r, fake_dir, want, "potnpu-info-fake", NULL);
	assert_exit(&r, EX_PROTOCOL);
	assert_contains(r.err, "potnpu-info: device 0: potnpu driver too new: ");
}

static void test_run_bench_fake(void **state)
{
	struct run r;
	char want[400];

	(void)state;
	make_fake_dir();
	run_fake(&r, fake_dir, FAKE_DRM, "potnpu-bench-fake", NULL);
	assert_exit(&r, EX_UNAVAILABLE);
	snprintf(want, sizeof(want),
		 "potnpu-bench: device 0 (%s/accel0, potnpu 1234:9e70 at 0000:00:03.0, firmware 0.1.0) does not support model execution yet (capability MODEL_EXEC missing); nothing to benchmark\n",
		 fake_dir);
	assert_string_equal(r.err, want);
	assert_string_equal(r.out, "");

	run_fake(&r, fake_dir, FAKE_DRM, "potnpu-bench-fake", "--json",
		 "--device", "1", NULL);
	assert_exit(&r, EX_UNAVAILABLE);
	assert_contains(r.out, "\"status\": \"unavailable\"");
	assert_contains(r.out, "\"exit_code\": 69");
	assert_contains(r.out, "capability MODEL_EXEC missing");
	snprintf(want, sizeof(want), "\"path\": \"%s/accel2\"", fake_dir);
	assert_contains(r.out, want);
	assert_contains(r.out, "\"results\": null");

	/* A device with layer commands: a file that is no model is 65, no
	 * model at all 64 (the model mode itself: test_run_bench_model_fake). */
	snprintf(want, sizeof(want), "zero:potnpu:%d.%d:0x9",
		 DRM_POTNPU_UAPI_MAJOR, DRM_POTNPU_UAPI_MINOR);
	run_fake(&r, fake_dir, want, "potnpu-bench-fake",
		 "/etc/hostname", NULL);
	assert_exit(&r, EX_DATAERR);
	assert_contains(r.err, "/etc/hostname: model: ");
	run_fake(&r, fake_dir, want, "potnpu-bench-fake", NULL);
	assert_exit(&r, EX_USAGE);
	assert_contains(r.err, "give a model file (model.bin) to benchmark, or benchmark layers with 'potnpu-bench --layers'");

	/* --layers without MODEL_EXEC: 69 and why. */
	run_fake(&r, fake_dir, FAKE_DRM, "potnpu-bench-fake", "--layers", NULL);
	assert_exit(&r, EX_UNAVAILABLE);
	assert_contains(r.err, "does not support layer commands yet (capability MODEL_EXEC missing)");

	/* --dma without JOBS: 69, like the model mode. */
	run_fake(&r, fake_dir, FAKE_DRM, "potnpu-bench-fake", "--dma", NULL);
	assert_exit(&r, EX_UNAVAILABLE);
	snprintf(want, sizeof(want),
		 "potnpu-bench: device 0 (%s/accel0, potnpu 1234:9e70 at 0000:00:03.0, firmware 0.1.0) does not support jobs yet (capability JOBS missing); nothing to benchmark\n",
		 fake_dir);
	assert_string_equal(r.err, want);
	assert_string_equal(r.out, "");

	/* With JOBS: the fake driver runs the jobs. */
	snprintf(want, sizeof(want), "zero:potnpu:%d.%d:0x7",
		 DRM_POTNPU_UAPI_MAJOR, DRM_POTNPU_UAPI_MINOR);
	run_fake(&r, fake_dir, want, "potnpu-bench-fake", "--dma", "-n", "3",
		 NULL);
	assert_exit(&r, 0);
	assert_string_equal(r.err, "");
	assert_contains(r.out, "mode:          dma\n");
	assert_contains(r.out, "status:        ok\n");
	assert_contains(r.out, "empty jobs:    3, one at a time, submit to signal (ns): min ");
	assert_contains(r.out, "pipelined:     3 jobs chained through syncobjs, 64 in flight at most: ");
	assert_contains(r.out, "copy 4 KiB:    3 copies, ");
	assert_contains(r.out, "copy 64 KiB:   3 copies, ");
	assert_contains(r.out, "copy 1 MiB:    3 copies, ");
	assert_contains(r.out, "copy 16 MiB:   3 copies, ");
	assert_contains(r.out, "MiB/s, every byte verified\n");

	run_fake(&r, fake_dir, want, "potnpu-bench-fake", "--dma", "-n", "1",
		 "--json", NULL);
	assert_exit(&r, 0);
	assert_contains(r.out, "\"mode\": \"dma\"");
	assert_contains(r.out, "\"status\": \"ok\"");
	assert_contains(r.out, "\"size\": 16777216,\n        \"skipped\": null,\n        \"copies\": 1,");
	assert_contains(r.out, "\"verified\": true");

	run_fake(&r, fake_dir, want, "potnpu-bench-fake", "--dma", "m.bin",
		 NULL);
	assert_exit(&r, EX_USAGE);
}

/*
 * potnpu-bench --layers against the fake driver (layers run by the CPU
 * reference): the suite's plumbing, the report, and that a difference
 * from the reference is exit 1 naming the layer.
 */
static void test_run_bench_layers_fake(void **state)
{
	struct run r;
	char env[64];

	(void)state;
	make_fake_dir();
	snprintf(env, sizeof(env), "zero:potnpu:%d.%d:0xf",
		 DRM_POTNPU_UAPI_MAJOR, DRM_POTNPU_UAPI_MINOR);
	run_fake(&r, fake_dir, env, "potnpu-bench-fake", "--layers", "-n", "1",
		 NULL);
	assert_exit(&r, 0);
	assert_contains(r.out, "mode:          layers\n");
	assert_contains(r.out, "\nconv3x3         uniform8     8 ");
	assert_contains(r.out, "\nconv3x3         nhot2     ");
	assert_contains(r.out, "\nrequant         -            0 ");
	assert_contains(r.out, "every output byte and counter checked against the CPU reference\n");

	/* Run 4 of the process is the pot5 layer's checked run (-n 1). */
	setenv("POTNPU_FAKE_LAYER_CORRUPT", "out:4", 1);
	run_fake(&r, fake_dir, env, "potnpu-bench-fake", "--layers", "-n", "1",
		 "--json", NULL);
	unsetenv("POTNPU_FAKE_LAYER_CORRUPT");
	assert_exit(&r, 1);
	assert_contains(r.err, "potnpu-bench: layer conv3x3 (conv2d pot5 28x28x64->28x28x64 ");
	assert_contains(r.err, "differs from the CPU reference: output byte 0 (y 0, x 0, c 0): device ");
	assert_contains(r.out, "\"mode\": \"layers\"");
	assert_contains(r.out, "\"layers\": null");

	run_fake(&r, fake_dir, env, "potnpu-bench-fake", "--layers", "--dma",
		 NULL);
	assert_exit(&r, EX_USAGE);
	assert_contains(r.err, "give --dma or --layers, not both");
	run_fake(&r, fake_dir, env, "potnpu-bench-fake", "--layers", "m.bin",
		 NULL);
	assert_exit(&r, EX_USAGE);
	assert_contains(r.err, "--layers takes no model ('m.bin')");
	run_fake(&r, fake_dir, env, "potnpu-bench-fake", "--layers", "-n",
		 "100001", NULL);
	assert_exit(&r, EX_USAGE);
	assert_contains(r.err, "with --layers: expected a number from 1 to 100000");
}

/* An IDX file of @n items of @item bytes (values from @seed), gzip with @gz. */
static void write_idx(const char *path, bool gz, uint32_t n, uint32_t h,
		      uint32_t w, unsigned int mod, unsigned int seed)
{
	uint8_t head[16] = { 0, 0, 8, w ? 3 : 1 };
	uint32_t dims[3] = { n, h, w }, i, len = w ? 16 : 8;
	size_t items = (size_t)n * (w ? h * w : 1), k;
	gzFile f = gzopen(path, gz ? "wb" : "wbT");

	assert_non_null(f);
	for (i = 0; i < 3; i++) {
		head[4 + 4 * i] = (uint8_t)(dims[i] >> 24);
		head[5 + 4 * i] = (uint8_t)(dims[i] >> 16);
		head[6 + 4 * i] = (uint8_t)(dims[i] >> 8);
		head[7 + 4 * i] = (uint8_t)dims[i];
	}
	assert_int_equal(gzwrite(f, head, len), (int)len);
	for (k = 0; k < items; k++) {
		uint8_t v = (uint8_t)((k * 2654435761u + seed) % mod);

		assert_int_equal(gzwrite(f, &v, 1), 1);
	}
	gzclose(f);
}

/* The value after @key in @s, as a number. */
static double number_after(const char *s, const char *key)
{
	const char *p = strstr(s, key);

	assert_non_null(p);
	return strtod(p + strlen(key), NULL);
}

/*
 * potnpu-bench model.bin against the fake driver (layers run by the CPU
 * reference): a small model written by the model writer over IDX images
 * (gzip) and labels; accuracy, the per-node table, --verify; a spoilt
 * byte is exit 1 naming the node and the byte; --cpu and --json.
 */
static void test_run_bench_model_fake(void **state)
{
	char model[32], img[160], lab[160], env[64], two[128], correct[64];
	struct store s;
	struct run r;

	(void)state;
	make_fake_dir();
	save_temp(&s, model_chain, model);
	store_free(&s);
	snprintf(img, sizeof(img), "%s/images.idx.gz", tmpdir);
	snprintf(lab, sizeof(lab), "%s/labels.idx", tmpdir);
	write_idx(img, true, 24, 8, 8, 256, 5);
	write_idx(lab, false, 24, 0, 0, 10, 3);
	snprintf(env, sizeof(env), "zero:potnpu:%d.%d:0xf",
		 DRM_POTNPU_UAPI_MAJOR, DRM_POTNPU_UAPI_MINOR);

	run_fake(&r, fake_dir, env, "potnpu-bench-fake", model, "--input", img,
		 "--labels", lab, "--verify", NULL);
	assert_exit(&r, 0);
	assert_contains(r.out, "graph:         fashion-chain on device, 24 inferences (IDX inputs)\n");
	assert_contains(r.out, "\n0    conv1                conv2d   apot4             2304 ");
	assert_contains(r.out, "\n3    softmax              softmax  -                    0 ");
	assert_contains(r.out, "every byte of every inference equals the CPU reference");
	assert_contains(r.out, "latency (ns):  min ");
	assert_contains(r.out, " inferences/s\n");
	assert_contains(r.out, "% top-1\n");

	/* The same accuracy on the CPU reference, in JSON. */
	run_fake(&r, fake_dir, env, "potnpu-bench-fake", model, "--cpu",
		 "--input", img, "--labels", lab, "--json", NULL);
	assert_exit(&r, 0);
	assert_contains(r.out, "\"backend\": \"cpu\"");
	snprintf(correct, sizeof(correct), "\"correct\": %d",
		 (int)number_after(r.out, "\"correct\": "));
	run_fake(&r, fake_dir, env, "potnpu-bench-fake", model, "--input", img,
		 "--labels", lab, "--json", "--count", "24", NULL);
	assert_exit(&r, 0);
	assert_contains(r.out, correct);
	assert_contains(r.out, "\"terms_per_mac\": ");

	/* Two devices sharing the inferences, each checked. */
	snprintf(two, sizeof(two), "%s;urandom:potnpu:%d.%d:0xf", env,
		 DRM_POTNPU_UAPI_MAJOR, DRM_POTNPU_UAPI_MINOR);
	run_fake(&r, fake_dir, two, "potnpu-bench-fake", model, "--devices",
		 "2", "--count", "11", "--verify", NULL);
	assert_exit(&r, 0);
	assert_contains(r.out, "devices:       2, the batch spread round robin\n");
	assert_contains(r.out, "every byte of every inference equals the CPU reference");
	run_fake(&r, fake_dir, env, "potnpu-bench-fake", model, "--devices",
		 "2", NULL);
	assert_exit(&r, EX_UNAVAILABLE);
	assert_contains(r.err, "potnpu-bench: device 1: ");

	/* Layer 4 of the process: inference 1's pool1 (3 layers each). */
	setenv("POTNPU_FAKE_LAYER_CORRUPT", "out:4", 1);
	run_fake(&r, fake_dir, env, "potnpu-bench-fake", model, "--verify",
		 "--count", "3", NULL);
	unsetenv("POTNPU_FAKE_LAYER_CORRUPT");
	assert_exit(&r, 1);
	assert_contains(r.err, "potnpu-bench: inference 1: node 1 (pool1) differs from the CPU reference: output byte 0 (y 0, x 0, c 0) of tensor 2: device ");

	/* Inputs that do not fit, and the options' rules. */
	run_fake(&r, fake_dir, env, "potnpu-bench-fake", model, "--input", lab, NULL);
	assert_exit(&r, EX_DATAERR);
	assert_contains(r.err, "items of 1 bytes, the model's input takes 64");
	run_fake(&r, fake_dir, env, "potnpu-bench-fake", model, "--input",
		 "/nonexistent.idx", NULL);
	assert_exit(&r, EX_NOINPUT);
	run_fake(&r, fake_dir, env, "potnpu-bench-fake", model, "--labels", lab, NULL);
	assert_exit(&r, EX_USAGE);
	run_fake(&r, fake_dir, env, "potnpu-bench-fake", "--dma", "--verify", NULL);
	assert_exit(&r, EX_USAGE);
	run_fake(&r, fake_dir, env, "potnpu-bench-fake", model, "--devices", "9", NULL);
	assert_exit(&r, EX_USAGE);
	unlink(model);
}

/* An ONNX classifier of @c x @h x @w images into 10 classes at @path. */
static void write_onnx(const char *path, int64_t h, int64_t w)
{
	struct og *b = og_new(1, h, w, 7);
	const char *x;

	assert_non_null(b);
	x = og_flatten(b, "flat", og_input(b));
	x = og_gemm(b, "fc", x, 10);
	assert_int_equal(og_write(b, x, path), 0);
	og_free(b);
}

/* --onnx: the float model's top-1 beside the device's, paired. */
static void test_run_bench_onnx_fake(void **state)
{
	char model[32], img[160], lab[160], onnx[160], small[160], env[64];
	double fc, dc, fo, d_o, correct;
	struct store s;
	struct run r;

	(void)state;
	make_fake_dir();
	save_temp(&s, model_chain, model);
	store_free(&s);
	snprintf(img, sizeof(img), "%s/images.idx.gz", tmpdir);
	snprintf(lab, sizeof(lab), "%s/labels.idx", tmpdir);
	snprintf(onnx, sizeof(onnx), "%s/chain.onnx", tmpdir);
	snprintf(small, sizeof(small), "%s/small.onnx", tmpdir);
	write_idx(img, true, 24, 8, 8, 256, 5);
	write_idx(lab, false, 24, 0, 0, 10, 3);
	write_onnx(onnx, 8, 8);
	write_onnx(small, 4, 4);
	snprintf(env, sizeof(env), "zero:potnpu:%d.%d:0xf",
		 DRM_POTNPU_UAPI_MAJOR, DRM_POTNPU_UAPI_MINOR);

	run_fake(&r, fake_dir, env, "potnpu-bench-fake", model, "--input", img,
		 "--labels", lab, "--onnx", onnx, NULL);
	assert_exit(&r, 0);
	assert_contains(r.out, "% top-1\nfloat top-1:   ");
	assert_contains(r.out, "chain.onnx on the float executor, 24 images, ");
	assert_contains(r.out, "\ndevice top-1:  ");
	assert_contains(r.out, "on the same 24 images: difference ");

	/* JSON: the pairs add up, the device's hits are its accuracy's. */
	run_fake(&r, fake_dir, env, "potnpu-bench-fake", model, "--input", img,
		 "--labels", lab, "--onnx", onnx, "--json", NULL);
	assert_exit(&r, 0);
	assert_contains(r.out, "\"float_top1\": ");
	assert_contains(r.out, "\"backend\": \"float\"");
	correct = number_after(r.out, "\"correct\": ");
	fc = number_after(strstr(r.out, "\"float\": {"), "\"correct\": ");
	dc = number_after(r.out, "\"device_correct\": ");
	fo = number_after(r.out, "\"float_only\": ");
	d_o = number_after(r.out, "\"device_only\": ");
	assert_true(dc == correct);
	assert_true(dc - fc == d_o - fo);
	assert_true(fabs(number_after(r.out, "\"difference\": ") * 24 - (d_o - fo)) < 1e-4);

	/* --onnx-count: the float run on the first images only. */
	run_fake(&r, fake_dir, env, "potnpu-bench-fake", model, "--input", img,
		 "--labels", lab, "--onnx", onnx, "--onnx-count", "5", NULL);
	assert_exit(&r, 0);
	assert_contains(r.out, "the first 5 images");
	assert_contains(r.out, "on the same 5 images");

	/* Errors: a missing or malformed file, an input that does not fit. */
	run_fake(&r, fake_dir, env, "potnpu-bench-fake", model, "--input", img,
		 "--labels", lab, "--onnx", "/nonexistent.onnx", NULL);
	assert_exit(&r, EX_NOINPUT);
	assert_contains(r.err, "potnpu-bench: --onnx /nonexistent.onnx: No such file or directory");
	run_fake(&r, fake_dir, env, "potnpu-bench-fake", model, "--input", img,
		 "--labels", lab, "--onnx", model, NULL);
	assert_exit(&r, EX_DATAERR);
	assert_contains(r.err, "not a valid ONNX model");
	run_fake(&r, fake_dir, env, "potnpu-bench-fake", model, "--input", img,
		 "--labels", lab, "--onnx", small, NULL);
	assert_exit(&r, EX_DATAERR);
	assert_contains(r.err, "the input 'input' [1, 1, 4, 4] takes 16 values, the images have 64 bytes");
	run_fake(&r, fake_dir, env, "potnpu-bench-fake", model, "--onnx", onnx, NULL);
	assert_exit(&r, EX_USAGE);
	assert_contains(r.err, "--onnx needs --input and --labels");
	run_fake(&r, fake_dir, env, "potnpu-bench-fake", model, "--input", img,
		 "--labels", lab, "--onnx-count", "3", NULL);
	assert_exit(&r, EX_USAGE);
	run_fake(&r, fake_dir, env, "potnpu-bench-fake", model, "--input", img,
		 "--labels", lab, "--onnx", onnx, "--onnx-count", "0", NULL);
	assert_exit(&r, EX_USAGE);
	run_fake(&r, fake_dir, env, "potnpu-bench-fake", "--layers", "--onnx", onnx, NULL);
	assert_exit(&r, EX_USAGE);
	unlink(model);
}

static void test_run_bo_check_fake(void **state)
{
	struct run r;
	char want[256];

	(void)state;
	make_fake_dir();
	run_fake(&r, fake_dir, FAKE_DRM, "potnpu-bo-check-fake", NULL);
	assert_exit(&r, 0);
	snprintf(want, sizeof(want),
		 "potnpu-bo-check: device 0 (%s/accel0): 3 buffer objects created, mapped, written, read back and freed\n",
		 fake_dir);
	assert_string_equal(r.out, want);
	assert_string_equal(r.err, "");

	run_fake(&r, fake_dir, FAKE_DRM, "potnpu-bo-check-fake", "-d", "1",
		 NULL);
	assert_exit(&r, 0);
	assert_contains(r.out, "/accel2): 3 buffer objects");

	/* A driver that predates buffer objects: unavailable. */
	snprintf(want, sizeof(want), "zero:potnpu:%d.0:0x3",
		 DRM_POTNPU_UAPI_MAJOR);
	run_fake(&r, fake_dir, want, "potnpu-bo-check-fake", NULL);
	assert_exit(&r, EX_UNAVAILABLE);
	assert_contains(r.err, "buffer objects needs uapi");

	run_fake(&r, fake_dir, FAKE_DRM, "potnpu-bo-check-fake", "-d", "2",
		 NULL);
	assert_exit(&r, EX_UNAVAILABLE);
	assert_contains(r.err, "potnpu-bo-check: no potnpu device with index 2");

	run_fake(&r, fake_dir, FAKE_DRM, "potnpu-bo-check-fake", "-d", "x",
		 NULL);
	assert_exit(&r, EX_USAGE);
	run_fake(&r, fake_dir, FAKE_DRM, "potnpu-bo-check-fake", "extra", NULL);
	assert_exit(&r, EX_USAGE);
	run_fake(&r, fake_dir, FAKE_DRM, "potnpu-bo-check-fake", "--help",
		 NULL);
	assert_exit(&r, 0);
	assert_contains(r.out, "usage: potnpu-bo-check");
}

static void test_run_job_check_fake(void **state)
{
	struct run r;
	char want[300];

	(void)state;
	make_fake_dir();
	/* Without JOBS: the library's message, 69. */
	run_fake(&r, fake_dir, FAKE_DRM, "potnpu-job-check-fake", NULL);
	assert_exit(&r, EX_UNAVAILABLE);
	assert_contains(r.err, "potnpu-job-check: ");
	assert_contains(r.err, "does not support job submission (capability JOBS missing");

	snprintf(want, sizeof(want), "zero:potnpu:%d.%d:0x7",
		 DRM_POTNPU_UAPI_MAJOR, DRM_POTNPU_UAPI_MINOR);
	run_fake(&r, fake_dir, want, "potnpu-job-check-fake", NULL);
	assert_exit(&r, 0);
	snprintf(want, sizeof(want),
		 "potnpu-job-check: device (%s/accel0): 6 jobs ran with the expected results; an invalid stream was refused\n",
		 fake_dir);
	assert_string_equal(r.out, want);
	assert_string_equal(r.err, "");

	run_fake(&r, fake_dir, FAKE_DRM, "potnpu-job-check-fake", "-d", "x",
		 NULL);
	assert_exit(&r, EX_USAGE);
	run_fake(&r, fake_dir, FAKE_DRM, "potnpu-job-check-fake", "extra", NULL);
	assert_exit(&r, EX_USAGE);
	run_fake(&r, fake_dir, FAKE_DRM, "potnpu-job-check-fake", "--help",
		 NULL);
	assert_exit(&r, 0);
	assert_contains(r.out, "usage: potnpu-job-check");
}

/*
 * potnpu-layer-check against the fake driver, which executes layer
 * commands with the CPU reference itself: this checks the tool's
 * plumbing (buffers, packing, encoding, counters, comparison, messages),
 * not the numerics, which need the device.
 */
static void test_run_layer_check_fake(void **state)
{
	struct run r;
	char env[64], *last;

	(void)state;
	make_fake_dir();
	/* JOBS but no MODEL_EXEC: said clearly, 69 */
	snprintf(env, sizeof(env), "zero:potnpu:%d.%d:0x7",
		 DRM_POTNPU_UAPI_MAJOR, DRM_POTNPU_UAPI_MINOR);
	run_fake(&r, fake_dir, env, "potnpu-layer-check-fake", NULL);
	assert_exit(&r, EX_UNAVAILABLE);
	assert_contains(r.err, "potnpu-layer-check: device 0 (");
	assert_contains(r.err, "cannot run layer commands yet (capability MODEL_EXEC missing)");
	assert_string_equal(r.out, "");

	/* every op x scheme x shape family once: all bit-exact */
	snprintf(env, sizeof(env), "zero:potnpu:%d.%d:0xf",
		 DRM_POTNPU_UAPI_MAJOR, DRM_POTNPU_UAPI_MINOR);
	run_fake(&r, fake_dir, env, "potnpu-layer-check-fake", "--seed", "7",
		 "--cases", "170", NULL);
	assert_exit(&r, 0);
	assert_string_equal(r.out, "170 cases, 170 bit-exact\n");

	/* a spoilt output byte of case 3, then a spoilt counter of case 2 */
	setenv("POTNPU_FAKE_LAYER_CORRUPT", "out:3", 1);
	run_fake(&r, fake_dir, env, "potnpu-layer-check-fake", "--cases", "5",
		 NULL);
	assert_exit(&r, 1);
	assert_true(!strncmp(r.out, "case 3: ", 8));
	assert_contains(r.out, ": output byte 0 (y 0, x 0, c 0): device ");
	last = strchr(r.out, '\n');
	assert_non_null(last);
	assert_string_equal(last + 1, "5 cases, 4 bit-exact\n");
	setenv("POTNPU_FAKE_LAYER_CORRUPT", "cycles:2", 1);
	run_fake(&r, fake_dir, env, "potnpu-layer-check-fake", "-n", "3", "-s",
		 "9", NULL);
	unsetenv("POTNPU_FAKE_LAYER_CORRUPT");
	assert_exit(&r, 1);
	assert_true(!strncmp(r.out, "case 2: ", 8));
	assert_contains(r.out, ": counter cycles: device ");
	assert_contains(r.out, "\n3 cases, 2 bit-exact\n");

	run_fake(&r, fake_dir, env, "potnpu-layer-check-fake", "--cases", "0", NULL);
	assert_exit(&r, EX_USAGE);
	assert_contains(r.err, "invalid --cases '0'");
	run_fake(&r, fake_dir, env, "potnpu-layer-check-fake", "--seed", "x", NULL);
	assert_exit(&r, EX_USAGE);
	run_fake(&r, fake_dir, env, "potnpu-layer-check-fake", "extra", NULL);
	assert_exit(&r, EX_USAGE);
	run_fake(&r, fake_dir, env, "potnpu-layer-check-fake", "--help", NULL);
	assert_exit(&r, 0);
	assert_contains(r.out, "usage: potnpu-layer-check");
}

#define R(fn) cmocka_unit_test_setup_teardown(fn, setup_run, teardown_run)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bench_args_defaults),
		cmocka_unit_test(test_bench_args_valid),
		cmocka_unit_test(test_bench_args_invalid),
		cmocka_unit_test(test_bench_args_help_version),
		cmocka_unit_test(test_bench_model_checks),
		cmocka_unit_test(test_bench_report),
		cmocka_unit_test(test_bench_report_dma),
		cmocka_unit_test(test_bench_percentile),
		cmocka_unit_test(test_json_output),
		cmocka_unit_test(test_exit_codes),
		cmocka_unit_test(test_parse_uint),
		R(test_run_bench),
		R(test_run_info),
		R(test_run_fwimage),
		R(test_run_info_fake),
		R(test_run_bench_fake),
		R(test_run_bench_layers_fake),
		R(test_run_bench_model_fake),
		R(test_run_bench_onnx_fake),
		R(test_run_bo_check_fake),
		R(test_run_job_check_fake),
		R(test_run_layer_check_fake),
	};

	return cmocka_run_group_tests_name("tools", tests, NULL, NULL);
}
