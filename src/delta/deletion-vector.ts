/**
 * Deletion vectors (PROTOCOL.md §Deletion Vectors): the set of row indexes of a data file that
 * are deleted, stored inline in the log or in a `.bin` file, as a RoaringBitmapArray.
 *
 * Encodings, as the protocol defines them:
 *   - descriptor `storageType`: 'i' inline (`pathOrInlineDv` is the Z85 text of the bitmap),
 *     'u' a file under the table root named from a UUID (`<random prefix><Z85 of 16 UUID bytes>`,
 *     file `<prefix>/deletion_vector_<uuid>.bin`), 'p' an absolute path;
 *   - DV file: one version byte (1), then per vector at `offset`: its size (int32 big-endian),
 *     the bitmap bytes, and the CRC-32 of those bytes (int32 big-endian);
 *   - RoaringBitmapArray, portable form: magic 1681511377 (int32 little-endian), the number of
 *     32-bit bitmaps (int64 LE), then per bitmap its key, the high 32 bits of the row index
 *     (int32 LE), and the bitmap in the Roaring portable format (RoaringFormatSpec).
 * Row indexes are numbers: a file holds far fewer than 2^53 rows.
 */
import { crc32 } from "node:zlib";
import { fileSystemFor } from "../fs/file-systems.js";
import { joinPath } from "../fs/path.js";
import { inputError } from "../common/errors.js";
import type { DeletionVectorDescriptor } from "./actions.js";
import { dataFilePath } from "./data-path.js";

const PORTABLE_MAGIC = 1681511377;
const NATIVE_MAGIC = 1681511376;
const SERIAL_COOKIE_NO_RUN = 12346;
const SERIAL_COOKIE = 12347;
const NO_OFFSET_THRESHOLD = 4;
const ARRAY_MAX = 4096;
const DV_FILE_VERSION = 1;

const Z85 = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";
const Z85_INDEX = new Int16Array(128).fill(-1);
for (let i = 0; i < Z85.length; i++) Z85_INDEX[Z85.charCodeAt(i)] = i;

/** Z85 text of `bytes`, zero-padded to a multiple of 4 bytes (as Delta's Base85Codec). */
export function z85Encode(bytes: Uint8Array): string {
  const padded = new Uint8Array(Math.ceil(bytes.length / 4) * 4);
  padded.set(bytes);
  const dv = new DataView(padded.buffer);
  let out = "";
  for (let i = 0; i < padded.length; i += 4) {
    let v = dv.getUint32(i);
    const chunk = new Array<string>(5);
    for (let k = 4; k >= 0; k--) {
      chunk[k] = Z85[v % 85]!;
      v = Math.floor(v / 85);
    }
    out += chunk.join("");
  }
  return out;
}

/** The first `size` bytes of Z85 `text` (all of them when size is omitted). */
export function z85Decode(text: string, size?: number): Uint8Array {
  if (text.length % 5 !== 0) throw dvError(`Z85 text has ${text.length} characters, not a multiple of 5`);
  const out = new Uint8Array((text.length / 5) * 4);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < text.length; i += 5) {
    let v = 0;
    for (let k = 0; k < 5; k++) {
      const c = text.charCodeAt(i + k);
      const d = c < 128 ? Z85_INDEX[c]! : -1;
      if (d < 0) throw dvError(`character ${JSON.stringify(text[i + k])} is not Z85`);
      v = v * 85 + d;
    }
    if (v > 0xffffffff) throw dvError("Z85 group exceeds 32 bits");
    dv.setUint32((i / 5) * 4, v);
  }
  if (size !== undefined && size > out.length) throw dvError(`Z85 text holds ${out.length} bytes, fewer than ${size}`);
  return size === undefined ? out : out.subarray(0, size);
}

/** Sorted, distinct row indexes of a serialized RoaringBitmapArray (portable form). */
export function decodeRoaringBitmapArray(bytes: Uint8Array): Float64Array {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const need = (pos: number, n: number): void => {
    if (pos + n > bytes.length) throw dvError(`bitmap is truncated: needs ${pos + n} bytes, has ${bytes.length}`);
  };
  need(0, 12);
  const magic = dv.getInt32(0, true);
  if (magic === NATIVE_MAGIC) throw dvError("bitmap is in the native RoaringBitmapArray form, which Sluice does not read (Delta writes the portable form)");
  if (magic !== PORTABLE_MAGIC) throw dvError(`bad RoaringBitmapArray magic number ${magic}`);
  const count = Number(dv.getBigInt64(4, true));
  let pos = 12;
  const out: number[] = [];
  let lastKey = -1;
  for (let b = 0; b < count; b++) {
    need(pos, 4);
    const key = dv.getUint32(pos, true);
    if (key <= lastKey) throw dvError(`bitmap keys are not increasing (${key} after ${lastKey})`);
    lastKey = key;
    pos = readRoaring32(dv, pos + 4, key * 2 ** 32, out, need);
  }
  return Float64Array.from(out);
}

