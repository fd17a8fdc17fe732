/**
 * JSON lines (and multiLine JSON): schema inference and reading, with Spark's rules.
 * A record is one line (blank lines skipped) or, with multiLine, a whole file. A record that is an
 * object is a row; an array of objects gives one row per element; anything else is malformed.
 * Inference merges record types (fields sorted by name), turns NULL into STRING and drops empty
 * structs; malformed records add the corrupt-record column in PERMISSIVE mode.
 * Reading converts values as Spark's JacksonParser does: any JSON value fits a STRING column (as
 * its JSON text), numbers must fit the column's type, strings parse as dates/timestamps/decimals,
 * integral numbers in a TIMESTAMP column are seconds since the epoch.
 */
import { readFile, readFileSync } from "node:fs";
import { promisify } from "node:util";
import { readLineChunks, readLineChunksSync } from "./line-chunks.js";
import type { ColumnBatch } from "../../columnar/column-batch.js";
import { inputError } from "../../common/errors.js";
import { type TimeZone, getTimeZone } from "../../expr/datetime/time-zone.js";
import { type DataType, simpleString } from "../../types/data-type.js";
import { StructType } from "../../types/struct-type.js";
import { BAD } from "./csv-format.js";
import { dateParser, timestampParser } from "./datetime-text.js";
import { inferJsonText, mergeJsonTypes, parseJsonLenient } from "./json-scanner.js";
import type { JsonReadOptions } from "./options.js";
import { RowAssembler } from "./row-assembler.js";
import { toDecimal } from "./value-text.js";

const readFileAsync = promisify(readFile);

export interface JsonRecord {
  readonly text: string;
  readonly line: number;
}

/** Split one file's text into records. */
export function* jsonRecords(text: string, o: Pick<JsonReadOptions, "multiLine" | "lineSep">): Generator<JsonRecord> {
  if (o.multiLine) {
    if (text.trim() !== "") yield { text, line: 1 };
    return;
  }
  let pos = 0;
  let line = 1;
  const sep = o.lineSep;
  while (pos <= text.length) {
    let end = sep !== undefined ? text.indexOf(sep, pos) : text.indexOf("\n", pos);
    if (end < 0) end = text.length;
    let rec = text.slice(pos, end);
    if (sep === undefined && rec.endsWith("\r")) rec = rec.slice(0, -1);
    if (rec.trim() !== "") yield { text: rec, line };
    line++;
    pos = end + (sep !== undefined ? sep.length : 1);
  }
}

/** Records of a file; JSON lines are read in chunks so files of any size work. */
function* jsonFileRecordsSync(path: string, o: Pick<JsonReadOptions, "multiLine" | "lineSep">): Generator<JsonRecord> {
  if (o.multiLine || o.lineSep !== undefined) {
    yield* jsonRecords(readFileSync(path, "utf8"), o);
    return;
  }
  for (const c of readLineChunksSync(path)) for (const r of jsonRecords(c.text, o)) yield { text: r.text, line: r.line + c.firstLine - 1 };
}

async function* jsonFileRecords(path: string, o: Pick<JsonReadOptions, "multiLine" | "lineSep">): AsyncGenerator<JsonRecord> {
  if (o.multiLine || o.lineSep !== undefined) {
    yield* jsonRecords(await readFileAsync(path, "utf8"), o);
    return;
  }
  yield* chunkRecords(path, readLineChunks(path), o);
}

/** The JSON records of line chunks of `path`, numbered by file line; a read error names the file. */
export async function* chunkRecords(
  path: string,
  chunks: AsyncIterator<{ text: string; firstLine: number }>,
  o: Pick<JsonReadOptions, "multiLine" | "lineSep">,
): AsyncGenerator<JsonRecord> {
  try {
    for (;;) {
      let next: IteratorResult<{ text: string; firstLine: number }>;
      try {
        next = await chunks.next();
      } catch (e) {
        throw inputError("FAILED_READ_FILE", `Cannot read ${path}: ${(e as Error).message}`, { file: path }, e);
      }
      if (next.done) return;
      const c = next.value;
      for (const r of jsonRecords(c.text, o)) yield { text: r.text, line: r.line + c.firstLine - 1 };
    }
  } finally {
    // A consumer that stops early (LIMIT, a cancelled worker task) must still close the file.
    await chunks.return?.();
  }
}

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
          if (o.mode === "FAILFAST") throw malformed(file, rec.line, "the record is not a JSON object");
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

