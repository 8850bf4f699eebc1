#!/usr/bin/env bash
# Usage: tests/bench/sizes-vs-runs.sh FOLDER [REPEATS] [SIZES]
#
# Several sizes from one decode (issue 19, point 1): times, on the same folder and cores,
#   one    `thumbflow run -s SIZES` (every size from one decode per image),
#   three  `thumbflow run -s N` runs, one per size,
#   the    `thumbflow run -s LARGEST` run alone,
#   three  vipsthumbnail x2 runs, one per size (`xargs -P $(nproc)`, VIPS_CONCURRENCY=1, as in
#          compare-peers.sh),
# and prints the median wall time of each with the two ratios of the issue's goal: the size list
# against the three vips runs (goal <= 0.4) and against the largest size alone (goal <= 1.3).
# Not a test and not run in CI: a figure for the README.
#
# SIZES defaults to 128,512,1024 (square boxes only: vipsthumbnail gets -s N). REPEATS defaults to 5.
# Method: a warm-up of each, then REPEATS rounds in which the four take turns; each run writes into a
# fresh folder (thumbflow with --force --no-html -q). THUMBFLOW=/path/to/thumbflow picks the binary
# (default build/release/app/thumbflow). A folder of large photos can be made from data/ with
#   for f in data/*.jpg; do vips resize "$f" "SET/$(basename "$f" .jpg)_x4.jpg[Q=90]" 4; done
set -euo pipefail

usage='usage: sizes-vs-runs.sh FOLDER [REPEATS] [SIZES]'
[[ $# -ge 1 && $# -le 3 ]] || { echo "$usage" >&2; exit 2; }
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
folder=$(cd "$1" && pwd) || { echo "sizes-vs-runs.sh: no folder '$1'" >&2; exit 2; }
repeats=${2:-5}
sizes=${3:-128,512,1024}
[[ $repeats =~ ^[1-9][0-9]*$ && $sizes =~ ^[1-9][0-9]*(,[1-9][0-9]*)+$ ]] || { echo "$usage" >&2; exit 2; }
thumbflow=${THUMBFLOW:-$root/build/release/app/thumbflow}
command -v vipsthumbnail >/dev/null || { echo "sizes-vs-runs.sh: vipsthumbnail is not installed" >&2; exit 2; }
IFS=, read -r -a each <<<"$sizes"
largest=$(printf '%s\n' "${each[@]}" | sort -n | tail -1)
cores=$(nproc)

work=$(mktemp -d "${TMPDIR:-/tmp}/sizes-vs-runs.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$folder"
mapfile -d '' files < <(find . -mindepth 1 -name '.*' -prune -o -xtype f -iregex '.*\.\(jpg\|jpeg\)' -printf '%P\0' | sort -z)
count=${#files[@]}
((count > 0)) || { echo "sizes-vs-runs.sh: no JPEGs in $folder" >&2; exit 2; }
per_process=$(((count + cores - 1) / cores))

run_list() { "$thumbflow" run "$folder" -o "$1" -s "$sizes" --force --no-html -q; }
run_singles() { for s in "${each[@]}"; do "$thumbflow" run "$folder" -o "$1/$s" -s "$s" --force --no-html -q; done; }
run_largest() { "$thumbflow" run "$folder" -o "$1" -s "$largest" --force --no-html -q; }
run_vips() {
  for s in "${each[@]}"; do
    mkdir -p "$1/$s"
    printf '%s\0' "${files[@]}" |
      VIPS_CONCURRENCY=1 xargs -0 -P "$cores" -n "$per_process" vipsthumbnail -s "$s" -o "$1/$s/%s_thumb.jpg"
  done
}
names=(list singles largest vips)
labels=("thumbflow -s $sizes (one run)" "thumbflow, one run per size (${#each[@]} runs)"
  "thumbflow -s $largest (largest alone)" "vipsthumbnail x$cores, one run per size (${#each[@]} runs)")

declare -A times
timed() {  # name round
  local out="$work/$1.$2"
  mkdir -p "$out"
  local start end
  start=$(date +%s.%N)
  "run_$1" "$out" >/dev/null 2>&1 || echo "sizes-vs-runs.sh: $1 failed in round $2" >&2
  end=$(date +%s.%N)
  rm -rf "$out"
  times[$1]+="$(echo "$end - $start" | bc) "
}
for name in "${names[@]}"; do timed "$name" warmup; done
times=()
for ((round = 1; round <= repeats; round++)); do
  for name in "${names[@]}"; do timed "$name" "$round"; done
done

median() { tr ' ' '\n' <<<"$1" | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
declare -A med
echo "$count JPEGs in $folder, sizes $sizes, $repeats rounds, $cores cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-48s %10s  %s\n' "command" "median s" "runs"
for i in "${!names[@]}"; do
  med[${names[$i]}]=$(median "${times[${names[$i]}]}")
  printf '%-48s %10.3f  %s\n' "${labels[$i]}" "${med[${names[$i]}]}" "${times[${names[$i]}]}"
done
ratio() { echo "scale=3; $1 / $2" | bc; }
echo "list / vips runs:      $(ratio "${med[list]}" "${med[vips]}")  (goal <= 0.4)"
echo "list / largest alone:  $(ratio "${med[list]}" "${med[largest]}")  (goal <= 1.3)"
echo "list / thumbflow runs: $(ratio "${med[list]}" "${med[singles]}")"
