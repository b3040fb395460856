#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Run every potnpu test layer, each building what it needs, and print one
# summary line "N passed, N failed" (N = individual test cases across all
# layers). A layer that fails to build or run, or runs no test, counts as a
# failure. Exit status: 0 only if nothing failed.
#
#   check.sh [LAYER...]     layers: host qtest firmware fuzz kunit static guest debug (default: all)
set -uo pipefail
. "$(dirname "$0")/common.sh"

RESULTS=$POTNPU_BUILD/test-results
GUEST_DEVICES=2
mkdir -p "$RESULTS"

total_pass=0
total_fail=0
total_skip=0

# The host tests, then those feeding the parsers malformed input (model
# files, ONNX files, IDX files and the tools' command lines) again with
# the libraries and tools built under ASan and UBSan: a bad file must get
# its error, not a memory error (docs/testing.md).
HOST_ASAN_TESTS="test_model test_onnx_errors test_tools test_graph"
layer_host() {
	local rc=0
	make -s -C "$POTNPU_ROOT/userspace" check || rc=1
	make -s -C "$POTNPU_ROOT/userspace" check-asan \
		TESTS="$HOST_ASAN_TESTS" || rc=1
	return $rc
}
# Firmware unit tests on the host, then the image on the QEMU device model.
layer_firmware() {
	make -s -C "$POTNPU_ROOT/firmware" check || return 1
	"$POTNPU_ROOT/scripts/build-qemu.sh" >&2 || return 1
	make -s -C "$POTNPU_ROOT/firmware" qemu-smoke
}
# libFuzzer targets: regression inputs replayed, then each parser fuzzed
# for a bounded time (tests/fuzz/Makefile).
# The model file reader's target lives with libpotnpu (userspace/Makefile).
layer_fuzz() {
	local rc=0
	make -s -C "$POTNPU_ROOT/tests/fuzz" check || rc=1
	make -s -C "$POTNPU_ROOT/userspace" fuzz-onnx \
		FUZZ_TIME="${FUZZ_TIME:-20}" POTNPU_BUILD="$POTNPU_BUILD" || rc=1
	make -s -C "$POTNPU_ROOT/userspace" fuzz-model \
		FUZZ_TIME="${FUZZ_TIME:-20}" POTNPU_BUILD="$POTNPU_BUILD" || rc=1
	return $rc
}
layer_qtest() { "$POTNPU_ROOT/scripts/test-qtest.sh"; }
layer_kunit() { "$POTNPU_ROOT/scripts/test-kunit.sh"; }
layer_static() { "$POTNPU_ROOT/scripts/static-checks.sh"; }
# The guest's timeout is raised from run-guest.sh's 600 s: with the model
# accuracy test (2.5 minutes of it under a load average of 12) the layer
# took 7.5 minutes on the loaded 2-core build machine.
layer_guest() {
	make -s -C "$POTNPU_ROOT" guest-image >&2 || return 1
	"$POTNPU_ROOT/scripts/run-guest.sh" --quiet --timeout 1200 --devices "$GUEST_DEVICES" \
		--log "$RESULTS/guest-console.log" --results "$RESULTS/guest.raw" \
		-- "POTNPU_EXPECT_DEVICES=$GUEST_DEVICES /usr/lib/potnpu/tests/run-tests.sh"
	local rc=$?
	tr -d '\r' <"$RESULTS/guest.raw"
	# The same stack with virtual time taken from the instruction count.
	if "$POTNPU_ROOT/scripts/run-guest.sh" --quiet --deterministic \
		--log "$RESULTS/guest-icount-console.log" \
		--results "$RESULTS/guest-icount.raw" \
		-- "modprobe potnpu && potnpu-job-check && potnpu-bo-check" >&2; then
		echo "ok 1 - deterministic mode (-icount): firmware boots, jobs and BOs check out"
	else
		echo "not ok 1 - deterministic mode (-icount): firmware boots, jobs and BOs check out"
		rc=1
	fi
	# Hot-unplug: its own boots, a potnpu behind a pcie-root-port removed
	# and added back over QMP (tests/hotplug/run-hotplug.py), the slot
	# handled by ACPI (2 cycles), then by pciehp (1 cycle).
	"$POTNPU_ROOT/tests/hotplug/run-hotplug.py" --cycles 2 \
		--log "$RESULTS/hotplug-console.log" \
		--results "$RESULTS/hotplug.raw" || rc=1
	"$POTNPU_ROOT/tests/hotplug/run-hotplug.py" --native --cycles 1 \
		--log "$RESULTS/hotplug-native-console.log" \
		--results "$RESULTS/hotplug-native.raw" || rc=1
	return $rc
}

