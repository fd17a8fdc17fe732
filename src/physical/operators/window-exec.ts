/**
 * WindowExec: output = input columns followed by one column per window call.
 *
 * 1. Drain the input into one batch.
 * 2. For each distinct (PARTITION BY, ORDER BY) spec: encode partition keys to partition ids,
 *    sort rows by (partition id, order keys) — stable — and mark partition starts and peer groups.
 * 3. For each call of that spec, in sorted order:
 *    - ranking/offset functions: `WindowFunction.evaluate` once per partition;
 *    - aggregates over the whole partition: one accumulator, group id = partition;
 *    - aggregates over frames starting at UNBOUNDED PRECEDING: run incrementally per partition,
 *      evaluating once per distinct frame end (O(n) updates);
 *    - other frames: every (row, frame row) pair becomes an accumulator input with group id =
 *      row, in chunks (O(total frame size), as Spark's sliding frames).
 *    Results are scattered back to input row order.
 * 4. Output rows follow the first spec's sort: grouped by partition, ordered within it.
 */
import type { ColumnBatch } from "../../columnar/column-batch.js";
import { concatVectors, getValue, makeBatch, sliceVector, VectorBuilder } from "../../columnar/column-batch.js";
import type { Vector } from "../../columnar/vector.js";
import { allocValues, makeVector } from "../../columnar/vector.js";
import type { CompiledExpr, EvalContext, GroupAccumulator } from "../../expr/function-types.js";
import type { RWindowCall } from "../../plan/resolved-plan.js";
import type { StructType } from "../../types/struct-type.js";
import { type ExecutionPlan, type TaskContext, throwIfAborted } from "../execution-plan.js";
import { GroupKeyEncoder } from "../hash/group-key-encoder.js";
import { concatVectorParts, gatherFromParts, gatherVector, locateRows, referencedColumns, withoutAllValid } from "../gather.js";
import { partitionedOrder, sortKeyWords } from "../radix-sort.js";
import { type Compiler, exprsToString, sortOrderToString } from "./describe.js";
import { frameBounds, rangeKeyScale, SMALL_INT_LIMITS } from "./window-frames.js";

interface CompiledCall {
  readonly call: RWindowCall;
  readonly args: readonly CompiledExpr[];
  readonly rangeScale: number;
}
interface SpecGroup {
  readonly partitionBy: readonly CompiledExpr[];
  readonly orderBy: readonly CompiledExpr[];
  readonly calls: { readonly index: number; readonly c: CompiledCall }[];
}

/** Rows expanded per accumulator update for sliding frames. */
const EXPANSION_CHUNK = 1 << 20;

export class WindowExec implements ExecutionPlan {
  readonly name = "WindowExec";
  readonly children: readonly ExecutionPlan[];
  private readonly specs: SpecGroup[] = [];

  constructor(
    readonly child: ExecutionPlan,
    readonly calls: readonly RWindowCall[],
    readonly schema: StructType,
    compile: Compiler,
  ) {
    this.children = [child];
    const byKey = new Map<string, SpecGroup>();
    calls.forEach((call, index) => {
      const key = `${exprsToString(call.partitionBy)} | ${call.orderBy.map(sortOrderToString).join(", ")}`;
      let g = byKey.get(key);
      if (!g) {
        g = { partitionBy: call.partitionBy.map(compile), orderBy: call.orderBy.map((o) => compile(o.expr)), calls: [] };
        byKey.set(key, g);
        this.specs.push(g);
      }
      const rangeScale = rangeKeyScale(
        call.frame,
        call.orderBy.map((o) => o.expr),
      );
      g.calls.push({ index, c: { call, args: call.args.map(compile), rangeScale } });
    });
  }

