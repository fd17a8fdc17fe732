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

/** `CASE WHEN condition THEN value`; chain `.when(...)` and `.otherwise(...)` on the result. */
export const when = (condition: Column, value: unknown): Column =>
  new Column({ kind: "case", branches: [[condition.expr, toExpr(value)]], otherwise: null });

// ---- structure ----
/** A struct of the given columns (their names become the fields'). */
export const struct = (...cols: ColumnLike[]): Column => call("struct", ...cols.map(c));
/** An array of the given columns' values. */
export const array = (...cols: ColumnLike[]): Column => call("array", ...cols.map(c));
/** A map from alternating key and value columns: `create_map(k1, v1, k2, v2)`. */
export const create_map = (...cols: ColumnLike[]): Column => call("map", ...cols.map(c));
/** A struct from alternating field names and values: `named_struct("a", col("x"))`. */
export const named_struct = (...args: unknown[]): Column => call("named_struct", ...args.map(toExpr));
/** One row per element of an array (or key and value of a map); no row for an empty or null one. */
export const explode = (x: ColumnLike): Column => call("explode", c(x));
/** As {@link explode}, but a null or empty array or map gives one row of nulls. */
export const explode_outer = (x: ColumnLike): Column => call("explode_outer", c(x));
/** As {@link explode}, with each element's position in a `pos` column. */
export const posexplode = (x: ColumnLike): Column => call("posexplode", c(x));
/** As {@link posexplode}, but a null or empty array or map gives one row of nulls. */
export const posexplode_outer = (x: ColumnLike): Column => call("posexplode_outer", c(x));
/** The number of elements of an array or map. */
export const size = (x: ColumnLike): Column => call("size", c(x));
/** Whether the array holds the value. */
export const array_contains = (x: ColumnLike, value: unknown): Column => call("array_contains", c(x), toExpr(value));
/** The array's element at a 1-based index (negative counts from the end), or the map's value for a key. */
export const element_at = (x: ColumnLike, key: unknown): Column => call("element_at", c(x), toExpr(key));
/** The array sorted, ascending unless `asc` is false. */
export const sort_array = (x: ColumnLike, asc = true): Column => call("sort_array", c(x), l(asc));
/** The array without repeated elements. */
export const array_distinct = (x: ColumnLike): Column => call("array_distinct", c(x));
/** The map's keys as an array. */
export const map_keys = (x: ColumnLike): Column => call("map_keys", c(x));
/** The map's values as an array. */
export const map_values = (x: ColumnLike): Column => call("map_values", c(x));

// ---- JSON ----
/** Parses a JSON string column with a schema (DDL text or a type); `options` as Spark's JSON options (`mode`, …). */
export function from_json(x: ColumnLike, schema: string | StructType | DataType, options: Record<string, string> = {}): Column {
  const schemaText = typeof schema === "string" ? schema : toStructType(schema as StructType).toDDL();
  const args: Expr[] = [c(x), l(schemaText)];
  if (Object.keys(options).length > 0) args.push(call("map", ...Object.entries(options).flatMap(([k, v]) => [l(k), l(String(v))])).expr);
  return new Column({ kind: "call", name: "from_json", args });
}
/** A struct, array, map or variant column as JSON text. */
export function to_json(x: ColumnLike, options: Record<string, string> = {}): Column {
  const args: Expr[] = [c(x)];
  if (Object.keys(options).length > 0) args.push(call("map", ...Object.entries(options).flatMap(([k, v]) => [l(k), l(String(v))])).expr);
  return new Column({ kind: "call", name: "to_json", args });
}
/** The value at a JSONPath (`$.a.b`) of a JSON string, as text. */
export const get_json_object = (x: ColumnLike, path: string): Column => call("get_json_object", c(x), l(path));

