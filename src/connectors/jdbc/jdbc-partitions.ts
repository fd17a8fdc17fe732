/**
 * Partitioned JDBC reads: the WHERE clause of each partition, exactly as Spark's
 * JDBCRelation.columnPartition builds them (Spark 3.4+), so every row lands in exactly one
 * partition and the same options give the same partitions as in Spark:
 *   1. one partition (no WHERE) when numPartitions <= 1 or lowerBound == upperBound;
 *   2. lowerBound > upperBound is an error; numPartitions is cut to upperBound - lowerBound when
 *      that is smaller (and does not overflow);
 *   3. stride = upper/n - lower/n, each rounded HALF_EVEN to 18 decimals, truncated to a long;
 *      the first bound moves up by half the strides the truncation lost (rounded HALF_UP);
 *   4. partition 0 is `col < b1 or col is null`, the last `col >= bn`, the others
 *      `col >= bi AND col < bi+1`; the bounds are only advisory: rows outside them still land
 *      in the first or last partition.
 * Bounds of DATE and TIMESTAMP columns are given as text and appear in the WHERE clause as
 * quoted literals ('2024-01-01', '2024-01-01 00:00:00' in the session time zone).
 */
import { configError, analysisError } from "../../common/errors.js";
import { getTimeZone } from "../../expr/datetime/time-zone.js";
import { formatDateDays, formatTimestampUs, parseDateText, parseTimestampText } from "../../expr/datetime/timestamp-text.js";
import { type DataType, isNumeric, simpleString } from "../../types/data-type.js";
import type { StructType } from "../../types/struct-type.js";
import { quoteIdent } from "./pg-client.js";

/**
 * Scala BigDecimal arithmetic as Spark's stride code uses it: every `/` and `*` rounds to 34
 * significant digits HALF_EVEN (MathContext.DECIMAL128). The rounding matters: it decides on
 * which side of .5 the first bound's shift falls (JDBCSuite's SPARK-34843 case).
 */
interface Dec {
  readonly u: bigint;
  /** value = u / 10^s */
  readonly s: number;
}
const pow10 = (n: number): bigint => 10n ** BigInt(n);
const abs = (x: bigint): bigint => (x < 0n ? -x : x);

/** a / b rounded HALF_EVEN (b > 0). */
function divHalfEven(a: bigint, b: bigint): bigint {
  const q = a / b;
  const r = a % b;
  const twice = 2n * abs(r);
  if (twice < b || (twice === b && q % 2n === 0n)) return q;
  return a < 0n ? q - 1n : q + 1n;
}

function round34(d: Dec): Dec {
  const len = abs(d.u).toString().length;
  return len <= 34 ? d : { u: divHalfEven(d.u, pow10(len - 34)), s: d.s - (len - 34) };
}
const dec = (v: bigint): Dec => ({ u: v, s: 0 });
const sub = (a: Dec, b: Dec): Dec => (a.s >= b.s ? { u: a.u - b.u * pow10(a.s - b.s), s: a.s } : sub({ u: a.u * pow10(b.s - a.s), s: b.s }, b));
const mul = (a: Dec, b: Dec): Dec => round34({ u: a.u * b.u, s: a.s + b.s });
/** a / b to 34 significant digits (40 guard digits, then one HALF_EVEN rounding). */
function div(a: Dec, b: Dec): Dec {
  const guard = 40 + abs(b.u).toString().length;
  const num = a.u * pow10(guard);
  const q = num / b.u;
  return round34({ u: b.u < 0n ? -q : q, s: a.s - b.s + guard });
}
/** setScale(scale, mode) to an integer count of 10^-scale units. */
function setScale(d: Dec, scale: number, mode: "HALF_EVEN" | "HALF_UP"): bigint {
  if (d.s <= scale) return d.u * pow10(scale - d.s);
  const f = pow10(d.s - scale);
  if (mode === "HALF_EVEN") return divHalfEven(d.u, f);
  const q = (abs(d.u) + f / 2n) / f;
  return d.u < 0n ? -q : q;
}

