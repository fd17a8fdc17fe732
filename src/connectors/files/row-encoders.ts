/**
 * Batches → JSON lines or CSV text, as Spark writes them: JSON omits null fields (unless
 * ignoreNullFields=false), writes NaN/Infinity as strings and timestamps as
 * `2024-01-01T10:00:00.000Z`; CSV quotes fields holding the separator, quote or line breaks,
 * escapes quotes with `escape` (default `\`), writes null as `nullValue` and "" as `""`.
 */
import type { VariantVal } from "../../types/variant-val.js";
import { variantToJson } from "../../expr/functions/variant-to-json.js";
import { type ColumnBatch, getValue } from "../../columnar/column-batch.js";
import { getTimeZone } from "../../expr/datetime/time-zone.js";
import type { DataType } from "../../types/data-type.js";
import { formatDayTimeInterval, formatYearMonthInterval } from "../../expr/datetime/ansi-interval.js";
import type { StructType } from "../../types/struct-type.js";
import { DEFAULT_DATE_FORMAT, DEFAULT_TIMESTAMP_NTZ_WRITE_FORMAT, DEFAULT_TIMESTAMP_WRITE_FORMAT, compilePattern } from "./datetime-text.js";
import { OptionReader, lineSepOption } from "./options.js";
import { formatDecimal, formatDouble, formatFloat } from "./value-text.js";
import { checkCsvType } from "./csv-format.js";

export interface TextWriteOptions {
  readonly timestampFormat: string;
  /** How TIMESTAMP_NTZ values are written (Spark's default `yyyy-MM-dd'T'HH:mm:ss[.SSS]`). */
  readonly timestampNTZFormat: string;
  readonly dateFormat: string;
  readonly timeZone: string;
  readonly lineSep: string;
  readonly compression: "none" | "gzip";
}

export interface JsonWriteOptions extends TextWriteOptions {
  readonly ignoreNullFields: boolean;
}

export interface CsvWriteOptions extends TextWriteOptions {
  readonly header: boolean;
  readonly sep: string;
  readonly quote: string;
  readonly escape: string;
  readonly quoteAll: boolean;
  readonly escapeQuotes: boolean;
  readonly nullValue: string;
  readonly emptyValue: string;
  readonly ignoreLeadingWhiteSpace: boolean;
  readonly ignoreTrailingWhiteSpace: boolean;
}

function common(o: OptionReader, sessionTimeZone: string): TextWriteOptions {
  o.utf8Only();
  const tz = o.str("timeZone", sessionTimeZone);
  return {
    timestampFormat: o.str("timestampFormat", DEFAULT_TIMESTAMP_WRITE_FORMAT),
    timestampNTZFormat: o.str("timestampNTZFormat", DEFAULT_TIMESTAMP_NTZ_WRITE_FORMAT),
    dateFormat: o.str("dateFormat", DEFAULT_DATE_FORMAT),
    timeZone: tz,
    lineSep: lineSepOption(o) ?? "\n",
    compression: o.oneOf("compression", ["none", "gzip"] as const, "none", { uncompressed: "none" }),
  };
}

export function parseJsonWriteOptions(raw: Readonly<Record<string, string>>, sessionTimeZone: string): JsonWriteOptions {
  const o = new OptionReader("json", raw, ["mode", "multiLine", "columnNameOfCorruptRecord", "primitivesAsString", "prefersDecimal", "allowComments", "allowSingleQuotes", "dropFieldIfAllNull", "inferTimestamp"]);
  const r = { ...common(o, sessionTimeZone), ignoreNullFields: o.bool("ignoreNullFields", true) };
  o.finish();
  compilePattern(r.timestampFormat);
  compilePattern(r.timestampNTZFormat);
  compilePattern(r.dateFormat);
  return r;
}

