#!/usr/bin/env bash
# Issue 14's cost bar: the same generated JPEGs without a profile and with an Adobe RGB profile
# embedded (pixels untouched, so the conversion is all that differs), `thumbflow run -s BOX`,
# alternating the two in each round, medians of REPEATS (round 0 warms the page cache, not counted).
#   tests/bench/colour-cost.sh [COUNT=40] [REPEATS=7] [WxH=3000x2000] [BOX=128]
# Needs thumbflow, thumbflow_make_images and thumbflow_embed_icc (BUILD=build/release by default);
# T=PATH picks another thumbflow binary (e.g. an older build, for the plain JPEG path alone).
set -euo pipefail
cd "$(dirname "$0")/../.."
. tests/bench/lib.sh
BUILD=${BUILD:-build/release}
T=${T:-$BUILD/app/thumbflow}
COUNT=${1:-40}
REPEATS=${2:-7}
SIZE=${3:-3000x2000}
BOX=${4:-128}
work=$(mktemp -d /tmp/thumbflow-colour-bench-XXXXXX)
trap 'rm -rf "$work"' EXIT
"$BUILD/tests/thumbflow_make_images" "$work/plain" "$COUNT" "$SIZE" >/dev/null
"$BUILD/tests/thumbflow_embed_icc" "$work/plain" "$work/adobe" >/dev/null

timed() {  # folder
  rm -rf "$work/out"
  local t0 t1
  t0=$(now)
  "$T" run "$work/$1" -o "$work/out" -s "$BOX" -j 2 -q --no-html
  t1=$(now)
  echo "$t1 - $t0" | bc
}

plain=() adobe=()
for i in $(seq 0 "$REPEATS"); do
  p=$(timed plain)
  a=$(timed adobe)
  [ "$i" -eq 0 ] && continue
  plain+=("$p") adobe+=("$a")
done
mp=$(median "${plain[@]}")
ma=$(median "${adobe[@]}")
echo "images: $COUNT x $SIZE JPEG, box $BOX, -j 2, $REPEATS rounds, load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "no profile:        median ${mp} s  (runs: ${plain[*]})"
echo "Adobe RGB profile: median ${ma} s  (runs: ${adobe[*]})"
echo "extra: $(percent_more "$mp" "$ma") %"
