/**
 * Stats of a data file written batch by batch: the stats of each batch (delta/stats.ts
 * `computeStats`) merged into the file's, so no batch is kept to compute them at the end.
 * Counts add up; min and max are the least and greatest of the batches' (dates and timestamps
 * compared as instants). A string column's max is left out when it is for some batch (its max
 * was longer than the 32-character prefix Delta keeps), since the file's max may then be that
 * string; a missing bound only makes data skipping more cautious.
 */
import type { FileStats } from "../../delta/stats.js";
import type { DataType, StructField } from "../../types/data-type.js";
import type { StructType } from "../../types/struct-type.js";

type Level = Readonly<Record<string, unknown>> | undefined;
interface Side {
  readonly min: Level;
  readonly max: Level;
  readonly nulls: Level;
}
interface Out {
  readonly min: Record<string, unknown>;
  readonly max: Record<string, unknown>;
  readonly nulls: Record<string, unknown>;
}

/** The stats of a file holding the rows of both `a` and `b` (both of `schema`, the file's data columns). */
export function mergeStats(schema: StructType, a: FileStats, b: FileStats): FileStats {
  const out: Out = { min: {}, max: {}, nulls: {} };
  mergeLevel(schema.fields, side(a), side(b), out);
  return { numRecords: a.numRecords + b.numRecords, minValues: out.min, maxValues: out.max, nullCount: out.nulls };
}

const side = (s: FileStats): Side => ({ min: s.minValues, max: s.maxValues, nulls: s.nullCount });
const child = (s: Side, name: string): Side => ({ min: s.min?.[name] as Level, max: s.max?.[name] as Level, nulls: s.nulls?.[name] as Level });
const nonEmpty = (o: Record<string, unknown>): boolean => Object.keys(o).length > 0;

function mergeLevel(fields: readonly StructField[], a: Side, b: Side, out: Out): void {
  for (const f of fields) {
    const name = f.name;
    if (f.type.kind === "struct") {
      const o: Out = { min: {}, max: {}, nulls: {} };
      mergeLevel(f.type.fields, child(a, name), child(b, name), o);
      if (nonEmpty(o.min)) out.min[name] = o.min;
      if (nonEmpty(o.max)) out.max[name] = o.max;
      if (nonEmpty(o.nulls)) out.nulls[name] = o.nulls;
      continue;
    }
    if (a.nulls?.[name] === undefined && b.nulls?.[name] === undefined) continue; // not a collected column
    out.nulls[name] = ((a.nulls?.[name] as number | undefined) ?? 0) + ((b.nulls?.[name] as number | undefined) ?? 0);
    const lo = bound(f.type, a.min?.[name], b.min?.[name], -1);
    if (lo !== undefined) out.min[name] = lo;
    const maxDropped = (s: Side): boolean => s.min?.[name] !== undefined && s.max?.[name] === undefined;
    if (maxDropped(a) || maxDropped(b)) continue;
    const hi = bound(f.type, a.max?.[name], b.max?.[name], 1);
    if (hi !== undefined) out.max[name] = hi;
  }
}

/** The lesser (sign -1) or greater (sign 1) of two bounds, either of which may be missing. */
function bound(t: DataType, x: unknown, y: unknown, sign: number): unknown {
  if (x === undefined) return y;
  if (y === undefined) return x;
  return Math.sign(compare(t, x, y)) === sign ? x : y;
}

function compare(t: DataType, x: unknown, y: unknown): number {
  if (t.kind === "date" || t.kind === "timestamp") return Date.parse(x as string) - Date.parse(y as string);
  if (typeof x === "number") return x - (y as number);
  return (x as string) < (y as string) ? -1 : (x as string) > (y as string) ? 1 : 0;
}
