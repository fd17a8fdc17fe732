"""Record which shuffle partition Spark's stateful operators keep each key in, and that a restart
keeps the checkpoint's spark.sql.shuffle.partitions over the session's.

For each case a streaming query (groupBy(keys).count() in update mode, or dropDuplicates(keys))
reads one JSON file with shuffle partitions = 7 and runs once (availableNow); the state data
source (`format("statestore")`) then lists every key with its partition_id. The restart case
starts the same aggregation again on the same checkpoint after a second file arrives, with the
session's shuffle partitions set to 3, and records the partitions the state is in and the
numShufflePartitions the progress reports.
Writes test/parallel/golden/partitioning.golden.json, which test/parallel/partitioned-state.test.ts reads.
Run: .oracle/venv/bin/python scripts/oracle/gen_partitioning.py
"""
import json
import os
import shutil
import tempfile

from pyspark.sql import SparkSession
from pyspark.sql import functions as F

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "test", "parallel", "golden", "partitioning.golden.json")
N = 7
SCHEMA = "i INT, l BIGINT, s STRING, d DOUBLE, ts TIMESTAMP"
ROWS = [
    {"i": i - 6, "l": (i * 7919) ** 3 - 5 * 10**12, "s": ["", "a", "é", "käse", "日本", "x" * 9][i % 6] + str(i // 6), "d": [0.0, -1.5, 2.25, 1e300][i % 4] + i, "ts": f"2024-01-01T00:{i % 60:02d}:{(i * 7) % 60:02d}Z"}
    for i in range(40)
] + [{"i": None, "l": None, "s": None, "d": None, "ts": "2024-01-01T00:00:00Z"}]
CASES = [
    {"name": "int", "op": "agg", "keys": ["i"]},
    {"name": "bigint", "op": "agg", "keys": ["l"]},
    {"name": "string", "op": "agg", "keys": ["s"]},
    {"name": "double", "op": "agg", "keys": ["d"]},
    {"name": "string-int", "op": "agg", "keys": ["s", "i"]},
    {"name": "window", "op": "window", "keys": ["window"]},
    {"name": "dedup-string-bigint", "op": "dedup", "keys": ["s", "l"]},
]

spark = SparkSession.builder.master("local[2]").config("spark.ui.enabled", "false").config("spark.sql.session.timeZone", "UTC").getOrCreate()
spark.sparkContext.setLogLevel("ERROR")
base = tempfile.mkdtemp()


def write_input(d, rows, name):
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "w") as f:
        for r in rows:
            f.write(json.dumps(r) + "\n")


def query(src, case):
    df = spark.readStream.schema(SCHEMA).json(src)
    if case["op"] == "agg":
        return df.groupBy(*case["keys"]).count(), "update"
    if case["op"] == "window":
        return df.groupBy(F.window("ts", "10 minutes")).count(), "update"
    return df.dropDuplicates(case["keys"]), "append"


def run(src, chk, case):
    df, mode = query(src, case)
    q = df.writeStream.format("noop").outputMode(mode).option("checkpointLocation", chk).trigger(availableNow=True).start()
    q.awaitTermination()
    return q.lastProgress


def plain(v):
    """JSON-safe: nested keys as objects, timestamps as ISO text (UTC), BIGINTs past 2^53 as digits."""
    if isinstance(v, dict):
        return {n: plain(x) for n, x in v.items()}
    if isinstance(v, int) and not isinstance(v, bool) and abs(v) > 2**53:
        return str(v)
    return v.isoformat() if hasattr(v, "isoformat") else v


def state_keys(chk):
    rows = spark.read.format("statestore").load(chk).select("key", "partition_id").collect()
    out = []
    for r in rows:
        k = r["key"].asDict(recursive=True)
        out.append({"key": plain(k), "partition": r["partition_id"]})
    return sorted(out, key=lambda e: json.dumps(e, sort_keys=True, default=str))


result = {"numPartitions": N, "schema": SCHEMA, "rows": [{n: plain(v) for n, v in r.items()} for r in ROWS], "cases": []}
spark.conf.set("spark.sql.shuffle.partitions", str(N))
for case in CASES:
    src = os.path.join(base, case["name"], "in")
    chk = os.path.join(base, case["name"], "chk")
    write_input(src, ROWS, "part-0.json")
    run(src, chk, case)
    result["cases"].append({**case, "state": state_keys(chk)})

# restart with another session value: the checkpoint's count wins
src = os.path.join(base, "restart", "in")
chk = os.path.join(base, "restart", "chk")
write_input(src, ROWS[:10], "part-0.json")
run(src, chk, {"op": "agg", "keys": ["s"]})
spark.conf.set("spark.sql.shuffle.partitions", "3")
write_input(src, ROWS[10:20], "part-1.json")
p = run(src, chk, {"op": "agg", "keys": ["s"]})
parts = sorted({e["partition"] for e in state_keys(chk)})
result["restart"] = {
    "firstRunPartitions": N,
    "sessionPartitionsOnRestart": 3,
    "statePartitionIds": parts,
    "numShufflePartitions": p["stateOperators"][0]["numShufflePartitions"],
    "stateDirs": sorted(os.listdir(os.path.join(chk, "state", "0"))),
}
with open(OUT, "w") as f:
    json.dump(result, f, indent=1, sort_keys=True)
    f.write("\n")
shutil.rmtree(base)
print("wrote", OUT)
