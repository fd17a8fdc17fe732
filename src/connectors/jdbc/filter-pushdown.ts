/**
 * Predicate pushdown for JDBC reads (pushDownPredicate, on by default as in Spark): the parts of
 * a filter over the scan that PostgreSQL can evaluate become the query's WHERE clause, in the
 * text Spark's JdbcDialect.compileExpression produces (`"a" = 3`, `NOT ("b" = 'x')`,
 * `("a" > 1) AND ("b" IS NOT NULL)`, `"b" IN ('x', 'y')`, dates `'1983-08-04'`).
 * Pushed: comparisons of a column with a literal, IS [NOT] NULL, IN of literals, null-safe
 * equality, startswith/endswith/contains, AND/OR/NOT of pushable parts. A conjunct that is not
 * pushable stays with Sluice only; the engine still evaluates the whole filter over the rows read
 * (so a database collation or rounding difference can never add rows).
 */
import type { RExpr } from "../../expr/resolved-expr.js";
import { formatDateDays, formatTimestampUs } from "../../expr/datetime/timestamp-text.js";
import { getTimeZone } from "../../expr/datetime/time-zone.js";
import { quoteIdent } from "./pg-client.js";
import { offsetText } from "./pg-types.js";

const COMPARE: Record<string, string> = { eq: "=", neq: "<>", lt: "<", lte: "<=", gt: ">", gte: ">=" };

/** Split a condition into its top-level AND parts. */
export function conjuncts(e: RExpr): RExpr[] {
  return e.kind === "call" && e.fn.name === "and" ? e.args.flatMap(conjuncts) : [e];
}

const quoteString = (s: string): string => `'${s.replace(/'/g, "''")}'`;

/** SQL text of a literal, or undefined when it has no safe SQL form. */
function literal(e: RExpr, zone: string): string | undefined {
  if (e.kind !== "literal" || e.value === null || e.value === undefined) return undefined;
  const v = e.value;
  switch (e.type.kind) {
    case "string":
      return typeof v === "string" && !v.includes("\0") ? quoteString(v) : undefined;
    case "byte":
    case "short":
    case "int":
    case "bigint":
      return typeof v === "number" || typeof v === "bigint" ? String(v) : undefined;
    case "double":
    case "float":
      return typeof v === "number" && Number.isFinite(v) ? String(v) : undefined;
    case "boolean":
      return v ? "TRUE" : "FALSE";
    case "date":
      return typeof v === "number" ? `'${formatDateDays(v)}'` : undefined;
    case "timestamp": {
      // With the session zone's offset: a TIMESTAMPTZ column compares the instant, a TIMESTAMP
      // column the session wall clock (PostgreSQL ignores the offset), as pg-types.ts reads them.
      if (typeof v !== "number") return undefined;
      const z = getTimeZone(zone);
      return `'${formatTimestampUs(v, z)}${offsetText(z.offsetMs(Math.floor(v / 1000)))}'`;
    }
    default:
      return undefined;
  }
}

/**
 * The SQL of a predicate over the scan's columns (`columns[i]` names ref i), or undefined when
 * some part of it cannot be pushed.
 */
export function compilePredicate(e: RExpr, columns: readonly string[], zone: string): string | undefined {
  const col = (x: RExpr): string | undefined => (x.kind === "ref" && columns[x.index] !== undefined ? quoteIdent(columns[x.index]!) : undefined);
  if (e.kind !== "call") return undefined;
  const a = e.args;
  const name = e.fn.name;
  const op = COMPARE[name];
  if (op !== undefined && a.length === 2) {
    // Strings order by code point in Sluice: range comparisons use the "C" collation, not the
    // database's (which could order 'B' after 'a' and so drop rows the filter keeps).
    const collate = (x: RExpr) => (x.type.kind === "string" && op !== "=" && op !== "<>" ? ' COLLATE "C"' : "");
    const [l, r] = [col(a[0]!), literal(a[1]!, zone)];
    if (l !== undefined && r !== undefined) return `${l}${collate(a[0]!)} ${op} ${r}`;
    const [l2, r2] = [literal(a[0]!, zone), col(a[1]!)];
    return l2 !== undefined && r2 !== undefined ? `${l2} ${op} ${r2}${collate(a[1]!)}` : undefined;
  }
  switch (name) {
    case "and":
    case "or": {
      const parts = a.map((x) => compilePredicate(x, columns, zone));
      return parts.every((p) => p !== undefined) && parts.length === 2 ? `(${parts[0]}) ${name.toUpperCase()} (${parts[1]})` : undefined;
    }
    case "not": {
      const inner = a.length === 1 ? compilePredicate(a[0]!, columns, zone) : undefined;
      return inner === undefined ? undefined : `NOT (${inner})`;
    }
    case "isnull":
    case "isnotnull": {
      const c = a.length === 1 ? col(a[0]!) : undefined;
      return c === undefined ? undefined : `${c} IS ${name === "isnull" ? "" : "NOT "}NULL`;
    }
    case "in": {
      const c = col(a[0]!);
      const values = a.slice(1).map((x) => literal(x, zone));
      return c !== undefined && values.length > 0 && values.every((v) => v !== undefined) ? `${c} IN (${values.join(", ")})` : undefined;
    }
    case "eqnullsafe": {
      const [c, v] = [col(a[0]!), literal(a[1]!, zone)];
      return c !== undefined && v !== undefined ? `((${c} = ${v}) OR (${c} IS NULL AND ${v} IS NULL))` : undefined;
    }
    case "startswith":
    case "endswith":
    case "contains": {
      const c = col(a[0]!);
      const lit = a[1]?.kind === "literal" && typeof a[1].value === "string" ? a[1].value : undefined;
      if (c === undefined || lit === undefined || lit.includes("\0")) return undefined;
      // LIKE with the pattern's own wildcards escaped (Spark's dialect escapes _ and % the same way).
      const esc = lit.replace(/[\\%_]/g, (m) => "\\" + m);
      const pattern = name === "startswith" ? `${esc}%` : name === "endswith" ? `%${esc}` : `%${esc}%`;
      return `${c} LIKE ${quoteString(pattern)} ESCAPE '\\'`;
    }
    default:
      return undefined;
  }
}

/** The WHERE text for the pushable conjuncts of `filters` (undefined when none is), and what was pushed. */
export function pushedWhere(filters: readonly RExpr[], columns: readonly string[], zone: string): { where?: string; pushed: string[] } {
  const pushed = filters.flatMap(conjuncts).map((c) => compilePredicate(c, columns, zone)).filter((s): s is string => s !== undefined);
  return pushed.length === 0 ? { pushed } : { where: pushed.map((p) => `(${p})`).join(" AND "), pushed };
}
