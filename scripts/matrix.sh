#!/usr/bin/env bash
# Compatibility matrix over FreeBSD trees: scripts/matrix.sh [--jobs=N] [--details] TREE...
# (the work is scripts/matrix.py; this installs what it needs first).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
"$here/setup.sh"
exec python3 "$here/matrix.py" "$@"
