/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Userspace stand-in for <linux/errno.h>: the kernel's codes from the
 * uapi <asm/errno.h> (the C library's <errno.h> includes <linux/errno.h>
 * itself, so this must not include it back).
 */
#ifndef POTNPU_KSHIM_LINUX_ERRNO_H
#define POTNPU_KSHIM_LINUX_ERRNO_H

#include <asm/errno.h>

#endif /* POTNPU_KSHIM_LINUX_ERRNO_H */
