#!/usr/bin/env bash
# Usage: tests/bench/stage-table.sh FOLDER SIZE [REPEATS]
#
# Where a serial run spends its time: runs `thumbflow run FOLDER -s SIZE --serial --force --report`
# REPEATS times (default 3, after one warm-up) and prints, per stage (read, decode, resize, encode,
# write), the median over runs of the stage's summed milliseconds, and the whole run's seconds.
# THUMBFLOW=/path/to/thumbflow picks the binary (default build/release/app/thumbflow), so two builds
# can be compared on the same files. Not a test: a figure for the README (issue 19).
set -euo pipefail
[[ $# -ge 2 && $# -le 3 ]] || { echo "usage: stage-table.sh FOLDER SIZE [REPEATS]" >&2; exit 2; }
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
thumbflow=${THUMBFLOW:-$root/build/release/app/thumbflow}
folder=$1 size=$2 repeats=${3:-3}
[[ $repeats =~ ^[1-9][0-9]?$ ]] || { echo "stage-table.sh: REPEATS must be 1-99" >&2; exit 2; }
work=$(mktemp -d "${TMPDIR:-/tmp}/stage-table.XXXXXX")
trap 'rm -rf "$work"' EXIT
for i in $(seq 0 "$repeats"); do
  "$thumbflow" run "$folder" -o "$work/out" -s "$size" --serial --force -q --no-html --report "$work/r$i.json"
done
rm "$work/r0.json"  # the warm-up
python3 - "$work" <<'PY'
import glob, json, statistics, sys
runs = [json.load(open(p)) for p in sorted(glob.glob(sys.argv[1] + "/r*.json"))]
stages = ["read", "decode", "resize", "encode", "write"]
sums = {s: [sum(i.get("ms", {}).get(s, 0) for i in r["items"]) for r in runs] for s in stages}
wall = [r["summary"]["seconds"] * 1000 for r in runs]
print("| " + " | ".join(stages + ["run"]) + " |")
print("|" + "---|" * (len(stages) + 1))
print("| " + " | ".join("%.0f ms" % statistics.median(sums[s]) for s in stages)
      + " | %.0f ms |" % statistics.median(wall))
PY
