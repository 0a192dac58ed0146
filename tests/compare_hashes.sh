#!/usr/bin/env bash
# Compares this build's trace hashes with those of its sibling builds (gcc,
# clang+sanitizers, fuzz; scripts/test.sh makes all three): the same input
# must give the same trace whatever the compiler. Exit 77 (skipped) when no
# sibling build has written its hashes yet.
set -euo pipefail
mine=$1 builds=$2
[ -s "$mine" ] || { echo "no trace hashes at $mine" >&2; exit 1; }
n=0
# Only the builds scripts/test.sh makes: other directories may hold hashes
# of another revision.
for o in "$builds"/gcc/trace-hashes.txt "$builds"/clang-san/trace-hashes.txt "$builds"/fuzz/trace-hashes.txt; do
	[ -e "$o" ] || continue
	[ "$(cd "$(dirname "$o")" && pwd)" = "$(cd "$(dirname "$mine")" && pwd)" ] && continue
	if ! cmp -s "$mine" "$o"; then
		echo "trace hashes differ between $mine and $o:" >&2
		diff "$mine" "$o" | head -5 >&2
		exit 1
	fi
	echo "same traces as $o ($(wc -l <"$o") inputs)"
	n=$((n + 1))
done
[ "$n" -gt 0 ] || { echo "SKIPPED: no sibling build's trace-hashes.txt under $builds"; exit 77; }
