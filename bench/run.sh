#!/usr/bin/env bash
# Side-by-side benchmark: Sluice vs PySpark local[2] on the same inputs, in one run.
# BENCH_PARQUET_ROWS (default 10M) and BENCH_JSON_ROWS (default 5M) set the sizes; arguments pick
# cases. Each case runs in a fresh process per engine, so "first batch after start" is measured
# from process start. Prints each engine's rows/s and the ratio Sluice / PySpark.
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
for c in "${CASES[@]}"; do
  node --max-old-space-size=16384 --import tsx bench/sluice-bench.ts "$DATA" "$c" | tee -a "$results"
  .oracle/venv/bin/python bench/pyspark_bench.py "$DATA" "$c" 2>/dev/null | tee -a "$results"
done
npx tsx bench/compare.ts "$results"
