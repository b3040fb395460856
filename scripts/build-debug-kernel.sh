#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Build the debug guest kernel (KASAN, UBSAN, lockdep, debug objects,
# kmemleak, fault injection) and potnpu.ko built in tree against it.
#
#   build-debug-kernel.sh              build (or bring up to date) and print
#                                      the output directory
#   build-debug-kernel.sh --print-dir  only print the output directory
#
# The configuration is "make allnoconfig" plus scripts/debug-kernel.config,
# a minimal set that boots our q35/TCG guest: Debian's full config would
# take hours on two cores. After olddefconfig every line of the fragment
# must have survived, or the build stops naming the ones that did not.
#
# The source tree is a hard-linked copy of linux-source-6.12 (from
# scripts/setup.sh) under $POTNPU_CACHE/debug-kernel/, with the repository's
# kernel/ linked in as drivers/accel/potnpu, the way scripts/test-kunit.sh
# does it. The build lives in
#   $POTNPU_CACHE/debug-kernel/<KSOURCE_VERSION>-<hash>/
# where the hash covers the fragment and this script, so the kernel is
# only rebuilt when either changes. Every run re-runs make, which rebuilds
# potnpu.ko incrementally when kernel/ changed. The directory holds
#   bzImage          the kernel
#   kernel.release   its release string
#   image/lib/modules/<release>/   the installed modules (potnpu.ko,
#                    gpu-sched.ko, drm_shmem_helper.ko) with modules.dep
set -euo pipefail
. "$(dirname "$0")/common.sh"
load_versions

FRAGMENT=$POTNPU_ROOT/scripts/debug-kernel.config
DK_ROOT=$POTNPU_CACHE/debug-kernel
DK_SRC=$DK_ROOT/src-$KSOURCE_VERSION
hash=$(cat "$FRAGMENT" "$0" | sha256sum | cut -c1-12)
OUT=$DK_ROOT/$KSOURCE_VERSION-$hash
BUILD=$OUT/build
MAKE=(make -C "$DK_SRC" O="$BUILD" ARCH=x86_64)

case "${1:-}" in
"") ;;
--print-dir) echo "$OUT"; exit 0 ;;
*) die "usage: $0 [--print-dir]" ;;
esac

[ -f "$KSRC/Makefile" ] || die "no kernel source in $KSRC: run scripts/setup.sh"

# Replace a file of the hard-linked tree without writing through the link
# into the pristine source.
replace_file() {
	local file=$1 tmp
	tmp=$(mktemp "$file.XXXXXX")
	cat >"$tmp"
	chmod 644 "$tmp"
	mv -f "$tmp" "$file"
}

prepare_tree() {
	if [ ! -e "$DK_SRC/.potnpu-copied" ]; then
		log "copying $KSRC to $DK_SRC (hard links)"
		rm -rf "$DK_SRC"
		cp -al "$KSRC" "$DK_SRC" 2>/dev/null || {
			rm -rf "$DK_SRC"
			cp -a "$KSRC" "$DK_SRC"
		}
		touch "$DK_SRC/.potnpu-copied"
	fi
	local link=$DK_SRC/drivers/accel/potnpu
	if [ "$(readlink "$link" 2>/dev/null)" != "$POTNPU_ROOT/kernel" ]; then
		rm -rf "$link"
		ln -s "$POTNPU_ROOT/kernel" "$link"
	fi
	local kconfig=$DK_SRC/drivers/accel/Kconfig
	local makefile=$DK_SRC/drivers/accel/Makefile
	if ! grep -q 'drivers/accel/potnpu/Kconfig' "$kconfig"; then
		awk '{ print } /^source "drivers\/accel\/qaic\/Kconfig"/ {
			print "source \"drivers/accel/potnpu/Kconfig\"" }' "$kconfig" |
			replace_file "$kconfig"
		grep -q 'drivers/accel/potnpu/Kconfig' "$kconfig" ||
			die "could not hook drivers/accel/Kconfig"
	fi
	if ! grep -q 'CONFIG_DRM_ACCEL_POTNPU' "$makefile"; then
		# shellcheck disable=SC2016 # a make variable, not a shell one
		{ cat "$makefile"; echo 'obj-$(CONFIG_DRM_ACCEL_POTNPU)		+= potnpu/'; } |
			replace_file "$makefile"
	fi
}

# Every "CONFIG_X=v" line of the fragment must be in .config as is; every
# "# CONFIG_X is not set" must not be enabled.
verify_config() {
	local cfg=$BUILD/.config line sym missing=0
	while IFS= read -r line; do
		case $line in
		CONFIG_*=*)
			grep -qxF "$line" "$cfg" && continue
			log "config: wanted '$line', got '$(grep -E "^(# )?${line%%=*}[= ]" "$cfg" || echo unset)'"
			missing=$(( missing + 1 )) ;;
		"# CONFIG_"*" is not set")
			sym=${line#\# }
			sym=${sym%% *}
			grep -qE "^$sym=" "$cfg" || continue
			log "config: wanted $sym off, got '$(grep -E "^$sym=" "$cfg")'"
			missing=$(( missing + 1 )) ;;
		esac
	done <"$FRAGMENT"
	[ "$missing" -eq 0 ] || die "$missing option(s) of $FRAGMENT not set after olddefconfig (see above)"
	log "config: every option of $(basename "$FRAGMENT") is set"
}

configure() {
	mkdir -p "$BUILD"
	if [ ! -e "$BUILD/.potnpu-configured" ]; then
		"${MAKE[@]}" KCONFIG_ALLCONFIG="$FRAGMENT" allnoconfig >/dev/null
		"${MAKE[@]}" olddefconfig >/dev/null
		touch "$BUILD/.potnpu-configured"
	fi
	verify_config
}

build() {
	nice -n 10 "${MAKE[@]}" -j2 bzImage modules
	rm -rf "$OUT/image.tmp"
	"${MAKE[@]}" -s INSTALL_MOD_PATH="$OUT/image.tmp" INSTALL_MOD_STRIP=1 \
		DEPMOD=/sbin/depmod modules_install
	rm -rf "$OUT/image"
	mv "$OUT/image.tmp" "$OUT/image"
	cp "$BUILD/arch/x86/boot/bzImage" "$OUT/bzImage"
	cp "$BUILD/include/config/kernel.release" "$OUT/kernel.release"
	local ko
	ko=$OUT/image/lib/modules/$(cat "$OUT/kernel.release")/kernel/drivers/accel/potnpu/potnpu.ko
	[ -f "$ko" ] || die "no $ko after the build"
	log "debug kernel $(cat "$OUT/kernel.release"): $OUT"
}

# One build at a time per tree: the source copy is shared by every checkout.
mkdir -p "$DK_ROOT"
exec 9>"$DK_ROOT/lock"
flock 9

stage debug-kernel-prepare prepare_tree
stage debug-kernel-config configure
stage debug-kernel-build build
echo "$OUT"
