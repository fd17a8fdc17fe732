import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type ColumnBatch, batchFromRows } from "../../columnar/column-batch.js";
import { SluiceError } from "../../common/errors.js";
import { StructType } from "../../types/struct-type.js";
import { BatchStream, batchDataOf } from "../api/batch-stream.js";
import { readFilesBatches, writeDataFiles } from "../files/index.js";
import { tempDir, testCtx } from "../files/test-support.js";
import { FileStreamSink } from "./file-stream-sink.js";

const S = StructType.fromDDL("v INT");
const rows = (from: number, n: number): ColumnBatch => batchFromRows(S, Array.from({ length: n }, (_, k) => ({ v: from + k })));

/** A batch's output that yields two batches, then fails as a task interrupted by stop() does. */
const interrupted = (): BatchStream =>
  new BatchStream(
    S,
    (async function* () {
      yield rows(0, 10);
      yield rows(10, 10);
      throw new SluiceError("execution", "TASK_INTERRUPTED", "stopped");
    })(),
  );

const sinkAt = (dir: string) => new FileStreamSink(dir, "parquet", (data, out) => writeDataFiles(data.schema, data.batches, out, { format: "parquet", options: {}, partitionBy: [] }));

describe("FileStreamSink", () => {
  it("a batch interrupted mid-stream lists nothing and leaves no file; its re-run commits it", async () => {
    const dir = tempDir();
    const sink = sinkAt(dir);
    await expect(sink.addBatch(0, interrupted(), "append")).rejects.toMatchObject({ code: "TASK_INTERRUPTED" });
    expect(readdirSync(dir)).toEqual([]); // no data file, no staging folder, no manifest

    await sink.addBatch(0, batchDataOf(S, [rows(0, 10), rows(10, 10), rows(20, 5)]), "append");
    const files = readdirSync(dir).filter((n) => n.startsWith("part-"));
    expect(files).toHaveLength(1);
    let n = 0;
    for await (const b of readFilesBatches("parquet", files.map((f) => ({ path: join(dir, f), sizeBytes: 0 })), S, {}, testCtx())) n += b.numRows;
    expect(n).toBe(25);
  });

  it("skips a batch its manifest already holds without reading it", async () => {
    const dir = tempDir();
    const sink = sinkAt(dir);
    await sink.addBatch(0, batchDataOf(S, [rows(0, 3)]), "append");
    const again = batchDataOf(S, [rows(0, 3)]);
    await sink.addBatch(0, again, "append");
    expect(again.numRows).toBe(0); // the engine drains it afterwards
    expect(readdirSync(dir).filter((n) => n.startsWith("part-"))).toHaveLength(1);
  });
});
