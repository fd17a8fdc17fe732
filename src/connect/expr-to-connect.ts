/**
 * Sluice expressions (expr/expr.ts) as Spark Connect Expression messages (expressions.proto).
 * Functions go as unresolved functions by their Spark name; Sluice's internal operator names map
 * to the names Spark's FunctionRegistry gives the same operators (`+`, `==`, `<=>`, `%`, `div`,
 * `negative`, ...). CASE goes as the `when` function with flattened branches, which the Connect
 * planner turns into CaseWhen, as PySpark's `F.when` does.
 */
import { unsupported } from "../common/errors.js";
import type { Expr, FrameBoundary, SortOrderExpr, WindowSpecDef } from "../expr/expr.js";
import { type DataType, quoteIdent } from "../types/data-type.js";
import { formatDayTimeInterval, formatYearMonthInterval } from "../expr/datetime/ansi-interval.js";
import type { Msg } from "./connect-proto.js";
import { formatDecimal } from "../types/decimal-value.js";
import type { VariantVal } from "../types/variant-val.js";
import { variantLiteralExpr } from "./variant-literal.js";
import { sourceTextOf } from "../sql/parse-expression.js";

/** Spark's registered name for each of Sluice's internal operator names. */
const OPERATORS: Readonly<Record<string, string>> = {
  add: "+",
  subtract: "-",
  multiply: "*",
  divide: "/",
  mod: "%",
  div: "div",
  negative: "negative",
  eq: "==",
  eq_null_safe: "<=>",
  lt: "<",
  lte: "<=",
  gt: ">",
  gte: ">=",
  and: "and",
  or: "or",
  not: "not",
  isnull: "isnull",
  isnotnull: "isnotnull",
  in: "in",
  like: "like",
  rlike: "rlike",
};

/** Functions whose IGNORE NULLS form takes the flag as an extra boolean argument in Spark. */
const IGNORE_NULLS_ARG = new Set(["first", "last", "first_value", "last_value", "any_value", "nth_value", "lag", "lead"]);

/** Where a `df.col()` reference points: the plan node id a column's exprId came from (RelationCommon.plan_id). */
export type PlanIdOf = (exprId: number) => number | undefined;

/** An identifier as Spark's parser reads it: each part backtick-quoted when needed, joined by dots. */
export const identifier = (parts: readonly string[]): string => parts.map(quoteIdent).join(".");

const fn = (name: string, args: readonly Msg[], distinct = false): Msg => ({ unresolved_function: { function_name: name, arguments: args, is_distinct: distinct } });

