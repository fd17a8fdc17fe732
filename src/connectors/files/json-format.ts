/**
 * JSON lines (and multiLine JSON): schema inference and reading, with Spark's rules.
 * A record is one line (blank lines skipped) or, with multiLine, a whole file. A record that is an
 * object is a row; an array of objects gives one row per element; anything else is malformed.
 * Inference merges record types (fields sorted by name), turns NULL into STRING and drops empty
 * structs; malformed records add the corrupt-record column in PERMISSIVE mode.
 * Records come from json-records.ts.
 * Reading converts values as Spark's JacksonParser does (expr/functions/json-converter.ts, shared
 * with from_json), dates and timestamps with the reader's timestampFormat/dateFormat.
 */
import type { ColumnBatch } from "../../columnar/column-batch.js";
import { inputError } from "../../common/errors.js";
import { type TimeZone, getTimeZone } from "../../expr/datetime/time-zone.js";
import { type DataType, simpleString } from "../../types/data-type.js";
import { StructType } from "../../types/struct-type.js";
import { dateParser, localTimestampParser, timestampParser } from "./datetime-text.js";
import { type JsonRecord, jsonFileRecords, jsonFileRecordsSync } from "./json-records.js";
import { BAD, type JsonTextParsers, exactNumbersTest, jsonConverter } from "../../expr/functions/json-converter.js";
import { JsonNumberText, inferJsonText, jsonText, mergeJsonTypes, parseJsonRecord } from "../../expr/functions/json-scanner.js";
import type { JsonReadOptions } from "./options.js";
import { type MalformedCounts, RowAssembler } from "./row-assembler.js";
import { toDecimal } from "./value-text.js";

const INVALID_UTF8 = "the record is not valid UTF-8";

function malformed(file: string, line: number, why: string): Error {
  return inputError("MALFORMED_RECORD_IN_PARSING", `Malformed JSON record in ${file} at line ${line}: ${why}. Fix the input, or read with mode PERMISSIVE (nulls) or DROPMALFORMED (skip).`, { file, line });
}

/** Infer a JSON schema from the given files (read synchronously: this runs at DataFrame creation). */
export function inferJsonSchema(files: readonly string[], o: JsonReadOptions, timeZone: string, timestampNTZ = false): StructType {
  const zone = getTimeZone(timeZone);
  const parseTs = timestampParser(o.timestampFormat, zone);
  const parseLocal = localTimestampParser(o.timestampNTZFormat);
  // Spark's JsonInferSchema: with inferTimestamp, zone-less text is TIMESTAMP_NTZ only when spark.sql.timestampType says so
  const local = o.inferTimestamp && timestampNTZ ? { isLocalTimestamp: (s: string) => parseLocal(s) !== null } : {};
  const opts = { ...o, ...local, ...(o.inferTimestamp ? { isTimestamp: (s: string) => parseTs(s) !== null } : {}) };
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

/** The reader's text parsers for dates, timestamps and decimals. */
function jsonTextParsers(o: JsonReadOptions, zone: TimeZone): JsonTextParsers {
  return { timestamp: timestampParser(o.timestampFormat, zone, o.dateTimeParsingFallback), localTimestamp: localTimestampParser(o.timestampNTZFormat, o.dateTimeParsingFallback), date: dateParser(o.dateFormat, o.dateTimeParsingFallback), decimal: toDecimal, exactStringParsing: true };
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
  const parsers = jsonTextParsers(o, zone);
  const convs = cols.map((i) => jsonConverter(schema.fields[i]!.type, parsers));
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
      if (y === BAD) bad ??= `value ${jsonText(x, true)} of field \`${f.name}\` is not a valid ${simpleString(f.type).toUpperCase()}`;
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
