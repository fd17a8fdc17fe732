"""Record what delta-spark's SQL statements return, for test/delta-e2e/delta-sql.test.ts.

Each case starts from a fresh table written by PySpark + delta-spark (local[1], UTC), runs SQL
statements on `delta.`path`` and records the last statement's result schema and rows (times,
sizes, ids and paths left out: they depend on the machine) and the table's rows after it. Error
cases record the exception's error class and first line. Writes test/delta-e2e/delta-sql.golden.json.
Run: .oracle/venv/bin/python scripts/oracle/delta_sql.py
Needs: pyspark 4.0.1 and delta-spark 4.0.0 (scripts/oracle/setup.sh).
"""
import importlib.metadata
import json
import os
import sys
import tempfile

from delta_spark_session import delta_spark, plain

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "test", "delta-e2e", "delta-sql.golden.json")

spark = delta_spark()
spark.conf.set("spark.databricks.delta.retentionDurationCheck.enabled", "false")
base = tempfile.mkdtemp()
n = [0]


A = [(1, "a", "x"), (2, "b", "x"), (3, "c", "y")]
B = [(4, "d", "x"), (5, "e", "y"), (6, "f", "y")]


def seed(rows_per_file=(A, B), partition_by=None):
    n[0] += 1
    path = os.path.join(base, f"t{n[0]}")
    for rows in rows_per_file:
        w = spark.createDataFrame(rows, "id BIGINT, v STRING, p STRING").coalesce(1).write.format("delta").mode("append")
        if partition_by:
            w = w.partitionBy(*partition_by)
        w.save(path)
    return path


def table_rows(path):
    return sorted((plain(r.asDict()) for r in spark.read.format("delta").load(path).collect()), key=lambda r: json.dumps(r, sort_keys=True))


# Cases already in the file are kept (a slow machine resumes where it stopped); name cases to redo them.
golden = json.load(open(OUT)) if os.path.exists(OUT) else {"cases": {}, "errors": {}}
golden.update({"pyspark": importlib.metadata.version("pyspark"), "delta-spark": importlib.metadata.version("delta-spark")})
only = set(sys.argv[1:])


def wanted(name):
    return name in only if only else name not in golden["cases"] and name not in golden["errors"]


def save():
    with open(OUT, "w") as f:
        json.dump(golden, f, indent=1, sort_keys=True)
        f.write("\n")


def case(name, statements, keep=None, partition_by=None, files=(A, B)):
    """statements: SQL texts with {t} for the table; the last one's result is recorded (keep picks columns)."""
    if not wanted(name):
        return
    path = seed(files, partition_by)
    t = f"delta.`{path}`"
    df = None
    for s in statements:
        df = spark.sql(s.format(t=t, path=path))
    result = [plain(r.asDict()) for r in df.collect()]
    if keep:
        result = [keep(r) for r in result]
    golden["cases"][name] = {"statements": statements, "schema": df.schema.simpleString(), "result": result, "rows": table_rows(path)}
    save()
    print("case", name, flush=True)


def err(name, statement):
    if not wanted(name):
        return
    path = seed()
    try:
        spark.sql(statement.format(t=f"delta.`{path}`")).collect()
        golden["errors"][name] = None
    except Exception as e:
        cls = getattr(e, "getErrorClass", lambda: None)()
        golden["errors"][name] = {"statement": statement, "errorClass": cls, "message": str(e).splitlines()[0][:300]}
    save()
    print("error", name, flush=True)


case("delete with a condition", ["DELETE FROM {t} WHERE id % 2 = 0"])
case("delete without a condition", ["DELETE FROM {t}"])
case("delete matching nothing", ["DELETE FROM {t} WHERE id > 100"])
case("delete with an alias", ["DELETE FROM {t} AS x WHERE x.id = 5"])
case("update with a condition", ["UPDATE {t} SET v = upper(v), id = id * 10 WHERE id > 4"])
case("update without a condition", ["UPDATE {t} SET v = 'z'"])
case("merge with every clause kind", [
    "CREATE OR REPLACE TEMPORARY VIEW src AS SELECT * FROM VALUES (2L, 'B', 'x'), (3L, 'del', 'y'), (7L, 'G', 'y') AS s(id, v, p)",
    "MERGE INTO {t} AS t USING src AS s ON t.id = s.id "
    "WHEN MATCHED AND s.v = 'del' THEN DELETE "
    "WHEN MATCHED THEN UPDATE SET * "
    "WHEN NOT MATCHED THEN INSERT * "
    "WHEN NOT MATCHED BY SOURCE AND t.id > 4 THEN DELETE "
    "WHEN NOT MATCHED BY SOURCE THEN UPDATE SET v = concat(t.v, '-old')"])
case("merge from a subquery with explicit columns", [
    "MERGE INTO {t} t USING (SELECT 2L AS id, 'B' AS v UNION ALL SELECT 9L, 'I') s ON t.id = s.id "
    "WHEN MATCHED THEN UPDATE SET t.v = s.v "
    "WHEN NOT MATCHED BY TARGET THEN INSERT (id, v, p) VALUES (s.id, s.v, 'z')"])
case("merge matching nothing", [
    "MERGE INTO {t} t USING (SELECT 100L AS id) s ON t.id = s.id WHEN MATCHED THEN DELETE"])
