#!/usr/bin/env bash
# Spark Connect clients side by side: Sluice's and PySpark's, against one local Spark Connect
# server (scripts/connect/server.ts), taking turns in one run (bench/connect/sluice-connect-bench.ts
# drives PySpark's client as its child), so the ratio is the clients' difference and a change of
# machine load hits both. Arguments pick cases (bench/connect/cases.ts). Prints rows/s per client
# (of the median run) and Sluice / PySpark, and the per-operation times with best-of and median ratios.
# SPARK_REMOTE=sc://... uses that server instead of starting one.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/oracle/setup.sh >/dev/null
# PySpark's Connect client needs gRPC and Arrow on the Python side
.oracle/venv/bin/python -m pip install --quiet --disable-pip-version-check -r scripts/oracle/requirements-connect.txt
remote=${SPARK_REMOTE:-}
if [ -z "$remote" ]; then
  started=$(npx tsx scripts/connect/server.ts start)
  remote=$(tail -1 <<<"$started" | sed 's/^SPARK_REMOTE=//')
  # stop the server only if this run started it (not one `npm run connect:start` left running)
  grep -q "already running" <<<"$started" || trap 'npx tsx scripts/connect/server.ts stop >/dev/null' EXIT
fi
results=$(mktemp)
node --import tsx bench/connect/sluice-connect-bench.ts "$remote" .oracle/venv/bin/python "$@" | tee "$results"
npx tsx bench/compare.ts "$results"
