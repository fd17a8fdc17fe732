/**
 * JS values → literal expressions, choosing the Spark type a PySpark literal of the same value
 * gets: integers that fit → INT, other safe integers → BIGINT, other numbers → DOUBLE (an integer
 * past 2^53 is already rounded, so it is a DOUBLE, not a BIGINT that looks exact), string → STRING,
 * boolean, Date → TIMESTAMP, bigint → BIGINT (exact), Uint8Array → BINARY, VariantVal → VARIANT,
 * null → NULL (void).
 */
import { inputError } from "../common/errors.js";
import { ArrayType, type DataType } from "../types/data-type.js";
import { VariantVal } from "../types/variant-val.js";
import type { LiteralExpr } from "./expr.js";

export function literalType(v: unknown): DataType {
  if (v === null || v === undefined) return { kind: "null" };
  switch (typeof v) {
    case "string":
      return { kind: "string" };
    case "boolean":
      return { kind: "boolean" };
    case "bigint":
      return { kind: "bigint" };
    case "number":
      return Number.isInteger(v) ? (v >= -2147483648 && v <= 2147483647 ? { kind: "int" } : Number.isSafeInteger(v) ? { kind: "bigint" } : { kind: "double" }) : { kind: "double" };
  }
  if (v instanceof Date) return { kind: "timestamp" };
  if (v instanceof Uint8Array) return { kind: "binary" };
  if (v instanceof VariantVal) return { kind: "variant" };
  if (Array.isArray(v)) {
    const first = v.find((x) => x !== null && x !== undefined);
    return ArrayType(first === undefined ? { kind: "null" } : literalType(first));
  }
  throw inputError("UNSUPPORTED_LITERAL", `Cannot use ${Object.prototype.toString.call(v)} as a literal value`);
}

/** Engine value of a JS literal (see columnar/values.ts). */
function literalValue(v: unknown): unknown {
  if (v === undefined || v === null) return null;
  if (typeof v === "bigint") {
    if (v < -(2n ** 63n) || v >= 2n ** 63n) throw inputError("UNSUPPORTED_LITERAL", `${v}n does not fit a BIGINT (64-bit signed)`);
    return v;
  }
  if (typeof v === "number" && Number.isInteger(v) && Number.isSafeInteger(v) && (v < -2147483648 || v > 2147483647)) return BigInt(v);
  if (v instanceof Date) return v.getTime() * 1000;
  if (Array.isArray(v)) return v.map(literalValue);
  return v;
}

export function literalExpr(v: unknown): LiteralExpr {
  return { kind: "literal", value: literalValue(v), type: literalType(v) };
}

/** A literal with an explicit type and an engine value. */
export const typedLiteral = (value: unknown, type: DataType): LiteralExpr => ({ kind: "literal", value, type });
