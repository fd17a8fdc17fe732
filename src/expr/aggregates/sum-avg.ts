/**
 * sum and avg/mean, with Spark 4's result types (checked against PySpark 4.0.1):
 *   sum: int/bigint → BIGINT, float/double/string → DOUBLE, decimal(p,s) → decimal(min(38,p+10),s);
 *   avg: numeric/string → DOUBLE, decimal(p,s) → decimal(min(38,p+4), min(38,s+4)), rounded half-up.
 * Nulls are skipped; a group with no non-null input gives null. Under ANSI, a BIGINT sum outside
 * the long range raises ARITHMETIC_OVERFLOW and a decimal result beyond its precision raises
 * ARITHMETIC_OVERFLOW (sum) or NUMERIC_VALUE_OUT_OF_RANGE (avg); without ANSI, BIGINT wraps and
 * decimals become null. An INT/BIGINT sum accumulates exactly in int64 (each addition checked
 * under ANSI, as Spark's Add; wrapping otherwise); avg of integral input sums in DOUBLE, as Spark's
 * Average does; decimal sums accumulate in float64, exact up to 2^53.
 */
import { executionError } from "../../common/errors.js";
import { makeVector, type Vector } from "../../columnar/vector.js";
import { type DataType, DecimalType, DoubleType, LongType, MAX_DECIMAL_PRECISION } from "../../types/data-type.js";
import type { AggregateFunction, ArgInfo, EvalContext, GroupAccumulator } from "../function-types.js";
import { checkArity, growF64, overflow, unexpectedType, validityOf } from "./common.js";

/** The argument type sum/avg accumulate (strings are cast to DOUBLE), or a DATATYPE_MISMATCH. */
function numericArg(name: string, args: readonly ArgInfo[]): DataType {
  checkArity(name, args, 1);
  const t = args[0]!.type;
  switch (t.kind) {
    case "int":
    case "bigint":
    case "float":
    case "double":
    case "decimal":
      return t;
    case "string":
    case "null":
      return DoubleType;
    default:
      return unexpectedType(name, 0, t, 'the "NUMERIC" or "ANSI INTERVAL" type');
  }
}

const sumTypeOf = (t: DataType): DataType =>
  t.kind === "decimal" ? DecimalType(Math.min(MAX_DECIMAL_PRECISION, t.precision + 10), t.scale) : t.kind === "int" || t.kind === "bigint" ? LongType : DoubleType;

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

  constructor(private readonly ansi: boolean) {}

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
      if (this.ansi) {
        const r = sums[g]! + x;
        if (r > 9223372036854775807n || r < -9223372036854775808n) throw overflow("long overflow", "add");
        sums[g] = r;
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

  constructor(
    private readonly resultType: DataType,
    private readonly ansi: boolean,
  ) {}

  update(groupIds: Int32Array, args: readonly Vector[], numRows: number, numGroups: number): void {
    this.acc.grow(numGroups);
    this.acc.add(groupIds, args[0]!, numRows);
  }

  evaluate(numGroups: number): Vector {
    this.acc.grow(numGroups);
    const out = new Float64Array(numGroups);
    const valid = new Uint8Array(numGroups);
    const t = this.resultType;
    const limit = t.kind === "decimal" ? 10 ** t.precision : Infinity;
    for (let g = 0; g < numGroups; g++) {
      if (this.acc.counts[g] === 0) continue;
      const s = this.acc.sums[g]!;
      if (t.kind === "decimal" && Math.abs(s) >= limit) {
        if (this.ansi) throw overflow("Overflow in sum of decimals", "sum");
        continue;
      }
      out[g] = s;
      valid[g] = 1;
    }
    return makeVector(t, out, validityOf(valid, numGroups));
  }

  state(numGroups: number): Vector[] {
    this.acc.grow(numGroups);
    const valid = new Uint8Array(numGroups);
    for (let g = 0; g < numGroups; g++) valid[g] = this.acc.counts[g]! > 0 ? 1 : 0;
    return [makeVector(this.resultType, this.acc.sums.slice(0, numGroups), validityOf(valid, numGroups))];
  }

  merge(groupIds: Int32Array, states: readonly Vector[], numRows: number, numGroups: number): void {
    this.acc.grow(numGroups);
    // A state row counts as one non-null input: only "has any input" matters for sum.
    this.acc.add(groupIds, states[0]!, numRows);
  }
}

