/**
 * Reading a Delta table: the schema at analysis time (synchronous, as the analyzer needs it),
 * and DeltaScanExec, which reads the live data files of one snapshot through the Parquet reader
 * and fills in the partition columns from the log's partition values.
 *
 * `peekDeltaTable` finds the version (latest, `versionAsOf` or `timestampAsOf`) and its metaData
 * by reading commits backwards from that version down to the newest checkpoint at or below it.
 */
import { fileSystemFor } from "../../fs/file-systems.js";
import { joinPath, pathName } from "../../fs/path.js";
import { type ColumnBatch, filterBatch, makeBatch } from "../../columnar/column-batch.js";
import { constantVector } from "../../columnar/vector.js";
import { SluiceError, configError, inputError } from "../../common/errors.js";
import { type Metadata, parseCommit } from "../../delta/actions.js";
import { readCheckpoint } from "../../delta/checkpoint-reader.js";
import { type ColumnMappingMode, PHYSICAL_NAME_KEY, logicalColumns } from "../../delta/column-mapping.js";
import { loadDeletionVector } from "../../delta/deletion-vector.js";
import { readParquetFile as readArrowFile } from "../../delta/parquet-io.js";
import { LOG_DIR } from "../../delta/log-store.js";
import type { ActiveFile, Snapshot } from "../../delta/snapshot.js";
import { commitTimestamps, versionAtTimestamp } from "../../delta/time-travel.js";
import type { ExecutionPlan, TaskContext } from "../../physical/execution-plan.js";
import type { DataType } from "../../types/data-type.js";
import { StructType } from "../../types/struct-type.js";
import { readParquetFile } from "../files/parquet-format.js";

export interface DeltaTableInfo {
  readonly version: number;
  /** The table id (metaData.id). */
  readonly id: string;
  readonly schema: StructType;
  readonly partitionColumns: readonly string[];
}

/** `versionAsOf` / `timestampAsOf` from reader options (keys case-insensitive). */
export function timeTravelOptions(options: Readonly<Record<string, string>>): { version?: number; timestamp?: string } {
  const o = Object.fromEntries(Object.entries(options).map(([k, v]) => [k.toLowerCase(), v]));
  const v = o.versionasof;
  const t = o.timestampasof;
  if (v !== undefined && t !== undefined) {
    throw configError("DELTA_ONLY_ONE_OF_VERSION_AND_TIMESTAMP", "Cannot specify both versionAsOf and timestampAsOf; use one of them");
  }
  if (v !== undefined) {
    if (!/^\d+$/.test(v.trim())) throw configError("INVALID_OPTION", `versionAsOf must be a non-negative integer, got ${JSON.stringify(v)}`, { option: "versionAsOf" });
    return { version: Number(v) };
  }
  return t !== undefined ? { timestamp: t } : {};
}

const COMMIT_RE = /^(\d{20})\.json$/;
/** Single-file checkpoints: classic, or V2 (UUID-named, JSON or Parquet). */
const CHECKPOINT_RE = /^(\d{20})\.checkpoint(\.[0-9a-fA-F-]{36}\.(?:json|parquet)|\.parquet)$/;

/** Version, schema and partitioning of the table at `tablePath` (synchronously). */
export function peekDeltaTable(tablePath: string, at: { version?: number; timestamp?: string } = {}): DeltaTableInfo {
  const logPath = joinPath(tablePath, LOG_DIR);
  const fs = fileSystemFor(logPath);
  const listed = fs.listStatus(logPath);
  if (listed.length === 0 && !fs.exists(logPath)) throw notDelta(tablePath, "it has no _delta_log folder");
  const names = listed.map((s) => pathName(s.path));
  const mtimes = new Map(listed.map((s) => [pathName(s.path), s.modificationTime]));
  const commits = names.map((n) => COMMIT_RE.exec(n)).filter((m): m is RegExpExecArray => m !== null).map((m) => Number(m[1])).sort((a, b) => a - b);
  const checkpointFiles = new Map(names.map((n) => CHECKPOINT_RE.exec(n)).filter((m): m is RegExpExecArray => m !== null).map((m) => [Number(m[1]), m[0]] as const));
  const checkpoints = [...checkpointFiles.keys()].sort((a, b) => a - b);
  const latest = Math.max(commits.at(-1) ?? -1, checkpoints.at(-1) ?? -1);
  if (latest < 0) throw notDelta(tablePath, "its _delta_log folder holds no commit");
  let target = latest;
  if (at.version !== undefined) {
    if (at.version > latest) {
      throw new SluiceError("input", "DELTA_VERSION_NOT_FOUND", `Cannot time travel Delta table ${tablePath} to version ${at.version}: available versions are up to ${latest}`, {
        table: tablePath,
        version: at.version,
      });
    }
    target = at.version;
  } else if (at.timestamp !== undefined) {
    const refs = commits.map((v) => {
      const name = `${String(v).padStart(20, "0")}.json`;
      return { version: v, path: joinPath(logPath, name), mtimeMs: Math.floor(mtimes.get(name) ?? 0) };
    });
    target = versionAtTimestamp(tablePath, commitTimestamps(refs), at.timestamp, checkpoints[0] !== undefined && commits[0] !== 0 ? checkpoints[0] : 0);
  }
  const cp = checkpoints.filter((v) => v <= target).at(-1) ?? -1;
  let md: Metadata | undefined;
  for (let v = target; v > cp && !md; v--) {
    const name = `${String(v).padStart(20, "0")}.json`;
    if (!mtimes.has(name)) continue;
    const file = joinPath(logPath, name);
    for (const a of parseCommit(fs.open(file).toString("utf8"), file)) if (a.kind === "metaData") md = a.value;
  }
  if (!md && cp >= 0) {
    const path = joinPath(logPath, checkpointFiles.get(cp)!);
    for (const a of readCheckpoint({ version: cp, parts: 1, paths: [path], complete: true })) if (a.kind === "metaData") md = a.value;
  }
  if (!md) throw new SluiceError("input", "DELTA_STATE_RECOVER_ERROR", `Cannot read Delta table ${tablePath} at version ${target}: the log holds no metaData action`, { table: tablePath });
  return { version: target, id: md.id, schema: StructType.fromJson(md.schemaString), partitionColumns: md.partitionColumns };
}

