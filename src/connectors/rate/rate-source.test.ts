import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ManualClock } from "../../common/clock.js";
import { RateSource } from "./rate-source.js";

const opts = { rowsPerSecond: 1, rampUpTimeSeconds: 0, numPartitions: 1 };

describe("rate source start time", () => {
  it("keeps the start time across restarts and fails naming a damaged or lost startTime file", () => {
    const dir = mkdtempSync(join(tmpdir(), "sluice-rate-"));
    const file = join(dir, "startTime");
    new RateSource(opts, new ManualClock(1_700_000_000_000), dir);
    const restarted = new RateSource(opts, new ManualClock(1_700_000_060_000), dir);
    expect(restarted.deserializeOffset("5")).toBe(5);
    const text = readFileSync(file, "utf8");
    writeFileSync(file, text.replace("1700000000000", "1700000000"));
    expect(() => new RateSource(opts, new ManualClock(0), dir)).toThrowError(expect.objectContaining({ code: "CHECKPOINT_CORRUPT", context: { file } }));
    rmSync(file);
    const again = new RateSource(opts, new ManualClock(1_800_000_000_000), dir);
    expect(again.deserializeOffset("0")).toBe(0);
    expect(() => again.deserializeOffset("5")).toThrowError(expect.objectContaining({ code: "CHECKPOINT_LOG_GAP", context: { file } }));
  });
});
