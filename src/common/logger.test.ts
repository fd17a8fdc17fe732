import { afterEach, describe, expect, it } from "vitest";
import { getLogLevel, log, setLogLevel, setLogger } from "./logger.js";
import { noteOption } from "./redaction.js";

const lines: string[] = [];
const capture = { debug: (m: string) => void lines.push(`D ${m}`), info: (m: string) => void lines.push(`I ${m}`), warn: (m: string) => void lines.push(`W ${m}`), error: (m: string) => void lines.push(`E ${m}`) };
afterEach(() => {
  setLogger(null);
  setLogLevel("WARN");
  lines.length = 0;
});

describe("logger", () => {
  it("drops lines below the level (WARN by default) and sends the rest to the plugged-in logger", () => {
    setLogger(capture);
    expect(getLogLevel()).toBe("WARN");
    log.info("hidden");
    log.warn("shown");
    setLogLevel("debug");
    log.debug("dbg");
    setLogLevel("OFF");
    log.error("never");
    expect(lines).toEqual(["W shown", "D dbg"]);
  });
  it("warnOnce says a warning once per key; secrets are redacted", () => {
    setLogger(capture);
    noteOption("password", "hunter2-secret");
    for (let i = 0; i < 3; i++) log.warnOnce("q1|unbounded", "state grows without bound");
    log.warnOnce("q2|unbounded", "state grows without bound");
    log.warn("login with hunter2-secret failed");
    expect(lines).toEqual(["W state grows without bound", "W state grows without bound", "W login with *********(redacted) failed"]);
  });
  it("refuses an unknown level, naming the choices", () => {
    expect(() => setLogLevel("LOUD")).toThrow(expect.objectContaining({ code: "INVALID_LOG_LEVEL", message: expect.stringContaining("ALL, TRACE, DEBUG, INFO, WARN, ERROR, FATAL, OFF") }));
  });
});
