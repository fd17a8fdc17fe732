/**
 * `df.na` (DataFrameNaFunctions) and the DataFrame shorthands fillna / dropna / replace, with
 * PySpark's arguments and Spark's semantics (DataFrameNaFunctions.scala, PySpark's dataframe.py):
 * - fill: a number fills the numeric columns, a string the string columns, a boolean the boolean
 *   columns (others are left alone, even when named in `subset`); the value is cast to each
 *   column's type, and NaN counts as missing in FLOAT/DOUBLE columns. A {column: value} object
 *   fills exactly those columns, casting the value to the column's type.
 * - drop: keeps rows with at least `thresh` values that are neither null nor NaN; thresh defaults
 *   to all of `subset` for how="any" and to 1 for how="all".
 * - replace: CASE col WHEN old THEN new ... ELSE col END on the columns of the keys' kind
 *   (numbers: numeric columns; strings; booleans); the new values are cast to the column type.
 * `subset` names must resolve (UNRESOLVED_COLUMN otherwise, as in Spark).
 */
import { analysisError, inputError } from "../common/errors.js";
import { Column } from "../expr/column.js";
import type { Expr } from "../expr/expr.js";
import { literalExpr, typedLiteral } from "../expr/literal.js";
import { type DataType, DoubleType, isNumeric } from "../types/data-type.js";
import type { Attribute } from "../plan/resolved-plan.js";
import type { DataFrame } from "./dataframe.js";

export type FillValue = number | string | boolean;
export type ReplaceValue = number | string | boolean | null;
type Subset = string | readonly string[] | null | undefined;

interface Target {
  /** Position among the DataFrame's columns. */
  readonly index: number;
  readonly name: string;
  readonly type: DataType;
  readonly ref: Expr;
}

const call = (name: string, ...args: Expr[]): Expr => ({ kind: "call", name, args });
/** A reference by exprId, so same-named columns (after a join) stay apart. */
const attrRef = (a: Attribute): Expr => ({ kind: "column", nameParts: [a.name], exprId: a.exprId });
const isFloating = (t: DataType): boolean => t.kind === "double" || t.kind === "float";
const kindOf = (v: unknown): "number" | "string" | "boolean" | null =>
  typeof v === "number" ? "number" : typeof v === "string" ? "string" : typeof v === "boolean" ? "boolean" : null;
const matchesKind = (kind: "number" | "string" | "boolean", t: DataType): boolean =>
  kind === "number" ? isNumeric(t) : t.kind === kind;

/** What `df.na` returns: `drop`, `fill` and `replace` for null and NaN values, as PySpark's `DataFrameNaFunctions`. */
export class DataFrameNaFunctions {
  constructor(private readonly df: DataFrame) {}

  /** The DataFrame's columns, or those named in `subset` (which must all resolve). */
  private targets(subset: Subset, method: string): Target[] {
    const all = this.df.resolved.output.map((a, index) => ({ index, name: a.name, type: a.type, ref: attrRef(a) }));
    if (subset === undefined || subset === null) return all;
    const names = typeof subset === "string" ? [subset] : subset;
    if (!Array.isArray(names) || names.some((n) => typeof n !== "string")) {
      throw inputError("NOT_LIST_OR_STR_OR_TUPLE", `Argument \`subset\` of ${method}() should be a list of column names or a string, got ${JSON.stringify(subset)}.`, { argument: "subset" });
    }
    void this.df.select(...names).columns; // UNRESOLVED_COLUMN with suggestions for a name that is not a column (a remote session asks the server)
    const wanted = new Set(names.map((n) => n.toLowerCase()));
    return all.filter((t) => wanted.has(t.name.toLowerCase()));
  }

  /** Replace each target column by `f(column)` (same name, same position); others pass through. */
  private rewrite(targets: readonly Target[], f: (t: Target) => Expr): DataFrame {
    if (targets.length === 0) return this.df.select("*");
    return this.df.select(
      ...this.df.resolved.output.map((a, i) => {
        const t = targets.find((x) => x.index === i);
        return new Column(t ? { kind: "alias", child: f(t), name: t.name } : attrRef(a));
      }),
    );
  }

  /** `fill(0)`, `fill("n/a", ["name"])`, `fill({ age: 0, name: "?" })`. */
  fill(value: FillValue | Readonly<Record<string, FillValue>>, subset?: Subset): DataFrame {
    const filled = (t: Target, lit: Expr): Expr =>
      call("coalesce", isFloating(t.type) ? call("nanvl", t.ref, typedLiteral(null, t.type)) : t.ref, { kind: "cast", child: lit, to: t.type, mode: "cast" });
    if (value !== null && typeof value === "object" && !Array.isArray(value)) {
      const entries = Object.entries(value);
      for (const [name, v] of entries) {
        if (kindOf(v) === null) throw inputError("UNSUPPORTED_FILL_VALUE", `Unsupported value type ${typeof v} (${JSON.stringify(v)}) for column ${name} in fillna(); use a number, string or boolean.`, { column: name });
      }
      const targets = this.targets(entries.map(([n]) => n), "fillna");
      const valueOf = (t: Target) => entries.find(([n]) => n.toLowerCase() === t.name.toLowerCase())![1];
      return this.rewrite(targets, (t) => filled(t, literalExpr(valueOf(t))));
    }
    const kind = kindOf(value);
    if (kind === null) {
      throw inputError("NOT_BOOL_OR_DICT_OR_FLOAT_OR_INT_OR_STR", `Argument \`value\` should be a boolean, object, number or string, got ${JSON.stringify(value)}.`, { argument: "value" });
    }
    // PySpark passes every number as a double (fill(Double)); the cast narrows it per column.
    const lit = kind === "number" ? typedLiteral(value, DoubleType) : literalExpr(value);
    return this.rewrite(this.targets(subset, "fillna").filter((t) => matchesKind(kind, t.type)), (t) => filled(t, lit));
  }

