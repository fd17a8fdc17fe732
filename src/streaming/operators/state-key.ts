/**
 * State store keys from engine values, equal for equal group keys (Spark's grouping equality:
 * NaN = NaN, -0.0 = 0.0, null = null, null ≠ any value). Key values are kept in the state value
 * too where an operator needs them back, so keys are decoded only to show state
 * (connectors/state). Two formats, pinned in the checkpoint (`sluice.streaming.stateStore.keyFormat`,
 * docs/parallelism.md "Pinned confs"), so a checkpoint keeps finding its state:
 *
 * - `json` (checkpoints written before binary keys): the JSON text of the canonical key values,
 *   `stateKey`. [flat]mapGroupsWithState and transformWithState always key by the JSON text of
 *   the user's key (physical/operators/group-state.ts): it is a JS value with no declared type.
 * - `binary` (aggregation, deduplication, joins, session windows and the limit in new
 *   checkpoints): built straight from the key column vectors (`stateKeysOf`) or from typed
 *   values (`binaryStateKey`), with no JSON and no value array per row. Per key column, in order: `\0` for
 *   null, else `\1` and the value — boolean 1 byte; byte/short/int/date/year-month interval 4
 *   bytes; float 4 and double/timestamp 8 bytes (IEEE, NaN and -0.0 made canonical); BIGINT,
 *   DECIMAL(p ≤ 18) and day-time interval their exact 8 bytes; a string its length (varint) and
 *   its UTF-16 code units as they are (a string with an unpaired surrogate is written as `\2`,
 *   its length and two bytes per code unit instead, so every key is well-formed Unicode and
 *   survives UTF-8 stores such as LevelDB); binary its length and bytes; wider decimals their
 *   digits; structs their fields, arrays and maps their length and elements. Multi-byte numbers
 *   are little-endian, every byte one char 0..255. The first char of a non-empty key is \0, \1
 *   or \2, never the `[` a JSON key starts with, so readers tell the two apart.
 */
import { getValue } from "../../columnar/column-batch.js";
import type { Vector } from "../../columnar/vector.js";
import { storageOf } from "../../columnar/vector.js";
import { internalError } from "../../common/errors.js";
import type { DataType } from "../../types/data-type.js";
import type { StateKeyFormat } from "../state/state-store.js";

function canon(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  // A BIGINT in the safe range keys as the number it was before BIGINT became exact, so existing
  // checkpoints keep finding their state; beyond 2^53 it keys by its exact digits.
  if (typeof v === "bigint") return v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : "\u0000L" + v.toString();
  if (typeof v === "number") return Number.isNaN(v) ? "\u0000NaN" : v === Infinity ? "\u0000Inf" : v === -Infinity ? "\u0000-Inf" : v === 0 ? 0 : v;
  if (v instanceof Uint8Array) return "\u0000b" + Buffer.from(v).toString("base64");
  if (v instanceof Map) return ["\u0000m", ...[...v].map(([k, x]) => [canon(k), canon(x)])];
  if (Array.isArray(v)) return v.map(canon);
  if (typeof v === "object") return Object.values(v as Record<string, unknown>).map(canon);
  return v;
}

/** The `json` key of engine values. */
export const stateKey = (values: readonly unknown[]): string => JSON.stringify(values.map(canon));

const fc = String.fromCharCode;
const scratch = new DataView(new ArrayBuffer(8));
const NULL = "\u0000";

