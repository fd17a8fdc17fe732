#!/usr/bin/env bash
# Nexmark on Sluice and PySpark local[2], same input, same run. Arguments pick queries (default: all).
# NEXMARK_EVENTS (default 1M) events at NEXMARK_RATE events/s of event time (default 10000), in
# NEXMARK_FILES files per stream (default 20; each file is one micro-batch). Each query runs in a
# fresh process per engine; the input is generated once (bench/data/nexmark-…). Prints events/s per
# engine, the ratio Sluice / PySpark, and whether both engines wrote the same rows (exit 1 if not).
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${NEXMARK_EVENTS:-1000000}
RATE=${NEXMARK_RATE:-10000}
FILES=${NEXMARK_FILES:-20}
DATA=bench/data/nexmark-$N-$RATE-$FILES
QUERIES=("$@")
[ ${#QUERIES[@]} -gt 0 ] || QUERIES=(q0 q1 q2 q3 q4 q5 q7 q8 sessions)
bash scripts/oracle/setup.sh --pandas >/dev/null
[ -f "$DATA/counts.json" ] || npx tsx bench/nexmark/gen.ts "$DATA" "$N" "$FILES" "$RATE"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for q in "${QUERIES[@]}"; do
  node --max-old-space-size=8192 --import tsx bench/nexmark/sluice-nexmark.ts "$DATA" "$out/sluice" "$q" | tee -a "$out/results"
  .oracle/pandas-venv/bin/python bench/nexmark/pyspark_nexmark.py "$DATA" "$out/pyspark" "$q" 2>/dev/null | tee -a "$out/results"
done
.oracle/venv/bin/python bench/nexmark/compare.py "$out/results" "$out"
