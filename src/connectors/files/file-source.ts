/**
 * Batch file sources: json, csv, parquet, text.
 *   1. resolveFileSource (sync, at DataFrame creation): validate options, list files, discover
 *      partition columns and infer their types, then take the data schema from `userSchema` or
 *      infer it (JSON/CSV records, Parquet footers, text's `value STRING`). The result is the data
 *      columns followed by the partition columns, as in Spark.
 *   2. createFileScanExec: a scan reading file after file into batches of ≤ ctx.batchSize rows,
 *      partition columns filled in as constants; large JSON/CSV reads are decoded ahead in worker
 *      threads, in the same order (parallel-read.ts).
 *   3. readFileBatches / readFilesBatches: the readers the streaming file source calls;
 *      streamingSourcePath checks a streaming read at DataFrame creation.
 *   4. A batch scan that met malformed records writes one warning when done (malformedWarning).
 */
import { log } from "../../common/logger.js";
import { fileSystemFor } from "../../fs/file-systems.js";
import { joinPath, qualifyPath } from "../../fs/path.js";
import type { ColumnBatch } from "../../columnar/column-batch.js";
import { makeBatch } from "../../columnar/column-batch.js";
import { constantVector, nullVector } from "../../columnar/vector.js";
import { analysisError, configError, unsupported } from "../../common/errors.js";
import { codecOf } from "./compression.js";
import { getTimeZone } from "../../expr/datetime/time-zone.js";
import type { DataSourceSpec } from "../../plan/logical-plan.js";
import type { RScan } from "../../plan/resolved-plan.js";
import type { TaskContext } from "../../physical/execution-plan.js";
import type { FilePiece, ScanSplit, SplittableScan } from "../../physical/scan-pieces.js";
import { dataTypeFromJson, dataTypeToJson } from "../../types/json-schema.js";
import { hadoopConfInEffect } from "../../fs/file-systems.js";
import { planPieces, planRowGroupPieces, readJsonRange, splittable } from "./file-pieces.js";
import { type DataType, integralBits, StringType } from "../../types/data-type.js";
import { StructType } from "../../types/struct-type.js";
import { checkCsvType, inferCsvSchema, readCsvFile } from "./csv-format.js";
import { compilePattern, parseTimestampLenient } from "./datetime-text.js";
import { type FileListing, type InputFile, isGlob, listInputFiles, partitionsOf } from "./file-listing.js";
import { inferJsonSchema, readJsonFile } from "./json-format.js";
import type { FileToRead } from "./parallel-read.js";
import { mergeJsonTypes } from "../../expr/functions/json-scanner.js";
import { type FileFormat, type FileListingOptions, OptionReader, type ReadTolerance, parseCsvReadOptions, parseFileReadOptions, parseJsonReadOptions, parseParquetReadOptions, parseTextReadOptions } from "./options.js";
import { mergeParquetSchemas, parquetRowGroupBytes, readParquetFile, readParquetSchema } from "./parquet-format.js";
import { TEXT_SCHEMA, readTextFile } from "./text-format.js";
import { readFilesTolerantly, toleratedOrError } from "./tolerant-read.js";
import { parseDecimalText, parseDoubleText, parseIntText, parseLongText, toDecimal } from "./value-text.js";

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
  readonly tolerance: FileListingOptions;
}

/** File name endings of the compression codecs Hadoop chooses by name (Spark decompresses such JSON/CSV/text files). */
/** Compressed input Sluice cannot decode is refused naming the file (compression.ts); `.gz` and `.deflate` are read. */
export function checkCodec(format: FileFormat, path: string): void {
  if (format !== "parquet") codecOf(path);
}

/**
 * The paths a file source reads: option("path", ...) or the load(...) paths, not both (Spark
 * 4.0.1 refuses both: test/file-options/expected/path-option-and-load-path-*.json).
 */
export function sourcePaths(spec: DataSourceSpec): readonly string[] {
  const key = Object.keys(spec.options).find((k) => k.toLowerCase() === "path");
  if (key === undefined) return spec.paths;
  if (spec.paths.length > 0) {
    throw configError("PATH_OPTION_CONFLICT", `Both option("path", ...) and load(...) paths are given (${[spec.options[key]!, ...spec.paths].join(", ")}). Remove the path option, or call load() without paths; to read several paths pass them all to load(...).`, { path: spec.options[key]! });
  }
  return [spec.options[key]!];
}

