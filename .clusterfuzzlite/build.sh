#!/bin/bash -eu
# ClusterFuzzLite / OSS-Fuzz build script of this project: with their
# variables (CC, CFLAGS, LIB_FUZZING_ENGINE, OUT, WORK; the checkout is
# this script's .. or $SRC/vlapic-fuzz) scripts/oss-fuzz-build.sh fills $OUT.
# Fuzzer: vlf-fuzz-model-eventinj, the model target under the eventinj policy
# (the one expected to be correct: any crash is a finding). virq and
# virq-pending have known violations (docs/policies.md) and would only repeat
# them on every pull request.
# Tested locally by tests/workflow (ctest -R workflow.cfl-build).
here=$(cd "$(dirname "$0")" && pwd)
if [ -f "$here/../core/machine.h" ]; then
	repo=$(cd "$here/.." && pwd)
elif [ -n "${SRC:-}" ] && [ -f "$SRC/vlapic-fuzz/core/machine.h" ]; then
	repo=$SRC/vlapic-fuzz
else
	echo "build.sh: cannot find the vlapic-fuzz checkout (neither $here/.. nor \$SRC/vlapic-fuzz)" >&2
	exit 2
fi
exec "$repo/scripts/oss-fuzz-build.sh" --target=model --policy=eventinj
