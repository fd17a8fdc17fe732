"""TINYINT / SMALLINT Parquet both ways with real PySpark, for test/types/spark-byte-short-parquet.test.ts.

Spark writes OUT_DIR (INT32 columns annotated INT(8, true) / INT(16, true)) and reads each
SLUICE_DIR given; the JSON printed is interval_parquet.py's ({"written": {"rows", "types",
"physical"}, "read": {dir: {"rows", "types"}}}), plus "logical": each column's Parquet logical
type (pyarrow) in OUT_DIR and in every SLUICE_DIR.
Run: .oracle/venv/bin/python scripts/oracle/smallint_parquet.py OUT_DIR [SLUICE_DIR ...]
"""
import contextlib
import glob
import io
import json
import os
import sys

import pyarrow.parquet as pq

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import interval_parquet  # noqa: E402

QUERY = """SELECT id, CAST(b AS TINYINT) AS b, CAST(s AS SMALLINT) AS s
FROM VALUES (1, 127, 32767), (2, -128, -32768), (3, NULL, NULL), (4, 0, -1) AS t(id, b, s)"""


def logical(folder):
    schema = pq.ParquetFile(sorted(glob.glob(os.path.join(folder, "*.parquet")))[0]).schema
    return {schema.column(i).name: str(schema.column(i).logical_type) for i in range(len(schema))}


if __name__ == "__main__":
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        interval_parquet.main(sys.argv[1], sys.argv[2:], QUERY)
    answer = json.loads(out.getvalue().strip().splitlines()[-1])
    answer["logical"] = {d: logical(d) for d in sys.argv[1:]}
    print(json.dumps(answer))
