/**
 * The input of a groupByKey operator for one micro-batch ([flat]mapGroupsWithState,
 * transformWithState): rows grouped by the encoded JS key, in first-seen order, with rows at or
 * below the previous batch's watermark dropped as late when `lateEventTimeIndex` is given.
 */
import { type ColumnBatch, batchToRows } from "../../columnar/column-batch.js";
import { encodeGroupKey } from "../../physical/operators/group-state.js";
import type { Row } from "../../plan/groups-with-state.js";
import { atOrBelowWatermark, eventTimeUs } from "./event-time.js";

export interface KeyedGroups {
  readonly groups: Map<string, { key: unknown; rows: Row[] }>;
  /** Rows dropped as late (numRowsDroppedByWatermark). */
  readonly dropped: number;
}

export async function groupRowsByKey(
  input: AsyncIterable<ColumnBatch>,
  keyFn: (row: Row) => unknown,
  late: { readonly eventTimeIndex: number; readonly watermarkMs: number } | undefined,
): Promise<KeyedGroups> {
  const groups = new Map<string, { key: unknown; rows: Row[] }>();
  let dropped = 0;
  for await (const batch of input) {
    const rows = batchToRows(batch);
    for (let i = 0; i < rows.length; i++) {
      if (late) {
        const t = eventTimeUs(batch.columns[late.eventTimeIndex]!, i);
        if (t !== null && atOrBelowWatermark(t, late.watermarkMs)) {
          dropped++;
          continue;
        }
      }
      const key = keyFn(rows[i]!);
      const k = encodeGroupKey(key);
      const g = groups.get(k);
      if (g) g.rows.push(rows[i]!);
      else groups.set(k, { key, rows: [rows[i]!] });
    }
  }
  return { groups, dropped };
}
