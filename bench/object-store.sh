#!/usr/bin/env bash
# Object stores and PostgreSQL as ratios (bench/object-store-bench.ts): Parquet group-by and the
# Delta sink on the S3 test server vs the local disk, Parquet group-by and the streaming Parquet
# sink on S3 vs PySpark through S3A (hadoop-aws from Maven Central on first use, ~550 MB with the
# AWS SDK bundle) on the same server, and JDBC write/read throughput vs PySpark's
# JDBC writer/reader on the same PostgreSQL. BENCH_OS_PARQUET_ROWS (default 2M) and
# BENCH_OS_JSON_ROWS (default 200k: the Delta sink's stream and the JDBC rows) set the sizes.
# Needs the S3 test server (scripts/s3/setup.sh), PostgreSQL (scripts/postgres/setup.sh) and the
# PySpark venv (scripts/oracle/setup.sh); PySpark fetches the PostgreSQL JDBC driver from Maven
# Central on first use.
set -euo pipefail
cd "$(dirname "$0")/.."
P=${BENCH_OS_PARQUET_ROWS:-2000000}
J=${BENCH_OS_JSON_ROWS:-200000}
DATA=bench/data/p${P}-j${J}
bash scripts/oracle/setup.sh >/dev/null
bash scripts/s3/setup.sh >/dev/null
[ -f "$DATA/events.parquet" ] || .oracle/venv/bin/python bench/gen_data.py "$DATA" "$P" "$J"
node --max-old-space-size=8192 --import tsx bench/object-store-bench.ts "$DATA"
