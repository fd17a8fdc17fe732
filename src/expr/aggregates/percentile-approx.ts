/**
 * percentile_approx / approx_percentile(col, percentage [, accuracy = 10000]): the value at rank
 * ceil(percentage · n) of the group's non-null values, within n / accuracy ranks (a
 * Greenwald–Khanna summary, quantile-summary.ts; exact for small groups). `percentage` is a
 * literal in [0, 1] or an array of them (then the result is an array, null for an empty array);
 * the result has the column's type (numbers, decimals, dates, timestamps; strings are read as
 * DOUBLE). State: one BINARY summary per group.
 */
import { makeVector, type Vector, allocValues } from "../../columnar/vector.js";
import { ArrayType, BinaryType, type DataType, DoubleType } from "../../types/data-type.js";
import type { AggregateFunction, ArgInfo, GroupAccumulator } from "../function-types.js";
import { checkArity, literalNumber, nonFoldable, unexpectedType, valueOutOfRange } from "./common.js";
import { QuantileSummary } from "./quantile-summary.js";

const DEFAULT_ACCURACY = 10000;

/** The percentages of a literal (scalar or array), or undefined when it is not a numeric literal. */
export function percentagesOf(type: DataType, value: unknown): { list: number[]; isArray: boolean } | undefined {
  if (type.kind === "array") {
    if (!Array.isArray(value)) return undefined;
    const list: number[] = [];
    for (const x of value) {
      const n = literalNumber(type.elementType, x);
      if (n === undefined) return undefined;
      list.push(n);
    }
    return { list, isArray: true };
  }
  const n = literalNumber(type, value);
  return n === undefined ? undefined : { list: [n], isArray: false };
}

class PercentileAccumulator implements GroupAccumulator {
  private summaries: (QuantileSummary | undefined)[] = [];

  constructor(
    private readonly returnType: DataType,
    private readonly percentages: readonly number[],
    private readonly isArray: boolean,
    private readonly eps: number,
  ) {}

  private at(g: number): QuantileSummary {
    let s = this.summaries[g];
    if (s === undefined) this.summaries[g] = s = new QuantileSummary(this.eps);
    return s;
  }

  update(groupIds: Int32Array, args: readonly Vector[], numRows: number, numGroups: number): void {
    if (this.summaries.length < numGroups) this.summaries.length = numGroups;
    const v = args[0]!;
    // the summary ranks doubles: a BIGINT past 2^53 is ranked (and answered) at double precision
    // (a DECIMAL by its unscaled value: exact up to 2^53)
    const vals =
      v.values instanceof BigInt64Array ? Float64Array.from(v.values.subarray(0, numRows), Number) : v.type.kind === "decimal" ? Float64Array.from((v.values as unknown[]).slice(0, numRows), (x) => Number(x ?? 0)) : (v.values as ArrayLike<number>);
    const valid = v.validity;
    for (let i = 0; i < numRows; i++) if (valid === null || valid[i] === 1) this.at(groupIds[i]!).insert(vals[i]!);
  }

  evaluate(numGroups: number): Vector {
    const out = allocValues(this.returnType, numGroups) as unknown[];
    const valid = new Uint8Array(numGroups);
    for (let g = 0; g < numGroups; g++) {
      const s = this.summaries[g];
      if (s === undefined || s.count === 0 || (this.isArray && this.percentages.length === 0)) continue;
      const kind = (this.isArray ? (this.returnType as { elementType: DataType }).elementType : this.returnType).kind;
      const long = kind === "bigint" || kind === "decimal";
      const answers = this.percentages.map((p) => (long ? BigInt(s.query(p)!) : s.query(p)!));
      out[g] = this.isArray ? answers : answers[0]!;
      valid[g] = 1;
    }
    let nulls = false;
    for (let g = 0; g < numGroups; g++) if (valid[g] === 0) nulls = true;
    return makeVector(this.returnType, out as ReturnType<typeof allocValues>, nulls ? valid : null);
  }

  state(numGroups: number): Vector[] {
    const out = new Array<unknown>(numGroups);
    const valid = new Uint8Array(numGroups);
    let nulls = false;
    for (let g = 0; g < numGroups; g++) {
      const s = this.summaries[g];
      if (s === undefined || s.count === 0) {
        out[g] = null;
        nulls = true;
      } else {
        out[g] = s.toBytes();
        valid[g] = 1;
      }
    }
    return [makeVector(BinaryType, out, nulls ? valid : null)];
  }

  merge(groupIds: Int32Array, states: readonly Vector[], numRows: number, numGroups: number): void {
    if (this.summaries.length < numGroups) this.summaries.length = numGroups;
    const s = states[0]!;
    for (let i = 0; i < numRows; i++) {
      if (s.validity !== null && s.validity[i] === 0) continue;
      this.at(groupIds[i]!).merge(QuantileSummary.fromBytes(this.eps, (s.values as unknown[])[i] as Uint8Array));
    }
  }
}

const VALUE_KINDS = new Set(["byte", "short", "int", "bigint", "float", "double", "decimal", "date", "timestamp"]);

const percentileApprox = (name: string): AggregateFunction => ({
  name,
  resolve(args: readonly ArgInfo[]) {
    checkArity(name, args, 2, 3);
    const colType = args[0]!.type;
    let t: DataType = colType;
    if (colType.kind === "string" || colType.kind === "null") t = DoubleType;
    else if (!VALUE_KINDS.has(colType.kind)) unexpectedType(name, 0, colType, '"NUMERIC", "DATE" or "TIMESTAMP"');
    const pArg = args[1]!;
    const pct = pArg.literal === undefined ? undefined : percentagesOf(pArg.type, pArg.literal.value);
    if (pct === undefined) nonFoldable(name, "percentage", '"DOUBLE" or "ARRAY<DOUBLE>"');
    for (const p of pct.list) if (!(p >= 0 && p <= 1)) valueOutOfRange(name, "percentage", "[0.0, 1.0]", p);
    const aArg = args[2];
    if (aArg) {
      if (aArg.type.kind !== "int" && aArg.type.kind !== "bigint") unexpectedType(name, 2, aArg.type, 'an integral literal (the accuracy)');
      const acc = aArg.literal === undefined ? undefined : literalNumber(aArg.type, aArg.literal.value);
      if (acc === undefined) nonFoldable(name, "accuracy", '"INT"');
      if (!(acc > 0 && acc <= 2147483647)) valueOutOfRange(name, "accuracy", "(0, 2147483647]", acc);
    }
    const returnType = pct.isArray ? ArrayType(t, false) : t;
    return { argTypes: args.map((a, i) => (i === 0 ? t : a.type)), returnType, stateTypes: [BinaryType] };
  },
  create(argTypes, returnType, ctx, options) {
    const pct = percentagesOf(argTypes[1]!, options.literals[1]) ?? { list: [0.5], isArray: false };
    const accuracy = argTypes[2] ? (literalNumber(argTypes[2], options.literals[2]) ?? DEFAULT_ACCURACY) : DEFAULT_ACCURACY;
    return new PercentileAccumulator(returnType, pct.list, pct.isArray, 1 / accuracy);
  },
});

export const percentileApproxFunctions: readonly AggregateFunction[] = [percentileApprox("percentile_approx"), percentileApprox("approx_percentile")];
