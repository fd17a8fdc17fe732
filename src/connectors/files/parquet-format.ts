/**
 * Parquet through parquet-wasm (the synchronously initialised `node` build) and the Arrow bridge.
 * The schema comes from the footer alone (`PAR1` + footer bytes are enough for readSchema), so
 * DataFrame creation reads a few KB per file. Data is read a file at a time into record batches
 * of ≤ batchSize rows, or a range of a file's row groups at a time (a scan piece, scan-pieces.ts).
 * Writing builds Arrow buffers by hand (columnar/arrow.ts) and encodes with the requested codec;
 * timestamps are INT64 TIMESTAMP(MICROS, UTC), which Spark reads natively.
 */
import { fileSystemFor } from "../../fs/file-systems.js";
import * as arrow from "apache-arrow";
import * as pw from "parquet-wasm";
import { arrowDataToVector, arrowSchemaToSpark, batchesToArrow } from "../../columnar/arrow.js";
import { type ColumnBatch, makeBatch } from "../../columnar/column-batch.js";
import { nullVector, type Vector } from "../../columnar/vector.js";
import { SluiceError, configError, inputError } from "../../common/errors.js";
import { containsType, type DataType, sameType, simpleString } from "../../types/data-type.js";
import { StructType } from "../../types/struct-type.js";
import { readFooter, rowGroupPieceBytes } from "./parquet-piece-bytes.js";
import { parquetStorageBatch, parquetStorageSchema, sparkRowMetadata, withSparkTypes } from "./parquet-spark-types.js";

const corrupt = (file: string, e: unknown): SluiceError =>
  inputError("FAILED_READ_FILE", `Cannot read the Parquet file ${file}: ${e instanceof Error ? e.message : String(e)}. The file may be corrupt or not Parquet; remove it from the input folder or re-write it.`, { file }, e);

/**
 * A file's footer as a Parquet file of its own (`PAR1` + footer + length + `PAR1`), read by two
 * ranged reads (readFooter): its length and magic, then the footer itself.
 */
function footerOnly(file: string): Uint8Array {
  const { footer, tail } = readFooter(file);
  const buf = Buffer.alloc(footer.length + 12);
  buf.write("PAR1", 0, "latin1");
  footer.copy(buf, 4);
  tail.copy(buf, 4 + footer.length);
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.length);
}

/** The Spark schema in a Parquet file's footer. */
export function readParquetSchema(file: string): StructType {
  try {
    const schema = pw.readSchema(footerOnly(file));
    const arrowSchema = arrow.tableFromIPC(schema.intoIPCStream()).schema;
    return withSparkTypes(arrowSchemaToSpark(arrowSchema), arrowSchema.metadata);
  } catch (e) {
    if (e instanceof SluiceError) throw e;
    throw corrupt(file, e);
  }
}

/**
 * A file as the Blob parquet-wasm's ParquetFile reads: each slice is one ranged read through the
 * FileSystem layer, so its metadata costs the footer and the page indexes, not the file.
 */
function rangedBlob(file: string): Blob {
  const fs = fileSystemFor(file);
  const size = fs.getFileStatus(file)?.length ?? 0;
  const slice = (start: number, end: number) => ({
    arrayBuffer: async (): Promise<ArrayBuffer> => {
      const b = fs.open(file, { offset: start, length: end - start });
      return b.buffer.slice(b.byteOffset, b.byteOffset + b.length) as ArrayBuffer;
    },
  });
  return { size, slice } as unknown as Blob;
}

/** The compressed bytes of each row group of a Parquet file, from its footer. */
export async function parquetRowGroupBytes(file: string): Promise<number[]> {
  try {
    const pf = await pw.ParquetFile.fromFile(rangedBlob(file));
    try {
      return pf.metadata().rowGroups().map((g) => g.compressedSize());
    } finally {
      pf.free();
    }
  } catch (e) {
    if (e instanceof SluiceError) throw e;
    throw corrupt(file, e);
  }
}

