/**
 * Reading Spark's variant binary encoding (common/variant/README.md in the Spark repository).
 * A value starts with a header byte: the low 2 bits are the basic type (0 primitive, 1 short
 * string, 2 object, 3 array), the upper 6 bits a type-specific header. All integers are
 * little-endian. The metadata holds the object keys: a header byte (version 1, bit 4
 * sorted_strings, bits 6-7 offset size − 1), the key count, count + 1 offsets, then the bytes.
 * Every read checks bounds; a truncated or unknown encoding is `MALFORMED_VARIANT`, as in Spark.
 */
import { SluiceError } from "../common/errors.js";

export const BASIC_PRIMITIVE = 0;
export const BASIC_SHORT_STRING = 1;
export const BASIC_OBJECT = 2;
export const BASIC_ARRAY = 3;

/** Primitive type ids (the README's table; 20 is Spark 4's UUID). */
export const P = {
  NULL: 0,
  TRUE: 1,
  FALSE: 2,
  INT1: 3,
  INT2: 4,
  INT4: 5,
  INT8: 6,
  DOUBLE: 7,
  DECIMAL4: 8,
  DECIMAL8: 9,
  DECIMAL16: 10,
  DATE: 11,
  TIMESTAMP: 12,
  TIMESTAMP_NTZ: 13,
  FLOAT: 14,
  BINARY: 15,
  LONG_STRING: 16,
  UUID: 20,
} as const;

/** The largest short string (its length sits in the header's 6 bits). */
export const MAX_SHORT_STRING = 63;
/** Spark's limit on a variant's value and metadata (16 MiB each). */
export const VARIANT_SIZE_LIMIT = 16 * 1024 * 1024;

/** What a variant value is, as Spark's `Variant.getType` groups the encodings. */
export type VariantKind =
  | "null"
  | "boolean"
  | "long"
  | "double"
  | "decimal"
  | "date"
  | "timestamp"
  | "timestamp_ntz"
  | "float"
  | "binary"
  | "string"
  | "uuid"
  | "object"
  | "array";

export const malformedVariant = (): SluiceError =>
  new SluiceError("execution", "MALFORMED_VARIANT", "Variant binary is malformed. Please check the data source is valid.");

function check(b: Uint8Array, pos: number, size = 1): void {
  if (pos < 0 || pos + size > b.length) throw malformedVariant();
}

/** Unsigned little-endian integer of `size` (1–4) bytes. */
export function readUnsigned(b: Uint8Array, pos: number, size: number): number {
  check(b, pos, size);
  let v = 0;
  for (let i = size - 1; i >= 0; i--) v = v * 256 + b[pos + i]!;
  return v;
}

function readSigned(b: Uint8Array, pos: number, size: number): bigint {
  check(b, pos, size);
  let v = 0n;
  for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[pos + i]!);
  return BigInt.asIntN(size * 8, v);
}

const header = (b: Uint8Array, pos: number): number => {
  check(b, pos);
  return b[pos]!;
};

export function variantKind(b: Uint8Array, pos: number): VariantKind {
  const h = header(b, pos);
  const basic = h & 3;
  if (basic === BASIC_SHORT_STRING) return "string";
  if (basic === BASIC_OBJECT) return "object";
  if (basic === BASIC_ARRAY) return "array";
  switch (h >> 2) {
    case P.NULL:
      return "null";
    case P.TRUE:
    case P.FALSE:
      return "boolean";
    case P.INT1:
    case P.INT2:
    case P.INT4:
    case P.INT8:
      return "long";
    case P.DOUBLE:
      return "double";
    case P.DECIMAL4:
    case P.DECIMAL8:
    case P.DECIMAL16:
      return "decimal";
    case P.DATE:
      return "date";
    case P.TIMESTAMP:
      return "timestamp";
    case P.TIMESTAMP_NTZ:
      return "timestamp_ntz";
    case P.FLOAT:
      return "float";
    case P.BINARY:
      return "binary";
    case P.LONG_STRING:
      return "string";
    case P.UUID:
      return "uuid";
    default:
      throw new SluiceError("unsupported", "UNKNOWN_PRIMITIVE_TYPE_IN_VARIANT", `Unknown primitive type with id ${h >> 2} was found in a variant value.`, { id: h >> 2 });
  }
}

