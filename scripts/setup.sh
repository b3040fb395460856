#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Install and fetch everything potnpu needs on a Debian bookworm machine:
# apt sources, packages, QEMU 10.0 source (trixie), the newest Linux 6.12
# image + matching headers, and linux-source-6.12. Idempotent: when all is
# present it only checks stamps and returns within a second or two.
set -euo pipefail
. "$(dirname "$0")/common.sh"

APT_SOURCES=/etc/apt/sources.list.d/potnpu.sources

PACKAGES=(
	build-essential bc flex bison pkg-config python3-venv ninja-build
	libglib2.0-dev libpixman-1-dev libfdt-dev dpkg-dev rsync kmod
	busybox-static cpio xz-utils zstd seabios qemu-system-data
	gcc-riscv64-unknown-elf picolibc-riscv64-unknown-elf
	libdrm-dev libjson-c-dev libcmocka-dev zlib1g-dev sparse dwarves libelf-dev libssl-dev
	clang libclang-rt-dev llvm
	protobuf-c-compiler libprotobuf-c-dev libonnx-dev libonnx-testdata
	dataset-fashion-mnist
	linux-source-6.12
)
BACKPORTS_PACKAGES=(meson python3-pycotap)

as_root() {
	if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

setup_apt_sources() {
	# Backports as binaries (meson, pycotap for QEMU 10); trixie as source only:
	# never install trixie binaries on bookworm.
	local want
	want=$(cat <<-'SRC'
	Types: deb
	URIs: http://deb.debian.org/debian
	Suites: bookworm-backports
	Components: main
	Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

	Types: deb-src
	URIs: http://deb.debian.org/debian
	Suites: trixie
	Components: main
	Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
	SRC
	)
	if [ "$(cat "$APT_SOURCES" 2>/dev/null)" != "$want" ]; then
		log "adding $APT_SOURCES (bookworm-backports, trixie deb-src)"
		printf '%s\n' "$want" | as_root tee "$APT_SOURCES" >/dev/null
		rm -f "$POTNPU_CACHE/.apt-updated"
	fi
}

apt_update_once() {
	mkdir -p "$POTNPU_CACHE"
	# Refresh the lists at most once a day: versions are resolved from them.
	if [ -z "$(find "$POTNPU_CACHE/.apt-updated" -mmin -1440 2>/dev/null)" ]; then
		log "apt-get update"
		as_root apt-get update -q >/dev/null || die "apt-get update failed"
		touch "$POTNPU_CACHE/.apt-updated"
	fi
}

missing_packages() {
	local p
	for p in "$@"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
			grep -q 'install ok installed' || echo "$p"
	done
}

install_packages() {
	local missing bp_missing
	missing=$(missing_packages "${PACKAGES[@]}")
	bp_missing=$(missing_packages "${BACKPORTS_PACKAGES[@]}")
	# bookworm's own meson (1.0) is too old for QEMU 10: require backports'.
	if [ -z "$bp_missing" ] &&
	   dpkg --compare-versions "$(dpkg-query -W -f='${Version}' meson)" lt 1.5; then
		bp_missing=meson
	fi
	[ -z "$missing$bp_missing" ] && return 0
	apt_update_once
	if [ -n "$missing" ]; then
		log "installing:" $missing
		# shellcheck disable=SC2086
		DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -q \
			--no-install-recommends $missing >/dev/null ||
			die "apt-get install failed for: $missing"
	fi
	if [ -n "$bp_missing" ]; then
		log "installing from bookworm-backports:" $bp_missing
		# shellcheck disable=SC2086
		DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -q \
			--no-install-recommends -t bookworm-backports $bp_missing >/dev/null ||
			die "apt-get install -t bookworm-backports failed for: $bp_missing"
	fi
}

# Newest linux-image-6.12.N+deb12-amd64-unsigned with its headers, -common
# and kbuild all available at the same version.
resolve_kernel() {
	local rel
	apt-cache search --names-only '^linux-image-6\.12\.[0-9]+\+deb12-amd64-unsigned$' |
		sed -n 's/^linux-image-\(6\.12\.[0-9]*+deb12\)-amd64-unsigned .*/\1/p' |
		sort -V -r | while read -r rel; do
		if apt-cache show "linux-headers-$rel-amd64" "linux-headers-$rel-common" \
			"linux-kbuild-$rel" >/dev/null 2>&1; then
			echo "$rel-amd64"
			return 0
		fi
	done
}

fetch_kernel() {
	local rel=$1 base=${1%-amd64} dir=$POTNPU_CACHE/linux/$1 tmp
	[ -e "$dir/.done" ] && return 0
	log "fetching Linux $rel image and headers"
	rm -rf "$dir"
	tmp=$(mktemp -d)
	(cd "$tmp" && apt-get download -q -o APT::Sandbox::User=root "linux-image-$rel-unsigned" \
		"linux-headers-$rel" "linux-headers-$base-common" "linux-kbuild-$base" \
		>/dev/null) || die "apt-get download of Linux $rel failed"
	mkdir -p "$dir/image" "$dir/headers"
	dpkg-deb -x "$tmp"/linux-image-*.deb "$dir/image"
	local d
	for d in "$tmp"/linux-headers-*.deb "$tmp"/linux-kbuild-*.deb; do
		dpkg-deb -x "$d" "$dir/headers"
	done
	rm -rf "$tmp"
	# The arch headers' Makefile includes the -common tree by absolute path:
	# point it into our prefix instead of the host's /usr/src.
	sed -i "s|^include /usr/src/|include $dir/headers/usr/src/|" \
		"$dir/headers/usr/src/linux-headers-$rel/Makefile"
	[ -f "$dir/image/boot/vmlinuz-$rel" ] || die "no vmlinuz in linux-image-$rel"
	touch "$dir/.done"
}

extract_kernel_source() {
	local ver dir tarball
	ver=$(dpkg-query -W -f='${Version}' linux-source-6.12)
	dir=$POTNPU_CACHE/linux/source-$ver
	KSOURCE_VERSION=$ver
	[ -e "$dir/.done" ] && return 0
	tarball=$(ls /usr/src/linux-source-6.12.tar.* 2>/dev/null | head -n 1)
	[ -n "$tarball" ] || die "linux-source-6.12 installed but no tarball in /usr/src"
	log "extracting $tarball"
	rm -rf "$dir"
	mkdir -p "$dir"
	tar -xf "$tarball" -C "$dir"
	touch "$dir/.done"
}

fetch_qemu_source() {
	local ver dir tmp
	ver=$(apt-cache showsrc qemu 2>/dev/null |
		sed -n 's/^Version: \(1:\)\?\(10\.0\.[^ ]*\)$/\2/p' | sort -V | tail -n 1)
	[ -n "$ver" ] || die "no QEMU 10.0 source package found (is trixie deb-src reachable?)"
	QEMU_VERSION=${ver%%+*}
	dir=$POTNPU_CACHE/qemu/src-$QEMU_VERSION
	[ -e "$dir/.done" ] && return 0
	log "fetching QEMU $ver source from trixie"
	tmp=$(mktemp -d)
	(cd "$tmp" && apt-get source -q -o APT::Sandbox::User=root "qemu=1:$ver" >/dev/null 2>&1) ||
		die "apt-get source qemu=1:$ver failed"
	rm -rf "$dir"
	mkdir -p "$(dirname "$dir")"
	mv "$tmp"/qemu-*/ "$dir"
	rm -rf "$tmp"
	touch "$dir/.done"
}

main() {
	setup_apt_sources
	install_packages
	mkdir -p "$POTNPU_CACHE"
	# Resolving versions needs current lists only the first time; later runs
	# reuse what was recorded so an offline rerun still works.
	if [ ! -r "$POTNPU_VERSIONS" ] || [ -n "${POTNPU_REFRESH:-}" ]; then
		apt_update_once
		KERNEL_RELEASE=$(resolve_kernel)
		[ -n "$KERNEL_RELEASE" ] || die "no linux-image-6.12.*+deb12-amd64-unsigned with matching headers in the archive"
		fetch_qemu_source
	else
		# shellcheck source=/dev/null
		. "$POTNPU_VERSIONS"
		[ -e "$POTNPU_CACHE/qemu/src-$QEMU_VERSION/.done" ] || fetch_qemu_source
	fi
	fetch_kernel "$KERNEL_RELEASE"
	extract_kernel_source
	cat >"$POTNPU_VERSIONS.tmp" <<-VERS
	QEMU_VERSION=$QEMU_VERSION
	KERNEL_RELEASE=$KERNEL_RELEASE
	KSOURCE_VERSION=$KSOURCE_VERSION
	VERS
	mv "$POTNPU_VERSIONS.tmp" "$POTNPU_VERSIONS"
	log "setup ok: QEMU $QEMU_VERSION, Linux $KERNEL_RELEASE, linux-source $KSOURCE_VERSION"
}

main "$@"
