#!/usr/bin/env bash
# Spark Connect clients side by side: Sluice's and PySpark's, against one local Spark Connect
# server (scripts/connect/server.ts) in the same run, so the ratio is the clients' difference.
# Arguments pick cases (bench/connect/cases.ts). Prints rows/s per client and Sluice / PySpark.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/oracle/setup.sh >/dev/null
# PySpark's Connect client needs gRPC and Arrow on the Python side
.oracle/venv/bin/python -m pip install --quiet --disable-pip-version-check -r scripts/oracle/requirements-connect.txt
CASES=("$@")
[ ${#CASES[@]} -gt 0 ] || CASES=(connect-collect connect-small-queries connect-schema)
SIZES=$(npx tsx -e 'import("./bench/connect/cases.ts").then((m) => console.log(m.COLLECT_ROWS, m.SMALL_QUERIES, m.SCHEMA_CALLS, m.RUNS))')
remote=$(npx tsx scripts/connect/server.ts start | tail -1 | sed 's/^SPARK_REMOTE=//')
trap 'npx tsx scripts/connect/server.ts stop >/dev/null' EXIT
results=$(mktemp)
for c in "${CASES[@]}"; do
  node --import tsx bench/connect/sluice-connect-bench.ts "$remote" "$c" | tee -a "$results"
  # shellcheck disable=SC2086
  .oracle/venv/bin/python bench/connect/pyspark_connect_bench.py "$remote" $SIZES "$c" 2>/dev/null | tee -a "$results"
done
npx tsx bench/compare.ts "$results"
