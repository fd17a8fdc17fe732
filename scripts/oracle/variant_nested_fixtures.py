"""VARIANT nested in a struct, an array and a map, written by real PySpark 4.0.1 + delta-spark 4.0,
for test/types/variant-nested-files.test.ts (the committed fixtures under test/types/fixtures/variant-nested).

1. Run QUERY (the test holds the same text) and write it with Spark: OUT/parquet (one file), OUT/delta
   (a plain Delta table) and OUT/delta-cm (a Delta table with column mapping in name mode).
2. Write OUT/expected.json: {"columns": the Parquet leaf paths of the file, "rows": CHECK's rows
   ordered by id, the same for the file and both tables (the script fails otherwise)}.
Run: .oracle/venv/bin/python scripts/oracle/variant_nested_fixtures.py OUT
"""
import glob
import json
import os
import shutil
import sys

import pyarrow.parquet as pq

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from delta_spark_session import delta_spark  # noqa: E402

QUERY = """SELECT id,
  CASE WHEN id = 4 THEN NULL ELSE named_struct('n', id, 'v', parse_json(j)) END AS s,
  array(parse_json(j), parse_json('[1,"two"]')) AS a,
  map('k', parse_json(j), 'z', CAST(id AS VARIANT)) AS m
FROM VALUES (1, '{"a":1,"b":[true,"x"]}'), (2, '{"a":25,"c":2.50}'), (3, NULL), (4, '7') AS t(id, j)"""

CHECK = """SELECT id, to_json(s) AS s, to_json(a) AS a, to_json(m) AS m,
  variant_get(s.v, '$.a', 'int') AS sa, try_variant_get(a[1], '$[1]', 'string') AS a1,
  schema_of_variant(m['k']) AS mk, to_json(m['z']) AS mz FROM t ORDER BY id"""


def rows(spark, df):
    df.createOrReplaceTempView("t")
    return [list(r) for r in spark.sql(CHECK).collect()]


def main(out):
    out = os.path.abspath(out)
    shutil.rmtree(out, ignore_errors=True)
    spark = delta_spark()
    df = spark.sql(QUERY)
    df.coalesce(1).write.parquet(os.path.join(out, "parquet"))
    df.coalesce(1).write.format("delta").save(os.path.join(out, "delta"))
    cm = os.path.join(out, "delta-cm")
    spark.sql(
        f"CREATE TABLE delta.`{cm}` (id INT, s STRUCT<n: INT, v: VARIANT>, a ARRAY<VARIANT>, m MAP<STRING, VARIANT>) USING delta "
        "TBLPROPERTIES ('delta.columnMapping.mode' = 'name')"
    )
    df.coalesce(1).write.format("delta").mode("append").save(cm)
    want = rows(spark, spark.read.parquet(os.path.join(out, "parquet")))
    for table in ("delta", "delta-cm"):
        got = rows(spark, spark.read.format("delta").load(os.path.join(out, table)))
        assert got == want, (table, got, want)
    for junk in glob.glob(os.path.join(out, "**", ".*.crc"), recursive=True) + glob.glob(os.path.join(out, "parquet", "_SUCCESS")):
        os.remove(junk)
    f = pq.ParquetFile(glob.glob(os.path.join(out, "parquet", "*.parquet"))[0])
    columns = [f.schema.column(i).path for i in range(len(f.schema))]
    with open(os.path.join(out, "expected.json"), "w") as fh:
        json.dump({"columns": columns, "rows": want}, fh, indent=1)
        fh.write("\n")
    spark.stop()


if __name__ == "__main__":
    main(sys.argv[1])
