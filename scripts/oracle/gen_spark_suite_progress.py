"""Record PySpark's progress reports, status and listener events for test/spark-suites.

Facts for StreamingQueryStatusAndProgressSuite, StreamingQueryListenerSuite and StreamingQuerySuite:
1. A JSON file stream counted per key (complete mode, memory sink): the shape of batch 0's
   progress (key order at every level, which keys are left out), its first startOffset, and
   toString() against prettyJson.
2. The same with a watermark: the eventTime keys.
3. Idle triggers with spark.sql.streaming.noDataProgressEventInterval=200ms: whether idle triggers
   add progress, their fields, and the listener events (onQueryIdle) in order.
4. Status (message, isDataAvailable, isTriggerActive) before data, after a batch, between
   processing-time triggers, and after stop.
5. A failing query: the terminated event's exception text and error class.
6. A self-union of one file stream: how many sources its progress lists, and its input rows.
Values that differ per run (ids, times, durations, paths) are replaced by their JSON type.
Writes test/spark-suites/golden/progress.json.
Run: bash scripts/oracle/setup.sh && .oracle/venv/bin/python scripts/oracle/gen_spark_suite_progress.py
"""
import json
import os
import sys
import tempfile
import time

from pyspark.sql import functions as F
from pyspark.sql.streaming.listener import StreamingQueryListener

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gen_streaming_parity import local_spark, write_golden  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "test", "spark-suites", "golden", "progress.json")
SCHEMA = "k STRING, ts TIMESTAMP"
STABLE = {"description", "operatorName", "name", "message"}


def shape(v, key=None):
    """Keys in order; values by type, except the stable ones (names, counts of rows)."""
    if isinstance(v, dict):
        return {k: shape(x, k) for k, x in v.items()}
    if isinstance(v, list):
        return [shape(x) for x in v]
    if key in STABLE and isinstance(v, str):
        return "<path>" if "/" in v and key == "description" else v
    if key in ("numInputRows", "numOutputRows", "numRowsTotal", "numRowsUpdated", "batchId", "numRowsRemoved", "numRowsDroppedByWatermark"):
        return v
    if key in ("startOffset", "endOffset", "latestOffset") and not isinstance(v, int):
        return v
    return None if v is None else type(v).__name__


class Recorder(StreamingQueryListener):
    def __init__(self):
        self.events = []

    def onQueryStarted(self, e):
        self.events.append({"event": "started", "name": e.name, "id": str(e.id)})

    def onQueryProgress(self, e):
        p = e.progress
        self.events.append({"event": "progress", "batchId": p.batchId, "numInputRows": p.numInputRows, "id": str(p.id)})

    def onQueryIdle(self, e):
        self.events.append({"event": "idle", "id": str(e.id)})

    def onQueryTerminated(self, e):
        self.events.append({"event": "terminated", "id": str(e.id), "exception": None if e.exception is None else e.exception.splitlines()[0][:200], "errorClassOnException": e.errorClassOnException})


def write(dirname, name, lines):
    with open(os.path.join(dirname, name), "w") as h:
        h.write("\n".join(json.dumps(x) for x in lines) + "\n")


def jvm_progress(q):
    """The JVM's own JSON of every recent progress (key order as Spark writes it)."""
    return [json.loads(p.json()) for p in q._jsq.recentProgress()]


def status(q):
    s = q.status
    return {"message": s["message"], "isDataAvailable": s["isDataAvailable"], "isTriggerActive": s["isTriggerActive"]}