/** Read one 32-bit Roaring bitmap at `pos`, push `high + value` for each value; returns the end. */
function readRoaring32(dv: DataView, pos: number, high: number, out: number[], need: (p: number, n: number) => void): number {
  need(pos, 4);
  const cookie = dv.getUint32(pos, true);
  let size: number;
  let runs: Uint8Array | null = null;
  pos += 4;
  if ((cookie & 0xffff) === SERIAL_COOKIE) {
    size = (cookie >>> 16) + 1;
    const n = Math.ceil(size / 8);
    need(pos, n);
    runs = new Uint8Array(dv.buffer, dv.byteOffset + pos, n);
    pos += n;
  } else if (cookie === SERIAL_COOKIE_NO_RUN) {
    need(pos, 4);
    size = dv.getUint32(pos, true);
    pos += 4;
  } else {
    throw dvError(`bad Roaring bitmap cookie ${cookie}`);
  }
  need(pos, size * 4);
  const keys: number[] = [];
  const cards: number[] = [];
  for (let i = 0; i < size; i++) {
    keys.push(dv.getUint16(pos + i * 4, true));
    cards.push(dv.getUint16(pos + i * 4 + 2, true) + 1);
  }
  pos += size * 4;
  if (!runs || size >= NO_OFFSET_THRESHOLD) pos += size * 4; // offset header: containers follow in order
  for (let i = 0; i < size; i++) {
    const base = high + keys[i]! * 65536;
    if (runs && (runs[i >> 3]! >> (i & 7)) & 1) {
      need(pos, 2);
      const n = dv.getUint16(pos, true);
      pos += 2;
      need(pos, n * 4);
      for (let r = 0; r < n; r++) {
        const start = dv.getUint16(pos + r * 4, true);
        const len = dv.getUint16(pos + r * 4 + 2, true);
        for (let v = start; v <= start + len; v++) out.push(base + v);
      }
      pos += n * 4;
    } else if (cards[i]! <= ARRAY_MAX) {
      need(pos, cards[i]! * 2);
      for (let k = 0; k < cards[i]!; k++) out.push(base + dv.getUint16(pos + k * 2, true));
      pos += cards[i]! * 2;
    } else {
      need(pos, 8192);
      for (let w = 0; w < 2048; w++) {
        let word = dv.getUint32(pos + w * 4, true);
        while (word !== 0) {
          const bit = 31 - Math.clz32(word & -word);
          out.push(base + w * 32 + bit);
          word &= word - 1;
        }
      }
      pos += 8192;
    }
  }
  return pos;
}

/**
 * The portable RoaringBitmapArray of `rowIndexes` (any order, duplicates ignored): array
 * containers up to 4096 values, bitset containers above, no run containers.
 */
export function encodeRoaringBitmapArray(rowIndexes: Iterable<number>): Uint8Array {
  const sorted = Float64Array.from(new Set(rowIndexes)).sort();
  for (const v of sorted) {
    if (!Number.isSafeInteger(v) || v < 0) throw dvError(`row index ${v} is not a non-negative integer`);
  }
  const parts: Uint8Array[] = [];
  const header = new DataView(new ArrayBuffer(12));
  header.setInt32(0, PORTABLE_MAGIC, true);
  let buckets = 0;
  for (let i = 0; i < sorted.length; ) {
    const key = Math.floor(sorted[i]! / 2 ** 32);
    let j = i;
    while (j < sorted.length && Math.floor(sorted[j]! / 2 ** 32) === key) j++;
    const k = new DataView(new ArrayBuffer(4));
    k.setUint32(0, key, true);
    parts.push(new Uint8Array(k.buffer), encodeRoaring32(sorted.subarray(i, j).map((v) => v - key * 2 ** 32)));
    buckets++;
    i = j;
  }
  header.setBigInt64(4, BigInt(buckets), true);
  return concat([new Uint8Array(header.buffer), ...parts]);
}

function encodeRoaring32(values: Float64Array): Uint8Array {
  const containers: { key: number; vals: Float64Array }[] = [];
  for (let i = 0; i < values.length; ) {
    const key = Math.floor(values[i]! / 65536);
    let j = i;
    while (j < values.length && Math.floor(values[j]! / 65536) === key) j++;
    containers.push({ key, vals: values.subarray(i, j) });
    i = j;
  }
  const n = containers.length;
  const bodies = containers.map(({ key, vals }) => {
    if (vals.length <= ARRAY_MAX) {
      const b = new DataView(new ArrayBuffer(vals.length * 2));
      vals.forEach((v, k) => b.setUint16(k * 2, v - key * 65536, true));
      return new Uint8Array(b.buffer);
    }
    const words = new Uint32Array(2048);
    for (const v of vals) {
      const low = v - key * 65536;
      words[low >>> 5]! |= 1 << (low & 31);
    }
    const b = new DataView(new ArrayBuffer(8192));
    words.forEach((w, k) => b.setUint32(k * 4, w, true));
    return new Uint8Array(b.buffer);
  });
  const head = new DataView(new ArrayBuffer(8 + n * 8));
  head.setUint32(0, SERIAL_COOKIE_NO_RUN, true);
  head.setUint32(4, n, true);
  let offset = 8 + n * 8;
  containers.forEach(({ key, vals }, i) => {
    head.setUint16(8 + i * 4, key, true);
    head.setUint16(8 + i * 4 + 2, vals.length - 1, true);
    head.setUint32(8 + n * 4 + i * 4, offset, true);
    offset += bodies[i]!.length;
  });
  return concat([new Uint8Array(head.buffer), ...bodies]);
}

