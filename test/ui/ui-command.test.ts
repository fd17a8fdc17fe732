/**
 * `sluice ui CHECKPOINT_DIR...` as a user runs it (a real process): stopped queries' pages come
 * from their checkpoints and progress event logs, in Chromium too; bad folders are errors.
 */
import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from "node:child_process";
import { appendFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Session, col, functions as F, type StreamingQueryProgressData } from "../../src/index.js";
import { recordsFromCheckpoints, serveCheckpoints } from "../../src/cli/ui-command.js";
import { launchBrowser, openPage } from "./browser.js";

const root = resolve(import.meta.dirname, "../..");
const work = mkdtempSync(join(tmpdir(), "sluice-ui-cli-"));
const logged = join(work, "logged");
const unlogged = join(work, "unlogged");
const runs: { runId: string; progress: StreamingQueryProgressData[]; explain: string }[] = [];
const children: ChildProcessWithoutNullStreams[] = [];
const getJson = async (url: string): Promise<any> => (await fetch(url)).json();

/** Two runs of one windowed query on `checkpoint`, each fed two batches. */
async function runTwice(checkpoint: string, eventLog: boolean): Promise<void> {
  const t0 = Date.UTC(2026, 0, 1);
  const input = `${checkpoint}-input`;
  mkdirSync(input, { recursive: true });
  for (let run = 0; run < 2; run++) {
    // one state partition keeps the setup short (32 by default; the pages do not depend on it)
    const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").config("spark.ui.enabled", false).config("spark.sql.shuffle.partitions", 1).config("sluice.streaming.eventLog.enabled", eventLog).getOrCreate();
    const q = await spark.readStream
      .schema("k STRING, ts TIMESTAMP")
      .json(input)
      .withWatermark("ts", "10 seconds")
      .groupBy(F.window(col("ts"), "5 seconds"), col("k"))
      .count()
      .writeStream.format("memory")
      .queryName("post_mortem")
      .option("checkpointLocation", checkpoint)
      .outputMode("append")
      .start();
    for (let b = 0; b < 2; b++) {
      writeFileSync(join(input, `${run}-${b}.json`), JSON.stringify({ k: `r${run}`, ts: new Date(t0 + (run * 2 + b) * 60_000).toISOString() }) + "\n");
      await q.processAllAvailable();
    }
    await q.stop();
    if (eventLog) runs.push({ runId: q.runId, progress: q.recentProgress.map((p) => p.toJSON()), explain: q.explainString() });
    await spark.stop();
  }
}

/** Start `sluice ui` on a free port; resolves to its base URL. */
function startUi(...dirs: string[]): Promise<{ child: ChildProcessWithoutNullStreams; url: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", "ui", ...dirs, "--port", "0"], { cwd: root });
  children.push(child);
  return new Promise((ok, fail) => {
    let out = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      const m = / at (http:\/\/[^/\s]+)\/StreamingQuery\//.exec(out);
      if (m) ok({ child, url: m[1]! });
    });
    child.on("exit", (code) => fail(new Error(`sluice ui exited with ${code} before serving: ${out}`)));
  });
}

beforeAll(async () => {
  await runTwice(logged, true);
  await runTwice(unlogged, false);
});
afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
  rmSync(work, { recursive: true, force: true });
});

const served: { close(): Promise<void> }[] = [];
/** The same pages in this process (faster than a CLI process per case). */
async function serveHere(...dirs: string[]): Promise<string> {
  const { server } = await serveCheckpoints(dirs, { host: "127.0.0.1", port: 0, prometheus: false }, false);
  served.push(server);
  return server.url;
}
afterAll(async () => {
  for (const s of served) await s.close();
});

