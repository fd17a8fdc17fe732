/**
 * Spark's type mapping between PostgreSQL and Spark SQL types (facts from Spark's PostgresDialect
 * and JdbcUtils), and the conversions between PostgreSQL's text forms and engine values.
 *
 * Reading (PostgresDialect.getCatalystType / toCatalystType):
 *   bool, bit(1) → BOOLEAN · bit(n>1) → BINARY · int2 → SMALLINT (Spark 4's ShortType, recorded
 *   on PySpark 4.0.1: test/jdbc/golden/jdbc_parity.json) · int4 → INT · int8, oid → BIGINT · float4 → FLOAT ·
 *   float8 → DOUBLE · numeric(p,s) → DECIMAL(p,s) (p capped at 38), numeric → DECIMAL(38,18) ·
 *   bytea → BINARY · date → DATE · timestamp, timestamptz, time, timetz → TIMESTAMP (timestamp and
 *   time → TIMESTAMP_NTZ with preferTimestampNTZ) ·
 *   money, text, varchar, char, json, uuid, inet, interval, enums and every other type → STRING ·
 *   arrays of the above → ARRAY (money[] and arrays of unknown element types are refused).
 * Writing (PostgresDialect.getJDBCType, then JdbcUtils.getCommonJDBCType):
 *   STRING → TEXT · BINARY → BYTEA · BOOLEAN → BOOLEAN · FLOAT → FLOAT4 · DOUBLE → FLOAT8 ·
 *   INT → INTEGER · BIGINT → BIGINT · DECIMAL(p,s) → NUMERIC(p,s) · DATE → DATE ·
 *   TIMESTAMP → TIMESTAMP WITH TIME ZONE (Spark 4) · TIMESTAMP_NTZ → TIMESTAMP · ARRAY<atomic> → element type + "[]"; MAP and
 *   STRUCT are refused. Every column reads as nullable (Spark's JDBC schema is always nullable).
 * Timestamps without a time zone are wall-clock times in the session time zone both ways, as the
 * JDBC driver reads and writes them in the JVM's zone (Spark's default session zone).
 */
import { configError, inputError, unsupported } from "../../common/errors.js";
import { daysFromCivil, US_PER_DAY } from "../../expr/datetime/calendar.js";
import { fromLocalUs, getTimeZone, type TimeZone } from "../../expr/datetime/time-zone.js";
import { formatDateDays, formatTimestampUs } from "../../expr/datetime/timestamp-text.js";
import { type DataType, ArrayType, BinaryType, BooleanType, DateType, DecimalType, DoubleType, FloatType, IntegerType, integralBits, LongType, ShortType, StringType, TimestampNTZType, TimestampType, simpleString } from "../../types/data-type.js";
import type { DescribedColumn } from "./sync-query.js";
import { formatDecimal } from "../../types/decimal-value.js";

/** Spark's DecimalType.SYSTEM_DEFAULT, for numeric without precision (SPARK-26538). */
const SYSTEM_DEFAULT_DECIMAL = DecimalType(38, 18);
/** TIMESTAMP_NTZ values are wall-clock µs: read and written as UTC, no zone shifts them. */
const UTC = getTimeZone("UTC");

/** numeric's precision and scale from its type modifier; undefined when unconstrained. */
function numericTypmod(typmod: number): { precision: number; scale: number } | undefined {
  if (typmod < 4) return undefined;
  const m = typmod - 4;
  return { precision: (m >> 16) & 0xffff, scale: m & 0xffff };
}

const STRING_TYPES = new Set([
  "text", "varchar", "char", "bpchar", "name", "cidr", "inet", "json", "jsonb", "uuid", "xml", "tsvector", "tsquery", "macaddr", "macaddr8",
  "txid_snapshot", "point", "line", "lseg", "box", "path", "polygon", "circle", "pg_lsn", "varbit", "interval", "pg_snapshot",
]);

