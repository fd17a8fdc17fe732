/**
 * Delta tables on the local disk, the S3 test server and Azurite (one parameterised suite), and on
 * S3: two writer processes committing at once lose no commit (put-if-absent commits), a streaming
 * query (stateless, and an aggregation whose state is on S3 too) whose checkpoint and table live on
 * S3 survives SIGKILL with exactly one commit per batch,
 * and delta-rs reads the table Sluice wrote there.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { exactJson } from "../../src/columnar/values.js";
import { childNames } from "../../src/fs/file-systems.js";
import { joinPath } from "../../src/fs/path.js";
import { DeltaTable, Session } from "../../src/index.js";
import { compareRows } from "../../src/testing/stream-test.js";
import { runChild } from "../support/run-child.js";
import { STORES, s3Server, storeRoot, stopObjectStores } from "../support/object-stores.js";

const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").getOrCreate();
afterAll(async () => {
  await spark.stop();
  await stopObjectStores();
});

const norm = (rows: Record<string, unknown>[]): string[] => rows.map((r) => exactJson(Object.fromEntries(Object.entries(r).sort(([a], [b]) => a.localeCompare(b))))).sort();

describe.each(STORES)("Delta table on %s", (store) => {
  it("writes, appends, overwrites and time-travels; the log holds put-if-absent commits", async () => {
    const path = joinPath(await storeRoot(store), "t");
    const rows = (ids: number[], day: string) => ids.map((id) => ({ id, day }));
    await spark.createDataFrame(rows([1, 2], "d1"), "id INT, day STRING").write.format("delta").partitionBy("day").save(path);
    await spark.createDataFrame(rows([3], "d2"), "id INT, day STRING").write.format("delta").mode("append").save(path);
    expect(norm(await spark.read.format("delta").load(path).collect())).toEqual(norm(rows([1, 2], "d1").concat(rows([3], "d2"))));
    await spark.createDataFrame(rows([9], "d3"), "id INT, day STRING").write.format("delta").mode("overwrite").save(path);
    expect(norm(await spark.read.format("delta").load(path).collect())).toEqual(norm(rows([9], "d3")));
    expect(norm(await spark.read.format("delta").option("versionAsOf", 1).load(path).collect())).toHaveLength(3);
    expect(childNames(joinPath(path, "_delta_log")).filter((n) => n.endsWith(".json"))).toEqual(["00000000000000000000.json", "00000000000000000001.json", "00000000000000000002.json"]);
    expect(childNames(path)).toEqual(expect.arrayContaining(["_delta_log", "day=d1", "day=d2", "day=d3"]));
    expect(await DeltaTable.forPath(spark, path).version()).toBe(2);
  });
});

/** The AWS environment a child process reaches the S3 test server with. */
async function s3Env(): Promise<NodeJS.ProcessEnv> {
  const s3 = await s3Server();
  return { ...process.env, AWS_ENDPOINT_URL: s3.endpoint, AWS_ACCESS_KEY_ID: "sluice-test", AWS_SECRET_ACCESS_KEY: "sluice-test-secret", AWS_REGION: "us-east-1" };
}

