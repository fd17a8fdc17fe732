/**
 * Expr → RExpr against one operator's input. Steps for a call: 1. resolve the arguments (stars
 * expand in place), 2. look the function up (UNRESOLVED_ROUTINE with suggestions when unknown),
 * 3. ask it for argument and return types (`resolve` with ArgInfo), 4. wrap each argument whose
 * type differs in an implicit RCast. Aggregates, window expressions and generators are errors
 * here unless the operator's `intercept` lifts them (see aggregate.ts, project.ts).
 */
import { analysisError, closestNames, internalError } from "../../common/errors.js";
import type { Expr, ExtractExpr, LambdaExpr, StarExpr, WindowExpr, WindowFrame } from "../../expr/expr.js";
import type { ArgInfo, EvalContext } from "../../expr/function-types.js";
import type { RExpr, RLiteral } from "../../expr/resolved-expr.js";
import { rexprNullable } from "../../expr/resolved-expr.js";
import { canCast, commonType } from "../../types/coercion.js";
import { castTarget } from "../../expr/cast-target.js";
import { type DataType, IntegerType, StringType, sameType, sqlTypeName } from "../../types/data-type.js";
import type { AnalyzerEnv } from "../analyzer-env.js";
import { type NameHints, exprName } from "../expr-name.js";
import type { Attribute } from "../resolved-plan.js";
import { isWindowStruct } from "../../expr/functions/datetime.js";
import { hofLambdaParams } from "./lambda-params.js";
import { constantValue } from "./rexpr-utils.js";
import { namesEqual, quoteParts, resolveColumn } from "./scope.js";

/** Where an expression sits; picks the error code for misplaced aggregates and generators. */
export type ExprContext = "select" | "where" | "groupBy" | "aggregateArg" | "join" | "sort" | "window" | "other";

/** Lets an operator replace a sub-expression (lifted aggregates, group keys, window calls). */
export type Intercept = (e: Expr, resolver: ExprResolver) => RExpr | undefined;

export const GENERATORS = new Set(["explode", "explode_outer", "posexplode", "posexplode_outer", "inline", "inline_outer"]);

/** Types seen for each expression object, so naming can tell `s.c` (struct) from `arr[0]`. */
const seenTypes = new WeakMap<Expr, DataType>();
/** The frame each window expression got after Spark's defaults (for its generated name). */
export const windowFrames = new WeakMap<WindowExpr, WindowFrame>();

interface LambdaSlot {
  readonly name: string;
  readonly type: DataType;
  readonly slot: number;
}

export class ExprResolver {
  constructor(
    readonly env: AnalyzerEnv,
    readonly input: readonly Attribute[],
    readonly context: ExprContext = "other",
    readonly intercept?: Intercept,
    private readonly lambdas: readonly LambdaSlot[] = [],
  ) {}

  /** The same scope with another context/intercept. */
  with(context: ExprContext, intercept?: Intercept): ExprResolver {
    return new ExprResolver(this.env, this.input, context, intercept, this.lambdas);
  }

  resolve(e: Expr): RExpr {
    const hit = this.intercept?.(e, this);
    const r = hit ?? this.resolveNode(e);
    seenTypes.set(e, r.type);
    return r;
  }

  /** Spark's generated name for `e` (call after resolving it). */
  name(e: Expr): string {
    return exprName(e, this.nameHints());
  }

  nameHints(): NameHints {
    return {
      isStructExtract: (x) => x.kind === "extract" && seenTypes.get(x.child)?.kind === "struct",
      display: (n) => this.env.functions.scalar(n)?.display,
      frameOf: (w) => windowFrames.get(w),
      timeZone: this.env.eval.timeZone,
      timestampNTZ: this.env.eval.timestampNTZ === true,
    };
  }

  isAggregate(name: string): boolean {
    return this.env.functions.aggregate(name) !== undefined && this.env.functions.scalar(name) === undefined;
  }

