/**
 * JSON lines (and multiLine JSON): schema inference and reading, with Spark's rules.
 * A record is one line (blank lines skipped) or, with multiLine, a whole file. A record that is an
 * object is a row; an array of objects gives one row per element; anything else is malformed.
 * Inference merges record types (fields sorted by name), turns NULL into STRING and drops empty
 * structs; malformed records add the corrupt-record column in PERMISSIVE mode.
 * Records come from json-records.ts.
 * Reading converts values as Spark's JacksonParser does: any JSON value fits a STRING column (as
 * its JSON text), numbers must fit the column's type, strings parse as dates/timestamps/decimals,
 * integral numbers in a TIMESTAMP column are seconds since the epoch.
 */
import type { ColumnBatch } from "../../columnar/column-batch.js";
import { inputError } from "../../common/errors.js";
import { type TimeZone, getTimeZone } from "../../expr/datetime/time-zone.js";
import { type DataType, simpleString } from "../../types/data-type.js";
import { StructType } from "../../types/struct-type.js";
import { BAD } from "./csv-format.js";
import { dateParser, timestampParser } from "./datetime-text.js";
import { type JsonRecord, jsonFileRecords, jsonFileRecordsSync } from "./json-records.js";
import { INEXACT_NUMBER, JsonNumberText, inferJsonText, jsonText, mergeJsonTypes, parseJsonRecord } from "./json-scanner.js";
import type { JsonReadOptions } from "./options.js";
import { type MalformedCounts, RowAssembler } from "./row-assembler.js";
import { toDecimal } from "./value-text.js";

const INVALID_UTF8 = "the record is not valid UTF-8";

function malformed(file: string, line: number, why: string): Error {
  return inputError("MALFORMED_RECORD_IN_PARSING", `Malformed JSON record in ${file} at line ${line}: ${why}. Fix the input, or read with mode PERMISSIVE (nulls) or DROPMALFORMED (skip).`, { file, line });
}

