/**
 * hash (Murmur3 x86_32, seed 42) and xxhash64 (XXH64, seed 42) over Spark's value encoding, so the
 * results equal Spark's: ints/dates/booleans hash as 4-byte ints, bigints/timestamps as 8-byte
 * longs, doubles as their IEEE bits (-0.0 as 0.0), floats as float bits, strings/binary as their
 * UTF-8 bytes (Spark's own tail handling for Murmur3), arrays and structs element by element with
 * the running hash as seed; nulls leave the hash unchanged. Also md5, sha1, sha2, crc32.
 */
import { createHash } from "node:crypto";
import * as zlib from "node:zlib";
import { makeVector } from "../../columnar/vector.js";
import { BinaryType, type DataType, IntegerType, LongType, StringType } from "../../types/data-type.js";
import { analysisError } from "../../common/errors.js";
import type { ArgInfo, CompiledExpr, EvalContext, ResolvedSignature, ScalarFunction } from "../function-types.js";
import { checkArity, define, mapRows, typeMismatch, valueAt } from "./kernel.js";

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;
const utf8 = new TextEncoder();
const f64 = new Float64Array(1);
const f32 = new Float32Array(1);
const i32of64 = new Int32Array(f64.buffer);
const i32of32 = new Int32Array(f32.buffer);

const mixK1 = (k: number) => Math.imul((Math.imul(k, C1) << 15) | (Math.imul(k, C1) >>> 17), C2);
function mixH1(h: number, k: number): number {
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}
function fmix32(h: number, len: number): number {
  h ^= len;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}
export const murmurInt = (x: number, seed: number): number => fmix32(mixH1(seed, mixK1(x | 0)), 4);
export function murmurLongParts(lo: number, hi: number, seed: number): number {
  return fmix32(mixH1(mixH1(seed, mixK1(lo)), mixK1(hi)), 8);
}
export function murmurLong(x: number | bigint, seed: number): number {
  const b = BigInt.asUintN(64, BigInt(x));
  return murmurLongParts(Number(b & 0xffffffffn) | 0, Number(b >> 32n) | 0, seed);
}
/** Over the first `length` bytes of `b` (all of them by default; lets a caller reuse one buffer). */
export function murmurBytes(b: Uint8Array, seed: number, length = b.length): number {
  let h = seed;
  const aligned = length - (length % 4);
  for (let i = 0; i < aligned; i += 4) h = mixH1(h, mixK1(b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)));
  for (let i = aligned; i < length; i++) h = mixH1(h, mixK1((b[i]! << 24) >> 24));
  return fmix32(h, length);
}

/** Spark's Murmur3 hash of one engine value, continuing from `seed`. */
export function murmurValue(t: DataType, v: unknown, seed: number): number {
  if (v === null || v === undefined) return seed;
  switch (t.kind) {
    case "boolean":
      return murmurInt(v ? 1 : 0, seed);
    case "byte":
    case "short":
    case "int":
    case "date":
      return murmurInt(v as number, seed);
    case "bigint":
    case "timestamp":
    case "timestamp_ntz":
      return murmurLong(v as number | bigint, seed);
    case "decimal":
      if (t.precision <= 18) return murmurLong(v as number, seed);
      return murmurBytes(bigIntBytes(BigInt(v as number)), seed);
    case "float":
      f32[0] = (v as number) === 0 ? 0 : (v as number);
      return murmurInt(Number.isNaN(v) ? 0x7fc00000 : i32of32[0]!, seed);
    case "double":
      f64[0] = (v as number) === 0 ? 0 : (v as number);
      if (Number.isNaN(v)) return murmurLongParts(0, 0x7ff80000, seed);
      return murmurLongParts(i32of64[0]!, i32of64[1]!, seed);
    case "string":
      return murmurBytes(utf8.encode(v as string), seed);
    case "binary":
      return murmurBytes(v as Uint8Array, seed);
    case "array": {
      let h = seed;
      for (const e of v as unknown[]) h = murmurValue(t.elementType, e, h);
      return h;
    }
    case "struct": {
      let h = seed;
      for (const f of t.fields) h = murmurValue(f.type, (v as Record<string, unknown>)[f.name], h);
      return h;
    }
    default:
      return seed;
  }
}