  async *execute(ctx: TaskContext): AsyncIterable<ColumnBatch> {
    const parts: ColumnBatch[] = [];
    for await (const b of this.child.execute(ctx)) if (b.numRows > 0) parts.push(b);
    throwIfAborted(ctx);
    if (parts.length === 0) return;
    const numRows = parts.reduce((s, p) => s + p.numRows, 0);
    // Only the columns the window calls read are concatenated; the others are gathered straight
    // from the input parts when the output is built.
    const needed = referencedColumns(this.calls.map((c) => [c.partitionBy, c.orderBy, c.args]));
    const fields = this.child.schema.fields;
    const split = parts.length > 1;
    // The key batch the compiled window expressions read: columns they do not reference are
    // zero-length placeholders (which is why it is not built with makeBatch's length check).
    const all: ColumnBatch = {
      schema: this.child.schema,
      columns: fields.map((f, k) =>
        split && !needed.has(k) ? makeVector(f.type, allocValues(f.type, 0)) : withoutAllValid(concatVectorParts(f.type, parts.map((p) => p.columns[k]!))),
      ),
      numRows,
    };
    const bases = new Int32Array(parts.length + 1);
    for (let k = 0; k < parts.length; k++) bases[k + 1] = bases[k]! + parts[k]!.numRows;
    const partColumns = fields.map((_, k) => parts.map((p) => p.columns[k]!));
    const n = all.numRows;
    const results: Vector[] = new Array<Vector>(this.calls.length);
    // Output rows follow the first spec's sort, so its results are already in output order; other
    // specs' results move from their own sorted order to the output order in one take.
    let outputOrder: Int32Array | null = null;
    for (const spec of this.specs) {
      const sorted = sortForSpec(all, spec);
      let toOutput: Int32Array | null = null;
      if (outputOrder === null) outputOrder = sorted.perm;
      else {
        const inverse = new Int32Array(n);
        for (let i = 0; i < n; i++) inverse[sorted.perm[i]!] = i;
        toOutput = new Int32Array(n);
        for (let j = 0; j < n; j++) toOutput[j] = inverse[outputOrder[j]!]!;
      }
      for (const { index, c } of spec.calls) {
        const args = c.args.map((f) => gatherVector(f(all), sorted.perm));
        const inSortedOrder = evaluateCall(c, args, sorted, ctx.eval);
        results[index] = toOutput === null ? inSortedOrder : gatherVector(inSortedOrder, toOutput);
      }
    }
    // Gather input columns one output batch at a time: small young-generation arrays instead of
    // whole-input copies.
    const size = Math.max(1, ctx.batchSize);
    for (let off = 0; off < n; off += size) {
      throwIfAborted(ctx);
      const end = Math.min(n, off + size);
      const rows = outputOrder!.subarray(off, end);
      const at = split ? locateRows(bases, rows) : null;
      const gather = (k: number): Vector => (at !== null && !needed.has(k) ? gatherFromParts(fields[k]!.type, partColumns[k]!, at) : gatherVector(all.columns[k]!, rows));
      const columns = [...fields.map((_, k) => gather(k)), ...results.map((r) => sliceVector(r, off, end))];
      yield makeBatch(this.schema, columns, end - off);
    }
  }

  describe(): string {
    const calls = this.calls.map((c) => {
      const frame = `${c.frame.type} ${c.frame.start.kind === "offset" ? c.frame.start.value : c.frame.start.kind}..${c.frame.end.kind === "offset" ? c.frame.end.value : c.frame.end.kind}`;
      return `${c.fn.impl.name}(${exprsToString(c.args)}) OVER (PARTITION BY ${exprsToString(c.partitionBy)} ORDER BY ${c.orderBy.map(sortOrderToString).join(", ")} ${frame})`;
    });
    return `${this.name}: [${calls.join(", ")}]`;
  }
}

interface SortedSpec {
  readonly perm: Int32Array;
  /** Partition start positions in sorted order, plus a final n. */
  readonly partStarts: Int32Array;
  readonly peerStart: Uint8Array;
  /** The first order key in sorted order (computed on first use; only RANGE offset frames need it). */
  readonly firstOrderKey: () => Vector | undefined;
}

function sortForSpec(all: ColumnBatch, spec: SpecGroup): SortedSpec {
  const n = all.numRows;
  const partKeys = spec.partitionBy.map((f) => f(all));
  const encoder = new GroupKeyEncoder(
    partKeys.map((v) => v.type),
    { keepKeys: false },
  );
  const pids = encoder.encode(partKeys, n);
  const orderVecs = spec.orderBy.map((f) => f(all));
  const call0 = spec.calls[0]!.c.call;
  const orderWords = (rows: Int32Array): Uint32Array[] =>
    orderVecs.flatMap((v, k) => sortKeyWords({ vector: gatherVector(v, rows), ascending: call0.orderBy[k]!.ascending, nullsFirst: call0.orderBy[k]!.nullsFirst }, n));
  const { perm, partStarts, peerStart } = partitionedOrder(pids, n, orderWords);
  return { perm, partStarts, peerStart, firstOrderKey: memo(() => (orderVecs[0] === undefined ? undefined : gatherVector(orderVecs[0], perm))) };
}

