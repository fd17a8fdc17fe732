/**
 * sum and avg of ANSI intervals, as Spark: the exact sum keeps the input's interval type, the
 * average is the sum divided by the count rounded HALF_UP, typed INTERVAL YEAR TO MONTH or
 * INTERVAL DAY TO SECOND (checked on PySpark 4.0.1: avg of INTERVAL '1' DAY and INTERVAL '2' HOUR
 * is INTERVAL '0 13:00:00' DAY TO SECOND). A sum past the type's range (int32 months, int64 µs) is
 * ARITHMETIC_OVERFLOW whatever spark.sql.ansi.enabled says, as Spark's interval sums are (try_sum and
 * try_avg pass `onOverflow` to get a null instead).
 */
import { makeVector, type Vector } from "../../columnar/vector.js";
import { type DataType, DayTimeIntervalType, LongType, YearMonthIntervalType } from "../../types/data-type.js";
import type { GroupAccumulator } from "../function-types.js";
import { divHalfUp } from "../functions/ansi-interval-arith.js";
import { overflow, validityOf } from "./common.js";

/** avg's result type for an interval input. */
export const intervalAvgType = (t: DataType): DataType => (t.kind === "year_month_interval" ? YearMonthIntervalType() : DayTimeIntervalType());

export class IntervalSumAvgAccumulator implements GroupAccumulator {
  private sums: bigint[] = [];
  private counts: bigint[] = [];
  private readonly max: bigint;

  /** `inputType` is the interval summed; `resultType` the sum's (= inputType) or the average's type. */
  constructor(
    private readonly inputType: DataType,
    private readonly resultType: DataType,
    private readonly avg: boolean,
    private readonly onOverflow?: (group: number) => void,
  ) {
    this.max = inputType.kind === "year_month_interval" ? 2n ** 31n - 1n : 2n ** 63n - 1n;
  }

  private grow(n: number): void {
    while (this.sums.length < n) (this.sums.push(0n), this.counts.push(0n));
  }

  private add(groupIds: Int32Array, v: Vector, numRows: number, counts?: BigInt64Array): void {
    const vals = v.values as ArrayLike<number | bigint>;
    for (let i = 0; i < numRows; i++) {
      if (v.validity !== null && v.validity[i] === 0) continue;
      const g = groupIds[i]!;
      const r = this.sums[g]! + BigInt(vals[i]!);
      if (r > this.max || r < -this.max - 1n) {
        if (this.onOverflow) {
          this.onOverflow(g);
          continue;
        }
        throw overflow(`${this.inputType.kind === "year_month_interval" ? "integer" : "long"} overflow in the interval ${this.avg ? "average" : "sum"}`, this.avg ? "avg" : "sum");
      }
      this.sums[g] = r;
      this.counts[g]! += counts === undefined ? 1n : counts[i]!;
    }
  }

  update(groupIds: Int32Array, args: readonly Vector[], numRows: number, numGroups: number): void {
    this.grow(numGroups);
    this.add(groupIds, args[0]!, numRows);
  }

  private vector(type: DataType, numGroups: number, value: (g: number) => bigint): Vector {
    this.grow(numGroups);
    const ym = type.kind === "year_month_interval";
    const out = ym ? new Int32Array(numGroups) : new BigInt64Array(numGroups);
    const seen = new Uint8Array(numGroups);
    for (let g = 0; g < numGroups; g++) {
      if (this.counts[g] === 0n) continue;
      seen[g] = 1;
      const x = value(g);
      if (ym) (out as Int32Array)[g] = Number(x);
      else (out as BigInt64Array)[g] = x;
    }
    return makeVector(type, out, validityOf(seen, numGroups));
  }

  evaluate(numGroups: number): Vector {
    return this.vector(this.resultType, numGroups, (g) => (this.avg ? divHalfUp(this.sums[g]!, this.counts[g]!) : this.sums[g]!));
  }

  state(numGroups: number): Vector[] {
    const sums = this.vector(this.inputType, numGroups, (g) => this.sums[g]!);
    return this.avg ? [sums, makeVector(LongType, BigInt64Array.from(this.counts.slice(0, numGroups)), null)] : [sums];
  }

  merge(groupIds: Int32Array, states: readonly Vector[], numRows: number, numGroups: number): void {
    this.grow(numGroups);
    this.add(groupIds, states[0]!, numRows, this.avg ? (states[1]!.values as BigInt64Array) : undefined);
  }
}