function runWriter(env: NodeJS.ProcessEnv, args: string[]): Promise<void> {
  return new Promise((done, fail) => {
    const p = spawn(process.execPath, ["--import", "tsx", join(import.meta.dirname, "delta-writer-child.ts"), ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
    let err = "";
    p.stderr.on("data", (d) => (err += d));
    p.on("exit", (code) => (code === 0 ? done() : fail(new Error(`writer ${args[1]} exited with ${code}: ${err}`))));
  });
}

describe("Delta on S3", () => {
  it("two writer processes appending at once lose no commit", async () => {
    const env = await s3Env();
    const path = joinPath(await storeRoot("s3"), "t");
    // created first: two concurrent creates conflict in Delta (the second must retry), appends do not
    await spark.createDataFrame([{ writer: "seed", i: 0 }], "writer STRING, i INT").write.format("delta").save(path);
    await Promise.all([runWriter(env, [path, "a", "4"]), runWriter(env, [path, "b", "4"])]);
    const got = await spark.read.format("delta").load(path).collect();
    expect(norm(got)).toEqual(norm([{ writer: "seed", i: 0 }, ...["a", "b"].flatMap((writer) => [0, 1, 2, 3].map((i) => ({ writer, i })))]));
    expect(await DeltaTable.forPath(spark, path).version()).toBe(8);
  });

  it.each(["projection", "aggregation"] as const)("a streaming %s with its checkpoint and table on S3 survives SIGKILL: the table equals an unbroken run's, one commit per batch", async (kind) => {
    const env = await s3Env();
    const inDir = join(mkdtempSync(join(tmpdir(), "sluice-s3-crash-")), "in");
    mkdirSync(inDir);
    const all: { id: number; v: number }[] = [];
    for (let f = 0; f < 8; f++) {
      const rows = Array.from({ length: 10 }, (_, i) => ({ id: f * 10 + i, v: i / 2 }));
      writeFileSync(join(inDir, `f${f}.json`), rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
      all.push(...rows);
    }
    const byKey = (k: number) => all.filter((r) => r.id % 7 === k);
    const expected =
      kind === "projection"
        ? all.map((r) => ({ id: r.id, v2: r.v * 2 }))
        : Array.from({ length: 7 }, (_, k) => ({ k, n: byKey(k).length, s: byKey(k).reduce((a, r) => a + r.v, 0) }));
    const root = await storeRoot("s3");
    const [table, chk] = [joinPath(root, "t"), joinPath(root, "chk")];
    const child = join(import.meta.dirname, "delta-stream-child.ts");
    let kills = 0;
    let seed = kind === "projection" ? 99 : 7;
    const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (;;) {
      // killed at a random moment after a batch (not during start-up) four times, then left to finish
      const r = await runChild(child, [inDir, table, chk, kind], kills < 4 ? Math.floor(random() * 60) : null, "SIGKILL", "PROGRESS", env);
      if (r === "done") break;
      kills++;
    }
    expect(compareRows(await spark.read.format("delta").load(table).collect(), expected)).toBeNull();
    const epochs = (await (await DeltaTable.forPath(spark, table).history()).collect()).map((h) => (h.operationParameters as Map<string, string>).get("epochId"));
    expect(new Set(epochs).size).toBe(epochs.length);
    expect(childNames(joinPath(chk, "commits")).length).toBe(8);
    if (kind === "aggregation") expect(childNames(joinPath(chk, "state", "0"))).toEqual(["0", "1"]);
  });

  const PY = join(resolve(import.meta.dirname, "../.."), ".oracle/venv/bin/python");
  const hasDeltaRs = existsSync(PY) && spawnSync(PY, ["-c", "import deltalake"]).status === 0;
  it.skipIf(!hasDeltaRs)("delta-rs reads the table Sluice wrote on S3", async () => {
    const s3 = await s3Server();
    const path = joinPath(await storeRoot("s3"), "t");
    await spark.createDataFrame([{ id: 1, day: "d1" }, { id: 2, day: "d2" }], "id INT, day STRING").write.format("delta").partitionBy("day").save(path);
    await spark.createDataFrame([{ id: 3, day: "d2" }], "id INT, day STRING").write.format("delta").mode("append").save(path);
    const READ = `import deltalake, json, sys, os
opts = {"AWS_ENDPOINT_URL": sys.argv[2], "AWS_ACCESS_KEY_ID": "sluice-test", "AWS_SECRET_ACCESS_KEY": "sluice-test-secret", "AWS_REGION": "us-east-1", "AWS_ALLOW_HTTP": "true", "AWS_VIRTUAL_HOSTED_STYLE_REQUEST": "false"}
t = deltalake.DeltaTable(sys.argv[1], storage_options=opts)
print(json.dumps({"version": t.version(), "rows": t.to_pyarrow_table().to_pylist()}))
sys.stdout.flush()
os._exit(0)`;
    const r = spawnSync(PY, ["-c", READ, path.replace(/^s3a:/, "s3:"), s3.endpoint], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    const got = JSON.parse(r.stdout) as { version: number; rows: Record<string, unknown>[] };
    expect(got.version).toBe(1);
    expect(norm(got.rows)).toEqual(norm([{ id: 1, day: "d1" }, { id: 2, day: "d2" }, { id: 3, day: "d2" }]));
  });
});
