/**
 * Frame bounds for window aggregates, per row of a sorted partition [ps, pe): `start` inclusive,
 * `end` exclusive, clamped to the partition (start >= end means an empty frame).
 *
 * ROWS frames count rows from the current one. RANGE frames compare the (single) order key:
 * CURRENT ROW means the current row's peer group; an offset bound selects rows whose key lies
 * within the offset of the current key ("preceding" = smaller keys when ascending, larger keys
 * when descending). Rows with a null key are peers of each other only: their offset bounds
 * cover exactly the null rows, and non-null rows' offset bounds never include null rows (as Spark).
 */
import { SluiceError } from "../../common/errors.js";
import type { FrameBoundary, WindowFrame } from "../../expr/expr.js";
import type { Vector } from "../../columnar/vector.js";

export interface FrameBounds {
  readonly start: Int32Array;
  readonly end: Int32Array;
}

export interface RangeKey {
  /** The order key's engine values in sorted row order. */
  readonly values: ArrayLike<number>;
  readonly validity: Uint8Array | null;
  readonly ascending: boolean;
  /** Multiplier from the frame's offset to the key's engine unit (10^scale for decimals). */
  readonly scale: number;
  /** TINYINT / SMALLINT keys under ANSI: the type's range, which key ± offset must stay in (Spark adds them in the key's type). */
  readonly limits?: readonly [number, number];
}

/** The [min, max] of a TINYINT or SMALLINT order key, whose RANGE boundaries are computed in that type. */
export const SMALL_INT_LIMITS: Readonly<Partial<Record<Vector["type"]["kind"], readonly [number, number]>>> = { byte: [-128, 127], short: [-32768, 32767] };

/**
 * @param partStarts sorted-row index where each partition starts, plus a final entry = n
 * @param peerStart 1 where a row starts a new peer group (order key differs from the row before)
 */
export function frameBounds(frame: WindowFrame, partStarts: Int32Array, peerStart: Uint8Array, key: RangeKey | null): FrameBounds {
  const n = peerStart.length;
  const start = new Int32Array(n);
  const end = new Int32Array(n);
  for (let p = 0; p + 1 < partStarts.length; p++) {
    const ps = partStarts[p]!;
    const pe = partStarts[p + 1]!;
    // Peer group bounds within the partition.
    const groupStart = new Int32Array(pe - ps);
    const groupEnd = new Int32Array(pe - ps);
    for (let i = ps; i < pe; i++) groupStart[i - ps] = i === ps || peerStart[i] === 1 ? i : groupStart[i - ps - 1]!;
    for (let i = pe - 1; i >= ps; i--) groupEnd[i - ps] = i === pe - 1 || peerStart[i + 1] === 1 ? i + 1 : groupEnd[i - ps + 1]!;
    for (let i = ps; i < pe; i++) {
      start[i] = bound(frame.type, frame.start, true, i, ps, pe, groupStart[i - ps]!, groupEnd[i - ps]!, key);
      end[i] = bound(frame.type, frame.end, false, i, ps, pe, groupStart[i - ps]!, groupEnd[i - ps]!, key);
    }
  }
  return { start, end };
}

function bound(
  type: "rows" | "range",
  b: FrameBoundary,
  isStart: boolean,
  i: number,
  ps: number,
  pe: number,
  gs: number,
  ge: number,
  key: RangeKey | null,
): number {
  switch (b.kind) {
    case "unboundedPreceding":
      return ps;
    case "unboundedFollowing":
      return pe;
    case "currentRow":
      if (type === "rows") return isStart ? i : i + 1;
      return isStart ? gs : ge;
    case "offset": {
      if (type === "rows") return clamp(isStart ? i + b.value : i + b.value + 1, ps, pe);
      if (key === null) throw internal();
      if (key.validity !== null && key.validity[i] === 0) return isStart ? gs : ge;
      const x = key.values[i]!;
      const target = key.ascending ? x + b.value * key.scale : x - b.value * key.scale;
      if (key.limits && (target < key.limits[0] || target > key.limits[1])) {
        throw new SluiceError("execution", "BINARY_ARITHMETIC_OVERFLOW", `[BINARY_ARITHMETIC_OVERFLOW] ${x} ${target > x ? "+" : "-"} ${Math.abs(b.value)} caused overflow. Use a wider ORDER BY type (CAST it to INT) in the RANGE window frame.`, { value: x, offset: b.value });
      }
      // Non-null rows: for ascending keys a start is the first row with key >= target and an end
      // is the first row with key > target; mirrored for descending keys.
      return searchNonNull(key, ps, pe, target, isStart);
    }
  }
}

