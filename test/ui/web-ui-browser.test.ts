/**
 * The web UI's pages in real headless Chromium: the list shows the query, its statistics page draws
 * charts with the query's own numbers, shows the latest progress, plan and checkpoint, and updates
 * live as batches commit. SLUICE_UI_SCREENSHOTS=<folder> also saves screenshots there
 * (docs/ui/ holds the committed ones: `SLUICE_UI_SCREENSHOTS=docs/ui npx vitest run test/ui`).
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Session, col, functions as F, type StreamingQuery } from "../../src/index.js";
import { batchMetrics } from "../../src/streaming/progress/batch-metrics.js";
import { launchBrowser, openPage } from "./browser.js";

const screenshots = process.env.SLUICE_UI_SCREENSHOTS;
let browser: Browser;
let spark: Session;
let url: string;
let mem: ReturnType<Session["memoryStream"]>;
let q: StreamingQuery;
const t0 = Date.UTC(2026, 0, 1);
let minute = 0;

/** One batch: a few keys in the next minute, and one row far too late for the watermark. */
async function addBatch(): Promise<void> {
  const at = t0 + minute++ * 60_000;
  mem.addData([...Array.from({ length: 3 + (minute % 4) }, (_, i) => ({ k: `k${i}`, ts: new Date(at + i * 1000) })), { k: "late", ts: new Date(t0) }]);
  await q.processAllAvailable();
}

beforeAll(async () => {
  browser = await launchBrowser();
  spark = Session.builder().config("spark.sql.session.timeZone", "UTC").config("spark.ui.port", 0).getOrCreate();
  url = (await spark.uiReady())!;
  mem = spark.memoryStream("k STRING, ts TIMESTAMP");
  q = await mem.toDF().withWatermark("ts", "30 seconds").groupBy(F.window(col("ts"), "1 minute"), col("k")).count().writeStream.format("memory").queryName("window_counts").outputMode("append").start();
  for (let i = 0; i < (screenshots ? 30 : 4); i++) await addBatch();
});
afterAll(async () => {
  await browser?.close();
  await spark?.stop();
});

const shoot = async (page: Page, name: string): Promise<void> => {
  if (!screenshots) return;
  mkdirSync(screenshots, { recursive: true });
  await page.screenshot({ path: join(screenshots, name), fullPage: true });
};

/** What a chart drew: its series labels and uPlot's data arrays. */
const chart = (page: Page, name: string) =>
  page.evaluate<[], () => { labels: string[]; data: (number | null)[][] } | null>(`(() => {
    const u = window.sluiceCharts[${JSON.stringify(name)}];
    return u ? { labels: u.series.slice(1).map((s) => s.label), data: u.data.map((d) => Array.from(d)) } : null;
  })()`);
/** Wait until the page shows batch `b` as the newest. */
const shownBatch = (page: Page, b: number) => page.waitForFunction(`document.body.dataset.lastBatchId === "${b}"`);

describe("web UI in Chromium", () => {
  it("lists the running query with a link to its statistics", async () => {
    const { page, errors } = await openPage(browser, `${url}/StreamingQuery/`);
    await page.waitForSelector(`tr[data-run-id="${q.runId}"]`);
    const row = await page.$eval(`tr[data-run-id="${q.runId}"]`, (tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent));
    expect(row.slice(0, 4)).toEqual(["window_counts", "RUNNING", q.id, q.runId]);
    expect(await page.$eval("#active", (h) => h.textContent)).toBe("Active Streaming Queries (1)");
    await shoot(page, "streaming-queries.png");
    await page.click(`tr[data-run-id="${q.runId}"] a`);
    await page.waitForSelector("#facts");
    expect(new URL(page.url()).searchParams.get("id")).toBe(q.runId);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("draws the charts with the query's numbers and shows progress, plan and checkpoint", async () => {
    const { page, errors } = await openPage(browser, `${url}/StreamingQuery/statistics/?id=${q.runId}`);
    await page.waitForFunction("Object.keys(window.sluiceCharts).length >= 7");
    // The batches that ran, as the UI charts them (an idle trigger's report has no addBatch phase).
    const progress = q.recentProgress.filter((p) => p.durationMs.addBatch !== undefined);
    const metrics = progress.map((p) => batchMetrics(p));
    const xs = metrics.map((m) => m.timestampMs / 1000);

    const rates = (await chart(page, "inputRate"))!;
    expect(rates.labels).toEqual(["input rows/s", "processed rows/s"]);
    expect(rates.data).toEqual([xs, progress.map((p) => p.inputRowsPerSecond), progress.map((p) => p.processedRowsPerSecond)]);

    const durations = (await chart(page, "duration"))!;
    expect(durations.labels).toEqual(Object.keys(progress[0]!.durationMs));
    expect(durations.data[durations.labels.indexOf("triggerExecution") + 1]).toEqual(progress.map((p) => p.durationMs.triggerExecution));

    const state = (await chart(page, "stateRows"))!;
    expect(state.labels).toEqual([`0: ${progress[0]!.stateOperators[0]!.operatorName}`]);
    expect(state.data[1]).toEqual(progress.map((p) => p.stateOperators[0]!.numRowsTotal));
    expect((await chart(page, "stateMemory"))!.data[1]).toEqual(progress.map((p) => p.stateOperators[0]!.memoryUsedBytes));

    const late = (await chart(page, "lateRows"))!;
    expect(late.data[1]).toEqual(metrics.map((m) => m.lateRows));
    expect(late.data[1]!.some((n) => n! > 0)).toBe(true);
    expect((await chart(page, "watermarkDelay"))!.data[1]).toEqual(metrics.map((m) => m.watermarkDelayMs! / 1000));
    expect((await chart(page, "sourceLag"))!.data[1]).toEqual(metrics.map((m) => m.sources[0]!.lag));
    // uPlot drew into a canvas of the chart's size
    expect(await page.$$eval("#chart-inputRate canvas", (c) => c.length)).toBe(1);

    const shownProgress = JSON.parse((await page.$eval("#progress-json", (e) => e.textContent))!);
    expect(shownProgress).toEqual(JSON.parse(JSON.stringify(q.lastProgress!.toJSON())));
    expect(await page.$eval("#explain", (e) => e.textContent)).toBe(q.explainString());
    expect(await page.$eval("#checkpoint-verdict", (e) => e.textContent)).toMatch(/^Healthy: a restart resumes from batch \d+\.$/);
    expect(errors).toEqual([]);
    await shoot(page, "query-statistics.png");
    await page.close();
  });

  it("updates live as new batches commit", async () => {
    const { page } = await openPage(browser, `${url}/StreamingQuery/statistics/?id=${q.runId}&refresh=200`);
    await shownBatch(page, q.lastProgress!.batchId);
    const before = (await chart(page, "inputRate"))!.data[0]!.length;
    await addBatch();
    const newest = q.lastProgress!.batchId;
    await shownBatch(page, newest);
    await page.waitForFunction(`window.sluiceCharts.inputRate.data[0].length > ${before}`);
    expect((await chart(page, "inputRate"))!.data[1]!.at(-1)).toBe(q.lastProgress!.inputRowsPerSecond);
    await page.close();
  });
});
