// SPDX-License-Identifier: MIT
/*
 * potnpu-layer-chain: a small network, conv 3x3 + ReLU, max pool 2x2 and
 * a fully connected layer, run on the device as ONE job for each weight
 * scheme, every intermediate and output byte compared with libpotnpu's
 * CPU reference run layer after layer.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "common.h"
#include "libpotnpu.h"

#define PROG		"potnpu-layer-chain"
#define WAIT_NS		60000000000ull
#define NLAYERS		3
#define IN_HW		12
#define IN_C		3
#define CONV_C		8
#define POOL_HW		6
#define FC_OUT		10

static void usage(FILE *f)
{
	fprintf(f,
		"usage: " PROG " [--device N] [--seed S]\n"
		"\n"
		"Run conv 3x3 + ReLU (12x12x3 -> 12x12x8), max pool 2x2 and a\n"
		"fully connected layer (288 -> 10) on potnpu device N as one job\n"
		"for every weight scheme (uniform8, uniform4, pot5, apot3..6,\n"
		"nhot1..3, fitted), and compare every byte of every layer's output with\n"
		"the CPU reference. Prints one line per scheme and then\n"
		"\"N chains, N bit-exact\".\n"
		"\n"
		"Exit status: 0 all bit-exact, 1 a difference or a failed job,\n"
		"64 usage error, 69 no (such) device or no layer commands.\n");
}

static const struct {
	enum potnpu_scheme_kind kind;
	unsigned int param;
} schemes[] = {
	{ POTNPU_SCHEME_UNIFORM8, 0 }, { POTNPU_SCHEME_UNIFORM4, 0 },
	{ POTNPU_SCHEME_POT, 5 }, { POTNPU_SCHEME_APOT, 3 },
	{ POTNPU_SCHEME_APOT, 4 }, { POTNPU_SCHEME_APOT, 5 },
	{ POTNPU_SCHEME_APOT, 6 }, { POTNPU_SCHEME_NHOT, 1 },
	{ POTNPU_SCHEME_NHOT, 2 }, { POTNPU_SCHEME_NHOT, 3 },
	{ POTNPU_SCHEME_FITTED, 0 },
};

/*
 * The fitted scheme's levels, as focused quantization would fit them to a
 * bell-shaped layer: dense near 0, sparse in the tails.
 */
static const int32_t fitted_levels[] = {
	0, 1, -1, 3, -3, 6, -6, 12, -12, 24, -24, 40, -40, 72, -72,
};
/* One layer of the chain: its description, weights and operands. */
struct stage {
	struct potnpu_layer l;
	struct potnpu_layer_sizes sz;
	uint8_t *rows;
	struct potnpu_chan chan[CONV_C > FC_OUT ? CONV_C : FC_OUT];
	size_t in, out, weights, table, chanoff, counters;
};

struct chain {
	struct potnpu_scheme s;
	struct stage st[NLAYERS];
	int8_t *input;
	size_t size;
	uint64_t rng;
	unsigned int distinct[NLAYERS];
};

/* Distinct byte values in @p: a chain whose outputs all clamp is no test. */
static unsigned int distinct(const int8_t *p, size_t n)
{
	uint8_t seen[256] = { 0 };
	unsigned int d = 0;
	size_t i;

	for (i = 0; i < n; i++)
		d += !seen[(uint8_t)p[i]]++;
	return d;
}

static uint32_t rnd(struct chain *c)
{
	c->rng ^= c->rng << 13;
	c->rng ^= c->rng >> 7;
	c->rng ^= c->rng << 17;
	return (uint32_t)(c->rng >> 11);
}

/* A standard normal sample (Box-Muller). */
static double gauss(struct chain *c)
{
	double u = (rnd(c) + 1.0) / 4294967297.0, v = rnd(c) / 4294967296.0;

	return sqrt(-2.0 * log(u)) * cos(6.283185307179586 * v);
}

