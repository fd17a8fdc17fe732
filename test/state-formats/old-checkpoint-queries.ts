/**
 * The two stateful queries of the old-checkpoint fixture (old-checkpoints/): a deduplication and
 * a window aggregation keyed by every kind of grouping value the state keys must tell apart
 * (Unicode strings, the empty string, BIGINT beyond 2^53, NaN, -0.0, nulls). make-old-checkpoints.ts
 * ran them for one batch with the Sluice of the commit that added the fixture (JSON state keys,
 * uncompressed state files); old-checkpoints.test.ts restarts them on today's code.
 */
import type { DataFrame, Session, StreamingQuery } from "../../src/index.js";
import { col, functions as F } from "../../src/index.js";

export const SCHEMA = "s STRING, b BIGINT, d DOUBLE, ts TIMESTAMP, x INT";

const t = (sec: number) => new Date(Date.UTC(2024, 0, 1, 0, 0, sec));

/** The rows of batch 0 (the fixture's only batch). */
export const BATCH0: Record<string, unknown>[] = [
  { s: "é", b: 1n, d: 1.5, ts: t(1), x: 1 },
  { s: "日本", b: 2n ** 60n + 1n, d: NaN, ts: t(2), x: 2 },
  { s: "😀", b: -1n, d: 0, ts: t(3), x: 3 },
  { s: "", b: null, d: null, ts: t(4), x: 4 },
  { s: null, b: 0n, d: -2.25, ts: t(15), x: 5 },
];

/** The rows of batch 1 (added on restart): the same keys as batch 0 where it says so. */
export const BATCH1: Record<string, unknown>[] = [
  { s: "é", b: 1n, d: 1.5, ts: t(1), x: 10 }, // same key
  { s: "日本", b: 2n ** 60n + 1n, d: NaN, ts: t(2), x: 20 }, // NaN = NaN
  { s: "😀", b: -1n, d: -0, ts: t(3), x: 30 }, // -0.0 = 0.0
  { s: "", b: null, d: null, ts: t(4), x: 40 }, // nulls equal
  { s: "日本", b: 2n ** 60n, d: NaN, ts: t(2), x: 50 }, // new: differs from 2^60+1
  { s: null, b: null, d: null, ts: t(15), x: 60 }, // new: null string is not ""
];

export const dedup = (input: DataFrame): DataFrame => input.dropDuplicates(["s", "b", "d"]);

export const windowAgg = (input: DataFrame): DataFrame =>
  input.groupBy(F.window(col("ts"), "10 seconds"), col("s"), col("b"), col("d")).agg(F.count("*").alias("n"), F.sum("x").alias("total"));

/** Start one of the queries on `checkpoint` into memory table `name`. */
export function start(spark: Session, input: DataFrame, which: "dedup" | "agg", checkpoint: string, name: string): Promise<StreamingQuery> {
  const df = which === "dedup" ? dedup(input) : windowAgg(input);
  return df.writeStream.format("memory").queryName(name).outputMode(which === "dedup" ? "append" : "update").option("checkpointLocation", checkpoint).start();
}
