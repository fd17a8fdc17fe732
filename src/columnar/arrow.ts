/**
 * The Arrow bridge: ColumnBatches ⇄ apache-arrow Tables, used by `toArrow()` and by the Parquet
 * reader and writer (parquet-wasm speaks Arrow IPC).
 *
 * Spark → Arrow: BIGINT → Int64, TIMESTAMP → Timestamp(MICROSECOND, "UTC"), TIMESTAMP_NTZ →
 * Timestamp(MICROSECOND) with no zone (Spark's ArrowUtils), DATE → Date32 (DateDay),
 * DECIMAL(p,s) → Decimal128(p,s), STRING → Utf8, BINARY → Binary, ARRAY → List<element>,
 * MAP → Map<entries: struct<key, value>>, STRUCT → Struct.
 * Arrow → Spark: int8/int16/uint8/uint16/int32 → INT, uint32/int64 → BIGINT, uint64 → DECIMAL(20,0),
 * float16/float32 → FLOAT, large_utf8/utf8_view → STRING, timestamp of any unit with a zone → TIMESTAMP
 * (µs UTC), of second/milli/micro units with no zone → TIMESTAMP_NTZ (as Spark's ArrowUtils), of
 * nanoseconds with no zone → TIMESTAMP (that is how Parquet's legacy INT96 timestamps arrive),
 * date64 → DATE, dictionary → its value type.
 * Numeric columns move as typed-array copies (no per-row objects): BIGINT is a BigInt64Array on
 * both sides (exact); DECIMAL(p ≤ 18) moves between BigInt64Array and Decimal128 words without a
 * BigInt per value, wider decimals as exact bigints; timestamps go through 32-bit word pairs so no BigInt is created per value;
 * strings are hand-built Utf8 buffers.
 */
import { VariantVal } from "../types/variant-val.js";
import * as arrow from "apache-arrow";
import { SluiceError } from "../common/errors.js";
import { type DataType, DayTimeIntervalType, DecimalType, type StructField, simpleString, YearMonthIntervalType } from "../types/data-type.js";
import { StructType } from "../types/struct-type.js";
import { type ColumnBatch, emptyBatch, getValue, makeBatch } from "./column-batch.js";
import { type Vector, allocValues, makeVector, storageOf } from "./vector.js";

const TWO32 = 4294967296;

// ---------------------------------------------------------------- types

/** The Arrow type Sluice writes for a Spark type. */
export function sparkTypeToArrow(t: DataType): arrow.DataType {
  switch (t.kind) {
    case "null":
      return new arrow.Null();
    case "string":
      return new arrow.Utf8();
    case "boolean":
      return new arrow.Bool();
    case "byte":
      return new arrow.Int8();
    case "short":
      return new arrow.Int16();
    case "int":
      return new arrow.Int32();
    case "bigint":
      return new arrow.Int64();
    case "float":
      return new arrow.Float32();
    case "double":
      return new arrow.Float64();
    case "decimal":
      return new arrow.Decimal(t.scale, t.precision, 128);
    case "date":
      return new arrow.DateDay();
    case "timestamp":
      return new arrow.TimestampMicrosecond("UTC");
    case "timestamp_ntz":
      return new arrow.TimestampMicrosecond();
    case "binary":
      return new arrow.Binary();
    case "year_month_interval":
      return new arrow.IntervalYearMonth(); // Spark's ArrowUtils: months as int32
    case "day_time_interval":
      return new arrow.DurationMicrosecond(); // Spark's ArrowUtils: µs as int64
    case "array":
      return new arrow.List(new arrow.Field("element", sparkTypeToArrow(t.elementType), t.containsNull));
    case "map": {
      const entries = new arrow.Struct<{ key: arrow.DataType; value: arrow.DataType }>([
        new arrow.Field("key", sparkTypeToArrow(t.keyType), false),
        new arrow.Field("value", sparkTypeToArrow(t.valueType), t.valueContainsNull),
      ] as arrow.Field[]);
      return new arrow.Map_(new arrow.Field("entries", entries, false));
    }
    case "struct":
      return new arrow.Struct(t.fields.map(arrowField));
    case "variant":
      return variantArrowType();
  }
}

