"""Record what delta-spark does when a table gains a feature after creation, for
test/delta-e2e/table-upgrades.test.ts: column mapping turned on by SET TBLPROPERTIES, type
widening (SET TBLPROPERTIES ('delta.enableTypeWidening' = ...), ALTER COLUMN ... TYPE), both
replayed on Sluice tables by the test.
(REORG TABLE ... APPLY (PURGE) is not recorded: delta-spark 4.0.0 under PySpark 4.0.1 fails on it
with a NoSuchMethodError in ParquetToSparkSchemaConverter.)

Each case creates a fresh table with SQL on `delta.`path`` (PySpark 4.0.1 + delta-spark 4.0.0,
local[1], UTC) and records, per ALTER/REORG statement, its commit: operation,
operationParameters, protocol and metaData (schema with generated physical names shown as
PHYSICAL, configuration) and a summary of its file actions (adds/removes, dataChange, whether an
add keeps a deletion vector), then the table's rows and schema. Error cases record the error
class and the first message line.
Writes test/delta-e2e/table-upgrades.golden.json.
Run: .oracle/venv/bin/python scripts/oracle/delta_table_upgrades.py [cm] [tw]
(no section: all of them; with names: re-record only those sections, keeping the others' records)
Needs: pyspark 4.0.1 and delta-spark 4.0.0 (scripts/oracle/setup.sh).
"""
import importlib.metadata
import json
import os
import sys
import tempfile

from delta_spark_session import delta_spark, physical, table_rows

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "test", "delta-e2e", "table-upgrades.golden.json")

spark = delta_spark()
base = tempfile.mkdtemp()
n = [0]
SECTIONS = set(sys.argv[1:]) or {"cm", "tw"}
golden = json.load(open(OUT)) if os.path.exists(OUT) and len(SECTIONS) < 2 else {"cases": {}, "errors": {}}
golden.update({"pyspark": importlib.metadata.version("pyspark"), "delta-spark": importlib.metadata.version("delta-spark")})


def fresh():
    n[0] += 1
    return os.path.join(base, f"t{n[0]}")


def commit(path, version):
    out = {"version": version}
    for line in open(os.path.join(path, "_delta_log", f"{version:020d}.json")):
        a = json.loads(line)
        if "commitInfo" in a:
            c = a["commitInfo"]
            out["operation"] = c["operation"]
            out["operationParameters"] = c.get("operationParameters", {})
            out["operationMetricKeys"] = sorted(c.get("operationMetrics", {}).keys())
            out["isBlindAppend"] = c.get("isBlindAppend")
        elif "metaData" in a:
            m = a["metaData"]
            out["schema"] = physical(json.loads(m["schemaString"]))
            out["configuration"] = m["configuration"]
        elif "protocol" in a:
            out["protocol"] = a["protocol"]
        elif "add" in a:
            f = out.setdefault("adds", [])
            f.append({"dataChange": a["add"]["dataChange"], "deletionVector": a["add"].get("deletionVector") is not None})
        elif "remove" in a:
            f = out.setdefault("removes", [])
            f.append({"dataChange": a["remove"]["dataChange"], "deletionVector": a["remove"].get("deletionVector") is not None})
    return out


def latest(path):
    log = os.path.join(path, "_delta_log")
    return max(int(f[:20]) for f in os.listdir(log) if f.endswith(".json"))


def case(name, steps):
    path = fresh()
    commits = []
    for sql in steps:
        before = latest(path) if os.path.exists(os.path.join(path, "_delta_log")) else -1
        spark.sql(sql.replace("$T", f"delta.`{path}`"))
        if sql.startswith("ALTER"):
            after = latest(path)
            commits.append({"statement": sql, **(commit(path, after) if after > before else {"committed": False})})
    rows, schema = table_rows(spark, path)
    golden["cases"][name] = {"steps": steps, "commits": commits, "rows": rows, "schema": schema}
    print(name, len(rows), flush=True)


def err(name, setup, statement):
    path = fresh()
    for sql in setup:
        spark.sql(sql.replace("$T", f"delta.`{path}`"))
    try:
        spark.sql(statement.replace("$T", f"delta.`{path}`"))
        golden["errors"][name] = {"setup": setup, "statement": statement, "errorClass": None, "lastCommit": commit(path, latest(path))}
    except Exception as e:  # noqa: BLE001 - the error is the answer
        cls = getattr(e, "getErrorClass", lambda: None)()
        message = str(e).strip().splitlines()[0].replace(path, "$T")[:400]
        golden["errors"][name] = {"setup": setup, "statement": statement, "errorClass": cls, "message": message}
    print(name, golden["errors"][name]["errorClass"], flush=True)


