#!/usr/bin/env bash
# Source coverage of the code under test, reached by a corpus: replays every
# input on a clang -fprofile-instr-generate build (-DVLF_COVERAGE=ON) and
# prints llvm-cov's line and branch figures, per file and for the functions
# that put LAPIC interrupts into the guest.
#
#   scripts/coverage.sh [--target=model|freebsd] [--tree=DIR] [--policy=P]
#                       [--suppress=SITE,..] [--out=DIR] <corpus dir | file>...
#
#   model:   vmm_src/model/*.c
#   freebsd: the tree's vlapic.c, vmm_lapic.c and svm.c (default tree:
#            vmm_src/freebsd), and the functions svm_inj_interrupts,
#            svm_inj_intinfo, svm_update_virqinfo, svm_save_intinfo,
#            enable/disable_intr_window_exiting, vlapic_pending_intr,
#            vlapic_intr_accepted, vlapic_set_intr_ready
#
# --policy forces the model's policy (as merge-corpus.sh does for a merged
# corpus); FreeBSD inputs run as the fuzzer wrote them. The build goes to
# build/cov-<target>; the profile, the full report and an lcov file to --out
# (default out/coverage-<target>/). Violations do not stop the replay.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
target=model tree="" policy="" suppress="" out=""
inputs=()
for a in "$@"; do
	case "$a" in
	--target=*) target=${a#*=} ;;
	--tree=*) tree=${a#*=} ;;
	--policy=*) policy=${a#*=} ;;
	--suppress=*) suppress=${a#*=} ;;
	--out=*) out=${a#*=} ;;
	-h|--help) sed -n '2,20p' "$0"; exit 0 ;;
	-*) echo "coverage.sh: unknown option '$a' (try --help)" >&2; exit 2 ;;
	*) inputs+=("$a") ;;
	esac
done
case "$target" in model|freebsd) ;; *)
	echo "coverage.sh: unknown target '$target' (model, freebsd)" >&2; exit 2 ;;
esac
case "$policy" in ''|virq|virq-pending|eventinj) ;; *)
	echo "coverage.sh: unknown policy '$policy' (virq, virq-pending, eventinj)" >&2; exit 2 ;;
esac
[ ${#inputs[@]} -gt 0 ] || { echo "coverage.sh: no corpus given (try --help)" >&2; exit 2; }
for i in "${inputs[@]}"; do
	[ -e "$i" ] || { echo "coverage.sh: no such corpus file or directory: $i" >&2; exit 2; }
done
if [ "$target" = freebsd ]; then
	[ -n "$tree" ] || tree="$root/vmm_src/freebsd"
	[ -f "$tree/sys/amd64/vmm/io/vlapic.c" ] || {
		echo "coverage.sh: no FreeBSD tree at $tree (sys/amd64/vmm/io/vlapic.c missing; see vmm_src/README.md)" >&2
		exit 2
	}
	tree=$(cd "$tree" && pwd -P)
elif [ -n "$tree" ]; then
	echo "coverage.sh: --tree is for --target=freebsd" >&2
	exit 2
fi
for tool in clang llvm-profdata llvm-cov; do
	command -v "$tool" >/dev/null || { echo "coverage.sh: $tool not found (scripts/setup.sh installs it)" >&2; exit 2; }
done
[ -n "$out" ] || out="$root/out/coverage-$target"
mkdir -p "$out"
out=$(cd "$out" && pwd)

build="$root/build/cov-$target"
args=(-DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Debug -DVLF_COVERAGE=ON -DVLF_TARGET="$target")
[ "$target" = model ] || args+=(-DFREEBSD_SRC="$tree")
cmake -S "$root" -B "$build" "${args[@]}" >"$out/configure.log" 2>&1 || {
	grep -m1 'CMake Error' -A3 "$out/configure.log" | tr -s ' \n' ' ' >&2
	echo >&2
	exit 2
}
if [ "$target" = model ]; then
	replay="$build/vlf-replay-model"
	files=("$root"/vmm_src/model/*.c)
else
	replay="$build/targets/freebsd/vlf-replay-freebsd"
	files=("$tree/sys/amd64/vmm/io/vlapic.c" "$tree/sys/amd64/vmm/vmm_lapic.c"
		"$tree/sys/amd64/vmm/amd/svm.c")
fi
cmake --build "$build" -j"$(nproc)" --target "$(basename "$replay")" >"$out/build.log" 2>&1 || {
	echo "coverage.sh: build failed, see $out/build.log" >&2
	exit 1
}

ropts=(-q)
[ -z "$policy" ] || ropts+=(--policy="$policy")
[ -z "$suppress" ] || ropts+=(--suppress="$suppress")
rm -f "$out"/*.profraw
n=0
for i in "${inputs[@]}"; do
	n=$((n + 1))
	# Exit 1 is a violation, which is coverage too; 2 is an unreadable input.
	LLVM_PROFILE_FILE="$out/cov-$n.profraw" "$replay" "${ropts[@]}" "$i" >/dev/null 2>"$out/replay-$n.err" ||
		[ $? -eq 1 ] || { echo "coverage.sh: replay of $i failed: $(head -1 "$out/replay-$n.err")" >&2; exit 1; }
done
llvm-profdata merge -sparse "$out"/cov-*.profraw -o "$out/cov.profdata"
llvm-cov report "$replay" -instr-profile="$out/cov.profdata" "${files[@]}" >"$out/report.txt"
llvm-cov report -show-functions "$replay" -instr-profile="$out/cov.profdata" "${files[@]}" \
	>"$out/functions.txt"
llvm-cov export -format=lcov "$replay" -instr-profile="$out/cov.profdata" "${files[@]}" \
	>"$out/cov.lcov"

inputs_n=$(find "${inputs[@]}" -type f | wc -l)
echo "coverage: $target target, $inputs_n input(s); report in ${out#$root/}/"
# Columns of llvm-cov report: Regions Missed Cover Functions Missed Executed
# Lines Missed Cover Branches Missed Cover.
awk 'NR > 2 && /^[^-]/ && NF >= 13 {
	printf "  %-28s lines %6s of %5d   branches %6s of %5d\n", $1, $10, $8, $13, $11 }' \
	"$out/report.txt" | sed "s|$root/||; s|${tree:-/nonexistent}/||"
if [ "$target" = freebsd ]; then
	# svm.c is compiled inside adapter.c: its statics are named adapter.c:<fn>.
	awk '{ sub(/^[^ :]*\.c:/, "", $1) }
	$1 ~ /^(svm_inj_interrupts|svm_inj_intinfo|svm_update_virqinfo|svm_save_intinfo|enable_intr_window_exiting|disable_intr_window_exiting|vlapic_pending_intr|vlapic_intr_accepted|vlapic_set_intr_ready)$/ && NF >= 10 {
		printf "  %-28s lines %6s of %5d   branches %6s of %5d\n", $1, $7, $5, $10, $8 }' \
		"$out/functions.txt"
fi
