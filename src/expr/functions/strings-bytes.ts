/**
 * String functions that work on characters by position or on bytes: left, right, ascii, chr/char,
 * split_part, octet_length, bit_length, base64/unbase64, hex/unhex, encode/decode. Binary values
 * are Uint8Arrays. Strings passed where Spark takes BINARY are cast to their UTF-8 bytes by the
 * analyzer (the resolver asks for BINARY).
 */
import { executionError } from "../../common/errors.js";
import { BinaryType, type DataType, IntegerType, LongType, StringType } from "../../types/data-type.js";
import type { ArgInfo, EvalContext, ResolvedSignature, ScalarFunction } from "../function-types.js";
import { checkArity, define, mapRows, typeMismatch } from "./kernel.js";
import { substringSQL } from "./strings.js";

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder("utf-8");

const STRINGISH = ["string", "null", "int", "bigint", "double", "float", "decimal", "date", "timestamp", "boolean"];

function strArg(name: string, a: ArgInfo, i: number): DataType {
  return STRINGISH.includes(a.type.kind) ? StringType : typeMismatch(name, i, a.type, "STRING");
}
function numArg(name: string, a: ArgInfo, i: number, t: DataType = IntegerType): DataType {
  return ["int", "bigint", "null", "decimal", "double", "float", "string"].includes(a.type.kind) ? t : typeMismatch(name, i, a.type, "INT");
}
/** BINARY for binary and string arguments (a string becomes its UTF-8 bytes). */
function bytesArg(name: string, a: ArgInfo, i: number): DataType {
  return ["binary", "string", "null"].includes(a.type.kind) ? BinaryType : typeMismatch(name, i, a.type, "BINARY");
}

const indexZero = () =>
  executionError("INVALID_INDEX_OF_ZERO", "The index 0 is invalid. An index shall be either < 0 or > 0 (the first element has index 1).");

/** Spark's split_part: split on the literal delimiter, 1-based part (negative from the end), '' when out of range. */
export function splitPart(s: string, delim: string, part: number): string {
  if (part === 0) throw indexZero();
  const parts = delim === "" ? [s] : s.split(delim);
  const idx = part > 0 ? part - 1 : parts.length + part;
  return idx >= 0 && idx < parts.length ? parts[idx]! : "";
}

/** chr(n): '' for negative n, otherwise the character (n mod 256), as Spark's Chr. */
export function chr(n: number): string {
  if (n < 0) return "";
  return String.fromCharCode(Number(BigInt.asUintN(64, BigInt(Math.trunc(n))) & 255n));
}

const HEX = "0123456789ABCDEF";
function hexOfBytes(b: Uint8Array): string {
  let out = "";
  for (const x of b) out += HEX[x >> 4]! + HEX[x & 15]!;
  return out;
}

