import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FileStreamSourceLog } from "./file-stream-source-log.js";

const tmp = () => mkdtempSync(join(tmpdir(), "sluice-srclog-"));
const files = (id: number) => [{ path: `/in/${id}.json`, timestamp: 1000 + id, batchId: id, sizeBytes: 8 }];

describe("file stream source log", () => {
  it("refuses a gap or an entry the offsets log refers to but the log lacks, naming the missing file", () => {
    const dir = tmp();
    const log = new FileStreamSourceLog(dir);
    for (const i of [0, 1, 2]) log.add(i, files(i));
    expect(() => log.checkHas(2)).not.toThrow();
    expect(() => log.checkHas(3)).toThrowError(expect.objectContaining({ code: "SOURCE_LOG_MISSING", context: { file: join(dir, "3") } }));
    rmSync(join(dir, "1"));
    expect(() => log.listBatchIds()).toThrowError(expect.objectContaining({ code: "CHECKPOINT_LOG_GAP", context: { file: join(dir, "1") } }));
  });

  it("refuses an entry with a file line cut out", () => {
    const dir = tmp();
    const log = new FileStreamSourceLog(dir);
    log.add(0, [...files(0), ...files(1)]);
    const text = readFileSync(join(dir, "0"), "utf8").split("\n");
    writeFileSync(join(dir, "0"), [text[0], text[2], text[3]].join("\n"));
    expect(() => log.get(0)).toThrowError(expect.objectContaining({ code: "CHECKPOINT_CORRUPT", context: { file: join(dir, "0") } }));
  });
});
