#!/usr/bin/env bash
# Usage: tests/bench/compare-peers.sh FOLDER [REPEATS] [SIZE]
#
# Times, on the same folder and the same cores, making SIZExSIZE-box thumbnails (default 128) with the
# common tools and with thumbflow, and prints one table: median wall time of each, images/s, and the
# ratio to thumbflow parallel (tool time / thumbflow parallel time; > 1 means the tool is slower).
# Not a test and not run in CI: a figure for the README (issues 3 and 6).
#
# Peers (each is skipped with a note if not installed; this script installs nothing):
#   apt-get install -y libvips-tools python3-pil graphicsmagick
#   - vipsthumbnail: one process over all files (libvips still uses its own worker threads inside), and
#     $(nproc) processes via xargs -P, each with VIPS_CONCURRENCY=1, the files split evenly among them;
#   - Pillow: Image.open + Image.thumbnail + save JPEG (tests/bench/pil_thumbs.py), a serial loop and a
#     concurrent.futures.ProcessPoolExecutor with one worker per core (the tutorial's way). Image.draft is
#     not called: Pillow's thumbnail() already uses draft() for JPEG itself (shrink-on-load);
#   - GraphicsMagick: one `gm mogrify -thumbnail SxS -output-directory` over all files (Debian's gm is
#     built with OpenMP, so some operations use several threads inside the one process);
#   - thumbflow: `thumbflow run FOLDER -o OUT -s SIZE --force -q`, with --serial and without (parallel).
#     Set THUMBFLOW=/path/to/thumbflow to use another binary than build/release/app/thumbflow, and
#     THUMBFLOW_BEFORE=/path/to/other/thumbflow to time a second build (parallel) in the same rounds.
#   NO_FSYNC_TOO=1 adds `thumbflow run ... --no-fsync` (the peers do not fsync what they write).
#   PARALLEL_ONLY=1 leaves out the one-process/serial runs (vips 1 process, Pillow loop, gm,
#   thumbflow --serial): on a busy machine they take most of the time and are not the comparison.
#
# Method: every tool gets the same files (thumbflow's rules: recursive, names starting with '.' skipped,
# the same image extensions) and writes into a fresh empty folder under one temporary folder that is
# removed at exit. Each tool runs once as a warm-up (page cache, and its output count is checked), then
# REPEATS (default 5) rounds, the tools alternating within each round. Times are whole-process wall
# times (date +%s.%N around the command): process start, Python start-up and imports included for all.
# Peers write JPEG at their default quality (75); thumbflow writes its default (--format same, quality
# 85), so PNG inputs give PNG thumbnails there. Peers that fail on a file are still timed; the warm-up
# prints their errors and the "outputs" column shows how many files they wrote.
set -euo pipefail

