/**
 * approx_count_distinct(x [, rsd = 0.05]) with HyperLogLog++ as Spark does it:
 *   1. p = ceil(2 · log2(1.106 / rsd)) index bits (rsd 0.05 → p = 9, m = 512 registers; p < 4 is
 *      rejected); each non-null value is hashed with Spark's XXH64 (seed 42, see xxhash64.ts);
 *   2. the top p bits pick a register, which keeps the max of (leading zeros of the remaining
 *      bits, padded with a one bit) + 1;
 *   3. the estimate is linear counting, m · ln(m / V) with V empty registers, while that is at
 *      most the HLL++ paper's threshold for p (so small counts equal Spark's exactly); above it,
 *      Ertl's improved raw estimator (2017), which needs no empirical bias tables — within
 *      Spark's error bound, though not always the identical number.
 * State: the registers of each group as one BINARY value (m bytes); merge takes the register max.
 */
import { makeVector, type Vector } from "../../columnar/vector.js";
import { BinaryType, type DataType, LongType } from "../../types/data-type.js";
import type { AggregateFunction, ArgInfo, GroupAccumulator } from "../function-types.js";
import { checkArity, literalNumber, nextCapacity, nonFoldable, valueOutOfRange } from "./common.js";
import { U64, hashValue } from "./xxhash64.js";

/** Linear counting thresholds by precision 4..18 (HLL++ paper, Heule et al. 2013). */
const THRESHOLDS = [10, 20, 40, 80, 220, 400, 900, 1800, 3100, 6500, 11500, 20000, 50000, 120000, 350000];

export const precisionFor = (rsd: number): number => Math.ceil((2 * Math.log(1.106 / rsd)) / Math.LN2);

const SEED = new U64(0, 42);

export class HllAccumulator implements GroupAccumulator {
  private regs: Uint8Array;
  private readonly m: number;
  private readonly hash = new U64();

  constructor(
    private readonly type: DataType,
    private readonly p: number,
  ) {
    this.m = 1 << p;
    this.regs = new Uint8Array(this.m * 4);
  }

  private grow(numGroups: number): void {
    const need = numGroups * this.m;
    if (this.regs.length >= need) return;
    const next = new Uint8Array(nextCapacity(this.regs.length / this.m, numGroups) * this.m);
    next.set(this.regs);
    this.regs = next;
  }

  update(groupIds: Int32Array, args: readonly Vector[], numRows: number, numGroups: number): void {
    this.grow(numGroups);
    const v = args[0]!;
    const vals = v.values as ArrayLike<unknown>;
    const valid = v.validity;
    const { p, m, regs, hash, type } = this;
    for (let i = 0; i < numRows; i++) {
      if (valid !== null && valid[i] === 0) continue;
      hashValue(type, vals[i], SEED, hash);
      const idx = hash.hi >>> (32 - p);
      // w = hash << p | 1 << (p - 1); rank = leading zeros of w + 1
      const whi = ((hash.hi << p) | (hash.lo >>> (32 - p))) >>> 0;
      const rank = whi !== 0 ? Math.clz32(whi) + 1 : Math.clz32(((hash.lo << p) | (1 << (p - 1))) >>> 0) + 33;
      const at = groupIds[i]! * m + idx;
      if (rank > regs[at]!) regs[at] = rank;
    }
  }

  evaluate(numGroups: number): Vector {
    this.grow(numGroups);
    const out = new Float64Array(numGroups);
    const hist = new Float64Array(66);
    for (let g = 0; g < numGroups; g++) out[g] = this.estimate(this.regs.subarray(g * this.m, (g + 1) * this.m), hist);
    return makeVector(LongType, out, null);
  }

  private estimate(r: Uint8Array, hist: Float64Array): number {
    const m = this.m;
    hist.fill(0);
    for (let j = 0; j < m; j++) hist[r[j]!]!++;
    const empty = hist[0]!;
    if (empty > 0) {
      const h = m * Math.log(m / empty);
      if (h <= (THRESHOLDS[this.p - 4] ?? 2.5 * m)) return Math.round(h);
    }
    const q = 64 - this.p;
    let z = m * tau(1 - hist[q + 1]! / m);
    for (let k = q; k >= 1; k--) z = 0.5 * (z + hist[k]!);
    z += m * sigma(empty / m);
    return Math.round((m * m) / (2 * Math.LN2 * z));
  }

  state(numGroups: number): Vector[] {
    this.grow(numGroups);
    const out = new Array<unknown>(numGroups);
    for (let g = 0; g < numGroups; g++) out[g] = this.regs.slice(g * this.m, (g + 1) * this.m);
    return [makeVector(BinaryType, out, null)];
  }

  merge(groupIds: Int32Array, states: readonly Vector[], numRows: number, numGroups: number): void {
    this.grow(numGroups);
    const s = states[0]!;
    const { m, regs } = this;
    for (let i = 0; i < numRows; i++) {
      if (s.validity !== null && s.validity[i] === 0) continue;
      const other = (s.values as unknown[])[i] as Uint8Array;
      const base = groupIds[i]! * m;
      for (let j = 0; j < m; j++) if (other[j]! > regs[base + j]!) regs[base + j] = other[j]!;
    }
  }
}

function sigma(x: number): number {
  if (x === 1) return Infinity;
  let y = 1;
  let z = x;
  for (;;) {
    x *= x;
    const prev = z;
    z += x * y;
    y += y;
    if (z === prev) return z;
  }
}

function tau(x: number): number {
  if (x === 0 || x === 1) return 0;
  let y = 1;
  let z = 1 - x;
  for (;;) {
    x = Math.sqrt(x);
    const prev = z;
    y *= 0.5;
    z -= (1 - x) * (1 - x) * y;
    if (z === prev) return z / 3;
  }
}

function rsdOf(args: readonly ArgInfo[]): number {
  const a = args[1];
  if (!a) return 0.05;
  const v = a.literal === undefined ? undefined : literalNumber(a.type, a.literal.value);
  if (v === undefined) nonFoldable("approx_count_distinct", "relativeSD", '"DOUBLE"');
  if (!(v > 0) || precisionFor(v) < 4) {
    valueOutOfRange("approx_count_distinct", "relative standard deviation", "(0, 0.39]; HLL++ needs at least 4 index bits", v);
  }
  return v;
}

export const approxCountDistinct: AggregateFunction = {
  name: "approx_count_distinct",
  resolve(args) {
    checkArity("approx_count_distinct", args, 1, 2);
    rsdOf(args);
    return { argTypes: args.map((a) => a.type), returnType: LongType, nullable: false, stateTypes: [BinaryType] };
  },
  create(argTypes, returnType, ctx, options) {
    const rsd = argTypes[1] ? (literalNumber(argTypes[1], options.literals[1]) ?? 0.05) : 0.05;
    return new HllAccumulator(argTypes[0]!, precisionFor(rsd));
  },
};
