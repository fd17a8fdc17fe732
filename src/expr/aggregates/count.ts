/**
 * count and count_if. `count(1)` / `count(*)` count rows, `count(a, b, ...)` counts rows where every
 * argument is non-null (count(DISTINCT a, b): the operator dedupes first). Always BIGINT, never
 * null (0 for an empty group). count_if(cond) counts rows where cond is true.
 */
import { makeVector, type Vector } from "../../columnar/vector.js";
import { BooleanType, LongType } from "../../types/data-type.js";
import type { AggregateFunction, GroupAccumulator } from "../function-types.js";
import { checkArity, growF64, unexpectedType } from "./common.js";

/** Per-group counters in a growable Float64Array (exact to 2^53 rows), emitted as BIGINT. */
class CountAccumulator implements GroupAccumulator {
  private counts = new Float64Array(16);

  constructor(private readonly onlyTrue: boolean) {}

  update(groupIds: Int32Array, args: readonly Vector[], numRows: number, numGroups: number): void {
    this.counts = growF64(this.counts, numGroups);
    const c = this.counts;
    if (this.onlyTrue) {
      const v = args[0]!;
      const vals = v.values as Uint8Array;
      const valid = v.validity;
      for (let i = 0; i < numRows; i++) if (vals[i] === 1 && (valid === null || valid[i] === 1)) c[groupIds[i]!]!++;
      return;
    }
    const masks = args.map((a) => a.validity).filter((m): m is Uint8Array => m !== null);
    if (masks.length === 0) {
      for (let i = 0; i < numRows; i++) c[groupIds[i]!]!++;
    } else if (masks.length === 1) {
      const m = masks[0]!;
      for (let i = 0; i < numRows; i++) c[groupIds[i]!]! += m[i]!;
    } else {
      for (let i = 0; i < numRows; i++) {
        let ok = 1;
        for (let k = 0; k < masks.length; k++) ok &= masks[k]![i]!;
        c[groupIds[i]!]! += ok;
      }
    }
  }

  evaluate(numGroups: number): Vector {
    this.counts = growF64(this.counts, numGroups);
    const out = new BigInt64Array(numGroups);
    for (let g = 0; g < numGroups; g++) out[g] = BigInt(this.counts[g]!);
    return makeVector(LongType, out, null);
  }

  state(numGroups: number): Vector[] {
    return [this.evaluate(numGroups)];
  }

  merge(groupIds: Int32Array, states: readonly Vector[], numRows: number, numGroups: number): void {
    this.counts = growF64(this.counts, numGroups);
    const s = states[0]!;
    const vals = s.values as BigInt64Array;
    for (let i = 0; i < numRows; i++) if (s.validity === null || s.validity[i] === 1) this.counts[groupIds[i]!]! += Number(vals[i]!);
  }
}

export const count: AggregateFunction = {
  name: "count",
  nonNullableState: true,
  resolve(args) {
    // Spark rejects count() with no arguments; Sluice treats it as count(*) (rows), which is harmless.
    return { argTypes: args.map((a) => a.type), returnType: LongType, nullable: false, stateTypes: [LongType] };
  },
  create: () => new CountAccumulator(false),
};

export const countIf: AggregateFunction = {
  name: "count_if",
  nonNullableState: true,
  resolve(args) {
    checkArity("count_if", args, 1);
    const t = args[0]!.type;
    if (t.kind !== "boolean" && t.kind !== "null") unexpectedType("count_if", 0, t, 'the "BOOLEAN" type');
    return { argTypes: [BooleanType], returnType: LongType, nullable: false, stateTypes: [LongType] };
  },
  create: () => new CountAccumulator(true),
};

export const countFunctions: readonly AggregateFunction[] = [count, countIf];
