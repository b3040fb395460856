// SPDX-License-Identifier: MIT
/*
 * Seed corpora for the fuzz targets, in each target's input format (see
 * the comment at the top of each fuzz_*.c): the valid cases of the
 * existing tests (every command, one layer of each op with the shapes of
 * the KUnit and firmware tests, a well-formed firmware image) and a few
 * rejected ones, so the fuzzers start deep inside the parsers.
 *
 *   mkseeds DIR    writes DIR/<target>/<name>
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "potnpu_fw_image.h"
#include "potnpu_job.h"
#include "potnpu_layer.h"

static const char *outdir;

static uint8_t buf[0x20000];
static size_t n;

static void put8(uint8_t v)
{
	buf[n++] = v;
}

static void put32(uint32_t v)
{
	int i;

	for (i = 0; i < 4; i++)
		put8((uint8_t)(v >> (8 * i)));
}

static void put64(uint64_t v)
{
	put32((uint32_t)v);
	put32((uint32_t)(v >> 32));
}

static void save(const char *target, const char *name)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", outdir, target);
	if (mkdir(path, 0755) && errno != EEXIST) {
		perror(path);
		exit(1);
	}
	snprintf(path, sizeof(path), "%s/%s/%s", outdir, target, name);
	f = fopen(path, "wb");
	if (!f || fwrite(buf, 1, n, f) != n || fclose(f)) {
		perror(path);
		exit(1);
	}
	n = 0;
}

/* ---- commands --------------------------------------------------------- */

static void c_nop(void)
{
	put32(POTNPU_CMD_HDR(POTNPU_OP_NOP, POTNPU_NOP_WORDS));
}

static void c_fence(uint64_t va, uint32_t v)
{
	put32(POTNPU_CMD_HDR(POTNPU_OP_FENCE, POTNPU_FENCE_WORDS));
	put64(va);
	put32(v);
}

static void c_timestamp(uint64_t va)
{
	put32(POTNPU_CMD_HDR(POTNPU_OP_TIMESTAMP, POTNPU_TIMESTAMP_WORDS));
	put64(va);
}

static void c_copy(uint64_t src, uint64_t dst, uint32_t size)
{
	put32(POTNPU_CMD_HDR(POTNPU_OP_COPY, POTNPU_COPY_WORDS));
	put64(src);
	put64(dst);
	put32(size);
}

static void c_fill(uint64_t dst, uint32_t size, uint32_t pattern)
{
	put32(POTNPU_CMD_HDR(POTNPU_OP_FILL, POTNPU_FILL_WORDS));
	put64(dst);
	put32(size);
	put32(pattern);
}

static void c_layer(const struct potnpu_layer_desc *d)
{
	uint32_t w[POTNPU_LAYER_WORDS];
	int i;

	potnpu_layer_encode(d, w);
	for (i = 0; i < POTNPU_LAYER_WORDS; i++)
		put32(w[i]);
}

/* Where a layer's tensors go, relative to a base VA. */
#define L_IN	0x0000u
#define L_IN2	0x1000u
#define L_OUT	0x2000u
#define L_W	0x4000u
#define L_TABLE	0x6000u
#define L_CHAN	0x7000u
#define L_CTR	0x7800u

/* The op's neutral fields, 8x8x4 input (the firmware tests' shapes). */
static struct potnpu_layer_desc layer(uint32_t op, uint64_t base)
{
	struct potnpu_layer_desc d;

	memset(&d, 0, sizeof(d));
	d.op = op;
	d.in_va = base + L_IN;
	d.out_va = base + L_OUT;
	d.counters_va = base + L_CTR;
	d.in_h = d.in_w = 8;
	d.in_c = d.in_cstride = 4;
	d.out_h = d.out_w = 8;
	d.out_c = d.out_cstride = 4;
	d.kh = d.kw = d.sh = d.sw = d.dh = d.dw = 1;
	d.groups = 1;
	d.lo = -128;
	d.hi = 127;
	switch (op) {
	case POTNPU_OP_CONV2D:
		/* 3x3, padding 1, 4 -> 8 channels, 4-bit codes. */
		d.kh = d.kw = 3;
		d.pad_t = d.pad_l = d.pad_b = d.pad_r = 1;
		d.out_c = d.out_cstride = 8;
		d.weights_va = base + L_W;
		d.table_va = base + L_TABLE;
		d.chan_va = base + L_CHAN;
		d.wbits = 4;
		d.in_zp = -3;
		d.out_zp = 5;
		break;
	case POTNPU_OP_MAXPOOL:
	case POTNPU_OP_AVGPOOL:
		/* 2x2, stride 2. */
		d.kh = d.kw = d.sh = d.sw = 2;
		d.out_h = d.out_w = 4;
		if (op == POTNPU_OP_AVGPOOL) {
			d.chan_va = base + L_CHAN;
			d.flags = POTNPU_LAYER_F_COUNT_PAD;
		}
		break;
	case POTNPU_OP_ADD:
		d.in2_va = base + L_IN2;
		d.in2_cstride = 4;
		d.in2_zp = 7;
		d.m_a = 0x4000;
		d.m_b = 0x6000;
		d.shift = 15;
		break;
	case POTNPU_OP_REQUANT:
		d.chan_va = base + L_CHAN;
		break;
	}
	return d;
}

