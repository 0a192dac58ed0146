#!/usr/bin/env bash
# The bounded fuzzing campaign CI runs after the tests: every fuzzable
# target/policy that is expected to be clean, from the compiled seed corpus
# (plus corpus/model-<policy>/ or corpus/freebsd/ if kept), for a fixed time each:
#   libFuzzer  model, eventinj     (build/fuzz, -fork on the cores)
#   AFL++      model, eventinj     (scripts/afl.sh: build/afl, main + secondaries)
#   libFuzzer  freebsd             (when vmm_src/freebsd exists, a build/*/
#                                   has vlf-fuzz-freebsd, and the tree is not
#                                   one that predates the fix of bug 215972)
# A crash is triaged into crashes/ and its REPORT.md printed; a new entry (or
# a crash that does not replay) fails the run. A duplicate of an entry
# crashes/ already holds is a known bug: reported, not a failure.
#
#   scripts/ci-campaign.sh [--time=SECONDS per campaign] [--no-afl] [--no-libfuzzer]
#                          [--policy=NAME] [--crashes-dir=DIR]
# --policy replaces eventinj for the model (virq or virq-pending show the
# failure path); --crashes-dir files the entries elsewhere than crashes/.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
budget=${VLF_CI_CAMPAIGN_TIME:-60} afl=1 libfuzzer=1 policy=eventinj crashdir="$root/crashes"
for a in "$@"; do
	case "$a" in
	--time=*) budget=${a#*=} ;;
	--no-afl) afl=0 ;;
	--no-libfuzzer) libfuzzer=0 ;;
	--policy=*) policy=${a#*=} ;;
	--crashes-dir=*) crashdir=${a#*=} ;;
	-h|--help) sed -n '2,17p' "$0"; exit 0 ;;
	*) echo "ci-campaign.sh: unknown option '$a' (try --help)" >&2; exit 2 ;;
	esac
done
case "$policy" in virq|virq-pending|eventinj) ;; *)
	echo "ci-campaign.sh: unknown policy '$policy' (virq, virq-pending, eventinj)" >&2; exit 2 ;;
esac
mkdir -p "$crashdir" || { echo "ci-campaign.sh: cannot create $crashdir" >&2; exit 2; }
crashdir=$(cd "$crashdir" && pwd)
case "$budget" in ''|*[!0-9]*|0) echo "ci-campaign.sh: --time wants seconds (> 0), not '$budget'" >&2; exit 2 ;; esac
jobs=$(nproc 2>/dev/null || echo 1)
"$root/scripts/setup.sh"
out="$root/out/ci"
rm -rf "$out"
mkdir -p "$out"
failed=0

entries() { find "$crashdir" -mindepth 1 -maxdepth 1 -type d 2>/dev/null | sort; }

# <name> <triage args...> -- <crash files...>: triage, print, judge
judge() {
	local name=$1 before after new rc=0
	shift
	before=$(entries)
	"$root/scripts/triage.sh" --crashes-dir="$crashdir" "$@" >"$out/$name.triage.log" 2>&1 || rc=$?
	cat "$out/$name.triage.log" >&2
	after=$(entries)
	new=$(comm -13 <(echo "$before") <(echo "$after") | sed '/^$/d')
	if [ -n "$new" ]; then
		echo "ci-campaign: $name: NEW VIOLATION(S):" >&2
		while IFS= read -r e; do
			echo "==== ${e#$root/}/REPORT.md" >&2
			cat "$e/REPORT.md" >&2
		done <<<"$new"
		failed=1
	fi
	if [ "$rc" -ne 0 ]; then
		echo "ci-campaign: $name: some crash could not be triaged (status $rc)" >&2
		failed=1
	fi
	if [ -z "$new" ] && [ "$rc" -eq 0 ]; then
		echo "ci-campaign: $name: only duplicates of known entries in crashes/" >&2
	fi
}

