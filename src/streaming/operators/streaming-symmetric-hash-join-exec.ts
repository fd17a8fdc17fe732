/**
 * Stream–stream join (Spark's StreamingSymmetricHashJoinExec, state format 2). Both sides keep
 * their rows in state (join-state-manager.ts); per micro-batch:
 *   1. the left input, then the right input, is read. Rows whose event time is ≤ the previous
 *      batch's watermark are dropped as late (numRowsDroppedByWatermark). A row failing the
 *      predicates that read only its own side (the pre-join filter) is not stored and joins with
 *      nothing — on the preserved side of an outer join it is emitted at once with nulls;
 *   2. every other row probes the other side's state by join key; pairs passing the predicates
 *      over both sides are emitted and the state rows are marked matched (left semi: a left row
 *      is emitted once, when first matched). The row is then stored with its own matched flag
 *      unless the state watermark already evicts it (or, as in Spark, it is a left semi join's
 *      left row that matched at once). So the left rows of a batch meet the right
 *      rows of earlier batches, and the right rows meet all left rows including this batch's;
 *   3. state below each side's state watermark (plan/stream-join-watermark.ts) is evicted. An
 *      outer join emits the preserved side's evicted rows that never matched with nulls — in
 *      this batch, which may be a batch without new data. As in Spark, numRowsRemoved counts the
 *      rows evicted by the cleanup pass only (inner/semi: both sides; left outer: the right side;
 *      right outer: the left side; full outer: none);
 *   4. both sides' stores commit; numRowsTotal counts the rows buffered on both sides.
 * A row with a null `=` join key is dropped on a side that an outer join does not preserve (Spark
 * infers IS NOT NULL filters there), so it matches nothing — except in a full outer join, where
 * both sides keep such rows and, as in Spark (whose state compares key rows byte for byte),
 * null keys match each other (checked on PySpark 4.0.1). A null `<=>` key is an ordinary key
 * value: stored under it, it matches the other side's nulls (Spark keys such a join by
 * (coalesce(k, default), isnull(k)), which keeps nulls apart from every value).
 */
import { type ColumnBatch, getValue, makeBatch, vectorFromValues } from "../../columnar/column-batch.js";
import { compileExpr } from "../../expr/compile.js";
import type { CompiledExpr } from "../../expr/function-types.js";
import type { RExpr } from "../../expr/resolved-expr.js";
import type { ExecutionPlan, TaskContext } from "../../physical/execution-plan.js";
import { exprToString } from "../../physical/operators/describe.js";
import { trueMask } from "../../physical/operators/filter-exec.js";
import { mapRefs, refIndices } from "../../plan/analyzer/rexpr-utils.js";
import type { RJoin } from "../../plan/resolved-plan.js";
import { outputSchema } from "../../plan/resolved-plan.js";
import { type JoinSide, type StateWatermarkPredicate, conjuncts, joinStatePredicate } from "../../plan/stream-join-watermark.js";
import { internalError } from "../../common/errors.js";
import { sameType, simpleString } from "../../types/data-type.js";
import { StructType } from "../../types/struct-type.js";
import { atOrBelowWatermark } from "./event-time.js";
import { JoinStateManager, type StoredRow, joinRowKeys } from "./join-state-manager.js";
import type { StatefulContext } from "./stateful-context.js";

export interface StreamJoinSpec {
  readonly operatorId: number;
  readonly node: RJoin;
}

type Row = readonly unknown[];

export class StreamingSymmetricHashJoinExec implements ExecutionPlan {
  readonly name = "StreamingSymmetricHashJoinExec";
  readonly children: readonly ExecutionPlan[];
  readonly schema: StructType;

  constructor(
    readonly left: ExecutionPlan,
    readonly right: ExecutionPlan,
    readonly spec: StreamJoinSpec,
    readonly state: StatefulContext,
  ) {
    this.children = [left, right];
    this.schema = outputSchema(spec.node);
  }

  describe(): string {
    const j = this.spec.node;
    const keys = j.leftKeys.map((l, i) => `${exprToString(l)} ${j.nullSafe[i] ? "<=>" : "="} ${exprToString(j.rightKeys[i]!)}`);
    const cond = j.condition ? `, condition=${exprToString(j.condition)}` : "";
    const wm = (side: JoinSide): string => {
      const p = this.state.hasWatermark ? joinStatePredicate(j, side, this.state.evictionWatermarkMs) : undefined;
      return p === undefined ? "none" : p.kind === "key" ? `key ${p.keyIndex} <= ${p.watermarkMs}` : `value ${(side === "left" ? j.left : j.right).output[p.column]!.name} <= ${p.watermarkMs}`;
    };
    return `${this.name}: ${j.joinType}, [${keys.join(", ")}]${cond}, stateWatermark(left: ${wm("left")}, right: ${wm("right")})`;
  }

