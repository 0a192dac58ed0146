#!/usr/bin/env bash
# A recorded UBSan finding still reproduces: the repro, replayed on a build of
# the FreeBSD target with UBSan and no suppression (recoverable, so every
# site reports once), gives the expected runtime error with the named
# function in the top frame.
#   check_ubsan_finding.sh <vlf-replay-freebsd-ubsan-raw> <function> <check> <repro>
set -uo pipefail
replay=$1 fn=$2 check=$3 repro=$4
case "$check" in
shift-base) want="left shift of 1 by 31 places cannot be represented in type 'int'" ;;
*) echo "FAIL: no expected message for check '$check'"; exit 1 ;;
esac
out=$(UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=0:symbolize=1 "$replay" -q "$repro" 2>&1)
# Each report: "<file>:<line>:<col>: runtime error: <msg>" then "#0 ... in <fn> ...".
if awk -v want="$want" -v fn="$fn" '
	index($0, "runtime error: " want) { armed = 1; next }
	armed && /^ *#0 / { if ($0 ~ (" in " fn " ")) found = 1; armed = 0 }
	END { exit !found }' <<<"$out"; then
	echo "$fn: $check reproduced by ${repro##*/}"
	exit 0
fi
echo "FAIL: no '$want' report from $fn() for $repro:"
echo "$out" | grep -A2 'runtime error' | head -20
exit 1