  /** Expand `*`, `t.*` or `struct.*` into (expression, name, source attribute) triples. */
  expandStar(e: StarExpr): { r: RExpr; name: string; attr?: Attribute }[] {
    const cs = this.env.caseSensitive;
    const ref = (i: number) => ({ r: this.ref(i), name: this.input[i]!.name, attr: this.input[i]! });
    if (!e.target || e.target.length === 0) return this.input.map((_, i) => ref(i));
    const target = e.target;
    if (target.length === 1) {
      const q = this.input.flatMap((a, i) => (a.qualifiers.some((x) => namesEqual(x, target[0]!, cs)) ? [i] : []));
      if (q.length > 0) return q.map(ref);
    }
    let struct: RExpr | undefined;
    try {
      struct = this.resolve({ kind: "column", nameParts: target });
    } catch {
      struct = undefined;
    }
    if (!struct || struct.type.kind !== "struct") {
      throw analysisError(
        "CANNOT_RESOLVE_STAR_EXPAND",
        `Cannot resolve ${quoteParts(target)}.* given input columns ${this.input.map((a) => quoteParts([a.name])).join(", ")}. ` +
          "Use * for all columns, an alias given with alias() before .*, or a STRUCT column.",
        { target: target.join(".") },
      );
    }
    const fields = struct.type.fields;
    return fields.map((f) => ({ r: this.getField(struct, f.name), name: f.name }));
  }

  ref(i: number): RExpr {
    const a = this.input[i]!;
    return { kind: "ref", index: i, type: a.type, nullable: a.nullable, name: a.name };
  }

  /** Resolve call arguments, expanding stars (`struct(*)`). */
  resolveArgs(args: readonly Expr[]): RExpr[] {
    return args.flatMap((a) => (a.kind === "star" ? this.expandStar(a).map((x) => x.r) : [this.resolve(a)]));
  }

  /** Look up a scalar function and bind it to resolved arguments, inserting implicit casts. */
  callFunction(name: string, args: readonly RExpr[]): RExpr {
    if ((name === "window" || name === "__sliding_windows") && args[0]) args = [this.eventTime(args[0]), ...args.slice(1)];
    const fn = this.env.functions.scalar(name);
    if (!fn) throw this.unknownFunction(name);
    const infos: ArgInfo[] = args.map((a) => argInfo(a, this.env.eval));
    const sig = fn.resolve(infos, this.env.eval);
    const cast = args.map((a, i) => {
      const want = sig.argTypes[i];
      return want === undefined || a.kind === "lambda" || sameType(a.type, want) ? a : implicitCast(a, want);
    });
    return { kind: "call", fn, args: cast, type: sig.returnType, nullable: sig.nullable ?? cast.some(nullableOf) };
  }

  /**
   * The time column of window() / session_window(): as in Spark (≥ 3.4), a window struct — the
   * `window` column of an earlier window aggregation — stands for its window_time() (end − 1 µs).
   */
  eventTime(r: RExpr): RExpr {
    return isWindowStruct(r.type) ? this.callFunction("window_time", [r]) : r;
  }

  unknownFunction(name: string): Error {
    const suggestions = closestNames(name, this.env.functions.names()).map((n) => "`" + n + "`");
    return analysisError(
      "UNRESOLVED_ROUTINE",
      `Cannot resolve routine \`${name}\` on search path [\`system\`.\`builtin\`, \`system\`.\`session\`]. ` +
        (suggestions.length > 0 ? `Did you mean one of the following? [${suggestions.join(", ")}].` : "Check the spelling of the function name."),
      { routine: name },
    );
  }

