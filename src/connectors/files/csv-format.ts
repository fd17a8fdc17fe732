/**
 * CSV: schema inference and reading, with Spark's rules.
 * Inference (inferSchema=true) walks every record; each column's type starts at NULL and is
 * widened value by value along Spark's chain int → bigint → decimal → double → date → timestamp
 * → boolean → string (dates only when `preferDate` and the value matches `dateFormat`).
 * Without inferSchema every column is STRING. Names come from the header of the first file
 * (blank → `_c<i>`, case-insensitive duplicates get their index appended) or are `_c0.._cN`.
 */
import { constants } from "node:fs";
import { access } from "node:fs/promises";
import { fileSystemFor } from "../../fs/file-systems.js";
import { isLocalPath, localPathOf } from "../../fs/path.js";
import type { ColumnBatch } from "../../columnar/column-batch.js";
import { inputError, unsupported } from "../../common/errors.js";
import { type TimeZone, getTimeZone } from "../../expr/datetime/time-zone.js";
import { type DataType, simpleString } from "../../types/data-type.js";
import { StructType } from "../../types/struct-type.js";
import { dateParser, compilePattern, DEFAULT_DATE_FORMAT, localTimestampParser, timestampParser } from "./datetime-text.js";
import { mergeJsonTypes } from "../../expr/functions/json-scanner.js";
import type { CsvReadOptions } from "./options.js";
import { readFileBytes, readFileBytesSync } from "./compression.js";
import { type MalformedCounts, RowAssembler } from "./row-assembler.js";
import { type CsvRecord, tokenizeCsv } from "../../expr/functions/csv-tokenizer.js";
import { type TextChunk, readLineChunks, readLineChunksSync } from "./line-chunks.js";
import { BAD, type CsvDateTimeParsers, csvConverter, inferCsvValue } from "../../expr/functions/csv-values.js";


function tokenizerOptions(o: CsvReadOptions) {
  return {
    sep: o.sep,
    quote: o.quote,
    escape: o.escape,
    comment: o.comment,
    multiLine: o.multiLine,
    ...(o.lineSep !== undefined ? { lineSep: o.lineSep } : {}),
    ignoreLeadingWhiteSpace: o.ignoreLeadingWhiteSpace,
    ignoreTrailingWhiteSpace: o.ignoreTrailingWhiteSpace,
    emptyValue: o.emptyValue,
  };
}

/** Text without its leading byte order mark (Spark's line reader skips one at the start of a file). */
const withoutBom = (text: string): string => (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);

/** The records of line chunks of a file, numbered by file line. */
function* chunkRecords(chunks: Iterable<TextChunk>, o: CsvReadOptions): Generator<CsvRecord> {
  for (const c of chunks) for (const r of tokenizeCsv(c.firstLine === 1 ? withoutBom(c.text) : c.text, tokenizerOptions(o))) yield { ...r, line: r.line + c.firstLine - 1 };
}

/**
 * Records of a file. Without multiLine a record never spans lines, so the file is tokenized in
 * chunks of whole lines (files larger than a JS string work); with multiLine it is read whole.
 */
function* csvFileRecordsSync(path: string, o: CsvReadOptions): Generator<CsvRecord> {
  if (o.multiLine || o.lineSep !== undefined) {
    yield* tokenizeCsv(withoutBom(readFileBytesSync(path).toString("utf8")), tokenizerOptions(o));
    return;
  }
  yield* chunkRecords(readLineChunksSync(path), o);
}

async function* csvFileRecords(path: string, o: CsvReadOptions): AsyncGenerator<CsvRecord> {
  if (o.multiLine || o.lineSep !== undefined) {
    yield* tokenizeCsv(withoutBom((await readFileBytes(path)).toString("utf8")), tokenizerOptions(o));
    return;
  }
  for await (const c of readLineChunks(path)) yield* chunkRecords([c], o);
}

/**
 * A record with more fields than `maxColumns` fails the read in every parse mode, as Spark's CSV
 * parser does (univocity's column limit; PySpark 4.0.1 raised MALFORMED_CSV_RECORD in PERMISSIVE
 * too: test/bad-input csv-max-columns and csv-format.test.ts).
 */
function checkMaxColumns(rec: CsvRecord, o: CsvReadOptions, path: string): void {
  if (rec.fields.length <= o.maxColumns) return;
  throw inputError(
    "MALFORMED_CSV_RECORD",
    `CSV record in ${path} at line ${rec.line} has ${rec.fields.length} fields, more than maxColumns=${o.maxColumns}. Raise the maxColumns option, or fix the input.`,
    { file: path, line: rec.line },
  );
}

/** Spark's header-name cleanup: blanks → `_c<i>`, case-insensitive duplicates → name + index. */
export function headerNames(fields: readonly (string | null)[]): string[] {
  const raw = fields.map((f, i) => (f === null || f === "" ? `_c${i}` : f));
  const counts = new Map<string, number>();
  for (const r of raw) counts.set(r.toLowerCase(), (counts.get(r.toLowerCase()) ?? 0) + 1);
  return raw.map((r, i) => ((counts.get(r.toLowerCase()) ?? 0) > 1 ? `${r}${i}` : r));
}

