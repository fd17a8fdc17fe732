/**
 * DESCRIBE HISTORY: one entry per commit still in the log, newest first, with the commit's
 * commitInfo fields (Spark's names) plus `version` and `timestamp`: as delta-spark's
 * DeltaHistoryManager, the commit file's modification time made strictly increasing (the one
 * time travel uses, time-travel.ts), or the in-commit timestamp where the table has them.
 */
import { SluiceError } from "../common/errors.js";
import type { CommitInfo } from "./actions.js";
import { LogStore } from "./log-store.js";
import { commitTimestamps } from "./time-travel.js";

export interface HistoryEntry {
  readonly version: number;
  readonly timestamp: Date;
  readonly operation: string | null;
  readonly operationParameters: Readonly<Record<string, unknown>>;
  readonly readVersion: number | null;
  readonly isolationLevel: string | null;
  readonly isBlindAppend: boolean | null;
  readonly operationMetrics: Readonly<Record<string, unknown>>;
  readonly engineInfo: string | null;
  readonly txnId: string | null;
  /** The whole commitInfo as written. */
  readonly commitInfo: CommitInfo | null;
}

/** History of the table at `tablePath`, newest first; at most `limit` entries. */
export async function history(tablePath: string, limit?: number): Promise<HistoryEntry[]> {
  const store = new LogStore(tablePath);
  if (!(await store.exists())) {
    throw new SluiceError("analysis", "DELTA_TABLE_NOT_FOUND", `${tablePath} is not a Delta table: it has no _delta_log folder`, {
      table: tablePath,
    });
  }
  const listed = (await store.list()).commits;
  const fileTimes = commitTimestamps(listed);
  const commits = [...listed].reverse().slice(0, limit ?? Infinity);
  return Promise.all(
    commits.map(async (c) => {
      const info = ((await store.readCommit(c.version)).find((a) => a.kind === "commitInfo")?.value ?? null) as CommitInfo | null;
      const ts = typeof info?.inCommitTimestamp === "number" ? info.inCommitTimestamp : fileTimes.get(c.version)!;
      return {
        version: c.version,
        timestamp: new Date(ts),
        operation: typeof info?.operation === "string" ? info.operation : null,
        operationParameters: info?.operationParameters ?? {},
        readVersion: typeof info?.readVersion === "number" ? info.readVersion : null,
        isolationLevel: typeof info?.isolationLevel === "string" ? info.isolationLevel : null,
        isBlindAppend: typeof info?.isBlindAppend === "boolean" ? info.isBlindAppend : null,
        operationMetrics: info?.operationMetrics ?? {},
        engineInfo: typeof info?.engineInfo === "string" ? info.engineInfo : null,
        txnId: typeof info?.txnId === "string" ? info.txnId : null,
        commitInfo: info,
      };
    }),
  );
}
