import { describe, expect, it } from "vitest";
import { parseDurationMs } from "./duration.js";

describe("parseDurationMs", () => {
  it.each([
    ["10 seconds", 10_000],
    ["1 minute", 60_000],
    ["2 hours 30 minutes", 9_000_000],
    ["500 milliseconds", 500],
    ["interval 5 minutes", 300_000],
    ["1 day", 86_400_000],
    ["10s", 10_000],
    ["0 seconds", 0],
  ])("%s", (text, ms) => expect(parseDurationMs(text)).toBe(ms));

  it.each(["", "ten seconds", "5 fortnights", "5"])("rejects %j", (text) =>
    expect(() => parseDurationMs(text)).toThrowError(expect.objectContaining({ code: "INVALID_INTERVAL" })),
  );
});
