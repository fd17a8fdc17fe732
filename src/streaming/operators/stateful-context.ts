/**
 * What a stateful operator gets for one micro-batch (Spark's StatefulOperatorStateInfo plus the
 * batch's watermarks). Since Spark 3.4 each batch has two watermarks: late input rows are judged
 * against the previous batch's watermark, state is evicted against the current one — so that
 * chained stateful operators see the rows the one before them emitted.
 */
import type { OutputMode } from "../../connectors/api/sink.js";
import type { StateOperatorProgress } from "../progress/progress.js";
import type { StateSchema, StateStoreProvider } from "../state/state-store.js";

export interface StatefulContext {
  readonly batchId: number;
  readonly outputMode: OutputMode;
  /** Watermark of the previous batch (ms): input rows with event time ≤ it are late. */
  readonly lateEventsWatermarkMs: number;
  /** Watermark of this batch (ms): state with event time ≤ it is evicted (and emitted in append). */
  readonly evictionWatermarkMs: number;
  /** Whether a watermark is defined at all (no watermark: nothing is late or evicted). */
  readonly hasWatermark: boolean;
  /** The provider for this operator's store (kept open by the query across batches). */
  provider(operatorId: number, schema: StateSchema): StateStoreProvider;
  report(operatorId: number, progress: StateOperatorProgress): void;
  /** Rows dropped as late go here when the query routes them to a side output. */
  lateRows?(operatorId: number, rows: import("../../columnar/column-batch.js").ColumnBatch): void;
}
