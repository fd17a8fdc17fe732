import { copyFileSync, cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { FileStreamSinkLog, type SinkFileStatus, crcFileOf, hadoopCrc } from "./sink-manifest.js";

const golden = join(dirname(fileURLToPath(import.meta.url)), "../../../test/checkpoint-damage/golden/spark-sink-manifest");
const tmp = () => mkdtempSync(join(tmpdir(), "sluice-manifest-"));
const entry = (path: string): SinkFileStatus => ({ path, size: 8, isDir: false, modificationTime: 1, blockReplication: 1, blockSize: 33554432, action: "add" });

describe("file sink manifest", () => {
  it("computes the .crc bytes PySpark 4.0.1 wrote for a manifest entry longer than one chunk", () => {
    const data = readFileSync(join(golden, "0"));
    expect(data.length).toBeGreaterThan(512);
    expect(hadoopCrc(data).equals(readFileSync(join(golden, ".0.crc")))).toBe(true);
  });

  it("writes Spark's v1 layout with a .N.crc beside it, and reads a Spark-written entry", () => {
    const dir = tmp();
    const log = new FileStreamSinkLog(dir);
    expect(log.add(0, [entry("/o/a.json")])).toBe(true);
    expect(log.add(0, [entry("/o/b.json")])).toBe(false);
    expect(readFileSync(join(dir, "0"), "utf8")).toBe(`v1\n${JSON.stringify(entry("/o/a.json"))}`);
    expect(readdirSync(dir).sort()).toEqual([".0.crc", "0"]);
    copyFileSync(join(golden, "0"), join(dir, "1"));
    copyFileSync(join(golden, ".0.crc"), join(dir, ".1.crc"));
    expect(log.get(1)!.map((e) => e.path.replace(/.*\//, "").slice(0, 10))).toEqual(["part-00000", "part-00001", "part-00002"]);
  });

  it("refuses an entry that no longer matches its .crc, naming it; an entry without one is read unverified", () => {
    const dir = tmp();
    const log = new FileStreamSinkLog(dir);
    log.add(0, [entry("/o/a.json"), entry("/o/b.json")]);
    const file = join(dir, "0");
    const text = readFileSync(file, "utf8");
    writeFileSync(file, text.slice(0, text.lastIndexOf("\n")));
    expect(() => log.get(0)).toThrowError(expect.objectContaining({ code: "CHECKPOINT_CORRUPT", context: { file }, message: expect.stringContaining(crcFileOf(file)) }));
    rmSync(crcFileOf(file));
    expect(log.get(0)).toEqual([entry("/o/a.json")]);
  });

  it("refuses a gap: entries are never purged, so a missing one would hide its files", () => {
    const dir = tmp();
    const log = new FileStreamSinkLog(dir);
    for (const i of [0, 1, 2]) log.add(i, [entry(`/o/${i}.json`)]);
    rmSync(join(dir, "1"));
    expect(() => log.listBatchIds()).toThrowError(expect.objectContaining({ code: "CHECKPOINT_LOG_GAP", context: { file: join(dir, "1") } }));
    rmSync(join(dir, "0"));
    expect(() => log.listBatchIds()).toThrowError(expect.objectContaining({ code: "CHECKPOINT_LOG_GAP", context: { file: join(dir, "0") } }));
  });
});

describe("a sink log Spark compacted", () => {
  const compacted = join(golden, "../spark-compacted-manifest");

  it("runs from the newest N.compact (verified by its .crc) and the entries after it, with or without the older ones", () => {
    const dir = tmp();
    cpSync(compacted, dir, { recursive: true });
    const log = new FileStreamSinkLog(dir);
    const files = () => log.listBatchIds().flatMap((id) => log.get(id)!.map((e) => e.path));
    expect(log.listBatchIds()).toEqual([9, 10]);
    expect(new Set(files()).size).toBe(11);
    for (let i = 0; i < 9; i++) rmSync(join(dir, String(i))); // Spark's cleanup after the delay
    expect(new Set(files()).size).toBe(11);
    expect(log.add(9, [entry("/o/x.json")])).toBe(false);
    const compact = join(dir, "9.compact");
    writeFileSync(compact, readFileSync(compact, "utf8").replace(/\n[^\n]*$/, ""));
    expect(() => log.get(9)).toThrowError(expect.objectContaining({ code: "CHECKPOINT_CORRUPT", context: { file: compact } }));
    rmSync(compact);
    expect(() => log.listBatchIds()).toThrowError(expect.objectContaining({ code: "CHECKPOINT_LOG_GAP", context: { file: join(dir, "0") } }));
  });
});
