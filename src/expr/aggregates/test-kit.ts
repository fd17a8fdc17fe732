/**
 * Helpers for the aggregate tests: run an aggregate the way HashAggregateExec does (several update
 * batches with a growing group count), or split the input across two accumulators and merge one's
 * state into the other, and read results back as engine values.
 */
import { getValue, vectorFromValues } from "../../columnar/column-batch.js";
import type { Vector } from "../../columnar/vector.js";
import type { DataType } from "../../types/data-type.js";
import type { AggregateFunction, ArgInfo, EvalContext, GroupAccumulator } from "../function-types.js";
import { lookupAggregateFunction } from "./registry.js";

export const ctx: EvalContext = { timeZone: "UTC", ansi: true, currentTimestampUs: 0 };
export const legacyCtx: EvalContext = { ...ctx, ansi: false };

/** A column of engine values; `literal` marks a constant argument (same value every row). */
export interface Col {
  readonly type: DataType;
  readonly values: readonly unknown[];
  readonly literal?: boolean;
}

export const col = (type: DataType, values: readonly unknown[]): Col => ({ type, values });
export const lit = (type: DataType, value: unknown, n: number): Col => ({ type, values: Array(n).fill(value), literal: true });

export interface RunOptions {
  readonly distinct?: boolean;
  readonly ignoreNulls?: boolean;
  readonly ctx?: EvalContext;
}

export function fn(name: string): AggregateFunction {
  const f = lookupAggregateFunction(name);
  if (!f) throw new Error(`no aggregate ${name}`);
  return f;
}

export function infos(cols: readonly Col[]): ArgInfo[] {
  return cols.map((c) => ({ type: c.type, nullable: true, ...(c.literal ? { literal: { value: c.values[0] } } : {}) }));
}

export function prepare(name: string, cols: readonly Col[], opts: RunOptions = {}) {
  const f = fn(name);
  const sig = f.resolve(infos(cols), opts.ctx ?? ctx, opts.distinct ?? false);
  const create = (): GroupAccumulator =>
    f.create(sig.argTypes, sig.returnType, opts.ctx ?? ctx, {
      distinct: opts.distinct ?? false,
      ignoreNulls: opts.ignoreNulls ?? false,
      literals: cols.map((c) => (c.literal ? c.values[0] : undefined)),
    });
  // The analyzer casts arguments to sig.argTypes; tests pass values already in that form.
  const vectors = (from: number, to: number): Vector[] =>
    cols.map((c, i) => vectorFromValues(sig.argTypes[i] ?? c.type, c.values.slice(from, to)));
  return { sig, create, vectors };
}

const read = (v: Vector): unknown[] => Array.from({ length: v.length }, (_, i) => getValue(v, i));

/** Aggregate rows into groups (dense ids), fed in two update calls with a growing group count. */
export function aggregate(name: string, cols: readonly Col[], groups: readonly number[], opts: RunOptions = {}): unknown[] {
  const { create, vectors } = prepare(name, cols, opts);
  const acc = create();
  const n = groups.length;
  const half = n >> 1;
  const numGroups = Math.max(0, ...groups) + 1;
  const firstGroups = Math.max(0, ...groups.slice(0, half)) + 1;
  acc.update(Int32Array.from(groups.slice(0, half)), vectors(0, half), half, half === 0 ? 0 : firstGroups);
  acc.update(Int32Array.from(groups.slice(half)), vectors(half, n), n - half, numGroups);
  return read(acc.evaluate(numGroups));
}

/** Same answer via two accumulators: rows [0, cut) in A, the rest in B, then B's state merged into A. */
export function aggregateMerged(name: string, cols: readonly Col[], groups: readonly number[], cut: number, opts: RunOptions = {}): unknown[] {
  const { create, vectors } = prepare(name, cols, opts);
  const a = create();
  const b = create();
  const numGroups = Math.max(0, ...groups) + 1;
  a.update(Int32Array.from(groups.slice(0, cut)), vectors(0, cut), cut, numGroups);
  b.update(Int32Array.from(groups.slice(cut)), vectors(cut, groups.length), groups.length - cut, numGroups);
  const ids = Int32Array.from({ length: numGroups }, (_, g) => g);
  a.merge(ids, b.state(numGroups), numGroups, numGroups);
  return read(a.evaluate(numGroups));
}

/** One global group over all rows. */
export const aggregateAll = (name: string, cols: readonly Col[], opts: RunOptions = {}): unknown =>
  aggregate(name, cols, cols[0] ? cols[0].values.map(() => 0) : [], opts)[0];
