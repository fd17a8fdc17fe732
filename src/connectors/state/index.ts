/**
 * The `statestore` format (Spark 4's state data source): a streaming query's state as a batch
 * table, `spark.read.format("statestore").load(checkpointDir)`, one row per state entry with
 * columns `key` (struct of the store's key schema), `value` (struct of its value schema) and
 * `partition_id`. Options, as Spark's:
 *   - batchId: the committed batch whose state to read (default: the last committed one);
 *   - operatorId: the stateful operator (default 0, in plan order as progress lists them from the end);
 *   - storeName: the store of the operator (default "default"; joins and transformWithState have several);
 *   - joinSide: "left" / "right" reads that side's buffered rows of a stream–stream join
 *     (key = the join key, value = the row), "none" (default) the store named by storeName;
 *   - stateVarName: a transformWithState state variable (Sluice keeps each in the store of that name).
 * The stores are read through the state store provider (streaming/state/state-store-reader.ts),
 * across the checkpoint's pinned `spark.sql.shuffle.partitions`. The `state-metadata` format
 * (state-metadata.ts) lists the operators and stores. The session registers both
 * (session/stream-connectors.ts).
 */
import { type ColumnBatch, batchFromRows } from "../../columnar/column-batch.js";
import { SluiceError, configError } from "../../common/errors.js";
import type { ExecutionPlan, TaskContext } from "../../physical/execution-plan.js";
import { throwIfAborted } from "../../physical/execution-plan.js";
import { stateValueToRow } from "../../physical/operators/group-state.js";
import type { DataSourceSpec } from "../../plan/logical-plan.js";
import type { RScan } from "../../plan/resolved-plan.js";
import { CommitLog } from "../../streaming/checkpoint/commit-log.js";
import { OffsetSeqLog } from "../../streaming/checkpoint/offset-seq-log.js";
import { readOperatorMetadata } from "../../streaming/state/operator-metadata.js";
import { readStateEntries, recordedStateSchema } from "../../streaming/state/state-store-reader.js";
import { decodeBinaryStateKey, isBinaryStateKey } from "../../streaming/operators/state-key.js";
import type { StateSchema, StateStoreId } from "../../streaming/state/state-store.js";
import type { DataType } from "../../types/data-type.js";
import { StructType } from "../../types/struct-type.js";
import { joinPath } from "../../fs/path.js";

export { stateMetadataReadSchema, stateMetadataScanExec } from "./state-metadata.js";

const OPTIONS = ["path", "batchId", "operatorId", "storeName", "joinSide", "stateVarName"] as const;
type Option = (typeof OPTIONS)[number];
const SEP = "\u0000";

/** What one read resolves to: which store, at which version, over how many partitions. */
interface StateRead {
  readonly checkpointDir: string;
  readonly batchId: number;
  readonly operatorId: number;
  readonly storeName: string;
  readonly joinSide: "left" | "right" | undefined;
  readonly numPartitions: number;
  readonly schema: StateSchema;
  /**
   * A session window's store: its state key is (other keys, session start), not its key schema
   * (the group keys with the session struct), so the key shown is the group keys its value holds.
   */
  readonly keyInValue: boolean;
}

const bad = (code: string, message: string, context: Record<string, string> = {}): SluiceError => configError(code, message, { format: "statestore", ...context });

