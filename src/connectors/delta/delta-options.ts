/**
 * The option keys of the `delta` format, checked before anything is read or written, so that no
 * option is silently ignored. Keys match case-insensitively. For each use (batch read, streaming
 * read, batch write, streaming write) a key is either implemented (its value is then parsed by
 * the reader, source or writer), or refused:
 *   - a key of Delta's own option list (delta-spark DeltaOptions.validOptionKeys) that Sluice does
 *     not implement for this use, or a value Sluice does not implement → DELTA_UNSUPPORTED_OPTION;
 *   - any other key → INVALID_OPTION, with the closest known key as a suggestion.
 * One error lists every bad key. Delta-Spark only logs unknown keys and ignores keys that do not
 * apply (e.g. maxFilesPerTrigger on a batch read); Sluice refuses both (docs/differences.md).
 */
import { SluiceError, closestNames, configError, editDistance } from "../../common/errors.js";
import { fileSystemOptionKeys } from "../../fs/file-systems.js";

export type DeltaOptionUse = "batch read" | "streaming read" | "batch write" | "streaming write";

interface OptionRule {
  /** Uses Sluice implements the key for. */
  readonly uses: readonly DeltaOptionUse[];
  /** When set, the only values (case-insensitive) Sluice implements: the behaviour it always has. */
  readonly values?: readonly string[];
  /** Why the key (or another value) is refused elsewhere. */
  readonly why: string;
}

const READS: readonly DeltaOptionUse[] = ["batch read", "streaming read"];
const WRITES: readonly DeltaOptionUse[] = ["batch write", "streaming write"];
const ALL: readonly DeltaOptionUse[] = [...READS, ...WRITES];
const CDF = "it applies to reads of the change data feed";
const STREAM_READ = "it applies to streaming reads (readStream) only";
const WRITE_ONLY = "it applies to writes only";
const SELECTIVE = "selective overwrite is not supported: overwrite the whole table, or use DeltaTable.merge";