/** Parquet field id key of Arrow field metadata (arrow-rs writes it as the column's field id). */
export const PARQUET_FIELD_ID = "PARQUET:field_id";

/** The Arrow field of a Spark field; a `PARQUET:field_id` in its metadata (Delta column mapping) is kept. */
function arrowField(f: StructField): arrow.Field {
  const id = f.metadata?.[PARQUET_FIELD_ID];
  return new arrow.Field(f.name, sparkTypeToArrow(f.type), f.nullable, id === undefined ? null : new Map([[PARQUET_FIELD_ID, String(id)]]));
}

/**
 * VARIANT in Arrow, as Spark's ArrowUtils maps it: a struct of two non-null binaries, `value` and
 * `metadata`, the latter marked with field metadata `variant: true` (how a reader tells it apart).
 */
function variantArrowType(): arrow.Struct {
  return new arrow.Struct([
    new arrow.Field("value", new arrow.Binary(), false),
    new arrow.Field("metadata", new arrow.Binary(), false, new Map([["variant", "true"]])),
  ]);
}

function isVariantArrowStruct(t: arrow.Struct): boolean {
  const [v, m] = t.children;
  return t.children.length === 2 && v!.name === "value" && m!.name === "metadata" && m!.metadata.get("variant") === "true";
}

/** A struct of `value` and `metadata` binaries (Arrow from Spark, or a Parquet group Spark wrote) as VariantVals. */
function variantFromArrow(d: arrow.Data, validity: Uint8Array | null): Vector {
  const st = d.type as arrow.Struct;
  const at = (name: string) => {
    const k = st.children.findIndex((f) => f.name === name);
    if (k < 0) throw new SluiceError("input", "MALFORMED_VARIANT", `A VARIANT column must be a struct of value and metadata binaries; found ${String(st)}`, { type: String(st) });
    return arrowDataToVector(d.children[k]!, { kind: "binary" });
  };
  const values = at("value");
  const metadata = at("metadata");
  const out: unknown[] = new Array(d.length);
  for (let i = 0; i < d.length; i++) {
    const value = getValue(values, i) as Uint8Array | null;
    const meta = getValue(metadata, i) as Uint8Array | null;
    out[i] = (validity && validity[i] === 0) || value === null || meta === null ? null : new VariantVal(value, meta);
  }
  return vectorOf({ kind: "variant" }, out);
}

const unsupportedArrow = (t: arrow.DataType): SluiceError =>
  new SluiceError("unsupported", "UNSUPPORTED_ARROW_TYPE", `Arrow type ${String(t)} has no Spark equivalent; cast it to a supported type before reading it`, {
    type: String(t),
  });

/** The Spark type Sluice reads an Arrow type as. */
export function arrowTypeToSpark(t: arrow.DataType): DataType {
  switch (t.typeId) {
    case arrow.Type.Null:
      return { kind: "null" };
    case arrow.Type.Int: {
      const it = t as arrow.Int;
      if (it.bitWidth === 8 && it.isSigned) return { kind: "byte" };
      if (it.bitWidth === 16 && it.isSigned) return { kind: "short" };
      if (it.bitWidth <= 16 || (it.bitWidth === 32 && it.isSigned)) return { kind: "int" };
      if (it.bitWidth === 32 || it.isSigned) return { kind: "bigint" };
      return DecimalType(20, 0);
    }
    case arrow.Type.Float:
      return (t as arrow.Float).precision === arrow.Precision.DOUBLE ? { kind: "double" } : { kind: "float" };
    case arrow.Type.Utf8:
    case arrow.Type.LargeUtf8:
    case arrow.Type.Utf8View:
      return { kind: "string" };
    case arrow.Type.Binary:
    case arrow.Type.LargeBinary:
    case arrow.Type.FixedSizeBinary:
    case arrow.Type.BinaryView:
      return { kind: "binary" };
    case arrow.Type.Bool:
      return { kind: "boolean" };
    case arrow.Type.Decimal: {
      const d = t as arrow.Decimal;
      return DecimalType(d.precision, d.scale);
    }
    case arrow.Type.Date:
      return { kind: "date" };
    case arrow.Type.Timestamp: {
      const ts = t as arrow.Timestamp;
      return !ts.timezone && ts.unit !== arrow.TimeUnit.NANOSECOND ? { kind: "timestamp_ntz" } : { kind: "timestamp" };
    }
    case arrow.Type.Interval:
      if ((t as arrow.Interval).unit !== arrow.IntervalUnit.YEAR_MONTH) throw unsupportedArrow(t);
      return YearMonthIntervalType();
    case arrow.Type.Duration:
      if ((t as arrow.Duration).unit !== arrow.TimeUnit.MICROSECOND) throw unsupportedArrow(t);
      return DayTimeIntervalType();
    case arrow.Type.List:
    case arrow.Type.LargeList:
    case arrow.Type.FixedSizeList: {
      const child = (t as arrow.List).children[0]!;
      return { kind: "array", elementType: arrowTypeToSpark(child.type), containsNull: child.nullable };
    }
    case arrow.Type.Struct:
      if (isVariantArrowStruct(t as arrow.Struct)) return { kind: "variant" };
      return new StructType((t as arrow.Struct).children.map((f) => ({ name: f.name, type: arrowTypeToSpark(f.type), nullable: f.nullable })));
    case arrow.Type.Map: {
      const [k, v] = (t as arrow.Map_).children[0]!.type.children as arrow.Field[];
      return { kind: "map", keyType: arrowTypeToSpark(k!.type), valueType: arrowTypeToSpark(v!.type), valueContainsNull: v!.nullable };
    }
    case arrow.Type.Dictionary:
      return arrowTypeToSpark((t as arrow.Dictionary).dictionary);
    default:
      throw unsupportedArrow(t);
  }
}

