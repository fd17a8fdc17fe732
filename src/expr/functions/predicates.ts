/**
 * Boolean logic and predicates: and, or, not (three-valued; `and`/`or` evaluate their right side
 * only for rows the left side does not decide, as Spark short-circuits), isnull, isnotnull, isnan,
 * in (null if no match and the list holds a null), like, ilike, rlike, contains, startswith, endswith.
 */
import { makeVector, type Vector } from "../../columnar/vector.js";
import { BooleanType, type DataType, StringType } from "../../types/data-type.js";
import type { ArgInfo, CompiledExpr, EvalContext, ResolvedSignature, ScalarFunction } from "../function-types.js";
import type { RExpr } from "../resolved-expr.js";
import { valuesEqual } from "./compare-values.js";
import { checkArity, define, evalOnRows, isLiteral, literalOf, mapRows, typeMismatch, valueAt } from "./kernel.js";
import { commonTypeOf } from "./numeric-types.js";
import { javaRegex, likeRegex } from "./regex.js";

function resolveBooleans(args: readonly ArgInfo[], _ctx: EvalContext, name: string): ResolvedSignature {
  checkArity(name, args, name === "not" ? 1 : 2);
  args.forEach((a, i) => {
    if (a.type.kind !== "boolean" && a.type.kind !== "null") typeMismatch(name, i, a.type, "BOOLEAN");
  });
  return { argTypes: args.map(() => BooleanType), returnType: BooleanType };
}

const validAt = (v: Vector, i: number) => v.validity === null || v.validity[i] === 1;

function compileLogic(args: readonly CompiledExpr[], _e: unknown, _rt: DataType, _ctx: EvalContext, name: string): CompiledExpr {
  const isAnd = name === "and";
  const [fl, fr] = [args[0]!, args[1]!];
  const decided = isAnd ? 0 : 1; // the left value that decides the result alone
  return (batch) => {
    const l = fl(batch);
    const n = batch.numRows;
    const lv = l.values as Uint8Array;
    let need = 0;
    for (let i = 0; i < n; i++) if (!(validAt(l, i) && lv[i] === decided)) need++;
    if (need === 0) return l;
    let rows: Int32Array | null = null;
    if (need < n) {
      rows = new Int32Array(need);
      let j = 0;
      for (let i = 0; i < n; i++) if (!(validAt(l, i) && lv[i] === decided)) rows[j++] = i;
    }
    const r = evalOnRows(fr, batch, rows);
    const rv = r.values as Uint8Array;
    const out = new Uint8Array(n);
    const validity = new Uint8Array(n);
    let anyNull = false;
    let j = 0;
    for (let i = 0; i < n; i++) {
      const lValid = validAt(l, i);
      if (lValid && lv[i] === decided) {
        out[i] = decided;
        validity[i] = 1;
        continue;
      }
      const k = rows === null ? i : j++;
      const rValid = validAt(r, k);
      if (rValid && rv[k] === decided) {
        out[i] = decided;
        validity[i] = 1;
      } else if (lValid && rValid) {
        out[i] = 1 - decided;
        validity[i] = 1;
      } else anyNull = true;
    }
    return makeVector(BooleanType, out, anyNull ? validity : null);
  };
}

const compileNot = (args: readonly CompiledExpr[]): CompiledExpr => {
  const f = args[0]!;
  return (batch) => {
    const v = f(batch);
    const x = v.values as Uint8Array;
    const out = new Uint8Array(batch.numRows);
    for (let i = 0; i < out.length; i++) out[i] = 1 - x[i]!;
    return makeVector(BooleanType, out, v.validity);
  };
};

function resolveAny1(args: readonly ArgInfo[], _ctx: EvalContext, name: string): ResolvedSignature {
  checkArity(name, args, 1);
  if (name === "isnan" && !["double", "float", "null", "int", "bigint", "decimal"].includes(args[0]!.type.kind)) typeMismatch(name, 0, args[0]!.type, "DOUBLE or FLOAT");
  return { argTypes: [name === "isnan" && args[0]!.type.kind !== "float" ? { kind: "double" } : args[0]!.type], returnType: BooleanType, nullable: false };
}

function compileNullTests(args: readonly CompiledExpr[], _e: unknown, _rt: DataType, _ctx: EvalContext, name: string): CompiledExpr {
  const f = args[0]!;
  return (batch) => {
    const v = f(batch);
    const n = batch.numRows;
    const out = new Uint8Array(n);
    if (name === "isnan") {
      const x = v.values as Float64Array;
      for (let i = 0; i < n; i++) out[i] = validAt(v, i) && Number.isNaN(x[i]) ? 1 : 0;
    } else {
      const want = name === "isnull" ? 0 : 1;
      if (v.validity === null) out.fill(want);
      else for (let i = 0; i < n; i++) out[i] = v.validity[i] === want ? 1 : 0;
    }
    return makeVector(BooleanType, out, null);
  };
}

function resolveIn(args: readonly ArgInfo[], _ctx: EvalContext, name: string): ResolvedSignature {
  checkArity(name, args, 1, Infinity);
  const t = commonTypeOf(args.map((a) => a.type));
  if (!t) typeMismatch(name, 1, args[1]!.type, `the same type as the value (${args[0]!.type.kind.toUpperCase()})`);
  const at = t!.kind === "null" ? BooleanType : t!;
  return { argTypes: args.map(() => at), returnType: BooleanType };
}

