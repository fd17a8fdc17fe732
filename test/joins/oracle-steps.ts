/**
 * What the PySpark-recorded streaming parity tests of test/joins and test/stateful share: run a
 * query once with trigger(availableNow) (or trigger(once), one batch) on a checkpoint (one oracle
 * step) and record, per micro-batch, the rows (sorted JSON text as the oracle prints them), the
 * watermark and the state operators' metrics, optionally followed by named custom metrics — the
 * shape scripts/oracle/stream_steps.py records on PySpark.
 */
import type { DataFrame } from "../../src/dataframe/dataframe.js";

export interface StepResult {
  batchId: number;
  rows: string[];
  watermark: string | null;
  state: unknown[][];
}

/** A row as Python's json.dumps(sort_keys=True) prints it: timestamps as ISO text, bigints as numbers. */
export function oracleRow(r: Record<string, unknown>): string {
  const plain = (v: unknown): unknown => {
    if (v instanceof Date) return v.toISOString();
    if (typeof v === "bigint") return Number(v);
    if (v !== null && typeof v === "object") return Object.fromEntries(Object.keys(v).sort().map((k) => [k, plain((v as Record<string, unknown>)[k])]));
    return v;
  };
  return JSON.stringify(plain(r)).replace(/,"/g, ', "').replace(/":/g, '": ');
}

/** Run `df` to the end of its available input (`once`: one batch); `operatorName` maps Sluice's operator names to the oracle's; `custom` names the custom metrics to record after the counts. */
export async function runOracleStep(
  df: DataFrame,
  checkpoint: string,
  mode: "append" | "update",
  operatorName: (n: string) => string = (n) => n,
  { once = false, custom = [] }: { once?: boolean; custom?: readonly string[] } = {},
): Promise<StepResult[]> {
  const batches = new Map<number, string[]>();
  const q = await df.writeStream
    .outputMode(mode)
    .foreachBatch(async (b, id) => void batches.set(id, (await b.collect()).map(oracleRow).sort()))
    .option("checkpointLocation", checkpoint)
    .trigger(once ? { once: true } : { availableNow: true })
    .start();
  await q.awaitTermination();
  return q.recentProgress.map((p) => ({
    batchId: p.batchId,
    rows: batches.get(p.batchId) ?? [],
    watermark: (p.eventTime as { watermark?: string }).watermark ?? null,
    state: p.stateOperators.map((s) => [operatorName(s.operatorName), s.numRowsTotal, s.numRowsUpdated, s.numRowsRemoved, s.numRowsDroppedByWatermark, ...custom.map((c) => s.customMetrics?.[c])]),
  }));
}
