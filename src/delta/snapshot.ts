/**
 * The state of a Delta table at one version, rebuilt from its log (PROTOCOL.md §Checkpoints,
 * §Action Reconciliation, §Protocol Evolution). Steps of `loadSnapshot`:
 *   1. no `_delta_log` (or no commit and no checkpoint in it) → DELTA_TABLE_NOT_FOUND;
 *   2. resolve the target version (latest, `version`, or the commit in force at `timestamp`);
 *   3. pick the newest complete checkpoint ≤ target from the listing (so a missing, corrupt or
 *      stale `_last_checkpoint` hint is harmless, as the protocol requires); a checkpoint that
 *      cannot be read falls back to an older one, then to replay from version 0;
 *   4. require every commit from checkpoint+1 (or 0) to the target, then replay them in order;
 *   5. require a protocol and a metaData, run the reader gate, parse the schema and the files.
 */
import { SluiceError, inputError } from "../common/errors.js";
import { StructType } from "../types/struct-type.js";
import type { AddFile, Metadata, Protocol, RemoveFile } from "./actions.js";
import { readCheckpoint } from "./checkpoint-reader.js";
import { type ColumnMappingMode, columnMappingMode, physicalName } from "./column-mapping.js";
import { dataFilePath } from "./data-path.js";
import { LogReplay } from "./log-replay.js";
import { type CheckpointRef, type CommitFileRef, type LogListing, LogStore } from "./log-store.js";
import { parsePartitionValue } from "./partition-values.js";
import { checkReadSupported } from "./protocol.js";
import { type FileStats, parseStats } from "./stats.js";
import { commitTimestamps, versionAtTimestamp } from "./time-travel.js";

/** A live data file: the add action, its file-system path, parsed stats and typed partition values. */
export interface ActiveFile extends AddFile {
  /** The table root, against which a deletion vector file ('u') is found. */
  readonly tablePath: string;
  readonly absolutePath: string;
  readonly parsedStats: FileStats | null;
  /** Engine values (see columnar/values.ts) keyed by partition column. */
  readonly partitionData: Readonly<Record<string, unknown>>;
}

export interface Snapshot {
  readonly tablePath: string;
  readonly version: number;
  readonly protocol: Protocol;
  readonly metadata: Metadata;
  readonly schema: StructType;
  readonly partitionColumns: readonly string[];
  /** How columns are found in data files and partition values (column-mapping.ts). */
  readonly columnMapping: ColumnMappingMode;
  readonly configuration: Readonly<Record<string, string>>;
  readonly files: readonly ActiveFile[];
  /** Removed files still kept as tombstones (for VACUUM). */
  readonly tombstones: readonly RemoveFile[];
  /** Latest txn version per appId. */
  readonly txnVersions: ReadonlyMap<string, number>;
  /** Commit timestamps (ms) of the versions whose commit files are listed, made strictly increasing. */
  readonly timestamps: ReadonlyMap<number, number>;
}

export interface SnapshotOptions {
  /** Time travel to this version (`versionAsOf`). */
  readonly version?: number;
  /** Time travel to the latest commit at or before this time (`timestampAsOf`). */
  readonly timestamp?: Date | number | string;
}

/** Load the snapshot of the table at `tablePath` (latest, or as of a version or timestamp). */
export async function loadSnapshot(tablePath: string, options: SnapshotOptions = {}): Promise<Snapshot> {
  const store = new LogStore(tablePath);
  if (!(await store.exists())) throw notFound(tablePath, "it has no _delta_log folder");
  const listing = await store.list();
  const latest = latestVersion(listing);
  if (latest < 0) throw notFound(tablePath, "its _delta_log folder holds no commit or checkpoint");
  const timestamps = commitTimestamps(listing.commits);
  let target = latest;
  if (options.version !== undefined) {
    if (!Number.isInteger(options.version) || options.version < 0 || options.version > latest) {
      throw new SluiceError(
        "input",
        "DELTA_VERSION_NOT_FOUND",
        `Cannot time travel Delta table ${tablePath} to version ${options.version}: available versions are up to ${latest}`,
        { table: tablePath, version: options.version, latest },
      );
    }
    target = options.version;
  } else if (options.timestamp !== undefined) {
    target = versionAtTimestamp(tablePath, timestamps, options.timestamp, earliestRecreatable(listing));
  }
  for (const cp of checkpointCandidates(listing, target)) {
    const replay = new LogReplay(tablePath);
    try {
      replay.apply(readCheckpoint(cp), { file: cp.paths.join(", "), version: cp.version });
    } catch (e) {
      if (e instanceof SluiceError && (e.code === "PARQUET_READ_FAILED" || e.code === "DELTA_CHECKPOINT_READ_FAILED")) continue; // try an older one
      throw e;
    }
    return finish(store, listing, replay, cp.version, target, timestamps);
  }
  return finish(store, listing, new LogReplay(tablePath), -1, target, timestamps);
}

