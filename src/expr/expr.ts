/**
 * Unresolved expressions: pure data built by `Column`, `functions` and the SQL parser, resolved
 * against a plan's input by the analyzer (plan/analyzer.ts) into `RExpr` (resolved-expr.ts).
 *
 * Operators are `call`s with internal names: add, subtract, multiply, divide, mod, div (integral
 * division), negative, eq, eq_null_safe, neq, lt, lte, gt, gte, and, or, not, isnull, isnotnull,
 * in, like, rlike. Every other `call` names a Spark function (lower case).
 */
import type { DataType } from "../types/data-type.js";

export type Expr =
  | ColumnRef
  | StarExpr
  | LiteralExpr
  | AliasExpr
  | CastExpr
  | CallExpr
  | CaseExpr
  | SortOrderExpr
  | WindowExpr
  | ExtractExpr
  | LambdaExpr
  | LambdaVarExpr;

/** `a`, `t.a`, `a.b.c` (struct fields), split into parts; backticks already removed. */
export interface ColumnRef {
  readonly kind: "column";
  readonly nameParts: readonly string[];
  /** Set by `df.col(name)`: resolve against the plan node with this id (disambiguates self-joins). */
  readonly planId?: number;
  /**
   * Set by `df.col(name)` from the resolved output's Attribute.exprId: the analyzer resolves the
   * reference to the input column with this id (falling back to the name when no input has it).
   */
  readonly exprId?: number;
}
/** `*` or `t.*` / `s.*` (a struct's fields). */
export interface StarExpr {
  readonly kind: "star";
  readonly target?: readonly string[];
}
/** An engine value (columnar/values.ts) of a known type. */
export interface LiteralExpr {
  readonly kind: "literal";
  readonly value: unknown;
  readonly type: DataType;
}
export interface AliasExpr {
  readonly kind: "alias";
  readonly child: Expr;
  readonly name: string;
  readonly metadata?: Readonly<Record<string, unknown>>;
  /** SQL `gen(...) AS (a, b)`: one name per generated column (`name` is the first). */
  readonly names?: readonly string[];
}
export interface CastExpr {
  readonly kind: "cast";
  readonly child: Expr;
  readonly to: DataType;
  /** "cast" follows spark.sql.ansi.enabled; "try" returns null on failure (try_cast). */
  readonly mode: "cast" | "try";
  /** The type name as written when it says bare TIMESTAMP, read again under spark.sql.timestampType (cast-target.ts). */
  readonly toText?: string;
}
export interface CallExpr {
  readonly kind: "call";
  readonly name: string;
  readonly args: readonly Expr[];
  /** count(DISTINCT x) etc. */
  readonly distinct?: boolean;
  /** first(x, ignoreNulls) / lag(... IGNORE NULLS) */
  readonly ignoreNulls?: boolean;
  /** agg(x) FILTER (WHERE cond) */
  readonly filter?: Expr;
}
export interface CaseExpr {
  readonly kind: "case";
  readonly branches: readonly (readonly [Expr, Expr])[];
  readonly otherwise: Expr | null;
}
export interface SortOrderExpr {
  readonly kind: "sortOrder";
  readonly child: Expr;
  readonly ascending: boolean;
  /** Spark's default: nulls first for ascending, nulls last for descending. */
  readonly nullsFirst: boolean;
}
export interface WindowExpr {
  readonly kind: "window";
  readonly fn: Expr;
  readonly spec: WindowSpecDef;
}
/** `a.b`, `a['k']`, `a[0]`, getField / getItem: key is a literal or expression. */
export interface ExtractExpr {
  readonly kind: "extract";
  readonly child: Expr;
  readonly key: Expr;
}
/** `x -> x + 1` in higher-order functions (transform, filter, aggregate, exists). */
export interface LambdaExpr {
  readonly kind: "lambda";
  readonly params: readonly string[];
  readonly body: Expr;
}
export interface LambdaVarExpr {
  readonly kind: "lambdaVar";
  readonly name: string;
}

export type FrameBoundary =
  | { readonly kind: "unboundedPreceding" }
  | { readonly kind: "unboundedFollowing" }
  | { readonly kind: "currentRow" }
  /** rows: an offset; range: a value added to the order key (negative = preceding). */
  | {
      readonly kind: "offset";
      readonly value: number;
      /**
       * "microsecond": `value` came from an INTERVAL (SQL `RANGE BETWEEN INTERVAL 5 MINUTES
       * PRECEDING ...`); the analyzer converts it to the order key's unit (days for DATE).
       */
      readonly unit?: "microsecond";
    };

export interface WindowFrame {
  readonly type: "rows" | "range";
  readonly start: FrameBoundary;
  readonly end: FrameBoundary;
}

export interface WindowSpecDef {
  readonly partitionBy: readonly Expr[];
  readonly orderBy: readonly SortOrderExpr[];
  /** Absent: Spark's default (RANGE UNBOUNDED PRECEDING..CURRENT ROW with ORDER BY, whole partition without). */
  readonly frame?: WindowFrame;
  /** Named window reference (SQL `OVER w`), resolved by the SQL layer. */
  readonly name?: string;
}

/** Split `a.b.c` / `` `a.b`.c `` into parts. */
export function parseColumnName(name: string): string[] {
  const parts: string[] = [];
  let cur = "";
  let quoted = false;
  for (let i = 0; i < name.length; i++) {
    const c = name[i]!;
    if (quoted) {
      if (c === "`") {
        if (name[i + 1] === "`") {
          cur += "`";
          i++;
        } else quoted = false;
      } else cur += c;
    } else if (c === "`") quoted = true;
    else if (c === ".") {
      parts.push(cur);
      cur = "";
    } else cur += c;
  }
  parts.push(cur);
  return parts;
}
