#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Build QEMU with the potnpu device (scripts/build-qemu.sh) and run the
# potnpu qtest, printing flat TAP on stdout. First, the shift-add engine's
# host unit test (qemu-device/tests/sae-engine-test.c), built optimised and
# with ASan/UBSan, runs and its TAP lines are counted here too (not when
# PATTERNs select cases).
#
#   scripts/test-qtest.sh [PATTERN...]
#
# Each test case runs in its own test process, so a failed assertion (which
# aborts a glib test program) or a crashed QEMU fails only that case and
# the others still run and are reported. PATTERNs (shell globs matched
# against the test path, e.g. '*msix*') select cases; default: all.
#
# Exit status: 0 when every selected case passed, 1 otherwise.
# Build output and timings go to stderr.
#
# Environment: POTNPU_QTEST_TIMEOUT (seconds per case, default 300),
# POTNPU_QTEST_FIRMWARE_DIRS (colon-separated BIOS directories given to
# QEMU with -L; the test's default is Debian's seabios and qemu dirs),
# POTNPU_QTEST_FW_IMAGE (the potnpu firmware image the firmware/* cases
# boot; default $POTNPU_BUILD/firmware/potnpu-fw.bin when it exists, else
# those cases skip: build it with 'make -C firmware').
#
# The fuzzer (qemu-device/tests/potnpu-fuzz-test.c, /x86_64/potnpu-fuzz/*)
# runs against the ASan/UBSan build (scripts/build-qemu.sh --sanitize),
# bounded by a fixed seed and POTNPU_FUZZ_SECONDS per path (default 10);
# it needs the firmware image, built here when missing. Any sanitizer
# report in a case's output fails the case. POTNPU_QTEST_FUZZ=0 skips the
# fuzzer; docs/reliability.md ("QEMU device under sanitizers") has the
# longer runs.

set -uo pipefail

# shellcheck source=scripts/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
load_versions

TIMEOUT=${POTNPU_QTEST_TIMEOUT:-300}

start=$(date +%s)

