/**
 * nth_value(x, n [, ignoreNulls = false]): the value of x at the n-th row of the current row's
 * frame (1-based), null when the frame has fewer rows; with IGNORE NULLS (or a true third
 * argument) the n-th non-null value. Like an aggregate it honours the frame, Spark's default being
 * RANGE UNBOUNDED PRECEDING..CURRENT ROW, and like ranking functions it needs an ORDER BY. `n` is
 * a foldable integer in (0, 2^63 - 1] (Spark: VALUE_OUT_OF_RANGE otherwise); the ignoreNulls
 * argument must be a boolean literal (INVALID_PARAMETER_VALUE.BOOLEAN).
 */
import { analysisError } from "../../common/errors.js";
import { allocValues, makeVector } from "../../columnar/vector.js";
import { BooleanType, IntegerType } from "../../types/data-type.js";
import type { ArgInfo, WindowFunction } from "../function-types.js";
import { checkArity, intLiteral } from "./common.js";

export const nthValue: WindowFunction = {
  name: "nth_value",
  usesFrame: true,
  resolve(args: readonly ArgInfo[]) {
    checkArity("nth_value", args, 2, 3);
    const n = intLiteral("nth_value", "offset", args[1]!);
    if (n <= 0) {
      throw analysisError(
        "DATATYPE_MISMATCH",
        `Cannot resolve "nth_value" due to data type mismatch: The offset must be between (0, 9223372036854775807] (current value = ${n}). Use a positive offset.`,
        { function: "nth_value", subclass: "VALUE_OUT_OF_RANGE" },
      );
    }
    const flag = args[2];
    if (flag && (flag.type.kind !== "boolean" || flag.literal === undefined || flag.literal.value === null)) {
      throw analysisError(
        "INVALID_PARAMETER_VALUE",
        "The value of parameter(s) `ignoreNulls` in `nth_value` is invalid: expects a boolean literal. Pass true or false.",
        { function: "nth_value", parameter: "ignoreNulls", subclass: "BOOLEAN" },
      );
    }
    const t = args[0]!.type;
    return { argTypes: [t, IntegerType, ...(flag ? [BooleanType] : [])], returnType: t, requiresOrder: true };
  },
  evaluate(args, numRows, peer, literals, returnType, options, frame) {
    const x = args[0]!;
    const nth = Number(literals[1]);
    const ignoreNulls = options.ignoreNulls || literals[2] === true;
    const valid = x.validity;
    // nonNull[k] = index of the k-th non-null row; before[i] = non-null rows before row i
    const nonNull: number[] = [];
    const before = new Int32Array(numRows + 1);
    for (let i = 0; i < numRows; i++) {
      before[i] = nonNull.length;
      if (valid === null || valid[i] === 1) nonNull.push(i);
    }
    before[numRows] = nonNull.length;
    const values = allocValues(returnType, numRows) as unknown[];
    const out = new Uint8Array(numRows);
    const xv = x.values as unknown[];
    let allValid = true;
    for (let i = 0; i < numRows; i++) {
      const s = Math.max(0, frame!.start[i]!);
      const e = Math.min(numRows, frame!.end[i]!);
      let j = -1;
      if (!ignoreNulls) j = s + nth - 1 < e ? s + nth - 1 : -1;
      else if (before[s]! + nth - 1 < before[Math.max(s, e)]!) j = nonNull[before[s]! + nth - 1]!;
      if (j < 0 || (valid !== null && valid[j] === 0)) {
        allValid = false;
        continue;
      }
      values[i] = xv[j];
      out[i] = 1;
    }
    return makeVector(returnType, values as ReturnType<typeof allocValues>, allValid ? null : out);
  },
};
