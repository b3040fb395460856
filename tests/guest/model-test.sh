#!/bin/sh
# SPDX-License-Identifier: MIT
# Guest model checks: every model potnpu-compile built for the tests
# (userspace/tests/make-compile-tests.sh: each supported op alone and in
# small graphs in uniform8 and apot4; the ResNet-18-shaped model, channels
# 16..128 in uniform8, apot4, fitted and the progressive schedule, and
# full-size 64..512 in uniform8) runs on the NPU over seeded random inputs
# with potnpu-bench --verify: every output byte of every node must equal
# libpotnpu's CPU reference. One TAP line per model. POTNPU_MODEL_COUNT
# sets the inferences per model (the full-size ResNet runs one).
dir=${POTNPU_COMPILE_TESTS:-/usr/lib/potnpu/compile-tests}
count=${POTNPU_MODEL_COUNT:-4}
n=0
rc=0
set -- "$dir"/*.bin
if [ ! -e "$1" ]; then
	echo "1..1"
	echo "not ok 1 - model-test: no compiled test models in $dir (make -C userspace compile-tests)"
	exit 1
fi
echo "1..$#"
for m in "$@"; do
	n=$((n + 1))
	name=$(basename "$m" .bin)
	c=$count
	[ "$name" = resnet18-uniform8 ] && c=1
	out=$(potnpu-bench "$m" --verify --count "$c" 2>&1)
	st=$?
	if [ $st -eq 0 ] && echo "$out" | grep -q '^verified: *every byte of every inference equals the CPU reference'; then
		echo "ok $n - model $name: $c inference(s) on the NPU equal the CPU reference byte for byte"
	else
		echo "$out" | sed 's/^/# /'
		echo "not ok $n - model $name: exit $st, device and CPU reference differ or the run failed"
		rc=1
	fi
done
exit $rc
