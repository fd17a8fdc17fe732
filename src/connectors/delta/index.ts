/**
 * The `delta` format for DataFrames: batch read (with time travel) and write, streaming source
 * and sink. The session wires these in (session/stream-connectors.ts, embedded-executor.ts).
 */
import type { ColumnBatch } from "../../columnar/column-batch.js";
import { configError, unsupported } from "../../common/errors.js";
import { loadSnapshot } from "../../delta/snapshot.js";
import type { ExecutionPlan } from "../../physical/execution-plan.js";
import type { DataSourceSpec } from "../../plan/logical-plan.js";
import { sameType } from "../../types/data-type.js";
import type { StructType } from "../../types/struct-type.js";
import type { OutputMode } from "../api/sink.js";
import { ChangeFeedScanExec, changeFeedOptions, changeFeedSchema } from "./change-feed.js";
import { ChangeFeedSource, isChangeFeedStream } from "./change-feed-source.js";
import { checkDeltaOptions, parseDeltaWriteOptions } from "./delta-options.js";
import { DeltaScanExec, peekDeltaTable, timeTravelOptions } from "./delta-scan.js";
import { DeltaSink } from "./delta-sink.js";
import { DeltaSource, parseDeltaSourceOptions } from "./delta-source.js";
import { type DeltaSaveMode, type DeltaWriteResult, writeDelta } from "./delta-writer.js";
import { SchemaTracking } from "./schema-tracking.js";
import { entryPartitionColumns, entrySchema, readSchemaLog, schemaLogDir } from "./schema-tracking-log.js";

export { DeltaScanExec, peekDeltaTable, readDeltaFiles, timeTravelOptions } from "./delta-scan.js";
export { DeltaSink } from "./delta-sink.js";
export { checkDeltaOptions, parseDeltaWriteOptions, type DeltaOptionUse, type DeltaWriteOptionValues } from "./delta-options.js";
export { DeltaSource, parseDeltaSourceOptions, type DeltaSourceOffset, type DeltaSourceOptions } from "./delta-source.js";
export { writeDelta, writeDataFiles, type DeltaWriteOptions, type DeltaWriteResult, type DeltaSaveMode } from "./delta-writer.js";

/** The one table path of a delta read or write (load(path) or option("path", ...)). */
export function deltaPath(paths: readonly string[], options: Readonly<Record<string, string>>): string {
  const fromOption = Object.entries(options).find(([k]) => k.toLowerCase() === "path")?.[1];
  const all = [...paths, ...(fromOption !== undefined && paths.length === 0 ? [fromOption] : [])];
  if (all.length !== 1) throw configError("PATH_REQUIRED", `A delta read or write takes exactly one table path: load("path/to/table"); got ${all.length}`, { format: "delta" });
  return all[0]!;
}

/**
 * Schema of a batch or streaming delta read (time travel applies to batch reads). Refuses options
 * it does not implement, and a `.schema(...)` other than the table's (nullability aside): Delta
 * takes the schema from the log (DELTA_UNSUPPORTED_SCHEMA_DURING_READ in delta-spark).
 */
export function deltaReadSchema(spec: DataSourceSpec, streaming: boolean): StructType {
  checkDeltaOptions(spec.options, streaming ? "streaming read" : "batch read");
  const path = deltaPath(spec.paths, spec.options);
  const cdf = streaming ? isChangeFeedStream(spec.options) : changeFeedOptions(spec.options) !== null;
  const info = peekDeltaTable(path, streaming || cdf ? {} : timeTravelOptions(spec.options));
  const location = streaming ? parseDeltaSourceOptions(spec.options).schemaTrackingLocation : undefined;
  if (location !== undefined && cdf) {
    throw unsupported("DELTA_UNSUPPORTED_OPTION", `Delta streaming read options Sluice does not support: schemaTrackingLocation with readChangeFeed (schema tracking of a change data feed stream is not supported). Remove one of them.`, { format: "delta", option: "schemaTrackingLocation" });
  }
  // with schema tracking, the stream reads with the newest schema of its log (schema-tracking.ts)
  const tracked = location !== undefined ? readSchemaLog(schemaLogDir(location, info.id)).at(-1) : undefined;
  const table = tracked ? entrySchema(tracked) : info.schema;
  const schema = cdf ? changeFeedSchema(table) : table;
  if (spec.userSchema && !sameType(spec.userSchema, schema)) {
    throw unsupported(
      "DELTA_UNSUPPORTED_SCHEMA_DURING_READ",
      `Delta does not support specifying the schema at read time: .schema(${spec.userSchema.simpleString()}) differs from the schema of Delta table ${path}, ${schema.simpleString()}. Remove .schema(...).`,
      { table: path, format: "delta" },
    );
  }
  return schema;
}

