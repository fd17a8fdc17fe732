"""Record PySpark's answers for the batch parity corpus (test/parity, see its README.md).

1. Start PySpark (local[1], session time zone UTC, ANSI on as in Spark 4); the Python process and
   the JVM both run in UTC so collected timestamps are UTC instants.
2. For every test/parity/cases/<area>/<case>.json: load the datasets and files it names, register
   them as temp views, apply its per-case conf, build the query from "sql" or "steps", collect.
3. Write test/parity/expected/<area>/<case>.json: result DDL, column names and rows in typed JSON
   (sorted unless the case is "ordered"), or the error condition Spark raised.
A case whose outcome disagrees with its "expectError" flag stops the run, as does a result with
duplicate column names (Sluice rows are objects keyed by name). Output is deterministic: running
it again rewrites identical files.
Run: bash scripts/oracle/setup.sh && .oracle/venv/bin/python scripts/oracle/gen_parity.py [case-id-prefix ...]
"""
import glob
import json
import logging
import os
import re
import sys
import time

os.environ["TZ"] = "UTC"
time.tzset()

import pyspark  # noqa: E402
from pyspark.sql import SparkSession  # noqa: E402
from pyspark.sql import functions as F  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from parity_json import INTERVALS, ddl, decode, encode, quote  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PARITY = os.path.join(ROOT, "test", "parity")
SORT_SPEC = re.compile(r"^(.*?)(?:\s+(ASC|DESC))?(?:\s+NULLS\s+(FIRST|LAST))?\s*$", re.IGNORECASE | re.DOTALL)


def load_dataset(spark, name):
    with open(os.path.join(PARITY, "data", name + ".json")) as h:
        data = json.load(h)
    schema = spark.createDataFrame([], data["schema"]).schema
    rows = []
    for i, r in enumerate(data["rows"]):
        if len(r) != len(schema.fields):
            raise ValueError(f"dataset {name} row {i} has {len(r)} values for {len(schema.fields)} columns")
        rows.append(tuple(decode(f.dataType, v) for f, v in zip(schema.fields, r)))
    return spark.createDataFrame(rows, schema)


def load_file(spark, spec):
    reader = spark.read.format(spec["format"])
    for k, v in spec.get("options", {}).items():
        if not isinstance(v, str):
            raise ValueError(f"file option {k} must be a string, got {v!r}")
        reader = reader.option(k, v)
    if "schema" in spec:
        reader = reader.schema(spec["schema"])
    return reader.load(os.path.join(PARITY, "data", "files", spec["path"]))


def sort_column(spec):
    m = SORT_SPEC.match(spec)
    column = F.expr(m.group(1))
    desc = (m.group(2) or "ASC").upper() == "DESC"
    nulls = (m.group(3) or ("LAST" if desc else "FIRST")).upper()
    name = ("desc" if desc else "asc") + "_nulls_" + nulls.lower()
    return getattr(column, name)()


def apply_step(df, grouped, step, frames):
    op, args = step["op"], step.get("args", [])
    if grouped is not None and op != "agg":
        raise ValueError("groupBy must be followed by agg")
    if op == "select":
        return df.select(*args), None
    if op == "selectExpr":
        return df.selectExpr(*args), None
    if op in ("filter", "where"):
        return df.filter(args[0]), None
    if op == "withColumn":
        return df.withColumn(args[0], F.expr(args[1])), None
    if op == "withColumnRenamed":
        return df.withColumnRenamed(args[0], args[1]), None
    if op == "drop":
        return df.drop(*args), None
    if op == "groupBy":
        return df, df.groupBy(*[F.expr(a) for a in args])
    if op == "agg":
        aggs = [F.expr(a) for a in args]
        return (grouped.agg(*aggs) if grouped is not None else df.agg(*aggs)), None
    if op == "alias":
        return df.alias(args[0]), None
    if op == "join":
        other = frames[args[0]]
        if step.get("otherAlias"):
            other = other.alias(step["otherAlias"])
        on = args[1] if len(args) > 1 else None
        how = args[2] if len(args) > 2 else "inner"
        return df.join(other, F.expr(on) if isinstance(on, str) else on, how), None
    if op == "crossJoin":
        return df.crossJoin(frames[args[0]]), None
    if op == "union":
        return df.union(frames[args[0]]), None
    if op == "unionByName":
        return df.unionByName(frames[args[0]], allowMissingColumns=bool(args[1]) if len(args) > 1 else False), None
    if op == "distinct":
        return df.distinct(), None
    if op == "dropDuplicates":
        return (df.dropDuplicates(list(args)) if args else df.dropDuplicates()), None
    if op in ("orderBy", "sort"):
        return df.orderBy(*[sort_column(a) for a in args]), None
    if op == "limit":
        return df.limit(int(args[0])), None
    if op in ("intersect", "intersectAll", "subtract", "exceptAll"):
        return getattr(df, op)(frames[args[0]]), None
    if op in ("coalesce", "repartition", "repartitionByRange", "sample", "fillna", "dropna", "replace", "cache"):
        return getattr(df, op)(*args), None
    raise ValueError(f"unknown step op {op!r}")


