"""Record what delta-spark's DeltaTable commands do, for test/delta-e2e/delta-commands.test.ts.

Each case starts from a fresh table written by PySpark + delta-spark (local[1], UTC), runs one
command (delete, update, merge with whenNotMatchedBySource, restoreToVersion, detail,
optimize().executeCompaction()) and records the rows after it, the command's commitInfo
(operation, operationParameters, operationMetrics), the keys and dataChange flags of the add and
remove actions it wrote, and what the command returned. Writes
test/delta-e2e/delta-commands.golden.json after every case, so a slow machine keeps what is done;
given case names, only those are run again (the others are kept from the file). Byte sizes and
times are left out: they depend on the Parquet writer, so the test checks them against the table.
Run: .oracle/venv/bin/python scripts/oracle/delta_commands.py ["case name" ...]
Needs: pyspark 4.0.1 and delta-spark 4.0.0 (scripts/oracle/setup.sh).
"""
import importlib.metadata
import json
import os
import sys
import tempfile

from delta.tables import DeltaTable
from delta_spark_session import delta_spark, plain

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "test", "delta-e2e", "delta-commands.golden.json")

spark = delta_spark()
base = tempfile.mkdtemp()
n = [0]

# Metric keys whose values depend on sizes or times rather than on the data.
VOLATILE = ("Bytes", "TimeMs", "Size", "executionTime", "scanTime", "rewriteTime")


def seed(rows_per_file, partition_by=None, props=None):
    """A fresh table: one append (one file per partition) per list in rows_per_file."""
    n[0] += 1
    path = os.path.join(base, f"t{n[0]}")
    for i, rows in enumerate(rows_per_file):
        df = spark.createDataFrame(rows, "id BIGINT, v STRING, p STRING").coalesce(1)
        w = df.write.format("delta").mode("append")
        if partition_by:
            w = w.partitionBy(*partition_by)
        if props and i == 0:
            for k, x in props.items():
                w = w.option(k, x)
        w.save(path)
    return path


def rows(path):
    return sorted((plain(r.asDict()) for r in spark.read.format("delta").load(path).collect()), key=lambda r: json.dumps(r, sort_keys=True))


def last_commit(path):
    log = os.path.join(path, "_delta_log")
    last = sorted(f for f in os.listdir(log) if f.endswith(".json"))[-1]
    acts = [json.loads(line) for line in open(os.path.join(log, last))]
    info = next(a["commitInfo"] for a in acts if "commitInfo" in a)
    metrics = {k: x for k, x in info.get("operationMetrics", {}).items() if not any(s in k for s in VOLATILE)}
    files = []
    for a in acts:
        for kind in ("add", "remove", "cdc"):
            if kind in a:
                files.append({"kind": kind, "keys": sorted(a[kind].keys()), "dataChange": a[kind].get("dataChange"),
                              "partitionValues": a[kind].get("partitionValues"),
                              "numRecords": json.loads(a[kind]["stats"])["numRecords"] if a[kind].get("stats") else None})
    files.sort(key=lambda f: json.dumps(f, sort_keys=True))
    return {"version": int(last[:20]), "operation": info["operation"], "operationParameters": info.get("operationParameters", {}),
            "operationMetrics": metrics, "isBlindAppend": info.get("isBlindAppend"), "files": files}


A = [(1, "a", "x"), (2, "b", "x"), (3, "c", "y")]
B = [(4, "d", "x"), (5, "e", "y"), (6, "f", "y")]
golden = json.load(open(OUT)) if os.path.exists(OUT) else {"cases": {}, "errors": {}}
golden.update({"pyspark": importlib.metadata.version("pyspark"), "delta-spark": importlib.metadata.version("delta-spark")})
cases, errors = golden["cases"], golden["errors"]
only = set(sys.argv[1:])


def save():
    with open(OUT, "w") as f:
        json.dump(golden, f, indent=1, sort_keys=True)
        f.write("\n")


def wanted(name):
    return name in only if only else name not in cases and name not in errors


def case(name, setup, run, partition_by=None, props=None):
    if not wanted(name):
        return
    path = seed(setup, partition_by, props)
    out = run(path, DeltaTable.forPath(spark, path))
    cases[name] = {"rows": rows(path), "commit": last_commit(path), **({"returned": plain(out)} if out is not None else {})}
    save()
    print("case", name, flush=True)


