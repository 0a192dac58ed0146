#!/usr/bin/env bash
# check_corpus_dir.sh <vlf-replay> <policy|freebsd> <dir>: a merged campaign
# corpus, replayed as its campaign ran (scripts/merge-corpus.sh): the model's
# with the policy forced, clean under eventinj and readable under the
# others; the FreeBSD target's as bhyve runs, with the recorded findings let
# pass, clean.
set -euo pipefail
replay=$1 campaign=$2 dir=$3
root=$(cd "$(dirname "$0")/../.." && pwd)
n=$(find "$dir" -maxdepth 1 -type f ! -name '*.md' | wc -l)
[ "$n" -gt 0 ] || { echo "FAIL: $dir is empty"; exit 1; }
opts=(--policy="$campaign")
[ "$campaign" != freebsd ] || opts=(--cr8=passthrough "--suppress=$("$root/scripts/known-findings.sh")")
set +e
out=$("$replay" -q "${opts[@]}" "$dir" 2>&1)
rc=$?
set -e
case "$campaign:$rc" in
eventinj:0|freebsd:0) echo "ok: $n inputs, clean (${opts[*]})" ;;
eventinj:*|freebsd:*) echo "FAIL: ${opts[*]} (exit $rc):"; echo "$out" | grep -v ': clean' | head -n 20; exit 1 ;;
*:0|*:1) echo "ok: $n inputs readable under $campaign ($(echo "$out" | grep -c VIOLATION || true) with known violations)" ;;
*) echo "FAIL: unreadable input under $campaign (exit $rc):"; echo "$out" | head -n 20; exit 1 ;;
esac