/**
 * The batch scan of a delta read, pinned to the version resolved now. A streaming read's scan is
 * only planned for explain() (the source reads the log itself), so its stream options
 * (startingVersion, readChangeFeed, …) do not apply: it shows the table as it is.
 */
export function deltaScanExec(spec: DataSourceSpec, schema: StructType, streaming = false): ExecutionPlan {
  const path = deltaPath(spec.paths, spec.options);
  if (streaming) return new DeltaScanExec(path, () => loadSnapshot(path, {}), schema);
  const cdf = changeFeedOptions(spec.options);
  if (cdf) return new ChangeFeedScanExec(path, cdf, schema);
  const { version } = peekDeltaTable(path, timeTravelOptions(spec.options));
  return new DeltaScanExec(path, () => loadSnapshot(path, { version }), schema);
}

/** `df.write.format("delta")...save(path)`; `tableDefaults` are the session's properties for a table the write creates. */
export function saveDelta(
  schema: StructType,
  batches: AsyncIterable<ColumnBatch> | readonly ColumnBatch[],
  spec: { readonly path: string; readonly mode: DeltaSaveMode; readonly options: Readonly<Record<string, string>>; readonly partitionBy: readonly string[] },
  tableDefaults: Readonly<Record<string, string>> = {},
): Promise<DeltaWriteResult> {
  const o = parseDeltaWriteOptions(spec.options, "batch write");
  return writeDelta(spec.path, schema, batches, {
    mode: spec.mode,
    partitionBy: spec.partitionBy,
    mergeSchema: o.mergeSchema,
    overwriteSchema: o.overwriteSchema,
    ...(o.txn ? { txn: o.txn, operation: "WRITE" } : {}),
    ...(o.userMetadata !== undefined ? { userMetadata: o.userMetadata } : {}),
    ...(o.tableProperties ? { tableProperties: o.tableProperties } : {}),
    ...(Object.keys(tableDefaults).length > 0 ? { defaultTableProperties: tableDefaults } : {}),
  });
}

/** The streaming sink for `writeStream.format("delta")`; `tableDefaults` are the session's properties for a table its first batch creates. */
export function createDeltaSink(
  path: string | undefined,
  checkpointDir: string,
  spec: { readonly outputMode: OutputMode; readonly options: Readonly<Record<string, string>>; readonly partitionBy: readonly string[] },
  tableDefaults: Readonly<Record<string, string>> = {},
): DeltaSink {
  if (!path) throw configError("PATH_REQUIRED", `The delta sink needs a table path: start("path/to/table") or option("path", ...)`, { format: "delta" });
  const { mergeSchema, userMetadata } = parseDeltaWriteOptions(spec.options, "streaming write");
  return new DeltaSink({
    path,
    checkpointDir,
    partitionBy: spec.partitionBy,
    mergeSchema,
    outputMode: spec.outputMode,
    ...(userMetadata !== undefined ? { userMetadata } : {}),
    ...(Object.keys(tableDefaults).length > 0 ? { defaultTableProperties: tableDefaults } : {}),
  });
}

/**
 * The streaming source for `readStream.format("delta").load(path)`; `sourceDir` is its folder in
 * the checkpoint (`<checkpoint>/sources/<n>`), `conf` the session's SQL conf (schema tracking's
 * unblock settings).
 */
export function createDeltaSource(spec: DataSourceSpec, schema: StructType, sourceDir: string, conf: Readonly<Record<string, string>>): DeltaSource | ChangeFeedSource {
  const path = deltaPath(spec.paths, spec.options);
  if (isChangeFeedStream(spec.options)) return new ChangeFeedSource(path, schema, spec.options);
  const info = peekDeltaTable(path);
  const options = parseDeltaSourceOptions(spec.options);
  const location = options.schemaTrackingLocation;
  if (location === undefined) return new DeltaSource(path, schema, info.partitionColumns, options);
  const checkpoint = parentDir(parentDir(sourceDir));
  if (!trimSlash(location).startsWith(`${trimSlash(checkpoint)}/`)) {
    throw configError("DELTA_STREAMING_SCHEMA_LOCATION_NOT_UNDER_CHECKPOINT", `[DELTA_STREAMING_SCHEMA_LOCATION_NOT_UNDER_CHECKPOINT] Schema location '${location}' must be placed under checkpoint location '${checkpoint}'.`, { format: "delta", option: "schemaTrackingLocation" });
  }
  const tracking = new SchemaTracking(schemaLogDir(location, info.id), sourceDir, conf, options.unblock);
  tracking.checkNonAdditive();
  const partitionColumns = tracking.current ? entryPartitionColumns(tracking.current) : info.partitionColumns;
  return new DeltaSource(path, schema, partitionColumns, options, tracking);
}

const trimSlash = (p: string): string => p.replace(/\/+$/, "");
const parentDir = (p: string): string => trimSlash(p).replace(/\/[^/]*$/, "");
