/**
 * Map constructors and views: map_from_arrays, map_from_entries, map_entries, map_concat,
 * str_to_map. Maps are JS `Map`s in insertion order. A duplicate key fails with
 * DUPLICATED_MAP_KEY and a null key with NULL_MAP_KEY (Spark's default mapKeyDedupPolicy=EXCEPTION).
 */
import { executionError } from "../../common/errors.js";
import { ArrayType, type DataType, MapType, StringType } from "../../types/data-type.js";
import type { ArgInfo, ScalarFunction } from "../function-types.js";
import { checkArity, define, mapRows, typeMismatch } from "./kernel.js";
import { getTimeZone } from "../datetime/time-zone.js";
import { valueToText } from "./value-text.js";

const valueText = (t: DataType, v: unknown): string => valueToText(t, v, getTimeZone("UTC"));

type MapT = Extract<DataType, { kind: "map" }>;

function putUnique(m: Map<unknown, unknown>, keyType: DataType, k: unknown, v: unknown): void {
  if (k === null || k === undefined) throw executionError("NULL_MAP_KEY", "Cannot use null as map key. Filter out or replace null keys first.");
  const existing = [...m.keys()].some((x) => x === k || (typeof k === "object" && JSON.stringify(x) === JSON.stringify(k)));
  if (existing) {
    throw executionError(
      "DUPLICATED_MAP_KEY",
      `Duplicate map key ${valueText(keyType, k)} was found, please check the input data. To keep the last value instead, set "spark.sql.mapKeyDedupPolicy" to "LAST_WIN".`,
      { key: String(k) },
    );
  }
  m.set(k, v);
}

function mapArg(name: string, a: ArgInfo, i: number): MapT {
  return a.type.kind === "map" ? a.type : typeMismatch(name, i, a.type, "a MAP");
}

export const mapFunctions: ScalarFunction[] = [
  ...define("map_from_arrays", (args, _c, name) => {
    checkArity(name, args, 2);
    const [k, v] = [args[0]!.type, args[1]!.type];
    if (k.kind !== "array") typeMismatch(name, 0, k, "an ARRAY of keys");
    if (v.kind !== "array") typeMismatch(name, 1, v, "an ARRAY of values");
    const kt = (k as { elementType: DataType }).elementType;
    const vt = (v as { elementType: DataType }).elementType;
    return { argTypes: [k, v], returnType: MapType(kt, vt, true) };
  }, (args, _e, rt) => {
    const kt = (rt as MapT).keyType;
    return mapRows(args, rt, ([ks, vs]) => {
      const keys = ks as unknown[];
      const values = vs as unknown[];
      if (keys.length !== values.length) {
        throw executionError("INVALID_PARAMETER_VALUE", `map_from_arrays needs key and value arrays of the same length, got ${keys.length} keys and ${values.length} values.`);
      }
      const m = new Map<unknown, unknown>();
      keys.forEach((k, i) => putUnique(m, kt, k, values[i]));
      return m;
    });
  }),
  ...define("map_from_entries", (args, _c, name) => {
    checkArity(name, args, 1);
    const t = args[0]!.type;
    const st = t.kind === "array" ? t.elementType : undefined;
    if (st === undefined || st.kind !== "struct" || st.fields.length !== 2) return typeMismatch(name, 0, t, "an ARRAY of two-field STRUCTs");
    return { argTypes: [t], returnType: MapType(st.fields[0]!.type, st.fields[1]!.type, true) };
  }, (args, argExprs, rt) => {
    const st = (argExprs[0]!.type as { elementType: { fields: readonly { name: string }[] } }).elementType;
    const [kf, vf] = [st.fields[0]!.name, st.fields[1]!.name];
    const kt = (rt as MapT).keyType;
    return mapRows(args, rt, ([entries]) => {
      const m = new Map<unknown, unknown>();
      for (const e of entries as (Record<string, unknown> | null)[]) {
        if (e === null) return null;
        putUnique(m, kt, e[kf], e[vf] ?? null);
      }
      return m;
    });
  }),
  ...define("map_entries", (args, _c, name) => {
    checkArity(name, args, 1);
    const t = mapArg(name, args[0]!, 0);
    const entry: DataType = { kind: "struct", fields: [{ name: "key", type: t.keyType, nullable: false }, { name: "value", type: t.valueType, nullable: t.valueContainsNull }] };
    return { argTypes: [t], returnType: ArrayType(entry, false) };
  }, (args, _e, rt) => mapRows(args, rt, ([m]) => [...(m as Map<unknown, unknown>)].map(([key, value]) => ({ key, value })))),
  ...define("map_concat", (args, _c, name) => {
    checkArity(name, args, 1, Infinity);
    const ts = args.map((a, i) => mapArg(name, a, i));
    const first = ts[0]!;
    ts.forEach((t, i) => t.keyType.kind === first.keyType.kind && t.valueType.kind === first.valueType.kind ? undefined : typeMismatch(name, i, t, `a MAP like the first argument`));
    const rt = MapType(first.keyType, first.valueType, ts.some((t) => t.valueContainsNull));
    return { argTypes: args.map(() => rt), returnType: rt };
  }, (args, _e, rt) => {
    const kt = (rt as MapT).keyType;
    return mapRows(args, rt, (maps) => {
      const m = new Map<unknown, unknown>();
      for (const x of maps as Map<unknown, unknown>[]) for (const [k, v] of x) putUnique(m, kt, k, v);
      return m;
    });
  }),
  ...define("str_to_map", (args, _c, name) => {
    checkArity(name, args, 1, 3);
    args.forEach((a, i) => (["array", "map", "struct", "binary"].includes(a.type.kind) ? typeMismatch(name, i, a.type, "STRING") : undefined));
    return { argTypes: args.map(() => StringType), returnType: MapType(StringType, StringType, true) };
  }, (args) =>
    mapRows(args, MapType(StringType, StringType, true), ([s, pairDelim, kvDelim]) => {
      const m = new Map<unknown, unknown>();
      const pd = new RegExp((pairDelim as string | undefined) ?? ",");
      const kd = new RegExp((kvDelim as string | undefined) ?? ":");
      for (const pair of (s as string).split(pd)) {
        const at = kd.exec(pair);
        putUnique(m, StringType, at ? pair.slice(0, at.index) : pair, at ? pair.slice(at.index + at[0].length) : null);
      }
      return m;
    }),
  ),
];
