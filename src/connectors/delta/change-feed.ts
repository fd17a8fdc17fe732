/**
 * Batch reads of a Delta table's change data feed (`option("readChangeFeed", "true")`, Delta's
 * CDCReader): the table's columns plus `_change_type`, `_commit_version` and `_commit_timestamp`
 * for every commit from the starting to the ending version. Steps of `readChangeFeed`:
 *   1. resolve the range: startingVersion or startingTimestamp (the first commit at or after
 *      it) is required; endingVersion (capped at the latest) or endingTimestamp (the last
 *      commit at or before it) defaults to the latest; commit timestamps are those of time
 *      travel (log file modification times, made increasing);
 *   2. the change feed must be on (`delta.enableChangeDataFeed=true`) at the starting version
 *      and at every metaData change in the range, else DELTA_MISSING_CHANGE_DATA;
 *   3. per commit: when it has `cdc` actions, the rows of those change files (their own
 *      `_change_type`: insert, delete, update_preimage, update_postimage); otherwise the rows of
 *      its `add`s as inserts and of its `remove`s as deletes (dataChange=true only, so OPTIMIZE
 *      adds nothing); partition columns come from each action's partition values.
 */
import { type ColumnBatch, makeBatch } from "../../columnar/column-batch.js";
import { constantVector } from "../../columnar/vector.js";
import { SluiceError, configError } from "../../common/errors.js";
import type { Action, Metadata, PartitionValues } from "../../delta/actions.js";
import { dataFilePath } from "../../delta/data-path.js";
import { LogStore } from "../../delta/log-store.js";
import { parsePartitionValue } from "../../delta/partition-values.js";
import { loadSnapshot } from "../../delta/snapshot.js";
import { commitTimestamps, toEpochMs } from "../../delta/time-travel.js";
import type { ExecutionPlan, TaskContext } from "../../physical/execution-plan.js";
import { StructType } from "../../types/struct-type.js";
import { readParquetFile } from "../files/parquet-format.js";

export const CHANGE_TYPE = "_change_type";
const STRING = { kind: "string" } as const;

/** The change feed's schema: the table's columns, then Delta's three metadata columns. */
export function changeFeedSchema(table: StructType): StructType {
  return new StructType([
    ...table.fields,
    { name: CHANGE_TYPE, type: STRING, nullable: true },
    { name: "_commit_version", type: { kind: "bigint" }, nullable: true },
    { name: "_commit_timestamp", type: { kind: "timestamp" }, nullable: true },
  ]);
}

export interface ChangeFeedRange {
  readonly startingVersion?: number;
  readonly startingTimestamp?: string;
  readonly endingVersion?: number;
  readonly endingTimestamp?: string;
}

