/**
 * Name resolution against an operator's input attributes: `a`, `t.a`, `a.b.c` (the leftover parts
 * are struct fields), references by exprId (`df.col("x")`), and Spark's errors for unknown
 * (UNRESOLVED_COLUMN, with the closest names) and ambiguous (AMBIGUOUS_REFERENCE) names.
 */
import { analysisError, closestNames } from "../../common/errors.js";
import type { DataType } from "../../types/data-type.js";
import type { Attribute } from "../resolved-plan.js";

let nextExprId = 1;
/** A fresh, process-wide unique expression id (Spark's ExprId). */
export const newExprId = (): number => nextExprId++;

/** A new attribute with a fresh exprId. */
export function newAttribute(name: string, type: DataType, nullable: boolean, extra: Partial<Attribute> = {}): Attribute {
  return { qualifiers: [], ...extra, name, type, nullable, exprId: newExprId() };
}

/** Backticked display of a multi-part name, as Spark's messages show it: `t`.`a`. */
export const quoteParts = (parts: readonly string[]): string => parts.map((p) => "`" + p.replace(/`/g, "``") + "`").join(".");

export const namesEqual = (a: string, b: string, caseSensitive: boolean): boolean =>
  caseSensitive ? a === b : a === b || a.toLowerCase() === b.toLowerCase();

/** A column found in the input: its index, and the struct fields still to extract. */
export interface ColumnMatch {
  readonly index: number;
  readonly nestedFields: readonly string[];
}

/**
 * Find a column. Qualified matches (`t.a`) win over unqualified ones, as in Spark. Returns
 * undefined when nothing matches; throws AMBIGUOUS_REFERENCE when several columns do.
 */
export function findColumn(
  input: readonly Attribute[],
  parts: readonly string[],
  caseSensitive: boolean,
  exprId?: number,
): ColumnMatch | undefined {
  if (exprId !== undefined) {
    const byId: number[] = [];
    input.forEach((a, i) => a.exprId === exprId && byId.push(i));
    if (byId.length === 1) return { index: byId[0]!, nestedFields: parts.slice(1) };
    if (byId.length > 1) throw ambiguous(parts, byId.map((i) => input[i]!));
  }
  const eq = (a: string, b: string): boolean => namesEqual(a, b, caseSensitive);
  if (parts.length >= 2) {
    const qualified: number[] = [];
    input.forEach((a, i) => {
      if (eq(a.name, parts[1]!) && a.qualifiers.some((q) => eq(q, parts[0]!))) qualified.push(i);
    });
    if (qualified.length === 1) return { index: qualified[0]!, nestedFields: parts.slice(2) };
    if (qualified.length > 1) throw ambiguous(parts.slice(0, 2), qualified.map((i) => input[i]!));
  }
  const plain: number[] = [];
  input.forEach((a, i) => eq(a.name, parts[0]!) && plain.push(i));
  if (plain.length === 1) return { index: plain[0]!, nestedFields: parts.slice(1) };
  if (plain.length > 1) throw ambiguous(parts.slice(0, 1), plain.map((i) => input[i]!));
  return undefined;
}

function ambiguous(parts: readonly string[], attrs: readonly Attribute[]): Error {
  const shown = attrs.map((a) => quoteParts(a.qualifiers.length > 0 ? [a.qualifiers[0]!, a.name] : [a.name]));
  return analysisError(
    "AMBIGUOUS_REFERENCE",
    `Reference ${quoteParts(parts)} is ambiguous, could be: [${shown.join(", ")}]. ` +
      "Give the inputs distinct names with alias() and qualify the column (e.g. `l.id`), or rename one side first.",
    { column: parts.join(".") },
  );
}

/** UNRESOLVED_COLUMN naming the column and the closest input columns. */
export function unresolvedColumn(parts: readonly string[], input: readonly Attribute[]): Error {
  const candidates = input.map((a) => (a.qualifiers.length > 0 && parts.length > 1 ? quoteParts([a.qualifiers[0]!, a.name]) : quoteParts([a.name])));
  const suggestions = closestNames(quoteParts(parts), candidates);
  return analysisError(
    "UNRESOLVED_COLUMN",
    `A column or function parameter with name ${quoteParts(parts)} cannot be resolved. ` +
      (suggestions.length > 0 ? `Did you mean one of the following? [${suggestions.join(", ")}].` : "The input has no columns."),
    { column: parts.join(".") },
  );
}

/** Find a column or throw UNRESOLVED_COLUMN. */
export function resolveColumn(input: readonly Attribute[], parts: readonly string[], caseSensitive: boolean, exprId?: number): ColumnMatch {
  const m = findColumn(input, parts, caseSensitive, exprId);
  if (!m) throw unresolvedColumn(parts, input);
  return m;
}

/** Copy attributes with new qualifiers (SubqueryAlias, named relations). */
export const requalify = (attrs: readonly Attribute[], qualifier: string): Attribute[] =>
  attrs.map((a) => ({ ...a, qualifiers: [qualifier] }));