/** The partition WHERE clauses (null: no WHERE) for integral bounds (epoch days or µs for dates and timestamps). */
export function columnPartition(column: string, lower: bigint, upper: bigint, requested: number, bound: (v: bigint) => string): (string | null)[] {
  if (requested <= 1 || lower === upper) return [null];
  if (lower > upper) {
    throw configError("JDBC_INVALID_OPTION", `Operation not allowed: the lower bound of partitioning column is larger than the upper bound. Lower bound: ${bound(lower)}; Upper bound: ${bound(upper)}`, { option: "lowerBound" });
  }
  const span = upper - lower;
  const n = span >= BigInt(requested) ? BigInt(requested) : span;
  const upperStride = setScale(div(dec(upper), dec(n)), 18, "HALF_EVEN");
  const lowerStride = setScale(div(dec(lower), dec(n)), 18, "HALF_EVEN");
  const precise: Dec = { u: upperStride - lowerStride, s: 18 };
  const stride = precise.u / pow10(18); // BigDecimal.toLong truncates
  const lost = div(mul(sub(precise, dec(stride)), dec(n)), dec(stride));
  let current = lower + setScale(mul(div(lost, dec(2n)), dec(stride)), 0, "HALF_UP");
  const out: (string | null)[] = [];
  for (let i = 0n; i < n; i++) {
    const lBound = i !== 0n ? `${column} >= ${bound(current)}` : null;
    current += stride;
    const uBound = i !== n - 1n ? `${column} < ${bound(current)}` : null;
    out.push(uBound === null ? lBound : lBound === null ? `${uBound} or ${column} is null` : `${lBound} AND ${uBound}`);
  }
  return out;
}

/**
 * The partitions of a read with partitionColumn/lowerBound/upperBound/numPartitions: the column
 * must be in the relation (matched case-insensitively, as Spark's resolver) and numeric, DATE or
 * TIMESTAMP.
 */
export function partitionWhereClauses(
  schema: StructType,
  p: { readonly column: string; readonly lowerBound: string; readonly upperBound: string; readonly numPartitions: number },
  sessionZone: string,
): (string | null)[] {
  const unquoted = p.column.replace(/^"(.*)"$/, "$1");
  const field = schema.fields.find((f) => f.name.toLowerCase() === unquoted.toLowerCase());
  if (!field) {
    throw analysisError("JDBC_PARTITION_COLUMN_NOT_FOUND", `User-defined partition column ${p.column} not found in the JDBC relation: ${schema.simpleString()}`, { option: "partitionColumn", column: p.column });
  }
  const t: DataType = field.type;
  if (!(isNumeric(t) || t.kind === "date" || t.kind === "timestamp")) {
    throw analysisError("JDBC_INVALID_PARTITION_COLUMN_TYPE", `Partition column type should be numeric, date, or timestamp, but ${simpleString(t)} found (column ${field.name}).`, { option: "partitionColumn", column: field.name });
  }
  const zone = getTimeZone(sessionZone);
  const parse = (key: string, text: string): bigint => {
    const v = isNumeric(t) ? (/^\s*-?\d+\s*$/.test(text) ? Number(text) : null) : t.kind === "date" ? parseDateText(text) : parseTimestampText(text, zone);
    if (v === null) throw configError("JDBC_INVALID_OPTION", `Cannot parse the bound value ${text} as ${simpleString(t)} (option ${key})`, { option: key });
    return isNumeric(t) ? BigInt(text.trim()) : BigInt(v);
  };
  const bound = (v: bigint): string => (isNumeric(t) ? v.toString() : t.kind === "date" ? `'${formatDateDays(Number(v))}'` : `'${formatTimestampUs(Number(v), zone)}'`);
  return columnPartition(quoteIdent(field.name), parse("lowerBound", p.lowerBound), parse("upperBound", p.upperBound), p.numPartitions, bound);
}
