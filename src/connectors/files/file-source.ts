/**
 * Batch file sources: json, csv, parquet, text.
 *   1. resolveFileSource (sync, at DataFrame creation): validate options, list files, discover
 *      partition columns and infer their types, then take the data schema from `userSchema` or
 *      infer it (JSON/CSV records, Parquet footers, text's `value STRING`). The result is the data
 *      columns followed by the partition columns, as in Spark.
 *   2. createFileScanExec: a scan reading file after file into batches of ≤ ctx.batchSize rows,
 *      partition columns filled in as constants; large JSON/CSV reads are decoded ahead in worker
 *      threads, in the same order (parallel-read.ts).
 *   3. readFileBatches: the per-file reader the streaming file source calls.
 *   4. A batch scan that met malformed records writes one warning when done (malformedWarning).
 */
import type { ColumnBatch } from "../../columnar/column-batch.js";
import { makeBatch } from "../../columnar/column-batch.js";
import { constantVector, nullVector } from "../../columnar/vector.js";
import { configError, unsupported } from "../../common/errors.js";
import { getTimeZone } from "../../expr/datetime/time-zone.js";
import type { DataSourceSpec } from "../../plan/logical-plan.js";
import type { RScan } from "../../plan/resolved-plan.js";
import type { ExecutionPlan, TaskContext } from "../../physical/execution-plan.js";
import { type DataType, StringType } from "../../types/data-type.js";
import { StructType } from "../../types/struct-type.js";
import { checkCsvType, inferCsvSchema, readCsvFile } from "./csv-format.js";
import { compilePattern, parseTimestampLenient } from "./datetime-text.js";
import { type InputFile, listInputFiles } from "./file-listing.js";
import { inferJsonSchema, readJsonFile } from "./json-format.js";
import { type FileToRead, readFilesInOrder } from "./parallel-read.js";
import { mergeJsonTypes } from "./json-scanner.js";
import { type FileFormat, OptionReader, parseCsvReadOptions, parseJsonReadOptions, parseParquetReadOptions, parseTextReadOptions } from "./options.js";
import { mergeParquetSchemas, readParquetFile, readParquetSchema } from "./parquet-format.js";
import { TEXT_SCHEMA, readTextFile } from "./text-format.js";
import { parseDecimalText, parseDoubleText, parseIntText, parseLongText } from "./value-text.js";

const FORMATS: readonly FileFormat[] = ["json", "csv", "parquet", "text"];

export function asFileFormat(format: string): FileFormat {
  const f = format.toLowerCase();
  if ((FORMATS as readonly string[]).includes(f)) return f as FileFormat;
  throw unsupported("DATA_SOURCE_NOT_FOUND", `Failed to find the data source: ${format}. File formats: ${FORMATS.join(", ")}`, { format });
}

const defaultTimeZone = (options: Readonly<Record<string, string>>): string => {
  const k = Object.keys(options).find((x) => x.toLowerCase() === "timezone");
  return (k ? options[k] : undefined) ?? (Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC");
};

/** Spark's partition value type inference for one raw value. */
function partitionValueType(v: string): DataType {
  if (parseIntText(v) !== null) return { kind: "int" };
  if (parseLongText(v) !== null) return { kind: "bigint" };
  const d = parseDecimalText(v);
  if (d && d.scale <= 0 && /^[+-]?\d+$/.test(v) && d.precision <= 38) return { kind: "decimal", precision: d.precision, scale: 0 };
  if (parseDoubleText(v) !== null && !/^\s|\s$|[dDfF]$/.test(v)) return { kind: "double" };
  if (compilePattern("yyyy-MM-dd").parseDate(v) !== null) return { kind: "date" };
  if (/^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}/.test(v) && parseTimestampLenient(v, getTimeZone("UTC")) !== null) return { kind: "timestamp" };
  return StringType;
}

export function inferPartitionTypes(files: readonly InputFile[], columns: readonly string[]): DataType[] {
  return columns.map((_, k) => {
    let t: DataType = { kind: "null" };
    for (const f of files) {
      const v = f.partitionValues[k];
      if (v !== null && v !== undefined) t = mergeJsonTypes(t, partitionValueType(v));
    }
    return t.kind === "null" ? StringType : t;
  });
}

interface ResolvedFiles {
  readonly format: FileFormat;
  readonly files: readonly InputFile[];
  readonly partitionColumns: readonly string[];
  readonly dataSchema: StructType;
  readonly partitionSchema: StructType;
}