/** The Spark type of a PostgreSQL element/scalar type name, or undefined when Spark has none. */
function scalarType(typeName: string, typmod: number, inArray: boolean, preferNTZ: boolean): DataType | undefined {
  switch (typeName) {
    case "bool":
      return BooleanType;
    case "bit":
      // A scalar bit(1) is BOOLEAN (the driver reports Types.BIT, size 1); bit[] and bit(n) are BINARY.
      return !inArray && typmod === 1 ? BooleanType : BinaryType;
    case "int2":
      return ShortType;
    case "int4":
      return IntegerType;
    case "int8":
    case "oid":
      return LongType;
    case "float4":
      return FloatType;
    case "float8":
      return DoubleType;
    case "bytea":
      return BinaryType;
    case "date":
      return DateType;
    case "timestamp":
    case "time":
      return preferNTZ ? TimestampNTZType : TimestampType;
    case "timestamptz":
    case "timetz":
      return TimestampType;
    case "numeric":
    case "decimal": {
      const pm = numericTypmod(typmod);
      return pm && pm.precision > 0 ? DecimalType(Math.min(pm.precision, 38), Math.min(pm.scale, 38)) : SYSTEM_DEFAULT_DECIMAL;
    }
    case "money":
      // Scalar money reads as text (SPARK-34333); money[] has no mapping.
      return inArray ? undefined : StringType;
    default:
      return STRING_TYPES.has(typeName) || !inArray ? StringType : undefined;
  }
}

/** The Spark type of a described column; refuses what Spark cannot map (UNRECOGNIZED_SQL_TYPE). */
export function columnType(c: DescribedColumn, preferNTZ = false): DataType {
  if (c.elementTypeName !== "") {
    // Array type modifiers are the element's (numeric(10,2)[] keeps 10,2).
    const e = c.elementTypeName.startsWith("_") ? undefined : scalarType(c.elementTypeName, c.dataTypeModifier, true, preferNTZ);
    if (e) return ArrayType(e);
  } else {
    const t = scalarType(c.typeName, c.dataTypeModifier, false, preferNTZ);
    if (t) return t;
  }
  throw unsupported("UNRECOGNIZED_SQL_TYPE", `Unrecognized SQL type - name: ${c.typeName || "?"}, id: ${c.dataTypeID}, column: ${c.name}. Cast it in a query (option "query") to a type Spark maps, e.g. text.`, { column: c.name, type: c.typeName });
}

/** PostgreSQL's column type for a Spark type (CREATE TABLE); refuses types Spark cannot write. */
export function pgTypeOf(t: DataType, column: string): string {
  switch (t.kind) {
    case "string":
      return "TEXT";
    case "binary":
      return "BYTEA";
    case "boolean":
      return "BOOLEAN";
    case "float":
      return "FLOAT4";
    case "double":
      return "FLOAT8";
    case "byte":
    case "short":
      return "SMALLINT"; // Spark's PostgresDialect: PostgreSQL has no 1-byte integer
    case "int":
      return "INTEGER";
    case "bigint":
      return "BIGINT";
    case "decimal":
      return `NUMERIC(${t.precision},${t.scale})`;
    case "date":
      return "DATE";
    case "timestamp":
      // Spark 4's PostgresDialect (recorded on PySpark 4.0.1: test/jdbc/golden/jdbc_parity.json).
      return "TIMESTAMP WITH TIME ZONE";
    case "timestamp_ntz":
      return "TIMESTAMP";
    case "array":
      if (t.elementType.kind !== "array" && t.elementType.kind !== "map" && t.elementType.kind !== "struct" && t.elementType.kind !== "null") return `${pgTypeOf(t.elementType, column)}[]`;
      break;
    default:
      break;
  }
  throw unsupported("JDBC_UNSUPPORTED_TYPE", `Can't get JDBC type for ${simpleString(t)} (column ${column}): PostgreSQL columns take atomic types and arrays of them. Convert it first, e.g. with to_json(${column}).`, { column, type: simpleString(t) });
}

// ---- text → engine values -------------------------------------------------------------------

/** Turns one text value of a column into the engine value of its Spark type. */
export type Decoder = (text: string) => unknown;

const TS_RE = /^(\d{4,})-(\d\d)-(\d\d)[ T](\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))?([+-]\d\d(?::?\d\d(?::?\d\d)?)?)?( BC)?$/;
const DATE_RE = /^(\d{4,})-(\d\d)-(\d\d)( BC)?$/;
const TIME_RE = /^(\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))?([+-]\d\d(?::?\d\d(?::?\d\d)?)?)?$/;