function searchNonNull(key: RangeKey, ps: number, pe: number, target: number, isStart: boolean): number {
  const { values, validity, ascending } = key;
  let lo = ps;
  let hi = pe;
  // Skip the null rows at either end of the partition.
  if (validity !== null) {
    while (lo < hi && validity[lo] === 0) lo++;
    while (hi > lo && validity[hi - 1] === 0) hi--;
  }
  // First index in [lo, hi) where `past(values[j])` holds; `past` is monotone along the sort.
  const past = ascending
    ? isStart
      ? (v: number) => v >= target
      : (v: number) => v > target
    : isStart
      ? (v: number) => v <= target
      : (v: number) => v < target;
  let a = lo;
  let z = hi;
  while (a < z) {
    const m = (a + z) >>> 1;
    if (past(values[m]!)) z = m;
    else a = m + 1;
  }
  return a;
}

const clamp = (x: number, lo: number, hi: number): number => (x < lo ? lo : x > hi ? hi : x);

const internal = (): SluiceError =>
  new SluiceError("internal", "INTERNAL_ERROR", "A RANGE frame with an offset needs its order key values");

/** Validates a RANGE frame's order key and returns the offset multiplier for its type. */
export function rangeKeyScale(frame: WindowFrame, orderKeys: readonly { readonly type: Vector["type"] }[]): number {
  const hasOffset = frame.start.kind === "offset" || frame.end.kind === "offset";
  if (frame.type !== "range" || !hasOffset) return 1;
  if (orderKeys.length !== 1) {
    throw new SluiceError(
      "analysis",
      "DATATYPE_MISMATCH.RANGE_FRAME_MULTI_ORDER",
      `A RANGE window frame with offset boundaries needs exactly one ORDER BY expression, got ${orderKeys.length}. Use a ROWS frame or order by a single numeric column.`,
      { orderKeys: orderKeys.length },
    );
  }
  const t = orderKeys[0]!.type;
  switch (t.kind) {
    case "byte":
    case "short": {
      // Spark casts each offset to the key's type: one that does not fit is CAST_OVERFLOW
      const [min, max] = SMALL_INT_LIMITS[t.kind]!;
      for (const b of [frame.start, frame.end]) {
        if (b.kind === "offset" && (b.value < min || b.value > max)) {
          throw new SluiceError("analysis", "CAST_OVERFLOW", `[CAST_OVERFLOW] The value ${Math.abs(b.value)} of the type "INT" cannot be cast to "${t.kind === "byte" ? "TINYINT" : "SMALLINT"}" due to an overflow, in a RANGE frame ordered by that type.`, { value: b.value });
        }
      }
      return 1;
    }
    case "int":
    case "bigint":
    case "float":
    case "double":
    case "date":
    case "timestamp":
    case "timestamp_ntz":
      return 1;
    case "decimal":
      return 10 ** t.scale;
    default:
      throw new SluiceError(
        "analysis",
        "DATATYPE_MISMATCH.RANGE_FRAME_INVALID_TYPE",
        `A RANGE window frame with offset boundaries needs a numeric, date or timestamp ORDER BY expression, got ${t.kind.toUpperCase()}. Cast the order key or use a ROWS frame.`,
        { type: t.kind },
      );
  }
}
