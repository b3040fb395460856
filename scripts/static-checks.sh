#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Static checks as a test layer (TAP on stdout, details on stderr):
#  - potnpu.ko builds with W=1 without a warning and sparse (C=2) reports
#    nothing, with and without CONFIG_DRM_ACCEL_POTNPU_FAULT_INJECT;
#  - the kernel's checkpatch.pl --strict is clean on every kernel-side file;
#  - QEMU's checkpatch.pl is clean on the device model and its qtest.
# The kernel build runs on a scratch copy so the checks never disturb the
# normal build's objects.
set -uo pipefail
. "$(dirname "$0")/common.sh"
load_versions

n=0
failed=0
result() {	# result OK|FAIL description
	n=$((n + 1))
	if [ "$1" = OK ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		failed=1
	fi
}

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cp -r "$POTNPU_ROOT"/{Kbuild,kernel,uapi,include} "$scratch/"
find "$scratch" \( -name '*.o' -o -name '*.ko' -o -name '.*.cmd' \) -delete

kbuild() {	# kbuild LOGFILE extra make args...
	local logf=$1
	shift
	make -C "$KDIR" M="$scratch" -j2 "$@" modules >"$logf" 2>&1
}

# Both configurations: the distribution's (no fault injection) and the
# test builds' (scripts/build-module.sh, CONFIG_DRM_ACCEL_POTNPU_FAULT_INJECT).
for fi in n y; do
	what="kernel module, fault injection $fi"
	args=()
	[ "$fi" = y ] && args=(CONFIG_DRM_ACCEL_POTNPU_FAULT_INJECT=y)
	if kbuild "$scratch/w1-$fi.log" W=1 "${args[@]}"; then
		if grep -E 'warning:|error:' "$scratch/w1-$fi.log" >&2; then
			result FAIL "$what: builds W=1 without warnings"
		else
			result OK "$what: builds W=1 without warnings"
		fi
	else
		cat "$scratch/w1-$fi.log" >&2
		result FAIL "$what: builds W=1 without warnings"
	fi

	# C=2 re-checks every file; sparse prints only findings.
	if kbuild "$scratch/sparse-$fi.log" C=2 CHECK="sparse -Wno-unknown-attribute" \
		"${args[@]}" &&
	   ! grep -E '^[^ ]+:[0-9]+:[0-9]+: (warning|error)' "$scratch/sparse-$fi.log" >&2; then
		result OK "$what: sparse clean"
	else
		result FAIL "$what: sparse clean"
	fi
done

checkpatch() {	# checkpatch SCRIPT FLAGS... -- FILES...
	local script=$1 f out
	shift
	local flags=()
	while [ "$1" != -- ]; do flags+=("$1"); shift; done
	shift
	for f in "$@"; do
		out=$(cd "$POTNPU_ROOT" && perl "$script" "${flags[@]}" -f "$f" 2>&1)
		if [ $? -eq 0 ]; then
			result OK "checkpatch $f"
		else
			printf '%s\n' "$out" >&2
			result FAIL "checkpatch $f"
		fi
	done
}

cd "$POTNPU_ROOT" || exit 1
mapfile -t kfiles < <(git ls-files -co --exclude-standard 'kernel/*.c' 'kernel/*.h')
checkpatch "$KSRC/scripts/checkpatch.pl" --strict --no-tree --quiet -- "${kfiles[@]}"
# Headers shared with userspace, QEMU and firmware cannot use the kernel's
# BIT() macro, as no uapi header does.
mapfile -t sfiles < <(git ls-files -co --exclude-standard 'uapi/*.h' 'include/potnpu/*.h' \
	'include/potnpu/*.c')
checkpatch "$KSRC/scripts/checkpatch.pl" --strict --no-tree --quiet \
	--ignore BIT_MACRO -- "${sfiles[@]}"

mapfile -t qfiles < <(git ls-files 'qemu-device/*.c' 'qemu-device/*.h' 2>/dev/null)
checkpatch "$QEMU_SRC/scripts/checkpatch.pl" --no-tree --terse -- "${qfiles[@]}"

echo "1..$n"
exit $failed