// ---- CSV ----
/** Parses a CSV string column with a struct schema (DDL text or a StructType); `options` as Spark's CSV options (`sep`, `mode`, …). */
export function from_csv(x: ColumnLike, schema: string | StructType, options: Record<string, string> = {}): Column {
  const schemaText = typeof schema === "string" ? schema : toStructType(schema).toDDL();
  return new Column({ kind: "call", name: "from_csv", args: [c(x), l(schemaText), ...optionsArg(options)] });
}
/** The DDL schema (`STRUCT<_c0: INT, _c1: STRING>`) Spark infers from one literal CSV record. */
export function schema_of_csv(csv: string, options: Record<string, string> = {}): Column {
  return new Column({ kind: "call", name: "schema_of_csv", args: [l(csv), ...optionsArg(options)] });
}
/** A struct column as one CSV record; `options` as Spark's CSV write options (`sep`, `nullValue`, `quoteAll`, …). */
export const to_csv = (x: ColumnLike, options: Record<string, string> = {}): Column => new Column({ kind: "call", name: "to_csv", args: [c(x), ...optionsArg(options)] });
/** An options object as the map(...) argument Spark's CSV/JSON functions take (none when empty). */
const optionsArg = (options: Record<string, string>): Expr[] =>
  Object.keys(options).length > 0 ? [call("map", ...Object.entries(options).flatMap(([k, v]) => [l(k), l(String(v))])).expr] : [];

// ---- Bitwise ----
/** `x << n` (TINYINT/SMALLINT widen to INT; n modulo the width). */
export const shiftleft = (x: ColumnLike, n: number): Column => call("shiftleft", c(x), l(n));
/** `x >> n`, keeping the sign. */
export const shiftright = (x: ColumnLike, n: number): Column => call("shiftright", c(x), l(n));
/** `x >>> n`, shifting in zeros. */
export const shiftrightunsigned = (x: ColumnLike, n: number): Column => call("shiftrightunsigned", c(x), l(n));
/** `~x`, keeping the integral type. */
export const bitwise_not = (x: ColumnLike): Column => call("bitwise_not", c(x));
/** The number of set bits (a negative TINYINT/SMALLINT counts 64 bits, as Spark). */
export const bit_count = (x: ColumnLike): Column => call("bit_count", c(x));
/** Bit `pos` of x (0 = lowest) as a TINYINT 0 or 1. */
export const bit_get = (x: ColumnLike, pos: ColumnLike | number): Column => call("bit_get", c(x), typeof pos === "number" ? l(pos) : c(pos));
/** Alias of `bit_get`. */
export const getbit = bit_get;

// ---- VARIANT ----
/** JSON text as a VARIANT; malformed text is MALFORMED_RECORD_IN_PARSING. */
export const parse_json = (x: ColumnLike): Column => call("parse_json", c(x));
/** JSON text as a VARIANT, or null where the text is not valid JSON. */
export const try_parse_json = (x: ColumnLike): Column => call("try_parse_json", c(x));
/** The value at `path` (`$.a[0]`) of a VARIANT cast to `targetType` (DDL, default `variant`); a failed cast is INVALID_VARIANT_CAST. */
export const variant_get = (x: ColumnLike, path: string, targetType = "variant"): Column => call("variant_get", c(x), l(path), l(targetType));
/** As {@link variant_get}, with null where the cast fails. */
export const try_variant_get = (x: ColumnLike, path: string, targetType = "variant"): Column => call("try_variant_get", c(x), l(path), l(targetType));
/** The type of a VARIANT value as Spark writes it (`OBJECT<a: BIGINT>`). */
export const schema_of_variant = (x: ColumnLike): Column => call("schema_of_variant", c(x));
/** Whether a VARIANT holds the variant null (a JSON `null`); false for SQL NULL. */
export const is_variant_null = (x: ColumnLike): Column => call("is_variant_null", c(x));

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
/** The event time of a window column: its end minus one microsecond, to aggregate windows again. */
export const window_time = (windowColumn: ColumnLike): Column => call("window_time", c(windowColumn));
/** The time the query (or micro-batch) started, the same for every row. */
export const current_timestamp = (): Column => call("current_timestamp");
/** The date the query (or micro-batch) started, in the session time zone. */
export const current_date = (): Column => call("current_date");
/** A string as a timestamp, by Spark's datetime pattern when given. */
export const to_timestamp = (x: ColumnLike, format?: string): Column =>
  format === undefined ? call("to_timestamp", c(x)) : call("to_timestamp", c(x), l(format));
