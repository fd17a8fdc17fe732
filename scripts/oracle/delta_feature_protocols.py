"""The protocol delta-spark 4.0 gives a table created with deletion vectors, column mapping and the
change data feed (alone and together), by a DataFrame write with the properties as write options,
as Sluice's writer takes them. Sluice's protocolForNewTable (src/delta/protocol.ts) is checked
against the output, src/delta/feature-protocols.golden.json: {"<options>": {"minReaderVersion": ..,
"minWriterVersion": .., "readerFeatures": [...]?, "writerFeatures": [...]?}} with feature lists sorted,
or {"error": "<Delta error class>"} for a combination delta-spark refuses to write (column mapping with
the change data feed: DELTA_BLOCK_COLUMN_MAPPING_AND_CDC_OPERATION).
Run: .oracle/venv/bin/python scripts/oracle/delta_feature_protocols.py
Needs: pyspark 4.0.1 and delta-spark 4.0.0 (scripts/oracle/setup.sh).
"""
import json
import os
import tempfile

from delta_spark_session import delta_spark

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(os.path.dirname(os.path.dirname(HERE)), "src", "delta", "feature-protocols.golden.json")

CASES = [
    {},
    {"delta.columnMapping.mode": "name"},
    {"delta.columnMapping.mode": "id"},
    {"delta.enableDeletionVectors": "true"},
    {"delta.enableChangeDataFeed": "true"},
    {"delta.enableDeletionVectors": "true", "delta.columnMapping.mode": "name"},
    {"delta.enableChangeDataFeed": "true", "delta.columnMapping.mode": "name"},
    {"delta.enableChangeDataFeed": "true", "delta.enableDeletionVectors": "true"},
]


def main():
    spark = delta_spark()
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        for i, options in enumerate(CASES):
            path = os.path.join(tmp, str(i))
            w = spark.range(1).write.format("delta")
            for k, v in options.items():
                w = w.option(k, v)
            try:
                w.save(path)
            except Exception as e:  # delta-spark refuses some combinations: record the refusal
                out[json.dumps(options, sort_keys=True)] = {"error": str(e).split("]")[0].lstrip("[")}
                print(options, "refused", flush=True)
                continue
            with open(os.path.join(path, "_delta_log", "00000000000000000000.json")) as f:
                protocol = next(json.loads(line)["protocol"] for line in f if '"protocol"' in line)
            for k in ("readerFeatures", "writerFeatures"):
                if k in protocol:
                    protocol[k] = sorted(protocol[k])
            out[json.dumps(options, sort_keys=True)] = protocol
            print(options, protocol, flush=True)
    spark.stop()
    with open(OUT, "w") as f:
        json.dump(out, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
