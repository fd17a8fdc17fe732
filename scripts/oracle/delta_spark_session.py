"""The PySpark + delta-spark session of the Delta command and change-feed oracles: local[1], UTC,
one shuffle and snapshot partition (small tables; it keeps the JVM's work low on a busy machine)."""
import datetime
import json
import re

import delta
from pyspark.sql import SparkSession


def plain(v):
    """A result value as JSON: datetimes as ISO text, Rows as dicts, tuples as lists."""
    if isinstance(v, (datetime.datetime, datetime.date)):
        return v.isoformat()
    if hasattr(v, "asDict"):  # a Row (a tuple too)
        return plain(v.asDict())
    if isinstance(v, dict):
        return {k: plain(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [plain(x) for x in v]
    return v


def delta_spark():
    builder = (
        SparkSession.builder.master("local[1]")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", "1")
        .config("spark.default.parallelism", "1")
        .config("spark.databricks.delta.snapshotPartitions", "1")
        .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
        .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
    )
    spark = delta.configure_spark_with_delta_pip(builder).getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


PHYSICAL_NAME = re.compile(r"^col-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def physical(v):
    """A schema's JSON with every generated physical name (col-<uuid>, random) shown as PHYSICAL."""
    if isinstance(v, dict):
        return {k: ("PHYSICAL" if k == "delta.columnMapping.physicalName" and isinstance(x, str) and PHYSICAL_NAME.match(x) else physical(x)) for k, x in v.items()}
    if isinstance(v, list):
        return [physical(x) for x in v]
    return v


def table_rows(spark, path):
    """A Delta table's rows as JSON values (sorted by their JSON text) and its schema's simpleString."""
    df = spark.read.format("delta").load(path)
    rows = sorted((plain(r.asDict(recursive=True)) for r in df.collect()), key=lambda r: json.dumps(r, sort_keys=True, default=str))
    return json.loads(json.dumps(rows, default=str)), df.schema.simpleString()