# The engine's host test, both builds: each TAP line renumbered later.
engine_tap=$(mktemp)
trap 'rm -f "$engine_tap"' EXIT
if [ $# -eq 0 ]; then
	SAE_OUT=$POTNPU_BUILD/sae-engine
	if make -s -C "$POTNPU_ROOT/qemu-device/tests" O="$SAE_OUT" all >&2; then
		# The layer benchmark's native baseline: engine = reference.
		for bin in sae-engine-test sae-engine-test-san \
			"potnpu-layer-bench-native --smoke"; do
			# shellcheck disable=SC2086
			"$SAE_OUT/"$bin >"$engine_tap.run" 2>&1
			rc=$?
			bin=${bin%% *}
			grep -E '^(not )?ok [0-9]+ ' "$engine_tap.run" |
				sed -E "s/^(not )?ok [0-9]+ - /\1ok $bin: /" >>"$engine_tap"
			if [ $rc -ne 0 ] && ! grep -q '^not ok' "$engine_tap.run"; then
				echo "not ok $bin: exit status $rc" >>"$engine_tap"
				sed 's/^/# /' "$engine_tap.run" >>"$engine_tap"
			fi
			rm -f "$engine_tap.run"
		done
	else
		echo "not ok sae-engine-test: build failed" >>"$engine_tap"
	fi
fi
n_engine=$(grep -cE '^(not )?ok ' "$engine_tap")

if ! bash "$POTNPU_ROOT/scripts/build-qemu.sh" >&2; then
	printf '1..1\nnot ok 1 build-qemu\n'
	die "build failed"
fi

QEMU_PLAIN=$QEMU_BUILD
QEMU_SAN=$POTNPU_CACHE/qemu/build-san-$QEMU_VERSION
TEST_BIN=$QEMU_PLAIN/tests/qtest/potnpu-test
FUZZ_BIN=$QEMU_SAN/tests/qtest/potnpu-fuzz-test
[ -x "$TEST_BIN" ] || die "no $TEST_BIN"

# selected PATH: true when no PATTERN was given or one matches PATH.
selected() {
	local pat
	[ ${#PATTERNS[@]} -eq 0 ] && return 0
	for pat in "${PATTERNS[@]}"; do
		# shellcheck disable=SC2053
		[[ $1 == $pat ]] && return 0
	done
	return 1
}
PATTERNS=("$@")

# Each case: "BUILD_DIR TEST_PATH".
cases=()
while IFS= read -r path; do
	selected "$path" && cases+=("$QEMU_PLAIN $path")
done < <(QTEST_QEMU_BINARY=$QEMU_PLAIN/qemu-system-x86_64 "$TEST_BIN" -l |
	grep '^/')
[ ${#cases[@]} -gt 0 ] || [ $# -gt 0 ] || die "$TEST_BIN lists no tests"

fuzz_setup_failed=
# The sanitized build only when the fuzzer may be selected.
if [ "${POTNPU_QTEST_FUZZ:-1}" != 0 ] &&
   { [ $# -eq 0 ] || [[ "$*" == *fuzz* ]]; }; then
	if [ ! -f "$POTNPU_BUILD/firmware/potnpu-fw.bin" ] &&
	   [ -z "${POTNPU_QTEST_FW_IMAGE:-}" ]; then
		make -s -C "$POTNPU_ROOT/firmware" all >&2 || fuzz_setup_failed=firmware
	fi
	if [ -z "$fuzz_setup_failed" ] &&
	   bash "$POTNPU_ROOT/scripts/build-qemu.sh" --sanitize >&2 &&
	   [ -x "$FUZZ_BIN" ]; then
		while IFS= read -r path; do
			selected "$path" && cases+=("$QEMU_SAN $path")
		done < <(QTEST_QEMU_BINARY=$QEMU_SAN/qemu-system-x86_64 \
			"$FUZZ_BIN" -l | grep '^/')
	else
		fuzz_setup_failed=${fuzz_setup_failed:-build-qemu.sh --sanitize}
	fi
fi
[ "${#cases[@]}" -gt 0 ] || [ -n "$fuzz_setup_failed" ] || die "no test matches: $*"

if [ -z "${POTNPU_QTEST_FW_IMAGE:-}" ] &&
   [ -f "$POTNPU_BUILD/firmware/potnpu-fw.bin" ]; then
	export POTNPU_QTEST_FW_IMAGE=$POTNPU_BUILD/firmware/potnpu-fw.bin
fi
# Sanitizer reports end QEMU (and the test) at once, as an abort.
export ASAN_OPTIONS=${ASAN_OPTIONS:-halt_on_error=1:abort_on_error=1:detect_leaks=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:abort_on_error=1:print_stacktrace=1}
export POTNPU_FUZZ_SECONDS=${POTNPU_FUZZ_SECONDS:-10}
SAN_REPORT='ERROR: AddressSanitizer|runtime error:|ERROR: LeakSanitizer|SUMMARY: UndefinedBehaviorSanitizer'

n_setup=0
[ -n "$fuzz_setup_failed" ] && n_setup=1
log "stage qtest: start (${#cases[@]} cases, $n_engine engine checks)"
printf '1..%d\n' $(( ${#cases[@]} + n_engine + n_setup ))

out=$(mktemp)
trap 'rm -f "$out" "$engine_tap"' EXIT
n=0
failed=0
while IFS= read -r line; do
	case $line in
	"ok "*)
		n=$((n + 1))
		printf 'ok %d %s\n' "$n" "${line#ok }"
		;;
	"not ok "*)
		n=$((n + 1))
		failed=$((failed + 1))
		printf 'not ok %d %s\n' "$n" "${line#not ok }"
		;;
	*)
		printf '%s\n' "$line"
		;;
	esac
done <"$engine_tap"
if [ -n "$fuzz_setup_failed" ]; then
	n=$((n + 1))
	failed=$((failed + 1))
	printf 'not ok %d potnpu-fuzz: %s failed\n' "$n" "$fuzz_setup_failed"
fi
for entry in "${cases[@]}"; do
	build=${entry%% *}
	path=${entry#* }
	bin=$TEST_BIN
	if [ "$build" = "$QEMU_SAN" ]; then
		bin=$FUZZ_BIN
	fi
	n=$((n + 1))
	case_start=$(date +%s%N)
	(cd "$build" && QTEST_QEMU_BINARY=$build/qemu-system-x86_64 \
		timeout --kill-after=10 "$TIMEOUT" "$bin" --tap -p "$path") \
		>"$out" 2>&1
	rc=$?
	ms=$(( ($(date +%s%N) - case_start) / 1000000 ))

	# The case's own result line, e.g. "ok 1 /x86_64/... # SKIP reason".
	result=$(grep -E '^(not )?ok 1 ' "$out" | tail -n1)
	if grep -qE "$SAN_REPORT" "$out"; then
		rc=99
	fi
	if [ $rc -eq 0 ] && [[ $result == "ok 1 "* ]]; then
		printf 'ok %d %s\n' "$n" "${result#ok 1 }"
		# Messages the case left for the log (g_test_message).
		grep -E '^# ' "$out" |
			grep -vE '^# (starting QEMU|Start of|End of|random seed)' |
			sed "s|^# |# $path: |"
	else
		failed=$((failed + 1))
		if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
			why="timed out after ${TIMEOUT}s"
		elif [ $rc -eq 99 ]; then
			why="sanitizer report"
		else
			why="exit status $rc"
		fi
		printf 'not ok %d %s # %s\n' "$n" "$path" "$why"
		# Everything the case printed, as TAP diagnostics.
		grep -v '^# starting QEMU' "$out" | sed 's/^/# /'
	fi
	log "qtest $path: $((ms / 1000)).$(printf '%03d' $((ms % 1000)))s"
done

log "stage qtest: $(( $(date +%s) - start ))s total, $((n - failed))/$n passed"
[ $failed -eq 0 ]
