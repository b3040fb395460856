/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * potnpu DRM accel driver: firmware image loading and validation.
 */
#ifndef __POTNPU_FW_H__
#define __POTNPU_FW_H__

#include "potnpu_drv.h"

int potnpu_fw_init(struct potnpu_device *ndev);

#endif /* __POTNPU_FW_H__ */