def main():
    spark = local_spark()
    tmp = tempfile.mkdtemp(prefix="sluice-oracle-progress-")
    out = {"spark": spark.version}
    inp = os.path.join(tmp, "in")
    os.makedirs(inp)
    write(inp, "f0.json", [{"k": "a", "ts": "2024-01-01T00:00:10Z"}, {"k": "b", "ts": "2024-01-01T00:00:20Z"}])
    rec = Recorder()
    spark.streams.addListener(rec)

    # 1. progress shape, no watermark
    df = spark.readStream.format("json").schema(SCHEMA).load(inp)
    q = df.groupBy("k").count().writeStream.format("memory").queryName("p1").outputMode("complete").option("checkpointLocation", os.path.join(tmp, "c1")).start()
    q.processAllAvailable()
    out["progress-no-watermark"] = shape(jvm_progress(q)[-1])
    last = q._jsq.lastProgress()
    out["progress-toString-is-prettyJson"] = last.toString() == last.prettyJson()
    out["status-after-batch"] = status(q)
    q.stop()
    out["status-after-stop"] = status(q)

    # 2. with a watermark
    wq = df.withWatermark("ts", "10 seconds").groupBy(F.window("ts", "5 seconds")).count()
    q = wq.writeStream.format("memory").queryName("p2").outputMode("append").option("checkpointLocation", os.path.join(tmp, "c2")).start()
    q.processAllAvailable()
    out["progress-watermark"] = [shape(x) for x in jvm_progress(q)]
    q.stop()

    # 3. idle triggers
    spark.conf.set("spark.sql.streaming.noDataProgressEventInterval", "200ms")
    rec.events.clear()
    inp3 = os.path.join(tmp, "in3")
    os.makedirs(inp3)
    write(inp3, "f0.json", [{"k": "a", "ts": "2024-01-01T00:00:10Z"}])
    df3 = spark.readStream.format("json").schema(SCHEMA).load(inp3)
    q = df3.groupBy("k").count().writeStream.format("memory").queryName("p3").outputMode("complete").option("checkpointLocation", os.path.join(tmp, "c3")).start()
    q.processAllAvailable()
    time.sleep(1.5)
    out["idle-recentProgress"] = [shape(x) for x in jvm_progress(q)]
    q.stop()
    time.sleep(0.5)
    ev = [dict((k, v) for k, v in e.items() if k != "id") for e in rec.events if e["id"] == str(q.id)]
    # idle events are time-dependent in number: keep the order with repeated idles collapsed
    collapsed = []
    for e in ev:
        if collapsed and e["event"] == "idle" and collapsed[-1]["event"] == "idle":
            continue
        collapsed.append(e)
    out["idle-events"] = collapsed
    out["idle-event-count-at-least"] = sum(1 for e in ev if e["event"] == "idle") >= 2
    spark.conf.unset("spark.sql.streaming.noDataProgressEventInterval")

    # 4. status with a processing-time trigger
    q = df3.writeStream.format("memory").queryName("p4").trigger(processingTime="3 seconds").option("checkpointLocation", os.path.join(tmp, "c4")).start()
    q.processAllAvailable()
    time.sleep(0.5)
    out["status-between-processing-time-triggers"] = status(q)
    q.stop()

    # 5. failure
    rec.events.clear()
    inp5 = os.path.join(tmp, "in5")
    os.makedirs(inp5)
    write(inp5, "f0.json", [{"k": "x", "ts": "2024-01-01T00:00:10Z"}])
    df5 = spark.readStream.format("json").schema(SCHEMA).load(inp5)
    bad = df5.select(F.assert_true(F.col("k") == "a", "k must be a").alias("c"))
    q = bad.writeStream.format("memory").queryName("p5").option("checkpointLocation", os.path.join(tmp, "c5")).start()
    try:
        q.processAllAvailable()
    except Exception as e:  # noqa: BLE001 - the error is what we record
        out["failure-message-head"] = str(e).splitlines()[0][:200]
        out["failure-message-has-offsets"] = "Current Committed Offsets" in str(e) and "Current Available Offsets" in str(e)
    time.sleep(0.5)
    out["failure-events"] = [dict((k, v) for k, v in e.items() if k != "id") for e in rec.events if e["id"] == str(q.id)]
    spark.streams.removeListener(rec)

    # 6. self-union
    q = df3.union(df3).writeStream.format("memory").queryName("p6").option("checkpointLocation", os.path.join(tmp, "c6")).start()
    q.processAllAvailable()
    p = [x for x in jvm_progress(q) if x["numInputRows"] > 0][0]
    out["self-union"] = {"sources": len(p["sources"]), "numInputRows": p["numInputRows"], "sourceRows": [s["numInputRows"] for s in p["sources"]], "sinkRows": spark.table("p6").count()}
    q.stop()

    write_golden(OUT, out)


if __name__ == "__main__":
    main()
