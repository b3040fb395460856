// SPDX-License-Identifier: GPL-2.0
/*
 * potnpu layer selftests, run inside the guest: the worked examples of
 * docs/numerics.md on the device, byte and counter exact; hostile layer
 * commands refused by the kernel with EINVAL; a bad decode table, which
 * only the engine can see, ending the job with a clear status while the
 * device goes on. (A device without layers refusing them is KUnit's
 * potnpu_validate_layer.layer_needs_capability.)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "potnpu_job.h"
#include "potnpu_job_util.h"
#include "potnpu_layer.h"
#include "potnpu_test_util.h"

/* Where things live in the test's one data BO. */
#define OFF_IN		0x0000
#define OFF_OUT		0x1000
#define OFF_W		0x2000
#define OFF_TABLE	0x3000
#define OFF_CHAN	0x4000
#define OFF_CNT		0x5000
#define DATA_SIZE	0x8000

FIXTURE(layer) {
	int fd;
	bool layers;
	struct bo cmd, data;
	uint32_t sync;
};

FIXTURE_SETUP(layer)
{
	struct drm_potnpu_device_info info;

	self->fd = potnpu_open_node(0, NULL);
	ASSERT_GE(self->fd, 0);
	ASSERT_EQ(0, potnpu_query_info(self->fd, &info));
	self->layers = info.capabilities & DRM_POTNPU_CAP_MODEL_EXEC;
	ASSERT_EQ(0, bo_new(self->fd, 4096, DRM_POTNPU_BO_READ_ONLY,
			    &self->cmd));
	ASSERT_EQ(0, bo_new(self->fd, DATA_SIZE, 0, &self->data));
	self->sync = syncobj_new(self->fd);
	ASSERT_NE(0, self->sync);
}

FIXTURE_TEARDOWN(layer)
{
	munmap(self->cmd.map, self->cmd.size);
	munmap(self->data.map, self->data.size);
	close(self->fd);
}

static uint8_t *at(FIXTURE_DATA(layer) *self, uint32_t off)
{
	return self->data.map + off;
}

static uint64_t va(FIXTURE_DATA(layer) *self, uint32_t off)
{
	return self->data.va + off;
}

/*
 * numerics.md's worked CONV2D: 1x1x2 input (10, -3), in_zp -2, codes
 * (5, 1) of a 4-bit table with -12 and +1, bias 100, M 32768, s 15,
 * out_zp 3: output -42.
 */
static struct potnpu_layer_desc worked_conv(FIXTURE_DATA(layer) *self)
{
	struct potnpu_chan_param *chan = (void *)at(self, OFF_CHAN);
	uint32_t *table = (uint32_t *)at(self, OFF_TABLE);
	int8_t *in = (int8_t *)at(self, OFF_IN);

	in[0] = 10;
	in[1] = -3;
	memset(table, 0, 4 << 4);
	table[5] = POTNPU_TERM(0, 2) | POTNPU_TERM(1, 4) << 8;	/* 4 - 16 */
	table[1] = POTNPU_TERM(0, 0);				/* +1 */
	/* Codes 5 then 1, 4 bits each, least significant first. */
	*at(self, OFF_W) = 5 | 1 << 4;
	chan->bias = 100;
	chan->m = 32768;
	chan->shift = 15;
	chan->reserved = 0;
	return (struct potnpu_layer_desc){
		.op = POTNPU_OP_CONV2D, .in_va = va(self, OFF_IN),
		.out_va = va(self, OFF_OUT), .weights_va = va(self, OFF_W),
		.table_va = va(self, OFF_TABLE), .chan_va = va(self, OFF_CHAN),
		.counters_va = va(self, OFF_CNT),
		.in_h = 1, .in_w = 1, .in_c = 2, .in_cstride = 2,
		.out_h = 1, .out_w = 1, .out_c = 1, .out_cstride = 1,
		.kh = 1, .kw = 1, .sh = 1, .sw = 1, .dh = 1, .dw = 1,
		.wbits = 4, .groups = 1, .in_zp = -2, .out_zp = 3,
		.lo = -128, .hi = 127,
	};
}

/* Put @d in the command BO and submit it: 0 or errno. */
static int submit_layer(FIXTURE_DATA(layer) *self,
			const struct potnpu_layer_desc *d, uint64_t *id)
{
	uint32_t w[POTNPU_LAYER_WORDS];
	struct submit sub;
	int err;

	potnpu_layer_encode(d, w);
	memcpy(self->cmd.map, w, sizeof(w));
	submit_init(&sub, &self->cmd, sizeof(w));
	submit_bo(&sub, &self->data);
	sub.args.out_syncobj = self->sync;
	err = submit(self->fd, &sub);
	if (!err && id)
		*id = sub.args.job_id;
	return err;
}

