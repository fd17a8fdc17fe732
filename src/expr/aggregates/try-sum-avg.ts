/**
 * try_sum and try_avg: sum and avg with Spark's types, except that a group whose sum (or decimal
 * average) leaves its type gives null instead of ARITHMETIC_OVERFLOW, whatever
 * spark.sql.ansi.enabled says (Spark's TrySum / TryAverage: BIGINT does not wrap either). Once a
 * group has overflowed it stays null. DOUBLE sums and the DOUBLE average of integral input never
 * overflow. State: sum's or avg's state plus a BOOLEAN "overflowed" per group, so merged partial
 * states keep the overflow.
 */
import { makeVector, type Vector } from "../../columnar/vector.js";
import { BooleanType, type DataType } from "../../types/data-type.js";
import type { AggregateFunction, EvalContext, GroupAccumulator } from "../function-types.js";
import { growU8 } from "./common.js";
import { avgSignature, createAvg, createSum, type OnOverflow, sumSignature } from "./sum-avg.js";

class TryAccumulator implements GroupAccumulator {
  private over = new Uint8Array(16);
  private readonly inner: GroupAccumulator;

  constructor(make: (onOverflow: OnOverflow) => GroupAccumulator) {
    this.inner = make((g) => {
      this.over = growU8(this.over, g + 1);
      this.over[g] = 1;
    });
  }

  /** `v` with the overflowed groups null. */
  private mask(v: Vector, numGroups: number): Vector {
    this.over = growU8(this.over, numGroups);
    let any = false;
    for (let g = 0; g < numGroups && !any; g++) any = this.over[g] === 1;
    if (!any) return v;
    const valid = new Uint8Array(numGroups);
    for (let g = 0; g < numGroups; g++) valid[g] = this.over[g] === 1 || (v.validity !== null && v.validity[g] === 0) ? 0 : 1;
    return makeVector(v.type, v.values, valid);
  }

  update(groupIds: Int32Array, args: readonly Vector[], numRows: number, numGroups: number): void {
    this.inner.update(groupIds, args, numRows, numGroups);
  }

  evaluate(numGroups: number): Vector {
    return this.mask(this.inner.evaluate(numGroups), numGroups);
  }

  state(numGroups: number): Vector[] {
    const states = this.inner.state(numGroups); // first, so overflows it detects are flagged
    this.over = growU8(this.over, numGroups);
    return [...states.map((s) => this.mask(s, numGroups)), makeVector(BooleanType, this.over.slice(0, numGroups), null)];
  }

  merge(groupIds: Int32Array, states: readonly Vector[], numRows: number, numGroups: number): void {
    const flags = states[states.length - 1]!;
    this.over = growU8(this.over, numGroups);
    for (let i = 0; i < numRows; i++) {
      if ((flags.values as Uint8Array)[i] === 1 && (flags.validity === null || flags.validity[i] === 1)) this.over[groupIds[i]!] = 1;
    }
    this.inner.merge(groupIds, states.slice(0, -1), numRows, numGroups);
  }
}

type Create = (argTypes: readonly DataType[], returnType: DataType, ctx: EvalContext, onOverflow?: OnOverflow) => GroupAccumulator;

const tryOf = (name: string, signature: typeof sumSignature, create: Create): AggregateFunction => ({
  name,
  resolve(args) {
    const sig = signature(name, args);
    return { ...sig, stateTypes: [...sig.stateTypes, BooleanType] };
  },
  create: (argTypes, returnType, ctx) => new TryAccumulator((onOverflow) => create(argTypes, returnType, ctx, onOverflow)),
});

export const trySumAvgFunctions: readonly AggregateFunction[] = [tryOf("try_sum", sumSignature, createSum), tryOf("try_avg", avgSignature, createAvg)];