def save():
    with open(OUT, "w") as f:
        json.dump(golden, f, indent=1, sort_keys=True)
        f.write("\n")


PLAIN = "CREATE TABLE $T (id BIGINT, v STRING, s STRUCT<x: INT, y: STRING>, p STRING) USING delta PARTITIONED BY (p)"
ROWS = "INSERT INTO $T VALUES (1, 'one', named_struct('x', 1, 'y', 'u'), 'a'), (2, 'two', named_struct('x', 2, 'y', 'v'), 'b')"
DV = "TBLPROPERTIES ('delta.enableDeletionVectors' = 'true')"
SET_NAME = "ALTER TABLE $T SET TBLPROPERTIES ('delta.columnMapping.mode' = 'name')"

# 1. column mapping on an existing table
def section_cm():
    case("cm-enable-plain", [PLAIN, ROWS, SET_NAME, "ALTER TABLE $T RENAME COLUMN v TO value", "ALTER TABLE $T DROP COLUMN s.y",
                             "INSERT INTO $T VALUES (3, 'three', named_struct('x', 3), 'a')"])
    case("cm-enable-dv", [PLAIN + " " + DV, ROWS, SET_NAME, "ALTER TABLE $T RENAME COLUMN p TO part",
                          "INSERT INTO $T VALUES (3, 'three', named_struct('x', 3, 'y', 'w'), 'a')"])
    case("cm-enable-cdf", [PLAIN + " TBLPROPERTIES ('delta.enableChangeDataFeed' = 'true')", ROWS, SET_NAME])
    case("cm-enable-again", [PLAIN + " TBLPROPERTIES ('delta.columnMapping.mode' = 'name')", ROWS, SET_NAME])
    save()
    err("cm-enable-id", [PLAIN, ROWS], "ALTER TABLE $T SET TBLPROPERTIES ('delta.columnMapping.mode' = 'id')")
    err("cm-name-to-id", [PLAIN + " TBLPROPERTIES ('delta.columnMapping.mode' = 'name')", ROWS], "ALTER TABLE $T SET TBLPROPERTIES ('delta.columnMapping.mode' = 'id')")
    err("cm-bad-mode", [PLAIN, ROWS], "ALTER TABLE $T SET TBLPROPERTIES ('delta.columnMapping.mode' = 'names')")
    err("cm-disable-renamed", [PLAIN, ROWS, SET_NAME, "ALTER TABLE $T RENAME COLUMN v TO value"], "ALTER TABLE $T SET TBLPROPERTIES ('delta.columnMapping.mode' = 'none')")
    err("cm-unset-renamed", [PLAIN, ROWS, SET_NAME, "ALTER TABLE $T RENAME COLUMN v TO value"], "ALTER TABLE $T UNSET TBLPROPERTIES ('delta.columnMapping.mode')")
    err("cm-rename-before-enable", [PLAIN, ROWS], "ALTER TABLE $T RENAME COLUMN v TO value")
    save()

