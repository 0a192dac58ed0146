#!/usr/bin/env bash
# The seeded-bug benchmark (ground-truth bugs, in the spirit of Magma).
#
# For each defect of bench/seeded-bugs.txt: build the model's libFuzzer
# target with that defect switched on (-DVLF_SEEDED_BUG=<bug>, clang, in
# build/seeded/<bug>), fuzz it under the bug's policy from an EMPTY corpus
# for the budget, one job at a time under nice, and report whether the
# oracle caught it, by which invariant, after how long and how many
# executions. A crash counts as a catch only if the unmodified model
# replays it clean (so a policy's own bug cannot pass for the seeded one).
# A caught crash is minimized (libFuzzer -minimize_crash) for its op count.
#
#   bench/seeded-bugs.sh [--budget=SECONDS] [--bugs=a,b,...] [--seed=N]
#                        [--minimize=SECONDS] [--out=FILE]
#
#   --budget    fuzzing time per bug (default 60)
#   --bugs      a comma-separated subset of bench/seeded-bugs.txt (default all)
#   --seed      libFuzzer -seed (default 1)
#   --minimize  time for minimizing each caught crash, 0 to skip (default 10)
#   --out       where the markdown table goes (default bench/results/seeded-bugs.md)
#
# Prints the table and writes it to --out; work files go to out/seeded/<bug>/.
# Exit status: 0 every bug caught, 1 some bug escaped, 2 bad usage.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
me=seeded-bugs.sh
registry="$root/bench/seeded-bugs.txt"
budget=60 seed=1 minimize=10 bugs_arg="" out="$root/bench/results/seeded-bugs.md"
cmdline="bench/seeded-bugs.sh${*:+ $*}"

die() { echo "$me: $*" >&2; exit 2; }
uint() { case "$2" in '' | *[!0-9]*) die "$1 wants a whole number${3:+ of $3}, not '$2'" ;; esac; }

while [ $# -gt 0 ]; do
	case "$1" in
	--budget=*) budget=${1#*=}; uint --budget "$budget" seconds ;;
	--bugs=*) bugs_arg=${1#*=}; [ -n "$bugs_arg" ] || die "--bugs wants a comma-separated list of bug names" ;;
	--seed=*) seed=${1#*=}; uint --seed "$seed" ;;
	--minimize=*) minimize=${1#*=}; uint --minimize "$minimize" seconds ;;
	--out=*) out=${1#*=}; [ -n "$out" ] || die "--out wants a file name" ;;
	-h | --help) sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) die "unknown option '$1' (try --help)" ;;
	esac
	shift