export function parseCsvWriteOptions(raw: Readonly<Record<string, string>>, sessionTimeZone: string): CsvWriteOptions {
  const o = new OptionReader("csv", raw, ["mode", "inferSchema", "comment", "multiLine", "columnNameOfCorruptRecord", "nanValue", "positiveInf", "negativeInf", "enforceSchema", "preferDate", "charToEscapeQuoteEscaping"]);
  const sep = o.raw("sep") ?? o.raw("delimiter") ?? ",";
  if (sep === "") o.problem(o.raw("sep") !== undefined ? "sep" : "delimiter", sep, "a non-empty separator");
  const r: CsvWriteOptions = {
    ...common(o, sessionTimeZone),
    header: o.bool("header", false),
    sep: sep === "\\t" ? "\t" : sep || ",",
    quote: o.char("quote", '"', { allowEmpty: true }),
    escape: o.char("escape", "\\", { allowEmpty: true }),
    quoteAll: o.bool("quoteAll", false),
    escapeQuotes: o.bool("escapeQuotes", true),
    nullValue: o.str("nullValue", ""),
    emptyValue: o.optStr("emptyValue") ?? '""',
    ignoreLeadingWhiteSpace: o.bool("ignoreLeadingWhiteSpace", true),
    ignoreTrailingWhiteSpace: o.bool("ignoreTrailingWhiteSpace", true),
  };
  o.finish();
  compilePattern(r.timestampFormat);
  compilePattern(r.timestampNTZFormat);
  compilePattern(r.dateFormat);
  return r;
}

type Fmt = (v: unknown) => string;

/** A JSON text writer for engine values of `t`; `undefined` result = omit (null field). */
function jsonValue(t: DataType, o: JsonWriteOptions): Fmt {
  const zone = getTimeZone(o.timeZone);
  switch (t.kind) {
    case "string":
      return (v) => JSON.stringify(v);
    case "boolean":
    case "byte":
    case "short":
    case "int":
    case "bigint":
      return (v) => String(v);
    case "double":
    case "float": {
      const f = t.kind === "float" ? formatFloat : formatDouble;
      return (v) => (Number.isFinite(v as number) ? f(v as number) : `"${f(v as number)}"`);
    }
    case "decimal":
      return (v) => formatDecimal(v as number, t.scale);
    case "timestamp": {
      const p = compilePattern(o.timestampFormat);
      return (v) => JSON.stringify(p.formatTimestamp(v as number, zone));
    }
    case "timestamp_ntz": {
      const p = compilePattern(o.timestampNTZFormat);
      return (v) => JSON.stringify(p.formatLocalTimestamp(v as number));
    }
    case "date": {
      const p = compilePattern(o.dateFormat);
      return (v) => JSON.stringify(p.formatDate(v as number));
    }
    case "variant":
      return (v) => variantToJson(v as VariantVal, zone);
    case "binary":
      return (v) => JSON.stringify(Buffer.from(v as Uint8Array).toString("base64"));
    case "year_month_interval":
      return (v) => JSON.stringify(formatYearMonthInterval(v as number, t));
    case "day_time_interval":
      return (v) => JSON.stringify(formatDayTimeInterval(v as bigint, t));
    case "array": {
      const el = jsonValue(t.elementType, o);
      return (v) => "[" + (v as unknown[]).map((x) => (x === null || x === undefined ? "null" : el(x))).join(",") + "]";
    }
    case "map": {
      const key = t.keyType.kind === "string" ? (k: unknown) => k as string : csvValue(t.keyType, o);
      const val = jsonValue(t.valueType, o);
      return (v) => "{" + [...(v as Map<unknown, unknown>)].map(([k, x]) => `${JSON.stringify(key(k))}:${x === null || x === undefined ? "null" : val(x)}`).join(",") + "}";
    }
    case "struct": {
      const fs = t.fields.map((f) => ({ key: JSON.stringify(f.name) + ":", name: f.name, fmt: jsonValue(f.type, o) }));
      return (v) => {
        const obj = v as Record<string, unknown>;
        const parts: string[] = [];
        for (const f of fs) {
          const x = obj[f.name];
          if (x === null || x === undefined) {
            if (!o.ignoreNullFields) parts.push(f.key + "null");
          } else parts.push(f.key + f.fmt(x));
        }
        return "{" + parts.join(",") + "}";
      };
    }
    case "null":
      return () => "null";
  }
}

