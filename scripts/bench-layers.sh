#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# The layer benchmark, end to end: potnpu-bench --layers' suite on the
# emulated device (in the guest) next to the same suite on the host, run
# natively by the shift-add engine (the firmware's tile loop replayed,
# qemu-device/tests/potnpu-layer-bench-native.c) and by libpotnpu's CPU
# reference. Prints per layer the device's wall time, the native engine's
# and the reference's, the ratios, and where the device's time goes:
#
#   job     the job path's fixed cost: p50 of an empty job (--dma)
#   engine  the engine's arithmetic: the native potnpu_sae_run() time
#   dma     the layer's DMA bytes at the 16 MiB COPY rate (--dma)
#   pace    the modeled time the device charges: an engine start costs
#           the control core POTNPU_SAE_MIN_SLOTS (64) instruction slots
#           plus one per POTNPU_SAE_CYCLES_PER_SLOT (4) modeled cycles,
#           paid at the default slice budget (2000 slots per 100 us of
#           virtual time = host time under TCG) after the host computed
#           the tile: (64 * tiles + cycles / 4) / 20 slots per us
#   rest    the remainder: the firmware on the interpreted control core
#           (per tile: loads, engine start, store, counters), the MMU
#           walk per transfer, and the engine built into QEMU vs natively
#
#   scripts/bench-layers.sh [--iterations N] [--out DIR]
#
# A benchmark, not a test: nothing here is judged (make check only runs
# the native program's --smoke comparison, through scripts/test-qtest.sh).
# Exit status: 0, or 1 when a layer differed from the reference on the
# device or natively (either program says which), or the build failed.
set -euo pipefail
. "$(dirname "$0")/common.sh"

iterations=10
out=$POTNPU_BUILD/bench-layers
while [ $# -gt 0 ]; do
	case $1 in
	--iterations) iterations=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	*) die "unknown option $1 (see the header of $0)" ;;
	esac
done
mkdir -p "$out"

SAE_OUT=$POTNPU_BUILD/sae-engine
NATIVE=$SAE_OUT/potnpu-layer-bench-native
stage build-native make -s -C "$POTNPU_ROOT/qemu-device/tests" O="$SAE_OUT" "$NATIVE" >&2
stage guest-image make -s -C "$POTNPU_ROOT" guest-image >&2

log "native: $NATIVE --iterations $iterations --json"
stage native "$NATIVE" --iterations "$iterations" --json >"$out/native.json"

log "guest: potnpu-bench --dma, then --layers --iterations $iterations"
stage guest "$POTNPU_ROOT/scripts/run-guest.sh" --quiet \
	--log "$out/guest-console.log" --results "$out/guest.raw" -- \
	"modprobe potnpu && potnpu-bench --dma --iterations 100 --json && potnpu-bench --layers --iterations $iterations --json"

python3 - "$out/guest.raw" "$out/native.json" <<'EOF'
import json, sys

raw = open(sys.argv[1], encoding="utf-8", errors="replace").read().replace("\r", "")
native = json.load(open(sys.argv[2]))
docs, dec, i = {}, json.JSONDecoder(), 0
while True:
    i = raw.find("{\n", i)
    if i < 0:
        break
    doc, i = dec.raw_decode(raw, i)
    docs[doc.get("mode")] = doc
dma, layers = docs["dma"]["dma"], docs["layers"]["layers"]
job_ms = dma["empty_jobs"]["latency_ns"]["p50"] / 1e6
rate = [c for c in dma["copy"] if c["size"] == 16 << 20][0]["mib_per_s"]
print("empty job p50 %.3f ms; COPY 16 MiB %.0f MiB/s" % (job_ms, rate))
SLOTS_PER_US, MIN_SLOTS, CYCLES_PER_SLOT = 2000 / 100, 64, 4
print("%-15s %-9s %5s %9s %9s %9s %8s %8s | %7s %7s %7s %7s %7s %9s"
      % ("layer", "scheme", "tiles", "device", "engine", "ref", "dev/eng",
         "dev/ref", "job", "engine", "dma", "pace", "rest", "rest/tile"))
for d, n in zip(layers, native["layers"]):
    assert d["what"] == n["what"], (d["what"], n["what"])
    dev = d["wall_ns"]["p50"] / 1e6
    eng = n["engine_ns"]["p50"] / 1e6
    ref = n["reference_ns"]["p50"] / 1e6
    c = d["counters"]
    dma_ms = (c["dma_in"] + c["dma_out"]) / (rate * (1 << 20)) * 1e3
    t = n["tiles"]
    pace = (MIN_SLOTS * t + (c["cycles"] - 64 * t) / CYCLES_PER_SLOT) \
        / SLOTS_PER_US / 1e3
    rest = dev - job_ms - eng - dma_ms - pace
    print("%-15s %-9s %5u %9.3f %9.3f %9.3f %8.2f %8.2f | %7.3f %7.3f %7.3f %7.3f %7.3f %9.3f"
          % (d["name"], d["scheme"] or "-", t, dev, eng, ref, dev / eng,
             dev / ref, job_ms, eng, dma_ms, pace, rest, rest / t))
print("times in ms, p50 of %d runs; device: submit to signal in the guest "
      "(every output byte and counter checked first)" % docs["layers"]["iterations"])
EOF