/** A string or timestamp as a date, by Spark's datetime pattern when given. */
export const to_date = (x: ColumnLike, format?: string): Column =>
  format === undefined ? call("to_date", c(x)) : call("to_date", c(x), l(format));
/** A date or timestamp as text by Spark's datetime pattern. */
export const date_format = (x: ColumnLike, format: string): Column => call("date_format", c(x), l(format));
/** A timestamp truncated to a unit (`"hour"`, `"day"`, `"month"`, …). */
export const date_trunc = (format: string, x: ColumnLike): Column => call("date_trunc", l(format), c(x));
/** Seconds since the epoch of a timestamp, or of a string by a pattern; of now without arguments. */
export const unix_timestamp = (x?: ColumnLike, format = "yyyy-MM-dd HH:mm:ss"): Column =>
  x === undefined ? call("unix_timestamp") : call("unix_timestamp", c(x), l(format));
/** Seconds since the epoch as text by a datetime pattern. */
export const from_unixtime = (x: ColumnLike, format = "yyyy-MM-dd HH:mm:ss"): Column => call("from_unixtime", c(x), l(format));
/** The year of a date or timestamp. */
export const year = (x: ColumnLike): Column => call("year", c(x));
/** The month (1-12) of a date or timestamp. */
export const month = (x: ColumnLike): Column => call("month", c(x));
/** The day of the month of a date or timestamp. */
export const dayofmonth = (x: ColumnLike): Column => call("dayofmonth", c(x));
/** The day of the week of a date or timestamp, Sunday 1 to Saturday 7. */
export const dayofweek = (x: ColumnLike): Column => call("dayofweek", c(x));
/** The hour of a timestamp. */
export const hour = (x: ColumnLike): Column => call("hour", c(x));
/** The minute of a timestamp. */
export const minute = (x: ColumnLike): Column => call("minute", c(x));
/** The second of a timestamp. */
export const second = (x: ColumnLike): Column => call("second", c(x));
/** The date `days` after. */
export const date_add = (x: ColumnLike, days: number | Column): Column => call("date_add", c(x), toExpr(days));
/** The date `days` before. */
export const date_sub = (x: ColumnLike, days: number | Column): Column => call("date_sub", c(x), toExpr(days));
/** Days from `start` to `end`. */
export const datediff = (end: ColumnLike, start: ColumnLike): Column => call("datediff", c(end), c(start));
/** Seconds since the epoch as a timestamp. */
export const timestamp_seconds = (x: ColumnLike): Column => call("timestamp_seconds", c(x));
/** Milliseconds since the epoch as a timestamp. */
export const timestamp_millis = (x: ColumnLike): Column => call("timestamp_millis", c(x));

// ---- strings ----
/** The first non-null of the columns. */
export const coalesce = (...cols: ColumnLike[]): Column => call("coalesce", ...cols.map(c));
/** The strings (or arrays) joined; null if any is null. */
export const concat = (...cols: ColumnLike[]): Column => call("concat", ...cols.map(c));
/** The strings joined with a separator, skipping nulls. */
export const concat_ws = (sep: string, ...cols: ColumnLike[]): Column => call("concat_ws", l(sep), ...cols.map(c));
/** The string in lower case. */
export const lower = (x: ColumnLike): Column => call("lower", c(x));
/** The string in upper case. */
export const upper = (x: ColumnLike): Column => call("upper", c(x));
/** The string without leading and trailing spaces. */
export const trim = (x: ColumnLike): Column => call("trim", c(x));
/** The string without leading spaces. */
export const ltrim = (x: ColumnLike): Column => call("ltrim", c(x));
/** The string without trailing spaces. */
export const rtrim = (x: ColumnLike): Column => call("rtrim", c(x));
/** The number of characters of a string (bytes of a binary). */
export const length = (x: ColumnLike): Column => call("length", c(x));
/** `len` characters from 1-based position `pos`. */
export const substring = (x: ColumnLike, pos: number, len: number): Column => call("substring", c(x), l(pos), l(len));
/** The string split around a regular expression, into at most `limit` parts when positive. */
export const split = (x: ColumnLike, pattern: string, limit = -1): Column => call("split", c(x), l(pattern), l(limit));
/** The `idx`-th group of the regular expression's first match (empty when none). */
export const regexp_extract = (x: ColumnLike, pattern: string, idx: number): Column =>
  call("regexp_extract", c(x), l(pattern), l(idx));
