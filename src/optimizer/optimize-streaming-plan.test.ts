import { describe, expect, it } from "vitest";
import { Session, col, expr, functions as F } from "../index.js";

const spark = Session.builder().config("spark.ui.enabled", false).config("spark.sql.shuffle.partitions", 1).config("spark.sql.session.timeZone", "UTC").getOrCreate();

/** Run `rows` as one batch (and the no-data batch after it); the watermark the query reports last. */
async function watermarkAfter(build: (df: ReturnType<ReturnType<typeof spark.memoryStream>["toDF"]>) => ReturnType<ReturnType<typeof spark.memoryStream>["toDF"]>, rows: { v: number; t: number }[]): Promise<string | undefined> {
  const mem = spark.memoryStream("v INT, t BIGINT");
  const q = await build(mem.toDF().selectExpr("v", "timestamp_seconds(t) AS ts").withWatermark("ts", "0 seconds"))
    .writeStream.format("memory")
    .queryName(`optimize_${Math.random().toString(36).slice(2)}`)
    .outputMode("append")
    .start();
  try {
    mem.addData(rows);
    await q.processAllAvailable();
    mem.addData([{ v: 100, t: 1 }]);
    await q.processAllAvailable();
    return q.lastProgress?.eventTime.watermark;
  } finally {
    await q.stop();
  }
}

describe("optimizeStreamingPlan", () => {
  it("moves a filter below the watermark, so rows it drops do not move the watermark (as Spark)", async () => {
    const rows = [
      { v: 1, t: 10 },
      { v: 50, t: 1000 },
    ];
    const byValue = await watermarkAfter((df) => df.where("v > 5").groupBy(F.window(col("ts"), "5 seconds")).count(), rows);
    expect(byValue).toBe("1970-01-01T00:16:40.000Z");
    const dropsLate = await watermarkAfter((df) => df.where("v < 5").groupBy(F.window(col("ts"), "5 seconds")).count(), rows);
    expect(dropsLate).toBe("1970-01-01T00:00:10.000Z");
    // A condition on the event time stays above the watermark: every row still moves it.
    const onTime = await watermarkAfter((df) => df.where(expr("ts < timestamp_seconds(500)")).groupBy(F.window(col("ts"), "5 seconds")).count(), rows);
    expect(onTime).toBe("1970-01-01T00:16:40.000Z");
  });
});
