import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough, Readable, Writable } from "node:stream";
import { afterAll, describe, expect, it } from "vitest";
import { Session, col } from "../../index.js";
import { streamFromAsyncIterable } from "./async-iterable-source.js";
import { jsonLine, writeStreamToWritable } from "./writable-sink.js";

const spark = Session.builder().config("spark.ui.enabled", false).getOrCreate();
const chk = mkdtempSync(join(tmpdir(), "sluice-node-streams-"));
afterAll(async () => {
  await spark.stop();
  rmSync(chk, { recursive: true, force: true });
});

/** A Writable that keeps what it is given and asks for 'drain' after every write. */
function slowSink(): { out: Writable; text: () => string } {
  const chunks: string[] = [];
  const out = new Writable({ highWaterMark: 1, write: (c, _e, done) => void (chunks.push(String(c)), setImmediate(done)) });
  return { out, text: () => chunks.join("") };
}

describe("Node streams", () => {
  it("an object-mode Readable becomes a streaming DataFrame; its rows reach a Writable as JSON lines", async () => {
    async function* rows() {
      for (let i = 0; i < 25; i++) yield { id: BigInt(i), user: `u${i % 3}`, ts: new Date(Date.UTC(2026, 0, 1, 0, 0, i)) };
    }
    const { df, done } = streamFromAsyncIterable(spark, Readable.from(rows()), "id BIGINT, user STRING, ts TIMESTAMP", { maxRowsPerBlock: 10 });
    const sink = slowSink();
    const q = await writeStreamToWritable(df.filter(col("user").eq("u1")).writeStream.option("checkpointLocation", chk), sink.out).start();
    await done;
    await q.processAllAvailable();
    await q.stop();
    const lines = sink.text().trim().split("\n");
    expect(lines).toHaveLength(8);
    expect(lines[0]).toBe('{"id":1,"user":"u1","ts":"2026-01-01T00:00:01.000Z"}');
    expect(q.recentProgress.map((p) => p.numInputRows).reduce((a, b) => a + b, 0)).toBe(25);
  });

  it("writes BIGINT beyond 2^53 exactly, BINARY as base64 and MAP as an object", () => {
    expect(jsonLine({ big: 9007199254740993n, bin: new Uint8Array([1, 2, 3]), m: new Map([["a", 1]]), s: "x\u0000bigint:1" })).toBe('{"big":9007199254740993,"bin":"AQID","m":{"a":1},"s":"x\\u0000bigint:1"}\n');
  });

  it("a failing iterable rejects done with NODE_STREAM_FAILED; a non-row is named by its index", async () => {
    async function* broken() {
      yield { id: 1n };
      throw new Error("socket reset");
    }
    await expect(streamFromAsyncIterable(spark, broken(), "id BIGINT").done).rejects.toMatchObject({ code: "NODE_STREAM_FAILED", message: "The AsyncIterable source failed after 1 rows: socket reset" });
    const bytes = new PassThrough();
    bytes.end(Buffer.from("{}\n"));
    await expect(streamFromAsyncIterable(spark, bytes, "id BIGINT").done).rejects.toMatchObject({ message: expect.stringContaining("Row 0 of the iterable is bytes (use an object-mode stream of row objects)") });
    expect(() => streamFromAsyncIterable(spark, [] as unknown as AsyncIterable<unknown>, "id BIGINT")).toThrow(expect.objectContaining({ code: "NOT_ASYNC_ITERABLE" }));
    expect(() => streamFromAsyncIterable(spark, broken(), "id BIGINT", { maxRowsPerBlock: 0 })).toThrow("maxRowsPerBlock must be a positive integer, got 0");
  });
});
