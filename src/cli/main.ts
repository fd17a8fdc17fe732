#!/usr/bin/env node
/**
 * The `sluice` command line. Each subcommand documents itself with --help.
 */
import { Command } from "commander";
import { SluiceError } from "../common/errors.js";
import { formatCheckpointReport, inspectCheckpoint } from "./checkpoint-inspect.js";
import { runDemo } from "./demo.js";
import { formatDeltaHistory } from "./delta-history.js";

const program = new Command();
program.name("sluice").description("Structured Streaming for TypeScript").version("0.1.0");

const checkpoint = program.command("checkpoint").description("Work with streaming checkpoints");
checkpoint
  .command("inspect")
  .description("Show a checkpoint's query id, batches (committed or pending re-run), offsets, watermarks and state stores")
  .argument("<dir>", "checkpoint folder (the checkpointLocation of a query)")
  .option("--json", "print the report as JSON")
  .action((dir: string, opts: { json?: boolean }) => {
    const report = inspectCheckpoint(dir);
    process.stdout.write(opts.json ? JSON.stringify(report, null, 2) + "\n" : formatCheckpointReport(report));
  });

// `sluice demo` and `sluice delta history` (src/cli/demo.ts, src/cli/delta-history.ts)
program
  .command("demo")
  .description("Run the reference pipeline: generated events → JSON → watermark → dedup → 5-minute windows → a local Delta table (resumes on re-run)")
  .option("--dir <folder>", "where the Delta table and checkpoints go", "./sluice-demo")
  .option("--events <n>", "stop after this many more events (default: run until Ctrl-C)")
  .option("--rate <n>", "events per micro-batch (at most half the 20k on-time warm-up, so late events meet a watermark)", "10000")
  .action(async (opts: { dir: string; events?: string; rate: string }) => {
    const positive = (v: string, what: string) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n <= 0) throw new SluiceError("config", "INVALID_OPTION", `${what} must be a positive integer, got ${JSON.stringify(v)}`);
      return n;
    };
    await runDemo({ dir: opts.dir, rate: positive(opts.rate, "--rate"), ...(opts.events !== undefined ? { events: positive(opts.events, "--events") } : {}) });
  });
program
  .command("delta")
  .description("Work with Delta tables")
  .command("history")
  .description("Show a Delta table's commits, newest first: version, time, operation, parameters and metrics")
  .argument("<path>", "the table folder")
  .option("--limit <n>", "show at most this many commits")
  .option("--json", "print the history as JSON")
  .action(async (path: string, opts: { limit?: string; json?: boolean }) => {
    process.stdout.write(await formatDeltaHistory(path, { ...(opts.limit ? { limit: Number(opts.limit) } : {}), json: opts.json === true }));
  });

program
  .command("ui")
  .description("Serve the web UI's pages for stopped queries from their checkpoints (and progress event logs), for post-mortems")
  .argument("<checkpointDirs...>", "checkpoint folders (the checkpointLocation of queries)")
  .option("--port <n>", "port to listen on (the next free one when taken; 0: any free port)", "4040")
  .option("--host <address>", "address to listen on", "127.0.0.1")
  .option("--prometheus", "also serve Prometheus metrics at /metrics")
  .action(async (dirs: string[], opts: { port: string; host: string; prometheus?: boolean }) => {
    const { parsePort, runUiCommand } = await import("./ui-command.js");
    await runUiCommand(dirs, { port: parsePort(opts.port), host: opts.host, prometheus: opts.prometheus === true });
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
