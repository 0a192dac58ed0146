#!/usr/bin/env bash
# A FreeBSD tree the target cannot use is refused at configure time with one
# line naming the problem: a missing file, a revision without AMD SVM code, a
# kernel header the shim lacks, a prototype the glue cannot serve, a function
# the adapter needs and the tree does not declare, the 2025 vmm layout.  The trees are fakes made
# here: every file the target needs, empty, then one line of our own where a
# case needs it.
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
	if ! grep -qF "$2" <<<"$(tr '\n' ' ' <<<"$out" | tr -s ' ')"; then
		echo "FAIL: no '$2' for $1:"
		echo "$out"
		exit 1
	fi
	rm -rf "$scratch/build"
}
fake() { # <name>: every file the target needs, empty
	local f
	for f in $files sys/amd64/vmm/vmm_ktr.h sys/amd64/vmm/vmm_stat.h; do
		mkdir -p "$scratch/$1/$(dirname "$f")"
		: >"$scratch/$1/$f"
	done
}
files=$(sed -n '/^set(VLF_FB_TREE_FILES/,/)/p' "$src/targets/freebsd/tree_files.cmake" |
	grep -o 'sys/[A-Za-z0-9_/.]*')

expect "$scratch/empty" "FreeBSD tree incomplete: $scratch/empty/sys/amd64/vmm/io/vlapic.c is missing"

fake nosvm
rm "$scratch/nosvm/sys/amd64/vmm/amd/svm.c"
expect "$scratch/nosvm" "FreeBSD tree has no AMD SVM code"

fake header
echo '#include <sys/vlf_no_such_header.h>' >"$scratch/header/sys/amd64/include/vmm.h"
expect "$scratch/header" "the FreeBSD tree's sys/amd64/include/vmm.h:1 includes <sys/vlf_no_such_header.h>, which the shim lacks"

fake proto
echo 'struct vm; int vm_inject_nmi(struct vm *vm, int vcpuid, const char *why);' \
	>"$scratch/proto/sys/amd64/include/vmm.h"
echo 'int vlf_fake_caller(struct vm *vm) { return vm_inject_nmi(vm, 0, 0); }' \
	>"$scratch/proto/sys/amd64/vmm/io/vlapic.c"
expect "$scratch/proto" "vm_inject_nmi(struct vm *, int, const char *) fits none of the glue's vm_inject_nmi"

fake nocalls
expect "$scratch/nocalls" "it declares none of svm_vminit, svm_init (the adapter's vm_init)"

fake layout2025
mkdir -p "$scratch/layout2025/sys/dev/vmm"
: >"$scratch/layout2025/sys/dev/vmm/vmm_vm.h"
expect "$scratch/layout2025" "FreeBSD tree has the 2025 vmm layout"

rm -rf "$scratch"
echo "every unusable tree refused with its one line"
