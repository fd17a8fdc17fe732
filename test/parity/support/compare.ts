/**
 * Comparing a Sluice result with PySpark's, both in typed JSON (typed-json.ts).
 *
 * Rules (documented in test/parity/README.md):
 * - FLOAT/DOUBLE: equal, or within a relative tolerance of 1e-9 (|a − e| ≤ 1e-9 · max(|a|, |e|));
 *   "NaN"/"Infinity" must match exactly; 0.0 and −0.0 are equal.
 * - DECIMAL: exactly the same digits (Sluice rows carry decimals as their exact plain digits).
 * - INT/BIGINT: exactly the same integer, compared by decimal digits (Sluice rows carry BIGINT as
 *   bigint; typed JSON holds values past 2^53 as digit strings), never rounded through a double.
 * - TIMESTAMP: equal at millisecond precision, Spark's microseconds truncated (Sluice rows are Dates).
 * - everything else exactly; arrays, map entries (in order) and struct fields element by element.
 * - rows: in order when the case is ordered, else as multisets — both sides are sorted by a key
 *   that rounds non-integer numbers to 9 significant digits, then compared row by row.
 */
import type { DataType } from "../../../src/types/data-type.js";
import type { Json } from "./typed-json.js";

export const DOUBLE_RELATIVE_TOLERANCE = 1e-9;

const close = (a: number, e: number, tol: number): boolean =>
  a === e || Math.abs(a - e) <= tol * Math.max(Math.abs(a), Math.abs(e));

/** "… HH:MM:SS.123456" → "… HH:MM:SS.123" (the fraction truncated, as Date rows hold it). */
export function toMillisecondText(ts: string): string {
  const m = /^(.*\d{2}:\d{2}:\d{2})(?:\.(\d+))?$/.exec(ts);
  if (!m) return ts;
  const ms = (m[2] ?? "").padEnd(3, "0").slice(0, 3);
  return ms === "000" ? m[1]! : `${m[1]}.${ms}`;
}

/** Whether a Sluice value `a` matches PySpark's `e` for a column of type `t`. */
export function valueMatches(t: DataType, e: Json, a: Json): boolean {
  if (e === null || a === null) return e === a;
  switch (t.kind) {
    case "float":
    case "double":
      if (typeof e === "number" && typeof a === "number") return close(a, e, DOUBLE_RELATIVE_TOLERANCE);
      return e === a;
    case "decimal":
      return e === a;
    case "timestamp":
      return typeof e === "string" && typeof a === "string" && toMillisecondText(e) === toMillisecondText(a);
    case "int":
    case "bigint":
      if (e === a) return true;
      return (typeof e === "number" || typeof e === "string") && (typeof a === "number" || typeof a === "string") && String(e) === String(a);
    case "array":
      return Array.isArray(e) && Array.isArray(a) && e.length === a.length && e.every((x, i) => valueMatches(t.elementType, x, a[i]!));
    case "map":
      return (
        Array.isArray(e) &&
        Array.isArray(a) &&
        e.length === a.length &&
        e.every((pair, i) => {
          const other = a[i];
          return (
            Array.isArray(pair) &&
            Array.isArray(other) &&
            valueMatches(t.keyType, pair[0]!, other[0]!) &&
            valueMatches(t.valueType, pair[1]!, other[1]!)
          );
        })
      );
    case "struct": {
      if (typeof e !== "object" || typeof a !== "object" || Array.isArray(e) || Array.isArray(a)) return false;
      return t.fields.every((f) => valueMatches(f.type, e[f.name] ?? null, a[f.name] ?? null));
    }
    default:
      return e === a;
  }
}

/** Whether two rows match column by column. */
export function rowMatches(types: readonly DataType[], e: readonly Json[], a: readonly Json[]): boolean {
  return e.length === a.length && types.length === e.length && types.every((t, i) => valueMatches(t, e[i]!, a[i]!));
}

function rounded(v: Json): Json {
  if (typeof v === "number") return Number.isInteger(v) ? v : Number(v.toPrecision(9));
  if (Array.isArray(v)) return v.map(rounded);
  if (v !== null && typeof v === "object") return Object.fromEntries(Object.keys(v).sort().map((k) => [k, rounded(v[k]!)]));
  return v;
}

/** The key multiset comparison sorts by: JSON with non-integer numbers rounded to 9 digits. */
export const sortKey = (row: readonly Json[]): string => JSON.stringify(rounded(row as Json[]));

export const sortRows = (rows: readonly (readonly Json[])[]): Json[][] =>
  rows.map((r) => [...r]).sort((x, y) => {
    const kx = sortKey(x);
    const ky = sortKey(y);
    return kx < ky ? -1 : kx > ky ? 1 : 0;
  });

export interface RowsVerdict {
  readonly ok: boolean;
  /** Both sides as compared (sorted unless ordered), for a readable diff on failure. */
  readonly expected: Json[][];
  readonly actual: Json[][];
  readonly firstMismatch?: number;
}

/** Compare result rows; unordered results compare as multisets. */
export function compareRows(types: readonly DataType[], expected: readonly (readonly Json[])[], actual: readonly (readonly Json[])[], ordered: boolean): RowsVerdict {
  const e = ordered ? expected.map((r) => [...r]) : sortRows(expected);
  const a = ordered ? actual.map((r) => [...r]) : sortRows(actual);
  const n = Math.max(e.length, a.length);
  for (let i = 0; i < n; i++) {
    if (i >= e.length || i >= a.length || !rowMatches(types, e[i]!, a[i]!)) return { ok: false, expected: e, actual: a, firstMismatch: i };
  }
  return { ok: true, expected: e, actual: a };
}

/**
 * Whether a Sluice error code answers a Spark error chain: it must equal one of the conditions
 * or its main class (the part before the first "."). Spark's `_LEGACY_ERROR_TEMP_*` conditions
 * are placeholders without a stable name, so for those any SluiceError code is accepted.
 */
export function errorCodeMatches(chain: readonly string[], code: string): boolean {
  return chain.some((c) => c.startsWith("_LEGACY_ERROR_")) || acceptedErrorCodes(chain).has(code);
}

/** Error codes Sluice may raise for a Spark error chain: each condition and its main class. */
export function acceptedErrorCodes(chain: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const c of chain) {
    out.add(c);
    out.add(c.split(".")[0]!);
  }
  return out;
}
