/**
 * `Window.partitionBy(...).orderBy(...).rowsBetween(a, b)`: an immutable window specification.
 * Frame bounds use Spark's constants: Window.unboundedPreceding, unboundedFollowing, currentRow.
 */
import { type ColumnLike, toColumnExpr, toSortOrder } from "./column.js";
import type { FrameBoundary, WindowSpecDef } from "./expr.js";

const UNBOUNDED = 2 ** 63; // Spark uses Long.MinValue/MaxValue; any |x| ≥ 2^63 means unbounded.

function boundary(v: number): FrameBoundary {
  if (v <= -UNBOUNDED) return { kind: "unboundedPreceding" };
  if (v >= UNBOUNDED) return { kind: "unboundedFollowing" };
  if (v === 0) return { kind: "currentRow" };
  return { kind: "offset", value: v };
}

/** A window specification for `Column.over`: partitioning, ordering and a frame, built from {@link Window}. */
export class WindowSpec {
  constructor(readonly spec: WindowSpecDef) {}

  partitionBy(...cols: (ColumnLike | ColumnLike[])[]): WindowSpec {
    return new WindowSpec({ ...this.spec, partitionBy: cols.flat().map(toColumnExpr) });
  }
  orderBy(...cols: (ColumnLike | ColumnLike[])[]): WindowSpec {
    return new WindowSpec({ ...this.spec, orderBy: cols.flat().map(toSortOrder) });
  }
  rowsBetween(start: number, end: number): WindowSpec {
    return new WindowSpec({ ...this.spec, frame: { type: "rows", start: boundary(start), end: boundary(end) } });
  }
  rangeBetween(start: number, end: number): WindowSpec {
    return new WindowSpec({ ...this.spec, frame: { type: "range", start: boundary(start), end: boundary(end) } });
  }
}

/** Builds a {@link WindowSpec}: `Window.partitionBy(...).orderBy(...).rowsBetween(start, end)`, as PySpark's `Window`. */
export const Window = {
  unboundedPreceding: -UNBOUNDED,
  unboundedFollowing: UNBOUNDED,
  currentRow: 0,
  partitionBy: (...cols: (ColumnLike | ColumnLike[])[]): WindowSpec => new WindowSpec({ partitionBy: [], orderBy: [] }).partitionBy(...cols),
  orderBy: (...cols: (ColumnLike | ColumnLike[])[]): WindowSpec => new WindowSpec({ partitionBy: [], orderBy: [] }).orderBy(...cols),
  rowsBetween: (s: number, e: number): WindowSpec => new WindowSpec({ partitionBy: [], orderBy: [] }).rowsBetween(s, e),
  rangeBetween: (s: number, e: number): WindowSpec => new WindowSpec({ partitionBy: [], orderBy: [] }).rangeBetween(s, e),
};
