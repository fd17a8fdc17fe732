/**
 * min, max (any orderable type: numbers with NaN largest, strings by code point, booleans, dates,
 * timestamps, binary, arrays, structs) and min_by(x, ord) / max_by(x, ord). Nulls are skipped
 * (min_by/max_by skip rows whose ord is null and may return a null x). Ties: min/max keep the
 * first value; min_by/max_by take the latest row with the extreme ord, as Spark does.
 */
import { type Vector, storageOf } from "../../columnar/vector.js";
import { type DataType, sqlTypeName } from "../../types/data-type.js";
import type { AggregateFunction, ArgInfo, GroupAccumulator } from "../function-types.js";
import { analysisError } from "../../common/errors.js";
import { GroupSlots, checkArity, isOrderable } from "./common.js";
import { compareDoubles as compareNumber, compareValues } from "../functions/compare-values.js";

type Compare = (a: unknown, b: unknown) => number;
const compareFor = (t: DataType): Compare => (a, b) => compareValues(t, a, b);

function checkOrderable(name: string, t: DataType): void {
  if (isOrderable(t)) return;
  throw analysisError(
    "DATATYPE_MISMATCH",
    `Cannot resolve "${name}" due to data type mismatch: the \`${name}\` does not support ordering on type "${sqlTypeName(t)}". Aggregate an orderable column instead (maps cannot be ordered).`,
    { function: name, subclass: "INVALID_ORDERING_TYPE" },
  );
}

const numericStorage = (t: DataType): boolean => {
  const s = storageOf(t);
  return s !== "str" && s !== "obj";
};

class MinMaxAccumulator implements GroupAccumulator {
  private readonly slots: GroupSlots;
  private readonly cmp: Compare;

  constructor(
    private readonly type: DataType,
    /** +1 for max, -1 for min */
    private readonly sign: number,
  ) {
    this.slots = new GroupSlots(type);
    this.cmp = compareFor(type);
  }

  update(groupIds: Int32Array, args: readonly Vector[], numRows: number, numGroups: number): void {
    this.slots.ensure(numGroups);
    const v = args[0]!;
    const valid = v.validity;
    const has = this.slots.valid;
    const sign = this.sign;
    if (numericStorage(this.type)) {
      const src = v.values as ArrayLike<number>;
      const cur = this.slots.values as unknown as { [i: number]: number };
      for (let i = 0; i < numRows; i++) {
        if (valid !== null && valid[i] === 0) continue;
        const g = groupIds[i]!;
        const x = src[i]!;
        if (has[g] === 0 || compareNumber(x, cur[g]!) * sign > 0) {
          cur[g] = x;
          has[g] = 1;
        }
      }
      return;
    }
    const src = v.values as unknown[];
    const cur = this.slots.values as unknown[];
    const cmp = this.cmp;
    for (let i = 0; i < numRows; i++) {
      if (valid !== null && valid[i] === 0) continue;
      const g = groupIds[i]!;
      if (has[g] === 0 || cmp(src[i], cur[g]) * sign > 0) {
        cur[g] = src[i];
        has[g] = 1;
      }
    }
  }

  evaluate(numGroups: number): Vector {
    this.slots.ensure(numGroups);
    return this.slots.toVector(numGroups);
  }

  state(numGroups: number): Vector[] {
    return [this.evaluate(numGroups)];
  }

  merge(groupIds: Int32Array, states: readonly Vector[], numRows: number, numGroups: number): void {
    this.update(groupIds, states, numRows, numGroups);
  }
}

class MinMaxByAccumulator implements GroupAccumulator {
  private readonly values: GroupSlots;
  private readonly ords: GroupSlots;
  private readonly cmp: Compare;

  constructor(valueType: DataType, ordType: DataType, private readonly sign: number) {
    this.values = new GroupSlots(valueType);
    this.ords = new GroupSlots(ordType);
    this.cmp = compareFor(ordType);
  }

  update(groupIds: Int32Array, args: readonly Vector[], numRows: number, numGroups: number): void {
    this.values.ensure(numGroups);
    this.ords.ensure(numGroups);
    const x = args[0]!;
    const ord = args[1]!;
    const ordValid = ord.validity;
    const src = ord.values as unknown[];
    const has = this.ords.valid;
    const cur = this.ords.values as unknown[];
    for (let i = 0; i < numRows; i++) {
      if (ordValid !== null && ordValid[i] === 0) continue;
      const g = groupIds[i]!;
      if (has[g] === 0 || this.cmp(src[i], cur[g]) * this.sign >= 0) {
        this.ords.copy(g, ord, i);
        this.values.copy(g, x, i);
      }
    }
  }

  evaluate(numGroups: number): Vector {
    this.values.ensure(numGroups);
    this.ords.ensure(numGroups);
    return this.values.toVector(numGroups);
  }

  state(numGroups: number): Vector[] {
    this.values.ensure(numGroups);
    this.ords.ensure(numGroups);
    return [this.values.toVector(numGroups), this.ords.toVector(numGroups)];
  }

  merge(groupIds: Int32Array, states: readonly Vector[], numRows: number, numGroups: number): void {
    this.update(groupIds, states, numRows, numGroups);
  }
}

const minMax = (name: string, sign: number): AggregateFunction => ({
  name,
  resolve(args: readonly ArgInfo[]) {
    checkArity(name, args, 1);
    const t = args[0]!.type;
    checkOrderable(name, t);
    return { argTypes: [t], returnType: t, stateTypes: [t] };
  },
  create: (argTypes) => new MinMaxAccumulator(argTypes[0]!, sign),
});

const minMaxBy = (name: string, sign: number): AggregateFunction => ({
  name,
  resolve(args: readonly ArgInfo[]) {
    checkArity(name, args, 2);
    const [x, ord] = [args[0]!.type, args[1]!.type];
    checkOrderable(name, ord);
    return { argTypes: [x, ord], returnType: x, stateTypes: [x, ord] };
  },
  create: (argTypes) => new MinMaxByAccumulator(argTypes[0]!, argTypes[1]!, sign),
});

export const minMaxFunctions: readonly AggregateFunction[] = [minMax("min", -1), minMax("max", 1), minMaxBy("min_by", -1), minMaxBy("max_by", 1)];
