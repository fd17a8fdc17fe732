import { describe, expect, it } from "vitest";
import { SluiceError } from "./errors.js";
import { parseIntervalMs } from "./duration.js";

describe("parseIntervalMs", () => {
  it("parses Spark interval strings", () => {
    expect(parseIntervalMs("10 minutes")).toBe(600_000);
    expect(parseIntervalMs("1 minute")).toBe(60_000);
    expect(parseIntervalMs("interval 5 seconds")).toBe(5_000);
    expect(parseIntervalMs("INTERVAL '2' HOURS")).toBe(7_200_000);
    expect(parseIntervalMs("1 hour 30 minutes")).toBe(5_400_000);
    expect(parseIntervalMs("500 milliseconds")).toBe(500);
    expect(parseIntervalMs("2 days")).toBe(172_800_000);
    expect(parseIntervalMs("1 week")).toBe(604_800_000);
    expect(parseIntervalMs("10s")).toBe(10_000);
    expect(parseIntervalMs("1.5 hours")).toBe(5_400_000);
    expect(parseIntervalMs("0 seconds")).toBe(0);
    expect(parseIntervalMs("-5 seconds")).toBe(-5_000);
  });

  it.each(["", "ten minutes", "10", "10 fortnights", "interval"])("rejects %j with INVALID_INTERVAL", (text) => {
    let e: unknown;
    try {
      parseIntervalMs(text);
    } catch (x) {
      e = x;
    }
    expect(e).toBeInstanceOf(SluiceError);
    expect((e as SluiceError).code).toBe("INVALID_INTERVAL");
    expect((e as SluiceError).kind).toBe("parse");
  });
});
