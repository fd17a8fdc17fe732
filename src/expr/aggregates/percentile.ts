/**
 * percentile(col, percentage [, frequency = 1]) and median(col) = percentile(col, 0.5): the exact
 * percentile of a group's non-null values, as Spark's Percentile computes it. Values are sorted
 * (NaN largest); with N = the total frequency, the position is (N - 1) · p and the answer
 * interpolates linearly between the values at floor(position) and ceil(position). `percentage` is
 * a foldable DOUBLE in [0, 1] or an array of them (then ARRAY<DOUBLE>); `frequency` an integral
 * column counting each row that many times (0 skips it, a negative value is
 * NEGATIVE_VALUES_IN_FREQUENCY_EXPRESSION at execution). Numeric (and STRING) input is read as DOUBLE; the
 * result is DOUBLE; an ANSI interval keeps its type (the interpolated value truncated to months or
 * microseconds). Empty groups give null. State: the group's value → count table (value-counts.ts).
 */
import { analysisError, executionError } from "../../common/errors.js";
import { getValue, vectorFromValues } from "../../columnar/column-batch.js";
import type { Vector } from "../../columnar/vector.js";
import { ArrayType, type DataType, DoubleType, isAnsiInterval, isIntegral, isNumeric, LongType } from "../../types/data-type.js";
import type { AggregateFunction, ArgInfo, GroupAccumulator } from "../function-types.js";
import { compareDoubles } from "../functions/compare-values.js";
import { checkArity, nonFoldable, unexpectedType, valueOutOfRange } from "./common.js";
import { percentagesOf } from "./percentile-approx.js";
import { type Counted, countsStateTypes, ValueCounts } from "./value-counts.js";

/** Spark's Percentile.getPercentile over (value, count) pairs sorted by value, N = total count. */
function percentileOf(sorted: readonly { x: number; end: number }[], total: number, p: number): number {
  const position = (total - 1) * p;
  const lower = Math.floor(position);
  const higher = Math.ceil(position);
  const at = (rank: number): number => {
    let lo = 0;
    let hi = sorted.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid]!.end > rank) hi = mid;
      else lo = mid + 1;
    }
    return sorted[lo]!.x;
  };
  const lowerKey = at(lower);
  if (higher === lower) return lowerKey;
  const higherKey = at(higher);
  if (lowerKey === higherKey) return lowerKey;
  return (higher - position) * lowerKey + (position - lower) * higherKey;
}

class PercentileAccumulator implements GroupAccumulator {
  private readonly counts: ValueCounts;

  constructor(
    private readonly valueType: DataType,
    private readonly returnType: DataType,
    private readonly percentages: readonly number[],
    private readonly isArray: boolean,
    private readonly frequencyName: string | undefined,
  ) {
    this.counts = new ValueCounts(valueType);
  }

  update(groupIds: Int32Array, args: readonly Vector[], numRows: number): void {
    const freq = args[2];
    const weight =
      freq === undefined
        ? undefined
        : (i: number): number => {
            if (freq.validity !== null && freq.validity[i] === 0) return 0;
            const f = Number(getValue(freq, i));
            if (f < 0) {
              throw executionError(
                "NEGATIVE_VALUES_IN_FREQUENCY_EXPRESSION",
                `Found the negative value in "${this.frequencyName}": ${f}, but expected a positive integral value.`,
                { frequency: f },
              );
            }
            return f;
          };
    this.counts.addRows(groupIds, args[0]!, numRows, weight);
  }

  private answer(m: Map<unknown, Counted>): unknown {
    const pairs = [...m.values()].map((e) => ({ x: Number(e.value), count: e.count }));
    pairs.sort((a, b) => compareDoubles(a.x, b.x));
    let end = 0;
    const sorted = pairs.map((e) => ({ x: e.x, end: (end += e.count) }));
    const interval = isAnsiInterval(this.valueType);
    const one = (p: number): unknown => {
      const r = percentileOf(sorted, end, p);
      return !interval ? r : this.valueType.kind === "day_time_interval" ? BigInt(Math.trunc(r)) : Math.trunc(r);
    };
    if (!this.isArray) return one(this.percentages[0]!);
    return this.percentages.length === 0 ? null : this.percentages.map(one);
  }

  evaluate(numGroups: number): Vector {
    const out: unknown[] = [];
    for (let g = 0; g < numGroups; g++) {
      const m = this.counts.at(g);
      out.push(m === undefined || m.size === 0 ? null : this.answer(m));
    }
    return vectorFromValues(this.returnType, out);
  }

  state(numGroups: number): Vector[] {
    return this.counts.state(numGroups);
  }

  merge(groupIds: Int32Array, states: readonly Vector[], numRows: number): void {
    this.counts.merge(groupIds, states, numRows);
  }
}

/** The type percentile reads values as: DOUBLE for numbers, the interval itself for intervals. */
function valueTypeOf(name: string, t: DataType): DataType {
  if (isAnsiInterval(t)) return t;
  if (isNumeric(t) || t.kind === "string" || t.kind === "null") return DoubleType;
  return unexpectedType(name, 0, t, '("NUMERIC" or "INTERVAL DAY TO SECOND" or "INTERVAL YEAR TO MONTH")');
}

function checkPercentages(name: string, arg: ArgInfo): { list: number[]; isArray: boolean } {
  if (arg.literal === undefined) nonFoldable(name, "percentage", '"DOUBLE"');
  if (arg.literal.value === null) {
    throw analysisError("DATATYPE_MISMATCH", `Cannot resolve "${name}" due to data type mismatch: The percentage must not be null.`, {
      function: name,
      subclass: "UNEXPECTED_NULL",
    });
  }
  const pct = percentagesOf(arg.type, arg.literal.value);
  if (pct === undefined) unexpectedType(name, 1, arg.type, '"DOUBLE" or "ARRAY<DOUBLE>"');
  for (const p of pct.list) if (!(p >= 0 && p <= 1)) valueOutOfRange(name, "percentage", "[0.0, 1.0]", pct.list.join(","));
  return pct;
}

export const percentile: AggregateFunction = {
  name: "percentile",
  resolve(args: readonly ArgInfo[]) {
    checkArity("percentile", args, 2, 3);
    const vt = valueTypeOf("percentile", args[0]!.type);
    const pct = checkPercentages("percentile", args[1]!);
    const freq = args[2];
    if (freq && !isIntegral(freq.type)) unexpectedType("percentile", 2, freq.type, 'the "INTEGRAL" type');
    const argTypes = [vt, args[1]!.type, ...(freq ? [LongType] : [])];
    return { argTypes, returnType: pct.isArray ? ArrayType(isAnsiInterval(vt) ? vt : DoubleType, false) : isAnsiInterval(vt) ? vt : DoubleType, stateTypes: countsStateTypes(vt) };
  },
  create(argTypes, returnType, ctx, options) {
    const pct = percentagesOf(argTypes[1]!, options.literals[1])!;
    return new PercentileAccumulator(argTypes[0]!, returnType, pct.list, pct.isArray, argTypes[2] ? "frequency" : undefined);
  },
};

export const median: AggregateFunction = {
  name: "median",
  resolve(args: readonly ArgInfo[]) {
    checkArity("median", args, 1);
    const vt = valueTypeOf("median", args[0]!.type);
    return { argTypes: [vt], returnType: isAnsiInterval(vt) ? vt : DoubleType, stateTypes: countsStateTypes(vt) };
  },
  create: (argTypes, returnType) => new PercentileAccumulator(argTypes[0]!, returnType, [0.5], false, undefined),
};

export const percentileFunctions: readonly AggregateFunction[] = [percentile, median];