static struct potnpu_layer conv_layer(unsigned int wbits)
{
	return (struct potnpu_layer){
		.op = POTNPU_LAYER_CONV2D, .in_h = IN_HW, .in_w = IN_HW,
		.in_c = IN_C, .in_cstride = IN_C, .out_h = IN_HW,
		.out_w = IN_HW, .out_c = CONV_C, .out_cstride = CONV_C,
		.kh = 3, .kw = 3, .sh = 1, .sw = 1, .dh = 1, .dw = 1,
		.pad_t = 1, .pad_l = 1, .pad_b = 1, .pad_r = 1, .groups = 1,
		.wbits = wbits, .in_zp = -4, .out_zp = -128, .lo = -128,
		.hi = 127,
	};
}

static struct potnpu_layer pool_layer(void)
{
	return (struct potnpu_layer){
		.op = POTNPU_LAYER_MAXPOOL, .in_h = IN_HW, .in_w = IN_HW,
		.in_c = CONV_C, .in_cstride = CONV_C, .out_h = POOL_HW,
		.out_w = POOL_HW, .out_c = CONV_C, .out_cstride = CONV_C,
		.kh = 2, .kw = 2, .sh = 2, .sw = 2, .dh = 1, .dw = 1,
		.groups = 1, .in_zp = -128, .out_zp = -128, .lo = -128,
		.hi = 127,
	};
}

/* The pool's 6x6x8 output, read as one 288-channel pixel. */
static struct potnpu_layer fc_layer(unsigned int wbits)
{
	uint32_t k = POOL_HW * POOL_HW * CONV_C;

	return (struct potnpu_layer){
		.op = POTNPU_LAYER_CONV2D, .in_h = 1, .in_w = 1, .in_c = k,
		.in_cstride = k, .out_h = 1, .out_w = 1, .out_c = FC_OUT,
		.out_cstride = FC_OUT, .kh = 1, .kw = 1, .sh = 1, .sw = 1,
		.dh = 1, .dw = 1, .groups = 1, .wbits = wbits,
		.in_zp = -128, .out_zp = 0, .lo = -128, .hi = 127,
	};
}

/* Gaussian weights quantized to the scheme, per-channel records. */
static int make_weights(struct chain *c, struct stage *st, double rescale)
{
	uint32_t taps = potnpu_layer_taps(&st->l), o, k;
	double top = c->s.levels[c->s.nlevels - 1].value;
	uint8_t *codes = malloc((size_t)st->l.out_c * taps);
	int err = 0;

	st->rows = malloc(st->sz.weights);
	if (!codes || !st->rows) {
		free(codes);
		return -ENOMEM;
	}
	for (o = 0; o < st->l.out_c; o++) {
		for (k = 0; k < taps; k++)
			codes[o * taps + k] = (uint8_t)potnpu_scheme_quantize(
				&c->s, gauss(c) * top / 3.0, NULL);
		st->chan[o].bias = (int32_t)(rnd(c) % 2001) - 1000;
		err = potnpu_requant_from_real(rescale / top, &st->chan[o].m,
					       &st->chan[o].shift);
		if (err)
			break;
	}
	if (!err)
		err = potnpu_layer_pack_weights(&st->l, codes, st->rows,
						st->sz.weights);
	free(codes);
	return err;
}

static size_t place(size_t *at, size_t size)
{
	size_t off = *at;

	*at += (size + 63) / 64 * 64;
	return off;
}

/* Each stage's output is the next one's input. */
static void lay_out(struct chain *c)
{
	size_t at = 0;
	int i;

	c->st[0].in = place(&at, c->st[0].sz.in);
	for (i = 0; i < NLAYERS; i++) {
		struct stage *st = &c->st[i];

		st->out = place(&at, st->sz.out);
		if (i + 1 < NLAYERS)
			c->st[i + 1].in = st->out;
		st->weights = place(&at, st->sz.weights);
		st->table = place(&at, st->sz.table);
		st->chanoff = place(&at, st->sz.chan);
		st->counters = place(&at, POTNPU_COUNTERS_SIZE);
	}
	c->size = at;
}