/** Every key Delta-Spark knows (DeltaOptions.scala at delta-io/delta a5d91c2), plus the engine's own. */
const RULES: Readonly<Record<string, OptionRule>> = {
  path: { uses: ALL, why: "" },
  checkpointLocation: { uses: ["streaming write"], why: "it is the checkpoint of a streaming write" },
  queryName: { uses: [], why: "name the query with writeStream.queryName(...)" },
  // batch reads: time travel
  versionAsOf: { uses: ["batch read"], why: "time travel applies to batch reads; a stream starts at startingVersion or startingTimestamp" },
  timestampAsOf: { uses: ["batch read"], why: "time travel applies to batch reads; a stream starts at startingVersion or startingTimestamp" },
  // streaming reads
  maxFilesPerTrigger: { uses: ["streaming read"], why: STREAM_READ },
  maxBytesPerTrigger: { uses: ["streaming read"], why: STREAM_READ },
  startingVersion: { uses: READS, why: "" },
  startingTimestamp: { uses: READS, why: "" },
  ignoreDeletes: { uses: ["streaming read"], why: STREAM_READ },
  skipChangeCommits: { uses: ["streaming read"], why: STREAM_READ },
  ignoreChanges: { uses: ["streaming read"], why: STREAM_READ },
  ignoreFileDeletion: { uses: [], why: "it is deprecated in Delta; use ignoreDeletes" },
  failOnDataLoss: { uses: ["streaming read"], values: ["true"], why: "a stream whose log files are gone always fails (failOnDataLoss=true)" },
  excludeRegex: { uses: [], why: "filtering files by name is not supported" },
  readChangeFeed: { uses: READS, why: CDF },
  readChangeData: { uses: READS, why: CDF },
  endingVersion: { uses: ["batch read"], why: "it bounds a batch read of the change data feed; a stream reads on" },
  endingTimestamp: { uses: ["batch read"], why: "it bounds a batch read of the change data feed; a stream reads on" },
  schemaTrackingLocation: { uses: ["streaming read"], why: STREAM_READ },
  schemaLocation: { uses: ["streaming read"], why: STREAM_READ },
  streamingSourceTrackingId: { uses: [], why: "several streams of one table in one query sharing a schemaTrackingLocation is not supported: give each its own schemaTrackingLocation" },
  allowSourceColumnDrop: { uses: ["streaming read"], why: STREAM_READ },
  allowSourceColumnRename: { uses: ["streaming read"], why: STREAM_READ },
  allowSourceColumnTypeChange: { uses: ["streaming read"], why: STREAM_READ },
  // writes
  mergeSchema: { uses: WRITES, why: WRITE_ONLY },
  overwriteSchema: { uses: ["batch write"], why: "it applies to batch overwrites only" },
  userMetadata: { uses: WRITES, why: WRITE_ONLY },
  txnAppId: { uses: ["batch write"], why: "idempotent writes by txnAppId/txnVersion apply to batch writes (foreachBatch); a streaming write is idempotent per batch already" },
  txnVersion: { uses: ["batch write"], why: "idempotent writes by txnAppId/txnVersion apply to batch writes (foreachBatch); a streaming write is idempotent per batch already" },
  partitionOverwriteMode: { uses: ["batch write"], values: ["static"], why: "dynamic partition overwrite is not supported: an overwrite replaces the whole table (static)" },
  replaceWhere: { uses: [], why: SELECTIVE },
  replaceOn: { uses: [], why: SELECTIVE },
  replaceUsing: { uses: [], why: SELECTIVE },
  targetAlias: { uses: [], why: SELECTIVE },
  useNullIntolerantEqualityWithDPO: { uses: [], why: SELECTIVE },
  dataChange: { uses: WRITES, values: ["true"], why: "rearrange-only writes (dataChange=false) are not supported" },
  optimizeWrite: { uses: WRITES, values: ["false"], why: "optimized writes are not supported" },
  compression: { uses: WRITES, values: ["snappy"], why: "Sluice writes Delta data files with snappy compression only" },
  maxRecordsPerFile: { uses: [], why: "Sluice writes one file per partition value per write; limiting rows per file is not supported" },
  writePartitionColumns: { uses: WRITES, values: ["false"], why: "partition columns are never written into the data files" },
  // table properties (delta-spark applies delta.* write options when the write creates the table)
  "delta.enableChangeDataFeed": { uses: ["batch write"], why: "a table property is set by the batch write that creates the table" },
  "delta.enableDeletionVectors": { uses: ["batch write"], why: "a table property is set by the batch write that creates the table" },
  "delta.columnMapping.mode": { uses: ["batch write"], why: "a table property is set by the batch write that creates the table" },
  "delta.enableTypeWidening": { uses: ["batch write"], why: "a table property is set by the batch write that creates the table" },
  "delta.feature.timestampNtz": { uses: ["batch write"], values: ["supported"], why: "a table feature is asked for by the batch write that creates the table" },
};

const KEYS = new Map(Object.keys(RULES).map((k) => [k.toLowerCase(), k]));

/**
 * Refuse every option of `options` that Sluice does not implement for `use` (see the header).
 * Throws one DELTA_UNSUPPORTED_OPTION (kind unsupported) when every bad key is a known Delta
 * option, else one INVALID_OPTION (kind config); both name every bad key.
 */
export function checkDeltaOptions(options: Readonly<Record<string, string>>, use: DeltaOptionUse): void {
  const problems: string[] = [];
  const bad: string[] = [];
  let unknown = false;
  const fsKeys = new Set(fileSystemOptionKeys(options)); // the file system's (src/fs), which refuses those it lacks
  for (const [key, value] of Object.entries(options)) {
    if (fsKeys.has(key)) continue;
    const name = KEYS.get(key.toLowerCase());
    if (name === undefined) {
      unknown = true;
      bad.push(key);
      const hint = closestNames(key, [...KEYS.values()], 1)[0]!;
      const near = editDistance(key.toLowerCase(), hint.toLowerCase()) <= Math.max(2, Math.floor(key.length / 3));
      problems.push(`${key} (not a Delta option${near ? `; did you mean ${hint}?` : ""})`);
      continue;
    }
    const rule = RULES[name]!;
    if (!rule.uses.includes(use)) {
      bad.push(key);
      problems.push(`${key} (not supported on a ${use}: ${rule.why})`);
    } else if (rule.values && !rule.values.includes(value.trim().toLowerCase())) {
      bad.push(key);
      problems.push(`${key}=${value} (only ${rule.values.join(" or ")} is supported: ${rule.why})`);
    }
  }
  if (problems.length === 0) return;
  const context = { format: "delta", use, option: bad[0], options: bad.join(", ") };
  const message = `Delta ${use} options Sluice does not support: ${problems.join("; ")}. Remove them; Sluice never ignores an option.`;
  throw unknown ? configError("INVALID_OPTION", message, context) : new SluiceError("unsupported", "DELTA_UNSUPPORTED_OPTION", message, context);
}