const yearOf = (y: string, bc: string | undefined): number => (bc ? 1 - Number(y) : Number(y));
const fracUs = (f: string | undefined): number => (f === undefined ? 0 : Number((f + "000000").slice(0, 6)));
function offsetUs(o: string): number {
  const sign = o[0] === "-" ? -1 : 1;
  const [h, m = "0", s = "0"] = o.slice(1).split(":").length > 1 ? o.slice(1).split(":") : [o.slice(1, 3), o.slice(3, 5) || "0", o.slice(5, 7) || "0"];
  return sign * ((Number(h) * 3600 + Number(m) * 60 + Number(s)) * 1_000_000);
}

function timestampUs(text: string, zone: TimeZone): number | undefined {
  const m = TS_RE.exec(text);
  if (!m) return undefined;
  const local = daysFromCivil(yearOf(m[1]!, m[9]), Number(m[2]), Number(m[3])) * US_PER_DAY + ((Number(m[4]) * 60 + Number(m[5])) * 60 + Number(m[6])) * 1_000_000 + fracUs(m[7]);
  return m[8] !== undefined ? local - offsetUs(m[8]) : fromLocalUs(zone, local);
}

function timeUs(text: string, zone: TimeZone): number | undefined {
  const m = TIME_RE.exec(text);
  if (!m) return undefined;
  const local = ((Number(m[1]) * 60 + Number(m[2])) * 60 + Number(m[3])) * 1_000_000 + fracUs(m[4]);
  return m[5] !== undefined ? local - offsetUs(m[5]) : fromLocalUs(zone, local);
}

/** Unscaled value of a numeric text at `scale`, exact (a bigint until it is stored). */
function unscaled(text: string, scale: number): bigint | undefined {
  const m = /^(-?)(\d*)(?:\.(\d*))?$/.exec(text);
  if (!m) return undefined;
  const frac = m[3] ?? "";
  const digits = (m[2] ?? "") + frac.slice(0, scale).padEnd(scale, "0");
  let v = BigInt(digits === "" ? "0" : digits);
  // Spark rounds a value with more fraction digits than the scale HALF_UP (Decimal.changePrecision).
  if (frac.length > scale && Number(frac[scale]) >= 5) v += 1n;
  return m[1] === "-" ? -v : v;
}

function hexBytes(text: string): Uint8Array | undefined {
  if (!text.startsWith("\\x")) return undefined;
  return Uint8Array.from(Buffer.from(text.slice(2), "hex"));
}

/** Split PostgreSQL's one-dimensional array text `{a,"b c",NULL}` into element texts. */
export function parseArrayText(text: string): (string | null)[] | undefined {
  const body = text.replace(/^\[[^\]]*\]=/, "");
  if (!body.startsWith("{") || !body.endsWith("}")) return undefined;
  const out: (string | null)[] = [];
  const s = body.slice(1, -1);
  if (s.length === 0) return out;
  let i = 0;
  while (i <= s.length) {
    if (s[i] === "{") return undefined; // multi-dimensional: Spark maps one level only
    if (s[i] === '"') {
      let v = "";
      i++;
      while (i < s.length && s[i] !== '"') {
        if (s[i] === "\\") i++;
        v += s[i++];
      }
      out.push(v);
      i += 2; // closing quote and the comma
    } else {
      const end = s.indexOf(",", i);
      const v = s.slice(i, end < 0 ? s.length : end);
      out.push(v === "NULL" ? null : v);
      i = end < 0 ? s.length + 1 : end + 1;
    }
  }
  return out;
}

