import { describe, expect, it } from "vitest";
import { SluiceError } from "../common/errors.js";
import { parseConnectionString } from "./connection-string.js";

describe("Spark Connect connection string", () => {
  it("reads host, port and every documented parameter", () => {
    const s = parseConnectionString("sc://spark.example.com:443/;token=abc;user_id=ana;user_agent=etl;session_id=0f5e7d0c-1a2b-4c3d-8e9f-001122334455");
    expect(s).toEqual({ host: "spark.example.com", port: 443, token: "abc", useSsl: true, userId: "ana", userAgent: "etl", sessionId: "0f5e7d0c-1a2b-4c3d-8e9f-001122334455" });
  });

  it("defaults: port 15002, no TLS without a token, a fresh session id each time", () => {
    const a = parseConnectionString("sc://127.0.0.1");
    const b = parseConnectionString("sc://127.0.0.1/");
    expect([a.port, a.useSsl, a.token]).toEqual([15002, false, null]);
    expect(a.sessionId).not.toBe(b.sessionId);
    expect(parseConnectionString("sc://h:1/;token=t;use_ssl=false").useSsl).toBe(false);
  });

  it.each([
    ["http://h:15002", "must start with sc://"],
    ["sc://h:15002/path", "path must be empty"],
    ["sc://h:99999", "out of range"],
    ["sc://h:1/;tokn=x", 'unknown parameter "tokn"'],
    ["sc://h:1/;use_ssl=yes", "use_ssl must be true or false"],
    ["sc://h:1/;session_id=abc", "session_id must be a UUID"],
    ["sc://h:1/;token", 'parameter "token" has no value'],
  ])("refuses %s", (url, why) => {
    let err: unknown;
    try {
      parseConnectionString(url);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SluiceError);
    expect((err as SluiceError).code).toBe("CONNECT_INVALID_URL");
    expect((err as SluiceError).message).toContain(why);
  });

  it("never repeats the token in an error", () => {
    expect(() => parseConnectionString("sc://h:1/;token=secret;bogus=1")).toThrow(/token=<redacted>/);
  });
});
