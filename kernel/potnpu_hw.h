/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * potnpu DRM accel driver: BAR0 register access, identity check and reset.
 */
#ifndef __POTNPU_HW_H__
#define __POTNPU_HW_H__

#include <linux/io.h>

#include <potnpu/potnpu_regs.h>

#include "potnpu_drv.h"

/*
 * What a register read returns once the device no longer answers
 * (surprise removal, or a PCI error): all ones.
 */
#define POTNPU_REG_DEAD		0xffffffffu

static inline u32 potnpu_rd(struct potnpu_device *ndev, u32 reg)
{
	return readl(ndev->regs + reg);
}

static inline void potnpu_wr(struct potnpu_device *ndev, u32 reg, u32 val)
{
	writel(val, ndev->regs + reg);
}

int potnpu_hw_map(struct potnpu_device *ndev);
int potnpu_hw_init(struct potnpu_device *ndev);
int potnpu_hw_reset(struct potnpu_device *ndev);
void potnpu_hw_quiesce(struct potnpu_device *ndev);
void potnpu_hw_fini(struct potnpu_device *ndev);

#endif /* __POTNPU_HW_H__ */
