/**
 * sum and avg/mean, with Spark 4's result types (checked against PySpark 4.0.1):
 *   sum: int/bigint → BIGINT, float/double/string → DOUBLE, decimal(p,s) → decimal(min(38,p+10),s);
 *   avg: numeric/string → DOUBLE, decimal(p,s) → decimal(min(38,p+4), min(38,s+4)), rounded half-up.
 * Nulls are skipped; a group with no non-null input gives null. Under ANSI, a BIGINT sum outside
 * the long range raises ARITHMETIC_OVERFLOW and a decimal result beyond its precision raises
 * ARITHMETIC_OVERFLOW (sum) or NUMERIC_VALUE_OUT_OF_RANGE (avg); without ANSI, BIGINT wraps and
 * decimals become null. An INT/BIGINT sum accumulates exactly in int64 (each addition checked
 * under ANSI, as Spark's Add; wrapping otherwise); avg of integral input sums in DOUBLE, as Spark's
 * Average does; decimal sums are exact bigints (DecimalSums), and a decimal avg is the sum divided
 * by the count as Spark's Decimal divides, rounded HALF_UP to the avg type.
 */
import { allocValues, makeVector, type Vector } from "../../columnar/vector.js";
import { type DataType, DecimalType, DoubleType, isAnsiInterval, isIntegral, LongType, MAX_DECIMAL_PRECISION } from "../../types/data-type.js";
import { IntervalSumAvgAccumulator, intervalAvgType } from "./interval-sum-avg.js";
import { fitsPrecision, formatDecimal } from "../../types/decimal-value.js";
import { decimalOp, decimalOverflow } from "../functions/decimal-arith.js";
import type { AggregateFunction, ArgInfo, EvalContext, GroupAccumulator } from "../function-types.js";
import { type AggSignature, checkArity, growF64, overflow, unexpectedType, validityOf } from "./common.js";

/** Called with the group whose sum left its type, instead of raising or wrapping (try_sum, try_avg). */
export type OnOverflow = (group: number) => void;

/** The argument type sum/avg accumulate (strings are cast to DOUBLE), or a DATATYPE_MISMATCH. */
function numericArg(name: string, args: readonly ArgInfo[]): DataType {
  checkArity(name, args, 1);
  const t = args[0]!.type;
  switch (t.kind) {
    case "byte":
    case "short":
    case "int":
    case "bigint":
    case "float":
    case "double":
    case "decimal":
    case "year_month_interval":
    case "day_time_interval":
      return t;
    case "string":
    case "null":
      return DoubleType;
    default:
      return unexpectedType(name, 0, t, 'the "NUMERIC" or "ANSI INTERVAL" type');
  }
}

const sumTypeOf = (t: DataType): DataType =>
  isAnsiInterval(t) ? t : t.kind === "decimal" ? DecimalType(Math.min(MAX_DECIMAL_PRECISION, t.precision + 10), t.scale) : isIntegral(t) ? LongType : DoubleType;

/** Spark's Average sums integral input as DOUBLE (only decimals keep a decimal sum). */
const avgSumTypeOf = (t: DataType): DataType => (t.kind === "decimal" ? sumTypeOf(t) : DoubleType);

/** Running sums and non-null counts per group. */
class SumCount {
  sums = new Float64Array(16);
  counts = new Float64Array(16);

  grow(n: number): void {
    this.sums = growF64(this.sums, n);
    this.counts = growF64(this.counts, n);
  }

  add(groupIds: Int32Array, v: Vector, numRows: number): void {
    const vals = v.values instanceof BigInt64Array ? Float64Array.from(v.values.subarray(0, numRows), Number) : (v.values as ArrayLike<number>);
    const valid = v.validity;
    const s = this.sums;
    const c = this.counts;
    if (valid === null) {
      for (let i = 0; i < numRows; i++) {
        const g = groupIds[i]!;
        s[g]! += vals[i]!;
        c[g]!++;
      }
    } else {
      for (let i = 0; i < numRows; i++) {
        if (valid[i] === 0) continue;
        const g = groupIds[i]!;
        s[g]! += vals[i]!;
        c[g]!++;
      }
    }
  }
}

/** sum of INT/BIGINT: exact int64 sums per group (a BigInt64Array wraps mod 2^64 as Java's long). */
class LongSumAccumulator implements GroupAccumulator {
  private sums = new BigInt64Array(16);
  private seen = new Uint8Array(16);

  constructor(
    private readonly ansi: boolean,
    private readonly onOverflow?: OnOverflow,
  ) {}

