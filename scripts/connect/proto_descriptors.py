"""Print the Spark Connect protobuf file descriptors shipped inside pip pyspark, as JSON.

Each pyspark/sql/connect/proto/<name>_pb2.py module embeds its serialized FileDescriptorProto
(the argument of AddSerializedFile). This script reads those bytes without importing the modules
(the oracle venv has no protobuf runtime) and prints {"<name>.proto": "<base64>"}.
test/connect/proto-descriptors.test.ts decodes them and checks every message and enum Sluice
defines (src/connect/proto/spark-connect.proto) against them: names, field numbers, types,
labels and oneofs.

Run from the repository root: .oracle/venv/bin/python scripts/connect/proto_descriptors.py
"""
import ast
import base64
import json
import os
import sys

import pyspark

PROTO_DIR = os.path.join(os.path.dirname(pyspark.__file__), "sql", "connect", "proto")
FILES = ["base", "commands", "common", "expressions", "relations", "types"]


def serialized(path):
    with open(path, encoding="utf-8") as f:
        tree = ast.parse(f.read())
    for n in ast.walk(tree):
        if isinstance(n, ast.Call) and getattr(n.func, "attr", None) == "AddSerializedFile":
            return n.args[0].value
    raise SystemExit(f"no serialized descriptor in {path}")


out = {f"spark/connect/{name}.proto": base64.b64encode(serialized(os.path.join(PROTO_DIR, f"{name}_pb2.py"))).decode() for name in FILES}
json.dump(out, sys.stdout)
