#!/usr/bin/env bash
# Prints the oracle sites of the FreeBSD target's recorded findings as one
# comma-separated list (targets/freebsd/known-findings.txt), for --suppress=.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
grep -v '^[[:space:]]*\(#\|$\)' "$root/targets/freebsd/known-findings.txt" | paste -sd, -