/** Java BigInteger.toByteArray (two's complement, big-endian, minimal). */
function bigIntBytes(x: bigint): Uint8Array {
  let hex = BigInt.asUintN(Math.max(8, (x < 0n ? -x : x).toString(2).length + 1 + 7) & ~7, x).toString(16);
  if (hex.length % 2) hex = "0" + hex;
  const bytes = Uint8Array.from(hex.match(/../g)!.map((h) => parseInt(h, 16)));
  let s = 0;
  while (s < bytes.length - 1 && ((bytes[s] === 0 && bytes[s + 1]! < 0x80) || (bytes[s] === 0xff && bytes[s + 1]! >= 0x80))) s++;
  return bytes.subarray(s);
}

// ---- XXH64 ----
const M64 = (1n << 64n) - 1n;
const P1 = 0x9e3779b185ebca87n;
const P2 = 0xc2b2ae3d27d4eb4fn;
const P3 = 0x165667b19e3779f9n;
const P4 = 0x85ebca77c2b2ae63n;
const P5 = 0x27d4eb2f165667c5n;
const rotl = (x: bigint, r: bigint) => ((x << r) | (x >> (64n - r))) & M64;
const mul = (a: bigint, b: bigint) => (a * b) & M64;
function fmix64(h: bigint): bigint {
  h ^= h >> 33n;
  h = mul(h, P2);
  h ^= h >> 29n;
  h = mul(h, P3);
  return h ^ (h >> 32n);
}
export function xxInt(x: number, seed: bigint): bigint {
  let h = (seed + P5 + 4n) & M64;
  h ^= mul(BigInt(x >>> 0), P1);
  h = (mul(rotl(h, 23n), P2) + P3) & M64;
  return fmix64(h);
}
export function xxLong(x: bigint, seed: bigint): bigint {
  let h = (seed + P5 + 8n) & M64;
  h ^= mul(rotl(mul(BigInt.asUintN(64, x), P2), 31n), P1);
  h = (mul(rotl(h, 27n), P1) + P4) & M64;
  return fmix64(h);
}
export function xxBytes(b: Uint8Array, seed: bigint): bigint {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const n = b.length;
  let i = 0;
  let h: bigint;
  const round = (acc: bigint, input: bigint) => mul(rotl((acc + mul(input, P2)) & M64, 31n), P1);
  if (n >= 32) {
    let v1 = (seed + P1 + P2) & M64;
    let v2 = (seed + P2) & M64;
    let v3 = seed & M64;
    let v4 = (seed - P1) & M64;
    while (i <= n - 32) {
      v1 = round(v1, dv.getBigUint64(i, true));
      v2 = round(v2, dv.getBigUint64(i + 8, true));
      v3 = round(v3, dv.getBigUint64(i + 16, true));
      v4 = round(v4, dv.getBigUint64(i + 24, true));
      i += 32;
    }
    h = (rotl(v1, 1n) + rotl(v2, 7n) + rotl(v3, 12n) + rotl(v4, 18n)) & M64;
    for (const v of [v1, v2, v3, v4]) {
      h ^= round(0n, v);
      h = (mul(h, P1) + P4) & M64;
    }
  } else h = (seed + P5) & M64;
  h = (h + BigInt(n)) & M64;
  while (i <= n - 8) {
    h ^= round(0n, dv.getBigUint64(i, true));
    h = (mul(rotl(h, 27n), P1) + P4) & M64;
    i += 8;
  }
  if (i <= n - 4) {
    h ^= mul(BigInt(dv.getUint32(i, true)), P1);
    h = (mul(rotl(h, 23n), P2) + P3) & M64;
    i += 4;
  }
  while (i < n) {
    h ^= mul(BigInt(b[i]!), P5);
    h = mul(rotl(h, 11n), P1);
    i++;
  }
  return fmix64(h);
}

