// SPDX-License-Identifier: MIT
/*
 * potnpu-compile: an ONNX model to a potnpu model file (model.bin).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pc.h"

#define DEFAULT_CALIB \
	"/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz"
#define MAX_OVERRIDES 256

static void usage(FILE *f)
{
	fprintf(f, "usage: potnpu-compile model.onnx -o model.bin [--scheme S | --progressive]\n"
		"       [--layer NAME=S]... [--calibrate minmax|percentile[=P]|mse]\n"
		"       [--calib FILE.idx[.gz]] [--calib-count N] [--labels-file F]\n"
		"       [--json FILE] [-q]\n"
		"  --scheme       uniform8 (default), uniform4, pot2..5, apot3..6, nhot1..3,\n"
		"                 fitted (= fitted4), fitted2..6, progressive[:S0,S1,...]\n"
		"  --progressive  --scheme progressive (uniform8,apot5,apot4,apot3)\n"
		"  --layer        NAME=S: layer NAME (ONNX node or output tensor) gets S\n"
		"  --calibrate    activation ranges: minmax (default), percentile[=P]\n"
		"                 (P default 99.99), mse (least-error clip)\n"
		"  --calib        uint8 IDX images (default " DEFAULT_CALIB ")\n"
		"  --calib-count  images used for calibration (default 256)\n"
		"  --labels-file  class names, one a line\n"
		"  --json         the per-layer report as JSON (- for stdout)\n");
}

static int add_override(struct pc_override *ov, size_t *n, char *arg)
{
	char *eq = strchr(arg, '=');

	if (!eq || eq == arg || !eq[1]) {
		fprintf(stderr, "potnpu-compile: --layer %s: expected NAME=SCHEME\n", arg);
		return -1;
	}
	if (*n == MAX_OVERRIDES) {
		fprintf(stderr, "potnpu-compile: at most %d --layer options\n", MAX_OVERRIDES);
		return -1;
	}
	*eq = 0;
	ov[*n].name = arg;
	ov[(*n)++].scheme = eq + 1;
	return 0;
}

static int count_arg(const char *s, unsigned int *v)
{
	char *end;
	unsigned long n;

	errno = 0;
	n = strtoul(s, &end, 0);
	if (errno || end == s || *end || !n || n > 1u << 30) {
		fprintf(stderr, "potnpu-compile: --calib-count %s: expected a positive count\n", s);
		return -1;
	}
	*v = (unsigned int)n;
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "scheme", required_argument, NULL, 's' },
		{ "progressive", no_argument, NULL, 'P' },
		{ "layer", required_argument, NULL, 'L' },
		{ "calibrate", required_argument, NULL, 'C' },
		{ "calib", required_argument, NULL, 'c' },
		{ "calib-count", required_argument, NULL, 'n' },
		{ "labels-file", required_argument, NULL, 'l' },
		{ "json", required_argument, NULL, 'j' },
		{ "report-json", required_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	static struct pc_override ov[MAX_OVERRIDES];
	struct pc_options o = { .calib = DEFAULT_CALIB, .calib_count = 256,
		.ovr = ov };
	struct cg_error e;
	int c;

	while ((c = getopt_long(argc, argv, "o:qh", opts, NULL)) != -1) {
		switch (c) {
		case 'o': o.out = optarg; break;
		case 's': o.scheme = optarg; break;
		case 'P': o.scheme = "progressive"; break;
		case 'L':
			if (add_override(ov, &o.novr, optarg))
				return 2;
			break;
		case 'C':
			if (pc_calib_parse(optarg, &o, &e)) {
				fprintf(stderr, "potnpu-compile: %s\n", e.msg);
				return 2;
			}
			break;
		case 'c': o.calib = optarg; break;
		case 'n':
			if (count_arg(optarg, &o.calib_count))
				return 2;
			break;
		case 'l': o.labels = optarg; break;
		case 'j': o.json = optarg; break;
		case 'q': o.quiet = 1; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind + 1 != argc || !o.out) {
		usage(stderr);
		return 2;
	}
	o.onnx = argv[optind];
	if (pc_compile(&o, &e)) {
		fprintf(stderr, "potnpu-compile: %s\n", e.msg);
		return 1;
	}
	return 0;
}
