/**
 * CSV field text → engine values, and the type one field suggests, with the rules of Spark's CSV
 * parser (UnivocityParser, CSVInferSchema). Shared by the CSV file reader and from_csv /
 * schema_of_csv; each caller passes its date and timestamp parsers (formats, time zone, fallback).
 */
import { type DataType, integralBits } from "../../types/data-type.js";
import { parseDecimalText, toDecimal } from "../../types/decimal-value.js";
import { parseDoubleText, parseIntText, parseLongText } from "./java-number-text.js";

/** The special number texts (Spark's nanValue, positiveInf, negativeInf options). */
export interface CsvNumberTexts {
  readonly nanValue: string;
  readonly positiveInf: string;
  readonly negativeInf: string;
}

/** Date and timestamp text → days / microseconds, or null when the text does not fit. */
export interface CsvDateTimeParsers {
  readonly date: (s: string) => number | null;
  readonly timestamp: (s: string) => number | null;
  readonly localTimestamp: (s: string) => number | null;
}

/** text → engine value for one column; returns `BAD` when the text does not fit the type. */
export const BAD = Symbol("bad");
export type TextConverter = (s: string) => unknown;

export function csvConverter(t: DataType, o: CsvNumberTexts, p: CsvDateTimeParsers): TextConverter {
  switch (t.kind) {
    case "string":
      return (s) => s;
    case "byte":
    case "short":
    case "int": {
      const bits = integralBits(t) as 8 | 16 | 32;
      return (s) => parseIntText(s, bits) ?? BAD;
    }
    case "bigint":
      return (s) => parseLongText(s) ?? BAD;
    case "boolean":
      return (s) => (/^true$/i.test(s) ? true : /^false$/i.test(s) ? false : BAD);
    case "float":
    case "double": {
      const round = t.kind === "float" ? Math.fround : (x: number) => x;
      return (s) => (s === o.nanValue ? NaN : s === o.positiveInf ? Infinity : s === o.negativeInf ? -Infinity : ((x) => (x === null ? BAD : round(x)))(parseDoubleText(s)));
    }
    case "decimal":
      return (s) => toDecimal(s, t.precision, t.scale) ?? BAD;
    case "date":
      return (s) => p.date(s) ?? BAD;
    case "timestamp":
      return (s) => p.timestamp(s) ?? BAD;
    case "timestamp_ntz":
      return (s) => p.localTimestamp(s) ?? BAD;
    case "binary":
      return (s) => new TextEncoder().encode(s);
    default:
      return () => BAD;
  }
}

/** The timestamp parsers inference tries: `parseLocal` (zone-less, timestampNTZFormat) only under spark.sql.timestampType = TIMESTAMP_NTZ, as Spark's CSVInferSchema. */
export interface TimestampInference {
  readonly parseTs: (s: string) => number | null;
  readonly parseLocal?: (s: string) => number | null;
}

/**
 * The type of field text `v` given the column's type so far: Spark's chain int → bigint →
 * decimal → double → date → timestamp → boolean → string (dates only when `preferDate`).
 */
export function inferCsvValue(soFar: DataType, v: string, o: CsvNumberTexts & { readonly preferDate: boolean }, ts: TimestampInference, strictDate: (s: string) => number | null): DataType {
  const tryBoolean = (): DataType => (/^(true|false)$/i.test(v) ? { kind: "boolean" } : { kind: "string" });
  const tryTimestamp = (): DataType => (ts.parseTs(v) !== null ? { kind: "timestamp" } : tryBoolean());
  const tryTimestampNtz = (): DataType => (ts.parseLocal && ts.parseLocal(v) !== null ? { kind: "timestamp_ntz" } : tryTimestamp());
  const tryDate = (): DataType => (strictDate(v) !== null ? { kind: "date" } : tryTimestampNtz());
  const tryDouble = (): DataType =>
    parseDoubleText(v) !== null || v === o.nanValue || v === o.positiveInf || v === o.negativeInf ? { kind: "double" } : o.preferDate ? tryDate() : tryTimestampNtz();
  const tryDecimal = (): DataType => {
    // Spark takes a value whose BigDecimal has scale 0 (`5`, `0.5e1`); `1e3` (scale -3) and `1.5` are doubles.
    const d = parseDecimalText(v);
    if (d && d.scale === 0 && !/^\s|\s$/.test(v)) return d.precision <= 38 ? { kind: "decimal", precision: d.precision, scale: 0 } : tryDouble();
    return tryDouble();
  };
  const tryLong = (): DataType => (parseLongText(v) !== null ? { kind: "bigint" } : tryDecimal());
  const tryInt = (): DataType => (parseIntText(v) !== null ? { kind: "int" } : tryLong());
  switch (soFar.kind) {
    case "null":
    case "int":
      return tryInt();
    case "bigint":
      return tryLong();
    case "decimal":
      return tryDecimal();
    case "double":
      return tryDouble();
    case "date":
      return tryDate();
    case "timestamp_ntz":
      return tryTimestampNtz();
    case "timestamp":
      return tryTimestamp();
    case "boolean":
      return tryBoolean();
    default:
      return { kind: "string" };
  }
}
