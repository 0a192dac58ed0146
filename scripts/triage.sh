#!/usr/bin/env bash
# Turns crash files into crashes/<signature>/ entries: minimize with
# libFuzzer's -minimize_crash, replay twice to prove it deterministic, and
# write the input (binary and text), its timeline and a REPORT.md draft.
# An entry that already exists is never overwritten: the crash is a duplicate.
#
#   scripts/triage.sh [--policy=NAME] [--target=model|freebsd] <crash file|dir>...
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
policy="" target=model
inputs=()
for a in "$@"; do
	case "$a" in
	--policy=*) policy=${a#*=} ;;
	--target=*) target=${a#*=} ;;
	-*) echo "triage.sh: unknown option '$a'" >&2; exit 2 ;;
	*) inputs+=("$a") ;;
	esac
done
[ ${#inputs[@]} -gt 0 ] || { echo "triage.sh: no crash file given" >&2; exit 2; }
build="$root/build/fuzz"
fuzzer="$build/vlf-fuzz-$target" replay="$build/vlf-replay-$target"
for b in "$fuzzer" "$replay"; do
	[ -x "$b" ] || { echo "triage.sh: $b is not built (run scripts/fuzz.sh or build/fuzz first)" >&2; exit 2; }
done
popt=()
[ -z "$policy" ] || popt=(--policy="$policy")

files=()
for i in "${inputs[@]}"; do
	if [ -d "$i" ]; then
		while IFS= read -r f; do files+=("$f"); done < <(find "$i" -maxdepth 1 -type f -name 'crash-*' | sort)
	elif [ -f "$i" ]; then
		files+=("$i")
	else
		echo "triage.sh: $i: no such file or directory" >&2; exit 2
	fi
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0
for f in "${files[@]}"; do
	min="$tmp/min"
	rm -f "$min"
	# Minimize; keep the original if libFuzzer finds nothing smaller.
	"$fuzzer" "${popt[@]}" -minimize_crash=1 -runs=50000 -exact_artifact_path="$min" "$f" \
		>"$tmp/minimize.log" 2>&1 || true
	[ -s "$min" ] || cp "$f" "$min"
	v1=$("$replay" "${popt[@]}" -q "$min" || true)
	v2=$("$replay" "${popt[@]}" -q "$min" || true)
	if [ -z "$v1" ]; then
		echo "triage: $f does not reproduce under the replay tool: not filed" >&2
		status=1
		continue
	fi
	if [ "$v1" != "$v2" ]; then
		echo "triage: $f is not deterministic:" >&2
		printf '  %s\n  %s\n' "$v1" "$v2" >&2
		status=1
		continue
	fi
	verdict=${v1#*: }
	inv=$(echo "$verdict" | awk '{print $2}')
	pol=$("$replay" "${popt[@]}" --print "$min" | awk '/^config/ { for (i = 1; i <= NF; i++) if ($i ~ /^policy=/) { sub("policy=", "", $i); print $i } }')
	sig="$target-$pol-$inv"
	dest="$root/crashes/$sig"
	if [ -e "$dest" ]; then
		echo "triage: $f: duplicate of crashes/$sig ($verdict)" >&2
		continue
	fi
	mkdir -p "$dest"
	cp "$min" "$dest/input.bin"
	{
		echo "# $verdict"
		echo "# found by libFuzzer on the $target target, minimized with -minimize_crash"
		echo "# reproduce: build/fuzz/vlf-replay-$target --timeline crashes/$sig/input.txt"
		echo "# expect: $inv"
		"$replay" "${popt[@]}" --print "$min" | grep -v '^# vlapic-fuzz program'
	} >"$dest/input.txt"
	"$replay" --timeline "$dest/input.txt" >"$dest/timeline.txt" || true
	"$root/scripts/report.sh" "$dest" "$verdict" "$target" "$pol" >"$dest/REPORT.md"
	echo "triage: new finding crashes/$sig: $verdict" >&2
done
exit $status
