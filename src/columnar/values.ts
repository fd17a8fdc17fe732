/**
 * Engine values vs row values.
 * Engine value of a type: boolean → boolean; int/float/double → number; bigint → bigint (exact
 * int64); decimal → unscaled bigint (value × 10^scale, types/decimal-value.ts); date → days since 1970-01-01; timestamp → µs since the epoch (UTC); timestamp_ntz → µs since 1970-01-01 00:00 of the wall clock;
 * string → string; binary → Uint8Array; array → engine value[]; struct → object keyed by field
 * name; map → Map. Null is `null` everywhere.
 * Row values (what users see, API.md "Rows are plain objects"): as above, except date and
 * timestamp → Date (timestamp_ntz → a Date whose UTC fields are its wall-clock fields, as a DATE's
 * midnight is UTC midnight; input also takes "2024-01-01 10:00:00" / "2024-01-01T10:00:00" with no
 * zone), and DECIMAL → a string of its exact plain digits with exactly `scale`
 * fraction digits (`"1.50"` for DECIMAL(3,2), as Spark's CAST(d AS STRING) and node-postgres'
 * NUMERIC). Decimal input accepts such a string (any BigDecimal text; more fraction digits round
 * HALF_UP), a bigint (an integer) or a JS number (read through its shortest decimal text, the
 * digits the user wrote). BIGINT is a `bigint` both ways (input also accepts a safe-integer
 * number; an unsafe one is refused, since it was already rounded before it reached us).
 * ANSI intervals: INTERVAL YEAR TO MONTH (and its sub-forms) → a number of months; INTERVAL DAY
 * TO SECOND (and its sub-forms) → a `bigint` of microseconds (exact, Spark's Long; input also
 * accepts a safe-integer number). Their Spark text form comes from CAST(x AS STRING) or show().
 */
import { VariantVal } from "../types/variant-val.js";
import { inputError } from "../common/errors.js";
import { type DataType, integralBits, simpleString } from "../types/data-type.js";
import { formatDecimal, toDecimal } from "../types/decimal-value.js";

const MS_PER_DAY = 86_400_000;
/** A local date-time with no zone: what a TIMESTAMP_NTZ row value may be given as. */
const LOCAL_DATE_TIME = /^\d{4}-\d{2}-\d{2}(?:[ T](\d{2}:\d{2})(?:(:\d{2})(?:\.(\d{1,6}))?)?)?$/;

export function toRowValue(t: DataType, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  switch (t.kind) {
    case "decimal":
      return formatDecimal(v as bigint, t.scale);
    case "date":
      return new Date((v as number) * MS_PER_DAY);
    case "timestamp":
    case "timestamp_ntz":
      return new Date(Math.floor((v as number) / 1000));
    case "array":
      return (v as unknown[]).map((e) => toRowValue(t.elementType, e));
    case "map": {
      const out = new Map<unknown, unknown>();
      for (const [k, x] of v as Map<unknown, unknown>) out.set(toRowValue(t.keyType, k), toRowValue(t.valueType, x));
      return out;
    }
    case "struct": {
      const o = v as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const f of t.fields) out[f.name] = toRowValue(f.type, o[f.name]);
      return out;
    }
    default:
      return v;
  }
}