TEST_F(layer, worked_conv_example_is_exact)
{
	struct potnpu_layer_desc d;
	struct potnpu_layer_counters *c = (void *)at(self, OFF_CNT);
	struct drm_potnpu_job_status st;
	uint64_t id;

	if (!self->layers)
		SKIP(return, "device without layers (no MODEL_EXEC)");
	d = worked_conv(self);
	memset(c, 0xa5, sizeof(*c));
	ASSERT_EQ(0, submit_layer(self, &d, &id));
	ASSERT_EQ(0, syncobj_wait(self->fd, self->sync, 0));
	ASSERT_EQ(0, job_status(self->fd, id, &st));
	ASSERT_EQ(DRM_POTNPU_JOB_OK, st.status);
	EXPECT_EQ(-42, (int8_t)*at(self, OFF_OUT));
	EXPECT_EQ(2, c->macs);
	EXPECT_EQ(2, c->taps);
	EXPECT_EQ(3, c->terms);
	EXPECT_EQ(0, c->zero_skips);
	EXPECT_EQ(8, c->bitserial);
	EXPECT_GT(c->dma_in, 0);
	EXPECT_EQ(1, c->dma_out);
	EXPECT_GT(c->cycles, 0);
}

/*
 * Hostile commands: each one the kernel must refuse with EINVAL before
 * the device sees it, however large the numbers.
 */
TEST_F(layer, hostile_layer_commands_refused)
{
	struct potnpu_layer_desc d;

	if (!self->layers)
		SKIP(return, "device without layers (no MODEL_EXEC)");
	d = worked_conv(self);
	d.in_h = d.in_w = d.out_h = d.out_w = POTNPU_LAYER_MAX_DIM;
	d.in_c = d.in_cstride = d.out_c = d.out_cstride = 8192;
	EXPECT_EQ(EINVAL, submit_layer(self, &d, NULL)) TH_LOG("huge shape");
	d = worked_conv(self);
	d.out_va = va(self, DATA_SIZE - 1) + 1;
	EXPECT_EQ(EINVAL, submit_layer(self, &d, NULL)) TH_LOG("output past the BO");
	d = worked_conv(self);
	d.in_va = self->cmd.va;
	EXPECT_EQ(EINVAL, submit_layer(self, &d, NULL)) TH_LOG("input outside the listed BOs");
	d = worked_conv(self);
	d.counters_va = self->cmd.va;
	EXPECT_EQ(EINVAL, submit_layer(self, &d, NULL)) TH_LOG("counters in an unlisted BO");
	d = worked_conv(self);
	d.wbits = 9;
	EXPECT_EQ(EINVAL, submit_layer(self, &d, NULL)) TH_LOG("9-bit codes");
	d = worked_conv(self);
	d.groups = 2;
	d.out_c = 1;
	EXPECT_EQ(EINVAL, submit_layer(self, &d, NULL)) TH_LOG("groups not dividing");
	d = worked_conv(self);
	d.out_h = 2;
	EXPECT_EQ(EINVAL, submit_layer(self, &d, NULL)) TH_LOG("wrong output shape");
	d = worked_conv(self);
	d.op = 0x15;
	EXPECT_EQ(EINVAL, submit_layer(self, &d, NULL)) TH_LOG("unknown layer opcode");
	/* The file is not banned: a good layer still runs. */
	d = worked_conv(self);
	EXPECT_EQ(0, submit_layer(self, &d, NULL));
	EXPECT_EQ(0, syncobj_wait(self->fd, self->sync, 0));
}

/*
 * A decode table word that breaks the term rules is only visible to the
 * engine: the job fails with INVALID at the layer, nothing is written,
 * and the next job runs.
 */
TEST_F(layer, bad_table_word_fails_the_job)
{
	struct potnpu_layer_desc d;
	struct drm_potnpu_job_status st;
	uint32_t *table = (uint32_t *)at(self, OFF_TABLE);
	uint64_t id;

	if (!self->layers)
		SKIP(return, "device without layers (no MODEL_EXEC)");
	d = worked_conv(self);
	*at(self, OFF_OUT) = 0x77;
	/* A gap: byte 0 empty, byte 1 a term. */
	table[5] = POTNPU_TERM(0, 2) << 8;
	ASSERT_EQ(0, submit_layer(self, &d, &id));
	ASSERT_EQ(0, syncobj_wait(self->fd, self->sync, 0));
	ASSERT_EQ(0, job_status(self->fd, id, &st));
	EXPECT_EQ(DRM_POTNPU_JOB_INVALID, st.status);
	EXPECT_EQ(0, st.err_offset);
	EXPECT_EQ(0x77, *at(self, OFF_OUT));
	d = worked_conv(self);
	ASSERT_EQ(0, submit_layer(self, &d, &id));
	ASSERT_EQ(0, syncobj_wait(self->fd, self->sync, 0));
	ASSERT_EQ(0, job_status(self->fd, id, &st));
	EXPECT_EQ(DRM_POTNPU_JOB_OK, st.status);
	EXPECT_EQ(-42, (int8_t)*at(self, OFF_OUT));
}

TEST_HARNESS_MAIN
