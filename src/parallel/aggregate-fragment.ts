/**
 * The part of a batch aggregation a worker thread runs on one scan piece (Spark's partial
 * aggregate): read the piece, run the filters and projections between the scan and the
 * aggregate (scan-fragment.ts), fold the rows into a partial group table (grouped-aggregation.ts), and give its
 * buffers back as columns (typed buffers transferred). The main thread merges the partials in
 * piece order (parallel-aggregate-exec.ts).
 *
 * `aggregateFragmentToWire` decides on the main thread whether a plan can run there: every
 * expression must cross (expr-wire.ts) and every aggregate function be the built-in of its name.
 */
import type { Vector } from "../columnar/vector.js";
import { lookupAggregateFunction } from "../expr/aggregates/registry.js";
import { compileExpr } from "../expr/compile.js";
import type { CompiledExpr, EvalContext } from "../expr/function-types.js";
import type { RExpr } from "../expr/resolved-expr.js";
import { trueMask } from "../physical/operators/filter-exec.js";
import { type AggregateSpec, GroupedAggregation, type PartialAggregate } from "../physical/operators/grouped-aggregation.js";
import type { ScanPiece } from "../physical/scan-pieces.js";
import type { RAggCall } from "../plan/resolved-plan.js";
import { type DataType, IntegerType } from "../types/data-type.js";
import { dataTypeFromJson, dataTypeToJson } from "../types/json-schema.js";
import { NotPortable, type WireExpr, exprFromWire, isPlainValue } from "./expr-wire.js";
import { type FragmentStep, type WireStep, fragmentBatches, stepsToWire, wireOrThrow } from "./scan-fragment.js";
import { type WireVector, fromWire, toWire } from "./vector-wire.js";

export interface AggregateFragmentWire {
  readonly steps: readonly WireStep[];
  readonly groupBy: readonly WireExpr[];
  readonly aggs: readonly {
    readonly fn: string;
    readonly args: readonly WireExpr[];
    readonly filter: WireExpr | null;
    readonly distinct: boolean;
    readonly ignoreNulls: boolean;
    readonly type: unknown;
    readonly stateTypes: readonly unknown[];
    readonly literals: readonly unknown[];
  }[];
  readonly groupingSets: readonly (readonly number[])[] | null;
}

/** A partial aggregate as plain data (partition-protocol.ts "scan.partialAggregate" reply). */
export interface PartialAggregateWire {
  readonly numGroups: number;
  readonly keys: readonly WireVector[];
  readonly aggs: readonly ({ readonly states: readonly WireVector[] } | { readonly numRows: number; readonly groupIds: Int32Array; readonly args: readonly WireVector[] })[];
  readonly malformed: number;
  readonly dropped: number;
}

/** The fragment as plain data, or why it must run on the main thread. */
export function aggregateFragmentToWire(steps: readonly FragmentStep[], groupBy: readonly RExpr[], aggs: readonly RAggCall[], groupingSets: readonly (readonly number[])[] | undefined): AggregateFragmentWire | NotPortable {
  try {
    const waggs = aggs.map((a) => {
      if (lookupAggregateFunction(a.fn.name) !== a.fn) throw new NotPortable(`${a.fn.name} is not a built-in aggregate function`);
      if (!a.literals.every(isPlainValue)) throw new NotPortable(`a literal argument of ${a.name} is not plain data`);
      return { fn: a.fn.name, args: a.args.map(wireOrThrow), filter: a.filter ? wireOrThrow(a.filter) : null, distinct: a.distinct, ignoreNulls: a.ignoreNulls, type: dataTypeToJson(a.type), stateTypes: a.stateTypes.map(dataTypeToJson), literals: a.literals };
    });
    return { steps: stepsToWire(steps), groupBy: groupBy.map(wireOrThrow), aggs: waggs, groupingSets: groupingSets ?? null };
  } catch (e) {
    if (e instanceof NotPortable) return e;
    throw e;
  }
}

export type FragmentAggregate = AggregateSpec & { readonly stateTypes: readonly DataType[] };

/** The aggregate specs of a fragment (for the main thread's final table, too). */
export function fragmentAggregateSpecs(f: AggregateFragmentWire): FragmentAggregate[] {
  return f.aggs.map((a) => ({
    fn: lookupAggregateFunction(a.fn)!,
    args: a.args.map((x) => ({ type: dataTypeFromJson(x.type) as DataType })),
    type: dataTypeFromJson(a.type) as DataType,
    stateTypes: a.stateTypes.map((t) => dataTypeFromJson(t) as DataType),
    distinct: a.distinct,
    ignoreNulls: a.ignoreNulls,
    literals: a.literals,
  }));
}

/** Run the fragment over one piece (in the worker): the partial aggregate as plain data, and the buffers to transfer. */
export async function runAggregateFragment(piece: ScanPiece, f: AggregateFragmentWire, evalCtx: EvalContext, batchSize: number): Promise<{ result: PartialAggregateWire; transfer: ArrayBuffer[] }> {
  const compile = (w: WireExpr): CompiledExpr => compileExpr(exprFromWire(w), evalCtx);
  const keys = f.groupBy.map(compile);
  const aggs = f.aggs.map((a) => ({ args: a.args.map(compile), filter: a.filter ? compile(a.filter) : null }));
  const table = new GroupedAggregation(f.groupBy.map((w) => dataTypeFromJson(w.type) as DataType), fragmentAggregateSpecs(f), evalCtx, f.groupingSets ?? undefined, "partial");
  const counts = { malformed: 0, dropped: 0 };
  for await (const batch of fragmentBatches(piece, f.steps, evalCtx, batchSize, counts)) {
    const n = batch.numRows;
    table.update(
      keys.map((k) => k(batch)),
      aggs.map((a) => a.args.map((e) => e(batch))),
      aggs.map((a) => (a.filter ? trueMask(a.filter(batch), n) : null)),
      n,
    );
  }
  return partialToWire(table.partial(), counts);
}

function partialToWire(p: PartialAggregate, counts: { malformed: number; dropped: number }): { result: PartialAggregateWire; transfer: ArrayBuffer[] } {
  const transfer: ArrayBuffer[] = [];
  const wire = (vs: readonly Vector[]): WireVector[] => {
    const w = toWire(vs);
    transfer.push(...w.transfer);
    return w.columns;
  };
  const aggs = p.aggs.map((a) => {
    if ("states" in a) return { states: wire(a.states) };
    const groupIds = a.groupIds.slice();
    transfer.push(groupIds.buffer as ArrayBuffer);
    return { numRows: a.numRows, groupIds, args: wire(a.args) };
  });
  return { result: { numGroups: p.numGroups, keys: wire(p.keys), aggs, ...counts }, transfer: [...new Set(transfer)] };
}

/** A partial aggregate back from the wire (on the main thread), given the fragment's types. */
export function partialFromWire(w: PartialAggregateWire, f: AggregateFragmentWire, specs: readonly FragmentAggregate[]): PartialAggregate {
  const keyTypes = f.groupBy.map((x) => dataTypeFromJson(x.type) as DataType);
  if (f.groupingSets) keyTypes.push(IntegerType);
  return {
    numGroups: w.numGroups,
    keys: fromWire(w.keys, keyTypes),
    aggs: w.aggs.map((a, i) => {
      const spec = specs[i]!;
      if ("states" in a) return { states: fromWire(a.states, spec.stateTypes) };
      return { numRows: a.numRows, groupIds: a.groupIds, args: fromWire(a.args, spec.args.map((x) => x.type)) };
    }),
  };
}
