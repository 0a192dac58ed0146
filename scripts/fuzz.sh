#!/usr/bin/env bash
# The main job: build the libFuzzer target, fuzz one injection policy from an
# empty corpus until the first violation (or the time budget), then triage
# the crash into crashes/<signature>/.
#
#   scripts/fuzz.sh [--policy=virq|virq-pending|eventinj] [--target=model|freebsd]
#                   [--tree=DIR] [--time=SECONDS] [--seed=N] [--keep-corpus]
#                   [-- libFuzzer flags...]
# (--tree: the FreeBSD tree for --target=freebsd, default vmm_src/freebsd)
#
# Flags after -- go to libFuzzer, e.g. parallel campaigns on N cores:
#   scripts/fuzz.sh --policy=eventinj --time=600 -- -fork=2
#   scripts/fuzz.sh --policy=eventinj --time=600 -- -jobs=4 -workers=2
# (libFuzzer runs from the work dir, so -jobs' fuzz-N.log files land there).
# The dictionary fuzz/vlf.dict is always passed. AFL++: scripts/afl.sh.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
policy=virq target=model budget=600 seed=0 keep=0 tree="$root/vmm_src/freebsd"
extra=()
while [ $# -gt 0 ]; do
	case "$1" in
	--policy=*) policy=${1#*=} ;;
	--target=*) target=${1#*=} ;;
	--tree=*) tree=${1#*=} ;;
	--time=*) budget=${1#*=} ;;
	--seed=*) seed=${1#*=} ;;
	--keep-corpus) keep=1 ;;
	--) shift; extra=("$@"); break ;;
	-h|--help) sed -n '2,15p' "$0"; exit 0 ;;
	*) echo "fuzz.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
	esac
	shift
done
case "$policy" in virq|virq-pending|eventinj) ;; *)
	echo "fuzz.sh: unknown policy '$policy' (virq, virq-pending, eventinj)" >&2; exit 2 ;;
esac
case "$budget" in ''|*[!0-9]*) echo "fuzz.sh: --time wants seconds, not '$budget'" >&2; exit 2 ;; esac
case "$target" in model|freebsd) ;; *)
	echo "fuzz.sh: unknown target '$target' (model, freebsd)" >&2; exit 2 ;;
esac
if [ "$target" = freebsd ] && [ ! -f "$tree/sys/amd64/vmm/io/vlapic.c" ]; then
	echo "fuzz.sh: no FreeBSD tree at $tree (sys/amd64/vmm/io/vlapic.c missing; see vmm_src/README.md)" >&2
	exit 2
fi

"$root/scripts/setup.sh"
build="$root/build/fuzz"
cmake_args=(-DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo)
[ "$target" = model ] || cmake_args+=(-DVLF_TARGET="$target" -DFREEBSD_SRC="$(cd "$tree" && pwd)")
cmake -S "$root" -B "$build" "${cmake_args[@]}" >/dev/null
cmake --build "$build" -j"$(nproc)" --target "vlf-fuzz-$target" "vlf-replay-$target" >/dev/null

work="$root/out/$target-$policy"
[ "$keep" = 1 ] || rm -rf "$work"
mkdir -p "$work/corpus" "$work/artifacts"
echo "fuzz: $target target, policy $policy, up to ${budget}s; work dir ${work#$root/}" >&2
set +e
fuzzer="$build/vlf-fuzz-$target"
fopts=(--policy="$policy")
if [ "$target" = freebsd ]; then
	fuzzer="$build/targets/freebsd/vlf-fuzz-freebsd"
	# bhyve does not intercept CR8 writes; recorded findings are let pass.
	fopts+=(--cr8=passthrough "--suppress=$("$root/scripts/known-findings.sh")")
fi
(cd "$work" && "$fuzzer" "${fopts[@]}" -seed="$seed" -max_total_time="$budget" \
	-artifact_prefix="$work/artifacts/" -print_final_stats=1 -dict="$root/fuzz/vlf.dict" \
	"${extra[@]}" "$work/corpus" 2>"$work/fuzz.log")
rc=$?
set -e
grep -E '^(stat::|VIOLATION|SUMMARY)' "$work/fuzz.log" | sort -u >&2 || true
crashes=("$work"/artifacts/crash-*)
if [ ! -e "${crashes[0]}" ]; then
	echo "fuzz: no violation in ${budget}s (libFuzzer exit $rc); log: ${work#$root/}/fuzz.log" >&2
	exit 0
fi
set +e
"$root/scripts/triage.sh" --policy="$policy" --target="$target" "${crashes[@]}" 2>&1 | tee "$work/triage.log" >&2
rc=${PIPESTATUS[0]}
set -e
# Point at the repro, whether this campaign filed it or found it already kept.
entry=$(sed -n 's/.*\(new finding\|duplicate of\) \(crashes\/[^ :]*\).*/\2/p' "$work/triage.log" | head -n1)
if [ -n "$entry" ]; then
	rbin=build/fuzz/vlf-replay-$target
	[ "$target" = model ] || rbin=build/fuzz/targets/$target/vlf-replay-$target
	echo "fuzz: repro: $entry/input.txt (report: $entry/REPORT.md)" >&2
	echo "fuzz: replay it: $rbin --timeline $entry/input.txt" >&2
fi
exit "$rc"
