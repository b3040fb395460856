#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Regenerate every number and plot of docs/results.md (and the default
# model's throughput section of docs/benchmarks.md): compile the default
# model (models/fashion-mnist-cnn.onnx) in every weight scheme, take the
# float baseline on the host, boot the guest once and run each model on
# the device over the Fashion-MNIST test set (potnpu-bench --json, the
# first inferences verified against the CPU reference), run each on the
# CPU reference natively on the host too, then write the tables and
# plots (scripts/results-report.py, python3-matplotlib).
#
#   results.sh [--count N] [--verify N] [--compiler PATH] [--no-host]
#              [--resume] [--report-only]
#
# --count N       the first N test images (default: all 10 000)
# --verify N      inferences per model checked byte for byte in the guest
#                 (default 20)
# --compiler P    the potnpu-compile to use (default: this tree's build)
# --no-host       no CPU reference runs on the host (the table says "not
#                 run"; the float baseline and the throughput still run)
# --resume        keep the last run's models and guest log
#                 ($POTNPU_BUILD/results/): run only the host reference
#                 runs that did not finish, then the rest
# --report-only   rewrite the docs from the last run's JSON, running nothing
#
# Schemes the compiler does not know yet (fitted, progressive: checked in
# its --help) are skipped and the report says so. Takes about 40 minutes
# of guest time on the project's 2-core machine and as much host time for
# the references (docs/results.md says how long the last run took); it
# needs `make all` first (`make results` does both).
set -euo pipefail
. "$(dirname "$0")/common.sh"
load_versions

count=0
verify=20
report_only=0
resume=0
no_host=0
BIN=$POTNPU_BUILD/userspace/bin
compiler=$BIN/potnpu-compile
while [ $# -gt 0 ]; do
	case $1 in
	--count) count=$2; shift 2 ;;
	--verify) verify=$2; shift 2 ;;
	--compiler) compiler=$2; shift 2 ;;
	--report-only) report_only=1; shift ;;
	--resume) resume=1; shift ;;
	--no-host) no_host=1; shift ;;
	*) die "unknown option $1 (see the header of $0)" ;;
	esac
done
[[ $count =~ ^[0-9]+$ ]] || die "--count $count: expected a number (0: all)"
[[ $verify =~ ^[1-9][0-9]*$ ]] || die "--verify $verify: expected a positive number"

PY=/usr/bin/python3
ONNX=$POTNPU_ROOT/models/fashion-mnist-cnn.onnx
LABELS_TXT=$POTNPU_ROOT/models/fashion-mnist-labels.txt
DATA=/usr/share/datasets/fashion-mnist
IMAGES=$DATA/t10k-images-idx3-ubyte.gz
LABELS=$DATA/t10k-labels-idx1-ubyte.gz
OUT=$POTNPU_BUILD/results
MODELS=$POTNPU_BUILD/models/results

"$PY" -c 'import matplotlib' 2>/dev/null ||
	die "the plots need Debian's python3-matplotlib: apt-get install python3-matplotlib"

# name|compiler arguments|needs (a word the compiler's --help must contain)
SCHEMES=(
	"uniform8|--scheme uniform8|"
	"uniform4|--scheme uniform4|"
	"pot4|--scheme pot4|"
	"apot3|--scheme apot3|"
	"apot4|--scheme apot4|"
	"apot5|--scheme apot5|"
	"nhot1|--scheme nhot1|"
	"nhot2|--scheme nhot2|"
	"nhot3|--scheme nhot3|"
	"fitted4|--scheme fitted|fitted"
	"progressive|--progressive|progressive"
	"progressive-mixed|--scheme progressive:uniform8,uniform8,nhot2,apot5|progressive"
)

compile_all() {
	local help entry name args needs
	help=$("$compiler" --help 2>&1 || true)
	rm -rf "$MODELS"
	mkdir -p "$MODELS" "$OUT"
	: >"$OUT/skipped.txt"
	for entry in "${SCHEMES[@]}"; do
		IFS='|' read -r name args needs <<<"$entry"
		if [ -n "$needs" ] && ! grep -q -- "$needs" <<<"$help"; then
			log "results: $compiler has no '$needs' (--help): $name skipped"
			echo "$name $needs" >>"$OUT/skipped.txt"
			continue
		fi
		# shellcheck disable=SC2086
		"$compiler" -q "$ONNX" -o "$MODELS/$name.bin" $args \
			--labels-file "$LABELS_TXT" ||
			die "potnpu-compile $args failed"
		"$BIN/potnpu-model-info" --json "$MODELS/$name.bin" >"$OUT/$name.info.json"
	done
}

