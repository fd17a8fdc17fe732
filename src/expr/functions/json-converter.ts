/**
 * JSON values → engine values with the rules of Spark's JacksonParser, shared by the JSON file
 * reader (connectors/files/json-format.ts) and from_json: any JSON value fits a STRING column (as
 * its JSON text, literals as written), integral types take only integer literals that fit (exact
 * bigint for BIGINT: `1.0`, `1e3` and 2^63 are malformed), strings parse as dates, timestamps and
 * decimals, integer literals in a TIMESTAMP column are seconds since the epoch. Values come from
 * parseJsonRecord (json-scanner.ts): JS numbers where exact, JsonNumberText where the literal matters.
 */
import { type DataType, integralBits } from "../../types/data-type.js";
import { INEXACT_NUMBER, JsonNumberText, jsonText } from "./json-scanner.js";

/** JSON value → engine value, or BAD. */
export type JsonConverter = (v: unknown) => unknown;

/** Returned by a converter for a value that does not fit its type (a malformed field). */
export const BAD = Symbol("bad");

/**
 * How the text of dates, timestamps and decimals is read; callers supply them from their options
 * (the JSON file reader from its timestampFormat/dateFormat, from_json from its own). Each returns
 * the engine value, or null when the text does not fit.
 */
export interface JsonTextParsers {
  readonly timestamp: (s: string) => number | null;
  /** TIMESTAMP_NTZ text → wall-clock µs (text with a zone is not one). */
  readonly localTimestamp: (s: string) => number | null;
  readonly date: (s: string) => number | null;
  readonly decimal: (text: string, precision: number, scale: number) => unknown;
  /**
   * How a number or nested value lands in a STRING field. Spark 4 (spark.sql.json.enableExactStringParsing,
   * on by default) copies the value's bytes as written when the parser reads from bytes, as the
   * JSON file reader does (`-0`, `1E+3`, `{"x":1.50}`: test/bad-input's PySpark goldens); from_json
   * parses a string and re-writes the value through Jackson's generator instead (jsonText).
   */
  readonly exactStringParsing: boolean;
}

const NON_NUMERIC: Record<string, number> = { NaN: NaN, Infinity: Infinity, "+Infinity": Infinity, "-Infinity": -Infinity, INF: Infinity, "+INF": Infinity, "-INF": -Infinity };

/** Whether `t` holds an integral, TIMESTAMP or DECIMAL type inside an array, map or struct. */
function nestsExactType(t: DataType): boolean {
  const exact = (x: DataType): boolean => x.kind === "int" || x.kind === "bigint" || x.kind === "timestamp" || x.kind === "decimal" || nestsExactType(x);
  if (t.kind === "array") return exact(t.elementType);
  if (t.kind === "map") return exact(t.valueType);
  if (t.kind === "struct") return t.fields.some((f) => exact(f.type));
  return false;
}

/**
 * A test for records whose number literals must be read as written (parseJsonRecord), or none
 * when JSON.parse's numbers always suffice. For top-level columns it looks only at their own
 * values, so a record with doubles elsewhere keeps the fast path: an INT, BIGINT or TIMESTAMP
 * value with a fraction, exponent or 16+ digits (2^53 has 16: a BIGINT past it must never be
 * read through a double); a DECIMAL value of 16+ digits (beyond a double's
 * exact digits); a STRING column's number with a fraction, exponent, 16+ digits or `-0`, or its
 * array or object. A nested integral/DECIMAL/TIMESTAMP type falls back to any inexact literal.
 */
export function exactNumbersTest(fields: readonly { readonly name: string; readonly type: DataType }[]): RegExp | undefined {
  if (fields.some((f) => nestsExactType(f.type))) return INEXACT_NUMBER;
  const key = (f: { name: string }) => JSON.stringify(f.name).slice(1, -1).replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const integral = fields.filter((f) => f.type.kind === "int" || f.type.kind === "bigint" || f.type.kind === "timestamp").map(key);
  const decimal = fields.filter((f) => f.type.kind === "decimal").map(key);
  const text = fields.filter((f) => f.type.kind === "string").map(key);
  const alternatives = [
    ...(integral.length > 0 ? [`"(?:${integral.join("|")})"\\s*:\\s*-?(?:\\d+[.eE]|\\d{16})`] : []),
    ...(decimal.length > 0 ? [`"(?:${decimal.join("|")})"\\s*:\\s*-?[\\d.]{16}`] : []),
    // A STRING column takes a number or nested value as its JSON text: `1.0`, not `1`.
    ...(text.length > 0 ? [`"(?:${text.join("|")})"\\s*:\\s*(?:-?(?:\\d+[.eE]|\\d{16})|-0\\s*[,}\\]]|[[{])`] : []),
  ];
  return alternatives.length > 0 ? new RegExp(alternatives.join("|")) : undefined;
}

const INTEGER_LITERAL = /^-?\d+$/;
const LONG_MIN_DIGITS = "9223372036854775808";
const LONG_MAX_DIGITS = "9223372036854775807";

