#!/bin/sh
# SPDX-License-Identifier: MIT
#
# run-tests.sh TESTDIR LIBDIR TEST...: run the userspace host tests and
# report TAP on stdout. Each cmocka binary prints its own plan and
# "ok N - name" / "not ok N - name" lines (CMOCKA_MESSAGE_OUTPUT=TAP); this
# script adds one TAP block of its own for the shared library's exported
# symbols. $TEST_WRAPPER (e.g. valgrind ...) prefixes every test binary.
# Exit status: 0 if every test passed, 1 otherwise.
set -u

testdir=$1
libdir=$2
shift 2

export CMOCKA_MESSAGE_OUTPUT=TAP
# The tools that test_tools runs get the same wrapper.
export POTNPU_TOOL_WRAPPER="${TEST_WRAPPER:-}"
failed=""

for t in "$@"; do
	echo "# $t"
	# shellcheck disable=SC2086
	${TEST_WRAPPER:-} "$testdir/$t"
	rc=$?
	if [ $rc -ne 0 ]; then
		echo "# $t: exit status $rc"
		failed="$failed $t"
	fi
done

# libpotnpu.so: right soname, and nothing but potnpu_* exported.
echo "# libpotnpu.so ABI"
echo "1..2"
so=$(ls "$libdir"/libpotnpu.so.*.*.* 2>/dev/null | head -n 1)
soname=$(readelf -d "$so" 2>/dev/null | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')
case $soname in
libpotnpu.so.[0-9]*)
	echo "ok 1 - libpotnpu soname is $soname"
	;;
*)
	echo "not ok 1 - libpotnpu soname is '$soname' in '$so'"
	failed="$failed abi-soname"
	;;
esac
extra=$(nm -D --defined-only "$so" 2>/dev/null | awk '{ print $NF }' |
	grep -v -e '^potnpu_' -e '^LIBPOTNPU_' || true)
if [ -n "$so" ] && [ -z "$extra" ]; then
	echo "ok 2 - libpotnpu.so exports only potnpu_* symbols"
else
	echo "not ok 2 - libpotnpu.so exports only potnpu_* symbols"
	printf '# unexpected: %s\n' $extra
	failed="$failed abi-symbols"
fi

if [ -n "$failed" ]; then
	echo "# FAILED:$failed"
	exit 1
fi
echo "# all userspace tests passed"
exit 0
