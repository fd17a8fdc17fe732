/**
 * Building values in Spark's variant binary encoding (see variant-encoding.ts), as Spark's
 * VariantBuilder does: integers take the smallest of int8/16/32/64, decimals the smallest of
 * decimal4/8/16 that holds their precision and scale, strings under 64 bytes are short strings,
 * object keys go to a dictionary in order of first appearance, and an object lists its fields in
 * key order (UTF-16 order, as Java's String.compareTo) while their values stay in written order.
 * A container is written as its children first; `finishObject` / `finishArray` then shift them
 * right to make room for the header, ids and offsets, each sized to the smallest width that fits.
 */
import { SluiceError } from "../common/errors.js";
import { BASIC_ARRAY, BASIC_OBJECT, BASIC_SHORT_STRING, containerInfo, MAX_SHORT_STRING, objectFieldAt, P, readUnsigned, VARIANT_SIZE_LIMIT, valueSize, variantKind } from "./variant-encoding.js";
import { VariantVal } from "./variant-val.js";

/** A field written into an object being built: its key, dictionary id and offset from the object's start. */
export interface FieldEntry {
  readonly key: string;
  readonly id: number;
  readonly offset: number;
}

const sizeLimit = (): SluiceError =>
  new SluiceError("execution", "VARIANT_SIZE_LIMIT", `Cannot build variant bigger than 16 MiB.`);

/** Bytes for an unsigned value: 1, 2 or 3 (Spark never needs 4 under its 16 MiB limit). */
const intSize = (v: number): number => (v <= 0xff ? 1 : v <= 0xffff ? 2 : 3);

const encoder = new TextEncoder();

export class VariantBuilder {
  private buf = new Uint8Array(128);
  private pos = 0;
  private readonly ids = new Map<string, number>();
  private readonly keys: Uint8Array[] = [];

  get writePos(): number {
    return this.pos;
  }

  private reserve(n: number): void {
    const need = this.pos + n;
    if (need <= this.buf.length) return;
    if (need > VARIANT_SIZE_LIMIT) throw sizeLimit();
    let cap = this.buf.length * 2;
    while (cap < need) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }

  private writeLE(at: number, v: number | bigint, size: number): void {
    let x = BigInt.asUintN(size * 8, BigInt(v));
    for (let i = 0; i < size; i++) {
      this.buf[at + i] = Number(x & 0xffn);
      x >>= 8n;
    }
  }

  private primitive(id: number, payload: number): void {
    this.reserve(1 + payload);
    this.buf[this.pos++] = id << 2;
  }

  appendNull(): void {
    this.primitive(P.NULL, 0);
  }

  appendBoolean(b: boolean): void {
    this.primitive(b ? P.TRUE : P.FALSE, 0);
  }

  /** An integer in the smallest of int8, int16, int32, int64 that holds it. */
  appendLong(v: bigint): void {
    const [id, size] = v === BigInt.asIntN(8, v) ? [P.INT1, 1] : v === BigInt.asIntN(16, v) ? [P.INT2, 2] : v === BigInt.asIntN(32, v) ? [P.INT4, 4] : [P.INT8, 8];
    this.primitive(id, size);
    this.writeLE(this.pos, v, size);
    this.pos += size;
  }

  appendDouble(d: number): void {
    this.primitive(P.DOUBLE, 8);
    new DataView(this.buf.buffer, this.pos, 8).setFloat64(0, d, true);
    this.pos += 8;
  }

  appendFloat(f: number): void {
    this.primitive(P.FLOAT, 4);
    new DataView(this.buf.buffer, this.pos, 4).setFloat32(0, f, true);
    this.pos += 4;
  }

  /** A decimal of at most 38 digits and scale: decimal4 when precision and scale ≤ 9, decimal8 when ≤ 18, else decimal16. */
  appendDecimal(unscaled: bigint, scale: number): void {
    const digits = (unscaled < 0n ? -unscaled : unscaled).toString().length;
    const width = Math.max(digits, scale);
    const [id, size] = width <= 9 ? [P.DECIMAL4, 4] : width <= 18 ? [P.DECIMAL8, 8] : [P.DECIMAL16, 16];
    this.primitive(id, 1 + size);
    this.buf[this.pos++] = scale;
    this.writeLE(this.pos, unscaled, size);
    this.pos += size;
  }

