import { describe, expect, it } from "vitest";
import { RpcError } from "./grpc-transport.js";
import { backoffMs, isTransient, withRetries } from "./retry-policy.js";

const fast = { maxRetries: 3, initialBackoffMs: 1, multiplier: 2, maxBackoffMs: 4 };

describe("retry policy", () => {
  it("retries UNAVAILABLE and a lost cursor, nothing else", () => {
    expect(isTransient(new RpcError({ code: 14, details: "Connection dropped" }))).toBe(true);
    expect(isTransient(new RpcError({ code: 13, details: "[INVALID_CURSOR.DISCONNECTED] The cursor is disconnected" }))).toBe(true);
    expect(isTransient(new RpcError({ code: 13, details: "[INTERNAL_ERROR] boom" }))).toBe(false);
    expect(isTransient(new RpcError({ code: 3, details: "bad plan" }))).toBe(false);
    expect(isTransient(new Error("not an RPC failure"))).toBe(false);
  });

  it("backs off 50 ms × 4ⁿ, capped at 60 s, with at most 500 ms jitter past 2 s", () => {
    expect([0, 1, 2].map((n) => backoffMs(n))).toEqual([50, 200, 800]);
    const third = backoffMs(3);
    expect(third).toBeGreaterThanOrEqual(3200);
    expect(third).toBeLessThanOrEqual(3700);
    expect(backoffMs(20)).toBeGreaterThanOrEqual(60_000);
    expect(backoffMs(20)).toBeLessThanOrEqual(60_500);
  });

  it("withRetries returns once a transient failure clears, and gives up after maxRetries", async () => {
    let calls = 0;
    const flaky = async (): Promise<string> => {
      if (++calls < 3) throw new RpcError({ code: 14, details: "unavailable" });
      return "ok";
    };
    expect(await withRetries(flaky, isTransient, fast)).toBe("ok");
    expect(calls).toBe(3);
    calls = 0;
    const down = async (): Promise<never> => {
      calls++;
      throw new RpcError({ code: 14, details: "unavailable" });
    };
    await expect(withRetries(down, isTransient, fast)).rejects.toThrow("unavailable");
    expect(calls).toBe(fast.maxRetries + 1);
  });

  it("withRetries does not retry a permanent failure", async () => {
    let calls = 0;
    const bad = async (): Promise<never> => {
      calls++;
      throw new RpcError({ code: 3, details: "invalid" });
    };
    await expect(withRetries(bad, isTransient, fast)).rejects.toThrow("invalid");
    expect(calls).toBe(1);
  });
});
