import { describe, expect, it } from "vitest";
import { type ColumnBatch, batchFromRows, emptyBatch } from "../../columnar/column-batch.js";
import { SluiceError } from "../../common/errors.js";
import { StructType } from "../../types/struct-type.js";
import { BatchStream } from "./batch-stream.js";

const S = StructType.fromDDL("v INT");
const batch = (...vs: number[]): ColumnBatch => batchFromRows(S, vs.map((v) => ({ v })));

/** A source that records how far it was read and whether it was closed. */
function source(parts: ColumnBatch[], failAfter?: number) {
  const seen = { yielded: 0, closed: false };
  async function* gen(): AsyncGenerator<ColumnBatch> {
    try {
      for (const p of parts) {
        if (failAfter !== undefined && seen.yielded === failAfter) throw new SluiceError("execution", "TASK_INTERRUPTED", "stopped");
        seen.yielded++;
        yield p;
      }
    } finally {
      seen.closed = true;
    }
  }
  return { seen, it: gen() };
}

const values = (bs: ColumnBatch[]) => bs.flatMap((b) => [...(b.columns[0]!.values as Int32Array)]);

describe("BatchStream", () => {
  it("yields the non-empty batches once and counts their rows", async () => {
    const { it: src } = source([batch(1, 2), emptyBatch(S), batch(3)]);
    const s = new BatchStream(S, src);
    const got: ColumnBatch[] = [];
    for await (const b of s.batches) got.push(b);
    expect(values(got)).toEqual([1, 2, 3]);
    expect(got).toHaveLength(2);
    expect(s.numRows).toBe(3);
    expect(() => s.batches[Symbol.asyncIterator]()).toThrow(expect.objectContaining({ code: "BATCH_ALREADY_CONSUMED" }));
  });

  it("a sink that stops early leaves the rest for drain(), which reads it all", async () => {
    const { it: src, seen } = source([batch(1), batch(2), batch(3)]);
    const s = new BatchStream(S, src);
    for await (const _ of s.batches) break;
    expect(seen.closed).toBe(false);
    expect(s.numRows).toBe(1);
    await s.drain();
    expect(seen.yielded).toBe(3);
    expect(s.numRows).toBe(3);
  });

  it("drain() rethrows the stream's error even when the sink swallowed it", async () => {
    const { it: src } = source([batch(1), batch(2)], 1);
    const s = new BatchStream(S, src);
    try {
      for await (const _ of s.batches);
    } catch {
      // a careless sink
    }
    await expect(s.drain()).rejects.toMatchObject({ code: "TASK_INTERRUPTED" });
  });

  it("close() ends a stream the sink never read", async () => {
    const { it: src, seen } = source([batch(1), batch(2)]);
    const s = new BatchStream(S, src);
    await s.batches[Symbol.asyncIterator]().next();
    await s.close();
    expect(seen.closed).toBe(true);
    expect(seen.yielded).toBe(1);
  });
});