/** The change feed range of batch read options, or null when readChangeFeed (readChangeData) is not true. */
export function changeFeedOptions(options: Readonly<Record<string, string>>): ChangeFeedRange | null {
  const o = new Map(Object.entries(options).map(([k, v]) => [k.toLowerCase(), v.trim()]));
  const flag = o.get("readchangefeed") ?? o.get("readchangedata");
  if (flag === undefined || flag.toLowerCase() === "false") {
    const stray = ["startingVersion", "startingTimestamp", "endingVersion", "endingTimestamp"].filter((k) => o.has(k.toLowerCase()));
    if (stray.length > 0) {
      throw new SluiceError("unsupported", "DELTA_UNSUPPORTED_OPTION", `${stray.join(", ")} bound a change data feed read: add option("readChangeFeed", "true"), or use versionAsOf / timestampAsOf to time travel`, {
        format: "delta",
        option: stray[0]!,
      });
    }
    return null;
  }
  const travel = ["versionAsOf", "timestampAsOf"].filter((k) => o.has(k.toLowerCase()));
  if (travel.length > 0) {
    throw new SluiceError("unsupported", "DELTA_UNSUPPORTED_OPTION", `${travel.join(", ")} cannot be combined with readChangeFeed: bound the change data feed with startingVersion/endingVersion instead`, {
      format: "delta",
      option: travel[0]!,
    });
  }
  if (flag.toLowerCase() !== "true") throw configError("INVALID_OPTION", `readChangeFeed must be 'true' or 'false', got ${JSON.stringify(flag)}`, { option: "readChangeFeed" });
  const version = (key: string): number | undefined => {
    const v = o.get(key.toLowerCase());
    if (v === undefined) return undefined;
    if (!/^\d+$/.test(v)) throw configError("INVALID_OPTION", `${key} must be a non-negative integer, got ${JSON.stringify(v)}`, { option: key });
    return Number(v);
  };
  const range = {
    startingVersion: version("startingVersion"),
    startingTimestamp: o.get("startingtimestamp"),
    endingVersion: version("endingVersion"),
    endingTimestamp: o.get("endingtimestamp"),
  };
  for (const side of ["starting", "ending"] as const) {
    if (range[`${side}Version`] !== undefined && range[`${side}Timestamp`] !== undefined) {
      throw configError("DELTA_ONLY_ONE_OF_VERSION_AND_TIMESTAMP", `Give ${side}Version or ${side}Timestamp for a change data feed read, not both`, { option: `${side}Version` });
    }
  }
  if (range.startingVersion === undefined && range.startingTimestamp === undefined) {
    throw configError("DELTA_NO_START_FOR_CDC_READ", "A change data feed read needs startingVersion or startingTimestamp: option(\"startingVersion\", 0)", { format: "delta" });
  }
  return Object.fromEntries(Object.entries(range).filter(([, v]) => v !== undefined)) as ChangeFeedRange;
}

/** Reads the change feed of `tablePath` for `range` in `schema` (changeFeedSchema of the table's). */
export class ChangeFeedScanExec implements ExecutionPlan {
  readonly name = "ChangeFeedScanExec";
  readonly children: readonly ExecutionPlan[] = [];

  constructor(
    readonly tablePath: string,
    readonly range: ChangeFeedRange,
    readonly schema: StructType,
  ) {}

  execute(ctx: TaskContext): AsyncIterable<ColumnBatch> {
    return readChangeFeed(this.tablePath, this.range, this.schema, ctx.batchSize);
  }

  describe(): string {
    return `ChangeFeedScanExec: ${this.tablePath} ${JSON.stringify(this.range)}`;
  }
}

export async function* readChangeFeed(tablePath: string, range: ChangeFeedRange, schema: StructType, batchSize: number): AsyncGenerator<ColumnBatch> {
  const store = new LogStore(tablePath);
  const listing = await store.list();
  const times = commitTimestamps(listing.commits);
  const versions = listing.commits.map((c) => c.version);
  const latest = versions.at(-1) ?? -1;
  const start = range.startingVersion ?? versions.find((v) => times.get(v)! >= toEpochMs(range.startingTimestamp!));
  if (start === undefined || start > latest) {
    throw new SluiceError(
      "input",
      "DELTA_INVALID_CDC_RANGE",
      range.startingVersion !== undefined
        ? `Provided start version (${start}) for reading the change data of Delta table ${tablePath} is invalid: it cannot be greater than the latest version of the table (${latest})`
        : `Provided startingTimestamp ${range.startingTimestamp} for reading the change data of Delta table ${tablePath} is after its latest commit (version ${latest})`,
      { table: tablePath, latestVersion: latest },
    );
  }
  const end = range.endingVersion !== undefined ? Math.min(range.endingVersion, latest) : range.endingTimestamp !== undefined ? [...versions].reverse().find((v) => times.get(v)! <= toEpochMs(range.endingTimestamp!)) ?? -1 : latest;
  if (end < start) {
    throw new SluiceError("input", "DELTA_INVALID_CDC_RANGE", `The change data feed range of Delta table ${tablePath} is empty: it ends at version ${end}, before its start, ${start}`, { table: tablePath });
  }
  const snap = await loadSnapshot(tablePath, { version: start });
  const tableSchema = new StructType(schema.fields.filter((f) => !["_change_type", "_commit_version", "_commit_timestamp"].includes(f.name)));
  let md: Metadata = snap.metadata;
  for (let v = start; v <= end; v++) {
    const actions = await store.readCommit(v);
    for (const a of actions) if (a.kind === "metaData") md = a.value;
    if (v === start || actions.some((a) => a.kind === "metaData")) checkEnabled(tablePath, md, v, start, end);
    const micros = (times.get(v) ?? 0) * 1000;
    for (const { path, partitionValues, changeType } of changeFiles(actions)) {
      const abs = dataFilePath(tablePath, path);
      for await (const b of readRows(abs, tableSchema, md.partitionColumns, partitionValues, changeType, batchSize)) {
        yield makeBatch(schema, [...b.columns, constantVector({ kind: "bigint" }, BigInt(v), b.numRows), constantVector({ kind: "timestamp" }, micros, b.numRows)], b.numRows);
      }
    }
  }
}

