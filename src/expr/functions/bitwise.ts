/**
 * Bitwise functions with Spark 4.0's types (facts recorded on PySpark 4.0.1, test/parity/cases/bitwise):
 *   - `&`, `|`, `^` (bitwise_and/or/xor) take two integral operands of one type after widening
 *     (TINYINT & TINYINT is TINYINT, TINYINT | SMALLINT is SMALLINT; a STRING operand is read as
 *     BIGINT); `~` (bitwise_not) keeps its operand's integral type; NULL is INT.
 *   - shiftleft / shiftright / shiftrightunsigned: the value is INT or BIGINT (TINYINT, SMALLINT,
 *     STRING and DECIMAL are cast to INT, as Spark's implicit casts do), the count is cast to INT and
 *     taken modulo the width (Java's shift operators).
 *   - bit_count: Long.bitCount of TINYINT/SMALLINT/BIGINT (a negative TINYINT counts its sign
 *     extension to 64 bits), Integer.bitCount of INT, 1/0 for a BOOLEAN.
 *   - bit_get / getbit(x, pos): TINYINT 0/1; pos outside [0, width) is
 *     INVALID_PARAMETER_VALUE.BIT_POSITION_RANGE.
 */
import { executionError } from "../../common/errors.js";
import { ByteType, type DataType, IntegerType, integralBits, isIntegral, LongType } from "../../types/data-type.js";
import type { ArgInfo, EvalContext, ResolvedSignature } from "../function-types.js";
import { checkArity, define, mapRows, typeMismatch } from "./kernel.js";

const INTEGRAL = ["byte", "short", "int", "bigint"];
const RANK: Record<string, number> = { null: 0, byte: 1, short: 2, int: 3, bigint: 4, string: 4 };
const BY_RANK: DataType[] = [IntegerType, ByteType, { kind: "short" }, IntegerType, LongType];
const CAST_TO_INT = ["byte", "short", "int", "null", "string", "decimal", "float", "double"];

/** The operand's value as a signed bigint of its width (a BIGINT kernel argument may be a number). */
const big = (x: unknown): bigint => BigInt(x as number | bigint);

/** A result of `bits` width from a bigint: a number for up to 32 bits, a bigint for 64. */
const narrow = (x: bigint, bits: number): number | bigint => (bits === 64 ? BigInt.asIntN(64, x) : Number(BigInt.asIntN(bits, x)));

function resolveBinary(args: readonly ArgInfo[], _ctx: EvalContext, name: string): ResolvedSignature {
  checkArity(name, args, 2);
  args.forEach((a, i) => (RANK[a.type.kind] === undefined ? typeMismatch(name, i, a.type, "an integral type") : undefined));
  const t = BY_RANK[Math.max(RANK[args[0]!.type.kind]!, RANK[args[1]!.type.kind]!)]!;
  return { argTypes: [t, t], returnType: t };
}

const OPS: Record<string, (a: bigint, b: bigint) => bigint> = { bitwise_and: (a, b) => a & b, bitwise_or: (a, b) => a | b, bitwise_xor: (a, b) => a ^ b };
const SYMBOL: Record<string, string> = { bitwise_and: "&", bitwise_or: "|", bitwise_xor: "^" };

function resolveShift(args: readonly ArgInfo[], _ctx: EvalContext, name: string): ResolvedSignature {
  checkArity(name, args, 2);
  const k = args[0]!.type.kind;
  const t: DataType = k === "bigint" ? LongType : CAST_TO_INT.includes(k) ? IntegerType : typeMismatch(name, 0, args[0]!.type, "INT or BIGINT");
  if (![...CAST_TO_INT, "bigint"].includes(args[1]!.type.kind)) typeMismatch(name, 1, args[1]!.type, "INT");
  return { argTypes: [t, IntegerType], returnType: t };
}

function shift(x: bigint, n: number, bits: 32 | 64, name: string): bigint {
  const k = BigInt(n & (bits - 1));
  if (name === "shiftleft") return x << k;
  return name === "shiftright" ? x >> k : BigInt.asUintN(bits, x) >> k;
}

function bitPositionError(pos: number, bits: number): Error {
  return executionError(
    "INVALID_PARAMETER_VALUE",
    `[INVALID_PARAMETER_VALUE.BIT_POSITION_RANGE] The value of parameter(s) \`pos\` in \`bit_get\` is invalid: expects an integer value in [0, ${bits}), but got ${pos}.`,
    { parameter: "pos", value: pos },
  );
}

export const bitwiseFunctions = [
  ...(Object.keys(OPS) as string[]).flatMap((op) =>
    define(op, resolveBinary, (args, _e, rt) => {
      const bits = integralBits(rt);
      return mapRows(args, rt, ([a, b]) => narrow(OPS[op]!(big(a), big(b)), bits));
    }, { display: (n) => `(${n[0]} ${SYMBOL[op]} ${n[1]})` }),
  ),
  ...define("bitwise_not", (args, _c, name) => {
    checkArity(name, args, 1);
    const t = args[0]!.type;
    if (t.kind === "null") return { argTypes: [IntegerType], returnType: IntegerType };
    if (!isIntegral(t)) typeMismatch(name, 0, t, "an integral type");
    return { argTypes: [t], returnType: t };
  }, (args, _e, rt) => mapRows(args, rt, ([a]) => narrow(~big(a), integralBits(rt))), { display: (n) => `~${n[0]}` }),
  ...define(["shiftleft", "shiftright", "shiftrightunsigned"], resolveShift, (args, _e, rt, _ctx, name) => {
    const bits = integralBits(rt) as 32 | 64;
    return mapRows(args, rt, ([x, n]) => narrow(shift(big(x), n as number, bits, name), bits));
  }),
  ...define("bit_count", (args, _c, name) => {
    checkArity(name, args, 1);
    const t = args[0]!.type;
    if (![...INTEGRAL, "null", "boolean"].includes(t.kind)) typeMismatch(name, 0, t, "an integral type or BOOLEAN");
    return { argTypes: [t.kind === "null" ? IntegerType : t], returnType: IntegerType };
  }, (args, argExprs) => {
    const t = argExprs[0]!.type;
    const width = t.kind === "int" || t.kind === "null" ? 32 : 64; // Spark: Integer.bitCount for INT, Long.bitCount otherwise
    return mapRows(args, IntegerType, ([x]) => {
      if (typeof x === "boolean") return x ? 1 : 0;
      let b = BigInt.asUintN(width, big(x));
      let c = 0;
      for (; b > 0n; b >>= 1n) c += Number(b & 1n);
      return c;
    });
  }),
  ...define(["bit_get", "getbit"], (args, _c, name) => {
    checkArity(name, args, 2);
    const t = args[0]!.type;
    if (![...INTEGRAL, "null"].includes(t.kind)) typeMismatch(name, 0, t, "an integral type");
    if (!CAST_TO_INT.includes(args[1]!.type.kind) && args[1]!.type.kind !== "bigint") typeMismatch(name, 1, args[1]!.type, "INT");
    return { argTypes: [t.kind === "null" ? IntegerType : t, IntegerType], returnType: ByteType };
  }, (args, argExprs) => {
    const bits = integralBits(argExprs[0]!.type.kind === "null" ? IntegerType : argExprs[0]!.type);
    return mapRows(args, ByteType, ([x, p]) => {
      const pos = p as number;
      if (pos < 0 || pos >= bits) throw bitPositionError(pos, bits);
      return Number((big(x) >> BigInt(pos)) & 1n);
    });
  }),
];
