import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { formatDeltaHistory } from "../../src/cli/delta-history.js";
import { hadoopConfInEffect } from "../../src/fs/file-systems.js";
import { joinPath } from "../../src/fs/path.js";
import { Session, SluiceError } from "../../src/index.js";
import { stopObjectStores, storeRoot } from "../support/object-stores.js";

const spark = Session.builder().getOrCreate();
afterAll(async () => {
  await spark.stop();
  await stopObjectStores();
});
const repo = resolve(import.meta.dirname, "../..");

describe("sluice delta history", () => {
  it("prints commits newest first as a table or JSON; a non-table fails with DELTA_TABLE_NOT_FOUND", async () => {
    const p = join(mkdtempSync(join(tmpdir(), "sluice-hist-")), "t");
    const df = spark.createDataFrame([{ id: 1 }], "id BIGINT");
    await df.write.format("delta").save(p);
    await df.write.format("delta").mode("append").save(p);
    const text = await formatDeltaHistory(p);
    const lines = text.trim().split("\n");
    expect(lines[0]).toMatch(/^version\s+timestamp\s+operation\s+parameters\s+metrics$/);
    expect(lines[2]).toMatch(/^1\s+.*WRITE\s+mode=Append/);
    expect(lines[3]).toMatch(/^0\s+.*WRITE\s+mode=ErrorIfExists/);
    const json = JSON.parse(await formatDeltaHistory(p, { json: true, limit: 1 })) as { version: number; operationMetrics: Record<string, string> }[];
    expect(json).toHaveLength(1);
    expect(json[0]!.operationMetrics.numOutputRows).toBe("1");
    await expect(formatDeltaHistory(join(p, "nope"))).rejects.toSatisfy((e: unknown) => e instanceof SluiceError && e.code === "DELTA_TABLE_NOT_FOUND");
  });

  it("reads a table on S3 with the store's keys as --conf (fs.* as read options name them, or spark.hadoop.fs.*)", async () => {
    const table = joinPath(await storeRoot("s3"), "t");
    await spark.createDataFrame([{ id: 1n }], "id BIGINT").write.format("delta").save(table);
    await spark.sql(`DELETE FROM delta.\`${table}\` WHERE id = 1`).collect();
    const keys = hadoopConfInEffect();
    const cli = (...args: string[]) => spawnSync(process.execPath, ["--import", "tsx", "src/cli/main.ts", "delta", "history", table, ...args], { cwd: repo, encoding: "utf8" });
    const plain = cli(...keys.flatMap(([k, v]) => ["--conf", `${k}=${v}`]));
    expect(plain.stderr).toBe("");
    expect(plain.stdout.trim().split("\n").slice(2).map((l) => l.split(/\s+/)[0] + " " + l.match(/WRITE|DELETE/)?.[0])).toEqual(["1 DELETE", "0 WRITE"]);
    const prefixed = cli("--json", ...keys.flatMap(([k, v]) => ["--conf", `spark.hadoop.${k}=${v}`]));
    expect((JSON.parse(prefixed.stdout) as { operation: string }[]).map((e) => e.operation)).toEqual(["DELETE", "WRITE"]);
    // a key that is not a file-system key is refused by name
    const bad = cli("--conf", "spark.sql.shuffle.partitions=3");
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/--conf.*fs\.s3a\.endpoint/);
    for (const [k] of keys) expect(k.startsWith("fs.")).toBe(true);
  });
});
