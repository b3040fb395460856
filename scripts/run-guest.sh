#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Boot the potnpu guest in QEMU (TCG, q35, qboot) with potnpu devices
# attached and run one command in it.
#
#   run-guest.sh [--devices N] [--deterministic] [--log FILE] [--results FILE]
#                [--timeout S] [--hotplug-devices N [--native-hotplug]]
#                [--qmp SOCKET] [--debug-kernel] -- CMD...
#   run-guest.sh --shell [--devices N] [--debug-kernel]
#
# --debug-kernel boots the debug kernel (scripts/build-debug-kernel.sh) with
# build/guest/initramfs-debug.cpio (mkinitramfs.sh --debug-kernel) instead
# of Debian's kernel.
#
# CMD runs as a shell command line in the guest; its output is shown and
# saved. The exit status is the guest command's own, read from the results
# port's final "potnpu-guest-exit: N" line; a guest that never wrote that
# line (crash, panic, hang until the timeout) yields 125.
#
# --hotplug-devices N adds N more potnpu devices, each behind its own
# pcie-root-port (QEMU ids rp1.. and hp1..), so that they can be removed and
# added back (device_del/device_add) through the QMP socket --qmp opens;
# devices on pcie.0 itself cannot be unplugged. The guest handles those
# slots through ACPI (acpiphp), or with --native-hotplug through the root
# ports' own PCIe hotplug (pciehp).
set -euo pipefail
. "$(dirname "$0")/common.sh"
load_versions

devices=1
hotplug_devices=0
native_hotplug=0
qmp=
shell=0
timeout_s=${POTNPU_GUEST_TIMEOUT:-600}
log_file=$POTNPU_BUILD/guest/console.log
results=$POTNPU_BUILD/guest/results.log
quiet=0
icount=0
debug_kernel=0
while [ $# -gt 0 ]; do
	case $1 in
	--devices) devices=$2; shift 2 ;;
	--hotplug-devices) hotplug_devices=$2; shift 2 ;;
	--qmp) qmp=$2; shift 2 ;;
	--native-hotplug) native_hotplug=1; shift ;;
	--log) log_file=$2; shift 2 ;;
	--results) results=$2; shift 2 ;;
	--timeout) timeout_s=$2; shift 2 ;;
	--quiet) quiet=1; shift ;;
	# Virtual time from the instruction count, not the host clock: the
	# device (whose only clock is the virtual clock) then behaves the same
	# on every run, however loaded the host is.
	--deterministic) icount=1; shift ;;
	--shell) shell=1; shift ;;
	--debug-kernel) debug_kernel=1; shift ;;
	--) shift; break ;;
	*) die "unknown option $1 (see the header of $0)" ;;
	esac
done
[ $shell = 1 ] || [ $# -gt 0 ] || die "no guest command given"

QEMU=$QEMU_BUILD/qemu-system-x86_64
KERNEL=$KIMAGE_ROOT/boot/vmlinuz-$KERNEL_RELEASE
BASE_INITRD=$POTNPU_BUILD/guest/initramfs.cpio
cmdline="console=ttyS0 quiet loglevel=4 panic=-1"
if [ $debug_kernel = 1 ]; then
	KERNEL=$("$POTNPU_ROOT/scripts/build-debug-kernel.sh" --print-dir)/bzImage
	BASE_INITRD=$POTNPU_BUILD/guest/initramfs-debug.cpio
	# Every KASAN report, not only the first one; a log large enough
	# for the tests' noise and every report.
	cmdline+=" kasan_multi_shot log_buf_len=8M"
fi
for f in "$QEMU" "$KERNEL" "$BASE_INITRD"; do
	[ -e "$f" ] || die "missing $f: run 'make all' first"
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The command travels as a second cpio archive appended to the base one; the
# kernel unpacks both into the same rootfs.
initrd=$BASE_INITRD
if [ $shell = 0 ]; then
	mkdir -p "$work/cmd"
	{
		echo '#!/bin/sh'
		printf '%s\n' "$*"
	} >"$work/cmd/cmd.sh"
	chmod 0755 "$work/cmd/cmd.sh"
	(cd "$work/cmd" && echo cmd.sh | cpio -o -H newc --quiet) >"$work/cmd.cpio"
	cat "$BASE_INITRD" "$work/cmd.cpio" >"$work/initrd.cpio"
	initrd=$work/initrd.cpio
fi

args=(-M q35 -accel tcg -m 1G -smp 1
	-bios /usr/share/qemu/qboot.rom -L /usr/share/qemu -L /usr/share/seabios
	-no-reboot -net none -vga none
	-kernel "$KERNEL" -initrd "$initrd"
	-append "$cmdline")
[ $icount = 0 ] || args+=(-icount shift=4,sleep=off -rtc clock=vm)
for _ in $(seq 1 "$devices"); do
	args+=(-device potnpu)
done
for i in $(seq 1 "$hotplug_devices"); do
	args+=(-device "pcie-root-port,id=rp$i,bus=pcie.0,chassis=$i,slot=$i"
		-device "potnpu,id=hp$i,bus=rp$i")
done
[ $native_hotplug = 0 ] ||
	args+=(-global ICH9-LPC.acpi-pci-hotplug-with-bridge-support=off)
[ -z "$qmp" ] || args+=(-qmp "unix:$qmp,server=on,wait=off")

if [ $shell = 1 ]; then
	exec "$QEMU" "${args[@]}" -nographic -serial mon:stdio -serial null
fi

mkdir -p "$(dirname "$log_file")" "$(dirname "$results")"
: >"$results"
args+=(-display none -monitor none -chardev "file,id=results,path=$results"
	-serial stdio -serial chardev:results)
set +e
if [ $quiet = 1 ]; then
	timeout --foreground -k 10 "$timeout_s" "$QEMU" "${args[@]}" </dev/null >"$log_file" 2>&1
else
	timeout --foreground -k 10 "$timeout_s" "$QEMU" "${args[@]}" </dev/null 2>&1 | tee "$log_file"
fi
set -e

status=$(tr -d '\r' <"$results" | sed -n 's/^potnpu-guest-exit: \([0-9]\+\)$/\1/p' | tail -n 1)
if [ -z "$status" ]; then
	log "guest did not report an exit status (crash, panic or timeout after ${timeout_s}s); console log: $log_file"
	exit 125
fi
exit "$status"
