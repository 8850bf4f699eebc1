#!/usr/bin/env bash
# Issue 7's bar: two queue workers (one core each, -j 1) on one Redis stream vs one local
# `thumbflow run -j 2`, on the same generated JPEGs, alternating, medians of REPEATS.
#   tests/bench/queue-vs-local.sh [COUNT=200] [REPEATS=3] [WxH=2000x1500]
# Needs a release build (BUILD=build/release) and redis-server. Times are whole-command wall times;
# the queue's includes the workers' start and their exit once the queue is empty (--burst);
# enqueueing is timed apart. The local run writes no contact sheet (--no-html), as workers do not. Redis runs with AOF on (appendfsync everysec), as recommended.
set -euo pipefail
cd "$(dirname "$0")/../.."
. tests/bench/lib.sh
BUILD=${BUILD:-build/release}
T=$BUILD/app/thumbflow
COUNT=${1:-200}
REPEATS=${2:-3}
SIZE=${3:-2000x1500}
work=$(mktemp -d /tmp/thumbflow-queue-bench-XXXXXX)
redis_pid=
cleanup() {
  [ -n "$redis_pid" ] && kill "$redis_pid" 2>/dev/null && wait "$redis_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

"$BUILD/tests/thumbflow_make_images" "$work/in" "$COUNT" "$SIZE" >/dev/null
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
redis-server --bind 127.0.0.1 --port "$port" --dir "$work" --save "" --appendonly yes >"$work/redis.log" &
redis_pid=$!
for _ in $(seq 100); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.05; done
url="redis://127.0.0.1:$port"

pin() { if command -v taskset >/dev/null; then taskset -c "$1" "${@:2}"; else "${@:2}"; fi; }

local_times=() queue_times=() enqueue_times=()
for i in $(seq 0 "$REPEATS"); do  # round 0 warms the page cache and is not counted
  rm -rf "$work/out"
  t0=$(now)
  "$T" run "$work/in" -o "$work/out" -j 2 -q --no-html
  t1=$(now)
  local_s=$(echo "$t1 - $t0" | bc)

  rm -rf "$work/out"
  redis-cli -p "$port" flushall >/dev/null
  t0=$(now)
  "$T" enqueue --redis "$url" --queue bench "$work/in" -q
  t1=$(now)
  enqueue_s=$(echo "$t1 - $t0" | bc)
  t0=$(now)
  pin 0 "$T" worker --redis "$url" --queue bench -o "$work/out" --input-root "$work/in" -j 1 --burst -q &
  w1=$!
  pin 1 "$T" worker --redis "$url" --queue bench -o "$work/out" --input-root "$work/in" -j 1 --burst -q &
  w2=$!
  wait "$w1" "$w2"
  t1=$(now)
  queue_s=$(echo "$t1 - $t0" | bc)
  made=$(find "$work/out" -name '*_thumbnail.jpg' | wc -l)
  [ "$made" -eq "$COUNT" ] || { echo "queue run made $made of $COUNT thumbnails" >&2; exit 1; }
  if [ "$i" -gt 0 ]; then
    local_times+=("$local_s") queue_times+=("$queue_s") enqueue_times+=("$enqueue_s")
    printf 'round %d: local %.3f s, queue %.3f s (enqueue %.3f s)\n' "$i" "$local_s" "$queue_s" "$enqueue_s"
  fi
done

ml=$(median "${local_times[@]}")
mq=$(median "${queue_times[@]}")
me=$(median "${enqueue_times[@]}")
echo "images: $COUNT x $SIZE JPEG, $(nproc) cores, medians of $REPEATS"
printf 'local  thumbflow run -j 2           %.3f s  %.1f images/s\n' "$ml" "$(echo "$COUNT / $ml" | bc -l)"
printf 'queue  2 x thumbflow worker -j 1   %.3f s  %.1f images/s  (queue / local = %.3f)\n' "$mq" \
  "$(echo "$COUNT / $mq" | bc -l)" "$(echo "$mq / $ml" | bc -l)"
printf 'enqueue (not in the queue time)    %.3f s\n' "$me"