  async *execute(ctx: TaskContext): AsyncIterable<ColumnBatch> {
    const j = this.spec.node;
    const { state } = this;
    const t0 = performance.now();
    const nLeft = j.left.output.length;
    const sides = {
      left: this.side(j, "left", ctx),
      right: this.side(j, "right", ctx),
    };
    // Binary state keys compare bytes, so a key's type must be the same on both sides (the
    // analyzer casts the pair to a common type, as Spark does): say so rather than never match.
    sides.left.keySchema.fields.forEach((f, i) => {
      const other = sides.right.keySchema.fields[i]!.type;
      if (!sameType(f.type, other)) throw internalError(`stream-stream join key ${i} has type ${simpleString(f.type)} on the left and ${simpleString(other)} on the right`, { operator: this.spec.operatorId });
    });
    const combined = new StructType([...this.left.schema.fields, ...this.right.schema.fields]);
    const post = (j.condition ? conjuncts(j.condition) : []).filter((c) => sideOnly(c, nLeft) === undefined).map((c) => compileExpr(c, ctx.eval));
    const L = await JoinStateManager.open(state, this.spec.operatorId, "left", sides.left.keySchema, this.left.schema);
    const R = await JoinStateManager.open(state, this.spec.operatorId, "right", sides.right.keySchema, this.right.schema);
    const managers = { left: L, right: R };
    const preds = {
      left: state.hasWatermark ? joinStatePredicate(j, "left", state.evictionWatermarkMs) : undefined,
      right: state.hasWatermark ? joinStatePredicate(j, "right", state.evictionWatermarkMs) : undefined,
    };
    const type = j.joinType;
    const preserves = (side: JoinSide): boolean => type === "full" || (side === "left" ? type === "left" : type === "right");
    const nullsLeft = this.left.schema.fields.map(() => null);
    const nullsRight = this.right.schema.fields.map(() => null);
    const joined = (side: JoinSide, own: Row, other: Row | null): Row => {
      if (type === "left_semi") return own;
      if (side === "left") return [...own, ...(other ?? nullsRight)];
      return [...(other ?? nullsLeft), ...own];
    };
    let dropped = 0;
    let appended = 0;

    for (const side of ["left", "right"] as const) {
      const s = sides[side];
      const other: JoinSide = side === "left" ? "right" : "left";
      const mine = managers[side];
      const theirs = managers[other];
      for await (const batch of (side === "left" ? this.left : this.right).execute(ctx)) {
        const n = batch.numRows;
        if (n === 0) continue;
        const out: Row[] = [];
        const keyVecs = s.keys.map((k) => k(batch));
        const keys = joinRowKeys(state.stateKeyFormat, keyVecs, n, state.numPartitions);
        const pre = allTrue(s.pre, batch);
        const rows: { row: Row; key: string; part: number; keyValues: Row; candidates: StoredRow[] }[] = [];
        for (let i = 0; i < n; i++) {
          const row = batch.columns.map((c) => getValue(c, i));
          if (s.eventTime !== undefined && state.hasWatermark) {
            const t = timeUs(row[s.eventTime]);
            if (t !== null && atOrBelowWatermark(t, state.lateEventsWatermarkMs)) {
              dropped++;
              continue;
            }
          }
          const keyValues = keyVecs.map((v) => getValue(v, i));
          const nullKey = keyValues.some((v, k) => v === null && !j.nullSafe[k]);
          if ((pre !== null && pre[i] === 0) || (nullKey && !preserves(side))) {
            if (preserves(side)) out.push(joined(side, row, null));
            continue;
          }
          const key = keys.key(i);
          const part = keys.partitions[i]!;
          rows.push({ row, key, part, keyValues, candidates: theirs.get(part, key) });
        }
        // The predicates over both sides, evaluated once over every candidate pair of the batch.
        const pairs: [number, StoredRow][] = [];
        rows.forEach((r, ri) => r.candidates.forEach((c) => pairs.push([ri, c])));
        const pass = pairs.length === 0 ? null : allTrue(post, pairBatch(combined, pairs.map(([ri, c]) => (side === "left" ? [...rows[ri]!.row, ...c.row] : [...c.row, ...rows[ri]!.row]))));
        let p = 0;
        for (const r of rows) {
          let matched = false;
          for (const c of r.candidates) {
            const ok = pass === null || pass[p] === 1;
            p++;
            if (!ok) continue;
            if (type === "left_semi") {
              // A left row is emitted once: on its own arrival, or when a right row first matches it.
              if (side === "left") {
                if (!matched) out.push(r.row);
              } else if (!theirs.isMatched(r.part, r.key, c)) out.push(c.row);
            } else out.push(joined(side, r.row, c.row));
            matched = true;
            theirs.markMatched(r.part, r.key, c);
          }
          // Left semi: a left row matched on arrival is emitted and never needed again, so it is not stored.
          if (!(type === "left_semi" && side === "left" && matched) && !evicts(preds[side], r.keyValues, r.row)) {
            mine.append(r.part, r.key, r.keyValues, r.row, matched);
            appended++;
          }
        }
        if (out.length > 0) yield pairBatch(this.schema, out);
      }
    }
    const updateMs = performance.now() - t0;

    // 3. Eviction; outer joins emit the preserved side's unmatched evicted rows.
    const t1 = performance.now();
    let removed = 0;
    const out: Row[] = [];
    for (const side of ["left", "right"] as const) {
      const pred = preds[side];
      if (pred === undefined) continue;
      const gone = await managers[side].removeWhere((kv, row) => evicts(pred, kv, row));
      if (preserves(side)) {
        for (const r of gone) if (!r.matched) out.push(joined(side, r.row, null));
      } else if (type !== "full") removed += gone.length;
    }
    if (out.length > 0) yield pairBatch(this.schema, out);
    const removalMs = performance.now() - t1;

    const ml = await L.commit();
    const mr = await R.commit();
    state.report(this.spec.operatorId, {
      operatorName: "symmetricHashJoin",
      numRowsTotal: ml.numRowsTotal + mr.numRowsTotal,
      numRowsUpdated: appended,
      numRowsRemoved: removed,
      allUpdatesTimeMs: Math.round(updateMs),
      allRemovalsTimeMs: Math.round(removalMs),
      commitTimeMs: Math.round(ml.commitTimeMs + mr.commitTimeMs),
      memoryUsedBytes: ml.memoryUsedBytes + mr.memoryUsedBytes,
      numRowsDroppedByWatermark: dropped,
      numShufflePartitions: this.state.numPartitions,
      numStateStoreInstances: 4 * this.state.numPartitions,
      customMetrics: {},
    });
  }

