#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Build the guest initramfs: busybox-static, the DRM modules our driver
# needs (from Debian's 6.12 image, decompressed), potnpu.ko, the firmware
# under /lib/firmware/potnpu/, our tools with their shared libraries, and the
# guest tests. The command to run is not baked in: run-guest.sh appends it as
# a second cpio archive, so one image serves `make run`, `make check` and
# `make shell`.
#
#   mkinitramfs.sh                 build/guest/initramfs.cpio for Debian's
#                                  kernel and kernel/potnpu.ko
#   mkinitramfs.sh --debug-kernel  build/guest/initramfs-debug.cpio for the
#                                  debug kernel (scripts/build-debug-kernel.sh
#                                  must have run) and its own potnpu.ko
set -euo pipefail
. "$(dirname "$0")/common.sh"
load_versions

OUT=$POTNPU_BUILD/guest
ROOT=$OUT/rootfs
IMAGE=$OUT/initramfs.cpio
MODULE=$POTNPU_ROOT/kernel/potnpu.ko
case "${1:-}" in
"") ;;
--debug-kernel)
	dk=$("$POTNPU_ROOT/scripts/build-debug-kernel.sh" --print-dir)
	[ -f "$dk/kernel.release" ] || die "no debug kernel in $dk: run scripts/build-debug-kernel.sh"
	KERNEL_RELEASE=$(cat "$dk/kernel.release")
	KIMAGE_ROOT=$dk/image
	MODULE=$KIMAGE_ROOT/lib/modules/$KERNEL_RELEASE/kernel/drivers/accel/potnpu/potnpu.ko
	ROOT=$OUT/rootfs-debug
	IMAGE=$OUT/initramfs-debug.cpio
	;;
*) die "usage: $0 [--debug-kernel]" ;;
esac
FIRMWARE=$POTNPU_BUILD/firmware/potnpu-fw.bin
USERSPACE=$POTNPU_BUILD/userspace
SELFTESTS=$POTNPU_BUILD/selftests
KMODDIR=$KIMAGE_ROOT/lib/modules/$KERNEL_RELEASE

for f in "$MODULE" "$FIRMWARE" "$USERSPACE/bin/potnpu-info" /bin/busybox; do
	[ -e "$f" ] || die "missing $f: build it first (make all)"
done

# Debian's image ships no modules.dep: generate it once in the cache.
[ -e "$KMODDIR/modules.dep" ] || depmod -b "$KIMAGE_ROOT" "$KERNEL_RELEASE"

rm -rf "$ROOT"
mkdir -p "$ROOT"/{bin,sbin,dev,proc,sys,tmp,run,etc,root,usr/bin,usr/sbin,usr/lib/potnpu/tests}
mkdir -p "$ROOT/lib/modules/$KERNEL_RELEASE/extra" "$ROOT/lib/firmware/potnpu"

install_busybox() {
	cp /bin/busybox "$ROOT/bin/busybox"
	local applet
	for applet in $(/bin/busybox --list-full); do
		[ -e "$ROOT/$applet" ] && continue
		mkdir -p "$ROOT/$(dirname "$applet")"
		ln -s /bin/busybox "$ROOT/$applet"
	done
}

# Copy a kernel module (and what it depends on) from Debian's image,
# decompressed, so busybox's modprobe never sees an .xz file (the debug
# kernel's modules are not compressed).
install_kernel_module() {
	local name=$1 path rel dst
	while read -r _ path _; do
		rel=${path#"$KIMAGE_ROOT"/}
		rel=${rel#./}
		dst=$ROOT/${rel%.xz}
		[ -e "$dst" ] && continue
		mkdir -p "$(dirname "$dst")"
		case $path in
		*.xz) xz -dc "$path" >"$dst" ;;
		*) cp "$path" "$dst" ;;
		esac
	done < <(modprobe -d "$KIMAGE_ROOT" -S "$KERNEL_RELEASE" --show-depends "$name" |
		grep '^insmod ')
}

install_modules() {
	local dep
	cp "$MODULE" "$ROOT/lib/modules/$KERNEL_RELEASE/extra/"
	for dep in $(modinfo -F depends "$MODULE" | tr ',' ' '); do
		install_kernel_module "$dep"
	done
	cp "$KMODDIR"/modules.builtin* "$KMODDIR/modules.order" \
		"$ROOT/lib/modules/$KERNEL_RELEASE/"
	depmod -b "$ROOT" "$KERNEL_RELEASE"
}

