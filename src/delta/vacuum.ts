/**
 * VACUUM: delete data files the table no longer references, once they are older than the
 * retention (default 168 hours = delta.deletedFileRetentionDuration's 1 week). Steps:
 *   1. refuse a retention below 168 h unless `retentionDurationCheck: false` (Spark's
 *      spark.databricks.delta.retentionDurationCheck.enabled=false) → DELTA_VACUUM_RETENTION_TOO_SHORT;
 *   2. load the latest snapshot (the writer gate applies: vacuumProtocolCheck tables are refused);
 *   3. walk the table folder, skipping `_delta_log` and hidden entries (names starting with `_` or
 *      `.`, except partition folders `name=value` and `_change_data`: no snapshot references a
 *      change data file, so Delta's VACUUM deletes each once it is older than the retention);
 *   4. delete every file that no live add or unexpired tombstone references (as a data file or
 *      as its deletion vector file) and whose
 *      modification time is older than now − retention (unless `dryRun`).
 */
import type { DeletionVectorDescriptor } from "./actions.js";
import { deletionVectorPath } from "./deletion-vector.js";
import type { FileStatus } from "../fs/file-system.js";
import { fileSystemFor } from "../fs/file-systems.js";
import { pathName } from "../fs/path.js";
import { configError } from "../common/errors.js";
import { retention } from "./checkpoint.js";
import { dataFilePath } from "./data-path.js";
import { checkWriteSupported } from "./protocol.js";
import { loadSnapshot } from "./snapshot.js";

export interface VacuumOptions {
  /** Default 168 (one week). */
  readonly retentionHours?: number;
  /** Set false to allow a retention under 168 hours (dangerous with concurrent readers/writers). */
  readonly retentionDurationCheck?: boolean;
  /** List what would be deleted without deleting. */
  readonly dryRun?: boolean;
  /** The current time (ms), for tests. */
  readonly nowMs?: number;
  /** Called as files are deleted (`done` of `total`), for the CLI's progress bar. */
  readonly onProgress?: (done: number, total: number) => void;
}

export interface VacuumResult {
  /** Absolute paths deleted (or that would be deleted in a dry run). */
  readonly deleted: readonly string[];
}

const MIN_RETENTION_HOURS = 168;
/** The change data feed's folder (PROTOCOL.md §Change Data Files), which VACUUM walks. */
const CHANGE_DATA_DIR = "_change_data";

export async function vacuum(tablePath: string, options: VacuumOptions = {}): Promise<VacuumResult> {
  const hours = options.retentionHours ?? MIN_RETENTION_HOURS;
  if (!Number.isFinite(hours) || hours < 0) {
    throw configError("DELTA_VACUUM_RETENTION_INVALID", `VACUUM retention must be a non-negative number of hours, got ${hours}`);
  }
  if (hours < MIN_RETENTION_HOURS && options.retentionDurationCheck !== false) {
    throw configError(
      "DELTA_VACUUM_RETENTION_TOO_SHORT",
      `VACUUM with a retention of ${hours} hours could delete files still needed by concurrent readers or writers of ${tablePath}; ` +
        `the minimum is ${MIN_RETENTION_HOURS} hours. Pass retentionDurationCheck: false to override.`,
      { table: tablePath, retentionHours: hours },
    );
  }
  const snapshot = await loadSnapshot(tablePath);
  checkWriteSupported(snapshot.protocol, snapshot.metadata, tablePath);
  const now = options.nowMs ?? Date.now();
  const tombstoneMs = retention(snapshot.configuration["delta.deletedFileRetentionDuration"]);
  const keep = new Set<string>();
  const keepVector = (dv: DeletionVectorDescriptor | null | undefined) => {
    const file = dv ? deletionVectorPath(tablePath, dv) : null;
    if (file !== null) keep.add(file);
  };
  for (const f of snapshot.files) {
    keep.add(f.absolutePath);
    keepVector(f.deletionVector); // a live file's deletion vector file is as live as the file
  }
  for (const t of snapshot.tombstones) {
    if ((t.deletionTimestamp ?? 0) >= now - Math.min(tombstoneMs, hours * 3_600_000)) {
      keep.add(dataFilePath(tablePath, t.path));
      keepVector(t.deletionVector);
    }
  }
  const cutoff = now - hours * 3_600_000;
  const deleted = [...walk(tablePath)].filter((f) => !keep.has(f.path) && f.modificationTime < cutoff).map((f) => f.path);
  const fs = fileSystemFor(tablePath);
  options.onProgress?.(0, deleted.length);
  if (!options.dryRun) {
    deleted.forEach((path, i) => {
      fs.delete(path, false);
      options.onProgress?.(i + 1, deleted.length);
    });
  }
  return { deleted: deleted.sort() };
}

function* walk(dir: string): Generator<FileStatus> {
  for (const e of fileSystemFor(dir).listStatus(dir)) {
    const name = pathName(e.path);
    const hidden = (name.startsWith("_") || name.startsWith(".")) && !name.includes("=") && name !== CHANGE_DATA_DIR;
    if (hidden) continue;
    if (e.isDirectory) yield* walk(e.path);
    else yield e;
  }
}
