/**
 * `functions` (imported as `F`): PySpark's names and argument order. Each builds an unresolved
 * call; the analyzer checks the arguments and the function library implements it.
 * String arguments name columns, except where Spark takes a literal (patterns, formats, units).
 *
 * @packageDocumentation
 */
import { parseExpression } from "../sql/parse-expression.js";
import type { DataType } from "../types/data-type.js";
import { toStructType, type StructType } from "../types/struct-type.js";
import { Column, type ColumnLike, toColumnExpr, toExpr } from "./column.js";
import type { Expr } from "./expr.js";
import { literalExpr, typedLiteral } from "./literal.js";

const c = (x: ColumnLike): Expr => toColumnExpr(x);
const l = (x: unknown): Expr => literalExpr(x);
const call = (name: string, ...args: Expr[]): Column => new Column({ kind: "call", name, args });

/** A column by name, as PySpark's `col("name")`; `"t.name"` names a column of an aliased DataFrame. */
export const col = (name: string): Column => new Column(toColumnExpr(name));
/** The same as {@link col}. */
export const column = col;
/** A literal value as a column (a Column is returned as it is), as PySpark's `lit`. */
export const lit = (v: unknown): Column => (v instanceof Column ? v : new Column(literalExpr(v)));
/** Parse a Spark SQL expression: `expr("amount * 2 AS doubled")`. */
export const expr = (text: string): Column => new Column(parseExpression(text));

export const when = (condition: Column, value: unknown): Column =>
  new Column({ kind: "case", branches: [[condition.expr, toExpr(value)]], otherwise: null });

// ---- structure ----
export const struct = (...cols: ColumnLike[]): Column => call("struct", ...cols.map(c));
export const array = (...cols: ColumnLike[]): Column => call("array", ...cols.map(c));
export const create_map = (...cols: ColumnLike[]): Column => call("map", ...cols.map(c));
export const named_struct = (...args: unknown[]): Column => call("named_struct", ...args.map(toExpr));
export const explode = (x: ColumnLike): Column => call("explode", c(x));
export const explode_outer = (x: ColumnLike): Column => call("explode_outer", c(x));
export const posexplode = (x: ColumnLike): Column => call("posexplode", c(x));
export const posexplode_outer = (x: ColumnLike): Column => call("posexplode_outer", c(x));
export const size = (x: ColumnLike): Column => call("size", c(x));
export const array_contains = (x: ColumnLike, value: unknown): Column => call("array_contains", c(x), toExpr(value));
export const element_at = (x: ColumnLike, key: unknown): Column => call("element_at", c(x), toExpr(key));
export const sort_array = (x: ColumnLike, asc = true): Column => call("sort_array", c(x), l(asc));
export const array_distinct = (x: ColumnLike): Column => call("array_distinct", c(x));
export const map_keys = (x: ColumnLike): Column => call("map_keys", c(x));
export const map_values = (x: ColumnLike): Column => call("map_values", c(x));

// ---- JSON ----
export function from_json(x: ColumnLike, schema: string | StructType | DataType, options: Record<string, string> = {}): Column {
  const schemaText = typeof schema === "string" ? schema : toStructType(schema as StructType).toDDL();
  const args: Expr[] = [c(x), l(schemaText)];
  if (Object.keys(options).length > 0) args.push(call("map", ...Object.entries(options).flatMap(([k, v]) => [l(k), l(String(v))])).expr);
  return new Column({ kind: "call", name: "from_json", args });
}
export function to_json(x: ColumnLike, options: Record<string, string> = {}): Column {
  const args: Expr[] = [c(x)];
  if (Object.keys(options).length > 0) args.push(call("map", ...Object.entries(options).flatMap(([k, v]) => [l(k), l(String(v))])).expr);
  return new Column({ kind: "call", name: "to_json", args });
}
export const get_json_object = (x: ColumnLike, path: string): Column => call("get_json_object", c(x), l(path));

// ---- time ----
/** Tumbling or sliding event-time window: `window("ts", "10 minutes", "5 minutes", "0 seconds")`. */
export function window(timeColumn: ColumnLike, windowDuration: string, slideDuration?: string, startTime?: string): Column {
  const args: Expr[] = [c(timeColumn), l(windowDuration)];
  if (slideDuration !== undefined || startTime !== undefined) args.push(l(slideDuration ?? windowDuration));
  if (startTime !== undefined) args.push(l(startTime));
  return new Column({ kind: "call", name: "window", args });
}
/** Session window with a static gap (`"5 minutes"`) or a gap computed per row (a Column). */
export const session_window = (timeColumn: ColumnLike, gapDuration: string | Column): Column =>
  call("session_window", c(timeColumn), gapDuration instanceof Column ? gapDuration.expr : l(gapDuration));
export const window_time = (windowColumn: ColumnLike): Column => call("window_time", c(windowColumn));
export const current_timestamp = (): Column => call("current_timestamp");
export const current_date = (): Column => call("current_date");
export const to_timestamp = (x: ColumnLike, format?: string): Column =>
  format === undefined ? call("to_timestamp", c(x)) : call("to_timestamp", c(x), l(format));
