"""ANSI interval Parquet both ways with real PySpark, for test/interval/spark-interval-parquet.test.ts.

1. Write OUT_DIR (one file, coalesce(1)) with Spark: INTERVAL YEAR TO MONTH, INTERVAL MONTH,
   INTERVAL DAY TO SECOND and INTERVAL HOUR columns (Spark stores them as plain INT32 / INT64 and
   records the Spark schema in the footer's org.apache.spark.sql.parquet.row.metadata).
2. Read each SLUICE_DIR given (Parquet folders Sluice wrote) with Spark.
3. Print one JSON object: {"written": {"rows", "types", "physical"}, "read": {dir: {"rows", "types"}}}.
   Rows are lists of Spark's text of each interval (CAST AS STRING), ordered by id; "types" are
   the columns' simpleString; "physical" maps each column to its Parquet physical type (pyarrow).
Run: .oracle/venv/bin/python scripts/oracle/interval_parquet.py OUT_DIR [SLUICE_DIR ...]
"""
import glob
import json
import os
import sys

import pyarrow.parquet as pq
from pyspark.sql import SparkSession

QUERY = """SELECT id,
  CAST(ym AS INTERVAL YEAR TO MONTH) AS ym, CAST(mo AS INTERVAL MONTH) AS mo,
  CAST(dt AS INTERVAL DAY TO SECOND) AS dt, CAST(h AS INTERVAL HOUR) AS h
FROM VALUES
  (1, '1-2', '14', '1 02:03:04.5', '3'),
  (2, '-178956970-8', '-2147483648', '-106751991 04:00:54.775808', '-2562047788'),
  (3, NULL, NULL, NULL, NULL),
  (4, '0-0', '0', '0 00:00:00.000001', '0')
AS t(id, ym, mo, dt, h)"""


def physical(folder):
    files = sorted(glob.glob(os.path.join(folder, "*.parquet")))
    schema = pq.ParquetFile(files[0]).schema
    return {schema.column(i).name: schema.column(i).physical_type for i in range(len(schema))}


def side(df):
    names = [f.name for f in df.schema.fields]
    text = df.selectExpr(*[f"CAST({n} AS STRING) AS {n}" for n in names]).orderBy("id")
    return {"rows": [list(r) for r in text.collect()], "types": {f.name: f.dataType.simpleString() for f in df.schema.fields}}


def main(out_dir, sluice_dirs, query=QUERY, time_zone="UTC"):
    spark = SparkSession.builder.master("local[1]").config("spark.sql.session.timeZone", time_zone).config("spark.ui.enabled", "false").getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    spark.sql(query).coalesce(1).write.mode("overwrite").parquet(out_dir)
    written = side(spark.read.parquet(out_dir))
    written["physical"] = physical(out_dir)
    read = {d: side(spark.read.parquet(d)) for d in sluice_dirs}
    print(json.dumps({"written": written, "read": read}))
    spark.stop()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
