/**
 * RESTORE a Delta table to an earlier version (Delta's RestoreTableCommand). Steps:
 *   1. read the latest snapshot and the snapshot at the version (or the commit in force at the
 *      timestamp) to restore; a version past the latest fails with DELTA_CANNOT_RESTORE_TABLE_VERSION;
 *   2. files live then but not now are added again (dataChange = true) — every one must still
 *      exist, else DELTA_RESTORE_MISSING_FILES names them (VACUUM has deleted them);
 *   3. files live now but not then are removed;
 *   4. the old metadata (schema, partitioning, properties) comes back when it differs; the
 *      protocol is never lowered;
 *   5. commit as operation RESTORE, and return Delta's metrics.
 */
import { SluiceError } from "../../common/errors.js";
import { fileSystemFor } from "../../fs/file-systems.js";
import type { AddFile } from "../actions.js";
import { type ActiveFile, type SnapshotOptions, loadSnapshot } from "../snapshot.js";
import { OptimisticTransaction } from "../transaction.js";
import { removeOf } from "./target-rows.js";

/** What RESTORE returns (Delta's column names, as numbers). */
export interface RestoreMetrics {
  readonly table_size_after_restore: number;
  readonly num_of_files_after_restore: number;
  readonly num_removed_files: number;
  readonly num_restored_files: number;
  readonly removed_files_size: number;
  readonly restored_files_size: number;
}

export async function executeRestore(tablePath: string, at: SnapshotOptions): Promise<RestoreMetrics> {
  const tx = await OptimisticTransaction.start(tablePath);
  const current = tx.snapshot;
  if (!current) throw new SluiceError("analysis", "DELTA_TABLE_NOT_FOUND", `${tablePath} is not a Delta table`, { table: tablePath });
  if (at.version !== undefined && (at.version > current.version || at.version < 0)) {
    throw new SluiceError(
      "analysis",
      "DELTA_CANNOT_RESTORE_TABLE_VERSION",
      `Cannot restore Delta table ${tablePath} to version ${at.version}. Available versions: [0, ${current.version}].`,
      { table: tablePath, version: at.version },
    );
  }
  const target = await loadSnapshot(tablePath, at);
  const now = new Set(current.files.map((f) => f.path));
  const then = new Set(target.files.map((f) => f.path));
  const restored = target.files.filter((f) => !now.has(f.path));
  const removed = current.files.filter((f) => !then.has(f.path));
  const missing = restored.filter((f) => !fileSystemFor(f.absolutePath).exists(f.absolutePath));
  if (missing.length > 0) {
    throw new SluiceError(
      "execution",
      "DELTA_RESTORE_MISSING_FILES",
      `Cannot restore Delta table ${tablePath} to version ${target.version}: ${missing.length} data file(s) of that version no longer exist ` +
        `(deleted by VACUUM?), e.g. ${missing[0]!.path}`,
      { table: tablePath, version: target.version, missing: missing.map((f) => f.path).join(", ") },
    );
  }
  const md = target.metadata;
  const cur = current.metadata;
  if (md.schemaString !== cur.schemaString || JSON.stringify(md.partitionColumns) !== JSON.stringify(cur.partitionColumns) || JSON.stringify(md.configuration) !== JSON.stringify(cur.configuration)) {
    tx.updateMetadata({ schemaString: md.schemaString, partitionColumns: md.partitionColumns, configuration: md.configuration });
  }
  tx.readWholeTable();
  const ts = Date.now();
  for (const f of removed) tx.remove(removeOf(f, ts, { stats: true }));
  for (const f of restored) tx.add({ ...addOf(f), dataChange: true });
  const size = (fs: readonly ActiveFile[]) => fs.reduce((s, f) => s + f.size, 0);
  const m: RestoreMetrics = {
    table_size_after_restore: size(target.files),
    num_of_files_after_restore: target.files.length,
    num_removed_files: removed.length,
    num_restored_files: restored.length,
    removed_files_size: size(removed),
    restored_files_size: size(restored),
  };
  await tx.commit({
    operation: "RESTORE",
    operationParameters: { version: at.timestamp === undefined ? target.version : null, timestamp: at.timestamp === undefined ? null : String(at.timestamp) },
    operationMetrics: {
      tableSizeAfterRestore: String(m.table_size_after_restore),
      numOfFilesAfterRestore: String(m.num_of_files_after_restore),
      numRemovedFiles: String(m.num_removed_files),
      numRestoredFiles: String(m.num_restored_files),
      removedFilesSize: String(m.removed_files_size),
      restoredFilesSize: String(m.restored_files_size),
    },
  });
  return m;
}

/** The add action of a live file, without the fields the snapshot derived from it. */
export function addOf(f: ActiveFile): AddFile {
  const opt = <K extends keyof AddFile>(k: K) => (f[k] !== undefined ? { [k]: f[k] } : {});
  return {
    path: f.path,
    partitionValues: f.partitionValues,
    size: f.size,
    modificationTime: f.modificationTime,
    dataChange: f.dataChange,
    ...opt("stats"),
    ...opt("tags"),
    ...opt("deletionVector"),
    ...opt("baseRowId"),
    ...opt("defaultRowCommitVersion"),
    ...opt("clusteringProvider"),
  };
}
