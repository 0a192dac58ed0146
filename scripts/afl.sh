#!/usr/bin/env bash
# AFL++ campaign: build the fuzz target with afl-clang-fast (build/afl, or
# build/afl-lto with --compiler=lto; CMake
# -DVLF_AFL=ON: persistent mode through libAFLDriver, plus ASan, UBSan and
# CmpLog variants), then run a main instance and secondaries on the cores:
#   main  -M  plain binary, CmpLog (-c) on it
#   s1    -S  AddressSanitizer build      s2  -S  UBSan build
#   s3... -S  plain binary
# from the compiled seed corpus, with the dictionary fuzz/vlf.dict, for a
# time budget (stopping at the first crash unless --no-stop). The policy is
# forced with VLF_POLICY at decode (AFL++ has no custom-mutator hook here),
# so crash files keep whatever policy bits they have: triage replays them
# with --policy (scripts/triage.sh reads it from <work>/vlf-policy).
#
#   scripts/afl.sh [--policy=virq|virq-pending|eventinj] [--target=model|freebsd]
#                  [--time=SECONDS] [--jobs=N] [--compiler=fast|lto] [--no-stop]
#                  [--keep-corpus] [--build-only] [--no-triage] [-- afl-fuzz flags...]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
policy=virq target=model budget=600 jobs="" compiler=fast stop=1 keep=0 build_only=0 triage=1
extra=()
while [ $# -gt 0 ]; do
	case "$1" in
	--policy=*) policy=${1#*=} ;;
	--target=*) target=${1#*=} ;;
	--time=*) budget=${1#*=} ;;
	--jobs=*) jobs=${1#*=} ;;
	--compiler=*) compiler=${1#*=} ;;
	--no-stop) stop=0 ;;
	--keep-corpus) keep=1 ;;
	--build-only) build_only=1 ;;
	--no-triage) triage=0 ;;
	--) shift; extra=("$@"); break ;;
	-h|--help) sed -n '2,17p' "$0"; exit 0 ;;
	*) echo "afl.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
	esac
	shift
done
case "$policy" in virq|virq-pending|eventinj) ;; *)
	echo "afl.sh: unknown policy '$policy' (virq, virq-pending, eventinj)" >&2; exit 2 ;;
esac
case "$target" in model|freebsd) ;; *)
	echo "afl.sh: unknown target '$target' (model, freebsd)" >&2; exit 2 ;;
esac
case "$compiler" in fast|lto) ;; *)
	echo "afl.sh: --compiler wants fast or lto, not '$compiler'" >&2; exit 2 ;;
esac
case "$budget" in ''|*[!0-9]*|0) echo "afl.sh: --time wants seconds (> 0), not '$budget'" >&2; exit 2 ;; esac
[ -n "$jobs" ] || jobs=$(nproc 2>/dev/null || echo 1)
case "$jobs" in ''|*[!0-9]*|0) echo "afl.sh: --jobs wants a number > 0, not '$jobs'" >&2; exit 2 ;; esac

"$root/scripts/setup.sh"
build="$root/build/afl"
[ "$compiler" = fast ] || build="$root/build/afl-$compiler"
cmake_args=(-DCMAKE_C_COMPILER="afl-clang-$compiler" -DVLF_AFL=ON -DVLF_FUZZERS=OFF
	-DCMAKE_BUILD_TYPE=RelWithDebInfo)
[ "$target" = model ] || cmake_args+=(-DVLF_TARGET="$target")
echo "afl: building ${build#$root/} with afl-clang-$compiler" >&2
AFL_QUIET=1 cmake -S "$root" -B "$build" "${cmake_args[@]}" >/dev/null
AFL_QUIET=1 cmake --build "$build" -j"$jobs" --target vlf-afl vlf-seed-corpus >/dev/null
# triage replays and minimizes with the plain replay tool of build/fuzz
fuzz_args=(-DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo)
[ "$target" = model ] || fuzz_args+=(-DVLF_TARGET="$target")
cmake -S "$root" -B "$root/build/fuzz" "${fuzz_args[@]}" >/dev/null
cmake --build "$root/build/fuzz" -j"$jobs" --target "vlf-replay-$target" >/dev/null
bin="$build/vlf-afl-$target"
[ "$build_only" = 0 ] || { echo "afl: built $bin{,-asan,-ubsan,-cmplog}" >&2; exit 0; }

