"""Record the checksum file PySpark's streaming file sink writes beside a manifest entry.

On a local disk Spark writes `_spark_metadata/N` through Hadoop's ChecksumFileSystem, which adds
a hidden `.N.crc`. This runs one micro-batch that commits three files (a manifest entry longer
than one 512-byte checksum chunk) and copies the entry and its `.crc` to
test/checkpoint-damage/golden/spark-sink-manifest/, so Sluice's manifest checksums can be checked
against Spark's bytes. It also records what Spark's reader does once a byte of the entry changes
so that it no longer matches its `.crc`: it reads the entry anyway (the check is Sluice's).
Run: bash scripts/oracle/setup.sh && .oracle/venv/bin/python scripts/oracle/gen_sink_manifest_crc.py
"""
import json
import os
import shutil
import tempfile

import pyspark
from pyspark.sql import SparkSession

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "test", "checkpoint-damage", "golden", "spark-sink-manifest")

spark = SparkSession.builder.master("local[1]").config("spark.sql.session.timeZone", "UTC").getOrCreate()
spark.sparkContext.setLogLevel("ERROR")
work = tempfile.mkdtemp()
inp, out, chk = (os.path.join(work, n) for n in ("in", "out", "chk"))
os.makedirs(inp)
for i in range(3):
    with open(os.path.join(inp, f"{i}.json"), "w") as h:
        h.write(json.dumps({"v": i}) + "\n")
q = (
    spark.readStream.schema("v INT").json(inp).repartition(3)
    .writeStream.format("json").option("checkpointLocation", chk).trigger(availableNow=True).start(out)
)
q.awaitTermination()
meta = os.path.join(out, "_spark_metadata")
shutil.rmtree(OUT, ignore_errors=True)
os.makedirs(OUT)
for name in ("0", ".0.crc"):
    shutil.copyfile(os.path.join(meta, name), os.path.join(OUT, name))

intact = sorted(r.v for r in spark.read.schema("v INT").json(out).collect())
entry = os.path.join(meta, "0")
with open(entry, "rb") as h:
    data = bytearray(h.read())
data[-3] ^= 1  # one byte inside the last JSON line
with open(entry, "wb") as h:
    h.write(bytes(data))
try:
    damaged = {"rows": sorted(r.v for r in spark.read.schema("v INT").json(out).collect())}
except Exception as e:  # noqa: BLE001 - recording which error Spark raises
    damaged = "ChecksumException" if "ChecksumException" in str(e) else str(e).splitlines()[0][:200]
with open(os.path.join(OUT, "spark-read.json"), "w") as h:
    json.dump({"pyspark": pyspark.__version__, "intactRows": intact, "damagedEntry": damaged}, h, indent=2)
    h.write("\n")

# A sink log Spark has compacted (every 10th batch, spark.sql.streaming.fileSink.log.compactInterval):
# eleven one-file batches leave entries 0-8, 9.compact (all files of batches 0-9) and 10, each
# with its .crc. The older entries are deleted only later (cleanupDelay); the test deletes them.
inp2, out2, chk2 = (os.path.join(work, n) for n in ("in2", "out2", "chk2"))
os.makedirs(inp2)
for i in range(11):
    path = os.path.join(inp2, f"{i:02d}.json")
    with open(path, "w") as h:
        h.write(json.dumps({"v": i}) + "\n")
    os.utime(path, (1_000_000 + i, 1_000_000 + i))
q = (
    spark.readStream.schema("v INT").option("maxFilesPerTrigger", 1).json(inp2)
    .writeStream.format("json").option("checkpointLocation", chk2).trigger(availableNow=True).start(out2)
)
q.awaitTermination()
compacted = os.path.join(ROOT, "test", "checkpoint-damage", "golden", "spark-compacted-manifest")
shutil.rmtree(compacted, ignore_errors=True)
shutil.copytree(os.path.join(out2, "_spark_metadata"), compacted)
shutil.rmtree(work)
