import { describe, expect, it } from "vitest";
import { batchFromRows, batchToRows, type ColumnBatch } from "../../columnar/column-batch.js";
import { collectBatches } from "../../physical/execution-plan.js";
import { errorOf, tempTable } from "../../delta/test-helpers.js";
import { history } from "../../delta/history.js";
import { loadSnapshot } from "../../delta/snapshot.js";
import { StructType } from "../../types/struct-type.js";
import { deltaScanExec, peekDeltaTable, saveDelta, timeTravelOptions, writeDelta } from "./index.js";

const ctx = { eval: { timeZone: "UTC", ansi: true, currentTimestampUs: 0 }, batchSize: 4096 };
const S = StructType.fromDDL("id BIGINT, name STRING, day STRING");
const batch = (schema: StructType, rows: Record<string, unknown>[]): ColumnBatch => batchFromRows(schema, rows);

async function readAll(path: string, options: Record<string, string> = {}): Promise<Record<string, unknown>[]> {
  const spec = { format: "delta", paths: [path], options };
  const info = peekDeltaTable(path, "versionAsOf" in options ? { version: Number(options.versionAsOf) } : {});
  const rows = (await collectBatches(deltaScanExec(spec, info.schema), ctx)).flatMap(batchToRows);
  return rows.sort((a, b) => Number(a.id) - Number(b.id));
}

