import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { action } from "./actions.js";
import { LogStore, commitFileName } from "./log-store.js";
import { errorOf, tempTable } from "./test-helpers.js";

describe("LogStore", () => {
  it("writes a commit only if absent and reads it back", async () => {
    const store = new LogStore(tempTable());
    const p = action("protocol", { minReaderVersion: 1, minWriterVersion: 2 });
    expect(commitFileName(7)).toBe("00000000000000000007.json");
    expect(store.writeCommit(0, [p])).toBe(true);
    expect(store.writeCommit(0, [p])).toBe(false);
    expect(await store.readCommit(0)).toEqual([p]);
    const e = await errorOf(() => store.readCommit(1));
    expect(e.code).toBe("DELTA_LOG_FILE_NOT_FOUND");
    expect(e.message).toContain("00000000000000000001.json");
  });

  it("lists commits, classic, multi-part (complete or not) and V2 checkpoints", async () => {
    const store = new LogStore(tempTable());
    mkdirSync(store.logPath, { recursive: true });
    for (const n of [
      "00000000000000000000.json",
      "00000000000000000001.json",
      "00000000000000000001.checkpoint.parquet",
      "00000000000000000002.checkpoint.0000000001.0000000002.parquet",
      "00000000000000000002.checkpoint.0000000002.0000000002.parquet",
      "00000000000000000003.checkpoint.0000000001.0000000003.parquet",
      "00000000000000000004.checkpoint.80a083e8-7026-4e79-81be-64bd76c43a11.json",
      "00000000000000000001.crc",
      ".00000000000000000005.json.tmp",
    ])
      writeFileSync(join(store.logPath, n), "");
    const l = await store.list();
    expect(l.commits.map((c) => c.version)).toEqual([0, 1]);
    expect(l.checkpoints.map((c) => [c.version, c.parts, c.complete])).toEqual([
      [1, 1, true],
      [2, 2, true],
      [3, 3, false],
      [4, 1, true],
    ]);
  });

  it("reads _last_checkpoint as a hint, null when missing or corrupt", async () => {
    const store = new LogStore(tempTable());
    mkdirSync(store.logPath, { recursive: true });
    expect(await store.readLastCheckpoint()).toBeNull();
    store.writeLastCheckpoint({ version: 10, size: 13, numOfAddFiles: 1 });
    expect(await store.readLastCheckpoint()).toEqual({ version: 10, size: 13, numOfAddFiles: 1 });
    writeFileSync(join(store.logPath, "_last_checkpoint"), '{"version":"ten"}');
    expect(await store.readLastCheckpoint()).toBeNull();
  });
});
