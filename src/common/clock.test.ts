import { getEventListeners } from "node:events";
import { describe, expect, it } from "vitest";
import { ManualClock, SystemClock } from "./clock.js";

describe("Clock.waitUntil", () => {
  it("leaves no abort listener behind once a wait ends by time (a processingTime trigger waits once per interval)", async () => {
    const signal = new AbortController().signal;
    const system = new SystemClock();
    for (let i = 0; i < 20; i++) await system.waitUntil(Date.now() + 1, signal);
    expect(getEventListeners(signal, "abort")).toHaveLength(0);
    const manual = new ManualClock(0);
    for (let i = 1; i <= 20; i++) {
      const w = manual.waitUntil(i, signal);
      manual.advance(1);
      await w;
    }
    expect(getEventListeners(signal, "abort")).toHaveLength(0);
  });

  it("ends a wait at once when the signal aborts", async () => {
    const ac = new AbortController();
    const manual = new ManualClock(0);
    const w = manual.waitUntil(1_000, ac.signal);
    ac.abort();
    await w;
    expect(manual.isWaiting).toBe(false);
    await new SystemClock().waitUntil(Date.now() + 60_000, ac.signal); // would time the test out if it waited
  });
});
