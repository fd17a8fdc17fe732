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

const SCALE = 10n ** 18n;

/** a / b rounded HALF_EVEN (b > 0). */
function divHalfEven(a: bigint, b: bigint): bigint {
  const q = a / b;
  const r = a % b;
  const twice = 2n * (r < 0n ? -r : r);
  if (twice < b || (twice === b && q % 2n === 0n)) return q;
  return a < 0n ? q - 1n : q + 1n;
}

/** The partition WHERE clauses (null: no WHERE) for integral bounds (epoch days or µs for dates and timestamps). */
export function columnPartition(column: string, lower: bigint, upper: bigint, requested: number, bound: (v: bigint) => string): (string | null)[] {
  if (requested <= 1 || lower === upper) return [null];
  if (lower > upper) {
    throw configError("JDBC_INVALID_OPTION", `Operation not allowed: the lower bound of partitioning column is larger than the upper bound. Lower bound: ${bound(lower)}; Upper bound: ${bound(upper)}`, { option: "lowerBound" });
  }
  const span = upper - lower;
  const n = span >= BigInt(requested) ? BigInt(requested) : span;
  const precise = divHalfEven(upper * SCALE, n) - divHalfEven(lower * SCALE, n);
  const stride = precise / SCALE; // BigDecimal.toLong truncates
  // lostNumOfStrides = (preciseStride - stride) * n / stride; then lower + round_half_up(lost / 2 * stride)
  const lostScaled = ((precise - stride * SCALE) * n) / stride;
  const shiftScaled = (lostScaled * stride) / 2n;
  const shift = shiftScaled >= 0n ? (shiftScaled + SCALE / 2n) / SCALE : -((-shiftScaled + SCALE / 2n) / SCALE);
  let current = lower + shift;
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
