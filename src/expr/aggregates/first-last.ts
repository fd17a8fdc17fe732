/**
 * first / first_value, last / last_value and any_value. Without ignoreNulls the first (last) row's
 * value is returned even when it is null; with ignoreNulls (the IGNORE NULLS flag or a second
 * boolean literal argument, `first(x, true)`) the first (last) non-null value. Order follows the
 * order rows reach `update` (and state rows reach `merge`), as in Spark: non-deterministic after
 * a shuffle.
 */
import { makeVector, type Vector } from "../../columnar/vector.js";
import { BooleanType } from "../../types/data-type.js";
import type { AggregateFunction, AggregateOptions, ArgInfo, GroupAccumulator } from "../function-types.js";
import { GroupSlots, checkArity, growU8, nonFoldable } from "./common.js";

class FirstLastAccumulator implements GroupAccumulator {
  private readonly slots: GroupSlots;
  private set = new Uint8Array(16);

  constructor(
    slots: GroupSlots,
    private readonly last: boolean,
    private readonly ignoreNulls: boolean,
  ) {
    this.slots = slots;
  }

  private grow(n: number): void {
    this.slots.ensure(n);
    this.set = growU8(this.set, n);
  }

  update(groupIds: Int32Array, args: readonly Vector[], numRows: number, numGroups: number): void {
    this.grow(numGroups);
    const v = args[0]!;
    const valid = v.validity;
    const set = this.set;
    for (let i = 0; i < numRows; i++) {
      const g = groupIds[i]!;
      if (!this.last && set[g] === 1) continue;
      if (this.ignoreNulls && valid !== null && valid[i] === 0) continue;
      this.slots.copy(g, v, i);
      set[g] = 1;
    }
  }

  evaluate(numGroups: number): Vector {
    this.grow(numGroups);
    return this.slots.toVector(numGroups);
  }

  state(numGroups: number): Vector[] {
    this.grow(numGroups);
    return [this.slots.toVector(numGroups), makeVector(BooleanType, this.set.slice(0, numGroups), null)];
  }

  merge(groupIds: Int32Array, states: readonly Vector[], numRows: number, numGroups: number): void {
    this.grow(numGroups);
    const v = states[0]!;
    const wasSet = states[1]!.values as Uint8Array;
    const setValid = states[1]!.validity;
    for (let i = 0; i < numRows; i++) {
      if (wasSet[i] !== 1 || (setValid !== null && setValid[i] === 0)) continue;
      const g = groupIds[i]!;
      if (!this.last && this.set[g] === 1) continue;
      this.slots.copy(g, v, i);
      this.set[g] = 1;
    }
  }
}

const firstLast = (name: string, last: boolean): AggregateFunction => ({
  name,
  resolve(args: readonly ArgInfo[]) {
    checkArity(name, args, 1, 2);
    const flag = args[1];
    if (flag && (flag.type.kind !== "boolean" || flag.literal === undefined || flag.literal.value === null)) {
      nonFoldable(name, "ignoreNulls", '"BOOLEAN"');
    }
    const t = args[0]!.type;
    return { argTypes: flag ? [t, BooleanType] : [t], returnType: t, stateTypes: [t, BooleanType] };
  },
  create: (argTypes, returnType, ctx, options: AggregateOptions) =>
    new FirstLastAccumulator(new GroupSlots(argTypes[0]!), last, options.ignoreNulls || options.literals[1] === true),
});

export const firstLastFunctions: readonly AggregateFunction[] = [
  firstLast("first", false),
  firstLast("first_value", false),
  firstLast("last", true),
  firstLast("last_value", true),
  firstLast("any_value", false),
];
