/**
 * `sluice demo`: the reference pipeline on embedded defaults, end to end:
 *   1. a deterministic at-least-once event stream (connectors/demo/demo-events.ts) as a streaming
 *      source of JSON lines; offsets are event counts, so a re-run batch reads identical events;
 *   2. from_json (PERMISSIVE) → drop and count malformed lines (a second small query);
 *   3. withWatermark("ts", "10 minutes") with a late-rows side output (counted) →
 *      dropDuplicatesWithinWatermark(event_id) → 5-minute windows: events, sum(amount),
 *      approx distinct users, emitted in append mode once the watermark closes them;
 *   4. a Delta table with a checkpoint under the folder (default ./sluice-demo); a second run
 *      resumes from the checkpoint; Ctrl-C or SIGTERM stops cleanly; --events N stops after N more events.
 */
import { join, resolve } from "node:path";
import { inputError } from "../common/errors.js";
import type { Offset, ReadLimit, StreamSource } from "../connectors/api/source.js";
import { DEMO_EVENT_SCHEMA, demoEvent } from "../connectors/demo/demo-events.js";
import { VectorBuilder, makeBatch } from "../columnar/column-batch.js";
import { col, functions as F } from "../index.js";
import type { ExecutionPlan } from "../physical/execution-plan.js";
import { Session } from "../session/session.js";
import type { StreamingQueryProgress } from "../streaming/progress/progress.js";
import { StructType } from "../types/struct-type.js";
import { Terminal, stdoutTerminal } from "./terminal.js";

export const DEMO_FORMAT = "sluice-demo";
const LINE_SCHEMA = StructType.fromDDL("value STRING");

/** The demo events as a StreamSource of JSON lines: offset = number of events produced. */
export class DemoEventSource implements StreamSource {
  readonly schema = LINE_SCHEMA;
  readonly description = "DemoEventSource";
  /** This run stops producing at this offset (set from the first start offset + --events). */
  #cap: number | undefined;
  /** The highest end offset handed out, so a follower source can stay in step. */
  lastEnd = 0;

  constructor(
    private readonly eventsPerTrigger: number,
    private readonly eventsThisRun: number | undefined,
    /** When set, never read past the leader's latest offset (the malformed counter follows the main query). */
    private readonly leader?: DemoEventSource,
  ) {}

