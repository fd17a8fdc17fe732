/**
 * Partition values as the log stores them (PROTOCOL.md §Partition Value Serialization):
 * always text; null or "" means null; numbers in decimal, dates `YYYY-MM-DD`, booleans
 * `true`/`false`, timestamps `YYYY-MM-DD HH:MM:SS[.ffffff]` (read as UTC) or ISO-8601 with `Z`.
 * Converted to and from engine values (see columnar/values.ts: date = days, timestamp = µs).
 */
import { inputError, unsupported } from "../common/errors.js";
import { type DataType, integralBits, simpleString } from "../types/data-type.js";
import { formatDecimal, parseDecimalText, toDecimal } from "../types/decimal-value.js";

const MS_PER_DAY = 86_400_000;
const TS_RE = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?$/;

/** Engine value of one partition value; throws DELTA_INVALID_PARTITION_VALUE naming the column. */
export function parsePartitionValue(text: string | null | undefined, type: DataType, column: string): unknown {
  if (text === null || text === undefined || text === "") return null;
  const fail = (): never => {
    throw inputError(
      "DELTA_INVALID_PARTITION_VALUE",
      `Partition value ${JSON.stringify(text)} of column \`${column}\` is not a valid ${simpleString(type).toUpperCase()}`,
      { column, value: text },
    );
  };
  switch (type.kind) {
    case "string":
      return text;
    case "boolean": {
      const l = text.toLowerCase();
      return l === "true" ? true : l === "false" ? false : fail();
    }
    case "byte":
    case "short":
    case "int": {
      if (!/^[+-]?\d+$/.test(text)) return fail();
      const n = Number(text);
      const half = 2 ** (integralBits(type) - 1);
      return n < -half || n >= half ? fail() : n;
    }
    case "bigint": {
      if (!/^[+-]?\d+$/.test(text)) return fail();
      const n = BigInt(text);
      return n < -(2n ** 63n) || n >= 2n ** 63n ? fail() : n;
    }
    case "float":
    case "double": {
      const n = text === "NaN" ? NaN : text === "Infinity" ? Infinity : text === "-Infinity" ? -Infinity : Number(text);
      return Number.isNaN(n) && text !== "NaN" ? fail() : type.kind === "float" ? Math.fround(n) : n;
    }
    case "decimal": {
      // exact: the digits must fit DECIMAL(p, s) without rounding
      const d = parseDecimalText(text);
      if (!d || (d.scale > type.scale && d.unscaled % 10n ** BigInt(d.scale - type.scale) !== 0n)) return fail();
      const u = toDecimal(text, type.precision, type.scale);
      return u === null ? fail() : u;
    }
    case "date": {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return fail();
      const ms = Date.parse(`${text}T00:00:00Z`);
      return Number.isNaN(ms) ? fail() : Math.floor(ms / MS_PER_DAY);
    }
    // TIMESTAMP_NTZ values are the same zone-less text, read as the wall clock (the µs as UTC)
    case "timestamp":
    case "timestamp_ntz": {
      const m = TS_RE.exec(text);
      if (!m) return fail();
      const base = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
      const micros = Number((m[7] ?? "").padEnd(6, "0").slice(0, 6));
      let offsetMin = 0;
      if (m[8] && m[8] !== "Z") {
        const z = m[8].replace(":", "");
        offsetMin = (z[0] === "-" ? -1 : 1) * (Number(z.slice(1, 3)) * 60 + Number(z.slice(3, 5)));
      }
      return (base - offsetMin * 60_000) * 1000 + micros;
    }
    case "binary":
      return new TextEncoder().encode(text);
    default:
      throw unsupported(
        "DELTA_UNSUPPORTED_PARTITION_TYPE",
        `Partition column \`${column}\` has type ${simpleString(type).toUpperCase()}, which cannot be a partition column`,
        { column },
      );
  }
}

/** The log text of an engine value (null stays null; the protocol's writers emit JSON null). */
export function formatPartitionValue(value: unknown, type: DataType, column: string): string | null {
  if (value === null || value === undefined) return null;
  switch (type.kind) {
    case "string":
      return value as string;
    case "boolean":
      return value ? "true" : "false";
    case "byte":
    case "short":
    case "int":
    case "bigint":
    case "float":
    case "double":
      return String(value);
    case "decimal":
      return formatDecimal(value as bigint, type.scale);
    case "date":
      return new Date((value as number) * MS_PER_DAY).toISOString().slice(0, 10);
    case "timestamp":
    case "timestamp_ntz": {
      const us = value as number;
      const ms = Math.floor(us / 1000);
      const iso = new Date(ms).toISOString(); // 2024-01-02T03:04:05.678Z
      const micros = String(((us % 1_000_000) + 1_000_000) % 1_000_000).padStart(6, "0");
      return `${iso.slice(0, 10)} ${iso.slice(11, 19)}.${micros}`;
    }
    default:
      throw unsupported(
        "DELTA_UNSUPPORTED_PARTITION_TYPE",
        `Partition column \`${column}\` has type ${simpleString(type).toUpperCase()}; Sluice partitions by atomic types other than BINARY only`,
        { column },
      );
  }
}
