"""Record what delta-spark's column DDL does to a Delta table, for test/delta-e2e/alter-columns.test.ts.

Each case creates a fresh table with SQL on `delta.`path`` (PySpark 4.0.1 + delta-spark 4.0.0,
local[1], UTC), runs its statements and records, per ALTER statement, the commit's operation and
operationParameters and the metaData it leaves (schema with column-mapping metadata — physical
names as "col-<uuid>" shown as PHYSICAL — configuration, partition columns), then the table's
rows and schema at the end. Error cases record the error class and first message line.
Streaming cases record what a running stream (and a new one) does after a schema change.
Writes test/delta-e2e/alter-columns.golden.json.
Run: .oracle/venv/bin/python scripts/oracle/delta_alter_columns.py
Needs: pyspark 4.0.1 and delta-spark 4.0.0 (scripts/oracle/setup.sh).
"""
import importlib.metadata
import json
import os
import re
import tempfile

from delta_spark_session import delta_spark, physical, table_rows

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "test", "delta-e2e", "alter-columns.golden.json")

spark = delta_spark()
base = tempfile.mkdtemp()
n = [0]
golden = {"pyspark": importlib.metadata.version("pyspark"), "delta-spark": importlib.metadata.version("delta-spark"), "cases": {}, "errors": {}, "streaming": {}}


def fresh():
    n[0] += 1
    return os.path.join(base, f"t{n[0]}")


def last_commit(path):
    log = os.path.join(path, "_delta_log")
    name = sorted(f for f in os.listdir(log) if f.endswith(".json"))[-1]
    out = {}
    for line in open(os.path.join(log, name)):
        a = json.loads(line)
        if "commitInfo" in a:
            out["operation"] = a["commitInfo"]["operation"]
            out["operationParameters"] = a["commitInfo"].get("operationParameters", {})
        elif "metaData" in a:
            m = a["metaData"]
            out["schema"] = physical(json.loads(m["schemaString"]))
            out["configuration"] = m["configuration"]
            out["partitionColumns"] = m["partitionColumns"]
        elif "protocol" in a:
            out["protocol"] = a["protocol"]
        elif "add" in a or "remove" in a:
            out.setdefault("fileActions", 0)
            out["fileActions"] += 1
    return out


def case(name, steps):
    path = fresh()
    commits = []
    for sql in steps:
        spark.sql(sql.replace("$T", f"delta.`{path}`"))
        if sql.startswith("ALTER"):
            commits.append({"statement": sql, **last_commit(path)})
    rows, schema = table_rows(spark, path)
    golden["cases"][name] = {"steps": steps, "alters": commits, "rows": rows, "schema": schema}
    print(name, len(rows), flush=True)


def err(name, setup, statement):
    path = fresh()
    for sql in setup:
        spark.sql(sql.replace("$T", f"delta.`{path}`"))
    try:
        spark.sql(statement.replace("$T", f"delta.`{path}`"))
        golden["errors"][name] = {"setup": setup, "statement": statement, "errorClass": None, "lastCommit": last_commit(path).get("operation")}
    except Exception as e:  # noqa: BLE001 - the error is the answer
        cls = getattr(e, "getErrorClass", lambda: None)()
        message = str(e).strip().splitlines()[0].replace(path, "$T")[:300]  # no temp folder in the golden
        golden["errors"][name] = {"setup": setup, "statement": statement, "errorClass": cls, "message": message}
    print(name, golden["errors"][name]["errorClass"], flush=True)


CM = "'delta.columnMapping.mode' = '{}'"
NAME = f"TBLPROPERTIES ({CM.format('name')})"
ID = f"TBLPROPERTIES ({CM.format('id')})"
BASE = "CREATE TABLE $T (id BIGINT, v STRING, s STRUCT<x: INT, y: STRING>, p STRING) USING delta PARTITIONED BY (p) "
ROWS = "INSERT INTO $T VALUES (1, 'one', named_struct('x', 1, 'y', 'u'), 'a'), (2, 'two', named_struct('x', 2, 'y', 'v'), 'b')"

case("rename-name", [
    BASE + NAME, ROWS,
    "ALTER TABLE $T RENAME COLUMN v TO value",
    "ALTER TABLE $T RENAME COLUMN s.x TO sx",
    "ALTER TABLE $T RENAME COLUMN p TO part",
    "INSERT INTO $T VALUES (3, 'three', named_struct('sx', 3, 'y', 'w'), 'a')",
])
case("drop-name", [
    BASE + NAME, ROWS,
    "ALTER TABLE $T DROP COLUMN v",
    "ALTER TABLE $T DROP COLUMNS (s.y, id)",
    "ALTER TABLE $T ADD COLUMNS (v STRING)",
    "INSERT INTO $T VALUES (named_struct('x', 3), 'a', 'new')",
])
case("add-name", [
    BASE + NAME, ROWS,
    "ALTER TABLE $T ADD COLUMNS (c INT COMMENT 'the c' FIRST, d STRING AFTER id, s.z BIGINT)",
    "ALTER TABLE $T ADD COLUMN e DOUBLE",
    "INSERT INTO $T VALUES (7, 3, 'dd', 'three', named_struct('x', 3, 'y', 'w', 'z', 30), 'a', 1.5)",
])
case("change-name", [
    "CREATE TABLE $T (id BIGINT NOT NULL, v STRING, w INT) USING delta " + NAME,
    "INSERT INTO $T VALUES (1, 'one', 10)",
    "ALTER TABLE $T ALTER COLUMN v COMMENT 'the v'",
    "ALTER TABLE $T ALTER COLUMN id DROP NOT NULL",
    "ALTER TABLE $T ALTER COLUMN w FIRST",
    "ALTER TABLE $T CHANGE COLUMN v v STRING AFTER w",
    "INSERT INTO $T VALUES (5, 'five', NULL)",
])
case("id-mode", [
    BASE + ID, ROWS,
    "ALTER TABLE $T RENAME COLUMN v TO value",
    "ALTER TABLE $T RENAME COLUMN s.y TO sy",
    "ALTER TABLE $T DROP COLUMN id",
    "ALTER TABLE $T ADD COLUMNS (id BIGINT)",
    "INSERT INTO $T VALUES ('three', named_struct('x', 3, 'sy', 'w'), 'a', 30)",
])
case("no-mapping", [
    BASE, ROWS,
    "ALTER TABLE $T ADD COLUMNS (c INT COMMENT 'cc')",
    "ALTER TABLE $T ALTER COLUMN v COMMENT 'the v'",
    "INSERT INTO $T VALUES (3, 'three', named_struct('x', 3, 'y', 'w'), 'a', 9)",
])