const primitiveId = (b: Uint8Array, pos: number): number => {
  const h = header(b, pos);
  if ((h & 3) !== BASIC_PRIMITIVE) throw malformedVariant();
  return h >> 2;
};

export const readBoolean = (b: Uint8Array, pos: number): boolean => {
  const id = primitiveId(b, pos);
  if (id !== P.TRUE && id !== P.FALSE) throw malformedVariant();
  return id === P.TRUE;
};

/** An integer, a date (days), a timestamp or timestamp_ntz (µs), as a bigint. */
export function readLong(b: Uint8Array, pos: number): bigint {
  switch (primitiveId(b, pos)) {
    case P.INT1:
      return readSigned(b, pos + 1, 1);
    case P.INT2:
      return readSigned(b, pos + 1, 2);
    case P.INT4:
    case P.DATE:
      return readSigned(b, pos + 1, 4);
    case P.INT8:
    case P.TIMESTAMP:
    case P.TIMESTAMP_NTZ:
      return readSigned(b, pos + 1, 8);
    default:
      throw malformedVariant();
  }
}

export function readDouble(b: Uint8Array, pos: number): number {
  const id = primitiveId(b, pos);
  if (id !== P.DOUBLE && id !== P.FLOAT) throw malformedVariant();
  const size = id === P.DOUBLE ? 8 : 4;
  check(b, pos + 1, size);
  const view = new DataView(b.buffer, b.byteOffset + pos + 1, size);
  return size === 8 ? view.getFloat64(0, true) : view.getFloat32(0, true);
}

/**
 * A decimal's unscaled value and scale with trailing fraction zeros stripped, as Spark's
 * `Variant.getDecimal` reads it: a stored `1.50` is 1.5 (DECIMAL(2,1)) to every reader.
 */
export function readDecimal(b: Uint8Array, pos: number): { readonly unscaled: bigint; readonly scale: number } {
  const id = primitiveId(b, pos);
  const size = id === P.DECIMAL4 ? 4 : id === P.DECIMAL8 ? 8 : id === P.DECIMAL16 ? 16 : 0;
  if (size === 0) throw malformedVariant();
  check(b, pos + 1, 1 + size);
  let scale = b[pos + 1]!;
  if (scale > 38) throw malformedVariant();
  let unscaled = readSigned(b, pos + 2, size);
  while (scale > 0 && unscaled % 10n === 0n) {
    unscaled /= 10n;
    scale--;
  }
  return { unscaled, scale };
}

const utf8 = new TextDecoder("utf-8", { fatal: false });

export function readString(b: Uint8Array, pos: number): string {
  const h = header(b, pos);
  if ((h & 3) === BASIC_SHORT_STRING) {
    const n = h >> 2;
    check(b, pos + 1, n);
    return utf8.decode(b.subarray(pos + 1, pos + 1 + n));
  }
  if (primitiveId(b, pos) !== P.LONG_STRING) throw malformedVariant();
  const n = readUnsigned(b, pos + 1, 4);
  check(b, pos + 5, n);
  return utf8.decode(b.subarray(pos + 5, pos + 5 + n));
}

export function readBinary(b: Uint8Array, pos: number): Uint8Array {
  if (primitiveId(b, pos) !== P.BINARY) throw malformedVariant();
  const n = readUnsigned(b, pos + 1, 4);
  check(b, pos + 5, n);
  return b.slice(pos + 5, pos + 5 + n);
}

