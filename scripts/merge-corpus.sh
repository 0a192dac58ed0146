#!/usr/bin/env bash
# Merges a campaign's corpus back into the repository, keeping only the
# inputs that add coverage, into corpus/<target>-<policy>/ (binary files,
# named by their SHA-1). What is already there takes part in the merge, so
# the result is the minimal set of old and new inputs with all their
# coverage.
#   libFuzzer: vlf-fuzz-<target> -merge=1 with a -merge_control_file kept in
#              out/ (beside its scratch dir out/merge-libfuzzer-<t>-<p>/), so
#              an interrupted merge resumes where it stopped when the same
#              command is run again;
#   AFL++:     afl-cmin on the AFL++ build (scripts/afl.sh --build-only).
#
#   scripts/merge-corpus.sh [--engine=libfuzzer|afl] [--target=model|freebsd]
#                           [--policy=virq|virq-pending|eventinj] [--into=DIR]
#                           <corpus dir | AFL++ output dir>...
#
# The inputs are replayed under the forced policy: AFL++ keeps whatever
# policy bits the mutations left in the header (it forces the policy at
# decode), so corpus/<target>-<policy>/ is always replayed with --policy (the
# CTest test workflow.corpus.<target>-<policy> does; it requires every input to be
# clean under eventinj, the policy expected to be correct). An input that
# violates under eventinj is a finding, not corpus: it is left out and named.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
engine=libfuzzer target=model policy=eventinj into=""
srcs=()
for a in "$@"; do
	case "$a" in
	--engine=*) engine=${a#*=} ;;
	--target=*) target=${a#*=} ;;
	--policy=*) policy=${a#*=} ;;
	--into=*) into=${a#*=} ;;
	-h|--help) sed -n '2,21p' "$0"; exit 0 ;;
	-*) echo "merge-corpus.sh: unknown option '$a' (try --help)" >&2; exit 2 ;;
	*) srcs+=("$a") ;;
	esac
done
case "$engine" in libfuzzer|afl) ;; *)
	echo "merge-corpus.sh: unknown engine '$engine' (libfuzzer, afl)" >&2; exit 2 ;;
esac
case "$policy" in virq|virq-pending|eventinj) ;; *)
	echo "merge-corpus.sh: unknown policy '$policy' (virq, virq-pending, eventinj)" >&2; exit 2 ;;
esac
case "$target" in model|freebsd) ;; *)
	echo "merge-corpus.sh: unknown target '$target' (model, freebsd)" >&2; exit 2 ;;
esac
[ ${#srcs[@]} -gt 0 ] || { echo "merge-corpus.sh: no corpus directory given (try --help)" >&2; exit 2; }
[ -n "$into" ] || into="$root/corpus/$target-$policy"
replay="$root/build/fuzz/vlf-replay-$target"
[ -x "$replay" ] || { echo "merge-corpus.sh: $replay is not built (run scripts/fuzz.sh first)" >&2; exit 2; }

# An AFL++ output dir stands for the queues of its instances.
dirs=()
for s in "${srcs[@]}"; do
	[ -d "$s" ] || { echo "merge-corpus.sh: $s: no such directory" >&2; exit 2; }
	if compgen -G "$s/*/queue" >/dev/null; then
		for q in "$s"/*/queue; do dirs+=("$q"); done
	elif [ -d "$s/queue" ]; then
		dirs+=("$s/queue")
	else
		dirs+=("$s")
	fi
done
mkdir -p "$into" || { echo "merge-corpus.sh: cannot create $into" >&2; exit 2; }
mkdir -p "$root/out"
# Scratch dir in out/ (afl-cmin refuses to work under /tmp), named by the
# merge: a libFuzzer merge that was interrupted finds its inputs there again.
tmp="$root/out/merge-$engine-$target-$policy"
control="$tmp.control"
resume=0
if [ "$engine" = libfuzzer ] && [ -e "$control" ] && [ -d "$tmp/new" ]; then
	resume=1
else
	rm -rf "$tmp" "$control"
	mkdir -p "$tmp/new"
fi
before=$(find "$into" -maxdepth 1 -type f ! -name '*.md' | wc -l)
copy_old() { find "$into" -maxdepth 1 -type f ! -name '*.md' -exec cp -t "$tmp/new/" {} +; }

case "$engine" in
libfuzzer)
	fuzzer="$root/build/fuzz/vlf-fuzz-$target"
	[ -x "$fuzzer" ] || { echo "merge-corpus.sh: $fuzzer is not built (run scripts/fuzz.sh first)" >&2; exit 2; }
	mkdir -p "$root/out"
	if [ "$resume" = 1 ]; then
		echo "merge: resuming the merge recorded in ${control#$root/}" >&2
	else
		# old inputs first: -merge=1 keeps those of the first dir that cover
		# something, then adds what the others cover beyond them
		copy_old
		mkdir -p "$tmp/out"
	fi
	if ! "$fuzzer" --policy="$policy" -merge=1 -merge_control_file="$control" "$tmp/out" "$tmp/new" "${dirs[@]}" \
		>"$tmp/merge.log" 2>&1; then
		tail -n 20 "$tmp/merge.log" >&2
		echo "merge-corpus.sh: libFuzzer's merge failed (the control file ${control#$root/} lets it resume)" >&2
		exit 1
	fi
	result="$tmp/out" ;;
afl)
	aflbin="$root/build/afl/vlf-afl-$target"
	[ -x "$aflbin" ] || { echo "merge-corpus.sh: $aflbin is not built (run scripts/afl.sh --build-only)" >&2; exit 2; }
	command -v afl-cmin >/dev/null || { echo "merge-corpus.sh: afl-cmin not found (scripts/setup.sh installs afl++)" >&2; exit 2; }
	copy_old
	for d in "${dirs[@]}"; do
		find "$d" -maxdepth 1 -type f ! -name '.*' -exec cp -t "$tmp/new/" {} + 2>/dev/null || true
	done
	if ! VLF_POLICY="$policy" AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1 \
		afl-cmin -i "$tmp/new" -o "$tmp/out" -- "$aflbin" >"$tmp/merge.log" 2>&1; then
		tail -n 20 "$tmp/merge.log" >&2
		echo "merge-corpus.sh: afl-cmin failed" >&2
		exit 1
	fi
	result="$tmp/out" ;;
esac

# Keep what is clean under eventinj; name everything by content.
mkdir -p "$tmp/final"
left_out=0
for f in "$result"/*; do
	[ -f "$f" ] || continue
	if [ "$policy" = eventinj ] && ! "$replay" -q --policy="$policy" "$f" >/dev/null 2>&1; then
		echo "merge: left out $(basename "$f"): it violates under eventinj, triage it: scripts/triage.sh --policy=eventinj $f" >&2
		cp "$f" "$root/out/" 2>/dev/null || true
		left_out=$((left_out + 1))
		continue
	fi
	cp "$f" "$tmp/final/$(sha1sum "$f" | cut -c1-40)"
done
find "$into" -maxdepth 1 -type f ! -name '*.md' -delete
cp "$tmp/final"/* "$into/" 2>/dev/null || true
rm -rf "$tmp" "$control"
after=$(find "$into" -maxdepth 1 -type f ! -name '*.md' | wc -l)
note=""
[ "$left_out" = 0 ] || note=", $left_out left out"
echo "merge: ${into#$root/}: $before -> $after input(s) ($engine, policy $policy$note)" >&2