done
[ "$budget" -gt 0 ] || die "--budget wants at least 1 second, not '$budget'"
case "$out" in /*) ;; *) out="$PWD/$out" ;; esac

# The registry: "name policy description..." lines.
declare -A policy_of=()
all=()
while read -r name pol _; do
	case "$name" in '' | \#*) continue ;; esac
	policy_of[$name]=$pol
	all+=("$name")
done <"$registry"

bugs=()
if [ -n "$bugs_arg" ]; then
	IFS=, read -r -a req <<<"$bugs_arg"
	for b in "${req[@]}"; do
		[ -n "${policy_of[$b]+x}" ] || die "unknown bug '$b' (see bench/seeded-bugs.txt)"
		bugs+=("$b")
	done
else
	bugs=("${all[@]}")
fi

[ ! -x "$root/scripts/setup.sh" ] || "$root/scripts/setup.sh"
command -v clang >/dev/null || die "clang not found"

jobs=$(nproc 2>/dev/null || echo 2)
[ "$jobs" -le 2 ] || jobs=2
configure_build() { # dir, seeded bug ('' for none), targets...
	local dir=$1 bug=$2
	shift 2
	cmake -S "$root" -B "$dir" -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo \
		-DVLF_SEEDED_BUG="$bug" >"$dir.configure.log" 2>&1 ||
		{ cat "$dir.configure.log" >&2; echo "$me: configuring $dir failed" >&2; exit 1; }
	nice -n 10 cmake --build "$dir" -j"$jobs" --target "$@" >"$dir.build.log" 2>&1 ||
		{ tail -30 "$dir.build.log" >&2; echo "$me: building $dir failed" >&2; exit 1; }
}

# libFuzzer keys its table of recent compares by PC: with ASLR the same
# -seed takes other paths from run to run. Without it, runs repeat exactly.
norand=() aslr="ASLR off (\`setarch -R\`), so a run repeats exactly"
if setarch "$(uname -m)" -R true 2>/dev/null; then
	norand=(setarch "$(uname -m)" -R)
else
	aslr="ASLR on (\`setarch -R\` refused here), so executions vary between runs"
fi

mkdir -p "$root/build/seeded"
echo "$me: building the unmodified model (build/seeded/baseline)" >&2
configure_build "$root/build/seeded/baseline" "" vlf-replay-model
baseline="$root/build/seeded/baseline/vlf-replay-model"

# One row per bug: bug policy caught invariant seconds executions min-ops
rows=()
escaped=0
for bug in "${bugs[@]}"; do
	pol=${policy_of[$bug]}
	dir="$root/build/seeded/$bug"
	work="$root/out/seeded/$bug"
	echo "$me: $bug: building build/seeded/$bug" >&2
	configure_build "$dir" "$bug" vlf-fuzz-model
	fuzzer="$dir/vlf-fuzz-model"
	rm -rf "$work"
	mkdir -p "$work/corpus" "$work/artifacts"

	echo "$me: $bug: fuzzing under $pol for up to ${budget}s" >&2
	t0=$EPOCHREALTIME
	set +e
	"${norand[@]}" nice -n 10 "$fuzzer" --policy="$pol" -seed="$seed" -max_total_time="$budget" \
		-artifact_prefix="$work/artifacts/" -print_final_stats=1 "$work/corpus" \
		>"$work/fuzz.log" 2>&1
	set -e
	t1=$EPOCHREALTIME
	secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/fuzz.log" | tail -1)
	crash=$(find "$work/artifacts" -name 'crash-*' -type f | sort | head -1)

	caught=no inv=- minops=-
	if [ -n "$crash" ]; then
		inv=$(sed -n 's/^VIOLATION \([a-z-]*\) .*/\1/p' "$work/fuzz.log" | head -1)
		[ -n "$inv" ] || inv="(no violation: $(grep -m1 -o 'ERROR: [A-Za-z]*: [a-z -]*' "$work/fuzz.log" || echo 'see fuzz.log'))"
		cp "$crash" "$work/crash.bin"
		"$baseline" --print --policy="$pol" "$work/crash.bin" >"$work/crash.txt" 2>/dev/null || true
		if "$baseline" -q --policy="$pol" --expect=clean "$work/crash.bin" >"$work/baseline.log" 2>&1; then
			caught=yes
		else
			caught="no (unmodified model: $(sed -n 's/.*VIOLATION \([a-z-]*\) .*/\1/p' "$work/baseline.log" | head -1))"
		fi
	fi
	if [ "$caught" = yes ] && [ "$minimize" -gt 0 ]; then
		echo "$me: $bug: minimizing the crash (${minimize}s)" >&2
		set +e
		"${norand[@]}" nice -n 10 "$fuzzer" --policy="$pol" -minimize_crash=1 -max_total_time="$minimize" \
			-exact_artifact_path="$work/min.bin" "$work/crash.bin" >"$work/minimize.log" 2>&1
		set -e
		# Minimizing may drift to another crash: keep it only if it still is
		# the seeded bug's (clean on the unmodified model).
		if [ ! -s "$work/min.bin" ] ||
			! "$baseline" -q --policy="$pol" --expect=clean "$work/min.bin" >/dev/null 2>&1; then
			cp "$work/crash.bin" "$work/min.bin"
		fi
		if "$baseline" --print --policy="$pol" "$work/min.bin" >"$work/min.txt" 2>/dev/null; then
			minops=$(grep -cv -e '^#' -e '^config ' -e '^$' "$work/min.txt" || true)
		fi
	fi
	[ "$caught" = yes ] || escaped=$((escaped + 1))
	echo "$me: $bug: caught=$caught invariant=$inv time=${secs}s execs=${execs:-?} min-ops=$minops" >&2
	rows+=("| \`$bug\` | $pol | $caught | $inv | $secs | ${execs:-?} | $minops |")
done

table() {
	echo "# Seeded-bug benchmark"
	echo
	echo "Produced by \`$cmdline\`."
	echo
	echo "Each bug of \`bench/seeded-bugs.txt\` is built into the model target"
	echo "(\`-DVLF_SEEDED_BUG=<bug>\`) and fuzzed under its policy from an empty corpus:"
	echo "one libFuzzer job, \`-seed=$seed\`, budget ${budget}s, $aslr."
	echo "*Caught*: the fuzzer stopped on a violation that the unmodified model replays"
	echo "clean. *Time*: wall clock to the crash, start-up included (machine-dependent)."
	echo "*Min. ops*: operations left after \`-minimize_crash\` for ${minimize}s ('-': not"
	echo "minimized; the drain that ends every run does the rest). Crashes, logs and the"
	echo "minimized programs: \`out/seeded/<bug>/\`; hand-written repros, replayed by"
	echo "CTest: \`tests/seeded/repros/\`."
	echo
	echo "| bug | policy | caught | invariant | time (s) | executions | min. ops |"
	echo "|---|---|---|---|---:|---:|---:|"
	printf '%s\n' "${rows[@]}"
	echo
	echo "$(( ${#bugs[@]} - escaped )) of ${#bugs[@]} caught."
}
mkdir -p "$(dirname "$out")"
table | tee "$out"
[ "$escaped" -eq 0 ]
