import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CommitLog } from "../streaming/checkpoint/commit-log.js";
import { OffsetSeqLog } from "../streaming/checkpoint/offset-seq-log.js";
import { readOrCreateStreamMetadata } from "../streaming/checkpoint/stream-metadata.js";
import { formatCheckpointReport, inspectCheckpoint } from "./checkpoint-inspect.js";

describe("sluice checkpoint inspect", () => {
  it("lists batches, marks the one awaiting a re-run, and shows state stores", () => {
    const dir = mkdtempSync(join(tmpdir(), "sluice-inspect-"));
    const md = readOrCreateStreamMetadata(dir, ["MemoryStream[0]"], "MemorySink[x]");
    const offsets = new OffsetSeqLog(join(dir, "offsets"));
    offsets.add(0, { offsets: ["3"], metadata: { batchWatermarkMs: 0, batchTimestampMs: 1000, conf: {} } });
    offsets.add(1, { offsets: ["5"], metadata: { batchWatermarkMs: 2000, batchTimestampMs: 3000, conf: {} } });
    new CommitLog(join(dir, "commits")).add(0, { nextBatchWatermarkMs: 2000 });
    mkdirSync(join(dir, "state", "0", "0"), { recursive: true });
    writeFileSync(join(dir, "state", "0", "0", "1.delta"), "v1\n");
    const r = inspectCheckpoint(dir);
    expect(r.queryId).toBe(md.id);
    expect(r.batches.map((b) => [b.batchId, b.committed])).toEqual([
      [0, true],
      [1, false],
    ]);
    expect(r.state).toEqual([{ store: "0/0", versions: [1], snapshots: [] }]);
    expect(formatCheckpointReport(r)).toContain("NO (re-run on restart)");
    rmSync(join(dir, "metadata"));
    expect(inspectCheckpoint(dir).queryId).toBe(md.id); // recorded in the offsets log
  });

  it("names a missing folder", () => {
    expect(() => inspectCheckpoint("/nonexistent/chk")).toThrowError(expect.objectContaining({ code: "PATH_NOT_FOUND" }));
  });
});
