/**
 * Structs, arrays and maps: struct, named_struct, array, map, size, array_contains, element_at,
 * sort_array, array_distinct, map_keys, map_values, get_struct_field (a.b), get_item (a[0], m['k']).
 * Engine values: arrays are JS arrays, structs plain objects keyed by field name, maps `Map`s.
 */
import { analysisError, executionError } from "../../common/errors.js";
import { ArrayType, BooleanType, type DataType, IntegerType, MapType, StringType, type StructField } from "../../types/data-type.js";
import type { ArgInfo, CompiledExpr, EvalContext, ResolvedSignature, ScalarFunction } from "../function-types.js";
import type { RExpr } from "../resolved-expr.js";
import { compareNullable, valuesEqual } from "./compare-values.js";
import { checkArity, define, literalOf, mapRows, typeMismatch } from "./kernel.js";
import { commonTypeOf } from "./numeric-types.js";

function common(name: string, types: readonly DataType[], offset: number): DataType {
  const t = commonTypeOf(types);
  if (!t) typeMismatch(name, offset, types[0]!, "arguments of one common type");
  return t!.kind === "null" ? StringType : t!;
}

/** `struct(...)`: field names come from referenced columns, else col1, col2, … */
function compileStruct(args: readonly CompiledExpr[], _e: readonly RExpr[], rt: DataType): CompiledExpr {
  const fields = rt.kind === "struct" ? rt.fields : [];
  return mapRows(
    args,
    rt,
    (vals) => {
      const o: Record<string, unknown> = {};
      fields.forEach((f, i) => (o[f.name] = exactLong(vals[i] ?? null, f.type)));
      return o;
    },
    false,
  );
}

/** A row kernel's BIGINT argument (a number while it is a safe integer) as the bigint a nested value must hold. */
const exactLong = (v: unknown, t: DataType): unknown => (t.kind === "bigint" && typeof v === "number" ? BigInt(v) : v);

function resolveStruct(args: readonly ArgInfo[], _ctx: EvalContext, name: string): ResolvedSignature {
  if (name === "named_struct") {
    if (args.length % 2 !== 0) throw analysisError("WRONG_NUM_ARGS", "named_struct expects an even number of arguments: name1, value1, name2, value2, …", { function: name });
    const fields: StructField[] = [];
    for (let i = 0; i < args.length; i += 2) {
      const n = literalOf(args[i]);
      if (typeof n !== "string") typeMismatch(name, i, args[i]!.type, "a STRING literal field name");
      fields.push({ name: n as string, type: args[i + 1]!.type, nullable: args[i + 1]!.nullable });
    }
    return { argTypes: args.map((a) => a.type), returnType: { kind: "struct", fields }, nullable: false };
  }
  const fields = args.map((a, i) => ({ name: `col${i + 1}`, type: a.type, nullable: a.nullable }));
  return { argTypes: args.map((a) => a.type), returnType: { kind: "struct", fields }, nullable: false };
}

/**
 * `struct(a, b)` names its fields col1, col2, … here because `resolve` sees only types; Spark names
 * them after referenced columns, which the analyzer gets by rewriting struct(...) to named_struct.
 */
const structFunctions: ScalarFunction[] = [
  ...define("struct", resolveStruct, compileStruct),
  ...define("named_struct", resolveStruct, (args, argExprs, rt) => {
    const values = args.filter((_, i) => i % 2 === 1);
    return compileStruct(values, argExprs, rt);
  }),
];

function elementTypeOf(name: string, a: ArgInfo, i = 0): DataType {
  if (a.type.kind === "array") return a.type.elementType;
  if (a.type.kind === "null") return StringType;
  return typeMismatch(name, i, a.type, "an ARRAY");
}

const indexZero = () =>
  executionError("INVALID_INDEX_OF_ZERO", "The index 0 is invalid. An index shall be either < 0 or > 0 (the first element has index 1).");

