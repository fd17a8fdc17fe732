/**
 * A variant → JSON text, as Spark's `to_json(variant)` and `CAST(variant AS STRING)` write it:
 * object keys in their stored (sorted) order, no spaces, integers as written, decimals without
 * trailing fraction zeros (readDecimal strips them, as Spark's getDecimal) (`1.50` → `1.5`), doubles and floats as Java's Double/Float.toString,
 * dates `"yyyy-MM-dd"`, timestamps in the session zone with the fraction digits they need and the
 * zone offset (`"2024-01-02 03:04:05.123+00:00"`),
 * TIMESTAMP_NTZ without one, binary as base64 text, UUIDs as their canonical text.
 */
import { formatDecimal } from "../../types/decimal-value.js";
import { arrayElement, containerInfo, objectFieldAt, readBinary, readBoolean, readDecimal, readDouble, readLong, readString, readUuid, variantKind } from "../../types/variant-encoding.js";
import type { VariantVal } from "../../types/variant-val.js";
import { formatDateDays } from "../datetime/timestamp-text.js";
import { getTimeZone, type TimeZone } from "../datetime/time-zone.js";
import { formatDouble, formatFloat } from "./value-text.js";

const US_PER_DAY = 86_400_000_000;
const p2 = (n: number): string => String(n).padStart(2, "0");

/** `yyyy-MM-dd HH:mm:ss[.f…]` of wall-clock µs: Java's ISO_LOCAL_TIME, fraction digits only as needed. */
function localText(localUs: number): string {
  const days = Math.floor(localUs / US_PER_DAY);
  const tod = localUs - days * US_PER_DAY;
  const secs = Math.floor(tod / 1e6);
  const micros = tod - secs * 1e6;
  const fraction = micros === 0 ? "" : "." + String(micros).padStart(6, "0").replace(/0+$/, "");
  return `${formatDateDays(days)} ${p2(Math.floor(secs / 3600))}:${p2(Math.floor(secs / 60) % 60)}:${p2(secs % 60)}${fraction}`;
}

function offsetText(offsetMs: number): string {
  const m = Math.round(Math.abs(offsetMs) / 60_000);
  return `${offsetMs < 0 ? "-" : "+"}${p2(Math.floor(m / 60))}:${p2(m % 60)}`;
}

/** The JSON text of the variant value at `pos`, timestamps shown in `zone`. */
export function variantJsonAt(value: Uint8Array, metadata: Uint8Array, pos: number, zone: TimeZone): string {
  switch (variantKind(value, pos)) {
    case "null":
      return "null";
    case "boolean":
      return readBoolean(value, pos) ? "true" : "false";
    case "long":
      return readLong(value, pos).toString();
    case "double":
      return formatDouble(readDouble(value, pos));
    case "float":
      return formatFloat(readDouble(value, pos));
    case "decimal": {
      const d = readDecimal(value, pos);
      return formatDecimal(d.unscaled, d.scale);
    }
    case "string":
      return JSON.stringify(readString(value, pos));
    case "date":
      return `"${formatDateDays(Number(readLong(value, pos)))}"`;
    case "timestamp": {
      const us = Number(readLong(value, pos));
      const off = zone.offsetMs(Math.floor(us / 1000));
      return `"${localText(us + off * 1000)}${offsetText(off)}"`;
    }
    case "timestamp_ntz":
      return `"${localText(Number(readLong(value, pos)))}"`;
    case "binary":
      return `"${Buffer.from(readBinary(value, pos)).toString("base64")}"`;
    case "uuid":
      return `"${readUuid(value, pos)}"`;
    case "object": {
      const info = containerInfo(value, pos);
      const parts: string[] = [];
      for (let i = 0; i < info.size; i++) {
        const f = objectFieldAt(value, metadata, info, i);
        parts.push(`${JSON.stringify(f.key)}:${variantJsonAt(value, metadata, f.pos, zone)}`);
      }
      return `{${parts.join(",")}}`;
    }
    case "array": {
      const n = containerInfo(value, pos).size;
      const parts: string[] = [];
      for (let i = 0; i < n; i++) parts.push(variantJsonAt(value, metadata, arrayElement(value, pos, i), zone));
      return `[${parts.join(",")}]`;
    }
  }
}

/** The JSON text of a variant (timestamps in `timeZone`, UTC unless given), as `to_json` writes it. */
export function variantToJson(v: VariantVal, timeZone: string | TimeZone = "UTC"): string {
  return variantJsonAt(v.value, v.metadata, 0, typeof timeZone === "string" ? getTimeZone(timeZone) : timeZone);
}
