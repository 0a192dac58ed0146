#!/usr/bin/env bash
# One command for the measurements: throughput and its limit, cost per
# operation, time to bug (guided vs. no feedback), coverage, and the
# injection-policy study. Writes bench/results/report.md and PNG plots.
#
#   bench/perf/run.sh [--seeds=N] [--budget=SECONDS] [--quick]
#
# --seeds   runs per time-to-bug measurement (default 10)
# --budget  seconds per policy-study campaign and per throughput run (default 40)
# --quick   tiny budgets, for checking the script itself
# Runs on the model target; needs about 15 minutes on two cores by default.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
seeds=10 budget=40
for a in "$@"; do
	case "$a" in
	--seeds=*) seeds=${a#*=} ;;
	--budget=*) budget=${a#*=} ;;
	--quick) seeds=3 budget=5 ;;
	-h | --help) sed -n '2,11p' "$0"; exit 0 ;;
	*) echo "bench: unknown option '$a' (try --help)" >&2; exit 2 ;;
	esac
done
for v in "$seeds" "$budget"; do
	case "$v" in '' | *[!0-9]* | 0) echo "bench: '$v' is not a positive number" >&2; exit 2 ;; esac
done

"$root/scripts/setup.sh"
if ! command -v gnuplot >/dev/null; then
	if [ "$(id -u)" -eq 0 ]; then
		apt-get install -y -qq gnuplot-nox >/dev/null
	else
		echo "bench: gnuplot is missing: apt-get install gnuplot-nox (as root)" >&2
		exit 1
	fi
fi

res="$root/bench/results"
work="$root/out/bench"
rm -rf "$work"
mkdir -p "$res" "$work"
jobs=$(nproc)
log() { echo "bench: $*" >&2; }

build() { # dir, cmake args...
	local d="$root/build/$1"
	shift
	cmake -S "$root" -B "$d" "$@" >/dev/null
	cmake --build "$d" -j"$jobs" >/dev/null
}
log "building: plain -O2, libFuzzer (+ASan+UBSan and without), coverage"
build bench -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Release -DVLF_FUZZERS=OFF
build fuzz -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo
build fuzz-nosan -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Release -DVLF_FUZZ_SANITIZERS=OFF
build cov -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Debug -DVLF_COVERAGE=ON
bench="$root/build/bench/vlf-bench-model"
fz="$root/build/fuzz/vlf-fuzz-model"
fzn="$root/build/fuzz-nosan/vlf-fuzz-model"
afl=""
if command -v afl-fuzz >/dev/null && [ -x "$root/scripts/afl.sh" ]; then
	if "$root/scripts/afl.sh" --build-only >/dev/null 2>&1 && [ -x "$root/build/afl/vlf-afl-model" ]; then
		afl="$root/build/afl/vlf-afl-model"
	fi
fi

stat_of() { # libFuzzer log, stat name
	grep -m1 "stat::$2:" "$1" | awk '{print $2}'
}

# ---- 1. a shared corpus, then throughput on it ------------------------------
log "corpus: ${budget}s of libFuzzer on eventinj from the seed corpus"
mkdir -p "$work/corpus"
cp "$root"/build/fuzz/seed_corpus/*.bin "$work/corpus/" 2>/dev/null || true
"$fz" --policy=eventinj -max_total_time="$budget" "$work/corpus" >"$work/corpus.log" 2>&1 || true
ninputs=$(ls "$work/corpus" | wc -l)

tp() { # name, fuzzer..., -> exec/s while fuzzing from a copy of the corpus
	local name=$1
	shift
	rm -rf "$work/tp-$name"
	cp -r "$work/corpus" "$work/tp-$name"
	"$@" --policy=eventinj -max_total_time="$budget" -print_final_stats=1 "$work/tp-$name" \
		>"$work/tp-$name.log" 2>&1 || true
	stat_of "$work/tp-$name.log" average_exec_per_sec
}
log "throughput: libFuzzer+ASan+UBSan, libFuzzer, AFL++, replay limit (${budget}s each)"
tp_san=$(tp san "$fz")
tp_nosan=$(tp nosan "$fzn")
tp_afl=""
if [ -n "$afl" ]; then
	rm -rf "$work/afl-out"
	AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 VLF_POLICY=eventinj \
		timeout $((budget + 30)) afl-fuzz -i "$work/corpus" -o "$work/afl-out" -V "$budget" -- "$afl" \
		>"$work/afl.log" 2>&1 || true
	tp_afl=$(awk -F: '/^execs_per_sec/ {gsub(/ /, "", $2); print int($2)}' "$work"/afl-out/default/fuzzer_stats 2>/dev/null || true)
fi
tp_limit=$("$bench" replay --seconds="$budget" "$work/corpus" | sed 's/.*exec_per_s=\([0-9]*\).*/\1/')

# ---- 2. cost per operation ---------------------------------------------------
log "scaling: ns per operation by program length and vCPU count"
: >"$work/scaling.dat"
for v in 1 2 3 4; do
	for o in 16 64 256 1024; do
		n=$((200000 / o))
		line=$("$bench" throughput --ops=$o --vcpus=$v --programs=$n)
		eps=$(echo "$line" | sed 's/.*exec_per_s=\([0-9]*\).*/\1/')
		nso=$(echo "$line" | sed 's/.*ns_per_op=\([0-9.]*\).*/\1/')
		echo "$v $o $eps $nso" >>"$work/scaling.dat"
	done
