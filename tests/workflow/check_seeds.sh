#!/usr/bin/env bash
# check_seeds.sh <vlf-replay> <corpus dir> <seed_corpus dir>
set -euo pipefail
replay=$1 corpus=$2 seeds=$3
[ -d "$seeds" ] || { echo "FAIL: $seeds is missing (the vlf-seed-corpus target builds it)"; exit 1; }
for t in "$corpus"/*.txt; do
	b="$seeds/$(basename "${t%.txt}").bin"
	[ -s "$b" ] || { echo "FAIL: $t was not compiled to $b"; exit 1; }
	# the binary form decodes back to the same program
	if ! diff <("$replay" --print "$t") <("$replay" --print "$b") >/dev/null; then
		echo "FAIL: $b is not the binary form of $t"; exit 1
	fi
done
ntxt=$(find "$corpus" -maxdepth 1 -name '*.txt' | wc -l)
nbin=$(find "$seeds" -maxdepth 1 -name '*.bin' | wc -l)
[ "$ntxt" -eq "$nbin" ] || { echo "FAIL: $ntxt text seeds but $nbin binary seeds"; exit 1; }
"$replay" -q --policy=eventinj --expect=clean "$seeds"
echo "ok: $nbin seeds, clean under eventinj"
