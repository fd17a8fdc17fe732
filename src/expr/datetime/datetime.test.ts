import { describe, expect, it } from "vitest";
import { parseIntervalUs } from "./interval.js";
import { fromLocalUs, getTimeZone, toLocalUs } from "./time-zone.js";

describe("interval strings", () => {
  it("parses durations to exact microseconds", () => {
    expect(parseIntervalUs("10 minutes")).toBe(600e6);
    expect(parseIntervalUs("interval 1 hour 30 minutes")).toBe(5400e6);
    expect(parseIntervalUs("1 day")).toBe(86400e6);
    expect(parseIntervalUs("500 milliseconds")).toBe(500e3);
    expect(parseIntervalUs("0 seconds")).toBe(0);
  });
  it("rejects unknown units, months and junk", () => {
    expect(() => parseIntervalUs("5 fortnights")).toThrow(expect.objectContaining({ code: "INVALID_INTERVAL" }));
    expect(() => parseIntervalUs("2 months")).toThrow(/no fixed length/);
    expect(() => parseIntervalUs("")).toThrow(expect.objectContaining({ code: "INVALID_INTERVAL" }));
  });
});

describe("time zones", () => {
  it("UTC and fixed offsets need no lookups", () => {
    expect(getTimeZone("UTC").fixed).toBe(true);
    expect(getTimeZone("+08:00").offsetMs(0)).toBe(8 * 3600e3);
    expect(toLocalUs(getTimeZone("-05:30"), 0)).toBe(-5.5 * 3600e6);
  });
  it("region zones follow DST with java.time's gap and overlap rules", () => {
    const la = getTimeZone("America/Los_Angeles");
    expect(la.offsetMs(Date.UTC(2024, 0, 1))).toBe(-8 * 3600e3);
    expect(la.offsetMs(Date.UTC(2024, 6, 1))).toBe(-7 * 3600e3);
    const local = (h: number, mi: number, d: number, mo: number) => Date.UTC(2024, mo - 1, d, h, mi) * 1000;
    // gap: 2024-03-10 02:30 → 03:30 PDT = 10:30 UTC; overlap: 2024-11-03 01:30 → the earlier (PDT) instant 08:30 UTC
    expect(fromLocalUs(la, local(2, 30, 10, 3))).toBe(Date.UTC(2024, 2, 10, 10, 30) * 1000);
    expect(fromLocalUs(la, local(1, 30, 3, 11))).toBe(Date.UTC(2024, 10, 3, 8, 30) * 1000);
  });
  it("unknown zones fail with INVALID_TIMEZONE", () => {
    expect(() => getTimeZone("Mars/Olympus_Mons")).toThrow(expect.objectContaining({ code: "INVALID_TIMEZONE" }));
  });
});

describe("region time zones on a leap day", () => {
  it("gives the real offset on Feb 29", () => {
    // from_utc_timestamp(timestamp'2024-02-29 08:00:00', 'America/Los_Angeles') → 2024-02-29 00:00:00 (PST, -8h)
    const la = getTimeZone("America/Los_Angeles");
    expect(la.offsetMs(Date.UTC(2024, 1, 29, 8))).toBe(-8 * 3_600_000);
    expect(toLocalUs(la, Date.UTC(2024, 1, 29, 8) * 1000)).toBe(Date.UTC(2024, 1, 29) * 1000);
  });
});