function listingOptions(options: Readonly<Record<string, string>>) {
  const o = new OptionReader("file", options);
  const base = o.optStr("basePath");
  const glob = o.optStr("pathGlobFilter");
  return { ...(base ? { basePath: base } : {}), ...(glob ? { pathGlobFilter: glob } : {}), recursiveFileLookup: o.bool("recursiveFileLookup", false) };
}

function resolveFiles(spec: DataSourceSpec): ResolvedFiles {
  const format = asFileFormat(spec.format);
  const readOpts = { json: parseJsonReadOptions, csv: parseCsvReadOptions, parquet: parseParquetReadOptions, text: parseTextReadOptions }[format](spec.options);
  const listing = listInputFiles(spec.paths, listingOptions(spec.options));
  const files = listing.files;
  const pTypes = inferPartitionTypes(files, listing.partitionColumns);
  const user = spec.userSchema;
  const partitionSchema = new StructType(
    listing.partitionColumns.map((name, k) => {
      const u = user?.fields.find((f) => f.name.toLowerCase() === name.toLowerCase());
      return { name: u?.name ?? name, type: u?.type ?? pTypes[k]!, nullable: true };
    }),
  );
  const isPartition = (n: string) => listing.partitionColumns.some((p) => p.toLowerCase() === n.toLowerCase());
  let data: StructType;
  const tz = defaultTimeZone(spec.options);
  const paths = files.map((f) => f.path);
  if (user) data = new StructType(user.fields.filter((f) => !isPartition(f.name)));
  else if (format === "text") data = TEXT_SCHEMA;
  else if (format === "json") data = inferJsonSchema(paths, readOpts as ReturnType<typeof parseJsonReadOptions>, tz);
  else if (format === "csv") data = inferCsvSchema(paths, readOpts as ReturnType<typeof parseCsvReadOptions>, tz);
  else if (paths.length === 0) data = new StructType([]);
  else if ((readOpts as ReturnType<typeof parseParquetReadOptions>).mergeSchema) data = mergeParquetSchemas(paths.map((file) => ({ file, schema: readParquetSchema(file) })));
  else data = readParquetSchema(paths[0]!);
  data = new StructType(data.fields.filter((f) => !isPartition(f.name)).map((f) => ({ ...f, nullable: true })));
  if (format === "csv") for (const f of data.fields) checkCsvType(f.name, f.type);
  if (format === "text" && user && (data.length !== 1 || data.fields[0]!.type.kind !== "string")) {
    throw configError("INVALID_SCHEMA", `The text source has one STRING column; the given schema is ${user.toDDL()}`);
  }
  if (data.length === 0 && partitionSchema.length === 0 && format !== "parquet") {
    throw configError("UNABLE_TO_INFER_SCHEMA", `Unable to infer schema for ${format.toUpperCase()} at ${spec.paths.join(", ")}: no data found. It must be specified manually with .schema(...).`, { path: spec.paths.join(", ") });
  }
  return { format, files, partitionColumns: listing.partitionColumns, dataSchema: data, partitionSchema };
}

/** The schema of a file source: data columns, then partition columns. Synchronous. */
export function resolveFileSource(spec: DataSourceSpec): StructType {
  const r = resolveFiles(spec);
  return new StructType([...r.dataSchema.fields, ...r.partitionSchema.fields]);
}

/** Read one file of `format` into batches of `schema` (its data columns; options as the user gave them). */
export function readFileBatches(format: string, path: string, schema: StructType, options: Readonly<Record<string, string>>, ctx: TaskContext): AsyncIterable<ColumnBatch> {
  const f = asFileFormat(format);
  const tz = options.timeZone ?? ctx.eval.timeZone;
  switch (f) {
    case "json":
      return readJsonFile(path, schema, parseJsonReadOptions(options), tz, ctx.batchSize, ctx.malformedRecords);
    case "csv":
      return readCsvFile(path, schema, parseCsvReadOptions(options), tz, ctx.batchSize, ctx.malformedRecords);
    case "parquet":
      return readParquetFile(path, schema, ctx.batchSize);
    case "text":
      return readTextFile(path, schema, parseTextReadOptions(options), ctx.batchSize);
  }
}

/** Read several files of `format` in file order, then record order (JSON/CSV decoded ahead in worker threads when large enough). */
export async function* readFilesBatches(format: string, files: readonly FileToRead[], schema: StructType, options: Readonly<Record<string, string>>, ctx: TaskContext): AsyncGenerator<ColumnBatch> {
  for await (const x of readFilesInOrder(format, files, schema, options, ctx, readFileBatches)) yield x.batch;
}

