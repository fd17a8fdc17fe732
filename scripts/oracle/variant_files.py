"""VARIANT in Parquet and Delta with real PySpark 4.0.1 + delta-spark, for test/types/spark-variant-files.test.ts.

1. Write PARQUET_DIR (one file) and a Delta table at DELTA_DIR with Spark: an INT id and a VARIANT
   column v of parse_json values (objects, arrays, a decimal too wide for a BIGINT, a string, a
   JSON null, a timestamp cast to VARIANT) and one SQL NULL.
2. Read the Delta table Sluice wrote at SLUICE_DELTA and the Parquet folder SLUICE_DIR with Spark,
   and the Parquet folder and Delta table Sluice wrote of variant_nested_fixtures.py's QUERY
   (VARIANT in a struct, an array and a map) with that script's CHECK query.
3. Print one JSON object: {"written": {"rows", "types", "columns", "arrow"}, "delta": {"rows",
   "protocol"}, "sluiceDelta": {"rows", "types"}, "read": {dir: {"rows", "types"}}, "nested": {"parquet", "delta":
   {"rows", "types"}}}. Rows are [id, to_json(v), schema_of_variant(v)]
   ordered by id; "types" the columns' simpleString; "columns" the Parquet leaf column paths and
   "arrow" the Arrow type pyarrow reads for v; "protocol" the Delta protocol action Spark wrote.
Run: .oracle/venv/bin/python scripts/oracle/variant_files.py PARQUET_DIR DELTA_DIR SLUICE_DELTA SLUICE_DIR SLUICE_NESTED_PARQUET SLUICE_NESTED_DELTA
"""
import glob
import json
import os
import sys

import pyarrow.parquet as pq

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from delta_spark_session import delta_spark  # noqa: E402
import variant_nested_fixtures as nested  # noqa: E402

QUERY = """SELECT id, CASE WHEN id = 6 THEN CAST(TIMESTAMP'2024-01-02 03:04:05.5' AS VARIANT) ELSE parse_json(j) END AS v
FROM VALUES (1, '{"a":1,"b":[true,null,"x"],"c":{"d":1.50}}'), (2, '12345678901234567890'), (3, NULL), (4, '"s"'),
  (5, 'null'), (6, NULL), (7, '[2.5e10,"\u00e9",{},[]]') AS t(id, j)"""


def side(df):
    rows = df.selectExpr("id", "to_json(v) AS j", "schema_of_variant(v) AS s").orderBy("id").collect()
    return {"rows": [list(r) for r in rows], "types": {f.name: f.dataType.simpleString() for f in df.schema.fields}}


def nested_side(spark, df):
    return {"rows": nested.rows(spark, df), "types": {f.name: f.dataType.simpleString() for f in df.schema.fields}}


def main(parquet_dir, delta_dir, sluice_delta, sluice_dir, nested_parquet, nested_delta):
    spark = delta_spark()
    df = spark.sql(QUERY)
    df.coalesce(1).write.mode("overwrite").parquet(parquet_dir)
    written = side(spark.read.parquet(parquet_dir))
    f = pq.ParquetFile(sorted(glob.glob(os.path.join(parquet_dir, "*.parquet")))[0])
    written["columns"] = [f.schema.column(i).path for i in range(len(f.schema))]
    written["arrow"] = str(f.schema_arrow.field("v").type)
    df.coalesce(1).write.format("delta").save(delta_dir)
    with open(os.path.join(delta_dir, "_delta_log", "00000000000000000000.json")) as log:
        protocol = next(json.loads(line)["protocol"] for line in log if '"protocol"' in line)
    delta = {"rows": side(spark.read.format("delta").load(delta_dir))["rows"], "protocol": protocol}
    sluice = side(spark.read.format("delta").load(sluice_delta))
    read = {sluice_dir: side(spark.read.parquet(sluice_dir))}
    nested_read = {"parquet": nested_side(spark, spark.read.parquet(nested_parquet)), "delta": nested_side(spark, spark.read.format("delta").load(nested_delta))}
    print(json.dumps({"written": written, "delta": delta, "sluiceDelta": sluice, "read": read, "nested": nested_read}))
    spark.stop()


if __name__ == "__main__":
    main(*sys.argv[1:7])
