/**
 * bit_and, bit_or, bit_xor: the bitwise AND / OR / XOR of a group's non-null values. Input must be
 * integral (TINYINT, SMALLINT, INT, BIGINT; Spark accepts no implicit cast from other types) and
 * the result keeps its type; BIGINT folds exactly in int64. A group with no non-null input is null.
 * DISTINCT is handled by the aggregate operator (it matters only for bit_xor). State: the partial
 * result, null while the group has seen no value.
 */
import { allocValues, makeVector, type Vector } from "../../columnar/vector.js";
import { type DataType, isIntegral } from "../../types/data-type.js";
import type { AggregateFunction, ArgInfo, GroupAccumulator } from "../function-types.js";
import { checkArity, growU8, nextCapacity, unexpectedType, validityOf } from "./common.js";

type Op = "and" | "or" | "xor";

class BitAccumulator implements GroupAccumulator {
  private acc: bigint[] = [];
  private seen = new Uint8Array(16);

  constructor(
    private readonly op: Op,
    private readonly type: DataType,
  ) {}

  private grow(n: number): void {
    if (this.acc.length < n) this.acc.length = nextCapacity(this.acc.length, n);
    this.seen = growU8(this.seen, n);
  }

  update(groupIds: Int32Array, args: readonly Vector[], numRows: number, numGroups: number): void {
    this.grow(numGroups);
    const v = args[0]!;
    const valid = v.validity;
    const vals = v.values as ArrayLike<number | bigint>;
    const { acc, seen, op } = this;
    for (let i = 0; i < numRows; i++) {
      if (valid !== null && valid[i] === 0) continue;
      const g = groupIds[i]!;
      const x = BigInt(vals[i]!);
      if (seen[g] === 0) {
        acc[g] = x;
        seen[g] = 1;
      } else acc[g] = op === "and" ? acc[g]! & x : op === "or" ? acc[g]! | x : acc[g]! ^ x;
    }
  }

  evaluate(numGroups: number): Vector {
    this.grow(numGroups);
    const out = allocValues(this.type, numGroups);
    const wide = out instanceof BigInt64Array;
    // values stay within the input type: AND/OR/XOR of two's-complement values of one width
    for (let g = 0; g < numGroups; g++) if (this.seen[g] === 1) (out as unknown[])[g] = wide ? this.acc[g]! : Number(this.acc[g]!);
    return makeVector(this.type, out, validityOf(this.seen, numGroups));
  }

  state(numGroups: number): Vector[] {
    return [this.evaluate(numGroups)];
  }

  merge(groupIds: Int32Array, states: readonly Vector[], numRows: number, numGroups: number): void {
    this.update(groupIds, states, numRows, numGroups);
  }
}

const bitAgg = (name: string, op: Op): AggregateFunction => ({
  name,
  resolve(args: readonly ArgInfo[]) {
    checkArity(name, args, 1);
    const t = args[0]!.type;
    if (!isIntegral(t)) unexpectedType(name, 0, t, '"INTEGRAL"');
    return { argTypes: [t], returnType: t, stateTypes: [t] };
  },
  create: (argTypes) => new BitAccumulator(op, argTypes[0]!),
});

export const bitAggFunctions: readonly AggregateFunction[] = [bitAgg("bit_and", "and"), bitAgg("bit_or", "or"), bitAgg("bit_xor", "xor")];