/** A decoder from PostgreSQL text to the engine value of `t` for the column `c`. */
export function decoderFor(t: DataType, c: DescribedColumn, sessionZone: string): Decoder {
  const zone = getTimeZone(sessionZone);
  const fail = (text: string): never => {
    throw inputError("JDBC_VALUE_NOT_READABLE", `Cannot read the value '${text.length > 60 ? text.slice(0, 60) + "…" : text}' of column ${c.name} (PostgreSQL ${c.typeName}) as ${simpleString(t)}`, { column: c.name, type: c.typeName });
  };
  const scalar = (t: DataType, typeName: string): Decoder => {
    switch (t.kind) {
      case "boolean":
        return (s) => s === "t" || s === "1" || (s === "f" || s === "0" ? false : fail(s));
      case "byte":
      case "short": {
        const half = 2 ** (integralBits(t) - 1);
        return (s) => (Number(s) >= -half && Number(s) < half ? Number(s) : fail(s));
      }
      case "int":
        return (s) => Number(s);
      case "bigint":
        return (s) => BigInt(s);
      case "float":
      case "double":
        return (s) => Number(s);
      case "decimal":
        // the engine keeps the unscaled value as an exact bigint
        return (s) => unscaled(s, t.scale) ?? fail(s);
      case "binary":
        return typeName === "bytea" ? (s) => hexBytes(s) ?? fail(s) : (s) => new TextEncoder().encode(s);
      case "date":
        return (s) => {
          const m = DATE_RE.exec(s) ?? fail(s);
          return daysFromCivil(yearOf(m[1]!, m[4]), Number(m[2]), Number(m[3]));
        };
      case "timestamp":
        if (typeName === "time" || typeName === "timetz") return (s) => timeUs(s, zone) ?? fail(s);
        return (s) => timestampUs(s, zone) ?? fail(s);
      case "timestamp_ntz":
        // the wall clock as written, whatever the session zone
        if (typeName === "time") return (s) => timeUs(s, UTC) ?? fail(s);
        return (s) => timestampUs(s, UTC) ?? fail(s);
      default:
        return (s) => s;
    }
  };
  if (t.kind === "array") {
    const element = scalar(t.elementType, c.elementTypeName);
    return (s) => (parseArrayText(s) ?? fail(s)).map((e) => (e === null ? null : element(e)));
  }
  return scalar(t, c.typeName);
}

// ---- engine values → text parameters ------------------------------------------------------

/** Turns an engine value of a column into the text PostgreSQL reads for its column type. */
export type Encoder = (value: unknown) => string;

/** `+hh:mm:ss` of a zone offset in ms (PostgreSQL reads it after a timestamp). */
export function offsetText(ms: number): string {
  const a = Math.abs(ms) / 1000;
  const p = (n: number) => String(Math.floor(n)).padStart(2, "0");
  return `${ms < 0 ? "-" : "+"}${p(a / 3600)}:${p((a % 3600) / 60)}:${p(a % 60)}`;
}

const floatText = (x: number): string => (Number.isNaN(x) ? "NaN" : x === Infinity ? "Infinity" : x === -Infinity ? "-Infinity" : String(x));

function arrayElementText(s: string): string {
  return `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

/** An encoder of engine values of `t`; timestamps carry the session zone's offset. */
export function encoderFor(t: DataType, sessionZone: string): Encoder {
  const zone = getTimeZone(sessionZone);
  switch (t.kind) {
    case "boolean":
      return (v) => (v ? "true" : "false");
    case "float":
    case "double":
      return (v) => floatText(v as number);
    case "decimal":
      return (v) => formatDecimal(v as bigint, t.scale);
    case "binary":
      return (v) => "\\x" + Buffer.from(v as Uint8Array).toString("hex");
    case "date":
      return (v) => {
        const s = formatDateDays(v as number);
        return s.startsWith("-") ? `${String(1 - Number(s.slice(0, s.indexOf("-", 1)))).padStart(4, "0")}${s.slice(s.indexOf("-", 1))} BC` : s.replace(/^\+/, "");
      };
    case "timestamp":
      // The session zone's wall clock with its offset: a TIMESTAMP column keeps the wall clock,
      // a TIMESTAMPTZ column the instant (what the JDBC driver's setTimestamp sends).
      return (v) => `${formatTimestampUs(v as number, zone)}${offsetText(zone.offsetMs(Math.floor((v as number) / 1000)))}`;
    case "timestamp_ntz":
      return (v) => formatTimestampUs(v as number, UTC);
    case "array": {
      const e = encoderFor(t.elementType, sessionZone);
      return (v) => `{${(v as unknown[]).map((x) => (x === null || x === undefined ? "NULL" : arrayElementText(e(x)))).join(",")}}`;
    }
    case "map":
    case "struct":
      throw configError("JDBC_UNSUPPORTED_TYPE", `Can't write ${simpleString(t)} to PostgreSQL`, { type: simpleString(t) });
    default:
      return (v) => String(v);
  }
}
