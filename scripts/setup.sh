#!/usr/bin/env bash
# Installs what vlapic-fuzz needs on Debian 12 (clang with libFuzzer and the
# sanitizer runtimes, gcc, CMake, llvm tools, AFL++ for scripts/afl.sh, zip
# for the ClusterFuzzLite seed corpus). Idempotent; needs root only when
# something is missing.
set -euo pipefail

pkgs=(build-essential cmake clang libclang-rt-14-dev llvm python3 afl++ zip unzip)
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null 2>&1; then
		SUDO=sudo
	else
		echo "setup: missing packages: ${missing[*]}; run as root: apt-get install ${missing[*]}" >&2
		exit 1
	fi
else
	SUDO=
fi
echo "setup: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
