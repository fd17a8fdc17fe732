import json, os, shutil, sys, tempfile
from pyspark.sql import SparkSession, functions as F
spark = SparkSession.builder.master("local[1]").config("spark.ui.enabled","false").config("spark.sql.session.timeZone","UTC").config("spark.sql.shuffle.partitions","1").getOrCreate()
spark.sparkContext.setLogLevel("ERROR")

def run(name, batches, build, mode="append"):
    tmp = tempfile.mkdtemp()
    inp = os.path.join(tmp, "in"); os.makedirs(inp)
    for i, rows in enumerate(batches):
        p = os.path.join(inp, "f%03d.json" % i)
        with open(p, "w") as h:
            for r in rows: h.write(json.dumps(r) + "\n")
        os.utime(p, (1700000000 + i, 1700000000 + i))
    df = spark.readStream.schema("id STRING, ts TIMESTAMP, v INT").option("maxFilesPerTrigger", 1).json(inp)
    out = []
    def fb(b, bid): out.append((bid, sorted(json.dumps(r.asDict(recursive=True), default=str, sort_keys=True) for r in b.collect())))
    q = build(df).writeStream.outputMode(mode).foreachBatch(fb).option("checkpointLocation", os.path.join(tmp, "chk")).trigger(availableNow=True).start()
    q.awaitTermination()
    print("==", name)
    for bid, rows in out: print("  batch", bid, rows)
    for p in q.recentProgress:
        so = p["stateOperators"]
        print("  progress", p["batchId"], "in", p["numInputRows"], "wm", p["eventTime"].get("watermark"), [(s["operatorName"], s["numRowsTotal"], s["numRowsUpdated"], s["numRowsRemoved"], s["numRowsDroppedByWatermark"]) for s in so])
    shutil.rmtree(tmp)

T = lambda s: "2024-01-01T00:%02d:%02dZ" % (s // 60, s % 60)
B = [[{"id":"a","ts":T(100),"v":1}], [{"id":"b","ts":T(85),"v":2},{"id":"a","ts":T(100),"v":3},{"id":"d","ts":T(95),"v":9}], [{"id":"c","ts":T(200),"v":4}], [{"id":"a","ts":T(100),"v":5},{"id":"e","ts":T(195),"v":6}]]
which = sys.argv[1:] or ["dedup","within","window","update","complete"]
if "dedup" in which: run("dropDuplicates(id, ts) wm 10s", B, lambda d: d.withWatermark("ts","10 seconds").dropDuplicates(["id","ts"]))
if "within" in which: run("dropDuplicatesWithinWatermark(id) wm 10s", B, lambda d: d.withWatermark("ts","10 seconds").dropDuplicatesWithinWatermark(["id"]))
if "window" in which: run("window 10s count append wm 10s", B, lambda d: d.withWatermark("ts","10 seconds").groupBy(F.window("ts","10 seconds")).agg(F.count("*").alias("n"), F.sum("v").alias("s")))
if "update" in which: run("window 10s count update wm 10s", B, lambda d: d.withWatermark("ts","10 seconds").groupBy(F.window("ts","10 seconds")).agg(F.count("*").alias("n")), "update")
if "complete" in which: run("groupBy id complete", B, lambda d: d.groupBy("id").agg(F.count("*").alias("n")), "complete")
