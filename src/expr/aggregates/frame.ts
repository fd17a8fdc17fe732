/**
 * Aggregates over window frames, for WindowExec. For one sorted partition of n rows and per-row
 * frames [frameStart[r], frameEnd[r]) (row offsets into the partition, end exclusive; start >= end
 * is an empty frame), computes the aggregate of each row's frame:
 *   1. growing frames (every start equal, ends non-decreasing — UNBOUNDED PRECEDING .. CURRENT ROW,
 *      RANGE peers, or the whole partition) run incrementally: one accumulator, each new row fed
 *      once, evaluated once per distinct end;
 *   2. any other frames (sliding, shrinking) are recomputed, as Spark does: consecutive rows with
 *      the same frame share one group; rows are gathered per group in chunks of about CHUNK_ROWS
 *      and folded with one update call per chunk.
 * Empty frames give the aggregate of no rows (null, or 0 for count).
 */
import { concatVectors, sliceVector, take } from "../../columnar/column-batch.js";
import { type Vector, allocValues, makeVector } from "../../columnar/vector.js";
import type { DataType } from "../../types/data-type.js";
import type { AggregateFunction, AggregateOptions, EvalContext } from "../function-types.js";

const CHUNK_ROWS = 1 << 16;

function isGrowing(frameStart: Int32Array, frameEnd: Int32Array): boolean {
  const n = frameStart.length;
  for (let r = 1; r < n; r++) {
    if (frameStart[r] !== frameStart[0] || frameEnd[r]! < frameEnd[r - 1]!) return false;
  }
  return true;
}

/** Write row `from` of `src` into row `to` of the output storage. */
function put(values: unknown[], validity: Uint8Array, to: number, src: Vector, from: number): void {
  if (src.validity !== null && src.validity[from] === 0) return;
  values[to] = (src.values as unknown[])[from];
  validity[to] = 1;
}

export function evaluateOverFrames(
  fn: AggregateFunction,
  argTypes: readonly DataType[],
  returnType: DataType,
  ctx: EvalContext,
  options: AggregateOptions,
  args: readonly Vector[],
  frameStart: Int32Array,
  frameEnd: Int32Array,
): Vector {
  const n = frameStart.length;
  if (n === 0) return makeVector(returnType, allocValues(returnType, 0), null);
  return isGrowing(frameStart, frameEnd)
    ? growing(fn, argTypes, returnType, ctx, options, args, frameStart, frameEnd)
    : recompute(fn, argTypes, returnType, ctx, options, args, frameStart, frameEnd);
}

function growing(
  fn: AggregateFunction,
  argTypes: readonly DataType[],
  returnType: DataType,
  ctx: EvalContext,
  options: AggregateOptions,
  args: readonly Vector[],
  frameStart: Int32Array,
  frameEnd: Int32Array,
): Vector {
  const n = frameStart.length;
  const acc = fn.create(argTypes, returnType, ctx, options);
  const values = allocValues(returnType, n) as unknown[];
  const validity = new Uint8Array(n);
  const start = Math.min(n, Math.max(0, frameStart[0]!));
  let fed = start;
  let current: Vector | undefined;
  let currentEnd = -1;
  const zeros = new Int32Array(n);
  for (let r = 0; r < n; r++) {
    const end = Math.min(n, Math.max(start, frameEnd[r]!));
    if (end > fed) {
      const len = end - fed;
      acc.update(zeros.subarray(0, len), args.map((a) => sliceVector(a, fed, end)), len, 1);
      fed = end;
    }
    if (current === undefined || end !== currentEnd) {
      current = acc.evaluate(1);
      currentEnd = end;
    }
    put(values, validity, r, current, 0);
  }
  return finish(returnType, values, validity);
}

function recompute(
  fn: AggregateFunction,
  argTypes: readonly DataType[],
  returnType: DataType,
  ctx: EvalContext,
  options: AggregateOptions,
  args: readonly Vector[],
  frameStart: Int32Array,
  frameEnd: Int32Array,
): Vector {
  const n = frameStart.length;
  // 1. one group per run of rows with the same frame
  const groupOfRow = new Int32Array(n);
  const gStart: number[] = [];
  const gEnd: number[] = [];
  for (let r = 0; r < n; r++) {
    const s = Math.min(n, Math.max(0, frameStart[r]!));
    const e = Math.max(s, Math.min(n, frameEnd[r]!));
    const last = gStart.length - 1;
    if (last < 0 || gStart[last] !== s || gEnd[last] !== e) {
      gStart.push(s);
      gEnd.push(e);
    }
    groupOfRow[r] = gStart.length - 1;
  }
  // 2. fold each chunk of groups with one update call
  const parts: Vector[] = [];
  let g0 = 0;
  while (g0 < gStart.length) {
    let total = 0;
    let g1 = g0;
    while (g1 < gStart.length && (g1 === g0 || total + gEnd[g1]! - gStart[g1]! <= CHUNK_ROWS)) {
      total += gEnd[g1]! - gStart[g1]!;
      g1++;
    }
    const rows = new Int32Array(total);
    const ids = new Int32Array(total);
    let k = 0;
    for (let g = g0; g < g1; g++) {
      for (let i = gStart[g]!; i < gEnd[g]!; i++) {
        rows[k] = i;
        ids[k++] = g - g0;
      }
    }
    const acc = fn.create(argTypes, returnType, ctx, options);
    acc.update(ids, args.map((a) => take(a, rows)), total, g1 - g0);
    parts.push(acc.evaluate(g1 - g0));
    g0 = g1;
  }
  const perGroup = concatVectors(returnType, parts);
  const values = allocValues(returnType, n) as unknown[];
  const validity = new Uint8Array(n);
  for (let r = 0; r < n; r++) put(values, validity, r, perGroup, groupOfRow[r]!);
  return finish(returnType, values, validity);
}

function finish(type: DataType, values: unknown[], validity: Uint8Array): Vector {
  let allValid = true;
  for (let i = 0; i < validity.length; i++) if (validity[i] === 0) allValid = false;
  return makeVector(type, values as ReturnType<typeof allocValues>, allValid ? null : validity);
}
