/**
 * Scenarios of Spark's ProcessingTimeExecutorSuite (sql/core/.../streaming/
 * ProcessingTimeExecutorSuite.scala), in our own code, observed through a query on a ManualClock:
 * the first trigger runs at once, later ones on interval boundaries (now / interval * interval +
 * interval), a batch that overruns its interval is followed at once by the next one, which then
 * realigns to the boundaries; a negative interval is refused; interval 0 runs back to back.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Session } from "../../src/index.js";
import { ManualClock } from "../../src/common/clock.js";
import type { StreamingQueryHandle } from "../../src/dataframe/executor.js";

const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").getOrCreate();

/** Until the query waits on its clock (or ended). */
async function waiting(q: StreamingQueryHandle, clock: ManualClock): Promise<void> {
  for (let i = 0; q.isActive && !clock.isWaiting; i++) {
    if (i > 5000) throw new Error("the query did not reach its next trigger");
    await new Promise((r) => setTimeout(r, 2));
  }
}
/** Trigger start times (ms) of the batches that ran, from their progress. */
const batchTimes = (q: StreamingQueryHandle): number[] => q.recentProgress.filter((p) => p.durationMs.addBatch !== undefined).map((p) => Date.parse(p.timestamp));

describe("ProcessingTimeExecutorSuite", () => {
  it("triggers on interval boundaries; a late batch is followed at once, then realigns", async () => {
    const clock = new ManualClock(0);
    const input = spark.memoryStream("value INT");
    input.addData([{ value: 1 }]);
    spark.clock = clock;
    const q = await input
      .toDF()
      .writeStream.foreachBatch(async (b) => {
        // The batch of value 2 takes 150 ms of the query's clock (longer than the 100 ms
        // interval), and value 3 arrives while it runs.
        if ((await b.collect()).some((r) => Number(r.value) === 2)) {
          clock.advance(150);
          input.addData([{ value: 3 }]);
        }
      })
      .option("checkpointLocation", mkdtempSync(join(tmpdir(), "sluice-pte-")))
      .trigger({ processingTime: 100 })
      .start()
      .finally(() => (spark.clock = undefined));
    try {
      await waiting(q, clock);
      expect(batchTimes(q)).toEqual([0]); // the first trigger runs at once
      input.addData([{ value: 2 }]);
      clock.advance(99);
      await waiting(q, clock);
      expect(batchTimes(q)).toEqual([0]); // not before the boundary
      clock.advance(1); // t = 100: the slow batch runs and ends at 250, past the boundary at 200
      await waiting(q, clock);
      // the next trigger ran at once at 250 (reading value 3); the one after waits for 300
      expect(batchTimes(q)).toEqual([0, 100, 250]);
      input.addData([{ value: 4 }]);
      clock.advance(49);
      await waiting(q, clock);
      expect(batchTimes(q)).toEqual([0, 100, 250]);
      clock.advance(1);
      await waiting(q, clock);
      expect(batchTimes(q)).toEqual([0, 100, 250, 300]);
    } finally {
      await q.stop();
    }
  });

  it("a trigger in the middle of an interval waits for the boundary, not a full interval", async () => {
    const clock = new ManualClock(1_050);
    const input = spark.memoryStream("value INT");
    spark.clock = clock;
    const q = await input.toDF().writeStream.format("memory").queryName("pte_align").trigger({ processingTime: 100 }).start().finally(() => (spark.clock = undefined));
    try {
      await waiting(q, clock);
      input.addData([{ value: 1 }]);
      clock.advance(49); // 1099: not yet
      await waiting(q, clock);
      expect(batchTimes(q)).toEqual([]);
      clock.advance(1); // 1100: the boundary after the first trigger at 1050
      await waiting(q, clock);
      expect(batchTimes(q)).toEqual([1100]);
    } finally {
      await q.stop();
    }
  });

  it("a negative interval is refused", async () => {
    const df = spark.memoryStream("value INT").toDF();
    await expect(Promise.resolve().then(() => df.writeStream.format("memory").queryName("pte_neg").trigger({ processingTime: -1 }).start())).rejects.toMatchObject({ code: "INVALID_TRIGGER" });
    await expect(Promise.resolve().then(() => df.writeStream.format("memory").queryName("pte_bad").trigger({ processingTime: "soon" }).start())).rejects.toThrow(/soon|interval/i);
  });

  it("interval 0 runs the next batch as soon as the previous one ends", async () => {
    const clock = new ManualClock(500);
    const input = spark.memoryStream("value INT");
    spark.clock = clock;
    const q = await input.toDF().writeStream.format("memory").queryName("pte_zero").trigger({ processingTime: 0 }).start().finally(() => (spark.clock = undefined));
    try {
      for (const v of [1, 2, 3]) {
        input.addData([{ value: v }]);
        await q.processAllAvailable();
      }
      // The clock never moved: every batch started at 500 without waiting.
      expect(batchTimes(q)).toEqual([500, 500, 500]);
    } finally {
      await q.stop();
    }
  });
});