  /** Compiled key expressions, pre-join filter and watermarked column of one side. */
  private side(j: RJoin, side: JoinSide, ctx: TaskContext) {
    const nLeft = j.left.output.length;
    const plan = side === "left" ? j.left : j.right;
    const keys = side === "left" ? j.leftKeys : j.rightKeys;
    const own = (j.condition ? conjuncts(j.condition) : []).filter((c) => sideOnly(c, nLeft) === side);
    const pre = own.map((c) => compileExpr(side === "left" ? c : mapRefs(c, (i) => i - nLeft), ctx.eval));
    const keySchema = new StructType(keys.map((k, i) => ({ name: `field${i}`, type: k.type, nullable: true })));
    const et = plan.output.findIndex((a) => a.watermarkDelayMs !== undefined);
    return { keys: keys.map((k) => compileExpr(k, ctx.eval)), pre, keySchema, eventTime: et < 0 ? undefined : et };
  }
}

/** Which side a conjunct reads only ("left" also for one reading no column, as Spark splits). */
function sideOnly(c: RExpr, nLeft: number): JoinSide | undefined {
  const refs = [...refIndices(c)];
  if (refs.every((i) => i < nLeft)) return "left";
  if (refs.every((i) => i >= nLeft)) return "right";
  return undefined;
}

/** Rows (of `batch`) for which every predicate is true; null when there are none to apply. */
function allTrue(preds: readonly CompiledExpr[], batch: ColumnBatch): Uint8Array | null {
  if (preds.length === 0) return null;
  const mask = trueMask(preds[0]!(batch), batch.numRows);
  for (const p of preds.slice(1)) {
    const m = trueMask(p(batch), batch.numRows);
    for (let i = 0; i < mask.length; i++) mask[i]! &= m[i]!;
  }
  return mask;
}

/** An event time in µs: a timestamp, or a window struct's end. */
function timeUs(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  return typeof v === "number" ? v : ((v as { end: number | null }).end ?? null);
}

/** Whether the side's state watermark drops a row (stored or about to be stored). */
function evicts(p: StateWatermarkPredicate | undefined, keyValues: Row, row: Row): boolean {
  if (p === undefined) return false;
  const t = timeUs(p.kind === "key" ? keyValues[p.keyIndex] : row[p.column]);
  return t !== null && atOrBelowWatermark(t, p.watermarkMs);
}

function pairBatch(schema: StructType, rows: readonly Row[]): ColumnBatch {
  return makeBatch(
    schema,
    schema.fields.map((f, c) => vectorFromValues(f.type, rows.map((r) => r[c]))),
    rows.length,
  );
}
