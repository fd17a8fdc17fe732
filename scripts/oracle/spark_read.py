"""Read folders and tables that Sluice wrote with real PySpark (and Delta-Spark); print JSON rows.

Used by test/interop/spark-reads.test.ts and the Delta interop tests: one Spark session reads every
job given, so the JVM starts once. The session is delta_spark_session's, with one shuffle and one
snapshot partition: Spark's defaults (200 and 50) ran some hundred tasks per small Delta table.
Each argument is FORMAT=PATH (format json, csv, parquet or delta; csv is read with header=true and
inferSchema=true). Prints one JSON object: {"PATH": {"rows": [...], "schema": "..."}
or {"error": "..."}}, rows sorted by their JSON text, timestamps as ISO strings (also inside
structs, arrays and maps, as decimals are text and binaries byte lists).
Run: .oracle/venv/bin/python scripts/oracle/spark_read.py parquet=/tmp/out delta=/tmp/table
Needs: pyspark 4.0.1 and delta-spark 4.0.0 (scripts/oracle/setup.sh); the Delta jars come from
Maven Central on first use.
"""
import datetime
import decimal
import json
import sys

from delta_spark_session import delta_spark


def plain(v):
    if isinstance(v, (datetime.datetime, datetime.date)):
        return v.isoformat()
    if isinstance(v, decimal.Decimal):
        return str(v)
    if isinstance(v, (bytes, bytearray)):
        return list(v)
    return v


def main():
    spark = delta_spark()
    out = {}
    for job in sys.argv[1:]:
        fmt, path = job.split("=", 1)
        try:
            reader = spark.read.format(fmt)
            if fmt == "csv":
                reader = reader.option("header", "true").option("inferSchema", "true")
            df = reader.load(path)
            rows = [json.dumps({k: plain(v) for k, v in r.asDict().items()}, sort_keys=True, default=plain) for r in df.collect()]
            out[path] = {"rows": [json.loads(r) for r in sorted(rows)], "schema": df.schema.simpleString()}
        except Exception as e:  # noqa: BLE001 - the error is the answer
            out[path] = {"error": str(e).strip().splitlines()[0]}
    spark.stop()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
