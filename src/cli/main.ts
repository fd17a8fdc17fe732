#!/usr/bin/env node
/**
 * The `sluice` command line. Each subcommand documents itself with --help.
 */
import { Command } from "commander";
import { SluiceError } from "../common/errors.js";
import { formatCheckpointReport, inspectCheckpoint } from "./checkpoint-inspect.js";

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

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof SluiceError) {
    process.stderr.write(`sluice: [${e.code}] ${e.message}\n`);
    process.exit(1);
  }
  throw e;
}
