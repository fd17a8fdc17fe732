/**
 * What the streaming aggregation operators share: the state layout of an aggregate (group key
 * values followed by every aggregate's partial state), fresh accumulators, merging stored partial
 * states into accumulators, and evaluating groups into result rows.
 */
import { type ColumnBatch, makeBatch, vectorFromValues } from "../../columnar/column-batch.js";
import type { CompiledExpr, GroupAccumulator } from "../../expr/function-types.js";
import type { TaskContext } from "../../physical/execution-plan.js";
import type { RAggregate } from "../../plan/resolved-plan.js";
import { StructType } from "../../types/struct-type.js";
import type { PartitionedStateStore } from "../state/partitioned-state-store.js";
import type { StateSchema, StateValue } from "../state/state-store.js";

export function aggregateStateSchema(node: RAggregate): StateSchema {
  const keyFields = node.groupBy.map((e, i) => ({ name: `k${i}`, type: e.type, nullable: true }));
  const stateFields = node.aggs.flatMap((a, i) => a.stateTypes.map((type, j) => ({ name: `a${i}_${j}`, type, nullable: true })));
  return { keySchema: new StructType(keyFields), valueSchema: new StructType([...keyFields, ...stateFields]) };
}

export function newAccumulators(node: RAggregate, ctx: TaskContext): GroupAccumulator[] {
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
export function mergeStateRows(node: RAggregate, accs: GroupAccumulator[], gids: readonly number[], rows: readonly StateValue[], numGroups: number): void {
  if (rows.length === 0) return;
  const ids = Int32Array.from(gids);
  let col = node.groupBy.length;
  node.aggs.forEach((a, i) => {
    const vectors = a.stateTypes.map((t, j) => vectorFromValues(t, rows.map((r) => r[col + j] ?? null)));
    col += a.stateTypes.length;
    accs[i]!.merge(ids, vectors, rows.length, numGroups);
  });
}

/** Evaluate groups 0..n-1 (with their key values) through the aggregate's result expressions. */
export function evaluateGroups(node: RAggregate, schema: StructType, accs: GroupAccumulator[], keys: readonly (readonly unknown[])[], result: readonly CompiledExpr[]): ColumnBatch {
  const n = keys.length;
  const keyVectors = node.groupBy.map((e, i) => vectorFromValues(e.type, keys.map((k) => k[i] ?? null)));
  const aggVectors = accs.map((a) => a.evaluate(n));
  const bufferSchema = new StructType([
    ...node.groupBy.map((e, i) => ({ name: `k${i}`, type: e.type, nullable: true })),
    ...node.aggs.map((a, i) => ({ name: `a${i}`, type: a.type, nullable: true })),
  ]);
  const buffer = makeBatch(bufferSchema, [...keyVectors, ...aggVectors], n);
  return makeBatch(schema, result.map((r) => r(buffer)), n);
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
  const nk = node.groupBy.length;
  const rows: StateValue[] = [];
  for (const part of store.partitions) {
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
  return evaluateGroups(node, schema, accs, rows.map((r) => r.slice(0, nk)), result);
}

/** The output schema of an aggregate node. */
export const aggregateOutputSchema = (node: RAggregate): StructType =>
  new StructType(node.output.map((a) => ({ name: a.name, type: a.type, nullable: a.nullable })));

/** `Name: keys=[...], functions=[...], mode=...` for explain. */
export function describeAggregate(name: string, node: RAggregate, mode: string): string {
  const keys = node.groupBy.map((_, i) => node.output[i]?.name ?? `k${i}`).join(", ");
  return `${name}: keys=[${keys}], functions=[${node.aggs.map((a) => a.name).join(", ")}], mode=${mode}`;
}
