/**
 * Which streaming plans Spark accepts and which it refuses (UnsupportedOperationsSuite and the
 * checks other suites make), compared with what real PySpark 4.0.1 did for the same plans:
 * golden/checks.json, recorded by scripts/oracle/gen_spark_suite_checks.py. A refused plan must
 * be refused by Sluice too, with Spark's message in it (Sluice may add what to change); an
 * accepted plan must run. Spark reports some refusals when the first batch runs (STREAM_FAILED);
 * Sluice refuses them at start(), as its other plan checks (see README.md).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { type DataFrame, Session, col, functions as F } from "../../src/index.js";

interface Outcome {
  ok: boolean;
  condition?: string | null;
  message?: string;
}
const golden = JSON.parse(readFileSync(join(import.meta.dirname, "golden", "checks.json"), "utf8")).cases as Record<string, Outcome>;

const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").getOrCreate();
const SCHEMA = "id INT, k STRING, ts TIMESTAMP";
const root = mkdtempSync(join(tmpdir(), "sluice-unsupported-"));
const inp = join(root, "in");
mkdirSync(inp);
writeFileSync(join(inp, "f0.json"), '{"id": 1, "k": "a", "ts": "2024-01-01T00:00:10Z"}\n{"id": 2, "k": "b", "ts": "2024-01-01T00:00:20Z"}\n');
const stream = (): DataFrame => spark.readStream.format("json").schema(SCHEMA).load(inp);
const wm = (): DataFrame => stream().withWatermark("ts", "10 seconds");
const staticDf = (): DataFrame => spark.createDataFrame([{ id: 9, k: "z", ts: null }], SCHEMA);
let n = 0;

async function run(df: DataFrame, mode: "append" | "update" | "complete" = "append", chk?: string): Promise<void> {
  n++;
  const w = df.writeStream.outputMode(mode).option("checkpointLocation", chk ?? join(root, `chk${n}`));
  const q = await (chk ? w.foreachBatch(async (b) => void (await b.collect())) : w.format("memory").queryName(`unsupported_${n}`)).start();
  try {
    await q.processAllAvailable();
  } finally {
    await q.stop();
  }
}

async function restart(first: DataFrame, second: DataFrame): Promise<void> {
  const chk = join(root, `restart${n}`);
  await run(first, "update", chk);
  writeFileSync(join(inp, `more${n}.json`), '{"id": 3, "k": "c", "ts": "2024-01-01T00:00:30Z"}\n');
  await run(second, "update", chk);
}

const cases: Record<string, () => unknown> = {
  "redefine-watermark-after-select": () => run(wm().select("*").withWatermark("ts", "20 seconds").groupBy(F.window(col("ts"), "10 seconds")).count()),
  "redefine-watermark-stacked": () => run(wm().withWatermark("ts", "20 seconds").groupBy(F.window(col("ts"), "10 seconds")).count()),
  "redefine-watermark-no-stateful": () => run(wm().select("*").withWatermark("ts", "20 seconds")),
  "watermark-on-union-of-watermarked": () => run(wm().union(stream().withWatermark("ts", "5 seconds")).withWatermark("ts", "1 second").dropDuplicates(["id", "ts"])),
  "cube-complete": () => run(stream().cube("k").count(), "complete"),
  "rollup-update": () => run(stream().rollup("k").count(), "update"),
  "cube-window-append": () => run(wm().cube(F.window(col("ts"), "10 seconds"), col("k")).count(), "append"),
  "union-stream-batch": () => run(stream().union(staticDf())),
  "union-batch-stream": () => run(staticDf().union(stream())),
  "intersect-stream-batch": () => run(stream().intersect(staticDf())),
  "except-stream-batch": () => run(stream().exceptAll(staticDf())),
  "except-batch-stream": () => run(staticDf().subtract(stream())),
  "limit-update": () => run(stream().groupBy("k").count().limit(1), "update"),
  "limit-append": () => run(stream().limit(1)),
  "offset-append": () => run(stream().offset(1)),
  "limit-before-agg-complete": () => run(stream().limit(1).groupBy("k").count(), "complete"),
  "dedup-within-watermark-batch": () => staticDf().withWatermark("ts", "1 second").dropDuplicatesWithinWatermark(["id"]).collect(),
  "dedup-within-watermark-no-watermark": () => run(stream().dropDuplicatesWithinWatermark(["id"])),
  "multiple-watermark-policy-invalid": () => {
    try {
      spark.conf.set("spark.sql.streaming.multipleWatermarkPolicy", "random");
    } finally {
      spark.conf.unset("spark.sql.streaming.multipleWatermarkPolicy");
    }
  },
  "restart-key-schema-changed": () => restart(stream().groupBy("k").count(), stream().groupBy("id").count()),
  "restart-value-schema-changed": () => restart(stream().groupBy("k").count(), stream().groupBy("k").agg(F.sum("id"))),
  "restart-key-column-renamed": () => restart(stream().groupBy("k").count(), stream().select(col("k").alias("k2")).groupBy("k2").count()),
};

/** Spark's message without the STREAM_FAILED wrapper, its trailing ';' and SQLSTATE. */
function sparkWords(m: string): string {
  return m
    .replace(/^\[STREAM_FAILED\] Query \[[^\]]*\] terminated with exception: /, "")
    .replace(/ SQLSTATE: \w+$/, "")
    .replace(/;$/, "")
    .replace(/ You can set the config .*$/, "")
    .replace(/^'[^']*' in \S+ is invalid\. /, "");
}

/**
 * Deliberate differences: Sluice refuses these too, with its own words (README.md says why).
 */
const differentWords: Record<string, string> = {
  "except-stream-batch": "Spark rewrites EXCEPT ALL into an aggregation and refuses it for append mode without a watermark; Sluice refuses set differences with a stream outright.",
};

describe("UnsupportedOperations: Sluice accepts and refuses what PySpark 4.0.1 does", () => {
  for (const [name, fn] of Object.entries(cases)) {
    it(name, async () => {
      const want = golden[name];
      expect(want, `golden case ${name}`).toBeDefined();
      let err: Error | undefined;
      try {
        await fn();
      } catch (e) {
        err = e as Error;
      }
      if (want!.ok) {
        expect(err?.message).toBeUndefined();
        return;
      }
      expect(err, "refused").toBeDefined();
      if (differentWords[name]) return;
      const words = sparkWords(want!.message!);
      // An error class Spark names is part of the words ([STATE_STORE_...] ...).
      expect(err!.message.toLowerCase()).toContain(words.replace(/^\[[A-Z_]+\] /, "").toLowerCase());
      const cls = /^\[([A-Z_]+)\]/.exec(words)?.[1];
      if (cls) expect((err as Error & { code?: string }).code).toBe(cls);
    });
  }
});
