/**
 * What the streaming aggregation operators share: the state layout of an aggregate (group key
 * values followed by every aggregate's partial state), fresh accumulators, merging stored partial
 * states into accumulators, and evaluating groups into result rows.
 *
 * The functions take an AggregateLayout — the types and aggregate functions of an aggregate,
 * without its expressions — which a resolved RAggregate is, and which a partition worker
 * rebuilds from its wire form (aggregate-kernel.ts). The group buffer (key values, then each
 * aggregate's final value) is what the result expressions are evaluated over.
 */
import { type ColumnBatch, makeBatch, vectorFromValues } from "../../columnar/column-batch.js";
import type { AggregateFunction, CompiledExpr, EvalContext, GroupAccumulator } from "../../expr/function-types.js";
import type { TaskContext } from "../../physical/execution-plan.js";
import type { RAggregate } from "../../plan/resolved-plan.js";
import type { DataType } from "../../types/data-type.js";
import { StructType } from "../../types/struct-type.js";
import type { PartitionedStateStore } from "../state/partitioned-state-store.js";
import type { StateSchema, StateStore, StateValue } from "../state/state-store.js";

/** The part of an aggregate its state and accumulators depend on (an RAggregate is one). */
export interface AggregateLayout {
  readonly groupBy: readonly { readonly type: DataType }[];
  readonly aggs: readonly {
    readonly fn: AggregateFunction;
    readonly args: readonly { readonly type: DataType }[];
    readonly distinct: boolean;
    readonly ignoreNulls: boolean;
    readonly type: DataType;
    readonly stateTypes: readonly DataType[];
    readonly literals: readonly (unknown | undefined)[];
  }[];
}

export function aggregateStateSchema(node: AggregateLayout): StateSchema {
  const keyFields = node.groupBy.map((e, i) => ({ name: `k${i}`, type: e.type, nullable: true }));
  const stateFields = node.aggs.flatMap((a, i) => a.stateTypes.map((type, j) => ({ name: `a${i}_${j}`, type, nullable: a.fn.nonNullableState !== true })));
  return { keySchema: new StructType(keyFields), valueSchema: new StructType([...keyFields, ...stateFields]) };
}

export function newAccumulators(node: AggregateLayout, ctx: { readonly eval: EvalContext }): GroupAccumulator[] {
  return node.aggs.map((a) =>
    a.fn.create(
      a.args.map((x) => x.type),
      a.type,
      ctx.eval,
      { distinct: a.distinct, ignoreNulls: a.ignoreNulls, literals: a.literals },
    ),
  );
}

/** Merge stored state rows (key values, then partial states) into groups `gids` of `accs`. */
export function mergeStateRows(node: AggregateLayout, accs: GroupAccumulator[], gids: readonly number[], rows: readonly StateValue[], numGroups: number): void {
  if (rows.length === 0) return;
  const ids = Int32Array.from(gids);
  let col = node.groupBy.length;
  node.aggs.forEach((a, i) => {
    const vectors = a.stateTypes.map((t, j) => vectorFromValues(t, rows.map((r) => r[col + j] ?? null)));
    col += a.stateTypes.length;
    accs[i]!.merge(ids, vectors, rows.length, numGroups);
  });
}

/** The schema of the group buffer: k0…, the key values, then a0…, each aggregate's final value. */
export const groupBufferSchema = (node: AggregateLayout): StructType =>
  new StructType([
    ...node.groupBy.map((e, i) => ({ name: `k${i}`, type: e.type, nullable: true })),
    ...node.aggs.map((a, i) => ({ name: `a${i}`, type: a.type, nullable: true })),
  ]);

/** The group buffer of groups 0..n-1 (with their key values). */
export function groupBuffer(node: AggregateLayout, accs: GroupAccumulator[], keys: readonly (readonly unknown[])[]): ColumnBatch {
  const n = keys.length;
  const keyVectors = node.groupBy.map((e, i) => vectorFromValues(e.type, keys.map((k) => k[i] ?? null)));
  const aggVectors = accs.map((a) => a.evaluate(n));
  return makeBatch(groupBufferSchema(node), [...keyVectors, ...aggVectors], n);
}

/** Evaluate the aggregate's result expressions over a group buffer. */
export const evaluateBuffer = (schema: StructType, buffer: ColumnBatch, result: readonly CompiledExpr[]): ColumnBatch =>
  makeBatch(schema, result.map((r) => r(buffer)), buffer.numRows);

/** Evaluate groups 0..n-1 (with their key values) through the aggregate's result expressions. */
export function evaluateGroups(node: RAggregate, schema: StructType, accs: GroupAccumulator[], keys: readonly (readonly unknown[])[], result: readonly CompiledExpr[]): ColumnBatch {
  return evaluateBuffer(schema, groupBuffer(node, accs, keys), result);
}

/**
 * Evaluate the stored groups whose state value matches `select` into one batch (partition by
 * partition), removing them from their partition's store when `remove` (eviction). State values
 * start with the group key values.
 */
export async function emitStoredGroups(
  node: RAggregate,
  schema: StructType,
  store: PartitionedStateStore,
  ctx: TaskContext,
  result: readonly CompiledExpr[],
  select: (v: StateValue) => boolean,
  remove: boolean,
): Promise<ColumnBatch> {
  return evaluateBuffer(schema, await storedGroupBuffer(node, store.partitions, ctx, select, remove), result);
}

/** The group buffer of the stored groups whose state value matches `select`, store by store (removed when `remove`). */
export async function storedGroupBuffer(
  node: AggregateLayout,
  stores: readonly StateStore[],
  ctx: { readonly eval: EvalContext },
  select: (v: StateValue) => boolean,
  remove: boolean,
): Promise<ColumnBatch> {
  const nk = node.groupBy.length;
  const rows: StateValue[] = [];
  for (const part of stores) {
    const keys: string[] = [];
    for await (const chunk of part.scanChunks()) {
      for (const [k, v] of chunk) {
        if (select(v)) {
          rows.push(v);
          keys.push(k);
        }
      }
    }
    if (remove) for (const k of keys) part.remove(k);
  }
  const accs = newAccumulators(node, ctx);
  mergeStateRows(node, accs, rows.map((_, i) => i), rows, rows.length);
  return groupBuffer(node, accs, rows.map((r) => r.slice(0, nk)));
}

/** The output schema of an aggregate node. */
export const aggregateOutputSchema = (node: RAggregate): StructType =>
  new StructType(node.output.map((a) => ({ name: a.name, type: a.type, nullable: a.nullable })));

/** `Name: keys=[...], functions=[...], mode=...` for explain. */
export function describeAggregate(name: string, node: RAggregate, mode: string): string {
  const keys = node.groupBy.map((_, i) => node.output[i]?.name ?? `k${i}`).join(", ");
  return `${name}: keys=[${keys}], functions=[${node.aggs.map((a) => a.name).join(", ")}], mode=${mode}`;
}
