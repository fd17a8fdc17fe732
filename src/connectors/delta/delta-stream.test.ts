import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { batchFromRows, batchToRows } from "../../columnar/column-batch.js";
import { errorOf, tempTable } from "../../delta/test-helpers.js";
import { history } from "../../delta/history.js";
import { loadSnapshot } from "../../delta/snapshot.js";
import { OptimisticTransaction } from "../../delta/transaction.js";
import { collectBatches } from "../../physical/execution-plan.js";
import { StructType } from "../../types/struct-type.js";
import { SluiceError } from "../../common/errors.js";
import { BatchStream, batchDataOf } from "../api/batch-stream.js";
import type { Offset, ReadLimit } from "../api/source.js";
import { DeltaSink, DeltaSource, parseDeltaSourceOptions, writeDelta } from "./index.js";

const ctx = { eval: { timeZone: "UTC", ansi: true, currentTimestampUs: 0 }, batchSize: 4096 };
const S = StructType.fromDDL("id BIGINT, p STRING");
const append = (t: string, ids: number[], p = "a") => writeDelta(t, S, [batchFromRows(S, ids.map((id) => ({ id, p })))], { mode: "append", partitionBy: ["p"] });
const data = (ids: number[]) => batchDataOf(S, [batchFromRows(S, ids.map((id) => ({ id, p: "a" })))]);

function checkpoint(id = "query-1"): string {
  const dir = mkdtempSync(join(tmpdir(), "sluice-chk-"));
  writeFileSync(join(dir, "metadata"), `v1\n${JSON.stringify({ id, sources: [], sink: "delta" })}`);
  return dir;
}

async function ids(src: DeltaSource, start: Offset, end: Offset): Promise<number[]> {
  return (await collectBatches(src.getBatch(start, end), ctx)).flatMap(batchToRows).map((r) => Number(r.id)).sort((a, b) => a - b);
}

/** Run the source like the engine would: latestOffset, getBatch, until nothing is new. */
async function drain(src: DeltaSource, from: Offset, limit: ReadLimit = src.defaultReadLimit()): Promise<{ batches: number[][]; end: Offset }> {
  const batches: number[][] = [];
  let start = from;
  for (;;) {
    const end = await src.latestOffset(start, limit);
    if (src.serializeOffset(end) === src.serializeOffset(start)) return { batches, end };
    batches.push(await ids(src, start, end));
    start = src.deserializeOffset(src.serializeOffset(end));
  }
}

const source = (t: string, opts: Record<string, string> = {}) => new DeltaSource(t, S, ["p"], parseDeltaSourceOptions(opts));

describe("DeltaSink", () => {
  it("commits once per batch with a txn and skips a re-run batch", async () => {
    const t = tempTable();
    const sink = new DeltaSink({ path: t, checkpointDir: checkpoint(), partitionBy: [], mergeSchema: false, outputMode: "append" });
    await sink.addBatch(0, data([1, 2]), "append");
    await sink.addBatch(0, data([1, 2]), "append");
    await sink.addBatch(1, data([3]), "append");
    const snap = await loadSnapshot(t);
    expect(snap.version).toBe(1);
    expect(snap.txnVersions.get("query-1")).toBe(1);
    expect((await history(t))[0]!.operation).toBe("STREAMING UPDATE");
    expect((await history(t))[0]!.operationParameters).toMatchObject({ outputMode: "Append", queryId: "query-1", epochId: "1" });
  });

  it("complete mode replaces the table each batch; update mode is refused", async () => {
    const t = tempTable();
    const sink = new DeltaSink({ path: t, checkpointDir: checkpoint(), partitionBy: [], mergeSchema: false, outputMode: "complete" });
    await sink.addBatch(0, data([1, 2]), "complete");
    await sink.addBatch(1, data([1, 2, 3]), "complete");
    const rows = await ids(source(t), source(t).initialOffset(), await source(t).latestOffset(source(t).initialOffset(), { kind: "all" }));
    expect(rows).toEqual([1, 2, 3]);
    const e = await errorOf(() => new DeltaSink({ path: t, checkpointDir: checkpoint(), partitionBy: [], mergeSchema: false, outputMode: "update" }));
    expect(e.code).toBe("DELTA_UNSUPPORTED_OUTPUT_MODE");
  });

  it("a batch interrupted mid-stream commits nothing and leaves no data file; its re-run commits once", async () => {
    const t = tempTable();
    const sink = new DeltaSink({ path: t, checkpointDir: checkpoint(), partitionBy: ["p"], mergeSchema: false, outputMode: "append" });
    await sink.addBatch(0, data([1]), "append");
    const interrupted = new BatchStream(
      S,
      (async function* () {
        yield batchFromRows(S, [{ id: 2, p: "a" }, { id: 3, p: "b" }]);
        throw new SluiceError("execution", "TASK_INTERRUPTED", "stopped");
      })(),
    );
    await expect(sink.addBatch(1, interrupted, "append")).rejects.toMatchObject({ code: "TASK_INTERRUPTED" });
    expect((await loadSnapshot(t)).version).toBe(0);
    expect(readdirSync(join(t, "p=b"))).toEqual([]);
    await sink.addBatch(1, data([2, 3]), "append");
    const snap = await loadSnapshot(t);
    expect(snap.version).toBe(1);
    expect(snap.txnVersions.get("query-1")).toBe(1);
    expect(await ids(source(t), source(t).initialOffset(), await source(t).latestOffset(source(t).initialOffset(), { kind: "all" }))).toEqual([1, 2, 3]);
  });

  it("fails clearly without the checkpoint metadata", async () => {
    const sink = new DeltaSink({ path: tempTable(), checkpointDir: mkdtempSync(join(tmpdir(), "x-")), partitionBy: [], mergeSchema: false, outputMode: "append" });
    expect((await errorOf(() => sink.addBatch(0, data([1]), "append"))).code).toBe("CHECKPOINT_CORRUPT");
  });
});