/** The Spark schema of an Arrow schema. */
export function arrowSchemaToSpark(schema: arrow.Schema): StructType {
  return new StructType(schema.fields.map((f) => ({ name: f.name, type: arrowTypeToSpark(f.type), nullable: f.nullable })));
}

// ---------------------------------------------------------------- Sluice → Arrow

function packBits(bytes: Uint8Array, n: number): Uint8Array {
  const out = new Uint8Array((n + 7) >> 3);
  for (let i = 0; i < n; i++) if (bytes[i]) out[i >> 3]! |= 1 << (i & 7);
  return out;
}

function nullInfo(v: Vector): { nullBitmap?: Uint8Array; nullCount: number } {
  if (!v.validity) return { nullCount: 0 };
  let nulls = 0;
  for (let i = 0; i < v.length; i++) if (v.validity[i] === 0) nulls++;
  return nulls === 0 ? { nullCount: 0 } : { nullBitmap: packBits(v.validity, v.length), nullCount: nulls };
}

/** Exact integers held in doubles → little-endian int64 words (no BigInt per value). */
function toInt64Words(values: Float64Array | readonly number[], n: number): BigInt64Array {
  const words = new Int32Array(n * 2);
  for (let i = 0; i < n; i++) {
    const x = values[i]!;
    const hi = Math.floor(x / TWO32);
    words[2 * i] = (x - hi * TWO32) | 0;
    words[2 * i + 1] = hi | 0;
  }
  return new BigInt64Array(words.buffer);
}

/**
 * Unscaled decimals → little-endian 128-bit two's-complement words: a BigInt64Array column
 * (DECIMAL(p ≤ 18)) by its int32 words plus sign extension, with no BigInt per value; a bigint[]
 * column by its low and high 64-bit halves.
 */
function toDecimalWords(v: Vector, n: number): Uint32Array {
  const out = new BigInt64Array(2 * n);
  if (v.values instanceof BigInt64Array) {
    const src = new Int32Array(v.values.buffer, v.values.byteOffset, 2 * n);
    const w = new Int32Array(out.buffer);
    for (let i = 0; i < n; i++) {
      const hi = src[2 * i + 1]!;
      w[4 * i] = src[2 * i]!;
      w[4 * i + 1] = hi;
      w[4 * i + 2] = w[4 * i + 3] = hi >> 31;
    }
  } else {
    const src = v.values as unknown[];
    for (let i = 0; i < n; i++) {
      const x = typeof src[i] === "bigint" ? (src[i] as bigint) : 0n;
      out[2 * i] = x; // BigInt64Array stores x mod 2^64: the low half
      out[2 * i + 1] = x >> 64n;
    }
  }
  return new Uint32Array(out.buffer);
}

