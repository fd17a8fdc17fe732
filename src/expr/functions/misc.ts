/** typeof(x): Spark's simple type string of the argument ('array<int>', 'void' for an untyped NULL). */
import { makeVector } from "../../columnar/vector.js";
import { StringType, simpleString } from "../../types/data-type.js";
import type { ScalarFunction } from "../function-types.js";
import { checkArity, define } from "./kernel.js";

export const miscFunctions: ScalarFunction[] = [
  ...define("typeof", (args, _c, name) => (checkArity(name, args, 1), { argTypes: [args[0]!.type], returnType: StringType, nullable: false }), (_args, argExprs) => {
    const t = argExprs[0]!.type;
    const text = t.kind === "null" ? "void" : simpleString(t);
    return (batch) => makeVector(StringType, new Array<string>(batch.numRows).fill(text), null);
  }),
];
