#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Run the potnpu driver's KUnit tests with kunit.py on UML and print the
# results as flat TAP on stdout: one "ok N - suite.test" or
# "not ok N - suite.test" line per test case, then the "1..N" plan.
# Everything else (kunit.py's own output, build logs) goes to stderr.
#
# The kernel tree is a hard-linked copy of the pristine linux-source-6.12
# (scripts/setup.sh extracts it) under $POTNPU_CACHE/kunit/, with kernel/
# linked in as drivers/accel/potnpu and hooked into drivers/accel/Kconfig
# and Makefile. The tree and the build directory are kept, so the second
# run only rebuilds what changed.
#
# Exit status: 0 when kunit.py succeeded, at least one test ran and no test
# failed; 1 otherwise.
set -euo pipefail
. "$(dirname "$0")/common.sh"
load_versions

KUNIT_ROOT=$POTNPU_CACHE/kunit/$KSOURCE_VERSION
KUNIT_SRC=$KUNIT_ROOT/src
KUNIT_BUILD=$KUNIT_ROOT/build
KUNITCONFIG=$POTNPU_ROOT/kernel/.kunitconfig
JOBS=2

[ -f "$KSRC/Makefile" ] || die "no kernel source in $KSRC: run scripts/setup.sh"

# Replace a file of the hard-linked tree without writing through the link
# into the pristine source: write a new file, rename it over the old one.
replace_file() {
	local file=$1 tmp
	tmp=$(mktemp "$file.XXXXXX")
	cat >"$tmp"
	chmod 644 "$tmp"
	mv -f "$tmp" "$file"
}

prepare_tree() {
	if [ ! -e "$KUNIT_SRC/.potnpu-copied" ]; then
		log "copying $KSRC to $KUNIT_SRC (hard links)"
		rm -rf "$KUNIT_SRC"
		# Hard links need one file system; a real copy works anywhere.
		cp -al "$KSRC" "$KUNIT_SRC" 2>/dev/null || {
			rm -rf "$KUNIT_SRC"
			cp -a "$KSRC" "$KUNIT_SRC"
		}
		touch "$KUNIT_SRC/.potnpu-copied"
	fi

	# drivers/accel/potnpu -> the repository's kernel/ directory.
	local link=$KUNIT_SRC/drivers/accel/potnpu
	if [ "$(readlink "$link" 2>/dev/null)" != "$POTNPU_ROOT/kernel" ]; then
		rm -rf "$link"
		ln -s "$POTNPU_ROOT/kernel" "$link"
	fi

	# Hooks, applied once: the files are only replaced when they lack them.
	local kconfig=$KUNIT_SRC/drivers/accel/Kconfig
	local makefile=$KUNIT_SRC/drivers/accel/Makefile
	if ! grep -q 'drivers/accel/potnpu/Kconfig' "$kconfig"; then
		# Source ours right after the last driver's, inside "if DRM".
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

# kunit.py --json output -> flat TAP on stdout; exit 1 on failures or when
# nothing ran.
json_to_tap() {
	/usr/bin/python3 - "$1" <<'PY'
import json, re, sys

try:
    with open(sys.argv[1]) as f:
        root = json.load(f)
except (OSError, ValueError) as e:
    print(f"# no KUnit results: {e}")
    print("1..0")
    sys.exit(1)

cases = []

def walk(group, prefix):
    for case in group.get("test_cases", []):
        cases.append((prefix + [case["name"]], case["status"]))
    for sub in group.get("sub_groups", []):
        walk(sub, prefix + [sub["name"]])

walk(root, [])
failed = 0
for n, (path, status) in enumerate(cases, 1):
    name = re.sub(r"\s+", "_", ".".join(path))
    if status == "PASS":
        print(f"ok {n} - {name}")
    elif status == "SKIP":
        print(f"ok {n} - {name} # SKIP")
    else:
        failed += 1
        print(f"not ok {n} - {name} # {status}")
print(f"1..{len(cases)}")
if not cases:
    print("# no test ran")
    sys.exit(1)
sys.exit(1 if failed else 0)
PY
}

run_kunit() {
	local json=$KUNIT_BUILD/potnpu-results.json rc=0
	mkdir -p "$KUNIT_BUILD"
	rm -f "$json"
	(cd "$KUNIT_SRC" && /usr/bin/python3 tools/testing/kunit/kunit.py run \
		--kunitconfig="$KUNITCONFIG" --build_dir="$KUNIT_BUILD" \
		--jobs="$JOBS" --json="$json") >&2 || rc=$?
	[ "$rc" -eq 0 ] || log "kunit.py exited with status $rc"
	json_to_tap "$json" || rc=1
	return "$rc"
}

# One run at a time per tree: the source copy and the build directory are
# shared by every checkout on this machine.
mkdir -p "$KUNIT_ROOT"
exec 9>"$KUNIT_ROOT/lock"
flock 9

stage kunit-prepare prepare_tree
rc=0
stage kunit-run run_kunit || rc=1
exit "$rc"