class AvgAccumulator implements GroupAccumulator {
  private readonly acc = new SumCount();

  constructor(
    private readonly argType: DataType,
    private readonly resultType: DataType,
    private readonly ansi: boolean,
  ) {}

  update(groupIds: Int32Array, args: readonly Vector[], numRows: number, numGroups: number): void {
    this.acc.grow(numGroups);
    this.acc.add(groupIds, args[0]!, numRows);
  }

  evaluate(numGroups: number): Vector {
    this.acc.grow(numGroups);
    const out = new Float64Array(numGroups);
    const valid = new Uint8Array(numGroups);
    const rt = this.resultType;
    const at = this.argType;
    for (let g = 0; g < numGroups; g++) {
      const n = this.acc.counts[g]!;
      if (n === 0) continue;
      const s = this.acc.sums[g]!;
      if (rt.kind !== "decimal" || at.kind !== "decimal") {
        out[g] = s / n;
        valid[g] = 1;
        continue;
      }
      const q = divideHalfUp(s * 10 ** (rt.scale - at.scale), n);
      if (Math.abs(q) >= 10 ** rt.precision) {
        if (this.ansi) {
          throw executionError(
            "NUMERIC_VALUE_OUT_OF_RANGE",
            `The average ${s / 10 ** at.scale / n} cannot be represented as Decimal(${rt.precision}, ${rt.scale}). If necessary set "spark.sql.ansi.enabled" to "false" to bypass this error, and return NULL instead.`,
            { function: "avg" },
          );
        }
        continue;
      }
      out[g] = q;
      valid[g] = 1;
    }
    return makeVector(rt, out, validityOf(valid, numGroups));
  }

  state(numGroups: number): Vector[] {
    this.acc.grow(numGroups);
    return [
      makeVector(avgSumTypeOf(this.argType), this.acc.sums.slice(0, numGroups), null),
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

/** a / n rounded half away from zero, exactly while a is a safe integer. */
export function divideHalfUp(a: number, n: number): number {
  if (!Number.isSafeInteger(a)) {
    const q = a / n;
    return Math.sign(q) * Math.round(Math.abs(q));
  }
  let q = Math.trunc(a / n);
  const rem = a - q * n;
  if (2 * Math.abs(rem) >= n) q += Math.sign(a);
  return q;
}

export const sum: AggregateFunction = {
  name: "sum",
  resolve(args) {
    const t = numericArg("sum", args);
    const rt = sumTypeOf(t);
    return { argTypes: [t], returnType: rt, stateTypes: [rt] };
  },
  create: (argTypes, returnType, ctx: EvalContext) => (returnType.kind === "bigint" ? new LongSumAccumulator(ctx.ansi) : new SumAccumulator(returnType, ctx.ansi)),
};

const avgOf = (name: string): AggregateFunction => ({
  name,
  resolve(args) {
    const t = numericArg(name, args);
    const rt =
      t.kind === "decimal"
        ? DecimalType(Math.min(MAX_DECIMAL_PRECISION, t.precision + 4), Math.min(MAX_DECIMAL_PRECISION, t.scale + 4))
        : DoubleType;
    return { argTypes: [t], returnType: rt, stateTypes: [avgSumTypeOf(t), LongType] };
  },
  create: (argTypes, returnType, ctx) => new AvgAccumulator(argTypes[0]!, returnType, ctx.ansi),
});

export const sumAvgFunctions: readonly AggregateFunction[] = [sum, avgOf("avg"), avgOf("mean")];
