/**
 * Per-group counts of distinct values, the state of the exact percentile and of mode (Spark keeps
 * an OpenHashMap of value → count for both). Values are compared by content (valueKey); each
 * group's state leaves as two parallel arrays, ARRAY<T> of values and ARRAY<BIGINT> of counts, so
 * streaming aggregation can checkpoint and merge it.
 */
import { getValue, vectorFromValues } from "../../columnar/column-batch.js";
import type { Vector } from "../../columnar/vector.js";
import { ArrayType, type DataType, LongType } from "../../types/data-type.js";
import { valueKey } from "./collect.js";

export interface Counted {
  readonly value: unknown;
  count: number;
}

export const countsStateTypes = (t: DataType): DataType[] => [ArrayType(t, false), ArrayType(LongType, false)];

export class ValueCounts {
  private groups: (Map<unknown, Counted> | undefined)[] = [];

  constructor(private readonly type: DataType) {}

  /** The counts of group g (undefined when it has seen no value). */
  at(g: number): Map<unknown, Counted> | undefined {
    return this.groups[g];
  }

  add(g: number, value: unknown, count: number): void {
    let m = this.groups[g];
    if (m === undefined) this.groups[g] = m = new Map();
    const key = valueKey(this.type, value);
    const e = m.get(key);
    if (e === undefined) m.set(key, { value, count });
    else e.count += count;
  }

  /** Count each non-null row of `v` once (or `weight(i)` times; a weight <= 0 skips the row). */
  addRows(groupIds: Int32Array, v: Vector, numRows: number, weight?: (i: number) => number): void {
    const valid = v.validity;
    for (let i = 0; i < numRows; i++) {
      if (valid !== null && valid[i] === 0) continue;
      const w = weight === undefined ? 1 : weight(i);
      if (w > 0) this.add(groupIds[i]!, getValue(v, i), w);
    }
  }

  state(numGroups: number): Vector[] {
    const values: (unknown[] | null)[] = [];
    const counts: (bigint[] | null)[] = [];
    for (let g = 0; g < numGroups; g++) {
      const m = this.groups[g];
      values.push(m === undefined ? null : [...m.values()].map((e) => e.value));
      counts.push(m === undefined ? null : [...m.values()].map((e) => BigInt(e.count)));
    }
    const [vt, ct] = countsStateTypes(this.type);
    return [vectorFromValues(vt!, values), vectorFromValues(ct!, counts)];
  }

  merge(groupIds: Int32Array, states: readonly Vector[], numRows: number): void {
    for (let i = 0; i < numRows; i++) {
      const values = getValue(states[0]!, i) as unknown[] | null;
      const counts = getValue(states[1]!, i) as bigint[] | null;
      if (values === null || counts === null) continue;
      values.forEach((x, k) => this.add(groupIds[i]!, x, Number(counts[k]!)));
    }
  }
}
