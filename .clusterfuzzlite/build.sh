#!/bin/bash -eu
# ClusterFuzzLite / OSS-Fuzz build script. Uses the conventions of OSS-Fuzz:
#   $CC $CFLAGS            compiler and the sanitizer/coverage flags to build with
#   $LIB_FUZZING_ENGINE    what to link the fuzz target with (libFuzzer, AFL++ ...)
#   $OUT                   where <fuzzer>, <fuzzer>.options, <fuzzer>.dict and
#                          <fuzzer>_seed_corpus.zip go
#   $SRC                   the checkout is $SRC/vlapic-fuzz (or this script's ..)
#   $WORK                  scratch (a temporary directory if unset)
# Fuzzer: vlf-fuzz-model-eventinj, the model target under the eventinj policy
# (the one expected to be correct: any crash is a finding). virq and
# virq-pending have known violations (docs/policies.md) and would only repeat
# them on every pull request.
# Tested locally by tests/workflow (ctest -R workflow.cfl-build).

for v in CC OUT LIB_FUZZING_ENGINE; do
	if [ -z "${!v:-}" ]; then
		echo "build.sh: \$$v is not set (OSS-Fuzz/ClusterFuzzLite set CC, CFLAGS, LIB_FUZZING_ENGINE, OUT, SRC)" >&2
		exit 2
	fi
done
CFLAGS=${CFLAGS:-}
here=$(cd "$(dirname "$0")" && pwd)
if [ -f "$here/../core/machine.h" ]; then
	repo=$(cd "$here/.." && pwd)
elif [ -n "${SRC:-}" ] && [ -f "$SRC/vlapic-fuzz/core/machine.h" ]; then
	repo=$SRC/vlapic-fuzz
else
	echo "build.sh: cannot find the vlapic-fuzz checkout (neither $here/.. nor \$SRC/vlapic-fuzz)" >&2
	exit 2
fi
command -v zip >/dev/null || { echo "build.sh: zip is missing (apt-get install zip)" >&2; exit 2; }
mkdir -p "$OUT"
work=${WORK:-}
cleanup=""
if [ -z "$work" ]; then
	work=$(mktemp -d)
	cleanup=$work
fi
obj="$work/vlf-cfl-obj"
rm -rf "$obj"
mkdir -p "$obj/fuzz" "$obj/plain" "$obj/seeds"

std=(-std=c11 -Wall -Wextra -Werror -I"$repo/core" -I"$repo/vmm_src/model")
sources=("$repo"/core/*.c "$repo"/vmm_src/model/*.c)

# The fuzz target, with the engine's flags.
objs=()
for s in "${sources[@]}" "$repo/fuzz/fuzz_program.c"; do
	o="$obj/fuzz/$(basename "${s%.c}").o"
	# shellcheck disable=SC2086 # CFLAGS is a list of flags
	$CC $CFLAGS "${std[@]}" -c "$s" -o "$o"
	objs+=("$o")
done
name=vlf-fuzz-model-eventinj
# shellcheck disable=SC2086
$CC $CFLAGS -std=c11 -Wall -Wextra -Werror -DVLF_CFL_POLICY='"eventinj"' \
	-c "$repo/.clusterfuzzlite/force_policy.c" -o "$obj/fuzz/force_policy.o"
# shellcheck disable=SC2086
$CC $CFLAGS "${objs[@]}" "$obj/fuzz/force_policy.o" $LIB_FUZZING_ENGINE -o "$OUT/$name"

# The replay tool, uninstrumented, to compile the text seeds to binary.
pobjs=()
for s in "${sources[@]}" "$repo/tools/replay.c"; do
	o="$obj/plain/$(basename "${s%.c}").o"
	$CC -O1 "${std[@]}" -c "$s" -o "$o"
	pobjs+=("$o")
done
$CC "${pobjs[@]}" -o "$obj/vlf-replay-model"
n=0
for t in "$repo"/corpus/*.txt; do
	"$obj/vlf-replay-model" --binary="$obj/seeds/$(basename "${t%.txt}").bin" "$t"
	n=$((n + 1))
done
# the merged campaign corpus, if one is kept (scripts/merge-corpus.sh)
if [ -d "$repo/corpus/model-eventinj" ]; then
	find "$repo/corpus/model-eventinj" -maxdepth 1 -type f ! -name '*.md' -exec cp -t "$obj/seeds/" {} +
fi
rm -f "$OUT/${name}_seed_corpus.zip"
(cd "$obj/seeds" && zip -q -j "$OUT/${name}_seed_corpus.zip" ./*)

cp "$repo/fuzz/vlf.dict" "$OUT/$name.dict"
cat >"$OUT/$name.options" <<OPTIONS
[libfuzzer]
dict = $name.dict
max_len = 1024
OPTIONS
echo "build.sh: $OUT/$name (+ .options, .dict, _seed_corpus.zip with $(unzip -Z1 "$OUT/${name}_seed_corpus.zip" | wc -l) inputs, $n from corpus/*.txt)"
[ -z "$cleanup" ] || rm -rf "$cleanup"