case("delete with a condition", [A, B], lambda p, t: t.delete("id % 2 = 0"))
case("delete touching one file", [A, B], lambda p, t: t.delete("id = 5"))
case("delete of every row of a file", [A, B], lambda p, t: t.delete("id <= 3"))
case("delete without a condition", [A, B], lambda p, t: t.delete())
case("delete matching nothing", [A, B], lambda p, t: t.delete("id > 100"))
case("delete on a partition column", [A, B], lambda p, t: t.delete("p = 'x'"), partition_by=["p"])
case("delete in a partitioned table", [A, B], lambda p, t: t.delete("id = 1 OR id = 6"), partition_by=["p"])
case("update with a condition", [A, B], lambda p, t: t.update("id > 4", {"v": "upper(v)", "id": "id * 10"}))
case("update without a condition", [A], lambda p, t: t.update(set={"v": "'z'"}))
case("update of a partition column", [A, B], lambda p, t: t.update("id = 1", {"p": "'y'"}), partition_by=["p"])
case("update with a null condition result", [[(1, None, "x"), (2, "b", "x")]], lambda p, t: t.update("v = 'b' OR v <> 'b'", {"v": "'n'"}))


def merge_nmbs(p, t):
    src = spark.createDataFrame([(2, "B", "x"), (7, "G", "y")], "id BIGINT, v STRING, p STRING")
    (t.alias("t").merge(src.alias("s"), "t.id = s.id")
     .whenMatchedUpdateAll()
     .whenNotMatchedInsertAll()
     .whenNotMatchedBySourceDelete("t.id > 4")
     .whenNotMatchedBySourceUpdate(set={"v": "concat(t.v, '-old')"})
     .execute())


def merge_nmbs_only(p, t):
    src = spark.createDataFrame([(1, "A", "x")], "id BIGINT, v STRING, p STRING")
    t.alias("t").merge(src.alias("s"), "t.id = s.id").whenNotMatchedBySourceDelete().execute()


case("merge with whenNotMatchedBySource", [A, B], merge_nmbs)
case("merge with only whenNotMatchedBySourceDelete", [A, B], merge_nmbs_only)


def restore(p, t):
    t.delete("id = 1")
    t.update("id = 4", {"v": "'D'"})
    return [plain(r.asDict()) for r in t.restoreToVersion(1).collect()]


case("restoreToVersion", [A, B], restore)


def restore_schema(p, t):
    spark.createDataFrame([(9, "i", "x", 1.5)], "id BIGINT, v STRING, p STRING, w DOUBLE").write.format("delta").mode("append").option("mergeSchema", "true").save(p)
    t.restoreToVersion(0)


case("restoreToVersion before a schema change", [A], restore_schema)


def detail(p, t):
    d = t.detail()
    r = d.collect()[0].asDict()
    keep = {k: plain(x) for k, x in r.items() if k not in ("id", "location", "createdAt", "lastModified", "sizeInBytes")}
    return {"schema": d.schema.simpleString(), "values": keep}


case("detail", [A, B], detail, partition_by=["p"], props={"delta.appendOnly": "false"})


def optimize(p, t):
    d = t.optimize().executeCompaction()
    r = d.collect()[0].asDict()
    m = plain(r["metrics"])
    keep = {k: m[k] for k in ("numFilesAdded", "numFilesRemoved", "partitionsOptimized", "numBatches", "totalConsideredFiles",
                              "totalFilesSkipped", "preserveInsertionOrder")}
    keep["filesAdded.totalFiles"] = m["filesAdded"]["totalFiles"]
    keep["filesRemoved.totalFiles"] = m["filesRemoved"]["totalFiles"]
    return {"schema": d.schema.simpleString(), "metrics": keep}


C = [(7, "g", "x"), (8, "h", "y")]
case("optimize", [A, B, C], optimize, partition_by=["p"])
case("optimize with a partition filter", [A, B, C], lambda p, t: [None for _ in t.optimize().where("p = 'x'").executeCompaction().collect()] and None, partition_by=["p"])
case("optimize of a compacted table", [A + B], lambda p, t: [None for _ in t.optimize().executeCompaction().collect()] and None)

def err(name, f):
    if not wanted(name):
        return
    try:
        f()
        errors[name] = None
    except Exception as e:
        errors[name] = {"class": type(e).__name__, "message": str(e).splitlines()[0][:300]}
    save()


pp = seed([A], ["p"])
err("optimize where on a data column", lambda: DeltaTable.forPath(spark, pp).optimize().where("id = 1").executeCompaction())
err("restoreToVersion past the latest", lambda: DeltaTable.forPath(spark, pp).restoreToVersion(5))
err("delete with an unknown column", lambda: DeltaTable.forPath(spark, pp).delete("nope = 1"))
err("update of an unknown column", lambda: DeltaTable.forPath(spark, pp).update("id = 1", {"nope": "1"}))
err("whenNotMatchedBySource reading the source", lambda: DeltaTable.forPath(spark, pp).alias("t").merge(
    spark.createDataFrame([(1, "A", "x")], "id BIGINT, v STRING, p STRING").alias("s"), "t.id = s.id")
    .whenNotMatchedBySourceUpdate(set={"v": "s.v"}).execute())

print("wrote", OUT)
