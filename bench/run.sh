#!/usr/bin/env bash
# Side-by-side benchmark: Sluice vs PySpark local[2] on the same inputs, in one run.
# BENCH_PARQUET_ROWS (default 10M) and BENCH_JSON_ROWS (default 5M) set the sizes; arguments pick
# cases. Each case runs in a fresh process per engine, so "first batch after start" is measured
# from process start. Prints each engine's rows/s and the ratio Sluice / PySpark; Sluice runs
# twice, at local[N] (N = nproc) and local[1], for its scaling (speed-up, efficiency = speed-up / N),
# and each engine's peak RSS is sampled over its whole process tree (PySpark's includes its JVM).
# BENCH_SWEEP=1 then also runs every case on 1x, 4x and 16x both sizes (Sluice at local[N] and
# PySpark) and prints how each engine's time grows with the work (bench/sweep-report.ts); 16x the
# default sizes is 160M rows, so sweep with smaller BENCH_PARQUET_ROWS / BENCH_JSON_ROWS.
set -euo pipefail
cd "$(dirname "$0")/.."
P=${BENCH_PARQUET_ROWS:-10000000}
J=${BENCH_JSON_ROWS:-5000000}
DATA=bench/data/p${P}-j${J}
CASES=("$@")
[ ${#CASES[@]} -gt 0 ] || CASES=(groupby-count-parquet groupby-bigint-parquet groupby-decimal-parquet window-rank-parquet json-filter-groupby stream-json-to-parquet stream-startup stream-window-count stream-dedup delta-sink)
bash scripts/oracle/setup.sh >/dev/null
# prepare DIR PARQUET_ROWS JSON_ROWS: the generated inputs, and a 1000-event stream for the
# start-up case (process start → first committed batch)
prepare() {
  [ -f "$1/events.parquet" ] || .oracle/venv/bin/python bench/gen_data.py "$1" "$2" "$3"
  [ -f "$1/stream-small/part-000.json" ] || { mkdir -p "$1/stream-small"; head -1000 "$1/events.jsonl" > "$1/stream-small/part-000.json"; }
}
prepare "$DATA" "$P" "$J"
results=$(mktemp)
N=$(nproc)
# peak_rss PID: the peak, sampled every 0.2 s until PID exits, of the summed RSS (KB) of PID and
# its descendants (PySpark's JVM is a child it never waits for, so rusage would miss it)
peak_rss() {
  local root=$1 peak=0 now
  while kill -0 "$root" 2>/dev/null; do
    now=$(ps -eo pid=,ppid=,rss= | awk -v root="$root" '{ up[$1] = $2; rss[$1] = $3 } END { for (p in up) { q = p; while (q != root && (q in up) && q > 1) q = up[q]; if (q == root) s += rss[p] } print s + 0 }')
    [ "$now" -gt "$peak" ] && peak=$now
    sleep 0.2
  done
  echo "$peak"
}
# run LABEL CASE COMMAND...: the command's result lines relabelled as LABEL, then its peak RSS
run() {
  local label=$1 c=$2 out pid peak
  shift 2
  out=$(mktemp)
  "$@" > "$out" &
  pid=$!
  peak=$(peak_rss "$pid")
  wait "$pid"
  sed "s/\"engine\": *\"[a-z]*\"/\"engine\":\"$label\"/" "$out" | tee -a "$results"
  echo "{\"engine\":\"$label\",\"case\":\"$c\",\"peakRssKb\":$peak}" >> "$results"
  rm -f "$out"
}
for c in "${CASES[@]}"; do
  run sluice "$c" env BENCH_MASTER="local[$N]" node --max-old-space-size=16384 --import tsx bench/sluice-bench.ts "$DATA" "$c"
  run sluice-1 "$c" env BENCH_MASTER="local[1]" node --max-old-space-size=16384 --import tsx bench/sluice-bench.ts "$DATA" "$c"
  run pyspark "$c" sh -c '.oracle/venv/bin/python bench/pyspark_bench.py "$0" "$1" 2>/dev/null' "$DATA" "$c"
done
npx tsx bench/compare.ts "$results" "$N"
[ -n "${BENCH_SWEEP:-}" ] || exit 0
sweep=$(mktemp)
for m in 1 4 16; do
  D=bench/data/p$((P * m))-j$((J * m))
  prepare "$D" $((P * m)) $((J * m))
  for c in "${CASES[@]}"; do
    env BENCH_MASTER="local[$N]" node --max-old-space-size=16384 --import tsx bench/sluice-bench.ts "$D" "$c" | sed "s/^{/{\"scale\":$m,/" | tee -a "$sweep"
    .oracle/venv/bin/python bench/pyspark_bench.py "$D" "$c" 2>/dev/null | sed "s/^{/{\"scale\":$m,/" | tee -a "$sweep"
  done
done
npx tsx bench/sweep-report.ts "$sweep"