/** Hand-built Utf8 buffers: one byte buffer plus Int32 offsets. */
function encodeStrings(values: readonly string[], validity: Uint8Array | null, n: number): { data: Uint8Array; valueOffsets: Int32Array } {
  let chars = 0;
  for (let i = 0; i < n; i++) chars += values[i]!.length;
  let buf = Buffer.allocUnsafe(Math.max(16, chars + (chars >> 2)));
  const valueOffsets = new Int32Array(n + 1);
  let pos = 0;
  for (let i = 0; i < n; i++) {
    const s = validity && validity[i] === 0 ? "" : values[i]!;
    if (pos + s.length * 3 > buf.length) {
      const next = Buffer.allocUnsafe(Math.max(buf.length * 2, pos + s.length * 3));
      buf.copy(next, 0, 0, pos);
      buf = next;
    }
    pos += buf.write(s, pos, "utf8");
    valueOffsets[i + 1] = pos;
  }
  return { data: new Uint8Array(buf.buffer, buf.byteOffset, pos), valueOffsets };
}

function encodeBinary(values: readonly unknown[], validity: Uint8Array | null, n: number): { data: Uint8Array; valueOffsets: Int32Array } {
  const valueOffsets = new Int32Array(n + 1);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const b = validity && validity[i] === 0 ? null : (values[i] as Uint8Array | null);
    total += b ? b.length : 0;
    valueOffsets[i + 1] = total;
  }
  const data = new Uint8Array(total);
  for (let i = 0; i < n; i++) {
    const b = validity && validity[i] === 0 ? null : (values[i] as Uint8Array | null);
    if (b) data.set(b, valueOffsets[i]!);
  }
  return { data, valueOffsets };
}

/** Child vector of a nested column: every element of every valid row, in order, plus offsets. */
function flattenLists(v: Vector, elementType: DataType): { child: Vector; valueOffsets: Int32Array } {
  const n = v.length;
  const valueOffsets = new Int32Array(n + 1);
  const elems: unknown[] = [];
  for (let i = 0; i < n; i++) {
    const a = getValue(v, i) as unknown[] | null;
    if (a) for (const e of a) elems.push(e);
    valueOffsets[i + 1] = elems.length;
  }
  return { child: vectorOf(elementType, elems), valueOffsets };
}

function vectorOf(type: DataType, engineValues: readonly unknown[]): Vector {
  const n = engineValues.length;
  const values = allocValues(type, n);
  const validity = new Uint8Array(n);
  const bool = storageOf(type) === "bool";
  for (let i = 0; i < n; i++) {
    const x = engineValues[i];
    if (x === null || x === undefined) continue;
    validity[i] = 1;
    (values as unknown[])[i] = bool ? (x ? 1 : 0) : x;
  }
  return makeVector(type, values, validity);
}