/** ignoreMissingFiles / ignoreCorruptFiles of an option map already validated (at DataFrame creation or stream start). */
export function readTolerance(options: Readonly<Record<string, string>>): ReadTolerance {
  const o = new OptionReader("file", options);
  return { ignoreMissingFiles: o.bool("ignoreMissingFiles", false), ignoreCorruptFiles: o.bool("ignoreCorruptFiles", false) };
}

/**
 * The schema in the Parquet footers: the first file's, or with mergeSchema all of them merged.
 * A footer the tolerance options skip is left out; with none left, UNABLE_TO_INFER_SCHEMA, as
 * Spark 4.0.1 fails (test/file-options/expected/parquet-first-corrupt-infer-ignore-true.json).
 */
function parquetFooterSchema(paths: readonly string[], mergeSchema: boolean, tol: ReadTolerance, where: string): StructType {
  const schemas: { file: string; schema: StructType }[] = [];
  for (const file of mergeSchema ? paths : paths.slice(0, 1)) {
    try {
      schemas.push({ file, schema: readParquetSchema(file) });
    } catch (e) {
      const verdict = toleratedOrError(e, file, tol);
      if (verdict !== "skip") throw verdict;
    }
  }
  if (schemas.length === 0) {
    throw configError("UNABLE_TO_INFER_SCHEMA", `Unable to infer schema for PARQUET at ${where}: the footers that would give it were skipped (ignoreCorruptFiles/ignoreMissingFiles). It must be specified manually with .schema(...).`, { path: where });
  }
  return mergeSchema ? mergeParquetSchemas(schemas) : schemas[0]!.schema;
}

/**
 * The listing of each source, made when it is first resolved (at load()) and kept, as Spark's
 * InMemoryFileIndex keeps it: every action of that DataFrame reads those files, so a file deleted
 * since fails with FILE_NOT_EXIST unless ignoreMissingFiles (deleted-after-load-*.json), and
 * files added since are read by the next load().
 */
const listings = new WeakMap<DataSourceSpec, FileListing>();

function resolveFiles(spec: DataSourceSpec, sessionTimeZone = defaultTimeZone(spec.options), listingOf: DataSourceSpec = spec, timestampNTZ = false): ResolvedFiles {
  const format = asFileFormat(spec.format);
  const { format: readOpts, listing: listOpts } = parseFileReadOptions(format, spec.options, { streaming: false, sessionTimeZone });
  const listing = listings.get(listingOf) ?? listInputFiles(sourcePaths(spec), listOpts);
  listings.set(listingOf, listing);
  const files = listing.files;
  for (const f of files) checkCodec(format, f.path);
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
  // Files deleted since listing are left out of inference when ignoreMissingFiles (their read is skipped too).
  const paths = files.map((f) => f.path).filter((p) => !listOpts.ignoreMissingFiles || fileSystemFor(p).exists(p));
  if (user) data = new StructType(user.fields.filter((f) => !isPartition(f.name)));
  else if (format === "text") data = TEXT_SCHEMA;
  else if (format === "json") data = inferJsonSchema(paths, readOpts as ReturnType<typeof parseJsonReadOptions>, tz, timestampNTZ);
  else if (format === "csv") data = inferCsvSchema(paths, readOpts as ReturnType<typeof parseCsvReadOptions>, tz, timestampNTZ);
  else if (paths.length === 0) data = new StructType([]);
  else data = parquetFooterSchema(paths, (readOpts as ReturnType<typeof parseParquetReadOptions>).mergeSchema, listOpts, sourcePaths(spec).join(", "));
  data = new StructType(data.fields.filter((f) => !isPartition(f.name)).map((f) => ({ ...f, nullable: true })));
  if (format === "csv") for (const f of data.fields) checkCsvType(f.name, f.type);
  if (format === "text" && user && (data.length !== 1 || data.fields[0]!.type.kind !== "string")) {
    throw configError("INVALID_SCHEMA", `The text source has one STRING column; the given schema is ${user.toDDL()}`);
  }
  if (data.length === 0 && partitionSchema.length === 0 && format !== "parquet") {
    throw configError("UNABLE_TO_INFER_SCHEMA", `Unable to infer schema for ${format.toUpperCase()} at ${spec.paths.join(", ")}: no data found. It must be specified manually with .schema(...).`, { path: spec.paths.join(", ") });
  }
  return { format, files, partitionColumns: listing.partitionColumns, dataSchema: data, partitionSchema, tolerance: listOpts };
}