function varint(n: number): string {
  let s = "";
  while (n >= 0x80) {
    s += fc((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  return s + fc(n);
}

const int32 = (x: number): string => fc(1, x & 255, (x >>> 8) & 255, (x >>> 16) & 255, (x >>> 24) & 255);
const int64 = (lo: number, hi: number): string => fc(1, lo & 255, (lo >>> 8) & 255, (lo >>> 16) & 255, (lo >>> 24) & 255, hi & 255, (hi >>> 8) & 255, (hi >>> 16) & 255, (hi >>> 24) & 255);

function float64(x: number): string {
  scratch.setFloat64(0, x !== x ? NaN : x === 0 ? 0 : x, true);
  return int64(scratch.getInt32(0, true), scratch.getInt32(4, true));
}

function float32(x: number): string {
  scratch.setFloat32(0, x !== x ? NaN : x === 0 ? 0 : x, true);
  return int32(scratch.getInt32(0, true));
}

function bigint64(x: bigint): string {
  scratch.setBigInt64(0, x, true);
  return int64(scratch.getInt32(0, true), scratch.getInt32(4, true));
}

/** String.prototype.isWellFormed (ES2024, in Node 20; the ES2023 lib this project compiles against lacks it). */
const isWellFormed = (String.prototype as unknown as { isWellFormed(this: string): boolean }).isWellFormed;

function string(s: string): string {
  if (isWellFormed.call(s)) return "\u0001" + varint(s.length) + s;
  let out = "\u0002" + varint(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out += fc(c & 255, c >>> 8);
  }
  return out;
}

function bytes(b: Uint8Array): string {
  return "\u0001" + varint(b.length) + Buffer.from(b.buffer, b.byteOffset, b.length).toString("latin1");
}

/** The binary form of one engine value of type `t`, null flag included. */
function encodeValue(t: DataType, v: unknown): string {
  if (v === null || v === undefined) return NULL;
  switch (t.kind) {
    case "boolean":
      return v ? "\u0001\u0001" : "\u0001\u0000";
    case "byte":
    case "short":
    case "int":
    case "date":
    case "year_month_interval":
      return int32(v as number);
    case "float":
      return float32(v as number);
    case "double":
    case "timestamp":
    case "timestamp_ntz":
      return float64(v as number);
    case "bigint":
    case "day_time_interval":
      return bigint64(v as bigint);
    case "decimal":
      return storageOf(t) === "i64" ? bigint64(v as bigint) : string((v as bigint).toString());
    case "string":
      return string(v as string);
    case "binary":
      return bytes(v as Uint8Array);
    case "struct": {
      let s = "\u0001";
      for (const f of t.fields) s += encodeValue(f.type, (v as Record<string, unknown>)[f.name]);
      return s;
    }
    case "array": {
      const a = v as readonly unknown[];
      let s = "\u0001" + varint(a.length);
      for (const x of a) s += encodeValue(t.elementType, x);
      return s;
    }
    case "map": {
      const m = v as ReadonlyMap<unknown, unknown>;
      let s = "\u0001" + varint(m.size);
      for (const [k, x] of m) s += encodeValue(t.keyType, k) + encodeValue(t.valueType, x);
      return s;
    }
    default:
      throw internalError(`No binary state key form for type ${t.kind}`);
  }
}

/** The binary key of engine values of `types` (one per key column): what `stateKeysOf` builds from vectors. */
export function binaryStateKey(types: readonly DataType[], values: readonly unknown[]): string {
  let s = "";
  for (let c = 0; c < types.length; c++) s += encodeValue(types[c]!, values[c]);
  return s;
}

/** The binary piece of a non-null BIGINT column holding `n` (a safe integer ≥ 0): a join row's index. */
export const binaryIndexPiece = (n: number): string => int64(n | 0, Math.floor(n / 4294967296));

/** A column's binary key piece of row i, reading its typed storage directly. */
function columnPiece(v: Vector): (i: number) => string {
  const valid = v.validity;
  const values = v.values;
  const t = v.type;
  let piece: (i: number) => string;
  switch (storageOf(t)) {
    case "bool": {
      const a = values as Uint8Array;
      piece = (i) => (a[i] === 1 ? "\u0001\u0001" : "\u0001\u0000");
      break;
    }
    case "i8":
    case "i16":
    case "i32": {
      const a = values as Int32Array;
      piece = (i) => int32(a[i]!);
      break;
    }
    case "i64": {
      const a = values as BigInt64Array;
      const halves = new Int32Array(a.buffer, a.byteOffset, a.length * 2); // little-endian: lo, hi
      piece = (i) => int64(halves[2 * i]!, halves[2 * i + 1]!);
      break;
    }
    case "f64": {
      const a = values as Float64Array;
      piece = (i) => float64(a[i]!);
      break;
    }
    case "f32": {
      const a = values as Float32Array;
      piece = (i) => float32(a[i]!);
      break;
    }
    case "str": {
      const a = values as string[];
      piece = (i) => string(a[i]!);
      break;
    }
    case "obj":
      return (i) => encodeValue(t, getValue(v, i));
  }
  return valid === null ? piece : (i) => (valid[i] === 1 ? piece(i) : NULL);
}

/**
 * The key of row `i` of the key columns `cols`, in `format`. Bind once per batch; the binary form
 * reads the columns' typed storage, the json form their engine values.
 */
export function stateKeysOf(format: StateKeyFormat, cols: readonly Vector[]): (i: number) => string {
  if (format === "json") return (i) => stateKey(cols.map((c) => getValue(c, i)));
  const pieces = cols.map(columnPiece);
  if (pieces.length === 1) return pieces[0]!;
  if (pieces.length === 2) {
    const [a, b] = pieces as [(i: number) => string, (i: number) => string];
    return (i) => a(i) + b(i);
  }
  return (i) => {
    let s = "";
    for (const p of pieces) s += p(i);
    return s;
  };
}

/** Reads a binary key back into engine values (the state data source shows keys). */
class KeyReader {
  #at = 0;
  constructor(private readonly key: string) {}

  get done(): boolean {
    return this.#at === this.key.length;
  }

  #byte(): number {
    if (this.#at >= this.key.length) throw new Error("the key ends early");
    const c = this.key.charCodeAt(this.#at++);
    if (c > 255) throw new Error("a byte above 255");
    return c;
  }

  #varint(): number {
    let n = 0;
    for (let shift = 0; ; shift += 7) {
      const b = this.#byte();
      n += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return n;
    }
  }

  #int32(): number {
    return this.#byte() | (this.#byte() << 8) | (this.#byte() << 16) | (this.#byte() << 24);
  }

  #int64(): void {
    scratch.setInt32(0, this.#int32(), true);
    scratch.setInt32(4, this.#int32(), true);
  }

  #chars(n: number): string {
    if (this.#at + n > this.key.length) throw new Error("the key ends early");
    const s = this.key.slice(this.#at, this.#at + n);
    this.#at += n;
    return s;
  }

  #string(flag: number): string {
    const n = this.#varint();
    if (flag === 1) return this.#chars(n);
    let s = "";
    for (let i = 0; i < n; i++) s += fc(this.#byte() | (this.#byte() << 8));
    return s;
  }

  value(t: DataType): unknown {
    const flag = this.#byte();
    if (flag === 0) return null;
    if (flag === 2 && t.kind === "string") return this.#string(2);
    if (flag !== 1) throw new Error(`unexpected flag ${flag}`);
    switch (t.kind) {
      case "boolean":
        return this.#byte() === 1;
      case "byte":
      case "short":
      case "int":
      case "date":
      case "year_month_interval":
        return this.#int32();
      case "float":
        scratch.setInt32(0, this.#int32(), true);
        return scratch.getFloat32(0, true);
      case "double":
      case "timestamp":
      case "timestamp_ntz":
        this.#int64();
        return scratch.getFloat64(0, true);
      case "bigint":
      case "day_time_interval":
        this.#int64();
        return scratch.getBigInt64(0, true);
      case "decimal":
        if (storageOf(t) === "obj") return BigInt(this.#string(1));
        this.#int64();
        return scratch.getBigInt64(0, true);
      case "string":
        return this.#string(1);
      case "binary":
        return new Uint8Array(Buffer.from(this.#chars(this.#varint()), "latin1"));
      case "struct": {
        const out: Record<string, unknown> = {};
        for (const f of t.fields) out[f.name] = this.value(f.type);
        return out;
      }
      case "array":
        return Array.from({ length: this.#varint() }, () => this.value(t.elementType));
      case "map": {
        const n = this.#varint();
        const m = new Map<unknown, unknown>();
        for (let i = 0; i < n; i++) m.set(this.value(t.keyType), this.value(t.valueType));
        return m;
      }
      default:
        throw new Error(`no binary form for type ${t.kind}`);
    }
  }
}

/** Whether `key` is in the binary format (a json key starts with `[`). */
export const isBinaryStateKey = (key: string): boolean => !key.startsWith("[");

/** The engine values of a binary key of `types`; throws (with what is wrong) when it is not one. */
export function decodeBinaryStateKey(key: string, types: readonly DataType[]): unknown[] {
  const r = new KeyReader(key);
  const values = types.map((t) => r.value(t));
  if (!r.done) throw new Error("bytes are left after the last key column");
  return values;
}
