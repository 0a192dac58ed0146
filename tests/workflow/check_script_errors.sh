#!/usr/bin/env bash
# Bad usage of the user-facing scripts: exit status 2 and one line that names
# the problem, before anything is built or run.
#   check_script_errors.sh <source dir>
set -uo pipefail
src=$1
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
fails=0
expect() { # <text> <script> <args...>
	local want=$1 msg rc
	shift
	msg=$("$@" 2>&1)
	rc=$?
	if [ "$rc" -ne 2 ] || [ "$(printf '%s\n' "$msg" | wc -l)" -ne 1 ] || ! grep -qF -- "$want" <<<"$msg"; then
		echo "FAIL: ${*#"$src"/}: exit $rc, wanted 2 and one line with '$want', got: $msg"
		fails=$((fails + 1))
	fi
}
cov=$src/scripts/coverage.sh
expect "unknown option '--bogus'" "$cov" --bogus x
expect "unknown target 'xen'" "$cov" --target=xen x
expect "unknown policy 'fast'" "$cov" --policy=fast x
expect "no corpus given" "$cov"
expect "no such corpus file or directory: $scratch/none" "$cov" "$scratch/none"
expect "no FreeBSD tree at $scratch (sys/amd64/vmm/io/vlapic.c missing" \
	"$cov" --target=freebsd --tree="$scratch" "$src/corpus"
expect "--tree is for --target=freebsd" "$cov" --tree="$scratch" "$src/corpus"
fz=$src/scripts/fuzz.sh
expect "unknown option '--bogus'" "$fz" --bogus
expect "unknown policy 'fast'" "$fz" --policy=fast
expect "--time wants seconds, not '1m'" "$fz" --time=1m
expect "unknown target 'xen'" "$fz" --target=xen
expect "no FreeBSD tree at $scratch (sys/amd64/vmm/io/vlapic.c missing" \
	"$fz" --target=freebsd --tree="$scratch"
mc=$src/scripts/merge-corpus.sh
expect "unknown option '--bogus'" "$mc" --bogus
expect "unknown engine 'honggfuzz'" "$mc" --engine=honggfuzz x
expect "no corpus directory given" "$mc"
[ "$fails" -eq 0 ] || exit 1
echo "every bad usage refused with one line and exit 2"