/** One Sluice vector as Arrow Data of `sparkTypeToArrow(v.type)`. */
export function vectorToArrowData(v: Vector): arrow.Data {
  const t = v.type;
  const type = sparkTypeToArrow(t);
  const n = v.length;
  const nulls = nullInfo(v);
  const base = { type, length: n, ...nulls };
  switch (t.kind) {
    case "null":
      return arrow.makeData({ type: type as arrow.Null, length: n });
    case "boolean":
      return arrow.makeData({ ...base, type: type as arrow.Bool, data: packBits(v.values as Uint8Array, n) });
    case "byte":
      return arrow.makeData({ ...base, type: type as arrow.Int8, data: v.values as Int8Array });
    case "short":
      return arrow.makeData({ ...base, type: type as arrow.Int16, data: v.values as Int16Array });
    case "int":
    case "date":
      return arrow.makeData({ ...base, type: type as arrow.Int32, data: v.values as Int32Array });
    case "year_month_interval":
      return arrow.makeData({ ...base, type: type as arrow.IntervalYearMonth, data: v.values as Int32Array });
    case "day_time_interval":
      return arrow.makeData({ ...base, type: type as arrow.DurationMicrosecond, data: (v.values as BigInt64Array).subarray(0, n) });
    case "float":
      return arrow.makeData({ ...base, type: type as arrow.Float32, data: v.values as Float32Array });
    case "double":
      return arrow.makeData({ ...base, type: type as arrow.Float64, data: v.values as Float64Array });
    case "bigint":
      return arrow.makeData({ ...base, type: type as arrow.Int64, data: (v.values as BigInt64Array).subarray(0, n) });
    case "timestamp":
    case "timestamp_ntz":
      return arrow.makeData({ ...base, type: type as arrow.Int64, data: toInt64Words(v.values as Float64Array, n) });
    case "decimal":
      return arrow.makeData({ ...base, type: type as arrow.Decimal, data: toDecimalWords(v, n) });
    case "string":
      return arrow.makeData({ ...base, type: type as arrow.Utf8, ...encodeStrings(v.values as string[], v.validity, n) });
    case "binary":
      return arrow.makeData({ ...base, type: type as arrow.Binary, ...encodeBinary(v.values as unknown[], v.validity, n) });
    case "array": {
      const { child, valueOffsets } = flattenLists(v, t.elementType);
      return arrow.makeData({ ...base, type: type as arrow.List, valueOffsets, child: vectorToArrowData(child) });
    }
    case "map": {
      const keys: unknown[] = [];
      const vals: unknown[] = [];
      const valueOffsets = new Int32Array(n + 1);
      for (let i = 0; i < n; i++) {
        const m = getValue(v, i) as Map<unknown, unknown> | null;
        if (m) for (const [k, x] of m) (keys.push(k), vals.push(x));
        valueOffsets[i + 1] = keys.length;
      }
      const entriesType = (type as arrow.Map_).children[0]!.type as arrow.Struct;
      const entries = arrow.makeData({
        type: entriesType,
        length: keys.length,
        nullCount: 0,
        children: [vectorToArrowData(vectorOf(t.keyType, keys)), vectorToArrowData(vectorOf(t.valueType, vals))],
      });
      return arrow.makeData({ ...base, type: type as arrow.Map_, valueOffsets, child: entries });
    }
    case "variant": {
      const values: unknown[] = new Array(n);
      const metadata: unknown[] = new Array(n);
      for (let i = 0; i < n; i++) {
        const x = getValue(v, i) as VariantVal | null;
        values[i] = x ? x.value : new Uint8Array(0);
        metadata[i] = x ? x.metadata : new Uint8Array(0);
      }
      const children = [values, metadata].map((col) => vectorToArrowData(vectorOf({ kind: "binary" }, col)));
      return arrow.makeData({ ...base, type: type as arrow.Struct, children });
    }
    case "struct": {
      const children = t.fields.map((f) => {
        const col: unknown[] = new Array(n);
        for (let i = 0; i < n; i++) {
          const o = getValue(v, i) as Record<string, unknown> | null;
          col[i] = o ? (o[f.name] ?? null) : null;
        }
        return vectorToArrowData(vectorOf(f.type, col));
      });
      return arrow.makeData({ ...base, type: type as arrow.Struct, children });
    }
  }
}

/** The Arrow schema Sluice writes for a Spark schema. */
export function sparkSchemaToArrow(schema: StructType): arrow.Schema {
  return new arrow.Schema(schema.fields.map(arrowField));
}

/** One ColumnBatch as an Arrow RecordBatch. */
export function batchToRecordBatch(batch: ColumnBatch, arrowSchema: arrow.Schema = sparkSchemaToArrow(batch.schema)): arrow.RecordBatch {
  const data = arrow.makeData({
    type: new arrow.Struct(arrowSchema.fields),
    length: batch.numRows,
    nullCount: 0,
    children: batch.columns.map(vectorToArrowData),
  });
  return new arrow.RecordBatch(arrowSchema, data);
}

/** Batches of one schema as an Arrow Table (one record batch per input batch; at least one). */
export function batchesToArrow(schema: StructType, batches: readonly ColumnBatch[]): arrow.Table {
  const arrowSchema = sparkSchemaToArrow(schema);
  const list = batches.length > 0 ? batches : [emptyBatch(schema)];
  return new arrow.Table(arrowSchema, list.map((b) => batchToRecordBatch(b, arrowSchema)));
}

// ---------------------------------------------------------------- Arrow → Sluice

