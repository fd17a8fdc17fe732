/**
 * lag(x [, offset = 1 [, default = null]]) and lead(...): the value of x `offset` rows before
 * (lag) or after (lead) the current row in its partition, or `default` (evaluated at the current
 * row, cast to x's type) when that row is outside the partition. A negative offset looks the other
 * way; offset 0 is the current row. With IGNORE NULLS the offset counts only rows where x is
 * non-null. The offset must be an integer literal.
 */
import { type Vector, allocValues, makeVector } from "../../columnar/vector.js";
import { IntegerType } from "../../types/data-type.js";
import type { ArgInfo, WindowFunction } from "../function-types.js";
import { checkArity, intLiteral } from "./common.js";

/** For each row, the source row index (or -1 for "use the default"). */
function sources(x: Vector, n: number, shift: number, ignoreNulls: boolean): Int32Array {
  const src = new Int32Array(n);
  const valid = x.validity;
  if (!ignoreNulls || valid === null || shift === 0) {
    for (let i = 0; i < n; i++) {
      const j = i + shift;
      src[i] = j >= 0 && j < n ? j : -1;
    }
    return src;
  }
  const nonNull: number[] = [];
  for (let i = 0; i < n; i++) if (valid[i] === 1) nonNull.push(i);
  let before = 0; // non-null rows strictly before i
  for (let i = 0; i < n; i++) {
    if (shift < 0) {
      const at = before + shift;
      src[i] = at >= 0 ? nonNull[at]! : -1;
    } else {
      const after = before + (valid[i] === 1 ? 1 : 0); // index of the first non-null row after i
      const at = after + shift - 1;
      src[i] = at < nonNull.length ? nonNull[at]! : -1;
    }
    if (valid[i] === 1) before++;
  }
  return src;
}

const offsetFn = (name: "lag" | "lead"): WindowFunction => ({
  name,
  resolve(args: readonly ArgInfo[]) {
    checkArity(name, args, 1, 3);
    if (args[1]) intLiteral(name, "offset", args[1]);
    const t = args[0]!.type;
    const argTypes = [t, ...(args[1] ? [IntegerType] : []), ...(args[2] ? [t] : [])];
    return { argTypes, returnType: t, requiresOrder: true };
  },
  evaluate(args, n, peer, literals, returnType, options) {
    const x = args[0]!;
    const dflt = args[2];
    const offset = args.length > 1 ? Number(literals[1] ?? 1) : 1;
    const src = sources(x, n, name === "lag" ? -offset : offset, options.ignoreNulls);
    const values = allocValues(returnType, n) as unknown[];
    const validity = new Uint8Array(n);
    const xv = x.values as unknown[];
    let allValid = true;
    for (let i = 0; i < n; i++) {
      const j = src[i]!;
      const from = j >= 0 ? x : dflt;
      const at = j >= 0 ? j : i;
      if (from === undefined || (from.validity !== null && from.validity[at] === 0)) {
        allValid = false;
        continue;
      }
      values[i] = from === x ? xv[at] : (from.values as unknown[])[at];
      validity[i] = 1;
    }
    return makeVector(returnType, values as ReturnType<typeof allocValues>, allValid ? null : validity);
  },
});

export const offsetFunctions: readonly WindowFunction[] = [offsetFn("lag"), offsetFn("lead")];