export function toConnectExpr(e: Expr, planIdOf: PlanIdOf): Msg {
  const go = (x: Expr): Msg => toConnectExpr(x, planIdOf);
  // SQL text (F.expr, selectExpr, filter(text)) goes as written, for the server's parser, as PySpark's expr() sends it
  const text = sourceTextOf(e);
  if (text !== undefined) return { expression_string: { expression: text } };
  switch (e.kind) {
    case "column": {
      const planId = e.exprId !== undefined ? planIdOf(e.exprId) : e.planId;
      return { unresolved_attribute: { unparsed_identifier: identifier(e.nameParts), ...(planId !== undefined ? { plan_id: planId } : {}) } };
    }
    case "star":
      return { unresolved_star: e.target ? { unparsed_target: `${identifier(e.target)}.*` } : {} };
    case "literal":
      // the Literal message has no interval fields (the server types it YEAR TO MONTH / DAY TO
      // SECOND), so an interval goes as Spark's own literal text, typed and named as Spark does
      if (e.value !== null && e.type.kind === "year_month_interval") return { expression_string: { expression: formatYearMonthInterval(e.value as number, e.type) } };
      if (e.value !== null && e.type.kind === "day_time_interval") return { expression_string: { expression: formatDayTimeInterval(e.value as bigint, e.type) } };
      // nor a variant member: the value goes as parse_json of its JSON text, where that is exact
      if (e.value !== null && e.type.kind === "variant") return variantLiteralExpr(e.value as VariantVal);
      return { literal: toConnectLiteral(e.value, e.type) };
    case "alias":
      return { alias: { expr: go(e.child), name: e.names ? [...e.names] : [e.name], ...(e.metadata ? { metadata: JSON.stringify(e.metadata) } : {}) } };
    case "cast":
      // as PySpark: a type name goes as text (the server reads bare TIMESTAMP under its
      // spark.sql.timestampType), a DataType as the DataType message (TIMESTAMP stays LTZ)
      return { cast: { expr: go(e.child), ...(e.toText !== undefined ? { type_str: e.toText } : { type: toConnectType(e.to) }), eval_mode: e.mode === "try" ? "EVAL_MODE_TRY" : "EVAL_MODE_UNSPECIFIED" } };
    case "call": {
      if (e.filter) {
        throw unsupported("CONNECT_UNSUPPORTED_EXPRESSION", `${e.name}(...) FILTER (WHERE ...) has no Spark Connect expression; write it in spark.sql() text, which runs on the server as is`, { function: e.name });
      }
      const args = e.args.map(go);
      if (e.ignoreNulls && IGNORE_NULLS_ARG.has(e.name)) args.push({ literal: { boolean: true } });
      else if (e.ignoreNulls) throw unsupported("CONNECT_UNSUPPORTED_EXPRESSION", `${e.name}(...) IGNORE NULLS has no Spark Connect form; write it in spark.sql() text`, { function: e.name });
      if (e.name === "neq") return fn("not", [fn("==", args)]);
      return fn(OPERATORS[e.name] ?? e.name, args, e.distinct === true);
    }
    case "case": {
      const args = e.branches.flatMap(([c, v]) => [go(c), go(v)]);
      if (e.otherwise) args.push(go(e.otherwise));
      return fn("when", args);
    }
    case "sortOrder":
      return { sort_order: toConnectSortOrder(e, planIdOf) };
    case "window":
      return { window: toConnectWindow(go(e.fn), e.spec, planIdOf) };
    case "extract":
      return { unresolved_extract_value: { child: go(e.child), extraction: go(e.key) } };
    case "lambda":
      return { lambda_function: { function: go(e.body), arguments: e.params.map((p) => ({ name_parts: [p] })) } };
    case "lambdaVar":
      return { unresolved_named_lambda_variable: { name_parts: [e.name] } };
  }
}

export function toConnectSortOrder(o: SortOrderExpr, planIdOf: PlanIdOf): Msg {
  return {
    child: toConnectExpr(o.child, planIdOf),
    direction: o.ascending ? "SORT_DIRECTION_ASCENDING" : "SORT_DIRECTION_DESCENDING",
    null_ordering: o.nullsFirst ? "SORT_NULLS_FIRST" : "SORT_NULLS_LAST",
  };
}

function toConnectWindow(fnExpr: Msg, spec: WindowSpecDef, planIdOf: PlanIdOf): Msg {
  if (spec.name !== undefined) throw unsupported("CONNECT_UNSUPPORTED_EXPRESSION", `Named window ${spec.name} was not expanded by the SQL layer`, { window: spec.name });
  const boundary = (b: FrameBoundary): Msg => {
    switch (b.kind) {
      case "currentRow":
        return { current_row: true };
      case "unboundedPreceding":
      case "unboundedFollowing":
        return { unbounded: true };
      case "offset":
        if (b.unit === "microsecond") return { value: { literal: { calendar_interval: { months: 0, days: 0, microseconds: String(b.value) } } } };
        return { value: { literal: spec.frame!.type === "rows" ? { integer: b.value } : toConnectLiteral(b.value, Number.isInteger(b.value) ? { kind: "int" } : { kind: "double" }) } };
    }
  };
  return {
    window_function: fnExpr,
    partition_spec: spec.partitionBy.map((p) => toConnectExpr(p, planIdOf)),
    order_spec: spec.orderBy.map((o) => toConnectSortOrder(o, planIdOf)),
    ...(spec.frame
      ? { frame_spec: { frame_type: spec.frame.type === "rows" ? "FRAME_TYPE_ROW" : "FRAME_TYPE_RANGE", lower: boundary(spec.frame.start), upper: boundary(spec.frame.end) } }
      : {}),
  };
}