/** A UUID as its canonical text (16 big-endian bytes). */
export function readUuid(b: Uint8Array, pos: number): string {
  if (primitiveId(b, pos) !== P.UUID) throw malformedVariant();
  check(b, pos + 1, 16);
  const hex = Buffer.from(b.subarray(pos + 1, pos + 17)).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The layout of an object or array value: element count and where ids, offsets and data start. */
export interface ContainerInfo {
  readonly size: number;
  readonly idSize: number;
  readonly offsetSize: number;
  readonly idStart: number;
  readonly offsetStart: number;
  readonly dataStart: number;
}

export function containerInfo(b: Uint8Array, pos: number): ContainerInfo {
  const h = header(b, pos);
  const basic = h & 3;
  const vh = h >> 2;
  if (basic === BASIC_OBJECT) {
    const large = (vh >> 4) & 1;
    const idSize = ((vh >> 2) & 3) + 1;
    const offsetSize = (vh & 3) + 1;
    const sizeBytes = large ? 4 : 1;
    const size = readUnsigned(b, pos + 1, sizeBytes);
    const idStart = pos + 1 + sizeBytes;
    const offsetStart = idStart + size * idSize;
    const dataStart = offsetStart + (size + 1) * offsetSize;
    return { size, idSize, offsetSize, idStart, offsetStart, dataStart };
  }
  if (basic === BASIC_ARRAY) {
    const large = (vh >> 2) & 1;
    const offsetSize = (vh & 3) + 1;
    const sizeBytes = large ? 4 : 1;
    const size = readUnsigned(b, pos + 1, sizeBytes);
    const offsetStart = pos + 1 + sizeBytes;
    return { size, idSize: 0, offsetSize, idStart: offsetStart, offsetStart, dataStart: offsetStart + (size + 1) * offsetSize };
  }
  throw malformedVariant();
}

/** Key `id` of the metadata dictionary. */
export function metadataKey(m: Uint8Array, id: number): string {
  const h = header(m, 0);
  if ((h & 15) !== 1) throw malformedVariant();
  const offsetSize = ((h >> 6) & 3) + 1;
  const count = readUnsigned(m, 1, offsetSize);
  if (id < 0 || id >= count) throw malformedVariant();
  const offsets = 1 + offsetSize;
  const strings = offsets + (count + 1) * offsetSize;
  const start = readUnsigned(m, offsets + id * offsetSize, offsetSize);
  const end = readUnsigned(m, offsets + (id + 1) * offsetSize, offsetSize);
  if (end < start) throw malformedVariant();
  check(m, strings + start, end - start);
  return utf8.decode(m.subarray(strings + start, strings + end));
}

/** Field `i` of an object (fields are in key order): its key and where its value starts. */
export function objectFieldAt(b: Uint8Array, m: Uint8Array, info: ContainerInfo, i: number): { readonly key: string; readonly pos: number } {
  const id = readUnsigned(b, info.idStart + i * info.idSize, info.idSize);
  const offset = readUnsigned(b, info.offsetStart + i * info.offsetSize, info.offsetSize);
  return { key: metadataKey(m, id), pos: info.dataStart + offset };
}

/** Where the value of field `key` starts, or -1 (binary search: keys are sorted, case-sensitive). */
export function objectField(b: Uint8Array, m: Uint8Array, pos: number, key: string): number {
  const info = containerInfo(b, pos);
  let lo = 0;
  let hi = info.size - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const f = objectFieldAt(b, m, info, mid);
    if (f.key === key) return f.pos;
    if (f.key < key) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** Where element `i` of an array starts, or -1 when `i` is past its end. */
export function arrayElement(b: Uint8Array, pos: number, i: number): number {
  const info = containerInfo(b, pos);
  if (i < 0 || i >= info.size) return -1;
  return info.dataStart + readUnsigned(b, info.offsetStart + i * info.offsetSize, info.offsetSize);
}

/** The number of bytes of the value starting at `pos`. */
export function valueSize(b: Uint8Array, pos: number): number {
  const h = header(b, pos);
  const basic = h & 3;
  if (basic === BASIC_SHORT_STRING) return 1 + (h >> 2);
  if (basic === BASIC_OBJECT || basic === BASIC_ARRAY) {
    const info = containerInfo(b, pos);
    return info.dataStart - pos + readUnsigned(b, info.offsetStart + info.size * info.offsetSize, info.offsetSize);
  }
  switch (h >> 2) {
    case P.NULL:
    case P.TRUE:
    case P.FALSE:
      return 1;
    case P.INT1:
      return 2;
    case P.INT2:
      return 3;
    case P.INT4:
    case P.DATE:
    case P.FLOAT:
      return 5;
    case P.INT8:
    case P.DOUBLE:
    case P.TIMESTAMP:
    case P.TIMESTAMP_NTZ:
      return 9;
    case P.DECIMAL4:
      return 6;
    case P.DECIMAL8:
      return 10;
    case P.DECIMAL16:
      return 18;
    case P.BINARY:
    case P.LONG_STRING:
      return 5 + readUnsigned(b, pos + 1, 4);
    case P.UUID:
      return 17;
    default:
      throw malformedVariant();
  }
}
