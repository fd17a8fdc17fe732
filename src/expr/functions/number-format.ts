/**
 * Number ↔ text: format_number (grouped with commas, HALF_EVEN like Java's DecimalFormat),
 * conv (base conversion on unsigned 64-bit values, as Spark's NumberConverter), bin.
 */
import { type DataType, IntegerType, LongType, StringType } from "../../types/data-type.js";
import type { ArgInfo, EvalContext, ResolvedSignature, ScalarFunction } from "../function-types.js";
import { checkArity, define, mapRows, typeMismatch } from "./kernel.js";

const NUMERIC = ["byte", "short", "int", "bigint", "double", "float", "decimal", "null"];

/** The exact decimal digits of a decimal (unscaled at `scale`) or a double rounded HALF_EVEN to `d` places. */
function roundedText(x: number | bigint, t: DataType, d: number): string {
  if (t.kind === "decimal") {
    const neg = x < 0;
    let digits = typeof x === "bigint" ? (x < 0n ? -x : x) : BigInt(Math.round(Math.abs(x)));
    let scale = t.scale;
    if (scale > d) {
      const div = 10n ** BigInt(scale - d);
      const q = digits / div;
      const r = digits % div;
      const twice = r * 2n;
      digits = twice > div || (twice === div && q % 2n === 1n) ? q + 1n : q;
      scale = d;
    }
    const s = digits.toString().padStart(scale + 1, "0");
    const whole = scale === 0 ? s : `${s.slice(0, -scale)}.${s.slice(-scale)}`;
    const padded = scale < d ? (scale === 0 ? `${whole}.` : whole) + "0".repeat(d - scale) : whole;
    return neg && /[1-9]/.test(padded) ? "-" + padded : padded;
  }
  x = x as number;
  const m = x * 10 ** d;
  if (Number.isFinite(m) && Math.abs(m) < 2 ** 52 && Number.isInteger(m * 2) && !Number.isInteger(m)) {
    const f = Math.floor(m);
    const even = f % 2 === 0 ? f : f + 1;
    return (even / 10 ** d).toFixed(d);
  }
  const r = x.toFixed(d);
  return /^-0(\.0*)?$/.test(r) ? r.slice(1) : r;
}

function group(text: string): string {
  const neg = text.startsWith("-");
  const [int, frac] = (neg ? text.slice(1) : text).split(".");
  const g = int!.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return (neg ? "-" : "") + g + (frac !== undefined ? "." + frac : "");
}

/** conv: digits of `s` in base |from| (up to the first invalid one), printed in base |to|; negative `to` prints signed. */
export function conv(s: string, from: number, to: number): string | null {
  const fb = Math.abs(from);
  const tb = Math.abs(to);
  if (fb < 2 || fb > 36 || tb < 2 || tb > 36) return null;
  let t = s.trim();
  const neg = t.startsWith("-");
  if (neg) t = t.slice(1);
  let v = 0n;
  const mask = (1n << 64n) - 1n;
  for (const ch of t.toLowerCase()) {
    const dgt = parseInt(ch, 36);
    if (Number.isNaN(dgt) || dgt >= fb) break;
    v = (v * BigInt(fb) + BigInt(dgt)) & mask;
  }
  if (neg) v = (-v) & mask;
  if (to < 0) {
    const signed = BigInt.asIntN(64, v);
    return (signed < 0n ? "-" + (-signed).toString(tb) : signed.toString(tb)).toUpperCase();
  }
  return v.toString(tb).toUpperCase();
}

function resolveFormatNumber(args: readonly ArgInfo[], _ctx: EvalContext, name: string): ResolvedSignature {
  checkArity(name, args, 2);
  if (!NUMERIC.includes(args[0]!.type.kind)) typeMismatch(name, 0, args[0]!.type, "a numeric type");
  const k = args[1]!.type.kind;
  if (!["byte", "short", "int", "bigint", "null", "string"].includes(k)) typeMismatch(name, 1, args[1]!.type, "INT or STRING");
  const t0 = args[0]!.type.kind === "decimal" ? args[0]!.type : { kind: "double" as const };
  return { argTypes: [t0, k === "string" ? StringType : IntegerType], returnType: StringType };
}

export const numberFormatFunctions: ScalarFunction[] = [
  ...define("format_number", resolveFormatNumber, (args, argExprs) => {
    const t = argExprs[0]!.type;
    return mapRows(args, StringType, ([x, f]) => {
      if (typeof f === "string") {
        // a DecimalFormat pattern: use its fraction digits and whether it groups
        const frac = f.includes(".") ? f.length - f.indexOf(".") - 1 : 0;
        const text = roundedText(x as number | bigint, t, frac);
        return f.includes(",") ? group(text) : text;
      }
      const d = f as number;
      return d < 0 ? null : group(roundedText(x as number | bigint, t, d));
    });
  }),
  ...define("conv", (args, _c, name) => {
    checkArity(name, args, 3);
    if (["array", "map", "struct"].includes(args[0]!.type.kind)) typeMismatch(name, 0, args[0]!.type, "STRING");
    args.slice(1).forEach((a, i) => ["int", "bigint", "null"].includes(a.type.kind) || typeMismatch(name, i + 1, a.type, "INT"));
    return { argTypes: [StringType, IntegerType, IntegerType], returnType: StringType };
  }, (args) => mapRows(args, StringType, ([s, f, t]) => conv(s as string, f as number, t as number))),
  ...define("bin", (args, _c, name) => {
    checkArity(name, args, 1);
    if (!NUMERIC.includes(args[0]!.type.kind) && args[0]!.type.kind !== "string") typeMismatch(name, 0, args[0]!.type, "BIGINT");
    return { argTypes: [LongType], returnType: StringType };
  }, (args) => mapRows(args, StringType, ([x]) => BigInt.asUintN(64, BigInt(x as number)).toString(2))),
];
