/**
 * The schema tracking log of a Delta streaming source (delta-spark's
 * DeltaSourceMetadataTrackingLog), kept under the `schemaTrackingLocation` reader option: folder
 * `_schema_log_<table id>`, one file per entry named 0, 1, 2, … holding `v1`, a newline and
 * delta-spark's PersistedMetadata JSON (tableId, deltaCommitVersion, dataSchemaJson,
 * partitionSchemaJson, sourceMetadataPath, tableConfigurations, protocolJson; checked on
 * delta-spark 4.0, scripts/oracle/delta_schema_tracking.py). The newest entry is the schema the
 * stream reads with; an entry is written once (put-if-absent) and never changed.
 */
import { SluiceError } from "../../common/errors.js";
import { fileSystemFor } from "../../fs/file-systems.js";
import { joinPath } from "../../fs/path.js";
import type { Metadata, Protocol } from "../../delta/actions.js";
import { StructType } from "../../types/struct-type.js";

/** One entry: the table's metadata the stream reads with from Delta version `deltaCommitVersion` on. */
export interface PersistedMetadata {
  readonly tableId: string;
  readonly deltaCommitVersion: number;
  readonly dataSchemaJson: string;
  readonly partitionSchemaJson: string;
  readonly sourceMetadataPath: string;
  readonly tableConfigurations: Readonly<Record<string, string>>;
  readonly protocolJson: string;
}

/** The folder of the log for table `tableId` under `location`. */
export const schemaLogDir = (location: string, tableId: string): string => joinPath(location, `_schema_log_${tableId}`);

const corrupt = (dir: string, code: string, what: string, cause?: unknown): SluiceError =>
  new SluiceError("input", code, `[${code}] ${what} in the Delta streaming source schema log at '${dir}'. The schema log may have been corrupted. Please pick a new schema location.`, { path: dir }, { cause });

/** The entries of the log at `dir`, oldest first ([] when there is none yet). */
export function readSchemaLog(dir: string): PersistedMetadata[] {
  const fs = fileSystemFor(dir);
  const ids = fs
    .listStatus(dir)
    .map((s) => s.path.slice(s.path.lastIndexOf("/") + 1))
    .filter((n) => /^\d+$/.test(n))
    .map(Number)
    .sort((a, b) => a - b);
  return ids.map((id) => {
    const text = fs.open(joinPath(dir, String(id))).toString("utf8");
    const nl = text.indexOf("\n");
    if (nl < 0 || text.slice(0, nl) !== "v1") throw corrupt(dir, "DELTA_STREAMING_SCHEMA_LOG_DESERIALIZE_FAILED", `Incomplete log file ${id}`);
    let entry: PersistedMetadata;
    try {
      entry = JSON.parse(text.slice(nl + 1)) as PersistedMetadata;
      StructType.fromJson(entry.dataSchemaJson);
      StructType.fromJson(entry.partitionSchemaJson);
    } catch (e) {
      throw corrupt(dir, "DELTA_STREAMING_SCHEMA_LOG_PARSE_SCHEMA_FAILED", `Failed to parse the schema of log file ${id}`, e);
    }
    if (typeof entry.tableId !== "string" || typeof entry.deltaCommitVersion !== "number") throw corrupt(dir, "DELTA_STREAMING_SCHEMA_LOG_DESERIALIZE_FAILED", `Incomplete log file ${id}`);
    return entry;
  });
}

/** Append `entry` as entry number `id`; fails when another writer made that entry first. */
export function writeSchemaLogEntry(dir: string, id: number, entry: PersistedMetadata): void {
  if (!fileSystemFor(dir).create(joinPath(dir, String(id)), `v1\n${JSON.stringify(entry)}`, { overwrite: false })) {
    throw new SluiceError(
      "execution",
      "DELTA_STREAMING_SCHEMA_LOCATION_CONFLICT",
      `[DELTA_STREAMING_SCHEMA_LOCATION_CONFLICT] Detected conflicting schema location '${dir}': entry ${id} was written by another stream. Another stream may be reusing the same schema location, which is not allowed. Please provide a new unique \`schemaTrackingLocation\` for one of the streams from this table.`,
      { path: dir },
    );
  }
}

/** The entry for a table's metadata and protocol at `version`. */
export function persistedMetadata(md: Metadata, protocol: Protocol, version: number, sourceMetadataPath: string): PersistedMetadata {
  const schema = StructType.fromJson(md.schemaString);
  const parts = new Set(md.partitionColumns.map((c) => c.toLowerCase()));
  const data = new StructType(schema.fields.filter((f) => !parts.has(f.name.toLowerCase())));
  const partition = new StructType(md.partitionColumns.map((c) => schema.fields.find((f) => f.name.toLowerCase() === c.toLowerCase())!));
  const protocolJson = JSON.stringify({ protocol: Object.fromEntries(Object.entries(protocol).filter(([, v]) => v !== undefined)) });
  return {
    tableId: md.id,
    deltaCommitVersion: version,
    dataSchemaJson: data.json(),
    partitionSchemaJson: partition.json(),
    sourceMetadataPath,
    tableConfigurations: Object.fromEntries(Object.entries(md.configuration).filter(([k]) => k.startsWith("delta."))),
    protocolJson,
  };
}

/** The schema a stream reads with from an entry: its data columns, then its partition columns. */
export function entrySchema(e: PersistedMetadata): StructType {
  return new StructType([...StructType.fromJson(e.dataSchemaJson).fields, ...StructType.fromJson(e.partitionSchemaJson).fields]);
}

/** The partition column names of an entry. */
export const entryPartitionColumns = (e: PersistedMetadata): string[] => StructType.fromJson(e.partitionSchemaJson).fields.map((f) => f.name);
