#!/bin/bash -eu
# One fuzzer built the way OSS-Fuzz and ClusterFuzzLite build them, from
# their variables:
#   $CC $CFLAGS            compiler and the sanitizer/coverage flags to build with
#   $LIB_FUZZING_ENGINE    what to link the fuzz target with
#   $OUT                   receives <fuzzer>, <fuzzer>.options, <fuzzer>.dict and
#                          <fuzzer>_seed_corpus.zip
#   $WORK                  scratch (a temporary directory if unset)
#
#   scripts/oss-fuzz-build.sh --target=model --policy=P   -> vlf-fuzz-model-P
#   scripts/oss-fuzz-build.sh --target=freebsd --tree=DIR -> vlf-fuzz-freebsd
#
# The policy (model) or bhyve's CR8 mode and the recorded findings
# (freebsd: --cr8=passthrough, targets/freebsd/known-findings.txt) are built
# into the fuzzer, since an .options file passes neither "--" options nor
# the environment. Seeds: corpus/*.txt compiled, plus corpus/model-P/ or
# corpus/freebsd/. Callers: .clusterfuzzlite/build.sh (this project) and
# ci/freebsd-fork/build.sh (a FreeBSD fork's CI). Needs cmake (3.18+), zip,
# and for freebsd python3 (the glue is derived from the tree at configure).
root=$(cd "$(dirname "$0")/.." && pwd)
target="" policy="" tree=""
for a in "$@"; do
	case "$a" in
	--target=*) target=${a#*=} ;;
	--policy=*) policy=${a#*=} ;;
	--tree=*) tree=${a#*=} ;;
	*) echo "oss-fuzz-build.sh: unknown option '$a' (--target=, --policy=, --tree=)" >&2; exit 2 ;;
	esac
done
for v in CC OUT LIB_FUZZING_ENGINE; do
	if [ -z "${!v:-}" ]; then
		echo "oss-fuzz-build.sh: \$$v is not set (OSS-Fuzz/ClusterFuzzLite set CC, CFLAGS, LIB_FUZZING_ENGINE, OUT, SRC)" >&2
		exit 2
	fi
done
for t in cmake zip; do
	command -v "$t" >/dev/null || { echo "oss-fuzz-build.sh: $t is missing" >&2; exit 2; }
done
cmake_args=()
case "$target" in
model)
	case "$policy" in virq|virq-pending|eventinj) ;; *)
		echo "oss-fuzz-build.sh: --target=model wants --policy=virq|virq-pending|eventinj" >&2; exit 2 ;;
	esac
	name=vlf-fuzz-model-$policy fuzzer=vlf-fuzz-model merged=$root/corpus/model-$policy
	cmake_args+=(-DVLF_TARGET=model -DVLF_FUZZ_POLICY="$policy") ;;
freebsd)
	if [ ! -f "$tree/sys/amd64/vmm/io/vlapic.c" ]; then
		echo "oss-fuzz-build.sh: no FreeBSD tree at '$tree' (sys/amd64/vmm/io/vlapic.c missing)" >&2
		exit 2
	fi
	name=vlf-fuzz-freebsd fuzzer=targets/freebsd/vlf-fuzz-freebsd merged=$root/corpus/freebsd
	cmake_args+=(-DVLF_TARGET=freebsd -DFREEBSD_SRC="$(cd "$tree" && pwd)" -DVLF_FUZZ_CR8=passthrough
		-DVLF_FUZZ_SUPPRESS="$("$root/scripts/known-findings.sh")") ;;
*) echo "oss-fuzz-build.sh: --target=model or --target=freebsd" >&2; exit 2 ;;
esac

mkdir -p "$OUT"
work=${WORK:-}
cleanup=""
if [ -z "$work" ]; then
	work=$(mktemp -d)
	cleanup=$work
fi
build="$work/vlf-$target"
# CMake would read CFLAGS/LDFLAGS into every target; only the fuzz flavor
# takes them (VLF_ENGINE_CFLAGS), the replay tool that compiles the seeds
# stays plain.
env -u CFLAGS -u CXXFLAGS -u LDFLAGS cmake -S "$root" -B "$build" -DCMAKE_C_COMPILER="$CC" \
	-DCMAKE_BUILD_TYPE=None -DVLF_ENGINE_CFLAGS="${CFLAGS:-}" -DVLF_ENGINE_LINK="$LIB_FUZZING_ENGINE" \
	"${cmake_args[@]}" >"$work/vlf-$target.configure.log" ||
	{ tail -n 20 "$work/vlf-$target.configure.log" >&2; exit 1; }
env -u CFLAGS -u CXXFLAGS -u LDFLAGS cmake --build "$build" -j"$(nproc)" \
	--target "$(basename "$fuzzer")" vlf-seed-corpus >"$work/vlf-$target.build.log" ||
	{ grep -B2 -A8 -m5 'error' "$work/vlf-$target.build.log" >&2; exit 1; }
cp "$build/$fuzzer" "$OUT/$name"

seeds="$work/vlf-$target-seeds"
rm -rf "$seeds"
mkdir -p "$seeds"
cp "$build"/seed_corpus/*.bin "$seeds/"
n=$(find "$seeds" -type f | wc -l)
if [ -d "$merged" ]; then
	find "$merged" -maxdepth 1 -type f ! -name '*.md' -exec cp -t "$seeds/" {} +
fi
rm -f "$OUT/${name}_seed_corpus.zip"
(cd "$seeds" && zip -q -j "$OUT/${name}_seed_corpus.zip" ./*)

cp "$root/fuzz/vlf.dict" "$OUT/$name.dict"
cat >"$OUT/$name.options" <<OPTIONS
[libfuzzer]
dict = $name.dict
max_len = 1024
OPTIONS
echo "oss-fuzz-build.sh: $OUT/$name (+ .options, .dict, _seed_corpus.zip with $(unzip -Z1 "$OUT/${name}_seed_corpus.zip" | wc -l) inputs, $n from corpus/*.txt)"
[ -z "$cleanup" ] || rm -rf "$cleanup"
