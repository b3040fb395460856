#!/bin/sh
# SPDX-License-Identifier: MIT
# The guest half of scripts/results.sh: every model of
# /usr/lib/potnpu/models/results/ (put there by mkinitramfs.sh from
# $POTNPU_BUILD/models/results/) runs on the device with potnpu-bench
# --json over the Fashion-MNIST test images (all, or the first COUNT),
# then its first VERIFY inferences are checked byte for byte against the
# CPU reference. Each report is printed between
# "potnpu-results-begin NAME" and "potnpu-results-end NAME RC" lines,
# which the host cuts out of the results port's log.
#
#   results-job.sh [COUNT [VERIFY]]
COUNT=${1:-0}
VERIFY=${2:-20}
DIR=/usr/lib/potnpu/models/results
DATA=/usr/share/datasets/fashion-mnist
rc=0

modprobe potnpu || exit 1
set -- "$DIR"/*.bin
[ -f "$1" ] || { echo "results job: no models in $DIR"; exit 1; }
count_arg=
[ "$COUNT" = 0 ] || count_arg="--count $COUNT"
for m in "$@"; do
	name=$(basename "$m" .bin)
	start=$(date +%s)
	# shellcheck disable=SC2086
	potnpu-bench "$m" --json $count_arg \
		--input "$DATA/t10k-images-idx3-ubyte.gz" \
		--labels "$DATA/t10k-labels-idx1-ubyte.gz" >/tmp/r.json 2>/tmp/r.err
	st=$?
	echo "potnpu-results-begin $name"
	cat /tmp/r.json
	echo "potnpu-results-end $name $st"
	potnpu-bench "$m" --verify --count "$VERIFY" \
		--input "$DATA/t10k-images-idx3-ubyte.gz" >/tmp/v.out 2>&1
	vst=$?
	echo "potnpu-results-verify $name $vst $VERIFY"
	echo "potnpu-results-seconds $name $(( $(date +%s) - start ))"
	if [ $st != 0 ] || [ $vst != 0 ]; then
		rc=1
		cat /tmp/r.err /tmp/v.out
	fi
done
exit $rc
