#!/bin/sh
# SPDX-License-Identifier: MIT
# The main job of `make run`: load the driver, show the devices, measure the
# job path (potnpu-bench --dma) and run the benchmark on the default model.
# potnpu-bench exits 69 (EX_UNAVAILABLE) while the device cannot execute
# models; that is reported, not hidden.
set -e
MODEL=${1:-}
modprobe potnpu
potnpu-info
potnpu-bench --dma --iterations 100
set +e
potnpu-bench ${MODEL:+"$MODEL"}
rc=$?
set -e
if [ $rc -eq 69 ]; then
	echo "main job: device up; model execution not available yet (potnpu-bench exit 69)"
	exit 0
fi
exit $rc
