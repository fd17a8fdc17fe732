"""Record PySpark's answers for the file-source and file-sink scenarios of test/spark-suites.

Facts for FileStreamSourceSuite / FileStreamSinkSuite, each run on fresh folders under one temp
root ($ROOT in the recorded paths):
1. cleanSource=archive: where an archived file lands below sourceArchiveDir.
2. cleanSource=archive with the archive folder inside what the source glob matches: the error.
3. A user schema with NOT NULL columns: the stream's schema (spark.sql.streaming.fileSource.schema.forceNullable).
4. A partition column named in the user schema: its values from `p=...` folder names.
5. fileNameOnly: two files of the same name in different folders.
6. latestFirst with maxFilesPerTrigger=1: the order of the batches.
7. maxFileAge: a file older than the newest seen by more than the age, added later, is skipped.
8. A glob that matches nothing yet: the stream starts, and reads what appears.
9. A streaming file sink: its _spark_metadata entries after 12 batches (compaction every 10),
   and the folder read back (batch and stream) through the manifest only.
Writes test/spark-suites/golden/files.json.
Run: bash scripts/oracle/setup.sh && .oracle/venv/bin/python scripts/oracle/gen_spark_suite_files.py
"""
import json
import os
import re
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gen_streaming_parity import local_spark, write_golden  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "test", "spark-suites", "golden", "files.json")


