"""Record what PySpark 4.0.1 does for the DataFrame methods of test/dataframe-ops that the batch
parity corpus cannot express: storage levels, argument errors Spark raises without an error
condition, which streaming queries start() accepts, awaitTermination's timeout, the default sink
format, StructType.add's type names.
Writes test/dataframe-ops/pyspark-facts.golden.json (deterministic: a re-run rewrites it identically).
Run: bash scripts/oracle/setup.sh && .oracle/venv/bin/python scripts/oracle/gen_dataframe_ops_facts.py
"""
import json
import os
import shutil
import tempfile

os.environ["TZ"] = "UTC"

import pyspark  # noqa: E402
from pyspark import StorageLevel  # noqa: E402
from pyspark.sql import SparkSession  # noqa: E402
from pyspark.sql import functions as F  # noqa: E402
from pyspark.sql.types import IntegerType, StructType  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "test", "dataframe-ops", "pyspark-facts.golden.json")


def outcome(f):
    """{"value": ...} or {"error": first line of the message, "condition": Spark's condition or null}."""
    try:
        return {"value": f()}
    except Exception as e:  # noqa: BLE001 - the oracle records whatever Spark raises
        get = getattr(e, "getCondition", None)
        return {"error": str(e).split("\n")[0].strip(), "condition": get() if get else None}


def main():
    spark = (
        SparkSession.builder.master("local[1]")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.enabled", "false")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("OFF")
    facts = {"pyspark": pyspark.__version__}

    df = spark.range(7)
    levels = {"fresh": str(df.storageLevel), "afterCache": str(df.cache().storageLevel), "isCached": df.is_cached}
    df.unpersist()
    levels["afterUnpersist"] = str(df.storageLevel)
    levels["persistDiskOnly"] = str(spark.range(8).persist(StorageLevel.DISK_ONLY).storageLevel)
    facts["storageLevels"] = levels

    facts["argumentErrors"] = {
        "sample(1.5, 1)": outcome(lambda: spark.range(5).sample(1.5, 1).collect()),
        "sample(True, -1.0, 1)": outcome(lambda: spark.range(5).sample(True, -1.0, 1).collect()),
        "coalesce(0)": outcome(lambda: spark.range(5).coalesce(0).collect()),
        "repartition(0)": outcome(lambda: spark.range(5).repartition(0).collect()),
        "repartitionByRange(2)": outcome(lambda: spark.range(5).repartitionByRange(2).collect()),
    }

    chk = tempfile.mkdtemp()
    s = spark.readStream.format("rate").load().select("value")
    static = spark.range(3).toDF("value")
    queries = {
        "sample": lambda: s.sample(0.5),
        "repartition": lambda: s.repartition(2),
        "coalesce": lambda: s.coalesce(1),
        "fillna": lambda: s.fillna(0),
        "monotonically_increasing_id": lambda: s.select(F.monotonically_increasing_id()),
        "stream.intersect(static)": lambda: s.intersect(static),
        "stream.intersectAll(static)": lambda: s.intersectAll(static),
        "stream.subtract(static)": lambda: s.subtract(static),
        "stream.exceptAll(static)": lambda: s.exceptAll(static),
        "static.subtract(stream)": lambda: static.subtract(s),
    }
    started = {}
    for i, (name, build) in enumerate(queries.items()):
        def run(build=build, i=i):
            q = build().writeStream.format("memory").queryName(f"facts{i}").option("checkpointLocation", os.path.join(chk, str(i))).start()
            q.stop()
            return "started"
        started[name] = outcome(run)
    started["cache()"] = outcome(lambda: s.cache() and "cached")
    facts["streamingStart"] = started

    q = s.writeStream.format("memory").queryName("facts_await").option("checkpointLocation", os.path.join(chk, "await")).start()
    wait = {"runningFor0.5s": outcome(lambda: q.awaitTermination(0.5))}
    q.stop()
    wait["afterStop"] = outcome(lambda: q.awaitTermination(1))
    wait["timeout0"] = outcome(lambda: q.awaitTermination(0))
    wait["timeoutNegative"] = outcome(lambda: q.awaitTermination(-1))
    facts["awaitTermination"] = wait
    shutil.rmtree(chk, ignore_errors=True)

    facts["defaultSourceFormat"] = spark.conf.get("spark.sql.sources.default")
    facts["structTypeAdd"] = {
        "json names": outcome(lambda: StructType().add("a", "string").add("b", "integer").add("c", IntegerType(), False).simpleString()),
        "ddl name int": outcome(lambda: StructType().add("a", "int").simpleString()),
    }
    facts["replaceNaN"] = outcome(
        lambda: [r.f for r in spark.createDataFrame([(float("nan"),), (1.5,), (None,)], "f double").replace(float("nan"), 0.0).collect()]
    )
    with open(OUT, "w") as h:
        json.dump(facts, h, indent=2, sort_keys=True)
        h.write("\n")
    spark.stop()


if __name__ == "__main__":
    main()