/** A partition value as the engine value of its column type (null when it does not parse). */
function partitionValue(raw: string | null, t: DataType, timeZone: string): unknown {
  if (raw === null) return null;
  switch (t.kind) {
    case "string":
      return raw;
    case "int":
      return parseIntText(raw);
    case "bigint":
      return parseLongText(raw);
    case "double":
    case "float":
      return parseDoubleText(raw);
    case "decimal": {
      const d = parseDecimalText(raw);
      return d ? Math.round(d.unscaled * 10 ** (t.scale - d.scale)) : null;
    }
    case "date":
      return compilePattern("yyyy-MM-dd").parseDate(raw);
    case "timestamp":
      return parseTimestampLenient(raw, getTimeZone(timeZone));
    case "boolean":
      return raw === "true" ? true : raw === "false" ? false : null;
    default:
      return null;
  }
}

/** The scan ExecutionPlan for a resolved file relation; outputs `node.output` columns. */
/**
 * `required`: the output columns the plan reads (see optimizer/scan-column-pruning.ts). Parquet
 * decodes only those (at least one, for row counts); the others are null vectors nobody reads.
 */
export function createFileScanExec(node: RScan, required?: ReadonlySet<number>): ExecutionPlan {
  const spec = node.source;
  const outSchema = new StructType(node.output.map((a) => ({ name: a.name, type: a.type, nullable: a.nullable })));
  const requiredNames = required && new Set([...required].map((i) => outSchema.fields[i]?.name.toLowerCase()));
  let resolved: ResolvedFiles | undefined;
  return {
    name: "FileScanExec",
    schema: outSchema,
    children: [],
    describe: () => `FileScan ${spec.format} [${outSchema.fieldNames.join(",")}] ${spec.paths.join(", ")}`,
    async *execute(ctx: TaskContext) {
      // Listing happens again at execution so files added since analysis are read (as Spark does per action).
      resolved ??= resolveFiles(spec.userSchema ? spec : { ...spec, userSchema: StructType.of(node.dataSchema) });
      const r = resolved;
      const tz = spec.options.timeZone ?? ctx.eval.timeZone;
      const pIndex = (name: string) => r.partitionSchema.fields.findIndex((f) => f.name.toLowerCase() === name.toLowerCase());
      let readSchema = r.dataSchema;
      if (requiredNames && r.format === "parquet") {
        const kept = r.dataSchema.fields.filter((f) => requiredNames.has(f.name.toLowerCase()));
        readSchema = new StructType(kept.length > 0 || r.dataSchema.length === 0 ? kept : [r.dataSchema.fields[0]!]);
      }
      // Files in order; JSON/CSV decoded in worker threads when large enough (parallel-read.ts).
      const counts = { malformed: 0, dropped: 0 };
      for await (const { fileIndex, batch: b } of readFilesInOrder(r.format, r.files, readSchema, spec.options, { ...ctx, malformedRecords: counts }, readFileBatches)) {
        const file = r.files[fileIndex]!;
        const cols = outSchema.fields.map((f) => {
          const p = pIndex(f.name);
          if (p >= 0) return constantVector(f.type, partitionValue(file.partitionValues[p] ?? null, r.partitionSchema.fields[p]!.type, tz), b.numRows);
          const d = b.schema.indexOf(f.name);
          return d >= 0 ? b.columns[d]! : nullVector(f.type, b.numRows);
        });
        yield makeBatch(outSchema, cols, b.numRows);
      }
      if (counts.malformed > 0) process.stderr.write(`sluice: warning: ${malformedWarning(spec, counts)}\n`);
    },
  };
}

/**
 * Beyond Spark, a batch read that met malformed records says so once it is done (streaming
 * reports them in progress instead: FileStreamSource metrics), so bad input is never lost unseen.
 */
export function malformedWarning(spec: DataSourceSpec, counts: { readonly malformed: number; readonly dropped: number }): string {
  const what = counts.dropped > 0 ? `${counts.dropped} dropped (mode DROPMALFORMED)` : "read as rows of nulls (mode PERMISSIVE; the raw text is in the columnNameOfCorruptRecord column when the schema has it)";
  return `${spec.format.toUpperCase()} read of ${spec.paths.join(", ")} met ${counts.malformed} malformed record${counts.malformed === 1 ? "" : "s"}, ${what}. Read with mode FAILFAST to fail on the first one, naming its file and line.`;
}