function parseRead(spec: DataSourceSpec): StateRead {
  const opts = new Map<Option, string>();
  const unknown: string[] = [];
  for (const [k, v] of Object.entries(spec.options)) {
    const o = OPTIONS.find((x) => x.toLowerCase() === k.toLowerCase());
    if (o) opts.set(o, v);
    else unknown.push(k);
  }
  if (unknown.length > 0) throw bad("STATE_DATA_SOURCE_UNKNOWN_OPTION", `The statestore format does not know the option(s) ${unknown.join(", ")}; it takes ${OPTIONS.filter((o) => o !== "path").join(", ")}`);
  if (spec.userSchema) throw bad("STATE_DATA_SOURCE_SCHEMA_NOT_ALLOWED", "The statestore format takes its schema from the checkpoint: remove .schema(...)");
  const paths = [...spec.paths, ...(opts.has("path") && spec.paths.length === 0 ? [opts.get("path")!] : [])];
  if (paths.length !== 1) throw bad("PATH_REQUIRED", `The statestore format reads one checkpoint: load("path/to/checkpoint"); got ${paths.length} paths`);
  const checkpointDir = paths[0]!;
  const int = (name: Option, min: number): number | undefined => {
    const v = opts.get(name);
    if (v === undefined) return undefined;
    if (!/^\d+$/.test(v.trim()) || Number(v) < min) throw bad("STATE_DATA_SOURCE_INVALID_OPTION_VALUE", `Invalid value for source option '${name}': '${v}' must be an integer ≥ ${min}`, { option: name });
    return Number(v);
  };
  const committed = new CommitLog(joinPath(checkpointDir, "commits")).listBatchIds();
  if (committed.length === 0) throw new SluiceError("input", "STATE_DATA_SOURCE_NO_COMMITTED_BATCH", `The checkpoint ${checkpointDir} has no committed batch, so it holds no state to read`, { path: checkpointDir });
  const last = Math.max(...committed);
  const batchId = int("batchId", 0) ?? last;
  if (batchId > last) throw bad("STATE_DATA_SOURCE_INVALID_OPTION_VALUE", `Invalid value for source option 'batchId': ${batchId} is after the last committed batch (${last}) of ${checkpointDir}`, { option: "batchId" });
  const operatorId = int("operatorId", 0) ?? 0;
  const side = (opts.get("joinSide") ?? "none").toLowerCase();
  if (side !== "left" && side !== "right" && side !== "none") throw bad("STATE_DATA_SOURCE_INVALID_OPTION_VALUE", `Invalid value for source option 'joinSide': '${opts.get("joinSide")}' must be left, right or none`, { option: "joinSide" });
  const named = [opts.has("storeName") && "storeName", side !== "none" && "joinSide", opts.has("stateVarName") && "stateVarName"].filter(Boolean);
  if (named.length > 1) throw bad("STATE_DATA_SOURCE_CONFLICT_OPTIONS", `The options ${named.join(" and ")} cannot be combined: each names the store to read`);
  const joinSide = side === "none" ? undefined : side;
  const storeName = joinSide ? `${joinSide}-keyWithIndexToValue` : (opts.get("stateVarName") ?? opts.get("storeName") ?? "default");
  const conf = new OffsetSeqLog(joinPath(checkpointDir, "offsets")).get(batchId)?.metadata.conf ?? {};
  const numPartitions = Number(conf["spark.sql.shuffle.partitions"] ?? "1");
  const id = (partitionId: number): StateStoreId => ({ checkpointRoot: joinPath(checkpointDir, "state"), operatorId, partitionId, storeName });
  const schema = recordedStateSchema(id(0));
  if (!schema) {
    throw new SluiceError("input", "STATE_DATA_SOURCE_STORE_NOT_FOUND", `The checkpoint ${checkpointDir} has no state store '${storeName}' for operator ${operatorId}${joinSide ? ` (joinSide ${joinSide}: is operator ${operatorId} a stream–stream join?)` : ""}. Check operatorId and storeName against sluice checkpoint inspect.`, {
      path: checkpointDir,
    });
  }
  const keyInValue = readOperatorMetadata(joinPath(checkpointDir, "state"), operatorId)?.operatorName === "sessionWindowStateStoreSaveExec";
  return { checkpointDir, batchId, operatorId, storeName, joinSide, numPartitions, schema, keyInValue };
}

/** The key and value structs as the table shows them (a join side drops its index and matched flag). */
function shownSchemas(r: StateRead): { key: StructType; value: StructType } {
  const key = r.joinSide ? new StructType(r.schema.keySchema.fields.slice(0, -1)) : r.schema.keySchema;
  const value = r.joinSide ? new StructType(r.schema.valueSchema.fields.slice(0, -1)) : r.schema.valueSchema;
  return { key, value };
}

