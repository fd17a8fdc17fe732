#!/usr/bin/env node
/**
 * The `sluice` command line (docs/cli.md). Each subcommand documents itself with --help and loads
 * the engine only when it runs, so `sluice --help` starts fast. Values are checked by src/cli/args.ts:
 * a bad one is a usage error naming the option; a SluiceError prints `sluice: [CODE] message`; both exit 1.
 */
import { Command, Option } from "commander";
import { SluiceError } from "../common/errors.js";
import { choiceArg, confArg, fileSystemConfArg, hadoopConfArg, integerArg, portArg, secondsArg } from "./args.js";

const program = new Command();
/** The --conf of the checkpoint tools: spark.hadoop.* keys for a checkpoint on an object store. */
const hadoopConfOption = (): Option => new Option("--conf <key=value>", "a spark.hadoop.* setting for a checkpoint on an object store, e.g. spark.hadoop.fs.s3a.endpoint=... (repeatable)").argParser(hadoopConfArg);
async function applyHadoopConf(conf: readonly [string, string][] = []): Promise<void> {
  const { setSessionHadoopConf } = await import("../fs/file-systems.js");
  for (const [k, v] of conf) setSessionHadoopConf(k, v);
}
program.name("sluice").description("Structured Streaming for TypeScript").version("0.1.0");

program
  .command("run")
  .description("Run a pipeline until stopped: a .sql file (SET, CREATE TEMP VIEW, INSERT INTO <format>.`<path>` ... FROM STREAM ...) or a .ts/.js module whose default export starts queries")
  .argument("<pipeline>", "pipeline.sql, pipeline.ts, pipeline.mjs or pipeline.js")
  .addOption(new Option("--progress <mode>", "how progress is shown: auto (status line on a terminal, plain lines otherwise), tty, plain, or json (one progress report per line)").default("auto").argParser(choiceArg(["auto", "tty", "plain", "json"] as const)))
  .addOption(new Option("--interval <seconds>", "plain mode: at most one line per query this often").default(10).argParser(secondsArg))
  .addOption(new Option("--conf <key=value>", "a session configuration entry (repeatable), before the file's SET statements").argParser(confArg))
  .action(async (file: string, opts: { progress: "auto" | "tty" | "plain" | "json"; interval: number; conf?: [string, string][] }) => {
    const { runPipeline } = await import("./run-command.js");
    // exit even if a connector left a handle open: the queries are stopped and the summary printed
    process.exit(await runPipeline({ file, progress: opts.progress, intervalMs: opts.interval * 1000, conf: opts.conf ?? [] }));
  });

const checkpoint = program.command("checkpoint").description("Work with streaming checkpoints");
checkpoint
  .command("inspect")
  .description("Summarise a checkpoint: query id, sources, sink, the newest batches (committed or pending re-run), state stores, and a health verdict")
  .argument("<dir>", "checkpoint folder (the checkpointLocation of a query)")
  .addOption(new Option("--limit <n>", "list at most the newest n batches").default(20).argParser(integerArg(0)))
  .option("--json", "print the report as JSON")
  .addOption(hadoopConfOption())
  .action(async (dir: string, opts: { limit: number; json?: boolean; conf?: [string, string][] }) => {
    await applyHadoopConf(opts.conf);
    const { inspectCommand } = await import("./inspect-command.js");
    process.exitCode = await inspectCommand(dir, { limit: opts.limit, json: opts.json === true });
  });

program
  .command("demo")
  .description("Run the reference pipeline: generated events → JSON → watermark → dedup → 5-minute windows → a local Delta table (resumes on re-run)")
  .option("--dir <folder>", "where the Delta table and checkpoints go", "./sluice-demo")
  .addOption(new Option("--events <n>", "stop after this many more events (default: run until Ctrl-C)").argParser(integerArg(1)))
  .addOption(new Option("--rate <n>", "events per micro-batch (at most half the 20k on-time warm-up, so late events meet a watermark)").default(10000).argParser(integerArg(1)))
  .action(async (opts: { dir: string; events?: number; rate: number }) => {
    const { runDemo } = await import("./demo.js");
    await runDemo({ dir: opts.dir, rate: opts.rate, ...(opts.events !== undefined ? { events: opts.events } : {}) });
  });

