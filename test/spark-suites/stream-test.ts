/**
 * StreamTest for the ported Spark suites: a query over memory streams (or files) writes to a memory
 * sink; actions add input step by step, process it, and check what a Spark test checks — sink rows,
 * the watermark, state metrics, event-time stats and error codes. One checkpoint spans the test,
 * so Stop/Start exercise recovery as a process restart would.
 *
 * Rows compare as multisets after normalising values: a `bigint` becomes a number when it is a
 * safe integer (so BIGINT columns compare the same whether the engine hands back numbers or
 * bigints), a Date its ISO text.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
import type { DataFrame, Session } from "../../src/index.js";
import { batchToRows } from "../../src/columnar/column-batch.js";
import type { ManualClock } from "../../src/common/clock.js";
import type { StreamingQueryHandle, TriggerSpec } from "../../src/dataframe/executor.js";
import type { StateOp as BaseStateOp } from "../support/stateful-progress.js";

export type Row = Record<string, unknown>;
type Query = StreamingQueryHandle;

export interface StateOp extends BaseStateOp {
  numShufflePartitions: number;
  customMetrics: Record<string, number>;
}
export interface Progress {
  batchId: number;
  numInputRows: number;
  eventTime: Record<string, string>;
  stateOperators: StateOp[];
  sources: { description: string; startOffset: unknown; endOffset: unknown; numInputRows: number }[];
  sink: { numOutputRows: number };
  durationMs: Record<string, number>;
}

export type Action =
  | { kind: "add"; run: () => void | Promise<void> }
  | { kind: "check"; mode: "all" | "new" | "last"; rows: Row[] }
  | { kind: "stop" }
  | { kind: "start"; trigger?: TriggerSpec; clock?: ManualClock }
  | { kind: "advance"; ms: number }
  | { kind: "fail"; code?: string; message?: string | RegExp }
  | { kind: "stateRows"; total: number[]; updated?: number[] }
  | { kind: "assert"; what: string; fn: (q: Query, ctx: { progress: Progress[] }) => void | Promise<void> };

/** Add rows to a memory stream (or run any input step, e.g. writing a file). */
export const addData = (src: { addData(rows: readonly Row[]): unknown }, ...rows: Row[]): Action => ({ kind: "add", run: () => void src.addData(rows) });
export const addInput = (run: () => void | Promise<void>): Action => ({ kind: "add", run });
/** Process all available input, then compare the whole sink content with `rows`. */
export const checkAnswer = (...rows: Row[]): Action => ({ kind: "check", mode: "all", rows });
/** Process all available input, then compare the rows added since the previous check. */
export const checkNewAnswer = (...rows: Row[]): Action => ({ kind: "check", mode: "new", rows });
/** Process all available input, then compare the last batch's rows (complete/update modes). */
export const checkLastBatch = (...rows: Row[]): Action => ({ kind: "check", mode: "last", rows });
export const stopStream: Action = { kind: "stop" };
/** (Re)start the query; with a ManualClock, triggers fire as advanceClock moves it. */
export const startStream = (trigger?: TriggerSpec, clock?: ManualClock): Action => ({ kind: "start", ...(trigger ? { trigger } : {}), ...(clock ? { clock } : {}) });
/** Move the query's ManualClock and wait until the query waits for its next trigger. */
export const advanceClock = (ms: number): Action => ({ kind: "advance", ms });
/** The query must fail (error code and/or message). */
export const expectFailure = (code?: string, message?: string | RegExp): Action => ({ kind: "fail", ...(code ? { code } : {}), ...(message ? { message } : {}) });
export const assertOnQuery = (what: string, fn: (q: Query, ctx: { progress: Progress[] }) => void | Promise<void>): Action => ({ kind: "assert", what, fn });

/** A progress report's fields (every key, as PySpark's object; its `json` leaves empty maps out, as Spark's). */
const asProgress = (p: unknown): Progress => (p as { toJSON(): Progress }).toJSON();
/**
 * The progress of batches that ran: an idle trigger's report (no batch ran; Spark's
 * finishNoExecutionTrigger, durations without addBatch) is left out, as the checks are per batch.
 */
const ranBatches = (ps: readonly unknown[]): Progress[] => ps.map(asProgress).filter((p) => p.durationMs.addBatch !== undefined);
/** The last progress, or the last one of a batch that read input (as Spark's suites pick). */
const lastProgress = (q: Query, withInput = false): Progress => {
  const all = ranBatches(q.recentProgress);
  const p = withInput ? all.filter((x) => x.numInputRows > 0).at(-1) : all.at(-1);
  if (!p) throw new Error("no progress yet");
  return p;
};
/** The watermark the last batch ran with, as Spark's ISO string. */
export const assertWatermark = (isoOrMs: string | number): Action =>
  assertOnQuery(`watermark ${isoOrMs}`, (q) => expect(lastProgress(q).eventTime.watermark).toBe(typeof isoOrMs === "number" ? new Date(isoOrMs).toISOString() : isoOrMs));
