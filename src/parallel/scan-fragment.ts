/**
 * The chain of filters and projections between a scan and its consumer, as a worker thread runs
 * it over one scan piece: the steps cross as plain data (expr-wire.ts), the worker compiles its
 * own copy, reads the piece (scan-pieces.ts) and runs every batch through the steps. A batch
 * aggregate folds the result into a partial aggregate (aggregate-fragment.ts); a parallel scan or
 * sort sends the rows back (`runScanFragment`), sorted by the piece when a sort asks.
 */
import { type ColumnBatch, concatBatches, filterBatch, makeBatch } from "../columnar/column-batch.js";
import { readFilePiece } from "../connectors/files/file-source.js";
import { compileExpr } from "../expr/compile.js";
import type { CompiledExpr, EvalContext } from "../expr/function-types.js";
import type { RExpr } from "../expr/resolved-expr.js";
import { adoptSessionHadoopConf } from "../fs/file-systems.js";
import type { TaskContext } from "../physical/execution-plan.js";
import { trueMask } from "../physical/operators/filter-exec.js";
import { sortBatch } from "../physical/operators/sort-exec.js";
import type { ScanPiece } from "../physical/scan-pieces.js";
import type { RSortOrder } from "../plan/resolved-plan.js";
import { dataTypeFromJson, dataTypeToJson } from "../types/json-schema.js";
import { StructType } from "../types/struct-type.js";
import { NotPortable, type WireExpr, exprFromWire, exprToWire } from "./expr-wire.js";
import { type BatchWire, batchesToWire, fromWire } from "./vector-wire.js";

/** A filter or projection between the scan and its consumer (scan side first). */
export type FragmentStep = { readonly kind: "filter"; readonly condition: RExpr } | { readonly kind: "project"; readonly exprs: readonly RExpr[]; readonly schema: StructType };

export type WireStep = { readonly kind: "filter"; readonly condition: WireExpr } | { readonly kind: "project"; readonly exprs: readonly WireExpr[]; readonly schema: unknown };

/** A sort key of a piece's rows as plain data. */
export interface WireSortOrder {
  readonly expr: WireExpr;
  readonly ascending: boolean;
  readonly nullsFirst: boolean;
}

/** An expression's wire form, throwing NotPortable (callers catch it once for a whole fragment). */
export function wireOrThrow(e: RExpr): WireExpr {
  const w = exprToWire(e);
  if (w instanceof NotPortable) throw w;
  return w;
}

export function stepsToWire(steps: readonly FragmentStep[]): WireStep[] {
  return steps.map((s) => (s.kind === "filter" ? { kind: "filter", condition: wireOrThrow(s.condition) } : { kind: "project", exprs: s.exprs.map(wireOrThrow), schema: dataTypeToJson(s.schema) }));
}

/** The chain and sort keys as plain data, or why they must run on the main thread. */
export function scanFragmentToWire(steps: readonly FragmentStep[], order: readonly RSortOrder[] | null): { steps: WireStep[]; order: WireSortOrder[] | null } | NotPortable {
  try {
    return { steps: stepsToWire(steps), order: order && order.map((o) => ({ expr: wireOrThrow(o.expr), ascending: o.ascending, nullsFirst: o.nullsFirst })) };
  } catch (e) {
    if (e instanceof NotPortable) return e;
    throw e;
  }
}

/** The batches of a piece after the chain (in the worker), with the task context that counts malformed records. */
export async function* fragmentBatches(piece: ScanPiece, steps: readonly WireStep[], evalCtx: EvalContext, batchSize: number, counts: { malformed: number; dropped: number }): AsyncGenerator<ColumnBatch> {
  const compile = (w: WireExpr): CompiledExpr => compileExpr(exprFromWire(w), evalCtx);
  const run = steps.map((s) =>
    s.kind === "filter"
      ? (b: ColumnBatch): ColumnBatch => filterBatch(b, trueMask(compile(s.condition)(b), b.numRows))
      : ((exprs: CompiledExpr[], schema: StructType) => (b: ColumnBatch): ColumnBatch => makeBatch(schema, exprs.map((e) => e(b)), b.numRows))(s.exprs.map(compile), new StructType((dataTypeFromJson(s.schema) as StructType).fields)),
  );
  const ctx: TaskContext = { eval: evalCtx, batchSize, parallelRead: { threads: 0, minBytes: 0 }, malformedRecords: counts };
  for await (let b of pieceBatches(piece, ctx)) {
    for (const step of run) b = step(b);
    if (b.numRows > 0) yield b;
  }
}

/** The batches of a piece as the scan gives them (in the worker). */
async function* pieceBatches(piece: ScanPiece, ctx: TaskContext): AsyncGenerator<ColumnBatch> {
  if (piece.kind === "rows") {
    const schema = new StructType((dataTypeFromJson(piece.schema) as StructType).fields);
    yield makeBatch(schema, fromWire(piece.columns, schema.fields.map((f) => f.type)), piece.numRows);
    return;
  }
  adoptSessionHadoopConf(piece.hadoopConf);
  yield* readFilePiece(piece, ctx);
}

/** A piece's rows as plain data (partition-protocol.ts "scan.rows" reply). */
export interface PieceRowsWire {
  readonly batches: readonly BatchWire[];
  readonly malformed: number;
  readonly dropped: number;
}

/** Run the chain over one piece (in the worker), its rows sorted stably by `order` when given; the buffers to transfer. */
export async function runScanFragment(piece: ScanPiece, steps: readonly WireStep[], order: readonly WireSortOrder[] | null, evalCtx: EvalContext, batchSize: number): Promise<{ result: PieceRowsWire; transfer: ArrayBuffer[] }> {
  const counts = { malformed: 0, dropped: 0 };
  let batches: ColumnBatch[] = [];
  for await (const b of fragmentBatches(piece, steps, evalCtx, batchSize, counts)) batches.push(b);
  if (order && batches.length > 0) {
    const resolved = order.map((o) => ({ expr: exprFromWire(o.expr), ascending: o.ascending, nullsFirst: o.nullsFirst }));
    batches = [sortBatch(concatBatches(batches[0]!.schema, batches), resolved, resolved.map((o) => compileExpr(o.expr, evalCtx)))];
  }
  const wire = batchesToWire(batches);
  return { result: { batches: wire.batches, ...counts }, transfer: wire.transfer };
}
