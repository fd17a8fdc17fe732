/**
 * Engine values → the text CAST(x AS STRING) gives in Spark:
 * doubles as Java's Double.toString (`1.0`, `0.1`, `1.0E10`, `1.23456789E8`, `1.0E-4`, `NaN`,
 * `Infinity`), floats as Float.toString, decimals with exactly their scale, dates `yyyy-MM-dd`,
 * timestamps `yyyy-MM-dd HH:mm:ss[.ffffff]` in the session zone (TIMESTAMP_NTZ as it is, no zone), binary as UTF-8 text, arrays
 * `[1, 2]`, structs `{1, a}`, maps `{a -> 1}`, nested nulls as `null`, variants as their JSON text.
 */
import type { DataType } from "../../types/data-type.js";
import { formatDayTimeInterval, formatYearMonthInterval } from "../datetime/ansi-interval.js";
import { formatDateDays, formatLocalTimestampUs, formatTimestampUs } from "../datetime/timestamp-text.js";
import type { TimeZone } from "../datetime/time-zone.js";
import { formatDecimal } from "../../types/decimal-value.js";
import type { VariantVal } from "../../types/variant-val.js";
import { variantToJson } from "./variant-to-json.js";

export { formatDecimal };

/** Java-style rendering of shortest round-trip digits `digits` with decimal exponent `exp` (value = 0.d1d2… × 10^exp). */
function javaStyle(negative: boolean, digits: string, pointPos: number): string {
  // value = digits × 10^(pointPos - digits.length); pointPos = position of the decimal point.
  const sign = negative ? "-" : "";
  const sciExp = pointPos - 1;
  if (sciExp >= -3 && sciExp < 7) {
    if (pointPos <= 0) return `${sign}0.${"0".repeat(-pointPos)}${digits}`;
    if (pointPos >= digits.length) return `${sign}${digits}${"0".repeat(pointPos - digits.length)}.0`;
    return `${sign}${digits.slice(0, pointPos)}.${digits.slice(pointPos)}`;
  }
  const frac = digits.length > 1 ? digits.slice(1) : "0";
  return `${sign}${digits[0]}.${frac}E${sciExp}`;
}

function fromExponential(x: number, exp: string): string {
  // exp is like "1.2345e+8"
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(exp)!;
  const digits = (m[2]! + (m[3] ?? "")).replace(/0+$/, "") || "0";
  return javaStyle(x < 0 || Object.is(x, -0), digits, Number(m[4]) + 1);
}

/** Java's Double.toString. */
export function formatDouble(x: number): string {
  if (Number.isNaN(x)) return "NaN";
  if (x === Infinity) return "Infinity";
  if (x === -Infinity) return "-Infinity";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  return fromExponential(x, x.toExponential());
}

/** Java's Float.toString of a float32 value. */
export function formatFloat(x: number): string {
  if (!Number.isFinite(x) || x === 0) return formatDouble(x);
  for (let p = 1; p <= 9; p++) {
    const s = x.toExponential(p - 1);
    if (Math.fround(Number(s)) === x) return fromExponential(x, s);
  }
  return formatDouble(x);
}

/** A BIGINT engine value as integer text (exact). */
export const formatLong = (x: bigint): string => x.toString();

const utf8 = new TextDecoder("utf-8");

/** Text of one engine value of type `t` (null → null at top level, "null" nested). */
export function valueToText(t: DataType, v: unknown, zone: TimeZone): string {
  if (v === null || v === undefined) return "null";
  switch (t.kind) {
    case "string":
      return v as string;
    case "boolean":
      return v ? "true" : "false";
    case "byte":
    case "short":
    case "int":
      return String(v);
    case "bigint":
      return formatLong(v as bigint);
    case "float":
      return formatFloat(v as number);
    case "double":
      return formatDouble(v as number);
    case "decimal":
      return formatDecimal(v as bigint, t.scale);
    case "date":
      return formatDateDays(v as number);
    case "timestamp":
      return formatTimestampUs(v as number, zone);
    case "timestamp_ntz":
      return formatLocalTimestampUs(v as number);
    case "year_month_interval":
      return formatYearMonthInterval(v as number, t);
    case "day_time_interval":
      return formatDayTimeInterval(v as bigint, t);
    case "binary":
      return utf8.decode(v as Uint8Array);
    case "variant":
      return variantToJson(v as VariantVal, zone);
    case "null":
      return "null";
    case "array":
      return "[" + (v as unknown[]).map((e) => valueToText(t.elementType, e, zone)).join(", ") + "]";
    case "struct": {
      const o = v as Record<string, unknown>;
      return "{" + t.fields.map((f) => valueToText(f.type, o[f.name], zone)).join(", ") + "}";
    }
    case "map": {
      const parts: string[] = [];
      for (const [k, x] of v as Map<unknown, unknown>) parts.push(`${valueToText(t.keyType, k, zone)} -> ${valueToText(t.valueType, x, zone)}`);
      return "{" + parts.join(", ") + "}";
    }
  }
}