  initialOffset(): Offset {
    return 0;
  }
  async latestOffset(start: Offset, limit: ReadLimit): Promise<Offset> {
    const s = start as number;
    // Let timers, progress listeners and Ctrl-C run between batches of an always-ready stream.
    await new Promise((r) => setImmediate(r));
    if (this.#cap === undefined) this.#cap = this.eventsThisRun === undefined ? Infinity : s + this.eventsThisRun;
    const per = limit.kind === "maxRows" ? limit.rows : this.eventsPerTrigger;
    const cap = this.leader ? Math.min(this.#cap, this.leader.lastEnd) : this.#cap;
    const end = Math.max(s, Math.min(s + per, cap));
    this.lastEnd = Math.max(this.lastEnd, end);
    return end;
  }
  /** True once this run has produced everything --events asked for. */
  done(committed: number): boolean {
    return this.#cap !== undefined && committed >= this.#cap;
  }
  getBatch(start: Offset, end: Offset): ExecutionPlan {
    const [s, e] = [start as number, end as number];
    const schema = this.schema;
    return {
      name: "DemoEventScanExec",
      schema,
      children: [],
      describe: () => `DemoEventScanExec: (${s}, ${e}]`,
      async *execute(ctx) {
        for (let from = s; from < e; from += ctx.batchSize) {
          const to = Math.min(e, from + ctx.batchSize);
          const b = new VectorBuilder({ kind: "string" }, to - from);
          for (let i = from; i < to; i++) b.append(demoEvent(i).json);
          yield makeBatch(schema, [b.finish()], to - from);
        }
      },
    };
  }
  serializeOffset(offset: Offset): string {
    return String(offset);
  }
  deserializeOffset(json: string): Offset {
    const n = Number(json);
    if (!Number.isInteger(n) || n < 0) throw inputError("INVALID_OFFSET", `Invalid demo source offset ${json}`);
    return n;
  }
  async commit(): Promise<void> {}
  async stop(): Promise<void> {}
  defaultReadLimit(): ReadLimit {
    return { kind: "maxRows", rows: this.eventsPerTrigger };
  }
}

export interface DemoOptions {
  readonly dir: string;
  readonly events?: number;
  readonly rate: number;
  readonly quiet?: boolean;
}

/** Run the demo pipeline until --events are processed or Ctrl-C. */
export async function runDemo(opts: DemoOptions): Promise<void> {
  const dir = resolve(opts.dir);
  const table = join(dir, "windows");
  const spark = Session.builder().appName("sluice-demo").config("spark.sql.session.timeZone", "UTC").getOrCreate();
  const sources: DemoEventSource[] = [];
  spark.executor.registerSource(DEMO_FORMAT, { schema: () => LINE_SCHEMA });
  spark.streamSources.set(DEMO_FORMAT, () => {
    const s = new DemoEventSource(opts.rate, opts.events, sources[0]);
    sources.push(s);
    return s;
  });
  const parsed = spark.readStream.format(DEMO_FORMAT).load().select(F.from_json(col("value"), DEMO_EVENT_SCHEMA, { mode: "PERMISSIVE" }).alias("e"));
  let lateRows = 0;
  const windows = parsed
    .filter(col("e.event_id").isNotNull())
    .select("e.*")
    .withWatermark("ts", "10 minutes", { lateRows: async (rows) => void (lateRows += await rows.count()) })
    .dropDuplicatesWithinWatermark(["event_id"])
    .groupBy(F.window(col("ts"), "5 minutes"))
    .agg(F.count("*").alias("events"), F.sum("amount").alias("amount"), F.approx_count_distinct("user_id").alias("users"))
    .select(col("window.start").alias("window_start"), col("window.end").alias("window_end"), "events", "amount", "users");
  const main = await windows.writeStream.format("delta").outputMode("append").option("checkpointLocation", join(dir, "checkpoints", "windows")).start(table);
  const malformedQ = await parsed
    .filter(col("e.event_id").isNull())
    .groupBy()
    .count()
    .writeStream.format("memory")
    .queryName("demo_malformed")
    .outputMode("complete")
    .option("checkpointLocation", join(dir, "checkpoints", "malformed"))
    .start();

  const say = (s: string) => void (opts.quiet ? undefined : process.stdout.write(s));
  say(`sluice demo: events → from_json → watermark 10 min → dedup → 5-minute windows → Delta table ${table}\n`);
  say(opts.events === undefined ? "Press Ctrl-C to stop (it resumes from the checkpoint next time).\n" : `Processing ${opts.events} events.\n`);
  let malformed = 0;
  let stopping = false;
  const started = Date.now();
  let rowsSeen = 0;
  // A status line redrawn in place on a terminal; plain lines (at most every 2 s, and the last one) when piped.
  const term = new Terminal(process.stdout, stdoutTerminal());
  let lastLineMs = 0;
  const render = (p: StreamingQueryProgress | null, final = false) => {
    if (!p || opts.quiet) return;
    if (!final) rowsSeen += p.numInputRows;
    const state = p.stateOperators.reduce((n, s) => n + s.numRowsTotal, 0);
    const rate = Math.round(rowsSeen / Math.max(0.001, (Date.now() - started) / 1000));
    const text = `batch ${p.batchId}  ${rate.toLocaleString("en-US")} rows/s  watermark ${p.eventTime.watermark ?? "-"}  state rows ${state}  late rows ${lateRows}  malformed ${malformed}`;
    if (term.opts.isTTY) return final ? (term.status(text), term.endStatus()) : term.status(text);
    if (final || Date.now() - lastLineMs >= 2000) {
      lastLineMs = Date.now();
      term.line(text);
    }
  };
  spark.streams.addListener({
    onQueryProgress: (ev) => {
      if (ev.progress.id === main.id) render(ev.progress);
    },
  });
  const refreshMalformed = async () => {
    const rows = await spark.table("demo_malformed").collect();
    malformed = rows.length > 0 ? Number(rows[0]!.count) : malformed;
  };
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await main.stop();
    await malformedQ.stop();
  };
  // Ctrl-C, and SIGTERM from docker, systemd, Kubernetes or `timeout`, stop the queries cleanly
  // (the running batch is interrupted and re-runs next time); a second signal exits at once.
  const onSignal = () => void stop();
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    if (opts.events !== undefined) {
      await main.processAllAvailable();
      await malformedQ.processAllAvailable();
      await refreshMalformed();
      await stop();
    } else {
      while (!stopping && main.isActive) {
        await new Promise((r) => setTimeout(r, 500));
        await refreshMalformed();
      }
    }
    if (main.exception) throw main.exception;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    await stop();
    await spark.stop();
  }
  render(main.lastProgress, true);
  say(`\nStopped cleanly. ${malformed} malformed lines, ${lateRows} late rows dropped (this run).\n`);
  say(`Read the table:\n  npx sluice delta history ${table}\n  spark.read.format("delta").load("${table}").orderBy("window_start").show()\n`);
  say(`  python: deltalake.DeltaTable("${table}").to_pandas()\n`);
}
