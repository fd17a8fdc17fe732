/**
 * `sluice ui CHECKPOINT_DIR...`: the web UI's pages for stopped queries, for post-mortems.
 *   1. each folder must be a streaming checkpoint (metadata or offsets/), else it is an error;
 *   2. each run logged in its `_events/` (sluice.streaming.eventLog.enabled) becomes a finished
 *      query with its progress, alerts and plan; without a log, the checkpoint alone gives one
 *      query with its health and batches, and a note saying how to record progress;
 *   3. serve until SIGINT/SIGTERM on --port (next free one when taken, as the session's UI).
 */
import { qualifyPath } from "../fs/path.js";
import { readEventLog } from "../ui/event-log.js";
import { type QueryRecord, UiQueryStore, newRecord } from "../ui/query-store.js";
import { type WebUiServer, startWebUiServer } from "../ui/ui-server.js";
import { assertCheckpoint, inspectCheckpoint } from "./checkpoint-inspect.js";

export interface UiCommandOptions {
  readonly port: number;
  readonly host: string;
  readonly prometheus: boolean;
}

/** The queries recorded in these checkpoints; throws NOT_A_CHECKPOINT / PATH_NOT_FOUND naming the folder. */
export function recordsFromCheckpoints(dirs: readonly string[]): QueryRecord[] {
  return dirs.flatMap((d) => {
    const dir = qualifyPath(d);
    assertCheckpoint(dir);
    const logged = readEventLog(dir);
    if (logged.length > 0) return logged;
    const report = inspectCheckpoint(dir);
    const first = report.batches[0];
    const last = report.batches[report.batches.length - 1];
    const id = report.queryId ?? dir;
    const r = newRecord(id, id, null, first ? Date.parse(first.timestamp) : 0);
    r.endedAtMs = last ? Date.parse(last.timestamp) : r.startedAtMs;
    r.checkpointDir = dir;
    r.note = "No progress event log in this checkpoint (run the query with sluice.streaming.eventLog.enabled=true to chart it here); the checkpoint section comes from its logs.";
    return [r];
  });
}

/** Read the checkpoints and start serving them. */
export async function serveCheckpoints(dirs: readonly string[], opts: UiCommandOptions, keepProcessAlive = true): Promise<{ server: WebUiServer; records: QueryRecord[] }> {
  const store = new UiQueryStore();
  const records = recordsFromCheckpoints(dirs);
  for (const r of records) store.add(r);
  const metrics = opts.prometheus ? (await import("../ui/prometheus-metrics.js")).prometheusHandler(store) : undefined;
  const server = await startWebUiServer({ host: opts.host, port: opts.port, maxRetries: 16, store, ...(metrics ? { metrics } : {}), keepProcessAlive });
  return { server, records };
}

/** Serve the pages; resolves once a signal stopped the server. */
export async function runUiCommand(dirs: readonly string[], opts: UiCommandOptions): Promise<void> {
  const { server, records } = await serveCheckpoints(dirs, opts);
  process.stdout.write(`sluice ui: ${records.length} quer${records.length === 1 ? "y" : "ies"} from ${dirs.length} checkpoint${dirs.length === 1 ? "" : "s"} at ${server.url}/StreamingQuery/ (Ctrl-C stops)\n`);
  await new Promise<void>((done) => {
    const stop = (): void => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      void server.close().then(done);
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
}
