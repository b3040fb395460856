// SPDX-License-Identifier: GPL-2.0-only
/*
 * potnpu DRM accel driver: firmware image loading.
 *
 * The image is read with the firmware loader and checked with
 * potnpu_fw_validate(), the validator shared with the userspace image
 * tool, so the two agree on what a good image is. A valid image's versions
 * are recorded and its payload copied into device-managed memory for the
 * upload to the control core; the loader's buffer is released at once.
 */

#include <linux/device.h>
#include <linux/firmware.h>
#include <linux/overflow.h>
#include <linux/slab.h>

#include <drm/potnpu_accel.h>

#include "potnpu_fw.h"

/**
 * potnpu_fw_init() - load and validate the firmware image
 * @ndev: the device
 *
 * The device cannot work without its firmware, so a missing or invalid
 * image fails the probe, with the file name and the reason in the kernel
 * log. On success DRM_POTNPU_CAP_FIRMWARE is set.
 *
 * Return: 0, or a negative errno when the image is missing, invalid, or
 * could not be read or copied.
 */
int potnpu_fw_init(struct potnpu_device *ndev)
{
	struct device *dev = potnpu_dev(ndev);
	const struct firmware *fw;
	struct potnpu_fw_info info;
	enum potnpu_fw_error err;
	const u8 *payload;
	u32 end;
	int ret;

	/* Quiet loader: the messages below say what went wrong. */
	ret = firmware_request_nowarn(&fw, POTNPU_FW_NAME, dev);
	if (ret == -ENOENT) {
		dev_err(dev, "firmware %s not found in the firmware search path\n",
			POTNPU_FW_NAME);
		return ret;
	}
	if (ret) {
		dev_err(dev, "cannot read firmware %s: %d\n", POTNPU_FW_NAME, ret);
		return ret;
	}

	err = potnpu_fw_validate(fw->data, fw->size, &info);
	if (err != POTNPU_FW_OK) {
		dev_err(dev, "firmware %s rejected (%zu bytes): %s\n",
			POTNPU_FW_NAME, fw->size, potnpu_fw_strerror(err));
		ret = -EINVAL;
		goto out;
	}

	/* Guaranteed by the validator; checked again before the copy. */
	if (check_add_overflow(info.payload_offset, info.payload_size, &end) ||
	    end > fw->size) {
		dev_err(dev, "firmware %s: payload outside the file\n",
			POTNPU_FW_NAME);
		ret = -EINVAL;
		goto out;
	}

	payload = devm_kmemdup(dev, fw->data + info.payload_offset,
			       info.payload_size, GFP_KERNEL);
	if (!payload) {
		ret = -ENOMEM;
		goto out;
	}

	ndev->fw.info = info;
	ndev->fw.payload = payload;
	ndev->capabilities |= DRM_POTNPU_CAP_FIRMWARE;
	dev_info(dev,
		 "firmware %s: version %u.%u.%u, ABI %u.%u.%u, %u bytes at %#x, entry %#x\n",
		 POTNPU_FW_NAME,
		 POTNPU_FW_VER_MAJOR(info.fw_version),
		 POTNPU_FW_VER_MINOR(info.fw_version),
		 POTNPU_FW_VER_PATCH(info.fw_version),
		 POTNPU_FW_VER_MAJOR(info.abi_version),
		 POTNPU_FW_VER_MINOR(info.abi_version),
		 POTNPU_FW_VER_PATCH(info.abi_version),
		 info.payload_size, info.load_addr, info.entry);
out:
	release_firmware(fw);
	return ret;
}

MODULE_FIRMWARE(POTNPU_FW_NAME);
