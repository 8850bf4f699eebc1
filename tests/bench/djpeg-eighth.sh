#!/usr/bin/env bash
# Usage: tests/bench/djpeg-eighth.sh FOLDER [REPEATS]
#
# Per-image time of `djpeg -scale 1/8` (libjpeg-turbo-progs) on every *.jpg of FOLDER, for issue 3's
# bar "thumbflow's per-image decode time within 1.3x of djpeg -scale 1/8". Prints the median over
# REPEATS (default 5) rounds of the whole loop divided by the file count: whole-process time (start,
# read, decode, PPM to /dev/null), and the same for `djpeg -scale 1/8` on a 1x1 JPEG (process start
# and exit alone), so that the decode's share is the difference. Compare with
# `thumbflow_decode_bench FOLDER --libjpeg` (in-process: thumbflow's fast decode and libjpeg alone).
# Not a test and not run in CI.
set -euo pipefail
[[ $# -ge 1 && $# -le 2 ]] || { echo 'usage: djpeg-eighth.sh FOLDER [REPEATS]' >&2; exit 2; }
folder=$1
repeats=${2:-5}
mapfile -t files < <(find "$folder" -maxdepth 1 -name '*.jpg' | sort)
((${#files[@]} > 0)) || { echo "djpeg-eighth.sh: no *.jpg in $folder" >&2; exit 2; }
tiny=$(mktemp --suffix=.jpg)
trap 'rm -f "$tiny"' EXIT
printf 'P6\n1 1\n255\n\x80\x80\x80' | cjpeg >"$tiny"

# Milliseconds per file for one pass of "$@" FILE over the files (or over the tiny file as often).
per_file_ms() {
  local start end f
  start=$(date +%s%N)
  for f in "${files[@]}"; do "$@" "${target:-$f}" >/dev/null; done
  end=$(date +%s%N)
  echo "scale=3; ($end - $start) / 1000000 / ${#files[@]}" | bc
}
median() { sort -n | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

target='' per_file_ms djpeg -scale 1/8 -outfile /dev/null >/dev/null  # warm-up: page cache
decode=() start=()
for ((r = 0; r < repeats; ++r)); do
  decode+=("$(target='' per_file_ms djpeg -scale 1/8 -outfile /dev/null)")
  start+=("$(target=$tiny per_file_ms djpeg -scale 1/8 -outfile /dev/null)")
done
d=$(printf '%s\n' "${decode[@]}" | median)
s=$(printf '%s\n' "${start[@]}" | median)
echo "${#files[@]} files, median of $repeats rounds, ms per file:"
echo "  djpeg -scale 1/8 FILE:      $d (min $(printf '%s\n' "${decode[@]}" | sort -n | head -1), max $(printf '%s\n' "${decode[@]}" | sort -n | tail -1))"
echo "  djpeg -scale 1/8 on 1x1:    $s (process start and exit)"
echo "  difference (decode share):  $(echo "scale=3; $d - $s" | bc)"