# Copy a host binary and its ldd closure to the same paths in the guest: the
# guest runs bookworm's own glibc.
install_binary() {
	local bin=$1 dst=$2 lib
	install -D -m 0755 "$bin" "$ROOT$dst"
	for lib in $(LD_LIBRARY_PATH=$USERSPACE/lib ldd "$bin" 2>/dev/null |
		grep -o '/[^ ]*'); do
		case $lib in
		"$USERSPACE"/lib/*) dst=/usr/lib/$(basename "$lib") ;;
		*) dst=$lib ;;
		esac
		[ -e "$ROOT$dst" ] || install -D -m 0755 "$(readlink -f "$lib")" "$ROOT$dst"
	done
}

install_userspace() {
	local b
	for b in "$USERSPACE"/bin/*; do
		install_binary "$b" "/usr/bin/$(basename "$b")"
	done
	if [ -d "$SELFTESTS" ]; then
		for b in "$SELFTESTS"/*; do
			[ -f "$b" ] && [ -x "$b" ] &&
				install_binary "$b" "/usr/lib/potnpu/tests/$(basename "$b")"
		done
	fi
	install -m 0755 "$POTNPU_ROOT"/tests/guest/*.sh "$ROOT/usr/lib/potnpu/tests/"
	# The ioctl fuzzer (tests/fuzz/ioctl), run by run-tests.sh.
	b=$POTNPU_BUILD/fuzz-ioctl/potnpu-ioctl-fuzz
	if [ -x "$b" ]; then
		install_binary "$b" /usr/lib/potnpu/tests/potnpu-ioctl-fuzz
	fi
}

# Compiled models with the accuracy test's float baseline (*.json) and the
# ONNX model they come from, the
# models of scripts/results.sh (models/results/, when it ran), and the
# Fashion-MNIST test set the main job and the tests run them on.
install_models() {
	local data=/usr/share/datasets/fashion-mnist f
	mkdir -p "$ROOT/usr/lib/potnpu/models/results"
	for f in "$POTNPU_BUILD"/models/*.bin "$POTNPU_BUILD"/models/*.json; do
		[ -f "$f" ] && install -m 0644 "$f" "$ROOT/usr/lib/potnpu/models/"
	done
	# The ONNX file the default model is compiled from: the float
	# baseline of potnpu-bench --onnx (tests/guest/main-job.sh).
	install -m 0644 "$POTNPU_ROOT"/models/fashion-mnist-cnn.onnx "$ROOT/usr/lib/potnpu/models/"
	for f in "$POTNPU_BUILD"/models/results/*.bin; do
		[ -f "$f" ] && install -m 0644 "$f" "$ROOT/usr/lib/potnpu/models/results/"
	done
	# potnpu-compile's generated test models (tests/guest/model-test.sh)
	mkdir -p "$ROOT/usr/lib/potnpu/compile-tests"
	for f in "$POTNPU_BUILD"/compile-tests/*.bin; do
		[ -f "$f" ] && install -m 0644 "$f" "$ROOT/usr/lib/potnpu/compile-tests/"
	done
	for f in "$data"/t10k-images-idx3-ubyte.gz "$data"/t10k-labels-idx1-ubyte.gz; do
		[ -f "$f" ] || continue
		mkdir -p "$ROOT$data"
		install -m 0644 "$f" "$ROOT$data/"
	done
}

install_busybox
install_modules
cp "$FIRMWARE" "$ROOT/lib/firmware/potnpu/"
install_userspace
install_models
install -m 0755 "$POTNPU_ROOT/tests/guest/init" "$ROOT/init"
echo "$KERNEL_RELEASE" >"$ROOT/etc/potnpu-kernel-release"

(cd "$ROOT" && find . -print0 | LC_ALL=C sort -z |
	cpio --null -o -H newc --quiet) >"$IMAGE.tmp"
mv "$IMAGE.tmp" "$IMAGE"
log "initramfs: $IMAGE ($(du -h "$IMAGE" | cut -f1))"