/** Union of file schemas (mergeSchema=true); conflicting types fail naming both. */
export function mergeParquetSchemas(schemas: readonly { file: string; schema: StructType }[]): StructType {
  const fields = new Map<string, { type: DataType; file: string }>();
  const order: string[] = [];
  for (const { file, schema } of schemas) {
    for (const f of schema.fields) {
      const prev = fields.get(f.name);
      if (!prev) {
        fields.set(f.name, { type: f.type, file });
        order.push(f.name);
      } else if (!sameType(prev.type, f.type)) {
        const wider = widen(prev.type, f.type);
        if (!wider) {
          throw new SluiceError("analysis", "CANNOT_MERGE_SCHEMAS", `Failed to merge the Parquet schemas: column \`${f.name}\` is ${simpleString(prev.type)} in ${prev.file} but ${simpleString(f.type)} in ${file}. Read the files separately, or cast before writing.`, { column: f.name, file });
        }
        fields.set(f.name, { type: wider, file: prev.file });
      }
    }
  }
  return new StructType(order.map((name) => ({ name, type: fields.get(name)!.type, nullable: true })));
}

function widen(a: DataType, b: DataType): DataType | undefined {
  if ((a.kind === "int" && b.kind === "bigint") || (a.kind === "bigint" && b.kind === "int")) return { kind: "bigint" };
  if ((a.kind === "float" && b.kind === "double") || (a.kind === "double" && b.kind === "float")) return { kind: "double" };
  return undefined;
}

/** Cast a read column to the schema's type where Spark's Parquet reader would (int → bigint, float → double). */
function conform(v: Vector, want: DataType, file: string, name: string): Vector {
  if (sameType(v.type, want)) return v.type === want ? v : { ...v, type: want };
  // an interval column is stored as its months (INT32) or µs (INT64): the same values
  if ((want.kind === "year_month_interval" && v.type.kind === "int") || (want.kind === "day_time_interval" && v.type.kind === "bigint")) return { ...v, type: want };
  const w = widen(v.type, want);
  if (w && sameType(w, want) && want.kind === "bigint") {
    const src = v.values as Int32Array;
    const out = new BigInt64Array(v.length);
    for (let i = 0; i < v.length; i++) out[i] = BigInt(src[i]!);
    return { type: want, length: v.length, values: out, validity: v.validity };
  }
  if (w && sameType(w, want)) {
    const out = new Float64Array(v.length);
    for (let i = 0; i < v.length; i++) out[i] = (v.values as Int32Array | Float32Array)[i]!;
    return { type: want, length: v.length, values: want.kind === "double" ? out : Float32Array.from(out), validity: v.validity };
  }
  throw inputError(
    "PARQUET_COLUMN_TYPE_MISMATCH",
    `Cannot read the Parquet file ${file}: column \`${name}\` is ${simpleString(v.type)} in the file but ${simpleString(want)} in the schema. Use a schema that matches the file, or read with mergeSchema.`,
    { file, column: name },
  );
}

/** A range of a file's row groups (start inclusive, end exclusive), as a scan piece reads it. */
export interface RowGroupRange {
  readonly start: number;
  readonly end: number;
}

/**
 * Read one Parquet file into batches of `schema` (columns by name; missing columns are null);
 * with `rowGroups`, only those row groups.
 */
