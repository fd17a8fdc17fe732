"""TIMESTAMP_NTZ Parquet both ways with real PySpark, for test/types/spark-timestamp-ntz-parquet.test.ts.

Spark writes OUT_DIR with a TIMESTAMP_NTZ column (INT64 annotated TIMESTAMP(isAdjustedToUTC=false,
MICROS)) beside a TIMESTAMP column (Spark's default INT96), then reads each SLUICE_DIR given; the
JSON printed is interval_parquet.py's ({"written": {"rows", "types", "physical"}, "read": {dir:
{"rows", "types"}}}), plus "logical": each column's Parquet logical type (pyarrow) in OUT_DIR and
in every SLUICE_DIR. The session time zone is America/Los_Angeles, so a wall-clock value that
moved with the zone would show.
Run: .oracle/venv/bin/python scripts/oracle/ntz_parquet.py OUT_DIR [SLUICE_DIR ...]
"""
import contextlib
import io
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import interval_parquet  # noqa: E402
from smallint_parquet import logical  # noqa: E402

QUERY = """SELECT id, CAST(t AS TIMESTAMP_NTZ) AS t, CAST(z AS TIMESTAMP) AS z
FROM VALUES (1, '2024-03-10 02:30:00', '2024-01-01 10:00:00Z'), (2, '1969-12-31 23:59:59.999999', '1969-12-31 23:59:59.999999Z'),
  (3, NULL, NULL), (4, '2200-06-30 12:00:00.5', '2200-06-30 12:00:00.5Z') AS v(id, t, z)"""


if __name__ == "__main__":
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        interval_parquet.main(sys.argv[1], sys.argv[2:], QUERY, "America/Los_Angeles")
    answer = json.loads(out.getvalue().strip().splitlines()[-1])
    answer["logical"] = {d: logical(d) for d in sys.argv[1:]}
    print(json.dumps(answer))
