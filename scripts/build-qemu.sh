#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Build qemu-system-x86_64 with the potnpu device, and the potnpu qtest.
#
#   scripts/build-qemu.sh [--sanitize]
#
# --sanitize (or POTNPU_QEMU_SANITIZE=1): build the same QEMU with ASan and
# UBSan (--enable-asan --enable-ubsan) into its own tree,
# $POTNPU_CACHE/qemu/build-san-$QEMU_VERSION, cached and incremental like
# the normal one; the fuzzer (qemu-device/tests/potnpu-fuzz-test.c) runs
# against it. Both trees share the synced source.
#
# Idempotent and incremental:
#   1. sync:      qemu-device/ -> $QEMU_SRC/hw/potnpu/ and include/potnpu/*.h
#                 -> $QEMU_SRC/hw/potnpu/include/potnpu/ (rsync --checksum,
#                 so unchanged files keep their mtime and are not rebuilt);
#   2. hook:      wire hw/potnpu into QEMU's Kconfig, meson and trace files,
#                 the devices config and the qtest list (each edit is applied
#                 once, recognised afterwards by its marker comment);
#   3. configure: only when $QEMU_BUILD is not configured yet or the flags
#                 changed (stamp file);
#   4. build:     ninja qemu-system-x86_64, tests/qtest/potnpu-test and
#                 tests/qtest/potnpu-fuzz-test.
#
# Output: $QEMU_BUILD/qemu-system-x86_64,
# $QEMU_BUILD/tests/qtest/potnpu-test and tests/qtest/potnpu-fuzz-test
# (build-san-* for --sanitize). Timings are printed per stage.

set -euo pipefail

# shellcheck source=scripts/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
load_versions

SANITIZE=${POTNPU_QEMU_SANITIZE:-0}
case ${1:-} in
--sanitize) SANITIZE=1 ;;
"") ;;
*) die "usage: build-qemu.sh [--sanitize]" ;;
esac

MARKER="potnpu: hooked by scripts/build-qemu.sh"
DEVICE_SRC=$POTNPU_ROOT/qemu-device
DEVICE_DST=$QEMU_SRC/hw/potnpu
JOBS=${POTNPU_JOBS:-2}

CONFIGURE_FLAGS=(
	--python=/usr/bin/python3
	--target-list=x86_64-softmmu
	--without-default-features
	--without-default-devices
	--with-devices-x86_64=potnpu
	--disable-docs
	--disable-install-blobs
	--enable-werror
)
CONFIGURE_LOG=$POTNPU_CACHE/qemu/configure.log
if [ "$SANITIZE" = 1 ]; then
	QEMU_BUILD=$POTNPU_CACHE/qemu/build-san-$QEMU_VERSION
	CONFIGURE_LOG=$POTNPU_CACHE/qemu/configure-san.log
	CONFIGURE_FLAGS+=(--enable-asan --enable-ubsan)
fi

[ -f "$QEMU_SRC/meson.build" ] || die "no QEMU source in $QEMU_SRC: run scripts/setup.sh"
[ -f "$DEVICE_SRC/potnpu.c" ] || die "no $DEVICE_SRC/potnpu.c"
command -v rsync >/dev/null || die "rsync not installed: run scripts/setup.sh"
command -v ninja >/dev/null || die "ninja not installed: run scripts/setup.sh"

# Several scripts may build at the same time (tests, guest images): one
# build of the shared tree at a time.
mkdir -p "$POTNPU_CACHE/qemu"
exec 9>"$POTNPU_CACHE/qemu/build.lock"
flock 9

sync_sources() {
	mkdir -p "$DEVICE_DST/include/potnpu"
	# No -t: a copied file gets a new mtime, a skipped one keeps its own.
	rsync -r --checksum --delete --exclude=/include/ \
		"$DEVICE_SRC/" "$DEVICE_DST/"
	rsync -r --checksum --delete --include='*.h' --exclude='*' \
		"$POTNPU_ROOT/include/potnpu/" "$DEVICE_DST/include/potnpu/"
}

# install_if_changed SRC DST: copy only when the content differs.
install_if_changed() {
	cmp -s "$1" "$2" 2>/dev/null || cp "$1" "$2"
}

# hook_insert FILE TAG ANCHOR_REGEX before|after TEXT: insert TEXT, headed
# by a "$MARKER (TAG)" comment, before or after the first line matching
# ANCHOR_REGEX, unless that marker is already in FILE.
hook_insert() {
	local file=$1 tag=$2 anchor=$3 where=$4 text=$5
	grep -qF "$MARKER ($tag)" "$file" && return 0
	/usr/bin/python3 - "$file" "# $MARKER ($tag)" "$anchor" "$where" "$text" <<'EOF'
import os
import re
import sys

path, comment, anchor, where, text = sys.argv[1:]
with open(path) as f:
    lines = f.read().split('\n')
for i, line in enumerate(lines):
    if re.search(anchor, line):
        break
else:
    sys.exit('%s: anchor /%s/ not found' % (path, anchor))
new = text.split('\n')
indent = new[0][:len(new[0]) - len(new[0].lstrip())]
at = i if where == 'before' else i + 1
lines[at:at] = [indent + comment] + new
with open(path + '.potnpu-tmp', 'w') as f:
    f.write('\n'.join(lines))
os.replace(path + '.potnpu-tmp', path)
EOF
}