/** The files whose rows a commit contributes, and their change type (null: the file's own column). */
function changeFiles(actions: readonly Action[]): { path: string; partitionValues: PartitionValues; changeType: string | null }[] {
  const cdc = actions.flatMap((a) => (a.kind === "cdc" ? [{ path: a.value.path, partitionValues: a.value.partitionValues, changeType: null }] : []));
  if (cdc.length > 0) return cdc;
  return actions.flatMap((a) => {
    if (a.kind === "add" && a.value.dataChange) return [{ path: a.value.path, partitionValues: a.value.partitionValues, changeType: "insert" }];
    if (a.kind === "remove" && a.value.dataChange) return [{ path: a.value.path, partitionValues: a.value.partitionValues ?? {}, changeType: "delete" }];
    return [];
  });
}

/** One file's rows in the table's columns plus `_change_type` (the file's, or `changeType`). */
async function* readRows(
  abs: string,
  table: StructType,
  partitionColumns: readonly string[],
  values: PartitionValues,
  changeType: string | null,
  batchSize: number,
): AsyncGenerator<ColumnBatch> {
  const lower = new Set(partitionColumns.map((c) => c.toLowerCase()));
  const data = new StructType([...table.fields.filter((f) => !lower.has(f.name.toLowerCase())), ...(changeType === null ? [{ name: CHANGE_TYPE, type: STRING, nullable: true }] : [])]);
  const out = new StructType([...table.fields, { name: CHANGE_TYPE, type: STRING, nullable: true }]);
  for await (const b of readParquetFile(abs, data, batchSize)) {
    const cols = table.fields.map((f) => {
      if (!lower.has(f.name.toLowerCase())) return b.columns[data.indexOf(f.name)]!;
      const key = Object.keys(values).find((k) => k.toLowerCase() === f.name.toLowerCase());
      return constantVector(f.type, parsePartitionValue(key === undefined ? null : values[key], f.type, f.name), b.numRows);
    });
    const type = changeType === null ? b.columns[data.indexOf(CHANGE_TYPE)]! : constantVector(STRING, changeType, b.numRows);
    yield makeBatch(out, [...cols, type], b.numRows);
  }
}

function checkEnabled(table: string, md: Metadata, version: number, start: number, end: number): void {
  if (md.configuration["delta.enableChangeDataFeed"]?.toLowerCase() === "true") return;
  throw new SluiceError(
    "input",
    "DELTA_MISSING_CHANGE_DATA",
    `Error getting change data for range [${start}, ${end}] of Delta table ${table}: change data was not recorded for version ${version}. ` +
      `Turn it on with the table property delta.enableChangeDataFeed = true; only versions written after that have a change feed.`,
    { table, version },
  );
}