export const to_date = (x: ColumnLike, format?: string): Column =>
  format === undefined ? call("to_date", c(x)) : call("to_date", c(x), l(format));
export const date_format = (x: ColumnLike, format: string): Column => call("date_format", c(x), l(format));
export const date_trunc = (format: string, x: ColumnLike): Column => call("date_trunc", l(format), c(x));
export const unix_timestamp = (x?: ColumnLike, format = "yyyy-MM-dd HH:mm:ss"): Column =>
  x === undefined ? call("unix_timestamp") : call("unix_timestamp", c(x), l(format));
export const from_unixtime = (x: ColumnLike, format = "yyyy-MM-dd HH:mm:ss"): Column => call("from_unixtime", c(x), l(format));
export const year = (x: ColumnLike): Column => call("year", c(x));
export const month = (x: ColumnLike): Column => call("month", c(x));
export const dayofmonth = (x: ColumnLike): Column => call("dayofmonth", c(x));
export const dayofweek = (x: ColumnLike): Column => call("dayofweek", c(x));
export const hour = (x: ColumnLike): Column => call("hour", c(x));
export const minute = (x: ColumnLike): Column => call("minute", c(x));
export const second = (x: ColumnLike): Column => call("second", c(x));
export const date_add = (x: ColumnLike, days: number | Column): Column => call("date_add", c(x), toExpr(days));
export const date_sub = (x: ColumnLike, days: number | Column): Column => call("date_sub", c(x), toExpr(days));
export const datediff = (end: ColumnLike, start: ColumnLike): Column => call("datediff", c(end), c(start));
export const timestamp_seconds = (x: ColumnLike): Column => call("timestamp_seconds", c(x));
export const timestamp_millis = (x: ColumnLike): Column => call("timestamp_millis", c(x));

// ---- strings ----
export const coalesce = (...cols: ColumnLike[]): Column => call("coalesce", ...cols.map(c));
export const concat = (...cols: ColumnLike[]): Column => call("concat", ...cols.map(c));
export const concat_ws = (sep: string, ...cols: ColumnLike[]): Column => call("concat_ws", l(sep), ...cols.map(c));
export const lower = (x: ColumnLike): Column => call("lower", c(x));
export const upper = (x: ColumnLike): Column => call("upper", c(x));
export const trim = (x: ColumnLike): Column => call("trim", c(x));
export const ltrim = (x: ColumnLike): Column => call("ltrim", c(x));
export const rtrim = (x: ColumnLike): Column => call("rtrim", c(x));
export const length = (x: ColumnLike): Column => call("length", c(x));
export const substring = (x: ColumnLike, pos: number, len: number): Column => call("substring", c(x), l(pos), l(len));
export const split = (x: ColumnLike, pattern: string, limit = -1): Column => call("split", c(x), l(pattern), l(limit));
export const regexp_extract = (x: ColumnLike, pattern: string, idx: number): Column =>
  call("regexp_extract", c(x), l(pattern), l(idx));
export const regexp_replace = (x: ColumnLike, pattern: string | Column, replacement: string | Column): Column =>
  call("regexp_replace", c(x), toExpr(pattern), toExpr(replacement));
export const lpad = (x: ColumnLike, len: number, pad: string): Column => call("lpad", c(x), l(len), l(pad));
export const rpad = (x: ColumnLike, len: number, pad: string): Column => call("rpad", c(x), l(len), l(pad));
export const instr = (x: ColumnLike, substr: string): Column => call("instr", c(x), l(substr));
export const format_string = (format: string, ...cols: ColumnLike[]): Column => call("format_string", l(format), ...cols.map(c));
export const initcap = (x: ColumnLike): Column => call("initcap", c(x));
export const reverse = (x: ColumnLike): Column => call("reverse", c(x));

// ---- math ----
export const abs = (x: ColumnLike): Column => call("abs", c(x));
export const round = (x: ColumnLike, scale = 0): Column => call("round", c(x), l(scale));
export const bround = (x: ColumnLike, scale = 0): Column => call("bround", c(x), l(scale));
export const floor = (x: ColumnLike): Column => call("floor", c(x));
export const ceil = (x: ColumnLike): Column => call("ceil", c(x));
export const sqrt = (x: ColumnLike): Column => call("sqrt", c(x));
export const exp = (x: ColumnLike): Column => call("exp", c(x));
export const log = (x: ColumnLike): Column => call("ln", c(x));
export const pow = (x: ColumnLike, y: unknown): Column => call("power", c(x), typeof y === "string" ? c(y) : toExpr(y));
export const greatest = (...cols: ColumnLike[]): Column => call("greatest", ...cols.map(c));
export const least = (...cols: ColumnLike[]): Column => call("least", ...cols.map(c));
export const isnull = (x: ColumnLike): Column => call("isnull", c(x));
export const isnan = (x: ColumnLike): Column => call("isnan", c(x));
export const nanvl = (x: ColumnLike, y: ColumnLike): Column => call("nanvl", c(x), c(y));
export const signum = (x: ColumnLike): Column => call("signum", c(x));

