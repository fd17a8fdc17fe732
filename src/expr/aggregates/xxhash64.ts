/**
 * XXH64 (Yann Collet's xxHash, 64-bit) in 32-bit halves, and Spark's way of hashing engine values
 * with it (XxHash64Function, seed 42 for approx_count_distinct): int, date and boolean (1/0) as 4
 * bytes; bigint, timestamp and decimal (unscaled) as 8 bytes; float/double by their IEEE bits with
 * -0.0 folded into 0.0 and one NaN; strings as UTF-8; arrays and structs chain the seed through
 * their non-null elements. Checked against PySpark's xxhash64(). 64-bit arithmetic uses two
 * uint32 numbers (hi, lo) to avoid BigInt on the hot path.
 */
import { internalError } from "../../common/errors.js";
import type { DataType } from "../../types/data-type.js";

/** A mutable unsigned 64-bit value as two uint32 halves. */
export class U64 {
  constructor(
    public hi = 0,
    public lo = 0,
  ) {}
  set(hi: number, lo: number): this {
    this.hi = hi >>> 0;
    this.lo = lo >>> 0;
    return this;
  }
  copy(o: U64): this {
    return this.set(o.hi, o.lo);
  }
  add(o: U64): this {
    const lo = this.lo + o.lo;
    this.hi = (this.hi + o.hi + (lo > 0xffffffff ? 1 : 0)) >>> 0;
    this.lo = lo >>> 0;
    return this;
  }
  xor(o: U64): this {
    this.hi = (this.hi ^ o.hi) >>> 0;
    this.lo = (this.lo ^ o.lo) >>> 0;
    return this;
  }
  mul(o: U64): this {
    const al = this.lo;
    const bl = o.lo;
    const a0 = al & 0xffff;
    const a1 = al >>> 16;
    const b0 = bl & 0xffff;
    const b1 = bl >>> 16;
    const mid = a0 * b1 + a1 * b0;
    const low = a0 * b0 + (mid % 65536) * 65536;
    const carry = Math.floor(low / 4294967296);
    const hi = a1 * b1 + Math.floor(mid / 65536) + carry;
    this.hi = (hi + Math.imul(this.hi, bl) + Math.imul(al, o.hi)) >>> 0;
    this.lo = low >>> 0;
    return this;
  }
  /** Rotate left by 0 < r < 32. */
  rotl(r: number): this {
    const hi = (this.hi << r) | (this.lo >>> (32 - r));
    const lo = (this.lo << r) | (this.hi >>> (32 - r));
    this.hi = hi >>> 0;
    this.lo = lo >>> 0;
    return this;
  }
  /** this ^= this >>> n, for 32 <= n < 64 (the avalanche shifts 33, 32) or 0 < n < 32 (29). */
  xorShiftRight(n: number): this {
    if (n >= 32) {
      this.lo = (this.lo ^ (this.hi >>> (n - 32))) >>> 0;
    } else {
      const lo = (this.lo >>> n) | (this.hi << (32 - n));
      this.lo = (this.lo ^ lo) >>> 0;
      this.hi = (this.hi ^ (this.hi >>> n)) >>> 0;
    }
    return this;
  }
  /** The signed value (as Spark's LongType shows it), for tests and display. */
  toBigInt(): bigint {
    return BigInt.asIntN(64, (BigInt(this.hi) << 32n) | BigInt(this.lo));
  }
}

const P1 = new U64(0x9e3779b1, 0x85ebca87);
const P2 = new U64(0xc2b2ae3d, 0x27d4eb4f);
const P3 = new U64(0x165667b1, 0x9e3779f9);
const P4 = new U64(0x85ebca77, 0xc2b2ae63);
const P5 = new U64(0x27d4eb2f, 0x165667c5);
const NEG_P1 = new U64(~P1.hi, ~P1.lo).add(new U64(0, 1));

const t1 = new U64();
const t2 = new U64();

function round(acc: U64, input: U64): U64 {
  return acc.add(t2.copy(input).mul(P2)).rotl(31).mul(P1);
}

function avalanche(h: U64): U64 {
  return h.xorShiftRight(33).mul(P2).xorShiftRight(29).mul(P3).xorShiftRight(32);
}

/** h ^= round(0, k); h = rotl(h, 27) * P1 + P4 */
function mix8(h: U64, khi: number, klo: number): void {
  t1.set(0, 0);
  round(t1, new U64(khi, klo));
  h.xor(t1).rotl(27).mul(P1).add(P4);
}

/** h ^= k * P1; h = rotl(h, 23) * P2 + P3 */
function mix4(h: U64, k: number): void {
  t1.set(0, k).mul(P1);
  h.xor(t1).rotl(23).mul(P2).add(P3);
}

/** XXH64 of a 4-byte little-endian int (Spark's hashInt); result written into `out`. */
export function hashInt(k: number, seed: U64, out: U64): U64 {
  out.copy(seed).add(P5).add(t1.set(0, 4));
  mix4(out, k >>> 0);
  return avalanche(out);
}

/** XXH64 of an 8-byte little-endian long given as halves (Spark's hashLong). */
export function hashLong(hi: number, lo: number, seed: U64, out: U64): U64 {
  out.copy(seed).add(P5).add(t1.set(0, 8));
  mix8(out, hi >>> 0, lo >>> 0);
  return avalanche(out);
}

const u32 = (b: Uint8Array, i: number): number => (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) >>> 0;

