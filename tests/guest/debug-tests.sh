#!/bin/sh
# SPDX-License-Identifier: MIT
# Debug kernel layer, in the guest (scripts/check.sh debug boots the debug
# kernel of scripts/build-debug-kernel.sh): every guest test of
# run-tests.sh (selftests, the failslab test among them, stress, tools,
# layers), the ioctl fuzzer when the image has it, then the driver is
# unloaded and the kernel must have found nothing: no kmemleak leak, no
# KASAN, UBSAN, lockdep, debug objects or atomic-sleep report, no warning.
# TAP on stdout, one line per kind of report.
#
# The kernel log is read from /dev/kmsg from the start: the selftests
# clear it (dmesg -c) to look for their own messages, which would hide
# earlier reports from a plain dmesg at the end.
TESTS=/usr/lib/potnpu/tests
KMEMLEAK=/sys/kernel/debug/kmemleak
LOG=/tmp/kmsg.log
rc=0
n=0

tap() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		rc=1
	fi
}

cat /dev/kmsg >"$LOG" &
kmsg_pid=$!

# What the boot left unreferenced is not ours to report: scan once and
# mark it all as seen, before the driver is loaded.
have_kmemleak=0
if [ -w "$KMEMLEAK" ]; then
	have_kmemleak=1
	echo scan >"$KMEMLEAK"
	echo clear >"$KMEMLEAK"
fi

# DMA_API_DEBUG prints its first error only, unless told otherwise.
DMA_API=/sys/kernel/debug/dma-api
[ -w $DMA_API/all_errors ] && echo 1 >$DMA_API/all_errors

"$TESTS"/run-tests.sh || rc=1

if [ -x "$TESTS"/potnpu-ioctl-fuzz ]; then
	"$TESTS"/potnpu-ioctl-fuzz --seed 1 --calls 20000
	tap $? "potnpu-ioctl-fuzz --seed 1 --calls 20000"
fi

# Unloaded, the driver's forgotten allocations have no reference left.
rmmod potnpu
tap $? "rmmod potnpu after the tests"

# A new object is only reported once it is old enough (5 s) and found
# unreferenced; the second scan, after a pause, sees what the first one
# was too young to report.
if [ $have_kmemleak = 1 ]; then
	echo scan >"$KMEMLEAK"
	sleep 6
	echo scan >"$KMEMLEAK"
	leaks=$(grep -c '^unreferenced object' "$KMEMLEAK")
	head -n 80 "$KMEMLEAK" | sed 's/^/# /'
	[ "$leaks" -eq 0 ] && ! grep -q 'kmemleak: .*disabled' "$LOG"
	tap $? "kmemleak: $leaks leaks after the tests"
else
	tap 1 "kmemleak: no $KMEMLEAK (CONFIG_DEBUG_KMEMLEAK)"
fi

sleep 1
kill "$kmsg_pid" 2>/dev/null
wait "$kmsg_pid" 2>/dev/null

# check NAME PATTERN: the kernel log has no line matching PATTERN; the
# first hits are shown with the lines after them (the report's details).
check() {
	if grep -E "$2" "$LOG" >/dev/null; then
		grep -E -A 25 "$2" "$LOG" | head -n 120 | sed 's/^/# /'
		tap 1 "kernel log: no $1 report"
	else
		tap 0 "kernel log: no $1 report"
	fi
}
check KASAN 'BUG: KASAN|KASAN: '
check UBSAN 'UBSAN: '
check lockdep 'possible circular locking|inconsistent lock state|DEBUG_LOCKS_WARN|possible recursive locking|suspicious RCU usage|bad unlock balance|held lock freed|lock held when returning|turning off the locking correctness validator'
check "debug objects" 'ODEBUG: '
# DMA_API_DEBUG: mappings or coherent memory left at unbind, bad unmaps.
check "DMA-API debug" 'DMA-API: .*(pending|leak|unmap|free|sync|mapping)'
check "sleep in atomic context" 'sleeping function called from invalid context|scheduling while atomic'
check "warning, BUG or oops" 'WARNING:|BUG:|Oops|general protection|refcount_t: '
dma_errors=$(cat $DMA_API/error_count 2>/dev/null || echo none)
[ "$dma_errors" = 0 ]
tap $? "DMA-API debug: $dma_errors errors ($DMA_API/error_count)"
# lockdep switches itself off after the first report or when it runs out
# of table space: it must still have been checking at the end.
grep -Eq 'debug_locks: +1' /proc/lockdep_stats 2>/dev/null
tap $? "lockdep still active at the end (/proc/lockdep_stats debug_locks)"
echo "# kernel log: $(wc -l <"$LOG") lines"
exit $rc
