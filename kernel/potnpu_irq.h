/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * potnpu DRM accel driver: the MSI-X interrupt handlers and the
 * probe-time interrupt self-test.
 */
#ifndef __POTNPU_IRQ_H__
#define __POTNPU_IRQ_H__

#include "potnpu_drv.h"

void potnpu_irq_init(struct potnpu_device *ndev);
void potnpu_irq_fini(struct potnpu_device *ndev);
int potnpu_irq_request_events(struct potnpu_device *ndev);
void potnpu_irq_free_events(struct potnpu_device *ndev);

#endif /* __POTNPU_IRQ_H__ */