/** Spark's assertNumStateRows: per stateful operator (downstream first), rows in state and updated in the last batch. */
/**
 * Spark's StateStoreMetricsTest.assertNumStateRows: per stateful operator (downstream first), the
 * rows in state after the last batch (no-data batches included), and the rows updated summed over
 * the batches since the previous such check.
 */
export const assertNumStateRows = (total: number[], updated?: number[]): Action => ({ kind: "stateRows", total, ...(updated ? { updated } : {}) });
/** Spark's assertNumRowsDroppedByWatermark, per stateful operator of the last batch. */
export const assertDroppedByWatermark = (...n: number[]): Action =>
  assertOnQuery(`dropped ${n}`, (q) => expect(lastProgress(q, true).stateOperators.map((o) => o.numRowsDroppedByWatermark)).toEqual(n));
/** Spark's assertEventStats: eventTime of the last batch that read input. */
export const assertEventStats = (fn: (eventTime: Record<string, string>) => void): Action => assertOnQuery("event stats", (q) => fn(lastProgress(q, true).eventTime));
/** Spark's assertEventStats(min, max, avg, watermark), all in seconds. */
export const assertEventStatsSec = (min: number, max: number, avg: number, watermark: number): Action =>
  assertEventStats((e) => expect(e).toEqual({ min: iso(min), max: iso(max), avg: iso(Math.trunc(avg)), watermark: iso(watermark) }));
const iso = (sec: number): string => new Date(sec * 1000).toISOString();

export interface StreamTestOptions {
  readonly outputMode?: "append" | "update" | "complete";
  readonly trigger?: TriggerSpec;
  readonly checkpointLocation?: string;
  readonly options?: Readonly<Record<string, string>>;
}

let nextQuery = 0;