describe("writeDelta", () => {
  it("creates a partitioned table, appends, reads back with partition values filled in", async () => {
    const t = tempTable();
    await saveDelta(S, [batch(S, [{ id: 1n, name: "a", day: "d1" }, { id: 2n, name: "b", day: "d2" }])], { path: t, mode: "errorifexists", options: {}, partitionBy: ["day"] });
    await saveDelta(S, [batch(S, [{ id: 3n, name: "c", day: "d1" }])], { path: t, mode: "append", options: {}, partitionBy: [] });
    const snap = await loadSnapshot(t);
    expect(snap.version).toBe(1);
    expect(snap.partitionColumns).toEqual(["day"]);
    expect(snap.files.every((f) => f.path.startsWith("day="))).toBe(true);
    expect(await readAll(t)).toEqual([
      { id: 1n, name: "a", day: "d1" },
      { id: 2n, name: "b", day: "d2" },
      { id: 3n, name: "c", day: "d1" },
    ]);
    const h = await history(t);
    expect(h[0]!.operation).toBe("WRITE");
    expect(h[0]!.operationParameters).toMatchObject({ mode: "Append" });
  });

  it("errorifexists fails, ignore skips, overwrite replaces; time travel reads old versions", async () => {
    const t = tempTable();
    await saveDelta(S, [batch(S, [{ id: 1n, name: "a", day: "x" }])], { path: t, mode: "errorifexists", options: {}, partitionBy: [] });
    const e = await errorOf(() => saveDelta(S, [], { path: t, mode: "errorifexists", options: {}, partitionBy: [] }));
    expect(e.code).toBe("DELTA_PATH_EXISTS");
    expect((await saveDelta(S, [batch(S, [{ id: 9 }])], { path: t, mode: "ignore", options: {}, partitionBy: [] })).version).toBeNull();
    await saveDelta(S, [batch(S, [{ id: 2n, name: "b", day: "y" }])], { path: t, mode: "overwrite", options: {}, partitionBy: [] });
    expect(await readAll(t)).toEqual([{ id: 2n, name: "b", day: "y" }]);
    expect(await readAll(t, { versionAsOf: "0" })).toEqual([{ id: 1n, name: "a", day: "x" }]);
  });

  it("enforces the schema: extra columns need mergeSchema, type changes fail, missing columns are null", async () => {
    const t = tempTable();
    await saveDelta(S, [batch(S, [{ id: 1n, name: "a", day: "x" }])], { path: t, mode: "append", options: {}, partitionBy: [] });
    const wide = StructType.fromDDL("id BIGINT, name STRING, day STRING, score DOUBLE");
    const rows = [batch(wide, [{ id: 2n, name: "b", day: "y", score: 1.5 }])];
    const e = await errorOf(() => saveDelta(wide, rows, { path: t, mode: "append", options: {}, partitionBy: [] }));
    expect(e.code).toBe("DELTA_METADATA_MISMATCH");
    expect(e.message).toContain("score DOUBLE");
    expect(e.message).toContain("mergeSchema");
    await saveDelta(wide, rows, { path: t, mode: "append", options: { mergeSchema: "true" }, partitionBy: [] });
    const narrow = StructType.fromDDL("id INT");
    await saveDelta(narrow, [batch(narrow, [{ id: 3 }])], { path: t, mode: "append", options: {}, partitionBy: [] });
    expect(await readAll(t)).toEqual([
      { id: 1n, name: "a", day: "x", score: null },
      { id: 2n, name: "b", day: "y", score: 1.5 },
      { id: 3n, name: null, day: null, score: null },
    ]);
    const bad = StructType.fromDDL("id STRING");
    const e2 = await errorOf(() => saveDelta(bad, [batch(bad, [{ id: "x" }])], { path: t, mode: "append", options: {}, partitionBy: [] }));
    expect(e2.code).toBe("DELTA_FAILED_TO_MERGE_FIELDS");
  });

  it("overwriteSchema replaces schema and partitioning; partitionBy must match otherwise", async () => {
    const t = tempTable();
    await saveDelta(S, [batch(S, [{ id: 1n, name: "a", day: "x" }])], { path: t, mode: "append", options: {}, partitionBy: ["day"] });
    const e = await errorOf(() => saveDelta(S, [], { path: t, mode: "append", options: {}, partitionBy: ["name"] }));
    expect(e.code).toBe("DELTA_PARTITION_COLUMNS_MISMATCH");
    const other = StructType.fromDDL("k STRING");
    await saveDelta(other, [batch(other, [{ k: "z" }])], { path: t, mode: "overwrite", options: { overwriteSchema: "true" }, partitionBy: [] });
    const snap = await loadSnapshot(t);
    expect(snap.schema.fieldNames).toEqual(["k"]);
    expect(snap.partitionColumns).toEqual([]);
    const e2 = await errorOf(() => saveDelta(S, [], { path: t, mode: "append", options: {}, partitionBy: ["nope"] }));
    expect(e2.code).toBe("DELTA_PARTITION_COLUMNS_MISMATCH");
    const e3 = await errorOf(() => saveDelta(S, [], { path: tempTable(), mode: "append", options: {}, partitionBy: ["nope"] }));
    expect(e3.code).toBe("DELTA_PARTITION_COLUMN_NOT_FOUND");
  });

  it("skips a write whose txn version the table already holds", async () => {
    const t = tempTable();
    const rows = [batch(S, [{ id: 1 }])];
    expect((await writeDelta(t, S, rows, { mode: "append", txn: { appId: "q", version: 0 } })).version).toBe(0);
    expect((await writeDelta(t, S, rows, { mode: "append", txn: { appId: "q", version: 0 } })).version).toBeNull();
    expect((await writeDelta(t, S, rows, { mode: "append", txn: { appId: "q", version: 1 } })).version).toBe(1);
    expect(await readAll(t)).toHaveLength(2);
  });

  it("timestampAsOf picks the version in force at that time; both options at once fail", async () => {
    const t = tempTable();
    await saveDelta(S, [batch(S, [{ id: 1 }])], { path: t, mode: "append", options: {}, partitionBy: [] });
    await new Promise((r) => setTimeout(r, 20));
    const mid = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 20));
    await saveDelta(S, [batch(S, [{ id: 2 }])], { path: t, mode: "append", options: {}, partitionBy: [] });
    expect(peekDeltaTable(t, timeTravelOptions({ timestampAsOf: mid })).version).toBe(0);
    expect((await errorOf(() => peekDeltaTable(t, timeTravelOptions({ timestampAsOf: "2000-01-01" })))).code).toBe("DELTA_TIMESTAMP_EARLIER_THAN_COMMIT_RETENTION");
    expect((await errorOf(() => timeTravelOptions({ versionAsOf: "0", timestampAsOf: mid }))).code).toBe("DELTA_ONLY_ONE_OF_VERSION_AND_TIMESTAMP");
    expect((await errorOf(() => timeTravelOptions({ versionAsOf: "x" }))).code).toBe("INVALID_OPTION");
  });

  it("reading a folder that is not a Delta table fails clearly", async () => {
    const e = await errorOf(() => peekDeltaTable(tempTable()));
    expect(e.code).toBe("DELTA_TABLE_NOT_FOUND");
  });
});