/** JSON lines for a batch (each ends with lineSep). */
export function encodeJsonLines(batch: ColumnBatch, o: JsonWriteOptions): string {
  const fields = batch.schema.fields;
  const fmts = fields.map((f) => jsonValue(f.type, o));
  const keys = fields.map((f) => JSON.stringify(f.name) + ":");
  let out = "";
  for (let i = 0; i < batch.numRows; i++) {
    let line = "";
    for (let c = 0; c < fields.length; c++) {
      const x = getValue(batch.columns[c]!, i);
      if (x === null) {
        if (o.ignoreNullFields) continue;
        line += (line === "" ? "" : ",") + keys[c] + "null";
      } else line += (line === "" ? "" : ",") + keys[c] + fmts[c]!(x);
    }
    out += "{" + line + "}" + o.lineSep;
  }
  return out;
}

function csvValue(t: DataType, o: Pick<CsvWriteOptions, "timestampFormat" | "timestampNTZFormat" | "dateFormat" | "timeZone">): Fmt {
  const zone = getTimeZone(o.timeZone);
  switch (t.kind) {
    case "double":
      return (v) => formatDouble(v as number);
    case "float":
      return (v) => formatFloat(v as number);
    case "decimal":
      return (v) => formatDecimal(v as number, t.scale);
    case "timestamp": {
      const p = compilePattern(o.timestampFormat);
      return (v) => p.formatTimestamp(v as number, zone);
    }
    case "timestamp_ntz": {
      const p = compilePattern(o.timestampNTZFormat);
      return (v) => p.formatLocalTimestamp(v as number);
    }
    case "date": {
      const p = compilePattern(o.dateFormat);
      return (v) => p.formatDate(v as number);
    }
    case "binary":
      return (v) => Buffer.from(v as Uint8Array).toString("utf8");
    case "year_month_interval":
      return (v) => formatYearMonthInterval(v as number, t);
    case "day_time_interval":
      return (v) => formatDayTimeInterval(v as bigint, t);
    default:
      return (v) => String(v);
  }
}

/** Quote/escape one CSV field as univocity's writer does. */
function csvField(s: string, o: CsvWriteOptions): string {
  let v = s;
  if (o.ignoreLeadingWhiteSpace) v = v.replace(/^[ \t]+/, "");
  if (o.ignoreTrailingWhiteSpace) v = v.replace(/[ \t]+$/, "");
  if (v === "") return o.emptyValue;
  const needs = o.quoteAll || v.includes(o.sep) || v.includes("\n") || v.includes("\r") || (o.quote !== "" && v.includes(o.quote));
  if (!needs || o.quote === "") return v;
  const escaped = o.escapeQuotes && o.escape !== "" ? v.split(o.quote).join(o.escape + o.quote) : v;
  return o.quote + escaped + o.quote;
}

/** CSV text for a batch; `withHeader` adds the header line first. */
export function encodeCsv(batch: ColumnBatch, o: CsvWriteOptions, withHeader: boolean): string {
  const fields = batch.schema.fields;
  for (const f of fields) checkCsvType(f.name, f.type);
  const fmts = fields.map((f) => csvValue(f.type, o));
  let out = withHeader ? fields.map((f) => csvField(f.name, o)).join(o.sep) + o.lineSep : "";
  for (let i = 0; i < batch.numRows; i++) {
    let line = "";
    for (let c = 0; c < fields.length; c++) {
      if (c > 0) line += o.sep;
      const x = getValue(batch.columns[c]!, i);
      line += x === null ? o.nullValue : csvField(fmts[c]!(x), o);
    }
    out += line + o.lineSep;
  }
  return out;
}

export const csvHeader = (schema: StructType, o: CsvWriteOptions): string => schema.fields.map((f) => csvField(f.name, o)).join(o.sep) + o.lineSep;
