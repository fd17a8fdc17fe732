/**
 * `sluice run pipeline.sql | pipeline.ts | pipeline.js` (docs/cli.md):
 *   1. SIGINT/SIGTERM handlers go in first, so a signal at any moment stops cleanly;
 *   2. a session is built from `--conf key=value` entries (then the file's SETs apply);
 *   3. the pipeline starts its queries: a SQL file through sql-pipeline.ts; a module through its
 *      default export `(spark) => queries` (a .ts one through tsx when installed, else Node's own
 *      type stripping where it has it);
 *   4. progress is shown (status line on a TTY, plain lines when piped, or JSON lines) until every
 *      query has ended, one failed, or a signal came;
 *   5. the first signal stops every query — a batch in flight is abandoned before its commit and
 *      re-runs from its logged offsets on the next run, so the sink never holds half a batch twice
 *      — then prints a summary; a second signal exits at once (status 130).
 * Resolves to the exit status: 0 when stopped or finished cleanly, 1 when a query failed.
 */
import { existsSync, readFileSync } from "node:fs";
import { basename, extname, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { SluiceError, configError } from "../common/errors.js";
import type { StreamingQueryHandle } from "../dataframe/executor.js";
import type { Session } from "../session/session.js";
import { type ProgressMode, ProgressReporter } from "./progress-reporter.js";
import { Terminal, stdoutTerminal } from "./terminal.js";

export interface RunOptions {
  readonly file: string;
  /** auto: tty on a terminal, plain otherwise. */
  readonly progress: ProgressMode | "auto";
  /** Plain mode: at most one line per query this often. */
  readonly intervalMs: number;
  readonly conf: readonly (readonly [string, string])[];
}

const SQL = new Set([".sql"]);
const TS = new Set([".ts", ".mts", ".cts"]);
const JS = new Set([".js", ".mjs", ".cjs"]);

/** A pipeline module's default export. */
type PipelineMain = (spark: Session) => unknown;

async function importModule(file: string): Promise<Record<string, unknown>> {
  const url = pathToFileURL(file).href;
  if (!TS.has(extname(file))) return (await import(url)) as Record<string, unknown>;
  let tsx: { tsImport(url: string, parent: string): Promise<unknown> } | undefined;
  try {
    tsx = (await import("tsx/esm/api")) as typeof tsx;
  } catch {
    tsx = undefined; // not installed: tsx is a devDependency of Sluice, not a dependency
  }
  if (tsx) return (await tsx.tsImport(url, import.meta.url)) as Record<string, unknown>;
  try {
    return (await import(url)) as Record<string, unknown>; // Node with type stripping
  } catch (e) {
    if ((e as { code?: string }).code !== "ERR_UNKNOWN_FILE_EXTENSION") throw e;
    throw configError("RUN_NEEDS_TSX", `${file} is TypeScript and this Node (${process.version}) cannot load it by itself: install tsx (npm install --save-dev tsx) or compile the pipeline to .js`, { file });
  }
}

async function startModule(spark: Session, file: string): Promise<StreamingQueryHandle[]> {
  const mod = await importModule(file);
  // A .ts module outside an ESM package loads as CommonJS: its exports arrive under `default`.
  const cjs = mod.default as { default?: unknown } | undefined;
  const main = (typeof cjs === "object" && cjs !== null && "default" in cjs ? cjs.default : mod.default) as PipelineMain | undefined;
  if (typeof main !== "function") {
    throw configError("RUN_NO_DEFAULT_EXPORT", `${file} must export default a function (spark) => queries, e.g. export default async (spark) => [await df.writeStream.format("delta").start(path)]`, { file });
  }
  const out = await main(spark);
  const given = (Array.isArray(out) ? out : out === undefined ? [] : [out]) as StreamingQueryHandle[];
  const queries = given.length > 0 ? given : spark.streams.active;
  if (queries.some((q) => typeof q?.stop !== "function" || typeof q.id !== "string")) {
    throw configError("RUN_BAD_EXPORT", `${file}'s default export must return the started queries (what writeStream...start() resolves to), or nothing`, { file });
  }
  if (queries.length === 0) throw configError("RUN_NO_QUERIES", `${file} started no streaming query`, { file });
  return queries;
}

/** Run the pipeline until its queries end or a signal stops it; the exit status. */
export async function runPipeline(opts: RunOptions, out: NodeJS.WriteStream = process.stdout): Promise<number> {
  const file = resolve(opts.file);
  const ext = extname(file);
  if (!SQL.has(ext) && !TS.has(ext) && !JS.has(ext)) throw configError("RUN_UNKNOWN_FILE_TYPE", `${opts.file}: sluice run takes a .sql file or a .ts/.mts/.js/.mjs module`, { file: opts.file });
  if (!existsSync(file)) throw new SluiceError("io", "PATH_NOT_FOUND", `${opts.file}: no such file`, { file: opts.file });
  const term = new Terminal(out, stdoutTerminal(out));
  let signalled: string | null = null;
  let wake: () => void = () => {};
  const stopRequested = new Promise<void>((r) => (wake = r));
  const onSignal = (sig: NodeJS.Signals): void => {
    if (signalled) {
      term.line(`sluice run: second ${sig}: exiting now`);
      process.exit(130);
    }
    signalled = sig;
    term.line(`sluice run: ${sig}: stopping the queries (a second signal exits at once)`);
    wake();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  const { Session } = await import("../session/session.js");
  let builder = Session.builder().appName(basename(file, ext));
  for (const [k, v] of opts.conf) builder = builder.config(k, v);
  const spark = builder.getOrCreate();
  let queries: StreamingQueryHandle[] = [];
  try {
    queries = SQL.has(ext) ? await (await import("./sql-pipeline.js")).startSqlPipeline(spark, readFileSync(file, "utf8"), opts.file) : await startModule(spark, file);
    const mode = opts.progress === "auto" ? (term.opts.isTTY ? "tty" : "plain") : opts.progress;
    const reporter = new ProgressReporter(term, mode, queries, opts.intervalMs);
    spark.streams.addListener(reporter);
    if (mode !== "json" && !signalled) term.line(`sluice run ${opts.file}: ${queries.map((q) => q.name ?? q.id).join(", ")} running (Ctrl-C stops cleanly)`);
    reporter.start();
    const ended = queries.map((q) => q.awaitTermination().then(() => null, (e: unknown) => e as Error));
    const firstFailure = Promise.race(ended.map((p) => p.then((e) => e ?? new Promise<never>(() => {}))));
    const all = Promise.all(ended);
    if (!signalled) await Promise.race([stopRequested, firstFailure, all]);
    await Promise.all(queries.map((q) => q.stop()));
    const summary = reporter.finish();
    term.line(signalled ? `Stopped by ${signalled}.` : "Every query ended.");
    for (const l of summary) term.line(`  ${l}`);
    return queries.some((q) => q.exception) ? 1 : 0;
  } finally {
    await Promise.all(queries.map((q) => q.stop()));
    await spark.stop();
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}
