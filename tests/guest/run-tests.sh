#!/bin/sh
# SPDX-License-Identifier: MIT
# Guest test layer: load the driver, run every selftest binary, the tool
# checks, the layer checks and the model accuracy test. Output is TAP; the
# exit status is non-zero if anything failed.
# POTNPU_EXPECT_DEVICES tells how many potnpu devices QEMU attached.
TESTS=/usr/lib/potnpu/tests
export POTNPU_EXPECT_DEVICES=${POTNPU_EXPECT_DEVICES:-1}
# Load and fault repetitions (docs/reliability.md, "Hot-unplug and load"):
# jobs per process of the eight-process stress test, unload/reload cycles
# under load, injected hangs and MMU faults.
export POTNPU_STRESS_JOBS=${POTNPU_STRESS_JOBS:-1000}
export POTNPU_RELOAD_CYCLES=${POTNPU_RELOAD_CYCLES:-5}
export POTNPU_FAULT_REPEATS=${POTNPU_FAULT_REPEATS:-100}
rc=0

if ! modprobe potnpu; then
	echo "not ok 1 - modprobe potnpu"
	dmesg | tail -n 30
	exit 1
fi
for t in "$TESTS"/potnpu_*_test; do
	"$t" || rc=1
done
"$TESTS"/tools-test.sh || rc=1
"$TESTS"/layer-test.sh || rc=1
"$TESTS"/model-test.sh || rc=1
# The accuracy test checks numerics, not the kernel: the debug-kernel
# layer leaves it out (POTNPU_ACCURACY_TEST=0) to spend its time on the
# driver (docs/reliability.md, "Debug kernel").
if [ "${POTNPU_ACCURACY_TEST:-1}" != 0 ]; then
	"$TESTS"/accuracy-test.sh || rc=1
fi
# The ioctl fuzzer, bounded: 20000 calls (7-18 s in TCG, by host load)
# or 30 s, whichever comes first. Longer runs: docs/reliability.md.
if [ -x "$TESTS"/potnpu-ioctl-fuzz ]; then
	"$TESTS"/potnpu-ioctl-fuzz --seed 1 --calls 20000 --time 30 || rc=1
else
	echo "not ok 1 - ioctl-fuzz: $TESTS/potnpu-ioctl-fuzz missing"
	rc=1
fi
# Anything the kernel considered a bug during the tests fails the layer.
if dmesg | grep -E 'BUG:|WARNING:|Oops|general protection|KASAN|UBSAN|refcount_t'; then
	echo "not ok 1 - kernel log free of warnings and oopses"
	rc=1
else
	echo "ok 1 - kernel log free of warnings and oopses"
fi
exit $rc