/** A DV file holding one bitmap: its bytes, and where the bitmap's size field starts (`offset`). */
export function encodeDeletionVectorFile(bitmap: Uint8Array): { bytes: Uint8Array; offset: number } {
  const frame = new DataView(new ArrayBuffer(4));
  frame.setInt32(0, bitmap.length);
  const sum = new DataView(new ArrayBuffer(4));
  sum.setUint32(0, crc32(bitmap));
  return { bytes: concat([Uint8Array.of(DV_FILE_VERSION), new Uint8Array(frame.buffer), bitmap, new Uint8Array(sum.buffer)]), offset: 1 };
}

/** The Z85 text of a UUID's 16 bytes (the `u` storage type's 20-character id). */
export function uuidToZ85(uuid: string): string {
  const hex = uuid.replace(/-/g, "");
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw dvError(`${JSON.stringify(uuid)} is not a UUID`);
  return z85Encode(Uint8Array.from(Buffer.from(hex, "hex")));
}

/** The file of a 'u' or 'p' deletion vector ('p' paths resolve as data file paths, data-path.ts); null for an inline one. */
export function deletionVectorPath(tablePath: string, dv: DeletionVectorDescriptor): string | null {
  switch (dv.storageType) {
    case "i":
      return null;
    case "p":
      return dataFilePath(tablePath, dv.pathOrInlineDv);
    case "u": {
      const text = dv.pathOrInlineDv;
      if (text.length < 20) throw dvError(`'u' deletion vector id ${JSON.stringify(text)} is shorter than 20 characters`);
      const prefix = text.slice(0, text.length - 20);
      const hex = Buffer.from(z85Decode(text.slice(-20))).toString("hex");
      const uuid = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
      const name = `deletion_vector_${uuid}.bin`;
      return prefix ? joinPath(tablePath, prefix, name) : joinPath(tablePath, name);
    }
    default:
      throw dvError(`unknown deletion vector storageType ${JSON.stringify(dv.storageType)} (Delta defines 'u', 'i' and 'p')`);
  }
}

/**
 * The deleted row indexes of a data file, read from the log (inline) or the DV file; checks
 * the size, the checksum and the cardinality. Throws DELTA_DELETION_VECTOR_INVALID naming
 * `dataFile` and the problem.
 */
export function loadDeletionVector(tablePath: string, dv: DeletionVectorDescriptor, dataFile: string): Float64Array {
  try {
    let bitmap: Uint8Array;
    const file = deletionVectorPath(tablePath, dv);
    if (file === null) {
      bitmap = z85Decode(dv.pathOrInlineDv, dv.sizeInBytes);
    } else {
      const offset = dv.offset ?? 1;
      const bytes = fileSystemFor(file).open(file);
      if (bytes.length < offset + 8 + dv.sizeInBytes) throw dvError(`${file} has ${bytes.length} bytes, too few for a vector of ${dv.sizeInBytes} at offset ${offset}`);
      if (bytes[0] !== DV_FILE_VERSION) throw dvError(`${file} has format version ${bytes[0]}, Sluice reads version ${DV_FILE_VERSION}`);
      const size = bytes.readInt32BE(offset);
      if (size !== dv.sizeInBytes) throw dvError(`${file} stores a vector of ${size} bytes at offset ${offset}, the log says ${dv.sizeInBytes}`);
      bitmap = bytes.subarray(offset + 4, offset + 4 + size);
      const want = bytes.readUInt32BE(offset + 4 + size);
      if (crc32(bitmap) !== want) throw dvError(`${file}: the checksum of the vector at offset ${offset} does not match (the file is damaged)`);
    }
    const rows = decodeRoaringBitmapArray(bitmap);
    if (rows.length !== dv.cardinality) throw dvError(`the vector holds ${rows.length} row indexes, the log says cardinality ${dv.cardinality}`);
    return rows;
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw inputError(
      "DELTA_DELETION_VECTOR_INVALID",
      `Cannot read the deletion vector of ${dataFile} in Delta table ${tablePath}: ${why}`,
      { table: tablePath, file: dataFile },
      e,
    );
  }
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const dvError = (msg: string): Error => new Error(msg);