/** Infer a JSON schema from the given files (read synchronously: this runs at DataFrame creation). */
export function inferJsonSchema(files: readonly string[], o: JsonReadOptions, timeZone: string): StructType {
  const zone = getTimeZone(timeZone);
  const parseTs = timestampParser(o.timestampFormat, zone);
  const opts = { ...o, ...(o.inferTimestamp ? { isTimestamp: (s: string) => parseTs(s) !== null } : {}) };
  let merged: DataType = new StructType([]);
  let sawCorrupt = false;
  for (const file of files) {
    for (const rec of jsonFileRecordsSync(file, o)) {
      let t: DataType;
      try {
        if (rec.invalidUtf8) throw new Error(INVALID_UTF8);
        t = inferJsonText(rec.text, opts);
      } catch (e) {
        if (o.mode === "FAILFAST") throw malformed(file, rec.line, (e as Error).message);
        if (o.mode === "PERMISSIVE") sawCorrupt = true;
        continue;
      }
      const rows = t.kind === "array" ? [t.elementType] : [t];
      for (const r of rows) {
        if (r.kind === "struct") merged = mergeJsonTypes(merged, r);
        else if (r.kind !== "null") {
          if (o.mode === "FAILFAST") {
            // Spark 4.0.1 fails inference so, naming the type (test/bad-input, json/not-an-object IF).
            throw inputError("INVALID_JSON_RECORD_TYPE", `Detected an invalid type of a JSON record in ${file} at line ${rec.line} while inferring a common schema in the mode FAILFAST: expected a STRUCT type, but found ${simpleString(r).toUpperCase()}. Fix the input, or infer with mode PERMISSIVE (the record goes to the corrupt-record column) or DROPMALFORMED.`, { file, line: rec.line });
          }
          if (o.mode === "PERMISSIVE") sawCorrupt = true;
        }
      }
    }
  }
  let fields = (canonical(merged, o.dropFieldIfAllNull) as StructType | undefined)?.fields ?? [];
  if (sawCorrupt && !fields.some((f) => f.name === o.columnNameOfCorruptRecord)) {
    fields = [...fields, { name: o.columnNameOfCorruptRecord, type: { kind: "string" } as DataType, nullable: true }].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
  return new StructType(fields);
}

/** NULL → STRING, empty structs dropped (so an all-empty top level gives undefined); with dropAllNull also all-null fields and arrays. */
function canonical(t: DataType, dropAllNull: boolean): DataType | undefined {
  switch (t.kind) {
    case "null":
      return dropAllNull ? undefined : { kind: "string" };
    case "array": {
      const el = canonical(t.elementType, dropAllNull);
      return el === undefined ? undefined : { kind: "array", elementType: el, containsNull: true };
    }
    case "struct": {
      const fields = t.fields.flatMap((f) => {
        const ft = canonical(f.type, dropAllNull);
        return ft === undefined ? [] : [{ ...f, type: ft }];
      });
      return fields.length === 0 ? undefined : new StructType(fields);
    }
    default:
      return t;
  }
}

type JsonConverter = (v: unknown) => unknown;

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
    ...(decimal.length > 0 ? [`"(?:${decimal.join("|")})"\\s*:\\s*-?[\\d.]{17}`] : []),
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
export function jsonConverter(t: DataType, o: Pick<JsonReadOptions, "timestampFormat" | "dateFormat" | "dateTimeParsingFallback">, zone: TimeZone): JsonConverter {
  switch (t.kind) {
    case "string":
      // Spark copies the value's JSON text; literals are as written when the record kept them.
      return (v) => (typeof v === "string" ? v : typeof v === "object" && v !== null ? jsonText(v) : JSON.stringify(v));
    case "boolean":
      return (v) => (typeof v === "boolean" ? v : BAD);
    case "int":
      return (v) => {
        const x = longValue(v);
        return x !== BAD && x >= -2147483648n && x <= 2147483647n ? Number(x) : BAD;
      };
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
      return (v) => (typeof v === "number" || typeof v === "string" ? (toDecimal(String(v), t.precision, t.scale) ?? BAD) : v instanceof JsonNumberText ? (toDecimal(v.text, t.precision, t.scale) ?? BAD) : BAD);
    case "timestamp": {
      // Integer literals are seconds since the epoch (Spark: getLongValue × 10^6); other numbers are malformed.
      const p = timestampParser(o.timestampFormat, zone, o.dateTimeParsingFallback);
      return (v) => {
        if (typeof v === "string") return p(v) ?? BAD;
        const s = longValue(v);
        return s !== BAD && s <= MAX_TIMESTAMP_SECONDS && s >= -MAX_TIMESTAMP_SECONDS ? Number(s) * 1_000_000 : BAD;
      };
    }
    case "date": {
      const p = dateParser(o.dateFormat, o.dateTimeParsingFallback);
      return (v) => (typeof v === "string" ? (p(v) ?? BAD) : BAD);
    }
    case "binary":
      return (v) => (typeof v === "string" ? new Uint8Array(Buffer.from(v, "base64")) : BAD);
    case "array": {
      const el = jsonConverter(t.elementType, o, zone);
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
      const val = jsonConverter(t.valueType, o, zone);
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
      const convs = t.fields.map((f) => jsonConverter(f.type, o, zone));
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

/** Read one JSON file into batches of `schema` (plus the corrupt-record column if present); malformed records are counted into `counts`. */
export function readJsonFile(path: string, schema: StructType, o: JsonReadOptions, timeZone: string, batchSize: number, counts?: MalformedCounts): AsyncGenerator<ColumnBatch> {
  return readJsonRecords(jsonFileRecords(path, o), path, schema, o, timeZone, batchSize, counts);
}

/**
 * Decode `records` (of the file `path`, named in errors) into batches, as readJsonFile does;
 * parallel-read splits a file into byte ranges with it. A record that is an array gives one row
 * per element and is malformed as a whole when any element is (Spark marks every row of it).
 */
export async function* readJsonRecords(
  records: AsyncIterable<JsonRecord>,
  path: string,
  schema: StructType,
  o: JsonReadOptions,
  timeZone: string,
  batchSize: number,
  counts?: MalformedCounts,
): AsyncGenerator<ColumnBatch> {
  const zone = getTimeZone(timeZone);
  const corrupt = schema.fields.findIndex((f) => f.name === o.columnNameOfCorruptRecord && f.type.kind === "string");
  const cols = schema.fields.map((_, i) => i).filter((i) => i !== corrupt);
  const convs = cols.map((i) => jsonConverter(schema.fields[i]!.type, o, zone));
  const asm = new RowAssembler(schema, corrupt, o.mode, path, batchSize, counts);
  const exactNumbers = exactNumbersTest(cols.map((i) => schema.fields[i]!));
  const parse = {
    allowComments: o.allowComments,
    allowSingleQuotes: o.allowSingleQuotes,
    allowNumericLeadingZeros: o.allowNumericLeadingZeros,
    allowUnquotedControlChars: o.allowUnquotedControlChars,
    ...(exactNumbers ? { exactNumbers } : {}),
  };
  /** Convert one object into the assembler's current row; returns why it is malformed, or undefined. */
  const convert = (obj: unknown): string | undefined => {
    if (typeof obj !== "object" || obj === null || Array.isArray(obj) || obj instanceof JsonNumberText) return "the record is not a JSON object";
    const src = obj as Record<string, unknown>;
    let bad: string | undefined;
    for (let k = 0; k < cols.length; k++) {
      const f = schema.fields[cols[k]!]!;
      const x = src[f.name];
      if (x === null || x === undefined) continue;
      const y = convs[k]!(x);
      if (y === BAD) bad ??= `value ${jsonText(x)} of field \`${f.name}\` is not a valid ${simpleString(f.type).toUpperCase()}`;
      else asm.set(cols[k]!, y);
    }
    return bad;
  };
  // A file that fails part-way (a damaged .gz) first hands over the rows read before the damage:
  // with ignoreCorruptFiles they are kept, as Spark keeps them (tolerant-read.ts).
  try {
    for await (const rec of records) {
      let value: unknown;
      let why: string | undefined = rec.invalidUtf8 ? INVALID_UTF8 : undefined;
      if (why === undefined) {
        try {
          value = parseJsonRecord(rec.text, parse);
        } catch (e) {
          why = (e as Error).message;
        }
      }
      if (why !== undefined) {
        asm.begin();
        asm.markBad(why);
        const b = asm.end(rec.text, rec.line);
        if (b) yield b;
        continue;
      }
      if (!Array.isArray(value)) {
        asm.begin();
        const bad = convert(value);
        if (bad !== undefined) asm.markBad(bad);
        const b = asm.end(rec.text, rec.line);
        if (b) yield b;
        continue;
      }
      // An array record: the first malformed element makes every row of it malformed.
      const firstBad = value.map((obj) => (asm.begin(), convert(obj))).find((x) => x !== undefined);
      for (const obj of value) {
        asm.begin();
        convert(obj);
        if (firstBad !== undefined) asm.markBad(firstBad);
        const b = asm.end(rec.text, rec.line);
        if (b) yield b;
      }
    }
  } catch (e) {
    const partial = asm.flush();
    if (partial) yield partial;
    throw e;
  }
  const rest = asm.flush();
  if (rest) yield rest;
}
