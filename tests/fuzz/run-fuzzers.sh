#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Run the fuzz targets built by tests/fuzz/Makefile; TAP on stdout.
#
#   run-fuzzers.sh check TARGET...   replay the regression inputs, then fuzz
#                                    each target FUZZ_TIME seconds from its
#                                    seeds in a fresh corpus, -seed=FUZZ_SEED
#   run-fuzzers.sh run TARGET...     the same, keeping the corpus the
#                                    targets grow in $O/corpus/<target>
#   run-fuzzers.sh replay TARGET...  only the regression inputs
#
# One TAP line per regression input and per fuzz run; each run's executions
# and executions per second as a "#" line. A crash input is left in
# $O/artifacts/<target>/ and named in the failing line; the run's log is
# $O/logs/<target>.log.
set -uo pipefail
: "${O:?}" "${FZ:?}"
mode=$1
shift
FUZZ_TIME=${FUZZ_TIME:-20}
FUZZ_SEED=${FUZZ_SEED:-1}
FUZZ_RSS_MB=${FUZZ_RSS_MB:-2048}
mkdir -p "$O/logs"

# Largest input per target: a stream of every command fits, and a small
# firmware image.
max_len() {
	case $1 in
	fw_image) echo 4096 ;;
	*) echo 8192 ;;
	esac
}

n=0
failed=0
tap() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		failed=1
	fi
}

lines=()
for t in "$@"; do
	for f in "$FZ/regressions/$t"/*; do
		[ -f "$f" ] || continue
		"$O/fuzz_$t" -runs=1 "$f" >"$O/logs/$t-replay.log" 2>&1
		rc=$?
		[ $rc -eq 0 ] || tail -n 30 "$O/logs/$t-replay.log" >&2
		tap $rc "fuzz_$t: regression $(basename "$f") replays clean"
	done
	[ "$mode" = replay ] && continue

	corpus=$O/corpus/$t
	[ "$mode" = run ] || rm -rf "$corpus"
	rm -rf "$O/artifacts/$t"
	mkdir -p "$corpus" "$O/artifacts/$t"
	"$O/fuzz_$t" -seed="$FUZZ_SEED" -max_total_time="$FUZZ_TIME" \
		-rss_limit_mb="$FUZZ_RSS_MB" -timeout=10 -max_len="$(max_len "$t")" \
		-print_final_stats=1 -artifact_prefix="$O/artifacts/$t/" \
		"$corpus" "$O/seeds/$t" >"$O/logs/$t.log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$O/logs/$t.log")
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$O/logs/$t.log")
	cov=$(grep -oE 'cov: [0-9]+' "$O/logs/$t.log" | tail -n 1)
	echo "# fuzz_$t: ${execs:-?} execs in ${FUZZ_TIME}s, ${rate:-?} execs/s, $cov, corpus $(ls "$corpus" | wc -l) inputs"
	crash=$(ls "$O/artifacts/$t" 2>/dev/null | head -n 1)
	if [ $rc -ne 0 ]; then
		grep -E 'ERROR|invariant broken|runtime error|SUMMARY' "$O/logs/$t.log" | head -n 5 >&2
		tap 1 "fuzz_$t: ${FUZZ_TIME}s from the seeds, -seed=$FUZZ_SEED (crash input: $O/artifacts/$t/${crash:-?})"
	else
		tap 0 "fuzz_$t: ${FUZZ_TIME}s from the seeds, -seed=$FUZZ_SEED, no crash"
	fi
done
echo "1..$n"
exit $failed
