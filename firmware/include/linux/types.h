/* SPDX-License-Identifier: MIT */
/*
 * Freestanding stand-in for the kernel's <linux/types.h>, so the firmware
 * can include the shared headers in include/potnpu/ (which use the kernel's
 * fixed-width type names) without a Linux sysroot. Only the names those
 * headers use are provided. The control core is little endian, so the
 * __le types are plain integers here.
 */
#ifndef POTNPU_FW_LINUX_TYPES_H
#define POTNPU_FW_LINUX_TYPES_H

#include <stdint.h>

typedef uint8_t __u8;
typedef uint16_t __u16;
typedef uint32_t __u32;
typedef uint64_t __u64;
typedef int8_t __s8;
typedef int16_t __s16;
typedef int32_t __s32;
typedef int64_t __s64;
typedef uint16_t __le16;
typedef uint32_t __le32;
typedef uint64_t __le64;

#endif /* POTNPU_FW_LINUX_TYPES_H */