  /** `struct.field` via the scalar function get_struct_field(struct, 'exactFieldName'). */
  getField(child: RExpr, field: string): RExpr {
    if (child.type.kind !== "struct") {
      throw analysisError(
        "INVALID_EXTRACT_BASE_FIELD_TYPE",
        `Can't extract a value from ${sqlTypeName(child.type)} column \`${child.kind === "ref" ? child.name : "expression"}\`: need a STRUCT, ARRAY or MAP, got "${sqlTypeName(child.type)}".`,
        { field },
      );
    }
    const cs = this.env.caseSensitive;
    const f = child.type.fields.find((x) => x.name === field) ?? child.type.fields.find((x) => namesEqual(x.name, field, cs));
    if (!f) {
      const names = child.type.fields.map((x) => x.name);
      throw analysisError(
        "FIELD_NOT_FOUND",
        `No such struct field \`${field}\` in ${names.map((n) => "`" + n + "`").join(", ")}. Did you mean one of the following? [${closestNames(field, names).map((n) => "`" + n + "`").join(", ")}].`,
        { field },
      );
    }
    return this.callFunction("get_struct_field", [child, { kind: "literal", value: f.name, type: StringType }]);
  }

  private resolveNode(e: Expr): RExpr {
    switch (e.kind) {
      case "column":
        return this.resolveColumnRef(e.nameParts, e.exprId);
      case "star":
        throw analysisError(
          "INVALID_USAGE_OF_STAR_OR_REGEX",
          `Invalid usage of '*' in ${this.context === "other" ? "this expression" : this.context}. Use * only as a whole select item or a function argument.`,
        );
      case "literal":
        return { kind: "literal", value: e.value, type: e.type };
      case "alias":
        return this.resolve(e.child);
      case "sortOrder":
        return this.resolve(e.child);
      case "cast": {
        const child = this.resolve(e.child);
        const to = castTarget(e, this.env.eval);
        if (!canCast(child.type, to, this.env.eval.ansi)) {
          throw analysisError(
            "DATATYPE_MISMATCH",
            `Cannot resolve "${this.name(e)}" due to data type mismatch: cannot cast "${sqlTypeName(child.type)}" to "${sqlTypeName(to)}".`,
            { from: sqlTypeName(child.type), to: sqlTypeName(to) },
          );
        }
        return sameType(child.type, to) ? child : { kind: "cast", child, type: to, mode: e.mode };
      }
      case "call":
        return this.resolveCall(e.name, e.args);
      case "case":
        return this.resolveCase(e);
      case "extract":
        return this.resolveExtract(e);
      case "window":
        throw misplaced(this.context, this.name(e), "window function");
      case "lambda":
        throw analysisError("INVALID_LAMBDA_FUNCTION_CALL", `A lambda function (${this.name(e)}) can only be an argument of a higher-order function such as transform or filter.`);
      case "lambdaVar": {
        const v = [...this.lambdas].reverse().find((l) => namesEqual(l.name, e.name, this.env.caseSensitive));
        if (!v) throw analysisError("UNRESOLVED_COLUMN", `A lambda variable \`${e.name}\` cannot be resolved outside its lambda function.`, { column: e.name });
        return { kind: "lambdaVar", slot: v.slot, name: v.name, type: v.type };
      }
    }
  }

  private resolveColumnRef(parts: readonly string[], exprId: number | undefined): RExpr {
    if (exprId === undefined && this.lambdas.length > 0) {
      const v = [...this.lambdas].reverse().find((l) => namesEqual(l.name, parts[0]!, this.env.caseSensitive));
      if (v) return parts.slice(1).reduce<RExpr>((acc, f) => this.getField(acc, f), { kind: "lambdaVar", slot: v.slot, name: v.name, type: v.type });
    }
    const m = resolveColumn(this.input, parts, this.env.caseSensitive, exprId);
    return m.nestedFields.reduce<RExpr>((acc, f) => this.getField(acc, f), this.ref(m.index));
  }