function readValidity(d: arrow.Data): Uint8Array | null {
  if (d.typeId === arrow.Type.Null) return new Uint8Array(d.length);
  const bm = d.nullBitmap;
  if (!bm || bm.length === 0 || d.nullCount === 0) return null;
  const out = new Uint8Array(d.length);
  const off = d.offset;
  for (let i = 0; i < d.length; i++) {
    const j = off + i;
    out[i] = (bm[j >> 3]! >> (j & 7)) & 1;
  }
  return out;
}

/** Little-endian 64-bit integers at `values[offset..offset+n)` as doubles (exact up to 2^53). */
function int64ToNumbers(values: ArrayBufferView, offset: number, n: number, signed: boolean, scale = 1, floorDivide = false): Float64Array {
  const w = new Int32Array(values.buffer, values.byteOffset + offset * 8, n * 2);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const lo = w[2 * i]! >>> 0;
    const hi = signed ? w[2 * i + 1]! : w[2 * i + 1]! >>> 0;
    const x = hi * TWO32 + lo;
    out[i] = scale === 1 ? x : floorDivide ? Math.floor(x / scale) : x * scale;
  }
  return out;
}

/** Arrow Decimal128/256 words (`stride` uint32 per value) → the unscaled values of `type` (see columnar/vector.ts). */
function decimalFromWords(type: DataType, values: Uint32Array, offset: number, n: number, stride: number): BigInt64Array | bigint[] {
  if (storageOf(type) === "i64") {
    // the value has ≤ 18 digits, so its low 64 bits are the whole two's-complement value
    const out = new BigInt64Array(n);
    const w = new Uint32Array(out.buffer);
    for (let i = 0; i < n; i++) {
      w[2 * i] = values[(offset + i) * stride]!;
      w[2 * i + 1] = values[(offset + i) * stride + 1]!;
    }
    return out;
  }
  const aligned = values.byteOffset % 8 === 0 ? values : values.slice();
  const words = new BigUint64Array(aligned.buffer, aligned.byteOffset, aligned.length / 2);
  const half = stride / 2;
  const out = new Array<bigint>(n);
  for (let i = 0; i < n; i++) {
    const at = (offset + i) * half;
    let x = BigInt.asIntN(64, words[at + half - 1]!);
    for (let k = half - 2; k >= 0; k--) x = (x << 64n) | words[at + k]!;
    out[i] = x;
  }
  return out;
}

function offsetsOf(d: arrow.Data): (i: number) => number {
  const o = d.valueOffsets as Int32Array | BigInt64Array;
  if (o instanceof BigInt64Array) {
    const nums = int64ToNumbers(o, 0, o.length, true);
    return (i) => nums[d.offset + i]!;
  }
  return (i) => o[d.offset + i]!;
}


