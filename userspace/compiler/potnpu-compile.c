// SPDX-License-Identifier: MIT
/*
 * potnpu-compile: an ONNX model to a potnpu model file (model.bin).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "pc.h"

#define DEFAULT_CALIB \
	"/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz"

static void usage(FILE *f)
{
	fprintf(f, "usage: potnpu-compile model.onnx -o model.bin [--scheme S]\n"
		"       [--calib FILE.idx[.gz]] [--calib-count N] [--labels-file F] [-q]\n"
		"  --scheme       uniform8 (default), uniform4, pot2..5, apot3..6, nhot1..3\n"
		"  --calib        uint8 IDX images (default " DEFAULT_CALIB ")\n"
		"  --calib-count  images used for calibration (default 256)\n"
		"  --labels-file  class names, one a line\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "scheme", required_argument, NULL, 's' },
		{ "calib", required_argument, NULL, 'c' },
		{ "calib-count", required_argument, NULL, 'n' },
		{ "labels-file", required_argument, NULL, 'l' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct pc_options o = { .calib = DEFAULT_CALIB, .calib_count = 256 };
	struct cg_error e;
	int c;

	while ((c = getopt_long(argc, argv, "o:qh", opts, NULL)) != -1) {
		switch (c) {
		case 'o': o.out = optarg; break;
		case 's': o.scheme = optarg; break;
		case 'c': o.calib = optarg; break;
		case 'n': o.calib_count = (unsigned int)strtoul(optarg, NULL, 0); break;
		case 'l': o.labels = optarg; break;
		case 'q': o.quiet = 1; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind + 1 != argc || !o.out || !o.calib_count) {
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