def build(spark, case, frames):
    if "sql" in case:
        return spark.sql(case["sql"])
    df, grouped = frames[case["input"]], None
    for step in case["steps"]:
        df, grouped = apply_step(df, grouped, step, frames)
    if grouped is not None:
        raise ValueError("groupBy must be followed by agg")
    return df


def conditions(e):
    """Spark error conditions from the exception and its Java causes, outermost first."""
    found = []
    get = getattr(e, "getCondition", None)
    if get and get():
        found.append(get())
    throwable = getattr(e, "java_exception", None) or getattr(e, "_origin", None)
    depth = 0
    while throwable is not None and depth < 20:
        try:
            c = throwable.getCondition()
        except Exception:  # not a SparkThrowable
            c = None
        if c and c not in found:
            found.append(c)
        throwable = throwable.getCause()
        depth += 1
    return found


def collectable(df):
    """The result with its top-level ANSI interval columns as Spark's text of them (INTERVAL '1' DAY)."""
    return df.select([F.col(quote(f.name)).cast("string") if isinstance(f.dataType, INTERVALS) else F.col(quote(f.name)) for f in df.schema.fields])


def run_case(spark, case):
    # The case's conf applies to reading its inputs too (spark.sql.timestampType decides CSV/JSON
    # inference), as test/parity/support/run-cases.ts applies it.
    saved = {k: spark.conf.get(k, None) for k in case.get("conf", {})}
    for k, v in case.get("conf", {}).items():
        spark.conf.set(k, v)
    frames = {}
    try:
        for name in case.get("tables", []):
            frames[name] = load_dataset(spark, name)
        for name, spec in case.get("files", {}).items():
            frames[name] = load_file(spark, spec)
        for name, df in frames.items():
            df.createOrReplaceTempView(name)
        df = build(spark, case, frames)
        rows = collectable(df).collect()
    except Exception as e:  # noqa: BLE001 - the oracle records whatever Spark raises
        found = conditions(e)
        if not found:
            raise
        return {"error": found[0], "errorChain": found}
    finally:
        for k, v in saved.items():
            if v is None:
                spark.conf.unset(k)
            else:
                spark.conf.set(k, v)
        for name in frames:
            spark.catalog.dropTempView(name)
    schema = df.schema
    names = [f.name for f in schema.fields]
    if len(set(names)) != len(names):
        raise ValueError(f"result has duplicate column names {names}; alias them")
    encoded = [[encode(f.dataType, r[i]) for i, f in enumerate(schema.fields)] for r in rows]
    if not case.get("ordered", False):
        encoded.sort(key=lambda r: json.dumps(r, sort_keys=True))
    return {"schema": ddl(schema), "columns": names, "rows": encoded}


def render(result):
    dump = lambda v: json.dumps(v, ensure_ascii=False, allow_nan=False)  # noqa: E731
    head = {"pyspark": pyspark.__version__, **{k: v for k, v in result.items() if k != "rows"}}
    lines = ["{"] + [f"  {dump(k)}: {dump(v)}," for k, v in head.items()]
    if "rows" not in result:
        lines[-1] = lines[-1].rstrip(",")
        return "\n".join(lines) + "\n}\n"
    rows = result["rows"]
    body = ",\n".join("    " + dump(r) for r in rows)
    lines.append('  "rows": [' + ("\n" + body + "\n  ]" if rows else "]"))
    return "\n".join(lines) + "\n}\n"


def main(prefixes):
    logging.getLogger("SQLQueryContextLogger").setLevel(logging.CRITICAL + 1)
    spark = (
        SparkSession.builder.master("local[1]")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", "1")
        .config("spark.driver.extraJavaOptions", "-Duser.timezone=UTC")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("OFF")
    paths = sorted(glob.glob(os.path.join(PARITY, "cases", "*", "*.json")))
    failures = 0
    for path in paths:
        case_id = os.path.relpath(path, os.path.join(PARITY, "cases"))[: -len(".json")]
        if prefixes and not any(case_id.startswith(p) for p in prefixes):
            continue
        with open(path) as h:
            case = json.load(h)
        try:
            result = run_case(spark, case)
        except Exception as e:  # noqa: BLE001 - a broken case is reported and the run goes on
            print(f"FAIL {case_id}: {type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}", file=sys.stderr)
            failures += 1
            continue
        if ("error" in result) != bool(case.get("expectError", False)):
            got = result.get("error", "a result")
            print(f"FAIL {case_id}: expectError={case.get('expectError', False)} but Spark gave {got}", file=sys.stderr)
            failures += 1
            continue
        out = os.path.join(PARITY, "expected", case_id + ".json")
        os.makedirs(os.path.dirname(out), exist_ok=True)
        with open(out, "w") as h:
            h.write(render(result))
        print(case_id, result.get("error", f"{len(result.get('rows', []))} rows"), file=sys.stderr)
    spark.stop()
    if not prefixes:  # a full run also removes expected files whose case is gone
        known = {os.path.relpath(p, os.path.join(PARITY, "cases")) for p in paths}
        for old in glob.glob(os.path.join(PARITY, "expected", "*", "*.json")):
            if os.path.relpath(old, os.path.join(PARITY, "expected")) not in known:
                os.remove(old)
    if failures:
        sys.exit(f"{failures} case(s) failed; their expected files were not written")


if __name__ == "__main__":
    main(sys.argv[1:])