function tableSchema(r: StateRead): StructType {
  const { key, value } = shownSchemas(r);
  return new StructType([
    { name: "key", type: key, nullable: true },
    { name: "value", type: value, nullable: true },
    { name: "partition_id", type: { kind: "int" }, nullable: false },
  ]);
}

/** `spark.read.format("statestore")`'s schema. */
export function stateStoreReadSchema(spec: DataSourceSpec, streaming: boolean): StructType {
  if (streaming) throw bad("STREAMING_NOT_SUPPORTED", "The statestore format is read with spark.read (a batch read of a checkpoint), not spark.readStream");
  return tableSchema(parseRead(spec));
}

export function stateStoreScanExec(node: RScan): ExecutionPlan {
  return new StateStoreScanExec(node.source, node.dataSchema);
}

/**
 * A state key as engine values of `keySchema`: operators key by the JSON text of their key values
 * or (in newer checkpoints: aggregation, deduplication, joins, limits) by their binary form
 * (streaming/operators/state-key.ts; a join's row store adds the index as a BIGINT column there,
 * NUL and the index after JSON text), and a groupByKey operator's one STRING field holds the
 * encoded key as it is.
 */
function keyValues(text: string, keySchema: StructType): unknown[] {
  const fields = keySchema.fields;
  if (isBinaryStateKey(text)) {
    try {
      return decodeBinaryStateKey(text, fields.map((f) => f.type));
    } catch {
      // not a binary key of this schema: a groupByKey key, or unreadable (below)
    }
  }
  const [head, ...rest] = text.split(SEP);
  let parsed: unknown;
  try {
    parsed = JSON.parse(head!);
  } catch {
    parsed = undefined;
  }
  const values = Array.isArray(parsed) ? [...parsed, ...rest.map(Number)] : undefined;
  if (values && values.length === fields.length) return values.map((v, i) => engineValue(v, fields[i]!.type));
  if (fields.length === 1 && fields[0]!.type.kind === "string") return [text];
  throw new SluiceError("input", "STATE_DATA_SOURCE_KEY_UNREADABLE", `A state key does not match the store's key schema (${keySchema.simpleString()}): ${JSON.stringify(text)}`);
}

/** Undo state-key.ts's canonical forms. */
function engineValue(v: unknown, t: DataType): unknown {
  if (typeof v === "string" && v.startsWith(SEP)) {
    const body = v.slice(1);
    if (body === "NaN") return NaN;
    if (body === "Inf") return Infinity;
    if (body === "-Inf") return -Infinity;
    if (body.startsWith("L")) return BigInt(body.slice(1));
    if (body.startsWith("b")) return new Uint8Array(Buffer.from(body.slice(1), "base64"));
  }
  if (t.kind === "bigint" && typeof v === "number") return BigInt(v);
  return v;
}

export class StateStoreScanExec implements ExecutionPlan {
  readonly name = "StateStoreScanExec";
  readonly children: readonly ExecutionPlan[] = [];

  constructor(
    readonly source: DataSourceSpec,
    readonly schema: StructType,
  ) {}

  describe(): string {
    return `${this.name}: ${this.source.paths.join(", ")} ${JSON.stringify(this.source.options)}`;
  }

  async *execute(ctx: TaskContext): AsyncIterable<ColumnBatch> {
    const r = parseRead(this.source);
    const { key, value } = shownSchemas(r);
    for (let p = 0; p < r.numPartitions; p++) {
      const id: StateStoreId = { checkpointRoot: joinPath(r.checkpointDir, "state"), operatorId: r.operatorId, partitionId: p, storeName: r.storeName };
      for await (const chunk of readStateEntries(id, r.schema, r.batchId + 1)) {
        throwIfAborted(ctx);
        const rows = chunk.map(([k, v]) => ({
          key: stateValueToRow(key, (r.keyInValue ? v : keyValues(k, r.schema.keySchema)).slice(0, key.fields.length)),
          value: stateValueToRow(value, v.slice(0, value.fields.length)),
          partition_id: p,
        }));
        yield batchFromRows(this.schema, rows);
      }
    }
  }
}