function notDelta(table: string, why: string): SluiceError {
  return new SluiceError("analysis", "DELTA_TABLE_NOT_FOUND", `${table} is not a Delta table: ${why}. Check the path, or create the table by writing to it first.`, { table });
}

/** Reads the given files of a snapshot (all live files by default) in the table's schema. */
export class DeltaScanExec implements ExecutionPlan {
  readonly name = "DeltaScanExec";
  readonly children: readonly ExecutionPlan[] = [];
  readonly schema: StructType;

  constructor(
    readonly tablePath: string,
    readonly snapshot: () => Promise<Snapshot>,
    schema: StructType,
    readonly files?: (s: Snapshot) => readonly ActiveFile[],
  ) {
    this.schema = schema;
  }

  async *execute(ctx: TaskContext): AsyncIterable<ColumnBatch> {
    const snap = await this.snapshot();
    yield* readDeltaFiles(this.files ? this.files(snap) : snap.files, this.schema, snap.partitionColumns, ctx.batchSize, snap.columnMapping);
  }

  describe(): string {
    return `DeltaScanExec: ${this.tablePath}`;
  }
}

/**
 * Batches of `schema` from Delta data files; partition columns come from the files' partition
 * values, and rows a file's deletion vector marks deleted are left out (row indexes count the
 * file's rows from 0 in file order, as the protocol defines them). With column mapping (`mode`,
 * by default `name` when the schema carries physical names) or type changes in the schema,
 * columns are resolved and widened by column-mapping.ts.
 */
export async function* readDeltaFiles(
  files: readonly ActiveFile[],
  schema: StructType,
  partitionColumns: readonly string[],
  batchSize: number,
  mode: ColumnMappingMode = schema.fields.some((f) => f.metadata?.[PHYSICAL_NAME_KEY] !== undefined) ? "name" : "none",
): AsyncGenerator<ColumnBatch> {
  const lowerParts = new Set(partitionColumns.map((c) => c.toLowerCase()));
  const dataSchema = new StructType(schema.fields.filter((f) => !lowerParts.has(f.name.toLowerCase())));
  const mapped = mode !== "none" || hasTypeChanges(dataSchema);
  for (const f of files) {
    const deleted = f.deletionVector ? loadDeletionVector(f.tablePath, f.deletionVector, f.path) : null;
    let rowIndex = 0; // of the file's first row in this batch, for the deletion vector
    let next = 0; // position in `deleted` of the first deleted index ≥ rowIndex
    for await (const raw of mapped ? mappedBatches(f.absolutePath, dataSchema, mode) : readParquetFile(f.absolutePath, dataSchema, batchSize)) {
      let b = raw;
      if (deleted && next < deleted.length && deleted[next]! < rowIndex + raw.numRows) {
        const keep = new Uint8Array(raw.numRows).fill(1);
        for (; next < deleted.length && deleted[next]! < rowIndex + raw.numRows; next++) keep[deleted[next]! - rowIndex] = 0;
        b = filterBatch(raw, keep);
      }
      rowIndex += raw.numRows;
      const cols = schema.fields.map((field) => {
        if (lowerParts.has(field.name.toLowerCase())) {
          const key = Object.keys(f.partitionData).find((k) => k.toLowerCase() === field.name.toLowerCase());
          return constantVector(field.type, key === undefined ? null : f.partitionData[key], b.numRows);
        }
        return b.columns[dataSchema.indexOf(field.name)]!;
      });
      yield makeBatch(schema, cols, b.numRows);
    }
    if (deleted && next < deleted.length) {
      throw inputError(
        "DELTA_DELETION_VECTOR_INVALID",
        `Cannot read the deletion vector of ${f.path} in Delta table ${f.tablePath}: it deletes row ${deleted[next]}, but the file has ${rowIndex} rows`,
        { table: f.tablePath, file: f.path },
      );
    }
  }
}

/** A data file's batches with columns found by column mapping and widened to the table's types. */
function* mappedBatches(path: string, schema: StructType, mode: ColumnMappingMode): Generator<ColumnBatch> {
  for (const rb of readArrowFile(path).batches) yield makeBatch(schema, logicalColumns(rb, schema, mode, path), rb.numRows);
}

/** True when a field (at any level) records a type change (typeWidening's `delta.typeChanges`). */
function hasTypeChanges(t: DataType): boolean {
  switch (t.kind) {
    case "struct":
      return t.fields.some((f) => f.metadata?.["delta.typeChanges"] !== undefined || hasTypeChanges(f.type));
    case "array":
      return hasTypeChanges(t.elementType);
    case "map":
      return hasTypeChanges(t.keyType) || hasTypeChanges(t.valueType);
    default:
      return false;
  }
}
