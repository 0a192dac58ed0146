#!/usr/bin/env bash
# check_triage.sh <source dir> <build dir> <work dir>
# A libFuzzer crash of the virq policy is triaged into one entry of a few
# operations with a full REPORT.md; the same bug as an AFL++ crash file
# (policy forced at decode, so the header says otherwise) is a duplicate.
set -euo pipefail
src=$1 bin=$2 work=$3
replay="$bin/vlf-replay-model" fuzzer="$bin/vlf-fuzz-model"
triage=(bash "$src/scripts/triage.sh" --build-dir="$bin" --afl-build-dir="$work/no-afl-build"
	--crashes-dir="$work/crashes")
fail() { echo "FAIL: $*"; exit 1; }
rm -rf "$work"
mkdir -p "$work/corpus" "$work/lf"
"$fuzzer" --policy=virq -seed=1 -runs=500000 -artifact_prefix="$work/lf/" "$work/corpus" \
	>"$work/fuzz.log" 2>&1 && fail "libFuzzer found nothing"
crash=$(find "$work/lf" -name 'crash-*' | head -n1)
[ -n "$crash" ] || fail "no crash file"

"${triage[@]}" "$crash" 2>&1 | tee "$work/triage1.log"
entries=("$work"/crashes/*)
[ ${#entries[@]} -eq 1 ] || fail "${#entries[@]} entries, want 1"
e=${entries[0]}
case "$(basename "$e")" in model-virq-lost-vector-hw*-tgt*) ;; *) fail "entry name $(basename "$e")" ;; esac
for f in input.bin input.txt signature.txt timeline.txt REPORT.md; do
	[ -s "$e/$f" ] || fail "$f missing"
done
ops=$(grep -vc -e '^#' -e '^config' "$e/input.txt")
[ "$ops" -le 5 ] || fail "$ops operations after minimization"
"$replay" --check-expect "$e/input.txt" >/dev/null || fail "input.txt does not replay to its verdict"
"$replay" --expect=lost-vector "$e/input.bin" >/dev/null || fail "input.bin does not replay on its own"
for h in '^# bhyve/amd64 SVM: lost-vector' '^## Summary' '^## How it happens' '\*\*This is where the request is lost\*\*' \
	'^## Expected versus actual' '| ISR | .* \*\*differs\*\* |' '^## Reproduce' "vlf-replay-model --timeline .*input.txt"; do
	grep -q -- "$h" "$e/REPORT.md" || fail "REPORT.md lacks '$h'"
done
sum=$(cat "$e"/* | cksum)

# The same crash as AFL++ saves it: the header's policy bits say eventinj
# (AFL++ forces VLF_POLICY at decode, not in the file).
mkdir -p "$work/afl/out/main/crashes"
afl="$work/afl/out/main/crashes/id:000000,sig:06,src:000000,time:1,execs:1,op:havoc,rep:2"
b0=$(od -An -tu1 -N1 "$crash" | tr -d ' ')
printf "\\$(printf '%03o' $(((b0 & ~12) | 8)))" >"$afl"
tail -c +2 "$crash" >>"$afl"
"$replay" -q "$afl" >/dev/null || fail "the AFL-style file violates without --policy: the test proves nothing"
# no policy anywhere: one line, exit 2
set +e
msg=$("${triage[@]}" "$afl" 2>&1)
rc=$?
set -e
[ "$rc" -eq 2 ] && echo "$msg" | grep -q 'needs --policy=' || fail "no policy: exit $rc: $msg"
# the campaign's vlf-policy file (scripts/afl.sh writes it) gives the policy
echo virq >"$work/afl/vlf-policy"
"${triage[@]}" "$work/afl/out" 2>&1 | tee "$work/triage2.log"
grep -q "duplicate of .*$(basename "$e")" "$work/triage2.log" || fail "AFL++ crash not recognised as a duplicate"
entries=("$work"/crashes/*)
[ ${#entries[@]} -eq 1 ] || fail "${#entries[@]} entries after the duplicate"
[ "$(cat "$e"/* | cksum)" = "$sum" ] || fail "the entry was rewritten"

# bad usage: one line, exit 2
set +e
msg=$("${triage[@]}" --bogus "$crash" 2>&1); rc=$?
set -e
[ "$rc" -eq 2 ] && [ "$(echo "$msg" | wc -l)" -eq 1 ] || fail "--bogus: exit $rc: $msg"
set +e
msg=$("${triage[@]}" "$work/nonexistent" 2>&1); rc=$?
set -e
[ "$rc" -eq 2 ] && echo "$msg" | grep -q 'nonexistent: no such file' || fail "missing file: exit $rc: $msg"
echo "ok: $(basename "$e"), $ops operations; AFL++ copy a duplicate"
