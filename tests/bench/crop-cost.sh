#!/usr/bin/env bash
# Issue 17's cost bar: `--crop MODE` against a plain fit on the same generated JPEGs, at one box,
# alternating the two in each round, medians of REPEATS (round 0 warms the page cache, not counted).
#   tests/bench/crop-cost.sh [COUNT=40] [REPEATS=7] [WxH=3000x2000] [BOX=128] [MODE=attention]
# Needs a build with thumbflow and thumbflow_make_images (BUILD=build/release by default), or
# IN=FOLDER of ready JPEGs (COUNT and WxH are then only labels). Times are whole-command wall times
# of `thumbflow run -j 2 --no-html`; T=PATH picks another thumbflow binary.
set -euo pipefail
cd "$(dirname "$0")/../.."
. tests/bench/lib.sh
BUILD=${BUILD:-build/release}
T=${T:-$BUILD/app/thumbflow}
COUNT=${1:-40}
REPEATS=${2:-7}
SIZE=${3:-3000x2000}
BOX=${4:-128}
MODE=${5:-attention}
work=$(mktemp -d /tmp/thumbflow-crop-bench-XXXXXX)
trap 'rm -rf "$work"' EXIT
if [ -n "${IN:-}" ]; then
  cp -r "$IN" "$work/in"
else
  "$BUILD/tests/thumbflow_make_images" "$work/in" "$COUNT" "$SIZE" >/dev/null
fi

timed() {
  rm -rf "$work/out"
  local t0 t1
  t0=$(now)
  "$T" run "$work/in" -o "$work/out" -s "$BOX" -j 2 -q --no-html "$@"
  t1=$(now)
  echo "$t1 - $t0" | bc
}

fit=() crop=()
for i in $(seq 0 "$REPEATS"); do
  f=$(timed)
  c=$(timed --crop "$MODE")
  [ "$i" -eq 0 ] && continue
  fit+=("$f") crop+=("$c")
done
mf=$(median "${fit[@]}")
mc=$(median "${crop[@]}")
echo "images: $COUNT x $SIZE JPEG, box $BOX, -j 2, $REPEATS rounds"
echo "fit (--crop none):   median ${mf} s  (runs: ${fit[*]})"
echo "--crop $MODE: median ${mc} s  (runs: ${crop[*]})"
echo "extra: $(percent_more "$mf" "$mc") %"
