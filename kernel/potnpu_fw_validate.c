// SPDX-License-Identifier: GPL-2.0-only
/*
 * potnpu DRM accel driver: the firmware image validator shared with
 * userspace (include/potnpu/potnpu_fw_validate.c), compiled once into the
 * module, with the kernel's CRC-32 (lib/crc32).
 */

#include <potnpu/potnpu_fw_validate.c>
