#!/bin/sh
# SPDX-License-Identifier: MIT
#
# bench-compile.sh [BUILD]: time potnpu-compile on the generated
# ResNet-18-shaped model (full-size channels 64..512, random weights, seed
# 18) at 1x3x32x32 and 1x3x64x64, per scheme, calibrated on 16 random
# images; prints a Markdown table (docs/benchmarks.md, "Compile time").
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
echo "| input | scheme | calibration | ONNX MB | model.bin MB | compile s |"
echo "|---|---|---|---|---|---|"
for size in 32 64; do
	"$gen" resnet18 --size "$size" --seed 18 "$tmp/r.onnx"
	"$gen" images "$calib" 3 "$size" "$size" 1 "$tmp/r.idx"
	for s in uniform8 apot4 fitted progressive; do
		for c in minmax mse; do
			t0=$(now)
			"$pc" -q "$tmp/r.onnx" -o "$tmp/r.bin" --scheme "$s" \
				--calibrate "$c" --calib "$tmp/r.idx" --calib-count "$calib"
			t1=$(now)
			printf '| 1x3x%sx%s | %s | %s, %s images | %.1f | %.1f | %.2f |\n' \
				"$size" "$size" "$s" "$c" "$calib" \
				"$(stat -c %s "$tmp/r.onnx" | awk '{ print $1 / 1e6 }')" \
				"$(stat -c %s "$tmp/r.bin" | awk '{ print $1 / 1e6 }')" \
				"$(echo "$t1 $t0" | awk '{ print $1 - $2 }')"
		done
	done
done