usage='usage: compare-peers.sh FOLDER [REPEATS] [SIZE]'
[[ $# -ge 1 && $# -le 3 ]] || { echo "$usage" >&2; exit 2; }
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
folder=$(cd "$1" && pwd) || { echo "compare-peers.sh: no folder '$1'" >&2; exit 2; }
repeats=${2:-5}
size=${3:-128}
[[ $repeats =~ ^[1-9][0-9]*$ && $size =~ ^[1-9][0-9]*$ ]] || { echo "$usage" >&2; exit 2; }
thumbflow=${THUMBFLOW:-$root/build/release/app/thumbflow}
cores=$(nproc)

work=$(mktemp -d "${TMPDIR:-/tmp}/compare-peers.XXXXXX")
trap 'rm -rf "$work"' EXIT

# The input files, relative to the folder (the peers run from inside it), as thumbflow lists them.
cd "$folder"
mapfile -d '' files < <(find . -mindepth 1 -name '.*' -prune -o -xtype f -regextype posix-extended \
  -iregex '.*\.(jpg|jpeg|jpe|jfif|png|webp|bmp|dib|tif|tiff|pbm|pgm|ppm|pnm|gif|heic|heif|avif|jxl|jp2|j2k|ico|psd|pam)' \
  -printf '%P\0' | sort -z)
count=${#files[@]}
((count > 0)) || { echo "compare-peers.sh: no images in $folder" >&2; exit 2; }
stems=$(printf '%s\n' "${files[@]}" | sed 's/\.[^./]*$//' | sort -u | wc -l)  # vips and gm name outputs by stem
per_process=$(((count + cores - 1) / cores))  # vipsthumbnail files per process: one batch per core

# A Python that has Pillow ($PYTHON first; pyenv's python3 may not see Debian's python3-pil).
python=
for candidate in ${PYTHON:-} python3 /usr/bin/python3; do
  if command -v "$candidate" >/dev/null && "$candidate" -c 'import PIL' 2>/dev/null; then
    python=$candidate
    break
  fi
done

# --- the tools: name, label, command (run with the output folder as $1, from inside the folder) ------
names=() labels=()
add() {
  case ${PARALLEL_ONLY:-}:$1 in 1:vips_serial | 1:pil_serial | 1:gm | 1:tf_serial) return ;; esac
  names+=("$1")
  labels+=("$2")
}
run_vips_serial() { vipsthumbnail -s "$size" -o "$1/%s_thumb.jpg" "${files[@]}"; }
run_vips_parallel() {
  printf '%s\0' "${files[@]}" |
    VIPS_CONCURRENCY=1 xargs -0 -P "$cores" -n "$per_process" vipsthumbnail -s "$size" -o "$1/%s_thumb.jpg"
}
run_pil_serial() { "$python" "$here/pil_thumbs.py" serial "$size" "$1" "${files[@]}"; }
run_pil_pool() { "$python" "$here/pil_thumbs.py" pool "$size" "$1" "${files[@]}"; }
run_gm() {
  gm mogrify -format jpg -thumbnail "${size}x${size}" -create-directories -output-directory "$1" "${files[@]}"
}
run_tf_serial() { "$thumbflow" run "$folder" -o "$1" -s "$size" --serial --force -q --no-html; }
run_tf_parallel() { "$thumbflow" run "$folder" -o "$1" -s "$size" --force -q --no-html; }
run_tf_before() { "$THUMBFLOW_BEFORE" run "$folder" -o "$1" -s "$size" --force -q --no-html; }
run_tf_no_fsync() { "$thumbflow" run "$folder" -o "$1" -s "$size" --force -q --no-html --no-fsync; }

notes=()
versions=()
if command -v vipsthumbnail >/dev/null; then
  add vips_serial "vipsthumbnail, 1 process"
  add vips_parallel "vipsthumbnail, $cores processes"
  versions+=("vipsthumbnail: $(vipsthumbnail --vips-version 2>&1 | head -n1)")
else
  notes+=("vipsthumbnail not installed: skipped (apt-get install -y libvips-tools)")
fi
if [[ -n $python ]]; then
  add pil_serial "Pillow, serial loop"
  add pil_pool "Pillow, ProcessPool x$cores"
  versions+=("Pillow: $("$python" -c 'import PIL, sys; print(PIL.__version__, "(Python", sys.version.split()[0] + ")")') via $python")
else
  notes+=("Pillow not importable: skipped (apt-get install -y python3-pil, or set PYTHON=)")
fi
if command -v gm >/dev/null; then
  add gm "gm mogrify, 1 process"
  versions+=("gm: $(gm version | head -n1)")
else
  notes+=("gm not installed: skipped (apt-get install -y graphicsmagick)")
fi
if [[ -x $thumbflow ]]; then
  add tf_serial "thumbflow --serial"
  add tf_parallel "thumbflow parallel"
  versions+=("thumbflow: $("$thumbflow" --version | head -n1) ($thumbflow)")
else
  notes+=("thumbflow not built at $thumbflow: skipped (cmake --preset release && cmake --build --preset release --target thumbflow_cli)")
fi
# The peers write without fsync; thumbflow fsyncs each thumbnail by default (README, "Durable and
# confined"). NO_FSYNC_TOO=1 times thumbflow with --no-fsync as well, in the same rounds.
if [[ ${NO_FSYNC_TOO:-0} == 1 && -x $thumbflow ]]; then
  add tf_no_fsync "thumbflow parallel --no-fsync"
fi
if [[ -n ${THUMBFLOW_BEFORE:-} && -x ${THUMBFLOW_BEFORE:-} ]]; then
  add tf_before "thumbflow parallel, \$THUMBFLOW_BEFORE"
fi
((${#names[@]} > 0)) || { echo "compare-peers.sh: none of the tools is available" >&2; exit 1; }

# --- timing -------------------------------------------------------------------------------------------
now() { date +%s.%N; }
# time_one NAME: runs the tool once into a fresh folder; appends the seconds to $work/NAME.times.
time_one() {
  local name=$1 out="$work/out/$1" t0 t1 status=0
  rm -rf "$out" && mkdir -p "$out"
  t0=$(now)
  "run_$name" "$out" >"$work/$name.log" 2>&1 || status=$?
  t1=$(now)
  echo "$status" >"$work/$name.status"
  awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f\n", b - a }' >>"$work/$name.times"
}
median() { sort -g | awk '{ a[NR] = $1 } END { if (NR) print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2) }'; }

echo "compare-peers: $folder, $count images, ${size}x${size} box"
echo "machine: $cores cores ($(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//')), load $(cut -d' ' -f1-3 /proc/loadavg)"
for v in "${versions[@]}"; do echo "  $v"; done
for n in "${notes[@]}"; do echo "note: $n"; done
((stems == count)) ||
  echo "note: only $stems distinct names without extension: vipsthumbnail and gm write {stem}.jpg, so inputs sharing a stem (a.jpg, a.webp) overwrite each other's thumbnail (all are still made)"

declare -A outputs
for name in "${names[@]}"; do  # warm-up (not counted)
  time_one "$name"
  rm -f "$work/$name.times"
  outputs[$name]=$(find "$work/out/$name" -type f ! -name '.*' | wc -l)  # not thumbflow's .thumbflow.settings.json
  if [[ $(cat "$work/$name.status") != 0 ]]; then
    echo "note: $name exited with status $(cat "$work/$name.status") in the warm-up; first errors:"
    head -n 5 "$work/$name.log" | sed 's/^/    /'
  fi
done
for round in $(seq "$repeats"); do
  for name in "${names[@]}"; do time_one "$name"; done
  echo "round $round/$repeats done" >&2
done

# --- the table ----------------------------------------------------------------------------------------
declare -A med
for name in "${names[@]}"; do med[$name]=$(median <"$work/$name.times"); done
base=${med[tf_parallel]:-}
echo
echo "median of $repeats runs after 1 warm-up; ratio = tool time / thumbflow parallel time"
printf '%-28s %10s %10s %10s %8s\n' tool seconds images/s ratio outputs
for i in "${!names[@]}"; do
  name=${names[$i]}
  t=${med[$name]}
  ratio=n/a
  [[ -n $base ]] && ratio=$(awk -v t="$t" -v b="$base" 'BEGIN { printf "%.2fx", t / b }')
  printf '%-28s %10.3f %10.1f %10s %8s\n' "${labels[$i]}" "$t" "$(awk -v c="$count" -v t="$t" 'BEGIN { print c / t }')" \
    "$ratio" "${outputs[$name]}/$count"
done