/** One Arrow Data (a chunk of a column) as a Sluice vector of `type` (from arrowTypeToSpark). */
export function arrowDataToVector(d: arrow.Data, type: DataType = arrowTypeToSpark(d.type)): Vector {
  const n = d.length;
  // an empty chunk may come without its child data (a Parquet file of 0 rows with a list column)
  if (n === 0) return makeVector(type, allocValues(type, 0));
  const off = d.offset;
  const validity = readValidity(d);
  const t = d.type;
  switch (t.typeId) {
    case arrow.Type.Null:
      return makeVector(type, allocValues(type, n), validity);
    case arrow.Type.Int: {
      const it = t as arrow.Int;
      const vals = d.values as ArrayBufferView & ArrayLike<number>;
      if (type.kind === "bigint") {
        if (it.bitWidth === 64 && it.isSigned) return makeVector(type, (d.values as BigInt64Array).slice(off, off + n), validity);
        const src = (d.values as ArrayLike<number>) as Int32Array;
        const out = new BigInt64Array(n);
        for (let i = 0; i < n; i++) out[i] = BigInt(src[off + i]!);
        return makeVector(type, out, validity);
      }
      if (type.kind === "decimal") {
        // uint64 → DECIMAL(20,0), exactly
        const src = d.values as BigUint64Array;
        return makeVector(type, Array.from({ length: n }, (_, i) => src[off + i]!), validity);
      }
      if (it.bitWidth === 64) return makeVector(type, int64ToNumbers(vals, off, n, it.isSigned), validity);
      const out = allocValues(type, n) as Int8Array | Int16Array | Int32Array;
      out.set((d.values as Int32Array).subarray(off, off + n));
      return makeVector(type, out, validity);
    }
    case arrow.Type.Float: {
      const p = (t as arrow.Float).precision;
      if (p === arrow.Precision.DOUBLE) return makeVector(type, (d.values as Float64Array).slice(off, off + n), validity);
      if (p === arrow.Precision.SINGLE) return makeVector(type, (d.values as Float32Array).slice(off, off + n), validity);
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = arrow.util.uint16ToFloat64((d.values as Uint16Array)[off + i]!);
      return makeVector(type, out, validity);
    }
    case arrow.Type.Bool: {
      const bits = d.values as Uint8Array;
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        const j = off + i;
        out[i] = (bits[j >> 3]! >> (j & 7)) & 1;
      }
      return makeVector(type, out, validity);
    }
    case arrow.Type.Utf8:
    case arrow.Type.LargeUtf8: {
      const bytes = d.values as Uint8Array;
      const at = offsetsOf(d);
      const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      const out = new Array<string>(n);
      for (let i = 0; i < n; i++) out[i] = validity && validity[i] === 0 ? "" : buf.toString("utf8", at(i), at(i + 1));
      return makeVector(type, out, validity);
    }
    case arrow.Type.Binary:
    case arrow.Type.LargeBinary: {
      const bytes = d.values as Uint8Array;
      const at = offsetsOf(d);
      const out = new Array<unknown>(n);
      for (let i = 0; i < n; i++) out[i] = validity && validity[i] === 0 ? null : bytes.slice(at(i), at(i + 1));
      return makeVector(type, out, validity);
    }
    case arrow.Type.Decimal: {
      const dt = t as arrow.Decimal;
      return makeVector(type, decimalFromWords(type, d.values as Uint32Array, off, n, dt.bitWidth / 32), validity);
    }
    case arrow.Type.Date: {
      if ((t as arrow.Date_).unit === arrow.DateUnit.DAY) return makeVector(type, Int32Array.from((d.values as Int32Array).subarray(off, off + n)), validity);
      const ms = int64ToNumbers(d.values as BigInt64Array, off, n, true);
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) out[i] = Math.floor(ms[i]! / 86_400_000);
      return makeVector(type, out, validity);
    }
    case arrow.Type.Interval:
      return makeVector(type, Int32Array.from((d.values as Int32Array).subarray(off, off + n)), validity);
    case arrow.Type.Duration:
      return makeVector(type, (d.values as BigInt64Array).slice(off, off + n), validity);
    case arrow.Type.Timestamp: {
      const unit = (t as arrow.Timestamp).unit;
      const vals = d.values as BigInt64Array;
      if (unit === arrow.TimeUnit.SECOND) return makeVector(type, int64ToNumbers(vals, off, n, true, 1_000_000), validity);
      if (unit === arrow.TimeUnit.MILLISECOND) return makeVector(type, int64ToNumbers(vals, off, n, true, 1000), validity);
      if (unit === arrow.TimeUnit.NANOSECOND) return makeVector(type, int64ToNumbers(vals, off, n, true, 1000, true), validity);
      return makeVector(type, int64ToNumbers(vals, off, n, true), validity);
    }
    case arrow.Type.List:
    case arrow.Type.LargeList:
    case arrow.Type.FixedSizeList: {
      const et = (type as { elementType: DataType }).elementType;
      const child = arrowDataToVector(d.children[0]!, et);
      const size = t.typeId === arrow.Type.FixedSizeList ? (t as arrow.FixedSizeList).listSize : 0;
      const at = size > 0 ? (i: number) => (off + i) * size : offsetsOf(d);
      const out = new Array<unknown>(n);
      for (let i = 0; i < n; i++) {
        if (validity && validity[i] === 0) {
          out[i] = null;
          continue;
        }
        const s = at(i);
        const e = at(i + 1);
        const a = new Array<unknown>(e - s);
        for (let j = s; j < e; j++) a[j - s] = getValue(child, j);
        out[i] = a;
      }
      return makeVector(type, out, validity);
    }
    case arrow.Type.Struct: {
      if (type.kind === "variant") return variantFromArrow(d, validity);
      const fields = (type as StructType).fields;
      const kids = fields.map((f, k) => arrowDataToVector(d.children[k]!, f.type));
      const out = new Array<unknown>(n);
      for (let i = 0; i < n; i++) {
        if (validity && validity[i] === 0) {
          out[i] = null;
          continue;
        }
        const o: Record<string, unknown> = {};
        for (let k = 0; k < fields.length; k++) o[fields[k]!.name] = getValue(kids[k]!, i);
        out[i] = o;
      }
      return makeVector(type, out, validity);
    }
    case arrow.Type.Map: {
      const mt = type as { keyType: DataType; valueType: DataType };
      const entries = d.children[0]!;
      const keys = arrowDataToVector(entries.children[0]!, mt.keyType);
      const vals = arrowDataToVector(entries.children[1]!, mt.valueType);
      const at = offsetsOf(d);
      const out = new Array<unknown>(n);
      for (let i = 0; i < n; i++) {
        if (validity && validity[i] === 0) {
          out[i] = null;
          continue;
        }
        const m = new Map<unknown, unknown>();
        for (let j = at(i); j < at(i + 1); j++) m.set(getValue(keys, j), getValue(vals, j));
        out[i] = m;
      }
      return makeVector(type, out, validity);
    }
    case arrow.Type.Dictionary: {
      const dict = (d.dictionary as arrow.Vector).data.map((c) => arrowDataToVector(c, type));
      const idx = arrowDataToVector(d.clone(new arrow.Int32()), { kind: "int" });
      const pool: unknown[] = [];
      for (const c of dict) for (let i = 0; i < c.length; i++) pool.push(getValue(c, i));
      const out: unknown[] = new Array(n);
      for (let i = 0; i < n; i++) out[i] = validity && validity[i] === 0 ? null : pool[(idx.values as Int32Array)[i]!];
      return vectorOf(type, out);
    }
    default: {
      // Generic path for the remaining Arrow types (views, fixed-size binary): row-wise get.
      const vec = arrow.makeVector(d);
      const out: unknown[] = new Array(n);
      for (let i = 0; i < n; i++) out[i] = vec.get(i);
      if (type.kind === "binary" || type.kind === "string") return vectorOf(type, out);
      throw unsupportedArrow(t);
    }
  }
}