def main():
    spark = local_spark()
    root = os.path.realpath(tempfile.mkdtemp(prefix="sluice-oracle-files-"))
    out = {"spark": spark.version}
    n = [0]

    def d(*parts):
        p = os.path.join(root, *parts)
        os.makedirs(p, exist_ok=True)
        return p

    def put(path, rows, mtime=None):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as h:
            h.write("".join(json.dumps(r) + "\n" for r in rows))
        if mtime is not None:
            os.utime(path, (mtime, mtime))

    def rel(p):
        return p.replace(root, "$ROOT")

    def batches(df, **opts):
        """Run df to a foreachBatch sink until idle; the rows of each batch."""
        n[0] += 1
        got = []
        w = df.writeStream.option("checkpointLocation", d(f"chk{n[0]}"))
        for k, v in opts.items():
            w = w.option(k, v)
        q = w.foreachBatch(lambda b, i: got.append(sorted(json.dumps(r.asDict(), sort_keys=True) for r in b.collect()))).start()
        q.processAllAvailable()
        return q, got

    def err(fn):
        try:
            fn()
            return None
        except Exception as e:  # noqa: BLE001 - the error is what we record
            return re.sub(r"id = [0-9a-f-]{36}, runId = [0-9a-f-]{36}", "id = <id>, runId = <runId>", rel(str(e).strip().splitlines()[0]))[:400]

    # 1. archive layout
    src = d("a1", "in")
    put(os.path.join(src, "sub", "f1.json"), [{"v": 1}])
    put(os.path.join(src, "f0.json"), [{"v": 0}])
    arch = d("a1", "archive")
    df = spark.readStream.schema("v INT").option("cleanSource", "archive").option("sourceArchiveDir", arch).option("recursiveFileLookup", "true").json(src)
    q, got = batches(df)
    put(os.path.join(src, "f2.json"), [{"v": 2}])  # a next batch lets the first one be archived
    q.processAllAvailable()
    time.sleep(1)
    q.stop()
    out["archive-files"] = sorted(rel(os.path.join(dp, f)) for dp, _, fs in os.walk(arch) for f in fs if not f.startswith("."))
    out["archive-left-in-source"] = sorted(rel(os.path.join(dp, f)) for dp, _, fs in os.walk(src) for f in fs if not f.startswith("."))

    # 2. archive folder matched by the source glob
    src2 = d("a2", "in")
    put(os.path.join(src2, "x", "f.json"), [{"v": 1}])
    out["archive-overlap-error"] = err(lambda: batches(spark.readStream.schema("v INT").option("cleanSource", "archive").option("sourceArchiveDir", os.path.join(src2, "archived")).json(os.path.join(src2, "*"))))

    # 3. force nullable
    src3 = d("n", "in")
    put(os.path.join(src3, "f.json"), [{"v": 1}])
    from pyspark.sql.types import IntegerType, StructField, StructType
    s = spark.readStream.schema(StructType([StructField("v", IntegerType(), False)])).json(src3).schema
    out["force-nullable"] = [(f.name, f.nullable) for f in s.fields]

    # 4. partition column in the user schema
    src4 = d("p", "in")
    put(os.path.join(src4, "p=1", "a.json"), [{"v": 1}])
    put(os.path.join(src4, "p=2", "b.json"), [{"v": 2}])
    q, got = batches(spark.readStream.schema("v INT, p INT").json(src4))
    q.stop()
    out["partition-column-rows"] = got

    # 5. fileNameOnly
    # (files of one listing are all new; the name counts against files of earlier batches)
    for only in ("true", "false"):
        src5 = d(f"fn-{only}", "in")
        put(os.path.join(src5, "x", "same.json"), [{"v": 1}])
        q, got = batches(spark.readStream.schema("v INT").option("fileNameOnly", only).json(os.path.join(src5, "*")))
        put(os.path.join(src5, "y", "same.json"), [{"v": 2}])
        put(os.path.join(src5, "y", "other.json"), [{"v": 3}])
        q.processAllAvailable()
        q.stop()
        out[f"fileNameOnly-{only}-rows"] = sorted(r for b in got for r in b)

    # 6. latestFirst
    src6 = d("lf", "in")
    now = int(time.time())
    for i in range(3):
        put(os.path.join(src6, f"f{i}.json"), [{"v": i}], mtime=now - 100 + i * 10)
    q, got = batches(spark.readStream.schema("v INT").option("latestFirst", "true").option("maxFilesPerTrigger", 1).json(src6))
    q.stop()
    out["latestFirst-batches"] = got

    # 7. maxFileAge
    src7 = d("age", "in")
    put(os.path.join(src7, "old.json"), [{"v": 1}], mtime=now - 7200)
    put(os.path.join(src7, "new.json"), [{"v": 2}], mtime=now)
    q, got = batches(spark.readStream.schema("v INT").option("maxFileAge", "1h").json(src7))
    put(os.path.join(src7, "older.json"), [{"v": 3}], mtime=now - 10800)
    put(os.path.join(src7, "newer.json"), [{"v": 4}], mtime=now + 10)
    q.processAllAvailable()
    q.stop()
    out["maxFileAge-rows"] = sorted(r for b in got for r in b)

    # 8. glob matching nothing yet
    src8 = d("g")
    q, got = batches(spark.readStream.schema("v INT").json(os.path.join(src8, "*", "*.json")))
    put(os.path.join(src8, "x", "f.json"), [{"v": 8}])
    q.processAllAvailable()
    q.stop()
    out["glob-nothing-then-rows"] = sorted(r for b in got for r in b)

    # 9. sink compaction and reading back
    src9 = d("s", "in")
    sink = os.path.join(root, "s", "out")
    df9 = spark.readStream.schema("v INT").option("maxFilesPerTrigger", 1).json(src9)
    for i in range(12):
        put(os.path.join(src9, f"f{i:02d}.json"), [{"v": i}], mtime=now - 100 + i)
    q = df9.writeStream.format("json").option("checkpointLocation", d("s", "chk")).start(sink)
    q.processAllAvailable()
    q.stop()
    meta = os.path.join(sink, "_spark_metadata")
    out["sink-metadata-files"] = sorted(f for f in os.listdir(meta) if not f.startswith("."))
    with open(os.path.join(meta, "9.compact")) as h:
        lines = h.read().splitlines()
    out["sink-compact-9"] = {"version": lines[0], "entries": len(lines) - 1, "keys": list(json.loads(lines[1]).keys())}
    put(os.path.join(sink, "stray.json"), [{"v": 99}])  # not in the manifest: readers skip it
    out["sink-read-back-batch"] = sorted(r.v for r in spark.read.schema("v INT").json(sink).collect())
    q, got = batches(spark.readStream.schema("v INT").json(sink))
    q.stop()
    out["sink-read-back-stream"] = sorted(json.loads(r)["v"] for b in got for r in b)

    write_golden(OUT, out)


if __name__ == "__main__":
    main()