// ---- hashing ----
export const hash = (...cols: ColumnLike[]): Column => call("hash", ...cols.map(c));
export const xxhash64 = (...cols: ColumnLike[]): Column => call("xxhash64", ...cols.map(c));
export const sha2 = (x: ColumnLike, numBits: number): Column => call("sha2", c(x), l(numBits));
export const md5 = (x: ColumnLike): Column => call("md5", c(x));
export const sha1 = (x: ColumnLike): Column => call("sha1", c(x));
export const crc32 = (x: ColumnLike): Column => call("crc32", c(x));

// ---- aggregates ----
/** `count("*")` counts rows (Spark names it `count(1)`). */
export const count = (x: ColumnLike): Column => call("count", x === "*" ? l(1) : c(x));
export const countDistinct = (...cols: ColumnLike[]): Column =>
  new Column({ kind: "call", name: "count", args: cols.map(c), distinct: true });
export const count_distinct = countDistinct;
export const sumDistinct = (x: ColumnLike): Column => new Column({ kind: "call", name: "sum", args: [c(x)], distinct: true });
export const approx_count_distinct = (x: ColumnLike, rsd?: number): Column =>
  rsd === undefined ? call("approx_count_distinct", c(x)) : call("approx_count_distinct", c(x), l(rsd));
export const sum = (x: ColumnLike): Column => call("sum", c(x));
export const avg = (x: ColumnLike): Column => call("avg", c(x));
export const mean = (x: ColumnLike): Column => call("mean", c(x));
export const min = (x: ColumnLike): Column => call("min", c(x));
export const max = (x: ColumnLike): Column => call("max", c(x));
export const min_by = (x: ColumnLike, ord: ColumnLike): Column => call("min_by", c(x), c(ord));
export const max_by = (x: ColumnLike, ord: ColumnLike): Column => call("max_by", c(x), c(ord));
export const first = (x: ColumnLike, ignoreNulls = false): Column =>
  new Column({ kind: "call", name: "first", args: [c(x)], ignoreNulls });
export const last = (x: ColumnLike, ignoreNulls = false): Column =>
  new Column({ kind: "call", name: "last", args: [c(x)], ignoreNulls });
export const collect_list = (x: ColumnLike): Column => call("collect_list", c(x));
export const collect_set = (x: ColumnLike): Column => call("collect_set", c(x));
export const stddev = (x: ColumnLike): Column => call("stddev", c(x));
export const stddev_samp = (x: ColumnLike): Column => call("stddev_samp", c(x));
export const stddev_pop = (x: ColumnLike): Column => call("stddev_pop", c(x));
export const variance = (x: ColumnLike): Column => call("variance", c(x));
export const var_samp = (x: ColumnLike): Column => call("var_samp", c(x));
export const var_pop = (x: ColumnLike): Column => call("var_pop", c(x));
export const percentile_approx = (x: ColumnLike, percentage: number | number[], accuracy = 10000): Column =>
  call("percentile_approx", c(x), l(percentage), l(accuracy));
export const any_value = (x: ColumnLike): Column => call("any_value", c(x));
export const bool_and = (x: ColumnLike): Column => call("bool_and", c(x));
export const bool_or = (x: ColumnLike): Column => call("bool_or", c(x));

// ---- window ----
export const row_number = (): Column => call("row_number");
export const rank = (): Column => call("rank");
export const dense_rank = (): Column => call("dense_rank");
export const percent_rank = (): Column => call("percent_rank");
export const cume_dist = (): Column => call("cume_dist");
export const ntile = (n: number): Column => call("ntile", l(n));
export const lag = (x: ColumnLike, offset = 1, defaultValue: unknown = null): Column =>
  call("lag", c(x), l(offset), toExpr(defaultValue));
export const lead = (x: ColumnLike, offset = 1, defaultValue: unknown = null): Column =>
  call("lead", c(x), l(offset), toExpr(defaultValue));

// ---- misc ----
export const monotonically_increasing_id = (): Column => call("monotonically_increasing_id");
/** The row's partition: always 0 on Sluice's one partition. */
export const spark_partition_id = (): Column => call("spark_partition_id");
export const rand = (seed?: number): Column => (seed === undefined ? call("rand") : call("rand", l(seed)));
export const uuid = (): Column => call("uuid");
export const typedLit = (value: unknown, type: DataType): Column => new Column(typedLiteral(value, type));
/** Call any registered function by its Spark name. */
export const call_function = (name: string, ...cols: ColumnLike[]): Column => call(name.toLowerCase(), ...cols.map(c));

export const asc = (x: string): Column => col(x).asc();
export const desc = (x: string): Column => col(x).desc();
export const asc_nulls_last = (x: string): Column => col(x).asc_nulls_last();
export const desc_nulls_first = (x: string): Column => col(x).desc_nulls_first();
