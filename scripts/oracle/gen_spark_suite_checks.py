"""Record how PySpark accepts or refuses the streaming plans test/spark-suites checks.

For each case: build the streaming query in real PySpark (local[1], UTC) over a JSON file stream,
start it, process what is available, and record whether it ran or the error condition (error
class) and the first line of the message. Restart cases run one query on a checkpoint, then a
changed query on the same checkpoint (through foreachBatch, which accepts every output mode and
restarts). Batch cases call a method on a batch DataFrame. Writes test/spark-suites/golden/checks.json.
Run: bash scripts/oracle/setup.sh && .oracle/venv/bin/python scripts/oracle/gen_spark_suite_checks.py
"""
import json
import os
import re
import shutil
import sys
import tempfile

import pyspark
from pyspark.sql import functions as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gen_streaming_parity import local_spark  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "test", "spark-suites", "golden", "checks.json")
SCHEMA = "id INT, k STRING, ts TIMESTAMP"


def outcome(fn):
    try:
        fn()
        return {"ok": True}
    except Exception as e:  # noqa: BLE001 - the error is what we record
        cond = getattr(e, "getCondition", None) or getattr(e, "getErrorClass", None)
        message = str(e).strip().splitlines()[0]
        # Query ids and temp folders differ per run.
        message = re.sub(r"id = [0-9a-f-]{36}, runId = [0-9a-f-]{36}", "id = <id>, runId = <runId>", message)
        message = re.sub(r"/\S*sluice-oracle-checks-[^/\s]+", "<tmp>", message)
        return {"ok": False, "condition": cond() if cond else None, "message": message}


def main():
    spark = local_spark()
    tmp = tempfile.mkdtemp(prefix="sluice-oracle-checks-")
    inp = os.path.join(tmp, "in")
    os.makedirs(inp)
    with open(os.path.join(inp, "f0.json"), "w") as h:
        h.write('{"id": 1, "k": "a", "ts": "2024-01-01T00:00:10Z"}\n{"id": 2, "k": "b", "ts": "2024-01-01T00:00:20Z"}\n')
    stream = lambda: spark.readStream.format("json").schema(SCHEMA).load(inp)  # noqa: E731
    static = spark.createDataFrame([(9, "z", None)], SCHEMA)
    n = [0]

    def run(df, mode="append", chk=None):
        n[0] += 1
        w = df.writeStream.outputMode(mode).option("checkpointLocation", chk or os.path.join(tmp, f"chk{n[0]}"))
        w = w.foreachBatch(lambda b, i: b.collect()) if chk else w.format("memory").queryName(f"q{n[0]}")
        q = w.start()
        try:
            q.processAllAvailable()
        finally:
            q.stop()

    wm = lambda: stream().withWatermark("ts", "10 seconds")  # noqa: E731
    cases = {
        "redefine-watermark-after-select": lambda: run(wm().select("*").withWatermark("ts", "20 seconds").groupBy(F.window("ts", "10 seconds")).count()),
        "redefine-watermark-stacked": lambda: run(wm().withWatermark("ts", "20 seconds").groupBy(F.window("ts", "10 seconds")).count()),
        "redefine-watermark-no-stateful": lambda: run(wm().select("*").withWatermark("ts", "20 seconds")),
        "watermark-on-union-of-watermarked": lambda: run(wm().union(stream().withWatermark("ts", "5 seconds")).withWatermark("ts", "1 second").dropDuplicates(["id", "ts"])),
        "cube-complete": lambda: run(stream().cube("k").count(), "complete"),
        "rollup-update": lambda: run(stream().rollup("k").count(), "update"),
        "cube-window-append": lambda: run(wm().cube(F.window("ts", "10 seconds"), "k").count(), "append"),
        "union-stream-batch": lambda: run(stream().union(static)),
        "union-batch-stream": lambda: run(static.union(stream())),
        "intersect-stream-batch": lambda: run(stream().intersect(static)),
        "except-stream-batch": lambda: run(stream().exceptAll(static)),
        "except-batch-stream": lambda: run(static.subtract(stream())),
        "limit-update": lambda: run(stream().groupBy("k").count().limit(1), "update"),
        "limit-append": lambda: run(stream().limit(1)),
        "offset-append": lambda: run(stream().offset(1)),
        "limit-before-agg-complete": lambda: run(stream().limit(1).groupBy("k").count(), "complete"),
        "dedup-within-watermark-batch": lambda: static.withWatermark("ts", "1 second").dropDuplicatesWithinWatermark(["id"]).collect(),
        "dedup-within-watermark-no-watermark": lambda: run(stream().dropDuplicatesWithinWatermark(["id"])),
        "multiple-watermark-policy-invalid": lambda: spark.conf.set("spark.sql.streaming.multipleWatermarkPolicy", "random"),
    }
    out = {"pyspark": pyspark.__version__, "cases": {name: outcome(fn) for name, fn in cases.items()}}

    # State schema changes on restart: the same checkpoint, a query whose state differs, and a
    # new input file so that the second run executes a batch (and loads the state).
    def restart(first, second, mode="update"):
        chk = os.path.join(tmp, f"restart{n[0]}")
        run(first, mode, chk)
        with open(os.path.join(inp, f"more{n[0]}.json"), "w") as h:
            h.write('{"id": 3, "k": "c", "ts": "2024-01-01T00:00:30Z"}\n')
        run(second, mode, chk)

    out["cases"]["restart-key-schema-changed"] = outcome(lambda: restart(stream().groupBy("k").count(), stream().groupBy("id").count()))
    out["cases"]["restart-value-schema-changed"] = outcome(lambda: restart(stream().groupBy("k").count(), stream().groupBy("k").agg(F.sum("id"))))
    out["cases"]["restart-key-column-renamed"] = outcome(lambda: restart(stream().groupBy("k").count(), stream().select(F.col("k").alias("k2")).groupBy("k2").count()))
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as h:
        json.dump(out, h, indent=1, sort_keys=True)
        h.write("\n")


if __name__ == "__main__":
    main()
