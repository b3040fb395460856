#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Build the potnpu kernel module, kernel/potnpu.ko, out of tree against the
# Debian 6.12 headers fetched by scripts/setup.sh.
#
#   scripts/build-module.sh           build
#   scripts/build-module.sh --check   build from scratch with W=1 and sparse
#                                     (C=2), run checkpatch --strict on every
#                                     kernel file; any warning fails
#   scripts/build-module.sh --clean   remove the build products
#
# The module has the fault injection hooks
# (CONFIG_DRM_ACCEL_POTNPU_FAULT_INJECT) unless POTNPU_FAULT_INJECT=0.
set -euo pipefail
. "$(dirname "$0")/common.sh"

usage() { echo "usage: $0 [--check | --clean]" >&2; exit 2; }

mode=build
case "${1:-}" in
"") ;;
--check) mode=check ;;
--clean) mode=clean ;;
*) usage ;;
esac
[ $# -le 1 ] || usage

load_versions
if [ ! -f "$KDIR/Makefile" ] || [ ! -f "$KDIR/Module.symvers" ]; then
	die "kernel headers for $KERNEL_RELEASE missing in $KDIR: run scripts/setup.sh"
fi

MAKE_ARGS=(-C "$KDIR" M="$POTNPU_ROOT" -j2)
# This module is the one the guest tests load (make check, make run): with
# the debugfs fault injection hooks, unless POTNPU_FAULT_INJECT=0.
if [ "${POTNPU_FAULT_INJECT:-1}" != 0 ]; then
	MAKE_ARGS+=(CONFIG_DRM_ACCEL_POTNPU_FAULT_INJECT=y)
fi
# Module BTF needs pahole (package dwarves). Without it the final link of
# the .ko fails, so build without BTF: the module loads the same, only
# BPF programs cannot see its types.
if ! command -v pahole >/dev/null 2>&1; then
	log "pahole not installed: building without module BTF"
	MAKE_ARGS+=(CONFIG_DEBUG_INFO_BTF_MODULES=)
fi

KFILES=$(cd "$POTNPU_ROOT" && git ls-files -co --exclude-standard \
	Kbuild 'kernel/*.c' 'kernel/*.h' kernel/Kbuild kernel/Kconfig | sort -u)

build() {
	make "${MAKE_ARGS[@]}" modules
	[ -f "$POTNPU_ROOT/kernel/potnpu.ko" ] || die "no kernel/potnpu.ko after the build"
	log "built $POTNPU_ROOT/kernel/potnpu.ko for $KERNEL_RELEASE"
}

# Every compiler, sparse or checkpatch diagnostic is an error here.
check() {
	local out=$POTNPU_BUILD/build-module-check.log rc=0 f
	mkdir -p "$POTNPU_BUILD"
	make "${MAKE_ARGS[@]}" clean >/dev/null
	log "build with W=1 and sparse (C=2)"
	# Kbuild prints its progress lines (CC, LD, CHECK, ...) indented by two
	# spaces; everything else is a diagnostic.
	if ! make "${MAKE_ARGS[@]}" W=1 C=2 CHECK=sparse modules >"$out" 2>&1; then
		cat "$out" >&2
		die "build failed"
	fi
	if grep -vE '^  [A-Z]|^make(\[[0-9]+\])?: (Entering|Leaving) directory' "$out" |
		grep -v '^$' >"$out.diag"; then
		cat "$out.diag" >&2
		rc=1
		log "compiler or sparse diagnostics above"
	fi
	grep -q 'CHECK .*potnpu_drv.c' "$out" || die "sparse did not run"

	[ -x "$KSRC/scripts/checkpatch.pl" ] ||
		die "no checkpatch.pl in $KSRC: run scripts/setup.sh"
	log "checkpatch --strict on $(echo "$KFILES" | wc -w) files"
	for f in $KFILES; do
		if ! (cd "$POTNPU_ROOT" && perl "$KSRC/scripts/checkpatch.pl" --strict \
			--no-tree --quiet --show-types --ignore FILE_PATH_CHANGES \
			-f "$f"); then
			rc=1
		fi
	done
	[ "$rc" -eq 0 ] || die "--check found problems"
	[ -f "$POTNPU_ROOT/kernel/potnpu.ko" ] || die "no kernel/potnpu.ko after the build"
	log "check clean: W=1, sparse, checkpatch --strict"
}

case $mode in
build) stage build-module build ;;
check) stage build-module-check check ;;
clean) make "${MAKE_ARGS[@]}" clean ;;
esac
