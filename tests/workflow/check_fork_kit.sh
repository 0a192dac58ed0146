#!/usr/bin/env bash
# check_fork_kit.sh <source dir> <work dir> <FreeBSD tree>: the FreeBSD fork
# kit's build script (ci/freebsd-fork/build.sh) run as OSS-Fuzz runs it
# ($SRC/vlapic-fuzz, $SRC/freebsd-src, CC, CFLAGS, LIB_FUZZING_ENGINE, OUT,
# WORK) fills $OUT; its fuzzer runs its seed corpus, lets a recorded finding
# pass, and reports two others as two crash states. Exit 77 (skipped) without
# a tree.
set -euo pipefail
src=$1 work=$2 tree=$3
fail() { echo "FAIL: $*"; exit 1; }
if [ ! -f "$tree/sys/amd64/vmm/io/vlapic.c" ]; then
	echo "skipped: no FreeBSD tree at $tree"
	exit 77
fi
name=vlf-fuzz-freebsd
rm -rf "$work"
mkdir -p "$work/src" "$work/out" "$work/work" "$work/corpus"
ln -s "$src" "$work/src/vlapic-fuzz"
ln -s "$(cd "$tree" && pwd)" "$work/src/freebsd-src"
cp "$src/ci/freebsd-fork/build.sh" "$work/src/build.sh"

set +e
msg=$(SRC="$work/src" CC=clang LIB_FUZZING_ENGINE=-fsanitize=fuzzer OUT="$work/out" \
	bash "$work/src/build.sh" "$work/no-tree" 2>&1)
rc=$?
set -e
[ "$rc" -eq 2 ] && [ "$(echo "$msg" | wc -l)" -eq 1 ] || fail "a missing tree: exit $rc: $msg"

SRC="$work/src" CC=clang CFLAGS="-fsanitize=address,fuzzer-no-link -O1 -gline-tables-only" \
	LIB_FUZZING_ENGINE=-fsanitize=fuzzer OUT="$work/out" WORK="$work/work" \
	bash "$work/src/build.sh"
for f in "$name" "$name.options" "$name.dict" "${name}_seed_corpus.zip"; do
	[ -s "$work/out/$f" ] || fail "\$OUT/$f missing"
done
unzip -q "$work/out/${name}_seed_corpus.zip" -d "$work/corpus"
nzip=$(find "$work/corpus" -type f | wc -l)
nfb=0
[ ! -d "$src/corpus/freebsd" ] || nfb=$(find "$src/corpus/freebsd" -maxdepth 1 -type f | wc -l)
[ "$nzip" -gt "$nfb" ] || fail "seed zip has $nzip inputs, corpus/freebsd alone $nfb"
fb=$(grep -s 'VLF_FB_LAPIC_VIA_VIRQ' "$work/work/vlf-freebsd/targets/freebsd/fb_config.h" || true)
if echo "$fb" | grep -q 'VIRQ 1'; then
	echo "ok: \$OUT filled ($nzip seeds); the tree predates the 2018 injection fix: not fuzzed"
	exit 0
fi
(cd "$work" && "$work/out/$name" -runs=300 -seed=1 -dict="$work/out/$name.dict" "$work/corpus" \
	>"$work/run.log" 2>&1) || { tail -n 30 "$work/run.log"; fail "the fuzzer failed on its seeds"; }
# libFuzzer runs every seed before counting -runs: at least 300, maybe more.
runs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$work/run.log")
[ "${runs:-0}" -ge 300 ] || fail "fewer than 300 runs (${runs:-none})"
# A recorded finding passes (built in), and is reported when forced back on.
eoi="$src/crashes/freebsd-12.1-RELEASE-eoi-mismatch-hwidle-tgtidle/input.bin"
"$work/out/$name" "$eoi" >"$work/known.log" 2>&1 || { tail -n 5 "$work/known.log"; fail "a recorded finding was not let pass"; }
python3 "$src/tests/workflow/check_crash_state.py" "$work/out/$name" "$work/work/vlf-freebsd/vlf-replay-model" \
	eoi-mismatch="$eoi" \
	delivery-late="$src/crashes/freebsd-15.0-Irid-delivery-late-hwidle-tgtidle/input.bin"
echo "ok: \$OUT filled ($nzip seeds), $runs runs clean, two findings two crash states"
