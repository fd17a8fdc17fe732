"""Record PySpark's df.observe(name, ...) answers for test/spark-suites (StreamingQueryStatusAndProgressSuite).

1. A JSON file stream observed under two names (before and after a filter), written in append mode
   to the memory sink, fed two files one batch each: every progress's observedMetrics, as the JVM
   writes it (progress.json) and as PySpark's Row (asDict).
2. The same stream with a watermark and a windowed count: the no-data batch that the watermark
   triggers, and its observedMetrics.
3. The refusals: a plain column, a nested aggregate, a non-deterministic argument, DISTINCT, no
   expression, the same name twice with different expressions; each error class.
4. A batch DataFrame observed through pyspark.sql.Observation: observation.get after an action.
Writes test/spark-suites/golden/observe.json.
Run: bash scripts/oracle/setup.sh && .oracle/venv/bin/python scripts/oracle/gen_spark_suite_observe.py
"""
import json
import os
import sys
import tempfile

from pyspark.sql import Observation
from pyspark.sql import functions as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gen_spark_suite_progress import write  # noqa: E402
from gen_streaming_parity import local_spark, write_golden  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "test", "spark-suites", "golden", "observe.json")
SCHEMA = "k STRING, v INT, ts TIMESTAMP"
FILES = [
    [{"k": "a", "v": 1, "ts": "2024-01-01T00:00:10Z"}, {"k": "b", "v": 4, "ts": "2024-01-01T00:00:20Z"}, {"k": "a", "v": None, "ts": "2024-01-01T00:00:12Z"}],
    [{"k": "b", "v": 2, "ts": "2024-01-01T00:00:40Z"}, {"k": "c", "v": 7, "ts": "2024-01-01T00:00:45Z"}],
]


def observed(q):
    """Per progress: batchId, numInputRows, the JVM's observedMetrics (parsed, and as written: raw) and PySpark's rows."""
    out = []
    for p in q._jsq.recentProgress():
        text = p.json()
        j = json.loads(text)
        at = text.find('"observedMetrics":')
        raw = text[at + len('"observedMetrics":') : -1] if at >= 0 else None
        out.append({"batchId": j["batchId"], "numInputRows": j["numInputRows"], "json": j.get("observedMetrics"), "raw": raw})
    rows = [{k: r.asDict() for k, r in p.observedMetrics.items()} for p in q.recentProgress]
    for o, r in zip(out, rows):
        o["rows"] = json.loads(json.dumps(r, default=str))
    return out


def feed(spark, q, inp, files):
    for i, lines in enumerate(files):
        write(inp, f"f{i}.json", lines)
        q.processAllAvailable()


def error_class(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - the error is what we record
        cls = getattr(e, "getErrorClass", lambda: None)()
        return {"errorClass": cls, "message": str(e).splitlines()[0][:240]}
    return {"errorClass": None, "message": "accepted"}


def main():
    spark = local_spark()
    tmp = tempfile.mkdtemp(prefix="sluice-oracle-observe-")
    out = {"spark": spark.version}

    # 1. two names, append mode
    inp = os.path.join(tmp, "in1")
    os.makedirs(inp)
    df = spark.readStream.format("json").schema(SCHEMA).load(inp)
    obs = (
        df.observe("all_rows", F.count(F.lit(1)).alias("rows"), F.max("v").alias("max_v"), F.avg("v").alias("avg_v"), F.sum("v").alias("sum_v"), F.avg(F.lit(3)).alias("avg_three"))
        .where(F.col("k") != "c")
        .observe("kept", F.count("v").alias("non_null_v"), (F.sum("v") * 2).alias("twice"), F.min("ts").alias("first_ts"))
    )
    q = obs.writeStream.format("memory").queryName("o1").option("checkpointLocation", os.path.join(tmp, "c1")).start()
    feed(spark, q, inp, FILES)
    out["two-names"] = observed(q)
    q.stop()

    # 2. watermark: the no-data batch
    inp2 = os.path.join(tmp, "in2")
    os.makedirs(inp2)
    df2 = spark.readStream.format("json").schema(SCHEMA).load(inp2)
    agg = df2.withWatermark("ts", "5 seconds").observe("seen", F.count(F.lit(1)).alias("rows"), F.max("ts").alias("max_ts")).groupBy(F.window("ts", "10 seconds")).count()
    q = agg.writeStream.format("memory").queryName("o2").outputMode("append").option("checkpointLocation", os.path.join(tmp, "c2")).start()
    feed(spark, q, inp2, FILES)
    out["no-data-batch"] = observed(q)
    q.stop()

    # 3. refusals (on a batch DataFrame: the analyzer's checks are the same)
    b = spark.createDataFrame([("a", 1)], "k STRING, v INT")
    out["refusals"] = {
        "plain-column": error_class(lambda: b.observe("m", F.col("v")).collect()),
        "column-beside-aggregate": error_class(lambda: b.observe("m", F.col("v") + F.sum("v")).collect()),
        "nested-aggregate": error_class(lambda: b.observe("m", F.sum(F.sum("v"))).collect()),
        "non-deterministic": error_class(lambda: b.observe("m", F.sum(F.rand())).collect()),
        "distinct": error_class(lambda: b.observe("m", F.count_distinct("v")).collect()),
        "literal-only": error_class(lambda: b.observe("m", F.lit(1).alias("one")).collect()),
        "no-expression": error_class(lambda: b.observe("m")),
        "same-name-twice": error_class(lambda: b.observe("m", F.sum("v")).observe("m", F.count("v")).collect()),
        "same-name-same-exprs": error_class(lambda: b.observe("m", F.sum("v")).union(b.observe("m", F.sum("v"))).collect()),
    }

    # 4. batch Observation
    ob = Observation("batch")
    r = spark.createDataFrame([("a", 1), ("b", 2), ("c", None)], "k STRING, v INT").observe(ob, F.count(F.lit(1)).alias("rows"), F.sum("v").alias("sum_v"), F.avg("v").alias("avg_v"))
    out["batch-observation"] = {"collected": len(r.collect()), "get": ob.get}

    write_golden(OUT, out)


if __name__ == "__main__":
    main()
