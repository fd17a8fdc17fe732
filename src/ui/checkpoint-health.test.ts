import { mkdtempSync, readdirSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { Session, col } from "../index.js";
import { checkpointHealth } from "./checkpoint-health.js";

const root = mkdtempSync(join(tmpdir(), "sluice-health-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let chk: string;
/** A real checkpoint: a keyed count over four batches (state versions 1..4). */
beforeEach(async () => {
  chk = mkdtempSync(join(root, "chk-"));
  // one state partition: the checks are about the logs and versions, not the layout (32 by default)
  const spark = Session.builder().config("spark.ui.enabled", false).config("spark.sql.shuffle.partitions", 1).getOrCreate();
  const mem = spark.memoryStream("k STRING");
  const q = await mem.toDF().groupBy(col("k")).count().writeStream.format("memory").queryName(`health_${readdirSync(root).length}`).outputMode("complete").option("checkpointLocation", chk).start();
  for (const k of ["a", "b", "c", "d"]) {
    mem.addData([{ k }]);
    await q.processAllAvailable();
  }
  await q.stop();
  await spark.stop();
});

describe("checkpointHealth", () => {
  it("is healthy after a clean stop", () => {
    const h = checkpointHealth(chk, false);
    expect(h).toMatchObject({ firstBatchId: 0, lastBatchId: 3, lastCommittedBatchId: 3, uncommittedBatchId: null, tempFiles: 0, problems: [] });
    expect(h.stateStores).toEqual([{ store: "0/0", latestVersion: 4, snapshots: 0 }]);
    expect(h.sizeBytes).toBeGreaterThan(0);
  });

  it("reports a gap in the offsets log, a missing state version and temp files", () => {
    unlinkSync(join(chk, "offsets", "1"));
    unlinkSync(join(chk, "state", "0", "0", "3.delta"));
    writeFileSync(join(chk, "commits", ".2.0b2f7a8e-1c2d-4e5f-8a9b-0c1d2e3f4a5b.tmp"), "half");
    const h = checkpointHealth(chk, false);
    expect(h.problems).toEqual([
      "offsets log has a gap: batch 1 is missing",
      "state store 0/0 lacks version 3 (between 1 and 4)",
      "1 temp file(s) of interrupted writes (removed at the next start)",
    ]);
    expect(h.tempFiles).toBe(1);
  });

  it("counts an uncommitted last batch as a problem only when the query is not running", () => {
    unlinkSync(join(chk, "commits", "3"));
    expect(checkpointHealth(chk, false).problems).toEqual(["batch 3 is not committed: it re-runs on restart"]);
    expect(checkpointHealth(chk, true)).toMatchObject({ uncommittedBatchId: 3, problems: [] });
  });

  it("reports a folder that is not there", () => {
    expect(checkpointHealth(join(root, "gone"), false).problems).toEqual([`No checkpoint at ${join(root, "gone")}: the folder does not exist`]);
  });
});