const delta = program.command("delta").description("Work with Delta tables");
delta
  .command("optimize")
  .description("Compact a Delta table's small files into larger ones (Delta's OPTIMIZE), with a progress bar")
  .argument("<path>", "the table folder")
  .option("--where <condition>", "only the partitions where this SQL condition on partition columns holds")
  .addOption(new Option("--conf <key=value>", "a file-system key for a table on an object store, e.g. fs.s3a.endpoint=... (repeatable)").argParser(fileSystemConfArg))
  .action(async (path: string, opts: { where?: string; conf?: [string, string][] }) => {
    await applyHadoopConf(opts.conf);
    const { optimizeCommand } = await import("./delta-maintenance.js");
    await optimizeCommand(path, opts.where !== undefined ? { where: opts.where } : {});
  });
delta
  .command("vacuum")
  .description("Delete files a Delta table no longer references, older than the retention (Delta's VACUUM), with a progress bar")
  .argument("<path>", "the table folder")
  .addOption(new Option("--retain <hours>", "the retention in hours (default 168)").argParser(integerArg(0)))
  .option("--dry-run", "list the files that would be deleted, delete nothing")
  .option("--no-retention-check", "allow a retention under 168 hours (spark.databricks.delta.retentionDurationCheck.enabled=false)")
  .addOption(new Option("--conf <key=value>", "a file-system key for a table on an object store, e.g. fs.s3a.endpoint=... (repeatable)").argParser(fileSystemConfArg))
  .action(async (path: string, opts: { retain?: number; dryRun?: boolean; retentionCheck: boolean; conf?: [string, string][] }) => {
    await applyHadoopConf(opts.conf);
    const { vacuumCommand } = await import("./delta-maintenance.js");
    await vacuumCommand(path, { ...(opts.retain !== undefined ? { retain: opts.retain } : {}), dryRun: opts.dryRun === true, retentionCheck: opts.retentionCheck });
  });
delta
  .command("history")
  .description("Show a Delta table's commits, newest first: version, time, operation, parameters and metrics")
  .argument("<path>", "the table folder")
  .addOption(new Option("--limit <n>", "show at most this many commits").argParser(integerArg(1)))
  .option("--json", "print the history as JSON")
  .addOption(new Option("--conf <key=value>", "a file-system key for a table on an object store, e.g. fs.s3a.endpoint=... or spark.hadoop.fs.s3a.endpoint=... (repeatable)").argParser(fileSystemConfArg))
  .action(async (path: string, opts: { limit?: number; json?: boolean; conf?: [string, string][] }) => {
    await applyHadoopConf(opts.conf);
    const { formatDeltaHistory } = await import("./delta-history.js");
    process.stdout.write(await formatDeltaHistory(path, { ...(opts.limit !== undefined ? { limit: opts.limit } : {}), json: opts.json === true }));
  });

program
  .command("ui")
  .description("Serve the web UI's pages for stopped queries from their checkpoints (and progress event logs), for post-mortems")
  .argument("<checkpointDirs...>", "checkpoint folders (the checkpointLocation of queries)")
  .addOption(new Option("--port <n>", "port to listen on (the next free one when taken; 0: any free port)").default(4040).argParser(portArg))
  .option("--host <address>", "address to listen on", "127.0.0.1")
  .option("--prometheus", "also serve Prometheus metrics at /metrics")
  .addOption(hadoopConfOption())
  .action(async (dirs: string[], opts: { port: number; host: string; prometheus?: boolean; conf?: [string, string][] }) => {
    await applyHadoopConf(opts.conf);
    const { runUiCommand } = await import("./ui-command.js");
    await runUiCommand(dirs, { port: opts.port, host: opts.host, prometheus: opts.prometheus === true });
  });

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof SluiceError) {
    process.stderr.write(`sluice: [${e.code}] ${e.message}\n`);
    process.exit(1);
  }
  throw e;
}
