/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the potnpu device tools (potnpu-info, potnpu-bench):
 * exit codes, device descriptions and the JSON form of a device.
 */
#ifndef POTNPU_TOOLS_COMMON_H
#define POTNPU_TOOLS_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "libpotnpu.h"
#include "tool_json.h"

/* Version of the potnpu userspace tools: the library's. */
#define POTNPU_TOOLS_VERSION_STR_(a, b, c) #a "." #b "." #c
#define POTNPU_TOOLS_VERSION_STR(a, b, c) POTNPU_TOOLS_VERSION_STR_(a, b, c)
#define POTNPU_TOOLS_VERSION						\
	POTNPU_TOOLS_VERSION_STR(LIBPOTNPU_VERSION_MAJOR,		\
				 LIBPOTNPU_VERSION_MINOR,		\
				 LIBPOTNPU_VERSION_PATCH)

/*
 * tool_exit_code() - sysexits.h status for a libpotnpu error
 *
 * -ENODEV, -ENOENT, -ENOTDIR, -ENOTTY, -ENXIO, -EOPNOTSUPP: 69
 * (EX_UNAVAILABLE, no usable device); -EACCES, -EPERM: 77 (EX_NOPERM);
 * -EPROTO, -EBADMSG: 76 (EX_PROTOCOL, driver and library disagree);
 * anything else: 71 (EX_OSERR). 0 stays 0.
 */
int tool_exit_code(int err);

/* "/dev/accel/accel0, potnpu 1234:9e70 at 0000:00:03.0, firmware 0.1.0" */
const char *tool_describe_device(const char *path,
				 const struct drm_potnpu_device_info *info,
				 char *buf, size_t len);

/* "PING,CORE" style names of the hardware CAPS register (potnpu_regs.h). */
const char *tool_format_hw_caps(uint32_t caps, char *buf, size_t len);

/*
 * The JSON object describing a device (see docs/userspace.md); the caller
 * adds it to its document. @drv and @info may be NULL.
 */
struct json_object *
tool_json_device(int index, const char *path,
		 const struct potnpu_driver_info *drv,
		 const struct drm_potnpu_device_info *info);

/* Parses a decimal unsigned number in [min, max]; 0 or -1. */
int tool_parse_uint(const char *s, unsigned long min, unsigned long max,
		    unsigned long *out);

/*
 * tool_parse_device_args() - command line of the check tools:
 * "PROG [--device N] [--help]"
 *
 * Returns -1 when the tool should go on with *@device set (0 by default),
 * else the status to exit with: EX_OK after --help (printed by @usage on
 * stdout), EX_USAGE for anything else, with a message naming @prog.
 */
int tool_parse_device_args(const char *prog, void (*usage)(FILE *f),
			   int argc, char *argv[], unsigned long *device);

/* A numeric option of tool_parse_args(): --NAME N or -LETTER N. */
struct tool_uint_opt {
	const char *name;
	int letter;
	unsigned long min, max;
	unsigned long *value;	/* keeps its default unless the option is given */
};
#define TOOL_MAX_OPTS 4

/*
 * tool_parse_args() - tool_parse_device_args() with up to TOOL_MAX_OPTS
 * more numeric options @opts.
 */
int tool_parse_args(const char *prog, void (*usage)(FILE *f), int argc,
		    char *argv[], unsigned long *device,
		    const struct tool_uint_opt *opts, size_t nopts);

/*
 * tool_open_layers() - open device @index for a tool that runs layer
 * commands: 0 with *@devp open, or the exit status (the error printed
 * behind "@prog: "; 69 when the device lacks MODEL_EXEC).
 */
int tool_open_layers(const char *prog, unsigned long index,
		     struct potnpu_device **devp);

#endif /* POTNPU_TOOLS_COMMON_H */