# The same guest tests on the debug kernel (KASAN, UBSAN, lockdep, debug
# objects, kmemleak, fault injection; scripts/build-debug-kernel.sh builds
# it once, then only potnpu.ko when kernel/ changes), plus the failslab
# test run for real and the kernel's own reports checked one by one
# (tests/guest/debug-tests.sh). The KASAN kernel is several times slower:
# the guest gets POTNPU_DEBUG_TIMEOUT seconds, and the random layer cases
# per device are cut to POTNPU_DEBUG_LAYER_CASES (they test the device more
# than the kernel; docs/reliability.md).
layer_debug() {
	make -s -C "$POTNPU_ROOT" all >&2 || return 1
	"$POTNPU_ROOT/scripts/build-debug-kernel.sh" >&2 || return 1
	"$POTNPU_ROOT/scripts/mkinitramfs.sh" --debug-kernel >&2 || return 1
	"$POTNPU_ROOT/scripts/run-guest.sh" --quiet --debug-kernel \
		--devices "$GUEST_DEVICES" --timeout "${POTNPU_DEBUG_TIMEOUT:-3600}" \
		--log "$RESULTS/debug-console.log" --results "$RESULTS/debug.raw" \
		-- "POTNPU_EXPECT_DEVICES=$GUEST_DEVICES" \
		"POTNPU_LAYER_CASES=${POTNPU_DEBUG_LAYER_CASES:-200}" \
		POTNPU_ACCURACY_TEST=0 /usr/lib/potnpu/tests/debug-tests.sh
	local rc=$?
	tr -d '\r' <"$RESULTS/debug.raw"
	# The hot-unplug test on the debug kernel too: the remove path with
	# files open under KASAN, lockdep and DMA-API debugging.
	"$POTNPU_ROOT/tests/hotplug/run-hotplug.py" --cycles 1 \
		--guest-arg=--debug-kernel \
		--log "$RESULTS/debug-hotplug-console.log" \
		--results "$RESULTS/debug-hotplug.raw" || rc=1
	return $rc
}

# Count column-0 TAP results of one layer's output; nested (indented) lines
# are the layer's own detail and are not counted twice.
run_layer() {
	local name=$1 out=$RESULTS/$1.tap err=$RESULTS/$1.log rc pass fail skip start
	start=$(date +%s)
	log "layer $name: running (log: $err)"
	"layer_$name" >"$out" 2>"$err"
	rc=$?
	skip=$(grep -cE '^ok [0-9]+.*# *(SKIP|skip)' "$out")
	pass=$(( $(grep -cE '^ok [0-9]+' "$out") - skip ))
	fail=$(grep -cE '^not ok [0-9]+' "$out")
	if [ $rc -ne 0 ] && [ "$fail" -eq 0 ]; then
		log "layer $name: exited $rc without a failing test: counted as one failure"
		tail -n 20 "$err" >&2
		fail=1
	elif [ $(( pass + fail )) -eq 0 ]; then
		log "layer $name: ran no test: counted as one failure"
		tail -n 20 "$err" >&2
		fail=1
	fi
	grep -E '^not ok [0-9]+' "$out" | sed "s/^/[potnpu] $name: /" >&2
	log "layer $name: $pass passed, $fail failed, $skip skipped ($(( $(date +%s) - start ))s)"
	total_pass=$(( total_pass + pass ))
	total_fail=$(( total_fail + fail ))
	total_skip=$(( total_skip + skip ))
}

layers=("$@")
[ ${#layers[@]} -gt 0 ] || layers=(host qtest firmware fuzz kunit static guest debug)
for l in "${layers[@]}"; do
	declare -F "layer_$l" >/dev/null || die "unknown layer $l"
done

"$POTNPU_ROOT/scripts/setup.sh" || die "setup failed"
for l in "${layers[@]}"; do
	run_layer "$l"
done
if [ "$total_skip" -gt 0 ]; then
	echo "$total_pass passed, $total_fail failed, $total_skip skipped"
else
	echo "$total_pass passed, $total_fail failed"
fi
[ "$total_fail" -eq 0 ]
