import { availableParallelism } from "node:os";
import { describe, expect, it } from "vitest";
import { parseMaster, streamingStateThreads } from "./runtime-config.js";

describe("streamingStateThreads: where a streaming query's state lives", () => {
  it("takes an explicit local[N] as asked, on any machine", () => {
    expect(streamingStateThreads("local[2]")).toBe(2);
    expect(streamingStateThreads("local[3]")).toBe(3);
    expect(streamingStateThreads("local")).toBe(1);
    expect(streamingStateThreads("local[1]")).toBe(1);
  });

  it("keeps the default local[*]'s state on the main thread on 2 cores or fewer, else every core", () => {
    const cores = availableParallelism();
    expect(parseMaster("local[*]")).toBe(cores);
    expect(streamingStateThreads("local[*]")).toBe(cores <= 2 ? 1 : cores);
    expect(streamingStateThreads(" local[*] ")).toBe(cores <= 2 ? 1 : cores);
  });
});
