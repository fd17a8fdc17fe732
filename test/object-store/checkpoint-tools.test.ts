/**
 * The tools beside a checkpoint work when it lives on an object store (S3 test server, Azurite):
 * `sluice checkpoint inspect` (its report, health verdict and the real command with --conf), the
 * statestore and state-metadata readers, and the progress event log that `sluice ui` charts a
 * stopped query from.
 */
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkpointHealth } from "../../src/ui/checkpoint-health.js";
import { inspectCheckpoint } from "../../src/cli/checkpoint-inspect.js";
import { recordsFromCheckpoints } from "../../src/cli/ui-command.js";
import { fileSystemFor, hadoopConfInEffect } from "../../src/fs/file-systems.js";
import { joinPath } from "../../src/fs/path.js";
import { EVENTS_DIR, EventLogWriter, PART_EVENTS, readEventLog } from "../../src/ui/event-log.js";
import type { StreamingQueryProgressData } from "../../src/index.js";
import { Session } from "../../src/index.js";
import { storeRoot, stopObjectStores } from "../support/object-stores.js";

const repo = resolve(import.meta.dirname, "../..");
const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").config("spark.ui.enabled", false).config("spark.sql.shuffle.partitions", 2).config("sluice.streaming.eventLog.enabled", true).getOrCreate();
afterAll(async () => {
  await spark.stop();
  await stopObjectStores();
});

const put = (path: string, data: string): void => void fileSystemFor(path).create(path, data, { overwrite: true });

describe.each(["s3", "azure"] as const)("checkpoint tools with the checkpoint on %s", (store) => {
  let chk: string;
  let runId: string;
  let progress: StreamingQueryProgressData;
  beforeAll(async () => {
    const root = await storeRoot(store);
    chk = joinPath(root, "chk");
    const input = joinPath(root, "in");
    put(joinPath(input, "a.json"), '{"k":"a"}\n{"k":"b"}\n{"k":"a"}\n');
    const q = await spark.readStream.schema("k STRING").json(input).groupBy("k").count()
      .writeStream.format("memory").queryName(`tools_${store}`).outputMode("complete").option("checkpointLocation", chk).start();
    await q.processAllAvailable();
    put(joinPath(input, "b.json"), '{"k":"c"}\n');
    await q.processAllAvailable();
    await q.stop();
    runId = q.runId;
    progress = q.recentProgress[0]!.toJSON();
  }, 120_000);

  it("inspect reports the batches, the state stores and a healthy verdict", () => {
    const r = inspectCheckpoint(chk);
    expect(r.batches.map((b) => [b.batchId, b.committed])).toEqual([[0, true], [1, true]]);
    expect(r.sources).toHaveLength(1);
    expect(r.state.length).toBeGreaterThan(0);
    expect(r.state.every((s) => s.versions.includes(2))).toBe(true);
    const health = checkpointHealth(chk, false);
    expect(health.problems).toEqual([]);
    expect(health.lastCommittedBatchId).toBe(1);
    expect(health.sizeBytes).toBeGreaterThan(0);
  });

  it("the statestore and state-metadata readers read the state on the store", async () => {
    const rows = await spark.read.format("statestore").load(chk).collect();
    // an aggregation's key struct names its keys k0, k1, …; the count is the value's last field
    const counts = rows.map((r) => [(r.key as { k0: string }).k0, Object.values(r.value as object).at(-1)]).sort();
    expect(counts).toEqual([["a", 2n], ["b", 1n], ["c", 1n]]);
    const meta = await spark.read.format("state-metadata").load(chk).collect();
    expect(meta).toEqual([expect.objectContaining({ operatorId: 0n, numPartitions: 2, minBatchId: 0n, maxBatchId: 1n })]);
  });

  it("the progress event log is kept on the store and read back as the stopped run", () => {
    expect(fileSystemFor(chk).listStatus(joinPath(chk, EVENTS_DIR)).length).toBeGreaterThan(0);
    const records = recordsFromCheckpoints([chk]);
    expect(records.map((r) => r.runId)).toEqual([runId]);
    expect(records[0]!.progress.map((p) => p.batchId)).toEqual([0, 1]);
    expect(records[0]!.explain).toContain("Aggregate");
  });

  it.runIf(store === "s3")("a long run's log is kept in parts of PART_EVENTS events, read back whole; retention removes an old run's every part", () => {
    const dir = joinPath(chk, "long");
    const w = new EventLogWriter(1);
    const live = (id: string) => ({ id: "q", runId: id, name: null, isActive: true, status: { message: "" }, exception: null, checkpointLocation: dir, recentProgress: [], explainString: () => "plan" });
    w.track(live("long"));
    const n = 2 * PART_EVENTS + 10;
    for (let b = 0; b < n; b++) w.onQueryProgress({ progress: { toJSON: () => ({ ...progress, runId: "long", batchId: b }) } } as never);
    expect(fileSystemFor(dir).listStatus(joinPath(dir, EVENTS_DIR)).map((s) => s.path.split("/").pop())).toEqual(["long.0.jsonl", "long.1.jsonl", "long.2.jsonl"]);
    expect(readEventLog(dir)[0]!.progress.map((p) => p.batchId)).toEqual(Array.from({ length: n }, (_, b) => b));
    w.track(live("next"));
    expect(fileSystemFor(dir).listStatus(joinPath(dir, EVENTS_DIR)).map((s) => s.path.split("/").pop())).toEqual(["next.0.jsonl"]);
  });

  it.runIf(store === "s3")("`sluice checkpoint inspect s3a://…` with the store's keys as --conf", () => {
    const conf = hadoopConfInEffect().flatMap(([k, v]) => ["--conf", `spark.hadoop.${k}=${v}`]);
    const r = spawnSync(process.execPath, ["--import", "tsx", "src/cli/main.ts", "checkpoint", "inspect", chk, ...conf], { cwd: repo, encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/health: OK/);
    expect(r.status).toBe(0);
    const bad = spawnSync(process.execPath, ["--import", "tsx", "src/cli/main.ts", "checkpoint", "inspect", chk, "--conf", "spark.sql.shuffle.partitions=3"], { cwd: repo, encoding: "utf8" });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/--conf.*spark\.hadoop\./);
  });
});
