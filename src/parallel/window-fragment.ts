/**
 * Window functions over the rows of some partitions, in a worker thread: the main thread
 * hash-partitions the window's input by the PARTITION BY keys (parallel-window-exec.ts, Spark's
 * Exchange hashpartitioning) and sends each worker its rows with their input positions; the
 * worker runs a WindowExec over them and sends back, per output row, its input position and the
 * calls' values.
 * The calls cross as plain data: a window or aggregate function by its built-in name, its
 * expressions by expr-wire.ts, the frame and literals as structured-clone values.
 */
import type { ColumnBatch } from "../columnar/column-batch.js";
import { lookupAggregateFunction } from "../expr/aggregates/registry.js";
import { compileExpr } from "../expr/compile.js";
import type { EvalContext } from "../expr/function-types.js";
import type { WindowFrame } from "../expr/expr.js";
import { lookupWindowFunction } from "../expr/window-functions/registry.js";
import { collectBatches } from "../physical/execution-plan.js";
import { LocalRelationExec } from "../physical/operators/local-relation-exec.js";
import { WindowExec } from "../physical/operators/window-exec.js";
import type { RWindowCall } from "../plan/resolved-plan.js";
import type { DataType } from "../types/data-type.js";
import { dataTypeFromJson, dataTypeToJson } from "../types/json-schema.js";
import { StructType } from "../types/struct-type.js";
import { NotPortable, type WireExpr, exprFromWire, isPlainValue } from "./expr-wire.js";
import { wireOrThrow } from "./scan-fragment.js";
import { type BatchWire, batchFromWire, batchesToWire } from "./vector-wire.js";

export interface WindowCallWire {
  readonly fn: { readonly kind: "window" | "aggregate"; readonly name: string };
  readonly args: readonly WireExpr[];
  readonly literals: readonly unknown[];
  readonly ignoreNulls: boolean;
  readonly partitionBy: readonly WireExpr[];
  readonly orderBy: readonly { readonly expr: WireExpr; readonly ascending: boolean; readonly nullsFirst: boolean }[];
  readonly frame: WindowFrame;
  readonly type: unknown;
  readonly stateTypes: readonly unknown[];
}

/** A window's calls, with the schemas of the rows sent (input columns, then the position) and of the WindowExec over them (then the calls' columns). */
export interface WindowFragmentWire {
  readonly calls: readonly WindowCallWire[];
  readonly inputSchema: unknown;
  readonly outputSchema: unknown;
}

/** The calls as plain data, or why one cannot cross to a worker. */
export function windowFragmentToWire(calls: readonly RWindowCall[], inputSchema: StructType, outputSchema: StructType): WindowFragmentWire | NotPortable {
  try {
    const wcalls = calls.map((c): WindowCallWire => {
      const name = c.fn.impl.name;
      const builtIn = c.fn.kind === "window" ? lookupWindowFunction(name) : lookupAggregateFunction(name);
      if (builtIn !== c.fn.impl) throw new NotPortable(`${name} is not a built-in ${c.fn.kind} function`);
      if (!c.literals.every(isPlainValue) || !isPlainValue(c.frame)) throw new NotPortable(`a literal or frame boundary of ${name} is not plain data`);
      return {
        fn: { kind: c.fn.kind, name },
        args: c.args.map(wireOrThrow),
        literals: c.literals,
        ignoreNulls: c.ignoreNulls,
        partitionBy: c.partitionBy.map(wireOrThrow),
        orderBy: c.orderBy.map((o) => ({ expr: wireOrThrow(o.expr), ascending: o.ascending, nullsFirst: o.nullsFirst })),
        frame: c.frame,
        type: dataTypeToJson(c.type),
        stateTypes: c.stateTypes.map(dataTypeToJson),
      };
    });
    return { calls: wcalls, inputSchema: dataTypeToJson(inputSchema), outputSchema: dataTypeToJson(outputSchema) };
  } catch (e) {
    if (e instanceof NotPortable) return e;
    throw e;
  }
}

function callFromWire(w: WindowCallWire): RWindowCall {
  const fn = w.fn.kind === "window" ? { kind: "window" as const, impl: lookupWindowFunction(w.fn.name)! } : { kind: "aggregate" as const, impl: lookupAggregateFunction(w.fn.name)! };
  return {
    fn,
    args: w.args.map(exprFromWire),
    literals: w.literals,
    ignoreNulls: w.ignoreNulls,
    partitionBy: w.partitionBy.map(exprFromWire),
    orderBy: w.orderBy.map((o) => ({ expr: exprFromWire(o.expr), ascending: o.ascending, nullsFirst: o.nullsFirst })),
    frame: w.frame,
    type: dataTypeFromJson(w.type) as DataType,
    stateTypes: w.stateTypes.map((t) => dataTypeFromJson(t) as DataType),
  };
}

const struct = (j: unknown): StructType => new StructType((dataTypeFromJson(j) as StructType).fields);

/** Run the window over one worker's rows (in the worker); its output batches and the buffers to transfer. */
export async function runWindowFragment(f: WindowFragmentWire, rows: BatchWire, evalCtx: EvalContext, batchSize: number): Promise<{ result: BatchWire[]; transfer: ArrayBuffer[] }> {
  const input = struct(f.inputSchema);
  const exec = new WindowExec(new LocalRelationExec(input, [batchFromWire(rows, input)]), f.calls.map(callFromWire), struct(f.outputSchema), (e) => compileExpr(e, evalCtx));
  const out: ColumnBatch[] = await collectBatches(exec, { eval: evalCtx, batchSize });
  // Only the positions and the calls' columns go back: the main thread still holds the input columns.
  const from = input.length - 1;
  const wire = batchesToWire(out.map((b) => ({ schema: b.schema, columns: b.columns.slice(from), numRows: b.numRows })));
  return { result: wire.batches, transfer: wire.transfer };
}
