#!/usr/bin/env bash
# check_corpus_dir.sh <vlf-replay> <policy> <dir>: a merged campaign corpus.
set -euo pipefail
replay=$1 policy=$2 dir=$3
n=$(find "$dir" -maxdepth 1 -type f ! -name '*.md' | wc -l)
[ "$n" -gt 0 ] || { echo "FAIL: $dir is empty"; exit 1; }
set +e
out=$("$replay" -q --policy="$policy" "$dir" 2>&1)
rc=$?
set -e
case "$policy:$rc" in
eventinj:0) echo "ok: $n inputs, clean under eventinj" ;;
eventinj:*) echo "FAIL: under eventinj (exit $rc):"; echo "$out" | head -n 20; exit 1 ;;
*:0|*:1) echo "ok: $n inputs readable under $policy ($(echo "$out" | grep -c VIOLATION || true) with known violations)" ;;
*) echo "FAIL: unreadable input under $policy (exit $rc):"; echo "$out" | head -n 20; exit 1 ;;
esac