  /** `drop()`, `drop("all")`, `drop("any", 2)`, `drop("any", null, ["a", "b"])`. */
  drop(how: "any" | "all" = "any", thresh?: number | null, subset?: Subset): DataFrame {
    if (how !== "any" && how !== "all") {
      throw inputError("VALUE_NOT_ANY_OR_ALL", `Value for \`how\` must be 'any' or 'all', got '${String(how)}'.`, { argument: "how" });
    }
    if (thresh !== undefined && thresh !== null && !Number.isInteger(thresh)) {
      throw inputError("NOT_INT", `Argument \`thresh\` should be an integer, got ${JSON.stringify(thresh)}.`, { argument: "thresh" });
    }
    const targets = this.targets(subset, "dropna");
    const min = thresh ?? (how === "any" ? targets.length : 1);
    // Spark's AtLeastNNonNulls: NaN counts as missing in FLOAT/DOUBLE columns.
    const present = targets.map((t): Expr => {
      const notNull = call("isnotnull", t.ref);
      const ok = isFloating(t.type) ? call("and", notNull, call("not", call("isnan", t.ref))) : notNull;
      return { kind: "case", branches: [[ok, literalExpr(1)]], otherwise: literalExpr(0) };
    });
    const count = present.reduce<Expr>((a, b) => call("add", a, b), literalExpr(0));
    return this.df.filter(new Column(call("gte", count, literalExpr(min))));
  }

  /**
   * `replace("a", "b")`, `replace([1, 2], [10, 20])`, `replace([1, 2], 0)`, `replace({ Alice: "A" })`,
   * `replace(new Map([[1, 10]]))`; `value` null replaces with null; omitted only for a mapping.
   */
  replace(
    toReplace: ReplaceValue | readonly ReplaceValue[] | Readonly<Record<string, ReplaceValue>> | ReadonlyMap<ReplaceValue, ReplaceValue>,
    value?: ReplaceValue | readonly ReplaceValue[],
    subset?: Subset,
  ): DataFrame {
    const pairs = replacementPairs(toReplace, value);
    if (pairs.length === 0) return this.df.select("*");
    const keyKind = kindOf(pairs[0]![0]);
    const sameKind = (v: unknown) => kindOf(v) === keyKind;
    if (keyKind === null || !pairs.every(([k, v]) => sameKind(k) && (v === null || sameKind(v)))) {
      throw inputError("MIXED_TYPE_REPLACEMENT", "Mixed type replacements are not supported: the values to replace and their replacements must all be numbers, all strings or all booleans (or null).");
    }
    const targets = this.targets(subset, "replace").filter((t) => matchesKind(keyKind, t.type));
    return this.rewrite(targets, (t) => ({
      kind: "case",
      branches: pairs.map(([k, v]) => [
        call("eq", t.ref, keyKind === "number" ? typedLiteral(k, DoubleType) : literalExpr(k)),
        { kind: "cast", child: v === null ? typedLiteral(null, t.type) : keyKind === "number" ? typedLiteral(v, DoubleType) : literalExpr(v), to: t.type, mode: "cast" },
      ] as const),
      otherwise: t.ref,
    }));
  }
}

/** PySpark's normalisation of replace()'s arguments into (old, new) pairs. */
function replacementPairs(
  toReplace: ReplaceValue | readonly ReplaceValue[] | Readonly<Record<string, ReplaceValue>> | ReadonlyMap<ReplaceValue, ReplaceValue>,
  value: ReplaceValue | readonly ReplaceValue[] | undefined,
): [ReplaceValue, ReplaceValue][] {
  if (toReplace instanceof Map) return [...toReplace.entries()];
  if (toReplace !== null && typeof toReplace === "object" && !Array.isArray(toReplace)) return Object.entries(toReplace as Record<string, ReplaceValue>);
  if (value === undefined) {
    throw inputError("ARGUMENT_REQUIRED", "Argument `value` is required when `to_replace` is not a dictionary (an object or a Map).", { argument: "value" });
  }
  const keys = Array.isArray(toReplace) ? (toReplace as readonly ReplaceValue[]) : [toReplace as ReplaceValue];
  if (Array.isArray(value) && value.length !== keys.length) {
    throw analysisError("LENGTH_SHOULD_BE_THE_SAME", `to_replace and value should be of the same length, got ${keys.length} and ${value.length}.`);
  }
  // As a Python dict built from the pairs: a repeated key keeps its last replacement, in its first place.
  const out = new Map<ReplaceValue, ReplaceValue>();
  keys.forEach((k, i) => out.set(k, Array.isArray(value) ? (value as readonly ReplaceValue[])[i]! : (value as ReplaceValue)));
  return [...out.entries()];
}
