#!/usr/bin/env bash
# Turns crash files from either engine into crashes/<signature>/ entries:
#   1. replay twice (plain replay tool) to prove the violation deterministic,
#      and take its signature: <target>-<policy|revision>-<invariant>-<class>,
#      the class being the state of the vector (hardware vs target) at the
#      step that matters (vlf-replay --signature);
#   2. a signature crashes/ already holds is reported as a duplicate, never
#      overwritten;
#   3. otherwise minimize with the engine's own minimizer (libFuzzer's
#      -minimize_crash for crash-* files, afl-tmin for AFL++'s id:* files),
#      then with the op-level pass (vlf-replay --minimize: deletes operations
#      and vCPUs while the signature holds);
#   4. write input.bin, input.txt, signature.txt, timeline.txt and REPORT.md
#      (scripts/report.sh: a bug-report draft).
#
#   scripts/triage.sh [--engine=auto|libfuzzer|afl|none] [--policy=NAME]
#                     [--target=model|freebsd] [--revision=REV] [--crashes-dir=DIR]
#                     [--build-dir=DIR] [--afl-build-dir=DIR]
#                     <crash file|libFuzzer artifact dir|AFL++ output dir>...
#
# AFL++ applies the policy at decode (VLF_POLICY), so its crash files replay
# only with --policy: given, or read from the campaign's vlf-policy file
# (scripts/afl.sh writes out/afl-<target>-<policy>/vlf-policy). libFuzzer's
# crash files carry the forced policy in their header.
# Exit status: 0 every crash filed or a duplicate, 1 some crash did not
# reproduce (or not deterministically), 2 bad usage.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
policy="" target=model engine=auto revision="" crashdir="$root/crashes"
build="$root/build/fuzz" aflbuild="$root/build/afl"
inputs=()
for a in "$@"; do
	case "$a" in
	--policy=*) policy=${a#*=} ;;
	--target=*) target=${a#*=} ;;
	--engine=*) engine=${a#*=} ;;
	--revision=*) revision=${a#*=} ;;
	--crashes-dir=*) crashdir=${a#*=} ;;
	--build-dir=*) build=${a#*=} ;;
	--afl-build-dir=*) aflbuild=${a#*=} ;;
	-h|--help) sed -n '2,26p' "$0"; exit 0 ;;
	-*) echo "triage.sh: unknown option '$a' (try --help)" >&2; exit 2 ;;
	*) inputs+=("$a") ;;
	esac
done
case "$engine" in auto|libfuzzer|afl|none) ;; *)
	echo "triage.sh: unknown engine '$engine' (auto, libfuzzer, afl, none)" >&2; exit 2 ;;
esac
case "$policy" in ''|virq|virq-pending|eventinj) ;; *)
	echo "triage.sh: unknown policy '$policy' (virq, virq-pending, eventinj)" >&2; exit 2 ;;
esac
case "$target" in model|freebsd) ;; *)
	echo "triage.sh: unknown target '$target' (model, freebsd)" >&2; exit 2 ;;
esac
case "$revision" in *[!A-Za-z0-9._+-]*)
	echo "triage.sh: --revision '$revision' has characters other than letters, digits and . _ + -" >&2; exit 2 ;;
esac
[ ${#inputs[@]} -gt 0 ] || { echo "triage.sh: no crash file given (try --help)" >&2; exit 2; }
# the model's binaries are at the top of a build dir, a target's below it
bin_of() { # <build dir> <name>
	if [ -x "$1/$2" ] || [ ! -x "$1/targets/$target/$2" ]; then echo "$1/$2"; else echo "$1/targets/$target/$2"; fi
}
replay=$(bin_of "$build" "vlf-replay-$target")
fuzzer=$(bin_of "$build" "vlf-fuzz-$target")
aflbin=$(bin_of "$aflbuild" "vlf-afl-$target")
# FreeBSD campaigns let recorded findings pass; their crashes replay likewise.
[ "$target" != freebsd ] || export VLF_SUPPRESS="${VLF_SUPPRESS-$("$root/scripts/known-findings.sh")}"
[ -x "$replay" ] || { echo "triage.sh: $replay is not built (run scripts/fuzz.sh or scripts/afl.sh first)" >&2; exit 2; }
if [ "$target" = freebsd ] && [ -z "$revision" ]; then
	# the adapter records the tree it was built from, when it does
	cfg="$build/targets/freebsd/fb_config.h"
	[ ! -f "$cfg" ] || revision=$(sed -n 's/.*VLF_FB_TREE_DESC[^"]*"\([^"]*\)".*/\1/p' "$cfg" | head -n1 | tr -c 'A-Za-z0-9._+\n-' '_')
	[ -n "$revision" ] || revision=unknown-revision
fi
mkdir -p "$crashdir" || { echo "triage.sh: cannot create $crashdir" >&2; exit 2; }
crashdir=$(cd "$crashdir" && pwd)

engine_of() { # file -> libfuzzer | afl | none
	if [ "$engine" != auto ]; then echo "$engine"; return; fi
	case "$(basename "$1")" in
	id:*|id_*) echo afl ;;
	crash-*|leak-*|timeout-*|oom-*) echo libfuzzer ;;
	*) echo none ;;
	esac
}