  private grow(n: number): void {
    if (this.sums.length >= n) return;
    const cap = Math.max(n, this.sums.length * 2);
    const s = new BigInt64Array(cap);
    s.set(this.sums);
    this.sums = s;
    const v = new Uint8Array(cap);
    v.set(this.seen);
    this.seen = v;
  }

  update(groupIds: Int32Array, args: readonly Vector[], numRows: number, numGroups: number): void {
    this.grow(numGroups);
    const v = args[0]!;
    const valid = v.validity;
    const sums = this.sums;
    const seen = this.seen;
    const ints = v.values instanceof BigInt64Array ? null : (v.values as Int32Array);
    const longs = v.values as BigInt64Array;
    for (let i = 0; i < numRows; i++) {
      if (valid !== null && valid[i] === 0) continue;
      const g = groupIds[i]!;
      const x = ints === null ? longs[i]! : BigInt(ints[i]!);
      if (this.ansi || this.onOverflow) {
        const r = sums[g]! + x;
        if (r > 9223372036854775807n || r < -9223372036854775808n) {
          if (!this.onOverflow) throw overflow("long overflow", "add");
          this.onOverflow(g);
        } else sums[g] = r;
      } else sums[g]! += x;
      seen[g] = 1;
    }
  }

  evaluate(numGroups: number): Vector {
    this.grow(numGroups);
    return makeVector(LongType, this.sums.slice(0, numGroups), validityOf(this.seen, numGroups));
  }

  state(numGroups: number): Vector[] {
    return [this.evaluate(numGroups)];
  }

  merge(groupIds: Int32Array, states: readonly Vector[], numRows: number, numGroups: number): void {
    // A state row counts as one non-null input: only "has any input" matters for sum.
    this.update(groupIds, states, numRows, numGroups);
  }
}

class SumAccumulator implements GroupAccumulator {
  private readonly acc = new SumCount();

  constructor(private readonly resultType: DataType) {}

  update(groupIds: Int32Array, args: readonly Vector[], numRows: number, numGroups: number): void {
    this.acc.grow(numGroups);
    this.acc.add(groupIds, args[0]!, numRows);
  }

  evaluate(numGroups: number): Vector {
    this.acc.grow(numGroups);
    const valid = new Uint8Array(numGroups);
    for (let g = 0; g < numGroups; g++) valid[g] = this.acc.counts[g]! > 0 ? 1 : 0;
    return makeVector(this.resultType, this.acc.sums.slice(0, numGroups), validityOf(valid, numGroups));
  }

  state(numGroups: number): Vector[] {
    return [this.evaluate(numGroups)];
  }

  merge(groupIds: Int32Array, states: readonly Vector[], numRows: number, numGroups: number): void {
    this.acc.grow(numGroups);
    // A state row counts as one non-null input: only "has any input" matters for sum.
    this.acc.add(groupIds, states[0]!, numRows);
  }
}

const TWO53 = 2 ** 53;

/**
 * Exact per-group sums of decimal unscaled values (bigint) and non-null counts. Inputs of at most
 * 15 digits (below 2^53) first add up in a float64 partial per group, exactly (flushed to the
 * bigint before it could pass 2^53), read straight from the BigInt64Array's int32 words, so the
 * common DECIMAL(10..15, s) sum allocates no bigint per row.
 */
class DecimalSums {
  big: bigint[] = [];
  partial = new Float64Array(16);
  pending = new Float64Array(16);
  counts = new Float64Array(16);

  grow(n: number): void {
    while (this.big.length < n) this.big.push(0n);
    this.partial = growF64(this.partial, n);
    this.pending = growF64(this.pending, n);
    this.counts = growF64(this.counts, n);
  }

  /** Adds the valid rows of `v` (a decimal vector at the sum's scale); `counts` (from a state) or 1 per row. */
  add(groupIds: Int32Array, v: Vector, numRows: number, counts?: BigInt64Array): void {
    const valid = v.validity;
    const c = this.counts;
    const precision = (v.type as DecimalType).precision;
    if (v.values instanceof BigInt64Array && precision <= 15) {
      const words = new Int32Array(v.values.buffer, v.values.byteOffset, 2 * numRows);
      const flushAt = Math.max(1, Math.floor(TWO53 / 10 ** precision) - 1);
      const part = this.partial;
      const pend = this.pending;
      for (let i = 0; i < numRows; i++) {
        if (valid !== null && valid[i] === 0) continue;
        const g = groupIds[i]!;
        part[g]! += words[2 * i + 1]! * 4294967296 + (words[2 * i]! >>> 0);
        if (++pend[g]! >= flushAt) this.flush(g);
        c[g]! += counts === undefined ? 1 : Number(counts[i]!);
      }
      return;
    }
    const vals = v.values as ArrayLike<bigint>;
    const big = this.big;
    for (let i = 0; i < numRows; i++) {
      if (valid !== null && valid[i] === 0) continue;
      const g = groupIds[i]!;
      big[g]! += vals[i]!;
      c[g]! += counts === undefined ? 1 : Number(counts[i]!);
    }
  }