function bad(t: DataType, v: unknown, field?: string): never {
  throw inputError(
    "INVALID_ROW_VALUE",
    `Value ${describe(v)}${field ? ` of field \`${field}\`` : ""} cannot be stored as ${simpleString(t).toUpperCase()}`,
    { field, type: simpleString(t) },
  );
}

const describe = (v: unknown): string =>
  typeof v === "string" ? JSON.stringify(v) : v instanceof Date ? v.toISOString() : typeof v === "bigint" ? `${v}n` : String(v);

/** Parse a user-supplied row value into the engine value of `t`; throws INVALID_ROW_VALUE. */
export function fromRowValue(t: DataType, v: unknown, field?: string): unknown {
  if (v === null || v === undefined) return null;
  switch (t.kind) {
    case "null":
      return bad(t, v, field);
    case "string":
      return typeof v === "string" ? v : bad(t, v, field);
    case "boolean":
      return typeof v === "boolean" ? v : bad(t, v, field);
    case "byte":
    case "short":
    case "int": {
      const bits = integralBits(t);
      if (typeof v === "number" && Number.isInteger(v) && v >= -(2 ** (bits - 1)) && v < 2 ** (bits - 1)) return v;
      return bad(t, v, field);
    }
    case "bigint":
      if (typeof v === "bigint") return v >= -(2n ** 63n) && v < 2n ** 63n ? v : bad(t, v, field);
      if (typeof v === "number" && Number.isSafeInteger(v)) return BigInt(v);
      if (typeof v === "number" && Number.isInteger(v))
        throw inputError(
          "UNSAFE_BIGINT_NUMBER",
          `Value ${v} of field \`${field ?? "?"}\` is a JS number beyond 2^53, so it may already have been rounded; pass BIGINT values past Number.MAX_SAFE_INTEGER as a bigint (e.g. ${BigInt(v)}n)`,
          { field, value: String(v), type: "bigint" },
        );
      return bad(t, v, field);
    case "float":
      return typeof v === "number" ? Math.fround(v) : bad(t, v, field);
    case "double":
      return typeof v === "number" ? v : bad(t, v, field);
    case "decimal": {
      const text = typeof v === "number" ? (Number.isFinite(v) ? String(v) : "") : typeof v === "string" ? v : typeof v === "bigint" ? v.toString() : "";
      return toDecimal(text, t.precision, t.scale) ?? bad(t, v, field);
    }
    case "date":
      if (v instanceof Date) return Math.floor(v.getTime() / MS_PER_DAY);
      if (typeof v === "string" && /^\d{4}-\d{2}-\d{2}$/.test(v)) return Math.floor(Date.parse(v + "T00:00:00Z") / MS_PER_DAY);
      return bad(t, v, field);
    case "timestamp":
      if (v instanceof Date && !Number.isNaN(v.getTime())) return v.getTime() * 1000;
      if (typeof v === "string") {
        const ms = Date.parse(v);
        if (!Number.isNaN(ms)) return ms * 1000;
      }
      return bad(t, v, field);
    case "timestamp_ntz":
      if (v instanceof Date && !Number.isNaN(v.getTime())) return v.getTime() * 1000;
      if (typeof v === "string") {
        const m = LOCAL_DATE_TIME.exec(v);
        const ms = m ? Date.parse(`${v.slice(0, 10)}T${m[1] ?? "00:00"}${m[2] ?? ":00"}Z`) : NaN;
        if (!Number.isNaN(ms)) return ms * 1000 + Number((m![3] ?? "").padEnd(6, "0"));
      }
      return bad(t, v, field);
    case "year_month_interval":
      if (typeof v === "number" && Number.isInteger(v) && v >= -2147483648 && v <= 2147483647) return v;
      return bad(t, v, field);
    case "day_time_interval":
      if (typeof v === "bigint") return v >= -(2n ** 63n) && v < 2n ** 63n ? v : bad(t, v, field);
      if (typeof v === "number" && Number.isSafeInteger(v)) return BigInt(v);
      return bad(t, v, field);
    case "binary":
      if (v instanceof Uint8Array) return v;
      if (typeof v === "string") return new TextEncoder().encode(v);
      return bad(t, v, field);
    case "variant":
      // a VariantVal (what rows present); its bytes are checked when a function reads them
      return v instanceof VariantVal && v.metadata.length > 0 && (v.metadata[0]! & 15) === 1 && v.value.length > 0 ? v : bad(t, v, field);
    case "array":
      if (!Array.isArray(v)) return bad(t, v, field);
      return v.map((e) => fromRowValue(t.elementType, e, field));
    case "map": {
      const entries = v instanceof Map ? [...v.entries()] : typeof v === "object" ? Object.entries(v as object) : null;
      if (!entries) return bad(t, v, field);
      return new Map(entries.map(([k, x]) => [fromRowValue(t.keyType, k, field), fromRowValue(t.valueType, x, field)]));
    }
    case "struct": {
      if (typeof v !== "object" || Array.isArray(v) || v instanceof Date) return bad(t, v, field);
      const o = v as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const f of t.fields) out[f.name] = fromRowValue(f.type, o[f.name], f.name);
      return out;
    }
  }
}

/** A number that `exactJson` writes as these exact digits (a DECIMAL bound such as `12.50`). */
export class JsonNumberDigits {
  constructor(readonly digits: string) {}
}

/**
 * JSON.stringify where a `bigint` (or a JsonNumberDigits) becomes a JSON number of its exact
 * digits (JSON.stringify alone throws on bigint; Number() would round past 2^53). Used for Delta
 * stats and row comparisons.
 */
export function exactJson(x: unknown): string {
  return JSON.stringify(x, (_k, v: unknown) => (typeof v === "bigint" ? `\u0000INT64:${v}` : v instanceof JsonNumberDigits ? `\u0000INT64:${v.digits}` : v)).replace(
    /"\\u0000INT64:(-?[\d.]+)"/g,
    "$1",
  );
}