/** XXH64 of bytes[0..len). */
export function hashBytes(b: Uint8Array, len: number, seed: U64, out: U64): U64 {
  let i = 0;
  if (len >= 32) {
    const v1 = new U64().copy(seed).add(P1).add(P2);
    const v2 = new U64().copy(seed).add(P2);
    const v3 = new U64().copy(seed);
    const v4 = new U64().copy(seed).add(NEG_P1);
    const k = new U64();
    for (; i + 32 <= len; i += 32) {
      round(v1, k.set(u32(b, i + 4), u32(b, i)));
      round(v2, k.set(u32(b, i + 12), u32(b, i + 8)));
      round(v3, k.set(u32(b, i + 20), u32(b, i + 16)));
      round(v4, k.set(u32(b, i + 28), u32(b, i + 24)));
    }
    out.copy(v1).rotl(1).add(t1.copy(v2).rotl(7)).add(t1.copy(v3).rotl(12)).add(t1.copy(v4).rotl(18));
    for (const v of [v1, v2, v3, v4]) {
      const r = round(new U64(), v);
      out.xor(r).mul(P1).add(P4);
    }
  } else out.copy(seed).add(P5);
  out.add(t1.set(Math.floor(len / 4294967296), len));
  for (; i + 8 <= len; i += 8) mix8(out, u32(b, i + 4), u32(b, i));
  if (i + 4 <= len) {
    mix4(out, u32(b, i));
    i += 4;
  }
  for (; i < len; i++) {
    t1.set(0, b[i]!).mul(P5);
    out.xor(t1).rotl(11).mul(P1);
  }
  return avalanche(out);
}

const f64 = new Float64Array(1);
const f64Words = new Uint32Array(f64.buffer);
const f32 = new Float32Array(1);
const f32Word = new Uint32Array(f32.buffer);
const encoder = new TextEncoder();
let scratch = new Uint8Array(256);

function hashNumberAsLong(v: number, seed: U64, out: U64): U64 {
  const lo = ((v % 4294967296) + 4294967296) % 4294967296;
  return hashLong(Math.floor(v / 4294967296), lo, seed, out);
}

/**
 * Spark's XXH64 of one non-null engine value of type `t` with `seed`, into `out`
 * (`out` may be the same object as `seed`).
 */
export function hashValue(t: DataType, v: unknown, seed: U64, out: U64): U64 {
  switch (t.kind) {
    case "byte":
    case "short":
    case "int":
    case "date":
    case "year_month_interval":
      return hashInt(v as number, seed, out);
    case "boolean":
      return hashInt(v === true || v === 1 ? 1 : 0, seed, out);
    case "bigint":
    case "day_time_interval": {
      const x = BigInt(v as bigint | number);
      return hashLong(Number(BigInt.asIntN(32, x >> 32n)), Number(x & 0xffffffffn), seed, out);
    }
    case "timestamp":
    case "timestamp_ntz":
      return hashNumberAsLong(v as number, seed, out);
    case "decimal": {
      // the unscaled bigint: one long when it fits (every DECIMAL(p ≤ 18)), else its 64-bit words chained
      let x = BigInt(v as bigint);
      let h = seed;
      while (x < -(2n ** 63n) || x >= 2n ** 63n) {
        const lo = BigInt.asIntN(64, x);
        h = hashLong(Number(BigInt.asIntN(32, lo >> 32n)), Number(lo & 0xffffffffn), h, out);
        x >>= 64n;
      }
      return hashLong(Number(BigInt.asIntN(32, x >> 32n)), Number(x & 0xffffffffn), h, out);
    }
    case "double": {
      const d = v as number;
      f64[0] = d === 0 ? 0 : d;
      if (d !== d) return hashLong(0x7ff80000, 0, seed, out);
      return hashLong(f64Words[1]!, f64Words[0]!, seed, out);
    }
    case "float": {
      const d = v as number;
      f32[0] = d === 0 ? 0 : d;
      return hashInt(d !== d ? 0x7fc00000 : f32Word[0]!, seed, out);
    }
    case "string": {
      const s = v as string;
      if (scratch.length < s.length * 3) scratch = new Uint8Array(s.length * 3);
      const { written } = encoder.encodeInto(s, scratch);
      return hashBytes(scratch, written, seed, out);
    }
    case "binary":
      return hashBytes(v as Uint8Array, (v as Uint8Array).length, seed, out);
    case "variant":
      throw internalError("VARIANT values are never hashed: grouping, joins, dedup and hash() refuse them at analysis");
    case "array": {
      const acc = new U64().copy(seed);
      for (const e of v as unknown[]) if (e !== null && e !== undefined) hashValue(t.elementType, e, acc, acc);
      return out.copy(acc);
    }
    case "struct": {
      const acc = new U64().copy(seed);
      const o = v as Record<string, unknown>;
      for (const f of t.fields) {
        const e = o[f.name];
        if (e !== null && e !== undefined) hashValue(f.type, e, acc, acc);
      }
      return out.copy(acc);
    }
    case "map": {
      const acc = new U64().copy(seed);
      for (const [k, x] of v as Map<unknown, unknown>) {
        hashValue(t.keyType, k, acc, acc);
        if (x !== null && x !== undefined) hashValue(t.valueType, x, acc, acc);
      }
      return out.copy(acc);
    }
    case "null":
      return out.copy(seed);
  }
}
