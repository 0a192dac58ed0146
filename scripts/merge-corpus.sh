#!/usr/bin/env bash
# Merges a campaign's corpus back into the repository, keeping only the
# inputs that add coverage, into corpus/model-<policy>/ or, for the FreeBSD
# target, corpus/freebsd/ (binary files, named by their SHA-1; the FreeBSD
# target is fuzzed as bhyve runs, CR8 writes not intercepted, with the
# recorded findings let pass, and its corpus seeds ci/freebsd-fork). What is already there takes part in the merge, so
# the result is the minimal set of old and new inputs with all their
# coverage; the engine's own summary (libFuzzer's MERGE-OUTER line,
# afl-cmin's) says what it kept.
#   libFuzzer: vlf-fuzz-<target> -merge=1 with a -merge_control_file kept in
#              out/ (beside its scratch dir out/merge-libfuzzer-<t>-<p>/), so
#              an interrupted merge resumes where it stopped when the same
#              command is run again;
#   AFL++:     afl-cmin on the AFL++ build (scripts/afl.sh --build-only).
#
#   scripts/merge-corpus.sh [--engine=libfuzzer|afl] [--target=model|freebsd]
#                           [--policy=virq|virq-pending|eventinj] [--into=DIR]
#                           [--build-dir=DIR (libFuzzer build, default build/fuzz)]
#                           <corpus dir | AFL++ output dir>...
#
# The inputs are replayed under the forced policy: AFL++ keeps whatever
# policy bits the mutations left in the header (it forces the policy at
# decode), so corpus/<target>-<policy>/ is always replayed with --policy (the
# CTest test workflow.corpus.<target>-<policy> does; it requires every input to be
# clean under eventinj, the policy expected to be correct). An input that
# violates under eventinj, or on the FreeBSD target, is a finding, not
# corpus: it is left out and named.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
engine=libfuzzer target=model policy=eventinj into="" bin="$root/build/fuzz"
srcs=()
for a in "$@"; do
	case "$a" in
	--engine=*) engine=${a#*=} ;;
	--target=*) target=${a#*=} ;;
	--policy=*) policy=${a#*=} ;;
	--into=*) into=${a#*=} ;;
	--build-dir=*) bin=${a#*=} ;;
	-h|--help) sed -n '2,27p' "$0"; exit 0 ;;
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
opts=(--policy="$policy") env=(VLF_POLICY="$policy") clean=0 campaign=$target-$policy
[ "$policy" != eventinj ] || clean=1
if [ "$target" = freebsd ]; then
	bin="$bin/targets/freebsd" campaign=freebsd clean=1
	known=$("$root/scripts/known-findings.sh")
	opts=(--cr8=passthrough "--suppress=$known") env=(VLF_CR8=passthrough VLF_SUPPRESS="$known")
fi
[ -n "$into" ] || into="$root/corpus/$campaign"
replay="$bin/vlf-replay-$target"
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
tmp="$root/out/merge-$engine-$campaign"
control="$tmp.control"
resume=0
if [ "$engine" = libfuzzer ] && [ -e "$control" ] && [ -d "$tmp/new" ]; then
	resume=1
else
	rm -rf "$tmp" "$control"
	mkdir -p "$tmp/new"
fi
copy_old() { find "$into" -maxdepth 1 -type f ! -name '*.md' -exec cp -t "$tmp/new/" {} +; }

case "$engine" in
libfuzzer)
	fuzzer="$bin/vlf-fuzz-$target"
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
	if ! "$fuzzer" "${opts[@]}" -merge=1 -merge_control_file="$control" "$tmp/out" "$tmp/new" "${dirs[@]}" \
		>"$tmp/merge.log" 2>&1; then
		tail -n 20 "$tmp/merge.log" >&2
		echo "merge-corpus.sh: libFuzzer's merge failed (the control file ${control#$root/} lets it resume)" >&2
		exit 1
	fi
	summary=$(grep -m1 '^MERGE-OUTER: [0-9]* new files' "$tmp/merge.log" || true)
	result="$tmp/out" ;;
afl)
	aflbin="$root/build/afl/vlf-afl-$target"
	[ -x "$aflbin" ] || { echo "merge-corpus.sh: $aflbin is not built (run scripts/afl.sh --build-only)" >&2; exit 2; }
	command -v afl-cmin >/dev/null || { echo "merge-corpus.sh: afl-cmin not found (scripts/setup.sh installs afl++)" >&2; exit 2; }
	copy_old
	for d in "${dirs[@]}"; do
		find "$d" -maxdepth 1 -type f ! -name '.*' -exec cp -t "$tmp/new/" {} + 2>/dev/null || true
	done
	if ! env "${env[@]}" AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1 \
		afl-cmin -i "$tmp/new" -o "$tmp/out" -- "$aflbin" >"$tmp/merge.log" 2>&1; then
		tail -n 20 "$tmp/merge.log" >&2
		echo "merge-corpus.sh: afl-cmin failed" >&2
		exit 1
	fi
	summary=$(grep -m1 'Narrowed down to' "$tmp/merge.log" | sed 's/\x1b\[[0-9;]*m//g' || true)
	result="$tmp/out" ;;
esac

# Keep what is clean where clean is owed; name everything by content.
mkdir -p "$tmp/final"
left_out=0
for f in "$result"/*; do
	[ -f "$f" ] || continue
	if [ "$clean" = 1 ] && ! "$replay" -q "${opts[@]}" "$f" >/dev/null 2>&1; then
		echo "merge: left out $(basename "$f"): it violates, triage it: scripts/triage.sh --target=$target ${opts[*]} $f" >&2
		cp "$f" "$root/out/" 2>/dev/null || true
		left_out=$((left_out + 1))
		continue
	fi
	cp "$f" "$tmp/final/$(sha1sum "$f" | cut -c1-40)"
done
find "$into" -maxdepth 1 -type f ! -name '*.md' -delete
cp "$tmp/final"/* "$into/" 2>/dev/null || true
rm -rf "$tmp" "$control"
note=""
[ "$left_out" = 0 ] || note="; $left_out left out"
echo "merge: ${into#$root/}: ${summary:-the engine printed no summary} ($engine, $campaign$note)" >&2