static const struct {
	uint32_t op;
	const char *name;
} layer_ops[] = {
	{ POTNPU_OP_CONV2D, "conv2d" },
	{ POTNPU_OP_MAXPOOL, "maxpool" },
	{ POTNPU_OP_AVGPOOL, "avgpool" },
	{ POTNPU_OP_ADD, "add" },
	{ POTNPU_OP_REQUANT, "requant" },
};

/* ---- fuzz_cmd_validate: BO list + stream ------------------------------ */

#define BO_VA	0x100000ull
#define BO_SIZE	0x400000ull
#define RO_VA	(BO_VA + BO_SIZE)
#define RO_SIZE	0x10000ull

static void bo(uint64_t va, uint64_t size, int writable)
{
	put64(va);
	put64(size);
	put8((uint8_t)writable);
}

static void two_bos(int layers)
{
	put8((uint8_t)(2 | (layers ? 0x80 : 0)));
	bo(BO_VA, BO_SIZE, 1);
	bo(RO_VA, RO_SIZE, 0);
}

static void seeds_cmd_validate(void)
{
	struct potnpu_layer_desc d;
	size_t i;
	char name[64];

	put8(0);
	c_nop();
	save("cmd_validate", "nop-no-bos");

	two_bos(0);
	c_nop();
	c_fence(BO_VA + 0x10, 0xabcd);
	c_timestamp(BO_VA + 0x18);
	c_copy(RO_VA, BO_VA + 0x1000, 0x100);
	c_fill(BO_VA + 0x2001, 0x333, 0x11223344);
	save("cmd_validate", "every-command");

	two_bos(0);
	c_copy(BO_VA, BO_VA + BO_SIZE - 0x10, 0x10);
	c_fence(RO_VA, 1);
	save("cmd_validate", "fence-read-only");

	two_bos(0);
	c_copy(BO_VA + BO_SIZE - 8, BO_VA, 0x10);
	save("cmd_validate", "copy-spans-bos");

	for (i = 0; i < sizeof(layer_ops) / sizeof(layer_ops[0]); i++) {
		d = layer(layer_ops[i].op, BO_VA);
		two_bos(1);
		c_layer(&d);
		c_fence(BO_VA + L_CTR + 0x40, 1);
		snprintf(name, sizeof(name), "layer-%s", layer_ops[i].name);
		save("cmd_validate", name);
	}
	d = layer(POTNPU_OP_CONV2D, BO_VA);
	two_bos(0);
	c_layer(&d);
	save("cmd_validate", "layer-without-capability");

	/* Boundary mode: one writable BO exactly around each range. */
	for (i = 0; i < sizeof(layer_ops) / sizeof(layer_ops[0]); i++) {
		int k;

		d = layer(layer_ops[i].op, BO_VA);
		put8(7 | 0x40 | 0x80);
		for (k = 0; k < 7; k++)
			bo(0, 0, 1);
		c_layer(&d);
		c_fence(BO_VA + L_CTR + 0x40, 1);
		snprintf(name, sizeof(name), "boundary-%s", layer_ops[i].name);
		save("cmd_validate", name);
	}
	put8(7 | 0x40);
	for (i = 0; i < 7; i++)
		bo(0, 0, 1);
	c_fence(BO_VA, 1);
	c_timestamp(BO_VA + 8);
	c_copy(BO_VA + 0x100, BO_VA + 0x1000, 0x100);
	c_fill(BO_VA + 0x2001, 0x333, 0x11223344);
	save("cmd_validate", "boundary-every-command");
}