/** Run the actions in order; the query starts before the first action that needs it. */
export async function testStream(spark: Session, df: DataFrame, opts: StreamTestOptions, ...actions: Action[]): Promise<void> {
  const name = `spark_suite_${nextQuery++}`;
  const checkpoint = opts.checkpointLocation ?? mkdtempSync(join(tmpdir(), "sluice-suite-"));
  let q: Query | null = null;
  let clock: ManualClock | undefined;
  let seen = 0;
  const archived: Row[] = [];
  const progress: Progress[] = [];
  let stateChecked = 0;
  const allProgress = (): Progress[] => [...progress, ...ranBatches(q?.recentProgress ?? [])];
  const history: string[] = [];
  const fail = (msg: string): never => {
    throw new Error(`${msg}\n== actions so far ==\n${history.join("\n")}`);
  };
  const start = async (trigger?: TriggerSpec, manual?: ManualClock): Promise<Query> => {
    clock = manual;
    let w = df.writeStream.format("memory").queryName(name).outputMode(opts.outputMode ?? "append").option("checkpointLocation", checkpoint);
    for (const [k, v] of Object.entries(opts.options ?? {})) w = w.option(k, v);
    const t = trigger ?? opts.trigger;
    if (t) w = w.trigger(t);
    spark.clock = manual;
    try {
      q = await w.start();
    } finally {
      spark.clock = undefined;
    }
    return q;
  };
  /** With a manual clock: until the query waits for its next trigger (or ended). */
  const untilWaiting = async (query: Query, c: ManualClock): Promise<void> => {
    for (let i = 0; query.isActive && !c.isWaiting; i++) {
      if (i > 5000) fail("the query did not reach its next trigger");
      await new Promise((r) => setTimeout(r, 2));
    }
  };
  const sinkBatches = (): Row[][] => (spark.memoryTables.get(name)?.batches() ?? []).map((b) => batchToRows(b));
  const stop = async (): Promise<void> => {
    if (!q) return;
    await q.stop().catch(() => undefined);
    progress.push(...ranBatches(q.recentProgress));
    archived.push(...sinkBatches().flat());
    spark.memoryTables.delete(name);
    q = null;
  };
  try {
    for (const a of actions) {
      history.push(a.kind === "check" ? `check ${a.mode} ${a.rows.map(rowText).join(" ")}` : a.kind === "assert" ? `assert ${a.what}` : a.kind === "stateRows" ? `state rows ${a.total}/${a.updated ?? "-"}` : a.kind);
      switch (a.kind) {
        case "add":
          await a.run();
          break;
        case "start":
          if (q) fail("startStream while the query runs");
          await start(a.trigger, a.clock);
          break;
        case "advance":
          if (!clock || !q) fail("advanceClock needs startStream(trigger, new ManualClock())");
          clock!.advance(a.ms);
          await untilWaiting(q!, clock!);
          break;
        case "stop":
          await stop();
          break;
        case "check": {
          const query = q ?? (await start());
          if (clock) await untilWaiting(query, clock);
          else if (query.isActive) await query.processAllAvailable().catch((e: Error) => fail(`query failed: ${e.message}`));
          if (query.exception) fail(`query failed: ${query.exception.message}`);
          const batches = sinkBatches();
          const all = [...archived, ...batches.flat()];
          // The memory sink keeps no empty batch: the last batch is empty when its progress says so.
          // A micro-batch may be stored as several column batches (one per union input, say): the
          // last batch's rows are the last `numOutputRows` of the sink.
          const lastRows = allProgress().at(-1)?.sink.numOutputRows ?? 0;
          const actual = a.mode === "all" ? all : a.mode === "new" ? all.slice(seen) : lastRows <= 0 ? [] : batches.flat().slice(-lastRows);
          seen = all.length;
          const diff = compareRows(actual, a.rows);
          if (diff) fail(`sink rows differ (${a.mode}):\n${diff}`);
          break;
        }
        case "fail": {
          // A plan Sluice refuses at start() fails here too (Spark fails it in its first batch).
          const err = await (q ? Promise.resolve(q) : start()).then(
            // processAllAvailable rejects once the query failed; a query still running after it did not fail.
            (query) => query.processAllAvailable().then(() => (query.isActive ? null : query.awaitTermination().then(() => null))),
            (e: unknown) => e,
          ).catch((e: unknown) => e) as (Error & { code?: string }) | null;
          if (!err) fail("expected the query to fail, it ended without error");
          if (a.code && err!.code !== a.code) fail(`expected error ${a.code}, got ${err!.code}: ${err!.message}`);
          if (a.message && !(typeof a.message === "string" ? err!.message.includes(a.message) : a.message.test(err!.message))) fail(`error message differs: ${err!.message}`);
          await stop();
          break;
        }
        case "stateRows": {
          const query = q ?? (await start());
          if (query.isActive && !clock) await query.processAllAvailable();
          const all = allProgress();
          const since = all.slice(stateChecked);
          stateChecked = all.length;
          const total = all.at(-1)?.stateOperators.map((o) => o.numRowsTotal);
          const updated = a.total.map((_, i) => since.reduce((n, p) => n + (p.stateOperators[i]?.numRowsUpdated ?? 0), 0));
          const seen = `total ${JSON.stringify(total)}, updated ${JSON.stringify(updated)} (batches ${since.map((p) => p.batchId)})`;
          if (JSON.stringify(total) !== JSON.stringify(a.total) || (a.updated && JSON.stringify(updated) !== JSON.stringify(a.updated))) {
            fail(`state rows: expected total ${JSON.stringify(a.total)}, updated ${JSON.stringify(a.updated ?? "-")}; got ${seen}`);
          }
          break;
        }
        case "assert": {
          const query = q ?? (await start());
          const all = [...progress, ...ranBatches(query.recentProgress)];
          try {
            await a.fn(query, { progress: all });
          } catch (e) {
            fail(`${a.what}: ${(e as Error).message}`);
          }
          break;
        }
      }
    }
  } finally {
    await stop();
  }
}

/** Canonical text of a value (see the file comment for the normalisation). */
export function normalise(v: unknown): unknown {
  if (typeof v === "bigint") return Number.isSafeInteger(Number(v)) ? Number(v) : `${v}n`;
  if (v instanceof Date) return `D:${v.toISOString()}`;
  if (v instanceof Map) return { __map: [...v.entries()].map(([k, x]) => [normalise(k), normalise(x)]) };
  if (Array.isArray(v)) return v.map(normalise);
  if (v && typeof v === "object" && !(v instanceof Uint8Array)) return Object.fromEntries(Object.keys(v).sort().map((k) => [k, normalise((v as Row)[k])]));
  return v;
}
export const rowText = (r: Row): string => JSON.stringify(normalise(r));

/** Multiset comparison: a readable diff, or null when equal. */
export function compareRows(actual: readonly Row[], expected: readonly Row[]): string | null {
  const left = new Map<string, number>();
  for (const r of expected) left.set(rowText(r), (left.get(rowText(r)) ?? 0) + 1);
  const extra: string[] = [];
  for (const r of actual) {
    const k = rowText(r);
    const n = left.get(k) ?? 0;
    if (n === 0) extra.push(k);
    else left.set(k, n - 1);
  }
  const missing = [...left].flatMap(([k, n]) => Array<string>(n).fill(k));
  return extra.length === 0 && missing.length === 0 ? null : `expected ${expected.length} rows, got ${actual.length}\n  missing:    ${missing.join("\n              ")}\n  unexpected: ${extra.join("\n              ")}`;
}

/** Event times as seconds after the epoch (Spark's suites use small second values). */
export const ts = (sec: number): Date => new Date(sec * 1000);
export const window = (startSec: number, endSec: number): Row => ({ start: ts(startSec), end: ts(endSec) });
