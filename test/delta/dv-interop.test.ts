/**
 * Deletion vectors in the bytes Sluice's encoder (src/delta/deletion-vector.ts) produces are
 * read by delta-rs (its DataFusion reader) and by PySpark + delta-spark with the same rows as
 * Sluice: one table whose files carry an inline vector ('i'), a UUID-named file under a random
 * prefix ('u') with a bitset container, and an absolute-path file ('p'). The log is written by
 * hand, as Sluice's writer does not commit deletion vectors yet.
 * Needs `.oracle/venv/bin/python` with deltalake, pyspark and delta-spark (scripts/oracle/setup.sh).
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { tableFromArrays } from "apache-arrow";
import { describe, expect, it } from "vitest";
import { getValue } from "../../src/columnar/column-batch.js";
import { readDeltaFiles } from "../../src/connectors/delta/delta-scan.js";
import type { DeletionVectorDescriptor } from "../../src/delta/actions.js";
import { encodeDeletionVectorFile, encodeRoaringBitmapArray, uuidToZ85, z85Encode } from "../../src/delta/deletion-vector.js";
import { arrowToParquet } from "../../src/delta/parquet-io.js";
import { loadSnapshot } from "../../src/delta/snapshot.js";
import { tempTable } from "../../src/delta/test-helpers.js";

const ROOT = resolve(import.meta.dirname, "../..");
const PY = join(ROOT, ".oracle/venv/bin/python");
/** Run the oracle without blocking the test worker (PySpark takes minutes on a busy machine). */
const py = async (...args: string[]): Promise<string> => (await promisify(execFile)(PY, args, { encoding: "utf8", maxBuffer: 64 << 20 })).stdout;

const DELTA_RS = `import sys, json, pyarrow as pa
from deltalake import DeltaTable, QueryBuilder
t = pa.table(QueryBuilder().register("t", DeltaTable(sys.argv[1])).execute("SELECT id FROM t").read_all())
print(json.dumps(sorted(r["id"] for r in t.to_pylist())))
sys.stdout.flush()
import os; os._exit(0)`;

/** A table of 3 files (ids 0..5999) whose deletion vectors Sluice encoded; returns the surviving ids. */
function writeTable(table: string): number[] {
  mkdirSync(join(table, "_delta_log"), { recursive: true });
  const kept: number[] = [];
  const add = (name: string, ids: number[], deleted: number[], dv: Omit<DeletionVectorDescriptor, "cardinality">): string => {
    const bytes = arrowToParquet(tableFromArrays({ id: Int32Array.from(ids) }));
    writeFileSync(join(table, name), bytes);
    const gone = new Set(deleted);
    ids.forEach((id, i) => gone.has(i) || kept.push(id));
    return JSON.stringify({
      add: {
        path: name,
        partitionValues: {},
        size: bytes.length,
        modificationTime: Date.now(),
        dataChange: true,
        stats: JSON.stringify({ numRecords: ids.length }),
        deletionVector: { ...dv, cardinality: gone.size },
      },
    });
  };
  const onDisk = (rows: number[], file: string): { offset: number; sizeInBytes: number } => {
    const bitmap = encodeRoaringBitmapArray(rows);
    const f = encodeDeletionVectorFile(bitmap);
    mkdirSync(join(file, ".."), { recursive: true });
    writeFileSync(file, f.bytes);
    return { offset: f.offset, sizeInBytes: bitmap.length };
  };
  const range = (from: number, n: number): number[] => Array.from({ length: n }, (_, i) => from + i);
  const inlineRows = [0, 3, 999];
  const inline = encodeRoaringBitmapArray(inlineRows);
  const uRows = range(0, 4000).filter((i) => i % 2 === 0); // 2000 values: an array container
  const uuid = randomUUID();
  const pRows = range(100, 4500); // 4500 values in one container: a bitset container
  const pFile = join(table, "dvs", "absolute.bin");
  const lines = [
    JSON.stringify({ commitInfo: { timestamp: Date.now(), operation: "WRITE" } }),
    JSON.stringify({ protocol: { minReaderVersion: 3, minWriterVersion: 7, readerFeatures: ["deletionVectors"], writerFeatures: ["deletionVectors"] } }),
    JSON.stringify({
      metaData: {
        id: randomUUID(),
        format: { provider: "parquet", options: {} },
        schemaString: JSON.stringify({ type: "struct", fields: [{ name: "id", type: "integer", nullable: true, metadata: {} }] }),
        partitionColumns: [],
        configuration: { "delta.enableDeletionVectors": "true" },
        createdTime: Date.now(),
      },
    }),
    add("a.parquet", range(0, 1000), inlineRows, { storageType: "i", pathOrInlineDv: z85Encode(inline), sizeInBytes: inline.length }),
    add("b.parquet", range(1000, 5000), uRows, { storageType: "u", pathOrInlineDv: `x7${uuidToZ85(uuid)}`, ...onDisk(uRows, join(table, "x7", `deletion_vector_${uuid}.bin`)) }),
    add("c.parquet", range(6000, 5000), pRows, { storageType: "p", pathOrInlineDv: `file://${pFile}`, ...onDisk(pRows, pFile) }),
  ];
  writeFileSync(join(table, "_delta_log", "00000000000000000000.json"), lines.join("\n") + "\n");
  return kept.sort((a, b) => a - b);
}

describe("deletion vectors Sluice encodes, read by delta-rs and PySpark", () => {
  it("all three readers return the same surviving rows", { timeout: 300_000 }, async () => {
    expect(existsSync(PY), `${PY} is missing: run scripts/oracle/setup.sh`).toBe(true);
    const table = tempTable();
    const kept = writeTable(table);
    const snap = await loadSnapshot(table);
    const sluice: number[] = [];
    for await (const b of readDeltaFiles(snap.files, snap.schema, snap.partitionColumns, 1000)) {
      for (let r = 0; r < b.numRows; r++) sluice.push(getValue(b.columns[0]!, r) as number);
    }
    expect(sluice.sort((a, b) => a - b)).toEqual(kept);
    const rs = JSON.parse(await py("-c", DELTA_RS, table)) as number[];
    expect(rs).toEqual(kept);
    const spark = JSON.parse(await py(join(ROOT, "scripts/oracle/spark_read.py"), `delta=${table}`));
    expect(spark[table].error).toBeUndefined();
    expect((spark[table].rows as { id: number }[]).map((r) => r.id).sort((a, b) => a - b)).toEqual(kept);
  });
});
