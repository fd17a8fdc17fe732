"""DECIMAL Parquet both ways with real PySpark, for test/decimal/spark-decimal-parquet.test.ts.

1. Write OUT_DIR (one file, coalesce(1)) with Spark: DECIMAL(9,2), DECIMAL(18,4) and
   DECIMAL(38,18) columns, which Spark stores as INT32, INT64 and FIXED_LEN_BYTE_ARRAY.
2. Read each SLUICE_DIR given (Parquet folders Sluice wrote) with Spark.
3. Print one JSON object: {"written": {"rows": [...], "physical": {...}}, "read": {dir: {"rows":
   [...], "physical": {...}}}}. Rows are objects of exact plain decimal strings (format(d, "f")) sorted by
   id; "physical" maps each column to its Parquet physical type, read from the footer by pyarrow.
Run: .oracle/venv/bin/python scripts/oracle/decimal_parquet.py OUT_DIR [SLUICE_DIR ...]
"""
import decimal
import glob
import json
import os
import sys

import pyarrow.parquet as pq
from pyspark.sql import SparkSession

ROWS = [
    (1, "1234567.89", "12345678901234.5678", "12345678901234567890.123456789012345678"),
    (2, "-9999999.99", "-99999999999999.9999", "-99999999999999999999.999999999999999999"),
    (3, "0.01", "0.0001", "0.000000000000000001"),
    (4, None, None, None),
    (5, "0.00", "90071992547409.9300", "9007199254740993.000000000000000001"),
]
SCHEMA = "id INT, d9 DECIMAL(9,2), d18 DECIMAL(18,4), d38 DECIMAL(38,18)"


def plain(v):
    return format(v, "f") if isinstance(v, decimal.Decimal) else v


def physical(folder):
    files = sorted(glob.glob(os.path.join(folder, "*.parquet")))
    schema = pq.ParquetFile(files[0]).schema
    return {schema.column(i).name: schema.column(i).physical_type for i in range(len(schema))}


def rows_of(df):
    return [{k: plain(v) for k, v in r.asDict().items()} for r in df.orderBy("id").collect()]


def main():
    out, sluice_dirs = sys.argv[1], sys.argv[2:]
    spark = SparkSession.builder.master("local[1]").config("spark.ui.enabled", "false").getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    data = [(i, *(None if x is None else decimal.Decimal(x) for x in xs)) for i, *xs in ROWS]
    spark.createDataFrame(data, SCHEMA).coalesce(1).write.mode("overwrite").parquet(out)
    result = {"written": {"rows": rows_of(spark.read.parquet(out)), "physical": physical(out)}, "read": {}}
    for d in sluice_dirs:
        result["read"][d] = {"rows": rows_of(spark.read.parquet(d)), "physical": physical(d)}
    print(json.dumps(result))
    spark.stop()


if __name__ == "__main__":
    main()
