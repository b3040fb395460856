// SPDX-License-Identifier: MIT
/*
 * gen_onnx: write the generated test models (onnx_gen.h) and calibration
 * images. Not installed; `make -C userspace compile-tests` runs it.
 *
 *   gen_onnx resnet18 [--width-div D] [--size S] [--seed N] OUT.onnx
 *   gen_onnx ops DIR            DIR/<name>.onnx for every op graph
 *   gen_onnx images N C H W SEED OUT.idx
 *                               N random uint8 images, IDX [N, H, W, C]
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "onnx_gen_ops.h"

static int resnet(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "width-div", required_argument, NULL, 'w' },
		{ "size", required_argument, NULL, 's' },
		{ "seed", required_argument, NULL, 'S' },
		{ 0 }
	};
	long div = 1, size = 32, seed = 1;
	struct og *b;
	const char *out;
	int c, r;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'w')
			div = strtol(optarg, NULL, 0);
		else if (c == 's')
			size = strtol(optarg, NULL, 0);
		else if (c == 'S')
			seed = strtol(optarg, NULL, 0);
		else
			return 2;
	}
	if (optind + 1 != argc || div < 1 || div > 64 || 64 % div ||
	    size < 32 || size > 512 || size % 32) {
		fprintf(stderr, "gen_onnx resnet18: --width-div divides 64, --size a multiple of 32 (32..512), one output file\n");
		return 2;
	}
	b = og_new(3, size, size, (uint64_t)seed);
	if (!b)
		return 1;
	out = og_resnet18(b, div, 10);
	r = og_write(b, out, argv[optind]);
	og_free(b);
	if (r)
		fprintf(stderr, "gen_onnx: %s: writing failed\n", argv[optind]);
	return r ? 1 : 0;
}

static int ops(const char *dir)
{
	char path[4096];
	size_t i;

	for (i = 0; i < og_ngraphs; i++) {
		struct og *b = og_new(OG_OPS_C, OG_OPS_HW, OG_OPS_HW, i + 1);
		const char *out = b ? og_graphs[i].build(b) : NULL;

		snprintf(path, sizeof(path), "%s/op_%s.onnx", dir, og_graphs[i].name);
		if (!out || og_write(b, out, path)) {
			fprintf(stderr, "gen_onnx: %s: building or writing failed\n", path);
			og_free(b);
			return 1;
		}
		og_free(b);
	}
	return 0;
}

static int images(char **argv)
{
	unsigned long n = strtoul(argv[0], NULL, 0), c = strtoul(argv[1], NULL, 0);
	unsigned long h = strtoul(argv[2], NULL, 0), w = strtoul(argv[3], NULL, 0);
	uint64_t s = strtoull(argv[4], NULL, 0) * 2654435761u + 1;
	uint32_t d[4] = { (uint32_t)n, (uint32_t)h, (uint32_t)w, (uint32_t)c };
	unsigned int nd = c == 1 ? 3 : 4, i;
	FILE *f = fopen(argv[5], "wb");
	unsigned long k, total = n * c * h * w;

	if (!f || !n || !c || !h || !w || total > 1ul << 28) {
		fprintf(stderr, "gen_onnx images: bad arguments or %s not writable\n", argv[5]);
		if (f)
			fclose(f);
		return 2;
	}
	fputc(0, f);
	fputc(0, f);
	fputc(8, f);
	fputc((int)nd, f);
	for (i = 0; i < nd; i++) {
		fputc((int)(d[i] >> 24), f);
		fputc((int)(d[i] >> 16 & 0xff), f);
		fputc((int)(d[i] >> 8 & 0xff), f);
		fputc((int)(d[i] & 0xff), f);
	}
	for (k = 0; k < total; k++) {
		s ^= s << 13;
		s ^= s >> 7;
		s ^= s << 17;
		fputc((int)(s >> 56), f);
	}
	return fclose(f) ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "resnet18"))
		return resnet(argc - 1, argv + 1);
	if (argc == 3 && !strcmp(argv[1], "ops"))
		return ops(argv[2]);
	if (argc == 8 && !strcmp(argv[1], "images"))
		return images(argv + 2);
	fprintf(stderr, "usage: gen_onnx resnet18 [--width-div D] [--size S] [--seed N] OUT.onnx\n"
		"       gen_onnx ops DIR\n"
		"       gen_onnx images N C H W SEED OUT.idx\n");
	return 2;
}
