import { cpSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadSnapshot } from "./snapshot.js";
import { errorOf } from "./test-helpers.js";

const GOLDEN = join(import.meta.dirname, "..", "..", "..", "shared", "delta-golden");

/** A copy of a golden V2-checkpoint table whose commits before the checkpoint (version 2) are gone. */
function withoutEarlyCommits(table: string): string {
  const dir = join(mkdtempSync(join(tmpdir(), "sluice-v2cp-")), table);
  cpSync(join(GOLDEN, table), dir, { recursive: true, preserveTimestamps: true });
  for (const v of [0, 1]) rmSync(join(dir, "_delta_log", `${String(v).padStart(20, "0")}.json`));
  return dir;
}

describe("V2 checkpoints", () => {
  for (const table of ["v2-checkpoint-json", "v2-checkpoint-parquet"]) {
    it(`${table}: the snapshot comes from the UUID-named checkpoint and its sidecars alone`, async () => {
      const dir = withoutEarlyCommits(table);
      const snap = await loadSnapshot(dir);
      expect(snap.version).toBe(2);
      expect(snap.protocol.readerFeatures).toContain("v2Checkpoint");
      expect(snap.files.length).toBeGreaterThan(0); // the adds live in the sidecar files
      expect(snap.schema.fieldNames).toEqual(["id"]);
    });

    it(`${table}: a missing sidecar makes the checkpoint unusable, and without older commits the error names the gap`, async () => {
      const dir = withoutEarlyCommits(table);
      const sidecars = join(dir, "_delta_log", "_sidecars");
      rmSync(join(sidecars, readdirSync(sidecars).find((n) => n.endsWith(".parquet"))!));
      const e = await errorOf(() => loadSnapshot(dir));
      expect(e.code).toBe("DELTA_VERSIONS_NOT_CONTIGUOUS");
      expect(e.message).toContain("commit 0 is missing");
    });
  }
});