static int chain_make(struct chain *c, unsigned int k, uint64_t seed)
{
	int err, i;
	size_t j;

	memset(c, 0, sizeof(*c));
	c->rng = seed * 0x9e3779b97f4a7c15ull + k + 1;
	if (schemes[k].kind == POTNPU_SCHEME_FITTED)
		err = potnpu_scheme_build(POTNPU_SCHEME_FITTED, 0, fitted_levels,
					  sizeof(fitted_levels) /
					  sizeof(fitted_levels[0]), &c->s);
	else
		err = potnpu_scheme_build(schemes[k].kind, schemes[k].param,
					  NULL, 0, &c->s);
	if (err)
		return err;
	c->st[0].l = conv_layer(c->s.wbits);
	c->st[1].l = pool_layer();
	c->st[2].l = fc_layer(c->s.wbits);
	for (i = 0; i < NLAYERS; i++)
		potnpu_layer_sizes(&c->st[i].l, &c->st[i].sz);
	lay_out(c);
	c->input = malloc(c->st[0].sz.in);
	if (!c->input)
		return -ENOMEM;
	for (j = 0; j < c->st[0].sz.in; j++)
		c->input[j] = (int8_t)(rnd(c) & 0xff);
	/* Output spreads of about 40 quantization steps before the clamp. */
	err = make_weights(c, &c->st[0], 0.3);
	if (!err)
		err = make_weights(c, &c->st[2], 0.14);
	return err;
}

static void chain_free(struct chain *c)
{
	int i;

	for (i = 0; i < NLAYERS; i++)
		free(c->st[i].rows);
	free(c->input);
}

static void fill(const struct chain *c, uint8_t *p)
{
	int i;

	memset(p, 0, c->size);
	memcpy(p + c->st[0].in, c->input, c->st[0].sz.in);
	for (i = 0; i < NLAYERS; i++) {
		const struct stage *st = &c->st[i];

		if (st->sz.weights)
			memcpy(p + st->weights, st->rows, st->sz.weights);
		if (st->sz.table)
			potnpu_layer_pack_table(c->s.table, st->sz.table / 4,
						p + st->table);
		if (st->sz.chan)
			potnpu_layer_pack_chan(st->chan, st->l.out_c,
					       p + st->chanoff);
	}
}

static struct potnpu_layer_addrs addrs(const struct stage *st, uint64_t b)
{
	return (struct potnpu_layer_addrs){
		.in = b + st->in, .out = b + st->out,
		.weights = st->sz.weights ? b + st->weights : 0,
		.table = st->sz.table ? b + st->table : 0,
		.chan = st->sz.chan ? b + st->chanoff : 0,
		.counters = b + st->counters,
	};
}

/* The three layers in one stream, one job; 0 once it completed OK. */
static int run_job(struct potnpu_device *dev, const struct chain *c,
		   struct potnpu_bo *data, struct potnpu_bo *cmd, char *why,
		   size_t len)
{
	struct potnpu_submit_desc d = { .cmd_bo = cmd, .bos = &data, .bo_count = 1 };
	struct potnpu_job_status st = { 0 };
	struct potnpu_cmdbuf *cb = NULL;
	struct potnpu_job *job = NULL;
	struct potnpu_layer_addrs a;
	int err, i;

	err = potnpu_cmdbuf_create_in_bo(cmd, 0, 4096, &cb);
	for (i = 0; !err && i < NLAYERS; i++) {
		a = addrs(&c->st[i], potnpu_bo_va(data));
		err = potnpu_cmdbuf_layer(cb, &c->st[i].l, &a);
	}
	d.cmd_size = (uint32_t)potnpu_cmdbuf_size(cb);
	if (!err)
		err = potnpu_submit(dev, &d, &job);
	if (!err)
		err = potnpu_job_wait(job, WAIT_NS);
	if (!err)
		err = potnpu_job_status(job, &st);
	potnpu_job_free(job);
	potnpu_cmdbuf_free(cb);
	if (err)
		snprintf(why, len, "%s", potnpu_last_error());
	else if (!st.done || st.code)
		snprintf(why, len, "job failed: %s", st.message);
	return err ? err : (!st.done || st.code) ? -EIO : 0;
}