  private resolveCall(name: string, args: readonly Expr[]): RExpr {
    const fns = this.env.functions;
    if (GENERATORS.has(name)) {
      throw analysisError(
        "UNSUPPORTED_GENERATOR",
        `The generator is not supported: ${name} must be a whole item of select() (optionally aliased), not nested in an expression or used in ${this.context}.`,
        { generator: name },
      );
    }
    if (this.isAggregate(name)) throw misplaced(this.context, this.name({ kind: "call", name, args }), "aggregate function");
    if (!fns.scalar(name) && fns.window(name)) {
      throw analysisError(
        "WINDOW_FUNCTION_WITHOUT_OVER_CLAUSE",
        `Window function "${name}" requires an OVER clause: use ${name}(...).over(Window.orderBy(...)).`,
        { routine: name },
      );
    }
    if (!fns.scalar(name)) throw this.unknownFunction(name);
    if (name === "struct" && fns.scalar("named_struct")) return this.resolveStruct(args);
    if (!args.some((a) => a.kind === "lambda")) return this.callFunction(name, this.resolveArgs(args));
    const resolved: RExpr[] = [];
    let lambdaIndex = 0;
    for (const a of args) {
      if (a.kind !== "lambda") {
        resolved.push(...this.resolveArgs([a]));
        continue;
      }
      const types = hofLambdaParams(name, resolved, lambdaIndex++, a.params.length);
      resolved.push(this.resolveLambda(a, types));
    }
    return this.callFunction(name, resolved);
  }

  /**
   * `struct(a, b AS y, 1)` → named_struct('a', a, 'y', b, 'col3', 1): as Spark, a field is named
   * after its column, alias or struct field, and `col<n>` (1-based position) otherwise.
   */
  private resolveStruct(args: readonly Expr[]): RExpr {
    const items = args.flatMap((a): { r: RExpr; name: string | undefined }[] => {
      if (a.kind === "star") return this.expandStar(a).map((x) => ({ r: x.r, name: x.name }));
      const r = this.resolve(a);
      return [{ r, name: structFieldName(a, r) }];
    });
    const named = items.flatMap((it, i): RExpr[] => {
      const field = it.name ?? `col${i + 1}`;
      return [{ kind: "literal", value: field, type: StringType }, it.r];
    });
    return this.callFunction("named_struct", named);
  }

  resolveLambda(e: LambdaExpr, types: readonly DataType[]): RExpr {
    const base = this.lambdas.length;
    const slots = e.params.map((name, i) => ({ name, type: types[i] ?? IntegerType, slot: base + i }));
    const inner = new ExprResolver(this.env, this.input, this.context, this.intercept, [...this.lambdas, ...slots]);
    const body = inner.resolve(e.body);
    return { kind: "lambda", params: slots.map((s) => ({ name: s.name, type: s.type })), body, type: body.type };
  }

  private resolveCase(e: Extract<Expr, { kind: "case" }>): RExpr {
    const conds = e.branches.map(([c]) => this.resolve(c));
    const values = e.branches.map(([, v]) => this.resolve(v));
    const otherwise = e.otherwise ? this.resolve(e.otherwise) : null;
    conds.forEach((c, i) => {
      if (c.type.kind !== "boolean" && c.type.kind !== "null") {
        throw analysisError(
          "DATATYPE_MISMATCH",
          `Cannot resolve "${this.name(e)}" due to data type mismatch: WHEN expressions in CaseWhen should all be boolean type, but the ${ordinal(i + 1)} one is "${sqlTypeName(c.type)}".`,
        );
      }
    });
    const all = otherwise ? [...values, otherwise] : values;
    const t = commonType(all.map((v) => v.type));
    if (!t) {
      throw analysisError(
        "DATATYPE_MISMATCH",
        `Cannot resolve "${this.name(e)}" due to data type mismatch: Input to \`casewhen\` should all be the same type, but it's (${all.map((v) => `"${sqlTypeName(v.type)}"`).join(" or ")}).`,
      );
    }
    const fit = (v: RExpr): RExpr => (sameType(v.type, t) ? v : implicitCast(v, t));
    return {
      kind: "case",
      branches: conds.map((c, i) => [c, fit(values[i]!)] as const),
      otherwise: otherwise ? fit(otherwise) : null,
      type: t,
    };
  }