function compileIn(args: readonly CompiledExpr[], argExprs: readonly RExpr[]): CompiledExpr {
  const [fv, ...list] = args;
  const t = argExprs[0]!.type;
  const allLiteral = argExprs.slice(1).every((e) => isLiteral(e));
  const simple = t.kind !== "array" && t.kind !== "struct" && t.kind !== "map" && t.kind !== "binary";
  if (allLiteral && simple) {
    // the list's values after the casts to the common type (a literal 1.5 in a DECIMAL(12,2) list
    // is 150, 3 in a BIGINT list is 3n): evaluated once, on the first row
    let set: Set<unknown> | undefined;
    let hasNull = false;
    return (batch) => {
      const v = fv!(batch);
      const n = batch.numRows;
      if (set === undefined && n > 0) {
        const values = list.map((f) => valueAt(f(batch), 0));
        hasNull = values.some((x) => x === null);
        set = new Set<unknown>(values.filter((x) => x !== null).map((x) => (typeof x === "boolean" ? (x ? 1 : 0) : x)));
      }
      const x = v.values as ArrayLike<unknown>;
      const out = new Uint8Array(n);
      const validity = new Uint8Array(n);
      let anyNull = false;
      for (let i = 0; i < n; i++) {
        if (!validAt(v, i)) {
          anyNull = true;
          continue;
        }
        if (set!.has(x[i])) {
          out[i] = 1;
          validity[i] = 1;
        } else if (hasNull) anyNull = true;
        else validity[i] = 1;
      }
      return makeVector(BooleanType, out, anyNull ? validity : null);
    };
  }
  return mapRows(
    [fv!, ...list],
    BooleanType,
    (vals) => {
      if (vals[0] === null) return null;
      let sawNull = false;
      for (let k = 1; k < vals.length; k++) {
        if (vals[k] === null) sawNull = true;
        else if (valuesEqual(t, vals[0], vals[k])) return true;
      }
      return sawNull ? null : false;
    },
    false,
  );
}

function resolveStrings(args: readonly ArgInfo[], _ctx: EvalContext, name: string): ResolvedSignature {
  checkArity(name, args, 2, name === "like" || name === "ilike" ? 3 : 2);
  const bin = name !== "like" && name !== "ilike" && name !== "rlike" && args[0]!.type.kind === "binary" && args[1]!.type.kind === "binary";
  return { argTypes: args.map(() => (bin ? { kind: "binary" as const } : StringType)), returnType: BooleanType };
}

function compileMatch(args: readonly CompiledExpr[], argExprs: readonly RExpr[], _rt: DataType, _ctx: EvalContext, name: string): CompiledExpr {
  const escape = argExprs[2] ? String(literalOf(argExprs[2]) ?? "\\") : "\\";
  const toRegex = (p: string): RegExp => (name === "rlike" ? javaRegex(p) : likeRegex(p, name === "ilike", escape));
  const lit = isLiteral(argExprs[1]) ? literalOf(argExprs[1]) : undefined;
  if (typeof lit === "string") {
    const re = toRegex(lit);
    const f = args[0]!;
    return (batch) => {
      const v = f(batch);
      const x = v.values as string[];
      const out = new Uint8Array(batch.numRows);
      for (let i = 0; i < out.length; i++) if (validAt(v, i)) out[i] = re.test(x[i]!) ? 1 : 0;
      return makeVector(BooleanType, out, v.validity);
    };
  }
  return mapRows(args.slice(0, 2), BooleanType, ([s, p]) => toRegex(p as string).test(s as string));
}

function bytesIndexOf(h: Uint8Array, n: Uint8Array, from: number): number {
  outer: for (let i = from; i + n.length <= h.length; i++) {
    for (let j = 0; j < n.length; j++) if (h[i + j] !== n[j]) continue outer;
    return i;
  }
  return -1;
}

function compileSubstring(args: readonly CompiledExpr[], _e: readonly RExpr[], _rt: DataType, _ctx: EvalContext, name: string): CompiledExpr {
  return mapRows(args, BooleanType, ([s, p]) => {
    if (typeof s === "string") {
      const q = p as string;
      return name === "contains" ? s.includes(q) : name === "startswith" ? s.startsWith(q) : s.endsWith(q);
    }
    const h = s as Uint8Array;
    const q = p as Uint8Array;
    if (name === "contains") return bytesIndexOf(h, q, 0) >= 0;
    const off = name === "startswith" ? 0 : h.length - q.length;
    return off >= 0 && bytesIndexOf(h, q, off) === off;
  });
}

export const predicateFunctions: ScalarFunction[] = [
  ...define(["and", "or"], resolveBooleans, compileLogic),
  ...define("not", resolveBooleans, compileNot),
  ...define(["isnull", "isnotnull", "isnan"], resolveAny1, compileNullTests),
  ...define("in", resolveIn, compileIn),
  ...define(["like", "ilike", "rlike", "regexp", "regexp_like"], resolveStrings, compileMatch),
  ...define(["contains", "startswith", "endswith"], resolveStrings, compileSubstring),
];

export { valueAt };
