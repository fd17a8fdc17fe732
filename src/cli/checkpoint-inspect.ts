/**
 * `sluice checkpoint inspect DIR`: what a streaming checkpoint holds — query id and sources, the
 * batches in the offsets and commit logs (and whether the last one is awaiting a re-run), each
 * batch's offsets, watermark and timestamp, and the state stores with their versions. The
 * checkpoint may be on any file system (src/fs): a local folder or an object-store URI.
 */
import { SluiceError } from "../common/errors.js";
import { fileSystemFor } from "../fs/file-systems.js";
import { joinPath, pathName } from "../fs/path.js";
import { CommitLog } from "../streaming/checkpoint/commit-log.js";
import { OffsetSeqLog } from "../streaming/checkpoint/offset-seq-log.js";
import { readStreamMetadata } from "../streaming/checkpoint/stream-metadata-file.js";
import { listStateFiles } from "../streaming/state/state-files.js";

export interface CheckpointReport {
  readonly queryId: string | null;
  readonly sources: readonly string[];
  readonly sink: string | null;
  readonly batches: readonly { batchId: number; committed: boolean; watermarkMs: number; timestamp: string; offsets: readonly (string | null)[] }[];
  readonly state: readonly { store: string; versions: readonly number[]; snapshots: readonly number[] }[];
}

/** Throws PATH_NOT_FOUND or NOT_A_CHECKPOINT (naming the folder) unless `dir` is a streaming checkpoint. */
export function assertCheckpoint(dir: string): void {
  const fs = fileSystemFor(dir);
  if (!fs.exists(dir)) throw new SluiceError("io", "PATH_NOT_FOUND", `No checkpoint at ${dir}: the folder does not exist`, { path: dir });
  if (!fs.exists(joinPath(dir, "metadata")) && !fs.exists(joinPath(dir, "offsets"))) {
    throw new SluiceError("input", "NOT_A_CHECKPOINT", `${dir} is not a streaming checkpoint: it has neither a metadata file nor an offsets/ folder`, { path: dir });
  }
}

/** What the checkpoint at `dir` holds; `onBatch` hears after each batch of the offsets log is read (a large log takes a while). */
export function inspectCheckpoint(dir: string, onBatch: (read: number, total: number) => void = () => {}): CheckpointReport {
  assertCheckpoint(dir);
  let queryId: string | null = null;
  let sources: readonly string[] = [];
  let sink: string | null = null;
  const fs = fileSystemFor(dir);
  if (fs.exists(joinPath(dir, "metadata"))) ({ id: queryId, sources, sink } = readStreamMetadata(dir));
  const offsets = new OffsetSeqLog(joinPath(dir, "offsets"));
  const commits = new CommitLog(joinPath(dir, "commits"));
  const committed = new Set(commits.listBatchIds());
  // Without metadata, the id the offsets log records is the one a restart rebuilds it with.
  queryId ??= offsets.getLatest()?.entry.metadata.queryId ?? null;
  const ids = offsets.listBatchIds();
  const batches = ids.map((id, i) => {
    const e = offsets.get(id)!;
    onBatch(i + 1, ids.length);
    return {
      batchId: id,
      committed: committed.has(id),
      watermarkMs: e.metadata.batchWatermarkMs,
      timestamp: new Date(e.metadata.batchTimestampMs).toISOString(),
      offsets: e.offsets,
    };
  });
  const state: { store: string; versions: number[]; snapshots: number[] }[] = [];
  const walk = (d: string, rel: string): void => {
    if (!fs.exists(d)) return;
    const files = listStateFiles(d);
    if (files.deltas.size > 0 || files.snapshots.length > 0) {
      state.push({ store: rel, versions: [...files.deltas].sort((a, b) => a - b), snapshots: files.snapshots });
    }
    for (const e of fs.listStatus(d)) {
      const name = pathName(e.path);
      if (e.isDirectory && !name.startsWith("_")) walk(e.path, rel ? `${rel}/${name}` : name);
    }
  };
  walk(joinPath(dir, "state"), "");
  return { queryId, sources, sink, batches, state };
}

/** The newest `limit` batches (all when undefined). */
export function lastBatches(r: CheckpointReport, limit: number | undefined): CheckpointReport {
  return limit === undefined || r.batches.length <= limit ? r : { ...r, batches: r.batches.slice(r.batches.length - limit) };
}

/** The report as text; `shownOf` is the batch count before `lastBatches` cut the list. */
export function formatCheckpointReport(r: CheckpointReport, shownOf = r.batches.length): string {
  const lines = [`query id: ${r.queryId ?? "(no metadata)"}`, `sources:  ${r.sources.join(", ") || "-"}`, `sink:     ${r.sink ?? "-"}`, "", "batch  committed  watermark                 timestamp                 offsets"];
  if (shownOf > r.batches.length) lines.push(`(${shownOf - r.batches.length} earlier batches not shown; --limit N shows more)`);
  for (const b of r.batches) {
    lines.push(`${String(b.batchId).padEnd(6)} ${(b.committed ? "yes" : "NO (re-run on restart)").padEnd(10)} ${new Date(b.watermarkMs).toISOString().padEnd(25)} ${b.timestamp.padEnd(25)} ${b.offsets.map((o) => o ?? "-").join(" | ")}`);
  }
  if (r.batches.length === 0) lines.push("(no batches yet)");
  if (r.state.length > 0) {
    lines.push("", "state stores:");
    for (const s of r.state) lines.push(`  ${s.store}: versions ${s.versions[0] ?? "-"}..${s.versions[s.versions.length - 1] ?? "-"}, snapshots [${s.snapshots.join(", ")}]`);
  }
  return lines.join("\n") + "\n";
}
