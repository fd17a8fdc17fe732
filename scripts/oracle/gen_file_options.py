"""Record PySpark's answers for the file-option cases (test/file-options/cases.json).

1. Write the two small Parquet fixtures (test/file-options/fixtures/a.parquet: id 1, 2;
   b.parquet: id 3) with pyarrow, uncompressed, so the tests can copy and truncate them.
2. For each case, build its files under a fresh temporary root: "text" bodies (with $ROOT
   replaced by the root's absolute path), "copy" of a fixture (cut to "truncate" bytes), or a
   "symlink" to a relative target; set "mtime" (epoch seconds) where given.
   "pathOption" is given as option("path", <root>/<pathOption>); $ROOT in option values is the root.
3. Delete "deleteBeforeLoad", call load() (batch: spark.read, stream: spark.readStream), delete
   "deleteAfterLoad", then collect (batch) or run the stream with Trigger.AvailableNow
   into foreachBatch, collecting every batch's rows. "rerunDeleting": after a first run, remove commits/0 from the checkpoint
   and those files, then run again: the re-run of batch 0 is the answer.
4. Write test/file-options/expected/<id>.json: {phase, rows (sorted)} or {phase, error: the chain
   of Spark error conditions (or Java exception classes)}. Deterministic: re-running rewrites
   identical files.
Run: bash scripts/oracle/setup.sh && .oracle/venv/bin/python scripts/oracle/gen_file_options.py
"""
import json
import os
import re
import shutil
import sys
import tempfile
import time

os.environ["TZ"] = "UTC"
time.tzset()

import pyarrow as pa  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402
from pyspark.sql import SparkSession  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HERE = os.path.join(ROOT, "test", "file-options")
CONDITION = re.compile(r"^\[([A-Z0-9_.]+)\]")
CONDITION_ANYWHERE = re.compile(r"\[([A-Z][A-Z0-9_]*(?:\.[A-Z0-9_]+)?)\]")


def write_fixtures():
    os.makedirs(os.path.join(HERE, "fixtures"), exist_ok=True)
    for name, ids in (("a.parquet", [1, 2]), ("b.parquet", [3])):
        table = pa.table({"id": pa.array(ids, pa.int32()), "s": pa.array([f"r{i}" for i in ids], pa.string())})
        pq.write_table(table, os.path.join(HERE, "fixtures", name), compression="NONE")


def build(root, files):
    for f in files:
        p = os.path.join(root, f["path"])
        os.makedirs(os.path.dirname(p), exist_ok=True)
        if "symlink" in f:
            os.symlink(f["symlink"], p)
            continue
        if "copy" in f:
            with open(os.path.join(HERE, "fixtures", f["copy"]), "rb") as h:
                data = h.read()
        else:
            data = f["text"].replace("$ROOT", root).encode("utf-8")
        if "truncate" in f:
            data = data[: f["truncate"]]
        with open(p, "wb") as h:
            h.write(data)
        if "mtime" in f:
            os.utime(p, (f["mtime"], f["mtime"]))


def error_chain(e):
    """Spark's error conditions from the outermost exception inwards (Java class names where none)."""
    chain = []
    cond = getattr(e, "getCondition", None)
    if cond is not None and cond() is not None and getattr(e, "java_exception", None) is None:
        chain.append(cond())
    j = getattr(e, "java_exception", None)
    while j is not None:
        msg = str(j.getMessage() or "")
        m = CONDITION.match(msg)
        chain.append(m.group(1) if m else j.getClass().getName())
        j = j.getCause()
    # A streaming query's failure names its cause's conditions only in its message.
    for c in CONDITION_ANYWHERE.findall(str(e)):
        if c not in chain:
            chain.append(c)
    return chain or [type(e).__name__]


def reader(spark, case, root):
    r = spark.readStream if case.get("stream") else spark.read
    r = r.format(case["format"])
    if case.get("schema"):
        r = r.schema(case["schema"])
    for k, v in case["options"].items():
        r = r.option(k, v.replace("$ROOT", root))
    if "pathOption" in case:
        r = r.option("path", os.path.join(root, case["pathOption"]))
    return r


def rows_of(df):
    return sorted([[v for v in r] for r in df.collect()], key=json.dumps)


def run_stream(df, chk):
    got = []
    q = df.writeStream.foreachBatch(lambda batch, _id: got.extend(list(r) for r in batch.collect())).option("checkpointLocation", chk).trigger(availableNow=True).start()
    q.awaitTermination()
    return sorted(got, key=json.dumps)


def answer(spark, case, root):
    for f in case.get("deleteBeforeLoad", []):
        os.remove(os.path.join(root, f))
    paths = [os.path.join(root, p) for p in case["paths"]]
    phase = "load"
    try:
        df = reader(spark, case, root).load(*paths) if paths else reader(spark, case, root).load()
        for f in case.get("deleteAfterLoad", []):
            os.remove(os.path.join(root, f))
        phase = "run"
        columns = df.columns
        if not case.get("stream"):
            return {"phase": phase, "columns": columns, "rows": rows_of(df)}
        chk = os.path.join(root, "_chk")
        rows = run_stream(df, chk)
        if "rerunDeleting" in case:
            os.remove(os.path.join(chk, "commits", "0"))
            crc = os.path.join(chk, "commits", ".0.crc")
            if os.path.exists(crc):
                os.remove(crc)
            for f in case["rerunDeleting"]:
                os.remove(os.path.join(root, f))
            phase = "rerun"
            rows = run_stream(reader(spark, case, root).load(*paths), chk)
        return {"phase": phase, "columns": columns, "rows": rows}
    except Exception as e:  # noqa: BLE001 - the error is the answer
        message = str(e).split("\n")[0].replace("file://" + root, "$ROOT").replace("file:" + root, "$ROOT").replace(root, "$ROOT")
        message = re.sub(r"o\d+\.", "o<N>.", re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "<uuid>", message))
        return {"phase": phase, "error": error_chain(e), "message": message[:400]}


def main():
    write_fixtures()
    with open(os.path.join(HERE, "cases.json")) as h:
        cases = json.load(h)["cases"]
    spark = (
        SparkSession.builder.master("local[1]")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "1")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("OFF")
    out_dir = os.path.join(HERE, "expected")
    os.makedirs(out_dir, exist_ok=True)
    only = set(sys.argv[1:])
    for case in cases:
        if only and case["id"] not in only:
            continue
        root = tempfile.mkdtemp(prefix="sluice-file-options-")
        try:
            build(root, case["files"])
            result = answer(spark, case, root)
        finally:
            shutil.rmtree(root, ignore_errors=True)
        with open(os.path.join(out_dir, case["id"] + ".json"), "w") as h:
            json.dump({"spark": spark.version, "case": case["id"], **result}, h, indent=1, sort_keys=True)
            h.write("\n")
        print(f"{case['id']}: {json.dumps(result)[:300]}", file=sys.stderr)
    spark.stop()


if __name__ == "__main__":
    main()
