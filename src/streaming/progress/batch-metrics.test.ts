import { describe, expect, it } from "vitest";
import type { SourceProgress, StreamingQueryProgressData } from "../../dataframe/streaming-query-types.js";
import { batchMetrics, sourceLag } from "./batch-metrics.js";

const source = (startOffset: SourceProgress["startOffset"], endOffset: SourceProgress["endOffset"], latestOffset: SourceProgress["latestOffset"], metrics: Record<string, string> = {}): SourceProgress => ({
  description: "s",
  startOffset,
  endOffset,
  latestOffset,
  numInputRows: 0,
  inputRowsPerSecond: 0,
  processedRowsPerSecond: 0,
  metrics,
});

describe("sourceLag", () => {
  it("is latest minus end for numeric offsets, summed over the places both hold numbers", () => {
    expect(sourceLag(source(3, 5, 9))).toBe(4);
    expect(sourceLag(source(null, { logOffset: 2 }, { logOffset: 7 }))).toBe(5);
    // Kafka's {topic: {partition: offset}}: a partition only the latest offset has is not counted
    expect(sourceLag(source(null, { t: { "0": 10, "1": 4 } }, { t: { "0": 15, "1": 4, "2": 8 } }))).toBe(5);
    expect(sourceLag(source(0, 5, 5))).toBe(0);
  });
  it("prefers the source's own maxOffsetsBehindLatest metric (Kafka)", () => {
    expect(sourceLag(source(null, { t: { "0": 1 } }, { t: { "0": 9 } }, { maxOffsetsBehindLatest: "42" }))).toBe(42);
  });
  it("is null when the offsets hold nothing comparable", () => {
    expect(sourceLag(source(null, "v1", "v2"))).toBeNull();
    expect(sourceLag(source(null, null, 3))).toBeNull();
    expect(sourceLag(source(null, [1], { a: 1 }))).toBeNull();
  });
});

describe("batchMetrics", () => {
  const p: StreamingQueryProgressData = {
    id: "q",
    runId: "r",
    name: null,
    timestamp: "2026-01-01T00:01:00.000Z",
    batchId: 4,
    batchDuration: 120,
    numInputRows: 10,
    inputRowsPerSecond: 5,
    processedRowsPerSecond: 80,
    durationMs: { addBatch: 100, triggerExecution: 120 },
    eventTime: { watermark: "2026-01-01T00:00:30.000Z" },
    stateOperators: [
      { operatorName: "dedupe", numRowsTotal: 7, numRowsUpdated: 1, numRowsRemoved: 0, allUpdatesTimeMs: 0, allRemovalsTimeMs: 0, commitTimeMs: 0, memoryUsedBytes: 700, numRowsDroppedByWatermark: 2, numShufflePartitions: 1, numStateStoreInstances: 1, customMetrics: {} },
      { operatorName: "stateStoreSave", numRowsTotal: 3, numRowsUpdated: 1, numRowsRemoved: 0, allUpdatesTimeMs: 0, allRemovalsTimeMs: 0, commitTimeMs: 0, memoryUsedBytes: 300, numRowsDroppedByWatermark: 1, numShufflePartitions: 1, numStateStoreInstances: 1, customMetrics: {} },
    ],
    sources: [source(1, 11, 20)],
    sink: { description: "memory", numOutputRows: 6, metrics: {} },
    observedMetrics: {},
  };
  it("derives watermark delay, late rows and their ratio, state totals and lag from one report", () => {
    expect(batchMetrics(p)).toEqual({
      timestampMs: Date.parse("2026-01-01T00:01:00.000Z"),
      batchId: 4,
      numInputRows: 10,
      inputRowsPerSecond: 5,
      processedRowsPerSecond: 80,
      batchDurationMs: 120,
      durationMs: { addBatch: 100, triggerExecution: 120 },
      watermarkMs: Date.parse("2026-01-01T00:00:30.000Z"),
      watermarkDelayMs: 30_000,
      lateRows: 3,
      lateRowRatio: 0.3,
      stateRows: 10,
      stateOperators: [
        { name: "dedupe", rows: 7, memoryBytes: 700 },
        { name: "stateStoreSave", rows: 3, memoryBytes: 300 },
      ],
      sources: [{ description: "s", lag: 9 }],
      numOutputRows: 6,
    });
  });
  it("has no watermark values without a watermark, and a 0 ratio without input", () => {
    const m = batchMetrics({ ...p, eventTime: {}, numInputRows: 0 });
    expect([m.watermarkMs, m.watermarkDelayMs, m.lateRowRatio]).toEqual([null, null, 0]);
  });
});