  private resolveExtract(e: ExtractExpr): RExpr {
    const child = this.resolve(e.child);
    const key = this.resolve(e.key);
    switch (child.type.kind) {
      case "struct":
        if (key.kind !== "literal" || typeof key.value !== "string") {
          throw analysisError("INVALID_EXTRACT_FIELD_TYPE", `Field name should be a non-null string literal to extract from a STRUCT, but it's ${this.name(e.key)}.`);
        }
        return this.getField(child, key.value);
      case "array":
      case "map":
        return this.callFunction("get_item", [child, key]);
      default:
        throw analysisError(
          "INVALID_EXTRACT_BASE_FIELD_TYPE",
          `Can't extract a value from "${this.name(e.child)}". Need a complex type [STRUCT, ARRAY, MAP] but got "${sqlTypeName(child.type)}".`,
        );
    }
  }
}

/** What a function's `resolve` sees of an argument; constant arguments are folded to literals. */
export function argInfo(a: RExpr, ctx?: EvalContext): ArgInfo {
  const c = a.kind === "literal" ? { value: (a as RLiteral).value } : a.kind === "call" && a.fn.name === "array" && ctx ? constantValue(a, ctx) : undefined;
  return { type: a.type, nullable: nullableOf(a), ...(c ? { literal: c } : {}) };
}

/** Nullability of a resolved expression, finer than rexprNullable for casts and CASE. */
export function nullableOf(r: RExpr): boolean {
  switch (r.kind) {
    case "cast":
      return r.mode === "try" || nullableOf(r.child);
    case "case":
      return r.otherwise === null || nullableOf(r.otherwise) || r.branches.some(([, v]) => nullableOf(v));
    case "lambda":
      return nullableOf(r.body);
    default:
      return rexprNullable(r);
  }
}

/** An implicit (coercion) cast; always ANSI "cast" mode, as Spark's type coercion inserts. */
export function implicitCast(a: RExpr, to: DataType): RExpr {
  if (a.kind === "literal" && a.value === null) return { kind: "literal", value: null, type: to };
  return { kind: "cast", child: a, type: to, mode: "cast" };
}

/** The struct field name Spark gives an argument of struct(...): its alias, or its column / nested field name. */
function structFieldName(e: Expr, r: RExpr): string | undefined {
  if (e.kind === "alias") return e.name;
  if (e.kind !== "column") return undefined;
  if (r.kind === "ref" || r.kind === "lambdaVar") return r.name;
  const field = r.kind === "call" && r.fn.name === "get_struct_field" ? r.args[1] : undefined;
  return field?.kind === "literal" && typeof field.value === "string" ? field.value : e.nameParts[e.nameParts.length - 1];
}

const ordinal = (n: number): string => (n === 1 ? "first" : n === 2 ? "second" : n === 3 ? "third" : `${n}th`);

function misplaced(context: ExprContext, shown: string, what: string): Error {
  switch (context) {
    case "where":
      return analysisError(
        "INVALID_WHERE_CONDITION",
        `The WHERE condition contains invalid expressions: ${shown}. Rewrite the query to avoid window functions, aggregate functions, and generator functions in the WHERE clause (filter after groupBy().agg() instead).`,
        { expression: shown },
      );
    case "groupBy":
      return analysisError("GROUP_BY_AGGREGATE", `Aggregate functions are not allowed in GROUP BY, but found ${shown}.`, { expression: shown });
    case "aggregateArg":
      return analysisError(
        "NESTED_AGGREGATE_FUNCTION",
        `It is not allowed to use an aggregate function in the argument of another aggregate function (${shown}). Compute the inner aggregate in a separate groupBy first.`,
        { expression: shown },
      );
    default:
      return analysisError(
        "UNSUPPORTED_EXPR_FOR_OPERATOR",
        `A ${what} (${shown}) is not allowed in ${context === "other" ? "this operator" : context}. Use it in select(), agg() or withColumn() instead.`,
        { expression: shown },
      );
  }
}

export const assertInternal = (cond: boolean, msg: string): void => {
  if (!cond) throw internalError(msg);
};
