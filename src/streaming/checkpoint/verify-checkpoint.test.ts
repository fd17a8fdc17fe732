import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ORPHAN_TEMP_MIN_AGE_MS, writeFileAtomic } from "./atomic-file.js";
import { CommitLog } from "./commit-log.js";
import { OffsetSeqLog } from "./offset-seq-log.js";
import { readOrCreateStreamMetadata } from "./stream-metadata.js";
import { readStreamMetadata } from "./stream-metadata-file.js";
import { prepareCheckpoint } from "./verify-checkpoint.js";

const md = { batchWatermarkMs: 0, batchTimestampMs: 0, conf: {} };

/** A checkpoint with metadata, offsets 0..lastOffset and commits 0..lastCommit. */
function checkpoint(lastOffset: number, lastCommit: number): { dir: string; id: string } {
  const dir = mkdtempSync(join(tmpdir(), "sluice-verify-"));
  const { id } = readOrCreateStreamMetadata(dir, ["s"], "k");
  const offsets = new OffsetSeqLog(join(dir, "offsets"));
  for (let i = 0; i <= lastOffset; i++) offsets.add(i, { offsets: [String(i)], metadata: md });
  const commits = new CommitLog(join(dir, "commits"));
  for (let i = 0; i <= lastCommit; i++) commits.add(i, { nextBatchWatermarkMs: 0 });
  return { dir, id };
}

const gap = (file: string) => expect.objectContaining({ code: "CHECKPOINT_LOG_GAP", context: { file }, message: expect.stringContaining(file) });

describe("checkpoint structure at start", () => {
  it("accepts complete checkpoints, with the last batch committed or awaiting its re-run, and purged prefixes", () => {
    expect(() => prepareCheckpoint(checkpoint(3, 3).dir)).not.toThrow();
    expect(() => prepareCheckpoint(checkpoint(3, 2).dir)).not.toThrow();
    expect(() => prepareCheckpoint(checkpoint(0, -1).dir)).not.toThrow();
    const { dir } = checkpoint(5, 4);
    // a purge cut short: offsets go first, so commits may start lower
    for (const i of [0, 1, 2]) rmSync(join(dir, "offsets", String(i)));
    rmSync(join(dir, "commits", "0"));
    expect(() => prepareCheckpoint(dir)).not.toThrow();
  });

  it("names the missing entry of a gap in the offsets or commit log", () => {
    let { dir } = checkpoint(3, 3);
    rmSync(join(dir, "offsets", "1"));
    expect(() => prepareCheckpoint(dir)).toThrowError(gap(join(dir, "offsets", "1")));
    ({ dir } = checkpoint(3, 3));
    rmSync(join(dir, "commits", "2"));
    expect(() => prepareCheckpoint(dir)).toThrowError(gap(join(dir, "commits", "2")));
  });

  it("names a lost last entry: a commit without its offsets, an offsets entry two past the last commit", () => {
    let { dir } = checkpoint(3, 3);
    rmSync(join(dir, "offsets", "3"));
    expect(() => prepareCheckpoint(dir)).toThrowError(gap(join(dir, "offsets", "3")));
    ({ dir } = checkpoint(3, 3));
    rmSync(join(dir, "commits", "3"));
    rmSync(join(dir, "commits", "2"));
    expect(() => prepareCheckpoint(dir)).toThrowError(gap(join(dir, "commits", "2")));
    ({ dir } = checkpoint(3, 3));
    rmSync(join(dir, "commits", "0"));
    expect(() => prepareCheckpoint(dir)).toThrowError(gap(join(dir, "commits", "0")));
  });

  it("names the entry a batch to re-run starts from, and a lost offsets log next to state files", () => {
    let { dir } = checkpoint(3, 2);
    for (const i of [0, 1, 2]) rmSync(join(dir, "offsets", String(i)));
    expect(() => prepareCheckpoint(dir)).toThrowError(gap(join(dir, "offsets", "2")));
    ({ dir } = checkpoint(-1, -1));
    mkdirSync(join(dir, "state", "0", "0"), { recursive: true });
    writeFileSync(join(dir, "state", "0", "0", "1.delta"), "v1\n");
    expect(() => prepareCheckpoint(dir)).toThrowError(gap(join(dir, "offsets", "0")));
  });

  it("deletes temp files of killed writes in the checkpoint's folders, but not LevelDB's own files or other names", () => {
    const { dir } = checkpoint(1, 1);
    const tmpName = (n: string) => `.${n}.0b9f6c1e-9a52-4c1d-8f43-5a4f2a0f7d11.tmp`;
    const leftovers = [join(dir, tmpName("metadata")), join(dir, "offsets", tmpName("2")), join(dir, "sources", "0", tmpName("4")), join(dir, "state", "0", "0", tmpName("3.delta"))];
    const kept = [join(dir, "state", "0", "0", "_leveldb", tmpName("x")), join(dir, "offsets", ".notes.tmp"), join(dir, "sources", "0", "0")];
    const inFlight = join(dir, "commits", tmpName("1"));
    for (const f of [...leftovers, ...kept, inFlight]) writeFileAtomic(f, "x");
    const old = new Date(Date.now() - ORPHAN_TEMP_MIN_AGE_MS - 1000);
    for (const f of [...leftovers, ...kept]) utimesSync(f, old, old);
    prepareCheckpoint(dir);
    expect(leftovers.filter(existsSync)).toEqual([]);
    expect(kept.filter(existsSync)).toEqual(kept);
    // A fresh one may be another run's write in flight.
    expect(existsSync(inFlight)).toBe(true);
  });
});

describe("query id across a lost metadata file", () => {
  it("records the query id in each offsets entry and rebuilds a lost metadata from it", () => {
    const { dir, id } = checkpoint(2, 1);
    expect(new OffsetSeqLog(join(dir, "offsets")).get(2)!.metadata.queryId).toBe(id);
    rmSync(join(dir, "metadata"));
    expect(readOrCreateStreamMetadata(dir, ["s"], "k").id).toBe(id);
    expect(readStreamMetadata(dir).id).toBe(id);
  });

  it("refuses to invent a new id when the offsets log predates recorded ids", () => {
    const dir = mkdtempSync(join(tmpdir(), "sluice-verify-"));
    writeFileSync(join(dir, "metadata"), `v1\n${JSON.stringify({ id: "old-id", sources: ["s"], sink: "k" })}`);
    mkdirSync(join(dir, "offsets"));
    writeFileSync(join(dir, "offsets", "0"), `v1\n${JSON.stringify(md)}\n0`);
    expect(readOrCreateStreamMetadata(dir, ["s"], "k").id).toBe("old-id"); // old checkpoints still restart
    rmSync(join(dir, "metadata"));
    expect(() => readOrCreateStreamMetadata(dir, ["s"], "k")).toThrowError(
      expect.objectContaining({ code: "CHECKPOINT_METADATA_MISSING", message: expect.stringContaining(join(dir, "metadata")) }),
    );
    expect(readdirSync(dir).sort()).toEqual(["offsets"]);
  });

  it("refuses a damaged metadata file, saying it can be deleted to rebuild it", () => {
    const { dir } = checkpoint(0, 0);
    writeFileSync(join(dir, "metadata"), "v2\n{\"id\":\"x\",\"sources\":[\"s\"],\"sink\":\"k\"}\n#crc32=00000000");
    expect(() => readOrCreateStreamMetadata(dir, ["s"], "k")).toThrowError(expect.objectContaining({ code: "CHECKPOINT_CORRUPT", message: expect.stringContaining("Delete it") }));
  });
});
