/**
 * A checkpoint's health as the web UI shows it, read without changing anything (a running query
 * owns its checkpoint): the batches its logs hold, whether the last one is committed, gaps in the
 * offsets and commit logs, gaps in each state store's versions, temp files left by interrupted
 * writes, and its size on disk. `problems` empty means a restart resumes cleanly.
 */
import { inspectCheckpoint } from "../cli/checkpoint-inspect.js";
import { fileSystemFor } from "../fs/file-systems.js";
import { pathName } from "../fs/path.js";

export interface CheckpointHealth {
  readonly path: string;
  readonly queryId: string | null;
  readonly firstBatchId: number | null;
  readonly lastBatchId: number | null;
  readonly lastCommittedBatchId: number | null;
  /** The newest logged batch has no commit yet: running now, or re-run on restart. */
  readonly uncommittedBatchId: number | null;
  readonly stateStores: readonly { readonly store: string; readonly latestVersion: number | null; readonly snapshots: number }[];
  readonly tempFiles: number;
  readonly sizeBytes: number;
  readonly problems: readonly string[];
}

const TEMP_FILE = /^\..+\.[0-9a-f-]{36}\.tmp$/;

export function checkpointHealth(path: string, active: boolean): CheckpointHealth {
  const problems: string[] = [];
  let report;
  try {
    report = inspectCheckpoint(path);
  } catch (e) {
    return { path, queryId: null, firstBatchId: null, lastBatchId: null, lastCommittedBatchId: null, uncommittedBatchId: null, stateStores: [], tempFiles: 0, sizeBytes: 0, problems: [(e as Error).message] };
  }
  const ids = report.batches.map((b) => b.batchId);
  const committed = report.batches.filter((b) => b.committed).map((b) => b.batchId);
  const last = report.batches[report.batches.length - 1];
  const firstGap = ids.findIndex((id, i) => i > 0 && id !== ids[i - 1]! + 1);
  if (firstGap > 0) problems.push(`offsets log has a gap: batch ${ids[firstGap - 1]! + 1} is missing`);
  const uncommitted = report.batches.filter((b) => !b.committed);
  if (uncommitted.length > 1 || (uncommitted.length === 1 && uncommitted[0] !== last)) {
    problems.push(`batches ${uncommitted.map((b) => b.batchId).join(", ")} have no commit although later batches do`);
  }
  if (last && !last.committed && !active) problems.push(`batch ${last.batchId} is not committed: it re-runs on restart`);
  if (!report.queryId && report.batches.length > 0) problems.push("the metadata file (query id) is missing");
  const stateStores = report.state.map((s) => {
    const latest = s.versions[s.versions.length - 1] ?? s.snapshots[s.snapshots.length - 1] ?? null;
    const base = s.snapshots.filter((v) => latest === null || v <= latest).pop() ?? s.versions[0];
    if (latest !== null && base !== undefined) {
      const have = new Set(s.versions);
      for (let v = base + 1; v <= latest; v++) {
        if (!have.has(v)) {
          problems.push(`state store ${s.store} lacks version ${v} (between ${base} and ${latest})`);
          break;
        }
      }
    }
    return { store: s.store, latestVersion: latest, snapshots: s.snapshots.length };
  });
  const { bytes, tempFiles } = walk(path);
  if (tempFiles > 0 && !active) problems.push(`${tempFiles} temp file(s) of interrupted writes (removed at the next start)`);
  return {
    path,
    queryId: report.queryId,
    firstBatchId: ids[0] ?? null,
    lastBatchId: last?.batchId ?? null,
    lastCommittedBatchId: committed[committed.length - 1] ?? null,
    uncommittedBatchId: last && !last.committed ? last.batchId : null,
    stateStores,
    tempFiles,
    sizeBytes: bytes,
    problems,
  };
}

/** Total bytes and count of temp files under `dir` (on any file system). */
function walk(dir: string): { bytes: number; tempFiles: number } {
  const fs = fileSystemFor(dir);
  let bytes = 0;
  let temps = 0;
  const visit = (d: string): void => {
    let entries;
    try {
      entries = fs.listStatus(d);
    } catch {
      return; // removed while we looked (purge of old log entries)
    }
    for (const e of entries) {
      if (e.isDirectory) visit(e.path);
      else {
        if (TEMP_FILE.test(pathName(e.path))) temps++;
        bytes += e.length;
      }
    }
  };
  visit(dir);
  return { bytes, tempFiles: temps };
}