async function finish(
  store: LogStore,
  listing: LogListing,
  replay: LogReplay,
  fromVersion: number,
  target: number,
  timestamps: ReadonlyMap<number, number>,
): Promise<Snapshot> {
  const table = store.tablePath;
  const byVersion = new Map<number, CommitFileRef>(listing.commits.map((c) => [c.version, c]));
  for (let v = fromVersion + 1; v <= target; v++) {
    if (!byVersion.has(v)) {
      throw inputError(
        "DELTA_VERSIONS_NOT_CONTIGUOUS",
        `Cannot reconstruct Delta table ${table} at version ${target}: commit ${v} is missing from the log ` +
          `(${fromVersion < 0 ? "no usable checkpoint" : `replaying from the checkpoint at ${fromVersion}`}). ` +
          `The log is damaged or was cleaned up past this version.`,
        { table, version: v },
      );
    }
  }
  const versions = range(fromVersion + 1, target);
  const commits = await Promise.all(versions.map((v) => store.readCommit(v)));
  commits.forEach((c, i) => replay.apply(c, { file: byVersion.get(versions[i]!)!.path, version: versions[i]! }));
  const { protocol, metadata } = replay;
  if (!protocol || !metadata) {
    throw inputError(
      "DELTA_STATE_RECOVER_ERROR",
      `Cannot reconstruct Delta table ${table} at version ${target}: the log holds no ${!protocol ? "protocol" : "metaData"} action. The table is damaged.`,
      { table, version: target },
    );
  }
  checkReadSupported(protocol, metadata, table);
  const schema = parseSchema(metadata, table);
  const partTypes = metadata.partitionColumns.map((c) => {
    const i = schema.indexOf(c);
    if (i < 0) {
      throw inputError("DELTA_INVALID_PARTITION_COLUMN", `Partition column \`${c}\` of Delta table ${table} is not in its schema`, {
        table,
        column: c,
      });
    }
    return schema.fields[i]!;
  });
  const columnMapping = columnMappingMode(metadata.configuration, table);
  const files: ActiveFile[] = [];
  for (const add of replay.files.values()) {
    const partitionData: Record<string, unknown> = {};
    for (const f of partTypes) partitionData[f.name] = parsePartitionValue(lookup(add.partitionValues, physicalName(f, columnMapping)), f.type, f.name);
    files.push({ ...add, tablePath: table, absolutePath: dataFilePath(table, add.path), parsedStats: parseStats(add.stats, add.path), partitionData });
  }
  const txnVersions = new Map<string, number>();
  for (const [appId, t] of replay.txns) txnVersions.set(appId, t.version);
  return {
    tablePath: table,
    version: target,
    protocol,
    metadata,
    schema,
    partitionColumns: metadata.partitionColumns,
    columnMapping,
    configuration: metadata.configuration,
    files,
    tombstones: [...replay.tombstones.values()],
    txnVersions,
    timestamps,
  };
}

/** The latest txn version for `appId`, or -1 (Spark's `txnVersion`). */
export const txnVersion = (snapshot: Snapshot, appId: string): number => snapshot.txnVersions.get(appId) ?? -1;

/** The latest version in the listing, or -1 for an empty log. */
export function latestVersion(listing: LogListing): number {
  const c = listing.commits.at(-1)?.version ?? -1;
  const cp = listing.checkpoints.filter((x) => x.complete).at(-1)?.version ?? -1;
  return Math.max(c, cp);
}

/**
 * Complete checkpoints ≤ target, newest first. The log folder is always listed (cheap on a local
 * file system), so `_last_checkpoint` is not needed: a corrupt or stale hint changes nothing.
 */
function checkpointCandidates(listing: LogListing, target: number): CheckpointRef[] {
  return listing.checkpoints.filter((c) => c.complete && c.version <= target).reverse();
}

/** The earliest version a snapshot can be rebuilt at: 0, or the oldest complete checkpoint. */
function earliestRecreatable(listing: LogListing): number {
  if (listing.commits[0]?.version === 0) return 0;
  return listing.checkpoints.find((c) => c.complete)?.version ?? listing.commits[0]?.version ?? 0;
}

function parseSchema(md: Metadata, table: string): StructType {
  try {
    return StructType.fromJson(md.schemaString);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    const code = e instanceof SluiceError && e.code === "UNSUPPORTED_DATA_TYPE" ? "DELTA_UNSUPPORTED_DATA_TYPE" : "DELTA_INVALID_SCHEMA";
    throw new SluiceError(
      code === "DELTA_UNSUPPORTED_DATA_TYPE" ? "unsupported" : "input",
      code,
      `Cannot read the schema of Delta table ${table}: ${msg}`,
      { table },
      { cause: e },
    );
  }
}

/** Partition values are matched to columns case-insensitively, as Spark does. */
function lookup(pv: Readonly<Record<string, string | null>>, name: string): string | null {
  if (name in pv) return pv[name] ?? null;
  const lower = name.toLowerCase();
  for (const [k, v] of Object.entries(pv)) if (k.toLowerCase() === lower) return v;
  return null;
}

const range = (from: number, to: number): number[] => Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);

function notFound(table: string, why: string): SluiceError {
  return new SluiceError(
    "analysis",
    "DELTA_TABLE_NOT_FOUND",
    `${table} is not a Delta table: ${why}. Check the path, or create the table by writing to it first.`,
    { table },
  );
}
