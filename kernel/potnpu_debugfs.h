/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * potnpu DRM accel driver: debugfs.
 */
#ifndef __POTNPU_DEBUGFS_H__
#define __POTNPU_DEBUGFS_H__

struct potnpu_device;

#if IS_ENABLED(CONFIG_DEBUG_FS)
void potnpu_debugfs_init(struct potnpu_device *ndev);
#else
static inline void potnpu_debugfs_init(struct potnpu_device *ndev) { }
#endif

#endif /* __POTNPU_DEBUGFS_H__ */
