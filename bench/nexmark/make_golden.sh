#!/usr/bin/env bash
# Regenerates bench/nexmark/golden/tiny.json: every query's rows from real PySpark (local[2]) over
# the tiny input test/bench/nexmark.test.ts uses (3000 events in 3 files at 100 events/s, so the
# 10 s windows close), in canonical.py's form (Spark 4.0.1, the .oracle venv's). Usage: bash bench/nexmark/make_golden.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
bash scripts/oracle/setup.sh --pandas >/dev/null
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
npx tsx bench/nexmark/gen.ts "$tmp/input" 3000 3 100
.oracle/pandas-venv/bin/python bench/nexmark/pyspark_nexmark.py "$tmp/input" "$tmp/out" 2>/dev/null
.oracle/venv/bin/python - "$tmp/out" > bench/nexmark/golden/tiny.json <<'PY'
import json, sys
sys.path.insert(0, "bench/nexmark")
from canonical import compact, digest, rows
from pyspark_nexmark import QUERY_INPUTS
# per query: the row count and digest; the rows themselves too when there are few (readable diffs)
out = {}
for q in QUERY_INPUTS:
    rr = rows(sys.argv[1], q)
    out[q] = {"count": len(rr), "sha256": digest(rr), **({"rows": rr} if len(rr) <= 100 else {})}
print("{\n" + ",\n".join(f' "{q}": {compact(v)}' for q, v in out.items()) + "\n}")
PY
echo "wrote bench/nexmark/golden/tiny.json"
