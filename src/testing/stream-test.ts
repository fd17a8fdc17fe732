/**
 * StreamTest: a small action language for streaming tests, after Spark's StreamTest.
 *
 *   await testStream(df, { outputMode: "update" },
 *     AddData(input, { k: "a" }), CheckAnswer({ k: "a", n: 1 }),
 *     StopStream, StartStream(),
 *     AddData(input, { k: "a" }), CheckNewAnswer({ k: "a", n: 2 }));
 *
 * The query writes to a memory sink and keeps one checkpoint for the whole test, so StopStream /
 * StartStream exercise recovery exactly as a process restart would (minus the process).
 */
import { exactJson } from "../columnar/values.js";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { batchToRows } from "../columnar/column-batch.js";
import { ManualClock } from "../common/clock.js";
import { SluiceError } from "../common/errors.js";
import type { DataFrame } from "../dataframe/dataframe.js";
import type { StreamingQueryHandle, TriggerSpec } from "../dataframe/executor.js";
import type { Session } from "../session/session.js";

type Row = Record<string, unknown>;

export type StreamAction =
  | { readonly kind: "addData"; readonly source: { addData(rows: readonly Row[]): number }; readonly rows: readonly Row[] }
  | { readonly kind: "checkAnswer"; readonly rows: readonly Row[]; readonly mode: "all" | "new" | "lastBatch" }
  | { readonly kind: "stop" }
  | { readonly kind: "start"; readonly trigger?: TriggerSpec; readonly clock?: ManualClock }
  | { readonly kind: "advanceClock"; readonly ms: number }
  | { readonly kind: "expectFailure"; readonly code?: string; readonly message?: string | RegExp }
  | { readonly kind: "assert"; readonly description: string; readonly fn: (q: StreamingQueryHandle) => void | Promise<void> };

export const AddData = (source: { addData(rows: readonly Row[]): number }, ...rows: Row[]): StreamAction => ({ kind: "addData", source, rows });
/** Process everything available, then compare the whole sink content (as a multiset) with `rows`. */
export const CheckAnswer = (...rows: Row[]): StreamAction => ({ kind: "checkAnswer", rows, mode: "all" });
/** Like CheckAnswer, but only the rows added to the sink since the previous check. */
export const CheckNewAnswer = (...rows: Row[]): StreamAction => ({ kind: "checkAnswer", rows, mode: "new" });
/** The rows of the last batch only (complete/update modes). */
export const CheckLastBatch = (...rows: Row[]): StreamAction => ({ kind: "checkAnswer", rows, mode: "lastBatch" });
export const StopStream: StreamAction = { kind: "stop" };
export const StartStream = (opts: { trigger?: TriggerSpec; clock?: ManualClock } = {}): StreamAction => ({ kind: "start", ...opts });
export const AdvanceManualClock = (ms: number): StreamAction => ({ kind: "advanceClock", ms });
export const ExpectFailure = (opts: { code?: string; message?: string | RegExp } = {}): StreamAction => ({ kind: "expectFailure", ...opts });
export const AssertOnQuery = (description: string, fn: (q: StreamingQueryHandle) => void | Promise<void>): StreamAction => ({ kind: "assert", description, fn });

export interface StreamTestOptions {
  readonly outputMode?: "append" | "update" | "complete";
  readonly trigger?: TriggerSpec;
  readonly checkpointLocation?: string;
  /** Extra writer options (e.g. lateRowsSink). */
  readonly options?: Readonly<Record<string, string>>;
}

let nextTestQuery = 0;