/* The reference layer after layer; each output compared with @dev. */
static int compare(struct chain *c, const uint8_t *dev, char *why,
		   size_t len)
{
	int8_t *in = (int8_t *)c->input, *out = NULL;
	int err = 0, i;
	size_t j;

	for (i = 0; !err && i < NLAYERS; i++) {
		const struct stage *st = &c->st[i];
		struct potnpu_ref_buffers b = {
			.in = in, .weights = st->rows, .table = c->s.table,
			.chan = st->chan,
		};

		out = calloc(1, st->sz.out);
		b.out = out;
		err = out ? potnpu_reference_run(&st->l, &b, NULL) : -ENOMEM;
		for (j = 0; !err && j < st->sz.out; j++)
			if ((int8_t)dev[st->out + j] != out[j]) {
				snprintf(why, len, "layer %d byte %zu: device %d, reference %d",
					 i, j, (int8_t)dev[st->out + j], out[j]);
				err = 1;
			}
		if (!err)
			c->distinct[i] = distinct(out, st->sz.out);
		if (in != c->input)
			free(in);
		in = out;
	}
	if (in != c->input)
		free(in);
	return err;
}

/* One scheme's chain on @dev: 0 bit-exact, else @why says. */
static int check_chain(struct potnpu_device *dev, struct chain *c, char *why,
		       size_t len)
{
	struct potnpu_bo *data = NULL, *cmd = NULL;
	uint8_t *p;
	int err;

	err = potnpu_bo_create(dev, c->size, 0, &data);
	if (!err)
		err = potnpu_bo_create(dev, 4096, POTNPU_BO_READ_ONLY, &cmd);
	if (!err)
		err = potnpu_bo_map(data, (void **)&p);
	if (err)
		snprintf(why, len, "%s", potnpu_last_error());
	if (!err) {
		fill(c, p);
		err = run_job(dev, c, data, cmd, why, len);
	}
	if (!err)
		err = compare(c, p, why, len);
	potnpu_bo_free(cmd);
	potnpu_bo_free(data);
	return err;
}

static int run_chains(struct potnpu_device *dev, uint64_t seed)
{
	unsigned int k, n = sizeof(schemes) / sizeof(schemes[0]), exact = 0;
	struct chain c;
	char why[256], name[32];

	for (k = 0; k < n; k++) {
		int err = chain_make(&c, k, seed);

		if (err)
			snprintf(why, sizeof(why), "cannot build: %s",
				 potnpu_last_error());
		else
			err = check_chain(dev, &c, why, sizeof(why));
		potnpu_scheme_name(&c.s, name, sizeof(name));
		if (!err) {
			exact++;
			printf("%s: conv+relu, maxpool, fc: bit-exact (distinct output values %u, %u, %u)\n",
			       name, c.distinct[0], c.distinct[1], c.distinct[2]);
		} else {
			printf("%s: %s\n", name, why);
		}
		chain_free(&c);
	}
	printf("%u chains, %u bit-exact\n", n, exact);
	return exact == n ? 0 : 1;
}

int main(int argc, char *argv[])
{
	unsigned long device, seed = 1;
	const struct tool_uint_opt opts[] = {
		{ "seed", 's', 0, UINT64_MAX, &seed },
	};
	struct potnpu_device *dev;
	int rc;

	rc = tool_parse_args(PROG, usage, argc, argv, &device, opts, 1);
	if (rc >= 0)
		return rc;
	rc = tool_open_layers(PROG, device, &dev);
	if (rc)
		return rc;
	rc = run_chains(dev, seed);
	potnpu_close(dev);
	return rc;
}
