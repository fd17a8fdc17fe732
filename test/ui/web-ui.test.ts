/**
 * The session's web UI over real HTTP: binding (Spark's next-free-port rule), the JSON the pages
 * draw from (equal to the queries' own progress), /metrics (equal to the progress objects) and
 * alerts. The pages themselves are tested in Chromium (web-ui-browser.test.ts).
 */
import { mkdtempSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Session, col, functions as F, type QueryAlertEvent, type StreamingQuery } from "../../src/index.js";
import { batchMetrics } from "../../src/streaming/progress/batch-metrics.js";
import type { StreamingQueryProgress } from "../../src/dataframe/streaming-query-types.js";

/** The reports of batches that ran (an idle trigger's report, Spark's, has no addBatch duration). */
const ranBatches = (q: { recentProgress: readonly StreamingQueryProgress[] }): StreamingQueryProgress[] => q.recentProgress.filter((p) => p.durationMs.addBatch !== undefined);

let spark: Session | undefined;
afterEach(async () => {
  await spark?.stop();
  spark = undefined;
  vi.restoreAllMocks();
});

function session(conf: Record<string, string | number | boolean> = {}): Session {
  let b = Session.builder().config("spark.sql.session.timeZone", "UTC").config("spark.ui.port", 0);
  for (const [k, v] of Object.entries(conf)) b = b.config(k, v);
  spark = b.getOrCreate();
  return spark;
}

/** A windowed count with a watermark, fed three batches (the second has a late row). */
async function windowedQuery(s: Session): Promise<StreamingQuery> {
  const mem = s.memoryStream("k STRING, ts TIMESTAMP");
  const q = await mem
    .toDF()
    .withWatermark("ts", "10 seconds")
    .groupBy(F.window(col("ts"), "5 seconds"), col("k"))
    .count()
    .writeStream.format("memory")
    .queryName("counts")
    .outputMode("append")
    .start();
  const t0 = Date.UTC(2026, 0, 1);
  for (const rows of [
    [{ k: "a", ts: new Date(t0) }, { k: "b", ts: new Date(t0 + 60_000) }],
    [{ k: "a", ts: new Date(t0 + 1000) }, { k: "c", ts: new Date(t0 + 61_000) }],
    [{ k: "d", ts: new Date(t0 + 120_000) }],
  ]) {
    mem.addData(rows);
    await q.processAllAvailable();
  }
  return q;
}

const getJson = async (url: string): Promise<any> => {
  const res = await fetch(url);
  expect(res.status, url).toBe(200);
  return res.json();
};

