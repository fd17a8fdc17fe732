import { mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { EVENTS_DIR, EventLogWriter, readEventLog } from "./event-log.js";
import type { LiveQuery } from "./query-store.js";

const root = mkdtempSync(join(tmpdir(), "sluice-eventlog-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

const query = (checkpointLocation: string, runId: string): LiveQuery => ({
  id: "q1",
  runId,
  name: "n",
  isActive: true,
  status: { message: "" },
  exception: null,
  checkpointLocation,
  recentProgress: [],
  explainString: () => "plan",
});

describe("EventLogWriter", () => {
  it("keeps only the newest retainedRuns run files", () => {
    const chk = mkdtempSync(join(root, "chk-"));
    const w = new EventLogWriter(2);
    ["r1", "r2"].forEach((r, i) => {
      w.track(query(chk, r));
      const t = new Date(Date.now() - (10 - i) * 1000);
      utimesSync(join(chk, EVENTS_DIR, `${r}.jsonl`), t, t);
    });
    w.track(query(chk, "r3"));
    expect(readdirSync(join(chk, EVENTS_DIR)).sort()).toEqual(["r2.jsonl", "r3.jsonl"]);
    expect(readEventLog(chk).map((r) => [r.runId, r.explain])).toEqual([
      ["r2", "plan"],
      ["r3", "plan"],
    ]);
  });

  it("warns once and stops logging a run whose log cannot be written, without failing the query", () => {
    const chk = mkdtempSync(join(root, "chk-"));
    writeFileSync(join(chk, EVENTS_DIR), "a file where the folder should be");
    const stderr = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    const w = new EventLogWriter();
    expect(() => w.track(query(chk, "r1"))).not.toThrow();
    w.onQueryTerminated({ id: "q1", runId: "r1", exception: null, errorClassOnException: null });
    const lines = stderr.mock.calls.map((c) => String(c[0]));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^sluice: warning: progress event log of run r1 stopped: EEXIST/);
  });
});