/** Run the actions in order; the stream starts automatically before the first action that needs it. */
export async function testStream(session: Session, df: DataFrame, options: StreamTestOptions, ...actions: StreamAction[]): Promise<void> {
  const name = `stream_test_${nextTestQuery++}`;
  const checkpoint = options.checkpointLocation ?? mkdtempSync(join(tmpdir(), "sluice-streamtest-"));
  const st: { query: StreamingQueryHandle | null } = { query: null };
  let seenRows = 0;
  let clock: ManualClock | undefined;
  const history: string[] = [];

  const start = async (trigger?: TriggerSpec, manual?: ManualClock): Promise<void> => {
    clock = manual;
    session.clock = manual;
    let w = df.writeStream.format("memory").queryName(name).outputMode(options.outputMode ?? "append").option("checkpointLocation", checkpoint);
    for (const [k, v] of Object.entries(options.options ?? {})) w = w.option(k, v);
    const t = trigger ?? options.trigger;
    if (t) w = w.trigger(t);
    st.query = await w.start();
    session.clock = undefined;
  };
  // Each run writes a fresh memory sink; rows of runs that were stopped are kept here, so
  // "all rows" spans restarts as it would for a durable sink.
  const archived: Row[] = [];
  const sinkRows = (): Row[] => {
    const sink = session.memoryTables.get(name);
    return [...archived, ...(sink ? sink.batches().flatMap(batchToRows) : [])];
  };
  const fail = (msg: string): never => {
    throw new Error(`${msg}\n\n== Actions so far ==\n${history.join("\n")}`);
  };

  for (const a of actions) {
    history.push(describe(a));
    switch (a.kind) {
      case "addData":
        a.source.addData(a.rows);
        break;
      case "start":
        if (st.query?.isActive) fail("StartStream while the query is active");
        await start(a.trigger, a.clock);
        break;
      case "stop":
        if (st.query) await st.query.stop();
        archived.splice(0, archived.length, ...sinkRows());
        session.memoryTables.delete(name);
        break;
      case "advanceClock":
        if (!clock) fail("AdvanceManualClock needs StartStream({ clock: new ManualClock() })");
        clock!.advance(a.ms);
        await waitFor(() => !st.query!.isActive || clock!.isWaiting);
        break;
      case "checkAnswer": {
        if (!st.query) await start();
        if (st.query!.isActive && !clock) await st.query!.processAllAvailable();
        if (st.query!.exception) fail(`Query failed: ${st.query!.exception.message}`);
        const sink = session.memoryTables.get(name);
        const all = sinkRows();
        const actual =
          a.mode === "all" ? all : a.mode === "new" ? all.slice(seenRows) : sink ? sink.batches().slice(-1).flatMap(batchToRows) : [];
        seenRows = all.length;
        const diff = compareRows(actual, a.rows);
        if (diff) fail(`Sink content does not match (${a.mode}):\n${diff}`);
        break;
      }
      case "expectFailure": {
        if (!st.query) await start();
        try {
          await st.query!.awaitTermination();
          fail("Expected the st.query to fail, but it ended without error");
        } catch (e) {
          if (a.code && !(e instanceof SluiceError && e.code === a.code)) fail(`Expected failure ${a.code}, got ${(e as Error).message}`);
          const m = a.message;
          if (m && !(typeof m === "string" ? (e as Error).message.includes(m) : m.test((e as Error).message))) fail(`Failure message did not match: ${(e as Error).message}`);
        }
        break;
      }
      case "assert":
        if (!st.query) await start();
        await a.fn(st.query!);
        break;
    }
  }
  if (st.query?.isActive) await st.query.stop();
}

function describe(a: StreamAction): string {
  switch (a.kind) {
    case "addData":
      return `AddData(${exactJson(a.rows)})`;
    case "checkAnswer":
      return `Check(${a.mode}: ${exactJson(a.rows)})`;
    case "assert":
      return `Assert(${a.description})`;
    default:
      return a.kind;
  }
}

async function waitFor(cond: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error("Timed out waiting for the query");
    await new Promise((r) => setTimeout(r, 2));
  }
}

/**
 * Canonical text of a row: keys sorted, Dates as ISO, Maps as sorted entries, a BIGINT (`bigint`)
 * as its exact digits in a JSON number, so an expected safe-integer number matches it and a value
 * past 2^53 is compared digit by digit (never rounded through a double).
 */
export function canonicalRow(r: Row): string {
  const norm = (v: unknown): unknown =>
    v instanceof Date
      ? `D:${v.toISOString()}`
      : v instanceof Map
        ? { __map: [...v.entries()].map(([k, x]) => [norm(k), norm(x)]).sort() }
        : Array.isArray(v)
          ? v.map(norm)
          : v && typeof v === "object"
            ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, norm((v as Row)[k])]))
            : v;
  return exactJson(norm(r));
}

/** Multiset comparison; returns a readable diff or null when equal. */
export function compareRows(actual: readonly Row[], expected: readonly Row[]): string | null {
  const count = new Map<string, number>();
  for (const r of expected) count.set(canonicalRow(r), (count.get(canonicalRow(r)) ?? 0) + 1);
  const extra: string[] = [];
  for (const r of actual) {
    const k = canonicalRow(r);
    const n = count.get(k) ?? 0;
    if (n === 0) extra.push(k);
    else count.set(k, n - 1);
  }
  const missing = [...count.entries()].flatMap(([k, n]) => Array<string>(n).fill(k));
  if (extra.length === 0 && missing.length === 0) return null;
  return `expected ${expected.length} rows, got ${actual.length}\n  missing: ${missing.join("\n           ")}\n  unexpected: ${extra.join("\n              ")}`;
}