/** JSON value → engine value of `t`, or BAD. */
export function jsonConverter(t: DataType, o: Pick<JsonReadOptions, "timestampFormat" | "dateFormat">, zone: TimeZone): JsonConverter {
  switch (t.kind) {
    case "string":
      return (v) => (typeof v === "string" ? v : JSON.stringify(v));
    case "boolean":
      return (v) => (typeof v === "boolean" ? v : BAD);
    case "int":
      return (v) => (typeof v === "number" && Number.isInteger(v) && v >= -2147483648 && v <= 2147483647 ? v : BAD);
    case "bigint":
      return (v) => (typeof v === "number" && Number.isInteger(v) ? v : BAD);
    case "float":
    case "double": {
      const round = t.kind === "float" ? Math.fround : (x: number) => x;
      return (v) => (typeof v === "number" ? round(v) : typeof v === "string" && v in NON_NUMERIC ? NON_NUMERIC[v] : BAD);
    }
    case "decimal":
      return (v) => (typeof v === "number" || typeof v === "string" ? (toDecimal(String(v), t.precision, t.scale) ?? BAD) : BAD);
    case "timestamp": {
      const p = timestampParser(o.timestampFormat, zone);
      return (v) => (typeof v === "string" ? (p(v) ?? BAD) : typeof v === "number" && Number.isFinite(v) ? Math.round(v * 1_000_000) : BAD);
    }
    case "date": {
      const p = dateParser(o.dateFormat);
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
        if (typeof v !== "object" || v === null || Array.isArray(v)) return BAD;
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
        if (typeof v !== "object" || v === null || Array.isArray(v)) return BAD;
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

/** Read one JSON file into batches of `schema` (plus the corrupt-record column if present). */
export function readJsonFile(path: string, schema: StructType, o: JsonReadOptions, timeZone: string, batchSize: number): AsyncGenerator<ColumnBatch> {
  return readJsonRecords(jsonFileRecords(path, o), path, schema, o, timeZone, batchSize);
}

/** Decode `records` (of the file `path`, named in errors) into batches, as readJsonFile does; parallel-read splits a file into byte ranges with it. */
export async function* readJsonRecords(records: AsyncIterable<JsonRecord>, path: string, schema: StructType, o: JsonReadOptions, timeZone: string, batchSize: number): AsyncGenerator<ColumnBatch> {
  const zone = getTimeZone(timeZone);
  const corrupt = schema.fields.findIndex((f) => f.name === o.columnNameOfCorruptRecord && f.type.kind === "string");
  const cols = schema.fields.map((_, i) => i).filter((i) => i !== corrupt);
  const convs = cols.map((i) => jsonConverter(schema.fields[i]!.type, o, zone));
  const asm = new RowAssembler(schema, corrupt, o.mode, path, batchSize);
  const lenient = { allowComments: o.allowComments, allowSingleQuotes: o.allowSingleQuotes };
  const emit = (obj: unknown): void => {
    if (typeof obj !== "object" || obj === null || Array.isArray(obj)) {
      asm.markBad("the record is not a JSON object");
      return;
    }
    const src = obj as Record<string, unknown>;
    for (let k = 0; k < cols.length; k++) {
      const f = schema.fields[cols[k]!]!;
      const x = src[f.name];
      if (x === null || x === undefined) continue;
      const y = convs[k]!(x);
      if (y === BAD) asm.markBad(`value ${JSON.stringify(x)} of field \`${f.name}\` is not a valid ${simpleString(f.type).toUpperCase()}`);
      else asm.set(cols[k]!, y);
    }
  };
  for await (const rec of records) {
    let value: unknown;
    let ok = true;
    try {
      value = JSON.parse(rec.text);
    } catch {
      try {
        value = parseJsonLenient(rec.text, lenient);
      } catch (e) {
        ok = false;
        asm.begin();
        asm.markBad((e as Error).message);
        const b = asm.end(rec.text, rec.line);
        if (b) yield b;
      }
    }
    if (!ok) continue;
    const objs = Array.isArray(value) ? value : [value];
    for (const obj of objs) {
      asm.begin();
      emit(obj);
      const b = asm.end(rec.text, rec.line);
      if (b) yield b;
    }
  }
  const rest = asm.flush();
  if (rest) yield rest;
}
