import { describe, expect, it } from "vitest";
import { demoEvent } from "./demo-events.js";

describe("demo event generator", () => {
  it("is deterministic and has the advertised mix of duplicates, late and malformed events", () => {
    const n = 100_000;
    const counts = { ok: 0, duplicate: 0, late: 0, malformed: 0 };
    for (let i = 0; i < n; i++) counts[demoEvent(i).kind]++;
    expect(demoEvent(12345)).toEqual(demoEvent(12345));
    expect(counts.duplicate / n).toBeGreaterThan(0.008);
    expect(counts.duplicate / n).toBeLessThan(0.012);
    expect(counts.late / n).toBeGreaterThan(0.02);
    expect(counts.malformed / n).toBeGreaterThan(0.003);
    for (let i = 0; i < 20_000; i++) expect(demoEvent(i).kind).not.toBe("late");
  });

  it("re-delivers an earlier event unchanged", () => {
    let i = 5;
    while (demoEvent(i).kind !== "duplicate") i++;
    const dup = demoEvent(i).fields!;
    const orig = [1, 2, 3, 4].map((k) => demoEvent(i - k)).find((e) => e.fields?.event_id === dup.event_id);
    expect(orig?.json).toBe(demoEvent(i).json);
  });

  it("malformed events are not valid JSON", () => {
    let i = 0;
    while (demoEvent(i).kind !== "malformed") i++;
    expect(() => JSON.parse(demoEvent(i).json)).toThrow();
  });
});