/** Every match of the regular expression replaced (`$1` names a group). */
export const regexp_replace = (x: ColumnLike, pattern: string | Column, replacement: string | Column): Column =>
  call("regexp_replace", c(x), toExpr(pattern), toExpr(replacement));
/** The string padded on the left to `len` characters (cut when longer). */
export const lpad = (x: ColumnLike, len: number, pad: string): Column => call("lpad", c(x), l(len), l(pad));
/** The string padded on the right to `len` characters (cut when longer). */
export const rpad = (x: ColumnLike, len: number, pad: string): Column => call("rpad", c(x), l(len), l(pad));
/** The 1-based position of the first occurrence of `substr`, 0 when absent. */
export const instr = (x: ColumnLike, substr: string): Column => call("instr", c(x), l(substr));
/** printf-style formatting of the columns. */
export const format_string = (format: string, ...cols: ColumnLike[]): Column => call("format_string", l(format), ...cols.map(c));
/** Each word with its first letter in upper case. */
export const initcap = (x: ColumnLike): Column => call("initcap", c(x));
/** The string (or array) reversed. */
export const reverse = (x: ColumnLike): Column => call("reverse", c(x));

// ---- math ----
/** The absolute value. */
export const abs = (x: ColumnLike): Column => call("abs", c(x));
/** Rounded to `scale` decimals, half away from zero. */
export const round = (x: ColumnLike, scale = 0): Column => call("round", c(x), l(scale));
/** Rounded to `scale` decimals, half to even. */
export const bround = (x: ColumnLike, scale = 0): Column => call("bround", c(x), l(scale));
/** The largest integer not above the value. */
export const floor = (x: ColumnLike): Column => call("floor", c(x));
/** The smallest integer not below the value. */
export const ceil = (x: ColumnLike): Column => call("ceil", c(x));
/** The square root. */
export const sqrt = (x: ColumnLike): Column => call("sqrt", c(x));
/** e to the power of the value. */
export const exp = (x: ColumnLike): Column => call("exp", c(x));
/** The natural logarithm. */
export const log = (x: ColumnLike): Column => call("ln", c(x));
/** The first value to the power of the second. */
export const pow = (x: ColumnLike, y: unknown): Column => call("power", c(x), typeof y === "string" ? c(y) : toExpr(y));
/** The largest of the columns, skipping nulls. */
export const greatest = (...cols: ColumnLike[]): Column => call("greatest", ...cols.map(c));
/** The smallest of the columns, skipping nulls. */
export const least = (...cols: ColumnLike[]): Column => call("least", ...cols.map(c));
/** Whether the value is null. */
export const isnull = (x: ColumnLike): Column => call("isnull", c(x));
/** Whether the value is NaN. */
export const isnan = (x: ColumnLike): Column => call("isnan", c(x));
/** The first value unless it is NaN, else the second. */
export const nanvl = (x: ColumnLike, y: ColumnLike): Column => call("nanvl", c(x), c(y));
/** -1, 0 or 1 by the value's sign. */
export const signum = (x: ColumnLike): Column => call("signum", c(x));

// ---- hashing ----
/** The Murmur3 hash of the columns as an INT, as Spark's `hash`. */
export const hash = (...cols: ColumnLike[]): Column => call("hash", ...cols.map(c));
/** The xxHash64 of the columns as a BIGINT, as Spark's `xxhash64`. */
export const xxhash64 = (...cols: ColumnLike[]): Column => call("xxhash64", ...cols.map(c));
/** The SHA-2 digest (224, 256, 384 or 512 bits) as hex. */
export const sha2 = (x: ColumnLike, numBits: number): Column => call("sha2", c(x), l(numBits));
/** The MD5 digest as hex. */
export const md5 = (x: ColumnLike): Column => call("md5", c(x));
/** The SHA-1 digest as hex. */
export const sha1 = (x: ColumnLike): Column => call("sha1", c(x));
/** The CRC-32 checksum. */
export const crc32 = (x: ColumnLike): Column => call("crc32", c(x));