/* ---- fuzz_fw_job: config + descriptor + stream ------------------------ */

#define FW_STREAM_VA	0x1000u
#define FW_DATA_VA	0x20000u
#define FW_RO_VA	0x3e000u

static void job(uint8_t cfg, uint32_t seqno)
{
	put8(cfg);
	put32(seqno);
	put32(0);	/* slot, flags */
	put64(FW_STREAM_VA);
	put32(0);	/* cmd_size: the harness sets it */
	while (n < 65)
		put8(0);
}

static void seeds_fw_job(void)
{
	struct potnpu_layer_desc d;
	size_t i;
	char name[64];

	job(0, 1);
	c_nop();
	save("fw_job", "nop");

	job(0, 2);
	c_nop();
	c_fence(FW_DATA_VA, 0xabcd);
	c_timestamp(FW_DATA_VA + 8);
	c_copy(FW_RO_VA, FW_DATA_VA + 0x100, 0x80);
	c_fill(FW_DATA_VA + 0x401, 0x333, 0x11223344);
	save("fw_job", "every-command");

	job(0x30, 3);
	c_fill(FW_DATA_VA, 0x100, 1);
	c_fill(FW_DATA_VA, 0x100, 2);
	c_fill(FW_DATA_VA, 0x100, 3);
	c_fill(FW_DATA_VA, 0x100, 4);
	save("fw_job", "abort-after-dma-3");

	job(0, 4);
	c_copy(FW_DATA_VA, FW_RO_VA, 4);
	save("fw_job", "copy-to-read-only");

	job(2, 5);	/* the descriptor as given: cmd_size 0 */
	c_nop();
	save("fw_job", "edesc-size-0");

	for (i = 0; i < sizeof(layer_ops) / sizeof(layer_ops[0]); i++) {
		d = layer(layer_ops[i].op, FW_DATA_VA);
		job(0, 0x10 + (uint32_t)i);
		c_layer(&d);
		c_fence(FW_DATA_VA + L_CTR + 0x40, 1);
		snprintf(name, sizeof(name), "layer-%s", layer_ops[i].name);
		save("fw_job", name);
	}
	d = layer(POTNPU_OP_CONV2D, FW_DATA_VA);
	job(1, 0x20);
	c_layer(&d);
	save("fw_job", "layer-without-engine");
}

/* ---- fuzz_fw_image: mode + image --------------------------------------- */

static uint32_t crc32(const uint8_t *p, size_t len)
{
	uint32_t crc = 0xffffffffu;
	size_t i;
	int k;

	for (i = 0; i < len; i++) {
		crc ^= p[i];
		for (k = 0; k < 8; k++)
			crc = crc & 1 ? 0xedb88320u ^ (crc >> 1) : crc >> 1;
	}
	return ~crc;
}

static void set32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

/* A valid image of @payload bytes (a loop of NOPs) loaded at @load. */
static void image(uint8_t mode, uint32_t load, uint32_t payload)
{
	uint8_t *h;
	uint32_t i;

	put8(mode);
	h = &buf[n];
	memset(h, 0, 64);
	set32(h + 0, POTNPU_FW_MAGIC);
	h[4] = POTNPU_FW_FORMAT_MAJOR;
	set32(h + 8, POTNPU_FW_HEADER_SIZE);
	set32(h + 16, POTNPU_FW_VER(0, 5, 0));
	set32(h + 20, POTNPU_FW_ABI_VERSION);
	set32(h + 24, load);
	set32(h + 28, load);
	set32(h + 32, payload);
	n += 64;
	for (i = 0; i < payload; i += 4)
		put32(0x00000013);	/* addi x0, x0, 0 */
	set32(h + 36, crc32(h + 64, payload));
	set32(h + 40, crc32(h, 64));
}

static void seeds_fw_image(void)
{
	image(0, 0, 64);
	save("fw_image", "valid");
	image(3, 0x100, 256);
	save("fw_image", "valid-repair-crcs");
	image(3, 0xff00, 256);
	save("fw_image", "load-past-imem");
	image(0, 0, 64);
	n = 1 + 40;
	save("fw_image", "truncated");
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: mkseeds DIR\n");
		return 2;
	}
	outdir = argv[1];
	if (mkdir(outdir, 0755) && errno != EEXIST) {
		perror(outdir);
		return 1;
	}
	seeds_cmd_validate();
	seeds_fw_job();
	seeds_fw_image();
	return 0;
}