/** Spark's xxhash64 of one engine value, continuing from `seed` (unsigned 64-bit BigInt). */
export function xxValue(t: DataType, v: unknown, seed: bigint): bigint {
  if (v === null || v === undefined) return seed;
  switch (t.kind) {
    case "boolean":
      return xxInt(v ? 1 : 0, seed);
    case "byte":
    case "short":
    case "int":
    case "date":
      return xxInt(v as number, seed);
    case "bigint":
    case "timestamp":
    case "timestamp_ntz":
      return xxLong(BigInt(v as number | bigint), seed);
    case "decimal":
      return t.precision <= 18 ? xxLong(BigInt(v as number), seed) : xxBytes(bigIntBytes(BigInt(v as number)), seed);
    case "float":
      f32[0] = (v as number) === 0 ? 0 : (v as number);
      return xxInt(Number.isNaN(v) ? 0x7fc00000 : i32of32[0]!, seed);
    case "double": {
      f64[0] = (v as number) === 0 ? 0 : (v as number);
      const bits = Number.isNaN(v) ? 0x7ff8000000000000n : new BigUint64Array(f64.buffer)[0]!;
      return xxLong(bits, seed);
    }
    case "string":
      return xxBytes(utf8.encode(v as string), seed);
    case "binary":
      return xxBytes(v as Uint8Array, seed);
    case "array": {
      let h = seed;
      for (const e of v as unknown[]) h = xxValue(t.elementType, e, h);
      return h;
    }
    case "struct": {
      let h = seed;
      for (const f of t.fields) h = xxValue(f.type, (v as Record<string, unknown>)[f.name], h);
      return h;
    }
    default:
      return seed;
  }
}

const hasMap = (t: DataType): boolean =>
  t.kind === "map" || (t.kind === "array" && hasMap(t.elementType)) || (t.kind === "struct" && t.fields.some((f) => hasMap(f.type)));

function resolveHash(args: readonly ArgInfo[], _ctx: EvalContext, name: string): ResolvedSignature {
  checkArity(name, args, 1, Infinity);
  args.forEach((a) => {
    if (hasMap(a.type))
      throw analysisError(
        "DATATYPE_MISMATCH.HASH_MAP_TYPE",
        `Input to the function \`${name}\` cannot contain elements of the "MAP" type: equal maps may hash differently. Hash map_entries or to_json of the map instead.`,
        { function: name },
      );
  });
  return { argTypes: args.map((a) => a.type), returnType: name === "hash" ? IntegerType : LongType, nullable: false };
}

function compileHash(args: readonly CompiledExpr[], argExprs: readonly import("../resolved-expr.js").RExpr[], rt: DataType, _ctx: EvalContext, name: string): CompiledExpr {
  const types = argExprs.map((e) => e.type);
  return (batch) => {
    const vs = args.map((a) => a(batch));
    const n = batch.numRows;
    if (name === "hash") {
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        let h = 42;
        for (let k = 0; k < vs.length; k++) h = murmurValue(types[k]!, valueAt(vs[k]!, i), h);
        out[i] = h;
      }
      return makeVector(rt, out, null);
    }
    const out = new BigInt64Array(n);
    for (let i = 0; i < n; i++) {
      let h = 42n;
      for (let k = 0; k < vs.length; k++) h = xxValue(types[k]!, valueAt(vs[k]!, i), h);
      out[i] = BigInt.asIntN(64, h);
    }
    return makeVector(rt, out, null);
  };
}

function resolveDigest(args: readonly ArgInfo[], _ctx: EvalContext, name: string): ResolvedSignature {
  checkArity(name, args, 1, name === "sha2" ? 2 : 1);
  if (!["string", "binary", "null"].includes(args[0]!.type.kind)) typeMismatch(name, 0, args[0]!.type, "BINARY or STRING");
  return { argTypes: name === "sha2" ? [BinaryType, IntegerType] : [BinaryType], returnType: name === "crc32" ? LongType : StringType };
}

const SHA2: Readonly<Record<number, string>> = { 0: "sha256", 224: "sha224", 256: "sha256", 384: "sha384", 512: "sha512" };

function crc32(b: Uint8Array): number {
  const z = zlib as unknown as { crc32?: (d: Uint8Array) => number };
  if (z.crc32) return z.crc32(b);
  let c = ~0;
  for (const x of b) {
    c ^= x;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

export const hashFunctions: ScalarFunction[] = [
  ...define(["hash", "xxhash64"], resolveHash, compileHash),
  ...define(["md5", "sha1", "sha", "sha2", "crc32"], resolveDigest, (args, _e, rt, _ctx, name) =>
    mapRows(args, rt, ([b, bits]) => {
      const data = b as Uint8Array;
      if (name === "crc32") return crc32(data);
      const alg = name === "md5" ? "md5" : name === "sha2" ? SHA2[bits as number] : "sha1";
      if (alg === undefined) return null;
      return createHash(alg).update(data).digest("hex");
    }),
  ),
];
