/* SPDX-License-Identifier: MIT */
/*
 * potnpu control-core firmware: state and the functions shared by the
 * target build (main.c, start.S) and the host test build (tests/).
 *
 * boot.c   boot handshake: versions, HOST_ABI, job queue view, READY/FAILED
 * job.c    job queue service: descriptor fetch and validation, command
 *          stream execution, completion records, H2F messages
 * layer.c  layer commands: decode, plan, the tile loop, counters
 * layer_check.c  what a layer command must satisfy before it runs
 * layer_dma.c    the layer's transfers (host memory <-> SRAM), the engine
 *          start, the boot probe for the shift-add engine
 * log.c    the log ring in DMEM and its small printf
 * lib.c    memset/memcpy/memmove/memcmp (target build only)
 * main.c   target only: main(), the idle loop, fw_wait() (WFI), the trap
 *          handler
 *
 * Nothing here divides: the core has no M extension and the firmware is
 * linked with libgcc's two multiplication routines only (__mulsi3,
 * __muldi3, for the layer plan and per-tile address arithmetic), so a '/'
 * or '%' the compiler cannot turn into shifts fails the link.
 */
#ifndef POTNPU_FW_H
#define POTNPU_FW_H

#include <stdint.h>

#include "potnpu_core.h"
#include "potnpu_job.h"
#include "potnpu_layer.h"
#include "potnpu_regs.h"

#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))

/* Command stream window: the part of a job's stream held in DMEM. */
#define FW_CMD_BUF_SIZE		0x4000u
/* Log ring: a power of two, so a free-running u32 head indexes it. */
#define FW_LOG_SIZE		0x1000u
/* Longest log line, newline included; longer lines are cut. */
#define FW_LOG_LINE_MAX		120u
/* Retired instructions between idle wake-ups (heartbeat, watchdog kick). */
#define FW_IDLE_PERIOD		1000000u

/* Everything the DMA engine reads or writes in DMEM, plus the log ring. */
struct fw_dmem {
	struct potnpu_job_desc desc;		/* descriptor being run */
	struct potnpu_job_done done;		/* its completion record */
	uint32_t word[2];			/* FENCE value, TIMESTAMP */
	uint32_t pad[6];
	struct potnpu_layer_counters ctr;	/* a layer's counters */
	struct potnpu_sae_tile tile;		/* the engine's tile */
	uint32_t cmd[FW_CMD_BUF_SIZE / 4]	/* command stream window */
		__attribute__((aligned(64)));
	char log[FW_LOG_SIZE];			/* log ring */
} __attribute__((aligned(64)));

_Static_assert(sizeof(struct potnpu_job_desc) == 64, "descriptor is 64 bytes");
_Static_assert(sizeof(struct potnpu_job_done) == 32, "completion is 32 bytes");
_Static_assert(__builtin_offsetof(struct potnpu_job_desc, cmd_va) == 8,
	       "cmd_va at offset 8");
_Static_assert(__builtin_offsetof(struct potnpu_job_desc, cmd_size) == 16,
	       "cmd_size at offset 16");
_Static_assert(__builtin_offsetof(struct fw_dmem, cmd) % 64 == 0,
	       "command window aligned");
_Static_assert(__builtin_offsetof(struct fw_dmem, ctr) % 8 == 0,
	       "counters aligned");
_Static_assert(__builtin_offsetof(struct fw_dmem, tile) % 4 == 0,
	       "tile descriptor 4-byte aligned (SAE_DESC)");
_Static_assert(sizeof(struct potnpu_layer_counters) == 64, "counters are 64 bytes");
_Static_assert((FW_LOG_SIZE & (FW_LOG_SIZE - 1)) == 0, "log size power of 2");

struct fw_state {
	/* Job queue view, read once at boot. */
	uint64_t jq_base;
	uint64_t cq_base;
	uint32_t q_size;
	uint32_t q_mask;
	/* Free-running counters, mirrored to JQ_HEAD and CQ_TAIL. */
	uint32_t jq_head;
	uint32_t cq_tail;
	uint32_t heartbeat;
	/* Bytes ever written to the log ring, mirrored to LOG_HEAD. */
	uint32_t log_head;
	uint32_t log_ready;
	/* Set by fw_fail(): FW_STATUS is FAILED, the core must stop. */
	uint32_t failed;
	uint32_t error;
	/* Jobs completed since boot, any status. */
	uint32_t jobs;
	/* The device has the shift-add engine (probed at boot): layers run. */
	uint32_t sae;
};

