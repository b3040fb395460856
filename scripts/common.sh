# SPDX-License-Identifier: MIT
# Shared shell helpers for potnpu's scripts: cache locations, logging and
# stage timing. Sourced, never executed.

POTNPU_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
POTNPU_CACHE=${POTNPU_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/potnpu}
POTNPU_BUILD=${POTNPU_BUILD:-$POTNPU_ROOT/build}
export POTNPU_ROOT POTNPU_CACHE POTNPU_BUILD

# The versions resolved by setup.sh are recorded here so that every other
# script uses exactly what setup fetched.
POTNPU_VERSIONS=$POTNPU_CACHE/versions.env

log() { printf '[potnpu] %s\n' "$*" >&2; }
die() { printf '[potnpu] error: %s\n' "$*" >&2; exit 1; }

# stage NAME CMD...: run CMD and print how long it took, so slow stages are
# visible in every log.
stage() {
	local name=$1 start rc
	shift
	start=$(date +%s)
	log "stage $name: start"
	"$@"
	rc=$?
	log "stage $name: $(( $(date +%s) - start ))s (exit $rc)"
	return $rc
}

load_versions() {
	[ -r "$POTNPU_VERSIONS" ] || die "no $POTNPU_VERSIONS: run scripts/setup.sh first"
	# shellcheck source=/dev/null
	. "$POTNPU_VERSIONS"
	QEMU_SRC=$POTNPU_CACHE/qemu/src-$QEMU_VERSION
	QEMU_BUILD=$POTNPU_CACHE/qemu/build-$QEMU_VERSION
	KDIR=$POTNPU_CACHE/linux/$KERNEL_RELEASE/headers/usr/src/linux-headers-$KERNEL_RELEASE
	KIMAGE_ROOT=$POTNPU_CACHE/linux/$KERNEL_RELEASE/image
	KSRC=$POTNPU_CACHE/linux/source-$KSOURCE_VERSION/linux-source-6.12
	export QEMU_VERSION QEMU_SRC QEMU_BUILD KERNEL_RELEASE KDIR KIMAGE_ROOT \
		KSOURCE_VERSION KSRC
}
