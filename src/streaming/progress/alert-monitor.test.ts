import { describe, expect, it } from "vitest";
import type { QueryAlertEvent } from "../../dataframe/streaming-query-types.js";
import { AlertMonitor, alertThresholds, parseThreshold } from "./alert-monitor.js";
import { ListenerBus } from "./listener-bus.js";
import { StreamingQueryProgress } from "./progress.js";

const progress = (batchDuration: number, latestOffset: number) =>
  new StreamingQueryProgress({
    id: "q",
    runId: "r",
    name: "orders",
    timestamp: "2026-01-01T00:00:00.000Z",
    batchId: 7,
    batchDuration,
    numInputRows: 5,
    inputRowsPerSecond: 0,
    processedRowsPerSecond: 0,
    durationMs: { triggerExecution: batchDuration },
    eventTime: {},
    stateOperators: [],
    sources: [{ description: "Kafka[t]", startOffset: null, endOffset: { t: { "0": 10 } }, latestOffset: { t: { "0": latestOffset } }, numInputRows: 5, inputRowsPerSecond: 0, processedRowsPerSecond: 0, metrics: {} }],
    sink: { description: "memory", numOutputRows: 0, metrics: {} },
    observedMetrics: {},
  });

async function alertsFor(conf: Record<string, string>, p: StreamingQueryProgress): Promise<{ alerts: QueryAlertEvent[]; lines: string[] }> {
  const bus = new ListenerBus();
  const alerts: QueryAlertEvent[] = [];
  const lines: string[] = [];
  bus.add(new AlertMonitor(bus, () => alertThresholds((k) => conf[k]), (l) => lines.push(l)));
  bus.add({ onQueryAlert: (e) => void alerts.push(e) });
  bus.post("onQueryProgress", { progress: p });
  await bus.drain();
  await bus.drain(); // the alert is posted while the progress event is delivered
  return { alerts, lines };
}

describe("AlertMonitor", () => {
  it("alerts on batch duration (a duration string) and per-source lag", async () => {
    const conf = { "sluice.streaming.alert.batchDuration": "30 seconds", "sluice.streaming.alert.sourceLag": "100" };
    const { alerts, lines } = await alertsFor(conf, progress(31_250, 500));
    expect(alerts).toEqual([
      expect.objectContaining({ metric: "batchDuration", value: 31_250, threshold: 30_000, batchId: 7, source: null }),
      expect.objectContaining({ metric: "sourceLag", value: 490, threshold: 100, source: "Kafka[t]" }),
    ]);
    expect(lines[0]).toBe("alert: query orders [id = q] batch 7: batch duration 31250 ms exceeds the threshold 30000 ms (sluice.streaming.alert.batchDuration)");
    expect(lines[1]).toContain("lag of source Kafka[t] 490 offsets exceeds the threshold 100 offsets");
  });

  it("is silent at or below the thresholds", async () => {
    const { alerts, lines } = await alertsFor({ "sluice.streaming.alert.batchDuration": "31250", "sluice.streaming.alert.sourceLag": "490" }, progress(31_250, 500));
    expect([alerts, lines]).toEqual([[], []]);
  });
});

describe("parseThreshold", () => {
  it("takes numbers, durations for time metrics, and names what it expected otherwise", () => {
    expect(parseThreshold("batchDuration", "1 minute")).toBe(60_000);
    expect(parseThreshold("watermarkDelay", "1500")).toBe(1500);
    expect(parseThreshold("stateRows", "1 minute")).toBe("expected a non-negative number");
    expect(parseThreshold("lateRowRatio", "1.5")).toBe("expected a ratio from 0 to 1");
    expect(parseThreshold("batchDuration", "later")).toMatch(/expected a duration/);
  });
});