# The float model and each compiled one on the host's CPU reference, in
# the order of SCHEMES (the default model first), one core, while the
# guest has the other; a report is renamed into place only when complete,
# so --resume redoes exactly the missing ones.
host_runs() {
	local entry name count_args=()
	[ "$count" = 0 ] || count_args=(--count "$count")
	if [ ! -s "$OUT/float.json" ]; then
		"$BIN/potnpu-onnx-top1" "$ONNX" --json --input "$IMAGES" --labels "$LABELS" \
			"${count_args[@]}" >"$OUT/float.json.tmp" || return 1
		mv "$OUT/float.json.tmp" "$OUT/float.json"
	fi
	[ $no_host = 0 ] || return 0
	for entry in "${SCHEMES[@]}"; do
		name=${entry%%|*}
		if [ ! -f "$MODELS/$name.bin" ] || [ -s "$OUT/$name.cpu.json" ]; then
			continue
		fi
		"$BIN/potnpu-bench" --cpu "$MODELS/$name.bin" --json --input "$IMAGES" \
			--labels "$LABELS" "${count_args[@]}" >"$OUT/$name.cpu.json.tmp" || return 1
		mv "$OUT/$name.cpu.json.tmp" "$OUT/$name.cpu.json"
	done
}

guest_run() {
	local start
	start=$(date +%s)
	"$POTNPU_ROOT/scripts/run-guest.sh" --quiet --timeout 14400 \
		--log "$OUT/guest-console.log" --results "$OUT/guest.raw" \
		-- "/usr/lib/potnpu/tests/results-job.sh $count $verify"
	echo "$(( $(date +%s) - start ))" >"$OUT/guest-seconds.txt"
}

# Cut each model's report out of the results port's log.
split_guest() {
	tr -d '\r' <"$OUT/guest.raw" | awk -v out="$OUT" '
		/^potnpu-results-begin / { f = out "/" $2 ".device.json"; printf "" > f; on = 1; next }
		/^potnpu-results-end / { on = 0; close(f); next }
		/^potnpu-results-(verify|seconds) / { print > (out "/guest-lines.txt"); next }
		on { print >> f }'
}

# The default model's reference executor natively, on an otherwise quiet
# guest-free host: images per second against the NPU's.
host_throughput() {
	"$BIN/potnpu-bench" --cpu "$MODELS/uniform8.bin" --json --input "$IMAGES" \
		--labels "$LABELS" --count 2000 >"$OUT/throughput.cpu.json"
}

tree_commit() {
	echo "$(git -C "$POTNPU_ROOT" rev-parse --short HEAD)$(git -C "$POTNPU_ROOT" diff --quiet HEAD -- . ':!docs' || echo '-dirty')"
}

# What the guest run started from (a --resume keeps it).
run_start() {
	{
		echo "load_start $(cut -d' ' -f1 /proc/loadavg)"
		echo "commit $(tree_commit)"
	} >"$OUT/run-start.txt"
}

machine() {
	{
		echo "date $(date -u '+%Y-%m-%d %H:%M UTC')"
		echo "uname_m $(uname -m)"
		echo "nproc $(nproc)"
		echo "cpu $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
		echo "mem_gib $(awk '/MemTotal/ { printf "%.0f", $2 / 1048576 }' /proc/meminfo)"
		echo "os $(. /etc/os-release && echo "$PRETTY_NAME")"
		echo "commit $(tree_commit)"
		echo "compiler $("$BIN/potnpu-model-info" --json "$MODELS/uniform8.bin" | sed -n 's/.*"producer": "\(.*\)".*/\1/p')"
		echo "qemu $QEMU_VERSION"
		echo "kernel $KERNEL_RELEASE"
		echo "count $count"
		echo "verify $verify"
		echo "load $(cut -d' ' -f1-3 /proc/loadavg)"
		cat "$OUT/run-start.txt" 2>/dev/null
	} >"$OUT/machine.txt"
}

report() {
	"$PY" "$POTNPU_ROOT/scripts/results-report.py" "$OUT" "$POTNPU_ROOT/docs"
}

# After the guest: its reports, the machine, the host throughput, the docs.
finish() {
	split_guest
	machine
	stage throughput host_throughput
	echo "total_seconds $(( $(date +%s) - t0 ))" >>"$OUT/machine.txt"
	[ $resume = 0 ] || echo "resumed 1" >>"$OUT/machine.txt"
	report
	log "results: docs/results.md, docs/results/*.png, docs/benchmarks.md ($(( $(date +%s) - t0 ))s)"
}

if [ $report_only = 1 ]; then
	report
	exit 0
fi
for f in "$compiler" "$BIN/potnpu-bench" "$BIN/potnpu-onnx-top1" "$IMAGES" "$LABELS"; do
	[ -e "$f" ] || die "missing $f: run 'make all' (and scripts/setup.sh for the dataset)"
done
t0=$(date +%s)
if [ $resume = 1 ]; then
	if [ ! -s "$OUT/guest.raw" ] || [ ! -s "$OUT/guest-seconds.txt" ]; then
		die "--resume: no complete guest run in $OUT"
	fi
	stage host host_runs || die "the host reference runs failed"
	finish
	exit 0
fi
# A scheme skipped this time must not report an earlier run's numbers.
rm -f "$OUT"/*.json "$OUT"/*.tmp "$OUT"/*.txt "$OUT"/guest*
stage compile compile_all
stage guest-image "$POTNPU_ROOT/scripts/mkinitramfs.sh"
run_start
( renice -n 10 -p "$BASHPID" >/dev/null; host_runs ) &
host_pid=$!
guest_rc=0
stage guest guest_run || guest_rc=$?
[ $guest_rc = 0 ] || die "the guest run failed (exit $guest_rc): $OUT/guest.raw"
wait "$host_pid" || die "the host reference runs failed (rerun with --resume)"
finish