/**
 * A JSON integer literal that fits a Java long, as an exact bigint; else BAD. Spark's JSON parser
 * takes only integer tokens for integral types: `1.0` and `1e3` are malformed, as is 2^63
 * (Jackson's getLongValue overflows). A plain number comes from JSON.parse only for literals of at
 * most 15 digits without fraction or exponent (parseJsonRecord), so it is already exact; longer
 * literals arrive as JsonNumberText and their digits become the bigint directly.
 */
function longValue(v: unknown): bigint | typeof BAD {
  if (typeof v === "number") return Number.isSafeInteger(v) ? BigInt(v) : BAD;
  if (!(v instanceof JsonNumberText) || !INTEGER_LITERAL.test(v.text)) return BAD;
  const neg = v.text.startsWith("-");
  const digits = v.text.replace(/^-?0*/, "");
  if (digits.length > 19 || (digits.length === 19 && digits > (neg ? LONG_MIN_DIGITS : LONG_MAX_DIGITS))) return BAD;
  return BigInt(v.text);
}

/** Seconds since the epoch a Date can hold (±8.64e15 ms); beyond it a TIMESTAMP value is malformed. */
const MAX_TIMESTAMP_SECONDS = 8_640_000_000_000n;

const numberValue = (v: unknown): number | undefined => (typeof v === "number" ? v : v instanceof JsonNumberText ? v.value : undefined);

/** JSON value → engine value of `t`, or BAD. Numbers arrive as JS numbers or JsonNumberText. */
export function jsonConverter(t: DataType, o: JsonTextParsers): JsonConverter {
  switch (t.kind) {
    case "string":
      // Spark copies the value's JSON text; literals are as written when the record kept them.
      return (v) => (typeof v === "string" ? v : typeof v === "object" && v !== null ? jsonText(v, o.exactStringParsing) : JSON.stringify(v));
    case "boolean":
      return (v) => (typeof v === "boolean" ? v : BAD);
    case "byte":
    case "short":
    case "int": {
      const bits = BigInt(integralBits(t));
      return (v) => {
        const x = longValue(v);
        return x !== BAD && BigInt.asIntN(Number(bits), x) === x ? Number(x) : BAD;
      };
    }
    case "bigint":
      return longValue;
    case "float":
    case "double": {
      const round = t.kind === "float" ? Math.fround : (x: number) => x;
      return (v) => {
        const x = numberValue(v);
        return x !== undefined ? round(x) : typeof v === "string" && v in NON_NUMERIC ? NON_NUMERIC[v] : BAD;
      };
    }
    case "decimal":
      return (v) => (typeof v === "number" || typeof v === "string" ? (o.decimal(String(v), t.precision, t.scale) ?? BAD) : v instanceof JsonNumberText ? (o.decimal(v.text, t.precision, t.scale) ?? BAD) : BAD);
    case "timestamp": {
      // Integer literals are seconds since the epoch (Spark: getLongValue × 10^6); other numbers are malformed.
      const p = o.timestamp;
      return (v) => {
        if (typeof v === "string") return p(v) ?? BAD;
        const s = longValue(v);
        return s !== BAD && s <= MAX_TIMESTAMP_SECONDS && s >= -MAX_TIMESTAMP_SECONDS ? Number(s) * 1_000_000 : BAD;
      };
    }
    case "timestamp_ntz": {
      const p = o.localTimestamp;
      return (v) => (typeof v === "string" ? (p(v) ?? BAD) : BAD);
    }
    case "date": {
      const p = o.date;
      return (v) => (typeof v === "string" ? (p(v) ?? BAD) : BAD);
    }
    case "binary":
      return (v) => (typeof v === "string" ? new Uint8Array(Buffer.from(v, "base64")) : BAD);
    case "array": {
      const el = jsonConverter(t.elementType, o);
      return (v) => {
        if (!Array.isArray(v)) return BAD;
        const out = new Array<unknown>(v.length);
        for (let i = 0; i < v.length; i++) {
          const x = v[i] === null ? null : el(v[i]);
          if (x === BAD) return BAD;
          out[i] = x;
        }
        return out;
      };
    }
    case "map": {
      const val = jsonConverter(t.valueType, o);
      return (v) => {
        if (typeof v !== "object" || v === null || Array.isArray(v) || v instanceof JsonNumberText) return BAD;
        const m = new Map<unknown, unknown>();
        for (const [k, x] of Object.entries(v)) {
          const y = x === null ? null : val(x);
          if (y === BAD) return BAD;
          m.set(k, y);
        }
        return m;
      };
    }
    case "struct": {
      const convs = t.fields.map((f) => jsonConverter(f.type, o));
      return (v) => {
        if (typeof v !== "object" || v === null || Array.isArray(v) || v instanceof JsonNumberText) return BAD;
        const src = v as Record<string, unknown>;
        const out: Record<string, unknown> = {};
        for (let i = 0; i < t.fields.length; i++) {
          const name = t.fields[i]!.name;
          const x = src[name];
          const y = x === null || x === undefined ? null : convs[i]!(x);
          if (y === BAD) return BAD;
          out[name] = y;
        }
        return out;
      };
    }
    default:
      return () => BAD;
  }
}

