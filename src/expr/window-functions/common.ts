/** Shared argument checks for ranking and offset window functions. */
import { analysisError } from "../../common/errors.js";
import type { ArgInfo } from "../function-types.js";

export function checkArity(name: string, args: readonly ArgInfo[], min: number, max = min): void {
  if (args.length >= min && args.length <= max) return;
  const expected = min === max ? `${min}` : `${min} to ${max}`;
  throw analysisError(
    "WRONG_NUM_ARGS",
    `The \`${name}\` function requires ${expected} parameters but the actual number is ${args.length}. Check the call's arguments.`,
    { function: name },
  );
}

/** The integer value of a literal INT/BIGINT argument, or a DATATYPE_MISMATCH (NON_FOLDABLE_INPUT). */
export function intLiteral(name: string, what: string, a: ArgInfo): number {
  const raw = a.literal?.value;
  const v = typeof raw === "bigint" ? Number(raw) : raw;
  if ((a.type.kind !== "int" && a.type.kind !== "bigint") || typeof v !== "number" || !Number.isInteger(v)) {
    throw analysisError(
      "DATATYPE_MISMATCH",
      `Cannot resolve "${name}" due to data type mismatch: the input \`${what}\` should be a foldable "INT" expression (an integer literal).`,
      { function: name, subclass: "NON_FOLDABLE_INPUT" },
    );
  }
  return v;
}