export async function* readParquetFile(path: string, schema: StructType, batchSize: number, rowGroups?: RowGroupRange): AsyncGenerator<ColumnBatch> {
  let table: arrow.Table;
  let fileSchema: StructType;
  try {
    fileSchema = readParquetSchema(path);
    const wanted = schema.fields.map((f) => f.name).filter((n) => fileSchema.indexOf(n) >= 0).map((n) => fileSchema.fields[fileSchema.indexOf(n)]!.name);
    // Some row groups: only their bytes and the footer, by ranged reads (parquet-piece-bytes.ts).
    const bytes = rowGroups ? rowGroupPieceBytes(path, rowGroups) : fileSystemFor(path).open(path);
    const groups = rowGroups && Array.from({ length: rowGroups.end - rowGroups.start }, (_, i) => rowGroups.start + i);
    const wasm = pw.readParquet(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length), { batchSize, columns: wanted, ...(groups ? { rowGroups: groups } : {}) });
    table = arrow.tableFromIPC(wasm.intoIPCStream());
  } catch (e) {
    if (e instanceof SluiceError) throw e;
    throw corrupt(path, e);
  }
  const names = table.schema.fields.map((f) => f.name.toLowerCase());
  const fileTypes = new Map(fileSchema.fields.map((f) => [f.name.toLowerCase(), f.type]));
  for (const rb of table.batches) {
    const cols = schema.fields.map((f) => {
      const k = names.indexOf(f.name.toLowerCase());
      if (k < 0) return nullVector(f.type, rb.numRows);
      const data = rb.data.children[k]!;
      // VARIANT values (at any depth) are groups of value and metadata binaries the Arrow type alone cannot tell from a struct
      if (containsType(f.type, "variant") && sameType(fileTypes.get(f.name.toLowerCase())!, f.type)) return arrowDataToVector(data, f.type);
      return conform(arrowDataToVector(data), f.type, path, f.name);
    });
    yield makeBatch(schema, cols, rb.numRows);
  }
}

export type ParquetCodec = "uncompressed" | "snappy" | "gzip" | "zstd" | "lz4" | "brotli";

const CODECS: Record<ParquetCodec, pw.Compression> = {
  uncompressed: pw.Compression.UNCOMPRESSED,
  snappy: pw.Compression.SNAPPY,
  gzip: pw.Compression.GZIP,
  zstd: pw.Compression.ZSTD,
  lz4: pw.Compression.LZ4_RAW,
  brotli: pw.Compression.BROTLI,
};

/** Spark's `compression` option for Parquet (`none` = uncompressed); throws INVALID_OPTION. */
export function parquetCodec(raw: string | undefined): ParquetCodec {
  if (raw === undefined) return "snappy";
  const c = raw.trim().toLowerCase();
  if (c === "none") return "uncompressed";
  if (c in CODECS) return c as ParquetCodec;
  throw configError("INVALID_OPTION", `Invalid parquet options: compression=${JSON.stringify(raw)} (expected one of none, uncompressed, snappy, gzip, zstd, lz4, brotli)`, { format: "parquet" });
}

/**
 * Rows per row group. A file being written holds its open row group in WebAssembly memory, so
 * this bounds that memory per open file (a partitioned write has one per partition).
 */
const ROW_GROUP_ROWS = 128 * 1024;

/** The parquet-wasm writer settings for `codec` (one-shot and streaming writes alike). */
export function parquetWriterProperties(codec: ParquetCodec, schema: StructType): pw.WriterProperties {
  const b = new pw.WriterPropertiesBuilder().setCompression(CODECS[codec]).setCreatedBy("sluice").setMaxRowGroupSize(ROW_GROUP_ROWS);
  const kv = sparkRowMetadata(schema);
  return (kv === undefined ? b : b.setKeyValueMetadata(kv)).build();
}

/** Arrow IPC bytes of batches as Parquet stores them (parquet-spark-types.ts). */
export function parquetIPC(schema: StructType, batches: readonly ColumnBatch[]): Uint8Array {
  const storage = parquetStorageSchema(schema);
  return arrow.tableToIPC(batchesToArrow(storage, batches.map((b) => parquetStorageBatch(storage, b))), "stream");
}

/** Encode batches of one schema as a Parquet file's bytes. */
export function encodeParquet(schema: StructType, batches: readonly ColumnBatch[], codec: ParquetCodec): Uint8Array {
  const table = pw.Table.fromIPCStream(parquetIPC(schema, batches));
  return pw.writeParquet(table, parquetWriterProperties(codec, schema));
}
