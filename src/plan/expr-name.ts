/**
 * Spark 4's auto-generated column names (`df.select(...).columns`), checked against PySpark 4.0.1:
 * `(a + b)`, `(a = 1)`, `(NOT (a = 1))` for !=, `count(1)`, `count(DISTINCT a, b)`, `CAST((a + 1) AS INT)`
 * but `a` for a cast column, `CASE WHEN (a > 1) THEN x ELSE y END`, `b` for `col("s.b")`, `s.c` for
 * getField, `arr[0]` / `m[k]` for getItem, literals as `1`, `x`, `NULL`, `1.0E20`, `DATE '2020-01-02'`,
 * and window expressions with their full frame. The same operator table formats resolved
 * expressions in explain output.
 */
import { formatDayTimeInterval, formatYearMonthInterval } from "../expr/datetime/ansi-interval.js";
import { castTarget } from "../expr/cast-target.js";
import type { Expr, FrameBoundary, WindowFrame, WindowExpr } from "../expr/expr.js";
import { variantToJson } from "../expr/functions/variant-to-json.js";
import { type DataType, sqlTypeName } from "../types/data-type.js";
import { formatDecimal } from "../types/decimal-value.js";
import type { VariantVal } from "../types/variant-val.js";

/** What naming needs to know beyond the syntax (provided by the analyzer). */
export interface NameHints {
  /** True when an extract's child is a struct (getField / getItem on a struct prints `s.c`). */
  readonly isStructExtract?: (e: Expr) => boolean;
  /** The frame a window expression gets after Spark's defaults. */
  readonly frameOf?: (e: WindowExpr) => WindowFrame | undefined;
  /** A function's own display form (ScalarFunction.display). */
  readonly display?: (callName: string) => ((argNames: readonly string[]) => string) | undefined;
  /** Session time zone for TIMESTAMP literals (default UTC). */
  readonly timeZone?: string;
  /** spark.sql.timestampType is TIMESTAMP_NTZ (CAST(x AS TIMESTAMP) prints TIMESTAMP_NTZ). */
  readonly timestampNTZ?: boolean;
}

const INFIX: Readonly<Record<string, string>> = {
  add: "+",
  subtract: "-",
  multiply: "*",
  divide: "/",
  mod: "%",
  div: "div",
  eq: "=",
  eq_null_safe: "<=>",
  lt: "<",
  lte: "<=",
  gt: ">",
  gte: ">=",
  and: "AND",
  or: "OR",
};

/** Spark prints these window functions in upper case, with no arguments. */
const UPPER_NO_ARGS = new Set(["rank", "dense_rank", "percent_rank"]);
/** Names that print as another function (aliases resolved by Spark's registry). */
const CANONICAL: Readonly<Record<string, string>> = { mean: "avg", std: "stddev", lcase: "lower", ucase: "upper" };

/** Format a call from its (already formatted) argument strings, as Spark's `sql`/pretty form does. */
export function formatCall(name: string, args: readonly string[], distinct = false): string {
  const op = INFIX[name];
  if (op !== undefined && args.length === 2) return `(${args[0]} ${op} ${args[1]})`;
  switch (name) {
    case "neq":
      return `(NOT (${args[0]} = ${args[1]}))`;
    case "not":
      return `(NOT ${args[0]})`;
    case "isnull":
      return `(${args[0]} IS NULL)`;
    case "isnotnull":
      return `(${args[0]} IS NOT NULL)`;
    case "in":
      return `(${args[0]} IN (${args.slice(1).join(", ")}))`;
    case "like":
      return `${args[0]} LIKE ${args[1]}`;
    case "rlike":
      return `RLIKE(${args.join(", ")})`;
    case "window":
    case "session_window":
      return name;
  }
  if (UPPER_NO_ARGS.has(name)) return `${name.toUpperCase()}()`;
  const shown = CANONICAL[name] ?? name;
  return `${shown}(${distinct ? "DISTINCT " : ""}${args.join(", ")})`;
}

/** Java's Double.toString, which Spark uses for DOUBLE literals: 1.5, 2.0, 1.0E20, 1.0E-4. */
export function javaDoubleString(d: number): string {
  if (Number.isNaN(d)) return "NaN";
  if (!Number.isFinite(d)) return d > 0 ? "Infinity" : "-Infinity";
  if (d === 0) return Object.is(d, -0) ? "-0.0" : "0.0";
  const abs = Math.abs(d);
  if (abs >= 1e-3 && abs < 1e7) {
    const s = String(d);
    return s.includes(".") ? s : `${s}.0`;
  }
  const [mant, exp] = d.toExponential().split("e") as [string, string];
  return `${mant.includes(".") ? mant : `${mant}.0`}E${exp.startsWith("+") ? exp.slice(1) : exp}`;
}

const pad = (n: number, w = 2): string => String(n).padStart(w, "0");

