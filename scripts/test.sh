#!/usr/bin/env bash
# The test suite: builds with gcc, with clang under ASan+UBSan, and with
# clang's libFuzzer targets, and runs CTest in each.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh"
jobs=$(nproc 2>/dev/null || echo 2)

build() { # name, cmake args...
	local dir="$root/build/$1"
	shift
	cmake -S "$root" -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
	cmake --build "$dir" -j"$jobs" >/dev/null
}

build gcc -DCMAKE_C_COMPILER=gcc -DVLF_TARGET=model
build clang-san -DCMAKE_C_COMPILER=clang -DVLF_SANITIZE=ON -DVLF_TARGET=model
build fuzz -DCMAKE_C_COMPILER=clang -DVLF_TARGET=model

status=0
# Each build compares its trace hashes with the builds before it.
rm -f "$root"/build/*/trace-hashes.txt
for b in gcc clang-san fuzz; do
	echo "== ctest: $b"
	(cd "$root/build/$b" && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		ctest -j"$jobs" --output-on-failure) || status=1
done
exit $status