# 2. type widening
def section_tw():
    TW = "'delta.enableTypeWidening' = 'true'"
    WIDE = ("CREATE TABLE $T (b TINYINT, s SMALLINT, i INT, l BIGINT, f FLOAT, d DATE, m DECIMAL(10, 2), st STRUCT<x: INT>, a ARRAY<SHORT>, mp MAP<INT, INT>) "
            f"USING delta TBLPROPERTIES ({TW}, 'delta.feature.timestampNtz' = 'supported')")
    WIDE_ROWS = ("INSERT INTO $T VALUES (CAST(-128 AS TINYINT), CAST(-32768 AS SMALLINT), -2147483648, 9223372036854775807, CAST(1.5 AS FLOAT), DATE'2024-02-29', "
                 "CAST(12345678.91 AS DECIMAL(10, 2)), named_struct('x', 7), array(CAST(1 AS SMALLINT), NULL), map(1, 2)), "
                 "(NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)")
    case("tw-all", [WIDE, WIDE_ROWS,
                    "ALTER TABLE $T ALTER COLUMN b TYPE SMALLINT",
                    "ALTER TABLE $T ALTER COLUMN b TYPE INT",
                    "ALTER TABLE $T ALTER COLUMN s TYPE BIGINT",
                    "ALTER TABLE $T ALTER COLUMN i TYPE DOUBLE",
                    "ALTER TABLE $T ALTER COLUMN l TYPE DECIMAL(22, 1)",
                    "ALTER TABLE $T ALTER COLUMN f TYPE DOUBLE",
                    "ALTER TABLE $T ALTER COLUMN d TYPE TIMESTAMP_NTZ",
                    "ALTER TABLE $T ALTER COLUMN m TYPE DECIMAL(14, 4)",
                    "ALTER TABLE $T ALTER COLUMN st.x TYPE BIGINT",
                    "ALTER TABLE $T ALTER COLUMN a.element TYPE INT",
                    "ALTER TABLE $T ALTER COLUMN mp.key TYPE BIGINT",
                    "ALTER TABLE $T ALTER COLUMN mp.value TYPE DECIMAL(12, 0)",
                    "INSERT INTO $T VALUES (100000, 9000000000, 0.5, 1.5, 0.25, TIMESTAMP_NTZ'2024-03-01 10:00:00', 1.2345, named_struct('x', 9000000000), array(70000), map(9000000000, 1))"])
    case("tw-enable-later", ["CREATE TABLE $T (i INT, v STRING) USING delta", "INSERT INTO $T VALUES (1, 'a')",
                             f"ALTER TABLE $T SET TBLPROPERTIES ({TW})", "ALTER TABLE $T ALTER COLUMN i TYPE BIGINT", "INSERT INTO $T VALUES (9000000000, 'b')"])
    case("tw-enable-dv", ["CREATE TABLE $T (i INT, v STRING) USING delta " + DV, "INSERT INTO $T VALUES (1, 'a')", f"ALTER TABLE $T SET TBLPROPERTIES ({TW})",
                          "ALTER TABLE $T ALTER COLUMN i TYPE BIGINT"])
    case("tw-cm-name", ["CREATE TABLE $T (i INT, v STRING) USING delta TBLPROPERTIES ('delta.columnMapping.mode' = 'name', " + TW + ")", "INSERT INTO $T VALUES (1, 'a')",
                        "ALTER TABLE $T ALTER COLUMN i TYPE BIGINT", "ALTER TABLE $T RENAME COLUMN i TO n"])
    case("tw-disable", ["CREATE TABLE $T (i INT) USING delta TBLPROPERTIES (" + TW + ")", "INSERT INTO $T VALUES (1)", "ALTER TABLE $T ALTER COLUMN i TYPE BIGINT",
                        "ALTER TABLE $T SET TBLPROPERTIES ('delta.enableTypeWidening' = 'false')"])
    save()
    TWT = f"CREATE TABLE $T (i INT, l BIGINT, m DECIMAL(10, 2), d DATE, s STRING, b TINYINT, f FLOAT, p INT) USING delta PARTITIONED BY (p) TBLPROPERTIES ({TW})"
    TWR = "INSERT INTO $T VALUES (1, 2, 3.45, DATE'2024-01-01', 'x', 1, 1.5, 1)"
    err("tw-not-enabled", ["CREATE TABLE $T (i INT) USING delta", "INSERT INTO $T VALUES (1)"], "ALTER TABLE $T ALTER COLUMN i TYPE BIGINT")
    err("tw-int-to-string", [TWT, TWR], "ALTER TABLE $T ALTER COLUMN i TYPE STRING")
    err("tw-long-to-int", [TWT, TWR], "ALTER TABLE $T ALTER COLUMN l TYPE INT")
    err("tw-long-to-double", [TWT, TWR], "ALTER TABLE $T ALTER COLUMN l TYPE DOUBLE")
    err("tw-decimal-scale-only", [TWT, TWR], "ALTER TABLE $T ALTER COLUMN m TYPE DECIMAL(10, 3)")
    err("tw-decimal-narrower", [TWT, TWR], "ALTER TABLE $T ALTER COLUMN m TYPE DECIMAL(9, 2)")
    err("tw-int-to-small-decimal", [TWT, TWR], "ALTER TABLE $T ALTER COLUMN i TYPE DECIMAL(9, 0)")
    err("tw-int-to-decimal", [TWT, TWR], "ALTER TABLE $T ALTER COLUMN i TYPE DECIMAL(10, 0)")
    err("tw-byte-to-decimal", [TWT, TWR], "ALTER TABLE $T ALTER COLUMN b TYPE DECIMAL(3, 0)")
    err("tw-date-to-ntz-no-feature", [TWT, TWR], "ALTER TABLE $T ALTER COLUMN d TYPE TIMESTAMP_NTZ")
    err("tw-date-to-timestamp", [TWT, TWR], "ALTER TABLE $T ALTER COLUMN d TYPE TIMESTAMP")
    err("tw-float-to-decimal", [TWT, TWR], "ALTER TABLE $T ALTER COLUMN f TYPE DECIMAL(20, 2)")
    err("tw-partition-column", [TWT, TWR], "ALTER TABLE $T ALTER COLUMN p TYPE BIGINT")
    save()

for name in [x for x in ("cm", "tw") if x in SECTIONS]:
    globals()[f"section_{name}"]()
spark.stop()