/** CSV cannot hold nested types (Spark: UNSUPPORTED_DATA_TYPE_FOR_DATASOURCE). */
export function checkCsvType(name: string, t: DataType): void {
  if (t.kind === "array" || t.kind === "map" || t.kind === "struct" || t.kind === "null") {
    throw unsupported("UNSUPPORTED_DATA_TYPE_FOR_DATASOURCE", `The CSV datasource doesn't support the column \`${name}\` of the type ${simpleString(t).toUpperCase()}. Use JSON or Parquet for nested data, or convert it with to_json().`, { column: name });
  }
}


/** Infer a CSV schema from the given files (read synchronously: this runs at DataFrame creation). */
export function inferCsvSchema(files: readonly string[], o: CsvReadOptions, timeZone: string, timestampNTZ = false): StructType {
  let names: string[] | undefined;
  let types: DataType[] = [];
  const zone = getTimeZone(timeZone);
  const ts = { parseTs: timestampParser(o.timestampFormat, zone), ...(timestampNTZ ? { parseLocal: localTimestampParser(o.timestampNTZFormat) } : {}) };
  const datePattern = compilePattern(o.dateFormat ?? DEFAULT_DATE_FORMAT);
  const strictDate = (s: string) => datePattern.parseDate(s);
  for (const file of files) {
    let first = true;
    for (const rec of csvFileRecordsSync(file, o)) {
      checkMaxColumns(rec, o, file);
      if (first) {
        first = false;
        if (names === undefined) {
          names = o.header ? headerNames(rec.fields) : rec.fields.map((_, i) => `_c${i}`);
          types = names.map(() => ({ kind: "null" }));
        }
        if (o.header) continue;
      }
      if (!o.inferSchema) continue;
      for (let i = 0; i < types.length && i < rec.fields.length; i++) {
        const v = rec.fields[i];
        if (v === null || v === undefined || v === o.nullValue) continue;
        types[i] = mergeJsonTypes(types[i]!, inferCsvValue(types[i]!, v, o, ts, strictDate));
      }
    }
  }
  return new StructType((names ?? []).map((name, i) => ({ name, type: types[i]!.kind === "null" ? { kind: "string" } : types[i]!, nullable: true })));
}

/** The date and timestamp parsers of the reader's options (formats, session zone, fallback). */
function csvDateTimeParsers(o: CsvReadOptions, zone: TimeZone): CsvDateTimeParsers {
  return {
    date: dateParser(o.dateFormat, o.dateTimeParsingFallback),
    timestamp: timestampParser(o.timestampFormat, zone, o.dateTimeParsingFallback),
    localTimestamp: localTimestampParser(o.timestampNTZFormat, o.dateTimeParsingFallback),
  };
}

/** Read one CSV file into batches of `schema` (data columns plus the corrupt-record column if present); malformed records are counted into `counts`. */
export async function* readCsvFile(path: string, schema: StructType, o: CsvReadOptions, timeZone: string, batchSize: number, counts?: MalformedCounts): AsyncGenerator<ColumnBatch> {
  try {
    if (isLocalPath(path)) await access(localPathOf(path), constants.R_OK);
    else if (!fileSystemFor(path).exists(path)) throw Object.assign(new Error("no such object"), { code: "ENOENT" });
  } catch (e) {
    throw inputError("FAILED_READ_FILE", `Cannot read ${path}: ${(e as Error).message}`, { file: path }, e);
  }
  const zone = getTimeZone(timeZone);
  const corrupt = schema.fields.findIndex((f) => f.name === o.columnNameOfCorruptRecord && f.type.kind === "string");
  const dataCols = schema.fields.map((_, i) => i).filter((i) => i !== corrupt);
  const parsers = csvDateTimeParsers(o, zone);
  const conv = dataCols.map((i) => csvConverter(schema.fields[i]!.type, o, parsers));
  const asm = new RowAssembler(schema, corrupt, o.mode, path, batchSize, counts);
  let first = true;
  // As readJsonRecords: rows read before a failure part-way through the file are handed over first.
  try {
    for await (const rec of csvFileRecords(path, o)) {
      checkMaxColumns(rec, o, path);
      if (first && o.header) {
        first = false;
        continue;
      }
      first = false;
      asm.begin();
      const f = rec.fields;
      if (f.length !== dataCols.length) asm.markBad(`expected ${dataCols.length} fields, found ${f.length}`);
      for (let k = 0; k < dataCols.length && k < f.length; k++) {
        const s = f[k];
        if (s === null || s === undefined || s === o.nullValue) continue;
        const v = conv[k]!(s);
        if (v === BAD) asm.markBad(`value ${JSON.stringify(s)} of column \`${schema.fields[dataCols[k]!]!.name}\` is not a valid ${simpleString(schema.fields[dataCols[k]!]!.type).toUpperCase()}`);
        else asm.set(dataCols[k]!, v);
      }
      const full = asm.end(rec.raw, rec.line);
      if (full) yield full;
    }
  } catch (e) {
    const partial = asm.flush();
    if (partial) yield partial;
    throw e;
  }
  const rest = asm.flush();
  if (rest) yield rest;
}
