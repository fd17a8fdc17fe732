/**
 * What a Delta streaming source does when a commit in its range carries a metaData action
 * (delta-spark 4.0's DeltaSource.checkReadIncompatibleSchemaChanges, without a schema tracking
 * log). The stream reads with one schema, fixed when the source starts; a commit's schema is
 * compared with it, the older of the two taken as "before":
 *   1. on a column-mapped table, a RENAME or DROP COLUMN between them (a physical name whose
 *      logical path changed, or that is gone) or a change of partition columns stops the stream
 *      with DELTA_STREAMING_INCOMPATIBLE_SCHEMA_CHANGE_USE_SCHEMA_LOG: the old files cannot be
 *      read by the new names, nor the new files by the old ones;
 *   2. otherwise the files after the commit must be readable with the stream's schema (every
 *      column of the commit's schema in the stream's, same types, no nullability tightened), or
 *      the stream stops with DELTA_SCHEMA_CHANGED_WITH_VERSION; a column added later (reading
 *      older files, it is null) is fine.
 * With a schema tracking log (connectors/delta/schema-tracking.ts) the stream instead stops at
 * each schema change and restarts with the new schema; nonAdditiveChanges tells which changes
 * then need the user's consent.
 */
import { SluiceError } from "../common/errors.js";
import { type DataType, type StructField, simpleString } from "../types/data-type.js";
import { StructType } from "../types/struct-type.js";
import type { Metadata } from "./actions.js";
import { PHYSICAL_NAME_KEY, columnMappingMode } from "./column-mapping.js";

export interface StreamReadSchema {
  readonly table: string;
  readonly schema: StructType;
  readonly partitionColumns: readonly string[];
  /** The table version whose schema the stream reads with (the latest when the source started). */
  readonly version: number;
}

/** Throw delta-spark's error when the stream cannot read across commit `version`'s metaData `md`. */
export function checkStreamSchemaChange(read: StreamReadSchema, md: Metadata, version: number): void {
  const changed = StructType.fromJson(md.schemaString);
  if (changed.json() === read.schema.json() && samePartitioning(md.partitionColumns, read.partitionColumns)) return;
  const mapped = columnMappingMode(md.configuration, read.table) !== "none";
  const [older, newer] = version < read.version ? [changed, read.schema] : [read.schema, changed];
  if (mapped && (renamedOrDropped(older, newer) || !samePartitioning(md.partitionColumns, read.partitionColumns))) {
    throw new SluiceError(
      "execution",
      "DELTA_STREAMING_INCOMPATIBLE_SCHEMA_CHANGE_USE_SCHEMA_LOG",
      `[DELTA_STREAMING_INCOMPATIBLE_SCHEMA_CHANGE_USE_SCHEMA_LOG] Streaming read is not supported on tables with read-incompatible schema changes (e.g. rename or drop or datatype changes): ` +
        `version ${version} of ${read.table} renames or drops a column (or changes the partitioning). Please provide a 'schemaTrackingLocation' (a folder under the checkpoint) to enable non-additive schema evolution for Delta stream processing, ` +
        `or start a new query with a new checkpoint and a startingVersion after the change. Read schema: ${older.json()}. Incompatible data schema: ${newer.json()}.`,
      { table: read.table, version },
    );
  }
  if (!readCompatible(changed, read.schema)) {
    throw new SluiceError(
      "execution",
      "DELTA_SCHEMA_CHANGED_WITH_VERSION",
      `[DELTA_SCHEMA_CHANGED_WITH_VERSION] Detected schema change in version ${version}: streaming source schema: ${read.schema.simpleString()}, data file schema: ${changed.simpleString()}. ` +
        `Please try restarting the query. If this issue repeats across query restarts without making progress, you have made an incompatible schema change and need to start your query from scratch using a new checkpoint directory.`,
      { table: read.table, version },
    );
  }
}

function samePartitioning(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((c, i) => c.toLowerCase() === b[i]!.toLowerCase());
}

/** True when a physical name of `older` is gone from `newer` or reached by another logical path. */
function renamedOrDropped(older: StructType, newer: StructType): boolean {
  const after = physicalPaths(newer);
  for (const [physical, { path }] of physicalPaths(older)) if (after.get(physical)?.path !== path) return true;
  return false;
}

/** The non-additive changes from `older` to `newer` (fields matched by physical name), as delta-spark's schema evolution names them. */
export interface NonAdditiveChanges {
  /** [old path, new path] of each renamed field. */
  readonly renamed: readonly (readonly [string, string])[];
  readonly dropped: readonly string[];
  /** A field of a primitive type whose type changed (typeWidening): [path, old type, new type]. */
  readonly widened: readonly (readonly [string, string, string])[];
}

export function nonAdditiveChanges(older: StructType, newer: StructType): NonAdditiveChanges {
  const after = physicalPaths(newer);
  const renamed: [string, string][] = [];
  const dropped: string[] = [];
  const widened: [string, string, string][] = [];
  for (const [physical, was] of physicalPaths(older)) {
    const now = after.get(physical);
    if (now === undefined) dropped.push(was.path);
    else if (now.path !== was.path) renamed.push([was.path, now.path]);
    else if (!isNested(was.type) && JSON.stringify(was.type) !== JSON.stringify(now.type)) widened.push([was.path, simpleString(was.type), simpleString(now.type)]);
  }
  return { renamed, dropped, widened };
}

const isNested = (t: DataType): boolean => t.kind === "struct" || t.kind === "array" || t.kind === "map";

/** Every field's physical name → its logical path and type, at every level. */
function physicalPaths(t: DataType, prefix = "", out = new Map<string, { path: string; type: DataType }>()): Map<string, { path: string; type: DataType }> {
  if (t.kind === "struct") {
    for (const f of t.fields) {
      const path = `${prefix}${prefix ? "." : ""}${f.name}`;
      out.set(String(f.metadata?.[PHYSICAL_NAME_KEY] ?? path), { path, type: f.type });
      physicalPaths(f.type, path, out);
    }
  } else if (t.kind === "array") physicalPaths(t.elementType, `${prefix}.element`, out);
  else if (t.kind === "map") {
    physicalPaths(t.keyType, `${prefix}.key`, out);
    physicalPaths(t.valueType, `${prefix}.value`, out);
  }
  return out;
}

/** delta-spark's isReadCompatible(existing, read) with nullability tightening forbidden. */
function readCompatible(existing: DataType, read: DataType): boolean {
  if (existing.kind === "struct" && read.kind === "struct") {
    const byName = new Map(read.fields.map((f) => [f.name.toLowerCase(), f]));
    return existing.fields.every((e: StructField) => {
      const r = byName.get(e.name.toLowerCase());
      return r !== undefined && r.name === e.name && (r.nullable || !e.nullable) && readCompatible(e.type, r.type);
    });
  }
  if (existing.kind === "array" && read.kind === "array") return (read.containsNull || !existing.containsNull) && readCompatible(existing.elementType, read.elementType);
  if (existing.kind === "map" && read.kind === "map") {
    return (read.valueContainsNull || !existing.valueContainsNull) && readCompatible(existing.keyType, read.keyType) && readCompatible(existing.valueType, read.valueType);
  }
  return JSON.stringify(existing) === JSON.stringify(read);
}