// ---- aggregates ----
/** `count("*")` counts rows (Spark names it `count(1)`). */
export const count = (x: ColumnLike): Column => call("count", x === "*" ? l(1) : c(x));
/** The number of distinct non-null values (of all the columns together). */
export const countDistinct = (...cols: ColumnLike[]): Column =>
  new Column({ kind: "call", name: "count", args: cols.map(c), distinct: true });
/** The same as {@link countDistinct}. */
export const count_distinct = countDistinct;
/** The sum of the distinct values. */
export const sumDistinct = (x: ColumnLike): Column => new Column({ kind: "call", name: "sum", args: [c(x)], distinct: true });
/** An estimate of the distinct count (HyperLogLog++, relative error `rsd`). */
export const approx_count_distinct = (x: ColumnLike, rsd?: number): Column =>
  rsd === undefined ? call("approx_count_distinct", c(x)) : call("approx_count_distinct", c(x), l(rsd));
/** The sum of the values. */
export const sum = (x: ColumnLike): Column => call("sum", c(x));
/** The mean of the values. */
export const avg = (x: ColumnLike): Column => call("avg", c(x));
/** The same as {@link avg}. */
export const mean = (x: ColumnLike): Column => call("mean", c(x));
/** The smallest value. */
export const min = (x: ColumnLike): Column => call("min", c(x));
/** The largest value. */
export const max = (x: ColumnLike): Column => call("max", c(x));
/** The value of `x` where `ord` is smallest. */
export const min_by = (x: ColumnLike, ord: ColumnLike): Column => call("min_by", c(x), c(ord));
/** The value of `x` where `ord` is largest. */
export const max_by = (x: ColumnLike, ord: ColumnLike): Column => call("max_by", c(x), c(ord));
/** The first value of the group (the first non-null one with `ignoreNulls`). */
export const first = (x: ColumnLike, ignoreNulls = false): Column =>
  new Column({ kind: "call", name: "first", args: [c(x)], ignoreNulls });
/** The last value of the group (the last non-null one with `ignoreNulls`). */
export const last = (x: ColumnLike, ignoreNulls = false): Column =>
  new Column({ kind: "call", name: "last", args: [c(x)], ignoreNulls });
/** The group's values as an array. */
export const collect_list = (x: ColumnLike): Column => call("collect_list", c(x));
/** The group's distinct values as an array. */
export const collect_set = (x: ColumnLike): Column => call("collect_set", c(x));
/** The sample standard deviation. */
export const stddev = (x: ColumnLike): Column => call("stddev", c(x));
/** The sample standard deviation. */
export const stddev_samp = (x: ColumnLike): Column => call("stddev_samp", c(x));
/** The population standard deviation. */
export const stddev_pop = (x: ColumnLike): Column => call("stddev_pop", c(x));
/** The sample variance. */
export const variance = (x: ColumnLike): Column => call("variance", c(x));
/** The sample variance. */
export const var_samp = (x: ColumnLike): Column => call("var_samp", c(x));
/** The population variance. */
export const var_pop = (x: ColumnLike): Column => call("var_pop", c(x));
/** The approximate percentile (or array of them) of the values, within `1 / accuracy`. */
export const percentile_approx = (x: ColumnLike, percentage: number | number[], accuracy = 10000): Column =>
  call("percentile_approx", c(x), l(percentage), l(accuracy));
