"""Record what delta-spark 4.0 does on ALTER TABLE ... ADD COLUMNS of a TIMESTAMP_NTZ column, for
test/delta-e2e/add-columns-ntz.test.ts: on a table without the timestampNtz feature (refused, also
for a bare TIMESTAMP under spark.sql.timestampType = TIMESTAMP_NTZ), and on a table created with
'delta.feature.timestampNtz' = 'supported' (the column's type and the protocol after the commit).
Writes test/delta-e2e/add-columns-ntz.golden.json.
Run: .oracle/venv/bin/python scripts/oracle/delta_add_columns_ntz.py
Needs: pyspark 4.0.1 and delta-spark 4.0.0 (scripts/oracle/setup.sh).
"""
import importlib.metadata
import json
import os
import tempfile

from delta_spark_session import delta_spark

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "test", "delta-e2e", "add-columns-ntz.golden.json")
spark = delta_spark()
base = tempfile.mkdtemp()


def error_class(sql):
    try:
        spark.sql(sql)
        return None
    except Exception as e:  # noqa: BLE001 - the class is what is recorded
        text = str(e)
        return text[text.index("[") + 1:text.index("]")] if "[" in text else type(e).__name__


def last_protocol_and_schema(path):
    protocol, schema = None, None
    for f in sorted(os.listdir(os.path.join(path, "_delta_log"))):
        if not f.endswith(".json"):
            continue
        for line in open(os.path.join(path, "_delta_log", f)):
            a = json.loads(line)
            protocol = a.get("protocol", protocol)
            if "metaData" in a:
                schema = json.loads(a["metaData"]["schemaString"])
    return {"protocol": {k: sorted(v) if isinstance(v, list) else v for k, v in protocol.items()}, "fields": {f["name"]: f["type"] for f in schema["fields"]}}


out = {"pyspark": importlib.metadata.version("pyspark"), "delta-spark": importlib.metadata.version("delta-spark")}
t1 = os.path.join(base, "t1")
spark.sql(f"CREATE TABLE delta.`{t1}` (id INT) USING delta")
out["withoutFeature"] = error_class(f"ALTER TABLE delta.`{t1}` ADD COLUMNS (ts TIMESTAMP_NTZ)")
out["withoutFeatureNested"] = error_class(f"ALTER TABLE delta.`{t1}` ADD COLUMNS (s STRUCT<t: TIMESTAMP_NTZ>)")
spark.conf.set("spark.sql.timestampType", "TIMESTAMP_NTZ")
out["withoutFeatureBareTimestampUnderNtz"] = error_class(f"ALTER TABLE delta.`{t1}` ADD COLUMNS (ts TIMESTAMP)")
spark.conf.unset("spark.sql.timestampType")
t2 = os.path.join(base, "t2")
spark.sql(f"CREATE TABLE delta.`{t2}` (id INT) USING delta TBLPROPERTIES ('delta.feature.timestampNtz' = 'supported')")
assert error_class(f"ALTER TABLE delta.`{t2}` ADD COLUMNS (a TIMESTAMP_NTZ, b TIMESTAMP)") is None
spark.conf.set("spark.sql.timestampType", "TIMESTAMP_NTZ")
assert error_class(f"ALTER TABLE delta.`{t2}` ADD COLUMNS (c TIMESTAMP, d TIMESTAMP_LTZ)") is None
spark.conf.unset("spark.sql.timestampType")
out["withFeature"] = last_protocol_and_schema(t2)
json.dump(out, open(OUT, "w"), indent=2)
open(OUT, "a").write("\n")
print(json.dumps(out))
