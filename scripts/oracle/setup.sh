#!/usr/bin/env bash
# Create .oracle/venv (gitignored) with the pinned Python packages Sluice's tests and oracles use.
#   bash scripts/oracle/setup.sh          # everything, including PySpark (regenerating golden files)
#   bash scripts/oracle/setup.sh --test   # only what the default test run needs (delta-rs, pyarrow)
#   bash scripts/oracle/setup.sh --pandas # also .oracle/pandas-venv for the pandas-based oracles
#                                           (requirements-pandas.txt; run them with .oracle/pandas-venv/bin/python)
# Idempotent: re-running only installs what is missing or at the wrong version.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
VENV="$ROOT/.oracle/venv"
REQS="$ROOT/scripts/oracle/requirements.txt"
PANDAS=""
if [ "${1:-}" = "--pandas" ]; then
  PANDAS=1
  shift
fi
if [ "${1:-}" = "--test" ]; then
  REQS="$ROOT/scripts/oracle/requirements-test.txt"
elif ! command -v java >/dev/null 2>&1; then
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
if [ "${1:-}" = "--test" ]; then
  "$VENV/bin/python" -c "import deltalake; print('test oracle ready: deltalake', deltalake.__version__)"
else
  "$VENV/bin/python" -c "import pyspark, deltalake; print('oracle ready: pyspark', pyspark.__version__, 'deltalake', deltalake.__version__)"
fi
if [ -n "$PANDAS" ]; then
  # A venv on top of the main one: its own pandas/pyarrow come first, PySpark comes from the main venv.
  PVENV="$ROOT/.oracle/pandas-venv"
  [ -x "$PVENV/bin/python" ] || "$VENV/bin/python" -m venv "$PVENV"
  "$VENV/bin/python" -c "import site; print(site.getsitepackages()[0])" > "$("$PVENV/bin/python" -c "import site; print(site.getsitepackages()[0])")/oracle-main.pth"
  "$PVENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$ROOT/scripts/oracle/requirements-pandas.txt"
  "$PVENV/bin/python" -c "import pyspark, pandas, pyarrow; print('pandas oracle ready: pyspark', pyspark.__version__, 'pandas', pandas.__version__, 'pyarrow', pyarrow.__version__)"
fi