  appendString(s: string): void {
    const bytes = encoder.encode(s);
    if (bytes.length <= MAX_SHORT_STRING) {
      this.reserve(1 + bytes.length);
      this.buf[this.pos++] = (bytes.length << 2) | BASIC_SHORT_STRING;
    } else {
      this.primitive(P.LONG_STRING, 4 + bytes.length);
      this.writeLE(this.pos, bytes.length, 4);
      this.pos += 4;
    }
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  appendBinary(bytes: Uint8Array): void {
    this.primitive(P.BINARY, 4 + bytes.length);
    this.writeLE(this.pos, bytes.length, 4);
    this.pos += 4;
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  appendDate(days: number): void {
    this.primitive(P.DATE, 4);
    this.writeLE(this.pos, days, 4);
    this.pos += 4;
  }

  /** TIMESTAMP (`ntz` false) or TIMESTAMP_NTZ, in µs. */
  appendTimestamp(us: number | bigint, ntz: boolean): void {
    this.primitive(ntz ? P.TIMESTAMP_NTZ : P.TIMESTAMP, 8);
    this.writeLE(this.pos, typeof us === "bigint" ? us : BigInt(Math.trunc(us)), 8);
    this.pos += 8;
  }

  /** The dictionary id of `key`, adding it on first use. */
  addKey(key: string): number {
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.keys.length;
      this.ids.set(key, id);
      this.keys.push(encoder.encode(key));
    }
    return id;
  }

  /** Close an object whose field values were written since `start`; a repeated key is `VARIANT_DUPLICATE_KEY`. */
  finishObject(start: number, fields: FieldEntry[]): void {
    const dataSize = this.pos - start;
    const n = fields.length;
    fields.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    let maxId = 0;
    for (let i = 0; i < n; i++) {
      maxId = Math.max(maxId, fields[i]!.id);
      if (i > 0 && fields[i]!.key === fields[i - 1]!.key) {
        throw new SluiceError("execution", "VARIANT_DUPLICATE_KEY", `Failed to build variant because of a duplicate object key \`${fields[i]!.key}\`.`, { key: fields[i]!.key });
      }
    }
    const large = n > 0xff;
    const sizeBytes = large ? 4 : 1;
    const idSize = intSize(maxId);
    const offsetSize = intSize(dataSize);
    const headerSize = 1 + sizeBytes + n * idSize + (n + 1) * offsetSize;
    this.shift(start, dataSize, headerSize);
    this.buf[start] = (((large ? 1 : 0) << 4) | ((idSize - 1) << 2) | (offsetSize - 1)) << 2 | BASIC_OBJECT;
    this.writeLE(start + 1, n, sizeBytes);
    const idStart = start + 1 + sizeBytes;
    const offsetStart = idStart + n * idSize;
    for (let i = 0; i < n; i++) {
      this.writeLE(idStart + i * idSize, fields[i]!.id, idSize);
      this.writeLE(offsetStart + i * offsetSize, fields[i]!.offset, offsetSize);
    }
    this.writeLE(offsetStart + n * offsetSize, dataSize, offsetSize);
  }

  /** Close an array whose elements were written since `start`, element i at `offsets[i]`. */
  finishArray(start: number, offsets: readonly number[]): void {
    const dataSize = this.pos - start;
    const n = offsets.length;
    const large = n > 0xff;
    const sizeBytes = large ? 4 : 1;
    const offsetSize = intSize(dataSize);
    const headerSize = 1 + sizeBytes + (n + 1) * offsetSize;
    this.shift(start, dataSize, headerSize);
    this.buf[start] = ((((large ? 1 : 0) << 2) | (offsetSize - 1)) << 2) | BASIC_ARRAY;
    this.writeLE(start + 1, n, sizeBytes);
    const offsetStart = start + 1 + sizeBytes;
    for (let i = 0; i < n; i++) this.writeLE(offsetStart + i * offsetSize, offsets[i]!, offsetSize);
    this.writeLE(offsetStart + n * offsetSize, dataSize, offsetSize);
  }

  private shift(start: number, dataSize: number, by: number): void {
    this.reserve(by);
    this.buf.copyWithin(start + by, start, start + dataSize);
    this.pos += by;
  }

  /** Copy the value at `pos` of another variant, re-keying its objects into this dictionary. */
  appendVariant(value: Uint8Array, metadata: Uint8Array, pos = 0): void {
    const kind = variantKind(value, pos);
    if (kind === "object") {
      const info = containerInfo(value, pos);
      const start = this.pos;
      const fields: FieldEntry[] = [];
      for (let i = 0; i < info.size; i++) {
        const f = objectFieldAt(value, metadata, info, i);
        fields.push({ key: f.key, id: this.addKey(f.key), offset: this.pos - start });
        this.appendVariant(value, metadata, f.pos);
      }
      this.finishObject(start, fields);
    } else if (kind === "array") {
      const info = containerInfo(value, pos);
      const start = this.pos;
      const offsets: number[] = [];
      for (let i = 0; i < info.size; i++) {
        offsets.push(this.pos - start);
        this.appendVariant(value, metadata, info.dataStart + readUnsigned(value, info.offsetStart + i * info.offsetSize, info.offsetSize));
      }
      this.finishArray(start, offsets);
    } else {
      const size = valueSize(value, pos);
      if (pos + size > value.length) throw new SluiceError("execution", "MALFORMED_VARIANT", "Variant binary is malformed. Please check the data source is valid.");
      this.reserve(size);
      this.buf.set(value.subarray(pos, pos + size), this.pos);
      this.pos += size;
    }
  }

  /** The value written so far with its metadata (header, key count, offsets, key bytes; offsets sized to fit). */
  result(): VariantVal {
    const total = this.keys.reduce((s, k) => s + k.length, 0);
    const maxSize = Math.max(total, this.keys.length);
    if (maxSize > VARIANT_SIZE_LIMIT) throw sizeLimit();
    const offsetSize = intSize(maxSize);
    const offsetStart = 1 + offsetSize;
    const stringStart = offsetStart + (this.keys.length + 1) * offsetSize;
    const m = new Uint8Array(stringStart + total);
    m[0] = 1 | ((offsetSize - 1) << 6);
    const put = (at: number, v: number) => {
      for (let i = 0; i < offsetSize; i++) m[at + i] = (v >>> (8 * i)) & 0xff;
    };
    put(1, this.keys.length);
    let off = 0;
    this.keys.forEach((k, i) => {
      put(offsetStart + i * offsetSize, off);
      m.set(k, stringStart + off);
      off += k.length;
    });
    put(offsetStart + this.keys.length * offsetSize, off);
    return new VariantVal(this.buf.slice(0, this.pos), m);
  }
}
