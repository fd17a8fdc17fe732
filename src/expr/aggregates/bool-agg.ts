/**
 * bool_and / every and bool_or / some / any over BOOLEAN: nulls are skipped; a group with no
 * non-null input gives null.
 */
import { makeVector, type Vector } from "../../columnar/vector.js";
import { BooleanType } from "../../types/data-type.js";
import type { AggregateFunction, ArgInfo, GroupAccumulator } from "../function-types.js";
import { checkArity, growU8, unexpectedType, validityOf } from "./common.js";

class BoolAccumulator implements GroupAccumulator {
  private acc = new Uint8Array(16);
  private has = new Uint8Array(16);

  constructor(private readonly isAnd: boolean) {
    if (isAnd) this.acc.fill(1);
  }

  private grow(n: number): void {
    const old = this.acc.length;
    this.acc = growU8(this.acc, n);
    if (this.isAnd) this.acc.fill(1, old);
    this.has = growU8(this.has, n);
  }

  update(groupIds: Int32Array, args: readonly Vector[], numRows: number, numGroups: number): void {
    this.grow(numGroups);
    const v = args[0]!;
    const vals = v.values as Uint8Array;
    const valid = v.validity;
    const { acc, has } = this;
    for (let i = 0; i < numRows; i++) {
      if (valid !== null && valid[i] === 0) continue;
      const g = groupIds[i]!;
      acc[g] = this.isAnd ? acc[g]! & vals[i]! : acc[g]! | vals[i]!;
      has[g] = 1;
    }
  }

  evaluate(numGroups: number): Vector {
    this.grow(numGroups);
    return makeVector(BooleanType, this.acc.slice(0, numGroups), validityOf(this.has, numGroups));
  }

  state(numGroups: number): Vector[] {
    return [this.evaluate(numGroups)];
  }

  merge(groupIds: Int32Array, states: readonly Vector[], numRows: number, numGroups: number): void {
    this.update(groupIds, states, numRows, numGroups);
  }
}

const boolAgg = (name: string, isAnd: boolean): AggregateFunction => ({
  name,
  resolve(args: readonly ArgInfo[]) {
    checkArity(name, args, 1);
    const t = args[0]!.type;
    if (t.kind !== "boolean" && t.kind !== "null") unexpectedType(name, 0, t, 'the "BOOLEAN" type');
    return { argTypes: [BooleanType], returnType: BooleanType, stateTypes: [BooleanType] };
  },
  create: () => new BoolAccumulator(isAnd),
});

export const boolAggFunctions: readonly AggregateFunction[] = [
  boolAgg("bool_and", true),
  boolAgg("every", true),
  boolAgg("bool_or", false),
  boolAgg("some", false),
  boolAgg("any", false),
];
