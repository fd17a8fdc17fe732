/**
 * stddev / stddev_samp / std, stddev_pop, variance / var_samp, var_pop. Input is cast to DOUBLE
 * (strings parse, as in Spark); the result is DOUBLE. State per group is (n, mean, m2), updated
 * one value at a time with Welford's recurrence and merged with Chan et al.'s pairwise formula,
 * which stays accurate for large values with small spread. Empty group → null; the sample
 * variants give null for a single row (Spark 4, spark.sql.legacy.statisticalAggregate=false).
 */
import { makeVector, type Vector } from "../../columnar/vector.js";
import { DoubleType, isNumeric } from "../../types/data-type.js";
import type { AggregateFunction, ArgInfo, GroupAccumulator } from "../function-types.js";
import { checkArity, growF64, unexpectedType, validityOf } from "./common.js";

type Kind = "stddev_samp" | "stddev_pop" | "var_samp" | "var_pop";

class MomentAccumulator implements GroupAccumulator {
  private n = new Float64Array(16);
  private mean = new Float64Array(16);
  private m2 = new Float64Array(16);

  constructor(private readonly kind: Kind) {}

  private grow(k: number): void {
    this.n = growF64(this.n, k);
    this.mean = growF64(this.mean, k);
    this.m2 = growF64(this.m2, k);
  }

  update(groupIds: Int32Array, args: readonly Vector[], numRows: number, numGroups: number): void {
    this.grow(numGroups);
    const v = args[0]!;
    const vals = v.values as ArrayLike<number>;
    const valid = v.validity;
    const { n, mean, m2 } = this;
    for (let i = 0; i < numRows; i++) {
      if (valid !== null && valid[i] === 0) continue;
      const g = groupIds[i]!;
      const x = vals[i]!;
      const newN = n[g]! + 1;
      const delta = x - mean[g]!;
      const deltaN = delta / newN;
      mean[g] = mean[g]! + deltaN;
      m2[g] = m2[g]! + delta * (delta - deltaN);
      n[g] = newN;
    }
  }

  evaluate(numGroups: number): Vector {
    this.grow(numGroups);
    const out = new Float64Array(numGroups);
    const valid = new Uint8Array(numGroups);
    const sample = this.kind === "stddev_samp" || this.kind === "var_samp";
    const root = this.kind === "stddev_samp" || this.kind === "stddev_pop";
    for (let g = 0; g < numGroups; g++) {
      const n = this.n[g]!;
      if (n === 0 || (sample && n === 1)) continue;
      const variance = this.m2[g]! / (sample ? n - 1 : n);
      out[g] = root ? Math.sqrt(variance) : variance;
      valid[g] = 1;
    }
    return makeVector(DoubleType, out, validityOf(valid, numGroups));
  }

  state(numGroups: number): Vector[] {
    this.grow(numGroups);
    return [this.n, this.mean, this.m2].map((a) => makeVector(DoubleType, a.slice(0, numGroups), null));
  }

  merge(groupIds: Int32Array, states: readonly Vector[], numRows: number, numGroups: number): void {
    this.grow(numGroups);
    const [sn, smean, sm2] = states.map((s) => s.values as Float64Array) as [Float64Array, Float64Array, Float64Array];
    const valid = states[0]!.validity;
    const { n, mean, m2 } = this;
    for (let i = 0; i < numRows; i++) {
      if ((valid !== null && valid[i] === 0) || sn[i] === 0) continue;
      const g = groupIds[i]!;
      const n1 = n[g]!;
      const n2 = sn[i]!;
      const newN = n1 + n2;
      const delta = smean[i]! - mean[g]!;
      const deltaN = delta / newN;
      mean[g] = mean[g]! + deltaN * n2;
      m2[g] = m2[g]! + sm2[i]! + delta * deltaN * n1 * n2;
      n[g] = newN;
    }
  }
}

const moment = (name: string, kind: Kind): AggregateFunction => ({
  name,
  resolve(args: readonly ArgInfo[]) {
    checkArity(name, args, 1);
    const t = args[0]!.type;
    const ok = isNumeric(t) || t.kind === "string" || t.kind === "null";
    if (!ok) unexpectedType(name, 0, t, 'the "DOUBLE" type');
    return { argTypes: [DoubleType], returnType: DoubleType, stateTypes: [DoubleType, DoubleType, DoubleType] };
  },
  create: () => new MomentAccumulator(kind),
});

export const centralMomentFunctions: readonly AggregateFunction[] = [
  moment("stddev", "stddev_samp"),
  moment("stddev_samp", "stddev_samp"),
  moment("std", "stddev_samp"),
  moment("stddev_pop", "stddev_pop"),
  moment("variance", "var_samp"),
  moment("var_samp", "var_samp"),
  moment("var_pop", "var_pop"),
];