describe("web UI server", () => {
  it("is on by default, prints and exposes its address, and closes on stop()", async () => {
    const stderr = vi.spyOn(process.stderr, "write");
    const s = session();
    const url = await s.uiReady();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(s.uiWebUrl).toBe(url);
    expect(stderr.mock.calls.map((c) => String(c[0]))).toContain(`sluice: web UI at ${url}\n`);
    const page = await fetch(`${url}/StreamingQuery/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("/static/uPlot.iife.min.js");
    expect((await fetch(`${url}/static/uPlot.iife.min.js`)).status).toBe(200);
    expect((await fetch(`${url}/nope`)).status).toBe(404);
    await s.stop();
    spark = undefined;
    expect(s.uiWebUrl).toBeNull();
    await expect(fetch(`${url}/api/queries`)).rejects.toThrow();
  });

  it("takes the next port when spark.ui.port is in use, as Spark", async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, "127.0.0.1", r));
    const taken = (blocker.address() as AddressInfo).port;
    try {
      const url = await session({ "spark.ui.port": taken }).uiReady();
      expect(Number(new URL(url!).port)).toBeGreaterThan(taken);
    } finally {
      blocker.close();
    }
  });

  it("warns and runs without a UI when no port in the range is free", async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, "127.0.0.1", r));
    const taken = (blocker.address() as AddressInfo).port;
    const stderr = vi.spyOn(process.stderr, "write");
    try {
      const s = session({ "spark.ui.port": taken, "spark.port.maxRetries": 0 });
      expect(await s.uiReady()).toBeNull();
      expect(stderr.mock.calls.map((c) => String(c[0])).join("")).toMatch(/warning: web UI not started: .*UI_BIND_FAILED|Could not bind the web UI to 127\.0\.0\.1 on ports/);
      await expect(s.range(3).collect()).resolves.toHaveLength(3);
    } finally {
      blocker.close();
    }
  });

  it("is off with spark.ui.enabled=false", async () => {
    const s = session({ "spark.ui.enabled": false });
    expect(await s.uiReady()).toBeNull();
    expect(s.uiWebUrl).toBeNull();
  });

  it("refuses bad UI settings by name", () => {
    expect(() => session({ "spark.ui.port": 70000 })).toThrow(/Invalid value '70000' for spark.ui.port: expected a port number/);
    expect(() => session({ "spark.ui.enabled": "yes" })).toThrow(/spark.ui.enabled: expected true or false/);
  });
});

describe("web UI data", () => {
  it("lists the query and serves its progress, metrics, plan and checkpoint as the query reports them", async () => {
    const s = session();
    const url = await s.uiReady();
    const q = await windowedQuery(s);
    const list = await getJson(`${url}/api/queries`);
    expect(list).toEqual([expect.objectContaining({ id: q.id, runId: q.runId, name: "counts", state: "RUNNING", lastBatchId: q.lastProgress!.batchId })]);

    const d = await getJson(`${url}/api/queries/${q.runId}`);
    expect(d.lastProgress).toEqual(JSON.parse(JSON.stringify(q.lastProgress!.toJSON())));
    expect(d.metrics).toEqual(ranBatches(q).map((p) => batchMetrics(p)));
    expect(d.metrics.some((m: { lateRows: number }) => m.lateRows > 0)).toBe(true);
    expect(d.metrics.at(-1).watermarkMs).toBe(Date.parse(q.lastProgress!.eventTime.watermark!));
    expect(d.explain).toBe(q.explainString());
    expect(d.checkpoint).toMatchObject({ queryId: q.id, lastCommittedBatchId: q.lastProgress!.batchId, uncommittedBatchId: null, problems: [] });
    expect((await getJson(`${url}/api/queries/${q.id}`)).runId).toBe(q.runId); // by query id: its newest run
    expect((await fetch(`${url}/api/queries/no-such-run`)).status).toBe(404);

    await q.stop();
    const after = await getJson(`${url}/api/queries`);
    expect(after[0]).toMatchObject({ runId: q.runId, state: "FINISHED", exception: null });
    expect(after[0].endedAt).not.toBeNull();
    expect((await getJson(`${url}/api/queries/${q.runId}`)).explain).toBe(q.explainString());
  });
});

describe("web UI of a failed query", () => {
  it("lists it as FAILED with its error", async () => {
    const s = session();
    const url = await s.uiReady();
    const mem = s.memoryStream("k STRING");
    const q = await mem
      .toDF()
      .writeStream.foreachBatch(() => {
        throw new Error("sink exploded");
      })
      .option("checkpointLocation", mkdtempSync(join(tmpdir(), "sluice-ui-failed-")))
      .start();
    mem.addData([{ k: "a" }]);
    await expect(q.awaitTermination()).rejects.toThrow(/sink exploded/);
    await s.streams.bus.drain();
    const [row] = await getJson(`${url}/api/queries`);
    expect(row).toMatchObject({ runId: q.runId, state: "FAILED", exception: q.exception!.message });
    expect(row.exception).toContain("sink exploded");
  });
});

describe("web UI retention", () => {
  it("keeps spark.sql.streaming.ui.retainedQueries finished queries and retainedProgressUpdates reports each", async () => {
    const s = session({ "spark.sql.streaming.ui.retainedQueries": 1, "spark.sql.streaming.ui.retainedProgressUpdates": 2 });
    const url = await s.uiReady();
    const first = await windowedQuery(s);
    await first.stop();
    const second = await windowedQuery(s);
    await second.stop();
    const list = await getJson(`${url}/api/queries`);
    expect(list.map((q: { runId: string }) => q.runId)).toEqual([second.runId]);
    const d = await getJson(`${url}/api/queries/${second.runId}`);
    expect(d.metrics.map((m: { batchId: number }) => m.batchId)).toEqual(second.recentProgress.slice(-2).map((p) => p.batchId));
  });
});

describe("Prometheus /metrics", () => {
  const value = (text: string, name: string, labels: Record<string, string> = {}): number | undefined => {
    const line = text.split("\n").find((l) => l.startsWith(name + "{") && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)));
    return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(" ") + 1));
  };

  it("is 404 unless spark.ui.prometheus.enabled", async () => {
    const url = await session().uiReady();
    expect((await fetch(`${url}/metrics`)).status).toBe(404);
  });

  it("serves each query's newest progress and sums over its batches, equal to the progress objects", async () => {
    const s = session({ "spark.ui.prometheus.enabled": true });
    const url = await s.uiReady();
    const q = await windowedQuery(s);
    const res = await fetch(`${url}/metrics`);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain/);
    const text = await res.text();
    const p = q.lastProgress!;
    const id = { query_id: q.id, run_id: q.runId, query_name: "counts" };
    expect(value(text, "sluice_streaming_query_active", id)).toBe(1);
    expect(value(text, "sluice_streaming_batch_id", id)).toBe(p.batchId);
    expect(value(text, "sluice_streaming_num_input_rows", id)).toBe(p.numInputRows);
    expect(value(text, "sluice_streaming_input_rows_per_second", id)).toBeCloseTo(p.inputRowsPerSecond, 6);
    expect(value(text, "sluice_streaming_processed_rows_per_second", id)).toBeCloseTo(p.processedRowsPerSecond, 6);
    expect(value(text, "sluice_streaming_batch_duration_ms", id)).toBe(p.batchDuration);
    for (const [phase, ms] of Object.entries(p.durationMs)) expect(value(text, "sluice_streaming_duration_ms", { ...id, phase })).toBe(ms);
    expect(value(text, "sluice_streaming_event_time_watermark_ms", id)).toBe(Date.parse(p.eventTime.watermark!));
    const op = { ...id, operator: `0:${p.stateOperators[0]!.operatorName}` };
    expect(value(text, "sluice_streaming_state_num_rows_total", op)).toBe(p.stateOperators[0]!.numRowsTotal);
    expect(value(text, "sluice_streaming_state_memory_used_bytes", op)).toBe(p.stateOperators[0]!.memoryUsedBytes);
    expect(value(text, "sluice_streaming_source_num_input_rows", { ...id, source: `0:${p.sources[0]!.description}` })).toBe(p.sources[0]!.numInputRows);
    expect(value(text, "sluice_streaming_sink_num_output_rows", id)).toBe(p.sink.numOutputRows);
    const all = ranBatches(q);
    expect(value(text, "sluice_streaming_batches_total", id)).toBe(all.length);
    expect(value(text, "sluice_streaming_input_rows_total", id)).toBe(all.reduce((n, x) => n + x.numInputRows, 0));
    expect(value(text, "sluice_streaming_output_rows_total", id)).toBe(all.reduce((n, x) => n + x.sink.numOutputRows, 0));
    const late = all.reduce((n, x) => n + x.stateOperators.reduce((m, o) => m + o.numRowsDroppedByWatermark, 0), 0);
    expect(late).toBeGreaterThan(0);
    expect(value(text, "sluice_streaming_late_rows_total", id)).toBe(late);
  });
});

describe("alerts", () => {
  it("raise onQueryAlert and a log line for each threshold a batch exceeds", async () => {
    const stderr = vi.spyOn(process.stderr, "write");
    const s = session({ "sluice.streaming.alert.stateRows": 2, "sluice.streaming.alert.watermarkDelay": "1 hour", "sluice.streaming.alert.lateRowRatio": 0.1 });
    const alerts: QueryAlertEvent[] = [];
    s.streams.addListener({ onQueryAlert: (e) => void alerts.push(e) });
    const q = await windowedQuery(s);
    await s.streams.bus.drain();
    const stateRows = (b: number) => ranBatches(q).find((p) => p.batchId === b)!.stateOperators[0]!.numRowsTotal;
    const byMetric = (m: string) => alerts.filter((a) => a.metric === m);
    expect(byMetric("stateRows").length).toBeGreaterThan(0);
    for (const a of byMetric("stateRows")) expect(a).toMatchObject({ id: q.id, runId: q.runId, name: "counts", threshold: 2, value: stateRows(a.batchId) });
    expect(ranBatches(q).filter((p) => p.stateOperators[0]!.numRowsTotal > 2).map((p) => p.batchId)).toEqual(byMetric("stateRows").map((a) => a.batchId));
    // Event times of 2026-01-01 trail today's clock by far more than an hour.
    expect(byMetric("watermarkDelay").length).toBe(ranBatches(q).length);
    const lateBatch = ranBatches(q).find((p) => p.stateOperators[0]!.numRowsDroppedByWatermark > 0)!;
    expect(byMetric("lateRowRatio")).toEqual([expect.objectContaining({ batchId: lateBatch.batchId, value: lateBatch.stateOperators[0]!.numRowsDroppedByWatermark / lateBatch.numInputRows })]);
    const lines = stderr.mock.calls.map((c) => String(c[0])).filter((l) => l.startsWith("sluice: warning: alert: "));
    expect(lines).toHaveLength(alerts.length);
    expect(lines[0]).toContain(`query counts [id = ${q.id}]`);
    expect(lines.some((l) => /rows in state \d+ rows exceeds the threshold 2 rows \(sluice\.streaming\.alert\.stateRows\)/.test(l))).toBe(true);
    const url = await s.uiReady();
    expect((await getJson(`${url}/api/queries/${q.runId}`)).alertEvents).toHaveLength(alerts.length);
  });

  it("raise nothing without thresholds", async () => {
    const s = session();
    const alerts: QueryAlertEvent[] = [];
    s.streams.addListener({ onQueryAlert: (e) => void alerts.push(e) });
    await windowedQuery(s);
    await s.streams.bus.drain();
    expect(alerts).toEqual([]);
  });

  it("refuse a threshold that is not one, naming the key", () => {
    expect(() => session({ "sluice.streaming.alert.batchDuration": "soon" })).toThrow(/Invalid value 'soon' for sluice.streaming.alert.batchDuration: expected a duration/);
    expect(() => session({ "sluice.streaming.alert.lateRowRatio": 2 })).toThrow(/lateRowRatio: expected a ratio from 0 to 1/);
    expect(() => session({ "sluice.streaming.alert.stateRows": -1 })).toThrow(/stateRows: expected a non-negative number/);
  });
});