# What an AFL++ campaign forced at decode (not in the file): its
# vlf-policy / vlf-cr8 file, up to four directories above the crash.
afl_forced() { # <crash file> <vlf-policy|vlf-cr8>
	local d
	d=$(cd "$(dirname "$1")" && pwd)
	for _ in 1 2 3 4; do
		if [ -f "$d/$2" ]; then head -n1 "$d/$2"; return; fi
		d=$(dirname "$d")
	done
}

files=()
for i in "${inputs[@]}"; do
	if [ -d "$i" ]; then
		while IFS= read -r f; do files+=("$f"); done < <(
			find "$i" -maxdepth 4 -type f \( -name 'crash-*' -o -path '*/crashes/id:*' \) | sort)
	elif [ -f "$i" ]; then
		files+=("$i")
	else
		echo "triage.sh: $i: no such file or directory" >&2; exit 2
	fi
done
[ ${#files[@]} -gt 0 ] || { echo "triage.sh: no crash files in ${inputs[*]}" >&2; exit 2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0 new=0 dups=0 bad=0
sigfield() { sed -n "s/^$1: //p" "$2" | head -n1; }
for f in "${files[@]}"; do
	eng=$(engine_of "$f")
	pol=$policy
	if [ -z "$pol" ] && [ "$eng" = afl ]; then
		pol=$(afl_forced "$f" vlf-policy)
		if [ -z "$pol" ]; then
			echo "triage.sh: $f: an AFL++ crash needs --policy= (AFL++ forces it at decode, not in the file; no vlf-policy file above it)" >&2
			exit 2
		fi
	fi
	popt=()
	[ -z "$pol" ] || popt=(--policy="$pol")
	cr8=""
	[ "$eng" != afl ] || cr8=$(afl_forced "$f" vlf-cr8)
	[ -z "$cr8" ] || popt+=(--cr8="$cr8")

	# 1. deterministic, and its signature
	v1=$("$replay" "${popt[@]}" -q "$f" 2>&1 || true)
	v2=$("$replay" "${popt[@]}" -q "$f" 2>&1 || true)
	if [ -z "$v1" ] || ! echo "$v1" | grep -q 'VIOLATION'; then
		echo "triage: $f does not reproduce under the replay tool${pol:+ (policy $pol)}: not filed${v1:+ ($v1)}" >&2
		status=1 bad=$((bad + 1))
		continue
	fi
	if [ "$v1" != "$v2" ]; then
		echo "triage: $f is not deterministic:" >&2
		printf '  %s\n  %s\n' "$v1" "$v2" >&2
		status=1 bad=$((bad + 1))
		continue
	fi
	"$replay" "${popt[@]}" --signature "$f" >"$tmp/sig0" || true
	inv=$(sigfield invariant "$tmp/sig0") cls=$(sigfield class "$tmp/sig0")
	fpol=$(sigfield policy "$tmp/sig0")
	if [ "$target" = freebsd ]; then sig="$target-$revision-$inv-$cls"; else sig="$target-$fpol-$inv-$cls"; fi
	dest="$crashdir/$sig"
	if [ -e "$dest" ]; then
		echo "triage: $f: duplicate of ${dest#$root/} ($(sigfield verdict "$tmp/sig0"))" >&2
		dups=$((dups + 1))
		continue
	fi

	# 2. the engine's minimizer, kept only if the signature survives it
	cur="$tmp/cur"
	cp "$f" "$cur"
	how="no engine minimizer"
	case "$eng" in
	libfuzzer)
		if [ -x "$fuzzer" ]; then
			rm -f "$tmp/emin"
			"$fuzzer" "${popt[@]}" -minimize_crash=1 -runs=50000 -exact_artifact_path="$tmp/emin" "$f" \
				>"$tmp/minimize.log" 2>&1 || true
			how="libFuzzer -minimize_crash"
		else
			echo "triage: $fuzzer not built: skipping libFuzzer's minimizer" >&2
		fi ;;
	afl)
		if [ -x "$aflbin" ] && command -v afl-tmin >/dev/null 2>&1; then
			rm -f "$tmp/emin"
			VLF_POLICY="$pol" VLF_CR8="$cr8" AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1 afl-tmin -i "$f" -o "$tmp/emin" -- "$aflbin" \
				>"$tmp/minimize.log" 2>&1 || true
			how="afl-tmin"
		else
			echo "triage: $aflbin or afl-tmin missing: skipping AFL++'s minimizer (scripts/afl.sh --build-only builds it)" >&2
		fi ;;
	esac
	if [ -s "$tmp/emin" ] 2>/dev/null; then
		"$replay" "${popt[@]}" --signature "$tmp/emin" >"$tmp/sig1" || true
		if [ "$(sigfield invariant "$tmp/sig1")" = "$inv" ] && [ "$(sigfield class "$tmp/sig1")" = "$cls" ]; then
			cp "$tmp/emin" "$cur"
		else
			how="$how (result dropped: it changed the signature)"
		fi
	fi
	rm -f "$tmp/emin"
	before=$("$replay" "${popt[@]}" --print "$f" | grep -vc '^#')
	# 3. op-level pass; its output carries the policy in its header
	if ! "$replay" "${popt[@]}" --minimize="$tmp/min.bin" "$cur" 2>"$tmp/opmin.log"; then
		echo "triage: $f: op-level minimizer failed: $(cat "$tmp/opmin.log")" >&2
		status=1 bad=$((bad + 1))
		continue
	fi
	"$replay" --signature "$tmp/min.bin" >"$tmp/sig2" || true
	if [ "$(sigfield invariant "$tmp/sig2")" != "$inv" ] || [ "$(sigfield class "$tmp/sig2")" != "$cls" ]; then
		echo "triage: $f: minimized input lost its signature: not filed" >&2
		status=1 bad=$((bad + 1))
		continue
	fi
	after=$("$replay" --print "$tmp/min.bin" | grep -vc '^#')

	# 4. the entry
	mkdir -p "$dest"
	cp "$tmp/min.bin" "$dest/input.bin"
	verdict=$(sigfield verdict "$tmp/sig2")
	case "$eng" in afl) found="AFL++" ;; libfuzzer) found=libFuzzer ;; *) found="hand or another tool" ;; esac
	rel=${dest#$root/}
	rbin=build/fuzz/vlf-replay-$target
	[ "$target" = model ] || rbin=build/fuzz/targets/$target/vlf-replay-$target
	{
		echo "# $verdict"
		echo "# signature: $sig"
		echo "# found by $found on the $target target${pol:+ (forced policy $pol)}; minimized with $how, then the op-level pass ($((before - 1)) -> $((after - 1)) operations)"
		echo "# reproduce: $rbin --timeline $rel/input.txt"
		echo "# expect: $inv"
		"$replay" --print "$tmp/min.bin" | grep -v '^# vlapic-fuzz program'
	} >"$dest/input.txt"
	{
		cat "$tmp/sig2"
		echo "signature: $sig"
		echo "target: $target"
		[ -z "$revision" ] || echo "revision: $revision"
		echo "engine: $found"
		echo "minimized: $how, then the op-level pass ($((before - 1)) -> $((after - 1)) operations)"
	} >"$dest/signature.txt"
	(cd "$root" && "$replay" --timeline "$rel/input.txt" >"$dest/timeline.txt") || true
	"$root/scripts/report.sh" "$dest" >"$dest/REPORT.md"
	echo "triage: new finding ${dest#$root/}: $verdict ($((after - 1)) operations)" >&2
	new=$((new + 1))
done
echo "triage: ${#files[@]} crash file(s): $new new, $dups duplicate(s), $bad not filed" >&2
exit $status
