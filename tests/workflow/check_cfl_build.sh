#!/usr/bin/env bash
# check_cfl_build.sh <source dir> <work dir>: .clusterfuzzlite/build.sh with
# the variables OSS-Fuzz/ClusterFuzzLite set, then a few hundred runs of the
# fuzzer on its seed corpus zip.
set -euo pipefail
src=$1 work=$2
fail() { echo "FAIL: $*"; exit 1; }
rm -rf "$work"
mkdir -p "$work/out" "$work/work" "$work/corpus"
name=vlf-fuzz-model-eventinj
# a missing variable: one line, exit 2
set +e
msg=$(env -u OUT CC=clang LIB_FUZZING_ENGINE=-fsanitize=fuzzer bash "$src/.clusterfuzzlite/build.sh" 2>&1)
rc=$?
set -e
[ "$rc" -eq 2 ] && echo "$msg" | grep -q 'OUT is not set' || fail "OUT unset: exit $rc: $msg"

CC=clang CFLAGS="-fsanitize=address,fuzzer-no-link -O1 -gline-tables-only" \
	LIB_FUZZING_ENGINE=-fsanitize=fuzzer OUT="$work/out" SRC="$(dirname "$src")" WORK="$work/work" \
	bash "$src/.clusterfuzzlite/build.sh"
for f in "$name" "$name.options" "$name.dict" "${name}_seed_corpus.zip"; do
	[ -s "$work/out/$f" ] || fail "\$OUT/$f missing"
done
[ -x "$work/out/$name" ] || fail "$name is not executable"
grep -q "^dict = $name.dict$" "$work/out/$name.options" || fail ".options does not name the dict"
cmp -s "$src/fuzz/vlf.dict" "$work/out/$name.dict" || fail ".dict is not fuzz/vlf.dict"
ntxt=$(find "$src/corpus" -maxdepth 1 -name '*.txt' | wc -l)
nzip=$(unzip -Z1 "$work/out/${name}_seed_corpus.zip" | wc -l)
[ "$nzip" -ge "$ntxt" ] || fail "seed zip has $nzip inputs, corpus/ has $ntxt"
unzip -q "$work/out/${name}_seed_corpus.zip" -d "$work/corpus"
(cd "$work" && ASAN_OPTIONS=detect_leaks=1 "$work/out/$name" -runs=400 -seed=1 \
	-dict="$work/out/$name.dict" "$work/corpus" >"$work/run.log" 2>&1) || { tail -n 30 "$work/run.log"; fail "the fuzzer failed"; }
grep -q '^Done 400 runs' "$work/run.log" || { tail -n 5 "$work/run.log"; fail "fewer than 400 runs"; }
grep -q "INITED .* corp: $nzip/" "$work/run.log" || grep -q "INITED" "$work/run.log" || fail "corpus not loaded"
echo "ok: $name, .options, .dict, seed corpus of $nzip inputs; 400 runs"
