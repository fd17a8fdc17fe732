/**
 * The parity corpus's typed JSON encoding (the same rules as scripts/oracle/parity_json.py):
 *   null → null · BOOLEAN → boolean · INT/BIGINT → number, or a string when |v| > 2^53 − 1
 *   FLOAT/DOUBLE → number, or "NaN" / "Infinity" / "-Infinity" · DECIMAL(p,s) → string with s digits
 *   STRING → string · BINARY → base64 · DATE → "YYYY-MM-DD"
 *   TIMESTAMP → "YYYY-MM-DD HH:MM:SS[.ffffff]", the UTC instant whatever the session time zone
 *   ARRAY → list · MAP → list of [key, value] pairs in map order · STRUCT → object by field name
 * `decodeValue` turns dataset values into Sluice row values; `encodeValue` turns Sluice result
 * values back into typed JSON; `ddlOf` writes a schema the way the oracle does.
 */
import { type DataType, sqlTypeName, type StructTypeLike } from "../../../src/types/data-type.js";
import { formatDayTimeInterval, formatYearMonthInterval } from "../../../src/expr/datetime/ansi-interval.js";

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const SPECIAL_DOUBLES: Readonly<Record<string, number>> = { NaN: NaN, Infinity: Infinity, "-Infinity": -Infinity };
const TIMESTAMP_TEXT = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?$/;

function fail(what: string, t: DataType, v: unknown): never {
  throw new Error(`parity typed JSON: cannot ${what} ${JSON.stringify(v) ?? String(v)} as ${t.kind}`);
}

/** Typed JSON from a dataset file → the value Sluice's createDataFrame takes for type `t`. */
export function decodeValue(t: DataType, v: Json): unknown {
  if (v === null) return null;
  switch (t.kind) {
    case "byte":
    case "short":
    case "int":
    case "bigint":
      if (typeof v === "string" && /^-?\d+$/.test(v)) return Number.isSafeInteger(Number(v)) ? Number(v) : BigInt(v);
      if (typeof v === "number" && Number.isInteger(v)) return v;
      return fail("decode", t, v);
    case "float":
    case "double":
      if (typeof v === "number") return v;
      if (typeof v === "string" && v in SPECIAL_DOUBLES) return SPECIAL_DOUBLES[v];
      return fail("decode", t, v);
    case "decimal":
      return typeof v === "string" ? v : fail("decode", t, v);
    case "date":
      return typeof v === "string" && /^\d{4}-\d{2}-\d{2}$/.test(v) ? new Date(`${v}T00:00:00Z`) : fail("decode", t, v);
    case "timestamp":
    case "timestamp_ntz": {
      const m = typeof v === "string" ? TIMESTAMP_TEXT.exec(v) : null;
      if (!m) return fail("decode", t, v);
      const ms = (m[3] ?? "").padEnd(3, "0").slice(0, 3);
      return new Date(`${m[1]}T${m[2]}.${ms}Z`);
    }
    case "binary":
      return typeof v === "string" ? new Uint8Array(Buffer.from(v, "base64")) : fail("decode", t, v);
    case "array":
      return Array.isArray(v) ? v.map((x) => decodeValue(t.elementType, x)) : fail("decode", t, v);
    case "map":
      if (!Array.isArray(v)) return fail("decode", t, v);
      return new Map(
        v.map((pair) => {
          if (!Array.isArray(pair) || pair.length !== 2) return fail("decode map entry", t, pair);
          return [decodeValue(t.keyType, pair[0]!), decodeValue(t.valueType, pair[1]!)];
        }),
      );
    case "struct": {
      if (typeof v !== "object" || Array.isArray(v)) return fail("decode", t, v);
      return Object.fromEntries(t.fields.map((f) => [f.name, decodeValue(f.type, v[f.name] ?? null)]));
    }
    case "boolean":
      return typeof v === "boolean" ? v : fail("decode", t, v);
    case "string":
      return typeof v === "string" ? v : fail("decode", t, v);
    case "null":
    case "variant":
      return fail("decode", t, v);
  }
}

const pad = (n: number, width = 2): string => String(n).padStart(width, "0");

/** A Date as the corpus writes timestamps: UTC, microseconds only when non-zero. */
export function formatTimestamp(d: Date): string {
  const base = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  const ms = d.getUTCMilliseconds();
  return ms === 0 ? base : `${base}.${pad(ms * 1000, 6)}`;
}

