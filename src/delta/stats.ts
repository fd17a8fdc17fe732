/**
 * Per-file statistics (PROTOCOL.md §Per-file Statistics): `numRecords`, and per leaf column
 * `minValues`, `maxValues`, `nullCount`, nested like the schema (struct fields nest as objects).
 * Stored in `add.stats` as a JSON string.
 *
 * What is collected, as Delta does by default: the first `delta.dataSkippingNumIndexedCols` (32)
 * leaf columns; min/max for numbers, decimals, dates, timestamps and strings (strings longer
 * than 32 characters: min truncated, max left out); nullCount for every collected column
 * (arrays and maps count only whole-value nulls). NaN is ignored for min/max.
 */
import { exactJson, JsonNumberDigits } from "../columnar/values.js";
import { inputError } from "../common/errors.js";
import type { ColumnBatch } from "../columnar/column-batch.js";
import type { Vector } from "../columnar/vector.js";
import type { DataType, StructField } from "../types/data-type.js";
import { formatDecimal } from "../types/decimal-value.js";

export interface FileStats {
  readonly numRecords: number;
  readonly minValues?: Readonly<Record<string, unknown>>;
  readonly maxValues?: Readonly<Record<string, unknown>>;
  readonly nullCount?: Readonly<Record<string, unknown>>;
  readonly tightBounds?: boolean;
}

export const DEFAULT_NUM_INDEXED_COLS = 32;
const STRING_PREFIX = 32;
const MS_PER_DAY = 86_400_000;

/** Parse `add.stats`; null when absent. Throws DELTA_INVALID_STATS naming the file. */
export function parseStats(stats: string | null | undefined, file: string): FileStats | null {
  if (stats === null || stats === undefined || stats === "") return null;
  let o: unknown;
  try {
    o = JSON.parse(stats);
  } catch (e) {
    throw inputError("DELTA_INVALID_STATS", `The stats of data file ${file} are not valid JSON: ${(e as Error).message}`, { file }, e);
  }
  if (typeof o !== "object" || o === null || Array.isArray(o)) {
    throw inputError("DELTA_INVALID_STATS", `The stats of data file ${file} are not a JSON object`, { file });
  }
  const r = o as Record<string, unknown>;
  return { ...(r as object), numRecords: typeof r.numRecords === "number" ? r.numRecords : -1 } as FileStats;
}

/** Compute the stats of one data file holding `batch` (data columns only, no partition columns). */
export function computeStats(batch: ColumnBatch, numIndexedCols = DEFAULT_NUM_INDEXED_COLS): FileStats {
  const budget = { left: numIndexedCols < 0 ? Number.MAX_SAFE_INTEGER : numIndexedCols };
  const minValues: Record<string, unknown> = {};
  const maxValues: Record<string, unknown> = {};
  const nullCount: Record<string, unknown> = {};
  const fields = batch.schema.fields;
  for (let c = 0; c < fields.length && budget.left > 0; c++) {
    const values = batch.columns[c]!;
    collect(fields[c]!, columnValues(values), batch.numRows, budget, minValues, maxValues, nullCount);
  }
  return { numRecords: batch.numRows, minValues, maxValues, nullCount };
}

/** Serialise stats for `add.stats`; BIGINT and DECIMAL bounds are written as exact JSON numbers (never through a double). */
export const statsToJson = (s: FileStats): string => exactJson(s);

/** Values of a vector as an accessor (null for invalid rows). */
type Getter = (i: number) => unknown;
const columnValues = (v: Vector): Getter => {
  const vals = v.values as ArrayLike<unknown>;
  const valid = v.validity;
  return valid === null ? (i) => vals[i] : (i) => (valid[i] === 0 ? null : vals[i]);
};

function collect(
  f: StructField,
  get: Getter,
  n: number,
  budget: { left: number },
  mins: Record<string, unknown>,
  maxs: Record<string, unknown>,
  nulls: Record<string, unknown>,
): void {
  const t = f.type;
  if (t.kind === "struct") {
    const cmin: Record<string, unknown> = {};
    const cmax: Record<string, unknown> = {};
    const cnull: Record<string, unknown> = {};
    for (const child of t.fields) {
      if (budget.left <= 0) break;
      const childGet: Getter = (i) => {
        const o = get(i) as Record<string, unknown> | null;
        return o === null || o === undefined ? null : (o[child.name] ?? null);
      };
      collect(child, childGet, n, budget, cmin, cmax, cnull);
    }
    if (Object.keys(cmin).length) mins[f.name] = cmin;
    if (Object.keys(cmax).length) maxs[f.name] = cmax;
    if (Object.keys(cnull).length) nulls[f.name] = cnull;
    return;
  }
  budget.left--;
  let nullN = 0;
  let lo: unknown = null;
  let hi: unknown = null;
  const ordered = hasMinMax(t);
  for (let i = 0; i < n; i++) {
    const x = get(i);
    if (x === null || x === undefined) {
      nullN++;
      continue;
    }
    if (!ordered || (typeof x === "number" && Number.isNaN(x))) continue;
    if (lo === null || (x as number | bigint | string) < (lo as number | bigint | string)) lo = x;
    if (hi === null || (x as number | bigint | string) > (hi as number | bigint | string)) hi = x;
  }
  nulls[f.name] = nullN;
  if (lo === null || hi === null) return;
  if (t.kind === "string") {
    const slo = lo as string;
    const shi = hi as string;
    mins[f.name] = slo.length > STRING_PREFIX ? slo.slice(0, STRING_PREFIX) : slo;
    if (shi.length <= STRING_PREFIX) maxs[f.name] = shi;
    return;
  }
  mins[f.name] = statValue(t, lo as number);
  maxs[f.name] = statValue(t, hi as number);
}

const hasMinMax = (t: DataType): boolean =>
  ["int", "bigint", "float", "double", "decimal", "date", "timestamp", "string"].includes(t.kind);

/** The JSON form of a numeric engine value in stats. */
function statValue(t: DataType, v: number): unknown {
  switch (t.kind) {
    case "decimal":
      // the exact digits as a JSON number, as Delta writes decimal bounds
      return new JsonNumberDigits(formatDecimal(v as unknown as bigint, t.scale));
    case "date":
      return new Date(v * MS_PER_DAY).toISOString().slice(0, 10);
    case "timestamp":
      // Millisecond precision, as Delta writes it (readers widen timestamp bounds by 1 ms).
      return new Date(Math.floor(v / 1000)).toISOString();
    default:
      return v;
  }
}