describe("sluice ui (the command)", () => {
  let child: ChildProcessWithoutNullStreams;
  let url: string;
  beforeAll(async () => void ({ child, url } = await startUi(logged)));

  it("serves each logged run of a stopped query with its progress, plan and checkpoint", async () => {
    expect(readdirSync(join(logged, "_events")).sort()).toEqual(runs.map((r) => `${r.runId}.jsonl`).sort());
    const list = (await getJson(`${url}/api/queries`)) as { runId: string; state: string; name: string }[];
    expect(list.map((q) => q.runId).sort()).toEqual(runs.map((r) => r.runId).sort());
    expect(list.every((q) => q.state === "FINISHED" && q.name === "post_mortem")).toBe(true);
    for (const r of runs) {
      const d = await getJson(`${url}/api/queries/${r.runId}`);
      expect(d.lastProgress).toEqual(JSON.parse(JSON.stringify(r.progress.at(-1))));
      // idle-trigger reports sit in recentProgress (as Spark's) but are not batches the UI charts
      expect(d.metrics).toHaveLength(r.progress.filter((p) => p.durationMs.addBatch !== undefined).length);
      expect(d.explain).toBe(r.explain);
      expect(d.checkpoint).toMatchObject({ problems: [], uncommittedBatchId: null });
    }
  });

  it("shows a stopped query's page from its checkpoint in Chromium", async () => {
    const browser = await launchBrowser();
    try {
      const last = runs.at(-1)!;
      const { page, errors } = await openPage(browser, `${url}/StreamingQuery/statistics/?id=${last.runId}`);
      await page.waitForFunction("window.sluiceCharts.inputRate !== undefined");
      expect(await page.evaluate("window.sluiceCharts.inputRate.data[1]")).toEqual(last.progress.filter((p) => p.durationMs.addBatch !== undefined).map((p) => p.inputRowsPerSecond));
      expect(await page.evaluate("document.body.dataset.state")).toBe("FINISHED");
      expect(await page.$eval("#explain", (e) => e.textContent)).toBe(last.explain);
      expect(errors).toEqual([]);
      if (process.env.SLUICE_UI_SCREENSHOTS) await page.screenshot({ path: join(process.env.SLUICE_UI_SCREENSHOTS, "stopped-query.png"), fullPage: true });
    } finally {
      await browser.close();
    }
  });

  it("stops on SIGTERM with exit code 0", async () => {
    const exited = new Promise<number | null>((ok) => child.on("exit", (code) => ok(code)));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
  });

  it("exits 1 naming a folder that is not a checkpoint", () => {
    const notCheckpoint = mkdtempSync(join(work, "plain-"));
    const r = spawnSync(process.execPath, ["--import", "tsx", "src/cli/main.ts", "ui", notCheckpoint], { cwd: root, encoding: "utf8" });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`sluice: [NOT_A_CHECKPOINT] ${notCheckpoint} is not a streaming checkpoint: it has neither a metadata file nor an offsets/ folder`);
  });
});

describe("sluice ui's pages", () => {
  it("without an event log, serve the checkpoint's health and say how to record progress", async () => {
    const url = await serveHere(unlogged);
    const [q] = (await getJson(`${url}/api/queries`)) as { runId: string }[];
    const d = await getJson(`${url}/api/queries/${q!.runId}`);
    expect(d.note).toMatch(/sluice\.streaming\.eventLog\.enabled=true/);
    expect(d.metrics).toEqual([]);
    expect(d.checkpoint).toMatchObject({ firstBatchId: 0, problems: [] });
    expect(d.checkpoint.lastCommittedBatchId).toBeGreaterThanOrEqual(3);
  });

  it("report a damaged checkpoint and skip a log line cut short by a crash", async () => {
    const damaged = join(work, "damaged");
    await runTwice(damaged, true);
    const last = Math.max(...readdirSync(join(damaged, "commits")).filter((f) => /^\d+$/.test(f)).map(Number));
    unlinkSync(join(damaged, "commits", String(last)));
    const file = readdirSync(join(damaged, "_events"))[0]!;
    appendFileSync(join(damaged, "_events", file), '{"event":"progress","progress":{"batch');
    const url = await serveHere(damaged);
    const list = (await getJson(`${url}/api/queries`)) as { runId: string }[];
    expect(list).toHaveLength(2);
    const d = await getJson(`${url}/api/queries/${list[0]!.runId}`);
    expect(d.checkpoint.uncommittedBatchId).toBe(last);
    expect(d.checkpoint.problems).toEqual([`batch ${last} is not committed: it re-runs on restart`]);
  });

  it("refuse a missing folder and an event log without its start (a bad --port: test/cli)", () => {
    expect(() => recordsFromCheckpoints([join(work, "missing")])).toThrow(expect.objectContaining({ code: "PATH_NOT_FOUND", message: expect.stringContaining(`No checkpoint at ${join(work, "missing")}`) }));
    const headless = join(work, "headless");
    mkdirSync(join(headless, "offsets"), { recursive: true });
    mkdirSync(join(headless, "_events"));
    writeFileSync(join(headless, "_events", "r.jsonl"), '{"event":"terminated","runId":"r","timestamp":"2026-01-01T00:00:00.000Z","exception":null}\n');
    expect(() => recordsFromCheckpoints([headless])).toThrow(expect.objectContaining({ code: "EVENT_LOG_CORRUPT", message: expect.stringContaining("r.jsonl does not start with a started event") }));
  });
});