/** A Sluice type as a DataType message (for typed nulls and empty collections). */
export function toConnectType(t: DataType): Msg {
  switch (t.kind) {
    case "null":
      return { null: {} };
    case "int":
      return { integer: {} };
    case "bigint":
      return { long: {} };
    case "decimal":
      return { decimal: { precision: t.precision, scale: t.scale } };
    case "array":
      return { array: { element_type: toConnectType(t.elementType), contains_null: t.containsNull } };
    case "map":
      return { map: { key_type: toConnectType(t.keyType), value_type: toConnectType(t.valueType), value_contains_null: t.valueContainsNull } };
    case "struct":
      return { struct: { fields: t.fields.map((f) => ({ name: f.name, data_type: toConnectType(f.type), nullable: f.nullable })) } };
    // Spark's field numbers are Sluice's (YEAR 0, MONTH 1; DAY 0 … SECOND 3)
    case "year_month_interval":
    case "day_time_interval":
      return { [t.kind]: { start_field: t.startField, end_field: t.endField } };
    default:
      return { [t.kind]: {} };
  }
}

/** An engine value (columnar/values.ts) of type `t` as a Literal message. */
export function toConnectLiteral(v: unknown, t: DataType): Msg {
  if (v === null || v === undefined) return { null: toConnectType(t) };
  switch (t.kind) {
    case "null":
      return { null: toConnectType(t) };
    case "boolean":
      return { boolean: v as boolean };
    case "byte":
      return { byte: v as number };
    case "short":
      return { short: v as number };
    case "int":
      return { integer: v as number };
    case "bigint":
      return { long: String(v) };
    case "float":
      return { float: v as number };
    case "double":
      return { double: v as number };
    case "decimal":
      return { decimal: { value: formatDecimal(v as bigint, t.scale), precision: t.precision, scale: t.scale } };
    case "string":
      return { string: v as string };
    case "binary":
      return { binary: v as Uint8Array };
    case "variant":
      // a top-level one goes as parse_json (variant-literal.ts); an array, map or struct literal has no place for an expression
      throw unsupported("CONNECT_UNSUPPORTED_EXPRESSION", "A VARIANT value inside an array, map or struct literal has no Spark Connect form; build the container on the server (array(...), named_struct(...)) from VARIANT literals", { type: "variant" });
    case "date":
      return { date: v as number };
    case "timestamp":
      return { timestamp: String(v) };
    case "timestamp_ntz":
      return { timestamp_ntz: String(v) };
    // only the value: inside an array, map or struct literal its type message gives the fields
    case "year_month_interval":
      return { year_month_interval: v as number };
    case "day_time_interval":
      return { day_time_interval: String(v) };
    case "array":
      return { array: { element_type: toConnectType(t.elementType), elements: (v as unknown[]).map((x) => toConnectLiteral(x, t.elementType)) } };
    case "map": {
      const m = v as Map<unknown, unknown>;
      return { map: { key_type: toConnectType(t.keyType), value_type: toConnectType(t.valueType), keys: [...m.keys()].map((k) => toConnectLiteral(k, t.keyType)), values: [...m.values()].map((x) => toConnectLiteral(x, t.valueType)) } };
    }
    case "struct": {
      const o = v as Record<string, unknown>;
      return { struct: { struct_type: toConnectType(t), elements: t.fields.map((f) => toConnectLiteral(o[f.name], f.type)) } };
    }
  }
}