/** `yyyy-MM-dd HH:mm:ss[.ffffff]` of µs since the epoch, as wall-clock time in `timeZone`. */
export function formatTimestampUs(us: number, timeZone = "UTC"): string {
  const secs = Math.floor(us / 1_000_000);
  const frac = us - secs * 1_000_000;
  let wallMs = secs * 1000;
  if (timeZone !== "UTC") {
    const parts = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    }).formatToParts(new Date(wallMs));
    const get = (t: string): number => Number(parts.find((p) => p.type === t)!.value);
    wallMs = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second"));
  }
  const d = new Date(wallMs);
  const base = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  return frac === 0 ? base : `${base}.${String(frac).padStart(6, "0").replace(/0+$/, "")}`;
}

/** A literal as Spark prints it in a generated name (engine value of `type`). */
export function formatLiteral(value: unknown, type: DataType, timeZone = "UTC"): string {
  if (value === null || value === undefined) return "NULL";
  switch (type.kind) {
    case "double":
    case "float":
      return javaDoubleString(value as number);
    case "decimal":
      return formatDecimal(value as bigint, type.scale);
    case "date": {
      const d = new Date((value as number) * 86_400_000);
      return `DATE '${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}'`;
    }
    case "timestamp":
      return `TIMESTAMP '${formatTimestampUs(value as number, timeZone)}'`;
    case "year_month_interval":
      return formatYearMonthInterval(value as number, type);
    case "day_time_interval":
      return formatDayTimeInterval(value as bigint, type);
    case "binary":
      return `X'${[...(value as Uint8Array)].map((b) => b.toString(16).toUpperCase().padStart(2, "0")).join("")}'`;
    case "array":
      return `array(${(value as unknown[]).map((v) => formatLiteral(v, type.elementType, timeZone)).join(", ")})`;
    case "map":
      return `map(${[...(value as Map<unknown, unknown>)].flatMap(([k, v]) => [formatLiteral(k, type.keyType, timeZone), formatLiteral(v, type.valueType, timeZone)]).join(", ")})`;
    case "struct":
      return `named_struct(${type.fields.flatMap((f) => [f.name, formatLiteral((value as Record<string, unknown>)[f.name], f.type, timeZone)]).join(", ")})`;
    case "variant": // Spark's Literal prints a VariantVal by its toString, the value's JSON text
      return variantToJson(value as VariantVal, timeZone);
    default:
      return String(value);
  }
}

function formatBoundary(b: FrameBoundary): string {
  switch (b.kind) {
    case "unboundedPreceding":
      return "UNBOUNDED PRECEDING";
    case "unboundedFollowing":
      return "UNBOUNDED FOLLOWING";
    case "currentRow":
      return "CURRENT ROW";
    case "offset":
      return `${b.value} FOLLOWING`; // Spark prints offsets as signed FOLLOWING values
  }
}

/** `ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW` */
export function formatFrame(f: WindowFrame): string {
  return `${f.type.toUpperCase()} BETWEEN ${formatBoundary(f.start)} AND ${formatBoundary(f.end)}`;
}

/** Spark's auto-generated output name of an unresolved expression. */
export function exprName(e: Expr, hints: NameHints = {}): string {
  const name = (x: Expr): string => exprName(x, hints);
  switch (e.kind) {
    case "column":
      return e.nameParts[e.nameParts.length - 1]!;
    case "star":
      return e.target ? `${e.target.join(".")}.*` : "*";
    case "literal":
      return formatLiteral(e.value, e.type, hints.timeZone);
    case "alias":
      return e.name;
    case "cast":
      // PySpark keeps a column's name through Column.cast; other casts print CAST(x AS T).
      if (e.child.kind === "column" || e.child.kind === "extract") return name(e.child);
      return `CAST(${name(e.child)} AS ${sqlTypeName(castTarget(e, hints))})`;
    case "call": {
      const args = e.args.map(name);
      const display = hints.display?.(e.name);
      if (display && !INFIX[e.name]) return display(args);
      return formatCall(e.name, args, e.distinct === true);
    }
    case "case": {
      const branches = e.branches.map(([c, v]) => ` WHEN ${name(c)} THEN ${name(v)}`).join("");
      return `CASE${branches}${e.otherwise ? ` ELSE ${name(e.otherwise)}` : ""} END`;
    }
    case "sortOrder":
      return `${name(e.child)} ${e.ascending ? "ASC" : "DESC"} NULLS ${e.nullsFirst ? "FIRST" : "LAST"}`;
    case "window": {
      const parts: string[] = [];
      if (e.spec.partitionBy.length > 0) parts.push(`PARTITION BY ${e.spec.partitionBy.map(name).join(", ")}`);
      if (e.spec.orderBy.length > 0) parts.push(`ORDER BY ${e.spec.orderBy.map(name).join(", ")}`);
      const frame = hints.frameOf?.(e) ?? e.spec.frame;
      if (frame) parts.push(formatFrame(frame));
      return `${name(e.fn)} OVER (${parts.join(" ")})`;
    }
    case "extract": {
      const key = name(e.key);
      return hints.isStructExtract?.(e) ? `${name(e.child)}.${key}` : `${name(e.child)}[${key}]`;
    }
    case "lambda":
      return `lambdafunction(${name(e.body)}, ${e.params.join(", ")})`;
    case "lambdaVar":
      return e.name;
  }
}