/** Some value of the group. */
export const any_value = (x: ColumnLike): Column => call("any_value", c(x));
/** Whether every value is true. */
export const bool_and = (x: ColumnLike): Column => call("bool_and", c(x));
/** Whether any value is true. */
export const bool_or = (x: ColumnLike): Column => call("bool_or", c(x));
/** The exact percentile (or array of them) of the values, interpolated linearly; `frequency` counts each row that often. */
export const percentile = (x: ColumnLike, percentage: number | number[], frequency: ColumnLike | number = 1): Column =>
  call("percentile", c(x), l(percentage), typeof frequency === "number" ? l(frequency) : c(frequency));
/** The exact median of the values (percentile 0.5). */
export const median = (x: ColumnLike): Column => call("median", c(x));
/** The most frequent value; with `deterministic`, the smallest of tied values. */
export const mode = (x: ColumnLike, deterministic = false): Column => call("mode", c(x), l(deterministic));
/** The bitwise AND of the (integral) values. */
export const bit_and = (x: ColumnLike): Column => call("bit_and", c(x));
/** The bitwise OR of the (integral) values. */
export const bit_or = (x: ColumnLike): Column => call("bit_or", c(x));
/** The bitwise XOR of the (integral) values. */
export const bit_xor = (x: ColumnLike): Column => call("bit_xor", c(x));
/** The sum, or null when it overflows its type. */
export const try_sum = (x: ColumnLike): Column => call("try_sum", c(x));
/** The average, or null when the sum overflows. */
export const try_avg = (x: ColumnLike): Column => call("try_avg", c(x));
/** Window function: the value at the frame's `offset`-th row (the `offset`-th non-null one with `ignoreNulls`). */
export const nth_value = (x: ColumnLike, offset: number, ignoreNulls = false): Column =>
  new Column({ kind: "call", name: "nth_value", args: [c(x), l(offset)], ignoreNulls });

// ---- window ----
/** Window function: the row's 1-based number in its partition. */
export const row_number = (): Column => call("row_number");
/** Window function: the row's rank, with gaps after ties. */
export const rank = (): Column => call("rank");
/** Window function: the row's rank, without gaps after ties. */
export const dense_rank = (): Column => call("dense_rank");
/** Window function: `(rank - 1) / (rows - 1)`. */
export const percent_rank = (): Column => call("percent_rank");
/** Window function: the fraction of rows at or before the row. */
export const cume_dist = (): Column => call("cume_dist");
/** Window function: which of `n` nearly equal buckets the row falls in. */
export const ntile = (n: number): Column => call("ntile", l(n));
/** Window function: the value `offset` rows before, or `defaultValue`. */
export const lag = (x: ColumnLike, offset = 1, defaultValue: unknown = null): Column =>
  call("lag", c(x), l(offset), toExpr(defaultValue));
/** Window function: the value `offset` rows after, or `defaultValue`. */
export const lead = (x: ColumnLike, offset = 1, defaultValue: unknown = null): Column =>
  call("lead", c(x), l(offset), toExpr(defaultValue));

// ---- misc ----
/** A unique, increasing 64-bit id per row (not consecutive). */
export const monotonically_increasing_id = (): Column => call("monotonically_increasing_id");
/** The row's partition: always 0 on Sluice's one partition. */
export const spark_partition_id = (): Column => call("spark_partition_id");
/** A uniform random number in [0, 1), reproducible with a seed. */
export const rand = (seed?: number): Column => (seed === undefined ? call("rand") : call("rand", l(seed)));
/** A random UUID string per row. */
export const uuid = (): Column => call("uuid");
/** A literal of the given Spark type, where {@link lit} would infer another. */
export const typedLit = (value: unknown, type: DataType): Column => new Column(typedLiteral(value, type));
/** Call any registered function by its Spark name. */
export const call_function = (name: string, ...cols: ColumnLike[]): Column => call(name.toLowerCase(), ...cols.map(c));

/** Sort by the column ascending. */
export const asc = (x: string): Column => col(x).asc();
/** Sort by the column descending. */
export const desc = (x: string): Column => col(x).desc();
/** Sort by the column ascending, nulls last. */
export const asc_nulls_last = (x: string): Column => col(x).asc_nulls_last();
/** Sort by the column descending, nulls first. */
export const desc_nulls_first = (x: string): Column => col(x).desc_nulls_first();
