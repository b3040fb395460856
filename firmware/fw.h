/* SPDX-License-Identifier: MIT */
/*
 * potnpu control-core firmware: state and the functions shared by the
 * target build (main.c, start.S) and the host test build (tests/).
 *
 * boot.c   boot handshake: versions, HOST_ABI, job queue view, READY/FAILED
 * job.c    job queue service: descriptor fetch and validation, command
 *          stream execution, completion records, H2F messages
 * log.c    the log ring in DMEM and its small printf
 * lib.c    memset/memcpy/memmove/memcmp (target build only)
 * main.c   target only: main(), the idle loop, fw_wait() (WFI), the trap
 *          handler
 *
 * Nothing here multiplies or divides: the core has no M extension and the
 * firmware is linked without libgcc, so a '*' or '/' the compiler cannot
 * turn into shifts fails the link.
 */
#ifndef POTNPU_FW_H
#define POTNPU_FW_H

#include <stdint.h>

#include "potnpu_core.h"
#include "potnpu_job.h"
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
	uint32_t cmd[FW_CMD_BUF_SIZE / 4];	/* command stream window */
	char log[FW_LOG_SIZE];			/* log ring */
} __attribute__((aligned(64)));

_Static_assert(sizeof(struct potnpu_job_desc) == 64, "descriptor is 64 bytes");
_Static_assert(sizeof(struct potnpu_job_done) == 32, "completion is 32 bytes");
_Static_assert(__builtin_offsetof(struct potnpu_job_desc, cmd_va) == 8,
	       "cmd_va at offset 8");
_Static_assert(__builtin_offsetof(struct potnpu_job_desc, cmd_size) == 16,
	       "cmd_size at offset 16");
_Static_assert(__builtin_offsetof(struct fw_dmem, cmd) % 8 == 0,
	       "command window aligned");
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

/* log.c */
void fw_log_init(void);
void fw_log(const char *fmt, ...);
void fw_log_str(const char *s);

#endif /* POTNPU_FW_H */