/* The job being run: its stream, its window in DMEM, its record. */
struct fw_job {
	uint32_t seqno;
	uint64_t va;
	uint32_t size;
	uint32_t slot;
	/* Command stream bytes [win_off, win_off + win_len) are in fw_dmem.cmd. */
	uint32_t win_off;
	uint32_t win_len;
	/* DMA and engine status of the failure, for the log. */
	uint32_t dma_status;
	uint32_t sae_status;
	struct potnpu_job_done *done;
};

extern struct fw_state fw;
extern struct fw_dmem fw_dmem;

/* Versions compiled into the firmware (main.c in the target build). */
extern const uint32_t potnpu_fw_version;
extern const uint32_t potnpu_fw_abi_version;

/* boot.c */
uint32_t fw_boot(void);
void fw_fail(uint32_t err);
void fw_progress(void);
uint64_t fw_instret(void);

/*
 * main.c (target) or tests/fake_io.c (host): sleep until an event, or at
 * most FW_IDLE_PERIOD instructions.
 */
void fw_wait(void);

/* job.c */
enum fw_desc_error {
	FW_DESC_OK = 0,
	FW_DESC_FLAGS,
	FW_DESC_RESERVED,
	FW_DESC_SIZE,
	FW_DESC_SLOT,
	FW_DESC_ALIGN,
};
enum fw_desc_error fw_desc_check(const struct potnpu_job_desc *d);
int fw_poll(void);
void fw_service_queue(void);
void fw_run_job(void);
const char *fw_job_status_name(uint32_t status);
uint32_t fw_cmd_words(uint32_t op);
uint32_t fw_dma(uint32_t mode, uint64_t src, uint64_t dst, uint32_t len,
		uint32_t ctx, uint32_t pattern, uint64_t *fault);
uint32_t fw_job_fail(struct fw_job *j, uint32_t status, uint32_t off,
		     uint32_t info);
uint32_t fw_job_fail_dma(struct fw_job *j, uint32_t off, uint32_t st,
			 uint64_t fault, int write);
int fw_job_aborted(const struct fw_job *j);

/* layer_check.c */
enum fw_layer_error {
	FW_LAYER_OK = 0,
	FW_LAYER_RESERVED,	/* reserved bits or words */
	FW_LAYER_OP,		/* opcode not a layer's */
	FW_LAYER_FLAGS,		/* unknown flag, or COUNT_PAD off AVGPOOL */
	FW_LAYER_DIM,		/* a size out of 1..its limit */
	FW_LAYER_CHANNELS,	/* channels or a pixel stride out of range */
	FW_LAYER_KERNEL,	/* kernel, stride or dilation out of 1..16 */
	FW_LAYER_SHAPE,		/* output size not the rule's */
	FW_LAYER_FIELD,		/* a field the op requires missing, or one it
				   forbids set */
	FW_LAYER_WBITS,		/* CONV2D code width out of 2..8 */
	FW_LAYER_GROUPS,	/* groups do not divide in_c and out_c */
	FW_LAYER_CLAMP,		/* lo > hi */
	FW_LAYER_SHIFT,		/* ADD shift above 62 */
	FW_LAYER_ALIGN,		/* counters_va not 8-byte aligned */
	FW_LAYER_PLAN,		/* not one channel and one row fit SRAM */
};
enum fw_layer_error fw_layer_check(const uint32_t *w,
				   struct potnpu_layer_desc *d,
				   struct potnpu_layer_plan *p);

/* layer.c */
uint32_t fw_layer_run(struct fw_job *j, uint32_t off, const uint32_t *w);

/* layer_dma.c */
uint32_t fw_sae_probe(void);
uint32_t fw_layer_load(struct fw_job *j, uint32_t off, uint64_t va,
		       uint32_t sram, uint32_t len);
uint32_t fw_layer_store(struct fw_job *j, uint32_t off, uint64_t va,
			uint32_t rows, uint32_t len, uint32_t dst_stride);
uint32_t fw_layer_put_counters(struct fw_job *j, uint32_t off, uint64_t va);
uint32_t fw_sae_start(void);

/* log.c */
void fw_log_init(void);
void fw_log(const char *fmt, ...);
void fw_log_str(const char *s);

#endif /* POTNPU_FW_H */