/** unhex: two hex digits per byte (odd length gets a leading 0); null for any non-hex digit. */
export function unhex(s: string): Uint8Array | null {
  const t = s.length % 2 === 1 ? "0" + s : s;
  if (!/^[0-9a-fA-F]*$/.test(t)) return null;
  const out = new Uint8Array(t.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(t.slice(2 * i, 2 * i + 2), 16);
  return out;
}

const CHARSETS: Readonly<Record<string, BufferEncoding>> = {
  "utf-8": "utf8", utf8: "utf8", "us-ascii": "ascii", "iso-8859-1": "latin1", "utf-16le": "utf16le",
};

function charset(name: string): BufferEncoding | "utf16be" | "utf16" {
  const c = name.trim().toLowerCase();
  if (c === "utf-16be") return "utf16be";
  if (c === "utf-16") return "utf16";
  const enc = CHARSETS[c];
  if (enc === undefined) {
    throw executionError(
      "INVALID_PARAMETER_VALUE.CHARSET",
      `The value of parameter \`charset\` is invalid: expects one of 'US-ASCII', 'ISO-8859-1', 'UTF-8', 'UTF-16BE', 'UTF-16LE', 'UTF-16', but got '${name}'.`,
      { charset: name },
    );
  }
  return enc;
}

function encodeText(s: string, cs: string): Uint8Array {
  const enc = charset(cs);
  if (enc === "utf8") return utf8.encode(s);
  if (enc === "utf16be" || enc === "utf16") {
    const le = Buffer.from(s, "utf16le");
    const be = Buffer.alloc(le.length + (enc === "utf16" ? 2 : 0));
    let o = 0;
    if (enc === "utf16") {
      be[0] = 0xfe;
      be[1] = 0xff;
      o = 2;
    }
    for (let i = 0; i < le.length; i += 2) {
      be[o + i] = le[i + 1]!;
      be[o + i + 1] = le[i]!;
    }
    return new Uint8Array(be);
  }
  if (enc === "ascii" || enc === "latin1") return new Uint8Array(Buffer.from(Array.from(s, (c) => (c.codePointAt(0)! < (enc === "ascii" ? 128 : 256) ? c : "?")).join(""), "latin1"));
  return new Uint8Array(Buffer.from(s, enc));
}

function decodeBytes(b: Uint8Array, cs: string): string {
  const enc = charset(cs);
  if (enc === "utf8") return utf8Decoder.decode(b);
  if (enc === "utf16be" || enc === "utf16") {
    let start = 0;
    if (enc === "utf16" && b[0] === 0xff && b[1] === 0xfe) return Buffer.from(b.subarray(2)).toString("utf16le");
    if (b[0] === 0xfe && b[1] === 0xff) start = 2;
    const sw = Buffer.from(b.subarray(start));
    sw.swap16();
    return sw.toString("utf16le");
  }
  return Buffer.from(b).toString(enc);
}

function resolveLeftRight(args: readonly ArgInfo[], _ctx: EvalContext, name: string): ResolvedSignature {
  checkArity(name, args, 2);
  return { argTypes: [strArg(name, args[0]!, 0), numArg(name, args[1]!, 1)], returnType: StringType };
}

export const byteStringFunctions: ScalarFunction[] = [
  ...define(["left", "right"], resolveLeftRight, (args, _e, _rt, _ctx, name) =>
    mapRows(args, StringType, ([s, n]) => {
      const k = n as number;
      if (k <= 0) return "";
      return name === "left" ? substringSQL(s as string, 1, k) : substringSQL(s as string, -k, k);
    }),
  ),
  ...define("ascii", (args, _c, name) => (checkArity(name, args, 1), { argTypes: [strArg(name, args[0]!, 0)], returnType: IntegerType }), (args) =>
    mapRows(args, IntegerType, ([s]) => ((s as string).length === 0 ? 0 : (s as string).codePointAt(0)!)),
  ),
  ...define(["chr", "char"], (args, _c, name) => (checkArity(name, args, 1), { argTypes: [numArg(name, args[0]!, 0, LongType)], returnType: StringType }), (args) =>
    mapRows(args, StringType, ([n]) => chr(n as number)),
  ),
  ...define("split_part", (args, _c, name) => {
    checkArity(name, args, 3);
    return { argTypes: [strArg(name, args[0]!, 0), strArg(name, args[1]!, 1), numArg(name, args[2]!, 2)], returnType: StringType };
  }, (args) => mapRows(args, StringType, ([s, d, p]) => splitPart(s as string, d as string, p as number))),
  ...define(["octet_length", "bit_length"], (args, _c, name) => {
    checkArity(name, args, 1);
    const t = args[0]!.type.kind === "binary" ? BinaryType : strArg(name, args[0]!, 0);
    return { argTypes: [t], returnType: IntegerType };
  }, (args, argExprs, _rt, _ctx, name) => {
    const bin = argExprs[0]!.type.kind === "binary";
    const mul = name === "bit_length" ? 8 : 1;
    return mapRows(args, IntegerType, ([x]) => mul * (bin ? (x as Uint8Array).length : Buffer.byteLength(x as string, "utf8")));
  }),
  ...define("base64", (args, _c, name) => (checkArity(name, args, 1), { argTypes: [bytesArg(name, args[0]!, 0)], returnType: StringType }), (args) =>
    mapRows(args, StringType, ([b]) => Buffer.from((b as Uint8Array).buffer, (b as Uint8Array).byteOffset, (b as Uint8Array).byteLength).toString("base64")),
  ),
  ...define("unbase64", (args, _c, name) => (checkArity(name, args, 1), { argTypes: [strArg(name, args[0]!, 0)], returnType: BinaryType }), (args) =>
    mapRows(args, BinaryType, ([s]) => new Uint8Array(Buffer.from(s as string, "base64"))),
  ),
  ...define("hex", (args, _c, name) => {
    checkArity(name, args, 1);
    const k = args[0]!.type.kind;
    const t = k === "binary" ? BinaryType : k === "string" ? StringType : ["byte", "short", "int", "bigint", "null", "decimal", "double", "float"].includes(k) ? LongType : typeMismatch(name, 0, args[0]!.type, "BIGINT, BINARY or STRING");
    return { argTypes: [t], returnType: StringType };
  }, (args, argExprs) => {
    const k = argExprs[0]!.type.kind;
    return mapRows(args, StringType, ([x]) => {
      if (k === "binary") return hexOfBytes(x as Uint8Array);
      if (k === "string") return hexOfBytes(utf8.encode(x as string));
      return BigInt.asUintN(64, BigInt(x as number)).toString(16).toUpperCase();
    });
  }),
  ...define("unhex", (args, _c, name) => (checkArity(name, args, 1), { argTypes: [strArg(name, args[0]!, 0)], returnType: BinaryType }), (args) =>
    mapRows(args, BinaryType, ([s]) => unhex(s as string)),
  ),
  ...define("encode", (args, _c, name) => {
    checkArity(name, args, 2);
    return { argTypes: [strArg(name, args[0]!, 0), strArg(name, args[1]!, 1)], returnType: BinaryType };
  }, (args) => mapRows(args, BinaryType, ([s, cs]) => encodeText(s as string, cs as string))),
  ...define("decode", (args, _c, name) => {
    checkArity(name, args, 2);
    return { argTypes: [bytesArg(name, args[0]!, 0), strArg(name, args[1]!, 1)], returnType: StringType };
  }, (args) => mapRows(args, StringType, ([b, cs]) => decodeBytes(b as Uint8Array, cs as string))),
];
