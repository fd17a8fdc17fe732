/**
 * Sluice: Spark's DataFrame and Structured Streaming model as an embedded TypeScript engine.
 * The public API follows PySpark's names (see API.md).
 */
import type { Session } from "./session/session.js";
export { Session, SessionBuilder } from "./session/session.js";
export { RuntimeConfig } from "./session/runtime-config.js";
export { DataFrame, type Row } from "./dataframe/dataframe.js";
export { GroupedData } from "./dataframe/grouped-data.js";
export { KeyValueGroupedDataset } from "./dataframe/key-value-grouped-dataset.js";
export type { FlatMapGroupsWithStateOptions, GroupsWithStateOptions, TransformWithStateOptions } from "./dataframe/key-value-grouped-dataset.js";
export type { GroupState, GroupStateTimeout } from "./plan/groups-with-state.js";
export type { ExpiredTimerInfo, ListState, MapState, StatefulProcessor, StatefulProcessorHandle, TimeMode, TimerValues, ValueState } from "./plan/transform-with-state.js";
export { DataFrameNaFunctions } from "./dataframe/na-functions.js";
export { StorageLevel } from "./dataframe/storage-level.js";
export { Observation } from "./dataframe/observation.js";
export { DataFrameReader } from "./dataframe/dataframe-reader.js";
export { DataFrameWriter } from "./dataframe/dataframe-writer.js";
export { Column } from "./expr/column.js";
export { Window, WindowSpec } from "./expr/window-spec.js";
export * as functions from "./expr/functions.js";
export { col, lit, expr } from "./expr/functions.js";
export { SluiceError, type ErrorKind } from "./common/errors.js";
export * from "./types/index.js";
export { variantToJson } from "./expr/functions/variant-to-json.js";
// Delta Lake (src/delta/delta-table.ts)
export { DeltaTable, DeltaMergeBuilder, DeltaOptimizeBuilder } from "./delta/delta-table.js";
// Streaming: writers, queries, progress and listeners (src/dataframe/streaming-query-types.ts)
export { DataStreamWriter } from "./dataframe/data-stream-writer.js";
export type { StreamingQueryHandle as StreamingQuery, TriggerSpec as Trigger, ExplainMode, ForeachWriter, WriteSpec, StreamWriteSpec } from "./dataframe/executor.js";
/** What `spark.memoryStream(schema)` returns: `addData(rows)` → offset, `toDF()` a streaming DataFrame. */
export type MemoryStream = ReturnType<Session["memoryStream"]>;
export type {
  AlertMetric,
  AvailableNowProgress,
  DurationMs,
  EventTimeProgress,
  JsonValue,
  QueryAlertEvent,
  QueryIdleEvent,
  QueryProgressEvent,
  QueryStartedEvent,
  QueryTerminatedEvent,
  SinkProgress,
  SourceProgress,
  StateOperatorProgress,
  StreamingQueryListener,
  StreamingQueryProgress,
  StreamingQueryProgressData,
  StreamingQueryStatus,
} from "./dataframe/streaming-query-types.js";
export type { StreamingQueryManager } from "./streaming/streaming-query-manager.js";
export type { OutputMode } from "./connectors/api/sink.js";
export type { LogLevel, Logger } from "./common/logger.js";
export { streamFromAsyncIterable } from "./connectors/node-streams/async-iterable-source.js";
export type { AsyncIterableSourceOptions, AsyncIterableStream } from "./connectors/node-streams/async-iterable-source.js";
export { writeStreamToWritable } from "./connectors/node-streams/writable-sink.js";
export { registerStreamSink, registerStreamSource } from "./connectors/api/user-connectors.js";
export type { JsonOffset, UserRow, UserStreamSink, UserStreamSource } from "./connectors/api/user-connectors.js";
