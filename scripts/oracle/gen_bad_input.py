"""Record PySpark's answers for the bad-input corpus (test/bad-input, see its README.md).

1. Start PySpark (local[1], session time zone UTC); the Python process and the JVM run in UTC.
2. Expand test/bad-input/cases.json exactly as test/bad-input/corpus.ts does: every group's
   "values" entries become one file per value, bodies get their <xHH>, <[N]> and <{N}> macros
   replaced, and each input is written as a real file under a temporary folder.
3. Read each file on its own with the group's schema and options in four parse-mode variants:
   P (PERMISSIVE, schema plus _corrupt_record STRING), P0 (PERMISSIVE, schema only),
   D (DROPMALFORMED) and F (FAILFAST). TIMESTAMP columns are collected as unix_micros so that
   values outside Python's datetime range survive; integers beyond 2^53 are written as strings.
   Schema inference too: I (PERMISSIVE) and IF (FAILFAST) read the file without a schema (CSV with
   inferSchema=true) and record the inferred schema and the number of rows, or the error.
4. Write test/bad-input/expected/<group>.json: per input its rows (in file order) or the chain of
   error conditions Spark raised. Output is deterministic: running it again rewrites identical files.
Run: bash scripts/oracle/setup.sh && .oracle/venv/bin/python scripts/oracle/gen_bad_input.py [group-id ...]
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

from pyspark.errors import PySparkValueError  # noqa: E402
from pyspark.sql import SparkSession  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CORPUS = os.path.join(ROOT, "test", "bad-input")
MACRO = re.compile(r"<x([0-9A-Fa-f]{2})>|<\[(\d+)\]>|<\{(\d+)\}>")
CONDITION = re.compile(r"^\[([A-Z0-9_.]+)\]")
MODES = {
    "P": ("PERMISSIVE", True),
    "P0": ("PERMISSIVE", False),
    "D": ("DROPMALFORMED", False),
    "F": ("FAILFAST", False),
}


def body_bytes(body):
    """The file bytes of a body: UTF-8 text with <xHH> raw bytes and nesting macros."""
    out = bytearray()
    pos = 0
    for m in MACRO.finditer(body):
        out += body[pos:m.start()].encode("utf-8")
        if m.group(1):
            out.append(int(m.group(1), 16))
        elif m.group(2):
            n = int(m.group(2))
            out += b"[" * n + b"]" * n
        else:
            n = int(m.group(3))
            out += b'{"a":' * n + b"1" + b"}" * n
        pos = m.end()
    out += body[pos:].encode("utf-8")
    return bytes(out)


def expand(group):
    """The inputs of a group: [(id, value or None, body, infer?)] in corpus order."""
    out = []
    for entry in group.get("values", []):
        for n, v in enumerate(entry["values"]):
            line = entry["template"].replace("$V", v)
            lines = [x.replace("$T", line) for x in group["valueFile"]]
            out.append((f"{entry['id']}-{n:02d}", v, "\n".join(lines) + "\n", True))
    for inp in group.get("inputs", []):
        out.append((inp["id"], None, inp["body"], "noInference" not in inp))
    return out


def to_json_value(v):
    if isinstance(v, bool) or v is None or isinstance(v, (str, float)):
        return v
    if isinstance(v, int):
        return v if abs(v) <= 2**53 else str(v)
    return str(v)


def error_chain(e):
    """Spark's error conditions from the outermost exception inwards (plus the root cause class)."""
    chain = []
    condition = getattr(e, "getCondition", lambda: None)()
    if condition and getattr(e, "java_exception", None) is None:
        return [condition]
    j = getattr(e, "java_exception", None)
    while j is not None:
        msg = str(j.getMessage() or "")
        m = CONDITION.match(msg)
        chain.append(m.group(1) if m else j.getClass().getName())
        j = j.getCause()
    return chain or [type(e).__name__]


def read(spark, group, path, mode):
    spark_mode, corrupt = MODES[mode]
    schema = group["schema"] + (", _corrupt_record STRING" if corrupt else "")
    reader = spark.read.format(group["format"]).schema(schema).option("mode", spark_mode)
    for k, v in group["options"].items():
        reader = reader.option(k, v)
    df = reader.load(path)
    cols = [f"unix_micros(`{f.name}`) AS `{f.name}`" if f.dataType.typeName() == "timestamp" else f"`{f.name}`" for f in df.schema.fields]
    try:
        rows = df.selectExpr(*cols).collect()
    except Exception as e:  # noqa: BLE001 - the error is the answer
        return {"error": error_chain(e)}
    return {"rows": [[to_json_value(v) for v in r] for r in rows]}


def infer(spark, group, path, spark_mode):
    reader = spark.read.format(group["format"]).option("mode", spark_mode)
    for k, v in group["options"].items():
        reader = reader.option(k, v)
    if group["format"] == "csv":
        reader = reader.option("inferSchema", "true")
    try:
        df = reader.load(path)
        schema = df.schema.simpleString()
        try:
            count = len(df.collect())
        except (PySparkValueError, ValueError, RecursionError):
            # Python cannot hold some values Spark read (years past 9999, 999-level nesting):
            # count in the JVM instead. (CSV's count() parses no column, so it would not see a
            # malformed row; the inputs that get here have none.)
            count = df.count()
        return {"schema": schema, "count": count}
    except Exception as e:  # noqa: BLE001 - the error is the answer
        return {"error": error_chain(e)}


def main():
    with open(os.path.join(CORPUS, "cases.json")) as h:
        corpus = json.load(h)
    spark = (
        SparkSession.builder.master("local[1]")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "1")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("OFF")
    tmp = tempfile.mkdtemp(prefix="sluice-bad-input-")
    out_dir = os.path.join(CORPUS, "expected")
    os.makedirs(out_dir, exist_ok=True)
    try:
        only = sys.argv[1:]
        for group in [g for g in corpus["groups"] if not only or g["id"] in only]:
            answers = {}
            for input_id, value, body, inferable in expand(group):
                path = os.path.join(tmp, group["id"], f"{input_id}.{group['format']}")
                os.makedirs(os.path.dirname(path), exist_ok=True)
                with open(path, "wb") as h:
                    h.write(body_bytes(body))
                print(f"  {group['id']}/{input_id}", file=sys.stderr, flush=True)
                answer = {} if value is None else {"value": value}
                for mode in MODES:
                    answer[mode] = read(spark, group, path, mode)
                if inferable:
                    answer["I"] = infer(spark, group, path, "PERMISSIVE")
                    answer["IF"] = infer(spark, group, path, "FAILFAST")
                answers[input_id] = answer
            with open(os.path.join(out_dir, group["id"] + ".json"), "w") as h:
                json.dump({"spark": spark.version, "group": group["id"], "inputs": answers}, h, indent=1, sort_keys=True, ensure_ascii=False)
                h.write("\n")
            print(f"{group['id']}: {len(answers)} inputs", file=sys.stderr)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        spark.stop()


if __name__ == "__main__":
    main()