PLAIN = [BASE, ROWS]
MAPPED = [BASE + NAME, ROWS]
err("rename-no-mapping", PLAIN, "ALTER TABLE $T RENAME COLUMN v TO value")
err("drop-no-mapping", PLAIN, "ALTER TABLE $T DROP COLUMN v")
err("drop-partition", MAPPED, "ALTER TABLE $T DROP COLUMN p")
err("drop-missing", MAPPED, "ALTER TABLE $T DROP COLUMN nope")
err("drop-if-exists-missing", MAPPED, "ALTER TABLE $T DROP COLUMN IF EXISTS nope")
err("drop-all", ["CREATE TABLE $T (id BIGINT) USING delta " + NAME], "ALTER TABLE $T DROP COLUMN id")
err("rename-missing", MAPPED, "ALTER TABLE $T RENAME COLUMN nope TO x")
err("rename-to-existing", MAPPED, "ALTER TABLE $T RENAME COLUMN v TO id")
err("add-existing", MAPPED, "ALTER TABLE $T ADD COLUMNS (v STRING)")
err("add-not-null", MAPPED, "ALTER TABLE $T ADD COLUMNS (n INT NOT NULL)")
err("add-after-missing", MAPPED, "ALTER TABLE $T ADD COLUMNS (n INT AFTER nope)")
err("add-under-non-struct", MAPPED, "ALTER TABLE $T ADD COLUMNS (v.n INT)")
err("set-not-null", MAPPED, "ALTER TABLE $T ALTER COLUMN v SET NOT NULL")
err("type-no-widening", MAPPED, "ALTER TABLE $T ALTER COLUMN s.x TYPE BIGINT")
err("type-struct", MAPPED, "ALTER TABLE $T CHANGE COLUMN s s STRUCT<x: INT>")
err("change-missing", MAPPED, "ALTER TABLE $T ALTER COLUMN nope COMMENT 'x'")


def failure(query, e):
    """The error class and first line of the error that stopped `query`."""
    text = str(query.exception() or e)
    m = re.search(r"\[([A-Z_]+(?:\.[A-Z_]+)?)\]", text)
    return {"errorClass": m.group(1) if m else None, "message": text.strip().splitlines()[0][:300]}


def stream_case(name, setup, change):
    path = fresh()
    for sql in setup:
        spark.sql(sql.replace("$T", f"delta.`{path}`"))
    chk = fresh()
    q = spark.readStream.format("delta").load(path).writeStream.format("memory").queryName(f"q{n[0]}").option("checkpointLocation", chk).start()
    q.processAllAvailable()
    spark.sql(change.replace("$T", f"delta.`{path}`"))
    spark.sql(f"INSERT INTO delta.`{path}` SELECT * FROM delta.`{path}` LIMIT 1")
    out = {"setup": setup, "change": change}
    try:
        q.processAllAvailable()
        out["running"] = {"errorClass": None}
    except Exception as e:  # noqa: BLE001
        out["running"] = failure(q, e)
    q.stop()
    # a new query from the start of the table, after the change
    memory = f"r{n[0]}"
    q2 = spark.readStream.format("delta").option("startingVersion", "0").load(path).writeStream.format("memory").queryName(memory).option("checkpointLocation", fresh()).start()
    try:
        q2.processAllAvailable()
        out["fromStart"] = {"errorClass": None, "rows": len(spark.table(memory).collect())}
    except Exception as e:  # noqa: BLE001
        out["fromStart"] = failure(q2, e)
    q2.stop()
    golden["streaming"][name] = out
    print(name, out["running"]["errorClass"], out["fromStart"]["errorClass"], flush=True)


SIMPLE = ["CREATE TABLE $T (id BIGINT, v STRING) USING delta " + NAME, "INSERT INTO $T VALUES (1, 'one'), (2, 'two')"]
stream_case("rename", SIMPLE, "ALTER TABLE $T RENAME COLUMN v TO value")
stream_case("drop", SIMPLE, "ALTER TABLE $T DROP COLUMN v")
stream_case("add", SIMPLE, "ALTER TABLE $T ADD COLUMNS (w INT)")

spark.stop()
with open(OUT, "w") as f:
    json.dump(golden, f, indent=1, sort_keys=True)
    f.write("\n")
