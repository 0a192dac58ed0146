#!/usr/bin/env bash
# check_minimize.sh <vlf-replay> <source dir> <work dir>
set -euo pipefail
replay=$1 src=$2 work=$3
rm -rf "$work"
mkdir -p "$work"
seed="$src/tests/repros/seed-215972.txt"
# pad the seed with operations and a vCPU that play no part in the bug
{
	sed 's/config vcpus=2/config vcpus=4/' "$seed"
	echo "read vcpu=2 reg=ppr"
	echo "ipi vcpu=3 dest=vcpu2 vector=0x90"
	echo "run vcpu=2"
	echo "nop vcpu=0"
} >"$work/padded.txt"
"$replay" --signature "$work/padded.txt" >"$work/sig0" || true
grep -q '^class: hwisr-tgtirr$' "$work/sig0" || { echo "FAIL: padded seed has another signature:"; cat "$work/sig0"; exit 1; }
"$replay" --minimize="$work/min.bin" "$work/padded.txt"
"$replay" --print "$work/min.bin" >"$work/min.txt"
cat "$work/min.txt"
ops=$(grep -vc -e '^#' -e '^config' "$work/min.txt")
[ "$ops" -le 3 ] || { echo "FAIL: $ops operations left (the seed's bug needs 3)"; exit 1; }
grep -q '^config vcpus=2 ' "$work/min.txt" || { echo "FAIL: vCPUs not reduced to 2"; exit 1; }
"$replay" --signature "$work/min.bin" >"$work/sig1" || true
diff <(grep -E '^(invariant|class):' "$work/sig0") <(grep -E '^(invariant|class):' "$work/sig1") ||
	{ echo "FAIL: the signature changed"; exit 1; }
# nothing to minimize in a clean program: exit 2, one line
set +e
msg=$("$replay" --minimize="$work/x.bin" "$src/corpus/ipi-roundtrip.txt" 2>&1)
rc=$?
set -e
[ "$rc" -eq 2 ] && [ "$(echo "$msg" | wc -l)" -eq 1 ] || { echo "FAIL: clean input: exit $rc: $msg"; exit 1; }
echo "ok: minimized to $ops operations"
