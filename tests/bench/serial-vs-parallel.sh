#!/usr/bin/env bash
# Usage: tests/bench/serial-vs-parallel.sh FOLDER [REPEATS] [THUMBFLOW]
# Times `thumbflow run FOLDER` (the batch's wall time, without process start) serial and parallel, alternating, REPEATS times each (default 7)
# after one warm-up of each, into a temporary folder; prints the median wall time, peak RSS and the
# speedup. Not a test: a figure for the README, measured side by side in one run.
set -euo pipefail
folder=${1:?usage: serial-vs-parallel.sh FOLDER [REPEATS] [THUMBFLOW]}
repeats=${2:-7}
bin=${3:-build/release/app/thumbflow}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
run() {  # mode -> "seconds rss_kb"; seconds = the batch's own wall time from --json
  /usr/bin/time -f "%M" -o "$out/time" "$bin" run "$folder" -o "$out/thumbs" --force -q --no-html --json $1 >"$out/json"
  echo "$(grep -o '"seconds": [0-9.e-]*' "$out/json" | cut -d' ' -f2) $(cat "$out/time")"
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
run --serial >/dev/null; run "" >/dev/null
: >"$out/serial"; : >"$out/parallel"
for _ in $(seq "$repeats"); do
  run --serial >>"$out/serial"
  run "" >>"$out/parallel"
done
count=$(find "$out/thumbs" -type f ! -name '.*' | wc -l)
s=$(cut -d' ' -f1 "$out/serial" | median); p=$(cut -d' ' -f1 "$out/parallel" | median)
sr=$(cut -d' ' -f2 "$out/serial" | median); pr=$(cut -d' ' -f2 "$out/parallel" | median)
echo "folder: $folder ($count thumbnails), $(nproc) cores, median of $repeats runs"
printf '%-10s %10s %12s %14s\n' mode seconds images/s "peak RSS MB"
printf '%-10s %10.3f %12.1f %14.1f\n' serial "$s" "$(echo "$count / $s" | bc -l)" "$(echo "$sr / 1024" | bc -l)"
printf '%-10s %10.3f %12.1f %14.1f\n' parallel "$p" "$(echo "$count / $p" | bc -l)" "$(echo "$pr / 1024" | bc -l)"
printf 'speedup: %.2fx\n' "$(echo "$s / $p" | bc -l)"