function evaluateCall(c: CompiledCall, args: readonly Vector[], s: SortedSpec, ev: EvalContext): Vector {
  const { call } = c;
  const { partStarts, peerStart } = s;
  const numParts = partStarts.length - 1;
  if (call.fn.kind === "window") {
    const impl = call.fn.impl;
    const bounds = impl.usesFrame === true ? callFrameBounds(c, s, ev) : undefined;
    const outs: Vector[] = [];
    for (let p = 0; p < numParts; p++) {
      const ps = partStarts[p]!;
      const pe = partStarts[p + 1]!;
      const peers = peerStart.slice(ps, pe);
      const frame = bounds && { start: bounds.start.subarray(ps, pe).map((x) => x - ps), end: bounds.end.subarray(ps, pe).map((x) => x - ps) };
      outs.push(impl.evaluate(args.map((a) => sliceVector(a, ps, pe)), pe - ps, peers, call.literals, call.type, { ignoreNulls: call.ignoreNulls }, frame));
    }
    return concatVectors(call.type, outs);
  }
  const impl = call.fn.impl;
  const create = (): GroupAccumulator =>
    impl.create(
      call.args.map((a) => a.type),
      call.type,
      ev,
      { distinct: false, ignoreNulls: call.ignoreNulls, literals: call.literals },
    );
  const n = peerStart.length;
  const { frame } = call;
  if (frame.start.kind === "unboundedPreceding" && frame.end.kind === "unboundedFollowing") {
    const acc = create();
    const gids = new Int32Array(n);
    for (let p = 0; p < numParts; p++) gids.fill(p, partStarts[p]!, partStarts[p + 1]!);
    acc.update(gids, args, n, numParts);
    return gatherVector(acc.evaluate(numParts), gids);
  }
  const bounds = callFrameBounds(c, s, ev);
  if (frame.start.kind === "unboundedPreceding") return growingFrames(create, args, partStarts, bounds.end, call.type);
  return slidingFrames(create, args, bounds.start, bounds.end, call.type);
}

/** Each sorted row's frame [start, end) as sorted-row indices. */
function callFrameBounds(c: CompiledCall, s: SortedSpec, ev: EvalContext): ReturnType<typeof frameBounds> {
  const { frame } = c.call;
  const key = frame.type === "range" && (frame.start.kind === "offset" || frame.end.kind === "offset") ? s.firstOrderKey() : undefined;
  return frameBounds(
    frame,
    s.partStarts,
    s.peerStart,
    key === undefined ? null : { values: rangeValues(key), validity: key.validity, ascending: c.call.orderBy[0]!.ascending, scale: c.rangeScale, ...(ev.ansi && SMALL_INT_LIMITS[key.type.kind] ? { limits: SMALL_INT_LIMITS[key.type.kind] } : {}) },
  );
}

/** Frames [partition start, end_i) with end_i non-decreasing: feed each row once. */
function growingFrames(create: () => GroupAccumulator, args: readonly Vector[], partStarts: Int32Array, end: Int32Array, type: RWindowCall["type"]): Vector {
  const n = end.length;
  const out = new VectorBuilder(type, n);
  for (let p = 0; p + 1 < partStarts.length; p++) {
    const ps = partStarts[p]!;
    const pe = partStarts[p + 1]!;
    const acc = create();
    let fed = ps;
    let last: unknown = undefined;
    for (let i = ps; i < pe; i++) {
      const e = Math.max(end[i]!, ps);
      if (e > fed || last === undefined) {
        if (e > fed) {
          acc.update(new Int32Array(e - fed), args.map((a) => sliceVector(a, fed, e)), e - fed, 1);
          fed = e;
        }
        last = copyValue(getValue(acc.evaluate(1), 0));
      }
      out.append(last);
    }
  }
  return out.finish();
}

/** Arbitrary frames: expand (row, frame row) pairs and aggregate with group id = row. */
function slidingFrames(create: () => GroupAccumulator, args: readonly Vector[], start: Int32Array, end: Int32Array, type: RWindowCall["type"]): Vector {
  const n = start.length;
  const parts: Vector[] = [];
  let from = 0;
  while (from < n) {
    let to = from;
    let total = 0;
    do {
      total += Math.max(0, end[to]! - start[to]!);
      to++;
    } while (to < n && total + Math.max(0, end[to]! - start[to]!) <= EXPANSION_CHUNK);
    const gids = new Int32Array(total);
    const rows = new Int32Array(total);
    for (let i = from, k = 0; i < to; i++) {
      for (let j = start[i]!; j < end[i]!; j++, k++) {
        gids[k] = i - from;
        rows[k] = j;
      }
    }
    const acc = create();
    acc.update(
      gids,
      args.map((a) => gatherVector(a, rows)),
      total,
      to - from,
    );
    parts.push(acc.evaluate(to - from));
    from = to;
  }
  return parts.length === 0 ? new VectorBuilder(type, 0).finish() : concatVectors(type, parts);
}

/** Accumulators may reuse their arrays/maps; output rows must not share them. */
function copyValue(x: unknown): unknown {
  if (Array.isArray(x)) return x.slice();
  if (x instanceof Map) return new Map(x);
  return x;
}

function memo<T>(f: () => T): () => T {
  let done = false;
  let value: T | undefined;
  return () => {
    if (!done) {
      value = f();
      done = true;
    }
    return value as T;
  };
}

/** A RANGE frame's order key as numbers: BIGINT and unscaled DECIMAL keys as doubles (exact to 2^53). */
const rangeValues = (key: Vector): ArrayLike<number> =>
  key.values instanceof BigInt64Array ? Float64Array.from(key.values, Number) : key.type.kind === "decimal" ? Float64Array.from(key.values as unknown[], (x) => Number(x ?? 0)) : (key.values as ArrayLike<number>);
