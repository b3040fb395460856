#!/bin/sh
# SPDX-License-Identifier: MIT
#
# make-compile-tests.sh GEN_ONNX POTNPU_COMPILE OUTDIR: generate the test
# ONNX models (gen_onnx: every op graph of tests/onnx_gen_ops.c, the
# ResNet-18-shaped model) and compile them into OUTDIR/*.bin, which
# scripts/mkinitramfs.sh installs in the guest for
# tests/guest/model-test.sh (device against the CPU reference, byte for
# byte). The ONNX files and the random calibration images are not kept.
#   op_<graph>-uniform8.bin, op_<graph>-apot4.bin
#   resnet18-w4-{uniform8,apot4,fitted,progressive}.bin
#       channels 16..128 (64..512 / 4), input 1x3x32x32
#   resnet18-uniform8.bin     channels 64..512, input 1x3x32x32
set -eu
gen=$1
pc=$2
out=$3
tmp=$out/tmp
rm -rf "$out"
mkdir -p "$tmp"

"$gen" ops "$tmp"
"$gen" images 16 3 12 12 1 "$tmp/ops.idx"
"$gen" images 8 3 32 32 2 "$tmp/r32.idx"
for f in "$tmp"/op_*.onnx; do
	name=$(basename "$f" .onnx)
	for s in uniform8 apot4; do
		"$pc" -q "$f" -o "$out/$name-$s.bin" --scheme "$s" \
			--calib "$tmp/ops.idx" --calib-count 16
	done
done
"$gen" resnet18 --width-div 4 --size 32 --seed 18 "$tmp/resnet18-w4.onnx"
for s in uniform8 apot4 fitted progressive; do
	"$pc" -q "$tmp/resnet18-w4.onnx" -o "$out/resnet18-w4-$s.bin" \
		--scheme "$s" --calib "$tmp/r32.idx" --calib-count 8
done
"$gen" resnet18 --size 32 --seed 18 "$tmp/resnet18.onnx"
"$pc" -q "$tmp/resnet18.onnx" -o "$out/resnet18-uniform8.bin" \
	--calib "$tmp/r32.idx" --calib-count 4
rm -rf "$tmp"
set -- "$out"/*.bin
echo "compile-tests: $# models in $out"
