#!/usr/bin/env bash
# Create .oracle/venv (gitignored) with the pinned PySpark the oracle scripts run against.
# Idempotent: re-running only installs what is missing or at the wrong version.
# Needs python3 (3.9+) with venv, and Java 17 for Spark itself.
#   bash scripts/oracle/setup.sh && .oracle/venv/bin/python scripts/oracle/gen_parity.py
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
VENV="$ROOT/.oracle/venv"
REQS="$ROOT/scripts/oracle/requirements.txt"

if ! command -v java >/dev/null 2>&1; then
  echo "setup.sh: java not found; PySpark needs a Java 17 runtime (e.g. apt-get install openjdk-17-jre-headless)" >&2
  exit 1
fi
if [ ! -x "$VENV/bin/python" ]; then
  PY="${PYTHON:-python3}"
  command -v "$PY" >/dev/null 2>&1 || { echo "setup.sh: $PY not found; set PYTHON=/path/to/python3" >&2; exit 1; }
  "$PY" -m venv "$VENV"
fi
# pip skips requirements that are already satisfied, so a second run is quick and changes nothing.
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$REQS"
"$VENV/bin/python" -c "import pyspark; print('oracle ready: pyspark', pyspark.__version__)"
