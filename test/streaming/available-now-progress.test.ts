/**
 * StreamingQuery.availableNowProgress of the file source: a Trigger.AvailableNow run counts the
 * files of the target it fixed at start (every file present then), read so far; a later run
 * counts only the files new since the last one. (The Kafka source's offsets are tested with
 * `sluice run` in test/cli/run-available-now.test.ts.)
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Session, type StreamingQuery } from "../../src/index.js";

const spark = Session.builder().config("spark.ui.enabled", false).getOrCreate();
afterAll(() => spark.stop());
const work = mkdtempSync(join(tmpdir(), "sluice-an-progress-"));
const input = join(work, "in");
mkdirSync(input);
const write = (from: number, n: number): void => {
  for (let i = from; i < from + n; i++) writeFileSync(join(input, `f${String(i).padStart(3, "0")}.json`), `{"id":${i}}\n`);
};

/** One availableNow run, one file a batch; the progress seen after each batch, and at the end. */
async function run(): Promise<{ seen: unknown[]; end: unknown }> {
  const seen: unknown[] = [];
  let q: StreamingQuery | undefined;
  const listener = { onQueryProgress: () => void seen.push(q?.availableNowProgress) };
  spark.streams.addListener(listener);
  try {
    q = await spark.readStream.schema("id INT").option("maxFilesPerTrigger", 1).json(input).writeStream.format("memory").queryName(`an${Date.now()}`).option("checkpointLocation", join(work, "chk")).trigger({ availableNow: true }).start();
    await q.awaitTermination();
    return { seen, end: q.availableNowProgress };
  } finally {
    spark.streams.removeListener(listener);
  }
}

describe("availableNow progress of the file source", () => {
  it("counts the files of the target read so far, and only the new files in a later run", async () => {
    write(0, 4);
    const first = await run();
    expect(first.end).toEqual({ done: 4, total: 4, unit: "files" });
    const done = first.seen.map((p) => (p as { done: number } | null)?.done);
    expect(done.at(-1)).toBe(4);
    expect(done.filter((d) => d !== undefined)).toEqual([...done.filter((d) => d !== undefined)].sort((a, b) => a! - b!));
    expect(new Set(done).size).toBeGreaterThan(1); // it rose batch by batch
    write(4, 2);
    expect((await run()).end).toEqual({ done: 2, total: 2, unit: "files" });
  });

  it("is null for a query with another trigger", async () => {
    const q = await spark.readStream.schema("id INT").json(input).writeStream.format("memory").queryName("an_mb").start();
    await q.processAllAvailable();
    expect(q.availableNowProgress).toBeNull();
    await q.stop();
  });
});