/**
 * The one path or glob a streaming file source reads, after checking its options: a path that is
 * not a glob must exist (Spark 4.0.1 fails at load() with PATH_NOT_FOUND; a glob may match nothing
 * yet: test/file-options/expected/glob-nothing-stream.json).
 */
export function streamingSourcePath(spec: DataSourceSpec): string {
  const format = asFileFormat(spec.format);
  parseFileReadOptions(format, spec.options, { streaming: true, sessionTimeZone: defaultTimeZone(spec.options) });
  const paths = sourcePaths(spec);
  const path = paths[0];
  if (paths.length !== 1 || path === undefined) {
    throw configError("INVALID_OPTION", `A streaming ${format} source reads exactly one path or glob; got ${paths.length}`, { format });
  }
  if (!isGlob(path) && !fileSystemFor(path, spec.options).exists(path)) {
    throw analysisError("PATH_NOT_FOUND", `Path does not exist: ${qualifyPath(path)}. Create the folder before starting the stream, or read a glob such as ${joinPath(path, "*")} whose matches may appear later.`, { path: qualifyPath(path) });
  }
  return path;
}

/** The schema of a file source: data columns, then partition columns. Synchronous. `timestampNTZ`: spark.sql.timestampType is TIMESTAMP_NTZ (CSV/JSON inference). */
export function resolveFileSource(spec: DataSourceSpec, timestampNTZ = false): StructType {
  const r = resolveFiles(spec, undefined, spec, timestampNTZ);
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

/**
 * Read several files of `format` in file order, then record order (JSON/CSV decoded ahead in
 * worker threads when large enough), skipping missing or corrupt files as the options say. With
 * `partitionRoot`, columns of `schema` named by `col=value` folders between it and a file are
 * that file's partition values (as Spark's streaming file source fills them), not read from it.
 */
export async function* readFilesBatches(format: string, files: readonly FileToRead[], schema: StructType, options: Readonly<Record<string, string>>, ctx: TaskContext, partitionRoot?: string): AsyncGenerator<ColumnBatch> {
  for (const f of files) checkCodec(asFileFormat(format), f.path);
  const parts = files.map((f) => (partitionRoot === undefined ? undefined : partitionsOf(partitionRoot, f.path)));
  const lower = (n: string) => n.toLowerCase();
  const partitionNames = new Set(parts.flatMap((p) => p?.names.map(lower) ?? []));
  const dataSchema = new StructType(schema.fields.filter((f) => !partitionNames.has(lower(f.name))));
  const tz = options.timeZone ?? ctx.eval.timeZone;
  for await (const { fileIndex, batch } of readFilesTolerantly(format, files, dataSchema, options, ctx, readFileBatches, readTolerance(options))) {
    if (dataSchema.length === schema.length) {
      yield batch;
      continue;
    }
    const p = parts[fileIndex]!;
    yield assembleBatch(schema, batch, (name) => (partitionNames.has(lower(name)) ? (p.values[p.names.findIndex((n) => lower(n) === lower(name))] ?? null) : undefined), tz);
  }
}

/** A partition value as the engine value of its column type (null when it does not parse). */
function partitionValue(raw: string | null, t: DataType, timeZone: string): unknown {
  if (raw === null) return null;
  switch (t.kind) {
    case "string":
      return raw;
    case "byte":
    case "short":
    case "int":
      return parseIntText(raw, integralBits(t) as 8 | 16 | 32);
    case "bigint":
      return parseLongText(raw);
    case "double":
    case "float":
      return parseDoubleText(raw);
    case "decimal":
      return toDecimal(raw, t.precision, t.scale);
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

/**
 * A batch of `outSchema` from a file's read batch `b`: partition columns (those `partitionRaw`
 * gives a raw value or null for) as constants of the column's type, the others from `b`, null
 * where `b` lacks them.
 */
function assembleBatch(outSchema: StructType, b: ColumnBatch, partitionRaw: (name: string) => string | null | undefined, timeZone: string): ColumnBatch {
  const cols = outSchema.fields.map((f) => {
    const raw = partitionRaw(f.name);
    if (raw !== undefined) return constantVector(f.type, partitionValue(raw, f.type, timeZone), b.numRows);
    const d = b.schema.indexOf(f.name);
    return d >= 0 ? b.columns[d]! : nullVector(f.type, b.numRows);
  });
  return makeBatch(outSchema, cols, b.numRows);
}

/** The scan ExecutionPlan for a resolved file relation; outputs `node.output` columns. */
/**
 * `required`: the output columns the plan reads (see optimizer/scan-column-pruning.ts). Parquet
 * decodes only those (at least one, for row counts); the others are null vectors nobody reads.
 */
export function createFileScanExec(node: RScan, required?: ReadonlySet<number>): SplittableScan {
  const spec = node.source;
  const outSchema = new StructType(node.output.map((a) => ({ name: a.name, type: a.type, nullable: a.nullable })));
  const requiredNames = required && new Set([...required].map((i) => outSchema.fields[i]?.name.toLowerCase()));
  let resolved: ResolvedFiles | undefined;
  const resolve = (ctx: TaskContext): ResolvedFiles =>
    (resolved ??= resolveFiles(spec.userSchema ? spec : { ...spec, userSchema: StructType.of(node.dataSchema) }, spec.options.timeZone ?? ctx.eval.timeZone, spec));
  const readSchemaOf = (r: ResolvedFiles): StructType => {
    if (!requiredNames || r.format !== "parquet") return r.dataSchema;
    const kept = r.dataSchema.fields.filter((f) => requiredNames.has(f.name.toLowerCase()));
    return new StructType(kept.length > 0 || r.dataSchema.length === 0 ? kept : [r.dataSchema.fields[0]!]);
  };
  const partitionRawOf = (r: ResolvedFiles, file: InputFile) => (name: string) => {
    const p = r.partitionSchema.fields.findIndex((f) => f.name.toLowerCase() === name.toLowerCase());
    return p >= 0 ? (file.partitionValues[p] ?? null) : undefined;
  };
  return {
    name: "FileScanExec",
    schema: outSchema,
    children: [],
    describe: () => `FileScan ${spec.format} [${outSchema.fieldNames.join(",")}] ${spec.paths.join(", ")}`,
    async *execute(ctx: TaskContext) {
      const r = resolve(ctx);
      const tz = spec.options.timeZone ?? ctx.eval.timeZone;
      // Files in order; JSON/CSV decoded in worker threads when large enough (parallel-read.ts);
      // missing or corrupt files fail or are skipped as the options say (tolerant-read.ts).
      const counts = { malformed: 0, dropped: 0 };
      for await (const { fileIndex, batch: b } of readFilesTolerantly(r.format, r.files, readSchemaOf(r), spec.options, { ...ctx, malformedRecords: counts }, readFileBatches, r.tolerance)) {
        yield assembleBatch(outSchema, b, partitionRawOf(r, r.files[fileIndex]!), tz);
      }
      if (counts.malformed > 0) log.warn(malformedWarning(spec, counts));
    },
    async split(ctx: TaskContext, pieceBytes: number, sizeOnly: boolean): Promise<ScanSplit> {
      const r = resolve(ctx);
      const sizeBytes = r.files.reduce((s, f) => s + f.sizeBytes, 0);
      const finish = (counts: { readonly malformed: number; readonly dropped: number }): void => {
        if (counts.malformed > 0) log.warn(malformedWarning(spec, counts));
      };
      if (sizeOnly) return { pieces: [], sizeBytes, finish };
      const tz = spec.options.timeZone ?? ctx.eval.timeZone;
      const readSchema = dataTypeToJson(readSchemaOf(r));
      const outJson = dataTypeToJson(outSchema);
      // JSON lines split into byte ranges and Parquet files into ranges of row groups
      // (file-pieces.ts) unless a tolerance option may skip the rest of a file, or (JSON) an error
      // must name its line in the whole file (FAILFAST).
      const mode = (Object.entries(spec.options).find(([k]) => k.toLowerCase() === "mode")?.[1] ?? "PERMISSIVE").toUpperCase();
      const tolerant = r.tolerance.ignoreCorruptFiles || r.tolerance.ignoreMissingFiles;
      const ranges = splittable(r.format, spec.options) && mode !== "FAILFAST" && !tolerant;
      const rowGroups = r.format === "parquet" && !tolerant;
      const pieces: FilePiece[] = [];
      for (const file of r.files) {
        const raw = partitionRawOf(r, file);
        const base = {
          kind: "file" as const,
          format: r.format,
          path: file.path,
          readSchema,
          outSchema: outJson,
          partitionRaw: outSchema.fields.map((f) => raw(f.name) ?? false),
          options: spec.options,
          timeZone: tz,
          tolerance: { ignoreMissingFiles: r.tolerance.ignoreMissingFiles, ignoreCorruptFiles: r.tolerance.ignoreCorruptFiles },
          hadoopConf: hadoopConfInEffect(file.path),
        };
        const cut = ranges && codecOf(file.path) === undefined ? planPieces(file.sizeBytes, pieceBytes) : undefined;
        const groups = rowGroups && file.sizeBytes > pieceBytes ? planRowGroupPieces(await parquetRowGroupBytes(file.path), pieceBytes) : undefined;
        if (cut) for (const range of cut) pieces.push({ ...base, range });
        else if (groups) for (const g of groups) pieces.push({ ...base, rowGroups: g });
        else pieces.push(base);
      }
      return { pieces, sizeBytes, finish };
    },
  };
}

/**
 * The rows of one piece of a file scan (in a worker thread: ctx reads in-process), as the scan
 * gives them: partition columns filled in, missing or corrupt files as the tolerance options say,
 * malformed records counted into ctx.malformedRecords.
 */
export async function* readFilePiece(piece: FilePiece, ctx: TaskContext): AsyncGenerator<ColumnBatch> {
  const readSchema = new StructType((dataTypeFromJson(piece.readSchema) as StructType).fields);
  const outSchema = new StructType((dataTypeFromJson(piece.outSchema) as StructType).fields);
  const raw = (name: string): string | null | undefined => {
    const k = outSchema.fields.findIndex((f) => f.name === name);
    const v = k >= 0 ? piece.partitionRaw[k] : false;
    return v === false ? undefined : v;
  };
  const batches = piece.range
    ? readJsonRange(piece.path, piece.range, readSchema, piece.options, piece.timeZone, ctx.batchSize, { lines: 0 }, ctx.malformedRecords)
    : piece.rowGroups
      ? readParquetFile(piece.path, readSchema, ctx.batchSize, piece.rowGroups)
      : mapBatches(readFilesTolerantly(piece.format, [{ path: piece.path, sizeBytes: 0 }], readSchema, piece.options, ctx, readFileBatches, piece.tolerance));
  for await (const b of batches) yield assembleBatch(outSchema, b, raw, piece.timeZone);
}

async function* mapBatches(it: AsyncIterable<{ readonly batch: ColumnBatch }>): AsyncGenerator<ColumnBatch> {
  for await (const x of it) yield x.batch;
}

/**
 * Beyond Spark, a batch read that met malformed records says so once it is done (streaming
 * reports them in progress instead: FileStreamSource metrics), so bad input is never lost unseen.
 */
export function malformedWarning(spec: DataSourceSpec, counts: { readonly malformed: number; readonly dropped: number }): string {
  const what = counts.dropped > 0 ? `${counts.dropped} dropped (mode DROPMALFORMED)` : "read as rows of nulls (mode PERMISSIVE; the raw text is in the columnNameOfCorruptRecord column when the schema has it)";
  return `${spec.format.toUpperCase()} read of ${spec.paths.join(", ")} met ${counts.malformed} malformed record${counts.malformed === 1 ? "" : "s"}, ${what}. Read with mode FAILFAST to fail on the first one, naming its file and line.`;
}
