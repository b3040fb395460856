#!/bin/sh
# SPDX-License-Identifier: MIT
#
# check-isa.sh OBJDUMP FILE: fail if FILE (an RV32 ELF or object) contains an
# instruction the potnpu control core does not have. The core is plain RV32I:
#  - no M extension (mul, mulh, mulhsu, mulhu, div, divu, rem, remu): the
#    NPU has no multiplier;
#  - no 16-bit (C extension) encodings.
set -eu

if [ $# -ne 2 ]; then
	echo "usage: $0 OBJDUMP FILE" >&2
	exit 2
fi
objdump=$1
file=$2

dis=$("$objdump" -d -M no-aliases "$file") || {
	echo "check-isa: cannot disassemble $file" >&2
	exit 1
}

# objdump -d lines: "   addr:	encoding          	mnemonic	operands"
insns=$(printf '%s\n' "$dis" | grep -E '^ +[0-9a-f]+:	[0-9a-f]+ ' || true)
if [ -z "$insns" ]; then
	echo "check-isa: no instructions found in $file" >&2
	exit 1
fi

status=0
mext=$(printf '%s\n' "$insns" |
	grep -E '	(mul|mulh|mulhsu|mulhu|div|divu|rem|remu)(	|$)' || true)
if [ -n "$mext" ]; then
	echo "check-isa: $file contains M-extension instructions (the potnpu control core has no multiplier):" >&2
	printf '%s\n' "$mext" >&2
	status=1
fi

short=$(printf '%s\n' "$insns" | grep -E '^ +[0-9a-f]+:	[0-9a-f]{4} ' || true)
if [ -n "$short" ]; then
	echo "check-isa: $file contains 16-bit (compressed) instructions (the control core is RV32I only):" >&2
	printf '%s\n' "$short" >&2
	status=1
fi

count=$(printf '%s\n' "$insns" | wc -l)
if [ $status -eq 0 ]; then
	echo "check-isa: $file: $count instructions, all RV32I without M or C"
fi
exit $status