/** The write options Sluice implements, parsed. */
export interface DeltaWriteOptionValues {
  readonly mergeSchema: boolean;
  readonly overwriteSchema: boolean;
  /** commitInfo.userMetadata of the commit. */
  readonly userMetadata?: string;
  /** Table properties (delta.enableChangeDataFeed, delta.enableDeletionVectors, delta.enableTypeWidening, delta.columnMapping.mode, delta.feature.timestampNtz) of the table the write creates. */
  readonly tableProperties?: Readonly<Record<string, string>>;
  /** Idempotent batch write (Delta's txnAppId/txnVersion): skipped when the table holds this version. */
  readonly txn?: { readonly appId: string; readonly version: number };
}

/** Check (checkDeltaOptions) and parse the options of a batch or streaming write; every bad value at once. */
export function parseDeltaWriteOptions(options: Readonly<Record<string, string>>, use: "batch write" | "streaming write"): DeltaWriteOptionValues {
  checkDeltaOptions(options, use);
  const o = new Map(Object.entries(options).map(([k, v]) => [k.toLowerCase(), v]));
  const bad: string[] = [];
  const bool = (key: string): boolean => {
    const v = o.get(key.toLowerCase())?.trim();
    if (v === undefined) return false;
    if (!/^(true|false)$/i.test(v)) bad.push(`${key}=${v} (must be 'true' or 'false')`);
    return v.toLowerCase() === "true";
  };
  const mergeSchema = bool("mergeSchema");
  const overwriteSchema = bool("overwriteSchema");
  const tableProperties: Record<string, string> = {};
  if (o.has("delta.enablechangedatafeed")) tableProperties["delta.enableChangeDataFeed"] = String(bool("delta.enableChangeDataFeed"));
  if (o.has("delta.enabledeletionvectors")) tableProperties["delta.enableDeletionVectors"] = String(bool("delta.enableDeletionVectors"));
  if (o.has("delta.enabletypewidening")) tableProperties["delta.enableTypeWidening"] = String(bool("delta.enableTypeWidening"));
  if (o.has("delta.feature.timestampntz")) tableProperties["delta.feature.timestampNtz"] = "supported";
  const mapping = o.get("delta.columnmapping.mode")?.trim().toLowerCase();
  if (mapping !== undefined) {
    if (mapping === "name" || mapping === "id" || mapping === "none") tableProperties["delta.columnMapping.mode"] = mapping;
    else bad.push(`delta.columnMapping.mode=${o.get("delta.columnmapping.mode")} (must be 'none', 'name' or 'id')`);
  }
  const appId = o.get("txnappid");
  const version = o.get("txnversion")?.trim();
  if (version !== undefined && !/^\d+$/.test(version)) bad.push(`txnVersion=${version} (must be a non-negative integer)`);
  if ((appId === undefined) !== (version === undefined)) bad.push("txnAppId and txnVersion (both must be given for an idempotent write, or neither)");
  if (appId === "") bad.push("txnAppId (must not be empty)");
  if (bad.length > 0) throw configError("INVALID_OPTION", `Invalid Delta ${use} options: ${bad.join("; ")}`, { format: "delta", use });
  const userMetadata = o.get("usermetadata");
  return {
    mergeSchema,
    overwriteSchema,
    ...(userMetadata !== undefined ? { userMetadata } : {}),
    ...(Object.keys(tableProperties).length > 0 ? { tableProperties } : {}),
    ...(appId !== undefined && version !== undefined ? { txn: { appId, version: Number(version) } } : {}),
  };
}
