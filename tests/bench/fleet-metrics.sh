#!/usr/bin/env bash
# Issue 18's figures: two workers (-j 1 each) with --metrics, scraped every second by a local
# Prometheus. COUNT generated JPEGs plus BROKEN cut ones are enqueued WAVES times (--force), one
# wave every WAVE_S seconds, so that the run outlasts the README's [1m] windows; at the end the
# README's queries are evaluated and compared with what was measured apart (status's count of the
# last minute, the workers' own totals). Then the broken inputs are fixed and the dead jobs requeued.
# Prints the /metrics lines that matter, the queries' values, and status before and after.
#   tests/bench/fleet-metrics.sh [COUNT=400] [WxH=2400x1800] [BROKEN=3] [WAVES=8] [WAVE_S=8]
# Needs a build (BUILD=build/dev by default), redis-server, and prometheus (Debian: apt-get install
# prometheus; not a dependency of thumbflow). Everything listens on 127.0.0.1, on free ports.
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build/dev}
T=$BUILD/app/thumbflow
COUNT=${1:-400}
SIZE=${2:-2400x1800}
BROKEN=${3:-3}
WAVES=${4:-8}
WAVE_S=${5:-8}
work=$(mktemp -d /tmp/thumbflow-fleet-XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null && { wait "$p" 2>/dev/null || true; }; done
  rm -rf "$work"
  true
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
. tests/bench/lib.sh

"$BUILD/tests/thumbflow_make_images" "$work/in" "$COUNT" "$SIZE" >/dev/null
for i in $(seq "$BROKEN"); do printf '\xff\xd8\xff\xe0\x00\x10JFIF' >"$work/in/broken$i.jpg"; done
total=$(((COUNT + BROKEN) * WAVES))

port=$(free_port)
redis-server --bind 127.0.0.1 --port "$port" --dir "$work" --save "" --appendonly yes >"$work/redis.log" &
pids+=($!)
for _ in $(seq 100); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.05; done
q=(--redis "redis://127.0.0.1:$port" --queue photos)

m1=$(free_port) m2=$(free_port) pp=$(free_port)
cat >"$work/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
scrape_configs:
  - job_name: thumbflow
    static_configs:
      - targets: ['127.0.0.1:$m1', '127.0.0.1:$m2']
EOF
prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/tsdb" \
  --web.listen-address="127.0.0.1:$pp" >"$work/prometheus.log" 2>&1 &
pids+=($!)
for _ in $(seq 200); do curl -sf "http://127.0.0.1:$pp/-/ready" >/dev/null && break; sleep 0.1; done

for w in 1 2; do
  mport=$([ "$w" = 1 ] && echo "$m1" || echo "$m2")
  "$T" worker "${q[@]}" -o "$work/out" --input-root "$work/in" -j 1 --consumer "w$w" --metrics "127.0.0.1:$mport" \
    --retry-delay 0 --max-deliveries 2 -q 2>"$work/w$w.err" &
  pids+=($!)
done
sleep 3  # the workers' zeros are scraped before the first job
t0=$(now)
for w in $(seq "$WAVES"); do
  "$T" enqueue "${q[@]}" "$work/in" -s 256 --force -q
  [ "$w" = "$WAVES" ] || sleep "$WAVE_S"
done
for _ in $(seq 6000); do
  finished=$("$T" status "${q[@]}" --json | python3 -c 'import json,sys; s = json.load(sys.stdin); print(s["done"] + s["skipped"] + s["dead"])')
  [ "$finished" -ge "$total" ] && break
  sleep 0.1
done
t1=$(now)
last_minute=$("$T" status "${q[@]}" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["last_minute"])')
at=$(printf '%.3f' "$t1")
sleep 2  # the last scrapes
run_s=$(echo "$t1 - $t0" | bc)
echo "== $WAVES waves of $COUNT x $SIZE JPEGs + $BROKEN broken, every $WAVE_S s; 2 workers (-j 1); $(nproc) cores"
printf 'run: %.1f s, %d jobs; measured apart: %s jobs finished in the last minute (status), %.2f jobs/s\n' \
  "$run_s" "$total" "$last_minute" "$(echo "$last_minute / 60" | bc -l)"
printf 'error rate over the run: %d failed attempts of %d (each broken job fails twice: retried, then dead) = %.4f\n' \
  "$((2 * BROKEN * WAVES))" "$((COUNT * WAVES + 2 * BROKEN * WAVES))" \
  "$(echo "2 * $BROKEN / ($COUNT + 2 * $BROKEN)" | bc -l)"

query() {
  curl -s "http://127.0.0.1:$pp/api/v1/query" --data-urlencode "query=$1" --data-urlencode "time=$2" |
    python3 -c 'import json,sys; r = json.load(sys.stdin)["data"]["result"]; print(", ".join(("%s " % x["metric"] if x["metric"] else "") + "%.4g" % float(x["value"][1]) for x in r) or "(none)")'
}
echo "== the README's queries at the end of the run"
for expr in \
  'sum(rate(thumbflow_worker_jobs_total{result="done"}[1m]))' \
  'histogram_quantile(0.9, sum by (le) (rate(thumbflow_worker_job_wait_seconds_bucket[5m])))' \
  'sum(rate(thumbflow_worker_jobs_total{result=~"failed|dead"}[5m])) / sum(rate(thumbflow_worker_jobs_total[5m]))' \
  'sum by (stage) (rate(thumbflow_worker_stage_seconds_sum[5m])) / ignoring(stage) group_left sum(rate(thumbflow_worker_stage_seconds_sum[5m]))'; do
  echo "$expr"
  echo "  = $(query "$expr" "$at")"
done
echo "== totals: $(query 'sum(thumbflow_worker_jobs_total) by (result)' "$(now)")"

echo "== /metrics of w1 (the lines that matter)"
curl -s "http://127.0.0.1:$m1/metrics" | grep -E '^(thumbflow_worker_(jobs_total|read_bytes|written_bytes|jobs_in_flight|claimed|redis_reconnects|info)|thumbflow_worker_(stage_seconds|job_wait_seconds)_(sum|count)|process_start)'

echo "== status"
"$T" status "${q[@]}"
echo "== the broken inputs fixed, then: thumbflow requeue --queue photos --dead"
for i in $(seq "$BROKEN"); do cp "$(find "$work/in" -name '*.jpg' ! -name 'broken*' | head -1)" "$work/in/broken$i.jpg"; done
"$T" requeue "${q[@]}" --dead
# The same broken job died once per wave: requeued once, the other copies only removed.
for _ in $(seq 600); do
  done_now=$("$T" status "${q[@]}" --json | python3 -c 'import json,sys; s = json.load(sys.stdin); print(s["done"])')
  [ "$done_now" -ge $((COUNT * WAVES + BROKEN)) ] && break
  sleep 0.1
done
"$T" status "${q[@]}"
echo "thumbnails: $(find "$work/out" -name '*_thumbnail.jpg' | wc -l) of $((COUNT + BROKEN)) inputs"