/** An Arrow Table or RecordBatch as one ColumnBatch (chunks concatenated). */
export function arrowToBatch(src: arrow.Table | arrow.RecordBatch): ColumnBatch {
  const schema = arrowSchemaToSpark(src.schema);
  const recordBatches = src instanceof arrow.Table ? src.batches : [src];
  if (recordBatches.length === 0) return emptyBatch(schema);
  const parts = recordBatches.map((rb) => makeBatch(schema, schema.fields.map((f: StructField, k) => arrowDataToVector(rb.data.children[k]!, f.type)), rb.numRows));
  if (parts.length === 1) return parts[0]!;
  const n = parts.reduce((s, p) => s + p.numRows, 0);
  return makeBatch(schema, schema.fields.map((f, k) => concatColumn(f.type, parts.map((p) => p.columns[k]!), n)), n);
}

function concatColumn(type: DataType, parts: readonly Vector[], n: number): Vector {
  const out = allocValues(type, n);
  const anyNull = parts.some((p) => p.validity !== null);
  const validity = anyNull ? new Uint8Array(n) : null;
  const typed = storageOf(type) !== "str" && storageOf(type) !== "obj";
  let at = 0;
  for (const p of parts) {
    if (typed) (out as Float64Array).set(p.values as Float64Array, at);
    else for (let i = 0; i < p.length; i++) (out as unknown[])[at + i] = p.values[i];
    if (validity) {
      if (p.validity) validity.set(p.validity, at);
      else validity.fill(1, at, at + p.length);
    }
    at += p.length;
  }
  return makeVector(type, out, validity);
}

/** Explain a type mismatch between a file's Arrow column and the expected Spark type. */
export const describeArrowMismatch = (name: string, got: DataType, want: DataType): string =>
  `column \`${name}\` is ${simpleString(got)} in the file but ${simpleString(want)} in the schema`;
