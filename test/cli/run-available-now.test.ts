/**
 * `sluice run` of a Trigger.AvailableNow backfill from Kafka: the engine exposes how many offsets
 * of the target fixed at start are read (StreamingQuery.availableNowProgress), and the CLI shows
 * it — a bar redrawn in place on a pseudo-terminal, `availableNow=done/total offsets (pct%)` on
 * plain lines when piped. A query with another trigger has none.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Session } from "../../src/index.js";
import { createTopic, kafkaBootstrap, produce, topicName } from "../support/kafka-broker.js";
import { root, runToEnd, sluice, sluiceOnTty } from "./cli-child.js";

const work = mkdtempSync(join(tmpdir(), "sluice-run-an-"));
const RECORDS = 600; // over 3 partitions, read 50 offsets a batch (48: 16 a partition): 13 batches
let bootstrap = "";
let topic = "";

beforeAll(async () => {
  bootstrap = await kafkaBootstrap();
  topic = topicName("run-available-now");
  await createTopic(topic, 3);
  await produce(topic, Array.from({ length: RECORDS }, (_, i) => ({ value: `v${i}`, partition: i % 3 })));
}, 120_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A pipeline module copying the topic into a Delta table with availableNow, 50 offsets a batch. */
function pipeline(name: string): string {
  const dir = join(work, name);
  const f = join(work, `${name}.ts`);
  writeFileSync(
    f,
    `import type { Session } from ${JSON.stringify(join(root, "src/index.ts"))};
export default async function pipeline(spark: Session) {
  const df = spark.readStream.format("kafka").option("kafka.bootstrap.servers", ${JSON.stringify(bootstrap)})
    .option("subscribe", ${JSON.stringify(topic)}).option("startingOffsets", "earliest").option("maxOffsetsPerTrigger", 50).load();
  return [await df.selectExpr("CAST(value AS STRING) AS v").writeStream.format("delta").option("checkpointLocation", ${JSON.stringify(join(dir, "chk"))})
    .trigger({ availableNow: true }).queryName("backfill").start(${JSON.stringify(join(dir, "out"))})];
}
`,
  );
  return f;
}

const ESC = "\x1b";
const visible = (s: string): string => s.replace(/\x1b\[[0-9;]*m/g, "");

describe("sluice run: availableNow progress", () => {
  it("piped: each plain line carries the offsets read of the target, rising to all of it", async () => {
    const r = await runToEnd(sluice(["run", pipeline("plain"), "--conf", "spark.ui.enabled=false", "--interval", "0.001"]));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toContain(ESC);
    const done = [...r.stdout.matchAll(/ availableNow=(\d+)\/600 offsets \((\d+)%\)/g)].map((m) => [Number(m[1]), Number(m[2])] as const);
    expect(done.length, r.stdout).toBeGreaterThan(1);
    expect(done.map(([d]) => d)).toEqual([...done.map(([d]) => d)].sort((a, b) => a - b));
    expect(done.at(-1)).toEqual([RECORDS, 100]);
    expect(done[0]![0]).toBeLessThan(RECORDS);
    expect(r.stdout).toMatch(/backfill: \d+ batches, 600 input rows this run/);
  }, 180_000);

  it("on a terminal: a bar redrawn in place, within the terminal's width", async () => {
    const r = await runToEnd(sluiceOnTty(["run", pipeline("tty"), "--conf", "spark.ui.enabled=false"], 90));
    expect(r.code, r.stdout).toBe(0);
    const drawn = r.stdout
      .split(`\r${ESC}[2K`)
      .slice(1)
      .map((s) => visible(s.split(/\r?\n/)[0]!))
      .filter((s) => s.includes("backfill ["));
    expect(drawn.length, r.stdout).toBeGreaterThan(0);
    for (const b of drawn) {
      expect(b.length).toBeLessThanOrEqual(89);
      expect(b).toMatch(/backfill \[[█░]{16}\] +\d+% \d+\/600 offsets · /);
    }
    expect(r.stdout).toMatch(/backfill: \d+ batches, 600 input rows this run/);
  }, 180_000);

  it("the query exposes it: all of the target at the end; null for another trigger", async () => {
    const spark = Session.builder().config("spark.ui.enabled", false).getOrCreate();
    try {
      const df = spark.readStream.format("kafka").option("kafka.bootstrap.servers", bootstrap).option("subscribe", topic).option("startingOffsets", "earliest").option("maxOffsetsPerTrigger", 100).load();
      const an = await df.writeStream.format("memory").queryName("an").option("checkpointLocation", join(work, "an")).trigger({ availableNow: true }).start();
      await an.awaitTermination();
      expect(an.availableNowProgress).toEqual({ done: RECORDS, total: RECORDS, unit: "offsets" });
      const mb = await df.writeStream.format("memory").queryName("mb").option("checkpointLocation", join(work, "mb")).start();
      await mb.processAllAvailable();
      expect(mb.availableNowProgress).toBeNull();
      await mb.stop();
    } finally {
      await spark.stop();
    }
  }, 120_000);
});
