#!/bin/sh
# SPDX-License-Identifier: MIT
#
# bench-compile.sh [BUILD]: time potnpu-compile on the generated
# ResNet-18-shaped model (full-size channels 64..512, random weights, seed
# 18), calibrated on POTNPU_BENCH_CALIB (16) random images, for each
# SIZE:SCHEME:METHOD of POTNPU_BENCH_RUNS; prints a Markdown table
# (docs/benchmarks.md, "Compile time") with wall and CPU (user + sys)
# seconds.
# A benchmark, not a test: nothing is checked but that each run succeeds.
# Needs `make -C userspace tests` (gen_onnx) first.
set -eu
build=${1:-${POTNPU_BUILD:-$(cd "$(dirname "$0")/../.." && pwd)/build}}
gen=$build/userspace/tests/gen_onnx
pc=$build/userspace/bin/potnpu-compile
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
calib=${POTNPU_BENCH_CALIB:-16}

now() { date +%s.%N; }

echo "$(date -u +%Y-%m-%d), $(uname -m), $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
echo
runs=${POTNPU_BENCH_RUNS:-"32:uniform8:minmax 32:uniform8:mse 32:apot4:minmax 32:fitted:minmax 32:progressive:minmax 64:uniform8:minmax 64:fitted:minmax"}
echo "| input | scheme | calibration | ONNX MB | model.bin MB | wall s | CPU s |"
echo "|---|---|---|---|---|---|---|"
made=
for run in $runs; do
	size=${run%%:*}
	rest=${run#*:}
	s=${rest%:*}
	c=${rest#*:}
	if [ "$made" != "$size" ]; then
		"$gen" resnet18 --size "$size" --seed 18 "$tmp/r.onnx"
		"$gen" images "$calib" 3 "$size" "$size" 1 "$tmp/r.idx"
		made=$size
	fi
	t0=$(now)
	/usr/bin/time -f "%U %S" -o "$tmp/cpu" "$pc" -q "$tmp/r.onnx" -o "$tmp/r.bin" \
		--scheme "$s" --calibrate "$c" --calib "$tmp/r.idx" --calib-count "$calib"
	t1=$(now)
	printf '| 1x3x%sx%s | %s | %s, %s images | %.1f | %.1f | %.1f | %.1f |\n' \
		"$size" "$size" "$s" "$c" "$calib" \
		"$(stat -c %s "$tmp/r.onnx" | awk '{ print $1 / 1e6 }')" \
		"$(stat -c %s "$tmp/r.bin" | awk '{ print $1 / 1e6 }')" \
		"$(echo "$t1 $t0" | awk '{ print $1 - $2 }')" \
		"$(awk '{ print $1 + $2 }' "$tmp/cpu")"
done
