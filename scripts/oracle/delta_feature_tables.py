"""Write small Delta tables with today's table features using real PySpark + delta-spark, and record
what Spark reads from them (test/delta/spark-tables/<name>/ and expected.json beside them).

Usage: .oracle/venv/bin/python scripts/oracle/delta_feature_tables.py [TABLE ...]
(no TABLE: write them all; with names: rewrite only those, keeping the others' expected rows)
Needs: pyspark 4.0.1 and delta-spark 4.0.0 (scripts/oracle/setup.sh).
Tables (each small, so the committed output stays a few hundred KB):
  dv-delete          deletion vectors on: two DELETEs (the second replaces the first's vector) and an
                     INSERT; every version's rows are recorded.
  dv-partitioned     deletion vectors on a partitioned table, a DELETE across partitions.
  cm-name            column mapping 'name': RENAME COLUMN (top level and nested) and DROP COLUMN
                     after data was written, then ADD COLUMNS, with a partition column.
  cm-id              column mapping 'id' with a RENAME COLUMN and a DELETE with deletion vectors.
  type-widening      typeWidening: INT -> BIGINT and FLOAT -> DOUBLE after data was written.
(V2 checkpoints come from ../shared/delta-golden.) expected.json: {"<table>": {"versions":
{"<v>": [row, ...]}, "schema": "..."}} with rows as JSON objects sorted by their JSON text
(integers as digits text, timestamps ISO); every version for dv-*, the latest for the others.
"""
import datetime
import decimal
import json
import os
import shutil
import sys

import delta
from pyspark.sql import SparkSession

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
OUT = os.path.join(ROOT, "test", "delta", "spark-tables")
ONLY = set(sys.argv[1:])


def plain(v):
    if isinstance(v, (datetime.datetime, datetime.date)):
        return v.isoformat()
    if isinstance(v, decimal.Decimal):
        return str(v)
    if isinstance(v, int) and not isinstance(v, bool):
        return str(v)
    if hasattr(v, "asDict"):
        return {k: plain(x) for k, x in v.asDict().items()}
    if isinstance(v, list):
        return [plain(x) for x in v]
    return v


def rows(df):
    texts = sorted(json.dumps({k: plain(v) for k, v in r.asDict().items()}, sort_keys=True) for r in df.collect())
    return [json.loads(t) for t in texts]


def main():
    builder = (
        SparkSession.builder.master("local[1]")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
        .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
    )
    spark = delta.configure_spark_with_delta_pip(builder).getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    os.makedirs(OUT, exist_ok=True)
    exp_file = os.path.join(OUT, "expected.json")
    expected = json.load(open(exp_file)) if os.path.exists(exp_file) else {}

    def table(name, steps):
        if ONLY and name not in ONLY:
            return
        path = os.path.join(OUT, name)
        if os.path.exists(path):
            shutil.rmtree(path)
        for sql in steps:
            spark.sql(sql.replace("$T", f"delta.`{path}`"))
        latest = spark.sql(f"DESCRIBE HISTORY delta.`{path}`").agg({"version": "max"}).collect()[0][0]
        versions = {}
        for v in range(latest + 1) if name.startswith("dv-") else [latest]:
            versions[str(v)] = rows(spark.read.format("delta").option("versionAsOf", v).load(path))
        df = spark.read.format("delta").load(path)
        expected[name] = {"schema": df.schema.simpleString(), "versions": versions}
        with open(exp_file, "w") as f:  # after each table, so a cut-off run keeps what it wrote
            json.dump(expected, f, sort_keys=True)  # one line: the dv-* versions hold a few thousand rows
            f.write("\n")
        print(name, latest, len(versions[str(latest)]), flush=True)

    dv = "'delta.enableDeletionVectors' = 'true'"
    cm = "'delta.columnMapping.mode' = '{}', 'delta.minReaderVersion' = '2', 'delta.minWriterVersion' = '5'"
    table("cm-name", [
        f"CREATE TABLE $T (id BIGINT, `a b` STRING, s STRUCT<x: INT, y: STRING>, p STRING) USING delta PARTITIONED BY (p) TBLPROPERTIES ({cm.format('name')})",
        "INSERT INTO $T VALUES (1, 'one', named_struct('x', 1, 'y', 'u'), 'a'), (2, 'two', named_struct('x', 2, 'y', 'v'), 'b')",
        "ALTER TABLE $T RENAME COLUMN `a b` TO label",
        "ALTER TABLE $T RENAME COLUMN s.x TO sx",
        "INSERT INTO $T VALUES (3, 'three', named_struct('sx', 3, 'y', 'w'), 'a')",
        "ALTER TABLE $T DROP COLUMN id",
        "ALTER TABLE $T ADD COLUMNS (id BIGINT)",
        "INSERT INTO $T VALUES ('four', named_struct('sx', 4, 'y', 'x'), 'b', 40)",
    ])
    table("cm-id", [
        f"CREATE TABLE $T (id BIGINT, v STRING) USING delta TBLPROPERTIES ({cm.format('id')}, {dv})",
        "INSERT INTO $T SELECT id, concat('v', id) FROM range(0, 50)",
        "ALTER TABLE $T RENAME COLUMN v TO value",
        "DELETE FROM $T WHERE id % 5 = 0",
    ])
    table("type-widening", [
        "CREATE TABLE $T (i INT, f FLOAT) USING delta TBLPROPERTIES ('delta.enableTypeWidening' = 'true')",
        "INSERT INTO $T VALUES (1, 1.5), (2147483647, 0.1)",
        "ALTER TABLE $T ALTER COLUMN i TYPE BIGINT",
        "ALTER TABLE $T ALTER COLUMN f TYPE DOUBLE",
        "INSERT INTO $T VALUES (9223372036854775807, 0.1)",
    ])
    table("dv-delete", [
        f"CREATE TABLE $T (id BIGINT, name STRING) USING delta TBLPROPERTIES ({dv})",
        "INSERT INTO $T SELECT id, concat('n', id) FROM range(0, 1000)",
        "DELETE FROM $T WHERE id % 7 = 3",
        "DELETE FROM $T WHERE id < 100 OR id BETWEEN 800 AND 900",
        "INSERT INTO $T VALUES (9000, 'late'), (9001, NULL)",
    ])
    table("dv-partitioned", [
        f"CREATE TABLE $T (id INT, p STRING) USING delta PARTITIONED BY (p) TBLPROPERTIES ({dv})",
        "INSERT INTO $T SELECT id, CAST(id % 3 AS STRING) FROM range(0, 300)",
        "DELETE FROM $T WHERE id % 10 = 1",
    ])
    spark.stop()
    for name in os.listdir(OUT):  # Spark's .crc side files are not needed by any reader
        for d, _, fs in os.walk(os.path.join(OUT, name)):
            for f in fs:
                if f.endswith(".crc") and f.startswith("."):
                    os.remove(os.path.join(d, f))


if __name__ == "__main__":
    main()
