/** Delta Lake transaction log: read snapshots, commit optimistically, checkpoint, history, vacuum. */
export * from "./actions.js";
export { LogStore, LOG_DIR, commitFileName, type LastCheckpoint, type LogListing, type CheckpointRef } from "./log-store.js";
export { loadSnapshot, txnVersion, type Snapshot, type SnapshotOptions, type ActiveFile } from "./snapshot.js";
export { checkReadSupported, checkWriteSupported, isAppendOnly, DEFAULT_PROTOCOL, READER_FEATURES, WRITER_FEATURES } from "./protocol.js";
export { OptimisticTransaction, ENGINE_INFO, type CommitOptions, type CreateTableSpec } from "./transaction.js";
export { writeCheckpoint, maybeCheckpoint, DEFAULT_CHECKPOINT_INTERVAL } from "./checkpoint.js";
export { computeStats, parseStats, statsToJson, type FileStats } from "./stats.js";
export { history, type HistoryEntry } from "./history.js";
export { vacuum, type VacuumOptions, type VacuumResult } from "./vacuum.js";
export { parsePartitionValue, formatPartitionValue } from "./partition-values.js";
export { dataFilePath, relativeLogPath, type LogLocation, type PathOrigin } from "./data-path.js";
export { arrowToParquet, parquetToArrow, readParquetFile, arrowRows } from "./parquet-io.js";
