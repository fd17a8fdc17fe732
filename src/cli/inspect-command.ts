/**
 * `sluice checkpoint inspect DIR [--limit N] [--json]`: the checkpoint's summary (checkpoint-inspect.ts)
 * with the newest N batches, each stateful operator's stores and their rows read through the state
 * data source (checkpoint-operators.ts), then its health verdict from the web UI's checks
 * (ui/checkpoint-health.ts: uncommitted batch, gaps in the logs, missing state versions, orphaned
 * temp files). Exit status 0 when healthy, 2 when the verdict lists problems; a folder that is
 * not a checkpoint is a SluiceError (exit 1). Reading a log of more than LARGE_LOG batches shows
 * a progress bar on stderr (progress-bar.ts), so stdout holds the report only.
 */
import { Session } from "../session/session.js";
import { checkpointHealth } from "../ui/checkpoint-health.js";
import { formatCheckpointReport, inspectCheckpoint, lastBatches } from "./checkpoint-inspect.js";
import { formatOperatorStates, operatorStates } from "./checkpoint-operators.js";
import { progressOn } from "./progress-bar.js";
import { Terminal, stdoutTerminal } from "./terminal.js";

/** Batches in the offsets log above which reading it shows a progress bar. */
export const LARGE_LOG = 100;

export async function inspectCommand(dir: string, opts: { limit: number; json: boolean }, out: NodeJS.WriteStream = process.stdout, err: NodeJS.WriteStream = process.stderr): Promise<number> {
  const bar = progressOn(err, "reading the offsets log", LARGE_LOG);
  const full = inspectCheckpoint(dir, bar.update);
  bar.finish();
  const report = lastBatches(full, opts.limit);
  const spark = Session.builder().config("spark.ui.enabled", false).getOrCreate();
  const operators = await operatorStates(spark, dir).finally(() => spark.stop());
  const health = checkpointHealth(dir, false);
  if (opts.json) {
    out.write(JSON.stringify({ ...report, operators, totalBatches: full.batches.length, health }, null, 2) + "\n");
    return health.problems.length === 0 ? 0 : 2;
  }
  const term = new Terminal(out, stdoutTerminal(out));
  out.write(formatCheckpointReport(report, full.batches.length) + formatOperatorStates(operators));
  const range = health.firstBatchId === null ? "no batches" : `batches ${health.firstBatchId}..${health.lastBatchId}, last committed ${health.lastCommittedBatchId ?? "none"}`;
  term.line("");
  term.line(`summary: ${range}; ${health.stateStores.length} state store(s); ${(health.sizeBytes / 1024).toFixed(1)} KiB on disk`);
  if (health.problems.length === 0) {
    const next = health.lastCommittedBatchId === null ? 0 : health.lastCommittedBatchId + 1;
    term.line(`health: ${term.style("OK", "green")} — a restart resumes cleanly at batch ${next}`);
    return 0;
  }
  term.line(`health: ${term.style(`${health.problems.length} problem(s)`, "red")}`);
  for (const p of health.problems) term.line(`  - ${p}`);
  return 2;
}
