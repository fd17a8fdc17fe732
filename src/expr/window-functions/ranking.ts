/**
 * Ranking window functions over one sorted partition (they ignore the frame and need ORDER BY):
 * row_number, rank (gaps after ties), dense_rank (no gaps) → INT; percent_rank = (rank - 1) /
 * (n - 1), 0 for a one-row partition, and cume_dist = (rows up to the last peer) / n → DOUBLE;
 * ntile(k) → INT: k buckets whose sizes differ by at most one, larger buckets first.
 * `peerGroupStart[i]` is 1 where row i's ORDER BY key differs from row i-1's (row 0 always starts).
 */
import { analysisError } from "../../common/errors.js";
import { type Vector, makeVector } from "../../columnar/vector.js";
import { DoubleType, IntegerType } from "../../types/data-type.js";
import type { ArgInfo, WindowFunction } from "../function-types.js";
import { checkArity, intLiteral } from "./common.js";

const starts = (peer: Uint8Array, i: number): boolean => i === 0 || peer[i] === 1;

function ranks(n: number, peer: Uint8Array, dense: boolean): Int32Array {
  const out = new Int32Array(n);
  let r = 0;
  for (let i = 0; i < n; i++) {
    if (starts(peer, i)) r = dense ? r + 1 : i + 1;
    out[i] = r;
  }
  return out;
}

const noArgs =
  (name: string, returnType = IntegerType) =>
  (args: readonly ArgInfo[]) => {
    checkArity(name, args, 0);
    return { argTypes: [], returnType, nullable: false, requiresOrder: true };
  };

export const rowNumber: WindowFunction = {
  name: "row_number",
  resolve: noArgs("row_number"),
  evaluate(args, n) {
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) out[i] = i + 1;
    return makeVector(IntegerType, out, null);
  },
};

export const rank: WindowFunction = {
  name: "rank",
  resolve: noArgs("rank"),
  evaluate: (args, n, peer) => makeVector(IntegerType, ranks(n, peer, false), null),
};

export const denseRank: WindowFunction = {
  name: "dense_rank",
  resolve: noArgs("dense_rank"),
  evaluate: (args, n, peer) => makeVector(IntegerType, ranks(n, peer, true), null),
};

export const percentRank: WindowFunction = {
  name: "percent_rank",
  resolve: noArgs("percent_rank", DoubleType),
  evaluate(args, n, peer) {
    const r = ranks(n, peer, false);
    const out = new Float64Array(n);
    if (n > 1) for (let i = 0; i < n; i++) out[i] = (r[i]! - 1) / (n - 1);
    return makeVector(DoubleType, out, null);
  },
};

export const cumeDist: WindowFunction = {
  name: "cume_dist",
  resolve: noArgs("cume_dist", DoubleType),
  evaluate(args, n, peer) {
    const out = new Float64Array(n);
    let end = n; // one past the last row of the current peer group
    for (let i = n - 1; i >= 0; i--) {
      out[i] = end / n;
      if (starts(peer, i)) end = i;
    }
    return makeVector(DoubleType, out, null);
  },
};

export const ntile: WindowFunction = {
  name: "ntile",
  resolve(args) {
    checkArity("ntile", args, 1);
    const k = intLiteral("ntile", "buckets", args[0]!);
    if (k <= 0 || k > 2147483647) {
      throw analysisError(
        "DATATYPE_MISMATCH",
        `Cannot resolve "ntile(${k})" due to data type mismatch: the buckets must be between (0, 2147483647] (current value = ${k}). Use a positive number of buckets.`,
        { function: "ntile", subclass: "VALUE_OUT_OF_RANGE" },
      );
    }
    return { argTypes: [args[0]!.type], returnType: IntegerType, nullable: false, requiresOrder: true };
  },
  evaluate(args, n, peer, literals): Vector {
    const k = Number(literals[0] ?? 1);
    const out = new Int32Array(n);
    const size = Math.floor(n / k);
    const extra = n % k; // the first `extra` buckets hold size + 1 rows
    const big = extra * (size + 1);
    for (let i = 0; i < n; i++) out[i] = i < big ? Math.floor(i / (size + 1)) + 1 : extra + Math.floor((i - big) / size) + 1;
    return makeVector(IntegerType, out, null);
  },
};

export const rankingFunctions: readonly WindowFunction[] = [rowNumber, rank, denseRank, percentRank, cumeDist, ntile];