hook_tree() {
	# Kconfig: make CONFIG_POTNPU known.
	hook_insert "$QEMU_SRC/hw/Kconfig" kconfig '^source misc/Kconfig$' after \
		'source potnpu/Kconfig'

	# meson: build hw/potnpu.
	hook_insert "$QEMU_SRC/hw/meson.build" meson "^subdir\('misc'\)$" after \
		"subdir('potnpu')"

	# Our trace-events file.
	hook_insert "$QEMU_SRC/meson.build" trace '^authz_ss = ss.source_set\(\)$' before \
"if have_system
  trace_events_subdirs += [ 'hw/potnpu' ]
endif
"

	# The Debian +ds source has no edk2 blobs to unpack: never try.
	hook_insert "$QEMU_SRC/meson.build" edk2 '^    unpack_edk2_blobs = bzip2.found\(\)$' after \
		'    unpack_edk2_blobs = false'

	# Devices config used by --with-devices-x86_64=potnpu.
	install_if_changed "$DEVICE_SRC/potnpu.mak" \
		"$QEMU_SRC/configs/devices/x86_64-softmmu/potnpu.mak"

	# qtest: tests/qtest builds <name>.c from its own directory.
	if [ "$(readlink "$QEMU_SRC/tests/qtest/potnpu-test.c" 2>/dev/null)" != \
	     ../../hw/potnpu/tests/potnpu-test.c ]; then
		ln -sfn ../../hw/potnpu/tests/potnpu-test.c \
			"$QEMU_SRC/tests/qtest/potnpu-test.c"
	fi
	hook_insert "$QEMU_SRC/tests/qtest/meson.build" qtest '^qtest_executables = \{\}$' before \
"if config_all_devices.has_key('CONFIG_POTNPU')
  qtests_x86_64 += ['potnpu-test']
  qtests += {'potnpu-test': [potnpu_dep]}
endif
"
	# The fuzzer: built like a qtest (scripts/test-qtest.sh runs it
	# against the sanitized build).
	if [ "$(readlink "$QEMU_SRC/tests/qtest/potnpu-fuzz-test.c" 2>/dev/null)" != \
	     ../../hw/potnpu/tests/potnpu-fuzz-test.c ]; then
		ln -sfn ../../hw/potnpu/tests/potnpu-fuzz-test.c \
			"$QEMU_SRC/tests/qtest/potnpu-fuzz-test.c"
	fi
	hook_insert "$QEMU_SRC/tests/qtest/meson.build" fuzz '^qtest_executables = \{\}$' before \
"if config_all_devices.has_key('CONFIG_POTNPU')
  qtests_x86_64 += ['potnpu-fuzz-test']
  qtests += {'potnpu-fuzz-test': [potnpu_dep]}
endif
"
}

configure_qemu() {
	local stamp=$QEMU_BUILD/.potnpu-configure-flags
	local want
	want=$(printf '%s\n' "$QEMU_SRC" "${CONFIGURE_FLAGS[@]}")
	if [ -f "$QEMU_BUILD/build.ninja" ] && [ -f "$stamp" ] &&
	   [ "$(cat "$stamp")" = "$want" ]; then
		log "configure: $QEMU_BUILD is up to date"
		return 0
	fi
	if [ -e "$QEMU_BUILD" ]; then
		log "configure: flags changed or configure incomplete: starting afresh"
		rm -rf "$QEMU_BUILD"
	fi
	mkdir -p "$QEMU_BUILD"
	(cd "$QEMU_BUILD" && "$QEMU_SRC/configure" "${CONFIGURE_FLAGS[@]}") \
		>"$CONFIGURE_LOG" 2>&1 || {
		tail -n 40 "$CONFIGURE_LOG" >&2
		die "QEMU configure failed (full log: $CONFIGURE_LOG)"
	}
	printf '%s\n' "$want" >"$stamp"
}

build_qemu() {
	ninja -C "$QEMU_BUILD" -j"$JOBS" qemu-system-x86_64 \
		tests/qtest/potnpu-test tests/qtest/potnpu-fuzz-test
}

total_start=$(date +%s)
stage sync sync_sources
stage hook hook_tree
stage configure configure_qemu
stage build build_qemu
[ -x "$QEMU_BUILD/qemu-system-x86_64" ] || die "no $QEMU_BUILD/qemu-system-x86_64 after build"
log "build-qemu: total $(( $(date +%s) - total_start ))s"
