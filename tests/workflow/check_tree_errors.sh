#!/usr/bin/env bash
# A FreeBSD tree the target cannot use is refused at configure time with one
# line naming the problem: a missing file, or the 2025 vmm layout.
#   check_tree_errors.sh <source dir> <scratch dir> <C compiler>
set -euo pipefail
src=$1 scratch=$2 cc=$3
rm -rf "$scratch"
mkdir -p "$scratch/empty"
expect() { # <tree> <text>
	local out
	if out=$(cmake -S "$src" -B "$scratch/build" -DVLF_TARGET=freebsd -DFREEBSD_SRC="$1" \
		-DCMAKE_C_COMPILER="$cc" 2>&1); then
		echo "FAIL: configure accepted $1"
		exit 1
	fi
	if ! grep -q "$2" <<<"$(tr '\n' ' ' <<<"$out" | tr -s ' ')"; then
		echo "FAIL: no '$2' for $1:"
		echo "$out"
		exit 1
	fi
	rm -rf "$scratch/build"
}
expect "$scratch/empty" "FreeBSD tree incomplete: $scratch/empty/sys/amd64/vmm/io/vlapic.c is missing"
# Every file the target needs, empty, plus the header of the 2025 layout.
files=$(sed -n '/^set(VLF_FB_TREE_FILES/,/)/p' "$src/targets/freebsd/tree_files.cmake" |
	grep -o 'sys/[A-Za-z0-9_/.]*')
for f in $files sys/amd64/vmm/vmm_ktr.h sys/amd64/vmm/vmm_stat.h sys/dev/vmm/vmm_vm.h; do
	mkdir -p "$scratch/new/$(dirname "$f")"
	: >"$scratch/new/$f"
done
expect "$scratch/new" "FreeBSD tree too new: $scratch/new/sys/dev/vmm/vmm_vm.h"
rm -rf "$scratch"
echo "both trees refused with the expected message"
