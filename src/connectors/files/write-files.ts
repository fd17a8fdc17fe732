/**
 * Writing DataFrames as files, in Spark's folder layout:
 *   1. apply the save mode to the output folder (errorifexists → PATH_ALREADY_EXISTS, ignore → no-op);
 *   2. stream the input, routing rows to one open file per partition folder `col=value/...`
 *      (partition columns are not stored in the files; null or "" → __HIVE_DEFAULT_PARTITION__);
 *      each batch is encoded and written as it arrives (JSON/CSV/text appended through a file
 *      stream, Parquet as row groups: parquet-writer.ts), so memory does not grow with the input;
 *   3. each file is `part-00000-<uuid>-c000.<ext>` under `_temporary/` (with maxRecordsPerFile,
 *      a folder's next file after that many rows is `-c001`, `-c002`, … as in Spark), renamed into
 *      place only after all input succeeded (overwrite removes the old files then);
 *   4. `_SUCCESS` marks the finished job.
 * On an object store (src/fs) the files are staged in a local temp folder instead and uploaded,
 * one whole-object PUT each, once all input succeeded: object stores have no rename, and a file
 * is never visible in part.
 */
import { randomUUID } from "node:crypto";
import { once } from "node:events";
import { createWriteStream, mkdirSync, mkdtempSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { Writable } from "node:stream";
import { finished, pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import { type ColumnBatch, makeBatch, takeBatch } from "../../columnar/column-batch.js";
import { analysisError, configError, unsupported } from "../../common/errors.js";
import { civilFromDays, floorDiv } from "../../expr/datetime/calendar.js";
import { getTimeZone, toLocalUs } from "../../expr/datetime/time-zone.js";
import { fileSystemFor } from "../../fs/file-systems.js";
import { isLocalPath, joinPath, pathName, qualifyPath } from "../../fs/path.js";
import { uploadLocalFile } from "../../fs/write-stream.js";
import type { ExecutionPlan, TaskContext } from "../../physical/execution-plan.js";
import type { DataType } from "../../types/data-type.js";
import { StructType } from "../../types/struct-type.js";
import { checkCsvType } from "./csv-format.js";
import { DEFAULT_PARTITION_NAME, escapePartitionValue } from "./file-listing.js";
import { asFileFormat } from "./file-source.js";
import { OptionReader, type FileFormat } from "./options.js";
import { type ParquetCodec, parquetCodec } from "./parquet-format.js";
import { ParquetFileWriter } from "./parquet-writer.js";
import { type CsvWriteOptions, type JsonWriteOptions, csvHeader, encodeCsv, encodeJsonLines, parseCsvWriteOptions, parseJsonWriteOptions } from "./row-encoders.js";
import { checkTextSchema, textLines } from "./text-format.js";
import { formatDecimal, formatDouble, formatFloat } from "./value-text.js";

export interface WriteFilesSpec {
  readonly format: string;
  readonly path: string;
  readonly mode: "append" | "overwrite" | "errorifexists" | "ignore";
  readonly options: Readonly<Record<string, string>>;
  readonly partitionBy: readonly string[];
}

type Encoder = { ext: string; header: (schema: StructType) => string; body: (b: ColumnBatch) => string | ColumnBatch; gzip: boolean; parquetCodec?: ParquetCodec };

function makeEncoder(format: FileFormat, options: Readonly<Record<string, string>>, timeZone: string, dataSchema: StructType): Encoder {
  switch (format) {
    case "json": {
      const o: JsonWriteOptions = parseJsonWriteOptions(options, timeZone);
      return { ext: ".json", header: () => "", body: (b) => encodeJsonLines(b, o), gzip: o.compression === "gzip" };
    }
    case "csv": {
      const o: CsvWriteOptions = parseCsvWriteOptions(options, timeZone);
      for (const f of dataSchema.fields) checkCsvType(f.name, f.type);
      return { ext: ".csv", header: (s) => (o.header ? csvHeader(s, o) : ""), body: (b) => encodeCsv(b, o, false), gzip: o.compression === "gzip" };
    }
    case "text": {
      const r = new OptionReader("text", options, ["wholetext"]);
      const lineSep = r.str("lineSep", "\n");
      const compression = r.oneOf("compression", ["none", "gzip"] as const, "none", { uncompressed: "none" });
      r.finish();
      checkTextSchema(dataSchema);
      return { ext: ".txt", header: () => "", body: (b) => textLines(b, lineSep), gzip: compression === "gzip" };
    }
    case "parquet": {
      const r = new OptionReader("parquet", options, ["parquet.compression", "datetimeRebaseMode", "int96RebaseMode"]);
      const codec = parquetCodec(r.optStr("compression") ?? r.optStr("parquet.compression"));
      r.finish();
      const ext = { uncompressed: "", snappy: ".snappy", gzip: ".gz", zstd: ".zstd", lz4: ".lz4raw", brotli: ".br" }[codec];
      return { ext: `${ext}.parquet`, header: () => "", body: (b) => b, gzip: false, parquetCodec: codec };
    }
  }
}

/** Spark's maxRecordsPerFile write option: rows per file at most; 0 or less (the default) means no limit. */
function maxRecordsPerFile(options: Readonly<Record<string, string>>): number {
  const key = Object.keys(options).find((k) => k.toLowerCase() === "maxrecordsperfile");
  if (key === undefined) return 0;
  const n = Number(options[key]);
  if (!Number.isSafeInteger(n)) {
    throw configError("INVALID_OPTION", `Invalid write options: maxRecordsPerFile=${JSON.stringify(options[key]!.slice(0, 64))} (expected an integer; 0 or less means no limit)`, { option: "maxRecordsPerFile" });
  }
  return n;
}

/** A partition value as Spark casts it to a string for the folder name (before escaping). */
export function partitionText(t: DataType, v: unknown, timeZone: string): string | null {
  if (v === null || v === undefined) return null;
  switch (t.kind) {
    case "string":
      return v === "" ? null : (v as string);
    case "double":
      return formatDouble(v as number);
    case "float":
      return formatFloat(v as number);
    case "decimal":
      return formatDecimal(v as number, t.scale);
    case "date": {
      const c = civilFromDays(v as number);
      return `${String(c.year).padStart(4, "0")}-${String(c.month).padStart(2, "0")}-${String(c.day).padStart(2, "0")}`;
    }
    case "timestamp": {
      const local = toLocalUs(getTimeZone(timeZone), v as number);
      const days = floorDiv(local, 86_400_000_000);
      const tod = local - days * 86_400_000_000;
      const c = civilFromDays(days);
      const p2 = (n: number) => String(n).padStart(2, "0");
      const sec = Math.floor(tod / 1e6);
      const frac = tod % 1e6 === 0 ? "" : "." + String(tod % 1e6).padStart(6, "0").replace(/0+$/, "");
      return `${String(c.year).padStart(4, "0")}-${p2(c.month)}-${p2(c.day)} ${p2(Math.floor(sec / 3600))}:${p2(Math.floor(sec / 60) % 60)}:${p2(sec % 60)}${frac}`;
    }
    case "boolean":
      return v ? "true" : "false";
    default:
      return String(v);
  }
}

/** One open output file of a write: rows go in as they arrive; nothing is kept in memory. */
interface PartFile {
  readonly tmpFile: string;
  readonly finalFile: string;
  write(b: ColumnBatch): Promise<void>;
  close(): Promise<void>;
  abort(reason: unknown): Promise<void>;
}

/** A JSON/CSV/text file (optionally gzip-compressed) written through a stream, with back-pressure. */
function openTextFile(tmpFile: string, finalFile: string, enc: Encoder, dataSchema: StructType): PartFile {
  const file = createWriteStream(tmpFile);
  const gz = enc.gzip ? createGzip() : undefined;
  const out: Writable = gz ?? file;
  const done = gz ? pipeline(gz, file) : finished(file);
  done.catch(() => undefined); // observed by send/close; an abort must not leave it unhandled
  const send = async (text: string): Promise<void> => {
    if (text === "" || out.write(text)) return;
    await Promise.race([once(out, "drain"), done]);
  };
  let header = enc.header(dataSchema);
  return {
    tmpFile,
    finalFile,
    async write(b) {
      await send(header + (enc.body(b) as string));
      header = "";
    },
    async close() {
      await send(header);
      out.end();
      await done;
    },
    async abort(reason) {
      out.destroy(reason instanceof Error ? reason : new Error(String(reason)));
      await done.catch(() => undefined);
    },
  };
}

function openParquetFile(tmpFile: string, finalFile: string, codec: ParquetCodec, dataSchema: StructType): PartFile {
  const w = new ParquetFileWriter(tmpFile, dataSchema, codec);
  return { tmpFile, finalFile, write: (b) => w.write(b), close: async () => void (await w.close()), abort: (r) => w.abort(r) };
}

/**
 * Write batches of `schema` under `dir` (partition folders below it) as they arrive and return the
 * files: written to `stagingDir` first (`staged`), to be renamed to `finals` by the caller. With
 * `emptyFile`, a write without rows still produces one file (Spark keeps the schema that way).
 */
async function writePartitioned(
  batches: AsyncIterable<ColumnBatch> | readonly ColumnBatch[],
  schema: StructType,
  dir: string,
  stagingDir: string,
  spec: { format: FileFormat; options: Readonly<Record<string, string>>; partitionBy: readonly string[]; timeZone: string; emptyFile: boolean },
): Promise<{ staged: string[]; finals: string[] }> {
  const pIdx = spec.partitionBy.map((p) => {
    const i = schema.indexOf(p);
    if (i < 0) throw analysisError("UNRESOLVED_COLUMN", `Partition column \`${p}\` not found in schema ${schema.toDDL()}`, { column: p });
    return i;
  });
  if (pIdx.length > 0 && pIdx.length === schema.length) {
    throw analysisError("ALL_PARTITION_COLUMNS_NOT_ALLOWED", "Cannot use all columns for partition columns; leave at least one data column");
  }
  const dataIdx = schema.fields.map((_, i) => i).filter((i) => !pIdx.includes(i));
  const dataSchema = new StructType(dataIdx.map((i) => schema.fields[i]!));
  const enc = makeEncoder(spec.format, spec.options, spec.timeZone, dataSchema);
  const uuid = randomUUID();
  const maxRecords = maxRecordsPerFile(spec.options);
  /** The open file of each folder, the rows in it, how many files the folder had before it, and the files already full. */
  const files = new Map<string, PartFile>();
  const rowsIn = new Map<string, number>();
  const filesBefore = new Map<string, number>();
  const full: PartFile[] = [];
  const fileFor = (rel: string): PartFile => {
    let f = files.get(rel);
    if (!f) {
      const c = `c${String(filesBefore.get(rel) ?? 0).padStart(3, "0")}`;
      const name = rel === "" ? `part-00000-${uuid}-${c}${enc.ext}${enc.gzip ? ".gz" : ""}` : `part-00000-${uuid}.${c}${enc.ext}${enc.gzip ? ".gz" : ""}`;
      const tmpFile = join(stagingDir, rel, name);
      mkdirSync(dirname(tmpFile), { recursive: true });
      const finalFile = joinPath(dir, rel, name);
      f = enc.parquetCodec ? openParquetFile(tmpFile, finalFile, enc.parquetCodec, dataSchema) : openTextFile(tmpFile, finalFile, enc, dataSchema);
      files.set(rel, f);
    }
    return f;
  };
  /** Write `data` into folder `rel`, closing its file and starting the next one each maxRecords rows. */
  const writeTo = async (rel: string, data: ColumnBatch): Promise<void> => {
    for (let off = 0; off < data.numRows; ) {
      const f = fileFor(rel);
      const used = rowsIn.get(rel) ?? 0;
      const n = maxRecords > 0 ? Math.min(maxRecords - used, data.numRows - off) : data.numRows - off;
      await f.write(n === data.numRows ? data : takeBatch(data, Array.from({ length: n }, (_, i) => off + i)));
      off += n;
      rowsIn.set(rel, used + n);
      if (maxRecords > 0 && used + n >= maxRecords) {
        await f.close();
        full.push(f);
        files.delete(rel);
        rowsIn.set(rel, 0);
        filesBefore.set(rel, (filesBefore.get(rel) ?? 0) + 1);
      }
    }
  };
  try {
    for await (const batch of batches) {
      if (batch.numRows === 0) continue;
      const data = makeBatch(dataSchema, dataIdx.map((i) => batch.columns[i]!), batch.numRows);
      if (pIdx.length === 0) {
        await writeTo("", data);
        continue;
      }
      const groups = new Map<string, number[]>();
      for (let r = 0; r < batch.numRows; r++) {
        let rel = "";
        for (const i of pIdx) {
          const f = schema.fields[i]!;
          const col = batch.columns[i]!;
          const v = col.validity && col.validity[r] === 0 ? null : (col.values as unknown[])[r];
          const text = partitionText(f.type, f.type.kind === "boolean" ? v === 1 : v, spec.timeZone);
          rel += (rel === "" ? "" : "/") + `${escapePartitionValue(f.name)}=${text === null ? DEFAULT_PARTITION_NAME : escapePartitionValue(text)}`;
        }
        let g = groups.get(rel);
        if (!g) groups.set(rel, (g = []));
        g.push(r);
      }
      for (const [rel, rows] of groups) await writeTo(rel, takeBatch(data, rows));
    }
    if (files.size === 0 && full.length === 0 && pIdx.length === 0 && spec.emptyFile) fileFor("");
    for (const f of files.values()) await f.close();
  } catch (e) {
    for (const f of files.values()) await f.abort(e);
    throw e;
  }
  const all = [...full, ...files.values()];
  return { staged: all.map((f) => f.tmpFile), finals: all.map((f) => f.finalFile) };
}

/**
 * The local folder a write stages its files in, and the folder to remove afterwards: `<out>/<name…>`
 * beside a local output (its first part removed), else a local temp folder (see the file comment).
 */
function stagingFolder(out: string, ...name: [string, ...string[]]): { dir: string; remove: string } {
  if (!isLocalPath(out)) {
    const dir = mkdtempSync(join(tmpdir(), "sluice-write-"));
    return { dir, remove: dir };
  }
  const dir = join(out, ...name);
  mkdirSync(dir, { recursive: true });
  return { dir, remove: join(out, name[0]) };
}

/** Put the staged files in place: a rename on the local disk, an upload to an object store (in parts when large). */
function moveIntoPlace(staged: readonly string[], finals: readonly string[]): void {
  staged.forEach((s, i) => {
    const f = finals[i]!;
    if (isLocalPath(f)) {
      mkdirSync(dirname(f), { recursive: true });
      renameSync(s, f);
    } else {
      uploadLocalFile(s, f);
    }
  });
}

/** Run `input` and write its rows under `spec.path` with the save mode; returns the data files written. */
export async function writeFiles(input: ExecutionPlan, ctx: TaskContext, spec: WriteFilesSpec): Promise<{ files: string[] }> {
  const format = asFileFormat(spec.format);
  const out = qualifyPath(spec.path);
  const fs = fileSystemFor(out);
  const status = fs.getFileStatus(out);
  const children = status?.isDirectory ? fs.listStatus(out) : [];
  const exists = status !== null && (children.length > 0 || spec.mode !== "errorifexists");
  if (exists && spec.mode === "errorifexists") {
    throw analysisError("PATH_ALREADY_EXISTS", `Path ${out} already exists. Set mode as "overwrite" to replace it, "append" to add to it, or "ignore" to skip the write.`, { path: out });
  }
  if (exists && spec.mode === "ignore") return { files: [] };
  if (status !== null && !status.isDirectory) {
    throw unsupported("PATH_NOT_A_DIRECTORY", `Cannot write to ${out}: it is a file, not a folder`, { path: out });
  }
  const staging = stagingFolder(out, "_temporary", randomUUID());
  try {
    const tz = spec.options.timeZone ?? ctx.eval.timeZone;
    const { staged, finals } = await writePartitioned(input.execute(ctx), input.schema, out, staging.dir, { format, options: spec.options, partitionBy: spec.partitionBy, timeZone: tz, emptyFile: true });
    if (spec.mode === "overwrite") {
      for (const c of children) if (pathName(c.path) !== "_temporary") fs.delete(c.path, true);
    }
    moveIntoPlace(staged, finals);
    fs.create(joinPath(out, "_SUCCESS"), "", { overwrite: true });
    return { files: finals };
  } finally {
    rmSync(staging.remove, { recursive: true, force: true });
  }
}

/**
 * Write one micro-batch's rows as data files under `dir` (the streaming file sink's writer),
 * consuming `batches` as they arrive. Files appear atomically (written under a hidden staging
 * folder, then renamed; on an object store uploaded whole) and are returned; a batch without rows
 * writes no file. If `batches` throws (a failed or interrupted batch), nothing is put in place and
 * the error is rethrown.
 */
export async function writeDataFiles(
  schema: StructType,
  batches: AsyncIterable<ColumnBatch> | readonly ColumnBatch[],
  dir: string,
  spec: { format: string; options: Readonly<Record<string, string>>; partitionBy: readonly string[]; batchId?: number; timeZone?: string },
): Promise<string[]> {
  const format = asFileFormat(spec.format);
  const out = qualifyPath(dir);
  const staging = stagingFolder(out, `.sluice-staging-${randomUUID()}`);
  try {
    const tz = spec.options.timeZone ?? spec.timeZone ?? "UTC";
    const { staged, finals } = await writePartitioned(batches, schema, out, staging.dir, { format, options: spec.options, partitionBy: spec.partitionBy, timeZone: tz, emptyFile: false });
    moveIntoPlace(staged, finals);
    return finals;
  } finally {
    rmSync(staging.remove, { recursive: true, force: true });
  }
}