work="$root/out/afl-$target-$policy"
[ "$keep" = 1 ] || rm -rf "$work"
mkdir -p "$work/in" "$work/out"
echo "$policy" >"$work/vlf-policy"
cp "$build"/seed_corpus/*.bin "$work/in/"
if [ "$keep" = 1 ] && [ -d "$work/out/main/queue" ]; then
	input=- # resume
else
	input="$work/in"
fi

export VLF_POLICY="$policy" AFL_SKIP_CPUFREQ=1 AFL_NO_UI=1 AFL_NO_AFFINITY=1 \
	AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_SUPPRESS_PREFLIGHT=1 AFL_QUIET=1
[ "$stop" = 0 ] || export AFL_BENCH_UNTIL_CRASH=1
# FreeBSD, as in fuzz.sh: bhyve does not intercept CR8 writes, and the
# recorded findings pass. AFL++ forces the CR8 mode at decode, so the
# campaign keeps it in vlf-cr8 for triage (like vlf-policy).
if [ "$target" = freebsd ]; then
	export VLF_CR8=passthrough VLF_SUPPRESS="${VLF_SUPPRESS-$("$root/scripts/known-findings.sh")}"
	echo passthrough >"$work/vlf-cr8"
fi
common=(-i "$input" -o "$work/out" -V "$budget" -x "$root/fuzz/vlf.dict" "${extra[@]}")
echo "afl: $target target, policy $policy, $jobs instance(s), up to ${budget}s; work dir ${work#$root/}" >&2
pids=()
nice afl-fuzz -M main -c "$bin-cmplog" "${common[@]}" -- "$bin" >"$work/main.log" 2>&1 &
pids+=($!)
for ((i = 1; i < jobs; i++)); do
	case $i in 1) b="$bin-asan" ;; 2) b="$bin-ubsan" ;; *) b="$bin" ;; esac
	nice afl-fuzz -S "s$i" "${common[@]}" -- "$b" >"$work/s$i.log" 2>&1 &
	pids+=($!)
done
stop_all() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
}
trap stop_all INT TERM
# With AFL_BENCH_UNTIL_CRASH the first instance to crash ends: stop the rest.
status=0
while :; do
	alive=0 crashed=0
	for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && alive=$((alive + 1)); done
	if compgen -G "$work/out/*/crashes/id:*" >/dev/null; then crashed=1; fi
	[ "$alive" -gt 0 ] || break
	if [ "$stop" = 1 ] && [ "$crashed" = 1 ]; then
		sleep 1
		stop_all
	fi
	sleep 1
done
for p in "${pids[@]}"; do wait "$p" 2>/dev/null || status=1; done
trap - INT TERM
# AFL++'s own summary of the instances (execs, speed, corpus, crashes)
[ ! -s "$work/out/main/fuzzer_stats" ] || afl-whatsup -s "$work/out" 2>&1 | sed -n '/Summary stats/,$p' >&2 || true
if [ ! -s "$work/out/main/fuzzer_stats" ] && ! compgen -G "$work/out/*/crashes/id:*" >/dev/null; then
	echo "afl: afl-fuzz did not start (exit $status); log: ${work#$root/}/main.log" >&2
	tail -n 20 "$work/main.log" >&2
	exit 1
fi
crashes=()
while IFS= read -r f; do crashes+=("$f"); done < <(find "$work/out" -path '*/crashes/id:*' -type f | sort)
if [ ${#crashes[@]} -eq 0 ]; then
	echo "afl: no crash in ${budget}s; corpus in ${work#$root/}/out" >&2
	exit 0
fi
echo "afl: ${#crashes[@]} crash file(s)" >&2
[ "$triage" = 1 ] || exit 0
"$root/scripts/triage.sh" --engine=afl --policy="$policy" --target="$target" --afl-build-dir="$build" "${crashes[@]}"
