#!/bin/bash -eu
# ClusterFuzzLite / OSS-Fuzz build script for a FreeBSD fork (README.md
# beside it): bhyve's vlapic.c, vmm_lapic.c and svm.c of the fork's checkout
# fuzzed by vlapic-fuzz. With OSS-Fuzz's variables (CC, CFLAGS,
# LIB_FUZZING_ENGINE, OUT, WORK) it fills $OUT with vlf-fuzz-freebsd, its
# .options, .dict and seed corpus (vlapic-fuzz's scripts/oss-fuzz-build.sh).
#   build.sh [TREE]   the fork's checkout: TREE, else $SRC/freebsd-src
# vlapic-fuzz itself: $VLF_SRC, else $SRC/vlapic-fuzz, else the checkout this
# script lies in.
tree=${1:-${SRC:-}/freebsd-src}
vlf=${VLF_SRC:-${SRC:-}/vlapic-fuzz}
if [ ! -x "$vlf/scripts/oss-fuzz-build.sh" ]; then
	vlf=$(cd "$(dirname "$0")/../.." && pwd)
	if [ ! -x "$vlf/scripts/oss-fuzz-build.sh" ]; then
		echo "build.sh: no vlapic-fuzz checkout (set VLF_SRC, or clone it to \$SRC/vlapic-fuzz)" >&2
		exit 2
	fi
fi
exec "$vlf/scripts/oss-fuzz-build.sh" --target=freebsd --tree="$tree"
