/**
 * A broadcast hash join's probe in a worker thread: the main thread collects the build (right)
 * side once and sends it to every worker ("join.broadcast", its buffers transferred); each worker
 * builds the hash table once (HashJoinTable) and keeps it under the broadcast's key, then joins
 * the scan pieces of the probe (left) side against it ("scan.join": the piece's filter/project
 * chain, then the probe). "join.release" drops the table at the end of the query.
 * Spark's BroadcastHashJoinExec does the same per task over its HashedRelation broadcast.
 */
import type { ColumnBatch } from "../columnar/column-batch.js";
import { compileExpr } from "../expr/compile.js";
import type { EvalContext } from "../expr/function-types.js";
import { SluiceError } from "../common/errors.js";
import type { DictionaryKind } from "../physical/hash/key-dictionary.js";
import type { HashJoinExec } from "../physical/operators/hash-join-exec.js";
import { HashJoinTable } from "../physical/operators/hash-join-table.js";
import type { ScanPiece } from "../physical/scan-pieces.js";
import type { JoinType } from "../plan/logical-plan.js";
import type { DataType } from "../types/data-type.js";
import { dataTypeFromJson, dataTypeToJson } from "../types/json-schema.js";
import { StructType } from "../types/struct-type.js";
import { NotPortable, type WireExpr, exprFromWire } from "./expr-wire.js";
import { type PieceRowsWire, type WireStep, fragmentBatches, wireOrThrow } from "./scan-fragment.js";
import { type BatchWire, batchFromWire, batchesToWire } from "./vector-wire.js";

/** What a worker needs to build the table and probe with it, as plain data. */
export interface BroadcastJoinWire {
  readonly joinType: JoinType;
  readonly schema: unknown;
  readonly leftSchema: unknown;
  readonly buildSchema: unknown;
  readonly leftKeys: readonly WireExpr[];
  readonly rightKeys: readonly WireExpr[];
  readonly kinds: readonly DictionaryKind[];
  readonly nullSafe: readonly boolean[] | null;
  readonly condition: WireExpr | null;
}

/** The join of `join` as plain data, or why its keys or condition cannot cross to a worker. */
export function broadcastJoinToWire(join: HashJoinExec): BroadcastJoinWire | NotPortable {
  try {
    return {
      joinType: join.joinType,
      schema: dataTypeToJson(join.schema),
      leftSchema: dataTypeToJson(join.left.schema),
      buildSchema: dataTypeToJson(join.right.schema),
      leftKeys: join.keys.left.map(wireOrThrow),
      rightKeys: join.keys.right.map(wireOrThrow),
      kinds: join.kinds,
      nullSafe: join.keys.nullSafe ? [...join.keys.nullSafe] : null,
      condition: join.condition ? wireOrThrow(join.condition) : null,
    };
  } catch (e) {
    if (e instanceof NotPortable) return e;
    throw e;
  }
}

const struct = (j: unknown): StructType => new StructType((dataTypeFromJson(j) as StructType).fields);

/** The tables of the broadcasts in flight in this worker, by key. */
const tables = new Map<string, HashJoinTable>();

/** Build the table over a broadcast build side (in the worker), once. */
export function registerBroadcast(key: string, spec: BroadcastJoinWire, build: BatchWire, evalCtx: EvalContext): void {
  const compile = (w: WireExpr) => compileExpr(exprFromWire(w), evalCtx);
  const rightKeys = spec.rightKeys.map(exprFromWire);
  const table = new HashJoinTable(
    spec.joinType,
    struct(spec.schema),
    struct(spec.leftSchema),
    batchFromWire(build, struct(spec.buildSchema)),
    spec.leftKeys.map(compile),
    rightKeys.map((k) => compileExpr(k, evalCtx)),
    rightKeys.map((k) => k.type as DataType),
    [...spec.kinds],
    spec.nullSafe ?? undefined,
    spec.condition ? compile(spec.condition) : null,
  );
  tables.set(key, table);
}

export function releaseBroadcast(key: string): void {
  tables.delete(key);
}

/** Run the chain over one probe piece and join its rows against broadcast `key` (in the worker); the buffers to transfer. */
export async function runJoinFragment(piece: ScanPiece, steps: readonly WireStep[], key: string, evalCtx: EvalContext, batchSize: number): Promise<{ result: PieceRowsWire; transfer: ArrayBuffer[] }> {
  const table = tables.get(key);
  if (!table) throw new SluiceError("internal", "BROADCAST_UNKNOWN", `Broadcast ${key} is not held by this worker (its thread was restarted during the query)`);
  const counts = { malformed: 0, dropped: 0 };
  const out: ColumnBatch[] = [];
  for await (const b of fragmentBatches(piece, steps, evalCtx, batchSize, counts)) for (const j of table.probe(b, batchSize)) if (j.numRows > 0) out.push(j);
  const wire = batchesToWire(out);
  return { result: { batches: wire.batches, ...counts }, transfer: wire.transfer };
}