done
# libFuzzer+ASan+UBSan on 64-operation programs: fuzz from 64-op seeds, capped at 64 ops.
mkdir -p "$work/seed64"
python3 - "$work/seed64" <<'PY'
import os, random, sys
random.seed(64)
for i in range(64):
    with open(os.path.join(sys.argv[1], "p%02d" % i), "wb") as f:
        f.write(bytes([random.randrange(256) for _ in range(1 + 64 * 3)]))
PY
"$fz" --policy=eventinj -max_len=193 -len_control=0 -max_total_time="$budget" -print_final_stats=1 \
	"$work/seed64" >"$work/tp64.log" 2>&1 || true
tp64=$(stat_of "$work/tp64.log" average_exec_per_sec)

# ---- 3. time to bug: virq lost vector ----------------------------------------
log "time to bug: $seeds seeds each, libFuzzer / AFL++ / no feedback"
: >"$work/ttb.dat"
for s in $(seq 1 "$seeds"); do
	d="$work/ttb-lf-$s"
	mkdir -p "$d"
	t0=$(date +%s.%N)
	"$fz" --policy=virq -seed="$s" -artifact_prefix="$d/" -print_final_stats=1 "$d" >"$d.log" 2>&1 || true
	t1=$(date +%s.%N)
	echo "libfuzzer $s $(awk "BEGIN { print $t1 - $t0 }") $(stat_of "$d.log" number_of_executed_units)" >>"$work/ttb.dat"
	if [ -n "$afl" ]; then
		rm -rf "$work/ttb-afl-$s"
		t0=$(date +%s.%N)
		AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_BENCH_UNTIL_CRASH=1 VLF_POLICY=virq \
			timeout 300 afl-fuzz -s "$s" -i "$root/build/fuzz/seed_corpus" -o "$work/ttb-afl-$s" \
			-- "$afl" >"$work/ttb-afl-$s.log" 2>&1 || true
		t1=$(date +%s.%N)
		ex=$(awk -F: '/^execs_done/ {gsub(/ /, "", $2); print $2}' "$work/ttb-afl-$s"/default/fuzzer_stats 2>/dev/null || echo 0)
		echo "afl $s $(awk "BEGIN { print $t1 - $t0 }") $ex" >>"$work/ttb.dat"
	fi
	line=$("$bench" baseline --policy=virq --seed="$s")
	echo "baseline $s $(echo "$line" | sed 's/.*seconds=\([0-9.]*\).*/\1/') $(echo "$line" | sed 's/.*execs=\([0-9]*\).*/\1/')" >>"$work/ttb.dat"
done

# ---- 4. policy study ---------------------------------------------------------
log "policy study: 3 policies x CR8 intercept on/off, ${budget}s each, 2 at a time"
study() { # policy cr8
	local d="$work/study-$1-$2"
	mkdir -p "$d/corpus" "$d/crashes"
	"$fz" --policy="$1" --cr8="$2" -fork=1 -ignore_crashes=1 -max_total_time="$budget" \
		-artifact_prefix="$d/crashes/" "$d/corpus" >"$d.log" 2>&1 || true
	for c in "$d"/crashes/crash-*; do
		[ -e "$c" ] || continue
		"$root/build/fuzz/vlf-replay-model" -q "$c" | awk '{print $3}' || true
	done | sort | uniq -c | awk '{printf "%s(%s) ", $2, $1}' >"$d.invariants"
	"$bench" latency --policy="$1" --cr8="$2" "$d/corpus" >"$d.latency" 2>/dev/null || true
}
pids=()
for p in virq virq-pending eventinj; do
	for c in intercept passthrough; do
		study "$p" "$c" &
		pids+=($!)
		if [ ${#pids[@]} -ge "$jobs" ]; then
			wait "${pids[0]}" || true
			pids=("${pids[@]:1}")
		fi
	done
done
wait || true

# ---- 5. coverage ---------------------------------------------------------------
log "coverage: the study's and throughput corpora replayed on the coverage build"
cov="$root/build/cov"
rm -f "$work"/cov-*.profraw
i=0
for d in "$work/corpus" "$work"/study-*/corpus; do
	LLVM_PROFILE_FILE="$work/cov-$i.profraw" "$cov/vlf-replay-model" -q "$d" >/dev/null || true
	i=$((i + 1))
done
llvm-profdata merge -sparse "$work"/cov-*.profraw -o "$work/cov.profdata"
llvm-cov report "$cov/vlf-replay-model" -instr-profile="$work/cov.profdata" \
	"$root"/vmm_src/model/*.c >"$work/cov-report.txt"
llvm-cov export -format=lcov "$cov/vlf-replay-model" -instr-profile="$work/cov.profdata" \
	"$root"/vmm_src/model/*.c >"$work/cov.lcov"

# ---- report --------------------------------------------------------------------
log "writing bench/results/report.md and plots"
python3 "$root/bench/perf/report.py" "$work" "$res" "$root" \
	"tp_san=$tp_san" "tp_nosan=$tp_nosan" "tp_afl=$tp_afl" "tp_limit=$tp_limit" \
	"tp64=$tp64" "ninputs=$ninputs" "seeds=$seeds" "budget=$budget"
for g in "$res"/*.gp; do
	(cd "$res" && gnuplot "$g")
done
log "done: bench/results/report.md"
