#!/bin/sh
# SPDX-License-Identifier: MIT
# Guest layer checks: seeded random layer commands on every device,
# every output byte and counter compared with libpotnpu's CPU reference
# (potnpu-layer-check), and a conv + ReLU, max pool, fully connected chain
# as one job per weight scheme (potnpu-layer-chain). TAP on stdout. The seeds are fixed so that a
# failure can be replayed with the same command; POTNPU_LAYER_SEED and
# POTNPU_LAYER_CASES change them (any seed must pass).
want=${POTNPU_EXPECT_DEVICES:-1}
seed=${POTNPU_LAYER_SEED:-20261201}
cases=${POTNPU_LAYER_CASES:-1020}
n=0
rc=0
i=0
while [ $i -lt "$want" ]; do
	n=$((n + 1))
	out=$(potnpu-layer-check --device $i --seed $((seed + i)) --cases "$cases" 2>&1)
	st=$?
	echo "$out" | sed 's/^/# /'
	last=$(echo "$out" | tail -n 1)
	if [ $st -eq 0 ] && [ "$last" = "$cases cases, $cases bit-exact" ]; then
		echo "ok $n - potnpu-layer-check device $i, seed $((seed + i)): $last"
	else
		echo "not ok $n - potnpu-layer-check device $i, seed $((seed + i)): exit $st, $last"
		rc=1
	fi
	n=$((n + 1))
	out=$(potnpu-layer-chain --device $i --seed $((seed + i)) 2>&1)
	st=$?
	echo "$out" | sed 's/^/# /'
	last=$(echo "$out" | tail -n 1)
	if [ $st -eq 0 ] && echo "$last" | grep -Eq '^([0-9]+) chains, \1 bit-exact$'; then
		echo "ok $n - potnpu-layer-chain device $i: $last"
	else
		echo "not ok $n - potnpu-layer-chain device $i: exit $st, $last"
		rc=1
	fi
	i=$((i + 1))
done
exit $rc
