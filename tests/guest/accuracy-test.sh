#!/bin/sh
# SPDX-License-Identifier: MIT
# Guest accuracy test: the default model (models/fashion-mnist-cnn.onnx),
# compiled in uniform8 and nhot2 by `make models`, runs on the device with
# potnpu-bench over the first N Fashion-MNIST test images, and its top-1
# must stay within a bound of the float model's on the same images. The
# float top-1 and N come from the host (potnpu-onnx-top1, the compiler's
# float executor: fashion-mnist-cnn.float-top1.json, built with the
# models); the bounds and why they are what they are: docs/results.md,
# "The guest accuracy test". TAP on stdout. Expects the potnpu module
# loaded.
MODELS=/usr/lib/potnpu/models
DATA=/usr/share/datasets/fashion-mnist
REF=$MODELS/fashion-mnist-cnn.float-top1.json
n=0
rc=0

tap() {	# tap OK DESCRIPTION
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		rc=1
	fi
}

# json_uint FILE KEY: the first "KEY": N of a JSON file.
json_uint() {
	sed -n "s/.*\"$2\": *\([0-9][0-9]*\).*/\1/p" "$1" | head -n 1
}

# points A N: A of N as a percentage with two decimals.
points() {
	echo "$1 $2" | awk '{ printf "%.2f", 100 * $1 / $2 }'
}

# check_scheme SCHEME MODEL BOUND: top-1 of MODEL on the device over the
# first $count images within BOUND hundredths of a point of the float
# model's ($float_ok of $count).
check_scheme() {
	scheme=$1 model=$2 bound=$3 out=/tmp/accuracy-$1.json
	desc="$scheme on the device within $(points "$bound" 10000) points of float top-1 over $count test images"
	if ! potnpu-bench "$model" --json --count "$count" \
		--input "$DATA/t10k-images-idx3-ubyte.gz" \
		--labels "$DATA/t10k-labels-idx1-ubyte.gz" >"$out"; then
		echo "# potnpu-bench $model failed:"
		sed 's/^/# /' "$out" | head -n 20
		tap 1 "$desc"
		return
	fi
	ok=$(json_uint "$out" correct)
	done_n=$(json_uint "$out" inferences)
	if [ -z "$ok" ] || [ "$done_n" != "$count" ]; then
		echo "# $scheme: no top-1 over $count images in potnpu-bench's report"
		tap 1 "$desc"
		return
	fi
	diff=$((ok - float_ok))
	abs=${diff#-}
	echo "# $scheme: $ok of $count ($(points "$ok" "$count") %), float $float_ok ($(points "$float_ok" "$count") %), difference $(points "$diff" "$count") points, bound $(points "$bound" 10000)"
	# |ok - float_ok| / count <= bound / 10000, in integers.
	[ $((abs * 10000)) -le $((bound * count)) ]
	tap $? "$desc"
}

for f in "$REF" "$MODELS/fashion-mnist-cnn.bin" "$MODELS/fashion-mnist-cnn-nhot2.bin" \
	"$DATA/t10k-images-idx3-ubyte.gz" "$DATA/t10k-labels-idx1-ubyte.gz"; do
	[ -r "$f" ] && continue
	echo "# missing $f (make models; scripts/setup.sh installs the dataset)"
	tap 1 "accuracy test inputs installed in the guest"
	echo "1..$n"
	exit 1
done
count=$(json_uint "$REF" inferences)
float_ok=$(json_uint "$REF" correct)
[ -n "$count" ] && [ -n "$float_ok" ] && [ "$count" -gt 0 ]
tap $? "float baseline read: $float_ok of $count test images ($REF)"
if [ $rc = 0 ]; then
	check_scheme uniform8 "$MODELS/fashion-mnist-cnn.bin" 50
	check_scheme nhot2 "$MODELS/fashion-mnist-cnn-nhot2.bin" 250
fi
echo "1..$n"
exit $rc
