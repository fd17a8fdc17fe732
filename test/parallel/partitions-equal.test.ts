/**
 * Property test (issue 15): for random inputs split into random micro-batches, each stateful
 * operator (dedup, aggregation in each output mode, windows, session windows,
 * [flat]mapGroupsWithState, stream–stream join) gives the same answer whatever the shuffle partitions (1, 3, 8) and worker threads
 * (local[1], local[2]), with a restart in the middle of each run; and the state of each run is
 * laid out as one store per partition, state/<operator>/<partition>/.
 */
import { existsSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type DataFrame, type GroupState, Session, col, functions as F } from "../../src/index.js";
import { compareRows } from "../../src/testing/stream-test.js";

const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").config("spark.ui.enabled", "false").getOrCreate();
const SCHEMA = "k STRING, n INT, ts TIMESTAMP";
type Row = { k: string; n: number; ts: string };

function randomBatches(seed: number): Row[][] {
  const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const keys = 3 + Math.floor(random() * 40);
  return Array.from({ length: 2 + Math.floor(random() * 4) }, (_, b) =>
    Array.from({ length: Math.floor(random() * 60) }, () => ({
      k: `key-${Math.floor(random() * keys)}${random() < 0.1 ? "é" : ""}`,
      n: Math.floor(random() * 1000) - 500,
      ts: new Date(Date.UTC(2024, 0, 1) + (b * 40 + Math.floor(random() * 60)) * 1000).toISOString(),
    })),
  );
}

const QUERIES: Record<string, { mode: "update" | "complete" | "append"; build: (df: DataFrame) => DataFrame }> = {
  "dropDuplicates": { mode: "append", build: (df) => df.dropDuplicates(["k"]).select("k", "n") },
  "dropDuplicatesWithinWatermark": { mode: "append", build: (df) => df.withWatermark("ts", "20 seconds").dropDuplicatesWithinWatermark(["k"]).select("k", "n") },
  "aggregation (complete)": { mode: "complete", build: (df) => df.groupBy("k").agg(F.count("*").alias("c"), F.sum("n").alias("s"), F.max("n").alias("m")) },
  "aggregation with FILTER, first and collect_list (update)": {
    mode: "update",
    build: (df) =>
      df.groupBy("k").agg(F.expr("count(*) FILTER (WHERE n > 0)").alias("pos"), F.avg("n").alias("a"), F.expr("first(n)").alias("f"), F.expr("collect_list(n)").alias("l"), F.expr("sum(n) FILTER (WHERE n < 0)").alias("neg")),
  },
  "window aggregation (update, evicting)": {
    mode: "update",
    build: (df) => df.withWatermark("ts", "10 seconds").groupBy(F.window(col("ts"), "20 seconds"), col("k")).agg(F.max("n").alias("m")).select(col("window.end").alias("end"), col("k"), col("m")),
  },
  "window aggregation (append)": {
    mode: "append",
    build: (df) => df.withWatermark("ts", "10 seconds").groupBy(F.window(col("ts"), "30 seconds"), col("k")).agg(F.count("*").alias("c")).select(col("window.start").alias("start"), col("k"), col("c")),
  },
  "mapGroupsWithState (update)": {
    mode: "update",
    build: (df) =>
      df.groupByKey((r) => r.k as string).mapGroupsWithState({ stateSchema: "c INT, s INT", outputSchema: "k STRING, c INT, s INT" }, (k, rows, state: GroupState<{ c: number; s: number }>) => {
        const next = { ...(state.getOption() ?? { c: 0, s: 0 }) };
        for (const r of rows) {
          next.c += 1;
          next.s += r.n as number;
        }
        state.update(next);
        return { k, ...next };
      }),
  },
  "stream-stream self join with watermarks (append)": {
    mode: "append",
    build: (df) => {
      const left = df.withWatermark("ts", "10 seconds").select(col("k").alias("lk"), col("n").alias("ln"), col("ts").alias("lt"));
      const right = df.withWatermark("ts", "10 seconds").filter(col("n").gt(0)).select(col("k").alias("rk"), col("n").alias("rn"), col("ts").alias("rt"));
      return left.join(right, col("lk").eq(col("rk")).and(col("rt").between(col("lt"), col("lt").plus(F.expr("INTERVAL 5 SECONDS"))))).select("lk", "ln", "rn");
    },
  },
  "session windows (complete)": { mode: "complete", build: (df) => df.groupBy(F.session_window(col("ts"), "15 seconds"), col("k")).agg(F.count("*").alias("c")).select(col("session_window.start").alias("start"), col("k"), col("c")) },
};

/** Whether a partition folder holds version 1 of its store (a join's four stores sit in sub-folders). */
const hasDelta = (dir: string): boolean => existsSync(join(dir, "1.delta")) || readdirSync(dir).some((d) => existsSync(join(dir, d, "1.delta")));

/** Run the batches through the query with this many partitions and threads, restarting after `restartAfter` batches. */
async function run(name: string, batches: Row[][], partitions: number, master: string, restartAfter: number): Promise<{ rows: Record<string, unknown>[]; chk: string }> {
  const q = QUERIES[name]!;
  const chk = mkdtempSync(join(tmpdir(), "sluice-partitions-"));
  spark.conf.set("spark.sql.shuffle.partitions", partitions);
  spark.conf.set("spark.master", master);
  const input = spark.memoryStream(SCHEMA);
  const table = `p_${Math.random().toString(36).slice(2)}`;
  const start = () => q.build(input.toDF()).writeStream.format("memory").queryName(table).outputMode(q.mode).option("checkpointLocation", chk).start();
  let query = await start();
  let all: Record<string, unknown>[] = [];
  const collect = async () => (all = q.mode === "complete" ? await spark.table(table).collect() : [...all, ...(await spark.table(table).collect())]);
  for (let b = 0; b < batches.length; b++) {
    if (b === restartAfter) {
      await query.stop();
      await collect();
      query = await start();
    }
    if (batches[b]!.length > 0) input.addData(batches[b]!.map((r) => ({ ...r, ts: new Date(r.ts) })));
    await query.processAllAvailable();
  }
  await query.stop();
  await collect();
  return { rows: all, chk };
}

describe("results do not depend on shuffle partitions or worker threads", () => {
  for (const name of Object.keys(QUERIES)) {
    it(name, { timeout: 120_000 }, async () => {
      for (const seed of [11, 29]) {
        const batches = randomBatches(seed + name.length);
        const restartAfter = 1 + (seed % (batches.length - 1));
        const expected = (await run(name, batches, 1, "local[1]", restartAfter)).rows;
        for (const [partitions, master] of [[3, "local[2]"], [8, "local[1]"], [8, "local[2]"]] as const) {
          const { rows, chk } = await run(name, batches, partitions, master, restartAfter);
          expect(compareRows(rows, expected), `${name}, seed ${seed}, ${partitions} partitions, ${master}`).toBeNull();
          // one folder per partition: state/0/<p>/ with a delta file per committed batch
          expect(readdirSync(join(chk, "state", "0")).sort((a, b) => Number(a) - Number(b))).toEqual(Array.from({ length: partitions }, (_, p) => String(p)));
          for (let p = 0; p < partitions; p++) expect(hasDelta(join(chk, "state", "0", String(p))), `partition ${p}`).toBe(true);
        }
      }
    });
  }
});
