import { describe, expect, it } from "vitest";
import { WatermarkTracker, parseWatermarkPolicy } from "./watermark-tracker.js";

describe("WatermarkTracker", () => {
  it("is max event time minus delay, and never moves back", () => {
    const t = new WatermarkTracker("min", 1);
    expect(t.currentWatermarkMs).toBe(0);
    t.update([10_000], [5_000]);
    expect(t.currentWatermarkMs).toBe(5_000);
    t.update([7_000], [5_000]);
    expect(t.currentWatermarkMs).toBe(5_000);
    t.update([undefined], [5_000]);
    expect(t.currentWatermarkMs).toBe(5_000);
  });

  it("combines several inputs with the min policy by default, max when chosen", () => {
    const min = new WatermarkTracker("min", 2);
    min.update([20_000, undefined], [0, 0]);
    expect(min.currentWatermarkMs).toBe(0); // an input without data yet counts as 0 (as Spark)
    min.update([undefined, 30_000], [0, 10_000]);
    expect(min.currentWatermarkMs).toBe(20_000);
    min.update([40_000, 50_000], [0, 10_000]);
    expect(min.currentWatermarkMs).toBe(40_000);
    const max = new WatermarkTracker("max", 2);
    max.update([20_000, 30_000], [0, 0]);
    expect(max.currentWatermarkMs).toBe(30_000);
  });

  it("resumes per-input watermarks after a restart", () => {
    const t = new WatermarkTracker("min", 2, 20_000, [20_000, 35_000]);
    t.update([25_000, undefined], [0, 0]);
    expect(t.currentWatermarkMs).toBe(25_000);
    expect(t.operatorWatermarksMs).toEqual([25_000, 35_000]);
  });

  it("rejects an unknown policy", () => {
    expect(parseWatermarkPolicy(undefined)).toBe("min");
    expect(() => parseWatermarkPolicy("median")).toThrowError(expect.objectContaining({ code: "INVALID_CONF_VALUE" }));
  });
});