case("optimize", ["OPTIMIZE {t}"], keep=lambda r: {"metrics.numFilesAdded": r["metrics"]["numFilesAdded"], "metrics.numFilesRemoved": r["metrics"]["numFilesRemoved"]},
     partition_by=["p"], files=(A, B, [(7, "g", "x")]))
case("optimize with a partition filter", ["OPTIMIZE {t} WHERE p = 'x'"],
     keep=lambda r: {"metrics.numFilesAdded": r["metrics"]["numFilesAdded"], "metrics.numFilesRemoved": r["metrics"]["numFilesRemoved"]},
     partition_by=["p"], files=(A, B, [(7, "g", "x")]))
case("restore to a version", ["DELETE FROM {t} WHERE id = 1", "UPDATE {t} SET v = 'D' WHERE id = 4", "RESTORE TABLE {t} TO VERSION AS OF 1"])
case("restore without TABLE", ["DELETE FROM {t} WHERE id = 1", "RESTORE {t} VERSION AS OF 1"])
case("vacuum dry run", ["DELETE FROM {t} WHERE id = 1", "VACUUM {t} RETAIN 0 HOURS DRY RUN"],
     keep=lambda r: {"path": os.path.basename(r["path"])[:5]})
case("vacuum", ["DELETE FROM {t} WHERE id <= 3", "VACUUM {t} RETAIN 0 HOURS"], keep=lambda r: {"path_is_table": r["path"].rstrip("/").endswith(os.path.basename(r["path"].rstrip("/")))})
case("describe history", ["DELETE FROM {t} WHERE id = 1", "DESCRIBE HISTORY {t} LIMIT 2"],
     keep=lambda r: {"version": r["version"], "operation": r["operation"]})
case("describe detail", ["DESCRIBE DETAIL {t}"], keep=lambda r: {"format": r["format"], "numFiles": r["numFiles"], "partitionColumns": r["partitionColumns"]}, partition_by=["p"])
case("alter table set tblproperties", ["ALTER TABLE {t} SET TBLPROPERTIES (delta.enableChangeDataFeed = true)"])
case("change data after set tblproperties", [
    "ALTER TABLE {t} SET TBLPROPERTIES (delta.enableChangeDataFeed = true)",
    "UPDATE {t} SET v = 'B' WHERE id = 2",
    "SELECT id, v, _change_type, _commit_version FROM table_changes_by_path('{path}', 3) ORDER BY id, _change_type"])
case("properties after unset", [
    "ALTER TABLE {t} SET TBLPROPERTIES ('delta.enableChangeDataFeed' = 'true', 'owner.note' = 'n')",
    "ALTER TABLE {t} UNSET TBLPROPERTIES IF EXISTS ('owner.note', 'nope')",
    "DESCRIBE DETAIL {t}"], keep=lambda r: {k: r[k] for k in ("properties", "minReaderVersion", "minWriterVersion", "tableFeatures")})
case("protocol after turning the change data feed on", [
    "ALTER TABLE {t} SET TBLPROPERTIES (delta.enableChangeDataFeed = true)",
    "DESCRIBE DETAIL {t}"], keep=lambda r: {k: r[k] for k in ("properties", "minReaderVersion", "minWriterVersion", "tableFeatures")})
case("history of property changes", [
    "ALTER TABLE {t} SET TBLPROPERTIES ('delta.enableChangeDataFeed' = 'true', 'owner.note' = 'n')",
    "ALTER TABLE {t} UNSET TBLPROPERTIES IF EXISTS ('owner.note', 'nope')",
    "DESCRIBE HISTORY {t} LIMIT 2"], keep=lambda r: {k: r[k] for k in ("version", "operation", "operationParameters")})
case("delete of a row with a change data feed", [
    "ALTER TABLE {t} SET TBLPROPERTIES (delta.enableChangeDataFeed = true)",
    "DELETE FROM {t} WHERE id = 2",
    "SELECT id, v, p, _change_type, _commit_version FROM table_changes_by_path('{path}', 3) ORDER BY id"])

err("update of an unknown column", "UPDATE {t} SET nope = 1")
err("merge insert in not matched by source", "MERGE INTO {t} t USING (SELECT 1L AS id) s ON t.id = s.id WHEN NOT MATCHED BY SOURCE THEN INSERT *")
err("merge without when", "MERGE INTO {t} t USING (SELECT 1L AS id) s ON t.id = s.id")
err("merge non-last clause without condition", "MERGE INTO {t} t USING (SELECT 1L AS id, 'a' AS v, 'x' AS p) s ON t.id = s.id WHEN MATCHED THEN DELETE WHEN MATCHED THEN UPDATE SET *")
err("restore past the latest", "RESTORE TABLE {t} TO VERSION AS OF 9")
err("vacuum retain negative", "VACUUM {t} RETAIN -1 HOURS")
err("delete from a missing table", "DELETE FROM delta.`/nonexistent/sluice-table` WHERE id = 1")
err("optimize zorder", "OPTIMIZE {t} ZORDER BY (id)")
err("unset a missing property", "ALTER TABLE {t} UNSET TBLPROPERTIES ('nope')")
print("wrote", OUT)
