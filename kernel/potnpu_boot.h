/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * potnpu DRM accel driver: firmware upload and boot of the control core.
 */
#ifndef __POTNPU_BOOT_H__
#define __POTNPU_BOOT_H__

#include <linux/types.h>

struct potnpu_device;
struct seq_file;

int potnpu_boot_init(struct potnpu_device *ndev);
int potnpu_boot_recover(struct potnpu_device *ndev, const char *why);
const char *potnpu_fw_status_name(u32 status);
const char *potnpu_fw_error_name(u32 error);
void potnpu_boot_show_status(struct potnpu_device *ndev, struct seq_file *m);
int potnpu_boot_show_log(struct potnpu_device *ndev, struct seq_file *m);
int potnpu_fw_log_window(u32 base, u32 size, u32 head, u32 *start,
			 u32 *len);

#endif /* __POTNPU_BOOT_H__ */
