/**
 * Spark's `showString` layout: a bordered table, cells right-aligned and cut to `truncate`
 * characters (with "...") when truncation is on, left-aligned otherwise; NULL for nulls;
 * "only showing top N rows" when there are more; `vertical` prints one block per row.
 * Cells arrive already formatted as strings (the executor casts each column to STRING).
 */
import { type ColumnBatch, getValue } from "../columnar/column-batch.js";
import type { StructType } from "../types/struct-type.js";

export function showString(schema: StructType, batches: readonly ColumnBatch[], n: number, truncate: number, vertical: boolean): string {
  const rows: string[][] = [];
  let total = 0;
  for (const b of batches) {
    total += b.numRows;
    for (let i = 0; i < b.numRows && rows.length < n; i++) {
      rows.push(b.columns.map((c) => cell(getValue(c, i), truncate)));
    }
  }
  const header = schema.fieldNames.map((h) => cell(h, truncate));
  const more = total > n ? `only showing top ${n} row${n === 1 ? "" : "s"}\n` : "";
  if (vertical) return verticalString(header, rows) + more;

  const widths = header.map((h, c) => Math.max(3, width(h), ...rows.map((r) => width(r[c]!))));
  const pad = (s: string, w: number): string => (truncate > 0 ? " ".repeat(w - width(s)) + s : s + " ".repeat(w - width(s)));
  const line = "+" + widths.map((w) => "-".repeat(w)).join("+") + "+\n";
  const fmt = (r: string[]): string => "|" + r.map((s, c) => pad(s, widths[c]!)).join("|") + "|\n";
  let out = line + fmt(header) + line;
  for (const r of rows) out += fmt(r);
  out += line;
  return out + more;
}

function cell(v: unknown, truncate: number): string {
  const s = v === null ? "NULL" : String(v);
  if (truncate > 0 && width(s) > truncate) return truncate < 4 ? s.slice(0, truncate) : s.slice(0, truncate - 3) + "...";
  return s;
}

/** Display width: code points (Spark counts characters, not UTF-16 units). */
const width = (s: string): number => [...s].length;

function verticalString(header: string[], rows: string[][]): string {
  if (rows.length === 0) return "(0 rows)\n";
  const hw = Math.max(...header.map(width));
  let out = "";
  rows.forEach((r, i) => {
    const title = `-RECORD ${i}`;
    const dataWidth = Math.max(...r.map(width));
    out += title + "-".repeat(Math.max(0, hw + dataWidth + 3 - title.length)) + "\n";
    r.forEach((v, c) => (out += header[c]!.padEnd(hw) + " | " + v + "\n"));
  });
  return out;
}
