/**
 * What the stateful streaming tests share: event times as seconds after 2024-01-01T00:00:00Z,
 * window structs of them, and the state-operator part of a query's progress reports.
 */
export const t = (sec: number): Date => new Date(Date.UTC(2024, 0, 1, 0, 0, sec));
export const win = (startSec: number, endSec: number) => ({ start: t(startSec), end: t(endSec) });

export interface StateOp {
  operatorName: string;
  numRowsTotal: number;
  numRowsUpdated: number;
  numRowsRemoved: number;
  numRowsDroppedByWatermark: number;
}

type WithProgress = { recentProgress: readonly unknown[] };

/** Per batch, its stateful operators' progress (downstream first, as Spark lists them). */
export const stateOpsPerBatch = (q: WithProgress): StateOp[][] => q.recentProgress.map((p) => (p as { stateOperators: StateOp[] }).stateOperators);

/** Every batch's stateful operators' progress, in batch order. */
export const stateOps = (q: WithProgress): StateOp[] => stateOpsPerBatch(q).flat();