  private flush(g: number): void {
    this.big[g]! += BigInt(this.partial[g]!);
    this.partial[g] = 0;
    this.pending[g] = 0;
  }

  /** The exact sum of group g. */
  sum(g: number): bigint {
    if (this.pending[g] !== 0) this.flush(g);
    return this.big[g]!;
  }
}

/** The update and result loop both decimal accumulators share. */
abstract class DecimalSumBase {
  protected readonly acc = new DecimalSums();

  update(groupIds: Int32Array, args: readonly Vector[], numRows: number, numGroups: number): void {
    this.acc.grow(numGroups);
    this.acc.add(groupIds, args[0]!, numRows);
  }

  /** A `type` vector of `result(sum, count)` for every group with input; a null result is a null row. */
  protected results(numGroups: number, type: DecimalType, result: (sum: bigint, count: number, g: number) => bigint | null): Vector {
    this.acc.grow(numGroups);
    const out = allocValues(type, numGroups) as bigint[];
    const valid = new Uint8Array(numGroups);
    for (let g = 0; g < numGroups; g++) {
      out[g] = 0n;
      const n = this.acc.counts[g]!;
      if (n === 0) continue;
      const r = result(this.acc.sum(g), n, g);
      if (r === null) continue;
      out[g] = r;
      valid[g] = 1;
    }
    return makeVector(type, out, validityOf(valid, numGroups));
  }
}

/** sum of a decimal: exact; a sum past the result precision is null, or an error under ANSI. */
class DecimalSumAccumulator extends DecimalSumBase implements GroupAccumulator {
  constructor(
    private readonly resultType: DecimalType,
    private readonly ansi: boolean,
    private readonly onOverflow?: OnOverflow,
  ) {
    super();
  }

  evaluate(numGroups: number): Vector {
    return this.results(numGroups, this.resultType, (s, n, g) => {
      if (fitsPrecision(s, this.resultType.precision)) return s;
      if (this.onOverflow) this.onOverflow(g);
      else if (this.ansi) throw overflow("Overflow in sum of decimals", "sum");
      return null;
    });
  }

  state(numGroups: number): Vector[] {
    return [this.evaluate(numGroups)];
  }

  merge(groupIds: Int32Array, states: readonly Vector[], numRows: number, numGroups: number): void {
    this.update(groupIds, states, numRows, numGroups);
  }
}

class AvgAccumulator implements GroupAccumulator {
  private readonly acc = new SumCount();

  constructor(private readonly resultType: DataType) {}

  update(groupIds: Int32Array, args: readonly Vector[], numRows: number, numGroups: number): void {
    this.acc.grow(numGroups);
    this.acc.add(groupIds, args[0]!, numRows);
  }

  evaluate(numGroups: number): Vector {
    this.acc.grow(numGroups);
    const out = new Float64Array(numGroups);
    const valid = new Uint8Array(numGroups);
    for (let g = 0; g < numGroups; g++) {
      const n = this.acc.counts[g]!;
      if (n === 0) continue;
      out[g] = this.acc.sums[g]! / n;
      valid[g] = 1;
    }
    return makeVector(this.resultType, out, validityOf(valid, numGroups));
  }

  state(numGroups: number): Vector[] {
    this.acc.grow(numGroups);
    return [
      makeVector(DoubleType, this.acc.sums.slice(0, numGroups), null),
      makeVector(LongType, BigInt64Array.from(this.acc.counts.subarray(0, numGroups), BigInt), null),
    ];
  }

  merge(groupIds: Int32Array, states: readonly Vector[], numRows: number, numGroups: number): void {
    this.acc.grow(numGroups);
    const sums = states[0]!.values as Float64Array;
    const counts = states[1]!.values as BigInt64Array;
    const sv = states[0]!.validity;
    for (let i = 0; i < numRows; i++) {
      if (sv !== null && sv[i] === 0) continue;
      const g = groupIds[i]!;
      this.acc.sums[g]! += sums[i]!;
      this.acc.counts[g]! += Number(counts[i]!);
    }
  }
}

/**
 * avg of a decimal, as Spark's Average (DecimalDivideWithOverflowCheck): the exact sum (at
 * DECIMAL(p+10, s)) divided by the count to 38 significant digits, then rounded HALF_UP to
 * DECIMAL(p+4, s+4) (checked on PySpark 4.0.1: avg of DECIMAL(38,18) keeps 22 fraction digits).
 */