function encodeIntegral(t: DataType, v: unknown): Json {
  if (typeof v === "bigint") return v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v.toString();
  if (typeof v === "number" && Number.isInteger(v)) return Number.isSafeInteger(v) ? v : BigInt(v).toString();
  return fail("encode", t, v);
}

/** A value from a Sluice result row → typed JSON, by the result column's type. */
export function encodeValue(t: DataType, v: unknown): Json {
  if (v === null || v === undefined) return null;
  switch (t.kind) {
    case "byte":
    case "short":
    case "int":
    case "bigint":
      return encodeIntegral(t, v);
    case "float":
    case "double":
      if (typeof v !== "number") return fail("encode", t, v);
      if (Number.isNaN(v)) return "NaN";
      if (!Number.isFinite(v)) return v > 0 ? "Infinity" : "-Infinity";
      return v;
    case "decimal":
      if (typeof v === "number") return v.toFixed(t.scale);
      if (typeof v === "string" || typeof v === "bigint") return String(v);
      return fail("encode", t, v);
    case "date":
      return v instanceof Date ? formatTimestamp(v).slice(0, 10) : fail("encode", t, v);
    case "timestamp":
    case "timestamp_ntz":
      return v instanceof Date ? formatTimestamp(v) : fail("encode", t, v);
    case "binary":
      return v instanceof Uint8Array ? Buffer.from(v).toString("base64") : fail("encode", t, v);
    case "variant":
      return fail("encode", t, v); // the corpus writes to_json(v) instead (parity_json.py has no VARIANT form)
    case "year_month_interval":
      return typeof v === "number" ? formatYearMonthInterval(v, t) : fail("encode", t, v);
    case "day_time_interval":
      return typeof v === "bigint" ? formatDayTimeInterval(v, t) : fail("encode", t, v);
    case "array":
      return Array.isArray(v) ? v.map((x) => encodeValue(t.elementType, x)) : fail("encode", t, v);
    case "map": {
      const entries = v instanceof Map ? [...v.entries()] : typeof v === "object" ? Object.entries(v as object) : null;
      if (!entries) return fail("encode", t, v);
      return entries.map(([k, x]) => [encodeValue(t.keyType, k), encodeValue(t.valueType, x)]);
    }
    case "struct": {
      if (typeof v !== "object" || Array.isArray(v)) return fail("encode", t, v);
      const o = v as Record<string, unknown>;
      return Object.fromEntries(t.fields.map((f) => [f.name, encodeValue(f.type, o[f.name])]));
    }
    case "boolean":
      return typeof v === "boolean" ? v : fail("encode", t, v);
    case "string":
      return typeof v === "string" ? v : fail("encode", t, v);
    case "null":
      return fail("encode", t, v);
  }
}

const quote = (name: string): string => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : "`" + name.replace(/`/g, "``") + "`");

/** Spark's SQL name of a type, as the oracle writes it: INT, DECIMAL(10,2), MAP<STRING, INT>, … */
export function sqlType(t: DataType, nullability = true): string {
  switch (t.kind) {
    case "null":
      return "VOID";
    case "decimal":
      return `DECIMAL(${t.precision},${t.scale})`;
    case "array":
      return `ARRAY<${sqlType(t.elementType, nullability)}>`;
    case "map":
      return `MAP<${sqlType(t.keyType, nullability)}, ${sqlType(t.valueType, nullability)}>`;
    case "struct":
      return `STRUCT<${t.fields.map((f) => `${quote(f.name)}: ${sqlType(f.type, nullability)}${nullability && !f.nullable ? " NOT NULL" : ""}`).join(", ")}>`;
    case "byte":
    case "short":
    case "year_month_interval":
    case "day_time_interval":
      return sqlTypeName(t);
    default:
      return t.kind.toUpperCase();
  }
}

/** `name TYPE[ NOT NULL], …`; with `nullability` false the NOT NULL markers are left out. */
export function ddlOf(schema: StructTypeLike, nullability = true): string {
  return schema.fields.map((f) => `${quote(f.name)} ${sqlType(f.type, nullability)}${nullability && !f.nullable ? " NOT NULL" : ""}`).join(", ");
}

/** Drop the NOT NULL markers from a DDL string written by the oracle. */
export const withoutNullability = (ddl: string): string => ddl.replace(/ NOT NULL/g, "");