describe("DeltaSource", () => {
  it("reads the starting snapshot, then new commits version by version, within maxFilesPerTrigger", async () => {
    const t = tempTable();
    await append(t, [1, 2], "a");
    await append(t, [3], "b");
    const src = source(t, { maxFilesPerTrigger: "1" });
    const first = await drain(src, src.initialOffset());
    expect(first.batches).toEqual([[1, 2], [3]]);
    await append(t, [4], "a");
    await append(t, [5], "a");
    const next = await drain(src, first.end);
    expect(next.batches).toEqual([[4], [5]]);
    // a restarted source re-reads the same ranges from serialized offsets
    const again = source(t, { maxFilesPerTrigger: "1" });
    expect(await ids(again, again.deserializeOffset(src.serializeOffset(first.end)), next.end)).toEqual([4, 5]);
  });

  it("maxBytesPerTrigger admits at least one file; startingVersion skips the snapshot", async () => {
    const t = tempTable();
    await append(t, [1]);
    await append(t, [2]);
    await append(t, [3]);
    const bytes = source(t, { maxBytesPerTrigger: "1" });
    expect((await drain(bytes, bytes.initialOffset())).batches).toEqual([[1], [2], [3]]);
    const fromV1 = source(t, { startingVersion: "1" });
    expect((await drain(fromV1, fromV1.initialOffset())).batches).toEqual([[2, 3]]);
    const latest = source(t, { startingVersion: "latest" });
    expect((await drain(latest, latest.initialOffset())).batches).toEqual([]);
    const ts = source(t, { startingTimestamp: "2000-01-01" });
    expect((await drain(ts, ts.initialOffset())).batches).toEqual([[1, 2, 3]]);
  });

  it("fails on a commit that removes data, naming the version, unless skipChangeCommits / ignoreDeletes", async () => {
    const t = tempTable();
    await append(t, [1]);
    const src = source(t);
    const first = await drain(src, src.initialOffset());
    // a delete-only commit at version 1, then an overwrite (remove + add) at version 2, then an append
    const tx = await OptimisticTransaction.start(t);
    for (const f of tx.snapshot!.files) tx.remove({ path: f.path, dataChange: true, deletionTimestamp: Date.now() });
    await tx.commit({ operation: "DELETE" });
    await append(t, [5]);
    await writeDelta(t, S, [batchFromRows(S, [{ id: 7, p: "a" }])], { mode: "overwrite" });
    await append(t, [8]);
    const e = await errorOf(() => drain(source(t), first.end));
    expect(e.code).toBe("DELTA_SOURCE_TABLE_IGNORE_CHANGES");
    expect(e.message).toContain("version 1");
    const e2 = await errorOf(() => drain(source(t, { ignoreDeletes: "true" }), first.end));
    expect(e2.message).toContain("version 3");
    expect((await drain(source(t, { skipChangeCommits: "true" }), first.end)).batches).toEqual([[5, 8]]);
  });

  it("fails on a schema change in the source table, naming the version (delta-spark 4.0: DELTA_SCHEMA_CHANGED_WITH_VERSION)", async () => {
    const t = tempTable();
    await append(t, [1]);
    const src = source(t);
    const first = await drain(src, src.initialOffset());
    const wide = StructType.fromDDL("id BIGINT, p STRING, extra INT");
    await writeDelta(t, wide, [batchFromRows(wide, [{ id: 2, p: "a", extra: 1 }])], { mode: "append", mergeSchema: true });
    const e = await errorOf(() => drain(src, first.end));
    expect(e.code).toBe("DELTA_SCHEMA_CHANGED_WITH_VERSION");
    expect(e.message).toContain("version 1");
  });

  it("reports every bad option at once", async () => {
    const e = await errorOf(() => parseDeltaSourceOptions({ maxFilesPerTrigger: "0", ignoreDeletes: "maybe", startingVersion: "x" }));
    expect(e.code).toBe("INVALID_OPTION");
    expect(e.message).toContain("maxfilespertrigger");
    expect(e.message).toContain("ignoredeletes");
    expect(e.message).toContain("startingVersion");
  });
});

void mkdirSync;