class DecimalAvgAccumulator extends DecimalSumBase implements GroupAccumulator {
  private readonly sumType: DecimalType;

  constructor(
    argType: DecimalType,
    private readonly resultType: DecimalType,
    private readonly ansi: boolean,
    private readonly onOverflow?: OnOverflow,
  ) {
    super();
    this.sumType = sumTypeOf(argType) as DecimalType;
  }

  evaluate(numGroups: number): Vector {
    const rt = this.resultType;
    return this.results(numGroups, rt, (s, n, g) => {
      const r = fitsPrecision(s, this.sumType.precision) ? decimalOp("divide", s, this.sumType.scale, BigInt(n), 0, rt) : null;
      if (r !== null && fitsPrecision(r, rt.precision)) return r;
      if (this.onOverflow) this.onOverflow(g);
      else if (this.ansi) throw decimalOverflow(rt, `The average of ${formatDecimal(s, this.sumType.scale)} over ${n} rows`);
      return null;
    });
  }

  state(numGroups: number): Vector[] {
    const sums = this.results(numGroups, this.sumType, (s, n, g) => {
      if (fitsPrecision(s, this.sumType.precision)) return s;
      if (this.onOverflow) this.onOverflow(g);
      else if (this.ansi) throw decimalOverflow(this.sumType);
      return null;
    });
    return [sums, makeVector(LongType, BigInt64Array.from(this.acc.counts.subarray(0, numGroups), BigInt), null)];
  }

  merge(groupIds: Int32Array, states: readonly Vector[], numRows: number, numGroups: number): void {
    this.acc.grow(numGroups);
    this.acc.add(groupIds, states[0]!, numRows, states[1]!.values as BigInt64Array);
  }
}

/** sum's signature under `name` (sum, try_sum). */
export function sumSignature(name: string, args: readonly ArgInfo[]): AggSignature {
  const t = numericArg(name, args);
  const rt = sumTypeOf(t);
  return { argTypes: [t], returnType: rt, stateTypes: [rt] };
}

/** A sum accumulator; with `onOverflow`, a sum leaving its type is reported instead of raised. */
export const createSum = (argTypes: readonly DataType[], returnType: DataType, ctx: EvalContext, onOverflow?: OnOverflow): GroupAccumulator =>
  isAnsiInterval(returnType)
    ? new IntervalSumAvgAccumulator(argTypes[0]!, returnType, false, onOverflow)
    : returnType.kind === "bigint"
      ? new LongSumAccumulator(ctx.ansi, onOverflow)
      : returnType.kind === "decimal"
        ? new DecimalSumAccumulator(returnType, ctx.ansi, onOverflow)
        : new SumAccumulator(returnType);

export const sum: AggregateFunction = {
  name: "sum",
  resolve: (args) => sumSignature("sum", args),
  create: (argTypes, returnType, ctx: EvalContext) => createSum(argTypes, returnType, ctx),
};

/** avg's signature under `name` (avg, mean, try_avg). */
export function avgSignature(name: string, args: readonly ArgInfo[]): AggSignature {
  const t = numericArg(name, args);
  const rt = isAnsiInterval(t)
    ? intervalAvgType(t)
    : t.kind === "decimal"
      ? DecimalType(Math.min(MAX_DECIMAL_PRECISION, t.precision + 4), Math.min(MAX_DECIMAL_PRECISION, t.scale + 4))
      : DoubleType;
  return { argTypes: [t], returnType: rt, stateTypes: [isAnsiInterval(t) ? t : avgSumTypeOf(t), LongType] };
}

/** An avg accumulator; with `onOverflow`, a sum or average leaving its type is reported instead of raised. */
export const createAvg = (argTypes: readonly DataType[], returnType: DataType, ctx: EvalContext, onOverflow?: OnOverflow): GroupAccumulator =>
  isAnsiInterval(returnType)
    ? new IntervalSumAvgAccumulator(argTypes[0]!, returnType, true, onOverflow)
    : returnType.kind === "decimal"
      ? new DecimalAvgAccumulator(argTypes[0] as DecimalType, returnType, ctx.ansi, onOverflow)
      : new AvgAccumulator(returnType);

const avgOf = (name: string): AggregateFunction => ({
  name,
  resolve: (args) => avgSignature(name, args),
  create: (argTypes, returnType, ctx) => createAvg(argTypes, returnType, ctx),
});

export const sumAvgFunctions: readonly AggregateFunction[] = [sum, avgOf("avg"), avgOf("mean")];