# libFuzzer on one target/policy: <target> <policy or ""> <build dir>
run_libfuzzer() {
	local target=$1 policy=$2 build=$3 name work corpus p=() crashes=()
	name="libfuzzer-$target${policy:+-$policy}"
	work="$out/$name"
	mkdir -p "$work/corpus" "$work/artifacts"
	[ ! -d "$build/seed_corpus" ] || cp "$build"/seed_corpus/* "$work/corpus/"
	# the merged campaign corpus: corpus/model-<policy>/ or corpus/freebsd/
	local merged="$root/corpus/$target${policy:+-$policy}"
	[ ! -d "$merged" ] || find "$merged" -maxdepth 1 -type f ! -name '*.md' -exec cp -t "$work/corpus/" {} +
	[ -z "$policy" ] || p=(--policy="$policy")
	local fork=()
	[ "$jobs" -le 1 ] || fork=(-fork="$jobs")
	echo "ci-campaign: $name: ${budget}s from $(find "$work/corpus" -type f | wc -l) seed(s)" >&2
	local fuzzer="$build/vlf-fuzz-$target"
	[ -x "$fuzzer" ] || fuzzer="$build/targets/$target/vlf-fuzz-$target"
	# Recorded findings of the target's own code are let pass.
	[ "$target" != freebsd ] || p+=(--cr8=passthrough "--suppress=$("$root/scripts/known-findings.sh")")
	(cd "$work" && nice "$fuzzer" "${p[@]}" -max_total_time="$budget" "${fork[@]}" \
		-dict="$root/fuzz/vlf.dict" -artifact_prefix="$work/artifacts/" -print_final_stats=1 \
		"$work/corpus" >"$work/fuzz.log" 2>&1) || true
	grep -E '^#[0-9]+' "$work/fuzz.log" | tail -n 1 >&2 || true
	while IFS= read -r f; do crashes+=("$f"); done < <(find "$work/artifacts" -type f | sort)
	if [ ${#crashes[@]} -eq 0 ]; then
		echo "ci-campaign: $name: clean" >&2
		return
	fi
	echo "ci-campaign: $name: ${#crashes[@]} crash file(s)" >&2
	tail -n 40 "$work/fuzz.log" >&2
	judge "$name" --target="$target" "${p[@]}" --build-dir="$build" "${crashes[@]}"
}

start=$(date +%s)
if [ "$libfuzzer" = 1 ]; then
	[ -x "$root/build/fuzz/vlf-fuzz-model" ] || {
		echo "ci-campaign: building build/fuzz" >&2
		cmake -S "$root" -B "$root/build/fuzz" -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
		cmake --build "$root/build/fuzz" -j"$jobs" >/dev/null
	}
	run_libfuzzer model "$policy" "$root/build/fuzz"

	fb=""
	for b in "$root"/build/*/vlf-fuzz-freebsd "$root"/build/*/targets/freebsd/vlf-fuzz-freebsd; do
		if [ -x "$b" ]; then
			fb=$(dirname "$b")
			fb=${fb%/targets/freebsd}
			break
		fi
	done
	if [ ! -d "$root/vmm_src/freebsd" ]; then
		echo "ci-campaign: freebsd: skipped (no vmm_src/freebsd tree)" >&2
	elif [ -z "$fb" ]; then
		echo "ci-campaign: freebsd: skipped (no build/*/vlf-fuzz-freebsd)" >&2
	elif grep -qs 'VLF_FB_LAPIC_VIA_VIRQ 1' "$fb/targets/freebsd/fb_config.h"; then
		echo "ci-campaign: freebsd: skipped (the tree predates the fix of bug 215972: lost-vector is known)" >&2
	else
		run_libfuzzer freebsd "" "$fb"
	fi
fi

if [ "$afl" = 1 ]; then
	work="$root/out/afl-model-$policy"
	echo "ci-campaign: afl-model-$policy: ${budget}s" >&2
	if ! "$root/scripts/afl.sh" --policy="$policy" --time="$budget" --no-stop --no-triage 2>&1 | tee "$out/afl.log" >&2; then
		echo "ci-campaign: scripts/afl.sh failed" >&2
		failed=1
	fi
	crashes=()
	if [ -d "$work/out" ]; then
		while IFS= read -r f; do crashes+=("$f"); done < <(find "$work/out" -path '*/crashes/id:*' -type f | sort)
	fi
	if [ ${#crashes[@]} -eq 0 ]; then
		echo "ci-campaign: afl-model-$policy: clean" >&2
	else
		judge "afl-model-$policy" --engine=afl --policy="$policy" "${crashes[@]}"
	fi
fi
echo "ci-campaign: done in $(($(date +%s) - start))s: $([ "$failed" = 0 ] && echo "no new violation" || echo FAILED)" >&2
exit $failed
