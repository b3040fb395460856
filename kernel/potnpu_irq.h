/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * potnpu DRM accel driver: MSI-X interrupts.
 */
#ifndef __POTNPU_IRQ_H__
#define __POTNPU_IRQ_H__

#include "potnpu_drv.h"

void potnpu_irq_init(struct potnpu_device *ndev);
void potnpu_irq_fini(struct potnpu_device *ndev);

#endif /* __POTNPU_IRQ_H__ */
