#!/usr/bin/env bash
# Side-by-side benchmark: Sluice vs PySpark local[2] on the same inputs, in one run.
# BENCH_PARQUET_ROWS (default 10M) and BENCH_JSON_ROWS (default 5M) set the sizes; arguments pick
# cases. Each case runs in a fresh process per engine, so "first batch after start" is measured
# from process start. Prints each engine's rows/s and the ratio Sluice / PySpark; Sluice runs
# twice, at local[N] (N = nproc) and local[1], for its scaling (speed-up, efficiency = speed-up / N),
# and each process's peak RSS is taken by /usr/bin/time (PySpark's includes its JVM, the largest
# process it waits for).
set -euo pipefail
cd "$(dirname "$0")/.."
P=${BENCH_PARQUET_ROWS:-10000000}
J=${BENCH_JSON_ROWS:-5000000}
DATA=bench/data/p${P}-j${J}
CASES=("$@")
[ ${#CASES[@]} -gt 0 ] || CASES=(groupby-count-parquet groupby-bigint-parquet groupby-decimal-parquet window-rank-parquet json-filter-groupby stream-json-to-parquet stream-startup stream-window-count stream-dedup delta-sink)
bash scripts/oracle/setup.sh >/dev/null
[ -f "$DATA/events.parquet" ] || .oracle/venv/bin/python bench/gen_data.py "$DATA" "$P" "$J"
# a 1000-event stream for the start-up case (process start → first committed batch)
[ -f "$DATA/stream-small/part-000.json" ] || { mkdir -p "$DATA/stream-small"; head -1000 "$DATA/events.jsonl" > "$DATA/stream-small/part-000.json"; }
results=$(mktemp)
N=$(nproc)
# run LABEL CASE COMMAND...: the command's result lines relabelled as LABEL, then its peak RSS
run() {
  local label=$1 c=$2 rss
  shift 2
  rss=$(mktemp)
  /usr/bin/time -f %M -o "$rss" "$@" | sed "s/\"engine\":\"[a-z]*\"/\"engine\":\"$label\"/" | tee -a "$results"
  echo "{\"engine\":\"$label\",\"case\":\"$c\",\"peakRssKb\":$(tail -1 "$rss")}" >> "$results"
  rm -f "$rss"
}
for c in "${CASES[@]}"; do
  run sluice "$c" env BENCH_MASTER="local[$N]" node --max-old-space-size=16384 --import tsx bench/sluice-bench.ts "$DATA" "$c"
  run sluice-1 "$c" env BENCH_MASTER="local[1]" node --max-old-space-size=16384 --import tsx bench/sluice-bench.ts "$DATA" "$c"
  run pyspark "$c" sh -c '.oracle/venv/bin/python bench/pyspark_bench.py "$0" "$1" 2>/dev/null' "$DATA" "$c"
done
npx tsx bench/compare.ts "$results" "$N"
