import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Session, col } from "../../index.js";
import { type UserRow, type UserStreamSink, type UserStreamSource, registerStreamSink, registerStreamSource } from "./user-connectors.js";

const spark = Session.builder().config("spark.ui.enabled", false).getOrCreate();
const dir = mkdtempSync(join(tmpdir(), "sluice-user-connectors-"));
afterAll(async () => {
  await spark.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** A replayable log of events: offset = how many events exist. */
const events: UserRow[] = [];
class EventLogSource implements UserStreamSource {
  readonly schema = "id BIGINT, kind STRING";
  constructor(readonly options: Readonly<Record<string, string>>) {}
  initialOffset() {
    return 0;
  }
  latestOffset() {
    return events.length;
  }
  async *getRows(start: unknown, end: unknown) {
    for (const e of events.slice(start as number, end as number)) yield { ...e, kind: `${this.options.prefix ?? ""}${e.kind as string}` };
  }
}
/** Keeps each batch under its id, so a re-run batch replaces itself (idempotent per batchId). */
const written = new Map<number, readonly UserRow[]>();
class BatchMapSink implements UserStreamSink {
  addBatch(batchId: number, rows: readonly UserRow[]) {
    written.set(batchId, rows);
  }
}

describe("user-registered source and sink", () => {
  registerStreamSource(spark, "event-log", (o) => new EventLogSource(o));
  registerStreamSink(spark, "batch-map", () => new BatchMapSink());
  const start = () =>
    spark.readStream.format("event-log").option("prefix", "k:").load().filter(col("id").gt(1)).writeStream.format("batch-map").option("checkpointLocation", join(dir, "chk")).start();

  it("reads through readStream.format(name), writes through writeStream.format(name), and resumes from the checkpoint", async () => {
    events.push({ id: 1n, kind: "a" }, { id: 2n, kind: "b" }, { id: 3n, kind: "c" });
    let q = await start();
    await q.processAllAvailable();
    await q.stop();
    events.push({ id: 4n, kind: "d" });
    q = await start();
    await q.processAllAvailable();
    expect(q.lastProgress!.sources[0]).toMatchObject({ description: "event-log[user source]", startOffset: 3, endOffset: 4, numInputRows: 1 });
    await q.stop();
    expect([...written.values()].flat()).toEqual([
      { id: 2n, kind: "k:b" },
      { id: 3n, kind: "k:c" },
      { id: 4n, kind: "k:d" },
    ]);
    expect(spark.readStream.format("event-log").load().schema.fieldNames).toEqual(["id", "kind"]);
  });

  it("refuses a format name that is not one", () => {
    expect(() => registerStreamSource(spark, "my source", (o) => new EventLogSource(o))).toThrow(expect.objectContaining({ code: "INVALID_FORMAT_NAME" }));
  });
});
