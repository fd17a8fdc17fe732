import { availableParallelism } from "node:os";
import { describe, expect, it } from "vitest";
import { RuntimeConfig, parseMaster, exchangeThreads } from "./runtime-config.js";

describe("exchangeThreads: where a streaming query's state lives", () => {
  it("takes an explicit local[N] as asked, on any machine", () => {
    expect(exchangeThreads("local[2]")).toBe(2);
    expect(exchangeThreads("local[3]")).toBe(3);
    expect(exchangeThreads("local")).toBe(1);
    expect(exchangeThreads("local[1]")).toBe(1);
  });

  it("keeps the default local[*]'s state on the main thread on 2 cores or fewer, else every core", () => {
    const cores = availableParallelism();
    expect(parseMaster("local[*]")).toBe(cores);
    expect(exchangeThreads("local[*]")).toBe(cores <= 2 ? 1 : cores);
    expect(exchangeThreads(" local[*] ")).toBe(cores <= 2 ? 1 : cores);
  });
});

describe("state format confs", () => {
  it("default to binary keys and gzip files, and refuse what Sluice cannot write, saying what it can", () => {
    const conf = new RuntimeConfig();
    expect(conf.get("sluice.streaming.stateStore.keyFormat")).toBe("binary");
    expect(conf.get("spark.sql.streaming.stateStore.compression.codec")).toBe("gzip");
    conf.set("spark.sql.streaming.stateStore.compression.codec", "none");
    conf.set("sluice.streaming.stateStore.keyFormat", "json");
    expect(() => conf.set("spark.sql.streaming.stateStore.compression.codec", "lz4")).toThrowError(
      expect.objectContaining({ code: "INVALID_CONF_VALUE", message: expect.stringContaining("expected gzip or none (Sluice compresses state files with Node's zlib; Spark's lz4") }),
    );
    expect(() => conf.set("sluice.streaming.stateStore.keyFormat", "avro")).toThrowError(expect.objectContaining({ code: "INVALID_CONF_VALUE", message: expect.stringContaining("expected binary or json") }));
  });
});
