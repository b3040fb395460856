#!/bin/sh
# SPDX-License-Identifier: MIT
# The main job of `make run`: load the driver, show the devices, measure the
# job path (potnpu-bench --dma), run the layer benchmark as the compute
# part (potnpu-bench --layers: every layer checked against the CPU
# reference, then timed) and, given a model file (main-job.sh MODEL, from
# `make run MODEL=...`), the model benchmark: potnpu-bench MODEL --verify,
# over the Fashion-MNIST test set when the guest has it (accuracy), else
# over random inputs. `make run` passes the default model, compiled from
# models/fashion-mnist-cnn.onnx; without a model file the model benchmark
# is skipped and that is said. With the test set, the ONNX file the model
# was compiled from (main-job.sh MODEL ONNX; by default MODEL's name with
# .onnx, which the guest image has for the default model) runs too, on
# the compiler's float executor (potnpu-bench --onnx): its top-1 beside
# the NPU's, paired per image. The float executor runs emulated here
# (TCG, about 170 ms an image on a loaded 2-core build machine), so only
# on the first ONNX_COUNT images (env, default 500); the NPU's top-1 is
# paired on the same images and also given over all of them.
set -e
MODEL=${1:-}
ONNX=${2:-${MODEL%.bin}.onnx}
ONNX_COUNT=${ONNX_COUNT:-500}
DATA=/usr/share/datasets/fashion-mnist
modprobe potnpu
potnpu-info
potnpu-bench --dma --iterations 100
potnpu-bench --layers --iterations 3
if [ -z "$MODEL" ]; then
	echo "main job: device up, layers checked and timed; no model file given (make run MODEL=model.bin)"
	exit 0
fi
if [ ! -r "$MODEL" ]; then
	echo "main job: device up, layers checked and timed; no model file $MODEL (make run MODEL=model.bin)"
	exit 0
fi
if [ -r "$DATA/t10k-images-idx3-ubyte.gz" ]; then
	# Accuracy over the whole test set on the NPU (and the float model's
	# beside it), then the first 50 inferences verified byte for byte
	# against the CPU reference (which runs emulated here, much slower
	# than the NPU).
	set --
	if [ -r "$ONNX" ]; then
		set -- --onnx "$ONNX" --onnx-count "$ONNX_COUNT"
	else
		echo "main job: no ONNX file $ONNX: the NPU's accuracy without the float model's"
	fi
	potnpu-bench "$MODEL" --input "$DATA/t10k-images-idx3-ubyte.gz" \
		--labels "$DATA/t10k-labels-idx1-ubyte.gz" "$@"
	exec potnpu-bench "$MODEL" --verify --count 50 \
		--input "$DATA/t10k-images-idx3-ubyte.gz" \
		--labels "$DATA/t10k-labels-idx1-ubyte.gz"
fi
exec potnpu-bench "$MODEL" --verify