export const collectionFunctions: ScalarFunction[] = [
  ...structFunctions,
  ...define("array", (args, _c, name) => {
    // array() is ARRAY<VOID> in Spark (an empty array of the null type).
    const t: DataType = args.length === 0 ? { kind: "null" } : common(name, args.map((a) => a.type), 0);
    return { argTypes: args.map(() => t), returnType: ArrayType(t, args.length === 0 || args.some((a) => a.nullable)), nullable: false };
  }, (args, _e, rt) => mapRows(args, rt, (vals) => vals.map((v) => exactLong(v, (rt as { elementType: DataType }).elementType)), false)),
  ...define("map", (args, _c, name) => {
    if (args.length % 2 !== 0) throw analysisError("WRONG_NUM_ARGS", "map expects an even number of arguments: key1, value1, key2, value2, …", { function: name });
    const kt = args.length === 0 ? StringType : common(name, args.filter((_, i) => i % 2 === 0).map((a) => a.type), 0);
    const vt = args.length === 0 ? StringType : common(name, args.filter((_, i) => i % 2 === 1).map((a) => a.type), 1);
    return { argTypes: args.map((_, i) => (i % 2 === 0 ? kt : vt)), returnType: MapType(kt, vt), nullable: false };
  }, (args, _e, rt) =>
    mapRows(
      args,
      rt,
      (vals) => {
        const m = new Map<unknown, unknown>();
        for (let i = 0; i < vals.length; i += 2) {
          if (vals[i] === null) throw executionError("NULL_MAP_KEY", "Cannot use null as a map key. Filter out or replace null keys (e.g. with coalesce) first.");
          const key = exactLong(vals[i], (rt as { keyType: DataType }).keyType);
          if (m.has(key)) throw executionError("DUPLICATED_MAP_KEY", `Duplicate map key ${String(vals[i])} was found. Remove duplicate keys before building the map.`, { key: String(vals[i]) });
          m.set(key, exactLong(vals[i + 1], (rt as { valueType: DataType }).valueType));
        }
        return m;
      },
      false,
    ),
  ),
  ...define(["size", "cardinality"], (args, _c, name) => {
    checkArity(name, args, 1);
    if (!["array", "map", "null"].includes(args[0]!.type.kind)) typeMismatch(name, 0, args[0]!.type, "an ARRAY or MAP");
    return { argTypes: [args[0]!.type], returnType: IntegerType };
  }, (args) => mapRows(args, IntegerType, ([x]) => (x instanceof Map ? x.size : (x as unknown[]).length))),
  ...define("array_contains", (args, _c, name) => {
    checkArity(name, args, 2);
    const et = elementTypeOf(name, args[0]!);
    const t = common(name, [et, args[1]!.type], 1);
    return { argTypes: [ArrayType(t), t], returnType: BooleanType };
  }, (args, argExprs) => {
    const et = (argExprs[0]!.type as { elementType: DataType }).elementType;
    return mapRows(args, BooleanType, ([arr, v]) => {
      let sawNull = false;
      for (const e of arr as unknown[]) {
        if (e === null) sawNull = true;
        else if (valuesEqual(et, e, v)) return true;
      }
      return sawNull ? null : false;
    });
  }),
  ...define(["element_at", "try_element_at"], (args, _c, name) => {
    checkArity(name, args, 2);
    const t = args[0]!.type;
    if (t.kind === "array") return { argTypes: [t, IntegerType], returnType: t.elementType };
    if (t.kind === "map") return { argTypes: [t, t.keyType], returnType: t.valueType };
    return typeMismatch(name, 0, t, "an ARRAY or MAP");
  }, (args, argExprs, rt, ctx, name) => {
    const strict = ctx.ansi && name === "element_at";
    return mapRows(args, rt, ([c, k]) => {
      if (c instanceof Map) return c.has(k) ? c.get(k) : null;
      const a = c as unknown[];
      const i = k as number;
      if (i === 0) throw indexZero();
      const idx = i > 0 ? i - 1 : a.length + i;
      if (idx < 0 || idx >= a.length) {
        if (strict)
          throw executionError(
            "INVALID_ARRAY_INDEX_IN_ELEMENT_AT",
            `The index ${i} is out of bounds. The array has ${a.length} elements. Use \`try_element_at\` to tolerate accessing element at invalid index and return NULL instead.`,
            { index: i, size: a.length },
          );
        return null;
      }
      return a[idx];
    });
    void argExprs;
  }),
  ...define("get_item", (args, _c, name) => {
    checkArity(name, args, 2);
    const t = args[0]!.type;
    if (t.kind === "array") {
      if (!["int", "bigint", "null", "string"].includes(args[1]!.type.kind)) typeMismatch(name, 1, args[1]!.type, "an INT index");
      return { argTypes: [t, IntegerType], returnType: t.elementType };
    }
    if (t.kind === "map") return { argTypes: [t, t.keyType], returnType: t.valueType };
    return typeMismatch(name, 0, t, "an ARRAY or MAP");
  }, (args, _e, rt, ctx) =>
    mapRows(args, rt, ([c, k]) => {
      if (c instanceof Map) return c.has(k) ? c.get(k) : null;
      const a = c as unknown[];
      const i = k as number;
      if (i >= 0 && i < a.length) return a[i];
      if (ctx.ansi) {
        // Spark 4 under ANSI: arr[i] out of range fails (element_at has its own error class).
        throw executionError(
          "INVALID_ARRAY_INDEX",
          `The index ${i} is out of bounds. The array has ${a.length} elements. Use the SQL function \`get()\` to tolerate accessing element at invalid index and return NULL instead.`,
          { index: i, size: a.length },
        );
      }
      return null;
    }),
  ),
  ...define("get", (args, _c, name) => {
    checkArity(name, args, 2);
    const t = args[0]!.type;
    if (t.kind !== "array") return typeMismatch(name, 0, t, "an ARRAY");
    if (!["int", "bigint", "null", "string"].includes(args[1]!.type.kind)) typeMismatch(name, 1, args[1]!.type, "an INT index");
    return { argTypes: [t, IntegerType], returnType: t.elementType };
  }, (args, _e, rt) =>
    mapRows(args, rt, ([c, k]) => {
      const a = c as unknown[];
      const i = k as number;
      return i >= 0 && i < a.length ? a[i] : null;
    }),
  ),
  ...define("get_struct_field", (args, _c, name) => {
    checkArity(name, args, 2);
    const t = args[0]!.type;
    const want = literalOf(args[1]);
    if (t.kind !== "struct") return typeMismatch(name, 0, t, "a STRUCT");
    const f = t.fields.find((x) => x.name === want) ?? t.fields.find((x) => typeof want === "string" && x.name.toLowerCase() === want.toLowerCase());
    if (!f)
      throw analysisError(
        "FIELD_NOT_FOUND",
        `No such struct field \`${String(want)}\` in ${t.fields.map((x) => `\`${x.name}\``).join(", ")}. Use one of the struct's fields.`,
        { field: String(want) },
      );
    return { argTypes: [t, StringType], returnType: f.type };
  }, (args, argExprs, rt) => {
    const t = argExprs[0]!.type;
    const want = literalOf(argExprs[1]);
    const f = t.kind === "struct" ? (t.fields.find((x) => x.name === want) ?? t.fields.find((x) => x.name.toLowerCase() === String(want).toLowerCase())) : undefined;
    const key = f?.name ?? String(want);
    return mapRows([args[0]!], rt, ([s]) => (s as Record<string, unknown>)[key] ?? null);
  }),
  ...define("sort_array", (args, _c, name) => {
    checkArity(name, args, 1, 2);
    elementTypeOf(name, args[0]!);
    return { argTypes: [args[0]!.type, BooleanType].slice(0, args.length), returnType: args[0]!.type };
  }, (args, argExprs, rt) => {
    const et = (argExprs[0]!.type as { elementType: DataType }).elementType;
    return mapRows(args, rt, ([a, asc]) => {
      const dir = asc === false ? -1 : 1;
      return [...(a as unknown[])].sort((x, y) => dir * compareNullable(et, x, y));
    });
  }),
  ...define("array_distinct", (args, _c, name) => {
    checkArity(name, args, 1);
    elementTypeOf(name, args[0]!);
    return { argTypes: [args[0]!.type], returnType: args[0]!.type };
  }, (args, argExprs, rt) => {
    const et = (argExprs[0]!.type as { elementType: DataType }).elementType;
    return mapRows(args, rt, ([a]) => {
      const out: unknown[] = [];
      for (const e of a as unknown[]) if (!out.some((o) => (o === null ? e === null : e !== null && valuesEqual(et, o, e)))) out.push(e);
      return out;
    });
  }),
  ...define(["map_keys", "map_values"], (args, _c, name) => {
    checkArity(name, args, 1);
    const t = args[0]!.type;
    if (t.kind !== "map") return typeMismatch(name, 0, t, "a MAP");
    return { argTypes: [t], returnType: name === "map_keys" ? ArrayType(t.keyType, false) : ArrayType(t.valueType, t.valueContainsNull) };
  }, (args, _e, rt, _ctx, name) => mapRows(args, rt, ([m]) => [...(name === "map_keys" ? (m as Map<unknown, unknown>).keys() : (m as Map<unknown, unknown>).values())])),
];
